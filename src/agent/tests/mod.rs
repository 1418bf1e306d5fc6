//! Agent tests through the engine: each drives real turns (`Engine::handle` on a SQLite file)
//! with the agent as responder, and asserts the exact protocol events and what is stored.
//! openai.rs and faults.rs run the OpenAI-compatible model against the mock server
//! (mock_server.rs);
//! offline.rs runs the offline model with recording stand-ins for the real tools, real_tools.rs
//! with the real ones over the demo providers.

mod context;
mod faults;
mod mock_server;
mod offline;
mod openai;
mod real_tools;

use super::{AgentResponder, ChatModel};
use crate::config::{AppConfig, EMBEDDED_LEPTOS_TOML};
use crate::engine::testing::TestEngine;
use crate::engine::{Engine, Reply, RequestContext};
use crate::protocol::{ThreadItem, ThreadStreamEvent, WidgetRoot};
use crate::providers::ProviderSet;
use crate::store::{PageQuery, SortOrder};
use crate::tools::{Services, Tool, ToolContext, ToolRegistry};
use async_trait::async_trait;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

const USER: &str = "u1";

pub struct Fixture {
    test: TestEngine,
    pub engine: Engine,
}

pub fn app_config() -> AppConfig {
    AppConfig::parse(EMBEDDED_LEPTOS_TOML, "Leptos.toml").unwrap()
}

impl Fixture {
    pub async fn new(
        model: Arc<dyn ChatModel>,
        tools: ToolRegistry,
        max_tool_rounds: u32,
    ) -> Fixture {
        Self::with_agent(model, tools, |agent| {
            agent.max_tool_rounds = max_tool_rounds
        })
        .await
    }

    /// With the shipped agent settings as `configure` leaves them.
    pub async fn with_agent(
        model: Arc<dyn ChatModel>,
        tools: ToolRegistry,
        configure: impl FnOnce(&mut crate::config::AgentConfig),
    ) -> Fixture {
        let mut app = app_config();
        configure(&mut app.agent);
        let services = Arc::new(Services {
            providers: ProviderSet::demo().unwrap(),
            betting: app.betting.clone(),
            gambling: app.responsible_gambling.clone(),
        });
        let responder = Arc::new(AgentResponder::new(model, tools, services, &app.agent));
        let test = TestEngine::builder(responder).build().await;
        Fixture {
            engine: test.engine.clone(),
            test,
        }
    }

    pub async fn handle(&self, body: Value) -> Reply {
        let ctx = RequestContext {
            user_id: USER.into(),
            base_url: "http://test".into(),
        };
        self.engine
            .handle(&ctx, body.to_string().as_bytes())
            .await
            .unwrap()
    }

