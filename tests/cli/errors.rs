use insta_cmd::assert_cmd_snapshot;

use crate::{fixtures, pirt};

#[test]
fn missing_file() {
    assert_cmd_snapshot!(pirt(&fixtures()).args(["render", "nope.md"]));
}

#[test]
fn no_front_matter() {
    assert_cmd_snapshot!(pirt(&fixtures()).args(["render", "bad/no-front-matter.md"]));
}

#[test]
fn unterminated_front_matter() {
    assert_cmd_snapshot!(pirt(&fixtures()).args(["render", "bad/unterminated.md"]));
}

#[test]
fn invalid_yaml() {
    assert_cmd_snapshot!(pirt(&fixtures()).args(["render", "bad/invalid-yaml.md"]));
}

#[test]
fn duplicate_key() {
    assert_cmd_snapshot!(pirt(&fixtures()).args(["render", "bad/duplicate-key.md"]));
}

#[test]
fn wrong_types_are_all_reported_at_once() {
    assert_cmd_snapshot!(pirt(&fixtures()).args(["render", "bad/wrong-types.md"]));
}

#[test]
fn unknown_keys_are_warnings_with_suggestions() {
    assert_cmd_snapshot!(pirt(&fixtures()).args(["render", "unknown-key.md", "--format", "json"]));
}

#[test]
fn a_directory_binary_and_utf16_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("folder.md")).unwrap();
    std::fs::write(dir.path().join("bin.md"), [0x00u8, 0x9f, 0x92, 0x96, 0xff]).unwrap();
    std::fs::write(
        dir.path().join("utf16.md"),
        [0xffu8, 0xfe, b'-', 0, b'-', 0],
    )
    .unwrap();
    std::fs::write(dir.path().join("empty.md"), "").unwrap();
    for name in ["folder.md", "bin.md", "utf16.md", "empty.md"] {
        let out = pirt(dir.path()).args(["render", name]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(name), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

#[test]
fn a_bad_config_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pirt.toml"),
        "timezone = \"UTC\"\n\n[folders]\nreview = \"pm\"\n",
    )
    .unwrap();
    let root = dir.path().canonicalize().unwrap().display().to_string();
    let escaped = regex_escape(&root);
    insta::with_settings!({filters => vec![(escaped.as_str(), "[TMP]")]}, {
        assert_cmd_snapshot!(pirt(dir.path()).args(["render", "x.md"]));
    });
}

#[test]
fn usage_errors_exit_2() {
    let out = pirt(&fixtures()).args(["render"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = pirt(&fixtures()).args(["--version"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if "\\.+*?()|[]{}^$".contains(c) {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}

#[test]
fn completions_and_colours() {
    let out = pirt(&fixtures())
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("pirt"));
    let dir = fixtures().join("check");
    let coloured = pirt(&dir)
        .env_remove("NO_COLOR")
        .args(["--color", "always", "check", "rules/schema/fail.md"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&coloured.stdout).contains("\u{1b}["),
        "no colours with --color always"
    );
    let plain = pirt(&dir)
        .args(["--color", "auto", "check", "rules/schema/fail.md"])
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&plain.stdout).contains("\u{1b}["),
        "colours without a terminal"
    );
}

/// `timeline add` never drops a comment a person wrote inside a flow-style timeline.
#[test]
fn a_commented_flow_timeline_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let text = "---\nid: PIR-2026-001\ntitle: Redis outage\nstatus: draft\nseverity: SEV2\nstarted_at: 2026-11-30T23:10:00Z\ntimeline: [\n  {at: 2026-11-30T23:10:00Z, kind: trigger, text: failover}, # from the pager\n  {at: 2026-11-30T23:16:00Z, kind: detection, text: alert}\n]\n---\n\n## Summary\n";
    let file = dir.path().join("review.md");
    std::fs::write(&file, text).unwrap();
    let out = pirt(dir.path())
        .args([
            "timeline",
            "add",
            "review.md",
            "Restarted",
            "--at",
            "2026-11-30 23:40",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("review.md"), "{err}");
    assert!(
        err.contains("flow list (`[...]`) with comments inside"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
}

/// `[check] max_file_mb` is the limit of every reader, not only of `check`.
#[test]
fn the_size_limit_applies_to_every_command_that_reads_a_review() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("postmortems")).unwrap();
    std::fs::write(
        dir.path().join("pirt.toml"),
        "timezone = \"UTC\"\n[check]\nmax_file_mb = 1\n",
    )
    .unwrap();
    // A valid review of 2 MB: its body is long, its front matter fine.
    let mut text = String::from(
        "---\nid: PIR-2026-001\ntitle: Long\nstatus: draft\nseverity: SEV3\nstarted_at: 2026-11-30T23:10:00Z\n---\n\n## Summary\n\n",
    );
    while text.len() < 2 * 1024 * 1024 {
        text.push_str("The cache answered slowly while the replica caught up.\n");
    }
    let file = "postmortems/2026-11-30-long.md";
    std::fs::write(dir.path().join(file), &text).unwrap();
    for args in [
        vec!["check", file],
        vec!["render", file, "--format", "html"],
        vec!["render", file, "--format", "md"],
        vec!["timeline", "add", file, "x", "--at", "2026-11-30T23:20:00Z"],
        vec!["draft", file, "-p", "summary", "--dry-run"],
        vec!["stats"],
        vec!["actions"],
    ] {
        let out = pirt(dir.path()).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        let shown = format!("{err}{}", String::from_utf8_lossy(&out.stdout));
        assert!(
            shown.contains("over the 1 MB limit") && shown.contains("max_file_mb"),
            "pirt {}: {shown}",
            args.join(" ")
        );
        if !matches!(args[0], "stats" | "actions") {
            assert!(
                matches!(out.status.code(), Some(1 | 2)),
                "pirt {} read it: {err}",
                args.join(" ")
            );
        }
        assert!(
            out.stdout.len() < 100_000,
            "pirt {} printed the file",
            args.join(" ")
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join(file)).unwrap(),
        text
    );
}

/// A long timeline is not called an alias bomb: the message names the limit it hit.
#[test]
fn a_huge_timeline_names_the_parsers_node_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(
        "---\nid: PIR-2026-001\ntitle: Long\nstatus: draft\nseverity: SEV3\nstarted_at: 2026-11-30T23:10:00Z\ntimeline:\n",
    );
    for i in 0..60_000 {
        text.push_str(&format!(
            "  - at: 2026-11-30T23:10:00Z\n    kind: note\n    text: step {i}\n"
        ));
    }
    text.push_str("---\n");
    std::fs::write(dir.path().join("long.md"), &text).unwrap();
    let out = pirt(dir.path())
        .args(["check", "long.md"])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        shown.contains("holds more than 250,000 values (YAML nodes), the parser's limit (about 35,000 timeline entries)"),
        "{shown}"
    );
    assert!(!shown.contains("alias bomb"), "{shown}");
}
