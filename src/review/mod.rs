//! The incident domain: reviews, problem records, their timelines, action items and metrics.

pub mod clock;
pub mod document;
pub mod duration;
pub mod edit;
pub mod import;
pub mod metrics;
mod parse;
pub mod positions;
pub mod problem;
pub mod severity;
pub mod time;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;

pub use crate::names::suggest;
pub use document::Section;
pub use metrics::Metrics;
pub use parse::{ParsedFile, parse_review};
pub use positions::Positions;
pub use severity::{Scale, Severity, SeverityLevel};
pub use time::Timestamp;

use crate::diagnostic::{Diagnostic, InvalidFile, Level};

named_enum! {
    /// Where a review is in its own life.
    #[derive(Default)]
    pub enum Status {
        #[default]
        Draft = "draft",
        InReview = "in-review",
        Published = "published",
    }
}
deserialize_by_name!(Status, "status");

/// What the review model reads of the configuration (`config::Config` provides it, so that
/// `review` does not depend on `config`): the scale severities resolve against, the zone
/// in which deadlines fall, and the size of the largest file pirt reads.
pub trait Settings: AsRef<Scale> {
    fn zone(&self) -> chrono_tz::Tz;
    fn max_file_mb(&self) -> u64;
}

named_enum! {
    /// Who or what noticed the incident first.
    pub enum DetectionMethod {
        Alert = "alert",
        Customer = "customer",
        Employee = "employee",
        Automation = "automation",
        Other = "other",
    }
}
deserialize_by_name!(DetectionMethod, "detection method");

/// How the incident came to the team's attention.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[schemars(transform = unknown_keys_are_warnings)]
pub struct Detection {
    pub method: Option<DetectionMethod>,
    pub source: Option<String>,
}

/// Error-budget use of one SLO.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[schemars(transform = unknown_keys_are_warnings)]
pub struct SloImpact {
    pub name: String,
    pub budget_consumed_pct: Option<f64>,
}

/// Who and what was hit.
#[derive(Clone, Debug, Default, PartialEq, Serialize, JsonSchema)]
#[schemars(transform = unknown_keys_are_warnings)]
pub struct Impact {
    pub summary: Option<String>,
    pub users_affected: Option<u64>,
    pub customer_tickets: Option<u64>,
    #[schemars(default)]
    pub slo: Vec<SloImpact>,
}

named_enum! {
    /// What a timeline entry records (`note` when not written).
    #[derive(Default)]
    pub enum EntryKind {
        Trigger = "trigger",
        Detection = "detection",
        Escalation = "escalation",
        Diagnosis = "diagnosis",
        Mitigation = "mitigation",
        Resolution = "resolution",
        Communication = "communication",
        #[default]
        Note = "note",
    }
}
deserialize_by_name!(EntryKind, "kind");

/// A timeline kind as written by a person (`Mitigation`), checked and lower-cased.
pub fn entry_kind(kind: &str) -> Result<EntryKind, String> {
    let kind = kind.trim().to_ascii_lowercase();
    EntryKind::parse(&kind).ok_or_else(|| {
        format!(
            "unknown kind `{kind}`; use one of: {}",
            EntryKind::NAMES.join(", ")
        )
    })
}

