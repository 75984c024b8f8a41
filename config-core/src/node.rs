//! The DictConfig tree: OmegaConf's node model in Rust.
//!
//! Everything downstream works on this tree: the YAML loader builds it, merge
//! combines it, the interpolation resolver rewrites it, composition assembles
//! it and the typed layer converts it to and from Rust structs. A [`Node`] is
//! a [`Value`] plus its [`Origin`] and its [`Flags`].

use crate::origin::Origin;
pub use compact_str::CompactString;
use indexmap::Equivalent;
use std::fmt;
use std::hash::{Hash, Hasher};

pub use crate::map::Map;

/// A mapping key. Keys are strings, plus the int, float and bool keys that
/// YAML can produce (OmegaConf keeps them rather than turning them into strings).
///
/// ```
/// use config_core::Key;
/// assert_eq!(Key::from("lr").to_string(), "lr");
/// assert_eq!(Key::Int(1).to_string(), "1");
/// ```
#[derive(Clone, Debug)]
pub enum Key {
    /// A string key: a [`CompactString`], which keeps up to 24 bytes inline,
    /// so that most keys cost no allocation of their own.
    Str(CompactString),
    /// An integer key, e.g. `1: a`.
    Int(i64),
    /// A float key, e.g. `2.5: b`.
    Float(f64),
    /// A bool key, e.g. `true: c` (YAML 1.1 also reads `yes:` this way).
    Bool(bool),
}

impl Key {
    /// The string of a `Str` key.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Key::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        match (self, other) {
            (Key::Str(a), Key::Str(b)) => a == b,
            (Key::Int(a), Key::Int(b)) => a == b,
            (Key::Float(a), Key::Float(b)) => a.to_bits() == b.to_bits(),
            (Key::Bool(a), Key::Bool(b)) => a == b,
            _ => false,
        }
    }
}
impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, h: &mut H) {
        match self {
            Key::Str(s) => StrKey(s).hash(h),
            Key::Int(i) => (1u8, i).hash(h),
            Key::Float(f) => (2u8, f.to_bits()).hash(h),
            Key::Bool(b) => (3u8, b).hash(h),
        }
    }
}

/// Looks up a `Key::Str` by `&str` without allocating.
#[derive(Hash)]
pub(crate) struct StrKey<'a>(pub &'a str);

impl Equivalent<Key> for StrKey<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        matches!(key, Key::Str(s) if s == self.0)
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Key {
        Key::Str(CompactString::from(s))
    }
}
impl From<String> for Key {
    fn from(s: String) -> Key {
        Key::Str(CompactString::from(s))
    }
}

impl From<CompactString> for Key {
    fn from(s: CompactString) -> Key {
        Key::Str(s)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Str(s) => f.write_str(s),
            Key::Int(i) => write!(f, "{i}"),
            Key::Float(x) => f.write_str(&crate::node::float_repr(*x)),
            Key::Bool(b) => f.write_str(if *b { "True" } else { "False" }),
        }
    }
}

/// Flags, as in OmegaConf. `None` means "inherit from the parent"; a root
/// with no setting counts as `false`.
///
/// Read them with [`Node::flags`], set them with [`Node::set_readonly`] and
/// [`Node::set_struct`]. Readonly is honoured by every mutation path of the
/// tree's API: [`Node::set`], [`Node::update`], [`Node::delete`],
/// [`merge`](crate::merge::merge) and the `_mut` accessors
/// ([`Node::select_mut`], [`Node::get_mut`], [`Node::as_map_mut`]), which
/// hand out `&mut` only when nothing at or below the node is readonly. (The
/// `value` field of a node you hold `&mut` to is plain data: the flag guards
/// the API, as OmegaConf's guards attribute access.)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    /// Every write below this node fails.
    pub readonly: Option<bool>,
    /// The mapping is closed: adding a key fails (reading an unknown one too).
    pub struct_mode: Option<bool>,
}

/// A value in the tree.
#[derive(Clone, Debug)]
pub enum Value {
    /// `null` / `~`.
    Null,
    /// The missing marker `???`: a value that must be supplied later.
    Missing,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// An integer beyond `i64`, kept exactly as its decimal digits (with an
    /// optional leading `-`). Python, and so OmegaConf, has unbounded ints.
    BigInt(Box<str>),
    /// A float (`inf` and `nan` included).
    Float(f64),
    /// A plain string: a [`CompactString`], inline up to 24 bytes as keys
    /// are, so that most strings cost no allocation of their own.
    Str(CompactString),
    /// A string that contains `${`: resolved by the interpolation engine.
    Interp(CompactString),
    /// An ordered mapping.
    Map(Map),
    /// A list.
    List(Vec<Node>),
}

