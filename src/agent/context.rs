//! Fitting each model request into the model's context window (`[agent] context_tokens`).
//!
//! Small local models (llama.cpp, Ollama) run with 2,048–8,192 tokens of context; the full
//! system prompt and tool schemas alone can exceed that, and the server then refuses every turn.
//! So each round's request is built to fit, in this order of sacrifice:
//! 1. the full request, when it fits;
//! 2. the compact prompt: each tool's guide line and description cut to its first sentence,
//!    argument descriptions dropped from the schemas;
//! 3. the oldest history, dropped message by message (never the message being answered);
//! 4. this turn's tool results, cut to share what is left.
//!
//! If even that does not fit, the turn fails with a message that names the setting.
//!
//! Tokens are estimated, not counted: tokenizers differ per model and none is available
//! offline. One token per three bytes overestimates English (≈4 bytes per token) and JSON for
//! both the GPT and the Llama families, so an estimate that fits fits the real count.

use super::model::{ChatMessage, ChatRequest, ToolSpec};
use serde_json::Value;
use std::sync::Arc;

/// Bytes per token assumed by the estimate (conservative; see the module docs).
const BYTES_PER_TOKEN: usize = 3;
/// Role markers and separators a chat template adds around each message.
const MESSAGE_OVERHEAD: usize = 6;
/// The wrapper a server adds around each tool definition.
const TOOL_OVERHEAD: usize = 12;
/// The shortest a tool result is cut to before the request is given up.
const MIN_RESULT_BYTES: usize = 200;

/// The estimated tokens of `text`.
pub fn estimate(text: &str) -> usize {
    text.len().div_ceil(BYTES_PER_TOKEN)
}

fn message_tokens(message: &ChatMessage) -> usize {
    MESSAGE_OVERHEAD
        + match message {
            ChatMessage::System(text) | ChatMessage::User(text) | ChatMessage::Context(text) => {
                estimate(text)
            }
            ChatMessage::Assistant { text, tool_calls } => {
                estimate(text)
                    + tool_calls
                        .iter()
                        .map(|c| {
                            MESSAGE_OVERHEAD
                                + estimate(&c.id)
                                + estimate(&c.name)
                                + estimate(&c.arguments)
                        })
                        .sum::<usize>()
            }
            ChatMessage::Tool { call_id, content } => estimate(call_id) + estimate(content),
        }
}

fn tool_tokens(tool: &ToolSpec) -> usize {
    TOOL_OVERHEAD
        + estimate(&tool.name)
        + estimate(&tool.description)
        + estimate(&tool.parameters.to_string())
}

/// The estimated tokens of a set of tools (serializes their schemas: compute it once).
pub fn tools_tokens(tools: &[ToolSpec]) -> usize {
    tools.iter().map(tool_tokens).sum()
}

fn messages_tokens(messages: &[ChatMessage]) -> usize {
    messages.iter().map(message_tokens).sum()
}

/// The estimated prompt tokens of a request.
pub fn request_tokens(request: &ChatRequest) -> usize {
    messages_tokens(&request.messages) + tools_tokens(&request.tools)
}

/// The first sentence of `text` (through its first ". "), or all of it.
fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(end) => &text[..=end],
        None => text,
    }
}

/// The tool as offered when space is short: the first sentence of its description, and a
/// schema reduced to its contract: `$ref`s inlined, prose (descriptions, titles, examples,
/// defaults, formats) dropped, and "X or null" written as X (an optional field is one the
/// model may leave out, which `required` already says).
pub fn compact_tool(tool: &ToolSpec) -> ToolSpec {
    let mut parameters = tool.parameters.clone();
    let defs = match &mut parameters {
        Value::Object(root) => root.remove("$defs").or_else(|| root.remove("definitions")),
        _ => None,
    }
    .unwrap_or(Value::Null);
    reduce(&mut parameters, &defs, false, 0);
    ToolSpec {
        name: tool.name.clone(),
        description: first_sentence(&tool.description).to_owned(),
        parameters,
    }
}

