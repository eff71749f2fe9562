//! The parser on front matters written in the tests: types, unknown keys, every enum,
//! times, the severity scale, and the positions it records.

use super::*;
use crate::config::Config;

fn parse(front: &str) -> ParsedFile {
    let text = format!("---\n{front}---\n\n## Summary\n\nText.\n");
    parse_review(Path::new("t.md"), &text, &Config::default())
}

const HEAD: &str =
    "id: PIR-1\ntitle: T\nstatus: draft\nseverity: SEV2\nstarted_at: 2026-11-20T14:02:00Z\n";

/// `(line, level, rule, message, hint)` of each finding.
fn found(parsed: &ParsedFile) -> Vec<(usize, Level, &str, &str, Option<&str>)> {
    parsed
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.line,
                d.level,
                d.rule.as_str(),
                d.message.as_str(),
                d.hint.as_deref(),
            )
        })
        .collect()
}

#[test]
fn a_complete_front_matter_has_no_finding() {
    let parsed = parse(HEAD);
    assert_eq!(found(&parsed), []);
    let review = &parsed.review;
    assert_eq!(
        (review.id.as_str(), review.status),
        ("PIR-1", Status::Draft)
    );
    assert_eq!(review.sections.len(), 1);
}

#[test]
fn wrong_types_are_schema_errors_at_the_value() {
    let parsed = parse(&format!(
        "{HEAD}title2: x\nincident_commander: [a]\nservices: {{a: 1}}\nimpact: 5\ntimeline: x\ndetection:\n  source: {{a: b}}\n"
    ));
    let errors: Vec<_> = found(&parsed)
        .into_iter()
        .filter(|f| f.1 == Level::Error)
        .map(|f| (f.0, f.3))
        .collect();
    assert_eq!(
        errors,
        [
            (8, "`incident_commander` must be text, found a list"),
            (9, "`services` must be a list of names, found a mapping"),
            (10, "`impact` must be a mapping, found an integer"),
            (11, "`timeline` must be a list, found a string"),
            (13, "`source` must be text, found a mapping"),
        ]
    );
    let review = &parsed.review;
    assert!(review.services.is_empty() && review.impact.is_none() && review.timeline.is_empty());
    // Numbers and booleans are read as text where text is wanted.
    let parsed = parse(&format!("{HEAD}tags: [1, true]\n"));
    assert_eq!(parsed.review.tags, ["1", "true"]);
    let parsed = parse(&format!(
        "{HEAD}impact:\n  users_affected: -3\n  customer_tickets: many\n"
    ));
    assert_eq!(
        found(&parsed).iter().map(|f| f.3).collect::<Vec<_>>(),
        [
            "`users_affected` must be a whole number ≥ 0, found -3",
            "`customer_tickets` must be a whole number ≥ 0, found the text `many`",
        ]
    );
}

#[test]
fn unknown_keys_are_kept_and_warned_about_with_a_suggestion() {
    let parsed = parse(&format!(
        "{HEAD}servcies: [a]\nx-team: payments\nimpact:\n  sumary: s\ntimeline:\n  - at: 2026-11-20T14:02:00Z\n    txt: t\n    text: t\n"
    ));
    assert_eq!(
        found(&parsed),
        [
            (
                7,
                Level::Warning,
                "schema",
                "unknown key `servcies`",
                Some("did you mean `services`?")
            ),
            (8, Level::Warning, "schema", "unknown key `x-team`", None),
            (
                10,
                Level::Warning,
                "schema",
                "unknown key `impact.sumary`",
                Some("did you mean `impact.summary`?")
            ),
            (
                13,
                Level::Warning,
                "schema",
                "unknown key `timeline.txt`",
                Some("did you mean `timeline.text`?")
            ),
        ]
    );
    let extra = &parsed.review.extra;
    assert_eq!(extra["servcies"], serde_json::json!(["a"]));
    assert_eq!(extra["x-team"], "payments");
}

#[test]
fn required_keys_are_errors_at_every_status() {
    let parsed = parse("title: T\nstatus: published\nseverity: null\n");
    let missing: Vec<_> = found(&parsed)
        .into_iter()
        .map(|f| (f.0, f.1, f.3))
        .collect();
    assert_eq!(
        missing,
        [
            (2, Level::Error, "required field `id` is missing"),
            (2, Level::Error, "required field `severity` is missing"),
            (2, Level::Error, "required field `started_at` is missing"),
        ]
    );
}

