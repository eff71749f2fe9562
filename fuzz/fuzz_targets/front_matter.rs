//! Front matter and body parsing of reviews and problem records: any bytes give a model
//! and diagnostics, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use pirt::config::Config;
use pirt::review::{decode, parse_review, problem::parse_problem};

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = decode(bytes) else { return };
    let config = Config::default();
    let parsed = parse_review(Path::new("fuzz.md"), text, &config);
    let _ = parsed.review.metrics();
    if let Some(root) = &parsed.front_matter {
        let _ = root.to_json();
    }
    let _ = parse_problem(Path::new("problems/fuzz.md"), text);
});
