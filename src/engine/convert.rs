//! Between store rows and protocol types. Rows hold wire JSON; a row that no longer parses is
//! reported as corrupt rather than silently skipped.

use crate::error::AppError;
use crate::protocol::{ThreadItem, ThreadMetadata, ThreadStatus};
use crate::store::{ItemRecord, ThreadRecord};

pub fn thread_to_record(user_id: &str, thread: &ThreadMetadata) -> ThreadRecord {
    ThreadRecord {
        id: thread.id.clone(),
        user_id: user_id.to_owned(),
        created_at: thread.created_at,
        title: thread.title.clone(),
        status: serde_json::to_string(&thread.status)
            .unwrap_or_else(|_| r#"{"type":"active"}"#.into()),
        metadata: serde_json::to_string(&thread.metadata).unwrap_or_else(|_| "{}".into()),
    }
}

pub fn thread_from_record(record: ThreadRecord) -> Result<ThreadMetadata, AppError> {
    let status: ThreadStatus = serde_json::from_str(&record.status)
        .map_err(|e| AppError::internal(format!("thread {} status is corrupt: {e}", record.id)))?;
    let metadata = serde_json::from_str(&record.metadata).map_err(|e| {
        AppError::internal(format!("thread {} metadata is corrupt: {e}", record.id))
    })?;
    let mut thread = ThreadMetadata::new(record.id, record.created_at);
    thread.title = record.title;
    thread.status = status;
    thread.metadata = metadata;
    Ok(thread)
}

pub fn item_to_record(user_id: &str, item: &ThreadItem) -> ItemRecord {
    ItemRecord {
        id: item.id().to_owned(),
        thread_id: item.thread_id().to_owned(),
        user_id: user_id.to_owned(),
        created_at: item.created_at(),
        item_type: item.kind().as_str().to_owned(),
        hidden: item.is_hidden(),
        // Serializing our own types cannot fail (string keys, no non-finite floats by construction).
        data: serde_json::to_string(item).unwrap_or_default(),
    }
}

pub fn item_from_record(record: &ItemRecord) -> Result<ThreadItem, AppError> {
    serde_json::from_str(&record.data)
        .map_err(|e| AppError::internal(format!("item {} is corrupt: {e}", record.id)))
}
