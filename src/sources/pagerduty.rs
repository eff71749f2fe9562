//! The PagerDuty reader (SPEC §7.1): the JSON of `GET /incidents/{id}/log_entries` and of
//! `GET /incidents/{id}/notes`, one page, pages concatenated as a JSON array, or JSON lines;
//! also `GET /log_entries/{id}` (`{"log_entry": …}`) and bare entries or notes.
//!
//! Kinds: trigger → detection, escalate/assign/delegate → escalation, resolve →
//! resolution, acknowledge, annotate and notes → note; notify and every other type only
//! with `--all` (counted in `skipped` otherwise). `source:` is always
//! `pagerduty:LOG_ENTRY_ID` (`pagerduty:note/NOTE_ID` for a note): ids are stable where
//! `html_url` carries the account's subdomain. Lifecycle: first trigger, first
//! acknowledge, last resolve.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use super::json::{Doc, Kind, Node, Str, read_text};
use super::text::one_line;
use super::{Export, Lifecycle, Options, Record};
use crate::review::EntryKind;
use crate::review::time::{Timestamp, parse_rfc3339};

const BY: &str = "PagerDuty";

#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(borrow)]
    id: Option<Str<'a>>,
    #[serde(rename = "type", borrow)]
    kind: Option<Str<'a>>,
    #[serde(borrow)]
    summary: Option<Str<'a>>,
    #[serde(borrow)]
    created_at: Option<Str<'a>>,
    #[serde(borrow)]
    agent: Option<Reference<'a>>,
    #[serde(borrow)]
    channel: Option<Channel<'a>>,
    #[serde(borrow)]
    incident: Option<Reference<'a>>,
    #[serde(borrow, default)]
    assignees: Option<Vec<Reference<'a>>>,
    #[serde(borrow)]
    user: Option<Reference<'a>>,
    #[serde(borrow)]
    event_details: Option<EventDetails<'a>>,
}

#[derive(Deserialize)]
struct Reference<'a> {
    #[serde(borrow)]
    id: Option<Str<'a>>,
    #[serde(rename = "type", borrow)]
    kind: Option<Str<'a>>,
    #[serde(borrow)]
    summary: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Channel<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Str<'a>>,
    #[serde(borrow)]
    summary: Option<Str<'a>>,
    #[serde(borrow)]
    description: Option<Str<'a>>,
    #[serde(borrow)]
    subject: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct EventDetails<'a> {
    #[serde(borrow)]
    description: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Note<'a> {
    #[serde(borrow)]
    id: Option<Str<'a>>,
    #[serde(borrow)]
    user: Option<Reference<'a>>,
    #[serde(borrow)]
    content: Option<Str<'a>>,
    #[serde(borrow)]
    created_at: Option<Str<'a>>,
}

/// What one value of the file holds.
enum Item {
    Entry(Node),
    Note(Node),
}

pub fn read(path: &Path, options: &Options) -> Result<Export, String> {
    let text = read_text(path)?;
    let doc = Doc::new(path, &text);
    read_doc(&doc, options)
}

