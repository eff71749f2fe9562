//! `pirt site OUT_DIR [--title T] [--include-drafts]`

use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;

use crate::cmd::Output;
use crate::config::Config;

pub fn run(
    config: &Config,
    out_dir: &Path,
    title: &str,
    include_drafts: bool,
    today: NaiveDate,
    out: &Output,
) -> anyhow::Result<ExitCode> {
    let options = crate::insights::site::Options {
        title,
        today,
        include_drafts,
    };
    let built = crate::insights::site::build(config, out_dir, &options)?;
    for (path, line, secret) in &built.secrets {
        out.published_secret(crate::fsutil::shown(path), *line, secret, "the site");
    }
    if let Some(note) = crate::corpus::skipped_note(&built.skipped) {
        out.note(note);
    }
    if built.drafts_left_out > 0 {
        out.note(format!(
            "{} draft review{} left out (status: draft); pirt site --include-drafts publishes them, marked as drafts",
            built.drafts_left_out,
            if built.drafts_left_out == 1 { "" } else { "s" }
        ));
    }
    let counted = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    out.note(format!(
        "{}: {}, {}; {} written, {} unchanged{}",
        out_dir.display(),
        counted(built.reviews, "review"),
        counted(built.problems, "problem record"),
        counted(built.written, "page"),
        built.unchanged,
        if built.removed > 0 {
            format!(", {} removed", built.removed)
        } else {
            String::new()
        }
    ));
    Ok(ExitCode::SUCCESS)
}
