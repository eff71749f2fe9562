//! Applying the model's answers to a review's text: each section answer between pirt's
//! markers (split into parts when the review has a section per part), action items
//! deduplicated, limited and appended. No I/O and no printing: what happened to each
//! section and item comes back as [`Outcome`]s, and the command prints them.

use std::path::Path;

use crate::config::Config;
use crate::draft::prompt::{self, Prompt, Target};
use crate::draft::timeline::{self as entries, Judge, Transcript};
use crate::draft::write::{self, Checked, SectionOutcome, WriteError};
use crate::review::{Review, ReviewFile, parse_review};

/// The most action items one answer may add: a model stuck in a loop must not flood the file.
pub const MAX_NEW_ITEMS: usize = 10;

/// One prompt's complete answer.
pub struct Answer<'p> {
    pub prompt: &'p Prompt,
    pub text: String,
    pub model: String,
}

/// How answers are applied to one file.
pub struct Apply<'a> {
    /// The review's path (for its messages; nothing is read from it).
    pub path: &'a Path,
    pub config: &'a Config,
    /// Replace human text (`--force`).
    pub force: bool,
    /// When the drafts were made (RFC 3339), written into their markers.
    pub at: String,
    /// The transcript of `--from`, for the timeline prompts.
    pub transcript: Option<&'a Transcript>,
    /// What "now" is for the times of drafted entries (none may lie ahead of it).
    pub now: chrono::DateTime<chrono::Utc>,
}

/// What happened to one section or item of an answer.
#[derive(Debug)]
pub enum Outcome {
    /// A section was written.
    Section {
        prompt: String,
        done: SectionOutcome,
        heading: String,
    },
    /// A multi-part answer had none of the part labels: all of it went into the first part.
    Unsplit { prompt: String, labels: Vec<String> },
    /// New action items were appended, with these ids.
    ItemsAdded { prompt: String, ids: Vec<String> },
    /// A section or the new items could not be written.
    Refused { prompt: String, error: WriteError },
    /// The answer holds no readable list of action items.
    NoItemList { prompt: String, error: String },
    /// A proposed item was not usable.
    Rejected {
        prompt: String,
        item: String,
        reason: String,
    },
    /// A proposed item repeats one the review (or the answer) already has.
    Duplicate { prompt: String, title: String },
    /// Items beyond [`MAX_NEW_ITEMS`] were left out.
    OverLimit { prompt: String, count: usize },
    /// Nothing usable was left of an action-item answer.
    NoValidItem { prompt: String },
    /// New timeline entries were added, from these transcript lines.
    EntriesAdded { prompt: String, lines: Vec<usize> },
    /// Every valid entry of a timeline answer is in the timeline already (a re-run).
    NothingNew { prompt: String, count: usize },
    /// Nothing usable was left of a timeline answer.
    NoValidEntry { prompt: String },
}

impl Outcome {
    /// A result, shown with the others once the file is written (not with `--quiet`);
    /// everything else is shown at once, quiet or not.
    pub fn is_note(&self) -> bool {
        matches!(
            self,
            Outcome::Section { .. }
                | Outcome::Unsplit { .. }
                | Outcome::ItemsAdded { .. }
                | Outcome::EntriesAdded { .. }
                | Outcome::NothingNew { .. }
        )
    }

