//! The HTTP door over real TCP: auth (none, forged, guest cookie, client secret), status codes
//! and JSON error bodies, body limits, rate limits with Retry-After, SSE framing and headers,
//! attachments upload, health, and a client that disconnects mid-turn.

mod budgets;
mod db_outage;
mod fuzz;
mod headers;
mod metrics;
mod page_door;
mod ready;
mod seed_prompts;
mod server;
mod tokens;

use reqwest::header;
use serde_json::{json, Value};
use server::TestServer;
use std::time::Duration;

fn input(text: &str) -> Value {
    json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}})
}

#[tokio::test]
async fn no_or_forged_credentials_are_401_with_a_json_body() {
    let s = TestServer::start(|_| {}).await;
    let body = json!({"type": "threads.list", "params": {}});
    let response = s
        .client
        .post(s.url("/chatkit"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"]["code"], "unauthorized");

    let response = s
        .client
        .post(s.url("/chatkit"))
        .bearer_auth("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forged")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn user_isolation_a_client_secret_opens_chatkit_for_its_user_only() {
    let s = TestServer::start(|_| {}).await;
    let alice = s.session().await;
    let bob = s.session().await;
    assert_ne!(alice, bob, "each guest is their own user");
    let (thread_id, _) = s.create_thread(&alice, "Lakers tonight?").await;
    let mine = s
        .post(
            &alice,
            json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}}),
        )
        .await;
    assert_eq!(mine.status(), 200);
    let theirs = s
        .post(
            &bob,
            json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}}),
        )
        .await;
    assert_eq!(theirs.status(), 404);
    let listed: Value = s
        .post(&bob, json!({"type": "threads.list", "params": {}}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["data"], json!([]));
}

