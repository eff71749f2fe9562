//! `pirt timeline import` as a plan, then one edit (SPEC §7.1): which entries of an export
//! (or of CSV/JSON-lines rows) are added, which are already in the timeline (the same
//! `source:`) or outside the incident window, which lifecycle times are filled, and which
//! texts hold secrets. [`plan`] reads nothing from disk; [`updated_text`] makes the entries
//! and the lifecycle fields one proven edit of the review's text.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Tz;

use crate::config::{Config, RedactConfig};
use crate::redact::{Detector, Kind};
use crate::review::edit::{
    Near, add_timeline_entries, format_timestamp, set_top_level_scalar_near,
};
use crate::review::time::{Timestamp, show, since_start};
use crate::review::{ParsedFile, Review, ReviewFile, TimelineEntry, parse_review};
use crate::sources::{Export, Lifecycle, Proposal, Record, What};

/// One entry to import, with where it was read (`line 14`, `general/2026-11-20.json:3`)
/// and, for rows written by hand, the time as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct Incoming {
    pub entry: TimelineEntry,
    pub origin: String,
    pub typed: Option<String>,
}

impl Incoming {
    /// The records of an export, in its order.
    pub fn of(export: &Export) -> Vec<Incoming> {
        export
            .records
            .iter()
            .cloned()
            .map(Incoming::from_record)
            .collect()
    }

    /// An export's record: exact time, its source as the entry's `source:`.
    pub fn from_record(record: Record) -> Self {
        // An id with an escape sequence or a line break is no id: never printed as it is.
        let source = crate::sources::text::printable(record.source.trim());
        Incoming {
            entry: TimelineEntry {
                at: record.at,
                kind: record.kind,
                text: record.text.trim().to_string(),
                source: (!source.is_empty()).then_some(source),
            },
            origin: record.origin,
            typed: None,
        }
    }
}

impl From<crate::review::import::Imported> for Incoming {
    /// A row of CSV or JSON lines, its time as typed.
    fn from(row: crate::review::import::Imported) -> Self {
        Incoming {
            entry: row.entry,
            origin: format!("line {}", row.line),
            typed: Some(row.typed),
        }
    }
}

impl Incoming {
    /// How `--dry-run` shows the entry: `+ 2026-11-20 14:11 UTC (+9m after start)
    /// acknowledgement: text [pagerduty:R1]`.
    pub fn line(&self, zone: Tz, started: Option<Timestamp>) -> String {
        let e = &self.entry;
        let mut line = format!("+ {}", show(&e.at, zone));
        if let Some(started) = started {
            line.push_str(&format!(" ({})", since_start(&e.at, &started)));
        }
        line.push_str(&format!(" {}: {}", e.kind, e.text));
        if let Some(source) = &e.source {
            line.push_str(&format!(" [{source}]"));
        }
        line
    }
}

/// What `--from` held: rows written by hand (loose times, read against the review), or an
/// export a reader made sense of.
pub enum Source {
    Rows(Vec<crate::review::import::Row>),
    Export(Export),
}

impl Source {
    /// Reads `from` as `format` (not `Auto`). Errors name the file and line.
    pub fn read(
        from: &std::path::Path,
        format: crate::sources::Format,
        options: &crate::sources::Options,
    ) -> Result<Source, String> {
        use crate::sources::Format;
        if options.channel.is_some() && format != Format::Slack {
            return Err(format!(
                "--channel picks a channel of a Slack export; {} is {}",
                from.display(),
                crate::sources::describe(format)
            ));
        }
        if options.all && !matches!(format, Format::Slack | Format::Pagerduty) {
            return Err(format!(
                "--all takes the messages and log entries a Slack export or a PagerDuty log leaves out by default; {} is {}, of which everything is taken without it",
                from.display(),
                crate::sources::describe(format)
            ));
        }
        match format {
            Format::Csv | Format::Jsonl => {
                let text = std::fs::read_to_string(from)
                    .map_err(|e| format!("cannot read {}: {e}", from.display()))?;
                let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
                crate::review::import::rows_as(from, text, format == Format::Jsonl)
                    .map(Source::Rows)
            }
            _ => crate::sources::read(from, format, options).map(Source::Export),
        }
    }
}

