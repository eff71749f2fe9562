//! `pirt new`: the interactive wizard (inquire) and its flag-only twin.

use std::io::Write;
use std::process::ExitCode;

use anyhow::bail;
use chrono::Utc;
use inquire::validator::Validation;
use inquire::{Select, Text};

use crate::cmd::Output;
use crate::config::Config;
use crate::fsutil;
use crate::review::time::Timestamp;
use crate::review::{DETECTION_METHODS, ENTRY_KINDS};
use crate::scaffold::{
    self, AnswerClock, NewEntry, NewReview, clean_list, parse_event, severity_id,
};

/// The answers given as flags; `interactive` says whether missing ones may be asked.
#[derive(Debug, Default)]
pub struct Options {
    pub title: Option<String>,
    pub template: Option<String>,
    pub severity: Option<String>,
    pub services: Vec<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub commander: Option<String>,
    pub started: Option<String>,
    pub detected: Option<String>,
    pub acknowledged: Option<String>,
    pub mitigated: Option<String>,
    pub resolved: Option<String>,
    pub detection: Option<String>,
    pub detection_source: Option<String>,
    pub impact: Option<String>,
    pub users_affected: Option<u64>,
    pub trigger: Option<String>,
    pub events: Vec<String>,
    pub interactive: bool,
}

pub fn run(config: &Config, opts: Options, out: &Output) -> anyhow::Result<ExitCode> {
    let template_name = opts
        .template
        .clone()
        .unwrap_or_else(|| config.new.template.clone());
    let template = scaffold::scaffold_asset(config, &template_name)?;
    let existing = scaffold::existing_reviews(&config.reviews_dir(), config);
    let answers = if opts.interactive {
        Wizard::new(config, &existing).ask(opts)?
    } else {
        from_flags(config, opts)?
    };
    let id = scaffold::allocate_id(config, answers.started_at);
    let text = scaffold::render_new(config, &template, &id, &answers)?;
    let date = answers.started_at.map_or_else(
        || Utc::now().with_timezone(&config.zone).date_naive(),
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
    let this = crate::review::Review {
        id: id.clone(),
        title: answers.title.clone(),
        services: answers.services.clone(),
        tags: answers.tags.clone(),
        trigger: answers.trigger.clone(),
        started_at: answers.started_at,
        ..Default::default()
    };
    let corpus: Vec<crate::corpus::Entry> = existing
        .into_iter()
        .map(|(path, review)| crate::corpus::Entry { path, review })
        .collect();
    let similar = crate::insights::similar::find(&this, &corpus, config);
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

/// `--event` answers, each counting from the one before (`+5m`).
fn events(
    config: &Config,
    started: Option<Timestamp>,
    events: &[String],
) -> anyhow::Result<Vec<NewEntry>> {
    let mut clock = AnswerClock::timeline(config.zone, started, Utc::now());
    events
        .iter()
        .map(|event| {
            parse_event(event, &mut clock).map_err(|e| anyhow::anyhow!("--event `{event}`: {e}"))
        })
        .collect()
}

fn missing(what: &str, flag: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "missing {what}: pass {flag} (pirt new only asks when standard input is a terminal and --no-input is not set)"
    )
}

fn from_flags(config: &Config, opts: Options) -> anyhow::Result<NewReview> {
    let title = opts.title.filter(|t| !t.trim().is_empty()).ok_or_else(|| {
        missing(
            "title",
            "it as the first argument, e.g. pirt new \"Checkout errors\"",
        )
    })?;
    let severity = opts
        .severity
        .ok_or_else(|| missing("severity", "--severity SEV2"))?;
    let started = opts
        .started
        .ok_or_else(|| missing("start time", "--started 14:02"))?;
    let mut clock = AnswerClock::lifecycle(config.zone, Utc::now());
    let mut time = |flag: &str, value: Option<String>| -> anyhow::Result<Option<Timestamp>> {
        value
            .map(|v| clock.take(&v).map_err(|e| anyhow::anyhow!("{flag}: {e}")))
            .transpose()
    };
    let started_at = time("--started", Some(started))?;
    let detected_at = time("--detected", opts.detected)?;
    let acknowledged_at = time("--acknowledged", opts.acknowledged)?;
    let mitigated_at = time("--mitigated", opts.mitigated)?;
    let resolved_at = time("--resolved", opts.resolved)?;
    let timeline = events(config, started_at, &opts.events)?;
    if let Some(method) = &opts.detection
        && !DETECTION_METHODS.contains(&method.as_str())
    {
        bail!(
            "--detection: unknown method `{method}`; use one of: {}",
            DETECTION_METHODS.join(", ")
        );
    }
    Ok(NewReview {
        title: title.trim().to_string(),
        severity: severity_id(config, &severity).map_err(|e| anyhow::anyhow!("--severity: {e}"))?,
        services: clean_list(&opts.services),
        tags: clean_list(&opts.tags),
        authors: clean_list(&opts.authors),
        incident_commander: opts.commander,
        started_at,
        detected_at,
        acknowledged_at,
        mitigated_at,
        resolved_at,
        detection_method: opts.detection,
        detection_source: opts.detection_source,
        impact_summary: opts.impact,
        users_affected: opts.users_affected,
        trigger: opts.trigger,
        timeline,
    })
}

/// The interactive questions. Answers given as flags are not asked again.
struct Wizard<'a> {
    config: &'a Config,
    known_services: Vec<String>,
    clock: AnswerClock,
}

