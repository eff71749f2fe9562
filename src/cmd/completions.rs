//! `pirt completions SHELL`: prints the script (made from the argument definitions in
//! `cli`).

use std::process::ExitCode;

pub fn run(script: &[u8]) -> anyhow::Result<ExitCode> {
    std::io::Write::write_all(&mut crate::ui::stdio::stdout(), script)?;
    Ok(ExitCode::SUCCESS)
}
