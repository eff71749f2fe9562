//! The single-file rules.

use std::path::Path;

use chrono::{Datelike, NaiveDate};

use crate::check::blameless::Matcher;
pub(super) use crate::check::view::{BodyLine, Findings, View, body_lines};
use crate::check::{Kind, Reference, Run, Summary};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Level};
use crate::pos::{Pos, Spanned};
use crate::review::document::Layout;
use crate::review::edit::format_timestamp;
use crate::review::positions::Positions;
use crate::review::problem::parse_problem;
use crate::review::{ActionStatus, EntryKind, Review, Status, parse_review};
use crate::rule_id::RuleId;

const START: Pos = Pos::START;

pub(super) fn check_file(
    config: &Config,
    blameless: &Matcher,
    path: &Path,
    kind: Kind,
    run: &Run,
) -> anyhow::Result<Checked> {
    use anyhow::Context;
    use std::io::Read;
    let cannot_read = || format!("cannot read {}", path.display());
    // Opened once and sized from the open file: one buffer of the right size, no second
    // look-up of the path.
    let file = std::fs::File::open(path).with_context(cannot_read)?;
    let size = file.metadata().with_context(cannot_read)?.len();
    let limit = config.check.max_file_mb.saturating_mul(1024 * 1024);
    let mut bytes = Vec::new();
    if size <= limit {
        bytes.reserve_exact(size as usize + 1);
        // Bounded even if the file grows while it is read.
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .with_context(cannot_read)?;
    }
    let size = size.max(bytes.len() as u64);
    if size > limit {
        let mut findings = Findings {
            config,
            path,
            status: None,
            out: Vec::new(),
        };
        findings.add(
            RuleId::YamlSyntax,
            START,
            Level::Error,
            format!(
                "the file is {:.1} MB, over the {} MB limit for a review; it was not parsed",
                size as f64 / 1048576.0,
                config.check.max_file_mb
            ),
            Some("raise [check] max_file_mb in pirt.toml if this is really a review".into()),
        );
        return Ok(Checked {
            diagnostics: findings.out,
            summary: None,
            escalating: 0,
            fixable: 0,
        });
    }
    Ok(check_bytes(config, blameless, path, &bytes, kind, run))
}

/// The single-file rules over a file's bytes (`path` only names it in the findings).
/// What checking one file found.
pub(super) struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Option<Summary>,
    /// For a draft: how many more findings are errors once it is in review.
    pub escalating: usize,
    /// Findings that `pirt check --fix` removes.
    pub fixable: usize,
}

pub(super) fn check_bytes(
    config: &Config,
    blameless: &Matcher,
    path: &Path,
    bytes: &[u8],
    kind: Kind,
    run: &Run,
) -> Checked {
    let mut findings = Findings {
        config,
        path,
        status: None,
        out: Vec::new(),
    };
    let text = match crate::review::decode(bytes) {
        Ok(text) => text,
        Err((pos, message)) => {
            findings.add(RuleId::YamlSyntax, pos, Level::Error, message, None);
            return Checked {
                diagnostics: findings.out,
                summary: None,
                escalating: 0,
                fixable: 0,
            };
        }
    };
    // Found once: reported, and hidden in every finding's source line.
    let secrets = crate::check::secrets::find_unless_off(config, text);
    let (summary, escalating) = match kind {
        Kind::Review => check_review(&mut findings, blameless, text, run),
        Kind::Problem => {
            let (problem, diagnostics) = parse_problem(path, text);
            diagnostics.into_iter().for_each(|d| findings.relevel(d));
            let summary = Summary {
                path: path.to_path_buf(),
                kind,
                status: None,
                id: (!problem.id.is_empty())
                    .then(|| reference(&problem.id, id_pos(text, &problem.id))),
                related: Vec::new(),
                problem: None,
            };
            (Some(summary), 0)
        }
    };
    // Judged again at the status it was judged at, without a second preview.
    let judged = Run {
        as_status: run.as_status.or(findings.status),
        ..*run
    };
    crate::check::secrets::report(&mut findings, text, &secrets);
    let mut out = findings.out;
    let fixable = match kind {
        Kind::Review => fixable(config, blameless, path, text, &judged, &out),
        Kind::Problem => 0,
    };
    for d in &mut out {
        d.attach_snippet(text);
        crate::check::secrets::hide_in(d, text, &secrets);
    }
    Checked {
        diagnostics: out,
        summary,
        escalating,
        fixable,
    }
}

