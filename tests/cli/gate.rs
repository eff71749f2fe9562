//! The gate means what it says: thin reviews fail, a check of nothing does not pass.

use std::path::Path;
use std::process::Output;

use crate::pirt;

/// The review of the field test: an in-review SEV2 whose core narrative is written, whose
/// lessons say "Not written yet." and that has no action item.
pub fn thin_review(status: &str) -> String {
    format!(
        "---
id: PIR-2026-042
title: Redis primary failover after midnight
status: {status}
severity: SEV2
services: [sessions-redis]
authors: [ana.lopez]
incident_commander: li.wei
started_at: 2026-11-30T23:10:00Z
detected_at: 2026-11-30T23:16:00Z
acknowledged_at: 2026-11-30T23:20:00Z
mitigated_at: 2026-12-01T00:05:00Z
resolved_at: 2026-12-01T00:40:00Z
detection: {{method: alert, source: redis replication lag}}
impact:
  summary: Logins failed for 55 minutes.
problem: PRB-0001
---

## Summary

The sessions Redis primary failed over; logins failed until the replica was promoted.

## Impact

Logins failed for 55 minutes.

## Root cause and contributing factors

The replica was configured with a stale primary address.

## Detection

The replication-lag alert fired six minutes after the start.

## Resolution

The replica was promoted by hand at 00:05.

## What went well

_Not written yet._

## What went wrong

TBD

## Where we got lucky

_Not written yet._

## Problem hand-off

_Not written yet._
"
    )
}

fn repo(review: &str, toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("postmortems")).unwrap();
    std::fs::create_dir_all(dir.path().join("problems")).unwrap();
    std::fs::write(
        dir.path().join("pirt.toml"),
        format!("timezone = \"UTC\"\n{toml}"),
    )
    .unwrap();
    std::fs::write(dir.path().join("postmortems/2026-11-30-redis.md"), review).unwrap();
    std::fs::write(
        dir.path().join("problems/PRB-0001-redis.md"),
        "---\nid: PRB-0001\ntitle: Redis failover\nstatus: open\n---\n",
    )
    .unwrap();
    dir
}

