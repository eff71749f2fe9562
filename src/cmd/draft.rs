//! `pirt draft`: render prompts with a review, send them to the model (several at once),
//! show the answers as they arrive, and write them back into the review.
//!
//! Nothing is written until every answer is in: the file is then locked, read again (so an
//! edit made meanwhile is kept), changed in memory, proven to parse, and written atomically
//! once. An interrupted or failed run leaves the file as it was.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cmd::Output;
use crate::config::Config;
use crate::draft::prompt::{self, Prompt, Target};
use crate::draft::write::{self, Checked, SectionOutcome, WriteError};
use crate::env::Env;
use crate::fsutil::{self, EditLock};
use crate::llm::{self, Client, LlmError, Overrides, Request, Settings};
use crate::redact::Redactor;
use crate::review::{ReviewFile, parse_review};

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
    pub max_tokens: Option<u32>,
    pub overrides: Overrides,
}

/// One prompt on its way: the rendered, redacted request and where the answer goes.
struct Job<'p> {
    prompt: &'p Prompt,
    request: Request,
    limit: prompt::TokenLimit,
}

/// What came back for one job.
struct Finished {
    name: String,
    result: Result<llm::Answer, LlmError>,
    seconds: f64,
}

pub fn run(config: &Config, options: Options, env: &Env, out: &Output) -> anyhow::Result<ExitCode> {
    let loaded = prompt::all(config)?;
    // A broken prompt asked for by name is an error below (when a file is drafted); say
    // it once.
    let selecting = !options.list && options.file.is_some();
    for (name, error) in &loaded.broken {
        if !(selecting && options.prompts.iter().any(|p| p == name)) {
            out.note(format!("warning: {error} (this prompt is left out)"));
        }
    }
    let prompts = &loaded.prompts;
    if options.list {
        print_list(config, prompts)?;
        return Ok(if loaded.broken.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let Some(path) = options.file.as_deref() else {
        bail!("name the review to draft: pirt draft FILE --prompt NAME (or --list)");
    };
    let selected: Vec<&Prompt> = if options.all {
        let mut chosen: Vec<&Prompt> = prompts
            .iter()
            .filter(|p| p.target != Target::Artefact)
            .collect();
        for extra in prompt::select(&loaded, &options.prompts)? {
            if !chosen.iter().any(|c| c.name == extra.name) {
                chosen.push(extra);
            }
        }
        chosen
    } else if options.prompts.is_empty() {
        bail!(
            "name what to draft with --prompt NAME (repeatable) or --all; `pirt draft --list` shows the prompts"
        );
    } else {
        prompt::select(&loaded, &options.prompts)?
    };
    if let Some(file) = &options.output {
        let parent = file.parent().filter(|p| !p.as_os_str().is_empty());
        if parent.is_some_and(|p| !p.is_dir()) {
            bail!(
                "-o {}: the folder {} does not exist",
                file.display(),
                parent.unwrap_or(Path::new(".")).display()
            );
        }
    }
    if options.output.is_some()
        && (selected.len() != 1 || selected[0].target != Target::Artefact && !options.stdout)
    {
        bail!(
            "-o FILE takes the answer of one artefact prompt (status-update, exec-brief); section and action-item drafts go into the review"
        );
    }

    let file = ReviewFile::load(path, config)?;
    out.warnings(&file);
    let review = file.review();
    let settings = Settings::resolve(&config.llm, &options.overrides, |name| env.var(name))?;
    let redactor = Redactor::new(&config.llm.redact)?;
    let redact = |text: &str| match &redactor {
        Some(r) => r.redact(text),
        None => text.to_string(),
    };

    let mut jobs = Vec::new();
    for p in &selected {
        let user = prompt::render(p, review, config)?;
        let limit = p.token_limit(options.max_tokens, config.llm.max_tokens);
        let request = Request {
            system: p.system.as_deref().map(redact),
            user: redact(&user),
            temperature: p.temperature,
            max_tokens: Some(limit.tokens),
            json_schema: (p.target == Target::ActionItems).then(write::action_items_schema),
            model: p.model.clone(),
        };
        jobs.push(Job {
            prompt: p,
            request,
            limit,
        });
    }

    if options.dry_run {
        return dry_run(&settings, &jobs, redactor.as_ref());
    }

    // Refuse before sending: a section a person wrote is not drafted over without --force.
    let mut refused = 0;
    let writes_file = !options.stdout;
    if writes_file && !options.force {
        jobs.retain(|job| {
            let human = prompt::destinations(job.prompt, review)
                .iter()
                .filter_map(|headings| prompt::find_section(review, headings))
                .find(|s| !s.is_empty() && !s.text.contains(write::OPEN));
            match human {
                Some(s) => {
                    refused += 1;
                    errln!(
                        "{}: {}",
                        job.prompt.name,
                        WriteError::HumanText {
                            heading: s.heading.clone(),
                            line: s.line,
                        }
                    );
                    false
                }
                None => true,
            }
        });
        if jobs.is_empty() {
            return Ok(ExitCode::from(1));
        }
    }
    settings.ready()?;
    let client = Client::new(settings.clone())?;
    let to_stdout = |p: &Prompt| options.stdout || p.target == Target::Artefact;
    let destinations: Vec<bool> = jobs.iter().map(|j| to_stdout(j.prompt)).collect();
    let display = Display::new(&jobs, out, &destinations, options.output.is_some());
    let finished = send_all(&client, &jobs, &display, settings.concurrency)?;
    display.finish();

    let restore = |text: &str| match &redactor {
        Some(r) => r.restore(text),
        None => text.to_string(),
    };
    let mut failed = 0;
    let mut answers: Vec<(&Prompt, llm::Answer)> = Vec::new();
    for (job, done) in jobs.iter().zip(finished) {
        match done.result {
            Ok(mut answer) => {
                answer.text = restore(&answer.text);
                // A cut-off answer ends mid-thought: it is never written or printed as if
                // it were whole.
                if answer.truncated {
                    refused += 1;
                    let fate = if to_stdout(job.prompt) && display.streamed_to_stdout() {
                        "so what was printed is incomplete"
                    } else {
                        "and was not written"
                    };
                    errln!(
                        "{name}: the answer stopped at the token limit ({limit}) {fate}; raise it with `pirt draft {file} -p {name} --max-tokens {more}`, or set [llm] max_tokens (or max_tokens: in the prompt file)",
                        name = done.name,
                        limit = job.limit,
                        file = path.display(),
                        more = job.limit.tokens.saturating_mul(2),
                    );
                    continue;
                }
                if out.verbose {
                    errln!(
                        "{}: {:.1} s, model {}",
                        done.name,
                        done.seconds,
                        answer.model
                    );
                }
                answers.push((job.prompt, answer));
            }
            Err(error) => {
                failed += 1;
                errln!("error: {}: {error}", done.name);
            }
        }
    }

    // Artefacts and --stdout: print, never write the review.
    let mut to_review = Vec::new();
    for (p, answer) in answers {
        if to_stdout(p) {
            if !display.streamed_to_stdout() {
                print_answer(p, &answer, options.output.as_deref(), jobs.len() > 1)?;
            }
        } else {
            to_review.push((p, answer));
        }
    }
    if !to_review.is_empty() {
        refused += write_back(config, path, &to_review, options.force, out)?;
    }
    if failed > 0 {
        out.note(format!(
            "{failed} of {} prompts failed; {} was not changed by them",
            jobs.len(),
            path.display()
        ));
        return Ok(ExitCode::from(2));
    }
    Ok(if refused > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_list(config: &Config, prompts: &[Prompt]) -> anyhow::Result<()> {
    let rows: Vec<[String; 4]> = prompts
        .iter()
        .map(|p| {
            let source = match &p.origin {
                crate::assets::Origin::BuiltIn => "built-in".to_string(),
                crate::assets::Origin::File(path) => path
                    .strip_prefix(&config.root)
                    .unwrap_or(path)
                    .display()
                    .to_string(),
            };
            [
                p.name.clone(),
                p.target.describe(),
                source,
                p.description.clone(),
            ]
        })
        .collect();
    let header = ["NAME", "TARGET", "SOURCE", "DESCRIPTION"].map(String::from);
    let width = |i: usize| {
        rows.iter()
            .chain(std::iter::once(&header))
            .map(|r| r[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    let mut stdout = crate::ui::stdio::stdout();
    for row in std::iter::once(&header).chain(&rows) {
        writeln!(
            stdout,
            "{:w0$}  {:w1$}  {:w2$}  {}",
            row[0], row[1], row[2], row[3]
        )?;
    }
    Ok(())
}

/// Prints exactly what would be sent: the endpoint and each request body, after redaction.
fn dry_run(
    settings: &Settings,
    jobs: &[Job],
    redactor: Option<&Redactor>,
) -> anyhow::Result<ExitCode> {
    let mut stdout = crate::ui::stdio::stdout();
    for job in jobs {
        let mut body = settings.body(&job.request);
        writeln!(
            stdout,
            "# prompt {} -> {}\n# POST {} ({})",
            job.prompt.name,
            job.prompt.target.describe(),
            settings.shown_endpoint(),
            settings.provider.name()
        )?;
        // The messages as they will be sent, readable; then the rest of the body.
        let messages = match settings.provider {
            llm::Provider::OpenAi => body["messages"].take(),
            llm::Provider::Anthropic => {
                let mut all = Vec::new();
                if let Some(system) = body.get_mut("system").map(serde_json::Value::take) {
                    all.push(serde_json::json!({"role": "system", "content": system}));
                    body.as_object_mut().map(|o| o.remove("system"));
                }
                if let serde_json::Value::Array(rest) = body["messages"].take() {
                    all.extend(rest);
                }
                serde_json::Value::Array(all)
            }
        };
        body.as_object_mut().map(|o| o.remove("messages"));
        for message in messages.as_array().into_iter().flatten() {
            writeln!(
                stdout,
                "--- {} ---\n{}",
                message["role"].as_str().unwrap_or("?"),
                message["content"].as_str().unwrap_or_default()
            )?;
        }
        writeln!(
            stdout,
            "--- request parameters ---\n{}\n",
            serde_json::to_string(&body)?
        )?;
    }
    if settings.model.is_none() {
        writeln!(
            stdout,
            "# no model is set yet: pass --model, set PIRT_LLM_MODEL or [llm] model"
        )?;
    }
    let count = redactor.map_or(0, Redactor::count);
    let note = match redactor {
        None => "# redaction is off ([llm.redact] enabled = false)".to_string(),
        Some(_) => format!(
            "# {count} value{} replaced by placeholders; nothing was sent",
            if count == 1 { "" } else { "s" }
        ),
    };
    writeln!(stdout, "{note}")?;
    Ok(ExitCode::SUCCESS)
}

/// Sends every job, at most `concurrency` at a time, on one thread.
fn send_all(
    client: &Client,
    jobs: &[Job],
    display: &Display,
    concurrency: usize,
) -> anyhow::Result<Vec<Finished>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the network runtime")?;
    let semaphore = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let tasks = jobs.iter().enumerate().map(|(i, job)| {
        let semaphore = semaphore.clone();
        async move {
            let _permit = semaphore
                .acquire()
                .await
                .expect("semaphore is never closed");
            let progress = display.progress(i);
            progress.started();
            let start = Instant::now();
            let result = client.complete(&job.request, &progress).await;
            progress.done(&result);
            Finished {
                name: job.prompt.name.clone(),
                result,
                seconds: start.elapsed().as_secs_f64(),
            }
        }
    });
    Ok(runtime.block_on(futures_util::future::join_all(tasks)))
}

/// The most action items one answer may add: a model stuck in a loop must not flood the file.
const MAX_NEW_ITEMS: usize = 10;

/// Applies the answers to the review under its lock; returns how many were refused.
fn write_back(
    config: &Config,
    path: &Path,
    answers: &[(&Prompt, llm::Answer)],
    force: bool,
    out: &Output,
) -> anyhow::Result<usize> {
    let _lock = EditLock::acquire(path)?;
    // Read again: the file may have changed while the model was writing.
    let original = ReviewFile::load(path, config)?;
    let mut text = original.text.clone();
    let mut refused = 0;
    let mut overwrote = false;
    // Marked blocks written: only they leave markers to remove.
    let mut marked = 0;
    let mut notes = Vec::new();
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for (p, answer) in answers {
        let parsed = parse_review(path, &text, config);
        match &p.target {
            Target::Section(_) => {
                let places = prompt::destinations(p, &parsed.review);
                let pieces: Vec<(Vec<String>, String)> = if places.len() == 1 {
                    vec![(places[0].clone(), answer.text.clone())]
                } else {
                    let split = write::split_parts(&answer.text, &p.parts);
                    if split.iter().all(Option::is_none) {
                        // No labels at all: the whole answer goes into the first part.
                        notes.push(format!(
                            "{}: the answer has none of the labels {}; all of it went into \"{}\"",
                            p.name,
                            p.parts.join(", "),
                            p.parts[0]
                        ));
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
                    let parsed = parse_review(path, &text, config);
                    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
                    let drafted = write::without_heading(&piece, &headings);
                    let block = write::block(&p.name, &answer.model, &at, &drafted, nl);
                    match write::section(&text, &parsed, &headings, &block, force) {
                        Ok((updated, outcome)) => {
                            overwrote |= outcome == SectionOutcome::Overwrote;
                            let heading = prompt::find_section(
                                &parse_review(path, &updated, config).review,
                                &headings,
                            )
                            .map_or_else(|| headings[0].clone(), |s| s.heading.clone());
                            let what = match outcome {
                                SectionOutcome::Filled => "drafted",
                                SectionOutcome::Redrafted => "re-drafted",
                                SectionOutcome::Overwrote => "replaced (--force)",
                                SectionOutcome::Added => "added",
                            };
                            notes.push(format!("{}: {what} section \"{heading}\"", p.name));
                            marked += 1;
                            text = updated;
                        }
                        Err(e) => {
                            refused += 1;
                            errln!("{}: {e}", p.name);
                        }
                    }
                }
            }
            Target::ActionItems => match write::parse_action_items(&answer.text) {
                Err(e) => {
                    refused += 1;
                    errln!("{}: {e}; nothing was added", p.name);
                }
                Ok(checked) => {
                    let mut valid = Vec::new();
                    let mut seen: Vec<String> = parsed
                        .review
                        .action_items
                        .iter()
                        .map(|a| a.title.to_lowercase())
                        .collect();
                    let (mut duplicates, mut over) = (Vec::new(), 0);
                    for item in checked {
                        match item {
                            Checked::Valid { title, .. }
                                if seen.contains(&title.to_lowercase()) =>
                            {
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
                            Checked::Rejected { item, reason } => {
                                errln!("{}: rejected {item}: {reason}", p.name)
                            }
                        }
                    }
                    for title in &duplicates {
                        errln!("{}: skipped a duplicate: {title}", p.name);
                    }
                    if over > 0 {
                        errln!(
                            "{}: skipped {over} more item{}: at most {MAX_NEW_ITEMS} are added at once",
                            p.name,
                            if over == 1 { "" } else { "s" }
                        );
                    }
                    if valid.is_empty() {
                        refused += 1;
                        errln!(
                            "{}: no valid action item in the answer; nothing was added",
                            p.name
                        );
                        continue;
                    }
                    let comment = format!(
                        "drafted by pirt (prompt {}, model {}, {at}): review, then set owner, due and tracker",
                        p.name,
                        answer.model.replace(['\r', '\n'], " ")
                    );
                    match write::append_action_items(path, &text, &parsed, &valid, &comment, config)
                    {
                        Ok((updated, added)) => {
                            let ids: Vec<&str> = added.iter().map(|a| a.id.as_str()).collect();
                            notes.push(format!(
                                "{}: added action item{} {}",
                                p.name,
                                if ids.len() == 1 { "" } else { "s" },
                                ids.join(", ")
                            ));
                            text = updated;
                        }
                        Err(e) => {
                            refused += 1;
                            errln!("{}: {e}", p.name);
                        }
                    }
                }
            },
            Target::Artefact => {}
        }
    }
    if text != original.text {
        // The whole result must still be a valid review.
        let again = ReviewFile {
            path: path.to_path_buf(),
            parsed: parse_review(path, &text, config),
            text: text.clone(),
        };
        again.ensure_valid().map_err(|_| {
            anyhow::anyhow!(
                "the drafted file would not be a valid review; {} was not changed (please report this)",
                path.display()
            )
        })?;
        if overwrote {
            let saved = save_history(config, path, &original.text)?;
            out.note(format!(
                "the replaced text is kept in {} (and in git, if the file is committed)",
                saved.display()
            ));
        }
        fsutil::write_atomic(path, text.as_bytes())?;
        for note in &notes {
            out.note(note);
        }
        out.note(if marked > 0 {
            format!(
                "wrote {}; read the drafts and remove the <!-- pirt:draft --> markers before review (pirt check reports them)",
                path.display()
            )
        } else {
            format!(
                "wrote {}; review the new action items, then set their owner, due and tracker",
                path.display()
            )
        });
    } else {
        for note in &notes {
            out.note(format!("{note} (the text did not change)"));
        }
    }
    Ok(refused)
}

/// Keeps a copy of the file before `--force` replaces human text:
/// `.pirt/history/<file name>.<UTC time>` beside the config.
fn save_history(config: &Config, path: &Path, text: &str) -> anyhow::Result<PathBuf> {
    let dir = config.root.join(".pirt").join("history");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path
        .file_name()
        .map_or_else(|| "review.md".into(), |n| n.to_string_lossy().into_owned());
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let saved = dir.join(format!("{name}.{stamp}"));
    fsutil::create_new(&saved, text.as_bytes())?;
    Ok(saved)
}

fn print_answer(
    p: &Prompt,
    answer: &llm::Answer,
    output: Option<&Path>,
    several: bool,
) -> anyhow::Result<()> {
    let text = match p.target {
        Target::ActionItems => action_items_yaml(&answer.text),
        _ => answer.text.trim().to_string(),
    };
    if let Some(file) = output {
        return fsutil::write_atomic(file, format!("{text}\n").as_bytes());
    }
    let mut stdout = crate::ui::stdio::stdout();
    if several {
        writeln!(stdout, "==> {} ({}) <==", p.name, p.target.describe())?;
    }
    writeln!(stdout, "{text}")?;
    if several {
        writeln!(stdout)?;
    }
    Ok(())
}

/// Proposed action items as the YAML that would be added (for --stdout).
fn action_items_yaml(answer: &str) -> String {
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

/// How answers are shown while they arrive.
///
/// One prompt on a terminal: a spinner until the first token, then the text as it comes.
/// Several: one line per prompt with a spinner and the latest words; each answer is printed
/// as its own block when it is complete. Not a terminal: each block once it is complete.
struct Display {
    bars: Option<MultiProgress>,
    names: Vec<String>,
    /// Per job: the answer is printed on standard output at the end anyway.
    printed: Vec<bool>,
    quiet: bool,
    /// A single answer streamed straight to standard output (artefact or --stdout).
    stream_stdout: bool,
    /// A single answer streamed to standard error on a terminal.
    stream_stderr: bool,
    state: Mutex<Vec<JobState>>,
}

#[derive(Default)]
struct JobState {
    bar: Option<ProgressBar>,
    text: String,
    started: bool,
}

impl Display {
    fn new(jobs: &[Job], out: &Output, to_stdout: &[bool], to_file: bool) -> Self {
        let terminal = std::io::stderr().is_terminal() && !out.quiet;
        let single = jobs.len() == 1;
        let answers_to_stdout = !to_file && to_stdout.iter().all(|&s| s);
        let bars = terminal.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        let names: Vec<String> = jobs.iter().map(|j| j.prompt.name.clone()).collect();
        let state = names.iter().map(|_| JobState::default()).collect();
        Display {
            bars,
            names,
            printed: to_stdout.to_vec(),
            quiet: out.quiet,
            stream_stdout: single && answers_to_stdout,
            stream_stderr: single && terminal && !answers_to_stdout,
            state: Mutex::new(state),
        }
    }

    fn streamed_to_stdout(&self) -> bool {
        self.stream_stdout
    }

    fn progress(&self, index: usize) -> JobProgress<'_> {
        JobProgress {
            display: self,
            index,
        }
    }

    fn finish(&self) {
        if let Some(bars) = &self.bars {
            let _ = bars.clear();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<JobState>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct JobProgress<'d> {
    display: &'d Display,
    index: usize,
}

impl JobProgress<'_> {
    fn name(&self) -> &str {
        &self.display.names[self.index]
    }

    fn started(&self) {
        let Some(bars) = &self.display.bars else {
            return;
        };
        let bar = bars.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix:.bold} {wide_msg}")
                .expect("valid template"),
        );
        bar.set_prefix(self.name().to_string());
        bar.set_message("waiting for the first words…");
        bar.enable_steady_tick(Duration::from_millis(100));
        self.display.lock()[self.index].bar = Some(bar);
    }

    fn done(&self, result: &Result<llm::Answer, LlmError>) {
        let mut state = self.display.lock();
        let job = &mut state[self.index];
        let bar = job.bar.take();
        let d = self.display;
        if d.stream_stdout || d.stream_stderr {
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            if result.is_ok() {
                if d.stream_stdout {
                    outln!();
                } else {
                    errln!();
                }
            }
            return;
        }
        // Several prompts, or not a terminal: the complete answer as one block on stderr,
        // unless it goes to stdout anyway.
        if let Ok(answer) = result
            && !d.quiet
            && !d.printed[self.index]
        {
            let block = format!("==> {} <==\n{}\n", self.name(), answer.text.trim());
            match &d.bars {
                Some(bars) => bars.suspend(|| errln!("{block}")),
                None => errln!("{block}"),
            }
        }
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
    }
}

impl llm::Progress for JobProgress<'_> {
    fn text(&self, piece: &str) {
        let d = self.display;
        let mut state = d.lock();
        let job = &mut state[self.index];
        job.text.push_str(piece);
        if d.stream_stdout || d.stream_stderr {
            if !job.started {
                job.started = true;
                if let Some(bar) = job.bar.take() {
                    bar.finish_and_clear();
                }
            }
            if d.stream_stdout {
                let mut stdout = crate::ui::stdio::stdout();
                let _ = stdout.write_all(piece.as_bytes());
                let _ = stdout.flush();
            } else {
                errprint!("{piece}");
            }
            return;
        }
        if let Some(bar) = &job.bar {
            let tail: String = job
                .text
                .split_whitespace()
                .rev()
                .take(12)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join(" ");
            bar.set_message(format!("{} chars · …{tail}", job.text.chars().count()));
        }
    }

    fn retry(&self, error: &LlmError, wait: Duration) {
        self.note(&format!(
            "{error}; trying again in {:.1} s",
            wait.as_secs_f64()
        ));
    }

    fn note(&self, message: &str) {
        let message = format!("{}: {message}", self.name());
        match &self.display.bars {
            Some(bars) => bars.suspend(|| errln!("{message}")),
            None if !self.display.quiet => errln!("{message}"),
            None => {}
        }
    }
}
