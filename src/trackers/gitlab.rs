//! GitLab's REST API v4 (gitlab.com and self-managed): the calls pirt makes and what it
//! reads from the answers. <https://docs.gitlab.com/api/issues/>

use serde_json::{Value, json};

use super::{Call, Issue, IssueState, NewIssue, encode};

fn project(repo: &str) -> String {
    format!("/projects/{}", encode(repo))
}

/// `GET /projects/:id/issues/:iid`
pub fn fetch(repo: &str, iid: &str) -> Call {
    Call::get(format!("{}/issues/{}", project(repo), encode(iid)))
}

/// `GET /users?username=NAME`: the id `assignee_ids` needs.
pub fn user(username: &str) -> Call {
    Call::get("/users".into()).query("username", username)
}

/// The id in the answer of [`user`].
pub fn user_id(json: &Value) -> Option<u64> {
    json.as_array()?.first()?.get("id")?.as_u64()
}

/// `POST /projects/:id/issues`; `assignee` is a numeric user id here.
pub fn create(repo: &str, new: &NewIssue, assignee: Option<u64>) -> Call {
    let mut body = json!({
        "title": new.title,
        "description": new.body,
        "labels": new.labels.join(","),
    });
    if let Some(due) = new.due {
        body["due_date"] = json!(due.to_string());
    }
    if let Some(id) = assignee {
        body["assignee_ids"] = json!([id]);
    }
    Call::post(format!("{}/issues", project(repo)), body)
}

/// `GET /projects/:id/issues?search=MARKER&in=description`
pub fn search(repo: &str, marker: &str) -> Call {
    Call::get(format!("{}/issues", project(repo)))
        .query("search", marker)
        .query("in", "description")
        .query("scope", "all")
        .query("per_page", "20")
}

pub fn issue(json: &Value) -> Result<Issue, String> {
    let iid = json
        .get("iid")
        .and_then(Value::as_u64)
        .ok_or("no `iid` in the issue")?;
    let url = json
        .get("web_url")
        .and_then(Value::as_str)
        .ok_or("no `web_url` in the issue")?;
    let state = match json.get("state").and_then(Value::as_str) {
        Some("opened") => IssueState::Open,
        Some("closed") => IssueState::Done,
        other => return Err(format!("unknown issue state {other:?}")),
    };
    let mut assignees: Vec<String> = json
        .get("assignees")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(username).collect())
        .unwrap_or_default();
    if assignees.is_empty()
        && let Some(one) = json.get("assignee").and_then(username)
    {
        assignees.push(one);
    }
    let due = json
        .get("due_date")
        .and_then(Value::as_str)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    Ok(Issue {
        id: iid.to_string(),
        url: url.to_string(),
        state,
        assignees,
        due,
        body: json
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    })
}

fn username(user: &Value) -> Option<String> {
    user.get("username")
        .and_then(Value::as_str)
        .map(str::to_string)
}

pub fn issues(json: &Value) -> Result<Vec<Issue>, String> {
    json.as_array()
        .ok_or("expected a list of issues")?
        .iter()
        .map(issue)
        .collect()
}
