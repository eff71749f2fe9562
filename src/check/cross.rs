//! Rules that look at the whole set: duplicate ids and references to ids that do not exist.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::check::{Kind, OpenFile, RuleId, Summary, level_for};
use crate::config::Config;
use crate::corpus::Index;
use crate::diagnostic::{Diagnostic, Level};
use crate::pos::Pos;
use crate::review::Status;

/// What the cross-file rules keep of every checked file, in three lists shared by all
/// files (no allocation per file): about 110 bytes a file, so that 100,000 files take some
/// 11 MB (a [`Summary`] with its strings is about 400 bytes).
#[derive(Default)]
pub(super) struct Kept {
    files: Vec<KeptFile>,
    /// Every file's ids with their positions, file after file.
    refs: Vec<Ref>,
    /// The text of every id in `refs`, one after another.
    ids: String,
}

/// One file in [`Kept`]: its own id (if any), then its `related` ids, then its `problem`
/// (if any) are its stretch of `refs`, ending at `refs_end`.
struct KeptFile {
    /// Where the file is in the list of checked paths.
    path: u32,
    kind: Kind,
    status: Option<Status>,
    has_id: bool,
    has_problem: bool,
    refs_end: u32,
}

/// One id: where its text ends in [`Kept::ids`], and where it is written in its file.
#[derive(Clone, Copy)]
struct Ref {
    end: u32,
    line: u32,
    column: u32,
    offset: u32,
    len: u32,
}

/// Positions and counts fit in 32 bits (a file is at most `max_file_mb`); a larger one
/// saturates rather than wraps.
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Kept {
    /// Room for `files` files, with their usual number of ids.
    pub(super) fn with_capacity(files: usize) -> Self {
        Kept {
            files: Vec::with_capacity(files),
            refs: Vec::with_capacity(files * 3),
            ids: String::with_capacity(files * 16),
        }
    }

    /// Keeps what the cross-file rules need of `summary`, the file at `path` in the list of
    /// paths later given to [`check`].
    pub(super) fn push(&mut self, summary: Summary, path: usize) {
        let Summary {
            kind,
            status,
            id,
            related,
            problem,
            ..
        } = summary;
        let (has_id, has_problem) = (id.is_some(), problem.is_some());
        for r in id.iter().chain(&related).chain(&problem) {
            self.ids.push_str(&r.id);
            self.refs.push(Ref {
                end: narrow(self.ids.len()),
                line: narrow(r.pos.line),
                column: narrow(r.pos.column),
                offset: narrow(r.pos.offset),
                len: narrow(r.pos.len),
            });
        }
        self.files.push(KeptFile {
            path: narrow(path),
            kind,
            status,
            has_id,
            has_problem,
            refs_end: narrow(self.refs.len()),
        });
    }

    /// The ids of file `i` with their positions: its own, its related ones, its problem.
    fn refs(&self, i: usize) -> impl Iterator<Item = (&str, Pos)> {
        let start = i
            .checked_sub(1)
            .map_or(0, |p| self.files[p].refs_end as usize);
        let end = self.files[i].refs_end as usize;
        (start..end).map(move |j| {
            let from = j.checked_sub(1).map_or(0, |p| self.refs[p].end as usize);
            let r = self.refs[j];
            let pos = Pos {
                line: r.line as usize,
                column: r.column as usize,
                offset: r.offset as usize,
                len: r.len as usize,
            };
            (&self.ids[from..r.end as usize], pos)
        })
    }

    fn id(&self, i: usize) -> Option<(&str, Pos)> {
        self.files[i].has_id.then(|| self.refs(i).next()).flatten()
    }

    fn related(&self, i: usize) -> impl Iterator<Item = (&str, Pos)> {
        let f = &self.files[i];
        let skip = usize::from(f.has_id);
        let end = f.refs_end as usize;
        let start = i
            .checked_sub(1)
            .map_or(0, |p| self.files[p].refs_end as usize);
        let take = (end - start) - skip - usize::from(f.has_problem);
        self.refs(i).skip(skip).take(take)
    }

    fn problem(&self, i: usize) -> Option<(&str, Pos)> {
        self.files[i]
            .has_problem
            .then(|| self.refs(i).last())
            .flatten()
    }
}

