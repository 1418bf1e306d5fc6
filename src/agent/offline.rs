//! The offline model: the default when no API key is configured. Deterministic: it calls the
//! tool the user's words ask for (intent.rs, by the routes each tool declares), then, once the
//! results are back, writes a short answer from them (answer.rs, by each tool's own writer).
//! The app works without a key and the tests are exact.

use super::answer::{self, Outcome};
use super::intent::Skills;
use super::model::{
    ChatMessage, ChatModel, ChatRequest, FinishReason, ModelError, ModelEvent, ModelStream,
    ToolCall,
};
use crate::tools::{standard_tools, ToolRegistry};
use async_trait::async_trait;
use futures::StreamExt;
use serde_json::Value;
use std::collections::HashMap;

/// Streamed answers come in pieces of about this many characters, like a model's tokens.
const PIECE_CHARS: usize = 24;

#[derive(Clone)]
pub struct OfflineModel {
    skills: Skills,
}

impl OfflineModel {
    /// The offline model for these tools: it recognises what they declare.
    pub fn new(tools: &ToolRegistry) -> Self {
        OfflineModel {
            skills: Skills::of(tools),
        }
    }
}

impl Default for OfflineModel {
    /// The offline model for the standard tools (tests give it stand-ins by the same names).
    fn default() -> Self {
        OfflineModel::new(&standard_tools())
    }
}

#[async_trait]
impl ChatModel for OfflineModel {
    fn describe(&self) -> String {
        "offline (deterministic, no API key)".into()
    }

    async fn stream(&self, request: ChatRequest) -> Result<ModelStream, ModelError> {
        Ok(futures::stream::iter(respond(&self.skills, &request).into_iter().map(Ok)).boxed())
    }
}

/// The events for a request: a tool call for a new question, an answer once results are in.
pub fn respond(skills: &Skills, request: &ChatRequest) -> Vec<ModelEvent> {
    let last_user = request
        .messages
        .iter()
        .rposition(|m| matches!(m, ChatMessage::User(_)));
    let Some(last_user) = last_user else {
        return text_events(&help(skills));
    };
    let ChatMessage::User(question) = &request.messages[last_user] else {
        unreachable!("found as a user message");
    };
    let this_turn = &request.messages[last_user + 1..];

    let mut calls: HashMap<&str, &ToolCall> = HashMap::new();
    let mut outcomes = Vec::new();
    for message in this_turn {
        match message {
            ChatMessage::Assistant { tool_calls, .. } => {
                calls.extend(tool_calls.iter().map(|c| (c.id.as_str(), c)));
            }
            ChatMessage::Tool { call_id, content } => {
                if let Some(call) = calls.get(call_id.as_str()) {
                    outcomes.push(Outcome {
                        call,
                        result: serde_json::from_str(content)
                            .unwrap_or_else(|_| Value::String(content.clone())),
                    });
                }
            }
            _ => {}
        }
    }
    if !outcomes.is_empty() {
        return text_events(&answer::write(skills, &outcomes));
    }

    match skills.decide(question) {
        Some(intent) if request.tools.iter().any(|t| t.name == intent.tool) => {
            let done = request
                .messages
                .iter()
                .filter(|m| matches!(m, ChatMessage::Tool { .. }))
                .count();
            vec![
                ModelEvent::ToolCall(ToolCall {
                    id: format!("call_offline_{}", done + 1),
                    name: intent.tool.to_owned(),
                    arguments: intent.arguments.to_string(),
                }),
                ModelEvent::Finish(FinishReason::ToolCalls),
            ]
        }
        Some(intent) => text_events(&format!(
            "That needs the {} tool, which is not available right now.",
            intent.tool
        )),
        None => text_events(&help(skills)),
    }
}

/// What the offline model can do: each tool's first example and what it shows.
fn help(skills: &Skills) -> String {
    let mut text = "I'm Professor Lock, running in offline mode (no AI model is configured), so I \
        answer from keywords. Try:"
        .to_owned();
    for (_, skill) in skills.iter() {
        if let Some(example) = skill.examples.first() {
            text.push_str(&format!("\n- \"{example}\" {}", skill.shows));
        }
    }
    text
}

