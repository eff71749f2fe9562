//! `pirt init [--eject]`

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::cmd::Output;
use crate::config::{Config, DEFAULT_TOML};
use crate::fsutil;

/// `explicit`: a config file was named (`--config`, `PIRT_CONFIG`); it is written if it
/// does not exist, and its folder is set up. Otherwise the working directory is.
pub fn run(
    explicit: Option<&Path>,
    cwd: &Path,
    eject: bool,
    out: &Output,
) -> anyhow::Result<ExitCode> {
    let toml = match explicit {
        Some(path) => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
        None => cwd.join("pirt.toml"),
    };
    if toml.exists() {
        out.note(format!("kept {} (it exists)", toml.display()));
    } else {
        fsutil::create_new(&toml, DEFAULT_TOML.as_bytes())?;
        out.note(format!("wrote {}", toml.display()));
    }
    let config = Config::load(&toml)?;
    for dir in [config.reviews_dir(), config.problems_dir()] {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        // git keeps no empty folder: an empty `.gitkeep` (not Markdown, so never checked
        // as a review) lets the layout be committed before the first review.
        let empty = std::fs::read_dir(&dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_none();
        if empty {
            fsutil::create_new(&dir.join(".gitkeep"), b"")?;
        }
        out.note(format!("folder {}", dir.display()));
    }
    if eject {
        for (path, text) in crate::assets::ejected(&config) {
            if path.exists() {
                out.note(format!("kept {} (it exists)", path.display()));
                continue;
            }
            fsutil::create_new(&path, text.as_bytes())?;
            out.note(format!("wrote {}", path.display()));
        }
        out.note("edit the files in .pirt/ to change what pirt writes; delete one to get the built-in back");
    }
    Ok(ExitCode::SUCCESS)
}
