//! The Slack reader (SPEC §7.1): a workspace export (the `.zip` as downloaded, or its
//! unpacked folder) or a `conversations.history` / `conversations.replies` API response.
//!
//! Only the chosen channel's day files are read, each into one buffer that the messages
//! borrow from; `users.json` becomes id → name and nothing more.

mod archive;
mod text;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use serde::de::IgnoredAny;

use self::archive::{Archive, Limits};
use self::text::Names;
use super::{Export, Options, Record};
use crate::review::EntryKind;
use crate::review::time::Timestamp;

/// The lists of conversations an export may hold: public channels, private channels,
/// group DMs, DMs.
const LISTS: [&str; 4] = ["channels.json", "groups.json", "mpims.json", "dms.json"];

pub fn read(path: &Path, options: &Options) -> Result<Export, String> {
    read_with(path, options, Limits::default())
}

fn read_with(path: &Path, options: &Options, limits: Limits) -> Result<Export, String> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    if meta.is_dir() {
        return read_export(Archive::folder(path, limits)?, &shown, options);
    }
    let mut head = [0u8; 4];
    let n = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .map_err(|e| format!("{shown}: {e}"))?;
    if n >= 2 && head.starts_with(b"PK") {
        return read_export(Archive::zip(path, limits)?, &shown, options);
    }
    if meta.len() > limits.entry {
        return Err(format!(
            "{shown}: {} is more than the {} pirt reads of one file",
            archive::size(meta.len()),
            archive::size(limits.entry)
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
    let origin = path
        .file_name()
        .map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
    read_api(&bytes, &shown, &origin, options)
}

/// A conversation of the export: `channels.json` and the like name it, its folder holds
/// its day files.
#[derive(Debug)]
struct Channel {
    id: String,
    name: Option<String>,
    folder: String,
    days: Vec<String>,
}

impl Channel {
    /// `#inc-checkout (C07INC4812)`, `#scratch` (a folder no list names), or a DM's id.
    fn shown(&self) -> String {
        match &self.name {
            Some(name) if *name != self.id => format!("#{name} ({})", self.id),
            // A folder no list names: its name is all there is.
            Some(name) => format!("#{name}"),
            None => self.id.clone(),
        }
    }
}

fn read_export(mut archive: Archive, shown: &str, options: &Options) -> Result<Export, String> {
    let mut export = Export::default();
    let root = root_of(archive.names());
    let mut unsafe_paths = 0;
    let mut folders: HashMap<String, Vec<String>> = HashMap::new();
    for name in archive.names() {
        if !is_safe(name) {
            unsafe_paths += 1;
            continue;
        }
        let Some(rest) = name.strip_prefix(&root) else {
            continue;
        };
        if let Some((folder, file)) = rest.split_once('/')
            && is_day_file(file)
        {
            folders
                .entry(folder.to_string())
                .or_default()
                .push(name.clone());
        }
    }
    if unsafe_paths > 0 {
        export.problems.push(format!(
            "{shown}: {unsafe_paths} entries with paths outside the export (`../`, `/`) were ignored"
        ));
    }

    let mut names = Names::default();
    let mut channels: Vec<Channel> = Vec::new();
    for list in LISTS {
        let member = format!("{root}{list}");
        if !archive.names().contains(&member) {
            continue;
        }
        let bytes = archive.read(&member)?;
        let entries: Vec<Conversation> = parse(&bytes, &archive.shown(&member))?;
        for c in entries {
            let name = c.name.filter(|n| !n.is_empty()).map(Cow::into_owned);
            let folder = name.clone().unwrap_or_else(|| c.id.to_string());
            if let Some(name) = &name {
                names.channels.insert(c.id.to_string(), name.clone());
            }
            channels.push(Channel {
                id: c.id.into_owned(),
                days: folders.remove(&folder).unwrap_or_default(),
                name,
                folder,
            });
        }
    }
    // Folders no list names (an export trimmed by hand): the folder stands for the id.
    let mut unlisted: Vec<_> = folders.into_iter().collect();
    unlisted.sort();
    for (folder, days) in unlisted {
        channels.push(Channel {
            id: folder.clone(),
            name: Some(folder.clone()),
            folder,
            days,
        });
    }
    if channels.is_empty() {
        return Err(format!(
            "{shown}: not a Slack export: no channels.json and no channel folders of \
             YYYY-MM-DD.json files"
        ));
    }
    let channel = pick(&channels, options.channel.as_deref(), shown)?;
    let channel = &channels[channel];

    let users = format!("{root}users.json");
    if archive.names().contains(&users) {
        let bytes = archive.read(&users)?;
        let list: Vec<User> = parse(&bytes, &archive.shown(&users))?;
        for user in list {
            let name = user.name().map(str::to_string);
            names
                .users
                .insert(user.id.into_owned(), name.unwrap_or_default());
        }
        // An id whose user has no name at all stays the id.
        names.users.retain(|_, name| !name.is_empty());
    }

    let mut reader = Reader::new(options, &channel.id, names);
    let mut days = channel.days.clone();
    days.sort();
    for day in &days {
        let bytes = archive.read(day)?;
        let origin = day.strip_prefix(&root).unwrap_or(day);
        let shown = archive.shown(day);
        // Two passes over the buffer, one message at a time: authors' profiles first, so
        // that a mention of someone who writes later in the file reads as a name.
        each(&bytes, &shown, |a: Author| {
            reader.learn(&a.user, &a.user_profile)
        })?;
        let lines = element_lines(&bytes, first_value(&bytes));
        let mut i = 0;
        each(&bytes, &shown, |m: Message| {
            reader.one(i, &m, &lines, origin, &mut export);
            i += 1;
        })?;
    }
    export.what = format!(
        "a Slack export, channel {}, {}",
        channel.shown(),
        n_messages(reader.messages)
    );
    Ok(export)
}

/// The folder holding the lists, where an export was zipped inside one more folder.
fn root_of(names: &[String]) -> String {
    names
        .iter()
        .filter(|n| is_safe(n))
        .filter_map(|n| {
            let (dir, file) = n.rsplit_once('/').unwrap_or(("", n));
            (LISTS.contains(&file) || file == "users.json").then_some(dir)
        })
        .min_by_key(|dir| (dir.matches('/').count(), dir.len(), *dir))
        .map_or_else(String::new, |dir| {
            if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            }
        })
}

/// A member path that stays inside the export: no `..`, `.`, empty or absolute parts.
fn is_safe(name: &str) -> bool {
    !name.contains('\\')
        && name
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// `2026-11-20.json`.
fn is_day_file(file: &str) -> bool {
    let b = file.as_bytes();
    b.len() == 15
        && file.ends_with(".json")
        && b[..10].iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// The channel `wanted` names (by name, `#name` or id), or the only one with messages.
fn pick(channels: &[Channel], wanted: Option<&str>, shown: &str) -> Result<usize, String> {
    let listing = || {
        let mut all: Vec<String> = channels.iter().map(Channel::shown).collect();
        all.sort();
        let more = all.len().saturating_sub(40);
        all.truncate(40);
        let mut list = all.join(", ");
        if more > 0 {
            list.push_str(&format!(" and {more} more"));
        }
        list
    };
    if let Some(wanted) = wanted {
        let bare = wanted.trim().trim_start_matches('#');
        return channels
            .iter()
            .position(|c| {
                c.id.eq_ignore_ascii_case(bare)
                    || c.folder == bare
                    || c.name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(bare))
            })
            .ok_or_else(|| {
                format!(
                    "{shown}: no channel `{wanted}` in the export; it has {}",
                    listing()
                )
            });
    }
    let with_messages: Vec<usize> = (0..channels.len())
        .filter(|&i| !channels[i].days.is_empty())
        .collect();
    match (with_messages.as_slice(), channels.len()) {
        ([one], _) => Ok(*one),
        ([], 1) => Ok(0),
        ([], _) => Err(format!(
            "{shown}: no channel of the export has messages; it lists {}",
            listing()
        )),
        (several, _) => {
            let mut list: Vec<String> = several.iter().map(|&i| channels[i].shown()).collect();
            list.sort();
            Err(format!(
                "{shown}: the export holds {} channels with messages; pick one with \
                 --channel NAME: {}",
                several.len(),
                list.join(", ")
            ))
        }
    }
}

/// A `conversations.history` or `conversations.replies` response, or a bare list of
/// messages (one day file of an export).
fn read_api(bytes: &[u8], shown: &str, origin: &str, options: &Options) -> Result<Export, String> {
    let mut export = Export::default();
    let start = first_value(bytes);
    let (messages, lines): (Vec<Message>, Vec<usize>) = match bytes.get(start) {
        Some(b'[') => (parse(bytes, shown)?, element_lines(bytes, start)),
        Some(b'{') => {
            let response: Response = parse(bytes, shown)?;
            if response.ok == Some(false) {
                return Err(format!(
                    "{shown}: the Slack API answered an error: {}",
                    response.error.as_deref().unwrap_or("(no error given)")
                ));
            }
            let Some(messages) = response.messages else {
                return Err(format!(
                    "{shown}: not a Slack export or API response: no `messages` list \
                     (conversations.history and conversations.replies have one)"
                ));
            };
            let lines = key_value(bytes, start, b"messages")
                .map(|at| element_lines(bytes, at))
                .unwrap_or_default();
            (messages, lines)
        }
        _ => {
            return Err(format!(
                "{shown}: not a Slack export (a .zip or its folder) or API response (JSON)"
            ));
        }
    };
    // The response names no channel: `--channel` does, else it stays unknown.
    let channel = options
        .channel
        .as_deref()
        .map(|c| c.trim().trim_start_matches('#'))
        .filter(|c| !c.is_empty())
        .unwrap_or("UNKNOWN");
    let mut reader = Reader::new(options, channel, Names::default());
    reader.take(&messages, &lines, origin, &mut export);
    let shown_channel = match options.channel {
        Some(_) => format!("channel {channel}"),
        None => "channel unknown (--channel names it)".to_string(),
    };
    export.what = format!(
        "a Slack API response, {shown_channel}, {}",
        n_messages(reader.messages)
    );
    Ok(export)
}

/// `1 message`, `412 messages`.
fn n_messages(n: usize) -> String {
    if n == 1 {
        "1 message".to_string()
    } else {
        format!("{n} messages")
    }
}

/// Parses JSON; errors are `FILE:LINE:COL: message`.
fn parse<'a, T: Deserialize<'a>>(bytes: &'a [u8], shown: &str) -> Result<T, String> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    serde_json::from_slice(body).map_err(|e| json_error(shown, &e))
}

/// Calls `f` with each element of the JSON list in `bytes`, one at a time, so that a day
/// file costs its buffer and one message, not a list of all of them.
fn each<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
    shown: &str,
    f: impl FnMut(T),
) -> Result<(), String> {
    struct Each<F, T>(F, std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>, F: FnMut(T)> serde::de::Visitor<'de> for Each<F, T> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of messages")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
            while let Some(item) = seq.next_element::<T>()? {
                (self.0)(item);
            }
            Ok(())
        }
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut de = serde_json::Deserializer::from_slice(body);
    serde::Deserializer::deserialize_seq(&mut de, Each(f, std::marker::PhantomData))
        .and_then(|()| de.end())
        .map_err(|e| json_error(shown, &e))
}

fn json_error(shown: &str, e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text);
    // serde_json says column 0 for an error at a value's first byte; columns count from 1.
    format!(
        "{shown}:{}:{}: {message}",
        e.line().max(1),
        e.column().max(1)
    )
}

