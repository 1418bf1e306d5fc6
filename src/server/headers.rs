//! What every response carries besides its body: security headers (no framing, no sniffing, no
//! referrer), compression for pages and static assets (never for streams), and how long each may
//! be cached (hashed `/pkg` assets forever, everything else revalidated). The page's own Content-Security-Policy, with the per-request nonce Leptos
//! puts on its inline scripts, is set where the page renders (`ui::csp`); every other response
//! gets a policy that allows nothing to run and nothing to frame it.

use axum::extract::Request;
use axum::http::{header, HeaderValue, Response};
use axum::middleware::Next;
use axum::response::IntoResponse;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// For responses that are not the page: nothing runs, nothing frames them.
const LOCKED_DOWN_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The security headers, each only where the handler did not set its own (the page's CSP, the
/// attachment preview's sandbox).
pub fn security_layers() -> [SetResponseHeaderLayer<HeaderValue>; 4] {
    [
        SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ),
        SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(LOCKED_DOWN_CSP),
        ),
    ]
}

/// Compresses what is worth it and complete when sent: HTML, CSS, JavaScript, WASM, JSON and
/// SVG. Streams (SSE and the page's streaming server function, `text/plain`) are never
/// compressed: an encoder buffers, and a buffered stream is a frozen answer.
#[derive(Clone, Copy)]
pub struct CompressibleContent;

impl Predicate for CompressibleContent {
    fn should_compress<B>(&self, response: &Response<B>) -> bool
    where
        B: http_body::Body,
    {
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        matches!(
            essence.as_str(),
            "text/html"
                | "text/css"
                | "text/javascript"
                | "application/javascript"
                | "application/wasm"
                | "application/json"
                | "image/svg+xml"
        )
    }
}

pub fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .compress_when(DefaultPredicate::new().and(CompressibleContent))
}

/// A year: the longest `max-age` caches honour.
const FOREVER: &str = "public, max-age=31536000, immutable";

/// Hashed `/pkg` assets (`name.<hash>.ext`, cargo-leptos `hash-files`) never change under their
/// name, so they are cached for good; a new build links new names. Unhashed assets (a dev build)
/// and pages must be revalidated (a cheap 304), or a browser runs last week's WASM against
/// today's server.
pub async fn cache_policy(request: Request, next: Next) -> impl IntoResponse {
    let path = request.uri().path();
    let asset = path.strip_prefix("/pkg/").map(is_hashed_name);
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let policy = match asset {
        // A 304 carries the policy too: its headers replace the cached ones.
        Some(true)
            if response.status().is_success()
                || response.status() == axum::http::StatusCode::NOT_MODIFIED =>
        {
            FOREVER
        }
        Some(_) => "no-cache",
        None if html => "no-cache",
        None => return response,
    };
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// `professor_lock.<22 base64url characters: an MD5>.wasm`, as cargo-leptos names them.
pub fn is_hashed_name(file: &str) -> bool {
    let mut parts = file.rsplit('.');
    let (Some(_ext), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !stem.is_empty()
        && hash.len() == 22
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::is_hashed_name;

    #[test]
    fn only_cargo_leptos_hashed_names_count_as_hashed() {
        assert!(is_hashed_name("professor_lock.AbCdEfGhIjKlMnOpQrSt_-.wasm"));
        assert!(is_hashed_name("professor_lock.AbCdEfGhIjKlMnOpQrSt_-.css"));
        assert!(!is_hashed_name("professor_lock.wasm"));
        assert!(!is_hashed_name("professor_lock.short.wasm"));
        assert!(!is_hashed_name(
            "professor_lock.AbCdEfGhIjKlMnOpQrSt/-.wasm"
        ));
        assert!(!is_hashed_name("AbCdEfGhIjKlMnOpQrSt_-.wasm"));
    }
}
