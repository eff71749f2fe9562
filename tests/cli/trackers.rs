//! `pirt actions sync` against local mock servers that answer as GitHub, GitLab and Jira
//! document it; what pirt sends (method, path, headers, body) is asserted.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::{fixtures, pirt};

const TOKEN: &str = "ghp_TESTSECRETt0ken0000000000000000000";
const REVIEW: &str = "postmortems/review.md";

pub const REVIEW_TEXT: &str = "---
# Checkout outage, kept in git.
id: PIR-2026-014
title: Checkout failed after the 4812 deploy
status: draft
severity: SEV2
services: [checkout-api]
started_at: 2026-11-20T14:02:00Z
action_items:
  - id: AI-1
    title: Add a canary stage to the checkout deploy
    type: prevent
    owner: li.wei       # agreed in the review meeting
    tracker: acme/platform#12
  - id: AI-2
    title: Alert on checkout p99
    type: detect
    tracker: WEB/acme/platform/issues/13
  # done in the week after
  - id: AI-3
    title: Runbook for rollbacks
    type: process
    owner: ana
    status: done
    tracker: acme/platform#14
  - {id: AI-4, title: Load-test the pool limits, type: prevent, owner: li.wei, due: 2026-12-15}
  - id: AI-5
    title: Ask the vendor
    tracker: see the vendor ticket
---

## Summary
Checkout failed for 39 minutes.
";

/// A scratch repository with the review and a pirt.toml whose trackers point at `uri`.
pub fn repo(uri: &str, review: &str, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("postmortems")).unwrap();
    std::fs::write(dir.path().join(REVIEW), review.replace("WEB", uri)).unwrap();
    std::fs::write(
        dir.path().join("pirt.toml"),
        format!(
            "[trackers]\ndefault = \"github\"\nretries = 2\n{extra}\n[trackers.github]\nkind = \"github\"\nrepo = \"acme/platform\"\nbase_url = \"{uri}\"\ntoken_env = \"PIRT_TEST_GH_TOKEN\"\nlabels = [\"postmortem-follow-up\"]\n\n[people]\n\"li.wei\" = {{ github = \"liwei\", gitlab = \"li.wei\", jira = \"5b10ac8d82e05b22cc7d4ef5\" }}\nana = {{ github = \"ana-l\" }}\n"
        ),
    )
    .unwrap();
    dir
}

pub async fn sync(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = pirt(dir);
    cmd.args(["actions", "sync"])
        .args(args)
        .env("PIRT_TEST_GH_TOKEN", TOKEN)
        .env("PIRT_TEST_GL_TOKEN", TOKEN)
        .env("PIRT_TEST_JIRA_TOKEN", TOKEN)
        .env("PIRT_TEST_JIRA_EMAIL", "bot@acme.example")
        .env("PIRT_RETRY_MIN_MS", "10");
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains(TOKEN), "the token was printed:\n{all}");
    // Nor its basic-auth form.
    let basic = base64_of(&format!("bot@acme.example:{TOKEN}"));
    assert!(
        !all.contains(&basic),
        "the credentials were printed:\n{all}"
    );
    out
}

fn base64_of(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The review as it is now, with the mock server's address written as WEB again.
pub fn read(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join(REVIEW)).unwrap();
    let toml = std::fs::read_to_string(dir.join("pirt.toml")).unwrap();
    match toml
        .split("base_url = \"")
        .nth(1)
        .and_then(|r| r.split('"').next())
    {
        Some(uri) if uri.starts_with("http://127.0.0.1") => text.replace(uri, "WEB"),
        _ => text,
    }
}

pub fn fixture(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(fixtures().join("trackers").join(name)).unwrap()).unwrap()
}

/// GitHub's issue object (the documented shape), with its number, state and assignees.
pub fn gh_issue(
    number: u64,
    state: &str,
    reason: Option<&str>,
    assignees: &[&str],
    body: &str,
) -> Value {
    let mut issue = fixture("github-issue.json");
    let users: Vec<Value> = assignees
        .iter()
        .enumerate()
        .map(|(i, login)| json!({"login": login, "id": 100 + i, "node_id": "MDQ6VXNlcjE=", "type": "User", "site_admin": false}))
        .collect();
    issue["number"] = json!(number);
    issue["url"] = json!(format!(
        "https://api.github.com/repos/acme/platform/issues/{number}"
    ));
    issue["html_url"] = json!(format!("https://github.com/acme/platform/issues/{number}"));
    issue["state"] = json!(state);
    issue["state_reason"] = json!(reason);
    issue["assignee"] = users.first().cloned().unwrap_or(Value::Null);
    issue["assignees"] = json!(users);
    issue["body"] = json!(body);
    if let Some(o) = issue.as_object_mut() {
        o.remove("pull_request");
    }
    issue
}

fn github_headers(mock: wiremock::MockBuilder) -> wiremock::MockBuilder {
    mock.and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/vnd.github+json"))
        .and(header("x-github-api-version", "2022-11-28"))
}

