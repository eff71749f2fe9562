//! Inline SVG charts for the stats page: no scripts, no external requests. Every text node
//! and attribute value is escaped, whether it comes from a review (severity names) or from
//! pirt itself (`<5m`). Colours come from CSS classes (`sev0`…`sev4`, `bar`, `line`), so
//! the page's light and dark themes apply.
//!
//! The month axis runs over every calendar month from the first incident to the last, so
//! that its length is proportional to time; a month without incidents is an empty slot,
//! and the time-to-resolve line breaks there instead of being drawn through it. Time axes
//! step in human units (1m … 30m, 1h, 2h, 3h, 6h, 12h, 1d, 2d, 7d …), labelled in the
//! pages' one duration format; count axes step in 1, 2, 5 × 10^k.
//!
//! The charts draw plain values ([`Month`], [`Summary`]): they know nothing of how the
//! statistics are computed, so `insights::stats` depends on them and not the reverse.

use std::fmt::Write;

use chrono::{Datelike, NaiveDate};

use crate::review::duration::duration;

/// One month of incidents, as the charts draw it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Month {
    /// `YYYY-MM`
    pub month: String,
    /// Incidents per severity name.
    pub by_severity: Vec<(String, usize)>,
    /// The month's time to resolve.
    pub time_to_resolve: Summary,
}

/// What a chart shows of a metric: its median in seconds and how many values it rests on.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Summary {
    pub median: Option<f64>,
    pub n: usize,
}

const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 64.0;
const BOTTOM: f64 = 34.0;
const TOP: f64 = 12.0;

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn open(title: &str, width: f64, height: f64) -> String {
    format!(
        "<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\" class=\"chart\"><title>{}</title>",
        escape(title),
        escape(title)
    )
}

/// An axis from zero: the step between ticks and the top, with at most `most` steps.
fn axis(max: f64, steps: &[f64], most: f64) -> (f64, f64) {
    let max = max.max(0.0);
    let step = steps
        .iter()
        .copied()
        .find(|&s| (max / s).ceil() <= most)
        .unwrap_or_else(|| {
            let last = *steps.last().expect("steps");
            (max / most / last).ceil() * last
        });
    (step, ((max / step).ceil()).max(1.0) * step)
}

/// Steps for counts: 1, 2, 5, 10, 20, 50, …
fn count_steps() -> Vec<f64> {
    let mut out = Vec::new();
    let mut scale = 1.0;
    while scale < 1e9 {
        out.extend([1.0, 2.0, 5.0].map(|s| s * scale));
        scale *= 10.0;
    }
    out
}

/// Steps for durations in seconds: 1m, 2m, 5m, 10m, 15m, 30m, 1h, 2h, 3h, 6h, 12h, 1d, 2d,
/// 7d, 14d, 30d, 90d, 180d, 365d.
const TIME_STEPS: &[f64] = &[
    60.0,
    120.0,
    300.0,
    600.0,
    900.0,
    1_800.0,
    3_600.0,
    7_200.0,
    10_800.0,
    21_600.0,
    43_200.0,
    86_400.0,
    172_800.0,
    604_800.0,
    1_209_600.0,
    2_592_000.0,
    7_776_000.0,
    15_552_000.0,
    31_536_000.0,
];

/// Grid lines and labels from 0 to `top` every `step`, for a plot from `y0` (bottom) up
/// `height` units, with labels right-aligned at `x`.
#[allow(clippy::too_many_arguments)]
fn y_axis(
    svg: &mut String,
    step: f64,
    top: f64,
    x: f64,
    right: f64,
    y0: f64,
    height: f64,
    label: impl Fn(f64) -> String,
) {
    let n = (top / step).round() as i64;
    for i in 0..=n {
        let v = step * i as f64;
        let y = y0 - height * v / top;
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{x:.1}\" x2=\"{right:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            x - 6.0,
            y + 4.0,
            escape(&label(v))
        );
    }
}

