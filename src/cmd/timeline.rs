//! `pirt timeline add` and `pirt timeline import`

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::Utc;

use crate::cmd::Output;
use crate::config::Config;
use crate::fsutil::{self, EditLock};
use crate::review::edit::{add_timeline_entries, format_timestamp};
use crate::review::time::{TimeContext, parse_loose};
use crate::review::{ENTRY_KINDS, Review, ReviewFile, TimelineEntry};

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
    let ctx = context(config, file.review());
    let at = parse_loose(at.unwrap_or("now"), &ctx).map_err(|e| anyhow::anyhow!("--at: {e}"))?;
    let entry = TimelineEntry {
        at,
        kind: check_kind(kind)?,
        text: check_text(text)?,
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
    let _lock = EditLock::acquire(path)?;
    let file = ReviewFile::load(path, config)?;
    out.warnings(&file);
    let mut ctx = context(config, file.review());
    let rows = if is_json_lines(from, &source) {
        json_rows(from, &source)?
    } else {
        csv_rows(from, &source)?
    };
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let at = parse_loose(&row.time, &ctx)
            .map_err(|e| anyhow::anyhow!("{}:{}: time: {e}", from.display(), row.line))?;
        ctx.previous = Some(at);
        let kind = check_kind(row.kind.as_deref().unwrap_or("note"))
            .with_context(|| format!("{}:{}", from.display(), row.line))?;
        let text =
            check_text(&row.text).with_context(|| format!("{}:{}", from.display(), row.line))?;
        entries.push(TimelineEntry { at, kind, text });
    }
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

/// Times without a date fall on the incident's start date; `+15m` counts from the last entry.
fn context(config: &Config, review: &Review) -> TimeContext {
    let mut ctx = TimeContext::new(config.zone, Utc::now());
    if let Some(started) = review.started_at {
        ctx.date = started.with_timezone(&config.zone).date_naive();
    }
    ctx.previous = review
        .timeline
        .iter()
        .map(|e| e.at)
        .max()
        .or(review.started_at);
    ctx
}

fn check_kind(kind: &str) -> anyhow::Result<String> {
    let kind = kind.trim().to_ascii_lowercase();
    if ENTRY_KINDS.contains(&kind.as_str()) {
        Ok(kind)
    } else {
        bail!(
            "unknown kind `{kind}`; use one of: {}",
            ENTRY_KINDS.join(", ")
        )
    }
}

fn check_text(text: &str) -> anyhow::Result<String> {
    let text = text.trim();
    if text.is_empty() {
        bail!("the entry text is empty");
    }
    Ok(text.to_string())
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

struct Row {
    line: usize,
    time: String,
    text: String,
    kind: Option<String>,
}

fn is_json_lines(path: &Path, source: &str) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson" | "json")
    ) || source.trim_start().starts_with('{')
}

fn json_rows(path: &Path, source: &str) -> anyhow::Result<Vec<Row>> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Line {
        #[serde(alias = "at")]
        time: String,
        text: String,
        kind: Option<String>,
    }
    let mut rows = Vec::new();
    for (i, line) in source.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(line)
            .map_err(|e| anyhow::anyhow!("{}:{}:{}: {e}", path.display(), i + 1, e.column()))?;
        rows.push(Row {
            line: i + 1,
            time: parsed.time,
            text: parsed.text,
            kind: parsed.kind,
        });
    }
    Ok(rows)
}

/// CSV with columns time,text[,kind]; a header row (`time,text,kind`) is optional.
fn csv_rows(path: &Path, source: &str) -> anyhow::Result<Vec<Row>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(source.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let line = record.position().map_or(i + 1, |p| p.line() as usize);
        let field = |n: usize| record.get(n).unwrap_or("").to_string();
        if i == 0 && matches!(field(0).to_ascii_lowercase().as_str(), "time" | "at") {
            continue;
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() < 2 {
            bail!(
                "{}:{line}: expected `time,text[,kind]`, found {} column(s)",
                path.display(),
                record.len()
            );
        }
        let kind = Some(field(2)).filter(|k| !k.is_empty());
        rows.push(Row {
            line,
            time: field(0),
            text: field(1),
            kind,
        });
    }
    Ok(rows)
}
