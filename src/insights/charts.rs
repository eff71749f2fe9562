//! Inline SVG charts for the stats page: no scripts, no external requests. Every text that
//! comes from a review (severity names, months) is escaped. Colours come from CSS classes
//! (`sev0`…`sev4`, `bar`, `line`), so the page's light and dark themes apply.

use std::fmt::Write;

use crate::insights::stats::{Figure, Month};
use crate::review::time::human_duration;

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

fn open(title: &str) -> String {
    format!(
        "<svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\" class=\"chart\"><title>{}</title>",
        escape(title),
        escape(title)
    )
}

/// A nice upper bound for an axis (1, 2, 5 × 10^k).
fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let exp = 10f64.powf(max.log10().floor());
    for step in [1.0, 2.0, 5.0, 10.0] {
        if step * exp >= max {
            return step * exp;
        }
    }
    10.0 * exp
}

fn y_axis(svg: &mut String, max: f64, label: impl Fn(f64) -> String) {
    let plot_h = H - TOP - BOTTOM;
    for i in 0..=4 {
        let v = max * f64::from(i) / 4.0;
        let y = TOP + plot_h - plot_h * f64::from(i) / 4.0;
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text class=\"axis\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - 4.0,
            LEFT - 6.0,
            y + 4.0,
            escape(&label(v))
        );
    }
}

/// Which months get a label: at most about 12 along the axis.
fn label_every(n: usize) -> usize {
    n.div_ceil(12).max(1)
}