fn check(dir: &Path, args: &[&str]) -> Output {
    pirt(dir)
        .arg("check")
        .args(args)
        .env("PIRT_TODAY", "2026-12-02")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `pirt check ARGS` with `input` on standard input.
fn check_piped(dir: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = pirt(dir)
        .arg("check")
        .args(args)
        .env("PIRT_TODAY", "2026-12-02")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_thin_review_fails_once_it_leaves_draft() {
    let dir = repo(&thin_review("in-review"), "");
    let out = check(dir.path(), &[]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains(
            "error[action-item]: a SEV2 review needs at least 1 action item (not wont-do); it has 0"
        ),
        "{shown}"
    );
    assert!(
        shown.contains(
            "error[required-section]: section `## What went well` holds only \"_Not written yet._\""
        ),
        "{shown}"
    );
    assert!(
        shown.contains("error[required-section]: section `## What went wrong` holds only \"TBD\""),
        "{shown}"
    );
    // The same review as a draft: the same findings, as warnings.
    let dir = repo(&thin_review("draft"), "");
    let out = check(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("warning[action-item]: a SEV2 review needs at least 1"));
}

#[test]
fn the_minimum_of_action_items_is_set_per_severity() {
    let review = thin_review("in-review").replace("severity: SEV2", "severity: SEV3");
    let scale = "[[severity]]\nid = \"SEV3\"\nmin_action_items = 2\n";
    let dir = repo(&review, scale);
    let out = check(dir.path(), &[]);
    assert!(
        text(&out).contains("a SEV3 review needs at least 2 action items (not wont-do); it has 0"),
        "{}",
        text(&out)
    );
    // Off for a level that asks for none (SEV3 by default).
    let dir = repo(&review, "");
    let out = check(dir.path(), &[]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
    assert!(text(&out).contains("required-section"), "{}", text(&out));
    assert!(!text(&out).contains("needs at least"), "{}", text(&out));
}

#[test]
fn a_folder_named_on_the_command_line_must_hold_reviews() {
    let dir = repo(&thin_review("draft"), "");
    std::fs::create_dir_all(dir.path().join("dir.md")).unwrap();
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    std::fs::write(dir.path().join("docs/notes.txt"), "not markdown").unwrap();
    for folder in ["dir.md/", "docs"] {
        let out = check(dir.path(), &[folder]);
        assert_eq!(out.status.code(), Some(2), "{folder}: {}", text(&out));
        assert!(
            text(&out).contains(&format!(
                "{folder}: no review or problem file (.md) in this folder; nothing was checked"
            )),
            "{}",
            text(&out)
        );
    }
    // The configured folders of a new repository may be empty.
    let fresh = tempfile::tempdir().unwrap();
    pirt(fresh.path()).arg("init").output().unwrap();
    let out = check(fresh.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn implausible_times_are_named_with_their_durations() {
    // Acknowledged at 23:05 typed after detected 23:16, moved to the next day: TTA 23 h 49 m.
    let typo = thin_review("draft").replace(
        "acknowledged_at: 2026-11-30T23:20:00Z",
        "acknowledged_at: 2026-12-01T23:05:00Z",
    );
    let dir = repo(&typo, "");
    let shown = text(&check(dir.path(), &[]));
    assert!(
        shown.contains("warning[implausible-time]: acknowledged 23h 49m after detection (TTA), longer than the 6h bound"),
        "{shown}"
    );
    // In the future of PIRT_TODAY (end of 2026-12-02), once for the earliest such time.
    let future = thin_review("draft")
        .replace("2026-12-01T00:05:00Z", "2026-12-05T00:05:00Z")
        .replace("2026-12-01T00:40:00Z", "2026-12-05T00:40:00Z");
    let dir = repo(&future, "");
    let shown = text(&check(dir.path(), &[]));
    assert!(
        shown.contains(
            "`mitigated_at` is 2026-12-05 00:05 UTC, 2d 0h 5m in the future (and 1 later time)"
        ),
        "{shown}"
    );
    // A year far from the others.
    let year = thin_review("draft").replace("2026-11-30T23:16:00Z", "2062-11-30T23:16:00Z");
    let dir = repo(&year, "");
    let shown = text(&check(dir.path(), &[]));
    assert!(
        shown.contains("`detected_at` is in 2062, far from the review's other times (2026)"),
        "{shown}"
    );
    // The bounds are settings; a bad one is a config error at its line.
    let dir = repo(&typo, "[check.implausible]\ntta = \"1d\"\n");
    let out = check(dir.path(), &[]);
    // The typo also breaks the chronology (an error); the config itself is fine.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!text(&out).contains("(TTA)"));
    let dir = repo(&typo, "[check.implausible]\ntta = \"soon\"\n");
    let out = check(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("pirt.toml:3:1: [check.implausible] tta is not a duration"),
        "{}",
        text(&out)
    );
}

/// A draft with what `--fix` repairs: an alias, an offset-less start, a timeline out of
/// order, guidance left in a written section.
const FIXABLE: &str = "---
id: PIR-2026-043
title: Redis failover
status: draft
severity: major   # was P2 on the pager
services: [sessions-redis]
started_at: \"2026-11-30 23:10\"
timeline:
  # from the pager
  - at: 2026-12-01T00:05:00Z
    kind: mitigation
    text: Promoted the replica
  - at: 2026-11-30T23:16:00Z
    kind: detection
    text: Lag alert
---

## Summary

<!-- guide: What happened? -->
The primary failed over.

## Impact

<!-- guide: Who was hit? -->
";

#[test]
fn fix_and_diff_repair_what_is_safe_and_keep_the_rest() {
    let dir = repo(FIXABLE, "");
    let file = "postmortems/2026-11-30-redis.md";
    let shown = text(&check(dir.path(), &[file]));
    assert!(shown.contains("fixable with `pirt check --fix`"), "{shown}");
    // --diff shows the change and writes nothing.
    let out = check(dir.path(), &["--diff", file]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains(
            "-severity: major   # was P2 on the pager\n+severity: SEV2   # was P2 on the pager\n"
        ),
        "{diff}"
    );
    assert!(
        diff.contains("-started_at: \"2026-11-30 23:10\"\n+started_at: 2026-11-30T23:10:00Z\n"),
        "{diff}"
    );
    assert!(diff.contains("-<!-- guide: What happened? -->\n"), "{diff}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(file)).unwrap(),
        FIXABLE
    );
    // --fix writes it, then checks.
    let out = check(dir.path(), &["--fix", file]);
    // A draft: the remaining findings are warnings.
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let after = std::fs::read_to_string(dir.path().join(file)).unwrap();
    assert!(
        text(&out).contains("fixed postmortems/2026-11-30-redis.md:5: severity `major` → SEV2")
    );
    assert_eq!(
        after,
        FIXABLE
            .replace("severity: major", "severity: SEV2")
            .replace("\"2026-11-30 23:10\"", "2026-11-30T23:10:00Z")
            .replace(
                "  # from the pager\n  - at: 2026-12-01T00:05:00Z\n    kind: mitigation\n    text: Promoted the replica\n  - at: 2026-11-30T23:16:00Z\n    kind: detection\n    text: Lag alert\n",
                "  - at: 2026-11-30T23:16:00Z\n    kind: detection\n    text: Lag alert\n  # from the pager\n  - at: 2026-12-01T00:05:00Z\n    kind: mitigation\n    text: Promoted the replica\n"
            )
            .replace("<!-- guide: What happened? -->\n", ""),
        "guidance in the unwritten Impact stays"
    );
    assert!(!text(&check(dir.path(), &[file])).contains("fixable"));
    let out = check(dir.path(), &["--diff", file]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).contains("nothing to fix"));
}

#[test]
fn as_previews_the_gate_and_a_draft_says_what_becomes_an_error() {
    let dir = repo(&thin_review("draft"), "");
    let out = check(dir.path(), &[]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("; at in-review the drafts would have 4 more errors (`pirt check --as in-review` lists them)"),
        "{shown}"
    );
    let out = check(dir.path(), &["--as", "in-review"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("4 errors"), "{shown}");
    assert!(!shown.contains("more errors"), "{shown}");
    // The file says draft, and stays so.
    assert!(
        std::fs::read_to_string(dir.path().join("postmortems/2026-11-30-redis.md"))
            .unwrap()
            .contains("status: draft")
    );
    let out = check(dir.path(), &["--as", "finished"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_actions_table_explains_brackets_only_when_it_shows_some() {
    let with_due = thin_review("published").replace(
        "problem: PRB-0001\n",
        "problem: PRB-0001\naction_items:\n  - id: AI-1\n    title: Alert on replica address drift\n    type: detect\n    owner: li.wei\n    due: 2026-12-20\n    tracker: OPS-1\n    status: open\n",
    );
    let dir = repo(&with_due, "");
    let out = pirt(dir.path()).arg("actions").output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("1 item, 0 overdue."), "{shown}");
    assert!(!shown.contains("brackets"), "{shown}");
    let without_due = with_due.replace("    due: 2026-12-20\n", "");
    let dir = repo(&without_due, "");
    let out = pirt(dir.path()).arg("actions").output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("A date in brackets is the severity's deadline"),
        "{shown}"
    );
}

/// SARIF as code scanning reads it: URIs relative to the repository root wherever pirt
/// runs, UTF-16 columns, help on every rule, and a broken config recorded, not hidden.
#[test]
fn sarif_is_relative_to_the_repository_and_records_failures() {
    let dir = repo(
        &thin_review("in-review").replace(
            "The replica was promoted by hand at 00:05.",
            "😀 The operator should have promoted the replica sooner.",
        ),
        "",
    );
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let sarif = |cwd: &Path, args: &[&str]| -> (Option<i32>, serde_json::Value) {
        let out = pirt(cwd)
            .args(["check", "--format", "sarif"])
            .args(args)
            .env("PIRT_TODAY", "2026-12-02")
            .output()
            .unwrap();
        (
            out.status.code(),
            serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout))),
        )
    };
    let uris = |log: &serde_json::Value| -> Vec<String> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let a = &r["locations"][0]["physicalLocation"]["artifactLocation"];
                assert_eq!(a["uriBaseId"], "%SRCROOT%");
                a["uri"].as_str().unwrap().to_string()
            })
            .collect()
    };
    let expected = "postmortems/2026-11-30-redis.md";
    for (cwd, args) in [
        (dir.path().to_path_buf(), vec![]),
        (dir.path().join("postmortems"), vec![]),
        (dir.path().join("postmortems"), vec!["2026-11-30-redis.md"]),
    ] {
        let (code, log) = sarif(&cwd, &args);
        assert_eq!(code, Some(1));
        let found = uris(&log);
        assert!(!found.is_empty());
        assert!(
            found.iter().all(|u| u == expected),
            "{cwd:?} {args:?}: {found:?}"
        );
        let run = &log["runs"][0];
        assert_eq!(run["columnKind"], "utf16CodeUnits");
        assert_eq!(run["invocations"][0]["executionSuccessful"], true);
        assert!(
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
                .as_str()
                .unwrap()
                .ends_with('/')
        );
        for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
            for key in ["fullDescription", "help", "helpUri"] {
                assert!(!rule[key].is_null(), "{} has no {key}", rule["id"]);
            }
            assert!(rule["help"]["markdown"].is_string());
        }
        // The emoji is two UTF-16 units: "should have" is the 16th character, unit 17.
        let blame = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == "blameless-language")
            .expect("a blameless-language finding");
        assert_eq!(
            blame["locations"][0]["physicalLocation"]["region"]["startColumn"],
            17
        );
    }
    // A broken config: a valid log that says the run failed, exit 2.
    std::fs::write(
        dir.path().join("pirt.toml"),
        "timezone = \"Mars/Olympus\"\n",
    )
    .unwrap();
    let (code, log) = sarif(dir.path(), &[]);
    assert_eq!(code, Some(2));
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert!(
        invocation["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("Mars/Olympus")
    );
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

/// Editors pipe the unsaved buffer: the result equals the check of the file itself.
#[test]
fn standard_input_is_checked_as_the_file_it_stands_for() {
    let dir = repo(&thin_review("in-review"), "");
    let file = "postmortems/2026-11-30-redis.md";
    for format in ["human", "json", "github", "sarif"] {
        let on_disk = check(dir.path(), &[file, "--format", format]);
        let piped = check_piped(
            dir.path(),
            &["-", "--stdin-filename", file, "--format", format],
            &thin_review("in-review"),
        );
        assert_eq!(piped.status.code(), on_disk.status.code(), "{format}");
        assert_eq!(piped.stdout, on_disk.stdout, "{format}");
    }
    // The buffer, not the file on disk, is what is judged (and no duplicate of itself).
    let out = check_piped(
        dir.path(),
        &["-", "--stdin-filename", file],
        &thin_review("in-review").replace("SEV2", "SEV9"),
    );
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("severity `SEV9` is not in the configured scale"),
        "{shown}"
    );
    assert!(!shown.contains("duplicate-id"), "{shown}");
    let out = check(dir.path(), &["-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("--stdin-filename"));
}

#[test]
fn render_json_of_several_files_is_one_array_or_json_lines() {
    let dir = repo(&thin_review("draft"), "");
    std::fs::write(
        dir.path().join("postmortems/2026-12-01-other.md"),
        thin_review("draft").replace("PIR-2026-042", "PIR-2026-043"),
    )
    .unwrap();
    let files = [
        "postmortems/2026-11-30-redis.md",
        "postmortems/2026-12-01-other.md",
    ];
    let out = pirt(dir.path())
        .arg("render")
        .args(files)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert_eq!(all[1]["id"], "PIR-2026-043");
    let out = pirt(dir.path())
        .arg("render")
        .args(files)
        .args(["--format", "jsonl"])
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "PIR-2026-042");
    // One file: one document, as before.
    let out = pirt(dir.path())
        .args(["render", files[0], "--format", "json"])
        .output()
        .unwrap();
    let one: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(one["schema_version"], 1);
    // check's JSON has the same name (and keeps `version` for a release).
    let out = check(dir.path(), &["--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["version"], 1);
}

/// Found in review: files `--fix` must leave alone, and that must not crash a plain check.
#[test]
fn fix_never_touches_what_it_cannot_repair_safely() {
    let cases = [
        // A timeline entry that is an alias of another (its position is its anchor's).
        (
            "alias",
            "---\nid: PIR-2026-050\ntitle: T\nstatus: draft\nseverity: SEV3\nstarted_at: 2026-11-20T14:00:00Z\ntimeline:\n  - &e {at: 2026-11-20T14:30:00Z, text: b}\n  - at: 2026-11-20T14:09:00Z\n    text: a\n  - *e\n---\n",
        ),
        // Guidance never closed: everything after it is the writer's text.
        (
            "unterminated",
            "---\nid: PIR-2026-051\ntitle: T\nstatus: in-review\nseverity: SEV3\nstarted_at: 2026-11-20T14:00:00Z\n---\n\n## Summary\n\nReal text.\n<!-- guide: oops\nMore real text.\n",
        ),
        // Guidance inside a code block, and inside a line of text.
        (
            "fenced",
            "---\nid: PIR-2026-052\ntitle: T\nstatus: in-review\nseverity: SEV3\nstarted_at: 2026-11-20T14:00:00Z\n---\n\n## Summary\n\nDone <!-- guide: x --> here.\n\n```markdown\n<!-- guide: Who was hit? -->\n```\n",
        ),
    ];
    for (name, review) in cases {
        let dir = repo(review, "");
        let file = "postmortems/2026-11-30-redis.md";
        let out = check(dir.path(), &[]);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{name}: {}",
            text(&out)
        );
        let out = check(dir.path(), &["--diff"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out));
        let out = check(dir.path(), &["--fix"]);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{name}: {}",
            text(&out)
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join(file)).unwrap(),
            review,
            "{name}"
        );
    }
}

