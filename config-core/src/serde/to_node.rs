//! A `serde::Serializer` whose output is a [`Node`]: the other direction of
//! the bridge, used by `Node::from_serialize`.

use crate::error::{Error, ErrorKind};
use crate::node::{Key, Map, Node, Value};
use serde::ser::{self, Serialize};
use std::fmt;

/// Serializes into a tree.
pub(crate) struct NodeSerializer;

/// A value that has no tree form (a map key that is not a scalar, or the
/// value's own `Serialize` failing).
#[derive(Debug)]
pub(crate) struct SerError(String);

impl SerError {
    pub(crate) fn into_error(self) -> Error {
        Error::new(
            ErrorKind::Type,
            format!("cannot convert the value to a config tree: {}", self.0),
        )
    }
}

impl fmt::Display for SerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SerError {}

impl ser::Error for SerError {
    fn custom<T: fmt::Display>(msg: T) -> SerError {
        SerError(msg.to_string())
    }
}

fn leaf(v: Value) -> Result<Node, SerError> {
    Ok(Node::new(v))
}

fn int<T: TryInto<i64> + ToString + Copy>(v: T) -> Result<Node, SerError> {
    match v.try_into() {
        Ok(i) => leaf(Value::Int(i)),
        Err(_) => leaf(Value::BigInt(v.to_string().into())),
    }
}

/// `{variant: content}`.
fn tagged(variant: &str, content: Node) -> Node {
    let mut m = Map::new();
    m.insert(Key::from(variant), content);
    Node::new(Value::Map(m))
}

impl ser::Serializer for NodeSerializer {
    type Ok = Node;
    type Error = SerError;
    type SerializeSeq = SeqSer;
    type SerializeTuple = SeqSer;
    type SerializeTupleStruct = SeqSer;
    type SerializeTupleVariant = SeqSer;
    type SerializeMap = MapSer;
    type SerializeStruct = MapSer;
    type SerializeStructVariant = MapSer;

