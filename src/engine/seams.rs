//! The engine's extension points: the `Responder` that answers a turn (the agent fills it) and
//! the `ActionHandler`s that answer widget actions, keyed by action type.

use super::turn::{Turn, TurnError};
use crate::error::AppError;
use crate::protocol::{Action, ThreadItem, ThreadMetadata, UserMessageItem, WidgetItem};
use crate::store::SharedStore;
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Arc;

/// What a turn answers.
pub enum TurnInput<'a> {
    /// A new user message (create, add message, retry).
    Message(&'a UserMessageItem),
    /// A client tool's output or a structured input answer: continue without a new message.
    Continue,
}

#[async_trait]
pub trait Responder: Send + Sync + 'static {
    /// Streams the answer through `turn`. Returning an error ends the turn with one `error`
    /// event; what was already said is kept.
    async fn respond(&self, turn: &mut Turn, input: TurnInput<'_>) -> Result<(), TurnError>;
}

/// Everything a sync action may touch: the caller's thread, through the caller's scope.
pub struct SyncActionContext<'a> {
    pub user_id: &'a str,
    pub thread: &'a ThreadMetadata,
    pub store: &'a SharedStore,
}

#[async_trait]
pub trait ActionHandler: Send + Sync + 'static {
    /// Streams the answer to `threads.custom_action`.
    async fn handle(
        &self,
        turn: &mut Turn,
        action: &Action,
        sender: Option<&WidgetItem>,
    ) -> Result<(), TurnError> {
        let _ = (turn, sender);
        Err(TurnError::custom(format!(
            "action {} is answered synchronously; send it with streaming: false",
            action.kind
        )))
    }

    /// Answers `threads.sync_custom_action` with the sender's new version (saved by the engine
    /// before answering), or `None` when nothing changes.
    async fn handle_sync(
        &self,
        ctx: &SyncActionContext<'_>,
        action: &Action,
        sender: Option<&WidgetItem>,
    ) -> Result<Option<ThreadItem>, AppError> {
        let _ = (ctx, sender);
        Err(AppError::BadRequest(format!(
            "action {} must be sent as a streaming action",
            action.kind
        )))
    }
}

/// Action handlers by action type.
#[derive(Clone, Default)]
pub struct ActionRegistry {
    handlers: HashMap<String, Arc<dyn ActionHandler>>,
}

impl ActionRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn register(mut self, action_type: &str, handler: Arc<dyn ActionHandler>) -> Self {
        self.handlers.insert(action_type.to_owned(), handler);
        self
    }

    pub fn get(&self, action_type: &str) -> Option<&Arc<dyn ActionHandler>> {
        self.handlers.get(action_type)
    }
}
