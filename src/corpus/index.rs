//! The corpus index: what cross-file rules, similar incidents, `pirt new` and `problem
//! list` need of every review and problem file, kept in `.pirt/cache/index.bin` beside
//! pirt.toml so that a command on one file does not read every other.
//!
//! - Each file's entry is keyed by its path, size and modification time; only files whose
//!   key changed are read again, and files gone from disk are dropped. The whole index is
//!   keyed by the pirt version and the config fields that change an entry (folders,
//!   severity scale, file size limit): an upgrade or a config change rebuilds it.
//! - A file modified less than [`SETTLE`] before it was read is read again next time: a
//!   change in the same clock tick keeps size and time (git's "racily clean" files).
//! - Format: a magic line, then one postcard (serde, binary) document. Each file's facts are
//!   a nested byte string, decoded only by commands that need them: `check` reads ids and
//!   stat keys only. Measured on 10k reviews in the README.
//! - Written to a temporary file and renamed: a reader sees the old or the new index,
//!   never half of one, so readers need no lock. Two writers: the last rename wins, and
//!   both indexes are whole.
//! - Never an error: an index that cannot be read is rebuilt (with a note), and one that
//!   cannot be written (read-only checkout) is not kept (a note with `-v` only).

use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::Digest;

use super::files::{absolute, read_id, text_id};
use super::{Kind, first_error, roots, similar};
use crate::config::Config;
use crate::review::problem::parse_problem;
use crate::review::{Timestamp, parse_review, read_text};

/// Where the cache lives, under the repository root.
pub const DIR: &str = ".pirt/cache";
const FILE: &str = "index.bin";
const MAGIC: &[u8] = b"pirt corpus index\n";
/// Bumped when the stored shape changes (it is part of the key).
const FORMAT: u32 = 1;
/// A file younger than this when read may change again within its time stamp's tick.
pub const SETTLE: Duration = Duration::from_secs(2);

/// What a command needs of each file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Need {
    /// The `id:` line (read from the head of a changed file).
    Ids,
    /// The facts of [`ReviewFacts`] and [`ProblemFacts`] (a changed file is parsed).
    Facts,
}

/// What the index keeps of a review.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReviewFacts {
    #[serde(skip)]
    pub path: PathBuf,
    pub id: String,
    pub title: String,
    /// Normalised to the scale's id.
    pub severity: String,
    pub services: Vec<String>,
    pub tags: Vec<String>,
    /// The words of the title and trigger, sorted (what similar incidents compare).
    pub words: Vec<String>,
    #[serde(with = "stamp")]
    pub started_at: Option<Timestamp>,
    pub problem: Option<String>,
    /// The first error-level finding (`path:line:col: message`): listings leave the review
    /// out, as they leave out a review they cannot parse.
    pub error: Option<String>,
}

impl ReviewFacts {
    pub fn of(path: &Path, review: &crate::review::Review) -> Self {
        ReviewFacts {
            path: path.to_path_buf(),
            id: review.id.clone(),
            title: review.title.clone(),
            severity: review.severity.id.clone(),
            services: review.services.clone(),
            tags: review.tags.clone(),
            words: similar::words_of(review),
            started_at: review.started_at,
            problem: review.problem.clone(),
            error: None,
        }
    }
}

/// What the index keeps of a problem record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProblemFacts {
    #[serde(skip)]
    pub path: PathBuf,
    pub id: String,
    pub title: String,
    pub status: String,
    pub owner: Option<String>,
    /// As for reviews.
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
enum Facts {
    Review(ReviewFacts),
    Problem(ProblemFacts),
    /// Not readable as text (too large, not UTF-8, gone): why, as `Corpus` says it.
    Unreadable(String),
}

/// One file of the corpus.
#[derive(Debug)]
struct Entry {
    path: PathBuf,
    kind: Kind,
    id: Option<String>,
    size: u64,
    mtime: i128,
    settled: bool,
    facts: Slot,
}

#[derive(Debug)]
enum Slot {
    None,
    /// Still encoded, in the loaded index's bytes.
    Stored(Range<usize>),
    Read(Box<Facts>),
}