impl Value {
    /// A string value, classified: it becomes [`Value::Interp`] when it
    /// contains `${` (as OmegaConf decides), [`Value::Str`] otherwise.
    pub fn string(s: impl Into<CompactString>) -> Value {
        let s = s.into();
        if s.contains("${") {
            Value::Interp(s)
        } else {
            Value::Str(s)
        }
    }

    /// The name of this value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Missing => "missing",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::BigInt(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Interp(_) => "interpolation",
            Value::Map(_) => "dict",
            Value::List(_) => "list",
        }
    }

    /// True for mappings and lists.
    pub fn is_container(&self) -> bool {
        matches!(self, Value::Map(_) | Value::List(_))
    }
}

impl PartialEq for Value {
    /// Strict equality: types must match (`1` is not `1.0`), mapping order
    /// matters, and NaN equals NaN so that trees compare as data.
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) | (Value::Missing, Value::Missing) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::BigInt(a), Value::BigInt(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Value::Str(a), Value::Str(b)) | (Value::Interp(a), Value::Interp(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b.iter())
                        .all(|(x, y)| x.0 == y.0 && x.1 == y.1)
            }
            (Value::List(a), Value::List(b)) => a == b,
            _ => false,
        }
    }
}

/// A node of the tree: a value, where it came from, and its flags.
///
/// ```
/// use config_core::{Node, Value};
/// let mut cfg = Node::from_yaml_str("trainer:\n  max_iter: 1000\n").unwrap();
/// cfg.set("trainer.max_iter", Node::from(10)).unwrap();
/// assert_eq!(cfg.select("trainer.max_iter").unwrap().unwrap().value, Value::Int(10));
/// ```
#[derive(Clone, Debug)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the value came from.
    pub origin: Origin,
    /// The node's flags and history, boxed: most nodes have neither, and a
    /// tree has one node per value, so a `Node` is 64 bytes instead of 72.
    extra: Option<Box<Extra>>,
}

/// What few nodes carry (see [`Node::flags`] and [`Node::replaced`]).
#[derive(Clone, Debug, Default)]
struct Extra {
    /// Readonly and struct flags (meaningful on containers; inherited).
    /// Set through [`Node::set_readonly`] and [`Node::set_struct`], so that
    /// clearing readonly takes an explicit call.
    flags: Flags,
    /// The leaf this node replaced in a merge or override, if any: the
    /// history that `--explain` prints.
    replaced: Option<Node>,
}

impl PartialEq for Node {
    /// Compares values only; origins and history are not part of equality.
    fn eq(&self, other: &Node) -> bool {
        self.value == other.value
    }
}

impl Node {
    /// A node with an unknown origin.
    pub fn new(value: Value) -> Node {
        Node::with_origin(value, Origin::Unknown)
    }

    /// A node with the given origin.
    pub fn with_origin(value: Value, origin: Origin) -> Node {
        Node {
            value,
            origin,
            extra: None,
        }
    }

    /// This node with `flags` (and no history).
    pub(crate) fn with_flags(mut self, flags: Flags) -> Node {
        if flags != Flags::default() {
            *self.flags_mut() = flags;
        }
        self
    }

    /// An empty mapping.
    pub fn empty_map() -> Node {
        Node::new(Value::Map(Map::new()))
    }

    /// The mapping, if this is one.
    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// This node's own flags (`None`: inherited from the parent).
    pub fn flags(&self) -> Flags {
        self.extra.as_ref().map_or_else(Flags::default, |e| e.flags)
    }

    /// This node's own flags, to change.
    pub(crate) fn flags_mut(&mut self) -> &mut Flags {
        &mut self.extra.get_or_insert_with(Box::default).flags
    }

    /// The leaf this node replaced in a merge, an override or a resolution,
    /// if any: the history that `--explain` prints, newest first through
    /// each node's own `replaced()`.
    ///
    /// ```
    /// use config_core::{merge, Node, Value};
    /// let mut cfg = Node::from_yaml_str("lr: 0.1").unwrap();
    /// merge(&mut cfg, Node::from_yaml_str("lr: 0.2").unwrap()).unwrap();
    /// let lr = cfg.get("lr").unwrap();
    /// assert_eq!(lr.replaced().map(|old| &old.value), Some(&Value::Float(0.1)));
    /// ```
    pub fn replaced(&self) -> Option<&Node> {
        self.extra.as_ref()?.replaced.as_ref()
    }

