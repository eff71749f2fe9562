//! The lifecycle picture: the incident's phases as a bar, its milestones labelled beside
//! it, and the timeline entries as numbered marks, in SVG user units. It comes in two
//! layouts that the page switches between with a media query: a horizontal one (time runs
//! left to right, 1000 units wide) and a vertical one for narrow screens (time runs top to
//! bottom, 360 units wide, so that it shows at its own size on a 390 px phone). The
//! template draws them; the layout lives here so that labels never collide.

use chrono_tz::Tz;
use serde::Serialize;

use crate::review::duration::duration;
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
    /// The same picture with time running downwards, for narrow screens.
    pub vertical: Vertical,
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
    /// Where the label's text is anchored (a little off the stem at `x`).
    pub text_x: f64,
    pub label: String,
    pub time: String,
    pub class: String,
    pub title: String,
    /// `start`, `middle` or `end`: which side of the mark the label extends to.
    pub anchor: &'static str,
}

/// The vertical layout: the bar runs down at `bar_x`; milestone labels stand to its right
/// and numbered marks to its left, each pushed down below the one before when they would
/// touch, with a leader line to the true point in time (`at`).
#[derive(Debug, Serialize)]
pub struct Vertical {
    pub width: f64,
    pub height: f64,
    pub bar_x: f64,
    pub bar_top: f64,
    pub bar_height: f64,
    pub phases: Vec<VPhase>,
    pub milestones: Vec<VMark>,
    pub events: Vec<VMark>,
    pub ticks: Vec<Mark>,
}

#[derive(Debug, Serialize)]
pub struct VPhase {
    pub name: &'static str,
    pub class: &'static str,
    pub y: f64,
    pub height: f64,
    pub duration: String,
}

#[derive(Debug, Serialize)]
pub struct VMark {
    /// Where the mark is drawn.
    pub x: f64,
    pub y: f64,
    /// The point in time on the bar it belongs to.
    pub at: f64,
    pub label: String,
    pub time: String,
    pub class: String,
    pub title: String,
}

const LEFT: f64 = 20.0;
const WIDTH: f64 = 1000.0;
const INNER: f64 = WIDTH - 2.0 * LEFT;
const ROW: f64 = 22.0;
/// Room between two labels in one row, in user units.
const GAP: f64 = 10.0;
/// More entries than this are drawn as plain ticks.
const MAX_NUMBERED: usize = 40;

