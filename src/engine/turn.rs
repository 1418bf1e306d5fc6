//! A turn in progress: what responders and action handlers write to. Every event goes through
//! `emit`, which keeps persistence in step with the stream (done/replaced → saved,
//! removed → deleted, thread changes → saved, hidden items → saved and never sent) and tracks
//! pending items so a cancelled or failed turn can keep what was already said.
//!
//! Acknowledged means durable: an event that announces a write (`done`, `replaced`, `removed`,
//! `thread.updated`) reaches the client only once the group-commit writer has committed that
//! write, so everything a client saw survives a crash. The turn never waits for it: the event
//! travels with its acknowledgement and the door's `EventStream` holds it (and, to keep the
//! order, what follows it) until then. Deltas between such events flow at once.
//!
//! The turn owns nothing of the connection: if the client goes away, sends fail silently and
//! the turn runs on to the end and is saved.

use super::convert::{item_to_record, thread_to_record};
use super::writer::{WriteChain, WriteFailure, WriteQueue, WriteResult};
use crate::ids::{new_id, now, IdKind};
use crate::protocol::{
    AssistantMessageContent, AssistantMessageItem, HiddenContextItem, SdkHiddenContextItem,
    ThreadItem, ThreadMetadata, ThreadStreamEvent, WidgetItem, WidgetRoot,
};
use crate::store::{PageQuery, SharedStore, SortOrder, UserLedger, WriteOp};
use chrono::{DateTime, Utc};
use futures::future::{FutureExt, Shared};
use serde_json::Value;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Items read per page of `Turn::history`.
const HISTORY_PAGE: u32 = 100;

/// A responder or action failure, turned into one `error` event.
#[derive(Debug, thiserror::Error)]
pub enum TurnError {
    /// Shown to the user as is.
    #[error("{message}")]
    Custom { message: String, allow_retry: bool },
    /// Logged; the user sees a generic, retryable error.
    #[error("{0}")]
    Internal(String),
}

impl TurnError {
    pub fn custom(message: impl Into<String>) -> Self {
        TurnError::Custom {
            message: message.into(),
            allow_retry: false,
        }
    }
}

impl From<crate::error::AppError> for TurnError {
    fn from(e: crate::error::AppError) -> Self {
        match e {
            crate::error::AppError::Internal(cause) => TurnError::Internal(cause),
            crate::error::AppError::Unavailable(message) => TurnError::Custom {
                message,
                allow_retry: true,
            },
            other => TurnError::custom(other.to_string()),
        }
    }
}

/// A write's acknowledgement, awaited by both the turn (`flush`) and the door's stream.
pub(super) type DurableAck = Shared<super::writer::WriteAck>;

/// Waits until the write is settled; a writer that went away is a failure.
pub(super) async fn durable(ack: DurableAck) -> WriteResult {
    ack.await
        .unwrap_or_else(|_| Err(WriteFailure::Failed("the writer stopped".into())))
}

/// A serialized event on its way to the door, with the write it announces (if any): the
/// stream releases it once that write is durable, and drops it if the write failed.
pub(super) struct Outgoing {
    pub json: Arc<str>,
    pub after: Option<DurableAck>,
}

/// Events on their way to whichever door started the turn.
pub(super) type EventSender = mpsc::UnboundedSender<Outgoing>;

pub struct Turn {
    user_id: String,
    thread: ThreadMetadata,
    thread_changed: bool,
    store: SharedStore,
    writer: WriteQueue,
    /// This turn's writes, in order; none is applied after one that failed.
    chain: WriteChain,
    events: EventSender,
    client_gone: bool,
    pending: Vec<ThreadItem>,
    acks: Vec<DurableAck>,
    write_failure: Option<WriteFailure>,
    cancel: CancellationToken,
    items_written: usize,
}

impl Turn {
    pub(super) fn new(
        user_id: String,
        thread: ThreadMetadata,
        store: SharedStore,
        writer: WriteQueue,
        events: EventSender,
        cancel: CancellationToken,
    ) -> Self {
        Turn {
            user_id,
            thread,
            thread_changed: false,
            store,
            writer,
            chain: WriteChain::default(),
            events,
            client_gone: false,
            pending: Vec::new(),
            acks: Vec::new(),
            write_failure: None,
            cancel,
            items_written: 0,
        }
    }

    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    pub fn thread(&self) -> &ThreadMetadata {
        &self.thread
    }

