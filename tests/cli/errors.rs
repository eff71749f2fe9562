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
