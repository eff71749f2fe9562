//! `pirt check`: seventeen rules over a set of review and problem files.
//!
//! Files are checked in parallel and dropped as soon as their findings are known; only
//! a small summary per file (ids and references) is kept for the cross-file rules.

mod blameless;
mod cross;
pub mod fix;
pub mod output;
mod rules;
pub mod secrets;
pub mod select;
mod view;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::{Config, RuleSetting};
use crate::corpus::{Index, collect_files};
use crate::diagnostic::{Diagnostic, Level};
use crate::pos::Pos;
use crate::review::Status;
pub use crate::rule_id::RuleId;

/// How many files are checked at a time (in parallel) before their results are gathered.
const CHUNK: usize = 2048;

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

/// A rule: its stable name, default level, what it reports (in one line and in full), and
/// how to resolve a finding (shown by code-scanning tools).
pub struct Rule {
    pub id: RuleId,
    pub default: DefaultLevel,
    pub summary: &'static str,
    pub description: &'static str,
    pub help: &'static str,
}

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::YamlSyntax,
        default: DefaultLevel::Error,
        summary: "front matter missing, unterminated or not valid YAML",
        description: "The front matter (the YAML between the first two `---` lines) must exist, be terminated and parse: no tabs in indentation, no duplicate keys, no alias bombs, UTF-8 text under the size limit.",
        help: "Fix the YAML at the line shown. A review starts with `---`, its front matter, and a closing `---` line; `pirt new` writes a valid one.",
    },
    Rule {
        id: RuleId::Schema,
        default: DefaultLevel::AsFound,
        summary: "wrong type or value for a known key; unknown key (a warning, with a suggestion)",
        description: "Every known key holds the type and values pirt expects (RFC 3339 timestamps with an offset, lists of text, the allowed names), and `id`, `title`, `status`, `severity` and `started_at` are present at every status. An unknown key is a warning with a suggestion; it is kept, never dropped.",
        help: "Correct the value or the key name shown; `pirt schema` prints the JSON Schema, and `pirt check --fix` converts offset-less times in the configured zone.",
    },
    Rule {
        id: RuleId::RequiredField,
        default: DefaultLevel::ByStatus,
        summary: "a field the status requires is missing",
        description: "A field the review's status requires (`[check.required_fields]`: services, incident commander, the lifecycle times, detection, impact summary) is missing or empty. A warning while in draft, an error once in review.",
        help: "Set the field in the front matter, or keep the review in `status: draft` until it is known.",
    },
    Rule {
        id: RuleId::Chronology,
        default: DefaultLevel::Error,
        summary: "started ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved violated",
        description: "The lifecycle times must run started <= detected <= acknowledged <= mitigated <= resolved.",
        help: "Check the date and offset of the time shown; a time after midnight typed on the wrong day is the usual cause.",
    },
    Rule {
        id: RuleId::TimelineOrder,
        default: DefaultLevel::ByStatus,
        summary: "timeline entries out of order, or outside the incident window",
        description: "Timeline entries are in time order, and lie inside the incident window (triggers and notes may precede the impact; communication, notes and resolution may follow it).",
        help: "Put the entries in order (`pirt check --fix` sorts a block timeline with its comments), or correct the date and offset.",
    },
    Rule {
        id: RuleId::SeverityScale,
        default: DefaultLevel::Error,
        summary: "a severity not in the configured scale or its aliases",
        description: "The severity is a level of the configured `[[severity]]` scale or one of its aliases.",
        help: "Use one of the scale's ids or aliases (`pirt check --fix` writes aliases as the id), or add the level to the scale in pirt.toml.",
    },
    Rule {
        id: RuleId::ActionItem,
        default: DefaultLevel::ByStatus,
        summary: "action item without owner, type, due date or tracker",
        description: "An open action item has an owner, a type, a due date and a tracker; a done item has an owner and a type; a review has at least the severity's `min_action_items` follow-ups (not wont-do).",
        help: "Add the missing keys to the item, or the follow-ups the review needs (`pirt draft FILE -p action-items` proposes some).",
    },
    Rule {
        id: RuleId::ActionItemOverdue,
        default: DefaultLevel::Warning,
        summary: "open item past its due date, or past the severity's deadline",
        description: "An open or in-progress action item is past its due date, or, without one, past the severity's `action_item_days` after the incident started.",
        help: "Finish the item, move the date with a reason, or set `status: wont-do`.",
    },
    Rule {
        id: RuleId::ProblemLink,
        default: DefaultLevel::ByStatus,
        summary: "a severity that requires a problem record without `problem:`",
        description: "A review whose severity has `requires_problem` names the problem record it hands off to in `problem:`.",
        help: "Open a problem record and link it with `pirt problem new \"TITLE\" --from FILE`, or set `problem:` to an existing record.",
    },
    Rule {
        id: RuleId::DanglingReference,
        default: DefaultLevel::Error,
        summary: "`related:` or `problem:` naming an id that does not exist",
        description: "`related:` and `problem:` name ids that exist in the configured reviews and problems folders.",
        help: "Correct the id, or create the record it names.",
    },
    Rule {
        id: RuleId::DuplicateId,
        default: DefaultLevel::Error,
        summary: "two reviews (or two problems) with the same id",
        description: "Every review and every problem record has its own id.",
        help: "Give one of the files a new id (`pirt new` picks the next free one).",
    },
    Rule {
        id: RuleId::RequiredSection,
        default: DefaultLevel::ByStatus,
        summary: "a required body section missing or empty for the status",
        description: "The body has the `## ` sections the status requires (`[check.required_sections]`), each holding more than guidance comments or a filler such as `Not written yet.` or `TBD`.",
        help: "Write the section, or keep the review in `status: draft` until it is written.",
    },
    Rule {
        id: RuleId::Placeholder,
        default: DefaultLevel::Error,
        summary: "template guidance or TODO/TBD/???/<fill in> left in a review past draft",
        description: "A review past draft holds no TODO, TBD, FIXME, `???`, `<fill in>` or `<!-- guide: -->` guidance.",
        help: "Replace the placeholder with the real content; `pirt check --fix` deletes guidance comments in sections that hold text.",
    },
    Rule {
        id: RuleId::UnreviewedDraft,
        default: DefaultLevel::Error,
        summary: "an AI draft marker left in a review past draft",
        description: "A review past draft holds no `<!-- pirt:draft -->` marker: AI drafts are read and edited by a person before review.",
        help: "Read and edit the drafted text, then delete its `<!-- pirt:draft ... -->` and `<!-- /pirt:draft -->` lines.",
    },
    Rule {
        id: RuleId::ImplausibleTime,
        default: DefaultLevel::Warning,
        summary: "a time in the future, a lifecycle step longer than its bound, or a year far from the others",
        description: "A time is probably a typo: more than `[check.implausible] future` ahead of now, a lifecycle step longer than its bound (TTD 24h, TTA 6h, TTM 7d, TTR 30d by default), or a year far from the review's other times.",
        help: "Check the date of the time shown; if it is right, raise the bound in `[check.implausible]`.",
    },
    Rule {
        id: RuleId::BlamelessLanguage,
        default: DefaultLevel::ByStatus,
        summary: "blame or counterfactual wording, with a suggestion",
        description: "Blame and counterfactual wording (human error, should have, failed to, careless, a person named as the cause) judges people with hindsight; a review describes what happened and why it made sense at the time.",
        help: "Reword as the hint suggests: describe the system, the information people had, and the conditions that made the action reasonable.",
    },
    Rule {
        id: RuleId::SecretInReview,
        default: DefaultLevel::Error,
        summary: "a key, token, private key, password in a URL or webhook in the file",
        description: "Anything `pirt draft` would redact as a secret (cloud and API keys, tokens, private keys, passwords in URLs, chat webhooks, JWTs, credentials after a key name) found anywhere in a review or problem record, front matter and body. E-mail and IP addresses are not reported. The finding shows a masked form, never the secret.",
        help: "Rotate the secret first (it is in the repository's history), then remove it from the file and from git history. `pirt check --fix` does not remove it.",
    },
];

