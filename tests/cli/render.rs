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
