//! `pirt problem new` and `pirt problem list`

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Datelike;
use serde::Serialize;

use crate::cmd::Output;
use crate::config::Config;
use crate::corpus::{Index, Kind, Need, ProblemFacts};
use crate::problem_record::{self, NewProblem};

pub struct NewOptions {
    pub title: String,
    pub from: Vec<PathBuf>,
    pub owner: Option<String>,
}

/// Creates `problems/PRB-NNNN-slug.md` and links each `--from` review to it. Every review
/// is read and its edit prepared before anything is written.
pub fn new(config: &Config, options: NewOptions, out: &Output) -> anyhow::Result<ExitCode> {
    let index = Index::open(config, Need::Ids);
    super::cache::print_notes(&index, out);
    let used = index
        .ids()
        .filter(|(kind, ..)| *kind == Kind::Problem)
        .map(|(_, id, _)| id);
    let id = crate::scaffold::next_id(
        &config.ids.problem,
        chrono::Utc::now().with_timezone(&config.zone).year(),
        used,
    );
    let new = NewProblem {
        id,
        title: &options.title,
        from: &options.from,
        owner: options.owner,
    };
    let plan = problem_record::plan(config, new, |file| out.warnings(file))?;
    let id = plan.id.clone();
    let applied = problem_record::apply(plan);
    if let Some(record) = &applied.created {
        out.note(format!("created {} ({id})", record.display()));
    }
    for review in &applied.linked {
        out.note(format!("linked {} to {id}", review.display()));
    }
    match (applied.error, applied.created) {
        (Some(error), _) => Err(error),
        (None, record) => {
            outln!("{}", record.unwrap_or_default().display());
            Ok(ExitCode::SUCCESS)
        }
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
    let index = Index::open(config, Need::Facts);
    super::cache::print_notes(&index, out);
    let corpus = index.listing();
    if let Some(note) = corpus.skipped_note() {
        out.note(note);
    }
    let mut problems: Vec<&ProblemFacts> = corpus.problems.clone();
    problems.sort_by(|a, b| a.id.cmp(&b.id));
    let listed: Vec<Listed> = problems
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
                    started_at: e
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
            let p = e.problem.as_deref()?;
            corpus.problem(p).is_none().then_some((e.id.as_str(), p))
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