/// The room a milestone label needs: the name in 15-unit bold, a space and the time in
/// 14-unit digits. Generous on purpose (wide fonts such as DejaVu Sans Bold take about
/// 0.68 em a letter), so that labels placed apart stay apart in any font.
fn label_width(name: &str, time: &str) -> f64 {
    name.chars().count() as f64 * 10.5 + 6.0 + time.chars().count() as f64 * 8.6
}

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
        let fraction = |t: Timestamp| (t - start).num_seconds() as f64 / span as f64;
        let x = |t: Timestamp| LEFT + fraction(t) * INNER;
        // A time on a later day than the start says how many days later ("16:24 +1d"):
        // the bar's ends carry the dates, a label in the middle only its time.
        let first_day = start.with_timezone(&zone).date_naive();
        let clock = |t: Timestamp| {
            let local = t.with_timezone(&zone);
            let days = (local.date_naive() - first_day).num_days();
            let time = local.format("%H:%M");
            if days > 0 {
                format!("{time} +{days}d")
            } else {
                time.to_string()
            }
        };
        let stamp = |t: Timestamp| {
            t.with_timezone(&zone)
                .format("%Y-%m-%d %H:%M %Z")
                .to_string()
        };

        // Consecutive milestones, and the phase each pair closes.
        let spans: Vec<(&'static str, &'static str, Timestamp, i64)> = known
            .windows(2)
            .map(|pair| {
                let ((_, from), (to_name, to)) = (pair[0], pair[1]);
                let (name, class) = match to_name {
                    "Detected" => ("Until detection", "phase-detect"),
                    "Acknowledged" => ("Until response", "phase-ack"),
                    "Mitigated" => ("Until mitigation", "phase-mitigate"),
                    _ => ("Recovery", "phase-resolve"),
                };
                (name, class, from, (to - from).num_seconds())
            })
            .collect();
        let phases = spans
            .iter()
            .map(|&(name, class, from, seconds)| Phase {
                name,
                class,
                x: x(from),
                // A short phase stays visible.
                width: if seconds > 0 {
                    (seconds as f64 / span as f64 * INNER).max(3.0)
                } else {
                    0.0
                },
                duration: duration(seconds),
            })
            .collect();

        // Milestones at the same minute share one label ("Detected, Acknowledged 14:09").
        let mut labels: Vec<(String, Timestamp)> = Vec::new();
        for (name, t) in &known {
            match labels.last_mut() {
                Some((names, last)) if clock(*last) == clock(*t) && *t - *last < one_minute() => {
                    names.push_str(", ");
                    names.push_str(name);
                }
                _ => labels.push((name.to_string(), *t)),
            }
        }
        let placed = place_labels(
            &labels
                .iter()
                .map(|(name, t)| (x(*t), label_width(name, &clock(*t))))
                .collect::<Vec<_>>(),
        );
        let label_rows = placed.iter().map(|(row, _)| row + 1).max().unwrap_or(1);
        let bar_y = 14.0 + label_rows as f64 * ROW;
        let milestones = labels
            .iter()
            .zip(&placed)
            .map(|((names, t), (row, anchor))| Mark {
                x: x(*t),
                text_x: if *anchor == "end" {
                    x(*t) - OFFSET
                } else {
                    x(*t) + OFFSET
                },
                y: bar_y - 10.0 - *row as f64 * ROW,
                label: names.clone(),
                time: clock(*t),
                class: format!(
                    "ms-{}",
                    names
                        .split(", ")
                        .next()
                        .unwrap_or_default()
                        .to_ascii_lowercase()
                ),
                title: format!("{names} {}", stamp(*t)),
                anchor,
            })
            .collect();

        let dense = review.timeline.len() > MAX_NUMBERED;
        let mut sorted: Vec<_> = review.timeline.iter().enumerate().collect();
        sorted.sort_by_key(|(_, e)| e.at);
        let event_title = |index: usize, entry: &crate::review::TimelineEntry| {
            format!(
                "#{} {} {}: {}",
                index + 1,
                clock(entry.at),
                entry.kind,
                entry.text
            )
        };
        let mut last_in_row: Vec<f64> = Vec::new();
        let mut events = Vec::with_capacity(sorted.len());
        for &(index, entry) in &sorted {
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
                text_x: px,
                y: bar_y + 36.0 + row as f64 * 22.0,
                label: (index + 1).to_string(),
                time: clock(entry.at),
                class: format!("ev-{}", entry.kind),
                title: event_title(index, entry),
                anchor: "middle",
            });
        }
        let lowest = events.iter().map(|e| e.y).fold(bar_y + 20.0, f64::max);
        let tick = |x: f64, y: f64, label: String, anchor| Mark {
            x,
            text_x: x,
            y,
            label,
            time: String::new(),
            class: "tick".into(),
            title: String::new(),
            anchor,
        };
        let start_label = start
            .with_timezone(&zone)
            .format("%Y-%m-%d %H:%M")
            .to_string();
        let ticks = vec![
            tick(LEFT, lowest + 30.0, start_label.clone(), "start"),
            tick(WIDTH - LEFT, lowest + 30.0, stamp(end), "end"),
        ];

        // The vertical layout.
        const V_WIDTH: f64 = 360.0;
        const BAR_X: f64 = 128.0;
        const BAR_W: f64 = 16.0;
        const TOP: f64 = 40.0;
        // Long enough that a few hours read as a picture; marks push it longer if needed.
        let length = (review.timeline.len().max(labels.len()) as f64 * 24.0).clamp(360.0, 560.0);
        let y = |t: Timestamp| TOP + fraction(t) * length;
        let v_phases = spans
            .iter()
            .map(|&(name, class, from, seconds)| VPhase {
                name,
                class,
                y: y(from),
                height: if seconds > 0 {
                    (seconds as f64 / span as f64 * length).max(3.0)
                } else {
                    0.0
                },
                duration: duration(seconds),
            })
            .collect();
        let v_milestones: Vec<VMark> = push_down(
            &labels.iter().map(|(_, t)| y(*t) + 5.0).collect::<Vec<_>>(),
            ROW,
        )
        .into_iter()
        .zip(&labels)
        .map(|(ly, (names, t))| VMark {
            x: BAR_X + BAR_W + 22.0,
            y: ly,
            at: y(*t),
            label: names.clone(),
            time: clock(*t),
            class: format!(
                "ms-{}",
                names
                    .split(", ")
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase()
            ),
            title: format!("{names} {}", stamp(*t)),
        })
        .collect();
        let at: Vec<f64> = sorted.iter().map(|(_, e)| y(e.at)).collect();
        let drawn = if dense {
            at.clone()
        } else {
            push_down(&at, 21.0)
        };
        let v_events: Vec<VMark> = sorted
            .iter()
            .zip(at.iter().zip(&drawn))
            .map(|(&(index, entry), (&at, &ey))| VMark {
                x: BAR_X - 40.0,
                y: ey,
                at,
                label: (index + 1).to_string(),
                time: clock(entry.at),
                class: format!("ev-{}", entry.kind),
                title: event_title(index, entry),
            })
            .collect();
        let bottom = v_milestones
            .iter()
            .map(|m| m.y)
            .chain(v_events.iter().map(|e| e.y + 9.0))
            .fold(TOP + length, f64::max);
        let v_ticks = vec![
            tick(BAR_X + BAR_W / 2.0, TOP - 16.0, start_label, "middle"),
            tick(BAR_X + BAR_W / 2.0, bottom + 28.0, stamp(end), "middle"),
        ];
        let vertical = Vertical {
            width: V_WIDTH,
            height: bottom + 40.0,
            bar_x: BAR_X,
            bar_top: TOP,
            bar_height: length,
            phases: v_phases,
            milestones: v_milestones,
            events: v_events,
            ticks: v_ticks,
        };

        let lifecycle = Lifecycle {
            width: WIDTH,
            height: lowest + 42.0,
            bar_y,
            start_x: known.first().map_or(LEFT, |(_, t)| x(*t)),
            phases,
            milestones,
            events,
            dense,
            ticks,
            vertical,
        };
        Some(lifecycle.rounded())
    }

    /// Coordinates to a tenth of a unit (a page's worth of digits less, same picture).
    fn rounded(mut self) -> Self {
        let r = |v: &mut f64| *v = (*v * 10.0).round() / 10.0;
        for p in &mut self.phases {
            r(&mut p.x);
            r(&mut p.width);
        }
        for m in self
            .milestones
            .iter_mut()
            .chain(&mut self.events)
            .chain(&mut self.ticks)
            .chain(&mut self.vertical.ticks)
        {
            r(&mut m.x);
            r(&mut m.y);
            r(&mut m.text_x);
        }
        r(&mut self.start_x);
        let v = &mut self.vertical;
        r(&mut v.bar_height);
        for p in &mut v.phases {
            r(&mut p.y);
            r(&mut p.height);
        }
        for m in v.milestones.iter_mut().chain(&mut v.events) {
            r(&mut m.x);
            r(&mut m.y);
            r(&mut m.at);
        }
        self
    }
}

