//! The front matter read line by line, for the block YAML reviews are written in.
//!
//! Nearly every review is block mappings and lists of one-line scalars (plain, quoted, or
//! `|`/`>` blocks), with one-line flow lists and mappings (`services: [a, b]`). This reader
//! takes only that: one pass over the lines, with no tokens and no events, at a fraction of
//! the parser's cost. Anything else (tabs, anchors, tags, a plain or quoted scalar over
//! several lines, escapes other than `\" \\ \/ \n \t`, an empty list item, indentation it
//! cannot place, a line it does not understand) returns `None`, and the caller reads the
//! document with the event loader ([`super::events`]). Whatever this reader returns is the
//! tree the event loader and serde-saphyr return, position for position: the differential
//! tests in `yaml.rs` compare all three on every fixture and on mutated copies of them.

use std::borrow::Cow;

use granit_parser::ScalarStyle;

use super::events::{self, MAX_EVENTS, MAX_NODES, MAX_TEXT_BYTES};
use super::{Base, Key, Node, Pos, Value};

/// Nesting deeper than this is left to the event loader (it allows 48).
const MAX_DEPTH: usize = 32;
/// The parser holds at most 32 comments while a value is still to come (`key:` and then
/// comment lines); past that it refuses the document. More than this many are left to it.
const MAX_WAITING_COMMENTS: usize = 16;
/// The parser looks at most 1,024 characters ahead for a key's `:`.
const MAX_KEY_LEN: usize = 256;

struct Line<'a> {
    /// The line without its line break.
    text: &'a str,
    /// Byte offset of the line in the document.
    start: usize,
    /// Leading spaces.
    indent: usize,
}

impl Line<'_> {
    fn is_blank(&self) -> bool {
        self.indent == self.text.len()
    }

    /// A comment line (outside a block scalar).
    fn is_comment(&self) -> bool {
        self.text.as_bytes().get(self.indent) == Some(&b'#')
    }

    /// The text from the indentation on.
    fn content(&self) -> &str {
        &self.text[self.indent..]
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

struct Reader<'a> {
    yaml: &'a str,
    lines: Vec<Line<'a>>,
    /// The line being read.
    at: usize,
    base: Base,
    nodes: usize,
}

/// Reads `yaml` (which starts at `base` in its file) into a tree; `None` when the document
/// is not one this reader takes.
pub(super) fn load(yaml: &str, base: Base) -> Option<Node> {
    if !yaml.ends_with('\n') || yaml.len() > MAX_TEXT_BYTES || !plain_characters(yaml) {
        return None;
    }
    let mut lines = Vec::with_capacity(yaml.len() / 32);
    let mut start = 0;
    for text in yaml.split_terminator('\n') {
        // Document markers and directives.
        if text.starts_with("---") || text.starts_with("...") || text.starts_with('%') {
            return None;
        }
        let indent = text.len() - text.trim_start_matches(' ').len();
        lines.push(Line {
            text,
            start,
            indent,
        });
        start += text.len() + 1;
    }
    if lines.len() > MAX_EVENTS / 2 {
        return None;
    }
    let mut reader = Reader {
        yaml,
        lines,
        at: 0,
        base,
        nodes: 0,
    };
    reader.skip();
    if reader.at == reader.lines.len() || reader.lines[reader.at].indent != 0 {
        return None;
    }
    let root = reader.block(0, 1)?;
    reader.skip();
    (reader.at == reader.lines.len()).then_some(root)
}

/// No tab, carriage return, control character, byte-order mark or Unicode line separator:
/// the characters whose meaning in YAML this reader does not decide.
fn plain_characters(yaml: &str) -> bool {
    let bytes = yaml.as_bytes();
    bytes.iter().enumerate().all(|(i, &b)| match b {
        b'\n' | 0x20..=0x7E => true,
        0x00..=0x1F | 0x7F => false,
        // C1 controls (NEL among them): U+0080..U+009F.
        0xC2 => !matches!(bytes.get(i + 1), Some(0x80..=0x9F)),
        // U+2028, U+2029.
        0xE2 => !matches!(bytes.get(i + 1..i + 3), Some([0x80, 0xA8 | 0xA9])),
        // U+FEFF, U+FFFE, U+FFFF.
        0xEF => !matches!(
            bytes.get(i + 1..i + 3),
            Some([0xBB, 0xBF] | [0xBF, 0xBE | 0xBF])
        ),
        _ => true,
    })
}

