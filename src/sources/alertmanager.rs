//! The Alertmanager and Grafana reader (SPEC §7.1): webhook payloads (Alertmanager's
//! `version: "4"`, Grafana Alerting's `version: "1"` with `orgId`), one payload, a JSON array
//! of them, or JSON lines as a webhook receiver logs them.
//!
//! Each alert (fingerprint and `startsAt`) gives one detection when it fires and one note
//! when it resolves, however often it is re-sent. `source:` `alert:FINGERPRINT@STARTS_AT`
//! (`…:resolved`), `STARTS_AT` as written in the payload; a payload without fingerprints
//! (Alertmanager before 0.19) gets the fingerprint Alertmanager computes from the labels.
//! Lifecycle: the earliest firing is the detection.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::json::{Doc, Kind, Node, Str, read_text};
use super::text::one_line;
use super::{Export, Lifecycle, Options, Record};
use crate::review::EntryKind;
use crate::review::time::{Timestamp, parse_rfc3339};

/// The labels shown beside an alert's name, in this order, whichever are present.
const SHOWN_LABELS: [&str; 4] = ["service", "job", "instance", "severity"];

#[derive(Deserialize)]
struct Payload<'a> {
    #[serde(borrow)]
    version: Option<Str<'a>>,
    #[serde(borrow)]
    receiver: Option<Str<'a>>,
    #[serde(rename = "orgId")]
    org_id: Option<IgnoredAny>,
    #[serde(rename = "truncatedAlerts")]
    truncated_alerts: Option<u64>,
}

#[derive(Deserialize)]
struct Alert<'a> {
    #[serde(borrow)]
    status: Option<Str<'a>>,
    #[serde(borrow)]
    labels: Option<BTreeMap<Str<'a>, Str<'a>>>,
    #[serde(borrow)]
    annotations: Option<BTreeMap<Str<'a>, Str<'a>>>,
    #[serde(rename = "startsAt", borrow)]
    starts_at: Option<Str<'a>>,
    #[serde(rename = "endsAt", borrow)]
    ends_at: Option<Str<'a>>,
    #[serde(borrow)]
    fingerprint: Option<Str<'a>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Sender {
    Alertmanager,
    Grafana,
}

impl Sender {
    fn name(self) -> &'static str {
        match self {
            Sender::Alertmanager => "Alertmanager",
            Sender::Grafana => "Grafana",
        }
    }
}

pub fn read(path: &Path, options: &Options) -> Result<Export, String> {
    let text = read_text(path)?;
    let doc = Doc::new(path, &text);
    read_doc(&doc, options)
}

fn read_doc(doc: &Doc, _options: &Options) -> Result<Export, String> {
    let mut export = Export::default();
    let mut firing: HashSet<(String, String)> = HashSet::new();
    let mut resolved: HashSet<(String, String)> = HashSet::new();
    let mut earliest: Option<(Timestamp, Sender)> = None;
    let mut senders: Vec<Sender> = Vec::new();
    let mut receivers: Vec<String> = Vec::new();
    let mut payloads = 0;
    for node in doc.values("Alertmanager or Grafana webhook payloads")? {
        let Some(alerts) = alerts_of(doc, node, &mut export)? else {
            continue;
        };
        let payload: Payload = doc.parse(node, "a webhook payload")?;
        payloads += 1;
        let sender = if payload.org_id.is_some() || payload.version.as_deref() == Some("1") {
            Sender::Grafana
        } else {
            Sender::Alertmanager
        };
        if !senders.contains(&sender) {
            senders.push(sender);
        }
        if let Some(r) = payload.receiver.as_deref()
            && !r.is_empty()
            && !receivers.iter().any(|x| x == r)
        {
            receivers.push(r.to_string());
        }
        if let Some(n) = payload.truncated_alerts.filter(|&n| n > 0) {
            export.problems.push(format!(
                "{}: {} left {n} alerts out of this payload (truncatedAlerts; raise max_alerts)",
                doc.origin(node),
                sender.name()
            ));
        }
        for element in alerts {
            if doc.kind(element) != Kind::Object {
                return Err(doc.wrong(element, "expected an alert (an object)"));
            }
            let alert: Alert = doc.parse(element, "an alert")?;
            let origin = doc.origin(element);
            let Some(starts_raw) = alert.starts_at.as_deref().filter(|s| !s.is_empty()) else {
                export
                    .problems
                    .push(format!("{origin}: an alert without `startsAt`; left out"));
                continue;
            };
            let starts = match parse_rfc3339(starts_raw) {
                Ok(t) => t,
                Err(e) => {
                    export
                        .problems
                        .push(format!("{origin}: `startsAt` is {e}; left out"));
                    continue;
                }
            };
            let labels = alert.labels.unwrap_or_default();
            let fingerprint = match alert.fingerprint.as_deref().filter(|f| !f.is_empty()) {
                Some(f) => f.to_string(),
                None => fingerprint_of(&labels),
            };
            let key = (fingerprint, starts_raw.to_string());
            let source = format!("alert:{}@{}", key.0, key.1);
            let name = labels
                .get("alertname")
                .map(|n| one_line(n))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "alert".to_string());
            let shown = shown_labels(&labels);
            let mut new = false;
            if firing.insert(key.clone()) {
                new = true;
                let annotations = alert.annotations.unwrap_or_default();
                let summary = ["summary", "description", "message"]
                    .iter()
                    .filter_map(|k| annotations.get(*k))
                    .map(|s| one_line(s))
                    .find(|s| !s.is_empty());
                let text = match summary {
                    Some(summary) => format!("{name} firing: {summary}{shown}"),
                    None => format!("{name} firing{shown}"),
                };
                if earliest.is_none_or(|(at, _)| starts < at) {
                    earliest = Some((starts, sender));
                }
                export.records.push(Record {
                    at: starts,
                    kind: EntryKind::Detection,
                    text,
                    source: source.clone(),
                    origin: origin.clone(),
                });
            }
            if alert.status.as_deref() == Some("resolved") && !resolved.contains(&key) {
                match alert.ends_at.as_deref().map(end_time) {
                    Some(Some(Ok(ends))) => {
                        new = true;
                        resolved.insert(key);
                        export.records.push(Record {
                            at: ends,
                            kind: EntryKind::Note,
                            text: format!("{name} resolved{shown}"),
                            source: format!("{source}:resolved"),
                            origin,
                        });
                    }
                    Some(Some(Err(e))) => export.problems.push(format!(
                        "{origin}: resolved alert {source}: `endsAt` is {e}; its resolution is left out"
                    )),
                    _ => export.problems.push(format!(
                        "{origin}: resolved alert {source} has no `endsAt`; its resolution is left out"
                    )),
                }
            }
            if !new {
                export.skip(
                    "repeated notification of the same alert (re-sent)",
                    "repeated notifications of the same alert (re-sent)",
                );
            }
        }
    }
    if let Some((at, sender)) = earliest {
        export.propose(Lifecycle::Detected, at, sender.name());
    }
    export.what = what(&senders, payloads, &receivers, firing.len());
    Ok(export)
}

