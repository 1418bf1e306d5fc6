//! `GET /metrics`: Prometheus text with what the server did, readable from loopback or with
//! the metrics token, never by an ordinary client.

use super::input;
use super::server::TestServer;
use professor_lock::config::Secret;
use serde_json::json;

#[tokio::test]
async fn metrics_count_requests_turns_tools_and_writes() {
    let s = TestServer::start_with_agent().await;
    let secret = s.session().await;
    let body =
        json!({"type": "threads.create", "params": {"input": input("Show me tonight's NBA odds")}});
    let events = s.post(&secret, body).await.text().await.unwrap();
    assert!(events.contains("thread.item.done"), "{events}");

    let response = s.client.get(s.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = response.text().await.unwrap();
    for expected in [
        r#"pl_http_requests_total{method="POST",route="/chatkit",status="200"} 1"#,
        r#"pl_http_requests_total{method="POST",route="/api/chatkit/session",status="200"} 1"#,
        r#"pl_turns_total{op="threads.create",outcome="done"} 1"#,
        r#"pl_tool_calls_total{tool="get_odds_visual",outcome="ok"} 1"#,
        r#"pl_tool_duration_seconds_bucket{tool="get_odds_visual",le="+Inf"} 1"#,
        r#"pl_model_request_duration_seconds_count"#,
        r#"pl_writer_batch_ops_bucket{le="256"}"#,
        r#"pl_turn_duration_seconds_count 1"#,
        "# TYPE pl_active_streams gauge",
        "pl_running_turns 0",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // Every stream has ended, so none is counted as open.
    assert!(text.contains("pl_active_streams 0"), "{text}");
    // Raw paths never become labels (ids would grow the set without bound).
    assert!(!text.contains("thr_"), "{text}");
}

#[tokio::test]
async fn metrics_are_refused_off_this_machine_without_the_token() {
    let token = "m".repeat(40);
    let s = TestServer::start(|c| {
        // The test client is the proxy; the client it forwards for is remote.
        c.app.limits.trusted_proxies = vec!["127.0.0.1".into()];
        c.metrics_token = Some(Secret::new(token.clone()));
    })
    .await;
    let get = |bearer: Option<&str>| {
        let mut request = s
            .client
            .get(s.url("/metrics"))
            .header("x-forwarded-for", "203.0.113.9");
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        request.send()
    };
    assert_eq!(get(None).await.unwrap().status(), 403);
    assert_eq!(get(Some("wrong-token")).await.unwrap().status(), 403);
    let wrong_length = "m".repeat(39);
    assert_eq!(get(Some(&wrong_length)).await.unwrap().status(), 403);
    let opened = get(Some(&token)).await.unwrap();
    assert_eq!(opened.status(), 200);
    assert!(opened
        .text()
        .await
        .unwrap()
        .contains("# TYPE pl_http_requests_total counter"));
}
