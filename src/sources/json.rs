//! Reading an export file as JSON values, for every reader: one value, a JSON array of
//! them, or JSON lines (one value per line, as webhook receivers and `curl` loops write
//! them). Errors name the file, the line and the column.
//!
//! The whole file is checked once by serde_json (so malformed JSON anywhere is an error at
//! its position); values are then found by byte range and parsed one by one into the
//! reader's borrowed types, each parse error placed at its absolute position.

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use serde::de::IgnoredAny;

/// A JSON string borrowed from the file's text when it has no escapes (most do not), owned
/// otherwise; `Cow<str>` fields borrow only when not wrapped in `Option`, this does.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Str<'a>(pub Cow<'a, str>);

impl std::borrow::Borrow<str> for Str<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(Visitor)
    }
}

/// One JSON value of a file: its byte range in the file's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    pub start: usize,
    pub end: usize,
}

impl Node {
    fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

/// What a value is, from its first byte (the text was validated before).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

impl Kind {
    /// As said in an error: `a number`.
    pub fn article(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Bool => "a boolean",
            Kind::Null => "null",
        }
    }
}

/// A file's text, validated as JSON, with what it takes to name positions in it.
pub struct Doc<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    line_starts: Vec<usize>,
}

/// Reads `path` as UTF-8 text (a leading byte-order mark is kept in the text and skipped by
/// [`Doc::new`]). Errors name the file, and for invalid UTF-8 its line and column.
pub fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = 1 + String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count();
        format!(
            "{}:{line}:{column}: not UTF-8 text (is this the JSON export?)",
            path.display()
        )
    })
}

