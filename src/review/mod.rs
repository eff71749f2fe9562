//! The incident domain: reviews, problem records, their timelines, action items and metrics.

pub mod document;
pub mod duration;
pub mod edit;
pub mod import;
pub mod metrics;
mod parse;
pub mod problem;
pub mod time;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;

pub use document::Section;
pub use metrics::Metrics;
pub use parse::{ParsedFile, parse_review, suggest};
pub use time::Timestamp;

use crate::diagnostic::{Diagnostic, InvalidFile, Level};

/// Where a review is in its own life.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    #[default]
    Draft,
    InReview,
    Published,
}

impl Status {
    pub const NAMES: &[&str] = &["draft", "in-review", "published"];

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "draft" => Some(Status::Draft),
            "in-review" => Some(Status::InReview),
            "published" => Some(Status::Published),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// How the incident came to the team's attention.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Detection {
    pub method: Option<String>,
    pub source: Option<String>,
}

pub const DETECTION_METHODS: &[&str] = &["alert", "customer", "employee", "automation", "other"];

/// Error-budget use of one SLO.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct SloImpact {
    pub name: String,
    pub budget_consumed_pct: Option<f64>,
}

/// Who and what was hit.
#[derive(Clone, Debug, Default, PartialEq, Serialize, JsonSchema)]
pub struct Impact {
    pub summary: Option<String>,
    pub users_affected: Option<u64>,
    pub customer_tickets: Option<u64>,
    pub slo: Vec<SloImpact>,
}

pub const ENTRY_KINDS: &[&str] = &[
    "trigger",
    "detection",
    "escalation",
    "diagnosis",
    "mitigation",
    "resolution",
    "communication",
    "note",
];

/// A timeline kind as written by a person (`Mitigation`), checked and lower-cased.
pub fn entry_kind(kind: &str) -> Result<String, String> {
    let kind = kind.trim().to_ascii_lowercase();
    if ENTRY_KINDS.contains(&kind.as_str()) {
        Ok(kind)
    } else {
        Err(format!(
            "unknown kind `{kind}`; use one of: {}",
            ENTRY_KINDS.join(", ")
        ))
    }
}

/// One event of the incident timeline.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct TimelineEntry {
    pub at: Timestamp,
    pub kind: String,
    pub text: String,
}

pub const ACTION_TYPES: &[&str] = &["prevent", "detect", "mitigate", "process"];
pub const ACTION_STATUSES: &[&str] = &["open", "in-progress", "done", "wont-do"];

/// A follow-up the team commits to.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct ActionItem {
    pub id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub tracker: Option<String>,
    pub status: String,
}

/// A post-incident review: the facts of the front matter and the narrative sections.
#[derive(Clone, Debug, Default, PartialEq, Serialize, JsonSchema)]
pub struct Review {
    pub id: String,
    pub title: String,
    pub status: Status,
    /// Normalised to the scale's id (an alias such as `P1` becomes `SEV1`).
    pub severity: String,
    pub services: Vec<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub incident_commander: Option<String>,
    pub started_at: Option<Timestamp>,
    pub detected_at: Option<Timestamp>,
    pub acknowledged_at: Option<Timestamp>,
    pub mitigated_at: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
    pub detection: Option<Detection>,
    pub impact: Option<Impact>,
    pub trigger: Option<String>,
    pub timeline: Vec<TimelineEntry>,
    pub action_items: Vec<ActionItem>,
    pub problem: Option<String>,
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
    pub fn deadline(&self, item: &ActionItem, config: &crate::config::Config) -> Option<NaiveDate> {
        item.due.or_else(|| {
            let days = config.severity(&self.severity)?.action_item_days?;
            let started = self.started_at?.with_timezone(&config.zone).date_naive();
            Some(started + chrono::Duration::days(i64::from(days)))
        })
    }

    /// An open item past its deadline.
    pub fn is_overdue(
        &self,
        item: &ActionItem,
        config: &crate::config::Config,
        today: NaiveDate,
    ) -> bool {
        item.is_open() && self.deadline(item, config).is_some_and(|d| d < today)
    }
}

impl ActionItem {
    /// `open` or `in-progress`.
    pub fn is_open(&self) -> bool {
        matches!(self.status.as_str(), "open" | "in-progress")
    }
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
pub fn decode(bytes: &[u8]) -> Result<&str, (yaml::Pos, String)> {
    let start = yaml::Pos {
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
        let pos = yaml::Pos {
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
    pub fn read(path: &Path, config: &crate::config::Config) -> anyhow::Result<Self> {
        let text = read_text(path, config.check.max_file_mb)?;
        let parsed = parse_review(path, &text, config);
        Ok(ReviewFile {
            path: path.to_path_buf(),
            text,
            parsed,
        })
    }

    /// Reads a review that must be usable: error-level findings become an error that
    /// lists them with their positions; warnings are returned for the caller to print.
    pub fn load(path: &Path, config: &crate::config::Config) -> anyhow::Result<Self> {
        let file = Self::read(path, config)?;
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
