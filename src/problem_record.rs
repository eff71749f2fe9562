//! Creating a problem record from reviews (`pirt problem new`): first a [`Plan`] (the
//! record's text and path, and the edit that gives each review its `problem:`), made
//! before anything is written; then [`apply`], which writes it all or undoes what it did.
//! And the listing of records with their incidents ([`List`]).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use serde::Serialize;

use crate::config::Config;
use crate::corpus::ProblemFacts;
use crate::corpus::index::Listing;
use crate::fsutil::{self, EditLock};
use crate::review::edit::{format_timestamp, set_top_level_scalar};
use crate::review::{Review, ReviewFile};

/// What the new record is.
pub struct NewProblem<'a> {
    /// The id it gets (the next free one).
    pub id: String,
    pub title: &'a str,
    /// The reviews to link to it.
    pub from: &'a [PathBuf],
    pub owner: Option<String>,
}

/// Everything `apply` writes, prepared and proven; every review stays locked until then.
pub struct Plan {
    pub id: String,
    /// `problems/PRB-NNNN-slug.md`.
    pub record: PathBuf,
    pub text: String,
    links: Vec<Link>,
}

/// One review's edit: its `problem:` set to the new id.
struct Link {
    review: PathBuf,
    updated: String,
    original: String,
    _lock: EditLock,
}

/// Prepares the record and every review edit. Nothing is written; an error (a review that
/// links another record, a template that makes no valid record) leaves everything as it
/// was. `loaded` sees each review once it is read (its warnings are the caller's to show).
pub fn plan(
    config: &Config,
    new: NewProblem,
    mut loaded: impl FnMut(&ReviewFile),
) -> anyhow::Result<Plan> {
    let title = new.title.trim();
    if title.is_empty() {
        bail!("the problem title is empty");
    }
    let id = new.id;
    // The same review named twice (even by another path) is linked once: locking it twice
    // would wait forever.
    let mut seen = std::collections::BTreeSet::new();
    let mut from = Vec::new();
    for path in new.from {
        let canonical = std::fs::canonicalize(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if seen.insert(canonical) {
            from.push(path);
        }
    }
    let mut links = Vec::new();
    let mut reviews: Vec<Review> = Vec::new();
    for path in from {
        let lock = EditLock::acquire(path)?;
        let file = ReviewFile::load(path, config)?;
        loaded(&file);
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
            |old, new| new.problem.as_deref() == Some(id.as_str()) && same_but_problem(old, new),
            path,
            config,
        )
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        reviews.push(file.parsed.review.clone());
        links.push(Link {
            review: path.clone(),
            updated,
            original: file.text,
            _lock: lock,
        });
    }
    let text = record_text(config, &id, title, new.owner, &reviews)?;
    let record = config.problems_dir().join(format!(
        "{id}-{}.md",
        crate::scaffold::slug_or(title, "problem")
    ));
    Ok(Plan {
        id,
        record,
        text,
        links,
    })
}

/// The review is the same apart from `problem:` (and the body, which the edit never
/// touches but a section position may shift).
fn same_but_problem(old: &Review, new: &Review) -> bool {
    let bare = |r: &Review| Review {
        problem: None,
        sections: Vec::new(),
        ..r.clone()
    };
    bare(old) == bare(new)
}

/// The record, from the `problem.md.j2` template, proven to be a valid record with `id`.
fn record_text(
    config: &Config,
    id: &str,
    title: &str,
    owner: Option<String>,
    reviews: &[Review],
) -> anyhow::Result<String> {
    let mut services: Vec<String> = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    for r in reviews {
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
    let template = crate::assets::template(config, "problem.md.j2")?;
    let env = crate::render::environment_with(config, false, &template)
        .with_context(|| format!("template {} is not valid", template.shown()))?;
    let text = env
        .get_template(&template.name)?
        .render(minijinja::context! {
            id => id,
            title => title,
            owner => owner,
            services => services,
            tags => tags,
            incidents => reviews.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        })
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
    Ok(text)
}

/// What `apply` did: the record it created, the reviews it linked (in order), and the
/// error that stopped it (after which the record is removed and the links undone).
pub struct Applied {
    pub created: Option<PathBuf>,
    pub linked: Vec<PathBuf>,
    pub error: Option<anyhow::Error>,
}

/// Creates the record, then links each review; on a failure undoes what it did, so that
/// the command does all or nothing.
pub fn apply(plan: Plan) -> Applied {
    let mut applied = Applied {
        created: None,
        linked: Vec::new(),
        error: None,
    };
    let created = plan
        .record
        .parent()
        .map_or(Ok(()), |dir| {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))
        })
        .and_then(|()| fsutil::create_new(&plan.record, plan.text.as_bytes()));
    if let Err(e) = created {
        applied.error = Some(e);
        return applied;
    }
    applied.created = Some(plan.record.clone());
    for (i, link) in plan.links.iter().enumerate() {
        if let Err(e) = fsutil::write_atomic(&link.review, link.updated.as_bytes()) {
            applied.error = Some(undo(&plan.record, &plan.links[..i], e));
            return applied;
        }
        applied.linked.push(link.review.clone());
    }
    applied
}

