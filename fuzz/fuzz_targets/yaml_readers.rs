//! The line reader against serde-saphyr: whatever front matter the line reader takes, it
//! reads as serde-saphyr does, node for node and position for position (the readers hand
//! on what they do not take, so only the trees it returns are compared).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pirt::review::yaml::{Base, parse_by_lines, parse_via_serde};

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    // A whole review is cut to its front matter, as pirt does; bare YAML is read whole.
    let (yaml, base) = match pirt::review::document::split(text) {
        Ok(layout) => (&text[layout.yaml.clone()], layout.base()),
        Err(_) => (text, Base { lines: 0, offset: 0 }),
    };
    if let Some(tree) = parse_by_lines(yaml, base) {
        let reference = parse_via_serde(yaml, base);
        assert_eq!(
            format!("{:?}", Ok::<_, ()>(tree)),
            format!("{:?}", reference.map_err(|_| ())),
            "the line reader differs from serde-saphyr on {yaml:?}"
        );
    }
});
