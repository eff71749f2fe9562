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
        // The latency figure is taken of a release build: `PIRT_LSP_BIN=target/release/pirt`.
        let mut command = match std::env::var_os("PIRT_LSP_BIN") {
            Some(bin) => {
                let mut command = std::process::Command::new(bin);
                command.current_dir(dir);
                command
            }
            None => pirt(dir),
        };
        let mut child = command
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

/// The LSP position (UTF-16) of the `nth` byte of the first `needle` on a line starting
/// with `line_start`.
fn at(text: &str, line_start: &str, needle: &str, nth: usize) -> Value {
    let (n, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with(line_start) && l.contains(needle))
        .unwrap_or_else(|| panic!("no line {line_start}…{needle}"));
    let byte = line.find(needle).unwrap() + nth;
    let character: usize = line[..byte].chars().map(char::len_utf16).sum();
    json!({"line": n, "character": character})
}

const WAF: &str = "postmortems/2019-07-02-global-502s-after-waf-rule-deploy.md";

fn hover_text(client: &mut Client, path: &Path, position: Value) -> String {
    let r = client.call(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(path)}, "position": position}),
    );
    r["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("no hover: {r}"))
        .to_string()
}

#[test]
fn hover_definition_and_symbols() {
    let (dir, _, _) = workspace();
    let path = dir.path().join(WAF);
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("action_items:\n", "problem: PRB-0001\naction_items:\n");
    let text = if text.matches("problem:").count() > 1 {
        std::fs::read_to_string(&path).unwrap()
    } else {
        text
    };
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), &[]);
    client.open(&path, &text);

    let time = hover_text(&mut client, &path, at(&text, "detected_at:", "13:45", 1));
    assert!(time.contains("2019-07-02 13:45 UTC"), "{time}");
    assert!(time.contains("+3m after impact began"), "{time}");
    let entry = hover_text(
        &mut client,
        &path,
        at(&text, "  - at: 2019-07-02T14:07", "14:07", 0),
    );
    assert!(entry.contains("+25m after impact began"), "{entry}");
    let key = hover_text(&mut client, &path, at(&text, "detected_at:", "detected", 2));
    assert!(key.contains("TTD") && key.contains("3m"), "{key}");
    let severity = hover_text(&mut client, &path, at(&text, "severity:", "SEV1", 1));
    assert!(severity.starts_with("**SEV1**: "), "{severity}");
    let problem = hover_text(&mut client, &path, at(&text, "problem:", "PRB-0001", 3));
    assert!(
        problem.contains("**PRB-0001**: Global configuration"),
        "{problem}"
    );
    assert!(
        problem.contains("problem record · status `known-error`"),
        "{problem}"
    );

    let def = client.call(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&path)}, "position": at(&text, "problem:", "PRB-0001", 3)}),
    );
    let target = def["result"]["uri"].as_str().unwrap();
    assert!(
        target.ends_with("problems/PRB-0001-global-config-pushes-without-staged-rollout.md"),
        "{def}"
    );
    assert_eq!(def["result"]["range"]["start"]["line"], 1);

    let symbols = client.call(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&path)}}),
    );
    let symbols = symbols["result"].as_array().unwrap();
    let names: Vec<&str> = symbols
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.starts_with(&["timeline", "action_items", "Summary", "Impact"]),
        "{names:?}"
    );
    let timeline = symbols[0]["children"].as_array().unwrap();
    assert_eq!(timeline.len(), 9);
    assert_eq!(timeline[0]["name"], "2019-07-02 13:42 UTC trigger");
    assert_eq!(client.finish(), 0);
}