    /// An answer (or a part of it) was not written: the command exits with 1.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            Outcome::Refused { .. }
                | Outcome::NoItemList { .. }
                | Outcome::NoValidItem { .. }
                | Outcome::NoValidEntry { .. }
        )
    }

    /// A section now holds a draft between markers (which a person must remove).
    pub fn is_marked(&self) -> bool {
        matches!(self, Outcome::Section { .. })
    }

    /// Human text was replaced (`--force`): the old file is to be kept.
    pub fn overwrote(&self) -> bool {
        matches!(
            self,
            Outcome::Section {
                done: SectionOutcome::Overwrote,
                ..
            }
        )
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        match self {
            Outcome::Section {
                prompt,
                done,
                heading,
            } => {
                let what = match done {
                    SectionOutcome::Filled => "drafted",
                    SectionOutcome::Redrafted => "re-drafted",
                    SectionOutcome::Overwrote => "replaced (--force)",
                    SectionOutcome::Added => "added",
                };
                write!(f, "{prompt}: {what} section \"{heading}\"")
            }
            Outcome::Unsplit { prompt, labels } => write!(
                f,
                "{prompt}: the answer has none of the labels {}; all of it went into \"{}\"",
                labels.join(", "),
                labels[0]
            ),
            Outcome::ItemsAdded { prompt, ids } => write!(
                f,
                "{prompt}: added action item{} {}",
                plural(ids.len()),
                ids.join(", ")
            ),
            Outcome::Refused { prompt, error } => write!(f, "{prompt}: {error}"),
            Outcome::NoItemList { prompt, error } => {
                write!(f, "{prompt}: {error}; nothing was added")
            }
            Outcome::Rejected {
                prompt,
                item,
                reason,
            } => write!(f, "{prompt}: rejected {item}: {reason}"),
            Outcome::Duplicate { prompt, title } => {
                write!(f, "{prompt}: skipped a duplicate: {title}")
            }
            Outcome::OverLimit { prompt, count } => write!(
                f,
                "{prompt}: skipped {count} more item{}: at most {MAX_NEW_ITEMS} are added at once",
                plural(*count)
            ),
            Outcome::NoValidItem { prompt } => write!(
                f,
                "{prompt}: no valid action item in the answer; nothing was added"
            ),
            Outcome::EntriesAdded { prompt, lines } => write!(
                f,
                "{prompt}: added {} timeline entr{} from transcript line{} {}",
                lines.len(),
                if lines.len() == 1 { "y" } else { "ies" },
                plural(lines.len()),
                lines
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Outcome::NothingNew { prompt, count } => write!(
                f,
                "{prompt}: the {count} entr{} of the answer {} in the timeline already; nothing was added",
                if *count == 1 { "y" } else { "ies" },
                if *count == 1 { "is" } else { "are" }
            ),
            Outcome::NoValidEntry { prompt } => write!(
                f,
                "{prompt}: no valid timeline entry in the answer; nothing was added"
            ),
        }
    }
}

/// Applies every answer, in order, to `text`: the new text and what happened. Artefact
/// answers are not for the review and are passed over.
pub fn apply(text: &str, answers: &[Answer], how: &Apply) -> (String, Vec<Outcome>) {
    let mut text = text.to_string();
    let mut outcomes = Vec::new();
    for answer in answers {
        match &answer.prompt.target {
            Target::Section(_) => sections(&mut text, answer, how, &mut outcomes),
            Target::ActionItems => action_items(&mut text, answer, how, &mut outcomes),
            Target::Timeline => timeline(&mut text, answer, how, &mut outcomes),
            Target::Artefact => {}
        }
    }
    (text, outcomes)
}

/// A section answer: into the target section, or split at its part labels into a section
/// per part.
fn sections(text: &mut String, answer: &Answer, how: &Apply, outcomes: &mut Vec<Outcome>) {
    let p = answer.prompt;
    let parsed = parse_review(how.path, text, how.config);
    let places = prompt::destinations(p, &parsed.review);
    let pieces: Vec<(Vec<String>, String)> = if places.len() == 1 {
        vec![(places[0].clone(), answer.text.clone())]
    } else {
        let split = write::split_parts(&answer.text, &p.parts);
        if split.iter().all(Option::is_none) {
            // No labels at all: the whole answer goes into the first part.
            outcomes.push(Outcome::Unsplit {
                prompt: p.name.clone(),
                labels: p.parts.clone(),
            });
            vec![(places[0].clone(), answer.text.clone())]
        } else {
            places
                .into_iter()
                .zip(split)
                .filter_map(|(place, piece)| piece.map(|t| (place, t)))
                .collect()
        }
    };
    for (headings, piece) in pieces {
        let parsed = parse_review(how.path, text, how.config);
        let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let drafted = write::without_heading(&piece, &headings);
        let block = write::block(&p.name, &answer.model, &how.at, &drafted, nl);
        match write::section(text, &parsed, &headings, &block, how.force) {
            Ok((updated, done)) => {
                let heading = prompt::find_section(
                    &parse_review(how.path, &updated, how.config).review,
                    &headings,
                )
                .map_or_else(|| headings[0].clone(), |s| s.heading.clone());
                outcomes.push(Outcome::Section {
                    prompt: p.name.clone(),
                    done,
                    heading,
                });
                *text = updated;
            }
            Err(error) => outcomes.push(Outcome::Refused {
                prompt: p.name.clone(),
                error,
            }),
        }
    }
}

