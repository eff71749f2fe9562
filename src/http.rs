//! What every HTTP client of pirt shares (the LLM providers, the issue trackers): the
//! User-Agent, the retry backoff, `Retry-After`, readable transport errors, and URLs
//! without credentials. No network code lives here, only the pieces both need.

use std::time::Duration;

use backon::ExponentialBuilder;

/// The User-Agent of every request (GitHub refuses requests without one).
pub const USER_AGENT: &str = concat!("pirt/", env!("CARGO_PKG_VERSION"));

/// The longest `Retry-After` (or rate-limit reset) pirt waits for; a longer one is an
/// error that says when to try again.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// Exponential backoff with jitter: `retries` waits, starting at `min_delay`, at most 30 s.
pub fn backoff(min_delay: Duration, retries: u32) -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(min_delay)
        .with_max_delay(Duration::from_secs(30))
        .with_max_times(retries as usize)
        .with_jitter()
}

/// The first backoff delay: `PIRT_RETRY_MIN_MS` (tests shorten it), else 500 ms.
pub fn retry_min_delay(env: impl Fn(&str) -> Option<String>) -> Duration {
    env("PIRT_RETRY_MIN_MS")
        .and_then(|v| v.parse().ok())
        .map_or(Duration::from_millis(500), Duration::from_millis)
}

/// The wait backon proposes, replaced by the server's `Retry-After` when it sent one
/// within [`MAX_RETRY_AFTER`]; a longer one stops the retries.
pub fn adjust_wait(wait: Option<Duration>, retry_after: Option<Duration>) -> Option<Duration> {
    match (wait, retry_after) {
        (Some(_), Some(after)) if after <= MAX_RETRY_AFTER => Some(after),
        (Some(_), Some(_)) => None,
        (wait, _) => wait,
    }
}

/// `Retry-After`: seconds, or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = date.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// The innermost causes of an error, which say what happened ("Connection refused", "dns
/// error"), without reqwest's outer text that repeats the URL.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    if parts.is_empty() {
        parts.push(error.to_string());
    }
    parts
        .last()
        .cloned()
        .map(|last| {
            if parts.len() > 1 {
                format!("{} ({last})", parts[0])
            } else {
                last
            }
        })
        .unwrap_or_default()
}

/// `https://user:secret@host/v1` → `https://host/v1`.
pub fn hide_credentials(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            return format!("{scheme}://{}", &rest[at + 1..]);
        }
    }
    url.to_string()
}

/// True when the URL carries a user name or password (`https://user:pw@host`).
pub fn has_credentials(url: &str) -> bool {
    hide_credentials(url) != url
}

/// A short message from an error body: the `message` of a JSON error (GitHub's
/// `{"message": ...}`, OpenAI's `{"error": {"message": ...}}`, GitLab's `{"message"|"error":
/// ...}`, Jira's `{"errorMessages": [...], "errors": {...}}`), else the start of the body.
pub fn error_message(body: &str) -> String {
    let from_json = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|json| message_in(&json));
    let text = from_json.unwrap_or_else(|| body.trim().to_string());
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return "no message".into();
    }
    let mut short: String = text.chars().take(300).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

fn message_in(json: &serde_json::Value) -> Option<String> {
    if let Some(error) = json.get("error") {
        return error
            .get("message")
            .and_then(|m| m.as_str())
            .or_else(|| error.as_str())
            .map(str::to_string);
    }
    if let Some(message) = json.get("message") {
        return Some(match message {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        });
    }
    let mut parts: Vec<String> = json
        .get("errorMessages")
        .and_then(|m| m.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|m| m.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if let Some(errors) = json.get("errors").and_then(|e| e.as_object()) {
        parts.extend(
            errors
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or(&v.to_string()))),
        );
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("0.5"), Some(Duration::from_millis(500)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn credentials_in_urls_are_hidden() {
        assert_eq!(
            hide_credentials("https://u:p@host:1/v1?x=@"),
            "https://host:1/v1?x=@"
        );
        assert_eq!(hide_credentials("http://host/v1"), "http://host/v1");
        assert_eq!(hide_credentials("https://host?u=a@b"), "https://host?u=a@b");
        assert!(has_credentials("https://token@api.github.com"));
        assert!(!has_credentials("https://api.github.com"));
    }

    #[test]
    fn error_messages_of_each_service() {
        assert_eq!(
            error_message(r#"{"message":"Bad credentials","documentation_url":"x"}"#),
            "Bad credentials"
        );
        assert_eq!(error_message(r#"{"error":{"message":"rate"}}"#), "rate");
        assert_eq!(
            error_message(r#"{"message":"404 Project Not Found"}"#),
            "404 Project Not Found"
        );
        assert_eq!(
            error_message(
                r#"{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}"#
            ),
            "Issue does not exist or you do not have permission to see it."
        );
        assert_eq!(
            error_message(r#"{"errorMessages":[],"errors":{"summary":"required"}}"#),
            "summary: required"
        );
        assert_eq!(error_message("  "), "no message");
    }
}
