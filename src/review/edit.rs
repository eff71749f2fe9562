//! Edits of the front matter that keep everything else byte for byte: comments, key order,
//! quoting, line endings and the body. Only the lines of the new value are added.

use chrono::SecondsFormat;

use crate::review::document::Layout;
use crate::review::time::{Timestamp, parse_rfc3339};
use crate::review::yaml::{Node, Value};
use crate::review::{Review, TimelineEntry};

/// Writes a timestamp the way pirt stores it: RFC 3339, `Z` for UTC.
pub fn format_timestamp(ts: &Timestamp) -> String {
    ts.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A string as a YAML scalar: plain when that reads back as the very same string (in
/// block and in flow context), otherwise double-quoted.
pub fn yaml_scalar(text: &str) -> String {
    if is_plain_safe(text) && reads_back_as(text, text) {
        text.to_string()
    } else {
        double_quoted(text)
    }
}

fn is_plain_safe(text: &str) -> bool {
    // YAML 1.1 readers (PyYAML, editors) take these for booleans or null.
    const RESERVED: &[&str] = &[
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
    ];
    let Some(first) = text.chars().next() else {
        return false;
    };
    !RESERVED.contains(&text.to_ascii_lowercase().as_str())
        && text.trim() == text
        && !"-?:,[]{}#&*!|>'\"%@`".contains(first)
        // Flow indicators end a plain scalar inside `[a, b]`.
        && !text.contains([',', '[', ']', '{', '}'])
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
        && text.chars().all(is_printable)
}

/// YAML's printable set, minus tabs and line breaks (which plain scalars fold).
fn is_printable(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && c != '\u{feff}'
}

/// True when `key: CANDIDATE` is read back as the string `expected` (not a number, a
/// boolean, null or anything else).
fn reads_back_as(candidate: &str, expected: &str) -> bool {
    let base = crate::review::yaml::Base {
        lines: 0,
        offset: 0,
    };
    crate::review::yaml::parse(&format!("k: {candidate}\n"), base)
        .ok()
        .and_then(|root| {
            root.get("k")
                .and_then(|n| n.as_str().map(|s| s == expected))
        })
        .unwrap_or(false)
}

/// A YAML double-quoted scalar; every character outside the printable set is escaped.
fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_printable(c) => out.push(c),
            c if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// The line ending the file uses.
pub(crate) fn newline_of(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// An entry, under a `# comment` line when one is given (a comment cannot end early: line
/// breaks in it become spaces).
fn noted_entry_text(
    entry: &TimelineEntry,
    comment: Option<&str>,
    indent: &str,
    nl: &str,
) -> String {
    let note = comment.map_or(String::new(), |c| {
        format!("{indent}# {}{nl}", c.replace(['\r', '\n'], " "))
    });
    let mut out = note;
    out.push_str(&format!(
        "{indent}- at: {}{nl}{indent}  kind: {}{nl}{indent}  text: {}{nl}",
        format_timestamp(&entry.at),
        yaml_scalar(entry.kind.as_str()),
        yaml_scalar(&entry.text)
    ));
    if let Some(source) = &entry.source {
        out.push_str(&format!("{indent}  source: {}{nl}", yaml_scalar(source)));
    }
    out
}

/// Inserts timeline entries in time order. `root` and `layout` come from parsing `text`;
/// `existing` is the parsed timeline (used when a flow-style list must be rewritten).
pub fn insert_timeline_entries(
    text: &str,
    layout: &Layout,
    root: &Node,
    existing: &[TimelineEntry],
    new: &[TimelineEntry],
) -> String {
    insert_noted_timeline_entries(text, layout, root, existing, new, None)
}

/// [`insert_timeline_entries`], each new entry under a `# comment` line when `comment` is
/// given (where it came from; the existing entries are left as they are).
pub fn insert_noted_timeline_entries(
    text: &str,
    layout: &Layout,
    root: &Node,
    existing: &[TimelineEntry],
    new: &[TimelineEntry],
    comment: Option<&str>,
) -> String {
    let nl = newline_of(&text[layout.yaml.clone()]);
    let mut new: Vec<&TimelineEntry> = new.iter().collect();
    new.sort_by_key(|e| e.at);
    let block = |entries: &[&TimelineEntry], indent: &str| -> String {
        entries
            .iter()
            .map(|e| noted_entry_text(e, comment, indent, nl))
            .collect()
    };

    let Some((key, value)) = root.entry("timeline") else {
        // No timeline yet: add one at the end of the front matter.
        let at = layout.yaml.end;
        let lead = if at > layout.yaml.start && !text[..at].ends_with('\n') {
            nl
        } else {
            ""
        };
        return splice(
            text,
            at..at,
            &format!("{lead}timeline:{nl}{}", block(&new, "  ")),
        );
    };

    match &value.value {
        Value::Seq(items)
            if !items.is_empty() && text.as_bytes().get(value.pos.offset) != Some(&b'[') =>
        {
            // A block list: each new entry goes before the first existing entry later than it.
            let dashes: Vec<usize> = items
                .iter()
                .map(|item| dash_before(text, item.pos.offset))
                .collect();
            let first_dash = dashes[0];
            let line_start = line_start_of(text, first_dash);
            let indent = &text[line_start..first_dash];
            let times: Vec<Option<Timestamp>> = items
                .iter()
                .map(|item| {
                    item.get("at")
                        .and_then(Node::as_str)
                        .and_then(|s| parse_rfc3339(s).ok())
                })
                .collect();
            let end = block_end(text, layout, line_start, indent.len());
            let mut inserts: Vec<(usize, String)> = Vec::new();
            for entry in new {
                let at = times
                    .iter()
                    .position(|t| t.is_some_and(|t| t > entry.at))
                    .map_or(end, |i| {
                        above_comments(text, line_start_of(text, dashes[i]), indent)
                    });
                let piece = noted_entry_text(entry, comment, indent, nl);
                match inserts.iter_mut().find(|(pos, _)| *pos == at) {
                    Some((_, acc)) => acc.push_str(&piece),
                    None => inserts.push((at, piece)),
                }
            }
            let mut out = text.to_string();
            inserts.sort_by_key(|(pos, _)| std::cmp::Reverse(*pos));
            for (pos, piece) in inserts {
                out.insert_str(pos, &piece);
            }
            out
        }
        Value::Null => {
            // `timeline:` (or `timeline: ~`) with nothing under it.
            let after_key = key.pos.offset + key.name.len();
            let line_end = text[after_key..]
                .find('\n')
                .map_or(text.len(), |i| after_key + i + 1);
            let mut out = String::with_capacity(text.len() + 256);
            if value.pos.len > 0 && value.pos.offset >= after_key && value.pos.offset < line_end {
                // Drop an explicit `~` / `null`, keep any comment.
                out.push_str(&text[..value.pos.offset]);
                out.push_str(&text[value.pos.offset + value.pos.len..line_end]);
            } else {
                out.push_str(&text[..line_end]);
            }
            if !out.ends_with('\n') {
                out.push_str(nl);
            }
            out.push_str(&block(&new, "  "));
            out.push_str(&text[line_end..]);
            out
        }
        _ => {
            // A flow list (`timeline: []`): rewrite the value as a block list.
            let start = value.pos.offset;
            let next_key = next_root_key_offset(root, key.pos.offset).unwrap_or(layout.yaml.end);
            let (end, _) = flow_end(text, start, next_key);
            let mut all: Vec<(&TimelineEntry, Option<&str>)> =
                existing.iter().map(|e| (e, None)).collect();
            all.extend(new.iter().map(|e| (*e, comment)));
            all.sort_by_key(|(e, _)| e.at);
            let rest_of_line = &text[end..];
            let comment_len = rest_of_line.find('\n').unwrap_or(rest_of_line.len());
            let trailing = rest_of_line[..comment_len].trim_end_matches('\r');
            let entries: String = all
                .iter()
                .map(|(e, note)| noted_entry_text(e, *note, "  ", nl))
                .collect();
            let replacement = format!("{}{nl}{entries}", trailing.trim_end());
            let mut out = String::with_capacity(text.len() + replacement.len());
            // Remove the space between `timeline:` and `[`.
            let value_start = text[..start].trim_end_matches([' ', '\t']).len();
            out.push_str(&text[..value_start]);
            out.push_str(&replacement);
            let after = end + comment_len;
            let after = if text[after..].starts_with("\r\n") {
                after + 2
            } else if text[after..].starts_with('\n') {
                after + 1
            } else {
                after
            };
            out.push_str(&text[after..]);
            out
        }
    }
}

fn line_start_of(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |n| n + 1)
}

/// Moves an insertion point above the comment lines (at the item's indentation) that sit
/// directly on top of an entry: they belong to that entry.
pub(crate) fn above_comments(text: &str, mut at: usize, indent: &str) -> usize {
    while at > 0 {
        let previous = line_start_of(text, at - 1);
        let line = text[previous..at].trim_end_matches(['\n', '\r']);
        match line.strip_prefix(indent) {
            Some(rest) if rest.starts_with('#') => at = previous,
            _ => break,
        }
    }
    at
}

pub(crate) fn splice(text: &str, range: std::ops::Range<usize>, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..range.start]);
    out.push_str(with);
    out.push_str(&text[range.end..]);
    out
}

