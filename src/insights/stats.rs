//! `pirt stats`: counts, time-to-x figures and recurring failures across reviews.
//!
//! Figures follow SPEC §4: TTD = detected − started, TTA = acknowledged − detected,
//! TTM = mitigated − started, TTR = resolved − started. A review missing one of the two
//! timestamps (or with them in the wrong order) is left out of that figure, never counted
//! as zero; every figure says how many reviews it rests on.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::config::Config;
use crate::corpus::Entry;
use crate::insights::charts;
use crate::review::Review;

/// How reviews are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    Severity,
    Service,
    Month,
    Quarter,
}

/// Mean, median and 90th percentile of one metric, in seconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Figure {
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub p90: Option<f64>,
    /// How many reviews the figure rests on.
    pub n: usize,
}

impl Figure {
    pub fn of(mut values: Vec<i64>) -> Self {
        values.sort_unstable();
        let n = values.len();
        if n == 0 {
            return Figure::default();
        }
        let mean = values.iter().map(|&v| v as f64).sum::<f64>() / n as f64;
        let median = if n % 2 == 1 {
            values[n / 2] as f64
        } else {
            (values[n / 2 - 1] as f64 + values[n / 2] as f64) / 2.0
        };
        // Nearest rank: the smallest value with at least 90% of the values at or below it.
        let rank = ((0.9 * n as f64).ceil() as usize).clamp(1, n);
        Figure {
            mean: Some(mean),
            median: Some(median),
            p90: Some(values[rank - 1] as f64),
            n,
        }
    }

    /// What a chart shows of the figure.
    pub fn summary(&self) -> charts::Summary {
        charts::Summary {
            median: self.median,
            n: self.n,
        }
    }
}

/// Action items by state.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ActionCounts {
    pub total: usize,
    /// `open` or `in-progress`.
    pub open: usize,
    pub done: usize,
    /// Open and past `due` (or the severity's deadline).
    pub overdue: usize,
}

/// The figures of one group of reviews.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Group {
    pub key: String,
    pub incidents: usize,
    pub time_to_detect: Figure,
    pub time_to_acknowledge: Figure,
    pub time_to_mitigate: Figure,
    pub time_to_resolve: Figure,
    pub action_items: ActionCounts,
}

/// An incident named in a recurrence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IncidentRef {
    pub id: String,
    pub title: String,
    pub started: Option<NaiveDate>,
    pub severity: String,
    pub problem: Option<String>,
}

/// A service or tag that keeps failing without one problem record covering it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Recurrence {
    /// `service` or `tag`.
    pub kind: &'static str,
    pub name: String,
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
    pub incidents: Vec<IncidentRef>,
    /// Problem records some of these incidents already link.
    pub problems: Vec<String>,
}

/// Incidents of one month, for the charts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Month {
    /// `YYYY-MM`
    pub month: String,
    pub by_severity: BTreeMap<String, usize>,
    pub time_to_resolve: Figure,
}

impl Month {
    /// The month as the charts draw it.
    pub fn chart(&self) -> charts::Month {
        charts::Month {
            month: self.month.clone(),
            by_severity: self
                .by_severity
                .iter()
                .map(|(k, &n)| (k.clone(), n))
                .collect(),
            time_to_resolve: self.time_to_resolve.summary(),
        }
    }
}

/// Everything `pirt stats` reports. `schema_version` changes when a field changes meaning.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stats {
    pub schema_version: u32,
    pub today: NaiveDate,
    pub by: By,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub total: Group,
    pub groups: Vec<Group>,
    pub recurrence: Vec<Recurrence>,
    pub months: Vec<Month>,
    /// Every time-to-x value of the selected reviews (seconds), for distributions.
    #[serde(skip)]
    pub values: [Vec<i64>; 4],
    pub severities: Vec<String>,
}

/// What to count.
#[derive(Clone, Debug)]
pub struct Query {
    pub by: By,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub today: NaiveDate,
}

fn started_date(review: &Review, config: &Config) -> Option<NaiveDate> {
    Some(review.started_at?.with_timezone(&config.zone).date_naive())
}

/// The metric values of a review that can be used: both timestamps set, in order.
fn metric_values(review: &Review) -> [Option<i64>; 4] {
    let m = review.metrics();
    [
        m.time_to_detect,
        m.time_to_acknowledge,
        m.time_to_mitigate,
        m.time_to_resolve,
    ]
    .map(|v| v.filter(|&s| s >= 0))
}

