//! One test per rule, on a review written in the test: at least one finding, and a clean
//! case. Each rule is called on its own, with the typed review and its positions.

use std::path::Path;

use super::*;
use crate::check::blameless::Matcher;

/// A review past draft that every rule passes, as the base of each case.
const CLEAN: &str = "---
id: PIR-2026-001
title: Checkout errors after a pool change
status: in-review
severity: SEV3
services: [checkout-api]
incident_commander: li.wei
started_at: 2026-11-20T14:02:00Z
detected_at: 2026-11-20T14:09:00Z
acknowledged_at: 2026-11-20T14:11:00Z
mitigated_at: 2026-11-20T14:41:00Z
resolved_at: 2026-11-20T16:30:00Z
detection: {method: alert, source: checkout p99 latency}
impact:
  summary: About 12% of checkout requests failed.
timeline:
  - at: 2026-11-20T14:02:00Z
    kind: trigger
    text: Deploy 4812 reaches all pods.
  - at: 2026-11-20T14:41:00Z
    kind: mitigation
    text: Deploy 4812 rolled back.
action_items:
  - id: AI-1
    title: Alert on pool saturation
    type: detect
    owner: li.wei
    due: 2026-12-15
    tracker: OPS-1
    status: open
---

## Summary

The pool ran dry.

## Impact

Checkout failed.

## Root cause and contributing factors

A pool size without review.

## Detection

An alert.

## Resolution

Rolled back.

## What went well

The rollback.

## What went wrong

The alert came late.
";

const TODAY: &str = "2026-12-01";

fn today() -> NaiveDate {
    NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap()
}

/// `CLEAN` with `from` replaced by `to` (which must be there).
fn edited(from: &str, to: &str) -> String {
    assert!(CLEAN.contains(from), "{from}");
    CLEAN.replacen(from, to, 1)
}

/// Runs one rule on a review's text and returns what it found, at the levels of the
/// default config.
fn run(text: &str, rule: impl FnOnce(&mut Findings, &View)) -> Vec<Diagnostic> {
    run_with(&Config::default(), text, rule)
}

fn run_with(
    config: &Config,
    text: &str,
    rule: impl FnOnce(&mut Findings, &View),
) -> Vec<Diagnostic> {
    let path = Path::new("t.md");
    let parsed = parse_review(path, text, config);
    let layout = parsed.layout.as_ref().expect("a front matter");
    let lines: Vec<BodyLine> = body_lines(text, layout).collect();
    let texts = parsed.texts();
    let view = View {
        review: &parsed.review,
        at: &parsed.positions,
        texts: &texts,
        layout,
        text,
        lines: &lines,
    };
    let mut findings = Findings {
        config,
        path,
        status: Some(parsed.review.status),
        out: Vec::new(),
    };
    rule(&mut findings, &view);
    findings.out
}

/// `(line, rule, message)` of each finding.
fn found(diagnostics: &[Diagnostic]) -> Vec<(usize, &str, &str)> {
    diagnostics
        .iter()
        .map(|d| (d.line, d.rule.as_str(), d.message.as_str()))
        .collect()
}

fn status_of(v: &View) -> Status {
    v.review.status
}

#[test]
fn words_are_matched_whole() {
    assert_eq!(find_word("a TODO here", "TODO"), Some(2));
    assert_eq!(find_word("TODOS", "TODO"), None);
    assert_eq!(find_word("what ???", "???"), Some(5));
}

#[test]
fn every_rule_passes_the_clean_review() {
    let blameless = Matcher::new(&Default::default());
    let out = run(CLEAN, |f, v| {
        let run = Run::on(today());
        v.rules(f, &blameless, status_of(v), &run);
    });
    assert_eq!(found(&out), []);
}

