//! A YAML tree that remembers where every node came from.
//!
//! serde-saphyr deserializes straight into Rust types and stops at the first error. A review
//! linter needs more: every problem in a file at once, unknown keys kept, and the position of
//! each key for diagnostics and for byte-preserving edits. So the front matter is first read
//! into this small generic tree, and the typed model is built from the tree.
//!
//! Three readers build the same tree, each for less of YAML than the next and faster:
//! [`lines`] reads the block YAML nearly every review is written in line by line, with no
//! parser; the event loader ([`events`]) reads the YAML reviews hold from the parser's
//! events; anything outside that (tags, anchors, merge keys, duplicate keys, syntax errors,
//! documents near a limit) is read through serde-saphyr, with its budgets and duplicate-key
//! checks ([`parse_via_serde`]), which is also the reference both others are tested
//! against. Each hands a document it does not take to the next.

mod events;
mod lines;

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
    match lines::load(yaml, base).or_else(|| events::load(yaml, base)) {
        Some(node) => Ok(node),
        None => parse_via_serde(yaml, base),
    }
}

/// Reads `yaml` line by line only: the tree, or `None` where [`parse`] would hand the
/// document on to the parser. For benchmarks and the readers' comparisons.
pub fn parse_by_lines(yaml: &str, base: Base) -> Option<Node> {
    lines::load(yaml, base)
}

/// Reads `yaml` from the parser's events only (as [`parse_by_lines`]).
pub fn parse_by_events(yaml: &str, base: Base) -> Option<Node> {
    events::load(yaml, base)
}

/// Parses `yaml` through serde-saphyr: the same tree as [`parse`] (or its error), at about
/// twice the cost. [`parse`] falls back to it for documents outside the event loader's
/// subset; tests and `pirt-parse-only` compare the two.
pub fn parse_via_serde(yaml: &str, base: Base) -> Result<Node, SyntaxError> {
    match serde_saphyr::from_str_with_options::<Spanned<Node>>(yaml, options()) {
        Ok(spanned) => {
            let mut node = located(spanned);
            node.shift(base);
            Ok(node)
        }
        Err(err) => Err(unclosed_named(yaml, base, syntax_error(&err, base))),
    }
}

/// `error`, said of the `[` or `{` it comes from when one is open where the parser stopped
/// and never closed after it (a list that spans lines and is closed later is not the
/// cause).
fn unclosed_named(yaml: &str, base: Base, mut error: SyntaxError) -> SyntaxError {
    // The parser gives a line and a column (its byte offset is not always known).
    let line = error.pos.line.saturating_sub(base.lines).max(1);
    let mut lines = yaml.split_inclusive('\n');
    let line_start: usize = lines.by_ref().take(line - 1).map(str::len).sum();
    let upto = line_start
        + lines.next().map_or(0, |l| {
            l.char_indices()
                .nth(error.pos.column.saturating_sub(1))
                .map_or(l.len(), |(i, _)| i)
        });
    if let Some((pos, bracket)) = unclosed_flow(yaml, upto)
        && unclosed_flow(yaml, yaml.len()).is_some_and(|end| end.0 == pos)
        && base.apply(pos).line < error.pos.line
        && !error.message.starts_with("the front matter")
    {
        error.message = format!(
            "this `{bracket}` is not closed (`{}` is missing); the YAML parser stopped at line {}: {}",
            if bracket == '[' { ']' } else { '}' },
            error.pos.line,
            error.message
        );
        error.pos = base.apply(pos);
    }
    error
}

