//! `pirt check --fix`: safe, byte-preserving repairs of what a person would fix by hand.
//!
//! Four fixes, each a splice of the file's text that leaves every other byte alone:
//! - a `<!-- guide: -->` comment in a section that holds text is deleted (with its line);
//! - a severity alias (`major`) becomes the scale's id (`SEV2`);
//! - a block-style timeline is put in time order, each entry moving with its comments;
//! - a timestamp without an offset that names its date (`2026-11-20 14:32`,
//!   `2026-11-20T14:32:00`) becomes RFC 3339 in the configured zone, when that zone gives
//!   the wall time exactly one instant (not in a DST gap or overlap).
//!
//! The result is proven before it is returned: it must parse with no new error, and read
//! back as the same review apart from what was fixed.

use crate::rule_id::RuleId;
use std::path::{Path, PathBuf};

use chrono::{LocalResult, TimeZone};

use crate::config::Config;
use crate::diagnostic::Level;
use crate::fsutil::{self, EditLock};
use crate::review::document::{Layout, strip_guides};
use crate::review::edit::{above_comments, block_end, dash_before, format_timestamp, splice};
use crate::review::time::{parse_date_time, parse_rfc3339};
use crate::review::yaml::{Node, Value};
use crate::review::{ParsedFile, Review, Timestamp, parse_review};

/// One kind of fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FixKind {
    Timestamp,
    SeverityAlias,
    TimelineOrder,
    GuideComment,
}

impl FixKind {
    pub const ALL: [FixKind; 4] = [
        FixKind::Timestamp,
        FixKind::SeverityAlias,
        FixKind::TimelineOrder,
        FixKind::GuideComment,
    ];

    /// The rule whose finding the fix removes.
    pub fn rule(self) -> RuleId {
        match self {
            FixKind::Timestamp => RuleId::Schema,
            FixKind::SeverityAlias => RuleId::SeverityScale,
            FixKind::TimelineOrder => RuleId::TimelineOrder,
            FixKind::GuideComment => RuleId::Placeholder,
        }
    }
}

/// Whether a finding is of the kind a fix may remove: a time without an offset, entries
/// out of order, guidance left in. (A severity alias is no finding; it is fixed anyway.)
pub fn may_fix(d: &crate::diagnostic::Diagnostic) -> bool {
    match d.rule {
        RuleId::Schema => d.message.contains("has no offset"),
        RuleId::TimelineOrder => d.message.contains("comes after a later one"),
        RuleId::Placeholder => d.message.starts_with("template guidance"),
        _ => false,
    }
}

/// A fix made, with the line it was made on (in the original text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub kind: FixKind,
    pub line: usize,
    pub what: String,
}

/// The fixed text and what was done to it.
#[derive(Debug)]
pub struct Fixed {
    pub text: String,
    pub applied: Vec<Applied>,
}

/// Why a file cannot be fixed.
#[derive(Debug, thiserror::Error)]
pub enum FixError {
    #[error("the file does not parse as a review; fix its errors by hand first")]
    Unreadable,
    #[error(
        "the fixed file would not read back as the same review; it was not changed (please report this)"
    )]
    NotPreserved,
}

/// The fixes for one review's text; `None` when there is nothing to fix.
pub fn fix(config: &Config, path: &Path, text: &str) -> Result<Option<Fixed>, FixError> {
    let original = parse_review(path, text, config);
    if original.front_matter.is_none() || original.layout.is_none() {
        return Err(FixError::Unreadable);
    }
    let mut applied = Vec::new();
    let mut current = text.to_string();
    // The text is parsed again only after a step changed it (`None`: it is the original).
    let mut reparsed: Option<ParsedFile> = None;
    for step in [timestamps, severity_alias, timeline_order, guide_comments] {
        let parsed = reparsed.as_ref().unwrap_or(&original);
        let (Some(root), Some(layout)) = (&parsed.front_matter, &parsed.layout) else {
            return Err(FixError::NotPreserved);
        };
        if let Some((next, done)) = step(config, &current, root, layout, parsed) {
            current = next;
            applied.extend(done);
            reparsed = Some(parse_review(path, &current, config));
        }
    }
    if applied.is_empty() {
        return Ok(None);
    }
    let Some(fixed) = reparsed else {
        return Ok(None);
    };
    if !preserved(&original, &fixed, &applied) {
        return Err(FixError::NotPreserved);
    }
    applied.sort_by_key(|a| (a.line, a.kind));
    Ok(Some(Fixed {
        text: current,
        applied,
    }))
}

