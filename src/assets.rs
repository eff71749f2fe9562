//! The one registry of built-in assets: templates (scaffolds for `pirt new`, renderers for
//! `pirt render` and the site) and prompts (`pirt draft`). For each asset it says its
//! built-in text (embedded from the top-level `templates/` and `prompts/` folders), the
//! user file that replaces it (`.pirt/templates/NAME`, `.pirt/prompts/NAME.md`: the user
//! file is read first), what `pirt init --eject` copies, and which user files add assets
//! of their own.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::config::Config;

/// The two kinds of asset, each in its own folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Template,
    Prompt,
}

impl Kind {
    /// The folder under `.pirt/` (and at the top of the source tree).
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Template => "templates",
            Kind::Prompt => "prompts",
        }
    }
}

/// One built-in asset.
#[derive(Debug)]
pub struct BuiltIn {
    pub kind: Kind,
    /// Its file name: `review.html.j2`, `summary.md`.
    pub file: &'static str,
    pub text: &'static str,
}

impl BuiltIn {
    /// The name it is asked for by: the file name, without `.md` for a prompt.
    pub fn name(&self) -> &'static str {
        match self.kind {
            Kind::Template => self.file,
            Kind::Prompt => self.file.trim_end_matches(".md"),
        }
    }
}

macro_rules! built_in {
    ($kind:ident, $folder:literal, $file:literal) => {
        BuiltIn {
            kind: Kind::$kind,
            file: $file,
            text: include_str!(concat!("../", $folder, "/", $file)),
        }
    };
}

/// Every built-in asset, templates first; prompts in the order `pirt draft --list` shows.
const BUILT_INS: &[BuiltIn] = &[
    built_in!(Template, "templates", "front-matter.md.j2"),
    built_in!(Template, "templates", "facts.md.j2"),
    built_in!(Template, "templates", "concise.md.j2"),
    built_in!(Template, "templates", "sre.md.j2"),
    built_in!(Template, "templates", "itil.md.j2"),
    built_in!(Template, "templates", "review.md.j2"),
    built_in!(Template, "templates", "review.html.j2"),
    built_in!(Template, "templates", "stats.html.j2"),
    built_in!(Template, "templates", "problem.md.j2"),
    built_in!(Template, "templates", "index.html.j2"),
    built_in!(Template, "templates", "problem.html.j2"),
    built_in!(Template, "templates", "problems.html.j2"),
    built_in!(Prompt, "prompts", "summary.md"),
    built_in!(Prompt, "prompts", "impact.md"),
    built_in!(Prompt, "prompts", "root-cause.md"),
    built_in!(Prompt, "prompts", "action-items.md"),
    built_in!(Prompt, "prompts", "timeline.md"),
    built_in!(Prompt, "prompts", "lessons.md"),
    built_in!(Prompt, "prompts", "problem-handoff.md"),
    built_in!(Prompt, "prompts", "status-update.md"),
    built_in!(Prompt, "prompts", "exec-brief.md"),
];

/// Names of the built-in scaffold templates, for `pirt new --template`.
pub const SCAFFOLDS: &[&str] = &["concise", "sre", "itil"];

/// The built-ins of one kind, in order.
pub fn built_ins(kind: Kind) -> impl Iterator<Item = &'static BuiltIn> {
    BUILT_INS.iter().filter(move |b| b.kind == kind)
}

/// The built-in of `kind` asked for by `name` (see [`BuiltIn::name`]).
pub fn built_in(kind: Kind, name: &str) -> Option<&'static BuiltIn> {
    built_ins(kind).find(|b| b.name() == name)
}

/// The user file that replaces (or adds) the asset of `kind` in file `file`.
pub fn user_path(config: &Config, kind: Kind, file: &str) -> PathBuf {
    config.override_dir(kind.folder()).join(file)
}

/// Every built-in with the user file `pirt init --eject` copies it to.
pub fn ejected(config: &Config) -> Vec<(PathBuf, &'static str)> {
    BUILT_INS
        .iter()
        .map(|b| (user_path(config, b.kind, b.file), b.text))
        .collect()
}

/// The user's own assets of `kind`: the files of its `.pirt/` folder ending in
/// `extension` that replace no built-in (name, path), in no particular order.
pub fn additions(
    config: &Config,
    kind: Kind,
    extension: &str,
) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let dir = config.override_dir(kind.folder());
    let mut found = Vec::new();
    if !dir.is_dir() {
        return Ok(found);
    }
    let entries =
        std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?;
    for entry in entries {
        let path = entry
            .with_context(|| format!("cannot list {}", dir.display()))?
            .path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(extension))
        else {
            continue;
        };
        if built_in(kind, name).is_some() || !path.is_file() {
            continue;
        }
        found.push((name.to_string(), path));
    }
    Ok(found)
}

/// Where an asset came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    BuiltIn,
    File(PathBuf),
}

/// A template's text and where it came from.
#[derive(Clone, Debug)]
pub struct Asset {
    pub name: String,
    pub text: Cow<'static, str>,
    pub origin: Origin,
}

impl Asset {
    /// For messages: `built-in NAME`, or the file's path.
    pub fn shown(&self) -> String {
        match &self.origin {
            Origin::BuiltIn => format!("built-in {}", self.name),
            Origin::File(path) => path.display().to_string(),
        }
    }
}

/// Looks up a template by file name: `.pirt/templates/NAME` first, then the built-in.
pub fn template(config: &Config, name: &str) -> anyhow::Result<Asset> {
    let user = user_path(config, Kind::Template, name);
    if user.is_file() {
        return from_file(&user);
    }
    built_in(Kind::Template, name)
        .map(|b| Asset {
            name: b.file.to_string(),
            text: Cow::Borrowed(b.text),
            origin: Origin::BuiltIn,
        })
        .with_context(|| {
            format!(
                "no template named {name} (looked in {} and the built-ins)",
                user.display()
            )
        })
}

/// Reads a template given as a path (`--template PATH`).
pub fn from_file(path: &Path) -> anyhow::Result<Asset> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read template {}", path.display()))?;
    Ok(Asset {
        name: path
            .file_name()
            .map_or_else(|| "template".into(), |n| n.to_string_lossy().into_owned()),
        text: Cow::Owned(text),
        origin: Origin::File(path.to_path_buf()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_file_comes_first_and_additions_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            root: dir.path().to_path_buf(),
            ..Config::default()
        };
        assert_eq!(
            template(&config, "review.md.j2").unwrap().origin,
            Origin::BuiltIn
        );
        let own = user_path(&config, Kind::Template, "review.md.j2");
        std::fs::create_dir_all(own.parent().unwrap()).unwrap();
        std::fs::write(&own, "mine").unwrap();
        let asset = template(&config, "review.md.j2").unwrap();
        assert_eq!(
            (asset.text.as_ref(), asset.origin),
            ("mine", Origin::File(own))
        );
        let prompts = user_path(&config, Kind::Prompt, "x.md");
        std::fs::create_dir_all(prompts.parent().unwrap()).unwrap();
        std::fs::write(&prompts, "p").unwrap();
        std::fs::write(user_path(&config, Kind::Prompt, "summary.md"), "p").unwrap();
        let added = additions(&config, Kind::Prompt, ".md").unwrap();
        assert_eq!(added, vec![("x".to_string(), prompts)]);
        assert_eq!(ejected(&config).len(), 21);
        assert_eq!(
            built_in(Kind::Prompt, "summary").unwrap().file,
            "summary.md"
        );
        assert!(built_in(Kind::Template, "summary").is_none());
    }
}
