//! What a rule reads and writes: the view of a parsed file, and the findings it adds to
//! (with the configured levels applied). Shared by the rules and the blameless matcher.

use std::path::Path;

use crate::check::level_for;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Level};
use crate::pos::{Pos, Spanned};
use crate::review::document::Layout;
use crate::review::positions::Positions;
use crate::review::{Review, Status};
use crate::rule_id::RuleId;

/// Collects the findings of one file, applying the configured levels.
pub(super) struct Findings<'a> {
    pub config: &'a Config,
    pub path: &'a Path,
    pub status: Option<Status>,
    pub out: Vec<Diagnostic>,
}

impl<'a> Findings<'a> {
    pub fn add(
        &mut self,
        rule: RuleId,
        pos: Pos,
        natural: Level,
        message: String,
        hint: Option<String>,
    ) {
        if let Some(level) = level_for(self.config, rule, self.status, natural) {
            let mut d = Diagnostic::new(self.path, pos, level, rule, message);
            d.hint = hint;
            self.out.push(d);
        }
    }

    /// Re-levels a finding made while parsing.
    pub fn relevel(&mut self, mut d: Diagnostic) {
        if let Some(level) = level_for(self.config, d.rule, self.status, d.level) {
            d.level = level;
            self.out.push(d);
        }
    }
}

/// A parsed review as the rules read it: the model, where its values are written, and
/// the body. Rules never read the YAML tree.
pub(super) struct View<'a> {
    pub review: &'a Review,
    pub at: &'a Positions,
    /// The front matter's text values, sorted by offset (`ParsedFile::texts`).
    pub texts: &'a [Spanned<&'a str>],
    pub layout: &'a Layout,
    pub text: &'a str,
    /// The body's lines outside code blocks.
    pub lines: &'a [BodyLine<'a>],
}

/// A body line outside code blocks: line number, byte offset in the file, text.
pub(super) type BodyLine<'t> = (usize, usize, &'t str);

/// Body lines outside fenced code blocks: (line number, byte offset, text).
pub(super) fn body_lines<'t>(
    text: &'t str,
    layout: &Layout,
) -> impl Iterator<Item = (usize, usize, &'t str)> {
    let mut offset = layout.body_start;
    let mut fences = crate::fence::Fences::default();
    text[layout.body_start..]
        .split_inclusive('\n')
        .enumerate()
        .filter_map(move |(i, raw)| {
            let start = offset;
            offset += raw.len();
            let line = raw.trim_end_matches(['\n', '\r']);
            fences
                .is_text(line)
                .then_some((layout.body_first_line + i, start, line))
        })
}