/// The fixed file holds the same review: no new error, the same front matter but for the
/// fixed values, the same entries (in order), and the same visible text in every section.
fn preserved(before: &ParsedFile, after: &ParsedFile, applied: &[Applied]) -> bool {
    let errors = |p: &ParsedFile| {
        let mut rules: Vec<RuleId> = p
            .diagnostics
            .iter()
            .filter(|d| d.level == Level::Error)
            .map(|d| d.rule)
            .collect();
        rules.sort_unstable();
        rules
    };
    let (was, now) = (errors(before), errors(after));
    if now.iter().any(|r| !was.contains(r)) || now.len() > was.len() {
        return false;
    }
    let fixed_times = applied.iter().any(|a| a.kind == FixKind::Timestamp);
    let normalise = |r: &Review| {
        let mut r = r.without_positions();
        r.timeline.sort_by_key(|e| e.at);
        for s in &mut r.sections {
            s.text = strip_guides(&s.text).trim().to_string();
        }
        if fixed_times {
            // Times that did not parse before are set now; compare the rest.
            r.started_at = None;
            r.detected_at = None;
            r.acknowledged_at = None;
            r.mitigated_at = None;
            r.resolved_at = None;
            r.timeline.clear();
        }
        r
    };
    let (b, a) = (normalise(&before.review), normalise(&after.review));
    if b != a {
        return false;
    }
    // Every time that was readable before reads the same now.
    let times = |r: &Review| {
        [
            r.started_at,
            r.detected_at,
            r.acknowledged_at,
            r.mitigated_at,
            r.resolved_at,
        ]
    };
    let kept = times(&before.review)
        .iter()
        .zip(times(&after.review))
        .all(|(b, a)| b.is_none() || *b == a);
    let mut entries_before = before.review.timeline.clone();
    entries_before.sort_by_key(|e| e.at);
    let entries_kept = entries_before
        .iter()
        .all(|e| after.review.timeline.contains(e));
    kept && entries_kept && after.review.timeline.len() >= before.review.timeline.len()
}

type Step = Option<(String, Vec<Applied>)>;

/// Splices `(range, replacement, applied)` edits into `text`, last first.
fn apply(text: &str, mut edits: Vec<(std::ops::Range<usize>, String, Applied)>) -> Step {
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|(range, _, _)| std::cmp::Reverse(range.start));
    let mut out = text.to_string();
    let mut applied = Vec::new();
    for (range, with, done) in edits {
        out = splice(&out, range, &with);
        applied.push(done);
    }
    Some((out, applied))
}

/// The byte range of a scalar as written, quotes included.
fn written_range(text: &str, node: &Node) -> Option<std::ops::Range<usize>> {
    let start = node.pos.offset;
    let end = start + node.pos.len;
    // Only a value written after its key on the same line (not a block scalar, not an
    // alias, not inside a flow mapping) is replaced.
    if !text
        .get(..start)?
        .trim_end_matches([' ', '\t'])
        .ends_with(':')
    {
        return None;
    }
    let raw = text.get(start..end)?;
    let quote = raw.chars().next().filter(|c| *c == '"' || *c == '\'');
    match quote {
        Some(q) if raw.len() >= 2 && raw.ends_with(q) => Some(start..end),
        // A span that stops before the closing quote.
        Some(q) if text[end..].starts_with(q) => Some(start..end + 1),
        Some(_) => None,
        None => Some(start..end),
    }
}

