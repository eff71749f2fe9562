//! `pirt actions`: every action item across reviews, with its review and state.

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::Config;
use crate::corpus::Entry;

/// One action item with the facts needed to chase it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub review: String,
    pub path: String,
    pub id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    /// `due`, or the incident's start plus the severity's deadline.
    pub deadline: Option<NaiveDate>,
    pub status: String,
    pub tracker: Option<String>,
    /// Days since the incident started.
    pub age_days: Option<i64>,
    pub overdue: bool,
    pub severity: String,
    pub services: Vec<String>,
}

/// Which items to show.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub open: bool,
    pub overdue: bool,
    pub owner: Option<String>,
    pub service: Option<String>,
}

/// The action items of `entries` that pass `filter`, most overdue first, then by deadline.
pub fn rows(entries: &[Entry], config: &Config, today: NaiveDate, filter: &Filter) -> Vec<Row> {
    let mut out = Vec::new();
    for entry in entries {
        let review = &entry.review;
        if let Some(service) = &filter.service
            && !review
                .services
                .iter()
                .any(|s| s.eq_ignore_ascii_case(service))
        {
            continue;
        }
        let started = review
            .started_at
            .map(|t| t.with_timezone(&config.zone).date_naive());
        for item in &review.action_items {
            let overdue = review.is_overdue(item, config, today);
            if (filter.open && !item.is_open()) || (filter.overdue && !overdue) {
                continue;
            }
            if let Some(owner) = &filter.owner
                && !item
                    .owner
                    .as_deref()
                    .is_some_and(|o| o.eq_ignore_ascii_case(owner))
            {
                continue;
            }
            out.push(Row {
                review: review.id.clone(),
                path: entry.path.display().to_string(),
                id: item.id.clone(),
                title: item.title.clone(),
                kind: item.kind.map(|k| k.to_string()),
                owner: item.owner.clone(),
                due: item.due,
                deadline: review.deadline(item, config),
                status: item.status.to_string(),
                tracker: item.tracker.clone(),
                age_days: started.map(|s| (today - s).num_days()),
                overdue,
                severity: review.severity.to_string(),
                services: review.services.clone(),
            });
        }
    }
    out.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then(a.deadline.is_none().cmp(&b.deadline.is_none()))
            .then(a.deadline.cmp(&b.deadline))
            .then(a.review.cmp(&b.review))
            .then(a.id.cmp(&b.id))
    });
    out
}

/// The terminal table.
pub fn table(rows: &[Row]) -> String {
    let mut cells: Vec<Vec<String>> = vec![
        ["REVIEW", "ITEM", "STATUS", "OWNER", "DUE", "AGE", "TITLE"]
            .map(String::from)
            .to_vec(),
    ];
    for r in rows {
        let due = match (r.due, r.deadline) {
            (Some(d), _) => d.to_string(),
            (None, Some(d)) => format!("({d})"),
            (None, None) => "—".into(),
        };
        let status = if r.overdue {
            format!("{} OVERDUE", r.status)
        } else {
            r.status.clone()
        };
        let title: String = if r.title.chars().count() > 60 {
            r.title.chars().take(59).collect::<String>() + "…"
        } else {
            r.title.clone()
        };
        cells.push(vec![
            r.review.clone(),
            r.id.clone(),
            status,
            r.owner.clone().unwrap_or_else(|| "—".into()),
            due,
            r.age_days.map_or("—".into(), |d| format!("{d}d")),
            title,
        ]);
    }
    let mut out =
        crate::insights::stats::align(&cells, &[false, false, false, false, false, true, false]);
    let overdue = rows.iter().filter(|r| r.overdue).count();
    let bracketed = rows.iter().any(|r| r.due.is_none() && r.deadline.is_some());
    out.push_str(&format!(
        "{} item{}, {overdue} overdue.{}\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        if bracketed {
            " A date in brackets is the severity's deadline (no `due:` set)."
        } else {
            ""
        }
    ));
    out
}

/// CSV with a header row.
pub fn csv(rows: &[Row]) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "review", "item", "title", "type", "owner", "due", "deadline", "status", "tracker",
        "age_days", "overdue", "severity", "services", "path",
    ])?;
    for r in rows {
        writer.write_record([
            no_formula(&r.review).as_str(),
            no_formula(&r.id).as_str(),
            no_formula(&r.title).as_str(),
            no_formula(r.kind.as_deref().unwrap_or("")).as_str(),
            no_formula(r.owner.as_deref().unwrap_or("")).as_str(),
            &r.due.map(|d| d.to_string()).unwrap_or_default(),
            &r.deadline.map(|d| d.to_string()).unwrap_or_default(),
            no_formula(&r.status).as_str(),
            no_formula(r.tracker.as_deref().unwrap_or("")).as_str(),
            &r.age_days.map(|d| d.to_string()).unwrap_or_default(),
            if r.overdue { "true" } else { "false" },
            no_formula(&r.severity).as_str(),
            no_formula(&r.services.join(";")).as_str(),
            no_formula(&r.path).as_str(),
        ])?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// A cell a spreadsheet would run as a formula (`=HYPERLINK(...)`) gets a leading `'`.
fn no_formula(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) && !text.starts_with("- ") {
        format!("'{text}")
    } else {
        text.to_string()
    }
}
