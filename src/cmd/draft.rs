//! `pirt draft`: render prompts with a review, send them to the model (several at once),
//! show the answers as they arrive, and write them back into the review.
//!
//! Nothing is written until every answer is in: the file is then locked, read again (so an
//! edit made meanwhile is kept), changed in memory (`draft::apply`), proven to parse, and
//! written atomically once. An interrupted or failed run leaves the file as it was.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;

use crate::cmd::Output;
use crate::config::Config;
use crate::draft::prompt::{self, Target};
use crate::draft::{self, Answer, Apply, apply};
use crate::env::Env;
use crate::fsutil::EditLock;
use crate::llm::{Client, Overrides, Settings};
use crate::redact::Redactor;
use crate::review::ReviewFile;
use crate::ui::progress::send;

#[derive(Debug, Default)]
pub struct Options {
    pub file: Option<PathBuf>,
    pub prompts: Vec<String>,
    pub all: bool,
    pub list: bool,
    pub dry_run: bool,
    pub stdout: bool,
    pub force: bool,
    pub output: Option<PathBuf>,
    pub from: Option<PathBuf>,
    pub max_tokens: Option<u32>,
    pub overrides: Overrides,
}

pub fn run(config: &Config, options: Options, env: &Env, out: &Output) -> anyhow::Result<ExitCode> {
    let loaded = prompt::all(config)?;
    // A broken prompt asked for by name is an error below (when a file is drafted).
    let selecting = !options.list && options.file.is_some();
    for warning in loaded.warnings(&options.prompts, selecting) {
        out.note(warning);
    }
    if options.list {
        crate::ui::draft::list(&config.root, &loaded.prompts)?;
        return Ok(ExitCode::from(u8::from(!loaded.broken.is_empty())));
    }
    let Some(path) = options.file.as_deref() else {
        bail!("name the review to draft: pirt draft FILE --prompt NAME (or --list)");
    };
    let chosen = draft::choose(&loaded, &options.prompts, options.all)?;
    if let Some(file) = &options.output {
        draft::check_output(file, &chosen, options.stdout)?;
    }
    let transcript = draft::transcript(options.from.as_deref(), &chosen, config)?;
    let file = ReviewFile::load(path, config)?;
    out.warnings(&file);
    let review = file.review();
    let settings = Settings::resolve(&config.llm, &options.overrides, |name| env.var(name))?;
    let redactor = Redactor::new(&config.llm.redact)?;
    let redact = |text: &str| draft::redacted(redactor.as_ref(), text);
    let limits = (options.max_tokens, transcript.as_ref());
    let mut jobs = draft::jobs(&chosen, review, config, limits, redact)?;
    if options.dry_run {
        crate::ui::draft::dry_run(&settings, &jobs, redactor.as_ref())?;
        return Ok(ExitCode::SUCCESS);
    }
    // Refuse before sending: a section a person wrote is not drafted over without --force.
    let mut refused = 0;
    if !options.stdout && !options.force {
        let reasons = draft::refuse_human_text(&mut jobs, review);
        reasons.iter().for_each(|reason| errln!("{reason}"));
        refused = reasons.len();
        if jobs.is_empty() {
            return Ok(ExitCode::from(1));
        }
    }
    settings.ready()?;
    let client = Client::new(settings.clone())?;
    let to_stdout = |job: &draft::Job| options.stdout || job.prompt.target == Target::Artefact;
    let printed: Vec<bool> = jobs.iter().map(to_stdout).collect();
    let (finished, streamed) = send(&client, &jobs, out, &printed, options.output.is_some())?;
    let sorted = draft::sort(
        &jobs,
        finished,
        redactor.as_ref(),
        to_stdout,
        streamed,
        path,
    );
    for line in sorted.lines.iter().filter(|l| out.verbose || !l.timing) {
        errln!("{}", line.text);
    }
    let failures = sorted.failures(jobs.len(), path);
    let to_review = sorted.to_review;
    for (prompt, answer) in sorted.to_print {
        let (output, several) = (options.output.as_deref(), jobs.len() > 1);
        crate::ui::draft::answer(prompt, &answer, output, several)?;
    }
    refused += sorted.cut_off;
    if !to_review.is_empty() {
        let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let (transcript, now) = (transcript.as_ref(), env.clock()?.now());
        let how = Apply {
            path,
            config,
            force: options.force,
            at,
            transcript,
            now,
        };
        refused += write_back(&how, &to_review, out)?;
    }
    if let Some(failures) = failures {
        out.note(failures);
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::from(u8::from(refused > 0)))
}

/// Applies the answers to the review under its lock; returns how many were refused.
fn write_back(how: &Apply, answers: &[Answer], out: &Output) -> anyhow::Result<usize> {
    let (config, path) = (how.config, how.path);
    let _lock = EditLock::acquire(path)?;
    // Read again: the file may have changed while the model was writing.
    let original = ReviewFile::load(path, config)?;
    let (text, outcomes) = apply(&original.text, answers, how);
    for problem in outcomes.iter().filter(|o| !o.is_note()) {
        errln!("{problem}");
    }
    let notes = outcomes.iter().filter(|o| o.is_note());
    if text == original.text {
        for note in notes {
            out.note(format!("{note} (the text did not change)"));
        }
    } else {
        let overwrote = outcomes.iter().any(draft::Outcome::overwrote);
        if let Some(kept) = draft::save(config, path, &original.text, &text, overwrote)? {
            out.note(format!(
                "the replaced text is kept in {} (and in git, if the file is committed)",
                kept.display()
            ));
        }
        notes.for_each(|note| out.note(note.to_string()));
        out.note(draft::written(path, &outcomes));
    }
    Ok(outcomes.iter().filter(|o| o.is_refusal()).count())
}
