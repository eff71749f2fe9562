//! Rules that look at the whole set: duplicate ids and references to ids that do not exist.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::check::{Kind, Reference, RuleId, Summary, level_for};
use crate::config::Config;
use crate::corpus::Index;
use crate::diagnostic::{Diagnostic, Level};

/// `others`: the index of the configured folders, whose files outside the checked set
/// also count, so that checking one file (pre-commit) still resolves its references; `None`
/// when the checked set is the whole.
///
/// `held`: a file whose text is in memory (standard input) rather than on disk; its source
/// lines are taken from that text.
pub(super) fn check(
    config: &Config,
    summaries: &[Summary],
    others: Option<&Index>,
    held: Option<(&Path, &str)>,
) -> Vec<Diagnostic> {
    let mut reviews: HashMap<&str, Vec<&Path>> = HashMap::new();
    let mut problems: HashMap<&str, Vec<&Path>> = HashMap::new();
    for s in summaries {
        if let Some(id) = &s.id {
            let index = if s.kind == Kind::Review {
                &mut reviews
            } else {
                &mut problems
            };
            index.entry(id.id.as_str()).or_default().push(&s.path);
        }
    }
    if let Some(index) = others {
        // The checked files count as they are now, not as the index last saw them.
        let checked: HashSet<PathBuf> = summaries.iter().map(|s| absolute(&s.path)).collect();
        // A checked file named through a symbolic link (its folder's real path, say) is
        // still itself: an entry with a checked id is compared by its real path too.
        let real: HashSet<PathBuf> = summaries
            .iter()
            .filter_map(|s| s.path.canonicalize().ok())
            .collect();
        let checked_ids: HashSet<&str> = summaries
            .iter()
            .filter_map(|s| Some(s.id.as_ref()?.id.as_str()))
            .collect();
        // The name first, before a path is made absolute: most of the index is not in a
        // small checked set.
        let names: HashSet<&OsStr> = summaries
            .iter()
            .filter_map(|s| s.path.file_name())
            .collect();
        let itself = |id: &str, path: &Path| {
            (path.file_name().is_some_and(|n| names.contains(n))
                && checked.contains(&absolute(path)))
                || (checked_ids.contains(id)
                    && path.canonicalize().is_ok_and(|p| real.contains(&p)))
        };
        for (kind, id, path) in index.ids() {
            if itself(id, path) {
                continue;
            }
            let known = if kind == Kind::Review {
                &mut reviews
            } else {
                &mut problems
            };
            known.entry(id).or_default().push(path);
        }
    }

    let (review_ids, problem_ids) = (sorted_keys(&reviews), sorted_keys(&problems));
    let mut out = Vec::new();
    for s in summaries {
        let mut add = |rule: RuleId, r: &Reference, message: String, hint: Option<String>| {
            if let Some(level) = level_for(config, rule, s.status, Level::Error) {
                let mut d = Diagnostic::new(&s.path, r.pos, level, rule, message);
                d.hint = hint;
                // Findings here are rare: the source line is read when one is made.
                match held {
                    Some((path, text)) if path == s.path => d.attach_snippet(text),
                    _ => {
                        if let Ok(text) = std::fs::read_to_string(&s.path) {
                            d.attach_snippet(&text);
                        }
                    }
                }
                out.push(d);
            }
        };
        if let Some(id) = &s.id {
            let index = if s.kind == Kind::Review {
                &reviews
            } else {
                &problems
            };
            let others: Vec<String> = index[id.id.as_str()]
                .iter()
                .filter(|p| **p != s.path)
                .map(|p| p.display().to_string())
                .collect();
            if !others.is_empty() {
                add(
                    RuleId::DuplicateId,
                    id,
                    format!("id `{}` is also used by {}", id.id, others.join(", ")),
                    Some("give each file its own id (`pirt new` picks the next free one)".into()),
                );
            }
        }
        for r in &s.related {
            if !reviews.contains_key(r.id.as_str()) {
                add(
                    RuleId::DanglingReference,
                    r,
                    format!("`related:` names `{}`, but no review has that id", r.id),
                    closest(&r.id, &review_ids),
                );
            }
        }
        if let Some(r) = &s.problem
            && !problems.contains_key(r.id.as_str())
        {
            let hint = closest(&r.id, &problem_ids).or_else(|| {
                Some(format!(
                    "create the problem record in {}/",
                    config.folders.problems.display()
                ))
            });
            add(
                RuleId::DanglingReference,
                r,
                format!(
                    "`problem:` names `{}`, but no problem record has that id",
                    r.id
                ),
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

fn sorted_keys<'a>(index: &HashMap<&'a str, Vec<&Path>>) -> Vec<&'a str> {
    let mut keys: Vec<&str> = index.keys().copied().collect();
    keys.sort_unstable();
    keys
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
