//! The agent as the engine's `Responder`: a multi-round tool loop.
//!
//! Each round streams one model completion: its text becomes one assistant message (deltas as
//! they arrive, through `AssistantStream`), its tool calls run one after another through the
//! `ToolRegistry` (tools stream their own widgets and progress), and the results go back to the
//! model for the next round. After `max_tool_rounds` rounds with tools the model gets one more
//! round without them, so it has to answer.
//!
//! Failures: a model error ends the turn with one error event; text already streamed stays in
//! the pending assistant message, which the engine completes and saves. Cancelling drops this
//! future; the engine does the same with the partial text.

use super::messages::{self, truncate};
use super::model::{
    ChatMessage, ChatModel, ChatRequest, ModelError, ModelEvent, ToolCall, ToolSpec,
};
use crate::config::AgentConfig;
use crate::engine::{AssistantStream, Responder, Turn, TurnError, TurnInput};
use crate::tools::{ToolContext, ToolRegistry, ToolServices};
use async_trait::async_trait;
use futures::StreamExt;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// The most of one tool result the model reads in this turn.
const TOOL_RESULT_CHARS: usize = 16_000;
/// The most of it remembered for later turns (as hidden context).
const REMEMBERED_RESULT_CHARS: usize = 4_000;
const TITLE_TIMEOUT: Duration = Duration::from_secs(15);
const TITLE_CHARS: usize = 60;

pub struct AgentResponder {
    model: Arc<dyn ChatModel>,
    tools: ToolRegistry,
    /// The tools as the model sees them, built once: their JSON schemas are ~10 KB of JSON, and
    /// a turn that held its own copy for the whole answer made every open stream that bigger.
    specs: Arc<[ToolSpec]>,
    services: ToolServices,
    instructions: String,
    temperature: f32,
    max_tool_rounds: u32,
}

fn tool_specs(tools: &ToolRegistry) -> Arc<[ToolSpec]> {
    tools
        .iter()
        .map(|tool| ToolSpec {
            name: tool.name().to_owned(),
            description: tool.description().to_owned(),
            parameters: tool.parameters(),
        })
        .collect()
}

/// What one model round said and asked for.
struct Round {
    text: String,
    calls: Vec<ToolCall>,
}

impl AgentResponder {
    pub fn new(
        model: Arc<dyn ChatModel>,
        tools: ToolRegistry,
        services: ToolServices,
        agent: &AgentConfig,
    ) -> Self {
        AgentResponder {
            model,
            instructions: messages::with_tool_guide(&agent.instructions, &tools),
            specs: tool_specs(&tools),
            tools,
            services,
            temperature: agent.temperature,
            max_tool_rounds: agent.max_tool_rounds,
        }
    }

    /// Runs rounds until the model answers without tools; returns everything it said.
    async fn run_rounds(
        &self,
        turn: &mut Turn,
        mut messages: Vec<ChatMessage>,
    ) -> Result<String, TurnError> {
        let mut said = String::new();
        let mut tools_ran = false;
        for round in 0..=self.max_tool_rounds {
            let offer_tools = round < self.max_tool_rounds;
            let request = ChatRequest {
                messages: messages.clone(),
                // A copy for this request only, dropped once it is sent.
                tools: if offer_tools {
                    self.specs.to_vec()
                } else {
                    Vec::new()
                },
                temperature: self.temperature,
            };
            let Round { text, calls } = self.stream_round(turn, request).await?;
            if !text.is_empty() {
                if !said.is_empty() {
                    said.push_str("\n\n");
                }
                said.push_str(&text);
            }
            if calls.is_empty() {
                break;
            }
            if !offer_tools {
                tracing::warn!(
                    calls = calls.len(),
                    "the model called tools after the last tool round"
                );
                if said.is_empty() {
                    return Err(TurnError::Custom {
                        message: "This question needed more tool calls than one answer allows. Try asking something narrower.".into(),
                        allow_retry: true,
                    });
                }
                break;
            }
            messages.push(ChatMessage::Assistant {
                text,
                tool_calls: calls.clone(),
            });
            for call in calls {
                let content = self.run_tool(turn, &call).await;
                messages.push(ChatMessage::Tool {
                    call_id: call.id,
                    content,
                });
            }
            tools_ran = true;
        }
        if said.is_empty() && !tools_ran {
            return Err(TurnError::Custom {
                message: "The AI model returned an empty answer. Please try again.".into(),
                allow_retry: true,
            });
        }
        Ok(said)
    }

