//! Rendering many reviews in one run (`pirt render FILE...`): where each page goes, in
//! parallel chunks that bound memory, and how JSON documents are joined on standard output.

use std::path::{Path, PathBuf};

use anyhow::bail;

use super::{Extras, Format, Renderer};
use crate::config::Config;
use crate::corpus::Kind;
use crate::corpus::similar::Finder;
use crate::review::ReviewFile;

/// Where the rendered pages go.
pub enum Target {
    /// Standard output; `json_lines`: JSON as one compact document per line.
    Stdout {
        json_lines: bool,
    },
    File(PathBuf),
    Dir(PathBuf),
}

/// The file `input` is rendered to in `dir`: its stem with the format's extension.
pub fn destination(dir: &Path, input: &Path, format: Format) -> PathBuf {
    let stem = input
        .file_stem()
        .map_or_else(|| "review".into(), |s| s.to_string_lossy().into_owned());
    dir.join(format!("{stem}.{}", format.extension()))
}

/// Refuses to write over an input, or twice to the same file in one run.
pub fn check_destinations(
    files: &[PathBuf],
    target: &Target,
    format: Format,
) -> anyhow::Result<()> {
    if files.len() > 1 && matches!(target, Target::File(_)) {
        bail!(
            "-o writes one file; use --out-dir DIR to render {} reviews",
            files.len()
        );
    }
    let canonical = |p: &Path| {
        p.canonicalize()
            .unwrap_or_else(|_| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
    };
    let inputs: Vec<PathBuf> = files.iter().map(|f| canonical(f)).collect();
    let destinations: Vec<PathBuf> = match target {
        Target::Stdout { .. } => return Ok(()),
        Target::File(dest) => vec![dest.clone()],
        Target::Dir(dir) => files.iter().map(|f| destination(dir, f, format)).collect(),
    };
    let mut seen = std::collections::HashMap::new();
    for (i, dest) in destinations.iter().enumerate() {
        let resolved = canonical(dest);
        if inputs.contains(&resolved) {
            bail!(
                "{} is one of the reviews being rendered; choose another output",
                dest.display()
            );
        }
        if let Some(first) = seen.insert(resolved, i) {
            bail!(
                "{} and {} would both be written to {}; render them into different folders",
                files[first].display(),
                files[i].display(),
                dest.display()
            );
        }
    }
    Ok(())
}

/// Renders `paths` in parallel, each with the similar past incidents `finder` finds; the
/// pages come back in the order of `paths`.
pub fn render_all(
    config: &Config,
    renderer: &Renderer,
    finder: &Finder,
    paths: &[PathBuf],
    today: chrono::NaiveDate,
) -> Vec<anyhow::Result<(ReviewFile, String)>> {
    use rayon::prelude::*;
    paths
        .par_iter()
        .map(|path| {
            let file = ReviewFile::load(path, config).map_err(|e| {
                if path.is_file() && crate::corpus::kind_of(config, path) == Kind::Problem {
                    anyhow::anyhow!(
                        "{} is a problem record (it is in the problems folder, {}): `pirt render` takes reviews; `pirt site` publishes problem records as pages, and `pirt problem list` lists them",
                        path.display(),
                        crate::fsutil::shown(&crate::corpus::files::absolute(&config.problems_dir()))
                            .display()
                    )
                } else {
                    e
                }
            })?;
            let extras = Extras {
                similar: finder.find(file.review(), config),
                today: Some(today),
                ..Default::default()
            };
            let text = renderer.render_with(file.review(), &extras)?;
            Ok((file, text))
        })
        .collect()
}

/// How JSON documents are joined on standard output: one document (a single file), one
/// array of documents (several files: what `json.load` and `jq` read), or one compact
/// document per line (`--format jsonl`).
pub struct JsonJoin {
    shape: Shape,
    printed: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Document,
    Array,
    Lines,
}

impl JsonJoin {
    pub fn new(json_lines: bool, files: usize) -> Self {
        let shape = match (json_lines, files) {
            (true, _) => Shape::Lines,
            (false, 1) => Shape::Document,
            (false, _) => Shape::Array,
        };
        JsonJoin { shape, printed: 0 }
    }

    /// What to print for the next document.
    pub fn piece(&mut self, document: String) -> anyhow::Result<String> {
        let piece = match self.shape {
            Shape::Document => document,
            Shape::Lines => {
                let value: serde_json::Value = serde_json::from_str(&document)?;
                format!("{value}\n")
            }
            Shape::Array => format!(
                "{}{}",
                if self.printed == 0 { "[\n" } else { ",\n" },
                document.trim_end()
            ),
        };
        self.printed += 1;
        Ok(piece)
    }

    /// What to print after the last document (the end of the array).
    pub fn end(&self) -> &'static str {
        match (self.shape, self.printed) {
            (Shape::Array, 0) => "[]\n",
            (Shape::Array, _) => "\n]\n",
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_documents_are_one_array_and_lines_are_compact() {
        let mut join = JsonJoin::new(false, 2);
        let doc = "{\n  \"a\": 1\n}\n".to_string();
        let mut text = join.piece(doc.clone()).unwrap() + &join.piece(doc.clone()).unwrap();
        text.push_str(join.end());
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value.as_array().unwrap().len(), 2);
        assert_eq!(JsonJoin::new(false, 3).end(), "[]\n");
        let mut lines = JsonJoin::new(true, 2);
        assert_eq!(lines.piece(doc.clone()).unwrap(), "{\"a\":1}\n");
        assert_eq!(lines.end(), "");
        assert_eq!(JsonJoin::new(false, 1).piece(doc.clone()).unwrap(), doc);
    }

    #[test]
    fn an_input_is_never_a_destination() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("r.md");
        std::fs::write(&input, "x").unwrap();
        let files = vec![input.clone()];
        let error = check_destinations(&files, &Target::Dir(dir.path().into()), Format::Markdown)
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("is one of the reviews being rendered")
        );
        let two = vec![input.clone(), dir.path().join("b/r.md")];
        let error = check_destinations(&two, &Target::Dir("out".into()), Format::Html).unwrap_err();
        assert!(error.to_string().contains("would both be written to"));
    }
}