fn read_doc(doc: &Doc, options: &Options) -> Result<Export, String> {
    let mut items = Vec::new();
    for node in doc.values("PagerDuty log entries or notes")? {
        collect(doc, node, &mut items)?;
    }
    let mut export = Export::default();
    let mut seen: HashSet<String> = HashSet::new();
    let mut incidents: Vec<(String, String)> = Vec::new();
    let mut entries = 0;
    let mut notes = Vec::new();
    // Notes are also in the log as annotate entries: (text, instant) of each, to take a
    // note given beside its log only once.
    let mut annotations: HashSet<(String, i64)> = HashSet::new();
    for item in items {
        match item {
            Item::Note(node) => notes.push(node),
            Item::Entry(node) => {
                let entry: Entry = doc.parse(node, "a PagerDuty log entry")?;
                let Some(id) = entry.id.as_deref().filter(|id| !id.is_empty()) else {
                    export.problems.push(format!(
                        "{}: a log entry without an id; left out",
                        doc.origin(node)
                    ));
                    continue;
                };
                if !seen.insert(id.to_string()) {
                    export.skip(
                        "log entry repeated across pages",
                        "log entries repeated across pages",
                    );
                    continue;
                }
                entries += 1;
                if let Some(incident) = &entry.incident
                    && let Some(iid) = incident.id.as_deref()
                    && !incidents.iter().any(|(i, _)| i == iid)
                {
                    let summary = incident.summary.as_deref().map(one_line);
                    incidents.push((iid.to_string(), summary.unwrap_or_default()));
                }
                take_entry(
                    doc,
                    node,
                    &entry,
                    id,
                    options,
                    &mut export,
                    &mut annotations,
                );
            }
        }
    }
    let mut note_count = 0;
    for node in notes {
        let note: Note = doc.parse(node, "a PagerDuty note")?;
        let Some(id) = note.id.as_deref().filter(|id| !id.is_empty()) else {
            export.problems.push(format!(
                "{}: a note without an id; left out",
                doc.origin(node)
            ));
            continue;
        };
        if !seen.insert(format!("note/{id}")) {
            export.skip("note repeated across pages", "notes repeated across pages");
            continue;
        }
        note_count += 1;
        let Some(at) = time(
            doc,
            node,
            note.created_at.as_deref(),
            "note",
            id,
            &mut export,
        ) else {
            continue;
        };
        let content = one_line(note.content.as_deref().unwrap_or(""));
        if annotations.contains(&(content.clone(), at.timestamp())) {
            export.skip(
                "note already in the log as an annotate entry",
                "notes already in the log as annotate entries",
            );
            continue;
        }
        let content = if content.is_empty() {
            "(an empty note)".to_string()
        } else {
            content
        };
        let text = match name(note.user.as_ref()) {
            Some(user) => format!("{user}: {content}"),
            None => content,
        };
        export.records.push(Record {
            at,
            kind: EntryKind::Note,
            text,
            source: format!("pagerduty:note/{id}"),
            origin: doc.origin(node),
        });
    }
    export.what = what(&incidents, entries, note_count);
    Ok(export)
}

/// Sorts a value of the file into log entries and notes: a page (`log_entries`, `notes`),
/// one `log_entry`, or a bare entry or note.
fn collect(doc: &Doc, node: Node, items: &mut Vec<Item>) -> Result<(), String> {
    const EXPECTED: &str = "expected a PagerDuty page (`{\"log_entries\": [...]}` or `{\"notes\": [...]}`), a log entry or a note";
    if doc.kind(node) != Kind::Object {
        return Err(doc.wrong(node, EXPECTED));
    }
    let [log_entries, notes, log_entry, kind, content, created_at] = doc.fields(
        node,
        [
            "log_entries",
            "notes",
            "log_entry",
            "type",
            "content",
            "created_at",
        ],
    );
    for (list, is_note) in [(log_entries, false), (notes, true)] {
        let Some(list) = list else { continue };
        let (key, what, one) = if is_note {
            ("notes", "notes", "a note")
        } else {
            ("log_entries", "log entries", "a log entry")
        };
        if doc.kind(list) != Kind::Array {
            return Err(doc.wrong(list, &format!("`{key}` should be an array of {what}")));
        }
        for element in doc.elements(list) {
            if doc.kind(element) != Kind::Object {
                return Err(doc.wrong(element, &format!("expected {one} (an object)")));
            }
            items.push(if is_note {
                Item::Note(element)
            } else {
                Item::Entry(element)
            });
        }
    }
    if let Some(one) = log_entry {
        if doc.kind(one) != Kind::Object {
            return Err(doc.wrong(one, "`log_entry` should be a log entry (an object)"));
        }
        items.push(Item::Entry(one));
    }
    if log_entries.is_some() || notes.is_some() || log_entry.is_some() {
        return Ok(());
    }
    let is_entry = kind.is_some_and(|t| {
        let raw = doc.raw(t);
        raw.ends_with("_log_entry\"") || raw.ends_with("_log_entry_reference\"")
    });
    if is_entry {
        items.push(Item::Entry(node));
    } else if content.is_some() && created_at.is_some() {
        items.push(Item::Note(node));
    } else {
        return Err(format!("{}: {EXPECTED}", doc.at(node.start)));
    }
    Ok(())
}

