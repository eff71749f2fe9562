//! Redaction: secrets and personal data in a prompt are replaced by stable placeholders
//! (`<EMAIL_1>`) before it leaves the machine, and put back into the answer.
//!
//! [`Detector::find`] says where the sensitive values are (a byte range and a [`Kind`]),
//! without changing anything; [`Redactor::redact`] replaces exactly what `find` returns,
//! so a check that reports secrets and the redaction before a prompt always agree.
//!
//! One `Redactor` serves a whole `pirt draft` run, so the same value gets the same
//! placeholder in every prompt and the model can refer to it consistently.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex, OnceLock};

use aho_corasick::AhoCorasick;
use base64::Engine;
use regex::{Captures, Regex};

use crate::config::RedactConfig;

/// What a found value is. [`Kind::name`] is what a person reads ("Slack webhook URL"),
/// [`Kind::label`] the placeholder's label (`<WEBHOOK_1>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    PrivateKey,
    KubernetesClientKey,
    SlackWebhook,
    DiscordWebhook,
    TeamsWebhook,
    GoogleChatWebhook,
    ChatWebhook,
    PowerAutomateSignature,
    SentryDsn,
    DatabasePassword,
    UrlPassword,
    Jwt,
    KubernetesToken,
    KubernetesBootstrapToken,
    OpenAiKey,
    AnthropicKey,
    StripeKey,
    GitHubToken,
    GitLabToken,
    SlackToken,
    DiscordBotToken,
    TelegramBotToken,
    GcpApiKey,
    GcpPrivateKeyId,
    GcpOAuthSecret,
    GcpAccessToken,
    GrafanaServiceAccountToken,
    GrafanaCloudToken,
    GrafanaApiKey,
    DatadogKey,
    DatadogClientToken,
    PagerDutyKey,
    PagerDutyToken,
    AzureAccountKey,
    AzureSas,
    AzureClientSecret,
    AwsAccessKeyId,
    AwsSecretKey,
    NpmToken,
    PyPiToken,
    HuggingFaceToken,
    SendGridKey,
    TwilioKey,
    /// `Authorization: Bearer ...` / `Basic ...`
    Credential,
    /// The value after `password=`, `secret:`, `client_secret`, `PGPASSWORD=` ...
    Password,
    /// A high-entropy value after `api_key=`, `token:`, `X-Api-Key:`, `key=` ...
    ApiKey,
    Email,
    IpAddress,
    /// A match of one of `[llm.redact] patterns`.
    Custom,
}

/// Whether a found value is a secret (a credential: rotate it) or personal data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    Secret,
    PersonalData,
    /// One of the user's own `[llm.redact] patterns`: pirt does not know what it is.
    Custom,
}

impl Kind {
    /// A human name for messages, e.g. "Slack webhook URL".
    pub fn name(self) -> &'static str {
        use Kind::*;
        match self {
            PrivateKey => "private key",
            KubernetesClientKey => "Kubernetes client key (client-key-data)",
            SlackWebhook => "Slack webhook URL",
            DiscordWebhook => "Discord webhook URL",
            TeamsWebhook => "Microsoft Teams webhook URL",
            GoogleChatWebhook => "Google Chat webhook URL",
            ChatWebhook => "Mattermost or Rocket.Chat webhook URL",
            PowerAutomateSignature => "Power Automate or Logic Apps trigger URL signature",
            SentryDsn => "Sentry DSN key",
            DatabasePassword => "database password",
            UrlPassword => "password in a URL",
            Jwt => "JSON Web Token",
            KubernetesToken => "Kubernetes service-account or bearer token",
            KubernetesBootstrapToken => "Kubernetes bootstrap token",
            OpenAiKey => "OpenAI API key",
            AnthropicKey => "Anthropic API key",
            StripeKey => "Stripe API key",
            GitHubToken => "GitHub token",
            GitLabToken => "GitLab token",
            SlackToken => "Slack token",
            DiscordBotToken => "Discord bot token",
            TelegramBotToken => "Telegram bot token",
            GcpApiKey => "Google Cloud API key",
            GcpPrivateKeyId => "Google Cloud service-account private key id",
            GcpOAuthSecret => "Google OAuth client secret",
            GcpAccessToken => "Google OAuth access token",
            GrafanaServiceAccountToken => "Grafana service-account token",
            GrafanaCloudToken => "Grafana Cloud token",
            GrafanaApiKey => "Grafana API key",
            DatadogKey => "Datadog API or application key",
            DatadogClientToken => "Datadog client token",
            PagerDutyKey => "PagerDuty integration or routing key",
            PagerDutyToken => "PagerDuty REST API token",
            AzureAccountKey => "Azure storage or Service Bus account key",
            AzureSas => "Azure shared access signature",
            AzureClientSecret => "Azure client secret",
            AwsAccessKeyId => "AWS access key id",
            AwsSecretKey => "AWS secret access key",
            NpmToken => "npm token",
            PyPiToken => "PyPI token",
            HuggingFaceToken => "Hugging Face token",
            SendGridKey => "SendGrid API key",
            TwilioKey => "Twilio API key",
            Credential => "bearer or basic credential",
            Password => "password or secret",
            ApiKey => "API key or token",
            Email => "e-mail address",
            IpAddress => "IP address",
            Custom => "custom pattern",
        }
    }

    /// The placeholder's label: `<LABEL_n>`. Coarse on purpose: the model needs to know
    /// it is a token, not whose.
    pub fn label(self) -> &'static str {
        use Kind::*;
        match self {
            PrivateKey | KubernetesClientKey => "PRIVATE_KEY",
            SlackWebhook | DiscordWebhook | TeamsWebhook | GoogleChatWebhook | ChatWebhook => {
                "WEBHOOK"
            }
            DatabasePassword | UrlPassword => "PASSWORD",
            Jwt => "JWT",
            PowerAutomateSignature
            | GcpPrivateKeyId
            | GcpOAuthSecret
            | AzureAccountKey
            | AzureSas
            | AzureClientSecret
            | AwsSecretKey
            | Password
            | ApiKey => "SECRET",
            Email => "EMAIL",
            IpAddress => "IP",
            Custom => "REDACTED",
            _ => "TOKEN",
        }
    }

    pub fn category(self) -> Category {
        match self {
            Kind::Email | Kind::IpAddress => Category::PersonalData,
            Kind::Custom => Category::Custom,
            _ => Category::Secret,
        }
    }

    pub fn is_secret(self) -> bool {
        self.category() == Category::Secret
    }
}

/// One sensitive value in a text: the bytes a placeholder replaces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub range: Range<usize>,
    pub kind: Kind,
}

impl Found {
    /// A form safe to print: at most the first 4 characters of a value of 16 or more
    /// (a provider prefix like `ghp_` or `T012`), never any of a shorter one.
    pub fn masked(&self, text: &str) -> String {
        let value = &text[self.range.clone()];
        let chars = value.chars().count();
        let shown: String = if chars >= 16 {
            value.chars().take(4).collect()
        } else {
            String::new()
        };
        format!("{shown}… ({chars} characters)")
    }
}

/// A candidate match, which a rule's check may refuse, narrow or reclassify.
struct Candidate<'h> {
    text: &'h str,
    caps: Captures<'h>,
    kind: Kind,
    span: Range<usize>,
}

type Check = fn(&mut Candidate) -> bool;

/// Words, one of which every match of a rule holds (lower-case ASCII, looked for in any
/// case); empty when no such word exists.
type Anchors = &'static [&'static str];

/// A kind of sensitive text and the expression that finds it. When the expression has a
/// group named `secret` (or `secret2`..`secret4` for alternatives), only that group is
/// replaced: the `Bearer ` or `password=` before it stays readable.
#[derive(Clone)]
struct Rule {
    kind: Kind,
    pattern: String,
    /// Compiled when a text first needs it: a check of one file would otherwise compile
    /// some 50 expressions (11 ms) for the few whose anchors it holds.
    regex: OnceLock<Regex>,
    /// A text without any of them is not searched by this rule. A test proves from each
    /// pattern's syntax that every match holds one.
    anchors: Anchors,
    check: Option<Check>,
    /// No match crosses a line break (a test proves it from the pattern): only the lines
    /// holding an anchor are searched, not the whole text.
    one_line: bool,
}

/// The rules searched line by line: those that run on most texts, since their anchors are
/// everyday words.
const ONE_LINE: &[Kind] = &[Kind::ApiKey, Kind::DatadogClientToken, Kind::DatadogKey];

impl Rule {
    fn new(kind: Kind, pattern: &str, anchors: Anchors, check: Option<Check>) -> Rule {
        Rule {
            kind,
            pattern: ascii_boundaries(pattern),
            regex: OnceLock::new(),
            anchors,
            check,
            one_line: ONE_LINE.contains(&kind) && !anchors.is_empty(),
        }
    }

    fn regex(&self) -> &Regex {
        self.regex
            .get_or_init(|| Regex::new(&self.pattern).expect("built-in pattern"))
    }
}

/// Word boundaries are ASCII: a Unicode `\b` makes the regex crate's fast DFA give up on
/// any text with a non-ASCII character (1 MB of review text: 274 ms instead of 9 ms).
fn ascii_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

/// What may stand between a key name and its value: `=`, `:`, `:=`, `=>` (with spaces,
/// and Markdown bold around), or, read as prose, a table's `|`, a space, `is` or `was`.
const SEP: &str = r#"(?:\\?["']|\*\*)?(?P<sep>[ \t]*(?::=|=>|[:=])(?:\*\*)?[ \t]*|[ \t]*\|[ \t]*|[ \t]+(?:(?:is|was)[ \t]+)?)"#;

/// The value after a key name: quoted (also with JSON-escaped quotes), in backticks, or
/// bare up to a space, quote, comma or semicolon.
const VALUE: &str = r#"(?:\\?"(?P<secret>[^"\\\n]+)|\\?'(?P<secret2>[^'\\\n]+)|`(?P<secret3>[^`\n]+)|(?P<secret4>[^\s"'`,;<>\\]+))"#;

