use insta_cmd::assert_cmd_snapshot;

use crate::{pirt, scratch};

fn read(dir: &tempfile::TempDir, name: &str) -> String {
    std::fs::read_to_string(dir.path().join(name)).unwrap()
}

#[test]
fn add_inserts_in_time_order_and_changes_nothing_else() {
    let dir = scratch(&["checkout.md"]);
    let before = read(&dir, "checkout.md");
    // 15:30 in the configured zone (Europe/Berlin) is 14:30 UTC: between 14:09 and 14:41.
    assert_cmd_snapshot!(pirt(dir.path()).args([
        "timeline",
        "add",
        "checkout.md",
        "Pool exhaustion confirmed: 5/5 connections in use",
        "--at",
        "15:30",
        "--kind",
        "diagnosis"
    ]));
    let after = read(&dir, "checkout.md");
    let expected = before.replace(
        "  - at: 2026-11-20T14:41:00Z\n",
        "  - at: 2026-11-20T15:30:00+01:00\n    kind: diagnosis\n    text: \"Pool exhaustion confirmed: 5/5 connections in use\"\n  - at: 2026-11-20T14:41:00Z\n",
    );
    assert_eq!(after, expected);
}

#[test]
fn add_counts_relative_times_from_the_last_entry() {
    let dir = scratch(&["checkout.md"]);
    let status = pirt(dir.path())
        .args([
            "timeline",
            "add",
            "checkout.md",
            "Follow-up review booked",
            "--at",
            "+5m",
            "-q",
        ])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(read(&dir, "checkout.md").contains("  - at: 2026-11-20T14:46:00Z\n    kind: note\n    text: Follow-up review booked\naction_items:"));
}

