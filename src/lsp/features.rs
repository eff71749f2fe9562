//! What the server answers: capabilities, and the requests on documents (hover, go to
//! definition, document symbols, completion, code actions).

use std::path::{Path, PathBuf};

use lsp_server::ErrorCode;
use lsp_types::{Location, Position, Range, ServerCapabilities};
use serde_json::Value;

use super::text::{Encoding, Lines};
use super::{Reply, Server, invalid_params};
use crate::corpus::Kind;
use crate::pos::Pos;
use crate::review::{ParsedFile, parse_review};

/// What the server offers (formatting is not offered).
pub fn capabilities(encoding: Encoding) -> ServerCapabilities {
    use lsp_types::*;
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![":".into(), " ".into(), "[".into(), ",".into()]),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// The answer to a request other than initialize and shutdown.
pub fn answer<W: std::io::Write>(
    server: &mut Server<W>,
    method: &str,
    params: Value,
) -> Result<Value, Reply> {
    use lsp_types::request::{self as req, Request as _};
    let to_json = |v: Result<Option<Value>, Reply>| v.map(|v| v.unwrap_or(Value::Null));
    match method {
        req::HoverRequest::METHOD => {
            let p: lsp_types::HoverParams =
                serde_json::from_value(params).map_err(invalid_params)?;
            to_json(Ok(hover(server, &p.text_document_position_params)))
        }
        req::GotoDefinition::METHOD => {
            let p: lsp_types::GotoDefinitionParams =
                serde_json::from_value(params).map_err(invalid_params)?;
            to_json(Ok(definition(server, &p.text_document_position_params)))
        }
        req::DocumentSymbolRequest::METHOD => {
            let p: lsp_types::DocumentSymbolParams =
                serde_json::from_value(params).map_err(invalid_params)?;
            to_json(Ok(symbols(server, p.text_document.uri.as_str())))
        }
        req::Completion::METHOD => {
            let p: lsp_types::CompletionParams =
                serde_json::from_value(params).map_err(invalid_params)?;
            to_json(Ok(super::complete::complete(
                server,
                &p.text_document_position,
            )))
        }
        req::CodeActionRequest::METHOD => {
            let p: lsp_types::CodeActionParams =
                serde_json::from_value(params).map_err(invalid_params)?;
            to_json(Ok(super::actions::actions(server, &p)))
        }
        _ => Err((
            ErrorCode::MethodNotFound,
            format!("pirt lsp does not answer {method}"),
        )),
    }
}

/// An open document that pirt serves, parsed, with its text and line index.
pub struct Open {
    pub path: PathBuf,
    pub text: String,
    pub lines: Lines,
    pub parsed: ParsedFile,
    pub uri: lsp_types::Uri,
}

pub fn open<W: std::io::Write>(server: &Server<W>, key: &str) -> Option<Open> {
    let doc = server.docs.get(key)?;
    if !server.serves(doc) {
        return None;
    }
    let parsed = parse_review(&doc.path, &doc.text, &server.config);
    Some(Open {
        path: doc.path.clone(),
        text: doc.text.clone(),
        lines: Lines::new(&doc.text, server.encoding),
        parsed,
        uri: doc.uri.clone(),
    })
}

/// Whether byte `offset` lies on the scalar at `pos` (its end included: the cursor after
/// the last character still hovers it).
fn on(pos: Pos, offset: usize) -> bool {
    pos.len > 0 && offset >= pos.offset && offset <= pos.offset + pos.len
}

pub fn pos_range(open: &Open, pos: Pos) -> Range {
    open.lines
        .range(&open.text, pos.offset, pos.offset + pos.len)
}