/// An action-item answer: the valid items not in the review yet, at most
/// [`MAX_NEW_ITEMS`], appended with status open and no owner.
fn action_items(text: &mut String, answer: &Answer, how: &Apply, outcomes: &mut Vec<Outcome>) {
    let name = || answer.prompt.name.clone();
    let checked = match write::parse_action_items(&answer.text) {
        Ok(checked) => checked,
        Err(error) => {
            outcomes.push(Outcome::NoItemList {
                prompt: name(),
                error,
            });
            return;
        }
    };
    let parsed = parse_review(how.path, text, how.config);
    let mut seen: Vec<String> = parsed
        .review
        .action_items
        .iter()
        .map(|a| a.title.to_lowercase())
        .collect();
    let mut valid = Vec::new();
    let (mut duplicates, mut over) = (Vec::new(), 0);
    for item in checked {
        match item {
            Checked::Valid { title, .. } if seen.contains(&title.to_lowercase()) => {
                if !duplicates.contains(&title) {
                    duplicates.push(title);
                }
            }
            Checked::Valid { .. } if valid.len() == MAX_NEW_ITEMS => over += 1,
            Checked::Valid {
                title,
                kind,
                rationale,
            } => {
                seen.push(title.to_lowercase());
                valid.push((title, kind, rationale))
            }
            Checked::Rejected { item, reason } => outcomes.push(Outcome::Rejected {
                prompt: name(),
                item,
                reason,
            }),
        }
    }
    outcomes.extend(duplicates.into_iter().map(|title| Outcome::Duplicate {
        prompt: name(),
        title,
    }));
    if over > 0 {
        outcomes.push(Outcome::OverLimit {
            prompt: name(),
            count: over,
        });
    }
    if valid.is_empty() {
        outcomes.push(Outcome::NoValidItem { prompt: name() });
        return;
    }
    let comment = format!(
        "drafted by pirt (prompt {}, model {}, {}): review, then set owner, due and tracker",
        answer.prompt.name,
        answer.model.replace(['\r', '\n'], " "),
        how.at
    );
    match write::append_action_items(how.path, text, &parsed, &valid, &comment, how.config) {
        Ok((updated, added)) => {
            outcomes.push(Outcome::ItemsAdded {
                prompt: name(),
                ids: added.into_iter().map(|a| a.id).collect(),
            });
            *text = updated;
        }
        Err(error) => outcomes.push(Outcome::Refused {
            prompt: name(),
            error,
        }),
    }
}

