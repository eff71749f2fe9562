//! `--format auto`: which source an export is, from its shape, cheaply. A JSON file is read
//! as a stream whose top-level keys are collected while every value is skipped (a 60 MB
//! Slack API dump never becomes a tree); a folder is recognised by its file names.

use std::cell::RefCell;
use std::fmt;
use std::io::{BufReader, Read};
use std::path::Path;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::Format;

/// What the summary says was recognised: `a PagerDuty log`.
pub fn describe(format: Format) -> &'static str {
    match format {
        Format::Auto => "an export",
        Format::Csv => "a CSV file",
        Format::Jsonl => "JSON lines",
        Format::Slack => "a Slack export",
        Format::Pagerduty => "a PagerDuty log",
        Format::Alertmanager => "an Alertmanager or Grafana notification",
        Format::Statuspage => "a Statuspage incident",
    }
}

/// Recognises the source at `path` (a file or a folder) from its shape. An unknown shape is
/// an error naming the formats and what was seen.
pub fn detect(path: &Path) -> Result<Format, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if meta.is_dir() {
        return if slack_folder(path) {
            Ok(Format::Slack)
        } else {
            Err(unknown(
                path,
                "a folder without channels.json, users.json or channel folders of YYYY-MM-DD.json",
            ))
        };
    }
    let open = || std::fs::File::open(path).map_err(|e| format!("cannot read {shown}: {e}"));
    let mut head = Vec::with_capacity(4096);
    open()?
        .take(4096)
        .read_to_end(&mut head)
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    if head.starts_with(b"PK\x03\x04") {
        return Ok(Format::Slack);
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        None => Err(format!("{shown} is empty")),
        Some(b'{' | b'[') => {
            let mut reader = BufReader::new(open()?);
            if head.starts_with(b"\xEF\xBB\xBF") {
                let mut bom = [0; 3];
                let _ = reader.read_exact(&mut bom);
            }
            json(path, reader)
        }
        Some(_) => csv_shape(path, text),
    }
}

fn unknown(path: &Path, seen: &str) -> String {
    format!(
        "{}: cannot tell what this is: {seen}. Expected a Slack export (a .zip, a folder or an API response), a PagerDuty log, an Alertmanager or Grafana notification, a Statuspage incident, JSON lines (time, text) or CSV (time,text); name it with --format {}",
        path.display(),
        Format::NAMES[1..].join("|")
    )
}

/// A Slack export folder: its index files, or channel folders of day files (or one).
fn slack_folder(dir: &Path) -> bool {
    const INDEX: &[&str] = &[
        "channels.json",
        "users.json",
        "groups.json",
        "mpims.json",
        "dms.json",
    ];
    if INDEX.iter().any(|f| dir.join(f).is_file()) {
        return true;
    }
    let holds_days = |d: &Path| {
        std::fs::read_dir(d).is_ok_and(|entries| {
            entries
                .flatten()
                .take(1000)
                .any(|e| is_day_file(&e.file_name().to_string_lossy()))
        })
    };
    if holds_days(dir) {
        return true;
    }
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .take(200)
            .any(|e| e.path().is_dir() && holds_days(&e.path()))
    })
}

/// `2026-11-20.json`.
fn is_day_file(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".json") else {
        return false;
    };
    stem.len() == 10 && chrono::NaiveDate::parse_from_str(stem, "%Y-%m-%d").is_ok()
}

/// The top-level shape of one JSON value: its keys (of an object, or of an array's first
/// element) and the string value of `type`, nothing else.
#[derive(Debug, Default)]
struct Shape {
    array: bool,
    /// An array with no element, or a value that is not an object.
    other: Option<&'static str>,
    keys: Vec<String>,
    kind: Option<String>,
}

impl Shape {
    fn has(&self, key: &str) -> bool {
        self.keys.iter().any(|k| k == key)
    }

    fn seen(&self) -> String {
        if let Some(other) = self.other {
            return other.to_string();
        }
        let mut keys: Vec<&str> = self.keys.iter().map(String::as_str).take(12).collect();
        if self.keys.len() > 12 {
            keys.push("…");
        }
        let keys = if keys.is_empty() {
            "no keys".to_string()
        } else {
            format!("keys {}", keys.join(", "))
        };
        if self.array {
            format!("a JSON array of objects with {keys}")
        } else {
            format!("a JSON object with {keys}")
        }
    }
}

