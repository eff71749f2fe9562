//! The front matter read straight from the parser's events (granit-parser, the parser
//! serde-saphyr is built on), for the YAML a review holds: mappings with text keys,
//! sequences, and untagged scalars.
//!
//! It builds the same tree as the serde-saphyr path, position for position, without
//! recording and replaying each key and value as serde-saphyr's map access does. Anything
//! outside that subset (tags, anchors and aliases, merge keys, a key that is not plainly
//! text, a repeated key, a non-finite number, more than one document, a syntax error, or a
//! document near one of serde-saphyr's limits) makes [`load`] return `None`, and the caller
//! reads the document through serde-saphyr: its tree, its message and its limits stay the
//! reference for every such case.

use granit_parser::{Event, Parser, ScalarStyle, Span};
use std::borrow::Cow;

use super::{Base, Key, Node, Pos, Value};

/// The parser options serde-saphyr derives from its default budget, so that both paths
/// accept and refuse the same text (serde-saphyr's `Budget::parser_options`).
fn parser_options() -> granit_parser::Options {
    granit_parser::options! {
        simple_key_max_lookahead: 1024,
        flow_nesting_limit: 255,
        // max(the parser's 255, serde-saphyr's depth limit 64 + 1)
        block_nesting_limit: 255,
        emit_comments: true,
        max_buffered_comment_events: 32,
    }
}

/// Well inside serde-saphyr's default budget (1,000,000 events, 250,000 nodes, depth 64,
/// 64 MiB of scalar or comment text): a document beyond these is left to serde-saphyr,
/// which decides whether it breaches.
pub(super) const MAX_EVENTS: usize = 500_000;
pub(super) const MAX_NODES: usize = 100_000;
const MAX_DEPTH: usize = 48;
pub(super) const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;
/// Keys in one mapping (a review's front matter has about twenty).
const MAX_KEYS: usize = 64;

/// A collection being built: its position, and where its children start in the shared
/// list of items or entries being built (children are moved into a list of their exact
/// size when the collection ends: one allocation per collection, none to grow it).
enum Open {
    Seq(Pos, usize),
    /// A mapping, with the key read and waiting for its value, if any.
    Map(Pos, usize, Option<Key>),
}