#[test]
fn required_fields_point_at_the_nearest_key() {
    let text = edited("incident_commander: li.wei\n", "").replace(
        "impact:\n  summary: About 12% of checkout requests failed.\n",
        "impact:\n  summary: \"  \"\n",
    );
    let out = run(&text, |f, v| required_fields(f, v.at, status_of(v)));
    assert_eq!(
        found(&out),
        [
            (
                1,
                "required-field",
                "`incident_commander` is required for a review in `in-review`"
            ),
            (
                14,
                "required-field",
                "`impact.summary` is required for a review in `in-review`"
            ),
        ]
    );
    // A missing nested field points at its parent; a draft is told what it will need.
    let text = edited(
        "  summary: About 12% of checkout requests failed.\n",
        "  users_affected: 3\n",
    )
    .replace("status: in-review", "status: draft");
    let out = run(&text, |f, v| required_fields(f, v.at, status_of(v)));
    assert_eq!(out.len(), 1);
    assert_eq!(
        (out[0].line, out[0].column, out[0].level),
        (14, 1, Level::Warning)
    );
    assert!(out[0].message.contains("not set yet"));
    assert_eq!(
        run(CLEAN, |f, v| required_fields(f, v.at, status_of(v))),
        []
    );
}

#[test]
fn chronology_points_at_the_time_out_of_order() {
    let text = edited(
        "detected_at: 2026-11-20T14:09:00Z",
        "detected_at: 2026-11-20T13:09:00Z",
    );
    let out = run(&text, |f, v| chronology(f, v.review, v.at));
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].line, out[0].column), (9, 14));
    assert!(
        out[0]
            .message
            .starts_with("`detected_at` (2026-11-20T13:09:00Z) is before `started_at`")
    );
    assert_eq!(run(CLEAN, |f, v| chronology(f, v.review, v.at)), []);
}

#[test]
fn implausible_times_future_long_steps_and_far_years() {
    let now = Run::on(today()).now;
    let text = edited(
        "resolved_at: 2026-11-20T16:30:00Z",
        "resolved_at: 2028-11-20T16:30:00Z",
    );
    let out = run(&text, |f, v| implausible_times(f, v.review, v.at, now));
    let messages: Vec<&str> = out.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        out.iter().filter(|d| d.line == 12).count(),
        3,
        "{messages:?}"
    );
    assert!(
        messages[0].starts_with("`resolved_at` is 2028-11-20 16:30 UTC"),
        "{messages:?}"
    );
    assert!(messages[1].ends_with("after the impact started (TTR), longer than the 30d bound"));
    assert_eq!(
        messages[2],
        "`resolved_at` is in 2028, far from the review's other times (2026)"
    );
    // A timeline entry's time counts as much as a lifecycle time.
    let text = edited(
        "  - at: 2026-11-20T14:41:00Z",
        "  - at: 2024-11-20T14:41:00Z",
    );
    let out = run(&text, |f, v| implausible_times(f, v.review, v.at, now));
    assert_eq!(
        found(&out),
        [(
            20,
            "implausible-time",
            "the timeline entry is in 2024, far from the review's other times (2026)"
        )]
    );
    assert_eq!(
        run(CLEAN, |f, v| implausible_times(f, v.review, v.at, now)),
        []
    );
}

#[test]
fn timeline_order_judges_entries_by_time_and_kind() {
    let text = edited(
        "  - at: 2026-11-20T14:41:00Z",
        "  - at: 2026-11-20T14:01:00Z",
    );
    let out = run(&text, |f, v| timeline_order(f, v.review, v.at));
    assert_eq!(
        found(&out),
        [
            (
                20,
                "timeline-order",
                "timeline entry at 2026-11-20T14:01:00Z comes after a later one (2026-11-20T14:02:00Z)"
            ),
            (
                20,
                "timeline-order",
                "mitigation entry at 2026-11-20T14:01:00Z is before the incident started (2026-11-20T14:02:00Z)"
            ),
        ]
    );
    // A trigger may precede the impact; a kind pirt does not know is judged as written.
    let text = edited(
        "  - at: 2026-11-20T14:02:00Z",
        "  - at: 2026-11-20T13:00:00Z",
    )
    .replace("kind: mitigation", "kind: Fix")
    .replace("at: 2026-11-20T14:41:00Z", "at: 2026-11-21T14:41:00Z");
    let out = run(&text, |f, v| timeline_order(f, v.review, v.at));
    assert_eq!(
        found(&out),
        [(
            20,
            "timeline-order",
            "Fix entry at 2026-11-21T14:41:00Z is after the incident was resolved (2026-11-20T16:30:00Z)"
        )]
    );
    // An entry the model leaves out (no text) is still judged; without a kind it is a
    // note, which may precede the impact.
    let text = edited(
        "    kind: mitigation\n    text: Deploy 4812 rolled back.\n",
        "",
    )
    .replace("at: 2026-11-20T14:41:00Z", "at: 2026-11-20T14:00:00Z");
    let out = run(&text, |f, v| timeline_order(f, v.review, v.at));
    assert_eq!(
        found(&out),
        [(
            20,
            "timeline-order",
            "timeline entry at 2026-11-20T14:00:00Z comes after a later one (2026-11-20T14:02:00Z)"
        )]
    );
    assert_eq!(run(CLEAN, |f, v| timeline_order(f, v.review, v.at)), []);
}