/// Built-in rules, most specific first: where two matches overlap, the earlier rule wins,
/// so a GitHub token after `token=` is a GitHub token, not a generic one.
fn builtin_rules() -> Vec<Rule> {
    use Kind::*;
    let generic = format!(
        r"(?i)(?P<name>(?:pass|pwd|pw|secret|token|key|auth|credential|sig)[a-z0-9_.-]*){SEP}{VALUE}"
    );
    let gcp_key_id = format!(r"(?i)private_key_id{SEP}{VALUE}");
    let client_key = format!(r"(?i)client-key-data{SEP}{VALUE}");
    let bootstrap = format!(r"(?i)token{SEP}{VALUE}");
    let aws_secret = format!(r"(?i)aws_secret_access_key{SEP}{VALUE}");
    let rules: Vec<(Kind, &str, Anchors, Option<Check>)> = vec![
        (
            PrivateKey,
            r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----",
            &["-----begin "],
            None,
        ),
        // A block pasted without its END line (a truncated log, half a JSON key file):
        // everything up to the first space, with JSON's `\n` escapes.
        (
            PrivateKey,
            r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:\\[nr]|[\r\n]|[A-Za-z0-9+/=])+",
            &["-----begin "],
            Some(check_dangling_pem),
        ),
        (
            KubernetesClientKey,
            &client_key,
            &["client-key-data"],
            Some(check_base64_value),
        ),
        // A PEM private key in base64 (Kubernetes Secret `tls.key:`, kubeconfig): decoded
        // to tell it from a certificate, which is public.
        (
            PrivateKey,
            r"\bLS0tLS1CRUdJTi[A-Za-z0-9+/]{20,}={0,2}",
            &["ls0tls1crudjti"],
            Some(check_base64_pem),
        ),
        // Chat webhooks: anyone with the URL can post. The host stays readable.
        (
            SlackWebhook,
            r"\bhooks\.slack(?:-gov)?\.com/(?:services|workflows|triggers)/(?P<secret>[A-Za-z0-9_/-]{16,})",
            &["hooks.slack"],
            None,
        ),
        (
            DiscordWebhook,
            r"\b(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api(?:/v[0-9]+)?/webhooks/(?P<secret>[0-9]{5,25}/[A-Za-z0-9_-]{16,})",
            &["discord"],
            None,
        ),
        (
            TeamsWebhook,
            r"(?i)\b(?:webhook\.office|outlook\.office(?:365)?)\.com/webhook(?:b2)?/(?P<secret>[A-Za-z0-9@/_%=-]{20,})",
            &[".com/webhook"],
            None,
        ),
        (
            GoogleChatWebhook,
            r"\bchat\.googleapis\.com/v1/spaces/[A-Za-z0-9_-]+/messages\?(?P<secret>[A-Za-z0-9_%=&.-]*(?:key|token)=[A-Za-z0-9_%=&.-]+)",
            &["chat.googleapis.com"],
            None,
        ),
        (
            ChatWebhook,
            r"(?i)\bhttps?://[a-z0-9.-]+(?::[0-9]+)?/hooks/(?P<secret>[A-Za-z0-9]{17,32}(?:/[A-Za-z0-9]{20,})?)\b",
            &["/hooks/"],
            Some(check_random_span),
        ),
        (
            PowerAutomateSignature,
            r#"(?i)\b(?:logic\.azure\.com|powerplatform\.com|azure-api\.net)(?::[0-9]+)?/[^\s"'<>`]*?[?&]sig=(?P<secret>[A-Za-z0-9%+/=_-]{20,})"#,
            &["sig="],
            None,
        ),
        // Sentry DSN: https://KEY@o123.ingest.sentry.io/456 (KEY:SECRET@ in old DSNs). It
        // would otherwise pass for an e-mail address, which is not a secret.
        (
            SentryDsn,
            r"(?i)\bhttps?://(?P<secret>[a-f0-9]{32}(?::[a-f0-9]{32})?)@[a-z0-9.-]+(?::[0-9]+)?/[0-9]+",
            &["://"],
            None,
        ),
        // user:password@ in URLs (postgres://app:hunter2@db:5432), up to the last `@`
        // before the path, so a password with an `@` is not cut in two.
        (
            UrlPassword,
            r#"(?i)\b(?P<scheme>[a-z][a-z0-9+.-]*)://[^\s:/@"'<>]*:(?P<secret>[^\s/"'<>`]+)@"#,
            &["://"],
            Some(check_url_password),
        ),
        (
            DatabasePassword,
            r#"(?i)\bjdbc:oracle:[a-z]+:[^\s/:@"']+/(?P<secret>[^\s@"'/]+)@"#,
            &["jdbc:oracle:"],
            Some(check_not_reference),
        ),
        (
            DatabasePassword,
            r#"\bmysql(?:dump|admin|sh)?[ \t][^\n]*?[ \t]-p(?:'(?P<secret>[^'\n]+)'|"(?P<secret2>[^"\n]+)"|(?P<secret3>[^\s'"]{3,}))"#,
            &["mysql"],
            Some(check_not_reference),
        ),
        (
            Jwt,
            r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+",
            &["eyj"],
            Some(check_jwt),
        ),
        (
            KubernetesToken,
            r#"\bkubectl[ \t][^\n]*?[ \t]--token(?:=|[ \t]+)["']?(?P<secret>[^\s"']{8,})"#,
            &["kubectl"],
            Some(check_not_reference),
        ),
        // OpenShift tokens; not to be confused with image digests (sha256:).
        (
            KubernetesToken,
            r"\bsha256~[A-Za-z0-9_-]{40,}",
            &["sha256~"],
            None,
        ),
        // kubeadm tokens (abcdef.0123456789abcdef): only after the word token, since the
        // shape alone also fits host and file names.
        (
            KubernetesBootstrapToken,
            &bootstrap,
            &["token"],
            Some(check_bootstrap_token),
        ),
        (
            AnthropicKey,
            r"\bsk-ant-[A-Za-z0-9_-]{20,}",
            &["sk-ant-"],
            None,
        ),
        (OpenAiKey, r"\bsk-[A-Za-z0-9_-]{20,}", &["sk-"], None),
        (
            StripeKey,
            r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}",
            &["k_"],
            None,
        ),
        (GitHubToken, r"\bgh[pousr]_[A-Za-z0-9]{30,}", &["gh"], None),
        (
            GitHubToken,
            r"\bgithub_pat_[A-Za-z0-9_]{30,}",
            &["github_pat_"],
            None,
        ),
        (
            GitLabToken,
            r"\bglpat-[A-Za-z0-9_-]{20,}",
            &["glpat-"],
            None,
        ),
        (
            SlackToken,
            r"\b(?:xox[abposre]-[A-Za-z0-9-]{10,}|xoxe\.xox[bp]-[A-Za-z0-9-]{10,}|xapp-[0-9]-[A-Za-z0-9-]{10,})",
            &["xox", "xapp-"],
            None,
        ),
        (
            DiscordBotToken,
            r"\b[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}",
            &[],
            Some(check_token_edges),
        ),
        (
            TelegramBotToken,
            r"(?:bot|\b)(?P<secret>[0-9]{8,10}:AA[A-Za-z0-9_-]{33})",
            &[":aa"],
            None,
        ),
        (GcpApiKey, r"\bAIza[0-9A-Za-z_-]{35}", &["aiza"], None),
        (
            GcpPrivateKeyId,
            &gcp_key_id,
            &["private_key_id"],
            Some(check_hex40),
        ),
        (
            GcpOAuthSecret,
            r"\bGOCSPX-[A-Za-z0-9_-]{20,}",
            &["gocspx-"],
            None,
        ),
        (
            GcpAccessToken,
            r"\bya29\.[0-9A-Za-z_-]{30,}",
            &["ya29."],
            None,
        ),
        (
            GrafanaServiceAccountToken,
            r"\bglsa_[A-Za-z0-9_]{20,}",
            &["glsa_"],
            None,
        ),
        (
            GrafanaCloudToken,
            r"\bglc_[A-Za-z0-9+/]{32,}={0,2}",
            &["glc_"],
            None,
        ),
        (
            GrafanaApiKey,
            r"\beyJrIjoi[A-Za-z0-9+/]{30,}={0,2}",
            &["eyjrijoi"],
            None,
        ),
        // Datadog API keys (32 hex) and application keys (40 hex) look like MD5 sums,
        // trace ids and commit hashes, so they are only taken after a Datadog key name
        // (DD_API_KEY, dd-api-key, DD-APPLICATION-KEY, "Datadog API key") on the same
        // line, at most 24 characters before the value.
        (
            DatadogKey,
            r"(?i)(?:dd|datadog)[_ -]?(?:api|app|application)[_ -]?key\b[^\n]{0,24}?\b(?P<secret>[a-f0-9]{40}|[a-f0-9]{32})\b",
            &["key"],
            None,
        ),
        (DatadogClientToken, r"\bpub[a-f0-9]{32}\b", &["pub"], None),
        // PagerDuty integration/routing keys are 32 characters with no prefix: only after
        // a key name (routing_key, integration key, PAGERDUTY_..._KEY) on the same line.
        (
            PagerDutyKey,
            r"(?i)(?:routing|integration|service|pagerduty|pd|events?)[_ -]?(?:api[_ -]?)?key\b[^\n]{0,24}?\b(?P<secret>[A-Za-z0-9]{32})\b",
            &["key"],
            Some(check_random_span),
        ),
        (
            PagerDutyToken,
            r"(?i)(?:pagerduty|pd)[_ -]?(?:rest[_ -]?)?(?:api[_ -]?)?(?:token|key)\b[^\n]{0,24}?\b(?P<secret>(?:u\+)?[A-Za-z0-9_+-]{20,})",
            &["pagerduty", "pd"],
            Some(check_pagerduty_token),
        ),
        (
            PagerDutyToken,
            r"(?i)\btoken[ \t]+token=(?P<secret>[A-Za-z0-9_+-]{16,})",
            &["token="],
            None,
        ),
        (
            PagerDutyToken,
            r"\bu\+[A-Za-z0-9_-]{16,40}",
            &["u+"],
            Some(check_pagerduty_token),
        ),
        (
            AzureAccountKey,
            r"(?i)\b(?:AccountKey|SharedAccessKey|PrimaryKey|SecondaryKey)[ \t]*=[ \t]*(?P<secret>[A-Za-z0-9+/]{20,}={0,2})",
            &[
                "accountkey",
                "sharedaccesskey",
                "primarykey",
                "secondarykey",
            ],
            None,
        ),
        (
            AzureSas,
            r"\bsig=(?P<secret>[A-Za-z0-9%+/=_-]{20,})",
            &["sig="],
            Some(check_signature),
        ),
        // Azure AD client secrets since 2022: three characters, a digit, `Q~`, 31-34 more.
        (
            AzureClientSecret,
            r"[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}",
            &["q~"],
            Some(check_token_edges),
        ),
        (
            AwsAccessKeyId,
            r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b",
            &["akia", "asia", "agpa", "aida", "aroa", "anpa"],
            None,
        ),
        (
            AwsSecretKey,
            &aws_secret,
            &["aws_secret_access_key"],
            Some(check_aws_secret),
        ),
        (NpmToken, r"\bnpm_[A-Za-z0-9]{36}", &["npm_"], None),
        (PyPiToken, r"\bpypi-[A-Za-z0-9_-]{50,}", &["pypi-"], None),
        (HuggingFaceToken, r"\bhf_[A-Za-z0-9]{30,}", &["hf_"], None),
        (
            SendGridKey,
            r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}",
            &["sg."],
            None,
        ),
        (TwilioKey, r"\bSK[0-9a-fA-F]{32}\b", &["sk"], None),
        // Authorization: Bearer xyz / Basic xyz (not "basic authentication").
        (
            Credential,
            r"(?i)\b(?:bearer|basic)[ \t]+(?P<secret>[A-Za-z0-9._~+/=-]{12,})",
            &["bearer", "basic"],
            Some(check_credential),
        ),
        // password=..., api_key: ..., "secret": "...", X-Api-Key: ..., export DB_PASSWORD=
        (
            ApiKey,
            &generic,
            &[
                "pass",
                "pw",
                "secret",
                "token",
                "key",
                "auth",
                "credential",
                "sig",
            ],
            Some(check_generic),
        ),
    ];
    rules
        .into_iter()
        .map(|(kind, pattern, anchors, check)| Rule::new(kind, pattern, anchors, check))
        .collect()
}

const EMAIL: &str = r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b";
const IPV4: &str = r"\b(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\b";
/// Full and `::`-compressed IPv6 forms with at least three groups (so `14:02:00` is not one).
const IPV6: &str = r"(?i)(?:\b[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){7}\b|\b(?:[0-9a-f]{1,4}:){1,6}(?::[0-9a-f]{1,4}){1,6}\b|\b(?:[0-9a-f]{1,4}:){2,7}:|::(?:ffff:)?(?:[0-9a-f]{1,4}:){1,5}[0-9a-f]{1,4}\b)";

/// The built-in rules, then e-mail, IPv4 and IPv6 (which the config turns on), with one
/// automaton over every rule's anchors. Made once per process; each expression is
/// compiled the first time a text holds one of its anchors.
struct Rules {
    list: Vec<Rule>,
    /// Where e-mail, IPv4 and IPv6 are in `list`.
    email: usize,
    anchors: AnchorSearch,
    /// For each anchor word, the rule it belongs to.
    owner: Vec<usize>,
}

/// One automaton over every rule's anchor words, in two forms: a contiguous NFA builds in
/// a tenth of the time (what the one file of a pre-commit check wants), a DFA searches
/// faster (the overlapping search with the NFA was 10% of `pirt check`'s CPU over 10,000
/// reviews). The NFA serves the first [`AnchorSearch::NFA_BYTES`] searched in a process, the
/// DFA (built then, 0.4 ms) the rest.
struct AnchorSearch {
    words: Vec<&'static str>,
    nfa: AhoCorasick,
    dfa: OnceLock<AhoCorasick>,
    searched: AtomicUsize,
}

impl AnchorSearch {
    const NFA_BYTES: usize = 256 * 1024;

    fn new(words: Vec<&'static str>) -> Self {
        AnchorSearch {
            nfa: Self::build(&words, aho_corasick::AhoCorasickKind::ContiguousNFA),
            words,
            dfa: OnceLock::new(),
            searched: AtomicUsize::new(0),
        }
    }

    fn build(words: &[&str], kind: aho_corasick::AhoCorasickKind) -> AhoCorasick {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(kind))
            .build(words)
            .expect("built-in anchors")
    }

    /// The automaton to search `text` with.
    fn for_text(&self, text: &str) -> &AhoCorasick {
        if let Some(dfa) = self.dfa.get() {
            return dfa;
        }
        if self.searched.fetch_add(text.len(), Ordering::Relaxed) < Self::NFA_BYTES {
            return &self.nfa;
        }
        self.dfa
            .get_or_init(|| Self::build(&self.words, aho_corasick::AhoCorasickKind::DFA))
    }
}

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let mut list = builtin_rules();
    let email = list.len();
    list.push(Rule::new(Kind::Email, EMAIL, &["@"], None));
    list.push(Rule::new(Kind::IpAddress, IPV4, &["."], Some(check_ipv4)));
    list.push(Rule::new(Kind::IpAddress, IPV6, &[":"], None));
    // E-mail and IP addresses have one-character anchors (`@`, `.`, `:`), found in most
    // lines: in the automaton they would be reported at every dot and colon of every
    // file, wanted or not (they are off by default). They are looked for with memchr,
    // when wanted.
    let (words, owner): (Vec<&str>, Vec<usize>) = list[..email]
        .iter()
        .enumerate()
        .flat_map(|(i, rule)| rule.anchors.iter().map(move |a| (*a, i)))
        .unzip();
    Rules {
        list,
        email,
        anchors: AnchorSearch::new(words),
        owner,
    }
});

/// Where one rule may match in a text.
#[derive(Clone, Debug, PartialEq)]
enum Reach {
    Nowhere,
    Anywhere,
    /// Near these anchor hits (byte offsets, unordered): every match holds one.
    Near(Vec<usize>),
}

impl Reach {
    fn anywhere_if(yes: bool) -> Reach {
        if yes { Reach::Anywhere } else { Reach::Nowhere }
    }
}

impl Rules {
    /// Where each rule can match in `text`: near its anchors, if it has any; anywhere for
    /// those without anchors. `(?i)` also matches the Kelvin sign for `k` and the long `ſ`
    /// for `s`, which no ASCII anchor sees: a text holding either is searched by every rule.
    ///
    /// E-mail and IP addresses (the rules from `email` on) only where `wanted`.
    fn reach(&self, text: &str, wanted: impl Fn(usize) -> bool) -> Vec<Reach> {
        if folds_to_ascii(text) {
            return (0..self.list.len())
                .map(|i| Reach::anywhere_if(wanted(i)))
                .collect();
        }
        let mut reach: Vec<Reach> = self
            .list
            .iter()
            .map(|r| {
                Reach::anywhere_if(
                    r.anchors.is_empty()
                        && (r.kind != Kind::DiscordBotToken || discord_shape(text)),
                )
            })
            .collect();
        for m in self.anchors.for_text(text).find_overlapping_iter(text) {
            match &mut reach[self.owner[m.pattern().as_usize()]] {
                Reach::Near(hits) => hits.push(m.start()),
                r @ Reach::Nowhere => *r = Reach::Near(vec![m.start()]),
                Reach::Anywhere => {}
            }
        }
        for (i, rule) in self.list.iter().enumerate().skip(self.email) {
            reach[i] =
                Reach::anywhere_if(wanted(i) && rule.anchors.iter().any(|a| text.contains(a)));
        }
        reach
    }

    /// Whether each rule can match in `text` at all.
    #[cfg(test)]
    fn may_match(&self, text: &str, wanted: impl Fn(usize) -> bool) -> Vec<bool> {
        self.reach(text, wanted)
            .iter()
            .map(|r| *r != Reach::Nowhere)
            .collect()
    }
}

/// Whether `text` holds what every Discord bot token holds, which no word anchors: a dot
/// with at least 24 token characters before it, then 6 and another dot. Prose has dots, but
/// a space follows nearly every one, so the expression (a scan of every byte) rarely runs.
fn discord_shape(text: &str) -> bool {
    let bytes = text.as_bytes();
    let token = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-');
    text.match_indices('.').any(|(i, _)| {
        i >= 24
            && bytes.get(i + 7) == Some(&b'.')
            && bytes[i + 1..i + 7].iter().all(token)
            && bytes[i - 24..i].iter().all(token)
    })
}

