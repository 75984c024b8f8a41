//! Reading and writing the tree by path, honouring the readonly and struct
//! flags: `select`, `set`, `update`, `delete`, `missing_keys`, `leaves`.

use crate::error::{Error, ErrorKind};
use crate::merge::merge;
use crate::node::{Key, Map, Node, StrKey, Value};
use crate::path::{child_key, index_key, parse_path};

/// How [`Node::update`] treats an existing value and missing parents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UpdateMode {
    /// Merge a mapping value into an existing mapping instead of replacing it.
    pub merge: bool,
    /// Create the key (and its parents) even in struct mode.
    pub force_add: bool,
}

impl Default for UpdateMode {
    fn default() -> Self {
        UpdateMode {
            merge: true,
            force_add: false,
        }
    }
}

/// Finds the key of `map` that a path segment names: a string key first,
/// then an int, float or bool key spelled the same way.
pub(crate) fn find_key(map: &Map, seg: &str) -> Option<usize> {
    if let Some(i) = map.get_index_of(&StrKey(seg)) {
        return Some(i);
    }
    let alt = if let Ok(i) = seg.parse::<i64>() {
        Key::Int(i)
    } else if let Ok(f) = seg.parse::<f64>() {
        Key::Float(f)
    } else {
        match seg {
            "true" | "True" => Key::Bool(true),
            "false" | "False" => Key::Bool(false),
            _ => return None,
        }
    };
    map.get_index_of(&alt)
}

fn child<'a>(node: &'a Node, seg: &str) -> Option<&'a Node> {
    match &node.value {
        Value::Map(m) => find_key(m, seg).map(|i| &m[i]),
        Value::List(l) => seg.parse::<usize>().ok().and_then(|i| l.get(i)),
        _ => None,
    }
}

fn child_mut<'a>(node: &'a mut Node, seg: &str) -> Option<&'a mut Node> {
    match &mut node.value {
        Value::Map(m) => find_key(m, seg).map(move |i| &mut m[i]),
        Value::List(l) => seg.parse::<usize>().ok().and_then(move |i| l.get_mut(i)),
        _ => None,
    }
}

fn full_key(parent: &str, parent_node: &Node, seg: &str) -> String {
    match (&parent_node.value, seg.parse::<usize>()) {
        (Value::List(_), Ok(i)) => index_key(parent, i),
        _ => child_key(parent, &Key::Str(seg.to_string())),
    }
}

impl Node {
    /// The node at `path`, or `None` when nothing is there.
    ///
    /// ```
    /// use config_core::{Node, Value};
    /// let cfg = Node::from_yaml_str("a: {b: [10, 20]}\n'k.d': 1\n").unwrap();
    /// assert_eq!(cfg.select("a.b[1]").unwrap().unwrap().value, Value::Int(20));
    /// assert_eq!(cfg.select("a.b.0").unwrap().unwrap().value, Value::Int(10));
    /// assert_eq!(cfg.select("['k.d']").unwrap().unwrap().value, Value::Int(1));
    /// assert!(cfg.select("a.zz").unwrap().is_none());
    /// ```
    pub fn select(&self, path: &str) -> Result<Option<&Node>, Error> {
        let mut node = self;
        for seg in parse_path(path)? {
            match child(node, &seg) {
                Some(c) => node = c,
                None => return Ok(None),
            }
        }
        Ok(Some(node))
    }

    /// The node at `path`, mutably, ignoring flags (for the engine's own use).
    pub fn select_mut(&mut self, path: &str) -> Result<Option<&mut Node>, Error> {
        let mut node = self;
        for seg in parse_path(path)? {
            match child_mut(node, &seg) {
                Some(c) => node = c,
                None => return Ok(None),
            }
        }
        Ok(Some(node))
    }

