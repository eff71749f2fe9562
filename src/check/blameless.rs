//! `blameless-language`: blame and counterfactual wording, with what to write instead.
//!
//! Matching is case-insensitive on word boundaries, in the body (outside code blocks,
//! inline code, block quotes, double-quoted text and HTML comments) and in the narrative
//! fields of the front matter.

use std::borrow::Cow;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use crate::check::view::{Findings, View};
use crate::config::BlamelessConfig;
use crate::diagnostic::Level;
use crate::pos::Pos;
use crate::review::Review;
use crate::review::positions::text_at;
use crate::rule_id::RuleId;

const SYSTEM: &str = "describe the system condition that made the action possible (a missing guard rail, an unclear interface, a step nothing checked)";
const COUNTERFACTUAL: &str = "counterfactual wording judges with hindsight; describe what happened and why it made sense at the time";
const CHARACTER: &str =
    "describe the conditions (time pressure, tooling, missing checks), not a person's character";
const CAUSE: &str =
    "describe the contributing factors; an incident rarely has one cause, and never one person";

/// Built-in phrases and the suggestion for each.
const PHRASES: &[(&str, &str)] = &[
    ("human error", SYSTEM),
    ("operator error", SYSTEM),
    ("user error", SYSTEM),
    ("should have", COUNTERFACTUAL),
    ("should not have", COUNTERFACTUAL),
    ("shouldn't have", COUNTERFACTUAL),
    ("ought to have", COUNTERFACTUAL),
    (
        "failed to",
        "say what happened instead, e.g. \"the job did not retry because ...\"",
    ),
    (
        "forgot to",
        "describe which step the system did not prompt for or check",
    ),
    (
        "neglected to",
        "describe which step the system did not prompt for or check",
    ),
    ("careless", CHARACTER),
    ("carelessness", CHARACTER),
    ("sloppy", CHARACTER),
    ("negligent", CHARACTER),
    ("negligence", CHARACTER),
    ("incompetent", CHARACTER),
    ("lazy", CHARACTER),
    ("reckless", CHARACTER),
    ("inattentive", CHARACTER),
    ("fault", CAUSE),
    ("at fault", CAUSE),
    ("blame", CAUSE),
    ("blamed", CAUSE),
    ("to blame", CAUSE),
];

/// Technical phrases that contain a listed word.
const ALLOWED: &[&str] = &[
    "fault tolerance",
    "fault tolerant",
    "fault-tolerant",
    "fault injection",
    "fault domain",
    "fault domains",
    "segmentation fault",
    "page fault",
    "network fault",
    "hardware fault",
    "git blame",
];

pub struct Matcher {
    /// Every phrase, its words one space apart: a text without one (its whitespace runs
    /// made one space) holds no phrase, and is not searched. `None` when a configured
    /// phrase has a non-ASCII letter (whose other cases the automaton does not know):
    /// every text is searched.
    anchors: Option<AhoCorasick>,
    pattern: String,
    /// Compiled when a text first holds an anchor: about 1.5 ms, most of what the rules of
    /// a one-file check would otherwise cost.
    regex: OnceLock<Regex>,
    extra: Vec<String>,
    allow: Vec<String>,
}