fn labels(client: &mut Client, path: &Path, position: Value) -> Vec<(String, String)> {
    let r = client.call(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(path)}, "position": position}),
    );
    r["result"]
        .as_array()
        .unwrap_or_else(|| panic!("no completion: {r}"))
        .iter()
        .map(|i| {
            (
                i["label"].as_str().unwrap().to_string(),
                i["detail"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn completion_of_keys_names_and_workspace_values() {
    let (dir, _, _) = workspace();
    let path = dir.path().join(WAF);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), &[]);
    client.open(&path, &text);
    let has = |items: &[(String, String)], label: &str| items.iter().any(|(l, _)| l == label);

    let keys = labels(&mut client, &path, at(&text, "status:", "status", 0));
    assert!(
        has(&keys, "started_at") && has(&keys, "action_items"),
        "{keys:?}"
    );
    assert!(
        keys.iter()
            .any(|(l, d)| l == "detected_at" && d.contains("TTD"))
    );
    let severities = labels(&mut client, &path, at(&text, "severity:", "SEV1", 0));
    assert!(
        severities.iter().any(|(l, d)| l == "SEV1" && !d.is_empty()),
        "{severities:?}"
    );
    assert!(
        has(&severities, "P1") && has(&severities, "major"),
        "{severities:?}"
    );
    let statuses = labels(&mut client, &path, at(&text, "status:", "published", 0));
    assert!(has(&statuses, "in-review") && has(&statuses, "draft"));
    let kinds = labels(
        &mut client,
        &path,
        at(&text, "    kind: trigger", "trigger", 0),
    );
    assert!(
        has(&kinds, "mitigation") && has(&kinds, "detection"),
        "{kinds:?}"
    );
    let types = labels(
        &mut client,
        &path,
        at(&text, "    type: prevent", "prevent", 0),
    );
    assert!(has(&types, "prevent"), "{types:?}");
    let entry_keys = labels(
        &mut client,
        &path,
        at(&text, "    kind: trigger", "kind", 0),
    );
    assert!(
        has(&entry_keys, "source") && has(&entry_keys, "at"),
        "{entry_keys:?}"
    );
    // Services of the other reviews, from the index.
    let services = labels(&mut client, &path, at(&text, "services:", "edge-proxy", 0));
    assert!(
        has(&services, "public-api") && has(&services, "waf"),
        "{services:?}"
    );
    let people = labels(
        &mut client,
        &path,
        at(&text, "incident_commander:", "dana", 0),
    );
    assert!(has(&people, "maria.santos"), "{people:?}");
    // Authors of reviews that are not open, from the index.
    assert!(
        has(&people, "jon.berg") && has(&people, "priya.natarajan"),
        "{people:?}"
    );
    // Ids with their titles.
    let problems = labels(&mut client, &path, at(&text, "related:", "related", 9));
    assert!(
        problems
            .iter()
            .any(|(l, d)| l == "PIR-2021-042" && d.contains("Older API clients")),
        "{problems:?}"
    );
    // Nothing in the body.
    let body = client.call(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(&path)}, "position": at(&text, "## Summary", "Summary", 0)}),
    );
    assert_eq!(body["result"], Value::Null);
    assert_eq!(client.finish(), 0);
}

fn actions_for(client: &mut Client, path: &Path, diags: &[Value], line: u64) -> Vec<Value> {
    let on_line: Vec<&Value> = diags
        .iter()
        .filter(|d| d["range"]["start"]["line"] == line)
        .collect();
    let r = client.call(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(path)},
            "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
            "context": {"diagnostics": on_line},
        }),
    );
    r["result"].as_array().cloned().unwrap_or_default()
}

fn first_edit(action: &Value) -> &Value {
    let changes = action["edit"]["changes"].as_object().unwrap();
    &changes.values().next().unwrap()[0]
}

#[test]
fn code_actions_fix_rename_reword_add_and_mark_reviewed() {
    let (dir, path, text) = workspace();
    let text = text
        .replace("tags: [tls", "tagz: [tls")
        .replace("## Summary\n", "## Overview\n")
        .replace("detected_at: 2021-09-30T15:20:00Z", "detected_at: 15:20")
        .replace(
            "status: in-review",
            "status: in-review\nmitigated_at_local: x",
        )
        .replace(
            "## Impact\n",
            "## Impact\n\nThe renewal job failed to run.\n\n<!-- pirt:draft prompt=impact -->\nDrafted text.\n<!-- /pirt:draft -->\n",
        );
    std::fs::write(&path, &text).unwrap();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), &[]);
    client.open(&path, &text);
    let diags = client.diagnostics(&path, Some(1));
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() as u64;

    // The severity alias: the fix of `pirt check --fix`, alone and in "Fix all".
    let fixes = actions_for(&mut client, &path, &diags, line_of("severity: P3"));
    let alias = fixes
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("SEV3"))
        .unwrap_or_else(|| panic!("{fixes:#?}"));
    assert!(
        first_edit(alias)["newText"]
            .as_str()
            .unwrap()
            .contains("severity: SEV3"),
        "{alias}"
    );
    assert!(
        fixes
            .iter()
            .any(|a| a["title"].as_str().unwrap().starts_with("Fix all"))
    );

    let loose = actions_for(&mut client, &path, &diags, line_of("detected_at: 15:20"));
    let loose = loose
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Write `15:20` as"))
        .unwrap_or_else(|| panic!("{loose:#?}"));
    assert_eq!(
        first_edit(loose)["newText"],
        "2021-09-30T15:20:00Z",
        "{loose}"
    );
    assert_eq!(first_edit(loose)["range"]["start"]["character"], 13);
    assert_eq!(first_edit(loose)["range"]["end"]["character"], 18);

    let rename = actions_for(&mut client, &path, &diags, line_of("tagz:"));
    let rename = rename
        .iter()
        .find(|a| a["title"] == "Rename the key to `tags`")
        .unwrap_or_else(|| panic!("{rename:#?}"));
    assert_eq!(first_edit(rename)["newText"], "tags");
    assert_eq!(first_edit(rename)["range"]["end"]["character"], 4);

    let reword = actions_for(&mut client, &path, &diags, line_of("failed to run"));
    let reword = reword
        .iter()
        .find(|a| a["title"] == "Reword as \"did not\"")
        .unwrap_or_else(|| panic!("{reword:#?}"));
    assert_eq!(first_edit(reword)["newText"], "did not");

    let draft = actions_for(&mut client, &path, &diags, line_of("<!-- pirt:draft"));
    let draft = draft
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Mark as reviewed"))
        .unwrap_or_else(|| panic!("{draft:#?}"));
    let edits = draft["edit"]["changes"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap();
    assert_eq!(edits.as_array().unwrap().len(), 2);
    assert_eq!(
        edits[1]["range"]["start"]["line"],
        line_of("<!-- /pirt:draft")
    );

    let missing = diags
        .iter()
        .find(|d| {
            d["code"] == "required-section"
                && d["data"]["message"]
                    .as_str()
                    .unwrap()
                    .ends_with("is missing")
        })
        .unwrap_or_else(|| panic!("{diags:#?}"));
    let line = missing["range"]["start"]["line"].as_u64().unwrap();
    let add = actions_for(&mut client, &path, &diags, line);
    assert!(
        add.iter().any(|a| a["title"]
            .as_str()
            .unwrap()
            .starts_with("Add the section `## ")
            && first_edit(a)["newText"].as_str().unwrap().contains("\n## ")),
        "{add:#?}"
    );
    assert_eq!(client.finish(), 0);
}

