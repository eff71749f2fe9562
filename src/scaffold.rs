//! Creating a new review: the answers of `pirt new`, the next free id, the file name, and
//! past reviews that look alike.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::Datelike;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use crate::assets;
use crate::config::Config;
pub use crate::review::clock::AnswerClock;
use crate::review::edit::format_timestamp;
use crate::review::time::{human_duration, show};
use crate::review::{Detection, DetectionMethod, Impact, Review, TimelineEntry, Timestamp};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The answers given as flags (`pirt new "Title" --severity SEV2 ...`), as typed.
#[derive(Clone, Debug, Default)]
pub struct Given {
    pub title: Option<String>,
    pub severity: Option<String>,
    pub services: Vec<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub commander: Option<String>,
    pub started: Option<String>,
    pub detected: Option<String>,
    pub acknowledged: Option<String>,
    pub mitigated: Option<String>,
    pub resolved: Option<String>,
    pub detection: Option<String>,
    pub detection_source: Option<String>,
    pub impact: Option<String>,
    pub users_affected: Option<u64>,
    pub trigger: Option<String>,
    /// `TIME | KIND | TEXT` or `TIME | TEXT`.
    pub events: Vec<String>,
}

/// How a detection answer is kept: `None` when neither the method nor the source is known.
pub fn detection(method: Option<DetectionMethod>, source: Option<String>) -> Option<Detection> {
    (method.is_some() || source.is_some()).then_some(Detection { method, source })
}

/// How an impact answer is kept: `None` when neither the summary nor the count is known.
pub fn impact(summary: Option<String>, users_affected: Option<u64>) -> Option<Impact> {
    (summary.is_some() || users_affected.is_some()).then(|| Impact {
        summary,
        users_affected,
        ..Impact::default()
    })
}

/// What scaffold templates see as `review`: the answers, flat, by the names templates in
/// `.pirt/templates/` use (`review.detection_method`, `review.impact_summary`, ...).
#[derive(Serialize)]
struct Answers<'a> {
    title: &'a str,
    severity: &'a str,
    services: &'a [String],
    tags: &'a [String],
    authors: &'a [String],
    incident_commander: Option<&'a str>,
    started_at: Option<Timestamp>,
    detected_at: Option<Timestamp>,
    acknowledged_at: Option<Timestamp>,
    mitigated_at: Option<Timestamp>,
    resolved_at: Option<Timestamp>,
    detection_method: Option<&'static str>,
    detection_source: Option<&'a str>,
    impact_summary: Option<&'a str>,
    users_affected: Option<u64>,
    trigger: Option<&'a str>,
    timeline: &'a [TimelineEntry],
}

impl<'a> Answers<'a> {
    fn of(review: &'a Review) -> Self {
        let detection = review.detection.as_ref();
        let impact = review.impact.as_ref();
        Answers {
            title: &review.title,
            severity: review.severity.as_str(),
            services: &review.services,
            tags: &review.tags,
            authors: &review.authors,
            incident_commander: review.incident_commander.as_deref(),
            started_at: review.started_at,
            detected_at: review.detected_at,
            acknowledged_at: review.acknowledged_at,
            mitigated_at: review.mitigated_at,
            resolved_at: review.resolved_at,
            detection_method: detection
                .and_then(|d| d.method)
                .map(DetectionMethod::as_str),
            detection_source: detection.and_then(|d| d.source.as_deref()),
            impact_summary: impact.and_then(|i| i.summary.as_deref()),
            users_affected: impact.and_then(|i| i.users_affected),
            trigger: review.trigger.as_deref(),
            timeline: &review.timeline,
        }
    }
}

/// The incident window of lifecycle times: the start (or the earliest time) to the latest.
pub fn window(
    times: impl IntoIterator<Item = Option<Timestamp>>,
    started: Option<Timestamp>,
) -> Option<(Timestamp, Timestamp)> {
    let known: Vec<Timestamp> = times.into_iter().flatten().chain(started).collect();
    let lo = started.or_else(|| known.iter().min().copied())?;
    let hi = known.iter().max().copied()?.max(lo);
    Some((lo, hi))
}

