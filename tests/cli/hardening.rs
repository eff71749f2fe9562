//! Attacks on what the other commands built: secrets in output, script in pages, killed
//! writers.

use std::path::Path;
use std::process::Output;

use crate::{copy_dir, fixtures, pirt};

const OPENAI_KEY: &str = "sk-proj-PIRTTESTKEY0123456789abcdefNEVERSHOWN";
const ANTHROPIC_KEY: &str = "sk-ant-api03-PIRTTESTKEY0123456789NEVERSHOWN";

fn run(dir: &Path, args: &[&str]) -> Output {
    pirt(dir)
        .args(args)
        .env("OPENAI_API_KEY", OPENAI_KEY)
        .env("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
        .env("PIRT_TODAY", "2026-06-15")
        .env("PIRT_RETRY_MIN_MS", "1")
        .output()
        .unwrap()
}

/// Every file under `dir`, as text.
fn all_text(dir: &Path) -> String {
    let mut out = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.push_str(&all_text(&path));
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            out.push_str(&text);
        }
    }
    out
}

#[test]
fn api_keys_never_appear_in_any_output() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("insights"), dir.path());
    std::fs::copy(
        fixtures().join("draft/review.md"),
        dir.path().join("postmortems/draft.md"),
    )
    .unwrap();
    // A dead endpoint, for the error paths of draft.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = format!(
        "timezone = \"UTC\"\n[llm]\nbase_url = \"http://user:{OPENAI_KEY}@127.0.0.1:{port}/v1\"\nmodel = \"m\"\nretries = 1\n"
    );
    std::fs::write(dir.path().join("pirt.toml"), config).unwrap();
    let review = "postmortems/draft.md";
    let commands: Vec<Vec<&str>> = vec![
        vec!["--help"],
        vec!["--version"],
        vec!["draft", "--help"],
        vec!["check", "--help"],
        vec!["-v", "draft", "--list"],
        vec!["-v", "draft", review, "-p", "summary", "--dry-run"],
        vec![
            "-v",
            "draft",
            review,
            "--all",
            "--dry-run",
            "--provider",
            "anthropic",
        ],
        vec!["-v", "draft", review, "-p", "summary"],
        vec![
            "-v",
            "draft",
            review,
            "-p",
            "summary",
            "--provider",
            "anthropic",
        ],
        vec!["-v", "draft", review, "-p", "nope"],
        vec![
            "-v",
            "draft",
            review,
            "-p",
            "summary",
            "--provider",
            "bogus",
        ],
        vec!["-v", "check"],
        vec!["-v", "check", "--format", "json"],
        vec!["-v", "render", review, "--format", "json"],
        vec!["-v", "render", review, "--format", "html"],
        vec!["-v", "stats", "--format", "json"],
        vec!["-v", "actions", "--format", "csv"],
        vec!["-v", "problem", "list"],
        vec!["-v", "site", "public"],
        vec!["-v", "schema"],
        vec![
            "-v",
            "timeline",
            "add",
            review,
            "checked the keys",
            "--at",
            "14:50",
        ],
        vec!["-v", "render", "missing.md"],
        vec!["--config", "missing.toml", "check"],
    ];
    for args in &commands {
        let out = run(dir.path(), args);
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text.contains("PIRTTESTKEY"),
                "pirt {} printed a key on {stream}:\n{text}",
                args.join(" ")
            );
        }
    }
    assert!(!all_text(&dir.path().join("public")).contains("PIRTTESTKEY"));
    assert!(!all_text(&dir.path().join("postmortems")).contains("PIRTTESTKEY"));
}

/// Payloads from the usual XSS cheat sheets, put into every text a review can hold.
const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "<svg onload=alert(3)><circle/></svg>",
    "\"><script>alert(4)</script>",
    "' onmouseover='alert(5)",
    "javascript:alert(6)",
    "<a href=\"javascript:alert(7)\">x</a>",
    "<iframe src=\"data:text/html,<script>alert(8)</script>\"></iframe>",
    "<div style=\"background:url(javascript:alert(9))\">",
    "<style>body{background:url(https://evil.example/x.png)}</style>",
    "&#60;script&#62;alert(10)&#60;/script&#62;",
    "\u{202e}<script>alert(11)</script>",
    "</title><script>alert(12)</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(13)>",
    "{{ 7*7 }}{% raw %}",
];

