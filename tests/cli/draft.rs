//! `pirt draft` against a local mock server that replays recorded response bodies.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::{fixtures, pirt};

const REVIEW: &str = "postmortems/review.md";

fn llm_fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join("llm").join(name)).unwrap()
}

/// A scratch repository with the draft review, and a pirt.toml pointing at `base_url`.
fn repo(base_url: &str, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("postmortems")).unwrap();
    std::fs::copy(fixtures().join("draft/review.md"), dir.path().join(REVIEW)).unwrap();
    std::fs::write(
        dir.path().join("pirt.toml"),
        format!(
            "[llm]\nbase_url = \"{base_url}\"\nmodel = \"smollm2\"\n{}{extra}",
            if extra.contains("retries") {
                ""
            } else {
                "retries = 2\n"
            }
        ),
    )
    .unwrap();
    dir
}

/// Every POST, answered as the test says.
fn post() -> wiremock::MockBuilder {
    Mock::given(method("POST"))
}

/// A mock server running `mock` and a scratch repository whose pirt.toml points pirt at
/// it (its OpenAI-compatible `/v1`, or its root for `provider = "anthropic"`), with the
/// `extra` settings. Keep the server while pirt runs: dropping it checks the calls it
/// expected.
async fn serve(mock: Mock, extra: &str) -> (MockServer, tempfile::TempDir) {
    let server = MockServer::start().await;
    mock.mount(&server).await;
    let base = if extra.contains("provider = \"anthropic\"") {
        server.uri()
    } else {
        format!("{}/v1", server.uri())
    };
    let dir = repo(&base, extra);
    (server, dir)
}

fn original() -> String {
    std::fs::read_to_string(fixtures().join("draft/review.md")).unwrap()
}

fn read(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(REVIEW)).unwrap()
}

/// Runs pirt off the async runtime's threads (the mock server runs there).
async fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = pirt(dir);
    cmd.args(args).env("PIRT_RETRY_MIN_MS", "20");
    for (k, v) in env {
        cmd.env(k, v);
    }
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn sse(body: Vec<u8>) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/event-stream; charset=utf-8")
        .set_body_raw(body, "text/event-stream")
}

fn json(body: Vec<u8>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "application/json")
}

/// The text the recorded OpenAI stream carries.
fn streamed_text(name: &str) -> String {
    let body = String::from_utf8(llm_fixture(name)).unwrap();
    body.lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .filter(|d| *d != "[DONE]")
        .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .filter_map(|v| {
            v.pointer("/choices/0/delta/content")
                .or_else(|| v.pointer("/delta/text"))
                .and_then(|c| c.as_str())
                .map(str::to_string)
        })
        .collect()
}

