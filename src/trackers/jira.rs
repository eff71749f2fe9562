//! Jira's REST API: Cloud (v3, descriptions in the Atlassian Document Format, e-mail and
//! API token) and Data Center (v2, text descriptions, a bearer token): the calls pirt makes
//! and what it reads from the answers.
//! <https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/>

use serde_json::{Value, json};

use super::{Call, Issue, IssueState, NewIssue, encode};

const FIELDS: &[&str] = &["status", "resolution", "assignee", "duedate", "description"];

/// `GET /issue/{key}?fields=...` (relative to `/rest/api/{3|2}`).
pub fn fetch(key: &str) -> Call {
    Call::get(format!("/issue/{}", encode(key))).query("fields", &FIELDS.join(","))
}

/// `POST /issue`. `v3`: the description as a document (ADF) and the assignee by
/// `accountId`; v2: text and the assignee's user `name`.
pub fn create(project: &str, issue_type: &str, v3: bool, new: &NewIssue) -> Call {
    let mut fields = json!({
        "project": { "key": project },
        "summary": new.title,
        "issuetype": { "name": issue_type },
        "description": if v3 { adf(&new.body) } else { json!(new.body) },
        // Jira labels hold no spaces.
        "labels": new.labels.iter().map(|l| l.split_whitespace().collect::<Vec<_>>().join("-")).collect::<Vec<_>>(),
    });
    if let Some(due) = new.due {
        fields["duedate"] = json!(due.to_string());
    }
    if let Some(account) = &new.assignee {
        fields["assignee"] = if v3 {
            json!({ "accountId": account })
        } else {
            json!({ "name": account })
        };
    }
    Call::post("/issue".into(), json!({ "fields": fields }))
}

/// The JQL search for the marker: `POST /search/jql` on Cloud (the old `/search` is gone
/// there), `POST /search` on Data Center.
pub fn search(project: &str, v3: bool, marker: &str) -> Call {
    let jql = format!(
        "project = {} AND description ~ {} ORDER BY created DESC",
        jql_string(project),
        jql_string(&format!("\"{marker}\""))
    );
    let path = if v3 { "/search/jql" } else { "/search" };
    Call::post(
        path.into(),
        json!({ "jql": jql, "fields": FIELDS, "maxResults": 20 }),
    )
}

/// A JQL string literal.
fn jql_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A text as an Atlassian document: one paragraph per line, URLs as links.
pub fn adf(text: &str) -> Value {
    let paragraphs: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let pieces: Vec<Value> = line
                .split_inclusive(' ')
                .map(|word| {
                    let bare = word.trim_end();
                    if bare.starts_with("https://") || bare.starts_with("http://") {
                        json!({"type": "text", "text": word, "marks": [{"type": "link", "attrs": {"href": bare}}]})
                    } else {
                        json!({"type": "text", "text": word})
                    }
                })
                .collect();
            json!({ "type": "paragraph", "content": merge_text(pieces) })
        })
        .collect();
    json!({ "type": "doc", "version": 1, "content": paragraphs })
}

/// Adjacent plain text nodes as one.
fn merge_text(pieces: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for piece in pieces {
        match (out.last_mut(), piece.get("marks")) {
            (Some(last), None) if last.get("marks").is_none() => {
                let joined = format!(
                    "{}{}",
                    last["text"].as_str().unwrap_or_default(),
                    piece["text"].as_str().unwrap_or_default()
                );
                last["text"] = json!(joined);
            }
            _ => out.push(piece),
        }
    }
    out
}

/// The text of a description: a string (v2) or a document (v3), its text nodes by
/// paragraph.
fn text_of(description: &Value) -> String {
    fn walk(node: &Value, out: &mut String) {
        if let Some(text) = node.get("text").and_then(Value::as_str) {
            out.push_str(text);
        }
        if let Some(children) = node.get("content").and_then(Value::as_array) {
            for child in children {
                walk(child, out);
            }
            if node.get("type").and_then(Value::as_str) == Some("paragraph") {
                out.push('\n');
            }
        }
    }
    match description {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => {
            let mut out = String::new();
            walk(other, &mut out);
            out
        }
    }
}

/// One issue; `site` is the site root its web page is under.
pub fn issue(json: &Value, site: &str) -> Result<Issue, String> {
    let key = json
        .get("key")
        .and_then(Value::as_str)
        .ok_or("no `key` in the issue")?;
    let fields = json.get("fields").ok_or("no `fields` in the issue")?;
    let category = fields
        .pointer("/status/statusCategory/key")
        .and_then(Value::as_str)
        .ok_or("no `fields.status.statusCategory.key` in the issue")?;
    let resolution = fields
        .pointer("/resolution/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let state = match category {
        "done" if wont_do(resolution) => IssueState::WontDo,
        "done" => IssueState::Done,
        "indeterminate" => IssueState::InProgress,
        // `new`, and `undefined` (a status without a category).
        _ => IssueState::Open,
    };
    let assignees = fields
        .get("assignee")
        .and_then(|a| {
            a.get("accountId")
                .or_else(|| a.get("name"))
                .and_then(Value::as_str)
        })
        .map(|a| vec![a.to_string()])
        .unwrap_or_default();
    let due = fields
        .get("duedate")
        .and_then(Value::as_str)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    Ok(Issue {
        id: key.to_string(),
        url: format!("{site}/browse/{key}"),
        state,
        assignees,
        due,
        body: fields.get("description").map(text_of).unwrap_or_default(),
    })
}

/// Resolutions that mean the work will not be done.
fn wont_do(resolution: &str) -> bool {
    let r = resolution.to_lowercase().replace('’', "'");
    ["won't do", "won't fix", "declined"].contains(&r.as_str())
}

/// The key of a created issue (`{"id": "10000", "key": "OPS-24", "self": ...}`).
pub fn created_key(json: &Value) -> Result<String, String> {
    json.get("key")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| "no `key` in the answer".to_string())
}

/// Search results: `{"issues": [...]}` (v3 `search/jql` and v2 `search`).
pub fn issues(json: &Value, site: &str) -> Result<Vec<Issue>, String> {
    json.get("issues")
        .and_then(Value::as_array)
        .ok_or("expected `issues` in the search results")?
        .iter()
        .map(|i| issue(i, site))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_read_back_as_their_text() {
        let text = "From PIR-1: \"Checkout\".\nReview: https://x.example/r.html\n\npirt:PIR-1/AI-1";
        let doc = adf(text);
        assert_eq!(
            doc["content"][1]["content"][1]["marks"][0]["attrs"]["href"],
            "https://x.example/r.html"
        );
        let back = text_of(&doc);
        assert!(super::super::has_marker(&back, "pirt:PIR-1/AI-1"), "{back}");
        assert!(
            back.contains("Review: https://x.example/r.html\n"),
            "{back}"
        );
    }

    #[test]
    fn jql_strings_are_escaped() {
        let call = search("OPS", true, "pirt:P\"1/AI-1");
        assert_eq!(
            call.body.unwrap()["jql"],
            "project = \"OPS\" AND description ~ \"\\\"pirt:P\\\"1/AI-1\\\"\" ORDER BY created DESC"
        );
    }
}