fn hostile_review() -> String {
    let p = |i: usize| serde_json::to_string(PAYLOADS[i % PAYLOADS.len()]).unwrap();
    let mut timeline = String::new();
    let mut items = String::new();
    for (i, _) in PAYLOADS.iter().enumerate() {
        timeline.push_str(&format!(
            "  - at: 2026-03-01T10:{i:02}:00Z\n    kind: note\n    text: {}\n    source: {}\n",
            p(i),
            // A source is linked when it is an https: URL: one that tries to leave the
            // attribute, and the payloads as labels.
            if i == 0 {
                serde_json::to_string("https://evil.example/\"><script>alert(14)</script>(x)|y")
                    .unwrap()
            } else {
                p(i + 2)
            }
        ));
        items.push_str(&format!(
            "  - id: AI-{}\n    title: {}\n    type: detect\n    owner: {}\n    tracker: {}\n    due: 2026-04-01\n    status: open\n",
            i + 1,
            p(i),
            p(i + 1),
            p(i + 5)
        ));
    }
    let body: String = PAYLOADS
        .iter()
        .enumerate()
        .map(|(i, x)| {
            format!(
                "## Section {i}\n\n{x}\n\n[click](javascript:alert({i})) ![img](https://evil.example/{i}.png) <b onclick=alert({i})>b</b>\n\n"
            )
        })
        .collect();
    format!(
        "---\nid: PIR-2026-666\ntitle: {}\nstatus: draft\nseverity: SEV2\nservices: [{}, {}]\ntags: [{}]\nincident_commander: {}\nstarted_at: 2026-03-01T10:00:00Z\ndetected_at: 2026-03-01T10:05:00Z\nresolved_at: 2026-03-01T12:00:00Z\ndetection: {{method: alert, source: {}}}\nimpact:\n  summary: {}\n  slo: [{{name: {}, budget_consumed_pct: 5}}]\ntrigger: {}\nproblem: PRB-0001\nrelated: [{}]\ntimeline:\n{timeline}action_items:\n{items}---\n\n{body}",
        p(0),
        p(1),
        p(2),
        p(3),
        p(4),
        p(5),
        p(6),
        p(7),
        p(8),
        p(12),
    )
}

/// Parses a page with an HTML tokenizer and fails on anything that could run or load.
fn assert_inert(name: &str, html: &str, allowed_script: Option<&str>) {
    assert_inert_with(name, html, allowed_script, false)
}

