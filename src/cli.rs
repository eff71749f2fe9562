//! Command-line definitions: the only module that knows clap. Arguments become plain values
//! here and are handed to `cmd::*`.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::check::DefaultLevel;
use crate::cmd;
use crate::env::Env;
use crate::render::Format;
use crate::sources;
use crate::ui::ColorChoice;

pub mod man;

#[derive(Parser, Debug)]
#[command(
    name = "pirt",
    version,
    about = "Post-incident reviews as plain files: scaffold, render, draft and check them",
    long_about = "pirt keeps post-incident reviews as Markdown files with YAML front matter in your \
                  git repository. It scaffolds a review in a minute, keeps the timeline in order, \
                  drafts sections with an LLM from prompt files, renders Markdown, HTML or JSON, \
                  checks reviews in CI, and shows MTTx, overdue action items, recurring failures \
                  and problem records across reviews, as a table or a static site.",
    after_help = "Examples:\n  pirt init\n  pirt new\n  pirt timeline add postmortems/2026-11-20-checkout.md \"Rolled back\" --at 14:41 --kind mitigation\n  pirt draft postmortems/2026-11-20-checkout.md --all\n  pirt render postmortems/2026-11-20-checkout.md --format html -o review.html\n  pirt check --format github\n  pirt stats\n  pirt site public/"
)]
struct Cli {
    /// Use this config file instead of searching for pirt.toml
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Global options"
    )]
    config: Option<PathBuf>,
    /// Print only errors
    #[arg(short, long, global = true, help_heading = "Global options")]
    quiet: bool,
    /// Print more about what pirt does
    #[arg(short, long, global = true, help_heading = "Global options")]
    verbose: bool,
    /// When to use colours (NO_COLOR is respected)
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto, help_heading = "Global options")]
    color: Color,
    /// Read every review and problem file; leave the corpus index in .pirt/cache alone
    #[arg(long, global = true, help_heading = "Global options")]
    no_cache: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write a commented pirt.toml and create the reviews and problems folders (--eject: copy the built-in templates to .pirt/)
    #[command(
        after_help = "Examples:\n  pirt init\n  pirt init --eject   # also copy built-in templates to .pirt/ for editing"
    )]
    Init {
        /// Also copy the built-in templates into .pirt/templates/ for editing
        #[arg(long)]
        eject: bool,
    },
    /// Start a new review (asks questions on a terminal; every answer is also a flag)
    #[command(
        after_help = "Times accept 14:32, 2:32 PM, yesterday 23:50, 2026-11-20 14:32, 14:32 Europe/Berlin,\n+15m (after the previous answer), now, or RFC 3339.\n\nExamples:\n  pirt new\n  pirt new \"Checkout errors\" --severity SEV2 --service checkout-api \\\n      --started 14:02 --detected +7m --no-input"
    )]
    New(Box<NewArgs>),
    /// Add timeline entries to a review, kept in time order
    #[command(subcommand)]
    Timeline(TimelineCommand),
    /// Render reviews as Markdown, self-contained HTML, or JSON
    #[command(
        after_help = "Examples:\n  pirt render postmortems/2026-11-20-checkout.md --format html -o review.html\n  pirt render postmortems/*.md --format md --out-dir wiki/\n  pirt render review.md --format json | jq .metrics"
    )]
    Render {
        /// Review files
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[arg(short, long, value_enum, default_value_t = RenderFormat::Md)]
        format: RenderFormat,
        /// Write to this file (one input) instead of standard output
        #[arg(short, long, value_name = "OUT", conflicts_with = "out_dir")]
        output: Option<PathBuf>,
        /// Write one file per review into this folder
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
        /// Use this template file instead of the built-in one
        #[arg(long, value_name = "PATH")]
        template: Option<PathBuf>,
    },
    /// Draft sections, action items or artefacts with an LLM, from stored prompt files
    #[command(after_help = DRAFT_HELP)]
    Draft(DraftArgs),
    /// Check reviews and problem records: completeness, consistency, blameless language
    #[command(after_help = check_help())]
    Check {
        /// Files or folders (default: the configured reviews and problems folders)
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        /// Exit with 1 on warnings too
        #[arg(long)]
        deny_warnings: bool,
        /// Judge every review as if it had this status (preview the gate for a draft)
        #[arg(long = "as", value_name = "STATUS", value_parser = ["draft", "in-review", "published"])]
        as_status: Option<String>,
        /// Apply the safe fixes (guidance in written sections, severity aliases, timeline order, offset-less times), then check
        #[arg(long, conflicts_with = "diff")]
        fix: bool,
        /// Show the fixes as a unified diff and change nothing (exit 1 when there is one)
        #[arg(long)]
        diff: bool,
        /// Of the files given, check only those in the configured reviews and problems folders (pre-commit passes every staged .md file)
        #[arg(long)]
        in_folders: bool,
        /// With `-` as the path: check standard input as if it were this file (editors pipe unsaved buffers)
        #[arg(long, value_name = "PATH")]
        stdin_filename: Option<PathBuf>,
    },
    /// Counts, MTTD/MTTA/MTTM/MTTR (mean, median, p90), action items and recurring failures
    #[command(
        after_help = "Figures rest only on reviews that have both timestamps (each says how many); a review\nwith errors is left out (pirt check explains). Recurrence: [stats] in pirt.toml.\n\nExamples:\n  pirt stats\n  pirt stats --by month --since 2026-01-01\n  pirt stats --by service --format json | jq '.groups[] | {key, incidents}'\n  pirt stats --format html -o stats.html"
    )]
    Stats {
        /// Files or folders of reviews (default: the reviews folder)
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = StatsBy::Severity)]
        by: StatsBy,
        /// Only incidents that started on or after this date (YYYY-MM-DD)
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        since: Option<chrono::NaiveDate>,
        /// Only incidents that started on or before this date (YYYY-MM-DD)
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        until: Option<chrono::NaiveDate>,
        #[arg(long, value_enum, default_value_t = StatsFormatArg::Table)]
        format: StatsFormatArg,
        /// Write to this file instead of standard output
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Every action item across reviews, with owner, due date, status and age
    #[command(
        after_help = "Overdue: open or in progress and past `due`, or past the severity's action_item_days\nafter the incident when there is no due date. PIRT_TODAY=YYYY-MM-DD fixes today.\n\nExamples:\n  pirt actions --open\n  pirt actions --overdue --owner li.wei\n  pirt actions --service checkout-api --format csv > actions.csv\n  pirt actions sync --create",
        args_conflicts_with_subcommands = true
    )]
    Actions {
        #[command(subcommand)]
        action: Option<ActionsCommand>,
        /// Files or folders of reviews (default: the reviews folder)
        paths: Vec<PathBuf>,
        /// Only open and in-progress items
        #[arg(long)]
        open: bool,
        /// Only overdue items
        #[arg(long)]
        overdue: bool,
        /// Only items of this owner
        #[arg(long, value_name = "X")]
        owner: Option<String>,
        /// Only items of reviews of this service
        #[arg(long, value_name = "X")]
        service: Option<String>,
        #[arg(long, value_enum, default_value_t = ActionsFormatArg::Table)]
        format: ActionsFormatArg,
    },
    /// Build a static knowledge base: every review, problem record and the statistics
    #[command(
        after_help = "OUT_DIR gets index.html (all reviews, filterable by severity, service, tag and status),\nstats.html, reviews/ID.html and problems/ID.html. No page makes an external request.\nUnchanged pages are not rewritten; pages of deleted reviews are removed.\nReviews with status: draft are left out unless --include-drafts (then marked as drafts).\n\nExamples:\n  pirt site public/\n  pirt site public/ --title \"Payments incident reviews\"\n  pirt site preview/ --include-drafts"
    )]
    Site {
        /// The folder to build into
        out_dir: PathBuf,
        /// The site's title
        #[arg(long, value_name = "T", default_value = "Post-incident reviews")]
        title: String,
        /// Publish reviews with `status: draft` too, marked as drafts (left out by default)
        #[arg(long)]
        include_drafts: bool,
    },
    /// Problem records: the cause behind one or more incidents
    #[command(subcommand)]
    Problem(ProblemCommand),
    /// Show where the corpus index is and how many files it holds; `clean` removes it
    #[command(
        after_help = "The index (.pirt/cache beside pirt.toml, ignored by git) keeps what cross-file rules,\nsimilar incidents, `new` and `problem list` need of each file; it is always safe to delete.\n\nExamples:\n  pirt cache\n  pirt cache clean"
    )]
    Cache {
        #[command(subcommand)]
        action: Option<CacheCommand>,
    },
    /// Serve reviews and problem records to an editor: the Language Server Protocol on stdio
    #[command(
        after_help = "Diagnostics (every check rule) as you type, hover, go to definition, symbols, completion\nand quick fixes, for Markdown files in the configured folders or with a review's front matter.\nThe editor starts it; see the README's \"Editor setup\".\n\nExample:\n  pirt lsp"
    )]
    Lsp,
    /// Print the JSON Schema (draft 2020-12) of the front matter, for editors and tools
    #[command(
        after_help = "Examples:\n  pirt schema -o .pirt/review.schema.json\n  pirt schema --problem -o .pirt/problem.schema.json\n\nThen start each review with a modeline for the YAML language server:\n  # yaml-language-server: $schema=../.pirt/review.schema.json"
    )]
    Schema {
        /// The schema of a problem record instead of a review
        #[arg(long)]
        problem: bool,
        /// Write the schema to FILE (creating its folder) instead of standard output
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print the man page (roff) of pirt, or write it and one page per subcommand to a folder
    #[command(
        after_help = "Examples:\n  pirt man --dir ~/.local/share/man/man1 && man pirt-timeline-add\n  pirt man | man -l -"
    )]
    Man {
        /// Write pirt.1 and a page per subcommand (pirt-init.1, pirt-timeline-add.1, ...) into DIR, creating it
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  mkdir -p ~/.local/share/bash-completion/completions\n  pirt completions bash > ~/.local/share/bash-completion/completions/pirt\n  mkdir -p ~/.zfunc && pirt completions zsh > ~/.zfunc/_pirt\n  mkdir -p ~/.config/fish/completions\n  pirt completions fish > ~/.config/fish/completions/pirt.fish\n\nzsh reads ~/.zfunc when ~/.zshrc has fpath+=~/.zfunc before compinit."
    )]
    Completions { shell: clap_complete::Shell },
}

