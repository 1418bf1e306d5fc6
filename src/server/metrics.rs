//! `GET /metrics` in Prometheus text format, and the HTTP request counts.
//!
//! Everything else is recorded where it happens, through the `metrics` facade (a no-op until
//! a recorder is installed, so the engine and the agent carry no dependency on this module):
//! - engine: `pl_turns_total{op,outcome}`, `pl_turn_duration_seconds`, `pl_active_streams`,
//!   `pl_writer_batch_ops`;
//! - agent: `pl_model_request_duration_seconds`, `pl_model_errors_total{kind}`,
//!   `pl_tool_calls_total{tool,outcome}`, `pl_tool_duration_seconds{tool}`;
//! - providers: `pl_provider_request_duration_seconds{provider}`,
//!   `pl_provider_errors_total{provider,kind}`;
//! - here: `pl_http_requests_total{method,route,status}`, `pl_http_request_duration_seconds`
//!   (until the response head: a stream's body is not waited for) and `pl_running_turns`.
//!
//! Who may read it: loopback clients (the client address as the trusted-proxy rules resolve
//! it), or anyone presenting `Authorization: Bearer $PL_METRICS_TOKEN`.

use super::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;
use subtle::ConstantTimeEq;

/// Latency buckets from a cached lookup (1 ms) to a slow model (60 s).
const SECONDS_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];
/// Writes per group commit: 1 (one turn alone) up to the writer's cap of 256.
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];

/// The process's recorder, installed on first use.
pub fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)
            .and_then(|b| {
                b.set_buckets_for_metric(Matcher::Full("pl_writer_batch_ops".into()), BATCH_BUCKETS)
            })
            .expect("the bucket lists are not empty");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics will be empty");
        }
        describe();
        handle
    })
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(
        "pl_http_requests_total",
        "HTTP requests by method, route and status"
    );
    describe_histogram!(
        "pl_http_request_duration_seconds",
        Unit::Seconds,
        "Time to the response head"
    );
    describe_counter!("pl_turns_total", "Turns by operation and outcome");
    describe_histogram!(
        "pl_turn_duration_seconds",
        Unit::Seconds,
        "Turn duration, start to saved"
    );
    describe_gauge!("pl_active_streams", "Event streams open to clients");
    describe_gauge!("pl_running_turns", "Turns running in this process");
    describe_histogram!("pl_writer_batch_ops", "Writes per group commit");
    describe_histogram!(
        "pl_model_request_duration_seconds",
        Unit::Seconds,
        "Model request to its first event"
    );
    describe_counter!("pl_model_errors_total", "Model failures by kind");
    describe_counter!("pl_tool_calls_total", "Tool calls by tool and outcome");
    describe_histogram!(
        "pl_tool_duration_seconds",
        Unit::Seconds,
        "Tool call duration"
    );
    describe_histogram!(
        "pl_provider_request_duration_seconds",
        Unit::Seconds,
        "Data provider call duration"
    );
    describe_counter!(
        "pl_provider_errors_total",
        "Data provider failures by provider and kind"
    );
    describe_histogram!(
        "pl_shared_rate_limit_seconds",
        Unit::Seconds,
        "Round trip charging a request to the rate limits shared in Postgres"
    );
    describe_counter!(
        "pl_background_runs_total",
        "Runs of periodic background work by this process, by task"
    );
}

/// Counts every request by its route template (never the raw path: ids would explode the
/// label set).
pub async fn track_requests(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!("pl_http_request_duration_seconds", "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("pl_http_requests_total", "method" => method, "route" => route, "status" => status)
        .increment(1);
    response
}

pub async fn render(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let ip = state.proxies.client_ip(&parts.extensions, &parts.headers).0;
    if !ip.is_loopback() && !has_token(&parts.headers, state.config.metrics_token.as_ref()) {
        return (
            StatusCode::FORBIDDEN,
            "metrics are served to loopback clients or with the metrics token\n",
        )
            .into_response();
    }
    metrics::gauge!("pl_running_turns").set(state.engine.running_turns() as f64);
    let handle = recorder();
    handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

fn has_token(headers: &HeaderMap, token: Option<&crate::config::Secret>) -> bool {
    let Some(token) = token else { return false };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    // Constant time: the comparison must not tell an attacker how much of a guess was right.
    presented.is_some_and(|p| bool::from(p.as_bytes().ct_eq(token.expose().as_bytes())))
}
