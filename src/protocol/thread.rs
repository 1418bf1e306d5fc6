//! Threads, their status, and pages (spec §3).

use chrono::{DateTime, Utc};
use serde::{
    de::{self, IgnoredAny},
    Deserialize, Deserializer, Serialize, Serializer,
};
use serde_json::{Map, Value};

use super::items::ThreadItem;

/// Something with a stable id; pages use it for their `after` cursor.
pub trait HasId {
    fn id(&self) -> &str;
}

/// A thread as sent to the client. Its integration metadata never leaves the server, so the
/// `metadata` key is always `{}` (see [`ThreadMetadata`] for the stored form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thread {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(with = "super::time")]
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub status: ThreadStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_image_domains: Option<Vec<String>>,
    #[serde(default)]
    pub metadata: Empty,
    /// Filled only by `threads.get_by_id`; every other Thread carries [`Page::empty`].
    #[serde(default)]
    pub items: Page<ThreadItem>,
}

impl Thread {
    /// Splits into what the store keeps and the embedded page. The wire form has no metadata, so
    /// the store's metadata starts empty.
    pub fn split(self) -> (ThreadMetadata, Page<ThreadItem>) {
        let meta = ThreadMetadata {
            id: self.id,
            title: self.title,
            created_at: self.created_at,
            status: self.status,
            allowed_image_domains: self.allowed_image_domains,
            metadata: Map::new(),
        };
        (meta, self.items)
    }

    pub fn is_active(&self) -> bool {
        self.status == ThreadStatus::Active
    }
}

impl HasId for Thread {
    fn id(&self) -> &str {
        &self.id
    }
}

/// A thread as the store keeps it: [`Thread`] without items and with the integration's own
/// `metadata` (owner, settings...). Serialize it for storage, never to a client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadMetadata {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(with = "super::time")]
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub status: ThreadStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_image_domains: Option<Vec<String>>,
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

impl ThreadMetadata {
    /// A new, untitled, active thread.
    pub fn new(id: impl Into<String>, created_at: DateTime<Utc>) -> Self {
        Self {
            id: id.into(),
            title: None,
            created_at,
            status: ThreadStatus::Active,
            allowed_image_domains: None,
            metadata: Map::new(),
        }
    }

    /// The client's view with an empty items page (`thread.created`, `threads.list`...).
    pub fn to_thread(&self) -> Thread {
        self.to_thread_with_items(Page::empty())
    }

    /// The client's view with the given items (`threads.get_by_id`).
    pub fn to_thread_with_items(&self, items: Page<ThreadItem>) -> Thread {
        Thread {
            id: self.id.clone(),
            title: self.title.clone(),
            created_at: self.created_at,
            status: self.status.clone(),
            allowed_image_domains: self.allowed_image_domains.clone(),
            metadata: Empty,
            items,
        }
    }

    pub fn is_active(&self) -> bool {
        self.status == ThreadStatus::Active
    }
}

impl From<ThreadMetadata> for Thread {
    fn from(meta: ThreadMetadata) -> Self {
        Thread {
            id: meta.id,
            title: meta.title,
            created_at: meta.created_at,
            status: meta.status,
            allowed_image_domains: meta.allowed_image_domains,
            metadata: Empty,
            items: Page::empty(),
        }
    }
}

impl HasId for ThreadMetadata {
    fn id(&self) -> &str {
        &self.id
    }
}

/// Presentation state of a thread; the composer follows it (spec §3.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ThreadStatus {
    #[default]
    Active,
    /// Composer shown but disabled, `reason` as its placeholder.
    Locked {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Composer replaced by a banner with `reason`.
    Closed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

/// One page of a cursor listing (spec §3.3, §8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
    #[serde(default)]
    pub has_more: bool,
    /// The id of the last object, present iff `has_more`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

impl<T> Page<T> {
    /// `{"data": [], "has_more": false}`.
    pub const fn empty() -> Self {
        Self {
            data: Vec::new(),
            has_more: false,
            after: None,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            data: self.data.into_iter().map(f).collect(),
            has_more: self.has_more,
            after: self.after,
        }
    }
}

impl<T: HasId> Page<T> {
    /// A page whose cursor is the id of its last object when more follow, as the spec requires.
    pub fn new(data: Vec<T>, has_more: bool) -> Self {
        let after = if has_more {
            data.last().map(|last| last.id().to_owned())
        } else {
            None
        };
        Self {
            data,
            has_more,
            after,
        }
    }
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self::empty()
    }
}

