//! The one error type of the providers module.
//!
//! Owns: the classification every caller relies on (auth/quota errors trip the circuit
//! breaker, 429/5xx are retried once) and user-facing messages. Messages never contain API
//! keys or request URLs (which carry keys as query parameters); raw details that might help an
//! operator go to `tracing` at the place the error is made, not into the message.

use std::time::Duration;

/// Errors from any provider. `Display` is safe to show to users.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    /// The provider's configuration is unusable (e.g. a malformed base URL).
    #[error("{provider} is misconfigured: {detail}")]
    Config {
        provider: &'static str,
        detail: String,
    },

    /// The key is missing, unknown or deactivated.
    #[error("{provider} rejected the API key; check the server's configuration")]
    InvalidKey { provider: &'static str },

    /// The plan's usage credits are used up (The Odds API reports this as a 401).
    #[error("{provider} usage quota has been reached")]
    OutOfCredits { provider: &'static str },

    /// Too many requests in a short time.
    #[error("{provider} is rate limiting requests; try again shortly")]
    RateLimited {
        provider: &'static str,
        retry_after: Option<Duration>,
    },

    /// The provider refused the parameters (HTTP 400/422). `message` is the provider's own
    /// wording, trimmed and scrubbed of secrets.
    #[error("{provider} did not accept the request: {message}")]
    InvalidRequest {
        provider: &'static str,
        code: String,
        message: String,
    },

    /// Unknown sport, event, player or team.
    #[error("{provider} has no data for {what}")]
    NotFound {
        provider: &'static str,
        what: String,
    },

    /// StatMuse sent us to its sign-up page (free asks used up).
    #[error("{provider} asks to sign up before answering more questions")]
    SignUpRequired { provider: &'static str },

    /// Access refused for reasons other than the key (e.g. SearXNG with JSON output disabled,
    /// a site blocking server IPs).
    #[error("{provider} refused access: {detail}")]
    Forbidden {
        provider: &'static str,
        detail: String,
    },

    /// The provider failed on its side (HTTP 5xx, or all upstream engines down).
    #[error("{provider} is having trouble right now (HTTP {status})")]
    Upstream { provider: &'static str, status: u16 },

    /// Could not reach the provider (DNS, connect, TLS, timeout).
    #[error("could not reach {provider}: {detail}")]
    Network {
        provider: &'static str,
        detail: String,
    },

    /// The response did not have the expected shape. The detail is logged, not shown.
    #[error("{provider} sent a response that could not be read")]
    Malformed {
        provider: &'static str,
        detail: String,
    },

    /// The provider understood the request but had no answer.
    #[error("{provider} could not answer that: {detail}")]
    NoAnswer {
        provider: &'static str,
        detail: String,
    },

    /// The provider cannot do this at all (e.g. player props from ESPN).
    #[error("{provider} does not offer {what}")]
    Unsupported {
        provider: &'static str,
        what: String,
    },

    /// Every provider in a chain was skipped (all switched off by the circuit breaker).
    #[error("no {tool} provider is available right now")]
    Unavailable { tool: &'static str },
}

impl ProviderError {
    /// Errors that will not go away by retrying during this process: the chain stops using the
    /// provider that produced them (circuit breaker).
    pub fn trips_breaker(&self) -> bool {
        matches!(
            self,
            ProviderError::InvalidKey { .. }
                | ProviderError::OutOfCredits { .. }
                | ProviderError::SignUpRequired { .. }
                | ProviderError::Forbidden { .. }
                | ProviderError::Config { .. }
        )
    }

    /// Errors worth one retry after a short wait.
    pub fn is_retryable(&self) -> bool {
        match self {
            ProviderError::RateLimited { .. } => true,
            ProviderError::Upstream { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// A short, fixed name for the kind of failure (a metrics label).
    pub fn kind(&self) -> &'static str {
        match self {
            ProviderError::Config { .. } => "config",
            ProviderError::InvalidKey { .. } => "invalid_key",
            ProviderError::OutOfCredits { .. } => "out_of_credits",
            ProviderError::RateLimited { .. } => "rate_limited",
            ProviderError::InvalidRequest { .. } => "invalid_request",
            ProviderError::NotFound { .. } => "not_found",
            ProviderError::SignUpRequired { .. } => "sign_up_required",
            ProviderError::Forbidden { .. } => "forbidden",
            ProviderError::Upstream { .. } => "upstream",
            ProviderError::Network { .. } => "network",
            ProviderError::Malformed { .. } => "malformed",
            ProviderError::NoAnswer { .. } => "no_answer",
            ProviderError::Unsupported { .. } => "unsupported",
            ProviderError::Unavailable { .. } => "unavailable",
        }
    }

    /// Name of the provider that failed, when there is one.
    pub fn provider(&self) -> Option<&'static str> {
        match self {
            ProviderError::Config { provider, .. }
            | ProviderError::InvalidKey { provider }
            | ProviderError::OutOfCredits { provider }
            | ProviderError::RateLimited { provider, .. }
            | ProviderError::InvalidRequest { provider, .. }
            | ProviderError::NotFound { provider, .. }
            | ProviderError::SignUpRequired { provider }
            | ProviderError::Forbidden { provider, .. }
            | ProviderError::Upstream { provider, .. }
            | ProviderError::Network { provider, .. }
            | ProviderError::Malformed { provider, .. }
            | ProviderError::NoAnswer { provider, .. }
            | ProviderError::Unsupported { provider, .. } => Some(provider),
            ProviderError::Unavailable { .. } => None,
        }
    }

    /// Maps a transport error without its URL (ours carry keys in the query string).
    pub(crate) fn network(provider: &'static str, err: reqwest::Error) -> Self {
        let detail = if err.is_timeout() {
            "the request timed out".to_owned()
        } else if err.is_connect() {
            "connection failed".to_owned()
        } else if err.is_decode() || err.is_body() {
            return ProviderError::Malformed {
                provider,
                detail: err.without_url().to_string(),
            };
        } else {
            err.without_url().to_string()
        };
        ProviderError::Network { provider, detail }
    }

    pub(crate) fn malformed(provider: &'static str, detail: impl ToString) -> Self {
        let detail = detail.to_string();
        tracing::warn!(provider, %detail, "unreadable provider response");
        ProviderError::Malformed { provider, detail }
    }
}

/// Trims provider-supplied text for inclusion in a message and removes `secret` if it was
/// echoed back, so a misbehaving upstream cannot leak our key into the UI.
pub(crate) fn scrub(text: &str, secret: Option<&str>) -> String {
    let mut s: String = text.trim().chars().take(200).collect();
    if let Some(secret) = secret.filter(|k| !k.is_empty()) {
        s = s.replace(secret, "[redacted]");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        let p = "The Odds API";
        assert!(ProviderError::OutOfCredits { provider: p }.trips_breaker());
        assert!(ProviderError::InvalidKey { provider: p }.trips_breaker());
        assert!(!ProviderError::OutOfCredits { provider: p }.is_retryable());
        assert!(ProviderError::RateLimited {
            provider: p,
            retry_after: None
        }
        .is_retryable());
        assert!(ProviderError::Upstream {
            provider: p,
            status: 503
        }
        .is_retryable());
        assert!(!ProviderError::NotFound {
            provider: p,
            what: "x".into()
        }
        .trips_breaker());
    }

    #[test]
    fn scrub_removes_secret_and_trims() {
        let s = scrub("  bad key abc123 given ", Some("abc123"));
        assert_eq!(s, "bad key [redacted] given");
        assert_eq!(scrub(&"x".repeat(500), None).len(), 200);
    }
}
