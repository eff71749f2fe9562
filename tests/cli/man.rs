//! `pirt man [--dir DIR]` and `pirt schema -o FILE`: the files the README's setup steps
//! install. tests/setup-in-fresh-home.sh runs those steps with man, bash, zsh and fish.

use std::path::Path;
use std::process::Command;

use crate::pirt;

const PAGES: [&str; 22] = [
    "pirt-actions-sync.1",
    "pirt-actions.1",
    "pirt-cache-clean.1",
    "pirt-cache.1",
    "pirt-check.1",
    "pirt-completions.1",
    "pirt-draft.1",
    "pirt-init.1",
    "pirt-lsp.1",
    "pirt-man.1",
    "pirt-new.1",
    "pirt-problem-list.1",
    "pirt-problem-new.1",
    "pirt-problem.1",
    "pirt-render.1",
    "pirt-schema.1",
    "pirt-site.1",
    "pirt-stats.1",
    "pirt-timeline-add.1",
    "pirt-timeline-import.1",
    "pirt-timeline.1",
    "pirt.1",
];

/// Writes the pages into `dir/man1` (a folder that does not exist yet) and returns it.
fn write_pages(dir: &Path) -> std::path::PathBuf {
    let man1 = dir.join("share/man/man1");
    let out = pirt(dir)
        .args(["man", "--dir"])
        .arg(&man1)
        .env("SOURCE_DATE_EPOCH", "1764633600")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("wrote 22 man pages into"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    man1
}

/// The pages a page names as `\fBNAME\fR(1)`.
fn references(page: &str) -> Vec<String> {
    page.split("\\fB")
        .skip(1)
        .filter_map(|rest| rest.split_once("\\fR(1)").map(|(name, _)| name))
        .filter(|name| !name.contains(' '))
        .map(|name| name.replace("\\-", "-"))
        .collect()
}

#[test]
fn man_dir_writes_a_page_per_subcommand_and_every_page_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let man1 = write_pages(dir.path());
    let mut names: Vec<String> = std::fs::read_dir(&man1)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, PAGES);
    let version = env!("CARGO_PKG_VERSION");
    let mut named = 0;
    for name in PAGES {
        let page = std::fs::read_to_string(man1.join(name)).unwrap();
        for reference in references(&page) {
            named += 1;
            assert!(
                man1.join(format!("{reference}.1")).is_file(),
                "{name} names {reference}(1), which was not written"
            );
        }
        // An upper-case title, a date mandoc parses, the source and the manual.
        let title = name.trim_end_matches(".1").to_uppercase();
        let th = format!(".TH {title} 1 2025-12-02 \"pirt {version}\" \"User Commands\"\n");
        assert!(page.contains(&th), "{name}: no {th}");
        assert_eq!(page.matches(".ds Aq").count(), 2, "{name}: one preamble");
        // Filled text lines fit mandoc's 80 bytes; no line ends in a space.
        let mut fill = true;
        for line in page.lines() {
            match line {
                ".nf" => fill = false,
                ".fi" => fill = true,
                _ => {}
            }
            assert!(!line.ends_with(' '), "{name}: trailing space: {line:?}");
            assert!(
                !fill || line.starts_with('.') || line.len() <= 80,
                "{name}: a filled line of {} bytes: {line}",
                line.len()
            );
        }
    }
    // pirt(1) lists every subcommand page; nested pages name their parents.
    assert!(named > PAGES.len(), "only {named} page references");
    let add = std::fs::read_to_string(man1.join("pirt-timeline-add.1")).unwrap();
    assert!(
        add.contains(".SH \"SEE ALSO\"\n\\fBpirt\\fR(1), \\fBpirt\\-timeline\\fR(1)\n"),
        "{add}"
    );
    // Examples keep their lines: no-fill mode, one example a line.
    assert!(
        add.contains(".SH EXAMPLES\n.nf\npirt timeline add review.md \"Rolled back deploy 4812\" \\-\\-at 14:41 \\-\\-kind mitigation\n"),
        "{add}"
    );
    // `pirt man` alone prints pirt.1.
    let out = pirt(dir.path())
        .arg("man")
        .env("SOURCE_DATE_EPOCH", "1764633600")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        std::fs::read_to_string(man1.join("pirt.1")).unwrap()
    );
}

#[test]
fn man_pages_pass_mandoc_lint_at_every_level() {
    if Command::new("mandoc").arg("-V").output().is_err() {
        eprintln!("skipped: mandoc is not installed (apt-get install mandoc)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let man1 = write_pages(dir.path());
    // `-T lint` implies `-W all`: style messages count.
    let out = Command::new("mandoc")
        .args(["-T", "lint"])
        .args(PAGES.iter().map(|name| man1.join(name)))
        .output()
        .unwrap();
    let messages = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(messages, "", "mandoc -T lint");
    assert!(out.status.success());
}

#[test]
fn man_errors_name_their_cause() {
    let dir = tempfile::tempdir().unwrap();
    let out = pirt(dir.path())
        .arg("man")
        .env("SOURCE_DATE_EPOCH", "soon")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("SOURCE_DATE_EPOCH=`soon` is not a number of seconds"),
        "{stderr}"
    );
    std::fs::write(dir.path().join("file"), "x").unwrap();
    let out = pirt(dir.path())
        .args(["man", "--dir", "file/man1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot create folder file/man1"),
        "{stderr}"
    );
}

#[test]
fn schema_output_creates_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        pirt(dir.path())
            .arg("init")
            .output()
            .unwrap()
            .status
            .success()
    );
    assert!(!dir.path().join(".pirt").exists());
    for (args, file) in [
        (vec!["schema"], ".pirt/review.schema.json"),
        (
            vec!["schema", "--problem"],
            "deeper/still/problem.schema.json",
        ),
    ] {
        let out = pirt(dir.path())
            .args(&args)
            .args(["-o", file])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("wrote {file}")));
        let printed = pirt(dir.path()).args(&args).output().unwrap().stdout;
        assert_eq!(std::fs::read(dir.path().join(file)).unwrap(), printed);
        assert!(printed.starts_with(b"{") && printed.ends_with(b"}\n"));
    }
    let out = pirt(dir.path())
        .args(["schema", "-o", "pirt.toml/schema.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot create folder pirt.toml"),
        "{stderr}"
    );
}