/// The offset of the `-` that introduces the sequence item starting at `offset`.
pub(crate) fn dash_before(text: &str, offset: usize) -> usize {
    text[..offset]
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_whitespace())
        .filter(|(_, c)| *c == '-')
        .map_or(offset, |(i, _)| i)
}

/// The offset just after the last line of a block list whose items are indented by
/// `indent`; comments and blank lines after the last item stay outside.
pub(crate) fn block_end(text: &str, layout: &Layout, first_line: usize, indent: usize) -> usize {
    let mut end = first_line;
    let mut offset = first_line;
    while offset < layout.yaml.end {
        let line_end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        let line = text[offset..line_end].trim_end_matches(['\n', '\r']);
        let content = line.trim_start_matches([' ', '\t']);
        let depth = line.len() - content.len();
        if content.is_empty() || content.starts_with('#') {
            // Blank or comment: belongs to the list only if a list line follows.
        } else if depth > indent || (depth == indent && content.starts_with('-')) {
            end = line_end;
        } else {
            break;
        }
        offset = line_end;
    }
    end
}

fn next_root_key_offset(root: &Node, after: usize) -> Option<usize> {
    let Value::Map(entries) = &root.value else {
        return None;
    };
    entries
        .iter()
        .map(|(k, _)| k.pos.offset)
        .filter(|&o| o > after)
        .min()
}

/// The offset just after the closing `]` of a flow list starting at `start`, and whether a
/// comment sits inside it. Quotes open only where a value starts; `\"` escapes in double
/// quotes and `''` in single quotes are honoured; ` #` starts a comment.
fn flow_end(text: &str, start: usize, limit: usize) -> (usize, bool) {
    let mut commented = false;
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = start;
    let mut value_start = true;
    while i < limit {
        let c = bytes[i];
        match c {
            b'"' | b'\'' if value_start => {
                i += 1;
                while i < limit {
                    match bytes[i] {
                        b'\\' if c == b'"' => i += 1,
                        b'\'' if c == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
                        q if q == c => break,
                        _ => {}
                    }
                    i += 1;
                }
                value_start = false;
            }
            b'#' if i > start && bytes[i - 1].is_ascii_whitespace() => {
                commented = true;
                while i < limit && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                value_start = true;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return (i + 1, commented);
                }
                value_start = false;
            }
            b',' | b':' => value_start = true,
            c if c.is_ascii_whitespace() => {}
            _ => value_start = false,
        }
        i += 1;
    }
    (limit, commented)
}

/// Why a timeline cannot be edited in place.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error(
        "line {line}: the timeline is a YAML alias (`*name`); write the entries out to add to them"
    )]
    Alias { line: usize },
    #[error(
        "line {line}: the timeline is a flow list (`[...]`) {why}; adding an entry means rewriting it as a block list, which would lose that. Write the timeline as a block list (one `- at: ...` per entry) and run again; the file was not changed"
    )]
    FlowList { line: usize, why: &'static str },
    #[error(
        "the edited file would not read back as the same review plus the new entries; it was not changed (please report this)"
    )]
    NotPreserved,
    #[error(
        "line {line}: action item {id} is {why}; write it as a block mapping (`- id: ...` with one key per line) and run again; the file was not changed"
    )]
    ItemShape {
        line: usize,
        id: String,
        why: &'static str,
    },
    #[error(
        "action item {id} is no longer in the file (was it edited meanwhile?); the file was not changed"
    )]
    ItemGone { id: String },
}

