//! `pirt lsp`: a language server over stdio for review and problem files.
//!
//! Built on lsp-server's message types (rust-analyzer's, synchronous) with a reader of its
//! own ([`transport`]) that answers a malformed message instead of ending the connection.
//! One thread reads frames; the main loop owns every document and the corpus index,
//! answers requests at once, and publishes diagnostics once a document has been still for
//! [`DEBOUNCE`] (at once when it is opened or saved). Checking is `check::check_text`, what
//! `pirt check - --stdin-filename PATH` runs, against the index of the configured folders.

mod actions;
mod complete;
mod diagnostics;
pub mod features;
pub mod text;
pub mod transport;
mod uri;

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::Uri;

use crate::check;
use crate::config::Config;
use crate::corpus::files::text_id;
use crate::corpus::{Index, Need};
use crate::env::Env;
use text::{Encoding, Lines};
use transport::Frame;

pub use diagnostics::Finding;
pub use uri::{path_to_uri, uri_to_path};

/// How long a document must be still after a change before it is checked.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// How a session ended: after `shutdown` then `exit` (0), or otherwise (1).
pub fn serve<R, W>(input: R, output: W, env: &Env) -> anyhow::Result<bool>
where
    R: BufRead + Send + 'static,
    W: Write,
{
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("pirt-lsp-reader".into())
        .spawn(move || {
            let mut input = input;
            // An I/O error or the end of input ends the session.
            while let Ok(Some(frame)) = transport::read_frame(&mut input) {
                if tx.send(frame).is_err() {
                    break;
                }
            }
        })?;
    let mut server = Server::new(output, env.clone());
    loop {
        let frame = match server.next_deadline() {
            Some(at) => match rx.recv_timeout(at.saturating_duration_since(Instant::now())) {
                Ok(frame) => Some(frame),
                Err(mpsc::RecvTimeoutError::Timeout) => None,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(false),
            },
            None => match rx.recv() {
                Ok(frame) => Some(frame),
                Err(_) => return Ok(false),
            },
        };
        if let Some(frame) = frame {
            match frame {
                Frame::Message(message) => {
                    if let Some(clean) = server.handle(message)? {
                        return Ok(clean);
                    }
                }
                Frame::Malformed { code, message, id } => {
                    server.write_raw(&transport::error_response(code, &message, id))?;
                }
            }
        }
        server.publish_due()?;
    }
}

/// An open document.
pub struct Doc {
    pub uri: Uri,
    pub path: PathBuf,
    pub text: String,
    pub version: i32,
}

/// What the server knows: the workspace's config and index, and the open documents.
pub struct Server<W> {
    out: W,
    env: Env,
    pub encoding: Encoding,
    root: PathBuf,
    pub config: Config,
    index: Option<Index>,
    pub docs: HashMap<String, Doc>,
    /// Documents to check, and when.
    due: HashMap<String, Instant>,
    /// Documents that were given diagnostics (cleared when they stop being served).
    published: std::collections::HashSet<String>,
    initialized: bool,
    shutdown: bool,
    /// The id each open document had when it was last checked.
    ids: HashMap<String, Option<String>>,
    /// The client can be asked to watch files (`client/registerCapability`).
    watch_dynamically: bool,
    next_id: i32,
}

/// An error answer: its JSON-RPC code and message.
pub type Reply = (ErrorCode, String);

pub fn invalid_params(e: serde_json::Error) -> Reply {
    (ErrorCode::InvalidParams, e.to_string())
}

impl<W: Write> Server<W> {
    fn new(out: W, env: Env) -> Self {
        let root = env.cwd.clone();
        Server {
            out,
            config: Config {
                root: root.clone(),
                ..Config::default()
            },
            env,
            encoding: Encoding::Utf16,
            root,
            index: None,
            docs: HashMap::new(),
            due: HashMap::new(),
            published: Default::default(),
            initialized: false,
            shutdown: false,
            watch_dynamically: false,
            ids: HashMap::new(),
            next_id: 0,
        }
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.due.values().min().copied()
    }