/// `external`: images from other hosts are the author's choice (Markdown for a wiki).
fn assert_inert_with(name: &str, html: &str, allowed_script: Option<&str>, external: bool) {
    use html5gum::{Token, Tokenizer};
    let mut in_script = false;
    let mut in_style = false;
    let mut script_text = String::new();
    let mut style_text = String::new();
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(tag) => {
                let tag_name = String::from_utf8_lossy(&tag.name[..]).to_lowercase();
                assert!(
                    !["iframe", "object", "embed", "form", "base", "link", "frame"]
                        .contains(&tag_name.as_str()),
                    "{name}: <{tag_name}> in the page"
                );
                if tag_name == "script" {
                    assert!(allowed_script.is_some(), "{name}: a <script> in the page");
                    in_script = true;
                }
                in_style = tag_name == "style";
                for (key, value) in tag.attributes.iter() {
                    let key = String::from_utf8_lossy(&key[..]).to_lowercase();
                    let value = String::from_utf8_lossy(&value.value[..]).to_lowercase();
                    assert!(!key.starts_with("on"), "{name}: <{tag_name} {key}=...>");
                    if [
                        "href",
                        "src",
                        "action",
                        "formaction",
                        "xlink:href",
                        "srcset",
                    ]
                    .contains(&key.as_str())
                    {
                        let v = value.trim();
                        assert!(
                            !v.starts_with("javascript:")
                                && !v.starts_with("vbscript:")
                                && !v.starts_with("data:text"),
                            "{name}: <{tag_name} {key}=\"{v}\">"
                        );
                        if key != "href" && !external {
                            assert!(
                                !v.starts_with("http:")
                                    && !v.starts_with("https:")
                                    && !v.starts_with("//"),
                                "{name}: external resource <{tag_name} {key}=\"{v}\">"
                            );
                        }
                    }
                    if key == "style" {
                        assert!(!value.contains("url("), "{name}: style with url(): {value}");
                    }
                    if key == "http-equiv" {
                        assert!(
                            value == "content-security-policy",
                            "{name}: meta http-equiv={value}"
                        );
                    }
                }
            }
            Token::EndTag(tag)
                if String::from_utf8_lossy(&tag.name[..]).eq_ignore_ascii_case("script") =>
            {
                in_script = false;
            }
            Token::EndTag(_) => in_style = false,
            Token::String(text) if in_script => {
                script_text.push_str(&String::from_utf8_lossy(&text.value[..]))
            }
            Token::String(text) if in_style => {
                style_text.push_str(&String::from_utf8_lossy(&text.value[..]))
            }
            _ => {}
        }
    }
    if let Some(allowed) = allowed_script {
        assert_eq!(script_text, allowed, "{name}: the script is not pirt's");
    }
    let style = style_text.to_lowercase();
    assert!(
        !style.contains("url(") && !style.contains("@import"),
        "{name}: CSS loads a URL"
    );
    assert!(
        html.to_lowercase().contains("content-security-policy"),
        "{name}: no CSP"
    );
}

#[test]
fn xss_payloads_in_every_field_stay_inert_in_every_page() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("insights"), dir.path());
    std::fs::write(dir.path().join("postmortems/hostile.md"), hostile_review()).unwrap();
    let parsed = run(
        dir.path(),
        &["render", "postmortems/hostile.md", "--format", "json"],
    );
    assert!(
        parsed.status.success(),
        "{}",
        String::from_utf8_lossy(&parsed.stderr)
    );
    let review: serde_json::Value = serde_json::from_slice(&parsed.stdout).unwrap();
    assert_eq!(
        review["title"], PAYLOADS[0],
        "the payloads must reach the renderer"
    );
    assert_eq!(review["timeline"].as_array().unwrap().len(), PAYLOADS.len());
    assert!(
        review["timeline"][0]["source"]
            .as_str()
            .unwrap()
            .starts_with("https://evil")
    );
    assert_eq!(review["timeline"][3]["source"], PAYLOADS[5]);

    let html = run(
        dir.path(),
        &["render", "postmortems/hostile.md", "--format", "html"],
    );
    assert_inert(
        "render --format html",
        &String::from_utf8_lossy(&html.stdout),
        None,
    );
    // The Markdown, rendered as a permissive wiki would (raw HTML allowed, autolinks on).
    let md =
        String::from_utf8(run(dir.path(), &["render", "postmortems/hostile.md"]).stdout).unwrap();
    let mut options = comrak::Options::default();
    options.render.r#unsafe = true;
    options.extension.table = true;
    options.extension.autolink = true;
    let wiki = comrak::markdown_to_html(&md, &options);
    assert_inert_with(
        "render --format md, shown by a wiki",
        &format!("<meta http-equiv=\"Content-Security-Policy\">{wiki}"),
        None,
        true,
    );
    let stats = run(dir.path(), &["stats", "--format", "html"]);
    assert_inert(
        "stats --format html",
        &String::from_utf8_lossy(&stats.stdout),
        None,
    );

    // The hostile review is a draft: published with --include-drafts, marked as one.
    let site = run(dir.path(), &["site", "public", "--include-drafts"]);
    assert!(
        site.status.success(),
        "{}",
        String::from_utf8_lossy(&site.stderr)
    );
    let public = dir.path().join("public");
    // tests/xss-in-chromium.sh opens these pages in a real browser.
    if let Some(keep) = std::env::var_os("PIRT_XSS_KEEP") {
        let keep = Path::new(&keep);
        copy_dir(&public, &keep.join("site"));
        std::fs::write(keep.join("render.html"), &html.stdout).unwrap();
        std::fs::write(keep.join("stats.html"), &stats.stdout).unwrap();
        std::fs::write(keep.join("wiki.html"), &wiki).unwrap();
    }
    let script = include_str!("../../templates/site.js").trim();
    assert_inert(
        "site index",
        &std::fs::read_to_string(public.join("index.html")).unwrap(),
        Some(script),
    );
    for page in [
        "stats.html",
        "problems/index.html",
        "problems/PRB-0001.html",
        "reviews/PIR-2026-666.html",
        "reviews/PIR-2026-001.html",
    ] {
        assert_inert(
            page,
            &std::fs::read_to_string(public.join(page)).unwrap(),
            None,
        );
    }
}

