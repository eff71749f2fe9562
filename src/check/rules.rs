//! The single-file rules.

use std::path::Path;

use chrono::{Datelike, NaiveDate};

use crate::check::blameless::Matcher;
use crate::check::{Kind, Reference, Run, Summary, level_for};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Level};
use crate::review::document::Layout;
use crate::review::edit::format_timestamp;
use crate::review::problem::parse_problem;
use crate::review::time::parse_rfc3339;
use crate::review::yaml::{Node, Pos, Value};
use crate::review::{ActionStatus, Review, Status, parse_review};
use crate::rule_id::RuleId;

/// Collects the findings of one file, applying the configured levels.
pub(super) struct Findings<'a> {
    config: &'a Config,
    path: &'a Path,
    status: Option<Status>,
    pub out: Vec<Diagnostic>,
}

impl<'a> Findings<'a> {
    pub fn add(
        &mut self,
        rule: RuleId,
        pos: Pos,
        natural: Level,
        message: String,
        hint: Option<String>,
    ) {
        if let Some(level) = level_for(self.config, rule, self.status, natural) {
            let mut d = Diagnostic::new(self.path, pos, level, rule, message);
            d.hint = hint;
            self.out.push(d);
        }
    }

    /// Re-levels a finding made while parsing.
    fn relevel(&mut self, mut d: Diagnostic) {
        if let Some(level) = level_for(self.config, d.rule, self.status, d.level) {
            d.level = level;
            self.out.push(d);
        }
    }
}

const START: Pos = Pos {
    line: 1,
    column: 1,
    offset: 0,
    len: 0,
};

pub(super) fn check_file(
    config: &Config,
    blameless: &Matcher,
    path: &Path,
    kind: Kind,
    run: &Run,
) -> anyhow::Result<Checked> {
    use anyhow::Context;
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    let limit = config.check.max_file_mb.saturating_mul(1024 * 1024);
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
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
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
    let mut out = findings.out;
    let fixable = match kind {
        Kind::Review => fixable(config, blameless, path, text, &judged, &out),
        Kind::Problem => 0,
    };
    out.iter_mut().for_each(|d| d.attach_snippet(text));
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
    let parsed = parse_review(findings.path, text, findings.config);
    let review = &parsed.review;
    let has_status = parsed
        .front_matter
        .as_ref()
        .is_some_and(|r| r.get("status").is_some());
    // `--as STATUS` judges the review as if it had that status.
    findings.status = run.as_status.or(has_status.then_some(review.status));
    for d in parsed.diagnostics.iter().cloned() {
        findings.relevel(d);
    }
    let (Some(root), Some(layout)) = (&parsed.front_matter, &parsed.layout) else {
        return (None, 0);
    };
    let status = run.as_status.unwrap_or(review.status);
    // The body is split into lines once, for the rules that read it line by line.
    let lines: Vec<BodyLine> = body_lines(text, layout).collect();
    let file = FileView {
        blameless,
        root,
        layout,
        review,
        text,
        lines: &lines,
    };
    file.rules(findings, status, run);
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
        id: root
            .get("id")
            .and_then(|n| Some(reference(n.as_str()?, n.pos))),
        related: match root.get("related").map(|n| &n.value) {
            Some(Value::Seq(items)) => items
                .iter()
                .filter_map(|n| Some(reference(n.as_str()?, n.pos)))
                .collect(),
            _ => Vec::new(),
        },
        problem: root
            .get("problem")
            .and_then(|n| Some(reference(n.as_str()?, n.pos))),
    };
    (Some(summary), escalating)
}

/// A parsed review, as the status-dependent rules read it.
struct FileView<'a> {
    blameless: &'a Matcher,
    root: &'a Node,
    layout: &'a Layout,
    review: &'a Review,
    text: &'a str,
    lines: &'a [BodyLine<'a>],
}

