//! `pirt.toml`: discovery, the model, and the built-in defaults.
//!
//! Lookup order: `--config PATH` > `PIRT_CONFIG` > the first `pirt.toml` found walking up
//! from the working directory > built-in defaults (a repository without a config works).
//! Relative folders in the config are relative to the folder holding the config file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono_tz::Tz;
use serde::Deserialize;

use crate::review::EntryKind;
use crate::rule_id::RuleId;

/// The commented config `pirt init` writes. A test keeps it equal to `Config::default()`.
pub const DEFAULT_TOML: &str = include_str!("../templates/pirt.toml");

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// IANA zone for times typed without one (`14:32`) and for displayed times.
    pub timezone: String,
    pub folders: Folders,
    pub ids: Ids,
    pub new: NewDefaults,
    /// The severity scale, most severe first.
    pub severity: Scale,
    pub check: CheckConfig,
    pub llm: LlmConfig,
    pub stats: StatsConfig,
    pub import: ImportConfig,
    /// `[trackers]`, `[people]`, `[site]`: where action items are followed up (issue 13).
    pub trackers: TrackersConfig,
    pub people: People,
    pub site: SiteConfig,
    #[serde(skip)]
    pub zone: Tz,
    /// The folder the config lives in (the working directory when there is none).
    #[serde(skip)]
    pub root: PathBuf,
    /// The config file, when there is one.
    #[serde(skip)]
    pub path: Option<PathBuf>,
    /// `--no-cache`: every file is read, and the corpus index in `.pirt/cache` is neither
    /// read nor written.
    #[serde(skip)]
    pub no_cache: bool,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Folders {
    pub reviews: PathBuf,
    pub problems: PathBuf,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Ids {
    /// e.g. `PIR-{year}-{seq:03}`
    pub review: String,
    /// e.g. `PRB-{seq:04}`
    pub problem: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NewDefaults {
    /// The scaffold template `pirt new` uses without `--template`.
    pub template: String,
}

impl Default for NewDefaults {
    fn default() -> Self {
        NewDefaults {
            template: "concise".into(),
        }
    }
}

pub use crate::review::{Scale, SeverityLevel};

/// `[stats]`: how `pirt stats` finds recurring failures.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StatsConfig {
    /// A service or tag with at least this many incidents in the window, not all linked to
    /// one problem record, is listed as a candidate problem.
    pub recurrence_min: usize,
    /// The window, in days.
    pub recurrence_window_days: u32,
}

impl Default for StatsConfig {
    fn default() -> Self {
        StatsConfig {
            recurrence_min: 3,
            recurrence_window_days: 90,
        }
    }
}

/// `[llm]`: the model `pirt draft` talks to. Flags and environment variables override it
/// (`llm::Settings::resolve`); the key itself is only ever read from the environment.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LlmConfig {
    /// `openai` (any OpenAI-compatible server) or `anthropic`.
    pub provider: String,
    /// Default: `https://api.openai.com/v1` or `https://api.anthropic.com`.
    pub base_url: Option<String>,
    pub model: Option<String>,
    /// The environment variable holding the key. Default: OPENAI_API_KEY or ANTHROPIC_API_KEY.
    pub api_key_env: Option<String>,
    /// Seconds to wait for the connection, the first byte, and between streamed chunks.
    pub timeout_secs: u64,
    /// Attempts after the first one, for errors that may pass (network, 429, 5xx).
    pub retries: u32,
    /// Prompts sent at the same time.
    pub concurrency: usize,
    /// Stream answers (SSE). Turn off for servers that cannot.
    pub stream: bool,
    /// How `action-items` asks for JSON from an OpenAI-style server: `json_schema`,
    /// `json_object` (older llama.cpp, vLLM) or `prompt` (only asks in the prompt).
    pub structured_output: String,
    /// The most tokens an answer may have, for prompts whose file sets no `max_tokens`.
    /// An answer that reaches it is cut off, and is never written.
    pub max_tokens: u32,
    pub redact: RedactConfig,
}

impl Default for LlmConfig {
    fn default() -> Self {
        LlmConfig {
            provider: "openai".into(),
            base_url: None,
            model: None,
            api_key_env: None,
            timeout_secs: 120,
            retries: 3,
            concurrency: 4,
            stream: true,
            structured_output: "json_schema".into(),
            max_tokens: 1024,
            redact: RedactConfig::default(),
        }
    }
}

