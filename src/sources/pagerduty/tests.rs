use super::*;
use crate::sources::text::dump;

const FIXTURES: &str = "tests/fixtures/sources/pagerduty";

fn fixture(name: &str, all: bool) -> Export {
    let options = Options {
        all,
        ..Options::default()
    };
    read(&Path::new(FIXTURES).join(name), &options).unwrap()
}

fn text(text: &str, all: bool) -> Result<Export, String> {
    let options = Options {
        all,
        ..Options::default()
    };
    read_doc(&Doc::new(Path::new("pd.json"), text), &options)
}

fn one(entry: &str) -> Record {
    let export = text(&format!("{{\"log_entries\": [{entry}]}}"), true).unwrap();
    assert_eq!(export.records.len(), 1, "{export:?}");
    export.records.into_iter().next().unwrap()
}

#[test]
fn two_pages_as_an_array() {
    insta::assert_snapshot!(dump(&fixture("log_entries.json", false)));
}

#[test]
fn two_pages_as_json_lines_read_as_the_array_does() {
    let array = fixture("log_entries.json", false);
    let lines = fixture("log_entries.jsonl", false);
    let strip = |e: &Export| {
        e.records
            .iter()
            .map(|r| (r.at, r.kind, r.text.clone(), r.source.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&array), strip(&lines));
    assert_eq!(array.lifecycle, lines.lifecycle);
    assert_eq!(array.skipped, lines.skipped);
    assert_eq!(
        lines.records[0].origin,
        format!("{FIXTURES}/log_entries.jsonl:1")
    );
    assert_eq!(
        lines.records.last().unwrap().origin,
        format!("{FIXTURES}/log_entries.jsonl:2")
    );
}

#[test]
fn all_takes_notify_and_every_other_type() {
    insta::assert_snapshot!(dump(&fixture("log_entries.json", true)));
}

#[test]
fn notes() {
    insta::assert_snapshot!(dump(&fixture("notes.json", false)));
}

#[test]
fn lifecycle_is_first_trigger_first_acknowledge_last_resolve() {
    let e = text(
        r#"[
        {"id": "A", "type": "trigger_log_entry", "created_at": "2026-11-20T10:05:00Z"},
        {"id": "B", "type": "trigger_log_entry", "created_at": "2026-11-20T10:00:00Z"},
        {"id": "C", "type": "acknowledge_log_entry", "created_at": "2026-11-20T10:09:00Z"},
        {"id": "D", "type": "acknowledge_log_entry", "created_at": "2026-11-20T10:07:00Z"},
        {"id": "E", "type": "resolve_log_entry", "created_at": "2026-11-20T11:00:00Z"},
        {"id": "F", "type": "resolve_log_entry", "created_at": "2026-11-20T12:00:00Z"}
        ]"#,
        false,
    )
    .unwrap();
    let got: Vec<_> = e
        .lifecycle
        .iter()
        .map(|p| (p.field, p.at.to_rfc3339(), p.by))
        .collect();
    assert_eq!(
        got,
        [
            (
                Lifecycle::Detected,
                "2026-11-20T10:00:00+00:00".into(),
                "PagerDuty"
            ),
            (
                Lifecycle::Acknowledged,
                "2026-11-20T10:07:00+00:00".into(),
                "PagerDuty"
            ),
            (
                Lifecycle::Resolved,
                "2026-11-20T12:00:00+00:00".into(),
                "PagerDuty"
            ),
        ]
    );
    assert_eq!(e.what, "a PagerDuty log, 6 entries");
}

