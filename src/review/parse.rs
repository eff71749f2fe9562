//! Building the typed model from the YAML tree, collecting every problem on the way.

use std::borrow::Cow;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Level};
use crate::pos::Spanned;
use crate::review::document::{self, Layout};
use crate::review::positions::{At, EntryAt, ItemAt, Named, Positions};
use crate::review::time::{parse_date, parse_rfc3339};
use crate::review::yaml::{self, Node, Pos, Value};
use crate::review::*;
use crate::rule_id::RuleId;

/// The result of parsing one file: the model (with defaults where the file was wrong),
/// where its values are written, the YAML tree (for edits), and every finding.
#[derive(Debug)]
pub struct ParsedFile {
    pub review: Review,
    /// Where the review's values are written (empty when there is no front matter).
    pub positions: Positions,
    /// The tree the model was read from, for byte-preserving edits of the file.
    /// `None` when the front matter could not be read at all.
    pub front_matter: Option<Node>,
    pub layout: Option<Layout>,
    pub diagnostics: Vec<Diagnostic>,
}

const REVIEW_KEYS: &[&str] = &[
    "id",
    "title",
    "status",
    "severity",
    "services",
    "tags",
    "authors",
    "incident_commander",
    "started_at",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "detection",
    "impact",
    "trigger",
    "timeline",
    "action_items",
    "problem",
    "related",
];

/// Parses a review file's text; severities are resolved against `scale` (the config's, or
/// a `Scale`). Never fails: problems are diagnostics.
pub fn parse_review(path: &Path, text: &str, scale: &(impl AsRef<Scale> + ?Sized)) -> ParsedFile {
    let scale = scale.as_ref();
    let mut reader = Reader::new(path);
    let Some((layout, root)) = reader.front_matter(text) else {
        return ParsedFile {
            review: Review::default(),
            positions: Positions::default(),
            front_matter: None,
            layout: None,
            diagnostics: reader.diagnostics,
        };
    };
    let mut review = Review::default();
    reader.positions.front_matter = root.pos;
    walk(&root, Some(""), &mut reader.positions);
    reader.unknown_keys(&root, REVIEW_KEYS, "", &mut review.extra);
    review.id = reader.required_string(&root, "id").unwrap_or_default();
    review.title = reader.required_string(&root, "title").unwrap_or_default();
    if let Some(status) = reader.required_choice(&root, "status", Status::NAMES) {
        review.status = Status::parse(&status).unwrap_or_default();
    }
    if let Some(severity) = reader.required_string(&root, "severity") {
        let node = root.get("severity").expect("read above");
        review.severity = scale.resolve(&severity);
        if review.severity.rank.is_none() {
            let d = reader
                .diag(
                    node.pos,
                    Level::Warning,
                    RuleId::SeverityScale,
                    format!("severity `{severity}` is not in the configured scale"),
                )
                .with_hint(format!("use one of: {}", scale.ids().join(", ")));
            reader.diagnostics.push(d);
        }
    }
    review.services = reader.string_list(&root, "services");
    review.tags = reader.string_list(&root, "tags");
    review.authors = reader.string_list(&root, "authors");
    review.incident_commander = reader.string(&root, "incident_commander");
    review.started_at = reader.timestamp(&root, "started_at");
    if root.get("started_at").is_none() {
        reader.missing(&root, "started_at");
    }
    review.detected_at = reader.timestamp(&root, "detected_at");
    review.acknowledged_at = reader.timestamp(&root, "acknowledged_at");
    review.mitigated_at = reader.timestamp(&root, "mitigated_at");
    review.resolved_at = reader.timestamp(&root, "resolved_at");
    review.detection = reader.detection(&root);
    review.impact = reader.impact(&root);
    review.trigger = reader.string(&root, "trigger");
    review.timeline = reader.timeline(&root);
    review.action_items = reader.action_items(&root);
    review.problem = reader.string(&root, "problem");
    review.related = reader.string_list(&root, "related");
    if let Some(Value::Seq(items)) = root.get("related").map(|n| &n.value) {
        reader.positions.related = items.iter().filter_map(text_of).collect();
    }
    review.sections = document::sections(&text[layout.body_start..], layout.body_first_line);
    reader.diagnostics.sort_by_key(|d| (d.line, d.column));
    ParsedFile {
        review,
        positions: reader.positions,
        front_matter: Some(root),
        layout: Some(layout),
        diagnostics: reader.diagnostics,
    }
}

