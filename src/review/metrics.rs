//! Time-to-x metrics of one incident, in seconds.

use serde::Serialize;

use crate::review::{Review, Timestamp};

/// TTD = detected − started; TTA = acknowledged − detected; TTM = mitigated − started;
/// TTR = resolved − started. A metric is `None` when one of its timestamps is missing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Metrics {
    pub time_to_detect: Option<i64>,
    pub time_to_acknowledge: Option<i64>,
    pub time_to_mitigate: Option<i64>,
    pub time_to_resolve: Option<i64>,
}

fn between(from: Option<Timestamp>, to: Option<Timestamp>) -> Option<i64> {
    Some((to? - from?).num_seconds())
}

impl Metrics {
    pub fn of(review: &Review) -> Self {
        Metrics {
            time_to_detect: between(review.started_at, review.detected_at),
            time_to_acknowledge: between(review.detected_at, review.acknowledged_at),
            time_to_mitigate: between(review.started_at, review.mitigated_at),
            time_to_resolve: between(review.started_at, review.resolved_at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::time::parse_rfc3339;

    fn ts(s: &str) -> Option<Timestamp> {
        Some(parse_rfc3339(s).unwrap())
    }

    #[test]
    fn metrics_follow_the_spec_definitions_across_offsets() {
        let review = Review {
            started_at: ts("2026-11-20T14:02:00Z"),
            detected_at: ts("2026-11-20T15:09:00+01:00"),
            acknowledged_at: ts("2026-11-20T14:11:30Z"),
            mitigated_at: ts("2026-11-20T09:41:00-05:00"),
            resolved_at: ts("2026-11-20T16:30:00Z"),
            ..Review::default()
        };
        let m = Metrics::of(&review);
        assert_eq!(m.time_to_detect, Some(7 * 60));
        assert_eq!(m.time_to_acknowledge, Some(150));
        assert_eq!(m.time_to_mitigate, Some(39 * 60));
        assert_eq!(m.time_to_resolve, Some(2 * 3600 + 28 * 60));
    }

    #[test]
    fn missing_timestamps_leave_the_metric_unset() {
        let review = Review {
            started_at: ts("2026-11-20T14:02:00Z"),
            acknowledged_at: ts("2026-11-20T14:11:00Z"),
            ..Review::default()
        };
        let m = Metrics::of(&review);
        assert_eq!(m.time_to_detect, None);
        assert_eq!(m.time_to_acknowledge, None);
        assert_eq!(m.time_to_resolve, None);
    }
}