#[test]
fn trigger_names_what_fired_and_the_channel() {
    let r = one(
        r#"{"id": "T", "type": "trigger_log_entry", "created_at": "2026-11-20T10:00:00Z",
        "summary": "Triggered through the API.", "channel": {"type": "api", "summary": "CPU &amp; memory high"}}"#,
    );
    assert_eq!(
        (r.kind, r.text.as_str()),
        (
            EntryKind::Detection,
            "Triggered: CPU & memory high (via api)"
        )
    );
    assert_eq!(r.source, "pagerduty:T");
    let r = one(
        r#"{"id": "T", "type": "trigger_log_entry", "created_at": "2026-11-20T10:00:00Z",
        "channel": {"type": "email", "subject": "Disk full on db-3"}}"#,
    );
    assert_eq!(r.text, "Triggered: Disk full on db-3 (via email)");
    let r = one(
        r#"{"id": "T", "type": "trigger_log_entry", "created_at": "2026-11-20T10:00:00Z",
        "incident": {"id": "P1", "summary": "[#7] Queue backlog"}, "channel": {"type": "web_trigger"}}"#,
    );
    assert_eq!(r.text, "Triggered: [#7] Queue backlog (via web_trigger)");
}

#[test]
fn acknowledge_is_a_note_naming_the_agent() {
    let r = one(
        r#"{"id": "K", "type": "acknowledge_log_entry", "created_at": "2026-11-20T10:00:00Z",
        "agent": {"type": "user_reference", "summary": "Li Wei"}}"#,
    );
    assert_eq!(
        (r.kind, r.text.as_str()),
        (EntryKind::Note, "Acknowledged by Li Wei")
    );
    let r = one(
        r#"{"id": "K", "type": "acknowledge_log_entry", "created_at": "2026-11-20T10:00:00Z", "agent": null}"#,
    );
    assert_eq!(r.text, "Acknowledged");
}

#[test]
fn escalate_assign_and_delegate_are_escalations_naming_the_assignees() {
    let r = one(
        r#"{"id": "E", "type": "escalate_log_entry", "created_at": "2026-11-20T10:00:00Z",
        "summary": "Escalated to level 2", "channel": {"type": "timeout"},
        "assignees": [{"type": "user_reference", "summary": "Ana Ruiz"}]}"#,
    );
    assert_eq!(
        (r.kind, r.text.as_str()),
        (EntryKind::Escalation, "Assigned to Ana Ruiz")
    );
    let r = one(
        r#"{"id": "E", "type": "assign_log_entry", "created_at": "2026-11-20T10:00:00Z",
        "agent": {"type": "user_reference", "summary": "Li Wei"},
        "assignees": [{"summary": "Ana Ruiz"}, {"summary": "Sam Okafor"}]}"#,
    );
    assert_eq!(r.text, "Assigned to Ana Ruiz, Sam Okafor by Li Wei");
    let r = one(
        r#"{"id": "E", "type": "delegate_log_entry", "created_at": "2026-11-20T10:00:00Z",
        "assignees": [{"type": "escalation_policy_reference", "summary": "DB On-Call"}]}"#,
    );
    assert_eq!(
        (r.kind, r.text.as_str()),
        (EntryKind::Escalation, "Reassigned to DB On-Call")
    );
    let r = one(
        r#"{"id": "E", "type": "escalate_log_entry", "created_at": "2026-11-20T10:00:00Z",
        "summary": "Escalated to level 2."}"#,
    );
    assert_eq!(r.text, "Escalated to level 2.");
}

#[test]
fn annotate_is_a_note_in_one_line() {
    let r = one(
        r#"{"id": "N", "type": "annotate_log_entry", "created_at": "2026-11-20T10:00:00Z",
        "summary": "Note added", "agent": {"type": "user_reference", "summary": "Li Wei"},
        "channel": {"type": "note", "summary": "Rolled back.\n\nWatching <b>p99</b>"}}"#,
    );
    assert_eq!(
        (r.kind, r.text.as_str()),
        (EntryKind::Note, "Li Wei: Rolled back. Watching p99")
    );
}

#[test]
fn resolve_is_a_resolution() {
    let r = one(
        r#"{"id": "R", "type": "resolve_log_entry", "created_at": "2026-11-20T10:00:00Z",
        "agent": {"type": "user_reference", "summary": "Ana Ruiz"}, "channel": {"type": "website"}}"#,
    );
    assert_eq!(
        (r.kind, r.text.as_str()),
        (EntryKind::Resolution, "Resolved by Ana Ruiz")
    );
    let r = one(
        r#"{"id": "R", "type": "resolve_log_entry", "created_at": "2026-11-20T10:00:00Z",
        "agent": {"type": "service_reference", "summary": "checkout-api"}, "channel": {"type": "auto"}}"#,
    );
    assert_eq!(r.text, "Resolved (via auto)");
}