impl ParsedFile {
    /// Every text value of the front matter with where it is, at any depth (also under
    /// unknown keys and in values of the wrong type), sorted by offset: for the rules that
    /// read words. Borrowed from the tree the parser kept, not copied.
    pub fn texts(&self) -> Vec<Spanned<&str>> {
        fn collect<'n>(node: &'n Node, out: &mut Vec<Spanned<&'n str>>) {
            match &node.value {
                Value::Str(s) => out.push(Spanned::new(s, node.pos)),
                Value::Seq(items) => items.iter().for_each(|n| collect(n, out)),
                Value::Map(entries) => entries.iter().for_each(|(_, v)| collect(v, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        if let Some(root) = &self.front_matter {
            collect(root, &mut out);
        }
        // In file order already but for aliases; stable, so equal positions keep theirs.
        out.sort_by_key(|t| t.pos.offset);
        out
    }
}

/// Reads typed values out of a YAML tree, turning every mismatch into a diagnostic.
pub(crate) struct Reader<'a> {
    path: &'a Path,
    pub diagnostics: Vec<Diagnostic>,
    positions: Positions,
}

impl<'a> Reader<'a> {
    pub fn new(path: &'a Path) -> Self {
        Reader {
            path,
            diagnostics: Vec::new(),
            positions: Positions::default(),
        }
    }

    pub fn diag(&self, pos: Pos, level: Level, rule: RuleId, message: String) -> Diagnostic {
        Diagnostic::new(self.path, pos, level, rule, message)
    }

    fn error(&mut self, pos: Pos, message: String, hint: Option<String>) {
        let mut d = self.diag(pos, Level::Error, RuleId::Schema, message);
        d.hint = hint;
        self.diagnostics.push(d);
    }

    /// Splits the file and parses its front matter into a mapping.
    pub fn front_matter(&mut self, text: &str) -> Option<(Layout, Node)> {
        let layout = match document::split(text) {
            Ok(layout) => layout,
            Err(e) => {
                let d = self.diag(e.pos, Level::Error, RuleId::YamlSyntax, e.message);
                self.diagnostics.push(d.with_hint(e.hint));
                return None;
            }
        };
        let root = match yaml::parse(&text[layout.yaml.clone()], layout.base()) {
            Ok(root) => root,
            Err(e) => {
                let d = self.diag(e.pos, Level::Error, RuleId::YamlSyntax, e.message);
                self.diagnostics.push(d);
                return None;
            }
        };
        if !matches!(root.value, Value::Map(_)) {
            let pos = if root.pos.line == 0 {
                Pos {
                    line: layout.yaml_first_line,
                    column: 1,
                    ..root.pos
                }
            } else {
                root.pos
            };
            let message = format!(
                "the front matter must be a mapping of keys to values, found {}",
                root.value.kind()
            );
            self.diagnostics
                .push(self.diag(pos, Level::Error, RuleId::YamlSyntax, message));
            return None;
        }
        Some((layout, root))
    }

    /// Reports keys not in `known` (with a suggestion) and keeps their values.
    pub fn unknown_keys(
        &mut self,
        map: &Node,
        known: &[&str],
        prefix: &str,
        extra: &mut BTreeMap<String, serde_json::Value>,
    ) {
        let Value::Map(entries) = &map.value else {
            return;
        };
        for (key, value) in entries {
            if known.contains(&key.name.as_str()) {
                continue;
            }
            let mut d = self.diag(
                key.pos,
                Level::Warning,
                RuleId::Schema,
                format!("unknown key `{prefix}{}`", key.name),
            );
            if let Some(best) = suggest(&key.name, known) {
                d = d.with_hint(format!("did you mean `{prefix}{best}`?"));
            }
            self.diagnostics.push(d);
            extra.insert(format!("{prefix}{}", key.name), value.to_json());
        }
    }

    /// A key every review needs at every status (`id`, `title`, `status`, `severity`,
    /// `started_at`; the JSON Schema's `required`): a `schema` error, never a warning, so
    /// that a draft without them cannot pass the gate.
    fn missing(&mut self, map: &Node, field: &str) {
        let d = self
            .diag(
                map.pos,
                Level::Error,
                RuleId::Schema,
                format!("required field `{field}` is missing"),
            )
            .with_hint(format!(
                "every review needs id, title, status, severity and started_at; add `{field}:` to the front matter"
            ));
        self.diagnostics.push(d);
    }

    pub fn required_string(&mut self, map: &Node, field: &str) -> Option<String> {
        if map.get(field).is_none_or(|n| n.value == Value::Null) {
            self.missing(map, field);
            return None;
        }
        self.string(map, field)
    }

    /// A scalar read as text; null counts as absent.
    pub fn string(&mut self, map: &Node, field: &str) -> Option<String> {
        let node = map.get(field)?;
        self.scalar_text(node, field)
    }

    fn scalar_text(&mut self, node: &Node, field: &str) -> Option<String> {
        match &node.value {
            Value::Null => None,
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => {
                self.error(
                    node.pos,
                    format!("`{field}` must be text, found {}", other.kind()),
                    None,
                );
                None
            }
        }
    }

    /// A list of strings; a single string is taken as a list of one.
    pub fn string_list(&mut self, map: &Node, field: &str) -> Vec<String> {
        let Some(node) = map.get(field) else {
            return Vec::new();
        };
        match &node.value {
            Value::Null => Vec::new(),
            Value::Seq(items) => items
                .iter()
                .filter_map(|item| self.scalar_text(item, field))
                .collect(),
            Value::Map(_) => {
                self.error(
                    node.pos,
                    format!("`{field}` must be a list of names, found a mapping"),
                    Some(format!("write `{field}: [a, b]`")),
                );
                Vec::new()
            }
            _ => self.scalar_text(node, field).into_iter().collect(),
        }
    }

    /// A value from a fixed set of names.
    pub fn choice(&mut self, map: &Node, field: &str, allowed: &[&str]) -> Option<String> {
        let node = map.get(field)?;
        let text = self.scalar_text(node, field)?;
        if allowed.contains(&text.as_str()) {
            return Some(text);
        }
        let hint = match suggest(&text, allowed) {
            Some(best) => format!("did you mean `{best}`? allowed: {}", allowed.join(", ")),
            None => format!("allowed: {}", allowed.join(", ")),
        };
        self.error(
            node.pos,
            format!("`{field}` has an unknown value `{text}`"),
            Some(hint),
        );
        None
    }

    fn required_choice(&mut self, map: &Node, field: &str, allowed: &[&str]) -> Option<String> {
        if map.get(field).is_none_or(|n| n.value == Value::Null) {
            self.missing(map, field);
            return None;
        }
        self.choice(map, field, allowed)
    }

    pub fn timestamp(&mut self, map: &Node, field: &str) -> Option<Timestamp> {
        let node = map.get(field)?;
        self.timestamp_of(node, field)
    }

    fn timestamp_of(&mut self, node: &Node, field: &str) -> Option<Timestamp> {
        let text = self.scalar_text(node, field)?;
        match parse_rfc3339(&text) {
            Ok(ts) => Some(ts),
            Err(e) => {
                self.error(
                    node.pos,
                    format!("`{field}`: {e}"),
                    Some("write an RFC 3339 time with an offset, e.g. 2026-11-20T14:02:00Z or 2026-11-20T15:02:00+01:00 (pirt timeline add and pirt new convert looser forms)".into()),
                );
                None
            }
        }
    }

    fn count(&mut self, map: &Node, field: &str) -> Option<u64> {
        let node = map.get(field)?;
        match &node.value {
            Value::Null => None,
            Value::Int(i) if *i >= 0 => Some(*i as u64),
            other => {
                self.error(
                    node.pos,
                    format!(
                        "`{field}` must be a whole number ≥ 0, found {}",
                        describe(other)
                    ),
                    None,
                );
                None
            }
        }
    }

    fn number(&mut self, map: &Node, field: &str) -> Option<f64> {
        let node = map.get(field)?;
        match &node.value {
            Value::Null => None,
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) if f.is_finite() => Some(*f),
            other => {
                self.error(
                    node.pos,
                    format!("`{field}` must be a number, found {}", describe(other)),
                    None,
                );
                None
            }
        }
    }

    /// A mapping field, or `None` (with a diagnostic when it is something else).
    pub fn mapping<'n>(&mut self, map: &'n Node, field: &str) -> Option<&'n Node> {
        let node = map.get(field)?;
        match &node.value {
            Value::Map(_) => Some(node),
            Value::Null => None,
            other => {
                self.error(
                    node.pos,
                    format!("`{field}` must be a mapping, found {}", other.kind()),
                    None,
                );
                None
            }
        }
    }

    fn list<'n>(&mut self, map: &'n Node, field: &str) -> &'n [Node] {
        let Some(node) = map.get(field) else {
            return &[];
        };
        match &node.value {
            Value::Seq(items) => items,
            Value::Null => &[],
            other => {
                self.error(
                    node.pos,
                    format!("`{field}` must be a list, found {}", other.kind()),
                    None,
                );
                &[]
            }
        }
    }

    fn detection(&mut self, root: &Node) -> Option<Detection> {
        let node = self.mapping(root, "detection")?;
        let mut extra = BTreeMap::new();
        self.unknown_keys(node, &["method", "source"], "detection.", &mut extra);
        let method = self
            .choice(node, "method", DetectionMethod::NAMES)
            .and_then(|m| DetectionMethod::parse(&m));
        let source = self.string(node, "source");
        Some(Detection { method, source })
    }

    fn impact(&mut self, root: &Node) -> Option<Impact> {
        let node = self.mapping(root, "impact")?;
        let mut extra = BTreeMap::new();
        let known = ["summary", "users_affected", "customer_tickets", "slo"];
        self.unknown_keys(node, &known, "impact.", &mut extra);
        let mut impact = Impact {
            summary: self.string(node, "summary"),
            users_affected: self.count(node, "users_affected"),
            customer_tickets: self.count(node, "customer_tickets"),
            slo: Vec::new(),
        };
        for item in self.list(node, "slo") {
            if !matches!(item.value, Value::Map(_)) {
                self.error(item.pos, format!("an `impact.slo` entry must be a mapping with `name` and `budget_consumed_pct`, found {}", item.value.kind()), None);
                continue;
            }
            self.unknown_keys(
                item,
                &["name", "budget_consumed_pct"],
                "impact.slo.",
                &mut extra,
            );
            let Some(name) = self.required_string(item, "name") else {
                continue;
            };
            let budget_consumed_pct = self.number(item, "budget_consumed_pct");
            impact.slo.push(SloImpact {
                name,
                budget_consumed_pct,
            });
        }
        Some(impact)
    }

    fn timeline(&mut self, root: &Node) -> Vec<TimelineEntry> {
        let mut out = Vec::new();
        let mut extra = BTreeMap::new();
        for item in self.list(root, "timeline") {
            if !matches!(item.value, Value::Map(_)) {
                self.error(
                    item.pos,
                    format!(
                        "a timeline entry must be a mapping with `at`, `kind` and `text`, found {}",
                        item.value.kind()
                    ),
                    None,
                );
                continue;
            }
            self.unknown_keys(
                item,
                &["at", "kind", "text", "source"],
                "timeline.",
                &mut extra,
            );
            let at = match item.get("at") {
                Some(node) => self.timestamp_of(node, "at"),
                None => {
                    self.missing(item, "at");
                    None
                }
            };
            let kind = self
                .choice(item, "kind", EntryKind::NAMES)
                .and_then(|k| EntryKind::parse(&k));
            let text = self.required_string(item, "text");
            let source = self.string(item, "source").filter(|s| !s.trim().is_empty());
            self.positions.timeline.push(EntryAt {
                at: at
                    .zip(item.get("at").filter(|n| n.as_str().is_some()))
                    .map(|(at, node)| Spanned::new(at, node.pos)),
                kind: named(item.get("kind"), kind),
                text: item
                    .get("text")
                    .filter(|n| n.as_str().is_some())
                    .map(|n| n.pos),
            });
            if let (Some(at), Some(text)) = (at, text) {
                let kind = kind.unwrap_or_default();
                out.push(TimelineEntry {
                    at,
                    kind,
                    text,
                    source,
                });
            }
        }
        out
    }

    fn action_items(&mut self, root: &Node) -> Vec<ActionItem> {
        let mut out = Vec::new();
        let mut extra = BTreeMap::new();
        let known = ["id", "title", "type", "owner", "due", "tracker", "status"];
        for item in self.list(root, "action_items") {
            if !matches!(item.value, Value::Map(_)) {
                self.error(
                    item.pos,
                    format!(
                        "an action item must be a mapping with `id`, `title`, `owner`, ..., found {}",
                        item.value.kind()
                    ),
                    None,
                );
                continue;
            }
            self.unknown_keys(item, &known, "action_items.", &mut extra);
            let id = self.required_string(item, "id");
            let title = self.required_string(item, "title");
            let kind = self
                .choice(item, "type", ActionType::NAMES)
                .and_then(|k| ActionType::parse(&k));
            let owner = self.string(item, "owner");
            let tracker = self.string(item, "tracker");
            let status = self
                .choice(item, "status", ACTION_STATUSES)
                .and_then(|s| ActionStatus::parse(&s));
            let due = item.get("due").and_then(|node| {
                let text = self.scalar_text(node, "due")?;
                parse_date(&text)
                    .map_err(|e| self.error(node.pos, format!("`due`: {e}"), None))
                    .ok()
            });
            let key = |name: &str| item.entry(name).map(|(k, v)| at(k, v));
            self.positions.action_items.push(ItemAt {
                pos: item.pos,
                id: item.get("id").and_then(Node::as_str).map(str::to_string),
                id_at: key("id"),
                title: item
                    .get("title")
                    .filter(|n| n.as_str().is_some())
                    .map(|n| n.pos),
                status: named(item.get("status"), status),
                due: due
                    .zip(item.get("due").filter(|n| n.as_str().is_some()))
                    .map(|(due, node)| Spanned::new(due, node.pos)),
                owner_at: key("owner"),
                type_at: key("type"),
                due_at: key("due"),
                tracker_at: key("tracker"),
            });
            if let (Some(id), Some(title)) = (id, title) {
                out.push(ActionItem {
                    id,
                    title,
                    kind,
                    owner,
                    due,
                    tracker,
                    status: status.unwrap_or_default(),
                });
            }
        }
        out
    }
}