#[tokio::test]
async fn session_minting_sets_a_guest_cookie_and_is_rate_limited_per_ip() {
    let s = TestServer::start(|c| c.app.limits.sessions_per_minute_per_ip = 2).await;
    let first = s
        .client
        .post(s.url("/api/chatkit/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    let cookie = first
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.starts_with("pl_guest=") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let body: Value = first.json().await.unwrap();
    assert!(body["client_secret"].as_str().unwrap().len() > 40);
    assert!(body["expires_at"].as_u64().unwrap() > 1_700_000_000);

    // The guest cookie alone also opens /chatkit, for the same user.
    let pair = cookie.split(';').next().unwrap().to_owned();
    let by_cookie = s
        .client
        .post(s.url("/chatkit"))
        .header(header::COOKIE, &pair)
        .json(&json!({"type": "threads.list", "params": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(by_cookie.status(), 200);

    s.client
        .post(s.url("/api/chatkit/session"))
        .send()
        .await
        .unwrap();
    let limited = s
        .client
        .post(s.url("/api/chatkit/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), 429);
    let retry: u64 = limited.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=61).contains(&retry));
}

#[tokio::test]
async fn client_mistakes_are_4xx_never_5xx() {
    let s = TestServer::start(|c| c.app.limits.max_body_bytes = 4096).await;
    let secret = s.session().await;
    let raw = |body: &'static str| {
        s.client
            .post(s.url("/chatkit"))
            .bearer_auth(&secret)
            .header(header::CONTENT_TYPE, "text/plain")
            .body(body)
            .send()
    };
    for (body, status) in [
        ("{not json", 400),
        ("", 400),
        ("[1, 2]", 400),
        (r#"{"type": "threads.fly", "params": {}}"#, 400),
        (r#"{"type": "threads.get_by_id"}"#, 400),
        (
            r#"{"type": "threads.get_by_id", "params": {"thread_id": "thr_missing"}}"#,
            404,
        ),
        (
            r#"{"type": "threads.add_user_message", "params": {"thread_id": "thr_missing", "input": {"content": [{"type": "input_text", "text": "x"}], "attachments": [], "inference_options": {}}}}"#,
            404,
        ),
    ] {
        let response = raw(body).await.unwrap();
        assert_eq!(response.status(), status, "{body}");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        let error: Value = response.json().await.unwrap();
        assert!(
            error["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
    let huge = format!(
        r#"{{"type": "threads.list", "params": {{"pad": "{}"}}}}"#,
        "x".repeat(10_000)
    );
    let response = s
        .client
        .post(s.url("/chatkit"))
        .bearer_auth(&secret)
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"]["code"], "payload_too_large");
    // Still serving.
    assert_eq!(
        s.post(&secret, json!({"type": "threads.list", "params": {}}))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn sse_is_framed_as_unnamed_data_events_with_no_buffering_headers() {
    let s = TestServer::start(|_| {}).await;
    let secret = s.session().await;
    let response = s
        .post(
            &secret,
            json!({"type": "threads.create", "params": {"input": input("hello")}}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache, no-transform");
    assert_eq!(headers["x-accel-buffering"], "no");
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    let text = response.text().await.unwrap();
    assert!(text.ends_with("\n\n"));
    let frames: Vec<&str> = text.split("\n\n").filter(|f| !f.is_empty()).collect();
    assert!(frames.len() >= 10);
    for frame in frames {
        assert!(
            frame.starts_with("data: ") && !frame.contains('\n'),
            "{frame:?}"
        );
        let event: Value = serde_json::from_str(&frame["data: ".len()..]).unwrap();
        assert!(event["type"].is_string());
    }
}

#[tokio::test]
async fn turns_are_rate_limited_per_user_with_retry_after() {
    let s = TestServer::start(|c| c.app.limits.turns_per_minute = 2).await;
    let alice = s.session().await;
    s.create_thread(&alice, "one").await;
    s.create_thread(&alice, "two").await;
    let limited = s
        .post(
            &alice,
            json!({"type": "threads.create", "params": {"input": input("three")}}),
        )
        .await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key(header::RETRY_AFTER));
    // JSON operations are not turns, and another user has their own budget.
    assert_eq!(
        s.post(&alice, json!({"type": "threads.list", "params": {}}))
            .await
            .status(),
        200
    );
    let bob = s.session().await;
    s.create_thread(&bob, "mine").await;
}

#[tokio::test]
async fn a_client_that_drops_the_connection_after_the_first_event_still_gets_the_answer_saved() {
    let s = TestServer::start(|_| {}).await;
    let secret = s.session().await;
    let mut response = s
        .post(
            &secret,
            json!({"type": "threads.create", "params": {"input": input("Denver weather?")}}),
        )
        .await;
    let first = response.chunk().await.unwrap().unwrap();
    let first = String::from_utf8(first.to_vec()).unwrap();
    let line = first.lines().next().unwrap();
    let event: Value = serde_json::from_str(line.trim_start_matches("data: ")).unwrap();
    assert_eq!(event["type"], "thread.created");
    let thread_id = event["thread"]["id"].as_str().unwrap().to_owned();
    drop(response);

    let mut found = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let page: Value = s
            .post(
                &secret,
                json!({"type": "items.list", "params": {"thread_id": thread_id, "order": "asc"}}),
            )
            .await
            .json()
            .await
            .unwrap();
        if page["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["type"] == "assistant_message")
        {
            found = true;
            break;
        }
    }
    assert!(
        found,
        "the assistant message is listed after the client went away"
    );
}

#[tokio::test]
async fn attachments_upload_through_a_signed_link_and_preview_inertly() {
    let s = TestServer::start(|_| {}).await;
    let secret = s.session().await;
    let created: Value = s
        .post(&secret, json!({"type": "attachments.create", "params": {"name": "slip.png", "size": 8, "mime_type": "image/png"}}))
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let upload_url = created["upload_descriptor"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        upload_url.starts_with(&s.base) && upload_url.contains("token="),
        "{upload_url}"
    );

    let forged = upload_url.replace("token=", "token=x");
    let part = || {
        reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(b"\x89PNG\r\n\x1a\n".to_vec()),
        )
    };
    let refused = s
        .client
        .post(&forged)
        .multipart(part())
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let uploaded = s
        .client
        .post(&upload_url)
        .multipart(part())
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 200);
    let uploaded: Value = uploaded.json().await.unwrap();
    assert!(uploaded.get("upload_descriptor").is_none());

    let mut message = input("what is on this slip?");
    message["attachments"] = json!([id]);
    let text = s
        .post(
            &secret,
            json!({"type": "threads.create", "params": {"input": message}}),
        )
        .await
        .text()
        .await
        .unwrap();
    let user_message: Value = text
        .split("\n\n")
        .filter_map(|f| f.strip_prefix("data: "))
        .map(|f| serde_json::from_str::<Value>(f).unwrap())
        .find(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "user_message")
        .unwrap();
    let preview = user_message["item"]["attachments"][0]["preview_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let content = s.client.get(&preview).send().await.unwrap();
    assert_eq!(content.status(), 200);
    assert_eq!(content.headers()[header::CONTENT_TYPE], "image/png");
    assert_eq!(content.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        content.bytes().await.unwrap().as_ref(),
        b"\x89PNG\r\n\x1a\n"
    );
}

#[tokio::test]
async fn health_reports_the_database_and_its_latency() {
    let s = TestServer::start(|_| {}).await;
    let response = s.client.get(s.url("/health")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let health: Value = response.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"]["backend"], "sqlite");
    assert_eq!(health["database"]["ok"], true);
    assert!(health["database"]["latency_ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert!(response_has_request_id(&s).await);
}

async fn response_has_request_id(s: &TestServer) -> bool {
    let response = s.client.get(s.url("/health")).send().await.unwrap();
    response
        .headers()
        .get("x-request-id")
        .is_some_and(|v| !v.is_empty())
}

/// A database lost after start-up: /health answers 503 instead of pretending.
#[tokio::test]
async fn health_is_503_when_the_database_is_lost() {
    let database = server::PrivateDatabase::create("pl_health").await;
    let db_url = database.url();
    let s = TestServer::start(|c| c.database_url = db_url.clone()).await;
    let healthy: Value = s
        .client
        .get(s.url("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(healthy["database"]["backend"], "postgres");
    assert_eq!(healthy["status"], "ok");
    // Minted while the database is there: on Postgres the session budget is counted in it.
    let secret = s.session().await;

    database.drop_database().await;
    let response = s.client.get(s.url("/health")).send().await.unwrap();
    assert_eq!(response.status(), 503);
    let health: Value = response.json().await.unwrap();
    assert_eq!(health["status"], "degraded");
    assert_eq!(health["database"]["ok"], false);
    assert!(
        !health.to_string().contains("password"),
        "no driver detail leaks"
    );

    // A turn, a listing or a new session now is a clear, retryable 503, not a 500 or a
    // broken stream.
    let minted = s
        .client
        .post(s.url("/api/chatkit/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(minted.status(), 503);
    assert!(minted.headers().contains_key(header::RETRY_AFTER));
    for body in [
        json!({"type": "threads.create", "params": {"input": input("Lakers tonight?")}}),
        json!({"type": "threads.list", "params": {}}),
    ] {
        let response = s.post(&secret, body.clone()).await;
        assert_eq!(response.status(), 503, "{body}");
        assert!(response.headers().contains_key(header::RETRY_AFTER));
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "unavailable", "{body}");
    }
}

#[tokio::test]
async fn a_request_that_stalls_is_cut_off_with_408() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = TestServer::start(|c| c.app.limits.request_timeout_secs = 1).await;
    let secret = s.session().await;
    let address = s.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /chatkit HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {secret}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"type\""
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = std::time::Instant::now();
    let mut answer = vec![0u8; 512];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("the server answers a stalled body")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]).to_string();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

/// Answers in two words, 1.5 s apart.
struct SlowAnswer;

#[async_trait::async_trait]
impl professor_lock::engine::Responder for SlowAnswer {
    async fn respond(
        &self,
        turn: &mut professor_lock::engine::Turn,
        _input: professor_lock::engine::TurnInput<'_>,
    ) -> Result<(), professor_lock::engine::TurnError> {
        let mut message = professor_lock::engine::AssistantStream::start(turn);
        message.push(turn, "Slow ");
        tokio::time::sleep(Duration::from_millis(1500)).await;
        message.push(turn, "answer.");
        message.finish(turn);
        Ok(())
    }
}

#[tokio::test]
async fn a_stream_outlives_the_request_timeout() {
    let s = TestServer::start_tuned_with_responder(
        |c| c.app.limits.request_timeout_secs = 1,
        std::sync::Arc::new(SlowAnswer),
    )
    .await;
    let secret = s.session().await;
    let (_, events) = s.create_thread(&secret, "hello").await;
    let answer = events
        .iter()
        .find(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "assistant_message")
        .expect("the whole answer arrives after the timeout");
    assert_eq!(answer["item"]["content"][0]["text"], "Slow answer.");
}
