//! The reference point for `pirt check`: read every review and only parse its front
//! matter, in parallel on all cores, and nothing else. `pirt-parse-only DIR [MODE]`:
//!
//! - no MODE: serde-saphyr into a plain `serde_json::Value` (no positions);
//! - `--tree`: pirt's position-keeping tree, as check reads it (the event loader, with
//!   serde-saphyr for documents outside its subset);
//! - `--serde-tree`: the same tree through serde-saphyr only (the path before the loader);
//! - `--events`: the parser's events only, building nothing (the floor of any loader).

use std::path::PathBuf;

use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = PathBuf::from(
        args.get(1)
            .expect("usage: pirt-parse-only DIR [--tree|--serde-tree|--events]"),
    );
    let mode = args.get(2).map_or("", String::as_str);
    let files: Vec<PathBuf> = ignore::WalkBuilder::new(&dir)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
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
                _ => serde_saphyr::from_str::<serde_json::Value>(yaml).is_ok(),
            };
            usize::from(ok)
        })
        .sum();
    eprintln!("parsed {parsed} of {} files", files.len());
}
