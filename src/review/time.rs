//! Timestamps: strict RFC 3339 in files, looser forms where people type them.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime,
    Offset, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;

/// A timestamp with the offset it was written with.
pub type Timestamp = DateTime<FixedOffset>;

/// How far ahead of now a typed time may lie: clocks drift, and `now` is typed a little
/// before the moment it names. Later times are refused as typos.
pub const FUTURE_TOLERANCE_MINUTES: i64 = 5;

/// What a bare clock time (`00:05`, no date) is the nearest occurrence of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reference {
    /// Nothing known yet: the latest occurrence not in the future (at 00:30, `23:50` is
    /// last evening).
    Now,
    /// The previous answer of a sequence (`00:10` after `23:50` is the next day).
    Point(Timestamp),
    /// The incident, from its start to its last known time.
    Window(Timestamp, Timestamp),
}

/// What a loose time is interpreted against.
#[derive(Clone, Debug)]
pub struct TimeContext {
    /// The zone for times written without one.
    pub zone: Tz,
    /// What a bare clock time lies nearest to.
    pub reference: Reference,
    /// The time `+15m` counts from.
    pub previous: Option<Timestamp>,
    /// "now", injected so that tests are repeatable.
    pub now: DateTime<Utc>,
}

impl TimeContext {
    pub fn new(zone: Tz, now: DateTime<Utc>) -> Self {
        TimeContext {
            zone,
            reference: Reference::Now,
            previous: None,
            now,
        }
    }
}

/// Parses an RFC 3339 timestamp, the only form stored in files.
pub fn parse_rfc3339(text: &str) -> Result<Timestamp, String> {
    DateTime::parse_from_rfc3339(text.trim()).map_err(|e| {
        if parse_date_time(text.trim()).is_some() {
            "timestamp has no offset".to_string()
        } else {
            format!("not an RFC 3339 timestamp ({e})")
        }
    })
}

pub const FORMS: &str = "14:32, 2:32 PM, yesterday 23:50, 2026-11-20 14:32, 14:32 Europe/Berlin, +15m, now, or RFC 3339";

/// Parses the forms people type: `14:32`, `14:32:05`, `2026-11-20 14:32`,
/// `2026-11-20T14:32`, any of these followed by a zone name (`Europe/Berlin`, `UTC`) or an
/// offset (`+01:00`, `Z`), `+15m` / `+1h30m` after `ctx.previous`, `now`, and RFC 3339.
pub fn parse_loose(input: &str, ctx: &TimeContext) -> Result<Timestamp, String> {
    parse_loose_any(input, ctx).and_then(storable)
}

/// A time as files store it: RFC 3339 has four-digit years and offsets in whole minutes.
/// Local mean time before a zone's first standard offset (Berlin before 1893 was +00:53:28)
/// is shown at the offset rounded toward zero to whole minutes: the same instant.
fn storable(ts: Timestamp) -> Result<Timestamp, String> {
    // chrono reads `23:59:60` as a leap second, which RFC 3339 text cannot carry back.
    if ts.nanosecond() >= 1_000_000_000 {
        return Err("a leap second (:60) cannot be stored; use :59".into());
    }
    if !(0..=9999).contains(&ts.year()) {
        return Err(format!(
            "year {} is out of range; a timestamp has a four-digit year",
            ts.year()
        ));
    }
    let seconds = ts.offset().local_minus_utc();
    if seconds % 60 == 0 {
        return Ok(ts);
    }
    let whole = FixedOffset::east_opt(seconds - seconds % 60).expect("smaller than the original");
    let ts = ts.with_timezone(&whole);
    if (0..=9999).contains(&ts.year()) {
        Ok(ts)
    } else {
        Err("time out of range".into())
    }
}

