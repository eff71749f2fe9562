//! `pirt draft`: prompt files, the requests made from them, and writing the model's
//! answers back into a review (`apply`), with the replaced text kept (`history`).

pub mod apply;
pub mod history;
pub mod prompt;
pub mod timeline;
pub mod write;

use std::path::{Path, PathBuf};

use anyhow::bail;

pub use apply::{Answer, Apply, Outcome, apply};
use prompt::{Prompt, Prompts, Target, TokenLimit};

use crate::config::Config;
use crate::llm::Request;
use crate::redact::Redactor;
use crate::review::Review;

/// One prompt on its way: the rendered, redacted request and the limit of its answer.
pub struct Job<'p> {
    pub prompt: &'p Prompt,
    pub request: Request,
    pub limit: TokenLimit,
}

impl Job<'_> {
    /// Why an answer cut off at the token limit is not used, and how to raise the limit.
    /// `printed`: the answer was already streamed to standard output.
    pub fn cut_off(&self, path: &Path, printed: bool) -> String {
        let fate = if printed {
            "so what was printed is incomplete"
        } else {
            "and was not written"
        };
        format!(
            "{name}: the answer stopped at the token limit ({limit}) {fate}; raise it with `pirt draft {file} -p {name} --max-tokens {more}`, or set [llm] max_tokens (or max_tokens: in the prompt file)",
            name = self.prompt.name,
            limit = self.limit,
            file = path.display(),
            more = self.limit.tokens.saturating_mul(2),
        )
    }
}

/// Leaves out the jobs whose section a person wrote (they are not drafted over without
/// `--force`); returns why each was left out, as `name: reason`.
pub fn refuse_human_text(jobs: &mut Vec<Job>, review: &Review) -> Vec<String> {
    let mut refused = Vec::new();
    jobs.retain(|job| match apply::human_text(job.prompt, review) {
        Some(error) => {
            refused.push(format!("{}: {error}", job.prompt.name));
            false
        }
        None => true,
    });
    refused
}

/// What became of the answers: those that go into the review, those still to print, and
/// what to tell on standard error, in the order the answers came.
#[derive(Default)]
pub struct Sorted<'p> {
    pub to_review: Vec<Answer<'p>>,
    pub to_print: Vec<(&'p Prompt, crate::llm::Answer)>,
    pub lines: Vec<Line>,
    /// Requests that failed.
    pub failed: usize,
    /// Answers cut off at the token limit.
    pub cut_off: usize,
}

impl Sorted<'_> {
    /// What to tell when requests failed, of `asked`.
    pub fn failures(&self, asked: usize, path: &Path) -> Option<String> {
        (self.failed > 0).then(|| {
            let (failed, path) = (self.failed, path.display());
            format!("{failed} of {asked} prompts failed; {path} was not changed by them")
        })
    }
}

/// A line for standard error about one answer.
pub struct Line {
    pub text: String,
    /// How long it took and which model answered: shown with `--verbose` only.
    pub timing: bool,
}

impl Line {
    fn problem(text: String) -> Self {
        Self {
            text,
            timing: false,
        }
    }
}

/// Sorts the answers of `jobs`: placeholders restored, cut-off answers set aside, artefacts
/// (and every answer, when `printed(job)`) to print unless `streamed` already, the rest for
/// the review at `path`.
pub fn sort<'p>(
    jobs: &[Job<'p>],
    finished: Vec<crate::llm::Completed>,
    redactor: Option<&Redactor>,
    printed: impl Fn(&Job) -> bool,
    streamed: bool,
    path: &Path,
) -> Sorted<'p> {
    let mut sorted = Sorted::default();
    for (job, done) in jobs.iter().zip(finished) {
        let name = &job.prompt.name;
        let mut answer = match done.result {
            Ok(answer) => answer,
            Err(error) => {
                sorted.failed += 1;
                sorted
                    .lines
                    .push(Line::problem(format!("error: {name}: {error}")));
                continue;
            }
        };
        answer.text = restored(redactor, &answer.text);
        // A cut-off answer ends mid-thought: it is never written or printed as if whole.
        if answer.truncated {
            sorted.cut_off += 1;
            let line = job.cut_off(path, printed(job) && streamed);
            sorted.lines.push(Line::problem(line));
            continue;
        }
        let text = format!("{name}: {:.1} s, model {}", done.seconds, answer.model);
        sorted.lines.push(Line { text, timing: true });
        if !printed(job) {
            sorted.to_review.push(Answer {
                prompt: job.prompt,
                text: answer.text,
                model: answer.model,
            });
        } else if !streamed {
            sorted.to_print.push((job.prompt, answer));
        }
    }
    sorted
}

/// What to tell once the drafts are written to `path`.
pub fn written(path: &Path, outcomes: &[Outcome]) -> String {
    let items = outcomes
        .iter()
        .any(|o| matches!(o, Outcome::ItemsAdded { .. }));
    let entries = outcomes
        .iter()
        .any(|o| matches!(o, Outcome::EntriesAdded { .. }));
    if entries && !items && !outcomes.iter().any(Outcome::is_marked) {
        return format!(
            "wrote {}; check the new timeline entries against the transcript, then delete their `# drafted by pirt` comments",
            path.display()
        );
    }
    if outcomes.iter().any(Outcome::is_marked) {
        format!(
            "wrote {}; read the drafts and remove the <!-- pirt:draft --> markers before review (pirt check reports them)",
            path.display()
        )
    } else {
        format!(
            "wrote {}; review the new action items, then set their owner, due and tracker",
            path.display()
        )
    }
}

