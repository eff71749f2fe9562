//! The Anthropic Messages API. Streamed answers are named events: `message_start`,
//! `content_block_delta` (`text_delta`), `message_delta`, `message_stop`, with `ping`s and
//! possibly an `error` event in between.

use serde_json::{Value, json};

use super::{Answer, Request, Settings, StreamState};

/// Anthropic requires `max_tokens`; this is used when a prompt sets none.
const DEFAULT_MAX_TOKENS: u32 = 1024;

pub fn body(settings: &Settings, model: &str, request: &Request) -> Value {
    let mut user = request.user.clone();
    if request.json_schema.is_some() && !user.contains("```json") {
        // No JSON mode without tools: the prompt asks for a fenced block instead.
        user.push_str("\n\nAnswer with one fenced ```json block and nothing else.");
    }
    let mut body = json!({
        "model": model,
        "max_tokens": request.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
        "messages": [{"role": "user", "content": user}],
    });
    if let Some(system) = &request.system {
        body["system"] = json!(system);
    }
    if let Some(t) = request.temperature {
        body["temperature"] = json!(t);
    }
    if settings.stream {
        body["stream"] = json!(true);
    }
    body
}

/// A non-streamed answer: the text blocks of `content`.
pub fn whole(json: &Value) -> Result<Answer, String> {
    if json.get("type").and_then(Value::as_str) == Some("error") {
        return Err(format!("the server reported an error: {}", json["error"]));
    }
    let blocks = json
        .get("content")
        .and_then(Value::as_array)
        .ok_or("no `content` in the answer")?;
    let text = blocks
        .iter()
        .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
        .filter_map(|b| b.get("text").and_then(Value::as_str))
        .collect::<String>();
    Ok(Answer {
        text,
        model: json
            .get("model")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        truncated: json.get("stop_reason").and_then(Value::as_str) == Some("max_tokens"),
    })
}

/// One streamed event.
pub fn event(state: &mut StreamState, name: &str, data: &str) -> Result<Option<String>, String> {
    let parse = || -> Result<Value, String> {
        serde_json::from_str(data).map_err(|e| format!("a `{name}` event is not JSON ({e})"))
    };
    match name {
        "message_start" => {
            let json = parse()?;
            state.model = json
                .pointer("/message/model")
                .and_then(Value::as_str)
                .map(str::to_string);
            Ok(None)
        }
        "content_block_delta" => {
            let json = parse()?;
            match json.pointer("/delta/type").and_then(Value::as_str) {
                Some("text_delta") => match json.pointer("/delta/text") {
                    Some(Value::String(s)) => Ok(Some(s.clone())),
                    _ => Err("a `text_delta` without text".into()),
                },
                // Thinking or tool input: not part of the answer text.
                _ => Ok(None),
            }
        }
        "message_delta" => {
            let json = parse()?;
            if json.pointer("/delta/stop_reason").and_then(Value::as_str) == Some("max_tokens") {
                state.truncated = true;
            }
            Ok(None)
        }
        "message_stop" => {
            state.done = true;
            Ok(None)
        }
        "error" => {
            let json = parse().unwrap_or(Value::Null);
            let kind = json
                .pointer("/error/type")
                .and_then(Value::as_str)
                .unwrap_or("error");
            let message = json
                .pointer("/error/message")
                .and_then(Value::as_str)
                .unwrap_or(data);
            Err(format!("the server reported {kind} mid-stream: {message}"))
        }
        // ping, content_block_start, content_block_stop and events added later.
        _ => Ok(None),
    }
}
