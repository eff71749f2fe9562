//! GitHub's REST API (github.com and GitHub Enterprise Server): the calls pirt makes and
//! what it reads from the answers. <https://docs.github.com/en/rest/issues/issues>

use serde_json::{Value, json};

use super::{Call, Issue, IssueState, NewIssue, encode};

fn repo_path(repo: &str) -> String {
    repo.split('/').map(encode).collect::<Vec<_>>().join("/")
}

/// `GET /repos/{owner}/{repo}/issues/{number}`
pub fn fetch(repo: &str, number: &str) -> Call {
    Call::get(format!(
        "/repos/{}/issues/{}",
        repo_path(repo),
        encode(number)
    ))
}

/// `POST /repos/{owner}/{repo}/issues`
pub fn create(repo: &str, new: &NewIssue) -> Call {
    let mut body = json!({ "title": new.title, "body": new.body, "labels": new.labels });
    if let Some(login) = &new.assignee {
        body["assignees"] = json!([login]);
    }
    Call::post(format!("/repos/{}/issues", repo_path(repo)), body)
}

/// The issues created last (one page, newest first): unlike search, this list is
/// consistent, so an issue created a moment ago (by a run that was killed before it wrote
/// the reference) is in it.
pub fn recent(repo: &str) -> Call {
    Call::get(format!("/repos/{}/issues", repo_path(repo)))
        .query("state", "all")
        .query("sort", "created")
        .query("direction", "desc")
        .query("per_page", "100")
}

/// `GET /search/issues?q="MARKER" repo:OWNER/NAME in:body`: older issues; the index lags
/// behind by up to a minute (see [`recent`]).
pub fn search(repo: &str, marker: &str) -> Call {
    Call::get("/search/issues".into())
        .query("q", &format!("\"{marker}\" repo:{repo} in:body is:issue"))
        .query("per_page", "20")
}

/// One issue object.
pub fn issue(json: &Value) -> Result<Issue, String> {
    let number = json
        .get("number")
        .and_then(Value::as_u64)
        .ok_or("no `number` in the issue")?;
    let url = json
        .get("html_url")
        .and_then(Value::as_str)
        .ok_or("no `html_url` in the issue")?;
    let state = match (
        json.get("state").and_then(Value::as_str),
        json.get("state_reason").and_then(Value::as_str),
    ) {
        (Some("open"), _) => IssueState::Open,
        (Some("closed"), Some("not_planned" | "duplicate")) => IssueState::WontDo,
        (Some("closed"), _) => IssueState::Done,
        (other, _) => return Err(format!("unknown issue state {other:?}")),
    };
    let mut assignees: Vec<String> = json
        .get("assignees")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(login).collect())
        .unwrap_or_default();
    if assignees.is_empty()
        && let Some(one) = json.get("assignee").and_then(login)
    {
        assignees.push(one);
    }
    Ok(Issue {
        id: number.to_string(),
        url: url.to_string(),
        state,
        assignees,
        due: None,
        body: json
            .get("body")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    })
}

fn login(user: &Value) -> Option<String> {
    user.get("login")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// A list of issues (`recent`), or search results (`{"items": [...]}`).
pub fn issues(json: &Value) -> Result<Vec<Issue>, String> {
    let list = json
        .as_array()
        .or_else(|| json.get("items").and_then(Value::as_array))
        .ok_or("expected a list of issues")?;
    list.iter()
        // Pull requests are issues to this API; they never carry pirt's marker.
        .filter(|i| i.get("pull_request").is_none_or(Value::is_null))
        .map(issue)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/trackers/github-issue.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn states_reasons_and_pull_requests() {
        let mut issue = fixture();
        assert_eq!(super::issue(&issue).unwrap().state, IssueState::Open);
        for (reason, state) in [
            (json!("completed"), IssueState::Done),
            (Value::Null, IssueState::Done),
            (json!("not_planned"), IssueState::WontDo),
            (json!("duplicate"), IssueState::WontDo),
        ] {
            issue["state"] = json!("closed");
            issue["state_reason"] = reason;
            assert_eq!(super::issue(&issue).unwrap().state, state);
        }
        let mut pr = fixture();
        pr["pull_request"] = json!({"url": "https://api.github.com/repos/acme/platform/pulls/13"});
        let found = issues(&json!([fixture(), pr])).unwrap();
        assert_eq!(found.len(), 1);
        issue["number"] = json!("12");
        assert!(super::issue(&issue).unwrap_err().contains("number"));
        assert!(issues(&json!({"message": "x"})).is_err());
    }
}