fn take_entry(
    doc: &Doc,
    node: Node,
    entry: &Entry,
    id: &str,
    options: &Options,
    export: &mut Export,
    annotations: &mut HashSet<(String, i64)>,
) {
    let kind_name = entry.kind.as_deref().unwrap_or("");
    let kind_name = kind_name.strip_suffix("_reference").unwrap_or(kind_name);
    let mapped = match kind_name {
        "trigger_log_entry" => Some((EntryKind::Detection, Some(Lifecycle::Detected))),
        "acknowledge_log_entry" => Some((EntryKind::Note, Some(Lifecycle::Acknowledged))),
        "escalate_log_entry" | "assign_log_entry" | "delegate_log_entry" => {
            Some((EntryKind::Escalation, None))
        }
        "annotate_log_entry" => Some((EntryKind::Note, None)),
        "resolve_log_entry" => Some((EntryKind::Resolution, Some(Lifecycle::Resolved))),
        _ if options.all => Some((EntryKind::Note, None)),
        _ => None,
    };
    let Some((kind, lifecycle)) = mapped else {
        let short = kind_name.strip_suffix("_log_entry").unwrap_or(kind_name);
        let short = if short.is_empty() { "untyped" } else { short };
        let short = short.replace('_', " ");
        export.skip(
            &format!("{short} log entry (--all takes it)"),
            &format!("{short} log entries (--all takes them)"),
        );
        return;
    };
    let Some(at) = time(
        doc,
        node,
        entry.created_at.as_deref(),
        "log entry",
        id,
        export,
    ) else {
        return;
    };
    let mut text = entry_text(kind_name, entry);
    if text.trim().is_empty() {
        // A timeline entry needs text; say what the entry was rather than drop it.
        text = match kind_name {
            "" => "A PagerDuty log entry without a type or summary".to_string(),
            kind => format!("PagerDuty {}", kind.replace('_', " ")),
        };
    }
    if kind_name == "annotate_log_entry" {
        annotations.insert((annotation(entry), at.timestamp()));
    }
    if let Some(field) = lifecycle {
        export.propose(field, at, BY);
    }
    export.records.push(Record {
        at,
        kind,
        text,
        source: format!("pagerduty:{id}"),
        origin: doc.origin(node),
    });
}

