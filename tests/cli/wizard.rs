//! `pirt new` driven under a pseudo-terminal, as a person would answer it.

use std::time::Duration;

use expectrl::Expect;
use expectrl::session::OsSession as Session;

use crate::{pirt, scratch};

const CTRL_A: &str = "\x01";
const CTRL_C: &str = "\x03";
const CTRL_E: &str = "\x05";
const CTRL_U: &str = "\x15";
const CTRL_W: &str = "\x17";
const ALT_B: &str = "\x1bb";
const ALT_F: &str = "\x1bf";

fn wizard(dir: &std::path::Path, now: &str) -> Session {
    let mut cmd = pirt(dir);
    cmd.arg("new")
        .env("TERM", "xterm-256color")
        .env("PIRT_NOW", now);
    let mut p = Session::spawn(cmd).expect("spawn under a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    p
}

/// Answers `prompt`: waits for it (typed-ahead keys would reach the terminal's own line
/// editing, not pirt's), then types `keys`.
fn answer(p: &mut Session, prompt: &str, keys: &str) {
    p.expect(prompt)
        .unwrap_or_else(|e| panic!("waiting for `{prompt}`: {e}"));
    p.send(keys).unwrap();
}

fn saw(p: &mut Session, text: &str) {
    p.expect(text)
        .unwrap_or_else(|e| panic!("waiting for `{text}`: {e}"));
}

#[test]
fn the_wizard_asks_everything_with_readline_keys() {
    let dir = scratch(&[]);
    let mut p = wizard(dir.path(), "2026-11-21T09:00:00Z");

    // Ctrl-A / Ctrl-E jump to the ends, Ctrl-W deletes a word, Alt-B / Alt-F move by words.
    answer(&mut p, "Title:", "errors after pool change");
    for keys in [
        CTRL_A,
        "Checkout ",
        CTRL_E,
        " (EU)",
        CTRL_W,
        ALT_B,
        ALT_B,
        ALT_F,
        "-size",
        "\r",
    ] {
        p.send(keys).unwrap();
        std::thread::sleep(Duration::from_millis(30));
    }
    saw(&mut p, "Critical"); // the scale's descriptions are shown
    answer(&mut p, "Severity:", "major\r");
    saw(&mut p, "→ SEV2 (Major:");
    answer(&mut p, "Affected services:", "checkout-api, orders-db\r");
    answer(&mut p, "Tags:", "database\r");
    answer(&mut p, "Authors:", "ana.lopez, li.wei\r");
    answer(&mut p, "Impact started at:", "25:99\r");
    // Re-asked with the reason; the rejected answer stays in the line until Ctrl-U.
    saw(&mut p, "hour 25 is out of range (00–23)");
    p.send(CTRL_U).unwrap();
    p.send("2026-11-20 15:02\r").unwrap();
    saw(&mut p, "→ 2026-11-20 15:02 CET");
    answer(&mut p, "Detected at", "+7m\r");
    saw(&mut p, "→ 2026-11-20 15:09 CET (+7m after start)");
    answer(&mut p, "Acknowledged at", "15:11\r");
    answer(&mut p, "Mitigated at", "15:41\r");
    answer(&mut p, "Resolved at", "\r");
    answer(&mut p, "How was it detected?", "al\t\r"); // Tab completes "alert"
    answer(&mut p, "Detection source:", "checkout p99 latency alert\r");
    answer(
        &mut p,
        "Impact in one sentence:",
        "12% of checkouts failed\r",
    );
    answer(&mut p, "Users affected:", "4,200\r");
    answer(&mut p, "Incident commander:", "li.wei\r");
    answer(&mut p, "Trigger:", "Deploy 4812 lowered the pool size\r");
    answer(&mut p, "Entry time:", "15:41\r");
    answer(&mut p, "What happened:", "Rolled back deploy 4812\r");
    answer(&mut p, "Kind:", "mit\t\r");
    answer(&mut p, "Entry time:", "\r");
    saw(&mut p, "Before writing, check the answers:");
    saw(&mut p, "TTD 7m");
    saw(&mut p, "TTA 2m");
    saw(&mut p, "TTM 39m");
    answer(&mut p, "Write the review?", "\r");
    saw(&mut p, "created PIR-2026-001");
    p.expect(expectrl::Eof).unwrap();

    let path = dir
        .path()
        .join("postmortems/2026-11-20-checkout-errors-after-pool-size-change.md");
    let text = std::fs::read_to_string(&path).unwrap();
    for line in [
        "id: PIR-2026-001",
        "title: Checkout errors after pool-size change\n",
        "severity: SEV2",
        "services: [checkout-api, orders-db]",
        "tags: [database]",
        "authors: [ana.lopez, li.wei]",
        "incident_commander: li.wei",
        "started_at: 2026-11-20T15:02:00+01:00",
        "detected_at: 2026-11-20T15:09:00+01:00",
        "acknowledged_at: 2026-11-20T15:11:00+01:00",
        "mitigated_at: 2026-11-20T15:41:00+01:00",
        "resolved_at:\n",
        "  method: alert",
        "  source: checkout p99 latency alert",
        "  summary: 12% of checkouts failed",
        "  users_affected: 4200",
        "trigger: Deploy 4812 lowered the pool size",
        "    kind: mitigation",
        "    text: Rolled back deploy 4812",
    ] {
        assert!(text.contains(line), "missing `{line}` in:\n{text}");
    }
}

/// Issue 11, items 3 and 16: the Redis outage that crossed midnight, answered at 00:30.
#[test]
fn the_redis_outage_across_midnight() {
    let dir = scratch(&[]);
    std::fs::write(dir.path().join("pirt.toml"), "timezone = \"UTC\"\n").unwrap();
    let mut p = wizard(dir.path(), "2026-12-01T00:30:00Z");

    answer(&mut p, "Title:", "Redis session store outage\r");
    // An unknown severity says so, with the scale and its aliases.
    answer(&mut p, "Severity:", "P5\r");
    saw(
        &mut p,
        "no match for `P5`; the scale: SEV1 (P1, critical), SEV2 (P2, major, high), SEV3 (P3, minor, medium), SEV4 (P4, low)",
    );
    p.send(CTRL_U).unwrap();
    p.send("p2\r").unwrap();
    saw(&mut p, "→ SEV2");
    answer(&mut p, "Affected services:", "redis-sessions\r");
    answer(&mut p, "Tags:", "\r");
    answer(&mut p, "Authors:", "ana.lopez\r");
    answer(&mut p, "Impact started at:", "23:10\r");
    saw(&mut p, "→ 2026-11-30 23:10 UTC");
    answer(&mut p, "Detected at", "23:16\r");
    saw(&mut p, "→ 2026-11-30 23:16 UTC (+6m after start)");
    // The typo of the issue: 23:05 after 23:16 is no longer the next day.
    answer(&mut p, "Acknowledged at", "23:05\r");
    saw(
        &mut p,
        "2026-11-30 23:05 UTC is 11m before detected (2026-11-30 23:16 UTC)",
    );
    p.send(CTRL_U).unwrap();
    p.send("08:00\r").unwrap();
    saw(
        &mut p,
        "that is 2026-12-01 08:00 UTC, in the future (it is now 2026-12-01 00:30 UTC)",
    );
    // Back to the previous question, which shows its answer for editing.
    p.send(CTRL_U).unwrap();
    p.send("<\r").unwrap();
    saw(&mut p, "Detected at (first alert or report): 23:16");
    p.send(CTRL_U).unwrap();
    p.send("23:12\r").unwrap();
    saw(&mut p, "→ 2026-11-30 23:12 UTC (+2m after start)");
    answer(&mut p, "Acknowledged at", "23:20\r");
    answer(&mut p, "Mitigated at", "00:05\r");
    saw(&mut p, "→ 2026-12-01 00:05 UTC (+55m after start)");
    answer(&mut p, "Resolved at", "\r");
    answer(&mut p, "How was it detected?", "\r");
    answer(&mut p, "Impact in one sentence:", "\r");
    answer(&mut p, "Users affected:", "\r");
    answer(&mut p, "Incident commander:", "\r");
    answer(&mut p, "Trigger:", "\r");
    answer(&mut p, "Entry time:", "\r");
    // The summary: each lifecycle time with its duration, before anything is written.
    saw(&mut p, "Before writing, check the answers:");
    saw(&mut p, "2026-11-30 23:12 UTC     TTD 2m");
    saw(&mut p, "2026-11-30 23:20 UTC     TTA 8m");
    saw(&mut p, "2026-12-01 00:05 UTC     TTM 55m");
    saw(&mut p, "TTR —");
    assert!(!dir.path().join("postmortems").exists());
    // Change an answer from the summary (7 is "detected").
    answer(&mut p, "Write the review?", "7\r");
    saw(&mut p, "Detected at (first alert or report): 23:12");
    p.send(CTRL_U).unwrap();
    p.send("23:16\r").unwrap();
    saw(&mut p, "Before writing, check the answers:");
    saw(&mut p, "TTD 6m");
    saw(&mut p, "TTA 4m");
    answer(&mut p, "Write the review?", "\r");
    saw(&mut p, "created PIR-2026-001");
    p.expect(expectrl::Eof).unwrap();

    let text = std::fs::read_to_string(
        dir.path()
            .join("postmortems/2026-11-30-redis-session-store-outage.md"),
    )
    .unwrap();
    for line in [
        "severity: SEV2",
        "authors: [ana.lopez]",
        "started_at: 2026-11-30T23:10:00Z",
        "detected_at: 2026-11-30T23:16:00Z",
        "acknowledged_at: 2026-11-30T23:20:00Z",
        "mitigated_at: 2026-12-01T00:05:00Z",
        "resolved_at:\n",
    ] {
        assert!(text.contains(line), "missing `{line}` in:\n{text}");
    }
}

#[test]
fn ctrl_c_writes_nothing() {
    let dir = scratch(&[]);
    let mut p = wizard(dir.path(), "2026-12-01T00:30:00Z");
    answer(&mut p, "Title:", "Half an answer");
    p.send(CTRL_C).unwrap();
    saw(&mut p, "cancelled; nothing was written");
    p.expect(expectrl::Eof).unwrap();
    assert!(!dir.path().join("postmortems").exists());
}

/// On a terminal rustyline cannot edit (`TERM=dumb`), answers are still checked one by one.
#[test]
fn a_plain_terminal_still_checks_each_answer() {
    let dir = scratch(&[]);
    let mut cmd = pirt(dir.path());
    cmd.args([
        "new",
        "--severity",
        "SEV3",
        "--service",
        "api",
        "--tag",
        "x",
    ])
    .args([
        "--author",
        "ana",
        "--detection",
        "alert",
        "--impact",
        "slow",
    ])
    .args([
        "--users-affected",
        "3",
        "--commander",
        "li",
        "--trigger",
        "t",
    ])
    .args(["--detection-source", "pager", "--resolved", "11:00"])
    .args(["--acknowledged", "10:20", "--mitigated", "10:40"])
    .args(["--event", "10:05 | note | first page"])
    .env("TERM", "dumb")
    .env("PIRT_NOW", "2026-12-01T12:00:00Z");
    let mut p = Session::spawn(cmd).expect("spawn under a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    answer(&mut p, "Title:", "Slow API\r");
    answer(&mut p, "Impact started at:", "2026-11-31 10:00\r");
    saw(&mut p, "✗ `2026-11-31 10:00`: November has 30 days");
    answer(&mut p, "Impact started at:", "10:00\r");
    saw(&mut p, "→ 2026-12-01 10:00 CET");
    answer(&mut p, "Detected at", "10:30\r");
    saw(&mut p, "→ 2026-12-01 10:30 CET (+30m after start)");
    // Detected after acknowledged (a flag): the summary marks it, Enter goes there.
    saw(
        &mut p,
        "✗ 10:20 — 2026-12-01 10:20 CET is 10m before detected",
    );
    answer(&mut p, "Write the review?", "\r");
    saw(&mut p, "(Enter keeps `10:20`)");
    answer(&mut p, "Acknowledged at", "10:35\r");
    saw(&mut p, "TTA 5m");
    // `<` from a question opened in the summary returns to the summary.
    answer(&mut p, "Write the review?", "1\r");
    answer(&mut p, "Title:", "<\r");
    answer(&mut p, "Write the review?", "\r");
    saw(&mut p, "created PIR-2026-001");
    p.expect(expectrl::Eof).unwrap();
    let text =
        std::fs::read_to_string(dir.path().join("postmortems/2026-12-01-slow-api.md")).unwrap();
    for line in [
        "title: Slow API\n",
        "detected_at: 2026-12-01T10:30:00+01:00",
        "acknowledged_at: 2026-12-01T10:35:00+01:00",
        "  - at: 2026-12-01T10:05:00+01:00",
    ] {
        assert!(text.contains(line), "missing `{line}` in:\n{text}");
    }
}