impl<'a> Wizard<'a> {
    fn new(config: &'a Config, existing: &[(std::path::PathBuf, crate::review::Review)]) -> Self {
        let mut known: Vec<String> = existing
            .iter()
            .flat_map(|(_, r)| r.services.clone())
            .collect();
        known.sort();
        known.dedup();
        Wizard {
            config,
            known_services: known,
            clock: AnswerClock::lifecycle(config.zone, Utc::now()),
        }
    }

    fn ask(mut self, opts: Options) -> anyhow::Result<NewReview> {
        let title = match opts.title.filter(|t| !t.trim().is_empty()) {
            Some(t) => t,
            None => Text::new("Title:")
                .with_help_message(
                    "what users saw, e.g. \"Checkout errors after connection-pool change\"",
                )
                .with_validator(|s: &str| {
                    Ok(if s.trim().is_empty() {
                        Validation::Invalid("a title is needed".into())
                    } else {
                        Validation::Valid
                    })
                })
                .prompt()
                .map_err(cancelled)?,
        };
        let severity = match opts.severity {
            Some(s) => {
                severity_id(self.config, &s).map_err(|e| anyhow::anyhow!("--severity: {e}"))?
            }
            None => {
                let choices: Vec<String> = self
                    .config
                    .severity
                    .iter()
                    .map(|s| format!("{:<5} {}", s.id, s.description))
                    .collect();
                let picked = Select::new("Severity:", choices)
                    .with_help_message("↑↓ to move, enter to pick")
                    .raw_prompt()
                    .map_err(cancelled)?;
                self.config.severity[picked.index].id.clone()
            }
        };
        let services = if opts.services.is_empty() {
            let help = if self.known_services.is_empty() {
                "comma-separated, e.g. checkout-api, orders-db".to_string()
            } else {
                format!(
                    "comma-separated; seen before: {}",
                    self.known_services
                        .iter()
                        .take(8)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            list(
                &Text::new("Affected services:")
                    .with_help_message(&help)
                    .prompt()
                    .map_err(cancelled)?,
            )
        } else {
            clean_list(&opts.services)
        };
        let tags = if opts.tags.is_empty() {
            list(
                &Text::new("Tags:")
                    .with_help_message(
                        "comma-separated, e.g. database, config-change (enter to skip)",
                    )
                    .prompt()
                    .map_err(cancelled)?,
            )
        } else {
            clean_list(&opts.tags)
        };
        let started_at = self.time("Impact started at:", opts.started, true)?;
        let detected_at =
            self.time("Detected at (first alert or report):", opts.detected, false)?;
        let acknowledged_at = self.time(
            "Acknowledged at (a responder took it):",
            opts.acknowledged,
            false,
        )?;
        let mitigated_at =
            self.time("Mitigated at (user impact stopped):", opts.mitigated, false)?;
        let resolved_at = self.time("Resolved at (incident closed):", opts.resolved, false)?;
        let detection_method = match opts.detection {
            Some(m) => Some(m),
            None => {
                // Enter alone skips: the wizard never records a guess.
                let mut choices: Vec<&str> = vec!["(skip)"];
                choices.extend(DETECTION_METHODS);
                let picked = Select::new("How was it detected?", choices)
                    .prompt()
                    .map_err(cancelled)?;
                (picked != "(skip)").then(|| picked.to_string())
            }
        };
        let detection_source = match opts.detection_source {
            Some(s) => Some(s),
            None if detection_method.is_some() => optional(
                Text::new("Detection source:")
                    .with_help_message("the alert's name, the ticket, who noticed (enter to skip)")
                    .prompt()
                    .map_err(cancelled)?,
            ),
            None => None,
        };
        let impact_summary = match opts.impact {
            Some(s) => Some(s),
            None => optional(
                Text::new("Impact in one sentence:")
                    .with_help_message(
                        "e.g. About 12% of checkout requests failed with HTTP 503 (enter to skip)",
                    )
                    .prompt()
                    .map_err(cancelled)?,
            ),
        };
        let users_affected = match opts.users_affected {
            Some(n) => Some(n),
            None => {
                let answer = Text::new("Users affected:")
                    .with_help_message("a number (enter to skip)")
                    .with_validator(|s: &str| {
                        let s = s.trim().replace([',', '_'], "");
                        Ok(if s.is_empty() || s.parse::<u64>().is_ok() {
                            Validation::Valid
                        } else {
                            Validation::Invalid("write a whole number, e.g. 4200".into())
                        })
                    })
                    .prompt()
                    .map_err(cancelled)?;
                answer.trim().replace([',', '_'], "").parse().ok()
            }
        };
        let incident_commander = match opts.commander {
            Some(c) => Some(c),
            None => optional(
                Text::new("Incident commander:")
                    .with_help_message("enter to skip")
                    .prompt()
                    .map_err(cancelled)?,
            ),
        };
        let trigger = match opts.trigger {
            Some(t) => Some(t),
            None => optional(
                Text::new("Trigger:")
                    .with_help_message(
                        "the change or event that set it off, if known (enter to skip)",
                    )
                    .prompt()
                    .map_err(cancelled)?,
            ),
        };
        let mut timeline = events(self.config, started_at, &opts.events)?;
        self.clock = AnswerClock::timeline(self.config.zone, started_at, Utc::now());
        if opts.events.is_empty() {
            errln!(
                "Timeline: add what happened, in any order (pirt sorts it). Enter an empty time to finish."
            );
            while let Some(at) = self.time("Entry time:", None, false)? {
                let text = Text::new("What happened:")
                    .with_validator(|s: &str| {
                        Ok(if s.trim().is_empty() {
                            Validation::Invalid("describe the event".into())
                        } else {
                            Validation::Valid
                        })
                    })
                    .prompt()
                    .map_err(cancelled)?;
                let kind = Select::new("Kind:", ENTRY_KINDS.to_vec())
                    .with_starting_cursor(ENTRY_KINDS.len() - 1)
                    .prompt()
                    .map_err(cancelled)?;
                timeline.push(NewEntry {
                    at,
                    kind: kind.to_string(),
                    text: text.trim().to_string(),
                });
            }
        }
        timeline.sort_by_key(|e| e.at);
        Ok(NewReview {
            title: title.trim().to_string(),
            severity,
            services,
            tags,
            authors: clean_list(&opts.authors),
            incident_commander,
            started_at,
            detected_at,
            acknowledged_at,
            mitigated_at,
            resolved_at,
            detection_method,
            detection_source,
            impact_summary,
            users_affected,
            trigger,
            timeline,
        })
    }

    /// Asks for a time (unless given as a flag), re-asking with the reason on bad input.
    fn time(
        &mut self,
        prompt: &str,
        flag: Option<String>,
        required: bool,
    ) -> anyhow::Result<Option<Timestamp>> {
        if let Some(value) = flag {
            let ts = self
                .clock
                .take(&value)
                .map_err(|e| anyhow::anyhow!("{prompt} {e}"))?;
            return Ok(Some(ts));
        }
        let validating = self.clock.clone();
        let shown = self.clock.clone();
        let zone = self.config.zone;
        // Echo the time pirt understood, not only what was typed.
        let formatter = move |s: &str| match shown.peek(s) {
            Ok(ts) => format!(
                "{s}  → {}",
                ts.with_timezone(&zone).format("%Y-%m-%d %H:%M %Z")
            ),
            Err(_) => s.to_string(),
        };
        let help = format!(
            "e.g. 14:32, 2:32 PM, yesterday 23:50, 2026-11-20 14:32, 14:32 Europe/Berlin, +15m, now; zone {}{}",
            self.config.timezone,
            if required { "" } else { " (enter to skip)" }
        );
        let answer = Text::new(prompt)
            .with_help_message(&help)
            .with_formatter(&formatter)
            .with_validator(move |s: &str| {
                Ok(match (s.trim().is_empty(), required) {
                    (true, true) => Validation::Invalid("a time is needed here".into()),
                    (true, false) => Validation::Valid,
                    _ => match validating.peek(s) {
                        Ok(_) => Validation::Valid,
                        Err(e) => Validation::Invalid(e.into()),
                    },
                })
            })
            .prompt()
            .map_err(cancelled)?;
        if answer.trim().is_empty() {
            return Ok(None);
        }
        Ok(Some(
            self.clock.take(&answer).map_err(|e| anyhow::anyhow!(e))?,
        ))
    }
}

fn list(answer: &str) -> Vec<String> {
    clean_list(&[answer.to_string()])
}

fn optional(answer: String) -> Option<String> {
    let answer = answer.trim();
    (!answer.is_empty()).then(|| answer.to_string())
}

fn cancelled(err: inquire::InquireError) -> anyhow::Error {
    match err {
        inquire::InquireError::OperationCanceled | inquire::InquireError::OperationInterrupted => {
            anyhow::anyhow!("cancelled; nothing was written")
        }
        other => anyhow::anyhow!(
            "cannot ask questions on this terminal ({other}); use --no-input and flags"
        ),
    }
}
