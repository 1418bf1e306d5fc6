//! The one error type of the HTTP doors. Each error knows its status and its wire code
//! (chatkit-protocol.md §12.3); internal causes are logged with the request's span and answered
//! with a generic message, so no database text or secret reaches a client.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body is not JSON, not an object, has an unknown `type`, or a missing/mistyped field.
    #[error("{0}")]
    InvalidRequest(String),
    /// Well-formed, but not allowed in this state (e.g. retrying a non-user item).
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The request contradicts the resource's state (e.g. a second upload of one attachment).
    #[error("{0}")]
    Conflict(String),
    #[error("request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("too many requests; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("{0}")]
    NotImplemented(String),
    /// The database is out of reach, or the server is shutting down: nothing was done and the
    /// same request may succeed shortly (503 with `Retry-After`).
    #[error("{0}")]
    Unavailable(String),
    /// A fault of ours; the cause is logged, never sent.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::InvalidRequest(_) | AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::InvalidRequest(_) => "invalid_request",
            AppError::BadRequest(_) => "bad_request",
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::PayloadTooLarge { .. } => "payload_too_large",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::NotImplemented(_) => "not_implemented",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        AppError::Internal(cause.to_string())
    }

    /// The database is out of reach: 503, and the client may retry.
    pub fn database_unavailable() -> Self {
        AppError::Unavailable("the database is unavailable; retry in a moment".into())
    }
}

/// How long a client told the service is unavailable waits before retrying.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

impl From<crate::store::StoreError> for AppError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::InvalidCursor(c) => AppError::InvalidRequest(format!(
                "cursor {c} does not name an entry of this listing"
            )),
            crate::store::StoreError::NoRow(what) => AppError::NotFound(what),
            e if e.is_unavailable() => {
                // The driver's text stays in the log; the client learns only that it may retry.
                tracing::warn!(error = %e, "database unavailable");
                AppError::database_unavailable()
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            AppError::Internal(cause) => tracing::error!(%cause, "internal error"),
            other => {
                tracing::info!(status = status.as_u16(), code = other.code(), message = %other, "request refused")
            }
        }
        let body = json!({"error": {"code": self.code(), "message": self.to_string()}});
        let mut response = (status, axum::Json(body)).into_response();
        let retry_after_secs = match self {
            AppError::RateLimited { retry_after_secs } => Some(retry_after_secs.max(1)),
            AppError::Unavailable(_) => Some(UNAVAILABLE_RETRY_AFTER_SECS),
            _ => None,
        };
        if let Some(secs) = retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(e: AppError) -> (StatusCode, serde_json::Value, Option<String>) {
        let response = e.into_response();
        let status = response.status();
        let retry = response
            .headers()
            .get(header::RETRY_AFTER)
            .map(|v| v.to_str().unwrap().to_owned());
        let bytes = axum::body::to_bytes(response.into_body(), 10_000)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap(), retry)
    }

    #[tokio::test]
    async fn errors_are_json_with_status_and_code() {
        let (status, body, _) = body_of(AppError::NotFound("thread thr_x not found".into())).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(
            body,
            json!({"error": {"code": "not_found", "message": "thread thr_x not found"}})
        );
    }

    #[tokio::test]
    async fn internal_causes_are_not_sent() {
        let (status, body, _) = body_of(AppError::internal(
            "password authentication failed for user x",
        ))
        .await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["message"], "internal error");
    }

    #[tokio::test]
    async fn an_unreachable_database_is_503_with_retry_after_and_no_driver_text() {
        let pool_timeout = crate::store::StoreError::Database(sqlx::Error::PoolTimedOut);
        let (status, body, retry) = body_of(AppError::from(pool_timeout)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body["error"]["code"], "unavailable");
        assert!(!body.to_string().contains("pool"), "{body}");
        assert_eq!(retry.as_deref(), Some("5"));
    }

    #[tokio::test]
    async fn rate_limits_say_when_to_retry() {
        let (status, body, retry) = body_of(AppError::RateLimited {
            retry_after_secs: 7,
        })
        .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(body["error"]["code"], "rate_limited");
        assert_eq!(retry.as_deref(), Some("7"));
    }
}
