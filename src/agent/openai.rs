//! The OpenAI-compatible model: streaming chat completions through async-openai against any
//! server that speaks the API (OpenAI, vLLM, llama.cpp, Ollama, a proxy).
//!
//! async-openai builds and sends the request (typed request, auth header, SSE parsing). Two of
//! its defaults are replaced: the transport is our own tower service, so an error status keeps
//! its code even when the body is not OpenAI's JSON (a proxy's HTML 429 would otherwise be a
//! "deserialize error"); and its built-in retry is not used, because ours adds jitter and stops
//! at the first streamed byte. Chunks are read with our own lenient types (`byot`, chunks.rs).

use super::chunks::{self, error_text, Chunk};
use super::model::{ChatMessage, ChatModel, ChatRequest, ModelError, ModelStream};
use crate::config::{AgentConfig, LlmConfig, Secret};
use async_openai::config::OpenAIConfig;
use async_openai::error::{ApiError, ApiErrorResponse, OpenAIError};
use async_openai::middleware::HttpRequestFactory;
use async_openai::types::chat::{
    ChatCompletionMessageToolCall, ChatCompletionMessageToolCalls,
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage,
    ChatCompletionRequestSystemMessage, ChatCompletionRequestToolMessage,
    ChatCompletionRequestUserMessage, ChatCompletionStreamOptions, FunctionCall,
};
use async_openai::types::stream::StreamResponse;
use async_openai::Client;
use async_trait::async_trait;
use futures::future::BoxFuture;
use std::task::{Context, Poll};
use std::time::Duration;

/// Where and how to reach the model.
#[derive(Clone, Debug)]
pub struct OpenAiSettings {
    /// e.g. `https://api.openai.com/v1`.
    pub base_url: String,
    pub api_key: Secret,
    pub model: String,
    /// The longest wait for the response to start, and between two chunks.
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
}

impl OpenAiSettings {
    /// `OPENAI_MODEL` wins over `agent.model` from Leptos.toml.
    pub fn from_config(llm: &LlmConfig, agent: &AgentConfig) -> Self {
        let request_timeout = Duration::from_secs(agent.request_timeout_secs.max(1));
        OpenAiSettings {
            base_url: llm.base_url.trim_end_matches('/').to_owned(),
            api_key: llm.api_key.clone(),
            model: llm.model.clone().unwrap_or_else(|| agent.model.clone()),
            request_timeout,
            connect_timeout: request_timeout.min(Duration::from_secs(10)),
            retry: RetryPolicy::default(),
        }
    }
}

/// Exponential backoff with jitter, for 429, 5xx and connect errors before anything streamed.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Attempts after the first.
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `attempt` (0-based): a random point in the upper half of
    /// `base * 2^attempt` (capped), so many clients rate-limited together spread out.
    pub fn delay(&self, attempt: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(self.max_delay);
        let half = ceiling / 2;
        let jitter_ms = rand::random_range(0..=half.as_millis() as u64);
        half + Duration::from_millis(jitter_ms)
    }
}

pub struct OpenAiModel {
    client: Client<OpenAIConfig>,
    model: String,
    base_url: String,
    request_timeout: Duration,
    retry: RetryPolicy,
}

impl OpenAiModel {
    pub fn new(settings: OpenAiSettings) -> Result<Self, ModelError> {
        let http = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .build()
            .map_err(|e| ModelError::Invalid(format!("HTTP client: {e}")))?;
        let config = OpenAIConfig::new()
            .with_api_base(settings.base_url.clone())
            .with_api_key(settings.api_key.expose());
        let client = Client::with_config(config).with_http_service(Transport { http });
        Ok(OpenAiModel {
            client,
            model: settings.model,
            base_url: settings.base_url,
            request_timeout: settings.request_timeout,
            retry: settings.retry,
        })
    }

    async fn open(&self, request: WireRequest<'_>) -> Result<ModelStream, Failure> {
        let started = tokio::time::timeout(
            self.request_timeout,
            self.client.chat().create_stream_byot(request),
        )
        .await;
        match started {
            Ok(Ok(chunks)) => {
                let chunks: StreamResponse<Chunk> = chunks;
                Ok(chunks::events(chunks, self.request_timeout))
            }
            Ok(Err(error)) => Err(classify(error)),
            Err(_) => Err(Failure {
                error: ModelError::Unreachable(format!(
                    "no response within {}s",
                    self.request_timeout.as_secs()
                )),
                retry: false,
            }),
        }
    }
}

struct Failure {
    error: ModelError,
    retry: bool,
}

