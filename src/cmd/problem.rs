//! `pirt problem new` and `pirt problem list`

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::Datelike;
use serde::Serialize;

use crate::cmd::Output;
use crate::config::Config;
use crate::corpus::Corpus;
use crate::fsutil::{self, EditLock};
use crate::review::edit::set_top_level_scalar;
use crate::review::{Review, ReviewFile};

pub struct NewOptions {
    pub title: String,
    pub from: Vec<PathBuf>,
    pub owner: Option<String>,
}

/// Creates `problems/PRB-NNNN-slug.md` and links each `--from` review to it. Every review
/// is read and its edit prepared before anything is written.
pub fn new(config: &Config, options: NewOptions, out: &Output) -> anyhow::Result<ExitCode> {
    let title = options.title.trim();
    if title.is_empty() {
        bail!("the problem title is empty");
    }
    let dir = config.problems_dir();
    let used = crate::review::scan_ids(&dir, |_| true);
    let id = crate::scaffold::next_id(
        &config.ids.problem,
        chrono::Utc::now().with_timezone(&config.zone).year(),
        used.iter().map(|(id, _)| id.as_str()),
    );

    // Prepare every review edit first: nothing is written if one of them cannot be made.
    // (path, new text, original text, lock held until the end)
    let mut edits: Vec<(PathBuf, String, String, EditLock)> = Vec::new();
    let mut reviews: Vec<Review> = Vec::new();
    // The same review named twice (even by another path) is linked once: locking it twice
    // would wait forever.
    let mut seen = std::collections::BTreeSet::new();
    let mut from = Vec::new();
    for path in &options.from {
        let canonical = std::fs::canonicalize(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if seen.insert(canonical) {
            from.push(path.clone());
        }
    }
    for path in &from {
        let lock = EditLock::acquire(path)?;
        let file = ReviewFile::load(path, config)?;
        out.warnings(&file);
        if let Some(existing) = &file.review().problem
            && existing != &id
        {
            bail!(
                "{} already links problem record {existing}; change its `problem:` by hand if this incident belongs to the new record",
                path.display()
            );
        }
        let updated = set_top_level_scalar(
            &file.text,
            &file.parsed,
            "problem",
            &id,
            |old, new| {
                new.problem.as_deref() == Some(id.as_str())
                    && Review {
                        problem: None,
                        sections: Vec::new(),
                        ..old.clone()
                    } == Review {
                        problem: None,
                        sections: Vec::new(),
                        ..new.clone()
                    }
            },
            path,
            config,
        )
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        reviews.push(file.parsed.review.clone());
        edits.push((path.clone(), updated, file.text.clone(), lock));
    }

    let mut services: Vec<String> = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    for r in &reviews {
        for s in &r.services {
            if !services.contains(s) {
                services.push(s.clone());
            }
        }
        for t in &r.tags {
            if !tags.contains(t) {
                tags.push(t.clone());
            }
        }
    }
    let env = crate::render::environment(config, false);
    let template = crate::assets::template(config, "problem.md.j2")?;
    let text = env
        .render_str(
            &template.text,
            minijinja::context! {
                id => &id,
                title => title,
                owner => options.owner,
                services => services,
                tags => tags,
                incidents => reviews.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
            },
        )
        .context("rendering the problem template")?;
    let (problem, diagnostics) = crate::review::problem::parse_problem(Path::new("new.md"), &text);
    if problem.id != id
        || diagnostics
            .iter()
            .any(|d| d.level == crate::diagnostic::Level::Error)
    {
        bail!(
            "the problem template did not produce a valid record with id {id}; check .pirt/templates/problem.md.j2"
        );
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let slug = crate::scaffold::slug_or(title, "problem");
    let path = dir.join(format!("{id}-{slug}.md"));
    fsutil::create_new(&path, text.as_bytes())?;
    out.note(format!("created {} ({id})", path.display()));
    for (i, (review, updated, _, _)) in edits.iter().enumerate() {
        if let Err(e) = fsutil::write_atomic(review, updated.as_bytes()) {
            return Err(undo(&path, &edits[..i], e));
        }
        out.note(format!("linked {} to {id}", review.display()));
    }
    outln!("{}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// A review could not be linked: the new record is removed and the reviews already linked
/// get their old text back, so that the command did all or nothing. Says what it could not
/// undo.
fn undo(
    record: &Path,
    linked: &[(PathBuf, String, String, EditLock)],
    error: anyhow::Error,
) -> anyhow::Error {
    let mut left = Vec::new();
    for (review, updated, original, _) in linked {
        // The lock held so far is on the replaced file: lock what is there now, and put the
        // old text back only if nobody changed the file since (a `timeline add` may have).
        let restored = EditLock::acquire(review).is_ok_and(|_lock| {
            std::fs::read_to_string(review).is_ok_and(|now| now == *updated)
                && fsutil::write_atomic(review, original.as_bytes()).is_ok()
        });
        if !restored {
            left.push(format!("{} still links the new record", review.display()));
        }
    }
    if std::fs::remove_file(record).is_err() {
        left.push(format!("{} was left in place", record.display()));
    }
    if left.is_empty() {
        anyhow::anyhow!("{error:#}; the new record was removed and nothing was changed")
    } else {
        anyhow::anyhow!("{error:#}; undoing failed: {}", left.join("; "))
    }
}

#[derive(Serialize)]
struct Listed<'a> {
    id: &'a str,
    title: &'a str,
    status: &'a str,
    owner: Option<&'a str>,
    path: String,
    incidents: Vec<IncidentLink<'a>>,
}

#[derive(Serialize)]
struct IncidentLink<'a> {
    id: &'a str,
    title: &'a str,
    severity: &'a str,
    started_at: Option<String>,
    path: String,
}

/// Each problem with the incidents that point at it, and links to records that do not exist.
pub fn list(config: &Config, json: bool, out: &Output) -> anyhow::Result<ExitCode> {
    let corpus = Corpus::load(config, &[], false);
    if let Some(note) = corpus.skipped_note() {
        out.note(note);
    }
    let mut problems: Vec<&crate::corpus::ProblemEntry> = corpus.problems.iter().collect();
    problems.sort_by(|a, b| a.problem.id.cmp(&b.problem.id));
    let listed: Vec<Listed> = problems
        .iter()
        .map(|p| Listed {
            id: &p.problem.id,
            title: &p.problem.title,
            status: &p.problem.status,
            owner: p.problem.owner.as_deref(),
            path: p.path.display().to_string(),
            incidents: corpus
                .incidents_of(&p.problem.id)
                .into_iter()
                .map(|e| IncidentLink {
                    id: &e.review.id,
                    title: &e.review.title,
                    severity: e.review.severity.as_str(),
                    started_at: e
                        .review
                        .started_at
                        .map(|t| crate::review::edit::format_timestamp(&t)),
                    path: e.path.display().to_string(),
                })
                .collect(),
        })
        .collect();
    let dangling: Vec<(&str, &str)> = corpus
        .reviews
        .iter()
        .filter_map(|e| {
            let p = e.review.problem.as_deref()?;
            corpus
                .problem(p)
                .is_none()
                .then_some((e.review.id.as_str(), p))
        })
        .collect();
    let mut stdout = crate::ui::stdio::stdout();
    if json {
        let doc = serde_json::json!({
            "schema_version": 1,
            "problems": listed,
            "links_to_missing_records": dangling.iter().map(|(r, p)| serde_json::json!({"review": r, "problem": p})).collect::<Vec<_>>(),
        });
        writeln!(stdout, "{}", serde_json::to_string_pretty(&doc)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut rows: Vec<Vec<String>> = vec![
        ["PROBLEM", "STATUS", "INCIDENTS", "TITLE"]
            .map(String::from)
            .to_vec(),
    ];
    for p in &listed {
        let ids: Vec<&str> = p.incidents.iter().map(|i| i.id).collect();
        rows.push(vec![
            p.id.to_string(),
            p.status.to_string(),
            if ids.is_empty() {
                "—".into()
            } else {
                ids.join(", ")
            },
            p.title.to_string(),
        ]);
    }
    write!(
        stdout,
        "{}",
        crate::insights::stats::align(&rows, &[false; 4])
    )?;
    if listed.is_empty() {
        writeln!(
            stdout,
            "No problem records in {}.",
            config.problems_dir().display()
        )?;
    }
    for (review, problem) in &dangling {
        writeln!(stdout, "{review} links {problem}, which does not exist")?;
    }
    Ok(ExitCode::SUCCESS)
}
