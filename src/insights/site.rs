//! `pirt site OUT_DIR`: a static knowledge base of every review and problem record.
//!
//! Layout: `index.html` (all reviews, filterable), `stats.html`, `reviews/<id>.html` (the
//! same page as `pirt render --format html`), `problems/index.html`, `problems/<id>.html`.
//! No page makes an external request; the index's one inline script is allowed by its
//! hash in the Content-Security-Policy. A file whose content did not change is not
//! written again, so rebuilding an unchanged corpus leaves every timestamp alone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Context;
use base64::Engine;
use chrono::NaiveDate;
use minijinja::value::{Serde, Value};
use serde::Serialize;
use sha2::Digest;

use crate::config::Config;
use crate::corpus::similar;
use crate::corpus::{Corpus, Entry};
use crate::insights::stats::{self, By, Query};
use crate::render::{Extras, Format, Renderer, SiteNav};

const SCRIPT: &str = include_str!("../../templates/site.js");
const CSS: &str = include_str!("../../templates/site.css");
/// Rows per page of the index. A site of more reviews gets numbered pages (`index-2.html`
/// …) that list them without script; its first page carries every review as data.
pub const PAGE_ROWS: usize = 200;
/// Marks a folder as pirt's output, so stale pages may be removed from it.
const MARKER: &str = ".pirt-site";

/// What a build did.
#[derive(Debug, Default)]
pub struct Built {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    pub reviews: usize,
    pub problems: usize,
    pub skipped: Vec<String>,
    /// Reviews with `status: draft` left out (0 with `--include-drafts`).
    pub drafts_left_out: usize,
    /// Secrets in the published reviews (masked, as `pirt check` describes them), by file
    /// and line.
    pub secrets: Vec<(PathBuf, usize, String)>,
}

/// How to build.
#[derive(Clone, Debug)]
pub struct Options<'a> {
    pub title: &'a str,
    /// The day overdue action items and the statistics are judged against.
    pub today: NaiveDate,
    /// Publish reviews with `status: draft` too (marked as drafts); by default they are
    /// left out of every page: no page of their own, no row, no figure, no link.
    pub include_drafts: bool,
}

#[derive(Serialize)]
struct Row {
    id: String,
    title: String,
    href: String,
    date: String,
    rank: usize,
    severity: String,
    services: Vec<String>,
    tags: Vec<String>,
    status: String,
    ttr: Option<i64>,
    /// Sortable form of the TTR (zero-padded seconds; empty when unknown).
    ttr_key: String,
    problem: Option<String>,
    problem_href: Option<String>,
    draft: bool,
}

/// A file name for an id: letters, digits, `.`, `_` and `-`; anything else becomes `_`.
fn file_name(id: &str, taken: &mut BTreeSet<String>) -> String {
    let mut base: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    base = base.trim_start_matches('.').chars().take(100).collect();
    if base.is_empty() || base.eq_ignore_ascii_case("index") {
        base = format!("page-{base}");
    }
    let mut name = format!("{base}.html");
    let mut n = 2;
    while !taken.insert(name.to_ascii_lowercase()) {
        name = format!("{base}-{n}.html");
        n += 1;
    }
    name
}

/// Writes `contents` unless the file already holds exactly that; true when it wrote.
fn write_if_changed(path: &Path, contents: &str) -> anyhow::Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == contents.as_bytes()) {
        return Ok(false);
    }
    crate::fsutil::write_generated(path, contents.as_bytes())?;
    Ok(true)
}

impl Built {
    /// Counts pages written (true) and left as they were (false).
    fn count(&mut self, written: &[bool]) {
        let n = written.iter().filter(|&&w| w).count();
        self.written += n;
        self.unchanged += written.len() - n;
    }
}

