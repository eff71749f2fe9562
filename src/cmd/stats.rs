//! `pirt stats` and `pirt actions`

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;

use crate::cmd::Output;
use crate::config::Config;
use crate::corpus::Corpus;
use crate::insights::actions::{self, Filter};
use crate::insights::stats::{self, By, Query};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatsFormat {
    Table,
    Json,
    Html,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionsFormat {
    Table,
    Json,
    Csv,
}

pub struct StatsOptions {
    pub paths: Vec<PathBuf>,
    pub by: By,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub format: StatsFormat,
    pub output: Option<PathBuf>,
    pub today: NaiveDate,
}

pub fn stats(config: &Config, options: StatsOptions, out: &Output) -> anyhow::Result<ExitCode> {
    if let (Some(since), Some(until)) = (options.since, options.until)
        && since > until
    {
        anyhow::bail!("--since {since} is after --until {until}");
    }
    let corpus = Corpus::load(config, &options.paths, false);
    if let Some(note) = corpus.skipped_note() {
        out.note(note);
    }
    let query = Query {
        by: options.by,
        since: options.since,
        until: options.until,
        today: options.today,
    };
    let result = stats::compute(&corpus.reviews, config, &query);
    let text = match options.format {
        StatsFormat::Table => stats::table(&result),
        StatsFormat::Json => serde_json::to_string_pretty(&result)? + "\n",
        StatsFormat::Html => stats::html(
            config,
            &result,
            "Incident statistics",
            &Default::default(),
            None,
            corpus.skipped.len(),
        )?,
    };
    emit(&text, options.output.as_deref(), out)
}

pub struct ActionsOptions {
    pub paths: Vec<PathBuf>,
    pub filter: Filter,
    pub format: ActionsFormat,
    pub today: NaiveDate,
}

pub fn actions(config: &Config, options: ActionsOptions, out: &Output) -> anyhow::Result<ExitCode> {
    let corpus = Corpus::load(config, &options.paths, false);
    if let Some(note) = corpus.skipped_note() {
        out.note(note);
    }
    let rows = actions::rows(&corpus.reviews, config, options.today, &options.filter);
    let text = match options.format {
        ActionsFormat::Table => actions::table(&rows, &config.trackers),
        ActionsFormat::Json => {
            #[derive(serde::Serialize)]
            struct Doc<'a> {
                schema_version: u32,
                today: NaiveDate,
                action_items: &'a [actions::Row<'a>],
            }
            let doc = Doc {
                schema_version: 1,
                today: options.today,
                action_items: &rows,
            };
            serde_json::to_string_pretty(&doc)? + "\n"
        }
        ActionsFormat::Csv => actions::csv(&rows)?,
    };
    emit(&text, None, out)
}

fn emit(text: &str, output: Option<&std::path::Path>, out: &Output) -> anyhow::Result<ExitCode> {
    match output {
        Some(path) => {
            crate::fsutil::write_atomic(path, text.as_bytes())?;
            out.note(format!("wrote {}", path.display()));
        }
        None => {
            let mut stdout = crate::ui::stdio::stdout();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
