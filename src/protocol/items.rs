//! Thread items (spec §4): everything a thread is made of, visible or hidden.
//!
//! Serialization cost: every SSE event writes an item, and every history load reads many. Each
//! variant struct therefore repeats the common `id` / `thread_id` / `created_at` fields instead of
//! `#[serde(flatten)]`-ing a shared header: flatten is cheap to write but makes every read buffer
//! the object a second time (once for the tag, once for the flatten), and it disables struct-field
//! matching. The accessors on [`ThreadItem`] give the shared view back.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::attachments::Attachment;
use super::content::{AssistantMessageContent, InferenceOptions, UserMessageContent};
use super::requests::UserMessageInput;
use super::tasks::{Task, Workflow};
use super::thread::HasId;
use super::widgets::WidgetRoot;

/// One item of a thread. Match on the variant; use the accessors for the common fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ThreadItem {
    #[serde(rename = "user_message")]
    UserMessage(UserMessageItem),
    #[serde(rename = "assistant_message")]
    AssistantMessage(AssistantMessageItem),
    #[serde(rename = "client_tool_call")]
    ClientToolCall(ClientToolCallItem),
    #[serde(rename = "widget")]
    Widget(WidgetItem),
    #[serde(rename = "generated_image")]
    GeneratedImage(GeneratedImageItem),
    #[serde(rename = "structured_input")]
    StructuredInput(StructuredInputItem),
    #[serde(rename = "workflow")]
    Workflow(WorkflowItem),
    #[serde(rename = "task")]
    Task(TaskItem),
    #[serde(rename = "end_of_turn")]
    EndOfTurn(EndOfTurnItem),
    /// Server-only; never sent to a client.
    #[serde(rename = "hidden_context_item")]
    HiddenContext(HiddenContextItem),
    /// Server-only; never sent to a client.
    #[serde(rename = "sdk_hidden_context")]
    SdkHiddenContext(SdkHiddenContextItem),
}

macro_rules! each_item {
    ($item:expr, $it:ident => $body:expr) => {
        match $item {
            ThreadItem::UserMessage($it) => $body,
            ThreadItem::AssistantMessage($it) => $body,
            ThreadItem::ClientToolCall($it) => $body,
            ThreadItem::Widget($it) => $body,
            ThreadItem::GeneratedImage($it) => $body,
            ThreadItem::StructuredInput($it) => $body,
            ThreadItem::Workflow($it) => $body,
            ThreadItem::Task($it) => $body,
            ThreadItem::EndOfTurn($it) => $body,
            ThreadItem::HiddenContext($it) => $body,
            ThreadItem::SdkHiddenContext($it) => $body,
        }
    };
}

impl ThreadItem {
    pub fn id(&self) -> &str {
        each_item!(self, item => &item.id)
    }

    pub fn thread_id(&self) -> &str {
        each_item!(self, item => &item.thread_id)
    }

    pub fn created_at(&self) -> DateTime<Utc> {
        each_item!(self, item => item.created_at)
    }

    pub fn kind(&self) -> ItemKind {
        match self {
            Self::UserMessage(_) => ItemKind::UserMessage,
            Self::AssistantMessage(_) => ItemKind::AssistantMessage,
            Self::ClientToolCall(_) => ItemKind::ClientToolCall,
            Self::Widget(_) => ItemKind::Widget,
            Self::GeneratedImage(_) => ItemKind::GeneratedImage,
            Self::StructuredInput(_) => ItemKind::StructuredInput,
            Self::Workflow(_) => ItemKind::Workflow,
            Self::Task(_) => ItemKind::Task,
            Self::EndOfTurn(_) => ItemKind::EndOfTurn,
            Self::HiddenContext(_) => ItemKind::HiddenContext,
            Self::SdkHiddenContext(_) => ItemKind::SdkHiddenContext,
        }
    }

    /// Hidden items live in the store for the model and MUST never be sent to a client.
    pub fn is_hidden(&self) -> bool {
        self.kind().is_hidden()
    }

