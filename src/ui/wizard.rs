//! The questions `pirt new` asks on a terminal: each answer checked as it is typed, a way
//! back to the previous question, and a summary with the lifecycle and its durations where
//! any answer can be changed before the review is written. Answers given as flags are not
//! asked, but shown in the summary.

mod ask;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::env::Clock;
use crate::review::edit::format_timestamp;
use crate::review::time::{Timestamp, show, since_start};
use crate::review::{DetectionMethod, EntryKind, Review, TimelineEntry, entry_kind};
use crate::scaffold::{
    AnswerClock, Given, clean_list, detection, impact, lifecycle_rows, lifecycle_window,
};
use ask::{BACK, Question, Reply, Terminal};

/// How the questions are asked.
pub struct Setup<'a> {
    pub config: &'a Config,
    /// Services of past reviews, offered for completion.
    pub known_services: Vec<String>,
    pub clock: Clock,
    pub color: bool,
    /// A terminal rustyline cannot edit on (`TERM=dumb`): plain lines, checked one by one.
    pub plain: bool,
}

/// Asks every answer not `given` and returns the answers as a review (id, status and body
/// are the caller's). Ctrl-C is an error: nothing is to be written.
pub fn ask(setup: Setup, given: Given) -> anyhow::Result<Review> {
    let wizard = Wizard {
        rules: Rules {
            config: setup.config,
            clock: setup.clock,
        },
        known_services: setup.known_services,
        color: setup.color,
        plain: setup.plain,
    };
    wizard.run(given)
}

/// The questions of the wizard, in the order asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Title,
    Severity,
    Services,
    Tags,
    Authors,
    Started,
    Detected,
    Acknowledged,
    Mitigated,
    Resolved,
    Detection,
    DetectionSource,
    Impact,
    Users,
    Commander,
    Trigger,
}

use Field::*;

const FIELDS: [Field; 16] = [
    Title,
    Severity,
    Services,
    Tags,
    Authors,
    Started,
    Detected,
    Acknowledged,
    Mitigated,
    Resolved,
    Detection,
    DetectionSource,
    Impact,
    Users,
    Commander,
    Trigger,
];

const LIFECYCLE: [Field; 5] = [Started, Detected, Acknowledged, Mitigated, Resolved];

impl Field {
    fn index(self) -> usize {
        FIELDS
            .iter()
            .position(|f| *f == self)
            .expect("every field is listed")
    }

    fn prompt(self) -> &'static str {
        match self {
            Title => "Title:",
            Severity => "Severity:",
            Services => "Affected services:",
            Tags => "Tags:",
            Authors => "Authors:",
            Started => "Impact started at:",
            Detected => "Detected at (first alert or report):",
            Acknowledged => "Acknowledged at (a responder took it):",
            Mitigated => "Mitigated at (user impact stopped):",
            Resolved => "Resolved at (incident closed):",
            Detection => "How was it detected?",
            DetectionSource => "Detection source:",
            Impact => "Impact in one sentence:",
            Users => "Users affected:",
            Commander => "Incident commander:",
            Trigger => "Trigger:",
        }
    }

    /// The name in the summary (and, for the lifecycle, in messages).
    fn label(self) -> &'static str {
        match self {
            Title => "title",
            Severity => "severity",
            Services => "services",
            Tags => "tags",
            Authors => "authors",
            Started => "started",
            Detected => "detected",
            Acknowledged => "acknowledged",
            Mitigated => "mitigated",
            Resolved => "resolved",
            Detection => "detected by",
            DetectionSource => "source",
            Impact => "impact",
            Users => "users affected",
            Commander => "commander",
            Trigger => "trigger",
        }
    }
}

/// A timeline entry as typed.
#[derive(Clone, Debug, Default)]
struct RawEntry {
    time: String,
    text: String,
    kind: String,
}

/// Every answer as typed (a flag's value counts as typed). Times are kept as text, so that
/// `+7m` follows a changed start.
#[derive(Clone, Debug, Default)]
struct Draft {
    values: [String; 16],
    entries: Vec<RawEntry>,
}

impl Draft {
    fn get(&self, field: Field) -> &str {
        &self.values[field.index()]
    }
}