    /// Sets the value at `path`. The parent must exist; a new key fails in a
    /// struct mapping, and any write fails below a readonly node.
    ///
    /// ```
    /// use config_core::Node;
    /// let mut cfg = Node::from_yaml_str("a: {b: 1}").unwrap();
    /// cfg.set_struct(true);
    /// assert!(cfg.set("a.b", Node::from(2)).is_ok());
    /// let err = cfg.set("a.c", Node::from(3)).unwrap_err();
    /// assert!(err.to_string().contains("full_key: a.c"));
    /// ```
    pub fn set(&mut self, path: &str, value: Node) -> Result<(), Error> {
        self.write(
            path,
            value,
            UpdateMode {
                merge: false,
                force_add: false,
            },
            false,
        )
    }

    /// OmegaConf's `update`: sets the value at `path`, creating missing
    /// parents. With `merge`, a mapping merges into an existing mapping.
    /// With `force_add`, keys are created even in struct mode.
    pub fn update(&mut self, path: &str, value: Node, mode: UpdateMode) -> Result<(), Error> {
        self.write(path, value, mode, true)
    }

    fn write(
        &mut self,
        path: &str,
        value: Node,
        mode: UpdateMode,
        create: bool,
    ) -> Result<(), Error> {
        let segs = parse_path(path)?;
        let Some((last, parents)) = segs.split_last() else {
            return Err(Error::new(
                ErrorKind::KeyNotFound,
                "Cannot set the root of a config",
            ));
        };
        let mut node = self;
        let mut key = String::new();
        let mut readonly = node.flags.readonly.unwrap_or(false);
        let mut strict = node.flags.struct_mode.unwrap_or(false);
        for seg in parents {
            let next_key = full_key(&key, node, seg);
            if child(node, seg).is_none() {
                if !create {
                    return Err(Error::new(
                        ErrorKind::KeyNotFound,
                        format!("Key '{seg}' not found"),
                    )
                    .with_key(next_key));
                }
                check_add(node, seg, &next_key, readonly, strict && !mode.force_add)?;
                add_child(node, seg, Node::empty_map());
            }
            node = child_mut(node, seg).expect("child exists");
            key = next_key;
            readonly = node.flags.readonly.unwrap_or(readonly);
            strict = node.flags.struct_mode.unwrap_or(strict);
        }
        let full = full_key(&key, node, last);
        if readonly {
            return Err(readonly_error(&full));
        }
        match child_mut(node, last) {
            Some(existing) => {
                if existing.flags.readonly == Some(true) {
                    return Err(readonly_error(&full));
                }
                if mode.merge && existing.as_map().is_some() && value.as_map().is_some() {
                    merge(existing, value).map_err(|e| e.with_key(full))
                } else {
                    let old = std::mem::replace(existing, value);
                    if !old.value.is_container() {
                        existing.replaced = Some(Box::new(old));
                    }
                    Ok(())
                }
            }
            None => {
                check_add(node, last, &full, readonly, strict && !mode.force_add)?;
                add_child(node, last, value);
                Ok(())
            }
        }
    }

    /// Removes and returns the node at `path`.
    pub fn delete(&mut self, path: &str) -> Result<Node, Error> {
        let segs = parse_path(path)?;
        let Some((last, parents)) = segs.split_last() else {
            return Err(Error::new(
                ErrorKind::KeyNotFound,
                "Cannot delete the root of a config",
            ));
        };
        let mut node = self;
        let mut readonly = node.flags.readonly.unwrap_or(false);
        for seg in parents {
            node = child_mut(node, seg).ok_or_else(|| {
                Error::new(ErrorKind::KeyNotFound, format!("Key '{path}' not found"))
            })?;
            readonly = node.flags.readonly.unwrap_or(readonly);
        }
        if readonly {
            return Err(readonly_error(path));
        }
        let not_found = || Error::new(ErrorKind::KeyNotFound, format!("Key '{path}' not found"));
        match &mut node.value {
            Value::Map(m) => {
                let i = find_key(m, last).ok_or_else(not_found)?;
                Ok(m.shift_remove_index(i)
                    .map(|(_, n)| n)
                    .ok_or_else(not_found)?)
            }
            Value::List(l) => match last.parse::<usize>() {
                Ok(i) if i < l.len() => Ok(l.remove(i)),
                _ => Err(not_found()),
            },
            _ => Err(not_found()),
        }
    }

