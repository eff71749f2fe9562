//! Sends a tracker's [`Call`]s: authentication per kind, a timeout on every request,
//! bounded retries with backoff on 429, 5xx, time-outs and dropped connections (honouring
//! `Retry-After` and GitHub's `x-ratelimit-reset` within a bound), and errors that say what
//! to do. Tokens come from the variables the config names and are never shown.

use std::time::Duration;

use backon::{BackoffBuilder, Retryable};
use serde_json::Value;

use super::{Call, Issue, NewIssue, github, gitlab, has_marker, jira};
use crate::config::{TrackerConfig, TrackerKind, TrackersConfig, check_tracker_url};
use crate::env::Env;
use crate::http::{adjust_wait, error_chain, error_message, hide_credentials, parse_retry_after};

/// The largest answer pirt reads (a page of 100 GitHub issues is about 0.5 MB).
const MAX_BODY: usize = 16 << 20;

/// A token. `Debug` shows only that there is one.
#[derive(Clone)]
struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

#[derive(Clone, Debug)]
enum Auth {
    Bearer(Secret),
    PrivateToken(Secret),
    Basic { email: Secret, token: Secret },
}

/// What went wrong, in words that say what to do. No variant holds a token.
#[derive(Debug, thiserror::Error)]
pub enum TrackerError {
    #[error("{0}")]
    Setup(String),
    #[error("cannot connect to {url}: {detail}")]
    Connect { url: String, detail: String },
    #[error("{url} did not answer within {secs} s (raise [trackers] timeout_secs if it is slow)")]
    Timeout { url: String, secs: u64 },
    #[error(
        "{host} refused the token in ${env} (HTTP 401: {message}); check that it is valid and not expired"
    )]
    Unauthorized {
        host: String,
        env: String,
        message: String,
    },
    #[error("the token in ${env} cannot {action} {repo} (HTTP 403: {message})")]
    Forbidden {
        env: String,
        action: &'static str,
        repo: String,
        message: String,
    },
    #[error("{what} was not found, or the token in ${env} cannot read {repo} (HTTP 404)")]
    NotFound {
        what: String,
        env: String,
        repo: String,
    },
    #[error("{host} is rate limiting requests{}", match retry_after { Some(d) => format!("; it lets requests through again in {} s, run again then", d.as_secs()), None => String::new() })]
    RateLimited {
        host: String,
        retry_after: Option<Duration>,
    },
    #[error("{url} answered HTTP {status}: {message}")]
    Status {
        url: String,
        status: u16,
        message: String,
        retry_after: Option<Duration>,
    },
    #[error("{url} sent an answer pirt cannot read: {detail}")]
    Malformed { url: String, detail: String },
    #[error("{error} (gave up after {attempts} attempts)")]
    GaveUp {
        error: Box<TrackerError>,
        attempts: usize,
    },
}