    /// Records `old` as the leaf this node replaced (`None` forgets it).
    pub(crate) fn set_replaced(&mut self, old: Option<Node>) {
        match old {
            Some(old) => self.extra.get_or_insert_with(Box::default).replaced = Some(old),
            None => {
                if let Some(e) = &mut self.extra {
                    e.replaced = None;
                }
            }
        }
    }

    /// The mapping, mutably, if this is one. A `&mut Map` can change any
    /// node below, so this fails ([`ErrorKind::Readonly`](crate::ErrorKind::Readonly))
    /// when this node or any node below it is readonly; the error names the
    /// first such key, relative to this node (none for this node itself).
    ///
    /// ```
    /// use config_core::{ErrorKind, Key, Node};
    /// let mut cfg = Node::from_yaml_str("a: 1\nb: {c: 2}").unwrap();
    /// cfg.as_map_mut().unwrap().unwrap().shift_remove(&Key::from("a"));
    /// cfg.get_mut("b").unwrap().unwrap().set_readonly(true);
    /// let err = cfg.as_map_mut().unwrap_err();
    /// assert_eq!((err.kind(), err.key()), (ErrorKind::Readonly, Some("b")));
    /// ```
    pub fn as_map_mut(&mut self) -> Result<Option<&mut Map>, crate::Error> {
        if self.as_map().is_some() {
            crate::access::check_writable(self, false, "")?;
        }
        Ok(self.as_map_mut_raw())
    }

    /// [`Node::as_map_mut`] ignoring flags: for the engine's own writes
    /// (composition, the hydra node, typed conversions), which are not user
    /// writes.
    pub(crate) fn as_map_mut_raw(&mut self) -> Option<&mut Map> {
        match &mut self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The list, if this is one.
    pub fn as_list(&self) -> Option<&Vec<Node>> {
        match &self.value {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The string of a `Str` or `Interp` value.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) | Value::Interp(s) => Some(s),
            _ => None,
        }
    }

    /// A child of a mapping by string key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map().and_then(|m| m.get(&StrKey(key)))
    }

    /// A child of a mapping by string key, mutably. Fails
    /// ([`ErrorKind::Readonly`](crate::ErrorKind::Readonly), naming the key)
    /// when the child, or any node below it, is readonly, its own flag or
    /// this node's.
    pub fn get_mut(&mut self, key: &str) -> Result<Option<&mut Node>, crate::Error> {
        let inherited = self.flags().readonly.unwrap_or(false);
        if let Some(child) = self.get(key) {
            let full = crate::path::child_key("", &Key::from(key));
            crate::access::check_writable(child, inherited, &full)?;
        }
        Ok(self.get_mut_raw(key))
    }

    /// [`Node::get_mut`] ignoring flags, for the engine.
    pub(crate) fn get_mut_raw(&mut self, key: &str) -> Option<&mut Node> {
        self.as_map_mut_raw().and_then(|m| m.get_mut(&StrKey(key)))
    }

    /// True when this is the missing marker `???`.
    pub fn is_missing(&self) -> bool {
        matches!(self.value, Value::Missing)
    }

    /// Sets `origin` on this node and every node below it that has none.
    pub fn stamp_origin(&mut self, origin: &Origin) {
        if self.origin.is_unknown() {
            self.origin = origin.clone();
        }
        match &mut self.value {
            Value::Map(m) => m.values_mut().for_each(|n| n.stamp_origin(origin)),
            Value::List(l) => l.iter_mut().for_each(|n| n.stamp_origin(origin)),
            _ => {}
        }
    }
}

impl From<Value> for Node {
    fn from(v: Value) -> Node {
        Node::new(v)
    }
}
impl From<i64> for Node {
    fn from(v: i64) -> Node {
        Node::new(Value::Int(v))
    }
}
impl From<i32> for Node {
    fn from(v: i32) -> Node {
        Node::new(Value::Int(v.into()))
    }
}
impl From<f64> for Node {
    fn from(v: f64) -> Node {
        Node::new(Value::Float(v))
    }
}
impl From<bool> for Node {
    fn from(v: bool) -> Node {
        Node::new(Value::Bool(v))
    }
}
impl From<&str> for Node {
    fn from(v: &str) -> Node {
        Node::new(Value::string(v))
    }
}
impl From<String> for Node {
    fn from(v: String) -> Node {
        Node::new(Value::string(v))
    }
}

/// A float as Python's `repr` writes it (`1.0`, `1e-06`, `inf`, `nan`):
/// the form OmegaConf users see in messages and string interpolation.
///
/// ```
/// assert_eq!(config_core::float_repr(1e-6), "1e-06");
/// ```
pub fn float_repr(x: f64) -> String {
    let mut out = String::new();
    write_float_repr(x, &mut out);
    out
}

