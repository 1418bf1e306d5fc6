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

use super::context::{self, ContextWindow, OfferedTools, Prompt};
use super::messages::{self, truncate};
use super::model::{
    ChatMessage, ChatModel, ChatRequest, ModelError, ModelEvent, ToolCall, ToolSpec,
};
use crate::config::AgentConfig;
use crate::engine::{AssistantStream, Responder, Turn, TurnError, TurnInput};
use crate::tools::{Services, ToolContext, ToolRegistry};
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
    services: Arc<Services>,
    instructions: String,
    /// The instructions without the tool guide, for small windows.
    compact_instructions: String,
    /// The tools as the model sees them (full and compact), built once and shared by every
    /// request: their JSON schemas are ~10 KB of JSON, and copying them per request cost every
    /// open stream that much memory and every round a serialization to estimate its size.
    specs: OfferedTools,
    compact_specs: OfferedTools,
    window: ContextWindow,
    temperature: f32,
    max_tool_rounds: u32,
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
        services: Arc<Services>,
        agent: &AgentConfig,
    ) -> Self {
        let specs: Vec<ToolSpec> = tools
            .iter()
            .map(|tool| ToolSpec {
                name: tool.name().to_owned(),
                description: tool.description().to_owned(),
                parameters: tool.parameters(),
            })
            .collect();
        AgentResponder {
            model,
            instructions: messages::with_tool_guide(&agent.instructions, &tools, false),
            compact_instructions: messages::with_tool_guide(&agent.instructions, &tools, true),
            compact_specs: OfferedTools::new(specs.iter().map(context::compact_tool).collect()),
            specs: OfferedTools::new(specs),
            window: ContextWindow {
                context_tokens: agent.context_tokens,
            },
            tools,
            services,
            temperature: agent.temperature,
            max_tool_rounds: agent.max_tool_rounds,
        }
    }

    /// Runs rounds until the model answers without tools; returns everything it said.
    /// `messages` is the history ending with the message being answered.
    async fn run_rounds(
        &self,
        turn: &mut Turn,
        mut messages: Vec<ChatMessage>,
    ) -> Result<String, TurnError> {
        let today = chrono::Utc::now().date_naive();
        let betting = &self.services.betting;
        let system = messages::system_prompt(&self.instructions, betting, today);
        let compact_system = messages::system_prompt(&self.compact_instructions, betting, today);
        let prompt = Prompt {
            system: &system,
            compact_system: &compact_system,
            tools: &self.specs,
            compact_tools: &self.compact_specs,
        };
        let current = messages.len().saturating_sub(1);
        let mut said = String::new();
        let mut tools_ran = false;
        for round in 0..=self.max_tool_rounds {
            let offer_tools = round < self.max_tool_rounds;
            let request = self
                .window
                .fit(&prompt, &messages, current, offer_tools, self.temperature)
                .map_err(|overflow| self.context_failure(&overflow.to_string()))?;
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
        let started = std::time::Instant::now();
        let mut events = self
            .model
            .stream(request)
            .await
            .map_err(|e| self.model_failure(e))?;
        metrics::histogram!("pl_model_request_duration_seconds")
            .record(started.elapsed().as_secs_f64());
        let mut message: Option<AssistantStream> = None;
        let mut text = String::new();
        let mut calls = Vec::new();
        while let Some(event) = events.next().await {
            match event.map_err(|e| self.model_failure(e))? {
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
        let started = std::time::Instant::now();
        // Only registered names become labels: a model inventing names cannot grow the set.
        let mut label = "unknown";
        let result = match self.tools.get(&call.name) {
            Some(tool) => {
                label = tool.name();
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
        let ok = result.get("error").is_none();
        metrics::histogram!("pl_tool_duration_seconds", "tool" => label)
            .record(started.elapsed().as_secs_f64());
        metrics::counter!("pl_tool_calls_total", "tool" => label, "outcome" => if ok { "ok" } else { "error" })
            .increment(1);
        tracing::info!(tool = %call.name, ok, "tool ran");
        turn.add_hidden_context(json!({
            "tool_call": {"id": call.id, "name": call.name, "arguments": call.arguments},
            "result": truncate(&content, REMEMBERED_RESULT_CHARS),
        }));
        content
    }

    fn model_failure(&self, error: ModelError) -> TurnError {
        metrics::counter!("pl_model_errors_total", "kind" => error.kind()).increment(1);
        if let ModelError::ContextExceeded(detail) = &error {
            return self.context_failure(detail);
        }
        tracing::warn!(%error, "model request failed");
        TurnError::Custom {
            message: error.user_message(),
            allow_retry: error.allows_retry(),
        }
    }

    /// The conversation does not fit the window, by our estimate or by the server's count.
    fn context_failure(&self, detail: &str) -> TurnError {
        tracing::warn!(
            detail,
            context_tokens = self.window.context_tokens,
            "request does not fit the model's context window"
        );
        TurnError::Custom {
            message: context_message(self.window.context_tokens),
            allow_retry: false,
        }
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
            tools: Arc::from([]),
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

/// What the user reads when the conversation does not fit: what to do now, and the setting an
/// administrator must match to the model.
pub(super) fn context_message(context_tokens: usize) -> String {
    format!(
        "This conversation is too long for the AI model's context window ({context_tokens} tokens, \
         set by `context_tokens` in the `[agent]` section of Leptos.toml). Start a new thread or \
         shorten your message; if the model can read more, ask the administrator to set \
         `context_tokens` to its real context size."
    )
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
        let conversation = messages::history(turn, current).await?;

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