/// Something a command may tell the user about the index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub text: String,
    /// Shown only with `-v` (a read-only checkout is normal, not news).
    pub verbose_only: bool,
}

/// The files of the configured folders, with what a command asked of each.
#[derive(Debug, Default)]
pub struct Index {
    entries: Vec<Entry>,
    /// The loaded file, which `Slot::Stored` ranges point into.
    bytes: Vec<u8>,
    /// Folders or files the walk could not read.
    walk_errors: Vec<String>,
    /// How many files were read again (not taken from the stored index).
    pub read: usize,
    pub notes: Vec<Note>,
}

/// The cache folder of a repository.
pub fn cache_dir(config: &Config) -> PathBuf {
    config.root.join(DIR)
}

impl Index {
    /// The index of the configured folders, brought up to date with the disk: read from
    /// `.pirt/cache` (unless `config.no_cache`), changed files read again, and stored again
    /// if anything changed.
    pub fn open(config: &Config, need: Need) -> Index {
        let roots = roots(config, &[]);
        // Nothing to index: no cache folder is made (running pirt in any folder leaves
        // no trace there).
        let store = (!config.no_cache && !roots.is_empty()).then(|| cache_dir(config));
        let key = key(config);
        let mut notes = Vec::new();
        let file = store.as_ref().map(|dir| dir.join(FILE));
        // None yet (the first run), or an unreadable folder: built afresh, silently.
        let read = file.as_ref().and_then(|f| std::fs::read(f).ok());
        let stored = match (&file, &read) {
            (Some(file), Some(bytes)) => usable(bytes, &key, file, &mut notes),
            _ => None,
        };
        let bytes = read.as_deref().unwrap_or_default();
        let mut index = refresh(config, &roots, need, bytes, stored.as_ref());
        let unchanged = stored
            .as_ref()
            .is_some_and(|s| index.read == 0 && s.files.len() == index.entries.len());
        drop(stored);
        index.bytes = read.unwrap_or_default();
        if let Some(dir) = store
            && !unchanged
            && let Err(e) = index.save(&dir, &key)
        {
            notes.push(Note {
                text: format!("the corpus index was not saved: {e:#}"),
                verbose_only: true,
            });
        }
        if index.read > 0 {
            notes.push(Note {
                text: format!(
                    "corpus index: read {} of {} files",
                    index.read,
                    index.entries.len()
                ),
                verbose_only: true,
            });
        }
        index.notes = notes;
        index
    }

    /// Every file's `id:` line (broken files too): what duplicate ids, references and the
    /// next free id are judged against.
    pub fn ids(&self) -> impl Iterator<Item = (Kind, &str, &Path)> {
        self.entries
            .iter()
            .filter_map(|e| Some((e.kind, e.id.as_deref()?, e.path.as_path())))
    }

    /// The reviews that could be parsed far enough to have facts (with `Need::Facts`),
    /// in path order; those with errors carry them in `error`.
    pub fn reviews(&self) -> impl Iterator<Item = &ReviewFacts> {
        self.entries.iter().filter_map(|e| match &e.facts {
            Slot::Read(f) => match f.as_ref() {
                Facts::Review(r) => Some(r),
                _ => None,
            },
            _ => None,
        })
    }

    /// As [`Index::reviews`], for problem records.
    pub fn problems(&self) -> impl Iterator<Item = &ProblemFacts> {
        self.entries.iter().filter_map(|e| match &e.facts {
            Slot::Read(f) => match f.as_ref() {
                Facts::Problem(p) => Some(p),
                _ => None,
            },
            _ => None,
        })
    }

    /// One line per file a listing leaves out, as `Corpus::skipped` says it.
    pub fn skipped(&self) -> Vec<String> {
        let mut out = self.walk_errors.clone();
        for e in &self.entries {
            if let Slot::Read(f) = &e.facts {
                match f.as_ref() {
                    Facts::Unreadable(why) => out.push(why.clone()),
                    Facts::Review(ReviewFacts { error: Some(e), .. })
                    | Facts::Problem(ProblemFacts { error: Some(e), .. }) => out.push(e.clone()),
                    _ => {}
                }
            }
        }
        out
    }