/// One event of the incident timeline.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[schemars(transform = unknown_keys_are_warnings)]
pub struct TimelineEntry {
    pub at: Timestamp,
    /// `note` when not written.
    #[schemars(with = "Option<EntryKind>")]
    pub kind: EntryKind,
    pub text: String,
    /// The evidence the entry rests on (SPEC §7.1): a URL or a scheme-prefixed id such as
    /// `slack:C07INC4812/1763647752.000200`; imports skip an entry whose source is already
    /// in the timeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

named_enum! {
    /// What a follow-up does against the next incident.
    pub enum ActionType {
        Prevent = "prevent",
        Detect = "detect",
        Mitigate = "mitigate",
        Process = "process",
    }
}
deserialize_by_name!(ActionType, "action type");

named_enum! {
    /// Where a follow-up is.
    #[derive(Default)]
    pub enum ActionStatus {
        #[default]
        Open = "open",
        InProgress = "in-progress",
        Done = "done",
        WontDo = "wont-do",
    }
}
deserialize_by_name!(ActionStatus, "action status");

impl ActionStatus {
    /// Still to be done: `open` or `in-progress`.
    pub fn is_open(self) -> bool {
        matches!(self, ActionStatus::Open | ActionStatus::InProgress)
    }
}
pub const ACTION_STATUSES: &[&str] = ActionStatus::NAMES;

/// A follow-up the team commits to.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[schemars(transform = unknown_keys_are_warnings)]
pub struct ActionItem {
    pub id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: Option<ActionType>,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub tracker: Option<String>,
    /// `open` when not written.
    #[schemars(with = "Option<ActionStatus>")]
    pub status: ActionStatus,
}

/// How a front-matter time is written, in the JSON Schema.
const TIME_FORMAT: &str = "RFC 3339 with an offset, e.g. 2026-11-20T14:02:00Z";

/// A post-incident review: the facts of the front matter and the narrative sections.
///
/// The JSON Schema of the front matter (`pirt schema`) is derived from these types; what a
/// file must hold beyond the Rust types (`started_at`) and what may be left out (the lists)
/// is said by the `schemars` attributes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, JsonSchema)]
#[schemars(
    title = "pirt review front matter",
    description = "A post-incident review: the facts of the front matter and the narrative sections.",
    extend("$id" = "https://pirt.dev/schema/review.json"),
    transform = unknown_keys_are_warnings
)]
pub struct Review {
    pub id: String,
    pub title: String,
    pub status: Status,
    /// Resolved against the scale: an alias such as `P1` becomes `SEV1`, with its rank.
    #[schemars(description = "A level of the configured scale, or one of its aliases")]
    pub severity: Severity,
    #[schemars(default)]
    pub services: Vec<String>,
    #[schemars(default)]
    pub tags: Vec<String>,
    #[schemars(default)]
    pub authors: Vec<String>,
    pub incident_commander: Option<String>,
    /// Required, and may be null (as `pirt check` reads it).
    #[schemars(required, description = TIME_FORMAT, extend("type" = ["string", "null"]))]
    pub started_at: Option<Timestamp>,
    #[schemars(description = TIME_FORMAT)]
    pub detected_at: Option<Timestamp>,
    #[schemars(description = TIME_FORMAT)]
    pub acknowledged_at: Option<Timestamp>,
    #[schemars(description = TIME_FORMAT)]
    pub mitigated_at: Option<Timestamp>,
    #[schemars(description = TIME_FORMAT)]
    pub resolved_at: Option<Timestamp>,
    pub detection: Option<Detection>,
    pub impact: Option<Impact>,
    pub trigger: Option<String>,
    #[schemars(default)]
    pub timeline: Vec<TimelineEntry>,
    #[schemars(default)]
    pub action_items: Vec<ActionItem>,
    pub problem: Option<String>,
    #[schemars(default)]
    pub related: Vec<String>,
    /// Keys pirt does not know, kept as written (and reported as warnings).
    #[schemars(skip)]
    pub extra: BTreeMap<String, serde_json::Value>,
    /// The body's `## ` sections (not part of the front matter).
    #[schemars(skip)]
    pub sections: Vec<Section>,
}

impl Review {
    pub fn metrics(&self) -> Metrics {
        Metrics::of(self)
    }

    /// The review without the positions of its body sections: what an edit of the front
    /// matter must leave equal (sections move down when lines are added above them).
    pub fn without_positions(&self) -> Review {
        Review {
            sections: self
                .sections
                .iter()
                .map(|s| Section {
                    line: 0,
                    span: 0..0,
                    ..s.clone()
                })
                .collect(),
            ..self.clone()
        }
    }

    /// When an action item is due: its `due`, else the incident's start plus the
    /// severity's `action_item_days`.
    pub fn deadline(&self, item: &ActionItem, settings: &impl Settings) -> Option<NaiveDate> {
        item.due.or_else(|| {
            let days = settings.as_ref().of(&self.severity)?.action_item_days?;
            let started = self
                .started_at?
                .with_timezone(&settings.zone())
                .date_naive();
            Some(started + chrono::Duration::days(i64::from(days)))
        })
    }

    /// An open item past its deadline.
    pub fn is_overdue(
        &self,
        item: &ActionItem,
        settings: &impl Settings,
        today: NaiveDate,
    ) -> bool {
        item.is_open() && self.deadline(item, settings).is_some_and(|d| d < today)
    }
}

impl ActionItem {
    /// `open` or `in-progress`.
    pub fn is_open(&self) -> bool {
        self.status.is_open()
    }
}

