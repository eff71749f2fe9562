//! The names of `pirt check`'s rules, as an enum low in the layers: diagnostics carry one,
//! pirt.toml's `[check.rules]` names them, and `check` holds what each rule does.

named_enum! {
    /// A rule of `pirt check`, by its stable kebab-case name (in `[check.rules]`, in the
    /// JSON and SARIF outputs, in `path:line:col: level[rule]`).
    pub enum RuleId {
        YamlSyntax = "yaml-syntax",
        Schema = "schema",
        RequiredField = "required-field",
        Chronology = "chronology",
        TimelineOrder = "timeline-order",
        SeverityScale = "severity-scale",
        ActionItem = "action-item",
        ActionItemOverdue = "action-item-overdue",
        ProblemLink = "problem-link",
        DanglingReference = "dangling-reference",
        DuplicateId = "duplicate-id",
        RequiredSection = "required-section",
        Placeholder = "placeholder",
        UnreviewedDraft = "unreviewed-draft",
        ImplausibleTime = "implausible-time",
        BlamelessLanguage = "blameless-language",
        SecretInReview = "secret-in-review",
    }
}

/// A name in `[check.rules]` that is not a rule, with the closest rule name when one is
/// close.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule `{name}` in [check.rules]{}; rules: {}", .suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default(), RuleId::NAMES.join(", "))]
pub struct UnknownRule {
    pub name: String,
    pub suggestion: Option<RuleId>,
}

impl UnknownRule {
    /// How its message starts.
    pub const PREFIX: &str = "unknown rule `";
}

impl std::str::FromStr for RuleId {
    type Err = UnknownRule;

    fn from_str(name: &str) -> Result<Self, UnknownRule> {
        RuleId::parse(name).ok_or_else(|| UnknownRule {
            name: name.to_string(),
            suggestion: crate::names::suggest(name, RuleId::NAMES).and_then(RuleId::parse),
        })
    }
}

impl<'de> serde::Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sort_as_text() {
        for id in RuleId::ALL {
            assert_eq!(RuleId::parse(id.as_str()), Some(*id));
        }
        assert!(RuleId::Schema > RuleId::Placeholder);
        let err = "blameless-languag".parse::<RuleId>().unwrap_err();
        assert_eq!(err.suggestion, Some(RuleId::BlamelessLanguage));
        assert!(err.to_string().starts_with(
            "unknown rule `blameless-languag` in [check.rules] (did you mean `blameless-language`?); rules: yaml-syntax, schema,"
        ));
    }
}