/// What turns messages into records: the options, the channel and the names.
struct Reader<'o> {
    options: &'o Options,
    channel: &'o str,
    names: Names,
    /// Reaction names taken, without colons or skin tones.
    reactions: Vec<String>,
    /// `config.kinds` with lower-case keys, without colons.
    kinds: HashMap<String, EntryKind>,
    /// How a message left out by the selection is counted: of one, of more.
    unselected: (String, String),
    /// Messages seen, for the summary.
    messages: usize,
}

/// Why a message is not a person's message.
enum Class {
    Person,
    Bot,
    /// Left out, said of one and of more.
    Skip(&'static str, &'static str),
    Other,
}

impl<'o> Reader<'o> {
    fn new(options: &'o Options, channel: &'o str, names: Names) -> Self {
        let bare = |s: &str| s.trim().trim_matches(':').to_ascii_lowercase();
        let reactions: Vec<String> = options.slack.reactions.iter().map(|r| bare(r)).collect();
        let unselected = if reactions.is_empty() {
            (
                "message not pinned (--all takes it)".to_string(),
                "messages not pinned (--all takes them)".to_string(),
            )
        } else {
            let shown: Vec<String> = reactions.iter().map(|r| format!(":{r}:")).collect();
            let shown = shown.join(" or ");
            (
                format!("message neither pinned nor marked {shown} (--all takes it)"),
                format!("messages neither pinned nor marked {shown} (--all takes them)"),
            )
        };
        Reader {
            options,
            channel,
            names,
            kinds: (options.slack.kinds.iter())
                .map(|(k, v)| (bare(k), *v))
                .collect(),
            reactions,
            unselected,
            messages: 0,
        }
    }

