//! What the page shows of a thread, kept in step with ChatKit stream events exactly as a
//! ChatKit client would, and the framing of events on the page's door (one JSON object per
//! line). Items are read through [`wire`](super::wire) (the page's reading of the JSON), whose
//! updates match the server's `apply_update` (tested). Pure: tested natively.

use super::wire::{Event, Item, ThreadInfo};

/// An item as shown, with the revision it was last changed at (views re-render by it).
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    pub revision: u64,
    pub item: Item,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Transcript {
    revision: u64,
    pub thread_id: Option<String>,
    pub title: Option<String>,
    /// Visible items, oldest first.
    pub items: Vec<Shown>,
    /// The transient status line of the running turn.
    pub progress: Option<String>,
    /// The last turn's failure, shown until the next turn starts.
    pub error: Option<String>,
}

impl Transcript {
    /// Follows one event of a turn.
    pub fn apply(&mut self, event: Event) {
        match event {
            Event::Thread { thread, .. } => {
                self.thread_id = Some(thread.id);
                self.title = thread.title;
            }
            Event::Item(item) => self.upsert(item),
            Event::ItemUpdated { item_id, update } => {
                self.revision += 1;
                if let Some(shown) = self.items.iter_mut().find(|s| s.item.id() == item_id) {
                    // An update that does not apply leaves the item as it was; `done` follows.
                    match shown.item.apply_update(&update) {
                        Ok(()) => shown.revision = self.revision,
                        Err(e) => leptos::logging::warn!("update not applied: {e}"),
                    }
                }
            }
            Event::ItemRemoved(item_id) => self.items.retain(|s| s.item.id() != item_id),
            Event::Status(text) => self.progress = Some(text),
            Event::Error(text) => self.error = Some(text),
            Event::Other => {}
        }
    }

    /// Replaces the item with the same id, or appends it.
    pub fn upsert(&mut self, item: Item) {
        if item.is_hidden() {
            return;
        }
        self.revision += 1;
        let shown = Shown {
            revision: self.revision,
            item,
        };
        match self
            .items
            .iter_mut()
            .find(|s| s.item.id() == shown.item.id())
        {
            Some(existing) => *existing = shown,
            None => self.items.push(shown),
        }
    }

    /// A stored thread opened again, its visible items oldest first.
    pub fn opened(thread: &ThreadInfo, items: Vec<Item>) -> Self {
        let mut transcript = Transcript {
            thread_id: Some(thread.id.clone()),
            title: thread.title.clone(),
            ..Transcript::default()
        };
        items.into_iter().for_each(|item| transcript.upsert(item));
        transcript
    }

    /// The id of the last user message (what Retry runs again).
    pub fn last_user_message(&self) -> Option<&str> {
        self.items
            .iter()
            .rev()
            .find(|s| s.item.is(crate::protocol::ItemKind::UserMessage))
            .map(|s| s.item.id())
    }

    /// Forgets every item after `item_id`, as the server does on `threads.retry_after_item`
    /// (it sends no removed events for them).
    pub fn drop_after(&mut self, item_id: &str) {
        if let Some(i) = self.items.iter().position(|s| s.item.id() == item_id) {
            self.items.truncate(i + 1);
        }
    }

    /// Whether a failed turn can be run again: there is an error and a message to retry.
    pub fn can_retry(&self) -> bool {
        self.error.is_some() && self.thread_id.is_some() && self.last_user_message().is_some()
    }

    /// A new turn starts: clear what belonged to the last one.
    pub fn start_turn(&mut self) {
        self.progress = None;
        self.error = None;
    }

    /// The turn's stream ended.
    pub fn end_turn(&mut self) {
        self.progress = None;
    }
}

/// Keeps the thread list newest first: a created or renamed thread moves to the top.
pub fn remember(threads: &mut Vec<ThreadInfo>, thread: ThreadInfo) {
    threads.retain(|t| t.id != thread.id);
    threads.insert(0, thread);
}

/// Splits the door's text stream into event lines; chunks may cut lines anywhere.
#[derive(Debug, Default)]
pub struct EventLines {
    partial: String,
}