/// A text value with its position.
fn text_of(node: &Node) -> Option<Spanned<String>> {
    node.as_str().map(|s| Spanned::new(s.to_string(), node.pos))
}

/// A name written as text, as the model read it (`parsed`: `None` when it is unknown).
fn named<T>(node: Option<&Node>, parsed: Option<T>) -> Option<Named<T>> {
    let written = node?.as_str()?;
    Some(match parsed {
        Some(value) => Named::Known(value),
        None => Named::Unknown(written.to_string()),
    })
}

fn at(key: &yaml::Key, value: &Node) -> At {
    At {
        key: key.pos,
        value: value.pos,
        blank: is_blank(value),
        text: matches!(value.value, Value::Str(_)),
    }
}

fn is_blank(node: &Node) -> bool {
    match &node.value {
        Value::Null => true,
        Value::Str(s) => s.trim().is_empty(),
        Value::Seq(items) => items.is_empty(),
        Value::Map(entries) => entries.iter().all(|(_, v)| is_blank(v)),
        _ => false,
    }
}

/// The keys of the model's mappings by their paths, so that a review's keys are recorded
/// without building their names again.
const NESTED_KEYS: &[(&str, &str, &str)] = &[
    ("detection", "method", "detection.method"),
    ("detection", "source", "detection.source"),
    ("impact", "summary", "impact.summary"),
    ("impact", "users_affected", "impact.users_affected"),
    ("impact", "customer_tickets", "impact.customer_tickets"),
    ("impact", "slo", "impact.slo"),
];