/// Builds the site into `out`.
pub fn build(config: &Config, out: &Path, options: &Options) -> anyhow::Result<Built> {
    let (title, today) = (options.title, options.today);
    let mut corpus = Corpus::load(config, &[], true);
    let before = corpus.reviews.len();
    if !options.include_drafts {
        corpus
            .reviews
            .retain(|e| e.review.status != crate::review::Status::Draft);
    }
    let mut built = Built {
        reviews: corpus.reviews.len(),
        problems: corpus.problems.len(),
        skipped: corpus.skipped.clone(),
        drafts_left_out: before - corpus.reviews.len(),
        ..Built::default()
    };
    let marker = out.join(MARKER);
    // Only an empty folder or one pirt built: never overwrite someone else's index.html.
    if out.exists() && !marker.exists() && !is_empty_dir(out, &marker) {
        anyhow::bail!(
            "{} already holds files that pirt did not write; build the site into an empty folder (or one pirt built before)",
            out.display()
        );
    }
    for dir in [out.to_path_buf(), out.join("reviews"), out.join("problems")] {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // The pages the last build wrote: only those may be removed when they are gone.
    let previous: BTreeSet<PathBuf> = std::fs::read_to_string(&marker)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.ends_with(".html") && !l.contains(".."))
        .map(|l| out.join(l))
        .collect();

    // Page names, and links as seen from the top folder and from a subfolder.
    let mut taken = BTreeSet::new();
    let mut reviews: Vec<&Entry> = corpus.reviews.iter().collect();
    reviews.sort_by(|a, b| {
        b.review
            .started_at
            .cmp(&a.review.started_at)
            .then(a.review.id.cmp(&b.review.id))
    });
    let review_pages: Vec<String> = reviews
        .iter()
        .map(|e| file_name(&e.review.id, &mut taken))
        .collect();
    let mut taken = BTreeSet::new();
    taken.insert("index.html".to_string());
    let mut problems: Vec<&crate::corpus::ProblemEntry> = corpus.problems.iter().collect();
    problems.sort_by(|a, b| a.problem.id.cmp(&b.problem.id));
    let problem_pages: Vec<String> = problems
        .iter()
        .map(|p| file_name(&p.problem.id, &mut taken))
        .collect();
    let mut top: BTreeMap<String, String> = BTreeMap::new();
    for (e, page) in reviews.iter().zip(&review_pages) {
        top.entry(e.review.id.clone())
            .or_insert(format!("reviews/{page}"));
    }
    for (p, page) in problems.iter().zip(&problem_pages) {
        top.entry(p.problem.id.clone())
            .or_insert(format!("problems/{page}"));
    }
    let sub: BTreeMap<String, String> = top
        .iter()
        .map(|(k, v)| (k.clone(), format!("../{v}")))
        .collect();
    let sub_links = std::sync::Arc::new(sub.clone());
    let sub_nav = SiteNav {
        index: "../index.html".into(),
        problems: "../problems/index.html".into(),
        stats: "../stats.html".into(),
    };
    // 1 for the most severe; a severity not in the scale sorts after the scale.
    let rank = |severity: &crate::review::Severity| severity.rank.map_or(9, |i| i + 1);
    let date = |e: &Entry| {
        e.review
            .started_at
            .map(|t| t.with_timezone(&config.zone).format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };

    // Review pages, each written as soon as it is rendered (not all held, then written).
    let renderer = Renderer::new(config, Format::Html, None)?;
    let facts: Vec<crate::corpus::ReviewFacts> = corpus
        .reviews
        .iter()
        .map(|e| crate::corpus::ReviewFacts::of(&e.path, &e.review))
        .collect();
    let index = similar::Finder::new(facts.iter().collect(), reviews.len());
    let mut wanted: BTreeSet<PathBuf> = BTreeSet::new();
    {
        use rayon::prelude::*;
        let pages: Vec<(bool, Vec<(usize, String)>)> = reviews
            .par_iter()
            .zip(&review_pages)
            .map(|(e, page)| {
                // Read again for its secrets: the parsed review keeps no front matter text.
                let secrets = crate::review::read_text(&e.path, config.check.max_file_mb)
                    .map(|text| crate::check::secrets::described(config, &text))
                    .unwrap_or_default();
                let extras = Extras {
                    links: sub_links.clone(),
                    nav: Some(sub_nav.clone()),
                    similar: index.find(&e.review, config),
                    today: Some(today),
                };
                let html = renderer.render_with(&e.review, &extras)?;
                Ok((
                    write_if_changed(&out.join("reviews").join(page), &html)?,
                    secrets,
                ))
            })
            .collect::<anyhow::Result<_>>()?;
        let (written, secrets): (Vec<bool>, Vec<_>) = pages.into_iter().unzip();
        built.count(&written);
        for (secrets, e) in secrets.into_iter().zip(&reviews) {
            built.secrets.extend(
                secrets
                    .into_iter()
                    .map(|(line, s)| (e.path.clone(), line, s)),
            );
        }
        wanted.extend(
            review_pages
                .iter()
                .map(|page| out.join("reviews").join(page)),
        );
    }

    // Problem pages and their list.
    let env = crate::render::environment(config, true);
    let generator = format!("pirt {}", env!("CARGO_PKG_VERSION"));
    // The incidents of every problem record, in one pass over the reviews (as
    // `Corpus::incidents_of` orders them: by start, then id).
    let mut by_problem: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    for e in &corpus.reviews {
        if let Some(problem) = e.review.problem.as_deref() {
            by_problem.entry(problem).or_default().push(e);
        }
    }
    for incidents in by_problem.values_mut() {
        incidents.sort_by(|a, b| {
            (a.review.started_at, &a.review.id).cmp(&(b.review.started_at, &b.review.id))
        });
    }
    let incident_rows = |id: &str| -> Vec<Row> {
        by_problem
            .get(id)
            .into_iter()
            .flatten()
            .map(|e| row(e, &sub, rank(&e.review.severity), date(e)))
            .collect()
    };
    let mut listed = Vec::new();
    for (p, page) in problems.iter().zip(&problem_pages) {
        let incidents = incident_rows(&p.problem.id);
        let sections: Vec<_> = p
            .problem
            .sections
            .iter()
            .filter(|s| !s.heading.is_empty() && !s.is_empty())
            .map(|s| {
                BTreeMap::from([
                    ("heading", s.heading.clone()),
                    ("text", crate::review::document::strip_guides(&s.text)),
                ])
            })
            .collect();
        let html = env
            .get_template("problem.html.j2")?
            .render(minijinja::context! {
                problem => Serde(&p.problem),
                incidents => Serde(&incidents),
                sections => Serde(&sections),
                nav => Serde(&sub_nav),
                css => Value::from_safe_string(CSS.to_string()),
                generator => &generator,
            })?;
        let path = out.join("problems").join(page);
        built.count(&[write_if_changed(&path, &html)?]);
        wanted.insert(path);
        listed.push(minijinja::context! {
            id => &p.problem.id,
            title => &p.problem.title,
            status => &p.problem.status,
            href => page,
            incidents => Serde(incidents.iter().map(|r| BTreeMap::from([("id", r.id.clone()), ("href", r.href.clone())])).collect::<Vec<_>>()),
        });
    }
    let html = env
        .get_template("problems.html.j2")?
        .render(minijinja::context! {
            problems => listed,
            title => title,
            nav => Serde(&sub_nav),
            css => Value::from_safe_string(CSS.to_string()),
            generator => &generator,
        })?;
    let path = out.join("problems").join("index.html");
    built.count(&[write_if_changed(&path, &html)?]);
    wanted.insert(path);

    // Statistics.
    let query = Query {
        by: By::Severity,
        since: None,
        until: None,
        today,
    };
    let figures = stats::compute(&corpus.reviews, config, &query);
    let nav = stats::Nav {
        index: "index.html".into(),
        problems: "problems/index.html".into(),
    };
    let html = stats::html(
        config,
        &figures,
        &format!("{title}: statistics"),
        &top,
        Some(&nav),
        corpus.skipped.len(),
    )?;
    built.count(&[write_if_changed(&out.join("stats.html"), &html)?]);

    // The index.
    let rows: Vec<Row> = reviews
        .iter()
        .map(|e| row(e, &top, rank(&e.review.severity), date(e)))
        .collect();
    let mut facets: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for r in &rows {
        facets
            .entry("severity")
            .or_default()
            .insert(r.severity.clone());
        facets.entry("status").or_default().insert(r.status.clone());
        facets
            .entry("services")
            .or_default()
            .extend(r.services.iter().cloned());
        facets
            .entry("tags")
            .or_default()
            .extend(r.tags.iter().cloned());
    }
    for key in ["severity", "status", "services", "tags"] {
        facets.entry(key).or_default();
    }
    // Trimmed: the page's CSP hash is of the exact text between the tags, and the Nu HTML
    // Checker, which verifies it, hashes that text trimmed.
    let script = SCRIPT.trim();
    let hash = sha2::Sha256::digest(script.as_bytes());
    let script_hash = format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(hash)
    );
    // Up to PAGE_ROWS reviews: one page that holds them all, filtered by the script.
    // More: numbered pages for reading without script, and on the first one every review
    // as data, that the script filters, sorts and pages through.
    let chunks: Vec<&[Row]> = if rows.len() > PAGE_ROWS {
        rows.chunks(PAGE_ROWS).collect()
    } else {
        vec![&rows[..]]
    };
    let data = if chunks.len() > 1 {
        Some(Value::from_safe_string(script_json(&index_data(
            &rows, &facets,
        ))?))
    } else {
        None
    };
    let pages: Vec<PageLink> = (1..=chunks.len())
        .map(|n| PageLink {
            number: n,
            href: index_page(n),
        })
        .collect();
    let template = env.get_template("index.html.j2")?;
    for (i, chunk) in chunks.iter().enumerate() {
        let first = i == 0;
        let html = template.render(minijinja::context! {
            title => title,
            reviews => Serde(chunk),
            total => rows.len(),
            page => i + 1,
            pages => Serde(if chunks.len() > 1 { &pages[..] } else { &[] }),
            from => i * PAGE_ROWS + 1,
            problems => Serde(&problem_pages),
            facets => Serde(&facets),
            skipped => corpus.skipped.len(),
            drafts_left_out => built.drafts_left_out,
            drafts => rows.iter().filter(|r| r.draft).count(),
            data => if first { data.clone() } else { None },
            script => first.then(|| Value::from_safe_string(script.to_string())),
            script_hash => &script_hash,
            generator => &generator,
        })?;
        let path = out.join(index_page(i + 1));
        built.count(&[write_if_changed(&path, &html)?]);
        if !first {
            wanted.insert(path);
        }
    }

    // Pages of reviews and problems that are gone, if the last build wrote them.
    for path in previous.difference(&wanted) {
        if path.is_file() {
            std::fs::remove_file(path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
            built.removed += 1;
        }
    }
    let mut manifest = String::from(
        "# Built by `pirt site`. The pages below are pirt's; pages of deleted reviews are removed.\n",
    );
    for path in &wanted {
        if let Ok(relative) = path.strip_prefix(out) {
            manifest.push_str(&relative.to_string_lossy());
            manifest.push('\n');
        }
    }
    write_if_changed(&marker, &manifest)?;
    Ok(built)
}

/// The file of the `n`th page of the index (from 1).
fn index_page(n: usize) -> String {
    if n == 1 {
        "index.html".into()
    } else {
        format!("index-{n}.html")
    }
}

#[derive(Serialize)]
struct PageLink {
    number: usize,
    href: String,
}

/// The index's data block: the filter values, and every review as one array in the
/// order of the pages, its filter values as positions in `values`.
#[derive(Serialize)]
struct IndexData<'a> {
    page_rows: usize,
    values: BTreeMap<&'a str, Vec<&'a str>>,
    reviews: Vec<DataRow<'a>>,
}