/// SIGKILL at random moments during `timeline add`: the file is always the old or the new
/// complete version.
#[test]
fn killed_timeline_adds_leave_the_old_or_the_new_file() {
    let dir = crate::scratch(&["checkout.md"]);
    let path = dir.path().join("checkout.md");
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut versions = vec![std::fs::read_to_string(&path).unwrap()];
    let mut kept = 0;
    for i in 0..40 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = std::time::Duration::from_micros((seed >> 33) % 12_000);
        let mut child = pirt(dir.path())
            .args([
                "timeline",
                "add",
                "checkout.md",
                &format!("killed entry {i}"),
                "--at",
                &format!("2026-11-20T15:{:02}:00Z", i % 60),
                "-q",
            ])
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        let now = std::fs::read_to_string(&path).unwrap();
        let before = versions.last().unwrap().clone();
        if now != before {
            // The new version: the old one plus exactly this entry, and it still parses.
            assert!(
                now.contains(&format!("text: killed entry {i}\n")),
                "run {i}: {now}"
            );
            assert_eq!(now.len() - before.len(), now.len() - before.len());
            let check = pirt(dir.path())
                .args(["render", "checkout.md", "--format", "json"])
                .output()
                .unwrap();
            assert!(check.status.success(), "run {i}: the file no longer parses");
            versions.push(now);
            kept += 1;
        } else {
            assert!(!status.success() || now.contains(&format!("killed entry {i}")));
        }
        // No temporary file is left where a reader would mistake it for a review.
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".md") && e.path() != path)
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
    // Some runs were killed before writing and some finished: both paths were exercised.
    assert!(
        kept < 40,
        "every run finished before the kill; the delays are too long"
    );
}

