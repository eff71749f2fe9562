//! The one duration format of every page pirt writes (review pages, Markdown, stats, the
//! site index and the terminal tables): units from the largest that is not zero down to
//! the last one that is not zero, with no unit skipped in between, so that a day and eleven
//! minutes reads `1d 0h 11m`, never `1d 11m` (which reads as eleven hours at a glance).
//! Below an hour, seconds are kept (`7m 30s`); from an hour on, the value is rounded to the
//! minute.

/// `seconds` as `45s`, `7m`, `7m 30s`, `1h 28m`, `2h`, `1d 0h 11m`, `-5m`.
pub fn duration(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    let parts: Vec<(u64, &str)> = if s < 3_600 {
        vec![(s / 60, "m"), (s % 60, "s")]
    } else {
        // Rounded to the minute (half a minute up).
        let minutes = (s + 30) / 60;
        vec![
            (minutes / 1_440, "d"),
            (minutes % 1_440 / 60, "h"),
            (minutes % 60, "m"),
        ]
    };
    let first = parts.iter().position(|(n, _)| *n > 0);
    let last = parts.iter().rposition(|(n, _)| *n > 0);
    let text = match (first, last) {
        (Some(first), Some(last)) => parts[first..=last]
            .iter()
            .map(|(n, unit)| format!("{n}{unit}"))
            .collect::<Vec<_>>()
            .join(" "),
        _ => "0s".to_string(),
    };
    format!("{sign}{text}")
}

/// The same in HTML: the parts are joined by no-break spaces, so a value never wraps in
/// the middle (`1h` at the end of one line, `19m` on the next).
pub fn duration_html(seconds: i64) -> String {
    duration(seconds).replace(' ', "\u{a0}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_middle_unit_is_ever_dropped() {
        // The case of issue 11: 24 h 11 m was shown as "1d 11m".
        assert_eq!(duration(24 * 3_600 + 11 * 60), "1d 0h 11m");
        assert_eq!(duration(86_400 + 1_800), "1d 0h 30m");
        assert_eq!(duration(2 * 86_400 + 3 * 3_600), "2d 3h");
        assert_eq!(duration(86_400), "1d");
        assert_eq!(duration(3_600 + 60), "1h 1m");
        assert_eq!(duration(7_200), "2h");
        assert_eq!(duration(5_280), "1h 28m");
        assert_eq!(duration(420), "7m");
        assert_eq!(duration(450), "7m 30s");
        assert_eq!(duration(45), "45s");
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(-300), "-5m");
        // From an hour on, to the nearest minute; 59 m 59 s is not rounded up into an hour.
        assert_eq!(duration(3_600 + 29), "1h");
        assert_eq!(duration(3_600 + 31), "1h 1m");
        assert_eq!(duration(3_599), "59m 59s");
        assert_eq!(duration(86_400 - 20), "1d");
    }

    #[test]
    fn html_values_do_not_wrap() {
        assert_eq!(duration_html(4_740), "1h\u{a0}19m");
        assert!(!duration_html(90_000 + 60).contains(' '));
    }
}