fn parse_loose_any(input: &str, ctx: &TimeContext) -> Result<Timestamp, String> {
    let text = input.trim();
    if text.is_empty() {
        return Err(format!("empty time; write {FORMS}"));
    }
    if text.eq_ignore_ascii_case("now") {
        let now = ctx.now.with_timezone(&ctx.zone).fixed_offset();
        // Whole seconds: a timeline has no use for nanoseconds.
        return Ok(now.with_nanosecond(0).unwrap_or(now));
    }
    if let Some(duration) = text.strip_prefix('+') {
        let base = ctx
            .previous
            .ok_or("`+DURATION` needs an earlier time to count from")?;
        let span = humantime::parse_duration(duration.trim())
            .map_err(|e| format!("bad duration `{duration}`: {e}"))?;
        let span = Duration::from_std(span).map_err(|_| "duration too large".to_string())?;
        return base
            .checked_add_signed(span)
            .ok_or_else(|| "time out of range".to_string());
    }
    if let Ok(ts) = DateTime::parse_from_rfc3339(text) {
        return Ok(ts);
    }
    // `today 14:32`, `yesterday 23:50`: a day relative to now in the configured zone.
    for (word, days_back) in [("today ", 0), ("yesterday ", 1)] {
        if let Some(rest) = strip_prefix_ignore_case(text, word) {
            let today = ctx.now.with_timezone(&ctx.zone).date_naive();
            return parse_clock_in(rest.trim(), ctx, Some(today - Duration::days(days_back)));
        }
    }
    parse_clock_in(text, ctx, None)
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Whether `input` is a clock time without a date (`00:05`, `2:30 PM`, `14:32 UTC`): the
/// form whose day pirt chooses.
pub fn is_bare_clock(input: &str) -> bool {
    let (clock, _) = split_zone(input.trim());
    parse_clock(clock).is_some()
}

/// A trailing zone name or offset, separated by a space (`2:30 PM` is a clock time).
fn split_zone(text: &str) -> (&str, Option<&str>) {
    match text.rsplit_once(' ') {
        Some((head, tail)) if looks_like_zone(tail) && parse_clock(text).is_none() => {
            (head.trim(), Some(tail))
        }
        _ => (text, None),
    }
}

/// A date-time, or a clock time on `day` or (without one) on the day that `ctx.reference`
/// chooses, with an optional zone.
fn parse_clock_in(
    text: &str,
    ctx: &TimeContext,
    day: Option<NaiveDate>,
) -> Result<Timestamp, String> {
    let (clock, zone) = split_zone(text);
    let zone = match zone {
        Some(name) => ZoneSpec::parse(name)?,
        None => ZoneSpec::Named(ctx.zone),
    };
    if let Some(naive) = parse_date_time(clock) {
        return zone.resolve(naive);
    }
    if let Some(time) = parse_clock(clock) {
        return match day {
            Some(date) => zone.resolve(date.and_time(time)),
            None => nearest(clock, time, &zone, ctx),
        };
    }
    Err(match explain(clock) {
        Some(why) => format!("`{clock}`: {why}"),
        None => format!("cannot read `{text}` as a time; write {FORMS}"),
    })
}

/// The occurrence of a bare clock time that `ctx.reference` chooses: among the days around
/// the reference (in the clock's zone), the one whose instant is nearest to it. A window
/// is at distance zero from every instant inside it; two occurrences inside it (an incident
/// longer than a day) make the time ambiguous, and it is refused.
fn nearest(
    clock: &str,
    time: NaiveTime,
    zone: &ZoneSpec,
    ctx: &TimeContext,
) -> Result<Timestamp, String> {
    let (lo, hi) = match ctx.reference {
        Reference::Now => return latest_not_future(time, zone, ctx),
        Reference::Point(p) => (p, p),
        Reference::Window(a, b) => (a.min(b), a.max(b)),
    };
    let out_of_range = || "date out of range".to_string();
    let first = zone.date_of(lo).pred_opt().ok_or_else(out_of_range)?;
    let last = zone.date_of(hi).succ_opt().ok_or_else(out_of_range)?;
    let ambiguous = |could: &str| {
        format!(
            "`{clock}` is ambiguous: the incident runs from {} to {}, so it could be {could}; write the date",
            show(&lo, ctx.zone),
            show(&hi, ctx.zone)
        )
    };
    if (last - first).num_days() > 7 {
        return Err(ambiguous("any of those days"));
    }
    let (from, to) = (lo.with_timezone(&Utc), hi.with_timezone(&Utc));
    let mut best: Option<(i64, NaiveDateTime)> = None;
    let mut inside: Vec<NaiveDateTime> = Vec::new();
    let mut date = first;
    while date <= last {
        let naive = date.and_time(time);
        let at = zone.approximate(naive);
        let distance = if at < from {
            (from - at).num_seconds()
        } else if at > to {
            (at - to).num_seconds()
        } else {
            inside.push(naive);
            0
        };
        if best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, naive));
        }
        date = date.succ_opt().ok_or_else(out_of_range)?;
    }
    if inside.len() > 1 {
        let could: Vec<String> = inside
            .iter()
            .map(|n| n.format("%Y-%m-%d %H:%M").to_string())
            .collect();
        return Err(ambiguous(&could.join(" or ")));
    }
    let (_, naive) = best.ok_or_else(out_of_range)?;
    zone.resolve(naive)
}

