//! Small local models: the real tools against a server with llama.cpp's and Ollama's default
//! context windows (2,048 and 4,096 tokens). With `agent.context_tokens` set to the window,
//! every turn fits; left at gpt-4o's default, the server's refusal names the setting.

use super::mock_server::{done, finish, role, text, MockServer, Reply};
use super::{assistant_text, types, Fixture};
use crate::agent::{OpenAiModel, OpenAiSettings, RetryPolicy};
use crate::config::Secret;
use crate::tools::standard_tools;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

fn answer(words: &str) -> Reply {
    Reply::Sse(vec![role(), text(words), finish("stop"), done()])
}

async fn fixture(server: &MockServer, context_tokens: usize) -> Fixture {
    let model = OpenAiModel::new(OpenAiSettings {
        base_url: server.base_url.clone(),
        api_key: Secret::new("test-key"),
        model: "llama".into(),
        request_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        retry: RetryPolicy::default(),
    })
    .unwrap();
    Fixture::with_agent(Arc::new(model), standard_tools(), |agent| {
        agent.context_tokens = context_tokens
    })
    .await
}

async fn follow_up(f: &Fixture, thread: &str, words: &str) -> Vec<Value> {
    let body = serde_json::json!({"type": "threads.add_user_message", "params": {"thread_id": thread, "input": {
        "content": [{"type": "input_text", "text": words}], "attachments": [], "inference_options": {}}}});
    let crate::engine::Reply::Stream(events) = f.handle(body).await else {
        panic!("expected a stream")
    };
    events
        .collect_all()
        .await
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect()
}

fn user_texts(request: &Value) -> Vec<String> {
    request["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "user")
        .map(|m| m["content"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_long_conversation_fits_the_default_windows_of_small_local_servers() {
    for n_ctx in [2048, 4096] {
        // Enough ~130-token questions to outgrow the window.
        let turns = n_ctx / 200;
        let replies = (0..turns).map(|n| answer(&format!("Answer {n}"))).collect();
        let server = MockServer::with_context(replies, n_ctx).await;
        let f = fixture(&server, n_ctx).await;
        let question = |n: usize| {
            format!(
                "Question {n}: {}",
                "how do the Nuggets cover on the road? ".repeat(10)
            )
        };
        let (thread, events) = f.create(&question(0)).await;
        assert!(
            !types(&events).contains(&"error".to_owned()),
            "{n_ctx}: {events:?}"
        );
        for n in 1..turns {
            let events = follow_up(&f, &thread, &question(n)).await;
            assert!(
                !types(&events).contains(&"error".to_owned()),
                "{n_ctx} turn {n}: {events:?}"
            );
        }
        let requests = server.requests();
        assert_eq!(requests.len(), turns, "{n_ctx}: no request was refused");
        let last = requests.last().unwrap();
        assert!(last.to_string().len() / 4 <= n_ctx);
        // The newest question is there, the oldest was dropped, and the tools are still offered.
        let users = user_texts(last);
        assert!(users.last().unwrap().contains(&question(turns - 1)));
        assert!(!users.iter().any(|u| u.contains("Question 0:")), "{n_ctx}");
        assert!(last["tools"]
            .as_array()
            .is_some_and(|t| t.len() == standard_tools().len()));
        let listed = f.listed(&thread).await;
        assert_eq!(
            assistant_text(listed.last().unwrap()),
            format!("Answer {}", turns - 1)
        );
    }
}

#[tokio::test]
async fn the_smallest_window_gets_compact_tools_and_a_large_one_the_full_text() {
    let server = MockServer::start(vec![answer("Hi")]).await;
    let f = fixture(&server, 128_000).await;
    f.create("Show me tonight's NBA odds").await;
    let full = &server.requests()[0];

    let server = MockServer::with_context(vec![answer("Hi")], 2048).await;
    let f = fixture(&server, 2048).await;
    f.create("Show me tonight's NBA odds").await;
    let compact = &server.requests()[0];
    let size = |r: &Value| r.to_string().len();
    assert!(
        size(compact) < size(full) / 2,
        "{} vs {}",
        size(compact),
        size(full)
    );
    assert!(size(compact) / 4 <= 2048);
    let description = |r: &Value| {
        r["tools"][0]["function"]["description"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(description(full).starts_with(&description(compact)));
}

#[tokio::test]
async fn a_window_set_larger_than_the_server_has_names_the_setting() {
    let server = MockServer::with_context(vec![answer("never sent")], 2048).await;
    let f = fixture(&server, 128_000).await;
    let (_, events) = f.create("Show me tonight's NBA odds").await;
    let error = events
        .iter()
        .find(|e| e["type"] == "error")
        .expect("an error event");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("context_tokens") && message.contains("128000"),
        "{message}"
    );
    assert_eq!(
        error["allow_retry"], false,
        "the same request would fail again"
    );
    assert_eq!(
        server.requests().len(),
        1,
        "a context refusal is not retried"
    );
}

#[tokio::test]
async fn a_message_longer_than_the_window_is_refused_before_it_is_sent() {
    let server = MockServer::with_context(vec![answer("never sent")], 2048).await;
    let f = fixture(&server, 2048).await;
    let (thread, events) = f.create(&"odds ".repeat(3000)).await;
    let error = events
        .iter()
        .find(|e| e["type"] == "error")
        .expect("an error event");
    assert!(error["message"].as_str().unwrap().contains("2048"));
    assert!(server.requests().is_empty());
    assert_eq!(
        f.listed(&thread).await.len(),
        1,
        "the user's message is kept"
    );
}