#[test]
fn every_enum_is_read_by_its_names() {
    for (name, status) in Status::NAMES.iter().zip(Status::ALL) {
        let parsed = parse(&HEAD.replace("status: draft", &format!("status: {name}")));
        assert_eq!(parsed.review.status, *status);
    }
    let entries: String = EntryKind::NAMES
        .iter()
        .map(|k| format!("  - {{at: 2026-11-20T14:02:00Z, kind: {k}, text: t}}\n"))
        .collect();
    let items: String = ActionType::NAMES
        .iter()
        .zip(ActionStatus::NAMES)
        .map(|(t, s)| format!("  - {{id: A, title: t, type: {t}, status: {s}}}\n"))
        .collect();
    let parsed = parse(&format!(
        "{HEAD}detection: {{method: customer}}\ntimeline:\n{entries}  - {{at: 2026-11-20T14:02:00Z, text: no kind}}\naction_items:\n{items}  - {{id: B, title: no status}}\n"
    ));
    assert_eq!(found(&parsed), []);
    let review = &parsed.review;
    let kinds: Vec<EntryKind> = review.timeline.iter().map(|e| e.kind).collect();
    assert_eq!(&kinds[..8], EntryKind::ALL);
    assert_eq!(kinds[8], EntryKind::Note);
    let types: Vec<Option<ActionType>> = review.action_items.iter().map(|a| a.kind).collect();
    assert_eq!(
        types[..4],
        ActionType::ALL
            .iter()
            .copied()
            .map(Some)
            .collect::<Vec<_>>()[..]
    );
    let statuses: Vec<ActionStatus> = review.action_items.iter().map(|a| a.status).collect();
    assert_eq!(&statuses[..4], ActionStatus::ALL);
    assert_eq!((types[4], statuses[4]), (None, ActionStatus::Open));
    assert_eq!(
        review.detection.as_ref().and_then(|d| d.method),
        Some(DetectionMethod::Customer)
    );
}

#[test]
fn unknown_names_are_errors_with_the_allowed_ones() {
    let parsed = parse(&format!(
        "{}timeline:\n  - {{at: 2026-11-20T14:02:00Z, kind: mitigaton, text: t}}\naction_items:\n  - {{id: A, title: t, type: fix, status: Done}}\n",
        HEAD.replace("status: draft", "status: reviewed")
    ));
    assert_eq!(
        found(&parsed),
        [
            (
                4,
                Level::Error,
                "schema",
                "`status` has an unknown value `reviewed`",
                Some("allowed: draft, in-review, published")
            ),
            (
                8,
                Level::Error,
                "schema",
                "`kind` has an unknown value `mitigaton`",
                Some(
                    "did you mean `mitigation`? allowed: trigger, detection, escalation, diagnosis, mitigation, resolution, communication, note"
                )
            ),
            (
                10,
                Level::Error,
                "schema",
                "`type` has an unknown value `fix`",
                Some("allowed: prevent, detect, mitigate, process")
            ),
            (
                10,
                Level::Error,
                "schema",
                "`status` has an unknown value `Done`",
                Some("did you mean `done`? allowed: open, in-progress, done, wont-do")
            ),
        ]
    );
    // The model keeps the entries, with the defaults; the positions keep what was written.
    assert_eq!(parsed.review.timeline[0].kind, EntryKind::Note);
    assert_eq!(parsed.review.action_items[0].status, ActionStatus::Open);
    let entry = &parsed.positions.timeline[0];
    assert_eq!(entry.kind, Some(Named::Unknown("mitigaton".into())));
    assert_eq!(entry.kind_name(), "mitigaton");
    assert_eq!(parsed.positions.action_items[0].status(), Err("Done"));
}

