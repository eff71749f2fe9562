//! The time forms people type (`pirt new`, `timeline add`), the strict RFC 3339 of
//! files, dates and durations. A parsed time must survive the round trip through the file
//! format.
#![no_main]

use chrono::{TimeZone, Utc};
use chrono_tz::Tz;
use libfuzzer_sys::fuzz_target;
use pirt::review::edit::format_timestamp;
use pirt::review::time::{
    Reference, TimeContext, human_duration, parse_date, parse_loose, parse_rfc3339,
};

const ZONES: [Tz; 5] = [
    Tz::UTC,
    Tz::Europe__Berlin,
    Tz::America__New_York,
    Tz::Asia__Kolkata,
    Tz::Pacific__Chatham,
];

fuzz_target!(|bytes: &[u8]| {
    let Some((&flags, rest)) = bytes.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let now = Utc
        .with_ymd_and_hms(2026, 3, 29, 0, 30, 0)
        .single()
        .expect("now");
    let mut ctx = TimeContext::new(ZONES[(flags % 5) as usize], now);
    let previous = now.fixed_offset() + chrono::Duration::minutes(i64::from(flags));
    if flags & 0x20 != 0 {
        ctx.previous = Some(previous);
    }
    // Bare clock times nearest a point (the previous answer) or a window (the incident).
    ctx.reference = match (flags & 0x10 != 0, flags & 0x40 != 0) {
        (true, _) => Reference::Point(previous),
        (false, true) => Reference::Window(
            now.fixed_offset() - chrono::Duration::hours(i64::from(flags % 60)),
            previous,
        ),
        (false, false) => Reference::Now,
    };
    if let Ok(ts) = parse_loose(text, &ctx) {
        let stored = format_timestamp(&ts);
        let back = parse_rfc3339(&stored)
            .unwrap_or_else(|e| panic!("{text:?} gave {stored:?}, which is not read back: {e}"));
        assert_eq!(back, ts, "{text:?} → {stored:?}");
        assert_eq!(back.offset(), ts.offset(), "{text:?} → {stored:?}");
        assert_eq!(format_timestamp(&back), stored, "{text:?}");
    }
    let _ = parse_rfc3339(text);
    let _ = parse_date(text);
    if rest.len() >= 8 {
        let seconds = i64::from_le_bytes(rest[..8].try_into().expect("8 bytes"));
        let _ = human_duration(seconds);
    }
});