/// What the rule does, from the table (which lists the rules in `RuleId::ALL`'s order).
pub fn rule(id: RuleId) -> &'static Rule {
    &RULES[id as usize]
}

/// The level a finding gets: the config's setting, else the rule's default for the
/// review's status (`None`: the rule is off).
pub fn level_for(
    config: &Config,
    rule: RuleId,
    status: Option<Status>,
    natural: Level,
) -> Option<Level> {
    match config.check.setting(rule) {
        Some(RuleSetting::Off) => return None,
        Some(RuleSetting::Warn) => return Some(Level::Warning),
        Some(RuleSetting::Error) => return Some(Level::Error),
        None => {}
    }
    Some(match self::rule(rule).default {
        DefaultLevel::Error => Level::Error,
        DefaultLevel::Warning => Level::Warning,
        DefaultLevel::ByStatus => match status {
            Some(Status::Draft) | None => Level::Warning,
            Some(_) => Level::Error,
        },
        DefaultLevel::AsFound => natural,
    })
}

use crate::corpus::kind_in;
pub use crate::corpus::{Kind, kind_of};

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
    /// What is "in the future" for `implausible-time`.
    pub now: chrono::DateTime<chrono::Utc>,
    pub as_status: Option<Status>,
}

impl Run {
    /// A run on `today`, with now at the end of that day (UTC): repeatable.
    pub fn on(today: NaiveDate) -> Self {
        let end = today
            .and_hms_opt(23, 59, 59)
            .expect("a valid time")
            .and_utc();
        Run {
            today,
            now: end,
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
/// .gitignore). `today` decides what is overdue. `others`: the index of the configured
/// folders, whose files outside `paths` the cross-file rules also see; `None` when `paths`
/// are the configured folders themselves (the whole set).
pub fn check_paths(config: &Config, paths: &[PathBuf], run: Run, others: Option<&Index>) -> Report {
    let whole = others.is_none();
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
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut report = Report {
        files: files.len(),
        ..Report::default()
    };
    let mut kept = cross::Kept::with_capacity(files.len());
    // In chunks, in parallel within each: a chunk's results are folded into the report in
    // file order before the next chunk is read, so the work in flight stays bounded and
    // only the small per-file records (and the findings) are kept, in lists sized once.
    for (n, chunk) in files.chunks(CHUNK).enumerate() {
        let check = |path: &PathBuf| {
            let kind = kind_in(path, &problems_dir, &cwd);
            rules::check_file(config, &blameless, path, kind, &run)
        };
        // One file (pre-commit, an editor) is checked on this thread: waking the thread
        // pool costs more than the file.
        let results: Vec<anyhow::Result<rules::Checked>> = if chunk.len() == 1 {
            chunk.iter().map(check).collect()
        } else {
            chunk.par_iter().map(check).collect()
        };
        for (i, result) in results.into_iter().enumerate() {
            match result {
                Ok(checked) => {
                    report.diagnostics.extend(checked.diagnostics);
                    if let Some(summary) = checked.summary {
                        kept.push(summary, n * CHUNK + i);
                    }
                    report.escalating += checked.escalating;
                    report.fixable += checked.fixable;
                }
                Err(e) => io_errors.push(format!("{e:#}")),
            }
        }
    }
    let cross = cross::check(config, &files, &kept, others, None, &[]);
    drop(kept);
    drop(files);
    report.diagnostics.extend(cross);
    report.diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.rule).cmp(&(&b.path, b.line, b.column, b.rule))
    });
    report.io_errors = io_errors;
    report
}

