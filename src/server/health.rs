//! `GET /health`: the version and a live database check with its latency; 503 when the
//! database does not answer.

use super::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};
use std::time::Duration;

const DB_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let backend = state.engine.store().backend();
    let check = tokio::time::timeout(DB_CHECK_TIMEOUT, state.engine.store().ping()).await;
    let (status, database) = match check {
        Ok(Ok(latency)) => (
            StatusCode::OK,
            json!({"backend": backend, "ok": true, "latency_ms": latency.as_secs_f64() * 1000.0}),
        ),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health: database check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                json!({"backend": backend, "ok": false, "error": "database unreachable"}),
            )
        }
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"backend": backend, "ok": false, "error": "database check timed out"}),
        ),
    };
    let overall = if status == StatusCode::OK {
        "ok"
    } else {
        "degraded"
    };
    (
        status,
        Json(json!({
            "status": overall,
            "version": env!("CARGO_PKG_VERSION"),
            "database": database,
        })),
    )
}