/// Hostile files through every command that reads reviews: a clear error naming the file,
/// exit 1 or 2, never a panic, and the file untouched.
/// The hostile files of the hardening issue. `readable`: pirt reads it as a review (with
/// findings); otherwise every one-file command refuses it, naming it, and leaves it as it
/// was. benches/hostile.sh times each case through every command (PIRT_HOSTILE_KEEP).
fn hostile_files() -> Vec<(&'static str, Vec<u8>, bool)> {
    let valid = std::fs::read_to_string(fixtures().join("checkout.md")).unwrap();
    let crlf = valid.replace('\n', "\r\n");
    let mixed: String = valid
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, line)| match i % 2 {
            0 => line.replace('\n', "\r\n"),
            _ => line.to_string(),
        })
        .collect();
    let mut long = String::from(
        "---\nid: PIR-2026-900\ntitle: Long\nstatus: draft\nseverity: SEV3\nstarted_at: 2026-01-01T00:00:00Z\ntimeline:\n",
    );
    for i in 0..10_000 {
        long.push_str(&format!(
            "  - at: 2026-01-01T{:02}:{:02}:{:02}Z\n    text: step {i}\n",
            i / 3600 % 24,
            i / 60 % 60,
            i % 60
        ));
    }
    long.push_str("---\n\n## Summary\n\nLong.\n");
    // A fixed pseudo-random byte stream (xorshift), the same on every run.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let random: Vec<u8> = (0..65_536)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let head = "---\nid: PIR-1\ntitle: T\nstatus: draft\nseverity: SEV3\n";
    vec![
        ("alias-bomb.md", crate::alias_bomb().into_bytes(), false),
        ("deep.md", format!("---\nx: {}\n---\n", "[".repeat(100_000)).into_bytes(), false),
        ("binary.md", (0..=255u8).cycle().take(4096).collect(), false),
        ("random.md", random, false),
        ("utf16.md", vec![0xff, 0xfe, b'-', 0, b'-', 0, b'-', 0], false),
        ("invalid-utf8.md", b"---\nid: \xff\xfe\n---\n".to_vec(), false),
        ("bom.md", format!("\u{feff}{valid}").into_bytes(), true),
        ("crlf.md", crlf.into_bytes(), true),
        ("mixed-eol.md", mixed.into_bytes(), true),
        // Classic Mac line ends: the closing `---` line is not found; refused, named.
        ("cr-only.md", valid.replace('\n', "\r").into_bytes(), false),
        ("tabs.md", b"---\nid: A\n\ttitle: T\n---\n".to_vec(), false),
        ("duplicate-keys.md", b"---\nid: A\nid: B\n---\n".to_vec(), false),
        ("wrong-types.md", b"---\nid: [1]\ntitle: {a: b}\nstatus: 7\nseverity: true\nstarted_at: yesterday\ntimeline: 5\naction_items: {x: 1}\n---\n".to_vec(), false),
        ("no-offset.md", format!("{head}started_at: 2026-11-02T09:00:00\n---\n").into_bytes(), true),
        ("year-0-9999.md", format!("{head}started_at: 0000-01-01T00:00:00Z\nresolved_at: 9999-12-31T23:59:59Z\n---\n").into_bytes(), true),
        ("negative-duration.md", format!("{head}started_at: 2026-11-02T09:00:00Z\ndetected_at: 2026-11-02T08:00:00Z\nresolved_at: 2026-11-01T09:00:00Z\n---\n").into_bytes(), true),
        ("timeline-10k.md", long.into_bytes(), true),
        ("empty.md", Vec::new(), false),
        ("front-matter-only.md", b"---\nid: A\n---\n".to_vec(), true),
        ("unterminated.md", b"---\nid: A\n".to_vec(), false),
    ]
}