#[test]
fn action_items_need_what_their_status_needs() {
    let text = edited(
        "    owner: li.wei\n    due: 2026-12-15\n",
        "    owner: \"\"\n",
    );
    let out = run(&text, |f, v| action_items(f, v.review, v.at, today()));
    assert_eq!(
        found(&out),
        [(24, "action-item", "action item AI-1 has no owner, due date")]
    );
    assert_eq!(
        out[0].hint.as_deref(),
        Some("add `owner:` and `due:` to action item AI-1")
    );
    // A done item needs an owner and a type only; a wont-do item nothing.
    let done = edited(
        "    due: 2026-12-15\n    tracker: OPS-1\n    status: open",
        "    status: done",
    );
    assert_eq!(
        run(&done, |f, v| action_items(f, v.review, v.at, today())),
        []
    );
    let wont = edited("    type: detect\n    owner: li.wei\n", "")
        .replace("status: open", "status: wont-do");
    let out = run(&wont, |f, v| action_items(f, v.review, v.at, today()));
    // ... but a wont-do item does not count towards the severity's minimum.
    let wont_sev1 = wont.replace("severity: SEV3", "severity: SEV1");
    let out_sev1 = run(&wont_sev1, |f, v| action_items(f, v.review, v.at, today()));
    assert_eq!(out, []);
    assert_eq!(
        found(&out_sev1),
        [(
            23,
            "action-item",
            "a SEV1 review needs at least 1 action item (not wont-do); it has 0"
        )]
    );
    // An item without a title is left out of the model, and still judged.
    let untitled = edited(
        "    title: Alert on pool saturation\n    type: detect\n",
        "",
    );
    let out = run(&untitled, |f, v| action_items(f, v.review, v.at, today()));
    assert_eq!(
        found(&out),
        [(24, "action-item", "action item AI-1 has no type")]
    );
    assert_eq!(
        run(CLEAN, |f, v| action_items(f, v.review, v.at, today())),
        []
    );
}

#[test]
fn open_items_past_their_deadline_are_overdue() {
    let late =
        edited("due: 2026-12-15", "due: 2026-11-25").replace("status: open", "status: in-progress");
    let out = run(&late, |f, v| action_items(f, v.review, v.at, today()));
    assert_eq!(
        found(&out),
        [(
            28,
            "action-item-overdue",
            "action item AI-1 was due 2026-11-25 (6 days ago) and is still in-progress"
        )]
    );
    assert_eq!(out[0].level, Level::Warning);
    // Without a due date, the severity's deadline (SEV3: 90 days after the start).
    let undated = edited("    due: 2026-12-15\n", "");
    let later = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
    let out = run(&undated, |f, v| action_items(f, v.review, v.at, later));
    assert_eq!(out.len(), 2, "{:?}", found(&out));
    assert_eq!(
        out[1].message,
        "action item AI-1 has no due date and is past the SEV3 deadline of 90 days (2027-02-18)"
    );
    // Closed items are never overdue.
    let closed = late.replace("status: in-progress", "status: done");
    assert_eq!(
        run(&closed, |f, v| action_items(f, v.review, v.at, today())),
        []
    );
}

