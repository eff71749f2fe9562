//! How a command talks to the user: notes on standard error (unless `--quiet`), a file's
//! warnings with their source lines, and whether colours are on.

use std::io::IsTerminal;

use crate::env::Env;
use crate::review::ReviewFile;

/// `--color`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Colours on a stream: always, never, or (auto) on a terminal unless `NO_COLOR`.
    pub fn on(self, env: &Env, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !env.no_color && terminal,
        }
    }
}

/// How the user wants to be talked to.
#[derive(Clone, Debug, Default)]
pub struct Output {
    pub quiet: bool,
    pub verbose: bool,
    /// Colours on standard error.
    pub color: bool,
    /// Colours on standard output (reports printed there).
    pub stdout_color: bool,
}

impl Output {
    pub fn new(quiet: bool, verbose: bool, colour: ColorChoice, env: &Env) -> Self {
        Output {
            quiet,
            verbose,
            color: colour.on(env, std::io::stderr().is_terminal()),
            stdout_color: colour.on(env, std::io::stdout().is_terminal()),
        }
    }

    /// A progress or result line on standard error, unless `--quiet`.
    pub fn note(&self, message: impl AsRef<str>) {
        if !self.quiet {
            errln!("{}", message.as_ref());
        }
    }

    /// A secret in a review that a page (`what`: "the page", "the site") publishes,
    /// masked, unless `--quiet`.
    pub fn published_secret(&self, path: &std::path::Path, line: usize, secret: &str, what: &str) {
        if !self.quiet {
            errln!(
                "warning: {}:{line}: holds a {secret}, which {what} publishes: rotate it and remove it (`pirt check` reports it)",
                path.display()
            );
        }
    }

    /// Prints the warnings found while parsing a file.
    pub fn warnings(&self, file: &ReviewFile) {
        if self.quiet {
            return;
        }
        for d in file.warnings() {
            let mut d = d.clone();
            d.attach_snippet(&file.text);
            errln!("{}", d.render(self.color));
        }
    }
}