wire_enum! {
    /// Listing order by `created_at`; the SDK defaults both list requests to newest first.
    #[derive(Default)]
    pub enum SortOrder {
        Asc = "asc",
        #[default]
        Desc = "desc",
    }
}

/// The JSON object `{}`: the answer of operations without a result, and the `metadata` of a
/// client-facing [`Thread`]. Reading accepts any object and ignores its contents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Empty;

impl Serialize for Empty {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        serializer.serialize_map(Some(0))?.end()
    }
}

impl<'de> Deserialize<'de> for Empty {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnyObject;

        impl<'de> de::Visitor<'de> for AnyObject {
            type Value = Empty;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Empty, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Empty)
            }
        }

        deserializer.deserialize_map(AnyObject)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn created() -> DateTime<Utc> {
        super::super::time::parse("2025-06-01T09:30:00Z").unwrap()
    }

    #[test]
    fn thread_always_sends_status_metadata_and_items_and_omits_none() {
        let thread = ThreadMetadata::new("thr_1", created()).to_thread();
        assert_eq!(
            serde_json::to_value(&thread).unwrap(),
            json!({
                "id": "thr_1",
                "created_at": "2025-06-01T09:30:00.000000Z",
                "status": {"type": "active"},
                "metadata": {},
                "items": {"data": [], "has_more": false}
            })
        );
    }

    #[test]
    fn integration_metadata_never_reaches_the_wire_thread() {
        let mut meta = ThreadMetadata::new("thr_1", created());
        meta.metadata.insert("owner".into(), json!("user_7"));
        let wire = serde_json::to_value(meta.to_thread()).unwrap();
        assert_eq!(wire["metadata"], json!({}));
        let stored = serde_json::to_value(&meta).unwrap();
        assert_eq!(stored["metadata"], json!({"owner": "user_7"}));
        let (back, items) = serde_json::from_value::<Thread>(wire).unwrap().split();
        assert!(back.metadata.is_empty() && items.data.is_empty());
    }

    #[test]
    fn page_cursor_follows_has_more() {
        let threads = vec![
            ThreadMetadata::new("thr_a", created()),
            ThreadMetadata::new("thr_b", created()),
        ];
        let more = Page::new(threads.clone(), true);
        assert_eq!(more.after.as_deref(), Some("thr_b"));
        let last = Page::new(threads, false);
        let json = serde_json::to_value(last.map(Thread::from)).unwrap();
        assert!(json.get("after").is_none());
        assert_eq!(json["has_more"], json!(false));
        let lenient: Page<Thread> = serde_json::from_str("{}").unwrap();
        assert_eq!(lenient, Page::empty());
    }

    #[test]
    fn status_variants_round_trip() {
        for status in [
            json!({"type": "active"}),
            json!({"type": "locked"}),
            json!({"type": "closed", "reason": "Resolved"}),
        ] {
            let parsed: ThreadStatus = serde_json::from_value(status.clone()).unwrap();
            assert_eq!(serde_json::to_value(parsed).unwrap(), status);
        }
        assert!(serde_json::from_value::<ThreadStatus>(json!({"type": "archived"})).is_err());
    }

    #[test]
    fn empty_is_two_bytes() {
        assert_eq!(serde_json::to_string(&Empty).unwrap(), "{}");
        assert!(serde_json::from_str::<Empty>(r#"{"x": 1}"#).is_ok());
        assert!(serde_json::from_str::<Empty>("[]").is_err());
    }
}
