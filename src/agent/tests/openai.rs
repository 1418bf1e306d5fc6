//! The OpenAI-compatible model through the engine, against the mock server: one test per
//! server behaviour, each asserting the exact event sequence, the requests the model sent and
//! what the thread holds afterwards. Faults (errors, cuts, cancellation) are in faults.rs.

use super::mock_server::{self, done, finish, role, text, tool, usage, MockServer, Reply};
use super::{assistant_text, done_items, message, types, Fixture, Recorder};
use crate::agent::{OpenAiModel, OpenAiSettings, RetryPolicy};
use crate::config::Secret;
use crate::engine::Reply as EngineReply;
use crate::protocol::ThreadItem;
use crate::tools::{ToolContext, ToolError, ToolRegistry, TypedTool};
use async_trait::async_trait;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

pub(super) const START: [&str; 3] = [
    "thread.created",
    "thread.item.done:user_message",
    "stream_options",
];

pub(super) async fn setup(
    replies: Vec<Reply>,
    tools: ToolRegistry,
    max_tool_rounds: u32,
) -> (MockServer, Fixture) {
    let server = MockServer::start(replies).await;
    let model = OpenAiModel::new(OpenAiSettings {
        base_url: server.base_url.clone(),
        api_key: Secret::new("test-key"),
        model: "mock-model".into(),
        request_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        retry: RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(40),
        },
    })
    .unwrap();
    let fixture = Fixture::new(Arc::new(model), tools, max_tool_rounds).await;
    (server, fixture)
}

pub(super) fn echo_tools() -> ToolRegistry {
    ToolRegistry::new().with(Recorder::echo())
}

/// START, then `middle`, then `end`.
pub(super) fn sequence(middle: &[&[&str]], end: &[&str]) -> Vec<String> {
    let mut all: Vec<&str> = START.to_vec();
    for part in middle {
        all.extend_from_slice(part);
    }
    all.extend_from_slice(end);
    all.into_iter().map(str::to_owned).collect()
}

pub(super) const TOOL_RAN: &[&str] = &["progress_update", "thread.item.done:widget"];
/// A pending assistant message with two deltas, completed by the engine when the turn fails.
pub(super) const CUT_MESSAGE: &[&str] = &[
    "thread.item.added:assistant_message",
    "updated:assistant_message.content_part.added",
    "updated:assistant_message.content_part.text_delta",
    "updated:assistant_message.content_part.text_delta",
    "thread.item.done:assistant_message",
];

pub(super) fn error_of(events: &[Value]) -> &Value {
    events
        .iter()
        .find(|e| e["type"] == "error")
        .expect("an error event")
}

#[tokio::test]
async fn text_only() {
    let (server, f) = setup(
        vec![Reply::Sse(vec![
            role(),
            ": keep-alive\n\n".into(),
            text("Hello"),
            text(", world"),
            finish("stop"),
            usage(),
            done(),
        ])],
        echo_tools(),
        4,
    )
    .await;
    let (thread, events) = f.create("Say hello").await;
    assert_eq!(
        types(&events),
        sequence(&[&message(2)], &["thread.updated"])
    );

    let listed = f.listed(&thread).await;
    assert_eq!(listed, done_items(&events));
    assert_eq!(assistant_text(&listed[1]), "Hello, world");
    assert_eq!(f.title(&thread).await.as_deref(), Some(mock_server::TITLE));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request["model"], "mock-model");
    assert_eq!(request["stream"], true);
    assert_eq!(request["stream_options"], json!({"include_usage": true}));
    assert_eq!(request["tools"][0]["function"]["name"], "echo");
    assert_eq!(request["messages"][0]["role"], "system");
    assert!(request["messages"][0]["content"]
        .as_str()
        .unwrap()
        .starts_with("You are Professor Lock"));
    assert_eq!(
        request["messages"][1],
        json!({"role": "user", "content": "Say hello"})
    );
    assert_eq!(server.title_requests(), 1);
    assert!(server
        .authorizations()
        .iter()
        .all(|a| a == "Bearer test-key"));
}