    fn serialize_bool(self, v: bool) -> Result<Node, SerError> {
        leaf(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Node, SerError> {
        int(v)
    }
    fn serialize_i16(self, v: i16) -> Result<Node, SerError> {
        int(v)
    }
    fn serialize_i32(self, v: i32) -> Result<Node, SerError> {
        int(v)
    }
    fn serialize_i64(self, v: i64) -> Result<Node, SerError> {
        int(v)
    }
    fn serialize_i128(self, v: i128) -> Result<Node, SerError> {
        int(v)
    }
    fn serialize_u8(self, v: u8) -> Result<Node, SerError> {
        int(v)
    }
    fn serialize_u16(self, v: u16) -> Result<Node, SerError> {
        int(v)
    }
    fn serialize_u32(self, v: u32) -> Result<Node, SerError> {
        int(v)
    }
    fn serialize_u64(self, v: u64) -> Result<Node, SerError> {
        int(v)
    }
    fn serialize_u128(self, v: u128) -> Result<Node, SerError> {
        int(v)
    }
    fn serialize_f32(self, v: f32) -> Result<Node, SerError> {
        // Through the shortest decimal form, so 0.1f32 is written 0.1.
        let wide = v.to_string().parse::<f64>().unwrap_or(f64::from(v));
        leaf(Value::Float(wide))
    }
    fn serialize_f64(self, v: f64) -> Result<Node, SerError> {
        leaf(Value::Float(v))
    }
    fn serialize_char(self, v: char) -> Result<Node, SerError> {
        leaf(Value::string(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Node, SerError> {
        leaf(Value::string(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Node, SerError> {
        leaf(Value::List(
            v.iter()
                .map(|b| Node::new(Value::Int(i64::from(*b))))
                .collect(),
        ))
    }
    fn serialize_none(self) -> Result<Node, SerError> {
        leaf(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Node, SerError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Node, SerError> {
        leaf(Value::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Node, SerError> {
        leaf(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Node, SerError> {
        leaf(Value::string(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        v: &T,
    ) -> Result<Node, SerError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<Node, SerError> {
        Ok(tagged(variant, v.serialize(NodeSerializer)?))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer, SerError> {
        Ok(SeqSer::new(None, len.unwrap_or(0)))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSer, SerError> {
        Ok(SeqSer::new(None, len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqSer, SerError> {
        Ok(SeqSer::new(None, len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SeqSer, SerError> {
        Ok(SeqSer::new(Some(variant), len))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<MapSer, SerError> {
        Ok(MapSer::new(None))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<MapSer, SerError> {
        Ok(MapSer::new(None))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<MapSer, SerError> {
        Ok(MapSer::new(Some(variant)))
    }
}

/// A list being built (a tuple variant's content, when `variant` is set).
pub(crate) struct SeqSer {
    variant: Option<&'static str>,
    items: Vec<Node>,
}

impl SeqSer {
    fn new(variant: Option<&'static str>, len: usize) -> SeqSer {
        SeqSer {
            variant,
            items: Vec::with_capacity(len),
        }
    }

    fn push<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        self.items.push(v.serialize(NodeSerializer)?);
        Ok(())
    }

    fn finish(self) -> Result<Node, SerError> {
        let list = Node::new(Value::List(self.items));
        Ok(match self.variant {
            Some(v) => tagged(v, list),
            None => list,
        })
    }
}

macro_rules! seq_impl {
    ($($tr:ident :: $method:ident),*) => {$(
        impl ser::$tr for SeqSer {
            type Ok = Node;
            type Error = SerError;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
                self.push(v)
            }
            fn end(self) -> Result<Node, SerError> {
                self.finish()
            }
        }
    )*};
}
seq_impl!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// A mapping being built (a struct variant's content, when `variant` is set).
pub(crate) struct MapSer {
    variant: Option<&'static str>,
    map: Map,
    key: Option<Key>,
}

impl MapSer {
    fn new(variant: Option<&'static str>) -> MapSer {
        MapSer {
            variant,
            map: Map::new(),
            key: None,
        }
    }

    fn finish(self) -> Result<Node, SerError> {
        let node = Node::new(Value::Map(self.map));
        Ok(match self.variant {
            Some(v) => tagged(v, node),
            None => node,
        })
    }

    fn field<T: Serialize + ?Sized>(&mut self, name: &str, v: &T) -> Result<(), SerError> {
        self.map
            .insert(Key::from(name), v.serialize(NodeSerializer)?);
        Ok(())
    }
}

/// A scalar node as a mapping key.
fn to_key(n: Node) -> Result<Key, SerError> {
    match n.value {
        Value::Str(s) | Value::Interp(s) => Ok(Key::from(s)),
        Value::Int(i) => Ok(Key::Int(i)),
        Value::Float(f) => Ok(Key::Float(f)),
        Value::Bool(b) => Ok(Key::Bool(b)),
        Value::BigInt(d) => Ok(Key::Str(d.into())),
        _ => Err(SerError(
            "a mapping key must be a string, number or bool".into(),
        )),
    }
}

impl ser::SerializeMap for MapSer {
    type Ok = Node;
    type Error = SerError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), SerError> {
        self.key = Some(to_key(k.serialize(NodeSerializer)?)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| SerError("a map value came before its key".into()))?;
        self.map.insert(key, v.serialize(NodeSerializer)?);
        Ok(())
    }
    fn end(self) -> Result<Node, SerError> {
        self.finish()
    }
}

impl ser::SerializeStruct for MapSer {
    type Ok = Node;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        v: &T,
    ) -> Result<(), SerError> {
        self.field(name, v)
    }
    fn end(self) -> Result<Node, SerError> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for MapSer {
    type Ok = Node;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        v: &T,
    ) -> Result<(), SerError> {
        self.field(name, v)
    }
    fn end(self) -> Result<Node, SerError> {
        self.finish()
    }
}