/// The files that hold an id: checked files by their number in [`Kept`], and after them
/// files of the index outside the checked set.
struct Holders<'a> {
    kept: &'a Kept,
    paths: &'a [PathBuf],
    others: Vec<(Kind, &'a str, &'a Path)>,
}

impl<'a> Holders<'a> {
    fn count(&self) -> usize {
        self.kept.files.len() + self.others.len()
    }

    /// Holder `h`'s kind and id (`None`: a checked file without an id).
    fn id(&self, h: usize) -> Option<(Kind, &'a str)> {
        match h.checked_sub(self.kept.files.len()) {
            None => {
                let (id, _) = self.kept.id(h)?;
                Some((self.kept.files[h].kind, id))
            }
            Some(o) => Some((self.others[o].0, self.others[o].1)),
        }
    }

    fn path(&self, h: usize) -> &'a Path {
        match h.checked_sub(self.kept.files.len()) {
            None => &self.paths[self.kept.files[h].path as usize],
            Some(o) => self.others[o].2,
        }
    }
}

/// The ids of one kind of file, as holder numbers sorted by id (the holders of one id in
/// the order they were given), and the first holder of each distinct id.
struct Known<'h, 'a> {
    holders: &'h Holders<'a>,
    sorted: Vec<u32>,
    distinct: Vec<u32>,
}

impl<'h, 'a> Known<'h, 'a> {
    fn new(holders: &'h Holders<'a>, kind: Kind) -> Self {
        let id = |h: u32| holders.id(h as usize).map_or("", |(_, id)| id);
        let mut sorted: Vec<u32> = (0..holders.count())
            .filter(|&h| holders.id(h).is_some_and(|(k, _)| k == kind))
            .map(narrow)
            .collect();
        // Stable: the holders of one id stay in the order they were given.
        sorted.sort_by(|a, b| id(*a).cmp(id(*b)));
        let mut distinct = sorted.clone();
        distinct.dedup_by(|b, a| id(*a) == id(*b));
        Known {
            holders,
            sorted,
            distinct,
        }
    }

    fn id(&self, h: u32) -> &'a str {
        self.holders.id(h as usize).map_or("", |(_, id)| id)
    }

    fn holders<'s>(&'s self, id: &'s str) -> impl Iterator<Item = &'a Path> + 's {
        let at = self.sorted.partition_point(|&h| self.id(h) < id);
        self.sorted[at..]
            .iter()
            .take_while(move |&&h| self.id(h) == id)
            .map(|&h| self.holders.path(h as usize))
    }

    fn contains(&self, id: &str) -> bool {
        self.distinct
            .binary_search_by(|&h| self.id(h).cmp(id))
            .is_ok()
    }

    /// A "did you mean" among the known ids. A typo in an id usually keeps its prefix, so
    /// only the ids sorted next to it are compared: the cost stays small with 100k reviews.
    fn closest(&self, id: &str) -> Option<String> {
        const WINDOW: usize = 16;
        let at = self.distinct.partition_point(|&h| self.id(h) < id);
        let near: Vec<&str> = self.distinct
            [at.saturating_sub(WINDOW)..(at + WINDOW).min(self.distinct.len())]
            .iter()
            .map(|&h| self.id(h))
            .collect();
        crate::review::suggest(id, &near).map(|s| format!("did you mean `{s}`?"))
    }
}

