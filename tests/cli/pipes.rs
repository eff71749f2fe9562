//! A reader that leaves early (`pirt ... | head -0`, a CI step closing stderr): every
//! command still does its work and exits with the code it would have had, never 101.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::{copy_dir, fixtures, pirt};

const REVIEW: &str = "postmortems/2026-01-05-checkout-pool.md";

/// A fresh copy of the insights corpus, with one review that fails the gate.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("insights"), dir.path());
    std::fs::copy(
        fixtures().join("check/rules/timeline-order/fail.md"),
        dir.path().join("postmortems/2026-03-01-failing.md"),
    )
    .unwrap();
    dir
}

/// Tells whether a command's work is on disk.
type Done = fn(&Path) -> bool;

/// Every subcommand, with the check of its work where it changes files.
fn commands() -> Vec<(Vec<&'static str>, Option<Done>)> {
    fn timeline_added(dir: &Path) -> bool {
        std::fs::read_to_string(dir.join(REVIEW))
            .unwrap()
            .contains("Piped away")
    }
    fn imported(dir: &Path) -> bool {
        std::fs::read_to_string(dir.join(REVIEW))
            .unwrap()
            .contains("Imported while piped")
    }
    fn created(dir: &Path) -> bool {
        std::fs::read_dir(dir.join("postmortems"))
            .unwrap()
            .any(|e| {
                e.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains("piped-outage")
            })
    }
    fn problem(dir: &Path) -> bool {
        std::fs::read_dir(dir.join("problems")).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .contains("piped-problem")
        })
    }
    fn site(dir: &Path) -> bool {
        dir.join("public/index.html").is_file()
    }
    fn init(dir: &Path) -> bool {
        dir.join("fresh/pirt.toml").is_file()
    }
    vec![
        (vec!["--help"], None),
        (vec!["--version"], None),
        (vec!["check", "--help"], None),
        (vec!["init", "--config", "fresh/pirt.toml"], Some(init)),
        (
            vec![
                "new",
                "Piped outage",
                "--severity",
                "SEV3",
                "--started",
                "2026-03-02 10:00",
                "--no-input",
            ],
            Some(created),
        ),
        (
            vec!["timeline", "add", REVIEW, "Piped away", "--at", "10:20"],
            Some(timeline_added),
        ),
        (
            vec!["timeline", "import", REVIEW, "--from", "events.csv"],
            Some(imported),
        ),
        (vec!["render", REVIEW, "--format", "md"], None),
        (vec!["render", REVIEW, "--format", "html"], None),
        (vec!["render", REVIEW, "--format", "json"], None),
        (vec!["draft", "--list"], None),
        (vec!["draft", REVIEW, "--all", "--dry-run"], None),
        (vec!["check"], None),
        (vec!["check", "--diff"], None),
        (vec!["check", "--fix"], None),
        (vec!["check", "--format", "json"], None),
        (vec!["check", "--format", "sarif"], None),
        (vec!["check", "--format", "github"], None),
        (vec!["stats"], None),
        (vec!["stats", "--format", "html"], None),
        (vec!["actions"], None),
        (vec!["actions", "--format", "csv"], None),
        (
            vec![
                "problem",
                "new",
                "Piped problem",
                "--from",
                "postmortems/2026-02-10-checkout-deploy.md",
            ],
            Some(problem),
        ),
        (vec!["problem", "list"], None),
        (vec!["site", "public"], Some(site)),
        (vec!["schema"], None),
        (vec!["completions", "bash"], None),
        (vec!["man"], None),
    ]
}

#[derive(Clone, Copy, Debug)]
enum Closed {
    Stdout,
    Stderr,
}

/// Runs the command with one stream a pipe whose reader is already gone (every write
/// fails with EPIPE), the other one discarded.
fn run(dir: &Path, args: &[&str], closed: Option<Closed>) -> i32 {
    let mut cmd: Command = pirt(dir);
    cmd.args(args)
        .env("PIRT_TODAY", "2026-06-15")
        .stdin(Stdio::null());
    std::fs::write(
        dir.join("events.csv"),
        "time,text,kind\n10:30,Imported while piped,note\n",
    )
    .unwrap();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    match closed {
        Some(Closed::Stdout) => cmd.stdout(writer).stderr(Stdio::null()),
        Some(Closed::Stderr) => cmd.stdout(Stdio::null()).stderr(writer),
        None => cmd.stdout(Stdio::null()).stderr(Stdio::null()),
    };
    let status = cmd.status().unwrap();
    status
        .code()
        .unwrap_or_else(|| panic!("{args:?} with {closed:?} closed died of a signal"))
}

#[test]
fn every_command_survives_a_reader_that_left() {
    let mut failures = Vec::new();
    for (args, effect) in commands() {
        let open = corpus();
        let expected = run(open.path(), &args, None);
        // The gate fails on the corpus's failing review (which --diff would also change); every
        // other command succeeds. Pinned, so that two runs failing alike cannot pass.
        let pinned = match args.as_slice() {
            ["check", "--help"] => 0,
            ["check", ..] => 1,
            _ => 0,
        };
        assert_eq!(expected, pinned, "{args:?} with both streams open");
        for closed in [Closed::Stdout, Closed::Stderr] {
            let dir = corpus();
            let code = run(dir.path(), &args, Some(closed));
            if code != expected {
                failures.push(format!(
                    "{args:?} with {closed:?} closed: exit {code}, expected {expected}"
                ));
            }
            if let Some(done) = effect
                && !done(dir.path())
            {
                failures.push(format!(
                    "{args:?} with {closed:?} closed did not finish its work"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn check_still_fails_the_gate_when_its_reader_left() {
    let dir = corpus();
    assert_eq!(run(dir.path(), &["check"], Some(Closed::Stdout)), 1);
    assert_eq!(run(dir.path(), &["check"], Some(Closed::Stderr)), 1);
}