impl TrackerError {
    /// Errors that may pass: the network, time-outs, rate limits, 408, 409 and 5xx.
    pub fn retryable(&self) -> bool {
        match self {
            TrackerError::Connect { .. }
            | TrackerError::Timeout { .. }
            | TrackerError::RateLimited { .. } => true,
            TrackerError::Status { status, .. } => {
                matches!(status, 408 | 409) || (500..600).contains(status)
            }
            _ => false,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            TrackerError::Status { retry_after, .. }
            | TrackerError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// What a request is for, to word its errors.
#[derive(Clone, Debug)]
enum Purpose {
    Read(String),
    Search,
    Create,
}

/// A client for one configured tracker.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    /// The tracker's name in `[trackers]`.
    pub name: String,
    pub config: TrackerConfig,
    api_root: String,
    auth: Auth,
    token_var: String,
    timeout: Duration,
    retries: u32,
    min_delay: Duration,
}

impl Client {
    /// A client for `[trackers.NAME]`, its token read from the variable the config names.
    pub fn new(name: &str, settings: &TrackersConfig, env: &Env) -> Result<Client, TrackerError> {
        let config = settings
            .trackers
            .get(name)
            .ok_or_else(|| TrackerError::Setup(format!("no [trackers.{name}] in pirt.toml")))?
            .clone();
        let base = config.base();
        check_tracker_url(&base)
            .map_err(|e| TrackerError::Setup(format!("[trackers.{name}] base_url: {e}")))?;
        let token_var = config.token_var().to_string();
        let token = env.var(&token_var).map(Secret).ok_or_else(|| {
            TrackerError::Setup(format!(
                "${token_var} is not set: [trackers.{name}] reads its token from it (token_env)"
            ))
        })?;
        let v3 = config.api_version.unwrap_or(3) == 3;
        let (api_root, auth) = match config.kind {
            TrackerKind::Github => (base.clone(), Auth::Bearer(token)),
            TrackerKind::Gitlab => (format!("{base}/api/v4"), Auth::PrivateToken(token)),
            TrackerKind::Jira if v3 => {
                let email_var = config.email_env.as_deref().unwrap_or("JIRA_EMAIL");
                let email = env.var(email_var).map(Secret).ok_or_else(|| {
                    TrackerError::Setup(format!(
                        "${email_var} is not set: Jira Cloud signs in with the account's e-mail address (email_env of [trackers.{name}]) and the API token in ${token_var}; for Data Center with a personal access token set api_version = 2"
                    ))
                })?;
                (format!("{base}/rest/api/3"), Auth::Basic { email, token })
            }
            TrackerKind::Jira => (format!("{base}/rest/api/2"), Auth::Bearer(token)),
        };
        let timeout = Duration::from_secs(settings.timeout_secs.max(1));
        let http = reqwest::Client::builder()
            .connect_timeout(timeout.min(Duration::from_secs(30)))
            .user_agent(crate::http::USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| TrackerError::Setup(format!("cannot start an HTTP client: {e}")))?;
        Ok(Client {
            http,
            name: name.to_string(),
            api_root,
            auth,
            token_var,
            timeout,
            retries: settings.retries,
            min_delay: crate::http::retry_min_delay(|n| env.var(n)),
            config,
        })
    }

    fn v3(&self) -> bool {
        self.config.api_version.unwrap_or(3) == 3
    }

    fn site(&self) -> String {
        self.config.base()
    }

    /// The issue `id` (number, iid or key).
    pub async fn fetch(&self, id: &str) -> Result<Issue, TrackerError> {
        let repo = &self.config.repo;
        let (call, what) = match self.config.kind {
            TrackerKind::Github => (github::fetch(repo, id), format!("{repo}#{id}")),
            TrackerKind::Gitlab => (gitlab::fetch(repo, id), format!("{repo}#{id}")),
            TrackerKind::Jira => (jira::fetch(id), id.to_string()),
        };
        let json = self.send(&call, Purpose::Read(what)).await?;
        self.read(&call, || match self.config.kind {
            TrackerKind::Github => github::issue(&json),
            TrackerKind::Gitlab => gitlab::issue(&json),
            TrackerKind::Jira => jira::issue(&json, &self.site()),
        })
    }

    /// The issues created last, where the tracker has a consistent list of them (GitHub:
    /// its search index lags); empty elsewhere.
    pub async fn recent(&self) -> Result<Vec<Issue>, TrackerError> {
        if self.config.kind != TrackerKind::Github {
            return Ok(Vec::new());
        }
        let call = github::recent(&self.config.repo);
        let json = self.send(&call, Purpose::Search).await?;
        self.read(&call, || github::issues(&json))
    }

    /// An issue carrying `marker`: among `recent`, else by the tracker's search.
    pub async fn find(
        &self,
        marker: &str,
        recent: &[Issue],
    ) -> Result<Option<Issue>, TrackerError> {
        if let Some(found) = recent.iter().find(|i| has_marker(&i.body, marker)) {
            return Ok(Some(found.clone()));
        }
        let repo = &self.config.repo;
        let call = match self.config.kind {
            TrackerKind::Github => github::search(repo, marker),
            TrackerKind::Gitlab => gitlab::search(repo, marker),
            TrackerKind::Jira => jira::search(repo, self.v3(), marker),
        };
        let json = self.send(&call, Purpose::Search).await?;
        let found = self.read(&call, || match self.config.kind {
            TrackerKind::Github => github::issues(&json),
            TrackerKind::Gitlab => gitlab::issues(&json),
            TrackerKind::Jira => jira::issues(&json, &self.site()),
        })?;
        // Search matches words; only an issue holding the exact marker is the item's.
        Ok(found.into_iter().find(|i| has_marker(&i.body, marker)))
    }

    /// Creates the issue, unless one with its marker turns up first. A create whose answer
    /// was lost (a time-out, a 5xx) may have happened: before it is sent again, the marker
    /// is looked for once more. Returns the issue and whether it was found (adopted).
    pub async fn create(
        &self,
        new: &NewIssue,
        recent: &[Issue],
    ) -> Result<(Issue, bool), TrackerError> {
        if let Some(found) = self.find(&new.marker, recent).await? {
            return Ok((found, true));
        }
        let call = self.create_call(new).await?;
        let mut attempts = 0;
        let mut waits = crate::http::backoff(self.min_delay, self.retries).build();
        loop {
            attempts += 1;
            match self.send_once(&call, &Purpose::Create).await {
                Ok(json) => return self.created(&call, &json, new).map(|i| (i, false)),
                Err(error) if error.retryable() => {
                    let Some(wait) = adjust_wait(waits.next(), error.retry_after()) else {
                        return Err(gave_up(error, attempts));
                    };
                    tokio::time::sleep(wait).await;
                    if let Some(found) = self.find(&new.marker, &self.recent().await?).await? {
                        return Ok((found, true));
                    }
                }
                Err(error) => return Err(gave_up(error, attempts)),
            }
        }
    }

    async fn create_call(&self, new: &NewIssue) -> Result<Call, TrackerError> {
        let repo = &self.config.repo;
        Ok(match self.config.kind {
            TrackerKind::Github => github::create(repo, new),
            TrackerKind::Gitlab => {
                let id = match &new.assignee {
                    Some(a) if a.bytes().all(|b| b.is_ascii_digit()) => a.parse().ok(),
                    Some(username) => {
                        let call = gitlab::user(username);
                        let json = self.send(&call, Purpose::Search).await?;
                        gitlab::user_id(&json)
                    }
                    None => None,
                };
                gitlab::create(repo, new, id)
            }
            TrackerKind::Jira => jira::create(
                repo,
                self.config.issue_type.as_deref().unwrap_or("Task"),
                self.v3(),
                new,
            ),
        })
    }

    fn created(&self, call: &Call, json: &Value, new: &NewIssue) -> Result<Issue, TrackerError> {
        self.read(call, || match self.config.kind {
            TrackerKind::Github => github::issue(json),
            TrackerKind::Gitlab => gitlab::issue(json),
            TrackerKind::Jira => jira::created_key(json).map(|key| Issue {
                url: format!("{}/browse/{key}", self.site()),
                id: key,
                state: super::IssueState::Open,
                assignees: new.assignee.iter().cloned().collect(),
                due: new.due,
                body: new.body.clone(),
            }),
        })
    }

    fn read<T>(
        &self,
        call: &Call,
        parse: impl FnOnce() -> Result<T, String>,
    ) -> Result<T, TrackerError> {
        parse().map_err(|detail| TrackerError::Malformed {
            url: self.shown(call),
            detail,
        })
    }

    /// The URL of a call as errors show it (no credentials, no query).
    fn shown(&self, call: &Call) -> String {
        hide_credentials(&format!("{}{}", self.api_root, call.path))
    }

    /// A request with its retries (reads only: a create retries in [`Client::create`]).
    async fn send(&self, call: &Call, purpose: Purpose) -> Result<Value, TrackerError> {
        let attempts = std::sync::atomic::AtomicUsize::new(0);
        let result = (|| async {
            attempts.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.send_once(call, &purpose).await
        })
        .retry(crate::http::backoff(self.min_delay, self.retries))
        .when(TrackerError::retryable)
        .adjust(|error, wait| adjust_wait(wait, error.retry_after()))
        .await;
        result.map_err(|e| gave_up(e, attempts.into_inner()))
    }

    async fn send_once(&self, call: &Call, purpose: &Purpose) -> Result<Value, TrackerError> {
        let url = format!("{}{}", self.api_root, call.target());
        let shown = self.shown(call);
        let mut request = if call.post {
            self.http.post(&url)
        } else {
            self.http.get(&url)
        };
        request = match self.config.kind {
            TrackerKind::Github => request
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28"),
            _ => request.header("Accept", "application/json"),
        };
        request = match &self.auth {
            Auth::Bearer(token) => request.bearer_auth(&token.0),
            Auth::PrivateToken(token) => request.header("PRIVATE-TOKEN", &token.0),
            Auth::Basic { email, token } => request.basic_auth(&email.0, Some(&token.0)),
        };
        if let Some(body) = &call.body {
            request = request
                .header("Content-Type", "application/json")
                .body(serde_json::to_vec(body).unwrap_or_default());
        }
        let timeout = self.timeout;
        let timed_out = || TrackerError::Timeout {
            url: shown.clone(),
            secs: timeout.as_secs(),
        };
        let response = tokio::time::timeout(timeout, request.send())
            .await
            .map_err(|_| timed_out())?
            .map_err(|e| {
                if e.is_timeout() {
                    timed_out()
                } else {
                    TrackerError::Connect {
                        url: shown.clone(),
                        detail: error_chain(&e),
                    }
                }
            })?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let too_big = || TrackerError::Malformed {
            url: shown.clone(),
            detail: format!("the answer is larger than {} MB", MAX_BODY >> 20),
        };
        if response
            .content_length()
            .is_some_and(|n| n > MAX_BODY as u64)
        {
            return Err(too_big());
        }
        let read_all = async {
            let mut response = response;
            let mut bytes: Vec<u8> = Vec::new();
            while let Some(chunk) = response.chunk().await? {
                bytes.extend_from_slice(&chunk);
                if bytes.len() > MAX_BODY {
                    return Ok(None);
                }
            }
            Ok(Some(bytes))
        };
        let bytes = tokio::time::timeout(timeout, read_all)
            .await
            .map_err(|_| timed_out())?
            .map_err(|e: reqwest::Error| TrackerError::Connect {
                url: shown.clone(),
                detail: error_chain(&e),
            })?
            .ok_or_else(too_big)?;
        if (300..400).contains(&status) {
            let to = headers
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map_or_else(|| "no Location".to_string(), hide_credentials);
            return Err(TrackerError::Status {
                url: shown,
                status,
                message: format!(
                    "moved to {to} (pirt does not follow redirects with a token; fix base_url or tracker:)"
                ),
                retry_after: None,
            });
        }
        if (200..300).contains(&status) {
            return serde_json::from_slice(&bytes).map_err(|e| TrackerError::Malformed {
                url: shown.clone(),
                detail: format!("the body is not JSON ({e})"),
            });
        }
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let message = error_message(&String::from_utf8_lossy(&bytes));
        let retry_after = header("retry-after")
            .and_then(parse_retry_after)
            .or_else(|| {
                // GitHub: `x-ratelimit-remaining: 0` and the reset time in epoch seconds.
                (header("x-ratelimit-remaining") == Some("0"))
                    .then(|| header("x-ratelimit-reset")?.trim().parse::<i64>().ok())
                    .flatten()
                    .map(|reset| {
                        let wait = reset - chrono::Utc::now().timestamp();
                        Duration::from_secs(wait.max(0) as u64 + 1)
                    })
            });
        let host = reqwest::Url::parse(&url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        let rate_limited = status == 429
            || (status == 403
                && (retry_after.is_some() || message.to_lowercase().contains("rate limit")));
        let repo = self.config.repo.clone();
        let env = self.token_var.clone();
        Err(match status {
            _ if rate_limited => TrackerError::RateLimited { host, retry_after },
            401 => TrackerError::Unauthorized { host, env, message },
            403 => TrackerError::Forbidden {
                env,
                action: match purpose {
                    Purpose::Create => "create issues in",
                    _ => "read",
                },
                repo,
                message,
            },
            404 => TrackerError::NotFound {
                what: match purpose {
                    Purpose::Read(what) => what.clone(),
                    _ => repo.clone(),
                },
                env,
                repo,
            },
            _ => TrackerError::Status {
                url: shown,
                status,
                message,
                retry_after,
            },
        })
    }
}

fn gave_up(error: TrackerError, attempts: usize) -> TrackerError {
    if attempts > 1 {
        TrackerError::GaveUp {
            error: Box::new(error),
            attempts,
        }
    } else {
        error
    }
}
