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
//! - Format: a magic line, the format's number, the head's length, the head (postcard,
//!   serde's binary format: the key, a table from ids to the files holding them, and per
//!   file its path, size, time, id and where its facts are), then every file's facts back
//!   to back. `check` reads the head only (a fifth of the file) and of it decodes only the
//!   entries its ids point at; commands that need facts read the rest and decode them in
//!   parallel. Measured on 10k reviews in the README.
//! - Written to a temporary file and renamed: a reader sees the old or the new index,
//!   never half of one, so readers need no lock. Two writers: the last rename wins, and
//!   both indexes are whole.
//! - Never an error: an index that cannot be read is rebuilt (with a note), and one that
//!   cannot be written (read-only checkout) is not kept (a note with `-v` only).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
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
const FORMAT: u32 = 4;
/// A file younger than this when read may change again within its time stamp's tick.
pub const SETTLE: Duration = Duration::from_secs(2);

/// What a command needs of each file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Need {
    /// The `id:` line (read from the head of a changed file).
    Ids,
    /// As `Ids`, but while no folder changed, a file's stored id is taken without asking
    /// the disk about the file (the stored head is kept as it is); [`Index::ids_for`] then
    /// asks only about the files holding the ids a check is about. What `check` of a few
    /// files needs: it does not look at every file of the repository (10,000 `statx` calls
    /// were most of its time).
    IdsOnDemand,
    /// The facts of [`ReviewFacts`] and [`ProblemFacts`] (a changed file is parsed).
    Facts,
    /// As `Facts`, but while no folder changed (and every file's facts are stored), the
    /// stored facts are taken without asking the disk about each file, borrowed from the
    /// stored bytes: what similar incidents on a rendered page need (a file
    /// edited in place shows its old facts there until a command that asks about every
    /// file, such as `check`, `stats` or `site`, has seen it).
    FactsOnDemand,
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
    /// The authors, the incident commander and the action items' owners (what `pirt lsp`
    /// completes); last, so that [`ReviewRef`] reads the fields before it only.
    pub people: Vec<String>,
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
            people: people_of(review),
        }
    }
}

/// Everyone a review names as a person, each once, in the order named.
fn people_of(review: &crate::review::Review) -> Vec<String> {
    let mut people: Vec<String> = Vec::new();
    let named = review
        .authors
        .iter()
        .chain(&review.incident_commander)
        .chain(review.action_items.iter().filter_map(|i| i.owner.as_ref()));
    for person in named {
        if !person.trim().is_empty() && !people.contains(person) {
            people.push(person.clone());
        }
    }
    people
}

/// A review's facts borrowed from the index's bytes (or from a [`ReviewFacts`]): what
/// similar incidents compare, without a string copied per field. Decoded from the bytes
/// [`ReviewFacts`] is stored as (the same fields in the same order, without `people`).
#[derive(Clone, Debug, Deserialize)]
pub struct ReviewRef<'a> {
    #[serde(skip, default = "no_path")]
    pub path: &'a Path,
    #[serde(borrow)]
    pub id: &'a str,
    #[serde(borrow)]
    pub title: &'a str,
    #[serde(borrow)]
    pub severity: &'a str,
    #[serde(borrow)]
    pub services: Vec<&'a str>,
    #[serde(borrow)]
    pub tags: Vec<&'a str>,
    #[serde(borrow)]
    pub words: Vec<&'a str>,
    #[serde(deserialize_with = "stamp::deserialize")]
    pub started_at: Option<Timestamp>,
    #[serde(borrow)]
    pub problem: Option<&'a str>,
    #[serde(borrow)]
    pub error: Option<&'a str>,
}

fn no_path<'a>() -> &'a Path {
    Path::new("")
}

impl<'a> ReviewRef<'a> {
    pub fn of(facts: &'a ReviewFacts) -> Self {
        let strs = |list: &'a [String]| list.iter().map(String::as_str).collect();
        ReviewRef {
            path: &facts.path,
            id: &facts.id,
            title: &facts.title,
            severity: &facts.severity,
            services: strs(&facts.services),
            tags: strs(&facts.tags),
            words: strs(&facts.words),
            started_at: facts.started_at,
            problem: facts.problem.as_deref(),
            error: facts.error.as_deref(),
        }
    }
}

