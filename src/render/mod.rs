//! Turning a parsed review into Markdown, HTML or JSON.
//!
//! Templates are minijinja with strict undefined variables; values from the review are only
//! ever data (never evaluated as templates); HTML output auto-escapes every value, and body
//! Markdown goes through comrak in safe mode (raw HTML and `javascript:` links dropped).

use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value, context};
use serde::Serialize;

use crate::assets::{self, Asset};
use crate::config::Config;
use crate::review::document::strip_guides;
use crate::review::{Metrics, Review, Section};

pub mod batch;
mod lifecycle;
pub use crate::review::duration::{duration, duration_html};
pub use lifecycle::Lifecycle;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    Json,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Json => "json",
        }
    }

    fn template_name(self) -> &'static str {
        match self {
            Format::Markdown => "review.md.j2",
            Format::Html => "review.html.j2",
            Format::Json => "",
        }
    }
}

/// Renders reviews with one set of templates.
pub struct Renderer<'c> {
    env: Environment<'static>,
    config: &'c Config,
    template: String,
}

/// The JSON document `pirt render --format json` prints.
#[derive(Serialize)]
pub struct JsonReview<'a> {
    pub schema_version: u32,
    #[serde(flatten)]
    pub review: &'a Review,
    pub metrics: Metrics,
}

impl<'c> Renderer<'c> {
    /// A renderer for `format`, with the user's template when given (`--template PATH`),
    /// else `.pirt/templates/review.<ext>.j2`, else the built-in.
    pub fn new(
        config: &'c Config,
        format: Format,
        custom: Option<&std::path::Path>,
    ) -> anyhow::Result<Self> {
        let html = format == Format::Html;
        let (env, template) = match (format, custom) {
            (Format::Json, _) => (environment(config, html), String::new()),
            (_, custom) => {
                let asset = match custom {
                    Some(path) => assets::from_file(path)?,
                    None => assets::template(config, format.template_name())?,
                };
                let env = environment_with(config, html, &asset)
                    .with_context(|| format!("template {} is not valid", asset.shown()))?;
                (env, asset.name)
            }
        };
        Ok(Renderer {
            env,
            config,
            template,
        })
    }

    pub fn render(&self, review: &Review) -> anyhow::Result<String> {
        self.render_with(review, &Extras::default())
    }

    /// Renders with links to other pages, site navigation and similar incidents.
    pub fn render_with(&self, review: &Review, extras: &Extras) -> anyhow::Result<String> {
        if self.template.is_empty() {
            let doc = JsonReview {
                schema_version: 1,
                review,
                metrics: review.metrics(),
            };
            return Ok(serde_json::to_string_pretty(&doc)? + "\n");
        }
        let template = self.env.get_template(&self.template)?;
        let sections = visible_sections(&review.sections);
        let ai_drafts = sections
            .iter()
            .flat_map(|s| &s.parts)
            .filter(|p| p.draft.is_some())
            .count();
        let actions: Vec<ActionState> = review
            .action_items
            .iter()
            .map(|item| ActionState {
                overdue: extras
                    .today
                    .is_some_and(|today| review.is_overdue(item, self.config, today)),
                deadline: review
                    .deadline(item, self.config)
                    .map(|d| d.format("%Y-%m-%d").to_string()),
                tracker: item
                    .tracker
                    .as_deref()
                    .and_then(|t| crate::tracker_ref::link(t, &self.config.trackers)),
            })
            .collect();
        let ctx = context! {
            review => Serde(review),
            severity => Serde(self.config.severity.of(&review.severity)),
            // 1 for the most severe; 0 for a severity not in the scale.
            severity_rank => review.severity.rank.map_or(0, |i| i + 1),
            metrics => Serde(review.metrics()),
            sections => Serde(sections),
            ai_drafts => ai_drafts,
            actions => Serde(actions),
            today => extras.today.map(|d| d.format("%Y-%m-%d").to_string()),
            lifecycle => Serde(Lifecycle::of(review, self.config.zone)),
            timezone => self.config.timezone.clone(),
            generator => format!("pirt {}", env!("CARGO_PKG_VERSION")),
            links => Value::from_dyn_object(extras.links.clone()),
            nav => Serde(&extras.nav),
            similar => Serde(&extras.similar),
        };
        template
            .render(ctx)
            .with_context(|| format!("rendering {} with template {}", review.id, self.template))
    }
}

