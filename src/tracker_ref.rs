//! What an action item's `tracker:` value refers to: an issue URL of a configured tracker
//! (`https://github.com/acme/platform/issues/12`, `https://gitlab.example.com/grp/proj/-/issues/3`,
//! `https://acme.atlassian.net/browse/OPS-12`) or a short form (`acme/platform#12`,
//! `grp/proj#3`, `OPS-12`). Any other value belongs to no tracker and is left alone.

use crate::config::{TrackerConfig, TrackerKind, TrackersConfig};

/// An issue of a configured tracker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The tracker's name in `[trackers]`.
    pub tracker: String,
    /// The issue number (GitHub), iid (GitLab) or key (Jira, upper case).
    pub id: String,
}

/// The trackers in the order references are matched: the default first, then by name.
fn ordered(trackers: &TrackersConfig) -> Vec<(&String, &TrackerConfig)> {
    let mut all: Vec<(&String, &TrackerConfig)> = trackers.trackers.iter().collect();
    all.sort_by_key(|(name, _)| Some(name.as_str()) != trackers.default.as_deref());
    all
}

/// The tracker and issue a `tracker:` value names, if it names one of a configured tracker.
pub fn parse_reference(value: &str, trackers: &TrackersConfig) -> Option<Reference> {
    let value = value.trim();
    ordered(trackers).into_iter().find_map(|(name, t)| {
        issue_of(value, t).map(|id| Reference {
            tracker: name.clone(),
            id,
        })
    })
}

/// The short form of a reference (`acme/platform#12`, `OPS-12`), for listings.
pub fn short_form(value: &str, trackers: &TrackersConfig) -> Option<String> {
    let reference = parse_reference(value, trackers)?;
    let tracker = &trackers.trackers[&reference.tracker];
    Some(match tracker.kind {
        TrackerKind::Jira => reference.id,
        _ => format!("{}#{}", tracker.repo, reference.id),
    })
}

/// The web root issue pages live under: `https://github.com` for `api.github.com`,
/// `https://HOST` for GitHub Enterprise's `https://HOST/api/v3`; the base URL otherwise.
pub fn web_root(tracker: &TrackerConfig) -> String {
    let base = tracker.base();
    match tracker.kind {
        TrackerKind::Github => {
            if let Some(rest) = base.strip_prefix("https://api.github.com") {
                return format!("https://github.com{rest}");
            }
            base.strip_suffix("/api/v3").unwrap_or(&base).to_string()
        }
        _ => base,
    }
}

/// The web page of an issue.
pub fn issue_url(tracker: &TrackerConfig, id: &str) -> String {
    let web = web_root(tracker);
    match tracker.kind {
        TrackerKind::Github => format!("{web}/{}/issues/{id}", tracker.repo),
        TrackerKind::Gitlab => format!("{web}/{}/-/issues/{id}", tracker.repo),
        TrackerKind::Jira => format!("{web}/browse/{id}"),
    }
}

/// A `tracker:` value as a link: its page and the text to show.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Link {
    pub url: String,
    pub label: String,
}

/// The link of a `tracker:` value, https only: a reference of a configured tracker links to
/// its issue page under its short form; any other `https://` URL links to itself (unless
/// the link sanitiser would drop it); anything else is no link.
pub fn link(value: &str, trackers: &TrackersConfig) -> Option<Link> {
    let value = value.trim();
    if let Some(reference) = parse_reference(value, trackers) {
        let url = issue_url(&trackers.trackers[&reference.tracker], &reference.id);
        let label = short_form(value, trackers).unwrap_or_else(|| value.to_string());
        return is_https(&url).then_some(Link { url, label });
    }
    (is_https(value)
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"'`".contains(c)))
    .then(|| Link {
        url: value.to_string(),
        label: value.to_string(),
    })
}

fn is_https(url: &str) -> bool {
    url.get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
        && url.len() > 8
}

fn issue_of(value: &str, tracker: &TrackerConfig) -> Option<String> {
    let web = web_root(tracker);
    let rest = strip_prefix_ignore_case(value, &web)
        .and_then(|r| r.strip_prefix('/'))
        .map(|r| {
            r.split(['?', '#'])
                .next()
                .unwrap_or(r)
                .trim_end_matches('/')
        });
    let repo = tracker.repo.as_str();
    match (tracker.kind, rest) {
        (TrackerKind::Github, Some(path)) => {
            let (owner_name, number) = path.rsplit_once("/issues/")?;
            (owner_name.eq_ignore_ascii_case(repo)).then_some(())?;
            number_of(number)
        }
        (TrackerKind::Gitlab, Some(path)) => {
            let (project, number) = path
                .rsplit_once("/-/issues/")
                .or_else(|| path.rsplit_once("/-/work_items/"))?;
            (project.eq_ignore_ascii_case(repo)).then_some(())?;
            number_of(number)
        }
        (TrackerKind::Jira, Some(path)) => jira_key(path.strip_prefix("browse/")?, repo),
        (TrackerKind::Github | TrackerKind::Gitlab, None) => {
            let (project, number) = value.rsplit_once('#')?;
            (project.eq_ignore_ascii_case(repo)).then_some(())?;
            number_of(number)
        }
        (TrackerKind::Jira, None) => jira_key(value, repo),
    }
}