const DRAFT_HELP: &str = "Each prompt file (prompts/NAME.md, or .pirt/prompts/NAME.md to override or add) names its
target: a section (the answer goes between <!-- pirt:draft --> markers), action_items (valid
items are appended with status open and no owner), or an artefact (printed). A section a
person wrote is left alone unless --force; the replaced file is then kept in .pirt/history/.
Secrets, e-mail and IP addresses are replaced by placeholders before sending (see --dry-run).

Provider settings: [llm] in pirt.toml; PIRT_LLM_PROVIDER, PIRT_LLM_BASE_URL, PIRT_LLM_MODEL,
OPENAI_BASE_URL; the key from OPENAI_API_KEY or ANTHROPIC_API_KEY (or [llm] api_key_env).
Exit codes: 0 drafted, 1 refused (human text, no valid action item), 2 setup, network or I/O error.

Examples:
  pirt draft --list
  pirt draft postmortems/2026-11-20-checkout.md --prompt summary --dry-run
  pirt draft postmortems/2026-11-20-checkout.md --all
  pirt draft postmortems/2026-11-20-checkout.md --prompt root-cause --stdout
  pirt draft postmortems/2026-11-20-checkout.md --prompt status-update -o status.txt
  pirt draft postmortems/2026-11-20-checkout.md --prompt timeline --from incident-chat.txt
  PIRT_LLM_BASE_URL=http://localhost:11434/v1 pirt draft review.md --prompt summary --model llama3.2";

