//! `pirt check [PATH...] [--format human|json|github|sarif] [--deny-warnings]`

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use chrono::NaiveDate;

use crate::check::output::{self, Format};
use crate::check::{self};
use crate::cmd::Output;
use crate::config::Config;
use crate::diagnostic::Level;

pub fn run(
    config: &Config,
    paths: &[PathBuf],
    format: Format,
    deny_warnings: bool,
    today: NaiveDate,
    out: &Output,
) -> anyhow::Result<ExitCode> {
    // With no PATH the configured folders are the whole set.
    let whole = paths.is_empty();
    let paths = if whole {
        default_paths(config)?
    } else {
        paths.to_vec()
    };
    let report = check::check_paths(config, &paths, today, whole);
    let mut stdout = crate::ui::stdio::stdout();
    output::write(
        format,
        &report,
        out.stdout_color && format == Format::Human,
        &mut stdout,
    )?;
    stdout.flush()?;
    if format != Format::Human {
        out.note(output::summary_line(&report));
    }
    if !report.io_errors.is_empty() {
        for e in &report.io_errors {
            errln!("error: {e}");
        }
        return Ok(ExitCode::from(2));
    }
    let failing =
        report.count(Level::Error) > 0 || (deny_warnings && report.count(Level::Warning) > 0);
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The configured reviews and problems folders that exist, shown relative to the working
/// directory.
fn default_paths(config: &Config) -> anyhow::Result<Vec<PathBuf>> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = |p: PathBuf| -> PathBuf {
        p.strip_prefix(&cwd)
            .map(Path::to_path_buf)
            .ok()
            .filter(|r| !r.as_os_str().is_empty())
            .unwrap_or(p)
    };
    let paths: Vec<PathBuf> = [config.reviews_dir(), config.problems_dir()]
        .into_iter()
        .filter(|p| p.is_dir())
        .map(shown)
        .collect();
    if paths.is_empty() {
        bail!(
            "nothing to check: neither {} nor {} exists (run `pirt init`, or pass files or folders)",
            config.reviews_dir().display(),
            config.problems_dir().display()
        );
    }
    Ok(paths)
}