#[test]
fn notify_and_the_rest_are_counted_unless_all() {
    let log = r#"{"log_entries": [
        {"id": "1", "type": "notify_log_entry", "created_at": "2026-11-20T10:00:00Z", "summary": "Notified Li Wei by SMS."},
        {"id": "2", "type": "notify_log_entry", "created_at": "2026-11-20T10:00:01Z"},
        {"id": "3", "type": "snooze_log_entry", "created_at": "2026-11-20T10:00:02Z"},
        {"id": "4", "created_at": "2026-11-20T10:00:03Z"}
    ]}"#;
    let e = text(log, false).unwrap();
    assert!(e.records.is_empty());
    assert_eq!(
        counted(&e),
        [
            "2 notify log entries (--all takes them)",
            "1 snooze log entry (--all takes it)",
            "1 untyped log entry (--all takes it)",
        ]
    );
    let e = text(log, true).unwrap();
    let texts: Vec<_> = e
        .records
        .iter()
        .map(|r| (r.kind, r.text.as_str()))
        .collect();
    assert_eq!(
        texts,
        [
            (EntryKind::Note, "Notified Li Wei by SMS."),
            (EntryKind::Note, "Notified someone"),
            (EntryKind::Note, "snooze"),
            (
                EntryKind::Note,
                "A PagerDuty log entry without a type or summary"
            ),
        ]
    );
    assert!(e.skipped.is_empty());
}

#[test]
fn entries_repeated_across_pages_are_taken_once_and_counted() {
    let page = r#"{"log_entries": [{"id": "A", "type": "trigger_log_entry", "created_at": "2026-11-20T10:00:00Z"}], "more": true}"#;
    let e = text(&format!("{page}\n{page}\n{page}\n"), false).unwrap();
    assert_eq!(e.records.len(), 1);
    assert_eq!(counted(&e), ["2 log entries repeated across pages"]);
}

#[test]
fn a_note_also_in_the_log_is_taken_once() {
    let log = std::fs::read_to_string(Path::new(FIXTURES).join("log_entries.jsonl")).unwrap();
    let notes = std::fs::read_to_string(Path::new(FIXTURES).join("notes.json")).unwrap();
    let e = text(&format!("{log}{notes}"), false).unwrap();
    let notes: Vec<_> = e
        .records
        .iter()
        .filter(|r| r.source.starts_with("pagerduty:note/"))
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].source, "pagerduty:note/PQ0Z8RT");
    assert!(
        counted(&e).contains(&"1 note already in the log as an annotate entry".to_string()),
        "{:?}",
        counted(&e)
    );
    assert_eq!(
        e.what,
        "a PagerDuty log of incident [#1234] Checkout p99 latency above 2s (PT4KHLK), 10 entries and 2 notes"
    );
}

#[test]
fn several_incidents_are_named_in_what() {
    let e = text(
        r#"{"log_entries": [
        {"id": "A", "type": "trigger_log_entry", "created_at": "2026-11-20T10:00:00Z", "incident": {"id": "P1", "summary": "one"}},
        {"id": "B", "type": "trigger_log_entry", "created_at": "2026-11-20T10:00:00Z", "incident": {"id": "P2", "summary": "two"}},
        {"id": "C", "type": "resolve_log_entry", "created_at": "2026-11-20T10:00:00Z", "incident": {"id": "P1", "summary": "one"}}
        ]}"#,
        false,
    )
    .unwrap();
    assert_eq!(e.what, "a PagerDuty log of 2 incidents (P1, P2), 3 entries");
}