/// An offset-less date-time, in the configured zone, when it names exactly one instant.
fn unambiguous(config: &Config, value: &str) -> Option<Timestamp> {
    if parse_rfc3339(value).is_ok() {
        return None;
    }
    let naive = parse_date_time(value.trim())?;
    match config.zone.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.fixed_offset()),
        _ => None,
    }
}

fn timestamps(config: &Config, text: &str, root: &Node, _: &Layout, _: &ParsedFile) -> Step {
    const LIFECYCLE: [&str; 5] = [
        "started_at",
        "detected_at",
        "acknowledged_at",
        "mitigated_at",
        "resolved_at",
    ];
    let mut nodes: Vec<(&Node, String)> = LIFECYCLE
        .iter()
        .filter_map(|key| Some((root.get(key)?, format!("`{key}`"))))
        .collect();
    if let Some(Value::Seq(items)) = root.get("timeline").map(|n| &n.value) {
        nodes.extend(
            items
                .iter()
                .filter_map(|item| Some((item.get("at")?, "a timeline time".to_string()))),
        );
    }
    let edits = nodes
        .into_iter()
        .filter_map(|(node, what)| {
            let ts = unambiguous(config, node.as_str()?)?;
            // An alias is fixed at its anchor; a block scalar (`|`, `>`) is left alone.
            if matches!(
                text.as_bytes().get(node.pos.offset),
                Some(b'*' | b'|' | b'>')
            ) {
                return None;
            }
            let range = written_range(text, node)?;
            let stored = format_timestamp(&ts);
            let done = Applied {
                kind: FixKind::Timestamp,
                line: node.pos.line,
                what: format!(
                    "{what}: `{}` → {stored} ({})",
                    node.as_str().unwrap_or_default(),
                    config.timezone
                ),
            };
            Some((range, stored, done))
        })
        .collect();
    apply(text, edits)
}

fn severity_alias(config: &Config, text: &str, root: &Node, _: &Layout, _: &ParsedFile) -> Step {
    let node = root.get("severity")?;
    let written = node.as_str()?;
    let level = config.severity(written)?;
    if level.id == written {
        return None;
    }
    let range = written_range(text, node)?;
    let done = Applied {
        kind: FixKind::SeverityAlias,
        line: node.pos.line,
        what: format!("severity `{written}` → {} (the scale's id)", level.id),
    };
    apply(text, vec![(range, level.id.clone(), done)])
}