/// `[import]`: how `pirt timeline import` reads the exports of other systems.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportConfig {
    pub slack: SlackImport,
}

/// `[import.slack]`: which messages of a Slack export become timeline entries.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SlackImport {
    /// Messages carrying one of these reactions are taken, besides the pinned ones.
    pub reactions: Vec<String>,
    /// With `--all`, bot messages too.
    pub include_bots: bool,
    /// A reaction name or a message's leading word → the kind of its entry
    /// (`"rotating_light" = "detection"`, `"rollback" = "mitigation"`); `note` otherwise.
    pub kinds: BTreeMap<String, EntryKind>,
}

impl Default for SlackImport {
    fn default() -> Self {
        SlackImport {
            reactions: vec!["pushpin".to_string()],
            include_bots: false,
            kinds: BTreeMap::new(),
        }
    }
}

/// `[llm.redact]`: what is replaced by placeholders before a prompt leaves the machine.
/// Keys, tokens, private keys and passwords in URLs are always redacted when enabled.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedactConfig {
    pub enabled: bool,
    pub emails: bool,
    pub ip_addresses: bool,
    /// More regular expressions; each match becomes `<REDACTED_n>`.
    pub patterns: Vec<String>,
}

impl Default for RedactConfig {
    fn default() -> Self {
        RedactConfig {
            enabled: true,
            emails: true,
            ip_addresses: true,
            patterns: Vec::new(),
        }
    }
}

/// `[check]`: how strict `pirt check` is.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// Rule → level, overriding the rule's default (with where the name is written).
    pub rules: BTreeMap<toml::Spanned<RuleId>, RuleSetting>,
    /// Status → headings that must be present and not empty. `A|B` accepts either heading.
    pub required_sections: BTreeMap<String, Vec<String>>,
    /// Status → front-matter fields that must be set (`impact.summary` for nested ones).
    pub required_fields: BTreeMap<String, Vec<String>>,
    pub blameless: BlamelessConfig,
    /// Bounds of the `implausible-time` rule.
    pub implausible: ImplausibleConfig,
    /// Files larger than this are reported instead of parsed.
    pub max_file_mb: u64,
}

/// `[check.implausible]`: when a time or a lifecycle step is too odd to be right. Durations
/// are written as `24h`, `90m`, `7d`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImplausibleConfig {
    /// A timestamp this far past now is in the future (clocks drift a little).
    pub future: String,
    /// started → detected.
    pub ttd: String,
    /// detected → acknowledged.
    pub tta: String,
    /// started → mitigated.
    pub ttm: String,
    /// started → resolved.
    pub ttr: String,
}

impl Default for ImplausibleConfig {
    fn default() -> Self {
        ImplausibleConfig {
            future: "5m".into(),
            ttd: "24h".into(),
            tta: "6h".into(),
            ttm: "7d".into(),
            ttr: "30d".into(),
        }
    }
}

impl ImplausibleConfig {
    /// A bound by its key (`ttd`, `future`, ...), parsed.
    pub fn bound(&self, key: &str) -> Option<chrono::Duration> {
        let text = match key {
            "future" => &self.future,
            "ttd" => &self.ttd,
            "tta" => &self.tta,
            "ttm" => &self.ttm,
            "ttr" => &self.ttr,
            _ => return None,
        };
        humantime::parse_duration(text.trim())
            .ok()
            .and_then(|d| chrono::Duration::from_std(d).ok())
    }
}

/// A rule's level set in the config.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleSetting {
    Off,
    #[serde(alias = "warning")]
    Warn,
    Error,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BlamelessConfig {
    /// More phrases to report (matched case-insensitively on word boundaries).
    pub extra: Vec<String>,
    /// Phrases that contain a listed word but are fine (`fault tolerance`).
    pub allow: Vec<String>,
}

/// The core narrative, required at every status (a warning while in draft).
const SECTIONS: &[&str] = &[
    "Summary",
    "Impact|Business impact",
    "Root cause and contributing factors|Root causes|Root cause",
    "Detection",
    "Resolution|Resolution and recovery",
];

/// What a review submitted for review must also say: its lessons (the concise and itil
/// templates split them into sections; sre has one `Lessons learned`).
const LESSONS: &[&str] = &[
    "What went well|Lessons learned",
    "What went wrong|Lessons learned",
];

const FIELDS: &[&str] = &[
    "services",
    "incident_commander",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "detection",
    "impact.summary",
];