/// How many of a review's findings `--fix` would remove: the findings that are gone when
/// the fixed text is checked again. Only files with a finding of a fixable rule are tried.
fn fixable(
    config: &Config,
    blameless: &Matcher,
    path: &Path,
    text: &str,
    run: &Run,
    found: &[Diagnostic],
) -> usize {
    use crate::check::fix::{fix, may_fix};
    let rules: Vec<RuleId> = crate::check::fix::FixKind::ALL
        .iter()
        .map(|k| k.rule())
        .collect();
    let count = |ds: &[Diagnostic]| ds.iter().filter(|d| rules.contains(&d.rule)).count();
    // Only findings a fix can remove make it worth trying (an unknown key cannot be fixed).
    if !found.iter().any(may_fix) {
        return 0;
    }
    let before = count(found);
    let Ok(Some(fixed)) = fix(config, path, text) else {
        return 0;
    };
    let mut again = Findings {
        config,
        path,
        status: None,
        out: Vec::new(),
    };
    check_review(&mut again, blameless, &fixed.text, run);
    before.saturating_sub(count(&again.out))
}

fn check_review(
    findings: &mut Findings,
    blameless: &Matcher,
    text: &str,
    run: &Run,
) -> (Option<Summary>, usize) {
    let mut parsed = parse_review(findings.path, text, findings.config);
    let related = std::mem::take(&mut parsed.positions.related);
    let (review, at) = (&parsed.review, &parsed.positions);
    let has_status = at.get("status").is_some();
    // `--as STATUS` judges the review as if it had that status.
    findings.status = run.as_status.or(has_status.then_some(review.status));
    for d in parsed.diagnostics.iter().cloned() {
        findings.relevel(d);
    }
    let Some(layout) = &parsed.layout else {
        return (None, 0);
    };
    let status = run.as_status.unwrap_or(review.status);
    // The body is split into lines once, for the rules that read it line by line.
    let lines: Vec<BodyLine> = body_lines(text, layout).collect();
    let texts = parsed.texts();
    let file = View {
        review,
        at,
        texts: &texts,
        layout,
        text,
        lines: &lines,
    };
    file.rules(findings, blameless, status, run);
    // A draft's gate, previewed: how many findings are errors once it is submitted, so
    // that leaving draft is no cliff.
    let escalating = if run.as_status.is_none() && status == Status::Draft {
        let mut preview = Findings {
            config: findings.config,
            path: findings.path,
            status: Some(Status::InReview),
            out: Vec::new(),
        };
        // The rules whose findings depend on the status are run again; every other
        // finding is the same, only judged at in-review (a by-status warning becomes an
        // error). The costly rules (blameless language) are not run twice.
        const BY_STATUS: [RuleId; 4] = [
            RuleId::RequiredField,
            RuleId::RequiredSection,
            RuleId::Placeholder,
            RuleId::UnreviewedDraft,
        ];
        for d in findings.out.iter().filter(|d| !BY_STATUS.contains(&d.rule)) {
            preview.relevel(d.clone());
        }
        file.status_rules(&mut preview, Status::InReview);
        let errors = |f: &[Diagnostic]| f.iter().filter(|d| d.level == Level::Error).count();
        errors(&preview.out).saturating_sub(errors(&findings.out))
    } else {
        0
    };
    let summary = Summary {
        path: findings.path.to_path_buf(),
        kind: Kind::Review,
        status: findings.status,
        // Only ids written as text are references.
        id: at
            .get("id")
            .filter(|a| a.text)
            .map(|a| reference(&review.id, a.value)),
        related: related
            .into_iter()
            .map(|r| Reference {
                id: r.value,
                pos: r.pos,
            })
            .collect(),
        problem: at
            .get("problem")
            .filter(|a| a.text)
            .and_then(|a| Some(reference(review.problem.as_deref()?, a.value))),
    };
    (Some(summary), escalating)
}