/// A timeline answer: the valid entries whose transcript line is not a source in the
/// timeline yet, at most [`entries::MAX_NEW_ENTRIES`], each under a provenance comment.
fn timeline(text: &mut String, answer: &Answer, how: &Apply, outcomes: &mut Vec<Outcome>) {
    let name = || answer.prompt.name.clone();
    let Some(transcript) = how.transcript else {
        let error = "no transcript to check the entries against (--from PATH)".to_string();
        outcomes.push(Outcome::NoItemList {
            prompt: name(),
            error,
        });
        return;
    };
    let proposals = match entries::proposals(&answer.text) {
        Ok(list) => list,
        Err(error) => {
            outcomes.push(Outcome::NoItemList {
                prompt: name(),
                error,
            });
            return;
        }
    };
    let parsed = parse_review(how.path, text, how.config);
    let mut judge = Judge::new(transcript, &parsed.review, how.config.zone, how.now);
    let known: Vec<&str> = parsed
        .review
        .timeline
        .iter()
        .filter_map(|e| e.source.as_deref())
        .collect();
    let (mut valid, mut there, mut over) = (Vec::new(), 0, 0);
    for proposal in &proposals {
        match judge.check(proposal) {
            entries::Checked::Valid(e) if known.contains(&e.source.as_deref().unwrap_or("")) => {
                there += 1
            }
            entries::Checked::Valid(_) if valid.len() == entries::MAX_NEW_ENTRIES => over += 1,
            entries::Checked::Valid(e) => valid.push(e),
            entries::Checked::Rejected { item, reason } => outcomes.push(Outcome::Rejected {
                prompt: name(),
                item,
                reason,
            }),
        }
    }
    if over > 0 {
        outcomes.push(Outcome::OverLimit {
            prompt: name(),
            count: over,
        });
    }
    if valid.is_empty() {
        outcomes.push(if there > 0 {
            Outcome::NothingNew {
                prompt: name(),
                count: there,
            }
        } else {
            Outcome::NoValidEntry { prompt: name() }
        });
        return;
    }
    let comment = format!(
        "drafted by pirt (prompt {}, model {}, {}) from {}: check it against the transcript",
        answer.prompt.name,
        answer.model,
        how.at,
        transcript.path.display()
    );
    let lines = valid
        .iter()
        .filter_map(|e| {
            e.source
                .as_deref()?
                .strip_prefix(entries::SOURCE)?
                .parse()
                .ok()
        })
        .collect();
    match crate::review::edit::add_noted_timeline_entries(
        how.path,
        text,
        &parsed,
        &valid,
        Some(&comment),
        how.config,
    ) {
        Ok(updated) => {
            outcomes.push(Outcome::EntriesAdded {
                prompt: name(),
                lines,
            });
            *text = updated;
        }
        Err(e) => outcomes.push(Outcome::Refused {
            prompt: name(),
            error: e.into(),
        }),
    }
}

/// Before sending: the section a person wrote that `prompt` would draft over (refused
/// without `--force`).
pub fn human_text(prompt: &Prompt, review: &Review) -> Option<WriteError> {
    prompt::destinations(prompt, review)
        .iter()
        .filter_map(|headings| prompt::find_section(review, headings))
        .find(|s| !s.is_empty() && !s.text.contains(write::OPEN))
        .map(|s| WriteError::HumanText {
            heading: s.heading.clone(),
            line: s.line,
        })
}

/// The whole drafted text must still be a valid review before it may be written.
pub fn ensure_valid(path: &Path, text: &str, config: &Config) -> anyhow::Result<()> {
    let again = ReviewFile {
        path: path.to_path_buf(),
        parsed: parse_review(path, text, config),
        text: text.to_string(),
    };
    again.ensure_valid().map_err(|_| {
        anyhow::anyhow!(
            "the drafted file would not be a valid review; {} was not changed (please report this)",
            path.display()
        )
    })
}