/// Every calendar month from the first of `months` to the last, with its data if any.
fn calendar(months: &[Month]) -> Vec<(NaiveDate, Option<&Month>)> {
    let parse = |m: &Month| NaiveDate::parse_from_str(&format!("{}-01", m.month), "%Y-%m-%d").ok();
    let dated: Vec<(NaiveDate, &Month)> = months
        .iter()
        .filter_map(|m| parse(m).map(|d| (d, m)))
        .collect();
    let (Some(first), Some(last)) = (
        dated.iter().map(|d| d.0).min(),
        dated.iter().map(|d| d.0).max(),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut day = first;
    while day <= last {
        out.push((day, dated.iter().find(|d| d.0 == day).map(|d| d.1)));
        day = day
            .checked_add_months(chrono::Months::new(1))
            .expect("a month after a parsed one");
    }
    out
}

/// Which months of the axis get a label, and how it reads: every month for short ranges,
/// the quarters for a few years, else the years (at their January).
fn month_labels(calendar: &[(NaiveDate, Option<&Month>)]) -> Vec<(usize, String)> {
    let n = calendar.len();
    let years =
        calendar.last().map_or(0, |l| l.0.year()) - calendar.first().map_or(0, |f| f.0.year());
    calendar
        .iter()
        .enumerate()
        .filter_map(|(i, (d, _))| {
            let text = if n <= 8 {
                Some(d.format("%Y-%m").to_string())
            } else if n <= 30 {
                (d.month0() % 3 == 0 || i == 0).then(|| d.format("%Y-%m").to_string())
            } else {
                let every = (years / 10 + 1).max(1);
                (d.month() == 1 && d.year() % every == 0).then(|| d.year().to_string())
            };
            text.map(|t| (i, t))
        })
        .collect()
}

fn x_labels(svg: &mut String, labels: &[(usize, String)], x_of: impl Fn(usize) -> f64) {
    let y = H - BOTTOM;
    for (i, text) in labels {
        let x = x_of(*i);
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{y:.1}\" y2=\"{:.1}\"/><text class=\"axis\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            y + 4.0,
            y + 16.0,
            escape(text)
        );
    }
}

/// Incidents per month, stacked by severity (most severe at the bottom), on a month axis
/// proportional to time.
pub fn incidents_per_month(months: &[Month], severities: &[String]) -> String {
    let mut svg = open("Incidents per month by severity", W, H);
    let calendar = calendar(months);
    if calendar.is_empty() {
        svg.push_str("<text class=\"axis\" x=\"320\" y=\"110\" text-anchor=\"middle\">No incidents in this range</text></svg>");
        return svg;
    }
    let totals = calendar
        .iter()
        .map(|(_, m)| m.map_or(0, |m| m.by_severity.iter().map(|s| s.1).sum::<usize>()));
    let max = totals.max().unwrap_or(0) as f64;
    let (step, top) = axis(max.max(4.0), &count_steps(), 5.0);
    let plot_h = H - TOP - BOTTOM;
    y_axis(
        &mut svg,
        step,
        top,
        LEFT,
        W - 4.0,
        TOP + plot_h,
        plot_h,
        |v| format!("{v:.0}"),
    );
    let slot = (W - LEFT - 8.0) / calendar.len() as f64;
    let bar = (slot * 0.7).max(1.0);
    let x_of = |i: usize| LEFT + 4.0 + slot * i as f64;
    for (i, (day, month)) in calendar.iter().enumerate() {
        let Some(month) = month else { continue };
        let x = x_of(i) + (slot - bar) / 2.0;
        let mut y = TOP + plot_h;
        // Known severities in scale order, then any others.
        let mut keys: Vec<(usize, &String, usize)> = month
            .by_severity
            .iter()
            .map(|(k, n)| {
                let rank = severities.iter().position(|s| s == k).unwrap_or(4).min(4);
                (rank, k, *n)
            })
            .collect();
        keys.sort();
        for (rank, name, n) in keys {
            let h = plot_h * n as f64 / top;
            y -= h;
            let _ = write!(
                svg,
                "<rect class=\"sev{rank}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\"><title>{}: {n} {}</title></rect>",
                escape(&day.format("%Y-%m").to_string()),
                escape(name)
            );
        }
    }
    x_labels(&mut svg, &month_labels(&calendar), |i| x_of(i) + slot / 2.0);
    svg.push_str("</svg>");
    svg
}

