//! What the model reads: the system prompt (instructions from Leptos.toml plus a context block)
//! and the thread's items — hidden ones included — turned into chat messages.
//!
//! Tool calls are remembered between turns as hidden context items `{"tool_call": {id, name,
//! arguments}, "result": text}` (written by the runner); they come back here as the assistant's
//! tool call and its result, so a follow-up question can use earlier numbers.

use super::model::{ChatMessage, ToolCall};
use crate::config::{BettingConfig, OddsFormat};
use crate::engine::{Turn, TurnError};
use crate::protocol::{ThreadItem, UserMessageItem, WidgetItem};
use chrono::NaiveDate;
use serde_json::Value;

/// The most history messages sent (oldest dropped first); keeps long threads inside the
/// model's context window.
const MAX_HISTORY: usize = 60;
/// The longest widget summary the model sees.
const WIDGET_CHARS: usize = 400;

/// The instructions and a context block the model needs to answer this user today.
/// The persona's instructions followed by the tool guide: one line per registered tool, from
/// the tool's own `INSTRUCTIONS` (so a new tool explains itself without editing the persona).
/// `compact` leaves the guide out, for small context windows: each tool's own description
/// still says what it is for.
pub fn with_tool_guide(
    instructions: &str,
    tools: &crate::tools::ToolRegistry,
    compact: bool,
) -> String {
    let guide: Vec<String> = tools
        .iter()
        .filter(|t| !t.instructions().is_empty())
        .map(|t| format!("- {}: {}", t.name(), t.instructions()))
        .collect();
    if guide.is_empty() || compact {
        return instructions.to_owned();
    }
    format!(
        "{}\n\n## Tools\n{}",
        instructions.trim_end(),
        guide.join("\n")
    )
}

pub fn system_prompt(instructions: &str, betting: &BettingConfig, today: NaiveDate) -> String {
    let sports = betting
        .sports
        .iter()
        .map(|key| key.rsplit('_').next().unwrap_or(key).to_uppercase())
        .collect::<Vec<_>>()
        .join(", ");
    let format = match betting.odds_format {
        OddsFormat::American => "American (e.g. -110, +150)",
        OddsFormat::Decimal => "decimal (e.g. 1.91, 2.50)",
        OddsFormat::Fractional => "fractional (e.g. 10/11, 3/2)",
    };
    format!(
        "{instructions}\n\n## Context\n\
         - Today is {today} (UTC).\n\
         - The user reads odds in {format} format; quote prices that way.\n\
         - Stakes run from {min} to {max} per bet (default {default}); a parlay has at most {legs} legs. \
         Amounts in tool arguments are integer cents.\n\
         - Sports covered: {sports}.\n\
         - Data marked demo is fictional: say \"DEMO DATA\" whenever you quote it.",
        instructions = instructions.trim(),
        today = today.format("%A, %Y-%m-%d"),
        min = dollars(betting.min_stake_cents),
        max = dollars(betting.max_stake_cents),
        default = dollars(betting.default_stake_cents),
        legs = betting.max_legs,
    )
}

fn dollars(cents: i64) -> String {
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("${grouped}.{:02}", cents % 100)
}

/// The thread so far as chat messages, newest last. `current` is the message being answered:
/// appended if the store does not list it (it always should, after the turn's writes are
/// flushed). Stops reading once `MAX_HISTORY` messages are in hand.
pub async fn history(
    turn: &Turn,
    current: Option<&UserMessageItem>,
) -> Result<Vec<ChatMessage>, TurnError> {
    let mut messages = 0;
    let mut items = turn
        .history(|item| {
            let mut converted = Vec::new();
            convert(item, &mut converted);
            messages += converted.len();
            messages >= MAX_HISTORY
        })
        .await?;
    if let Some(message) = current {
        if !items.iter().any(|item| item.id() == message.id) {
            items.push(ThreadItem::UserMessage(message.clone()));
        }
    }
    Ok(to_messages(&items))
}

/// Items → messages, newest `MAX_HISTORY` kept (never starting with an orphaned tool result).
pub fn to_messages(items: &[ThreadItem]) -> Vec<ChatMessage> {
    let mut messages = Vec::new();
    for item in items {
        convert(item, &mut messages);
    }
    if messages.len() > MAX_HISTORY {
        messages.drain(..messages.len() - MAX_HISTORY);
        let orphans = messages
            .iter()
            .take_while(|m| matches!(m, ChatMessage::Tool { .. }))
            .count();
        messages.drain(..orphans);
    }
    messages
}

