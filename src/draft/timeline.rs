//! The `timeline` target: timeline entries read by the model from a transcript (a chat
//! log, meeting notes, an export rendered as text). The transcript is sent with line
//! numbers; the answer is a JSON list of `{at, kind, text, quote}`. Each proposal is
//! checked: a time that parses (a bare `14:09` in the configured zone, nearest the
//! incident), inside the window (an hour before the start to an hour after the
//! resolution, or now), a known kind, a one-line text, and a quote found on a line of the
//! transcript, which becomes its `source: transcript:LINE`. Nothing invalid is written.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use crate::review::clock::AnswerClock;
use crate::review::time::show;
use crate::review::{EntryKind, Review, TimelineEntry, Timestamp, entry_kind};

/// The most entries one answer may add: a model stuck in a loop must not flood the file.
pub const MAX_NEW_ENTRIES: usize = 50;

/// The longest entry text, in characters.
const MAX_TEXT: usize = 300;

/// The shortest quote, in characters (`ok` would be found on any line).
const MIN_QUOTE: usize = 4;

/// The prefix of the `source:` of an entry read from a transcript.
pub const SOURCE: &str = "transcript:";

/// A transcript read from `--from PATH`.
#[derive(Clone, Debug)]
pub struct Transcript {
    pub path: PathBuf,
    pub text: String,
}

impl Transcript {
    /// Reads the file, bounded by `[check] max_file_mb` like every reader; UTF-8 only.
    pub fn load(path: &Path, max_mb: u64) -> anyhow::Result<Self> {
        let text = crate::review::read_text(path, max_mb)?;
        if text.trim().is_empty() {
            anyhow::bail!("{}: the transcript is empty", path.display());
        }
        Ok(Transcript {
            path: path.to_path_buf(),
            text,
        })
    }

    fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
    }

    /// The text as the prompt shows it: each line after its number (`12: text`).
    pub fn numbered(&self) -> String {
        self.lines()
            .map(|(n, l)| format!("{n}: {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The first line holding `quote` (compared without case and with runs of white space
    /// as one space). A quote copied with its line number (`12: text`) is found too.
    pub fn find_quote(&self, quote: &str) -> Option<usize> {
        let first = quote.lines().map(str::trim).find(|l| !l.is_empty())?;
        let first = first.trim_matches(['"', '“', '”', '\'', '`']).trim();
        let wanted = normal(first);
        let found = |wanted: &str| {
            (wanted.chars().count() >= MIN_QUOTE)
                .then(|| self.lines().find(|(_, l)| normal(l).contains(wanted)))
                .flatten()
                .map(|(n, _)| n)
        };
        found(&wanted).or_else(|| {
            // `12: text` or `12| text`: the number this prompt put in front of the line.
            let (number, rest) = first.split_once([':', '|'])?;
            let n: usize = number.trim().parse().ok()?;
            let line = found(&normal(rest.trim()))?;
            (line == n).then_some(line)
        })
    }
}

fn normal(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The JSON schema asked for from providers with structured output.
pub fn schema() -> Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "timeline": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "at": {"type": "string"},
                        "kind": {"type": "string", "enum": EntryKind::NAMES},
                        "text": {"type": "string"},
                        "quote": {"type": "string"}
                    },
                    "required": ["at", "kind", "text", "quote"]
                }
            }
        },
        "required": ["timeline"]
    })
}

/// A proposal, judged.
#[derive(Clone, Debug, PartialEq)]
pub enum Checked {
    /// An entry to add, with `source: transcript:LINE`.
    Valid(TimelineEntry),
    /// Not usable: the proposal as the model wrote it (shortened), and why.
    Rejected { item: String, reason: String },
}

/// Reads the proposals of an answer: plain JSON, a fenced ```json block, or the first JSON
/// value in the text; `{"timeline": [...]}` (or any one list) or a bare list. An answer
/// with no list gives its complete objects.
pub fn proposals(answer: &str) -> Result<Vec<Value>, String> {
    let list = match super::write::find_json(answer) {
        Some(Value::Array(items)) => items,
        Some(Value::Object(map))
            if map.values().any(Value::is_array) && !map.contains_key("at") =>
        {
            match map
                .get("timeline")
                .or_else(|| map.get("entries"))
                .or_else(|| map.values().find(|v| v.is_array()))
            {
                Some(Value::Array(items)) => items.clone(),
                _ => Vec::new(),
            }
        }
        Some(one @ Value::Object(_)) => vec![one],
        _ => super::write::complete_objects_with(answer, "at"),
    };
    if list.is_empty() {
        let start: String = answer.trim().chars().take(120).collect();
        return Err(format!(
            "the answer holds no JSON list of timeline entries (it starts: {start:?})"
        ));
    }
    Ok(list)
}

