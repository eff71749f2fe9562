//! The reference point for `pirt check`: read every review and only parse its front
//! matter with the same YAML parser (serde-saphyr), in parallel on all cores, and nothing
//! else. `pirt-parse-only DIR [--tree]`: without `--tree` into a plain `serde_json::Value`
//! (no positions); with `--tree` into pirt's spanned tree (what check parses into).

use std::path::PathBuf;

use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = PathBuf::from(args.get(1).expect("usage: pirt-parse-only DIR [--tree]"));
    let tree = args.iter().any(|a| a == "--tree");
    let events = args.iter().any(|a| a == "--events");
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
            let ok = if events {
                granit_parser::Parser::new_from_str(yaml).all(|e| e.is_ok())
            } else if tree {
                pirt::review::yaml::parse(yaml, layout.base()).is_ok()
            } else {
                serde_saphyr::from_str::<serde_json::Value>(yaml).is_ok()
            };
            usize::from(ok)
        })
        .sum();
    eprintln!("parsed {parsed} of {} files", files.len());
}
