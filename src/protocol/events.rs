//! Stream events (spec §6): the payload of each SSE `data:` line.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::content::{Annotation, AssistantMessageContent};
use super::errors::ErrorEvent;
use super::icons::IconName;
use super::items::{GeneratedImage, ThreadItem};
use super::tasks::Task;
use super::thread::Thread;
use super::updates::ThreadItemUpdate;
use super::widgets::{WidgetComponent, WidgetRoot};

/// One event of a streamed answer. Build the common ones with the constructors below.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ThreadStreamEvent {
    /// First event of `threads.create` (thread already saved, empty items page).
    #[serde(rename = "thread.created")]
    ThreadCreated { thread: Thread },
    /// Title, status or image domains changed (already saved).
    #[serde(rename = "thread.updated")]
    ThreadUpdated { thread: Thread },
    /// A new item starts streaming; it stays pending until `done` or `removed`.
    #[serde(rename = "thread.item.added")]
    ItemAdded { item: ThreadItem },
    /// An incremental change to an item pending in this stream.
    #[serde(rename = "thread.item.updated")]
    ItemUpdated {
        item_id: String,
        update: ThreadItemUpdate,
    },
    /// The item's final state; this is what the store holds afterwards.
    #[serde(rename = "thread.item.done")]
    ItemDone { item: ThreadItem },
    #[serde(rename = "thread.item.removed")]
    ItemRemoved { item_id: String },
    /// Swap a completed item (same id) for a new version, e.g. the widget an action came from.
    #[serde(rename = "thread.item.replaced")]
    ItemReplaced { item: ThreadItem },
    #[serde(rename = "stream_options")]
    StreamOptions { stream_options: StreamOptions },
    /// A transient status line ("Searching odds...").
    #[serde(rename = "progress_update")]
    ProgressUpdate {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        icon: Option<IconName>,
        text: String,
    },
    /// A fire-and-forget signal to the host page (`chatkit.effect` DOM event).
    #[serde(rename = "client_effect")]
    ClientEffect {
        name: String,
        #[serde(default)]
        data: Map<String, Value>,
    },
    /// Non-fatal, user-visible information; `message` is Markdown.
    #[serde(rename = "notice")]
    Notice {
        level: NoticeLevel,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    /// The response failed; nothing but an optional `thread.updated` follows.
    #[serde(rename = "error")]
    Error(ErrorEvent),
}

/// May the user stop this response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamOptions {
    pub allow_cancel: bool,
}

wire_enum! {
    pub enum NoticeLevel {
        Info = "info",
        Warning = "warning",
        Danger = "danger",
    }
}

impl ThreadStreamEvent {
    pub fn thread_created(thread: Thread) -> Self {
        Self::ThreadCreated { thread }
    }

    pub fn thread_updated(thread: Thread) -> Self {
        Self::ThreadUpdated { thread }
    }

    pub fn item_added(item: impl Into<ThreadItem>) -> Self {
        Self::ItemAdded { item: item.into() }
    }

    pub fn item_done(item: impl Into<ThreadItem>) -> Self {
        Self::ItemDone { item: item.into() }
    }

    pub fn item_replaced(item: impl Into<ThreadItem>) -> Self {
        Self::ItemReplaced { item: item.into() }
    }

    pub fn item_removed(item_id: impl Into<String>) -> Self {
        Self::ItemRemoved {
            item_id: item_id.into(),
        }
    }

    pub fn item_updated(item_id: impl Into<String>, update: ThreadItemUpdate) -> Self {
        Self::ItemUpdated {
            item_id: item_id.into(),
            update,
        }
    }

    /// Starts part `content_index` of an assistant message; send it before any delta for it.
    pub fn content_part_added(
        item_id: impl Into<String>,
        content_index: usize,
        content: AssistantMessageContent,
    ) -> Self {
        let update = ThreadItemUpdate::ContentPartAdded {
            content_index,
            content,
        };
        Self::item_updated(item_id, update)
    }