/// The times an import takes entries from, both ends included; `None` is open.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Window {
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

impl Window {
    /// One hour before `started_at` to one hour after `resolved_at` (or now, while the
    /// incident is not resolved).
    pub fn around(review: &Review, now: DateTime<Utc>) -> Self {
        let hour = Duration::hours(1);
        Window {
            since: review.started_at.map(|t| t - hour),
            until: Some(
                review
                    .resolved_at
                    .map_or_else(|| now.fixed_offset(), |t| t + hour),
            ),
        }
    }

    /// The window with `--since`/`--until` in place of its ends; refused when they cross.
    pub fn narrowed(
        self,
        since: Option<Timestamp>,
        until: Option<Timestamp>,
        zone: Tz,
    ) -> Result<Self, String> {
        let window = Window {
            since: since.or(self.since),
            until: until.or(self.until),
        };
        match (window.since, window.until) {
            (Some(s), Some(u)) if s > u => Err(format!(
                "the window is empty: --since {} is after --until {}",
                show(&s, zone),
                show(&u, zone)
            )),
            _ => Ok(window),
        }
    }

    pub fn holds(&self, at: &Timestamp) -> bool {
        self.since.is_none_or(|s| *at >= s) && self.until.is_none_or(|u| *at <= u)
    }
}

/// What to do with one lifecycle time a source knows.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// The field is empty: it gets the source's time.
    Fill(Proposal),
    /// The review says otherwise: its value stays.
    Keep {
        proposal: Proposal,
        review: Timestamp,
    },
    /// The field holds something that is not a time: it stays, untouched.
    Unreadable(Proposal),
}

impl Change {
    /// `PagerDuty says acknowledged 14:11:04, the review says 14:13 (UTC); kept`.
    pub fn message(&self, zone: Tz) -> String {
        match self {
            Change::Fill(p) => format!("{}: {} (from {})", p.field.key(), show(&p.at, zone), p.by),
            Change::Keep {
                proposal: p,
                review,
            } => {
                let same_day = p.at.with_timezone(&zone).date_naive()
                    == review.with_timezone(&zone).date_naive();
                let both = if same_day {
                    format!(
                        "{}, the review says {} ({})",
                        clock(&p.at, zone),
                        clock(review, zone),
                        p.at.with_timezone(&zone).format("%Z")
                    )
                } else {
                    format!(
                        "{}, the review says {}",
                        show(&p.at, zone),
                        show(review, zone)
                    )
                };
                format!("{} says {} {both}; kept", p.by, p.field.verb())
            }
            Change::Unreadable(p) => format!(
                "{} says {} {}, the review's {} is not a time; kept",
                p.by,
                p.field.verb(),
                show(&p.at, zone),
                p.field.key()
            ),
        }
    }
}

/// `14:11:04`, or `14:13` when the seconds are zero.
fn clock(at: &Timestamp, zone: Tz) -> String {
    let local = at.with_timezone(&zone);
    if local.second() == 0 {
        local.format("%H:%M").to_string()
    } else {
        local.format("%H:%M:%S").to_string()
    }
}

/// A secret in the text of an entry to import.
#[derive(Clone, Debug, PartialEq)]
pub struct Secret {
    pub origin: String,
    /// `Slack token`.
    pub kind: &'static str,
    /// Safe to print: `xoxb… (56 characters)`.
    pub masked: String,
}

/// What an import does, decided before anything is written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// In time order (entries of the same time in the order read).
    pub add: Vec<Incoming>,
    /// Whose `source:` is already in the timeline (or earlier in the same import).
    pub present: usize,
    /// Outside the window.
    pub outside: usize,
    /// What the reader left out on purpose: `(notify log entr(y/ies) (--all takes them), 2)`.
    pub skipped: Vec<(What, usize)>,
    pub lifecycle: Vec<Change>,
    /// Secrets in the texts of `add`: warned about, or (with `redact`) replaced.
    pub secrets: Vec<Secret>,
    pub redacted: bool,
}

impl Plan {
    pub fn fills(&self) -> impl Iterator<Item = &Proposal> {
        self.lifecycle.iter().filter_map(|c| match c {
            Change::Fill(p) => Some(p),
            _ => None,
        })
    }