/// `named`: `value` maps names to schemas (`properties`), so its keys are names, not
/// keywords — a property called "description" survives. `depth` stops a recursive `$ref`.
fn reduce(value: &mut Value, defs: &Value, named: bool, depth: usize) {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            items
                .iter_mut()
                .for_each(|item| reduce(item, defs, false, depth));
        }
        return;
    };
    if named {
        map.values_mut()
            .for_each(|child| reduce(child, defs, false, depth));
        return;
    }
    // "X or null" → X.
    if let Some(Value::Array(options)) = map.get("anyOf") {
        let null = Value::from("null");
        let mut not_null = options.iter().filter(|o| o.get("type") != Some(&null));
        if let (2, Some(Value::Object(only)), None) =
            (options.len(), not_null.next(), not_null.next())
        {
            let only = only.clone();
            map.remove("anyOf");
            map.extend(only);
        }
    }
    let target = map
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
        .and_then(|name| defs.get(name));
    if let Some(target) = target.filter(|_| depth < 8) {
        *value = target.clone();
        return reduce(value, defs, false, depth + 1);
    }
    for key in [
        "description",
        "title",
        "examples",
        "default",
        "$schema",
        "format",
    ] {
        map.remove(key);
    }
    if let Some(Value::Array(types)) = map.get("type") {
        let mut not_null = types.iter().filter(|t| *t != "null");
        if let (Some(only), None) = (not_null.next(), not_null.next()) {
            let only = only.clone();
            map.insert("type".into(), only);
        }
    }
    for (key, child) in map.iter_mut() {
        let names = matches!(key.as_str(), "properties" | "patternProperties");
        reduce(child, defs, names, depth);
    }
}

/// A request that does not fit even after every cut.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the request needs about {needed} tokens; the context window allows {allowed} (agent.context_tokens = {context_tokens})")]
pub struct ContextOverflow {
    pub context_tokens: usize,
    /// The prompt budget: the window minus what is kept free for the answer.
    pub allowed: usize,
    /// The smallest request that could be built.
    pub needed: usize,
}

/// The model's context window and how it is shared between prompt and answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContextWindow {
    pub context_tokens: usize,
}

/// The two versions of the system prompt and tools a round may be sent with.
pub struct Prompt<'a> {
    pub system: &'a str,
    pub compact_system: &'a str,
    pub tools: &'a OfferedTools,
    pub compact_tools: &'a OfferedTools,
}

/// Tools as offered to the model, shared by every request, with their estimated size.
#[derive(Clone, Debug)]
pub struct OfferedTools {
    pub specs: Arc<[ToolSpec]>,
    pub tokens: usize,
}

impl OfferedTools {
    pub fn new(specs: Vec<ToolSpec>) -> Self {
        OfferedTools {
            tokens: tools_tokens(&specs),
            specs: specs.into(),
        }
    }
}

impl ContextWindow {
    /// Tokens kept free for the answer: a quarter of the window, at most 2,048.
    pub fn answer_reserve(&self) -> usize {
        (self.context_tokens / 4).min(2048)
    }

    /// The prompt budget.
    pub fn prompt_budget(&self) -> usize {
        self.context_tokens - self.answer_reserve()
    }

    /// The request for one round: `conversation` is the history followed by this turn's
    /// messages; `current` is the index of the message being answered (kept whatever happens;
    /// this turn's tool results come after it). `offer_tools` is false on the last round.
    pub fn fit(
        &self,
        prompt: &Prompt<'_>,
        conversation: &[ChatMessage],
        current: usize,
        offer_tools: bool,
        temperature: f32,
    ) -> Result<ChatRequest, ContextOverflow> {
        let budget = self.prompt_budget();
        let build = |system: &str, tools: &OfferedTools, messages: &[ChatMessage]| {
            let request = ChatRequest {
                messages: std::iter::once(ChatMessage::System(system.to_owned()))
                    .chain(messages.iter().cloned())
                    .collect(),
                tools: if offer_tools {
                    tools.specs.clone()
                } else {
                    Arc::from([])
                },
                temperature,
            };
            let tokens =
                messages_tokens(&request.messages) + if offer_tools { tools.tokens } else { 0 };
            (request, tokens)
        };
        let (full, tokens) = build(prompt.system, prompt.tools, conversation);
        if tokens <= budget {
            return Ok(full);
        }
        tracing::debug!(budget, "request over the context budget; compacting");
        let (mut request, mut total) =
            build(prompt.compact_system, prompt.compact_tools, conversation);
        // messages[0] is the system prompt; the current message sits at current + 1.
        let mut current = current.min(conversation.len().saturating_sub(1)) + 1;
        while total > budget && current > 1 {
            total -= message_tokens(&request.messages.remove(1));
            current -= 1;
            // A tool result whose call was dropped would be an orphan the server refuses.
            while current > 1 && matches!(request.messages[1], ChatMessage::Tool { .. }) {
                total -= message_tokens(&request.messages.remove(1));
                current -= 1;
            }
        }
        if total > budget {
            shrink_tool_results(&mut request.messages[current..], total - budget);
            total = request_tokens(&request);
        }
        if total > budget {
            return Err(ContextOverflow {
                context_tokens: self.context_tokens,
                allowed: budget,
                needed: total,
            });
        }
        Ok(request)
    }
}

