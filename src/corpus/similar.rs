//! "Similar past incidents": reviews that share services or tags, or whose title and
//! trigger use many of the same words. Shown by `pirt new`, `pirt render` and the site.
//!
//! Candidates are the index's [`ReviewFacts`], so that rendering one review reads no other.
//! Many lookups (the site, rendering many files) use postings of services and tags: a
//! review is compared only with the reviews that share one with it, best first, and the
//! search stops when no remaining candidate can reach the fifth place; reviews that share
//! only words are looked at when the best five could still be beaten by words alone.
//! The results are those of the plain scan, to the order and the score (a test holds
//! both to that on generated sets).

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::config::Config;
use crate::corpus::{Index, ReviewFacts, ReviewRef};
use crate::review::{Review, Timestamp};
/// Most similar incidents shown.
pub const LIMIT: usize = 5;

/// Up to this many lookups the candidates are scanned; from more on, postings pay off.
const PLAIN_UP_TO: usize = 4;

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

/// The sorted words of a review's title and trigger: what similarity compares.
pub fn words_of(review: &Review) -> Vec<String> {
    words(&format!(
        "{} {}",
        review.title,
        review.trigger.as_deref().unwrap_or_default()
    ))
    .into_iter()
    .collect()
}

/// Jaccard similarity of two sorted lists without repeats; `a_count` also counts words of
/// `a` that are not in the list (words no candidate has).
fn jaccard<T: Ord>(a: &[T], a_count: usize, b: &[T]) -> f64 {
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

fn score(services: usize, tags: usize, overlap: f64) -> f64 {
    3.0 * services as f64 + 2.0 * tags as f64 + 4.0 * overlap
}

/// A scored candidate: score, start, position among the candidates.
type Scored = (f64, Option<Timestamp>, usize);

/// The past incidents most like `review`: shared services (3 points each), shared tags (2
/// each) and word overlap of title and trigger (up to 4), ranked, at most [`LIMIT`].
/// "Past": started before `review` (all others when either start is unknown).
pub fn find(review: &Review, candidates: &[&ReviewFacts], config: &Config) -> Vec<Similar> {
    Finder::plain(candidates.iter().map(|c| ReviewRef::of(c)).collect()).find(review, config)
}

/// The candidates, prepared for one lookup or for many.
pub struct Finder<'a> {
    candidates: Vec<ReviewRef<'a>>,
    postings: Option<Postings<'a>>,
    /// Candidates read from the index as each lookup goes (none is held but the best):
    /// what a few lookups need.
    streamed: Option<&'a Index>,
}

/// Who has each service, tag and word, by position among the candidates.
struct Postings<'a> {
    /// A position once per time the candidate lists the service (the plain scan counts
    /// repeats).
    services: HashMap<&'a str, Vec<u32>>,
    tags: HashMap<&'a str, Vec<u32>>,
    vocabulary: HashMap<&'a str, u32>,
    /// Each candidate's words as numbers, sorted.
    words: Vec<Vec<u32>>,
    by_word: Vec<Vec<u32>>,
}

impl<'a> Finder<'a> {
    /// For about `lookups` lookups: postings pay off from a few on.
    pub fn new(candidates: Vec<&'a ReviewFacts>, lookups: usize) -> Self {
        Self::of_refs(candidates.into_iter().map(ReviewRef::of).collect(), lookups)
    }

    /// As [`Finder::new`], for facts borrowed from the index's bytes
    /// ([`crate::corpus::Index::review_refs`]).
    pub fn of_refs(candidates: Vec<ReviewRef<'a>>, lookups: usize) -> Self {
        if lookups > PLAIN_UP_TO {
            Self::indexed(candidates)
        } else {
            Self::plain(candidates)
        }
    }

    fn plain(candidates: Vec<ReviewRef<'a>>) -> Self {
        Finder {
            candidates,
            postings: None,
            streamed: None,
        }
    }

    /// The reviews of `index` without errors, for about `lookups` lookups: from a few on
    /// they are listed once with postings; for fewer each lookup reads them from the index
    /// as it goes, so that rendering one review holds no list of every other.
    pub fn of_index(index: &'a Index, lookups: usize) -> Self {
        if lookups > PLAIN_UP_TO {
            let refs = index.review_refs();
            Self::indexed(refs.into_iter().filter(|r| r.error.is_none()).collect())
        } else {
            Finder {
                candidates: Vec::new(),
                postings: None,
                streamed: Some(index),
            }
        }
    }

