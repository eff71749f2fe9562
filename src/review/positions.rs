//! Where the values of a review are written, beside the `Review` that holds the values.
//!
//! The parser fills this in as it reads the front matter; the rules of `pirt check` point
//! with it and never read the YAML tree or parse a value again. `Review` itself stays plain
//! values, easy to build in tests and in `pirt new`.

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::pos::{Pos, Spanned};
use crate::review::{ActionStatus, EntryKind, Timestamp};

/// Where a key and its value are written, and what the value looks like.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct At {
    pub key: Pos,
    pub value: Pos,
    /// Null, blank text, an empty list, or a mapping of such values.
    pub blank: bool,
    /// Written as text (a YAML string), not as a number, a boolean or a collection.
    pub text: bool,
}

/// A name as written: one the model knows, or text it does not know (a `schema` error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Named<T> {
    Known(T),
    Unknown(String),
}

/// A timeline entry written as a mapping, also one the model leaves out (no `at` or no
/// `text`): the rules judge what was written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EntryAt {
    /// `at`, when it is a valid time written as text.
    pub at: Option<Spanned<Timestamp>>,
    /// `kind`, when written as text.
    pub kind: Option<Named<EntryKind>>,
    /// Where `text` is, when written as text (its value: `ParsedFile::texts`).
    pub text: Option<Pos>,
}

impl EntryAt {
    /// The kind as written, `note` when it is not.
    pub fn kind_name(&self) -> &str {
        match &self.kind {
            None => EntryKind::Note.as_str(),
            Some(Named::Known(kind)) => kind.as_str(),
            Some(Named::Unknown(text)) => text,
        }
    }

    /// Whether the entry is of one of `kinds` (an unknown kind is of none).
    pub fn is(&self, kinds: &[EntryKind]) -> bool {
        match &self.kind {
            None => kinds.contains(&EntryKind::Note),
            Some(Named::Known(kind)) => kinds.contains(kind),
            Some(Named::Unknown(_)) => false,
        }
    }
}

/// An action item written as a mapping, also one the model leaves out (no `id` or no
/// `title`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ItemAt {
    /// The item's mapping.
    pub pos: Pos,
    /// `id`, when written as text.
    pub id: Option<String>,
    pub id_at: Option<At>,
    /// Where `title` is, when written as text (its value: `ParsedFile::texts`).
    pub title: Option<Pos>,
    /// `status`, when written as text.
    pub status: Option<Named<ActionStatus>>,
    /// `due`, when it is a valid date.
    pub due: Option<Spanned<NaiveDate>>,
    pub owner_at: Option<At>,
    pub type_at: Option<At>,
    pub due_at: Option<At>,
    pub tracker_at: Option<At>,
}

impl ItemAt {
    /// The status as written; `open` when it is not written as text.
    pub fn status(&self) -> Result<ActionStatus, &str> {
        match &self.status {
            None => Ok(ActionStatus::Open),
            Some(Named::Known(status)) => Ok(*status),
            Some(Named::Unknown(text)) => Err(text),
        }
    }
}

/// Where a review's values are written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Positions {
    /// The front-matter mapping: where a finding about a key that is not there points.
    pub front_matter: Pos,
    /// Every key of the front matter's mappings, outside lists, by its dotted path
    /// (`severity`, `impact.summary`, an unknown `x-team`), in file order.
    pub keys: Vec<(Cow<'static, str>, At)>,
    /// One per timeline entry written as a mapping, in file order.
    pub timeline: Vec<EntryAt>,
    /// One per action item written as a mapping, in file order.
    pub action_items: Vec<ItemAt>,
    /// The ids of a `related:` list written as text.
    pub related: Vec<Spanned<String>>,
}

/// The text written at `pos`, among `texts` sorted by offset (`ParsedFile::texts`).
pub fn text_at<'t>(texts: &[Spanned<&'t str>], pos: Pos) -> Option<&'t str> {
    let i = texts.partition_point(|t| t.pos.offset < pos.offset);
    texts
        .get(i)
        .filter(|t| t.pos.offset == pos.offset)
        .map(|t| t.value)
}

impl Positions {
    /// The key at a dotted path.
    pub fn get(&self, path: &str) -> Option<&At> {
        self.keys.iter().find(|(p, _)| p == path).map(|(_, at)| at)
    }

    /// The value's position of the key at `path`, else `START`.
    pub fn value_or_start(&self, path: &str) -> Pos {
        self.get(path).map_or(Pos::START, |at| at.value)
    }

    /// The key written for `path`, or for the nearest of its parents that is written
    /// (`impact` for a missing `impact.summary`).
    pub fn nearest_key(&self, path: &str) -> Option<Pos> {
        let mut path = path;
        loop {
            if let Some(at) = self.get(path) {
                return Some(at.key);
            }
            path = &path[..path.rfind('.')?];
        }
    }
}
