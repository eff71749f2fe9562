//! `pirt check`: sixteen rules over a set of review and problem files.
//!
//! Files are checked in parallel and dropped as soon as their findings are known; only
//! a small summary per file (ids and references) is kept for the cross-file rules.

mod blameless;
mod cross;
pub mod fix;
pub mod output;
mod rules;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::{Config, RuleSetting};
use crate::diagnostic::{Diagnostic, Level};
use crate::review::Status;
use crate::review::yaml::Pos;

/// How a rule's default level is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultLevel {
    Error,
    Warning,
    /// Warning on a draft, error on a review in review or published.
    ByStatus,
    /// The level the finding was made with (schema: a wrong type is an error, an unknown
    /// key a warning).
    AsFound,
}

/// A rule: its stable name, default level, and what it reports.
pub struct Rule {
    pub name: &'static str,
    pub default: DefaultLevel,
    pub summary: &'static str,
}

pub const RULES: &[Rule] = &[
    Rule {
        name: "yaml-syntax",
        default: DefaultLevel::Error,
        summary: "front matter missing, unterminated or not valid YAML",
    },
    Rule {
        name: "schema",
        default: DefaultLevel::AsFound,
        summary: "wrong type or value for a known key; unknown key (a warning, with a suggestion)",
    },
    Rule {
        name: "required-field",
        default: DefaultLevel::ByStatus,
        summary: "a field the status requires is missing",
    },
    Rule {
        name: "chronology",
        default: DefaultLevel::Error,
        summary: "started ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved violated",
    },
    Rule {
        name: "timeline-order",
        default: DefaultLevel::ByStatus,
        summary: "timeline entries out of order, or outside the incident window",
    },
    Rule {
        name: "severity-scale",
        default: DefaultLevel::Error,
        summary: "a severity not in the configured scale or its aliases",
    },
    Rule {
        name: "action-item",
        default: DefaultLevel::ByStatus,
        summary: "action item without owner, type, due date or tracker",
    },
    Rule {
        name: "action-item-overdue",
        default: DefaultLevel::Warning,
        summary: "open item past its due date, or past the severity's deadline",
    },
    Rule {
        name: "problem-link",
        default: DefaultLevel::ByStatus,
        summary: "a severity that requires a problem record without `problem:`",
    },
    Rule {
        name: "dangling-reference",
        default: DefaultLevel::Error,
        summary: "`related:` or `problem:` naming an id that does not exist",
    },
    Rule {
        name: "duplicate-id",
        default: DefaultLevel::Error,
        summary: "two reviews (or two problems) with the same id",
    },
    Rule {
        name: "required-section",
        default: DefaultLevel::ByStatus,
        summary: "a required body section missing or empty for the status",
    },
    Rule {
        name: "placeholder",
        default: DefaultLevel::Error,
        summary: "template guidance or TODO/TBD/???/<fill in> left in a review past draft",
    },
    Rule {
        name: "unreviewed-draft",
        default: DefaultLevel::Error,
        summary: "an AI draft marker left in a review past draft",
    },
    Rule {
        name: "implausible-time",
        default: DefaultLevel::Warning,
        summary: "a time in the future, a lifecycle step longer than its bound, or a year far from the others",
    },
    Rule {
        name: "blameless-language",
        default: DefaultLevel::ByStatus,
        summary: "blame or counterfactual wording, with a suggestion",
    },
];

pub fn rule_names() -> Vec<&'static str> {
    RULES.iter().map(|r| r.name).collect()
}

/// The level a finding gets: the config's setting, else the rule's default for the
/// review's status (`None`: the rule is off).
pub fn level_for(
    config: &Config,
    rule: &str,
    status: Option<Status>,
    natural: Level,
) -> Option<Level> {
    match config.check.setting(rule) {
        Some(RuleSetting::Off) => return None,
        Some(RuleSetting::Warn) => return Some(Level::Warning),
        Some(RuleSetting::Error) => return Some(Level::Error),
        None => {}
    }
    let default = RULES
        .iter()
        .find(|r| r.name == rule)
        .map_or(DefaultLevel::AsFound, |r| r.default);
    Some(match default {
        DefaultLevel::Error => Level::Error,
        DefaultLevel::Warning => Level::Warning,
        DefaultLevel::ByStatus => match status {
            Some(Status::Draft) | None => Level::Warning,
            Some(_) => Level::Error,
        },
        DefaultLevel::AsFound => natural,
    })
}

/// What kind of file a path holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Review,
    Problem,
}

/// A reference to an id, with where it was written (for cross-file findings).
#[derive(Clone, Debug)]
pub struct Reference {
    pub id: String,
    pub pos: Pos,
}

/// What the cross-file rules need to know of one file.
#[derive(Clone, Debug)]
pub struct Summary {
    pub path: PathBuf,
    pub kind: Kind,
    pub status: Option<Status>,
    pub id: Option<Reference>,
    pub related: Vec<Reference>,
    pub problem: Option<Reference>,
}

/// How a check run judges: the day that decides what is overdue (and "now" for future
/// times), and a status to judge every review as (`--as`), instead of its own.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    pub today: NaiveDate,
    pub as_status: Option<Status>,
}

impl Run {
    pub fn on(today: NaiveDate) -> Self {
        Run {
            today,
            as_status: None,
        }
    }
}

