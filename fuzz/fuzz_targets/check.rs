//! Every single-file check rule, the cross-file rules on one file, and every output
//! format (the human one draws source snippets with underlines).
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use pirt::check::{Kind, MemoryChecker, output};
use pirt::config::Config;

fn checker() -> &'static MemoryChecker<'static> {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    static CHECKER: OnceLock<MemoryChecker<'static>> = OnceLock::new();
    CHECKER.get_or_init(|| MemoryChecker::new(CONFIG.get_or_init(Config::default)))
}

fuzz_target!(|bytes: &[u8]| {
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("date");
    for (path, kind) in [
        ("reviews/fuzz.md", Kind::Review),
        ("problems/fuzz.md", Kind::Problem),
    ] {
        let report = checker().check(Path::new(path), bytes, kind, today);
        for format in [
            output::Format::Human,
            output::Format::Json,
            output::Format::Github,
            output::Format::Sarif,
        ] {
            let mut out = Vec::new();
            output::write(format, &report, true, std::path::Path::new("/repo"), &mut out).expect("writing to memory");
        }
    }
});