    /// True when the import changes the file.
    pub fn writes(&self) -> bool {
        !self.add.is_empty() || self.fills().next().is_some()
    }

    /// `imported 12 entries from a PagerDuty log into FILE; 3 already there, ...`; `from`
    /// is what the export was (none for CSV and JSON lines).
    pub fn summary(&self, from: Option<&str>, into: &std::path::Path, dry_run: bool) -> String {
        let n = self.add.len();
        let mut summary = format!(
            "{} {n} {}{} into {}",
            if dry_run { "would import" } else { "imported" },
            if n == 1 { "entry" } else { "entries" },
            from.map(|f| format!(" from {}", crate::sources::text::printable(f)))
                .unwrap_or_default(),
            into.display()
        );
        let left_out = self.left_out();
        if !left_out.is_empty() {
            summary.push_str(&format!("; {left_out}"));
        }
        if dry_run {
            summary.push_str(" (--dry-run: nothing written)");
        }
        summary
    }

    /// `3 already there, 5 outside the window (--since/--until), 2 skipped: notify log
    /// entries (--all takes them)`; empty when nothing was left out.
    pub fn left_out(&self) -> String {
        let mut parts = Vec::new();
        if self.present > 0 {
            parts.push(format!("{} already there", self.present));
        }
        if self.outside > 0 {
            parts.push(format!(
                "{} outside the window (--since/--until)",
                self.outside
            ));
        }
        let skipped: usize = self.skipped.iter().map(|(_, n)| n).sum();
        match self.skipped.as_slice() {
            [] => {}
            [(what, n)] => parts.push(format!("{n} skipped: {}", what.of(*n))),
            many => parts.push(format!(
                "{skipped} skipped: {}",
                many.iter()
                    .map(|(what, n)| what.counted(*n))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
        parts.join(", ")
    }
}

/// What the command line asks of the plan.
#[derive(Clone, Copy, Debug, Default)]
pub struct Asked {
    pub window: Window,
    /// `--no-lifecycle` turns it off.
    pub lifecycle: bool,
    /// `--redact`.
    pub redact: bool,
}

/// Decides what an import of `incoming` (and the export's lifecycle times and skips) does
/// to `file`.
pub fn plan(file: &ParsedFile, incoming: Vec<Incoming>, export: &Export, asked: Asked) -> Plan {
    let review = &file.review;
    let mut plan = Plan {
        skipped: export.skipped.clone(),
        redacted: asked.redact,
        ..Plan::default()
    };
    let mut seen: HashSet<String> = review
        .timeline
        .iter()
        .filter_map(|e| e.source.as_deref())
        .map(|s| s.trim().to_string())
        .collect();
    for item in incoming {
        if !asked.window.holds(&item.entry.at) {
            plan.outside += 1;
        } else if let Some(source) = &item.entry.source
            && !seen.insert(source.trim().to_string())
        {
            plan.present += 1;
        } else {
            plan.add.push(item);
        }
    }
    plan.add.sort_by_key(|i| i.entry.at);
    let detector = secrets();
    for item in &mut plan.add {
        let text = &mut item.entry.text;
        let found: Vec<_> = detector
            .find(text)
            .into_iter()
            .filter(|f| f.kind.is_secret())
            .collect();
        for f in &found {
            plan.secrets.push(Secret {
                origin: item.origin.clone(),
                kind: f.kind.name(),
                masked: f.masked(text),
            });
        }
        if asked.redact {
            for f in found.iter().rev() {
                text.replace_range(f.range.clone(), &placeholder(f.kind));
            }
        }
    }
    if asked.lifecycle {
        plan.lifecycle = lifecycle(file, &export.lifecycle);
    }
    plan
}

/// Keys, tokens, private keys, passwords in URLs and webhooks; not e-mail addresses or IP
/// addresses, which a timeline may well need.
fn secrets() -> Detector {
    Detector::new(&RedactConfig {
        enabled: true,
        emails: false,
        ip_addresses: false,
        patterns: Vec::new(),
    })
    .expect("the built-in rules compile")
}

/// `<REDACTED slack-token>`.
pub fn placeholder(kind: Kind) -> String {
    let name = kind.name();
    let name = name.split(" (").next().unwrap_or(name);
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    format!("<REDACTED {}>", slug.trim_matches('-'))
}

fn lifecycle(file: &ParsedFile, proposals: &[Proposal]) -> Vec<Change> {
    let mut proposals = proposals.to_vec();
    proposals.sort_by_key(|p| p.field);
    proposals
        .into_iter()
        .filter_map(|p| {
            let written = file
                .front_matter
                .as_ref()
                .and_then(|root| root.get(p.field.key()))
                .is_some_and(|node| !matches!(node.value, crate::review::yaml::Value::Null));
            match field(&file.review, p.field) {
                Some(review) if review == p.at => None,
                Some(review) => Some(Change::Keep {
                    proposal: p,
                    review,
                }),
                None if written => Some(Change::Unreadable(p)),
                None => Some(Change::Fill(p)),
            }
        })
        .collect()
}

fn field(review: &Review, field: Lifecycle) -> Option<Timestamp> {
    match field {
        Lifecycle::Detected => review.detected_at,
        Lifecycle::Acknowledged => review.acknowledged_at,
        Lifecycle::Mitigated => review.mitigated_at,
        Lifecycle::Resolved => review.resolved_at,
    }
}

fn field_mut(review: &mut Review, field: Lifecycle) -> &mut Option<Timestamp> {
    match field {
        Lifecycle::Detected => &mut review.detected_at,
        Lifecycle::Acknowledged => &mut review.acknowledged_at,
        Lifecycle::Mitigated => &mut review.mitigated_at,
        Lifecycle::Resolved => &mut review.resolved_at,
    }
}

/// Where an absent lifecycle key goes: after the nearest of the keys before it in
/// `started_at`, `detected_at`, `acknowledged_at`, `mitigated_at`, `resolved_at`, else
/// before the nearest after it (else at the end of the front matter).
fn near(field: Lifecycle) -> Vec<Near<'static>> {
    const ORDER: [&str; 5] = [
        "started_at",
        "detected_at",
        "acknowledged_at",
        "mitigated_at",
        "resolved_at",
    ];
    let i = ORDER.iter().position(|k| *k == field.key()).unwrap_or(0);
    let after = ORDER[..i].iter().rev().map(|k| Near::After(k));
    let before = ORDER[i + 1..].iter().map(|k| Near::Before(k));
    after.chain(before).collect()
}

/// The review's text with the plan's entries and lifecycle times, as one edit: each step
/// is an edit of `review::edit` that proves itself (the result reads back as the review
/// before plus exactly that change), so the whole is the review plus the import.
pub fn updated_text(file: &ReviewFile, plan: &Plan, config: &Config) -> anyhow::Result<String> {
    let path = file.path.as_path();
    let shown = path.display();
    let mut text = file.text.clone();
    if !plan.add.is_empty() {
        let entries: Vec<TimelineEntry> = plan.add.iter().map(|i| i.entry.clone()).collect();
        text = add_timeline_entries(path, &text, &file.parsed, &entries, config)
            .map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    }
    for p in plan.fills() {
        let parsed = parse_review(path, &text, config);
        let only = |old: &Review, new: &Review| {
            let mut expected = old.without_positions();
            *field_mut(&mut expected, p.field) = Some(p.at);
            field(new, p.field) == Some(p.at) && new.without_positions() == expected
        };
        text = set_top_level_scalar_near(
            &text,
            &parsed,
            p.field.key(),
            &format_timestamp(&p.at),
            &near(p.field),
            only,
            path,
            config,
        )
        .map_err(|e| anyhow::anyhow!("{shown}: {}: {e}", p.field.key()))?;
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::EntryKind;
    use crate::review::time::parse_rfc3339;
    use std::path::PathBuf;

    const REVIEW: &str = "---
id: PIR-2026-014
title: Checkout errors
status: draft
severity: SEV2
started_at: 2026-11-20T14:02:00Z  # first 503s
detected_at: 2026-11-20T14:09:00Z
acknowledged_at: 2026-11-20T14:13:00Z
mitigated_at:
timeline:
  - at: 2026-11-20T14:09:00Z
    kind: detection
    text: Alert fired
    source: pagerduty:R0
---

## Summary

Text.
";

    fn at(s: &str) -> Timestamp {
        parse_rfc3339(s).unwrap()
    }

    fn file() -> ReviewFile {
        let config = Config::default();
        let path = PathBuf::from("checkout.md");
        ReviewFile {
            parsed: parse_review(&path, REVIEW, &config),
            text: REVIEW.to_string(),
            path,
        }
    }

    fn record(time: &str, text: &str, source: &str) -> Record {
        Record {
            at: at(time),
            kind: EntryKind::Note,
            text: text.into(),
            source: source.into(),
            origin: format!("log.json:{source}"),
        }
    }

    /// A PagerDuty-like export that no placeholder reader can give.
    fn export() -> Export {
        let mut export = Export {
            what: "a PagerDuty log".into(),
            records: vec![
                record("2026-11-20T14:30:00Z", "Rolled back", "pagerduty:R3"),
                record("2026-11-20T14:09:00Z", "Alert fired", "pagerduty:R0"),
                record(
                    "2026-11-20T14:11:04Z",
                    "Acknowledged by li.wei",
                    "pagerduty:R1",
                ),
                record("2026-11-20T12:00:00Z", "Weekly deploy", "pagerduty:R9"),
                record("2026-11-20T14:30:00Z", "Rolled back", "pagerduty:R3"),
            ],
            ..Export::default()
        };
        for _ in 0..2 {
            export.skip(
                "notify log entry (--all takes it)",
                "notify log entries (--all takes them)",
            );
        }
        export.propose(Lifecycle::Detected, at("2026-11-20T14:09:00Z"), "PagerDuty");
        export.propose(
            Lifecycle::Acknowledged,
            at("2026-11-20T14:11:04Z"),
            "PagerDuty",
        );
        export.propose(
            Lifecycle::Mitigated,
            at("2026-11-20T14:30:00Z"),
            "PagerDuty",
        );
        export.propose(Lifecycle::Resolved, at("2026-11-20T16:30:00Z"), "PagerDuty");
        export
    }

    fn asked(file: &ReviewFile) -> Asked {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z")
            .unwrap()
            .to_utc();
        Asked {
            window: Window::around(file.review(), now),
            lifecycle: true,
            redact: false,
        }
    }

    fn incoming(export: &Export) -> Vec<Incoming> {
        export
            .records
            .iter()
            .cloned()
            .map(Incoming::from_record)
            .collect()
    }

    #[test]
    fn window_dedupe_sort_and_lifecycle() {
        let file = file();
        let export = export();
        let plan = plan(&file.parsed, incoming(&export), &export, asked(&file));
        let added: Vec<_> = plan
            .add
            .iter()
            .map(|i| i.entry.source.as_deref().unwrap())
            .collect();
        assert_eq!(added, ["pagerduty:R1", "pagerduty:R3"], "sorted by time");
        assert_eq!((plan.present, plan.outside), (2, 1));
        assert_eq!(
            plan.left_out(),
            "2 already there, 1 outside the window (--since/--until), 2 skipped: notify log entries (--all takes them)"
        );
        // detected equal: nothing; acknowledged differs: kept; mitigated empty: filled;
        // resolved absent: filled.
        let zone = chrono_tz::UTC;
        let said: Vec<String> = plan.lifecycle.iter().map(|c| c.message(zone)).collect();
        assert_eq!(
            said,
            [
                "PagerDuty says acknowledged 14:11:04, the review says 14:13 (UTC); kept",
                "mitigated_at: 2026-11-20 14:30 UTC (from PagerDuty)",
                "resolved_at: 2026-11-20 16:30 UTC (from PagerDuty)",
            ]
        );
        let text = updated_text(&file, &plan, &Config::default()).unwrap();
        let again = parse_review(&file.path, &text, &Config::default());
        assert_eq!(again.review.mitigated_at, Some(at("2026-11-20T14:30:00Z")));
        assert_eq!(again.review.resolved_at, Some(at("2026-11-20T16:30:00Z")));
        assert_eq!(
            again.review.acknowledged_at,
            Some(at("2026-11-20T14:13:00Z"))
        );
        assert_eq!(again.review.timeline.len(), 3);
        assert!(text.contains("started_at: 2026-11-20T14:02:00Z  # first 503s\n"));
        // An absent key goes after the nearest lifecycle key, not at the end.
        assert!(
            text.contains(
                "mitigated_at: 2026-11-20T14:30:00Z\nresolved_at: 2026-11-20T16:30:00Z\ntimeline:\n"
            ),
            "{text}"
        );
        assert!(text.ends_with("---\n\n## Summary\n\nText.\n"));

        // Once written, the same import adds nothing and changes nothing.
        let path = file.path.clone();
        let parsed = parse_review(&path, &text, &Config::default());
        let second = ReviewFile {
            path,
            text: text.clone(),
            parsed,
        };
        let again = super::plan(&second.parsed, incoming(&export), &export, asked(&second));
        assert!(again.add.is_empty() && !again.writes(), "{again:?}");
        assert_eq!(again.present, 4);
    }

    #[test]
    fn windows_and_no_lifecycle() {
        let file = file();
        let export = export();
        let mut asked = asked(&file);
        assert_eq!(asked.window.since, Some(at("2026-11-20T13:02:00Z")));
        assert_eq!(asked.window.until, Some(at("2026-11-21T09:00:00Z")));
        asked.window.until = Some(at("2026-11-20T14:20:00Z"));
        asked.lifecycle = false;
        let plan = plan(&file.parsed, incoming(&export), &export, asked);
        assert_eq!(plan.add.len(), 1);
        assert_eq!((plan.present, plan.outside), (1, 3));
        assert!(plan.lifecycle.is_empty());
        // Resolved: an hour after resolution ends the window.
        let mut review = file.review().clone();
        review.resolved_at = Some(at("2026-11-20T16:30:00Z"));
        let window = Window::around(&review, Utc::now());
        assert!(window.holds(&at("2026-11-20T17:30:00Z")));
        assert!(!window.holds(&at("2026-11-20T17:30:01Z")));
        assert!(Window::default().holds(&at("1999-01-01T00:00:00Z")));
    }

    #[test]
    fn secrets_are_warned_about_or_replaced() {
        let file = file();
        let token = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
        let export = Export {
            records: vec![record(
                "2026-11-20T14:20:00Z",
                &format!("token {token} leaked; mail ops@example.com from 10.0.0.1"),
                "slack:C1/1.2",
            )],
            ..Export::default()
        };
        let warned = plan(&file.parsed, incoming(&export), &export, asked(&file));
        assert_eq!(warned.secrets.len(), 1);
        assert_eq!(warned.secrets[0].kind, "Slack token");
        assert!(!warned.secrets[0].masked.contains(&token[5..]));
        assert!(warned.add[0].entry.text.contains(token));
        let mut redacting = asked(&file);
        redacting.redact = true;
        let redacted = plan(&file.parsed, incoming(&export), &export, redacting);
        assert_eq!(
            redacted.add[0].entry.text,
            "token <REDACTED slack-token> leaked; mail ops@example.com from 10.0.0.1"
        );
        assert_eq!(
            placeholder(Kind::KubernetesClientKey),
            "<REDACTED kubernetes-client-key>"
        );
    }

    #[test]
    fn an_unreadable_field_is_kept() {
        let text = REVIEW.replace("mitigated_at:\n", "mitigated_at: soon\n");
        let path = PathBuf::from("checkout.md");
        let parsed = parse_review(&path, &text, &Config::default());
        let mut export = Export::default();
        export.propose(
            Lifecycle::Mitigated,
            at("2026-11-20T14:30:00Z"),
            "PagerDuty",
        );
        let plan = plan(
            &parsed,
            Vec::new(),
            &export,
            Asked {
                lifecycle: true,
                ..Asked::default()
            },
        );
        assert_eq!(
            plan.lifecycle
                .iter()
                .map(|c| c.message(chrono_tz::UTC))
                .collect::<Vec<_>>(),
            [
                "PagerDuty says mitigated 2026-11-20 14:30 UTC, the review's mitigated_at is not a time; kept"
            ]
        );
        assert!(!plan.writes());
    }
}
