//! The engine's extension points: the `Responder` that answers a turn (the agent fills it) and
//! the actions that answer widgets, keyed by action type: a `StreamedAction` writes to a turn,
//! a `SyncAction` returns the sender's new version.

use super::turn::{Turn, TurnError};
use crate::error::AppError;
use crate::protocol::{Action, ThreadItem, ThreadMetadata, UserMessageItem, WidgetItem};
use crate::store::{StoreError, UserLedger};
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

/// Everything a sync action may touch: the caller's thread and ledger, both in the caller's
/// scope.
pub struct SyncActionContext<'a> {
    pub user_id: &'a str,
    pub thread: &'a ThreadMetadata,
    pub ledger: UserLedger,
}

/// Why an action was not done, for both kinds of action: the engine turns it into one `error`
/// event (streamed) or an HTTP error (sync).
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// The action cannot be done as asked; the message is shown as is (400 / error event).
    #[error("{0}")]
    Rejected(String),
    /// A service it needs is out of reach; the client may retry (503 / retryable event).
    #[error("{0}")]
    Unavailable(String),
    /// Logged; the user sees a generic, retryable error.
    #[error("{0}")]
    Internal(String),
}

impl ActionError {
    pub fn rejected(message: impl Into<String>) -> Self {
        ActionError::Rejected(message.into())
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ActionError::Internal(cause.to_string())
    }
}

impl From<StoreError> for ActionError {
    fn from(e: StoreError) -> Self {
        if e.is_unavailable() {
            ActionError::Unavailable("the database is unavailable; try again in a moment".into())
        } else {
            ActionError::Internal(e.to_string())
        }
    }
}

impl From<ActionError> for TurnError {
    fn from(e: ActionError) -> Self {
        match e {
            ActionError::Rejected(message) => TurnError::custom(message),
            ActionError::Unavailable(message) => TurnError::Custom {
                message,
                allow_retry: true,
            },
            ActionError::Internal(cause) => TurnError::Internal(cause),
        }
    }
}

impl From<ActionError> for AppError {
    fn from(e: ActionError) -> Self {
        match e {
            ActionError::Rejected(message) => AppError::BadRequest(message),
            ActionError::Unavailable(message) => AppError::Unavailable(message),
            ActionError::Internal(cause) => AppError::Internal(cause),
        }
    }
}

/// An action answered with a stream (`threads.custom_action`): it writes to the turn.
#[async_trait]
pub trait StreamedAction: Send + Sync + 'static {
    async fn run(
        &self,
        turn: &mut Turn,
        action: &Action,
        sender: Option<&WidgetItem>,
    ) -> Result<(), ActionError>;
}

/// An action answered with JSON (`threads.sync_custom_action`): the sender's new version
/// (saved by the engine before answering), or `None` when nothing changes.
#[async_trait]
pub trait SyncAction: Send + Sync + 'static {
    async fn run(
        &self,
        ctx: &SyncActionContext<'_>,
        action: &Action,
        sender: Option<&WidgetItem>,
    ) -> Result<Option<ThreadItem>, ActionError>;
}

/// A registered action, of one kind or the other.
#[derive(Clone)]
pub enum RegisteredAction {
    Streamed(Arc<dyn StreamedAction>),
    Sync(Arc<dyn SyncAction>),
}

/// Action handlers by action type.
#[derive(Clone, Default)]
pub struct ActionRegistry {
    handlers: HashMap<String, RegisteredAction>,
}

impl ActionRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn streamed(mut self, action_type: &str, handler: impl StreamedAction) -> Self {
        self.handlers.insert(
            action_type.to_owned(),
            RegisteredAction::Streamed(Arc::new(handler)),
        );
        self
    }

    pub fn sync(mut self, action_type: &str, handler: impl SyncAction) -> Self {
        self.handlers.insert(
            action_type.to_owned(),
            RegisteredAction::Sync(Arc::new(handler)),
        );
        self
    }

    pub fn get(&self, action_type: &str) -> Option<&RegisteredAction> {
        self.handlers.get(action_type)
    }
}