/// Asserts that `after` is `before` with one block inserted, and returns the block.
fn inserted(before: &str, after: &str) -> String {
    let prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = before[prefix..]
        .bytes()
        .rev()
        .zip(after[prefix..].bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    assert_eq!(
        prefix + suffix,
        before.len(),
        "more than one place changed:\n{after}"
    );
    after[prefix..after.len() - suffix].to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn openai_stream_fills_an_empty_section_and_keeps_the_rest_byte_for_byte() {
    let (server, dir) = serve(
        post()
            .and(path("/v1/chat/completions"))
            .respond_with(sse(llm_fixture("openai-stream.sse")))
            .expect(1),
        "",
    )
    .await;
    let out = run(dir.path(), &["draft", REVIEW, "--prompt", "summary"], &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let after = read(dir.path());
    let block = inserted(&original(), &after);
    assert!(block.contains("<!-- pirt:draft prompt=summary model=smollm2 at="));
    assert!(block.contains(streamed_text("openai-stream.sse").trim()));
    assert!(block.contains("<!-- /pirt:draft -->"));
    // The guidance stays above the draft.
    assert!(after.contains(
        "<!-- guide: Two or three sentences: what happened, how long, how bad. -->\n<!-- pirt:draft"
    ));

    // What was sent: the model, a system message, the facts, streaming on.
    let requests = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["model"], "smollm2");
    assert_eq!(body["stream"], true);
    assert_eq!(body["messages"][0]["role"], "system");
    let user = body["messages"][1]["content"].as_str().unwrap();
    assert!(user.contains("2026-11-24 14:41 UTC [mitigation] db-2 promoted by hand"));
    // Redacted before sending.
    assert!(!user.contains("hunter2-prod") && !user.contains("ana.lopez@example.com"));
    assert!(!user.contains("10.20.0.7"));
    assert!(user.contains("<PASSWORD_1>") && user.contains("<EMAIL_1>"));

    // The draft passes check in a draft review: the one error is the password the
    // fixture pasted on purpose (secret-in-review), not the draft.
    let check = run(dir.path(), &["check", REVIEW], &[]).await;
    let shown = stdout(&check);
    assert_eq!(check.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("1 error, ") && shown.contains("error[secret-in-review]"),
        "{shown}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn redrafting_replaces_only_pirts_block() {
    let (_server, dir) = serve(
        post().respond_with(sse(llm_fixture("openai-stream.sse"))),
        "",
    )
    .await;
    let out = run(dir.path(), &["draft", REVIEW, "--prompt", "summary"], &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    // A person adds text after the draft block.
    let first = read(dir.path());
    let human = "\nAna: the failover runbook was last tested in 2024.\n";
    let edited = first.replacen(
        "<!-- /pirt:draft -->\n",
        &format!("<!-- /pirt:draft -->\n{human}"),
        1,
    );
    std::fs::write(dir.path().join(REVIEW), &edited).unwrap();
    let out = run(dir.path(), &["draft", REVIEW, "--prompt", "summary"], &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let second = read(dir.path());
    assert!(second.contains(human), "{second}");
    assert_eq!(second.matches("<!-- pirt:draft").count(), 1);
    assert!(
        stderr(&out).contains("re-drafted section \"Summary\""),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn human_text_is_left_alone_without_force_and_kept_in_history_with_it() {
    let (_server, dir) = serve(
        post()
            .respond_with(sse(llm_fixture("openai-stream.sse")))
            .expect(1),
        "",
    )
    .await;
    let out = run(dir.path(), &["draft", REVIEW, "--prompt", "impact"], &[]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("section \"Impact\" (line 48) holds text a person wrote"));
    assert_eq!(read(dir.path()), original());

    let out = run(
        dir.path(),
        &["draft", REVIEW, "--prompt", "impact", "--force"],
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let after = read(dir.path());
    assert!(!after.contains("written by Ana"));
    let history: Vec<_> = std::fs::read_dir(dir.path().join(".pirt/history"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(history.len(), 1);
    assert_eq!(std::fs::read_to_string(&history[0]).unwrap(), original());
    assert!(stderr(&out).contains("the replaced text is kept in"));
}

#[tokio::test(flavor = "multi_thread")]
async fn stdout_prints_instead_of_writing() {
    let (_server, dir) = serve(
        post().respond_with(sse(llm_fixture("openai-stream.sse"))),
        "",
    )
    .await;
    let out = run(
        dir.path(),
        &["draft", REVIEW, "--prompt", "impact", "--stdout"],
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).trim(),
        streamed_text("openai-stream.sse").trim()
    );
    assert_eq!(read(dir.path()), original());
}

#[tokio::test(flavor = "multi_thread")]
async fn openai_without_streaming_reads_the_whole_answer() {
    let (server, dir) = serve(
        post().respond_with(json(llm_fixture("openai-nonstream.json"))),
        "stream = false\n",
    )
    .await;
    let out = run(dir.path(), &["draft", REVIEW, "--prompt", "summary"], &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read(dir.path()).contains("The orders database failed over to order 2"));
    let requests = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert!(body.get("stream").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn anthropic_streamed_and_whole_with_its_headers() {
    for (stream, response) in [
        (true, sse(llm_fixture("anthropic-stream.sse"))),
        (false, json(llm_fixture("anthropic-nonstream.json"))),
    ] {
        let (server, dir) = serve(
            post()
                .and(path("/v1/messages"))
                .and(header("x-api-key", "sk-ant-test-key-0123456789abcdef"))
                .and(header("anthropic-version", "2023-06-01"))
                .respond_with(response)
                .expect(1),
            &format!("provider = \"anthropic\"\nstream = {stream}\n"),
        )
        .await;
        let out = run(
            dir.path(),
            &["draft", REVIEW, "--prompt", "summary"],
            &[("ANTHROPIC_API_KEY", "sk-ant-test-key-0123456789abcdef")],
        )
        .await;
        assert!(out.status.success(), "stream={stream}: {}", stderr(&out));
        let after = read(dir.path());
        assert!(after.contains("The order database failed"), "{after}");
        let requests = server.received_requests().await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
        assert!(body["system"].as_str().unwrap().contains("blameless"));
        assert_eq!(body["max_tokens"], 1024, "[llm] max_tokens");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn action_items_are_validated_and_appended_with_status_open() {
    let (server, dir) = serve(
        post().respond_with(sse(llm_fixture("openai-json-stream.sse"))),
        "",
    )
    .await;
    let out = run(
        dir.path(),
        &["draft", REVIEW, "--prompt", "action-items"],
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    // Action items carry no draft markers: the tip about removing them is not shown.
    assert!(!stderr(&out).contains("markers"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("review the new action items"),
        "{}",
        stderr(&out)
    );
    let after = read(dir.path());
    let added = inserted(&original(), &after);
    assert!(
        added.contains("# drafted by pirt (prompt action-items, model smollm2"),
        "{added}"
    );
    assert!(added.contains("- id: AI-2\n"), "{added}");
    assert!(
        added.contains("    owner: null\n    status: open\n"),
        "{added}"
    );
    let json = run(dir.path(), &["render", REVIEW, "--format", "json"], &[]).await;
    let review: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let items = review["action_items"].as_array().unwrap();
    assert!(items.len() >= 2);
    assert!(
        items[1..]
            .iter()
            .all(|i| i["status"] == "open" && i["owner"].is_null())
    );
    // The request asked for structured output.
    let requests = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["response_format"]["type"], "json_schema");
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_action_items_are_rejected_and_never_written() {
    let answer = r#"Here you go:
```json
{"action_items": [
  {"title": "Alert on replica lag above 10 s", "type": "detect"},
  {"title": "Page the database team on failover stalls", "type": "detect"},
  {"title": "", "type": "prevent"},
  {"title": "Blame someone", "type": "punish"},
  {"title": "Test failover monthly", "type": "process", "owner": "bob"}
]}
```"#;
    let body = serde_json::json!({
        "model": "smollm2",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}]
    });
    let (_server, dir) = serve(
        post().respond_with(json(body.to_string().into_bytes())),
        "stream = false\n",
    )
    .await;
    let out = run(
        dir.path(),
        &["draft", REVIEW, "--prompt", "action-items"],
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("skipped a duplicate: Alert on replica lag above 10 s"),
        "{err}"
    );
    assert!(err.contains("the title is empty"), "{err}");
    assert!(
        err.contains("type `punish` is not one of prevent, detect, mitigate, process"),
        "{err}"
    );
    assert!(err.contains("added action items AI-2, AI-3"), "{err}");
    let after = read(dir.path());
    assert!(after.contains("title: Test failover monthly\n    type: process\n    owner: null"));
    assert!(!after.contains("bob"));

    // An answer without any JSON is refused and changes nothing.
    let body = serde_json::json!({"model": "m", "choices": [{"message": {"content": "I think you should be more careful."}, "finish_reason": "stop"}]});
    let answer = json(body.to_string().into_bytes());
    let (_server, dir) = serve(post().respond_with(answer), "stream = false\n").await;
    let out = run(
        dir.path(),
        &["draft", REVIEW, "--prompt", "action-items"],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no JSON list of action items"));
    assert_eq!(read(dir.path()), original());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_without_json_schema_gets_json_object() {
    // Like llama-cpp-python: 500 for `json_schema`, fine with `json_object`.
    let refused = ResponseTemplate::new(500).set_body_raw(
        r#"{"error":{"message":"1 validation error: ('body', 'response_format', 'type') Input should be 'text' or 'json_object'"}}"#,
        "application/json",
    );
    let asking = |kind: &str| {
        let body = serde_json::json!({"response_format": {"type": kind}});
        post().and(wiremock::matchers::body_partial_json(body))
    };
    let (server, dir) = serve(asking("json_schema").respond_with(refused).expect(1), "").await;
    asking("json_object")
        .respond_with(sse(llm_fixture("openai-json-stream.sse")))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        dir.path(),
        &["draft", REVIEW, "--prompt", "action-items"],
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    // One line that says what happened and how to skip it; not the server's error body.
    let err = stderr(&out);
    assert!(
        err.contains("the server does not take response_format json_schema; asking with response_format json_object instead (set [llm] structured_output = \"json_object\" to skip the attempt)"),
        "{err}"
    );
    assert!(!err.contains("validation error"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn artefacts_print_or_go_to_a_file() {
    let (_server, dir) = serve(
        post().respond_with(sse(llm_fixture("openai-stream.sse"))),
        "",
    )
    .await;
    let out = run(
        dir.path(),
        &["draft", REVIEW, "--prompt", "status-update"],
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).trim(),
        streamed_text("openai-stream.sse").trim()
    );
    let out = run(
        dir.path(),
        &["draft", REVIEW, "--prompt", "exec-brief", "-o", "brief.md"],
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let brief = std::fs::read_to_string(dir.path().join("brief.md")).unwrap();
    assert_eq!(brief.trim(), streamed_text("openai-stream.sse").trim());
    assert_eq!(read(dir.path()), original());
}

#[tokio::test(flavor = "multi_thread")]
async fn several_prompts_each_get_their_block() {
    let (_server, dir) = serve(
        post()
            .respond_with(
                sse(llm_fixture("openai-stream.sse")).set_delay(Duration::from_millis(200)),
            )
            .expect(3),
        "",
    )
    .await;
    let out = run(
        dir.path(),
        &[
            "draft",
            REVIEW,
            "-p",
            "summary",
            "-p",
            "root-cause",
            "-p",
            "lessons",
        ],
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let after = read(dir.path());
    for prompt in ["summary", "root-cause", "lessons"] {
        assert!(after.contains(&format!("prompt={prompt} ")), "{prompt}");
        assert!(stderr(&out).contains(&format!("==> {prompt} <==")));
    }
    assert!(after.ends_with("<!-- /pirt:draft -->\n"));
    assert!(after.contains("## Lessons learned\n\n<!-- pirt:draft prompt=lessons"));
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_shows_the_redacted_messages_and_sends_nothing() {
    let (server, dir) = serve(
        post().respond_with(ResponseTemplate::new(500)).expect(0),
        "",
    )
    .await;
    let out = run(
        dir.path(),
        &["draft", REVIEW, "--prompt", "root-cause", "--dry-run"],
        &[("OPENAI_API_KEY", "sk-proj-SHOULDNEVERAPPEAR0123456789")],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out).replace(&server.uri(), "http://[mock]");
    assert!(!text.contains("SHOULDNEVERAPPEAR"));
    insta::assert_snapshot!(text);
}

/// Every fault: a clear error, bounded retries, and the review unchanged.
#[tokio::test(flavor = "multi_thread")]
async fn faults_give_clear_errors_and_leave_the_file_unchanged() {
    struct Case {
        name: &'static str,
        response: ResponseTemplate,
        config: &'static str,
        expect_calls: u64,
        message: &'static str,
    }
    let cut = {
        let body = llm_fixture("openai-stream.sse");
        body[..body.len() / 2].to_vec()
    };
    let empty = b"data: {\"model\": \"m\", \"choices\": [{\"index\": 0, \"delta\": {\"role\": \"assistant\"}, \"finish_reason\": null}]}\n\ndata: [DONE]\n\n".to_vec();
    let cases = vec![
        Case {
            name: "401",
            response: ResponseTemplate::new(401).set_body_raw(
                r#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}"#,
                "application/json",
            ),
            config: "",
            expect_calls: 1,
            message: "refused the request (HTTP 401): Incorrect API key provided; check the key in $OPENAI_API_KEY",
        },
        Case {
            name: "403",
            response: ResponseTemplate::new(403),
            config: "",
            expect_calls: 1,
            message: "refused the request (HTTP 403)",
        },
        Case {
            name: "500 from the recorded server",
            response: ResponseTemplate::new(500)
                .set_body_raw(llm_fixture("openai-error.json"), "application/json"),
            config: "",
            expect_calls: 3,
            message: "answered HTTP 500: 1 validation error:",
        },
        Case {
            name: "503",
            response: ResponseTemplate::new(503).set_body_string("upstream overloaded"),
            config: "",
            expect_calls: 3,
            message: "answered HTTP 503: upstream overloaded (gave up after 3 attempts)",
        },
        Case {
            name: "malformed JSON",
            response: json(b"{\"choices\": [".to_vec()),
            config: "stream = false\n",
            expect_calls: 1,
            message: "sent an answer pirt cannot read: the body is not JSON",
        },
        Case {
            name: "stream cut mid-way",
            response: sse(cut),
            config: "",
            expect_calls: 1,
            message: "broke off after",
        },
        Case {
            name: "empty answer",
            response: sse(empty),
            config: "",
            expect_calls: 3,
            message: "sent an empty answer",
        },
        Case {
            name: "timeout",
            response: sse(llm_fixture("openai-stream.sse")).set_delay(Duration::from_secs(3)),
            config: "timeout_secs = 1\nretries = 0\n",
            expect_calls: 1,
            message: "did not answer within 1 s",
        },
    ];
    for case in cases {
        let (server, dir) = serve(
            post()
                .respond_with(case.response)
                .expect(case.expect_calls)
                .named(case.name),
            case.config,
        )
        .await;
        let out = run(
            dir.path(),
            &["draft", REVIEW, "--prompt", "summary"],
            &[("OPENAI_API_KEY", "sk-proj-SHOULDNEVERAPPEAR0123456789")],
        )
        .await;
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{}: {err}", case.name);
        assert!(err.contains(case.message), "{}: {err}", case.name);
        assert!(!err.contains("SHOULDNEVERAPPEAR") && !stdout(&out).contains("SHOULDNEVERAPPEAR"));
        assert_eq!(read(dir.path()), original(), "{}", case.name);
        server.verify().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_is_retried_after_the_time_the_server_asks_for() {
    let limited = ResponseTemplate::new(429)
        .insert_header("retry-after", "1")
        .set_body_raw(
            r#"{"error":{"message":"Rate limit reached"}}"#,
            "application/json",
        );
    let (server, dir) = serve(post().respond_with(limited).up_to_n_times(1).expect(1), "").await;
    post()
        .respond_with(sse(llm_fixture("openai-stream.sse")))
        .expect(1)
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let out = run(dir.path(), &["draft", REVIEW, "--prompt", "summary"], &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("HTTP 429: Rate limit reached; trying again in 1.0 s"));
    // The wait is the server's (1 s), not the 20 ms backoff of the test settings.
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn connection_refused_and_missing_settings_say_what_to_do() {
    // A port nobody listens on: bind, note, drop.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = repo(&format!("http://127.0.0.1:{port}/v1"), "retries = 1\n");
    let out = run(dir.path(), &["draft", REVIEW, "--prompt", "summary"], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "cannot connect to http://127.0.0.1:{port}/v1/chat/completions"
        )),
        "{err}"
    );
    assert!(err.to_lowercase().contains("connection refused"), "{err}");
    assert!(err.contains("(gave up after 2 attempts)"), "{err}");
    assert_eq!(read(dir.path()), original());

    // No config at all: the default endpoint needs a key, and there is no model.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixtures().join("draft/review.md"), dir.path().join("r.md")).unwrap();
    let out = run(dir.path(), &["draft", "r.md", "--prompt", "summary"], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no model is set: pass --model NAME, set PIRT_LLM_MODEL"));
    let out = run(
        dir.path(),
        &["draft", "r.md", "--prompt", "summary", "--model", "gpt-x"],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("OPENAI_API_KEY is not set: export OPENAI_API_KEY=..."));
}

#[tokio::test(flavor = "multi_thread")]
async fn prompts_are_listed_overridden_and_added() {
    let dir = repo("http://127.0.0.1:9/v1", "");
    let prompts = dir.path().join(".pirt/prompts");
    std::fs::create_dir_all(&prompts).unwrap();
    std::fs::write(
        prompts.join("summary.md"),
        "---\ndescription: Our summary\ntarget: section:Summary\n---\nSummarise {{ review.title }}\n",
    )
    .unwrap();
    std::fs::write(
        prompts.join("slack-update.md"),
        "---\ndescription: A Slack message\ntarget: artefact\n---\nWrite a Slack update on {{ review.id }}\n",
    )
    .unwrap();
    let out = run(dir.path(), &["draft", "--list"], &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out).replace(&dir.path().display().to_string(), "[repo]");
    insta::assert_snapshot!(text);
    let out = run(
        dir.path(),
        &["draft", REVIEW, "-p", "slack-update", "--dry-run"],
        &[],
    )
    .await;
    assert!(stdout(&out).contains("Write a Slack update on PIR-2026-021"));
    let out = run(dir.path(), &["draft", REVIEW, "-p", "sumary"], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no prompt named `sumary` (did you mean `summary`?)"));

    // A broken prompt file is reported with its line.
    std::fs::write(
        prompts.join("broken.md"),
        "---\ndescription: x\ntarget: section:A\nmax_tokens: lots\n---\nHi\n",
    )
    .unwrap();
    // ...and the others stay usable.
    let out = run(dir.path(), &["draft", "--list"], &[]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("broken.md:4:"), "{}", stderr(&out));
    assert!(stdout(&out).contains("slack-update"));
    let out = run(
        dir.path(),
        &["draft", REVIEW, "-p", "broken", "--dry-run"],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("prompt `broken` cannot be used"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        stderr(&out).matches("broken.md:4:").count(),
        1,
        "said once: {}",
        stderr(&out)
    );
}

/// A CRLF file gets CRLF lines, and nothing else changes.
#[tokio::test(flavor = "multi_thread")]
async fn crlf_files_stay_crlf() {
    let (_server, dir) = serve(
        post().respond_with(|_: &Request| sse(llm_fixture("openai-json-stream.sse"))),
        "",
    )
    .await;
    let crlf = original().replace('\n', "\r\n");
    std::fs::write(dir.path().join(REVIEW), &crlf).unwrap();
    let out = run(
        dir.path(),
        &["draft", REVIEW, "--prompt", "action-items"],
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let after = read(dir.path());
    let added = inserted(&crlf, &after);
    assert!(!added.replace("\r\n", "").contains('\n'), "{added:?}");
}

/// SIGKILL at random moments of a draft against a slow server: the review is always the old
/// or the new complete file.
#[tokio::test(flavor = "multi_thread")]
async fn killed_drafts_leave_the_old_or_the_new_file() {
    let (_server, dir) = serve(
        post().respond_with(
            sse(llm_fixture("openai-stream.sse")).set_delay(Duration::from_millis(150)),
        ),
        "",
    )
    .await;
    let path = dir.path().join(REVIEW);
    let old = original();
    let mut new: Option<String> = None;
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let (mut finished, mut killed) = (0, 0);
    for _ in 0..24 {
        std::fs::write(&path, &old).unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_millis(100 + seed % 250);
        let mut cmd = pirt(dir.path());
        cmd.args(["draft", REVIEW, "-p", "summary", "-q"]);
        let mut child = cmd.spawn().unwrap();
        tokio::time::sleep(delay).await;
        let _ = child.kill();
        let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
            .await
            .unwrap();
        let now = std::fs::read_to_string(&path).unwrap();
        if now == old {
            killed += 1;
            continue;
        }
        assert!(status.success() || status.code().is_none(), "{status:?}");
        inserted(&old, &now);
        match &new {
            // Only the time in the marker differs between complete drafts.
            Some(n) => assert_eq!(n.len(), now.len()),
            None => new = Some(now),
        }
        finished += 1;
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("postmortems"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // A kill inside the atomic write may leave its hidden temporary file, never a review.
        .filter(|n| !(n.starts_with(".pirt-") && n.ends_with(".tmp")))
        .collect();
    assert_eq!(leftovers, ["review.md"]);
    assert!(
        killed > 0,
        "no run was killed before it wrote ({finished} finished)"
    );
}

/// A small tmpfs mounted for one test (root only; `None` where mounting is not allowed).
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(kib: u32) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills what is left, so that the next write fails with ENOSPC.
    fn fill(&self) {
        use std::io::Write;
        let mut filler = std::fs::File::create(self.path().join("filler")).unwrap();
        let block = vec![0u8; 4096];
        while filler.write_all(&block).is_ok() {}
        let _ = filler.sync_all();
    }

    fn read_only(&self) {
        let status = std::process::Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.path())
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

/// A full disk and a read-only file system: draft, timeline add and problem new fail with
/// the file and the reason, and every file is left as it was. Needs root for the mount;
/// elsewhere it says so and passes without checking.
#[tokio::test(flavor = "multi_thread")]
async fn a_full_or_read_only_disk_fails_clearly_and_changes_nothing() {
    let (_server, source) = serve(
        post()
            .and(path("/v1/chat/completions"))
            .respond_with(sse(llm_fixture("openai-stream.sse"))),
        "",
    )
    .await;
    // Problem records and a first review on another, writable disk: the record is written
    // and the first review linked, the second review cannot be; the record must be taken
    // back and the first review restored.
    let elsewhere = tempfile::tempdir().unwrap();
    let first = elsewhere.path().join("first.md");
    let first_text = original().replace("id: PIR-2026-021", "id: PIR-2026-020");
    std::fs::write(&first, &first_text).unwrap();
    let first = first.display().to_string();
    for mode in ["full", "read-only", "read-only reviews"] {
        let Some(disk) = SmallDisk::mount(256) else {
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
            return;
        };
        crate::copy_dir(source.path(), disk.path());
        let problems = if mode == "read-only reviews" {
            let toml = disk.path().join("pirt.toml");
            let config = std::fs::read_to_string(&toml).unwrap();
            std::fs::write(
                &toml,
                format!(
                    "{config}\n[folders]\nproblems = {:?}\n",
                    elsewhere.path().join("problems").display().to_string()
                ),
            )
            .unwrap();
            elsewhere.path().join("problems")
        } else {
            disk.path().join("problems")
        };
        std::fs::create_dir_all(&problems).unwrap();
        // The lock file exists already, as after any earlier edit.
        let _ = run(disk.path(), &["check", REVIEW], &[]).await;
        match mode {
            "full" => disk.fill(),
            _ => disk.read_only(),
        }
        let expected = match mode {
            "full" => "No space left on device",
            _ => "Read-only file system",
        };
        for args in [
            vec!["draft", REVIEW, "--prompt", "summary"],
            vec![
                "timeline",
                "add",
                REVIEW,
                "Failover finished",
                "--at",
                "2026-11-24T15:00:00Z",
            ],
            vec![
                "problem",
                "new",
                "Failover without fencing",
                "--from",
                &first,
                "--from",
                REVIEW,
            ],
        ] {
            let out = run(disk.path(), &args, &[]).await;
            let err = stderr(&out);
            assert!(
                matches!(out.status.code(), Some(1 | 2)),
                "{mode}: pirt {} exited {:?}:\n{err}",
                args.join(" "),
                out.status.code()
            );
            assert!(
                err.contains(expected),
                "{mode}: pirt {}: the error does not say why:\n{err}",
                args.join(" ")
            );
            assert_eq!(
                read(disk.path()),
                original(),
                "{mode}: pirt {}",
                args.join(" ")
            );
            if mode == "read-only reviews" && args[0] == "problem" {
                assert!(err.contains("the new record was removed"), "{err}");
            }
            assert_eq!(
                std::fs::read_to_string(&first).unwrap(),
                first_text,
                "{mode}"
            );
            let records: Vec<_> = std::fs::read_dir(&problems).unwrap().collect();
            assert!(
                records.is_empty(),
                "{mode}: a problem record was left behind"
            );
            let strays: Vec<String> = std::fs::read_dir(disk.path().join("postmortems"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n != "review.md")
                .collect();
            assert!(
                strays.is_empty(),
                "{mode}: temporary files left: {strays:?}"
            );
        }
    }
}

/// The lessons prompt in a review with the concise template's three sections: each labelled
/// part of the answer fills its own section; in one with `## Lessons learned` it all goes
/// there. Re-drafting replaces pirt's blocks and nothing else.
#[tokio::test(flavor = "multi_thread")]
async fn lessons_fill_three_sections_or_one() {
    let answer = "**What went well**\n- Paged in 2 minutes.\n\n**What went wrong:**\n- No fencing on failover.\n\n**Where we got lucky** (limits)\n- Low traffic at the time.";
    let mut body: serde_json::Value =
        serde_json::from_slice(&llm_fixture("openai-nonstream.json")).unwrap();
    body["choices"][0]["message"]["content"] = answer.into();
    let (server, dir) = serve(
        post().respond_with(json(serde_json::to_vec(&body).unwrap())),
        "stream = false\n",
    )
    .await;
    let three = format!(
        "{}\n## What went well\n\n## What went wrong\n\n<!-- guide: Gaps. -->\n\n## Where we got lucky\n",
        original()
    );
    std::fs::write(dir.path().join(REVIEW), &three).unwrap();
    let args = ["draft", REVIEW, "-p", "lessons"];
    let out = run(dir.path(), &args, &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let after = read(dir.path());
    let section = |text: &str, heading: &str| -> String {
        let start = text.find(&format!("## {heading}\n")).unwrap();
        let rest = &text[start + heading.len() + 4..];
        rest[..rest.find("\n## ").unwrap_or(rest.len())].to_string()
    };
    assert!(section(&after, "What went well").contains("- Paged in 2 minutes."));
    assert!(!section(&after, "What went well").contains("fencing"));
    assert!(section(&after, "What went wrong").contains("<!-- guide: Gaps. -->"));
    assert!(section(&after, "What went wrong").contains("- No fencing on failover."));
    assert!(section(&after, "Where we got lucky").contains("- Low traffic at the time."));
    assert!(!after.contains("Lessons learned"), "{after}");
    assert_eq!(after.matches("<!-- pirt:draft prompt=lessons").count(), 3);
    // The rest of the file is as it was.
    assert!(after.starts_with(&original()));
    // Again: the three blocks are replaced, not added to.
    let out = run(dir.path(), &args, &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let again = read(dir.path());
    assert_eq!(again.matches("<!-- pirt:draft prompt=lessons").count(), 3);
    assert_eq!(again.matches("- Paged in 2 minutes.").count(), 1);

    // A person's text in one of the sections: refused before anything is sent.
    let requests = server.received_requests().await.unwrap().len();
    let human = three.replace(
        "## Where we got lucky\n",
        "## Where we got lucky\n\nThe standby was warm.\n",
    );
    std::fs::write(dir.path().join(REVIEW), &human).unwrap();
    let out = run(dir.path(), &args, &[]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Where we got lucky"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(dir.path()), human);
    assert_eq!(server.received_requests().await.unwrap().len(), requests);

    // One `Lessons learned` section: the whole answer goes there.
    let one = format!("{}\n## Lessons learned\n", original());
    std::fs::write(dir.path().join(REVIEW), &one).unwrap();
    let out = run(dir.path(), &args, &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let after = read(dir.path());
    let lessons = section(&after, "Lessons learned");
    assert!(lessons.contains("**What went well**") && lessons.contains("- Low traffic"));
    assert_eq!(after.matches("<!-- pirt:draft prompt=lessons").count(), 1);
}

/// An answer that ends on the token limit, in each provider's words.
fn cut_at_the_limit(provider: &str) -> ResponseTemplate {
    let (fixture, from, to) = match provider {
        "openai stream" => (
            "openai-stream.sse",
            r#""finish_reason": "stop""#,
            r#""finish_reason": "length""#,
        ),
        "openai whole" => (
            "openai-nonstream.json",
            r#""finish_reason":"stop""#,
            r#""finish_reason":"length""#,
        ),
        _ => (
            "anthropic-stream.sse",
            r#""stop_reason": "end_turn""#,
            r#""stop_reason": "max_tokens""#,
        ),
    };
    let body = String::from_utf8(llm_fixture(fixture)).unwrap();
    assert!(body.contains(from), "{fixture} has {from}");
    let body = body.replace(from, to).into_bytes();
    if fixture.ends_with(".json") {
        json(body)
    } else {
        sse(body)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn answers_cut_at_the_token_limit_are_never_written() {
    let cases = [
        ("openai stream", ""),
        ("openai whole", "stream = false\n"),
        ("anthropic stream", "provider = \"anthropic\"\n"),
    ];
    for (name, config) in cases {
        let (_server, dir) = serve(
            post().respond_with(cut_at_the_limit(name)).expect(2),
            config,
        )
        .await;
        for args in [
            vec!["draft", REVIEW, "-p", "summary"],
            vec!["draft", REVIEW, "-p", "summary", "--stdout"],
        ] {
            let out = run(dir.path(), &args, &[]).await;
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{name} {args:?}: {err}");
            assert_eq!(
                read(dir.path()),
                original(),
                "{name}: the file is unchanged"
            );
            // A single answer to stdout streams as it comes, so it cannot be taken back:
            // the error says it is incomplete. Into the review, nothing is written.
            let fate = if args.contains(&"--stdout") {
                "so what was printed is incomplete"
            } else {
                "and was not written"
            };
            assert!(
                err.contains(&format!("summary: the answer stopped at the token limit (1024 tokens, from [llm] max_tokens) {fate}; raise it with `pirt draft postmortems/review.md -p summary --max-tokens 2048`")),
                "{name}: {err}"
            );
        }
    }
}

/// The `max_tokens` of the last request the server received.
async fn sent_max_tokens(server: &MockServer) -> serde_json::Value {
    let requests = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&requests.last().unwrap().body).unwrap();
    body["max_tokens"].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_limit_comes_from_the_flag_the_prompt_file_or_the_config() {
    let answer = sse(llm_fixture("openai-stream.sse"));
    let (server, dir) = serve(post().respond_with(answer), "max_tokens = 333\n").await;
    // Drafts the summary to stdout with the extra flags; returns the limit sent.
    let sent = async |flags: &[&str]| {
        let mut args = vec!["draft", REVIEW, "-p", "summary", "--stdout"];
        args.extend(flags);
        let out = run(dir.path(), &args, &[]).await;
        assert!(out.status.success(), "{}", stderr(&out));
        sent_max_tokens(&server).await
    };
    assert_eq!(sent(&[]).await, 333, "[llm] max_tokens");
    assert_eq!(sent(&["--max-tokens", "77"]).await, 77, "--max-tokens");
    let prompts = dir.path().join(".pirt/prompts");
    std::fs::create_dir_all(&prompts).unwrap();
    std::fs::write(
        prompts.join("summary.md"),
        "---\ndescription: Ours\ntarget: section:Summary\nmax_tokens: 55\n---\nSummarise {{ review.title }}\n",
    )
    .unwrap();
    assert_eq!(sent(&[]).await, 55, "the prompt file");
    assert_eq!(
        sent(&["--max-tokens", "88"]).await,
        88,
        "the flag over the prompt file"
    );
    let out = run(
        dir.path(),
        &["draft", REVIEW, "-p", "summary", "--max-tokens", "0"],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_answer_names_what_is_configured() {
    let empty = b"data: {\"model\": \"m\", \"choices\": [{\"index\": 0, \"delta\": {\"role\": \"assistant\"}, \"finish_reason\": null}]}\n\ndata: [DONE]\n\n".to_vec();
    for (config, says, never) in [
        (
            "concurrency = 1\nretries = 0\n",
            "[llm] concurrency is already 1, so it is not a cut-off parallel request",
            "try concurrency = 1",
        ),
        (
            "concurrency = 4\nretries = 0\n",
            "[llm] concurrency is 4: a server that runs one request at a time",
            "already 1",
        ),
    ] {
        let (_server, dir) = serve(post().respond_with(sse(empty.clone())), config).await;
        let out = run(dir.path(), &["draft", REVIEW, "-p", "summary"], &[]).await;
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(says), "{err}");
        assert!(!err.contains(never), "{err}");
        assert!(err.contains("context window"), "{err}");
        assert_eq!(read(dir.path()), original());
    }
}

const TRANSCRIPT: &str = "transcript.txt";

/// A scratch repository (as `serve` makes it) with the transcript beside the review.
async fn serve_with_transcript(mock: Mock, extra: &str) -> (MockServer, tempfile::TempDir) {
    let (server, dir) = serve(mock, extra).await;
    std::fs::copy(
        fixtures().join("draft/transcript.txt"),
        dir.path().join(TRANSCRIPT),
    )
    .unwrap();
    (server, dir)
}

/// What the model answers to the timeline prompt: three entries that hold, and five that
/// do not (a time that does not parse, a time outside the incident window, an unknown
/// kind, a text of two lines, a quote that is not in the transcript).
const TIMELINE_ANSWER: &str = r#"{"timeline": [
  {"at": "14:12", "kind": "diagnosis", "text": "Disk I/O errors found on orders-db-1; the primary is down.", "quote": "orders-db-1 disk I/O errors in dmesg, primary looks dead"},
  {"at": "14:30", "kind": "communication", "text": "Status page updated: investigating elevated order errors.", "quote": "posted to status page: investigating elevated errors on orders"},
  {"at": "2026-11-24 14:45", "kind": "mitigation", "text": "Order error rate back under 1%.", "quote": "11: [14:45] li.wei: error rate back under 1%"},
  {"at": "14:99", "kind": "note", "text": "Bad time.", "quote": "why hasn't failover kicked in?"},
  {"at": "09:00", "kind": "note", "text": "Too early.", "quote": "why hasn't failover kicked in?"},
  {"at": "14:15", "kind": "outage", "text": "Unknown kind.", "quote": "why hasn't failover kicked in?"},
  {"at": "14:15", "kind": "note", "text": "Two\nlines.", "quote": "why hasn't failover kicked in?"},
  {"at": "14:50", "kind": "resolution", "text": "The CEO called.", "quote": "the CEO called the on-call"}
]}"#;

/// `text` as an OpenAI stream (chat.completion.chunk events, as the recorded stream has
/// them), cut into pieces of 24 characters; `finish` is the last chunk's finish_reason.
fn openai_stream(text: &str, finish: &str) -> ResponseTemplate {
    let chunk = |delta: serde_json::Value, finish: serde_json::Value| {
        let event = serde_json::json!({"id": "chatcmpl-1", "model": "smollm2", "created": 1795709024, "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]});
        format!("data: {event}\n\n")
    };
    let mut body = chunk(
        serde_json::json!({"role": "assistant"}),
        serde_json::Value::Null,
    );
    let chars: Vec<char> = text.chars().collect();
    for piece in chars.chunks(24) {
        let piece: String = piece.iter().collect();
        body.push_str(&chunk(
            serde_json::json!({"content": piece}),
            serde_json::Value::Null,
        ));
    }
    body.push_str(&chunk(serde_json::json!({}), serde_json::json!(finish)));
    body.push_str("data: [DONE]\n\n");
    sse(body.into_bytes())
}

/// `text` as a whole OpenAI chat completion.
fn openai_whole(text: &str) -> ResponseTemplate {
    let body = serde_json::json!({"id": "chatcmpl-2", "object": "chat.completion", "created": 1795709024, "model": "smollm2", "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "logprobs": null, "finish_reason": "stop"}], "usage": {"prompt_tokens": 900, "completion_tokens": 300, "total_tokens": 1200}});
    json(body.to_string().into_bytes())
}

/// `text` as an Anthropic Messages stream, in a ```json fence (Anthropic has no JSON
/// mode: the prompt asks for a fence).
fn anthropic_stream(text: &str) -> ResponseTemplate {
    let event = |name: &str, data: serde_json::Value| format!("event: {name}\ndata: {data}\n\n");
    let mut body = event(
        "message_start",
        serde_json::json!({"type": "message_start", "message": {"id": "msg_1", "type": "message", "role": "assistant", "content": [], "model": "claude-sonnet-4-5", "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 900, "output_tokens": 1}}}),
    );
    body.push_str(&event("content_block_start", serde_json::json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}})));
    body.push_str(&event("ping", serde_json::json!({"type": "ping"})));
    let fenced = format!("```json\n{text}\n```");
    let chars: Vec<char> = fenced.chars().collect();
    for piece in chars.chunks(24) {
        let piece: String = piece.iter().collect();
        body.push_str(&event("content_block_delta", serde_json::json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}})));
    }
    body.push_str(&event(
        "content_block_stop",
        serde_json::json!({"type": "content_block_stop", "index": 0}),
    ));
    body.push_str(&event("message_delta", serde_json::json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 300}})));
    body.push_str(&event(
        "message_stop",
        serde_json::json!({"type": "message_stop"}),
    ));
    sse(body.into_bytes())
}

/// The timeline of a review file, with the drafting time of its comments replaced.
fn timeline_block(text: &str) -> String {
    let start = text.find("timeline:\n").unwrap();
    let end = start + text[start..].find("action_items:").unwrap();
    without_times(&text[start..end])
}

/// `, 2026-12-02T07:12:09Z)` → `, [at])` in the provenance comments.
fn without_times(text: &str) -> String {
    text.lines()
        .map(|l| match (l.find("smollm2, "), l.find(") from ")) {
            (Some(a), Some(b)) if a < b => format!("{}[at]{}", &l[..a + 9], &l[b..]),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn timeline_entries_from_a_transcript_are_validated_and_appended() {
    let (server, dir) = serve_with_transcript(
        post()
            .and(path("/v1/chat/completions"))
            .respond_with(openai_stream(TIMELINE_ANSWER, "stop"))
            .expect(2),
        "",
    )
    .await;
    let args = ["draft", REVIEW, "-p", "timeline", "--from", TRANSCRIPT];
    let out = run(dir.path(), &args, &[]).await;
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for reason in [
        "timeline: rejected {\"at\":\"14:99\"",
        "outside the incident window (2026-11-24 13:02 UTC to 2026-11-24 16:30 UTC)",
        "unknown kind `outage`",
        "the text is more than one line",
        "the quote is not a line of transcript.txt",
        "timeline: added 3 timeline entries from transcript lines 5, 9, 11",
        "check the new timeline entries against the transcript",
    ] {
        assert!(err.contains(reason), "{reason}: {err}");
    }
    let after = read(dir.path());
    // Only the timeline changed; the rest of the file is byte for byte the same.
    let (before, now) = (original(), after.clone());
    let cut = |t: &str| t[t.find("action_items:").unwrap()..].to_string();
    assert_eq!(cut(&before), cut(&now));
    insta::assert_snapshot!(timeline_block(&after));
    for rejected in [
        "Bad time",
        "Too early",
        "Unknown kind",
        "Two lines",
        "The CEO",
    ] {
        assert!(!after.contains(rejected), "{rejected}");
    }
    // What the server received: the numbered transcript, redacted, and the schema.
    let requests = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    let user = body["messages"][1]["content"].as_str().unwrap();
    assert!(
        user.contains("5: [14:12] ana.lopez: orders-db-1 disk I/O errors"),
        "{user}"
    );
    assert!(!user.contains("xoxb-"), "{user}");
    assert!(!user.contains("li.wei@example.com"), "{user}");
    assert!(user.contains("admin bot token is <TOKEN_"), "{user}");
    assert_eq!(body["response_format"]["type"], "json_schema");
    let schema = &body["response_format"]["json_schema"]["schema"];
    assert_eq!(
        schema["properties"]["timeline"]["items"]["required"],
        serde_json::json!(["at", "kind", "text", "quote"])
    );
    // A re-run adds nothing: the lines are sources of the timeline already.
    let again = run(dir.path(), &args, &[]).await;
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again)
            .contains("the 3 entries of the answer are in the timeline already; nothing was added"),
        "{}",
        stderr(&again)
    );
    assert_eq!(read(dir.path()), after);
    // The drafted file passes check's timeline rules and schema.
    let check = run(dir.path(), &["check", REVIEW, "--format", "json"], &[]).await;
    let found: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    for d in found["diagnostics"].as_array().unwrap() {
        assert!(
            !["schema", "timeline-order", "yaml-syntax"].contains(&d["rule"].as_str().unwrap()),
            "{d}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn timeline_entries_from_whole_and_anthropic_answers() {
    for (answer, config) in [
        (openai_whole(TIMELINE_ANSWER), "stream = false\n"),
        (
            anthropic_stream(TIMELINE_ANSWER),
            "provider = \"anthropic\"\n",
        ),
    ] {
        let (server, dir) =
            serve_with_transcript(post().respond_with(answer).expect(1), config).await;
        let out = run(
            dir.path(),
            &["draft", REVIEW, "-p", "timeline", "--from", TRANSCRIPT],
            &[("ANTHROPIC_API_KEY", "sk-ant-test")],
        )
        .await;
        assert!(out.status.success(), "{config}: {}", stderr(&out));
        let after = read(dir.path());
        assert_eq!(after.matches("source: transcript:").count(), 3, "{after}");
        assert_eq!(
            after.matches("# drafted by pirt (prompt timeline").count(),
            3
        );
        let requests = server.received_requests().await.unwrap();
        let sent = String::from_utf8_lossy(&requests[0].body).into_owned();
        assert!(!sent.contains("Tq8vLm3XnR7bKw2ZpY9cJd4F"), "{config}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn timeline_answers_that_are_cut_or_empty_write_nothing() {
    let (_server, dir) = serve_with_transcript(
        post().respond_with(openai_stream(TIMELINE_ANSWER, "length")),
        "",
    )
    .await;
    let args = ["draft", REVIEW, "-p", "timeline", "--from", TRANSCRIPT];
    let out = run(dir.path(), &args, &[]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("timeline: the answer stopped at the token limit"));
    assert_eq!(read(dir.path()), original());
    let nothing = r#"{"timeline": [{"at": "14:15", "kind": "note", "text": "x", "quote": "not there at all"}]}"#;
    let (_server, dir) =
        serve_with_transcript(post().respond_with(openai_stream(nothing, "stop")), "").await;
    let out = run(dir.path(), &args, &[]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("timeline: no valid timeline entry in the answer; nothing was added")
    );
    assert_eq!(read(dir.path()), original());
    let (_server, dir) = serve_with_transcript(
        post().respond_with(openai_stream("No events found.", "stop")),
        "",
    )
    .await;
    let out = run(dir.path(), &args, &[]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no JSON list of timeline entries"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(dir.path()), original());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_timeline_prompt_needs_from_and_is_left_out_of_all() {
    let (server, dir) = serve_with_transcript(
        post().respond_with(ResponseTemplate::new(500)).expect(0),
        "",
    )
    .await;
    let out = run(dir.path(), &["draft", REVIEW, "-p", "timeline"], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("prompt `timeline` reads a transcript: name it with --from PATH"),
        "{}",
        stderr(&out)
    );
    let out = run(
        dir.path(),
        &["draft", REVIEW, "-p", "summary", "--from", TRANSCRIPT],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--from PATH is read by a timeline prompt only"),
        "{}",
        stderr(&out)
    );
    let out = run(
        dir.path(),
        &["draft", REVIEW, "-p", "timeline", "--from", "missing.txt"],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read missing.txt"),
        "{}",
        stderr(&out)
    );
    // --all drafts every section and the action items, never the timeline.
    let out = run(dir.path(), &["draft", REVIEW, "--all", "--dry-run"], &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&out).contains("Transcript ("), "{}", stdout(&out));
    let list = run(dir.path(), &["draft", "--list"], &[]).await;
    assert!(stdout(&list).contains("timeline"), "{}", stdout(&list));
    // --dry-run shows the redacted, numbered transcript and sends nothing.
    let out = run(
        dir.path(),
        &[
            "draft",
            REVIEW,
            "-p",
            "timeline",
            "--from",
            TRANSCRIPT,
            "--dry-run",
        ],
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains("Transcript (transcript.txt), one line per row after its line number:"),
        "{shown}"
    );
    assert!(
        shown.contains("8: [14:22] ana.lopez: admin bot token is <TOKEN_"),
        "{shown}"
    );
    assert!(!shown.contains("xoxb-"), "{shown}");
    drop(server);
    assert_eq!(read(dir.path()), original());
}
