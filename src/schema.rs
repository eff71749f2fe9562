//! `pirt schema`: the JSON Schema (draft 2020-12) of a review's front matter, generated
//! from the model's types and completed with what only the config and the parser know
//! (the severity scale, the allowed names, the required keys).

use serde_json::{Value, json};

use crate::config::Config;
use crate::review::problem::PROBLEM_STATUSES;
use crate::review::{ACTION_STATUSES, ACTION_TYPES, DETECTION_METHODS, ENTRY_KINDS, Review};

pub fn review_schema(config: &Config) -> Value {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(Review)).expect("schemas serialize");
    let severities: Vec<String> = config
        .severity
        .iter()
        .flat_map(|s| std::iter::once(s.id.clone()).chain(s.aliases.iter().cloned()))
        .collect();
    let root = schema.as_object_mut().expect("an object schema");
    root.insert("$id".into(), json!("https://pirt.dev/schema/review.json"));
    root.insert("title".into(), json!("pirt review front matter"));
    root.insert(
        "required".into(),
        json!(["id", "title", "status", "severity", "started_at"]),
    );
    root.insert("additionalProperties".into(), unknown_key());
    set(
        &mut schema,
        &["properties", "severity"],
        json!({"type": "string", "enum": severities, "description": "A level of the configured scale, or one of its aliases"}),
    );
    for key in [
        "started_at",
        "detected_at",
        "acknowledged_at",
        "mitigated_at",
        "resolved_at",
    ] {
        set(
            &mut schema,
            &["properties", key],
            json!({"type": ["string", "null"], "format": "date-time", "description": "RFC 3339 with an offset, e.g. 2026-11-20T14:02:00Z"}),
        );
    }
    patch_def(
        &mut schema,
        "TimelineEntry",
        &["at", "text"],
        &[("kind", ENTRY_KINDS)],
    );
    patch_def(
        &mut schema,
        "ActionItem",
        &["id", "title"],
        &[("type", ACTION_TYPES), ("status", ACTION_STATUSES)],
    );
    patch_def(
        &mut schema,
        "Detection",
        &[],
        &[("method", DETECTION_METHODS)],
    );
    patch_def(&mut schema, "Impact", &[], &[]);
    patch_def(&mut schema, "SloImpact", &["name"], &[]);
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
        "additionalProperties": unknown_key(),
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

/// What an unknown key is: allowed, as `pirt check` allows it with a warning (it is kept
/// under `extra`, never dropped). Editors built on vscode-json-languageservice (VS Code,
/// yaml-language-server) show `deprecationMessage` as a warning on the key, so an editor
/// and the gate say the same thing; validators ignore the keyword and accept the key.
fn unknown_key() -> Value {
    json!({
        "deprecationMessage": "pirt does not know this key: a typo? `pirt check` warns about it (with a suggestion) and keeps it"
    })
}

fn set(schema: &mut Value, path: &[&str], value: Value) {
    let mut node = schema;
    for key in path {
        node = node
            .as_object_mut()
            .expect("schema objects")
            .entry(key.to_string())
            .or_insert_with(|| json!({}));
    }
    *node = value;
}

fn patch_def(schema: &mut Value, name: &str, required: &[&str], enums: &[(&str, &[&str])]) {
    let Some(def) = schema
        .pointer_mut(&format!("/$defs/{name}"))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    def.insert("required".into(), json!(required));
    def.insert("additionalProperties".into(), unknown_key());
    for (field, names) in enums {
        if let Some(property) = def.get_mut("properties").and_then(|p| p.get_mut(*field)) {
            *property = json!({"enum": names.iter().map(|n| Value::from(*n)).chain(std::iter::once(Value::Null)).collect::<Vec<_>>()});
        }
    }
    if let Some(due) = def.get_mut("properties").and_then(|p| p.get_mut("due")) {
        *due = json!({"type": ["string", "null"], "format": "date"});
    }
    if let Some(at) = def.get_mut("properties").and_then(|p| p.get_mut("at")) {
        *at = json!({"type": "string", "format": "date-time"});
    }
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
        assert!(
            schema["$defs"]["TimelineEntry"]["properties"]["kind"]["enum"]
                .as_array()
                .unwrap()
                .contains(&json!("mitigation"))
        );
        // Unknown keys: a warning in check, so allowed (and flagged) in editors.
        assert!(schema["additionalProperties"]["deprecationMessage"].is_string());
        assert!(schema["properties"].get("sections").is_none());
        assert!(schema["properties"].get("extra").is_none());
    }
}
