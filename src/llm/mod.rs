//! Talking to a language model: settings (flag > environment > pirt.toml > default), the
//! two wire formats (OpenAI Chat Completions, Anthropic Messages), streaming, retries.
//!
//! Retries happen only before an answer starts to arrive: once text has been shown, a broken
//! stream is an error, never a silent second answer glued to the first.

mod anthropic;
mod openai;

use std::sync::Arc;
use std::time::Duration;

use backon::Retryable;
use eventsource_stream::Eventsource;
use futures_util::StreamExt;

use crate::config::LlmConfig;
use crate::http::{error_chain, error_message, hide_credentials, parse_retry_after};

pub const OPENAI_URL: &str = "https://api.openai.com/v1";
pub const ANTHROPIC_URL: &str = "https://api.anthropic.com";

/// The wire format a server speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    OpenAi,
    Anthropic,
}

impl Provider {
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "openai" => Some(Provider::OpenAi),
            "anthropic" => Some(Provider::Anthropic),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Provider::OpenAi => "openai",
            Provider::Anthropic => "anthropic",
        }
    }

    fn default_url(self) -> &'static str {
        match self {
            Provider::OpenAi => OPENAI_URL,
            Provider::Anthropic => ANTHROPIC_URL,
        }
    }

    fn default_key_env(self) -> &'static str {
        match self {
            Provider::OpenAi => "OPENAI_API_KEY",
            Provider::Anthropic => "ANTHROPIC_API_KEY",
        }
    }
}

/// How JSON answers are asked for from an OpenAI-style server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Structured {
    JsonSchema,
    JsonObject,
    Prompt,
}

impl Structured {
    /// The value of `[llm] structured_output` that selects this mode.
    pub fn name(self) -> &'static str {
        match self {
            Structured::JsonSchema => "json_schema",
            Structured::JsonObject => "json_object",
            Structured::Prompt => "prompt",
        }
    }
}

/// Why a server may answer with nothing, given what is configured.
fn empty_causes(concurrency: usize) -> String {
    let others = "the model may have ended its answer at once (try another model), the prompt may be longer than the server's context window (llama.cpp: --n_ctx), or a proxy dropped the body";
    if concurrency > 1 {
        format!(
            "[llm] concurrency is {concurrency}: a server that runs one request at a time, such as llama-cpp-python, cuts off concurrent ones, so try concurrency = 1; or {others}"
        )
    } else {
        format!("[llm] concurrency is already 1, so it is not a cut-off parallel request; {others}")
    }
}

/// An API key. It is never printed: `Debug` shows only that there is one.
#[derive(Clone)]
pub struct ApiKey(String);

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(..)")
    }
}

/// Values from the command line that override the config and the environment.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub provider: Option<String>,
    pub model: Option<String>,
}

/// Everything needed to reach the model, resolved from flags, environment and config.
#[derive(Clone, Debug)]
pub struct Settings {
    pub provider: Provider,
    /// Without a trailing slash.
    pub base_url: String,
    /// True when the base URL is the provider's public default (a key is then required).
    pub default_url: bool,
    pub model: Option<String>,
    pub api_key_env: String,
    key: Option<ApiKey>,
    pub timeout: Duration,
    pub retries: u32,
    pub concurrency: usize,
    pub stream: bool,
    pub structured: Structured,
    /// The first backoff delay: `PIRT_RETRY_MIN_MS` (tests shorten it), else 500 ms.
    pub retry_min_delay: Duration,
}

