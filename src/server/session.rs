//! `POST /api/chatkit/session`: a short-lived client secret for the caller (guest cookie user,
//! or a valid JWT), for ChatKit clients to send as `Authorization: Bearer …` to `/chatkit`.

use super::AppState;
use crate::error::AppError;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::net::SocketAddr;

pub async fn create_session(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    state.limits.check_session(peer.ip())?;
    let jar = state.auth.cookie_jar(&headers);
    let (caller, jar) = match state.auth.identify(&headers)? {
        Some(caller) => (caller, jar),
        None if state.auth.guests_allowed => state.auth.new_guest(jar),
        None => return Err(AppError::Unauthorized("sign in first".into())),
    };
    let (client_secret, expires_at) = state.auth.mint_client_secret(&caller.user_id)?;
    // Never the secret itself.
    tracing::info!(user = %caller.user_id, via = ?caller.kind, expires_at, "chatkit session created");
    Ok((
        jar,
        Json(json!({"client_secret": client_secret, "expires_at": expires_at})),
    )
        .into_response())
}
