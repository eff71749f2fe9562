//! `stats`, `actions`, `problem` and `site` on a small corpus whose figures are computed by
//! hand in the fixture comments (tests/fixtures/insights).

use std::path::Path;
use std::process::Output;

use crate::{copy_dir, fixtures, pirt};

/// A copy of the insights corpus in a scratch folder.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("insights"), dir.path());
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    pirt(dir)
        .args(args)
        .env("PIRT_TODAY", "2026-06-15")
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn stats_figures_match_the_hand_computed_ones() {
    let dir = corpus();
    let json: serde_json::Value =
        serde_json::from_str(&ok(&run(dir.path(), &["stats", "--format", "json"]))).unwrap();
    let total = &json["total"];
    assert_eq!(json["schema_version"], 1);
    assert_eq!(total["incidents"], 4);
    // TTD 10m (zones differ), 30m, 20m, 5m.
    assert_eq!(total["time_to_detect"]["mean"], 975.0);
    assert_eq!(total["time_to_detect"]["median"], 900.0);
    assert_eq!(total["time_to_detect"]["p90"], 1800.0);
    assert_eq!(total["time_to_detect"]["n"], 4);
    // PIR-2026-003 has no acknowledged/mitigated/resolved time: left out, not zero.
    assert_eq!(total["time_to_acknowledge"]["n"], 3);
    assert_eq!(total["time_to_resolve"]["mean"], 12000.0);
    assert_eq!(total["time_to_resolve"]["n"], 3);
    assert_eq!(
        total["action_items"],
        serde_json::json!({"total": 5, "open": 4, "done": 1, "overdue": 4})
    );
    let recurrence = &json["recurrence"][0];
    assert_eq!(recurrence["name"], "checkout-api");
    assert_eq!(recurrence["problems"], serde_json::json!(["PRB-0001"]));
    assert_eq!(json["recurrence"].as_array().unwrap().len(), 1);

    insta::assert_snapshot!(ok(&run(dir.path(), &["stats", "--by", "month"])));
    let since = run(
        dir.path(),
        &["stats", "--since", "2026-02-01", "--format", "json"],
    );
    let since: serde_json::Value = serde_json::from_str(&ok(&since)).unwrap();
    assert_eq!(since["total"]["incidents"], 2);
    let bad = run(dir.path(), &["stats", "--since", "last week"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("`last week` is not a date"));
}

#[test]
fn stats_html_is_self_contained() {
    let dir = corpus();
    let html = ok(&run(dir.path(), &["stats", "--format", "html"]));
    assert!(html.contains("<svg") && html.contains("Content-Security-Policy"));
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
    // On a phone the month charts open at the newest months (no script to scroll them),
    // with a line saying how to see earlier ones.
    assert!(html.contains(".chart-scroll { direction: rtl; }"));
    assert_eq!(html.matches("swipe right for earlier ones").count(), 2);
}

#[test]
fn actions_overdue_by_due_date_or_severity_deadline_with_filters() {
    let dir = corpus();
    insta::assert_snapshot!(ok(&run(dir.path(), &["actions"])));
    let csv = ok(&run(
        dir.path(),
        &[
            "actions",
            "--overdue",
            "--owner",
            "LI.WEI",
            "--format",
            "csv",
        ],
    ));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[1].starts_with(
        "PIR-2026-001,AI-1,Alert on pool saturation,detect,li.wei,2026-02-01,2026-02-01,open,"
    ));
    // SEV3 deadline: 90 days after 2026-01-20.
    assert!(
        lines[2].contains(",,2026-04-20,in-progress,"),
        "{}",
        lines[2]
    );
    let json: serde_json::Value = serde_json::from_str(&ok(&run(
        dir.path(),
        &["actions", "--service", "dns", "--format", "json"],
    )))
    .unwrap();
    let items = json["action_items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    // Started 22:00 UTC on 2 May = 3 May in Berlin; SEV1 gives 30 days.
    assert_eq!(items[0]["deadline"], "2026-06-02");
    let open = ok(&run(dir.path(), &["actions", "--open"]));
    assert!(!open.contains("Validate pool sizes"));
}

#[test]
fn problem_new_links_reviews_byte_for_byte_and_list_derives_the_incidents() {
    let dir = corpus();
    let review = dir
        .path()
        .join("postmortems/2026-01-20-checkout-latency.md");
    let before = std::fs::read_to_string(&review).unwrap();
    let out = ok(&run(
        dir.path(),
        &[
            "problem",
            "new",
            "Checkout capacity is not planned for sales",
            "--from",
            "postmortems/2026-01-20-checkout-latency.md",
            "--owner",
            "li.wei",
        ],
    ));
    assert_eq!(
        out.trim(),
        dir.path()
            .join("problems/PRB-0003-checkout-capacity-is-not-planned-for-sales.md")
            .display()
            .to_string()
    );
    let after = std::fs::read_to_string(&review).unwrap();
    assert_eq!(
        after,
        before.replacen(
            "\n---\n## Summary",
            "\nproblem: PRB-0003\n---\n## Summary",
            1
        )
    );
    let list: serde_json::Value = serde_json::from_str(&ok(&run(
        dir.path(),
        &["problem", "list", "--format", "json"],
    )))
    .unwrap();
    let problems = list["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 3);
    assert_eq!(problems[2]["id"], "PRB-0003");
    assert_eq!(problems[2]["owner"], "li.wei");
    assert_eq!(problems[2]["incidents"][0]["id"], "PIR-2026-002");
    assert_eq!(problems[0]["incidents"][0]["id"], "PIR-2026-001");
    insta::assert_snapshot!(ok(&run(dir.path(), &["problem", "list"])));
    // The new record passes check.
    let check = run(dir.path(), &["check", "problems"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    // A review already linked elsewhere is refused, and nothing is created.
    let out = run(
        dir.path(),
        &[
            "problem",
            "new",
            "Another",
            "--from",
            "postmortems/2026-01-05-checkout-pool.md",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already links problem record PRB-0001"));
    assert_eq!(
        std::fs::read_dir(dir.path().join("problems"))
            .unwrap()
            .count(),
        3
    );
}

/// A page with minijinja's `&#x2f;` (an escaped `/`, same meaning in HTML) decoded.
fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .replace("&#x2f;", "/")
}

#[test]
fn site_builds_links_everything_and_rewrites_nothing_when_unchanged() {
    let dir = corpus();
    // A hostile title must come out as text.
    let hostile = dir
        .path()
        .join("postmortems/2026-01-20-checkout-latency.md");
    let text = std::fs::read_to_string(&hostile).unwrap().replace(
        "title: Checkout latency during the sale",
        "title: \"<script>alert(1)</script> <img src=x onerror=alert(2)>\"",
    );
    std::fs::write(&hostile, text).unwrap();
    let out = run(
        dir.path(),
        &["site", "public", "--title", "Payments reviews"],
    );
    ok(&out);
    let site = dir.path().join("public");
    for page in [
        "index.html",
        "stats.html",
        "problems/index.html",
        "problems/PRB-0001.html",
        "reviews/PIR-2026-001.html",
    ] {
        let html = read(&site.join(page));
        assert!(html.contains("Content-Security-Policy"), "{page}");
        assert!(
            !html.contains("<script>alert") && !html.contains("<img src=x"),
            "{page}"
        );
        assert!(
            !html.contains("src=\"http") && !html.contains("href=\"http"),
            "{page}"
        );
    }
    let index = read(&site.join("index.html"));
    assert!(index.contains("href=\"reviews/PIR-2026-001.html\""));
    assert!(index.contains("href=\"problems/PRB-0001.html\""));
    assert!(index.contains("data-services=\"checkout-api|orders-db\""));
    // Each service a whole that does not break at its hyphen; the list breaks between.
    assert!(index.contains(
        "<td class=\"services small\"><span class=\"item\">checkout-api</span>, <span class=\"item\">orders-db</span></td>"
    ));
    assert!(index.contains("td .item { white-space: nowrap; }"));
    // The only script is pirt's, allowed by its hash.
    assert_eq!(index.matches("<script>").count(), 1);
    assert!(index.contains("script-src 'sha256-"));
    // The hash is of the exact text between the tags, which has no whitespace at its ends:
    // the Nu HTML Checker hashes it trimmed (tests/html-valid.sh).
    let text = &index[index.find("<script>").unwrap() + 8..index.find("</script>").unwrap()];
    assert_eq!(text, text.trim(), "the script has whitespace at its ends");
    let hash = {
        use base64::Engine;
        use sha2::Digest;
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(text.as_bytes()))
    };
    assert!(
        index.contains(&format!("script-src 'sha256-{hash}'")),
        "{hash}"
    );
    let review = read(&site.join("reviews/PIR-2026-001.html"));
    assert!(review.contains("href=\"../problems/PRB-0001.html\""));
    assert!(review.contains("href=\"../index.html\""));
    assert!(!review.contains("<script"));
    let problem = read(&site.join("problems/PRB-0001.html"));
    assert!(problem.contains("href=\"../reviews/PIR-2026-001.html\""));
    let body = |html: &str| html[html.find("<main>").unwrap()..].to_string();
    insta::assert_snapshot!("site_problem_page", body(&problem));
    insta::assert_snapshot!(
        "site_problems_index",
        body(&read(&site.join("problems/index.html")))
    );

    // Rebuilding an unchanged corpus rewrites nothing.
    let stamp = |p: &str| std::fs::metadata(site.join(p)).unwrap().modified().unwrap();
    let before: Vec<_> = ["index.html", "stats.html", "reviews/PIR-2026-004.html"]
        .iter()
        .map(|p| stamp(p))
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = run(
        dir.path(),
        &["site", "public", "--title", "Payments reviews"],
    );
    ok(&again);
    assert!(String::from_utf8_lossy(&again.stderr).contains("0 pages written, 8 unchanged"));
    let after: Vec<_> = ["index.html", "stats.html", "reviews/PIR-2026-004.html"]
        .iter()
        .map(|p| stamp(p))
        .collect();
    assert_eq!(before, after);

    // A deleted review's page goes away.
    std::fs::remove_file(dir.path().join("postmortems/2026-05-02-dns.md")).unwrap();
    let again = run(dir.path(), &["site", "public"]);
    ok(&again);
    assert!(!site.join("reviews/PIR-2026-004.html").exists());
    assert!(String::from_utf8_lossy(&again.stderr).contains("1 removed"));
}

#[test]
fn render_shows_similar_past_incidents() {
    let dir = corpus();
    let md = ok(&run(
        dir.path(),
        &["render", "postmortems/2026-02-10-checkout-deploy.md"],
    ));
    let similar = md.split("## Similar past incidents").nth(1).unwrap();
    let first = similar.lines().find(|l| l.starts_with("- ")).unwrap();
    assert!(
        first.starts_with("- PIR-2026-001 Checkout errors after connection-pool change"),
        "{similar}"
    );
    assert!(
        !similar.contains("PIR-2026-004"),
        "a later, unrelated incident: {similar}"
    );
}

#[test]
fn the_same_review_twice_is_linked_once_without_waiting_on_its_own_lock() {
    let dir = corpus();
    let mut child = pirt(dir.path())
        .args([
            "problem",
            "new",
            "Dup",
            "--from",
            "postmortems/2026-01-20-checkout-latency.md",
            "--from",
            "./postmortems/2026-01-20-checkout-latency.md",
            "-q",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut waited = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        waited += 1;
        if waited > 300 {
            let _ = child.kill();
            panic!("pirt problem new hangs on a review named twice");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!(status.success());
    let text = std::fs::read_to_string(
        dir.path()
            .join("postmortems/2026-01-20-checkout-latency.md"),
    )
    .unwrap();
    assert_eq!(text.matches("problem: PRB-0003").count(), 1);
}

#[test]
fn site_never_overwrites_or_removes_files_it_did_not_write() {
    let dir = corpus();
    let foreign = dir.path().join("theirs");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("index.html"), "mine").unwrap();
    let out = run(dir.path(), &["site", "theirs"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("already holds files that pirt did not write")
    );
    assert_eq!(
        std::fs::read_to_string(foreign.join("index.html")).unwrap(),
        "mine"
    );
    // In pirt's own folder, a page a person added stays.
    ok(&run(dir.path(), &["site", "public"]));
    std::fs::write(dir.path().join("public/reviews/notes.html"), "mine").unwrap();
    ok(&run(dir.path(), &["site", "public"]));
    assert!(dir.path().join("public/reviews/notes.html").exists());
}

/// Issue 11: a review with `status: draft` (PIR-2026-003 in the corpus) is left out of the
/// published site: no page, no row, no figure, no link from its problem record. With
/// `--include-drafts` it is published and marked as a draft on the index and its page;
/// building without the flag again removes its page.
#[test]
fn site_leaves_drafts_out_unless_asked_and_marks_them_when_included() {
    let dir = corpus();
    let site = dir.path().join("public");
    let out = run(dir.path(), &["site", "public"]);
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "1 draft review left out (status: draft); pirt site --include-drafts publishes them"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("public: 3 reviews"), "{stderr}");
    assert!(!site.join("reviews/PIR-2026-003.html").exists());
    for page in [
        "index.html",
        "stats.html",
        "problems/index.html",
        "problems/PRB-0001.html",
        "reviews/PIR-2026-001.html",
        "reviews/PIR-2026-002.html",
    ] {
        let html = read(&site.join(page));
        assert!(!html.contains("PIR-2026-003"), "{page} names the draft");
        assert!(
            !html.contains("Checkout errors after a bad deploy"),
            "{page}"
        );
    }
    let index = read(&site.join("index.html"));
    assert_eq!(index.matches("<tr data-date=").count(), 3);
    assert!(!index.contains("DRAFT"));
    assert!(read(&site.join("stats.html")).contains("3 incidents"));

    let out = run(dir.path(), &["site", "public", "--include-drafts"]);
    ok(&out);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("left out"));
    let index = read(&site.join("index.html"));
    assert_eq!(index.matches("<tr data-date=").count(), 4);
    let row = index
        .split("<tr data-date=")
        .find(|r| r.contains("data-id=\"PIR-2026-003\""))
        .unwrap();
    assert!(row.contains("<span class=\"draft-mark\""), "{row}");
    assert!(row.contains(">DRAFT</span>"), "{row}");
    assert_eq!(index.matches(">DRAFT</span><a").count(), 1);
    assert!(index.contains("1 of the reviews is a draft"));
    let page = read(&site.join("reviews/PIR-2026-003.html"));
    assert!(page.contains("<p class=\"notice\"><strong>Draft.</strong>"));
    assert!(read(&site.join("stats.html")).contains("4 incidents"));

    let out = run(dir.path(), &["site", "public"]);
    ok(&out);
    assert!(!site.join("reviews/PIR-2026-003.html").exists());
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 removed"));
}

/// Issue 11: the index keeps TTR, dates and ids on one line and turns rows into cards on a
/// phone; durations use the one format with no-break spaces.
#[test]
fn the_index_keeps_values_whole_and_has_a_phone_layout() {
    let dir = corpus();
    ok(&run(dir.path(), &["site", "public"]));
    let index = read(&dir.path().join("public/index.html"));
    let css = &index[..index.find("</style>").unwrap()];
    assert!(css.contains("td.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: nowrap; }"));
    assert!(css.contains("td.date, td.ttr, td.problem { white-space: nowrap;"));
    let narrow = &css[css.find("@media (max-width: 40rem)").unwrap()..];
    assert!(
        narrow.contains("#reviews tbody tr { display: grid;"),
        "{narrow}"
    );
    // PIR-2026-001: resolved 2 h after it started; PIR-2026-003 (a draft) is left out.
    let row = index
        .split("<tr data-date=")
        .find(|r| r.contains("data-id=\"PIR-2026-001\""))
        .unwrap();
    assert!(row.contains("<td class=\"ttr small\">2h</td>"), "{row}");
    assert_eq!(index.matches("<td class=\"ttr small\">4h</td>").count(), 2);
    // Every column is there on a wide screen (none hidden by class).
    assert!(!index.contains("hide-narrow"));
}

/// Issue 11: the stats page has one histogram per metric with a count over every bar and
/// every bucket labelled; the figures on the cards never wrap inside a value; issue 16:
/// the bucket `<5m` is escaped in every text node.
#[test]
fn the_stats_page_histograms_and_figures() {
    let dir = corpus();
    let html = ok(&run(dir.path(), &["stats", "--format", "html"]));
    let hist = &html[html.find("<div class=\"histograms\">").unwrap()..];
    let hist = &hist[..hist.find("</div>").unwrap()];
    assert_eq!(hist.matches("<svg").count(), 4);
    for label in [
        "&lt;5m", "5–15m", "15–30m", "30m–1h", "1–4h", "4h–1d", "≥1d",
    ] {
        assert_eq!(
            hist.matches(&format!(">{label}</text>")).count(),
            4,
            "{label}"
        );
    }
    assert_eq!(hist.matches("class=\"count\"").count(), 28);
    assert!(!html.contains("<5m"), "a raw < in a text node");
    // TTD 10m, 30m, 20m, 5m: 5–15m holds two, 15–30m one, 30m–1h one.
    let ttd = hist.split("</svg>").next().unwrap();
    assert!(ttd.contains("<title>TTD 5–15m: 2</title>"), "{ttd}");
    assert!(ttd.contains("<title>TTD 30m–1h: 1</title>"), "{ttd}");
    // The cards: each figure is one unbreakable piece.
    let cards = &html[html.find("<div class=\"cards\">").unwrap()..];
    let cards = &cards[..cards.find("<h2>").unwrap()];
    for n in cards.split("<div class=\"n\">").skip(1) {
        let n = &n[..n.find("</div>").unwrap()];
        for piece in n.split(" · ") {
            assert!(piece.starts_with("<span class=\"nowrap"), "{piece}");
            assert!(
                !piece.contains(' ') || piece.starts_with("<span class="),
                "{piece}"
            );
        }
    }
    assert!(
        cards.contains("<div class=\"v\">3h\u{a0}20m</div>"),
        "{cards}"
    );
}

/// Issue 14: at scale the index is pages of `PAGE_ROWS` (200) rows that read without
/// script (index.html, index-2.html …), and the first page carries every review as JSON
/// for the script. A title that tries to end the data block stays a string in it.
#[test]
fn a_site_of_2500_reviews_has_numbered_pages_and_an_inert_data_block() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("insights/pirt.toml"),
        dir.path().join("pirt.toml"),
    )
    .unwrap();
    let reviews = dir.path().join("postmortems");
    std::fs::create_dir_all(&reviews).unwrap();
    let hostile = "</script><img src=x onerror=alert(1)> <!-- & </SCRIPT >";
    for i in 0..2500 {
        // The hostile title is the newest review: on the first page, made by the script.
        let (title, year) = if i == 1234 {
            (format!("'{hostile}'"), 2026)
        } else {
            (format!("Incident {i}"), 2025)
        };
        let (day, hour) = (i % 28 + 1, i % 24);
        std::fs::write(
            reviews.join(format!("r{i:04}.md")),
            format!(
                "---\nid: PIR-{i:04}\ntitle: {title}\nstatus: published\nseverity: SEV{}\nservices: [svc-{}]\ntags: [t{}]\nstarted_at: {year}-{:02}-{day:02}T{hour:02}:00:00Z\nresolved_at: {year}-{:02}-{day:02}T{hour:02}:30:00Z\n---\n## Summary\nS.\n",
                i % 4 + 1,
                i % 7,
                i % 3,
                i % 12 + 1,
                i % 12 + 1,
            ),
        )
        .unwrap();
    }
    ok(&run(dir.path(), &["site", "public", "-q"]));
    let site = dir.path().join("public");
    // tests/xss-in-chromium.sh opens these pages in a real browser.
    if let Some(keep) = std::env::var_os("PIRT_XSS_KEEP") {
        crate::copy_dir(&site, &Path::new(&keep).join("paged-site"));
    }
    let index = read(&site.join("index.html"));
    // The first page: 200 rows, links to the 13 pages, the data block, pirt's script.
    assert_eq!(index.matches("<tr data-date=").count(), 200);
    for n in 2..=13 {
        assert!(
            index.contains(&format!("<a href=\"index-{n}.html\">{n}</a>")),
            "{n}"
        );
    }
    assert!(index.contains("Reviews 1–200 of 2500, newest first."));
    assert!(index.contains("2500 post-incident reviews"));
    assert_eq!(index.matches("<script>").count(), 1);
    assert!(index.contains("script-src 'sha256-"));
    let open = "<script type=\"application/json\" id=\"review-data\">";
    let start = index.find(open).expect("a data block") + open.len();
    let block = &index[start..start + index[start..].find("</script>").unwrap()];
    assert!(
        !block.contains(['<', '>', '&']),
        "raw markup in the data block"
    );
    let data: serde_json::Value = serde_json::from_str(block).unwrap();
    assert_eq!(data["page_rows"], 200);
    let rows = data["reviews"].as_array().unwrap();
    assert_eq!(rows.len(), 2500);
    let row = &rows[0];
    assert_eq!(row[1], "PIR-1234");
    assert_eq!(row[10], hostile, "the title comes back whole");
    assert_eq!(row[2], "reviews/PIR-1234.html");
    assert_eq!(row[9], "30m");
    // The other pages: the rest of the rows, newest first, no script at all.
    let mut ids = Vec::new();
    for n in 1..=13 {
        let name = if n == 1 {
            "index.html".to_string()
        } else {
            format!("index-{n}.html")
        };
        let page = read(&site.join(&name));
        let rows = page.matches("<tr data-date=").count();
        assert_eq!(rows, if n == 13 { 100 } else { 200 }, "{name}");
        if n > 1 {
            assert!(!page.contains("<script"), "{name}");
            assert!(page.contains("script-src 'none'"), "{name}");
            assert!(page.contains("<a href=\"index.html\">1</a>"), "{name}");
        }
        assert!(
            page.contains(&format!("aria-current=\"page\">{n}</a>")),
            "{name}"
        );
        assert!(!page.contains("<img src=x") && !page.contains("</script><img"));
        ids.extend(
            page.split("data-id=\"")
                .skip(1)
                .map(|r| r[..r.find('"').unwrap()].to_string()),
        );
    }
    let order: Vec<&str> = rows.iter().map(|r| r[1].as_str().unwrap()).collect();
    assert_eq!(
        ids, order,
        "the pages list the data block's reviews in its order"
    );
    assert!(!site.join("index-14.html").exists());

    // Down to one page: the numbered pages go, and the data block with them.
    for i in 150..2500 {
        std::fs::remove_file(reviews.join(format!("r{i:04}.md"))).unwrap();
    }
    ok(&run(dir.path(), &["site", "public", "-q"]));
    let index = read(&site.join("index.html"));
    assert_eq!(index.matches("<tr data-date=").count(), 150);
    assert!(!index.contains("id=\"review-data\"") && !index.contains("class=\"pages\""));
    assert!(!site.join("index-2.html").exists());
}

/// A secret in a published review is warned of, masked, with its file and line (the
/// site publishes it, as render's page does); `-q` says nothing.
#[test]
fn site_warns_of_a_secret_it_publishes_masked() {
    let dir = corpus();
    let path = dir
        .path()
        .join("postmortems/2026-01-20-checkout-latency.md");
    let token = format!("ghp_{}", "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "Slow checkout.",
        &format!("Slow checkout. The runbook said {token}."),
    );
    std::fs::write(&path, text).unwrap();
    let out = run(dir.path(), &["site", "public"]);
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: postmortems/2026-01-20-checkout-latency.md:17: holds a GitHub token `ghp_… (40 characters)`, which the site publishes"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("warning:").count(), 1, "{stderr}");
    assert!(!stderr.contains(&token[4..]), "{stderr}");
    let quiet = run(dir.path(), &["-q", "site", "public"]);
    ok(&quiet);
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("warning"));
}
