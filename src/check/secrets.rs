//! `secret-in-review`: a key, token, private key, password in a URL or webhook anywhere in
//! a review or problem record (front matter and body), found by the same
//! [`Detector`] that redacts what `pirt draft` sends. A finding never shows the secret:
//! its message holds a masked form, and the source line under it (and under any other
//! finding on that line) is shown with the secret masked.

use std::ops::Range;
use std::sync::LazyLock;

use crate::config::RedactConfig;
use crate::diagnostic::{Diagnostic, Level};
use crate::pos::Pos;
use crate::redact::{Detector, Found};
use crate::rule_id::RuleId;

use super::view::Findings;

/// Secrets only: e-mail and IP addresses are personal data, not credentials, and the
/// user's `[llm.redact] patterns` are not known to be secrets.
static DETECTOR: LazyLock<Detector> = LazyLock::new(|| {
    let config = RedactConfig {
        enabled: true,
        emails: false,
        ip_addresses: false,
        patterns: Vec::new(),
    };
    Detector::new(&config).expect("the built-in rules compile")
});

/// The secrets in a file's text, in text order.
pub(super) fn find(text: &str) -> Vec<Found> {
    let mut found = DETECTOR.find(text);
    found.retain(|f| f.kind.is_secret());
    found
}

/// The secrets in a file, or none when `[check.rules]` turns the rule off (then the
/// detector does not run at all).
pub(super) fn find_unless_off(config: &crate::config::Config, text: &str) -> Vec<Found> {
    if super::level_for(config, RuleId::SecretInReview, None, Level::Error).is_none() {
        return Vec::new();
    }
    find(text)
}

/// Each secret of a file's text as a person reads it: its line, and what it is with a
/// masked form (`GitHub token ghp_… (40 characters)`); none when `[check.rules]` turns
/// the rule off. What `pirt render` warns of: the page publishes what the file holds.
pub fn described(config: &crate::config::Config, text: &str) -> Vec<(usize, String)> {
    let lines = line_starts(text);
    find_unless_off(config, text)
        .iter()
        .map(|f| {
            let line = lines.partition_point(|&s| s <= f.range.start);
            (line, format!("{} `{}`", f.kind.name(), f.masked(text)))
        })
        .collect()
}

/// What the finding's hint says.
const HINT: &str = "anyone who can read the repository or its history can use it, so deleting the line is not enough; `pirt check --fix` leaves it alone";

/// One finding per secret, at its line and column (the level is the rule's: an error at
/// every status unless `[check.rules]` says otherwise).
pub(super) fn report(findings: &mut Findings, text: &str, secrets: &[Found]) {
    if secrets.is_empty() {
        return;
    }
    let lines = line_starts(text);
    for found in secrets {
        let start = found.range.start;
        let line = lines.partition_point(|&s| s <= start);
        let line_start = lines[line - 1];
        let pos = Pos {
            line,
            column: text[line_start..start].chars().count() + 1,
            offset: start,
            len: found.range.len(),
        };
        findings.add(
            RuleId::SecretInReview,
            pos,
            Level::Error,
            format!(
                "{} `{}` in the file: rotate it, then remove it from the file and from git history",
                found.kind.name(),
                found.masked(text)
            ),
            Some(HINT.into()),
        );
    }
}

/// The byte offset where each line starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// `value` with every character after the first four (none of a value under 16
/// characters, as [`Found::masked`] shows) replaced by `*`: the same number of characters,
/// so the columns of the line stay right.
fn masked_value(value: &str) -> String {
    let keep = if value.chars().count() >= 16 { 4 } else { 0 };
    value
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i < keep || c == '\n' || c == '\r' {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// `text` with every secret masked in place (lines and columns unchanged).
pub fn mask_text(text: &str) -> String {
    mask_found(text, &find(text))
}

/// `text` with the `secrets` found in it masked in place.
pub(super) fn mask_found(text: &str, secrets: &[Found]) -> String {
    if secrets.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for f in secrets {
        out.push_str(&text[last..f.range.start]);
        out.push_str(&masked_value(&text[f.range.clone()]));
        last = f.range.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Hides the file's secrets in what a finding shows: the source line kept under it, and
/// its message and hint (a rule that quotes a value, such as an unknown key's, may quote a
/// secret). Call after [`Diagnostic::attach_snippet`].
pub(super) fn hide_in(d: &mut Diagnostic, text: &str, secrets: &[Found]) {
    if secrets.is_empty() {
        return;
    }
    if let Some(snippet) = &d.snippet {
        let start: usize = text
            .split_inclusive('\n')
            .take(d.line - 1)
            .map(str::len)
            .sum();
        let end = start + snippet.len();
        let on_line: Vec<Found> = secrets
            .iter()
            .filter(|f| f.range.start < end && f.range.end > start)
            .map(|f| Found {
                range: clip(&f.range, start, end),
                kind: f.kind,
            })
            .collect();
        if !on_line.is_empty() {
            // A secret that starts on an earlier line (a private key block) is masked
            // whole on this one.
            let mut masked = String::with_capacity(snippet.len());
            let mut last = 0;
            for f in &on_line {
                let (a, b) = (f.range.start - start, f.range.end - start);
                masked.push_str(&snippet[last..a]);
                let value = &snippet[a..b];
                if f.range.start > secrets_start(secrets, f) {
                    masked.extend(value.chars().map(|_| '*'));
                } else {
                    masked.push_str(&masked_value(value));
                }
                last = b;
            }
            masked.push_str(&snippet[last..]);
            d.snippet = Some(masked);
        }
    }
    for f in secrets {
        let value = &text[f.range.clone()];
        if d.message.contains(value) {
            d.message = d.message.replace(value, &f.masked(text));
        }
        if let Some(hint) = &mut d.hint
            && hint.contains(value)
        {
            *hint = hint.replace(value, &f.masked(text));
        }
    }
}

/// Where the secret a clipped range belongs to starts.
fn secrets_start(secrets: &[Found], clipped: &Found) -> usize {
    secrets
        .iter()
        .find(|f| f.range.start <= clipped.range.start && f.range.end >= clipped.range.end)
        .map_or(clipped.range.start, |f| f.range.start)
}

/// `range` cut to `start..end`, on character boundaries of the line (the snippet may
/// have been cut short of the line).
fn clip(range: &Range<usize>, start: usize, end: usize) -> Range<usize> {
    range.start.max(start)..range.end.min(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_columns_and_shows_at_most_a_prefix() {
        let token = format!("ghp_{}", "a1B2c3D4e5".repeat(4));
        let text = format!("x: 1\ntoken {token} here\n");
        let masked = mask_text(&text);
        assert_eq!(masked.len(), text.len());
        assert!(!masked.contains(&token));
        assert!(masked.contains("ghp_****"), "{masked}");
        let found = find(&text);
        assert_eq!(found.len(), 1);
        let mut d = Diagnostic::new(
            std::path::Path::new("r.md"),
            Pos {
                line: 2,
                column: 1,
                offset: 5,
                len: 0,
            },
            Level::Error,
            RuleId::Placeholder,
            format!("quoting {token}"),
        );
        d.attach_snippet(&text);
        hide_in(&mut d, &text, &found);
        let shown = d.render(false);
        assert!(!shown.contains(&token), "{shown}");
        assert!(shown.contains("quoting ghp_… (44 characters)"), "{shown}");
    }

    #[test]
    fn personal_data_is_not_a_secret() {
        assert!(find("mail li.wei@example.com from 10.1.2.3").is_empty());
    }
}
