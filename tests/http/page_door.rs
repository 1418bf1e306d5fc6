//! The page's door (`/api/ui/chatkit_stream`, `/api/ui/chatkit_call`, the Leptos server
//! functions the page calls) over real TCP: same engine, same auth and per-user scoping as
//! `POST /chatkit`; events arrive one JSON object per line.

use crate::server::TestServer;
use professor_lock::engine::{AssistantStream, Responder, Turn, TurnError, TurnInput};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

async fn call(
    s: &TestServer,
    cookie: Option<&str>,
    endpoint: &str,
    request: Value,
) -> reqwest::Response {
    let mut builder = s
        .client
        .post(s.url(&format!("/api/ui/{endpoint}")))
        .json(&json!({ "request": request }));
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", cookie);
    }
    builder.send().await.unwrap()
}

fn input(text: &str) -> Value {
    json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}})
}

async fn stream_events(response: reqwest::Response) -> Vec<Value> {
    assert_eq!(response.status(), 200);
    response
        .text()
        .await
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[tokio::test]
async fn the_page_streams_a_turn_and_lists_it_afterwards() {
    let s = TestServer::start(|_| {}).await;
    let cookie = s.guest_cookie().await;
    let create = json!({"type": "threads.create", "params": {"input": input("Lakers tonight?")}});
    let events = stream_events(call(&s, Some(&cookie), "chatkit_stream", create).await).await;
    assert_eq!(events[0]["type"], "thread.created");
    let thread_id = events[0]["thread"]["id"].as_str().unwrap().to_owned();
    assert!(events
        .iter()
        .any(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "widget"));

    let listed = call(
        &s,
        Some(&cookie),
        "chatkit_call",
        json!({"type": "items.list", "params": {"thread_id": thread_id, "order": "asc"}}),
    )
    .await;
    assert_eq!(listed.status(), 200);
    // The server function answers the engine's JSON body as a JSON string.
    let body: String = listed.json().await.unwrap();
    let page: Value = serde_json::from_str(&body).unwrap();
    let kinds: Vec<&str> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["user_message", "assistant_message", "widget"]);

    // A sync widget action through the page's door answers the updated widget.
    let widget_id = page["data"][2]["id"].as_str().unwrap();
    let counted = call(
        &s,
        Some(&cookie),
        "chatkit_call",
        json!({"type": "threads.sync_custom_action", "params": {"thread_id": thread_id,
               "item_id": widget_id, "action": {"type": "scripted.count", "payload": {"count": 4}}}}),
    )
    .await;
    assert_eq!(counted.status(), 200);
    let answer: Value = serde_json::from_str(&counted.json::<String>().await.unwrap()).unwrap();
    assert!(
        answer["updated_item"].to_string().contains("Count: 5"),
        "{answer}"
    );
}

#[tokio::test]
async fn user_isolation_the_page_door_needs_a_user_and_keeps_users_apart() {
    let s = TestServer::start(|_| {}).await;
    let alice = s.guest_cookie().await;
    let bob = s.guest_cookie().await;
    let create = json!({"type": "threads.create", "params": {"input": input("mine")}});
    let events =
        stream_events(call(&s, Some(&alice), "chatkit_stream", create.clone()).await).await;
    let thread_id = events[0]["thread"]["id"].as_str().unwrap();

    let anonymous = call(&s, None, "chatkit_stream", create.clone()).await;
    assert_eq!(anonymous.status(), 401);
    let theirs = call(
        &s,
        Some(&bob),
        "chatkit_call",
        json!({"type": "items.list", "params": {"thread_id": thread_id}}),
    )
    .await;
    assert_eq!(theirs.status(), 404);
    let add = json!({"type": "threads.add_user_message",
                     "params": {"thread_id": thread_id, "input": input("hijack")}});
    assert_eq!(
        call(&s, Some(&bob), "chatkit_stream", add).await.status(),
        404
    );

    // Each door takes only its own kind of request.
    let wrong_door = call(&s, Some(&alice), "chatkit_call", create).await;
    assert_eq!(wrong_door.status(), 400);
    assert!(wrong_door.text().await.unwrap().contains("streams"));
}