impl View<'_> {
    fn rules(&self, findings: &mut Findings, blameless: &Matcher, status: Status, run: &Run) {
        let (review, at) = (self.review, self.at);
        chronology(findings, review, at);
        implausible_times(findings, review, at, run.now);
        timeline_order(findings, review, at);
        action_items(findings, review, at, run.today);
        problem_link(findings, review, at);
        self.status_rules(findings, status);
        blameless.check(findings, self);
    }

    /// The rules that find different things at different statuses (not only at another
    /// level): what is required, and what may stay in a draft.
    fn status_rules(&self, findings: &mut Findings, status: Status) {
        required_fields(findings, self.at, status);
        required_sections(findings, self.review, self.layout, status);
        if status != Status::Draft {
            placeholders(findings, self.texts, self.lines);
            draft_markers(findings, self.lines);
        }
    }
}

fn reference(id: &str, pos: Pos) -> Reference {
    Reference {
        id: id.to_string(),
        pos,
    }
}

/// Where `id: VALUE` is written in a file (for problem records, parsed without the tree).
fn id_pos(text: &str, id: &str) -> Pos {
    crate::corpus::id_line(text).map_or(START, |found| Pos {
        line: found.line,
        column: found.column,
        offset: found.offset,
        len: id.len(),
    })
}

/// `required-field`: the fields the status requires (`[check.required_fields]`), set and
/// not blank.
fn required_fields(findings: &mut Findings, at: &Positions, status: Status) {
    let config = findings.config;
    let Some(fields) = config.check.required_fields.get(status.as_str()) else {
        return;
    };
    for field in fields {
        if at.get(field).is_some_and(|a| !a.blank) {
            continue;
        }
        let message = match status {
            Status::Draft => {
                format!("`{field}` is not set yet (it is required once the review leaves draft)")
            }
            _ => format!(
                "`{field}` is required for a review in `{}`",
                status.as_str()
            ),
        };
        let hint = format!("set `{field}` in the front matter{}", example_of(field));
        findings.add(
            RuleId::RequiredField,
            at.nearest_key(field).unwrap_or(START),
            Level::Error,
            message,
            Some(hint),
        );
    }
}

fn example_of(field: &str) -> &'static str {
    match field {
        f if f.ends_with("_at") => ", e.g. 2026-11-20T14:09:00Z",
        "services" => ", e.g. [checkout-api]",
        "detection" => ", e.g. {method: alert, source: \"p99 latency > 2s\"}",
        _ => "",
    }
}

/// `chronology`: started ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved.
fn chronology(findings: &mut Findings, review: &Review, at: &Positions) {
    let order = [
        ("started_at", review.started_at),
        ("detected_at", review.detected_at),
        ("acknowledged_at", review.acknowledged_at),
        ("mitigated_at", review.mitigated_at),
        ("resolved_at", review.resolved_at),
    ];
    let mut latest: Option<(&str, crate::review::Timestamp)> = None;
    for (name, ts) in order {
        let Some(ts) = ts else { continue };
        if let Some((before, earlier)) = latest
            && ts < earlier
        {
            let pos = at.value_or_start(name);
            findings.add(
                RuleId::Chronology,
                pos,
                Level::Error,
                format!("`{name}` ({}) is before `{before}` ({})", format_timestamp(&ts), format_timestamp(&earlier)),
                Some("the lifecycle runs started ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved; check the offsets and dates".into()),
            );
        }
        if latest.is_none_or(|(_, t)| ts >= t) {
            latest = Some((name, ts));
        }
    }
}

/// A span in the one duration format of pirt's pages (`23h 49m`, `1d 0h 11m`).
fn span(d: chrono::Duration) -> String {
    crate::review::duration::duration(d.num_seconds())
}