fn known_path(parent: &str, name: &str) -> Option<&'static str> {
    if parent.is_empty() {
        return REVIEW_KEYS.iter().find(|k| **k == name).copied();
    }
    NESTED_KEYS
        .iter()
        .find(|(p, n, _)| *p == parent && *n == name)
        .map(|(_, _, path)| *path)
}

/// Records every key of the mappings outside lists by its dotted path (`path`: the
/// mapping's own path; `None` inside a list). Returns whether `node` is blank.
fn walk(node: &Node, path: Option<&str>, out: &mut Positions) -> bool {
    match &node.value {
        Value::Null => true,
        Value::Str(s) => s.trim().is_empty(),
        Value::Seq(items) => {
            for item in items {
                walk(item, None, out);
            }
            items.is_empty()
        }
        Value::Map(entries) => {
            let mut blank = true;
            for (key, value) in entries {
                let Some(parent) = path else {
                    blank &= walk(value, None, out);
                    continue;
                };
                let full: Cow<'static, str> = match known_path(parent, &key.name) {
                    Some(known) => Cow::Borrowed(known),
                    None if parent.is_empty() => Cow::Owned(key.name.clone()),
                    None => Cow::Owned(format!("{parent}.{}", key.name)),
                };
                let slot = out.keys.len();
                let nested = matches!(value.value, Value::Map(_)).then(|| full.clone());
                let at = At {
                    key: key.pos,
                    value: value.pos,
                    blank: false,
                    text: matches!(value.value, Value::Str(_)),
                };
                out.keys.push((full, at));
                let value_blank = walk(value, nested.as_deref(), out);
                out.keys[slot].1.blank = value_blank;
                blank &= value_blank;
            }
            blank
        }
        _ => false,
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Str(s) => format!("the text `{s}`"),
        Value::Int(i) => format!("{i}"),
        Value::Float(f) => format!("{f}"),
        other => other.kind().to_string(),
    }
}

#[cfg(test)]
mod tests;
