//! `pirt lsp`: the real binary spoken to over stdio, as an editor does.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{copy_dir, pirt};

const WAIT: Duration = Duration::from_secs(30);

/// An editor's side of the connection.
struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: mpsc::Receiver<Value>,
    /// Notifications seen while waiting for something else.
    notes: Vec<Value>,
    next_id: i64,
}

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

impl Client {
    fn start(dir: &Path) -> Client {
        let mut child = pirt(dir)
            .env("PIRT_TODAY", "2026-11-26")
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            notes: Vec::new(),
            next_id: 0,
        }
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, message: Value) {
        self.send_raw(&frame(&message.to_string()));
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn next(&mut self) -> Value {
        self.incoming
            .recv_timeout(WAIT)
            .expect("the server answers within 30 s")
    }

    /// Sends a request and waits for its response (the whole message).
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(json!(id))
    }

    fn response(&mut self, id: Value) -> Value {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            let message = self.next();
            if message.get("method").is_some() && message.get("id").is_some() {
                // A request of the server's (registerCapability): answer it.
                let id = message["id"].clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
            } else if message.get("id") == Some(&id) && message.get("method").is_none() {
                return message;
            } else {
                self.notes.push(message);
            }
        }
        panic!("no response to {id}");
    }

    fn initialize(&mut self, root: &Path, encodings: &[&str]) -> Value {
        let uri = uri(root);
        let response = self.call(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri,
                "workspaceFolders": [{"uri": uri, "name": "reviews"}],
                "capabilities": {
                    "general": {"positionEncodings": encodings},
                    "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
                },
            }),
        );
        self.notify("initialized", json!({}));
        response
    }

    fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "markdown", "version": 1, "text": text}}),
        );
    }

    /// The next diagnostics published for `path` (of `version`, when given).
    fn diagnostics(&mut self, path: &Path, version: Option<i64>) -> Vec<Value> {
        let uri = uri(path);
        let matches = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && version.is_none_or(|v| m["params"]["version"] == v)
        };
        if let Some(i) = self.notes.iter().position(matches) {
            let m = self.notes.remove(i);
            return m["params"]["diagnostics"].as_array().unwrap().clone();
        }
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            let m = self.next();
            if matches(&m) {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            if m.get("method").is_some() && m.get("id").is_some() {
                let id = m["id"].clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
            }
        }
        panic!("no diagnostics for {uri}");
    }

    fn finish(mut self) -> i32 {
        let r = self.call("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        status.code().unwrap()
    }
}

fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The examples, with a review in review whose body has emoji and CJK text before findings.
fn workspace() -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"),
        dir.path(),
    );
    let path = dir
        .path()
        .join("postmortems/2021-09-30-api-clients-fail-tls-after-root-expiry.md");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("status: draft", "status: in-review")
        .replace("related: []", "related: [PIR-2099-001]\nowner_team: edge")
        .replace(
            "## Impact",
            "## Impact\n\n🔥🔥 证书过期 — the 值班 operator should have rotated it; TODO 😀 human error.\n",
        );
    std::fs::write(&path, &text).unwrap();
    (dir, path, text)
}

fn utf16_column(line: &str, column: usize) -> usize {
    line.chars().take(column - 1).map(char::len_utf16).sum()
}

#[test]
fn diagnostics_equal_pirt_check_json_with_utf16_columns() {
    let (dir, path, text) = workspace();
    let cli = pirt(dir.path())
        .env("PIRT_TODAY", "2026-11-26")
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    let expected = cli["diagnostics"].as_array().unwrap();
    assert!(expected.len() >= 5, "{cli}");
    assert!(
        expected.iter().any(|d| d["rule"] == "blameless-language")
            && expected.iter().any(|d| d["rule"] == "dangling-reference")
            && expected.iter().any(|d| d["rule"] == "schema"),
        "{cli}"
    );

    let mut client = Client::start(dir.path());
    let init = client.initialize(dir.path(), &[]);
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
    client.open(&path, &text);
    let got = client.diagnostics(&path, Some(1));
    assert_eq!(got.len(), expected.len(), "{got:#?}\n{expected:#?}");
    let lines: Vec<&str> = text.lines().collect();
    for (lsp, cli) in got.iter().zip(expected) {
        let data = &lsp["data"];
        for key in ["rule", "line", "column", "level", "message"] {
            assert_eq!(data[key], cli[key], "{key}: {lsp:#}\n{cli:#}");
        }
        assert_eq!(data.get("hint"), cli.get("hint"));
        assert_eq!(lsp["code"], cli["rule"]);
        assert_eq!(lsp["source"], "pirt");
        let severity = if cli["level"] == "error" { 1 } else { 2 };
        assert_eq!(lsp["severity"], severity);
        assert!(
            lsp["message"]
                .as_str()
                .unwrap()
                .starts_with(cli["message"].as_str().unwrap())
        );
        let line = cli["line"].as_u64().unwrap() as usize;
        let column = cli["column"].as_u64().unwrap() as usize;
        assert_eq!(lsp["range"]["start"]["line"], line - 1);
        assert_eq!(
            lsp["range"]["start"]["character"],
            utf16_column(lines[line - 1], column),
            "{lsp:#}"
        );
    }
    // The finding after the emoji and CJK text: UTF-16 units, not bytes or characters.
    let should = got
        .iter()
        .find(|d| {
            d["data"]["message"]
                .as_str()
                .unwrap()
                .contains("should have")
        })
        .unwrap();
    let line = lines[should["range"]["start"]["line"].as_u64().unwrap() as usize];
    let chars_before = line
        .find("should")
        .map(|b| line[..b].chars().count())
        .unwrap();
    assert_eq!(should["range"]["start"]["character"], chars_before + 2);
    let end = &should["range"]["end"];
    assert_eq!(end["character"], chars_before + 2 + "should have".len());
    assert_eq!(client.finish(), 0);
}