/// With nothing to go by, a bare time is its latest occurrence that is not in the future.
fn latest_not_future(
    time: NaiveTime,
    zone: &ZoneSpec,
    ctx: &TimeContext,
) -> Result<Timestamp, String> {
    let limit = ctx.now + Duration::minutes(FUTURE_TOLERANCE_MINUTES);
    let today = zone.date_of(limit.fixed_offset());
    let naive = today.and_time(time);
    if zone.approximate(naive) <= limit {
        return zone.resolve(naive);
    }
    let before = today.pred_opt().ok_or("date out of range")?;
    zone.resolve(before.and_time(time))
}

fn looks_like_zone(s: &str) -> bool {
    if s.eq_ignore_ascii_case("am") || s.eq_ignore_ascii_case("pm") {
        return false;
    }
    s.contains('/')
        || s.eq_ignore_ascii_case("utc")
        || s.eq_ignore_ascii_case("z")
        || s.starts_with('+')
        || (s.starts_with('-') && s.len() > 1 && s[1..].starts_with(|c: char| c.is_ascii_digit()))
        || s.chars().all(|c| c.is_ascii_uppercase()) && s.len() >= 2 && s.len() <= 5
}

enum ZoneSpec {
    Named(Tz),
    Fixed(FixedOffset),
}

impl ZoneSpec {
    fn parse(name: &str) -> Result<Self, String> {
        if name.eq_ignore_ascii_case("z") || name.eq_ignore_ascii_case("utc") {
            return Ok(ZoneSpec::Fixed(
                FixedOffset::east_opt(0).expect("zero offset"),
            ));
        }
        if name.starts_with(['+', '-']) {
            let probe = format!("2000-01-01T00:00:00{name}");
            return DateTime::parse_from_rfc3339(&probe)
                .map(|d| ZoneSpec::Fixed(*d.offset()))
                .map_err(|_| format!("bad offset `{name}`; write it as +01:00"));
        }
        name.parse::<Tz>().map(ZoneSpec::Named).map_err(|_| {
            format!("unknown time zone `{name}`; use an IANA name such as Europe/Berlin")
        })
    }

    fn date_of(&self, ts: Timestamp) -> NaiveDate {
        match self {
            ZoneSpec::Fixed(offset) => ts.with_timezone(offset).date_naive(),
            ZoneSpec::Named(tz) => ts.with_timezone(tz).date_naive(),
        }
    }

    /// The instant of a wall time, also for one the clocks skipped (at the offset in force
    /// just before): good enough to compare distances.
    fn approximate(&self, naive: NaiveDateTime) -> DateTime<Utc> {
        let offset = match self {
            ZoneSpec::Fixed(offset) => *offset,
            ZoneSpec::Named(tz) => match tz.from_local_datetime(&naive) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.offset().fix(),
                LocalResult::None => tz.offset_from_utc_datetime(&naive).fix(),
            },
        };
        Utc.from_utc_datetime(&(naive - Duration::seconds(offset.local_minus_utc().into())))
    }

    fn resolve(&self, naive: NaiveDateTime) -> Result<Timestamp, String> {
        match self {
            ZoneSpec::Fixed(offset) => match offset.from_local_datetime(&naive) {
                LocalResult::Single(t) => Ok(t),
                _ => Err("time out of range".into()),
            },
            ZoneSpec::Named(tz) => match tz.from_local_datetime(&naive) {
                LocalResult::Single(t) => Ok(t.fixed_offset()),
                // A clock turned back: the same wall time happened twice; take the first.
                LocalResult::Ambiguous(first, _) => Ok(first.fixed_offset()),
                LocalResult::None => Err(format!(
                    "{naive} does not exist in {tz} (the clocks skipped it); add an offset"
                )),
            },
        }
    }
}