fn group_of(reviews: &[&Review], key: String, config: &Config, today: NaiveDate) -> Group {
    let mut values: [Vec<i64>; 4] = Default::default();
    let mut actions = ActionCounts::default();
    for review in reviews {
        for (i, v) in metric_values(review).into_iter().enumerate() {
            values[i].extend(v);
        }
        for item in &review.action_items {
            actions.total += 1;
            if item.is_open() {
                actions.open += 1;
            }
            if item.status == crate::review::ActionStatus::Done {
                actions.done += 1;
            }
            if review.is_overdue(item, config, today) {
                actions.overdue += 1;
            }
        }
    }
    let [d, a, m, r] = values;
    Group {
        key,
        incidents: reviews.len(),
        time_to_detect: Figure::of(d),
        time_to_acknowledge: Figure::of(a),
        time_to_mitigate: Figure::of(m),
        time_to_resolve: Figure::of(r),
        action_items: actions,
    }
}

/// Computes the statistics of `entries`.
pub fn compute(entries: &[Entry], config: &Config, query: &Query) -> Stats {
    let selected: Vec<&Review> = entries
        .iter()
        .map(|e| &e.review)
        .filter(|r| {
            let day = started_date(r, config);
            query.since.is_none_or(|s| day.is_some_and(|d| d >= s))
                && query.until.is_none_or(|u| day.is_some_and(|d| d <= u))
        })
        .collect();
    let total = group_of(&selected, "all".into(), config, query.today);

    let mut groups: BTreeMap<(usize, String), Vec<&Review>> = BTreeMap::new();
    for review in &selected {
        let month = started_date(review, config);
        let keys: Vec<(usize, String)> = match query.by {
            By::Severity => {
                // A severity not in the scale sorts after the scale.
                let rank = review.severity.rank.unwrap_or(usize::MAX);
                vec![(rank, review.severity.to_string())]
            }
            By::Service if review.services.is_empty() => vec![(1, "(no service)".into())],
            By::Service => review.services.iter().map(|s| (0, s.clone())).collect(),
            By::Month => vec![(
                0,
                month.map_or("(no date)".into(), |d| d.format("%Y-%m").to_string()),
            )],
            By::Quarter => vec![(
                0,
                month.map_or("(no date)".into(), |d| {
                    format!("{}-Q{}", d.year(), (d.month() - 1) / 3 + 1)
                }),
            )],
        };
        for key in keys.into_iter().collect::<BTreeSet<_>>() {
            groups.entry(key).or_default().push(review);
        }
    }
    let groups = groups
        .into_iter()
        .map(|((_, key), reviews)| group_of(&reviews, key, config, query.today))
        .collect();

    let mut months: BTreeMap<String, Vec<&Review>> = BTreeMap::new();
    for review in &selected {
        if let Some(d) = started_date(review, config) {
            months
                .entry(d.format("%Y-%m").to_string())
                .or_default()
                .push(review);
        }
    }
    let months = months
        .into_iter()
        .map(|(month, reviews)| {
            let mut by_severity = BTreeMap::new();
            for r in &reviews {
                *by_severity.entry(r.severity.to_string()).or_insert(0) += 1;
            }
            Month {
                month,
                by_severity,
                time_to_resolve: Figure::of(
                    reviews.iter().filter_map(|r| metric_values(r)[3]).collect(),
                ),
            }
        })
        .collect();

    let mut values: [Vec<i64>; 4] = Default::default();
    for review in &selected {
        for (i, v) in metric_values(review).into_iter().enumerate() {
            values[i].extend(v);
        }
    }
    Stats {
        schema_version: 1,
        today: query.today,
        by: query.by,
        since: query.since,
        until: query.until,
        total,
        groups,
        recurrence: recurrence(&selected, config),
        months,
        values,
        severities: config.severity_names(),
    }
}