    /// Adds the records of `messages` (one file; `lines[i]` is where message `i` starts).
    fn take(&mut self, messages: &[Message], lines: &[usize], file: &str, export: &mut Export) {
        // Profiles first, so that a mention of someone who writes later in the file reads.
        for m in messages {
            self.learn(&m.user, &m.user_profile);
        }
        for (i, m) in messages.iter().enumerate() {
            self.one(i, m, lines, file, export);
        }
    }

    /// Remembers the name of a user the export's `users.json` does not know.
    fn learn(&mut self, user: &Option<Cow<str>>, profile: &Option<Profile>) {
        if let (Some(user), Some(profile)) = (user, profile)
            && !self.names.users.contains_key(user.as_ref())
            && let Some(name) = profile.name()
        {
            self.names.users.insert(user.to_string(), name.to_string());
        }
    }

    /// Adds the record of message `i` of `file` (`lines[i]` is where it starts).
    fn one(&mut self, i: usize, m: &Message, lines: &[usize], file: &str, export: &mut Export) {
        self.messages += 1;
        let origin = match lines.get(i) {
            Some(line) => format!("{file}:{line}"),
            None => format!("{file}, message {}", i + 1),
        };
        match self.record(m, &origin, export) {
            Ok(Some(record)) => export.records.push(record),
            Ok(None) => {}
            Err(problem) => export.problems.push(format!("{origin}: {problem}")),
        }
    }