impl Settings {
    /// Resolves the settings: flag > environment > pirt.toml > built-in default. `env`
    /// reads an environment variable (injected so tests need not touch the process's).
    pub fn resolve(
        config: &LlmConfig,
        flags: &Overrides,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Self> {
        let env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let (provider_name, from) = match (&flags.provider, env("PIRT_LLM_PROVIDER")) {
            (Some(p), _) => (p.clone(), "--provider"),
            (None, Some(p)) => (p, "PIRT_LLM_PROVIDER"),
            (None, None) => (config.provider.clone(), "[llm] provider"),
        };
        let provider = Provider::parse(&provider_name).ok_or_else(|| {
            anyhow::anyhow!(
                "unknown provider `{provider_name}` (from {from}); use openai (also for Ollama, llama.cpp, vLLM, LM Studio) or anthropic"
            )
        })?;
        let provider_env_url = match provider {
            Provider::OpenAi => env("OPENAI_BASE_URL"),
            Provider::Anthropic => env("ANTHROPIC_BASE_URL"),
        };
        let base_url = env("PIRT_LLM_BASE_URL")
            .or(provider_env_url)
            .or_else(|| config.base_url.clone());
        let default_url = base_url.is_none();
        let base_url = base_url
            .unwrap_or_else(|| provider.default_url().to_string())
            .trim()
            .trim_end_matches('/')
            .to_string();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            anyhow::bail!(
                "the LLM base URL `{}` must start with http:// or https://",
                hide_credentials(&base_url)
            );
        }
        let model = flags
            .model
            .clone()
            .filter(|m| !m.trim().is_empty())
            .or_else(|| env("PIRT_LLM_MODEL"))
            .or_else(|| config.model.clone())
            .map(|m| m.trim().to_string());
        let api_key_env = config
            .api_key_env
            .clone()
            .unwrap_or_else(|| provider.default_key_env().to_string());
        let key = env(&api_key_env).map(|k| ApiKey(k.trim().to_string()));
        let structured = match config.structured_output.as_str() {
            "json_object" => Structured::JsonObject,
            "prompt" => Structured::Prompt,
            _ => Structured::JsonSchema,
        };
        Ok(Settings {
            provider,
            base_url,
            default_url,
            model,
            api_key_env,
            key,
            timeout: Duration::from_secs(config.timeout_secs.max(1)),
            retries: config.retries,
            concurrency: config.concurrency.max(1),
            stream: config.stream,
            structured,
            retry_min_delay: crate::http::retry_min_delay(env),
        })
    }

    /// The URL requests are posted to.
    pub fn endpoint(&self) -> String {
        match self.provider {
            Provider::OpenAi => format!("{}/chat/completions", self.base_url),
            Provider::Anthropic => format!("{}/v1/messages", self.base_url),
        }
    }

    /// The endpoint for messages: credentials in the URL are hidden.
    pub fn shown_endpoint(&self) -> String {
        hide_credentials(&self.endpoint())
    }

    /// The model name, or what to set when there is none.
    pub fn require_model(&self) -> Result<&str, LlmError> {
        self.model.as_deref().ok_or_else(|| {
            LlmError::Setup(format!(
                "no model is set: pass --model NAME, set PIRT_LLM_MODEL, or add `model = \"...\"` under [llm] in pirt.toml (provider {}, {})",
                self.provider.name(),
                hide_credentials(&self.base_url)
            ))
        })
    }

    /// Checks that a request can be sent: a model, and a key where the server needs one.
    pub fn ready(&self) -> Result<(), LlmError> {
        self.require_model()?;
        if self.key.is_none() && self.default_url {
            return Err(LlmError::Setup(format!(
                "{var} is not set: export {var}=... with your {provider} API key, or set [llm] base_url (or PIRT_LLM_BASE_URL) to a server that needs no key, such as Ollama at http://localhost:11434/v1",
                var = self.api_key_env,
                provider = self.provider.name()
            )));
        }
        Ok(())
    }

    /// The JSON body of a request, exactly as it is sent.
    pub fn body(&self, request: &Request) -> serde_json::Value {
        self.body_with(request, self.structured)
    }

    fn body_with(&self, request: &Request, structured: Structured) -> serde_json::Value {
        let model = request
            .model
            .as_deref()
            .or(self.model.as_deref())
            .unwrap_or("(no model set)");
        match self.provider {
            Provider::OpenAi => openai::body(self, model, request, structured),
            Provider::Anthropic => anthropic::body(self, model, request),
        }
    }
}

/// One prompt, ready to send.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub system: Option<String>,
    pub user: String,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
    /// Ask for JSON matching this schema (where the provider supports it).
    pub json_schema: Option<serde_json::Value>,
    /// Overrides the configured model for this prompt (a prompt file's `model:`).
    pub model: Option<String>,
}