fn classify(error: OpenAIError) -> Failure {
    match error {
        OpenAIError::ApiError(ApiErrorResponse {
            status_code,
            api_error,
        }) => {
            let status = status_code.as_u16();
            if is_context_error(&api_error) {
                return Failure {
                    error: ModelError::ContextExceeded(api_error.to_string()),
                    retry: false,
                };
            }
            // A 429 for an exhausted quota will not pass by waiting.
            let quota = [api_error.r#type.as_deref(), api_error.code.as_deref()]
                .contains(&Some("insufficient_quota"));
            Failure {
                retry: (status == 429 && !quota) || status >= 500,
                error: ModelError::Status {
                    status,
                    detail: api_error.to_string(),
                },
            }
        }
        OpenAIError::Reqwest(e) => Failure {
            retry: e.is_connect(),
            error: ModelError::Unreachable(e.to_string()),
        },
        OpenAIError::InvalidArgument(e) => Failure {
            error: ModelError::Invalid(e),
            retry: false,
        },
        other => Failure {
            error: ModelError::Malformed(other.to_string()),
            retry: false,
        },
    }
}

/// Whether the server refused the prompt as longer than its context window. Servers say it
/// differently: OpenAI `context_length_exceeded`, llama.cpp `exceed_context_size_error` ("the
/// request exceeds the available context size"), vLLM "maximum context length is N tokens".
fn is_context_error(error: &ApiError) -> bool {
    let code = [error.code.as_deref(), error.r#type.as_deref()];
    if code.contains(&Some("context_length_exceeded"))
        || code.contains(&Some("exceed_context_size_error"))
    {
        return true;
    }
    let message = error.message.to_lowercase();
    ["context length", "context size", "context window"]
        .iter()
        .any(|phrase| message.contains(phrase))
}

#[async_trait]
impl ChatModel for OpenAiModel {
    fn describe(&self) -> String {
        format!("{} via {}", self.model, self.base_url)
    }

    async fn stream(&self, request: ChatRequest) -> Result<ModelStream, ModelError> {
        let wire = wire_request(&self.model, &request);
        let mut attempt = 0;
        loop {
            match self.open(wire.clone()).await {
                Ok(stream) => return Ok(stream),
                Err(Failure { error, retry }) if retry && attempt < self.retry.max_retries => {
                    let delay = self.retry.delay(attempt);
                    attempt += 1;
                    tracing::warn!(%error, attempt, delay_ms = delay.as_millis() as u64, "model request failed; retrying");
                    tokio::time::sleep(delay).await;
                }
                Err(Failure { error, .. }) => return Err(error),
            }
        }
    }

    fn writes_titles(&self) -> bool {
        true
    }
}

/// The request on the wire, sent through async-openai's bring-your-own-type path so the
/// tools' schemas are serialized straight from the shared specs, never copied. Adjacent
/// messages of one role are merged: several local servers' chat templates insist on
/// alternating user and assistant turns.
#[derive(Clone, serde::Serialize)]
pub(super) struct WireRequest<'a> {
    model: &'a str,
    messages: Vec<ChatCompletionRequestMessage>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    tools: Vec<WireTool<'a>>,
    temperature: f32,
    stream: bool,
    stream_options: ChatCompletionStreamOptions,
}

/// `{"type": "function", "function": {name, description, parameters}}`, borrowed.
#[derive(Clone, serde::Serialize)]
struct WireTool<'a> {
    r#type: &'static str,
    function: WireFunction<'a>,
}

#[derive(Clone, serde::Serialize)]
struct WireFunction<'a> {
    name: &'a str,
    description: &'a str,
    parameters: &'a serde_json::Value,
}

pub(super) fn wire_request<'a>(model: &'a str, request: &'a ChatRequest) -> WireRequest<'a> {
    WireRequest {
        model,
        messages: merge(&request.messages)
            .into_iter()
            .map(wire_message)
            .collect(),
        tools: request
            .tools
            .iter()
            .map(|tool| WireTool {
                r#type: "function",
                function: WireFunction {
                    name: &tool.name,
                    description: &tool.description,
                    parameters: &tool.parameters,
                },
            })
            .collect(),
        temperature: request.temperature,
        stream: true,
        stream_options: ChatCompletionStreamOptions {
            include_usage: Some(true),
            include_obfuscation: None,
        },
    }
}

fn merge(messages: &[ChatMessage]) -> Vec<ChatMessage> {
    let mut out: Vec<ChatMessage> = Vec::with_capacity(messages.len());
    for message in messages {
        let message = match message {
            ChatMessage::Context(note) => ChatMessage::User(format!("[Context] {note}")),
            other => other.clone(),
        };
        match (out.last_mut(), message) {
            (Some(ChatMessage::User(previous)), ChatMessage::User(text)) => {
                previous.push_str("\n\n");
                previous.push_str(&text);
            }
            // Text then tool calls of the same step read as one assistant message; after tool
            // calls only their results may follow.
            (
                Some(ChatMessage::Assistant {
                    text: previous,
                    tool_calls: previous_calls,
                }),
                ChatMessage::Assistant { text, tool_calls },
            ) if previous_calls.is_empty() => {
                if !previous.is_empty() && !text.is_empty() {
                    previous.push_str("\n\n");
                }
                previous.push_str(&text);
                *previous_calls = tool_calls;
            }
            (_, message) => out.push(message),
        }
    }
    out
}

