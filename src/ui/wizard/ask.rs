//! One question on the terminal, with line editing (rustyline: Ctrl-U, Ctrl-W, Ctrl-A,
//! Ctrl-E, Alt-B/F and the other emacs keys), Tab completion, and the answer checked on
//! Enter: a rejected answer stays in the line with the reason under it, an accepted one is
//! echoed with what pirt understood (`00:05  → 2026-12-01 00:05 UTC`).

use rustyline::completion::Completer;
use rustyline::config::{Behavior, CompletionType, EditMode};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Editor};

/// The answer that goes back to the previous question.
pub const BACK: &str = "<";

/// Checks an answer: `Ok(Some(echo))` accepts it and shows the echo after it, `Err(reason)`
/// keeps it in the line to be fixed.
pub type Check<'a> = Box<dyn Fn(&str) -> Result<Option<String>, String> + 'a>;

pub struct Question<'a> {
    pub prompt: String,
    /// Shown above the prompt.
    pub help: String,
    /// The line as it starts: the previous answer when a question is asked again.
    pub initial: String,
    /// What Tab completes (the word after the last comma).
    pub choices: Vec<String>,
    pub check: Check<'a>,
}

pub enum Reply {
    Answer(String),
    Back,
}

struct Helper<'a> {
    choices: Vec<String>,
    check: Check<'a>,
    /// Check on Enter inside the editor; off on a plain terminal (see `plain_terminal`).
    inline: bool,
}

impl Completer for Helper<'_> {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        let head = &line[..pos];
        let start = head.rfind(',').map_or(0, |i| i + 1);
        let start = start + (head[start..].len() - head[start..].trim_start().len());
        let word = head[start..].to_ascii_lowercase();
        let found = self
            .choices
            .iter()
            .filter(|c| c.to_ascii_lowercase().starts_with(&word))
            .cloned()
            .collect();
        Ok((start, found))
    }
}

impl Hinter for Helper<'_> {
    type Hint = String;
}

impl Highlighter for Helper<'_> {}

impl Validator for Helper<'_> {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        if !self.inline || input.trim() == BACK {
            return Ok(ValidationResult::Valid(None));
        }
        Ok(match (self.check)(input) {
            Ok(None) => ValidationResult::Valid(None),
            Ok(Some(echo)) => ValidationResult::Valid(Some(format!("  → {echo}"))),
            Err(reason) => ValidationResult::Invalid(Some(format!("\n  ✗ {reason}"))),
        })
    }
}

impl rustyline::Helper for Helper<'_> {}

/// The terminal the questions are asked on.
pub struct Terminal<'a> {
    editor: Editor<Helper<'a>, DefaultHistory>,
    dim: bool,
    plain: bool,
}

impl<'a> Terminal<'a> {
    /// Opens the terminal (`/dev/tty`, so that standard output stays free for the path
    /// `pirt new` prints). `plain`: a terminal rustyline does not edit on (`TERM=dumb`,
    /// `cons25`, `emacs`): it reads plain lines, writes the prompt to standard output and,
    /// after a refused answer, appends the next line to it. There pirt prints the prompt
    /// itself (on standard error) and checks each line after it is read.
    pub fn open(color: bool, plain: bool) -> anyhow::Result<Self> {
        let config = rustyline::Config::builder()
            .behavior(Behavior::PreferTerm)
            .edit_mode(EditMode::Emacs)
            .completion_type(CompletionType::List)
            .auto_add_history(false)
            .build();
        let editor = Editor::with_config(config).map_err(unusable)?;
        Ok(Terminal {
            editor,
            dim: color,
            plain,
        })
    }

    /// A line of text above the questions (not an answer).
    pub fn say(&self, text: &str) {
        errln!("{text}");
    }

    pub fn ask(&mut self, question: Question<'a>) -> anyhow::Result<Reply> {
        if !question.help.is_empty() {
            if self.dim {
                errln!("\x1b[2m  {}\x1b[0m", question.help);
            } else {
                errln!("  {}", question.help);
            }
        }
        self.editor.set_helper(Some(Helper {
            choices: question.choices,
            check: question.check,
            inline: !self.plain,
        }));
        let prompt = format!("{} ", question.prompt);
        let initial = question.initial;
        let reply = loop {
            let line = if self.plain {
                // No line to pre-fill: an empty line keeps the earlier answer.
                if !initial.is_empty() {
                    errln!("  (Enter keeps `{initial}`)");
                }
                errprint!("{prompt}");
                self.editor.readline("").map(|l| {
                    if l.trim().is_empty() {
                        initial.clone()
                    } else {
                        l
                    }
                })
            } else {
                self.editor.readline_with_initial(&prompt, (&initial, ""))
            };
            let line = match line {
                Ok(line) if line.trim() == BACK => break Ok(Reply::Back),
                Ok(line) => line,
                Err(ReadlineError::Interrupted | ReadlineError::Eof) => {
                    break Err(anyhow::anyhow!("cancelled; nothing was written"));
                }
                Err(other) => break Err(unusable(other)),
            };
            if !self.plain {
                break Ok(Reply::Answer(line));
            }
            match self.editor.helper().map(|h| (h.check)(&line)) {
                Some(Err(reason)) => errln!("  ✗ {reason}"),
                Some(Ok(Some(echo))) => {
                    errln!("  → {echo}");
                    break Ok(Reply::Answer(line));
                }
                _ => break Ok(Reply::Answer(line)),
            }
        };
        self.editor.set_helper(None);
        reply
    }
}

fn unusable(err: ReadlineError) -> anyhow::Error {
    anyhow::anyhow!("cannot ask questions on this terminal ({err}); use --no-input and flags")
}
