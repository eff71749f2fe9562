//! Findings about a file, as data: a position, a level, a rule name, a message and a hint.
//! Parsing produces them; commands print them (and `pirt check` will add its own).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::pos::Pos;
use crate::rule_id::RuleId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Warning,
    Error,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Warning => "warning",
            Level::Error => "error",
        })
    }
}

/// One finding in one file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    /// Byte offset and length of the span in the file (for underlining).
    #[serde(skip)]
    pub offset: usize,
    #[serde(skip)]
    pub len: usize,
    pub level: Level,
    pub rule: RuleId,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The text of the source line, for the underlined snippet (kept so that files need not
    /// stay in memory until the report is printed).
    #[serde(skip)]
    pub snippet: Option<String>,
}

impl Diagnostic {
    pub fn new(path: &Path, pos: Pos, level: Level, rule: RuleId, message: String) -> Self {
        Diagnostic {
            path: path.to_path_buf(),
            line: pos.line.max(1),
            column: pos.column.max(1),
            offset: pos.offset,
            len: pos.len,
            level,
            rule,
            message,
            hint: None,
            snippet: None,
        }
    }

    /// Keeps the source line this diagnostic points at, from the file's text.
    pub fn attach_snippet(&mut self, text: &str) {
        if self.snippet.is_some() {
            return;
        }
        let mut lines = text.split_inclusive('\n');
        let line_start: usize = lines.by_ref().take(self.line - 1).map(str::len).sum();
        let Some(line) = lines.next() else {
            return;
        };
        // Offsets become relative to the line; very long lines are cut for display.
        self.offset = self.offset.saturating_sub(line_start);
        let line = line.trim_end_matches(['\n', '\r']);
        let mut cut = line.len().min(400);
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        self.snippet = Some(line[..cut].to_string());
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The first line: `path:line:col: level[rule]: message`.
    pub fn headline(&self) -> String {
        format!(
            "{}:{}:{}: {}[{}]: {}",
            self.path.display(),
            self.line,
            self.column,
            self.level,
            self.rule,
            self.message
        )
    }

    /// The headline, then the source line with the span underlined and the hint
    /// (annotate-snippets), when the snippet is attached.
    pub fn render(&self, styled: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level as L, Renderer, Snippet};

        let head = self.headline();
        let level = match self.level {
            Level::Error => L::ERROR,
            Level::Warning => L::WARNING,
        };
        let mut group = Group::with_level(level.clone());
        if let Some(line) = &self.snippet {
            let start = line
                .char_indices()
                .nth(self.column - 1)
                .map_or(line.len(), |(i, _)| i);
            // The span's length, when it stays on this line; one character otherwise.
            let width =
                if self.len > 0 && self.offset + self.len <= line.len() && self.offset == start {
                    self.len
                } else {
                    line[start..].chars().next().map_or(0, char::len_utf8)
                };
            let mut end = (start + width).min(line.len());
            while !line.is_char_boundary(end) {
                end -= 1;
            }
            group = group.element(
                Snippet::source(line.as_str())
                    .line_start(self.line)
                    .annotation(AnnotationKind::Primary.span(start..end)),
            );
        }
        if let Some(hint) = &self.hint {
            group = group.element(L::HELP.message(hint.as_str()));
        }
        if self.snippet.is_none() && self.hint.is_none() {
            return head;
        }
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        format!("{head}\n{}", renderer.render(&[group]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underlines_never_split_a_character() {
        let text = "ü: 1\nü: 2\n";
        for (len, column) in [(0, 1), (1, 1), (3, 2), (0, 9)] {
            let pos = Pos {
                line: 2,
                column,
                offset: 5,
                len,
            };
            let mut d = Diagnostic::new(
                Path::new("x.md"),
                pos,
                Level::Error,
                RuleId::Schema,
                "m".into(),
            );
            d.attach_snippet(text);
            assert!(d.render(false).contains("2 | ü: 2"));
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// A file that could not be used because of error-level findings.
#[derive(Debug, thiserror::Error)]
#[error("{}", render_errors(.diagnostics))]
pub struct InvalidFile {
    /// With snippets attached.
    pub diagnostics: Vec<Diagnostic>,
}

fn render_errors(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .map(|d| d.render(false))
        .collect::<Vec<_>>();
    errors.join("\n")
}

/// How many of `diagnostics` are errors.
pub fn error_count(diagnostics: &[Diagnostic]) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .count()
}
