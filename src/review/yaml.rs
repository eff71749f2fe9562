//! A YAML tree that remembers where every node came from.
//!
//! serde-saphyr deserializes straight into Rust types and stops at the first error. A review
//! linter needs more: every problem in a file at once, unknown keys kept, and the position of
//! each key for diagnostics and for byte-preserving edits. So the front matter is first read
//! into this small generic tree (through serde-saphyr, with its budgets and duplicate-key
//! checks), and the typed model is built from the tree.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

pub use crate::pos::Pos;

/// A YAML value with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in file order; keys are strings (a non-string key is read as its text).
    Map(Vec<(Key, Node)>),
}

/// A mapping key and its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub pos: Pos,
    pub name: String,
}

impl Value {
    /// The YAML type name a person would use in an error message.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl Node {
    /// The entry `key` of a mapping node, with its key.
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.name == key)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// The value of `key` in a mapping node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Converts to JSON, for keeping unknown keys and for templates.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    fn shift(&mut self, base: Base) {
        self.pos = base.apply(self.pos);
        match &mut self.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| n.shift(base)),
            Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.pos = base.apply(k.pos);
                v.shift(base);
            }),
            _ => {}
        }
    }
}

/// Where the YAML text starts inside the file.
#[derive(Clone, Copy, Debug)]
pub struct Base {
    /// Number of lines before the YAML text.
    pub lines: usize,
    /// Byte offset of the YAML text.
    pub offset: usize,
}

impl Base {
    pub fn apply(self, pos: Pos) -> Pos {
        Pos {
            line: pos.line + self.lines,
            offset: pos.offset + self.offset,
            ..pos
        }
    }
}

/// A YAML syntax error (or a budget breach) at a position.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

/// serde-saphyr's default budget already bounds hostile input (alias bombs, nesting deeper
/// than 64, more than 250k nodes) and rejects duplicate keys; pirt prints its own snippets.
fn options() -> serde_saphyr::Options {
    // strict_booleans: only true/false are booleans (YAML 1.2); `n`, `no`, `off` stay text.
    serde_saphyr::options! { with_snippet: false, strict_booleans: true }
}

/// Parses `yaml` (which starts at `base` in its file) into a node tree.
pub fn parse(yaml: &str, base: Base) -> Result<Node, SyntaxError> {
    match serde_saphyr::from_str_with_options::<Spanned<Node>>(yaml, options()) {
        Ok(spanned) => {
            let mut node = located(spanned);
            node.shift(base);
            Ok(node)
        }
        Err(err) => Err(syntax_error(&err, base)),
    }
}

/// Deserializes `yaml` (which starts at `base` in its file) straight into a typed value:
/// for small files of pirt's own, such as prompt front matter.
pub fn from_str<T: serde::de::DeserializeOwned>(yaml: &str, base: Base) -> Result<T, SyntaxError> {
    serde_saphyr::from_str_with_options::<T>(yaml, options()).map_err(|e| syntax_error(&e, base))
}

fn syntax_error(err: &serde_saphyr::Error, base: Base) -> SyntaxError {
    let pos = err
        .location()
        .map(|loc| Pos {
            line: loc.line() as usize,
            column: loc.column() as usize,
            offset: loc.span().byte_offset().unwrap_or(0) as usize,
            len: 0,
        })
        .unwrap_or(Pos {
            line: 1,
            column: 1,
            offset: 0,
            len: 0,
        });
    SyntaxError {
        pos: base.apply(pos),
        message: clean_message(&err.to_string()),
    }
}

/// serde-saphyr prefixes messages with "error: line N column M:" and may add a snippet;
/// pirt prints its own position and snippet, so keep only the message itself.
fn clean_message(message: &str) -> String {
    if message.contains("budget breached") || message.contains("recursion limit") {
        return budget_message(message);
    }
    let first = message.lines().next().unwrap_or(message).trim();
    let first = first.strip_prefix("error:").unwrap_or(first).trim();
    let first = match first.split_once(": ") {
        Some((head, rest)) if head.starts_with("line ") && head.contains(" column ") => rest,
        _ => first,
    };
    let first = first
        .split(" at line ")
        .next()
        .unwrap_or(first)
        .trim_end_matches(", set DuplicateKeyPolicy in Options if acceptable");
    first.to_string()
}