/// A review could not be linked: the new record is removed and the reviews already linked
/// get their old text back. Says what it could not undo.
fn undo(record: &Path, linked: &[Link], error: anyhow::Error) -> anyhow::Error {
    let mut left = Vec::new();
    for link in linked {
        // The lock held so far is on the replaced file: lock what is there now, and put the
        // old text back only if nobody changed the file since (a `timeline add` may have).
        let restored = EditLock::acquire(&link.review).is_ok_and(|_lock| {
            std::fs::read_to_string(&link.review).is_ok_and(|now| now == link.updated)
                && fsutil::write_atomic(&link.review, link.original.as_bytes()).is_ok()
        });
        if !restored {
            left.push(format!(
                "{} still links the new record",
                link.review.display()
            ));
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

/// `pirt problem list`: every record (by id) with the incidents that point at it, and the
/// reviews that link a record that does not exist.
pub struct List<'a> {
    problems: Vec<Listed<'a>>,
    /// (review, problem) of each link to a missing record.
    dangling: Vec<(&'a str, &'a str)>,
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

impl<'a> List<'a> {
    pub fn of(corpus: &Listing<'a>) -> Self {
        let mut records: Vec<&ProblemFacts> = corpus.problems.clone();
        records.sort_by(|a, b| a.id.cmp(&b.id));
        let problems = records
            .iter()
            .map(|p| Listed {
                id: &p.id,
                title: &p.title,
                status: &p.status,
                owner: p.owner.as_deref(),
                path: p.path.display().to_string(),
                incidents: corpus
                    .incidents_of(&p.id)
                    .into_iter()
                    .map(|e| IncidentLink {
                        id: &e.id,
                        title: &e.title,
                        severity: &e.severity,
                        started_at: e.started_at.map(|t| format_timestamp(&t)),
                        path: e.path.display().to_string(),
                    })
                    .collect(),
            })
            .collect();
        let dangling = corpus
            .reviews
            .iter()
            .filter_map(|e| {
                let p = e.problem.as_deref()?;
                corpus.problem(p).is_none().then_some((e.id.as_str(), p))
            })
            .collect();
        List { problems, dangling }
    }

    /// The JSON document of `--format json`.
    pub fn document(&self) -> serde_json::Value {
        let dangling: Vec<serde_json::Value> = self
            .dangling
            .iter()
            .map(|(r, p)| serde_json::json!({"review": r, "problem": p}))
            .collect();
        serde_json::json!({
            "schema_version": 1,
            "problems": self.problems,
            "links_to_missing_records": dangling,
        })
    }

    /// The terminal table, then a line for an empty `problems_dir` and each dangling link.
    pub fn table(&self, problems_dir: &Path) -> String {
        let mut rows: Vec<Vec<String>> = vec![
            ["PROBLEM", "STATUS", "INCIDENTS", "TITLE"]
                .map(String::from)
                .to_vec(),
        ];
        for p in &self.problems {
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
        let mut out = crate::insights::stats::align(&rows, &[false; 4]);
        if self.problems.is_empty() {
            out.push_str(&format!(
                "No problem records in {}.\n",
                problems_dir.display()
            ));
        }
        for (review, problem) in &self.dangling {
            out.push_str(&format!("{review} links {problem}, which does not exist\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REVIEW: &str = "---\nid: PIR-2026-001\ntitle: Checkout errors\nstatus: draft\nseverity: SEV2\nstarted_at: 2026-11-20T14:00:00Z\nservices: [checkout-api]\ntags: [database]\n---\n\n## Summary\n\nText.\n";

    #[test]
    fn a_plan_links_each_review_once_and_apply_writes_it() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            root: dir.path().to_path_buf(),
            ..Config::default()
        };
        let review = dir.path().join("r.md");
        std::fs::write(&review, REVIEW).unwrap();
        let from = vec![review.clone(), dir.path().join("./r.md")];
        let mut seen = 0;
        let new = NewProblem {
            id: "PRB-0001".into(),
            title: "Pool limits are not validated",
            from: &from,
            owner: None,
        };
        let plan = plan(&config, new, |_| seen += 1).unwrap();
        assert_eq!(seen, 1);
        assert!(
            plan.record
                .ends_with("PRB-0001-pool-limits-are-not-validated.md")
        );
        assert!(plan.text.contains("PIR-2026-001") || plan.text.contains("checkout-api"));
        // Nothing is written by the plan.
        assert_eq!(std::fs::read_to_string(&review).unwrap(), REVIEW);
        let applied = apply(plan);
        assert!(applied.error.is_none());
        assert_eq!(applied.linked, vec![review.clone()]);
        let linked = std::fs::read_to_string(&review).unwrap();
        assert!(linked.contains("problem: PRB-0001\n"), "{linked}");
        assert!(applied.created.unwrap().is_file());
    }

    #[test]
    fn a_review_linking_another_record_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let review = dir.path().join("r.md");
        std::fs::write(&review, REVIEW.replace("tags:", "problem: PRB-0009\ntags:")).unwrap();
        let from = vec![review];
        let new = NewProblem {
            id: "PRB-0010".into(),
            title: "T",
            from: &from,
            owner: None,
        };
        let error = plan(&Config::default(), new, |_| {}).err().unwrap();
        assert!(
            error
                .to_string()
                .contains("already links problem record PRB-0009")
        );
    }
}
