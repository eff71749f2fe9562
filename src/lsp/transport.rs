//! JSON-RPC framing over a byte stream: `Content-Length` headers, then the body.
//!
//! lsp-server's own stdio reader ends the connection on the first malformed message; this
//! reader turns a malformed frame or body into an error the server answers (JSON-RPC's
//! parse error or invalid request) and goes on with the next frame.

use std::io::{BufRead, Read};

use lsp_server::{ErrorCode, Message};

/// The largest body read; a larger one is skipped with an error.
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// What one frame of the stream held.
#[derive(Debug)]
pub enum Frame {
    Message(Message),
    /// Not a JSON-RPC message: the error to answer with, and the request's id when the
    /// body was JSON that carried one.
    Malformed {
        code: ErrorCode,
        message: String,
        id: Option<serde_json::Value>,
    },
}

/// Reads the next frame; `Ok(None)` at the end of the stream.
pub fn read_frame(input: &mut impl BufRead) -> std::io::Result<Option<Frame>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = String::new();
    let mut bad_header = None;
    loop {
        line.clear();
        let n = read_line_bounded(input, &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if length.is_none() && bad_header.is_none() {
                // Blank lines between frames are skipped.
                continue;
            }
            break;
        }
        match header.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                length = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|_| value.trim().to_string()),
                );
            }
            Some((name, _)) if name.trim().eq_ignore_ascii_case("content-type") => {}
            _ => {
                bad_header.get_or_insert_with(|| header.chars().take(80).collect::<String>());
            }
        }
    }
    let malformed = |message: String| {
        Ok(Some(Frame::Malformed {
            code: ErrorCode::ParseError,
            message,
            id: None,
        }))
    };
    let size = match length {
        Some(Ok(size)) => size,
        Some(Err(value)) => return malformed(format!("Content-Length {value:?} is not a number")),
        None => {
            let header = bad_header.unwrap_or_default();
            return malformed(format!(
                "a frame without Content-Length (header {header:?})"
            ));
        }
    };
    if size > MAX_BODY {
        std::io::copy(&mut input.take(size as u64), &mut std::io::sink())?;
        return malformed(format!(
            "a body of {size} bytes is over the limit of {MAX_BODY}"
        ));
    }
    let mut body = vec![0; size];
    input.read_exact(&mut body)?;
    Ok(Some(parse_body(&body)))
}

/// A header line, at most 8 KiB (a stream of garbage without line ends is cut there).
fn read_line_bounded(input: &mut impl BufRead, line: &mut String) -> std::io::Result<usize> {
    let mut bytes = Vec::new();
    let n = input.take(8192).read_until(b'\n', &mut bytes)?;
    line.push_str(&String::from_utf8_lossy(&bytes));
    Ok(n)
}

/// A body as a message, or the error it deserves.
pub fn parse_body(body: &[u8]) -> Frame {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            return Frame::Malformed {
                code: ErrorCode::ParseError,
                message: format!("the body is not JSON: {e}"),
                id: None,
            };
        }
    };
    let id = value.get("id").cloned();
    let method_ok = value.get("method").is_none_or(serde_json::Value::is_string);
    if value.is_object()
        && method_ok
        && let Ok(message) = serde_json::from_value::<Message>(value.clone())
    {
        return Frame::Message(message);
    }
    Frame::Malformed {
        code: ErrorCode::InvalidRequest,
        message: "not a JSON-RPC request, response or notification".into(),
        id: id.filter(|id| id.is_number() || id.is_string()),
    }
}

/// An error response as JSON-RPC writes it (the id may be null, which lsp-server's
/// `RequestId` cannot hold).
pub fn error_response(code: ErrorCode, message: &str, id: Option<serde_json::Value>) -> Vec<u8> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id.unwrap_or(serde_json::Value::Null),
        "error": {"code": code as i32, "message": message},
    })
    .to_string();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<Frame> {
        let mut reader = std::io::BufReader::new(input.as_bytes());
        let mut out = Vec::new();
        while let Some(frame) = read_frame(&mut reader).unwrap() {
            out.push(frame);
        }
        out
    }

    #[test]
    fn a_malformed_body_is_an_error_and_the_next_frame_is_read() {
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let input = format!(
            "Content-Length: 5\r\n\r\n{{oops\r\nContent-Length: 11\r\n\r\n{{\"id\":true}}Content-Length: {}\r\n\r\n{good}",
            good.len()
        );
        let got = frames(&input);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(matches!(
            &got[0],
            Frame::Malformed {
                code: ErrorCode::ParseError,
                ..
            }
        ));
        assert!(matches!(
            &got[1],
            Frame::Malformed {
                code: ErrorCode::InvalidRequest,
                id: None,
                ..
            }
        ));
        assert!(matches!(&got[2], Frame::Message(Message::Request(r)) if r.method == "shutdown"));
    }

    #[test]
    fn garbage_headers_and_bad_lengths_are_errors() {
        let got = frames("hello\r\n\r\nContent-Length: x\r\n\r\n");
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|f| matches!(f, Frame::Malformed { .. })));
    }

    #[test]
    fn an_invalid_request_keeps_its_id() {
        let Frame::Malformed { id, code, .. } = parse_body(br#"{"id":7,"method":3}"#) else {
            panic!()
        };
        assert_eq!(id, Some(serde_json::json!(7)));
        assert!(matches!(code, ErrorCode::InvalidRequest));
    }
}
