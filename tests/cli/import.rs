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
    let (code, _, err) = import(&dir, "events.csv", &["--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: line 2: holds a Slack token, xoxb… (56 characters); --redact stores a placeholder instead\n"),
        "{err}"
    );
    assert!(!err.contains(&token[5..]));
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
/// their own fixtures); nothing is written when the reader fails.
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
        let (_, _, err) = import(&dir, name, &[]);
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