/// A flow-style timeline is rewritten as a block list from its parsed entries: that keeps
/// every value of `at`, `kind` and `text`, but not a comment inside the brackets or any
/// other key of an entry. Those are refused rather than dropped.
fn refuse_lossy_flow_rewrite(
    text: &str,
    layout: &Layout,
    root: &Node,
    value: &Node,
) -> Result<(), EditError> {
    let key_offset = root.entry("timeline").map_or(0, |(k, _)| k.pos.offset);
    let next_key = next_root_key_offset(root, key_offset).unwrap_or(layout.yaml.end);
    let (_, commented) = flow_end(text, value.pos.offset, next_key);
    let line = value.pos.line;
    if commented {
        return Err(EditError::FlowList {
            line,
            why: "with comments inside",
        });
    }
    if let Value::Seq(items) = &value.value {
        let other_key = items.iter().any(|item| match &item.value {
            Value::Map(entries) => entries
                .iter()
                .any(|(k, _)| !["at", "kind", "text", "source"].contains(&k.name.as_str())),
            _ => false,
        });
        if other_key {
            return Err(EditError::FlowList {
                line,
                why: "whose entries hold keys other than at, kind, text and source",
            });
        }
    }
    Ok(())
}

/// Adds entries to a parsed review's text and proves the result: the file must read back
/// as the same review with exactly the new entries added to its timeline.
pub fn add_timeline_entries(
    path: &std::path::Path,
    text: &str,
    parsed: &crate::review::ParsedFile,
    entries: &[TimelineEntry],
    scale: &(impl AsRef<crate::review::Scale> + ?Sized),
) -> Result<String, EditError> {
    add_noted_timeline_entries(path, text, parsed, entries, None, scale)
}

/// [`add_timeline_entries`], each new entry under a `# comment` line when `comment` is
/// given (drafted entries say where they came from). Proven the same way.
pub fn add_noted_timeline_entries(
    path: &std::path::Path,
    text: &str,
    parsed: &crate::review::ParsedFile,
    entries: &[TimelineEntry],
    comment: Option<&str>,
    scale: &(impl AsRef<crate::review::Scale> + ?Sized),
) -> Result<String, EditError> {
    let (Some(layout), Some(root)) = (&parsed.layout, &parsed.front_matter) else {
        return Err(EditError::NotPreserved);
    };
    if let Some(value) = root.get("timeline")
        && text.as_bytes().get(value.pos.offset) == Some(&b'*')
    {
        return Err(EditError::Alias {
            line: value.pos.line,
        });
    }
    if let Some((_, value)) = root.entry("timeline")
        && text.as_bytes().get(value.pos.offset) == Some(&b'[')
    {
        refuse_lossy_flow_rewrite(text, layout, root, value)?;
    }
    let updated = insert_noted_timeline_entries(
        text,
        layout,
        root,
        &parsed.review.timeline,
        entries,
        comment,
    );
    let again = crate::review::parse_review(path, &updated, scale);
    let key = |e: &TimelineEntry| {
        (
            e.at,
            e.at.offset().local_minus_utc(),
            e.kind,
            e.text.clone(),
            e.source.clone(),
        )
    };
    let mut expected: Vec<_> = parsed
        .review
        .timeline
        .iter()
        .chain(entries)
        .map(key)
        .collect();
    let mut found: Vec<_> = again.review.timeline.iter().map(key).collect();
    expected.sort();
    found.sort();
    // Everything but the timeline is the same (body sections move down, so lines differ).
    let without_timeline = |r: &Review| Review {
        timeline: Vec::new(),
        ..r.without_positions()
    };
    let rest_unchanged = without_timeline(&again.review) == without_timeline(&parsed.review);
    if expected != found || !rest_unchanged || again.diagnostics.len() != parsed.diagnostics.len() {
        return Err(EditError::NotPreserved);
    }
    Ok(updated)
}

/// Sets a top-level scalar key of the front matter (`problem: PRB-0007`): the old value is
/// replaced in place, or a line is added at the end of the front matter. Everything else
/// stays byte for byte, and the result must read back as the same review with only that
/// field changed (`check` compares the two).
pub fn set_top_level_scalar(
    text: &str,
    parsed: &crate::review::ParsedFile,
    key: &str,
    value: &str,
    check: impl Fn(&Review, &Review) -> bool,
    path: &std::path::Path,
    scale: &(impl AsRef<crate::review::Scale> + ?Sized),
) -> Result<String, EditError> {
    set_top_level_scalar_near(text, parsed, key, value, &[], check, path, scale)
}