impl Default for CheckConfig {
    fn default() -> Self {
        let per_status = |items: &[&str]| -> BTreeMap<String, Vec<String>> {
            crate::review::Status::NAMES
                .iter()
                .map(|s| (s.to_string(), items.iter().map(|i| i.to_string()).collect()))
                .collect()
        };
        let mut required_sections = per_status(SECTIONS);
        for status in ["in-review", "published"] {
            if let Some(list) = required_sections.get_mut(status) {
                list.extend(LESSONS.iter().map(|s| s.to_string()));
            }
        }
        CheckConfig {
            rules: BTreeMap::new(),
            required_sections,
            required_fields: per_status(FIELDS),
            blameless: BlamelessConfig::default(),
            implausible: ImplausibleConfig::default(),
            max_file_mb: 10,
        }
    }
}

impl CheckConfig {
    /// The configured level of a rule, if the config sets one.
    pub fn setting(&self, rule: RuleId) -> Option<RuleSetting> {
        self.rules
            .iter()
            .find(|(name, _)| *name.get_ref() == rule)
            .map(|(_, setting)| *setting)
    }
}

impl Default for Folders {
    fn default() -> Self {
        Folders {
            reviews: "postmortems".into(),
            problems: "problems".into(),
        }
    }
}

impl Default for Ids {
    fn default() -> Self {
        Ids {
            review: "PIR-{year}-{seq:03}".into(),
            problem: "PRB-{seq:04}".into(),
        }
    }
}

fn level(
    id: &str,
    aliases: &[&str],
    description: &str,
    requires_problem: bool,
    days: u32,
) -> SeverityLevel {
    SeverityLevel {
        id: id.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        description: description.into(),
        requires_problem,
        action_item_days: Some(days),
        min_action_items: Some(u32::from(requires_problem)),
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            timezone: "UTC".into(),
            folders: Folders::default(),
            ids: Ids::default(),
            new: NewDefaults::default(),
            check: CheckConfig::default(),
            llm: LlmConfig::default(),
            stats: StatsConfig::default(),
            import: ImportConfig::default(),
            trackers: TrackersConfig::default(),
            people: People::default(),
            site: SiteConfig::default(),
            severity: Scale(vec![
                level(
                    "SEV1",
                    &["P1", "critical"],
                    "Critical: a core service is down or data is lost for many customers",
                    true,
                    30,
                ),
                level(
                    "SEV2",
                    &["P2", "major", "high"],
                    "Major: a key feature is badly degraded for many customers",
                    true,
                    60,
                ),
                level(
                    "SEV3",
                    &["P3", "minor", "medium"],
                    "Minor: partial degradation, or a workaround exists",
                    false,
                    90,
                ),
                level(
                    "SEV4",
                    &["P4", "low"],
                    "Low: little or no customer impact; a near miss",
                    false,
                    180,
                ),
            ]),
            zone: chrono_tz::UTC,
            root: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            path: None,
            no_cache: false,
        }
    }
}

impl Config {
    /// Finds and loads the config. `explicit` is `--config`; `env` is `PIRT_CONFIG`.
    pub fn discover(
        explicit: Option<&Path>,
        env: Option<&Path>,
        cwd: &Path,
    ) -> anyhow::Result<Self> {
        if let Some(path) = explicit.or(env) {
            if path.is_dir() {
                bail!(
                    "config file {} is a folder; give the path of a pirt.toml",
                    path.display()
                );
            }
            if !path.is_file() {
                bail!("config file {} does not exist", path.display());
            }
            return Self::load(path);
        }
        for dir in cwd.ancestors() {
            let candidate = dir.join("pirt.toml");
            if candidate.is_file() {
                return Self::load(&candidate);
            }
        }
        Ok(Config {
            root: cwd.to_path_buf(),
            ..Config::default()
        })
    }

    /// Loads one config file. Keys it leaves out keep their built-in defaults; a
    /// `[[severity]]` list replaces the whole default scale.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config {}", path.display()))?;
        let mut config = parse_toml(&text, path)?;
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        config.root = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        config.path = Some(path);
        Ok(config)
    }

    pub fn reviews_dir(&self) -> PathBuf {
        self.root.join(&self.folders.reviews)
    }

    pub fn problems_dir(&self) -> PathBuf {
        self.root.join(&self.folders.problems)
    }

    /// Where a user's override of a built-in template or prompt lives.
    pub fn override_dir(&self, kind: &str) -> PathBuf {
        self.root.join(".pirt").join(kind)
    }

    /// The severity level named by an id or alias (case-insensitive).
    pub fn severity(&self, name: &str) -> Option<&SeverityLevel> {
        self.severity.level(name)
    }

    pub fn severity_names(&self) -> Vec<String> {
        self.severity.ids()
    }
}

