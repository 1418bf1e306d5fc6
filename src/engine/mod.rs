//! The ChatKit core, independent of HTTP: a request body and a caller in, a JSON answer or an
//! event stream out. Both doors (`POST /chatkit` and the UI's server functions) are thin
//! adapters over `Engine::handle`.
//!
//! Streamed operations are validated before anything is sent (so a bad id is a 404, not a
//! broken stream), then run in a task the engine owns: the door only reads the events, and a
//! client that disconnects loses nothing.

mod attachments;
mod convert;
mod health;
mod json_ops;
mod scripted;
mod seams;
mod shared;
mod streams;
mod turn;
mod writer;

#[cfg(test)]
pub mod testing;
#[cfg(test)]
mod tests;

pub use attachments::{
    to_wire as attachment_wire, AttachmentContent, AttachmentFiles, AttachmentLinks,
};
pub use health::{DatabaseCheck, NotReady};
pub use scripted::{
    ConfirmAction, CountAction, ScriptedResponder, SlowScriptedResponder, CONFIRM_ACTION,
    COUNT_ACTION, SLOW_ANSWER,
};
pub use seams::{
    ActionError, ActionRegistry, RegisteredAction, Responder, StreamedAction, SyncAction,
    SyncActionContext, TurnInput,
};
pub use turn::{AssistantStream, Turn, TurnError};
pub use writer::WriteQueue;

use crate::error::AppError;
use crate::protocol::{ChatKitRequest, Operation, StreamedRequest};
use crate::store::SharedStore;
use futures::{FutureExt, Stream};
use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// The scripted responder and its actions, wired together.
pub fn scripted_parts() -> (Arc<dyn Responder>, ActionRegistry) {
    let actions = ActionRegistry::new()
        .streamed(CONFIRM_ACTION, ConfirmAction)
        .sync(COUNT_ACTION, CountAction);
    (Arc::new(ScriptedResponder), actions)
}

/// Limits the engine enforces on client input.
#[derive(Clone, Debug)]
pub struct EngineLimits {
    pub attachment_max_bytes: u64,
    pub attachment_mime_types: Vec<String>,
    /// Turns running at once; a turn beyond it is refused (429), never queued.
    pub max_concurrent_turns: usize,
    /// What one user may hold: attachments and their total announced bytes.
    pub attachments_per_user: u64,
    pub attachment_bytes_per_user: u64,
}

impl Default for EngineLimits {
    fn default() -> Self {
        EngineLimits {
            attachment_max_bytes: 10 * 1024 * 1024,
            attachment_mime_types: vec!["image/png".into()],
            max_concurrent_turns: 512,
            attachments_per_user: 1000,
            attachment_bytes_per_user: u64::MAX,
        }
    }
}

/// How long a client refused for the concurrent-turn cap is told to wait.
const BUSY_RETRY_AFTER_SECS: u64 = 2;

/// Who is asking, and how to build absolute URLs for them.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub user_id: String,
    /// e.g. `http://127.0.0.1:3000`, for attachment upload and preview URLs.
    pub base_url: String,
}

/// The answer to one request.
pub enum Reply {
    /// A JSON body (status 200).
    Json(String),
    /// Serialized `ThreadStreamEvent`s, one JSON object each, ending with the turn.
    Stream(EventStream),
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reply::Json(body) => write!(f, "Json({body})"),
            Reply::Stream(_) => write!(f, "Stream"),
        }
    }
}

/// A turn in progress, as the stop button finds it.
struct RunningTurn {
    user_id: String,
    thread_id: String,
    cancel: CancellationToken,
}

/// The events of a running turn, each released once the write it announces is durable (in
/// order: an event waiting holds back the ones after it). Dropping it does not stop the turn.
pub struct EventStream {
    rx: mpsc::UnboundedReceiver<turn::Outgoing>,
    /// The next event, waiting for its write.
    held: Option<turn::Outgoing>,
}

impl EventStream {
    fn new(rx: mpsc::UnboundedReceiver<turn::Outgoing>) -> Self {
        metrics::gauge!("pl_active_streams").increment(1.0);
        EventStream { rx, held: None }
    }

    /// Every remaining event (for tests and the UI door's non-streaming uses).
    pub async fn collect_all(mut self) -> Vec<Arc<str>> {
        use futures::StreamExt;
        let mut events = Vec::new();
        while let Some(event) = self.next().await {
            events.push(event);
        }
        events
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        metrics::gauge!("pl_active_streams").decrement(1.0);
    }
}