fn strip_prefix_ignore_case<'a>(value: &'a str, prefix: &str) -> Option<&'a str> {
    let head = value.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &value[prefix.len()..])
}

/// A positive issue number, written as digits only.
fn number_of(text: &str) -> Option<String> {
    (!text.is_empty() && text.len() <= 12 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.trim_start_matches('0'))
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

/// `OPS-12` of project `OPS` (the key is case-insensitive in Jira; written upper case).
fn jira_key(text: &str, project: &str) -> Option<String> {
    let (key, number) = text.rsplit_once('-')?;
    (key.eq_ignore_ascii_case(project)).then_some(())?;
    number_of(number).map(|n| format!("{}-{n}", project.to_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trackers() -> TrackersConfig {
        let text = r#"
default = "gh"
[gh]
kind = "github"
repo = "acme/platform"
[ghe]
kind = "github"
repo = "ops/runbooks"
base_url = "https://git.acme.example/api/v3/"
[gl]
kind = "gitlab"
repo = "grp/sub/proj"
base_url = "https://gitlab.example.com"
[jira]
kind = "jira"
repo = "OPS"
base_url = "https://acme.atlassian.net"
"#;
        toml::from_str(text).unwrap()
    }

    fn parsed(value: &str) -> Option<(String, String)> {
        parse_reference(value, &trackers()).map(|r| (r.tracker, r.id))
    }

    fn some(tracker: &str, id: &str) -> Option<(String, String)> {
        Some((tracker.into(), id.into()))
    }

    #[test]
    fn urls_and_short_forms_of_each_kind() {
        assert_eq!(
            parsed("https://github.com/acme/platform/issues/12"),
            some("gh", "12")
        );
        assert_eq!(
            parsed("https://GitHub.com/Acme/Platform/issues/12#issuecomment-1"),
            some("gh", "12")
        );
        assert_eq!(parsed("acme/platform#12"), some("gh", "12"));
        assert_eq!(
            parsed("https://git.acme.example/ops/runbooks/issues/7"),
            some("ghe", "7")
        );
        assert_eq!(parsed("ops/runbooks#7"), some("ghe", "7"));
        assert_eq!(
            parsed("https://gitlab.example.com/grp/sub/proj/-/issues/3"),
            some("gl", "3")
        );
        assert_eq!(
            parsed("https://gitlab.example.com/grp/sub/proj/-/work_items/3"),
            some("gl", "3")
        );
        assert_eq!(parsed("grp/sub/proj#3"), some("gl", "3"));
        assert_eq!(
            parsed("https://acme.atlassian.net/browse/OPS-12"),
            some("jira", "OPS-12")
        );
        assert_eq!(parsed("OPS-12"), some("jira", "OPS-12"));
        assert_eq!(parsed("ops-12"), some("jira", "OPS-12"));
    }

    #[test]
    fn other_values_belong_to_no_tracker() {
        for value in [
            "",
            "https://github.com/other/repo/issues/12",
            "http://github.com/acme/platform/issues/12x",
            "https://github.com/acme/platform/pull/12",
            "https://github.com/acme/platform/issues/",
            "https://github.com/acme/platform/issues/-1",
            "https://github.com.evil.example/acme/platform/issues/12",
            "acme/platform#",
            "acme/platform#0",
            "acme/platform#1e3",
            "OPSX-12",
            "OPS-",
            "OPS-12a",
            "https://acme.atlassian.net/browse/DEV-1",
            "JIRA: OPS-12 maybe",
            "see the ticket",
        ] {
            assert_eq!(parsed(value), None, "{value:?}");
        }
    }

    #[test]
    fn links_are_https_only() {
        let t = trackers();
        let l = link("OPS-12", &t).unwrap();
        assert_eq!(
            (l.url.as_str(), l.label.as_str()),
            ("https://acme.atlassian.net/browse/OPS-12", "OPS-12")
        );
        let l = link("https://github.com/acme/platform/issues/12", &t).unwrap();
        assert_eq!(l.label, "acme/platform#12");
        assert_eq!(
            link("https://tickets.example/T-1", &t).unwrap().label,
            "https://tickets.example/T-1"
        );
        assert_eq!(link("http://tickets.example/T-1", &t), None);
        assert_eq!(link("javascript:alert(1)", &t), None);
        assert_eq!(link("see the vendor", &t), None);
        assert_eq!(link("https://x.example/a b", &t), None);
    }

    #[test]
    fn short_forms_and_web_pages() {
        let t = trackers();
        assert_eq!(
            short_form("https://github.com/acme/platform/issues/12", &t).as_deref(),
            Some("acme/platform#12")
        );
        assert_eq!(
            short_form("https://acme.atlassian.net/browse/OPS-12", &t).as_deref(),
            Some("OPS-12")
        );
        assert_eq!(
            issue_url(&t.trackers["gh"], "12"),
            "https://github.com/acme/platform/issues/12"
        );
        assert_eq!(
            issue_url(&t.trackers["ghe"], "7"),
            "https://git.acme.example/ops/runbooks/issues/7"
        );
        assert_eq!(
            issue_url(&t.trackers["gl"], "3"),
            "https://gitlab.example.com/grp/sub/proj/-/issues/3"
        );
        assert_eq!(
            issue_url(&t.trackers["jira"], "OPS-1"),
            "https://acme.atlassian.net/browse/OPS-1"
        );
    }
}