fn convert(item: &ThreadItem, out: &mut Vec<ChatMessage>) {
    let assistant = |text: String| ChatMessage::Assistant {
        text,
        tool_calls: Vec::new(),
    };
    match item {
        ThreadItem::UserMessage(message) => out.push(ChatMessage::User(user_text(message))),
        ThreadItem::AssistantMessage(message) => {
            let text = message.text();
            if !text.trim().is_empty() {
                out.push(assistant(text));
            }
        }
        ThreadItem::Widget(widget) => out.push(assistant(format!(
            "[Shown to the user: {}]",
            widget_summary(widget)
        ))),
        ThreadItem::HiddenContext(hidden) => match remembered_tool_call(&hidden.content) {
            Some((call, result)) => {
                let call_id = call.id.clone();
                out.push(ChatMessage::Assistant {
                    text: String::new(),
                    tool_calls: vec![call],
                });
                out.push(ChatMessage::Tool {
                    call_id,
                    content: result,
                });
            }
            None => out.push(ChatMessage::Context(match &hidden.content {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            })),
        },
        ThreadItem::SdkHiddenContext(hidden) => {
            out.push(ChatMessage::Context(hidden.content.clone()))
        }
        ThreadItem::ClientToolCall(call) => {
            out.push(ChatMessage::Assistant {
                text: String::new(),
                tool_calls: vec![ToolCall {
                    id: call.call_id.clone(),
                    name: call.name.clone(),
                    arguments: Value::Object(call.arguments.clone()).to_string(),
                }],
            });
            out.push(ChatMessage::Tool {
                call_id: call.call_id.clone(),
                content: call
                    .output
                    .as_ref()
                    .map_or_else(|| "(no result)".to_owned(), Value::to_string),
            });
        }
        ThreadItem::StructuredInput(input) => {
            let answers = input
                .inputs
                .iter()
                .map(|question| {
                    let (text, answer) = match question {
                        crate::protocol::StructuredInput::MultipleChoice(q) => {
                            (&q.question, &q.answer)
                        }
                        crate::protocol::StructuredInput::Freeform(q) => (&q.question, &q.answer),
                    };
                    let answer = match answer {
                        Some(a) if a.skipped => "skipped".to_owned(),
                        Some(a) => a.values.join(", "),
                        None => "not answered yet".to_owned(),
                    };
                    format!("{text} → {answer}")
                })
                .collect::<Vec<_>>()
                .join("; ");
            out.push(ChatMessage::Context(format!(
                "The user was asked: {answers}"
            )));
        }
        ThreadItem::GeneratedImage(_) => out.push(assistant("[An image was shown]".into())),
        // Progress decorations and markers say nothing the model needs.
        ThreadItem::Workflow(_) | ThreadItem::Task(_) | ThreadItem::EndOfTurn(_) => {}
    }
}

fn user_text(message: &UserMessageItem) -> String {
    let mut text = String::new();
    if let Some(quoted) = message.quoted_text.as_deref().filter(|q| !q.is_empty()) {
        text.push_str(&format!("> {}\n\n", quoted.replace('\n', "\n> ")));
    }
    text.push_str(&message.text());
    for attachment in &message.attachments {
        text.push_str(&format!(
            "\n[Attached: {} ({})]",
            attachment.name, attachment.mime_type
        ));
    }
    text
}

/// A widget in a few words: its copy text, else the texts inside it.
pub fn widget_summary(widget: &WidgetItem) -> String {
    if let Some(copy) = widget.copy_text.as_deref().filter(|c| !c.trim().is_empty()) {
        return truncate(copy.trim(), WIDGET_CHARS);
    }
    let tree = serde_json::to_value(&widget.widget).unwrap_or(Value::Null);
    let mut texts = Vec::new();
    collect_texts(&tree, &mut texts);
    let kind = tree.get("type").and_then(Value::as_str).unwrap_or("widget");
    if texts.is_empty() {
        return format!("a {kind}");
    }
    truncate(&format!("{kind}: {}", texts.join(" | ")), WIDGET_CHARS)
}

fn collect_texts(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for key in ["title", "value", "label"] {
                if let Some(text) = map.get(key).and_then(Value::as_str) {
                    if !text.trim().is_empty() {
                        out.push(text.trim().to_owned());
                    }
                }
            }
            for (key, child) in map {
                if !matches!(key.as_str(), "title" | "value" | "label") {
                    collect_texts(child, out);
                }
            }
        }
        Value::Array(children) => children.iter().for_each(|c| collect_texts(c, out)),
        _ => {}
    }
}