    fn write_raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.out.write_all(bytes)?;
        self.out.flush()
    }

    fn send(&mut self, message: Message) -> std::io::Result<()> {
        message.write(&mut self.out)?;
        self.out.flush()
    }

    fn notify(&mut self, method: &str, params: impl serde::Serialize) -> std::io::Result<()> {
        self.send(Notification::new(method.into(), params).into())
    }

    fn show(&mut self, kind: lsp_types::MessageType, text: String) -> std::io::Result<()> {
        self.notify(
            "window/showMessage",
            lsp_types::ShowMessageParams {
                typ: kind,
                message: text,
            },
        )
    }

    /// One message; `Some(clean)` when the session ends.
    fn handle(&mut self, message: Message) -> std::io::Result<Option<bool>> {
        match message {
            Message::Request(request) => self.request(request)?,
            Message::Notification(n) if n.method == "exit" => return Ok(Some(self.shutdown)),
            Message::Notification(n) => self.notification(n)?,
            // Answers to the server's own requests (registerCapability): nothing to do.
            Message::Response(_) => {}
        }
        Ok(None)
    }

    fn request(&mut self, request: Request) -> std::io::Result<()> {
        let id = request.id.clone();
        let reply = if request.method == "initialize" {
            self.initialize(request.params)
        } else if !self.initialized {
            Err((
                ErrorCode::ServerNotInitialized,
                "initialize first".to_string(),
            ))
        } else if self.shutdown {
            Err((ErrorCode::InvalidRequest, "the server is shut down".into()))
        } else if request.method == "shutdown" {
            self.shutdown = true;
            Ok(serde_json::Value::Null)
        } else {
            features::answer(self, &request.method, request.params)
        };
        let response = match reply {
            Ok(value) => Response {
                id,
                response_result: Ok(value),
            },
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(response.into())
    }

    fn initialize(&mut self, params: serde_json::Value) -> Result<serde_json::Value, Reply> {
        let params: lsp_types::InitializeParams =
            serde_json::from_value(params).map_err(invalid_params)?;
        self.encoding = Encoding::negotiate(
            params
                .capabilities
                .general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        );
        #[allow(deprecated)]
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| &f.uri)
            .or(params.root_uri.as_ref())
            .and_then(uri_to_path);
        if let Some(root) = root {
            self.root = root;
        }
        self.watch_dynamically = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files)
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        self.initialized = true;
        let result = lsp_types::InitializeResult {
            capabilities: features::capabilities(self.encoding),
            server_info: Some(lsp_types::ServerInfo {
                name: "pirt".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        };
        serde_json::to_value(result).map_err(|e| (ErrorCode::InternalError, e.to_string()))
    }
}

