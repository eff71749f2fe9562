//! Problem records: the cause behind one or more incidents.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::review::document::{self, Section};
use crate::review::parse::Reader;

pub const PROBLEM_STATUSES: &[&str] = &["open", "known-error", "resolved", "closed"];

const PROBLEM_KEYS: &[&str] = &[
    "id",
    "title",
    "status",
    "owner",
    "workaround",
    "root_cause",
    "tags",
    "services",
];

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Problem {
    pub id: String,
    pub title: String,
    pub status: String,
    pub owner: Option<String>,
    pub workaround: Option<String>,
    pub root_cause: Option<String>,
    pub tags: Vec<String>,
    pub services: Vec<String>,
    pub extra: BTreeMap<String, serde_json::Value>,
    pub sections: Vec<Section>,
}

/// Parses a problem record; problems are diagnostics, as for reviews.
pub fn parse_problem(path: &Path, text: &str) -> (Problem, Vec<Diagnostic>) {
    let mut reader = Reader::new(path);
    let mut problem = Problem::default();
    let Some((layout, root)) = reader.front_matter(text) else {
        return (problem, reader.diagnostics);
    };
    reader.unknown_keys(&root, PROBLEM_KEYS, "", &mut problem.extra);
    problem.id = reader.required_string(&root, "id").unwrap_or_default();
    problem.title = reader.required_string(&root, "title").unwrap_or_default();
    problem.status = reader
        .choice(&root, "status", PROBLEM_STATUSES)
        .unwrap_or_else(|| "open".into());
    problem.owner = reader.string(&root, "owner");
    problem.workaround = reader.string(&root, "workaround");
    problem.root_cause = reader.string(&root, "root_cause");
    problem.tags = reader.string_list(&root, "tags");
    problem.services = reader.string_list(&root, "services");
    problem.sections = document::sections(&text[layout.body_start..], layout.body_first_line);
    (problem, reader.diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_problem_record() {
        let text = "---\nid: PRB-0001\ntitle: Pool sizing\nstatus: known-error\nworkaround: restart\nservices: [db]\n---\n## Analysis\nx\n";
        let (p, d) = parse_problem(Path::new("p.md"), text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(p.id, "PRB-0001");
        assert_eq!(p.status, "known-error");
        assert_eq!(p.services, ["db"]);
        assert_eq!(p.sections[0].heading, "Analysis");
    }

    #[test]
    fn a_bad_status_is_reported_with_its_line() {
        let text = "---\nid: PRB-0001\ntitle: T\nstatus: fixed\n---\n";
        let (_, d) = parse_problem(Path::new("p.md"), text);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].line, d[0].column), (4, 9));
    }
}