#[test]
fn bad_input_leaves_the_file_untouched() {
    let dir = scratch(&["checkout.md", "bad/wrong-types.md"]);
    let before = read(&dir, "checkout.md");
    assert_cmd_snapshot!(
        "bad_kind",
        pirt(dir.path()).args([
            "timeline",
            "add",
            "checkout.md",
            "x",
            "--at",
            "14:00",
            "--kind",
            "oops"
        ])
    );
    assert_cmd_snapshot!(
        "bad_time",
        pirt(dir.path()).args([
            "timeline",
            "add",
            "checkout.md",
            "x",
            "--at",
            "half past two"
        ])
    );
    assert_eq!(read(&dir, "checkout.md"), before);
    let broken = read(&dir, "bad/wrong-types.md");
    let out = pirt(dir.path())
        .args([
            "timeline",
            "add",
            "bad/wrong-types.md",
            "x",
            "--at",
            "14:00",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(read(&dir, "bad/wrong-types.md"), broken);
}

#[test]
fn import_csv_and_json_lines() {
    let dir = scratch(&["checkout.md", "events.csv", "events.jsonl"]);
    let before = read(&dir, "checkout.md");
    assert_cmd_snapshot!(
        "import_csv",
        pirt(dir.path()).args(["timeline", "import", "checkout.md", "--from", "events.csv"])
    );
    assert_cmd_snapshot!(
        "import_jsonl",
        pirt(dir.path()).args([
            "timeline",
            "import",
            "checkout.md",
            "--from",
            "events.jsonl"
        ])
    );
    let after = read(&dir, "checkout.md");
    // Everything outside the timeline block is unchanged.
    let head = before.split("timeline:\n").next().unwrap();
    let tail = before.split("action_items:\n").nth(1).unwrap();
    assert!(after.starts_with(head));
    assert!(after.ends_with(tail));
    let out = pirt(dir.path())
        .args(["render", "checkout.md", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let times: Vec<&str> = json["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["at"].as_str().unwrap())
        .collect();
    assert_eq!(times.len(), 8);
    let mut sorted = times.clone();
    sorted.sort_by_key(|t| chrono::DateTime::parse_from_rfc3339(t).unwrap());
    assert_eq!(times, sorted, "entries are kept in time order");
}

#[test]
fn concurrent_adds_lose_no_entry() {
    let dir = scratch(&["checkout.md"]);
    let children: Vec<_> = (0..50)
        .map(|i| {
            pirt(dir.path())
                .args([
                    "timeline",
                    "add",
                    "checkout.md",
                    &format!("parallel entry {i}"),
                    "--at",
                    &format!("2026-11-20T15:{i:02}:00Z"),
                    "-q",
                ])
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let text = read(&dir, "checkout.md");
    for i in 0..50 {
        assert!(
            text.contains(&format!("text: parallel entry {i}\n")),
            "entry {i} lost"
        );
    }
}

#[test]
fn import_reports_the_bad_line() {
    let dir = scratch(&["checkout.md"]);
    std::fs::write(dir.path().join("bad.csv"), "14:00,ok\nlater,not a time\n").unwrap();
    let out = pirt(dir.path())
        .args(["timeline", "import", "checkout.md", "--from", "bad.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bad.csv:2: time: cannot read `later`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The Redis outage of issue 11: started 2026-11-30 23:10 UTC, entries typed after midnight.
const REDIS: &str = "---
id: PIR-2026-031
title: Redis session store outage
status: draft
severity: SEV2
started_at: 2026-11-30T23:10:00Z
detected_at: 2026-11-30T23:16:00Z
timeline:
  - at: 2026-11-30T23:16:00Z
    kind: detection
    text: Memory alert on redis-sessions
---

## Summary
";

fn redis() -> tempfile::TempDir {
    let dir = scratch(&[]);
    std::fs::write(dir.path().join("pirt.toml"), "timezone = \"UTC\"\n").unwrap();
    std::fs::write(dir.path().join("redis.md"), REDIS).unwrap();
    dir
}

/// Issue 11, item 2: `--at 00:05` after a start at 23:10 is the next day, 55 minutes
/// later (it was stored 23 hours before the start), and pirt says what it stored.
#[test]
fn a_time_after_midnight_lands_on_the_next_day_and_is_echoed() {
    let dir = redis();
    let out = pirt(dir.path())
        .args(["timeline", "add", "redis.md", "Failover to the replica"])
        .args(["--at", "00:05", "--kind", "mitigation"])
        .env("PIRT_NOW", "2026-12-01T09:00:00Z")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "added mitigation entry to redis.md: 00:05 → 2026-12-01 00:05 UTC (+55m after start)\n"
    );
    let text = read(&dir, "redis.md");
    assert!(
        text.contains("    text: Memory alert on redis-sessions\n  - at: 2026-12-01T00:05:00Z\n    kind: mitigation\n"),
        "{text}"
    );
    // -q keeps it quiet; a time before the start stays before it.
    let quiet = pirt(dir.path())
        .args([
            "timeline",
            "add",
            "redis.md",
            "maxmemory lowered",
            "--at",
            "22:58",
            "-q",
        ])
        .env("PIRT_NOW", "2026-12-01T09:00:00Z")
        .output()
        .unwrap();
    assert!(quiet.status.success() && quiet.stderr.is_empty());
    assert!(
        read(&dir, "redis.md").contains(
            "  - at: 2026-11-30T22:58:00Z\n    kind: note\n    text: maxmemory lowered\n"
        )
    );
}

#[test]
fn a_time_in_the_future_is_refused_with_the_reason() {
    let dir = redis();
    let before = read(&dir, "redis.md");
    for (at, why) in [
        // 10:00 nearest the incident is the morning after it; at 09:00 that has not come.
        (
            "10:00",
            "that is 2026-12-01 10:00 UTC, in the future (it is now 2026-12-01 09:00 UTC)",
        ),
        (
            "2026-12-24 10:00",
            "that is 2026-12-24 10:00 UTC, in the future",
        ),
        ("25:00", "`25:00`: hour 25 is out of range (00–23)"),
        (
            "2026-11-31 10:00",
            "`2026-11-31 10:00`: November has 30 days",
        ),
    ] {
        let out = pirt(dir.path())
            .args(["timeline", "add", "redis.md", "x", "--at", at])
            .env("PIRT_NOW", "2026-12-01T09:00:00Z")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{at}: {err}");
        assert!(err.contains(&format!("--at: {why}")), "{at}: {err}");
    }
    // Within five minutes of now is fine (clocks drift).
    let ok = pirt(dir.path())
        .args(["timeline", "add", "redis.md", "x", "--at", "09:04", "-q"])
        .env("PIRT_NOW", "2026-12-01T09:00:00Z")
        .status()
        .unwrap();
    assert!(ok.success());
    assert_ne!(read(&dir, "redis.md"), before);
}

#[test]
fn import_after_midnight_follows_the_row_before_and_echoes_each_row() {
    let dir = redis();
    std::fs::write(
        dir.path().join("slack.csv"),
        "time,text,kind\n23:50,Replica promoted,mitigation\n00:05,Sessions restored,mitigation\n+20m,All clear,resolution\n03:30,Postmortem scheduled,note\n",
    )
    .unwrap();
    let out = pirt(dir.path())
        .args(["timeline", "import", "redis.md", "--from", "slack.csv"])
        .env("PIRT_NOW", "2026-12-01T09:00:00Z")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "  line 2: 23:50 → 2026-11-30 23:50 UTC (+40m after start)
  line 3: 00:05 → 2026-12-01 00:05 UTC (+55m after start)
  line 4: +20m → 2026-12-01 00:25 UTC (+1h 15m after start)
  line 5: 03:30 → 2026-12-01 03:30 UTC (+4h 20m after start)
imported 4 entries into redis.md
"
    );
    let text = read(&dir, "redis.md");
    for at in [
        "2026-11-30T23:50:00Z",
        "2026-12-01T00:05:00Z",
        "2026-12-01T00:25:00Z",
        "2026-12-01T03:30:00Z",
    ] {
        assert!(text.contains(&format!("  - at: {at}\n")), "{at}:\n{text}");
    }
}
