//! Attachments' bytes and their wire form: the upload and the preview (the door only checks
//! the signed link and speaks HTTP), quotas and the reclamation sweep. The bytes live in the
//! database on Postgres, so any server process can serve a preview, and under
//! `DATA_DIR/attachments` on SQLite, whose one process owns the data directory. Upload and
//! preview URLs come from the door (`AttachmentLinks`), which knows how to sign them.

use super::Engine;
use crate::error::AppError;
use crate::protocol::{Attachment, AttachmentKind, ThreadItem, UploadDescriptor, UploadMethod};
use crate::store::AttachmentRecord;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Builds the URLs a client uses for an attachment (signed, so they need no other auth).
pub trait AttachmentLinks: Send + Sync + 'static {
    fn upload_url(&self, base_url: &str, user_id: &str, attachment_id: &str) -> String;
    fn preview_url(&self, base_url: &str, user_id: &str, attachment_id: &str) -> String;
}

/// A cheap handle (cloned with the app state on every request).
#[derive(Clone, Debug)]
pub struct AttachmentFiles {
    root: Arc<Path>,
}

impl AttachmentFiles {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        AttachmentFiles {
            root: Arc::from(data_dir.into().join("attachments")),
        }
    }

    /// Ids are ours (`atc_` + hex); anything else never touches the file system.
    fn path(&self, attachment_id: &str) -> io::Result<PathBuf> {
        let valid = attachment_id.starts_with("atc_")
            && attachment_id.len() <= 64
            && attachment_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not an attachment id",
            ));
        }
        Ok(self.root.join(attachment_id))
    }

    /// Writes atomically: a reader never sees half a file.
    pub async fn write(&self, attachment_id: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(attachment_id)?;
        tokio::fs::create_dir_all(&self.root).await?;
        let partial = path.with_extension("part");
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, &path).await
    }

    pub async fn read(&self, attachment_id: &str) -> io::Result<Vec<u8>> {
        tokio::fs::read(self.path(attachment_id)?).await
    }

    pub async fn delete(&self, attachment_id: &str) -> io::Result<()> {
        match tokio::fs::remove_file(self.path(attachment_id)?).await {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// Refuses a new attachment of `size` bytes when the user already holds their quota.
pub(super) async fn check_quota(engine: &Engine, user_id: &str, size: u64) -> Result<(), AppError> {
    let limits = &engine.inner.limits;
    let usage = engine.inner.store.attachment_usage(user_id).await?;
    if usage.count >= limits.attachments_per_user {
        return Err(AppError::Forbidden(format!(
            "attachment quota reached: at most {} attachments per user; delete some first",
            limits.attachments_per_user
        )));
    }
    if usage.bytes.saturating_add(size) > limits.attachment_bytes_per_user {
        return Err(AppError::Forbidden(format!(
            "attachment quota reached: {} of {} bytes in use, this file needs {size}",
            usage.bytes, limits.attachment_bytes_per_user
        )));
    }
    Ok(())
}

/// An uploaded attachment's bytes, as a preview serves them.
#[derive(Debug)]
pub struct AttachmentContent {
    pub mime_type: String,
    pub bytes: Vec<u8>,
}

fn not_found(attachment_id: &str) -> AppError {
    AppError::NotFound(format!("attachment {attachment_id} not found"))
}

fn already_uploaded(attachment_id: &str) -> AppError {
    AppError::Conflict(format!(
        "attachment {attachment_id} is already uploaded; create a new attachment to send another file"
    ))
}

impl Engine {
    /// The user's attachment that still waits for its bytes: 404 when it is not theirs, 409
    /// once uploaded. The door asks before reading an upload's body.
    pub async fn attachment_awaiting_upload(
        &self,
        user_id: &str,
        attachment_id: &str,
    ) -> Result<AttachmentRecord, AppError> {
        let record = self
            .inner
            .store
            .get_attachment(user_id, attachment_id)
            .await?
            .ok_or_else(|| not_found(attachment_id))?;
        if record.uploaded {
            return Err(already_uploaded(attachment_id));
        }
        Ok(record)
    }

    /// Stores the bytes of the user's attachment (once: then 409) and answers the uploaded
    /// attachment, its links built on `base_url`.
    pub async fn upload_attachment(
        &self,
        user_id: &str,
        attachment_id: &str,
        bytes: &[u8],
        base_url: &str,
    ) -> Result<Attachment, AppError> {
        let mut record = self
            .attachment_awaiting_upload(user_id, attachment_id)
            .await?;
        if bytes.len() as i64 > record.size_bytes {
            return Err(AppError::BadRequest(format!(
                "the file has {} bytes but {} were announced",
                bytes.len(),
                record.size_bytes
            )));
        }
        let stored = match &self.inner.cluster {
            // Bytes and the uploaded mark in one transaction: a racing second upload finds it
            // marked and writes nothing.
            Some(cluster) => {
                cluster
                    .put_attachment_bytes(user_id, attachment_id, bytes)
                    .await?
            }
            None => {
                self.inner
                    .files
                    .write(attachment_id, bytes)
                    .await
                    .map_err(AppError::internal)?;
                self.inner
                    .store
                    .mark_attachment_uploaded(user_id, attachment_id)
                    .await?
            }
        };
        if !stored {
            return Err(already_uploaded(attachment_id));
        }
        record.uploaded = true;
        Ok(to_wire(&record, self.inner.links.as_ref(), base_url))
    }

    /// The bytes of the user's uploaded attachment, for its preview.
    pub async fn attachment_content(
        &self,
        user_id: &str,
        attachment_id: &str,
    ) -> Result<AttachmentContent, AppError> {
        let record = self
            .inner
            .store
            .get_attachment(user_id, attachment_id)
            .await?
            .filter(|r| r.uploaded)
            .ok_or_else(|| not_found(attachment_id))?;
        let bytes = match &self.inner.cluster {
            Some(cluster) => cluster.attachment_bytes(user_id, attachment_id).await?,
            None => self.inner.files.read(attachment_id).await.ok(),
        }
        .ok_or_else(|| AppError::NotFound(format!("attachment {attachment_id} has no content")))?;
        Ok(AttachmentContent {
            mime_type: record.mime_type,
            bytes,
        })
    }

    /// Deletes the user's attachment: the bytes first, then the row, so a failure never
    /// leaves bytes nobody can find. `false` when it was not theirs.
    pub(super) async fn delete_attachment(
        &self,
        user_id: &str,
        attachment_id: &str,
    ) -> Result<bool, AppError> {
        // In the database the bytes go with the row (foreign key, ON DELETE CASCADE).
        if self.inner.cluster.is_none() {
            self.inner
                .files
                .delete(attachment_id)
                .await
                .map_err(AppError::internal)?;
        }
        Ok(self
            .inner
            .store
            .delete_attachment(user_id, attachment_id)
            .await?)
    }
}

/// Rows the reclamation sweep reads at a time.
const RECLAIM_BATCH: u32 = 256;

impl Engine {
    /// Removes attachments no thread holds (never sent in a message, or their thread was
    /// deleted) created more than `ttl` ago: the bytes first, then the row, so a failure never
    /// leaves bytes nobody can find. Returns how many were removed.
    pub async fn reclaim_attachments(&self, ttl: std::time::Duration) -> Result<usize, AppError> {
        let ttl = chrono::Duration::from_std(ttl).map_err(AppError::internal)?;
        let cutoff = crate::ids::now() - ttl;
        let store = &self.inner.store;
        let mut removed = 0;
        loop {
            let batch = store.unclaimed_attachments(cutoff, RECLAIM_BATCH).await?;
            let full = batch.len() == RECLAIM_BATCH as usize;
            for record in batch {
                if self.delete_attachment(&record.user_id, &record.id).await? {
                    removed += 1;
                }
            }
            if !full {
                return Ok(removed);
            }
        }
    }
}

/// Signs a listed message's image previews again. A preview link lasts a day, and a stored
/// message keeps the one it was sent with: without this, a thread reopened the next day would
/// show its images as broken links.
pub fn fresh_previews(
    item: &mut ThreadItem,
    links: &dyn AttachmentLinks,
    base_url: &str,
    user_id: &str,
) {
    if let ThreadItem::UserMessage(message) = item {
        for attachment in &mut message.attachments {
            if let AttachmentKind::Image { preview_url } = &mut attachment.kind {
                *preview_url = links.preview_url(base_url, user_id, &attachment.id);
            }
        }
    }
}

pub fn to_wire(
    record: &AttachmentRecord,
    links: &dyn AttachmentLinks,
    base_url: &str,
) -> Attachment {
    let kind = if record.mime_type.starts_with("image/") {
        AttachmentKind::Image {
            preview_url: links.preview_url(base_url, &record.user_id, &record.id),
        }
    } else {
        AttachmentKind::File
    };
    let upload_descriptor = (!record.uploaded).then(|| UploadDescriptor {
        url: links.upload_url(base_url, &record.user_id, &record.id),
        method: UploadMethod::Post,
        headers: BTreeMap::new(),
    });
    Attachment {
        id: record.id.clone(),
        name: record.name.clone(),
        mime_type: record.mime_type.clone(),
        upload_descriptor,
        thread_id: record.thread_id.clone(),
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_round_trip_and_refuse_foreign_names() {
        let dir = tempfile::tempdir().unwrap();
        let files = AttachmentFiles::new(dir.path());
        files.write("atc_0123abcd", b"slip").await.unwrap();
        assert_eq!(files.read("atc_0123abcd").await.unwrap(), b"slip");
        files.delete("atc_0123abcd").await.unwrap();
        files.delete("atc_0123abcd").await.unwrap();
        assert!(files.read("atc_0123abcd").await.is_err());
        for bad in ["../secret.key", "atc_../../x", "thr_1", ""] {
            assert!(files.write(bad, b"x").await.is_err(), "{bad}");
        }
    }
}
