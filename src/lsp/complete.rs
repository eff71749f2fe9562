//! Completion in the front matter: keys, the names pirt knows, and the values already used
//! in the workspace (services, tags, people, ids with their titles).

use std::collections::BTreeMap;

use lsp_types::{CompletionItem, CompletionItemKind, Documentation, TextDocumentPositionParams};
use serde_json::Value;

use super::Server;
use crate::review::{ActionStatus, ActionType, DetectionMethod, EntryKind, Status};

/// The front-matter keys of a review, with what each holds.
pub const REVIEW_KEYS: &[(&str, &str)] = &[
    ("id", "The review's id (`pirt new` picks the next free one)"),
    ("title", "One line: what broke, for whom"),
    ("status", "draft, in-review or published"),
    (
        "severity",
        "A level of the configured scale, or one of its aliases",
    ),
    ("services", "The services affected, as a list"),
    ("tags", "Free labels, as a list"),
    ("authors", "Who wrote the review"),
    ("incident_commander", "Who led the response"),
    ("started_at", "When impact began (RFC 3339 with an offset)"),
    (
        "detected_at",
        "When the incident was noticed: TTD = detected_at − started_at",
    ),
    (
        "acknowledged_at",
        "When a responder took it: TTA = acknowledged_at − detected_at",
    ),
    (
        "mitigated_at",
        "When impact ended for users: TTM = mitigated_at − started_at",
    ),
    (
        "resolved_at",
        "When the incident was closed: TTR = resolved_at − started_at",
    ),
    ("detection", "How it was noticed: {method, source}"),
    ("impact", "summary, users_affected, customer_tickets, slo"),
    ("trigger", "What set the incident off"),
    ("timeline", "Entries of {at, kind, text, source}"),
    (
        "action_items",
        "Follow-ups of {id, title, type, owner, due, status, tracker}",
    ),
    (
        "problem",
        "The id of the problem record this incident hands off to",
    ),
    ("related", "Ids of related reviews"),
];

const ENTRY_KEYS: &[(&str, &str)] = &[
    ("at", "When (RFC 3339 with an offset)"),
    ("kind", "What sort of event"),
    ("text", "What happened"),
    (
        "source",
        "The evidence: a URL or slack:/pagerduty:/alert:/statuspage: id",
    ),
];

const ITEM_KEYS: &[(&str, &str)] = &[
    ("id", "The item's id within the review"),
    ("title", "What will be done"),
    ("type", "The kind of follow-up"),
    ("owner", "Who does it"),
    ("due", "By when (YYYY-MM-DD)"),
    ("status", "open, in-progress, done or wont-do"),
    (
        "tracker",
        "The issue: a URL or a short form (acme/platform#12, OPS-12)",
    ),
];

/// Where the cursor is in the front matter.
struct Context<'t> {
    /// The top-level key the line belongs to (`timeline` for an entry's `kind:`).
    parent: Option<&'t str>,
    /// The key of the line, when the cursor is after its colon.
    key: Option<&'t str>,
    /// The line is indented (inside a mapping or a list).
    nested: bool,
}

fn context<'t>(text: &'t str, line: usize, prefix: &'t str) -> Option<Context<'t>> {
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" || line == 0 {
        return None;
    }
    let all: Vec<&str> = text.lines().collect();
    if all[1..line.min(all.len())]
        .iter()
        .any(|l| matches!(l.trim_end(), "---" | "..."))
    {
        return None; // In the body.
    }
    let nested = prefix.starts_with([' ', '-']);
    let parent = all[1..line.min(all.len())]
        .iter()
        .rev()
        .find(|l| !l.starts_with([' ', '-', '#']) && l.contains(':'))
        .and_then(|l| l.split(':').next())
        .map(str::trim);
    let stripped = prefix.trim_start().trim_start_matches("- ");
    let key = stripped.split_once(':').map(|(k, _)| k.trim());
    Some(Context {
        parent: if nested { parent } else { None },
        key,
        nested,
    })
}

fn item(label: &str, detail: Option<String>, kind: CompletionItemKind) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: detail.clone(),
        documentation: detail.map(Documentation::String),
        ..CompletionItem::default()
    }
}