/// The length of the key at the start of `text` (`name:` followed by a space or the end
/// of the line), if it starts with one: ASCII letters, digits, `_`, `-` and `.`.
fn key_len(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    if !b
        .first()
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    {
        return None;
    }
    let n = b
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')))
        .unwrap_or(b.len());
    (n <= MAX_KEY_LEN && b.get(n) == Some(&b':') && matches!(b.get(n + 1), None | Some(b' ')))
        .then_some(n)
}

/// A list item's dash (`- ` or a lone `-`) at the start of `text`.
fn is_dash(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// Nothing but spaces, or spaces and then a comment, in `rest` (what follows a value).
fn ends_line(rest: &str) -> bool {
    let trimmed = rest.trim_start_matches(' ');
    trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len())
}

/// Characters that cannot start a plain scalar (YAML's indicators), or start one only in
/// ways this reader leaves to the parser.
fn starts_plain(rest: &str) -> bool {
    match rest.as_bytes() {
        [] => false,
        [b'-', next, ..] => !matches!(next, b' ' | b',' | b'[' | b']' | b'{' | b'}'),
        [first, ..] => !br"-?:,[]{}#&*!|>'%@`".contains(first) && *first != b'"' && *first != b' ',
    }
}

impl<'a> Reader<'a> {
    /// Moves past blank and comment lines; returns how many comments it passed.
    fn skip(&mut self) -> usize {
        let mut comments = 0;
        while let Some(line) = self.lines.get(self.at) {
            if line.is_comment() {
                comments += 1;
            } else if !line.is_blank() {
                break;
            }
            self.at += 1;
        }
        comments
    }