/// Reads `yaml` (which starts at `base` in its file) into a tree; `None` when the document
/// lies outside the subset this loader reads exactly as serde-saphyr does.
pub(super) fn load(yaml: &str, base: Base) -> Option<Node> {
    let mut stack: Vec<Open> = Vec::new();
    let mut items: Vec<Node> = Vec::new();
    let mut entries: Vec<(Key, Node)> = Vec::new();
    let mut root: Option<Node> = None;
    let (mut events, mut nodes, mut text_bytes, mut documents) = (0usize, 0usize, 0usize, 0);
    for item in Parser::new_from_str_with_options(yaml, parser_options()) {
        let (event, span) = item.ok()?;
        events += 1;
        if events > MAX_EVENTS {
            return None;
        }
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::Comment(text, _) => {
                text_bytes += text.len();
                if text_bytes > MAX_TEXT_BYTES {
                    return None;
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                nodes += 1;
                text_bytes += value.len();
                if nodes > MAX_NODES || text_bytes > MAX_TEXT_BYTES {
                    return None;
                }
                let pos = base.apply(pos_of(&span));
                if let Some(Open::Map(_, start, pending @ None)) = stack.last_mut() {
                    *pending = Some(key(value, style, pos, &entries[*start..])?);
                    continue;
                }
                Node {
                    pos,
                    value: scalar(value, style)?,
                }
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                let is_map = matches!(event, Event::MappingStart(..));
                // A collection as a mapping key is not text.
                let awaiting_key = matches!(stack.last(), Some(Open::Map(_, _, None)));
                if anchor != 0 || tag.is_some() || awaiting_key {
                    return None;
                }
                nodes += 1;
                if nodes > MAX_NODES || stack.len() >= MAX_DEPTH {
                    return None;
                }
                let pos = base.apply(pos_of(&span));
                stack.push(if is_map {
                    Open::Map(pos, entries.len(), None)
                } else {
                    Open::Seq(pos, items.len())
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop()? {
                Open::Seq(pos, start) => Node {
                    pos,
                    value: Value::Seq(items.drain(start..).collect()),
                },
                Open::Map(pos, start, None) => Node {
                    pos,
                    value: Value::Map(entries.drain(start..).collect()),
                },
                Open::Map(_, _, Some(_)) => return None,
            },
            // Aliases, and anything a later parser version may add.
            _ => return None,
        };
        match stack.last_mut() {
            None if root.is_none() => root = Some(node),
            None => return None,
            Some(Open::Seq(..)) => items.push(node),
            Some(Open::Map(_, _, pending)) => entries.push((pending.take()?, node)),
        }
    }
    if !stack.is_empty() {
        return None;
    }
    root
}

/// The position serde-saphyr gives a node from its span (`location_from_span`): 1-based
/// line, the character column plus one, the byte offset and the byte length.
fn pos_of(span: &Span) -> Pos {
    let (start, end) = (span.start.byte_offset(), span.end.byte_offset());
    Pos {
        line: span.start.line(),
        column: span.start.col() + 1,
        offset: start.unwrap_or(0),
        len: match (start, end) {
            (Some(s), Some(e)) => e.saturating_sub(s),
            _ => 0,
        },
    }
}

/// A mapping key: text that serde-saphyr would read as the same string and compare as a
/// string. Keys that look like another type, the merge key and repeated keys are not.
pub(super) fn key(
    name: Cow<str>,
    style: ScalarStyle,
    pos: Pos,
    entries: &[(Key, Node)],
) -> Option<Key> {
    if name == "<<" {
        return None;
    }
    if style == ScalarStyle::Plain && !matches!(plain(&name)?, Value::Str(_)) {
        return None;
    }
    // A mapping of more keys than a review has is left to serde-saphyr, which looks up
    // repeated keys in a set; comparing with each earlier key would grow quadratically.
    if entries.len() >= MAX_KEYS || entries.iter().any(|(k, _)| k.name == name) {
        return None;
    }
    Some(Key {
        pos,
        name: name.into_owned(),
    })
}

/// A scalar value as serde-saphyr's `deserialize_any` types it for an untagged scalar:
/// quoted and block scalars are text; plain ones may be null, a boolean, a number or text.
pub(super) fn scalar(value: Cow<str>, style: ScalarStyle) -> Option<Value> {
    if style != ScalarStyle::Plain {
        return Some(Value::Str(value.into_owned()));
    }
    Some(match plain(&value)? {
        Value::Str(_) => Value::Str(value.into_owned()),
        typed => typed,
    })
}

/// The type of a plain scalar (the text of a `Str` is left empty: the caller has it).
/// `None`: a non-finite number, which serde-saphyr refuses.
fn plain(value: &str) -> Option<Value> {
    const TEXT: Value = Value::Str(String::new());
    if matches!(value, "" | "~" | "null" | "Null" | "NULL") {
        return Some(Value::Null);
    }
    let t = value.trim_matches([' ', '\t', '\r', '\n']);
    match t {
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    // Only a digit or a dot after the sign can start a number: most text ends here.
    if !unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return Some(TEXT);
    }
    let uppercase_radix = matches!(unsigned.as_bytes(), [b'0', b'X' | b'O' | b'B', ..]);
    if uppercase_radix || matches!(unsigned, ".nan" | ".NaN" | ".NAN") && unsigned != t {
        return Some(TEXT);
    }
    if t.starts_with('-') {
        if !leading_zero_decimal(unsigned)
            && let Some(v) = signed(unsigned)
        {
            return Some(Value::Int(v));
        }
    } else if let Some(v) = unsigned_int(unsigned) {
        return Some(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int));
    }
    match float(t, unsigned) {
        Some(f) if f.is_finite() => Some(Value::Float(f)),
        Some(_) => None,
        None => Some(TEXT),
    }
}

/// `0127`, `+0127`, `-0127` (given without the sign).
fn leading_zero_decimal(digits: &str) -> bool {
    digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The radix of an integer's digits (`0x`, `0o`, `0b` prefixes; lowercase only reaches
/// here), and the digits.
fn radix(rest: &str) -> (u32, &str) {
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(digits) = rest.strip_prefix(prefix) {
            return (radix, digits);
        }
    }
    (10, rest)
}

/// Digits with single underscores between them, in `radix`, as serde-saphyr reads them.
fn digits(digits: &str, radix: u32) -> Option<u128> {
    let bytes = digits.as_bytes();
    let mut value: u128 = 0;
    let mut saw = false;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let prev_ok = i > 0 && bytes[i - 1] != b'_';
            let next_ok = i + 1 < bytes.len() && bytes[i + 1] != b'_';
            if !prev_ok || !next_ok {
                return None;
            }
            continue;
        }
        let d = (b as char).to_digit(16)?;
        if d >= radix {
            return None;
        }
        value = value
            .checked_mul(u128::from(radix))?
            .checked_add(u128::from(d))?;
        saw = true;
    }
    saw.then_some(value)
}

/// An integer without a sign or with `+` (given without the sign), as a `u64`.
fn unsigned_int(rest: &str) -> Option<u64> {
    let (radix, ds) = radix(rest);
    if radix == 10 && ds.starts_with('0') && ds != "0" {
        return None;
    }
    u64::try_from(digits(ds, radix)?).ok()
}

/// A negative integer (given without its `-`), as an `i64`.
fn signed(rest: &str) -> Option<i64> {
    let (radix, ds) = radix(rest);
    if radix == 10 && ds.starts_with('0') && ds != "0" {
        return None;
    }
    let magnitude = i128::try_from(digits(ds, radix)?).ok();
    let value = match magnitude {
        Some(m) => m.checked_neg()?,
        // Only -(i128::MAX + 1) fits, and no i64 is that small.
        None => return None,
    };
    i64::try_from(value).ok()
}

/// A float as serde-saphyr's typeless path reads one: YAML's `.inf` and `.nan` spellings,
/// Rust's decimal syntax for finite values, and overflowing numerals as infinite.
fn float(t: &str, unsigned: &str) -> Option<f64> {
    let negative = t.starts_with('-');
    match unsigned {
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        ".inf" | ".Inf" | ".INF" if negative => return Some(f64::NEG_INFINITY),
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        _ => {}
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        Ok(v) if v.is_infinite() && unsigned.starts_with(|c: char| c.is_ascii_digit()) => Some(v),
        _ => None,
    }
}
