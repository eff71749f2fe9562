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
    line
}

pub fn write(format: Format, report: &Report, styled: bool, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human(report, styled, out),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &JsonReport::of(report))?;
            writeln!(out)
        }
        Format::Github => github(report, out),
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif(report))?;
            writeln!(out)
        }
    }
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

pub fn sarif(report: &Report) -> serde_json::Value {
    let rules: Vec<_> = RULES
        .iter()
        .map(|r| {
            let level = match r.default {
                DefaultLevel::Warning => "warning",
                _ => "error",
            };
            json!({
                "id": r.name,
                "shortDescription": { "text": r.summary },
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
                "ruleIndex": RULES.iter().position(|r| r.name == d.rule).unwrap_or(0),
                "level": sarif_level(d.level),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&d.path) },
                        "region": { "startLine": d.line, "startColumn": d.column },
                    }
                }],
            })
        })
        .collect();
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
