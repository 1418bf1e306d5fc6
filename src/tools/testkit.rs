//! Test support: a real engine on a temporary SQLite store, the demo providers, the standard
//! tools and actions, and a tiny responder that runs one tool per user message
//! (`"<tool name> <JSON arguments>"`) and answers with the tool's JSON result. Every widget the
//! engine streams is checked against the widget catalogue as it is read.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{json, Value};

use super::{standard_tools, Services, ToolContext, ToolRegistry};
use crate::actions::standard_actions;
use crate::config::{AppConfig, EMBEDDED_LEPTOS_TOML};
use crate::engine::testing::TestEngine;
use crate::engine::{Engine, Reply, RequestContext, Responder, Turn, TurnError, TurnInput};
use crate::error::AppError;
use crate::protocol::WidgetRoot;
use crate::providers::ProviderSet;
use crate::store::{BetRecord, SharedStore};
use crate::widgets::golden::check_widget;

pub fn services() -> Services {
    let config = AppConfig::parse(EMBEDDED_LEPTOS_TOML, "Leptos.toml").expect("embedded config");
    Services {
        providers: ProviderSet::demo().expect("demo providers"),
        betting: config.betting,
        gambling: config.responsible_gambling,
    }
}

/// Runs the tool named by the first word of the message with the rest as arguments.
struct ToolCaller {
    tools: ToolRegistry,
    services: Arc<Services>,
}

#[async_trait]
impl Responder for ToolCaller {
    async fn respond(&self, turn: &mut Turn, input: TurnInput<'_>) -> Result<(), TurnError> {
        let TurnInput::Message(message) = input else {
            return Ok(());
        };
        let text = message.text();
        let (name, args) = text.split_once(' ').unwrap_or((text.as_str(), "{}"));
        let tool = self
            .tools
            .get(name)
            .cloned()
            .ok_or_else(|| TurnError::custom(format!("no tool {name}")))?;
        let mut ctx = ToolContext {
            turn,
            services: &self.services,
        };
        let result = tool.call(&mut ctx, args).await;
        turn.stream_assistant_text([result.to_string().as_str()]);
        Ok(())
    }
}

pub struct Kit {
    pub engine: Engine,
    /// The engine's store, for checks behind the engine's back.
    pub store: SharedStore,
    _test: TestEngine,
}

/// A tool run through the engine: its thread, every event, and the tool's JSON result.
pub struct ToolRun {
    pub thread_id: String,
    pub events: Vec<Value>,
    pub result: Value,
}

impl ToolRun {
    /// The final version of every widget item (done or replaced), in order.
    pub fn widgets(&self) -> Vec<Value> {
        final_widgets(&self.events)
    }
}

pub fn final_widgets(events: &[Value]) -> Vec<Value> {
    events
        .iter()
        .filter(|e| e["type"] == "thread.item.done" || e["type"] == "thread.item.replaced")
        .filter(|e| e["item"]["type"] == "widget")
        .map(|e| e["item"].clone())
        .collect()
}

fn check_streamed_widgets(events: &[Value]) {
    for event in events {
        let tree = match event["type"].as_str() {
            Some("thread.item.added" | "thread.item.done" | "thread.item.replaced")
                if event["item"]["type"] == "widget" =>
            {
                &event["item"]["widget"]
            }
            Some("thread.item.updated") if event["update"]["type"] == "widget.root.updated" => {
                &event["update"]["widget"]
            }
            _ => continue,
        };
        let widget: WidgetRoot =
            serde_json::from_value(tree.clone()).expect("streamed widget is in the catalogue");
        check_widget(&widget);
    }
}

fn ctx(user: &str) -> RequestContext {
    RequestContext {
        user_id: user.into(),
        base_url: "http://test".into(),
    }
}

impl Kit {
    pub async fn new() -> Kit {
        Self::with_services(services()).await
    }

    /// With these providers instead of the demo ones.
    pub async fn with_providers(providers: ProviderSet) -> Kit {
        Self::with_services(Services {
            providers,
            ..services()
        })
        .await
    }

