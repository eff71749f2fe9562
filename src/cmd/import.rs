//! `pirt timeline import`: read the export, plan, print, write once.

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;

use super::timeline::{answer_clock, echo};
use crate::cmd::Output;
use crate::config::Config;
use crate::env::Clock;
use crate::fsutil::{self, EditLock};
use crate::review::{ReviewFile, import};
use crate::sources::{self, Export, Format};
use crate::timeline_import::{self, Asked, Incoming, Plan, Source, Window};

/// What the command line asks.
pub struct Import<'a> {
    pub file: &'a Path,
    pub from: &'a Path,
    pub format: Format,
    pub channel: Option<String>,
    pub since: Option<&'a str>,
    pub until: Option<&'a str>,
    pub all: bool,
    pub lifecycle: bool,
    pub dry_run: bool,
    pub redact: bool,
}

pub fn run(config: &Config, args: Import, clock: Clock, out: &Output) -> anyhow::Result<ExitCode> {
    let (from, path) = (args.from, args.file);
    let format = match args.format {
        Format::Auto if from.extension().is_some_and(|e| e == "csv") => Format::Csv,
        Format::Auto => sources::detect(from).map_err(anyhow::Error::msg)?,
        given => given,
    };
    let rows = matches!(format, Format::Csv | Format::Jsonl);
    if args.format == Format::Auto && !rows {
        out.note(format!(
            "recognised {} (--format {format})",
            sources::describe(format)
        ));
    }
    // The export is read before the review is locked: a slow read holds no lock.
    let options = sources::Options {
        channel: args.channel.clone(),
        all: args.all,
        slack: config.import.slack.clone(),
    };
    let (export, typed) = match Source::read(from, format, &options).map_err(anyhow::Error::msg)? {
        Source::Rows(rows) => (Export::default(), Some(rows)),
        Source::Export(export) => (export, None),
    };
    for problem in &export.problems {
        errln!("warning: {}", sources::text::printable(problem));
    }
    let _lock = if args.dry_run {
        None
    } else {
        Some(EditLock::acquire(path)?)
    };
    let file = ReviewFile::load(path, config)?;
    out.warnings(&file);
    let mut answers = answer_clock(config, &file, clock);
    let incoming: Vec<Incoming> = match typed {
        Some(rows) => import::entries(from, rows, &mut answers)
            .map_err(anyhow::Error::msg)?
            .into_iter()
            .map(Incoming::from)
            .collect(),
        None => Incoming::of(&export),
    };
    if rows && incoming.is_empty() {
        bail!("{} holds no entries", from.display());
    }
    let bound = |flag: &str, typed: Option<&str>| -> anyhow::Result<_> {
        let at = typed.map(|t| {
            answers
                .peek(t)
                .map_err(|e| anyhow::anyhow!("--{flag}: {e}"))
        });
        at.transpose()
    };
    let window = Window::around(file.review(), clock.now())
        .narrowed(
            bound("since", args.since)?,
            bound("until", args.until)?,
            config.zone,
        )
        .map_err(anyhow::Error::msg)?;
    let asked = Asked {
        window,
        lifecycle: args.lifecycle,
        redact: args.redact,
    };
    let plan = timeline_import::plan(&file.parsed, incoming, &export, asked);
    tell(config, &file, &plan, args.dry_run, out);
    if plan.writes() && !args.dry_run {
        let updated = timeline_import::updated_text(&file, &plan, config)?;
        fsutil::write_atomic(&file.path, updated.as_bytes())?;
    }
    let what = (!rows).then(|| Some(export.what.as_str()).filter(|w| !w.is_empty()));
    let what = what.map(|w| w.unwrap_or(sources::describe(format)));
    out.note(plan.summary(what, path, args.dry_run));
    Ok(ExitCode::SUCCESS)
}

/// The secrets, each entry (on standard output for --dry-run) and the lifecycle changes.
fn tell(config: &Config, file: &ReviewFile, plan: &Plan, dry_run: bool, out: &Output) {
    for s in &plan.secrets {
        if plan.redacted {
            out.note(format!(
                "{}: a {} ({}) is stored as a placeholder",
                s.origin, s.kind, s.masked
            ));
        } else {
            errln!(
                "warning: {}: holds a {}, {}; --redact stores a placeholder instead",
                s.origin,
                s.kind,
                s.masked
            );
        }
    }
    // What is echoed never shows a secret whole (the file holds what --redact decided).
    let shown = crate::check::secrets::mask_text;
    for i in &plan.add {
        let e = &i.entry;
        let line = shown(&i.line(config.zone, file.review().started_at));
        match &i.typed {
            _ if dry_run => outln!("{line}"),
            Some(typed) => out.note(format!(
                "  {}: {}",
                i.origin,
                shown(&echo(config, file, typed, &e.at))
            )),
            None => out.note(format!("  {line}")),
        }
    }
    for change in &plan.lifecycle {
        let verb = match change {
            timeline_import::Change::Fill(_) if dry_run => "would set ",
            timeline_import::Change::Fill(_) => "set ",
            _ => "",
        };
        out.note(format!("{verb}{}", change.message(config.zone)));
    }
}