/// The alerts of a payload; `None` (with a problem) for a legacy Grafana notification,
/// which carries no times.
fn alerts_of(doc: &Doc, node: Node, export: &mut Export) -> Result<Option<Vec<Node>>, String> {
    const EXPECTED: &str =
        "expected an Alertmanager or Grafana webhook payload (an object with `alerts`)";
    if doc.kind(node) != Kind::Object {
        return Err(doc.wrong(node, EXPECTED));
    }
    match doc.member(node, "alerts") {
        Some(alerts) if doc.kind(alerts) == Kind::Array => Ok(Some(doc.elements(alerts))),
        Some(alerts) if doc.kind(alerts) == Kind::Null => Ok(Some(Vec::new())),
        Some(alerts) => Err(doc.wrong(alerts, "`alerts` should be an array of alerts")),
        None if doc.member(node, "evalMatches").is_some()
            || doc.member(node, "ruleName").is_some() =>
        {
            export.problems.push(format!(
                "{}: a legacy Grafana alert notification (no `alerts`, no times); left out: use a Grafana Alerting webhook contact point",
                doc.origin(node)
            ));
            Ok(None)
        }
        None => Err(format!("{}: {EXPECTED}", doc.at(node.start))),
    }
}

/// `endsAt` as a time, `None` for Go's zero time (`0001-01-01T00:00:00Z`: still firing).
fn end_time(raw: &str) -> Option<Result<Timestamp, String>> {
    if raw.is_empty() || raw.starts_with("0001-01-01") {
        return None;
    }
    Some(parse_rfc3339(raw))
}

/// ` (service=checkout, severity=page)`, or nothing.
fn shown_labels(labels: &BTreeMap<Str, Str>) -> String {
    let shown: Vec<String> = SHOWN_LABELS
        .iter()
        .filter_map(|k| labels.get(*k).map(|v| format!("{k}={}", one_line(v))))
        .collect();
    if shown.is_empty() {
        String::new()
    } else {
        format!(" ({})", shown.join(", "))
    }
}

/// Alertmanager's fingerprint of a label set (Prometheus `LabelSet.Fingerprint`): FNV-1a
/// 64 over the labels sorted by name, each name and value followed by the byte 0xff.
fn fingerprint_of(labels: &BTreeMap<Str, Str>) -> String {
    const OFFSET: u64 = 14695981039346656037;
    const PRIME: u64 = 1099511628211;
    let mut hash = OFFSET;
    let mut add = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(PRIME);
        }
    };
    for (name, value) in labels {
        add(name.as_bytes());
        add(&[0xff]);
        add(value.as_bytes());
        add(&[0xff]);
    }
    format!("{hash:016x}")
}

fn what(senders: &[Sender], payloads: usize, receivers: &[String], alerts: usize) -> String {
    let from = match senders {
        [one] => one.name(),
        [] => "webhook",
        _ => "Alertmanager and Grafana",
    };
    let counted = if payloads == 1 {
        let article = if from.starts_with(['A', 'a']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {from} webhook payload")
    } else {
        format!("{payloads} {from} webhook payloads")
    };
    let counted = counted.replace("webhook webhook", "webhook");
    let receivers = match receivers {
        [] => String::new(),
        [one] => format!(" (receiver {one})"),
        many => format!(" (receivers {})", many.join(", ")),
    };
    let alerts = if alerts == 1 {
        "1 alert".to_string()
    } else {
        format!("{alerts} alerts")
    };
    format!("{counted}{receivers}, {alerts}")
}

#[cfg(test)]
mod tests;
