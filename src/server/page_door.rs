//! The page's door (`/api/ui/*`, Leptos server functions) holds to the same rules as
//! `POST /chatkit` before a server function sees the request: `limits.max_body_bytes` (413),
//! the ChatKit endpoints take only JSON carrying a ChatKit request that parses, and Stop takes
//! a form with a thread id (400 with the reason otherwise). Leptos answers a body its server
//! function cannot decode with 500, so a client's mistake is caught here, never there.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::chatkit::read_body;
use super::AppState;
use crate::error::AppError;

/// Server functions whose JSON body is `{"request": {...ChatKit request...}}`.
const CHATKIT_ENDPOINTS: [&str; 2] = ["/api/ui/chatkit_stream", "/api/ui/chatkit_call"];
/// The Stop button's server function: a form with `thread_id`.
const CANCEL_ENDPOINT: &str = "/api/ui/cancel_turn";

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/ui/") {
        return next.run(request).await;
    }
    let limit = state.config.app.limits.max_body_bytes;
    let (parts, body) = request.into_parts();
    let bytes = match read_body(&parts.headers, body, limit).await {
        Ok(bytes) => bytes,
        Err(error) => return error.into_response(),
    };
    let is_json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let path = parts.uri.path();
    let checked = if CHATKIT_ENDPOINTS.contains(&path) {
        check_chatkit(is_json, &bytes)
    } else if path == CANCEL_ENDPOINT {
        check_cancel(&bytes)
    } else if is_json {
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .map(drop)
            .map_err(|e| AppError::InvalidRequest(format!("the body is not valid JSON: {e}")))
    } else {
        Ok(())
    };
    if let Err(error) = checked {
        return error.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn check_chatkit(is_json: bool, bytes: &[u8]) -> Result<(), AppError> {
    if !is_json {
        return Err(AppError::InvalidRequest(
            "send the request as application/json".into(),
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| AppError::InvalidRequest(format!("the body is not valid JSON: {e}")))?;
    let request = value
        .get("request")
        .filter(|r| r.is_object())
        .ok_or_else(|| {
            AppError::InvalidRequest(
                "the body must be {\"request\": {...}} with a ChatKit request object".into(),
            )
        })?;
    // The same reading and the same error as `POST /chatkit`.
    crate::engine::Engine::parse(request.to_string().as_bytes()).map(drop)
}

fn check_cancel(bytes: &[u8]) -> Result<(), AppError> {
    let has_thread = url::form_urlencoded::parse(bytes)
        .any(|(key, value)| key == "thread_id" && !value.is_empty());
    if has_thread {
        Ok(())
    } else {
        Err(AppError::InvalidRequest(
            "send a form with the thread_id of the turn to stop".into(),
        ))
    }
}