    fn record(
        &self,
        m: &Message,
        origin: &str,
        export: &mut Export,
    ) -> Result<Option<Record>, String> {
        let Some(ts) = m.ts.as_deref() else {
            return Err("a message without a timestamp (`ts`)".into());
        };
        let at = parse_ts(ts).ok_or_else(|| format!("a message with an unreadable `ts` `{ts}`"))?;
        let bot = match classify(m) {
            Class::Person => false,
            Class::Bot if self.options.all && self.options.slack.include_bots => true,
            Class::Bot => {
                export.skip(
                    "bot message (--all with include_bots = true takes it)",
                    "bot messages (--all with include_bots = true takes them)",
                );
                return Ok(None);
            }
            Class::Skip(one, many) => {
                export.skip(one, many);
                return Ok(None);
            }
            Class::Other => {
                let subtype = m.subtype.as_deref().unwrap_or_default();
                export.skip(
                    &format!("`{subtype}` message"),
                    &format!("`{subtype}` messages"),
                );
                return Ok(None);
            }
        };
        if !self.options.all && !self.selected(m) {
            export.skip(&self.unselected.0, &self.unselected.1);
            return Ok(None);
        }
        let body = self.body(m);
        if body.is_empty() {
            export.skip("empty message", "empty messages");
            return Ok(None);
        }
        let author = self.author(m, bot);
        let source = match m.permalink.as_deref() {
            Some(link) if link.starts_with("https://") => link.to_string(),
            _ => format!("slack:{}/{ts}", self.channel),
        };
        Ok(Some(Record {
            at,
            kind: self.kind(m, &body),
            text: format!("{author}: {body}"),
            source,
            origin: origin.to_string(),
        }))
    }

    /// Pinned, or carrying one of the configured reactions.
    fn selected(&self, m: &Message) -> bool {
        m.pinned_to.as_ref().is_some_and(|p| !p.is_empty())
            || m.reactions
                .iter()
                .flatten()
                .any(|r| self.reactions.contains(&reaction_name(&r.name)))
    }

