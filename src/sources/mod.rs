//! Timeline evidence read from the exports other systems already produce (SPEC §7.1):
//! Slack, PagerDuty, Alertmanager/Grafana and Statuspage, offline, from files.
//!
//! Each reader turns an export into an [`Export`]: records with exact times, the kind of
//! entry each becomes, a `source:` naming the evidence, the lifecycle times the source
//! knows, and what was left out and why. Readers know nothing of reviews on disk, windows
//! or duplicates: the import workflow (`timeline::import`) decides what of an export is
//! written. CSV and JSON lines written by hand keep their loose times and go through
//! `review::import` instead.

pub mod alertmanager;
pub mod detect;
pub mod json;
pub mod pagerduty;
pub mod slack;
pub mod statuspage;
pub mod text;

use std::path::Path;

pub use detect::{describe, detect};

use crate::config::SlackImport;
use crate::review::EntryKind;
use crate::review::time::Timestamp;

named_enum! {
    /// What `--format` names; `auto` recognises the source from its shape.
    pub enum Format {
        Auto = "auto",
        Csv = "csv",
        Jsonl = "jsonl",
        Slack = "slack",
        Pagerduty = "pagerduty",
        Alertmanager = "alertmanager",
        Statuspage = "statuspage",
    }
}

/// One piece of evidence: a message, a log entry, an alert, a status update.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub at: Timestamp,
    pub kind: EntryKind,
    /// One line of readable Markdown (`li.wei: Rolled back`).
    pub text: String,
    /// `slack:CHANNEL_ID/TS`, `pagerduty:LOG_ENTRY_ID`, `alert:FINGERPRINT@STARTS_AT`,
    /// `statuspage:UPDATE_ID`, or a URL.
    pub source: String,
    /// Where in the export it was read, for messages: `general/2026-11-20.json:14`.
    pub origin: String,
}

/// A lifecycle field a source can fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Lifecycle {
    Detected,
    Acknowledged,
    Mitigated,
    Resolved,
}

impl Lifecycle {
    /// The front-matter key: `detected_at`.
    pub fn key(self) -> &'static str {
        match self {
            Lifecycle::Detected => "detected_at",
            Lifecycle::Acknowledged => "acknowledged_at",
            Lifecycle::Mitigated => "mitigated_at",
            Lifecycle::Resolved => "resolved_at",
        }
    }

    /// As said in a sentence: `acknowledged`.
    pub fn verb(self) -> &'static str {
        match self {
            Lifecycle::Detected => "detected",
            Lifecycle::Acknowledged => "acknowledged",
            Lifecycle::Mitigated => "mitigated",
            Lifecycle::Resolved => "resolved",
        }
    }
}

/// A lifecycle time the source knows (PagerDuty's first acknowledge, say).
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    pub field: Lifecycle,
    pub at: Timestamp,
    /// Who says so, for messages: `PagerDuty`, `Alertmanager`, `the status page`.
    pub by: &'static str,
}

/// What a reader made of an export.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Export {
    /// What was recognised, for the summary: `a Slack export, channel #inc-checkout (C07INC4812)`.
    pub what: String,
    /// In the order of the export; the workflow sorts by time.
    pub records: Vec<Record>,
    /// At most one per field: the earliest detection, first acknowledge, last resolve.
    pub lifecycle: Vec<Proposal>,
    /// What was left out on purpose and how many: `(bot message(s), 12)`, `(notify log
    /// entr(y/ies) (--all takes them), 40)`. Counted, never silently dropped.
    pub skipped: Vec<(What, usize)>,
    /// Reported but not fatal: `general/2026-11-20.json:14: a message without a timestamp`.
    pub problems: Vec<String>,
}

/// What a reader left out, said of one and of many: `log entry repeated across pages`,
/// `log entries repeated across pages`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct What {
    pub one: String,
    pub many: String,
}

impl What {
    pub fn new(one: impl Into<String>, many: impl Into<String>) -> Self {
        What {
            one: one.into(),
            many: many.into(),
        }
    }

    /// The form for `n` of them (`one` for 1, `many` otherwise).
    pub fn of(&self, n: usize) -> &str {
        if n == 1 { &self.one } else { &self.many }
    }

    /// `1 log entry repeated across pages`, `3 log entries repeated across pages`.
    pub fn counted(&self, n: usize) -> String {
        format!("{n} {}", self.of(n))
    }
}

impl Export {
    /// Counts one more left out in `skipped`, said `one` of one and `many` of more:
    /// `skip("bot message", "bot messages")`.
    pub fn skip(&mut self, one: &str, many: &str) {
        match self.skipped.iter_mut().find(|(w, _)| w.many == many) {
            Some((_, n)) => *n += 1,
            None => self.skipped.push((What::new(one, many), 1)),
        }
    }

    /// Proposes `at` for `field`: the earliest for detection and acknowledgement, the latest
    /// for resolution.
    pub fn propose(&mut self, field: Lifecycle, at: Timestamp, by: &'static str) {
        match self.lifecycle.iter_mut().find(|p| p.field == field) {
            Some(p) => {
                let later = at > p.at;
                if (field == Lifecycle::Resolved) == later {
                    p.at = at;
                }
            }
            None => self.lifecycle.push(Proposal { field, at, by }),
        }
    }
}

/// What the command line says about which records to take.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--channel`: a Slack channel by name or id.
    pub channel: Option<String>,
    /// `--all`: every message a person wrote, every log entry.
    pub all: bool,
    pub slack: SlackImport,
}

/// Reads the export at `path` as `format` (never `Auto`, never `Csv`/`Jsonl`: those are
/// rows with loose times). Errors name the file and, for JSON, line and column.
pub fn read(path: &Path, format: Format, options: &Options) -> Result<Export, String> {
    match format {
        Format::Slack => slack::read(path, options),
        Format::Pagerduty => pagerduty::read(path, options),
        Format::Alertmanager => alertmanager::read(path, options),
        Format::Statuspage => statuspage::read(path, options),
        Format::Auto | Format::Csv | Format::Jsonl => Err(format!(
            "{}: {} is not an export format (internal error)",
            path.display(),
            format
        )),
    }
}
