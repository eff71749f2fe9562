//! Quick fixes: every `pirt check --fix` fix (each change as its own action, and all of
//! them at once), "did you mean" for an unknown key, a missing required section, the draft
//! markers of a block, and blameless rewordings where the wording has a plain one.

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, CodeActionParams, Range, TextEdit, WorkspaceEdit};
use serde_json::Value;

use super::text::Lines;
use super::{Finding, Server};

/// Phrases with a rewording that keeps the sentence grammatical; the others keep only the
/// rule's advice (`should have checked` needs a person to say what happened).
const REWORDINGS: &[(&str, &str)] = &[
    ("failed to", "did not"),
    ("forgot to", "was not prompted to"),
    ("neglected to", "was not prompted to"),
    ("human error", "a step the system did not guard"),
    ("operator error", "a step the system did not guard"),
    ("user error", "a step the system did not guard"),
];

pub fn actions<W: std::io::Write>(server: &mut Server<W>, p: &CodeActionParams) -> Option<Value> {
    let key = p.text_document.uri.as_str();
    let doc = server.docs.get(key)?;
    if !server.serves(doc) {
        return None;
    }
    let uri = doc.uri.clone();
    let text = doc.text.clone();
    let path = doc.path.clone();
    let lines = Lines::new(&text, server.encoding);
    let mut out = Vec::new();
    let action =
        |title: String, edits: Vec<TextEdit>, diag: Option<&lsp_types::Diagnostic>| CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: diag.map(|d| vec![d.clone()]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..WorkspaceEdit::default()
            }),
            ..CodeAction::default()
        };
    // The fixes of `pirt check --fix`, proven by it (parsed back as the same review).
    if let Ok(Some(fixed)) = crate::check::fix::fix(&server.config, &path, &text) {
        let hunks = hunks(&text, &fixed.text, &lines);
        let wanted = p.range.start.line as usize..=p.range.end.line as usize;
        for (old_lines, edit) in &hunks {
            let overlaps = old_lines.start <= *wanted.end() && *wanted.start() <= old_lines.end;
            if !overlaps {
                continue;
            }
            let what: Vec<&str> = fixed
                .applied
                .iter()
                .filter(|a| old_lines.contains(&(a.line.saturating_sub(1))))
                .map(|a| a.what.as_str())
                .collect();
            let title = if what.is_empty() {
                "pirt check --fix: this change".to_string()
            } else {
                format!("Fix: {}", what.join("; "))
            };
            out.push(action(title, vec![edit.clone()], None));
        }
        if !hunks.is_empty() {
            let all = hunks.into_iter().map(|(_, e)| e).collect();
            let n = fixed.applied.len();
            let title = format!(
                "Fix all ({n} fix{}, as `pirt check --fix`)",
                if n == 1 { "" } else { "es" }
            );
            out.push(action(title, all, None));
        }
    }
    for diag in &p.context.diagnostics {
        let Some(finding) = diag
            .data
            .clone()
            .and_then(|d| serde_json::from_value::<Finding>(d).ok())
        else {
            continue;
        };
        let start = lines.offset(&text, diag.range.start);
        let end = lines.offset(&text, diag.range.end);
        match finding.rule.as_str() {
            "schema" if finding.message.contains("not an RFC 3339 timestamp") => {
                if let Some((edit, title)) = loose_time(server, &text, &path, &lines, start, end) {
                    out.push(action(title, vec![edit], Some(diag)));
                }
            }
            "schema" => {
                let Some(best) = finding
                    .hint
                    .as_deref()
                    .and_then(|h| h.strip_prefix("did you mean `"))
                    .and_then(|h| h.split('`').next())
                else {
                    continue;
                };
                let best = best.rsplit('.').next().unwrap_or(best);
                let key_end = text[start..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                    .map_or(text.len(), |n| start + n);
                let edit = TextEdit::new(lines.range(&text, start, key_end), best.to_string());
                out.push(action(
                    format!("Rename the key to `{best}`"),
                    vec![edit],
                    Some(diag),
                ));
            }
            "required-section" if finding.message.ends_with("is missing") => {
                let Some(heading) = finding
                    .message
                    .strip_prefix("section `## ")
                    .and_then(|m| m.split('`').next())
                else {
                    continue;
                };
                let lead = if text.ends_with("\n\n") {
                    ""
                } else if text.ends_with('\n') {
                    "\n"
                } else {
                    "\n\n"
                };
                let at = lines.range(&text, text.len(), text.len());
                let edit = TextEdit::new(at, format!("{lead}## {heading}\n\n"));
                out.push(action(
                    format!("Add the section `## {heading}`"),
                    vec![edit],
                    Some(diag),
                ));
            }
            "unreviewed-draft" => {
                if let Some(edits) = draft_markers(&text, &lines, start) {
                    out.push(action(
                        "Mark as reviewed (remove the draft markers)".into(),
                        edits,
                        Some(diag),
                    ));
                }
            }
            "blameless-language" => {
                let written = text.get(start..end).unwrap_or("");
                let lower = written.to_lowercase();
                let Some((_, plain)) = REWORDINGS.iter().find(|(p, _)| *p == lower) else {
                    continue;
                };
                let mut plain = plain.to_string();
                if written.starts_with(char::is_uppercase) {
                    plain = capitalised(&plain);
                }
                let edit = TextEdit::new(diag.range, plain.clone());
                out.push(action(
                    format!("Reword as \"{plain}\""),
                    vec![edit],
                    Some(diag),
                ));
            }
            _ => {}
        }
    }
    serde_json::to_value(out).ok()
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The changes from `old` to `new`, line by line: the lines of `old` each replaces
/// (0-based, end exclusive), and the edit.
fn hunks(old: &str, new: &str, lines: &Lines) -> Vec<(std::ops::Range<usize>, TextEdit)> {
    let diff = similar::TextDiff::from_lines(old, new);
    let new_lines: Vec<&str> = diff.new_slices().to_vec();
    let mut out = Vec::new();
    for op in diff.ops() {
        if matches!(op, similar::DiffOp::Equal { .. }) {
            continue;
        }
        let (old_range, new_range) = (op.old_range(), op.new_range());
        let start = lines.start(old_range.start).unwrap_or(old.len());
        let end = lines.start(old_range.end).unwrap_or(old.len());
        let replacement: String = new_lines[new_range].concat();
        let range: Range = lines.range(old, start, end);
        out.push((old_range, TextEdit::new(range, replacement)));
    }
    out
}

/// Deletes the `<!-- pirt:draft ... -->` line at `offset` and the `<!-- /pirt:draft -->`
/// line that closes it.
fn draft_markers(text: &str, lines: &Lines, offset: usize) -> Option<Vec<TextEdit>> {
    let open_line = lines.line_of(offset);
    if !lines.line_text(text, open_line).contains("<!-- pirt:draft") {
        return None;
    }
    let delete = |line: usize| {
        let start = lines.start(line).unwrap_or(text.len());
        let end = lines.start(line + 1).unwrap_or(text.len());
        TextEdit::new(lines.range(text, start, end), String::new())
    };
    let mut edits = vec![delete(open_line)];
    let close = (open_line + 1..)
        .take_while(|&l| lines.start(l).is_some())
        .find(|&l| lines.line_text(text, l).contains("<!-- /pirt:draft"));
    if let Some(close) = close {
        edits.push(delete(close));
    }
    Some(edits)
}

/// A loose time (`15:20`, `yesterday 23:50`, `2026-11-20 14:32 Europe/Berlin`) written where
/// RFC 3339 belongs, as RFC 3339 in the configured zone; a bare clock time is the
/// occurrence nearest the incident's start.
fn loose_time<W: std::io::Write>(
    server: &Server<W>,
    text: &str,
    path: &std::path::Path,
    lines: &Lines,
    start: usize,
    end: usize,
) -> Option<(TextEdit, String)> {
    use crate::review::time::{Reference, TimeContext, parse_loose};
    let line_end = lines.start(lines.line_of(start) + 1).unwrap_or(text.len());
    let raw = text.get(start..end.max(start).min(line_end))?;
    let raw = raw.split(" #").next().unwrap_or(raw).trim_end();
    let written = raw.trim().trim_matches(|c| c == '"' || c == '\'');
    if written.is_empty() {
        return None;
    }
    let started = crate::review::parse_review(path, text, &server.config)
        .review
        .started_at;
    let mut ctx = TimeContext::new(server.config.zone, chrono::Utc::now());
    if let Some(started) = started {
        ctx.reference = Reference::Point(started);
    }
    let time = parse_loose(written, &ctx).ok()?;
    let stored = crate::review::edit::format_timestamp(&time);
    let edit = TextEdit::new(lines.range(text, start, start + raw.len()), stored.clone());
    let title = format!("Write `{written}` as {stored} ({})", server.config.zone);
    Some((edit, title))
}