impl EventLines {
    /// The complete lines this chunk finishes, in order.
    pub fn push(&mut self, chunk: &str) -> Vec<String> {
        self.partial.push_str(chunk);
        let Some(end) = self.partial.rfind('\n') else {
            return Vec::new();
        };
        let rest = self.partial.split_off(end + 1);
        let complete = std::mem::replace(&mut self.partial, rest);
        complete
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Whatever is left when the stream ends (a last line without its newline).
    pub fn finish(self) -> Option<String> {
        Some(self.partial).filter(|p| !p.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(value: serde_json::Value) -> Event {
        Event::read(&value.to_string()).unwrap()
    }

    fn items(value: serde_json::Value) -> Vec<Item> {
        let serde_json::Value::Array(list) = value else {
            panic!("a list")
        };
        list.into_iter().map(|v| Item::read(v).unwrap()).collect()
    }

    const T: &str = "2026-11-25T20:00:00Z";

    #[test]
    fn a_streamed_answer_ends_as_the_done_item() {
        let mut transcript = Transcript::default();
        transcript.apply(event(json!({"type": "thread.created", "thread": {
            "id": "thr_1", "created_at": T, "status": {"type": "active"}, "metadata": {},
            "items": {"data": [], "has_more": false}}})));
        transcript.apply(event(json!({"type": "thread.item.added", "item": {
            "type": "assistant_message", "id": "msg_1", "thread_id": "thr_1", "created_at": T,
            "content": []}})));
        transcript.apply(event(
            json!({"type": "thread.item.updated", "item_id": "msg_1",
            "update": {"type": "assistant_message.content_part.added", "content_index": 0,
                       "content": {"type": "output_text", "text": "", "annotations": []}}}),
        ));
        for delta in ["Lakers ", "-3.5"] {
            transcript.apply(event(
                json!({"type": "thread.item.updated", "item_id": "msg_1",
                "update": {"type": "assistant_message.content_part.text_delta",
                           "content_index": 0, "delta": delta}}),
            ));
        }
        assert_eq!(transcript.thread_id.as_deref(), Some("thr_1"));
        assert_eq!(transcript.items[0].item.text(), "Lakers -3.5");
        assert!(
            transcript.items[0].revision > 1,
            "updates bump the revision"
        );
        transcript.apply(event(
            json!({"type": "progress_update", "text": "Checking books"}),
        ));
        assert_eq!(transcript.progress.as_deref(), Some("Checking books"));
        transcript.apply(event(
            json!({"type": "thread.item.removed", "item_id": "msg_1"}),
        ));
        assert!(transcript.items.is_empty());
        transcript.end_turn();
        assert_eq!(transcript.progress, None);
    }

    #[test]
    fn hidden_items_are_never_shown_and_errors_read_as_text() {
        let mut transcript = Transcript::default();
        transcript.apply(event(json!({"type": "thread.item.done", "item": {
            "type": "hidden_context_item", "id": "hid_1", "thread_id": "thr_1",
            "created_at": T, "content": "for the model only"}})));
        assert!(transcript.items.is_empty());
        transcript.apply(event(
            json!({"type": "error", "code": "custom", "message": "Odds are down", "allow_retry": true}),
        ));
        assert_eq!(transcript.error.as_deref(), Some("Odds are down"));
        transcript.apply(event(
            json!({"type": "error", "code": "stream.error", "allow_retry": true}),
        ));
        assert!(transcript.error.unwrap().contains("try again"));
    }

    fn thread(id: &str, title: &str) -> ThreadInfo {
        ThreadInfo::read(&json!({"id": id, "title": title, "created_at": T,
            "status": {"type": "active"}, "metadata": {}, "items": {"data": [], "has_more": false}}))
        .unwrap()
    }

    #[test]
    fn threads_are_listed_newest_first_and_reopen_without_hidden_items() {
        let mut threads = vec![thread("thr_1", "one"), thread("thr_2", "two")];
        remember(&mut threads, thread("thr_2", "two, renamed"));
        remember(&mut threads, thread("thr_3", "three"));
        let listed: Vec<_> = threads.iter().map(|t| t.title.clone().unwrap()).collect();
        assert_eq!(listed, ["three", "two, renamed", "one"]);

        let items = items(json!([
            {"type": "user_message", "id": "msg_1", "thread_id": "thr_1", "created_at": T,
             "content": [{"type": "input_text", "text": "hi"}], "attachments": [],
             "inference_options": {}},
            {"type": "hidden_context_item", "id": "hid_1", "thread_id": "thr_1",
             "created_at": T, "content": "model only"}
        ]));
        let reopened = Transcript::opened(&threads[2], items);
        assert_eq!(reopened.thread_id.as_deref(), Some("thr_1"));
        assert_eq!(reopened.title.as_deref(), Some("one"));
        assert_eq!(reopened.items.len(), 1);
    }

    #[test]
    fn retry_runs_the_last_user_message_again_and_forgets_what_followed() {
        let items = items(json!([
            {"type": "user_message", "id": "msg_1", "thread_id": "thr_1", "created_at": T,
             "content": [{"type": "input_text", "text": "one"}], "attachments": [],
             "inference_options": {}},
            {"type": "assistant_message", "id": "msg_2", "thread_id": "thr_1", "created_at": T,
             "content": []},
            {"type": "user_message", "id": "msg_3", "thread_id": "thr_1", "created_at": T,
             "content": [{"type": "input_text", "text": "two"}], "attachments": [],
             "inference_options": {}},
            {"type": "assistant_message", "id": "msg_4", "thread_id": "thr_1", "created_at": T,
             "content": []}
        ]));
        let mut transcript = Transcript::opened(&thread("thr_1", "t"), items);
        assert!(!transcript.can_retry(), "nothing failed");
        transcript.error = Some("the stream broke".into());
        assert!(transcript.can_retry());
        assert_eq!(transcript.last_user_message(), Some("msg_3"));
        transcript.drop_after("msg_3");
        let ids: Vec<_> = transcript
            .items
            .iter()
            .map(|s| s.item.id().to_owned())
            .collect();
        assert_eq!(ids, ["msg_1", "msg_2", "msg_3"]);
        assert!(!Transcript::default().can_retry());
    }

    #[test]
    fn lines_are_rejoined_across_chunks() {
        let mut lines = EventLines::default();
        assert!(lines.push("{\"a\":").is_empty());
        assert_eq!(
            lines.push("1}\n{\"b\":2}\n{\"c\""),
            ["{\"a\":1}", "{\"b\":2}"]
        );
        assert_eq!(lines.push(":3}\n\n"), ["{\"c\":3}"]);
        assert!(lines.push("{\"d\":4}").is_empty());
        assert_eq!(lines.finish().as_deref(), Some("{\"d\":4}"));
    }
}
