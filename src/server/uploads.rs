//! Attachment bytes over HTTP: the two-phase upload target and the preview link. Both URLs
//! carry a signed, expiring token for one attachment and one purpose (an upload token does not
//! preview, a preview token does not upload), so they need no cookie or header. An attachment
//! is uploaded once; a second upload is 409.

use super::auth::{Auth, LinkPurpose};
use super::AppState;
use crate::engine::AttachmentLinks;
use crate::error::AppError;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;

/// Signed upload and preview URLs under `/api/chatkit/attachments/`.
pub struct SignedLinks(pub Arc<Auth>);

impl AttachmentLinks for SignedLinks {
    fn upload_url(&self, base_url: &str, user_id: &str, attachment_id: &str) -> String {
        let token = self
            .0
            .sign_attachment(LinkPurpose::Upload, user_id, attachment_id);
        format!("{base_url}/api/chatkit/attachments/{attachment_id}/upload?token={token}")
    }

    fn preview_url(&self, base_url: &str, user_id: &str, attachment_id: &str) -> String {
        let token = self
            .0
            .sign_attachment(LinkPurpose::Preview, user_id, attachment_id);
        format!("{base_url}/api/chatkit/attachments/{attachment_id}/content?token={token}")
    }
}

/// How long an upload refused for the concurrent-upload cap is told to wait.
const UPLOAD_RETRY_AFTER_SECS: u64 = 2;

#[derive(Deserialize)]
pub struct LinkToken {
    token: String,
}

/// Receives the bytes (multipart field `file`) and answers the uploaded Attachment.
pub async fn upload(
    State(state): State<AppState>,
    Path(attachment_id): Path<String>,
    Query(link): Query<LinkToken>,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let user_id = state
        .auth
        .verify_attachment(LinkPurpose::Upload, &link.token, &attachment_id)?;
    // 404 or 409 before the body is read.
    state
        .engine
        .attachment_awaiting_upload(&user_id, &attachment_id)
        .await?;
    // Refused, never queued, when every upload slot is busy: the body is buffered whole.
    let _slot = state
        .uploads
        .clone()
        .try_acquire_owned()
        .map_err(|_| AppError::RateLimited {
            retry_after_secs: UPLOAD_RETRY_AFTER_SECS,
        })?;
    let mut bytes = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| AppError::InvalidRequest(format!("malformed upload: {e}")))?
    {
        if field.name() == Some("file") {
            let data = field.bytes().await.map_err(|_| AppError::PayloadTooLarge {
                limit: state.config.app.limits.attachment_max_bytes as usize,
            })?;
            bytes = Some(data);
        }
    }
    let bytes =
        bytes.ok_or_else(|| AppError::InvalidRequest("the upload has no `file` field".into()))?;
    let attachment = state
        .engine
        .upload_attachment(&user_id, &attachment_id, &bytes, &state.public_url)
        .await?;
    Ok(axum::Json(attachment).into_response())
}

/// Serves the bytes for previews, inertly: never sniffed, never run as a page.
pub async fn content(
    State(state): State<AppState>,
    Path(attachment_id): Path<String>,
    Query(link): Query<LinkToken>,
) -> Result<Response, AppError> {
    let user_id =
        state
            .auth
            .verify_attachment(LinkPurpose::Preview, &link.token, &attachment_id)?;
    let content = state
        .engine
        .attachment_content(&user_id, &attachment_id)
        .await?;
    let mime_type = content.mime_type;
    let mut response = content.bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(mime) = HeaderValue::from_str(&mime_type) {
        headers.insert(header::CONTENT_TYPE, mime);
    }
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(response)
}