impl Matcher {
    pub fn new(config: &BlamelessConfig) -> Self {
        let mut phrases: Vec<String> = PHRASES.iter().map(|(p, _)| p.to_string()).collect();
        let extra: Vec<String> = config
            .extra
            .iter()
            .map(|p| normalise(p))
            .filter(|p| !p.is_empty())
            .collect();
        phrases.extend(extra.iter().cloned());
        // Longest first, so "at fault" wins over "fault".
        phrases.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let alternation = phrases
            .iter()
            .map(|p| regex::escape(p).replace(r"\ ", r"\s+").replace(' ', r"\s+"))
            .collect::<Vec<_>>()
            .join("|");
        let pattern = format!(r"(?i)\b(?:{alternation})\b");
        // The phrases have their words one space apart (built in so, configured ones
        // normalised), as `may_match` spaces a text.
        let anchors = phrases.iter().all(|p| p.is_ascii()).then(|| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&phrases)
                .expect("a few short phrases")
        });
        let mut allow: Vec<String> = ALLOWED.iter().map(|a| a.to_string()).collect();
        allow.extend(config.allow.iter().map(|a| normalise(a)));
        Matcher {
            anchors,
            pattern,
            regex: OnceLock::new(),
            extra,
            allow,
        }
    }

    fn regex(&self) -> &Regex {
        self.regex
            .get_or_init(|| Regex::new(&self.pattern).expect("escaped phrases form a valid regex"))
    }

    /// Whether `text` may hold a phrase. `(?i)` also matches the Kelvin sign for `k` and
    /// the long `ſ` for `s`, which the ASCII automaton does not see: a text with either is
    /// searched.
    ///
    /// Once compiled, the regex itself answers (its own prefilter is faster over many
    /// files than the automaton, which would then be a second pass over every line).
    fn may_match(&self, text: &str) -> bool {
        if let Some(regex) = self.regex.get() {
            return regex.is_match(text);
        }
        let Some(anchors) = &self.anchors else {
            return true;
        };
        if crate::redact::folds_to_ascii(text) {
            return true;
        }
        // `\s+` between a phrase's words: any run of whitespace is one space here.
        let plain = text.is_ascii()
            && !text.contains("  ")
            && !text.bytes().any(|b| matches!(b, b'\t'..=b'\r'));
        if plain {
            anchors.is_match(text)
        } else {
            anchors.is_match(&text.split_whitespace().collect::<Vec<_>>().join(" "))
        }
    }

    fn suggestion(&self, phrase: &str) -> &str {
        PHRASES
            .iter()
            .find(|(p, _)| *p == phrase)
            .map(|(_, s)| *s)
            .or_else(|| self.extra.iter().any(|e| e == phrase).then_some(CAUSE))
            .unwrap_or(CAUSE)
    }

    /// Byte ranges of blameful phrases in `text` (already masked), with the phrase.
    fn find(&self, text: &str) -> Vec<(usize, usize, String)> {
        if self.regex.get().is_none() && !self.may_match(text) {
            return Vec::new();
        }
        let lower = text.to_lowercase();
        let same_len = lower.len() == text.len();
        self.regex()
            .find_iter(text)
            .filter(|m| !same_len || !self.allowed(&lower, m.start(), m.end()))
            .map(|m| (m.start(), m.end(), normalise(m.as_str())))
            .collect()
    }

    fn allowed(&self, lower: &str, start: usize, end: usize) -> bool {
        self.allow.iter().any(|a| {
            lower
                .match_indices(a.as_str())
                .any(|(i, _)| i <= start && i + a.len() >= end)
        })
    }

    pub(super) fn check(&self, findings: &mut Findings, view: &View) {
        let (review, text) = (view.review, view.text);
        let people = people(review);
        for &(line_no, offset, line) in view.lines {
            // Most lines hold nothing to report: test the raw line before masking it.
            if !self.may_match(line) && !may_name_a_cause(line) {
                continue;
            }
            let masked = mask(line);
            for (start, end, phrase) in self.find(&masked) {
                let pos = Pos {
                    line: line_no,
                    column: line[..start].chars().count() + 1,
                    offset: offset + start,
                    len: end - start,
                };
                self.report(findings, pos, &line[start..end], &phrase);
            }
            for (start, end) in person_as_cause(&masked, &people) {
                let pos = Pos {
                    line: line_no,
                    column: line[..start].chars().count() + 1,
                    offset: offset + start,
                    len: end - start,
                };
                person_finding(findings, pos, &line[start..end]);
            }
        }
        for (value, pos) in narrative(view) {
            // Exact columns when the value is written plainly on its line.
            let exact = text.get(pos.offset..).is_some_and(|t| t.starts_with(value))
                && !value.contains('\n');
            let at = |start: usize, end: usize| {
                if exact {
                    Pos {
                        line: pos.line,
                        column: pos.column + value[..start].chars().count(),
                        offset: pos.offset + start,
                        len: end - start,
                    }
                } else {
                    pos
                }
            };
            let masked = mask(value);
            for (start, end, phrase) in self.find(&masked) {
                self.report(findings, at(start, end), &value[start..end], &phrase);
            }
            for (start, end) in person_as_cause(&masked, &people) {
                person_finding(findings, at(start, end), &value[start..end]);
            }
        }
    }

    fn report(&self, findings: &mut Findings, pos: Pos, written: &str, phrase: &str) {
        findings.add(
            RuleId::BlamelessLanguage,
            pos,
            Level::Error,
            format!("blameful wording \"{written}\""),
            Some(self.suggestion(phrase).to_string()),
        );
    }
}

fn person_finding(findings: &mut Findings, pos: Pos, written: &str) {
    findings.add(
        RuleId::BlamelessLanguage,
        pos,
        Level::Error,
        format!("a person named as the cause: \"{written}\""),
        Some(SYSTEM.to_string()),
    );
}