/// Times that are probably typos: in the future, a lifecycle step longer than its bound
/// (`[check.implausible]`), or a year far from the review's other times.
fn implausible_times(
    findings: &mut Findings,
    review: &Review,
    at: &Positions,
    now: chrono::DateTime<chrono::Utc>,
) {
    let bounds = &findings.config.check.implausible;
    let zone = findings.config.zone;
    let shown = |ts: &crate::review::Timestamp| {
        ts.with_timezone(&zone)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string()
    };
    let mut times: Vec<(
        crate::review::Timestamp,
        Pos,
        std::borrow::Cow<'static, str>,
    )> = [
        ("started_at", review.started_at),
        ("detected_at", review.detected_at),
        ("acknowledged_at", review.acknowledged_at),
        ("mitigated_at", review.mitigated_at),
        ("resolved_at", review.resolved_at),
    ]
    .into_iter()
    .filter_map(|(key, ts)| Some((ts?, at.value_or_start(key), format!("`{key}`").into())))
    .collect();
    for entry in &at.timeline {
        if let Some(time) = &entry.at {
            times.push((
                time.value,
                time.pos,
                std::borrow::Cow::Borrowed("the timeline entry"),
            ));
        }
    }
    if let Some(tolerance) = bounds.bound("future") {
        // The earliest time in the future, once: a review typed a year ahead is one typo.
        let mut future: Vec<&(
            crate::review::Timestamp,
            Pos,
            std::borrow::Cow<'static, str>,
        )> = times
            .iter()
            .filter(|(ts, _, _)| ts.with_timezone(&chrono::Utc) > now + tolerance)
            .collect();
        future.sort_by_key(|(ts, _, _)| *ts);
        if let Some((ts, pos, what)) = future.first() {
            let more = match future.len() - 1 {
                0 => String::new(),
                1 => " (and 1 later time)".into(),
                n => format!(" (and {n} later times)"),
            };
            findings.add(
                RuleId::ImplausibleTime,
                *pos,
                Level::Warning,
                format!(
                    "{what} is {}, {} in the future{more}",
                    shown(ts),
                    span(ts.with_timezone(&chrono::Utc) - now)
                ),
                Some(
                    "check the date: a time typed after midnight may have landed on the wrong day"
                        .into(),
                ),
            );
        }
    }
    let steps = [
        (
            "ttd",
            "detected_at",
            review.started_at,
            review.detected_at,
            "detected",
            "after the impact started",
            "TTD",
        ),
        (
            "tta",
            "acknowledged_at",
            review.detected_at,
            review.acknowledged_at,
            "acknowledged",
            "after detection",
            "TTA",
        ),
        (
            "ttm",
            "mitigated_at",
            review.started_at,
            review.mitigated_at,
            "mitigated",
            "after the impact started",
            "TTM",
        ),
        (
            "ttr",
            "resolved_at",
            review.started_at,
            review.resolved_at,
            "resolved",
            "after the impact started",
            "TTR",
        ),
    ];
    for (key, field, from, to, verb, since, name) in steps {
        let (Some(from), Some(to), Some(bound)) = (from, to, bounds.bound(key)) else {
            continue;
        };
        let took = to - from;
        if took > bound {
            findings.add(
                RuleId::ImplausibleTime,
                at.value_or_start(field),
                Level::Warning,
                format!(
                    "{verb} {} {since} ({name}), longer than the {} bound",
                    span(took),
                    span(bound)
                ),
                Some(format!(
                    "check the date of `{field}`; if it is right, raise [check.implausible] {key} in pirt.toml"
                )),
            );
        }
    }
    // A year far from the others: the review's year is that of `started_at`, else the
    // median year of its times.
    let mut years: Vec<i32> = times
        .iter()
        .map(|(ts, _, _)| ts.with_timezone(&zone).year())
        .collect();
    years.sort_unstable();
    let anchor = review
        .started_at
        .map(|t| t.with_timezone(&zone).year())
        .or_else(|| years.get(years.len() / 2).copied());
    if let Some(median) = anchor {
        for (ts, pos, what) in &times {
            let year = ts.with_timezone(&zone).year();
            if (year - median).abs() > 1 {
                findings.add(
                    RuleId::ImplausibleTime,
                    *pos,
                    Level::Warning,
                    format!("{what} is in {year}, far from the review's other times ({median})"),
                    Some("check the year for a typo".into()),
                );
            }
        }
    }
}

