//! Integration tests: the real binary on fixture files, with snapshots of what users see.

mod check;
mod draft;
mod errors;
mod hardening;
mod insights;
mod new;
mod render;
mod timeline;
mod wizard;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The pirt binary, run in `dir`, with no config or colour leaking in from the environment.
pub fn pirt(dir: &Path) -> Command {
    let mut cmd = Command::new(insta_cmd::get_cargo_bin("pirt"));
    cmd.current_dir(dir)
        .env_remove("PIRT_CONFIG")
        .env_remove("PIRT_LLM_PROVIDER")
        .env_remove("PIRT_LLM_BASE_URL")
        .env_remove("PIRT_LLM_MODEL")
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("ANTHROPIC_BASE_URL")
        .env("NO_COLOR", "1")
        .env("TZ", "UTC");
    cmd
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A scratch folder holding copies of the named fixtures and the fixtures' pirt.toml.
pub fn scratch(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixtures().join("pirt.toml"), dir.path().join("pirt.toml")).unwrap();
    for name in files {
        let target = dir.path().join(name);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(fixtures().join(name), target).unwrap();
    }
    dir
}
