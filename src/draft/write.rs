//! Writing answers back: a body section between pirt's own markers, or new action items in
//! the front matter. Both are splices into the file's text: everything else stays byte for
//! byte, and the result is parsed again before it may be written.

use std::path::Path;

use serde::Deserialize;

use crate::config::Config;
use crate::review::edit::{block_end, dash_before, newline_of, splice, yaml_scalar};
use crate::review::{ActionItem, ActionStatus, ActionType, ParsedFile, Review, parse_review};

pub const OPEN: &str = "<!-- pirt:draft";
pub const CLOSE: &str = "<!-- /pirt:draft -->";

/// What a section edit did.
#[derive(Clone, Debug, PartialEq)]
pub enum SectionOutcome {
    /// The section was empty (or held only guidance): the draft was added.
    Filled,
    /// pirt's earlier draft block was replaced; text around it was kept.
    Redrafted,
    /// Human text was replaced (`--force`).
    Overwrote,
    /// The review had no such section: it was added at the end.
    Added,
}

/// Why an answer was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "section \"{heading}\" (line {line}) holds text a person wrote; pirt leaves it alone (use --stdout to see the draft, or --force to replace it)"
    )]
    HumanText { heading: String, line: usize },
    #[error(
        "section \"{heading}\" has a `<!-- pirt:draft` marker at line {line} without its closing `<!-- /pirt:draft -->`; fix the markers by hand"
    )]
    Unclosed { heading: String, line: usize },
    #[error("the edited file would not read back as the same review; it was not changed")]
    NotPreserved,
    #[error("the timeline of action items is a YAML alias or flow list pirt cannot extend: {0}")]
    Unsupported(String),
    /// The new timeline entries could not be added (an alias, a lossy flow list, no proof).
    #[error("{0}")]
    Timeline(#[from] crate::review::edit::EditError),
}

/// The marked block for an answer.
pub fn block(prompt: &str, model: &str, at: &str, text: &str, nl: &str) -> String {
    let body = clean_answer(text).replace('\n', nl);
    format!(
        "{OPEN} prompt={} model={} at={at} -->{nl}{body}{nl}{CLOSE}",
        attribute(prompt),
        attribute(model)
    )
}

/// A value that cannot break out of the marker comment.
fn attribute(value: &str) -> String {
    let cleaned: String = value
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._:/@+-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "unknown".into()
    } else {
        cleaned
    }
}

/// An answer made safe to sit inside a section: no wrapping code fence, no heading that
/// would start a new section, no marker that would end the block early.
pub fn clean_answer(text: &str) -> String {
    let mut text = text.trim().replace("\r\n", "\n");
    // ```markdown ... ``` around the whole answer.
    if text.starts_with("```") && text.ends_with("```") && text.len() > 6 {
        let inner = &text[3..text.len() - 3];
        if let Some((first, rest)) = inner.split_once('\n')
            && !first.contains(' ')
        {
            text = rest.trim().to_string();
        }
    }
    let mut out = Vec::new();
    let mut fences = crate::fence::Fences::default();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let heading = trimmed.starts_with("# ") || trimmed.starts_with("## ");
        let line = if fences.is_text(line) && heading {
            // Headings of level 1 and 2 would cut the review's sections: make them level 3.
            format!("### {}", trimmed.trim_start_matches('#').trim_start())
        } else {
            line.to_string()
        };
        out.push(
            line.replace(OPEN, "<!-- pirt-draft")
                .replace("<!-- /pirt:draft", "<!-- /pirt-draft"),
        );
    }
    out.join("\n").trim().to_string()
}

/// Drops a first line that only repeats the section's heading (`## Summary`, `**Summary**`).
pub fn without_heading(text: &str, headings: &[String]) -> String {
    let trimmed = text.trim_start();
    let (first, rest) = trimmed.split_once('\n').unwrap_or((trimmed, ""));
    let bare = first
        .trim()
        .trim_start_matches('#')
        .trim()
        .trim_matches('*')
        .trim_end_matches(':')
        .trim();
    if headings.iter().any(|h| h.eq_ignore_ascii_case(bare)) {
        rest.to_string()
    } else {
        text.to_string()
    }
}

