//! `pirt lsp`: the language server on standard input and output.

use std::process::ExitCode;

use crate::env::Env;

pub fn run(env: &Env) -> anyhow::Result<ExitCode> {
    let input = std::io::BufReader::new(std::io::stdin());
    let output = std::io::stdout().lock();
    let clean = crate::lsp::serve(input, output, env)?;
    Ok(ExitCode::from(if clean { 0 } else { 1 }))
}
