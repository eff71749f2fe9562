//! What the server answers: capabilities, and the requests on documents.

use lsp_server::ErrorCode;
use lsp_types::ServerCapabilities;
use serde_json::Value;

use super::text::Encoding;
use super::{Reply, Server};

/// What the server offers (formatting is not offered).
pub fn capabilities(encoding: Encoding) -> ServerCapabilities {
    use lsp_types::*;
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        ..ServerCapabilities::default()
    }
}

/// The answer to a request other than initialize and shutdown.
pub fn answer<W: std::io::Write>(
    _server: &mut Server<W>,
    method: &str,
    _params: Value,
) -> Result<Value, Reply> {
    Err((
        ErrorCode::MethodNotFound,
        format!("pirt lsp does not answer {method}"),
    ))
}