/// Services and tags with at least `recurrence_min` incidents within the window that do
/// not all link the same problem record. For each, the densest window is reported (the
/// latest one on a tie).
pub fn recurrence(reviews: &[&Review], config: &Config) -> Vec<Recurrence> {
    let min = config.stats.recurrence_min.max(2);
    let window = i64::from(config.stats.recurrence_window_days);
    let mut by_key: BTreeMap<(&'static str, &str), Vec<&Review>> = BTreeMap::new();
    for review in reviews {
        if review.started_at.is_none() {
            continue;
        }
        for s in review.services.iter().collect::<BTreeSet<_>>() {
            by_key.entry(("service", s)).or_default().push(review);
        }
        for t in review.tags.iter().collect::<BTreeSet<_>>() {
            by_key.entry(("tag", t)).or_default().push(review);
        }
    }
    let mut out = Vec::new();
    for ((kind, name), mut list) in by_key {
        if list.len() < min {
            continue;
        }
        list.sort_by_key(|r| (r.started_at, r.id.clone()));
        let day = |r: &Review| started_date(r, config).expect("filtered above");
        // Two pointers: the largest set of incidents within `window` days.
        let (mut best, mut start) = ((0usize, 0usize), 0usize);
        for end in 0..list.len() {
            while (day(list[end]) - day(list[start])).num_days() > window {
                start += 1;
            }
            if end + 1 - start >= best.1 - best.0 {
                best = (start, end + 1);
            }
        }
        let incidents = &list[best.0..best.1];
        if incidents.len() < min {
            continue;
        }
        let problems: BTreeSet<Option<&String>> =
            incidents.iter().map(|r| r.problem.as_ref()).collect();
        if problems.len() == 1 && problems.iter().next().is_some_and(Option::is_some) {
            continue; // All handed to the same problem record: problem management has it.
        }
        out.push(Recurrence {
            kind,
            name: name.to_string(),
            first: incidents.first().map(|r| day(r)),
            last: incidents.last().map(|r| day(r)),
            incidents: incidents
                .iter()
                .map(|r| IncidentRef {
                    id: r.id.clone(),
                    title: r.title.clone(),
                    started: started_date(r, config),
                    severity: r.severity.to_string(),
                    problem: r.problem.clone(),
                })
                .collect(),
            problems: problems.into_iter().flatten().cloned().collect(),
        });
    }
    out.sort_by(|a, b| {
        b.incidents
            .len()
            .cmp(&a.incidents.len())
            .then(b.last.cmp(&a.last))
            .then(a.name.cmp(&b.name))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::time::parse_rfc3339;

    fn review(id: &str, started: &str, extra: impl FnOnce(&mut Review)) -> Entry {
        let mut r = Review {
            id: id.into(),
            title: id.into(),
            severity: Config::default().severity.resolve("SEV2"),
            started_at: Some(parse_rfc3339(started).unwrap()),
            ..Review::default()
        };
        extra(&mut r);
        Entry {
            path: format!("{id}.md").into(),
            review: r,
        }
    }

    fn at(s: &str) -> Option<crate::review::Timestamp> {
        Some(parse_rfc3339(s).unwrap())
    }

    #[test]
    fn figures_by_hand() {
        // 1, 2, 3, 4, 100 minutes: mean 22, median 3, p90 (nearest rank 5) 100.
        let f = Figure::of(vec![60, 120, 180, 240, 6000]);
        assert_eq!(f.mean, Some(1320.0));
        assert_eq!(f.median, Some(180.0));
        assert_eq!(f.p90, Some(6000.0));
        assert_eq!(f.n, 5);
        // Even count: the median is the mean of the middle two.
        assert_eq!(Figure::of(vec![10, 20, 30, 40]).median, Some(25.0));
        // 10 values: p90 is the 9th.
        assert_eq!(Figure::of((1..=10).collect()).p90, Some(9.0));
        assert_eq!(Figure::of(vec![]), Figure::default());
    }

    #[test]
    fn missing_timestamps_are_left_out_not_zero_and_zones_are_absolute() {
        let config = Config::default();
        let entries = vec![
            // Detected 10 minutes later, written in two different zones.
            review("A", "2026-01-10T14:00:00+01:00", |r| {
                r.detected_at = at("2026-01-10T13:10:00Z");
                r.resolved_at = at("2026-01-10T15:00:00Z");
            }),
            // No detected_at: TTD rests on one review only.
            review("B", "2026-01-20T10:00:00Z", |r| {
                r.resolved_at = at("2026-01-20T13:00:00Z");
            }),
            // Out of order: left out rather than negative.
            review("C", "2026-02-01T10:00:00Z", |r| {
                r.detected_at = at("2026-02-01T09:00:00Z");
            }),
        ];
        let query = Query {
            by: By::Month,
            since: None,
            until: None,
            today: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        };
        let stats = compute(&entries, &config, &query);
        assert_eq!(stats.total.incidents, 3);
        assert_eq!(stats.total.time_to_detect.n, 1);
        assert_eq!(stats.total.time_to_detect.mean, Some(600.0));
        // TTR: 2 h and 3 h.
        assert_eq!(stats.total.time_to_resolve.n, 2);
        assert_eq!(stats.total.time_to_resolve.median, Some(9000.0));
        let keys: Vec<&str> = stats.groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, ["2026-01", "2026-02"]);
        let since = Query {
            since: NaiveDate::from_ymd_opt(2026, 1, 15),
            ..query
        };
        assert_eq!(compute(&entries, &config, &since).total.incidents, 2);
    }

    #[test]
    fn grouping_by_service_counts_a_review_in_each_of_its_services() {
        let config = Config::default();
        let entries = vec![
            review("A", "2026-01-10T10:00:00Z", |r| {
                r.services = vec!["api".into(), "db".into()]
            }),
            review("B", "2026-04-10T10:00:00Z", |r| {
                r.services = vec!["db".into()]
            }),
            review("C", "2026-05-10T10:00:00Z", |_| {}),
        ];
        let query = Query {
            by: By::Service,
            since: None,
            until: None,
            today: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        };
        let stats = compute(&entries, &config, &query);
        let counts: Vec<(&str, usize)> = stats
            .groups
            .iter()
            .map(|g| (g.key.as_str(), g.incidents))
            .collect();
        assert_eq!(counts, [("api", 1), ("db", 2), ("(no service)", 1)]);
        let by_quarter = compute(
            &entries,
            &config,
            &Query {
                by: By::Quarter,
                ..query
            },
        );
        let keys: Vec<&str> = by_quarter.groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, ["2026-Q1", "2026-Q2"]);
    }

    #[test]
    fn recurrence_needs_enough_incidents_in_the_window_and_no_shared_problem() {
        let config = Config::default(); // 3 within 90 days
        let with = |service: &'static str, problem: Option<&'static str>| {
            move |r: &mut Review| {
                r.services = vec![service.into()];
                r.problem = problem.map(String::from);
            }
        };
        let entries = vec![
            // api: three within 90 days, one linked: a candidate.
            review("A1", "2026-01-01T00:00:00Z", with("api", None)),
            review("A2", "2026-02-01T00:00:00Z", with("api", Some("PRB-0001"))),
            review("A3", "2026-03-15T00:00:00Z", with("api", None)),
            // db: three, but spread over a year: not a candidate.
            review("D1", "2025-01-01T00:00:00Z", with("db", None)),
            review("D2", "2025-06-01T00:00:00Z", with("db", None)),
            review("D3", "2026-01-01T00:00:00Z", with("db", None)),
            // cache: three within the window, all on one problem record: handled.
            review(
                "C1",
                "2026-01-01T00:00:00Z",
                with("cache", Some("PRB-0002")),
            ),
            review(
                "C2",
                "2026-01-02T00:00:00Z",
                with("cache", Some("PRB-0002")),
            ),
            review(
                "C3",
                "2026-01-03T00:00:00Z",
                with("cache", Some("PRB-0002")),
            ),
        ];
        let refs: Vec<&Review> = entries.iter().map(|e| &e.review).collect();
        let found = recurrence(&refs, &config);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].name, "api");
        let ids: Vec<&str> = found[0].incidents.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["A1", "A2", "A3"]);
        assert_eq!(found[0].problems, ["PRB-0001"]);
    }

    #[test]
    fn action_items_open_done_and_overdue_with_a_fixed_today() {
        let config = Config::default(); // SEV2: 60 days
        let item = |id: &str, status: &str, due: Option<&str>| crate::review::ActionItem {
            id: id.into(),
            title: id.into(),
            kind: None,
            owner: None,
            due: due.map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()),
            tracker: None,
            status: crate::review::ActionStatus::parse(status).unwrap(),
        };
        let entries = vec![review("A", "2026-01-01T00:00:00Z", |r| {
            r.action_items = vec![
                item("AI-1", "open", Some("2026-02-01")), // overdue
                item("AI-2", "in-progress", None),        // deadline 2026-03-02: overdue
                item("AI-3", "open", Some("2026-12-01")), // not yet
                item("AI-4", "done", Some("2026-01-15")), // done
                item("AI-5", "wont-do", None),            // closed
            ]
        })];
        let query = Query {
            by: By::Severity,
            since: None,
            until: None,
            today: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
        };
        let a = compute(&entries, &config, &query).total.action_items;
        assert_eq!(
            a,
            ActionCounts {
                total: 5,
                open: 3,
                done: 1,
                overdue: 2
            }
        );
    }
}

