//! Which files `pirt check` reads: the configured folders by default, only the given files
//! inside them with `--in-folders`, or standard input standing for one file.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::config::Config;

/// What `pirt check` was given to read, before anything is read.
pub struct Given<'a> {
    pub paths: &'a [PathBuf],
    /// `--in-folders`.
    pub in_folders: bool,
    /// `--fix` or `--diff`: the files are (to be) changed.
    pub fixing: bool,
    /// `--stdin-filename`.
    pub stdin_filename: Option<&'a Path>,
}

/// Where the reviews to check come from.
pub enum Input {
    /// Standard input, standing for this file.
    Stdin(PathBuf),
    /// Files and folders: `whole` when they are the configured folders (no PATH given);
    /// `skipped`: the given files left out by `--in-folders`.
    Files {
        paths: Vec<PathBuf>,
        whole: bool,
        skipped: usize,
    },
}

/// Validates what was given and chooses the files: the configured folders when no PATH
/// is given, only those inside them with `--in-folders`, or standard input (`-`) alone.
pub fn input(config: &Config, cwd: &Path, given: &Given) -> anyhow::Result<Input> {
    let from_stdin = given.paths.iter().any(|p| p.as_os_str() == "-");
    if from_stdin && (given.paths.len() > 1 || given.fixing || given.in_folders) {
        bail!("`-` (standard input) is checked alone, without --fix, --diff or --in-folders");
    }
    match (from_stdin, given.stdin_filename) {
        (true, Some(name)) => return Ok(Input::Stdin(name.to_path_buf())),
        (true, None) => bail!(
            "checking standard input needs the file it stands for: pirt check - --stdin-filename postmortems/FILE.md"
        ),
        (false, Some(_)) => {
            bail!("--stdin-filename names the file standard input stands for; pass `-` as the path")
        }
        (false, None) => {}
    }
    let whole = given.paths.is_empty();
    let (paths, skipped) = if whole {
        (default_paths(config, cwd)?, 0)
    } else if given.in_folders {
        in_folders(config, given.paths)?
    } else {
        (given.paths.to_vec(), 0)
    };
    Ok(Input::Files {
        paths,
        whole,
        skipped,
    })
}

/// The note on the files `--in-folders` left out.
pub fn skipped_note(config: &Config, skipped: usize) -> String {
    format!(
        "left out {skipped} file{} outside {} and {}",
        if skipped == 1 { "" } else { "s" },
        config.reviews_dir().display(),
        config.problems_dir().display()
    )
}

/// The configured reviews and problems folders that exist, shown relative to `cwd`.
pub fn default_paths(config: &Config, cwd: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let shown = |p: PathBuf| -> PathBuf {
        p.strip_prefix(cwd)
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

/// The files under `paths` that are reviews or problem records by where they are: in the
/// configured folders, and how many were left out. pre-commit passes every staged Markdown
/// file (README.md, docs); those are left out, and the hook follows whatever `[folders]`
/// says.
pub fn in_folders(config: &Config, paths: &[PathBuf]) -> anyhow::Result<(Vec<PathBuf>, usize)> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let folders = [
        absolute(&config.reviews_dir()),
        absolute(&config.problems_dir()),
    ];
    let (files, errors) = crate::corpus::collect_files(paths);
    if !errors.is_empty() {
        bail!("{}", errors.join("; "));
    }
    let (kept, skipped): (Vec<PathBuf>, Vec<PathBuf>) = files
        .into_iter()
        .partition(|f| folders.iter().any(|d| absolute(f).starts_with(d)));
    Ok((kept, skipped.len()))
}

/// The text an editor pipes in (`pirt check - --stdin-filename FILE`), at most
/// `[check] max_file_mb`.
pub fn read_input(input: impl Read, max_mb: u64) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    input
        .take(max_mb * 1024 * 1024 + 1)
        .read_to_end(&mut bytes)
        .context("reading standard input")?;
    if bytes.len() as u64 > max_mb.saturating_mul(1024 * 1024) {
        bail!("standard input is over the {max_mb} MB limit ([check] max_file_mb in pirt.toml)");
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_input_is_refused_over_the_limit() {
        assert_eq!(read_input(&b"---\n"[..], 1).unwrap(), b"---\n");
        let big = vec![b'x'; 1024 * 1024 + 1];
        let error = read_input(&big[..], 1).unwrap_err().to_string();
        assert!(error.contains("over the 1 MB limit"), "{error}");
    }

    #[test]
    fn only_files_in_the_configured_folders_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            root: dir.path().to_path_buf(),
            ..Config::default()
        };
        let reviews = config.reviews_dir();
        std::fs::create_dir_all(&reviews).unwrap();
        std::fs::write(reviews.join("r.md"), "x").unwrap();
        std::fs::write(dir.path().join("README.md"), "x").unwrap();
        let given = [reviews.join("r.md"), dir.path().join("README.md")];
        let (kept, skipped) = in_folders(&config, &given).unwrap();
        assert_eq!((kept, skipped), (vec![reviews.join("r.md")], 1));
        assert_eq!(default_paths(&config, dir.path()).unwrap().len(), 1);
    }
}
