//! The page's Content-Security-Policy (server only). Leptos puts a fresh nonce on every inline
//! script it renders (hydration, streamed resources); the policy lets only those run, lets them
//! load the WASM they import ('strict-dynamic', 'wasm-unsafe-eval'), and forbids framing, so
//! Lock It In cannot be clickjacked. Styles may be inline: widgets carry style attributes, and a
//! style cannot run code.

use axum::http::{header, HeaderValue};
use leptos::nonce::use_nonce;
use leptos::prelude::use_context;

/// The policy for one response, given its nonce.
pub fn page_policy(nonce: &str, live_reload: bool) -> String {
    let reload = if live_reload { " ws:" } else { "" };
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
         connect-src 'self'{reload}; frame-ancestors 'none'; base-uri 'none'; \
         form-action 'self'; object-src 'none'"
    )
}

/// Sets the policy on the response being rendered (called from the shell).
pub fn set_page_policy() {
    let (Some(nonce), Some(response)) =
        (use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    // `cargo leptos watch` reloads the page over a websocket.
    let live_reload = std::env::var_os("LEPTOS_WATCH").is_some();
    match HeaderValue::from_str(&page_policy(&nonce.to_string(), live_reload)) {
        Ok(value) => response.insert_header(header::CONTENT_SECURITY_POLICY, value),
        Err(error) => tracing::error!(%error, "content security policy is not a header value"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_runs_only_nonced_scripts_and_forbids_framing() {
        let policy = page_policy("abc123", false);
        assert!(policy.contains("script-src 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval';"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("object-src 'none'"));
        assert!(!policy.contains("unsafe-eval'") || policy.contains("wasm-unsafe-eval"));
        assert!(!policy.contains("ws:"));
        assert!(page_policy("n", true).contains("connect-src 'self' ws:;"));
    }
}