/// `timeline-order`: entries in time order, inside the incident window (by kind).
fn timeline_order(findings: &mut Findings, review: &Review, positions: &Positions) {
    use EntryKind::{Communication, Note, Resolution, Trigger};
    let mut previous: Option<crate::review::Timestamp> = None;
    for entry in &positions.timeline {
        let Some(Spanned { value: at, pos }) = entry.at else {
            continue;
        };
        let kind = entry.kind_name();
        if let Some(prev) = previous
            && at < prev
        {
            findings.add(
                RuleId::TimelineOrder,
                pos,
                Level::Error,
                format!(
                    "timeline entry at {} comes after a later one ({})",
                    format_timestamp(&at),
                    format_timestamp(&prev)
                ),
                Some(
                    "keep entries in time order (`pirt timeline add` inserts them in place)".into(),
                ),
            );
        }
        previous = Some(previous.map_or(at, |p| p.max(at)));
        // Triggers and notes may precede the impact; communication and notes may follow it.
        if let Some(started) = review.started_at
            && at < started
            && !entry.is(&[Trigger, Note])
        {
            findings.add(
                RuleId::TimelineOrder,
                pos,
                Level::Error,
                format!(
                    "{kind} entry at {} is before the incident started ({})",
                    format_timestamp(&at),
                    format_timestamp(&started)
                ),
                Some("check the date and offset, or correct `started_at`".into()),
            );
        }
        if let Some(resolved) = review.resolved_at
            && at > resolved
            && !entry.is(&[Communication, Note, Resolution])
        {
            findings.add(
                RuleId::TimelineOrder,
                pos,
                Level::Error,
                format!(
                    "{kind} entry at {} is after the incident was resolved ({})",
                    format_timestamp(&at),
                    format_timestamp(&resolved)
                ),
                Some("check the date and offset, or correct `resolved_at`".into()),
            );
        }
    }
}

/// A severity's `min_action_items`: a major incident with no follow-up is a thin review.
fn enough_action_items(findings: &mut Findings, review: &Review, at: &Positions) {
    let Some(level) = findings.config.severity.of(&review.severity) else {
        return;
    };
    let wanted = level.min_action_items();
    let have = review
        .action_items
        .iter()
        .filter(|a| a.status != ActionStatus::WontDo)
        .count();
    if (have as u64) >= u64::from(wanted) {
        return;
    }
    let pos = at
        .get("action_items")
        .map(|a| a.key)
        .or_else(|| at.get("severity").map(|a| a.value))
        .unwrap_or(START);
    findings.add(
        RuleId::ActionItem,
        pos,
        Level::Error,
        format!(
            "a {} review needs at least {wanted} action item{} (not wont-do); it has {have}",
            level.id,
            if wanted == 1 { "" } else { "s" }
        ),
        Some(format!(
            "add the follow-ups under `action_items:` (`pirt draft {} -p action-items` proposes some); the minimum is `min_action_items` of {} in the [[severity]] scale",
            findings.path.display(),
            level.id
        )),
    );
}

