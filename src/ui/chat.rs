//! The chat page's shared state and what the page does with it: turns streamed into the
//! transcript, widget actions, Stop, Retry, feedback, and the thread list (load, open, rename,
//! delete, page). The components (`page`, `threads`, `composer`) only read these signals and
//! call these functions. Every request goes through the page's door as a ChatKit request.

use super::attach::Attachments;
use super::door::{cancel_turn, chatkit_call, chatkit_stream};
use super::feedback::thread_feedback;
use super::transcript::{remember, EventLines, Transcript};
use super::wire::{read_page, Event, Item, ThreadInfo};
use crate::protocol::{
    Action, ActionConfig, AddUserMessageParams, ChatKitRequest, CreateThreadParams,
    CustomActionParams, FeedbackKind, FeedbackParams, HandledBy, ListItemsParams,
    ListThreadsParams, RetryAfterItemParams, SortOrder, ThreadIdParams, UpdateThreadParams,
    UserMessageContent, UserMessageInput,
};
use leptos::prelude::*;
use serde_json::Value;
use std::collections::HashMap;

/// How many threads one page of the list shows, and how many items an opened thread loads.
pub const THREADS_PAGE: u32 = 20;
const ITEMS_LOADED: u32 = 100;

/// The page's chat state, shared by the header, the thread list, the transcript and the
/// composer.
#[derive(Clone, Copy)]
pub struct Chat {
    pub transcript: RwSignal<Transcript>,
    /// A turn is streaming: the composer waits, streamed widget actions are disabled.
    pub busy: RwSignal<bool>,
    /// The user's threads, newest first.
    pub threads: RwSignal<Vec<ThreadInfo>>,
    /// The id to ask for the next page of threads after, while there is one.
    pub more_threads: RwSignal<Option<String>>,
    /// The phone's thread drawer is open.
    pub drawer_open: RwSignal<bool>,
    /// Thumbs given to answers in this session (item id → kind), once the server stored them.
    pub feedback: RwSignal<HashMap<String, FeedbackKind>>,
    /// Files chosen in the composer for the next message.
    pub attachments: Attachments,
}

impl Chat {
    pub fn new() -> Self {
        Chat {
            transcript: RwSignal::new(Transcript::default()),
            busy: RwSignal::new(false),
            threads: RwSignal::new(Vec::new()),
            more_threads: RwSignal::new(None),
            drawer_open: RwSignal::new(false),
            feedback: RwSignal::new(HashMap::new()),
            attachments: Attachments::new(),
        }
    }

    fn fail(self, message: String) {
        self.transcript.update(|t| t.error = Some(message));
    }

    /// Whether the composer can send now: no turn running, every chosen file uploaded, and
    /// something to send (text or a file).
    pub fn can_send(self, text: &str) -> bool {
        let pending = self.attachments.pending;
        !self.busy.get()
            && pending.with(|p| super::attach::ready_ids(p).is_some())
            && (!text.trim().is_empty() || pending.with(|p| !p.is_empty()))
    }

    /// Sends `text` and the composer's uploaded files as the next message of the open thread
    /// (or a new one).
    pub fn send(self, text: String) {
        let text = text.trim().to_owned();
        if self.busy.get_untracked() {
            return;
        }
        let has_files = self.attachments.pending.with_untracked(|p| !p.is_empty());
        if text.is_empty() && !has_files {
            return;
        }
        let Some(attachments) = self.attachments.take_for_message() else {
            return;
        };
        let content = if text.is_empty() {
            Vec::new()
        } else {
            vec![UserMessageContent::text(text)]
        };
        let input = UserMessageInput {
            content,
            attachments,
            quoted_text: None,
            inference_options: Default::default(),
        };
        let request = match self.transcript.with_untracked(|t| t.thread_id.clone()) {
            None => ChatKitRequest::CreateThread(CreateThreadParams { input }.into()),
            Some(thread_id) => {
                ChatKitRequest::AddUserMessage(AddUserMessageParams { thread_id, input }.into())
            }
        };
        run_turn(request, self);
    }

    /// Starts an empty conversation (the next message creates its thread).
    pub fn new_chat(self) {
        if self.busy.get_untracked() {
            return;
        }
        self.transcript.set(Transcript::default());
        show_thread_in_url(None);
        self.drawer_open.set(false);
    }

    /// Runs the last user message again after a failed turn; the server forgets what came
    /// after it, and so does the transcript.
    pub fn retry(self) {
        if self.busy.get_untracked() {
            return;
        }
        let target = self.transcript.with_untracked(|t| {
            t.thread_id
                .clone()
                .zip(t.last_user_message().map(str::to_owned))
        });
        let Some((thread_id, item_id)) = target else {
            return;
        };
        self.transcript.update(|t| t.drop_after(&item_id));
        run_turn(
            ChatKitRequest::RetryAfterItem(RetryAfterItemParams { thread_id, item_id }.into()),
            self,
        );
    }