#[test]
fn problem_link_is_required_by_the_severity() {
    let text = edited("severity: SEV3", "severity: P1");
    let out = run(&text, |f, v| problem_link(f, v.review, v.at));
    assert_eq!(
        found(&out),
        [(
            5,
            "problem-link",
            "a SEV1 incident must hand off to a problem record, but `problem:` is not set"
        )]
    );
    assert_eq!(out[0].column, 11);
    let linked = text.replace("services:", "problem: PRB-0001\nservices:");
    assert_eq!(run(&linked, |f, v| problem_link(f, v.review, v.at)), []);
}

#[test]
fn required_sections_missing_empty_or_filler() {
    let text = edited("## What went well\n\nThe rollback.\n", "")
        .replace("An alert.", "TBD.")
        .replace("Rolled back.\n", "<!-- guide: How? -->\n");
    let out = run(&text, |f, v| {
        required_sections(f, v.review, v.layout, status_of(v))
    });
    assert_eq!(
        found(&out),
        [
            (
                45,
                "required-section",
                "section `## Detection` holds only \"TBD.\", which is not a narrative"
            ),
            (49, "required-section", "section `## Resolution` is empty"),
            (
                32,
                "required-section",
                "section `## What went well` is missing"
            ),
        ]
    );
    assert_eq!(
        run(CLEAN, |f, v| required_sections(
            f,
            v.review,
            v.layout,
            status_of(v)
        )),
        []
    );
}

#[test]
fn placeholders_in_the_body_and_in_any_front_matter_text() {
    let text = edited("A pool size without review.", "A pool size TODO.").replace(
        "  summary: About 12% of checkout requests failed.\n",
        "  summary: About 12% of checkout requests failed.\n  users_affected: TBD\n",
    );
    let out = run(&text, |f, v| placeholders(f, v.texts, v.lines));
    assert_eq!(
        found(&out),
        [
            (
                44,
                "placeholder",
                "placeholder `TODO` left in a review past draft"
            ),
            (
                16,
                "placeholder",
                "placeholder `TBD` left in a review past draft"
            ),
        ]
    );
    assert_eq!((out[0].column, out[0].len), (13, 4));
    assert_eq!(run(CLEAN, |f, v| placeholders(f, v.texts, v.lines)), []);
}

#[test]
fn draft_markers_left_past_draft() {
    let text = edited(
        "The pool ran dry.",
        "<!-- pirt:draft model=x -->\nThe pool ran dry.",
    );
    let out = run(&text, |f, v| draft_markers(f, v.lines));
    assert_eq!(
        found(&out),
        [(
            35,
            "unreviewed-draft",
            "an AI draft is still marked as unreviewed"
        )]
    );
    assert_eq!(run(CLEAN, |f, v| draft_markers(f, v.lines)), []);
}

#[test]
fn blameless_language_in_the_body_and_the_narrative_fields() {
    let blameless = Matcher::new(&Default::default());
    let text = edited(
        "The pool ran dry.",
        "The pool ran dry because of human error.",
    )
    .replace(
        "text: Deploy 4812 rolled back.",
        "text: li.wei should have rolled back.",
    );
    let out = run(&text, |f, v| blameless.check(f, v));
    assert_eq!(
        found(&out),
        [
            (35, "blameless-language", "blameful wording \"human error\""),
            (22, "blameless-language", "blameful wording \"should have\""),
        ]
    );
    // Exact columns in a plain front-matter value.
    assert_eq!((out[1].column, out[1].len), (18, 11));
    assert_eq!(run(CLEAN, |f, v| blameless.check(f, v)), []);
}

#[test]
fn configured_levels_apply_to_every_rule() {
    let mut config = Config::default();
    let text = edited("severity: SEV3", "severity: SEV1");
    let levels = |toml: &str| {
        toml::from_str::<crate::config::CheckConfig>(toml)
            .unwrap()
            .rules
    };
    config.check.rules = levels("[rules]\nproblem-link = \"warn\"\n");
    let out = run_with(&config, &text, |f, v| problem_link(f, v.review, v.at));
    assert_eq!(out[0].level, Level::Warning);
    config.check.rules = levels("[rules]\nproblem-link = \"off\"\n");
    assert_eq!(
        run_with(&config, &text, |f, v| problem_link(f, v.review, v.at)),
        []
    );
}