impl<'a> Doc<'a> {
    /// Indexes the lines of `text`; validates nothing yet.
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr_newlines(text.as_bytes()).map(|i| i + 1));
        Doc {
            path,
            text,
            line_starts,
        }
    }

    /// The 1-based line and character column of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = 1 + self.text[start..floor_char(self.text, offset)]
            .chars()
            .count();
        (line, column)
    }

    /// `PATH:LINE:COL` of a byte offset, for errors.
    pub fn at(&self, offset: usize) -> String {
        let (line, column) = self.position(offset);
        format!("{}:{line}:{column}", self.path.display())
    }

    /// `PATH:LINE` of a value, for a record's origin and for problems (no column: counting
    /// the characters of a long JSON line for each record would cost more than the parse).
    pub fn origin(&self, node: Node) -> String {
        let line = self.line_starts.partition_point(|&s| s <= node.start);
        format!("{}:{line}", self.path.display())
    }

    /// The values of the file: the elements of a top-level array, or each top-level value
    /// (one, or JSON lines), with top-level arrays among JSON lines flattened too. The whole
    /// text is validated first: malformed JSON is an error at its line and column. An empty
    /// file is an error naming `expected` (`Alertmanager webhook payloads`).
    pub fn values(&self, expected: &str) -> Result<Vec<Node>, String> {
        let body_start = if self.text.starts_with('\u{feff}') {
            3
        } else {
            0
        };
        let body = &self.text[body_start..];
        if body.trim().is_empty() {
            return Err(format!(
                "{}: the file is empty; expected {expected} as JSON",
                self.path.display()
            ));
        }
        let mut nodes = Vec::new();
        let mut stream = serde_json::Deserializer::from_str(body).into_iter::<IgnoredAny>();
        let mut from = 0;
        while let Some(next) = stream.next() {
            if let Err(e) = next {
                return Err(self.serde_error(body_start, body, &e, ""));
            }
            let end = stream.byte_offset();
            let start = from + skip_ws(&body.as_bytes()[from..end]);
            nodes.push(Node {
                start: body_start + start,
                end: body_start + end,
            });
            from = end;
        }
        let mut values = Vec::with_capacity(nodes.len());
        for node in nodes {
            if self.kind(node) == Kind::Array {
                values.extend(self.elements(node));
            } else {
                values.push(node);
            }
        }
        Ok(values)
    }

    /// What `node` is.
    pub fn kind(&self, node: Node) -> Kind {
        match self.text.as_bytes()[node.start] {
            b'{' => Kind::Object,
            b'[' => Kind::Array,
            b'"' => Kind::String,
            b't' | b'f' => Kind::Bool,
            b'n' => Kind::Null,
            _ => Kind::Number,
        }
    }

    /// The value of member `key` of an object (the last, if repeated); `None` for a
    /// missing key or a node that is not an object.
    pub fn member(&self, node: Node, key: &str) -> Option<Node> {
        let mut found = None;
        self.members(node, |k, v| {
            if k == key {
                found = Some(v);
            }
        });
        found
    }

    /// The values of members `keys` of an object, in one pass (the last of a repeated key).
    pub fn fields<const N: usize>(&self, node: Node, keys: [&str; N]) -> [Option<Node>; N] {
        let mut found = [None; N];
        self.members(node, |k, v| {
            if let Some(i) = keys.iter().position(|key| *key == k) {
                found[i] = Some(v);
            }
        });
        found
    }

    /// Calls `f` with each member's raw key (between its quotes, escapes kept) and value.
    pub fn members(&self, node: Node, mut f: impl FnMut(&str, Node)) {
        if self.kind(node) != Kind::Object {
            return;
        }
        let bytes = self.text.as_bytes();
        let mut i = node.start + 1;
        loop {
            i += skip_ws(&bytes[i..node.end]);
            if bytes[i] == b'}' {
                return;
            }
            let key_end = skip_value(bytes, i);
            let key = &self.text[i + 1..key_end - 1];
            i = key_end;
            i += skip_ws(&bytes[i..node.end]);
            i += 1; // the colon
            i += skip_ws(&bytes[i..node.end]);
            let value_end = skip_value(bytes, i);
            f(
                key,
                Node {
                    start: i,
                    end: value_end,
                },
            );
            i = value_end;
            i += skip_ws(&bytes[i..node.end]);
            if bytes[i] == b',' {
                i += 1;
            } else {
                return;
            }
        }
    }

    /// The elements of an array (none for a node that is not an array).
    pub fn elements(&self, node: Node) -> Vec<Node> {
        let mut out = Vec::new();
        if self.kind(node) != Kind::Array {
            return out;
        }
        let bytes = self.text.as_bytes();
        let mut i = node.start + 1;
        loop {
            i += skip_ws(&bytes[i..node.end]);
            if bytes[i] == b']' {
                return out;
            }
            let end = skip_value(bytes, i);
            out.push(Node { start: i, end });
            i = end;
            i += skip_ws(&bytes[i..node.end]);
            if bytes[i] == b',' {
                i += 1;
            } else {
                return out;
            }
        }
    }

    /// The text of a value, as written (a string keeps its quotes).
    pub fn raw(&self, node: Node) -> &'a str {
        &self.text[node.range()]
    }

    /// Parses `node` as `T`; an error is placed at its position in the file and says what
    /// was expected: `PATH:3:18: a PagerDuty log entry: invalid type: ...`.
    pub fn parse<T: Deserialize<'a>>(&self, node: Node, what: &str) -> Result<T, String> {
        let raw = self.raw(node);
        serde_json::from_str(raw).map_err(|e| self.serde_error(node.start, raw, &e, what))
    }

    /// An error that `node` is not what a reader expects: `PATH:1:15: `log_entries` should
    /// be an array of log entries, found a number (3)`.
    pub fn wrong(&self, node: Node, expected: &str) -> String {
        let kind = self.kind(node);
        let found = match kind {
            Kind::Object | Kind::Array => kind.article().to_string(),
            _ => {
                let raw = self.raw(node);
                let shown: String = raw.chars().take(40).collect();
                let more = if shown.len() < raw.len() { "…" } else { "" };
                format!("{} ({shown}{more})", kind.article())
            }
        };
        format!("{}: {expected}, found {found}", self.at(node.start))
    }

    fn serde_error(&self, base: usize, part: &str, e: &serde_json::Error, what: &str) -> String {
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        let mut offset = offset_in(part, e.line(), e.column());
        if message.starts_with("invalid type") || message.starts_with("invalid value") {
            offset = token_start(part.as_bytes(), offset);
        }
        let offset = base + offset;
        let what = if what.is_empty() {
            String::new()
        } else {
            format!("{what}: ")
        };
        format!("{}: {what}{message}", self.at(offset))
    }
}