    async fn with_services(services: Services) -> Kit {
        let services = Arc::new(services);
        let responder = Arc::new(ToolCaller {
            tools: standard_tools(),
            services: services.clone(),
        });
        let test = TestEngine::builder(responder)
            .actions(standard_actions(services))
            .build()
            .await;
        Kit {
            engine: test.engine.clone(),
            store: test.store.clone(),
            _test: test,
        }
    }

    pub async fn stream(&self, user: &str, body: Value) -> Result<Vec<Value>, AppError> {
        match self
            .engine
            .handle(&ctx(user), body.to_string().as_bytes())
            .await?
        {
            Reply::Stream(events) => {
                let events: Vec<Value> = events
                    .collect_all()
                    .await
                    .iter()
                    .map(|e| serde_json::from_str(e).unwrap())
                    .collect();
                check_streamed_widgets(&events);
                Ok(events)
            }
            Reply::Json(_) => panic!("expected a stream"),
        }
    }

    pub async fn json(&self, user: &str, body: Value) -> Result<Value, AppError> {
        match self
            .engine
            .handle(&ctx(user), body.to_string().as_bytes())
            .await?
        {
            Reply::Json(text) => Ok(serde_json::from_str(&text).unwrap()),
            Reply::Stream(_) => panic!("expected JSON"),
        }
    }

    /// Runs `tool` with `args` as user `u1` in a new thread.
    pub async fn run_tool(&self, tool: &str, args: Value) -> ToolRun {
        let input = json!({
            "content": [{"type": "input_text", "text": format!("{tool} {args}")}],
            "attachments": [],
            "inference_options": {}
        });
        let events = self
            .stream(
                "u1",
                json!({"type": "threads.create", "params": {"input": input}}),
            )
            .await
            .expect("threads.create");
        let thread_id = events[0]["thread"]["id"].as_str().unwrap().to_owned();
        let answer = events
            .iter()
            .find(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "assistant_message")
            .expect("the responder answers");
        let text = answer["item"]["content"][0]["text"].as_str().unwrap();
        let result = serde_json::from_str(text).expect("tool result is JSON");
        ToolRun {
            thread_id,
            events,
            result,
        }
    }

    /// A streamed widget action (`threads.custom_action`) as user `u1`.
    pub async fn action(
        &self,
        thread_id: &str,
        item_id: Option<&str>,
        action: Value,
    ) -> Result<Vec<Value>, AppError> {
        let mut params = json!({"thread_id": thread_id, "action": action});
        if let Some(id) = item_id {
            params["item_id"] = json!(id);
        }
        self.stream(
            "u1",
            json!({"type": "threads.custom_action", "params": params}),
        )
        .await
    }

    /// A sync widget action (`threads.sync_custom_action`) as user `u1`.
    pub async fn sync_action(
        &self,
        thread_id: &str,
        item_id: &str,
        action: Value,
    ) -> Result<Value, AppError> {
        let params = json!({"thread_id": thread_id, "item_id": item_id, "action": action});
        let answer = self
            .json(
                "u1",
                json!({"type": "threads.sync_custom_action", "params": params}),
            )
            .await?;
        if let Some(widget) = answer.get("updated_item").map(|i| &i["widget"]) {
            check_widget(&serde_json::from_value(widget.clone()).expect("catalogue widget"));
        }
        Ok(answer)
    }

    /// The thread's visible items, oldest first.
    pub async fn items(&self, thread_id: &str) -> Vec<Value> {
        let page = self
            .json(
                "u1",
                json!({"type": "items.list", "params": {"thread_id": thread_id, "order": "asc", "limit": 100}}),
            )
            .await
            .unwrap();
        page["data"].as_array().unwrap().clone()
    }

    pub async fn bets(&self, user: &str) -> Vec<BetRecord> {
        self.store.list_bets(user).await.unwrap()
    }
}

/// Every text value in a widget tree, joined (for "does it show X" assertions).
pub fn widget_text(widget: &Value) -> String {
    fn walk(v: &Value, out: &mut String) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    if matches!(k.as_str(), "value" | "label") {
                        if let Some(s) = v.as_str() {
                            out.push_str(s);
                            out.push('\n');
                        }
                    }
                    walk(v, out);
                }
            }
            Value::Array(list) => list.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = String::new();
    walk(widget, &mut out);
    out
}
