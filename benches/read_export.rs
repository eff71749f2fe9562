//! `pirt-read-export FORMAT FILE [--all]`: reads one export with the reader of FORMAT
//! (`pagerduty`, `alertmanager`, `statuspage`, `slack`) and prints what it made of it, so
//! that benches/import-pagerduty.sh can time a reader before `pirt timeline import` uses it.

use std::path::Path;
use std::process::ExitCode;

use pirt::sources::{Format, Options, read};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(format), Some(file)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: pirt-read-export FORMAT FILE [--all]");
        return ExitCode::from(2);
    };
    let Some(format) = Format::parse(format) else {
        eprintln!("unknown format {format}");
        return ExitCode::from(2);
    };
    let options = Options {
        all: args.iter().any(|a| a == "--all"),
        ..Options::default()
    };
    match read(Path::new(file), format, &options) {
        Ok(export) => {
            let skipped: usize = export.skipped.iter().map(|(_, n)| n).sum();
            println!(
                "{}: {} records, {} lifecycle times, {skipped} skipped, {} problems",
                export.what,
                export.records.len(),
                export.lifecycle.len(),
                export.problems.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
