//! The page's door (`/api/ui/chatkit_stream`, `/api/ui/chatkit_call`, the Leptos server
//! functions the page calls) over real TCP: same engine, same auth and per-user scoping as
//! `POST /chatkit`; events arrive one JSON object per line.

use crate::server::TestServer;
use serde_json::{json, Value};

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
async fn the_page_door_needs_a_user_and_keeps_users_apart() {
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
