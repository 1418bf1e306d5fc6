//! `GET /health` (liveness: cheap, the version and a database round trip for the operator's
//! eye) and `GET /ready` (readiness for a load balancer: 200 only when this process should get
//! traffic, else 503 with the reason). Both ask the engine; the door holds no store.

use super::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let check = state.engine.check_database().await;
    let (status, database) = match check.latency {
        Ok(latency) => (
            StatusCode::OK,
            json!({"backend": check.backend, "ok": true, "latency_ms": latency.as_secs_f64() * 1000.0}),
        ),
        Err(error) => (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"backend": check.backend, "ok": false, "error": error}),
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

pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match state.engine.readiness().await {
        Ok(()) => (StatusCode::OK, Json(json!({"status": "ready"}))),
        Err(not_ready) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "status": "not_ready",
                "reason": not_ready.reason(),
                "message": not_ready.message(),
            })),
        ),
    }
}
