//! `pirt actions sync`: bring action items and their tracker issues together.
//!
//! [`plan`] decides what to read and create, from the reviews alone; [`run`] reads the
//! issues (and creates the missing ones with `create`), with bounded concurrency;
//! [`reconcile`] turns an issue into the changes of its item and the conflicts to report
//! (pure); [`apply`] writes each changed review once: locked, re-read, edited in place,
//! proven, atomic. Every created issue carries its item's marker and is looked for before
//! one is created, so a run killed between the two never leads to a second issue.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use serde::Serialize;

use super::client::{Client, TrackerError};
use super::{Issue, IssueState, NewIssue, marker, parse_reference};
use crate::config::{Config, TrackerKind};
use crate::corpus::Entry;
use crate::env::Env;
use crate::fsutil::{self, EditLock};
use crate::review::edit::{ItemField, set_action_item_fields};
use crate::review::{ActionItem, ActionStatus, Review, ReviewFile};

/// What `pirt actions sync` was asked to do.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only this tracker (pull), and the tracker to create issues in.
    pub tracker: Option<String>,
    pub create: bool,
    pub dry_run: bool,
}

/// One request to make for one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Work {
    /// Indexes into the entries and the review's action items.
    pub entry: usize,
    pub item: usize,
    pub tracker: String,
    /// The issue to read; `None`: an issue to create (or adopt).
    pub issue: Option<String>,
}

/// A field changed (or, with `--dry-run`, to change).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub review: String,
    pub path: PathBuf,
    pub item: String,
    pub field: &'static str,
    pub old: Option<String>,
    pub new: String,
}

/// A value a person set that disagrees with the tracker: reported, never overwritten.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Conflict {
    pub review: String,
    pub path: PathBuf,
    pub item: String,
    pub field: &'static str,
    pub review_value: String,
    pub tracker_value: String,
    pub issue: String,
}

/// Something the user may want to act on that is no conflict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Note {
    pub review: String,
    pub item: String,
    pub message: String,
}

/// A request or a write that failed; nothing was written for its item.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Failure {
    pub review: Option<String>,
    pub path: Option<PathBuf>,
    pub item: Option<String>,
    pub message: String,
}

/// What a sync did, as `--format json` prints it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub dry_run: bool,
    /// Items whose issue was read.
    pub checked: usize,
    pub created: usize,
    pub adopted: usize,
    pub changes: Vec<Change>,
    pub conflicts: Vec<Conflict>,
    pub notes: Vec<Note>,
    pub errors: Vec<Failure>,
}

impl Report {
    /// 0 in sync or synced, 1 conflicts reported, 2 errors.
    pub fn exit_code(&self) -> u8 {
        if !self.errors.is_empty() {
            2
        } else if !self.conflicts.is_empty() {
            1
        } else {
            0
        }
    }
}

/// The requests to make: every item whose `tracker:` names an issue of a configured
/// tracker (of `--tracker` only, when given), and with `create` every open or in-progress
/// item without `tracker:`.
pub fn plan(entries: &[Entry], config: &Config, options: &Options) -> anyhow::Result<Vec<Work>> {
    let trackers = &config.trackers;
    if trackers.trackers.is_empty() {
        anyhow::bail!(
            "no tracker is configured: add a [trackers.NAME] table to pirt.toml (README: \"Follow-ups in your tracker\")"
        );
    }
    if let Some(name) = &options.tracker
        && !trackers.trackers.contains_key(name)
    {
        let known: Vec<&str> = trackers.trackers.keys().map(String::as_str).collect();
        anyhow::bail!(
            "--tracker {name}: no [trackers.{name}] in pirt.toml (configured: {})",
            known.join(", ")
        );
    }
    let target = if options.create {
        let only = (trackers.trackers.len() == 1)
            .then(|| trackers.trackers.keys().next().cloned())
            .flatten();
        Some(
            options
                .tracker
                .clone()
                .or_else(|| trackers.default.clone())
                .or(only)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "--create needs a tracker to create issues in: pass --tracker NAME or set [trackers] default"
                    )
                })?,
        )
    } else {
        None
    };
    let mut work = Vec::new();
    for (e, entry) in entries.iter().enumerate() {
        for (i, item) in entry.review.action_items.iter().enumerate() {
            match item.tracker.as_deref().map(str::trim) {
                Some(value) if !value.is_empty() => {
                    if let Some(r) = parse_reference(value, trackers)
                        && options.tracker.as_ref().is_none_or(|t| *t == r.tracker)
                    {
                        work.push(Work {
                            entry: e,
                            item: i,
                            tracker: r.tracker,
                            issue: Some(r.id),
                        });
                    }
                }
                _ => {
                    if let Some(target) = &target
                        && item.is_open()
                    {
                        work.push(Work {
                            entry: e,
                            item: i,
                            tracker: target.clone(),
                            issue: None,
                        });
                    }
                }
            }
        }
    }
    Ok(work)
}