/// A small seeded generator (no dependency): xorshift.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn params_for(method: &str, path: &Path, position: Value) -> Value {
    let document = json!({"uri": uri(path)});
    match method {
        "textDocument/documentSymbol" => json!({"textDocument": document}),
        "textDocument/codeAction" => json!({
            "textDocument": document,
            "range": {"start": position, "end": position},
            "context": {"diagnostics": []},
        }),
        _ => json!({"textDocument": document, "position": position}),
    }
}

#[test]
fn a_session_of_random_edits_never_breaks_the_server() {
    let (dir, path, text) = workspace();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), &[]);
    client.open(&path, &text);
    let pieces = [
        "---\n",
        "\n",
        ":",
        "- ",
        "  ",
        "\t",
        "{",
        "}",
        "[",
        "]",
        "&a ",
        "*a",
        "\"",
        "'",
        "😀",
        "证书",
        "severity: ",
        "started_at: 2026-13-45T99:00",
        "timeline:\n  - at: ",
        "<!-- pirt:draft",
        "## ",
        "\r\n",
        "\u{feff}",
        "id: PIR-2099-001\n",
        "related: [",
        "problem: ",
        "...\n",
        "\0",
        "#",
    ];
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let methods = [
        "textDocument/hover",
        "textDocument/completion",
        "textDocument/definition",
        "textDocument/documentSymbol",
        "textDocument/codeAction",
    ];
    let mut lines = text.lines().count() as u64;
    for version in 2..=300 {
        let line = rng.below(lines + 3);
        let character = rng.below(90);
        let (end_line, end_character) = if rng.below(3) == 0 {
            (line + rng.below(4), rng.below(90))
        } else {
            (line, character)
        };
        let mut insert = String::new();
        for _ in 0..rng.below(4) {
            insert.push_str(pieces[rng.below(pieces.len() as u64) as usize]);
        }
        // Now and then the whole text is replaced (a half-written file).
        let change = if rng.below(40) == 0 {
            let cut = rng.below(text.len() as u64) as usize;
            let cut = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap();
            json!({"text": &text[..cut]})
        } else {
            json!({
                "range": {"start": {"line": line, "character": character}, "end": {"line": end_line, "character": end_character}},
                "text": insert,
            })
        };
        lines = (lines + 2).max(1);
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(&path), "version": version}, "contentChanges": [change]}),
        );
        if version % 50 == 0 {
            // Still for a moment: the broken text is checked and published.
            client.diagnostics(&path, Some(version));
        }
        if version % 7 == 0 {
            let method = methods[rng.below(methods.len() as u64) as usize];
            let position = json!({"line": rng.below(lines + 2), "character": rng.below(80)});
            let params = params_for(method, &path, position);
            let r = client.call(method, params);
            assert!(
                r.get("error").is_none(),
                "{method} after version {version}: {r}"
            );
        }
    }
    // The last version was checked (waited for above); every request is still answered.
    for method in methods {
        let position = json!({"line": 1, "character": 1});
        let r = client.call(method, params_for(method, &path, position));
        assert!(r.get("error").is_none(), "{r}");
    }
    assert_eq!(client.finish(), 0);
}