#[derive(Args, Debug)]
struct DraftArgs {
    /// The review to draft
    #[arg(required_unless_present = "list", value_name = "FILE")]
    file: Option<PathBuf>,
    /// A prompt to run (repeat for several; they run concurrently)
    #[arg(short, long = "prompt", value_name = "NAME")]
    prompts: Vec<String>,
    /// Every prompt that drafts into the review (all but the artefacts and the timeline, which needs --from)
    #[arg(long)]
    all: bool,
    /// List the prompts and where each comes from
    #[arg(long, conflicts_with_all = ["prompts", "all", "dry_run"])]
    list: bool,
    /// Print exactly what would be sent (after redaction) and send nothing
    #[arg(long)]
    dry_run: bool,
    /// Print the answers instead of writing them into the review
    #[arg(long)]
    stdout: bool,
    /// Replace a section that holds human text (the old file is kept in .pirt/history/)
    #[arg(long)]
    force: bool,
    /// Write an artefact's answer to this file instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The transcript (chat log, meeting notes) a timeline prompt reads entries from
    #[arg(long, value_name = "PATH")]
    from: Option<PathBuf>,
    /// openai (any OpenAI-compatible server) or anthropic
    #[arg(long, value_name = "P")]
    provider: Option<String>,
    /// The model to ask
    #[arg(long, value_name = "M")]
    model: Option<String>,
    /// The most tokens an answer may have (over the prompt file's max_tokens and [llm] max_tokens)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_tokens: Option<u32>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum CheckFormat {
    Human,
    Json,
    Github,
    Sarif,
}

