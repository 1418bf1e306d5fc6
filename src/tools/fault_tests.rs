//! The provider fault suite: every tool, with its real provider down (connection refused),
//! slow (past the HTTP timeout), failing (HTTP 500) or sending garbage. Each time the turn ends
//! normally, the tool's result says in words what could not be fetched and from whom, no demo
//! numbers stand in for the real provider, and the wait is bounded by the timeout.

use super::testkit::Kit;
use crate::providers::{ProviderSet, ProvidersConfig};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Router;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_millis(400);

#[derive(Clone, Copy, Debug)]
enum Fault {
    Down,
    Slow,
    Failing,
    Garbage,
}

/// A base URL that behaves as `fault` for every path.
async fn faulty_server(fault: Fault) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    if let Fault::Down = fault {
        // Nothing listens there once the listener is gone: connection refused.
        drop(listener);
        return format!("http://{address}");
    }
    let app = Router::new().fallback(move || async move {
        match fault {
            Fault::Slow => {
                tokio::time::sleep(Duration::from_secs(30)).await;
                StatusCode::OK.into_response()
            }
            Fault::Failing => (StatusCode::INTERNAL_SERVER_ERROR, "upstream broke").into_response(),
            _ => (
                [("content-type", "application/json")],
                "{\"data\": [<<garbage",
            )
                .into_response(),
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}")
}

/// The tool, its arguments, and the configuration that sends it to `base`.
fn cases(base: &str) -> Vec<(&'static str, Value, ProvidersConfig)> {
    let config = ProvidersConfig {
        http_timeout: TIMEOUT,
        retry_backoff: Duration::from_millis(20),
        ..ProvidersConfig::default()
    };
    let odds = ProvidersConfig {
        odds_api_key: Some("k".repeat(32)),
        odds_api_base_url: base.to_owned(),
        ..config.clone()
    };
    let espn = ProvidersConfig {
        espn_enabled: true,
        espn_site_base_url: base.to_owned(),
        espn_web_base_url: base.to_owned(),
        ..config.clone()
    };
    vec![
        ("get_odds_visual", json!({"sport": "nba"}), odds.clone()),
        (
            "build_parlay",
            json!({"sport": "nba", "legs_count": 3}),
            odds,
        ),
        (
            "statmuse_query",
            json!({"question": "How many points is LeBron averaging?"}),
            ProvidersConfig {
                statmuse_base_url: Some(base.to_owned()),
                statmuse_min_interval: Duration::ZERO,
                ..config.clone()
            },
        ),
        (
            "trends_chart",
            json!({"subject": "LeBron James", "sport": "nba"}),
            espn.clone(),
        ),
        ("injury_report", json!({"sport": "nba"}), espn),
        (
            "web_search_visual",
            json!({"query": "weather in Denver"}),
            ProvidersConfig {
                searxng_url: Some(base.to_owned()),
                ..config
            },
        ),
    ]
}

async fn every_tool_survives(fault: Fault) {
    let base = faulty_server(fault).await;
    for (tool, args, config) in cases(&base) {
        let kit = Kit::with_providers(ProviderSet::from_config(&config).unwrap()).await;
        let started = Instant::now();
        let run = kit.run_tool(tool, args).await;
        let waited = started.elapsed();
        let error = run.result["error"].as_str().unwrap_or_else(|| {
            panic!(
                "{tool} {fault:?}: expected an error result, got {}",
                run.result
            )
        });
        assert!(
            error.starts_with("could not get") || error.contains("could not"),
            "{tool} {fault:?}: the error says what failed: {error}"
        );
        assert!(
            !error.to_lowercase().contains("demo"),
            "{tool} {fault:?}: {error}"
        );
        assert!(
            !run.events.iter().any(|e| e["type"] == "error"),
            "{tool} {fault:?}: the turn itself ends normally"
        );
        // A retry of a 5xx waits the backoff once; a slow provider is cut at the timeout.
        assert!(waited < TIMEOUT * 4, "{tool} {fault:?}: waited {waited:?}");
    }
}

#[tokio::test]
async fn every_tool_explains_a_provider_that_is_down() {
    every_tool_survives(Fault::Down).await;
}

#[tokio::test]
async fn every_tool_explains_a_provider_that_is_slow() {
    every_tool_survives(Fault::Slow).await;
}

#[tokio::test]
async fn every_tool_explains_a_provider_that_fails() {
    every_tool_survives(Fault::Failing).await;
}

#[tokio::test]
async fn every_tool_explains_a_provider_that_sends_garbage() {
    every_tool_survives(Fault::Garbage).await;
}