pub fn complete<W: std::io::Write>(
    server: &mut Server<W>,
    at: &TextDocumentPositionParams,
) -> Option<Value> {
    let doc = server.docs.get(at.text_document.uri.as_str())?;
    if !server.serves(doc) {
        return None;
    }
    let text = doc.text.clone();
    let lines = super::text::Lines::new(&text, server.encoding);
    let offset = lines.offset(&text, at.position);
    let line = at.position.line as usize;
    let start = lines.start(line).unwrap_or(text.len());
    let prefix = text.get(start..offset).unwrap_or("");
    let cx = context(&text, line, prefix)?;
    let mut items = Vec::new();
    let keys = |table: &[(&str, &str)], items: &mut Vec<CompletionItem>| {
        for (key, what) in table {
            let mut it = item(key, Some(what.to_string()), CompletionItemKind::FIELD);
            it.insert_text = Some(format!("{key}: "));
            items.push(it);
        }
    };
    let names = |names: &[&str], items: &mut Vec<CompletionItem>| {
        for name in names {
            items.push(item(name, None, CompletionItemKind::ENUM_MEMBER));
        }
    };
    match (cx.key, cx.parent) {
        (None, None) if !cx.nested => keys(REVIEW_KEYS, &mut items),
        (None, Some("timeline")) => keys(ENTRY_KEYS, &mut items),
        (None, Some("action_items")) => keys(ITEM_KEYS, &mut items),
        (Some("severity"), None) => {
            for level in &server.config.severity.0 {
                let detail = Some(level.description.clone());
                items.push(item(
                    &level.id,
                    detail.clone(),
                    CompletionItemKind::ENUM_MEMBER,
                ));
                for alias in &level.aliases {
                    let mut it = item(alias, detail.clone(), CompletionItemKind::ENUM_MEMBER);
                    it.label_details = Some(lsp_types::CompletionItemLabelDetails {
                        detail: Some(format!(" → {}", level.id)),
                        description: None,
                    });
                    items.push(it);
                }
            }
        }
        (Some("status"), None) => names(Status::NAMES, &mut items),
        (Some("status"), Some("action_items")) => names(ActionStatus::NAMES, &mut items),
        (Some("type"), Some("action_items")) => names(ActionType::NAMES, &mut items),
        (Some("kind"), Some("timeline")) => names(EntryKind::NAMES, &mut items),
        (Some("method"), Some("detection")) => names(DetectionMethod::NAMES, &mut items),
        (Some(key @ ("services" | "tags")), None) => {
            let mut seen = BTreeMap::<String, usize>::new();
            for review in server.index().reviews() {
                let values = if key == "services" {
                    &review.services
                } else {
                    &review.tags
                };
                for v in values {
                    *seen.entry(v.clone()).or_default() += 1;
                }
            }
            for (value, n) in seen {
                let detail = Some(format!("in {n} review{}", if n == 1 { "" } else { "s" }));
                items.push(item(&value, detail, CompletionItemKind::VALUE));
            }
        }
        (Some("authors" | "incident_commander" | "owner"), _) => {
            for person in people(server) {
                items.push(item(&person, None, CompletionItemKind::VALUE));
            }
        }
        (Some("problem"), None) => {
            let index = server.index();
            for p in index.problems() {
                let detail = Some(format!("{} ({})", p.title, p.status));
                items.push(item(&p.id, detail, CompletionItemKind::REFERENCE));
            }
        }
        (Some("related"), None) => {
            let index = server.index();
            for r in index.reviews() {
                let detail = Some(format!("{} ({})", r.title, r.severity));
                items.push(item(&r.id, detail, CompletionItemKind::REFERENCE));
            }
        }
        _ => return None,
    }
    serde_json::to_value(lsp_types::CompletionResponse::Array(items)).ok()
}

/// The people named in the workspace: the authors, commanders and action-item owners of
/// every review (as the index holds them, and as the open documents are now), and the
/// owners of problem records.
fn people<W: std::io::Write>(server: &mut Server<W>) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    for doc in server.docs.values() {
        let parsed = crate::review::parse_review(&doc.path, &doc.text, &server.config);
        let review = parsed.review;
        out.extend(review.authors);
        out.extend(review.incident_commander);
        out.extend(review.action_items.into_iter().filter_map(|i| i.owner));
    }
    let index = server.index();
    out.extend(index.reviews().flat_map(|r| r.people.iter().cloned()));
    out.extend(index.problems().filter_map(|p| p.owner.clone()));
    out.retain(|p| !p.trim().is_empty());
    out.into_iter().collect()
}
