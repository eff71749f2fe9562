//! Prompt files: YAML front matter (what to draft, how) and a minijinja body that becomes
//! the user message. Built-ins come from the top-level `prompts/` folder; a file in
//! `.pirt/prompts/` replaces one of the same name or adds a new one.

use std::path::Path;

use anyhow::Context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::assets::{self, Kind, Origin};
use crate::config::Config;
use crate::review::Review;
use crate::review::document;

/// Where a prompt's answer goes.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A body section; `A|B` in the file accepts either heading (the first is created
    /// when neither exists).
    Section(Vec<String>),
    /// New entries of the front matter's `action_items`.
    ActionItems,
    /// New timeline entries read from a transcript (`--from PATH`).
    Timeline,
    /// Printed (or written with `-o`), never inserted into the review.
    Artefact,
}

impl Target {
    fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Some(headings) = text.strip_prefix("section:") {
            let headings: Vec<String> = headings
                .split('|')
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
                .collect();
            if headings.is_empty() {
                return Err("`section:` needs a heading, e.g. `section:Summary`".into());
            }
            return Ok(Target::Section(headings));
        }
        match text {
            "action_items" => Ok(Target::ActionItems),
            "timeline" => Ok(Target::Timeline),
            "artefact" | "artifact" => Ok(Target::Artefact),
            _ => Err(format!(
                "unknown target `{text}`; use section:<Heading>, action_items, timeline or artefact"
            )),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Target::Section(h) => format!("section:{}", h.join("|")),
            Target::ActionItems => "action_items".into(),
            Target::Timeline => "timeline".into(),
            Target::Artefact => "artefact".into(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Meta {
    description: String,
    target: String,
    system: Option<String>,
    temperature: Option<f64>,
    max_tokens: Option<u32>,
    model: Option<String>,
    #[serde(default)]
    parts: Vec<String>,
}

/// A loaded prompt file.
#[derive(Clone, Debug)]
pub struct Prompt {
    pub name: String,
    pub description: String,
    pub target: Target,
    pub system: Option<String>,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
    pub model: Option<String>,
    /// Labelled parts of the answer that go into sections of their own when the review has
    /// a section for each part and not the target section (`What went well`, ... in the
    /// concise template, where the sre template has one `Lessons learned`).
    pub parts: Vec<String>,
    /// The minijinja template of the user message.
    pub body: String,
    pub origin: Origin,
}

impl Prompt {
    /// Parses a prompt file; errors name the file and line.
    pub fn parse(name: &str, text: &str, origin: Origin) -> anyhow::Result<Self> {
        let shown = match &origin {
            Origin::BuiltIn => format!("built-in prompt {name}"),
            Origin::File(path) => path.display().to_string(),
        };
        let layout = document::split(text).map_err(|e| {
            anyhow::anyhow!("{shown}:{}:{}: {}", e.pos.line, e.pos.column, e.message)
        })?;
        let meta: Meta = crate::review::yaml::from_str(&text[layout.yaml.clone()], layout.base())
            .map_err(|e| {
            anyhow::anyhow!("{shown}:{}:{}: {}", e.pos.line, e.pos.column, e.message)
        })?;
        let target = Target::parse(&meta.target).map_err(|e| {
            let line = text[..layout.yaml.end]
                .lines()
                .position(|l| l.starts_with("target:"))
                .map_or(layout.yaml_first_line, |i| i + 1);
            anyhow::anyhow!("{shown}:{line}: {e}")
        })?;
        if let Some(t) = meta.temperature
            && !(0.0..=2.0).contains(&t)
        {
            anyhow::bail!("{shown}: temperature {t} is outside 0 to 2");
        }
        let parts: Vec<String> = meta.parts.iter().map(|p| p.trim().to_string()).collect();
        if !parts.is_empty() && !matches!(target, Target::Section(_)) {
            anyhow::bail!("{shown}: `parts` needs a section target");
        }
        if parts.iter().any(|p| p.is_empty()) {
            anyhow::bail!("{shown}: `parts` has an empty name");
        }
        let body = text[layout.body_start..].trim_start_matches(['\r', '\n']);
        if body.trim().is_empty() {
            anyhow::bail!("{shown}: the prompt has no body (the text after the front matter)");
        }
        Ok(Prompt {
            name: name.to_string(),
            description: meta.description,
            target,
            system: meta.system.map(|s| s.trim().to_string()),
            temperature: meta.temperature,
            max_tokens: meta.max_tokens,
            model: meta.model,
            parts,
            body: body.to_string(),
            origin,
        })
    }
}

/// The most tokens an answer to a prompt may have, and which setting says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenLimit {
    pub tokens: u32,
    pub source: LimitSource,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LimitSource {
    /// `pirt draft --max-tokens N`.
    Flag,
    /// `max_tokens:` in the prompt file.
    PromptFile,
    /// `[llm] max_tokens`.
    Config,
}

impl Prompt {
    /// The body as a template asset, named after the prompt.
    pub fn asset(&self) -> assets::Asset {
        assets::Asset {
            name: self.name.clone(),
            text: self.body.clone().into(),
            origin: self.origin.clone(),
        }
    }

    /// The limit for this prompt: the flag, else the prompt file's, else the config's.
    pub fn token_limit(&self, flag: Option<u32>, configured: u32) -> TokenLimit {
        let (tokens, source) = match (flag, self.max_tokens) {
            (Some(n), _) => (n, LimitSource::Flag),
            (None, Some(n)) => (n, LimitSource::PromptFile),
            (None, None) => (configured, LimitSource::Config),
        };
        TokenLimit { tokens, source }
    }
}

impl std::fmt::Display for TokenLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let from = match self.source {
            LimitSource::Flag => "--max-tokens",
            LimitSource::PromptFile => "max_tokens in the prompt file",
            LimitSource::Config => "[llm] max_tokens",
        };
        write!(f, "{} tokens, from {from}", self.tokens)
    }
}

/// Every prompt: the built-ins (each replaced by `.pirt/prompts/NAME.md` when that exists)
/// and the user's additions, sorted by name with the built-ins first. A prompt file that
/// cannot be read is returned in `broken` with its error, so the others stay usable.
pub fn all(config: &Config) -> anyhow::Result<Prompts> {
    let mut prompts = Vec::new();
    let mut broken = Vec::new();
    for built_in in assets::built_ins(Kind::Prompt) {
        let name = built_in.name();
        let user = assets::user_path(config, Kind::Prompt, built_in.file);
        if user.is_file() {
            match from_file(name, &user, config.check.max_file_mb) {
                Ok(p) => prompts.push(p),
                Err(e) => broken.push((name.to_string(), format!("{e:#}"))),
            }
        } else {
            prompts.push(Prompt::parse(name, built_in.text, Origin::BuiltIn)?);
        }
    }
    let mut added: Vec<Prompt> = Vec::new();
    for (name, path) in assets::additions(config, Kind::Prompt, ".md")? {
        match from_file(&name, &path, config.check.max_file_mb) {
            Ok(p) => added.push(p),
            Err(e) => broken.push((name, format!("{e:#}"))),
        }
    }
    added.sort_by(|a, b| a.name.cmp(&b.name));
    prompts.extend(added);
    broken.sort();
    Ok(Prompts { prompts, broken })
}

/// The usable prompts, and the prompt files that could not be read (name, error).
#[derive(Debug)]
pub struct Prompts {
    pub prompts: Vec<Prompt>,
    pub broken: Vec<(String, String)>,
}

impl Prompts {
    /// The broken prompt files to warn about: all but those `named` when they are drafted
    /// (`selecting`), which are an error then, said once.
    pub fn warnings(&self, named: &[String], selecting: bool) -> Vec<String> {
        self.broken
            .iter()
            .filter(|(name, _)| !(selecting && named.iter().any(|p| p == name)))
            .map(|(_, error)| format!("warning: {error} (this prompt is left out)"))
            .collect()
    }
}

fn from_file(name: &str, path: &Path, max_mb: u64) -> anyhow::Result<Prompt> {
    let text = crate::review::read_text(path, max_mb)?;
    Prompt::parse(name, &text, Origin::File(path.to_path_buf()))
}

/// Finds prompts by name, with a suggestion for a typo.
pub fn select<'p>(all: &'p Prompts, names: &[String]) -> anyhow::Result<Vec<&'p Prompt>> {
    let prompts = &all.prompts;
    let known: Vec<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
    let mut chosen: Vec<&Prompt> = Vec::new();
    for name in names {
        if let Some((_, error)) = all.broken.iter().find(|(b, _)| b == name) {
            anyhow::bail!("prompt `{name}` cannot be used: {error}");
        }
        match prompts.iter().find(|p| &p.name == name) {
            Some(p) if !chosen.iter().any(|c| c.name == p.name) => chosen.push(p),
            Some(_) => {}
            None => {
                let hint = crate::review::suggest(name, &known)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                anyhow::bail!(
                    "no prompt named `{name}`{hint}; `pirt draft --list` shows them: {}",
                    known.join(", ")
                );
            }
        }
    }
    Ok(chosen)
}

