//! `pirt schema`: the JSON Schema (draft 2020-12) of a review's front matter, derived from
//! the model's types (their names, required keys and unknown-key policy are said by
//! `schemars` attributes in `review`), completed with the one thing only the config knows:
//! the severity scale.

use serde_json::{Value, json};

use crate::config::Config;
use crate::review::Review;
use crate::review::problem::PROBLEM_STATUSES;

pub fn review_schema(config: &Config) -> Value {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(Review)).expect("schemas serialize");
    // The one thing the types cannot say: the names of the configured scale.
    let severities: Vec<String> = config
        .severity
        .iter()
        .flat_map(|s| std::iter::once(s.id.clone()).chain(s.aliases.iter().cloned()))
        .collect();
    schema["properties"]["severity"]["enum"] = json!(severities);
    schema
}

/// The JSON Schema of a problem record's front matter.
pub fn problem_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://pirt.dev/schema/problem.json",
        "title": "pirt problem record front matter",
        "type": "object",
        "required": ["id", "title"],
        "additionalProperties": crate::review::unknown_key(),
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "status": {"enum": PROBLEM_STATUSES},
            "owner": {"type": ["string", "null"]},
            "workaround": {"type": ["string", "null"]},
            "root_cause": {"type": ["string", "null"]},
            "tags": {"type": "array", "items": {"type": "string"}},
            "services": {"type": "array", "items": {"type": "string"}},
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_knows_the_scale_and_the_names() {
        let schema = review_schema(&Config::default());
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        let severities = schema["properties"]["severity"]["enum"].as_array().unwrap();
        assert!(severities.contains(&json!("SEV1")) && severities.contains(&json!("P1")));
        assert_eq!(
            schema["required"],
            json!(["id", "title", "status", "severity", "started_at"])
        );
        assert_eq!(
            schema["$defs"]["TimelineEntry"]["properties"]["kind"]["anyOf"][0]["$ref"],
            "#/$defs/EntryKind"
        );
        assert_eq!(
            schema["$defs"]["EntryKind"]["enum"],
            json!(crate::review::EntryKind::NAMES)
        );
        assert_eq!(
            schema["$defs"]["ActionItem"]["required"],
            json!(["id", "title"])
        );
        // Unknown keys: a warning in check, so allowed (and flagged) in editors.
        assert!(schema["additionalProperties"]["deprecationMessage"].is_string());
        assert!(schema["properties"].get("sections").is_none());
        assert!(schema["properties"].get("extra").is_none());
    }
}
