//! `pirt draft`: prompt files, the requests made from them, and writing the model's
//! answers back into a review (`apply`), with the replaced text kept (`history`).

pub mod apply;
pub mod history;
pub mod prompt;
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
        let mut chosen: Vec<&Prompt> = loaded
            .prompts
            .iter()
            .filter(|p| p.target != Target::Artefact)
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
    max_tokens: Option<u32>,
    redact: impl Fn(&str) -> String,
) -> anyhow::Result<Vec<Job<'p>>> {
    chosen
        .iter()
        .map(|p| {
            let user = prompt::render(p, review, config)?;
            let limit = p.token_limit(max_tokens, config.llm.max_tokens);
            let request = Request {
                system: p.system.as_deref().map(&redact),
                user: redact(&user),
                temperature: p.temperature,
                max_tokens: Some(limit.tokens),
                json_schema: (p.target == Target::ActionItems).then(write::action_items_schema),
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
