//! `pirt check`'s findings as LSP diagnostics: the same rules, messages, hints and levels,
//! with ranges in the client's encoding.

use lsp_types::{DiagnosticSeverity, NumberOrString};
use serde::{Deserialize, Serialize};

use super::text::{Lines, char_column};
use crate::diagnostic::{Diagnostic, Level};

/// What a diagnostic carries in `data`: the finding as `pirt check --format json` prints
/// it, so that a code action (and a test) can read it back exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub line: usize,
    pub column: usize,
    pub level: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// One finding of `pirt check` on `text` as an LSP diagnostic.
pub fn to_lsp(d: &Diagnostic, text: &str, lines: &Lines) -> lsp_types::Diagnostic {
    let (start, end) = span(d, text, lines);
    let message = match &d.hint {
        Some(hint) => format!("{}\nhelp: {hint}", d.message),
        None => d.message.clone(),
    };
    let finding = Finding {
        rule: d.rule.to_string(),
        line: d.line,
        column: d.column,
        level: d.level.to_string(),
        message: d.message.clone(),
        hint: d.hint.clone(),
    };
    lsp_types::Diagnostic {
        range: lines.range(text, start, end),
        severity: Some(match d.level {
            Level::Error => DiagnosticSeverity::ERROR,
            Level::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.rule.to_string())),
        source: Some("pirt".into()),
        message,
        data: serde_json::to_value(finding).ok(),
        ..lsp_types::Diagnostic::default()
    }
}

/// The byte span of a finding in `text`. The rules point with a byte offset, made relative
/// to its line when the source line was attached for printing; when the offset does not
/// agree with the printed line and column (a finding about a whole key or file), the
/// line and character column decide, and the span runs to the line's end.
fn span(d: &Diagnostic, text: &str, lines: &Lines) -> (usize, usize) {
    let line = d.line.saturating_sub(1);
    let Some(line_start) = lines.start(line) else {
        return (text.len(), text.len());
    };
    let line_text = lines.line_text(text, line);
    let line_end = line_start + line_text.len();
    let start = if d.snippet.is_some() {
        line_start + d.offset
    } else {
        d.offset
    };
    if start >= line_start
        && start <= line_end
        && text.is_char_boundary(start)
        && char_column(text, lines, start) == d.column
    {
        let end = (start + d.len).min(text.len());
        let mut end = end.max(start);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let end = if d.len == 0 { line_end.max(start) } else { end };
        return (start, end);
    }
    let start = line_text
        .char_indices()
        .nth(d.column.saturating_sub(1))
        .map_or(line_end, |(i, _)| line_start + i);
    (start, line_end.max(start))
}