impl FileView<'_> {
    fn rules(&self, findings: &mut Findings, status: Status, run: &Run) {
        let today = run.today;
        let (root, review) = (self.root, self.review);
        chronology(findings, root, review);
        implausible_times(findings, root, review, run.now);
        timeline_order(findings, root, review);
        action_items(findings, root, review, today);
        problem_link(findings, root, review);
        self.status_rules(findings, status);
        self.blameless
            .check(findings, root, review, self.text, self.lines);
    }

    /// The rules that find different things at different statuses (not only at another
    /// level): what is required, and what may stay in a draft.
    fn status_rules(&self, findings: &mut Findings, status: Status) {
        required_fields(findings, self.root, status);
        required_sections(findings, self.review, self.layout, status);
        if status != Status::Draft {
            placeholders(findings, self.root, self.lines);
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
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if let Some(rest) = line.strip_prefix("id:") {
            let column = 4 + (rest.len() - rest.trim_start().len());
            return Pos {
                line: i + 1,
                column,
                offset: offset + column - 1,
                len: id.len(),
            };
        }
        offset += line.len();
    }
    START
}

/// The node at a dotted path (`impact.summary`), with the key's position.
fn lookup<'n>(root: &'n Node, path: &str) -> (Option<&'n Node>, Option<Pos>) {
    let mut node = root;
    let mut key_pos = None;
    for part in path.split('.') {
        match node.entry(part) {
            Some((key, value)) => {
                key_pos = Some(key.pos);
                node = value;
            }
            None => return (None, key_pos),
        }
    }
    (Some(node), key_pos)
}

fn is_blank(node: &Node) -> bool {
    match &node.value {
        Value::Null => true,
        Value::Str(s) => s.trim().is_empty(),
        Value::Seq(items) => items.is_empty(),
        Value::Map(entries) => entries.iter().all(|(_, v)| is_blank(v)),
        _ => false,
    }
}

