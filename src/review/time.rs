//! Timestamps: strict RFC 3339 in files, looser forms where people type them.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime,
    TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;

/// A timestamp with the offset it was written with.
pub type Timestamp = DateTime<FixedOffset>;

/// What a loose time is interpreted against.
#[derive(Clone, Debug)]
pub struct TimeContext {
    /// The zone for times written without one.
    pub zone: Tz,
    /// The date for a bare `14:32`.
    pub date: NaiveDate,
    /// The time `+15m` counts from.
    pub previous: Option<Timestamp>,
    /// Answers come in order (the `pirt new` wizard): a bare time earlier than `previous`
    /// means the next day (`00:10` typed after `23:50`).
    pub sequential: bool,
    /// "now", injected so that tests are repeatable.
    pub now: DateTime<Utc>,
}

impl TimeContext {
    pub fn new(zone: Tz, now: DateTime<Utc>) -> Self {
        TimeContext {
            zone,
            date: now.with_timezone(&zone).date_naive(),
            previous: None,
            sequential: false,
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
            let date = today - Duration::days(days_back);
            let fixed = TimeContext {
                date,
                previous: None,
                sequential: false,
                ..ctx.clone()
            };
            return parse_clock_in(rest.trim(), &fixed, false);
        }
    }
    parse_clock_in(text, ctx, true)
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// A date-time or a clock time, with an optional zone, on `ctx.date`. With `guess_day`, a
/// bare clock time typed first (no previous answer) that lies in the future means
/// yesterday: at 00:30, `23:50` is the incident of the evening before.
fn parse_clock_in(text: &str, ctx: &TimeContext, guess_day: bool) -> Result<Timestamp, String> {
    // A trailing zone name or offset, separated by a space (`2:30 PM` is a clock time).
    let (clock, zone) = match text.rsplit_once(' ') {
        Some((head, tail)) if looks_like_zone(tail) && parse_clock(text).is_none() => {
            (head.trim(), Some(tail))
        }
        _ => (text, None),
    };
    let zone = match zone {
        Some(name) => ZoneSpec::parse(name)?,
        None => ZoneSpec::Named(ctx.zone),
    };
    if let Some(naive) = parse_date_time(clock) {
        return zone.resolve(naive);
    }
    if let Some(time) = parse_clock(clock) {
        // In a sequence, the day is the previous answer's day, seen in this zone.
        let date = match ctx.previous {
            Some(previous) if ctx.sequential => zone.date_of(previous),
            _ => ctx.date,
        };
        let mut ts = zone.resolve(date.and_time(time))?;
        // `00:10` typed after `23:50` means the next day.
        if let Some(previous) = ctx.previous
            && ctx.sequential
            && ts < previous
        {
            let next = date.succ_opt().ok_or("date out of range")?;
            ts = zone.resolve(next.and_time(time))?;
        }
        if guess_day && ctx.previous.is_none() && ts > ctx.now {
            let before = date.pred_opt().ok_or("date out of range")?;
            ts = zone.resolve(before.and_time(time))?;
        }
        return Ok(ts);
    }
    Err(format!("cannot read `{text}` as a time; write {FORMS}"))
}

fn looks_like_zone(s: &str) -> bool {
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

/// Parses a calendar date (`2026-12-15`), as used for action-item due dates.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date; write it as YYYY-MM-DD"))
}

/// A duration in seconds as people read it: `45s`, `7m`, `1h 28m`, `2d 3h`.
pub fn human_duration(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60, s % 60);
    let text = match (d, h, m) {
        (0, 0, 0) => format!("{sec}s"),
        (0, 0, _) if sec == 0 => format!("{m}m"),
        (0, 0, _) => format!("{m}m {sec}s"),
        _ => {
            let parts = [(d, "d"), (h, "h"), (m, "m")];
            let shown: Vec<String> = parts
                .iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, u)| format!("{n}{u}"))
                .collect();
            shown.join(" ")
        }
    };
    format!("{sign}{text}")
}

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
        c.sequential = true;
        c.zone = "Europe/Berlin".parse().unwrap();
        c.previous = Some(parse_rfc3339("2026-11-21T00:30:00+01:00").unwrap());
        assert_eq!(loose("23:40 UTC", &c), "2026-11-20T23:40:00+00:00");
    }

    #[test]
    fn bare_time_after_midnight_rolls_over() {
        let mut c = ctx("UTC");
        c.previous = Some(parse_rfc3339("2026-11-20T23:50:00Z").unwrap());
        assert_eq!(loose("00:10", &c), "2026-11-20T00:10:00+00:00");
        c.sequential = true;
        assert_eq!(loose("00:10", &c), "2026-11-21T00:10:00+00:00");
    }

    #[test]
    fn dst_gaps_and_bad_input_are_explained() {
        let c = ctx("Europe/Berlin");
        let gap = parse_loose("2026-03-29 02:30", &c).unwrap_err();
        assert!(gap.contains("does not exist"), "{gap}");
        assert!(
            parse_loose("25:00", &c)
                .unwrap_err()
                .contains("cannot read")
        );
        assert!(
            parse_loose("14:32 Mars/Olympus", &c)
                .unwrap_err()
                .contains("unknown time zone")
        );
        assert!(parse_loose("+soon", &ctx("UTC")).is_err());
        assert!(parse_loose("", &c).is_err());
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
        assert_eq!(human_duration(86_400 + 1_800), "1d 30m");
        assert_eq!(human_duration(-300), "-5m");
    }
}