fn one_minute() -> chrono::TimeDelta {
    chrono::TimeDelta::minutes(1)
}

/// Positions at least `gap` apart, each at or below its wish (`wishes` ascending).
fn push_down(wishes: &[f64], gap: f64) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::with_capacity(wishes.len());
    for &wish in wishes {
        let y = out.last().map_or(wish, |&prev| wish.max(prev + gap));
        out.push(y);
    }
    out
}

/// One way to draw a label: its row (0 = nearest the bar) and which side of its stem it
/// extends to.
type Placement = (usize, &'static str);

/// How far a label's text stands off its own stem.
const OFFSET: f64 = 3.0;

/// The span a label covers, from its stem at `x` with width `w`.
fn span(x: f64, w: f64, anchor: &str) -> (f64, f64) {
    if anchor == "end" {
        (x - OFFSET - w, x - OFFSET)
    } else {
        (x + OFFSET, x + OFFSET + w)
    }
}

/// Rows and anchors for milestone labels at `marks` (stem x and label width, ascending
/// x). Labels never overlap. Every assignment is tried (there are at most five
/// milestones); the one whose stems (which run from a label down to the bar) cross the
/// fewest other labels wins, then the one with the fewest rows, the lowest rows, and labels
/// that extend to the right. Crossings are avoidable unless two milestones are a minute
/// apart at the scale of the picture; the template draws labels with a halo for that case.
fn place_labels(marks: &[(f64, f64)]) -> Vec<Placement> {
    let choices: Vec<Vec<(Placement, f64, f64)>> = marks
        .iter()
        .map(|&(x, w)| {
            let mut out = Vec::new();
            for row in 0..marks.len().max(1) {
                for anchor in ["start", "end"] {
                    let (from, to) = span(x, w, anchor);
                    if from >= 0.0 && to <= WIDTH {
                        out.push(((row, anchor), from, to));
                    }
                }
                if out.is_empty() {
                    // Wider than the picture: keep it inside as far as it goes.
                    let (from, to) = span(x, w, "start");
                    out.push(((row, "start"), from, to));
                }
            }
            out
        })
        .collect();
    let mut best: Option<(Vec<Placement>, Cost)> = None;
    let mut chosen = Vec::with_capacity(marks.len());
    search(marks, &choices, &mut chosen, 0, &mut best);
    best.map_or_else(|| vec![(0, "start"); marks.len()], |(found, _)| found)
}

/// Crossings, rows, the sum of rows, pairs out of time order (a stack of labels reads in
/// time order from the top, as a layout without crossings has it), labels extending to
/// the left: lower is better.
type Cost = (usize, usize, usize, usize, usize);

fn cost_of(chosen: &[(Placement, f64, f64)], crossings: usize) -> Cost {
    let rows: Vec<usize> = chosen.iter().map(|c| c.0.0).collect();
    let out_of_order = rows
        .iter()
        .enumerate()
        .map(|(i, r)| rows[i + 1..].iter().filter(|later| *later > r).count())
        .sum();
    (
        crossings,
        rows.iter().map(|r| r + 1).max().unwrap_or(0),
        rows.iter().sum(),
        out_of_order,
        chosen.iter().filter(|c| c.0.1 == "end").count(),
    )
}

fn search(
    marks: &[(f64, f64)],
    choices: &[Vec<(Placement, f64, f64)>],
    chosen: &mut Vec<(Placement, f64, f64)>,
    crossings: usize,
    best: &mut Option<(Vec<Placement>, Cost)>,
) {
    let cost = cost_of(chosen, crossings);
    // Crossings and rows only grow as labels are added.
    if let Some((_, b)) = best
        && (cost.0, cost.1) > (b.0, b.1)
    {
        return;
    }
    let i = chosen.len();
    if i == marks.len() {
        if best.as_ref().is_none_or(|(_, b)| cost < *b) {
            *best = Some((chosen.iter().map(|c| c.0).collect(), cost));
        }
        return;
    }
    let x = marks[i].0;
    for &option in &choices[i] {
        let ((row, anchor), from, to) = option;
        let mut fits = true;
        let mut crossed = 0;
        for (j, &((r, other), a, b)) in chosen.iter().enumerate() {
            // Two labels back to back, each extending away from its own stem, may come
            // close: their stems stand between them.
            let gap = if (other == "end" && anchor == "start" && marks[j].0 <= x)
                || (other == "start" && anchor == "end" && marks[j].0 >= x)
            {
                2.0
            } else {
                GAP
            };
            if r == row && from < b + gap && a < to + gap {
                fits = false;
                break;
            }
            // A stem crosses every row below its label.
            let sx = marks[j].0;
            if (r < row && x >= a - 4.0 && x <= b + 4.0)
                || (r > row && sx >= from - 4.0 && sx <= to + 4.0)
            {
                crossed += 1;
            }
        }
        if fits {
            chosen.push(option);
            search(marks, choices, chosen, crossings + crossed, best);
            chosen.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: f64 = 160.0;

    /// Overlapping labels, and (with `stems`) stems crossing a label, of a layout.
    fn crossings(xs: &[f64], stems: bool) -> bool {
        let marks: Vec<(f64, f64)> = xs.iter().map(|&x| (x, W)).collect();
        let placed = place_labels(&marks);
        let spans: Vec<(usize, f64, f64, f64)> = xs
            .iter()
            .zip(&placed)
            .map(|(&x, &(row, anchor))| {
                let (a, b) = span(x, W, anchor);
                (row, x, a, b)
            })
            .collect();
        assert!(
            spans.iter().all(|s| s.2 >= 0.0 && s.3 <= WIDTH),
            "{spans:?}"
        );
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
        assert!(!crossings(&[20.0, 30.0, 35.0, 400.0, 980.0], true));
        assert!(!crossings(&[20.0, 25.0, 30.0, 35.0, 40.0], true));
        // At the right edge too: the labels extend to the left, and the rightmost one
        // goes up, so no stem passes behind a label.
        assert!(!crossings(&[900.0, 950.0, 980.0], true));
        assert!(!crossings(&[20.0, 860.0, 930.0, 990.0], true));
        // Far apart: one row.
        let marks = [(20.0, W), (600.0, W)];
        assert_eq!(place_labels(&marks), vec![(0, "start"), (0, "start")]);
    }

    /// PIR-2021-042 (examples/): started 14:01, detected 15:20, acknowledged 15:26, the
    /// last timeline entry at 15:26. Its "Acknowledged" label stood over the stem of
    /// "Detected" (issue 11).
    #[test]
    fn acknowledged_no_longer_stands_over_the_detected_stem() {
        let x = |minutes: f64| LEFT + minutes / 85.0 * INNER;
        let marks = [
            (x(0.0), label_width("Started", "14:01")),
            (x(79.0), label_width("Detected", "15:20")),
            (x(85.0), label_width("Acknowledged", "15:26")),
        ];
        let placed = place_labels(&marks);
        let span = |i: usize| span(marks[i].0, marks[i].1, placed[i].1);
        for i in 0..3 {
            for j in 0..3 {
                if i != j && placed[j].0 > placed[i].0 {
                    let (a, b) = span(i);
                    assert!(
                        marks[j].0 < a || marks[j].0 > b,
                        "the stem of mark {j} crosses the label of mark {i}: {placed:?}"
                    );
                }
            }
        }
        // Detected sits below Acknowledged, both ending at their stems.
        assert_eq!(placed[1], (0, "end"));
        assert_eq!(placed[2], (1, "end"));
    }

    /// PIR-2018-019 (examples/): started 22:52, detected 22:54, acknowledged 22:55 on a
    /// 24-hour bar, all within a unit of each other: every stack crosses a stem, and the
    /// labels read in time order from the top (Acknowledged stood above Detected).
    #[test]
    fn a_stack_of_labels_a_minute_apart_reads_in_time_order() {
        let x = |minutes: f64| LEFT + minutes / 1451.0 * INNER;
        let marks = [
            (x(0.0), label_width("Started", "22:52")),
            (x(2.0), label_width("Detected", "22:54")),
            (x(3.0), label_width("Acknowledged", "22:55")),
            (x(1052.0), label_width("Mitigated", "16:24")),
            (x(1451.0), label_width("Resolved", "23:03")),
        ];
        let rows: Vec<usize> = place_labels(&marks).iter().map(|p| p.0).collect();
        assert_eq!(rows[..3], [2, 1, 0], "{rows:?}");
    }

    #[test]
    fn vertical_marks_are_pushed_apart_in_order() {
        assert_eq!(
            push_down(&[10.0, 12.0, 50.0, 51.0], 20.0),
            [10.0, 30.0, 50.0, 70.0]
        );
    }
}