    /// Re-homes the item, e.g. when a copy is stored in another thread.
    pub fn set_thread_id(&mut self, thread_id: impl Into<String>) {
        let thread_id = thread_id.into();
        each_item!(self, item => item.thread_id = thread_id)
    }
}

impl HasId for ThreadItem {
    fn id(&self) -> &str {
        ThreadItem::id(self)
    }
}

wire_enum! {
    /// The `type` of a [`ThreadItem`], without its data.
    pub enum ItemKind {
        UserMessage = "user_message",
        AssistantMessage = "assistant_message",
        ClientToolCall = "client_tool_call",
        Widget = "widget",
        GeneratedImage = "generated_image",
        StructuredInput = "structured_input",
        Workflow = "workflow",
        Task = "task",
        EndOfTurn = "end_of_turn",
        HiddenContext = "hidden_context_item",
        SdkHiddenContext = "sdk_hidden_context",
    }
}

impl ItemKind {
    pub const fn is_hidden(self) -> bool {
        matches!(self, Self::HiddenContext | Self::SdkHiddenContext)
    }
}

macro_rules! into_thread_item {
    ($($variant:ident($item:ident)),+ $(,)?) => {
        $(impl From<$item> for ThreadItem {
            fn from(item: $item) -> Self {
                ThreadItem::$variant(item)
            }
        })+
    };
}