    /// The caller's ledger (bets, limits, bankroll), scoped to this turn's user.
    pub fn ledger(&self) -> UserLedger {
        UserLedger::new(self.store.clone(), &self.user_id)
    }

    /// The thread's items the model may read (hidden ones included), oldest first. Read
    /// newest first a page at a time, stopping at the item for which `enough` is true, so a
    /// long thread costs a page or two, not all of its items. Unreadable items are left out.
    pub async fn history(
        &self,
        mut enough: impl FnMut(&ThreadItem) -> bool,
    ) -> Result<Vec<ThreadItem>, TurnError> {
        let mut newest_first = Vec::new();
        let mut after = None;
        loop {
            let query = PageQuery::new(HISTORY_PAGE, SortOrder::Desc, after.take());
            let page = self
                .store
                .list_items(&self.user_id, &self.thread.id, &query, true)
                .await
                .map_err(|e| TurnError::Internal(format!("loading the thread: {e}")))?;
            for record in &page.data {
                match serde_json::from_str::<ThreadItem>(&record.data) {
                    Ok(item) => {
                        let done = enough(&item);
                        newest_first.push(item);
                        if done {
                            newest_first.reverse();
                            return Ok(newest_first);
                        }
                    }
                    Err(e) => {
                        tracing::warn!(item = %record.id, error = %e, "unreadable item left out of the history")
                    }
                }
            }
            match page.after {
                Some(cursor) if page.has_more => after = Some(cursor),
                _ => break,
            }
        }
        newest_first.reverse();
        Ok(newest_first)
    }