#[test]
fn misused_paths_are_errors_not_passes() {
    let dir = repo(&thin_review("draft"), "");
    for args in [
        vec!["--diff", "nope.md"],
        vec!["--fix", "nope.md"],
        vec!["--in-folders", "postmortems/nope.md"],
        vec!["--diff", "-"],
        vec!["-", "--stdin-filename", "x.md", "--fix"],
        vec!["--diff", "--format", "sarif"],
    ] {
        let out = check(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
    }
    // Any failure in SARIF mode is a SARIF log that says so.
    let out = pirt(dir.path())
        .args(["check", "--format", "sarif"])
        .env("PIRT_TODAY", "garbage")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
}

/// A cross-file finding on standard input is underlined from the text given.
#[test]
fn standard_input_underlines_cross_file_findings_from_its_own_text() {
    let review = thin_review("in-review").replace("problem: PRB-0001", "problem: PRB-0042");
    let dir = repo(&review, "");
    let file = "postmortems/2026-11-30-redis.md";
    let on_disk = check(dir.path(), &[file]);
    let piped = check_piped(dir.path(), &["-", "--stdin-filename", file], &review);
    assert!(String::from_utf8_lossy(&piped.stdout).contains("^^^^^^^^"));
    assert_eq!(piped.stdout, on_disk.stdout);
}
