//! The Statuspage reader (SPEC §7.1): `incidents.json` as the public status API returns it
//! (`{"page": …, "incidents": […]}`, also `scheduled_maintenances`), a bare array of
//! incidents from the manage API, one incident (`{"incident": …}` or the object itself), or
//! JSON lines of these.
//!
//! Every `incident_updates[]` entry is a communication, `Status page, STATUS: BODY`, at its
//! `display_at` (else `created_at`); `source:` `statuspage:UPDATE_ID`. All incidents of the
//! file are taken (the import workflow keeps those in the review's window). Lifecycle: the
//! latest `resolved` update is the resolution.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use super::json::{Doc, Kind, Node, Str, read_text};
use super::text::one_line;
use super::{Export, Lifecycle, Options, Record};
use crate::review::EntryKind;
use crate::review::time::parse_rfc3339;

const BY: &str = "the status page";

#[derive(Deserialize)]
struct Page<'a> {
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    url: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Incident<'a> {
    #[serde(borrow)]
    id: Option<Str<'a>>,
    #[serde(borrow)]
    name: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Update<'a> {
    #[serde(borrow)]
    id: Option<Str<'a>>,
    #[serde(borrow)]
    status: Option<Str<'a>>,
    #[serde(borrow)]
    body: Option<Str<'a>>,
    #[serde(borrow)]
    created_at: Option<Str<'a>>,
    #[serde(borrow)]
    display_at: Option<Str<'a>>,
}

pub fn read(path: &Path, options: &Options) -> Result<Export, String> {
    let text = read_text(path)?;
    let doc = Doc::new(path, &text);
    read_doc(&doc, options)
}

fn read_doc(doc: &Doc, _options: &Options) -> Result<Export, String> {
    let mut incidents = Vec::new();
    let mut page: Option<(String, String)> = None;
    for node in doc.values("Statuspage incidents")? {
        collect(doc, node, &mut incidents, &mut page)?;
    }
    let mut export = Export::default();
    let mut seen_incidents: Vec<(String, String)> = Vec::new();
    let mut seen_updates: HashSet<String> = HashSet::new();
    let mut updates = 0;
    for node in incidents {
        let incident: Incident = doc.parse(node, "a Statuspage incident")?;
        let id = incident.id.as_deref().unwrap_or("").to_string();
        if !seen_incidents.iter().any(|(i, _)| *i == id) {
            let name = one_line(incident.name.as_deref().unwrap_or(""));
            seen_incidents.push((id, name));
        }
        let list = match doc.member(node, "incident_updates") {
            None => continue,
            Some(list) if doc.kind(list) == Kind::Null => continue,
            Some(list) if doc.kind(list) == Kind::Array => list,
            Some(other) => {
                return Err(doc.wrong(other, "`incident_updates` should be an array of updates"));
            }
        };
        for element in doc.elements(list) {
            if doc.kind(element) != Kind::Object {
                return Err(doc.wrong(element, "expected an incident update (an object)"));
            }
            let update: Update = doc.parse(element, "an incident update")?;
            let origin = doc.origin(element);
            let Some(uid) = update.id.as_deref().filter(|u| !u.is_empty()) else {
                export.problems.push(format!(
                    "{origin}: an incident update without an id; left out"
                ));
                continue;
            };
            if !seen_updates.insert(uid.to_string()) {
                export.skip("incident update repeated", "incident updates repeated");
                continue;
            }
            updates += 1;
            let written = update
                .display_at
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| ("display_at", s))
                .or_else(|| {
                    update
                        .created_at
                        .as_deref()
                        .filter(|s| !s.is_empty())
                        .map(|s| ("created_at", s))
                });
            let at = match written.map(|(field, s)| (field, parse_rfc3339(s))) {
                Some((_, Ok(at))) => at,
                Some((field, Err(e))) => {
                    export.problems.push(format!(
                        "{origin}: update {uid}: `{field}` is {e}; left out"
                    ));
                    continue;
                }
                None => {
                    export.problems.push(format!(
                        "{origin}: update {uid} has neither `display_at` nor `created_at`; left out"
                    ));
                    continue;
                }
            };
            let status = update.status.as_deref().unwrap_or("").trim();
            let shown = if status.is_empty() {
                "update".to_string()
            } else {
                status.replace('_', " ")
            };
            let body = one_line(update.body.as_deref().unwrap_or(""));
            let text = if body.is_empty() {
                format!("Status page, {shown}")
            } else {
                format!("Status page, {shown}: {body}")
            };
            if status == "resolved" {
                export.propose(Lifecycle::Resolved, at, BY);
            }
            export.records.push(Record {
                at,
                kind: EntryKind::Communication,
                text,
                source: format!("statuspage:{uid}"),
                origin,
            });
        }
    }
    export.what = what(page.as_ref(), &seen_incidents, updates);
    Ok(export)
}