fn required_fields(findings: &mut Findings, root: &Node, status: Status) {
    let fields = findings
        .config
        .check
        .required_fields
        .get(status.as_str())
        .cloned()
        .unwrap_or_default();
    for field in fields {
        let (node, key_pos) = lookup(root, &field);
        if node.is_some_and(|n| !is_blank(n)) {
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
        let hint = format!("set `{field}` in the front matter{}", example_of(&field));
        findings.add(
            RuleId::RequiredField,
            key_pos.unwrap_or(START),
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

fn chronology(findings: &mut Findings, root: &Node, review: &Review) {
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
            let pos = root.get(name).map_or(START, |n| n.pos);
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
    root: &Node,
    review: &Review,
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
    .filter_map(|(key, ts)| {
        Some((
            ts?,
            root.get(key).map_or(START, |n| n.pos),
            format!("`{key}`").into(),
        ))
    })
    .collect();
    if let Some(Value::Seq(items)) = root.get("timeline").map(|n| &n.value) {
        for item in items {
            if let Some(node) = item.get("at")
                && let Some(at) = node.as_str().and_then(|s| parse_rfc3339(s).ok())
            {
                times.push((
                    at,
                    node.pos,
                    std::borrow::Cow::Borrowed("the timeline entry"),
                ));
            }
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
                root.get(field).map_or(START, |n| n.pos),
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

fn timeline_order(findings: &mut Findings, root: &Node, review: &Review) {
    let Some(Value::Seq(items)) = root.get("timeline").map(|n| &n.value) else {
        return;
    };
    let mut previous: Option<crate::review::Timestamp> = None;
    for item in items {
        let Some(at_node) = item.get("at") else {
            continue;
        };
        let Some(at) = at_node.as_str().and_then(|s| parse_rfc3339(s).ok()) else {
            continue;
        };
        let kind = item.get("kind").and_then(Node::as_str).unwrap_or("note");
        if let Some(prev) = previous
            && at < prev
        {
            findings.add(
                RuleId::TimelineOrder,
                at_node.pos,
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
            && !matches!(kind, "trigger" | "note")
        {
            findings.add(
                RuleId::TimelineOrder,
                at_node.pos,
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
            && !matches!(kind, "communication" | "note" | "resolution")
        {
            findings.add(
                RuleId::TimelineOrder,
                at_node.pos,
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
fn enough_action_items(findings: &mut Findings, root: &Node, review: &Review) {
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
    let pos = root
        .entry("action_items")
        .map(|(k, _)| k.pos)
        .or_else(|| root.get("severity").map(|n| n.pos))
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

fn action_items(findings: &mut Findings, root: &Node, review: &Review, today: NaiveDate) {
    enough_action_items(findings, root, review);
    let Some(Value::Seq(items)) = root.get("action_items").map(|n| &n.value) else {
        return;
    };
    let deadline_days = findings
        .config
        .severity
        .of(&review.severity)
        .and_then(|s| s.action_item_days);
    for item in items {
        if !matches!(item.value, Value::Map(_)) {
            continue;
        }
        let id = item.get("id").and_then(Node::as_str).unwrap_or("(no id)");
        let status = item.get("status").and_then(Node::as_str).unwrap_or("open");
        // An unknown status is a schema error; it is judged as an open item, never overdue.
        let parsed = ActionStatus::parse(status);
        let pos = item.get("id").map_or(item.pos, |n| n.pos);
        let needed: &[(&str, &str)] = match parsed {
            Some(ActionStatus::WontDo) => &[],
            Some(ActionStatus::Done) => &[("owner", "owner"), ("type", "type")],
            _ => &[
                ("owner", "owner"),
                ("type", "type"),
                ("due", "due date"),
                ("tracker", "tracker"),
            ],
        };
        let missing: Vec<(&str, &str)> = needed
            .iter()
            .copied()
            .filter(|(key, _)| item.get(key).is_none_or(is_blank))
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
        if !parsed.is_some_and(ActionStatus::is_open) {
            continue;
        }
        let due = item
            .get("due")
            .and_then(Node::as_str)
            .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok());
        match (due, deadline_days, review.started_at) {
            (Some(due), _, _) if due < today => findings.add(
                RuleId::ActionItemOverdue,
                item.get("due").map_or(pos, |n| n.pos),
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

fn problem_link(findings: &mut Findings, root: &Node, review: &Review) {
    let requires = findings
        .config
        .severity
        .of(&review.severity)
        .is_some_and(|s| s.requires_problem);
    let linked = root.get("problem").is_some_and(|n| !is_blank(n));
    if requires && !linked {
        let pos = root.get("severity").map_or(START, |n| n.pos);
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

/// A quick test before looking for each placeholder: every one contains one of these.
fn may_hold_placeholder(line: &str) -> bool {
    line.contains(['T', 'F', '?', '<'])
}

/// Visible leftovers in the body (outside code) and in front-matter text.
fn placeholders(findings: &mut Findings, root: &Node, lines: &[BodyLine]) {
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
    walk_strings(root, &mut |node, value| {
        if !may_hold_placeholder(value) {
            return;
        }
        for marker in &PLACEHOLDERS[..5] {
            if find_word(value, marker).is_some() {
                findings.add(
                    RuleId::Placeholder,
                    node.pos,
                    Level::Error,
                    format!("placeholder `{marker}` left in a review past draft"),
                    None,
                );
            }
        }
    });
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

/// A body line outside code blocks: line number, byte offset in the file, text.
pub(super) type BodyLine<'t> = (usize, usize, &'t str);

/// Body lines outside fenced code blocks: (line number, byte offset, text).
pub(super) fn body_lines<'t>(
    text: &'t str,
    layout: &Layout,
) -> impl Iterator<Item = (usize, usize, &'t str)> {
    let mut offset = layout.body_start;
    let mut fence: Option<&'static str> = None;
    text[layout.body_start..]
        .split_inclusive('\n')
        .enumerate()
        .filter_map(move |(i, raw)| {
            let start = offset;
            offset += raw.len();
            let line = raw.trim_end_matches(['\n', '\r']);
            let trimmed = line.trim_start();
            if let Some(marker) = fence {
                if trimmed.starts_with(marker) {
                    fence = None;
                }
                return None;
            }
            if trimmed.starts_with("```") {
                fence = Some("```");
                return None;
            }
            if trimmed.starts_with("~~~") {
                fence = Some("~~~");
                return None;
            }
            Some((layout.body_first_line + i, start, line))
        })
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

/// Calls `f` on every string value in the tree.
pub(super) fn walk_strings(node: &Node, f: &mut dyn FnMut(&Node, &str)) {
    match &node.value {
        Value::Str(s) => f(node, s),
        Value::Seq(items) => items.iter().for_each(|n| walk_strings(n, f)),
        Value::Map(entries) => entries.iter().for_each(|(_, v)| walk_strings(v, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_matched_whole() {
        assert_eq!(find_word("a TODO here", "TODO"), Some(2));
        assert_eq!(find_word("TODOS", "TODO"), None);
        assert_eq!(find_word("what ???", "???"), Some(5));
    }
}