    /// Asks the server to stop the running turn; its stream then ends with what was said.
    pub fn stop(self) {
        let Some(thread_id) = self.transcript.with_untracked(|t| t.thread_id.clone()) else {
            return;
        };
        if !self.busy.get_untracked() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Err(e) = cancel_turn(thread_id).await {
                self.fail(e.to_string());
            }
        });
    }

    /// Stores a thumbs up or down for an answer (`items.feedback`); shown once stored.
    pub fn give_feedback(self, item_id: String, kind: FeedbackKind) {
        let Some(thread_id) = self.transcript.with_untracked(|t| t.thread_id.clone()) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let request = ChatKitRequest::Feedback(
                FeedbackParams {
                    thread_id,
                    item_ids: vec![item_id.clone()],
                    kind,
                }
                .into(),
            );
            match call_json(request).await {
                Ok(_) => self.feedback.update(|f| {
                    f.insert(item_id, kind);
                }),
                Err(e) => self.fail(e),
            }
        });
    }

    /// The first page of threads (newest first), or the next one.
    pub fn load_threads(self, more: bool) {
        let after = if more {
            match self.more_threads.get_untracked() {
                Some(after) => Some(after),
                None => return,
            }
        } else {
            None
        };
        leptos::task::spawn_local(async move {
            let request = ChatKitRequest::ListThreads(
                ListThreadsParams {
                    limit: Some(THREADS_PAGE),
                    order: SortOrder::Desc,
                    after,
                }
                .into(),
            );
            match call_json(request).await {
                Ok(page) => {
                    let (data, after) = read_page(&page, ThreadInfo::read);
                    // Merged, never replaced: a thread this page created or renamed while the
                    // list was loading is newer than the server's copy in the answer.
                    self.threads.update(|list| {
                        for thread in data {
                            if !list.iter().any(|t| t.id == thread.id) {
                                list.push(thread);
                            }
                        }
                    });
                    self.more_threads.set(after);
                }
                Err(e) => self.fail(e),
            }
        });
    }

    /// Shows a stored thread (its latest items, oldest first) and puts it in the URL.
    pub fn open(self, thread_id: String) {
        if self.busy.get_untracked() {
            return;
        }
        self.drawer_open.set(false);
        // Its items are drawn by code fetched on demand: ask for it with the thread.
        super::rich::preload();
        leptos::task::spawn_local(async move {
            let thread = match call_json(ChatKitRequest::GetThread(
                ThreadIdParams {
                    thread_id: thread_id.clone(),
                }
                .into(),
            ))
            .await
            .and_then(|t| ThreadInfo::read(&t).ok_or_else(|| "an unreadable thread".to_owned()))
            {
                Ok(thread) => thread,
                Err(e) => {
                    // A link to a thread that is gone (or another user's) opens an empty chat.
                    show_thread_in_url(None);
                    return self.fail(e);
                }
            };
            let request = ChatKitRequest::ListItems(
                ListItemsParams {
                    thread_id: thread.id.clone(),
                    limit: Some(ITEMS_LOADED),
                    order: SortOrder::Desc,
                    after: None,
                }
                .into(),
            );
            match call_json(request).await {
                Ok(page) => {
                    let (mut items, _) = read_page(&page, |v| Item::read(v.clone()));
                    items.reverse();
                    show_thread_in_url(Some(&thread.id));
                    self.transcript.set(Transcript::opened(&thread, items));
                }
                Err(e) => return self.fail(e),
            }
            // The ratings the server stored; a thread still shows without them.
            match thread_feedback(thread.id).await {
                Ok(stored) => self.feedback.update(|f| f.extend(stored)),
                Err(e) => leptos::logging::warn!("could not read the ratings: {e}"),
            }
        });
    }

    /// Renames a thread (`threads.update`), keeping its place in the list.
    pub fn rename(self, thread_id: String, title: String) {
        let title = title.trim().to_owned();
        if title.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            let request =
                ChatKitRequest::UpdateThread(UpdateThreadParams { thread_id, title }.into());
            let answer = call_json(request).await.and_then(|t| {
                ThreadInfo::read(&t).ok_or_else(|| "an unreadable thread".to_owned())
            });
            match answer {
                Ok(thread) => {
                    self.transcript.update(|t| {
                        if t.thread_id.as_deref() == Some(thread.id.as_str()) {
                            t.title = thread.title.clone();
                        }
                    });
                    self.threads.update(|list| {
                        if let Some(t) = list.iter_mut().find(|t| t.id == thread.id) {
                            *t = thread;
                        }
                    });
                }
                Err(e) => self.fail(e),
            }
        });
    }

    /// Deletes a thread (`threads.delete`); the open one gives way to an empty chat.
    pub fn delete(self, thread_id: String) {
        leptos::task::spawn_local(async move {
            let request = ChatKitRequest::DeleteThread(
                ThreadIdParams {
                    thread_id: thread_id.clone(),
                }
                .into(),
            );
            match call_json(request).await {
                Ok(_) => {
                    self.threads
                        .update(|list| list.retain(|t| t.id != thread_id));
                    // `try_`: the page may be gone by the time the answer comes.
                    let was_open = self
                        .transcript
                        .try_with_untracked(|t| t.thread_id.as_deref() == Some(thread_id.as_str()))
                        .unwrap_or(false);
                    if was_open && self.busy.try_get_untracked() == Some(false) {
                        self.transcript.set(Transcript::default());
                        show_thread_in_url(None);
                    }
                }
                Err(e) => self.fail(e),
            }
        });
    }
}