/// The innermost flow collection (`[` or `{`) still open at byte `upto` of `yaml`, with its
/// position (in `yaml`): what an error such as "illegal placement of ':' indicator" on a
/// later line usually means. Quoted text, comments and block scalars (`|`, `>`) are
/// skipped; a bracket inside a plain value (`text: see [1`) opens nothing.
fn unclosed_flow(yaml: &str, upto: usize) -> Option<(Pos, char)> {
    let mut open: Vec<(Pos, char)> = Vec::new();
    let mut quote: Option<char> = None;
    // Inside a block scalar: lines indented deeper than its key are its text.
    let mut block: Option<usize> = None;
    let mut offset = 0;
    for (index, line) in yaml.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        if start >= upto {
            break;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(key_indent) = block {
            if line.trim().is_empty() || indent > key_indent {
                continue;
            }
            block = None;
        }
        // The character before this one that is not white space, on this line.
        let mut before: Option<char> = None;
        let mut chars = line.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if start + at >= upto {
                break;
            }
            if let Some(q) = quote {
                if q == '"' && c == '\\' {
                    chars.next();
                } else if c == q {
                    if q == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
                continue;
            }
            let starts_value = !open.is_empty()
                && matches!(before, Some(',' | '[' | '{' | ':' | '?'))
                || matches!(before, None | Some(':' | '-' | '?'));
            match c {
                '#' if at == 0 || line[..at].ends_with([' ', '\t']) => break,
                '"' | '\'' if starts_value => quote = Some(c),
                '[' | '{' if starts_value => {
                    let column = line[..at].chars().count() + 1;
                    let pos = Pos {
                        line: index + 1,
                        column,
                        offset: start + at,
                        len: 1,
                    };
                    open.push((pos, c));
                }
                ']' | '}' if !open.is_empty() => {
                    open.pop();
                }
                _ => {}
            }
            if !c.is_whitespace() {
                before = Some(c);
            }
        }
        let text = line.split(" #").next().unwrap_or(line).trim_end();
        let marker = text.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
        let block_marker = [" |", " >"].iter().any(|m| marker.ends_with(m));
        if open.is_empty() && quote.is_none() && block_marker {
            block = Some(indent);
        }
    }
    open.pop()
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
    if message.contains("recursive references require") {
        return "this alias refers to the anchor it stands inside, a value that would hold itself; \
                write the value out, or point the alias at an anchor outside it"
            .into();
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

    /// An unclosed `[` or `{` is named where it opens, with where the parser stopped (it
    /// reports "illegal placement of ':'" on a later line); brackets in quotes, comments,
    /// block scalars and plain values open nothing.
    #[test]
    fn an_unclosed_bracket_is_named_where_it_opens() {
        let err = parse("id: PIR-1\nservices: [a, b\ntags: [c]\n", BASE).unwrap_err();
        assert_eq!((err.pos.line, err.pos.column), (3, 11), "{err:?}");
        assert!(
            err.message.starts_with(
                "this `[` is not closed (`]` is missing); the YAML parser stopped at line 4: "
            ),
            "{err:?}"
        );
        let err = parse("id: PIR-1\nimpact: {summary: x\ntags: [c]\n", BASE).unwrap_err();
        assert_eq!((err.pos.line, err.pos.column), (3, 9), "{err:?}");
        assert!(
            err.message
                .starts_with("this `{` is not closed (`}` is missing)")
        );
        // Closed on a later line: the parser's own message stands.
        let err = parse("l: [a,\n  - b]\n", BASE).unwrap_err();
        assert!(!err.message.contains("is not closed"), "{err:?}");
        for text in [
            "title: \"[x\"\nnote: '{y'\n# [z\na: |\n  [w\nb: see [1\na: 2\n",
            "title: \"it\\\" [\"\nl: ['a]', \"b]\"]\na: 1\na: 2\n",
        ] {
            let err = parse(text, BASE).unwrap_err();
            assert!(
                err.message.starts_with("duplicate mapping key"),
                "{text:?}: {err:?}"
            );
        }
    }

    #[test]
    fn an_alias_inside_its_own_anchor_is_said_to_be_one() {
        for text in ["impact: &a\n  summary: *a\n", "x: &a [*a]\n"] {
            let err = parse(text, BASE).unwrap_err();
            assert!(
                err.message
                    .starts_with("this alias refers to the anchor it stands inside"),
                "{text:?}: {err:?}"
            );
        }
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

/// The event loader against serde-saphyr: the same tree, position for position, or the same
/// error, for every front matter pirt ships or tests with and for a table of edge cases.
#[cfg(test)]
mod differential {
    use super::*;
    use std::path::Path;

    const BASE: Base = Base {
        lines: 1,
        offset: 4,
    };

    /// The readers' results, compared as text (a NaN equals itself there): the line reader
    /// and the event loader, where they take the document, against serde-saphyr. Returns
    /// whether one of the first two read it rather than handing it to serde-saphyr.
    fn same(yaml: &str, base: Base, what: &str) -> bool {
        let reference = format!("{:?}", parse_via_serde(yaml, base));
        let by_events = events::load(yaml, base);
        let by_lines = lines::load(yaml, base);
        for (reader, tree) in [("event loader", &by_events), ("line reader", &by_lines)] {
            if let Some(tree) = tree {
                let tree = format!("{:?}", Ok::<_, SyntaxError>(tree));
                assert!(
                    tree == reference,
                    "{what}: the {reader} differs from serde-saphyr {} on\n{yaml}",
                    difference(&tree, &reference)
                );
            }
        }
        assert_eq!(format!("{:?}", parse(yaml, base)), reference, "{what}");
        by_events.is_some() || by_lines.is_some()
    }

    /// Where two printed trees first differ, with a little of each around it.
    fn difference(a: &str, b: &str) -> String {
        let at = a
            .char_indices()
            .zip(b.chars())
            .find(|((_, x), y)| x != y)
            .map_or(a.len().min(b.len()), |((i, _), _)| i);
        let around = |s: &str| {
            let from = s.floor_char_boundary(at.saturating_sub(160));
            let to = s.ceil_char_boundary((at + 160).min(s.len()));
            s[from..to].to_string()
        };
        format!("\n  this: …{}…\n  serde: …{}…\n", around(a), around(b))
    }

    fn markdown_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                markdown_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_example_and_fixture_reads_the_same() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["examples", "tests/fixtures", "templates", "prompts"] {
            markdown_files(&root.join(dir), &mut files);
        }
        let (mut compared, mut fast) = (0, 0);
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let Ok(layout) = crate::review::document::split(&text) else {
                continue;
            };
            let yaml = &text[layout.yaml.clone()];
            compared += 1;
            fast += usize::from(same(yaml, layout.base(), &path.display().to_string()));
        }
        assert!(compared >= 50, "only {compared} front matters compared");
        // The shipped examples are what reviews look like: the event loader reads them.
        assert!(
            fast * 10 >= compared * 8,
            "{fast} of {compared} on the fast path"
        );
    }

    /// Scalars in every place a review holds them.
    const SCALARS: &[&str] = &[
        "",
        "~",
        "null",
        "Null",
        "NULL",
        "nUll",
        "true",
        "True",
        "TRUE",
        "tRue",
        "false",
        "False",
        "FALSE",
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "Y",
        "N",
        "0",
        "-0",
        "+0",
        "00",
        "007",
        "-007",
        "+007",
        "1",
        "-1",
        "+1",
        "12",
        "4200",
        "1_000",
        "1__0",
        "_1",
        "1_",
        "0x1F",
        "0X1F",
        "0x",
        "0x_1",
        "0o17",
        "0O17",
        "0o8",
        "0b101",
        "0B101",
        "0b2",
        "-0x1F",
        "+0x1F",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "340282366920938463463374607431768211456",
        "1.5",
        "-1.5",
        "+1.5",
        ".5",
        "-.5",
        "5.",
        "1e3",
        "1E3",
        "1e+3",
        "1e-3",
        "1.5e3",
        "1e",
        "e3",
        "1e999",
        "-1e999",
        ".1e999",
        ".inf",
        ".Inf",
        ".INF",
        "-.inf",
        "+.inf",
        ".nan",
        ".NaN",
        ".NAN",
        "-.nan",
        "+.nan",
        "inf",
        "-inf",
        "nan",
        "NaN",
        "infinity",
        "Infinity",
        "1.2.3",
        "1,000",
        "12:30",
        "1:20:30",
        "2026-11-20",
        "2026-11-20T14:09:00Z",
        "2026-11-20 14:09:00+01:00",
        "-",
        "+",
        ".",
        "..",
        "...x",
        "-x",
        "+x",
        ".x",
        "0.",
        "0.0",
        "-0.0",
        "1__000",
        "1_000.5",
        "12abc",
        "abc12",
        "PIR-2026-001",
        "SEV1",
        "checkout-api",
        "a b c",
        "a: b",
        "a #b",
        "'quoted'",
        "\"double\"",
        "text with 'quotes'",
        "über",
        "日本語",
        "emoji 🚀",
        "<<",
        "&anchor x",
        "*alias",
        "!tag x",
        "!!str 12",
        "!!int 12",
        "!!float 1",
        "!!bool true",
        "!!null ~",
        "!!binary aGVsbG8=",
        "!custom x",
        "? complex",
        "[a, b]",
        "{a: 1}",
        "[]",
        "{}",
        "|\n  block\n  text",
        ">\n  folded\n  text",
        "|-\n  x",
        "\"esc\\tape\\n\"",
        "'it''s'",
        "\"\"",
        "''",
        "a\n  continued",
        "@reserved",
        "`tick",
        "%percent",
        "a\tb",
        "0.1.2",
        "1e3e3",
        "0x1.8p1",
        "+-1",
        "--1",
        "1-",
        "1+1",
    ];

    #[test]
    fn scalars_read_the_same_as_values_items_and_keys() {
        let (mut compared, mut fast) = (0, 0);
        for s in SCALARS {
            let indented = s.replace('\n', "\n  ");
            for yaml in [
                format!("k: {s}\n"),
                format!("k: {indented}\nnext: 1\n"),
                format!("- {s}\n"),
                format!("k: [{s}]\n"),
                format!("k: {{a: {s}}}\n"),
                format!("{s}: v\n"),
                format!("a: 1\n{s}: v\nb: 2\n"),
                format!("k:\n  - x: {s}\n    y: 2\n"),
            ] {
                compared += 1;
                fast += usize::from(same(&yaml, BASE, s));
            }
        }
        // Most of the table is read by the event loader itself, not handed on.
        assert!(
            fast * 2 >= compared,
            "{fast} of {compared} on the fast path"
        );
    }

    /// Structures, errors and limits (the hostile files of tests/cli/hardening.rs among
    /// them).
    #[test]
    fn structures_errors_and_limits_read_the_same() {
        let mut cases: Vec<String> = [
            "",
            "# only a comment\n",
            "~\n",
            "just text\n",
            "- a\n- b\n",
            "id: A\ntitle: B\n",
            "id: A\r\ntitle: B\r\n",
            "\u{feff}id: A\n",
            "a: 1\nb: 2\na: 3\n",
            "a: 1\n'a': 2\n",
            "a: 1\n\"a\": 2\n",
            "1: x\n01: y\n",
            "1: x\n'1': y\n",
            "true: x\n'true': y\n",
            "? a\n: b\n",
            "? [a, b]\n: c\n",
            "[a, b]: c\n",
            "{a: 1}: c\n",
            "a: &x 1\nb: *x\n",
            "a: &x {p: 1, q: [2, 3]}\nb: *x\nc: [*x, *x]\n",
            "base: &b {p: 1}\nchild:\n  <<: *b\n  q: 2\n",
            "child:\n  <<: {p: 1}\n  p: 2\n",
            "a: *missing\n",
            "a: !!str 12\nb: !custom {x: 1}\nc: !!seq [1]\n",
            "a: [1, 2\n",
            "a: {b: 1\n",
            "a:\n\t- tab\n",
            "a: b: c\n",
            "a: 'unterminated\n",
            "a: \"bad \\q escape\"\n",
            "- a\nb: c\n",
            "a:\n  - x\n   - y\n",
            "a: 1\n---\nb: 2\n",
            "a: 1\n...\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: |\n  line 1\n  line 2\nb: >\n  folded\n  more\n\n  para\n",
            "a: |+\n  keep\n\n\nb: 1\n",
            "a: >-\n  strip\n",
            "a: plain\n  continued\n  more\nb: 1\n",
            "a: \"double\n  continued\"\n",
            "a:   spaced   \n",
            "a: x # comment\n# between\nb: y\n",
            "timeline:\n  - at: 2026-11-20T14:09:00Z\n    kind: detection\n    text: p99 > 2s\n  - {at: 2026-11-20T14:10:00Z, kind: note, text: x}\n",
            "a:\n  b:\n    c:\n      d: [1, {e: [2, {f: 3}]}]\n",
            "a: []\nb: {}\nc: [[], {}]\nd:\n",
            "a: -\nb: - x\n",
            "\"quoted key\": 1\n'single': 2\n",
            "a: 1\nb:\n  a: 1\n",
            // Found by fuzzing: an empty block scalar before a line indented as its key.
            "a:\n  b: >-\n  c: |\n  d: 1\ne: |\nf: 2\n",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Many comments waiting on one entry (serde-saphyr buffers at most 32).
        cases.push(format!("a:\n{}  - x\n", "  # c\n".repeat(40)));
        cases.push(format!("? a\n{}: b\n", "# c\n".repeat(40)));
        // The alias bomb, deep nesting both ways, a long key, many keys and entries.
        let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
            let prev = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
            let refs = vec![format!("*{prev}"); 9].join(",");
            bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        cases.push(bomb);
        for depth in [40, 47, 48, 49, 63, 64, 65, 70, 300] {
            cases.push(format!("a: {}x{}\n", "[".repeat(depth), "]".repeat(depth)));
            let mut block = String::new();
            for d in 0..depth.min(120) {
                block.push_str(&format!("{}k{d}:\n", "  ".repeat(d)));
            }
            cases.push(block);
        }
        cases.push("[".repeat(100_000));
        cases.push(format!("{}: v\n", "k".repeat(2000)));
        for keys in [63, 64, 65, 100] {
            cases.push((0..keys).map(|i| format!("key{i}: {i}\n")).collect());
        }
        cases.push((0..100).map(|i| format!("key{}: {i}\n", i % 50)).collect());
        cases.push(format!(
            "timeline:\n{}",
            "  - at: 2026-11-20T14:09:00Z\n    kind: note\n    text: x\n".repeat(10_000)
        ));
        // serde-saphyr recurses per level: unoptimised, 50 levels overflow a test thread.
        let big_stack = std::thread::Builder::new().stack_size(256 << 20);
        big_stack
            .spawn(move || {
                for yaml in &cases {
                    same(yaml, BASE, "case");
                }
            })
            .unwrap()
            .join()
            .unwrap();
    }

    /// Every shipped front matter, edited at random in the ways that change what YAML
    /// means (indentation, indicators, quotes, comments, brackets, tabs, line breaks):
    /// whatever the line reader takes from a mutant, serde-saphyr reads the same.
    #[test]
    fn mutated_front_matter_reads_the_same() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["examples", "tests/fixtures"] {
            markdown_files(&root.join(dir), &mut files);
        }
        let seeds: Vec<String> = files
            .iter()
            .filter_map(|path| {
                let text = std::fs::read_to_string(path).ok()?;
                let layout = crate::review::document::split(&text).ok()?;
                Some(text[layout.yaml].to_string())
            })
            .filter(|yaml| lines::load(yaml, BASE).is_some())
            .collect();
        assert!(seeds.len() >= 20, "{} seeds", seeds.len());
        const PIECES: &[&str] = &[
            " ", "  ", "\n", ":", ": ", "- ", "-", "#", " #", "\"", "'", "|", "|-", "|+", ">",
            ">-", "[", "]", "{", "}", ",", ", ", "\\", "\\n", "\t", "x", "é", "\n  ", "\n- ",
            "\n\n", "&a ", "*a", "!", "?", "%", "---\n", "...", "\u{85}", "''", "~", "1", ".inf",
            "a: b", "\n    x", "\r\n",
        ];
        // xorshift: the same mutants on every run. PIRT_YAML_MUTANTS=N SEED hunts longer.
        let hunt = std::env::var("PIRT_YAML_MUTANTS").unwrap_or_default();
        let mut hunt = hunt.split_whitespace().map(|n| n.parse::<u64>().unwrap());
        let count = hunt.next().unwrap_or(1500);
        let mut state: u64 = hunt.next().unwrap_or(0x9E37_79B9_7F4A_7C15);
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let (mut compared, mut by_lines) = (0, 0);
        for _ in 0..count {
            let mut yaml = seeds[next(seeds.len())].clone();
            for _ in 0..1 + next(3) {
                let at = yaml.floor_char_boundary(next(yaml.len() + 1));
                match next(6) {
                    0..=2 => yaml.insert_str(at, PIECES[next(PIECES.len())]),
                    3 => {
                        let to = yaml.ceil_char_boundary((at + 1 + next(4)).min(yaml.len()));
                        yaml.replace_range(at..to, "");
                    }
                    4 => {
                        // Indent or dedent the line by one or two spaces.
                        let start = yaml[..at].rfind('\n').map_or(0, |i| i + 1);
                        if next(2) == 0 {
                            yaml.insert_str(start, &" ".repeat(1 + next(2)));
                        } else if yaml[start..].starts_with(' ') {
                            yaml.remove(start);
                        }
                    }
                    _ => {
                        let start = yaml[..at].rfind('\n').map_or(0, |i| i + 1);
                        let comments = "  # c\n".repeat([1, 16, 17, 33, 40][next(5)]);
                        yaml.insert_str(start, &comments);
                    }
                }
            }
            compared += 1;
            by_lines += usize::from(lines::load(&yaml, BASE).is_some());
            same(&yaml, BASE, "mutant");
        }
        // A fair share of mutants stay readable line by line: the test compares trees.
        assert!(
            by_lines * 5 >= compared,
            "{by_lines} of {compared} mutants read by the line reader"
        );
    }
}