/// Renders a prompt's body with the review. Values from the review are data: they are
/// inserted as text and never evaluated as template code.
pub fn render(prompt: &Prompt, review: &Review, config: &Config) -> anyhow::Result<String> {
    render_with(prompt, review, config, None)
}

/// [`render`], with the transcript of `--from` as `transcript` (its lines numbered) and
/// its file name as `transcript_name`.
pub fn render_with(
    prompt: &Prompt,
    review: &Review,
    config: &Config,
    transcript: Option<&crate::draft::timeline::Transcript>,
) -> anyhow::Result<String> {
    let asset = prompt.asset();
    let env = crate::render::environment_with(config, false, &asset)
        .with_context(|| format!("prompt {} is not a valid template", asset.shown()))?;
    let template = env.get_template(&prompt.name)?;
    let target_section = match &prompt.target {
        Target::Section(headings) => find_section(review, headings),
        _ => None,
    };
    let (section_text, guide) = target_section.map_or((String::new(), String::new()), |s| {
        (visible_text(&s.text), guides(&s.text).join("\n"))
    });
    let sections: std::collections::BTreeMap<String, String> = review
        .sections
        .iter()
        .filter(|s| !s.heading.is_empty())
        .map(|s| (s.heading.clone(), visible_text(&s.text)))
        .collect();
    let written: Vec<std::collections::BTreeMap<&str, String>> = review
        .sections
        .iter()
        .filter(|s| !s.heading.is_empty())
        .map(|s| (s.heading.as_str(), visible_text(&s.text)))
        .filter(|(_, text)| !text.is_empty())
        .map(|(heading, text)| [("heading", heading.to_string()), ("text", text)].into())
        .collect();
    let ctx = minijinja::context! {
        review => Serde(review),
        metrics => Serde(review.metrics()),
        severity => Serde(config.severity.of(&review.severity)),
        sections => Serde(&sections),
        written => Serde(&written),
        section => section_text,
        guide => guide,
        target => prompt.target.describe(),
        timezone => config.timezone.clone(),
        transcript => transcript.map(|t| t.numbered()),
        transcript_name => transcript.map(|t| t.path.file_name().map_or_else(|| t.path.display().to_string(), |n| n.to_string_lossy().into_owned())),
    };
    let text = template
        .render(ctx)
        .with_context(|| format!("rendering prompt {}", asset.shown()))?;
    Ok(text.trim().to_string())
}

