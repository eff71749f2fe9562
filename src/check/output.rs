//! Printers for check reports: human, JSON, GitHub workflow annotations and SARIF 2.1.0.

use std::io::{self, Write};

use serde_json::json;

use crate::check::{DefaultLevel, RULES, Report};
use crate::diagnostic::{Diagnostic, Level};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
    Sarif,
}

/// `N errors, M warnings in K files`
pub fn summary_line(report: &Report) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut line = format!(
        "{}, {} in {}",
        plural(report.count(Level::Error), "error"),
        plural(report.count(Level::Warning), "warning"),
        plural(report.files, "file")
    );
    if report.fixable > 0 {
        line.push_str(&format!(
            "; {} fixable with `pirt check --fix` (`--diff` shows how)",
            report.fixable
        ));
    }
    if report.escalating > 0 {
        line.push_str(&format!(
            "; at in-review the drafts would have {} more errors (`pirt check --as in-review` lists them)",
            report.escalating
        ));
    }
    // A count of nothing wrong must not read as a pass when something was not checked.
    if !report.io_errors.is_empty() {
        line.push_str(&format!(
            "; {} not checked (errors below)",
            plural(report.io_errors.len(), "path")
        ));
    }
    line
}

/// Prints a report. `root` is the repository the SARIF URIs are relative to.
pub fn write(
    format: Format,
    report: &Report,
    styled: bool,
    root: &std::path::Path,
    out: &mut dyn Write,
) -> io::Result<()> {
    // A report is many small writes, and standard output writes each line on its own.
    let mut buffered = io::BufWriter::with_capacity(64 * 1024, out);
    let out: &mut dyn Write = &mut buffered;
    match format {
        Format::Human => human(report, styled, out)?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &JsonReport::of(report))?;
            writeln!(out)?
        }
        Format::Github => github(report, out)?,
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif(report, root))?;
            writeln!(out)?
        }
    }
    buffered.flush()
}

fn human(report: &Report, styled: bool, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.diagnostics {
        let text = d.render(styled);
        let text = if styled {
            colour_headline(d, text)
        } else {
            text
        };
        writeln!(out, "{text}\n")?;
    }
    writeln!(out, "{}", summary_line(report))
}

fn colour_headline(d: &Diagnostic, text: String) -> String {
    let word = format!("{}[{}]", d.level, d.rule);
    let colour = if d.level == Level::Error {
        "\x1b[1;31m"
    } else {
        "\x1b[1;33m"
    };
    text.replacen(&word, &format!("{colour}{word}\x1b[0m"), 1)
}

/// The JSON report (version 1): `{version, summary: {files, errors, warnings},
/// diagnostics: [{path, line, column, level, rule, message, hint?}]}`, serialised straight
/// from the report.
#[derive(serde::Serialize)]
pub struct JsonReport<'a> {
    /// The name every pirt JSON output uses.
    schema_version: u32,
    /// The name of the first release, kept as an alias for one more release.
    version: u32,
    summary: JsonSummary,
    diagnostics: &'a [Diagnostic],
}

#[derive(serde::Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
}

impl<'a> JsonReport<'a> {
    pub fn of(report: &'a Report) -> Self {
        JsonReport {
            schema_version: 1,
            version: 1,
            summary: JsonSummary {
                files: report.files,
                errors: report.count(Level::Error),
                warnings: report.count(Level::Warning),
            },
            diagnostics: &report.diagnostics,
        }
    }
}

fn github(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.diagnostics {
        let kind = if d.level == Level::Error {
            "error"
        } else {
            "warning"
        };
        let mut message = d.message.clone();
        if let Some(hint) = &d.hint {
            message.push('\n');
            message.push_str(hint);
        }
        writeln!(
            out,
            "::{kind} file={},line={},col={},title={}::{}",
            escape_property(&d.path.display().to_string()),
            d.line,
            d.column,
            escape_property(&format!("pirt {}", d.rule)),
            escape_data(&message)
        )?;
    }
    Ok(())
}

/// Workflow-command escaping (as in @actions/core).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

/// A relative path as a SARIF `uri`: forward slashes, unsafe characters percent-encoded.
fn uri(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `yaml-syntax` → `YamlSyntax` (a rule's name is `PirtYamlSyntax`: never the id again, even ignoring case).
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
        })
        .collect()
}