    /// The line after the blank and comment lines from `self.at` on.
    fn next_line(&self) -> Option<&Line<'a>> {
        self.lines.get(self.at)
    }

    /// Where byte `col` of line `line` is, for a node of `len` bytes.
    fn pos(&self, line: usize, col: usize, len: usize) -> Pos {
        let l = &self.lines[line];
        let prefix = &l.text[..col];
        let column = if prefix.is_ascii() {
            col
        } else {
            prefix.chars().count()
        };
        self.base.apply(Pos {
            line: line + 1,
            column: column + 1,
            offset: l.start + col,
            len,
        })
    }

    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= MAX_NODES && self.nodes * 2 + self.lines.len() <= MAX_EVENTS).then_some(())
    }

    /// A block mapping or list whose first line (`self.at`) has its content at byte `col`.
    fn block(&mut self, col: usize, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let rest = &self.lines[self.at].text[col..];
        if is_dash(rest) {
            self.sequence(col, false, depth)
        } else if key_len(rest).is_some() {
            self.mapping(col, depth)
        } else {
            None
        }
    }

    /// A block mapping whose keys stand at byte `col` (the first one on line `self.at`,
    /// maybe after a list item's dash).
    fn mapping(&mut self, col: usize, depth: usize) -> Option<Node> {
        let pos = self.pos(self.at, col, 0);
        let mut entries: Vec<(Key, Node)> = Vec::new();
        loop {
            let line = self.at;
            let text = self.lines[line].text;
            let len = key_len(&text[col..])?;
            let key_pos = self.pos(line, col, len);
            self.count()?;
            let name = Cow::Borrowed(&text[col..col + len]);
            let key = events::key(name, ScalarStyle::Plain, key_pos, &entries)?;
            let value = self.value(col + len, col, true, depth)?;
            entries.push((key, value));
            self.skip();
            match self.next_line() {
                Some(next) if next.indent == col => {}
                Some(next) if next.indent > col => return None,
                _ => break,
            }
        }
        self.count()?;
        Some(Node {
            pos,
            value: Value::Map(entries),
        })
    }

    /// A block list whose dashes stand at byte `col`, the first one on line `self.at`.
    /// `indentless`: the value of a key at the same indentation (`key:` and then `- item`
    /// lines below it), which the parser places at its first item rather than its dash.
    fn sequence(&mut self, col: usize, indentless: bool, depth: usize) -> Option<Node> {
        let mut pos = self.pos(self.at, col, 0);
        let mut items = Vec::new();
        loop {
            let text = self.lines[self.at].text;
            let after = text[col..].strip_prefix("- ")?;
            let item = after.trim_start_matches(' ');
            let item_col = text.len() - item.len();
            if is_dash(item) {
                return None;
            }
            if items.is_empty() && indentless {
                pos = self.pos(self.at, item_col, 0);
            }
            let node = if key_len(item).is_some() {
                self.mapping(item_col, depth + 1)?
            } else {
                self.value(col, col, false, depth)?
            };
            items.push(node);
            self.skip();
            match self.next_line() {
                Some(next) if next.indent == col && is_dash(next.content()) => {}
                Some(next) if next.indent > col => return None,
                // Less indented, or a key beside the list (`key:` then `- item` lines at
                // the key's own indentation): the mapping around goes on.
                _ => break,
            }
        }
        self.count()?;
        Some(Node {
            pos,
            value: Value::Seq(items),
        })
    }

    /// The value after an indicator that ends at byte `col` of line `self.at` (a key's `:`
    /// or a dash), in a collection whose items stand at byte `parent`. Leaves `self.at` on
    /// the line after the value.
    fn value(&mut self, col: usize, parent: usize, in_mapping: bool, depth: usize) -> Option<Node> {
        let line = self.at;
        let text = self.lines[line].text;
        let rest = &text[col + 1..];
        let value = rest.trim_start_matches(' ');
        let value_col = text.len() - value.len();
        match value.as_bytes().first() {
            None | Some(b'#') if in_mapping => {
                self.at += 1;
                let comments = self.skip() + usize::from(!value.is_empty());
                if comments > MAX_WAITING_COMMENTS {
                    return None;
                }
                match self.next_line() {
                    Some(next) if next.indent > parent => self.block(next.indent, depth + 1),
                    Some(next) if next.indent == parent && is_dash(next.content()) => {
                        self.sequence(parent, true, depth + 1)
                    }
                    // Nothing: null, where the `:` is.
                    _ => {
                        self.count()?;
                        Some(Node {
                            pos: self.pos(line, col, 0),
                            value: Value::Null,
                        })
                    }
                }
            }
            None | Some(b'#') => None,
            Some(b'|' | b'>') => self.block_scalar(value_col, parent),
            Some(b'[' | b'{') => {
                if depth + 1 > MAX_DEPTH {
                    return None;
                }
                let (node, end) = self.flow(line, value_col)?;
                self.at += 1;
                ends_line(&text[end..]).then_some(node)
            }
            Some(_) => {
                let (node, end) = self.scalar(line, value_col, false)?;
                self.at += 1;
                ends_line(&text[end..]).then_some(node)
            }
        }
    }

    /// A one-line scalar at byte `col` of line `line`: quoted, or plain (`in_flow`: inside
    /// `[...]` or `{...}`). Returns the node and the byte where it ends.
    fn scalar(&mut self, line: usize, col: usize, in_flow: bool) -> Option<(Node, usize)> {
        let text = self.lines[line].text;
        let rest = &text[col..];
        let (value, end) = match rest.as_bytes().first()? {
            b'"' => {
                let (value, len) = double_quoted(rest)?;
                (Value::Str(value), col + len)
            }
            b'\'' => {
                let (value, len) = single_quoted(rest)?;
                (Value::Str(value), col + len)
            }
            _ => {
                let len = if in_flow {
                    plain_in_flow(rest)?
                } else {
                    plain_in_block(rest)?
                };
                (
                    events::scalar(Cow::Borrowed(&rest[..len]), ScalarStyle::Plain)?,
                    col + len,
                )
            }
        };
        // A quoted key (`"a": 1`) is left to the parser.
        if text[end..].trim_start_matches(' ').starts_with(':') {
            return None;
        }
        self.count()?;
        let pos = self.pos(line, col, end - col);
        Some((Node { pos, value }, end))
    }

    /// A flow list or mapping that opens at byte `col` of line `line` and closes on it, of
    /// scalars. Returns the node and the byte after its closing bracket.
    fn flow(&mut self, line: usize, col: usize) -> Option<(Node, usize)> {
        let text = self.lines[line].text;
        let bytes = text.as_bytes();
        let is_map = bytes[col] == b'{';
        let close = if is_map { b'}' } else { b']' };
        let pos = self.pos(line, col, 1);
        let spaces = |mut i: usize| {
            while bytes.get(i) == Some(&b' ') {
                i += 1;
            }
            i
        };
        let mut items = Vec::new();
        let mut entries: Vec<(Key, Node)> = Vec::new();
        let mut i = spaces(col + 1);
        if bytes.get(i) != Some(&close) {
            loop {
                if is_map {
                    let len = key_len(&text[i..])?;
                    if bytes.get(i + len + 1) != Some(&b' ') {
                        return None;
                    }
                    self.count()?;
                    let name = Cow::Borrowed(&text[i..i + len]);
                    let key_pos = self.pos(line, i, len);
                    let key = events::key(name, ScalarStyle::Plain, key_pos, &entries)?;
                    let (value, end) = self.scalar(line, spaces(i + len + 1), true)?;
                    entries.push((key, value));
                    i = end;
                } else {
                    let (item, end) = self.scalar(line, i, true)?;
                    items.push(item);
                    i = end;
                }
                i = spaces(i);
                match bytes.get(i) {
                    Some(b',') => {
                        i = spaces(i + 1);
                        // A trailing comma is left to the parser.
                        if bytes.get(i) == Some(&close) {
                            return None;
                        }
                    }
                    Some(&c) if c == close => break,
                    _ => return None,
                }
            }
        }
        self.count()?;
        let value = if is_map {
            Value::Map(entries)
        } else {
            Value::Seq(items)
        };
        Some((Node { pos, value }, i + 1))
    }

    /// A `|` or `>` block scalar whose header is at byte `col` of line `self.at`, in a
    /// collection whose items stand at byte `parent`.
    fn block_scalar(&mut self, col: usize, parent: usize) -> Option<Node> {
        let header = &self.lines[self.at].text[col..];
        let literal = header.starts_with('|');
        let (chomp, rest) = match header.as_bytes().get(1) {
            Some(b'-') => (Chomp::Strip, &header[2..]),
            Some(b'+') => (Chomp::Keep, &header[2..]),
            _ => (Chomp::Clip, &header[1..]),
        };
        // An indentation indicator (`|2`) or anything else on the line: the parser's.
        if !ends_line(rest) || !(rest.is_empty() || rest.starts_with(' ')) {
            return None;
        }
        let first = self.at + 1;
        let mut at = first;
        let mut leading_spaces = 0;
        while let Some(line) = self.lines.get(at).filter(|l| l.is_blank()) {
            leading_spaces = leading_spaces.max(line.text.len());
            at += 1;
        }
        let content = self.lines.get(at)?;
        if content.indent <= parent {
            // Empty. Only the plain case, right before the next line.
            if at != first || chomp == Chomp::Keep {
                return None;
            }
            let next_text = content.indent;
            self.at = at;
            self.count()?;
            // Where the next line's text starts.
            return Some(Node {
                pos: self.pos(at, next_text, 0),
                value: Value::Str(String::new()),
            });
        }
        let indent = content.indent;
        if leading_spaces > indent || (!literal && at != first) {
            return None;
        }
        let start = at;
        // The scalar's lines: `Some(text)` for content, `None` for an empty line.
        let mut body: Vec<Option<&str>> = vec![None; start - first];
        let mut end = start;
        while let Some(line) = self.lines.get(end) {
            if line.is_blank() {
                if line.text.len() > indent {
                    return None;
                }
                body.push(None);
            } else if line.indent >= indent {
                if !literal && line.indent > indent {
                    return None;
                }
                body.push(Some(&line.text[indent..]));
            } else if line.indent <= parent {
                break;
            } else {
                return None;
            }
            end += 1;
        }
        let trailing = body.iter().rev().take_while(|l| l.is_none()).count();
        let lines = &body[..body.len() - trailing];
        let mut value = String::new();
        let mut empties = 0;
        for (i, line) in lines.iter().enumerate() {
            match line {
                None if literal => value.push('\n'),
                None => empties += 1,
                Some(text) => {
                    if i > 0 && !literal {
                        if empties == 0 {
                            value.push(' ');
                        } else {
                            value.extend(std::iter::repeat_n('\n', empties));
                        }
                        empties = 0;
                    }
                    value.push_str(text);
                    if literal {
                        value.push('\n');
                    }
                }
            }
        }
        match chomp {
            Chomp::Strip if literal => {
                value.pop();
            }
            Chomp::Strip => {}
            Chomp::Clip if !literal => value.push('\n'),
            Chomp::Clip => {}
            Chomp::Keep => {
                if !literal {
                    value.push('\n');
                }
                value.extend(std::iter::repeat_n('\n', trailing));
            }
        }
        let from = self.lines[start].start + indent;
        let to = self
            .lines
            .get(end)
            .map_or(self.yaml.len(), |l| l.start + l.indent);
        let pos = self.pos(start, indent, to - from);
        self.at = end;
        self.count()?;
        Some(Node {
            pos,
            value: Value::Str(value),
        })
    }
}

