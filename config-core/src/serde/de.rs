//! A node as a `serde::Deserializer`, with the full key and the origin of
//! the value on every error.

use crate::error::{Error, ErrorKind};
use crate::node::{Key, Node, Value};
use crate::origin::Origin;
use crate::path::{child_key, index_key};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use std::fmt;

/// Reads a [`Node`] found at full key `key` into any serde type.
///
/// ```
/// use config_core::{serde::NodeDeserializer, Node};
/// use serde::Deserialize;
/// let n = Node::from_yaml_str("[1, 2]").unwrap();
/// let v = Vec::<u8>::deserialize(NodeDeserializer::new(&n, "steps")).unwrap();
/// assert_eq!(v, [1, 2]);
/// ```
pub struct NodeDeserializer<'a> {
    node: &'a Node,
    key: String,
}

impl<'a> NodeDeserializer<'a> {
    /// A deserializer of `node`, whose errors name keys below `key`.
    pub fn new(node: &'a Node, key: &str) -> NodeDeserializer<'a> {
        NodeDeserializer {
            node,
            key: key.to_string(),
        }
    }
}

/// A deserialization error, located at the innermost node it came from.
#[derive(Debug)]
pub struct DeError {
    message: String,
    key: Option<String>,
    origin: Option<Origin>,
}

impl DeError {
    /// Sets where the error happened, unless a deeper node already did.
    fn locate(mut self, key: &str, origin: &Origin) -> DeError {
        if self.key.is_none() {
            self.key = Some(key.to_string());
            self.origin = Some(origin.clone());
        }
        self
    }

    /// The crate's error: the message, with key and origin set (each
    /// shown once, on its own line).
    pub(crate) fn into_error(self) -> Error {
        let key = self.key.filter(|k| !k.is_empty());
        let mut e = Error::new(ErrorKind::Type, self.message);
        if let Some(k) = key {
            e = e.with_key(k);
        }
        e.with_origin(self.origin.unwrap_or_default())
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> DeError {
        DeError {
            message: msg.to_string(),
            key: None,
            origin: None,
        }
    }
}

impl<'de, 'a: 'de> NodeDeserializer<'a> {
    fn any<V: Visitor<'de>>(&self, v: V) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Null => v.visit_unit(),
            Value::Missing => Err(de::Error::custom(format!(
                "missing mandatory value (???); set it with `{}=<value>`",
                self.key
            ))),
            Value::Bool(b) => v.visit_bool(*b),
            Value::Int(i) => v.visit_i64(*i),
            Value::BigInt(digits) => match (digits.parse::<i128>(), digits.parse::<u128>()) {
                (Ok(i), _) => v.visit_i128(i),
                (_, Ok(u)) => v.visit_u128(u),
                _ => v.visit_borrowed_str(digits),
            },
            Value::Float(f) => v.visit_f64(*f),
            Value::Str(s) => v.visit_borrowed_str(s),
            Value::Interp(s) => Err(de::Error::custom(format!(
                "holds the unresolved interpolation '{s}'; resolve the config first"
            ))),
            Value::List(items) => v.visit_seq(SeqDe {
                items: items.iter().enumerate(),
                key: &self.key,
            }),
            Value::Map(m) => v.visit_map(MapDe {
                entries: m.iter(),
                value: None,
                key: &self.key,
            }),
        }
    }

    fn locate<T>(&self, r: Result<T, DeError>) -> Result<T, DeError> {
        r.map_err(|e| e.locate(&self.key, &self.node.origin))
    }
}

impl<'de, 'a: 'de> de::Deserializer<'de> for NodeDeserializer<'a> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let r = self.any(v);
        self.locate(r)
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let r = match self.node.value {
            Value::Null => v.visit_none(),
            _ => v.visit_some(NodeDeserializer::new(self.node, &self.key)),
        };
        self.locate(r)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        let r = v.visit_newtype_struct(NodeDeserializer::new(self.node, &self.key));
        self.locate(r)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        let r = match &self.node.value {
            Value::Str(s) => v.visit_enum(s.as_str().into_deserializer()),
            Value::Map(m) if m.len() == 1 => match m.iter().next() {
                Some((k, value)) => v.visit_enum(EnumDe {
                    variant: k,
                    value,
                    key: child_key(&self.key, k),
                }),
                None => Err(de::Error::custom("expected an enum variant")),
            },
            _ => Err(de::Error::custom(
                "expected an enum variant: its name, or a mapping {Variant: content}",
            )),
        };
        self.locate(r)
    }

    /// A value the type skips is not read: a `???` or an interpolation in
    /// an ignored key is no error.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        v.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier
    }
}

struct SeqDe<'a, 'k> {
    items: std::iter::Enumerate<std::slice::Iter<'a, Node>>,
    key: &'k str,
}

impl<'de, 'a: 'de> de::SeqAccess<'de> for SeqDe<'a, '_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some((i, item)) => seed
                .deserialize(NodeDeserializer::new(item, &index_key(self.key, i)))
                .map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapDe<'a, 'k> {
    entries: crate::map::Iter<'a>,
    value: Option<(&'a Key, &'a Node)>,
    key: &'k str,
}

impl<'de, 'a: 'de> de::MapAccess<'de> for MapDe<'a, '_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            Some((k, v)) => {
                self.value = Some((k, v));
                seed.deserialize(KeyDe(k)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.value.take() {
            Some((k, v)) => seed.deserialize(NodeDeserializer::new(v, &child_key(self.key, k))),
            None => Err(de::Error::custom(
                "a map value was asked for before its key",
            )),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A mapping key: its text for strings and identifiers, its value otherwise.
struct KeyDe<'a>(&'a Key);

impl<'de, 'a: 'de> de::Deserializer<'de> for KeyDe<'a> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match self.0 {
            Key::Str(s) => v.visit_borrowed_str(s),
            Key::Int(i) => v.visit_i64(*i),
            Key::Float(f) => v.visit_f64(*f),
            Key::Bool(b) => v.visit_bool(*b),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match self.0 {
            Key::Str(s) => v.visit_borrowed_str(s),
            other => v.visit_string(other.to_string()),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum ignored_any
    }
}

struct EnumDe<'a> {
    variant: &'a Key,
    value: &'a Node,
    key: String,
}

impl<'de, 'a: 'de> de::EnumAccess<'de> for EnumDe<'a> {
    type Error = DeError;
    type Variant = NodeDeserializer<'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), DeError> {
        let name = seed.deserialize(KeyDe(self.variant))?;
        Ok((name, NodeDeserializer::new(self.value, &self.key)))
    }
}

impl<'de, 'a: 'de> de::VariantAccess<'de> for NodeDeserializer<'a> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        match self.node.value {
            Value::Null => Ok(()),
            _ => self.locate(Err(de::Error::custom("a unit variant takes no content"))),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, DeError> {
        de::Deserializer::deserialize_seq(self, v)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        de::Deserializer::deserialize_map(self, v)
    }
}