/// One lifecycle time as `pirt new` shows it, with the metric it ends.
pub struct LifecycleRow {
    pub name: &'static str,
    pub at: Option<Timestamp>,
    /// `("TTD", seconds)`; none for the start.
    pub metric: Option<(&'static str, Option<i64>)>,
}

/// The five lifecycle times of `answers` and TTD / TTA / TTM / TTR (as `pirt render`
/// computes them).
pub fn lifecycle_rows(answers: &Review) -> [LifecycleRow; 5] {
    let m = crate::review::metrics::Metrics::of(answers);
    let row = |name, at, metric| LifecycleRow { name, at, metric };
    [
        row("started", answers.started_at, None),
        row(
            "detected",
            answers.detected_at,
            Some(("TTD", m.time_to_detect)),
        ),
        row(
            "acknowledged",
            answers.acknowledged_at,
            Some(("TTA", m.time_to_acknowledge)),
        ),
        row(
            "mitigated",
            answers.mitigated_at,
            Some(("TTM", m.time_to_mitigate)),
        ),
        row(
            "resolved",
            answers.resolved_at,
            Some(("TTR", m.time_to_resolve)),
        ),
    ]
}

/// The incident window of the lifecycle answers, for the timeline's bare times.
pub fn lifecycle_window(answers: &Review) -> Option<(Timestamp, Timestamp)> {
    window(
        [
            answers.detected_at,
            answers.acknowledged_at,
            answers.mitigated_at,
            answers.resolved_at,
        ],
        answers.started_at,
    )
}

impl LifecycleRow {
    /// `2026-11-30 23:16 UTC`, or `—` when not given.
    pub fn time(&self, zone: Tz) -> String {
        self.at
            .as_ref()
            .map_or_else(|| "—".into(), |t| show(t, zone))
    }

    /// `TTD 6m`, `TTD —`, or nothing for the start.
    pub fn metric_text(&self) -> String {
        match self.metric {
            Some((name, Some(seconds))) => format!("{name} {}", human_duration(seconds)),
            Some((name, None)) => format!("{name} —"),
            None => String::new(),
        }
    }
}

/// `TIME | KIND | TEXT` or `TIME | TEXT` (kind `note`), as given to `pirt new --event`.
pub fn parse_event(event: &str, clock: &mut AnswerClock) -> Result<TimelineEntry, String> {
    let parts: Vec<&str> = event.splitn(3, '|').map(str::trim).collect();
    let (time, kind, text) = match parts.as_slice() {
        [time, kind, text] => (*time, *kind, *text),
        [time, text] => (*time, "note", *text),
        _ => return Err("write \"TIME | KIND | TEXT\" or \"TIME | TEXT\"".into()),
    };
    let kind = crate::review::entry_kind(kind)?;
    if text.is_empty() {
        return Err("the text is empty".into());
    }
    let at = clock.take(time)?;
    Ok(TimelineEntry {
        at,
        kind,
        text: text.to_string(),
        source: None,
    })
}

fn missing(what: &str, flag: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "missing {what}: pass {flag} (pirt new only asks when standard input is a terminal and --no-input is not set)"
    )
}

