//! The page's door (`/api/ui/*`, Leptos server functions) holds to the same rules as
//! `POST /chatkit` before a server function sees the request: `limits.max_body_bytes` (413),
//! and a JSON body must parse and carry the ChatKit request object (400 with the reason), so a
//! client's mistake is never a 500.

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
    if is_json {
        if let Err(error) = check_json(parts.uri.path(), &bytes) {
            return error.into_response();
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn check_json(path: &str, bytes: &[u8]) -> Result<(), AppError> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| AppError::InvalidRequest(format!("the body is not valid JSON: {e}")))?;
    if CHATKIT_ENDPOINTS.contains(&path) && !value["request"].is_object() {
        return Err(AppError::InvalidRequest(
            "the body must be {\"request\": {...}} with a ChatKit request object".into(),
        ));
    }
    Ok(())
}