impl AsRef<Scale> for Config {
    fn as_ref(&self) -> &Scale {
        &self.severity
    }
}

impl crate::review::Settings for Config {
    fn zone(&self) -> Tz {
        self.zone
    }

    fn max_file_mb(&self) -> u64 {
        self.check.max_file_mb
    }
}

fn parse_toml(text: &str, path: &Path) -> anyhow::Result<Config> {
    let mut config: Config = toml::from_str(text).map_err(|e| config_error(path, text, &e))?;
    config.zone = config.timezone.parse().map_err(|_| {
        anyhow::anyhow!(
            "{}: unknown time zone `{}` in `timezone`; use an IANA name such as UTC or Europe/Berlin",
            path.display(),
            config.timezone
        )
    })?;
    if config.severity.is_empty() {
        bail!(
            "{}: the severity scale is empty; define at least one [[severity]]",
            path.display()
        );
    }
    validate_check(&config.check, text, path)?;
    validate_llm(&config.llm, text, path)?;
    validate_trackers(&config.trackers, text, path)?;
    let at = |needle: &str| {
        let (line, column) = text.find(needle).map_or((1, 1), |o| line_col(text, o));
        format!("{}:{line}:{column}", path.display())
    };
    if config.stats.recurrence_min < 2 {
        bail!(
            "{}: [stats] recurrence_min must be at least 2 (a failure recurs when it happens twice)",
            at("recurrence_min")
        );
    }
    if config.stats.recurrence_window_days == 0 {
        bail!(
            "{}: [stats] recurrence_window_days must be at least 1",
            at("recurrence_window_days")
        );
    }
    for (key, format) in [
        ("review", &config.ids.review),
        ("problem", &config.ids.problem),
    ] {
        check_id_format(format).map_err(|e| {
            let (line, column) = text
                .find(&format!("{key} ="))
                .map_or((1, 1), |o| line_col(text, o));
            anyhow::anyhow!(
                "{}:{line}:{column}: [ids] {key} = \"{format}\": {e}",
                path.display()
            )
        })?;
    }
    Ok(config)
}

/// An id format holds exactly one `{seq}` or `{seq:N}` and otherwise only `{year}`.
fn check_id_format(format: &str) -> Result<(), String> {
    let mut seqs = 0;
    let mut rest = format;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').ok_or("a `{` is not closed")? + open;
        let name = &rest[open + 1..close];
        match name.split_once(':') {
            None if name == "year" => {}
            None if name == "seq" => seqs += 1,
            Some(("seq", width)) if width.parse::<u8>().is_ok() => seqs += 1,
            _ => {
                return Err(format!(
                    "unknown placeholder `{{{name}}}`; use {{year}} and {{seq}} or {{seq:03}}"
                ));
            }
        }
        rest = &rest[close + 1..];
    }
    match seqs {
        1 => Ok(()),
        0 => Err("needs a {seq} placeholder".into()),
        _ => Err("has more than one {seq}".into()),
    }
}

/// Unknown rule names and statuses are errors, with the line of the offending key.
fn validate_check(check: &CheckConfig, text: &str, path: &Path) -> anyhow::Result<()> {
    for key in ["future", "ttd", "tta", "ttm", "ttr"] {
        if check.implausible.bound(key).is_none() {
            let needle = format!("{key} =");
            let (line, column) = text.find(&needle).map_or((1, 1), |o| line_col(text, o));
            bail!(
                "{}:{line}:{column}: [check.implausible] {key} is not a duration; write it as 30m, 6h or 7d",
                path.display()
            );
        }
    }
    for (table, map) in [
        ("required_sections", &check.required_sections),
        ("required_fields", &check.required_fields),
    ] {
        for status in map.keys() {
            if crate::review::Status::parse(status).is_none() {
                bail!(
                    "{}: unknown status `{status}` in [check.{table}]; use draft, in-review or published",
                    path.display()
                );
            }
        }
    }
    Ok(())
}