/// The median time to resolve per month, as a line that breaks at months without a
/// resolved incident.
pub fn ttr_trend(months: &[Month]) -> String {
    let mut svg = open("Median time to resolve per month", W, H);
    let calendar = calendar(months);
    let medians: Vec<Option<f64>> = calendar
        .iter()
        .map(|(_, m)| m.and_then(|m| m.time_to_resolve.median))
        .collect();
    if medians.iter().all(Option::is_none) {
        svg.push_str("<text class=\"axis\" x=\"320\" y=\"110\" text-anchor=\"middle\">No resolved incidents in this range</text></svg>");
        return svg;
    }
    let max = medians.iter().flatten().copied().fold(0.0, f64::max);
    let (step, top) = axis(max, TIME_STEPS, 5.0);
    let plot_h = H - TOP - BOTTOM;
    y_axis(
        &mut svg,
        step,
        top,
        LEFT,
        W - 4.0,
        TOP + plot_h,
        plot_h,
        |v| {
            if v == 0.0 {
                "0".into()
            } else {
                duration(v.round() as i64)
            }
        },
    );
    let slot = (W - LEFT - 8.0) / calendar.len() as f64;
    let xy = |i: usize, v: f64| {
        (
            LEFT + 4.0 + slot * (i as f64 + 0.5),
            TOP + plot_h - plot_h * v / top,
        )
    };
    // One line per run of consecutive months with a median.
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, svg: &mut String| {
        if run.len() > 1 {
            let _ = write!(
                svg,
                "<polyline class=\"line\" fill=\"none\" points=\"{}\"/>",
                run.join(" ")
            );
        }
        run.clear();
    };
    for (i, median) in medians.iter().enumerate() {
        match median {
            Some(v) => {
                let (x, y) = xy(i, *v);
                run.push(format!("{x:.1},{y:.1}"));
            }
            None => flush(&mut run, &mut svg),
        }
    }
    flush(&mut run, &mut svg);
    for (i, ((day, month), median)) in calendar.iter().zip(&medians).enumerate() {
        let (Some(month), Some(v)) = (month, median) else {
            continue;
        };
        let (x, y) = xy(i, *v);
        let _ = write!(
            svg,
            "<circle class=\"dot\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\"><title>{}: median {} over {} incident(s)</title></circle>",
            escape(&day.format("%Y-%m").to_string()),
            escape(&duration(v.round() as i64)),
            month.time_to_resolve.n
        );
    }
    x_labels(&mut svg, &month_labels(&calendar), |i| xy(i, 0.0).0);
    svg.push_str("</svg>");
    svg
}

/// Buckets for time-to-x histograms, in seconds: each holds values from the previous
/// bound up to (not including) its own.
const BUCKETS: &[(i64, &str)] = &[
    (5 * 60, "<5m"),
    (15 * 60, "5–15m"),
    (30 * 60, "15–30m"),
    (3_600, "30m–1h"),
    (4 * 3_600, "1–4h"),
    (24 * 3_600, "4h–1d"),
    (i64::MAX, "≥1d"),
];

const HIST_W: f64 = 320.0;
const HIST_H: f64 = 230.0;