/// `pirt check --help`: the rules table comes from `check::RULES`, so that it cannot drift.
fn check_help() -> String {
    let mut help = String::from(
        "Rules (level: error, warning, or by status = warning on a draft, error once in review):\n",
    );
    for rule in crate::check::RULES {
        let level = match rule.default {
            // schema: a wrong type is an error; its summary says an unknown key is a warning.
            DefaultLevel::Error | DefaultLevel::AsFound => "error",
            DefaultLevel::Warning => "warning",
            DefaultLevel::ByStatus => "by status",
        };
        // The summary wrapped under itself: every line within 80 bytes (the man page too).
        let mut line = format!("  {:<20} {level:<10}", rule.id.as_str());
        let indent = line.chars().count();
        for word in rule.summary.split(' ') {
            if line.len() + 1 + word.len() > 80 {
                help.push_str(&line);
                help.push('\n');
                line = " ".repeat(indent);
            }
            line.push(' ');
            line.push_str(word);
        }
        help.push_str(&line);
        help.push('\n');
    }
    help.push('\n');
    help.push_str(CHECK_HELP_TAIL);
    help
}

const CHECK_HELP_TAIL: &str =
    "--fix applies the safe fixes (guidance in written sections, severity aliases, timeline
order, offset-less times in the configured zone); --diff shows them and writes nothing.
--as in-review judges a draft as if it were submitted.

Levels are set per rule in pirt.toml under [check.rules]. Exit codes: 0 no errors,
1 errors (or warnings with --deny-warnings), 2 usage, config or I/O error.
PIRT_TODAY=YYYY-MM-DD fixes the date used for overdue action items.

Examples:
  pirt check
  pirt check postmortems/2026-11-20-checkout.md --deny-warnings
  pirt check --as in-review postmortems/2026-11-20-checkout.md
  pirt check --diff && pirt check --fix
  pirt check --format github
  pirt check --format sarif > pirt.sarif";