/// Splits an answer at the labels of `parts` (a line such as `**What went well**`,
/// `### What went well:` or `What went well: text`): the text under each label, `None` for
/// a part the answer has no label for. Text before the first label is kept with the first
/// part found.
pub fn split_parts(answer: &str, parts: &[String]) -> Vec<Option<String>> {
    let mut found: Vec<Option<String>> = vec![None; parts.len()];
    let mut current: Option<usize> = None;
    let mut preamble = String::new();
    for line in answer.lines() {
        match label(line, parts) {
            Some((i, rest)) => {
                let text = found[i].get_or_insert_with(String::new);
                if current.is_none() && !preamble.trim().is_empty() {
                    text.push_str(preamble.trim());
                    text.push_str("\n\n");
                }
                if !rest.is_empty() {
                    text.push_str(rest);
                    text.push('\n');
                }
                current = Some(i);
            }
            None => match current {
                Some(i) => {
                    let text = found[i].get_or_insert_with(String::new);
                    text.push_str(line);
                    text.push('\n');
                }
                None => {
                    preamble.push_str(line);
                    preamble.push('\n');
                }
            },
        }
    }
    found
        .into_iter()
        .map(|t| t.map(|t| t.trim().to_string()))
        .collect()
}

/// Which part a line is the label of, and the text after the label on the same line.
fn label<'a>(line: &'a str, parts: &[String]) -> Option<(usize, &'a str)> {
    let bare = line.trim().trim_start_matches(['#', '*', '_', '-', ' ']);
    parts.iter().enumerate().find_map(|(i, part)| {
        let head = bare.get(..part.len())?;
        // The label ends at `**`, `:`, ` (` or the end of the line: a sentence that only
        // begins with the same words is not a label.
        let after = bare[part.len()..].trim_start_matches(' ');
        if !head.eq_ignore_ascii_case(part)
            || !(after.is_empty() || after.starts_with(['*', '_', ':', '(']))
        {
            return None;
        }
        let rest = after.trim_start_matches(['*', '_', ':', ' ']);
        // `**What went well** (detection, ...)`: the prompt's own hint, echoed back.
        Some((
            i,
            if rest.starts_with('(') {
                ""
            } else {
                rest.trim()
            },
        ))
    })
}

/// Puts `block` into the section a target names. `headings` are alternatives; the first is
/// used when the review has none of them.
pub fn section(
    text: &str,
    parsed: &ParsedFile,
    headings: &[String],
    block: &str,
    force: bool,
) -> Result<(String, SectionOutcome), WriteError> {
    let layout = parsed.layout.as_ref().ok_or(WriteError::NotPreserved)?;
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let Some(section) = crate::draft::prompt::find_section(&parsed.review, headings) else {
        let mut out = text.to_string();
        if !out.ends_with('\n') {
            out.push_str(nl);
        }
        if !out.ends_with(&format!("{nl}{nl}")) && out.len() > layout.body_start {
            out.push_str(nl);
        }
        out.push_str(&format!("## {}{nl}{nl}{block}{nl}", headings[0]));
        return Ok((out, SectionOutcome::Added));
    };
    let start = layout.body_start + section.span.start;
    let end = layout.body_start + section.span.end;
    let content = &text[start..end];
    if let Some(open) = content.find(OPEN) {
        let open_line = section.line + 1 + content[..open].matches('\n').count();
        let Some(close) = content[open..].find(CLOSE) else {
            return Err(WriteError::Unclosed {
                heading: section.heading.clone(),
                line: open_line,
            });
        };
        let close_end = open + close + CLOSE.len();
        let out = format!(
            "{}{block}{}",
            &text[..start + open],
            &text[start + close_end..]
        );
        return Ok((out, SectionOutcome::Redrafted));
    }
    // What follows the block: a blank line before the next heading.
    let tail = if end < text.len() {
        format!("{nl}{nl}")
    } else {
        nl.to_string()
    };
    if section.is_empty() {
        // Keep the guidance (it is pirt's, and tells the reader what belongs here).
        let kept = content.trim_end();
        let lead = if kept.is_empty() {
            nl.to_string()
        } else {
            format!("{kept}{nl}")
        };
        let out = format!("{}{lead}{block}{tail}{}", &text[..start], &text[end..]);
        return Ok((out, SectionOutcome::Filled));
    }
    if !force {
        return Err(WriteError::HumanText {
            heading: section.heading.clone(),
            line: section.line,
        });
    }
    let out = format!("{}{nl}{block}{tail}{}", &text[..start], &text[end..]);
    Ok((out, SectionOutcome::Overwrote))
}