/// Checks text that is not on disk (an editor's unsaved buffer, `pirt check -
/// --stdin-filename PATH`) as if it were the file at `path`: that path's config, kind and
/// folder; the cross-file rules see the other files of `others` (the index of the
/// configured folders), and the file at `path` (if it exists) is replaced by the text.
pub fn check_text(
    config: &Config,
    path: &Path,
    bytes: &[u8],
    run: Run,
    others: Option<&Index>,
) -> Report {
    check_text_among(config, path, bytes, run, others, &[])
}

/// A file held in memory beside the one checked (an editor's other open buffer): its id
/// as the buffer holds it counts for the cross-file rules, not the one on disk.
pub struct OpenFile {
    pub path: PathBuf,
    pub kind: Kind,
    pub id: Option<String>,
}

/// As [`check_text`], with other files held in memory: their ids count as `open` holds
/// them (a duplicate of an unsaved buffer's id is found, a reference to it resolves).
pub fn check_text_among(
    config: &Config,
    path: &Path,
    bytes: &[u8],
    run: Run,
    others: Option<&Index>,
    open: &[OpenFile],
) -> Report {
    let blameless = blameless::Matcher::new(&config.check.blameless);
    let kind = kind_of(config, path);
    let checked = rules::check_bytes(config, &blameless, path, bytes, kind, &run);
    let mut diagnostics = checked.diagnostics;
    let mut kept = cross::Kept::default();
    if let Some(summary) = checked.summary {
        kept.push(summary, 0);
    }
    // Source lines come from the text given, not from the file on disk.
    let held = std::str::from_utf8(bytes).ok().map(|text| (path, text));
    let paths = [path.to_path_buf()];
    diagnostics.extend(cross::check(config, &paths, &kept, others, held, open));
    diagnostics.sort_by_key(|d| (d.line, d.column, d.rule));
    Report {
        files: 1,
        escalating: checked.escalating,
        fixable: checked.fixable,
        diagnostics,
        ..Report::default()
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
        let mut kept = cross::Kept::default();
        if let Some(summary) = checked.summary {
            kept.push(summary, 0);
        }
        let paths = [path.to_path_buf()];
        diagnostics.extend(cross::check(self.config, &paths, &kept, None, None, &[]));
        Report {
            files: 1,
            escalating: checked.escalating,
            fixable: checked.fixable,
            diagnostics,
            ..Report::default()
        }
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_rule_in_order() {
        assert_eq!(RULES.len(), RuleId::ALL.len());
        for (rule, id) in RULES.iter().zip(RuleId::ALL) {
            assert_eq!(rule.id, *id);
        }
    }
}
