//! Rendering a review as Markdown, HTML and JSON, and the Markdown → HTML step alone.
//! Whatever the file says, the HTML must not carry a script element.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pirt::config::Config;
use pirt::render::{Format, Renderer, markdown_to_html, markdown_to_markdown};
use pirt::review::{decode, parse_review};

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(Config::default)
}

fn renderers() -> &'static [(Format, Renderer<'static>)] {
    static RENDERERS: OnceLock<Vec<(Format, Renderer<'static>)>> = OnceLock::new();
    RENDERERS.get_or_init(|| {
        [Format::Markdown, Format::Html, Format::Json]
            .into_iter()
            .map(|f| {
                (
                    f,
                    Renderer::new(config(), f, None).expect("built-in template"),
                )
            })
            .collect()
    })
}

fn assert_no_script(html: &str, input: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(
        !lower.contains("<script"),
        "a script element got through from {input:?}:\n{html}"
    );
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = decode(bytes) else { return };
    assert_no_script(&markdown_to_html(text), text);
    let _ = markdown_to_markdown(text);
    let parsed = parse_review(Path::new("fuzz.md"), text, config());
    for (format, renderer) in renderers() {
        let out = renderer
            .render(&parsed.review)
            .expect("rendering never fails");
        if *format == Format::Html {
            assert_no_script(&out, text);
        }
    }
});
