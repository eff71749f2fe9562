//! `pirt render FILE... --format md|html|json|jsonl [-o OUT | --out-dir DIR] [--template PATH]`

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::cmd::Output;
use crate::config::Config;
use crate::corpus::{Index, Need, similar};
use crate::fsutil;
pub use crate::render::batch::Target;
use crate::render::batch::{self, JsonJoin};
use crate::render::{Format, Renderer};

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
    let json_lines = matches!(target, Target::Stdout { json_lines: true });
    let mut json = JsonJoin::new(json_lines, files.len());
    batch::check_destinations(&files, &target, format)?;
    let renderer = Renderer::new(config, format, template.as_deref())?;
    // Similar past incidents come from the corpus index (read once for all files).
    let index = match format {
        Format::Json => Index::default(),
        _ => Index::open(config, Need::FactsOnDemand),
    };
    super::cache::print_notes(&index, out);
    if let Target::Dir(dir) = &target {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // As listings, similar incidents leave out reviews with errors.
    let finder = similar::Finder::of_index(&index, files.len());
    // Pages are rendered in parallel (in chunks, to bound memory) and written in order.
    let mut stdout = crate::ui::stdio::stdout();
    let mut failed = 0;
    for chunk in files.chunks(256) {
        let pages = batch::render_all(config, &renderer, &finder, chunk, today);
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
            if !out.quiet {
                for (line, secret) in crate::check::secrets::described(config, &file.text) {
                    out.published_secret(path, line, &secret, "the page");
                }
            }
            match &target {
                Target::Stdout { .. } => {
                    let piece = match format {
                        Format::Json => json.piece(text)?,
                        _ => text,
                    };
                    stdout
                        .write_all(piece.as_bytes())
                        .context("writing to standard output")?;
                }
                Target::File(dest) => {
                    fsutil::write_generated(dest, text.as_bytes())?;
                    out.note(format!("wrote {}", dest.display()));
                }
                Target::Dir(dir) => {
                    let dest = batch::destination(dir, path, format);
                    fsutil::write_generated(&dest, text.as_bytes())?;
                    if out.verbose {
                        out.note(format!("wrote {}", dest.display()));
                    }
                }
            }
        }
    }
    if format == Format::Json && matches!(target, Target::Stdout { .. }) {
        stdout
            .write_all(json.end().as_bytes())
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
