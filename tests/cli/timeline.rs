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