/// Sorts a value of the file into incidents, and remembers the page they belong to.
fn collect(
    doc: &Doc,
    node: Node,
    incidents: &mut Vec<Node>,
    page: &mut Option<(String, String)>,
) -> Result<(), String> {
    const EXPECTED: &str = "expected Statuspage incidents (`{\"incidents\": [...]}`, `{\"incident\": {...}}` or an incident with `incident_updates`)";
    if doc.kind(node) != Kind::Object {
        return Err(doc.wrong(node, EXPECTED));
    }
    let [page_node, list, maintenances, one, updates] = doc.fields(
        node,
        [
            "page",
            "incidents",
            "scheduled_maintenances",
            "incident",
            "incident_updates",
        ],
    );
    if let Some(p) = page_node
        && doc.kind(p) == Kind::Object
        && page.is_none()
    {
        let p: Page = doc.parse(p, "a Statuspage page")?;
        *page = Some((
            one_line(p.name.as_deref().unwrap_or("")),
            p.url.as_deref().unwrap_or("").to_string(),
        ));
    }
    for (key, list) in [
        ("incidents", list),
        ("scheduled_maintenances", maintenances),
    ] {
        let Some(list) = list else { continue };
        if doc.kind(list) != Kind::Array {
            return Err(doc.wrong(list, &format!("`{key}` should be an array of incidents")));
        }
        for element in doc.elements(list) {
            if doc.kind(element) != Kind::Object {
                return Err(doc.wrong(element, "expected an incident (an object)"));
            }
            incidents.push(element);
        }
    }
    if let Some(one) = one {
        if doc.kind(one) != Kind::Object {
            return Err(doc.wrong(one, "`incident` should be an incident (an object)"));
        }
        incidents.push(one);
    }
    if list.is_some() || maintenances.is_some() || one.is_some() {
        return Ok(());
    }
    if updates.is_some() {
        incidents.push(node);
        return Ok(());
    }
    Err(format!("{}: {EXPECTED}", doc.at(node.start)))
}

fn what(page: Option<&(String, String)>, incidents: &[(String, String)], updates: usize) -> String {
    let updates = if updates == 1 {
        "1 update".to_string()
    } else {
        format!("{updates} updates")
    };
    let of_page = match page {
        Some((name, url)) if !name.is_empty() && !url.is_empty() => format!(" of {name} ({url})"),
        Some((name, _)) if !name.is_empty() => format!(" of {name}"),
        Some((_, url)) if !url.is_empty() => format!(" of {url}"),
        _ => String::new(),
    };
    match incidents {
        [(id, name)] => {
            let named = match (name.is_empty(), id.is_empty()) {
                (false, false) => format!(" “{name}” ({id})"),
                (false, true) => format!(" “{name}”"),
                (true, false) => format!(" {id}"),
                (true, true) => String::new(),
            };
            format!("a Statuspage incident{named}{of_page}, {updates}")
        }
        many => format!(
            "a Statuspage export{of_page}, {} incidents, {updates}",
            many.len()
        ),
    }
}

#[cfg(test)]
mod tests;
