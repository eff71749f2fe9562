//! Rules that look at the whole set: duplicate ids and references to ids that do not exist.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::check::{Kind, Reference, RuleId, Summary, level_for};
use crate::config::Config;
use crate::corpus::Index;
use crate::diagnostic::{Diagnostic, Level};
use crate::pos::Pos;
use crate::review::Status;

/// What the cross-file rules keep of one checked file: its ids packed into one string and
/// their positions into one slice, about 170 bytes a file with the allocations (a
/// [`Summary`] with its strings is about 400), so that 100,000 files take some 17 MB.
pub(super) struct Kept {
    /// Where the file is in the list of checked paths.
    file: u32,
    kind: Kind,
    status: Option<Status>,
    has_id: bool,
    has_problem: bool,
    /// The file's own id (if any), then its `related` ids, then its `problem` (if any).
    ids: Box<str>,
    refs: Box<[Ref]>,
}

/// One id in [`Kept::ids`]: where it ends there, and where it is written in the file.
#[derive(Clone, Copy)]
struct Ref {
    end: u32,
    line: u32,
    column: u32,
    offset: u32,
    len: u32,
}

fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Kept {
    /// `file`: the summary's index in the paths later given to [`check`].
    pub(super) fn of(summary: Summary, file: usize) -> Kept {
        let Summary {
            kind,
            status,
            id,
            related,
            problem,
            ..
        } = summary;
        let (has_id, has_problem) = (id.is_some(), problem.is_some());
        let all: Vec<Reference> = id.into_iter().chain(related).chain(problem).collect();
        let mut ids = String::with_capacity(all.iter().map(|r| r.id.len()).sum());
        let refs = all
            .iter()
            .map(|r| {
                ids.push_str(&r.id);
                Ref {
                    end: narrow(ids.len()),
                    line: narrow(r.pos.line),
                    column: narrow(r.pos.column),
                    offset: narrow(r.pos.offset),
                    len: narrow(r.pos.len),
                }
            })
            .collect();
        Kept {
            file: narrow(file),
            kind,
            status,
            has_id,
            has_problem,
            ids: ids.into_boxed_str(),
            refs,
        }
    }

    /// The ids with their positions, in the order [`Kept::ids`] holds them.
    fn refs(&self) -> impl Iterator<Item = (&str, Pos)> {
        let mut start = 0;
        self.refs.iter().map(move |r| {
            let id = &self.ids[start..r.end as usize];
            start = r.end as usize;
            let pos = Pos {
                line: r.line as usize,
                column: r.column as usize,
                offset: r.offset as usize,
                len: r.len as usize,
            };
            (id, pos)
        })
    }

    fn id(&self) -> Option<(&str, Pos)> {
        self.has_id.then(|| self.refs().next()).flatten()
    }

    fn related(&self) -> impl Iterator<Item = (&str, Pos)> {
        let skip = usize::from(self.has_id);
        let take = self.refs.len() - skip - usize::from(self.has_problem);
        self.refs().skip(skip).take(take)
    }

    fn problem(&self) -> Option<(&str, Pos)> {
        self.has_problem.then(|| self.refs().last()).flatten()
    }
}

/// The ids of one kind of file, sorted, each with the files that hold it in the order they
/// were given (checked files first, then the index's).
struct Known<'a> {
    entries: Vec<(&'a str, &'a Path)>,
    /// The distinct ids, for "did you mean".
    distinct: Vec<&'a str>,
}

impl<'a> Known<'a> {
    fn new(mut entries: Vec<(&'a str, &'a Path)>) -> Self {
        // Stable: the files of one id stay in the order they were given.
        entries.sort_by_key(|(id, _)| *id);
        let mut distinct: Vec<&str> = entries.iter().map(|(id, _)| *id).collect();
        distinct.dedup();
        Known { entries, distinct }
    }

    fn holders<'s>(&'s self, id: &'s str) -> impl Iterator<Item = &'a Path> + 's {
        let at = self.entries.partition_point(|(k, _)| *k < id);
        self.entries[at..]
            .iter()
            .take_while(move |(k, _)| *k == id)
            .map(|(_, path)| *path)
    }

    fn contains(&self, id: &str) -> bool {
        self.distinct.binary_search(&id).is_ok()
    }
}