    /// Streams one completion: text into one assistant message, tool calls collected.
    async fn stream_round(
        &self,
        turn: &mut Turn,
        request: ChatRequest,
    ) -> Result<Round, TurnError> {
        let mut events = self.model.stream(request).await.map_err(model_failure)?;
        let mut message: Option<AssistantStream> = None;
        let mut text = String::new();
        let mut calls = Vec::new();
        while let Some(event) = events.next().await {
            match event.map_err(model_failure)? {
                ModelEvent::TextDelta(delta) => {
                    // Leading whitespace (often sent before a tool call) opens no message.
                    let delta = if message.is_none() {
                        delta.trim_start()
                    } else {
                        delta.as_str()
                    };
                    if delta.is_empty() {
                        continue;
                    }
                    let stream = message.get_or_insert_with(|| AssistantStream::start(turn));
                    stream.push(turn, delta);
                    text.push_str(delta);
                }
                ModelEvent::ToolCall(call) => calls.push(call),
                ModelEvent::Usage(usage) => tracing::debug!(
                    prompt_tokens = usage.prompt_tokens,
                    completion_tokens = usage.completion_tokens,
                    "model usage"
                ),
                ModelEvent::Finish(reason) => tracing::debug!(?reason, "model round finished"),
            }
        }
        if let Some(stream) = message {
            stream.finish(turn);
        }
        Ok(Round { text, calls })
    }

    /// Runs one call; never fails: problems become an error result the model can act on.
    async fn run_tool(&self, turn: &mut Turn, call: &ToolCall) -> String {
        let result = match self.tools.get(&call.name) {
            Some(tool) => {
                let mut ctx = ToolContext {
                    turn: &mut *turn,
                    services: &self.services,
                };
                tool.call(&mut ctx, &call.arguments).await
            }
            None => {
                let known = self.tools.iter().map(|t| t.name()).collect::<Vec<_>>();
                json!({"error": format!(
                    "There is no tool named {:?}. Available tools: {}.",
                    call.name,
                    known.join(", ")
                )})
            }
        };
        let content = truncate(&result.to_string(), TOOL_RESULT_CHARS);
        tracing::info!(tool = %call.name, ok = result.get("error").is_none(), "tool ran");
        turn.add_hidden_context(json!({
            "tool_call": {"id": call.id, "name": call.name, "arguments": call.arguments},
            "result": truncate(&content, REMEMBERED_RESULT_CHARS),
        }));
        content
    }

    /// A short title for a new thread, by the model; `None` leaves the engine's default.
    async fn propose_title(&self, question: &str, answer: &str) -> Option<String> {
        let request = ChatRequest {
            messages: vec![
                ChatMessage::System(
                    "Write a title of at most six words for this sports-betting conversation. \
                     Reply with the title only: no quotes, no final period."
                        .into(),
                ),
                ChatMessage::User(format!(
                    "Question: {}\n\nAnswer: {}",
                    truncate(question, 500),
                    truncate(answer, 500)
                )),
            ],
            tools: Vec::new(),
            temperature: 0.2,
        };
        let collect = async {
            let mut events = self.model.stream(request).await.ok()?;
            let mut title = String::new();
            while let Some(event) = events.next().await {
                match event.ok()? {
                    ModelEvent::TextDelta(delta) => title.push_str(&delta),
                    ModelEvent::ToolCall(_) => return None,
                    _ => {}
                }
            }
            Some(title)
        };
        let title = tokio::time::timeout(TITLE_TIMEOUT, collect).await.ok()??;
        clean_title(&title)
    }
}

fn model_failure(error: ModelError) -> TurnError {
    tracing::warn!(%error, "model request failed");
    TurnError::Custom {
        message: error.user_message(),
        allow_retry: error.allows_retry(),
    }
}

/// The first line, unquoted, without a final period, at most `TITLE_CHARS` characters.
fn clean_title(raw: &str) -> Option<String> {
    let line = raw.lines().map(str::trim).find(|l| !l.is_empty())?;
    let line = line
        .trim_start_matches(['"', '\'', '*', '#', ' '])
        .trim_end_matches(['"', '\'', '*', '.', ' ']);
    let line = line.strip_prefix("Title:").unwrap_or(line).trim();
    if line.is_empty() {
        return None;
    }
    Some(
        line.chars()
            .take(TITLE_CHARS)
            .collect::<String>()
            .trim_end()
            .to_owned(),
    )
}

#[async_trait]
impl Responder for AgentResponder {
    async fn respond(&self, turn: &mut Turn, input: TurnInput<'_>) -> Result<(), TurnError> {
        // The engine saves the user message through its write queue; wait for it so the
        // history includes it.
        turn.flush().await.map_err(TurnError::Internal)?;
        let current = match &input {
            TurnInput::Message(message) => Some(*message),
            TurnInput::Continue => None,
        };
        let today = chrono::Utc::now().date_naive();
        let mut conversation = vec![ChatMessage::System(messages::system_prompt(
            &self.instructions,
            &self.services.betting,
            today,
        ))];
        conversation.extend(messages::history(turn, current).await?);

        let first_turn = turn.thread().title.is_none() && current.is_some();
        let answer = self.run_rounds(turn, conversation).await?;

        if let (true, true, Some(question)) = (first_turn, self.model.writes_titles(), current) {
            if let Some(title) = self.propose_title(&question.text(), &answer).await {
                turn.set_title(title);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::clean_title;

    #[test]
    fn titles_are_cleaned() {
        assert_eq!(
            clean_title("\"Lakers Odds Tonight.\"\n").as_deref(),
            Some("Lakers Odds Tonight")
        );
        assert_eq!(
            clean_title("Title: NBA parlay").as_deref(),
            Some("NBA parlay")
        );
        assert_eq!(clean_title("  \n "), None);
    }
}