/// What an unknown key is in the JSON Schema: allowed, as `pirt check` allows it with a
/// warning (it is kept under `extra`, never dropped). Editors built on
/// vscode-json-languageservice (VS Code, yaml-language-server) show `deprecationMessage` as
/// a warning on the key, so an editor and the gate say the same thing; validators ignore
/// the keyword and accept the key.
pub fn unknown_key() -> serde_json::Value {
    serde_json::json!({
        "deprecationMessage": "pirt does not know this key: a typo? `pirt check` warns about it (with a suggestion) and keeps it"
    })
}

fn unknown_keys_are_warnings(schema: &mut schemars::Schema) {
    schema.insert("additionalProperties".into(), unknown_key());
}

/// A review read from disk: its text, where it came from, and what parsing found.
#[derive(Debug)]
pub struct ReviewFile {
    pub path: PathBuf,
    pub text: String,
    pub parsed: ParsedFile,
}

/// Reads a file as UTF-8 text, with errors that name the file. A file over `max_mb`
/// (`[check] max_file_mb`) is refused before it is read: every reader applies the same limit.
pub fn read_text(path: &Path, max_mb: u64) -> anyhow::Result<String> {
    use anyhow::Context;
    use std::io::Read;
    let limit = max_mb.saturating_mul(1024 * 1024);
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let size = file
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    if size > limit {
        anyhow::bail!("{}", too_large(path, size, max_mb));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // Bounded even if the file grows while it is read.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() as u64 > limit {
        anyhow::bail!("{}", too_large(path, bytes.len() as u64, max_mb));
    }
    // A UTF-16 byte-order mark is never valid UTF-8, so one check covers both cases.
    String::from_utf8(bytes).map_err(|e| {
        let (pos, message) = decode(e.as_bytes()).expect_err("not UTF-8");
        anyhow::anyhow!("{}:{}:{}: {message}", path.display(), pos.line, pos.column)
    })
}

/// The message for a file over the size limit.
pub fn too_large(path: &Path, size: u64, max_mb: u64) -> String {
    format!(
        "{}: the file is {:.1} MB, over the {max_mb} MB limit for files pirt reads ([check] max_file_mb in pirt.toml); it was not read",
        path.display(),
        size as f64 / 1048576.0
    )
}

/// The bytes as UTF-8 text, or where and why they are not (UTF-16, binary).
pub fn decode(bytes: &[u8]) -> Result<&str, (crate::pos::Pos, String)> {
    let start = crate::pos::Pos {
        line: 1,
        column: 1,
        offset: 0,
        len: 0,
    };
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        let message =
            "the file is UTF-16; pirt reads UTF-8 (convert it with `iconv -f UTF-16 -t UTF-8`)";
        return Err((start, message.into()));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = valid.rsplit(|&b| b == b'\n').next().map_or(0, |l| l.len()) + 1;
        let pos = crate::pos::Pos {
            line,
            column,
            ..start
        };
        (
            pos,
            "the file is not valid UTF-8 (is it a binary file?)".into(),
        )
    })
}

impl ReviewFile {
    /// Reads and parses a review; the result may hold error-level diagnostics.
    pub fn read(path: &Path, settings: &impl Settings) -> anyhow::Result<Self> {
        let text = read_text(path, settings.max_file_mb())?;
        let parsed = parse_review(path, &text, settings.as_ref());
        Ok(ReviewFile {
            path: path.to_path_buf(),
            text,
            parsed,
        })
    }

    /// Reads a review that must be usable: error-level findings become an error that
    /// lists them with their positions; warnings are returned for the caller to print.
    pub fn load(path: &Path, settings: &impl Settings) -> anyhow::Result<Self> {
        let file = Self::read(path, settings)?;
        file.ensure_valid()?;
        Ok(file)
    }

    pub fn ensure_valid(&self) -> Result<(), InvalidFile> {
        if self
            .parsed
            .diagnostics
            .iter()
            .any(|d| d.level == Level::Error)
        {
            let mut diagnostics = self.parsed.diagnostics.clone();
            diagnostics
                .iter_mut()
                .for_each(|d| d.attach_snippet(&self.text));
            return Err(InvalidFile { diagnostics });
        }
        Ok(())
    }

    pub fn review(&self) -> &Review {
        &self.parsed.review
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.parsed
            .diagnostics
            .iter()
            .filter(|d| d.level == Level::Warning)
    }
}