pub(crate) fn parse_date_time(text: &str) -> Option<NaiveDateTime> {
    const FORMATS: [&str; 4] = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ];
    FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
}

fn parse_clock(text: &str) -> Option<NaiveTime> {
    const FORMATS: [&str; 5] = ["%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%I:%M%p"];
    // `9 am` / `9pm`: an hour alone, before AM or PM.
    let lower = text.to_ascii_lowercase();
    let hour_only = lower
        .strip_suffix("am")
        .or_else(|| lower.strip_suffix("pm"))
        .map(str::trim)
        .filter(|h| !h.is_empty() && h.len() <= 2 && h.chars().all(|c| c.is_ascii_digit()));
    let text = match hour_only {
        Some(hour) => format!("{hour}:00 {}", &lower[lower.len() - 2..]),
        None => text.to_string(),
    };
    let time = FORMATS
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(&text, f).ok())?;
    // chrono accepts a leap second (`23:59:60`); a timeline has no use for it.
    (time.nanosecond() < 1_000_000_000).then_some(time)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Why `text`, shaped like a date and/or a clock time, is none: "hour 25 is out of range
/// (00–23)", "November has 30 days". `None` when it is not shaped like one, or when every
/// number is in range (then the generic message lists the forms).
fn explain(text: &str) -> Option<String> {
    let text = text.trim();
    let (date, clock) = match text.split_once([' ', 'T', 't']) {
        Some((date, clock)) if date.contains('-') => (Some(date), Some(clock.trim())),
        None if text.contains('-') && !text.contains(':') => (Some(text), None),
        _ => (None, Some(text)),
    };
    if let Some(date) = date {
        let parts = numbers(date, '-')?;
        let [year, month, day] = parts.as_slice() else {
            return None;
        };
        let (year, month, day) = (i32::try_from(*year).ok()?, *month, *day);
        if !(1..=12).contains(&month) {
            return Some(format!("month {month} is out of range (01–12)"));
        }
        let first = NaiveDate::from_ymd_opt(year, month as u32, 1)?;
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, month as u32 + 1, 1)?
        };
        let days = (next - first).num_days() as u64;
        if day == 0 {
            return Some("day 0 is out of range; days start at 01".into());
        }
        if day > days {
            return Some(if month == 2 && day == 29 {
                format!("{year}-02-29: {year} is not a leap year")
            } else {
                format!("{} has {days} days", MONTHS[month as usize - 1])
            });
        }
    }
    let Some(clock) = clock else {
        return date
            .map(|d| format!("a date alone is not a time; add the time of day, e.g. `{d} 14:32`"));
    };
    let lower = clock.to_ascii_lowercase();
    let (clock, twelve) = match lower
        .strip_suffix("am")
        .or_else(|| lower.strip_suffix("pm"))
    {
        Some(rest) => (rest.trim(), true),
        None => (lower.as_str(), false),
    };
    // An RFC 3339 tail (`Z`, `+01:00`, `.5`) is not what went wrong.
    let end = clock
        .find(|c: char| !(c.is_ascii_digit() || c == ':'))
        .unwrap_or(clock.len());
    let (clock, tail) = clock.split_at(end);
    let tail_ok = tail.is_empty()
        || tail == "z"
        || tail.starts_with('.')
        || (tail.starts_with(['+', '-']) && tail.len() > 1);
    if !tail_ok {
        return None;
    }
    let parts = numbers(clock, ':')?;
    if twelve && parts.len() <= 3 && !(1..=12).contains(&parts[0]) {
        return Some(format!(
            "hour {} is out of range for a 12-hour clock (1–12)",
            parts[0]
        ));
    }
    match parts.as_slice() {
        [hour, ..] if !twelve && *hour > 23 && parts.len() >= 2 && parts.len() <= 3 => {
            Some(format!("hour {hour} is out of range (00–23)"))
        }
        [_, minute, ..] if *minute > 59 && parts.len() <= 3 => {
            Some(format!("minute {minute} is out of range (00–59)"))
        }
        [_, _, 60] => Some("a leap second (:60) cannot be stored; use :59".into()),
        [_, _, second] if *second > 60 => Some(format!("second {second} is out of range (00–59)")),
        _ => None,
    }
}

