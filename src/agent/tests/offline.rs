//! The offline model through the engine: the four seed prompts call the right tool with the
//! right arguments (recording stand-ins for the real tools), and the answer quotes the results.

use super::{assistant_text, done_items, message, types, Fixture, Recorder};
use crate::agent::OfflineModel;
use crate::tools::ToolRegistry;
use crate::tools::{
    build_parlay::BuildParlay, get_odds::GetOddsVisual, stats_question::StatmuseQuery,
    trends::TrendsChart, web_search::WebSearchVisual, TypedTool,
};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

type Calls = Arc<Mutex<Vec<Value>>>;

const ODDS: &str = GetOddsVisual::NAME;
const PARLAY: &str = BuildParlay::NAME;
const STATS: &str = StatmuseQuery::NAME;
const SEARCH: &str = WebSearchVisual::NAME;
const TRENDS: &str = TrendsChart::NAME;

async fn fixture() -> (Fixture, Vec<(&'static str, Calls)>) {
    // Shaped like the real tools' results (src/tools/), with demo provenance.
    let results = [
        (
            ODDS,
            json!({"sport": "NBA", "game_count": 1, "date": "2025-01-15", "games": [{
                "game": "Milwaukee Bucks @ Orlando Magic",
                "markets": {"h2h": [
                    {"selection": "Milwaukee Bucks", "best_price": "+115", "best_book": "DemoBook A"},
                    {"selection": "Orlando Magic", "best_price": "-135", "best_book": "DemoBook B"}]}}],
                "source": "DEMO DATA", "as_of": "2025-01-15T17:00:00Z", "demo": true}),
        ),
        (
            PARLAY,
            json!({"legs": [{"pick": "Orlando Magic ML", "price": "-135"}, {"pick": "Celtics -4.5", "price": "-110"},
                {"pick": "Nuggets ML", "price": "+120"}], "combined_odds": "+596", "stake": "$10.00",
                "payout": "$69.60", "source": "DEMO DATA", "demo": true}),
        ),
        (
            STATS,
            json!({"question": "How many points is LeBron averaging?",
                "answer": "LeBron James is averaging 24.8 points per game over his last 10 games.",
                "source": "DEMO DATA", "demo": true}),
        ),
        (
            SEARCH,
            json!({"query": "weather in Denver", "topic": "general", "answer": null,
                "results": [{"title": "Denver forecast: snow tonight", "url": "https://example.com", "snippet": "High of 28°F."}],
                "source": "DEMO DATA", "demo": true}),
        ),
        (
            TRENDS,
            json!({"subject": "LeBron James", "stat_name": "points", "games": [{"game": "vs BOS", "value": 20.0}, {"game": "@ MIA", "value": 30.0}],
                "source": "DEMO DATA", "demo": true}),
        ),
    ];
    let mut tools = ToolRegistry::new();
    let mut calls = Vec::new();
    for (name, result) in results {
        let (tool, recorded) = Recorder::new(name, Some(result));
        tools = tools.with(tool);
        calls.push((name, recorded));
    }
    (
        Fixture::new(Arc::new(OfflineModel::default()), tools, 4).await,
        calls,
    )
}

/// What each tool was called with, by name (tools not called left out).
fn called(calls: &[(&'static str, Calls)]) -> Vec<(&'static str, Vec<Value>)> {
    calls
        .iter()
        .map(|(name, c)| (*name, c.lock().unwrap().clone()))
        .filter(|(_, c)| !c.is_empty())
        .collect()
}

fn deltas(events: &[Value]) -> usize {
    events
        .iter()
        .filter(|e| e["update"]["type"] == "assistant_message.content_part.text_delta")
        .count()
}

/// Runs `prompt` in a new thread; checks the sequence (one tool, its widget, one answer), the
/// stored thread and the default title; returns the tool calls made and the answer.
async fn seed(prompt: &str) -> (Vec<(&'static str, Vec<Value>)>, String) {
    let (f, calls) = fixture().await;
    let (thread, events) = f.create(prompt).await;
    let mut expected = vec![
        "thread.created",
        "thread.item.done:user_message",
        "stream_options",
        "progress_update",
        "thread.item.done:widget",
    ];
    expected.extend(message(deltas(&events)));
    expected.push("thread.updated");
    assert_eq!(types(&events), expected, "{prompt}");
    assert!(deltas(&events) > 1, "the answer streams in pieces");
    let listed = f.listed(&thread).await;
    assert_eq!(listed, done_items(&events));
    assert_eq!(f.title(&thread).await.as_deref(), Some(prompt));
    (called(&calls), assistant_text(&listed[2]).to_owned())
}

#[tokio::test]
async fn show_me_tonights_nba_odds() {
    let (calls, answer) = seed("Show me tonight's NBA odds").await;
    assert_eq!(
        calls,
        [(ODDS, vec![json!({"sport": "nba", "market": "all"})])]
    );
    assert!(
        answer.starts_with("Here is the NBA board for 2025-01-15: 1 game."),
        "{answer}"
    );
    assert!(
        answer.contains("Milwaukee Bucks @ Orlando Magic"),
        "{answer}"
    );
    assert!(
        answer.contains("Milwaukee Bucks +115 / Orlando Magic -135"),
        "{answer}"
    );
    assert!(answer.contains("DEMO DATA"), "{answer}");
}

#[tokio::test]
async fn build_me_a_parlay_with_3_picks() {
    let (calls, answer) = seed("Build me a parlay with 3 picks").await;
    assert_eq!(
        calls,
        [(PARLAY, vec![json!({"legs_count": 3, "sport": "nba"})])]
    );
    assert!(answer.starts_with("Here is a 3-leg parlay:"), "{answer}");
    assert!(answer.contains("**Nuggets ML** (+120)"), "{answer}");
    assert!(
        answer.contains("Combined odds +596: a $10.00 stake pays $69.60 in total."),
        "{answer}"
    );
    assert!(answer.contains("DEMO DATA"), "{answer}");
}

#[tokio::test]
async fn how_many_points_is_lebron_averaging() {
    let (calls, answer) = seed("How many points is LeBron averaging?").await;
    assert_eq!(
        calls,
        [(
            STATS,
            vec![json!({"question": "How many points is LeBron averaging?"})]
        )]
    );
    assert!(
        answer.starts_with("LeBron James is averaging 24.8 points per game"),
        "{answer}"
    );
    assert!(answer.contains("DEMO DATA"), "{answer}");
}

#[tokio::test]
async fn search_for_weather_in_denver() {
    let (calls, answer) = seed("Search for weather in Denver").await;
    assert_eq!(
        calls,
        [(
            SEARCH,
            vec![json!({"query": "weather in Denver", "topic": "general"})]
        )]
    );
    assert!(answer.contains("Denver forecast: snow tonight"), "{answer}");
    assert!(answer.contains("DEMO DATA"), "{answer}");
}

#[tokio::test]
async fn trends_and_small_talk() {
    let (calls, answer) = seed("LeBron James points over the last 5 games").await;
    assert_eq!(
        calls,
        [(
            TRENDS,
            vec![json!({"subject": "LeBron James", "stat": "points", "last_n": 5})]
        )]
    );
    assert!(answer.contains("average 25.0, high 30, low 20"), "{answer}");

    let (f, calls) = fixture().await;
    let (_, events) = f.create("hello").await;
    assert!(called(&calls).is_empty());
    let mut expected = vec![
        "thread.created",
        "thread.item.done:user_message",
        "stream_options",
    ];
    expected.extend(message(deltas(&events)));
    expected.push("thread.updated");
    assert_eq!(types(&events), expected);
}
