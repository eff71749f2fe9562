//! `pirt site OUT_DIR [--title T]`

use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;

use crate::cmd::Output;
use crate::config::Config;

pub fn run(
    config: &Config,
    out_dir: &Path,
    title: &str,
    today: NaiveDate,
    out: &Output,
) -> anyhow::Result<ExitCode> {
    let built = crate::insights::site::build(config, out_dir, title, today)?;
    if let Some(note) = crate::corpus::skipped_note(&built.skipped) {
        out.note(note);
    }
    out.note(format!(
        "{}: {} reviews, {} problem records; {} page(s) written, {} unchanged{}",
        out_dir.display(),
        built.reviews,
        built.problems,
        built.written,
        built.unchanged,
        if built.removed > 0 {
            format!(", {} removed", built.removed)
        } else {
            String::new()
        }
    ));
    Ok(ExitCode::SUCCESS)
}
