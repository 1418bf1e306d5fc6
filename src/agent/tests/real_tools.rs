//! The offline model with the real tools over the demo providers: each seed prompt streams its
//! tool's widget and an answer quoting the tool's numbers, labelled as demo data.

use super::{assistant_text, types, Fixture};
use crate::agent::OfflineModel;
use crate::protocol::{ThreadItem, ThreadItemUpdate};
use crate::tools::standard_tools;
use crate::ui::transcript::Transcript;
use crate::ui::wire::Event;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// Runs `prompt`; returns the event labels, the widgets' copy texts and the answer.
async fn run(prompt: &str) -> (Vec<String>, Vec<String>, String) {
    let f = Fixture::new(Arc::new(OfflineModel::default()), standard_tools(), 4).await;
    let (thread, events) = f.create(prompt).await;
    let labels = types(&events);
    assert!(
        !labels.contains(&"error".to_owned()),
        "{prompt}: {labels:?}"
    );
    let listed = f.listed(&thread).await;
    the_page_reads_what_was_stored(prompt, &events, &listed);
    let widgets = listed
        .iter()
        .filter(|i| i["type"] == "widget")
        .map(|i| i["copy_text"].as_str().unwrap_or_default().to_owned())
        .collect();
    let answer = listed
        .iter()
        .rev()
        .find(|i| i["type"] == "assistant_message")
        .map(|i| assistant_text(i).to_owned())
        .unwrap_or_default();
    (labels, widgets, answer)
}

/// The page, reading the same stream as JSON (`ui::wire`), holds after every event exactly what
/// the protocol's typed items hold after the same events, and ends showing the stored items.
fn the_page_reads_what_was_stored(prompt: &str, events: &[Value], listed: &[Value]) {
    let mut page = Transcript::default();
    let mut typed: HashMap<String, ThreadItem> = HashMap::new();
    let mut updates = 0;
    for event in events {
        match event["type"].as_str().unwrap() {
            "thread.item.added" | "thread.item.done" | "thread.item.replaced" => {
                let item: ThreadItem = serde_json::from_value(event["item"].clone()).unwrap();
                typed.insert(item.id().to_owned(), item);
            }
            "thread.item.updated" => {
                let update: ThreadItemUpdate =
                    serde_json::from_value(event["update"].clone()).unwrap();
                let item = typed.get_mut(event["item_id"].as_str().unwrap()).unwrap();
                item.apply_update(&update).unwrap();
                updates += 1;
            }
            _ => {}
        }
        page.apply(Event::read(&event.to_string()).unwrap());
        for shown in &page.items {
            let server = serde_json::to_value(&typed[shown.item.id()]).unwrap();
            assert_eq!(
                shown.item.json(),
                &server,
                "{prompt}: after {}",
                event["type"]
            );
        }
    }
    assert!(updates > 0, "{prompt}: the turn streamed updates");
    let shown: Vec<&Value> = page.items.iter().map(|s| s.item.json()).collect();
    assert_eq!(shown, listed.iter().collect::<Vec<_>>(), "{prompt}");
}

fn one_widget_then_an_answer(labels: &[String]) -> bool {
    let widget = labels.iter().position(|l| l == "thread.item.done:widget");
    let answer = labels
        .iter()
        .position(|l| l == "thread.item.done:assistant_message");
    matches!((widget, answer), (Some(w), Some(a)) if w < a)
}

#[tokio::test]
async fn the_seed_prompts_stream_widgets_and_answers_from_demo_data() {
    for prompt in [
        "Show me tonight's NBA odds",
        "Build me a parlay with 3 picks",
        "How many points is LeBron averaging?",
        "Search for weather in Denver",
    ] {
        let (labels, widgets, answer) = run(prompt).await;
        assert!(one_widget_then_an_answer(&labels), "{prompt}: {labels:?}");
        assert!(!widgets.is_empty(), "{prompt}");
        assert!(answer.contains("DEMO DATA"), "{prompt}: {answer}");
        assert!(!answer.starts_with("I couldn't"), "{prompt}: {answer}");
        let expected = match prompt {
            p if p.contains("odds") => "Here is the NBA board",
            p if p.contains("parlay") => "Here is a 3-leg parlay",
            p if p.contains("LeBron") => "LeBron",
            _ => "weather in Denver",
        };
        assert!(answer.contains(expected), "{prompt}: {answer}");
        // Every number the answer quotes comes from somewhere: at least one digit is shown.
        assert!(
            answer.chars().any(|c| c.is_ascii_digit()),
            "{prompt}: {answer}"
        );
    }
}

#[tokio::test]
async fn a_trend_question_charts_the_players_games() {
    let (labels, _, answer) = run("LeBron James points over the last 5 games").await;
    assert!(one_widget_then_an_answer(&labels), "{labels:?}");
    assert!(
        answer.contains("over the last 5 games: average"),
        "{answer}"
    );
}
