//! The model seam: what the runner asks a chat model for (`ChatRequest`) and what streams back
//! (`ModelEvent`s). Both models — OpenAI-compatible and offline — implement `ChatModel`; the
//! runner knows nothing else about them.

use async_trait::async_trait;
use futures::stream::BoxStream;
use serde_json::Value;
use std::sync::Arc;

/// One message of the conversation the model sees.
#[derive(Clone, Debug, PartialEq)]
pub enum ChatMessage {
    /// Instructions and the context block.
    System(String),
    /// What the user typed.
    User(String),
    /// What the assistant said, and the tools it called in the same step.
    Assistant {
        text: String,
        tool_calls: Vec<ToolCall>,
    },
    /// A tool's result for the call with `call_id`.
    Tool { call_id: String, content: String },
    /// Context the user did not type (hidden context items, engine notes). Sent as a user-role
    /// note: many local servers' chat templates refuse system messages after the first.
    Context(String),
}

/// A complete tool call: `arguments` is the raw JSON text the model produced (possibly invalid;
/// the tool reports that back).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    pub arguments: String,
}

/// A tool as offered to the model.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    /// JSON schema of the arguments object.
    pub parameters: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChatRequest {
    pub messages: Vec<ChatMessage>,
    /// Empty when the model must answer in text (the tool-round limit was reached). Shared:
    /// the schemas are ~10 KB of JSON, built once per server, never copied per request.
    pub tools: Arc<[ToolSpec]>,
    pub temperature: f32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FinishReason {
    Stop,
    ToolCalls,
    Length,
    ContentFilter,
    Other(String),
}

impl FinishReason {
    pub fn parse(reason: &str) -> Self {
        match reason {
            "stop" | "end_turn" | "eos" => FinishReason::Stop,
            "tool_calls" | "function_call" | "tool_use" => FinishReason::ToolCalls,
            "length" | "max_tokens" => FinishReason::Length,
            "content_filter" => FinishReason::ContentFilter,
            other => FinishReason::Other(other.to_owned()),
        }
    }
}

/// What a model streams, in order: text deltas as they arrive, then each complete tool call,
/// usage when the server reports it, and one `Finish` last.
#[derive(Clone, Debug, PartialEq)]
pub enum ModelEvent {
    TextDelta(String),
    ToolCall(ToolCall),
    Usage(Usage),
    Finish(FinishReason),
}

/// Why a model request failed. `Display` is for logs; `user_message` is what the user sees.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The server answered the request with an error status (after any retries).
    #[error("model server answered HTTP {status}: {detail}")]
    Status { status: u16, detail: String },
    /// The server could not be reached or did not answer in time (after any retries).
    #[error("model server unreachable: {0}")]
    Unreachable(String),
    /// The stream broke after it started: connection cut, idle timeout, an error chunk.
    #[error("model stream interrupted: {0}")]
    Interrupted(String),
    /// The server sent something that is not a chat-completions chunk.
    #[error("model stream malformed: {0}")]
    Malformed(String),
    /// The server counted more tokens than its context window holds.
    #[error("model context window exceeded: {0}")]
    ContextExceeded(String),
    /// The request could not be built (a bug or bad configuration).
    #[error("model request invalid: {0}")]
    Invalid(String),
}

impl ModelError {
    pub fn user_message(&self) -> String {
        match self {
            ModelError::Status { status: 429, .. } => {
                "The AI model is busy right now (rate limited). Please try again in a moment.".into()
            }
            ModelError::Status { status: 401 | 403, .. } => {
                "The AI model refused this server's credentials. Ask the administrator to check the API key.".into()
            }
            ModelError::Status { status, .. } if *status >= 500 => {
                format!("The AI model's server had a problem (HTTP {status}). Please try again.")
            }
            ModelError::Status { status, .. } => {
                format!("The AI model could not take this request (HTTP {status}).")
            }
            ModelError::Unreachable(_) => {
                "The AI model could not be reached. Please try again.".into()
            }
            ModelError::Interrupted(_) | ModelError::Malformed(_) => {
                "The answer was interrupted. What arrived so far is kept; please try again.".into()
            }
            ModelError::Invalid(_) => "The AI model request could not be built.".into(),
            ModelError::ContextExceeded(_) => {
                "This conversation is too long for the AI model's context window. Start a new thread.".into()
            }
        }
    }

    /// A short, fixed name for the kind of failure (a metrics label).
    pub fn kind(&self) -> &'static str {
        match self {
            ModelError::Status { status: 429, .. } => "rate_limited",
            ModelError::Status { status, .. } if *status >= 500 => "server_error",
            ModelError::Status { .. } => "refused",
            ModelError::Unreachable(_) => "unreachable",
            ModelError::Interrupted(_) => "interrupted",
            ModelError::Malformed(_) => "malformed",
            ModelError::ContextExceeded(_) => "context_exceeded",
            ModelError::Invalid(_) => "invalid",
        }
    }

    /// Whether retrying the whole turn may help (shown as a retry button).
    pub fn allows_retry(&self) -> bool {
        match self {
            ModelError::Status { status, .. } => *status == 429 || *status >= 500 || *status == 408,
            ModelError::Unreachable(_) | ModelError::Interrupted(_) | ModelError::Malformed(_) => {
                true
            }
            ModelError::Invalid(_) | ModelError::ContextExceeded(_) => false,
        }
    }
}

pub type ModelStream = BoxStream<'static, Result<ModelEvent, ModelError>>;

#[async_trait]
pub trait ChatModel: Send + Sync + 'static {
    /// For logs ("gpt-4o via https://api.openai.com/v1", "offline").
    fn describe(&self) -> String;

    /// Starts one completion. Errors before the first event (after the model's own retries)
    /// come back here; errors after it come as the stream's last item.
    async fn stream(&self, request: ChatRequest) -> Result<ModelStream, ModelError>;

    /// Whether the runner should ask this model for a thread title after the first turn.
    fn writes_titles(&self) -> bool {
        false
    }
}