/// An answer streamed in pieces that end at spaces.
fn text_events(text: &str) -> Vec<ModelEvent> {
    let mut events = Vec::new();
    let mut piece = String::new();
    for word in text.split_inclusive(' ') {
        piece.push_str(word);
        if piece.len() >= PIECE_CHARS {
            events.push(ModelEvent::TextDelta(std::mem::take(&mut piece)));
        }
    }
    if !piece.is_empty() {
        events.push(ModelEvent::TextDelta(piece));
    }
    events.push(ModelEvent::Finish(FinishReason::Stop));
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::model::ToolSpec;
    use crate::tools::{
        build_parlay::BuildParlay, get_odds::GetOddsVisual, stats_question::StatmuseQuery,
        trends::TrendsChart, web_search::WebSearchVisual, TypedTool,
    };
    use serde_json::json;

    const ODDS: &str = GetOddsVisual::NAME;
    const PARLAY: &str = BuildParlay::NAME;
    const STATS: &str = StatmuseQuery::NAME;
    const SEARCH: &str = WebSearchVisual::NAME;
    const TRENDS: &str = TrendsChart::NAME;

    fn respond(request: &ChatRequest) -> Vec<ModelEvent> {
        super::respond(&Skills::of(&standard_tools()), request)
    }

    fn tools() -> Vec<ToolSpec> {
        [ODDS, PARLAY, STATS, SEARCH, TRENDS]
            .iter()
            .map(|name| ToolSpec {
                name: (*name).into(),
                description: String::new(),
                parameters: json!({"type": "object"}),
            })
            .collect()
    }

    fn request(messages: Vec<ChatMessage>) -> ChatRequest {
        ChatRequest {
            messages,
            tools: tools().into(),
            temperature: 0.0,
        }
    }

    fn text_of(events: &[ModelEvent]) -> String {
        events
            .iter()
            .filter_map(|e| match e {
                ModelEvent::TextDelta(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The answer after `tool` returned `result` for `question`.
    fn answer(question: &str, tool: &str, args: Value, result: Value) -> String {
        let call = ToolCall {
            id: "c1".into(),
            name: tool.into(),
            arguments: args.to_string(),
        };
        let events = respond(&request(vec![
            ChatMessage::System("sys".into()),
            ChatMessage::User(question.into()),
            ChatMessage::Assistant {
                text: String::new(),
                tool_calls: vec![call],
            },
            ChatMessage::Tool {
                call_id: "c1".into(),
                content: result.to_string(),
            },
        ]));
        assert_eq!(events.last(), Some(&ModelEvent::Finish(FinishReason::Stop)));
        text_of(&events)
    }

    #[test]
    fn a_new_question_calls_the_tool_and_an_earlier_turn_does_not_count() {
        let events = respond(&request(vec![
            ChatMessage::User("Search for weather in Denver".into()),
            ChatMessage::Assistant {
                text: "Sunny.".into(),
                tool_calls: vec![],
            },
            ChatMessage::Context("The user cancelled.".into()),
            ChatMessage::User("Show me tonight's NBA odds".into()),
        ]));
        assert_eq!(
            events,
            vec![
                ModelEvent::ToolCall(ToolCall {
                    id: "call_offline_1".into(),
                    name: "get_odds_visual".into(),
                    arguments: r#"{"market":"all","sport":"nba"}"#.into(),
                }),
                ModelEvent::Finish(FinishReason::ToolCalls),
            ]
        );
    }

    #[test]
    fn without_the_tool_or_a_topic_it_explains_itself() {
        let mut no_tools = request(vec![ChatMessage::User("Show me NBA odds".into())]);
        no_tools.tools = Vec::new().into();
        assert!(
            text_of(&respond(&no_tools)).contains("get_odds_visual tool, which is not available")
        );
        let help = text_of(&respond(&request(vec![ChatMessage::User("hi".into())])));
        assert!(help.contains("Build me a parlay with 3 picks"), "{help}");
    }

    #[test]
    fn odds_answers_name_the_games_best_prices_and_demo_data() {
        // The shape get_odds_visual returns.
        let result = json!({
            "sport": "NBA", "game_count": 1, "date": "2025-01-15",
            "games": [{
                "event_id": "e1", "game": "Milwaukee Bucks @ Orlando Magic", "books": ["DemoBook A (synthetic)"],
                "markets": {
                    "h2h": [{"selection": "Milwaukee Bucks", "point": null, "best_price": "+115", "best_book": "DemoBook A"},
                            {"selection": "Orlando Magic", "point": null, "best_price": "-135", "best_book": "DemoBook B"}],
                    "totals": [{"selection": "Over", "point": 221.5, "best_price": "-110", "best_book": "DemoBook A"}],
                    "spreads": [{"selection": "Milwaukee Bucks", "point": 1.5, "best_price": "-110", "best_book": "DemoBook A"}]
                }
            }],
            "source": "DEMO DATA", "as_of": "2025-01-15T17:00:00Z", "demo": true
        });
        let text = answer(
            "Show me tonight's NBA odds",
            ODDS,
            json!({"sport": "nba"}),
            result,
        );
        assert_eq!(
            text,
            "Here is the NBA board for 2025-01-15: 1 game. Best prices across the books:\n\
             - **Milwaukee Bucks @ Orlando Magic**: Milwaukee Bucks +115 / Orlando Magic -135 · \
             Milwaukee Bucks +1.5 (-110) · O/U 221.5\n\n\
             _DEMO DATA, as of 2025-01-15 17:00 UTC: fictional samples, not for betting. \
             Configure real providers to see live data._"
        );

        // Raw provider events read too.
        let raw = json!({"events": [{"away_team": "Bucks", "home_team": "Magic", "bookmakers": [{"markets": [
            {"key": "h2h", "outcomes": [{"name": "Bucks", "price": 115}, {"name": "Magic", "price": -135}]}]}]}]});
        let text = answer("odds", ODDS, json!({"sport": "nba"}), raw);
        assert!(
            text.contains("**Bucks @ Magic**: moneyline Bucks +115, Magic -135"),
            "{text}"
        );
    }

    #[test]
    fn parlay_answers_list_legs_odds_and_payout() {
        // The shape build_parlay returns.
        let result = json!({
            "legs": [{"game": "Bucks @ Magic", "pick": "Orlando Magic ML", "price": "-135"},
                     {"game": "Suns @ Celtics", "pick": "Celtics -4.5", "price": "-110"},
                     {"game": "Jazz @ Nuggets", "pick": "Nuggets ML", "price": "+120"}],
            "combined_odds": "+596", "stake": "$10.00", "payout": "$69.60", "demo": true
        });
        let text = answer(
            "Build me a parlay with 3 picks",
            PARLAY,
            json!({"legs_count": 3}),
            result,
        );
        assert!(
            text.starts_with(
                "Here is a 3-leg parlay:\n- **Orlando Magic ML** (-135), Bucks @ Magic\n\
            - **Celtics -4.5** (-110), Suns @ Celtics\n- **Nuggets ML** (+120), Jazz @ Nuggets"
            ),
            "{text}"
        );
        assert!(
            text.contains("Combined odds +596: a $10.00 stake pays $69.60 in total."),
            "{text}"
        );
        assert!(text.contains("DEMO DATA"), "{text}");
        assert!(
            text.contains("Stake only what you can afford to lose"),
            "{text}"
        );
        // Integer prices and cents read too.
        let result = json!({"legs": [{"pick": "A", "price": 150}], "combined_odds": 150, "stake_cents": 2500, "payout_cents": 6250});
        let text = answer("parlay", PARLAY, json!({}), result);
        assert!(
            text.contains("- **A** (+150)")
                && text.contains("Combined odds +150: a $25.00 stake pays $62.50"),
            "{text}"
        );
    }

    #[test]
    fn stats_search_and_trend_answers_use_the_results() {
        let text = answer(
            "How many points is LeBron averaging?",
            STATS,
            json!({"question": "How many points is LeBron averaging?"}),
            json!({"answer": "LeBron James is averaging 24.8 points per game over his last 10 games.", "source": "DEMO DATA", "demo": true}),
        );
        assert!(
            text.starts_with("LeBron James is averaging 24.8 points"),
            "{text}"
        );
        assert!(text.contains("DEMO DATA"), "{text}");

        let text = answer(
            "Search for weather in Denver",
            SEARCH,
            json!({"query": "weather in Denver", "topic": "general"}),
            json!({"results": [{"title": "Denver forecast: snow", "snippet": "Snow showers, high of 28°F."}, {"title": "Broncos weather watch"}]}),
        );
        assert_eq!(text, "I found 2 results for “weather in Denver”:\n- **Denver forecast: snow**: Snow showers, high of 28°F.\n- **Broncos weather watch**");

        let text = answer(
            "LeBron points last 3 games",
            TRENDS,
            json!({"subject": "LeBron", "stat": "points", "last_n": 3}),
            json!({"subject": "LeBron James", "stat_name": "points", "games": [{"value": 20.0}, {"value": 31.0}, {"value": 27.0}]}),
        );
        assert_eq!(text, "LeBron James, points over the last 3 games: average 26.0, high 31, low 20; most recent 27.");
    }

    #[test]
    fn tool_errors_and_unknown_shapes_still_read_well() {
        let text = answer(
            "parlay",
            PARLAY,
            json!({}),
            json!({"error": "legs_count must be between 2 and 10"}),
        );
        assert_eq!(
            text,
            "I couldn't build that parlay: legs_count must be between 2 and 10"
        );
        let text = answer(
            "odds",
            ODDS,
            json!({}),
            json!({"summary": "6 NBA games tonight."}),
        );
        assert_eq!(text, "6 NBA games tonight.");
        let text = answer(
            "odds",
            "other_tool",
            json!({}),
            json!({"count": 2, "id": "x"}),
        );
        assert_eq!(text, "From other_tool: count 2.");
    }
}
