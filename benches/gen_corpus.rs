//! Generates a corpus of realistic reviews in the SPEC format for benchmarks:
//! `pirt-gen-corpus DIR COUNT [--defects PERCENT] [--long]`. Each review has 10–30 timeline
//! entries, 3–8 action items and a written body (3–7 KB); with `--long`, 40–42 timeline
//! entries and a longer narrative (about 8 KB a review). A share of them carry defects
//! (missing fields, blameful wording, out-of-order times, overdue items, broken YAML).
//! The output is deterministic for a given COUNT (and `--long`).

use std::fmt::Write as _;
use std::path::PathBuf;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const SERVICES: &[&str] = &[
    "checkout-api",
    "orders-db",
    "payments",
    "search-api",
    "edge-proxy",
    "auth",
    "billing",
    "notifications",
    "inventory",
    "recommendations",
    "cdn",
    "dns",
    "kafka",
    "redis-cache",
];
const TAGS: &[&str] = &[
    "database",
    "config-change",
    "capacity",
    "network",
    "deploy",
    "dependency",
    "certificate",
    "dns",
    "cache",
];
const PEOPLE: &[&str] = &[
    "ana.lopez",
    "li.wei",
    "kenji.ito",
    "maria.santos",
    "tom.kovacs",
    "priya.natarajan",
    "jon.berg",
    "sam.okafor",
];
const KINDS: &[&str] = &[
    "detection",
    "escalation",
    "diagnosis",
    "communication",
    "note",
    "mitigation",
];
const SENTENCES: &[&str] = &[
    "The connection pool reached its limit and requests queued behind it.",
    "Latency rose first in one availability zone and then spread to the others.",
    "The on-call engineer paged the database team after the second alert.",
    "A configuration change had lowered the limit without a review by the owning team.",
    "Retries from clients doubled the load while the service was already saturated.",
    "The dashboard showed the error rate only as an average, which hid the spike.",
    "Rolling back the change restored normal latency within four minutes.",
    "Customer support received the first tickets before the alert fired.",
    "The runbook described the old topology and had to be adapted during the incident.",
    "Capacity headroom had shrunk over several months as traffic grew.",
];
const SECTIONS: &[&str] = &[
    "Summary",
    "Impact",
    "Root cause and contributing factors",
    "Detection",
    "Resolution",
    "What went well",
    "What went wrong",
    "Where we got lucky",
    "Problem hand-off",
];

fn paragraph(rng: &mut Rng, sentences: u64) -> String {
    (0..sentences)
        .map(|_| rng.pick(SENTENCES))
        .collect::<Vec<_>>()
        .join(" ")
}

/// How long the generated reviews are.
#[derive(Clone, Copy)]
struct Shape {
    /// Timeline entries: `entries_min` plus up to `entries_spread - 1` more.
    entries_min: u64,
    entries_spread: u64,
    /// Sentences per body section: `sentences_min` plus up to `sentences_spread - 1` more.
    sentences_min: u64,
    sentences_spread: u64,
}

const SHORT: Shape = Shape {
    entries_min: 10,
    entries_spread: 21,
    sentences_min: 1,
    sentences_spread: 3,
};

/// About 8 KB a review: a long incident, written up at length.
const LONG: Shape = Shape {
    entries_min: 40,
    entries_spread: 3,
    sentences_min: 2,
    sentences_spread: 2,
};

