//! "Similar past incidents": reviews that share services or tags, or whose title and
//! trigger use many of the same words. Shown by `pirt new` and `pirt render`.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::config::Config;
use crate::corpus::Entry;
use crate::review::Review;

/// Most similar incidents shown.
pub const LIMIT: usize = 5;

/// Two texts this close (Jaccard over their words) count as similar on their own.
const TEXT_THRESHOLD: f64 = 0.3;

/// A similar incident, as shown to the reader.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Similar {
    pub id: String,
    pub title: String,
    /// `YYYY-MM-DD` in the configured zone, or empty.
    pub date: String,
    /// Why it is similar: "services checkout-api; tags database", "similar title".
    pub why: String,
    pub path: String,
    #[serde(skip)]
    pub score: f64,
}

/// Words of at least three letters, lower-cased, without the most common English ones.
fn words(text: &str) -> BTreeSet<String> {
    const STOP: &[&str] = &[
        "the", "and", "for", "with", "after", "from", "was", "were", "are", "not", "during",
        "into", "when", "that", "this", "our", "its", "all", "due", "has", "had", "but",
    ];
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()))
        .collect()
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.intersection(b).count() as f64;
    shared / (a.len() as f64 + b.len() as f64 - shared)
}

/// The past incidents most like `review`: shared services (3 points each), shared tags (2
/// each) and word overlap of title and trigger (up to 4), ranked, at most [`LIMIT`].
/// "Past": started before `review` (all others when either start is unknown).
pub fn find(review: &Review, corpus: &[Entry], config: &Config) -> Vec<Similar> {
    Index::new(corpus).find(review, config)
}

fn text(r: &Review) -> BTreeSet<String> {
    words(&format!(
        "{} {}",
        r.title,
        r.trigger.as_deref().unwrap_or_default()
    ))
}

/// The corpus with each review's words computed once, for many lookups (render, site).
pub struct Index<'a> {
    entries: &'a [Entry],
    words: Vec<BTreeSet<String>>,
}

impl<'a> Index<'a> {
    pub fn new(entries: &'a [Entry]) -> Self {
        Index {
            entries,
            words: entries.iter().map(|e| text(&e.review)).collect(),
        }
    }

    /// See [`find`].
    pub fn find(&self, review: &Review, config: &Config) -> Vec<Similar> {
    let mine = text(review);
    let services: BTreeSet<&str> = review.services.iter().map(String::as_str).collect();
    let tags: BTreeSet<&str> = review.tags.iter().map(String::as_str).collect();
    let mut found: Vec<Similar> = self
        .entries
        .iter()
        .zip(&self.words)
        .filter(|(e, _)| e.review.id != review.id)
        .filter(|(e, _)| match (e.review.started_at, review.started_at) {
            (Some(theirs), Some(ours)) => theirs <= ours,
            _ => true,
        })
        .filter_map(|(e, their_words)| {
            let r = &e.review;
            let shared_services: Vec<&str> = r
                .services
                .iter()
                .map(String::as_str)
                .filter(|s| services.contains(s))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let shared_tags: Vec<&str> = r
                .tags
                .iter()
                .map(String::as_str)
                .filter(|t| tags.contains(t))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let overlap = jaccard(&mine, their_words);
            let close_text = overlap >= TEXT_THRESHOLD;
            if shared_services.is_empty() && shared_tags.is_empty() && !close_text {
                return None;
            }
            let mut why = Vec::new();
            if !shared_services.is_empty() {
                why.push(format!("services {}", shared_services.join(", ")));
            }
            if !shared_tags.is_empty() {
                why.push(format!("tags {}", shared_tags.join(", ")));
            }
            if close_text {
                why.push("similar title or trigger".into());
            }
            Some(Similar {
                id: r.id.clone(),
                title: r.title.clone(),
                date: r
                    .started_at
                    .map(|t| t.with_timezone(&config.zone).format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                why: why.join("; "),
                path: e.path.display().to_string(),
                score: 3.0 * shared_services.len() as f64
                    + 2.0 * shared_tags.len() as f64
                    + 4.0 * overlap,
            })
        })
        .collect();
    found.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| b.date.cmp(&a.date))
            .then_with(|| a.id.cmp(&b.id))
    });
    found.truncate(LIMIT);
    found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::time::parse_rfc3339;

    fn entry(id: &str, started: &str, title: &str, services: &[&str], tags: &[&str]) -> Entry {
        Entry {
            path: format!("{id}.md").into(),
            review: Review {
                id: id.into(),
                title: title.into(),
                started_at: Some(parse_rfc3339(started).unwrap()),
                services: services.iter().map(|s| s.to_string()).collect(),
                tags: tags.iter().map(|s| s.to_string()).collect(),
                ..Review::default()
            },
        }
    }

    #[test]
    fn ranked_by_shared_services_tags_and_words_past_only_at_most_five() {
        let config = Config::default();
        let now = entry(
            "NOW",
            "2026-06-01T00:00:00Z",
            "Checkout errors after connection pool change",
            &["checkout-api"],
            &["database"],
        );
        let mut corpus = vec![
            entry(
                "SVC",
                "2026-01-01T00:00:00Z",
                "Slow search",
                &["checkout-api"],
                &[],
            ),
            entry(
                "TAG",
                "2026-01-02T00:00:00Z",
                "Replica lag",
                &[],
                &["database"],
            ),
            entry(
                "BOTH",
                "2026-01-03T00:00:00Z",
                "Outage",
                &["checkout-api"],
                &["database"],
            ),
            entry(
                "TEXT",
                "2026-01-04T00:00:00Z",
                "Checkout errors after pool change",
                &[],
                &[],
            ),
            entry(
                "NONE",
                "2026-01-05T00:00:00Z",
                "DNS outage",
                &["dns"],
                &["network"],
            ),
            entry(
                "LATER",
                "2026-07-01T00:00:00Z",
                "Checkout errors again",
                &["checkout-api"],
                &[],
            ),
        ];
        for i in 0..5 {
            corpus.push(entry(
                &format!("T{i}"),
                "2025-01-01T00:00:00Z",
                "x",
                &[],
                &["database"],
            ));
        }
        let found = find(&now.review, &corpus, &config);
        let ids: Vec<&str> = found.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(found.len(), 5);
        assert_eq!(&ids[..3], ["BOTH", "TEXT", "SVC"]);
        assert!(!ids.contains(&"NONE") && !ids.contains(&"LATER"));
        assert_eq!(found[1].why, "similar title or trigger");
    }
}
