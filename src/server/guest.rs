//! Gives every browser that opens the app its own guest user (a signed, HttpOnly cookie), so
//! the page and its server functions are scoped to that user from the first request.

use super::AppState;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn ensure_guest_cookie(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let is_page = request.method() == Method::GET
        && (request.uri().path() == "/" || request.uri().path().starts_with("/professor-lock"));
    if !is_page
        || !state.auth.guests_allowed
        || request.headers().contains_key(header::AUTHORIZATION)
    {
        return next.run(request).await;
    }
    match state.auth.identify(request.headers()) {
        Ok(Some(_)) => next.run(request).await,
        _ => {
            let (caller, jar) = state
                .auth
                .new_guest(state.auth.cookie_jar(request.headers()));
            tracing::info!(user = %caller.user_id, "new guest");
            let (mut parts, body) = request.into_parts();
            // The page renders for the new guest right away: hand the cookie to this request too.
            if let Some(cookie) = jar.get(super::auth::GUEST_COOKIE) {
                let signed = jar_cookie_header(&jar, &cookie);
                if let Ok(value) = header::HeaderValue::from_str(&signed) {
                    parts.headers.insert(header::COOKIE, value);
                }
            }
            let response = next.run(Request::from_parts(parts, body)).await;
            (jar, response).into_response()
        }
    }
}

/// The `name=value` pair the browser will send back for the jar's signed cookie.
fn jar_cookie_header(
    jar: &axum_extra::extract::cookie::SignedCookieJar,
    _plain: &axum_extra::extract::cookie::Cookie<'_>,
) -> String {
    let response = (jar.clone(), ()).into_response();
    response
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_owned()
}
