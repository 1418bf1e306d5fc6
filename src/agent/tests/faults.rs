//! The OpenAI-compatible model's faults through the engine: retried statuses, errors before
//! and after streaming, a garbage line, a cut connection, cancellation. Each ends with one
//! clean error event (or none, when cancelled) and keeps what was already said.

use super::mock_server::{done, finish, frame, role, text, Reply};
use super::openai::{echo_tools, error_of, sequence, setup, CUT_MESSAGE};
use super::{assistant_text, done_items, message, types};
use crate::engine::Reply as EngineReply;
use crate::protocol::ThreadItem;
use futures::StreamExt;
use serde_json::{json, Value};

#[tokio::test]
async fn rate_limited_then_success() {
    let (server, f) = setup(
        vec![
            Reply::Status(429, json!({"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}}).to_string()),
            Reply::Status(503, "<html>upstream busy</html>".into()),
            Reply::Sse(vec![text("After "), text("waiting"), finish("stop"), done()]),
        ],
        echo_tools(),
        4,
    )
    .await;
    let (thread, events) = f.create("Hi").await;
    assert_eq!(
        types(&events),
        sequence(&[&message(2)], &["thread.updated"])
    );
    assert_eq!(server.requests().len(), 3, "429 and 503 retried");
    assert_eq!(assistant_text(&f.listed(&thread).await[1]), "After waiting");
}

#[tokio::test]
async fn server_errors_before_streaming_end_in_one_error_after_the_retries() {
    let replies = (0..4).map(|_| Reply::Status(500, "boom".into())).collect();
    let (server, f) = setup(replies, echo_tools(), 4).await;
    let (thread, events) = f.create("Hi").await;
    assert_eq!(types(&events), sequence(&[], &["error", "thread.updated"]));
    assert_eq!(
        *error_of(&events),
        json!({"type": "error", "code": "custom", "message": "The AI model's server had a problem (HTTP 500). Please try again.", "allow_retry": true})
    );
    assert_eq!(
        server.requests().len(),
        4,
        "the first try and three retries"
    );
    assert_eq!(f.listed(&thread).await.len(), 1, "only the user message");
    assert_eq!(
        f.title(&thread).await.as_deref(),
        Some("Hi"),
        "the engine's default title"
    );
}

#[tokio::test]
async fn server_error_mid_stream_keeps_the_text() {
    let (server, f) = setup(
        vec![Reply::Sse(vec![
            role(),
            text("Partial "),
            text("answer"),
            frame(json!({"error": {"message": "Internal server error", "type": "server_error", "code": 500}})),
        ])],
        echo_tools(),
        4,
    )
    .await;
    let (thread, events) = f.create("Tell me something").await;
    assert_eq!(
        types(&events),
        sequence(&[CUT_MESSAGE], &["error", "thread.updated"])
    );
    assert_eq!(error_of(&events)["allow_retry"], true);
    assert_eq!(
        server.requests().len(),
        1,
        "never retried once text was streamed"
    );
    let listed = f.listed(&thread).await;
    assert_eq!(listed, done_items(&events));
    assert_eq!(assistant_text(&listed[1]), "Partial answer");
}

#[tokio::test]
async fn a_garbage_line_ends_the_turn_and_keeps_the_text() {
    let (_server, f) = setup(
        vec![Reply::Sse(vec![
            role(),
            text("Hi "),
            text("there"),
            "data: {this is not json\n\n".into(),
            text("never seen"),
            finish("stop"),
            done(),
        ])],
        echo_tools(),
        4,
    )
    .await;
    let (thread, events) = f.create("Hello").await;
    assert_eq!(
        types(&events),
        sequence(&[CUT_MESSAGE], &["error", "thread.updated"])
    );
    assert_eq!(
        *error_of(&events),
        json!({"type": "error", "code": "custom", "message": "The answer was interrupted. What arrived so far is kept; please try again.", "allow_retry": true})
    );
    assert_eq!(assistant_text(&f.listed(&thread).await[1]), "Hi there");
}

#[tokio::test]
async fn a_cut_connection_ends_the_turn_and_keeps_the_text() {
    let (_server, f) = setup(
        vec![Reply::Cut(vec![role(), text("Cut "), text("short")])],
        echo_tools(),
        4,
    )
    .await;
    let (thread, events) = f.create("Hello").await;
    assert_eq!(
        types(&events),
        sequence(&[CUT_MESSAGE], &["error", "thread.updated"])
    );
    assert_eq!(error_of(&events)["allow_retry"], true);
    let listed = f.listed(&thread).await;
    assert_eq!(listed, done_items(&events));
    assert_eq!(assistant_text(&listed[1]), "Cut short");
}

#[tokio::test]
async fn cancelling_keeps_the_partial_answer() {
    let (_server, f) = setup(
        vec![Reply::Stall(vec![
            role(),
            text("Thinking about "),
            text("it"),
        ])],
        echo_tools(),
        4,
    )
    .await;
    let EngineReply::Stream(mut stream) = f
        .handle(json!({"type": "threads.create", "params": {"input": {
            "content": [{"type": "input_text", "text": "Think"}], "attachments": [], "inference_options": {}}}}))
        .await
    else {
        panic!("expected a stream")
    };
    let mut events: Vec<Value> = Vec::new();
    while events
        .iter()
        .filter(|e| e["update"]["type"] == "assistant_message.content_part.text_delta")
        .count()
        < 2
    {
        events.push(serde_json::from_str(&stream.next().await.unwrap()).unwrap());
    }
    let thread = events[0]["thread"]["id"].as_str().unwrap().to_owned();
    assert!(f.engine.cancel_turn("u1", &thread).await.unwrap());
    events.extend(
        stream
            .collect_all()
            .await
            .iter()
            .map(|e| serde_json::from_str::<Value>(e).unwrap()),
    );
    assert_eq!(
        types(&events),
        sequence(&[CUT_MESSAGE], &["thread.updated"])
    );
    assert_eq!(
        assistant_text(&f.listed(&thread).await[1]),
        "Thinking about it"
    );
    assert!(f
        .stored(&thread)
        .await
        .iter()
        .any(|i| matches!(i, ThreadItem::SdkHiddenContext(_))));
}
