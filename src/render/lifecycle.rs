//! The lifecycle picture: the incident's phases as a bar, its milestones labelled above,
//! and the timeline entries as numbered marks below, in SVG user units. The HTML template
//! draws it; the layout lives here so that labels never collide.

use chrono_tz::Tz;
use serde::Serialize;

use crate::review::time::human_duration;
use crate::review::{Review, Timestamp};

#[derive(Debug, Serialize)]
pub struct Lifecycle {
    pub width: f64,
    pub height: f64,
    pub bar_y: f64,
    /// Where the impact started (the track before it is time before impact).
    pub start_x: f64,
    pub phases: Vec<Phase>,
    pub milestones: Vec<Mark>,
    pub events: Vec<Mark>,
    /// Too many entries to number: they are drawn as ticks.
    pub dense: bool,
    pub ticks: Vec<Mark>,
}

#[derive(Debug, Serialize)]
pub struct Phase {
    pub name: &'static str,
    pub class: &'static str,
    pub x: f64,
    pub width: f64,
    pub duration: String,
}

#[derive(Debug, Serialize)]
pub struct Mark {
    pub x: f64,
    pub y: f64,
    pub label: String,
    pub time: String,
    pub class: String,
    pub title: String,
    /// `start` or `end`: which side of the mark the label extends to.
    pub anchor: &'static str,
}

const LEFT: f64 = 20.0;
const WIDTH: f64 = 1000.0;
const INNER: f64 = WIDTH - 2.0 * LEFT;
/// Room a milestone label ("Acknowledged 14:11") needs, in user units.
const LABEL: f64 = 150.0;
const ROW: f64 = 22.0;
/// More entries than this are drawn as plain ticks.
const MAX_NUMBERED: usize = 40;

impl Lifecycle {
    /// `None` when the review has fewer than two points in time to draw between.
    pub fn of(review: &Review, zone: Tz) -> Option<Self> {
        let known: Vec<(&'static str, Timestamp)> = [
            ("Started", review.started_at),
            ("Detected", review.detected_at),
            ("Acknowledged", review.acknowledged_at),
            ("Mitigated", review.mitigated_at),
            ("Resolved", review.resolved_at),
        ]
        .into_iter()
        .filter_map(|(name, t)| t.map(|t| (name, t)))
        .collect();
        let times = known
            .iter()
            .map(|(_, t)| *t)
            .chain(review.timeline.iter().map(|e| e.at));
        let start = times.clone().min()?;
        let end = times.max()?;
        let span = (end - start).num_seconds();
        if span <= 0 {
            return None;
        }
        let x = |t: Timestamp| LEFT + (t - start).num_seconds() as f64 / span as f64 * INNER;
        let clock = |t: Timestamp| t.with_timezone(&zone).format("%H:%M").to_string();

        let phases = known
            .windows(2)
            .map(|pair| {
                let ((_, from), (to_name, to)) = (pair[0], pair[1]);
                let (name, class) = match to_name {
                    "Detected" => ("Until detection", "phase-detect"),
                    "Acknowledged" => ("Until response", "phase-ack"),
                    "Mitigated" => ("Until mitigation", "phase-mitigate"),
                    _ => ("Recovery", "phase-resolve"),
                };
                let seconds = (to - from).num_seconds();
                // A short phase stays visible.
                let width = if seconds > 0 {
                    (x(to) - x(from)).max(3.0)
                } else {
                    0.0
                };
                Phase {
                    name,
                    class,
                    x: x(from),
                    width,
                    duration: human_duration(seconds),
                }
            })
            .collect();

        let rows = place_labels(&known.iter().map(|(_, t)| x(*t)).collect::<Vec<_>>());
        let label_rows = rows.iter().map(|(row, _)| row + 1).max().unwrap_or(1);
        let bar_y = 14.0 + label_rows as f64 * ROW;
        let milestones = known
            .iter()
            .zip(&rows)
            .map(|((name, t), (row, anchor))| Mark {
                x: x(*t),
                y: bar_y - 10.0 - *row as f64 * ROW,
                label: name.to_string(),
                time: clock(*t),
                class: format!("ms-{}", name.to_ascii_lowercase()),
                title: format!(
                    "{name} {}",
                    t.with_timezone(&zone).format("%Y-%m-%d %H:%M %Z")
                ),
                anchor,
            })
            .collect();

        let dense = review.timeline.len() > MAX_NUMBERED;
        let mut sorted: Vec<_> = review.timeline.iter().enumerate().collect();
        sorted.sort_by_key(|(_, e)| e.at);
        let mut last_in_row: Vec<f64> = Vec::new();
        let mut events = Vec::with_capacity(sorted.len());
        for (index, entry) in sorted {
            let px = x(entry.at);
            // Numbered marks take the first row where they do not touch the previous one.
            let row = if dense {
                0
            } else {
                let row = last_in_row
                    .iter()
                    .position(|&prev| px - prev >= 20.0)
                    .unwrap_or(last_in_row.len());
                if row == last_in_row.len() {
                    last_in_row.push(px);
                } else {
                    last_in_row[row] = px;
                }
                row
            };
            events.push(Mark {
                x: px,
                y: bar_y + 36.0 + row as f64 * 22.0,
                label: (index + 1).to_string(),
                time: clock(entry.at),
                class: format!("ev-{}", entry.kind),
                title: format!(
                    "#{} {} {}: {}",
                    index + 1,
                    clock(entry.at),
                    entry.kind,
                    entry.text
                ),
                anchor: "middle",
            });
        }
        let lowest = events.iter().map(|e| e.y).fold(bar_y + 20.0, f64::max);
        let tick = |x: f64, label: String, anchor| Mark {
            x,
            y: lowest + 30.0,
            label,
            time: String::new(),
            class: "tick".into(),
            title: String::new(),
            anchor,
        };
        let ticks = vec![
            tick(
                LEFT,
                start
                    .with_timezone(&zone)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                "start",
            ),
            tick(
                WIDTH - LEFT,
                end.with_timezone(&zone)
                    .format("%Y-%m-%d %H:%M %Z")
                    .to_string(),
                "end",
            ),
        ];
        Some(Lifecycle {
            width: WIDTH,
            height: lowest + 42.0,
            bar_y,
            start_x: known.first().map_or(LEFT, |(_, t)| x(*t)),
            phases,
            milestones,
            events,
            dense,
            ticks,
        })
    }
}