fn review(rng: &mut Rng, n: usize, defective: bool, shape: Shape) -> String {
    let year = 2022 + (n % 4);
    let day = 1 + rng.below(28);
    let month = 1 + rng.below(12);
    let hour = rng.below(20);
    let start = |minutes: u64| {
        let total = hour * 60 + minutes;
        format!(
            "{year}-{month:02}-{day:02}T{:02}:{:02}:00Z",
            (total / 60).min(23),
            total % 60
        )
    };
    let defect = if defective { rng.below(6) } else { 99 };
    let status = if defect == 99 {
        ["published", "in-review", "draft"][rng.below(3) as usize]
    } else {
        "published"
    };
    let mut out = String::with_capacity(10_000);
    let _ = writeln!(
        out,
        "---\nid: PIR-{year}-{n:05}\ntitle: {} degraded after {}",
        rng.pick(SERVICES),
        rng.pick(TAGS)
    );
    let _ = writeln!(out, "status: {status}\nseverity: SEV{}", 1 + rng.below(4));
    let _ = writeln!(
        out,
        "services: [{}, {}]\ntags: [{}]",
        rng.pick(SERVICES),
        rng.pick(SERVICES),
        rng.pick(TAGS)
    );
    let _ = writeln!(
        out,
        "authors: [{}]\nincident_commander: {}",
        rng.pick(PEOPLE),
        rng.pick(PEOPLE)
    );
    let detected = 3 + rng.below(20);
    let _ = writeln!(out, "started_at: {}", start(0));
    if defect != 0 {
        let _ = writeln!(
            out,
            "detected_at: {}",
            start(if defect == 1 { 0 } else { detected })
        );
    }
    let _ = writeln!(
        out,
        "acknowledged_at: {}\nmitigated_at: {}\nresolved_at: {}",
        start(detected + 2),
        start(detected + 40),
        start(detected + 200)
    );
    let _ = writeln!(
        out,
        "detection: {{method: alert, source: \"{} error rate > 2%\"}}",
        rng.pick(SERVICES)
    );
    let _ = writeln!(
        out,
        "impact:\n  summary: About {}% of requests failed for {} minutes.\n  users_affected: {}\n  customer_tickets: {}",
        1 + rng.below(40),
        10 + rng.below(90),
        rng.below(100_000),
        rng.below(200)
    );
    let _ = writeln!(out, "trigger: {}", rng.pick(SENTENCES));
    out.push_str("timeline:\n");
    let entries = shape.entries_min + rng.below(shape.entries_spread);
    for i in 0..entries {
        let minute = if defect == 2 && i == 3 {
            1
        } else {
            i * (detected + 200) / entries
        };
        let kind = if i == 0 { "trigger" } else { rng.pick(KINDS) };
        let _ = writeln!(
            out,
            "  - at: {}\n    kind: {kind}\n    text: {}",
            start(minute),
            rng.pick(SENTENCES)
        );
    }
    out.push_str("action_items:\n");
    for i in 0..(3 + rng.below(6)) {
        let due = if defect == 3 {
            "2023-01-01".to_string()
        } else {
            format!("{}-12-{:02}", year + 6, 1 + rng.below(28))
        };
        let _ = writeln!(
            out,
            "  - id: AI-{}\n    title: {}\n    type: {}\n    owner: {}\n    due: {due}\n    tracker: OPS-{}\n    status: open",
            i + 1,
            rng.pick(SENTENCES).trim_end_matches('.'),
            ["prevent", "detect", "mitigate", "process"][rng.below(4) as usize],
            rng.pick(PEOPLE),
            1000 + rng.below(9000)
        );
    }
    let related = n.saturating_sub(1 + rng.below(5) as usize);
    let _ = writeln!(
        out,
        "problem: PRB-{:04}\nrelated: [PIR-{}-{related:05}]",
        1 + rng.below(50),
        2022 + related % 4
    );
    if defect == 5 {
        out.push_str("services: [broken\n");
    }
    out.push_str("---\n");
    for heading in SECTIONS {
        let _ = writeln!(out, "\n## {heading}\n");
        let sentences = shape.sentences_min + rng.below(shape.sentences_spread);
        let mut text = paragraph(rng, sentences);
        if defect == 4 && *heading == "Root cause and contributing factors" {
            text.push_str(" This was human error: the engineer should have checked the graph.");
        }
        out.push_str(&text);
        out.push('\n');
    }
    out
}

fn problem(n: usize) -> String {
    format!(
        "---\nid: PRB-{n:04}\ntitle: Recurring capacity problem {n}\nstatus: open\nowner: li.wei\n---\n\n## Problem statement\n\nSeveral incidents share this cause.\n"
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: pirt-gen-corpus DIR COUNT [--defects PERCENT] [--long]");
        std::process::exit(2);
    }
    let dir = PathBuf::from(&args[1]);
    let count: usize = args[2].parse().expect("COUNT is a number");
    let defects: u64 = args
        .iter()
        .position(|a| a == "--defects")
        .and_then(|i| args.get(i + 1))
        .map_or(10, |p| p.parse().expect("PERCENT"));
    let shape = if args.iter().any(|a| a == "--long") {
        LONG
    } else {
        SHORT
    };
    let reviews = dir.join("postmortems");
    let problems = dir.join("problems");
    std::fs::create_dir_all(&reviews).expect("create postmortems/");
    std::fs::create_dir_all(&problems).expect("create problems/");
    std::fs::write(dir.join("pirt.toml"), "timezone = \"UTC\"\n").expect("write pirt.toml");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ count as u64);
    let mut bytes = 0;
    for n in 0..count {
        let defective = rng.below(100) < defects;
        let text = review(&mut rng, n, defective, shape);
        bytes += text.len();
        std::fs::write(reviews.join(format!("review-{n:06}.md")), text).expect("write review");
    }
    for n in 1..=50 {
        std::fs::write(problems.join(format!("PRB-{n:04}.md")), problem(n)).expect("write problem");
    }
    eprintln!(
        "{count} reviews ({:.1} MB, {:.1} KB each on average) and 50 problems in {}",
        bytes as f64 / 1e6,
        bytes as f64 / count.max(1) as f64 / 1e3,
        dir.display()
    );
}