/// Whether `text` holds a letter that `(?i)` matches to an ASCII one though it is not ASCII
/// (the Kelvin sign for `k`, the long `ſ` for `s`): an automaton over ASCII words, ASCII
/// case-insensitive, does not see them, so such a text is searched by the expressions.
/// Two memchr scans (a set of chars is matched char by char, at a tenth the speed).
pub fn folds_to_ascii(text: &str) -> bool {
    !text.is_ascii() && (text.contains('\u{212A}') || text.contains('\u{17F}'))
}

/// Finds secrets and personal data; changes nothing. Cheap to clone.
#[derive(Clone)]
pub struct Detector {
    emails: bool,
    ip_addresses: bool,
    /// `[llm.redact] patterns`, compiled when the detector is made (an invalid one is the
    /// config's error), searched after the built-in rules.
    custom: Vec<Rule>,
}

impl Detector {
    /// The built-in rules, plus e-mail, IP and custom patterns as the config asks.
    /// `enabled` is not looked at: that is the redactor's business.
    pub fn new(config: &RedactConfig) -> anyhow::Result<Self> {
        let mut custom = Vec::new();
        for pattern in &config.patterns {
            let regex = Regex::new(pattern).map_err(|e| {
                anyhow::anyhow!("[llm.redact] pattern `{pattern}` is not valid: {e}")
            })?;
            custom.push(Rule {
                kind: Kind::Custom,
                pattern: pattern.clone(),
                regex: OnceLock::from(regex),
                anchors: &[],
                check: None,
                one_line: false,
            });
        }
        Ok(Detector {
            emails: config.emails,
            ip_addresses: config.ip_addresses,
            custom,
        })
    }

    /// Every value a redactor would replace, in text order, never overlapping.
    pub fn find(&self, text: &str) -> Vec<Found> {
        let rules = &*RULES;
        let wanted = |i: usize| {
            i < rules.email
                || (i == rules.email && self.emails)
                || (i > rules.email && self.ip_addresses)
        };
        let reach = rules.reach(text, wanted);
        let mut found: Vec<Found> = Vec::new();
        for (i, rule) in rules.list.iter().enumerate() {
            if !wanted(i) {
                continue;
            }
            match &reach[i] {
                Reach::Nowhere => {}
                Reach::Near(hits) if rule.one_line => {
                    for line in lines_of(text, hits) {
                        search(rule, text, line, &mut found);
                    }
                }
                _ => search(rule, text, 0..text.len(), &mut found),
            }
        }
        for rule in &self.custom {
            search(rule, text, 0..text.len(), &mut found);
        }
        found
    }
}

/// The lines of `text` holding these offsets, in order, each once (without its line break).
fn lines_of(text: &str, hits: &[usize]) -> Vec<Range<usize>> {
    let mut hits = hits.to_vec();
    hits.sort_unstable();
    let mut lines: Vec<Range<usize>> = Vec::new();
    for at in hits {
        if lines.last().is_some_and(|l| at <= l.end) {
            continue;
        }
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        lines.push(start..end);
    }
    lines
}

/// Adds the matches of one rule that lie in `within` of `text` to `found` (sorted; earlier
/// rules win an overlap). The text before `within` is still seen (by `\b`, and by checks
/// that look back along the line); the text after it is not searched.
fn search(rule: &Rule, text: &str, within: Range<usize>, found: &mut Vec<Found>) {
    let regex = rule.regex();
    let haystack = &text[..within.end];
    let mut at = within.start;
    while at <= haystack.len() {
        let Some(caps) = regex.captures_at(haystack, at) else {
            break;
        };
        let whole = caps.get(0).expect("group 0").range();
        let restart = caps.name("name").map_or(whole.start, |m| m.end());
        let mut candidate = Candidate {
            text,
            span: secret_span(&caps).unwrap_or(whole.clone()),
            caps,
            kind: rule.kind,
        };
        let accepted = rule.check.is_none_or(|check| check(&mut candidate))
            && !candidate.span.is_empty()
            && !is_placeholder(&text[candidate.span.clone()]);
        if accepted {
            insert_unless_overlapping(found, candidate.span, candidate.kind);
        }
        // A refused candidate may hide a real one inside it (`the key token=...`): look
        // again just after the key name, or after the first character. A value too long
        // to be refused for anything but its length is skipped whole.
        at = if accepted || whole.is_empty() || whole.len() > 1024 {
            next_char(
                text,
                whole.end.max(whole.start + usize::from(whole.is_empty())),
            )
        } else {
            next_char(text, restart.max(whole.start + 1))
        };
    }
}

/// The smallest char boundary at or after `i`.
fn next_char(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn secret_span(caps: &Captures) -> Option<Range<usize>> {
    ["secret", "secret2", "secret3", "secret4"]
        .iter()
        .find_map(|name| caps.name(name))
        .map(|m| m.range())
}

/// Keeps `found` sorted by start; a span that overlaps one already found (by an earlier,
/// more specific rule) is dropped.
fn insert_unless_overlapping(found: &mut Vec<Found>, range: Range<usize>, kind: Kind) {
    let i = found.partition_point(|f| f.range.end <= range.start);
    if found.get(i).is_some_and(|f| f.range.start < range.end) {
        return;
    }
    found.insert(i, Found { range, kind });
}

/// Replaces sensitive text by placeholders and maps them back.
pub struct Redactor {
    detector: Detector,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// original → placeholder
    placeholders: HashMap<String, String>,
    /// placeholder → original
    originals: HashMap<String, String>,
    counters: HashMap<&'static str, usize>,
}

impl Redactor {
    /// Builds the rules the config asks for; `None` when redaction is off.
    pub fn new(config: &RedactConfig) -> anyhow::Result<Option<Self>> {
        if !config.enabled {
            return Ok(None);
        }
        Ok(Some(Redactor {
            detector: Detector::new(config)?,
            state: Mutex::new(State::default()),
        }))
    }

    /// The same rules, with no placeholder handed out yet.
    pub fn fresh(&self) -> Self {
        Redactor {
            detector: self.detector.clone(),
            state: Mutex::new(State::default()),
        }
    }

    /// What finds the values this redactor replaces.
    pub fn detector(&self) -> &Detector {
        &self.detector
    }

    /// The text with every value [`Detector::find`] returns replaced by its placeholder.
    pub fn redact(&self, text: &str) -> String {
        let found = self.detector.find(text);
        if found.is_empty() {
            return text.to_string();
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for f in found {
            out.push_str(&text[last..f.range.start]);
            out.push_str(&state.placeholder(f.kind.label(), &text[f.range.clone()]));
            last = f.range.end;
        }
        out.push_str(&text[last..]);
        out
    }

    /// The answer with every placeholder this redactor handed out replaced by its original.
    /// Unknown placeholder-like text is left as it is.
    pub fn restore(&self, text: &str) -> String {
        static PLACEHOLDER: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"<[A-Z_]+_[0-9]+>").expect("static pattern"));
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.originals.is_empty() {
            return text.to_string();
        }
        PLACEHOLDER
            .replace_all(text, |caps: &Captures| {
                let p = &caps[0];
                state
                    .originals
                    .get(p)
                    .cloned()
                    .unwrap_or_else(|| p.to_string())
            })
            .into_owned()
    }

    /// How many distinct values were replaced so far.
    pub fn count(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .originals
            .len()
    }
}

impl State {
    fn placeholder(&mut self, label: &'static str, original: &str) -> String {
        if let Some(p) = self.placeholders.get(original) {
            return p.clone();
        }
        let n = self.counters.entry(label).or_insert(0);
        *n += 1;
        let p = format!("<{label}_{n}>");
        self.placeholders.insert(original.to_string(), p.clone());
        self.originals.insert(p.clone(), original.to_string());
        p
    }
}

fn is_placeholder(text: &str) -> bool {
    text.starts_with('<') && text.ends_with('>') && text.contains('_')
}

// ---- checks: what a pattern alone cannot decide ----

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '~' | '.' | '+')
}

/// The value is not cut out of a longer run of token characters.
fn check_token_edges(c: &mut Candidate) -> bool {
    let before = c.text[..c.span.start].chars().next_back();
    let after = c.text[c.span.end..].chars().next();
    !before.is_some_and(|ch| is_token_char(ch) && ch != '.')
        && !after.is_some_and(|ch| is_token_char(ch) && ch != '.')
}

fn check_random_span(c: &mut Candidate) -> bool {
    looks_random(&c.text[c.span.clone()])
}

/// A bare value in a URL query ends at the next parameter.
fn cut_at_ampersand<'h>(c: &mut Candidate<'h>) -> &'h str {
    if let Some(i) = c.text[c.span.clone()].find('&') {
        c.span.end = c.span.start + i;
    }
    &c.text[c.span.clone()]
}

