use insta_cmd::assert_cmd_snapshot;

use crate::{pirt, scratch};

const FLAGS: &[&str] = &[
    "new",
    "Checkout errors after connection-pool change",
    "--severity",
    "major",
    "--service",
    "checkout-api,orders-db",
    "--tag",
    "database",
    "--commander",
    "li.wei",
    "--started",
    "2026-11-20 15:02",
    "--detected",
    "+7m",
    "--acknowledged",
    "15:11",
    "--mitigated",
    "15:41 Europe/Berlin",
    "--detection",
    "alert",
    "--detection-source",
    "checkout p99 > 2s",
    "--impact",
    "About 12% of checkout requests failed: HTTP 503",
    "--users-affected",
    "4200",
    "--event",
    "15:02 | trigger | Deploy 4812 reaches all pods",
    "--event",
    "+39m | mitigation | Rolled back",
    "--no-input",
];

#[test]
fn flags_only_writes_a_complete_scaffold() {
    let dir = scratch(&[]);
    assert_cmd_snapshot!(pirt(dir.path()).args(FLAGS));
    let path = dir
        .path()
        .join("postmortems/2026-11-20-checkout-errors-after-connection-pool-change.md");
    insta::assert_snapshot!(std::fs::read_to_string(&path).unwrap());
    // The scaffold parses cleanly and renders.
    let out = pirt(dir.path())
        .args(["render", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn next_id_similar_incidents_and_no_overwrite() {
    let dir = scratch(&["checkout.md"]);
    std::fs::create_dir(dir.path().join("postmortems")).unwrap();
    std::fs::rename(
        dir.path().join("checkout.md"),
        dir.path().join("postmortems/2026-11-20-checkout.md"),
    )
    .unwrap();
    let first = pirt(dir.path()).args(FLAGS).output().unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_cmd_snapshot!(pirt(dir.path()).args(FLAGS));
    let second = dir
        .path()
        .join("postmortems/2026-11-20-checkout-errors-after-connection-pool-change-2.md");
    assert!(
        std::fs::read_to_string(second)
            .unwrap()
            .contains("id: PIR-2026-016")
    );
}

#[test]
fn each_built_in_template_scaffolds_a_valid_review() {
    for template in ["concise", "sre", "itil"] {
        let dir = scratch(&[]);
        let out = pirt(dir.path())
            .args([
                "new",
                "Queue backlog",
                "--severity",
                "SEV3",
                "--started",
                "2026-11-20T10:00:00Z",
                "--no-input",
                "--template",
                template,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{template}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let path = dir
            .path()
            .join(String::from_utf8(out.stdout).unwrap().trim());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("<!-- guide:"), "{template}");
        let render = pirt(dir.path())
            .args(["render"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            render.status.success() && render.stderr.is_empty(),
            "{template}: {}",
            String::from_utf8_lossy(&render.stderr)
        );
    }
}

#[test]
fn missing_answers_name_their_flag() {
    let dir = scratch(&[]);
    assert_cmd_snapshot!(
        "missing_title",
        pirt(dir.path()).args(["new", "--no-input"])
    );
    assert_cmd_snapshot!(
        "missing_severity",
        pirt(dir.path()).args(["new", "Title", "--no-input"])
    );
    assert_cmd_snapshot!(
        "missing_started",
        pirt(dir.path()).args(["new", "Title", "--severity", "SEV2"])
    );
    assert_cmd_snapshot!(
        "bad_severity",
        pirt(dir.path()).args([
            "new",
            "Title",
            "--severity",
            "SEV9",
            "--started",
            "now",
            "--no-input"
        ])
    );
    assert!(!dir.path().join("postmortems").exists());
}

#[test]
fn init_writes_config_and_folders_and_ejects() {
    let dir = tempfile::tempdir().unwrap();
    let out = pirt(dir.path()).args(["init", "--eject"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for path in [
        "pirt.toml",
        "postmortems",
        "problems",
        ".pirt/templates/review.html.j2",
        ".pirt/templates/concise.md.j2",
        ".pirt/templates/facts.md.j2",
        ".pirt/prompts/summary.md",
        ".pirt/prompts/action-items.md",
    ] {
        assert!(dir.path().join(path).exists(), "{path}");
    }
    // The ejected prompts are the ones in use.
    let list = pirt(dir.path()).args(["draft", "--list"]).output().unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).contains(".pirt/prompts/summary.md"));
    // A second run keeps what is there.
    std::fs::write(dir.path().join("pirt.toml"), "timezone = \"Asia/Tokyo\"\n").unwrap();
    let out = pirt(dir.path()).args(["init"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("pirt.toml")).unwrap(),
        "timezone = \"Asia/Tokyo\"\n"
    );
}

#[test]
fn special_characters_round_trip_and_broken_files_keep_their_ids() {
    let dir = scratch(&[]);
    std::fs::create_dir(dir.path().join("postmortems")).unwrap();
    // A broken review still owns its id.
    std::fs::write(
        dir.path().join("postmortems/broken.md"),
        "---\nid: PIR-2026-007\ntitle: [unclosed\n---\n",
    )
    .unwrap();
    let out = pirt(dir.path())
        .args([
            "new",
            "Queue: backlog #2, \"eu\" [prod]",
            "--severity",
            "SEV2",
            "--started",
            "2026-11-20 14:00",
        ])
        .args([
            "--service",
            "orders[eu]",
            "--tag",
            "yes",
            "--impact",
            "1_000 users",
            "--trigger",
            "\u{7f}del, {x}: y",
            "--no-input",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir
        .path()
        .join(String::from_utf8(out.stdout).unwrap().trim());
    let json = pirt(dir.path())
        .args(["render", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        json.status.success(),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let review: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(review["id"], "PIR-2026-008");
    assert_eq!(review["title"], "Queue: backlog #2, \"eu\" [prod]");
    assert_eq!(review["services"][0], "orders[eu]");
    assert_eq!(review["tags"][0], "yes");
    assert_eq!(review["impact"]["summary"], "1_000 users");
    assert_eq!(review["trigger"], "\u{7f}del, {x}: y");
}

#[test]
fn init_with_an_explicit_config_sets_up_that_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("team")).unwrap();
    let out = pirt(dir.path())
        .args(["--config", "team/pirt.toml", "init"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("team/pirt.toml").is_file());
    assert!(dir.path().join("team/postmortems").is_dir());
    assert!(!dir.path().join("pirt.toml").exists());
    // PIRT_CONFIG is honoured the same way, and a flag wins over it.
    let out = pirt(dir.path())
        .env("PIRT_CONFIG", "team/pirt.toml")
        .args(["-v", "check"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("team/pirt.toml"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = pirt(dir.path())
        .env("PIRT_CONFIG", "missing.toml")
        .args(["--config", "team/pirt.toml", "check"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn lifecycle_answers_out_of_order_are_refused() {
    let dir = scratch(&[]);
    let out = pirt(dir.path())
        .args([
            "new",
            "T",
            "--severity",
            "SEV3",
            "--started",
            "2026-11-20 14:00",
            "--detected",
            "2026-11-20 13:00",
            "--no-input",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "--detected: 2026-11-20 13:00 CET is 1h before started (2026-11-20 14:00 CET)"
        ),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Issue 11, item 3, with flags: a lifecycle time typed by mistake is refused with the
/// reason instead of becoming the next day.
#[test]
fn lifecycle_flags_refuse_a_time_in_the_future_and_cross_midnight() {
    let dir = scratch(&[]);
    std::fs::write(dir.path().join("pirt.toml"), "timezone = \"UTC\"\n").unwrap();
    let new = |acknowledged: &str| {
        pirt(dir.path())
            .args(["new", "Redis outage", "--severity", "SEV2", "--no-input"])
            .args(["--started", "23:10", "--detected", "23:16"])
            .args(["--acknowledged", acknowledged, "--mitigated", "00:05"])
            .env("PIRT_NOW", "2026-12-01T00:30:00Z")
            .output()
            .unwrap()
    };
    for (typed, why) in [
        (
            "23:05",
            "--acknowledged: 2026-11-30 23:05 UTC is 11m before detected (2026-11-30 23:16 UTC); the lifecycle runs started ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved\n",
        ),
        (
            "08:00",
            "--acknowledged: that is 2026-12-01 08:00 UTC, in the future (it is now 2026-12-01 00:30 UTC)",
        ),
        (
            "2026-12-01 23:05",
            "--acknowledged: that is 2026-12-01 23:05 UTC, in the future",
        ),
    ] {
        let out = new(typed);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{typed}: {err}");
        assert!(err.contains(why), "{typed}: {err}");
        assert!(!dir.path().join("postmortems").exists());
    }
    let out = new("23:20");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(
            "  started       2026-11-30 23:10 UTC\n  detected      2026-11-30 23:16 UTC     TTD 6m\n  acknowledged  2026-11-30 23:20 UTC     TTA 4m\n  mitigated     2026-12-01 00:05 UTC     TTM 55m\n  resolved      —                        TTR —\n"
        ),
        "{err}"
    );
    let text =
        std::fs::read_to_string(dir.path().join("postmortems/2026-11-30-redis-outage.md")).unwrap();
    assert!(
        text.contains("mitigated_at: 2026-12-01T00:05:00Z"),
        "{text}"
    );
}