/// What a page may show beyond the review itself.
#[derive(Clone, Debug, Default)]
pub struct Extras {
    /// Id of a review or problem → the page's address (the site fills it). Shared, not
    /// copied, by every page of a site: a copy per page made the site quadratic.
    pub links: std::sync::Arc<std::collections::BTreeMap<String, String>>,
    pub nav: Option<SiteNav>,
    pub similar: Vec<crate::corpus::similar::Similar>,
    /// The day overdue action items are judged against (`None`: none is marked).
    pub today: Option<chrono::NaiveDate>,
}

/// What the page says about each action item beyond its fields (same order as the
/// review's `action_items`), by the rule `pirt actions` uses.
#[derive(Serialize)]
struct ActionState {
    overdue: bool,
    /// `due`, or the incident's start plus the severity's deadline.
    deadline: Option<String>,
    /// `tracker:` as a link (https only): a reference of a configured tracker by its short
    /// form, any other https URL as written.
    tracker: Option<crate::tracker_ref::Link>,
}

/// Links back to the site's index pages.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SiteNav {
    pub index: String,
    pub problems: String,
    pub stats: String,
}

/// The environment of [`environment`] holding `asset` as a template under its name: how
/// every command loads the template it renders (a review, a scaffold, a prompt, a record).
pub fn environment_with(
    config: &Config,
    html: bool,
    asset: &Asset,
) -> Result<Environment<'static>, minijinja::Error> {
    let mut env = environment(config, html);
    env.add_template_owned(asset.name.clone(), asset.text.to_string())?;
    Ok(env)
}