    fn indexed(candidates: Vec<ReviewRef<'a>>) -> Self {
        let mut p = Postings {
            services: HashMap::new(),
            tags: HashMap::new(),
            vocabulary: HashMap::new(),
            words: Vec::with_capacity(candidates.len()),
            by_word: Vec::new(),
        };
        for (i, c) in candidates.iter().enumerate() {
            let i = i as u32;
            for &s in &c.services {
                p.services.entry(s).or_default().push(i);
            }
            for &t in &c.tags {
                p.tags.entry(t).or_default().push(i);
            }
            let mut ids: Vec<u32> = c
                .words
                .iter()
                .map(|w| {
                    let next = p.vocabulary.len() as u32;
                    let id = *p.vocabulary.entry(*w).or_insert(next);
                    if id == next {
                        p.by_word.push(Vec::new());
                    }
                    p.by_word[id as usize].push(i);
                    id
                })
                .collect();
            ids.sort_unstable();
            p.words.push(ids);
        }
        Finder {
            candidates,
            postings: Some(p),
            streamed: None,
        }
    }

    /// See [`find`].
    pub fn find(&self, review: &Review, config: &Config) -> Vec<Similar> {
        if let Some(index) = self.streamed {
            let candidates = index.review_refs_iter().filter(|r| r.error.is_none());
            return find_streamed(candidates, review, config);
        }
        let services: BTreeSet<&str> = review.services.iter().map(String::as_str).collect();
        let tags: BTreeSet<&str> = review.tags.iter().map(String::as_str).collect();
        let mine = words_of(review);
        let mine: Vec<&str> = mine.iter().map(String::as_str).collect();
        let best = match &self.postings {
            None => self.scan(review, &services, &tags, &mine),
            Some(p) => self.search(p, review, &services, &tags, &mine),
        };
        best.into_iter()
            .map(|(score, _, i)| shown(&self.candidates[i], score, &services, &tags, &mine, config))
            .collect()
    }

    /// The plain scan: every candidate scored, ranked, the best kept.
    fn scan(
        &self,
        review: &Review,
        services: &BTreeSet<&str>,
        tags: &BTreeSet<&str>,
        mine: &[&str],
    ) -> Vec<Scored> {
        let mut scored: Vec<Scored> = Vec::new();
        for (i, c) in self.candidates.iter().enumerate() {
            if let Some(points) = plain_score(c, review, services, tags, mine) {
                scored.push((points, c.started_at, i));
            }
        }
        scored.sort_by(|a, b| self.rank(a, b));
        scored.truncate(LIMIT);
        scored
    }

    fn rank(&self, a: &Scored, b: &Scored) -> std::cmp::Ordering {
        rank((a, self.candidates[a.2].id), (b, self.candidates[b.2].id))
    }

    /// Keeps `candidate` if it belongs among the best [`LIMIT`] (kept sorted).
    fn offer(&self, best: &mut Vec<Scored>, candidate: Scored) {
        let at = best.partition_point(|b| self.rank(b, &candidate).is_lt());
        if at < LIMIT {
            best.insert(at, candidate);
            best.truncate(LIMIT);
        }
    }

