//! Thumbs given earlier, read back when a thread opens, so a reload shows the rating the
//! server stored (`items.feedback` writes them; ChatKit's items do not carry them).

use super::account::AccountError;
use crate::protocol::FeedbackKind;
use leptos::prelude::*;

/// The caller's ratings on a thread's items (item id and kind); none for another's thread.
#[server(endpoint = "ui/thread_feedback")]
pub async fn thread_feedback(
    thread_id: String,
) -> Result<Vec<(String, FeedbackKind)>, AccountError> {
    let (user, state) = super::door::caller().await.map_err(|e| match e {
        ServerFnError::ServerError(message) => AccountError::Refused(message),
        other => AccountError::Unavailable(other.to_string()),
    })?;
    let stored = state
        .engine
        .thread_feedback(&user, &thread_id)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "feedback is unavailable");
            AccountError::Unavailable("ratings are unavailable right now".into())
        })?;
    Ok(stored
        .into_iter()
        .filter_map(|f| Some((f.item_id, kind_of(&f.kind)?)))
        .collect())
}

#[cfg(feature = "ssr")]
fn kind_of(stored: &str) -> Option<FeedbackKind> {
    [FeedbackKind::Positive, FeedbackKind::Negative]
        .into_iter()
        .find(|kind| kind.as_str() == stored)
}
