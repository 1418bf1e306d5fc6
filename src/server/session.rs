//! `POST /api/chatkit/session`: a short-lived client secret for the caller, for ChatKit
//! clients to send as `Authorization: Bearer …` to `/chatkit`. Minted only from the guest
//! cookie (a new guest when there is none and guests are allowed) or the identity provider's
//! JWT; a client secret cannot mint another (403), so it cannot renew itself forever.

use super::auth::MaybeCaller;
use super::client_ip::ClientIp;
use super::AppState;
use crate::error::AppError;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

pub async fn create_session(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    MaybeCaller(caller): MaybeCaller,
) -> Result<Response, AppError> {
    state.limits.check_session(ip).await?;
    let jar = state.auth.cookie_jar(&headers);
    let (caller, jar) = match caller {
        Some(caller) => (caller, jar),
        None if state.auth.guests_allowed => {
            state.limits.check_new_guest(ip).await?;
            state.auth.new_guest(jar)
        }
        None => return Err(AppError::Unauthorized("sign in first".into())),
    };
    let (client_secret, expires_at) = state.auth.mint_client_secret(&caller)?;
    // Never the secret itself.
    tracing::info!(user = %caller.user_id, via = ?caller.kind, expires_at, "chatkit session created");
    Ok((
        jar,
        Json(json!({"client_secret": client_secret, "expires_at": expires_at})),
    )
        .into_response())
}
