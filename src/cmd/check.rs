//! `pirt check [PATH...] [--format human|json|github|sarif] [--deny-warnings] [--as STATUS]
//! [--fix | --diff]`

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use chrono::NaiveDate;

use crate::check::output::{self, Format};
use crate::check::{self, fix, select};
use crate::cmd::Output;
use crate::config::Config;
use crate::corpus::{Index, Need};
use crate::diagnostic::Level;
use crate::review::Status;

/// What `pirt check` was asked to do.
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub deny_warnings: bool,
    /// Judge every review as if it had this status (`--as in-review`).
    pub as_status: Option<Status>,
    /// Apply the safe fixes before checking (`--fix`).
    pub fix: bool,
    /// Print the fixes as a diff and change nothing (`--diff`).
    pub diff: bool,
    /// Keep only the given files that lie in the configured folders (`--in-folders`).
    pub in_folders: bool,
    /// With the path `-`: check standard input as if it were this file.
    pub stdin_filename: Option<PathBuf>,
    pub today: NaiveDate,
    /// Now, for times in the future.
    pub now: chrono::DateTime<chrono::Utc>,
}

pub fn run(config: &Config, options: Options, out: &Output) -> anyhow::Result<ExitCode> {
    if options.diff && options.format != Format::Human {
        bail!("--diff prints a diff, not a report: leave out --format");
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let given = select::Given {
        paths: &options.paths,
        in_folders: options.in_folders,
        fixing: options.fix || options.diff,
        stdin_filename: options.stdin_filename.as_deref(),
    };
    let input = select::input(config, &cwd, &given)?;
    if let select::Input::Files { skipped, .. } = input
        && out.verbose
        && skipped > 0
    {
        out.note(select::skipped_note(config, skipped));
    }
    let mut fix_errors = 0;
    if let select::Input::Files { paths, .. } = &input
        && (options.fix || options.diff)
    {
        let (fixed, errors) = fix::fix_files(config, paths, options.diff);
        print_fixes(&fixed, options.diff, out)?;
        for e in &errors {
            errln!("error: {e}");
        }
        fix_errors = errors.len();
        if options.diff {
            return Ok(ExitCode::from(fix::diff_exit_code(&fixed, &errors)));
        }
    }
    let run = check::Run {
        today: options.today,
        now: options.now,
        as_status: options.as_status,
    };
    let report = match &input {
        select::Input::Stdin(name) => {
            let bytes = select::read_input(std::io::stdin().lock(), config.check.max_file_mb)?;
            let index = open_index(config, out);
            check::check_text(config, name, &bytes, run, Some(&index))
        }
        select::Input::Files { paths, whole, .. } => {
            // A subset is checked against the other files, as the index knows them.
            let index = (!whole).then(|| open_index(config, out));
            check::check_paths(config, paths, run, index.as_ref())
        }
    };
    let format = options.format;
    let mut stdout = crate::ui::stdio::stdout();
    let colour = out.stdout_color && format == Format::Human;
    let root = output::sarif_root(&cwd, &config.root);
    output::write(format, &report, colour, &root, &mut stdout)?;
    stdout.flush()?;
    if format != Format::Human {
        out.note(output::summary_line(&report));
    }
    if !report.io_errors.is_empty() || fix_errors > 0 {
        for e in &report.io_errors {
            errln!("error: {e}");
        }
        return Ok(ExitCode::from(2));
    }
    let failing = report.count(Level::Error) > 0
        || (options.deny_warnings && report.count(Level::Warning) > 0);
    Ok(ExitCode::from(u8::from(failing)))
}

/// The corpus index the cross-file rules check a subset (or standard input) against.
fn open_index(config: &Config, out: &Output) -> Index {
    let index = Index::open(config, Need::IdsOnDemand);
    super::cache::print_notes(&index, out);
    index
}

/// The fixes made (or, with `diff`, the diff that would make them) and what each did.
fn print_fixes(fixed: &[fix::FixedFile], diff: bool, out: &Output) -> anyhow::Result<()> {
    let mut stdout = crate::ui::stdio::stdout();
    for file in fixed {
        if let Some(diff) = &file.diff {
            write!(stdout, "{diff}")?;
        }
        for applied in &file.applied {
            let done = if diff { "would fix" } else { "fixed" };
            let shown = file.path.display();
            out.note(format!("{done} {shown}:{}: {}", applied.line, applied.what));
        }
    }
    stdout.flush()?;
    if fixed.is_empty() {
        out.note("nothing to fix");
    } else if diff {
        out.note(format!(
            "{} file{} would change; run `pirt check --fix` to apply",
            fixed.len(),
            if fixed.len() == 1 { "" } else { "s" }
        ));
    }
    Ok(())
}

/// A check in SARIF that could not run: code scanning must see the failure, a valid SARIF
/// log that records it, never an empty file that reads as a clean scan. Exit 2.
pub fn sarif_failed(error: &anyhow::Error, cwd: &Path) -> anyhow::Result<ExitCode> {
    let log = output::sarif_failure(&crate::error_text(error), &output::sarif_root(cwd, cwd));
    let mut stdout = crate::ui::stdio::stdout();
    serde_json::to_writer_pretty(&mut stdout, &log).map_err(std::io::Error::from)?;
    stdout.write_all(b"\n")?;
    errln!("{}", crate::error_text(error));
    Ok(ExitCode::from(2))
}