/// Reads the shape of a value. At the top level it stops as soon as the keys read so far
/// say what the file is (`{"ok": true, "messages": [` is a Slack API response, whatever
/// 60 MB follow): the shape goes into `found` and reading ends with the error [`STOP`].
struct ShapeVisitor<'a> {
    top: Option<&'a RefCell<Option<Shape>>>,
}

/// The error message that ends reading once the shape is known.
const STOP: &str = "pirt: shape recognised";

macro_rules! not_an_object {
    ($($method:ident: $t:ty => $what:literal),* $(,)?) => {
        $(fn $method<E: de::Error>(self, _: $t) -> Result<Shape, E> {
            Ok(Shape { other: Some($what), ..Shape::default() })
        })*
    };
}

impl<'de> Visitor<'de> for ShapeVisitor<'_> {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    not_an_object! {
        visit_bool: bool => "a JSON boolean",
        visit_i64: i64 => "a JSON number",
        visit_u64: u64 => "a JSON number",
        visit_f64: f64 => "a JSON number",
        visit_str: &str => "a JSON string",
    }

    fn visit_unit<E: de::Error>(self) -> Result<Shape, E> {
        Ok(Shape {
            other: Some("JSON null"),
            ..Shape::default()
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut shape = Shape::default();
        while let Some(key) = map.next_key::<String>()? {
            let is_type = key == "type";
            if shape.keys.len() < 64 && !shape.keys.contains(&key) {
                shape.keys.push(key);
            }
            // The keys decide before their values are read; `type` by its value.
            if is_type {
                shape.kind = map.next_value::<MaybeText>()?.0;
            }
            if let Some(found) = self.top
                && classify(&shape).is_some()
            {
                *found.borrow_mut() = Some(shape);
                return Err(de::Error::custom(STOP));
            }
            if !is_type {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(shape)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        let Some(found) = self.top else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            // An array inside the array: no object, whatever it holds.
            return Ok(Shape {
                other: Some("a JSON array"),
                ..Shape::default()
            });
        };
        let first = seq.next_element_seed(ShapeSeed)?;
        // The first element says what the array holds: the rest is not read.
        *found.borrow_mut() = Some(match first {
            Some(inner) if inner.other.is_none() => Shape {
                array: true,
                ..inner
            },
            Some(_) => Shape {
                other: Some("a JSON array of values that are not objects"),
                ..Shape::default()
            },
            None => Shape {
                other: Some("an empty JSON array"),
                ..Shape::default()
            },
        });
        Err(de::Error::custom(STOP))
    }
}

struct ShapeSeed;

impl<'de> de::DeserializeSeed<'de> for ShapeSeed {
    type Value = Shape;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Shape, D::Error> {
        d.deserialize_any(ShapeVisitor { top: None })
    }
}

/// A string value, or nothing for any other value (which is skipped).
struct MaybeText(Option<String>);

impl<'de> de::Deserialize<'de> for MaybeText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MaybeText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<MaybeText, E> {
                Ok(MaybeText(Some(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<MaybeText, E> {
                Ok(MaybeText(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<MaybeText, E> {
                Ok(MaybeText(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<MaybeText, E> {
                Ok(MaybeText(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<MaybeText, E> {
                Ok(MaybeText(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<MaybeText, E> {
                Ok(MaybeText(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MaybeText, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(MaybeText(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<MaybeText, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(MaybeText(None))
            }
        }
        d.deserialize_any(V)
    }
}

fn json(path: &Path, reader: impl Read) -> Result<Format, String> {
    let bad = |e: serde_json::Error| {
        let at = format!(" at line {} column {}", e.line(), e.column());
        let what = e.to_string();
        format!(
            "{}:{}:{}: not valid JSON: {}",
            path.display(),
            e.line(),
            e.column(),
            what.strip_suffix(&at).unwrap_or(&what)
        )
    };
    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_reader(reader);
    let read = de.deserialize_any(ShapeVisitor { top: Some(&found) });
    let (first, lines) = match (read, found.into_inner()) {
        // Known before the end: whether more values follow does not matter.
        (_, Some(shape)) => (shape, false),
        (Ok(shape), None) => {
            // A second value after the first makes JSON lines (its errors are the reader's).
            let more = de.end().is_err();
            (shape, more)
        }
        (Err(e), None) => return Err(bad(e)),
    };
    let named_lines = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson")
    );
    if let Some(format) = classify(&first) {
        return Ok(format);
    }
    if (lines || named_lines) && !first.array && first.other.is_none() {
        return Ok(Format::Jsonl);
    }
    Err(unknown(path, &first.seen()))
}

/// The source a value's shape belongs to, as documented by each service.
fn classify(shape: &Shape) -> Option<Format> {
    if shape.other.is_some() {
        return None;
    }
    let log_entry = shape
        .kind
        .as_deref()
        .is_some_and(|t| t.ends_with("_log_entry"));
    let payload = |shape: &Shape| {
        shape.has("alerts")
            && ["version", "receiver", "status", "groupKey", "commonLabels"]
                .iter()
                .any(|k| shape.has(k))
    };
    let pages = |shape: &Shape| {
        ["log_entries", "log_entry", "notes"]
            .iter()
            .any(|k| shape.has(k))
    };
    if shape.array {
        // `GET /log_entries` items, `GET /api/v2/alerts`, the manage API's incident list,
        // a Slack export's day file; pages of a PagerDuty log and webhook payloads
        // concatenated as one array.
        return if log_entry || pages(shape) {
            Some(Format::Pagerduty)
        } else if payload(shape) {
            Some(Format::Alertmanager)
        } else if shape.has("incident_updates") {
            Some(Format::Statuspage)
        } else if shape.has("fingerprint") && shape.has("labels") {
            Some(Format::Alertmanager)
        } else if shape.has("ts") && (shape.kind.as_deref() == Some("message")) {
            Some(Format::Slack)
        } else if (shape.has("time") || shape.has("at")) && shape.has("text") {
            Some(Format::Jsonl)
        } else {
            None
        };
    }
    let has = |k: &str| shape.has(k);
    if has("messages") && has("ok") {
        Some(Format::Slack)
    } else if pages(shape) || log_entry {
        Some(Format::Pagerduty)
    } else if payload(shape) {
        Some(Format::Alertmanager)
    } else if has("incidents") || has("incident") || has("incident_updates") {
        Some(Format::Statuspage)
    } else if (has("time") || has("at")) && has("text") {
        Some(Format::Jsonl)
    } else {
        None
    }
}

fn csv_shape(path: &Path, head: &[u8]) -> Result<Format, String> {
    // The head may end inside a character: only an invalid sequence before that counts.
    if std::str::from_utf8(head).is_err_and(|e| e.error_len().is_some()) {
        return Err(unknown(path, "a file that is not UTF-8 text"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(head);
    let columns = reader
        .records()
        .flatten()
        .find(|r| !r.iter().all(|f| f.trim().is_empty()))
        .map_or(0, |r| r.len());
    if columns >= 2 {
        Ok(Format::Csv)
    } else {
        Err(unknown(
            path,
            &format!("text whose first row has {columns} column(s)"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect_text(name: &str, text: &str) -> Result<Format, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        detect(&path).map_err(|e| e.replace(&dir.path().display().to_string(), "DIR"))
    }

    #[test]
    fn each_documented_shape() {
        for (name, text, want) in [
            (
                "a.json",
                r#"{"ok": true, "messages": [{"type": "message", "ts": "1.2"}], "has_more": false}"#,
                Format::Slack,
            ),
            (
                "a.json",
                r#"[{"type": "message", "user": "U1", "text": "hi", "ts": "1763647752.000200"}]"#,
                Format::Slack,
            ),
            (
                "a.json",
                r#"{"log_entries": [], "limit": 25, "offset": 0, "more": false}"#,
                Format::Pagerduty,
            ),
            (
                "a.json",
                r#"[{"id": "R1", "type": "acknowledge_log_entry", "created_at": "2026-11-20T14:11:04Z"}]"#,
                Format::Pagerduty,
            ),
            (
                "a.json",
                r#"[{"log_entries": [], "limit": 100, "offset": 0, "more": true}, {"log_entries": []}]"#,
                Format::Pagerduty,
            ),
            (
                "a.json",
                r#"[{"receiver": "pirt-log", "status": "firing", "alerts": [], "version": "4"}]"#,
                Format::Alertmanager,
            ),
            (
                "a.jsonl",
                "{\"id\": \"R1\", \"type\": \"trigger_log_entry\"}\n{\"id\": \"R2\", \"type\": \"notify_log_entry\"}\n",
                Format::Pagerduty,
            ),
            (
                "a.json",
                r#"{"notes": [{"id": "N1", "content": "x"}]}"#,
                Format::Pagerduty,
            ),
            (
                "a.json",
                r#"{"version": "4", "groupKey": "{}:{}", "status": "firing", "receiver": "r", "alerts": []}"#,
                Format::Alertmanager,
            ),
            (
                "a.json",
                r#"{"receiver": "grafana", "status": "resolved", "orgId": 1, "alerts": [{"status": "resolved"}], "title": "x"}"#,
                Format::Alertmanager,
            ),
            (
                "a.jsonl",
                "{\"receiver\": \"r\", \"status\": \"firing\", \"alerts\": []}\n{\"receiver\": \"r\", \"status\": \"resolved\", \"alerts\": []}\n",
                Format::Alertmanager,
            ),
            (
                "a.json",
                r#"[{"fingerprint": "f1", "labels": {"alertname": "X"}, "startsAt": "2026-11-20T14:05:00Z"}]"#,
                Format::Alertmanager,
            ),
            (
                "a.json",
                r#"{"page": {"id": "p"}, "incidents": [{"id": "i", "incident_updates": []}]}"#,
                Format::Statuspage,
            ),
            (
                "a.json",
                r#"{"incident": {"id": "i"}, "meta": {}}"#,
                Format::Statuspage,
            ),
            (
                "a.json",
                r#"{"id": "i", "name": "x", "incident_updates": []}"#,
                Format::Statuspage,
            ),
            (
                "a.json",
                r#"[{"id": "i", "incident_updates": []}]"#,
                Format::Statuspage,
            ),
            (
                "a.jsonl",
                "{\"time\": \"14:20\", \"text\": \"x\"}\n{\"at\": \"14:25\", \"text\": \"y\"}\n",
                Format::Jsonl,
            ),
            (
                "a.json",
                "{\n  \"at\": \"14:20\",\n  \"text\": \"x\"\n}\n",
                Format::Jsonl,
            ),
            ("a.jsonl", "{\"time\": \"14:20\"}\n", Format::Jsonl),
            ("a.csv", "time,text\n14:20,x\n", Format::Csv),
            ("a.txt", "\u{feff}\n14:20,\"x, y\"\n", Format::Csv),
            ("a.zip", "PK\u{3}\u{4}rest", Format::Slack),
        ] {
            assert_eq!(detect_text(name, text), Ok(want), "{text}");
        }
    }

    #[test]
    fn unknown_shapes_say_what_was_seen() {
        let err = detect_text("a.json", r#"{"data": [1, 2], "meta": {"type": "x"}}"#).unwrap_err();
        assert!(err.starts_with("DIR/a.json: cannot tell what this is: a JSON object with keys data, meta. Expected a Slack export"), "{err}");
        assert!(
            err.ends_with("--format csv|jsonl|slack|pagerduty|alertmanager|statuspage"),
            "{err}"
        );
        for (text, seen) in [
            ("[]", "an empty JSON array"),
            ("[1, 2]", "a JSON array of values that are not objects"),
            (
                "[[{\"log_entries\": []}]]",
                "a JSON array of values that are not objects",
            ),
            ("[{\"x\": 1}]", "a JSON array of objects with keys x"),
            ("just words\n", "text whose first row has 1 column(s)"),
        ] {
            let err = detect_text("a.json", text).unwrap_err();
            assert!(err.contains(seen), "{text}: {err}");
        }
        let bad = detect_text("a.json", "{\"ok\": true,\n  \"data\": [}\n").unwrap_err();
        assert!(
            bad.starts_with("DIR/a.json:2:12: not valid JSON: expected value"),
            "{bad}"
        );
        // Recognised from its first keys: the rest is the reader's to read (and refuse).
        let early = detect_text("a.json", "{\"ok\": true, \"messages\": [}");
        assert_eq!(early, Ok(Format::Slack));
        assert_eq!(
            detect_text("a.json", "  \n").unwrap_err(),
            "DIR/a.json is empty"
        );
    }

    #[test]
    fn slack_folders() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            detect(dir.path())
                .unwrap_err()
                .contains("a folder without channels.json")
        );
        std::fs::create_dir(dir.path().join("inc-checkout")).unwrap();
        std::fs::write(dir.path().join("inc-checkout/2026-11-20.json"), "[]").unwrap();
        assert_eq!(detect(dir.path()), Ok(Format::Slack));
        assert_eq!(detect(&dir.path().join("inc-checkout")), Ok(Format::Slack));
        let index = tempfile::tempdir().unwrap();
        std::fs::write(index.path().join("channels.json"), "[]").unwrap();
        assert_eq!(detect(index.path()), Ok(Format::Slack));
    }
}