#[tokio::test]
async fn one_tool_call_then_a_follow_up_turn_remembers_it() {
    let (server, f) = setup(
        vec![
            Reply::Sse(vec![
                role(),
                tool(0, Some("call_1"), Some("echo"), ""),
                tool(0, None, None, "{\"text\""),
                tool(0, None, None, ":\"hi\"}"),
                finish("tool_calls"),
                usage(),
                done(),
            ]),
            Reply::Sse(vec![text("Echoed: "), text("hi"), finish("stop"), done()]),
            Reply::Sse(vec![text("Sure."), finish("stop"), done()]),
        ],
        echo_tools(),
        4,
    )
    .await;
    let (thread, events) = f.create("Echo hi").await;
    assert_eq!(
        types(&events),
        sequence(&[TOOL_RAN, &message(2)], &["thread.updated"])
    );

    let second = &server.requests()[1]["messages"];
    assert_eq!(
        second[2],
        json!({"role": "assistant", "tool_calls": [{"type": "function", "id": "call_1", "function": {"name": "echo", "arguments": "{\"text\":\"hi\"}"}}]})
    );
    assert_eq!(
        second[3],
        json!({"role": "tool", "content": "{\"echo\":\"hi\"}", "tool_call_id": "call_1"})
    );

    let listed = f.listed(&thread).await;
    assert_eq!(listed, done_items(&events));
    let kinds: Vec<_> = listed.iter().map(|i| i["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["user_message", "widget", "assistant_message"]);
    let hidden: Vec<_> = f
        .stored(&thread)
        .await
        .into_iter()
        .filter_map(|i| match i {
            ThreadItem::HiddenContext(h) => Some(h.content),
            _ => None,
        })
        .collect();
    assert_eq!(
        hidden,
        [
            json!({"tool_call": {"id": "call_1", "name": "echo", "arguments": "{\"text\":\"hi\"}"}, "result": "{\"echo\":\"hi\"}"})
        ]
    );

    // The next turn sees the widget, the remembered call and its result.
    let EngineReply::Stream(next) = f
        .handle(json!({"type": "threads.add_user_message", "params": {"thread_id": thread, "input": {
            "content": [{"type": "input_text", "text": "And again?"}], "attachments": [], "inference_options": {}}}}))
        .await
    else {
        panic!("expected a stream")
    };
    next.collect_all().await;
    let third = &server.requests()[2]["messages"];
    assert_eq!(
        third.as_array().unwrap()[1..],
        [
            json!({"role": "user", "content": "Echo hi"}),
            json!({"role": "assistant", "content": "[Shown to the user: echo ran]", "tool_calls": [{"type": "function", "id": "call_1", "function": {"name": "echo", "arguments": "{\"text\":\"hi\"}"}}]}),
            json!({"role": "tool", "content": "{\"echo\":\"hi\"}", "tool_call_id": "call_1"}),
            json!({"role": "assistant", "content": "Echoed: hi"}),
            json!({"role": "user", "content": "And again?"}),
        ]
    );
    assert_eq!(
        server.title_requests(),
        1,
        "a title after the first turn only"
    );
}

#[tokio::test]
async fn two_parallel_calls_after_text() {
    let (echo, calls) = Recorder::new("echo", None);
    let (server, f) = setup(
        vec![
            Reply::Sse(vec![
                role(),
                text("Checking both."),
                tool(0, Some("c1"), Some("echo"), ""),
                tool(1, Some("c2"), Some("echo"), ""),
                tool(0, None, None, "{\"text\":\"a\"}"),
                tool(1, None, None, "{\"text\":\"b\"}"),
                finish("tool_calls"),
                done(),
            ]),
            Reply::Sse(vec![text("Both done."), finish("stop"), done()]),
        ],
        ToolRegistry::new().with(echo),
        4,
    )
    .await;
    let (thread, events) = f.create("Echo a and b").await;
    assert_eq!(
        types(&events),
        sequence(
            &[&message(1), TOOL_RAN, TOOL_RAN, &message(1)],
            &["thread.updated"]
        )
    );
    assert_eq!(
        *calls.lock().unwrap(),
        [json!({"text": "a"}), json!({"text": "b"})]
    );
    let second = server.requests()[1]["messages"].as_array().unwrap().clone();
    assert_eq!(second[2]["content"], "Checking both.");
    let ids: Vec<_> = second[2]["tool_calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    assert_eq!(ids, [json!("c1"), json!("c2")]);
    assert_eq!(
        second[3],
        json!({"role": "tool", "content": "{\"echo\":\"a\"}", "tool_call_id": "c1"})
    );
    assert_eq!(
        second[4],
        json!({"role": "tool", "content": "{\"echo\":\"b\"}", "tool_call_id": "c2"})
    );
    let listed = f.listed(&thread).await;
    assert_eq!(listed, done_items(&events));
    assert_eq!(listed.len(), 5, "user, text, two widgets, answer");
}

#[tokio::test]
async fn arguments_split_at_every_byte() {
    let arguments = r#"{"text":"split \"every\" byte, even ✓"}"#;
    let mut frames = vec![role(), tool(0, Some("call_s"), Some("echo"), "")];
    // One chunk per character: every byte boundary of the ASCII part (a JSON string cannot end
    // inside a multi-byte character).
    frames.extend(
        arguments
            .chars()
            .map(|c| tool(0, None, None, &c.to_string())),
    );
    frames.extend([finish("tool_calls"), done()]);
    let (echo, calls) = Recorder::new("echo", None);
    let (_server, f) = setup(
        vec![
            Reply::Sse(frames),
            Reply::Sse(vec![text("ok"), finish("stop"), done()]),
        ],
        ToolRegistry::new().with(echo),
        4,
    )
    .await;
    let (_, events) = f.create("Split it").await;
    assert_eq!(
        types(&events),
        sequence(&[TOOL_RAN, &message(1)], &["thread.updated"])
    );
    assert_eq!(
        *calls.lock().unwrap(),
        [json!({"text": "split \"every\" byte, even ✓"})]
    );
}

#[tokio::test]
async fn id_and_name_repeated_in_every_chunk() {
    let frames = ["{\"te", "xt\":", "\"again\"}"]
        .iter()
        .map(|part| tool(0, Some("call_r"), Some("echo"), part))
        .chain([finish("tool_calls"), done()])
        .collect();
    let (echo, calls) = Recorder::new("echo", None);
    let (server, f) = setup(
        vec![
            Reply::Sse(frames),
            Reply::Sse(vec![text("ok"), finish("stop"), done()]),
        ],
        ToolRegistry::new().with(echo),
        4,
    )
    .await;
    let (_, events) = f.create("Again").await;
    assert_eq!(
        types(&events),
        sequence(&[TOOL_RAN, &message(1)], &["thread.updated"])
    );
    assert_eq!(*calls.lock().unwrap(), [json!({"text": "again"})]);
    let calls_sent = server.requests()[1]["messages"][2]["tool_calls"].clone();
    assert_eq!(
        calls_sent,
        json!([{"type": "function", "id": "call_r", "function": {"name": "echo", "arguments": "{\"text\":\"again\"}"}}])
    );
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct EchoArgs {
    text: String,
}

struct TypedEcho;

#[async_trait]
impl TypedTool for TypedEcho {
    type Args = EchoArgs;
    const NAME: &'static str = "typed_echo";
    const DESCRIPTION: &'static str = "Echoes its text.";
    const INSTRUCTIONS: &'static str = "";
    const OFFLINE: crate::tools::OfflineSkill = crate::tools::OfflineSkill {
        routes: &[],
        answer: |_, _| None,
        doing: "echo that",
        examples: &[],
        shows: "",
        widgets: &[],
    };
    async fn run(&self, _ctx: &mut ToolContext<'_>, args: EchoArgs) -> Result<Value, ToolError> {
        Ok(json!({"echo": args.text}))
    }
}

#[tokio::test]
async fn invalid_arguments_and_unknown_tools_come_back_as_errors_the_model_reads() {
    let (server, f) = setup(
        vec![
            Reply::Sse(vec![
                tool(0, Some("c1"), Some("typed_echo"), "{\"text\": 5}"),
                tool(1, Some("c2"), Some("nope"), "{}"),
                finish("tool_calls"),
                done(),
            ]),
            Reply::Sse(vec![text("Let me fix that."), finish("stop"), done()]),
        ],
        ToolRegistry::new().with(TypedEcho),
        4,
    )
    .await;
    let (_, events) = f.create("Echo").await;
    assert_eq!(
        types(&events),
        sequence(&[&message(1)], &["thread.updated"])
    );
    let second = &server.requests()[1]["messages"];
    let bad_args = second[3]["content"].as_str().unwrap();
    assert!(
        bad_args.contains("invalid arguments for typed_echo"),
        "{bad_args}"
    );
    assert_eq!(
        second[4]["content"],
        json!({"error": "There is no tool named \"nope\". Available tools: typed_echo."})
            .to_string()
    );
}

#[tokio::test]
async fn after_the_last_tool_round_the_model_must_answer() {
    let (server, f) = setup(
        vec![
            Reply::Sse(vec![
                tool(0, Some("c1"), Some("echo"), "{\"text\":\"x\"}"),
                finish("tool_calls"),
                done(),
            ]),
            Reply::Sse(vec![text("Final."), finish("stop"), done()]),
        ],
        echo_tools(),
        1,
    )
    .await;
    let (_, events) = f.create("Go").await;
    assert_eq!(
        types(&events),
        sequence(&[TOOL_RAN, &message(1)], &["thread.updated"])
    );
    let requests = server.requests();
    assert!(requests[0].get("tools").is_some());
    assert!(
        requests[1].get("tools").is_none(),
        "no tools offered in the last round"
    );
}