    /// The same result as [`Finder::scan`], from the postings.
    fn search(
        &self,
        p: &Postings,
        review: &Review,
        services: &BTreeSet<&str>,
        tags: &BTreeSet<&str>,
        mine: &[&str],
    ) -> Vec<Scored> {
        let mut ids: Vec<u32> = mine
            .iter()
            .filter_map(|w| p.vocabulary.get(w).copied())
            .collect();
        ids.sort_unstable();
        // Shared services and tags of every candidate that shares any.
        let mut shared: Vec<(u32, u32)> = vec![(0, 0); self.candidates.len()];
        let mut touched: Vec<u32> = Vec::new();
        for (list, tag) in [(&p.services, services), (&p.tags, tags)]
            .into_iter()
            .zip([false, true])
            .map(|((postings, wanted), tag)| (wanted.iter().filter_map(|w| postings.get(w)), tag))
        {
            for &i in list.flatten() {
                let counts = &mut shared[i as usize];
                if *counts == (0, 0) {
                    touched.push(i);
                }
                if tag { counts.1 += 1 } else { counts.0 += 1 }
            }
        }
        let base = |i: u32| {
            let (s, t) = shared[i as usize];
            3 * s + 2 * t
        };
        touched.sort_unstable_by_key(|&i| std::cmp::Reverse(base(i)));
        let mut best: Vec<Scored> = Vec::with_capacity(LIMIT + 1);
        // Words add at most 4 points: a candidate whose services and tags leave it more
        // than 4 below the fifth cannot reach it.
        let out_of_reach = |best: &Vec<Scored>, base: u32| {
            best.len() == LIMIT && base as f64 + 4.0 < best[LIMIT - 1].0
        };
        for &i in &touched {
            if out_of_reach(&best, base(i)) {
                break;
            }
            let c = &self.candidates[i as usize];
            if !eligible(c, review) {
                continue;
            }
            let (s, t) = shared[i as usize];
            let overlap = jaccard(&ids, mine.len(), &p.words[i as usize]);
            self.offer(
                &mut best,
                (
                    score(s as usize, t as usize, overlap),
                    c.started_at,
                    i as usize,
                ),
            );
        }
        // Candidates sharing words only score 4 at most.
        if out_of_reach(&best, 0) {
            return best;
        }
        for &w in &ids {
            for &i in &p.by_word[w as usize] {
                // Marks a candidate as looked at (no real count is this high).
                let counts = &mut shared[i as usize];
                if *counts != (0, 0) {
                    continue;
                }
                *counts = (u32::MAX, 0);
                let c = &self.candidates[i as usize];
                if !eligible(c, review) {
                    continue;
                }
                let overlap = jaccard(&ids, mine.len(), &p.words[i as usize]);
                if overlap >= TEXT_THRESHOLD {
                    self.offer(&mut best, (score(0, 0, overlap), c.started_at, i as usize));
                }
            }
        }
        best
    }
}

/// Whether a candidate may be shown at all: another review, not a later one.
fn eligible(c: &ReviewRef, review: &Review) -> bool {
    if c.id == review.id {
        return false;
    }
    !matches!((c.started_at, review.started_at), (Some(theirs), Some(ours)) if theirs > ours)
}

/// A candidate's score in the plain scan: `None` when it may not be shown, or shares no
/// service or tag and too few words.
fn plain_score(
    c: &ReviewRef,
    review: &Review,
    services: &BTreeSet<&str>,
    tags: &BTreeSet<&str>,
    mine: &[&str],
) -> Option<f64> {
    if !eligible(c, review) {
        return None;
    }
    let s = c.services.iter().filter(|x| services.contains(**x)).count();
    let t = c.tags.iter().filter(|x| tags.contains(**x)).count();
    let overlap = jaccard(mine, mine.len(), &c.words);
    (s > 0 || t > 0 || overlap >= TEXT_THRESHOLD).then(|| score(s, t, overlap))
}

/// Best first: score, then the later start, then the id, then the candidates' order.
fn rank(a: (&Scored, &str), b: (&Scored, &str)) -> std::cmp::Ordering {
    let ((a, a_id), (b, b_id)) = (a, b);
    b.0.total_cmp(&a.0)
        .then_with(|| b.1.cmp(&a.1))
        .then_with(|| a_id.cmp(b_id))
        .then_with(|| a.2.cmp(&b.2))
}