/// What the cursor is on.
enum Target {
    Time(crate::review::Timestamp, Pos),
    LifecycleKey(&'static str, Pos),
    Severity(Pos),
    Id(String, Pos),
}

const LIFECYCLE: &[(&str, &str)] = &[
    (
        "started_at",
        "When impact began: the start of TTD, TTM and TTR.",
    ),
    (
        "detected_at",
        "**TTD**, time to detect = `detected_at` − `started_at`.",
    ),
    (
        "acknowledged_at",
        "**TTA**, time to acknowledge = `acknowledged_at` − `detected_at`.",
    ),
    (
        "mitigated_at",
        "**TTM**, time to mitigate = `mitigated_at` − `started_at`.",
    ),
    (
        "resolved_at",
        "**TTR**, time to resolve = `resolved_at` − `started_at`.",
    ),
];

fn target_at(open: &Open, offset: usize) -> Option<Target> {
    let review = &open.parsed.review;
    let positions = &open.parsed.positions;
    for (key, at) in &positions.keys {
        let key = key.as_ref();
        if let Some((name, _)) = LIFECYCLE.iter().find(|(k, _)| *k == key) {
            if on(at.key, offset) {
                return Some(Target::LifecycleKey(name, at.key));
            }
            let time = match key {
                "started_at" => review.started_at,
                "detected_at" => review.detected_at,
                "acknowledged_at" => review.acknowledged_at,
                "mitigated_at" => review.mitigated_at,
                _ => review.resolved_at,
            };
            if let Some(time) = time
                && on(at.value, offset)
            {
                return Some(Target::Time(time, at.value));
            }
        }
        if key == "severity" && on(at.value, offset) && at.text {
            return Some(Target::Severity(at.value));
        }
        if key == "problem" && on(at.value, offset) && at.text {
            let id = open
                .text
                .get(at.value.offset..at.value.offset + at.value.len)?;
            return Some(Target::Id(unquote(id).to_string(), at.value));
        }
    }
    for entry in &positions.timeline {
        if let Some(at) = &entry.at
            && on(at.pos, offset)
        {
            return Some(Target::Time(at.value, at.pos));
        }
    }
    for related in &positions.related {
        if on(related.pos, offset) {
            return Some(Target::Id(related.value.clone(), related.pos));
        }
    }
    None
}

fn unquote(text: &str) -> &str {
    text.trim().trim_matches(|c| c == '"' || c == '\'')
}

fn position_offset(open: &Open, pos: Position) -> usize {
    open.lines.offset(&open.text, pos)
}

fn hover<W: std::io::Write>(
    server: &mut Server<W>,
    at: &lsp_types::TextDocumentPositionParams,
) -> Option<Value> {
    let open = open(server, at.text_document.uri.as_str())?;
    let offset = position_offset(&open, at.position);
    let (text, pos) = match target_at(&open, offset)? {
        Target::Time(time, pos) => {
            let zone = server.config.zone;
            let mut text = format!("**{}** ({zone})", crate::review::time::show(&time, zone));
            if let Some(started) = open.parsed.review.started_at {
                let since = crate::review::time::since_start(&time, &started);
                let since = match since.as_str() {
                    "at start" => "when impact began".to_string(),
                    s => s.replace("start", "impact began"),
                };
                text.push_str(&format!(" · {since}"));
            }
            (text, pos)
        }
        Target::LifecycleKey(key, pos) => {
            let (_, what) = LIFECYCLE.iter().find(|(k, _)| *k == key)?;
            let metrics = crate::review::Metrics::of(&open.parsed.review);
            let value = match key {
                "detected_at" => metrics.time_to_detect,
                "acknowledged_at" => metrics.time_to_acknowledge,
                "mitigated_at" => metrics.time_to_mitigate,
                "resolved_at" => metrics.time_to_resolve,
                _ => None,
            };
            let mut text = what.to_string();
            if let Some(seconds) = value {
                text.push_str(&format!(
                    " In this review: {}.",
                    crate::review::duration::duration(seconds)
                ));
            }
            (text, pos)
        }
        Target::Severity(pos) => {
            let written = unquote(open.text.get(pos.offset..pos.offset + pos.len)?);
            let text = match server.config.severity(written) {
                Some(level) => {
                    let mut text = format!("**{}**: {}", level.id, level.description);
                    if level.requires_problem {
                        text.push_str("\n\nRequires a problem record (`problem:`).");
                    }
                    text
                }
                None => format!(
                    "`{written}` is not in the scale ({})",
                    server.config.severity_names().join(", ")
                ),
            };
            (text, pos)
        }
        Target::Id(id, pos) => {
            let text = match find_record(server, &id) {
                Some(record) => format!(
                    "**{}**: {}\n\n{} · status `{}`",
                    record.id,
                    record.title,
                    if record.kind == Kind::Problem {
                        "problem record"
                    } else {
                        "review"
                    },
                    record.status
                ),
                None => format!("no review or problem record has the id `{id}`"),
            };
            (text, pos)
        }
    };
    serde_json::to_value(lsp_types::Hover {
        contents: lsp_types::HoverContents::Markup(lsp_types::MarkupContent {
            kind: lsp_types::MarkupKind::Markdown,
            value: text,
        }),
        range: Some(pos_range(&open, pos)),
    })
    .ok()
}

/// A review or problem record found by its id.
pub struct Record {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub status: String,
    pub path: PathBuf,
    pub text: String,
}

/// The record with `id`: an open document as it is in the editor, else the file the
/// index names.
pub fn find_record<W: std::io::Write>(server: &mut Server<W>, id: &str) -> Option<Record> {
    let held: Option<(PathBuf, String)> = server
        .docs
        .values()
        .find(|d| crate::corpus::files::text_id(d.text.as_bytes()).as_deref() == Some(id))
        .map(|d| (d.path.clone(), d.text.clone()));
    let (path, text) = match held {
        Some(found) => found,
        None => {
            let max = server.config.check.max_file_mb;
            let path = server
                .index()
                .ids()
                .find(|(_, i, _)| *i == id)
                .map(|(_, _, p)| p.to_path_buf())?;
            let text = crate::review::read_text(&path, max).ok()?;
            (path, text)
        }
    };
    let kind = crate::check::kind_of(&server.config, &path);
    let (title, status) = match kind {
        Kind::Problem => {
            let (problem, _) = crate::review::problem::parse_problem(&path, &text);
            (problem.title, problem.status)
        }
        Kind::Review => {
            let parsed = parse_review(&path, &text, &server.config);
            (
                parsed.review.title,
                parsed.review.status.as_str().to_string(),
            )
        }
    };
    Some(Record {
        id: id.to_string(),
        kind,
        title,
        status,
        path,
        text,
    })
}

fn definition<W: std::io::Write>(
    server: &mut Server<W>,
    at: &lsp_types::TextDocumentPositionParams,
) -> Option<Value> {
    let open = open(server, at.text_document.uri.as_str())?;
    let offset = position_offset(&open, at.position);
    let Target::Id(id, _) = target_at(&open, offset)? else {
        return None;
    };
    let record = find_record(server, &id)?;
    let uri = super::path_to_uri(&absolute(&record.path))?;
    let lines = Lines::new(&record.text, server.encoding);
    let line = record
        .text
        .lines()
        .position(|l| l.starts_with("id:"))
        .unwrap_or(0);
    let start = lines.start(line).unwrap_or(0);
    let end = start + lines.line_text(&record.text, line).len();
    serde_json::to_value(Location {
        uri,
        range: lines.range(&record.text, start, end),
    })
    .ok()
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written, as None.
fn symbol(
    name: String,
    detail: Option<String>,
    kind: lsp_types::SymbolKind,
    range: Range,
    children: Option<Vec<lsp_types::DocumentSymbol>>,
) -> lsp_types::DocumentSymbol {
    lsp_types::DocumentSymbol {
        name: if name.trim().is_empty() {
            "(empty)".into()
        } else {
            name
        },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: range,
        children,
    }
}

/// Sections, timeline entries and action items, in file order.
fn symbols<W: std::io::Write>(server: &Server<W>, key: &str) -> Option<Value> {
    use lsp_types::SymbolKind;
    let open = open(server, key)?;
    let texts = open.parsed.texts();
    let text_of = |pos: Option<Pos>| {
        pos.and_then(|p| crate::review::positions::text_at(&texts, p))
            .map(|t| t.chars().take(80).collect::<String>())
    };
    let line_range = |line: usize| {
        let start = open.lines.start(line).unwrap_or(open.text.len());
        let end = start + open.lines.line_text(&open.text, line).len();
        open.lines.range(&open.text, start, end)
    };
    let mut out = Vec::new();
    let positions = &open.parsed.positions;
    if !positions.timeline.is_empty() {
        let entries: Vec<_> = positions
            .timeline
            .iter()
            .filter_map(|e| {
                let pos = e.at.as_ref().map(|a| a.pos).or(e.text)?;
                let when =
                    e.at.as_ref()
                        .map(|a| crate::review::time::show(&a.value, server.config.zone))
                        .unwrap_or_default();
                let name = format!("{when} {}", e.kind_name());
                Some(symbol(
                    name,
                    text_of(e.text),
                    SymbolKind::EVENT,
                    pos_range(&open, pos),
                    None,
                ))
            })
            .collect();
        let at = positions.get("timeline").map_or(Pos::START, |a| a.key);
        out.push(symbol(
            "timeline".into(),
            Some(format!("{} entries", entries.len())),
            SymbolKind::ARRAY,
            line_range(at.line.saturating_sub(1)),
            Some(entries),
        ));
    }
    if !positions.action_items.is_empty() {
        let items: Vec<_> = positions
            .action_items
            .iter()
            .map(|item| {
                let name = item.id.clone().unwrap_or_else(|| "(no id)".into());
                symbol(
                    name,
                    text_of(item.title),
                    SymbolKind::OBJECT,
                    line_range(item.pos.line.saturating_sub(1)),
                    None,
                )
            })
            .collect();
        let at = positions.get("action_items").map_or(Pos::START, |a| a.key);
        out.push(symbol(
            "action_items".into(),
            Some(format!("{} items", items.len())),
            SymbolKind::ARRAY,
            line_range(at.line.saturating_sub(1)),
            Some(items),
        ));
    }
    if let Some(layout) = &open.parsed.layout {
        let body = open.text.get(layout.body_start..).unwrap_or("");
        for section in crate::review::document::sections(body, layout.body_first_line) {
            if section.heading.is_empty() {
                continue;
            }
            out.push(symbol(
                section.heading.clone(),
                None,
                SymbolKind::STRING,
                line_range(section.line.saturating_sub(1)),
                None,
            ));
        }
    }
    serde_json::to_value(out).ok()
}
