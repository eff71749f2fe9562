//! Built-in templates and prompts, embedded from the top-level `templates/` and `prompts/`
//! folders, each replaceable by a file of the same name under `.pirt/`.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::config::Config;

/// Built-in templates: scaffolds for `pirt new` and renderers for `pirt render`.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "front-matter.md.j2",
        include_str!("../templates/front-matter.md.j2"),
    ),
    ("facts.md.j2", include_str!("../templates/facts.md.j2")),
    ("concise.md.j2", include_str!("../templates/concise.md.j2")),
    ("sre.md.j2", include_str!("../templates/sre.md.j2")),
    ("itil.md.j2", include_str!("../templates/itil.md.j2")),
    ("review.md.j2", include_str!("../templates/review.md.j2")),
    (
        "review.html.j2",
        include_str!("../templates/review.html.j2"),
    ),
    ("stats.html.j2", include_str!("../templates/stats.html.j2")),
    ("problem.md.j2", include_str!("../templates/problem.md.j2")),
    ("index.html.j2", include_str!("../templates/index.html.j2")),
    (
        "problem.html.j2",
        include_str!("../templates/problem.html.j2"),
    ),
    (
        "problems.html.j2",
        include_str!("../templates/problems.html.j2"),
    ),
];

/// Names of the built-in scaffold templates, for `pirt new --template`.
pub const SCAFFOLDS: &[&str] = &["concise", "sre", "itil"];

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

/// Looks up a template by file name: `.pirt/templates/NAME` first, then the built-in.
pub fn template(config: &Config, name: &str) -> anyhow::Result<Asset> {
    let user = config.override_dir("templates").join(name);
    if user.is_file() {
        return from_file(&user);
    }
    TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, text)| Asset {
            name: n.to_string(),
            text: Cow::Borrowed(text),
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