/// Where the page's links point (the site sets them; a lone stats page has none).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Nav {
    pub index: String,
    pub problems: String,
}

/// The stats page as one self-contained HTML file.
pub fn html(
    config: &Config,
    stats: &Stats,
    title: &str,
    links: &BTreeMap<String, String>,
    nav: Option<&Nav>,
    skipped: usize,
) -> anyhow::Result<String> {
    use minijinja::value::{Serde, Value};
    let env = crate::render::environment(config, true);
    let template = env.get_template("stats.html.j2")?;
    let t = &stats.total;
    let figures = [
        &t.time_to_detect,
        &t.time_to_acknowledge,
        &t.time_to_mitigate,
        &t.time_to_resolve,
    ]
    .map(Figure::summary);
    let months: Vec<charts::Month> = stats.months.iter().map(Month::chart).collect();
    let charts = minijinja::context! {
        months => Value::from_safe_string(charts::incidents_per_month(&months, &stats.severities)),
        trend => Value::from_safe_string(charts::ttr_trend(&months)),
        distribution => Value::from_safe_string(charts::distribution(&stats.values, figures)),
    };
    Ok(template.render(minijinja::context! {
        title => title,
        stats => Serde(stats),
        charts => charts,
        links => Serde(links),
        nav => Serde(nav),
        skipped => skipped,
        recurrence_min => config.stats.recurrence_min,
        recurrence_window_days => config.stats.recurrence_window_days,
        generator => format!("pirt {}", env!("CARGO_PKG_VERSION")),
    })?)
}

