//! The module picture of the README's "Layout", held against the code: every `crate::X`
//! a module names must sit on a lower floor than the module itself (or be the module). A
//! new import that runs back up the layers, or a cycle, fails here with the file and line.

use std::path::{Path, PathBuf};

/// Floor of each top-level module of src/, highest first (the README draws the same).
const FLOORS: &[(&str, u32)] = &[
    ("main", 12),
    ("cli", 11),
    ("cmd", 10),
    ("problem_record", 9),
    ("ui", 9),
    ("insights", 8),
    ("lsp", 8),
    ("draft", 8),
    ("scaffold", 8),
    ("render", 7),
    ("timeline_import", 7),
    ("check", 7),
    ("assets", 6),
    ("corpus", 6),
    ("sources", 6),
    ("redact", 6),
    ("schema", 6),
    ("llm", 6),
    ("tracker_ref", 6),
    ("trackers", 7),
    ("config", 5),
    ("env", 5),
    ("lib", 4),
    // Items of the crate root (src/lib.rs).
    ("error_text", 4),
    ("review", 4),
    ("diagnostic", 3),
    ("rule_id", 2),
    ("fsutil", 1),
    ("http", 1),
    ("names", 1),
    ("fence", 1),
    ("pos", 1),
    ("printable", 1),
];

/// The `outln!`/`errln!` macros are exported at the crate root; naming them is not an
/// import of `ui`'s types.
const MACROS: &[&str] = &["outln", "errln", "errprint"];

fn floor(module: &str) -> Option<u32> {
    FLOORS.iter().find(|(m, _)| *m == module).map(|(_, f)| *f)
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module names after each `crate::` in a line (`crate::{a, b::c}` too).
fn named(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(inner) = rest.strip_prefix('{') {
            let end = inner.find('}').unwrap_or(inner.len());
            let mut depth = 0;
            let mut start = 0;
            for (j, c) in inner[..end].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.push(head(&inner[start..j]));
                        start = j + 1;
                    }
                    _ => {}
                }
            }
            out.push(head(&inner[start..end]));
        } else {
            out.push(head(rest));
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

fn head(path: &str) -> String {
    path.trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

#[test]
fn no_module_imports_from_a_higher_floor() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    all.sort();
    let mut wrong = Vec::new();
    let mut seen = 0;
    for path in &all {
        let rel = path.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        let own = floor(&module).unwrap_or_else(|| {
            panic!(
                "src/{} is not in FLOORS (tests/cli/layers.rs)",
                rel.display()
            )
        });
        if rel.file_name().is_some_and(|f| f == "tests.rs") {
            continue; // test code may build what it needs from anywhere
        }
        let text = std::fs::read_to_string(path).unwrap();
        // Unit tests at the end of a file are left out for the same reason.
        let code_end = text.find("#[cfg(test)]\nmod tests").unwrap_or(text.len());
        for (n, line) in text[..code_end].lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for other in named(code) {
                if other == module || MACROS.contains(&other.as_str()) {
                    continue;
                }
                seen += 1;
                match floor(&other) {
                    Some(f) if f < own => {}
                    Some(f) => wrong.push(format!(
                        "src/{}:{}: {module} (floor {own}) uses {other} (floor {f})",
                        rel.display(),
                        n + 1
                    )),
                    None => wrong.push(format!(
                        "src/{}:{}: `crate::{other}` is not a module in FLOORS",
                        rel.display(),
                        n + 1
                    )),
                }
            }
        }
    }
    assert!(seen > 200, "only {seen} imports read: is the scan broken?");
    assert!(
        wrong.is_empty(),
        "imports running up the layers:\n{}",
        wrong.join("\n")
    );
}