    /// Creates a thread with `text`; returns its id and every event of the turn.
    pub async fn create(&self, text: &str) -> (String, Vec<Value>) {
        let Reply::Stream(events) = self
            .handle(json!({"type": "threads.create", "params": {"input": {
                "content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}}}}))
            .await
        else {
            panic!("expected a stream");
        };
        let events: Vec<Value> = events
            .collect_all()
            .await
            .iter()
            .map(|e| serde_json::from_str(e).unwrap())
            .collect();
        (
            events[0]["thread"]["id"].as_str().unwrap().to_owned(),
            events,
        )
    }

    /// The thread's items as `items.list` answers (visible only, oldest first).
    pub async fn listed(&self, thread_id: &str) -> Vec<Value> {
        let Reply::Json(body) = self
            .handle(json!({"type": "items.list", "params": {"thread_id": thread_id, "order": "asc", "limit": 100}}))
            .await
        else {
            panic!("expected JSON");
        };
        let page: Value = serde_json::from_str(&body).unwrap();
        page["data"].as_array().unwrap().clone()
    }

    /// Every stored item, hidden ones included.
    pub async fn stored(&self, thread_id: &str) -> Vec<ThreadItem> {
        let page = self
            .test
            .store
            .list_items(
                USER,
                thread_id,
                &PageQuery::new(100, SortOrder::Asc, None),
                true,
            )
            .await
            .unwrap();
        page.data
            .iter()
            .map(|r| serde_json::from_str(&r.data).unwrap())
            .collect()
    }

    pub async fn title(&self, thread_id: &str) -> Option<String> {
        let Reply::Json(body) = self
            .handle(json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}}))
            .await
        else {
            panic!("expected JSON");
        };
        let thread: Value = serde_json::from_str(&body).unwrap();
        thread["title"].as_str().map(str::to_owned)
    }
}

/// Events as short labels: `thread.item.done:widget`, `updated:...text_delta`, `error`.
pub fn types(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e["type"].as_str().unwrap() {
            "thread.item.updated" => format!("updated:{}", e["update"]["type"].as_str().unwrap()),
            kind @ ("thread.item.added" | "thread.item.done") => {
                format!("{kind}:{}", e["item"]["type"].as_str().unwrap())
            }
            other => other.to_owned(),
        })
        .collect()
}

/// The visible items the events completed, as the store must list them.
pub fn done_items(events: &[Value]) -> Vec<Value> {
    events
        .iter()
        .filter(|e| e["type"] == "thread.item.done")
        .map(|e| e["item"].clone())
        .collect()
}

/// Labels for an assistant message streamed with `deltas` text deltas.
pub fn message(deltas: usize) -> Vec<&'static str> {
    let mut labels = vec![
        "thread.item.added:assistant_message",
        "updated:assistant_message.content_part.added",
    ];
    labels.extend(std::iter::repeat_n(
        "updated:assistant_message.content_part.text_delta",
        deltas,
    ));
    labels.extend([
        "updated:assistant_message.content_part.done",
        "thread.item.done:assistant_message",
    ]);
    labels
}

pub fn assistant_text(item: &Value) -> &str {
    item["content"][0]["text"].as_str().unwrap()
}

/// A stand-in tool under any name: records its arguments, shows a progress update and a widget
/// (as real tools do), and returns a fixed result (or `{"echo": text}` when none is given).
pub struct Recorder {
    pub name: &'static str,
    pub calls: Arc<Mutex<Vec<Value>>>,
    result: Option<Value>,
}

impl Recorder {
    pub fn new(name: &'static str, result: Option<Value>) -> (Recorder, Arc<Mutex<Vec<Value>>>) {
        let calls = Arc::new(Mutex::new(Vec::new()));
        (
            Recorder {
                name,
                calls: calls.clone(),
                result,
            },
            calls,
        )
    }

    pub fn echo() -> Recorder {
        Recorder::new("echo", None).0
    }
}

#[async_trait]
impl Tool for Recorder {
    fn name(&self) -> &'static str {
        self.name
    }

    fn description(&self) -> &'static str {
        "A test tool."
    }

    fn parameters(&self) -> Value {
        json!({"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]})
    }

    async fn call(&self, ctx: &mut ToolContext<'_>, arguments: &str) -> Value {
        let args: Value = match serde_json::from_str(arguments) {
            Ok(args) => args,
            Err(e) => return json!({"error": format!("invalid arguments for {}: {e}", self.name)}),
        };
        self.calls.lock().unwrap().push(args.clone());
        let result = match (&self.result, args.get("text").and_then(Value::as_str)) {
            (Some(result), _) => result.clone(),
            (None, Some(text)) => json!({"echo": text}),
            (None, None) => {
                return json!({"error": format!("invalid arguments for {}: text must be a string", self.name)})
            }
        };
        ctx.turn.emit(ThreadStreamEvent::progress(
            format!("Running {}", self.name),
            None,
        ));
        let widget: WidgetRoot = serde_json::from_value(
            json!({"type": "Card", "children": [{"type": "Text", "value": format!("{} ran", self.name)}]}),
        )
        .unwrap();
        ctx.turn
            .widget_done(widget, Some(format!("{} ran", self.name)));
        result
    }
}
