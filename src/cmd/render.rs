//! `pirt render FILE... --format md|html|json|jsonl [-o OUT | --out-dir DIR] [--template PATH]`

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::cmd::Output;
use crate::config::Config;
use crate::fsutil;
use crate::render::{Format, Renderer};
use crate::review::ReviewFile;

pub enum Target {
    /// Standard output; `json_lines`: JSON as one compact document per line.
    Stdout {
        json_lines: bool,
    },
    File(PathBuf),
    Dir(PathBuf),
}

/// How JSON documents are printed on standard output: one document (a single file), one
/// array of documents (several files: what `json.load` and `jq` read), or one compact
/// document per line (`--format jsonl`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum JsonShape {
    Document,
    Array,
    Lines,
}

/// What `pirt render` was asked to do.
pub struct Options {
    pub files: Vec<PathBuf>,
    pub format: Format,
    pub target: Target,
    /// `--template PATH`.
    pub template: Option<PathBuf>,
    pub today: chrono::NaiveDate,
}

pub fn run(config: &Config, options: Options, out: &Output) -> anyhow::Result<ExitCode> {
    let Options {
        files,
        format,
        target,
        template,
        today,
    } = options;
    let (files, template) = (&files[..], template.as_deref());
    let json_lines = matches!(target, Target::Stdout { json_lines: true });
    let shape = match (json_lines, files.len()) {
        (true, _) => JsonShape::Lines,
        (false, 1) => JsonShape::Document,
        (false, _) => JsonShape::Array,
    };
    let mut printed = 0;
    if files.len() > 1 && matches!(target, Target::File(_)) {
        bail!(
            "-o writes one file; use --out-dir DIR to render {} reviews",
            files.len()
        );
    }
    check_destinations(files, &target, format)?;
    let renderer = Renderer::new(config, format, template)?;
    // Similar past incidents come from the reviews folder (read once for all files).
    let corpus = match format {
        Format::Json => Vec::new(),
        _ => crate::corpus::Corpus::load(config, &[], false).reviews,
    };
    if let Target::Dir(dir) = &target {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let index = crate::insights::similar::Index::new(&corpus);
    // Pages are rendered in parallel (in chunks, to bound memory) and written in order.
    let mut stdout = crate::ui::stdio::stdout();
    let mut failed = 0;
    for chunk in files.chunks(256) {
        use rayon::prelude::*;
        let pages: Vec<anyhow::Result<(ReviewFile, String)>> = chunk
            .par_iter()
            .map(|path| {
                let file = ReviewFile::load(path, config)?;
                let extras = crate::render::Extras {
                    similar: index.find(file.review(), config),
                    today: Some(today),
                    ..Default::default()
                };
                let text = renderer.render_with(file.review(), &extras)?;
                Ok((file, text))
            })
            .collect();
        for (path, page) in chunk.iter().zip(pages) {
            // With several files, one that cannot be read is reported and the others rendered.
            let (file, text) = match page {
                Ok(page) => page,
                Err(e) if files.len() > 1 => {
                    failed += 1;
                    errln!("{}", crate::error_text(&e));
                    continue;
                }
                Err(e) => return Err(e),
            };
            out.warnings(&file);
            match &target {
                Target::Stdout { .. } if format == Format::Json => {
                    let piece = match shape {
                        JsonShape::Document => text,
                        JsonShape::Lines => {
                            let value: serde_json::Value = serde_json::from_str(&text)?;
                            format!("{value}\n")
                        }
                        JsonShape::Array => format!(
                            "{}{}",
                            if printed == 0 { "[\n" } else { ",\n" },
                            text.trim_end()
                        ),
                    };
                    printed += 1;
                    stdout
                        .write_all(piece.as_bytes())
                        .context("writing to standard output")?;
                }
                Target::Stdout { .. } => stdout
                    .write_all(text.as_bytes())
                    .context("writing to standard output")?,
                Target::File(dest) => {
                    fsutil::write_generated(dest, text.as_bytes())?;
                    out.note(format!("wrote {}", dest.display()));
                }
                Target::Dir(dir) => {
                    let stem = path
                        .file_stem()
                        .map_or_else(|| "review".into(), |s| s.to_string_lossy().into_owned());
                    let dest = dir.join(format!("{stem}.{}", format.extension()));
                    fsutil::write_generated(&dest, text.as_bytes())?;
                    if out.verbose {
                        out.note(format!("wrote {}", dest.display()));
                    }
                }
            }
        }
    }
    if format == Format::Json
        && matches!(target, Target::Stdout { .. })
        && shape == JsonShape::Array
    {
        let end = if printed == 0 { "[]\n" } else { "\n]\n" };
        stdout
            .write_all(end.as_bytes())
            .context("writing to standard output")?;
    }
    if let Target::Dir(dir) = &target {
        out.note(format!(
            "rendered {} review(s) into {}",
            files.len() - failed,
            dir.display()
        ));
    }
    if failed > 0 {
        out.note(format!(
            "{failed} of {} files could not be rendered (errors above)",
            files.len()
        ));
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

fn dir_destination(dir: &Path, input: &Path, format: Format) -> PathBuf {
    let stem = input
        .file_stem()
        .map_or_else(|| "review".into(), |s| s.to_string_lossy().into_owned());
    dir.join(format!("{stem}.{}", format.extension()))
}

/// Refuses to write over an input, or twice to the same file in one run.
fn check_destinations(files: &[PathBuf], target: &Target, format: Format) -> anyhow::Result<()> {
    let canonical = |p: &Path| {
        p.canonicalize()
            .unwrap_or_else(|_| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
    };
    let inputs: Vec<PathBuf> = files.iter().map(|f| canonical(f)).collect();
    let destinations: Vec<PathBuf> = match target {
        Target::Stdout { .. } => return Ok(()),
        Target::File(dest) => vec![dest.clone()],
        Target::Dir(dir) => files
            .iter()
            .map(|f| dir_destination(dir, f, format))
            .collect(),
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