#[test]
fn hostile_files_through_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let reviews = dir.path().join("postmortems");
    std::fs::create_dir_all(&reviews).unwrap();
    std::fs::copy(fixtures().join("checkout.md"), reviews.join("ok.md")).unwrap();
    let files = hostile_files();
    for (name, bytes, _) in &files {
        std::fs::write(reviews.join(name), bytes).unwrap();
    }
    std::fs::File::create(reviews.join("huge.md"))
        .unwrap()
        .set_len(50 * 1024 * 1024)
        .unwrap();
    std::fs::create_dir(reviews.join("folder.md")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("loop.md", reviews.join("loop.md")).unwrap();
    if let Some(keep) = std::env::var_os("PIRT_HOSTILE_KEEP") {
        let keep = Path::new(&keep);
        std::fs::create_dir_all(keep).unwrap();
        for (name, bytes, _) in &files {
            std::fs::write(keep.join(name), bytes).unwrap();
        }
    }

    let no_panic = |args: &[&str], out: &Output| {
        let code = out.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "pirt {} exited with {code:?}:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // Whole-corpus commands: the broken files are left out and named.
    // The readable files are counted: ok, BOM, CRLF, mixed line ends, 10k entries, years 0
    // and 9999, and negative durations (whose times are left out of the figures).
    let stats = run(dir.path(), &["stats", "--format", "json"]);
    let figures: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(figures["total"]["incidents"], 7, "{figures}");
    for args in [
        vec!["stats"],
        vec!["actions"],
        vec!["problem", "list"],
        vec!["site", "public"],
        vec!["check", "--format", "json"],
    ] {
        let out = run(dir.path(), &args);
        no_panic(&args, &out);
        if args[0] != "check" {
            assert!(
                out.status.success(),
                "pirt {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            );
            // Left out: every unreadable file, the 50 MB one, and the two readable ones with
            // errors (front matter only, no offset); the folder and the symlink loop are not
            // files to read. The first ten are named.
            let err = String::from_utf8_lossy(&out.stderr);
            let left_out: usize = err
                .split("left out ")
                .nth(1)
                .and_then(|rest| rest.split(' ').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("pirt {}: nothing left out:\n{err}", args.join(" ")));
            let unreadable = files.iter().filter(|(_, _, readable)| !readable).count();
            assert_eq!(left_out, unreadable + 3, "pirt {}: {err}", args.join(" "));
            assert!(
                err.contains("alias-bomb.md:"),
                "pirt {}: {err}",
                args.join(" ")
            );
        }
    }
    // One file at a time, from a folder outside the reviews folder (so the similar-incident
    // scan of `render` reads only the valid review, and each command meets one bad file).
    let one_by_one = dir.path().join("other");
    std::fs::rename(&reviews, &one_by_one).unwrap();
    std::fs::create_dir_all(&reviews).unwrap();
    std::fs::rename(one_by_one.join("ok.md"), reviews.join("ok.md")).unwrap();
    #[cfg(unix)]
    {
        std::fs::remove_file(one_by_one.join("loop.md")).unwrap();
        std::os::unix::fs::symlink("loop.md", one_by_one.join("loop.md")).unwrap();
    }
    let cases: Vec<(&str, bool)> = files
        .iter()
        .map(|(n, _, readable)| (*n, *readable))
        .chain([
            ("huge.md", false),
            ("folder.md", false),
            ("loop.md", false),
            ("missing.md", false),
        ])
        .collect();
    for (name, readable) in cases {
        let file = format!("other/{name}");
        let before = std::fs::read(dir.path().join(&file)).ok();
        for args in [
            vec!["check", file.as_str()],
            vec!["render", file.as_str(), "--format", "html"],
            vec!["draft", file.as_str(), "-p", "summary", "--dry-run"],
            vec![
                "timeline",
                "add",
                file.as_str(),
                "x",
                "--at",
                "2026-11-20T14:30:00Z",
            ],
        ] {
            let out = run(dir.path(), &args);
            no_panic(&args, &out);
            let err = String::from_utf8_lossy(&out.stderr);
            let out_text = String::from_utf8_lossy(&out.stdout);
            if !out.status.success() {
                assert!(
                    err.contains(name) || out_text.contains(name),
                    "pirt {}: the error does not name the file:\n{err}",
                    args.join(" ")
                );
            }
            // `check` takes folders: folder.md is an (empty) folder to check.
            let clean = matches!(
                name,
                "bom.md" | "crlf.md" | "mixed-eol.md" | "timeline-10k.md"
            );
            if clean && args[0] != "check" {
                assert!(out.status.success(), "pirt {}:\n{err}", args.join(" "));
            }
            let check_of_folder = args[0] == "check" && name == "folder.md";
            if !readable && !check_of_folder {
                assert!(
                    matches!(out.status.code(), Some(1 | 2)),
                    "pirt {} accepted it:\n{err}",
                    args.join(" ")
                );
            }
        }
        if !readable {
            assert_eq!(
                std::fs::read(dir.path().join(&file)).ok(),
                before,
                "{name} was changed"
            );
        } else if let Some(before) = before {
            // When the entry was added (a file with errors is refused as it is), line
            // endings and BOM are kept.
            let after = std::fs::read(dir.path().join(&file)).unwrap();
            let crlf = |b: &[u8]| b.windows(2).filter(|w| w == b"\r\n").count();
            if matches!(
                name,
                "bom.md" | "crlf.md" | "mixed-eol.md" | "timeline-10k.md"
            ) {
                assert!(after.len() > before.len(), "{name}: nothing added");
            }
            assert_eq!(
                after.starts_with("\u{feff}".as_bytes()),
                before.starts_with("\u{feff}".as_bytes()),
                "{name}: BOM"
            );
            if crlf(&before) > 0 && name == "crlf.md" {
                assert_eq!(
                    crlf(&after) - crlf(&before),
                    after.iter().filter(|&&b| b == b'\n').count()
                        - before.iter().filter(|&&b| b == b'\n').count(),
                    "{name}: new lines are not CRLF"
                );
            }
        }
    }
}
