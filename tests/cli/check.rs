use std::path::PathBuf;
use std::process::Command;

use insta_cmd::assert_cmd_snapshot;

use crate::{fixtures, pirt};

fn dir() -> PathBuf {
    fixtures().join("check")
}

fn check() -> Command {
    let mut cmd = pirt(&dir());
    cmd.env("PIRT_TODAY", "2026-11-26").arg("check");
    cmd
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = check()
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn rules_found(value: &serde_json::Value) -> Vec<String> {
    value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

const RULES: &[&str] = &[
    "yaml-syntax",
    "schema",
    "required-field",
    "chronology",
    "timeline-order",
    "severity-scale",
    "action-item",
    "action-item-overdue",
    "problem-link",
    "dangling-reference",
    "duplicate-id",
    "required-section",
    "placeholder",
    "unreviewed-draft",
    "implausible-time",
    "blameless-language",
    "secret-in-review",
];

fn case(rule: &str, which: &str) -> String {
    let folder = dir().join("rules").join(rule).join(which);
    if folder.is_dir() {
        format!("rules/{rule}/{which}")
    } else {
        format!("rules/{rule}/{which}.md")
    }
}

#[test]
fn every_rule_has_a_failing_and_a_passing_fixture() {
    for rule in RULES {
        let failing = json(&[&case(rule, "fail")]);
        assert!(
            rules_found(&failing).iter().any(|r| r == rule),
            "{rule}: fail fixture finds {:?}",
            rules_found(&failing)
        );
        let passing = json(&[&case(rule, "pass")]);
        assert!(
            rules_found(&passing).is_empty(),
            "{rule}: pass fixture finds {:?}",
            rules_found(&passing)
        );
    }
}

#[test]
fn snapshots_of_every_rule_in_human_json_and_github_formats() {
    for rule in RULES {
        for format in ["human", "json", "github"] {
            let name = format!("{rule}-{format}");
            assert_cmd_snapshot!(
                name,
                check().args([case(rule, "fail").as_str(), "--format", format])
            );
        }
    }
}

#[test]
fn strictness_follows_status() {
    assert_cmd_snapshot!("draft_warns", check().arg("status/draft-incomplete.md"));
    assert_cmd_snapshot!(
        "published_fails",
        check().arg("status/published-incomplete.md")
    );
    let out = check()
        .args(["status/draft-incomplete.md", "--deny-warnings"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn sarif_is_structurally_valid() {
    let out = check()
        .args(["rules", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 17);
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(matches!(
            result["level"].as_str(),
            Some("error" | "warning")
        ));
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let location = &result["locations"][0]["physicalLocation"];
        // Relative to the repository root (this repository's git top level).
        assert!(
            location["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("tests/fixtures/check/rules/"),
            "{location}"
        );
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(location["region"]["startColumn"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn config_levels_and_unknown_rules() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        dir().join("rules/blameless-language/fail.md"),
        tmp.path().join("r.md"),
    )
    .unwrap();
    std::fs::copy(
        dir().join("problems/PRB-0001-index-rebuilds.md"),
        tmp.path().join("p.md"),
    )
    .unwrap();
    let write = |toml: &str| std::fs::write(tmp.path().join("pirt.toml"), toml).unwrap();
    write("[check.rules]\nblameless-language = \"off\"\ndangling-reference = \"off\"\n");
    let out = pirt(tmp.path())
        .env("PIRT_TODAY", "2026-11-26")
        .args(["check", "r.md"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    write("[check.rules]\nblameless = \"off\"\n");
    let out = pirt(tmp.path()).args(["check", "r.md"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("pirt.toml:2:1: unknown rule `blameless`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    write(
        "[check.blameless]\nextra = [\"search results\"]\n[check.rules]\ndangling-reference = \"off\"\n",
    );
    let found = pirt(tmp.path())
        .args(["check", "r.md", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&found.stdout).contains("blameful wording \\\"search results\\\"")
    );
}

#[test]
fn default_paths_and_the_examples() {
    // With no PATH, the configured folders are checked.
    let out = check().output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("0 errors, 0 warnings in 2 files\n"));
    // A path that is not there: exit 2, and the count says that something was not checked.
    let out = check().arg("postmortems/not-there.md").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .ends_with("0 errors, 0 warnings in 0 files; 1 path not checked (errors below)\n"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("not-there.md"));
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let out = pirt(&examples).args(["check"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn hostile_files_are_findings_not_crashes() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("alias-bomb.md", crate::alias_bomb().into_bytes()),
        ("deep.md", format!("---\nx: {}\n---\n", "[".repeat(100_000)).into_bytes()),
        ("binary.md", (0..=255u8).cycle().take(4096).collect()),
        ("utf16.md", vec![0xff, 0xfe, b'-', 0, b'-', 0, b'-', 0]),
        ("bom-crlf.md", b"\xef\xbb\xbf---\r\nid: PIR-1\r\ntitle: T\r\nstatus: draft\r\nseverity: SEV3\r\nstarted_at: 2026-11-02T09:00:00Z\r\n---\r\n## Summary\r\nok\r\n".to_vec()),
        ("duplicate-keys.md", b"---\nid: A\nid: B\n---\n".to_vec()),
        ("empty.md", Vec::new()),
        ("unterminated.md", b"---\nid: A\n".to_vec()),
        ("tabs.md", b"---\nid: A\n\ttitle: T\n---\n".to_vec()),
        ("scalar.md", b"---\njust text\n---\n".to_vec()),
    ];
    for (name, bytes) in &files {
        std::fs::write(p.join(name), bytes).unwrap();
    }
    let big = std::fs::File::create(p.join("huge.md")).unwrap();
    big.set_len(50 * 1024 * 1024).unwrap();
    let out = pirt(p)
        .args(["check", ".", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    for (name, _) in files.iter().chain([("huge.md", Vec::new())].iter()) {
        assert!(
            diagnostics
                .iter()
                .any(|d| d["path"].as_str().unwrap().ends_with(name)),
            "{name} has no finding"
        );
    }
}

/// Real-shaped secrets: none may appear in any output of `pirt check`, whatever the format,
/// and `--fix` / `--diff` leave them alone (a secret is rotated, not hidden).
const SECRETS: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_R8sXk2LmQ4vNw7ZpT1yBc9HdJ3fGa6KeU0oI",
    "xoxb-2741653096-5829174630481-Tq8vLm3XnR7bKw2ZpY9cJd4F",
    "T04ABCD1E/B06FGH2IJ/q7LwXn3RbT9mVk2sZp5YcD8e",
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
    "Vx9-qL2mR7tZ",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
];

#[test]
fn no_output_shows_a_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::copy(dir().join("pirt.toml"), root.join("pirt.toml")).unwrap();
    std::fs::create_dir_all(root.join("reviews")).unwrap();
    std::fs::create_dir_all(root.join("problems")).unwrap();
    let review = std::fs::read_to_string(dir().join("rules/secret-in-review/fail.md")).unwrap();
    // Fixable too (an entry out of order, a severity alias, an offset-less time), so that
    // --diff and --fix have something to show; the moved entry and the fixed time's
    // line hold secrets. A schema finding quotes an unknown key's line.
    let review = review
        .replace("severity: SEV3", "severity: sev3")
        .replace(
            "  - at: 2026-11-02T09:40:00Z\n",
            "  - at: \"2026-11-02 09:40\" # xoxb-2741653096-5829174630481-Tq8vLm3XnR7bKw2ZpY9cJd4F\n",
        )
        .replace(
            "  - at: 2026-11-02T09:00:00Z\n    kind: trigger\n",
            "  - at: 2026-11-02T09:07:00Z\n    kind: trigger\n",
        )
        .replace(
            "problem: PRB-0001\n",
            "problem: PRB-0001\nslack_hook: https://hooks.slack.com/services/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\n",
        );
    std::fs::write(root.join("reviews/r.md"), &review).unwrap();
    std::fs::write(
        root.join("problems/PRB-0001-index.md"),
        "---\nid: PRB-0001\ntitle: Index rebuilds compete with live traffic\nstatus: open\nowner: li.wei\n---\n\n## Problem statement\n\nThe rebuild host is reached with AKIAIOSFODNN7EXAMPLE and\npostgres://search:Vx9-qL2mR7tZ@db-search-1:5432/index.\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = pirt(root)
            .env("PIRT_TODAY", "2026-11-26")
            .args(args)
            .output()
            .unwrap();
        let shown = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for secret in SECRETS {
            assert!(!shown.contains(secret), "{args:?} shows {secret}:\n{shown}");
        }
        (out.status.code(), shown, out.stdout)
    };
    for format in ["human", "json", "github", "sarif"] {
        let (code, shown, _) = run(&["check", "--format", format]);
        assert_eq!(code, Some(1), "{shown}");
        assert!(shown.contains("secret-in-review"), "{format}: {shown}");
        assert!(shown.contains("problems/PRB-0001-index.md"), "{format}");
        assert!(shown.contains("AKIA"), "{format}: the masked form is shown");
    }
    let (code, diff, _) = run(&["check", "--diff"]);
    assert_eq!(code, Some(1), "{diff}");
    assert!(diff.contains("+    kind: detection"), "{diff}");
    assert!(diff.contains("xoxb****"), "{diff}");
    let (code, fixed, _) = run(&["check", "--fix"]);
    assert_eq!(code, Some(1), "{fixed}");
    assert!(fixed.contains("rotate it, then remove it from the file and from git history"));
    // The fixes were made; every secret is still in the files.
    let after = std::fs::read_to_string(root.join("reviews/r.md")).unwrap();
    assert!(after.contains("severity: SEV3"), "{after}");
    for secret in SECRETS {
        assert!(after.contains(secret), "--fix removed {secret}");
    }
    let (_, again, stdout) = run(&["check", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    let secrets = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "secret-in-review")
        .count();
    assert_eq!(secrets, 11, "{again}");
}
