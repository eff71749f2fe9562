//! Redaction: secrets and personal data in a prompt are replaced by stable placeholders
//! (`<EMAIL_1>`) before it leaves the machine, and put back into the answer.
//!
//! One `Redactor` serves a whole `pirt draft` run, so the same value gets the same
//! placeholder in every prompt and the model can refer to it consistently.

use std::collections::HashMap;
use std::sync::Mutex;

use regex::{Captures, Regex};

use crate::config::RedactConfig;

/// A kind of sensitive text: the placeholder's label and the expression that finds it.
/// When the expression has a group named `secret`, only that group is replaced (the
/// `Bearer ` or `password=` before it stays readable).
#[derive(Clone)]
struct Rule {
    label: &'static str,
    regex: Regex,
}

/// Patterns for keys and tokens of the common providers, most specific first: an earlier
/// rule's placeholder is never matched by a later one.
const SECRETS: &[(&str, &str)] = &[
    (
        "PRIVATE_KEY",
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----",
    ),
    // user:password@ in URLs (postgres://app:hunter2@db:5432)
    (
        "PASSWORD",
        r"(?i)\b[a-z][a-z0-9+.-]*://[^\s:/@]+:(?P<secret>[^\s@/]+)@",
    ),
    (
        "JWT",
        r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+",
    ),
    // Anthropic, OpenAI (sk-, sk-proj-), Stripe (sk_live_, rk_live_...)
    ("TOKEN", r"\bsk-ant-[A-Za-z0-9_-]{20,}"),
    ("TOKEN", r"\bsk-[A-Za-z0-9_-]{20,}"),
    ("TOKEN", r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"),
    // GitHub, GitLab, Slack, Google, npm, PyPI, Hugging Face, SendGrid, Twilio
    ("TOKEN", r"\bgh[pousr]_[A-Za-z0-9]{30,}"),
    ("TOKEN", r"\bgithub_pat_[A-Za-z0-9_]{30,}"),
    ("TOKEN", r"\bglpat-[A-Za-z0-9_-]{20,}"),
    ("TOKEN", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    ("TOKEN", r"\bAIza[0-9A-Za-z_-]{35}"),
    ("TOKEN", r"\bnpm_[A-Za-z0-9]{36}"),
    ("TOKEN", r"\bpypi-[A-Za-z0-9_-]{50,}"),
    ("TOKEN", r"\bhf_[A-Za-z0-9]{30,}"),
    ("TOKEN", r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}"),
    ("TOKEN", r"\bSK[0-9a-fA-F]{32}\b"),
    // AWS access key ids, and secrets written as aws_secret_access_key = ...
    (
        "TOKEN",
        r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b",
    ),
    (
        "SECRET",
        r"(?i)aws_secret_access_key\s*[:=]\s*(?P<secret>[A-Za-z0-9/+=]{40})",
    ),
    // Authorization: Bearer xyz / Basic xyz
    (
        "TOKEN",
        r"(?i)\b(?:bearer|basic)\s+(?P<secret>[A-Za-z0-9._~+/=-]{12,})",
    ),
    // password=..., api_key: ..., secret="..."
    (
        "SECRET",
        r#"(?i)\b(?:password|passwd|pwd|secret|client_secret|api[_-]?key|access[_-]?token|auth[_-]?token|token)\s*[:=]\s*["']?(?P<secret>[^\s"',;<>]{6,})"#,
    ),
];

const EMAIL: &str = r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b";
const IPV4: &str = r"\b(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\b";
/// Full and `::`-compressed IPv6 forms with at least three groups (so `14:02:00` is not one).
const IPV6: &str = r"(?i)(?:\b[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){7}\b|\b(?:[0-9a-f]{1,4}:){1,6}(?::[0-9a-f]{1,4}){1,6}\b|\b(?:[0-9a-f]{1,4}:){2,7}:|::(?:ffff:)?(?:[0-9a-f]{1,4}:){1,5}[0-9a-f]{1,4}\b)";

/// Replaces sensitive text by placeholders and maps them back.
pub struct Redactor {
    rules: Vec<Rule>,
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
        let mut rules: Vec<Rule> = SECRETS
            .iter()
            .map(|(label, pattern)| Rule {
                label,
                regex: Regex::new(pattern).expect("built-in pattern"),
            })
            .collect();
        if config.emails {
            rules.push(Rule {
                label: "EMAIL",
                regex: Regex::new(EMAIL).expect("built-in pattern"),
            });
        }
        if config.ip_addresses {
            for pattern in [IPV4, IPV6] {
                rules.push(Rule {
                    label: "IP",
                    regex: Regex::new(pattern).expect("built-in pattern"),
                });
            }
        }
        for pattern in &config.patterns {
            let regex = Regex::new(pattern).map_err(|e| {
                anyhow::anyhow!("[llm.redact] pattern `{pattern}` is not valid: {e}")
            })?;
            rules.push(Rule {
                label: "REDACTED",
                regex,
            });
        }
        Ok(Some(Redactor {
            rules,
            state: Mutex::new(State::default()),
        }))
    }

    /// The same rules, with no placeholder handed out yet.
    pub fn fresh(&self) -> Self {
        Redactor {
            rules: self.rules.clone(),
            state: Mutex::new(State::default()),
        }
    }

    /// The text with every match replaced by its placeholder.
    pub fn redact(&self, text: &str) -> String {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = text.to_string();
        for rule in &self.rules {
            if !rule.regex.is_match(&out) {
                continue;
            }
            out = rule
                .regex
                .replace_all(&out, |caps: &Captures| {
                    let whole = caps.get(0).expect("group 0");
                    let secret = caps.name("secret").unwrap_or(whole);
                    // Never redact a placeholder an earlier rule put there.
                    if is_placeholder(secret.as_str()) {
                        return whole.as_str().to_string();
                    }
                    let placeholder = state.placeholder(rule.label, secret.as_str());
                    let start = secret.start() - whole.start();
                    let end = secret.end() - whole.start();
                    let w = whole.as_str();
                    format!("{}{placeholder}{}", &w[..start], &w[end..])
                })
                .into_owned();
        }
        out
    }

    /// The answer with every placeholder this redactor handed out replaced by its original.
    /// Unknown placeholder-like text is left as it is.
    pub fn restore(&self, text: &str) -> String {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.originals.is_empty() {
            return text.to_string();
        }
        let placeholder = Regex::new(r"<[A-Z_]+_[0-9]+>").expect("static pattern");
        placeholder
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