/// The outcome of checking a set of files.
#[derive(Debug, Default)]
pub struct Report {
    pub files: usize,
    /// Findings in drafts that become errors once they are in review.
    pub escalating: usize,
    /// Findings that `pirt check --fix` removes.
    pub fixable: usize,
    /// Sorted by path, line and column.
    pub diagnostics: Vec<Diagnostic>,
    /// Files that could not be read at all (exit code 2).
    pub io_errors: Vec<String>,
}

impl Report {
    pub fn count(&self, level: Level) -> usize {
        self.diagnostics.iter().filter(|d| d.level == level).count()
    }
}

/// Checks every `.md` file under `paths` (files or folders; folders are walked honouring
/// .gitignore). `today` decides what is overdue. `whole`: `paths` are the configured
/// folders themselves, so no other file needs to be looked at for the cross-file rules.
pub fn check_paths(config: &Config, paths: &[PathBuf], run: Run, whole: bool) -> Report {
    let (files, mut io_errors) = collect_files(paths);
    // A gate that checks nothing must not pass: a folder named on the command line that
    // holds no review or problem file is an error. The configured folders may be empty.
    if !whole {
        for path in paths.iter().filter(|p| p.is_dir()) {
            let abs = absolute(path);
            if !files.iter().any(|f| absolute(f).starts_with(&abs)) {
                io_errors.push(format!(
                    "{}: no review or problem file (.md) in this folder; nothing was checked",
                    path.display()
                ));
            }
        }
    }
    let blameless = blameless::Matcher::new(&config.check.blameless);
    // Made absolute once, not for every file.
    let problems_dir = absolute(&config.problems_dir());
    // Folded straight into the three lists the report needs: no per-file intermediate list,
    // so memory stays proportional to the findings and the small summaries.
    let folded = files
        .par_iter()
        .fold(Fold::default, |mut acc, path| {
            let kind = kind_in(path, &problems_dir);
            match rules::check_file(config, &blameless, path, kind, &run) {
                Ok(checked) => {
                    acc.diagnostics.extend(checked.diagnostics);
                    acc.summaries.extend(checked.summary);
                    acc.escalating += checked.escalating;
                    acc.fixable += checked.fixable;
                }
                Err(e) => acc.errors.push(format!("{e:#}")),
            }
            acc
        })
        .reduce(Fold::default, Fold::merge);
    let summaries = folded.summaries;
    io_errors.extend(folded.errors);
    let mut report = Report {
        files: files.len(),
        escalating: folded.escalating,
        fixable: folded.fixable,
        diagnostics: folded.diagnostics,
        ..Report::default()
    };
    drop(files);
    report
        .diagnostics
        .extend(cross::check(config, &summaries, whole));
    report.diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.rule).cmp(&(&b.path, b.line, b.column, b.rule))
    });
    report.io_errors = io_errors;
    report
}

/// What the parallel check of many files gathers.
#[derive(Default)]
struct Fold {
    diagnostics: Vec<Diagnostic>,
    summaries: Vec<Summary>,
    errors: Vec<String>,
    escalating: usize,
    fixable: usize,
}

impl Fold {
    fn merge(mut self, other: Fold) -> Fold {
        self.diagnostics.extend(other.diagnostics);
        self.summaries.extend(other.summaries);
        self.errors.extend(other.errors);
        self.escalating += other.escalating;
        self.fixable += other.fixable;
        self
    }
}

/// Checks files held in memory, as `pirt check FILE` would (cross-file rules see only
/// the one file). Used by the fuzz targets; the blameless matcher is built once.
pub struct MemoryChecker<'c> {
    config: &'c Config,
    blameless: blameless::Matcher,
}

impl<'c> MemoryChecker<'c> {
    pub fn new(config: &'c Config) -> Self {
        MemoryChecker {
            config,
            blameless: blameless::Matcher::new(&config.check.blameless),
        }
    }

    /// `path` only names the file in the findings.
    pub fn check(&self, path: &Path, bytes: &[u8], kind: Kind, today: NaiveDate) -> Report {
        let checked = rules::check_bytes(
            self.config,
            &self.blameless,
            path,
            bytes,
            kind,
            &Run::on(today),
        );
        let mut diagnostics = checked.diagnostics;
        let summaries: Vec<Summary> = checked.summary.into_iter().collect();
        diagnostics.extend(cross::check(self.config, &summaries, false));
        Report {
            files: 1,
            escalating: checked.escalating,
            fixable: checked.fixable,
            diagnostics,
            ..Report::default()
        }
    }
}

/// Whether a file is a review or a problem record: problems live in the problems folder.
pub fn kind_of(config: &Config, path: &Path) -> Kind {
    kind_in(path, &absolute(&config.problems_dir()))
}

fn kind_in(path: &Path, problems_dir: &Path) -> Kind {
    if absolute(path).starts_with(problems_dir) {
        Kind::Problem
    } else {
        Kind::Review
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The `.md` files under `paths`, sorted; unreadable paths become messages.
pub(crate) fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.exists() {
            errors.push(format!("{}: no such file or folder", path.display()));
            continue;
        }
        for entry in ignore::WalkBuilder::new(path)
            .hidden(true)
            .require_git(false)
            .build()
        {
            match entry {
                Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                    if entry.path().extension().is_some_and(|e| e == "md") {
                        files.push(entry.into_path());
                    }
                }
                Ok(_) => {}
                Err(e) => errors.push(e.to_string()),
            }
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}