/// The issue an item's work ended with.
#[derive(Clone, Debug)]
pub enum Outcome {
    Read(Issue),
    Created(Issue),
    Adopted(Issue),
    /// `--dry-run`: no issue with the marker exists; one would be created.
    WouldCreate,
}

/// Makes the requests of `work` (at most `[trackers] concurrency` at once) and returns the
/// outcome of each, in the order of `work`. With `dry_run`, only reads are sent.
pub fn run(
    entries: &[Entry],
    config: &Config,
    env: &Env,
    work: &[Work],
    dry_run: bool,
) -> anyhow::Result<Vec<Result<Outcome, String>>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(run_async(entries, config, env, work, dry_run)))
}

async fn run_async(
    entries: &[Entry],
    config: &Config,
    env: &Env,
    work: &[Work],
    dry_run: bool,
) -> Vec<Result<Outcome, String>> {
    let mut clients: BTreeMap<&str, Result<Client, String>> = BTreeMap::new();
    for w in work {
        clients.entry(w.tracker.as_str()).or_insert_with(|| {
            Client::new(&w.tracker, &config.trackers, env).map_err(|e| e.to_string())
        });
    }
    // One consistent list of the newest issues per tracker that gets issues created.
    let mut recent: BTreeMap<&str, Result<Vec<Issue>, String>> = BTreeMap::new();
    for w in work.iter().filter(|w| w.issue.is_none()) {
        if recent.contains_key(w.tracker.as_str()) {
            continue;
        }
        let list = match &clients[w.tracker.as_str()] {
            Ok(client) => client.recent().await.map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        };
        recent.insert(w.tracker.as_str(), list);
    }
    let tasks = work.iter().map(|w| {
        let client = &clients[w.tracker.as_str()];
        let recent = recent.get(w.tracker.as_str());
        async move {
            let client = client.as_ref().map_err(Clone::clone)?;
            match &w.issue {
                Some(id) => client
                    .fetch(id)
                    .await
                    .map(Outcome::Read)
                    .map_err(|e| e.to_string()),
                None => {
                    let recent = match recent {
                        Some(Ok(list)) => list.as_slice(),
                        Some(Err(e)) => return Err(e.clone()),
                        None => &[],
                    };
                    let entry = &entries[w.entry];
                    let new = new_issue(entry, &entry.review.action_items[w.item], client, config);
                    let result: Result<Outcome, TrackerError> = if dry_run {
                        client
                            .find(&new.marker, recent)
                            .await
                            .map(|found| found.map_or(Outcome::WouldCreate, Outcome::Adopted))
                    } else {
                        client.create(&new, recent).await.map(|(issue, adopted)| {
                            if adopted {
                                Outcome::Adopted(issue)
                            } else {
                                Outcome::Created(issue)
                            }
                        })
                    };
                    result.map_err(|e| e.to_string())
                }
            }
        }
    });
    let concurrency = config.trackers.concurrency.max(1);
    let mut indexed: Vec<(usize, Result<Outcome, String>)> =
        futures_util::stream::iter(tasks.enumerate().map(|(i, t)| async move { (i, t.await) }))
            .buffer_unordered(concurrency)
            .collect()
            .await;
    indexed.sort_by_key(|(i, _)| *i);
    indexed.into_iter().map(|(_, r)| r).collect()
}