#[test]
fn single_log_entry_and_bare_notes_are_read() {
    let e = text(r#"{"log_entry": {"id": "A", "type": "trigger_log_entry_reference", "created_at": "2026-11-20T10:00:00Z"}}"#, false).unwrap();
    assert_eq!(e.records[0].kind, EntryKind::Detection);
    let e = text(r#"[{"id": "N1", "content": "hi", "created_at": "2026-11-20T10:00:00Z", "user": {"summary": "Li"}}]"#, false).unwrap();
    assert_eq!(e.records[0].text, "Li: hi");
    assert_eq!(e.what, "PagerDuty notes, 1 note");
}

#[test]
fn an_entry_without_a_time_is_a_problem_not_an_error() {
    let e = text(
        "{\"log_entries\": [\n{\"id\": \"A\", \"type\": \"trigger_log_entry\"},\n{\"id\": \"B\", \"type\": \"resolve_log_entry\", \"created_at\": \"yesterday\"},\n{\"type\": \"resolve_log_entry\", \"created_at\": \"2026-11-20T10:00:00Z\"},\n{\"id\": \"C\", \"type\": \"resolve_log_entry\", \"created_at\": \"2026-11-20T10:00:00Z\"}\n]}",
        false,
    )
    .unwrap();
    assert_eq!(e.records.len(), 1);
    assert_eq!(
        e.problems,
        [
            "pd.json:2: log entry A has no `created_at`; left out",
            "pd.json:3: log entry B: `created_at` is not an RFC 3339 timestamp (premature end of input); left out",
            "pd.json:4: a log entry without an id; left out",
        ]
    );
}

#[test]
fn bad_input_is_an_error_at_its_line_and_column() {
    let err = |t: &str| text(t, false).unwrap_err();
    assert_eq!(
        err("{\"log_entries\": 3}"),
        "pd.json:1:17: `log_entries` should be an array of log entries, found a number (3)"
    );
    assert_eq!(
        err("{\"notes\": {}}"),
        "pd.json:1:11: `notes` should be an array of notes, found an object"
    );
    assert_eq!(
        err("{\"log_entries\": [1]}"),
        "pd.json:1:18: expected a log entry (an object), found a number (1)"
    );
    assert_eq!(
        err("{\"log_entries\": [\n  {\"id\": 12, \"type\": \"trigger_log_entry\"}]}"),
        "pd.json:2:10: a PagerDuty log entry: invalid type: integer `12`, expected a string"
    );
    assert_eq!(
        err("{\"log_entries\": [{\"id\": \"A\", \"assignees\": \"Li\"}]}"),
        "pd.json:1:43: a PagerDuty log entry: invalid type: string \"Li\", expected a sequence"
    );
    assert!(err("{\"log_entries\": [\n{\"id\": \"A\",}]}").starts_with("pd.json:2:12: "));
    assert!(err("{\"incidents\": []}").starts_with("pd.json:1:1: expected a PagerDuty page"));
    assert!(err("\"log\"").starts_with("pd.json:1:1: expected a PagerDuty page"));
    assert_eq!(
        err(""),
        "pd.json: the file is empty; expected PagerDuty log entries or notes as JSON"
    );
    let missing = read(Path::new("no/such/file.json"), &Options::default()).unwrap_err();
    assert!(missing.starts_with("no/such/file.json: "), "{missing}");
}

#[test]
fn an_entry_or_note_without_text_still_says_what_it_was() {
    let r = one(
        r#"{"id": "N", "type": "annotate_log_entry", "created_at": "2026-11-20T10:00:00Z", "agent": {"summary": "Li"}, "channel": {"summary": " "}}"#,
    );
    assert_eq!(r.text, "Li: (an empty note)");
    let r = one(
        r#"{"id": "N", "type": "urgency_change_log_entry", "created_at": "2026-11-20T10:00:00Z", "summary": ""}"#,
    );
    assert_eq!(r.text, "urgency change");
    let e = text(
        r#"{"notes": [{"id": "n", "content": "", "created_at": "2026-11-20T10:00:00Z"}]}"#,
        false,
    )
    .unwrap();
    assert_eq!(e.records[0].text, "(an empty note)");
}

/// `skipped` as the summary says it: `2 notify log entries (--all takes them)`.
fn counted(e: &super::Export) -> Vec<String> {
    e.skipped.iter().map(|(w, n)| w.counted(*n)).collect()
}
