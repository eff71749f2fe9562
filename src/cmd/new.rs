//! `pirt new`: the answers from flags, or asked on a terminal (`ui::wizard`); the review
//! scaffolded from a template, and past incidents that look alike.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use crate::cmd::Output;
use crate::config::Config;
use crate::corpus::{Index, Kind, Need, ReviewFacts, similar};
use crate::env::Env;
use crate::fsutil;
use crate::scaffold::{self, Given};
use crate::ui::wizard;

/// What `pirt new` was asked.
#[derive(Debug, Default)]
pub struct Options {
    /// `--template NAME|PATH` (default: `[new] template`).
    pub template: Option<String>,
    /// The answers given as flags.
    pub given: Given,
    /// Missing answers may be asked (no `--no-input`); they are, on a terminal.
    pub may_ask: bool,
}

pub fn run(config: &Config, opts: Options, env: &Env, out: &Output) -> anyhow::Result<ExitCode> {
    let template_name = opts
        .template
        .clone()
        .unwrap_or_else(|| config.new.template.clone());
    let template = scaffold::scaffold_asset(config, &template_name)?;
    // The reviews so far: their services are offered, similar ones are listed.
    let index = Index::open(config, Need::Facts);
    super::cache::print_notes(&index, out);
    let existing: Vec<&ReviewFacts> = index.reviews().filter(|r| !r.id.is_empty()).collect();
    // A bad PIRT_NOW is reported before anything is asked.
    let clock = env.clock()?;
    let now = clock.now();
    let interactive =
        opts.may_ask && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let answers = if interactive {
        let mut known_services: Vec<String> =
            existing.iter().flat_map(|r| r.services.clone()).collect();
        known_services.sort();
        known_services.dedup();
        let setup = wizard::Setup {
            config,
            known_services,
            clock,
            color: out.color,
            plain: env.plain_terminal,
        };
        wizard::ask(setup, opts.given)?
    } else {
        scaffold::from_flags(config, opts.given, now)?
    };
    // The wizard may have taken minutes: ids are counted as the folder is now.
    let fresh;
    let ids = if interactive {
        fresh = Index::open(config, Need::Ids);
        &fresh
    } else {
        &index
    };
    let used = ids
        .ids()
        .filter(|(kind, ..)| *kind == Kind::Review)
        .map(|(_, id, _)| id);
    let id = scaffold::allocate_id(config, answers.started_at, used);
    let text = scaffold::render_new(config, &template, &id, &answers)?;
    let date = answers.started_at.map_or_else(
        || now.with_timezone(&config.zone).date_naive(),
        |t| t.with_timezone(&config.zone).date_naive(),
    );
    let dir = config.reviews_dir();
    let path = scaffold::free_path(&dir, date, &answers.title);
    fsutil::create_new(&path, text.as_bytes())?;
    let shown = path
        .strip_prefix(std::env::current_dir().unwrap_or_default())
        .unwrap_or(&path);
    writeln!(crate::ui::stdio::stdout(), "{}", shown.display())?;
    out.note(format!(
        "created {id} ({} template)",
        template.name.trim_end_matches(".md.j2")
    ));
    if !interactive {
        // The wizard showed the times before writing; flags get them echoed here.
        for row in scaffold::lifecycle_rows(&answers) {
            let line = format!(
                "  {:<13} {:<24} {}",
                row.name,
                row.time(config.zone),
                row.metric_text()
            );
            out.note(line.trim_end());
        }
    }
    let this = crate::review::Review {
        id: id.clone(),
        title: answers.title.clone(),
        services: answers.services.clone(),
        tags: answers.tags.clone(),
        trigger: answers.trigger.clone(),
        started_at: answers.started_at,
        ..Default::default()
    };
    let similar = similar::find(&this, &existing, config);
    if !similar.is_empty() {
        out.note("similar past incidents:");
        for s in similar {
            out.note(format!(
                "  {:<14} {:<10}  {}  ({})",
                s.id, s.date, s.title, s.why
            ));
            if out.verbose {
                out.note(format!("  {:<14} {}", "", s.path));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
