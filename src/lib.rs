//! pirt: post-incident reviews as plain files in a git repository.
//!
//! The library holds the domain (reviews, problems, metrics, edits), the config, the
//! renderers and one module per command; `main.rs` only parses arguments and maps the
//! result to an exit code.

// First, so that outln!/errln! are in scope in every module below.
#[macro_use]
pub mod ui;
// Next, so that the enums of names can be defined in every module below.
#[macro_use]
mod names;

pub mod assets;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod corpus;
pub mod diagnostic;
pub mod draft;
pub mod env;
pub mod fence;
pub mod fsutil;
pub mod http;
pub mod insights;
pub mod llm;
pub mod lsp;
pub mod pos;
pub mod printable;
pub mod problem_record;
pub mod redact;
pub mod render;
pub mod review;
pub mod rule_id;
pub mod scaffold;
pub mod schema;
pub mod sources;
pub mod timeline_import;
pub mod tracker_ref;
pub mod trackers;

/// How an error is shown: a file's own diagnostics as they are (`path:line:col: ...` with
/// the source line), anything else as `error: ...` with its causes.
pub fn error_text(err: &anyhow::Error) -> String {
    match err.downcast_ref::<diagnostic::InvalidFile>() {
        Some(invalid) => invalid.to_string(),
        None => format!("error: {err:#}"),
    }
}