    /// What listings show (`problem list`): the files without errors, and the others named.
    pub fn listing(&self) -> Listing<'_> {
        Listing {
            reviews: self.reviews().filter(|r| r.error.is_none()).collect(),
            problems: self.problems().filter(|p| p.error.is_none()).collect(),
            skipped: self.skipped(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn save(&self, dir: &Path, key: &[u8]) -> anyhow::Result<()> {
        use anyhow::Context;
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let ignore = dir.join(".gitignore");
        if !ignore.exists() {
            std::fs::write(&ignore, "# Automatically created by pirt.\n*\n")
                .with_context(|| format!("cannot write {}", ignore.display()))?;
            let tag = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by pirt.\n";
            let _ = std::fs::write(dir.join("CACHEDIR.TAG"), tag);
        }
        let encoded: Vec<Option<std::borrow::Cow<[u8]>>> = self
            .entries
            .iter()
            .map(|e| match &e.facts {
                Slot::None => Ok(None),
                Slot::Stored(range) => Ok(Some(self.bytes[range.clone()].into())),
                Slot::Read(facts) => postcard::to_allocvec(facts.as_ref()).map(|v| Some(v.into())),
            })
            .collect::<Result<_, _>>()?;
        let stored = Stored {
            key,
            files: self
                .entries
                .iter()
                .zip(&encoded)
                .filter_map(|(e, facts)| {
                    // A path that is not UTF-8 is read every time.
                    Some(StoredFile {
                        path: e.path.to_str()?,
                        problem: e.kind == Kind::Problem,
                        size: e.size,
                        mtime: e.mtime,
                        settled: e.settled,
                        id: e.id.as_deref(),
                        facts: facts.as_deref(),
                    })
                })
                .collect(),
        };
        let mut out = MAGIC.to_vec();
        out.extend(postcard::to_allocvec(&stored)?);
        let mut tmp = tempfile::Builder::new()
            .prefix(".index-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
        tmp.write_all(&out)
            .with_context(|| format!("cannot write in {}", dir.display()))?;
        // Readable by all, as the files it indexes (a temporary file starts private).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = tmp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644));
        }
        tmp.persist(dir.join(FILE))
            .map_err(|e| e.error)
            .with_context(|| format!("cannot replace {}", dir.join(FILE).display()))?;
        Ok(())
    }
}

/// The reviews and problem records a listing shows, in path order, as [`super::Corpus`]
/// holds them (without the parts of a review the index does not keep).
#[derive(Debug, Default)]
pub struct Listing<'a> {
    pub reviews: Vec<&'a ReviewFacts>,
    pub problems: Vec<&'a ProblemFacts>,
    /// One line per file left out.
    pub skipped: Vec<String>,
}

impl<'a> Listing<'a> {
    /// The problem record with this id.
    pub fn problem(&self, id: &str) -> Option<&'a ProblemFacts> {
        self.problems.iter().copied().find(|p| p.id == id)
    }

    /// The reviews that point at a problem record, oldest first.
    pub fn incidents_of(&self, problem: &str) -> Vec<&'a ReviewFacts> {
        let mut found: Vec<&ReviewFacts> = self
            .reviews
            .iter()
            .copied()
            .filter(|r| r.problem.as_deref() == Some(problem))
            .collect();
        found.sort_by_key(|r| (r.started_at, r.id.clone()));
        found
    }

    /// A note for standard error when files were left out.
    pub fn skipped_note(&self) -> Option<String> {
        super::skipped_note(&self.skipped)
    }
}

/// What `pirt cache` shows: where the index is and how many files it holds.
#[derive(Debug, PartialEq, Eq)]
pub struct Status {
    pub dir: PathBuf,
    /// Files in the stored index; `None`: there is none, or it cannot be read.
    pub files: Option<usize>,
    pub bytes: u64,
}

/// Reads the stored index without bringing it up to date.
pub fn status(config: &Config) -> Status {
    let dir = cache_dir(config);
    let path = dir.join(FILE);
    let bytes = std::fs::read(&path).unwrap_or_default();
    let files = decode(&bytes).map(|s| s.files.len());
    Status {
        dir,
        files,
        bytes: bytes.len() as u64,
    }
}