/// `paths` are the checked files [`Kept::push`] numbered.
///
/// `others`: the index of the configured folders, whose files outside the checked set
/// also count, so that checking one file (pre-commit) still resolves its references; `None`
/// when the checked set is the whole.
///
/// `held`: a file whose text is in memory (standard input) rather than on disk; its source
/// lines are taken from that text.
///
/// `open`: other files held in memory (an editor's open buffers): their ids count as the
/// buffers hold them, in place of what the index says of those files.
pub(super) fn check(
    config: &Config,
    paths: &[PathBuf],
    kept: &Kept,
    others: Option<&Index>,
    held: Option<(&Path, &str)>,
    open: &[OpenFile],
) -> Vec<Diagnostic> {
    let path_of = |i: usize| paths[kept.files[i].path as usize].as_path();
    // The ids the checked files hold or name: only the files holding them are asked about
    // on disk (an index opened with `Need::IdsOnDemand`).
    let wanted: HashSet<&str> = (0..kept.files.len())
        .flat_map(|i| kept.refs(i).map(|(id, _)| id))
        .collect();
    let fetched = match others.map(|index| index.ids_for(&wanted)) {
        Some(None) => {
            // The index kept on demand is damaged: every file asked about instead.
            let every = Index::open(config, crate::corpus::Need::Ids);
            return check(config, paths, kept, Some(&every), held, open);
        }
        fetched => fetched.flatten(),
    };
    let mut holders = Holders {
        kept,
        paths,
        others: Vec::new(),
    };
    if let Some(fetched) = &fetched {
        // The checked files count as they are now, not as the index last saw them.
        let checked_paths = || (0..kept.files.len()).map(path_of);
        let checked: HashSet<PathBuf> = checked_paths().map(absolute).collect();
        // A checked file named through a symbolic link (its folder's real path, say) is
        // still itself: an entry with a checked id is compared by its real path too.
        let real: HashSet<PathBuf> = checked_paths()
            .filter_map(|p| p.canonicalize().ok())
            .collect();
        let checked_ids: HashSet<&str> = (0..kept.files.len())
            .filter_map(|i| Some(kept.id(i)?.0))
            .collect();
        // The name first, before a path is made absolute: most of the index is not in a
        // small checked set.
        let names: HashSet<&OsStr> = checked_paths().filter_map(Path::file_name).collect();
        let itself = |id: &str, path: &Path| {
            (path.file_name().is_some_and(|n| names.contains(n))
                && checked.contains(&absolute(path)))
                || (checked_ids.contains(id)
                    && path.canonicalize().is_ok_and(|p| real.contains(&p)))
        };
        let open_names: HashSet<&OsStr> = open.iter().filter_map(|o| o.path.file_name()).collect();
        let open_paths: HashSet<PathBuf> = open.iter().map(|o| absolute(&o.path)).collect();
        let reopened = |path: &Path| {
            path.file_name().is_some_and(|n| open_names.contains(n))
                && open_paths.contains(&absolute(path))
        };
        holders.others = fetched
            .iter()
            .map(|(kind, id, path)| (*kind, id.as_ref(), *path))
            .filter(|(_, id, path)| !itself(id, path) && !reopened(path))
            .chain(open.iter().filter_map(|o| {
                let id = o.id.as_deref()?;
                (!itself(id, &o.path)).then_some((o.kind, id, o.path.as_path()))
            }))
            .collect();
    }
    let reviews = Known::new(&holders, Kind::Review);
    let problems = Known::new(&holders, Kind::Problem);

    let mut out = Vec::new();
    for i in 0..kept.files.len() {
        let path = path_of(i);
        let file = &kept.files[i];
        let mut add = |rule: RuleId, pos: Pos, message: String, hint: Option<String>| {
            if let Some(level) = level_for(config, rule, file.status, Level::Error) {
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
        if let Some((id, pos)) = kept.id(i) {
            let known = if file.kind == Kind::Review {
                &reviews
            } else {
                &problems
            };
            let others: Vec<String> = known
                .holders(id)
                .filter(|p| *p != path)
                .map(|p| crate::fsutil::shown(p).display().to_string())
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
        for (id, pos) in kept.related(i) {
            if !reviews.contains(id) {
                add(
                    RuleId::DanglingReference,
                    pos,
                    format!("`related:` names `{id}`, but no review has that id"),
                    reviews.closest(id),
                );
            }
        }
        if let Some((id, pos)) = kept.problem(i)
            && !problems.contains(id)
        {
            let hint = problems.closest(id).or_else(|| {
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
    // A reference found nowhere may name a file whose id changed without its folder
    // changing (an edit in place): judged again with every file asked about.
    if let Some(index) = others
        && index.on_demand()
        && out.iter().any(|d| d.rule == RuleId::DanglingReference)
    {
        let every = Index::open(config, crate::corpus::Need::Ids);
        return check(config, paths, kept, Some(&every), held, open);
    }
    out
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Reference;

    fn at(id: &str, line: usize) -> Reference {
        Reference {
            id: id.into(),
            pos: Pos {
                line,
                column: 5,
                offset: 40 * line,
                len: id.len(),
            },
        }
    }

    fn summary(kind: Kind, id: Option<&str>, related: &[&str], problem: Option<&str>) -> Summary {
        Summary {
            path: PathBuf::new(),
            kind,
            status: Some(Status::Published),
            id: id.map(|i| at(i, 2)),
            related: related.iter().map(|r| at(r, 10)).collect(),
            problem: problem.map(|p| at(p, 11)),
        }
    }

    #[test]
    fn kept_files_give_back_their_ids_and_positions() {
        let mut kept = Kept::default();
        kept.push(
            summary(
                Kind::Review,
                Some("PIR-1"),
                &["PIR-2", "PIR-3"],
                Some("PRB-1"),
            ),
            4,
        );
        kept.push(summary(Kind::Review, None, &["PIR-1"], None), 0);
        kept.push(summary(Kind::Problem, Some("PRB-1"), &[], None), 7);
        assert_eq!(
            kept.id(0).map(|(id, p)| (id, p.line, p.len)),
            Some(("PIR-1", 2, 5))
        );
        let related: Vec<&str> = kept.related(0).map(|(id, _)| id).collect();
        assert_eq!(related, ["PIR-2", "PIR-3"]);
        assert_eq!(
            kept.problem(0).map(|(id, p)| (id, p.offset)),
            Some(("PRB-1", 440))
        );
        assert_eq!(kept.id(1), None);
        assert_eq!(
            kept.related(1).map(|(id, _)| id).collect::<Vec<_>>(),
            ["PIR-1"]
        );
        assert_eq!(kept.problem(1), None);
        assert_eq!(kept.id(2).map(|(id, _)| id), Some("PRB-1"));
        assert_eq!(kept.related(2).count(), 0);
        assert_eq!(kept.files[2].path, 7);
    }

    #[test]
    fn duplicates_and_dangling_references_across_files() {
        let config = Config::default();
        let paths: Vec<PathBuf> = ["a.md", "b.md", "c.md", "problems/PRB-1.md"]
            .iter()
            .map(PathBuf::from)
            .collect();
        let mut kept = Kept::default();
        kept.push(
            summary(Kind::Review, Some("PIR-1"), &["PIR-2"], Some("PRB-2")),
            0,
        );
        kept.push(
            summary(Kind::Review, Some("PIR-1"), &["PIR-9"], Some("PRB-1")),
            1,
        );
        kept.push(summary(Kind::Review, Some("PIR-3"), &[], None), 2);
        kept.push(summary(Kind::Problem, Some("PRB-1"), &[], None), 3);
        let found: Vec<(String, usize, RuleId, String, Option<String>)> =
            check(&config, &paths, &kept, None, None, &[])
                .into_iter()
                .map(|d| {
                    (
                        d.path.display().to_string(),
                        d.line,
                        d.rule,
                        d.message,
                        d.hint,
                    )
                })
                .collect();
        let dangling = RuleId::DanglingReference;
        assert_eq!(
            found,
            [
                (
                    "a.md".into(),
                    2,
                    RuleId::DuplicateId,
                    "id `PIR-1` is also used by b.md".into(),
                    Some("give each file its own id (`pirt new` picks the next free one)".into())
                ),
                (
                    "a.md".into(),
                    10,
                    dangling,
                    "`related:` names `PIR-2`, but no review has that id".into(),
                    Some("did you mean `PIR-1`?".into())
                ),
                (
                    "a.md".into(),
                    11,
                    dangling,
                    "`problem:` names `PRB-2`, but no problem record has that id".into(),
                    Some("did you mean `PRB-1`?".into())
                ),
                (
                    "b.md".into(),
                    2,
                    RuleId::DuplicateId,
                    "id `PIR-1` is also used by a.md".into(),
                    Some("give each file its own id (`pirt new` picks the next free one)".into())
                ),
                (
                    "b.md".into(),
                    10,
                    dangling,
                    "`related:` names `PIR-9`, but no review has that id".into(),
                    Some("did you mean `PIR-1`?".into())
                ),
            ]
        );
    }
}
