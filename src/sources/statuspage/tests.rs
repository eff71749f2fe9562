use super::*;
use crate::sources::text::dump;

const FIXTURES: &str = "tests/fixtures/sources/statuspage";

fn fixture(name: &str) -> Export {
    read(&Path::new(FIXTURES).join(name), &Options::default()).unwrap()
}

fn text(text: &str) -> Result<Export, String> {
    read_doc(&Doc::new(Path::new("sp.json"), text), &Options::default())
}

#[test]
fn incidents_json_with_two_incidents() {
    insta::assert_snapshot!(dump(&fixture("incidents.json")));
}

#[test]
fn one_incident_wrapped_or_bare() {
    let wrapped = fixture("incident.json");
    assert_eq!(
        wrapped.what,
        "a Statuspage incident “Elevated checkout errors” (p31zjtct2jer), 4 updates"
    );
    assert_eq!(wrapped.records.len(), 4);
    let raw = std::fs::read_to_string(Path::new(FIXTURES).join("incident.json")).unwrap();
    let bare = raw
        .trim()
        .strip_prefix("{\n  \"incident\":")
        .unwrap()
        .strip_suffix('}')
        .unwrap();
    let bare = text(bare).unwrap();
    assert_eq!(
        bare.records.iter().map(|r| &r.source).collect::<Vec<_>>(),
        wrapped
            .records
            .iter()
            .map(|r| &r.source)
            .collect::<Vec<_>>()
    );
    let array = text(&format!(
        "[{bare}]",
        bare = raw
            .trim()
            .strip_prefix("{\n  \"incident\":")
            .unwrap()
            .strip_suffix('}')
            .unwrap()
    ))
    .unwrap();
    assert_eq!(array.records.len(), 4);
}

#[test]
fn an_update_is_a_communication_at_display_at() {
    let e = text(r#"[{"id": "i", "name": "x", "incident_updates": [
        {"id": "u1", "status": "in_progress", "body": "Maintenance &amp; <b>upgrade</b>\nstarted", "created_at": "2026-11-20T10:05:00Z", "display_at": "2026-11-20T10:00:00Z"},
        {"id": "u2", "status": "investigating", "body": "", "created_at": "2026-11-20T09:00:00Z", "display_at": null}
    ]}]"#).unwrap();
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
                EntryKind::Communication,
                "2026-11-20T10:00:00+00:00".to_string(),
                "Status page, in progress: Maintenance & upgrade started",
                "statuspage:u1"
            ),
            (
                EntryKind::Communication,
                "2026-11-20T09:00:00+00:00".to_string(),
                "Status page, investigating",
                "statuspage:u2"
            ),
        ]
    );
    assert!(e.lifecycle.is_empty());
}

#[test]
fn the_latest_resolved_update_is_the_resolution() {
    let e = fixture("incidents.json");
    assert_eq!(e.lifecycle.len(), 1);
    assert_eq!(
        (e.lifecycle[0].field, e.lifecycle[0].by),
        (Lifecycle::Resolved, "the status page")
    );
    assert_eq!(
        e.lifecycle[0].at.to_rfc3339(),
        "2026-11-21T01:38:12.412+01:00"
    );
}

#[test]
fn polls_repeated_as_json_lines_take_each_update_once() {
    let raw = std::fs::read_to_string(Path::new(FIXTURES).join("incidents.json")).unwrap();
    let line: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let line = line.to_string();
    let e = text(&format!("{line}\n{line}\n")).unwrap();
    assert_eq!(e.records.len(), 8);
    let (what, n) = &e.skipped[0];
    assert_eq!(
        (e.skipped.len(), what.counted(*n)),
        (1, "8 incident updates repeated".into())
    );
    assert_eq!(what.counted(1), "1 incident update repeated");
    assert_eq!(
        e.what,
        "a Statuspage export of Acme (https://status.acme.com), 2 incidents, 8 updates"
    );
}

#[test]
fn an_update_without_a_time_or_id_is_a_problem_not_an_error() {
    let e = text("{\"incident_updates\": [\n{\"id\": \"u1\", \"status\": \"resolved\"},\n{\"status\": \"resolved\", \"created_at\": \"2026-11-20T10:00:00Z\"},\n{\"id\": \"u3\", \"display_at\": \"10:00\"}\n]}").unwrap();
    assert!(e.records.is_empty());
    assert_eq!(
        e.problems,
        [
            "sp.json:2: update u1 has neither `display_at` nor `created_at`; left out",
            "sp.json:3: an incident update without an id; left out",
            "sp.json:4: update u3: `display_at` is not an RFC 3339 timestamp (premature end of input); left out",
        ]
    );
    assert_eq!(e.what, "a Statuspage incident, 2 updates");
}

#[test]
fn bad_input_is_an_error_at_its_line_and_column() {
    let err = |t: &str| text(t).unwrap_err();
    assert_eq!(
        err(r#"{"incidents": 3}"#),
        "sp.json:1:15: `incidents` should be an array of incidents, found a number (3)"
    );
    assert_eq!(
        err(r#"{"incident_updates": {}}"#),
        "sp.json:1:22: `incident_updates` should be an array of updates, found an object"
    );
    assert_eq!(
        err(r#"{"incidents": [{"incident_updates": [[]]}]}"#),
        "sp.json:1:38: expected an incident update (an object), found an array"
    );
    assert_eq!(
        err("{\"incidents\": [{\"incident_updates\": [{\"id\": \"u\", \"body\": 7}]}]}"),
        "sp.json:1:58: an incident update: invalid type: integer `7`, expected a string"
    );
    assert!(
        err("{\"page\": {}, \"status\": {}}")
            .starts_with("sp.json:1:1: expected Statuspage incidents")
    );
    assert!(err("{\"incidents\": [}").starts_with("sp.json:1:16: "));
    assert_eq!(
        err(""),
        "sp.json: the file is empty; expected Statuspage incidents as JSON"
    );
}
