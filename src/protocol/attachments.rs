//! Attachments (spec §4.10) and their two-phase upload target.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::thread::HasId;

/// A file or image the user attached. The integration's own attachment metadata is deliberately
/// not part of this type: it must never reach the client, so the store keeps it beside the row.
///
/// `kind` is flattened: attachments are read rarely (only with user messages), so the extra
/// buffering flatten costs on deserialization does not matter, and the common fields stay plain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: String,
    /// The original filename.
    pub name: String,
    pub mime_type: String,
    /// Where the client uploads the bytes (two-phase upload); `None` once uploaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_descriptor: Option<UploadDescriptor>,
    /// Set when the user message carrying the attachment is saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
    #[serde(flatten)]
    pub kind: AttachmentKind,
}

impl Attachment {
    pub fn is_image(&self) -> bool {
        matches!(self.kind, AttachmentKind::Image { .. })
    }
}

impl HasId for Attachment {
    fn id(&self) -> &str {
        &self.id
    }
}

/// `type` of an attachment; images carry the thumbnail the client shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AttachmentKind {
    File,
    Image {
        /// May be short-lived (a signed URL).
        preview_url: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadDescriptor {
    pub url: String,
    pub method: UploadMethod,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

wire_enum! {
    pub enum UploadMethod {
        Post = "POST",
        Put = "PUT",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn image_needs_preview_and_headers_are_always_sent() {
        let attachment = Attachment {
            id: "atc_1".into(),
            name: "slip.png".into(),
            mime_type: "image/png".into(),
            upload_descriptor: Some(UploadDescriptor {
                url: "https://files.example.com/up/atc_1".into(),
                method: UploadMethod::Put,
                headers: BTreeMap::new(),
            }),
            thread_id: None,
            kind: AttachmentKind::Image {
                preview_url: "https://files.example.com/p/atc_1".into(),
            },
        };
        let json = serde_json::to_value(&attachment).unwrap();
        assert_eq!(json["type"], json!("image"));
        assert_eq!(json["upload_descriptor"]["headers"], json!({}));
        assert!(json.get("thread_id").is_none());
        assert_eq!(
            serde_json::from_value::<Attachment>(json).unwrap(),
            attachment
        );

        let missing_preview =
            json!({"id": "atc_2", "name": "a.png", "mime_type": "image/png", "type": "image"});
        assert!(serde_json::from_value::<Attachment>(missing_preview).is_err());
    }
}