#[derive(Clone, Copy, Debug, ValueEnum)]
enum StatsBy {
    Severity,
    Service,
    Month,
    Quarter,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum StatsFormatArg {
    Table,
    Json,
    Html,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ActionsFormatArg {
    Table,
    Json,
    Csv,
}

fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date; write YYYY-MM-DD"))
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum RenderFormat {
    Md,
    Html,
    /// One JSON document; several files print one array
    Json,
    /// One compact JSON document per line
    Jsonl,
}

#[derive(Args, Debug)]
struct NewArgs {
    /// Short title: what users saw, not who caused it
    title: Option<String>,
    /// Scaffold template: concise, sre, itil, a name in .pirt/templates/, or a path
    #[arg(long, value_name = "NAME|PATH")]
    template: Option<String>,
    /// Severity id or alias (SEV2, P2, major...)
    #[arg(long, value_name = "S")]
    severity: Option<String>,
    /// Affected service (repeat, or separate with commas)
    #[arg(long = "service", value_name = "X", value_delimiter = ',')]
    services: Vec<String>,
    /// Tag (repeat, or separate with commas)
    #[arg(long = "tag", value_name = "X", value_delimiter = ',')]
    tags: Vec<String>,
    /// Author of the review (repeat)
    #[arg(long = "author", value_name = "NAME", value_delimiter = ',')]
    authors: Vec<String>,
    /// Incident commander
    #[arg(long, value_name = "NAME")]
    commander: Option<String>,
    /// When impact began
    #[arg(long, value_name = "T")]
    started: Option<String>,
    /// When the first alert or report came in
    #[arg(long, value_name = "T")]
    detected: Option<String>,
    /// When a responder took it
    #[arg(long, value_name = "T")]
    acknowledged: Option<String>,
    /// When user impact stopped
    #[arg(long, value_name = "T")]
    mitigated: Option<String>,
    /// When the incident was closed
    #[arg(long, value_name = "T")]
    resolved: Option<String>,
    /// How it was detected: alert, customer, employee, automation, other
    #[arg(long, value_name = "METHOD")]
    detection: Option<String>,
    /// What detected it (the alert's name, the ticket...)
    #[arg(long, value_name = "TEXT")]
    detection_source: Option<String>,
    /// One sentence on the impact
    #[arg(long, value_name = "TEXT")]
    impact: Option<String>,
    /// Number of users affected
    #[arg(long, value_name = "N")]
    users_affected: Option<u64>,
    /// The change or event that set it off
    #[arg(long, value_name = "TEXT")]
    trigger: Option<String>,
    /// Timeline entry "TIME | KIND | TEXT" or "TIME | TEXT" (repeat)
    #[arg(long = "event", value_name = "ENTRY")]
    events: Vec<String>,
    /// Never ask; fail naming the flag of a missing answer
    #[arg(long)]
    no_input: bool,
}

#[derive(Subcommand, Debug)]
enum ActionsCommand {
    /// Bring action items up to date with their tracker issues; with --create, open issues
    #[command(
        after_help = "Pull: every item whose `tracker:` names an issue of a configured [trackers.NAME] gets the\nissue's status (done, wont-do, open, in-progress) and, when `owner:` is empty, the assignee\n(through [people]). A value a person set that disagrees with the tracker is reported, not\nchanged. --create also opens an issue for every open or in-progress item without `tracker:`\nand writes its URL; an issue carrying the item's marker (pirt:REVIEW/ITEM) is adopted\ninstead of creating a second one. Exit 0 in sync or synced, 1 conflicts, 2 errors.\n\nExamples:\n  pirt actions sync\n  pirt actions sync --create --dry-run\n  pirt actions sync postmortems/2026-11-20-checkout.md --tracker jira --format json"
    )]
    Sync {
        /// Files or folders of reviews (default: the reviews folder)
        paths: Vec<PathBuf>,
        /// Only this tracker (a name in [trackers]); the one --create creates issues in
        #[arg(long, value_name = "NAME")]
        tracker: Option<String>,
        /// Also create issues for open items without `tracker:`
        #[arg(long)]
        create: bool,
        /// Show the plan: read issues, but send no request that writes and write no file
        #[arg(long)]
        dry_run: bool,
        #[arg(long, value_enum, default_value_t = SyncFormat::Table)]
        format: SyncFormat,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum SyncFormat {
    Table,
    Json,
}

#[derive(Subcommand, Debug)]
enum ProblemCommand {
    /// Create problems/PRB-NNNN-slug.md and link reviews to it (`problem:` in each)
    #[command(
        after_help = "The incidents of a problem are derived from the reviews' `problem:` fields; the record\nnever lists them itself. A review that already links another record is refused.\n\nExamples:\n  pirt problem new \"Connection-pool limits are not validated\" \\\n      --from postmortems/2026-11-20-checkout.md --from postmortems/2026-10-02-orders.md"
    )]
    New {
        /// What the underlying problem is (not who caused it)
        title: String,
        /// A review to link to the new record (repeat)
        #[arg(long, value_name = "REVIEW")]
        from: Vec<PathBuf>,
        /// Who owns the problem investigation
        #[arg(long, value_name = "NAME")]
        owner: Option<String>,
    },
    /// List problem records with the incidents that point at them
    #[command(after_help = "Examples:\n  pirt problem list\n  pirt problem list --format json")]
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ListFormat {
    Table,
    Json,
}

#[derive(Subcommand, Debug)]
enum CacheCommand {
    /// Remove the corpus index (.pirt/cache); the next command that needs it builds it again
    Clean,
}

#[derive(Subcommand, Debug)]
enum TimelineCommand {
    /// Add one entry
    #[command(
        after_help = "Examples:\n  pirt timeline add review.md \"Rolled back deploy 4812\" --at 14:41 --kind mitigation\n  pirt timeline add review.md \"Status page updated\" --at +5m --kind communication"
    )]
    Add {
        /// The review to add to
        file: PathBuf,
        /// What happened, in one line
        text: String,
        /// When it happened (default: now); a bare 00:05 is the occurrence nearest the incident; +15m counts from the last entry
        #[arg(long, value_name = "T")]
        at: Option<String>,
        /// trigger, detection, escalation, diagnosis, mitigation, resolution, communication, note
        #[arg(long, value_name = "K", default_value = "note")]
        kind: String,
    },
    /// Import entries from an export (Slack, PagerDuty, Alertmanager/Grafana, Statuspage), CSV or JSON lines
    #[command(
        after_help = "Examples:\n  pirt timeline import review.md --from slack-export.zip --channel inc-checkout\n  pirt timeline import review.md --from pagerduty-log.json --dry-run\n  pirt timeline import review.md --from alerts.json --since 13:30 --until 17:00\n  pirt timeline import review.md --from events.csv"
    )]
    Import {
        /// The review to add to
        file: PathBuf,
        /// The export: a Slack .zip or folder, a JSON file, JSON lines or CSV (time,text[,kind[,source]])
        #[arg(long, value_name = "PATH")]
        from: PathBuf,
        /// What the export is; auto recognises it from its shape
        #[arg(long, value_name = "F", default_value = "auto", value_parser = clap::builder::PossibleValuesParser::new(sources::Format::NAMES))]
        format: String,
        /// The Slack channel to read, by name or id
        #[arg(long, value_name = "NAME")]
        channel: Option<String>,
        /// Take entries from this time on (default: an hour before started_at)
        #[arg(long, value_name = "T")]
        since: Option<String>,
        /// Take entries up to this time (default: an hour after resolved_at, or now)
        #[arg(long, value_name = "T")]
        until: Option<String>,
        /// Take every message a person wrote and every log entry, not only the telling ones
        #[arg(long)]
        all: bool,
        /// Leave the lifecycle times (detected_at ... resolved_at) alone
        #[arg(long)]
        no_lifecycle: bool,
        /// Print what would be added and set; write nothing
        #[arg(long)]
        dry_run: bool,
        /// Store secrets (keys, tokens, passwords in URLs, webhooks) as <REDACTED kind>
        #[arg(long)]
        redact: bool,
    },
}