/// Where the wizard is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Ask(Field),
    EntryTime(usize),
    EntryText(usize),
    EntryKind(usize),
    Summary,
}

/// How answers are read: shared by the questions (on Enter) and the summary.
#[derive(Clone, Copy)]
struct Rules<'a> {
    config: &'a Config,
    clock: Clock,
}

impl<'a> Rules<'a> {
    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The lifecycle clock after the answers before `upto`; a wrong earlier answer is
    /// skipped (the summary reports it).
    fn lifecycle_clock(&self, draft: &Draft, upto: Field) -> AnswerClock {
        let mut clock = AnswerClock::lifecycle(self.config.zone, self.now());
        for field in LIFECYCLE.iter().take_while(|f| **f != upto) {
            let value = draft.get(*field);
            if !value.trim().is_empty() {
                let _ = clock.take_as(value, field.label());
            }
        }
        clock
    }

    /// The timeline clock after the entries before `upto`.
    fn entry_clock(&self, draft: &Draft, upto: usize) -> AnswerClock {
        let lifecycle = self.resolve(draft).0;
        let mut clock =
            AnswerClock::timeline(self.config.zone, lifecycle_window(&lifecycle), self.now());
        for entry in draft.entries.iter().take(upto) {
            let _ = clock.take(&entry.time);
        }
        clock
    }