/// [`float_repr`], appended to `out` (no allocation of its own).
///
/// The digits are the shortest that read back as `x`, ties to even, from
/// `ryu`, as Python's `repr` picks them (std's `Display` rounds ties away
/// from zero: `80350417407834.125` is `…34.12` in Python, `…34.13` in std).
/// The layout is Python's: positional when the decimal exponent is in
/// -4..=15, else `d.ddde±XX`.
pub(crate) fn write_float_repr(x: f64, out: &mut String) {
    if x.is_nan() {
        return out.push_str("nan");
    }
    if x.is_infinite() {
        return out.push_str(if x > 0.0 { "inf" } else { "-inf" });
    }
    if x == 0.0 {
        return out.push_str(if x.is_sign_negative() { "-0.0" } else { "0.0" });
    }
    let mut buf = ryu::Buffer::new();
    if (1e-4..1e16).contains(&x.abs()) {
        // Here `ryu` writes positional notation with a `.`, as Python does
        // for these exponents (-4..=15): `0.0001`, `123.0`, `1234.5`.
        return out.push_str(buf.format_finite(x));
    }
    // Python writes the rest as `d.ddde±XX`; `ryu` writes `1e16`, `1.5e-7`,
    // or positional `0.00001` for exponent -5.
    let Digits {
        buf: digits,
        len,
        exp,
    } = shortest_digits(buf.format_finite(x.abs()));
    let digits = &digits[..len];
    if x < 0.0 {
        out.push('-');
    }
    push_ascii(&digits[..1], out);
    if digits.len() > 1 {
        out.push('.');
        push_ascii(&digits[1..], out);
    }
    use std::fmt::Write;
    let sign = if exp < 0 { '-' } else { '+' };
    let _ = write!(out, "e{sign}{:02}", exp.abs());
}

/// The significant digits of a float, and the decimal exponent of the
/// first one (`1.25e-7`: `125` and -7).
struct Digits {
    /// ASCII digits, no leading or trailing zeros (at most 17).
    buf: [u8; 24],
    len: usize,
    exp: i32,
}

/// [`Digits`] from `ryu`'s text of a positive finite float, which is
/// `123.45`, `0.00012` or `1.2e-7` depending on its size.
fn shortest_digits(text: &str) -> Digits {
    let (mantissa, mut exp) = match text.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut d = Digits {
        buf: [0; 24],
        len: 0,
        exp: 0,
    };
    if int == "0" {
        // `0.000123`: the first digit is one place further down per zero.
        let zeros = frac.len() - frac.trim_start_matches('0').len();
        exp -= zeros as i32 + 1;
    } else {
        exp += int.len() as i32 - 1;
    }
    for b in int.bytes().chain(frac.bytes()) {
        if (d.len > 0 || b != b'0') && d.len < d.buf.len() {
            d.buf[d.len] = b;
            d.len += 1;
        }
    }
    while d.len > 1 && d.buf[d.len - 1] == b'0' {
        d.len -= 1;
    }
    d.exp = exp;
    d
}

/// Appends ASCII bytes (digits) to `out`.
fn push_ascii(bytes: &[u8], out: &mut String) {
    out.extend(bytes.iter().map(|&b| char::from(b)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_python() {
        assert_eq!(float_repr(1.0), "1.0");
        assert_eq!(float_repr(0.001), "0.001");
        assert_eq!(float_repr(1e-6), "1e-06");
        // Ties go to even, as in Python (std's `Display` writes `…34.13`).
        assert_eq!(float_repr(8.035041740783413e13), "80350417407834.12");
        assert_eq!(float_repr(1e16), "1e+16");
        assert_eq!(float_repr(1e15), "1000000000000000.0");
        assert_eq!(float_repr(-2.5e-5), "-2.5e-05");
        assert_eq!(float_repr(0.0001), "0.0001");
        assert_eq!(float_repr(5e-324), "5e-324");
        assert_eq!(
            float_repr(1.7976931348623157e308),
            "1.7976931348623157e+308"
        );
        assert_eq!(float_repr(1.5e20), "1.5e+20");
        assert_eq!(float_repr(123456.789), "123456.789");
        assert_eq!(float_repr(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn tree_types_stay_small() {
        // Every value of a loaded tree pays these: see `Map`, `Origin` and `Extra`.
        assert_eq!(std::mem::size_of::<Value>(), 32);
        assert_eq!(std::mem::size_of::<Node>(), 64);
    }

    #[test]
    fn string_classification() {
        assert!(matches!(Value::string("a${b}"), Value::Interp(_)));
        assert!(matches!(Value::string("a$b"), Value::Str(_)));
    }
}