/// A complete answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub text: String,
    /// The model that answered, as the server names it (else the one asked for).
    pub model: String,
    /// The answer stopped at the token limit.
    pub truncated: bool,
}

/// What went wrong, in words that say what to do.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("{0}")]
    Setup(String),
    #[error("cannot connect to {url}: {detail}")]
    Connect { url: String, detail: String },
    #[error("{url} did not answer within {secs} s (raise [llm] timeout_secs if the model is slow)")]
    Timeout { url: String, secs: u64 },
    #[error("{url} refused the request (HTTP {status}): {message}; check the key in ${env}")]
    Auth {
        url: String,
        status: u16,
        message: String,
        env: String,
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
    #[error("the answer from {url} broke off after {chars} characters: {detail}")]
    StreamCut {
        url: String,
        chars: usize,
        detail: String,
    },
    #[error("{url} sent an empty answer ({})", empty_causes(*concurrency))]
    Empty { url: String, concurrency: usize },
    #[error("{error} (gave up after {attempts} attempts)")]
    GaveUp {
        error: Box<LlmError>,
        attempts: usize,
    },
}

impl LlmError {
    /// Errors that may pass: the network, time-outs, 408, 409, 429 and 5xx.
    pub fn retryable(&self) -> bool {
        match self {
            LlmError::Connect { .. } | LlmError::Timeout { .. } => true,
            LlmError::Status { status, .. } => {
                matches!(status, 408 | 409 | 429) || (500..600).contains(status)
            }
            _ => false,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            LlmError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// What the caller sees while an answer arrives.
pub trait Progress: Send + Sync {
    /// A piece of the answer (already in order).
    fn text(&self, piece: &str);
    /// An attempt failed and another follows after `wait`.
    fn retry(&self, error: &LlmError, wait: Duration);
    /// Something the user should know that is not an error.
    fn note(&self, message: &str);
    /// The request is about to be sent (it waited for its turn until now).
    fn started(&self) {}
    /// The answer is complete, or the request failed for good.
    fn finished(&self, _result: &Result<Answer, LlmError>) {}
}

/// One request's result and how long it took, in seconds.
pub struct Completed {
    pub result: Result<Answer, LlmError>,
    pub seconds: f64,
}

/// Sends every request, at most `concurrency` at a time, on one thread; `progress(i)`
/// follows request `i`. The results come back in the order of `requests`.
pub fn complete_all<P: Progress>(
    client: &Client,
    requests: &[&Request],
    concurrency: usize,
    progress: impl Fn(usize) -> P,
) -> anyhow::Result<Vec<Completed>> {
    use anyhow::Context as _;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the network runtime")?;
    let semaphore = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let progress = &progress;
    let tasks = requests.iter().enumerate().map(|(i, request)| {
        let semaphore = semaphore.clone();
        async move {
            let _permit = semaphore
                .acquire()
                .await
                .expect("semaphore is never closed");
            let progress = progress(i);
            progress.started();
            let start = std::time::Instant::now();
            let result = client.complete(request, &progress).await;
            progress.finished(&result);
            Completed {
                result,
                seconds: start.elapsed().as_secs_f64(),
            }
        }
    });
    Ok(runtime.block_on(futures_util::future::join_all(tasks)))
}

/// True for an error that says the server does not take the `response_format` sent.
fn rejects_json_mode(error: &LlmError) -> bool {
    let error = match error {
        LlmError::GaveUp { error, .. } => error,
        other => other,
    };
    match error {
        LlmError::Status {
            status: 400 | 422 | 500,
            message,
            ..
        } => {
            let m = message.to_ascii_lowercase();
            m.contains("response_format") || m.contains("json_schema") || m.contains("json mode")
        }
        _ => false,
    }
}

/// An HTTP client for one provider.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    settings: Arc<Settings>,
    /// First backoff delay (shortened in tests).
    min_delay: Duration,
}

impl Client {
    pub fn new(settings: Settings) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(settings.timeout.min(Duration::from_secs(30)))
            .user_agent(crate::http::USER_AGENT)
            .build()?;
        let min_delay = settings.retry_min_delay;
        Ok(Client {
            http,
            settings: Arc::new(settings),
            min_delay,
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Sends a request and returns the whole answer; pieces are passed to `progress` as
    /// they arrive.
    pub async fn complete(
        &self,
        request: &Request,
        progress: &dyn Progress,
    ) -> Result<Answer, LlmError> {
        self.settings.ready()?;
        let mut structured = self.settings.structured;
        let mut empty_answers = 0;
        loop {
            let body = self.settings.body_with(request, structured);
            match self.attempt(&body, progress).await {
                // Nothing was shown, so an empty answer may be asked for again.
                Err(error @ LlmError::Empty { .. }) if empty_answers < self.settings.retries => {
                    empty_answers += 1;
                    let base = self.min_delay * 2u32.pow(empty_answers.min(6));
                    // Jitter, so prompts that were cut off together do not collide again.
                    let nanos = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.subsec_nanos());
                    let wait = base + base.mul_f64(f64::from(nanos % 1000) / 1000.0);
                    progress.retry(&error, wait);
                    tokio::time::sleep(wait).await;
                }
                Err(error @ LlmError::Empty { .. }) if empty_answers > 0 => {
                    return Err(LlmError::GaveUp {
                        error: Box::new(error),
                        attempts: empty_answers as usize + 1,
                    });
                }
                // A server that rejects the JSON mode gets the next simpler one.
                Err(error)
                    if body.get("response_format").is_some() && rejects_json_mode(&error) =>
                {
                    let rejected = structured;
                    structured = match structured {
                        Structured::JsonSchema => Structured::JsonObject,
                        _ => Structured::Prompt,
                    };
                    // One line: the server's own error body (often a long traceback) says
                    // nothing the user can act on.
                    progress.note(&format!(
                        "the server does not take response_format {}; asking with {} instead (set [llm] structured_output = \"{}\" to skip the attempt)",
                        rejected.name(),
                        match structured {
                            Structured::JsonObject => "response_format json_object",
                            _ => "the JSON format described in the prompt only",
                        },
                        structured.name(),
                    ));
                }
                other => return other,
            }
        }
    }

    /// One request with its retries.
    async fn attempt(
        &self,
        body: &serde_json::Value,
        progress: &dyn Progress,
    ) -> Result<Answer, LlmError> {
        let has_json_mode = body.get("response_format").is_some();
        let attempts = std::sync::atomic::AtomicUsize::new(0);
        let backoff = crate::http::backoff(self.min_delay, self.settings.retries);
        let result = (|| async {
            attempts.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let response = self.send(body).await?;
            if self.settings.stream {
                Ok(Either::Stream(response))
            } else {
                // Nothing has been shown yet, so a failed read may be tried again.
                self.read_whole(response).await.map(Either::Whole)
            }
        })
        .retry(backoff)
        .when(|e| e.retryable() && !(has_json_mode && rejects_json_mode(e)))
        .adjust(|error, wait| crate::http::adjust_wait(wait, error.retry_after()))
        .notify(|error, wait| progress.retry(error, wait))
        .await;
        let attempts = attempts.into_inner();
        let outcome = match result {
            Ok(outcome) => outcome,
            Err(error) if attempts > 1 => {
                return Err(LlmError::GaveUp {
                    error: Box::new(error),
                    attempts,
                });
            }
            Err(error) => return Err(error),
        };
        let answer = match outcome {
            Either::Whole(answer) => {
                progress.text(&answer.text);
                answer
            }
            Either::Stream(response) => self.read_stream(response, progress).await?,
        };
        if answer.text.trim().is_empty() {
            return Err(LlmError::Empty {
                url: self.settings.shown_endpoint(),
                concurrency: self.settings.concurrency,
            });
        }
        Ok(answer)
    }

    /// Awaits a request or a body with the configured timeout; errors name the endpoint.
    async fn within<T>(
        &self,
        work: impl std::future::Future<Output = reqwest::Result<T>>,
    ) -> Result<T, LlmError> {
        let shown = self.settings.shown_endpoint();
        let timeout = self.settings.timeout;
        tokio::time::timeout(timeout, work)
            .await
            .map_err(|_| LlmError::Timeout {
                url: shown.clone(),
                secs: timeout.as_secs(),
            })?
            .map_err(|e| transport_error(&shown, timeout, &e))
    }

    async fn send(&self, body: &serde_json::Value) -> Result<reqwest::Response, LlmError> {
        let url = self.settings.endpoint();
        let shown = self.settings.shown_endpoint();
        let mut builder = self
            .http
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(serde_json::to_vec(body).unwrap_or_default());
        builder = match self.settings.provider {
            Provider::OpenAi => match &self.settings.key {
                Some(key) => builder.bearer_auth(&key.0),
                None => builder,
            },
            Provider::Anthropic => {
                let builder = builder.header("anthropic-version", "2023-06-01");
                match &self.settings.key {
                    Some(key) => builder.header("x-api-key", &key.0),
                    None => builder,
                }
            }
        };
        if self.settings.stream {
            builder = builder.header("accept", "text/event-stream");
        }
        let timeout = self.settings.timeout;
        let response = self.within(builder.send()).await?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let text = tokio::time::timeout(timeout, response.text())
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        let message = error_message(&text);
        let status = status.as_u16();
        if status == 401 || status == 403 {
            return Err(LlmError::Auth {
                url: shown,
                status,
                message,
                env: self.settings.api_key_env.clone(),
            });
        }
        Err(LlmError::Status {
            url: shown,
            status,
            message,
            retry_after,
        })
    }

    async fn read_whole(&self, response: reqwest::Response) -> Result<Answer, LlmError> {
        let shown = self.settings.shown_endpoint();
        let bytes = self.within(response.bytes()).await?;
        let json: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| LlmError::Malformed {
                url: shown.clone(),
                detail: format!("the body is not JSON ({e})"),
            })?;
        let parsed = match self.settings.provider {
            Provider::OpenAi => openai::whole(&json),
            Provider::Anthropic => anthropic::whole(&json),
        };
        let mut answer = parsed.map_err(|detail| LlmError::Malformed {
            url: shown.clone(),
            detail,
        })?;
        if answer.model.is_empty() {
            answer.model = self.requested_model();
        }
        Ok(answer)
    }

    async fn read_stream(
        &self,
        response: reqwest::Response,
        progress: &dyn Progress,
    ) -> Result<Answer, LlmError> {
        let shown = self.settings.shown_endpoint();
        let timeout = self.settings.timeout;
        let is_sse = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        if !is_sse {
            // Some servers ignore `stream: true`; take the whole answer instead.
            let answer = self.read_whole(response).await?;
            progress.text(&answer.text);
            return Ok(answer);
        }
        let mut answer = read_events(
            response.bytes_stream(),
            self.settings.provider,
            timeout,
            &shown,
            progress,
        )
        .await?;
        if answer.model.is_empty() {
            answer.model = self.requested_model();
        }
        Ok(answer)
    }

    fn requested_model(&self) -> String {
        self.settings.model.clone().unwrap_or_default()
    }
}

/// Reads server-sent events from a byte stream (split anywhere) into an answer. The stream
/// must end the way the provider ends a complete answer, else it was cut off.
pub async fn read_events<S, B, E>(
    bytes: S,
    provider: Provider,
    timeout: Duration,
    shown: &str,
    progress: &dyn Progress,
) -> Result<Answer, LlmError>
where
    S: futures_util::Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
    E: std::error::Error + 'static,
{
    let mut events = bytes.eventsource();
    let mut state = StreamState::new(provider);
    let cut = |state: &StreamState, detail: String| LlmError::StreamCut {
        url: shown.to_string(),
        chars: state.text.chars().count(),
        detail,
    };
    loop {
        let next = tokio::time::timeout(timeout, events.next())
            .await
            .map_err(|_| cut(&state, format!("no data for {} s", timeout.as_secs())))?;
        let Some(event) = next else { break };
        let event = event.map_err(|e| {
            let detail = match e {
                eventsource_stream::EventStreamError::Transport(e) => error_chain(&e),
                other => other.to_string(),
            };
            cut(&state, detail)
        })?;
        let piece =
            state
                .event(&event.event, &event.data)
                .map_err(|detail| LlmError::Malformed {
                    url: shown.to_string(),
                    detail,
                })?;
        if let Some(piece) = piece {
            progress.text(&piece);
        }
        if state.done {
            break;
        }
    }
    if !state.done {
        return Err(cut(
            &state,
            "the stream ended before the answer was complete".into(),
        ));
    }
    Ok(Answer {
        text: state.text,
        model: state.model.unwrap_or_default(),
        truncated: state.truncated,
    })
}

/// A response whose body is still to be read, or an answer read whole.
enum Either {
    Stream(reqwest::Response),
    Whole(Answer),
}

/// The answer assembled from stream events.
#[derive(Debug)]
pub struct StreamState {
    provider: Provider,
    pub text: String,
    pub model: Option<String>,
    pub done: bool,
    pub truncated: bool,
}

impl StreamState {
    pub fn new(provider: Provider) -> Self {
        StreamState {
            provider,
            text: String::new(),
            model: None,
            done: false,
            truncated: false,
        }
    }

    /// Takes one server-sent event; returns the new text it carried, if any.
    pub fn event(&mut self, name: &str, data: &str) -> Result<Option<String>, String> {
        let piece = match self.provider {
            Provider::OpenAi => openai::event(self, data)?,
            Provider::Anthropic => anthropic::event(self, name, data)?,
        };
        if let Some(piece) = &piece {
            self.text.push_str(piece);
        }
        Ok(piece.filter(|p| !p.is_empty()))
    }
}

fn transport_error(url: &str, timeout: Duration, error: &reqwest::Error) -> LlmError {
    if error.is_timeout() {
        return LlmError::Timeout {
            url: url.to_string(),
            secs: timeout.as_secs(),
        };
    }
    LlmError::Connect {
        url: url.to_string(),
        detail: error_chain(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(config: &LlmConfig, flags: &Overrides, vars: &[(&str, &str)]) -> Settings {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::resolve(config, flags, |name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
        .unwrap()
    }

    #[test]
    fn flags_beat_environment_beats_config() {
        let config = LlmConfig {
            model: Some("from-config".into()),
            base_url: Some("http://config:1/v1/".into()),
            ..LlmConfig::default()
        };
        let s = resolve(&config, &Overrides::default(), &[]);
        assert_eq!(s.model.as_deref(), Some("from-config"));
        assert_eq!(s.endpoint(), "http://config:1/v1/chat/completions");
        let env = [
            ("PIRT_LLM_MODEL", "from-env"),
            ("OPENAI_BASE_URL", "http://openai-env/v1"),
        ];
        let s = resolve(&config, &Overrides::default(), &env);
        assert_eq!(s.model.as_deref(), Some("from-env"));
        assert_eq!(s.base_url, "http://openai-env/v1");
        let env = [
            ("PIRT_LLM_BASE_URL", "http://pirt-env/v1"),
            ("OPENAI_BASE_URL", "http://openai-env/v1"),
        ];
        let flags = Overrides {
            model: Some("from-flag".into()),
            provider: Some("anthropic".into()),
        };
        let s = resolve(&config, &flags, &env);
        assert_eq!(s.model.as_deref(), Some("from-flag"));
        assert_eq!(s.provider, Provider::Anthropic);
        assert_eq!(s.endpoint(), "http://pirt-env/v1/v1/messages");
        assert_eq!(s.api_key_env, "ANTHROPIC_API_KEY");
    }

    #[test]
    fn a_missing_key_or_model_says_what_to_set() {
        let s = resolve(&LlmConfig::default(), &Overrides::default(), &[]);
        let e = s.ready().unwrap_err().to_string();
        assert!(e.contains("--model") && e.contains("PIRT_LLM_MODEL"), "{e}");
        let flags = Overrides {
            model: Some("m".into()),
            ..Overrides::default()
        };
        let e = resolve(&LlmConfig::default(), &flags, &[])
            .ready()
            .unwrap_err()
            .to_string();
        assert!(e.contains("OPENAI_API_KEY is not set"), "{e}");
        // A local server needs no key.
        let local = [("PIRT_LLM_BASE_URL", "http://127.0.0.1:8080/v1")];
        assert!(
            resolve(&LlmConfig::default(), &flags, &local)
                .ready()
                .is_ok()
        );
    }

    #[test]
    fn keys_never_show_in_debug_output() {
        let flags = Overrides {
            model: Some("m".into()),
            ..Overrides::default()
        };
        let s = resolve(
            &LlmConfig::default(),
            &flags,
            &[("OPENAI_API_KEY", "sk-test-SECRET-123")],
        );
        assert!(!format!("{s:?}").contains("SECRET"));
    }

    struct Quiet;
    impl Progress for Quiet {
        fn text(&self, _: &str) {}
        fn retry(&self, _: &LlmError, _: Duration) {}
        fn note(&self, _: &str) {}
    }

    /// Feeds `body` to the SSE reader in the given pieces.
    fn read(provider: Provider, body: &[u8], cuts: &[usize]) -> Result<Answer, LlmError> {
        let mut pieces = Vec::new();
        let mut start = 0;
        for &cut in cuts.iter().chain(std::iter::once(&body.len())) {
            pieces.push(Ok::<_, std::io::Error>(body[start..cut].to_vec()));
            start = cut;
        }
        thread_local! {
            static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .unwrap();
        }
        RUNTIME.with(|runtime| {
            runtime.block_on(read_events(
                futures_util::stream::iter(pieces),
                provider,
                Duration::from_secs(5),
                "mock",
                &Quiet,
            ))
        })
    }

    const OPENAI_SSE: &[u8] = include_bytes!("../../tests/fixtures/llm/openai-stream.sse");
    const ANTHROPIC_SSE: &[u8] = include_bytes!("../../tests/fixtures/llm/anthropic-stream.sse");

    /// The recorded streams give the same answer however the bytes are split: at every
    /// single byte boundary, and one byte at a time.
    #[test]
    fn sse_split_at_every_byte_boundary_gives_the_same_answer() {
        for (provider, body) in [
            (Provider::OpenAi, OPENAI_SSE),
            (Provider::Anthropic, ANTHROPIC_SSE),
        ] {
            let whole = read(provider, body, &[]).unwrap();
            assert!(whole.text.len() > 20, "{provider:?}: {}", whole.text);
            assert_eq!(whole.model, "smollm2");
            for cut in 1..body.len() {
                let split = read(provider, body, &[cut]).unwrap();
                assert_eq!(split, whole, "{provider:?} split at byte {cut}");
            }
            let bytes: Vec<usize> = (1..body.len()).collect();
            assert_eq!(read(provider, body, &bytes).unwrap(), whole);
        }
    }

    #[test]
    fn a_stream_cut_before_its_end_is_an_error_at_every_point() {
        for (provider, body) in [
            (Provider::OpenAi, OPENAI_SSE),
            (Provider::Anthropic, ANTHROPIC_SSE),
        ] {
            let end = match provider {
                Provider::OpenAi => "data: [DONE]",
                Provider::Anthropic => "event: message_stop",
            };
            let last = std::str::from_utf8(body).unwrap().rfind(end).unwrap();
            for cut in (0..last).step_by(97) {
                match read(provider, &body[..cut], &[]) {
                    Err(LlmError::StreamCut { .. }) => {}
                    other => panic!("{provider:?} cut at {cut}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn an_error_event_mid_stream_is_reported() {
        let body = b"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"m\"}}\n\nevent: ping\ndata: {\"type\": \"ping\"}\n\nevent: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n";
        let e = read(Provider::Anthropic, body, &[])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("overloaded_error") && e.contains("Overloaded"),
            "{e}"
        );
    }

    #[test]
    fn error_messages_come_from_the_body() {
        assert_eq!(
            error_message(r#"{"error":{"message":"Invalid API key","type":"x"}}"#),
            "Invalid API key"
        );
        assert_eq!(
            error_message("Bad Gateway\n  upstream"),
            "Bad Gateway upstream"
        );
        assert_eq!(error_message(""), "no message");
    }
}