/// The issue to create for an item: its title; a body with the review's id and title, a
/// link to the review, the item's type and due date, and the marker as the last line; the
/// configured labels and the severity; the due date; the owner's account from `[people]`.
pub fn new_issue(entry: &Entry, item: &ActionItem, client: &Client, config: &Config) -> NewIssue {
    let review = &entry.review;
    let marker = marker(&review.id, &item.id);
    let link = review_link(&entry.path, review, config);
    let mut body = format!(
        "Follow-up of the post-incident review {}: \"{}\".\n\nReview: {link}\n",
        review.id, review.title
    );
    if let Some(kind) = item.kind {
        body.push_str(&format!("Type: {kind}\n"));
    }
    if let Some(due) = item.due {
        body.push_str(&format!("Due: {due}\n"));
    }
    if let Some(owner) = &item.owner {
        body.push_str(&format!("Owner in the review: {owner}\n"));
    }
    body.push_str(&format!("\n{marker}\n"));
    let mut labels = client.config.labels.clone();
    let severity = review.severity.as_str().to_string();
    if !severity.is_empty() && !labels.contains(&severity) {
        labels.push(severity);
    }
    NewIssue {
        title: item.title.clone(),
        body,
        labels,
        due: item.due,
        assignee: item
            .owner
            .as_deref()
            .and_then(|o| account_of(config, &client.name, client.config.kind, o)),
        marker,
    }
}

/// The URL written into `tracker:`: the issue's own web page when it reads back as this
/// issue of this tracker, else the page pirt derives from the config (so that the next
/// run recognises it).
fn reference_url(config: &Config, tracker: &str, issue: &Issue) -> String {
    let same = |url: &str| {
        parse_reference(url, &config.trackers)
            .is_some_and(|r| r.tracker == tracker && r.id == issue.id)
    };
    let settings = &config.trackers.trackers[tracker];
    // A GitLab project named by its numeric id has no path to derive a page from.
    let numeric =
        settings.kind == TrackerKind::Gitlab && settings.repo.bytes().all(|b| b.is_ascii_digit());
    if same(&issue.url) || numeric {
        return issue.url.clone();
    }
    let derived = super::reference::issue_url(settings, &issue.id);
    if same(&derived) {
        derived
    } else {
        issue.url.clone()
    }
}