/// What a proposal is judged against: the transcript, the clock that reads its times, and
/// the window they must fall in.
pub struct Judge<'a> {
    transcript: &'a Transcript,
    clock: AnswerClock,
    zone: Tz,
    from: Option<Timestamp>,
    until: Timestamp,
    /// Lines already taken by this answer.
    taken: Vec<usize>,
}

impl<'a> Judge<'a> {
    /// A bare time is read in `zone`, nearest the incident (its start to its latest known
    /// time), each later one nearest the entry before. The window: an hour before
    /// `started_at` to an hour after `resolved_at` (now, while unresolved).
    pub fn new(transcript: &'a Transcript, review: &Review, zone: Tz, now: DateTime<Utc>) -> Self {
        let known: Vec<Timestamp> = [
            review.started_at,
            review.detected_at,
            review.acknowledged_at,
            review.mitigated_at,
            review.resolved_at,
        ]
        .into_iter()
        .flatten()
        .chain(review.timeline.iter().map(|e| e.at))
        .collect();
        let lo = review.started_at.or_else(|| known.iter().min().copied());
        let reference = lo.map(|lo| (lo, known.iter().copied().max().unwrap_or(lo).max(lo)));
        let hour = Duration::hours(1);
        let until = review
            .resolved_at
            .map_or_else(|| now.fixed_offset(), |r| r + hour);
        Judge {
            transcript,
            clock: AnswerClock::timeline(zone, reference, now),
            zone,
            from: review.started_at.map(|s| s - hour),
            until,
            taken: Vec::new(),
        }
    }

    /// Judges one proposal; a valid one moves the clock (later bare times are read near it).
    pub fn check(&mut self, value: &Value) -> Checked {
        match self.entry(value) {
            Ok(entry) => Checked::Valid(entry),
            Err(reason) => Checked::Rejected {
                item: shown(value),
                reason,
            },
        }
    }

    fn entry(&mut self, value: &Value) -> Result<TimelineEntry, String> {
        let Value::Object(map) = value else {
            return Err("not an object with at, kind, text and quote".into());
        };
        let field = |name: &str| match map.get(name) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim()),
            Some(Value::String(_)) => Err(format!("`{name}` is empty")),
            Some(_) => Err(format!("`{name}` is not text")),
            None => Err(format!("no `{name}`")),
        };
        let (at, kind, text, quote) = (
            field("at")?,
            field("kind")?,
            field("text")?,
            field("quote")?,
        );
        if text.contains(['\n', '\r']) {
            return Err("the text is more than one line".into());
        }
        if text.chars().count() > MAX_TEXT {
            return Err(format!("the text is longer than {MAX_TEXT} characters"));
        }
        let kind = entry_kind(kind)?;
        let line = self.transcript.find_quote(quote).ok_or_else(|| {
            format!(
                "the quote is not a line of {}",
                self.transcript.path.display()
            )
        })?;
        if self.taken.contains(&line) {
            return Err(format!(
                "line {line} is already the source of another entry"
            ));
        }
        let ts = self.time(at)?;
        self.clock.take(at).map_err(|e| format!("`at`: {e}"))?;
        self.taken.push(line);
        Ok(TimelineEntry {
            at: ts,
            kind,
            text: text.to_string(),
            source: Some(format!("{SOURCE}{line}")),
        })
    }

    /// A time as the transcript says it: a clock time or a full date and time, not
    /// relative (`now`, `+5m`, `yesterday`), inside the window.
    fn time(&self, at: &str) -> Result<Timestamp, String> {
        let lower = at.to_ascii_lowercase();
        let relative = ["now", "today", "yesterday", "tomorrow", "ago"];
        if at.starts_with('+') || relative.iter().any(|w| lower.contains(w)) {
            return Err(format!(
                "`at` `{at}` is relative; write the time the transcript says"
            ));
        }
        let ts = self
            .clock
            .peek(at)
            .map_err(|e| format!("`at` `{at}`: {e}"))?;
        let outside = self.from.is_some_and(|f| ts < f) || ts > self.until;
        if outside {
            let from = self
                .from
                .map_or_else(|| "the start".to_string(), |f| show(&f, self.zone));
            return Err(format!(
                "`at` `{at}` is {}, outside the incident window ({from} to {})",
                show(&ts, self.zone),
                show(&self.until, self.zone)
            ));
        }
        Ok(ts)
    }
}