/// `paths[k.file]` is the file of each kept record.
///
/// `others`: the index of the configured folders, whose files outside the checked set
/// also count, so that checking one file (pre-commit) still resolves its references; `None`
/// when the checked set is the whole.
///
/// `held`: a file whose text is in memory (standard input) rather than on disk; its source
/// lines are taken from that text.
pub(super) fn check(
    config: &Config,
    paths: &[PathBuf],
    kept: &[Kept],
    others: Option<&Index>,
    held: Option<(&Path, &str)>,
) -> Vec<Diagnostic> {
    let path_of = |k: &Kept| paths[k.file as usize].as_path();
    let mut reviews: Vec<(&str, &Path)> = Vec::new();
    let mut problems: Vec<(&str, &Path)> = Vec::new();
    for k in kept {
        if let Some((id, _)) = k.id() {
            let known = if k.kind == Kind::Review {
                &mut reviews
            } else {
                &mut problems
            };
            known.push((id, path_of(k)));
        }
    }
    if let Some(index) = others {
        // The checked files count as they are now, not as the index last saw them.
        let checked: HashSet<PathBuf> = kept.iter().map(|k| absolute(path_of(k))).collect();
        for (kind, id, path) in index.ids() {
            if checked.contains(&absolute(path)) {
                continue;
            }
            let known = if kind == Kind::Review {
                &mut reviews
            } else {
                &mut problems
            };
            known.push((id, path));
        }
    }
    let (reviews, problems) = (Known::new(reviews), Known::new(problems));

    let mut out = Vec::new();
    for k in kept {
        let path = path_of(k);
        let mut add = |rule: RuleId, pos: Pos, message: String, hint: Option<String>| {
            if let Some(level) = level_for(config, rule, k.status, Level::Error) {
                let mut d = Diagnostic::new(path, pos, level, rule, message);
                d.hint = hint;
                // Findings here are rare: the source line is read when one is made.
                match held {
                    Some((held_path, text)) if held_path == path => d.attach_snippet(text),
                    _ => {
                        if let Ok(text) = std::fs::read_to_string(path) {
                            d.attach_snippet(&text);
                        }
                    }
                }
                out.push(d);
            }
        };
        if let Some((id, pos)) = k.id() {
            let known = if k.kind == Kind::Review {
                &reviews
            } else {
                &problems
            };
            let others: Vec<String> = known
                .holders(id)
                .filter(|p| *p != path)
                .map(|p| p.display().to_string())
                .collect();
            if !others.is_empty() {
                add(
                    RuleId::DuplicateId,
                    pos,
                    format!("id `{id}` is also used by {}", others.join(", ")),
                    Some("give each file its own id (`pirt new` picks the next free one)".into()),
                );
            }
        }
        for (id, pos) in k.related() {
            if !reviews.contains(id) {
                add(
                    RuleId::DanglingReference,
                    pos,
                    format!("`related:` names `{id}`, but no review has that id"),
                    closest(id, &reviews.distinct),
                );
            }
        }
        if let Some((id, pos)) = k.problem()
            && !problems.contains(id)
        {
            let hint = closest(id, &problems.distinct).or_else(|| {
                Some(format!(
                    "create the problem record in {}/",
                    config.folders.problems.display()
                ))
            });
            add(
                RuleId::DanglingReference,
                pos,
                format!("`problem:` names `{id}`, but no problem record has that id"),
                hint,
            );
        }
    }
    out
}

/// A "did you mean" among the known ids. A typo in an id usually keeps its prefix, so only
/// the ids sorted next to it are compared: the cost stays small with 100k reviews.
fn closest(id: &str, sorted: &[&str]) -> Option<String> {
    const WINDOW: usize = 16;
    let at = sorted.partition_point(|k| *k < id);
    let near = &sorted[at.saturating_sub(WINDOW)..(at + WINDOW).min(sorted.len())];
    crate::review::suggest(id, near).map(|s| format!("did you mean `{s}`?"))
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