/// `[site] base_url` + the review's page, else the review's path in the repository.
fn review_link(path: &Path, review: &Review, config: &Config) -> String {
    if let Some(base) = &config.site.base_url {
        return format!(
            "{}/reviews/{}.html",
            base.trim_end_matches('/'),
            super::encode(&review.id)
        );
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let root = std::path::absolute(&config.root).unwrap_or_else(|_| config.root.clone());
    let relative = absolute.strip_prefix(&root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A person's account in a tracker: `[people]` by the tracker's name, else its kind.
pub fn account_of(
    config: &Config,
    tracker: &str,
    kind: TrackerKind,
    person: &str,
) -> Option<String> {
    let accounts = config
        .people
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(person))
        .map(|(_, a)| a)?;
    accounts
        .get(tracker)
        .or_else(|| accounts.get(kind.name()))
        .cloned()
}

/// The person whose account in a tracker is `account`.
pub fn person_of(
    config: &Config,
    tracker: &str,
    kind: TrackerKind,
    account: &str,
) -> Option<String> {
    config.people.iter().find_map(|(name, accounts)| {
        accounts
            .get(tracker)
            .or_else(|| accounts.get(kind.name()))
            .filter(|a| a.eq_ignore_ascii_case(account))
            .map(|_| name.clone())
    })
}

/// What an issue means for its item: the fields to change (status from the issue; an
/// empty owner from the assignee) and the values that disagree (owner, due date).
pub struct Reconciled {
    pub fields: Vec<(&'static str, Option<String>, String)>,
    pub conflicts: Vec<(&'static str, String, String)>,
    pub notes: Vec<String>,
}

pub fn reconcile(
    item: &ActionItem,
    issue: &Issue,
    tracker: &str,
    kind: TrackerKind,
    config: &Config,
) -> Reconciled {
    let mut out = Reconciled {
        fields: Vec::new(),
        conflicts: Vec::new(),
        notes: Vec::new(),
    };
    let status = match issue.state {
        IssueState::Done => ActionStatus::Done,
        IssueState::WontDo => ActionStatus::WontDo,
        IssueState::InProgress => ActionStatus::InProgress,
        // GitHub and GitLab know no "in progress": an open issue leaves it be.
        IssueState::Open if kind != TrackerKind::Jira && item.is_open() => item.status,
        IssueState::Open => ActionStatus::Open,
    };
    if status != item.status {
        out.fields
            .push(("status", Some(item.status.to_string()), status.to_string()));
    }
    let mapped: Vec<(String, Option<String>)> = issue
        .assignees
        .iter()
        .map(|a| (a.clone(), person_of(config, tracker, kind, a)))
        .collect();
    match item
        .owner
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        None => match mapped.iter().find_map(|(_, p)| p.clone()) {
            Some(person) => out.fields.push(("owner", item.owner.clone(), person)),
            None => {
                if let Some((account, _)) = mapped.first() {
                    out.notes.push(format!(
                        "the issue is assigned to {account}, who is not in [people]; owner: left empty"
                    ));
                }
            }
        },
        Some(owner) => {
            let agrees = mapped.is_empty()
                || mapped.iter().any(|(account, person)| {
                    person
                        .as_deref()
                        .is_some_and(|p| p.eq_ignore_ascii_case(owner))
                        || account.eq_ignore_ascii_case(owner)
                });
            if !agrees {
                let shown: Vec<String> = mapped
                    .iter()
                    .map(|(a, p)| p.clone().unwrap_or_else(|| a.clone()))
                    .collect();
                out.conflicts
                    .push(("owner", owner.to_string(), shown.join(", ")));
            }
        }
    }
    if let (Some(ours), Some(theirs)) = (item.due, issue.due)
        && ours != theirs
    {
        out.conflicts
            .push(("due", ours.to_string(), theirs.to_string()));
    }
    out
}

/// Turns the outcomes into changes, conflicts and errors, and writes each changed review
/// once (not with `dry_run`).
pub fn apply(
    entries: &[Entry],
    config: &Config,
    work: &[Work],
    outcomes: Vec<Result<Outcome, String>>,
    dry_run: bool,
) -> Report {
    let mut report = Report {
        schema_version: 1,
        dry_run,
        ..Report::default()
    };
    let mut per_review: BTreeMap<usize, Vec<(usize, Change)>> = BTreeMap::new();
    let mut created_issue: BTreeMap<(usize, usize), String> = BTreeMap::new();
    for (w, outcome) in work.iter().zip(outcomes) {
        let entry = &entries[w.entry];
        let item = &entry.review.action_items[w.item];
        let change = |field: &'static str, old: Option<String>, new: String| Change {
            review: entry.review.id.clone(),
            path: entry.path.clone(),
            item: item.id.clone(),
            field,
            old,
            new,
        };
        let issue = match outcome {
            Err(message) => {
                report.errors.push(Failure {
                    review: Some(entry.review.id.clone()),
                    path: Some(entry.path.clone()),
                    item: Some(item.id.clone()),
                    message,
                });
                continue;
            }
            Ok(Outcome::WouldCreate) => {
                report.created += 1;
                let c = change("tracker", None, format!("(a new issue in {})", w.tracker));
                per_review.entry(w.entry).or_default().push((w.item, c));
                continue;
            }
            Ok(Outcome::Read(issue)) => {
                report.checked += 1;
                issue
            }
            Ok(Outcome::Created(issue)) => {
                report.created += 1;
                created_issue.insert((w.entry, w.item), issue.url.clone());
                issue
            }
            Ok(Outcome::Adopted(issue)) => {
                report.adopted += 1;
                issue
            }
        };
        let mut changes = Vec::new();
        if w.issue.is_none() {
            let url = reference_url(config, &w.tracker, &issue);
            changes.push(change(
                "tracker",
                item.tracker.clone().filter(|t| !t.trim().is_empty()),
                url,
            ));
        }
        let kind = config.trackers.trackers[&w.tracker].kind;
        let reconciled = reconcile(item, &issue, &w.tracker, kind, config);
        changes.extend(
            reconciled
                .fields
                .into_iter()
                .map(|(f, old, new)| change(f, old, new)),
        );
        for (field, ours, theirs) in reconciled.conflicts {
            report.conflicts.push(Conflict {
                review: entry.review.id.clone(),
                path: entry.path.clone(),
                item: item.id.clone(),
                field,
                review_value: ours,
                tracker_value: theirs,
                issue: issue.url.clone(),
            });
        }
        for message in reconciled.notes {
            report.notes.push(Note {
                review: entry.review.id.clone(),
                item: item.id.clone(),
                message,
            });
        }
        per_review
            .entry(w.entry)
            .or_default()
            .extend(changes.into_iter().map(|c| (w.item, c)));
    }
    for (e, changes) in per_review {
        let entry = &entries[e];
        match write_review(&entry.path, &entry.review, &changes, config, dry_run) {
            Ok(()) => report.changes.extend(changes.into_iter().map(|(_, c)| c)),
            Err(message) => {
                let created: Vec<&String> = changes
                    .iter()
                    .filter_map(|(i, _)| created_issue.get(&(e, *i)))
                    .collect();
                let message = if created.is_empty() {
                    message
                } else {
                    format!(
                        "{message}; created {} (the next run finds it by its marker and writes it)",
                        created
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                report.errors.push(Failure {
                    review: Some(entry.review.id.clone()),
                    path: Some(entry.path.clone()),
                    item: None,
                    message,
                });
            }
        }
    }
    report
}

/// One locked, proven, atomic write of a review's changes. The file is read again under
/// the lock: a field changed since it was first read is not overwritten.
fn write_review(
    path: &Path,
    planned: &Review,
    changes: &[(usize, Change)],
    config: &Config,
    dry_run: bool,
) -> Result<(), String> {
    let shown = path.display();
    let _lock = EditLock::acquire(path).map_err(|e| format!("{e:#}"))?;
    let file = ReviewFile::load(path, config).map_err(|e| format!("{e:#}"))?;
    let now = file.review();
    let mut fields = Vec::new();
    for (i, change) in changes {
        let (Some(before), Some(current)) =
            (planned.action_items.get(*i), now.action_items.get(*i))
        else {
            return Err(format!(
                "{shown}: action item {} is gone since the sync started; nothing was written",
                change.item
            ));
        };
        let value = |item: &ActionItem| match change.field {
            "status" => Some(item.status.to_string()),
            "owner" => item.owner.clone(),
            _ => item.tracker.clone(),
        };
        if current.id != before.id || value(current) != value(before) {
            return Err(format!(
                "{shown}: {} of action item {} changed while the sync ran; nothing was written (run again)",
                change.field, change.item
            ));
        }
        if change.new.starts_with("(a new issue") {
            continue;
        }
        fields.push(ItemField {
            item: *i,
            key: change.field,
            value: change.new.clone(),
        });
    }
    let updated = set_action_item_fields(path, &file.text, &file.parsed, &fields, config)
        .map_err(|e| format!("{shown}: {e}"))?;
    if !dry_run && updated != file.text {
        fsutil::write_atomic(path, updated.as_bytes()).map_err(|e| format!("{e:#}"))?;
    }
    Ok(())
}

/// The terminal table: what changed, what was reported, what failed.
pub fn table(report: &Report) -> String {
    let mut out = String::new();
    if !report.changes.is_empty() {
        let mut rows = vec![
            ["REVIEW", "ITEM", "FIELD", "CHANGE"]
                .map(String::from)
                .to_vec(),
        ];
        for c in &report.changes {
            rows.push(vec![
                c.review.clone(),
                c.item.clone(),
                c.field.to_string(),
                format!("{} → {}", c.old.as_deref().unwrap_or("—"), c.new),
            ]);
        }
        out.push_str(&align(&rows));
    }
    if !report.conflicts.is_empty() {
        out.push_str("\nReported, not changed (the review and the tracker disagree):\n");
        let mut rows = vec![
            [
                "REVIEW",
                "ITEM",
                "FIELD",
                "REVIEW SAYS",
                "TRACKER SAYS",
                "ISSUE",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for c in &report.conflicts {
            rows.push(vec![
                c.review.clone(),
                c.item.clone(),
                c.field.to_string(),
                c.review_value.clone(),
                c.tracker_value.clone(),
                c.issue.clone(),
            ]);
        }
        out.push_str(&align(&rows));
    }
    for n in &report.notes {
        out.push_str(&format!("note: {} {}: {}\n", n.review, n.item, n.message));
    }
    // One line per message: a missing token fails every item of its tracker alike.
    let mut by_message: Vec<(&str, Vec<String>)> = Vec::new();
    for e in &report.errors {
        let at: Vec<&str> = [e.review.as_deref(), e.item.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        match by_message.iter_mut().find(|(m, _)| *m == e.message) {
            Some((_, places)) => places.push(at.join(" ")),
            None => by_message.push((&e.message, vec![at.join(" ")])),
        }
    }
    for (message, places) in by_message {
        let places: Vec<String> = places.into_iter().filter(|p| !p.is_empty()).collect();
        match places.len() {
            0 => out.push_str(&format!("error: {message}\n")),
            1..=3 => out.push_str(&format!("error: {}: {message}\n", places.join(", "))),
            n => out.push_str(&format!(
                "error: {} and {} more: {message}\n",
                places[..3].join(", "),
                n - 3
            )),
        }
    }
    let reviews: std::collections::BTreeSet<&Path> =
        report.changes.iter().map(|c| c.path.as_path()).collect();
    out.push_str(&format!(
        "{}{} issue{} read, {} created, {} adopted; {} change{} in {} review{}, {} conflict{}, {} error{}.\n",
        if report.dry_run { "Dry run, nothing changed: " } else { "" },
        report.checked,
        plural(report.checked),
        report.created,
        report.adopted,
        report.changes.len(),
        plural(report.changes.len()),
        reviews.len(),
        plural(reviews.len()),
        report.conflicts.len(),
        plural(report.conflicts.len()),
        report.errors.len(),
        plural(report.errors.len()),
    ));
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn align(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < row.len() {
                line.push_str(&" ".repeat(widths[c] - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        let mut config = Config::default();
        config.people.insert(
            "li.wei".into(),
            [("github".to_string(), "liwei".to_string())]
                .into_iter()
                .collect(),
        );
        config
    }

    fn item(status: ActionStatus, owner: Option<&str>, due: Option<&str>) -> ActionItem {
        ActionItem {
            id: "AI-1".into(),
            title: "t".into(),
            kind: None,
            owner: owner.map(str::to_string),
            due: due.map(|d| d.parse().unwrap()),
            tracker: Some("acme/platform#1".into()),
            status,
        }
    }

    fn issue(state: IssueState, assignees: &[&str], due: Option<&str>) -> Issue {
        Issue {
            id: "1".into(),
            url: "https://github.com/acme/platform/issues/1".into(),
            state,
            assignees: assignees.iter().map(|a| a.to_string()).collect(),
            due: due.map(|d| d.parse().unwrap()),
            body: String::new(),
        }
    }

    #[test]
    fn issue_states_become_statuses() {
        use ActionStatus::*;
        let c = config();
        let status = |kind, ours, theirs| {
            reconcile(
                &item(ours, None, None),
                &issue(theirs, &[], None),
                "github",
                kind,
                &c,
            )
            .fields
            .iter()
            .find(|f| f.0 == "status")
            .map(|f| f.2.clone())
        };
        let gh = TrackerKind::Github;
        assert_eq!(status(gh, Open, IssueState::Done).as_deref(), Some("done"));
        assert_eq!(
            status(gh, InProgress, IssueState::WontDo).as_deref(),
            Some("wont-do")
        );
        assert_eq!(status(gh, Done, IssueState::Open).as_deref(), Some("open"));
        assert_eq!(status(gh, InProgress, IssueState::Open), None);
        assert_eq!(status(gh, Done, IssueState::Done), None);
        let jira = TrackerKind::Jira;
        assert_eq!(
            status(jira, Open, IssueState::InProgress).as_deref(),
            Some("in-progress")
        );
        assert_eq!(
            status(jira, InProgress, IssueState::Open).as_deref(),
            Some("open")
        );
    }

    #[test]
    fn owners_fill_or_conflict_and_due_dates_conflict() {
        let c = config();
        let r = reconcile(
            &item(ActionStatus::Open, None, None),
            &issue(IssueState::Open, &["LiWei"], None),
            "github",
            TrackerKind::Github,
            &c,
        );
        assert_eq!(r.fields, vec![("owner", None, "li.wei".to_string())]);
        let r = reconcile(
            &item(ActionStatus::Open, None, None),
            &issue(IssueState::Open, &["stranger"], None),
            "github",
            TrackerKind::Github,
            &c,
        );
        assert!(r.fields.is_empty() && r.notes[0].contains("stranger, who is not in [people]"));
        let r = reconcile(
            &item(ActionStatus::Open, Some("li.wei"), None),
            &issue(IssueState::Open, &["liwei", "bo"], None),
            "github",
            TrackerKind::Github,
            &c,
        );
        assert!(r.conflicts.is_empty() && r.fields.is_empty());
        let r = reconcile(
            &item(ActionStatus::Open, Some("ana"), Some("2026-12-01")),
            &issue(IssueState::Open, &["liwei"], Some("2026-12-02")),
            "github",
            TrackerKind::Github,
            &c,
        );
        assert_eq!(
            r.conflicts,
            vec![
                ("owner", "ana".to_string(), "li.wei".to_string()),
                ("due", "2026-12-01".to_string(), "2026-12-02".to_string())
            ]
        );
        // Nobody assigned: no disagreement to report.
        let r = reconcile(
            &item(ActionStatus::Open, Some("ana"), None),
            &issue(IssueState::Open, &[], None),
            "github",
            TrackerKind::Github,
            &c,
        );
        assert!(r.conflicts.is_empty());
    }
}