/// `[date, id, href, rank, severity, [services], [tags], status, ttr seconds, ttr text,
/// title, draft (0 or 1), problem, problem href]`, as the script reads it.
#[derive(Serialize)]
struct DataRow<'a>(
    &'a str,
    &'a str,
    &'a str,
    usize,
    usize,
    Vec<usize>,
    Vec<usize>,
    usize,
    Option<i64>,
    String,
    &'a str,
    u8,
    Option<&'a str>,
    Option<&'a str>,
);

fn index_data<'a>(rows: &'a [Row], facets: &'a BTreeMap<&str, BTreeSet<String>>) -> IndexData<'a> {
    let position: BTreeMap<&str, BTreeMap<&str, usize>> = facets
        .iter()
        .map(|(&key, values)| {
            let at = values
                .iter()
                .enumerate()
                .map(|(i, v)| (v.as_str(), i))
                .collect();
            (key, at)
        })
        .collect();
    let at = |key: &str, value: &str| position[key][value];
    let all = |key: &str, values: &[String]| values.iter().map(|v| at(key, v)).collect();
    IndexData {
        page_rows: PAGE_ROWS,
        values: facets
            .iter()
            .map(|(&key, values)| (key, values.iter().map(String::as_str).collect()))
            .collect(),
        reviews: rows
            .iter()
            .map(|r| {
                DataRow(
                    &r.date,
                    &r.id,
                    &r.href,
                    r.rank,
                    at("severity", &r.severity),
                    all("services", &r.services),
                    all("tags", &r.tags),
                    at("status", &r.status),
                    r.ttr,
                    r.ttr.map_or("—".into(), crate::render::duration_html),
                    &r.title,
                    u8::from(r.draft),
                    r.problem.as_deref(),
                    r.problem_href.as_deref(),
                )
            })
            .collect(),
    }
}