/// `action-item` and `action-item-overdue`: every item written has what its status needs,
/// the review has the severity's minimum, and no open item is past its deadline.
fn action_items(findings: &mut Findings, review: &Review, at: &Positions, today: NaiveDate) {
    enough_action_items(findings, review, at);
    let deadline_days = findings
        .config
        .severity
        .of(&review.severity)
        .and_then(|s| s.action_item_days);
    for item in &at.action_items {
        let id = item.id.as_deref().unwrap_or("(no id)");
        // An unknown status is a schema error; it is judged as an open item, never overdue.
        let written = item.status();
        let pos = item.id_at.map_or(item.pos, |a| a.value);
        let fields = [
            ("owner", "owner", item.owner_at),
            ("type", "type", item.type_at),
            ("due", "due date", item.due_at),
            ("tracker", "tracker", item.tracker_at),
        ];
        let needed = match written {
            Ok(ActionStatus::WontDo) => &fields[..0],
            Ok(ActionStatus::Done) => &fields[..2],
            _ => &fields[..],
        };
        let missing: Vec<(&str, &str)> = needed
            .iter()
            .filter(|(_, _, at)| at.is_none_or(|a| a.blank))
            .map(|&(key, word, _)| (key, word))
            .collect();
        if !missing.is_empty() {
            let words: Vec<&str> = missing.iter().map(|(_, w)| *w).collect();
            let keys: Vec<String> = missing.iter().map(|(k, _)| format!("`{k}:`")).collect();
            findings.add(
                RuleId::ActionItem,
                pos,
                Level::Error,
                format!("action item {id} has no {}", words.join(", ")),
                Some(format!("add {} to action item {id}", keys.join(" and "))),
            );
        }
        let status = match written {
            Ok(status) if status.is_open() => status,
            _ => continue,
        };
        match (item.due, deadline_days, review.started_at) {
            (Some(Spanned { value: due, pos }), _, _) if due < today => findings.add(
                RuleId::ActionItemOverdue,
                pos,
                Level::Warning,
                format!(
                    "action item {id} was due {due} ({} days ago) and is still {status}",
                    (today - due).num_days()
                ),
                Some("finish it, move the date with a reason, or set `status: wont-do`".into()),
            ),
            (None, Some(days), Some(started)) => {
                let deadline = started.date_naive() + chrono::Duration::days(i64::from(days));
                if deadline < today {
                    findings.add(
                        RuleId::ActionItemOverdue,
                        pos,
                        Level::Warning,
                        format!("action item {id} has no due date and is past the {} deadline of {days} days ({deadline})", review.severity),
                        Some("set `due:` or close the item".into()),
                    );
                }
            }
            _ => {}
        }
    }
}

/// `problem-link`: a severity that requires a problem record names one.
fn problem_link(findings: &mut Findings, review: &Review, at: &Positions) {
    let requires = findings
        .config
        .severity
        .of(&review.severity)
        .is_some_and(|s| s.requires_problem);
    let linked = at.get("problem").is_some_and(|a| !a.blank);
    if requires && !linked {
        let pos = at.value_or_start("severity");
        findings.add(
            RuleId::ProblemLink,
            pos,
            Level::Error,
            format!(
                "a {} incident must hand off to a problem record, but `problem:` is not set",
                review.severity
            ),
            Some(format!(
                "open a problem record and link it with `pirt problem new \"TITLE\" --from {}`, or set `problem: PRB-NNNN` to an existing record",
                findings.path.display()
            )),
        );
    }
}