impl Default for Chat {
    fn default() -> Self {
        Self::new()
    }
}

/// A widget action: streamed ones run as a turn (never two at once), sync ones replace their
/// widget in place.
pub fn run_action(config: ActionConfig, thread_id: String, item_id: String, chat: Chat) {
    if config.handler() == HandledBy::Client {
        return;
    }
    let streaming = config.is_streaming();
    let params = CustomActionParams {
        thread_id,
        item_id: Some(item_id),
        action: Action {
            kind: config.kind,
            payload: config.payload,
        },
    };
    if streaming {
        if !chat.busy.get_untracked() {
            run_turn(ChatKitRequest::CustomAction(params.into()), chat);
        }
        return;
    }
    leptos::task::spawn_local(async move {
        let answer = call_json(ChatKitRequest::SyncCustomAction(params.into())).await;
        chat.transcript.update(|t| match answer {
            Ok(response) => {
                t.error = None;
                if let Some(item) = response.get("updated_item").cloned().and_then(Item::read) {
                    t.upsert(item);
                }
            }
            Err(e) => t.error = Some(e),
        });
    });
}

/// Streams a turn into the transcript; the composer stays disabled until it ends.
fn run_turn(request: ChatKitRequest, chat: Chat) {
    // The answer is drawn by code fetched on demand: ask for it with the turn.
    super::rich::preload();
    let Chat {
        transcript,
        busy,
        threads,
        ..
    } = chat;
    busy.set(true);
    transcript.update(Transcript::start_turn);
    leptos::task::spawn_local(async move {
        use futures::StreamExt;
        let apply = |line: &str| match Event::read(line) {
            Ok(event) => {
                if let Event::Thread { thread, created } = &event {
                    if *created {
                        show_thread_in_url(Some(&thread.id));
                    }
                    threads.update(|list| remember(list, thread.clone()));
                }
                transcript.update(|t| t.apply(event))
            }
            Err(e) => leptos::logging::warn!("unreadable event: {e}"),
        };
        match chatkit_stream(request).await {
            Ok(stream) => {
                let mut stream = stream.into_inner();
                let mut lines = EventLines::default();
                while let Some(chunk) = stream.next().await {
                    match chunk {
                        Ok(text) => lines.push(&text).iter().for_each(|l| apply(l)),
                        Err(e) => {
                            transcript.update(|t| t.error = Some(e.to_string()));
                            break;
                        }
                    }
                }
                if let Some(last) = lines.finish() {
                    apply(&last);
                }
            }
            Err(e) => transcript.update(|t| t.error = Some(e.to_string())),
        }
        transcript.update(Transcript::end_turn);
        busy.set(false);
    });
}

/// A JSON request through the page's door, its answer as JSON (read through `wire`).
pub async fn call_json(request: ChatKitRequest) -> Result<Value, String> {
    let body = chatkit_call(request).await.map_err(|e| e.to_string())?;
    serde_json::from_str(&body).map_err(|e| e.to_string())
}

/// Keeps the open thread in the address bar (`?thread=…`), so a reload or a shared link
/// reopens it. Replaces the history entry: switching threads is not navigation.
pub fn show_thread_in_url(thread_id: Option<&str>) {
    #[cfg(feature = "hydrate")]
    {
        let url = match thread_id {
            Some(id) => format!("/professor-lock?thread={id}"),
            None => "/professor-lock".to_owned(),
        };
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let state = wasm_bindgen::JsValue::NULL;
            if let Err(e) = history.replace_state_with_url(&state, "", Some(&url)) {
                leptos::logging::warn!("could not update the address: {e:?}");
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = thread_id;
}

/// Copies `text` to the clipboard; `true` once the browser took it.
pub async fn copy_text(text: String) -> bool {
    #[cfg(feature = "hydrate")]
    {
        let Some(window) = web_sys::window() else {
            return false;
        };
        let promise = window.navigator().clipboard().write_text(&text);
        wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        false
    }
}
