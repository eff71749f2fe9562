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

/// Jaccard similarity of two sorted word-number lists; `a_count` also counts words of `a`
/// that have no number.
fn jaccard(a: &[u32], a_count: usize, b: &[u32]) -> f64 {
    if a_count == 0 || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared as f64 / (a_count + b.len() - shared) as f64
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

/// The corpus with each review's words computed once, as sorted numbers, for many lookups
/// (render and site compare every review with every other).
pub struct Index<'a> {
    entries: &'a [Entry],
    words: Vec<Vec<u32>>,
    vocabulary: std::collections::HashMap<String, u32>,
}

impl<'a> Index<'a> {
    pub fn new(entries: &'a [Entry]) -> Self {
        let mut vocabulary = std::collections::HashMap::new();
        let words = entries
            .iter()
            .map(|e| {
                let mut ids: Vec<u32> = text(&e.review)
                    .into_iter()
                    .map(|w| {
                        let next = vocabulary.len() as u32;
                        *vocabulary.entry(w).or_insert(next)
                    })
                    .collect();
                ids.sort_unstable();
                ids
            })
            .collect();
        Index {
            entries,
            words,
            vocabulary,
        }
    }

    /// A review's words as numbers (words no other review has are only counted).
    fn numbered(&self, review: &Review) -> (Vec<u32>, usize) {
        let words = text(review);
        let mut ids: Vec<u32> = words
            .iter()
            .filter_map(|w| self.vocabulary.get(w).copied())
            .collect();
        ids.sort_unstable();
        (ids, words.len())
    }

    /// See [`find`].
    pub fn find(&self, review: &Review, config: &Config) -> Vec<Similar> {
        let (mine, my_count) = self.numbered(review);
        let services: BTreeSet<&str> = review.services.iter().map(String::as_str).collect();
        let tags: BTreeSet<&str> = review.tags.iter().map(String::as_str).collect();
        let shared = |list: &'a [String], wanted: &BTreeSet<&str>| -> BTreeSet<&'a str> {
            list.iter()
                .map(String::as_str)
                .filter(|s| wanted.contains(s))
                .collect()
        };
        // Score every candidate cheaply; build the shown entries for the best few only.
        let mut scored: Vec<(f64, Option<crate::review::Timestamp>, usize)> = Vec::new();
        for (i, (e, their_words)) in self.entries.iter().zip(&self.words).enumerate() {
            let r = &e.review;
            if r.id == review.id {
                continue;
            }
            if let (Some(theirs), Some(ours)) = (r.started_at, review.started_at)
                && theirs > ours
            {
                continue;
            }
            let s = r
                .services
                .iter()
                .filter(|x| services.contains(x.as_str()))
                .count();
            let t = r.tags.iter().filter(|x| tags.contains(x.as_str())).count();
            let overlap = jaccard(&mine, my_count, their_words);
            if s == 0 && t == 0 && overlap < TEXT_THRESHOLD {
                continue;
            }
            scored.push((
                3.0 * s as f64 + 2.0 * t as f64 + 4.0 * overlap,
                r.started_at,
                i,
            ));
        }
        scored.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| b.1.cmp(&a.1))
                .then_with(|| {
                    self.entries[a.2]
                        .review
                        .id
                        .cmp(&self.entries[b.2].review.id)
                })
        });
        scored.truncate(LIMIT);
        scored
            .into_iter()
            .map(|(score, _, i)| {
                let e = &self.entries[i];
                let r = &e.review;
                let shared_services = shared(&r.services, &services);
                let shared_tags = shared(&r.tags, &tags);
                let mut why = Vec::new();
                if !shared_services.is_empty() {
                    why.push(format!(
                        "services {}",
                        shared_services.into_iter().collect::<Vec<_>>().join(", ")
                    ));
                }
                if !shared_tags.is_empty() {
                    why.push(format!(
                        "tags {}",
                        shared_tags.into_iter().collect::<Vec<_>>().join(", ")
                    ));
                }
                if jaccard(&mine, my_count, &self.words[i]) >= TEXT_THRESHOLD {
                    why.push("similar title or trigger".into());
                }
                Similar {
                    id: r.id.clone(),
                    title: r.title.clone(),
                    date: r
                        .started_at
                        .map(|t| t.with_timezone(&config.zone).format("%Y-%m-%d").to_string())
                        .unwrap_or_default(),
                    why: why.join("; "),
                    path: e.path.display().to_string(),
                    score,
                }
            })
            .collect()
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