/// The byte offset serde_json's 1-based line and byte column name in `text` (its column
/// counts the bytes of the line up to and including the offending one).
fn offset_in(text: &str, line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let start = if line == 1 {
        0
    } else {
        memchr_newlines(text.as_bytes())
            .nth(line - 2)
            .map_or(text.len(), |i| i + 1)
    };
    (start + column.saturating_sub(1)).min(text.len())
}

/// The start of the scalar whose last byte serde_json names in a type error: the opening
/// quote of a string, the first character of a number or literal.
fn token_start(bytes: &[u8], offset: usize) -> usize {
    let Some(&last) = bytes.get(offset) else {
        return offset;
    };
    if last == b'"' {
        let mut i = offset;
        while i > 0 {
            i -= 1;
            if bytes[i] == b'"' {
                let backslashes = bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count();
                if backslashes % 2 == 0 {
                    return i;
                }
            }
        }
        return offset;
    }
    let scalar = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.');
    if !scalar(last) {
        return offset;
    }
    let mut i = offset;
    while i > 0 && scalar(bytes[i - 1]) {
        i -= 1;
    }
    i
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
}

fn floor_char(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn skip_ws(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .unwrap_or(bytes.len())
}

/// The end of the value starting at `i` in validated JSON: strings, nested containers
/// (counted, not recursed, so depth costs no stack), and scalars.
fn skip_value(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    loop {
        match bytes[i] {
            b'"' => {
                i += 1;
                while bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                depth -= 1;
                i += 1;
            }
            b',' | b':' | b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            _ => {
                while i < bytes.len()
                    && !matches!(bytes[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                {
                    i += 1;
                }
            }
        }
        if depth == 0 {
            return i;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Doc<'_> {
        Doc::new(Path::new("x.json"), text)
    }

    fn texts(d: &Doc, nodes: &[Node]) -> Vec<String> {
        nodes.iter().map(|n| d.raw(*n).to_string()).collect()
    }

    #[test]
    fn one_value_an_array_and_json_lines_give_the_same_values() {
        for text in [
            "[{\"a\": 1}, {\"a\": 2}]",
            "{\"a\": 1}\n{\"a\": 2}\n",
            "\u{feff}{\"a\": 1}\r\n{\"a\": 2}",
            "[{\"a\": 1}]\n[{\"a\": 2}]",
        ] {
            let d = doc(text);
            let v = d.values("x").unwrap();
            assert_eq!(texts(&d, &v), ["{\"a\": 1}", "{\"a\": 2}"], "{text:?}");
        }
        let d = doc("  {\"a\": [1, {\"b\": \"]}\\\"\"}]}  ");
        let v = d.values("x").unwrap();
        assert_eq!(texts(&d, &v), ["{\"a\": [1, {\"b\": \"]}\\\"\"}]}"]);
    }

    #[test]
    fn members_and_elements_are_found_by_range() {
        let d = doc(
            "{\"log_entries\": [ {\"id\": \"Q1\"} , 3, \"s\", null ], \"more\": false, \"x\": -1.5e3}",
        );
        let root = d.values("x").unwrap()[0];
        let entries = d.member(root, "log_entries").unwrap();
        assert_eq!(d.kind(entries), Kind::Array);
        assert_eq!(
            texts(&d, &d.elements(entries)),
            ["{\"id\": \"Q1\"}", "3", "\"s\"", "null"]
        );
        assert_eq!(d.raw(d.member(root, "more").unwrap()), "false");
        assert_eq!(d.raw(d.member(root, "x").unwrap()), "-1.5e3");
        assert_eq!(d.member(root, "nope"), None);
        let [more, x, nope] = d.fields(root, ["more", "x", "nope"]);
        assert_eq!(
            (more.map(|n| d.raw(n)), x.map(|n| d.raw(n)), nope),
            (Some("false"), Some("-1.5e3"), None)
        );
        assert_eq!(d.member(entries, "id"), None);
    }

    #[test]
    fn malformed_json_is_an_error_at_its_line_and_column() {
        let err = doc("{\"a\": 1}\n{\"a\": tru}\n").values("x").unwrap_err();
        assert_eq!(err, "x.json:2:10: expected ident");
        let err = doc("[\n  {\"a\": 1},\n  {\"a\": 2\n")
            .values("x")
            .unwrap_err();
        assert!(err.starts_with("x.json:4:1: EOF while parsing"), "{err}");
        let err = doc("{\"é\": 1}}").values("x").unwrap_err();
        assert!(
            err.starts_with("x.json:1:9: trailing characters")
                || err.starts_with("x.json:1:9: expected value"),
            "{err}"
        );
    }

    #[test]
    fn hostile_nesting_and_numbers_are_errors_not_crashes() {
        let deep = "[".repeat(100_000);
        let err = doc(&deep).values("x").unwrap_err();
        assert_eq!(err, "x.json:1:100000: EOF while parsing a list");
        let closed = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let d = doc(&closed);
        let v = d.values("x").unwrap();
        assert_eq!(d.kind(v[0]), Kind::Array);
        let err = d.parse::<serde_json::Value>(v[0], "x").unwrap_err();
        assert!(err.contains("recursion limit exceeded"), "{err}");
        // Valid JSON, out of f64's range: skipped where ignored, an error where read.
        assert!(doc("{\"a\": 1e999}").values("x").is_ok());
        let err = doc("{\"a\": \"\\ud800\"}").values("x");
        assert!(err.is_ok() || err.unwrap_err().starts_with("x.json:1:"));
    }

    #[test]
    fn an_empty_file_says_what_was_expected() {
        let err = doc(" \n\n").values("PagerDuty log entries").unwrap_err();
        assert_eq!(
            err,
            "x.json: the file is empty; expected PagerDuty log entries as JSON"
        );
    }

    #[test]
    fn parse_errors_are_placed_in_the_file() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct E<'a> {
            #[serde(borrow)]
            id: Str<'a>,
        }
        let d = doc("{\"a\": 1}\n{\"id\":\n   5}\n");
        let v = d.values("x").unwrap();
        let err = d.parse::<E>(v[1], "an entry").unwrap_err();
        assert_eq!(
            err,
            "x.json:3:4: an entry: invalid type: integer `5`, expected a string"
        );
        let d = doc("{\"id\": \"a\\nb\"}");
        let e: E = d.parse(d.values("x").unwrap()[0], "x").unwrap();
        assert_eq!(&*e.id, "a\nb");
        assert!(matches!(e.id.0, Cow::Owned(_)));
        let d = doc("{\"id\": \"plain\"}");
        let e: E = d.parse(d.values("x").unwrap()[0], "x").unwrap();
        assert!(matches!(e.id.0, Cow::Borrowed("plain")));
    }

    #[test]
    fn wrong_names_what_was_found() {
        let d = doc("{\"log_entries\": 3}");
        let root = d.values("x").unwrap()[0];
        let n = d.member(root, "log_entries").unwrap();
        assert_eq!(
            d.wrong(n, "`log_entries` should be an array of log entries"),
            "x.json:1:17: `log_entries` should be an array of log entries, found a number (3)"
        );
    }

    #[test]
    fn invalid_utf8_is_an_error_at_its_position() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.json");
        std::fs::write(&path, b"{\"a\":\n \"\xff\"}").unwrap();
        let err = read_text(&path).unwrap_err();
        assert!(
            err.ends_with("bad.json:2:3: not UTF-8 text (is this the JSON export?)"),
            "{err}"
        );
        let err = read_text(&dir.path().join("missing.json")).unwrap_err();
        assert!(err.contains("missing.json: "), "{err}");
    }
}