fn timeline_order(_: &Config, text: &str, root: &Node, layout: &Layout, _: &ParsedFile) -> Step {
    let value = root.get("timeline")?;
    let Value::Seq(items) = &value.value else {
        return None;
    };
    // Flow lists (`[...]`) are left alone: sorting them would mean rewriting them.
    if items.len() < 2 || text.as_bytes().get(value.pos.offset) == Some(&b'[') {
        return None;
    }
    let times: Vec<Timestamp> = items
        .iter()
        .map(|item| {
            item.get("at")
                .and_then(Node::as_str)
                .and_then(|s| parse_rfc3339(s).ok())
        })
        .collect::<Option<_>>()?;
    if times.windows(2).all(|w| w[0] <= w[1]) {
        return None;
    }
    let line_start = |offset: usize| text[..offset].rfind('\n').map_or(0, |n| n + 1);
    let starts: Vec<usize> = items
        .iter()
        .map(|item| line_start(dash_before(text, item.pos.offset)))
        .collect();
    // Every entry must be written out in place, one after the other: an alias (`*e`)
    // points at its anchor elsewhere, and such a list is left alone.
    let written_here = items.iter().all(|item| {
        let dash = dash_before(text, item.pos.offset);
        text.as_bytes().get(dash) == Some(&b'-')
            && !text[dash + 1..item.pos.offset].contains(['*', '&'])
            && text.as_bytes().get(item.pos.offset) != Some(&b'*')
    });
    if !written_here || starts.windows(2).any(|w| w[0] >= w[1]) {
        return None;
    }
    let indent = &text[starts[0]..dash_before(text, items[0].pos.offset)];
    // Each entry owns the comment lines directly above it.
    let owned: Vec<usize> = starts
        .iter()
        .map(|&s| above_comments(text, s, indent))
        .collect();
    let end = block_end(text, layout, starts[0], indent.len());
    if owned.windows(2).any(|w| w[0] >= w[1]) || owned.last().is_some_and(|&l| l >= end) {
        return None;
    }
    let chunks: Vec<&str> = (0..items.len())
        .map(|i| &text[owned[i]..owned.get(i + 1).copied().unwrap_or(end)])
        .collect();
    if chunks.iter().any(|c| !c.ends_with('\n')) {
        return None;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| times[i]);
    let sorted: String = order.iter().map(|&i| chunks[i]).collect();
    let moved = order
        .iter()
        .enumerate()
        .filter(|(to, from)| to != *from)
        .count();
    let done = Applied {
        kind: FixKind::TimelineOrder,
        line: value.pos.line,
        what: format!("timeline put in time order ({moved} entries moved)"),
    };
    apply(text, vec![(owned[0]..end, sorted, done)])
}

fn guide_comments(_: &Config, text: &str, _: &Node, layout: &Layout, parsed: &ParsedFile) -> Step {
    let edits = parsed
        .review
        .sections
        .iter()
        .filter(|s| !s.is_empty() && s.text.contains("<!-- guide:"))
        .filter_map(|s| {
            let (kept, count) = without_guide_lines(&s.text);
            if count == 0 {
                return None;
            }
            let range = layout.body_start + s.span.start..layout.body_start + s.span.end;
            let done = Applied {
                kind: FixKind::GuideComment,
                line: s.line,
                what: format!(
                    "## {}: deleted {count} guidance comment{} (the section is written)",
                    s.heading,
                    if count == 1 { "" } else { "s" }
                ),
            };
            Some((range, kept, done))
        })
        .collect();
    apply(text, edits)
}

/// A section's text without the guidance comments that stand on lines of their own,
/// outside code fences, and are closed (`-->`): exactly what the `placeholder` rule
/// reports. A comment inside a line of text, in a code block, or never closed is left.
fn without_guide_lines(text: &str) -> (String, usize) {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut fences = crate::fence::Fences::default();
    let mut i = 0;
    while i < lines.len() {
        let trimmed = lines[i].trim();
        if fences.is_text(trimmed) && trimmed.starts_with("<!-- guide:") {
            // The comment's last line: the first that holds `-->`, which must end it.
            let close = (i..lines.len()).find(|&j| lines[j].contains("-->"));
            if let Some(j) = close
                && lines[j].trim_end().ends_with("-->")
                && lines[j].matches("-->").count() == 1
            {
                count += 1;
                i = j + 1;
                continue;
            }
        }
        out.push_str(lines[i]);
        i += 1;
    }
    (out, count)
}

/// One file `fix_files` changed (or, with `diff_only`, would change).
pub struct FixedFile {
    pub path: PathBuf,
    pub applied: Vec<Applied>,
    /// With `diff_only`: the change as a unified diff (`a/PATH`, `b/PATH`).
    pub diff: Option<String>,
}

/// `pirt check --diff`'s exit code: 2 when a file could not be read, 1 when some would
/// change, 0 when none would.
pub fn diff_exit_code(fixed: &[FixedFile], errors: &[String]) -> u8 {
    match (errors.is_empty(), fixed.len()) {
        (false, _) => 2,
        (true, 0) => 0,
        (true, _) => 1,
    }
}