/// Parses the arguments and runs the command.
pub fn run(args: impl IntoIterator<Item = OsString>) -> anyhow::Result<ExitCode> {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return Ok(ExitCode::from(code));
        }
    };
    let env = Env::read()?;
    let colour = match cli.color {
        Color::Auto => ColorChoice::Auto,
        Color::Always => ColorChoice::Always,
        Color::Never => ColorChoice::Never,
    };
    let out = cmd::Output::new(cli.quiet, cli.verbose, colour, &env);
    // The commands that need no config.
    match &cli.command {
        Command::Man { dir } => {
            let date = man::date(env.source_date_epoch.as_deref())?;
            return cmd::man::run(&man::pages(Cli::command(), &date), dir.as_deref(), &out);
        }
        Command::Completions { shell } => {
            // Generated into memory first: clap_complete panics on a failed write.
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "pirt", &mut script);
            return cmd::completions::run(&script);
        }
        // The server finds the config from the editor's workspace folder, and reloads it.
        Command::Lsp => return cmd::lsp::run(&env),
        // `init` creates the config, so it must not require one to exist.
        Command::Init { eject } => {
            let explicit = env.config_file(cli.config.as_deref());
            return cmd::init::run(explicit, &env.cwd, *eject, &out);
        }
        _ => {}
    }
    let sarif = matches!(
        cli.command,
        Command::Check {
            format: CheckFormat::Sarif,
            ..
        }
    );
    let mut config = match cmd::load_config(cli.config.as_deref(), &env, &out) {
        Ok(config) => config,
        Err(error) if sarif => return cmd::check::sarif_failed(&error, &env.cwd),
        Err(error) => return Err(error),
    };
    config.no_cache = cli.no_cache;
    let today = || env.today(config.zone);
    match cli.command {
        Command::Init { .. } | Command::Completions { .. } | Command::Man { .. } | Command::Lsp => {
            unreachable!("handled above")
        }
        Command::New(args) => cmd::new::run(&config, new_options(*args), &env, &out),
        Command::Timeline(TimelineCommand::Add {
            file,
            text,
            at,
            kind,
        }) => cmd::timeline::add(
            &config,
            &file,
            &text,
            at.as_deref(),
            &kind,
            env.clock()?,
            &out,
        ),
        Command::Timeline(TimelineCommand::Import {
            file,
            from,
            format,
            channel,
            since,
            until,
            all,
            no_lifecycle,
            dry_run,
            redact,
        }) => {
            let import = cmd::import::Import {
                file: &file,
                from: &from,
                format: sources::Format::parse(&format).expect("clap checked the name"),
                channel,
                since: since.as_deref(),
                until: until.as_deref(),
                all,
                lifecycle: !no_lifecycle,
                dry_run,
                redact,
            };
            cmd::import::run(&config, import, env.clock()?, &out)
        }
        Command::Render {
            files,
            format,
            output,
            out_dir,
            template,
        } => {
            let target = match (output, out_dir) {
                (Some(file), _) => cmd::render::Target::File(file),
                (None, Some(dir)) => cmd::render::Target::Dir(dir),
                (None, None) => cmd::render::Target::Stdout {
                    json_lines: matches!(format, RenderFormat::Jsonl),
                },
            };
            let format = match format {
                RenderFormat::Md => Format::Markdown,
                RenderFormat::Html => Format::Html,
                RenderFormat::Json | RenderFormat::Jsonl => Format::Json,
            };
            let options = cmd::render::Options {
                files,
                format,
                target,
                template,
                today: today()?,
            };
            cmd::render::run(&config, options, &out)
        }
        Command::Draft(args) => cmd::draft::run(
            &config,
            cmd::draft::Options {
                file: args.file,
                prompts: args.prompts,
                all: args.all,
                list: args.list,
                dry_run: args.dry_run,
                stdout: args.stdout,
                force: args.force,
                output: args.output,
                from: args.from,
                max_tokens: args.max_tokens,
                overrides: crate::llm::Overrides {
                    provider: args.provider,
                    model: args.model,
                },
            },
            &env,
            &out,
        ),
        Command::Check {
            paths,
            format,
            deny_warnings,
            as_status,
            fix,
            diff,
            in_folders,
            stdin_filename,
        } => {
            use crate::check::output::Format;
            let format = match format {
                CheckFormat::Human => Format::Human,
                CheckFormat::Json => Format::Json,
                CheckFormat::Github => Format::Github,
                CheckFormat::Sarif => Format::Sarif,
            };
            let checked = (|| {
                let options = cmd::check::Options {
                    paths,
                    format,
                    deny_warnings,
                    as_status: as_status.as_deref().and_then(crate::review::Status::parse),
                    fix,
                    diff,
                    in_folders,
                    stdin_filename,
                    today: today()?,
                    now: env.check_now(config.zone)?,
                };
                cmd::check::run(&config, options, &out)
            })();
            match checked {
                Err(error) if sarif => cmd::check::sarif_failed(&error, &env.cwd),
                other => other,
            }
        }
        Command::Stats {
            paths,
            by,
            since,
            until,
            format,
            output,
        } => {
            use crate::insights::stats::By;
            let options = cmd::stats::StatsOptions {
                paths,
                by: match by {
                    StatsBy::Severity => By::Severity,
                    StatsBy::Service => By::Service,
                    StatsBy::Month => By::Month,
                    StatsBy::Quarter => By::Quarter,
                },
                since,
                until,
                format: match format {
                    StatsFormatArg::Table => cmd::stats::StatsFormat::Table,
                    StatsFormatArg::Json => cmd::stats::StatsFormat::Json,
                    StatsFormatArg::Html => cmd::stats::StatsFormat::Html,
                },
                output,
                today: today()?,
            };
            cmd::stats::stats(&config, options, &out)
        }
        Command::Actions {
            action:
                Some(ActionsCommand::Sync {
                    paths,
                    tracker,
                    create,
                    dry_run,
                    format,
                }),
            ..
        } => cmd::actions::sync(
            &config,
            cmd::actions::SyncOptions {
                paths,
                sync: crate::trackers::sync::Options {
                    tracker,
                    create,
                    dry_run,
                },
                json: matches!(format, SyncFormat::Json),
            },
            &env,
            &out,
        ),
        Command::Actions {
            action: None,
            paths,
            open,
            overdue,
            owner,
            service,
            format,
        } => {
            let options = cmd::stats::ActionsOptions {
                paths,
                filter: crate::insights::actions::Filter {
                    open,
                    overdue,
                    owner,
                    service,
                },
                format: match format {
                    ActionsFormatArg::Table => cmd::stats::ActionsFormat::Table,
                    ActionsFormatArg::Json => cmd::stats::ActionsFormat::Json,
                    ActionsFormatArg::Csv => cmd::stats::ActionsFormat::Csv,
                },
                today: today()?,
            };
            cmd::stats::actions(&config, options, &out)
        }
        Command::Site {
            out_dir,
            title,
            include_drafts,
        } => cmd::site::run(&config, &out_dir, &title, include_drafts, today()?, &out),
        Command::Problem(ProblemCommand::New { title, from, owner }) => cmd::problem::new(
            &config,
            cmd::problem::NewOptions { title, from, owner },
            &out,
        ),
        Command::Problem(ProblemCommand::List { format }) => {
            cmd::problem::list(&config, matches!(format, ListFormat::Json), &out)
        }
        Command::Cache { action } => {
            cmd::cache::run(&config, matches!(action, Some(CacheCommand::Clean)), &out)
        }
        Command::Schema { problem, output } => {
            cmd::schema::run(&config, problem, output.as_deref(), &out)
        }
    }
}

fn new_options(args: NewArgs) -> cmd::new::Options {
    cmd::new::Options {
        template: args.template,
        given: crate::scaffold::Given {
            title: args.title,
            severity: args.severity,
            services: args.services,
            tags: args.tags,
            authors: args.authors,
            commander: args.commander,
            started: args.started,
            detected: args.detected,
            acknowledged: args.acknowledged,
            mitigated: args.mitigated,
            resolved: args.resolved,
            detection: args.detection,
            detection_source: args.detection_source,
            impact: args.impact,
            users_affected: args.users_affected,
            trigger: args.trigger,
            events: args.events,
        },
        may_ask: !args.no_input,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
