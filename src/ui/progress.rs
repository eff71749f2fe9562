//! How `pirt draft` shows answers while they arrive.
//!
//! One prompt on a terminal: a spinner until the first token, then the text as it comes.
//! Several: one line per prompt with a spinner and the latest words; each answer is printed
//! as its own block when it is complete. Not a terminal: each block once it is complete.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::draft::Job;
use crate::llm::{self, LlmError};
use crate::ui::Output;

/// Sends the jobs (`llm::complete_all`) while showing their progress. `to_stdout`: per job,
/// its answer is printed on standard output at the end; `to_file`: it goes to `-o FILE`.
/// Returns the results, and whether the single answer was already streamed to standard
/// output (then it is not printed again).
pub fn send(
    client: &llm::Client,
    jobs: &[Job],
    out: &Output,
    to_stdout: &[bool],
    to_file: bool,
) -> anyhow::Result<(Vec<llm::Completed>, bool)> {
    let names = jobs.iter().map(|j| j.prompt.name.clone()).collect();
    let display = Display::new(names, out, to_stdout, to_file);
    let requests: Vec<&llm::Request> = jobs.iter().map(|j| &j.request).collect();
    let concurrency = client.settings().concurrency;
    let finished = llm::complete_all(client, &requests, concurrency, |i| display.progress(i))?;
    display.finish();
    Ok((finished, display.streamed_to_stdout()))
}

/// The answers of one run on their way.
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
    /// `names`: the prompts, in order; `to_stdout`: per prompt, its answer is printed on
    /// standard output at the end anyway; `to_file`: the answer goes to `-o FILE`.
    fn new(names: Vec<String>, out: &Output, to_stdout: &[bool], to_file: bool) -> Self {
        let terminal = std::io::stderr().is_terminal() && !out.quiet;
        let single = names.len() == 1;
        let answers_to_stdout = !to_file && to_stdout.iter().all(|&s| s);
        let bars = terminal.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
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

    /// The single answer was streamed to standard output: it is not printed again.
    fn streamed_to_stdout(&self) -> bool {
        self.stream_stdout
    }

    /// What follows prompt `index`.
    fn progress(&self, index: usize) -> JobProgress<'_> {
        JobProgress {
            display: self,
            index,
        }
    }

    /// Clears the spinners.
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
}

impl llm::Progress for JobProgress<'_> {
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

    fn finished(&self, result: &Result<llm::Answer, LlmError>) {
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