/// Cuts the tool results in `messages` (largest first) until about `excess` tokens are saved
/// or each is down to `MIN_RESULT_BYTES`.
fn shrink_tool_results(messages: &mut [ChatMessage], mut excess: usize) {
    let mut results: Vec<&mut String> = messages
        .iter_mut()
        .filter_map(|m| match m {
            ChatMessage::Tool { content, .. } => Some(content),
            _ => None,
        })
        .collect();
    results.sort_by_key(|content| std::cmp::Reverse(content.len()));
    for content in results {
        if excess == 0 {
            break;
        }
        let before = estimate(content);
        let keep = (before.saturating_sub(excess) * BYTES_PER_TOKEN).max(MIN_RESULT_BYTES);
        cut_to_bytes(content, keep);
        excess = excess.saturating_sub(before - estimate(content));
    }
}

/// Cuts `text` to at most `max` bytes (at a character boundary), ending in "…" when cut.
fn cut_to_bytes(text: &mut String, max: usize) {
    const ELLIPSIS: char = '…';
    if text.len() <= max {
        return;
    }
    let mut at = max.saturating_sub(ELLIPSIS.len_utf8());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text.truncate(at);
    text.push(ELLIPSIS);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::model::ToolCall;
    use serde_json::json;

    fn tool(description: &str) -> ToolSpec {
        ToolSpec {
            name: "get_odds".into(),
            description: description.into(),
            parameters: json!({
                "type": "object",
                "properties": {
                    "sport": {"type": "string", "description": "The league, e.g. NBA.", "enum": ["nba", "nfl"]},
                    "description": {"type": "string", "description": "A property named description."}
                },
                "required": ["sport"]
            }),
        }
    }

    struct TestPrompt {
        tools: OfferedTools,
        compact: OfferedTools,
    }

    impl TestPrompt {
        fn get(&self) -> Prompt<'_> {
            Prompt {
                system: "You are Professor Lock. Use the tools for every number.",
                compact_system: "You are Professor Lock.",
                tools: &self.tools,
                compact_tools: &self.compact,
            }
        }
    }

    fn prompt(tools: &[ToolSpec], compact: &[ToolSpec]) -> TestPrompt {
        TestPrompt {
            tools: OfferedTools::new(tools.to_vec()),
            compact: OfferedTools::new(compact.to_vec()),
        }
    }

    fn user(n: usize) -> ChatMessage {
        ChatMessage::User(format!("question {n}: {}", "x".repeat(300)))
    }

    #[test]
    fn the_estimate_rounds_up_at_three_bytes_a_token() {
        assert_eq!(estimate(""), 0);
        assert_eq!(estimate("abc"), 1);
        assert_eq!(estimate("abcd"), 2);
        // Multi-byte text costs more, as it does in real tokenizers.
        assert_eq!(estimate("é"), 1);
        assert_eq!(estimate("ééé"), 2);
    }

    #[test]
    fn compact_tools_keep_the_contract_and_drop_the_prose() {
        let compact = compact_tool(&tool("Show the odds board. Use it for any price question."));
        assert_eq!(compact.description, "Show the odds board.");
        assert_eq!(
            compact.parameters,
            json!({
                "type": "object",
                "properties": {
                    "sport": {"type": "string", "enum": ["nba", "nfl"]},
                    "description": {"type": "string"}
                },
                "required": ["sport"]
            })
        );
    }

    #[test]
    fn compact_schemas_inline_references_and_drop_null_alternatives() {
        let schema = json!({
            "$defs": {"SportArg": {"enum": ["nba", "nfl"], "type": "string", "description": "League."}},
            "properties": {
                "sport": {"anyOf": [{"$ref": "#/$defs/SportArg"}, {"type": "null"}]},
                "legs_count": {"format": "int64", "type": ["integer", "null"], "default": 3},
                "legs": {"type": ["array", "null"], "items": {"$ref": "#/$defs/SportArg"}}
            },
            "type": "object"
        });
        let compact = compact_tool(&ToolSpec {
            name: "t".into(),
            description: "T.".into(),
            parameters: schema,
        });
        assert_eq!(
            compact.parameters,
            json!({
                "properties": {
                    "sport": {"enum": ["nba", "nfl"], "type": "string"},
                    "legs_count": {"type": "integer"},
                    "legs": {"type": "array", "items": {"enum": ["nba", "nfl"], "type": "string"}}
                },
                "type": "object"
            })
        );
    }

    #[test]
    fn a_request_that_fits_is_sent_whole() {
        let tools = [tool("Show the odds board. More words here.")];
        let compact = tools.iter().map(compact_tool).collect::<Vec<_>>();
        let conversation = vec![user(1), user(2)];
        let window = ContextWindow {
            context_tokens: 128_000,
        };
        let request = window
            .fit(&prompt(&tools, &compact).get(), &conversation, 1, true, 0.3)
            .unwrap();
        assert_eq!(request.messages.len(), 3);
        assert_eq!(&*request.tools, &tools[..]);
        assert!(
            matches!(&request.messages[0], ChatMessage::System(s) if s.contains("every number"))
        );
    }

    #[test]
    fn a_small_window_gets_the_compact_prompt_and_the_newest_history() {
        let tools = [tool(&format!(
            "Show the odds board. {}",
            "detail ".repeat(200)
        ))];
        let compact = tools.iter().map(compact_tool).collect::<Vec<_>>();
        let conversation: Vec<ChatMessage> = (0..40).map(user).collect();
        let window = ContextWindow {
            context_tokens: 2048,
        };
        let request = window
            .fit(
                &prompt(&tools, &compact).get(),
                &conversation,
                39,
                true,
                0.3,
            )
            .unwrap();
        assert!(request_tokens(&request) <= window.prompt_budget());
        assert_eq!(&*request.tools, &compact[..]);
        assert_eq!(
            request.messages[0],
            ChatMessage::System("You are Professor Lock.".into())
        );
        // The newest messages, ending with the one being answered.
        assert_eq!(request.messages.last(), Some(&user(39)));
        assert!(request.messages.len() > 2 && request.messages.len() < 41);
        assert_eq!(
            request.messages[1..],
            conversation[conversation.len() + 1 - request.messages.len()..]
        );
    }

    #[test]
    fn dropping_history_never_leaves_an_orphaned_tool_result() {
        let call = |id: &str| ChatMessage::Assistant {
            text: String::new(),
            tool_calls: vec![ToolCall {
                id: id.into(),
                name: "get_odds".into(),
                arguments: "{}".into(),
            }],
        };
        let result = |id: &str| ChatMessage::Tool {
            call_id: id.into(),
            content: "r".repeat(900),
        };
        let mut conversation = Vec::new();
        for n in 0..6 {
            let id = format!("c{n}");
            conversation.extend([user(n), call(&id), result(&id)]);
        }
        conversation.push(user(99));
        let current = conversation.len() - 1;
        let window = ContextWindow {
            context_tokens: 1600,
        };
        let request = window
            .fit(&prompt(&[], &[]).get(), &conversation, current, true, 0.3)
            .unwrap();
        assert!(
            !matches!(request.messages[1], ChatMessage::Tool { .. }),
            "{:?}",
            request.messages[1]
        );
        assert_eq!(request.messages.last(), Some(&user(99)));
    }

    #[test]
    fn this_turns_tool_results_are_cut_when_history_is_not_enough() {
        let conversation = vec![
            user(1),
            ChatMessage::Assistant {
                text: String::new(),
                tool_calls: vec![ToolCall {
                    id: "c".into(),
                    name: "get_odds".into(),
                    arguments: "{}".into(),
                }],
            },
            ChatMessage::Tool {
                call_id: "c".into(),
                content: "board ".repeat(2000),
            },
        ];
        let window = ContextWindow {
            context_tokens: 2048,
        };
        let request = window
            .fit(&prompt(&[], &[]).get(), &conversation, 0, true, 0.3)
            .unwrap();
        assert!(request_tokens(&request) <= window.prompt_budget());
        let ChatMessage::Tool { content, .. } = &request.messages[3] else {
            panic!()
        };
        assert!(content.starts_with("board board") && content.ends_with('…'));
        assert_eq!(request.messages[1], user(1));
    }

    #[test]
    fn a_message_too_long_for_the_window_names_the_setting() {
        let conversation = vec![ChatMessage::User("y".repeat(10_000))];
        let window = ContextWindow {
            context_tokens: 2048,
        };
        let error = window
            .fit(&prompt(&[], &[]).get(), &conversation, 0, true, 0.3)
            .unwrap_err();
        assert_eq!(error.context_tokens, 2048);
        assert_eq!(error.allowed, 1536);
        assert!(error.needed > 3000);
        assert!(error.to_string().contains("agent.context_tokens = 2048"));
    }

    #[test]
    fn the_last_round_offers_no_tools() {
        let tools = [tool("Show the odds board.")];
        let window = ContextWindow {
            context_tokens: 128_000,
        };
        let request = window
            .fit(&prompt(&tools, &tools).get(), &[user(1)], 0, false, 0.3)
            .unwrap();
        assert!(request.tools.is_empty());
    }
}