/// One histogram per metric (TTD, TTA, TTM, TTR), each an SVG of its own with a count axis,
/// the count above every bar and every bucket labelled; the page lays them out in a grid.
pub fn distribution(values: &[Vec<i64>; 4], figures: [Summary; 4]) -> String {
    let names = [
        ("TTD", "time to detect"),
        ("TTA", "time to acknowledge"),
        ("TTM", "time to mitigate"),
        ("TTR", "time to resolve"),
    ];
    let mut out = String::from("<div class=\"histograms\">");
    for (p, vals) in values.iter().enumerate() {
        let (short, long) = names[p];
        let counts: Vec<usize> = BUCKETS
            .iter()
            .enumerate()
            .map(|(b, &(upper, _))| {
                let lower = if b == 0 { i64::MIN } else { BUCKETS[b - 1].0 };
                vals.iter().filter(|&&v| v >= lower && v < upper).count()
            })
            .collect();
        let median = figures[p].median.map_or("no data".to_string(), |m| {
            format!("median {}", duration(m.round() as i64))
        });
        let mut svg = open(
            &format!(
                "How many reviews took how long: {long} ({short}), {} review(s), {median}",
                figures[p].n
            ),
            HIST_W,
            HIST_H,
        );
        // Room above the plot for the heading and for the count over the tallest bar; below
        // it for bucket labels on two staggered lines (they would touch on one).
        let (left, top_y, bottom) = (34.0, 54.0, 52.0);
        let plot_h = HIST_H - top_y - bottom;
        let max = counts.iter().copied().max().unwrap_or(0) as f64;
        let (step, top) = axis(max, &count_steps(), 4.0);
        let y0 = top_y + plot_h;
        let _ = write!(
            svg,
            "<text class=\"label\" x=\"{left}\" y=\"16\">{} · {} review{}</text><text class=\"axis\" x=\"{left}\" y=\"30\">{}</text>",
            escape(short),
            figures[p].n,
            if figures[p].n == 1 { "" } else { "s" },
            escape(&median)
        );
        y_axis(&mut svg, step, top, left, HIST_W - 4.0, y0, plot_h, |v| {
            format!("{v:.0}")
        });
        let slot = (HIST_W - left - 6.0) / BUCKETS.len() as f64;
        for (b, &n) in counts.iter().enumerate() {
            let h = plot_h * n as f64 / top;
            let x = left + 2.0 + slot * b as f64;
            let y = y0 - h;
            let _ = write!(
                svg,
                "<rect class=\"bar\" x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\"><title>{}</title></rect><text class=\"count\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{n}</text><text class=\"axis small\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + 2.0,
                (slot - 4.0).max(1.0),
                escape(&format!("{short} {}: {n}", BUCKETS[b].1)),
                x + slot / 2.0,
                y - 4.0,
                x + slot / 2.0,
                y0 + if b % 2 == 0 { 15.0 } else { 28.0 },
                escape(BUCKETS[b].1)
            );
        }
        let _ = write!(
            svg,
            "<text class=\"axis small\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">reviews per {short} range</text>",
            left + (HIST_W - left) / 2.0,
            HIST_H - 6.0
        );
        svg.push_str("</svg>");
        out.push_str(&svg);
    }
    out.push_str("</div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The median of `values` (as `insights::stats` computes it) and their count.
    fn summary(mut values: Vec<i64>) -> Summary {
        values.sort_unstable();
        let n = values.len();
        let median = match n {
            0 => None,
            _ if n % 2 == 1 => Some(values[n / 2] as f64),
            _ => Some((values[n / 2 - 1] + values[n / 2]) as f64 / 2.0),
        };
        Summary { median, n }
    }

    fn month(name: &str, severity: &str, n: usize, ttr: Vec<i64>) -> Month {
        Month {
            month: name.into(),
            by_severity: vec![(severity.to_string(), n)],
            time_to_resolve: summary(ttr),
        }
    }

    /// Every text node and attribute value of an SVG, as written (still escaped).
    fn texts(svg: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut rest = svg;
        while let Some(end) = rest.find('>') {
            rest = &rest[end + 1..];
            let next = rest.find('<').unwrap_or(rest.len());
            out.push(&rest[..next]);
            rest = &rest[next..];
        }
        out
    }

    #[test]
    fn names_from_files_are_escaped() {
        let m = month("2026-01", "<script>alert(1)</script>", 2, vec![3600]);
        let svg = incidents_per_month(&[m], &["SEV1".into()]);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
    }

    /// Issue 16: `<title>TTD <5m: 2</title>` failed the Nu HTML checker. No text node of
    /// any chart may hold a raw `<`, `>` or a `&` that does not start an entity.
    #[test]
    fn every_text_node_is_escaped() {
        let figures = summary(vec![60, 120, 4_000, 100_000]);
        let values: [Vec<i64>; 4] = std::array::from_fn(|_| vec![60, 120, 4_000, 100_000]);
        let months = [
            month("2026-01", "S&P <1>", 1, vec![60]),
            month("2026-03", "SEV1", 2, vec![90_000]),
        ];
        for svg in [
            distribution(&values, [figures; 4]),
            incidents_per_month(&months, &["SEV1".into()]),
            ttr_trend(&months),
        ] {
            for text in texts(&svg) {
                assert!(!text.contains('>'), "{text:?} in {svg}");
                for (i, _) in text.match_indices('&') {
                    let entity = &text[i..];
                    assert!(
                        ["&lt;", "&gt;", "&amp;", "&quot;", "&#39;"]
                            .iter()
                            .any(|e| entity.starts_with(e)),
                        "{text:?}"
                    );
                }
            }
        }
        let svg = distribution(&values, [figures; 4]);
        assert!(svg.contains("<title>TTD &lt;5m: 2</title>"), "{svg}");
    }

    #[test]
    fn axes_step_in_human_units() {
        // Counts: whole numbers.
        assert_eq!(axis(7.0, &count_steps(), 5.0), (2.0, 8.0));
        assert_eq!(axis(3.0, &count_steps(), 4.0), (1.0, 3.0));
        assert_eq!(axis(0.0, &count_steps(), 4.0), (1.0, 1.0));
        // Times: 5 h 46 m → every 2 h up to 6 h; 1 d 0 h 11 m → every 6 h up to 1 d 6 h.
        assert_eq!(axis(20_760.0, TIME_STEPS, 5.0), (7_200.0, 21_600.0));
        assert_eq!(axis(87_060.0, TIME_STEPS, 5.0), (21_600.0, 108_000.0));
        assert_eq!(axis(2_000.0, TIME_STEPS, 5.0), (600.0, 2_400.0));
        let svg = ttr_trend(&[month("2026-01", "SEV1", 1, vec![87_060])]);
        for label in [">0<", ">6h<", ">12h<", ">18h<", ">1d<", ">1d 6h<"] {
            assert!(svg.contains(label), "{label} in {svg}");
        }
        assert!(!svg.contains(">1.25h<"));
    }

    #[test]
    fn months_without_data_are_gaps_on_a_proportional_axis() {
        let months = [
            month("2025-11", "SEV1", 1, vec![3_600]),
            month("2025-12", "SEV1", 1, vec![7_200]),
            // No incident in 2026-01 and 2026-02.
            month("2026-03", "SEV2", 2, vec![1_800]),
            month("2026-04", "SEV2", 1, vec![]),
            month("2026-05", "SEV2", 1, vec![3_600]),
        ];
        // Seven calendar months, not five: the axis is proportional to time.
        assert_eq!(calendar(&months).len(), 7);
        let bars = incidents_per_month(&months, &["SEV1".into(), "SEV2".into()]);
        assert_eq!(bars.matches("<rect").count(), 5);
        // Bars stand in the slots of their months: 2026-03 is the fifth of seven.
        let slot = (W - LEFT - 8.0) / 7.0;
        let x = LEFT + 4.0 + slot * 4.0 + (slot - slot * 0.7) / 2.0;
        assert!(
            bars.contains(&format!("<rect class=\"sev1\" x=\"{x:.1}\"")),
            "{bars}"
        );
        // The line: 2025-11 to 2025-12, then 2026-03 alone (2026-04 has no resolved
        // incident), then 2026-05 alone: one line of two points and four dots.
        let trend = ttr_trend(&months);
        assert_eq!(trend.matches("<polyline").count(), 1, "{trend}");
        assert_eq!(trend.matches("<circle").count(), 4);
        let points = trend.split("points=\"").nth(1).unwrap();
        let points = &points[..points.find('"').unwrap()];
        assert_eq!(points.split(' ').count(), 2, "{points}");
    }

    #[test]
    fn histograms_label_every_bin_and_show_counts() {
        let values: [Vec<i64>; 4] = [
            vec![60, 120, 600, 600, 7_200],
            vec![],
            vec![100_000],
            vec![1_000; 12],
        ];
        let f = [
            summary(values[0].clone()),
            summary(vec![]),
            summary(values[2].clone()),
            summary(values[3].clone()),
        ];
        let svg = distribution(&values, f);
        assert_eq!(svg.matches("<svg").count(), 4);
        let first = svg.split("</svg>").next().unwrap();
        for label in BUCKETS.iter().map(|b| escape(b.1)) {
            assert!(first.contains(&format!(">{label}</text>")), "{label}");
        }
        // Counts above the bars: <5m 2, 5–15m 2, 1–4h 1, the others 0.
        let counts: Vec<&str> = first
            .match_indices("class=\"count\"")
            .map(|(i, _)| {
                let rest = &first[i..];
                let from = rest.find('>').unwrap() + 1;
                &rest[from..from + rest[from..].find('<').unwrap()]
            })
            .collect();
        assert_eq!(counts, ["2", "2", "0", "0", "1", "0", "0"]);
        // A count axis from 0 to 2.
        assert!(first.contains(">0</text>") && first.contains(">2</text>"));
        // Twelve values: the axis goes up in fives, not to 12.5.
        let last = svg.split("</svg>").nth(3).unwrap();
        assert!(last.contains(">15</text>"), "{last}");
    }
}
