//! `pirt cache` (where the corpus index is, how many files it holds) and `pirt cache clean`

use std::io::Write;
use std::process::ExitCode;

use crate::cmd::Output;
use crate::config::Config;
use crate::corpus::index::{self, Index};

pub fn run(config: &Config, clean: bool, out: &Output) -> anyhow::Result<ExitCode> {
    let mut stdout = crate::ui::stdio::stdout();
    if clean {
        match index::clean(config)? {
            Some((dir, files)) => writeln!(
                stdout,
                "removed {} ({files} file{})",
                crate::fsutil::shown(&dir).display(),
                if files == 1 { "" } else { "s" }
            )?,
            None => out.note(format!(
                "no cache in {}",
                crate::fsutil::shown(&index::cache_dir(config)).display()
            )),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let status = index::status(config);
    match status.files {
        Some(files) => writeln!(
            stdout,
            "{}: the corpus index of {files} file{} ({:.1} MB)",
            crate::fsutil::shown(&status.dir).display(),
            if files == 1 { "" } else { "s" },
            status.bytes as f64 / 1_048_576.0
        )?,
        None => writeln!(
            stdout,
            "{}: no corpus index yet (the next command that needs one builds it)",
            crate::fsutil::shown(&status.dir).display()
        )?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Tells what the index had to say: a rebuilt index unless `-q`, the rest with `-v`.
pub fn print_notes(index: &Index, out: &Output) {
    for note in &index.notes {
        if !note.verbose_only || out.verbose {
            out.note(&note.text);
        }
    }
}
