//! `pirt timeline add` (and the helpers `timeline import` shares)

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;

use crate::cmd::Output;
use crate::config::Config;
use crate::env::Clock;
use crate::fsutil::{self, EditLock};
use crate::review::edit::add_timeline_entries;
use crate::review::time::{Timestamp, show, since_start};
use crate::review::{ReviewFile, TimelineEntry, entry_kind};
use crate::scaffold::{self, AnswerClock};

pub fn add(
    config: &Config,
    path: &Path,
    text: &str,
    at: Option<&str>,
    kind: &str,
    clock: Clock,
    out: &Output,
) -> anyhow::Result<ExitCode> {
    let _lock = EditLock::acquire(path)?;
    let file = ReviewFile::load(path, config)?;
    out.warnings(&file);
    let mut clock = answer_clock(config, &file, clock);
    let typed = at.unwrap_or("now");
    let at = clock
        .take(typed)
        .map_err(|e| anyhow::anyhow!("--at: {e}"))?;
    let kind = entry_kind(kind).map_err(|e| anyhow::anyhow!("--kind: {e}"))?;
    let text = text.trim();
    if text.is_empty() {
        bail!("the entry text is empty");
    }
    let entry = TimelineEntry {
        at,
        kind,
        text: text.to_string(),
        source: None,
    };
    write_entries(config, &file, std::slice::from_ref(&entry))?;
    out.note(format!(
        "added {} entry to {}: {}",
        entry.kind,
        path.display(),
        echo(config, &file, typed, &entry.at)
    ));
    Ok(ExitCode::SUCCESS)
}

/// A bare time is the occurrence nearest the incident window (started_at to the latest
/// lifecycle time or entry); `+15m` counts from the latest entry.
pub(super) fn answer_clock(config: &Config, file: &ReviewFile, clock: Clock) -> AnswerClock {
    let review = file.review();
    let latest = review.timeline.iter().map(|e| e.at).max();
    let known = [
        review.detected_at,
        review.acknowledged_at,
        review.mitigated_at,
        review.resolved_at,
    ]
    .into_iter()
    .chain(review.timeline.iter().map(|e| Some(e.at)));
    let window = scaffold::window(known, review.started_at);
    let mut answers = AnswerClock::timeline(config.zone, window, clock.now());
    if let Some(latest) = latest {
        answers.count_from(latest);
    }
    answers
}

/// `00:05 → 2026-12-01 00:05 CET (+55m after start)`: what was typed and what is stored.
pub(super) fn echo(config: &Config, file: &ReviewFile, typed: &str, at: &Timestamp) -> String {
    let mut line = format!("{} → {}", typed.trim(), show(at, config.zone));
    if let Some(started) = file.review().started_at {
        line.push_str(&format!(" ({})", since_start(at, &started)));
    }
    line
}

/// Inserts the entries (the edit proves itself) and replaces the file atomically.
fn write_entries(
    config: &Config,
    file: &ReviewFile,
    entries: &[TimelineEntry],
) -> anyhow::Result<()> {
    let updated = add_timeline_entries(&file.path, &file.text, &file.parsed, entries, config)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.path.display()))?;
    fsutil::write_atomic(&file.path, updated.as_bytes())
}