into_thread_item!(
    UserMessage(UserMessageItem),
    AssistantMessage(AssistantMessageItem),
    ClientToolCall(ClientToolCallItem),
    Widget(WidgetItem),
    GeneratedImage(GeneratedImageItem),
    StructuredInput(StructuredInputItem),
    Workflow(WorkflowItem),
    Task(TaskItem),
    EndOfTurn(EndOfTurnItem),
    HiddenContext(HiddenContextItem),
    SdkHiddenContext(SdkHiddenContextItem),
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserMessageItem {
    pub id: String,
    pub thread_id: String,
    #[serde(with = "super::time")]
    pub created_at: DateTime<Utc>,
    pub content: Vec<UserMessageContent>,
    /// Full attachment objects (with `thread_id` set), not ids.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// Text the user is replying to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quoted_text: Option<String>,
    #[serde(default)]
    pub inference_options: InferenceOptions,
}

impl UserMessageItem {
    /// The stored message for client input whose attachment ids were resolved to `attachments`.
    pub fn from_input(
        id: impl Into<String>,
        thread_id: impl Into<String>,
        created_at: DateTime<Utc>,
        input: UserMessageInput,
        attachments: Vec<Attachment>,
    ) -> Self {
        Self {
            id: id.into(),
            thread_id: thread_id.into(),
            created_at,
            content: input.content,
            attachments,
            quoted_text: input.quoted_text,
            inference_options: input.inference_options,
        }
    }

    /// The message as plain text (tags read as their labels).
    pub fn text(&self) -> String {
        self.content
            .iter()
            .map(UserMessageContent::plain_text)
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssistantMessageItem {
    pub id: String,
    pub thread_id: String,
    #[serde(with = "super::time")]
    pub created_at: DateTime<Utc>,
    /// Usually one part; empty while the first part has not been added.
    pub content: Vec<AssistantMessageContent>,
}

impl AssistantMessageItem {
    /// A message with no parts yet, as sent in `thread.item.added` before streaming.
    pub fn new(
        id: impl Into<String>,
        thread_id: impl Into<String>,
        created_at: DateTime<Utc>,
    ) -> Self {
        Self {
            id: id.into(),
            thread_id: thread_id.into(),
            created_at,
            content: Vec::new(),
        }
    }

    /// All parts' text, concatenated.
    pub fn text(&self) -> String {
        self.content.iter().map(|part| part.text.as_str()).collect()
    }
}

/// A function the browser runs (`onClientTool`); answered by `threads.add_client_tool_output`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientToolCallItem {
    pub id: String,
    pub thread_id: String,
    #[serde(with = "super::time")]
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub status: ClientToolCallStatus,
    /// The model's function call id.
    pub call_id: String,
    pub name: String,
    pub arguments: Map<String, Value>,
    /// The client's result, once completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
}

wire_enum! {
    #[derive(Default)]
    pub enum ClientToolCallStatus {
        #[default]
        Pending = "pending",
        Completed = "completed",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WidgetItem {
    pub id: String,
    pub thread_id: String,
    #[serde(with = "super::time")]
    pub created_at: DateTime<Utc>,
    pub widget: WidgetRoot,
    /// What the "copy" action under the response copies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_text: Option<String>,
}

#[cfg(test)]
impl WidgetItem {
    /// Item `msg_w` of thread `thr_1` holding `widget`: the fixture of the update tests, the
    /// protocol's typed ones and the page's JSON ones alike.
    pub fn sample(widget: WidgetRoot) -> ThreadItem {
        WidgetItem {
            id: "msg_w".into(),
            thread_id: "thr_1".into(),
            created_at: super::time::parse("2025-06-01T09:30:01Z").unwrap(),
            widget,
            copy_text: None,
        }
        .into()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeneratedImageItem {
    pub id: String,
    pub thread_id: String,
    #[serde(with = "super::time")]
    pub created_at: DateTime<Utc>,
    /// `None` until generation produced a first frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<GeneratedImage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedImage {
    pub id: String,
    /// May be a `data:` URL.
    pub url: String,
}

/// Typed questions that take over the composer; answered by `threads.add_structured_input`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StructuredInputItem {
    pub id: String,
    pub thread_id: String,
    #[serde(with = "super::time")]
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub status: StructuredInputStatus,
    pub inputs: Vec<StructuredInput>,
}

wire_enum! {
    #[derive(Default)]
    pub enum StructuredInputStatus {
        #[default]
        Pending = "pending",
        Answered = "answered",
        Skipped = "skipped",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum StructuredInput {
    #[serde(rename = "multiple_choice")]
    MultipleChoice(MultipleChoiceInput),
    #[serde(rename = "freeform")]
    Freeform(FreeformInput),
}

impl StructuredInput {
    /// The stable question id answers are keyed by.
    pub fn id(&self) -> &str {
        match self {
            Self::MultipleChoice(input) => &input.id,
            Self::Freeform(input) => &input.id,
        }
    }

    pub fn answer(&self) -> Option<&StructuredInputAnswer> {
        match self {
            Self::MultipleChoice(input) => input.answer.as_ref(),
            Self::Freeform(input) => input.answer.as_ref(),
        }
    }

    pub fn set_answer(&mut self, answer: StructuredInputAnswer) {
        match self {
            Self::MultipleChoice(input) => input.answer = Some(answer),
            Self::Freeform(input) => input.answer = Some(answer),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MultipleChoiceInput {
    pub id: String,
    pub question: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<StructuredInputAnswer>,
    pub options: Vec<ChoiceOption>,
    #[serde(default)]
    pub multiple: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FreeformInput {
    pub id: String,
    pub question: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<StructuredInputAnswer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    pub value: String,
}

/// An answer; both keys are always sent. Also the shape a submission uses per question.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructuredInputAnswer {
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default)]
    pub skipped: bool,
}

impl StructuredInputAnswer {
    pub fn skipped() -> Self {
        Self {
            values: Vec::new(),
            skipped: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowItem {
    pub id: String,
    pub thread_id: String,
    #[serde(with = "super::time")]
    pub created_at: DateTime<Utc>,
    pub workflow: Workflow,
}

/// A single task row outside a workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskItem {
    pub id: String,
    pub thread_id: String,
    #[serde(with = "super::time")]
    pub created_at: DateTime<Utc>,
    pub task: Task,
}

/// Marker: the assistant finished its turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndOfTurnItem {
    pub id: String,
    pub thread_id: String,
    #[serde(with = "super::time")]
    pub created_at: DateTime<Utc>,
}

/// Context for the model written by the integration ("the user clicked Confirm").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HiddenContextItem {
    pub id: String,
    pub thread_id: String,
    #[serde(with = "super::time")]
    pub created_at: DateTime<Utc>,
    pub content: Value,
}

/// Context for the model written by the engine itself (e.g. "the user stopped the answer").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SdkHiddenContextItem {
    pub id: String,
    pub thread_id: String,
    #[serde(with = "super::time")]
    pub created_at: DateTime<Utc>,
    pub content: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at() -> DateTime<Utc> {
        super::super::time::parse("2025-06-01T09:30:00.2Z").unwrap()
    }

    #[test]
    fn user_message_always_sends_attachments_and_inference_options() {
        let input: UserMessageInput = serde_json::from_value(json!({
            "content": [{"type": "input_text", "text": "Odds for tonight?"}],
            "attachments": [],
            "inference_options": {}
        }))
        .unwrap();
        let item: ThreadItem =
            UserMessageItem::from_input("msg_1", "thr_1", at(), input, vec![]).into();
        assert_eq!(
            serde_json::to_value(&item).unwrap(),
            json!({
                "type": "user_message", "id": "msg_1", "thread_id": "thr_1",
                "created_at": "2025-06-01T09:30:00.200000Z",
                "content": [{"type": "input_text", "text": "Odds for tonight?"}],
                "attachments": [], "inference_options": {}
            })
        );
        assert_eq!(item.kind(), ItemKind::UserMessage);
        assert_eq!(item.created_at(), at());
        let ThreadItem::UserMessage(message) = &item else {
            unreachable!()
        };
        assert_eq!(message.text(), "Odds for tonight?");
    }

    #[test]
    fn defaults_are_sent_for_tool_calls_and_structured_inputs() {
        let call = ClientToolCallItem {
            id: "tc_1".into(),
            thread_id: "thr_1".into(),
            created_at: at(),
            status: ClientToolCallStatus::default(),
            call_id: "call_1".into(),
            name: "get_location".into(),
            arguments: Map::new(),
            output: None,
        };
        let json = serde_json::to_value(ThreadItem::from(call)).unwrap();
        assert_eq!(json["status"], json!("pending"));
        assert!(json.get("output").is_none());

        let choice = StructuredInput::MultipleChoice(MultipleChoiceInput {
            id: "q".into(),
            question: "Which?".into(),
            options: vec![ChoiceOption { value: "A".into() }],
            ..Default::default()
        });
        assert_eq!(
            serde_json::to_value(&choice).unwrap()["multiple"],
            json!(false)
        );
    }

    #[test]
    fn hidden_items_are_flagged_and_accessors_agree() {
        let hidden = ThreadItem::SdkHiddenContext(SdkHiddenContextItem {
            id: "shcx_1".into(),
            thread_id: "thr_1".into(),
            created_at: at(),
            content: "The user stopped the previous answer.".into(),
        });
        assert!(hidden.is_hidden());
        assert_eq!(hidden.id(), "shcx_1");
        assert_eq!(hidden.thread_id(), "thr_1");
        assert_eq!(hidden.kind(), ItemKind::SdkHiddenContext);
        let json = serde_json::to_value(&hidden).unwrap();
        assert_eq!(json["type"], json!("sdk_hidden_context"));
        assert_eq!(serde_json::from_value::<ThreadItem>(json).unwrap(), hidden);
        assert!(!ThreadItem::from(AssistantMessageItem::new("msg_1", "thr_1", at())).is_hidden());
    }

    #[test]
    fn unknown_item_type_is_rejected() {
        let json = json!({"type": "poll", "id": "x", "thread_id": "t", "created_at": "2025-06-01T00:00:00Z"});
        assert!(serde_json::from_value::<ThreadItem>(json).is_err());
    }
}