fn wire_message(message: ChatMessage) -> ChatCompletionRequestMessage {
    match message {
        ChatMessage::System(text) => {
            ChatCompletionRequestMessage::System(ChatCompletionRequestSystemMessage::from(text))
        }
        ChatMessage::User(text) | ChatMessage::Context(text) => {
            ChatCompletionRequestMessage::User(ChatCompletionRequestUserMessage::from(text))
        }
        ChatMessage::Assistant { text, tool_calls } => {
            let tool_calls = tool_calls
                .into_iter()
                .map(|call| {
                    ChatCompletionMessageToolCalls::Function(ChatCompletionMessageToolCall {
                        id: call.id,
                        function: FunctionCall {
                            name: call.name,
                            arguments: call.arguments,
                        },
                    })
                })
                .collect::<Vec<_>>();
            ChatCompletionRequestMessage::Assistant(ChatCompletionRequestAssistantMessage {
                content: (!text.is_empty()).then(|| text.into()),
                tool_calls: (!tool_calls.is_empty()).then_some(tool_calls),
                ..Default::default()
            })
        }
        ChatMessage::Tool { call_id, content } => {
            ChatCompletionRequestMessage::Tool(ChatCompletionRequestToolMessage {
                content: content.into(),
                tool_call_id: call_id,
            })
        }
    }
}

/// Sends async-openai's requests with reqwest and turns every error status into an `ApiError`
/// carrying that status, whatever the body.
#[derive(Clone)]
struct Transport {
    http: reqwest::Client,
}

impl tower::Service<HttpRequestFactory> for Transport {
    type Response = reqwest::Response;
    type Error = OpenAIError;
    type Future = BoxFuture<'static, Result<reqwest::Response, OpenAIError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, factory: HttpRequestFactory) -> Self::Future {
        let http = self.http.clone();
        Box::pin(async move {
            let request = factory.build().await?;
            let response = http.execute(request).await?;
            let status = response.status();
            if status.is_success() {
                return Ok(response);
            }
            let body = response.bytes().await.unwrap_or_default();
            let message = match serde_json::from_slice::<serde_json::Value>(&body) {
                Ok(value) => error_text(value.get("error").unwrap_or(&value)),
                Err(_) => String::from_utf8_lossy(&body).chars().take(300).collect(),
            };
            let kind = |key: &str| {
                serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v.get("error")?.get(key)?.as_str().map(str::to_owned))
            };
            Err(OpenAIError::ApiError(ApiErrorResponse {
                status_code: status,
                api_error: ApiError {
                    message,
                    r#type: kind("type"),
                    param: None,
                    code: kind("code"),
                    misalignment: None,
                },
            }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::model::{ToolCall, ToolSpec};
    use serde_json::json;

    #[test]
    fn the_wire_request_streams_with_usage_and_merges_adjacent_roles() {
        let request = ChatRequest {
            messages: vec![
                ChatMessage::System("be brief".into()),
                ChatMessage::Context("the user stopped the answer".into()),
                ChatMessage::User("odds?".into()),
                ChatMessage::Assistant {
                    text: "Checking.".into(),
                    tool_calls: vec![],
                },
                ChatMessage::Assistant {
                    text: String::new(),
                    tool_calls: vec![ToolCall {
                        id: "c1".into(),
                        name: "echo".into(),
                        arguments: "{}".into(),
                    }],
                },
                ChatMessage::Tool {
                    call_id: "c1".into(),
                    content: "{\"ok\":true}".into(),
                },
            ],
            tools: vec![ToolSpec {
                name: "echo".into(),
                description: "Echoes.".into(),
                parameters: json!({"type": "object"}),
            }]
            .into(),
            temperature: 0.5,
        };
        let wire = serde_json::to_value(wire_request("m", &request)).unwrap();
        assert_eq!(
            wire,
            json!({
                "model": "m",
                "messages": [
                    {"role": "system", "content": "be brief"},
                    {"role": "user", "content": "[Context] the user stopped the answer\n\nodds?"},
                    {"role": "assistant", "content": "Checking.", "tool_calls": [
                        {"type": "function", "id": "c1", "function": {"name": "echo", "arguments": "{}"}}
                    ]},
                    {"role": "tool", "content": "{\"ok\":true}", "tool_call_id": "c1"}
                ],
                "tools": [{"type": "function", "function": {"name": "echo", "description": "Echoes.", "parameters": {"type": "object"}}}],
                "temperature": 0.5,
                "stream": true,
                "stream_options": {"include_usage": true}
            })
        );
    }

    #[test]
    fn backoff_grows_with_jitter_and_stays_capped() {
        let policy = RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(800),
        };
        for _ in 0..50 {
            let first = policy.delay(0);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = policy.delay(2);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            assert!(policy.delay(10) <= Duration::from_millis(800));
        }
    }
}