/// Not a wall-clock assertion: prints how long the diagnostics of a 500-line review take
/// after a change, beyond the debounce (`cargo test --test cli lsp_latency -- --ignored
/// --nocapture`).
#[test]
#[ignore]
fn lsp_latency_of_a_500_line_review() {
    let (dir, _, _) = workspace();
    let path = dir.path().join(WAF);
    let original = std::fs::read_to_string(&path).unwrap();
    let mut extra = String::new();
    let mut minute = 0;
    while original.lines().count() + extra.lines().count() < 500 {
        minute += 1;
        extra.push_str(&format!(
            "  - at: 2019-07-02T14:{:02}:{:02}Z\n    kind: note\n    text: Responders watch the 502 rate on the edge dashboards (step {minute}).\n",
            10 + minute / 60 % 40,
            minute % 60
        ));
    }
    let text = original.replace("action_items:\n", &format!("{extra}action_items:\n"));
    assert!(text.lines().count() >= 500);
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), &[]);
    client.open(&path, &text);
    client.diagnostics(&path, Some(1));
    let mut times = Vec::new();
    for version in 2..=21 {
        let line = 40 + version;
        let change = json!({"range": {"start": {"line": line, "character": 10}, "end": {"line": line, "character": 10}}, "text": "x"});
        let sent = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(&path), "version": version}, "contentChanges": [change]}),
        );
        client.diagnostics(&path, Some(version));
        times.push(sent.elapsed().saturating_sub(Duration::from_millis(150)));
    }
    times.sort();
    eprintln!(
        "500-line review ({} lines): diagnostics {:?} (median) / {:?} (max) after the 150 ms debounce",
        text.lines().count(),
        times[times.len() / 2],
        times[times.len() - 1]
    );
    assert_eq!(client.finish(), 0);
}

#[test]
fn an_unsaved_open_document_counts_for_references() {
    let (dir, path, text) = workspace();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), &[]);
    client.open(&path, &text);
    let before = client.diagnostics(&path, Some(1));
    assert!(before.iter().any(|d| d["code"] == "dangling-reference"));
    // A new review, open in the editor and never saved, holds the id named.
    let other = dir.path().join("postmortems/2099-01-01-unsaved.md");
    let new = std::fs::read_to_string(dir.path().join(WAF)).unwrap();
    let id_line = new
        .lines()
        .find(|l| l.starts_with("id:"))
        .unwrap()
        .to_string();
    client.open(&other, &new.replace(&id_line, "id: PIR-2099-001"));
    client.diagnostics(&other, Some(1));
    let after = client.diagnostics(&path, Some(1));
    assert!(
        !after.iter().any(|d| d["code"] == "dangling-reference"),
        "{after:#?}"
    );
    assert_eq!(client.finish(), 0);
}

#[test]
fn an_id_shared_with_another_open_buffer_is_a_duplicate_until_one_changes() {
    let (dir, _path, _text) = workspace();
    let waf = dir.path().join(WAF);
    let text = std::fs::read_to_string(&waf).unwrap();
    let id_line = text
        .lines()
        .find(|l| l.starts_with("id:"))
        .unwrap()
        .to_string();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), &[]);
    client.open(&waf, &text);
    let alone = client.diagnostics(&waf, Some(1));
    assert!(
        !alone.iter().any(|d| d["code"] == "duplicate-id"),
        "{alone:#?}"
    );
    // A copy, open in the editor and never saved, with the same id.
    let copy = dir.path().join("postmortems/2099-01-01-copy.md");
    client.open(&copy, &text);
    let in_copy = client.diagnostics(&copy, Some(1));
    assert!(
        in_copy
            .iter()
            .any(|d| d["code"] == "duplicate-id" && d["message"].as_str().unwrap().contains("waf")),
        "{in_copy:#?}"
    );
    let in_waf = client.diagnostics(&waf, Some(1));
    assert!(
        in_waf.iter().any(|d| d["code"] == "duplicate-id"
            && d["message"]
                .as_str()
                .unwrap()
                .contains("2099-01-01-copy.md")),
        "{in_waf:#?}"
    );
    // The copy gets its own id: neither is a duplicate any more.
    let line = text.lines().position(|l| l == id_line).unwrap() as u64;
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri(&copy), "version": 2},
            "contentChanges": [{"range": {"start": {"line": line, "character": 0}, "end": {"line": line + 1, "character": 0}}, "text": "id: PIR-2099-002\n"}],
        }),
    );
    let copy_after = client.diagnostics(&copy, Some(2));
    assert!(
        !copy_after.iter().any(|d| d["code"] == "duplicate-id"),
        "{copy_after:#?}"
    );
    let waf_after = client.diagnostics(&waf, Some(1));
    assert!(
        !waf_after.iter().any(|d| d["code"] == "duplicate-id"),
        "{waf_after:#?}"
    );
    assert_eq!(client.finish(), 0);
}