fn normalise(phrase: &str) -> String {
    phrase
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The review's people: authors, the incident commander and action-item owners.
fn people(review: &Review) -> Vec<String> {
    let mut people: Vec<String> = review
        .authors
        .iter()
        .chain(review.incident_commander.iter())
        .chain(review.action_items.iter().filter_map(|a| a.owner.as_ref()))
        .map(|p| p.trim_start_matches('@').to_lowercase())
        .filter(|p| p.len() > 1)
        .collect();
    people.sort();
    people.dedup();
    people
}

/// A cheap test for the wording `person_as_cause` looks for.
fn may_name_a_cause(text: &str) -> bool {
    text.contains("aused by") || text.contains("'s ") || text.contains("’s ")
}

/// "caused by NAME" and "NAME's mistake / error / fault" for a known person.
fn person_as_cause(text: &str, people: &[String]) -> Vec<(usize, usize)> {
    if people.is_empty() || !may_name_a_cause(text) {
        return Vec::new();
    }
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, _) in lower.match_indices("caused by ") {
        let rest = lower[i + 10..].trim_start_matches('@');
        let skip = lower.len() - (i + 10) - rest.len();
        if let Some(name) = people.iter().find(|p| {
            rest.starts_with(p.as_str())
                && !rest[p.len()..].starts_with(|c: char| c.is_alphanumeric())
        }) {
            out.push((i, i + 10 + skip + name.len()));
        }
    }
    for suffix in [
        "'s mistake",
        "'s error",
        "'s fault",
        "’s mistake",
        "’s error",
        "’s fault",
    ] {
        for (i, _) in lower.match_indices(suffix) {
            if let Some(name) = people.iter().find(|p| lower[..i].ends_with(p.as_str())) {
                out.push((i - name.len(), i + suffix.len()));
            }
        }
    }
    out
}

/// Front-matter values that hold narrative text.
fn narrative<'v>(view: &View<'v>) -> Vec<(&'v str, Pos)> {
    let (review, at) = (view.review, view.at);
    let fields = [
        ("title", Some(review.title.as_str())),
        ("trigger", review.trigger.as_deref()),
        (
            "impact.summary",
            review.impact.as_ref().and_then(|i| i.summary.as_deref()),
        ),
        (
            "detection.source",
            review.detection.as_ref().and_then(|d| d.source.as_deref()),
        ),
    ];
    let mut out: Vec<(&str, Pos)> = fields
        .into_iter()
        .filter_map(|(path, value)| {
            let written = at.get(path).filter(|a| a.text)?;
            Some((value?, written.value))
        })
        .collect();
    let texts = at.timeline.iter().filter_map(|e| e.text);
    let titles = at.action_items.iter().filter_map(|i| i.title);
    out.extend(
        texts
            .chain(titles)
            .filter_map(|pos| Some((text_at(view.texts, pos)?, pos))),
    );
    out
}

