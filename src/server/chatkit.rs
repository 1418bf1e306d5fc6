//! `POST /chatkit`: authenticate, read the body within its limit, rate-limit turns, hand the
//! request to the engine and answer JSON or SSE. No protocol logic lives here.

use super::auth::Caller;
use super::client_ip::ClientIp;
use super::limits::Charge;
use super::AppState;
use crate::engine::{Engine, Reply, RequestContext};
use crate::error::AppError;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use std::convert::Infallible;
use std::time::Duration;

const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub async fn chatkit(
    State(state): State<AppState>,
    caller: Caller,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let bytes = read_body(&headers, body, state.config.app.limits.max_body_bytes).await?;
    let request = Engine::parse(&bytes)?;
    state
        .limits
        .admit(&caller, ip, Charge::of(&request))
        .await?;
    let ctx = RequestContext {
        user_id: caller.user_id,
        base_url: state.public_url.to_string(),
    };
    Ok(match state.engine.dispatch(&ctx, request).await? {
        Reply::Json(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Reply::Stream(events) => sse(events),
    })
}

/// The body, or 413 as soon as it is known to be too large (declared or actual length).
pub async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<axum::body::Bytes, AppError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(AppError::PayloadTooLarge { limit });
    }
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| AppError::PayloadTooLarge { limit })
}

/// SSE with unnamed `data:` events, keep-alive comments, and headers that stop proxies from
/// buffering or compressing the stream.
pub fn sse(events: crate::engine::EventStream) -> Response {
    let stream = events.map(|json| Ok::<_, Infallible>(Event::default().data(&*json)));
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"))
        .into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, no-transform"),
    );
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}
