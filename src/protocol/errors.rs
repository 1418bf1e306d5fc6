//! Error shapes (spec §12): the stream `error` event and our HTTP error body.

use serde::{Deserialize, Serialize};

wire_enum! {
    /// The only codes the SDK model accepts; we send nothing else.
    #[derive(Default)]
    pub enum ErrorCode {
        /// The client shows its own localized generic error.
        StreamError = "stream.error",
        /// The client shows `message`.
        #[default]
        Custom = "custom",
    }
}

/// The body of an `error` stream event (the `type` tag is added by
/// [`ThreadStreamEvent::Error`](super::ThreadStreamEvent::Error)). It ends the turn; the stream
/// then ends normally.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEvent {
    #[serde(default)]
    pub code: ErrorCode,
    /// User-facing, already localized; used with `custom`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default)]
    pub allow_retry: bool,
}

impl ErrorEvent {
    /// A generic failure the user may retry (the SDK's answer to any unexpected exception).
    pub fn stream_error() -> Self {
        Self {
            code: ErrorCode::StreamError,
            message: None,
            allow_retry: true,
        }
    }

    /// A failure explained to the user in `message` (Markdown not rendered; keep it short).
    pub fn custom(message: impl Into<String>, allow_retry: bool) -> Self {
        Self {
            code: ErrorCode::Custom,
            message: Some(message.into()),
            allow_retry,
        }
    }

    pub fn with_allow_retry(mut self, allow_retry: bool) -> Self {
        self.allow_retry = allow_retry;
        self
    }
}

/// Our JSON error body for non-2xx answers: `{"error": {"code", "message"}}` (the SDK defines
/// none; the web component only needs the status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpErrorBody {
    pub error: HttpError,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpError {
    pub code: HttpErrorCode,
    /// For logs and other clients; never a raw internal error.
    pub message: String,
}

impl HttpErrorBody {
    pub fn new(code: HttpErrorCode, message: impl Into<String>) -> Self {
        Self {
            error: HttpError {
                code,
                message: message.into(),
            },
        }
    }

    pub fn status(&self) -> u16 {
        self.error.code.status()
    }
}

wire_enum! {
    pub enum HttpErrorCode {
        /// Body or schema problems.
        InvalidRequest = "invalid_request",
        /// Semantic problems, e.g. retrying a non-user item or writing to a closed thread.
        BadRequest = "bad_request",
        Unauthorized = "unauthorized",
        Forbidden = "forbidden",
        NotFound = "not_found",
        Internal = "internal",
        /// Optional features this deployment lacks (attachments, transcription).
        NotImplemented = "not_implemented",
    }
}

impl HttpErrorCode {
    pub const fn status(self) -> u16 {
        match self {
            Self::InvalidRequest | Self::BadRequest => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Internal => 500,
            Self::NotImplemented => 501,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn constructors_match_the_sdk_mapping() {
        assert_eq!(
            serde_json::to_value(ErrorEvent::stream_error()).unwrap(),
            json!({"code": "stream.error", "allow_retry": true})
        );
        assert_eq!(
            serde_json::to_value(ErrorEvent::custom("Odds feed is down.", false)).unwrap(),
            json!({"code": "custom", "message": "Odds feed is down.", "allow_retry": false})
        );
        let lenient: ErrorEvent = serde_json::from_value(json!({})).unwrap();
        assert_eq!(lenient.code, ErrorCode::Custom);
        assert!(serde_json::from_value::<ErrorEvent>(json!({"code": "rate_limited"})).is_err());
    }

    #[test]
    fn http_codes_carry_their_status() {
        let body = HttpErrorBody::new(HttpErrorCode::NotFound, "thread thr_nope not found");
        assert_eq!(body.status(), 404);
        assert_eq!(HttpErrorCode::NotImplemented.status(), 501);
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"error": {"code": "not_found", "message": "thread thr_nope not found"}})
        );
    }
}