/// Where an absent key goes: just after the entry of a key that is present (the line after
/// its value, above the comment lines that sit on top of the next key), or just before one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Near<'a> {
    After(&'a str),
    Before(&'a str),
}

/// [`set_top_level_scalar`], with an absent key placed by the first of `near` whose key
/// is in the front matter (`started_at` … `resolved_at` stay together), else at the end.
#[allow(clippy::too_many_arguments)]
pub fn set_top_level_scalar_near(
    text: &str,
    parsed: &crate::review::ParsedFile,
    key: &str,
    value: &str,
    near: &[Near],
    check: impl Fn(&Review, &Review) -> bool,
    path: &std::path::Path,
    scale: &(impl AsRef<crate::review::Scale> + ?Sized),
) -> Result<String, EditError> {
    let (Some(layout), Some(root)) = (&parsed.layout, &parsed.front_matter) else {
        return Err(EditError::NotPreserved);
    };
    let nl = newline_of(&text[layout.yaml.clone()]);
    let scalar = yaml_scalar(value);
    let updated = match root.entry(key) {
        Some((k, v)) => {
            let after_key = k.pos.offset + k.name.len();
            let line_end = text[after_key..]
                .find('\n')
                .map_or(text.len(), |i| after_key + i);
            if v.pos.len > 0 && v.pos.offset >= after_key && v.pos.offset < line_end {
                // `key: old` (plain or quoted), a comment after it is kept.
                let end = value_end(text, v.pos.offset, line_end);
                splice(text, v.pos.offset..end, &scalar)
            } else if matches!(v.value, Value::Null) {
                // `key:` with nothing after the colon (or only a comment).
                let colon = text[after_key..line_end]
                    .find(':')
                    .map_or(after_key, |i| after_key + i + 1);
                splice(text, colon..colon, &format!(" {scalar}"))
            } else {
                return Err(EditError::NotPreserved);
            }
        }
        None => {
            let at = placed(text, root, near, layout.yaml.end).unwrap_or(layout.yaml.end);
            let lead = if at > layout.yaml.start && !text[..at].ends_with('\n') {
                nl
            } else {
                ""
            };
            splice(text, at..at, &format!("{lead}{key}: {scalar}{nl}"))
        }
    };
    let again = crate::review::parse_review(path, &updated, scale);
    if crate::diagnostic::error_count(&again.diagnostics)
        > crate::diagnostic::error_count(&parsed.diagnostics)
        || !check(&parsed.review, &again.review)
    {
        return Err(EditError::NotPreserved);
    }
    Ok(updated)
}

/// The offset of a line start where a new root key goes, by the first of `near` present.
fn placed(text: &str, root: &Node, near: &[Near], end: usize) -> Option<usize> {
    near.iter().find_map(|n| match *n {
        Near::After(key) => {
            let (k, _) = root.entry(key)?;
            Some(match next_root_key_offset(root, k.pos.offset) {
                Some(next) => above_comments(text, line_start_of(text, next), ""),
                None => end,
            })
        }
        Near::Before(key) => {
            let (k, _) = root.entry(key)?;
            let start = line_start_of(text, k.pos.offset);
            // Only a key at the start of its line (a block mapping) has a line to go above.
            (start == k.pos.offset).then(|| above_comments(text, start, ""))
        }
    })
}

/// The end of a scalar value that starts at `start` on a line ending at `line_end`: the
/// closing quote of a quoted scalar, else the start of a ` #` comment or trailing spaces.
fn value_end(text: &str, start: usize, line_end: usize) -> usize {
    let line = &text[start..line_end];
    match line.as_bytes().first() {
        Some(b'"') => {
            let mut i = 1;
            let bytes = line.as_bytes();
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 1,
                    b'"' => return start + i + 1,
                    _ => {}
                }
                i += 1;
            }
            line_end
        }
        Some(b'\'') => {
            let bytes = line.as_bytes();
            let mut i = 1;
            while i < bytes.len() {
                if bytes[i] == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return start + i + 1;
                }
                i += 1;
            }
            line_end
        }
        _ => {
            let content = line.find(" #").map_or(line, |i| &line[..i]);
            start + content.trim_end().len()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::review::parse_review;
    use std::path::Path;

    fn entry(at: &str, text: &str) -> TimelineEntry {
        TimelineEntry {
            at: parse_rfc3339(at).unwrap(),
            kind: crate::review::EntryKind::Note,
            text: text.into(),
            source: None,
        }
    }

    fn insert(text: &str, new: &[TimelineEntry]) -> String {
        let config = Config::default();
        let parsed = parse_review(Path::new("t.md"), text, &config);
        let out = insert_timeline_entries(
            text,
            parsed.layout.as_ref().unwrap(),
            parsed.front_matter.as_ref().unwrap(),
            &parsed.review.timeline,
            new,
        );
        let again = parse_review(Path::new("t.md"), &out, &config);
        assert!(
            again
                .diagnostics
                .iter()
                .all(|d| d.rule != "yaml-syntax" && d.rule != "schema"),
            "{:?}\n{out}",
            again.diagnostics
        );
        assert_eq!(
            again.review.timeline.len(),
            parsed.review.timeline.len() + new.len()
        );
        out
    }

    const HEAD: &str = "---\nid: PIR-1 # keep me\ntitle: 'Quoted: title'\nstatus: draft\nseverity: SEV2\nstarted_at: 2026-11-20T14:02:00Z\n";

    #[test]
    fn a_top_level_scalar_is_set_in_place_or_added() {
        let config = Config::default();
        let same_but_problem = |a: &Review, b: &Review| {
            Review {
                problem: None,
                sections: Vec::new(),
                ..a.clone()
            } == Review {
                problem: None,
                sections: Vec::new(),
                ..b.clone()
            } && b.problem.as_deref() == Some("PRB-0009")
        };
        let base = "---\nid: PIR-1\ntitle: T\nstatus: draft\nseverity: SEV3\nstarted_at: 2026-01-01T00:00:00Z\n";
        for (front, expected) in [
            ("problem: PRB-0001   # old\n", "problem: PRB-0009   # old\n"),
            ("problem: \"PRB-0001\" # q\n", "problem: PRB-0009 # q\n"),
            ("problem:\n", "problem: PRB-0009\n"),
            ("problem: ~\n", "problem: PRB-0009\n"),
            ("", "problem: PRB-0009\n"),
        ] {
            let text = format!("{base}{front}---\n## Summary\nx\n");
            let parsed = parse_review(Path::new("t.md"), &text, &config);
            let out = set_top_level_scalar(
                &text,
                &parsed,
                "problem",
                "PRB-0009",
                same_but_problem,
                Path::new("t.md"),
                &config,
            )
            .unwrap_or_else(|e| panic!("{front:?}: {e}"));
            assert_eq!(
                out,
                format!("{base}{expected}---\n## Summary\nx\n"),
                "{front:?}"
            );
        }
    }

    #[test]
    fn an_absent_key_goes_beside_its_neighbour() {
        let config = Config::default();
        let base = "---\nid: PIR-1\ntitle: T\nstatus: draft\nseverity: SEV3\n";
        let near = [
            Near::After("acknowledged_at"),
            Near::After("detected_at"),
            Near::Before("resolved_at"),
        ];
        for (front, expected) in [
            // After the nearest present key, above the comments on top of the next key.
            (
                "started_at: 2026-01-01T00:00:00Z\ndetected_at: 2026-01-01T00:05:00Z # page\n# closed by hand\nresolved_at: 2026-01-01T02:00:00Z\ntags: [x]\n",
                "started_at: 2026-01-01T00:00:00Z\ndetected_at: 2026-01-01T00:05:00Z # page\nmitigated_at: 2026-01-01T01:00:00Z\n# closed by hand\nresolved_at: 2026-01-01T02:00:00Z\ntags: [x]\n",
            ),
            // None before it: above the next one (and its comment).
            (
                "started_at: 2026-01-01T00:00:00Z\n# closed by hand\nresolved_at: 2026-01-01T02:00:00Z\n",
                "started_at: 2026-01-01T00:00:00Z\nmitigated_at: 2026-01-01T01:00:00Z\n# closed by hand\nresolved_at: 2026-01-01T02:00:00Z\n",
            ),
            // The neighbour is the last key: at the end.
            (
                "started_at: 2026-01-01T00:00:00Z\ndetected_at: 2026-01-01T00:05:00Z\n",
                "started_at: 2026-01-01T00:00:00Z\ndetected_at: 2026-01-01T00:05:00Z\nmitigated_at: 2026-01-01T01:00:00Z\n",
            ),
            // None of them: at the end, as before.
            (
                "started_at: 2026-01-01T00:00:00Z\ntags: [x]\n",
                "started_at: 2026-01-01T00:00:00Z\ntags: [x]\nmitigated_at: 2026-01-01T01:00:00Z\n",
            ),
        ] {
            for nl in ["\n", "\r\n"] {
                let text = format!("{base}{front}---\n## Summary\nx\n").replace('\n', nl);
                let parsed = parse_review(Path::new("t.md"), &text, &config);
                let out = set_top_level_scalar_near(
                    &text,
                    &parsed,
                    "mitigated_at",
                    "2026-01-01T01:00:00Z",
                    &near,
                    |_, b| b.mitigated_at.is_some(),
                    Path::new("t.md"),
                    &config,
                )
                .unwrap_or_else(|e| panic!("{front:?}: {e}"));
                assert_eq!(
                    out,
                    format!("{base}{expected}---\n## Summary\nx\n").replace('\n', nl),
                    "{front:?}"
                );
            }
        }
    }

    #[test]
    fn inserts_in_time_order_and_keeps_every_other_byte() {
        let text = format!(
            "{HEAD}timeline:\n  # the first thing we saw\n  - at: 2026-11-20T14:02:00Z\n    kind: trigger   # deploy\n    text: Deploy 4812\n  - at: 2026-11-20T14:41:00Z\n    text: |\n      Rolled back.\n      Errors stopped.\n# trailing comment\nproblem: PRB-1\n---\n\n## Summary\nBody stays.\n"
        );
        let out = insert(&text, &[entry("2026-11-20T14:09:00Z", "Alert: p99 > 2s")]);
        let expected = text.replace(
            "  - at: 2026-11-20T14:41:00Z",
            "  - at: 2026-11-20T14:09:00Z\n    kind: note\n    text: \"Alert: p99 > 2s\"\n  - at: 2026-11-20T14:41:00Z",
        );
        assert_eq!(out, expected);

        let out = insert(&text, &[entry("2026-11-20T16:30:00Z", "Closed")]);
        let expected = text.replace(
            "      Errors stopped.\n",
            "      Errors stopped.\n  - at: 2026-11-20T16:30:00Z\n    kind: note\n    text: Closed\n",
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn several_entries_at_once_land_in_order() {
        let text = format!("{HEAD}timeline:\n- at: 2026-11-20T14:30:00Z\n  text: middle\n---\n");
        let out = insert(
            &text,
            &[
                entry("2026-11-20T14:40:00Z", "last"),
                entry("2026-11-20T14:10:00Z", "first"),
                entry("2026-11-20T14:20:00Z", "second"),
            ],
        );
        let order: Vec<_> = ["first", "second", "middle", "last"]
            .iter()
            .map(|w| out.find(&format!("text: {w}")).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{out}");
        assert!(out.starts_with(HEAD));
    }

    #[test]
    fn creates_the_timeline_when_missing_empty_or_flow() {
        let missing = format!("{HEAD}---\nbody\n");
        let out = insert(&missing, &[entry("2026-11-20T14:09:00Z", "x")]);
        assert_eq!(
            out,
            format!(
                "{HEAD}timeline:\n  - at: 2026-11-20T14:09:00Z\n    kind: note\n    text: x\n---\nbody\n"
            )
        );

        let empty = format!("{HEAD}timeline: # none yet\nproblem: PRB-1\n---\n");
        let out = insert(&empty, &[entry("2026-11-20T14:09:00Z", "x")]);
        assert!(out.contains("timeline: # none yet\n  - at:"), "{out}");
        assert!(out.contains("text: x\nproblem: PRB-1\n"), "{out}");

        let flow = format!(
            "{HEAD}timeline: [{{at: 2026-11-20T14:30:00Z, text: \"a]b\"}}] # c\nproblem: PRB-1\n---\n"
        );
        let out = insert(&flow, &[entry("2026-11-20T14:09:00Z", "x")]);
        assert!(
            out.contains("timeline: # c\n  - at: 2026-11-20T14:09:00Z"),
            "{out}"
        );
        assert!(out.contains("text: \"a]b\"\nproblem: PRB-1"), "{out}");
    }

    #[test]
    fn new_entries_can_come_under_a_comment() {
        let config = Config::default();
        let noted = |text: &str, entries: &[TimelineEntry]| {
            let parsed = parse_review(Path::new("t.md"), text, &config);
            add_noted_timeline_entries(
                Path::new("t.md"),
                text,
                &parsed,
                entries,
                Some("drafted by pirt\nfrom chat.txt"),
                &config,
            )
            .unwrap()
        };
        let mut drafted = entry("2026-11-20T14:10:00Z", "new");
        drafted.source = Some("transcript:12".into());
        let block = format!(
            "{HEAD}timeline:\n  - at: 2026-11-20T14:02:00Z\n    text: a\n  # about b\n  - at: 2026-11-20T14:30:00Z\n    text: b\n---\n"
        );
        let out = noted(&block, std::slice::from_ref(&drafted));
        assert!(out.contains("text: a\n  # drafted by pirt from chat.txt\n  - at: 2026-11-20T14:10:00Z\n    kind: note\n    text: new\n    source: transcript:12\n  # about b\n"), "{out}");
        let out = noted(
            &format!("{HEAD}---\nbody\n"),
            std::slice::from_ref(&drafted),
        );
        assert!(
            out.contains(
                "timeline:\n  # drafted by pirt from chat.txt\n  - at: 2026-11-20T14:10:00Z\n"
            ),
            "{out}"
        );
        let flow = format!("{HEAD}timeline: [{{at: 2026-11-20T14:30:00Z, text: b}}]\n---\n");
        let out = noted(&flow, &[drafted]);
        assert!(out.contains("timeline:\n  # drafted by pirt from chat.txt\n  - at: 2026-11-20T14:10:00Z\n    kind: note\n    text: new\n    source: transcript:12\n  - at: 2026-11-20T14:30:00Z\n    kind: note\n    text: b\n---"), "{out}");
    }

    #[test]
    fn tricky_flow_lists_and_comments_above_entries() {
        let flow = format!(
            "{HEAD}timeline: [{{at: 2026-11-20T14:30:00Z, text: \"a \\\" }}] b\"}}, {{at: 2026-11-20T14:40:00Z, text: it's down}}]\nproblem: PRB-1\n---\n"
        );
        let out = insert(&flow, &[entry("2026-11-20T14:09:00Z", "x")]);
        assert!(out.contains("text: it's down\nproblem: PRB-1"), "{out}");

        let commented = format!(
            "{HEAD}timeline:\n  - at: 2026-11-20T14:02:00Z\n    text: a\n  # about the next entry\n  - at: 2026-11-20T14:30:00Z\n    text: b\n---\n"
        );
        let out = insert(&commented, &[entry("2026-11-20T14:10:00Z", "new")]);
        assert!(out.contains("text: a\n  - at: 2026-11-20T14:10:00Z\n    kind: note\n    text: new\n  # about the next entry\n  - at: 2026-11-20T14:30:00Z"), "{out}");
    }

    #[test]
    fn a_flow_timeline_is_rewritten_only_when_nothing_is_lost() {
        let config = Config::default();
        let add = |text: &str| {
            let parsed = parse_review(Path::new("t.md"), text, &config);
            add_timeline_entries(
                Path::new("t.md"),
                text,
                &parsed,
                &[entry("2026-11-20T14:09:00Z", "x")],
                &config,
            )
        };
        let commented = format!(
            "{HEAD}timeline: [\n  {{at: 2026-11-20T14:02:00Z, text: a}}, # paged by the alert\n  {{at: 2026-11-20T14:30:00Z, text: b}}\n]\n---\n"
        );
        let err = add(&commented).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("line 7: the timeline is a flow list (`[...]`) with comments inside"),
            "{err}"
        );
        let other_key =
            format!("{HEAD}timeline: [{{at: 2026-11-20T14:02:00Z, text: a, by: ana}}]\n---\n");
        let err = add(&other_key).unwrap_err();
        assert!(
            err.to_string()
                .contains("keys other than at, kind, text and source"),
            "{err}"
        );
        // A comment after the closing bracket is kept; a plain flow list is rewritten.
        let plain =
            format!("{HEAD}timeline: [{{at: 2026-11-20T14:02:00Z, text: a}}] # ours\n---\n");
        let out = add(&plain).unwrap();
        assert!(
            out.contains("timeline: # ours\n  - at: 2026-11-20T14:02:00Z"),
            "{out}"
        );
    }

    #[test]
    fn aliases_are_refused_and_nothing_is_lost() {
        let config = Config::default();
        let text = format!(
            "{HEAD}base: &t\n  - at: 2026-11-20T14:02:00Z\n    text: a\ntimeline: *t\n---\n"
        );
        let parsed = parse_review(Path::new("t.md"), &text, &config);
        let err = add_timeline_entries(
            Path::new("t.md"),
            &text,
            &parsed,
            &[entry("2026-11-20T14:09:00Z", "x")],
            &config,
        );
        assert!(matches!(err, Err(EditError::Alias { .. })), "{err:?}");
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let text = format!("{HEAD}timeline:\n  - at: 2026-11-20T14:02:00Z\n    text: a\n---\n")
            .replace('\n', "\r\n");
        let out = insert(&text, &[entry("2026-11-20T14:09:00Z", "b")]);
        assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
    }

    #[test]
    fn scalars_are_quoted_only_when_needed() {
        assert_eq!(
            yaml_scalar("Rolled back deploy 4812"),
            "Rolled back deploy 4812"
        );
        assert_eq!(yaml_scalar("yes"), "\"yes\"");
        assert_eq!(yaml_scalar("42"), "\"42\"");
        assert_eq!(yaml_scalar("a: b"), "\"a: b\"");
        assert_eq!(yaml_scalar("# not a comment"), "\"# not a comment\"");
        assert_eq!(yaml_scalar("line\nbreak"), "\"line\\nbreak\"");
        assert_eq!(yaml_scalar(""), "\"\"");
        assert_eq!(yaml_scalar("{{ x }}"), "\"{{ x }}\"");
        assert_eq!(yaml_scalar("orders[eu]"), "\"orders[eu]\"");
        assert_eq!(yaml_scalar("1_000"), "\"1_000\"");
        assert_eq!(yaml_scalar("0b101"), "\"0b101\"");
        assert_eq!(yaml_scalar("null"), "\"null\"");
        assert_eq!(yaml_scalar("Ünïcödé ok"), "Ünïcödé ok");
    }

    #[test]
    fn every_string_reads_back_unchanged() {
        let cases = [
            "plain",
            "1_000",
            "0b101",
            "0x1F",
            "1e3",
            ".5",
            "+1",
            "-1",
            "~",
            "NULL",
            "True",
            "a, b",
            "[x]",
            "{y}",
            "a: b",
            "a #b",
            "tab\there",
            "del\u{7f}",
            "c1\u{85}x",
            "bom\u{feff}",
            "quote\"s and \\ back",
            "emoji 🚀",
            "2026-11-20",
            "14:32",
            "- dash",
            "'single'",
        ];
        for case in cases {
            let written = yaml_scalar(case);
            assert!(
                reads_back_as(&written, case),
                "{case:?} written as {written}"
            );
            let in_flow = format!("[{written}]");
            let base = crate::review::yaml::Base {
                lines: 0,
                offset: 0,
            };
            let root = crate::review::yaml::parse(&format!("k: {in_flow}\n"), base).unwrap();
            let Some(Value::Seq(items)) = root.get("k").map(|n| &n.value) else {
                panic!()
            };
            assert_eq!(
                items[0].as_str(),
                Some(case),
                "{case:?} in flow as {written}"
            );
        }
    }
}

/// A new value for one field of one action item (`status`, `owner`, `tracker`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemField {
    /// The item's position in `action_items`.
    pub item: usize,
    pub key: &'static str,
    pub value: String,
}

/// Sets fields of action items in one edit: a value already there is replaced in place, a
/// missing key is added inside its item's mapping (block or flow style). Everything else
/// stays byte for byte, and the result must read back as the same review with exactly
/// these fields changed.
pub fn set_action_item_fields(
    path: &std::path::Path,
    text: &str,
    parsed: &crate::review::ParsedFile,
    fields: &[ItemField],
    scale: &(impl AsRef<crate::review::Scale> + ?Sized),
) -> Result<String, EditError> {
    let (Some(layout), Some(root)) = (&parsed.layout, &parsed.front_matter) else {
        return Err(EditError::NotPreserved);
    };
    let nl = newline_of(&text[layout.yaml.clone()]);
    let mut expected = parsed.review.clone();
    let mut splices: Vec<(usize, usize, String)> = Vec::new();
    let id_of = |i: usize| {
        parsed
            .review
            .action_items
            .get(i)
            .map_or_else(|| format!("#{}", i + 1), |a| a.id.clone())
    };
    let list = root.entry("action_items");
    let items: &[Node] = match list.map(|(_, v)| &v.value) {
        Some(Value::Seq(items)) => items,
        _ => &[],
    };
    let (list_start, list_limit) = match list {
        Some((k, _)) => (
            k.pos.offset,
            next_root_key_offset(root, k.pos.offset).unwrap_or(layout.yaml.end),
        ),
        None => (0, 0),
    };
    for field in fields {
        let id = id_of(field.item);
        let Some(node) = items.get(field.item) else {
            return Err(EditError::ItemGone { id });
        };
        let Some(model) = expected.action_items.get_mut(field.item) else {
            return Err(EditError::ItemGone { id });
        };
        match field.key {
            "status" => {
                model.status = crate::review::ActionStatus::parse(&field.value)
                    .ok_or(EditError::NotPreserved)?
            }
            "owner" => model.owner = Some(field.value.clone()),
            "tracker" => model.tracker = Some(field.value.clone()),
            _ => return Err(EditError::NotPreserved),
        }
        // An alias (`- *item`) points outside the list: editing there would change the anchor.
        if node.pos.offset <= list_start || node.pos.offset >= list_limit {
            return Err(EditError::ItemShape {
                line: node.pos.line,
                id,
                why: "a YAML alias (`*name`)",
            });
        }
        let Value::Map(entries) = &node.value else {
            return Err(EditError::ItemShape {
                line: node.pos.line,
                id,
                why: "not a mapping",
            });
        };
        let scalar = yaml_scalar(&field.value);
        let flow = text.as_bytes().get(node.pos.offset) == Some(&b'{');
        if let Some((key, value)) = entries.iter().find(|(k, _)| k.name == field.key) {
            match &value.value {
                Value::Seq(_) | Value::Map(_) => return Err(EditError::NotPreserved),
                _ if value.pos.len > 0 && value.pos.offset > key.pos.offset => {
                    splices.push((value.pos.offset, value.pos.offset + value.pos.len, scalar))
                }
                _ => {
                    // `owner:` with nothing after the colon.
                    let after_key = key.pos.offset + key.pos.len.max(key.name.len());
                    let colon = text[after_key..]
                        .find(':')
                        .map_or(after_key, |i| after_key + i + 1);
                    splices.push((colon, colon, format!(" {scalar}")));
                }
            }
        } else if flow {
            let (end, commented) = flow_end(text, node.pos.offset, list_limit);
            if commented {
                return Err(EditError::ItemShape {
                    line: node.pos.line,
                    id,
                    why: "a flow mapping (`{...}`) with comments inside",
                });
            }
            let close = end - 1;
            let before = text[..close].trim_end();
            let sep = if before.ends_with(',') || before.ends_with('{') {
                " "
            } else {
                ", "
            };
            let at = before.len();
            splices.push((at, at, format!("{sep}{}: {scalar}", field.key)));
        } else {
            let first_key = entries
                .iter()
                .map(|(k, _)| k.pos.offset)
                .min()
                .unwrap_or(node.pos.offset);
            let line_start = line_start_of(text, first_key);
            let indent = first_key - line_start;
            let at = item_end(text, layout.yaml.end.min(list_limit), first_key, indent);
            let lead = if text[..at].ends_with('\n') { "" } else { nl };
            splices.push((
                at,
                at,
                format!("{lead}{}{}: {scalar}{nl}", " ".repeat(indent), field.key),
            ));
        }
    }
    // Apply from the end; pieces added at one point keep the order they were asked in.
    let mut order: Vec<usize> = (0..splices.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(splices[i].0), std::cmp::Reverse(i)));
    let mut updated = text.to_string();
    let mut last_start = usize::MAX;
    for i in order {
        let (start, end, piece) = &splices[i];
        if *end > last_start {
            return Err(EditError::NotPreserved);
        }
        updated.replace_range(*start..*end, piece);
        last_start = *start;
    }
    let again = crate::review::parse_review(path, &updated, scale);
    if crate::diagnostic::error_count(&again.diagnostics)
        > crate::diagnostic::error_count(&parsed.diagnostics)
        || again.review.without_positions() != expected.without_positions()
    {
        return Err(EditError::NotPreserved);
    }
    Ok(updated)
}