/// Removes the cache folder; returns what was removed (`None`: there was none).
pub fn clean(config: &Config) -> anyhow::Result<Option<(PathBuf, usize)>> {
    use anyhow::Context;
    let dir = cache_dir(config);
    if !dir.exists() {
        return Ok(None);
    }
    let files = walkdir_count(&dir);
    std::fs::remove_dir_all(&dir).with_context(|| format!("cannot remove {}", dir.display()))?;
    // `.pirt` itself stays if it holds templates or prompts; an empty one goes too.
    if let Some(parent) = dir.parent() {
        let _ = std::fs::remove_dir(parent);
    }
    Ok(Some((dir, files)))
}

fn walkdir_count(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .map(|e| match e.file_type() {
                Ok(t) if t.is_dir() => walkdir_count(&e.path()),
                _ => 1,
            })
            .sum()
    })
}

#[derive(Serialize, Deserialize)]
struct Stored<'a> {
    #[serde(borrow)]
    key: &'a [u8],
    #[serde(borrow)]
    files: Vec<StoredFile<'a>>,
}

#[derive(Serialize, Deserialize)]
struct StoredFile<'a> {
    path: &'a str,
    problem: bool,
    size: u64,
    mtime: i128,
    settled: bool,
    id: Option<&'a str>,
    #[serde(borrow)]
    facts: Option<&'a [u8]>,
}

/// The version and the config fields an entry depends on.
fn key(config: &Config) -> Vec<u8> {
    let text = format!(
        "{FORMAT}\n{}\n{:?}\n{:?}\n{:?}\n{}",
        env!("CARGO_PKG_VERSION"),
        config.root,
        config.folders,
        config.severity,
        config.check.max_file_mb,
    );
    sha2::Sha256::digest(text.as_bytes()).to_vec()
}

fn decode(bytes: &[u8]) -> Option<Stored<'_>> {
    let body = bytes.strip_prefix(MAGIC)?;
    match postcard::take_from_bytes::<Stored>(body) {
        Ok((stored, [])) => Some(stored),
        _ => None,
    }
}

/// The stored index if it is whole and made for this key; notes why not.
fn usable<'b>(
    bytes: &'b [u8],
    key: &[u8],
    path: &Path,
    notes: &mut Vec<Note>,
) -> Option<Stored<'b>> {
    match decode(bytes) {
        Some(stored) if stored.key == key => Some(stored),
        Some(_) => {
            notes.push(Note {
                text: "corpus index rebuilt: pirt or its configuration changed".into(),
                verbose_only: true,
            });
            None
        }
        None => {
            notes.push(Note {
                text: format!(
                    "the corpus index {} could not be read; it was rebuilt",
                    path.display()
                ),
                verbose_only: false,
            });
            None
        }
    }
}