/// JSON for a `<script type="application/json">` block. `<`, `>` and `&` are written as
/// `\u003c`, `\u003e` and `\u0026` (they occur only inside strings, where the escapes mean
/// the same), so no text from a review can end the element (`</script>`) or open a
/// comment (`<!--`) in it.
fn script_json(value: &impl Serialize) -> anyhow::Result<String> {
    let json = serde_json::to_string(value)?;
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    Ok(out)
}

fn row(e: &Entry, links: &BTreeMap<String, String>, rank: usize, date: String) -> Row {
    let r = &e.review;
    // `|` separates values in the filter attributes.
    let clean = |v: &[String]| v.iter().map(|s| s.replace('|', "/")).collect::<Vec<_>>();
    let ttr = r.metrics().time_to_resolve.filter(|&s| s >= 0);
    Row {
        id: r.id.clone(),
        title: r.title.clone(),
        href: links.get(&r.id).cloned().unwrap_or_default(),
        date,
        rank,
        severity: r.severity.as_str().replace('|', "/"),
        services: clean(&r.services),
        tags: clean(&r.tags),
        status: r.status.as_str().to_string(),
        ttr,
        ttr_key: ttr.map(|s| format!("{s:012}")).unwrap_or_default(),
        problem: r.problem.clone(),
        problem_href: r.problem.as_ref().and_then(|p| links.get(p).cloned()),
        draft: r.status == crate::review::Status::Draft,
    }
}

/// True when `dir` holds nothing yet (so pirt may treat it as its own).
fn is_empty_dir(dir: &Path, marker: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| {
        entries.all(|e| {
            e.is_ok_and(|e| {
                let p = e.path();
                p == marker
                    || ((p.ends_with("reviews") || p.ends_with("problems"))
                        && std::fs::read_dir(&p).is_ok_and(|mut d| d.next().is_none()))
            })
        })
    })
}