/// Proposed action items as the YAML that would be added (for `--stdout`).
pub fn action_items_yaml(answer: &str) -> String {
    match write::parse_action_items(answer) {
        Err(e) => format!("# {e}\n{}", answer.trim()),
        Ok(items) => items
            .into_iter()
            .map(|item| match item {
                Checked::Valid { title, kind, .. } => format!(
                    "- title: {}\n  type: {kind}\n  owner: null\n  status: open",
                    crate::review::edit::yaml_scalar(&title)
                ),
                Checked::Rejected { item, reason } => format!("# rejected {item}: {reason}"),
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Origin;

    const REVIEW: &str = "---\nid: PIR-2026-001\ntitle: Checkout errors\nstatus: draft\nseverity: SEV2\nstarted_at: 2026-11-20T14:00:00Z\naction_items:\n  - id: AI-1\n    title: Add a canary\n    type: prevent\n    owner: li.wei\n    status: open\n---\n\n## Summary\n\n<!-- guide: What happened? -->\n\n## Root cause\n\nA person wrote this.\n";

    fn prompt(name: &str, target: &str) -> Prompt {
        let text = format!("---\ndescription: d\ntarget: {target}\n---\nHi\n");
        Prompt::parse(name, &text, Origin::BuiltIn).unwrap()
    }

    fn how(config: &Config) -> Apply<'_> {
        Apply {
            path: Path::new("r.md"),
            config,
            force: false,
            at: "2026-11-21T09:00:00Z".into(),
            transcript: None,
            now: "2026-11-25T10:00:00Z".parse().unwrap(),
        }
    }

    fn answer<'p>(prompt: &'p Prompt, text: &str) -> Answer<'p> {
        Answer {
            prompt,
            text: text.into(),
            model: "m".into(),
        }
    }

    #[test]
    fn a_section_is_filled_and_human_text_is_refused() {
        let config = Config::default();
        let (summary, cause) = (
            prompt("summary", "section:Summary"),
            prompt("rc", "section:Root cause"),
        );
        let (text, outcomes) = apply(
            REVIEW,
            &[answer(&summary, "It broke."), answer(&cause, "Pool size.")],
            &how(&config),
        );
        assert!(text.contains("<!-- pirt:draft prompt=summary model=m at=2026-11-21T09:00:00Z -->\nIt broke.\n<!-- /pirt:draft -->"), "{text}");
        assert!(text.contains("A person wrote this."));
        let shown: Vec<String> = outcomes.iter().map(ToString::to_string).collect();
        assert_eq!(shown[0], "summary: drafted section \"Summary\"");
        assert!(
            shown[1].starts_with("rc: section \"Root cause\" (line 22) holds text a person wrote"),
            "{}",
            shown[1]
        );
        assert!(outcomes[0].is_note() && outcomes[0].is_marked());
        assert!(outcomes[1].is_refusal() && !outcomes[1].is_note());
        assert!(
            human_text(
                &cause,
                &parse_review(Path::new("r.md"), REVIEW, &config).review
            )
            .is_some()
        );
    }

    #[test]
    fn action_items_are_deduplicated_limited_and_numbered() {
        let config = Config::default();
        let items = prompt("action-items", "action_items");
        let mut list: Vec<String> = vec![
            r#"{"title": "add a CANARY", "type": "prevent"}"#.into(),
            r#"{"title": "Page on pool use", "type": "oops"}"#.into(),
        ];
        list.extend((1..=12).map(|n| format!(r#"{{"title": "Item {n}", "type": "detect"}}"#)));
        let json = format!("[{}]", list.join(","));
        let (text, outcomes) = apply(REVIEW, &[answer(&items, &json)], &how(&config));
        let shown: Vec<String> = outcomes.iter().map(ToString::to_string).collect();
        assert!(
            shown[0].starts_with("action-items: rejected {"),
            "{shown:?}"
        );
        assert_eq!(shown[1], "action-items: skipped a duplicate: add a CANARY");
        assert_eq!(
            shown[2],
            "action-items: skipped 2 more items: at most 10 are added at once"
        );
        assert_eq!(
            shown[3],
            "action-items: added action items AI-2, AI-3, AI-4, AI-5, AI-6, AI-7, AI-8, AI-9, AI-10, AI-11"
        );
        assert!(text.contains("- id: AI-11\n    title: Item 10\n"), "{text}");
        assert!(!outcomes.iter().any(Outcome::is_refusal));
        let (same, outcomes) = apply(REVIEW, &[answer(&items, "no json")], &how(&config));
        assert_eq!(same, REVIEW);
        assert!(outcomes[0].is_refusal());
    }
}