/// Text as sent: secrets, e-mail and IP addresses replaced by placeholders (unless
/// redaction is off).
pub fn redacted(redactor: Option<&Redactor>, text: &str) -> String {
    redactor.map_or_else(|| text.to_string(), |r| r.redact(text))
}

/// An answer with the placeholders put back.
pub fn restored(redactor: Option<&Redactor>, text: &str) -> String {
    redactor.map_or_else(|| text.to_string(), |r| r.restore(text))
}

/// Writes the drafted `text` over the review at `path` (whose lock the caller holds): it
/// must be a valid review; with `keep`, the `original` is first kept in `.pirt/history/`
/// (returned).
pub fn save(
    config: &Config,
    path: &Path,
    original: &str,
    text: &str,
    keep: bool,
) -> anyhow::Result<Option<PathBuf>> {
    apply::ensure_valid(path, text, config)?;
    let kept = keep
        .then(|| history::save(&config.root, path, original))
        .transpose()?;
    crate::fsutil::write_atomic(path, text.as_bytes())?;
    Ok(kept)
}

/// The prompts a run drafts: `--all` (every prompt but the artefacts, and any named
/// besides), or those named with `--prompt`.
pub fn choose<'p>(
    loaded: &'p Prompts,
    names: &[String],
    all: bool,
) -> anyhow::Result<Vec<&'p Prompt>> {
    if all {
        // The timeline prompts read a transcript: they run only when named.
        let mut chosen: Vec<&Prompt> = loaded
            .prompts
            .iter()
            .filter(|p| !matches!(p.target, Target::Artefact | Target::Timeline))
            .collect();
        for extra in prompt::select(loaded, names)? {
            if !chosen.iter().any(|c| c.name == extra.name) {
                chosen.push(extra);
            }
        }
        return Ok(chosen);
    }
    if names.is_empty() {
        bail!(
            "name what to draft with --prompt NAME (repeatable) or --all; `pirt draft --list` shows the prompts"
        );
    }
    prompt::select(loaded, names)
}

/// `--from PATH` goes with a timeline prompt, and a timeline prompt needs it; the
/// transcript, read (bounded by `[check] max_file_mb`).
pub fn transcript(
    from: Option<&Path>,
    chosen: &[&Prompt],
    config: &Config,
) -> anyhow::Result<Option<timeline::Transcript>> {
    let reads = chosen.iter().find(|p| p.target == Target::Timeline);
    match (from, reads) {
        (Some(path), Some(_)) => Ok(Some(timeline::Transcript::load(
            path,
            config.check.max_file_mb,
        )?)),
        (None, Some(p)) => bail!(
            "prompt `{}` reads a transcript: name it with --from PATH (a chat log or meeting notes as text)",
            p.name
        ),
        (Some(_), None) => {
            bail!("--from PATH is read by a timeline prompt only: add --prompt timeline")
        }
        (None, None) => Ok(None),
    }
}

/// `-o FILE` takes the answer of one artefact (or, with `--stdout`, of one prompt), into a
/// folder that exists.
pub fn check_output(output: &Path, chosen: &[&Prompt], stdout: bool) -> anyhow::Result<()> {
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty());
    if parent.is_some_and(|p| !p.is_dir()) {
        bail!(
            "-o {}: the folder {} does not exist",
            output.display(),
            parent.unwrap_or(Path::new(".")).display()
        );
    }
    if chosen.len() != 1 || chosen[0].target != Target::Artefact && !stdout {
        bail!(
            "-o FILE takes the answer of one artefact prompt (status-update, exec-brief); section and action-item drafts go into the review"
        );
    }
    Ok(())
}

/// The request of each prompt: its body rendered with the review, then `redact`ed (the
/// system message too); the answer limited by the flag, the prompt file or the config.
pub fn jobs<'p>(
    chosen: &[&'p Prompt],
    review: &Review,
    config: &Config,
    (max_tokens, transcript): (Option<u32>, Option<&timeline::Transcript>),
    redact: impl Fn(&str) -> String,
) -> anyhow::Result<Vec<Job<'p>>> {
    chosen
        .iter()
        .map(|p| {
            let user = prompt::render_with(p, review, config, transcript)?;
            let limit = p.token_limit(max_tokens, config.llm.max_tokens);
            let request = Request {
                system: p.system.as_deref().map(&redact),
                user: redact(&user),
                temperature: p.temperature,
                max_tokens: Some(limit.tokens),
                json_schema: match p.target {
                    Target::ActionItems => Some(write::action_items_schema()),
                    Target::Timeline => Some(timeline::schema()),
                    _ => None,
                },
                model: p.model.clone(),
            };
            Ok(Job {
                prompt: p,
                request,
                limit,
            })
        })
        .collect()
}