fn check_bootstrap_token(c: &mut Candidate) -> bool {
    let v = cut_at_ampersand(c).as_bytes();
    v.len() == 23
        && v[6] == b'.'
        && v.iter()
            .enumerate()
            .all(|(i, b)| i == 6 || b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// A `sig=` value: base64 of an HMAC, often percent-encoded, so its runs are short.
fn check_signature(c: &mut Candidate) -> bool {
    let v = c.text[c.span.clone()]
        .replace("%2B", "+")
        .replace("%2F", "/")
        .replace("%3D", "=");
    v.len() >= 20
        && v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes().any(|b| b.is_ascii_alphabetic())
        && entropy(&v) >= 3.0
}

fn check_hex40(c: &mut Candidate) -> bool {
    let v = cut_at_ampersand(c);
    v.len() == 40 && v.bytes().all(|b| b.is_ascii_hexdigit())
}

fn check_base64_value(c: &mut Candidate) -> bool {
    let v = cut_at_ampersand(c);
    v.len() >= 16
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

fn check_aws_secret(c: &mut Candidate) -> bool {
    let v = cut_at_ampersand(c);
    v.len() == 40
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

fn check_not_reference(c: &mut Candidate) -> bool {
    !is_reference_or_mask(&c.text[c.span.clone()])
}

fn check_dangling_pem(c: &mut Candidate) -> bool {
    // At least one line of key material after the BEGIN line.
    let whole = c.caps.get(0).expect("group 0").as_str();
    let body = whole.rsplit("-----").next().unwrap_or("");
    body.bytes().filter(u8::is_ascii_alphanumeric).count() >= 16
}

fn check_base64_pem(c: &mut Candidate) -> bool {
    let v = &c.text[c.span.clone()];
    let head = &v[..v.len().min(64) / 4 * 4];
    base64::engine::general_purpose::STANDARD
        .decode(head)
        .is_ok_and(|bytes| String::from_utf8_lossy(&bytes).contains("PRIVATE KEY"))
}

fn check_jwt(c: &mut Candidate) -> bool {
    let token = &c.text[c.span.clone()];
    let payload = token.split('.').nth(1).unwrap_or("");
    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    if decoded.contains("kubernetes.io") || decoded.contains("kubernetes/serviceaccount") {
        c.kind = Kind::KubernetesToken;
    }
    true
}

fn check_url_password(c: &mut Candidate) -> bool {
    if is_reference_or_mask(&c.text[c.span.clone()]) {
        return false;
    }
    let scheme = c.caps.name("scheme").map_or("", |m| m.as_str());
    const DATABASES: &[&str] = &[
        "postgres",
        "postgresql",
        "mysql",
        "mariadb",
        "mongodb",
        "mongodb+srv",
        "redis",
        "rediss",
        "amqp",
        "amqps",
        "mssql",
        "sqlserver",
        "clickhouse",
        "cockroachdb",
        "couchdb",
        "couchbase",
        "cassandra",
        "neo4j",
        "neo4j+s",
        "bolt",
        "memcached",
        "oracle",
        "db2",
        "snowflake",
        "influxdb",
        "nats",
        "kafka",
    ];
    if DATABASES.iter().any(|d| scheme.eq_ignore_ascii_case(d)) {
        c.kind = Kind::DatabasePassword;
    }
    true
}

/// PagerDuty REST API keys are 20 characters (`y_NbAkKc66ryYTWUXYEu`), user tokens start
/// with `u+`: too short for `looks_random`, so a run of 10 alphanumerics with a digit or
/// an inner capital is enough after a PagerDuty key name.
fn check_pagerduty_token(c: &mut Candidate) -> bool {
    let v = &c.text[c.span.clone()];
    let after = c.text[c.span.end..].chars().next();
    let longest_run = v
        .split(|ch: char| !ch.is_ascii_alphanumeric())
        .map(str::len)
        .max()
        .unwrap_or(0);
    v.len() <= 40
        && !after.is_some_and(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '+' | '-'))
        && longest_run >= 10
        && (v.bytes().any(|b| b.is_ascii_digit()) || has_inner_upper(v))
}

fn check_credential(c: &mut Candidate) -> bool {
    let v = &c.text[c.span.clone()];
    v.bytes().any(|b| b.is_ascii_digit()) || has_inner_upper(v)
}

fn check_ipv4(c: &mut Candidate) -> bool {
    // Not the tail or head of a longer dotted number (1.2.3.4.5, v1.2.3.4).
    let before = c.text[..c.span.start].chars().next_back();
    let after = &c.text[c.span.end..];
    let longer = after.starts_with('.') && after[1..].starts_with(|ch: char| ch.is_ascii_digit());
    !matches!(before, Some('.' | 'v' | 'V')) && !longer
}

/// How the key name before a generic value asks it to be judged.
#[derive(PartialEq)]
enum Tier {
    /// password, secret: any value that is not a reference or a mask.
    Password,
    /// key, token, auth: only a value that looks random.
    Key,
}

/// Splits `DB_PASSWORD`, `x-api-key`, `clientSecret`, `aws.secret.key` into lower-case
/// words.
fn words(name: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut prev_lower = false;
    for ch in name.chars() {
        if !ch.is_ascii_alphanumeric() {
            out.push(String::new());
            prev_lower = false;
            continue;
        }
        if ch.is_ascii_uppercase() && prev_lower {
            out.push(String::new());
        }
        prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        out.last_mut()
            .expect("one word")
            .push(ch.to_ascii_lowercase());
    }
    out.retain(|w| !w.is_empty());
    out
}

fn tier(name: &str) -> Option<Tier> {
    let words = words(name);
    let (last, earlier) = words.split_last()?;
    let password_like = |w: &str| {
        ["password", "passwd", "passphrase", "secret"]
            .iter()
            .any(|k| w.ends_with(k))
            || matches!(w, "pass" | "pwd" | "pw")
    };
    let key_like = |w: &str| {
        [
            "key",
            "token",
            "credential",
            "credentials",
            "authorization",
            "signature",
        ]
        .iter()
        .any(|k| w.ends_with(k))
            || matches!(w, "auth" | "sig")
    };
    if password_like(last) {
        return Some(Tier::Password);
    }
    if key_like(last) || matches!(last.as_str(), "value" | "string") {
        // SECRET_KEY, password_value, SecretString: a password by its first word.
        if earlier.iter().any(|w| password_like(w)) {
            return Some(Tier::Password);
        }
        if key_like(last) {
            return Some(Tier::Key);
        }
    }
    None
}

/// `key=value` where the key name says secret. The name is read in full (the pattern
/// finds it by its keyword: `DD_API_KEY` is found at `KEY`); the value must look like a
/// secret for that name.
fn check_generic(c: &mut Candidate) -> bool {
    let name_end = c.caps.name("name").expect("name group").end();
    let mut name_start = c.caps.get(0).expect("group 0").start();
    let bytes = c.text.as_bytes();
    while name_start > 0
        && (bytes[name_start - 1].is_ascii_alphanumeric()
            || matches!(bytes[name_start - 1], b'_' | b'-' | b'.'))
    {
        name_start -= 1;
    }
    let name = &c.text[name_start..name_end];
    let Some(tier) = tier(name) else {
        return false;
    };
    let quoted = c.caps.name("secret4").is_none();
    if !quoted {
        // In a URL query the value ends at the next parameter; elsewhere `&` may be part
        // of a password (Tr0ub4dor&3).
        if name_start > 0 && matches!(bytes[name_start - 1], b'?' | b'&') {
            let v = &c.text[c.span.clone()];
            if let Some(i) = v.find('&') {
                c.span.end = c.span.start + i;
            }
        }
        // The full stop or bracket after a value in a sentence.
        let v = &c.text[c.span.clone()];
        let trimmed = v.trim_end_matches(['.', ':', ')', ']', '}']);
        c.span.end = c.span.start + trimmed.len();
    }
    let value = &c.text[c.span.clone()];
    if value.len() > 512 || is_reference_or_mask(value) {
        return false;
    }
    let prose = c
        .caps
        .name("sep")
        .is_some_and(|s| !s.as_str().contains([':', '=']))
        || value.contains(char::is_whitespace);
    // "the key token=..." read as key → "token=...": the value is another key name.
    if prose && is_assignment(value) {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    if lower.ends_with("pwd") && value.starts_with('/') {
        return false; // $PWD, a directory
    }
    match tier {
        Tier::Key => {
            c.kind = Kind::ApiKey;
            looks_random(value)
        }
        Tier::Password => {
            c.kind = if in_connection_string(c.text, name_start) {
                Kind::DatabasePassword
            } else {
                Kind::Password
            };
            if prose {
                passwordish(value)
            } else {
                value.chars().count() >= 6 && !is_stop_word(value)
            }
        }
    }
}

/// `token=...`: a key name of its own, then `=` or `:`.
fn is_assignment(v: &str) -> bool {
    let name_len = v
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        .count();
    v[name_len..].starts_with([':', '=']) && tier(&v[..name_len]).is_some()
}

/// `Password=` inside an ADO.NET/ODBC or JDBC connection string.
fn in_connection_string(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start.max(at.saturating_sub(300))..at].to_ascii_lowercase();
    let line = line.as_str();
    [
        "jdbc:",
        "server=",
        "data source=",
        "host=",
        "database=",
        "initial catalog=",
        "uid=",
    ]
    .iter()
    .any(|k| line.contains(k))
}

/// `${DB_PASSWORD}`, `$TOKEN`, `%PASS%`, `{{ .Values.key }}`, `!vault`, `******`,
/// `[REDACTED]`, `os.getenv("X")`, `settings.API_KEY`: where a value is kept, not the value.
fn is_reference_or_mask(v: &str) -> bool {
    let v = v.trim();
    let env_name = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_uppercase() || c == '_')
            && s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    };
    const YAML_TAGS: &[&str] = &[
        "!vault",
        "!ref",
        "!sub",
        "!getatt",
        "!importvalue",
        "!secret",
        "!env",
        "!include",
        "!join",
        "!select",
        "!base64",
        "!findinmap",
        "!encrypted",
        "!reference",
        "!var",
    ];
    if v.starts_with("${")
        || v.starts_with("$(")
        || v.strip_prefix('$').is_some_and(env_name)
        || v.starts_with("{{")
        || v.starts_with("#{")
        || (v.len() > 2 && v.starts_with('%') && v.ends_with('%') && env_name(&v[1..v.len() - 1]))
        || YAML_TAGS.iter().any(|t| v.eq_ignore_ascii_case(t))
    {
        return true;
    }
    if v.len() >= 3
        && v.chars()
            .all(|c| matches!(c, '*' | 'x' | 'X' | '•' | '#' | '.' | '-' | '_'))
    {
        return true;
    }
    let bare = v.trim_matches(['[', ']', '(', ')', '<', '>']);
    if bare.eq_ignore_ascii_case("redacted") || bare.eq_ignore_ascii_case("hidden") {
        return true;
    }
    // A call or an attribute path in code: getenv("X"), settings.db.password
    let ident = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    if let Some((head, _)) = v.split_once('(')
        && head.split('.').all(ident)
    {
        return true;
    }
    v.contains('.')
        && v.split('.')
            .all(|s| ident(s) && !s.bytes().any(|b| b.is_ascii_digit()))
}

/// Words that follow `password:` in prose and are not a password.
fn is_stop_word(v: &str) -> bool {
    const WORDS: &[&str] = &[
        "changed",
        "disabled",
        "empty",
        "enabled",
        "expired",
        "false",
        "invalid",
        "missing",
        "none",
        "null",
        "optional",
        "protected",
        "provided",
        "removed",
        "required",
        "reset",
        "rotated",
        "stored",
        "string",
        "unset",
        "updated",
        "wrong",
    ];
    WORDS.iter().any(|w| v.eq_ignore_ascii_case(w))
}

fn has_inner_upper(v: &str) -> bool {
    v.chars().skip(1).any(|c| c.is_ascii_uppercase()) && v.chars().any(|c| c.is_ascii_lowercase())
}

/// A password written in prose ("the password is Tr0ub4dor&3"): a word with a digit, a
/// symbol or a capital inside, so "the password reset" stays.
fn passwordish(v: &str) -> bool {
    v.chars().count() >= 6
        && v.chars().any(|c| c.is_alphabetic())
        && (v.chars().any(|c| c.is_ascii_digit())
            || v.chars()
                .any(|c| !c.is_alphanumeric() && !c.is_whitespace())
            || has_inner_upper(v))
        && !v.contains(char::is_whitespace)
        && !is_stop_word(v)
}

/// A value that looks machine-made: 16 or more characters with a run of at least 12
/// alphanumerics or runs of 8 on average (`+` counts, as in base64; so
/// `logs/2026/11/24/app-7d9f8b6c5d-x2k9p.log`, pod names and timestamps are not; a UUID
/// and a base64url token cut by `-` and `_` are), at least 3 bits of entropy per character
/// (so `aaaa1111aaaa1111` is not), and letters with digits, or else 24 letters of mixed
/// case with 25-75 % capitals (random, unlike `ApplicationInsightsConnectionString`).
fn looks_random(v: &str) -> bool {
    if v.len() < 16 || v.len() > 1024 {
        return false;
    }
    let runs: Vec<usize> = v
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '+')
        .map(str::len)
        .filter(|&n| n > 0)
        .collect();
    let longest_run = runs.iter().copied().max().unwrap_or(0);
    let total: usize = runs.iter().sum();
    if (longest_run < 12 && total < 8 * runs.len()) || entropy(v) < 3.0 {
        return false;
    }
    let letters = v.bytes().filter(u8::is_ascii_alphabetic).count();
    let upper = v.bytes().filter(u8::is_ascii_uppercase).count();
    if v.bytes().any(|b| b.is_ascii_digit()) {
        return letters > 0;
    }
    letters >= 24 && entropy(v) >= 4.0 && (letters..=3 * letters).contains(&(4 * upper))
}