/// An action item as the model proposes it.
#[derive(Debug, Deserialize)]
struct Proposed {
    title: Option<serde_json::Value>,
    #[serde(rename = "type")]
    kind: Option<serde_json::Value>,
    rationale: Option<serde_json::Value>,
}

/// A proposed item and whether it can be used.
#[derive(Clone, Debug, PartialEq)]
pub enum Checked {
    Valid {
        title: String,
        kind: ActionType,
        rationale: Option<String>,
    },
    Rejected {
        item: String,
        reason: String,
    },
}

/// The JSON schema asked for from providers with structured output.
pub fn action_items_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "action_items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "title": {"type": "string"},
                        "type": {"type": "string", "enum": ActionType::NAMES},
                        "rationale": {"type": "string"}
                    },
                    "required": ["title", "type"]
                }
            }
        },
        "required": ["action_items"]
    })
}

/// Reads the proposed items from an answer: plain JSON, a fenced ```json block, or the
/// first JSON value in the text; `{"action_items": [...]}` or a bare list.
pub fn parse_action_items(answer: &str) -> Result<Vec<Checked>, String> {
    let list = match find_json(answer) {
        Some(serde_json::Value::Array(items)) => items,
        Some(serde_json::Value::Object(map))
            if map.values().any(serde_json::Value::is_array) && !map.contains_key("title") =>
        {
            match map
                .get("action_items")
                .or_else(|| map.values().find(|v| v.is_array()))
            {
                Some(serde_json::Value::Array(items)) => items.clone(),
                _ => Vec::new(),
            }
        }
        // No complete list (an answer cut at the token limit): take the complete items.
        _ => complete_objects(answer),
    };
    if list.is_empty() {
        let start: String = answer.trim().chars().take(120).collect();
        return Err(format!(
            "the answer holds no JSON list of action items (it starts: {start:?})"
        ));
    }
    Ok(list.into_iter().map(check_item).collect())
}

fn check_item(value: serde_json::Value) -> Checked {
    let shown = {
        let s = value.to_string();
        if s.chars().count() > 100 {
            s.chars().take(100).collect::<String>() + "…"
        } else {
            s
        }
    };
    let reject = |reason: &str| Checked::Rejected {
        item: shown.clone(),
        reason: reason.to_string(),
    };
    let proposed: Proposed = match serde_json::from_value(value.clone()) {
        Ok(p) => p,
        Err(_) => return reject("not an object with title and type"),
    };
    let title = match proposed.title {
        Some(serde_json::Value::String(t)) => one_line(&t),
        Some(_) => return reject("`title` is not text"),
        None => return reject("no `title`"),
    };
    if title.is_empty() {
        return reject("the title is empty");
    }
    if title.chars().count() > 200 {
        return reject("the title is longer than 200 characters");
    }
    let kind = match proposed.kind {
        Some(serde_json::Value::String(k)) => k.trim().to_ascii_lowercase(),
        Some(_) => return reject("`type` is not text"),
        None => return reject("no `type`"),
    };
    let Some(kind) = ActionType::parse(&kind) else {
        return reject(&format!(
            "type `{kind}` is not one of {}",
            ActionType::NAMES.join(", ")
        ));
    };
    let rationale = match proposed.rationale {
        Some(serde_json::Value::String(r)) if !r.trim().is_empty() => Some(one_line(&r)),
        _ => None,
    };
    Checked::Valid {
        title,
        kind,
        rationale,
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first JSON object or array in a text: the whole text, a ```json fence, or the span
/// from the first `{`/`[` to its matching bracket.
pub(super) fn find_json(text: &str) -> Option<serde_json::Value> {
    let text = text.trim();
    if let Ok(v) = serde_json::from_str(text) {
        return Some(v);
    }
    if let Some(start) = text.find("```") {
        let after = &text[start + 3..];
        let after = after.split_once('\n').map_or(after, |(_, rest)| rest);
        if let Some(end) = after.find("```")
            && let Ok(v) = serde_json::from_str(after[..end].trim())
        {
            return Some(v);
        }
    }
    for (i, c) in text.char_indices() {
        if c == '{' || c == '[' {
            let mut stream =
                serde_json::Deserializer::from_str(&text[i..]).into_iter::<serde_json::Value>();
            if let Some(Ok(v)) = stream.next() {
                return Some(v);
            }
        }
    }
    None
}

/// Every complete JSON object with a `title` in a text, innermost lists included.
fn complete_objects(text: &str) -> Vec<serde_json::Value> {
    complete_objects_with(text, "title")
}

/// Every complete JSON object with the key `key` in a text, innermost lists included.
pub(super) fn complete_objects_with(text: &str, key: &str) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(found) = text[i..].find('{') {
        let start = i + found;
        let mut stream =
            serde_json::Deserializer::from_str(&text[start..]).into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(v)) if v.get(key).is_some() => {
                out.push(v);
                i = start + stream.byte_offset();
            }
            _ => i = start + 1,
        }
    }
    out
}