    /// A new item id and its timestamp (ordered after everything said so far).
    pub fn next_item(&self, kind: IdKind) -> (String, DateTime<Utc>) {
        (new_id(kind), now())
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    pub fn cancellation(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Renames the thread; announced with `thread.updated` and saved.
    pub fn set_title(&mut self, title: impl Into<String>) {
        let title = title.into();
        if self.thread.title.as_deref() != Some(title.as_str()) {
            self.thread.title = Some(title);
            self.thread_changed = true;
            self.announce_thread();
        }
    }

    pub(super) fn announce_thread(&mut self) {
        if self.thread_changed {
            self.thread_changed = false;
            // An update, never an upsert: a thread deleted during the turn stays deleted.
            let durable = self.persist(vec![WriteOp::UpdateThread(thread_to_record(
                &self.user_id,
                &self.thread,
            ))]);
            self.send_after(
                &ThreadStreamEvent::thread_updated(self.thread.to_thread()),
                Some(durable),
            );
        }
    }

    /// Sends an event and keeps the store in step with it; an event that announces a write is
    /// released to the client when that write is durable.
    pub fn emit(&mut self, event: ThreadStreamEvent) {
        let durable = match &event {
            ThreadStreamEvent::ItemAdded { item } => {
                self.pending.push(item.clone());
                None
            }
            ThreadStreamEvent::ItemUpdated { item_id, update } => {
                let Some(item) = self.pending.iter_mut().find(|i| i.id() == item_id) else {
                    // Done items are saved as they were; an update now would show the client
                    // something a reload cannot, so it is refused rather than sent.
                    tracing::warn!(
                        item_id,
                        "refused an update to an item that is done or unknown"
                    );
                    return;
                };
                if let Err(e) = item.apply_update(update) {
                    tracing::warn!(item_id, error = %e, "responder sent an update that does not apply");
                }
                None
            }
            ThreadStreamEvent::ItemDone { item } | ThreadStreamEvent::ItemReplaced { item } => {
                self.pending.retain(|p| p.id() != item.id());
                self.items_written += 1;
                let record = item_to_record(&self.user_id, item);
                // The item is serialized once, for the store and the client both.
                let json = event
                    .is_client_visible()
                    .then(|| item_event_json(event.type_name(), &record.data));
                let durable = self.persist(vec![WriteOp::SaveItem(record)]);
                if let Some(json) = json {
                    self.send_json_after(json, Some(durable));
                }
                return;
            }
            ThreadStreamEvent::ItemRemoved { item_id } => {
                self.pending.retain(|p| p.id() != item_id);
                Some(self.persist(vec![WriteOp::DeleteItem {
                    user_id: self.user_id.clone(),
                    thread_id: self.thread.id.clone(),
                    item_id: item_id.clone(),
                }]))
            }
            ThreadStreamEvent::ThreadUpdated { thread } => {
                self.thread.title = thread.title.clone();
                self.thread.status = thread.status.clone();
                Some(self.persist(vec![WriteOp::UpdateThread(thread_to_record(
                    &self.user_id,
                    &self.thread,
                ))]))
            }
            _ => None,
        };
        if event.is_client_visible() {
            self.send_after(&event, durable);
        }
    }

    /// Sends an event that announces no write of this turn (or one already durable).
    pub(super) fn send(&mut self, event: &ThreadStreamEvent) {
        self.send_after(event, None);
    }

    /// Sends an event to be released once `after` is durable.
    pub(super) fn send_after(&mut self, event: &ThreadStreamEvent, after: Option<DurableAck>) {
        if self.client_gone {
            return;
        }
        match serde_json::to_string(event) {
            Ok(json) => self.send_json_after(json, after),
            Err(e) => tracing::error!(error = %e, "event did not serialize"),
        }
    }

    fn send_json_after(&mut self, json: String, after: Option<DurableAck>) {
        if self.client_gone {
            return;
        }
        let out = Outgoing {
            json: Arc::from(json),
            after,
        };
        if self.events.send(out).is_err() {
            // The door went away; the turn goes on and is saved.
            self.client_gone = true;
            tracing::info!(thread = %self.thread.id, "client disconnected; the turn continues");
        }
    }

    /// Queues writes with the group-commit writer, after (and only if) the turn's earlier
    /// writes; returns their acknowledgement.
    pub(super) fn persist(&mut self, ops: Vec<WriteOp>) -> DurableAck {
        let ack = self.writer.submit_in(&self.chain, ops).shared();
        self.acks.push(ack.clone());
        ack
    }

    /// Saves an item the model should see on later turns but the client never does.
    pub fn add_hidden_context(&mut self, content: Value) {
        let (id, created_at) = self.next_item(IdKind::HiddenContext);
        let item = ThreadItem::HiddenContext(HiddenContextItem {
            id,
            thread_id: self.thread.id.clone(),
            created_at,
            content,
        });
        self.emit(ThreadStreamEvent::item_done(item));
    }

    /// Waits until every write of this turn so far is durable.
    pub async fn flush(&mut self) -> Result<(), String> {
        self.settle_writes().await.map_err(|e| e.to_string())
    }

    /// Waits until every write of this turn so far is settled; the turn's first failed write,
    /// if any (kept across calls, so a responder's own `flush` hides nothing from the end).
    pub(super) async fn settle_writes(&mut self) -> WriteResult {
        for ack in self.acks.drain(..) {
            if let Err(e) = durable(ack).await {
                self.write_failure.get_or_insert(e);
            }
        }
        self.write_failure.clone().map_or(Ok(()), Err)
    }

    /// Counts an item the turn start committed and announced itself.
    pub(super) fn note_item_written(&mut self) {
        self.items_written += 1;
    }

    /// Streams a complete assistant message: added, part added, one delta per chunk, part
    /// done, item done.
    pub fn stream_assistant_text<'a>(
        &mut self,
        chunks: impl IntoIterator<Item = &'a str>,
    ) -> String {
        let mut message = AssistantStream::start(self);
        for chunk in chunks {
            message.push(self, chunk);
        }
        message.finish(self)
    }

    /// Sends a finished widget as one `thread.item.done`.
    pub fn widget_done(&mut self, widget: WidgetRoot, copy_text: Option<String>) -> String {
        let (id, created_at) = self.next_item(IdKind::Message);
        let item = WidgetItem {
            id: id.clone(),
            thread_id: self.thread.id.clone(),
            created_at,
            widget,
            copy_text,
        };
        self.emit(ThreadStreamEvent::item_done(ThreadItem::Widget(item)));
        id
    }

    /// What a cancelled or failed turn keeps: pending assistant messages with text are
    /// completed (and saved); other pending items are withdrawn.
    pub(super) fn settle_pending(&mut self) {
        for item in std::mem::take(&mut self.pending) {
            let keep =
                matches!(&item, ThreadItem::AssistantMessage(m) if !m.text().trim().is_empty());
            if keep {
                self.emit(ThreadStreamEvent::item_done(item));
            } else {
                self.emit(ThreadStreamEvent::item_removed(item.id().to_owned()));
            }
        }
    }

    pub(super) fn note_cancelled(&mut self) {
        let (id, created_at) = self.next_item(IdKind::HiddenContext);
        let item = ThreadItem::SdkHiddenContext(SdkHiddenContextItem {
            id,
            thread_id: self.thread.id.clone(),
            created_at,
            content: "The user cancelled the stream. Stop responding to the prior request.".into(),
        });
        self.emit(ThreadStreamEvent::item_done(item));
    }

    pub(super) fn items_written(&self) -> usize {
        self.items_written
    }
}

/// The wire form of an event that carries one item (`thread.item.done`, `.replaced`), around
/// the item's JSON as the store keeps it: what `serde_json::to_string(&event)` gives.
fn item_event_json(type_name: &str, item_json: &str) -> String {
    let mut json = String::with_capacity(item_json.len() + type_name.len() + 20);
    json.push_str(r#"{"type":""#);
    json.push_str(type_name);
    json.push_str(r#"","item":"#);
    json.push_str(item_json);
    json.push('}');
    json
}

/// An assistant message being streamed part by part.
pub struct AssistantStream {
    id: String,
    text: String,
}

impl AssistantStream {
    pub fn start(turn: &mut Turn) -> Self {
        let (id, created_at) = turn.next_item(IdKind::Message);
        let item = AssistantMessageItem::new(id.clone(), turn.thread.id.clone(), created_at);
        turn.emit(ThreadStreamEvent::item_added(ThreadItem::AssistantMessage(
            item,
        )));
        turn.emit(ThreadStreamEvent::content_part_added(
            id.clone(),
            0,
            AssistantMessageContent::new(""),
        ));
        AssistantStream {
            id,
            text: String::new(),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn push(&mut self, turn: &mut Turn, delta: &str) {
        if delta.is_empty() {
            return;
        }
        self.text.push_str(delta);
        turn.emit(ThreadStreamEvent::text_delta(self.id.clone(), 0, delta));
    }

    /// Completes the message; returns its text.
    pub fn finish(self, turn: &mut Turn) -> String {
        let part = AssistantMessageContent::new(self.text.clone());
        turn.emit(ThreadStreamEvent::content_part_done(
            self.id.clone(),
            0,
            part,
        ));
        // The pending copy has been kept in step by `emit`; finish it as the client sees it.
        let done = turn.pending.iter().find(|p| p.id() == self.id).cloned();
        if let Some(item) = done {
            turn.emit(ThreadStreamEvent::item_done(item));
        }
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::item_event_json;
    use crate::protocol::{
        AssistantMessageContent, AssistantMessageItem, ThreadItem, ThreadStreamEvent,
    };

    /// The event around a stored item is byte for byte the event serde writes.
    #[test]
    fn item_events_are_built_around_the_stored_item() {
        let mut message = AssistantMessageItem::new("msg_1", "thr_1", crate::ids::now());
        message.content = vec![AssistantMessageContent::new("Nuggets \"-3.5\" at -110")];
        let item = ThreadItem::AssistantMessage(message);
        let item_json = serde_json::to_string(&item).unwrap();
        for event in [
            ThreadStreamEvent::item_done(item.clone()),
            ThreadStreamEvent::item_replaced(item.clone()),
        ] {
            assert_eq!(
                item_event_json(event.type_name(), &item_json),
                serde_json::to_string(&event).unwrap()
            );
        }
    }
}