    pub fn text_delta(
        item_id: impl Into<String>,
        content_index: usize,
        delta: impl Into<String>,
    ) -> Self {
        let update = ThreadItemUpdate::TextDelta {
            content_index,
            delta: delta.into(),
        };
        Self::item_updated(item_id, update)
    }

    pub fn annotation_added(
        item_id: impl Into<String>,
        content_index: usize,
        annotation_index: usize,
        annotation: Annotation,
    ) -> Self {
        let update = ThreadItemUpdate::AnnotationAdded {
            content_index,
            annotation_index,
            annotation,
        };
        Self::item_updated(item_id, update)
    }

    /// Part `content_index` is final (full text and annotations).
    pub fn content_part_done(
        item_id: impl Into<String>,
        content_index: usize,
        content: AssistantMessageContent,
    ) -> Self {
        let update = ThreadItemUpdate::ContentPartDone {
            content_index,
            content,
        };
        Self::item_updated(item_id, update)
    }

    /// Appends to the `value` of the `Text` / `Markdown` component with id `component_id`.
    pub fn widget_text_delta(
        item_id: impl Into<String>,
        component_id: impl Into<String>,
        delta: impl Into<String>,
        done: bool,
    ) -> Self {
        let update = ThreadItemUpdate::WidgetTextDelta {
            component_id: component_id.into(),
            delta: delta.into(),
            done,
        };
        Self::item_updated(item_id, update)
    }

    pub fn widget_component_updated(
        item_id: impl Into<String>,
        component_id: impl Into<String>,
        component: WidgetComponent,
    ) -> Self {
        let update = ThreadItemUpdate::WidgetComponentUpdated {
            component_id: component_id.into(),
            component: Box::new(component),
        };
        Self::item_updated(item_id, update)
    }

    pub fn widget_root_updated(item_id: impl Into<String>, widget: WidgetRoot) -> Self {
        Self::item_updated(item_id, ThreadItemUpdate::WidgetRootUpdated { widget })
    }

    pub fn task_added(item_id: impl Into<String>, task_index: usize, task: Task) -> Self {
        Self::item_updated(item_id, ThreadItemUpdate::TaskAdded { task_index, task })
    }

    pub fn task_updated(item_id: impl Into<String>, task_index: usize, task: Task) -> Self {
        Self::item_updated(item_id, ThreadItemUpdate::TaskUpdated { task_index, task })
    }

    pub fn image_updated(
        item_id: impl Into<String>,
        image: GeneratedImage,
        progress: Option<f64>,
    ) -> Self {
        Self::item_updated(
            item_id,
            ThreadItemUpdate::GeneratedImageUpdated { image, progress },
        )
    }

    pub fn stream_options(allow_cancel: bool) -> Self {
        Self::StreamOptions {
            stream_options: StreamOptions { allow_cancel },
        }
    }

    pub fn progress(text: impl Into<String>, icon: Option<IconName>) -> Self {
        Self::ProgressUpdate {
            icon,
            text: text.into(),
        }
    }

    pub fn client_effect(name: impl Into<String>, data: Map<String, Value>) -> Self {
        Self::ClientEffect {
            name: name.into(),
            data,
        }
    }

    pub fn notice(level: NoticeLevel, message: impl Into<String>, title: Option<String>) -> Self {
        Self::Notice {
            level,
            message: message.into(),
            title,
        }
    }