/// Walks the configured folders and takes each file's entry from `stored` when its key
/// is unchanged (and it holds what `need` asks), else reads the file.
fn refresh(
    config: &Config,
    roots: &[PathBuf],
    need: Need,
    bytes: &[u8],
    stored: Option<&Stored>,
) -> Index {
    let (paths, walk_errors) = super::collect_files(roots);
    let problems_dir = absolute(&config.problems_dir());
    let old: HashMap<&str, &StoredFile> = stored
        .map(|s| s.files.iter().map(|f| (f.path, f)).collect())
        .unwrap_or_default();
    let now = SystemTime::now();
    let entries: Vec<(Entry, bool)> = paths
        .into_par_iter()
        .map(|path| {
            let kind = if absolute(&path).starts_with(&problems_dir) {
                Kind::Problem
            } else {
                Kind::Review
            };
            let (size, modified) = match std::fs::metadata(&path) {
                Ok(meta) => (meta.len(), meta.modified().ok()),
                Err(_) => (0, None),
            };
            let mtime = modified.map_or(i128::MIN, nanos);
            let reusable = path.to_str().and_then(|p| old.get(p)).filter(|f| {
                f.settled
                    && modified.is_some()
                    && f.size == size
                    && f.mtime == mtime
                    && f.problem == (kind == Kind::Problem)
                    && (need == Need::Ids || f.facts.is_some())
            });
            if let Some(f) = reusable {
                let facts = match f.facts {
                    Some(facts) => {
                        let start = facts.as_ptr() as usize - bytes.as_ptr() as usize;
                        Slot::Stored(start..start + facts.len())
                    }
                    None => Slot::None,
                };
                let entry = Entry {
                    id: f.id.map(str::to_string),
                    path,
                    kind,
                    size,
                    mtime,
                    settled: true,
                    facts,
                };
                return (entry, false);
            }
            let settled = modified
                .and_then(|m| now.duration_since(m).ok())
                .is_some_and(|age| age >= SETTLE);
            let (id, facts) = match need {
                Need::Ids => (read_id(&path), Slot::None),
                Need::Facts => {
                    let (id, facts) = read_facts(config, &path, kind);
                    (id, Slot::Read(Box::new(facts)))
                }
            };
            let entry = Entry {
                path,
                kind,
                id,
                size,
                mtime,
                settled,
                facts,
            };
            (entry, true)
        })
        .collect();
    let read = entries.iter().filter(|(_, read)| *read).count();
    let mut entries: Vec<Entry> = entries.into_iter().map(|(e, _)| e).collect();
    if need == Need::Facts {
        // Stored facts are decoded here, in parallel; one that does not decode is read.
        entries.par_iter_mut().for_each(|e| {
            if let Slot::Stored(range) = &e.facts {
                e.facts = match postcard::from_bytes::<Facts>(&bytes[range.clone()]) {
                    Ok(facts) => Slot::Read(Box::new(with_path(facts, &e.path))),
                    Err(_) => {
                        let (id, facts) = read_facts(config, &e.path, e.kind);
                        e.id = id;
                        e.settled = false;
                        Slot::Read(Box::new(facts))
                    }
                };
            }
        });
    }
    Index {
        entries,
        bytes: Vec::new(),
        walk_errors,
        read,
        notes: Vec::new(),
    }
}

fn with_path(mut facts: Facts, path: &Path) -> Facts {
    match &mut facts {
        Facts::Review(r) => r.path = path.to_path_buf(),
        Facts::Problem(p) => p.path = path.to_path_buf(),
        Facts::Unreadable(_) => {}
    }
    facts
}

/// Reads and parses one file: its id line and its facts.
fn read_facts(config: &Config, path: &Path, kind: Kind) -> (Option<String>, Facts) {
    let text = match read_text(path, config.check.max_file_mb) {
        Ok(text) => text,
        // The id line is still read (as `pirt check` would, for duplicate ids).
        Err(e) => return (read_id(path), Facts::Unreadable(format!("{e:#}"))),
    };
    let id = text_id(text.as_bytes());
    let facts = match kind {
        Kind::Problem => {
            let (problem, diagnostics) = parse_problem(path, &text);
            Facts::Problem(ProblemFacts {
                path: path.to_path_buf(),
                id: problem.id,
                title: problem.title,
                status: problem.status,
                owner: problem.owner,
                error: first_error(path, &diagnostics),
            })
        }
        Kind::Review => {
            let parsed = parse_review(path, &text, config);
            Facts::Review(ReviewFacts {
                error: first_error(path, &parsed.diagnostics),
                ..ReviewFacts::of(path, &parsed.review)
            })
        }
    };
    (id, facts)
}

/// Nanoseconds since 1970 (negative before).
fn nanos(t: SystemTime) -> i128 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// Timestamps as (seconds, nanoseconds, offset seconds): exact, and quick to decode.
mod stamp {
    use chrono::{DateTime, FixedOffset};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::review::Timestamp;

    pub fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        t.map(|t| {
            (
                t.timestamp(),
                t.timestamp_subsec_nanos(),
                t.offset().local_minus_utc(),
            )
        })
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
        let Some((secs, nanos, offset)) = Option::<(i64, u32, i32)>::deserialize(d)? else {
            return Ok(None);
        };
        let zone = FixedOffset::east_opt(offset)
            .ok_or_else(|| serde::de::Error::custom("offset out of range"))?;
        DateTime::from_timestamp(secs, nanos)
            .map(|t| Some(t.with_timezone(&zone)))
            .ok_or_else(|| serde::de::Error::custom("time out of range"))
    }
}