/// Blanks out what is quoted rather than said: inline code, "double-quoted" text, HTML
/// comments, and block-quote lines. Byte offsets are kept. A line quoting nothing (most
/// lines) is returned as it is.
fn mask(line: &str) -> Cow<'_, str> {
    if line.trim_start().starts_with('>') {
        return Cow::Owned(" ".repeat(line.len()));
    }
    const QUOTES: [(&str, &str); 4] = [("`", "`"), ("\"", "\""), ("“", "”"), ("<!--", "-->")];
    let opener = |text: &str| text.find(['`', '"', '“', '<']);
    if opener(line).is_none() {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let blank = |out: &mut String, bytes: usize| out.extend(std::iter::repeat_n(' ', bytes));
    let mut rest = line;
    while let Some(i) = opener(rest) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some((open, close)) = QUOTES.into_iter().find(|(open, _)| rest.starts_with(open))
        else {
            // A `<` that opens no comment.
            out.push('<');
            rest = &rest[1..];
            continue;
        };
        // Quoted to its closing mark, or to the end of the line if it has none.
        let quoted = rest[open.len()..]
            .find(close)
            .map_or(rest.len(), |j| open.len() + j + close.len());
        blank(&mut out, quoted);
        rest = &rest[quoted..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(text: &str) -> Vec<String> {
        Matcher::new(&BlamelessConfig::default())
            .find(&mask(text))
            .into_iter()
            .map(|(_, _, p)| p)
            .collect()
    }

    /// Quoted text is blanked byte for byte, to its closing mark or the line's end; a line
    /// quoting nothing comes back as it is, without a copy.
    #[test]
    fn mask_blanks_what_is_quoted() {
        let cases = [
            ("plain words, a < b", "plain words, a < b"),
            ("run `rm -rf` now", "run          now"),
            ("he said \"careless\" twice", "he said            twice"),
            ("a “curly” quote", "a             quote"),
            ("x <!-- note --> y", "x               y"),
            ("open `code to the end", "open                 "),
            ("<!--> still open", "                "),
            ("  > quoted line", "               "),
            ("\"\" empty", "   empty"),
        ];
        for (line, masked) in cases {
            assert_eq!(mask(line), masked, "{line:?}");
            assert_eq!(mask(line).len(), line.len(), "{line:?}");
        }
        assert!(matches!(mask("nothing quoted"), Cow::Borrowed(_)));
    }

    #[test]
    fn finds_blame_and_counterfactuals_on_word_boundaries() {
        assert_eq!(phrases("This was Human  Error."), ["human error"]);
        assert_eq!(
            phrases("The operator should have checked; it failed to start."),
            ["should have", "failed to"]
        );
        assert_eq!(phrases("They were at fault."), ["at fault"]);
        assert!(
            phrases("Blameless review; the fault-tolerant path and fault injection").is_empty()
        );
        assert!(phrases("shouldhave, failedto, faults").is_empty());
    }

    #[test]
    fn quoted_text_and_code_are_ignored() {
        assert!(
            phrases("The log said `failed to connect` and \"human error\" was the ticket title")
                .is_empty()
        );
        assert!(phrases("> the customer wrote: you should have known").is_empty());
        assert!(phrases("<!-- guide: no blame here -->").is_empty());
    }

    #[test]
    fn config_adds_and_allows_phrases() {
        let config = BlamelessConfig {
            extra: vec!["dropped the ball".into()],
            allow: vec!["failed to start".into()],
        };
        let m = Matcher::new(&config);
        let found: Vec<String> = m
            .find("Ops dropped  the ball; the pod failed to start")
            .into_iter()
            .map(|f| f.2)
            .collect();
        assert_eq!(found, ["dropped the ball"]);
    }

    #[test]
    fn a_text_without_a_first_word_is_not_searched() {
        let m = Matcher::new(&BlamelessConfig::default());
        assert!(m.find("The deploy paused; the pods restarted.").is_empty());
        // Words that begin a phrase, without the phrase.
        assert!(
            m.find("At 10:00 the job failed; it had to wait, as it should.")
                .is_empty()
        );
        assert!(
            m.regex.get().is_none(),
            "compiled for a text with no anchor"
        );
        assert_eq!(m.find("a human error").len(), 1);
        assert!(m.regex.get().is_some());
    }

    #[test]
    fn case_folds_the_anchors_miss_are_still_found() {
        // `(?i)` folds the long s to `s` and the Kelvin sign to `k`.
        assert_eq!(phrases("they \u{17F}hould have"), ["\u{17F}hould have"]);
        assert_eq!(phrases("it was \u{17F}loppy"), ["\u{17F}loppy"]);
        let kelvin = Matcher::new(&BlamelessConfig {
            extra: vec!["kicked the can".into()],
            allow: vec![],
        });
        assert!(kelvin.anchors.is_some());
        assert_eq!(kelvin.find("we \u{212A}icked the can").len(), 1);
        // `\s+` between words: any whitespace the regex takes, the automaton sees too.
        for text in [
            "we should  have paused",
            "we should\thave paused",
            "we should\u{0B}have paused",
            "we should\u{A0}have paused",
            "we should \u{2003} have paused",
        ] {
            assert_eq!(phrases(text).len(), 1, "{text:?}");
        }
        // A configured phrase with a non-ASCII letter: every text is searched.
        let m = Matcher::new(&BlamelessConfig {
            extra: vec!["trägt Schuld".into()],
            allow: vec![],
        });
        assert!(m.anchors.is_none());
        let found: Vec<String> = m.find("er TRÄGT SCHULD").into_iter().map(|f| f.2).collect();
        assert_eq!(found, ["trägt schuld"]);
    }

    #[test]
    fn people_named_as_the_cause() {
        let people = vec!["li.wei".to_string()];
        assert_eq!(
            person_as_cause("The outage was caused by li.wei.", &people).len(),
            1
        );
        assert_eq!(person_as_cause("It was li.wei's mistake", &people).len(), 1);
        assert!(person_as_cause("caused by the deploy", &people).is_empty());
    }
}
