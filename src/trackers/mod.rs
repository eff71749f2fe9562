//! Issue trackers (GitHub, GitLab, Jira) for action items: what a `tracker:` value
//! refers to, the issues read and created, and `pirt actions sync` as a plan, then an apply.
//!
//! Each tracker is a small typed client of its own (`github.rs`, `gitlab.rs`, `jira.rs`):
//! pure functions from what pirt wants to a [`Call`] (method, path, query, body) and from
//! a response body to an [`Issue`]; `client.rs` sends calls with the shared HTTP pieces
//! (timeouts, bounded retries, rate limits, clear errors).

pub mod client;
mod github;
mod gitlab;
mod jira;
pub mod sync;

use chrono::NaiveDate;

pub use crate::tracker_ref as reference;
pub use crate::tracker_ref::{Reference, parse_reference, short_form};

/// Where an issue is, in the terms of the action item's `status:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueState {
    Open,
    InProgress,
    Done,
    WontDo,
}

/// An issue as pirt reads it from any tracker.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    /// The number (GitHub), iid (GitLab) or key (Jira).
    pub id: String,
    /// The issue's web page.
    pub url: String,
    pub state: IssueState,
    /// The assignees' accounts as `[people]` names them (login, username, accountId).
    pub assignees: Vec<String>,
    pub due: Option<NaiveDate>,
    /// The description as text (for the marker).
    pub body: String,
}

/// An issue to create.
#[derive(Clone, Debug, PartialEq)]
pub struct NewIssue {
    pub title: String,
    pub body: String,
    pub labels: Vec<String>,
    pub due: Option<NaiveDate>,
    /// The assignee's account (login, username or user id, accountId), from `[people]`.
    pub assignee: Option<String>,
    /// The item's marker (`pirt:PIR-2026-014/AI-1`), the last line of the body.
    pub marker: String,
}

/// One HTTP request to a tracker's API, relative to its API root.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub post: bool,
    /// Already percent-encoded.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<serde_json::Value>,
}

impl Call {
    fn get(path: String) -> Self {
        Call {
            post: false,
            path,
            query: Vec::new(),
            body: None,
        }
    }

    fn post(path: String, body: serde_json::Value) -> Self {
        Call {
            post: true,
            path,
            query: Vec::new(),
            body: Some(body),
        }
    }

    fn query(mut self, key: &str, value: &str) -> Self {
        self.query.push((key.to_string(), value.to_string()));
        self
    }

    /// The path with its query string.
    pub fn target(&self) -> String {
        if self.query.is_empty() {
            return self.path.clone();
        }
        let query: Vec<String> = self
            .query
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        format!("{}?{}", self.path, query.join("&"))
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters (a path segment, or a
/// query key or value).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The marker a created issue carries, so that a second run finds it instead of creating
/// another: `pirt:REVIEW/ITEM`.
pub fn marker(review: &str, item: &str) -> String {
    format!("pirt:{review}/{item}")
}

/// True when `body` holds `marker` as a whole word (`…/AI-1` is not in `…/AI-10`).
pub fn has_marker(body: &str, marker: &str) -> bool {
    body.match_indices(marker).any(|(at, _)| {
        let before_ok = body[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !is_marker_char(c));
        let after_ok = body[at + marker.len()..]
            .chars()
            .next()
            .is_none_or(|c| !is_marker_char(c));
        before_ok && after_ok
    })
}

fn is_marker_char(c: char) -> bool {
    c.is_alphanumeric() || "-_/".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_match_whole_ids_only() {
        let m = marker("PIR-2026-014", "AI-1");
        assert_eq!(m, "pirt:PIR-2026-014/AI-1");
        assert!(has_marker("Due soon.\n\npirt:PIR-2026-014/AI-1\n", &m));
        assert!(has_marker("`pirt:PIR-2026-014/AI-1`", &m));
        assert!(!has_marker("pirt:PIR-2026-014/AI-10", &m));
        assert!(!has_marker("xpirt:PIR-2026-014/AI-1", &m));
        assert!(has_marker(
            "pirt:PIR-2026-014/AI-10 and pirt:PIR-2026-014/AI-1.",
            &m
        ));
    }

    #[test]
    fn calls_encode_their_query() {
        let call = Call::get("/search/issues".into()).query("q", "\"pirt:P/A\" repo:a/b in:body");
        assert_eq!(
            call.target(),
            "/search/issues?q=%22pirt%3AP%2FA%22%20repo%3Aa%2Fb%20in%3Abody"
        );
        assert_eq!(encode("grp/sub proj"), "grp%2Fsub%20proj");
    }
}