/// The hidden record of a tool call the runner wrote, if `content` is one.
fn remembered_tool_call(content: &Value) -> Option<(ToolCall, String)> {
    let call = content.get("tool_call")?;
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    let result = match content.get("result")? {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    Some((
        ToolCall {
            id: text(call, "id")?,
            name: text(call, "name")?,
            arguments: text(call, "arguments").unwrap_or_else(|| "{}".into()),
        },
        result,
    ))
}

pub use crate::tools::offline_skill::truncate;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{AppConfig, EMBEDDED_LEPTOS_TOML};
    use serde_json::json;

    fn item(value: Value) -> ThreadItem {
        let mut value = value;
        value["thread_id"] = json!("thr_1");
        value["created_at"] = json!("2025-01-15T17:00:00Z");
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn items_become_messages_with_hidden_context_and_remembered_tools() {
        let items = vec![
            item(
                json!({"type": "user_message", "id": "m1", "content": [{"type": "input_text", "text": "odds?"}]}),
            ),
            item(
                json!({"type": "widget", "id": "w1", "copy_text": "Lakers -3.5 (-110)",
                "widget": {"type": "Card", "children": []}}),
            ),
            item(json!({"type": "hidden_context_item", "id": "h1",
                "content": {"tool_call": {"id": "c1", "name": "get_odds_visual", "arguments": "{\"sport\":\"nba\"}"}, "result": "{\"games\":1}"}})),
            item(
                json!({"type": "assistant_message", "id": "m2", "content": [{"type": "output_text", "text": "Here you go.", "annotations": []}]}),
            ),
            item(
                json!({"type": "hidden_context_item", "id": "h2", "content": {"event": "locked"}}),
            ),
            item(
                json!({"type": "sdk_hidden_context", "id": "h3", "content": "The user cancelled."}),
            ),
            item(json!({"type": "end_of_turn", "id": "e1"})),
        ];
        let messages = to_messages(&items);
        assert_eq!(
            messages,
            vec![
                ChatMessage::User("odds?".into()),
                ChatMessage::Assistant {
                    text: "[Shown to the user: Lakers -3.5 (-110)]".into(),
                    tool_calls: vec![]
                },
                ChatMessage::Assistant {
                    text: String::new(),
                    tool_calls: vec![ToolCall {
                        id: "c1".into(),
                        name: "get_odds_visual".into(),
                        arguments: "{\"sport\":\"nba\"}".into()
                    }]
                },
                ChatMessage::Tool {
                    call_id: "c1".into(),
                    content: "{\"games\":1}".into()
                },
                ChatMessage::Assistant {
                    text: "Here you go.".into(),
                    tool_calls: vec![]
                },
                ChatMessage::Context("{\"event\":\"locked\"}".into()),
                ChatMessage::Context("The user cancelled.".into()),
            ]
        );
    }

    #[test]
    fn a_widget_without_copy_text_reads_as_its_texts() {
        let ThreadItem::Widget(widget) = item(json!({"type": "widget", "id": "w1",
            "widget": {"type": "Card", "children": [{"type": "Title", "value": "Parlay"}, {"type": "Text", "value": "+596"}]}}))
        else {
            unreachable!()
        };
        assert_eq!(widget_summary(&widget), "Card: Parlay | +596");
    }

    #[test]
    fn the_system_prompt_carries_instructions_date_format_and_limits() {
        let app = AppConfig::parse(EMBEDDED_LEPTOS_TOML, "Leptos.toml").unwrap();
        let today = NaiveDate::from_ymd_opt(2025, 1, 15).unwrap();
        let prompt = system_prompt(&app.agent.instructions, &app.betting, today);
        assert!(prompt.starts_with("You are Professor Lock"), "{prompt}");
        assert!(
            prompt.contains("Today is Wednesday, 2025-01-15 (UTC)."),
            "{prompt}"
        );
        assert!(prompt.contains("American (e.g. -110, +150)"), "{prompt}");
        assert!(
            prompt.contains("from $1.00 to $1,000.00 per bet (default $10.00)"),
            "{prompt}"
        );
        assert!(prompt.contains("at most 10 legs"), "{prompt}");
        assert!(prompt.contains("NBA, NFL, MLB, NHL, EPL"), "{prompt}");
    }

    #[test]
    fn every_registered_tool_explains_itself_in_the_system_prompt() {
        let tools = crate::tools::standard_tools();
        let prompt = with_tool_guide("You are Professor Lock.", &tools, false);
        assert!(prompt.starts_with("You are Professor Lock.\n\n## Tools\n"));
        for tool in tools.iter() {
            assert!(
                !tool.instructions().is_empty(),
                "{} has no instructions",
                tool.name()
            );
            let line = format!("- {}: {}", tool.name(), tool.instructions());
            assert!(prompt.contains(&line), "{prompt}");
        }
        assert_eq!(
            with_tool_guide("Plain.", &crate::tools::ToolRegistry::new(), false),
            "Plain."
        );
    }

    #[test]
    fn long_histories_keep_the_newest_and_drop_orphaned_results() {
        let mut items = Vec::new();
        for n in 0..80 {
            items.push(item(json!({"type": "hidden_context_item", "id": format!("h{n}"),
                "content": {"tool_call": {"id": format!("c{n}"), "name": "echo", "arguments": "{}"}, "result": "ok"}})));
        }
        let messages = to_messages(&items);
        assert!(messages.len() <= MAX_HISTORY);
        assert!(matches!(messages[0], ChatMessage::Assistant { .. }));
    }
}
