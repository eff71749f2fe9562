use super::*;
use crate::sources::text::dump;

const FIXTURES: &str = "tests/fixtures/sources/alertmanager";

fn fixture(name: &str) -> Export {
    read(&Path::new(FIXTURES).join(name), &Options::default()).unwrap()
}

fn text(text: &str) -> Result<Export, String> {
    read_doc(&Doc::new(Path::new("am.jsonl"), text), &Options::default())
}

fn payload(alerts: &str) -> String {
    format!(r#"{{"version": "4", "status": "firing", "receiver": "r", "alerts": [{alerts}]}}"#)
}

#[test]
fn a_webhook_log_fires_and_resolves_each_alert_once() {
    insta::assert_snapshot!(dump(&fixture("webhook.jsonl")));
}

#[test]
fn a_json_array_of_payloads_reads_as_lines_do() {
    let e = fixture("payloads.json");
    assert_eq!(e.records.len(), 2);
    assert_eq!(
        e.what,
        "2 Alertmanager webhook payloads (receiver pirt-log), 2 alerts"
    );
    assert_eq!(
        e.skipped
            .iter()
            .map(|(w, n)| w.counted(*n))
            .collect::<Vec<_>>(),
        ["1 repeated notification of the same alert (re-sent)"]
    );
}

#[test]
fn a_grafana_payload() {
    insta::assert_snapshot!(dump(&fixture("grafana.json")));
}

#[test]
fn firing_text_names_the_alert_its_summary_and_a_few_labels() {
    let e = text(&payload(r#"{"status": "firing", "labels": {"alertname": "DiskFull", "instance": "db-3:9100", "severity": "page", "job": "node", "zone": "eu-1"},
        "annotations": {"description": "Disk /var\nis 97% full"}, "startsAt": "2026-11-20T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "f1"}"#)).unwrap();
    let r = &e.records[0];
    assert_eq!(r.kind, EntryKind::Detection);
    assert_eq!(
        r.text,
        "DiskFull firing: Disk /var is 97% full (job=node, instance=db-3:9100, severity=page)"
    );
    assert_eq!(r.source, "alert:f1@2026-11-20T10:00:00Z");
    let e = text(&payload(
        r#"{"labels": {}, "startsAt": "2026-11-20T10:00:00Z"}"#,
    ))
    .unwrap();
    assert_eq!(e.records[0].text, "alert firing");
}

#[test]
fn resolution_is_a_note_at_ends_at_with_its_own_source() {
    let e = text(&payload(r#"{"status": "resolved", "labels": {"alertname": "DiskFull", "service": "db"},
        "startsAt": "2026-11-20T10:00:00.5+01:00", "endsAt": "2026-11-20T10:30:00Z", "fingerprint": "f1"}"#)).unwrap();
    let got: Vec<_> = e
        .records
        .iter()
        .map(|r| {
            (
                r.kind,
                r.at.to_rfc3339(),
                r.text.as_str(),
                r.source.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                EntryKind::Detection,
                "2026-11-20T10:00:00.500+01:00".to_string(),
                "DiskFull firing (service=db)",
                "alert:f1@2026-11-20T10:00:00.5+01:00"
            ),
            (
                EntryKind::Note,
                "2026-11-20T10:30:00+00:00".to_string(),
                "DiskFull resolved (service=db)",
                "alert:f1@2026-11-20T10:00:00.5+01:00:resolved"
            ),
        ]
    );
}

#[test]
fn a_future_ends_at_of_a_firing_alert_is_no_resolution() {
    // Prometheus sends endsAt a few evaluation intervals ahead while the alert fires.
    let e = text(&payload(r#"{"status": "firing", "labels": {"alertname": "A"}, "startsAt": "2026-11-20T10:00:00Z", "endsAt": "2026-11-20T10:04:00Z", "fingerprint": "f"}"#)).unwrap();
    assert_eq!(e.records.len(), 1);
}

#[test]
fn a_resolved_alert_without_an_end_is_a_problem() {
    let e = text(&payload(r#"{"status": "resolved", "labels": {"alertname": "A"}, "startsAt": "2026-11-20T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "f"}"#)).unwrap();
    assert_eq!(e.records.len(), 1);
    assert_eq!(
        e.problems,
        [
            "am.jsonl:1: resolved alert alert:f@2026-11-20T10:00:00Z has no `endsAt`; its resolution is left out"
        ]
    );
}

#[test]
fn a_new_firing_of_the_same_alert_is_a_new_detection() {
    let one = payload(
        r#"{"status": "firing", "labels": {"alertname": "A"}, "startsAt": "2026-11-20T10:00:00Z", "fingerprint": "f"}"#,
    );
    let two = payload(
        r#"{"status": "firing", "labels": {"alertname": "A"}, "startsAt": "2026-11-20T11:00:00Z", "fingerprint": "f"}"#,
    );
    let e = text(&format!("{one}\n{one}\n{two}\n")).unwrap();
    assert_eq!(e.records.len(), 2);
    assert_eq!(e.lifecycle[0].at.to_rfc3339(), "2026-11-20T10:00:00+00:00");
    assert_eq!(e.lifecycle[0].by, "Alertmanager");
}

#[test]
fn the_earliest_firing_is_the_detection_by_its_sender() {
    let am = payload(
        r#"{"labels": {"alertname": "A"}, "startsAt": "2026-11-20T10:05:00Z", "fingerprint": "a"}"#,
    );
    let grafana = r#"{"version": "1", "orgId": 1, "alerts": [{"labels": {"alertname": "G"}, "startsAt": "2026-11-20T10:01:00Z", "fingerprint": "g"}]}"#;
    let e = text(&format!("{am}\n{grafana}\n")).unwrap();
    assert_eq!(e.lifecycle.len(), 1);
    assert_eq!(
        (e.lifecycle[0].field, e.lifecycle[0].by),
        (Lifecycle::Detected, "Grafana")
    );
    assert_eq!(e.lifecycle[0].at.to_rfc3339(), "2026-11-20T10:01:00+00:00");
    assert_eq!(
        e.what,
        "2 Alertmanager and Grafana webhook payloads (receiver r), 2 alerts"
    );
}

#[test]
fn a_missing_fingerprint_is_computed_as_alertmanager_does() {
    let labels = |pairs: &[(&'static str, &'static str)]| -> BTreeMap<Str<'static>, Str<'static>> {
        pairs
            .iter()
            .map(|(k, v)| (Str((*k).into()), Str((*v).into())))
            .collect()
    };
    // Prometheus common/model TestMetricToFingerprint.
    assert_eq!(
        fingerprint_of(&labels(&[])),
        format!("{:016x}", 14695981039346656037u64)
    );
    assert_eq!(
        fingerprint_of(&labels(&[
            ("name", "garland, briggs"),
            ("fear", "love is not enough")
        ])),
        format!("{:016x}", 5799056148416392346u64)
    );
    let e = text(&payload(r#"{"labels": {"name": "garland, briggs", "fear": "love is not enough"}, "startsAt": "2026-11-20T10:00:00Z"}"#)).unwrap();
    assert_eq!(
        e.records[0].source,
        "alert:507a62d79ee76c9a@2026-11-20T10:00:00Z"
    );
}

#[test]
fn an_alert_without_a_start_is_a_problem_not_an_error() {
    let e = text(&format!(
        "{}\n{}",
        payload(r#"{"labels": {"alertname": "A"}}"#),
        payload(r#"{"labels": {"alertname": "A"}, "startsAt": "soon"}"#)
    ))
    .unwrap();
    assert!(e.records.is_empty());
    assert_eq!(
        e.problems,
        [
            "am.jsonl:1: an alert without `startsAt`; left out",
            "am.jsonl:2: `startsAt` is not an RFC 3339 timestamp (premature end of input); left out",
        ]
    );
}

#[test]
fn truncated_alerts_and_legacy_grafana_are_reported() {
    let e = text(r#"{"version": "4", "truncatedAlerts": 3, "alerts": []}
{"title": "[Alerting] High CPU", "ruleId": 1, "ruleName": "High CPU", "state": "alerting", "evalMatches": [], "message": "x"}"#).unwrap();
    assert_eq!(
        e.problems,
        [
            "am.jsonl:1: Alertmanager left 3 alerts out of this payload (truncatedAlerts; raise max_alerts)",
            "am.jsonl:2: a legacy Grafana alert notification (no `alerts`, no times); left out: use a Grafana Alerting webhook contact point",
        ]
    );
}

#[test]
fn bad_input_is_an_error_at_its_line_and_column() {
    let err = |t: &str| text(t).unwrap_err();
    assert_eq!(
        err(r#"{"alerts": 3}"#),
        "am.jsonl:1:12: `alerts` should be an array of alerts, found a number (3)"
    );
    assert_eq!(
        err(r#"{"alerts": ["x"]}"#),
        "am.jsonl:1:13: expected an alert (an object), found a string (\"x\")"
    );
    assert_eq!(
        err("{\"alerts\": []}\n{\"alerts\": [{\"labels\": {\"a\": 1}}]}"),
        "am.jsonl:2:30: an alert: invalid type: integer `1`, expected a string"
    );
    assert_eq!(
        err("{\"alerts\": [], \"receiver\": 5}"),
        "am.jsonl:1:28: a webhook payload: invalid type: integer `5`, expected a string"
    );
    assert!(err("{\"alerts\": []}\n{\"alerts\": [}").starts_with("am.jsonl:2:13: "));
    assert!(
        err("{\"receiver\": \"r\"}")
            .starts_with("am.jsonl:1:1: expected an Alertmanager or Grafana webhook payload")
    );
    assert!(err("[1]").starts_with("am.jsonl:1:2: expected an Alertmanager or Grafana webhook payload (an object with `alerts`), found a number (1)"));
    assert_eq!(
        err("\n"),
        "am.jsonl: the file is empty; expected Alertmanager or Grafana webhook payloads as JSON"
    );
}
