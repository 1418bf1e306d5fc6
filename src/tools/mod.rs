//! The agent's tools. A tool declares its arguments as a Rust type (the JSON schema the model
//! sees is derived from it with schemars), validates them, may stream widgets and progress
//! through the turn while it runs, and returns compact JSON for the model.
//!
//! Adding a tool = one file implementing `TypedTool` + one line in the registry. The file
//! declares everything the rest of the app needs to know about the tool: its name and
//! argument schema, the line it adds to the system prompt (`INSTRUCTIONS`), and how the
//! offline model recognises and answers it (`OFFLINE`, see offline_skill.rs). Nothing else
//! keeps a list of tool names. README "Adding a tool" walks through `injury_report`.

pub mod build_parlay;
pub mod get_odds;
pub mod injury_report;
pub mod my_bets;
pub mod offline_skill;
pub mod parlay_picks;
pub mod question;
pub mod registry;
pub mod set_limits;
pub mod stats_question;
pub mod support;
mod teams;
pub mod trends;
pub mod web_search;

#[cfg(test)]
mod engine_tests;
#[cfg(test)]
mod fault_tests;
#[cfg(test)]
mod parlay_tests;
#[cfg(test)]
pub(crate) mod testkit;

pub use offline_skill::{priority, OfflineSkill, Route};
pub use question::Question;
pub use registry::standard_tools;

use crate::config::BettingConfig;
use crate::engine::Turn;
use crate::providers::ProviderSet;
use async_trait::async_trait;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The one services handle: what every tool and every widget action may use besides the
/// turn. Start-up builds one and hands the same `Arc` to the agent (its tools) and to the
/// actions, so both see the same providers (and their caches), configuration and clock.
#[derive(Clone)]
pub struct Services {
    pub providers: ProviderSet,
    pub betting: BettingConfig,
    /// Responsible-gambling defaults and the loosening delay (`ledger::limits`).
    pub gambling: crate::config::ResponsibleGamblingConfig,
}

impl Services {
    /// "Now" by the odds provider's clock (the demo dataset's fixed clock, else the wall
    /// clock): what "started", "tonight" and quote ages are measured against.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.providers.odds().now()
    }
}

/// A tool's view of the running turn: stream widgets and progress, read the thread.
pub struct ToolContext<'a> {
    pub turn: &'a mut Turn,
    pub services: &'a Services,
}

/// A failure the model sees as the tool's result and can correct (bad arguments, no data).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ToolError(pub String);

impl ToolError {
    pub fn new(message: impl Into<String>) -> Self {
        ToolError(message.into())
    }
}

/// The object-safe form the agent calls.
#[async_trait]
pub trait Tool: Send + Sync + 'static {
    fn name(&self) -> &'static str;
    fn description(&self) -> &'static str;
    /// JSON schema of the arguments object.
    fn parameters(&self) -> Value;
    /// The line this tool adds to the system prompt's tool guide ("" for none).
    fn instructions(&self) -> &'static str {
        ""
    }
    /// How the offline model recognises and answers this tool (`None`: it never calls it).
    fn offline(&self) -> Option<OfflineSkill> {
        None
    }
    /// Runs with raw arguments from the model. Never panics on bad input: invalid JSON or
    /// arguments come back as `{"error": ...}` for the model to correct.
    async fn call(&self, ctx: &mut ToolContext<'_>, arguments: &str) -> Value;
}

/// A tool with typed arguments; implement this, not `Tool`.
#[async_trait]
pub trait TypedTool: Send + Sync + 'static {
    type Args: DeserializeOwned + JsonSchema + Send;
    const NAME: &'static str;
    const DESCRIPTION: &'static str;
    /// When to use this tool, for the system prompt's tool guide (one or two sentences).
    const INSTRUCTIONS: &'static str;
    /// How the offline model recognises and answers this tool.
    const OFFLINE: OfflineSkill;
    async fn run(&self, ctx: &mut ToolContext<'_>, args: Self::Args) -> Result<Value, ToolError>;
}

#[async_trait]
impl<T: TypedTool> Tool for T {
    fn name(&self) -> &'static str {
        T::NAME
    }

    fn description(&self) -> &'static str {
        T::DESCRIPTION
    }

    fn instructions(&self) -> &'static str {
        T::INSTRUCTIONS
    }

    fn offline(&self) -> Option<OfflineSkill> {
        Some(T::OFFLINE)
    }

    fn parameters(&self) -> Value {
        let mut schema =
            serde_json::to_value(schemars::schema_for!(T::Args)).unwrap_or_else(|_| json!({}));
        // Chat-completions servers want a plain object schema, not a titled document.
        if let Value::Object(map) = &mut schema {
            map.remove("$schema");
            map.remove("title");
        }
        schema
    }

    async fn call(&self, ctx: &mut ToolContext<'_>, arguments: &str) -> Value {
        let raw = if arguments.trim().is_empty() {
            "{}"
        } else {
            arguments
        };
        let args: T::Args = match serde_json::from_str(raw) {
            Ok(args) => args,
            Err(e) => {
                return json!({"error": format!(
                    "invalid arguments for {}: {e}. Send a JSON object matching the schema.",
                    T::NAME
                )})
            }
        };
        match self.run(ctx, args).await {
            Ok(result) => result,
            Err(e) => json!({"error": e.0}),
        }
    }
}

/// The tools the agent offers, by name (sorted, so the model sees a stable list).
#[derive(Clone, Default)]
pub struct ToolRegistry {
    tools: BTreeMap<&'static str, Arc<dyn Tool>>,
}

impl ToolRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, tool: impl Tool) -> Self {
        self.tools.insert(tool.name(), Arc::new(tool));
        self
    }

    pub fn get(&self, name: &str) -> Option<&Arc<dyn Tool>> {
        self.tools.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn Tool>> {
        self.tools.values()
    }

    pub fn len(&self) -> usize {
        self.tools.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, JsonSchema)]
    struct EchoArgs {
        /// What to echo.
        text: String,
    }

    struct Echo;

    #[async_trait]
    impl TypedTool for Echo {
        type Args = EchoArgs;
        const NAME: &'static str = "echo";
        const DESCRIPTION: &'static str = "Echoes its text.";
        const INSTRUCTIONS: &'static str = "Use echo to repeat text.";
        const OFFLINE: OfflineSkill = OfflineSkill {
            routes: &[Route {
                priority: priority::FALLBACK,
                read: |q| q.any(&["echo"]).then(|| json!({"text": q.text()})),
            }],
            answer: |result, _| result["echo"].as_str().map(str::to_owned),
            doing: "echo that",
            examples: &["echo this"],
            shows: "to hear it back",
            widgets: &[],
        };
        async fn run(
            &self,
            _ctx: &mut ToolContext<'_>,
            args: EchoArgs,
        ) -> Result<Value, ToolError> {
            if args.text.is_empty() {
                return Err(ToolError::new("text must not be empty"));
            }
            Ok(json!({"echo": args.text}))
        }
    }

    #[test]
    fn schema_is_derived_from_the_argument_type() {
        let registry = ToolRegistry::new().with(Echo);
        let echo = registry.get("echo").unwrap();
        let schema = echo.parameters();
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["properties"]["text"]["type"], "string");
        assert_eq!(schema["required"], json!(["text"]));
        assert!(schema.get("$schema").is_none());
        assert_eq!(registry.len(), 1);
    }
}
