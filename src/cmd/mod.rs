//! One module per subcommand: load what it needs, call the domain, print.

pub mod cache;
pub mod check;
pub mod draft;
pub mod init;
pub mod new;
pub mod problem;
pub mod render;
pub mod site;
pub mod stats;
pub mod timeline;

use crate::review::ReviewFile;

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
    /// A progress or result line on standard error, unless `--quiet`.
    pub fn note(&self, message: impl AsRef<str>) {
        if !self.quiet {
            errln!("{}", message.as_ref());
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
