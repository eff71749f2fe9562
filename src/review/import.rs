//! Timeline entries from other tools: CSV (`time,text[,kind[,source]]`) or JSON lines
//! (`{"time": ..., "text": ..., "kind": ..., "source": ...}`).

use std::path::Path;

use crate::printable::{one_line, printable};
use crate::review::clock::AnswerClock;
use crate::review::{TimelineEntry, entry_kind};

/// One row of an import file, before its time is interpreted.
#[derive(Debug, PartialEq)]
pub struct Row {
    pub line: usize,
    pub time: String,
    pub text: String,
    pub kind: Option<String>,
    pub source: Option<String>,
}

/// Reads the rows of `source` (the text of `path`); the format follows the extension
/// (`.jsonl`, `.ndjson`, `.json`) or a first `{`.
pub fn rows(path: &Path, source: &str) -> Result<Vec<Row>, String> {
    let json = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson" | "json")
    ) || source.trim_start().starts_with('{');
    rows_as(path, source, json)
}

/// Reads the rows of `source` as JSON lines (`json`) or as CSV, whatever its name says.
pub fn rows_as(path: &Path, source: &str, json: bool) -> Result<Vec<Row>, String> {
    if json {
        json_rows(path, source)
    } else {
        csv_rows(path, source)
    }
}

/// An entry read from an import file, with the line and time text it came from.
#[derive(Debug)]
pub struct Imported {
    pub line: usize,
    pub typed: String,
    pub entry: TimelineEntry,
}

/// Interprets the rows' times (the first bare time is nearest the incident, each later
/// one nearest the row before; `+10m` counts from the row before) and checks kinds and
/// texts. Rows written by hand are all or nothing: the error names every bad row, one
/// line each (a row after a bad time counts from the last good one).
pub fn entries(
    path: &Path,
    rows: Vec<Row>,
    clock: &mut AnswerClock,
) -> Result<Vec<Imported>, String> {
    every_or_errors(rows.into_iter().map(|row| {
        // Printed on the terminal and written into the review: no escape sequences, line
        // breaks or bidirectional overrides (as the export readers do).
        let at_line = |e: String| format!("{}:{}: {e}", path.display(), row.line);
        let typed = printable(row.time.trim());
        let at = clock
            .take(&typed)
            .map_err(|e| at_line(format!("time: {e}")))?;
        let kind = printable(row.kind.as_deref().unwrap_or("note"));
        let kind = entry_kind(kind.trim()).map_err(at_line)?;
        let text = one_line(&row.text);
        if text.is_empty() {
            return Err(at_line("the entry text is empty".into()));
        }
        Ok(Imported {
            line: row.line,
            entry: TimelineEntry {
                at,
                kind,
                text,
                source: row
                    .source
                    .map(|s| printable(s.trim()))
                    .filter(|s| !s.is_empty()),
            },
            typed,
        })
    }))
}

/// The values, or every error, one line each.
fn every_or_errors<T>(items: impl Iterator<Item = Result<T, String>>) -> Result<Vec<T>, String> {
    let (mut ok, mut errors) = (Vec::new(), Vec::new());
    for item in items {
        match item {
            Ok(v) => ok.push(v),
            Err(e) => errors.push(e),
        }
    }
    unless_errors(ok, errors)
}

/// `value`, or the errors, one line each.
fn unless_errors<T>(value: T, errors: Vec<String>) -> Result<T, String> {
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(errors.join("\n"))
    }
}

fn json_rows(path: &Path, source: &str) -> Result<Vec<Row>, String> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Line {
        #[serde(alias = "at")]
        time: String,
        text: String,
        kind: Option<String>,
        source: Option<String>,
    }
    let rows = source
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            let parsed: Line = serde_json::from_str(line)
                .map_err(|e| format!("{}:{}:{}: {e}", path.display(), i + 1, e.column()))?;
            Ok(Row {
                line: i + 1,
                time: parsed.time,
                text: parsed.text,
                kind: parsed.kind,
                source: parsed.source,
            })
        });
    every_or_errors(rows)
}