/// Applies the safe fixes to every review under `paths` (with `diff_only`, only computes
/// them as a unified diff). Each file is locked, read, fixed, proven and written
/// atomically on its own; a file that cannot be fixed or written is an error in the list,
/// and the others are still fixed. Files that cannot be read are left to `check` to report.
pub fn fix_files(
    config: &Config,
    paths: &[PathBuf],
    diff_only: bool,
) -> (Vec<FixedFile>, Vec<String>) {
    let (files, mut errors) = crate::corpus::collect_files(paths);
    let mut changed = Vec::new();
    for path in files
        .iter()
        .filter(|p| super::kind_of(config, p) == super::Kind::Review)
    {
        let lock = match (!diff_only).then(|| EditLock::acquire(path)).transpose() {
            Ok(lock) => lock,
            Err(e) => {
                errors.push(format!("{e:#}"));
                continue;
            }
        };
        let Ok(text) = crate::review::read_text(path, config.check.max_file_mb) else {
            continue;
        };
        let fixed = match fix(config, path, &text) {
            Ok(Some(fixed)) => fixed,
            Ok(None) | Err(FixError::Unreadable) => continue,
            Err(e) => {
                errors.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let diff = if diff_only {
            let shown = path.display().to_string();
            let shown = shown.trim_start_matches('/');
            // Neither side shows a secret: both are masked in place (same lines).
            let (before, after) = (
                super::secrets::mask_text(&text),
                super::secrets::mask_text(&fixed.text),
            );
            let diff = similar::TextDiff::from_lines(&before, &after);
            Some(
                diff.unified_diff()
                    .context_radius(2)
                    .header(&format!("a/{shown}"), &format!("b/{shown}"))
                    .to_string(),
            )
        } else if let Err(e) = fsutil::write_atomic(path, fixed.text.as_bytes()) {
            errors.push(format!("{e:#}"));
            continue;
        } else {
            None
        };
        drop(lock);
        let mut applied = fixed.applied;
        for a in &mut applied {
            a.what = super::secrets::mask_text(&a.what);
        }
        changed.push(FixedFile {
            path: path.clone(),
            applied,
            diff,
        });
    }
    (changed, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "---\nid: PIR-1\ntitle: T\nstatus: in-review\n";

    fn config() -> Config {
        Config {
            timezone: "Europe/Berlin".into(),
            zone: chrono_tz::Europe::Berlin,
            ..Config::default()
        }
    }

    fn fixed(text: &str) -> (String, Vec<Applied>) {
        let f = fix(&config(), Path::new("t.md"), text).unwrap().unwrap();
        (f.text, f.applied)
    }

    #[test]
    fn a_severity_alias_becomes_the_id_and_keeps_its_comment() {
        let text =
            format!("{HEAD}severity: major   # was P2\nstarted_at: 2026-11-20T14:02:00Z\n---\n");
        let (out, applied) = fixed(&text);
        assert_eq!(out, text.replace("severity: major", "severity: SEV2"));
        assert_eq!(applied[0].kind, FixKind::SeverityAlias);
    }

    #[test]
    fn offset_less_times_get_the_zone_when_it_is_unambiguous() {
        let text = format!(
            "{HEAD}severity: SEV2\nstarted_at: \"2026-11-20 14:02\"\ndetected_at: 2026-11-20T14:09:00\nresolved_at: 2026-10-25 02:30 # DST overlap in Berlin\ntimeline:\n  - at: 2026-11-20 14:30\n    text: x\n---\n"
        );
        let (out, applied) = fixed(&text);
        assert!(
            out.contains("started_at: 2026-11-20T14:02:00+01:00\n"),
            "{out}"
        );
        assert!(
            out.contains("detected_at: 2026-11-20T14:09:00+01:00\n"),
            "{out}"
        );
        assert!(out.contains("  - at: 2026-11-20T14:30:00+01:00\n"), "{out}");
        // 02:30 happened twice that night: left for a person to decide.
        assert!(
            out.contains("resolved_at: 2026-10-25 02:30 # DST overlap"),
            "{out}"
        );
        assert_eq!(applied.len(), 3);
    }

    #[test]
    fn the_timeline_is_sorted_with_each_entrys_comments() {
        let text = format!(
            "{HEAD}severity: SEV2\nstarted_at: 2026-11-20T14:02:00Z\ntimeline:\n  # the pager\n  - at: 2026-11-20T14:30:00Z\n    text: b\n  - at: 2026-11-20T14:09:00Z # first\n    kind: detection\n    text: a\n# after the list\nproblem: PRB-1\n---\nbody\n"
        );
        let (out, applied) = fixed(&text);
        assert_eq!(
            out,
            format!(
                "{HEAD}severity: SEV2\nstarted_at: 2026-11-20T14:02:00Z\ntimeline:\n  - at: 2026-11-20T14:09:00Z # first\n    kind: detection\n    text: a\n  # the pager\n  - at: 2026-11-20T14:30:00Z\n    text: b\n# after the list\nproblem: PRB-1\n---\nbody\n"
            )
        );
        assert_eq!(
            applied[0].what,
            "timeline put in time order (2 entries moved)"
        );
    }

    #[test]
    fn guidance_goes_only_where_the_section_is_written() {
        let text = format!(
            "{HEAD}severity: SEV2\nstarted_at: 2026-11-20T14:02:00Z\n---\n\n## Summary\n\n<!-- guide: What happened? -->\nThe pool ran dry.\n\n## Impact\n\n<!-- guide: Who was hit? -->\n"
        );
        let (out, applied) = fixed(&text);
        assert!(out.contains("## Summary\n\nThe pool ran dry.\n"), "{out}");
        assert!(
            out.contains("## Impact\n\n<!-- guide: Who was hit? -->\n"),
            "{out}"
        );
        assert_eq!(applied.len(), 1);
    }

    #[test]
    fn what_cannot_be_fixed_safely_is_left_alone() {
        let config = config();
        let nothing = |text: String| {
            let out = fix(&config, Path::new("t.md"), &text).unwrap();
            assert!(out.is_none(), "{text}\n=> {:?}", out.map(|f| f.text));
        };
        // A timeline entry that is an alias of another: no splice can sort it.
        nothing(format!(
            "{HEAD}severity: SEV2\nstarted_at: 2026-11-20T14:00:00Z\ntimeline:\n  - &e {{at: 2026-11-20T14:30:00Z, text: b}}\n  - at: 2026-11-20T14:09:00Z\n    text: a\n  - *e\n---\n"
        ));
        // Guidance never closed, inside a line of text, or in a code block.
        nothing(format!(
            "{HEAD}severity: SEV2\nstarted_at: 2026-11-20T14:00:00Z\n---\n\n## Summary\n\nReal text.\n<!-- guide: oops\nMore real text.\n"
        ));
        nothing(format!(
            "{HEAD}severity: SEV2\nstarted_at: 2026-11-20T14:00:00Z\n---\n\n## Summary\n\nDone <!-- guide: x --> here.\n\n```markdown\n<!-- guide: Who was hit? -->\n```\n"
        ));
        // A time given as a block scalar.
        nothing(format!(
            "{HEAD}severity: SEV2\nstarted_at: |\n  2026-11-20 14:00\n---\n"
        ));
    }

    #[test]
    fn crlf_files_stay_crlf_and_clean_files_have_nothing_to_fix() {
        let text = format!(
            "{HEAD}severity: P2\nstarted_at: 2026-11-20T14:02:00Z\n---\n\n## Summary\n\nDone.\n"
        )
        .replace('\n', "\r\n");
        let (out, _) = fixed(&text);
        assert_eq!(out, text.replace("severity: P2", "severity: SEV2"));
        assert!(fix(&config(), Path::new("t.md"), &out).unwrap().is_none());
    }
}
