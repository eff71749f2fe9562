//! `pirt timeline import`: the source column, idempotent re-imports, --dry-run, the
//! window, --redact, and recognising each export from its shape.

use insta_cmd::assert_cmd_snapshot;

use crate::{pirt, scratch};

fn read(dir: &tempfile::TempDir, name: &str) -> String {
    std::fs::read_to_string(dir.path().join(name)).unwrap()
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) {
    std::fs::write(dir.path().join(name), text).unwrap();
}

/// Runs `pirt timeline import checkout.md --from FROM ARGS...`; (exit code, stdout, stderr).
fn import(dir: &tempfile::TempDir, from: &str, args: &[&str]) -> (i32, String, String) {
    let out = pirt(dir.path())
        .args(["timeline", "import", "checkout.md", "--from", from])
        .args(args)
        .env("PIRT_NOW", "2026-11-21T09:00:00Z")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Times in the configured zone (Europe/Berlin): 15:20 is 14:20 UTC.
const SOURCED: &str = "time,text,kind,source
15:20,Status page updated,communication,https://status.example.com/incidents/x1
15:25,\"Pool size raised, error rate falls\",mitigation,slack:C07INC4812/1763647752.000200
";

#[test]
fn the_source_column_round_trips_and_a_second_import_adds_nothing() {
    let dir = scratch(&["checkout.md"]);
    write(&dir, "events.csv", SOURCED);
    let (code, _, err) = import(&dir, "events.csv", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.ends_with("imported 2 entries into checkout.md\n"),
        "{err}"
    );
    let once = read(&dir, "checkout.md");
    assert!(once.contains("  - at: 2026-11-20T15:25:00+01:00\n    kind: mitigation\n    text: \"Pool size raised, error rate falls\"\n    source: slack:C07INC4812/1763647752.000200\n"), "{once}");
    assert!(once.contains("    source: https://status.example.com/incidents/x1\n"));
    let (code, _, err) = import(&dir, "events.csv", &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        "imported 0 entries into checkout.md; 2 already there\n"
    );
    assert_eq!(read(&dir, "checkout.md"), once, "byte for byte");

    // The same evidence as JSON lines is the same evidence.
    write(
        &dir,
        "events.jsonl",
        "{\"at\": \"15:25\", \"text\": \"again\", \"source\": \"slack:C07INC4812/1763647752.000200\"}\n{\"at\": \"15:40\", \"text\": \"new\", \"source\": \"slack:C07INC4812/1763648000.000100\"}\n",
    );
    let (code, _, err) = import(&dir, "events.jsonl", &["-q"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        read(&dir, "checkout.md").matches("source: slack:").count(),
        2
    );

    // Rendered: JSON carries it, HTML links an https: source and labels an id, Markdown too.
    let json = pirt(dir.path())
        .args(["render", "checkout.md", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let sources: Vec<&str> = json["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["source"].as_str())
        .collect();
    assert_eq!(sources.len(), 3, "{sources:?}");
    let html = pirt(dir.path())
        .args(["render", "checkout.md", "--format", "html"])
        .output()
        .unwrap();
    let html = String::from_utf8(html.stdout).unwrap();
    assert!(html.contains("Status page updated <a class=\"source\" href=\"https:&#x2f;&#x2f;status.example.com&#x2f;incidents&#x2f;x1\" rel=\"noopener noreferrer\">source</a></td>"), "{html}");
    assert!(
        html.contains("<span class=\"source mono\">slack:C07INC4812&#x2f;1763647752.000200</span>")
    );
    let md = pirt(dir.path())
        .args(["render", "checkout.md"])
        .output()
        .unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(
        md.contains(
            "| Status page updated ([source](<https://status.example.com/incidents/x1>)) |"
        ),
        "{md}"
    );
    assert!(
        md.contains("falls (source: slack:C07INC4812/1763647752.000200) |"),
        "{md}"
    );
}

#[test]
fn dry_run_prints_the_entries_and_writes_nothing() {
    let dir = scratch(&["checkout.md"]);
    write(&dir, "events.csv", SOURCED);
    let before = std::fs::read(dir.path().join("checkout.md")).unwrap();
    let (code, out, err) = import(&dir, "events.csv", &["--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "+ 2026-11-20 15:20 CET (+18m after start) communication: Status page updated [https://status.example.com/incidents/x1]
+ 2026-11-20 15:25 CET (+23m after start) mitigation: Pool size raised, error rate falls [slack:C07INC4812/1763647752.000200]
"
    );
    assert_eq!(
        err,
        "would import 2 entries into checkout.md (--dry-run: nothing written)\n"
    );
    assert_eq!(
        std::fs::read(dir.path().join("checkout.md")).unwrap(),
        before
    );
    assert!(!dir.path().join("checkout.md.lock").exists());
}

#[test]
fn the_window_counts_what_it_leaves_out() {
    let dir = scratch(&["checkout.md"]);
    // started 14:02 UTC, resolved 16:30 UTC: the default window is 13:02 to 17:30 UTC.
    write(
        &dir,
        "events.csv",
        "time,text\n2026-11-20T12:00:00Z,Weekly deploy\n2026-11-20T14:20:00Z,Channel opened\n2026-11-20T15:00:00Z,Rollback started\n2026-11-20T17:31:00Z,Retro booked\n",
    );
    let before = read(&dir, "checkout.md");
    let (code, _, err) = import(&dir, "events.csv", &["--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.ends_with("would import 2 entries into checkout.md; 2 outside the window (--since/--until) (--dry-run: nothing written)\n"),
        "{err}"
    );
    let (code, _, err) = import(
        &dir,
        "events.csv",
        &["--since", "11:00", "--until", "15:30", "-v"],
    );
    assert_eq!(code, 0, "{err}");
    // 11:00 and 15:30 are Berlin times: 10:00 to 14:30 UTC.
    assert!(
        err.ends_with(
            "imported 2 entries into checkout.md; 2 outside the window (--since/--until)\n"
        ),
        "{err}"
    );
    let after = read(&dir, "checkout.md");
    assert!(after.contains("text: Weekly deploy\n") && after.contains("text: Channel opened\n"));
    assert!(!after.contains("Rollback started") && !after.contains("Retro booked"));
    assert_ne!(after, before);
    let (code, _, err) = import(
        &dir,
        "events.csv",
        &["--since", "16:00", "--until", "15:00"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("the window is empty: --since 2026-11-20 16:00 CET is after --until 2026-11-20 15:00 CET"), "{err}");
    let (code, _, err) = import(&dir, "events.csv", &["--channel", "inc-checkout"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--channel picks a channel of a Slack export; events.csv is a CSV file"),
        "{err}"
    );
    let (code, _, err) = import(&dir, "events.csv", &["--since", "half past"]);
    assert_eq!(code, 2);
    assert!(err.contains("--since: cannot read `half past`"), "{err}");
}

#[test]
fn secrets_are_warned_about_masked_or_replaced() {
    let dir = scratch(&["checkout.md"]);
    let token = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
    write(
        &dir,
        "events.csv",
        &format!("time,text\n15:20,bot token {token} pasted; ops@example.com told\n"),
    );
    let (code, out, err) = import(&dir, "events.csv", &["--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: line 2: holds a Slack token, xoxb… (56 characters); --redact stores a placeholder instead\n"),
        "{err}"
    );
    assert!(!err.contains(&token[5..]));
    // The preview of what would be written masks it too.
    assert!(out.contains("bot token xoxb****"), "{out}");
    assert!(!out.contains(&token[5..]), "{out}");
    // So does the echo of an import made without --redact (the file holds the token).
    let (code, _, err) = import(&dir, "events.csv", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains(&token[5..]), "{err}");
    assert!(read(&dir, "checkout.md").contains(token));
    let dir = scratch(&["checkout.md"]);
    write(
        &dir,
        "events.csv",
        &format!("time,text\n15:20,bot token {token} pasted; ops@example.com told\n"),
    );
    let (code, _, err) = import(&dir, "events.csv", &["--redact"]);
    assert_eq!(code, 0, "{err}");
    let text = read(&dir, "checkout.md");
    assert!(
        text.contains("text: bot token <REDACTED slack-token> pasted; ops@example.com told\n"),
        "{text}"
    );
    assert!(!text.contains(token));
}

/// Each source's documented shape is recognised (the readers themselves are tested with
/// their own fixtures); nothing is written with --dry-run or when the reader fails.
#[test]
fn auto_recognises_each_export_from_its_shape() {
    let dir = scratch(&["checkout.md"]);
    let before = read(&dir, "checkout.md");
    for (name, text, said) in [
        (
            "slack.json",
            r#"{"ok": true, "messages": [{"type": "message", "user": "U012AB3CD", "text": "Rolled back", "ts": "1763647752.000200"}], "has_more": false}"#,
            "recognised a Slack export (--format slack)",
        ),
        (
            "pd.json",
            r#"{"log_entries": [{"id": "R2XGXEI3W61N7U", "type": "acknowledge_log_entry", "created_at": "2026-11-20T14:11:04Z"}], "limit": 25, "offset": 0, "more": false}"#,
            "recognised a PagerDuty log (--format pagerduty)",
        ),
        (
            "am.json",
            r#"{"version": "4", "groupKey": "{}:{alertname=\"CheckoutLatency\"}", "status": "firing", "receiver": "pagerduty", "alerts": [{"status": "firing", "labels": {"alertname": "CheckoutLatency"}, "startsAt": "2026-11-20T14:05:00Z", "fingerprint": "c1a2"}]}"#,
            "recognised an Alertmanager or Grafana notification (--format alertmanager)",
        ),
        (
            "sp.json",
            r#"{"page": {"id": "kctbh9vrtdwd"}, "incidents": [{"id": "p31zjtct2jer", "name": "Checkout errors", "incident_updates": []}]}"#,
            "recognised a Statuspage incident (--format statuspage)",
        ),
    ] {
        write(&dir, name, text);
        let (_, _, err) = import(&dir, name, &["--dry-run"]);
        assert!(err.starts_with(&format!("{said}\n")), "{name}: {err}");
    }
    std::fs::create_dir(dir.path().join("export")).unwrap();
    write(&dir, "export/channels.json", "[]");
    let (_, _, err) = import(&dir, "export", &[]);
    assert!(
        err.starts_with("recognised a Slack export (--format slack)\n"),
        "{err}"
    );
    assert_eq!(read(&dir, "checkout.md"), before);
}

#[test]
fn an_unknown_shape_names_the_formats_and_what_was_seen() {
    let dir = scratch(&["checkout.md"]);
    write(
        &dir,
        "export.json",
        r#"{"data": [{"id": 1}], "meta": {"page": 1}}"#,
    );
    assert_cmd_snapshot!(
        "unknown_shape",
        pirt(dir.path()).args(["timeline", "import", "checkout.md", "--from", "export.json"])
    );
    write(&dir, "broken.json", "{\"data\": [\n  {\"id\": 1,}\n]}\n");
    let (code, _, err) = import(&dir, "broken.json", &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("broken.json:2:12: not valid JSON: key must be a string"),
        "{err}"
    );
}

/// A review of the incident the reader fixtures describe (2026-11-20 23:37 UTC, 00:37 in
/// the fixtures' Europe/Berlin): `detected_at` empty, the other lifecycle keys absent.
const MIDNIGHT: &str = "---
id: PIR-2026-021
title: Checkout latency after the midnight deploy
status: draft
severity: SEV2
started_at: 2026-11-20T23:35:00Z   # deploy 4907
detected_at:
timeline:
  - at: 2026-11-20T23:35:00Z
    kind: trigger
    text: Deploy 4907 reaches the checkout pods.
---

## Summary

Checkout p99 latency above 2s for an hour.
";

/// A scratch folder holding `review.md` (`review`) and the reader fixtures.
fn midnight(review: &str) -> tempfile::TempDir {
    let dir = scratch(&[
        "sources/pagerduty/log_entries.json",
        "sources/pagerduty/log_entries.jsonl",
        "sources/pagerduty/notes.json",
        "sources/alertmanager/webhook.jsonl",
        "sources/alertmanager/payloads.json",
        "sources/statuspage/incidents.json",
    ]);
    write(&dir, "review.md", review);
    dir
}

/// Runs `pirt timeline import review.md --from FROM ARGS...`; (exit code, stdout, stderr).
fn import_into_review(dir: &tempfile::TempDir, from: &str, args: &[&str]) -> (i32, String, String) {
    let out = pirt(dir.path())
        .args(["timeline", "import", "review.md", "--from", from])
        .args(args)
        .env("PIRT_NOW", "2026-11-21T09:00:00Z")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The front matter, `---` to `---`.
fn front_matter(text: &str) -> &str {
    let end = text[4..].find("\n---\n").unwrap() + 4 + 5;
    &text[..end]
}

/// Each reader through the command, `--format auto`: the timeline it writes and what it
/// says; a second import adds nothing and leaves the file byte for byte.
#[test]
fn each_reader_through_the_command_and_again() {
    for (name, from, again) in [
        (
            "pagerduty",
            "sources/pagerduty/log_entries.json",
            "imported 0 entries from a PagerDuty log of incident [#1234] Checkout p99 latency above 2s (PT4KHLK), 10 entries into review.md; 7 already there, 4 skipped: 2 notify log entries (--all takes them), 1 log entry repeated across pages, 1 priority change log entry (--all takes it)\n",
        ),
        (
            "alertmanager",
            "sources/alertmanager/webhook.jsonl",
            "imported 0 entries from 5 Alertmanager webhook payloads (receiver pirt-log), 2 alerts into review.md; 4 already there, 5 skipped: repeated notifications of the same alert (re-sent)\n",
        ),
        (
            "statuspage",
            "sources/statuspage/incidents.json",
            "imported 0 entries from a Statuspage export of Acme (https://status.acme.com), 2 incidents, 8 updates into review.md; 4 already there, 4 outside the window (--since/--until)\n",
        ),
    ] {
        let dir = midnight(MIDNIGHT);
        let (code, out, err) = import_into_review(&dir, from, &[]);
        assert_eq!((code, out.as_str()), (0, ""), "{name}: {err}");
        let once = read(&dir, "review.md");
        assert!(
            once.ends_with("---\n\n## Summary\n\nCheckout p99 latency above 2s for an hour.\n")
        );
        insta::assert_snapshot!(
            format!("reader_{name}"),
            format!("{}\n--- stderr ---\n{err}", front_matter(&once))
        );
        let (code, _, err) = import_into_review(&dir, from, &[]);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(err.ends_with(again), "{name}: {err}");
        assert!(!err.contains("set "), "{name}: {err}");
        assert_eq!(read(&dir, "review.md"), once, "{name}: byte for byte");
    }
}

/// Pages as JSON lines are the same log as pages in an array; notes from another file join
/// it; an array of webhook payloads is recognised as Alertmanager's.
#[test]
fn other_shapes_of_the_same_evidence() {
    let dir = midnight(MIDNIGHT);
    let (code, _, err) = import_into_review(&dir, "sources/pagerduty/log_entries.jsonl", &[]);
    assert_eq!(code, 0, "{err}");
    let lines = read(&dir, "review.md");
    let (code, _, err) = import_into_review(&dir, "sources/pagerduty/log_entries.json", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("into review.md; 7 already there"), "{err}");
    assert_eq!(read(&dir, "review.md"), lines);
    let (code, _, err) = import_into_review(&dir, "sources/pagerduty/notes.json", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.ends_with("imported 2 entries from PagerDuty notes, 2 notes into review.md\n"),
        "{err}"
    );
    assert_eq!(
        read(&dir, "review.md")
            .matches("source: pagerduty:note/")
            .count(),
        2
    );

    let dir = midnight(MIDNIGHT);
    let (code, _, err) =
        import_into_review(&dir, "sources/alertmanager/payloads.json", &["--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.starts_with(
            "recognised an Alertmanager or Grafana notification (--format alertmanager)\n"
        ),
        "{err}"
    );
}

/// The lifecycle: empty and absent fields are filled (an absent key next to the other
/// lifecycle keys), a different time is kept and both are said, `--no-lifecycle`.
#[test]
fn lifecycle_fills_keeps_and_is_turned_off() {
    let pd = "sources/pagerduty/log_entries.json";
    let dir = midnight(MIDNIGHT);
    let (code, _, err) = import_into_review(&dir, pd, &["-q"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let text = read(&dir, "review.md");
    assert!(
        text.contains("started_at: 2026-11-20T23:35:00Z   # deploy 4907\ndetected_at: 2026-11-20T23:41:07Z\nacknowledged_at: 2026-11-20T23:44:30Z\nresolved_at: 2026-11-21T00:37:55Z\ntimeline:\n"),
        "{text}"
    );

    // The review says acknowledged 23:46 UTC (00:46 Berlin): kept, both said.
    let review = MIDNIGHT.replace(
        "detected_at:\n",
        "detected_at:\nacknowledged_at: 2026-11-20T23:46:00Z  # by phone\n",
    );
    let dir = midnight(&review);
    let (code, out, err) = import_into_review(&dir, pd, &["--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 7, "{out}");
    assert!(
        err.contains("would set detected_at: 2026-11-21 00:41:07 CET (from PagerDuty)\nPagerDuty says acknowledged 00:44:30, the review says 00:46 (CET); kept\nwould set resolved_at: 2026-11-21 01:37:55 CET (from PagerDuty)\n"),
        "{err}"
    );
    assert_eq!(read(&dir, "review.md"), review, "--dry-run writes nothing");
    let (code, _, err) = import_into_review(&dir, pd, &[]);
    assert_eq!(code, 0, "{err}");
    let text = read(&dir, "review.md");
    assert!(
        text.contains(
            "acknowledged_at: 2026-11-20T23:46:00Z  # by phone\nresolved_at: 2026-11-21T00:37:55Z\n"
        ),
        "{text}"
    );

    let dir = midnight(MIDNIGHT);
    let (code, _, err) = import_into_review(&dir, pd, &["--no-lifecycle"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("set ") && !err.contains("says"), "{err}");
    let text = read(&dir, "review.md");
    assert!(
        text.contains("detected_at:\ntimeline:\n") && !text.contains("resolved_at"),
        "{text}"
    );
    assert_eq!(text.matches("source: pagerduty:").count(), 7);
}

/// `--dry-run` prints each entry on standard output and writes nothing, no lock either.
#[test]
fn dry_run_of_a_reader_writes_nothing() {
    let dir = midnight(MIDNIGHT);
    let (code, out, err) =
        import_into_review(&dir, "sources/statuspage/incidents.json", &["--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "+ 2026-11-21 00:45 CET (+10m after start) communication: Status page, investigating: We are investigating elevated error rates at checkout & will post an update within 30 minutes. [statuspage:r4k7x1m9d3pe]
+ 2026-11-21 00:58:03 CET (+23m 3s after start) communication: Status page, identified: We've identified the cause: a configuration change to the payment gateway's connection pool. We are rolling it back. Checkout: errors for ~30% of requests; Payments: **not** affected [statuspage:9fz3c0w5t2ly]
+ 2026-11-21 01:12:40 CET (+37m 40s after start) communication: Status page, monitoring: A fix has been implemented and we are monitoring the results. [statuspage:vq2n8d6k4j1s]
+ 2026-11-21 01:38:12 CET (+1h 3m after start) communication: Status page, resolved: This incident has been resolved. Checkout error rates are back to normal. [statuspage:h8b5m1q0x7rc]
"
    );
    assert!(err.ends_with("would import 4 entries from a Statuspage export of Acme (https://status.acme.com), 2 incidents, 8 updates into review.md; 4 outside the window (--since/--until) (--dry-run: nothing written)\n"), "{err}");
    assert!(
        err.contains("would set resolved_at: 2026-11-21 01:38:12 CET (from the status page)\n"),
        "{err}"
    );
    assert_eq!(read(&dir, "review.md"), MIDNIGHT);
    assert!(!dir.path().join("review.md.lock").exists());
}

/// `--since`/`--until` narrow the window and what falls out is counted.
#[test]
fn a_narrower_window_counts_what_it_leaves_out() {
    let dir = midnight(MIDNIGHT);
    // 00:50 to 01:15 Berlin: the identified and monitoring updates.
    let (code, out, err) = import_into_review(
        &dir,
        "sources/statuspage/incidents.json",
        &[
            "--since",
            "00:50",
            "--until",
            "01:15",
            "--dry-run",
            "--no-lifecycle",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(err.contains("would import 2 entries from a Statuspage export of Acme (https://status.acme.com), 2 incidents, 8 updates into review.md; 6 outside the window (--since/--until)"), "{err}");
}

/// A record without a time is a warning naming where it is; the rest is imported.
#[test]
fn problems_of_an_export_are_warnings() {
    let dir = midnight(MIDNIGHT);
    write(
        &dir,
        "pd.json",
        r#"{"log_entries": [
  {"id": "R1TRIGGER00001", "type": "trigger_log_entry", "created_at": "2026-11-20T23:41:07Z", "channel": {"type": "api", "summary": "Checkout p99 latency above 2s"}},
  {"id": "R2ACK000000002", "type": "acknowledge_log_entry", "agent": {"id": "PU1", "type": "user_reference", "summary": "Li Wei"}}
], "limit": 100, "offset": 0, "more": false}
"#,
    );
    let (code, _, err) = import_into_review(&dir, "pd.json", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "warning: pd.json:3: log entry R2ACK000000002 has no `created_at`; left out\n"
        ),
        "{err}"
    );
    assert!(
        err.ends_with("imported 1 entry from a PagerDuty log, 2 entries into review.md\n"),
        "{err}"
    );
}

/// Malformed input: exit 2, the file, line and column; the review as it was.
#[test]
fn a_malformed_export_changes_nothing() {
    let dir = midnight(MIDNIGHT);
    let mut lines = read(&dir, "sources/pagerduty/log_entries.jsonl");
    lines.push_str("{\"log_entries\": [{\"id\": \"R9\", \"type\": \"trigger_log_entry\",}]}\n");
    write(&dir, "pd.jsonl", &lines);
    let n = lines.lines().count();
    for format in ["auto", "pagerduty"] {
        let (code, out, err) = import_into_review(&dir, "pd.jsonl", &["--format", format]);
        assert_eq!((code, out.as_str()), (2, ""), "{err}");
        assert!(err.contains(&format!("pd.jsonl:{n}:")), "{format}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(read(&dir, "review.md"), MIDNIGHT);
    }
    write(&dir, "wrong.json", "{\"log_entries\": 3}\n");
    let (code, _, err) = import_into_review(&dir, "wrong.json", &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "wrong.json:1:17: `log_entries` should be an array of log entries, found a number (3)"
        ),
        "{err}"
    );
    assert_eq!(read(&dir, "review.md"), MIDNIGHT);
}

/// `--all` only means something for a Slack export or a PagerDuty log.
#[test]
fn all_is_refused_where_it_takes_nothing() {
    let dir = midnight(MIDNIGHT);
    write(&dir, "events.csv", "time,text\n00:50,Rolled back\n");
    for (from, what) in [
        ("events.csv", "events.csv is a CSV file"),
        (
            "sources/statuspage/incidents.json",
            "incidents.json is a Statuspage incident",
        ),
        (
            "sources/alertmanager/webhook.jsonl",
            "webhook.jsonl is an Alertmanager or Grafana notification",
        ),
    ] {
        let (code, _, err) = import_into_review(&dir, from, &["--all"]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("--all takes the messages and log entries a Slack export or a PagerDuty log leaves out by default; "), "{err}");
        assert!(err.contains(what), "{err}");
    }
    assert_eq!(read(&dir, "review.md"), MIDNIGHT);
    let (code, _, err) = import_into_review(
        &dir,
        "sources/pagerduty/log_entries.json",
        &["--all", "--dry-run"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("would import 10 entries"), "{err}");
}

/// Ids and problems holding escape sequences or line breaks are never printed as they are.
#[test]
fn hostile_ids_reach_neither_the_terminal_nor_the_file() {
    let dir = midnight(MIDNIGHT);
    write(
        &dir,
        "pd.json",
        r#"{"log_entries": [
  {"id": "R1\u001b[31m\nkind: x", "type": "trigger_log_entry", "created_at": "2026-11-20T23:41:07Z"},
  {"id": "R2\u001b]0;owned\u0007", "type": "acknowledge_log_entry"}
]}"#,
    );
    let (code, out, err) = import_into_review(&dir, "pd.json", &[]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("[pagerduty:R1[31mkind: x]\n"), "{err}");
    let text = read(&dir, "review.md");
    assert!(
        text.contains("    source: \"pagerduty:R1[31mkind: x\"\n"),
        "{text}"
    );
}

/// A review with CRLF line endings gets CRLF entries and lifecycle lines: the same file as
/// the LF import, line ending for line ending.
#[test]
fn a_crlf_review_stays_crlf() {
    let pd = "sources/pagerduty/log_entries.json";
    let lf = midnight(MIDNIGHT);
    let (code, _, err) = import_into_review(&lf, pd, &["-q"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let crlf = midnight(&MIDNIGHT.replace('\n', "\r\n"));
    let (code, _, err) = import_into_review(&crlf, pd, &["-q"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let text = read(&crlf, "review.md");
    assert_eq!(text, read(&lf, "review.md").replace('\n', "\r\n"));
}