/// The plain scalar at the start of `rest`, outside brackets: its length, up to a comment
/// or the end of the line, without trailing spaces.
fn plain_in_block(rest: &str) -> Option<usize> {
    if !starts_plain(rest) {
        return None;
    }
    let end = rest.find(" #").unwrap_or(rest.len());
    let text = rest[..end].trim_end_matches(' ');
    // `a: b: c` is an error; `a:` at the end would make it a key.
    (!text.contains(": ") && !text.ends_with(':')).then_some(text.len())
}

/// The plain scalar at the start of `rest`, inside brackets: its length, up to `,` or a
/// bracket, without trailing spaces. One holding `:` or `#` is left to the parser.
fn plain_in_flow(rest: &str) -> Option<usize> {
    if !starts_plain(rest) {
        return None;
    }
    let end = rest
        .find([',', '[', ']', '{', '}', ':', '#'])
        .unwrap_or(rest.len());
    if matches!(rest.as_bytes().get(end), None | Some(b':' | b'#')) {
        return None;
    }
    let len = rest[..end].trim_end_matches(' ').len();
    (len > 0).then_some(len)
}

/// The `"..."` scalar at the start of `rest` (closed on its line): its value and length.
fn double_quoted(rest: &str) -> Option<(String, usize)> {
    let bytes = rest.as_bytes();
    let mut value = String::new();
    let mut run = 1;
    let mut i = 1;
    loop {
        match bytes.get(i)? {
            b'"' => {
                value.push_str(&rest[run..i]);
                return Some((value, i + 1));
            }
            b'\\' => {
                value.push_str(&rest[run..i]);
                value.push(match bytes.get(i + 1)? {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'/' => '/',
                    b'n' => '\n',
                    b't' => '\t',
                    _ => return None,
                });
                i += 2;
                run = i;
            }
            _ => i += 1,
        }
    }
}

/// The `'...'` scalar at the start of `rest` (closed on its line): its value and length.
fn single_quoted(rest: &str) -> Option<(String, usize)> {
    let bytes = rest.as_bytes();
    let mut value = String::new();
    let mut run = 1;
    let mut i = 1;
    loop {
        if *bytes.get(i)? == b'\'' {
            value.push_str(&rest[run..i]);
            if bytes.get(i + 1) == Some(&b'\'') {
                value.push('\'');
                i += 2;
                run = i;
            } else {
                return Some((value, i + 1));
            }
        } else {
            i += 1;
        }
    }
}
