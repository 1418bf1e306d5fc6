//! The agent: the engine's `Responder` for chat turns.
//!
//! Owns the `ChatModel` trait and its two models, the multi-round tool loop, the conversion of
//! thread items into model messages, and thread titles. Uses tools (through `ToolRegistry`),
//! the engine's `Turn` and the protocol types; knows nothing of HTTP or storage details.
//!
//! Files:
//! - model.rs: the `ChatModel` seam (`ChatRequest` in, `ModelEvent`s out).
//! - openai.rs: the OpenAI-compatible model on async-openai (transport, retries, request).
//! - chunks.rs: reading its chunk stream, rebuilding tool calls from fragments.
//! - offline.rs: the deterministic offline model; intent.rs picks its tool by the routes the
//!   tools declare (`tools::OfflineSkill`), answer.rs writes its answer with each tool's own
//!   writer.
//! - runner.rs: `AgentResponder`, the tool loop.
//! - messages.rs: system prompt and thread items → model messages.

mod answer;
mod chunks;
mod intent;
mod messages;
mod model;
mod offline;
mod openai;
mod runner;

#[cfg(test)]
mod tests;

pub use intent::{Intent, Skills};
pub use messages::{system_prompt, to_messages};
pub use model::{
    ChatMessage, ChatModel, ChatRequest, FinishReason, ModelError, ModelEvent, ModelStream,
    ToolCall, ToolSpec, Usage,
};
pub use offline::OfflineModel;
pub use openai::{OpenAiModel, OpenAiSettings, RetryPolicy};
pub use runner::AgentResponder;

use crate::config::Config;
use crate::engine::Responder;
use crate::tools::{ToolRegistry, ToolServices};
use async_trait::async_trait;
use std::sync::Arc;

/// The agent for this configuration: the OpenAI-compatible model when an API key is set
/// (`config.llm`), the offline model otherwise.
pub fn build(config: &Config, services: ToolServices, tools: ToolRegistry) -> Arc<dyn Responder> {
    let agent = &config.app.agent;
    let model: Arc<dyn ChatModel> = match &config.llm {
        Some(llm) => match OpenAiModel::new(OpenAiSettings::from_config(llm, agent)) {
            Ok(model) => Arc::new(model),
            // Not a silent fallback to offline answers: every turn says the model is broken.
            Err(error) => {
                tracing::error!(%error, "the OpenAI-compatible model could not be set up");
                Arc::new(Unusable(error.to_string()))
            }
        },
        None => Arc::new(OfflineModel::new(&tools)),
    };
    tracing::info!(model = %model.describe(), tools = tools.len(), "agent ready");
    Arc::new(AgentResponder::new(model, tools, services, agent))
}

/// A configured model that could not be built.
struct Unusable(String);

#[async_trait]
impl ChatModel for Unusable {
    fn describe(&self) -> String {
        format!("unusable: {}", self.0)
    }

    async fn stream(&self, _request: ChatRequest) -> Result<ModelStream, ModelError> {
        Err(ModelError::Invalid(self.0.clone()))
    }
}
