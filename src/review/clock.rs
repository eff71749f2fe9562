//! Times answered one after another (`pirt new`, `pirt timeline add` and `import`): each
//! answer is read against the ones before it.

use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Tz;

use crate::review::Timestamp;
use crate::review::time::{
    FUTURE_TOLERANCE_MINUTES, Reference, TimeContext, human_duration, is_bare_clock, parse_loose,
    show,
};

/// Times answered one after another. A bare clock time is the occurrence nearest to what
/// came before (see `Reference`), `+7m` counts from the previous answer, and no answer may
/// lie more than `FUTURE_TOLERANCE_MINUTES` after now.
#[derive(Clone, Debug)]
pub struct AnswerClock {
    ctx: TimeContext,
    /// The lifecycle runs started ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved.
    lifecycle: bool,
    /// What the previous answer was, for messages (`detected`).
    previous_name: Option<String>,
}

impl AnswerClock {
    /// For the lifecycle times, asked in order started → resolved: the first bare time is
    /// its latest occurrence not in the future; each later one is nearest the answer before.
    pub fn lifecycle(zone: Tz, now: DateTime<Utc>) -> Self {
        AnswerClock {
            ctx: TimeContext::new(zone, now),
            lifecycle: true,
            previous_name: None,
        }
    }

    /// For timeline entries: the first bare time is nearest the incident `window` (its start
    /// to its last known time), each later one nearest the entry before; `+5m` counts from
    /// the previous entry (at first, the start).
    pub fn timeline(zone: Tz, window: Option<(Timestamp, Timestamp)>, now: DateTime<Utc>) -> Self {
        let mut ctx = TimeContext::new(zone, now);
        if let Some((start, end)) = window {
            ctx.reference = Reference::Window(start, end);
            ctx.previous = Some(start);
        }
        AnswerClock {
            ctx,
            lifecycle: false,
            previous_name: None,
        }
    }

    /// Makes `+5m` count from `ts` (the latest timeline entry).
    pub fn count_from(&mut self, ts: Timestamp) {
        self.ctx.previous = Some(ts);
    }

    /// What an answer would mean, without taking it. Refused: a time more than a few
    /// minutes in the future, and in the lifecycle a time before the previous answer.
    pub fn peek(&self, input: &str) -> Result<Timestamp, String> {
        let ts = parse_loose(input, &self.ctx)?;
        let zone = self.ctx.zone;
        if self.lifecycle
            && let Some(previous) = self.ctx.previous
            && ts < previous
        {
            let what = self
                .previous_name
                .as_deref()
                .unwrap_or("the previous answer");
            let mut message = format!(
                "{} is {} before {what} ({}); the lifecycle runs started ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved",
                show(&ts, zone),
                human_duration((previous - ts).num_seconds()),
                show(&previous, zone),
            );
            // The next day is suggested only when it is not in the future itself.
            let limit = self.ctx.now + Duration::minutes(FUTURE_TOLERANCE_MINUTES);
            if is_bare_clock(input) && ts + Duration::days(1) <= limit {
                let local = ts.with_timezone(&zone);
                if let Some(next) = local.date_naive().succ_opt() {
                    message.push_str(&format!(
                        "; for the next day write `{} {}`",
                        next.format("%Y-%m-%d"),
                        local.format("%H:%M")
                    ));
                }
            }
            return Err(message);
        }
        let limit = self.ctx.now + Duration::minutes(FUTURE_TOLERANCE_MINUTES);
        if ts > limit {
            let now = self.ctx.now.fixed_offset();
            return Err(format!(
                "that is {}, in the future (it is now {}); pirt takes times up to {FUTURE_TOLERANCE_MINUTES} minutes ahead",
                show(&ts, zone),
                show(&now.with_nanosecond(0).unwrap_or(now), zone)
            ));
        }
        Ok(ts)
    }

    /// Takes an answer: later answers count from it and lie nearest to it.
    pub fn take(&mut self, input: &str) -> Result<Timestamp, String> {
        let ts = self.peek(input)?;
        self.ctx.previous = Some(ts);
        self.ctx.reference = Reference::Point(ts);
        Ok(ts)
    }

    /// Takes a lifecycle answer named `name` (`detected`), for the messages of later ones.
    pub fn take_as(&mut self, input: &str, name: &str) -> Result<Timestamp, String> {
        let ts = self.take(input)?;
        self.previous_name = Some(name.to_string());
        Ok(ts)
    }
}
