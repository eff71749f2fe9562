//! The severity scale (`[[severity]]` in pirt.toml) and a review's severity, resolved
//! against it once, when the file is parsed.

use serde::{Deserialize, Serialize};

/// One level of the scale.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SeverityLevel {
    pub id: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub description: String,
    /// A review of this severity must link a problem record.
    #[serde(default)]
    pub requires_problem: bool,
    /// Days after the incident by which action items are due when they have no `due`.
    pub action_item_days: Option<u32>,
    /// Action items (not `wont-do`) a review of this severity must have. Default: 1 where
    /// `requires_problem`, else 0.
    pub min_action_items: Option<u32>,
}

impl SeverityLevel {
    /// The configured minimum, else the default for the level.
    pub fn min_action_items(&self) -> u32 {
        self.min_action_items
            .unwrap_or(u32::from(self.requires_problem))
    }
}

/// The severity scale, most severe first. Held by the config; the review model reads it
/// (and nothing else of the config) to resolve severities.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Scale(pub Vec<SeverityLevel>);

impl std::ops::Deref for Scale {
    type Target = [SeverityLevel];

    fn deref(&self) -> &[SeverityLevel] {
        &self.0
    }
}

impl AsRef<Scale> for Scale {
    fn as_ref(&self) -> &Scale {
        self
    }
}

impl Scale {
    /// The level named by an id or alias (case-insensitive), with its rank (0: most severe).
    pub fn find(&self, name: &str) -> Option<(usize, &SeverityLevel)> {
        let name = name.trim();
        self.0.iter().enumerate().find(|(_, level)| {
            level.id.eq_ignore_ascii_case(name)
                || level.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
        })
    }

    /// The level named by an id or alias (case-insensitive).
    pub fn level(&self, name: &str) -> Option<&SeverityLevel> {
        self.find(name).map(|(_, level)| level)
    }

    /// A severity as written, resolved: the scale's id and rank, or the text as written
    /// (rank `None`) when it is not in the scale.
    pub fn resolve(&self, name: &str) -> Severity {
        match self.find(name) {
            Some((rank, level)) => Severity {
                id: level.id.clone(),
                rank: Some(rank),
            },
            None => Severity {
                id: name.to_string(),
                rank: None,
            },
        }
    }

    /// The ids of the scale, most severe first.
    pub fn ids(&self) -> Vec<String> {
        self.0.iter().map(|s| s.id.clone()).collect()
    }

    /// The level a resolved severity stands for.
    pub fn of(&self, severity: &Severity) -> Option<&SeverityLevel> {
        self.0.get(severity.rank?)
    }
}

/// A review's severity: the scale's id (an alias such as `P1` becomes `SEV1`) and its rank
/// in the scale, 0 the most severe; a severity not in the scale is kept as written, with no
/// rank (and a `severity-scale` finding). Serialized as the id alone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Severity {
    pub id: String,
    pub rank: Option<usize>,
}

impl Severity {
    pub fn as_str(&self) -> &str {
        &self.id
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.id)
    }
}

impl PartialEq<str> for Severity {
    fn eq(&self, other: &str) -> bool {
        self.id == other
    }
}

impl PartialEq<&str> for Severity {
    fn eq(&self, other: &&str) -> bool {
        self.id == *other
    }
}

impl Serialize for Severity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.id)
    }
}

impl schemars::JsonSchema for Severity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Severity".into()
    }

    fn inline_schema() -> bool {
        true
    }

    /// The names come from the config's scale: `schema::review_schema` lists them.
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A level of the configured scale, or one of its aliases",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale() -> Scale {
        let level = |id: &str, alias: &str| SeverityLevel {
            id: id.into(),
            aliases: vec![alias.into()],
            description: String::new(),
            requires_problem: false,
            action_item_days: None,
            min_action_items: None,
        };
        Scale(vec![level("SEV1", "P1"), level("SEV2", "major")])
    }

    #[test]
    fn severities_resolve_to_the_id_and_rank() {
        let scale = scale();
        let major = scale.resolve(" Major ");
        assert_eq!((major.id.as_str(), major.rank), ("SEV2", Some(1)));
        assert_eq!(scale.of(&major).map(|l| l.id.as_str()), Some("SEV2"));
        let odd = scale.resolve("SEV9");
        assert_eq!((odd.id.as_str(), odd.rank), ("SEV9", None));
        assert!(scale.of(&odd).is_none());
        assert_eq!(serde_json::to_value(&major).unwrap(), "SEV2");
    }
}