/// The one minijinja environment of every template: strict undefined values, pirt's
/// filters, and `{% include %}` / `{% extends %}` resolved through the asset registry (the
/// user's file first). `html`: every value printed by any template of this environment
/// (includes too) is HTML-escaped.
pub fn environment(config: &Config, html: bool) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // `{% include %}` and `{% extends %}` find templates the same way as everything else:
    // `.pirt/templates/` first, then the built-ins.
    let lookup = config.clone();
    env.set_loader(move |name| match assets::template(&lookup, name) {
        Ok(asset) => Ok(Some(asset.text.into_owned())),
        Err(_) => Ok(None),
    });
    env.set_auto_escape_callback(move |_| {
        if html {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_syntax(
        SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("default delimiters are valid"),
    );
    let zone = config.zone;
    env.add_filter("datetime", move |v: Value| {
        format_time(&v, zone, "%Y-%m-%d %H:%M %Z")
    });
    env.add_filter("time", move |v: Value| format_time(&v, zone, "%H:%M"));
    env.add_filter("date", move |v: Value| format_time(&v, zone, "%Y-%m-%d"));
    env.add_filter("day", move |v: Value| format_time(&v, zone, "%A, %Y-%m-%d"));
    env.add_filter("duration", move |v: Value| match f64::try_from(v) {
        Ok(seconds) if seconds.is_finite() && html => duration_html(seconds.round() as i64),
        Ok(seconds) if seconds.is_finite() => duration(seconds.round() as i64),
        _ => "—".into(),
    });
    env.add_filter("markdown", |text: String| {
        Value::from_safe_string(markdown_to_html(&text))
    });
    env.add_filter("markdown_clean", |text: String| markdown_to_markdown(&text));
    env.add_filter("md_cell", |v: Value| md_cell(&v));
    env.add_filter("blockquote", |text: String| {
        text.lines()
            .map(|l| {
                if l.is_empty() {
                    ">".to_string()
                } else {
                    format!("> {l}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    env.add_filter("yaml", |v: Value| yaml_value(&v));
    env.add_filter("https_url", |v: Value| {
        https_url(&v).map_or(Value::from(()), Value::from)
    });
    env.add_filter("number", |v: Value| match f64::try_from(v.clone()) {
        Ok(f) if f.fract() == 0.0 && f.abs() < 1e15 => group_thousands(f as i64),
        Ok(f) => format!("{f:.1}"),
        Err(_) => v.to_string(),
    });
    env
}

fn format_time(value: &Value, zone: Tz, format: &str) -> String {
    let Some(text) = value.as_str() else {
        return "—".into();
    };
    match DateTime::<FixedOffset>::parse_from_rfc3339(text) {
        Ok(ts) => ts.with_timezone(&zone).format(format).to_string(),
        Err(_) => text.to_string(),
    }
}

fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Text safe inside a Markdown table cell: no line breaks, pipes escaped, no raw HTML, and
/// no link, image or emphasis syntax (a title cannot become a `javascript:` link).
fn md_cell(value: &Value) -> String {
    if value.is_none() || value.is_undefined() {
        return "—".into();
    }
    let text = value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_string);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '|' | '[' | ']' | '*' | '_' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out.replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\r', '\n'], " ")
}

/// A timeline entry's `source:` as a link target: only an `https:` URL that the Markdown
/// sanitiser would keep, with the characters that could end an attribute, a Markdown link
/// destination or a table cell percent-encoded; anything else is shown as text.
fn https_url(value: &Value) -> Option<String> {
    let text = value.as_str()?.trim();
    let scheme = text
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("https://"))?;
    if comrak::html::dangerous_url(text) || text.len() == scheme.len() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    out.push_str("https://");
    for c in text[8..].chars() {
        match c {
            ' ' | '"' | '\'' | '<' | '>' | '|' | '`' | '\\' | '(' | ')' | '[' | ']' | '{' | '}' => {
                out.push_str(&format!("%{:02X}", c as u32))
            }
            c if c.is_control() || c.is_whitespace() => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    Some(out)
}

/// A value as YAML, for scaffold templates that write front matter.
fn yaml_value(value: &Value) -> String {
    if let Some(text) = value.as_str() {
        return crate::review::edit::yaml_scalar(text);
    }
    if value.is_none() || value.is_undefined() {
        return "null".into();
    }
    match value.kind() {
        minijinja::value::ValueKind::Seq => {
            let items: Vec<String> = value
                .try_iter()
                .map(|it| it.map(|v| yaml_value(&v)).collect())
                .unwrap_or_default();
            format!("[{}]", items.join(", "))
        }
        _ => value.to_string(),
    }
}

/// Markdown to HTML with comrak in safe mode, after [`sanitize`]: no raw HTML, no
/// dangerous links, no external images (they become links).
pub fn markdown_to_html(text: &str) -> String {
    let options = markdown_options();
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, &clean_body(text), &options);
    sanitize(root, true);
    let mut html = String::new();
    comrak::format_html(root, &options, &mut html).expect("writing to a String cannot fail");
    html
}

/// Markdown for a wiki, after [`sanitize`]: raw HTML is shown as text, dangerous links
/// lose their target.
pub fn markdown_to_markdown(text: &str) -> String {
    let options = markdown_options();
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, &clean_body(text), &options);
    sanitize(root, false);
    let mut out = String::new();
    comrak::format_commonmark(root, &options, &mut out).expect("writing to a String cannot fail");
    out.trim_end().to_string()
}

fn markdown_options() -> comrak::Options<'static> {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    options.extension.tasklist = true;
    options.render.r#unsafe = false;
    options
}

/// Makes a Markdown tree safe to publish: raw HTML blocks are dropped and inline HTML
/// becomes visible text, links with `javascript:`-like URLs lose them, and (for HTML
/// output) images other than inline `data:` images become plain links, so the page makes
/// no request of its own.
fn sanitize<'a>(root: comrak::Node<'a>, block_images: bool) {
    use comrak::nodes::NodeValue;
    let nodes: Vec<comrak::Node<'a>> = root.descendants().collect();
    for node in nodes {
        let mut data = node.data_mut();
        match &mut data.value {
            NodeValue::HtmlBlock(_) => {
                drop(data);
                node.detach();
            }
            NodeValue::HtmlInline(html) => {
                let text = std::mem::take(html);
                data.value = NodeValue::Text(text.into());
            }
            // Its text stays, as text: an empty `href` would point at the page itself.
            NodeValue::Link(link) | NodeValue::Image(link)
                if comrak::html::dangerous_url(&link.url) =>
            {
                drop(data);
                let children: Vec<comrak::Node<'a>> = node.children().collect();
                for child in children {
                    node.insert_before(child);
                }
                node.detach();
            }
            NodeValue::Image(link) if block_images && !link.url.starts_with("data:image/") => {
                let link = link.clone();
                data.value = NodeValue::Link(link);
            }
            _ => {}
        }
    }
}

/// Body text as readers see it: without scaffold guidance and pirt's draft markers.
pub fn clean_body(text: &str) -> String {
    strip_guides(text)
        .lines()
        .filter(|line| {
            let t = line.trim();
            !(t.starts_with("<!-- pirt:draft") || t.starts_with("<!-- /pirt:draft"))
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

#[derive(Serialize)]
struct VisibleSection {
    heading: String,
    text: String,
    empty: bool,
    /// The text in order, split at pirt's draft markers: what a person wrote, and what an
    /// LLM drafted that nobody has reviewed yet (the markers are still in the file).
    parts: Vec<Part>,
}

#[derive(Debug, PartialEq, Serialize)]
struct Part {
    text: String,
    draft: Option<DraftMark>,
}

/// The attributes of a `<!-- pirt:draft prompt=… model=… at=… -->` marker.
#[derive(Debug, Default, PartialEq, Serialize)]
struct DraftMark {
    prompt: String,
    model: String,
    at: String,
}

fn draft_mark(line: &str) -> DraftMark {
    let inner = line
        .trim()
        .trim_start_matches("<!-- pirt:draft")
        .trim_end_matches("-->");
    let mut mark = DraftMark::default();
    for word in inner.split_whitespace() {
        match word.split_once('=') {
            Some(("prompt", v)) => mark.prompt = v.to_string(),
            Some(("model", v)) => mark.model = v.to_string(),
            Some(("at", v)) => mark.at = v.to_string(),
            _ => {}
        }
    }
    mark
}

/// Splits body text at pirt's draft markers. A block whose closing marker is missing runs
/// to the end of the section (`pirt check` reports it).
fn parts_of(text: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut draft: Option<DraftMark> = None;
    let mut flush = |lines: &mut Vec<&str>, draft: Option<DraftMark>| {
        let text = clean_body(&lines.join("\n"));
        lines.clear();
        if !text.is_empty() {
            parts.push(Part { text, draft });
        }
    };
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("<!-- pirt:draft") {
            flush(&mut current, draft.take());
            draft = Some(draft_mark(t));
        } else if t.starts_with("<!-- /pirt:draft") {
            flush(&mut current, draft.take());
        } else {
            current.push(line);
        }
    }
    flush(&mut current, draft);
    parts
}

fn visible_sections(sections: &[Section]) -> Vec<VisibleSection> {
    sections
        .iter()
        .map(|s| {
            let mut raw = strip_guides(&s.text);
            if s.heading.is_empty() {
                // A `# Title` line before the first section repeats the header.
                raw = raw
                    .lines()
                    .filter(|l| !l.starts_with("# "))
                    .collect::<Vec<_>>()
                    .join("\n");
            }
            let text = clean_body(&raw);
            VisibleSection {
                heading: s.heading.clone(),
                empty: text.is_empty(),
                parts: parts_of(&raw),
                text,
            }
        })
        .filter(|s| !(s.heading.is_empty() && s.empty))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered_safely() {
        let body = "Hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n<div onclick=\"x()\">block</div>\n\n![chart](https://evil.example/p.gif) ![ok](data:image/png;base64,AAAA)\n\n<!-- guide: gone -->";
        let html = markdown_to_html(body);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img src=x"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        // The text of a refused link stays, without a link to the page itself.
        assert!(!html.contains("href=\"\""), "{html}");
        assert!(html.contains(" x "), "{html}");
        assert!(!html.contains("src=\"https://evil"), "{html}");
        assert!(
            html.contains("<a href=\"https://evil.example/p.gif\">chart</a>"),
            "{html}"
        );
        assert!(
            html.contains("<img src=\"data:image/png;base64,AAAA\""),
            "{html}"
        );
        assert!(!html.contains("gone"), "{html}");
        let md = markdown_to_markdown(body);
        // Raw HTML is shown as text (escaped), never passed through.
        assert!(!md.replace("\\<", "").contains('<'), "{md}");
        assert!(!md.contains("javascript:"), "{md}");
    }

    #[test]
    fn table_cells_cannot_break_the_table() {
        assert_eq!(md_cell(&Value::from("a|b\nc <b>")), "a\\|b c &lt;b&gt;");
        assert_eq!(
            md_cell(&Value::from("[x](javascript:y) *b* `c`")),
            "\\[x\\](javascript:y) \\*b\\* \\`c\\`"
        );
        assert_eq!(md_cell(&Value::from(())), "—");
    }

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(group_thousands(4200), "4,200");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
        assert_eq!(group_thousands(12), "12");
    }

    /// The relative luminance of `#rrggbb` (WCAG 2.x).
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    /// The WCAG contrast ratio of two colours, 1 to 21.
    fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    /// `--name: #rrggbb` in a block of CSS.
    fn var<'a>(css: &'a str, name: &str) -> &'a str {
        let at = css
            .find(&format!("{name}: #"))
            .unwrap_or_else(|| panic!("{name}"))
            + name.len()
            + 2;
        &css[at..at + 7]
    }

    /// Issue 11: the numbers on the lifecycle marks were white on light fills in dark mode
    /// (2.14:1 on the accent blue). Every fill a mark can have, in both themes, must give
    /// its number at least 4.5:1 (AA for normal text: 11 px bold is not large text).
    #[test]
    fn marker_numbers_meet_wcag_aa_in_light_and_dark_mode() {
        let page = include_str!("../../templates/review.html.j2");
        let dark_at = page.find("@media (prefers-color-scheme: dark)").unwrap();
        let (light, dark) = (&page[..dark_at], &page[dark_at..]);
        // The fills: every `.dot { fill: var(--x) }` rule of the page.
        let mut fills: Vec<&str> = page
            .match_indices(".dot { fill: var(")
            .map(|(i, m)| {
                let rest = &page[i + m.len()..];
                &rest[..rest.find(')').unwrap()]
            })
            .collect();
        fills.sort_unstable();
        fills.dedup();
        assert_eq!(fills, ["--accent", "--muted", "--ok", "--sev1"]);
        assert!(
            page.contains(
                "svg .ev-num { font-size: 11px; font-weight: 700; fill: var(--mark-fg); }"
            )
        );
        for (theme, css) in [("light", light), ("dark", dark)] {
            for fill in &fills {
                let ratio = contrast(var(css, "--mark-fg"), var(css, fill));
                assert!(ratio >= 4.5, "{theme}: {fill} gives {ratio:.2}:1");
            }
        }
        // The figures in the template's comment: dark mode 8.40 (accent), 5.15 (sev1).
        assert!((contrast("#14171c", "#8fb0ff") - 8.40).abs() < 0.01);
        assert!((contrast("#14171c", "#ef5350") - 5.15).abs() < 0.01);
        assert!((contrast("#ffffff", "#8fb0ff") - 2.14).abs() < 0.01);
    }

    /// Issue 16: the Nu HTML Checker warns of a section or an article without a heading,
    /// and reports CSS it does not know (paint-order) as an error.
    /// Text before the first `##` is a div; the narrative around the sections is a div.
    #[test]
    fn text_before_the_first_heading_is_no_section() {
        let config = Config::default();
        let text = "---\nid: PIR-2026-001\ntitle: T\nstatus: draft\nseverity: SEV2\n---\n\n# T\n\nBefore any heading.\n\n## Summary\n\nSummed up.\n";
        let parsed = crate::review::parse_review(std::path::Path::new("r.md"), text, &config);
        let html = Renderer::new(&config, Format::Html, None)
            .unwrap()
            .render(&parsed.review)
            .unwrap();
        let body = &html[html.find("<div class=\"narrative\">").expect(&html)..];
        let preamble = body.find("<div class=\"preamble\">").expect(body);
        assert!(
            body[preamble..].contains("<p>Before any heading.</p>"),
            "{body}"
        );
        assert_eq!(body.matches("<section>").count(), 1, "{body}");
        assert!(body.contains("<section>\n<h2>Summary</h2>"), "{body}");
        assert!(!html.contains("<article"), "{html}");
        // The label halo's paint-order: an attribute of each picture, not CSS (the checker
        // reports the property as unknown CSS: an error).
        let page = include_str!("../../templates/review.html.j2");
        assert!(!page.contains("paint-order:"));
        assert_eq!(
            page.matches("paint-order=\"stroke\" role=\"img\"").count(),
            2
        );
    }

    #[test]
    fn draft_blocks_are_parts_of_their_own() {
        let text = "Written by a person.\n\n<!-- pirt:draft prompt=summary model=gpt-4o at=2026-11-21T10:00:00Z -->\nDrafted **text**.\n<!-- /pirt:draft -->\n\nMore by a person.\n<!-- pirt:draft prompt=lessons model=m at=T -->\nunclosed";
        let parts = parts_of(text);
        assert_eq!(parts.len(), 4, "{parts:?}");
        assert_eq!(parts[0].text, "Written by a person.");
        assert_eq!(parts[0].draft, None);
        assert_eq!(parts[1].text, "Drafted **text**.");
        assert_eq!(
            parts[1].draft,
            Some(DraftMark {
                prompt: "summary".into(),
                model: "gpt-4o".into(),
                at: "2026-11-21T10:00:00Z".into()
            })
        );
        assert_eq!(parts[2].draft, None);
        // An unclosed block runs to the end of the section.
        assert_eq!(parts[3].text, "unclosed");
        assert_eq!(parts[3].draft.as_ref().unwrap().prompt, "lessons");
        // Without markers, one part of human text.
        assert_eq!(parts_of("plain").len(), 1);
        assert!(parts_of("<!-- guide: x -->").is_empty());
    }
}
