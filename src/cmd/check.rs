//! `pirt check [PATH...] [--format human|json|github|sarif] [--deny-warnings] [--as STATUS]
//! [--fix | --diff]`

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::io::Read as _;

use anyhow::{Context, bail};
use chrono::NaiveDate;

use crate::check::output::{self, Format};
use crate::check::{self, fix};
use crate::cmd::Output;
use crate::config::Config;
use crate::diagnostic::Level;
use crate::fsutil::{self, EditLock};
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
    let from_stdin = options.paths.iter().any(|p| p.as_os_str() == "-");
    if from_stdin && (options.paths.len() > 1 || options.fix || options.diff || options.in_folders)
    {
        bail!("`-` (standard input) is checked alone, without --fix, --diff or --in-folders");
    }
    // With no PATH the configured folders are the whole set.
    let whole = options.paths.is_empty();
    let paths = if whole {
        default_paths(config)?
    } else if options.in_folders {
        in_folders(config, &options.paths, out)?
    } else {
        options.paths.clone()
    };
    let mut fix_errors = 0;
    if options.fix || options.diff {
        let (fixed, errors) = fix_files(config, &paths, options.diff, out)?;
        for e in &errors {
            errln!("error: {e}");
        }
        fix_errors = errors.len();
        if options.diff {
            return Ok(ExitCode::from(match (errors.is_empty(), fixed) {
                (false, _) => 2,
                (true, 0) => 0,
                (true, _) => 1,
            }));
        }
    }
    let run = check::Run {
        today: options.today,
        now: options.now,
        as_status: options.as_status,
    };
    let report = if from_stdin {
        let Some(name) = &options.stdin_filename else {
            bail!(
                "checking standard input needs the file it stands for: pirt check - --stdin-filename postmortems/FILE.md"
            );
        };
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::stdin()
                .lock()
                .take(config.check.max_file_mb * 1024 * 1024 + 1),
            &mut bytes,
        )
        .context("reading standard input")?;
        if bytes.len() as u64 > config.check.max_file_mb.saturating_mul(1024 * 1024) {
            bail!(
                "standard input is over the {} MB limit ([check] max_file_mb in pirt.toml)",
                config.check.max_file_mb
            );
        }
        check::check_text(config, name, &bytes, run)
    } else {
        if options.stdin_filename.is_some() {
            bail!(
                "--stdin-filename names the file standard input stands for; pass `-` as the path"
            );
        }
        check::check_paths(config, &paths, run, whole)
    };
    let format = options.format;
    let mut stdout = crate::ui::stdio::stdout();
    let cwd = std::env::current_dir().unwrap_or_default();
    output::write(
        format,
        &report,
        out.stdout_color && format == Format::Human,
        &output::sarif_root(&cwd, &config.root),
        &mut stdout,
    )?;
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
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Applies the safe fixes to every review under `paths` (or, with `diff_only`, prints
/// them as a unified diff). Each file is locked, read, fixed, proven and written
/// atomically on its own; a file that cannot be fixed or written is reported and the others
/// are still fixed. Returns how many files were (or would be) changed, and the errors.
fn fix_files(
    config: &Config,
    paths: &[PathBuf],
    diff_only: bool,
    out: &Output,
) -> anyhow::Result<(usize, Vec<String>)> {
    let (files, mut errors) = check::collect_files(paths);
    let mut changed = 0;
    let mut stdout = crate::ui::stdio::stdout();
    for path in files
        .iter()
        .filter(|p| check::kind_of(config, p) == check::Kind::Review)
    {
        let lock = match (!diff_only).then(|| EditLock::acquire(path)).transpose() {
            Ok(lock) => lock,
            Err(e) => {
                errors.push(format!("{e:#}"));
                continue;
            }
        };
        let Ok(text) = crate::review::read_text(path, config.check.max_file_mb) else {
            continue; // check reports why it cannot be read
        };
        let fixed = match fix::fix(config, path, &text) {
            Ok(Some(fixed)) => fixed,
            Ok(None) | Err(fix::FixError::Unreadable) => continue,
            Err(e) => {
                errors.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        if diff_only {
            let shown = path.display().to_string();
            let shown = shown.trim_start_matches('/');
            let diff = similar::TextDiff::from_lines(&text, &fixed.text);
            write!(
                stdout,
                "{}",
                diff.unified_diff()
                    .context_radius(2)
                    .header(&format!("a/{shown}"), &format!("b/{shown}"))
            )?;
        } else if let Err(e) = fsutil::write_atomic(path, fixed.text.as_bytes()) {
            errors.push(format!("{e:#}"));
            continue;
        }
        drop(lock);
        changed += 1;
        for applied in &fixed.applied {
            out.note(format!(
                "{} {}:{}: {}",
                if diff_only { "would fix" } else { "fixed" },
                path.display(),
                applied.line,
                applied.what
            ));
        }
    }
    stdout.flush()?;
    if changed == 0 {
        out.note("nothing to fix");
    } else if diff_only {
        out.note(format!(
            "{changed} file{} would change; run `pirt check --fix` to apply",
            if changed == 1 { "" } else { "s" }
        ));
    }
    Ok((changed, errors))
}

/// The files under `paths` that are reviews or problem records by where they are: in the
/// configured folders. pre-commit passes every staged Markdown file (README.md, docs);
/// those are left out, and the hook follows whatever `[folders]` says.
fn in_folders(config: &Config, paths: &[PathBuf], out: &Output) -> anyhow::Result<Vec<PathBuf>> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let folders = [
        absolute(&config.reviews_dir()),
        absolute(&config.problems_dir()),
    ];
    let (files, errors) = check::collect_files(paths);
    if !errors.is_empty() {
        bail!("{}", errors.join("; "));
    }
    let (kept, skipped): (Vec<PathBuf>, Vec<PathBuf>) = files
        .into_iter()
        .partition(|f| folders.iter().any(|d| absolute(f).starts_with(d)));
    if out.verbose && !skipped.is_empty() {
        out.note(format!(
            "left out {} file{} outside {} and {}",
            skipped.len(),
            if skipped.len() == 1 { "" } else { "s" },
            config.reviews_dir().display(),
            config.problems_dir().display()
        ));
    }
    Ok(kept)
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