    fn body(&self, m: &Message) -> String {
        let text = text::render(m.text.as_deref().unwrap_or_default(), &self.names);
        if !text.is_empty() {
            return text;
        }
        let files: Vec<&str> = (m.files.iter().flatten())
            .filter_map(|f| f.name.as_deref().or(f.title.as_deref()))
            .collect();
        match files.as_slice() {
            [] => {}
            [one] => return text::one_line(&format!("shared a file: {one}")),
            many => {
                return text::one_line(&format!(
                    "shared {} files: {}",
                    many.len(),
                    many.join(", ")
                ));
            }
        }
        let attached = (m.attachments.iter().flatten())
            .find_map(|a| {
                [&a.title, &a.fallback, &a.text, &a.pretext]
                    .into_iter()
                    .find_map(|t| t.as_deref().filter(|t| !t.trim().is_empty()))
            })
            .map(|t| text::render(t, &self.names));
        match attached {
            Some(t) => format!("shared an attachment: {t}"),
            None => String::new(),
        }
    }

    fn author(&self, m: &Message, bot: bool) -> String {
        let from_user = m.user.as_deref().map(|u| self.names.user(u));
        let from_bot = || {
            m.username
                .as_deref()
                .or(m.bot_profile.as_ref().and_then(|b| b.name.as_deref()))
                .or(m.bot_id.as_deref())
        };
        let name = if bot {
            from_bot().or(from_user)
        } else {
            from_user.or_else(from_bot)
        };
        text::one_line(name.unwrap_or("someone"))
    }

    /// The kind `config.kinds` gives the first matching reaction, else the leading word.
    fn kind(&self, m: &Message, body: &str) -> EntryKind {
        if self.kinds.is_empty() {
            return EntryKind::Note;
        }
        let by_reaction =
            (m.reactions.iter().flatten()).find_map(|r| self.kinds.get(&reaction_name(&r.name)));
        let word = body
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        by_reaction
            .or_else(|| self.kinds.get(&word))
            .copied()
            .unwrap_or_default()
    }
}

/// `+1::skin-tone-2` → `+1`.
fn reaction_name(name: &str) -> String {
    name.split("::").next().unwrap_or(name).to_ascii_lowercase()
}

fn classify(m: &Message) -> Class {
    if m.hidden == Some(true) {
        return Class::Skip("deleted or hidden message", "deleted or hidden messages");
    }
    match m.subtype.as_deref() {
        None | Some("thread_broadcast" | "me_message" | "file_share" | "reply_broadcast") => {
            if m.bot_id.is_some() {
                Class::Bot
            } else {
                Class::Person
            }
        }
        Some("bot_message") => Class::Bot,
        Some("tombstone" | "message_deleted") => {
            Class::Skip("deleted or hidden message", "deleted or hidden messages")
        }
        Some(
            "channel_join" | "channel_leave" | "group_join" | "group_leave" | "channel_archive"
            | "channel_unarchive" | "group_archive" | "group_unarchive",
        ) => Class::Skip("join, leave or archival", "joins, leaves and archivals"),
        Some(
            "channel_topic" | "channel_purpose" | "channel_name" | "group_topic" | "group_purpose"
            | "group_name",
        ) => Class::Skip(
            "topic, purpose or name change",
            "topic, purpose and name changes",
        ),
        Some(_) => Class::Other,
    }
}

/// `1763647752.000200` → 2026-11-20T14:09:12Z. The digits after the point tell messages
/// of one second apart (Slack's ids), so the time is the whole second.
fn parse_ts(ts: &str) -> Option<Timestamp> {
    let (secs, fraction) = ts.split_once('.').unwrap_or((ts, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(secs) || !digits(fraction) || secs.len() > 12 {
        return None;
    }
    let at = DateTime::from_timestamp(secs.parse().ok()?, 0)?;
    let utc = FixedOffset::east_opt(0)?;
    (at.timestamp() < 253_402_300_800).then(|| at.with_timezone(&utc))
}

/// The offset of the first value (after white space and a byte-order mark).
fn first_value(bytes: &[u8]) -> usize {
    let start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    start
        + bytes[start..]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(bytes.len() - start)
}

/// The line (from 1) where each element of the array at `open` starts. The JSON is
/// already known to be valid, so counting brackets outside strings is exact.
fn element_lines(bytes: &[u8], open: usize) -> Vec<usize> {
    let mut lines = Vec::new();
    if bytes.get(open) != Some(&b'[') {
        return lines;
    }
    let mut line = 1 + bytes[..open].iter().filter(|&&b| b == b'\n').count();
    let mut depth = 0usize;
    let mut expecting = true;
    let mut i = open + 1;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => line += 1,
            b' ' | b'\t' | b'\r' => {}
            b'"' => {
                if depth == 0 && expecting {
                    lines.push(line);
                    expecting = false;
                }
                i = skip_string(bytes, i);
                continue;
            }
            b'[' | b'{' => {
                if depth == 0 && expecting {
                    lines.push(line);
                    expecting = false;
                }
                depth += 1;
            }
            b']' | b'}' => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            b',' if depth == 0 => expecting = true,
            _ => {
                if depth == 0 && expecting {
                    lines.push(line);
                    expecting = false;
                }
            }
        }
        i += 1;
    }
    lines
}