/// The terminal table: counts per group, then the time-to-x figures, then recurrence.
pub fn table(stats: &Stats) -> String {
    use crate::review::duration::duration;
    let d = |v: Option<f64>| v.map_or("—".to_string(), |s| duration(s.round() as i64));
    let mut rows: Vec<Vec<String>> = vec![
        ["GROUP", "INCIDENTS", "ITEMS", "OPEN", "DONE", "OVERDUE"]
            .map(String::from)
            .to_vec(),
    ];
    for g in std::iter::once(&stats.total).chain(&stats.groups) {
        let a = &g.action_items;
        rows.push(vec![
            g.key.clone(),
            g.incidents.to_string(),
            a.total.to_string(),
            a.open.to_string(),
            a.done.to_string(),
            a.overdue.to_string(),
        ]);
    }
    let mut out = align(&rows, &[false, true, true, true, true, true]);
    out.push('\n');
    let mut rows: Vec<Vec<String>> = vec![
        ["GROUP", "METRIC", "MEAN", "MEDIAN", "P90", "REVIEWS"]
            .map(String::from)
            .to_vec(),
    ];
    for g in std::iter::once(&stats.total).chain(&stats.groups) {
        for (name, f) in [
            ("TTD", &g.time_to_detect),
            ("TTA", &g.time_to_acknowledge),
            ("TTM", &g.time_to_mitigate),
            ("TTR", &g.time_to_resolve),
        ] {
            rows.push(vec![
                if name == "TTD" {
                    g.key.clone()
                } else {
                    String::new()
                },
                name.to_string(),
                d(f.mean),
                d(f.median),
                d(f.p90),
                format!("{}/{}", f.n, g.incidents),
            ]);
        }
    }
    out.push_str(&align(&rows, &[false, false, true, true, true, true]));
    out.push('\n');
    if stats.recurrence.is_empty() {
        out.push_str("No recurring failures outside a shared problem record.\n");
    } else {
        out.push_str("Recurring failures without a shared problem record (candidate problems):\n");
        for r in &stats.recurrence {
            let ids: Vec<&str> = r.incidents.iter().map(|i| i.id.as_str()).collect();
            let linked = if r.problems.is_empty() {
                String::new()
            } else {
                format!("; linked: {}", r.problems.join(", "))
            };
            out.push_str(&format!(
                "  {} {}: {} incidents from {} to {} ({}){linked}\n",
                r.kind,
                r.name,
                r.incidents.len(),
                r.first.map_or("?".into(), |d| d.to_string()),
                r.last.map_or("?".into(), |d| d.to_string()),
                ids.join(", ")
            ));
        }
    }
    out
}

/// Columns padded to their widest cell (counted in characters); `right` aligns numbers.
pub fn align(rows: &[Vec<String>], right: &[bool]) -> String {
    // A line break inside a cell would break the table: cells are one line.
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect()
        })
        .collect();
    let rows = &rows;
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c].saturating_sub(cell.chars().count());
            if c > 0 {
                line.push_str("  ");
            }
            if right.get(c).copied().unwrap_or(false) {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if c + 1 < row.len() {
                    line.push_str(&" ".repeat(pad));
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