impl Stream for EventStream {
    type Item = Arc<str>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if self.held.is_none() {
                match self.rx.poll_recv(cx) {
                    Poll::Ready(Some(out)) => self.held = Some(out),
                    Poll::Ready(None) => return Poll::Ready(None),
                    Poll::Pending => return Poll::Pending,
                }
            }
            let durable = match self.held.as_mut().and_then(|out| out.after.as_mut()) {
                None => true,
                Some(ack) => match ack.poll_unpin(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(result) => matches!(result, Ok(Ok(()))),
                },
            };
            let out = self.held.take();
            // A write that failed is never announced; the turn ends with an error event.
            if durable {
                return Poll::Ready(out.map(|out| out.json));
            }
        }
    }
}

struct Inner {
    store: SharedStore,
    writer: WriteQueue,
    responder: Arc<dyn Responder>,
    actions: ActionRegistry,
    files: AttachmentFiles,
    links: Arc<dyn AttachmentLinks>,
    limits: EngineLimits,
    /// One permit per running turn (`limits.max_concurrent_turns`).
    turn_slots: Arc<tokio::sync::Semaphore>,
    /// Running turns by turn id (a thread may have several), so Stop can reach them.
    running: Mutex<HashMap<u64, RunningTurn>>,
    next_turn_id: AtomicU64,
    /// Set by `drain`: new turns are refused while the running ones finish.
    draining: AtomicBool,
    /// Postgres: what the processes sharing the database coordinate through (attachment
    /// bytes, periodic task claims); `None` on SQLite.
    cluster: Option<crate::store::Cluster>,
    /// Postgres: Stop for turns other processes run.
    stop_bus: Option<Arc<shared::StopBus>>,
    /// Ends the engine's background listener when the engine goes.
    _listener: tokio_util::sync::DropGuard,
}

#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

pub struct EngineParts {
    pub store: SharedStore,
    pub responder: Arc<dyn Responder>,
    pub actions: ActionRegistry,
    pub files: AttachmentFiles,
    pub links: Arc<dyn AttachmentLinks>,
    pub limits: EngineLimits,
}

impl Engine {
    /// Builds the engine and starts its writer task (needs a Tokio runtime).
    pub fn new(parts: EngineParts) -> Self {
        let writer = WriteQueue::start(parts.store.clone());
        let cluster = parts.store.cluster();
        let stop_bus = cluster.clone().map(shared::StopBus::new);
        let listener = CancellationToken::new();
        let engine = Engine {
            inner: Arc::new(Inner {
                store: parts.store,
                writer,
                responder: parts.responder,
                actions: parts.actions,
                files: parts.files,
                links: parts.links,
                turn_slots: Arc::new(tokio::sync::Semaphore::new(
                    parts.limits.max_concurrent_turns,
                )),
                limits: parts.limits,
                running: Mutex::new(HashMap::new()),
                next_turn_id: AtomicU64::new(1),
                draining: AtomicBool::new(false),
                cluster,
                stop_bus: stop_bus.clone(),
                _listener: listener.clone().drop_guard(),
            }),
        };
        if let Some(bus) = stop_bus {
            tokio::spawn(shared::listen(bus, Arc::downgrade(&engine.inner), listener));
        }
        engine
    }

    /// The store, for tests that check what was saved. The doors never reach past the
    /// engine to it.
    #[cfg(test)]
    pub fn store(&self) -> &SharedStore {
        &self.inner.store
    }

    /// The ledger of `user_id`, for the page's own server functions (the caller is
    /// authenticated by the door; tools and actions get theirs from the turn).
    pub fn ledger(&self, user_id: &str) -> crate::store::UserLedger {
        crate::store::UserLedger::new(self.inner.store.clone(), user_id)
    }

    /// The user's thumbs on a thread's items (one per item, the latest), so the page can show
    /// them again after a reload; another user's thread has none.
    pub async fn thread_feedback(
        &self,
        user_id: &str,
        thread_id: &str,
    ) -> Result<Vec<crate::store::FeedbackRecord>, AppError> {
        Ok(self.inner.store.list_feedback(user_id, thread_id).await?)
    }

    /// Parses a request body (any content type). Errors are 400s naming the problem.
    pub fn parse(body: &[u8]) -> Result<ChatKitRequest, AppError> {
        ChatKitRequest::from_slice(body)
            .map_err(|e| AppError::InvalidRequest(describe_parse_error(body, &e)))
    }

    pub async fn handle(&self, ctx: &RequestContext, body: &[u8]) -> Result<Reply, AppError> {
        let request = Self::parse(body)?;
        self.dispatch(ctx, request).await
    }

    pub async fn dispatch(
        &self,
        ctx: &RequestContext,
        request: ChatKitRequest,
    ) -> Result<Reply, AppError> {
        match request.into_operation() {
            Operation::Streamed(request) => self.start_turn(ctx, request).await.map(Reply::Stream),
            Operation::Json(request) => json_ops::answer(self, ctx, request).await.map(Reply::Json),
        }
    }

