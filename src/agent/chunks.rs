//! Reading an OpenAI-compatible chunk stream into `ModelEvent`s.
//!
//! The chunk types are our own and lenient (every field optional): OpenAI, vLLM, llama.cpp,
//! Ollama and proxies differ in what they omit, and async-openai's typed chunk rejects a chunk
//! without `created` or with an unknown `finish_reason`. Tool calls are rebuilt from fragments
//! however a server sends them: id and name once or in every chunk, several calls told apart by
//! `index` (or, for servers that omit or reuse it, by id), arguments split anywhere.

use super::model::{FinishReason, ModelError, ModelEvent, ModelStream, ToolCall, Usage};
use async_openai::error::OpenAIError;
use async_openai::types::stream::StreamResponse;
use futures::StreamExt;
use serde::Deserialize;
use serde_json::Value;
use std::collections::VecDeque;
use std::time::Duration;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Chunk {
    choices: Option<Vec<ChunkChoice>>,
    usage: Option<WireUsage>,
    /// Some servers report a failure mid-stream as a chunk `{"error": {...}}`.
    error: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ChunkChoice {
    index: Option<u32>,
    delta: Option<Delta>,
    finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Delta {
    content: Option<String>,
    tool_calls: Option<Vec<ToolCallFragment>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ToolCallFragment {
    pub index: Option<u32>,
    pub id: Option<String>,
    pub function: Option<FunctionFragment>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct FunctionFragment {
    pub name: Option<String>,
    /// A string fragment; a few servers send the whole arguments as an object.
    pub arguments: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    total_tokens: Option<u64>,
}

#[derive(Debug, Default)]
struct PartialCall {
    index: u32,
    id: String,
    name: String,
    arguments: String,
}

/// Tool calls under construction, in order of first appearance.
#[derive(Debug, Default)]
pub(super) struct ToolCallAssembler {
    calls: Vec<PartialCall>,
}

impl ToolCallAssembler {
    pub fn push(&mut self, fragment: ToolCallFragment) {
        let slot = self.slot_for(&fragment);
        let call = &mut self.calls[slot];
        if let Some(id) = fragment.id.filter(|id| !id.is_empty()) {
            call.id = id;
        }
        let Some(function) = fragment.function else {
            return;
        };
        if let Some(name) = function.name.filter(|name| !name.is_empty()) {
            // Repeated in every chunk by some servers, split by a few: append only what is new.
            if name != call.name {
                call.name.push_str(&name);
            }
        }
        match function.arguments {
            Some(Value::String(fragment)) => call.arguments.push_str(&fragment),
            Some(Value::Null) | None => {}
            Some(whole) => call.arguments.push_str(&whole.to_string()),
        }
    }

    fn slot_for(&mut self, fragment: &ToolCallFragment) -> usize {
        let id = fragment.id.as_deref().filter(|id| !id.is_empty());
        let known = |calls: &[PartialCall], id: &str| calls.iter().position(|c| c.id == id);
        let slot = match (fragment.index, id) {
            // A new id under a reused index is a new call (servers that send every call as
            // index 0, each complete in one chunk).
            (Some(index), id) => self
                .calls
                .iter()
                .rposition(|c| c.index == index)
                .filter(|&pos| match id {
                    Some(id) => self.calls[pos].id.is_empty() || self.calls[pos].id == id,
                    None => true,
                }),
            (None, Some(id)) => known(&self.calls, id),
            (None, None) => self.calls.len().checked_sub(1),
        };
        slot.unwrap_or_else(|| {
            let index = fragment
                .index
                .unwrap_or_else(|| self.calls.iter().map(|c| c.index + 1).max().unwrap_or(0));
            self.calls.push(PartialCall {
                index,
                ..PartialCall::default()
            });
            self.calls.len() - 1
        })
    }

    /// The complete calls, by index (stable, so reused indices keep arrival order).
    pub fn finish(&mut self) -> Vec<ToolCall> {
        let mut calls = std::mem::take(&mut self.calls);
        calls.sort_by_key(|c| c.index);
        calls
            .into_iter()
            .enumerate()
            .map(|(n, c)| ToolCall {
                id: if c.id.is_empty() {
                    format!("call_{n}")
                } else {
                    c.id
                },
                name: c.name,
                arguments: c.arguments,
            })
            .collect()
    }
}

struct Reader {
    chunks: StreamResponse<Chunk>,
    idle_timeout: Duration,
    assembler: ToolCallAssembler,
    finish: Option<FinishReason>,
    queue: VecDeque<Result<ModelEvent, ModelError>>,
    done: bool,
}

/// The events of one streamed completion. A stream that ends without a `finish_reason` is
/// reported as interrupted: async-openai consumes `[DONE]`, so a clean end and a connection
/// closed early look alike, and every server we know sends a finish reason.
pub(super) fn events(chunks: StreamResponse<Chunk>, idle_timeout: Duration) -> ModelStream {
    let reader = Reader {
        chunks,
        idle_timeout,
        assembler: ToolCallAssembler::default(),
        finish: None,
        queue: VecDeque::new(),
        done: false,
    };
    futures::stream::unfold(reader, |mut reader| async move {
        reader.next_event().await.map(|event| (event, reader))
    })
    .boxed()
}

impl Reader {
    async fn next_event(&mut self) -> Option<Result<ModelEvent, ModelError>> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Some(event);
            }
            if self.done {
                return None;
            }
            match tokio::time::timeout(self.idle_timeout, self.chunks.next()).await {
                Err(_) => {
                    return self.fail(ModelError::Interrupted(format!(
                        "no data for {}s",
                        self.idle_timeout.as_secs()
                    )))
                }
                Ok(Some(Ok(chunk))) => {
                    if let Err(error) = self.absorb(chunk) {
                        return self.fail(error);
                    }
                }
                Ok(Some(Err(error))) => return self.fail(stream_error(error)),
                Ok(None) => {
                    self.done = true;
                    let Some(reason) = self.finish.take() else {
                        return Some(Err(ModelError::Interrupted(
                            "the stream ended before the model finished".into(),
                        )));
                    };
                    for call in self.assembler.finish() {
                        self.queue.push_back(Ok(ModelEvent::ToolCall(call)));
                    }
                    self.queue.push_back(Ok(ModelEvent::Finish(reason)));
                }
            }
        }
    }

    fn fail(&mut self, error: ModelError) -> Option<Result<ModelEvent, ModelError>> {
        self.done = true;
        self.queue.clear();
        Some(Err(error))
    }

    fn absorb(&mut self, chunk: Chunk) -> Result<(), ModelError> {
        if let Some(error) = chunk.error {
            return Err(ModelError::Interrupted(format!(
                "the server reported an error: {}",
                error_text(&error)
            )));
        }
        // We ask for one choice; a server that sends more gets its first one used.
        for choice in chunk.choices.unwrap_or_default() {
            if choice.index.unwrap_or(0) != 0 {
                continue;
            }
            if let Some(delta) = choice.delta {
                if let Some(text) = delta.content.filter(|t| !t.is_empty()) {
                    self.queue.push_back(Ok(ModelEvent::TextDelta(text)));
                }
                for fragment in delta.tool_calls.unwrap_or_default() {
                    self.assembler.push(fragment);
                }
            }
            if let Some(reason) = choice.finish_reason.filter(|r| !r.is_empty()) {
                self.finish = Some(FinishReason::parse(&reason));
            }
        }
        if let Some(usage) = chunk.usage {
            self.queue.push_back(Ok(ModelEvent::Usage(Usage {
                prompt_tokens: usage.prompt_tokens.unwrap_or(0),
                completion_tokens: usage.completion_tokens.unwrap_or(0),
                total_tokens: usage.total_tokens.unwrap_or(0),
            })));
        }
        Ok(())
    }
}

fn stream_error(error: OpenAIError) -> ModelError {
    match error {
        OpenAIError::JSONDeserialize(e, content) => ModelError::Malformed(format!(
            "{e} in {:?}",
            content.chars().take(200).collect::<String>()
        )),
        other => ModelError::Interrupted(other.to_string()),
    }
}

/// The message of an error object in any of the shapes servers use.
pub(super) fn error_text(error: &Value) -> String {
    let text = match error {
        Value::String(s) => s.clone(),
        Value::Object(map) => map
            .get("message")
            .or_else(|| map.get("detail"))
            .or_else(|| map.get("error"))
            .map(|m| match m {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_else(|| error.to_string()),
        other => other.to_string(),
    };
    text.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fragment(value: Value) -> ToolCallFragment {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn rebuilds_calls_sent_with_every_server_habit() {
        let mut a = ToolCallAssembler::default();
        // OpenAI: id and name once, then argument fragments; a second call by index.
        a.push(fragment(json!({"index": 0, "id": "c1", "type": "function", "function": {"name": "echo", "arguments": ""}})));
        a.push(fragment(
            json!({"index": 1, "id": "c2", "function": {"name": "echo", "arguments": "{\"te"}}),
        ));
        a.push(fragment(
            json!({"index": 0, "function": {"arguments": "{\"text\":"}}),
        ));
        a.push(fragment(
            json!({"index": 1, "function": {"arguments": "xt\":\"b\"}"}}),
        ));
        a.push(fragment(
            json!({"index": 0, "function": {"arguments": "\"a\"}"}}),
        ));
        let calls = a.finish();
        assert_eq!(calls.len(), 2);
        assert_eq!(
            (calls[0].id.as_str(), calls[0].arguments.as_str()),
            ("c1", "{\"text\":\"a\"}")
        );
        assert_eq!(
            (calls[1].id.as_str(), calls[1].arguments.as_str()),
            ("c2", "{\"text\":\"b\"}")
        );

        // id and name repeated in every chunk.
        let mut a = ToolCallAssembler::default();
        for part in ["{\"x\"", ":1}"] {
            a.push(fragment(
                json!({"index": 0, "id": "c9", "function": {"name": "echo", "arguments": part}}),
            ));
        }
        assert_eq!(
            a.finish(),
            vec![ToolCall {
                id: "c9".into(),
                name: "echo".into(),
                arguments: "{\"x\":1}".into()
            }]
        );

        // Every call as index 0, complete, with its own id; no index at all; object arguments.
        let mut a = ToolCallAssembler::default();
        a.push(fragment(
            json!({"index": 0, "id": "a", "function": {"name": "one", "arguments": "{}"}}),
        ));
        a.push(fragment(
            json!({"index": 0, "id": "b", "function": {"name": "two", "arguments": {"k": 1}}}),
        ));
        a.push(fragment(
            json!({"id": "c", "function": {"name": "three", "arguments": "{"}}),
        ));
        a.push(fragment(json!({"function": {"arguments": "}"}})));
        let calls = a.finish();
        let names: Vec<_> = calls.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["one", "two", "three"]);
        assert_eq!(calls[1].arguments, "{\"k\":1}");
        assert_eq!(calls[2].arguments, "{}");
    }

    #[test]
    fn arguments_split_at_any_position_reassemble() {
        let args = r#"{"text":"a \"quoted\" ✓ value"}"#;
        for (cut, _) in args.char_indices().skip(1) {
            let mut a = ToolCallAssembler::default();
            a.push(fragment(
                json!({"index": 0, "id": "c", "function": {"name": "echo", "arguments": &args[..cut]}}),
            ));
            a.push(fragment(
                json!({"index": 0, "function": {"arguments": &args[cut..]}}),
            ));
            assert_eq!(a.finish()[0].arguments, args, "cut at {cut}");
        }
    }

    #[test]
    fn a_call_without_id_gets_one() {
        let mut a = ToolCallAssembler::default();
        a.push(fragment(
            json!({"index": 0, "function": {"name": "echo", "arguments": "{}"}}),
        ));
        assert_eq!(a.finish()[0].id, "call_0");
    }

    #[test]
    fn error_objects_in_any_shape_read_as_text() {
        assert_eq!(error_text(&json!({"message": "overloaded"})), "overloaded");
        assert_eq!(error_text(&json!("plain")), "plain");
        assert_eq!(error_text(&json!({"detail": "bad"})), "bad");
    }
}