/// CSV with columns time,text[,kind[,source]]; a header row (`time,text,kind,source`) is
/// optional.
fn csv_rows(path: &Path, source: &str) -> Result<Vec<Row>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(source.as_bytes());
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
        let line = record.position().map_or(i + 1, |p| p.line() as usize);
        let field = |n: usize| record.get(n).unwrap_or("").to_string();
        if i == 0 && matches!(field(0).to_ascii_lowercase().as_str(), "time" | "at") {
            continue;
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() < 2 {
            errors.push(format!(
                "{}:{line}: expected `time,text[,kind[,source]]`, found {} column(s)",
                path.display(),
                record.len()
            ));
            continue;
        }
        let kind = Some(field(2)).filter(|k| !k.is_empty());
        let source = Some(field(3)).filter(|s| !s.is_empty());
        rows.push(Row {
            line,
            time: field(0),
            text: field(1),
            kind,
            source,
        });
    }
    unless_errors(rows, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn clock() -> AnswerClock {
        let started = crate::review::time::parse_rfc3339("2026-11-20T14:02:00Z").unwrap();
        AnswerClock::timeline(
            chrono_tz::UTC,
            Some((started, started)),
            chrono::Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap(),
        )
    }

    #[test]
    fn csv_with_and_without_header_quotes_and_relative_times() {
        let path = Path::new("e.csv");
        let read = rows(
            path,
            "time,text,kind\n15:20,\"Status page, updated\",Communication\n+10m,Customers told\n",
        )
        .unwrap();
        let entries = entries(path, read, &mut clock()).unwrap();
        assert_eq!(entries[0].entry.text, "Status page, updated");
        assert_eq!(entries[0].entry.kind, "communication");
        assert_eq!((entries[0].line, entries[0].typed.as_str()), (2, "15:20"));
        assert_eq!(
            entries[1].entry.at.to_rfc3339(),
            "2026-11-20T15:30:00+00:00"
        );
        assert_eq!(entries[1].entry.kind, "note");
        let no_header = rows(path, "14:30,x\n").unwrap();
        assert_eq!(no_header.len(), 1);
        let sourced = rows(path, "14:30,x,note,slack:C1/1.2\n14:31,y,,\n").unwrap();
        let sourced = super::entries(path, sourced, &mut clock()).unwrap();
        assert_eq!(sourced[0].entry.source.as_deref(), Some("slack:C1/1.2"));
        assert_eq!(sourced[1].entry.source, None);
    }

    #[test]
    fn json_lines_and_errors_name_the_line() {
        let path = Path::new("e.jsonl");
        let ok = rows(path, "{\"at\": \"14:20\", \"text\": \"Channel opened\"}\n\n{\"time\": \"14:25\", \"text\": \"x\", \"kind\": \"diagnosis\"}\n").unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[1].line, 3);
        let sourced = rows(
            path,
            "{\"at\": \"14:20\", \"text\": \"x\", \"source\": \"https://x.test/1\"}",
        )
        .unwrap();
        assert_eq!(sourced[0].source.as_deref(), Some("https://x.test/1"));
        let err = rows(path, "{\"time\": \"14:20\"}\n").unwrap_err();
        assert!(err.starts_with("e.jsonl:1:"), "{err}");
        let bad_kind = entries(
            path,
            rows(
                path,
                "{\"time\": \"14:20\", \"text\": \"x\", \"kind\": \"oops\"}",
            )
            .unwrap(),
            &mut clock(),
        )
        .unwrap_err();
        assert!(
            bad_kind.starts_with("e.jsonl:1: unknown kind `oops`"),
            "{bad_kind}"
        );
        let short = rows(Path::new("e.csv"), "14:00\n").unwrap_err();
        assert!(
            short.contains("e.csv:1: expected `time,text[,kind[,source]]`"),
            "{short}"
        );
    }

    /// Escape sequences, line breaks and bidirectional overrides in a row never reach the
    /// terminal or the review.
    #[test]
    fn control_and_bidi_characters_are_dropped() {
        let path = Path::new("e.csv");
        let csv = "14:05\u{7},\"Paged \u{1b}[31mred\u{1b}[0m\nand \u{202e}evil\",note\u{1b},pd:\u{202e}X1\n";
        let imported = entries(path, rows(path, csv).unwrap(), &mut clock()).unwrap();
        let entry = &imported[0].entry;
        assert_eq!(entry.text, "Paged [31mred[0m and evil");
        assert_eq!(entry.source.as_deref(), Some("pd:X1"));
        assert_eq!(imported[0].typed, "14:05");
        let bad = rows(path, "14:05,x,\u{1b}[2Jwipe\n").unwrap();
        let error = entries(path, bad, &mut clock()).unwrap_err();
        assert!(!error.contains('\u{1b}'), "{error:?}");
    }

    /// Rows written by hand are all or nothing, and the error names every bad row at once
    /// (not only the first), one line each.
    #[test]
    fn every_bad_row_is_named() {
        let path = Path::new("e.csv");
        let csv =
            "14:05,Paged\n25:99,Impossible\n14:20,Fine,oops\n14:30,\n14:40,Mitigated,mitigation\n";
        let error = entries(path, rows(path, csv).unwrap(), &mut clock()).unwrap_err();
        let lines: Vec<&str> = error.lines().collect();
        assert_eq!(lines.len(), 3, "{error}");
        assert!(lines[0].starts_with("e.csv:2: time: "), "{error}");
        assert!(
            lines[1].starts_with("e.csv:3: unknown kind `oops`"),
            "{error}"
        );
        assert!(
            lines[2].starts_with("e.csv:4: the entry text is empty"),
            "{error}"
        );
        let short = rows(path, "14:00\n14:05,ok\n14:10\n").unwrap_err();
        assert_eq!(short.lines().count(), 2, "{short}");
        let json = "{\"time\": 1}\n{\"time\": \"14:00\", \"text\": \"ok\"}\n{oops\n";
        let bad = rows(Path::new("e.jsonl"), json).unwrap_err();
        let lines: Vec<&str> = bad.lines().collect();
        assert_eq!(lines.len(), 2, "{bad}");
        assert!(lines[0].starts_with("e.jsonl:1:"), "{bad}");
        assert!(lines[1].starts_with("e.jsonl:3:"), "{bad}");
    }
}