async fn get_issue(server: &MockServer, number: u64, answer: ResponseTemplate) {
    github_headers(
        Mock::given(method("GET")).and(path(format!("/repos/acme/platform/issues/{number}"))),
    )
    .respond_with(answer)
    .expect(1..)
    .mount(server)
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pull_brings_status_and_owner_and_reports_conflicts() {
    let server = MockServer::start().await;
    get_issue(
        &server,
        12,
        ResponseTemplate::new(200).set_body_json(gh_issue(
            12,
            "closed",
            Some("completed"),
            &["liwei"],
            "x",
        )),
    )
    .await;
    get_issue(
        &server,
        13,
        ResponseTemplate::new(200).set_body_json(gh_issue(
            13,
            "closed",
            Some("not_planned"),
            &["liwei"],
            "x",
        )),
    )
    .await;
    get_issue(
        &server,
        14,
        ResponseTemplate::new(200).set_body_json(gh_issue(
            14,
            "open",
            Some("reopened"),
            &["bob-gh"],
            "x",
        )),
    )
    .await;
    let dir = repo(&server.uri(), REVIEW_TEXT, "");
    let out = sync(dir.path(), &[]).await;
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    let expected = REVIEW_TEXT
        .replace(
            "    tracker: acme/platform#12\n",
            "    tracker: acme/platform#12\n    status: done\n",
        )
        .replace(
            "    tracker: WEB/acme/platform/issues/13\n",
            "    tracker: WEB/acme/platform/issues/13\n    status: wont-do\n    owner: li.wei\n",
        )
        .replace(
            "    status: done\n    tracker: acme/platform#14",
            "    status: open\n    tracker: acme/platform#14",
        );
    assert_eq!(read(dir.path()), expected);
    assert!(
        shown.contains("PIR-2026-014  AI-1  status  open → done"),
        "{shown}"
    );
    assert!(shown.contains("AI-2  owner   — → li.wei"), "{shown}");
    assert!(
        shown.contains("AI-3  owner  ana          bob-gh"),
        "{shown}"
    );
    assert!(
        shown.contains(
            "3 issues read, 0 created, 0 adopted; 4 changes in 1 review, 1 conflict, 0 errors."
        ),
        "{shown}"
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests.len(),
        3,
        "no request for AI-4 (no --create) or AI-5 (not a reference)"
    );
    assert!(requests.iter().all(|r| {
        r.headers
            .get("user-agent")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("pirt/")
    }));

    // Synced: a second run changes nothing and still reports the conflict.
    let again = sync(dir.path(), &["--format", "json"]).await;
    assert_eq!(again.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["changes"], json!([]));
    assert_eq!(report["conflicts"][0]["field"], "owner");
    assert_eq!(report["conflicts"][0]["tracker_value"], "bob-gh");
    assert_eq!(read(dir.path()), expected);
}

fn created_answer(number: u64, request: &Request) -> ResponseTemplate {
    let sent: Value = serde_json::from_slice(&request.body).unwrap();
    let logins: Vec<&str> = sent["assignees"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    ResponseTemplate::new(201).set_body_json(gh_issue(
        number,
        "open",
        None,
        &logins,
        sent["body"].as_str().unwrap(),
    ))
}

const ONE_OPEN: &str = "---\nid: PIR-2026-014\ntitle: Checkout failed after the 4812 deploy\nstatus: draft\nseverity: SEV2\nstarted_at: 2026-11-20T14:02:00Z\naction_items:\n  - {id: AI-4, title: Load-test the pool limits, type: prevent, owner: li.wei, due: 2026-12-15}\n  - id: AI-6\n    title: Done already\n    status: done\n---\n";

async fn empty_search(server: &MockServer) {
    github_headers(Mock::given(method("GET")).and(path("/repos/acme/platform/issues")))
        .and(query_param("state", "all"))
        .and(query_param("sort", "created"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(server)
        .await;
    github_headers(Mock::given(method("GET")).and(path("/search/issues")))
        .and(query_param(
            "q",
            "\"pirt:PIR-2026-014/AI-4\" repo:acme/platform in:body is:issue",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"total_count": 0, "incomplete_results": false, "items": []})),
        )
        .mount(server)
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn create_opens_an_issue_and_writes_its_url() {
    let server = MockServer::start().await;
    empty_search(&server).await;
    github_headers(Mock::given(method("POST")).and(path("/repos/acme/platform/issues")))
        .and(header("content-type", "application/json"))
        .and(body_partial_json(json!({
            "title": "Load-test the pool limits",
            "labels": ["postmortem-follow-up", "SEV2"],
            "assignees": ["liwei"],
        })))
        .respond_with(|r: &Request| created_answer(15, r))
        .expect(1)
        .mount(&server)
        .await;
    let dir = repo(&server.uri(), ONE_OPEN, "");
    let out = sync(dir.path(), &["--create"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        read(dir.path()),
        ONE_OPEN.replace(
            "due: 2026-12-15}",
            "due: 2026-12-15, tracker: WEB/acme/platform/issues/15}"
        )
    );
    let posted = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.method.as_str() == "POST")
        .unwrap();
    let body: Value = serde_json::from_slice(&posted.body).unwrap();
    assert_eq!(
        body["body"],
        "Follow-up of the post-incident review PIR-2026-014: \"Checkout failed after the 4812 deploy\".\n\nReview: postmortems/review.md\nType: prevent\nDue: 2026-12-15\nOwner in the review: li.wei\n\npirt:PIR-2026-014/AI-4\n"
    );
    assert!(
        text(&out).contains("0 issues read, 1 created, 0 adopted; 1 change in 1 review"),
        "{}",
        text(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn create_adopts_an_issue_that_carries_the_marker() {
    let server = MockServer::start().await;
    // The search index has it (the list of recent issues does not: it is older).
    github_headers(Mock::given(method("GET")).and(path("/repos/acme/platform/issues")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([gh_issue(
            20,
            "open",
            None,
            &[],
            "pirt:PIR-2026-014/AI-40"
        )])))
        .mount(&server)
        .await;
    github_headers(Mock::given(method("GET")).and(path("/search/issues")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "total_count": 2, "incomplete_results": false,
            "items": [gh_issue(20, "open", None, &[], "pirt:PIR-2026-014/AI-40"), gh_issue(9, "closed", Some("completed"), &[], "Tracked.\n\npirt:PIR-2026-014/AI-4\n")]
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let dir = repo(&server.uri(), ONE_OPEN, "");
    let out = sync(dir.path(), &["--create"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Adopted, and brought up to date like any other issue: it is closed.
    assert!(
        read(dir.path())
            .contains("due: 2026-12-15, tracker: WEB/acme/platform/issues/9, status: done}"),
        "{}",
        read(dir.path())
    );
    assert!(
        text(&out).contains("0 created, 1 adopted"),
        "{}",
        text(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_reads_but_writes_nothing_anywhere() {
    let server = MockServer::start().await;
    empty_search(&server).await;
    get_issue(
        &server,
        12,
        ResponseTemplate::new(200).set_body_json(gh_issue(
            12,
            "closed",
            Some("completed"),
            &[],
            "x",
        )),
    )
    .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let review = ONE_OPEN.replace(
        "  - id: AI-6\n",
        "  - id: AI-7\n    title: Canary\n    tracker: acme/platform#12\n  - id: AI-6\n",
    );
    let dir = repo(&server.uri(), &review, "");
    let out = sync(dir.path(), &["--create", "--dry-run", "-v"]).await;
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert_eq!(read(dir.path()), review);
    assert!(
        shown.contains("AI-4  tracker  — → (a new issue in github)"),
        "{shown}"
    );
    assert!(shown.contains("AI-7  status   open → done"), "{shown}");
    assert!(
        shown.contains("Dry run, nothing changed: 1 issue read, 1 created"),
        "{shown}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_are_clear_and_the_rest_is_still_synced() {
    let server = MockServer::start().await;
    get_issue(
        &server,
        12,
        ResponseTemplate::new(200).set_body_json(gh_issue(
            12,
            "closed",
            Some("completed"),
            &[],
            "x",
        )),
    )
    .await;
    get_issue(&server, 13, ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest/issues/issues#get-an-issue", "status": "404"}))).await;
    // 429 with Retry-After, then the issue.
    github_headers(Mock::given(method("GET")).and(path("/repos/acme/platform/issues/14")))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(json!({"message": "API rate limit exceeded"})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    get_issue(
        &server,
        14,
        ResponseTemplate::new(200).set_body_json(gh_issue(14, "open", None, &["ana-l"], "x")),
    )
    .await;
    let dir = repo(&server.uri(), REVIEW_TEXT, "");
    let out = sync(dir.path(), &[]).await;
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(shown.contains("error: PIR-2026-014 AI-2: acme/platform#13 was not found, or the token in $PIRT_TEST_GH_TOKEN cannot read acme/platform (HTTP 404)"), "{shown}");
    let now = read(dir.path());
    assert!(
        now.contains("tracker: acme/platform#12\n    status: done\n"),
        "{now}"
    );
    assert!(
        now.contains("issues/13\n  # done"),
        "nothing written for AI-2: {now}"
    );
    assert!(
        now.contains("    status: open\n    tracker: acme/platform#14"),
        "{now}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unauthorized_rate_limited_server_errors_and_timeouts() {
    let cases: Vec<(ResponseTemplate, &str, &str)> = vec![
        (
            ResponseTemplate::new(401).set_body_json(json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"})),
            "",
            "127.0.0.1 refused the token in $PIRT_TEST_GH_TOKEN (HTTP 401: Bad credentials)",
        ),
        (
            ResponseTemplate::new(403).set_body_json(json!({"message": "Resource not accessible by personal access token", "documentation_url": "https://docs.github.com/rest/issues/issues#get-an-issue", "status": "403"})),
            "",
            "the token in $PIRT_TEST_GH_TOKEN cannot read acme/platform (HTTP 403: Resource not accessible by personal access token)",
        ),
        (
            ResponseTemplate::new(403)
                .insert_header("x-ratelimit-limit", "5000")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "4102444800")
                .set_body_json(json!({"message": "API rate limit exceeded for user ID 1.", "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"})),
            "",
            "127.0.0.1 is rate limiting requests; it lets requests through again in",
        ),
        (
            ResponseTemplate::new(500).set_body_string("Internal Server Error"),
            "",
            "answered HTTP 500: Internal Server Error (gave up after 3 attempts)",
        ),
        (
            ResponseTemplate::new(200).set_body_json(gh_issue(12, "open", None, &[], "x")).set_delay(Duration::from_secs(4)),
            "timeout_secs = 1\nretries = 0\n",
            "did not answer within 1 s (raise [trackers] timeout_secs if it is slow)",
        ),
        (
            ResponseTemplate::new(301)
                .insert_header("location", "https://api.github.com/repositories/42/issues/12")
                .set_body_json(json!({"message": "Moved Permanently", "url": "https://api.github.com/repositories/42/issues/12", "documentation_url": "https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api#follow-redirects"})),
            "",
            "answered HTTP 301: moved to https://api.github.com/repositories/42/issues/12 (pirt does not follow redirects with a token",
        ),
        (
            ResponseTemplate::new(200).set_body_bytes(vec![b' '; 17 << 20]),
            "",
            "sent an answer pirt cannot read: the answer is larger than 16 MB",
        ),
        (
            ResponseTemplate::new(200).set_body_string("<html>sign in</html>"),
            "",
            "sent an answer pirt cannot read: the body is not JSON",
        ),
    ];
    for (answer, extra, message) in cases {
        let server = MockServer::start().await;
        get_issue(&server, 12, answer).await;
        let review = REVIEW_TEXT
            .replace("    tracker: WEB/acme/platform/issues/13\n", "")
            .replace("    tracker: acme/platform#14\n", "");
        let config_extra = extra.replace("retries = 0\n", "");
        let dir = repo(&server.uri(), &review, &config_extra);
        if extra.contains("retries = 0") {
            let toml = std::fs::read_to_string(dir.path().join("pirt.toml"))
                .unwrap()
                .replace("retries = 2\n", "retries = 0\n");
            std::fs::write(dir.path().join("pirt.toml"), toml).unwrap();
        }
        let out = sync(dir.path(), &[]).await;
        let shown = text(&out);
        assert_eq!(out.status.code(), Some(2), "{shown}");
        assert!(shown.contains(message), "{message}\n{shown}");
        assert_eq!(read(dir.path()), review, "nothing written");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn setup_errors_name_what_to_set() {
    let dir = repo(
        "https://bot:hunter2@github.example.com/api/v3",
        REVIEW_TEXT,
        "",
    );
    let out = sync(dir.path(), &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("holds credentials; put the token in the variable named by token_env"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("hunter2"));
    let dir = repo("http://github.example.com/api/v3", REVIEW_TEXT, "");
    let out = sync(dir.path(), &[]).await;
    assert!(
        text(&out).contains("is plain http: the token would travel unencrypted"),
        "{}",
        text(&out)
    );
    let dir = repo("https://github.example.com/api/v3", REVIEW_TEXT, "");
    let out = sync(dir.path(), &["--tracker", "jira"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("--tracker jira: no [trackers.jira] in pirt.toml (configured: github)"),
        "{}",
        text(&out)
    );
    let mut cmd = pirt(dir.path());
    let out = cmd.args(["actions", "sync"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains(
            "$PIRT_TEST_GH_TOKEN is not set: [trackers.github] reads its token from it (token_env)"
        ),
        "{}",
        text(&out)
    );
    assert_eq!(
        text(&out).matches("is not set").count(),
        1,
        "one line for the items it fails: {}",
        text(&out)
    );
    assert!(
        text(&out).contains("error: PIR-2026-014 AI-1, PIR-2026-014 AI-3: $PIRT_TEST_GH_TOKEN"),
        "{}",
        text(&out)
    );
}

/// A GitHub that keeps the issues it is sent, whose search never finds anything (its index
/// lags) and whose answers to a create come late: the window a kill lands in.
fn stateful_github(
    issues: std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
) -> impl Fn(&Request) -> ResponseTemplate {
    stateful_github_losing(issues, 0)
}

/// The same, but the first `lost` creates happen and answer 502 (the answer was lost).
fn stateful_github_losing(
    issues: std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
    lost: usize,
) -> impl Fn(&Request) -> ResponseTemplate {
    let failed = std::sync::atomic::AtomicUsize::new(0);
    move |request: &Request| {
        let mut issues = issues.lock().unwrap();
        let path = request.url.path().to_string();
        match (request.method.as_str(), path.as_str()) {
            ("POST", "/repos/acme/platform/issues") => {
                let sent: Value = serde_json::from_slice(&request.body).unwrap();
                let number = issues.len() as u64 + 1;
                let issue = gh_issue(number, "open", None, &[], sent["body"].as_str().unwrap());
                issues.push(issue.clone());
                if failed.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < lost {
                    return ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>");
                }
                ResponseTemplate::new(201)
                    .set_body_json(issue)
                    .set_delay(Duration::from_millis(120))
            }
            ("GET", "/repos/acme/platform/issues") => {
                let newest_first: Vec<Value> = issues.iter().rev().cloned().collect();
                ResponseTemplate::new(200).set_body_json(newest_first)
            }
            ("GET", "/search/issues") => ResponseTemplate::new(200)
                .set_body_json(json!({"total_count": 0, "incomplete_results": false, "items": []})),
            ("GET", p) if p.starts_with("/repos/acme/platform/issues/") => {
                let n: usize = p.rsplit('/').next().unwrap().parse().unwrap();
                match issues.get(n - 1) {
                    Some(issue) => ResponseTemplate::new(200).set_body_json(issue.clone()),
                    None => {
                        ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"}))
                    }
                }
            }
            _ => ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_killed_at_any_point_never_leads_to_a_second_issue() {
    let issues = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(stateful_github(issues.clone()))
        .mount(&server)
        .await;
    let mut review = String::from(
        "---\nid: PIR-2026-014\ntitle: Checkout failed\nstatus: draft\nseverity: SEV2\nstarted_at: 2026-11-20T14:02:00Z\naction_items:\n",
    );
    let items = 8;
    for i in 1..=items {
        review.push_str(&format!(
            "  - id: AI-{i}\n    title: Follow-up {i}\n    owner: li.wei\n"
        ));
    }
    review.push_str("---\n## Summary\nx\n");
    let dir = repo(&server.uri(), &review, "concurrency = 3\n");
    // A small linear congruential generator: kill points spread over the run, repeatable.
    let mut seed: u64 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
        .into();
    let mut kills = Vec::new();
    for _ in 0..10 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let after = Duration::from_millis(20 + (seed >> 33) % 500);
        let mut cmd = pirt(dir.path());
        cmd.args(["actions", "sync", "--create"])
            .env("PIRT_TEST_GH_TOKEN", TOKEN)
            .env("PIRT_RETRY_MIN_MS", "10")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = cmd.spawn().unwrap();
        tokio::time::sleep(after).await;
        let _ = child.kill(); // SIGKILL
        let _ = tokio::task::spawn_blocking(move || child.wait())
            .await
            .unwrap();
        let created = issues.lock().unwrap().len();
        let written = std::fs::read_to_string(dir.path().join(REVIEW))
            .unwrap()
            .matches("tracker:")
            .count();
        // (kill point, issues created, references written): created > written is the window.
        kills.push((after.as_millis(), created, written));
        // Whatever was killed, the review reads as a review (written whole or not at all).
        let now = std::fs::read_to_string(dir.path().join(REVIEW)).unwrap();
        assert!(
            now.starts_with("---\nid: PIR-2026-014\n") && now.ends_with("## Summary\nx\n"),
            "{now}"
        );
    }
    eprintln!("kills (ms, created, written): {kills:?}");
    let out = sync(dir.path(), &["--create"]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "killed after {kills:?} ms\n{}",
        text(&out)
    );
    let issues = issues.lock().unwrap().clone();
    let mut markers: Vec<String> = issues
        .iter()
        .map(|i| {
            i["body"]
                .as_str()
                .unwrap()
                .lines()
                .last()
                .unwrap()
                .to_string()
        })
        .collect();
    markers.sort();
    markers.dedup();
    assert_eq!(
        issues.len(),
        items,
        "one issue per item (killed after {kills:?} ms): {markers:?}"
    );
    assert_eq!(markers.len(), items);
    let now = read(dir.path());
    for issue in &issues {
        let marker = issue["body"].as_str().unwrap().lines().last().unwrap();
        let item = marker.rsplit('/').next().unwrap();
        let number = issue["number"].as_u64().unwrap();
        assert!(
            now.contains(&format!("  - id: {item}\n    title: Follow-up {}\n    owner: li.wei\n    tracker: WEB/acme/platform/issues/{number}\n", &item[3..])),
            "{item} → #{number}\n{now}"
        );
    }
    // A last run finds everything in sync.
    let out = sync(dir.path(), &["--create"]).await;
    assert!(
        text(&out).contains(&format!(
            "{items} issues read, 0 created, 0 adopted; 0 changes"
        )),
        "{}",
        text(&out)
    );
}

fn repo_with(toml: &str, review: &str, uri: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("postmortems")).unwrap();
    std::fs::write(dir.path().join(REVIEW), review.replace("WEB", uri)).unwrap();
    std::fs::write(
        dir.path().join("pirt.toml"),
        format!("{}\n[people]\n\"li.wei\" = {{ gitlab = \"li.wei\", jira = \"5b10ac8d82e05b22cc7d4ef5\", jira-dc = \"liwei\" }}\n", toml.replace("URI", uri)),
    )
    .unwrap();
    dir
}

fn gl_issue(
    iid: u64,
    state: &str,
    assignee: Option<&str>,
    due: Option<&str>,
    description: &str,
) -> Value {
    let mut issue = fixture("gitlab-issue.json");
    issue["iid"] = json!(iid);
    issue["state"] = json!(state);
    issue["due_date"] = json!(due);
    issue["description"] = json!(description);
    issue["web_url"] = json!(format!(
        "https://gitlab.example.com/grp/proj/-/issues/{iid}"
    ));
    let user = assignee.map(|u| json!({"id": 42, "username": u, "name": "Li Wei", "state": "active", "avatar_url": null, "web_url": format!("https://gitlab.example.com/{u}")}));
    issue["assignee"] = user.clone().unwrap_or(Value::Null);
    issue["assignees"] = json!(user.into_iter().collect::<Vec<_>>());
    if state == "closed" {
        issue["closed_at"] = json!("2026-11-29T10:00:00.000Z");
    }
    issue
}

#[tokio::test(flavor = "multi_thread")]
async fn gitlab_pull_and_create() {
    let server = MockServer::start().await;
    let token = || header("private-token", TOKEN);
    for (iid, answer) in [
        (3, gl_issue(3, "closed", None, Some("2026-12-20"), "x")),
        (4, gl_issue(4, "opened", Some("li.wei"), None, "x")),
    ] {
        Mock::given(method("GET"))
            .and(path(format!("/api/v4/projects/grp%2Fproj/issues/{iid}")))
            .and(token())
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/api/v4/projects/grp%2Fproj/issues"))
        .and(query_param("search", "pirt:PIR-2026-014/AI-3"))
        .and(query_param("in", "description"))
        .and(token())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([gl_issue(
            9,
            "opened",
            None,
            None,
            "pirt:PIR-2026-014/AI-30"
        )])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/users"))
        .and(query_param("username", "li.wei"))
        .and(token())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": 42, "username": "li.wei", "name": "Li Wei", "state": "active", "locked": false, "avatar_url": null, "web_url": "https://gitlab.example.com/li.wei"}])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v4/projects/grp%2Fproj/issues"))
        .and(token())
        .and(body_partial_json(json!({
            "title": "Load-test the pool limits",
            "labels": "postmortem-follow-up,SEV2",
            "due_date": "2026-12-15",
            "assignee_ids": [42],
        })))
        .respond_with(|r: &Request| {
            let sent: Value = serde_json::from_slice(&r.body).unwrap();
            ResponseTemplate::new(201).set_body_json(gl_issue(
                10,
                "opened",
                Some("li.wei"),
                Some("2026-12-15"),
                sent["description"].as_str().unwrap(),
            ))
        })
        .expect(1)
        .mount(&server)
        .await;
    let toml = "[trackers.gitlab]\nkind = \"gitlab\"\nrepo = \"grp/proj\"\nbase_url = \"URI\"\ntoken_env = \"PIRT_TEST_GL_TOKEN\"\nlabels = [\"postmortem-follow-up\"]\n";
    let review = "---\nid: PIR-2026-014\ntitle: Checkout failed\nstatus: draft\nseverity: SEV2\nstarted_at: 2026-11-20T14:02:00Z\naction_items:\n  - id: AI-1\n    title: Canary\n    due: 2026-12-15\n    tracker: grp/proj#3\n  - id: AI-2\n    title: Alert\n    tracker: WEB/grp/proj/-/issues/4\n  - id: AI-3\n    title: Load-test the pool limits\n    owner: li.wei\n    due: 2026-12-15\n---\n";
    let dir = repo_with(toml, review, &server.uri());
    let out = sync(dir.path(), &["--create"]).await;
    let shown = text(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the due dates disagree\n{shown}"
    );
    assert!(
        shown.contains("AI-1  due    2026-12-15   2026-12-20"),
        "{shown}"
    );
    assert_eq!(
        read_any(dir.path(), &server.uri()),
        review
            .replace(
                "    tracker: grp/proj#3\n",
                "    tracker: grp/proj#3\n    status: done\n"
            )
            .replace("issues/4\n", "issues/4\n    owner: li.wei\n")
            .replace(
                "    due: 2026-12-15\n---",
                "    due: 2026-12-15\n    tracker: WEB/grp/proj/-/issues/10\n---"
            )
    );
}

fn read_any(dir: &Path, uri: &str) -> String {
    std::fs::read_to_string(dir.join(REVIEW))
        .unwrap()
        .replace(uri, "WEB")
}

fn jira_issue(
    key: &str,
    category: &str,
    resolution: Option<&str>,
    assignee: Option<&str>,
    v3: bool,
) -> Value {
    let mut issue = fixture("jira-issue.json");
    issue["key"] = json!(key);
    let names = [
        ("new", "To Do", 2),
        ("indeterminate", "In Progress", 4),
        ("done", "Done", 3),
    ];
    let (_, name, id) = names.iter().find(|(k, _, _)| *k == category).unwrap();
    issue["fields"]["status"]["name"] = json!(name);
    issue["fields"]["status"]["statusCategory"]["key"] = json!(category);
    issue["fields"]["status"]["statusCategory"]["id"] = json!(id);
    issue["fields"]["status"]["statusCategory"]["name"] = json!(name);
    issue["fields"]["resolution"] = resolution.map_or(Value::Null, |r| json!({"self": "https://acme.atlassian.net/rest/api/3/resolution/10001", "id": "10001", "description": "", "name": r}));
    issue["fields"]["assignee"] = assignee.map_or(Value::Null, |a| {
        if v3 {
            json!({"self": "https://acme.atlassian.net/rest/api/3/user?accountId=x", "accountId": a, "displayName": "Li Wei", "active": true, "accountType": "atlassian", "timeZone": "Europe/Berlin"})
        } else {
            json!({"self": "https://jira.acme.example/rest/api/2/user?username=liwei", "name": a, "key": "JIRAUSER10100", "displayName": "Li Wei", "active": true})
        }
    });
    if !v3 {
        issue["fields"]["description"] =
            json!("Follow-up of the post-incident review PIR-2026-014.");
    }
    issue
}

const JIRA_REVIEW: &str = "---\nid: PIR-2026-014\ntitle: Checkout failed\nstatus: draft\nseverity: SEV2\nstarted_at: 2026-11-20T14:02:00Z\naction_items:\n  - id: AI-1\n    title: Canary\n    tracker: OPS-12\n  - id: AI-2\n    title: Vendor\n    tracker: WEB/browse/OPS-13\n  - id: AI-3\n    title: Alert\n    status: open\n    tracker: OPS-14\n  - id: AI-4\n    title: Load-test the pool limits\n    type: prevent\n    owner: li.wei\n    due: 2026-12-15\n---\n";

async fn jira_flow(v3: bool) {
    let server = MockServer::start().await;
    let api = if v3 { "/rest/api/3" } else { "/rest/api/2" };
    let account = if v3 {
        "5b10ac8d82e05b22cc7d4ef5"
    } else {
        "liwei"
    };
    let auth = if v3 {
        format!("Basic {}", base64_of(&format!("bot@acme.example:{TOKEN}")))
    } else {
        format!("Bearer {TOKEN}")
    };
    for (key, category, resolution, assignee) in [
        ("OPS-12", "done", Some("Done"), None),
        ("OPS-13", "done", Some("Won't Do"), None),
        ("OPS-14", "indeterminate", None, Some(account)),
    ] {
        Mock::given(method("GET"))
            .and(path(format!("{api}/issue/{key}")))
            .and(query_param(
                "fields",
                "status,resolution,assignee,duedate,description",
            ))
            .and(header("authorization", auth.as_str()))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(jira_issue(key, category, resolution, assignee, v3)),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    let search = if v3 { "/search/jql" } else { "/search" };
    Mock::given(method("POST"))
        .and(path(format!("{api}{search}")))
        .and(header("authorization", auth.as_str()))
        .and(body_partial_json(json!({"jql": "project = \"OPS\" AND description ~ \"\\\"pirt:PIR-2026-014/AI-4\\\"\" ORDER BY created DESC"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(if v3 { json!({"issues": [], "isLast": true}) } else { json!({"startAt": 0, "maxResults": 20, "total": 0, "issues": []}) }))
        .expect(1)
        .mount(&server)
        .await;
    let description = if v3 {
        json!({"type": "doc", "version": 1, "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "Follow-up of the post-incident review PIR-2026-014: \"Checkout failed\"."}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "Review: postmortems/review.md"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "Type: prevent"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "Due: 2026-12-15"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "Owner in the review: li.wei"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "pirt:PIR-2026-014/AI-4"}]},
        ]})
    } else {
        json!(
            "Follow-up of the post-incident review PIR-2026-014: \"Checkout failed\".\n\nReview: postmortems/review.md\nType: prevent\nDue: 2026-12-15\nOwner in the review: li.wei\n\npirt:PIR-2026-014/AI-4\n"
        )
    };
    let assignee = if v3 {
        json!({"accountId": account})
    } else {
        json!({"name": account})
    };
    Mock::given(method("POST"))
        .and(path(format!("{api}/issue")))
        .and(header("authorization", auth.as_str()))
        .and(body_partial_json(json!({"fields": {
            "project": {"key": "OPS"},
            "summary": "Load-test the pool limits",
            "issuetype": {"name": "Task"},
            "description": description,
            "labels": ["postmortem-follow-up", "SEV2"],
            "duedate": "2026-12-15",
            "assignee": assignee,
        }})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "10050", "key": "OPS-15", "self": format!("https://acme.atlassian.net/rest/api/3/issue/10050")})))
        .expect(1)
        .mount(&server)
        .await;
    let toml = if v3 {
        "[trackers.jira]\nkind = \"jira\"\nrepo = \"OPS\"\nbase_url = \"URI\"\ntoken_env = \"PIRT_TEST_JIRA_TOKEN\"\nemail_env = \"PIRT_TEST_JIRA_EMAIL\"\nissue_type = \"Task\"\nlabels = [\"postmortem follow-up\"]\n"
    } else {
        "[trackers.jira-dc]\nkind = \"jira\"\nrepo = \"OPS\"\nbase_url = \"URI\"\ntoken_env = \"PIRT_TEST_JIRA_TOKEN\"\napi_version = 2\nlabels = [\"postmortem-follow-up\"]\n"
    };
    let dir = repo_with(toml, JIRA_REVIEW, &server.uri());
    let out = sync(dir.path(), &["--create"]).await;
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert_eq!(
        read_any(dir.path(), &server.uri()),
        JIRA_REVIEW
            .replace(
                "    tracker: OPS-12\n",
                "    tracker: OPS-12\n    status: done\n"
            )
            .replace("browse/OPS-13\n", "browse/OPS-13\n    status: wont-do\n")
            .replace(
                "    status: open\n    tracker: OPS-14\n",
                "    status: in-progress\n    tracker: OPS-14\n    owner: li.wei\n"
            )
            .replace(
                "    due: 2026-12-15\n---",
                "    due: 2026-12-15\n    tracker: WEB/browse/OPS-15\n---"
            ),
        "{shown}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn jira_cloud_v3_pull_and_create() {
    jira_flow(true).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn jira_data_center_v2_pull_and_create() {
    jira_flow(false).await;
}

#[test]
fn listings_show_short_forms_and_pages_link_references() {
    let dir = repo(
        "https://api.github.com",
        REVIEW_TEXT.replace("WEB", "https://github.com").as_str(),
        "",
    );
    let out = pirt(dir.path())
        .args(["actions"])
        .env("PIRT_TODAY", "2026-11-25")
        .output()
        .unwrap();
    let shown = text(&out);
    assert!(shown.contains("TRACKER"), "{shown}");
    assert!(shown.contains(" acme/platform#12 "), "{shown}");
    assert!(
        shown.contains(" acme/platform#13 "),
        "the URL in its short form: {shown}"
    );
    assert!(shown.contains(" see the vendor ticket "), "{shown}");
    let out = pirt(dir.path())
        .args(["render", REVIEW, "--format", "html"])
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&out.stdout).replace("&#x2f;", "/");
    assert!(html.contains("<a href=\"https://github.com/acme/platform/issues/12\" rel=\"noopener noreferrer\">acme/platform#12</a>"), "{html}");
    assert!(html.contains("<a href=\"https://github.com/acme/platform/issues/13\" rel=\"noopener noreferrer\">acme/platform#13</a>"));
    assert!(!html.contains("href=\"see"), "no link for other values");
    let out = pirt(dir.path())
        .args(["render", REVIEW, "--format", "md"])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("| [acme/platform#12](<https://github.com/acme/platform/issues/12>) |"),
        "{md}"
    );
    // A plain http URL is shown, not linked.
    let plain = REVIEW_TEXT.replace("WEB/acme/platform/issues/13", "http://tickets.example/T-13");
    std::fs::write(dir.path().join(REVIEW), plain).unwrap();
    let out = pirt(dir.path())
        .args(["render", REVIEW, "--format", "html"])
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&out.stdout).replace("&#x2f;", "/");
    assert!(
        html.contains(">http://tickets.example/T-13<") && !html.contains("href=\"http://tickets"),
        "{html}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn crlf_and_comments_survive_a_sync_byte_for_byte() {
    let server = MockServer::start().await;
    get_issue(
        &server,
        12,
        ResponseTemplate::new(200).set_body_json(gh_issue(
            12,
            "closed",
            Some("completed"),
            &["liwei"],
            "x",
        )),
    )
    .await;
    let review = "---\r\n# kept\r\nid: PIR-2026-014\r\ntitle: 'Checkout: failed'\r\nstatus: draft\r\nseverity: SEV2\r\nstarted_at: 2026-11-20T14:02:00Z\r\naction_items:\r\n  - id: AI-1   # the canary\r\n    title: Canary\r\n    owner:    # not decided\r\n    status: \"open\"  # as agreed\r\n    tracker: acme/platform#12\r\n  # trailing comment\r\n---\r\n\r\n## Summary\r\nBody.\r\n";
    let dir = repo(&server.uri(), review, "");
    let out = sync(dir.path(), &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        read(dir.path()),
        review
            .replace(
                "    owner:    # not decided",
                "    owner: li.wei    # not decided"
            )
            .replace("status: \"open\"  # as agreed", "status: done  # as agreed")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_run_at_most_concurrency_at_a_time() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(|r: &Request| {
            let n: u64 = r.url.path().rsplit('/').next().unwrap().parse().unwrap();
            ResponseTemplate::new(200)
                .set_body_json(gh_issue(n, "open", None, &[], "x"))
                .set_delay(Duration::from_millis(300))
        })
        .mount(&server)
        .await;
    let mut review = String::from(
        "---\nid: PIR-2026-014\ntitle: T\nstatus: draft\nseverity: SEV2\nstarted_at: 2026-11-20T14:02:00Z\naction_items:\n",
    );
    for i in 1..=8 {
        review.push_str(&format!(
            "  - id: AI-{i}\n    title: t\n    tracker: acme/platform#{i}\n"
        ));
    }
    review.push_str("---\n");
    let mut took = Vec::new();
    for concurrency in [2, 8] {
        let dir = repo(
            &server.uri(),
            &review,
            &format!("concurrency = {concurrency}\n"),
        );
        let started = std::time::Instant::now();
        let out = sync(dir.path(), &[]).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        took.push(started.elapsed());
    }
    eprintln!("8 reads of 300 ms, concurrency 2 and 8: {took:?}");
    // 8 requests of 300 ms: at least 4 rounds at concurrency 2; one round at 8.
    assert!(took[0] >= Duration::from_millis(1200), "{took:?}");
    assert!(took[1] < took[0], "{took:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_whose_answer_was_lost_is_adopted_not_sent_again() {
    let issues = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(stateful_github_losing(issues.clone(), 1))
        .mount(&server)
        .await;
    let dir = repo(&server.uri(), ONE_OPEN, "");
    let out = sync(dir.path(), &["--create"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        issues.lock().unwrap().len(),
        1,
        "one issue, though its first answer was a 502"
    );
    assert!(
        text(&out).contains("0 created, 1 adopted"),
        "{}",
        text(&out)
    );
    assert!(
        read(dir.path()).contains("tracker: WEB/acme/platform/issues/1}"),
        "{}",
        read(dir.path())
    );
}
