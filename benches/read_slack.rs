//! Times the Slack reader alone, until `pirt timeline import` runs it:
//! `pirt-read-slack PATH [--channel C] [--all]` reads the export as the import does and
//! prints how many records, skips and problems it found. `--noop` only starts and exits
//! (the baseline of peak memory).

use std::path::Path;

use pirt::sources::{Format, Options, read};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--noop") {
        return;
    }
    let path = args
        .first()
        .expect("usage: pirt-read-slack PATH [--channel C] [--all]");
    let mut options = Options::default();
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--channel" => options.channel = rest.next().cloned(),
            "--all" => options.all = true,
            other => panic!("unknown argument {other}"),
        }
    }
    match read(Path::new(path), Format::Slack, &options) {
        Ok(export) => {
            let skipped: usize = export.skipped.iter().map(|(_, n)| n).sum();
            println!(
                "{}: {} records, {} skipped, {} problems",
                export.what,
                export.records.len(),
                skipped,
                export.problems.len()
            );
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}
