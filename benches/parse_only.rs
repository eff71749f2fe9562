//! The reference point for `pirt check`: read every review and only parse its front
//! matter, in parallel on all cores, and nothing else. `pirt-parse-only DIR [MODE]`:
//!
//! - no MODE: serde-saphyr into a plain `serde_json::Value` (no positions);
//! - `--tree`: pirt's position-keeping tree, as check reads it (the event loader, with
//!   serde-saphyr for documents outside its subset);
//! - `--serde-tree`: the same tree through serde-saphyr only (the path before the loader);
//! - `--events`: the parser's events only, building nothing (the floor of any loader);
//! - `--event-tree`: the tree as check read it before the line reader (the event loader,
//!   serde-saphyr for the rest);
//! - `--lines`: the line reader alone (files it does not take count as not parsed);
//! - `--compare`: every reader on every file, checking that each one that takes a file
//!   builds serde-saphyr's tree (exits 1 on the first difference), and how many each took.

use std::path::PathBuf;

use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = PathBuf::from(args.get(1).expect(
        "usage: pirt-parse-only DIR [--tree|--serde-tree|--event-tree|--events|--lines|--compare]",
    ));
    let mode = args.get(2).map_or("", String::as_str);
    let files: Vec<PathBuf> = ignore::WalkBuilder::new(&dir)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    if mode == "--compare" {
        return compare(&files);
    }
    let parsed: usize = files
        .par_iter()
        .map(|path| {
            let Ok(text) = std::fs::read_to_string(path) else {
                return 0;
            };
            let Ok(layout) = pirt::review::document::split(&text) else {
                return 0;
            };
            let yaml = &text[layout.yaml.clone()];
            let ok = match mode {
                "--tree" => pirt::review::yaml::parse(yaml, layout.base()).is_ok(),
                "--serde-tree" => pirt::review::yaml::parse_via_serde(yaml, layout.base()).is_ok(),
                "--events" => granit_parser::Parser::new_from_str(yaml).all(|e| e.is_ok()),
                "--event-tree" => {
                    let base = layout.base();
                    pirt::review::yaml::parse_by_events(yaml, base).is_some()
                        || pirt::review::yaml::parse_via_serde(yaml, base).is_ok()
                }
                "--lines" => pirt::review::yaml::parse_by_lines(yaml, layout.base()).is_some(),
                _ => serde_saphyr::from_str::<serde_json::Value>(yaml).is_ok(),
            };
            usize::from(ok)
        })
        .sum();
    eprintln!("parsed {parsed} of {} files", files.len());
}

fn compare(files: &[PathBuf]) {
    use pirt::review::yaml;
    let taken: Vec<(bool, bool)> = files
        .par_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            let layout = pirt::review::document::split(&text).ok()?;
            let (source, base) = (&text[layout.yaml.clone()], layout.base());
            let reference = format!("{:?}", yaml::parse_via_serde(source, base).ok());
            let lines = yaml::parse_by_lines(source, base);
            let events = yaml::parse_by_events(source, base);
            for (name, tree) in [("line reader", &lines), ("event loader", &events)] {
                if tree.is_some() && format!("{tree:?}") != reference {
                    eprintln!("{}: the {name} differs from serde-saphyr", path.display());
                    std::process::exit(1);
                }
            }
            Some((lines.is_some(), events.is_some()))
        })
        .collect();
    let lines = taken.iter().filter(|t| t.0).count();
    let events = taken.iter().filter(|t| t.1).count();
    eprintln!(
        "{} front matters: the line reader took {lines}, the event loader {events}; each \
         one it took is serde-saphyr's tree",
        taken.len()
    );
}