/// The provider, structured-output mode and redaction patterns are checked when loading,
/// so a typo is reported with its line before any prompt is sent.
fn validate_llm(llm: &LlmConfig, text: &str, path: &Path) -> anyhow::Result<()> {
    let at = |needle: &str| {
        let (line, column) = text.find(needle).map_or((1, 1), |o| line_col(text, o));
        format!("{}:{line}:{column}", path.display())
    };
    if !["openai", "anthropic"].contains(&llm.provider.as_str()) {
        bail!(
            "{}: unknown provider `{}` in [llm]; use openai (also for Ollama, llama.cpp, vLLM, LM Studio) or anthropic",
            at("provider"),
            llm.provider
        );
    }
    if !["json_schema", "json_object", "prompt"].contains(&llm.structured_output.as_str()) {
        bail!(
            "{}: unknown structured_output `{}` in [llm]; use json_schema, json_object or prompt",
            at("structured_output"),
            llm.structured_output
        );
    }
    if llm.max_tokens == 0 {
        bail!("{}: [llm] max_tokens must be at least 1", at("max_tokens"));
    }
    if llm.concurrency == 0 {
        bail!(
            "{}: [llm] concurrency must be at least 1",
            at("concurrency")
        );
    }
    for pattern in &llm.redact.patterns {
        if let Err(e) = regex::Regex::new(pattern) {
            bail!(
                "{}: [llm.redact] pattern `{pattern}` is not a valid regular expression: {e}",
                at(pattern)
            );
        }
    }
    Ok(())
}

// ---- [trackers], [people], [site] (issue 13) ----

/// `[trackers]`: the issue trackers action items are followed up in, by name, and how
/// requests to them run.
#[derive(Clone, Debug, PartialEq)]
pub struct TrackersConfig {
    /// The tracker `pirt actions sync --create` creates issues in without `--tracker`.
    pub default: Option<String>,
    /// Seconds a request may take.
    pub timeout_secs: u64,
    /// Retries of a request after 429, 5xx, a timeout or a dropped connection.
    pub retries: u32,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// `[trackers.NAME]` tables, by name.
    pub trackers: BTreeMap<String, TrackerConfig>,
}

impl Default for TrackersConfig {
    fn default() -> Self {
        TrackersConfig {
            default: None,
            timeout_secs: 30,
            retries: 3,
            concurrency: 4,
            trackers: BTreeMap::new(),
        }
    }
}

/// The keys of `[trackers]` that are settings, not tracker names.
const TRACKER_SETTINGS: &[&str] = &["default", "timeout_secs", "retries", "concurrency"];

impl<'de> Deserialize<'de> for TrackersConfig {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let table = BTreeMap::<String, toml::Value>::deserialize(deserializer)?;
        let mut out = TrackersConfig::default();
        for (key, value) in table {
            let wrong = |what: &str| D::Error::custom(format!("[trackers] {key} must be {what}"));
            match key.as_str() {
                "default" => {
                    out.default = Some(value.as_str().ok_or_else(|| wrong("a string"))?.into())
                }
                "timeout_secs" | "retries" | "concurrency" => {
                    let n = value
                        .as_integer()
                        .filter(|n| *n >= 1 || (key == "retries" && *n == 0))
                        .ok_or_else(|| wrong("a positive integer"))?;
                    match key.as_str() {
                        "timeout_secs" => out.timeout_secs = n as u64,
                        "retries" => out.retries = n.min(10) as u32,
                        _ => out.concurrency = n.min(64) as usize,
                    }
                }
                _ => {
                    let tracker = value.try_into::<TrackerConfig>().map_err(|e| {
                        D::Error::custom(format!("[trackers.{key}]: {}", e.message().trim_end()))
                    })?;
                    out.trackers.insert(key, tracker);
                }
            }
        }
        Ok(out)
    }
}

/// One `[trackers.NAME]` table.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackerConfig {
    pub kind: TrackerKind,
    /// github: `owner/name`; gitlab: the project's path (`group/project`) or numeric id;
    /// jira: the project key.
    pub repo: String,
    /// github: the API root; gitlab: the instance root; jira: the site root.
    pub base_url: Option<String>,
    /// The environment variable holding the token.
    pub token_env: Option<String>,
    /// Jira Cloud: the variable holding the account's e-mail address (basic auth).
    pub email_env: Option<String>,
    /// Labels every created issue gets (besides the review's severity).
    #[serde(default)]
    pub labels: Vec<String>,
    /// Jira: the issue type of created issues (default `Task`).
    pub issue_type: Option<String>,
    /// Jira: 3 (Cloud, the default) or 2 (Data Center, bearer token).
    pub api_version: Option<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrackerKind {
    Github,
    Gitlab,
    Jira,
}

