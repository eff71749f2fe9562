//! `pirt new` driven under a pseudo-terminal, as a person would answer it.

use std::time::Duration;

use expectrl::{Expect, Session};

use crate::{pirt, scratch};

const DOWN: &str = "\x1b[B";
const UP: &str = "\x1b[A";

#[test]
fn the_wizard_asks_everything_and_re_asks_a_bad_time() {
    let dir = scratch(&[]);
    let mut cmd = pirt(dir.path());
    cmd.arg("new").env("TERM", "xterm-256color");
    let mut p = Session::spawn(cmd).expect("spawn under a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));

    p.expect("Title:").unwrap();
    p.send_line("Checkout errors after pool change").unwrap();
    p.expect("Severity:").unwrap();
    p.expect("Critical").unwrap(); // the scale's descriptions are shown
    p.send(DOWN).unwrap();
    p.send("\r").unwrap();
    p.expect("Affected services:").unwrap();
    p.send_line("checkout-api, orders-db").unwrap();
    p.expect("Tags:").unwrap();
    p.send_line("database").unwrap();
    p.expect("Impact started at:").unwrap();
    p.send_line("25:99").unwrap();
    p.expect("cannot read").unwrap(); // re-asked with the reason
    p.send("\x7f\x7f\x7f\x7f\x7f").unwrap();
    p.send_line("2026-11-20 15:02").unwrap();
    p.expect("Detected at").unwrap();
    p.send_line("+7m").unwrap();
    p.expect("Acknowledged at").unwrap();
    p.send_line("15:11").unwrap();
    p.expect("Mitigated at").unwrap();
    p.send_line("15:41").unwrap();
    p.expect("Resolved at").unwrap();
    p.send_line("").unwrap();
    p.expect("How was it detected?").unwrap();
    p.send(DOWN).unwrap(); // past "(skip)" to "alert"
    p.send("\r").unwrap();
    p.expect("Detection source:").unwrap();
    p.send_line("checkout p99 latency alert").unwrap();
    p.expect("Impact in one sentence:").unwrap();
    p.send_line("12% of checkouts failed").unwrap();
    p.expect("Users affected:").unwrap();
    p.send_line("4,200").unwrap();
    p.expect("Incident commander:").unwrap();
    p.send_line("li.wei").unwrap();
    p.expect("Trigger:").unwrap();
    p.send_line("Deploy 4812 lowered the pool size").unwrap();
    p.expect("Entry time:").unwrap();
    p.send_line("15:41").unwrap();
    p.expect("What happened:").unwrap();
    p.send_line("Rolled back deploy 4812").unwrap();
    p.expect("Kind:").unwrap();
    p.send(format!("{UP}{UP}{UP}")).unwrap();
    p.send("\r").unwrap();
    p.expect("Entry time:").unwrap();
    p.send_line("").unwrap();
    p.expect("created PIR-2026-001").unwrap();
    p.expect(expectrl::Eof).unwrap();

    let path = dir
        .path()
        .join("postmortems/2026-11-20-checkout-errors-after-pool-change.md");
    let text = std::fs::read_to_string(&path).unwrap();
    for line in [
        "id: PIR-2026-001",
        "title: Checkout errors after pool change",
        "severity: SEV2",
        "services: [checkout-api, orders-db]",
        "tags: [database]",
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