/// A proposal as the model wrote it, at most 100 characters.
fn shown(value: &Value) -> String {
    let s = value.to_string();
    if s.chars().count() > 100 {
        s.chars().take(100).collect::<String>() + "…"
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transcript() -> Transcript {
        Transcript {
            path: "chat.txt".into(),
            text: "[14:05] ana: checkout p99 is over 2s\r\n[14:09] li.wei: paging the DB on-call\n\n[14:41] li.wei: rolled back 4812, errors dropping\n".into(),
        }
    }

    fn review() -> Review {
        let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap();
        Review {
            started_at: Some(at("2026-11-20T14:02:00Z")),
            resolved_at: Some(at("2026-11-20T16:30:00Z")),
            ..Review::default()
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-11-25T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn quotes_are_found_by_their_line() {
        let t = transcript();
        assert_eq!(t.find_quote("paging the DB on-call"), Some(2));
        assert_eq!(t.find_quote("  \"Rolled  back 4812\" "), Some(4));
        assert_eq!(t.find_quote("4: [14:41] li.wei: rolled back 4812"), Some(4));
        assert_eq!(t.find_quote("2: [14:41] li.wei: rolled back 4812"), None);
        assert_eq!(t.find_quote("the database was restarted"), None);
        assert_eq!(t.find_quote("ok"), None);
        assert!(
            t.numbered()
                .starts_with("1: [14:05] ana: checkout p99 is over 2s\n2: ")
        );
    }

    #[test]
    fn proposals_are_judged_one_by_one() {
        let t = transcript();
        let mut judge = Judge::new(&t, &review(), chrono_tz::UTC, now());
        let list = proposals(r#"{"timeline": [
            {"at": "14:09", "kind": "escalation", "text": "DB on-call paged.", "quote": "paging the DB on-call"},
            {"at": "2026-11-20T14:41:00Z", "kind": "Mitigation", "text": "Deploy 4812 rolled back.", "quote": "rolled back 4812"},
            {"at": "14:61", "kind": "note", "text": "x", "quote": "checkout p99"},
            {"at": "11:00", "kind": "note", "text": "x", "quote": "checkout p99"},
            {"at": "14:05", "kind": "alarm", "text": "x", "quote": "checkout p99"},
            {"at": "14:05", "kind": "detection", "text": "two\nlines", "quote": "checkout p99"},
            {"at": "14:05", "kind": "detection", "text": "x", "quote": "not in the log"},
            {"at": "+5m", "kind": "detection", "text": "x", "quote": "checkout p99"},
            {"at": "14:09", "kind": "note", "text": "again", "quote": "paging the DB"},
            "text"
        ]}"#).unwrap();
        let checked: Vec<Checked> = list.iter().map(|v| judge.check(v)).collect();
        let Checked::Valid(first) = &checked[0] else {
            panic!("{checked:?}")
        };
        assert_eq!(first.source.as_deref(), Some("transcript:2"));
        assert_eq!(first.at.to_rfc3339(), "2026-11-20T14:09:00+00:00");
        assert!(
            matches!(&checked[1], Checked::Valid(e) if e.kind == EntryKind::Mitigation && e.source.as_deref() == Some("transcript:4"))
        );
        let reasons: Vec<&str> = checked[2..]
            .iter()
            .map(|c| match c {
                Checked::Rejected { reason, .. } => reason.as_str(),
                Checked::Valid(e) => panic!("valid: {e:?}"),
            })
            .collect();
        assert!(reasons[0].starts_with("`at` `14:61`"), "{}", reasons[0]);
        assert!(
            reasons[1].contains(
                "outside the incident window (2026-11-20 13:02 UTC to 2026-11-20 17:30 UTC)"
            ),
            "{}",
            reasons[1]
        );
        assert!(
            reasons[2].starts_with("unknown kind `alarm`"),
            "{}",
            reasons[2]
        );
        assert_eq!(reasons[3], "the text is more than one line");
        assert_eq!(reasons[4], "the quote is not a line of chat.txt");
        assert!(reasons[5].contains("is relative"), "{}", reasons[5]);
        assert_eq!(reasons[6], "line 2 is already the source of another entry");
        assert_eq!(reasons[7], "not an object with at, kind, text and quote");
    }

    #[test]
    fn an_answer_without_a_list_is_an_error() {
        assert!(
            proposals("I could not find any events.")
                .unwrap_err()
                .starts_with("the answer holds no JSON list")
        );
        let cut = r#"{"timeline": [{"at": "14:09", "kind": "note", "text": "a", "quote": "b"}, {"at": "14:1"#;
        assert_eq!(proposals(cut).unwrap().len(), 1);
    }
}