impl TrackerKind {
    pub fn name(self) -> &'static str {
        match self {
            TrackerKind::Github => "github",
            TrackerKind::Gitlab => "gitlab",
            TrackerKind::Jira => "jira",
        }
    }
}

impl TrackerConfig {
    /// The base URL, without a trailing slash: the configured one or the kind's default.
    pub fn base(&self) -> String {
        let default = match self.kind {
            TrackerKind::Github => "https://api.github.com",
            TrackerKind::Gitlab => "https://gitlab.com",
            TrackerKind::Jira => "",
        };
        self.base_url
            .as_deref()
            .unwrap_or(default)
            .trim_end_matches('/')
            .to_string()
    }

    /// The variable holding the token: `token_env`, else the kind's usual name.
    pub fn token_var(&self) -> &str {
        self.token_env.as_deref().unwrap_or(match self.kind {
            TrackerKind::Github => "GITHUB_TOKEN",
            TrackerKind::Gitlab => "GITLAB_TOKEN",
            TrackerKind::Jira => "JIRA_API_TOKEN",
        })
    }
}

/// `[people]`: a name as reviews write it → its account in each tracker, keyed by tracker
/// name or kind (`"li.wei" = { github = "liwei", jira = "5b10ac8d82e05b22cc7d4ef5" }`).
pub type People = BTreeMap<String, BTreeMap<String, String>>;

/// `[site]`: where the static site is published (links from created issues to reviews).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    /// The URL `pirt site` output is served at (`https://incidents.example.com`).
    pub base_url: Option<String>,
}

fn validate_trackers(trackers: &TrackersConfig, text: &str, path: &Path) -> anyhow::Result<()> {
    let at = |needle: &str| {
        let (line, column) = text.find(needle).map_or((1, 1), |o| line_col(text, o));
        format!("{}:{line}:{column}", path.display())
    };
    if let Some(default) = &trackers.default
        && !trackers.trackers.contains_key(default)
    {
        bail!(
            "{}: [trackers] default = \"{default}\" names no [trackers.{default}] table",
            at("default")
        );
    }
    for (name, t) in &trackers.trackers {
        let here = at(&format!("[trackers.{name}]"));
        if TRACKER_SETTINGS.contains(&name.as_str()) {
            bail!("{here}: `{name}` is a setting of [trackers], not a tracker name");
        }
        let base = t.base();
        if base.is_empty() {
            bail!(
                "{here}: [trackers.{name}] needs base_url (the Jira site, e.g. https://acme.atlassian.net)"
            );
        }
        check_tracker_url(&base)
            .map_err(|e| anyhow::anyhow!("{here}: [trackers.{name}] base_url: {e}"))?;
        let repo = t.repo.trim();
        let ok = match t.kind {
            TrackerKind::Github => {
                repo.split('/').count() == 2 && repo.split('/').all(|p| !p.is_empty())
            }
            TrackerKind::Gitlab => {
                !repo.is_empty() && !repo.starts_with('/') && !repo.ends_with('/')
            }
            TrackerKind::Jira => {
                repo.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                    && repo
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            }
        };
        if !ok {
            let want = match t.kind {
                TrackerKind::Github => "owner/name",
                TrackerKind::Gitlab => "the project's path (group/project) or id",
                TrackerKind::Jira => "the project key (OPS)",
            };
            bail!("{here}: [trackers.{name}] repo = \"{repo}\" is not {want}");
        }
        if t.kind != TrackerKind::Jira
            && (t.api_version.is_some() || t.issue_type.is_some() || t.email_env.is_some())
        {
            bail!(
                "{here}: [trackers.{name}]: api_version, issue_type and email_env are Jira settings"
            );
        }
        if !matches!(t.api_version, None | Some(2) | Some(3)) {
            bail!("{here}: [trackers.{name}] api_version must be 2 (Data Center) or 3 (Cloud)");
        }
    }
    Ok(())
}

