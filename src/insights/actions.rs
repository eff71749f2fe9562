//! `pirt actions`: every action item across reviews, with its review and state.

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::Config;
use crate::corpus::Entry;
use crate::review::{ActionItem, ActionType};

/// One action item, with its review and the facts needed to chase it.
#[derive(Clone, Debug)]
pub struct Row<'a> {
    pub entry: &'a Entry,
    pub item: &'a ActionItem,
    /// `due`, or the incident's start plus the severity's deadline.
    pub deadline: Option<NaiveDate>,
    /// Days since the incident started.
    pub age_days: Option<i64>,
    pub overdue: bool,
}

impl Row<'_> {
    fn review(&self) -> &str {
        &self.entry.review.id
    }
}

/// The row as `pirt actions --format json` prints it: the item's fields among its review's.
impl Serialize for Row<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (item, review) = (self.item, &self.entry.review);
        let mut row = serializer.serialize_struct("Row", 14)?;
        row.serialize_field("review", &review.id)?;
        row.serialize_field("path", &self.entry.path.display().to_string())?;
        row.serialize_field("id", &item.id)?;
        row.serialize_field("title", &item.title)?;
        row.serialize_field("type", &item.kind.map(ActionType::as_str))?;
        row.serialize_field("owner", &item.owner)?;
        row.serialize_field("due", &item.due)?;
        row.serialize_field("deadline", &self.deadline)?;
        row.serialize_field("status", item.status.as_str())?;
        row.serialize_field("tracker", &item.tracker)?;
        row.serialize_field("age_days", &self.age_days)?;
        row.serialize_field("overdue", &self.overdue)?;
        row.serialize_field("severity", review.severity.as_str())?;
        row.serialize_field("services", &review.services)?;
        row.end()
    }
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
pub fn rows<'a>(
    entries: &'a [Entry],
    config: &Config,
    today: NaiveDate,
    filter: &Filter,
) -> Vec<Row<'a>> {
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
                entry,
                item,
                deadline: review.deadline(item, config),
                age_days: started.map(|s| (today - s).num_days()),
                overdue,
            });
        }
    }
    out.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then(a.deadline.is_none().cmp(&b.deadline.is_none()))
            .then(a.deadline.cmp(&b.deadline))
            .then(a.review().cmp(b.review()))
            .then(a.item.id.cmp(&b.item.id))
    });
    out
}

/// The terminal table. A TRACKER column (a configured tracker's reference in its short
/// form, `acme/platform#12`, `OPS-12`; any other value as written) appears when an item
/// has `tracker:`.
pub fn table(rows: &[Row], trackers: &crate::config::TrackersConfig) -> String {
    let with_tracker = rows.iter().any(|r| r.item.tracker.is_some());
    let mut header = vec!["REVIEW", "ITEM", "STATUS", "OWNER", "DUE", "AGE"];
    if with_tracker {
        header.push("TRACKER");
    }
    header.push("TITLE");
    let mut cells: Vec<Vec<String>> = vec![header.into_iter().map(String::from).collect()];
    for r in rows {
        let item = r.item;
        let due = match (item.due, r.deadline) {
            (Some(d), _) => d.to_string(),
            (None, Some(d)) => format!("({d})"),
            (None, None) => "—".into(),
        };
        let status = if r.overdue {
            format!("{} OVERDUE", item.status)
        } else {
            item.status.to_string()
        };
        let title: String = if item.title.chars().count() > 60 {
            item.title.chars().take(59).collect::<String>() + "…"
        } else {
            item.title.clone()
        };
        let mut row = vec![
            r.review().to_string(),
            item.id.clone(),
            status,
            item.owner.clone().unwrap_or_else(|| "—".into()),
            due,
            r.age_days.map_or("—".into(), |d| format!("{d}d")),
        ];
        if with_tracker {
            row.push(item.tracker.as_deref().map_or("—".into(), |t| {
                crate::tracker_ref::short_form(t, trackers).unwrap_or_else(|| shortened(t, 40))
            }));
        }
        row.push(title);
        cells.push(row);
    }
    let mut right = vec![false, false, false, false, false, true];
    if with_tracker {
        right.push(false);
    }
    right.push(false);
    let mut out = crate::insights::stats::align(&cells, &right);
    let overdue = rows.iter().filter(|r| r.overdue).count();
    let bracketed = rows
        .iter()
        .any(|r| r.item.due.is_none() && r.deadline.is_some());
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

fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        text.chars().take(max - 1).collect::<String>() + "…"
    } else {
        text.to_string()
    }
}

/// CSV with a header row.
pub fn csv(rows: &[Row]) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "review", "item", "title", "type", "owner", "due", "deadline", "status", "tracker",
        "age_days", "overdue", "severity", "services", "path",
    ])?;
    for r in rows {
        let (item, review) = (r.item, &r.entry.review);
        writer.write_record([
            no_formula(&review.id).as_str(),
            no_formula(&item.id).as_str(),
            no_formula(&item.title).as_str(),
            no_formula(item.kind.map_or("", ActionType::as_str)).as_str(),
            no_formula(item.owner.as_deref().unwrap_or("")).as_str(),
            &item.due.map(|d| d.to_string()).unwrap_or_default(),
            &r.deadline.map(|d| d.to_string()).unwrap_or_default(),
            no_formula(item.status.as_str()).as_str(),
            no_formula(item.tracker.as_deref().unwrap_or("")).as_str(),
            &r.age_days.map(|d| d.to_string()).unwrap_or_default(),
            if r.overdue { "true" } else { "false" },
            no_formula(review.severity.as_str()).as_str(),
            no_formula(&review.services.join(";")).as_str(),
            no_formula(&r.entry.path.display().to_string()).as_str(),
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