    fn severity_scale(&self) -> String {
        self.config
            .severity
            .iter()
            .map(|s| {
                if s.aliases.is_empty() {
                    s.id.clone()
                } else {
                    format!("{} ({})", s.id, s.aliases.join(", "))
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Checks the answer to `step`: the echo to show, or why it is refused.
    fn check(&self, draft: &Draft, step: Step, input: &str) -> Result<Option<String>, String> {
        let text = input.trim();
        let zone = self.config.zone;
        match step {
            Step::Ask(Title) if text.is_empty() => Err("a title is needed".into()),
            Step::Ask(Severity) => {
                if text.is_empty() {
                    return Err(format!(
                        "a severity is needed; the scale: {}",
                        self.severity_scale()
                    ));
                }
                match self.config.severity(text) {
                    Some(level) if level.description.is_empty() => Ok(Some(level.id.clone())),
                    Some(level) => Ok(Some(format!("{} ({})", level.id, level.description))),
                    None => Err(format!(
                        "no match for `{text}`; the scale: {}",
                        self.severity_scale()
                    )),
                }
            }
            Step::Ask(field @ (Started | Detected | Acknowledged | Mitigated | Resolved)) => {
                if text.is_empty() {
                    return if field == Started {
                        Err("a time is needed here".into())
                    } else {
                        Ok(None)
                    };
                }
                let clock = self.lifecycle_clock(draft, field);
                let ts = clock.peek(text)?;
                let started = (field != Started)
                    .then(|| self.resolve_time(draft, Started))
                    .flatten();
                Ok(Some(echo(&ts, started.as_ref(), zone)))
            }
            Step::Ask(Detection) if !text.is_empty() => {
                let lower = text.to_ascii_lowercase();
                if DetectionMethod::parse(&lower).is_some() {
                    Ok(None)
                } else {
                    Err(format!(
                        "no match for `{text}`; one of: {} (enter to skip)",
                        DetectionMethod::NAMES.join(", ")
                    ))
                }
            }
            Step::Ask(Users) => {
                let digits = text.replace([',', '_'], "");
                if digits.is_empty() || digits.parse::<u64>().is_ok() {
                    Ok(None)
                } else {
                    Err("write a whole number, e.g. 4200 (enter to skip)".into())
                }
            }
            Step::Ask(_) => Ok(None),
            Step::EntryTime(n) => {
                if text.is_empty() {
                    return Ok(None);
                }
                let ts = self.entry_clock(draft, n).peek(text)?;
                let started = self.resolve_time(draft, Started);
                Ok(Some(echo(&ts, started.as_ref(), zone)))
            }
            Step::EntryText(_) if text.is_empty() => Err("describe the event".into()),
            Step::EntryText(_) => Ok(None),
            Step::EntryKind(_) if text.is_empty() => Ok(None),
            Step::EntryKind(_) => entry_kind(text).map(|_| None).map_err(|_| {
                format!(
                    "no match for `{text}`; one of: {}",
                    EntryKind::NAMES.join(", ")
                )
            }),
            Step::Summary => Ok(None),
        }
    }

    fn resolve_time(&self, draft: &Draft, field: Field) -> Option<Timestamp> {
        let value = draft.get(field);
        if value.trim().is_empty() {
            return None;
        }
        self.lifecycle_clock(draft, field).peek(value).ok()
    }

    /// Every answer read, and what is wrong, in the order asked.
    fn resolve(&self, draft: &Draft) -> (Review, Vec<(Step, String)>) {
        let mut errors = Vec::new();
        let mut value = |field: Field| -> Option<String> {
            let text = draft.get(field).trim();
            if let Err(e) = self.check(draft, Step::Ask(field), text) {
                errors.push((Step::Ask(field), e));
                return None;
            }
            (!text.is_empty()).then(|| text.to_string())
        };
        let title = value(Title).unwrap_or_default();
        let severity = value(Severity)
            .filter(|s| self.config.severity(s).is_some())
            .map(|s| self.config.severity.resolve(&s))
            .unwrap_or_default();
        let list = |text: Option<String>| text.map(|t| clean_list(&[t])).unwrap_or_default();
        let services = list(value(Services));
        let tags = list(value(Tags));
        let authors = list(value(Authors));
        let mut time = |field: Field| value(field).and(self.resolve_time(draft, field));
        let started_at = time(Started);
        let detected_at = time(Detected);
        let acknowledged_at = time(Acknowledged);
        let mitigated_at = time(Mitigated);
        let resolved_at = time(Resolved);
        let detection_method =
            value(Detection).and_then(|m| DetectionMethod::parse(&m.to_ascii_lowercase()));
        let detection_source = value(DetectionSource).filter(|_| detection_method.is_some());
        let impact_summary = value(Impact);
        let users_affected = value(Users).and_then(|n| n.replace([',', '_'], "").parse().ok());
        let incident_commander = value(Commander);
        let trigger = value(Trigger);
        let mut answers = Review {
            title,
            severity,
            services,
            tags,
            authors,
            incident_commander,
            started_at,
            detected_at,
            acknowledged_at,
            mitigated_at,
            resolved_at,
            detection: detection(detection_method, detection_source),
            impact: impact(impact_summary, users_affected),
            trigger,
            ..Review::default()
        };
        let mut clock =
            AnswerClock::timeline(self.config.zone, lifecycle_window(&answers), self.now());
        for (n, entry) in draft.entries.iter().enumerate() {
            let at = match clock.take(&entry.time) {
                Ok(at) => at,
                Err(e) => {
                    errors.push((Step::EntryTime(n), e));
                    continue;
                }
            };
            if entry.text.trim().is_empty() {
                errors.push((Step::EntryText(n), "describe the event".into()));
                continue;
            }
            let kind = if entry.kind.trim().is_empty() {
                EntryKind::Note
            } else {
                match entry_kind(&entry.kind) {
                    Ok(kind) => kind,
                    Err(e) => {
                        errors.push((Step::EntryKind(n), e));
                        continue;
                    }
                }
            };
            answers.timeline.push(TimelineEntry {
                at,
                kind,
                text: entry.text.trim().to_string(),
                source: None,
            });
        }
        answers.timeline.sort_by_key(|e| e.at);
        (answers, errors)
    }
}

/// `2026-12-01 00:05 UTC (+55m after start)`.
fn echo(ts: &Timestamp, started: Option<&Timestamp>, zone: chrono_tz::Tz) -> String {
    match started {
        Some(started) => format!("{} ({})", show(ts, zone), since_start(ts, started)),
        None => show(ts, zone),
    }
}

/// The interactive questions.
struct Wizard<'a> {
    rules: Rules<'a>,
    known_services: Vec<String>,
    color: bool,
    plain: bool,
}

impl<'a> Wizard<'a> {
    fn run(&self, given: Given) -> anyhow::Result<Review> {
        let (mut draft, given, ask_entries) = Self::from_given(given)?;
        let asked: Vec<Field> = FIELDS
            .iter()
            .copied()
            .filter(|f| !given.contains(f))
            .collect();
        let mut term = Terminal::open(self.color, self.plain)?;
        term.say(&format!(
            "Answer each question; {BACK} goes back to the previous one, Ctrl-C quits without writing."
        ));
        let mut step = asked.first().map_or(Step::Summary, |f| Step::Ask(*f));
        if step == Step::Summary && ask_entries {
            step = Step::EntryTime(0);
        }
        // Set when an answer is changed from the summary: return there after it.
        let mut editing = false;
        loop {
            if step == Step::Summary {
                match self.summary(&mut term, &draft)? {
                    SummaryChoice::Write(answers) => return Ok(*answers),
                    SummaryChoice::Go(to) => {
                        step = to;
                        editing = true;
                    }
                    SummaryChoice::Back => {
                        step = self
                            .back(Step::Summary, &asked, &draft, ask_entries)
                            .unwrap_or(Step::Summary);
                    }
                }
                continue;
            }
            if step == Step::EntryTime(0) && draft.entries.is_empty() && !editing {
                term.say("Timeline: add what happened, in any order (pirt sorts it). Enter an empty time to finish.");
            }
            let question = self.question(&draft, step);
            match term.ask(question)? {
                // From a question opened in the summary, back is the summary.
                Reply::Back if editing => {
                    step = Step::Summary;
                    editing = false;
                }
                Reply::Back => match self.back(step, &asked, &draft, ask_entries) {
                    Some(to) => step = to,
                    None => term.say("  (this is the first question)"),
                },
                Reply::Answer(answer) => {
                    let answer = self.keep(&draft, step, answer);
                    step = self.store(&mut draft, step, answer, &asked, ask_entries, editing);
                    if step == Step::Summary {
                        editing = false;
                    }
                }
            }
        }
    }

    /// Flags as the draft's first answers; which fields they gave; whether to ask for
    /// timeline entries (not when `--event` gave some).
    fn from_given(opts: Given) -> anyhow::Result<(Draft, Vec<Field>, bool)> {
        let mut draft = Draft::default();
        let mut given = Vec::new();
        let mut set = |field: Field, value: Option<String>| {
            if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
                draft.values[field.index()] = value;
                given.push(field);
            }
        };
        let joined = |items: &[String]| (!items.is_empty()).then(|| clean_list(items).join(", "));
        set(Title, opts.title);
        set(Severity, opts.severity);
        set(Services, joined(&opts.services));
        set(Tags, joined(&opts.tags));
        set(Authors, joined(&opts.authors));
        set(Started, opts.started);
        set(Detected, opts.detected);
        set(Acknowledged, opts.acknowledged);
        set(Mitigated, opts.mitigated);
        set(Resolved, opts.resolved);
        set(Detection, opts.detection);
        set(DetectionSource, opts.detection_source);
        set(Impact, opts.impact);
        set(Users, opts.users_affected.map(|n| n.to_string()));
        set(Commander, opts.commander);
        set(Trigger, opts.trigger);
        for event in &opts.events {
            let parts: Vec<&str> = event.splitn(3, '|').map(str::trim).collect();
            let entry = match parts.as_slice() {
                [time, kind, text] => RawEntry {
                    time: time.to_string(),
                    kind: kind.to_string(),
                    text: text.to_string(),
                },
                [time, text] => RawEntry {
                    time: time.to_string(),
                    kind: "note".into(),
                    text: text.to_string(),
                },
                _ => anyhow::bail!(
                    "--event `{event}`: write \"TIME | KIND | TEXT\" or \"TIME | TEXT\""
                ),
            };
            draft.entries.push(entry);
        }
        Ok((draft, given, opts.events.is_empty()))
    }

    /// `now` is stored as the time it was typed, not the time the review is written.
    fn keep(&self, draft: &Draft, step: Step, answer: String) -> String {
        let is_time = matches!(step, Step::EntryTime(_))
            || matches!(step, Step::Ask(f) if LIFECYCLE.contains(&f));
        if is_time && answer.trim().eq_ignore_ascii_case("now") {
            let clock = match step {
                Step::EntryTime(n) => self.rules.entry_clock(draft, n),
                Step::Ask(f) => self.rules.lifecycle_clock(draft, f),
                _ => unreachable!("a time step"),
            };
            if let Ok(ts) = clock.peek("now") {
                return format_timestamp(&ts);
            }
        }
        answer
    }

    /// Whether `field` is asked at all now (the detection source only after a method).
    fn applies(draft: &Draft, field: Field) -> bool {
        field != DetectionSource || !draft.get(Detection).trim().is_empty()
    }

    /// Stores an answer and says where to go next.
    fn store(
        &self,
        draft: &mut Draft,
        step: Step,
        answer: String,
        asked: &[Field],
        ask_entries: bool,
        editing: bool,
    ) -> Step {
        let after_fields = || {
            if ask_entries && !editing {
                Step::EntryTime(draft.entries.len())
            } else {
                Step::Summary
            }
        };
        match step {
            Step::Ask(field) => {
                draft.values[field.index()] = answer.trim().to_string();
                if editing {
                    return Step::Summary;
                }
                let at = asked
                    .iter()
                    .position(|f| *f == field)
                    .unwrap_or(asked.len());
                match asked[at + 1..].iter().find(|f| Self::applies(draft, **f)) {
                    Some(next) => Step::Ask(*next),
                    None => after_fields(),
                }
            }
            Step::EntryTime(n) => {
                let time = answer.trim().to_string();
                if time.is_empty() {
                    if n < draft.entries.len() {
                        draft.entries.remove(n);
                    }
                    return Step::Summary;
                }
                if n >= draft.entries.len() {
                    draft.entries.push(RawEntry {
                        time,
                        ..RawEntry::default()
                    });
                } else {
                    draft.entries[n].time = time;
                }
                Step::EntryText(n.min(draft.entries.len() - 1))
            }
            Step::EntryText(n) => {
                draft.entries[n].text = answer.trim().to_string();
                Step::EntryKind(n)
            }
            Step::EntryKind(n) => {
                draft.entries[n].kind = answer.trim().to_string();
                if editing {
                    Step::Summary
                } else {
                    Step::EntryTime(n + 1)
                }
            }
            Step::Summary => Step::Summary,
        }
    }

    /// The question before `step`, if there is one.
    fn back(&self, step: Step, asked: &[Field], draft: &Draft, ask_entries: bool) -> Option<Step> {
        let last_field = |before: usize| {
            asked[..before]
                .iter()
                .rev()
                .find(|f| Self::applies(draft, **f))
                .map(|f| Step::Ask(*f))
        };
        match step {
            Step::Ask(field) => last_field(asked.iter().position(|f| *f == field)?),
            Step::EntryTime(0) => last_field(asked.len()),
            Step::EntryTime(n) => Some(Step::EntryKind(n - 1)),
            Step::EntryText(n) => Some(Step::EntryTime(n)),
            Step::EntryKind(n) => Some(Step::EntryText(n)),
            Step::Summary if ask_entries => Some(Step::EntryTime(draft.entries.len())),
            Step::Summary => last_field(asked.len()),
        }
    }

    fn question(&self, draft: &Draft, step: Step) -> Question<'a> {
        let rules = self.rules;
        let snapshot = draft.clone();
        let check: ask::Check<'a> =
            Box::new(move |input: &str| rules.check(&snapshot, step, input));
        let back = format!("{BACK} goes back");
        let zone = &self.rules.config.timezone;
        let time_help = |skip: bool| {
            format!(
                "e.g. 14:32, 2:32 PM, 2026-11-20 14:32, 14:32 UTC, now, or +15m after the time before; zone {zone}{}; {back}",
                if skip { "; enter to skip" } else { "" }
            )
        };
        let (prompt, help, choices, initial): (String, String, Vec<String>, String) = match step {
            Step::Ask(field) => {
                let help = match field {
                    Title => format!(
                        "what users saw, e.g. \"Checkout errors after connection-pool change\"; {back}"
                    ),
                    Severity => {
                        let mut lines: Vec<String> = rules
                            .config
                            .severity
                            .iter()
                            .map(|s| {
                                format!(
                                    "{:<5} {:<22} {}",
                                    s.id,
                                    s.aliases.join(", "),
                                    s.description
                                )
                                .trim_end()
                                .to_string()
                            })
                            .collect();
                        lines.push(format!("an id or alias, any case; Tab completes; {back}"));
                        lines.join("\n  ")
                    }
                    Services if self.known_services.is_empty() => {
                        format!("comma-separated, e.g. checkout-api, orders-db; {back}")
                    }
                    Services => format!(
                        "comma-separated; seen before: {}; Tab completes; {back}",
                        self.known_services
                            .iter()
                            .take(8)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    Tags => format!(
                        "comma-separated, e.g. database, config-change (enter to skip); {back}"
                    ),
                    Authors => format!(
                        "who writes this review, comma-separated, e.g. ana.lopez, li.wei (enter to skip); {back}"
                    ),
                    Started => time_help(false),
                    Detected | Acknowledged | Mitigated | Resolved => time_help(true),
                    Detection => format!(
                        "{} (enter to skip); Tab completes; {back}",
                        DetectionMethod::NAMES.join(", ")
                    ),
                    DetectionSource => {
                        format!("the alert's name, the ticket, who noticed (enter to skip); {back}")
                    }
                    Impact => format!(
                        "e.g. About 12% of checkout requests failed with HTTP 503 (enter to skip); {back}"
                    ),
                    Users => format!("a number (enter to skip); {back}"),
                    Commander => format!("enter to skip; {back}"),
                    Trigger => format!(
                        "the change or event that set it off, if known (enter to skip); {back}"
                    ),
                };
                let choices: Vec<String> = match field {
                    Severity => rules
                        .config
                        .severity
                        .iter()
                        .flat_map(|s| std::iter::once(s.id.clone()).chain(s.aliases.clone()))
                        .collect(),
                    Services => self.known_services.clone(),
                    Detection => DetectionMethod::NAMES
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                    _ => Vec::new(),
                };
                (
                    field.prompt().to_string(),
                    help,
                    choices,
                    draft.get(field).to_string(),
                )
            }
            Step::EntryTime(n) => {
                let help = if n < draft.entries.len() {
                    format!("{}; an empty time removes this entry", time_help(false))
                } else {
                    format!("{}; an empty time ends the timeline", time_help(false))
                };
                let initial = draft
                    .entries
                    .get(n)
                    .map(|e| e.time.clone())
                    .unwrap_or_default();
                ("Entry time:".into(), help, Vec::new(), initial)
            }
            Step::EntryText(n) => (
                "What happened:".into(),
                format!("one line; {back}"),
                Vec::new(),
                draft.entries[n].text.clone(),
            ),
            Step::EntryKind(n) => (
                "Kind:".into(),
                format!(
                    "{} (enter for note); Tab completes; {back}",
                    EntryKind::NAMES.join(", ")
                ),
                EntryKind::NAMES.iter().map(|s| s.to_string()).collect(),
                draft.entries[n].kind.clone(),
            ),
            Step::Summary => unreachable!("the summary has its own question"),
        };
        Question {
            prompt,
            help,
            initial,
            choices,
            check,
        }
    }

    /// Shows every answer with the lifecycle and its durations, and asks whether to write.
    fn summary(&self, term: &mut Terminal<'a>, draft: &Draft) -> anyhow::Result<SummaryChoice> {
        let rules = self.rules;
        let zone = rules.config.zone;
        let (answers, errors) = rules.resolve(draft);
        let error_of = |step: Step| {
            errors
                .iter()
                .find(|(s, _)| *s == step)
                .map(|(_, e)| e.clone())
        };
        let rows = lifecycle_rows(&answers);
        let mut lines = vec![
            String::new(),
            "Before writing, check the answers:".to_string(),
        ];
        let mut items: Vec<Step> = Vec::new();
        for field in FIELDS {
            items.push(Step::Ask(field));
            let shown = match error_of(Step::Ask(field)) {
                Some(e) => format!("✗ {} — {e}", draft.get(field)),
                None => match field {
                    Severity => rules
                        .config
                        .severity
                        .of(&answers.severity)
                        .map(|l| format!("{} {}", l.id, l.description))
                        .unwrap_or_default(),
                    f if LIFECYCLE.contains(&f) => {
                        let row = &rows[LIFECYCLE.iter().position(|l| *l == f).unwrap_or(0)];
                        format!("{:<24} {}", row.time(zone), row.metric_text())
                    }
                    Users => answers
                        .impact
                        .as_ref()
                        .and_then(|i| i.users_affected)
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                    Services => answers.services.join(", "),
                    Tags => answers.tags.join(", "),
                    Authors => answers.authors.join(", "),
                    _ => draft.get(field).to_string(),
                },
            };
            let shown = if shown.trim().is_empty() {
                "—".to_string()
            } else {
                shown
            };
            lines.push(format!(
                "  {:>2}  {:<15} {}",
                items.len(),
                field.label(),
                shown.trim_end()
            ));
        }
        lines.push("      timeline".into());
        if draft.entries.is_empty() {
            lines.push("        (no entries; `+` adds one)".into());
        }
        let started = answers.started_at;
        let mut clock = AnswerClock::timeline(zone, lifecycle_window(&answers), rules.now());
        for (n, entry) in draft.entries.iter().enumerate() {
            items.push(Step::EntryTime(n));
            let when = match clock.take(&entry.time) {
                Ok(at) => match &started {
                    Some(s) => format!("{} ({})", show(&at, zone), since_start(&at, s)),
                    None => show(&at, zone),
                },
                Err(e) => format!("✗ {} — {e}", entry.time),
            };
            let kind = if entry.kind.trim().is_empty() {
                "note"
            } else {
                entry.kind.trim()
            };
            lines.push(format!(
                "  {:>2}  {when}  {kind}: {}",
                items.len(),
                entry.text
            ));
            for step in [Step::EntryText(n), Step::EntryKind(n)] {
                if let Some(e) = error_of(step) {
                    lines.push(format!("      ✗ {e}"));
                }
            }
        }
        for line in lines {
            term.say(&line);
        }
        let count = items.len();
        let check: ask::Check<'a> = Box::new(move |input: &str| {
            let text = input.trim();
            if text.is_empty() {
                // With answers marked ✗, Enter goes to the first of them.
                return Ok(None);
            }
            if text == "+" {
                return Ok(None);
            }
            match text.parse::<usize>() {
                Ok(n) if (1..=count).contains(&n) => Ok(None),
                _ => Err(format!(
                    "type a number from 1 to {count} to change that answer, + to add a timeline entry, {BACK} to go back, or press Enter to write"
                )),
            }
        });
        let help = if errors.is_empty() {
            format!(
                "Enter writes the review; a number changes that answer; + adds a timeline entry; {BACK} goes back"
            )
        } else {
            format!(
                "{} answer(s) marked ✗ need a change; Enter goes to the first; a number changes that answer; {BACK} goes back",
                errors.len()
            )
        };
        let reply = term.ask(Question {
            prompt: "Write the review?".into(),
            help,
            initial: String::new(),
            choices: Vec::new(),
            check,
        })?;
        let text = match reply {
            Reply::Back => return Ok(SummaryChoice::Back),
            Reply::Answer(text) => text.trim().to_string(),
        };
        if text.is_empty() {
            return Ok(match errors.first() {
                None => SummaryChoice::Write(Box::new(answers)),
                Some((step, e)) => {
                    term.say(&format!("  ✗ {e}"));
                    SummaryChoice::Go(*step)
                }
            });
        }
        if text == "+" {
            return Ok(SummaryChoice::Go(Step::EntryTime(draft.entries.len())));
        }
        let n: usize = text.parse().unwrap_or(1);
        let to = items[n.clamp(1, count) - 1];
        if let Some(e) = errors
            .iter()
            .find(|(s, _)| *s == to || same_entry(*s, to))
            .map(|(_, e)| e)
        {
            term.say(&format!("  ✗ {e}"));
        }
        Ok(SummaryChoice::Go(to))
    }
}

fn same_entry(a: Step, b: Step) -> bool {
    let n = |s: Step| match s {
        Step::EntryTime(n) | Step::EntryText(n) | Step::EntryKind(n) => Some(n),
        _ => None,
    };
    n(a).is_some() && n(a) == n(b)
}

enum SummaryChoice {
    Write(Box<Review>),
    Go(Step),
    Back,
}