#[test]
fn times_need_an_offset_and_dates_a_day() {
    let parsed = parse(&format!(
        "{HEAD}detected_at: 2026-11-20 14:09\nresolved_at: 2026-11-20T16:30:00+01:00\ntimeline:\n  - at: 14:30\n    text: t\naction_items:\n  - {{id: A, title: t, due: 2026-02-30}}\n"
    ));
    let errors: Vec<_> = found(&parsed).into_iter().map(|f| (f.0, f.3)).collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert_eq!(errors[0].0, 7);
    assert!(errors[0].1.starts_with("`detected_at`: "), "{errors:?}");
    assert_eq!(
        parsed.diagnostics[0]
            .hint
            .as_deref()
            .map(|h| h.starts_with("write an RFC 3339 time")),
        Some(true)
    );
    assert!(errors[1].1.starts_with("`at`: "), "{errors:?}");
    assert_eq!(
        errors[2],
        (
            13,
            "`due`: `2026-02-30` is not a date; write it as YYYY-MM-DD"
        )
    );
    let review = &parsed.review;
    assert!(review.detected_at.is_none());
    assert_eq!(
        review.resolved_at.map(|t| t.to_rfc3339()),
        Some("2026-11-20T16:30:00+01:00".into())
    );
    // The entry without a valid time is left out of the model, and so is its due date.
    assert!(review.timeline.is_empty());
    assert_eq!(review.action_items[0].due, None);
}

#[test]
fn severities_resolve_to_the_scale_once() {
    let parsed = parse(&HEAD.replace("SEV2", "major"));
    assert_eq!(found(&parsed), []);
    let severity = &parsed.review.severity;
    assert_eq!((severity.id.as_str(), severity.rank), ("SEV2", Some(1)));
    let parsed = parse(&HEAD.replace("SEV2", "SEV9"));
    assert_eq!(
        found(&parsed),
        [(
            5,
            Level::Warning,
            "severity-scale",
            "severity `SEV9` is not in the configured scale",
            Some("use one of: SEV1, SEV2, SEV3, SEV4")
        )]
    );
    let severity = &parsed.review.severity;
    assert_eq!((severity.id.as_str(), severity.rank), ("SEV9", None));
}

#[test]
fn positions_point_at_every_value_written() {
    let parsed = parse(&format!(
        "{HEAD}impact:\n  summary: \"  \"\nrelated: [PIR-2, 3]\ntimeline:\n  - at: 2026-11-20T14:09:00Z\n    kind: detection\naction_items:\n  - id: 7\n    owner: li\n"
    ));
    let at = &parsed.positions;
    let severity = at.get("severity").unwrap();
    assert_eq!(
        (
            severity.key.line,
            severity.key.column,
            severity.value.column
        ),
        (5, 1, 11)
    );
    assert!(severity.text && !severity.blank);
    let summary = at.get("impact.summary").unwrap();
    assert!(summary.blank && summary.text);
    assert!(at.get("impact").unwrap().blank);
    assert_eq!(
        at.nearest_key("impact.users_affected").map(|p| p.line),
        Some(7)
    );
    assert_eq!(at.nearest_key("trigger"), None);
    // Ids written as text are references; the number is not.
    assert_eq!(at.related.len(), 1);
    assert_eq!(
        (at.related[0].value.as_str(), at.related[0].pos.column),
        ("PIR-2", 11)
    );
    // An entry without text and an item without a title are not in the model, but here.
    assert!(parsed.review.timeline.is_empty() && parsed.review.action_items.is_empty());
    let entry = &at.timeline[0];
    assert_eq!(entry.at.map(|a| a.pos.line), Some(11));
    assert_eq!(entry.kind, Some(Named::Known(EntryKind::Detection)));
    let item = &at.action_items[0];
    assert_eq!(
        (item.id.as_deref(), item.id_at.map(|a| a.value.line)),
        (None, Some(14))
    );
    assert!(item.owner_at.is_some_and(|a| !a.blank) && item.type_at.is_none());
    // Every text value, in file order.
    let texts: Vec<&str> = parsed.texts().iter().map(|t| t.value).collect();
    assert_eq!(
        texts[..5],
        ["PIR-1", "T", "draft", "SEV2", "2026-11-20T14:02:00Z"]
    );
    assert!(texts.contains(&"li"));
}

#[test]
fn no_front_matter_is_a_syntax_error() {
    let parsed = parse_review(Path::new("t.md"), "# Title\n", &Config::default());
    assert_eq!(parsed.diagnostics[0].rule, RuleId::YamlSyntax);
    assert!(parsed.layout.is_none() && parsed.positions == Positions::default());
    let parsed = parse("- a\n- b\n");
    assert_eq!(
        parsed.diagnostics[0].message,
        "the front matter must be a mapping of keys to values, found a list"
    );
}
