//! `pirt actions sync`

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cmd::Output;
use crate::config::Config;
use crate::corpus::Corpus;
use crate::env::Env;
use crate::trackers::sync::{self, Options};

pub struct SyncOptions {
    pub paths: Vec<PathBuf>,
    pub sync: Options,
    pub json: bool,
}

pub fn sync(
    config: &Config,
    options: SyncOptions,
    env: &Env,
    out: &Output,
) -> anyhow::Result<ExitCode> {
    let corpus = Corpus::load(config, &options.paths, false);
    let work = sync::plan(&corpus.reviews, config, &options.sync)?;
    if out.verbose {
        errln!(
            "{} issue{} to read, {} to create",
            work.iter().filter(|w| w.issue.is_some()).count(),
            if work.iter().filter(|w| w.issue.is_some()).count() == 1 {
                ""
            } else {
                "s"
            },
            work.iter().filter(|w| w.issue.is_none()).count()
        );
    }
    let outcomes = sync::run(&corpus.reviews, config, env, &work, options.sync.dry_run)?;
    let mut report = sync::apply(
        &corpus.reviews,
        config,
        &work,
        outcomes,
        options.sync.dry_run,
    );
    for skipped in &corpus.skipped {
        report.errors.push(sync::Failure {
            review: None,
            path: None,
            item: None,
            message: skipped.clone(),
        });
    }
    let text = if options.json {
        serde_json::to_string_pretty(&report)? + "\n"
    } else {
        sync::table(&report)
    };
    let mut stdout = crate::ui::stdio::stdout();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(ExitCode::from(report.exit_code()))
}
