use insta_cmd::assert_cmd_snapshot;

use crate::{fixtures, pirt, scratch};

#[test]
fn markdown() {
    assert_cmd_snapshot!(pirt(&fixtures()).env("PIRT_TODAY", "2026-12-20").args([
        "render",
        "checkout.md",
        "--format",
        "md"
    ]));
}

#[test]
fn json() {
    assert_cmd_snapshot!(pirt(&fixtures()).args(["render", "checkout.md", "--format", "json"]));
}

#[test]
fn html() {
    // AI-1 (due 2026-12-15, open) is overdue on that day; AI-2 (due 2027-01-15) is not.
    assert_cmd_snapshot!(pirt(&fixtures()).env("PIRT_TODAY", "2026-12-20").args([
        "render",
        "checkout.md",
        "--format",
        "html"
    ]));
}

#[test]
fn html_is_self_contained_and_escapes_everything() {
    let dir = scratch(&[]);
    let hostile = r#"---
id: "<script>alert('id')</script>"
title: "<img src=x onerror=alert(1)>"
status: draft
severity: "SEV2\"><script>alert(2)</script>"
services: ["<svg onload=alert(3)>"]
started_at: 2026-11-20T14:02:00Z
detected_at: 2026-11-20T14:09:00Z
impact: {summary: "</div><script>alert(4)</script>"}
timeline:
  - {at: 2026-11-20T14:05:00Z, kind: note, text: "<iframe src=javascript:alert(5)>"}
action_items:
  - {id: AI-1, title: "<b onmouseover=alert(6)>x</b>", owner: "\"><script>", tracker: "javascript:alert(7)", status: open}
---
## Summary
<script>alert(8)</script> [click](javascript:alert(9)) ![i](https://evil.example/x.png)
<a href="javascript:alert(10)">raw</a> {{ 7*7 }} {% raw %}
"#;
    std::fs::write(dir.path().join("x.md"), hostile).unwrap();
    let out = pirt(dir.path())
        .args(["render", "x.md", "--format", "html"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = String::from_utf8(out.stdout).unwrap();
    // The only <script>/event handler/javascript: text is escaped data, never markup.
    assert!(!html.contains("<script"), "raw script tag");
    assert!(!html.contains("<img src=x"), "raw img tag");
    assert!(!html.contains("<svg onload"), "raw svg tag");
    assert!(!html.contains("<iframe"), "raw iframe");
    assert!(!html.contains("href=\"javascript:"), "javascript link");
    assert!(!html.contains("<b onmouseover"), "raw b tag");
    assert!(!html.contains("<a href=\"javascript"), "raw anchor");
    // User text is never evaluated as a template.
    assert!(html.contains("{{ 7*7 }}"), "template syntax was evaluated");
    // No scripts and no external requests; a CSP forbids both anyway.
    assert!(html.contains("Content-Security-Policy"));
    assert!(!html.contains("<link"));
    assert!(html.contains("&lt;script&gt;alert(&#x27;id&#x27;)&lt;&#x2f;script&gt;"));
}

#[test]
fn out_dir_writes_one_file_per_review() {
    let dir = scratch(&["checkout.md", "unknown-key.md"]);
    let status = pirt(dir.path())
        .args([
            "render",
            "checkout.md",
            "unknown-key.md",
            "--format",
            "html",
            "--out-dir",
            "site",
            "-q",
        ])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(dir.path().join("site/checkout.html").is_file());
    assert!(dir.path().join("site/unknown-key.html").is_file());
}

#[test]
fn a_custom_template_is_data_driven_and_strict() {
    let dir = scratch(&["checkout.md"]);
    std::fs::write(
        dir.path().join("t.j2"),
        "{{ review.id }} took {{ metrics.time_to_resolve | duration }}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("bad.j2"), "{{ review.no_such_field }}\n").unwrap();
    let out = pirt(dir.path())
        .args(["render", "checkout.md", "--template", "t.j2"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "PIR-2026-014 took 2h 28m\n"
    );
    let out = pirt(dir.path())
        .args(["render", "checkout.md", "--template", "bad.j2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("undefined"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn overrides_in_dot_pirt_replace_built_ins() {
    let dir = scratch(&["checkout.md"]);
    std::fs::create_dir_all(dir.path().join(".pirt/templates")).unwrap();
    std::fs::write(
        dir.path().join(".pirt/templates/review.md.j2"),
        "custom {{ review.id }}\n",
    )
    .unwrap();
    let out = pirt(dir.path())
        .args(["render", "checkout.md"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "custom PIR-2026-014\n"
    );
}

#[test]
fn every_shipped_example_renders() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for entry in std::fs::read_dir(examples.join("postmortems")).unwrap() {
        let path = entry.unwrap().path();
        for format in ["md", "html", "json"] {
            let out = pirt(&examples)
                .args(["render"])
                .arg(&path)
                .args(["--format", format])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                out.stderr.is_empty(),
                "{}: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn render_never_overwrites_its_inputs() {
    let dir = scratch(&["checkout.md", "unknown-key.md"]);
    std::fs::create_dir(dir.path().join("b")).unwrap();
    std::fs::copy(
        dir.path().join("checkout.md"),
        dir.path().join("b/checkout.md"),
    )
    .unwrap();
    let before = std::fs::read_to_string(dir.path().join("checkout.md")).unwrap();
    for args in [
        vec!["render", "checkout.md", "-o", "checkout.md"],
        vec!["render", "checkout.md", "--format", "md", "--out-dir", "."],
        vec!["render", "checkout.md", "b/checkout.md", "--out-dir", "out"],
    ] {
        let out = pirt(dir.path()).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!String::from_utf8_lossy(&out.stderr).is_empty());
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("checkout.md")).unwrap(),
        before
    );
    assert!(!dir.path().join("out").exists());
}

/// A scratch review folder with the fixtures' config and one review.
fn review_dir(name: &str, text: &str) -> tempfile::TempDir {
    let dir = scratch(&[]);
    std::fs::create_dir_all(dir.path().join("postmortems")).unwrap();
    std::fs::write(dir.path().join("postmortems").join(name), text).unwrap();
    dir
}

fn render(dir: &std::path::Path, file: &str, format: &str, today: &str) -> String {
    let out = pirt(dir)
        .env("PIRT_TODAY", today)
        .args(["render", file, "--format", format])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The `<tr>` of an action item on the review page.
fn action_row<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("<strong>{id}</strong>"))
        .unwrap_or_else(|| panic!("{id}"));
    let start = html[..at].rfind("<tr").unwrap();
    let end = at + html[at..].find("</tr>").unwrap();
    &html[start..end]
}

/// Issue 11: the review page marks overdue action items, by the same rule as `pirt actions`
/// (open or in-progress, past `due` or else the severity's deadline).
#[test]
fn the_review_page_marks_the_items_pirt_actions_calls_overdue() {
    let text = std::fs::read_to_string(fixtures().join("checkout.md"))
        .unwrap()
        .replace(
            "action_items:\n",
            "action_items:\n  - {id: AI-0, title: No due date, owner: bo, status: open}\n  - {id: AI-9, title: Done late, due: 2026-12-01, status: done}\n",
        );
    let dir = review_dir("checkout.md", &text);
    // SEV2 allows 60 days from 2026-11-20: AI-0's deadline is 2027-01-19.
    for (today, overdue) in [
        ("2026-12-10", vec![]),
        ("2026-12-20", vec!["AI-1"]),
        ("2027-01-20", vec!["AI-0", "AI-1", "AI-2"]),
    ] {
        let html = render(dir.path(), "postmortems/checkout.md", "html", today);
        let actions = pirt(dir.path())
            .env("PIRT_TODAY", today)
            .args(["actions", "--format", "json"])
            .output()
            .unwrap();
        let rows: serde_json::Value = serde_json::from_slice(&actions.stdout).unwrap();
        let mut by_actions: Vec<&str> = rows["action_items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["overdue"] == true)
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        by_actions.sort_unstable();
        assert_eq!(by_actions, overdue, "pirt actions on {today}");
        for id in ["AI-0", "AI-1", "AI-2", "AI-9"] {
            let row = action_row(&html, id);
            let marked = row.contains("class=\"overdue\"") && row.contains(">OVERDUE</span>");
            assert_eq!(marked, overdue.contains(&id), "{id} on {today}: {row}");
        }
        assert!(html.contains(&format!("{} overdue as of {today}", overdue.len())));
        // The deadline of an item without `due` is shown in brackets, as `pirt actions` does.
        assert!(action_row(&html, "AI-0").contains("(2027-01-19)"));
    }
}

const DRAFTED: &str = "---\nid: PIR-2026-020\ntitle: Drafted\nstatus: in-review\nseverity: SEV3\nstarted_at: 2026-11-20T14:00:00Z\n---\n\n## Summary\n\nA person wrote this.\n\n<!-- pirt:draft prompt=summary model=gpt-4o-mini at=2026-11-21T09:00:00Z -->\nThe model wrote *this*.\n\n- and this\n<!-- /pirt:draft -->\n\n## Impact\n\nNobody drafted this.\n";

/// Issue 11: text between pirt's draft markers is marked "AI draft, not reviewed" on the
/// page and in Markdown until a person removes the markers.
#[test]
fn ai_draft_blocks_are_marked_until_their_markers_are_removed() {
    let dir = review_dir("drafted.md", DRAFTED);
    let html = render(dir.path(), "postmortems/drafted.md", "html", "2026-12-01");
    let block = html
        .split("<div class=\"ai-draft\"")
        .nth(1)
        .expect("a marked block")
        .split("</div>")
        .next()
        .unwrap();
    assert!(block.contains("AI draft, not reviewed"), "{block}");
    assert!(
        block.contains("prompt summary, model gpt-4o-mini"),
        "{block}"
    );
    assert!(block.contains("The model wrote <em>this</em>."), "{block}");
    assert!(block.contains("<li>and this</li>"), "{block}");
    assert!(!block.contains("A person wrote this"), "{block}");
    assert_eq!(html.matches("<div class=\"ai-draft\"").count(), 1);
    assert!(html.contains(">1 AI draft not reviewed</span>"));
    // The markers themselves never show.
    assert!(!html.contains("pirt:draft prompt"));

    let md = render(dir.path(), "postmortems/drafted.md", "md", "2026-12-01");
    assert!(
        md.contains("A person wrote this.\n\n> **AI draft, not reviewed** (prompt summary, model gpt-4o-mini)\n>\n> The model wrote *this*.\n>\n> - and this\n"),
        "{md}"
    );

    // A person reviewed it and removed the markers: plain text again.
    let reviewed: String = DRAFTED
        .lines()
        .filter(|l| !l.contains("pirt:draft"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.path().join("postmortems/drafted.md"), reviewed).unwrap();
    let html = render(dir.path(), "postmortems/drafted.md", "html", "2026-12-01");
    assert!(!html.contains("AI draft, not reviewed"));
    assert!(!html.contains("AI draft not reviewed"));
    assert!(html.contains("The model wrote <em>this</em>."));
    let md = render(dir.path(), "postmortems/drafted.md", "md", "2026-12-01");
    assert!(!md.contains("AI draft"), "{md}");
}

/// Issue 11: the timeline shows each day once (in the configured zone, Europe/Berlin in
/// the fixtures), then only the time on each row, not the zone and full date every time.
#[test]
fn the_timeline_shows_the_date_once_per_day() {
    let text = "---\nid: PIR-2026-021\ntitle: Overnight\nstatus: in-review\nseverity: SEV3\nstarted_at: 2026-11-20T21:00:00Z\ntimeline:\n  - {at: 2026-11-20T21:00:00Z, kind: trigger, text: first}\n  - {at: 2026-11-20T22:30:00Z, kind: detection, text: second}\n  - {at: 2026-11-20T23:10:00Z, kind: escalation, text: third}\n  - {at: 2026-11-21T07:00:00Z, kind: resolution, text: fourth}\n---\n";
    let dir = review_dir("overnight.md", text);
    let html = render(dir.path(), "postmortems/overnight.md", "html", "2026-12-01");
    let table = &html[html.find("id=\"timeline\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    // 22:00 and 23:30 CET are on the 20th; 00:10 and 08:00 on the 21st.
    let days: Vec<&str> = table
        .match_indices("scope=\"rowgroup\">")
        .map(|(i, m)| {
            let rest = &table[i + m.len()..];
            &rest[..rest.find('<').unwrap()]
        })
        .collect();
    assert_eq!(days, ["Friday, 2026-11-20", "Saturday, 2026-11-21"]);
    let times: Vec<&str> = table
        .match_indices("<td class=\"when\">")
        .map(|(i, m)| {
            let rest = &table[i + m.len()..];
            &rest[..rest.find('<').unwrap()]
        })
        .collect();
    assert_eq!(times, ["22:00", "23:30", "00:10", "08:00"]);
    assert!(!table.contains("CET"), "{table}");
    assert!(
        table.contains("<th>Time (Europe&#x2f;Berlin)</th>"),
        "{table}"
    );
}

/// Issue 11: body text is as wide as headings and tables (no narrower measure of its own);
/// the lifecycle comes in a wide and a tall layout, switched by the page width.
#[test]
fn body_text_is_full_width_and_the_lifecycle_has_a_narrow_layout() {
    let html = render(&fixtures(), "checkout.md", "html", "2026-12-01");
    let css = &html[..html.find("</style>").unwrap()];
    assert!(!css.contains(".narrative p,"), "{css}");
    // Only the page and the tall picture have a maximum width (print sets `none`).
    let widths: Vec<&str> = css
        .match_indices("{")
        .filter_map(|(i, _)| {
            let rule = &css[i..i + css[i..].find('}').unwrap()];
            let selector = css[..i].rsplit(['}', '\n']).next().unwrap().trim();
            (rule.contains("max-width: ") && !rule.contains("max-width: none")).then_some(selector)
        })
        .collect();
    assert_eq!(widths, ["main", "figure.lifecycle svg.tall"]);
    assert_eq!(html.matches("<svg class=\"wide\"").count(), 1);
    assert_eq!(html.matches("<svg class=\"tall\"").count(), 1);
    let narrow = &css[css.find("@media (max-width: 40rem)").unwrap()..];
    assert!(narrow.contains("figure.lifecycle svg.wide { display: none; }"));
    assert!(narrow.contains("figure.lifecycle svg.tall { display: block; }"));
    // The tall picture is 360 units wide: at its own size on a 390 px phone.
    assert!(html.contains("<svg class=\"tall\" viewBox=\"0 0 360.0 "));
}

/// Issue 11: in PIR-2021-042 the "Acknowledged" label stood over the stem of "Detected".
/// No milestone's stem may pass through another milestone's label in the rendered SVG
/// (label widths estimated generously: 10.5 units a letter of the name, 8.6 a digit).
#[test]
fn no_milestone_label_stands_over_another_stem() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for entry in std::fs::read_dir(examples.join("postmortems")).unwrap() {
        let path = entry.unwrap().path();
        let out = pirt(&examples)
            .args(["render"])
            .arg(&path)
            .args(["--format", "html"])
            .output()
            .unwrap();
        let html = String::from_utf8(out.stdout).unwrap();
        let wide = &html[html.find("<svg class=\"wide\"").unwrap()..];
        let wide = &wide[..wide.find("</svg>").unwrap()];
        let attr = |tag: &str, name: &str| -> f64 {
            let at = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
        };
        // (stem x, label row y, label from, label to)
        let labels: Vec<(f64, f64, f64, f64)> = wide
            .split("<g class=\"ms-")
            .skip(1)
            .map(|g| {
                let line = &g[g.find("<line").unwrap()..];
                let text = &g[g.find("<text").unwrap()..];
                let name = text.split("class=\"label\">").nth(1).unwrap();
                let name = &name[..name.find('<').unwrap()];
                let w = name.chars().count() as f64 * 10.5 + 6.0 + 5.0 * 8.6;
                let x = attr(text, "x");
                let (from, to) = if text.contains("text-anchor=\"end\"") {
                    (x - w, x)
                } else {
                    (x, x + w)
                };
                (attr(line, "x1"), attr(text, "y"), from, to)
            })
            .collect();
        assert!(labels.len() >= 3, "{}", path.display());
        for (i, a) in labels.iter().enumerate() {
            for (j, b) in labels.iter().enumerate() {
                if i == j {
                    continue;
                }
                // Same row: labels apart. b higher: its stem does not cross a's label.
                assert!(
                    !(a.1 == b.1 && a.2 < b.3 && b.2 < a.3),
                    "{}: labels {i} and {j} overlap: {labels:?}",
                    path.display()
                );
                assert!(
                    !(b.1 < a.1 && b.0 > a.2 && b.0 < a.3),
                    "{}: the stem of label {j} crosses label {i}: {labels:?}",
                    path.display()
                );
            }
        }
    }
}

/// A secret in the review is published with the page: render warns of it, masked, on
/// standard error (the page is still written: `pirt check` is the gate).
#[test]
fn a_secret_in_the_review_is_warned_of_masked() {
    let token = format!("ghp_{}", "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6");
    let text = DRAFTED.replace(
        "A person wrote this.",
        &format!("A person pasted {token} here."),
    );
    let dir = review_dir("2026-11-20-secret.md", &text);
    let out = pirt(dir.path())
        .args([
            "render",
            "postmortems/2026-11-20-secret.md",
            "--format",
            "html",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: postmortems/2026-11-20-secret.md:11: holds a GitHub token `ghp_… (40 characters)`, which the page publishes"),
        "{stderr}"
    );
    assert!(!stderr.contains(&token[4..]), "{stderr}");
    let quiet = pirt(dir.path())
        .args(["-q", "render", "postmortems/2026-11-20-secret.md"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("warning"));
}

/// A problem record given to render is said to be one (with what publishes it), not
/// reported as a review missing its severity.
#[test]
fn a_problem_record_is_named_as_one() {
    // `--no-cache`: the fixture folder is shared, no index is written into it.
    let out = pirt(&fixtures().join("insights"))
        .args(["--no-cache", "render", "problems/PRB-0001-pool-sizing.md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("problems/PRB-0001-pool-sizing.md is a problem record (it is in the problems folder, problems): `pirt render` takes reviews; `pirt site` publishes"),
        "{stderr}"
    );
    assert!(!stderr.contains("severity"), "{stderr}");
}

/// A milestone on a later day than the start says so in the lifecycle picture (the bar's
/// ends carry the dates, a label in the middle only its time).
#[test]
fn a_milestone_on_a_later_day_says_how_many_days_later() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let out = pirt(&examples)
        .args([
            "--no-cache",
            "render",
            "postmortems/2018-10-21-degraded-service-after-43s-network-partition.md",
            "--format",
            "html",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let html = String::from_utf8_lossy(&out.stdout);
    for time in ["16:24 +1d", "23:03 +1d"] {
        assert!(html.contains(time), "{time}");
    }
    assert!(html.contains("22:52<") || html.contains("22:52 <") || html.contains(">22:52"));
    assert!(!html.contains("22:52 +"));
}