/// Shannon entropy in bits per byte.
fn entropy(v: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in v.bytes() {
        counts[usize::from(b)] += 1;
    }
    let n = v.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The strings a piece of a pattern matches, when they are few and plain: literals,
    /// letters in either case (under `(?i)` a class of its two cases, and of the Kelvin
    /// sign or long s, which [`Rules::may_match`] looks for apart), and concatenations,
    /// alternations and groups of those. Lower-cased.
    fn strings(hir: &regex_syntax::hir::Hir) -> Option<Vec<String>> {
        use regex_syntax::hir::{Class, HirKind};
        let strings = match hir.kind() {
            HirKind::Literal(l) => vec![String::from_utf8_lossy(&l.0).to_ascii_lowercase()],
            HirKind::Class(Class::Unicode(class)) => {
                let chars: Vec<char> = class
                    .ranges()
                    .iter()
                    .flat_map(|r| r.start()..=r.end())
                    .collect();
                let ascii: Vec<char> = chars.iter().copied().filter(char::is_ascii).collect();
                let lower = ascii.first()?.to_ascii_lowercase();
                let folds = ascii.len() == 2
                    && ascii.contains(&lower)
                    && ascii.contains(&lower.to_ascii_uppercase())
                    && chars
                        .iter()
                        .all(|c| c.is_ascii() || ['\u{212A}', '\u{17F}'].contains(c));
                if !folds {
                    return None;
                }
                vec![lower.to_string()]
            }
            HirKind::Capture(c) => strings(&c.sub)?,
            HirKind::Alternation(branches) => {
                let mut all = Vec::new();
                for b in branches {
                    all.extend(strings(b)?);
                }
                all
            }
            HirKind::Concat(parts) => {
                let mut all = vec![String::new()];
                for part in parts {
                    all = product(&all, &strings(part)?)?;
                }
                all
            }
            _ => return None,
        };
        Some(strings)
    }

    fn product(a: &[String], b: &[String]) -> Option<Vec<String>> {
        (a.len() * b.len() <= 4096).then(|| {
            a.iter()
                .flat_map(|x| b.iter().map(move |y| format!("{x}{y}")))
                .collect()
        })
    }

    /// Whether every match of `hir` holds one of `anchors` (as ASCII in any case): every
    /// string of a plain piece holds one; a concatenation has such a piece, or a run of
    /// plain pieces whose strings all hold one; every branch of an alternation does; a
    /// group; a repetition of at least once.
    fn holds_anchor(hir: &regex_syntax::hir::Hir, anchors: &[&str]) -> bool {
        use regex_syntax::hir::HirKind;
        let all_hold = |run: &[String]| run.iter().all(|s| anchors.iter().any(|a| s.contains(a)));
        if let Some(run) = strings(hir) {
            return all_hold(&run);
        }
        match hir.kind() {
            HirKind::Capture(c) => holds_anchor(&c.sub, anchors),
            HirKind::Repetition(r) => r.min >= 1 && holds_anchor(&r.sub, anchors),
            HirKind::Alternation(branches) => branches.iter().all(|b| holds_anchor(b, anchors)),
            HirKind::Concat(parts) => {
                let mut run = vec![String::new()];
                for part in parts {
                    if holds_anchor(part, anchors) {
                        return true;
                    }
                    match strings(part).and_then(|s| product(&run, &s)) {
                        Some(longer) => run = longer,
                        None => {
                            if all_hold(&run) {
                                return true;
                            }
                            run = vec![String::new()];
                        }
                    }
                }
                all_hold(&run)
            }
            _ => false,
        }
    }

    /// The anchors' NFA (the first bytes of a process) and DFA (the rest) find the same
    /// anchors, overlapping, in any case; the DFA takes over once enough was searched.
    #[test]
    fn both_anchor_automata_find_the_same() {
        let anchors = &RULES.anchors;
        let dfa = AnchorSearch::build(&anchors.words, aho_corasick::AhoCorasickKind::DFA);
        let mut text: String = anchors
            .words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i % 2 == 0 {
                    w.to_ascii_uppercase()
                } else {
                    w.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" x");
        text.push_str(" ghp_ AKIA xoxb- sk-proj- eyJ @ . :");
        let found = |a: &AhoCorasick| {
            a.find_overlapping_iter(&text)
                .map(|m| (m.pattern(), m.range()))
                .collect::<Vec<_>>()
        };
        assert!(found(&dfa).len() >= anchors.words.len());
        assert_eq!(found(&anchors.nfa), found(&dfa));
        let fresh = AnchorSearch::new(anchors.words.clone());
        let big = "x".repeat(AnchorSearch::NFA_BYTES + 1);
        assert!(std::ptr::eq(fresh.for_text(&big), &fresh.nfa));
        assert!(!std::ptr::eq(fresh.for_text("a"), &fresh.nfa));
        assert!(fresh.dfa.get().is_some());
    }

    /// Every rule's anchors are held by every match of its pattern, proved from the
    /// pattern's syntax: the automaton over the anchors never skips a rule that could match.
    #[test]
    fn every_match_of_a_rule_holds_one_of_its_anchors() {
        let mut unproved = Vec::new();
        for rule in &RULES.list {
            // Compiled on first use in a run: every built-in pattern compiles.
            assert!(Regex::new(&rule.pattern).is_ok(), "{:?}", rule.kind);
            assert!(
                rule.anchors
                    .iter()
                    .all(|a| !a.is_empty() && *a == a.to_ascii_lowercase()),
                "{:?}: anchors are lower-case ASCII",
                rule.kind
            );
            if rule.anchors.is_empty() {
                continue;
            }
            let hir = regex_syntax::parse(&rule.pattern).expect("pattern parses");
            if !holds_anchor(&hir, rule.anchors) {
                unproved.push(format!(
                    "{:?} {:?}: {}",
                    rule.kind, rule.anchors, rule.pattern
                ));
            }
        }
        assert!(
            unproved.is_empty(),
            "anchors not proved:\n{}",
            unproved.join("\n")
        );
        // The proof itself can fail: a pattern whose match need not hold the word.
        let loose = regex_syntax::parse(r"(?i)(?:token|auth)?key").unwrap();
        assert!(!holds_anchor(&loose, &["token"]));
        assert!(holds_anchor(&loose, &["key"]));
    }

    /// Whether no match of `hir` can hold a line break.
    fn one_line(hir: &regex_syntax::hir::Hir) -> bool {
        use regex_syntax::hir::{Class, HirKind};
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => true,
            HirKind::Literal(l) => !l.0.contains(&b'\n'),
            HirKind::Class(Class::Unicode(c)) => c
                .ranges()
                .iter()
                .all(|r| !(r.start()..=r.end()).contains(&'\n')),
            HirKind::Class(Class::Bytes(c)) => c
                .ranges()
                .iter()
                .all(|r| !(r.start()..=r.end()).contains(&b'\n')),
            HirKind::Capture(c) => one_line(&c.sub),
            HirKind::Repetition(r) => one_line(&r.sub),
            HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().all(one_line),
        }
    }

    /// The rules searched only on the lines holding their anchors cannot match across a
    /// line break, and find there what a search of the whole text finds.
    #[test]
    fn rules_searched_line_by_line_never_cross_a_line() {
        let flagged: Vec<&Rule> = RULES.list.iter().filter(|r| r.one_line).collect();
        assert!(flagged.len() >= 3);
        for rule in &flagged {
            let hir = regex_syntax::parse(&rule.pattern).expect("pattern parses");
            assert!(one_line(&hir), "{:?} can match a line break", rule.kind);
        }
        let multi = regex_syntax::parse(r"key\s+[a-z]+").unwrap();
        assert!(!one_line(&multi), "the proof itself can fail");
        // The same finds as the whole text searched, among lines without anchors.
        let text = "intro\napi_key = \"Zq8vN2xL5kR7tY3wB9mC\" and password: Hunter2Secret!\n\
                    plain line\nDD_API_KEY=0123456789abcdef0123456789abcdef here\n\
                    pub0123456789abcdef0123456789abcdef\nmonkey business\nsecret";
        let detector = Detector::new(&RedactConfig::default()).unwrap();
        let by_lines = detector.find(text);
        let mut whole = Vec::new();
        for rule in &RULES.list[..RULES.email] {
            search(rule, text, 0..text.len(), &mut whole);
        }
        assert_eq!(format!("{by_lines:?}"), format!("{whole:?}"));
        assert!(by_lines.len() >= 3, "{by_lines:?}");
    }

    /// A text holding no rule's anchor is not searched; one with a long s or the Kelvin
    /// sign (which `(?i)` folds to s and k) is searched by every rule.
    #[test]
    fn anchors_decide_which_rules_run() {
        let rules = &*RULES;
        let every = |_: usize| true;
        let may = rules.may_match("nothing to see", every);
        let kinds: Vec<Kind> = (0..rules.list.len())
            .filter(|&i| may[i])
            .map(|i| rules.list[i].kind)
            .collect();
        assert_eq!(
            kinds,
            [],
            "no anchor, no Discord token's shape: no rule runs"
        );
        let token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gh7Yq2.abcdefghijklmnopqrstuvwxyz0123456789AB";
        let may = rules.may_match(&format!("the bot used {token} then"), every);
        let discord = rules
            .list
            .iter()
            .position(|r| r.kind == Kind::DiscordBotToken);
        assert!(
            may[discord.unwrap()],
            "a Discord token's shape wakes its rule"
        );
        assert!(!discord_shape(
            "Ends here. Then 123456789012345678901234.abcdef and more."
        ));
        assert!(discord_shape(token));
        assert!(rules.may_match("to\u{212A}en", every).iter().all(|m| *m));
        assert!(
            rules
                .may_match("pa\u{17F}\u{17F}word", every)
                .iter()
                .all(|m| *m)
        );
        let may = rules.may_match("api_key=FAKE0123456789abcdefFAKE0123456789", every);
        let generic = rules
            .list
            .iter()
            .position(|r| r.kind == Kind::ApiKey)
            .unwrap();
        assert!(may[generic]);
        // E-mail and IP addresses: their one-character anchors, only where wanted.
        let text = "mail ops@example.com at 10.0.0.1 or fe80::1";
        let may = rules.may_match(text, every);
        assert!(may[rules.email..].iter().all(|m| *m));
        let builtin = |i: usize| i < rules.email;
        let may = rules.may_match(text, builtin);
        assert!(may[rules.email..].iter().all(|m| !*m));
        let may = rules.may_match("no address here", every);
        assert!(may[rules.email..].iter().all(|m| !*m));
    }

    fn redactor() -> Redactor {
        Redactor::new(&RedactConfig::default()).unwrap().unwrap()
    }

    /// Each secret must disappear from the redacted text and come back on restore.
    #[test]
    fn a_table_of_secrets_is_redacted_and_restored() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "openai key",
                "key sk-proj-AbCdEf0123456789AbCdEf0123456789xyz was rotated",
                "sk-proj-AbCdEf0123456789AbCdEf0123456789xyz",
            ),
            (
                "anthropic key",
                "ANTHROPIC_API_KEY=sk-ant-api03-AbCdEf0123456789AbCdEf01234",
                "sk-ant-api03-AbCdEf0123456789AbCdEf01234",
            ),
            (
                "github token",
                "pushed with ghp_0123456789abcdefghijABCDEFGHIJ012345",
                "ghp_0123456789abcdefghijABCDEFGHIJ012345",
            ),
            (
                "github fine-grained",
                "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
                "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
            ),
            (
                "gitlab token",
                "glpat-AbCdEf0123456789xyzW",
                "glpat-AbCdEf0123456789xyzW",
            ),
            (
                "slack token",
                "xoxb-123456789012-abcdefABCDEF",
                "xoxb-123456789012-abcdefABCDEF",
            ),
            (
                "aws access key",
                "AKIAIOSFODNN7EXAMPLE in the logs",
                "AKIAIOSFODNN7EXAMPLE",
            ),
            (
                "aws secret",
                "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ),
            (
                "google key",
                "AIzaSyA-0123456789abcdefghijklmnopqrstu",
                "AIzaSyA-0123456789abcdefghijklmnopqrstu",
            ),
            (
                "stripe key",
                "sk_live_0123456789abcdefABCDEF",
                "sk_live_0123456789abcdefABCDEF",
            ),
            (
                "bearer",
                "curl -H 'Authorization: Bearer abc.def-123_456789xyz'",
                "abc.def-123_456789xyz",
            ),
            (
                "jwt",
                "cookie eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlX2hlcmU",
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlX2hlcmU",
            ),
            (
                "password in url",
                "DATABASE_URL=postgres://app:hunter2-prod@db.internal:5432/orders",
                "hunter2-prod",
            ),
            (
                "password=",
                "set password=Tr0ub4dor&3 on the replica",
                "Tr0ub4dor&3",
            ),
            (
                "private key",
                "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
                "b3BlbnNzaC1rZXktdjEAAAAA",
            ),
            (
                "email",
                "paged ana.lopez@example.com at 14:02",
                "ana.lopez@example.com",
            ),
            ("ipv4", "traffic from 203.0.113.7 spiked", "203.0.113.7"),
            (
                "ipv6",
                "host 2001:db8:85a3::8a2e:370:7334 dropped",
                "2001:db8:85a3::8a2e:370:7334",
            ),
        ];
        for (name, text, secret) in cases {
            let r = redactor();
            let redacted = r.redact(text);
            assert!(!redacted.contains(secret), "{name}: {redacted}");
            assert!(
                redacted.contains('<'),
                "{name}: no placeholder in {redacted}"
            );
            assert_eq!(r.restore(&redacted), *text, "{name}");
        }
    }

    #[test]
    fn ordinary_incident_text_is_left_alone() {
        let text = "At 14:02:00 UTC deploy 4812 lowered the pool from 50 to 5; p99 > 2s. \
                    Version 1.2.3 rolled back; see OPS-1234 and PIR-2026-014.";
        assert_eq!(redactor().redact(text), text);
    }

    #[test]
    fn the_same_value_gets_the_same_placeholder_across_prompts() {
        let r = redactor();
        let a = r.redact("mail ana@example.com and bo@example.com");
        let b = r.redact("again ana@example.com");
        assert_eq!(a, "mail <EMAIL_1> and <EMAIL_2>");
        assert_eq!(b, "again <EMAIL_1>");
        assert_eq!(r.count(), 2);
        assert_eq!(
            r.restore("thanks <EMAIL_2>, not <EMAIL_9>"),
            "thanks bo@example.com, not <EMAIL_9>"
        );
    }

    #[test]
    fn emails_and_ips_can_be_kept_and_custom_patterns_added() {
        let config = RedactConfig {
            emails: false,
            ip_addresses: false,
            patterns: vec!["CUST-[0-9]{6}".into()],
            ..RedactConfig::default()
        };
        let r = Redactor::new(&config).unwrap().unwrap();
        assert_eq!(
            r.redact("ana@example.com saw 10.0.0.1 fail for CUST-123456"),
            "ana@example.com saw 10.0.0.1 fail for <REDACTED_1>"
        );
        let off = RedactConfig {
            enabled: false,
            ..RedactConfig::default()
        };
        assert!(Redactor::new(&off).unwrap().is_none());
    }

    /// Pastes the generated corpus does not make: each line must lose its secret, found
    /// as the kind named.
    #[test]
    fn pastes_in_odd_places_are_found_as_their_kind() {
        let cases: &[(&str, &str, Kind)] = &[
            (
                "curl -H 'Authorization: Token token=y_NbAkKc66ryYTWUXYEu' https://api.pagerduty.com/incidents",
                "y_NbAkKc66ryYTWUXYEu",
                Kind::PagerDutyToken,
            ),
            (
                "PagerDuty user token u+AbCd3FgH1jKlMn0pQr in the runbook",
                "u+AbCd3FgH1jKlMn0pQr",
                Kind::PagerDutyToken,
            ),
            (
                "kubectl config set-credentials ci --token=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5",
                "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5",
                Kind::KubernetesToken,
            ),
            (
                "kubeadm join 10.0.0.10:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:0123",
                "abcdef.0123456789abcdef",
                Kind::KubernetesBootstrapToken,
            ),
            (
                "mysql -uroot -p'S3cr3t!pw' orders < dump.sql",
                "S3cr3t!pw",
                Kind::DatabasePassword,
            ),
            (
                "ran mysqldump --single-transaction -h db -u app -pFAKEpw0rd42 orders",
                "FAKEpw0rd42",
                Kind::DatabasePassword,
            ),
            (
                "[postgres://app:p@ss-w0rd@db.internal/orders](postgres://app:p@ss-w0rd@db.internal/orders)",
                "p@ss-w0rd",
                Kind::DatabasePassword,
            ),
            (
                "ldap bind via ldaps://cn=admin:FakeBind99@ldap.internal",
                "FakeBind99",
                Kind::UrlPassword,
            ),
            (
                "proxy https://svc:FakeProxyPw1@proxy.internal:3128 was open",
                "FakeProxyPw1",
                Kind::UrlPassword,
            ),
            (
                "Authorization: Basic dXNlcjpmYWtlLXBhc3N3b3Jk",
                "dXNlcjpmYWtlLXBhc3N3b3Jk",
                Kind::Credential,
            ),
            (
                "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEoAoGCCqGSM49\n-----END EC PRIVATE KEY-----",
                "MHcCAQEEIFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEoAoGCCqGSM49",
                Kind::PrivateKey,
            ),
            (
                "tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2UUlCQURBTkJna3Foa2lHOXcwQkFRRUZBQVND",
                "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2UUlCQURBTkJna3Foa2lHOXcwQkFRRUZBQVND",
                Kind::PrivateKey,
            ),
            (
                "old DSN https://0123456789abcdef0123456789abcdef:fedcba9876543210fedcba9876543210@sentry.example.com/7",
                "fedcba9876543210fedcba9876543210",
                Kind::SentryDsn,
            ),
            (
                "The Datadog API key 0123456789abcdef0123456789abcdef leaked",
                "0123456789abcdef0123456789abcdef",
                Kind::DatadogKey,
            ),
            (
                "https://http-intake.logs.datadoghq.eu/api/v2/logs?dd-api-key=fedcba9876543210fedcba9876543210&ddsource=nginx",
                "fedcba9876543210fedcba9876543210",
                Kind::DatadogKey,
            ),
            (
                r#"{"routing_key":"R0FAKE1234567890ABCDEFGHIJKLMNOP","event_action":"trigger"}"#,
                "R0FAKE1234567890ABCDEFGHIJKLMNOP",
                Kind::PagerDutyKey,
            ),
            (
                "Endpoint=sb://fake.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=ZmFrZWtleWZha2VrZXlmYWtla2V5ZmFrZWtleTA=",
                "ZmFrZWtleWZha2VrZXlmYWtla2V5ZmFrZWtleTA=",
                Kind::AzureAccountKey,
            ),
            (
                "PUT https://fake.blob.core.windows.net/c/b?sv=2022-11-02&sig=FAKEc2lnbmF0dXJl%2Bc2lnbmF0dXJl0%3D HTTP/1.1",
                "FAKEc2lnbmF0dXJl%2Bc2lnbmF0dXJl0%3D",
                Kind::AzureSas,
            ),
            (
                "Authorization: glsa_FAKEabcdefghijklmnopqrstuvwxyz01_0123abcd",
                "glsa_FAKEabcdefghijklmnopqrstuvwxyz01_0123abcd",
                Kind::GrafanaServiceAccountToken,
            ),
            (
                "**Password:** `Fake-Pass-2026`",
                "Fake-Pass-2026",
                Kind::Password,
            ),
            (
                "| password | Fake-Pass-2026 |",
                "Fake-Pass-2026",
                Kind::Password,
            ),
            (
                "api_key => 'FAKE0123456789abcdefFAKE0123456789'",
                "FAKE0123456789abcdefFAKE0123456789",
                Kind::ApiKey,
            ),
            (
                "token := \"FAKE0123456789abcdefFAKE0123456789\"",
                "FAKE0123456789abcdefFAKE0123456789",
                Kind::ApiKey,
            ),
        ];
        for (text, secret, kind) in cases {
            let r = redactor();
            let found = r.detector().find(text);
            let at = text.find(secret).unwrap();
            let hit = found
                .iter()
                .find(|f| f.range.start <= at && at + secret.len() <= f.range.end);
            assert_eq!(hit.map(|f| f.kind), Some(*kind), "{text}: {found:?}");
            let redacted = r.redact(text);
            assert!(!redacted.contains(secret), "{redacted}");
            assert_eq!(r.restore(&redacted), *text);
        }
    }

    /// Ids, hashes and words that look like secrets to a careless pattern: nothing in them
    /// is replaced.
    #[test]
    fn look_alikes_are_left_alone() {
        let texts: &[(&str, &str)] = &[
            (
                "commit",
                "Fixed in commit 3f786850e387550fdab836ed7e6dc881de23001b (PR #4812).",
            ),
            ("short commit", "git revert 3f78685 and then 3f786850e38"),
            (
                "commit in JSON",
                r#"{"sha":"3f786850e387550fdab836ed7e6dc881de23001b","commit":"3f78685"}"#,
            ),
            (
                "commit key",
                "commit: 3f786850e387550fdab836ed7e6dc881de23001b",
            ),
            (
                "uuid",
                "request_id=550e8400-e29b-41d4-a716-446655440000 failed",
            ),
            (
                "uuid in JSON",
                r#"{"id":"550e8400-e29b-41d4-a716-446655440000","incident_id":"7c9e6679-7425-40de-944b-e07fc1f90ae7"}"#,
            ),
            (
                "trace id",
                "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7",
            ),
            (
                "traceparent",
                "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ),
            (
                "trace in JSON",
                r#"{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","dd.trace_id":"1234567890123456789"}"#,
            ),
            (
                "b3",
                "X-B3-TraceId: 80f198ee56343ba864fe8b2a57d3eff7 X-B3-SpanId: e457b5a2e4d86bd1",
            ),
            (
                "aws trace",
                "X-Amzn-Trace-Id: Root=1-67891233-abcdef012345678912345678",
            ),
            (
                "bare 32 hex",
                "the checksum d41d8cd98f00b204e9800998ecf8427e matched",
            ),
            (
                "md5",
                "md5: d41d8cd98f00b204e9800998ecf8427e, ETag: \"d41d8cd98f00b204e9800998ecf8427e\"",
            ),
            (
                "docker digest",
                "image: registry.example.com/orders@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                "digest line",
                "Digest: sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                "words",
                "The token bucket limiter dropped requests; rotate the key after the incident.",
            ),
            (
                "more words",
                "Password reset e-mails were delayed. The secret was stored in Vault. Key takeaways: none.",
            ),
            (
                "auth words",
                "Bearer token authentication failed for 5% of requests; basic authentication fallback was enabled.",
            ),
            (
                "key words",
                "API key rotation is tracked in OPS-77; the token expired; the password manager was fine.",
            ),
            (
                "yaml refs",
                "secretName: orders-tls\nsecretKeyRef:\n  name: db-credentials\n  key: password\ntoken: expired",
            ),
            (
                "yaml k8s",
                "key: app.kubernetes.io/name\nserviceAccountName: deployer\ntype: kubernetes.io/service-account-token",
            ),
            (
                "env refs",
                "password: ${DB_PASSWORD}\napi_key: \"{{ .Values.datadog.apiKey }}\"\nPGPASSWORD=$DB_PASS\ntoken: !vault",
            ),
            (
                "masked",
                "password: ********\nDD_API_KEY=<redacted>\napi_key: [REDACTED]\nsecret = xxxxxxxx",
            ),
            (
                "code refs",
                "password=os.getenv(\"DB_PASSWORD\")\napi_key=settings.datadog_api_key",
            ),
            (
                "llm params",
                r#"{"max_tokens":900,"model":"smollm2","stream":true,"temperature":0.2}"#,
            ),
            (
                "timestamps",
                "2026-11-24T14:02:11.482Z, 14:02:00 UTC, 1732456931, Tue, 24 Nov 2026 14:02:11 GMT",
            ),
            (
                "versions",
                "v1.2.3, 1.24.3, 2.14.0-rc.1, go1.22.3, nginx/1.25.3, kernel 4.19.0-26-amd64, chart orders-1.4.2, v10.2.0.1, OID 1.3.6.1.4.1.311",
            ),
            (
                "paths",
                "/var/lib/kubelet/pods/3f2a9c1e-7b4d-4e8f-9a1b-2c3d4e5f6a7b/volumes/kubernetes.io~projected/kube-api-access-x7k2p",
            ),
            (
                "asset paths",
                "static/js/main.4f9c2b1e.chunk.js and /tmp/tmpa8Xk2Lq9 and s3://pirt-logs/2026/11/24/app-1.log.gz",
            ),
            (
                "base64 path",
                "GET /objects/dGhpcyBpcyBub3QgYSBzZWNyZXQ=/meta 200",
            ),
            (
                "s3 key",
                "key: logs/2026/11/24/orders-api-7d9f8b6c5d-x2k9p.log.gz",
            ),
            (
                "incident ids",
                "INC-2024-0042, PIR-2026-014, OPS-1234, SRE-812, PagerDuty incident Q0RIJJZL24RC6W",
            ),
            (
                "pod names",
                "orders-api-7d9f8b6c5d-x2k9p, kube-proxy-2xkq7, coredns-5d78c9869d-4hxlb on ip-10-20-0-7.eu-west-1.compute.internal",
            ),
            (
                "links",
                "https://pirt.slack.com/archives/C0123ABCD/p1732456931000100 and https://discord.com/channels/123/456",
            ),
            (
                "dashboards",
                "https://grafana.example.com/d/aBcD3fGh1/orders?orgId=1&from=now-6h and https://pirt.sentry.io/issues/4512345678/?project=4501234",
            ),
            (
                "sentry event",
                "event_id=a1b2c3d4e5f60718293a4b5c6d7e8f90 release=orders@1.4.2",
            ),
            ("pwd", "PWD=/home/deploy/orders"),
            ("arn", "arn:aws:iam::123456789012:role/orders-deployer"),
            (
                "cache key",
                "cache_key: orders:v2:1234, sort_key: created_at",
            ),
        ];
        let r = redactor();
        let mut wrong = Vec::new();
        for (name, text) in texts {
            let found = r.detector().find(text);
            if !found.is_empty() {
                let what: Vec<String> = found
                    .iter()
                    .map(|f| format!("{:?} {:?}", f.kind, &text[f.range.clone()]))
                    .collect();
                wrong.push(format!("{name}: {}", what.join(", ")));
            }
            assert_eq!(r.redact(text), *text, "{name}");
        }
        assert!(wrong.is_empty(), "replaced:\n{}", wrong.join("\n"));
        assert_eq!(r.count(), 0);
    }

    /// `find` is what `redact` replaces, kind by kind, with secrets told from personal data.
    #[test]
    fn find_reports_what_redact_replaces() {
        let text = "Webhook https://hooks.slack.com/services/T0FAKE000/B0FAKE000/FAKEfake0123FAKEfake0123 \
                    paged ana@example.com from 10.20.0.7; DD_API_KEY=0123456789abcdef0123456789abcdef; \
                    customer CUST-123456.";
        let config = RedactConfig {
            patterns: vec!["CUST-[0-9]{6}".into()],
            ..RedactConfig::default()
        };
        let r = Redactor::new(&config).unwrap().unwrap();
        let found = r.detector().find(text);
        let got: Vec<(Kind, &str, Category)> = found
            .iter()
            .map(|f| (f.kind, &text[f.range.clone()], f.kind.category()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Kind::SlackWebhook,
                    "T0FAKE000/B0FAKE000/FAKEfake0123FAKEfake0123",
                    Category::Secret
                ),
                (Kind::Email, "ana@example.com", Category::PersonalData),
                (Kind::IpAddress, "10.20.0.7", Category::PersonalData),
                (
                    Kind::DatadogKey,
                    "0123456789abcdef0123456789abcdef",
                    Category::Secret
                ),
                (Kind::Custom, "CUST-123456", Category::Custom),
            ]
        );
        assert_eq!(Kind::SlackWebhook.name(), "Slack webhook URL");
        assert!(Kind::DatadogKey.is_secret() && !Kind::Email.is_secret());
        assert_eq!(
            r.redact(text),
            "Webhook https://hooks.slack.com/services/<WEBHOOK_1> \
             paged <EMAIL_1> from <IP_1>; DD_API_KEY=<TOKEN_1>; \
             customer <REDACTED_1>."
        );
        // The masked form shows a prefix of long values only, never the rest.
        assert_eq!(found[0].masked(text), "T0FA… (44 characters)");
        assert_eq!(found[4].masked(text), "… (11 characters)");
    }

    /// Over the whole corpus, the redacted text is the original with exactly the found
    /// ranges swapped for their placeholders.
    #[test]
    fn redaction_replaces_exactly_the_found_ranges() {
        for case in super::corpus::cases() {
            let r = redactor();
            let found = r.detector().find(&case.text);
            let redacted = r.redact(&case.text);
            let state = r.state.lock().unwrap();
            let mut expected = String::new();
            let mut last = 0;
            for f in &found {
                assert!(f.range.start >= last, "overlap in {found:?}");
                expected.push_str(&case.text[last..f.range.start]);
                expected.push_str(&state.placeholders[&case.text[f.range.clone()]]);
                last = f.range.end;
            }
            expected.push_str(&case.text[last..]);
            assert_eq!(redacted, expected);
        }
    }

    #[test]
    fn a_refused_candidate_does_not_hide_the_next_one() {
        // "key token=..." is first read as key → "token=...", which is refused; the real
        // token right after must still be found.
        let text = "the key token=FAKE0123456789abcdefFAKE0123456789 leaked";
        let found = redactor().detector().find(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            &text[found[0].range.clone()],
            "FAKE0123456789abcdefFAKE0123456789"
        );
    }

    #[test]
    fn non_ascii_text_and_odd_input_do_not_break_ranges() {
        let text =
            "Résumé — clé api_key=FAKE0123456789abcdefFAKE0123456789 ✓ ana@exämple.com token=é";
        let r = redactor();
        for f in r.detector().find(text) {
            assert!(text.is_char_boundary(f.range.start) && text.is_char_boundary(f.range.end));
        }
        let redacted = r.redact(text);
        assert!(!redacted.contains("FAKE0123456789abcdef"), "{redacted}");
        assert_eq!(r.restore(&redacted), text);
        for odd in [
            "",
            "key",
            "password=",
            "-----BEGIN PRIVATE KEY-----",
            "key key key =",
        ] {
            let r = redactor();
            assert_eq!(r.restore(&r.redact(odd)), odd);
        }
    }
}