/// The answers of `pirt new --no-input`: every one from its flag, checked; a missing title,
/// severity or start names its flag.
pub fn from_flags(config: &Config, given: Given, now: DateTime<Utc>) -> anyhow::Result<Review> {
    let title = given
        .title
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            missing(
                "title",
                "it as the first argument, e.g. pirt new \"Checkout errors\"",
            )
        })?;
    let severity = given
        .severity
        .ok_or_else(|| missing("severity", "--severity SEV2"))?;
    let started = given
        .started
        .ok_or_else(|| missing("start time", "--started 14:02"))?;
    let mut clock = AnswerClock::lifecycle(config.zone, now);
    let mut time = |flag: &str, value: Option<String>| -> anyhow::Result<Option<Timestamp>> {
        value
            .map(|v| {
                clock
                    .take_as(&v, flag.trim_start_matches('-'))
                    .map_err(|e| anyhow::anyhow!("{flag}: {e}"))
            })
            .transpose()
    };
    let started_at = time("--started", Some(started))?;
    let detected_at = time("--detected", given.detected)?;
    let acknowledged_at = time("--acknowledged", given.acknowledged)?;
    let mitigated_at = time("--mitigated", given.mitigated)?;
    let resolved_at = time("--resolved", given.resolved)?;
    if let Some(method) = &given.detection
        && DetectionMethod::parse(method).is_none()
    {
        anyhow::bail!(
            "--detection: unknown method `{method}`; use one of: {}",
            DetectionMethod::NAMES.join(", ")
        );
    }
    let mut answers = Review {
        title: title.trim().to_string(),
        severity: config.severity.resolve(
            &severity_id(config, &severity).map_err(|e| anyhow::anyhow!("--severity: {e}"))?,
        ),
        services: clean_list(&given.services),
        tags: clean_list(&given.tags),
        authors: clean_list(&given.authors),
        incident_commander: given.commander,
        started_at,
        detected_at,
        acknowledged_at,
        mitigated_at,
        resolved_at,
        detection: detection(
            given.detection.as_deref().and_then(DetectionMethod::parse),
            given.detection_source,
        ),
        impact: impact(given.impact, given.users_affected),
        trigger: given.trigger,
        ..Review::default()
    };
    let mut clock = AnswerClock::timeline(config.zone, lifecycle_window(&answers), now);
    answers.timeline = given
        .events
        .iter()
        .map(|event| {
            parse_event(event, &mut clock).map_err(|e| anyhow::anyhow!("--event `{event}`: {e}"))
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(answers)
}

/// Comma-separated answers and repeated flags as one list, trimmed, without duplicates.
pub fn clean_list(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items.iter().flat_map(|s| s.split(',')) {
        let item = item.trim();
        if !item.is_empty() && !out.iter().any(|o| o == item) {
            out.push(item.to_string());
        }
    }
    out
}

/// The scale's id for a severity name or alias.
pub fn severity_id(config: &Config, name: &str) -> Result<String, String> {
    config.severity(name).map(|s| s.id.clone()).ok_or_else(|| {
        format!(
            "`{name}` is not in the scale; use one of: {}",
            config.severity_names().join(", ")
        )
    })
}

/// How a scaffold template is chosen: a built-in or override name, or a path.
pub fn scaffold_asset(config: &Config, template: &str) -> anyhow::Result<assets::Asset> {
    let as_path = Path::new(template);
    if template.contains(std::path::MAIN_SEPARATOR) || template.contains('/') || as_path.is_file() {
        return assets::from_file(as_path);
    }
    let name = template.trim_end_matches(".md.j2");
    assets::template(config, &format!("{name}.md.j2")).with_context(|| {
        format!(
            "unknown template `{template}`; built-ins are {}, or give a path",
            assets::SCAFFOLDS.join(", ")
        )
    })
}

/// Renders the new review's text with a scaffold template.
pub fn render_new(
    config: &Config,
    template: &assets::Asset,
    id: &str,
    answers: &Review,
) -> anyhow::Result<String> {
    let scaffold = assets::Asset {
        name: "scaffold.md".into(),
        ..template.clone()
    };
    let env = crate::render::environment_with(config, false, &scaffold)
        .with_context(|| format!("scaffold template {} is not valid", template.name))?;
    let ts = |t: &Option<Timestamp>| t.as_ref().map(format_timestamp);
    let timeline: Vec<_> = answers
        .timeline
        .iter()
        .map(|e| context! { at => format_timestamp(&e.at), kind => e.kind.as_str(), text => e.text.as_str() })
        .collect();
    let ctx = context! {
        id => id,
        review => Serde(Answers::of(answers)),
        started_at => ts(&answers.started_at),
        detected_at => ts(&answers.detected_at),
        acknowledged_at => ts(&answers.acknowledged_at),
        mitigated_at => ts(&answers.mitigated_at),
        resolved_at => ts(&answers.resolved_at),
        timeline => timeline,
        severity => Serde(config.severity.of(&answers.severity)),
    };
    let text = env
        .get_template("scaffold.md")?
        .render(ctx)
        .with_context(|| format!("rendering scaffold template {}", template.name))?;
    // A template (or an answer) must never produce a file pirt cannot read back.
    let parsed = crate::review::parse_review(Path::new(&template.name), &text, config);
    if let Some(d) = parsed
        .diagnostics
        .iter()
        .find(|d| d.level == crate::diagnostic::Level::Error)
    {
        anyhow::bail!(
            "the scaffold template {} produced an invalid review ({}:{}: {}); nothing was written",
            template.name,
            d.line,
            d.column,
            d.message
        );
    }
    Ok(text)
}

/// The next free id for `format` (`PIR-{year}-{seq:03}`) given the ids in use.
pub fn next_id<'a>(format: &str, year: i32, used: impl IntoIterator<Item = &'a str>) -> String {
    let format = format.replace("{year}", &year.to_string());
    let start = format.find("{seq").unwrap_or(format.len());
    let end = format[start..]
        .find('}')
        .map_or(format.len(), |i| start + i + 1);
    let width: usize = format[start..end]
        .trim_start_matches("{seq")
        .trim_start_matches(':')
        .trim_end_matches('}')
        .parse()
        .unwrap_or(0);
    let (prefix, suffix) = (&format[..start], &format[end..]);
    let max = used
        .into_iter()
        .filter_map(|id| {
            id.strip_prefix(prefix)?
                .strip_suffix(suffix)?
                .parse::<u64>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    format!("{prefix}{:0width$}{suffix}", max + 1)
}

/// A file-name slug: ASCII, lower case, words joined by hyphens, at most 60 characters.
pub fn slug(title: &str) -> String {
    slug_or(title, "incident")
}

/// The slug of `title`, or `fallback` when the title has no letters or digits.
pub fn slug_or(title: &str, fallback: &str) -> String {
    let ascii = deunicode::deunicode(title).to_ascii_lowercase();
    let mut out = String::new();
    for word in ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if out.len() + word.len() + 1 > 60 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    if out.is_empty() { fallback.into() } else { out }
}

/// `postmortems/YYYY-MM-DD-slug.md`, with `-2`, `-3`... when that name is taken.
pub fn free_path(dir: &Path, date: chrono::NaiveDate, title: &str) -> PathBuf {
    let stem = format!("{}-{}", date.format("%Y-%m-%d"), slug(title));
    let mut path = dir.join(format!("{stem}.md"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem}-{n}.md"));
        n += 1;
    }
    path
}

/// The id a new review gets: the next sequence number for the incident's year, counting
/// `used`, the ids of every file in the reviews folder (broken ones too).
pub fn allocate_id<'a>(
    config: &Config,
    started: Option<Timestamp>,
    used: impl Iterator<Item = &'a str>,
) -> String {
    let year = started.map_or_else(
        || chrono::Utc::now().year(),
        |t| t.with_timezone(&config.zone).year(),
    );
    next_id(&config.ids.review, year, used)
}

#[cfg(test)]
mod tests {
    use super::*;

    use chrono::TimeZone;

    fn ts(text: &str) -> Timestamp {
        crate::review::time::parse_rfc3339(text).unwrap()
    }

    /// Issue 11, item 3: the Redis outage of 2026-11-30, answered at 00:30 the next night.
    #[test]
    fn lifecycle_answers_are_nearest_the_previous_and_never_in_the_future() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 30, 0).unwrap();
        let mut clock = AnswerClock::lifecycle(chrono_tz::UTC, now);
        assert_eq!(
            clock.take_as("23:10", "started").unwrap(),
            ts("2026-11-30T23:10:00Z")
        );
        assert_eq!(
            clock.take_as("23:16", "detected").unwrap(),
            ts("2026-11-30T23:16:00Z")
        );
        // The typo: 23:05 after 23:16 was silently the next day (TTA 23h 49m).
        let typo = clock.peek("23:05").unwrap_err();
        assert_eq!(
            typo,
            "2026-11-30 23:05 UTC is 11m before detected (2026-11-30 23:16 UTC); the lifecycle runs started ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved"
        );
        let future = clock.peek("08:00").unwrap_err();
        assert_eq!(
            future,
            "that is 2026-12-01 08:00 UTC, in the future (it is now 2026-12-01 00:30 UTC); pirt takes times up to 5 minutes ahead"
        );
        assert!(
            clock
                .peek("2026-12-01 23:05")
                .unwrap_err()
                .contains("in the future")
        );
        assert!(clock.peek("+2h").unwrap_err().contains("in the future"));
        assert_eq!(clock.peek("00:34").unwrap(), ts("2026-12-01T00:34:00Z"));
        assert_eq!(
            clock.take_as("23:20", "acknowledged").unwrap(),
            ts("2026-11-30T23:20:00Z")
        );
        assert_eq!(
            clock.take_as("00:05", "mitigated").unwrap(),
            ts("2026-12-01T00:05:00Z")
        );
        assert_eq!(
            clock.take_as("+20m", "resolved").unwrap(),
            ts("2026-12-01T00:25:00Z")
        );
    }

    #[test]
    fn timeline_answers_are_nearest_the_incident_then_the_entry_before() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let start = ts("2026-11-30T23:10:00Z");
        let incident = window([None, Some(ts("2026-11-30T23:40:00Z"))], Some(start));
        assert_eq!(incident, Some((start, ts("2026-11-30T23:40:00Z"))));
        let mut clock = AnswerClock::timeline(chrono_tz::UTC, incident, now);
        assert_eq!(clock.take("00:05").unwrap(), ts("2026-12-01T00:05:00Z"));
        // Each later row is nearest the one before: a long outage keeps going forward.
        for (typed, stored) in [
            ("06:00", "2026-12-01T06:00:00Z"),
            ("+3h", "2026-12-01T09:00:00Z"),
            ("08:50", "2026-12-01T08:50:00Z"),
        ] {
            assert_eq!(clock.take(typed).unwrap(), ts(stored), "{typed}");
        }
        assert!(clock.peek("10:00").unwrap_err().contains("in the future"));
        // No lifecycle at all: the latest occurrence not in the future.
        let mut bare = AnswerClock::timeline(chrono_tz::UTC, None, now);
        assert_eq!(bare.take("10:00").unwrap(), ts("2026-11-30T10:00:00Z"));
        assert_eq!(window([None], None), None);
    }

    #[test]
    fn next_id_counts_per_year_and_keeps_padding() {
        let used = ["PIR-2026-001", "PIR-2026-014", "PIR-2025-099", "OTHER"];
        assert_eq!(next_id("PIR-{year}-{seq:03}", 2026, used), "PIR-2026-015");
        assert_eq!(next_id("PIR-{year}-{seq:03}", 2027, used), "PIR-2027-001");
        assert_eq!(next_id("PRB-{seq:04}", 2026, ["PRB-0007"]), "PRB-0008");
        assert_eq!(next_id("INC{seq}", 2026, ["INC9"]), "INC10");
    }

    #[test]
    fn slugs_are_ascii_and_short() {
        assert_eq!(
            slug("Checkout errors after connection-pool change"),
            "checkout-errors-after-connection-pool-change"
        );
        assert_eq!(
            slug("Störung: Zahlungsdienst überlastet!"),
            "storung-zahlungsdienst-uberlastet"
        );
        assert_eq!(slug("???"), "incident");
        assert_eq!(slug_or("!!!", "problem"), "problem");
        assert!(slug(&"word ".repeat(40)).len() <= 60);
    }
}