/// The offset after the string starting at `i` (its opening quote).
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// Where the value of `key` in the object at `open` starts.
fn key_value(bytes: &[u8], open: usize, key: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open + 1;
    let mut last_key: Option<(usize, usize)> = None;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let end = skip_string(bytes, i);
                if depth == 0 {
                    last_key = Some((i + 1, end - 1));
                }
                i = end;
                continue;
            }
            b':' if depth == 0 => {
                if let Some((from, to)) = last_key.take()
                    && &bytes[from..to] == key
                {
                    let value = i
                        + 1
                        + bytes[i + 1..]
                            .iter()
                            .position(|b| !b.is_ascii_whitespace())?;
                    return Some(value);
                }
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                if depth == 0 {
                    return None;
                }
                depth -= 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[derive(Deserialize)]
struct Conversation<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct User<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    real_name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    profile: Option<Profile<'a>>,
}

impl User<'_> {
    /// The display name, else the real name, else the user name (`li.wei`).
    fn name(&self) -> Option<&str> {
        let profile = self.profile.as_ref();
        [
            profile.and_then(|p| p.display_name.as_deref()),
            profile.and_then(|p| p.real_name.as_deref()),
            self.real_name.as_deref(),
            self.name.as_deref(),
        ]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|n| !n.is_empty())
    }
}

#[derive(Deserialize)]
struct Profile<'a> {
    #[serde(borrow, default)]
    display_name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    real_name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
}

impl Profile<'_> {
    fn name(&self) -> Option<&str> {
        [&self.display_name, &self.real_name, &self.name]
            .into_iter()
            .filter_map(|n| n.as_deref())
            .map(str::trim)
            .find(|n| !n.is_empty())
    }
}

/// Who wrote a message, and their profile: the first pass over a day file.
#[derive(Deserialize)]
struct Author<'a> {
    #[serde(borrow, default)]
    user: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    user_profile: Option<Profile<'a>>,
}

#[derive(Deserialize)]
struct Response<'a> {
    #[serde(default)]
    ok: Option<bool>,
    #[serde(borrow, default)]
    error: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    messages: Option<Vec<Message<'a>>>,
}

#[derive(Deserialize)]
struct Message<'a> {
    #[serde(borrow, default)]
    ts: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    user: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    subtype: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    bot_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    username: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    bot_profile: Option<BotProfile<'a>>,
    #[serde(borrow, default)]
    user_profile: Option<Profile<'a>>,
    #[serde(default)]
    pinned_to: Option<Vec<IgnoredAny>>,
    #[serde(borrow, default)]
    reactions: Option<Vec<Reaction<'a>>>,
    #[serde(borrow, default)]
    files: Option<Vec<SharedFile<'a>>>,
    #[serde(borrow, default)]
    attachments: Option<Vec<Attachment<'a>>>,
    #[serde(borrow, default)]
    permalink: Option<Cow<'a, str>>,
    #[serde(default)]
    hidden: Option<bool>,
}

#[derive(Deserialize)]
struct BotProfile<'a> {
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Reaction<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
}

#[derive(Deserialize)]
struct SharedFile<'a> {
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    title: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Attachment<'a> {
    #[serde(borrow, default)]
    title: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    fallback: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pretext: Option<Cow<'a, str>>,
}

#[cfg(test)]
mod tests;