    /// The wire `type`, e.g. `"thread.item.done"`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::ThreadCreated { .. } => "thread.created",
            Self::ThreadUpdated { .. } => "thread.updated",
            Self::ItemAdded { .. } => "thread.item.added",
            Self::ItemUpdated { .. } => "thread.item.updated",
            Self::ItemDone { .. } => "thread.item.done",
            Self::ItemRemoved { .. } => "thread.item.removed",
            Self::ItemReplaced { .. } => "thread.item.replaced",
            Self::StreamOptions { .. } => "stream_options",
            Self::ProgressUpdate { .. } => "progress_update",
            Self::ClientEffect { .. } => "client_effect",
            Self::Notice { .. } => "notice",
            Self::Error(_) => "error",
        }
    }

    /// The full item an added / done / replaced event carries.
    pub fn item(&self) -> Option<&ThreadItem> {
        match self {
            Self::ItemAdded { item } | Self::ItemDone { item } | Self::ItemReplaced { item } => {
                Some(item)
            }
            _ => None,
        }
    }

    /// False for events carrying a hidden item: those are persisted but never sent.
    pub fn is_client_visible(&self) -> bool {
        self.item().is_none_or(|item| !item.is_hidden())
    }

    /// Appends the SSE frame `data: <compact json>\n\n` to `out` (no intermediate `String`).
    pub fn write_sse(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(b"data: ");
        serde_json::to_writer(&mut *out, self)?;
        out.extend_from_slice(b"\n\n");
        Ok(())
    }

    /// The SSE frame as a string.
    pub fn to_sse(&self) -> serde_json::Result<String> {
        let mut out = Vec::with_capacity(256);
        self.write_sse(&mut out)?;
        // serde_json writes UTF-8 and the framing is ASCII.
        Ok(String::from_utf8(out).expect("serde_json output is UTF-8"))
    }
}

impl From<ErrorEvent> for ThreadStreamEvent {
    fn from(error: ErrorEvent) -> Self {
        Self::Error(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::items::{AssistantMessageItem, HiddenContextItem};
    use serde_json::json;

    fn at() -> chrono::DateTime<chrono::Utc> {
        crate::protocol::time::parse("2025-06-01T09:30:01Z").unwrap()
    }

    #[test]
    fn constructors_produce_the_wire_shapes() {
        let cases = [
            (
                ThreadStreamEvent::text_delta("msg_1", 0, "Lakers "),
                json!({"type": "thread.item.updated", "item_id": "msg_1",
                       "update": {"type": "assistant_message.content_part.text_delta", "content_index": 0, "delta": "Lakers "}}),
            ),
            (
                ThreadStreamEvent::content_part_added(
                    "msg_1",
                    0,
                    AssistantMessageContent::default(),
                ),
                json!({"type": "thread.item.updated", "item_id": "msg_1",
                       "update": {"type": "assistant_message.content_part.added", "content_index": 0,
                                  "content": {"type": "output_text", "text": "", "annotations": []}}}),
            ),
            (
                ThreadStreamEvent::stream_options(true),
                json!({"type": "stream_options", "stream_options": {"allow_cancel": true}}),
            ),
            (
                ThreadStreamEvent::progress("Checking odds", None),
                json!({"type": "progress_update", "text": "Checking odds"}),
            ),
            (
                ThreadStreamEvent::client_effect("open_slip", Map::new()),
                json!({"type": "client_effect", "name": "open_slip", "data": {}}),
            ),
            (
                ErrorEvent::stream_error().with_allow_retry(false).into(),
                json!({"type": "error", "code": "stream.error", "allow_retry": false}),
            ),
        ];
        for (event, expected) in cases {
            assert_eq!(serde_json::to_value(&event).unwrap(), expected);
            assert_eq!(
                serde_json::from_value::<ThreadStreamEvent>(expected).unwrap(),
                event
            );
        }
    }

    #[test]
    fn sse_frame_is_one_data_line_and_a_blank_line() {
        let event = ThreadStreamEvent::item_done(AssistantMessageItem::new("msg_1", "thr_1", at()));
        let frame = event.to_sse().unwrap();
        assert!(frame.starts_with("data: {\"type\":\"thread.item.done\""));
        assert!(frame.ends_with("}\n\n"));
        assert_eq!(frame.matches('\n').count(), 2);
        assert_eq!(event.type_name(), "thread.item.done");
    }

    #[test]
    fn hidden_items_are_not_client_visible() {
        let hidden = HiddenContextItem {
            id: "shcx_1".into(),
            thread_id: "thr_1".into(),
            created_at: at(),
            content: json!({"clicked": "lock_in"}),
        };
        assert!(!ThreadStreamEvent::item_done(hidden).is_client_visible());
        assert!(ThreadStreamEvent::item_removed("msg_1").is_client_visible());
    }
}