/// Which of the parser's limits a file hit, in words (serde-saphyr reports the breach as
/// `budget breached: Nodes { nodes: 250001 }`). The limits are serde-saphyr's defaults.
fn budget_message(message: &str) -> String {
    let breach = message
        .split("budget breached:")
        .nth(1)
        .unwrap_or("")
        .trim_start();
    let limit = |what: &str| format!("the front matter {what}; pirt refuses it");
    match breach.split([' ', '{']).next().unwrap_or("") {
        "Nodes" => limit(
            "holds more than 250,000 values (YAML nodes), the parser's limit (about 35,000 timeline entries)",
        ),
        "Events" => limit("holds more than 1,000,000 YAML events, the parser's limit"),
        "Depth" => limit("nests deeper than 64 levels, the parser's limit"),
        "Aliases"
        | "Anchors"
        | "RecordedAnchorEvents"
        | "RecordedAnchorBytes"
        | "AliasAnchorRatio" => limit(
            "expands its aliases (`*name`) to too many values, the parser's limit against alias bombs",
        ),
        "ScalarBytes" => limit("holds more than 64 MiB of text, the parser's limit"),
        "Documents" => limit("holds more than 1,024 YAML documents, the parser's limit"),
        "MergeKeys" => limit("holds more than 10,000 merge keys (`<<`), the parser's limit"),
        _ if message.contains("recursion limit") => {
            limit("nests too deeply (the parser's recursion limit)")
        }
        other => limit(&format!("breaks one of the parser's limits ({other})")),
    }
}

/// A node deserialized inside `Spanned`, with the span moved into it. Nodes are built in
/// place as the parser goes: there is no intermediate tree to convert.
fn located(spanned: Spanned<Node>) -> Node {
    Node {
        pos: pos_of(&spanned.referenced),
        value: spanned.value.value,
    }
}

fn pos_of(loc: &serde_saphyr::Location) -> Pos {
    let span = loc.span();
    Pos {
        line: loc.line() as usize,
        column: loc.column() as usize,
        offset: span.byte_offset().unwrap_or(0) as usize,
        len: span.byte_len().unwrap_or(0) as usize,
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = deserializer.deserialize_any(ValueVisitor)?;
        // The position is filled in by the enclosing `located`.
        Ok(Node {
            pos: Pos::default(),
            value,
        })
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(located(item));
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value::<Spanned<Node>>()?;
            let key = Key {
                pos: pos_of(&key.referenced),
                name: key.value,
            };
            entries.push((key, located(value)));
        }
        Ok(Value::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Base = Base {
        lines: 1,
        offset: 4,
    };

    #[test]
    fn positions_are_shifted_to_the_file() {
        let node = parse("id: PIR-1\nservices: [a, b]\n", BASE).unwrap();
        let (key, value) = node.entry("services").unwrap();
        assert_eq!((key.pos.line, key.pos.column, key.pos.offset), (3, 1, 14));
        let Value::Seq(items) = &value.value else {
            panic!("not a list")
        };
        assert_eq!(items[1].pos.line, 3);
        assert_eq!(items[1].pos.column, 15);
        assert_eq!(items[1].as_str(), Some("b"));
    }

    #[test]
    fn duplicate_keys_are_syntax_errors_with_position() {
        let err = parse("a: 1\nb: 2\na: 3\n", BASE).unwrap_err();
        assert_eq!(err.pos.line, 4);
        assert_eq!(err.message, "duplicate mapping key: a");
    }

    #[test]
    fn alias_bombs_and_deep_nesting_fail_fast() {
        let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
            let prev = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
            bomb.push_str(&format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{prev}"); 9].join(",")
            ));
        }
        assert!(parse(&bomb, BASE).is_err());
        assert!(parse(&"[".repeat(100_000), BASE).is_err());
    }

    #[test]
    fn scalars_keep_their_types() {
        let node = parse(
            "n: 4200\nf: 1.5\nb: true\nz: ~\ns: '12'\ny: no\n1: x\n",
            BASE,
        )
        .unwrap();
        assert_eq!(node.get("y").unwrap().as_str(), Some("no"));
        assert_eq!(node.get("1").unwrap().as_str(), Some("x"));
        assert_eq!(node.get("n").unwrap().value, Value::Int(4200));
        assert_eq!(node.get("f").unwrap().value, Value::Float(1.5));
        assert_eq!(node.get("b").unwrap().value, Value::Bool(true));
        assert_eq!(node.get("z").unwrap().value, Value::Null);
        assert_eq!(node.get("s").unwrap().as_str(), Some("12"));
    }
}