/// Where the README documents the rules (SARIF `helpUri`).
const RULES_URI: &str = "https://github.com/pirt-dev/pirt#check-rules";

/// A finding's column in UTF-16 code units, the unit GitHub code scanning reads by
/// default: pirt counts characters, and a character outside the Basic Multilingual Plane
/// (an emoji) is two UTF-16 units.
fn utf16_column(d: &Diagnostic) -> usize {
    let Some(line) = &d.snippet else {
        return d.column;
    };
    let before: usize = line.chars().take(d.column - 1).map(char::len_utf16).sum();
    let counted = line.chars().take(d.column - 1).count();
    // Past the kept snippet (very long lines), count the rest as one unit each.
    before + (d.column - 1 - counted) + 1
}

/// The repository a SARIF log is relative to: the git top level above `from`, else the
/// folder of pirt.toml (`config_root`).
pub fn sarif_root(from: &std::path::Path, config_root: &std::path::Path) -> std::path::PathBuf {
    let found = from
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .unwrap_or(config_root);
    std::path::absolute(found).unwrap_or_else(|_| found.to_path_buf())
}

/// The artifact location of a file: relative to `%SRCROOT%` when the file is inside the
/// repository root, else an absolute `file://` URI.
fn artifact(path: &std::path::Path, root: &std::path::Path) -> serde_json::Value {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match absolute.strip_prefix(root) {
        Ok(relative) => json!({ "uri": uri(relative), "uriBaseId": "%SRCROOT%" }),
        Err(_) => json!({ "uri": format!("file://{}", uri(&absolute)) }),
    }
}

/// A SARIF 2.1.0 log of a check run, with URIs relative to `root` (the repository).
pub fn sarif(report: &Report, root: &std::path::Path) -> serde_json::Value {
    let notifications: Vec<_> = report
        .io_errors
        .iter()
        .map(|e| json!({ "level": "error", "message": { "text": e } }))
        .collect();
    sarif_log(report, root, notifications)
}

/// A SARIF log for a run that could not check anything (a broken config): no results, the
/// error as a tool execution notification, `executionSuccessful: false`, so that a
/// workflow uploading it shows the failure instead of an empty, passing scan.
pub fn sarif_failure(error: &str, root: &std::path::Path) -> serde_json::Value {
    let notification = json!({ "level": "error", "message": { "text": error } });
    sarif_log(&Report::default(), root, vec![notification])
}

fn sarif_log(
    report: &Report,
    root: &std::path::Path,
    notifications: Vec<serde_json::Value>,
) -> serde_json::Value {
    let rules: Vec<_> = RULES
        .iter()
        .map(|r| {
            let level = match r.default {
                DefaultLevel::Warning => "warning",
                _ => "error",
            };
            json!({
                "id": r.id.as_str(),
                // SARIF: a friendly name distinct from the stable id.
                "name": format!("Pirt{}", pascal_case(r.id.as_str())),
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.description },
                "help": {
                    "text": r.help,
                    "markdown": format!("**{}**: {}\n\n{}\n\nSee [the rules]({RULES_URI}).", r.id.as_str(), r.description, r.help),
                },
                "helpUri": RULES_URI,
                "defaultConfiguration": { "level": level },
            })
        })
        .collect();
    let results: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(hint) = &d.hint {
                text.push_str(" (");
                text.push_str(hint);
                text.push(')');
            }
            json!({
                "ruleId": d.rule,
                "ruleIndex": d.rule as usize,
                "level": sarif_level(d.level),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact(&d.path, root),
                        "region": { "startLine": d.line, "startColumn": utf16_column(d) },
                    }
                }],
            })
        })
        .collect();
    let root_uri = format!("file://{}/", uri(root).trim_end_matches('/'));
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "pirt",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/pirt-dev/pirt",
                    "rules": rules,
                }
            },
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "originalUriBaseIds": { "%SRCROOT%": { "uri": root_uri } },
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping() {
        assert_eq!(escape_data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn sarif_uris() {
        assert_eq!(
            uri(std::path::Path::new("post mortems/ä.md")),
            "post%20mortems/%C3%A4.md"
        );
    }
}
