//! The request envelope and its 16 operations (spec §1.2, §5), plus the small JSON answers that
//! belong to one operation.
//!
//! Parsing is the contract for `400`: an unknown `type`, a missing `params`, or a missing or
//! mistyped required field fails [`ChatKitRequest::from_slice`]; unknown keys are ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::actions::Action;
use super::content::{InferenceOptions, UserMessageContent};
use super::items::{
    StructuredInput, StructuredInputAnswer, StructuredInputItem, StructuredInputStatus,
};
use super::thread::SortOrder;

/// Declares the request envelope from one table of operations, so the wire names, the
/// streamed/JSON split and the parsers cannot drift apart.
macro_rules! chatkit_requests {
    (
        streamed { $( $sv:ident($sp:ty) = $sw:literal ),+ $(,)? }
        json { $( $jv:ident($jp:ty) = $jw:literal ),+ $(,)? }
    ) => {
        /// One POST body: `{"type", "params", "metadata"?}`. Match on the variant, then use
        /// `envelope.params`; or split it with [`ChatKitRequest::into_operation`].
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "type")]
        pub enum ChatKitRequest {
            $( #[serde(rename = $sw)] $sv(Envelope<$sp>), )+
            $( #[serde(rename = $jw)] $jv(Envelope<$jp>), )+
        }

        /// An operation answered with an event stream (its params).
        #[derive(Debug, Clone, PartialEq)]
        pub enum StreamedRequest {
            $( $sv($sp), )+
        }

        /// An operation answered with one JSON body (its params).
        #[derive(Debug, Clone, PartialEq)]
        pub enum JsonRequest {
            $( $jv($jp), )+
        }

        impl ChatKitRequest {
            /// Every request `type` this protocol has, streamed ones first.
            pub const TYPES: &'static [&'static str] = &[$($sw,)+ $($jw,)+];

            /// The wire `type`, e.g. `"threads.create"` (for logs and metrics).
            pub fn type_name(&self) -> &'static str {
                match self {
                    $( Self::$sv(_) => $sw, )+
                    $( Self::$jv(_) => $jw, )+
                }
            }

            /// Whether the answer is an SSE stream (otherwise a JSON body).
            pub fn is_streaming(&self) -> bool {
                matches!(self, $( Self::$sv(_) )|+)
            }

            pub fn metadata(&self) -> &Map<String, Value> {
                match self {
                    $( Self::$sv(envelope) => &envelope.metadata, )+
                    $( Self::$jv(envelope) => &envelope.metadata, )+
                }
            }

            /// The operation, split by how it is answered (the metadata is dropped).
            pub fn into_operation(self) -> Operation {
                match self {
                    $( Self::$sv(envelope) => Operation::Streamed(StreamedRequest::$sv(envelope.params)), )+
                    $( Self::$jv(envelope) => Operation::Json(JsonRequest::$jv(envelope.params)), )+
                }
            }
        }

        impl StreamedRequest {
            pub fn type_name(&self) -> &'static str {
                match self {
                    $( Self::$sv(_) => $sw, )+
                }
            }
        }

        impl JsonRequest {
            pub fn type_name(&self) -> &'static str {
                match self {
                    $( Self::$jv(_) => $jw, )+
                }
            }
        }
    };
}

chatkit_requests! {
    streamed {
        CreateThread(CreateThreadParams) = "threads.create",
        AddUserMessage(AddUserMessageParams) = "threads.add_user_message",
        AddClientToolOutput(AddClientToolOutputParams) = "threads.add_client_tool_output",
        AddStructuredInput(AddStructuredInputParams) = "threads.add_structured_input",
        RetryAfterItem(RetryAfterItemParams) = "threads.retry_after_item",
        CustomAction(CustomActionParams) = "threads.custom_action",
    }
    json {
        SyncCustomAction(CustomActionParams) = "threads.sync_custom_action",
        GetThread(ThreadIdParams) = "threads.get_by_id",
        ListThreads(ListThreadsParams) = "threads.list",
        UpdateThread(UpdateThreadParams) = "threads.update",
        DeleteThread(ThreadIdParams) = "threads.delete",
        ListItems(ListItemsParams) = "items.list",
        Feedback(FeedbackParams) = "items.feedback",
        CreateAttachment(CreateAttachmentParams) = "attachments.create",
        DeleteAttachment(DeleteAttachmentParams) = "attachments.delete",
        Transcribe(TranscribeParams) = "input.transcribe",
    }
}

/// A request split by how it is answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    Streamed(StreamedRequest),
    Json(JsonRequest),
}

/// `params` plus the integration-defined `metadata` (ignored by the protocol, default `{}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<P> {
    pub params: P,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub metadata: Map<String, Value>,
}

impl<P> From<P> for Envelope<P> {
    fn from(params: P) -> Self {
        Self {
            params,
            metadata: Map::new(),
        }
    }
}

