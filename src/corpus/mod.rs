//! Every review and problem record of a repository: read in full and in parallel (the
//! input of `stats`, `actions` and `site`), or as the small facts the index in
//! `.pirt/cache` keeps of each file (cross-file rules, similar incidents, new ids,
//! `problem list`).
//!
//! Layers: `corpus` reads `review` and `config` and is read by `check`, `render`,
//! `insights` and the commands; it imports none of them.

pub mod files;
pub mod index;
pub mod similar;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Level;
use crate::review::problem::{Problem, parse_problem};
use crate::review::{Review, parse_review, read_text};

use files::absolute;
pub use files::{collect_files, id_line, read_id};

pub use index::{Index, Need, ProblemFacts, ReviewFacts, ReviewRef};

/// What kind of file a path holds: problem records live in the problems folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Review,
    Problem,
}

/// Whether a file is a review or a problem record: problems live in the problems folder.
pub fn kind_of(config: &Config, path: &Path) -> Kind {
    let cwd = std::env::current_dir().unwrap_or_default();
    kind_in(path, &absolute(&config.problems_dir()), &cwd)
}

/// `problems_dir` is absolute; a relative `path` is taken from `cwd` (as
/// `std::path::absolute` would, without asking for the working directory each time).
pub fn kind_in(path: &Path, problems_dir: &Path, cwd: &Path) -> Kind {
    let inside = if path.is_absolute() {
        path.starts_with(problems_dir)
    } else {
        cwd.join(path).starts_with(problems_dir)
    };
    if inside { Kind::Problem } else { Kind::Review }
}

/// A review and where it lives.
#[derive(Clone, Debug)]
pub struct Entry {
    pub path: PathBuf,
    pub review: Review,
}

/// A problem record and where it lives.
#[derive(Clone, Debug)]
pub struct ProblemEntry {
    pub path: PathBuf,
    pub problem: Problem,
}

/// The reviews and problems that could be read, and why others could not.
#[derive(Debug, Default)]
pub struct Corpus {
    pub reviews: Vec<Entry>,
    pub problems: Vec<ProblemEntry>,
    /// One line per file left out (unreadable, or with errors `pirt check` explains).
    pub skipped: Vec<String>,
}

enum Loaded {
    Review(Box<Entry>),
    Problem(Box<ProblemEntry>),
    Skipped(String),
}

impl Corpus {
    /// Reads the reviews under `paths` (default: the reviews folder) and every problem
    /// record of the problems folder. `sections`: keep the body text (rendering needs it;
    /// figures do not, and dropping it keeps memory small on large corpora).
    pub fn load(config: &Config, paths: &[PathBuf], sections: bool) -> Corpus {
        let problems_dir = absolute(&config.problems_dir());
        let roots = roots(config, paths);
        let (files, errors) = collect_files(&roots);
        let loaded: Vec<Loaded> = files
            .par_iter()
            .map(|path| {
                load_one(
                    config,
                    path,
                    absolute(path).starts_with(&problems_dir),
                    sections,
                )
            })
            .collect();
        let mut corpus = Corpus {
            skipped: errors,
            ..Corpus::default()
        };
        for item in loaded {
            match item {
                Loaded::Review(e) => corpus.reviews.push(*e),
                Loaded::Problem(p) => corpus.problems.push(*p),
                Loaded::Skipped(s) => corpus.skipped.push(s),
            }
        }
        corpus
    }

    /// The problem record with this id.
    pub fn problem(&self, id: &str) -> Option<&ProblemEntry> {
        self.problems.iter().find(|p| p.problem.id == id)
    }

    /// The reviews that point at a problem record, oldest first.
    pub fn incidents_of(&self, problem: &str) -> Vec<&Entry> {
        let mut found: Vec<&Entry> = self
            .reviews
            .iter()
            .filter(|e| e.review.problem.as_deref() == Some(problem))
            .collect();
        found.sort_by_key(|e| (e.review.started_at, e.review.id.clone()));
        found
    }

    /// A note for standard error when files were left out.
    pub fn skipped_note(&self) -> Option<String> {
        skipped_note(&self.skipped)
    }
}

/// Names the files left out, one line each, up to ten.
pub fn skipped_note(skipped: &[String]) -> Option<String> {
    const SHOWN: usize = 10;
    if skipped.is_empty() {
        return None;
    }
    let n = skipped.len();
    let mut note = format!(
        "left out {n} file{} that could not be read as reviews or problems (`pirt check` explains):",
        if n == 1 { "" } else { "s" },
    );
    for line in skipped.iter().take(SHOWN) {
        note.push_str("\n  ");
        note.push_str(line.lines().next().unwrap_or_default());
    }
    if n > SHOWN {
        note.push_str(&format!("\n  … and {} more", n - SHOWN));
    }
    Some(note)
}

/// The folders (or files) a corpus is read from: `paths`, or the reviews folder, and the
/// problems folder in any case.
fn roots(config: &Config, paths: &[PathBuf]) -> Vec<PathBuf> {
    let problems_dir = absolute(&config.problems_dir());
    let mut roots: Vec<PathBuf> = if paths.is_empty() {
        // No reviews folder yet is an empty corpus, not an unreadable file.
        let dir = config.reviews_dir();
        if dir.exists() { vec![dir] } else { Vec::new() }
    } else {
        paths.to_vec()
    };
    if problems_dir.is_dir() && !roots.iter().any(|p| absolute(p) == problems_dir) {
        roots.push(problems_dir);
    }
    roots
}

/// The first error-level finding, as a listing names a file it leaves out.
fn first_error(path: &Path, diagnostics: &[crate::diagnostic::Diagnostic]) -> Option<String> {
    diagnostics
        .iter()
        .find(|d| d.level == Level::Error)
        .map(|d| format!("{}:{}:{}: {}", path.display(), d.line, d.column, d.message))
}

fn load_one(config: &Config, path: &Path, is_problem: bool, sections: bool) -> Loaded {
    let text = match read_text(path, config.check.max_file_mb) {
        Ok(text) => text,
        Err(e) => return Loaded::Skipped(format!("{e:#}")),
    };
    let first_error =
        |diagnostics: &[crate::diagnostic::Diagnostic]| first_error(path, diagnostics);
    if is_problem {
        let (mut problem, diagnostics) = parse_problem(path, &text);
        if let Some(e) = first_error(&diagnostics) {
            return Loaded::Skipped(e);
        }
        if !sections {
            problem.sections.clear();
        }
        return Loaded::Problem(Box::new(ProblemEntry {
            path: path.to_path_buf(),
            problem,
        }));
    }
    let mut parsed = parse_review(path, &text, config);
    if let Some(e) = first_error(&parsed.diagnostics) {
        return Loaded::Skipped(e);
    }
    if !sections {
        parsed.review.sections.clear();
    }
    Loaded::Review(Box::new(Entry {
        path: path.to_path_buf(),
        review: parsed.review,
    }))
}