    /// The full keys of every `???` value, in document order
    /// (`a`, `b.c`, `l[1]`), as OmegaConf's `missing_keys`.
    ///
    /// ```
    /// use config_core::Node;
    /// let cfg = Node::from_yaml_str("a: ???\nb: {c: ???}\nl: [1, ???]").unwrap();
    /// assert_eq!(cfg.missing_keys(), vec!["a", "b.c", "l[1]"]);
    /// ```
    pub fn missing_keys(&self) -> Vec<String> {
        self.leaves()
            .into_iter()
            .filter(|(_, n)| n.is_missing())
            .map(|(k, _)| k)
            .collect()
    }

    /// Every leaf (non-container node, or empty container) with its full key,
    /// in document order.
    pub fn leaves(&self) -> Vec<(String, &Node)> {
        let mut out = Vec::new();
        collect_leaves(self, String::new(), &mut out);
        out
    }

    /// Sets or clears the readonly flag on this node (inherited below it).
    pub fn set_readonly(&mut self, on: bool) {
        self.flags.readonly = Some(on);
    }

    /// Sets or clears struct mode on this node (inherited below it).
    pub fn set_struct(&mut self, on: bool) {
        self.flags.struct_mode = Some(on);
    }

    /// Iterates over the entries of a mapping (empty for anything else).
    pub fn entries(&self) -> impl Iterator<Item = (&Key, &Node)> {
        self.as_map().into_iter().flat_map(|m| m.iter())
    }
}

fn collect_leaves<'a>(node: &'a Node, key: String, out: &mut Vec<(String, &'a Node)>) {
    match &node.value {
        Value::Map(m) if !m.is_empty() => {
            for (k, v) in m {
                collect_leaves(v, child_key(&key, k), out);
            }
        }
        Value::List(l) if !l.is_empty() => {
            for (i, v) in l.iter().enumerate() {
                collect_leaves(v, index_key(&key, i), out);
            }
        }
        _ => out.push((key, node)),
    }
}

fn readonly_error(key: &str) -> Error {
    Error::new(
        ErrorKind::Readonly,
        "Cannot change read-only config container",
    )
    .with_key(key)
}

fn check_add(
    parent: &Node,
    seg: &str,
    full: &str,
    readonly: bool,
    strict: bool,
) -> Result<(), Error> {
    if readonly {
        return Err(readonly_error(full));
    }
    match &parent.value {
        Value::Map(m) if strict => {
            let keys: Vec<String> = m.keys().map(|k| k.to_string()).collect();
            let mut err = Error::new(ErrorKind::Struct, format!("Key '{seg}' is not in struct"))
                .with_key(full);
            if let Some(best) =
                crate::error::did_you_mean(seg, keys.iter().map(String::as_str)).first()
            {
                err = err.with_hint(format!("did you mean '{best}'?"));
            }
            Err(err)
        }
        Value::Map(_) => Ok(()),
        Value::List(_) => Err(Error::new(
            ErrorKind::KeyNotFound,
            format!("Index '{seg}' out of range"),
        )
        .with_key(full)),
        other => Err(Error::new(
            ErrorKind::Type,
            format!(
                "Cannot set key '{seg}' inside a {} value",
                Value::type_name(other)
            ),
        )
        .with_key(full)),
    }
}

fn add_child(parent: &mut Node, seg: &str, value: Node) {
    if let Value::Map(m) = &mut parent.value {
        m.insert(Key::Str(seg.to_string()), value);
    }
}
