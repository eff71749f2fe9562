//! `pirt init [--eject]`

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::assets::TEMPLATES;
use crate::cmd::Output;
use crate::config::{Config, DEFAULT_TOML};
use crate::fsutil;

pub fn run(config: &Config, cwd: &Path, eject: bool, out: &Output) -> anyhow::Result<ExitCode> {
    // `init` sets up the current folder unless a config elsewhere was named explicitly.
    let root = match &config.path {
        Some(path) if !path.starts_with(cwd) => cwd.to_path_buf(),
        Some(_) => config.root.clone(),
        None => cwd.to_path_buf(),
    };
    let toml = root.join("pirt.toml");
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
        out.note(format!("folder {}", dir.display()));
    }
    if eject {
        let dir = config.override_dir("templates");
        for (name, text) in TEMPLATES {
            let path = dir.join(name);
            if path.exists() {
                out.note(format!("kept {} (it exists)", path.display()));
                continue;
            }
            fsutil::create_new(&path, text.as_bytes())?;
            out.note(format!("wrote {}", path.display()));
        }
        std::fs::create_dir_all(config.override_dir("prompts"))?;
        out.note("edit the files in .pirt/ to change what pirt writes; delete one to get the built-in back");
    }
    Ok(ExitCode::SUCCESS)
}