/// A tracker URL pirt may send a token to: no credentials in it, and https (plain http
/// only to this machine, for local test servers).
pub fn check_tracker_url(url: &str) -> Result<(), String> {
    if crate::http::has_credentials(url) {
        return Err(format!(
            "`{}` holds credentials; put the token in the variable named by token_env instead",
            crate::http::hide_credentials(url)
        ));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(format!("`{url}` is not a URL (https://...)"));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host
        .rsplit_once(':')
        .filter(|(h, p)| !h.ends_with(']') || p.is_empty())
        .map_or(host, |(h, p)| {
            if p.chars().all(|c| c.is_ascii_digit()) {
                h
            } else {
                host
            }
        });
    let local = ["localhost", "127.0.0.1", "[::1]"].contains(&host);
    match scheme.to_ascii_lowercase().as_str() {
        "https" if !host.is_empty() => Ok(()),
        "http" if local => Ok(()),
        "http" => Err(format!(
            "`{url}` is plain http: the token would travel unencrypted; use https"
        )),
        _ => Err(format!("`{url}` is not an https URL")),
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn config_error(path: &Path, text: &str, err: &toml::de::Error) -> anyhow::Error {
    let message = err.message().trim_end();
    // An unknown rule name (`RuleId`'s own message) says where it is and what is known.
    let what = if message.starts_with(crate::rule_id::UnknownRule::PREFIX) {
        ""
    } else {
        "invalid config: "
    };
    match err.span() {
        Some(span) => {
            let (line, column) = line_col(text, span.start);
            anyhow::anyhow!("{}:{line}:{column}: {what}{message}", path.display())
        }
        None => anyhow::anyhow!("{}: {what}{message}", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commented_default_file_matches_the_built_in_defaults() {
        let parsed = parse_toml(DEFAULT_TOML, Path::new("pirt.toml")).unwrap();
        let builtin = Config::default();
        assert_eq!(parsed.timezone, builtin.timezone);
        assert_eq!(parsed.folders, builtin.folders);
        assert_eq!(parsed.ids, builtin.ids);
        assert_eq!(parsed.new, builtin.new);
        assert_eq!(parsed.severity, builtin.severity);
        assert_eq!(parsed.check, builtin.check);
        assert_eq!(parsed.llm, builtin.llm);
        assert_eq!(parsed.stats, builtin.stats);
    }

    /// The commented `[trackers]` example of the default file is a valid configuration
    /// once uncommented, with the trackers and people it shows.
    #[test]
    fn the_commented_trackers_example_parses_when_uncommented() {
        let start = DEFAULT_TOML.find("# [trackers]").expect("the example");
        let end = DEFAULT_TOML[start..]
            .find("\n\n")
            .map_or(DEFAULT_TOML.len(), |e| start + e);
        let example: String = DEFAULT_TOML[start..end]
            .lines()
            .filter(|l| !l.starts_with("# Review names"))
            .map(|l| l.strip_prefix("# ").or(l.strip_prefix('#')).unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        let parsed = parse_toml(&example, Path::new("pirt.toml")).unwrap();
        assert_eq!(parsed.trackers.default.as_deref(), Some("github"));
        assert_eq!(
            parsed.trackers.trackers.keys().collect::<Vec<_>>(),
            ["github", "jira"]
        );
        // The settings it shows are the defaults.
        let defaults = TrackersConfig::default();
        assert_eq!(parsed.trackers.timeout_secs, defaults.timeout_secs);
        assert_eq!(parsed.trackers.retries, defaults.retries);
        assert_eq!(parsed.trackers.concurrency, defaults.concurrency);
        assert!(format!("{:?}", parsed.people).contains("liwei"));
    }

    #[test]
    fn defaults_work_without_a_file() {
        let config = Config::default();
        assert_eq!(config.folders.reviews, Path::new("postmortems"));
        assert_eq!(config.severity(" p1 ").unwrap().id, "SEV1");
        assert_eq!(config.severity("critical").unwrap().id, "SEV1");
        assert!(config.severity("SEV9").is_none());
    }

    #[test]
    fn user_values_override_table_by_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pirt.toml");
        std::fs::write(
            &path,
            "timezone = \"Europe/Berlin\"\n[folders]\nreviews = \"pm\"\n",
        )
        .unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.zone, chrono_tz::Europe::Berlin);
        assert_eq!(config.folders.reviews, Path::new("pm"));
        assert_eq!(config.folders.problems, Path::new("problems"));
        assert_eq!(config.root, dir.path());
    }

    #[test]
    fn bad_configs_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pirt.toml");
        std::fs::write(&path, "timezone = \"UTC\"\n[folders]\nreviewz = \"pm\"\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("pirt.toml:3:1: invalid config: unknown field `reviewz`"),
            "{err}"
        );
        std::fs::write(&path, "[check.rules]\nblameless-languag = \"off\"\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("pirt.toml:2:1: unknown rule `blameless-languag` in [check.rules] (did you mean `blameless-language`?)"), "{err}");
        std::fs::write(&path, "[ids]\nreview = \"PIR-{yr}-{seq:03}\"\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(
            err.contains(
                "pirt.toml:2:1: [ids] review = \"PIR-{yr}-{seq:03}\": unknown placeholder `{yr}`"
            ),
            "{err}"
        );
        std::fs::write(&path, "timezone = \"Mars/Base\"\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("unknown time zone `Mars/Base`"), "{err}");
    }

    #[test]
    fn discovery_walks_up() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pirt.toml"), "timezone = \"Asia/Tokyo\"\n").unwrap();
        let deep = dir.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        let config = Config::discover(None, None, &deep).unwrap();
        assert_eq!(config.timezone, "Asia/Tokyo");
        let none = tempfile::tempdir().unwrap();
        let config = Config::discover(None, None, none.path()).unwrap();
        assert!(config.path.is_none());
    }

    #[test]
    fn trackers_people_and_site_are_read_and_checked() {
        let text = "[trackers]\ndefault = \"gh\"\nretries = 0\n[trackers.gh]\nkind = \"github\"\nrepo = \"acme/platform\"\nlabels = [\"pm\"]\n[trackers.jira]\nkind = \"jira\"\nrepo = \"OPS\"\nbase_url = \"https://acme.atlassian.net/\"\napi_version = 2\n[people]\n\"li.wei\" = { github = \"liwei\" }\n[site]\nbase_url = \"https://incidents.example\"\n";
        let config = parse_toml(text, Path::new("pirt.toml")).unwrap();
        assert_eq!(config.trackers.default.as_deref(), Some("gh"));
        assert_eq!(config.trackers.retries, 0);
        assert_eq!(config.trackers.concurrency, 4);
        let gh = &config.trackers.trackers["gh"];
        assert_eq!(
            (gh.base(), gh.token_var()),
            ("https://api.github.com".to_string(), "GITHUB_TOKEN")
        );
        assert_eq!(
            config.trackers.trackers["jira"].base(),
            "https://acme.atlassian.net"
        );
        assert_eq!(config.people["li.wei"]["github"], "liwei");
        assert_eq!(
            config.site.base_url.as_deref(),
            Some("https://incidents.example")
        );

        let err = |text: &str| {
            parse_toml(text, Path::new("pirt.toml"))
                .unwrap_err()
                .to_string()
        };
        let e = err("[trackers]\ndefault = \"nope\"\n");
        assert!(
            e.contains(
                "pirt.toml:2:1: [trackers] default = \"nope\" names no [trackers.nope] table"
            ),
            "{e}"
        );
        let e = err("[trackers.gh]\nkind = \"github\"\nrepo = \"acme\"\n");
        assert!(
            e.contains("pirt.toml:1:1: [trackers.gh] repo = \"acme\" is not owner/name"),
            "{e}"
        );
        let e = err(
            "[trackers.gh]\nkind = \"github\"\nrepo = \"a/b\"\nbase_url = \"https://me:secret@ghe.example/api/v3\"\n",
        );
        assert!(
            e.contains("holds credentials") && !e.contains("secret"),
            "{e}"
        );
        let e = err(
            "[trackers.gh]\nkind = \"github\"\nrepo = \"a/b\"\nbase_url = \"http://ghe.example/api/v3\"\n",
        );
        assert!(e.contains("plain http"), "{e}");
        let e = err("[trackers.gh]\nkind = \"gitea\"\nrepo = \"a/b\"\n");
        assert!(e.contains("[trackers.gh]") && e.contains("gitea"), "{e}");
        let e = err("[trackers.gh]\nkind = \"github\"\nrepo = \"a/b\"\ntoken = \"x\"\n");
        assert!(e.contains("unknown field `token`"), "{e}");
        let e = err("[trackers.j]\nkind = \"jira\"\nrepo = \"OPS\"\n");
        assert!(e.contains("needs base_url"), "{e}");
        let e = err("[trackers]\nconcurrency = 0\n");
        assert!(
            e.contains("[trackers] concurrency must be a positive integer"),
            "{e}"
        );
        assert!(check_tracker_url("http://127.0.0.1:8080").is_ok());
        assert!(check_tracker_url("http://localhost").is_ok());
        assert!(check_tracker_url("http://localhost.evil.example").is_err());
        assert!(check_tracker_url("ftp://x").is_err());
    }
}