/// Rows (0 = nearest the bar) and anchors for milestone labels at `xs` (ascending), such
/// that no two labels overlap and no mark's stem, which runs from its label down to the
/// bar, crosses another label. Placing from right to left with labels extending to the
/// right keeps every stem left of the labels in the rows it crosses.
fn place_labels(xs: &[f64]) -> Vec<(usize, &'static str)> {
    let mut placed: Vec<(usize, f64, f64, f64)> = Vec::new(); // row, stem x, label from, to
    let mut out = vec![(0, "start"); xs.len()];
    for (i, &x) in xs.iter().enumerate().rev() {
        let anchor = if x + LABEL > WIDTH { "end" } else { "start" };
        let (from, to) = if anchor == "end" {
            (x - LABEL, x)
        } else {
            (x, x + LABEL)
        };
        let fits = |row: usize, strict: bool| {
            placed.iter().all(|&(r, sx, a, b)| {
                let overlap = r == row && from < b + 8.0 && a < to + 8.0;
                // Its stem crosses lower rows; stems of higher marks cross this row.
                let crosses_lower = r < row && x >= a - 4.0 && x <= b + 4.0;
                let crossed = r > row && sx >= from - 4.0 && sx <= to + 4.0;
                !(overlap || (strict && (crosses_lower || crossed)))
            })
        };
        // Labels at the right edge may have to let a stem pass behind them (the template
        // draws labels with a halo).
        let row = (0..6)
            .find(|&r| fits(r, true))
            .or_else(|| (0..6).find(|&r| fits(r, false)))
            .unwrap_or(0);
        placed.push((row, x, from, to));
        out[i] = (row, anchor);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlaps(xs: &[f64]) -> bool {
        crossings(xs, true)
    }

    fn crossings(xs: &[f64], stems: bool) -> bool {
        let placed = place_labels(xs);
        let spans: Vec<(usize, f64, f64, f64)> = xs
            .iter()
            .zip(&placed)
            .map(|(&x, &(row, anchor))| {
                if anchor == "end" {
                    (row, x, x - LABEL, x)
                } else {
                    (row, x, x, x + LABEL)
                }
            })
            .collect();
        spans.iter().enumerate().any(|(i, a)| {
            spans.iter().enumerate().any(|(j, b)| {
                i != j
                    && ((a.0 == b.0 && a.2 < b.3 && b.2 < a.3)
                        || (stems && b.0 > a.0 && b.1 >= a.2 && b.1 <= a.3))
            })
        })
    }

    #[test]
    fn close_milestones_get_their_own_rows_without_crossing_stems() {
        assert!(!overlaps(&[20.0, 30.0, 35.0, 400.0, 980.0]));
        assert!(!overlaps(&[20.0, 25.0, 30.0, 35.0, 40.0]));
        // At the right edge labels never overlap, though a stem may pass behind one.
        assert!(!crossings(&[900.0, 950.0, 980.0], false));
        assert_eq!(
            place_labels(&[20.0, 600.0]),
            vec![(0, "start"), (0, "start")]
        );
    }
}