/// Recall on a generated corpus: every kind of secret, in the ways people paste them.
/// Values are made up here from each provider's documented shape by a seeded generator, so
/// they are fake but not all alike (lengths, alphabets and variants change per case).
#[cfg(test)]
mod corpus {
    use base64::Engine;

    use super::*;

    /// xorshift64*: the same corpus on every run.
    pub(super) struct Rng(std::cell::Cell<u64>);

    const ALNUM: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const LOWER_ALNUM: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
    const UPPER_DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const HEX: &str = "0123456789abcdef";
    const DIGITS: &str = "0123456789";
    const B64: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";
    const B64URL: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    /// Passwords: no quote, space, comma, semicolon, `&`, `@`, `/` or `.`, which would
    /// need escaping in most of the contexts below.
    const PASSWORD: &str =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#%^*-_+=~";
    const URL_PASSWORD: &str =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_~!*";

    impl Rng {
        fn next(&self) -> u64 {
            let mut x = self.0.get();
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.0.set(x);
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn between(&self, lo: usize, hi: usize) -> usize {
            lo + self.below(hi - lo + 1)
        }
        fn of(&self, alphabet: &str, n: usize) -> String {
            let a = alphabet.as_bytes();
            (0..n).map(|_| char::from(a[self.below(a.len())])).collect()
        }
        fn bytes(&self, n: usize) -> Vec<u8> {
            (0..n).map(|_| self.next() as u8).collect()
        }
        fn guid(&self) -> String {
            format!(
                "{}-{}-4{}-a{}-{}",
                self.of(HEX, 8),
                self.of(HEX, 4),
                self.of(HEX, 3),
                self.of(HEX, 3),
                self.of(HEX, 12)
            )
        }
        fn pick<'a>(&self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }
    fn b64url(bytes: &[u8]) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// A kind, the key names it is pasted under, and a maker of (value, secret): the
    /// secret is the part of the value that must not reach the model.
    pub(super) struct Spec {
        pub kind: Kind,
        /// Other kinds that are right too (a JSON `client-key-data` is also a private key).
        pub also: &'static [Kind],
        pub names: &'static [&'static str],
        pub make: fn(&Rng) -> (String, String),
    }

    fn same(v: String) -> (String, String) {
        (v.clone(), v)
    }

    fn jwt(r: &Rng, header: &str, payload: &str, sig_bytes: usize) -> String {
        format!(
            "{}.{}.{}",
            b64url(header.as_bytes()),
            b64url(payload.as_bytes()),
            b64url(&r.bytes(sig_bytes))
        )
    }

