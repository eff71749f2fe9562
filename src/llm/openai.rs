//! OpenAI Chat Completions, as spoken by OpenAI, Ollama (`/v1`), llama.cpp, vLLM and LM
//! Studio. Streamed answers are `data: {chunk}` events ending with `data: [DONE]`.

use serde_json::{Value, json};

use super::{Answer, Request, Settings, StreamState, Structured};

pub fn body(settings: &Settings, model: &str, request: &Request, structured: Structured) -> Value {
    let mut messages = Vec::new();
    if let Some(system) = &request.system {
        messages.push(json!({"role": "system", "content": system}));
    }
    messages.push(json!({"role": "user", "content": request.user}));
    let mut body = json!({"model": model, "messages": messages});
    if let Some(t) = request.temperature {
        body["temperature"] = json!(t);
    }
    if let Some(n) = request.max_tokens {
        body["max_tokens"] = json!(n);
    }
    if settings.stream {
        body["stream"] = json!(true);
    }
    if let Some(schema) = &request.json_schema {
        match structured {
            Structured::JsonSchema => {
                body["response_format"] = json!({
                    "type": "json_schema",
                    "json_schema": {"name": "answer", "schema": schema}
                });
            }
            Structured::JsonObject => {
                body["response_format"] = json!({"type": "json_object", "schema": schema});
            }
            Structured::Prompt => {}
        }
    }
    body
}

/// A non-streamed answer: `choices[0].message.content`.
pub fn whole(json: &Value) -> Result<Answer, String> {
    if let Some(error) = json.get("error") {
        return Err(format!("the server reported an error: {error}"));
    }
    let choice = json
        .get("choices")
        .and_then(|c| c.get(0))
        .ok_or("no `choices` in the answer")?;
    let text = match choice.pointer("/message/content") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => return Err(format!("`message.content` is not text: {other}")),
    };
    Ok(Answer {
        text,
        model: json
            .get("model")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        truncated: choice.get("finish_reason").and_then(Value::as_str) == Some("length"),
    })
}

/// One streamed chunk.
pub fn event(state: &mut StreamState, data: &str) -> Result<Option<String>, String> {
    let data = data.trim();
    if data == "[DONE]" {
        state.done = true;
        return Ok(None);
    }
    if data.is_empty() {
        return Ok(None);
    }
    let chunk: Value =
        serde_json::from_str(data).map_err(|e| format!("a stream chunk is not JSON ({e})"))?;
    if let Some(error) = chunk.get("error") {
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .map_or_else(|| error.to_string(), str::to_string);
        return Err(format!(
            "the server reported an error mid-stream: {message}"
        ));
    }
    if state.model.is_none() {
        state.model = chunk
            .get("model")
            .and_then(Value::as_str)
            .map(str::to_string);
    }
    let Some(choice) = chunk.get("choices").and_then(|c| c.get(0)) else {
        // Usage-only chunks (stream_options.include_usage) carry no choice.
        return Ok(None);
    };
    match choice.get("finish_reason").and_then(Value::as_str) {
        Some("length") => state.truncated = true,
        Some(_) => {}
        None => {}
    }
    match choice.pointer("/delta/content") {
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Null) | None => Ok(None),
        Some(other) => Err(format!("`delta.content` is not text: {other}")),
    }
}
