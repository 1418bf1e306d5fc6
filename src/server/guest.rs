//! Gives every browser that opens the app its own guest user (a signed, HttpOnly cookie), so
//! the page and its server functions are scoped to that user from the first request, within
//! the per-address guest budget (429 beyond it); and renews a guest's cookie as it is used, so
//! its expiry rolls forward.

use super::AppState;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn guest_cookie(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !state.auth.guests_allowed || request.headers().contains_key(header::AUTHORIZATION) {
        return next.run(request).await;
    }
    let session = match state.auth.guest_session(request.headers()).await {
        Ok(session) => session,
        Err(e) => {
            // The handler checks again and answers for itself (e.g. /health's 503).
            tracing::warn!(error = %e, "guest cookie check failed");
            return next.run(request).await;
        }
    };
    let jar = state.auth.cookie_jar(request.headers());
    if let Some(session) = session {
        let response = next.run(request).await;
        return if session.needs_renewal {
            let jar = state.auth.with_guest_cookie(jar, &session.caller);
            (jar, response).into_response()
        } else {
            response
        };
    }
    let is_page = request.method() == Method::GET
        && (request.uri().path() == "/" || request.uri().path().starts_with("/professor-lock"));
    if !is_page {
        return next.run(request).await;
    }
    let ip = state
        .proxies
        .client_ip(request.extensions(), request.headers())
        .0;
    if let Err(refused) = state.limits.check_new_guest(ip).await {
        tracing::info!(%ip, "guest budget of this address spent");
        return refused.into_response();
    }
    let (caller, jar) = state.auth.new_guest(jar);
    tracing::info!(user = %caller.user_id, "new guest");
    let (mut parts, body) = request.into_parts();
    // The page renders for the new guest right away: hand the cookie to this request too.
    let signed = signed_pair(&jar);
    if let Ok(value) = header::HeaderValue::from_str(&signed) {
        parts.headers.insert(header::COOKIE, value);
    }
    let response = next.run(Request::from_parts(parts, body)).await;
    (jar, response).into_response()
}

/// The `name=value` pair the browser will send back for the jar's signed cookie.
fn signed_pair(jar: &axum_extra::extract::cookie::SignedCookieJar) -> String {
    let response = (jar.clone(), ()).into_response();
    response
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_owned()
}