    /// Starts a turn in a free slot: refused (503) while draining, and (429) when every slot
    /// is taken, never queued.
    async fn start_turn(
        &self,
        ctx: &RequestContext,
        request: StreamedRequest,
    ) -> Result<EventStream, AppError> {
        if self.inner.draining.load(Ordering::Acquire) {
            return Err(AppError::Unavailable(
                "the server is shutting down; retry in a moment".into(),
            ));
        }
        // Held by the turn's task until the turn ends, even if the client goes away.
        let slot = self
            .inner
            .turn_slots
            .clone()
            .try_acquire_owned()
            .map_err(|_| AppError::RateLimited {
                retry_after_secs: BUSY_RETRY_AFTER_SECS,
            })?;
        streams::start(self, ctx, request, slot).await
    }

    /// Stops the running turns of a thread (the stop button): their partial answers are kept.
    /// Returns whether a turn was running. On Postgres a turn another process runs is
    /// stopped too (`shared.rs`).
    pub async fn cancel_turn(&self, user_id: &str, thread_id: &str) -> Result<bool, AppError> {
        if self.cancel_running(user_id, thread_id) {
            return Ok(true);
        }
        if self
            .inner
            .store
            .get_thread(user_id, thread_id)
            .await?
            .is_none()
        {
            return Err(AppError::NotFound(format!("thread {thread_id} not found")));
        }
        match &self.inner.stop_bus {
            Some(bus) => bus.stop_elsewhere(user_id, thread_id).await,
            None => Ok(false),
        }
    }

    /// Cancels every running turn of the user's thread; whether there was one.
    fn cancel_running(&self, user_id: &str, thread_id: &str) -> bool {
        let running = self.running();
        let mut cancelled = false;
        for turn in running
            .values()
            .filter(|t| t.user_id == user_id && t.thread_id == thread_id)
        {
            turn.cancel.cancel();
            cancelled = true;
        }
        cancelled
    }

    /// How many turns are running now.
    pub fn running_turns(&self) -> usize {
        self.running().len()
    }

    /// Shutdown: refuses new turns (503), waits up to `limit` for the running ones to end,
    /// then until everything they queued is committed. Returns how many turns were still
    /// running at the limit (their writes so far are committed too).
    pub async fn drain(&self, limit: Duration) -> usize {
        self.inner.draining.store(true, Ordering::Release);
        let max = u32::try_from(self.inner.limits.max_concurrent_turns).unwrap_or(u32::MAX);
        // Every slot free means every turn has ended, its writes flushed.
        let all_slots = self.inner.turn_slots.acquire_many(max);
        let left = match tokio::time::timeout(limit, all_slots).await {
            Ok(_) => 0,
            Err(_) => self.running_turns(),
        };
        self.inner.writer.flush().await;
        left
    }

    /// Registers a running turn; the guard removes it when the turn ends (however it ends).
    fn register_turn(
        &self,
        user_id: &str,
        thread_id: &str,
        cancel: CancellationToken,
    ) -> RunningGuard {
        let id = self.inner.next_turn_id.fetch_add(1, Ordering::Relaxed);
        self.running().insert(
            id,
            RunningTurn {
                user_id: user_id.to_owned(),
                thread_id: thread_id.to_owned(),
                cancel,
            },
        );
        RunningGuard {
            engine: self.clone(),
            id,
        }
    }

    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<u64, RunningTurn>> {
        // A poisoned map only means a panic elsewhere; the map itself is still consistent.
        self.inner.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A running turn's entry in `Engine::running`, removed on drop.
struct RunningGuard {
    engine: Engine,
    id: u64,
}

impl Drop for RunningGuard {
    fn drop(&mut self) {
        self.engine.running().remove(&self.id);
    }
}

/// A parse error in words a client developer can act on.
fn describe_parse_error(body: &[u8], error: &serde_json::Error) -> String {
    if body.iter().all(u8::is_ascii_whitespace) {
        return "the request body is empty; send a JSON object {\"type\": ..., \"params\": {...}}"
            .into();
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Err(_) => format!("the request body is not valid JSON: {error}"),
        Ok(serde_json::Value::Object(map)) => match map.get("type").and_then(|t| t.as_str()) {
            None => "the request has no string \"type\"".into(),
            Some(kind) if !ChatKitRequest::TYPES.contains(&kind) => {
                format!("unknown request type {kind:?}")
            }
            Some(kind) => format!("invalid params for {kind}: {error}"),
        },
        Ok(_) => "the request body must be a JSON object".into(),
    }
}
