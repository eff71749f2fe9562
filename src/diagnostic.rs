//! Findings about a file, as data: a position, a level, a rule name, a message and a hint.
//! Parsing produces them; commands print them (and `pirt check` will add its own).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::review::yaml::Pos;

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
    pub rule: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(path: &Path, pos: Pos, level: Level, rule: &'static str, message: String) -> Self {
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
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `path:line:col: level[rule]: message`, then the source line with the span underlined
    /// and the hint (annotate-snippets), when the source text is at hand.
    pub fn render(&self, source: Option<&str>, styled: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level as L, Renderer, Snippet};

        let head = format!(
            "{}:{}:{}: {}[{}]: {}",
            self.path.display(),
            self.line,
            self.column,
            self.level,
            self.rule,
            self.message
        );
        let level = match self.level {
            Level::Error => L::ERROR,
            Level::Warning => L::WARNING,
        };
        let line = source.and_then(|s| s.lines().nth(self.line - 1));
        let mut group = Group::with_level(level.clone());
        if let Some(line) = line {
            let line = line.trim_end_matches('\r');
            let start = line
                .char_indices()
                .nth(self.column - 1)
                .map_or(line.len(), |(i, _)| i);
            let width = source
                .and_then(|s| s.get(self.offset..self.offset + self.len))
                .filter(|span| self.len > 0 && !span.contains('\n'))
                .map_or(1, str::len);
            let end = (start + width).min(line.len()).max(start);
            group = group.element(
                Snippet::source(line)
                    .line_start(self.line)
                    .annotation(AnnotationKind::Primary.span(start..end)),
            );
        }
        if let Some(hint) = &self.hint {
            group = group.element(L::HELP.message(hint.as_str()));
        }
        if line.is_none() && self.hint.is_none() {
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

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(None, false))
    }
}

/// A file that could not be used because of error-level findings.
#[derive(Debug, thiserror::Error)]
#[error("{}", render_all(.diagnostics, .source_text.as_deref()))]
pub struct InvalidFile {
    pub diagnostics: Vec<Diagnostic>,
    pub source_text: Option<String>,
}

fn render_all(diagnostics: &[Diagnostic], source: Option<&str>) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .map(|d| d.render(source, false))
        .collect::<Vec<_>>();
    errors.join("\n")
}