impl ChatKitRequest {
    /// Parses a POST body whatever its `Content-Type` said. An error here is a `400`.
    pub fn from_slice(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// The existing thread the request names: everything but `threads.create`, `threads.list`
    /// and the attachment and transcription operations. Authorize it before anything else.
    pub fn thread_id(&self) -> Option<&str> {
        match self {
            Self::AddUserMessage(e) => Some(&e.params.thread_id),
            Self::AddClientToolOutput(e) => Some(&e.params.thread_id),
            Self::AddStructuredInput(e) => Some(&e.params.thread_id),
            Self::RetryAfterItem(e) => Some(&e.params.thread_id),
            Self::CustomAction(e) | Self::SyncCustomAction(e) => Some(&e.params.thread_id),
            Self::GetThread(e) | Self::DeleteThread(e) => Some(&e.params.thread_id),
            Self::UpdateThread(e) => Some(&e.params.thread_id),
            Self::ListItems(e) => Some(&e.params.thread_id),
            Self::Feedback(e) => Some(&e.params.thread_id),
            Self::CreateThread(_)
            | Self::ListThreads(_)
            | Self::CreateAttachment(_)
            | Self::DeleteAttachment(_)
            | Self::Transcribe(_) => None,
        }
    }

    /// The single item the request names, if any (retry target, structured input, action sender).
    pub fn item_id(&self) -> Option<&str> {
        match self {
            Self::AddStructuredInput(e) => Some(&e.params.item_id),
            Self::RetryAfterItem(e) => Some(&e.params.item_id),
            Self::CustomAction(e) | Self::SyncCustomAction(e) => e.params.item_id.as_deref(),
            _ => None,
        }
    }
}

/// A new user message as the client sends it (attachments are ids here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserMessageInput {
    pub content: Vec<UserMessageContent>,
    /// Ids from `attachments.create` or a direct upload; may be empty but must be present.
    pub attachments: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quoted_text: Option<String>,
    /// `{}` when nothing is selected; must be present.
    pub inference_options: InferenceOptions,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateThreadParams {
    pub input: UserMessageInput,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddUserMessageParams {
    pub thread_id: String,
    pub input: UserMessageInput,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddClientToolOutputParams {
    pub thread_id: String,
    /// Whatever the page's `onClientTool` handler returned.
    pub result: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddStructuredInputParams {
    pub thread_id: String,
    /// The pending `structured_input` item.
    pub item_id: String,
    pub input: StructuredInputSubmission,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StructuredInputSubmission {
    #[serde(default)]
    pub status: SubmissionStatus,
    /// Question id → answer.
    #[serde(default)]
    pub answers: BTreeMap<String, StructuredInputAnswer>,
}

wire_enum! {
    #[derive(Default)]
    pub enum SubmissionStatus {
        #[default]
        Answered = "answered",
        Skipped = "skipped",
    }
}

impl StructuredInputSubmission {
    /// The answered item, by the SDK's rules (spec §7.4): a skipped submission, a missing answer,
    /// a skipped answer or one without values all become `{"values": [], "skipped": true}`; a
    /// single-choice question keeps only its first value; unknown question ids are ignored.
    /// `None` when the item is no longer pending.
    pub fn apply_to(&self, item: &StructuredInputItem) -> Option<StructuredInputItem> {
        if item.status != StructuredInputStatus::Pending {
            return None;
        }
        let mut answered = item.clone();
        for input in &mut answered.inputs {
            let answer = match self.answers.get(input.id()) {
                Some(answer)
                    if self.status == SubmissionStatus::Answered
                        && !answer.skipped
                        && !answer.values.is_empty() =>
                {
                    let single = matches!(input, StructuredInput::MultipleChoice(choice) if !choice.multiple);
                    let keep = if single { 1 } else { answer.values.len() };
                    StructuredInputAnswer {
                        values: answer.values.iter().take(keep).cloned().collect(),
                        skipped: false,
                    }
                }
                _ => StructuredInputAnswer::skipped(),
            };
            input.set_answer(answer);
        }
        answered.status = match self.status {
            SubmissionStatus::Answered => StructuredInputStatus::Answered,
            SubmissionStatus::Skipped => StructuredInputStatus::Skipped,
        };
        Some(answered)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetryAfterItemParams {
    pub thread_id: String,
    /// Must be a `user_message` of the thread.
    pub item_id: String,
}

/// Params of `threads.custom_action` and `threads.sync_custom_action`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomActionParams {
    pub thread_id: String,
    /// The widget item the action came from; absent for page-sent actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    pub action: Action,
}

/// Params of `threads.get_by_id` and `threads.delete`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadIdParams {
    pub thread_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListThreadsParams {
    /// `None` or `0` means the server default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default)]
    pub order: SortOrder,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateThreadParams {
    pub thread_id: String,
    /// The only updatable field.
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListItemsParams {
    pub thread_id: String,
    /// `None` or `0` means the server default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default)]
    pub order: SortOrder,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// The page size to use for a requested `limit`: `None`/`0` → `default`, capped at `max`.
pub fn page_limit(limit: Option<u32>, default: u32, max: u32) -> u32 {
    match limit {
        None | Some(0) => default,
        Some(limit) => limit.min(max),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackParams {
    pub thread_id: String,
    pub item_ids: Vec<String>,
    pub kind: FeedbackKind,
}

wire_enum! {
    pub enum FeedbackKind {
        Positive = "positive",
        Negative = "negative",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateAttachmentParams {
    pub name: String,
    /// Bytes.
    pub size: u64,
    pub mime_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteAttachmentParams {
    pub attachment_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscribeParams {
    pub audio_base64: String,
    /// With parameters, e.g. `audio/webm;codecs=opus`.
    pub mime_type: String,
}

impl TranscribeParams {
    /// The media type without parameters (`audio/webm`).
    pub fn media_type(&self) -> &str {
        self.mime_type.split(';').next().unwrap_or_default().trim()
    }
}

/// The answer of `input.transcribe`: the text to put into the composer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptionResult {
    pub text: String,
}

#[cfg(test)]
#[path = "requests_tests.rs"]
mod tests;