/// Appends new action items (status open, no owner) to the front matter, after a comment
/// that says where they came from. The result is parsed again and must be the same review
/// with exactly these items added.
pub fn append_action_items(
    path: &Path,
    text: &str,
    parsed: &ParsedFile,
    items: &[(String, ActionType, Option<String>)],
    comment: &str,
    config: &Config,
) -> Result<(String, Vec<ActionItem>), WriteError> {
    let (Some(layout), Some(root)) = (&parsed.layout, &parsed.front_matter) else {
        return Err(WriteError::NotPreserved);
    };
    let nl = newline_of(&text[layout.yaml.clone()]);
    let existing = &parsed.review.action_items;
    let mut next = existing
        .iter()
        .filter_map(|a| a.id.strip_prefix("AI-").and_then(|n| n.parse::<u32>().ok()))
        .max()
        .unwrap_or(0);
    let mut added = Vec::new();
    for (title, kind, _) in items {
        next += 1;
        added.push(ActionItem {
            id: format!("AI-{next}"),
            title: title.clone(),
            kind: Some(*kind),
            owner: None,
            due: None,
            tracker: None,
            status: ActionStatus::Open,
        });
    }
    let entries = |indent: &str| -> String {
        let mut out = format!("{indent}# {comment}{nl}");
        for (item, (_, _, rationale)) in added.iter().zip(items) {
            if let Some(r) = rationale {
                out.push_str(&format!(
                    "{indent}# why: {}{nl}",
                    r.replace(['\r', '\n'], " ")
                ));
            }
            out.push_str(&format!(
                "{indent}- id: {}{nl}{indent}  title: {}{nl}{indent}  type: {}{nl}{indent}  owner: null{nl}{indent}  status: open{nl}",
                item.id,
                yaml_scalar(&item.title),
                item.kind.map_or("process", ActionType::as_str),
            ));
        }
        out
    };
    let updated = match root.entry("action_items") {
        None => {
            let at = layout.yaml.end;
            let lead = if !text[..at].ends_with('\n') { nl } else { "" };
            splice(
                text,
                at..at,
                &format!("{lead}action_items:{nl}{}", entries("  ")),
            )
        }
        Some((key, value)) => {
            let value_text = &text[value.pos.offset..];
            if value_text.starts_with('*') {
                return Err(WriteError::Unsupported(format!(
                    "line {}: `action_items` is an alias",
                    value.pos.line
                )));
            }
            match &value.value {
                crate::review::yaml::Value::Seq(items_node) if !items_node.is_empty() => {
                    if value_text.starts_with('[') {
                        return Err(WriteError::Unsupported(format!(
                            "line {}: write `action_items` as a block list (one `- id:` per item) to add to it",
                            value.pos.line
                        )));
                    }
                    let dash = dash_before(text, items_node[0].pos.offset);
                    let line_start = text[..dash].rfind('\n').map_or(0, |n| n + 1);
                    let indent = text[line_start..dash].to_string();
                    let end = block_end(text, layout, line_start, indent.len());
                    splice(text, end..end, &entries(&indent))
                }
                _ => {
                    // `action_items:`, `action_items: ~` or `action_items: []`.
                    let after_key = key.pos.offset + key.name.len();
                    let line_end = text[after_key..]
                        .find('\n')
                        .map_or(text.len(), |i| after_key + i + 1);
                    let line = &text[after_key..line_end];
                    let comment_at = line.find(" #").map(|i| &line[i..]);
                    let mut head = format!(
                        "{}:{}",
                        &text[..key.pos.offset + key.name.len()],
                        comment_at.map_or(String::new(), |c| c.trim_end().to_string())
                    );
                    head.push_str(nl);
                    format!("{head}{}{}", entries("  "), &text[line_end..])
                }
            }
        }
    };
    // Proof: the same review, plus exactly the new items.
    let again = parse_review(path, &updated, config);
    let mut expected: Review = parsed.review.clone();
    expected.action_items.extend(added.iter().cloned());
    if again.review.without_positions() != expected.without_positions()
        || crate::diagnostic::error_count(&again.diagnostics)
            != crate::diagnostic::error_count(&parsed.diagnostics)
    {
        return Err(WriteError::NotPreserved);
    }
    Ok((updated, added))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_cannot_break_the_section_structure() {
        let answer = "```markdown\n# Title\nText\n## Sub\n```sh\n## kept in code\n```\n<!-- /pirt:draft -->\n```";
        let cleaned = clean_answer(answer);
        assert_eq!(
            cleaned,
            "### Title\nText\n### Sub\n```sh\n## kept in code\n```\n<!-- /pirt-draft -->"
        );
        let block = block("summary", "gpt 4 -->x", "T", "hi", "\n");
        assert_eq!(
            block,
            "<!-- pirt:draft prompt=summary model=gpt_4_--_x at=T -->\nhi\n<!-- /pirt:draft -->"
        );
    }

    #[test]
    fn answers_are_split_at_the_part_labels() {
        let parts: Vec<String> = ["What went well", "What went wrong", "Where we got lucky"]
            .map(String::from)
            .to_vec();
        let answer = "Here are the lessons.\n\n**What went well** (detection, response)\n- Paged in 2 min.\n\n### What went wrong:\n- No canary.\nWhat went wrong was obvious.\n\nwhere we got lucky: it was a Sunday.\n";
        let split = split_parts(answer, &parts);
        assert_eq!(
            split[0].as_deref(),
            Some("Here are the lessons.\n\n- Paged in 2 min.")
        );
        assert_eq!(
            split[1].as_deref(),
            Some("- No canary.\nWhat went wrong was obvious.")
        );
        assert_eq!(split[2].as_deref(), Some("it was a Sunday."));
        let partial = split_parts("**What went wrong**\nx", &parts);
        assert_eq!(partial, vec![None, Some("x".to_string()), None]);
        assert_eq!(split_parts("no labels", &parts), vec![None, None, None]);
        // Not a char boundary inside a label-length prefix: no panic.
        assert_eq!(split_parts("Wha\u{e9}t", &parts), vec![None, None, None]);
    }

    #[test]
    fn a_repeated_heading_is_dropped() {
        let h = vec!["Summary".to_string()];
        assert_eq!(without_heading("## Summary\nText", &h), "Text");
        assert_eq!(without_heading("**Summary:**\nText", &h), "Text");
        assert_eq!(
            without_heading("Summary of events\nText", &h),
            "Summary of events\nText"
        );
    }

    #[test]
    fn action_items_come_from_json_fences_or_partial_answers() {
        let fenced = "Sure!\n```json\n{\"action_items\": [{\"title\": \"Add a canary\", \"type\": \"prevent\"}]}\n```";
        assert_eq!(parse_action_items(fenced).unwrap().len(), 1);
        let bare = r#"[{"title": "A", "type": "detect"}, {"title": "B", "type": "oops"}]"#;
        let items = parse_action_items(bare).unwrap();
        assert!(matches!(items[1], Checked::Rejected { .. }));
        let cut = r#"{"action_items": [{"title": "A", "type": "detect"}, {"title": "B", "ty"#;
        assert_eq!(parse_action_items(cut).unwrap().len(), 1);
        assert!(parse_action_items("no json here").is_err());
    }
}
