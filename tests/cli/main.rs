//! Integration tests: the real binary on fixture files, with snapshots of what users see.

mod cache;
mod check;
mod draft;
mod errors;
mod gate;
mod hardening;
mod import;
mod init;
mod insights;
mod layers;
mod lsp;
mod man;
mod new;
mod pipes;
mod render;
mod timeline;
mod trackers;
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

/// Copies a folder tree (a fixture corpus into a scratch folder).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Front matter whose aliases expand to 9^9 values: the parser's budget must refuse it.
pub fn alias_bomb() -> String {
    let mut bomb = String::from("---\na: &a [x,x,x,x,x,x,x,x,x]\n");
    for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
        let prev = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
        bomb.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 9].join(",")
        ));
    }
    bomb.push_str("---\n");
    bomb
}