/// The plain scan over candidates as they come, holding only the best [`LIMIT`]: the
/// same result as [`Finder::scan`] over the same candidates in the same order.
fn find_streamed<'a>(
    candidates: impl Iterator<Item = ReviewRef<'a>>,
    review: &Review,
    config: &Config,
) -> Vec<Similar> {
    let services: BTreeSet<&str> = review.services.iter().map(String::as_str).collect();
    let tags: BTreeSet<&str> = review.tags.iter().map(String::as_str).collect();
    let mine = words_of(review);
    let mine: Vec<&str> = mine.iter().map(String::as_str).collect();
    let (services, tags, mine) = (&services, &tags, &mine[..]);
    let mut best: Vec<(Scored, ReviewRef<'a>)> = Vec::with_capacity(LIMIT + 1);
    for (i, c) in candidates.enumerate() {
        let Some(points) = plain_score(&c, review, services, tags, mine) else {
            continue;
        };
        let scored = (points, c.started_at, i);
        let at = best.partition_point(|(b, b_ref)| rank((b, b_ref.id), (&scored, c.id)).is_lt());
        if at < LIMIT {
            best.insert(at, (scored, c));
            best.truncate(LIMIT);
        }
    }
    best.into_iter()
        .map(|((score, _, _), c)| shown(&c, score, services, tags, mine, config))
        .collect()
}

/// A candidate as the reader sees it, with why it is similar.
fn shown(
    c: &ReviewRef,
    score: f64,
    services: &BTreeSet<&str>,
    tags: &BTreeSet<&str>,
    mine: &[&str],
    config: &Config,
) -> Similar {
    let shared = |list: &[&str], wanted: &BTreeSet<&str>| -> Option<String> {
        let set: BTreeSet<&str> = list
            .iter()
            .copied()
            .filter(|s| wanted.contains(s))
            .collect();
        (!set.is_empty()).then(|| set.into_iter().collect::<Vec<_>>().join(", "))
    };
    let mut why = Vec::new();
    if let Some(list) = shared(&c.services, services) {
        why.push(format!("services {list}"));
    }
    if let Some(list) = shared(&c.tags, tags) {
        why.push(format!("tags {list}"));
    }
    if jaccard(mine, mine.len(), &c.words) >= TEXT_THRESHOLD {
        why.push("similar title or trigger".into());
    }
    Similar {
        id: c.id.to_string(),
        title: c.title.to_string(),
        date: c
            .started_at
            .map(|t| t.with_timezone(&config.zone).format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        why: why.join("; "),
        path: c.path.display().to_string(),
        score,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Entry;
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
        let facts: Vec<ReviewFacts> = corpus
            .iter()
            .map(|e| ReviewFacts::of(&e.path, &e.review))
            .collect();
        let found = find(&now.review, &facts.iter().collect::<Vec<_>>(), &config);
        let ids: Vec<&str> = found.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(found.len(), 5);
        assert_eq!(&ids[..3], ["BOTH", "TEXT", "SVC"]);
        assert!(!ids.contains(&"NONE") && !ids.contains(&"LATER"));
        assert_eq!(found[1].why, "similar title or trigger");
    }

    /// A small deterministic generator (the tests need no crate for it).
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) % n as u64) as usize
        }

        fn some<'w>(&mut self, pool: &[&'w str], most: usize) -> Vec<&'w str> {
            (0..self.below(most + 1))
                .map(|_| pool[self.below(pool.len())])
                .collect()
        }
    }

    #[test]
    fn the_postings_and_the_stream_find_what_the_plain_scan_finds() {
        const SERVICES: &[&str] = &["api", "db", "queue", "dns", "cache", "auth", "web"];
        const TAGS: &[&str] = &["deploy", "config", "capacity", "network", "vendor"];
        const WORDS: &[&str] = &[
            "checkout",
            "errors",
            "latency",
            "outage",
            "pool",
            "replica",
            "lag",
            "certificate",
            "expired",
            "rollout",
            "timeouts",
            "disk",
            "full",
            "search",
            "slow",
        ];
        let mut rng = Rng(14);
        let config = Config::default();
        let mut corpus = Vec::new();
        for n in 0..700 {
            // Repeated ids, repeated services and no start at all happen in real folders.
            let id = format!("PIR-{}", rng.below(650));
            let day = 1 + rng.below(28);
            let started =
                (rng.below(10) > 0).then(|| format!("2026-{:02}-{day:02}T00:00:00Z", 1 + n % 12));
            let title = rng.some(WORDS, 5).join(" ");
            let mut e = entry(
                &id,
                "2026-01-01T00:00:00Z",
                &title,
                &rng.some(SERVICES, 3),
                &rng.some(TAGS, 2),
            );
            e.review.started_at = started.map(|s| parse_rfc3339(&s).unwrap());
            e.review.trigger = (rng.below(3) == 0).then(|| rng.some(WORDS, 3).join(" "));
            corpus.push(e);
        }
        let facts: Vec<ReviewFacts> = corpus
            .iter()
            .map(|e| ReviewFacts::of(&e.path, &e.review))
            .collect();
        let candidates: Vec<ReviewRef> = facts.iter().map(ReviewRef::of).collect();
        let (plain, fast) = (
            Finder::plain(candidates.clone()),
            Finder::indexed(candidates.clone()),
        );
        let (mut found, mut words_only) = (0, 0);
        for e in &corpus {
            let expected = plain.find(&e.review, &config);
            assert_eq!(
                fast.find(&e.review, &config),
                expected,
                "for {}",
                e.review.id
            );
            assert_eq!(
                find_streamed(candidates.iter().cloned(), &e.review, &config),
                expected,
                "streamed, for {}",
                e.review.id
            );
            found += expected.len();
            words_only += expected
                .iter()
                .filter(|s| s.why == "similar title or trigger")
                .count();
        }
        // The comparison covered full lists and matches on words alone.
        assert!(found > 3000 && words_only > 0, "{found} {words_only}");
    }
}
