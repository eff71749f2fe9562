//! Redaction before text leaves for the model, and restoring the placeholders in the
//! answer: what is restored must be exactly what was redacted. (Redacting the redacted
//! text again may find more, e.g. a URL password the first pass saw as a token: more
//! redaction is allowed, so that is not checked.) What `find` reports is what `redact`
//! replaces: sorted, never overlapping, on character boundaries, and its masked form
//! never shows more than four characters of the value.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pirt::config::RedactConfig;
use pirt::redact::Redactor;

fn placeholder_like(text: &str) -> bool {
    static RE: OnceLock<regex_lite::Regex> = OnceLock::new();
    RE.get_or_init(|| regex_lite::Regex::new(r"<[A-Z_]+_[0-9]+>").expect("pattern"))
        .is_match(text)
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    static RULES: OnceLock<Redactor> = OnceLock::new();
    let redactor = RULES
        .get_or_init(|| {
            Redactor::new(&RedactConfig::default())
                .expect("built-in rules")
                .expect("enabled by default")
        })
        .fresh();
    let found = redactor.detector().find(text);
    let mut last = 0;
    for f in &found {
        assert!(f.range.start >= last, "overlap or disorder in {found:?}");
        assert!(f.range.start < f.range.end, "empty range in {found:?}");
        assert!(text.is_char_boundary(f.range.start) && text.is_char_boundary(f.range.end));
        last = f.range.end;
        let value = &text[f.range.clone()];
        let masked = f.masked(text);
        let shown = masked.split('…').next().unwrap_or("");
        assert!(shown.chars().count() <= 4 && value.starts_with(shown), "{masked:?}");
        assert!(!f.kind.name().is_empty());
    }
    let redacted = redactor.redact(text);
    // Every found value is gone, unless the same text also stands outside the found ranges
    // or could be read inside a placeholder (`SECRET_12` in `<SECRET_12>`).
    let outside: String = {
        let mut s = String::new();
        let mut at = 0;
        for f in &found {
            s.push_str(&text[at..f.range.start]);
            s.push('\u{0}');
            at = f.range.end;
        }
        s.push_str(&text[at..]);
        s
    };
    for f in &found {
        let value = &text[f.range.clone()];
        let placeholder_text = value.contains(['<', '>'])
            || value.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        if value.len() >= 8 && !placeholder_text && !outside.contains(value) {
            assert!(!redacted.contains(value), "{value:?} left in {redacted:?}");
        }
    }
    // Text that already looks like a placeholder is ambiguous by design; skip it.
    if !placeholder_like(text) {
        assert_eq!(
            redactor.restore(&redacted),
            text,
            "redacted as {redacted:?}"
        );
    }
});