/// The section a target names: the first heading of the list that the review has.
pub fn find_section<'r>(review: &'r Review, headings: &[String]) -> Option<&'r document::Section> {
    headings.iter().find_map(|h| {
        review
            .sections
            .iter()
            .find(|s| s.heading.eq_ignore_ascii_case(h.trim()))
    })
}

/// Where a section prompt's answer goes in `review`: the sections to fill, each as its
/// heading alternatives. One target section when the review has it; one section per part
/// when the prompt has parts and the review has all of their sections but not the target.
pub fn destinations(prompt: &Prompt, review: &Review) -> Vec<Vec<String>> {
    let Target::Section(headings) = &prompt.target else {
        return Vec::new();
    };
    let split = !prompt.parts.is_empty()
        && find_section(review, headings).is_none()
        && prompt
            .parts
            .iter()
            .all(|p| find_section(review, std::slice::from_ref(p)).is_some());
    if split {
        prompt.parts.iter().map(|p| vec![p.clone()]).collect()
    } else {
        vec![headings.clone()]
    }
}

/// A section's text as a reader sees it: no guidance, no draft markers.
pub fn visible_text(text: &str) -> String {
    let text = document::strip_guides(text);
    text.lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("<!-- pirt:draft") || t.starts_with("<!-- /pirt:draft"))
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// The `<!-- guide: ... -->` questions of a section.
fn guides(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("<!-- guide:") {
        let after = &rest[start + "<!-- guide:".len()..];
        let Some(end) = after.find("-->") else { break };
        out.push(after[..end].trim().to_string());
        rest = &after[end + 3..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_limit_is_the_flag_else_the_prompt_file_else_the_config() {
        let file = |max: &str| {
            Prompt::parse(
                "p",
                &format!("---\ndescription: d\ntarget: artefact\n{max}---\nHi\n"),
                Origin::BuiltIn,
            )
            .unwrap()
        };
        let limit = |tokens, source| TokenLimit { tokens, source };
        assert_eq!(
            file("").token_limit(None, 1024),
            limit(1024, LimitSource::Config)
        );
        assert_eq!(
            file("max_tokens: 300\n").token_limit(None, 1024),
            limit(300, LimitSource::PromptFile)
        );
        assert_eq!(
            file("max_tokens: 300\n").token_limit(Some(50), 1024),
            limit(50, LimitSource::Flag)
        );
        assert_eq!(
            limit(50, LimitSource::Flag).to_string(),
            "50 tokens, from --max-tokens"
        );
        // The built-ins leave the limit to [llm] max_tokens, so one setting raises them all.
        for b in assets::built_ins(Kind::Prompt) {
            let (name, text) = (b.name(), b.text);
            let p = Prompt::parse(name, text, Origin::BuiltIn).unwrap();
            assert_eq!(p.max_tokens, None, "{name}");
        }
    }

    #[test]
    fn every_built_in_prompt_parses_and_renders() {
        let config = Config::default();
        let review = crate::review::parse_review(
            Path::new("r.md"),
            include_str!("../../tests/fixtures/checkout.md"),
            &config,
        )
        .review;
        for b in assets::built_ins(Kind::Prompt) {
            let (name, text) = (b.name(), b.text);
            let prompt = Prompt::parse(name, text, Origin::BuiltIn).unwrap();
            assert!(!prompt.description.is_empty(), "{name}");
            let rendered = render(&prompt, &review, &config).unwrap();
            assert!(rendered.contains(&review.title), "{name}: {rendered}");
        }
    }

    #[test]
    fn bad_front_matter_is_reported_with_its_line() {
        let e = Prompt::parse(
            "x",
            "---\ndescription: d\ntarget: section:A\ntemprature: 1\n---\nHi\n",
            Origin::BuiltIn,
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("built-in prompt x:4:"), "{e}");
        let e = Prompt::parse(
            "x",
            "---\ndescription: d\ntarget: sections\n---\nHi\n",
            Origin::BuiltIn,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains(":3: unknown target"), "{e}");
    }

    #[test]
    fn review_text_is_never_evaluated_as_a_template() {
        let config = Config::default();
        let mut review = Review {
            title: "{{ 7 * 7 }} {% raw %}".into(),
            ..Review::default()
        };
        review.id = "PIR-1".into();
        let prompt = Prompt::parse(
            "x",
            "---\ndescription: d\ntarget: artefact\n---\n{{ review.title }}\n",
            Origin::BuiltIn,
        )
        .unwrap();
        assert_eq!(
            render(&prompt, &review, &config).unwrap(),
            "{{ 7 * 7 }} {% raw %}"
        );
    }
}
