//! Redaction before text leaves for the model, and restoring the placeholders in the
//! answer: what is restored must be exactly what was redacted. (Redacting the redacted
//! text again may find more, e.g. a URL password the first pass saw as a token: more
//! redaction is allowed, so that is not checked.)
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
    let redacted = redactor.redact(text);
    // Text that already looks like a placeholder is ambiguous by design; skip it.
    if !placeholder_like(text) {
        assert_eq!(
            redactor.restore(&redacted),
            text,
            "redacted as {redacted:?}"
        );
    }
});
