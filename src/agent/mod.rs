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
//! - context.rs: fitting each request into the model's context window (`agent.context_tokens`).

mod answer;
mod chunks;
mod context;
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
use crate::tools::{Services, ToolRegistry};
use std::sync::Arc;

/// The agent for this configuration: the OpenAI-compatible model when an API key is set
/// (`config.llm`), the offline model otherwise. A configured model that cannot be built stops
/// start-up: a server whose every turn fails is worse than one that does not start.
pub fn build(
    config: &Config,
    services: Arc<Services>,
    tools: ToolRegistry,
) -> Result<Arc<dyn Responder>, ModelError> {
    let agent = &config.app.agent;
    let model: Arc<dyn ChatModel> = match &config.llm {
        Some(llm) => Arc::new(OpenAiModel::new(OpenAiSettings::from_config(llm, agent))?),
        None => Arc::new(OfflineModel::new(&tools)),
    };
    tracing::info!(model = %model.describe(), tools = tools.len(), context_tokens = agent.context_tokens, "agent ready");
    Ok(Arc::new(AgentResponder::new(model, tools, services, agent)))
}