    pub(super) fn specs() -> Vec<Spec> {
        use Kind::*;
        vec![
            Spec {
                kind: SlackWebhook,
                also: &[],
                names: &["SLACK_WEBHOOK_URL", "slack_webhook", "url", "webhook"],
                make: |r| {
                    let secret = match r.below(3) {
                        0 => format!(
                            "T{}/B{}/{}",
                            r.of(UPPER_DIGITS, r.between(8, 10)),
                            r.of(UPPER_DIGITS, r.between(8, 11)),
                            r.of(ALNUM, 24)
                        ),
                        1 => format!(
                            "T{}/A{}/{}/{}",
                            r.of(UPPER_DIGITS, 9),
                            r.of(UPPER_DIGITS, 10),
                            r.of(DIGITS, 18),
                            r.of(ALNUM, 24)
                        ),
                        _ => format!(
                            "T{}/{}/{}",
                            r.of(UPPER_DIGITS, 9),
                            r.of(DIGITS, 13),
                            r.of(HEX, 32)
                        ),
                    };
                    let path = ["services", "workflows", "triggers"][r.below(3)];
                    (format!("https://hooks.slack.com/{path}/{secret}"), secret)
                },
            },
            Spec {
                kind: DiscordWebhook,
                also: &[],
                names: &["DISCORD_WEBHOOK", "discord_webhook_url", "webhook"],
                make: |r| {
                    let token = b64url(&r.bytes(51));
                    let host = r.pick(&["discord.com", "discordapp.com", "canary.discord.com"]);
                    let api = r.pick(&["api", "api/v10"]);
                    let id = r.of(DIGITS, r.between(17, 19));
                    (format!("https://{host}/{api}/webhooks/{id}/{token}"), token)
                },
            },
            Spec {
                kind: TeamsWebhook,
                also: &[],
                names: &["TEAMS_WEBHOOK_URL", "teams_webhook", "incoming_webhook"],
                make: |r| {
                    let mut path = format!(
                        "{}@{}/IncomingWebhook/{}/{}",
                        r.guid(),
                        r.guid(),
                        r.of(HEX, 32),
                        r.guid()
                    );
                    if r.below(2) == 0 {
                        path.push_str(&format!("/V2{}", b64url(&r.bytes(32))));
                    }
                    let url = match r.below(2) {
                        0 => format!("https://contoso.webhook.office.com/webhookb2/{path}"),
                        _ => format!("https://outlook.office.com/webhook/{path}"),
                    };
                    (url, path)
                },
            },
            Spec {
                kind: PowerAutomateSignature,
                also: &[],
                names: &["FLOW_URL", "power_automate_url", "teams_workflow"],
                make: |r| {
                    let sig = b64url(&r.bytes(32));
                    let url = match r.below(2) {
                        0 => format!(
                            "https://prod-{}.westeurope.logic.azure.com:443/workflows/{}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={sig}",
                            r.of(DIGITS, 2),
                            r.of(HEX, 32)
                        ),
                        _ => format!(
                            "https://{}.{}.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/{}/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={sig}",
                            r.of(HEX, 30),
                            r.of(HEX, 2),
                            r.of(HEX, 32)
                        ),
                    };
                    (url, sig)
                },
            },
            Spec {
                kind: GoogleChatWebhook,
                also: &[],
                names: &["GOOGLE_CHAT_WEBHOOK", "chat_webhook"],
                make: |r| {
                    let token = format!("{}%3D", b64url(&r.bytes(32)));
                    let url = format!(
                        "https://chat.googleapis.com/v1/spaces/AAAA{}/messages?key=AIzaSy{}&token={token}",
                        r.of(ALNUM, 7),
                        r.of(B64URL, 33)
                    );
                    (url, token)
                },
            },
            Spec {
                kind: ChatWebhook,
                also: &[],
                names: &["MATTERMOST_WEBHOOK", "hook_url"],
                make: |r| {
                    let secret = match r.below(2) {
                        0 => r.of(LOWER_ALNUM, 26),
                        _ => format!("{}/{}", r.of(ALNUM, 17), r.of(ALNUM, 48)),
                    };
                    (format!("https://chat.example.com/hooks/{secret}"), secret)
                },
            },
            Spec {
                kind: SentryDsn,
                also: &[],
                names: &["SENTRY_DSN", "dsn", "sentry_dsn"],
                make: |r| {
                    let key = r.of(HEX, 32);
                    let url = match r.below(3) {
                        0 => format!(
                            "https://{key}@o{}.ingest.sentry.io/{}",
                            r.of(DIGITS, 6),
                            r.of(DIGITS, 7)
                        ),
                        1 => format!(
                            "https://{key}@o{}.ingest.us.sentry.io/{}",
                            r.of(DIGITS, 7),
                            r.of(DIGITS, 16)
                        ),
                        _ => format!("https://{key}@sentry.example.com/{}", r.of(DIGITS, 2)),
                    };
                    (url, key)
                },
            },
            Spec {
                kind: DatadogKey,
                also: &[],
                names: &[
                    "DD_API_KEY",
                    "dd-api-key",
                    "DATADOG_API_KEY",
                    "datadog_api_key",
                ],
                make: |r| same(r.of(HEX, 32)),
            },
            Spec {
                kind: DatadogKey,
                also: &[],
                names: &[
                    "DD_APP_KEY",
                    "DD-APPLICATION-KEY",
                    "DD_APPLICATION_KEY",
                    "datadog_app_key",
                ],
                make: |r| same(r.of(HEX, 40)),
            },
            Spec {
                kind: DatadogClientToken,
                also: &[],
                names: &["DD_CLIENT_TOKEN", "clientToken"],
                make: |r| same(format!("pub{}", r.of(HEX, 32))),
            },
            Spec {
                kind: PagerDutyKey,
                also: &[],
                names: &[
                    "routing_key",
                    "PAGERDUTY_INTEGRATION_KEY",
                    "integration_key",
                    "service_key",
                    "pagerduty_routing_key",
                ],
                make: |r| match r.below(2) {
                    0 => same(r.of(LOWER_ALNUM, 32)),
                    _ => same(format!("R0{}", r.of(UPPER_DIGITS, 30))),
                },
            },
            Spec {
                kind: PagerDutyToken,
                also: &[],
                names: &[
                    "PAGERDUTY_TOKEN",
                    "pagerduty_api_token",
                    "PD_API_KEY",
                    "pagerduty_api_key",
                ],
                make: |r| match r.below(2) {
                    0 => same(format!("u+{}", r.of(ALNUM, 18))),
                    _ => same(format!("{}_{}", r.of(ALNUM, 1), r.of(ALNUM, 18))),
                },
            },
            Spec {
                kind: GrafanaServiceAccountToken,
                also: &[],
                names: &["GRAFANA_TOKEN", "grafana_sa_token", "GF_TOKEN"],
                make: |r| same(format!("glsa_{}_{}", r.of(ALNUM, 32), r.of(HEX, 8))),
            },
            Spec {
                kind: GrafanaCloudToken,
                also: &[],
                names: &["GRAFANA_CLOUD_TOKEN", "GCLOUD_ACCESS_POLICY_TOKEN"],
                make: |r| {
                    let json = format!(
                        r#"{{"o":"{}","n":"pirt-fake-read","k":"{}","m":{{"r":"prod-eu-west-2"}}}}"#,
                        r.of(DIGITS, 6),
                        r.of(ALNUM, 24)
                    );
                    same(format!("glc_{}", b64(json.as_bytes())))
                },
            },
            Spec {
                kind: GrafanaApiKey,
                also: &[],
                names: &["GRAFANA_API_KEY", "grafana_key"],
                make: |r| {
                    let json = format!(
                        r#"{{"k":"{}","n":"pirt-ci","id":{}}}"#,
                        r.of(ALNUM, 32),
                        r.of(DIGITS, 1)
                    );
                    same(b64(json.as_bytes()))
                },
            },
            Spec {
                kind: AzureAccountKey,
                also: &[],
                names: &[
                    "AZURE_STORAGE_CONNECTION_STRING",
                    "ConnectionStrings__Blob",
                    "SERVICEBUS_CONNECTION",
                ],
                make: |r| match r.below(3) {
                    0 => {
                        let key = b64(&r.bytes(64));
                        (
                            format!(
                                "DefaultEndpointsProtocol=https;AccountName=pirtfake;AccountKey={key};EndpointSuffix=core.windows.net"
                            ),
                            key,
                        )
                    }
                    1 => {
                        let key = b64(&r.bytes(32));
                        (
                            format!(
                                "Endpoint=sb://pirt-fake.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={key}"
                            ),
                            key,
                        )
                    }
                    _ => {
                        let key = b64(&r.bytes(64));
                        (
                            format!(
                                "AccountEndpoint=https://pirt-fake.documents.azure.com:443/;AccountKey={key};"
                            ),
                            key,
                        )
                    }
                },
            },
            Spec {
                kind: AzureSas,
                also: &[],
                names: &["BACKUP_SAS_URL", "sas_url", "AZURE_SAS"],
                make: |r| {
                    let sig = b64(&r.bytes(32))
                        .replace('+', "%2B")
                        .replace('/', "%2F")
                        .replace('=', "%3D");
                    let v = match r.below(3) {
                        0 => format!(
                            "https://pirtfake.blob.core.windows.net/backups/orders.bak?sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2026-12-01T00:00:00Z&st=2026-11-24T00:00:00Z&spr=https&sig={sig}"
                        ),
                        1 => format!(
                            "sv=2022-11-02&ss=bfqt&srt=sco&sp=rwdlacupiytfx&se=2026-12-01T00:00:00Z&spr=https&sig={sig}"
                        ),
                        _ => format!(
                            "SharedAccessSignature sr=pirt-fake.servicebus.windows.net&sig={sig}&se=1764000000&skn=RootManageSharedAccessKey"
                        ),
                    };
                    (v, sig)
                },
            },
            Spec {
                kind: AzureClientSecret,
                also: &[],
                names: &["AZURE_CLIENT_SECRET", "client_secret", "ARM_CLIENT_SECRET"],
                make: |r| {
                    same(format!(
                        "{}{}Q~{}",
                        r.of(ALNUM, 3),
                        r.of(DIGITS, 1),
                        r.of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_~.-", 33),
                    ) + &r.of(ALNUM, 1))
                },
            },
            Spec {
                kind: GcpApiKey,
                also: &[],
                names: &["GOOGLE_API_KEY", "key", "api_key", "GOOGLE_MAPS_KEY"],
                make: |r| same(format!("AIzaSy{}", r.of(B64URL, 33))),
            },
            Spec {
                kind: GcpPrivateKeyId,
                also: &[],
                names: &["private_key_id"],
                make: |r| same(r.of(HEX, 40)),
            },
            Spec {
                kind: GcpOAuthSecret,
                also: &[],
                names: &["GOOGLE_CLIENT_SECRET", "client_secret"],
                make: |r| same(format!("GOCSPX-{}", r.of(B64URL, 28))),
            },
            Spec {
                kind: GcpAccessToken,
                also: &[],
                names: &["GOOGLE_ACCESS_TOKEN", "access_token"],
                make: |r| same(format!("ya29.a0{}", r.of(B64URL, r.between(100, 160)))),
            },
            Spec {
                // A service-account JSON's private_key, newlines escaped as in the file.
                kind: PrivateKey,
                also: &[],
                names: &["private_key"],
                make: |r| {
                    let line = format!("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC{}", r.of(B64, 32));
                    (
                        format!(
                            "-----BEGIN PRIVATE KEY-----\\n{line}\\n{}\\n{}==\\n-----END PRIVATE KEY-----\\n",
                            r.of(B64, 64),
                            r.of(B64, 22)
                        ),
                        line,
                    )
                },
            },
            Spec {
                // The same, cut off before its END line.
                kind: PrivateKey,
                also: &[],
                names: &["private_key", "key"],
                make: |r| {
                    let line = format!("MIIEow{}", r.of(B64, 58));
                    (
                        format!(
                            "-----BEGIN RSA PRIVATE KEY-----\\n{line}\\n{}",
                            r.of(B64, 64)
                        ),
                        line,
                    )
                },
            },
            Spec {
                kind: KubernetesClientKey,
                also: &[PrivateKey],
                names: &["client-key-data"],
                make: |r| {
                    let pem = format!(
                        "-----BEGIN RSA PRIVATE KEY-----\nMIIEow{}\n-----END RSA PRIVATE KEY-----\n",
                        r.of(B64, 58)
                    );
                    same(b64(pem.as_bytes()))
                },
            },
            Spec {
                kind: DatabasePassword,
                also: &[],
                names: &["DATABASE_URL", "REDIS_URL", "MONGO_URI", "AMQP_URL", "dsn"],
                make: |r| {
                    let pw = r.of(URL_PASSWORD, r.between(10, 24));
                    let url = match r.below(7) {
                        0 => format!(
                            "postgres://orders:{pw}@db.internal:5432/orders?sslmode=require"
                        ),
                        1 => format!(
                            "postgresql://app_rw:{pw}@orders-db.cluster-c1.eu-west-1.rds.amazonaws.com/orders"
                        ),
                        2 => format!("mysql://root:{pw}@mysql-0.mysql:3306/app"),
                        3 => format!(
                            "mongodb+srv://app:{pw}@cluster0.ab1cd.mongodb.net/orders?retryWrites=true&w=majority"
                        ),
                        4 => format!("redis://:{pw}@cache:6379/0"),
                        5 => format!("rediss://default:{pw}@redis.example.com:6380"),
                        _ => format!("amqp://orders:{pw}@rabbitmq:5672/%2F"),
                    };
                    (url, pw)
                },
            },
            Spec {
                kind: DatabasePassword,
                also: &[],
                names: &["ConnectionStrings__Orders", "JDBC_URL", "SQL_CONNECTION"],
                make: |r| {
                    let pw = r.of(
                        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#%^*-_~",
                        r.between(10, 24),
                    );
                    let v = match r.below(6) {
                        0 => format!(
                            "Server=tcp:pirt-fake.database.windows.net,1433;Initial Catalog=orders;User ID=app;Password={pw};Encrypt=True;"
                        ),
                        1 => format!(
                            "Driver={{ODBC Driver 18 for SQL Server}};Server=db;Database=orders;Uid=app;Pwd={pw};"
                        ),
                        2 => format!(
                            "jdbc:postgresql://db.internal:5432/orders?user=app&password={pw}&ssl=true"
                        ),
                        3 => format!("jdbc:mysql://app:{pw}@db:3306/orders"),
                        4 => format!("jdbc:oracle:thin:app/{pw}@//db.internal:1521/ORCL"),
                        _ => format!(
                            "jdbc:sqlserver://db:1433;databaseName=orders;user=app;password={pw};encrypt=true"
                        ),
                    };
                    (v, pw)
                },
            },
            Spec {
                kind: DatabasePassword,
                also: &[],
                names: &["command", "run"],
                make: |r| {
                    let pw = r.of(ALNUM, r.between(10, 20));
                    (format!("mysql -h db.internal -u root -p{pw} orders"), pw)
                },
            },
            Spec {
                kind: KubernetesToken,
                also: &[],
                names: &["KUBE_TOKEN", "token", "SERVICE_ACCOUNT_TOKEN"],
                make: |r| {
                    let header = format!(r#"{{"alg":"RS256","kid":"{}"}}"#, b64url(&r.bytes(32)));
                    let uid = r.guid();
                    let payload = match r.below(2) {
                        0 => format!(
                            r#"{{"iss":"kubernetes/serviceaccount","kubernetes.io/serviceaccount/namespace":"orders","kubernetes.io/serviceaccount/secret.name":"deployer-token-x7k2p","kubernetes.io/serviceaccount/service-account.name":"deployer","kubernetes.io/serviceaccount/service-account.uid":"{uid}","sub":"system:serviceaccount:orders:deployer"}}"#
                        ),
                        _ => format!(
                            r#"{{"aud":["https://kubernetes.default.svc.cluster.local"],"exp":1764000000,"iat":1732456931,"iss":"https://kubernetes.default.svc.cluster.local","kubernetes.io":{{"namespace":"orders","serviceaccount":{{"name":"deployer","uid":"{uid}"}}}},"sub":"system:serviceaccount:orders:deployer"}}"#
                        ),
                    };
                    same(jwt(r, &header, &payload, 256))
                },
            },
            Spec {
                kind: KubernetesToken,
                also: &[],
                names: &["command"],
                make: |r| {
                    let token = r.of(B64URL, r.between(32, 64));
                    (
                        format!(
                            "kubectl --server=https://k8s.example.com:6443 --token={token} get pods -n orders"
                        ),
                        token,
                    )
                },
            },
            Spec {
                kind: KubernetesToken,
                also: &[],
                names: &["OC_TOKEN", "token"],
                make: |r| same(format!("sha256~{}", r.of(B64URL, 43))),
            },
            Spec {
                kind: KubernetesBootstrapToken,
                also: &[],
                names: &["KUBEADM_TOKEN", "token", "bootstrap_token"],
                make: |r| {
                    same(format!(
                        "{}.{}",
                        r.of(LOWER_ALNUM, 6),
                        r.of(LOWER_ALNUM, 16)
                    ))
                },
            },
            Spec {
                kind: Jwt,
                also: &[],
                names: &["id_token", "session", "cookie"],
                make: |r| {
                    let payload = format!(
                        r#"{{"sub":"{}","name":"Test User","iat":1732456931}}"#,
                        r.of(DIGITS, 10)
                    );
                    same(jwt(r, r#"{"alg":"HS256","typ":"JWT"}"#, &payload, 32))
                },
            },
            Spec {
                kind: ApiKey,
                also: &[],
                names: &[
                    "api_key",
                    "X-Api-Key",
                    "apikey",
                    "API_KEY",
                    "apiKey",
                    "Ocp-Apim-Subscription-Key",
                ],
                make: |r| same(r.of(ALNUM, r.between(32, 40))),
            },
            Spec {
                kind: ApiKey,
                also: &[],
                names: &[
                    "token",
                    "access_token",
                    "auth_token",
                    "SERVICE_TOKEN",
                    "X-Auth-Token",
                    "refresh_token",
                ],
                make: |r| same(b64url(&r.bytes(r.between(24, 40)))),
            },
            Spec {
                kind: ApiKey,
                also: &[],
                names: &["key", "signing_key", "license_key", "encryption_key"],
                make: |r| match r.below(2) {
                    0 => same(r.of(ALNUM, 32)),
                    _ => same(b64(&r.bytes(32))),
                },
            },
            Spec {
                kind: Password,
                also: &[],
                names: &[
                    "secret",
                    "client_secret",
                    "WEBHOOK_SECRET",
                    "app_secret",
                    "clientSecret",
                    "JWT_SECRET",
                ],
                make: |r| same(b64url(&r.bytes(r.between(18, 30)))),
            },
            Spec {
                kind: Password,
                also: &[],
                names: &[
                    "password",
                    "DB_PASSWORD",
                    "PGPASSWORD",
                    "MYSQL_ROOT_PASSWORD",
                    "passwd",
                    "pwd",
                    "admin_password",
                    "Password",
                ],
                make: |r| same(r.of(PASSWORD, r.between(10, 20))),
            },
            Spec {
                kind: SlackToken,
                also: &[],
                names: &["SLACK_BOT_TOKEN", "slack_token"],
                make: |r| {
                    same(format!(
                        "xox{}-{}-{}-{}",
                        r.pick(&["b", "p"]),
                        r.of(DIGITS, 12),
                        r.of(DIGITS, 13),
                        r.of(ALNUM, 24)
                    ))
                },
            },
            Spec {
                kind: GitHubToken,
                also: &[],
                names: &["GITHUB_TOKEN", "GH_TOKEN"],
                make: |r| {
                    same(format!(
                        "gh{}_{}",
                        r.pick(&["p", "o", "s"]),
                        r.of(ALNUM, 36)
                    ))
                },
            },
            Spec {
                kind: AwsAccessKeyId,
                also: &[],
                names: &["AWS_ACCESS_KEY_ID", "aws_access_key_id"],
                make: |r| same(format!("AKIA{}", r.of(UPPER_DIGITS, 16))),
            },
            Spec {
                kind: AwsSecretKey,
                also: &[],
                names: &["AWS_SECRET_ACCESS_KEY", "aws_secret_access_key"],
                make: |r| same(r.of(B64, 40)),
            },
            Spec {
                kind: OpenAiKey,
                also: &[],
                names: &["OPENAI_API_KEY"],
                make: |r| same(format!("sk-proj-{}", r.of(B64URL, 48))),
            },
            Spec {
                kind: TelegramBotToken,
                also: &[],
                names: &["TELEGRAM_BOT_TOKEN"],
                make: |r| {
                    same(format!(
                        "{}:AA{}",
                        r.of(DIGITS, r.between(9, 10)),
                        r.of(B64URL, 33)
                    ))
                },
            },
            Spec {
                kind: DiscordBotToken,
                also: &[],
                names: &["DISCORD_BOT_TOKEN", "discord_token"],
                make: |r| {
                    let id = format!("1{}", r.of(DIGITS, 17));
                    same(format!(
                        "{}.{}.{}",
                        b64url(id.as_bytes()),
                        r.of(B64URL, 6),
                        r.of(B64URL, 38)
                    ))
                },
            },
        ]
    }

    /// The ways a value is pasted: `{name}` is a key name of the kind, `{value}` the value.
    pub(super) const CONTEXTS: &[(&str, &str)] = &[
        (
            "prose",
            "Someone pasted the {name} {value} into #ops-incident during the call.",
        ),
        (
            "prose, is",
            "The {name} is {value}, so it has to be rotated.",
        ),
        (
            "log line",
            "2026-11-24T14:02:11.482Z ERROR notify failed {name}={value} attempt=3",
        ),
        (
            "JSON",
            r#"{"level":"error","{name}":"{value}","region":"eu-west-1"}"#,
        ),
        (
            "JSON in a log",
            r#"14:02:11 orders-api msg="payload={\"{name}\":\"{value}\"}""#,
        ),
        ("YAML", "env:\n  LOG_LEVEL: debug\n  {name}: {value}\n"),
        ("YAML, quoted", "config:\n  {name}: \"{value}\"\n"),
        ("export", "export {name}='{value}'"),
        (
            "curl header",
            r#"curl -sS -H "{name}: {value}" https://api.example.com/v1/check"#,
        ),
        (
            "URL query",
            "GET https://api.example.com/v1/notify?{name}={value}&source=pirt returned 403",
        ),
        (
            "Markdown code span",
            "Set `{name}={value}` in the vault, then redeploy.",
        ),
        (
            "docker -e",
            r#"docker run --rm -e {name}="{value}" registry.example.com/orders:1.4.2"#,
        ),
        ("TOML", r#"{name} = "{value}""#),
    ];

    pub(super) struct Case {
        pub kind: Kind,
        pub also: &'static [Kind],
        pub context: &'static str,
        pub text: String,
        pub secret: String,
    }

    pub(super) fn cases() -> Vec<Case> {
        let rng = Rng(std::cell::Cell::new(0x9E37_79B9_7F4A_7C15));
        let mut out = Vec::new();
        for spec in specs() {
            for (i, (context, template)) in CONTEXTS.iter().enumerate() {
                let name = spec.names[i % spec.names.len()];
                let (value, secret) = (spec.make)(&rng);
                out.push(Case {
                    kind: spec.kind,
                    also: spec.also,
                    context,
                    text: template.replace("{name}", name).replace("{value}", &value),
                    secret,
                });
            }
        }
        out
    }

    /// `Ok(kind)` when one found range covers the whole secret, redacting hides it and
    /// restoring gives the text back.
    pub(super) fn check(case: &Case) -> Result<Kind, String> {
        let r = Redactor::new(&RedactConfig::default()).unwrap().unwrap();
        let at = case
            .text
            .find(&case.secret)
            .expect("the secret is in the text");
        let secret = at..at + case.secret.len();
        let found = r.detector().find(&case.text);
        let Some(f) = found
            .iter()
            .find(|f| f.range.start <= secret.start && secret.end <= f.range.end)
        else {
            return Err(format!("not covered; found {found:?}"));
        };
        let redacted = r.redact(&case.text);
        if redacted.contains(&case.secret) {
            return Err(format!("still in {redacted}"));
        }
        if r.restore(&redacted) != case.text {
            return Err(format!("not restored from {redacted}"));
        }
        Ok(f.kind)
    }

    #[test]
    fn recall_over_the_corpus_is_at_least_99_percent() {
        let cases = cases();
        assert!(cases.len() >= 300, "{} cases", cases.len());
        let mut missed = Vec::new();
        let mut by_context: HashMap<&str, (usize, usize)> = HashMap::new();
        for case in &cases {
            let ok = check(case).is_ok();
            let e = by_context.entry(case.context).or_default();
            e.1 += 1;
            if ok {
                e.0 += 1;
            } else {
                missed.push(format!(
                    "{} in {}: {}: {:?} in {:?}",
                    case.kind.name(),
                    case.context,
                    check(case).unwrap_err(),
                    case.secret,
                    case.text
                ));
            }
        }
        let found = cases.len() - missed.len();
        let recall = found as f64 / cases.len() as f64;
        println!(
            "redaction recall: {found}/{} = {:.2} % ({} kinds of value x {} contexts)",
            cases.len(),
            recall * 100.0,
            specs().len(),
            CONTEXTS.len()
        );
        for (context, _) in CONTEXTS {
            let (f, n) = by_context[context];
            println!("  {context}: {f}/{n}");
        }
        for m in &missed {
            println!("  missed: {m}");
        }
        assert!(recall >= 0.99, "recall {recall}: {missed:#?}");
    }

    /// One test per kind: every context is covered, and named as that kind (what the
    /// `secret-in-review` check will print).
    fn kind_table(kind: Kind) {
        let cases: Vec<Case> = cases().into_iter().filter(|c| c.kind == kind).collect();
        assert!(!cases.is_empty());
        let mut failures = Vec::new();
        for case in &cases {
            match check(case) {
                Ok(k) if k == case.kind || case.also.contains(&k) => {}
                Ok(k) => failures.push(format!("{}: found as {k:?}: {}", case.context, case.text)),
                Err(e) => failures.push(format!("{}: {e}: {}", case.context, case.text)),
            }
        }
        assert!(
            failures.is_empty(),
            "{}:\n{}",
            kind.name(),
            failures.join("\n")
        );
    }

    macro_rules! kind_tables {
        ($($test:ident: $kind:ident,)*) => {
            $(#[test]
            fn $test() {
                kind_table(Kind::$kind);
            })*
        };
    }

    kind_tables! {
        slack_webhook_urls: SlackWebhook,
        discord_webhook_urls: DiscordWebhook,
        teams_webhook_urls: TeamsWebhook,
        power_automate_signatures: PowerAutomateSignature,
        google_chat_webhook_urls: GoogleChatWebhook,
        mattermost_webhook_urls: ChatWebhook,
        sentry_dsns: SentryDsn,
        datadog_keys: DatadogKey,
        datadog_client_tokens: DatadogClientToken,
        pagerduty_keys: PagerDutyKey,
        pagerduty_tokens: PagerDutyToken,
        grafana_service_account_tokens: GrafanaServiceAccountToken,
        grafana_cloud_tokens: GrafanaCloudToken,
        grafana_api_keys: GrafanaApiKey,
        azure_account_keys: AzureAccountKey,
        azure_sas_signatures: AzureSas,
        azure_client_secrets: AzureClientSecret,
        gcp_api_keys: GcpApiKey,
        gcp_private_key_ids: GcpPrivateKeyId,
        gcp_oauth_secrets: GcpOAuthSecret,
        gcp_access_tokens: GcpAccessToken,
        private_keys: PrivateKey,
        kubernetes_client_keys: KubernetesClientKey,
        database_passwords: DatabasePassword,
        kubernetes_tokens: KubernetesToken,
        kubernetes_bootstrap_tokens: KubernetesBootstrapToken,
        jwts: Jwt,
        generic_api_keys_and_tokens: ApiKey,
        generic_passwords_and_secrets: Password,
        slack_tokens: SlackToken,
        github_tokens: GitHubToken,
        aws_access_key_ids: AwsAccessKeyId,
        aws_secret_keys: AwsSecretKey,
        openai_keys: OpenAiKey,
        telegram_bot_tokens: TelegramBotToken,
        discord_bot_tokens: DiscordBotToken,
    }
}
#[cfg(test)]
mod speed {
    use super::*;

    /// A measurement, not a check: `cargo test --release --lib redact::speed -- --ignored --nocapture`.
    #[test]
    #[ignore = "prints timings; run in release"]
    fn one_megabyte() {
        let mut sample = String::new();
        for text in [
            include_str!(
                "../examples/postmortems/2018-10-21-degraded-service-after-43s-network-partition.md"
            ),
            include_str!("../examples/postmortems/2019-07-02-global-502s-after-waf-rule-deploy.md"),
            include_str!(
                "../examples/postmortems/2021-09-30-api-clients-fail-tls-after-root-expiry.md"
            ),
            include_str!(
                "../examples/postmortems/2025-11-18-proxy-failures-from-oversized-bot-feature-file.md"
            ),
        ] {
            sample.push_str(text);
        }
        let mut text = String::new();
        let mut i = 0;
        while text.len() < 1 << 20 {
            text.push_str(&sample);
            text.push_str(&format!("\npaged ana{i}@example.com from 10.0.{}.{} with ghp_0123456789abcdefghijABCDEFGHIJ{i:06}\n", i % 256, i / 256 % 256));
            i += 1;
        }
        let ascii: String = text.chars().filter(char::is_ascii).collect();
        let r = Redactor::new(&RedactConfig::default()).unwrap().unwrap();
        for (name, t) in [("with non-ASCII", &text), ("ASCII only", &ascii)] {
            let r = r.fresh();
            let start = std::time::Instant::now();
            let out = r.redact(t);
            let took = start.elapsed();
            println!(
                "{name}: {} bytes in {took:?}, {} values, {} bytes out",
                t.len(),
                r.count(),
                out.len()
            );
        }
    }
}