/// Incidents per month, stacked by severity (most severe at the bottom).
pub fn incidents_per_month(months: &[Month], severities: &[String]) -> String {
    let mut svg = open("Incidents per month by severity");
    if months.is_empty() {
        svg.push_str("<text class=\"axis\" x=\"320\" y=\"110\" text-anchor=\"middle\">No incidents in this range</text></svg>");
        return svg;
    }
    let totals: Vec<usize> = months
        .iter()
        .map(|m| m.by_severity.values().sum())
        .collect();
    // Whole numbers on the axis: at least 0..4 in steps of one.
    let max = nice_max(totals.iter().copied().max().unwrap_or(1) as f64).max(4.0);
    let max = (max / 4.0).ceil() * 4.0;
    y_axis(&mut svg, max, |v| format!("{v:.0}"));
    let plot_h = H - TOP - BOTTOM;
    let slot = (W - LEFT - 8.0) / months.len() as f64;
    let bar = (slot * 0.7).max(1.0);
    let every = label_every(months.len());
    for (i, month) in months.iter().enumerate() {
        let x = LEFT + 4.0 + slot * i as f64 + (slot - bar) / 2.0;
        let mut y = TOP + plot_h;
        // Known severities in scale order, then any others.
        let mut keys: Vec<(usize, &String, usize)> = month
            .by_severity
            .iter()
            .map(|(k, &n)| {
                let rank = severities.iter().position(|s| s == k).unwrap_or(4).min(4);
                (rank, k, n)
            })
            .collect();
        keys.sort();
        for (rank, name, n) in keys {
            let h = plot_h * n as f64 / max;
            y -= h;
            let _ = write!(
                svg,
                "<rect class=\"sev{rank}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\"><title>{}: {n} {}</title></rect>",
                escape(&month.month),
                escape(name)
            );
        }
        if i % every == 0 {
            let _ = write!(
                svg,
                "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + bar / 2.0,
                H - BOTTOM + 16.0,
                escape(&month.month)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The median time to resolve per month, as a line.
pub fn ttr_trend(months: &[Month]) -> String {
    let mut svg = open("Median time to resolve per month");
    let points: Vec<(usize, &Month, f64)> = months
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.time_to_resolve.median.map(|v| (i, m, v)))
        .collect();
    if points.is_empty() {
        svg.push_str("<text class=\"axis\" x=\"320\" y=\"110\" text-anchor=\"middle\">No resolved incidents in this range</text></svg>");
        return svg;
    }
    let max = nice_max(points.iter().map(|p| p.2).fold(0.0, f64::max) / 3600.0) * 3600.0;
    y_axis(&mut svg, max, |v| {
        if v >= 3600.0 {
            format!("{:.0}h", v / 3600.0)
        } else {
            format!("{:.0}m", v / 60.0)
        }
    });
    let plot_h = H - TOP - BOTTOM;
    let slot = (W - LEFT - 8.0) / months.len() as f64;
    let xy = |i: usize, v: f64| {
        (
            LEFT + 4.0 + slot * (i as f64 + 0.5),
            TOP + plot_h - plot_h * v / max,
        )
    };
    let path: Vec<String> = points
        .iter()
        .map(|&(i, _, v)| {
            let (x, y) = xy(i, v);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = write!(
        svg,
        "<polyline class=\"line\" fill=\"none\" points=\"{}\"/>",
        path.join(" ")
    );
    for &(i, month, v) in &points {
        let (x, y) = xy(i, v);
        let _ = write!(
            svg,
            "<circle class=\"dot\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\"><title>{}: median {} over {} incident(s)</title></circle>",
            escape(&month.month),
            human_duration(v as i64),
            month.time_to_resolve.n
        );
    }
    let every = label_every(months.len());
    for (i, month) in months.iter().enumerate().step_by(every) {
        let (x, _) = xy(i, 0.0);
        let _ = write!(
            svg,
            "<text class=\"axis\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            H - BOTTOM + 16.0,
            escape(&month.month)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Buckets for time-to-x histograms, in seconds (upper bounds).
const BUCKETS: &[(i64, &str)] = &[
    (5 * 60, "<5m"),
    (15 * 60, "5–15m"),
    (30 * 60, "15–30m"),
    (3600, "30m–1h"),
    (4 * 3600, "1–4h"),
    (24 * 3600, "4–24h"),
    (i64::MAX, ">1d"),
];

/// One histogram per metric (TTD, TTA, TTM, TTR) side by side.
pub fn distribution(values: &[Vec<i64>; 4], figures: [&Figure; 4]) -> String {
    let mut svg = open("Distribution of time to detect, acknowledge, mitigate and resolve");
    let names = ["TTD", "TTA", "TTM", "TTR"];
    let panel = (W - 8.0) / 4.0;
    let plot_h = H - TOP - BOTTOM - 22.0;
    for (p, vals) in values.iter().enumerate() {
        let counts: Vec<usize> = BUCKETS
            .iter()
            .enumerate()
            .map(|(b, &(upper, _))| {
                let lower = if b == 0 { i64::MIN } else { BUCKETS[b - 1].0 };
                vals.iter().filter(|&&v| v >= lower && v < upper).count()
            })
            .collect();
        let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
        let x0 = 4.0 + panel * p as f64;
        let bar = (panel - 16.0) / BUCKETS.len() as f64;
        let median = figures[p].median.map_or("no data".to_string(), |m| {
            format!("median {}", human_duration(m as i64))
        });
        let _ = write!(
            svg,
            "<text class=\"label\" x=\"{:.1}\" y=\"{TOP}\" dy=\"4\">{} · n={}</text><text class=\"axis\" x=\"{:.1}\" y=\"{TOP}\" dy=\"17\">{}</text>",
            x0 + 8.0,
            names[p],
            figures[p].n,
            x0 + 8.0,
            escape(&median)
        );
        for (b, &n) in counts.iter().enumerate() {
            let h = plot_h * n as f64 / max;
            let x = x0 + 8.0 + bar * b as f64;
            let y = TOP + 22.0 + plot_h - h;
            let _ = write!(
                svg,
                "<rect class=\"bar\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\"><title>{} {}: {n}</title></rect>",
                (bar - 2.0).max(1.0),
                names[p],
                BUCKETS[b].1
            );
            if b % 2 == 0 {
                let _ = write!(
                    svg,
                    "<text class=\"axis small\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                    x + bar / 2.0,
                    H - BOTTOM + 14.0,
                    BUCKETS[b].1
                );
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn names_from_files_are_escaped() {
        let month = Month {
            month: "2026-01".into(),
            by_severity: BTreeMap::from([("<script>alert(1)</script>".to_string(), 2)]),
            time_to_resolve: Figure::of(vec![3600]),
        };
        let svg = incidents_per_month(&[month], &["SEV1".into()]);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(0.3), 0.5);
    }
}