fn required_sections(findings: &mut Findings, review: &Review, layout: &Layout, status: Status) {
    let wanted = findings
        .config
        .check
        .required_sections
        .get(status.as_str())
        .cloned()
        .unwrap_or_default();
    for spec in wanted {
        let names: Vec<&str> = spec.split('|').map(str::trim).collect();
        let found = review
            .sections
            .iter()
            .find(|s| names.iter().any(|n| s.heading.eq_ignore_ascii_case(n)));
        let verb = if status == Status::Draft {
            "is not written yet"
        } else {
            "is empty"
        };
        match found {
            None => findings.add(
                RuleId::RequiredSection,
                Pos {
                    line: layout.body_first_line,
                    column: 1,
                    offset: layout.body_start,
                    len: 0,
                },
                Level::Error,
                format!("section `## {}` is missing", names[0]),
                (names.len() > 1).then(|| {
                    format!(
                        "any of: {}",
                        names
                            .iter()
                            .map(|n| format!("`## {n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }),
            ),
            Some(section) if filler(section).is_some() => findings.add(
                RuleId::RequiredSection,
                Pos {
                    line: section.line,
                    column: 1,
                    offset: 0,
                    len: 0,
                },
                Level::Error,
                format!(
                    "section `## {}` holds only \"{}\", which is not a narrative",
                    section.heading,
                    filler(section).unwrap_or_default()
                ),
                Some("write what happened, or leave the review in `status: draft`".into()),
            ),
            Some(section) if section.is_empty() => findings.add(
                RuleId::RequiredSection,
                Pos {
                    line: section.line,
                    column: 1,
                    offset: 0,
                    len: 0,
                },
                Level::Error,
                format!("section `## {}` {verb}", section.heading),
                None,
            ),
            Some(_) => {}
        }
    }
}

/// Words that stand in for a section nobody wrote, compared without case and punctuation.
const FILLERS: &[&str] = &[
    "not written yet",
    "to be written",
    "tbd",
    "todo",
    "tba",
    "n a",
    "na",
    "wip",
    "coming soon",
    "fill in",
    "placeholder",
    "to do",
    "later",
];

/// The text of a section that holds nothing but a filler (`_Not written yet._`, `TBD`,
/// `N/A`, `...`), as written.
fn filler(section: &crate::review::document::Section) -> Option<String> {
    let visible = crate::review::document::strip_guides(&section.text);
    let visible = visible.trim();
    if visible.is_empty() || visible.len() > 40 {
        return None;
    }
    let words: String = visible
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    // `...`, `-`, `…` stand in for text; an emoji or a symbol alone might be an answer.
    let dots = visible
        .chars()
        .all(|c| matches!(c, '.' | '-' | '…' | '–' | '—' | '_' | '*' | ' '));
    (FILLERS.contains(&words.as_str()) || dots).then(|| visible.to_string())
}

const PLACEHOLDERS: &[&str] = &["TODO", "TBD", "FIXME", "???", "<fill in>", "<!-- guide:"];

/// A quick test before looking for each placeholder as a word: whether any is in `line`
/// (one pass for all six, where a test per marker would be six).
fn may_hold_placeholder(line: &str) -> bool {
    static ANY: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new(PLACEHOLDERS).expect("placeholder markers")
    });
    ANY.is_match(line)
}

/// Visible leftovers in the body (outside code) and in front-matter text.
fn placeholders(findings: &mut Findings, texts: &[Spanned<&str>], lines: &[BodyLine]) {
    for &(line_no, offset, line) in lines.iter().filter(|(_, _, l)| may_hold_placeholder(l)) {
        for marker in PLACEHOLDERS {
            if let Some(col) = find_word(line, marker) {
                let what = if *marker == "<!-- guide:" {
                    "template guidance"
                } else {
                    "placeholder"
                };
                findings.add(
                    RuleId::Placeholder,
                    Pos { line: line_no, column: line[..col].chars().count() + 1, offset: offset + col, len: marker.len() },
                    Level::Error,
                    format!("{what} `{marker}` left in a review past draft"),
                    Some(if *marker == "<!-- guide:" { "write the section, then delete the guidance comment".into() } else { "replace it with the real content, or move the review back to `status: draft`".into() }),
                );
            }
        }
    }
    for text in texts.iter().filter(|t| may_hold_placeholder(t.value)) {
        for marker in &PLACEHOLDERS[..5] {
            if find_word(text.value, marker).is_some() {
                findings.add(
                    RuleId::Placeholder,
                    text.pos,
                    Level::Error,
                    format!("placeholder `{marker}` left in a review past draft"),
                    None,
                );
            }
        }
    }
}

fn draft_markers(findings: &mut Findings, lines: &[BodyLine]) {
    for &(line_no, offset, line) in lines.iter().filter(|(_, _, l)| l.contains('<')) {
        if let Some(col) = line.find("<!-- pirt:draft") {
            findings.add(
                RuleId::UnreviewedDraft,
                Pos { line: line_no, column: line[..col].chars().count() + 1, offset: offset + col, len: "<!-- pirt:draft".len() },
                Level::Error,
                "an AI draft is still marked as unreviewed".into(),
                Some("read and edit the drafted text, then delete the `<!-- pirt:draft ... -->` and `<!-- /pirt:draft -->` lines".into()),
            );
        }
    }
}

/// The byte offset of `marker` in `line` where it is not part of a longer word.
fn find_word(line: &str, marker: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = line[from..].find(marker) {
        let at = from + i;
        let before = line[..at].chars().next_back();
        let after = line[at + marker.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let alnum_marker = marker.chars().all(|c| c.is_alphanumeric());
        if !alnum_marker || (!word(before) && !word(after)) {
            return Some(at);
        }
        from = at + marker.len();
    }
    None
}

#[cfg(test)]
mod tests;