/// [`Facts`] as stored, borrowed: only reviews are used.
#[derive(Deserialize)]
enum FactsRef<'a> {
    #[serde(borrow)]
    Review(ReviewRef<'a>),
    #[serde(borrow)]
    Problem(#[allow(dead_code)] ProblemRef<'a>),
    #[serde(borrow)]
    Unreadable(#[allow(dead_code)] &'a str),
}

/// [`ProblemFacts`] as stored, read past.
#[derive(Deserialize)]
#[allow(dead_code)]
struct ProblemRef<'a> {
    #[serde(borrow)]
    id: &'a str,
    #[serde(borrow)]
    title: &'a str,
    #[serde(borrow)]
    status: &'a str,
    #[serde(borrow)]
    owner: Option<&'a str>,
    #[serde(borrow)]
    error: Option<&'a str>,
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
    /// Still encoded, in the stored index's facts.
    Stored(Range<usize>),
    Read(Box<Facts>),
}

/// The stored index, opened: its head read, its facts read when asked for (from the same
/// open file, which stays whole when another process renames a new index over it).
#[derive(Debug)]
struct Source {
    file: std::fs::File,
    head: Vec<u8>,
    /// Where the facts start, and how long they are.
    facts_at: u64,
    facts_len: u64,
}

impl Source {
    fn open(path: &Path) -> std::io::Result<Source> {
        use std::io::Read;
        let mut file = std::fs::File::open(path)?;
        let total = file.metadata()?.len();
        let mut start = [0u8; MAGIC.len() + 8];
        let invalid = || std::io::Error::from(std::io::ErrorKind::InvalidData);
        file.read_exact(&mut start).map_err(|_| invalid())?;
        if &start[..MAGIC.len()] != MAGIC {
            return Err(invalid());
        }
        let word = |at: usize| u32::from_le_bytes(start[at..at + 4].try_into().expect("4 bytes"));
        if word(MAGIC.len()) != FORMAT {
            // Written by another version of pirt: not damaged, only different.
            return Err(std::io::ErrorKind::Unsupported.into());
        }
        let len = u64::from(word(MAGIC.len() + 4));
        let facts_at = start.len() as u64 + len;
        if facts_at > total {
            return Err(invalid());
        }
        let mut head = vec![0; len as usize];
        file.read_exact(&mut head)?;
        Ok(Source {
            file,
            head,
            facts_at,
            facts_len: total - facts_at,
        })
    }

    fn facts(&self) -> std::io::Result<Vec<u8>> {
        use std::io::{Read, Seek};
        let mut file = &self.file;
        file.seek(std::io::SeekFrom::Start(self.facts_at))?;
        let mut out = Vec::with_capacity(self.facts_len as usize);
        file.take(self.facts_len).read_to_end(&mut out)?;
        if out.len() as u64 != self.facts_len {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(out)
    }
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
    /// The stored index's facts, which `Slot::Stored` ranges point into, once read.
    facts: Vec<u8>,
    /// Where they are read from when the index is saved with facts it did not read.
    source: Option<Source>,
    /// Folders or files the walk could not read.
    walk_errors: Vec<String>,
    /// What the list of files depends on.
    walked: Option<WalkRecord>,
    /// How many files were read again (not taken from the stored index).
    pub read: usize,
    pub notes: Vec<Note>,
    /// With `Need::IdsOnDemand` or `Need::FactsOnDemand` while no folder changed: the
    /// stored head, which [`Index::ids_for`] and [`Index::review_refs`] read (no entry is
    /// made for the files nobody asks about).
    head: Option<Vec<u8>>,
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
        let path = store.as_ref().map(|dir| dir.join(FILE));
        let (source, stored_facts) = match &path {
            Some(path) => opened(path, need, &mut notes),
            None => (None, Vec::new()),
        };
        // On demand, while no folder changed: the stored head as it is, no file asked
        // about and no entry made (`ids_for` and `review_refs` read from it). For ids only
        // the key and the walk are decoded here; `ids_for` decodes the files once.
        let ids_on_demand = need == Need::IdsOnDemand
            && source.as_ref().is_some_and(|s| {
                postcard::take_from_bytes::<StoredPrefix>(&s.head)
                    .is_ok_and(|(p, _)| p.key == key && p.walk.is_some_and(|w| w.still(&roots)))
            });
        let stored = source.as_ref().filter(|_| !ids_on_demand).and_then(|s| {
            usable(
                s,
                &key,
                path.as_deref().unwrap_or(Path::new(FILE)),
                &mut notes,
            )
        });
        let facts_on_demand = need == Need::FactsOnDemand
            && stored.as_ref().is_some_and(|s| {
                s.walk.as_ref().is_some_and(|w| w.still(&roots))
                    && s.files.iter().all(|f| f.settled && f.facts.is_some())
            });
        if ids_on_demand || facts_on_demand {
            drop(stored);
            return Index {
                head: source.map(|s| s.head),
                facts: stored_facts,
                notes,
                ..Index::default()
            };
        }
        let mut index = refresh(config, &roots, need, &stored_facts, stored.as_ref());
        let unchanged = stored.as_ref().is_some_and(|s| {
            index.read == 0
                && s.files.len() == index.entries.len()
                && s.walk.is_some() == index.walked.is_some()
        });
        drop(stored);
        index.facts = stored_facts;
        index.source = source;
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

    /// As [`Index::ids`]; opened with `Need::IdsOnDemand`, only the files whose stored id
    /// is `wanted`, each asked about on disk first (a changed one is read again, a gone one
    /// left out). What rests on an id being absent is then judged again with every file
    /// (see [`Index::on_demand`]), so the others are not needed.
    ///
    /// `None` when the stored head kept on demand does not decode (a damaged index): open
    /// the index again with every file asked about, which rebuilds it with a note.
    pub fn ids_for(&self, wanted: &HashSet<&str>) -> Option<Vec<(Kind, Cow<'_, str>, &Path)>> {
        if let Some(head) = &self.head {
            let (prefix, files) = postcard::take_from_bytes::<StoredPrefix>(head).ok()?;
            let table = IdTable(prefix.by_id);
            let mut held = Vec::new();
            for id in wanted {
                held.extend(table.files(files, id)?);
            }
            // In the order of the list, as when every file is asked about.
            held.sort_unstable_by_key(|f| f.path);
            let files = held
                .into_iter()
                .filter_map(|f| {
                    let id = f.id?;
                    let path = Path::new(f.path);
                    let kind = if f.problem {
                        Kind::Problem
                    } else {
                        Kind::Review
                    };
                    let meta = std::fs::metadata(path).ok()?;
                    let mtime = meta.modified().map_or(i128::MIN, nanos);
                    if f.settled && meta.len() == f.size && mtime == f.mtime {
                        Some((kind, Cow::Borrowed(id), path))
                    } else {
                        Some((kind, Cow::Owned(read_id(path)?), path))
                    }
                })
                .collect();
            return Some(files);
        }
        // Every file was asked about when the index was opened.
        Some(
            self.ids()
                .map(|(kind, id, path)| (kind, Cow::Borrowed(id), path))
                .collect(),
        )
    }

    /// Whether some stored ids were taken without asking the disk (`Need::IdsOnDemand`):
    /// a finding that rests on an id being absent is then judged again with every file
    /// asked about.
    pub fn on_demand(&self) -> bool {
        self.head.is_some()
    }

    /// The reviews that could be parsed far enough to have facts (with `Need::Facts` or
    /// `Need::FactsOnDemand`),
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

    /// Every review with facts, borrowed (from the stored index's bytes where they were not
    /// decoded: `Need::FactsOnDemand` while no folder changed), in path order.
    pub fn review_refs(&self) -> Vec<ReviewRef<'_>> {
        if self.head.is_some() {
            return self.review_refs_iter().collect();
        }
        self.entries
            .par_iter()
            .filter_map(|e| self.review_ref(e))
            .collect()
    }

    /// As [`Index::review_refs`], one at a time: nothing is held but the one looked at.
    pub fn review_refs_iter(&self) -> Box<dyn Iterator<Item = ReviewRef<'_>> + '_> {
        let Some(head) = &self.head else {
            return Box::new(self.entries.iter().filter_map(|e| self.review_ref(e)));
        };
        // Whole: `open` decoded it before keeping it.
        let files = postcard::from_bytes::<Stored>(head).map_or_else(|_| Vec::new(), |s| s.files);
        Box::new(files.into_iter().filter(|f| !f.problem).filter_map(|f| {
            let (at, len) = f.facts?;
            let bytes = self.facts.get(at as usize..at as usize + len as usize)?;
            match postcard::from_bytes(bytes) {
                Ok(FactsRef::Review(mut r)) => {
                    r.path = Path::new(f.path);
                    Some(r)
                }
                _ => None,
            }
        }))
    }

    fn review_ref<'s>(&'s self, e: &'s Entry) -> Option<ReviewRef<'s>> {
        match &e.facts {
            Slot::Read(f) => match f.as_ref() {
                Facts::Review(r) => Some(ReviewRef::of(r)),
                _ => None,
            },
            Slot::Stored(range) => match postcard::from_bytes(self.facts.get(range.clone())?) {
                Ok(FactsRef::Review(mut r)) => {
                    r.path = &e.path;
                    Some(r)
                }
                _ => None,
            },
            Slot::None => None,
        }
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
        // Facts kept from the stored index are copied from it (read now if this command
        // did not need them); if that fails, those files are read again next time.
        let kept = self
            .entries
            .iter()
            .any(|e| matches!(e.facts, Slot::Stored(_)));
        let read_now;
        let old: Option<&[u8]> = if !kept || !self.facts.is_empty() {
            Some(&self.facts)
        } else {
            read_now = self.source.as_ref().and_then(|s| s.facts().ok());
            read_now.as_deref()
        };
        let mut facts = Vec::new();
        let mut at = Vec::with_capacity(self.entries.len());
        for e in &self.entries {
            let start = facts.len() as u64;
            match &e.facts {
                Slot::None => {}
                Slot::Stored(range) => {
                    if let Some(bytes) = old.and_then(|old| old.get(range.clone())) {
                        facts.extend_from_slice(bytes);
                    }
                }
                Slot::Read(f) => facts.extend(postcard::to_allocvec(f.as_ref())?),
            }
            let len = u32::try_from(facts.len() as u64 - start)?;
            at.push((len > 0).then_some((start, len)));
        }
        let walk = self.walked.as_ref().map(WalkRecord::stored);
        let files: Vec<StoredFile> = self
            .entries
            .iter()
            .zip(at)
            .filter_map(|(e, facts)| {
                // A path that is not UTF-8 is read every time.
                Some(StoredFile {
                    path: e.path.to_str()?,
                    problem: e.kind == Kind::Problem,
                    size: e.size,
                    mtime: e.mtime,
                    settled: e.settled,
                    id: e.id.as_deref(),
                    facts,
                })
            })
            .collect();
        let by_id = IdTable::of(&files)?;
        let stored = Stored {
            key,
            walk,
            by_id: &by_id,
            files,
        };
        let head = postcard::to_allocvec(&stored)?;
        let mut out = Vec::with_capacity(MAGIC.len() + 8 + head.len() + facts.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        out.extend_from_slice(&u32::try_from(head.len())?.to_le_bytes());
        out.extend(head);
        out.extend(facts);
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
    let source = Source::open(&path).ok();
    let files = source.as_ref().and_then(decode).map(|s| s.files.len());
    Status {
        dir,
        files,
        bytes: std::fs::metadata(&path).map_or(0, |m| m.len()),
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
    /// What the file list depended on, when it can be trusted without walking again.
    #[serde(borrow)]
    walk: Option<StoredWalk<'a>>,
    /// Where each id's files are in `files`: see [`IdTable`].
    #[serde(borrow)]
    by_id: &'a [u8],
    #[serde(borrow)]
    files: Vec<StoredFile<'a>>,
}

/// The first fields of [`Stored`], decoded without the files.
#[derive(Deserialize)]
struct StoredPrefix<'a> {
    #[serde(borrow)]
    key: &'a [u8],
    #[serde(borrow)]
    walk: Option<StoredWalk<'a>>,
    #[serde(borrow)]
    by_id: &'a [u8],
}

/// The files holding an id, found without decoding the list of files (10,000 of them took
/// 1.5 ms, a tenth of a one-file check): rows of a 64-bit FNV-1a hash of the id and the
/// offset of the file's entry in the encoded list (from its length's first byte), 12 bytes
/// each, little-endian, sorted. Two ids with one hash share rows; the entry's own id tells
/// them apart.
struct IdTable<'a>(&'a [u8]);

impl<'a> IdTable<'a> {
    const ROW: usize = 12;

    fn hash(id: &str) -> u64 {
        id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }

    /// The table of `files` as [`Stored`] encodes them.
    fn of(files: &[StoredFile]) -> anyhow::Result<Vec<u8>> {
        let mut at = postcard::experimental::serialized_size(&files.len())?;
        let mut rows = Vec::new();
        for f in files {
            if let Some(id) = f.id {
                rows.push((Self::hash(id), u32::try_from(at)?));
            }
            at += postcard::experimental::serialized_size(f)?;
        }
        rows.sort_unstable();
        Ok(rows
            .into_iter()
            .flat_map(|(h, at)| h.to_le_bytes().into_iter().chain(at.to_le_bytes()))
            .collect())
    }

    fn row(&self, i: usize) -> (u64, usize) {
        let row = &self.0[i * Self::ROW..(i + 1) * Self::ROW];
        let hash = u64::from_le_bytes(row[..8].try_into().expect("8 bytes"));
        let at = u32::from_le_bytes(row[8..].try_into().expect("4 bytes"));
        (hash, at as usize)
    }

    /// The entries of `files` (the encoded list) whose id is `id`; `None` if the table
    /// or an entry it points at is damaged.
    fn files(&self, files: &'a [u8], id: &str) -> Option<Vec<StoredFile<'a>>> {
        if !self.0.len().is_multiple_of(Self::ROW) {
            return None;
        }
        let rows = self.0.len() / Self::ROW;
        let hash = Self::hash(id);
        let first = partition_point(rows, |i| self.row(i).0 < hash);
        let mut found = Vec::new();
        for i in (first..rows).take_while(|&i| self.row(i).0 == hash) {
            let (file, _) =
                postcard::take_from_bytes::<StoredFile>(files.get(self.row(i).1..)?).ok()?;
            if file.id == Some(id) {
                found.push(file);
            }
        }
        Some(found)
    }
}

/// The first `i` in `0..len` for which `before(i)` is false (`before` true, then false).
fn partition_point(len: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (0, len);
    while low < high {
        let mid = low + (high - low) / 2;
        if before(mid) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    low
}

/// The folders walked (a file added, removed or renamed changes a folder's time) and the
/// files of ignore rules (which change what is left out without touching a folder).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct StoredWalk<'a> {
    #[serde(borrow)]
    roots: Vec<&'a str>,
    #[serde(borrow)]
    folders: Vec<(&'a str, i128)>,
    #[serde(borrow)]
    rules: Vec<(&'a str, Option<(u64, i128)>)>,
}

/// [`StoredWalk`], owned.
#[derive(Clone, Debug, Default, PartialEq)]
struct WalkRecord {
    roots: Vec<String>,
    folders: Vec<(String, i128)>,
    rules: Vec<(String, Option<(u64, i128)>)>,
}

/// A file's size and time (`None`: it does not exist).
fn stamp_of(path: &Path) -> Option<(u64, i128)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().map_or(i128::MIN, nanos)))
}

impl WalkRecord {
    /// The record of a walk that started at `started`; `None` if anything it depends on
    /// changed too recently to be told apart from a later change, or is not UTF-8.
    fn of(roots: &[PathBuf], walk: &super::files::Walk, started: SystemTime) -> Option<Self> {
        let recent = nanos(started) - SETTLE.as_nanos() as i128;
        let text = |p: &Path| p.to_str().map(str::to_string);
        let folders = walk
            .folders
            .iter()
            .map(|f| {
                let (_, mtime) = stamp_of(f)?;
                (mtime < recent).then_some((text(f)?, mtime))
            })
            .collect::<Option<Vec<_>>>()?;
        let rules = super::files::rule_files(roots, &walk.folders)
            .iter()
            .map(|r| {
                let stamp = stamp_of(r);
                stamp
                    .is_none_or(|(_, m)| m < recent)
                    .then_some((text(r)?, stamp))
            })
            .collect::<Option<Vec<_>>>()?;
        (walk.errors.is_empty() && walk.files.iter().all(|f| f.to_str().is_some())).then_some(())?;
        Some(WalkRecord {
            roots: roots.iter().map(|r| text(r)).collect::<Option<_>>()?,
            folders,
            rules,
        })
    }

    fn stored(&self) -> StoredWalk<'_> {
        StoredWalk {
            roots: self.roots.iter().map(String::as_str).collect(),
            folders: self.folders.iter().map(|(p, m)| (p.as_str(), *m)).collect(),
            rules: self.rules.iter().map(|(p, s)| (p.as_str(), *s)).collect(),
        }
    }
}

impl StoredWalk<'_> {
    /// Whether a walk of `roots` would find what it found then.
    fn still(&self, roots: &[PathBuf]) -> bool {
        self.roots.len() == roots.len()
            && self
                .roots
                .iter()
                .zip(roots)
                .all(|(a, b)| b.to_str() == Some(a))
            && self
                .folders
                .iter()
                .all(|(f, m)| stamp_of(Path::new(f)).is_some_and(|(_, now)| now == *m))
            && self.rules.iter().all(|(r, s)| stamp_of(Path::new(r)) == *s)
    }

    fn owned(&self) -> WalkRecord {
        WalkRecord {
            roots: self.roots.iter().map(|r| r.to_string()).collect(),
            folders: self
                .folders
                .iter()
                .map(|(p, m)| (p.to_string(), *m))
                .collect(),
            rules: self
                .rules
                .iter()
                .map(|(p, s)| (p.to_string(), *s))
                .collect(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct StoredFile<'a> {
    path: &'a str,
    problem: bool,
    size: u64,
    mtime: i128,
    settled: bool,
    id: Option<&'a str>,
    /// Where the file's facts are among the stored facts: offset and length.
    facts: Option<(u64, u32)>,
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

/// The head of a stored index, if it is whole (every file's facts lie in the file).
fn decode(source: &Source) -> Option<Stored<'_>> {
    match postcard::take_from_bytes::<Stored>(&source.head) {
        Ok((stored, [])) => stored
            .files
            .iter()
            .all(|f| {
                f.facts.is_none_or(|(at, len)| {
                    at.checked_add(u64::from(len))
                        .is_some_and(|end| end <= source.facts_len)
                })
            })
            .then_some(stored),
        _ => None,
    }
}

fn corrupt(path: &Path) -> Note {
    Note {
        text: format!(
            "the corpus index {} could not be read; it was rebuilt",
            path.display()
        ),
        verbose_only: false,
    }
}

/// The stored index at `path`, opened, and its facts if `need` asks for them.
fn opened(path: &Path, need: Need, notes: &mut Vec<Note>) -> (Option<Source>, Vec<u8>) {
    let source = match Source::open(path) {
        Ok(source) => source,
        // None yet (the first run): built afresh, silently.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (None, Vec::new()),
        Err(e) if e.kind() == std::io::ErrorKind::Unsupported => {
            notes.push(Note {
                text: "corpus index rebuilt: it was written by another version of pirt".into(),
                verbose_only: true,
            });
            return (None, Vec::new());
        }
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
            ) =>
        {
            notes.push(corrupt(path));
            return (None, Vec::new());
        }
        Err(e) => {
            notes.push(Note {
                text: format!(
                    "the corpus index {} cannot be read ({e}); files are read instead",
                    path.display()
                ),
                verbose_only: true,
            });
            return (None, Vec::new());
        }
    };
    if !matches!(need, Need::Facts | Need::FactsOnDemand) {
        return (Some(source), Vec::new());
    }
    match source.facts() {
        Ok(facts) => (Some(source), facts),
        Err(_) => {
            notes.push(corrupt(path));
            (None, Vec::new())
        }
    }
}

/// The stored index if it is whole and made for this key; notes why not.
fn usable<'s>(
    source: &'s Source,
    key: &[u8],
    path: &Path,
    notes: &mut Vec<Note>,
) -> Option<Stored<'s>> {
    match decode(source) {
        Some(stored) if stored.key == key => Some(stored),
        Some(_) => {
            notes.push(Note {
                text: "corpus index rebuilt: pirt or its configuration changed".into(),
                verbose_only: true,
            });
            None
        }
        None => {
            notes.push(corrupt(path));
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
    // The stored list of files while no folder and no ignore rule changed, else a walk.
    let trusted = stored
        .and_then(|s| Some((s, s.walk.as_ref()?)))
        .filter(|(_, w)| w.still(roots));
    let (paths, walk_errors, walked) = match trusted {
        Some((s, w)) => (
            s.files.iter().map(|f| PathBuf::from(f.path)).collect(),
            Vec::new(),
            Some(w.owned()),
        ),
        None => {
            let started = SystemTime::now();
            let walk = super::files::walk(roots);
            let record = WalkRecord::of(roots, &walk, started);
            (walk.files, walk.errors, record)
        }
    };
    let problems_dir = absolute(&config.problems_dir());
    // Unless one folder lies in the other, a file under the problems folder's path as
    // walked is a problem record: a byte comparison, not a normalised path per file.
    let reviews_dir = absolute(&config.reviews_dir());
    let nested = reviews_dir.starts_with(&problems_dir) || problems_dir.starts_with(&reviews_dir);
    let kind_of = |path: &Path| {
        let problem = if nested {
            absolute(path).starts_with(&problems_dir)
        } else {
            under(path, &problems_dir)
        };
        if problem { Kind::Problem } else { Kind::Review }
    };
    let needs_facts = matches!(need, Need::Facts | Need::FactsOnDemand);
    let old = previous(&paths, stored);
    let listings = listings(&paths);
    let entries: Vec<(Entry, bool)> = paths
        .par_iter()
        .zip(old)
        .map(|(path, old)| {
            let path = path.clone();
            let kind = kind_of(&path);
            let in_folder = path
                .parent()
                .zip(path.file_name())
                .and_then(|(dir, name)| listings.get(dir)?.get(name));
            let meta = match in_folder.map(std::fs::DirEntry::metadata) {
                // Asked of the folder: one name is looked up, not the whole path.
                Some(Ok(meta)) if !meta.file_type().is_symlink() => Ok(meta),
                _ => std::fs::metadata(&path),
            };
            let (size, modified) = match meta {
                Ok(meta) => (meta.len(), meta.modified().ok()),
                Err(_) => (0, None),
            };
            let mtime = modified.map_or(i128::MIN, nanos);
            let reusable = old.filter(|f| {
                f.settled
                    && modified.is_some()
                    && f.size == size
                    && f.mtime == mtime
                    && f.problem == (kind == Kind::Problem)
                    && (!needs_facts || f.facts.is_some())
            });
            if let Some(f) = reusable {
                let facts = match f.facts {
                    Some((at, len)) => Slot::Stored(at as usize..at as usize + len as usize),
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
            // Old enough when read that a later change shows in its time stamp.
            let settled = modified
                .and_then(|m| SystemTime::now().duration_since(m).ok())
                .is_some_and(|age| age >= SETTLE);
            let (id, facts) = match need {
                Need::Ids | Need::IdsOnDemand => (read_id(&path), Slot::None),
                Need::Facts | Need::FactsOnDemand => {
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
    let mut read = entries.iter().filter(|(_, read)| *read).count();
    let mut entries: Vec<Entry> = entries.into_iter().map(|(e, _)| e).collect();
    if needs_facts {
        // Stored facts are decoded here, in parallel; one that does not decode is read.
        read += entries
            .par_iter_mut()
            .map(|e| {
                let Slot::Stored(range) = &e.facts else {
                    return 0;
                };
                match postcard::from_bytes::<Facts>(&bytes[range.clone()]) {
                    Ok(facts) => {
                        e.facts = Slot::Read(Box::new(with_path(facts, &e.path)));
                        0
                    }
                    Err(_) => {
                        let (id, facts) = read_facts(config, &e.path, e.kind);
                        (e.id, e.facts) = (id, Slot::Read(Box::new(facts)));
                        1
                    }
                }
            })
            .sum::<usize>();
    }
    Index {
        entries,
        facts: Vec::new(),
        source: None,
        walked,
        walk_errors,
        read,
        notes: Vec::new(),
        head: None,
    }
}

/// Each walked file's stored entry. Both lists are in path order: they are matched side
/// by side, and by name only from the first difference on.
fn previous<'s>(
    paths: &[PathBuf],
    stored: Option<&'s Stored<'s>>,
) -> Vec<Option<&'s StoredFile<'s>>> {
    let files = stored.map_or(&[][..], |s| &s.files[..]);
    let same = paths
        .iter()
        .zip(files)
        .take_while(|(p, f)| p.to_str() == Some(f.path))
        .count();
    let mut out: Vec<Option<&StoredFile>> = files[..same].iter().map(Some).collect();
    if same < paths.len() {
        let by_path: HashMap<&str, &StoredFile> =
            files[same..].iter().map(|f| (f.path, f)).collect();
        out.extend(
            paths[same..]
                .iter()
                .map(|p| p.to_str().and_then(|p| by_path.get(p).copied())),
        );
    }
    out
}

/// The entries of each folder that holds one of `paths`, by name: a file's size and time
/// asked of its folder cost a third of asking by its path (measured on 10k files).
fn listings(paths: &[PathBuf]) -> HashMap<&Path, HashMap<std::ffi::OsString, std::fs::DirEntry>> {
    let mut out: HashMap<&Path, HashMap<_, _>> = HashMap::new();
    let mut last: Option<&Path> = None;
    for dir in paths.iter().filter_map(|p| p.parent()) {
        if last == Some(dir) || out.contains_key(dir) {
            last = Some(dir);
            continue;
        }
        last = Some(dir);
        let entries = std::fs::read_dir(dir).map_or_else(
            |_| HashMap::new(),
            |entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| (e.file_name(), e))
                    .collect()
            },
        );
        out.insert(dir, entries);
    }
    out
}

/// Whether `path` starts with the bytes of `dir` and a separator.
fn under(path: &Path, dir: &Path) -> bool {
    let (path, dir) = (
        path.as_os_str().as_encoded_bytes(),
        dir.as_os_str().as_encoded_bytes(),
    );
    path.strip_prefix(dir).is_some_and(|rest| {
        dir.last()
            .is_some_and(|&b| std::path::is_separator(b as char))
            || rest
                .first()
                .is_some_and(|&b| std::path::is_separator(b as char))
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The id table finds every file holding an id (two files with one id, the first file
    /// and the last of 3,000) from the encoded list, as a decode of the whole list would;
    /// an id nobody holds finds nothing, and a damaged table or entry is `None`.
    #[test]
    fn the_id_table_finds_the_files_holding_an_id() {
        let paths: Vec<String> = (0..3000)
            .map(|i| format!("postmortems/r-{i:05}.md"))
            .collect();
        let ids: Vec<String> = (0..3000).map(|i| format!("PIR-{}", i.min(2998))).collect();
        let files: Vec<StoredFile> = paths
            .iter()
            .zip(&ids)
            .enumerate()
            .map(|(i, (path, id))| StoredFile {
                path,
                problem: i % 7 == 0,
                size: i as u64 * 1_000_003,
                mtime: -(i as i128) << 70,
                settled: i % 3 != 0,
                id: (i % 11 != 5).then_some(id.as_str()),
                facts: (i % 2 == 0).then_some((i as u64 * 4096, i as u32)),
            })
            .collect();
        let by_id = IdTable::of(&files).unwrap();
        let head = postcard::to_allocvec(&Stored {
            key: b"key",
            walk: None,
            by_id: &by_id,
            files,
        })
        .unwrap();
        let (prefix, list) = postcard::take_from_bytes::<StoredPrefix>(&head).unwrap();
        let table = IdTable(prefix.by_id);
        let whole = postcard::from_bytes::<Stored>(&head).unwrap().files;
        for id in [
            "PIR-0", "PIR-1", "PIR-1500", "PIR-2998", "PIR-5", "PIR-9999",
        ] {
            let found: Vec<(&str, u64)> = table
                .files(list, id)
                .unwrap()
                .iter()
                .map(|f| (f.path, f.size))
                .collect();
            let expected: Vec<(&str, u64)> = whole
                .iter()
                .filter(|f| f.id == Some(id))
                .map(|f| (f.path, f.size))
                .collect();
            let mut found = found;
            found.sort();
            assert_eq!(found, expected, "{id}");
        }
        assert_eq!(table.files(list, "PIR-2998").unwrap().len(), 2);
        assert!(
            table.files(list, "PIR-5").unwrap().is_empty(),
            "PIR-5 has no id"
        );
        assert!(IdTable(&prefix.by_id[1..]).files(list, "PIR-1").is_none());
        assert!(table.files(&list[..list.len() / 2], "PIR-2998").is_none());
    }

    /// The borrowed view reads the bytes the owned facts were stored as, field for field;
    /// problem records and unreadable files decode as themselves, not as reviews.
    #[test]
    fn borrowed_facts_read_what_owned_facts_stored() {
        let facts = ReviewFacts {
            path: PathBuf::from("postmortems/a.md"),
            id: "PIR-2026-014".into(),
            title: "Checkout errors — pool".into(),
            severity: "SEV2".into(),
            services: vec!["checkout-api".into(), "orders-db".into()],
            tags: vec!["database".into()],
            words: vec!["checkout".into(), "errors".into(), "pool".into()],
            started_at: crate::review::time::parse_rfc3339("2026-11-20T14:02:00+01:00").ok(),
            problem: Some("PRB-0007".into()),
            error: None,
            people: vec!["ana".into(), "ben".into()],
        };
        let bytes = postcard::to_allocvec(&Facts::Review(facts.clone())).unwrap();
        let Ok(FactsRef::Review(view)) = postcard::from_bytes::<FactsRef>(&bytes) else {
            panic!("not read back as a review");
        };
        let owned = ReviewRef::of(&facts);
        assert_eq!(
            (
                view.id,
                view.title,
                view.severity,
                &view.services,
                &view.tags
            ),
            (
                owned.id,
                owned.title,
                owned.severity,
                &owned.services,
                &owned.tags
            )
        );
        assert_eq!(
            (&view.words, view.started_at, view.problem, view.error),
            (&owned.words, owned.started_at, owned.problem, owned.error)
        );
        assert_eq!(
            view.started_at.map(|t| t.offset().local_minus_utc()),
            Some(3600)
        );
        let problem = Facts::Problem(ProblemFacts {
            id: "PRB-1".into(),
            owner: Some("li.wei".into()),
            error: Some("x".into()),
            ..ProblemFacts::default()
        });
        let bytes = postcard::to_allocvec(&problem).unwrap();
        assert!(matches!(
            postcard::from_bytes::<FactsRef>(&bytes),
            Ok(FactsRef::Problem(_))
        ));
        let bytes = postcard::to_allocvec(&Facts::Unreadable("too large".into())).unwrap();
        assert!(matches!(
            postcard::from_bytes::<FactsRef>(&bytes),
            Ok(FactsRef::Unreadable("too large"))
        ));
    }
}