/// Says a few words, then thinks (as a slow model would) until it is stopped.
struct SlowResponder;

#[async_trait::async_trait]
impl Responder for SlowResponder {
    async fn respond(&self, turn: &mut Turn, _input: TurnInput<'_>) -> Result<(), TurnError> {
        let mut message = AssistantStream::start(turn);
        message.push(turn, "The Lakers cover because");
        tokio::time::sleep(Duration::from_secs(60)).await;
        message.finish(turn);
        Ok(())
    }
}

async fn cancel(s: &TestServer, cookie: &str, thread_id: &str) -> reqwest::Response {
    s.client
        .post(s.url("/api/ui/cancel_turn"))
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("thread_id", thread_id)
                .finish(),
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn stop_ends_the_turn_and_keeps_what_was_said() {
    let s = TestServer::start_with_responder(Arc::new(SlowResponder)).await;
    let (alice, bob) = (s.guest_cookie().await, s.guest_cookie().await);
    let create = json!({"type": "threads.create", "params": {"input": input("Lakers -4?")}});
    let mut stream = call(&s, Some(&alice), "chatkit_stream", create).await;
    assert_eq!(stream.status(), 200);
    let mut seen = String::new();
    while !seen.contains("text_delta") {
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
            .await
            .expect("the first words arrive")
            .unwrap()
            .expect("the stream is still open");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    let first: Value = serde_json::from_str(seen.lines().next().unwrap()).unwrap();
    let thread_id = first["thread"]["id"].as_str().unwrap().to_owned();

    // Another user cannot stop it, and does not learn that the thread exists.
    assert_eq!(cancel(&s, &bob, &thread_id).await.status(), 404);
    let stopped = cancel(&s, &alice, &thread_id).await;
    assert_eq!(stopped.status(), 200);
    assert!(stopped.json::<bool>().await.unwrap(), "a turn was running");
    // The stream ends at once (not after the responder's minute).
    let rest = tokio::time::timeout(Duration::from_secs(10), stream.text())
        .await
        .expect("the stream ends after stop")
        .unwrap();
    assert!(rest.contains("thread.item.done"), "{rest}");

    let listed = call(
        &s,
        Some(&alice),
        "chatkit_call",
        json!({"type": "items.list", "params": {"thread_id": thread_id, "order": "asc"}}),
    )
    .await;
    let page: Value = serde_json::from_str(&listed.json::<String>().await.unwrap()).unwrap();
    let answer = &page["data"][1];
    assert_eq!(answer["type"], "assistant_message");
    assert_eq!(answer["content"][0]["text"], "The Lakers cover because");
    // Nothing is running any more.
    let again = cancel(&s, &alice, &thread_id).await;
    assert!(!again.json::<bool>().await.unwrap());
}

#[tokio::test]
async fn the_page_door_answers_bad_bodies_with_4xx_not_500() {
    let s = TestServer::start(|c| c.app.limits.max_body_bytes = 4096).await;
    let cookie = s.guest_cookie().await;
    let post = |endpoint: &'static str, body: Vec<u8>, content_type: &'static str| {
        s.client
            .post(s.url(&format!("/api/ui/{endpoint}")))
            .header("cookie", cookie.clone())
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    for endpoint in ["chatkit_call", "chatkit_stream"] {
        let garbage = post(endpoint, b"{not json".to_vec(), "application/json")
            .await
            .unwrap();
        assert_eq!(garbage.status(), 400, "{endpoint}: malformed JSON");
        let body: Value = garbage.json().await.unwrap();
        assert!(body["error"]["message"].as_str().is_some(), "{body}");
        let wrong_shape = post(endpoint, br#"{"request": 5}"#.to_vec(), "application/json")
            .await
            .unwrap();
        assert_eq!(wrong_shape.status(), 400, "{endpoint}: wrong shape");
        let huge = format!(r#"{{"request": "{}"}}"#, "x".repeat(10_000));
        let too_big = post(endpoint, huge.into_bytes(), "application/json")
            .await
            .unwrap();
        assert_eq!(
            too_big.status(),
            413,
            "{endpoint}: over limits.max_body_bytes"
        );
    }
}
