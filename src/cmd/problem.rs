//! `pirt problem new` and `pirt problem list`

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Datelike;

use crate::cmd::Output;
use crate::config::Config;
use crate::corpus::{Index, Kind, Need};
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

/// Each problem with the incidents that point at it, and links to records that do not exist.
pub fn list(config: &Config, json: bool, out: &Output) -> anyhow::Result<ExitCode> {
    let index = Index::open(config, Need::Facts);
    super::cache::print_notes(&index, out);
    let corpus = index.listing();
    if let Some(note) = corpus.skipped_note() {
        out.note(note);
    }
    let listed = problem_record::List::of(&corpus);
    let text = if json {
        format!("{}\n", serde_json::to_string_pretty(&listed.document())?)
    } else {
        listed.table(&config.problems_dir())
    };
    write!(crate::ui::stdio::stdout(), "{text}")?;
    Ok(ExitCode::SUCCESS)
}