impl<W: Write> Server<W> {
    fn notification(&mut self, n: Notification) -> std::io::Result<()> {
        use lsp_types::notification::{self as note, Notification as _};
        if !self.initialized {
            return Ok(());
        }
        match n.method.as_str() {
            note::Initialized::METHOD => {
                self.load_config()?;
                self.register_watchers()?;
            }
            note::DidOpenTextDocument::METHOD => {
                let Some(p) = self.params::<lsp_types::DidOpenTextDocumentParams>(&n)? else {
                    return Ok(());
                };
                let doc = p.text_document;
                let key = doc.uri.as_str().to_string();
                let Some(path) = uri_to_path(&doc.uri) else {
                    return Ok(());
                };
                self.docs.insert(
                    key.clone(),
                    Doc {
                        uri: doc.uri,
                        path,
                        text: doc.text,
                        version: doc.version,
                    },
                );
                self.due.insert(key, Instant::now());
            }
            note::DidChangeTextDocument::METHOD => {
                let Some(p) = self.params::<lsp_types::DidChangeTextDocumentParams>(&n)? else {
                    return Ok(());
                };
                let key = p.text_document.uri.as_str().to_string();
                let encoding = self.encoding;
                if let Some(doc) = self.docs.get_mut(&key) {
                    for change in &p.content_changes {
                        text::apply_change(&mut doc.text, change, encoding);
                    }
                    doc.version = p.text_document.version;
                    self.due.insert(key, Instant::now() + DEBOUNCE);
                }
            }
            note::DidSaveTextDocument::METHOD => {
                let Some(p) = self.params::<lsp_types::DidSaveTextDocumentParams>(&n)? else {
                    return Ok(());
                };
                // The file on disk changed: other files' cross-file findings may too.
                self.index = None;
                let key = p.text_document.uri.as_str().to_string();
                if let (Some(text), Some(doc)) = (p.text, self.docs.get_mut(&key)) {
                    doc.text = text;
                }
                self.recheck_all(Instant::now());
            }
            note::DidCloseTextDocument::METHOD => {
                let Some(p) = self.params::<lsp_types::DidCloseTextDocumentParams>(&n)? else {
                    return Ok(());
                };
                let key = p.text_document.uri.as_str().to_string();
                self.docs.remove(&key);
                self.due.remove(&key);
                if self.ids.remove(&key).flatten().is_some() {
                    self.recheck_all(Instant::now());
                }
                if self.published.remove(&key) {
                    self.publish(p.text_document.uri, Vec::new(), None)?;
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                let Some(p) = self.params::<lsp_types::DidChangeWatchedFilesParams>(&n)? else {
                    return Ok(());
                };
                let config_changed = p.changes.iter().any(|c| {
                    uri_to_path(&c.uri)
                        .is_some_and(|path| path.file_name().is_some_and(|n| n == "pirt.toml"))
                });
                if config_changed {
                    self.load_config()?;
                }
                self.index = None;
                self.recheck_all(Instant::now() + DEBOUNCE);
            }
            note::DidChangeConfiguration::METHOD => {
                self.load_config()?;
                self.recheck_all(Instant::now());
            }
            _ => {}
        }
        Ok(())
    }

    /// A notification's parameters; wrong ones are logged to the client and ignored.
    fn params<P: serde::de::DeserializeOwned>(
        &mut self,
        n: &Notification,
    ) -> std::io::Result<Option<P>> {
        match serde_json::from_value(n.params.clone()) {
            Ok(p) => Ok(Some(p)),
            Err(e) => {
                self.notify(
                    "window/logMessage",
                    lsp_types::LogMessageParams {
                        typ: lsp_types::MessageType::WARNING,
                        message: format!("pirt: {} ignored: {e}", n.method),
                    },
                )?;
                Ok(None)
            }
        }
    }

    /// Asks the client to tell the server about changes to review files and pirt.toml
    /// made outside the editor.
    fn register_watchers(&mut self) -> std::io::Result<()> {
        if !self.watch_dynamically {
            return Ok(());
        }
        let watchers = ["**/*.md", "**/pirt.toml"]
            .into_iter()
            .map(|glob| lsp_types::FileSystemWatcher {
                glob_pattern: lsp_types::GlobPattern::String(glob.into()),
                kind: None,
            })
            .collect();
        let options = lsp_types::DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = lsp_types::RegistrationParams {
            registrations: vec![lsp_types::Registration {
                id: "pirt-watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.next_id += 1;
        let id = RequestId::from(format!("pirt-{}", self.next_id));
        self.send(Request::new(id, "client/registerCapability".into(), params).into())
    }

    /// The config as the CLI finds it: `PIRT_CONFIG`, else pirt.toml in the workspace
    /// folder or above it. A broken one is reported and the built-in defaults serve.
    fn load_config(&mut self) -> std::io::Result<()> {
        let found = Config::discover(None, self.env.config_path.as_deref(), &self.root);
        self.index = None;
        match found {
            Ok(config) => self.config = config,
            Err(e) => {
                self.config = Config {
                    root: self.root.clone(),
                    ..Config::default()
                };
                self.show(
                    lsp_types::MessageType::ERROR,
                    format!("pirt: {e:#}; using the built-in defaults"),
                )?;
            }
        }
        self.recheck_all(Instant::now());
        Ok(())
    }

    fn recheck_all(&mut self, at: Instant) {
        for key in self.docs.keys() {
            self.due.insert(key.clone(), at);
        }
    }

    /// The index of the configured folders, opened when first needed after a change.
    pub fn index(&mut self) -> &Index {
        self.index
            .get_or_insert_with(|| Index::open(&self.config, Need::Facts))
    }

    fn publish_due(&mut self) -> std::io::Result<()> {
        let now = Instant::now();
        let ready: Vec<String> = self
            .due
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for key in ready {
            self.due.remove(&key);
            let Some((uri, version, diagnostics)) = self.diagnose(&key) else {
                continue;
            };
            if diagnostics.is_none() && !self.published.contains(&key) {
                continue;
            }
            // A document whose id changed may resolve (or break) the others' references.
            let id = self.docs.get(&key).and_then(|d| text_id(d.text.as_bytes()));
            if self.ids.get(&key) != Some(&id) {
                let first = !self.ids.contains_key(&key);
                self.ids.insert(key.clone(), id);
                if !first || self.docs.len() > 1 {
                    for other in self.docs.keys().filter(|k| **k != key) {
                        self.due.entry(other.clone()).or_insert(now);
                    }
                }
            }
            let list = diagnostics.unwrap_or_default();
            self.published.insert(key);
            self.publish(uri, list, Some(version))?;
        }
        Ok(())
    }

    fn publish(
        &mut self,
        uri: Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> std::io::Result<()> {
        self.notify(
            "textDocument/publishDiagnostics",
            lsp_types::PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            },
        )
    }

    /// The findings of `pirt check` on an open document (`None`: not a file pirt serves).
    fn diagnose(&mut self, key: &str) -> Option<(Uri, i32, Option<Vec<lsp_types::Diagnostic>>)> {
        let doc = self.docs.get(key)?;
        let (uri, version) = (doc.uri.clone(), doc.version);
        if !self.serves(&self.docs[key]) {
            return Some((uri, version, None));
        }
        let report = self.check(key)?;
        let doc = &self.docs[key];
        let lines = Lines::new(&doc.text, self.encoding);
        let list = report
            .diagnostics
            .iter()
            .map(|d| diagnostics::to_lsp(d, &doc.text, &lines))
            .collect();
        Some((uri, version, Some(list)))
    }

    /// `pirt check` of an open document, as `pirt check - --stdin-filename PATH`.
    pub fn check(&mut self, key: &str) -> Option<check::Report> {
        let zone = self.config.zone;
        let run = check::Run {
            today: self.env.today(zone).ok()?,
            now: self.env.check_now(zone).ok()?,
            as_status: None,
        };
        self.index();
        let doc = self.docs.get(key)?;
        // Open documents count as they are: an id held by another open buffer (not yet
        // saved) is no dangling reference, and one it shares with this one is a duplicate.
        let open: Vec<check::OpenFile> = self
            .docs
            .iter()
            .filter(|(k, d)| k.as_str() != key && d.path != doc.path && self.serves(d))
            .map(|(_, d)| check::OpenFile {
                kind: check::kind_of(&self.config, &d.path),
                id: text_id(d.text.as_bytes()),
                path: d.path.clone(),
            })
            .collect();
        let report = check::check_text_among(
            &self.config,
            &doc.path,
            doc.text.as_bytes(),
            run,
            self.index.as_ref(),
            &open,
        );
        Some(report)
    }

    /// Whether pirt has something to say about a document: a Markdown file in the
    /// configured folders, or one whose front matter reads as a review or problem record.
    pub fn serves(&self, doc: &Doc) -> bool {
        if doc.path.extension().is_none_or(|e| e != "md") {
            return false;
        }
        let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let path = abs(&doc.path);
        if path.starts_with(abs(&self.config.reviews_dir()))
            || path.starts_with(abs(&self.config.problems_dir()))
        {
            return true;
        }
        looks_like_record(&doc.text)
    }
}

/// Front matter with an `id:` and one of the keys every review or problem record has.
fn looks_like_record(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return false;
    }
    let mut id = false;
    let mut other = false;
    for line in lines.take(400) {
        if matches!(line.trim_end(), "---" | "...") {
            break;
        }
        id |= line.starts_with("id:");
        other |= ["severity:", "status:", "started_at:", "title:"]
            .iter()
            .any(|k| line.starts_with(k));
    }
    id && other
}