/// The offset just after the last line of a block mapping item whose keys stand at
/// column `indent` and whose first key is at `first_key`; comments after its last line
/// stay outside.
fn item_end(text: &str, limit: usize, first_key: usize, indent: usize) -> usize {
    let first_line_end = text[first_key..]
        .find('\n')
        .map_or(text.len(), |i| first_key + i + 1);
    let mut end = first_line_end;
    let mut offset = first_line_end;
    while offset < limit {
        let line_end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        let line = text[offset..line_end].trim_end_matches(['\n', '\r']);
        let content = line.trim_start_matches(' ');
        let depth = line.len() - content.len();
        if content.is_empty() || content.starts_with('#') {
            // Blank or comment: the item's only if one of its lines follows.
        } else if depth >= indent {
            end = line_end;
        } else {
            break;
        }
        offset = line_end;
    }
    end.min(limit.max(first_line_end))
}

#[cfg(test)]
mod item_tests {
    use super::*;
    use crate::config::Config;
    use crate::review::parse_review;
    use std::path::Path;

    const HEAD: &str = "---\nid: PIR-1\ntitle: T\nstatus: draft\nseverity: SEV3\nstarted_at: 2026-01-01T00:00:00Z\n";

    fn set(text: &str, fields: &[(usize, &'static str, &str)]) -> Result<String, EditError> {
        let config = Config::default();
        let parsed = parse_review(Path::new("t.md"), text, &config);
        assert!(
            crate::diagnostic::error_count(&parsed.diagnostics) == 0,
            "{:?}",
            parsed.diagnostics
        );
        let fields: Vec<ItemField> = fields
            .iter()
            .map(|(item, key, value)| ItemField {
                item: *item,
                key,
                value: value.to_string(),
            })
            .collect();
        set_action_item_fields(Path::new("t.md"), text, &parsed, &fields, &config)
    }

    #[test]
    fn block_items_get_values_replaced_in_place_and_keys_added() {
        let text = format!(
            "{HEAD}action_items:\n  # the first one\n  - id: AI-1   # keep\n    title: \"Add a canary\"  # c\n    owner: li.wei\n    status: open # was open\n    notes: |\n      two\n      lines\n  # about AI-2\n  - id: AI-2\n    title: Alert on p99\n# trailing\nproblem: PRB-1\n---\n\n## Summary\nBody.\n"
        );
        let out = set(
            &text,
            &[
                (0, "status", "done"),
                (0, "tracker", "https://github.com/acme/platform/issues/12"),
                (1, "owner", "ana"),
                (1, "status", "in-progress"),
            ],
        );
        // notes is an unknown key: a warning, kept.
        let out = out.unwrap();
        let expected = text
            .replace("status: open # was open", "status: done # was open")
            .replace(
                "      lines\n",
                "      lines\n    tracker: https://github.com/acme/platform/issues/12\n",
            )
            .replace(
                "    title: Alert on p99\n",
                "    title: Alert on p99\n    owner: ana\n    status: in-progress\n",
            );
        assert_eq!(out, expected);
    }

    #[test]
    fn flow_items_and_empty_values() {
        let text = format!(
            "{HEAD}action_items:\n  - {{id: AI-1, title: Canary}}\n  - {{ id: AI-2, title: \"x, y\", owner: , }}\n  - id: AI-3\n    title: t\n    owner:\n    status: ~\n---\n"
        );
        let out = set(
            &text,
            &[
                (0, "status", "wont-do"),
                (1, "tracker", "OPS-12"),
                (2, "owner", "li.wei"),
                (2, "status", "done"),
            ],
        );
        let out = out.unwrap();
        assert!(
            out.contains("  - {id: AI-1, title: Canary, status: wont-do}\n"),
            "{out}"
        );
        assert!(out.contains("owner: , tracker: OPS-12 }"), "{out}");
        assert!(
            out.contains("    owner: li.wei\n    status: done\n---"),
            "{out}"
        );
    }

    #[test]
    fn a_flow_list_of_items_is_edited_inside() {
        let text = format!(
            "{HEAD}action_items: [{{id: AI-1, title: a}}, {{id: AI-2, title: b, status: open}}] # two\n---\n"
        );
        let out = set(&text, &[(0, "owner", "ana"), (1, "status", "done")]).unwrap();
        assert!(
            out.contains("action_items: [{id: AI-1, title: a, owner: ana}, {id: AI-2, title: b, status: done}] # two\n"),
            "{out}"
        );
    }

    #[test]
    fn commented_flow_items_and_aliases_are_refused() {
        let text =
            format!("{HEAD}action_items:\n  - {{id: AI-1, # the canary\n     title: a}}\n---\n");
        let err = set(&text, &[(0, "status", "done")]).unwrap_err();
        assert!(err.to_string().contains("flow mapping"), "{err}");
        assert!(err.to_string().starts_with("line 8:"), "{err}");
        // The replaced value needs no new key: a comment inside is no obstacle then.
        let ok = text.replace("title: a}", "title: a, status: open}");
        let out = set(&ok, &[(0, "status", "done")]).unwrap();
        assert!(out.contains("status: done}"), "{out}");
    }

    #[test]
    fn crlf_and_last_line_without_newline() {
        let text = format!("{HEAD}action_items:\n  - id: AI-1\n    title: t\n---\nbody")
            .replace('\n', "\r\n");
        let out = set(&text, &[(0, "status", "done"), (0, "owner", "a b")]).unwrap();
        assert_eq!(
            out,
            text.replace(
                "title: t\r\n",
                "title: t\r\n    status: done\r\n    owner: a b\r\n"
            )
        );
        // Quoting is applied where a value needs it.
        let out = set(&text, &[(0, "owner", "yes")]).unwrap();
        assert!(out.contains("owner: \"yes\"\r\n"), "{out}");
    }

    #[test]
    fn items_at_column_zero_and_missing_items() {
        let text = format!("{HEAD}action_items:\n- id: AI-1\n  title: t\nproblem: PRB-1\n---\n");
        let out = set(&text, &[(0, "tracker", "acme/platform#3")]).unwrap();
        assert_eq!(
            out,
            text.replace("  title: t\n", "  title: t\n  tracker: acme/platform#3\n")
        );
        let err = set(&text, &[(3, "status", "done")]).unwrap_err();
        assert!(matches!(err, EditError::ItemGone { .. }), "{err}");
    }
}
