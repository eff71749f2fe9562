//! `pirt timeline add` and `pirt timeline import`

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::Utc;

use crate::cmd::Output;
use crate::config::Config;
use crate::fsutil::{self, EditLock};
use crate::review::edit::{add_timeline_entries, format_timestamp};
use crate::review::{ReviewFile, TimelineEntry, entry_kind, import};
use crate::scaffold::AnswerClock;

pub fn add(
    config: &Config,
    path: &Path,
    text: &str,
    at: Option<&str>,
    kind: &str,
    out: &Output,
) -> anyhow::Result<ExitCode> {
    let _lock = EditLock::acquire(path)?;
    let file = ReviewFile::load(path, config)?;
    out.warnings(&file);
    let mut clock = clock(config, &file);
    let at = clock
        .take(at.unwrap_or("now"))
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
    };
    write_entries(config, &file, std::slice::from_ref(&entry))?;
    out.note(format!(
        "added {} entry at {} to {}",
        entry.kind,
        format_timestamp(&entry.at),
        path.display()
    ));
    Ok(ExitCode::SUCCESS)
}

pub fn import(config: &Config, path: &Path, from: &Path, out: &Output) -> anyhow::Result<ExitCode> {
    let source =
        std::fs::read_to_string(from).with_context(|| format!("cannot read {}", from.display()))?;
    let rows = import::rows(from, &source).map_err(|e| anyhow::anyhow!(e))?;
    let _lock = EditLock::acquire(path)?;
    let file = ReviewFile::load(path, config)?;
    out.warnings(&file);
    let entries =
        import::entries(from, rows, &mut clock(config, &file)).map_err(|e| anyhow::anyhow!(e))?;
    if entries.is_empty() {
        bail!("{} holds no entries", from.display());
    }
    write_entries(config, &file, &entries)?;
    out.note(format!(
        "imported {} entries into {}",
        entries.len(),
        path.display()
    ));
    Ok(ExitCode::SUCCESS)
}

/// Bare times fall on the incident's start date; `+15m` counts from the latest entry.
fn clock(config: &Config, file: &ReviewFile) -> AnswerClock {
    let review = file.review();
    let latest = review.timeline.iter().map(|e| e.at).max();
    let mut clock = AnswerClock::timeline(config.zone, review.started_at, Utc::now());
    if let Some(latest) = latest {
        clock.count_from(latest);
    }
    clock
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
