//! `pirt schema [--problem] [-o FILE]`

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::cmd::Output;
use crate::config::Config;

pub fn run(
    config: &Config,
    problem: bool,
    output: Option<&Path>,
    out: &Output,
) -> anyhow::Result<ExitCode> {
    let schema = if problem {
        crate::schema::problem_schema()
    } else {
        crate::schema::review_schema(config)
    };
    let mut text = serde_json::to_vec_pretty(&schema).map_err(std::io::Error::from)?;
    text.push(b'\n');
    let Some(path) = output else {
        std::io::Write::write_all(&mut crate::ui::stdio::stdout(), &text)?;
        return Ok(ExitCode::SUCCESS);
    };
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create folder {}", folder.display()))?;
    }
    crate::fsutil::write_generated(path, &text)?;
    out.note(format!("wrote {}", path.display()));
    Ok(ExitCode::SUCCESS)
}