#[test]
fn utf8_is_used_when_the_client_offers_it() {
    let (dir, path, text) = workspace();
    let mut client = Client::start(dir.path());
    let init = client.initialize(dir.path(), &["utf-8", "utf-16"]);
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8");
    client.open(&path, &text);
    let got = client.diagnostics(&path, Some(1));
    let should = got
        .iter()
        .find(|d| {
            d["data"]["message"]
                .as_str()
                .unwrap()
                .contains("should have")
        })
        .unwrap();
    let line = text
        .lines()
        .nth(should["range"]["start"]["line"].as_u64().unwrap() as usize)
        .unwrap();
    assert_eq!(
        should["range"]["start"]["character"],
        line.find("should").unwrap()
    );
    assert_eq!(client.finish(), 0);
}

#[test]
fn changes_are_checked_again_and_other_markdown_gets_nothing() {
    let (dir, path, text) = workspace();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), &[]);
    client.open(&path, &text);
    let before = client.diagnostics(&path, Some(1));
    assert!(before.iter().any(|d| d["code"] == "blameless-language"));
    // Delete the blameful line with an incremental change.
    let n = text
        .lines()
        .position(|l| l.contains("should have"))
        .unwrap();
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri(&path), "version": 2},
            "contentChanges": [{"range": {"start": {"line": n, "character": 0}, "end": {"line": n + 1, "character": 0}}, "text": ""}],
        }),
    );
    let after = client.diagnostics(&path, Some(2));
    assert!(
        !after.iter().any(|d| d["code"] == "blameless-language"),
        "{after:#?}"
    );
    assert!(after.iter().any(|d| d["code"] == "dangling-reference"));

    // A README is not a review: no diagnostics are published for it.
    let readme = dir.path().join("README.md");
    client.open(&readme, "# Notes\n\nThe operator should have known. TODO\n");
    let hover = client.call(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&readme)}, "position": {"line": 0, "character": 1}}),
    );
    assert!(
        hover.get("error").is_none() || hover["error"]["code"] == -32601,
        "{hover}"
    );
    assert!(
        !client
            .notes
            .iter()
            .any(|m| m["params"]["uri"] == uri(&readme)),
        "{:?}",
        client.notes
    );
    assert_eq!(client.finish(), 0);
}

#[test]
fn a_reference_resolves_once_the_file_appears_on_disk() {
    let (dir, path, text) = workspace();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), &[]);
    client.open(&path, &text);
    let before = client.diagnostics(&path, Some(1));
    assert!(before.iter().any(|d| d["code"] == "dangling-reference"));
    let other = dir.path().join("postmortems/2099-01-01-new.md");
    let new = std::fs::read_to_string(
        dir.path()
            .join("postmortems/2018-10-21-degraded-service-after-43s-network-partition.md"),
    )
    .unwrap();
    let id_line = new
        .lines()
        .find(|l| l.starts_with("id:"))
        .unwrap()
        .to_string();
    std::fs::write(&other, new.replace(&id_line, "id: PIR-2099-001")).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&other), "type": 1}]}),
    );
    let after = client.diagnostics(&path, Some(1));
    assert!(
        !after.iter().any(|d| d["code"] == "dangling-reference"),
        "{after:#?}"
    );
    assert_eq!(client.finish(), 0);
}

#[test]
fn a_change_to_pirt_toml_is_picked_up() {
    let (dir, path, text) = workspace();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), &[]);
    client.open(&path, &text);
    let before = client.diagnostics(&path, Some(1));
    assert!(before.iter().any(|d| d["code"] == "blameless-language"));
    let config = dir.path().join("pirt.toml");
    let mut toml = std::fs::read_to_string(&config).unwrap();
    toml.push_str("\n[check.rules]\nblameless-language = \"off\"\n");
    std::fs::write(&config, toml).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&config), "type": 2}]}),
    );
    let after = client.diagnostics(&path, Some(1));
    assert!(
        !after.iter().any(|d| d["code"] == "blameless-language"),
        "{after:#?}"
    );
    assert_eq!(client.finish(), 0);
}

#[test]
fn malformed_json_rpc_gets_an_error_response_and_the_session_goes_on() {
    let (dir, _path, _text) = workspace();
    let mut client = Client::start(dir.path());
    client.send_raw(&frame("{not json"));
    let error = client.next();
    assert_eq!(error["error"]["code"], -32700, "{error}");
    assert_eq!(error["id"], Value::Null);
    client.send_raw(&frame(r#"{"jsonrpc":"2.0","id":41,"method":7}"#));
    let error = client.next();
    assert_eq!(error["error"]["code"], -32600, "{error}");
    assert_eq!(error["id"], 41);
    client.send_raw(b"garbage header\r\n\r\n");
    assert_eq!(client.next()["error"]["code"], -32700);
    // Before initialize, a request is refused, not dropped.
    let early = client.call("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    client.initialize(dir.path(), &[]);
    let bad = client.call("textDocument/hover", json!({"nonsense": true}));
    assert!(bad.get("error").is_some(), "{bad}");
    let unknown = client.call("pirt/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    assert_eq!(client.finish(), 0);
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let (dir, _path, _text) = workspace();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), &[]);
    client.notify("exit", Value::Null);
    assert_eq!(client.child.wait().unwrap().code(), Some(1));
}