/// `2026-11-20` → [2026, 11, 20]; `None` unless every part is a number.
fn numbers(text: &str, separator: char) -> Option<Vec<u64>> {
    text.split(separator)
        .map(|p| {
            (!p.is_empty() && p.len() <= 6 && p.chars().all(|c| c.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        })
        .collect()
}

/// A time as people read it, in `zone`: `2026-12-01 00:05 CET` (seconds when there are).
pub fn show(ts: &Timestamp, zone: Tz) -> String {
    let local = ts.with_timezone(&zone);
    let format = if local.second() == 0 {
        "%Y-%m-%d %H:%M %Z"
    } else {
        "%Y-%m-%d %H:%M:%S %Z"
    };
    local.format(format).to_string()
}

/// Where `ts` lies from the incident's start: `+55m after start`, `10m before start`.
pub fn since_start(ts: &Timestamp, started: &Timestamp) -> String {
    let seconds = (*ts - *started).num_seconds();
    match seconds {
        0 => "at start".into(),
        s if s > 0 => format!("+{} after start", human_duration(s)),
        s => format!("{} before start", human_duration(-s)),
    }
}

/// Parses a calendar date (`2026-12-15`), as used for action-item due dates.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date; write it as YYYY-MM-DD"))
}

/// A duration as people read it, in the one format of pirt's pages (`1d 0h 11m`).
pub use crate::review::duration::duration as human_duration;

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(zone: &str) -> TimeContext {
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap();
        TimeContext::new(zone.parse().unwrap(), now)
    }

    fn loose(input: &str, ctx: &TimeContext) -> String {
        parse_loose(input, ctx).unwrap().to_rfc3339()
    }

    /// Found by the loose_time fuzz target (tests/fixtures/fuzz/loose_time/): chrono reads
    /// `-11-2-1` as year −11, and zones before standard time have offsets with seconds;
    /// neither could be written to a file and read back.
    #[test]
    fn typed_times_are_always_storable() {
        let c = ctx("Europe/Berlin");
        let err = parse_loose("-11-2-1   14:32", &c).unwrap_err();
        assert!(err.contains("year -11 is out of range"), "{err}");
        assert!(parse_loose("12026-01-01 10:00", &c).is_err());
        let leap = parse_loose("2026-06-30 23:59:60", &c).unwrap_err();
        assert!(leap.contains("leap second"), "{leap}");
        let lmt = parse_loose("1850-06-01 12:00", &c).unwrap();
        assert_eq!(lmt.offset().local_minus_utc(), 53 * 60);
        let stored = crate::review::edit::format_timestamp(&lmt);
        assert_eq!(stored, "1850-06-01T11:59:32+00:53");
        assert_eq!(parse_rfc3339(&stored).unwrap(), lmt);
    }

    #[test]
    fn bare_times_use_the_configured_zone_and_date() {
        let c = ctx("Europe/Berlin");
        assert_eq!(loose("14:32", &c), "2026-11-20T14:32:00+01:00");
        assert_eq!(loose("14:32:05", &c), "2026-11-20T14:32:05+01:00");
        assert_eq!(loose("2026-07-01 09:00", &c), "2026-07-01T09:00:00+02:00");
        assert_eq!(loose("2026-07-01T09:00", &c), "2026-07-01T09:00:00+02:00");
    }

    #[test]
    fn explicit_zones_and_offsets_win() {
        let c = ctx("UTC");
        assert_eq!(
            loose("14:32 Europe/Berlin", &c),
            "2026-11-20T14:32:00+01:00"
        );
        assert_eq!(
            loose("10:32 America/New_York", &c),
            "2026-11-20T10:32:00-05:00"
        );
        assert_eq!(
            loose("2026-11-20 14:32 +05:30", &c),
            "2026-11-20T14:32:00+05:30"
        );
        assert_eq!(loose("14:32 UTC", &c), "2026-11-20T14:32:00+00:00");
        assert_eq!(
            loose("2026-11-20T14:32:00-08:00", &c),
            "2026-11-20T14:32:00-08:00"
        );
    }

    #[test]
    fn relative_times_count_from_the_previous_answer() {
        let mut c = ctx("UTC");
        assert!(
            parse_loose("+15m", &c)
                .unwrap_err()
                .contains("earlier time")
        );
        c.previous = Some(parse_rfc3339("2026-11-20T14:02:00Z").unwrap());
        assert_eq!(loose("+15m", &c), "2026-11-20T14:17:00+00:00");
        assert_eq!(loose("+1h30m", &c), "2026-11-20T15:32:00+00:00");
        assert_eq!(loose("now", &c), "2026-11-20T18:00:00+00:00");
    }

    #[test]
    fn today_yesterday_and_future_clock_times() {
        let c = ctx("UTC"); // now: 2026-11-20 18:00 UTC
        assert_eq!(loose("yesterday 23:50", &c), "2026-11-19T23:50:00+00:00");
        assert_eq!(loose("Today 09:15", &c), "2026-11-20T09:15:00+00:00");
        // 19:00 has not happened yet today: the incident was yesterday evening.
        assert_eq!(loose("19:00", &c), "2026-11-19T19:00:00+00:00");
    }

    #[test]
    fn twelve_hour_clocks_and_zones_in_a_sequence() {
        let mut c = ctx("UTC");
        assert_eq!(loose("2:30 PM", &c), "2026-11-20T14:30:00+00:00");
        assert_eq!(loose("9 am", &c), "2026-11-20T09:00:00+00:00");
        assert!(parse_loose("23:59:60", &c).is_err());
        c.zone = "Europe/Berlin".parse().unwrap();
        c.reference = Reference::Point(parse_rfc3339("2026-11-21T00:30:00+01:00").unwrap());
        assert_eq!(loose("23:40 UTC", &c), "2026-11-20T23:40:00+00:00");
    }

    fn at(text: &str) -> Timestamp {
        parse_rfc3339(text).unwrap()
    }

    /// Issue 11, item 2: a Redis outage started 2026-11-30 23:10; `00:05` is 55 minutes
    /// later, not 23 hours before the start.
    #[test]
    fn a_bare_time_is_the_occurrence_nearest_the_incident() {
        let mut c = ctx("UTC");
        c.now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let start = at("2026-11-30T23:10:00Z");
        c.reference = Reference::Window(start, start);
        assert_eq!(loose("00:05", &c), "2026-12-01T00:05:00+00:00");
        assert_eq!(loose("23:20", &c), "2026-11-30T23:20:00+00:00");
        assert_eq!(loose("22:50", &c), "2026-11-30T22:50:00+00:00"); // before the start
        assert_eq!(loose("12:00", &c), "2026-11-30T12:00:00+00:00"); // 11h10m before vs 12h50m after
        assert_eq!(loose("10:05 PM", &c), "2026-11-30T22:05:00+00:00");
        // A typed date is never moved.
        assert_eq!(loose("2026-11-30 00:05", &c), "2026-11-30T00:05:00+00:00");
        assert_eq!(loose("yesterday 00:05", &c), "2026-11-30T00:05:00+00:00");
        // Inside the window counts as nearest: the incident ran until 03:00.
        c.reference = Reference::Window(start, at("2026-12-01T03:00:00Z"));
        assert_eq!(loose("02:30", &c), "2026-12-01T02:30:00+00:00");
        assert_eq!(loose("15:00", &c), "2026-11-30T15:00:00+00:00");
        // A point: the previous answer of a sequence.
        c.reference = Reference::Point(at("2026-11-30T23:50:00Z"));
        assert_eq!(loose("00:10", &c), "2026-12-01T00:10:00+00:00");
        assert_eq!(loose("23:05", &c), "2026-11-30T23:05:00+00:00");
    }

    #[test]
    fn the_day_is_chosen_in_the_zone_of_the_clock() {
        let mut c = ctx("Europe/Berlin");
        // 23:10 UTC is 00:10 in Berlin on 2026-12-01.
        let start = at("2026-11-30T23:10:00Z");
        c.reference = Reference::Window(start, start);
        assert_eq!(loose("00:30", &c), "2026-12-01T00:30:00+01:00");
        assert_eq!(loose("23:55", &c), "2026-11-30T23:55:00+01:00");
        assert_eq!(loose("23:20 UTC", &c), "2026-11-30T23:20:00+00:00");
        assert_eq!(
            loose("07:00 America/New_York", &c),
            "2026-11-30T07:00:00-05:00"
        );
    }

    #[test]
    fn a_bare_time_in_an_incident_longer_than_a_day_needs_its_date() {
        let mut c = ctx("UTC");
        c.reference = Reference::Window(at("2026-11-30T10:00:00Z"), at("2026-12-02T10:00:00Z"));
        let err = parse_loose("14:00", &c).unwrap_err();
        assert!(
            err.contains("`14:00` is ambiguous")
                && err.contains("could be 2026-11-30 14:00 or 2026-12-01 14:00; write the date"),
            "{err}"
        );
        assert_eq!(loose("2026-12-01 14:00", &c), "2026-12-01T14:00:00+00:00");
        c.reference = Reference::Window(at("2026-01-01T10:00:00Z"), at("2026-03-01T10:00:00Z"));
        assert!(
            parse_loose("09:00", &c)
                .unwrap_err()
                .contains("any of those days")
        );
    }

    #[test]
    fn the_nearest_occurrence_can_fall_in_a_dst_gap() {
        let mut c = ctx("Europe/Berlin");
        // Berlin skipped 02:00-03:00 on 2026-03-29.
        c.reference = Reference::Point(at("2026-03-29T01:50:00+01:00"));
        let gap = parse_loose("02:30", &c).unwrap_err();
        assert!(gap.contains("does not exist"), "{gap}");
        assert_eq!(loose("03:10", &c), "2026-03-29T03:10:00+02:00");
        assert_eq!(loose("01:40", &c), "2026-03-29T01:40:00+01:00");
    }

    #[test]
    fn with_nothing_to_go_by_a_bare_time_is_not_in_the_future() {
        let c = ctx("UTC"); // now: 2026-11-20 18:00 UTC
        assert_eq!(loose("18:04", &c), "2026-11-20T18:04:00+00:00"); // within 5 minutes
        assert_eq!(loose("18:06", &c), "2026-11-19T18:06:00+00:00");
    }

    #[test]
    fn dst_gaps_and_bad_input_are_explained() {
        let c = ctx("Europe/Berlin");
        let gap = parse_loose("2026-03-29 02:30", &c).unwrap_err();
        assert!(gap.contains("does not exist"), "{gap}");
        assert_eq!(
            parse_loose("25:00", &c).unwrap_err(),
            "`25:00`: hour 25 is out of range (00–23)"
        );
        assert!(
            parse_loose("half past two", &c)
                .unwrap_err()
                .starts_with("cannot read `half past two` as a time; write 14:32,")
        );
        assert!(
            parse_loose("14:32 Mars/Olympus", &c)
                .unwrap_err()
                .contains("unknown time zone")
        );
        assert!(parse_loose("+soon", &ctx("UTC")).is_err());
        assert!(parse_loose("", &c).is_err());
    }

    fn why(input: &str) -> String {
        parse_loose(input, &ctx("UTC")).unwrap_err()
    }

    /// Issue 11, item 16: a time error says what was wrong, not only the forms.
    #[test]
    fn time_errors_name_the_number_out_of_range() {
        assert_eq!(why("25:99"), "`25:99`: hour 25 is out of range (00–23)");
        assert_eq!(why("24:00"), "`24:00`: hour 24 is out of range (00–23)");
        assert_eq!(why("14:61"), "`14:61`: minute 61 is out of range (00–59)");
        assert_eq!(
            why("14:30:61"),
            "`14:30:61`: second 61 is out of range (00–59)"
        );
        assert!(why("23:59:60").contains("leap second"));
        assert_eq!(
            why("13:30 PM"),
            "`13:30 PM`: hour 13 is out of range for a 12-hour clock (1–12)"
        );
        assert_eq!(
            why("0:30 am"),
            "`0:30 am`: hour 0 is out of range for a 12-hour clock (1–12)"
        );
        assert_eq!(
            why("2026-11-31 10:00"),
            "`2026-11-31 10:00`: November has 30 days"
        );
        assert_eq!(
            why("2026-04-31T10:00"),
            "`2026-04-31T10:00`: April has 30 days"
        );
        assert_eq!(
            why("2026-11-31T10:00:00Z"),
            "`2026-11-31T10:00:00Z`: November has 30 days"
        );
        assert_eq!(
            why("2026-02-29 10:00"),
            "`2026-02-29 10:00`: 2026-02-29: 2026 is not a leap year"
        );
        assert_eq!(
            loose("2028-02-29 10:00", &ctx("UTC")),
            "2028-02-29T10:00:00+00:00"
        );
        assert_eq!(
            why("2026-13-01 10:00"),
            "`2026-13-01 10:00`: month 13 is out of range (01–12)"
        );
        assert_eq!(
            why("2026-11-00 10:00"),
            "`2026-11-00 10:00`: day 0 is out of range; days start at 01"
        );
        assert_eq!(
            why("2026-11-20 25:00"),
            "`2026-11-20 25:00`: hour 25 is out of range (00–23)"
        );
        assert_eq!(why("25:00 UTC"), "`25:00`: hour 25 is out of range (00–23)");
        assert_eq!(
            why("2026-11-30"),
            "`2026-11-30`: a date alone is not a time; add the time of day, e.g. `2026-11-30 14:32`"
        );
        assert!(why("later").starts_with("cannot read `later` as a time"));
        assert!(why("1430").starts_with("cannot read `1430` as a time"));
    }

    /// Odd shapes and extreme references give an answer or an error, never a panic.
    #[test]
    fn odd_input_near_the_ends_of_time_never_panics() {
        let inputs = [
            "99999-99-99 99:99:99",
            "0-0-0 0:0",
            "-1-1-1 1:1",
            "::",
            "1:",
            ":1",
            "2026-11-20T",
            "T",
            "t",
            "2026-11-20 t 10:00",
            "12:00 pm pm",
            "am",
            "pm",
            "13 pm",
            "0 am",
            "23:59",
            "00:00",
            "9999-12-31 23:59 +14:00",
            "0000-01-01 00:00 -14:00",
            "2026-02-30",
            "2026-11-20T25:00+01:00",
            "2026-11-20 10:00:00.5",
            "1:2:3:4",
            "99:99 UTC",
            "02:30 Europe/Berlin",
            "12:00 Pacific/Chatham",
            "+999999999d",
        ];
        let ends = [at("0000-01-01T00:00:00Z"), at("9999-12-31T23:59:59Z")];
        let mut references = vec![Reference::Now, Reference::Window(ends[0], ends[1])];
        references.extend(ends.iter().map(|e| Reference::Point(*e)));
        references.extend(ends.iter().map(|e| Reference::Window(*e, *e)));
        for zone in ["UTC", "Pacific/Chatham", "America/New_York"] {
            for reference in &references {
                let mut c = ctx(zone);
                c.reference = *reference;
                c.previous = Some(ends[1]);
                for input in inputs {
                    let _ = parse_loose(input, &c);
                }
            }
        }
    }

    #[test]
    fn times_are_shown_in_full_with_their_distance_from_the_start() {
        let zone: Tz = "Europe/Berlin".parse().unwrap();
        let start = at("2026-11-30T23:10:00Z");
        assert_eq!(show(&start, zone), "2026-12-01 00:10 CET");
        assert_eq!(
            show(&at("2026-07-01T10:00:05Z"), zone),
            "2026-07-01 12:00:05 CEST"
        );
        assert_eq!(
            since_start(&at("2026-12-01T00:05:00Z"), &start),
            "+55m after start"
        );
        assert_eq!(
            since_start(&at("2026-11-30T22:00:00Z"), &start),
            "1h 10m before start"
        );
        assert_eq!(since_start(&start, &start), "at start");
        assert!(is_bare_clock("00:05") && is_bare_clock("2:30 PM") && is_bare_clock("00:05 UTC"));
        assert!(
            !is_bare_clock("2026-12-01 00:05") && !is_bare_clock("+5m") && !is_bare_clock("now")
        );
    }

    #[test]
    fn rfc3339_requires_an_offset() {
        assert!(parse_rfc3339("2026-11-20T14:02:00Z").is_ok());
        assert_eq!(
            parse_rfc3339("2026-11-20T14:02:00").unwrap_err(),
            "timestamp has no offset"
        );
        assert!(
            parse_rfc3339("yesterday")
                .unwrap_err()
                .contains("not an RFC 3339")
        );
    }

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(human_duration(45), "45s");
        assert_eq!(human_duration(420), "7m");
        assert_eq!(human_duration(5280), "1h 28m");
        assert_eq!(human_duration(7200), "2h");
        assert_eq!(human_duration(183_600), "2d 3h");
        // No middle unit is dropped: "1d 30m" would read as thirty hours at a glance.
        assert_eq!(human_duration(86_400 + 1_800), "1d 0h 30m");
        assert_eq!(human_duration(-300), "-5m");
    }
}