/// The readable line of a log entry.
fn entry_text(kind: &str, entry: &Entry) -> String {
    let agent = name(entry.agent.as_ref());
    let by_person = entry
        .agent
        .as_ref()
        .and_then(|a| a.kind.as_deref())
        .is_some_and(|k| k.starts_with("user"));
    let summary = || one_line(entry.summary.as_deref().unwrap_or(""));
    match kind {
        "trigger_log_entry" => {
            let channel = entry.channel.as_ref();
            let what = channel
                .and_then(|c| {
                    [&c.summary, &c.description, &c.subject]
                        .into_iter()
                        .flatten()
                        .map(|s| one_line(s))
                        .find(|s| !s.is_empty())
                })
                .or_else(|| {
                    entry
                        .event_details
                        .as_ref()
                        .and_then(|d| d.description.as_deref())
                        .map(one_line)
                        .filter(|s| !s.is_empty())
                })
                .or_else(|| {
                    entry
                        .incident
                        .as_ref()
                        .and_then(|i| i.summary.as_deref())
                        .map(one_line)
                        .filter(|s| !s.is_empty())
                })
                .unwrap_or_else(summary);
            match channel
                .and_then(|c| c.kind.as_deref())
                .filter(|k| !k.is_empty())
            {
                Some(via) => format!("Triggered: {what} (via {via})"),
                None => format!("Triggered: {what}"),
            }
        }
        "acknowledge_log_entry" => match agent {
            Some(agent) => format!("Acknowledged by {agent}"),
            None => "Acknowledged".to_string(),
        },
        "escalate_log_entry" | "assign_log_entry" | "delegate_log_entry" => {
            let names: Vec<String> = entry
                .assignees
                .iter()
                .flatten()
                .filter_map(|a| name(Some(a)))
                .collect();
            if names.is_empty() {
                return summary();
            }
            let verb = if kind == "delegate_log_entry" {
                "Reassigned to"
            } else {
                "Assigned to"
            };
            match agent.filter(|_| by_person) {
                Some(agent) => format!("{verb} {} by {agent}", names.join(", ")),
                None => format!("{verb} {}", names.join(", ")),
            }
        }
        "annotate_log_entry" => {
            let note = annotation(entry);
            let note = if note.is_empty() {
                "(an empty note)".to_string()
            } else {
                note
            };
            match agent {
                Some(agent) => format!("{agent}: {note}"),
                None => note,
            }
        }
        "resolve_log_entry" => match agent.filter(|_| by_person) {
            Some(agent) => format!("Resolved by {agent}"),
            None => match entry.channel.as_ref().and_then(|c| c.kind.as_deref()) {
                Some(via) if !via.is_empty() => format!("Resolved (via {via})"),
                _ => "Resolved".to_string(),
            },
        },
        "notify_log_entry" => {
            let text = summary();
            if !text.is_empty() {
                return text;
            }
            let user = name(entry.user.as_ref()).unwrap_or_else(|| "someone".to_string());
            match entry.channel.as_ref().and_then(|c| c.kind.as_deref()) {
                Some(via) => format!("Notified {user} by {via}"),
                None => format!("Notified {user}"),
            }
        }
        _ => {
            let text = summary();
            if text.is_empty() {
                kind.strip_suffix("_log_entry")
                    .unwrap_or(kind)
                    .replace('_', " ")
            } else {
                text
            }
        }
    }
}

/// The text of a note in the log: the channel's summary, else the entry's.
fn annotation(entry: &Entry) -> String {
    entry
        .channel
        .as_ref()
        .and_then(|c| c.summary.as_deref())
        .map(one_line)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| one_line(entry.summary.as_deref().unwrap_or("")))
}

fn name(reference: Option<&Reference>) -> Option<String> {
    reference
        .and_then(|r| r.summary.as_deref())
        .map(one_line)
        .filter(|s| !s.is_empty())
}

/// The time of an entry or note; a missing or unreadable one is a problem, not an error.
fn time(
    doc: &Doc,
    node: Node,
    created_at: Option<&str>,
    what: &str,
    id: &str,
    export: &mut Export,
) -> Option<Timestamp> {
    match created_at.map(parse_rfc3339) {
        Some(Ok(at)) => Some(at),
        Some(Err(e)) => {
            export.problems.push(format!(
                "{}: {what} {id}: `created_at` is {e}; left out",
                doc.origin(node)
            ));
            None
        }
        None => {
            export.problems.push(format!(
                "{}: {what} {id} has no `created_at`; left out",
                doc.origin(node)
            ));
            None
        }
    }
}

fn what(incidents: &[(String, String)], entries: usize, notes: usize) -> String {
    let counted = match (entries, notes) {
        (_, 0) => plural(entries, "entry", "entries"),
        (0, _) => plural(notes, "note", "notes"),
        _ => format!(
            "{} and {}",
            plural(entries, "entry", "entries"),
            plural(notes, "note", "notes")
        ),
    };
    match incidents {
        [] if entries == 0 => format!("PagerDuty notes, {counted}"),
        [] => format!("a PagerDuty log, {counted}"),
        [(id, summary)] if summary.is_empty() => {
            format!("a PagerDuty log of incident {id}, {counted}")
        }
        [(id, summary)] => format!("a PagerDuty log of incident {summary} ({id}), {counted}"),
        many => format!(
            "a PagerDuty log of {} incidents ({}), {counted}",
            many.len(),
            many.iter()
                .map(|(id, _)| id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests;
