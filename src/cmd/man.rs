//! `pirt man [--dir DIR]`: prints pirt.1, or writes every page into a folder. The pages
//! themselves are made from the argument definitions (`cli::man`).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::cmd::Output;

/// One man page: its file name (`pirt-timeline-add.1`) and its roff source.
pub struct Page {
    pub file_name: String,
    pub text: String,
}

pub fn run(pages: &[Page], dir: Option<&Path>, out: &Output) -> anyhow::Result<ExitCode> {
    let Some(dir) = dir else {
        let page = pages[0].text.as_bytes();
        std::io::Write::write_all(&mut crate::ui::stdio::stdout(), page)?;
        return Ok(ExitCode::SUCCESS);
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create folder {}", dir.display()))?;
    for page in pages {
        let path = dir.join(&page.file_name);
        crate::fsutil::write_generated(&path, page.text.as_bytes())?;
        if out.verbose {
            out.note(format!("wrote {}", path.display()));
        }
    }
    out.note(format!(
        "wrote {} man pages into {}",
        pages.len(),
        dir.display()
    ));
    Ok(ExitCode::SUCCESS)
}
