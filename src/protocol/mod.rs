//! ChatKit wire protocol: the serde types for everything that crosses the `/chatkit` endpoint.
//!
//! Owns: the request envelope and its 16 operations, stream events and item updates, threads,
//! thread items, pages, attachments, annotations and sources, actions, error shapes, and the typed
//! widget catalogue. Nothing here does I/O or reads a clock, so the module builds for the server and
//! for `wasm32` alike (`[both]`); it may use only serde, serde_json and chrono.
//!
//! Wire conventions (spec §2), applied everywhere:
//! * polymorphic objects are `#[serde(tag = "type")]` enums with renamed variants;
//! * `None` is omitted, but keys with a non-null default (`annotations: []`, `attachments: []`,
//!   `inference_options: {}`, `interactive: false`, `status`, `has_more`, ...) are always sent,
//!   because the web component was built against the SDK's output;
//! * fields with a default are `#[serde(default)]`, so client input parses leniently, and unknown
//!   incoming keys are ignored (newer web components may send more);
//! * timestamps are `DateTime<Utc>` written as `2025-06-01T09:30:00.123456Z` (see [`time`]).

#[macro_use]
mod macros;

mod actions;
mod attachments;
mod content;
mod errors;
mod events;
mod icons;
mod items;
mod requests;
mod tagged;
mod tasks;
mod thread;
pub mod time;
mod updates;
pub mod widgets;

pub use actions::{Action, ActionConfig, HandledBy, LoadingBehavior, SyncCustomActionResponse};
pub use attachments::{Attachment, AttachmentKind, UploadDescriptor, UploadMethod};
pub use content::{
    Annotation, AssistantMessageContent, EntitySource, FileSource, InferenceOptions, Source,
    ToolChoice, UrlSource, UserMessageContent, UserMessageTag,
};
pub use errors::{ErrorCode, ErrorEvent, HttpError, HttpErrorBody, HttpErrorCode};
pub use events::{NoticeLevel, StreamOptions, ThreadStreamEvent};
pub use icons::{IconName, BUILTIN_ICONS};
pub use items::{
    AssistantMessageItem, ChoiceOption, ClientToolCallItem, ClientToolCallStatus, EndOfTurnItem,
    FreeformInput, GeneratedImage, GeneratedImageItem, HiddenContextItem, ItemKind,
    MultipleChoiceInput, SdkHiddenContextItem, StructuredInput, StructuredInputAnswer,
    StructuredInputItem, StructuredInputStatus, TaskItem, ThreadItem, UserMessageItem, WidgetItem,
    WorkflowItem,
};
pub use requests::{
    page_limit, AddClientToolOutputParams, AddStructuredInputParams, AddUserMessageParams,
    ChatKitRequest, CreateAttachmentParams, CreateThreadParams, CustomActionParams,
    DeleteAttachmentParams, Envelope, FeedbackKind, FeedbackParams, JsonRequest, ListItemsParams,
    ListThreadsParams, Operation, RetryAfterItemParams, StreamedRequest, StructuredInputSubmission,
    SubmissionStatus, ThreadIdParams, TranscribeParams, TranscriptionResult, UpdateThreadParams,
    UserMessageInput,
};
pub use tasks::{
    CustomSummary, CustomTask, DurationSummary, FileTask, ImageTask, StatusIndicator, Task,
    ThoughtTask, WebSearchTask, Workflow, WorkflowKind, WorkflowSummary,
};
pub use thread::{Empty, HasId, Page, SortOrder, Thread, ThreadMetadata, ThreadStatus};
pub use updates::{ThreadItemUpdate, UpdateError};
pub use widgets::{WidgetComponent, WidgetRoot};

#[cfg(test)]
mod spec_examples;
