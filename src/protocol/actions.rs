//! Widget actions (spec §10): what a widget declares ([`ActionConfig`]), what the server receives
//! ([`Action`]), and the answer of a sync action.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::items::ThreadItem;

/// An action attached to a widget control.
///
/// `handler`, `loadingBehavior` and `streaming` are kept as given: the SDK writes all three, a
/// hand-written widget often omits them, and both must survive a round trip through the store.
/// Read them through the accessors, which apply the spec's defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionConfig {
    /// Free-form action name, e.g. `bet.lock_in`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Delivered with the action (an object in practice), plus form values inside a form.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub payload: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<HandledBy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loading_behavior: Option<LoadingBehavior>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streaming: Option<bool>,
}

impl ActionConfig {
    /// A server-handled, streamed action with a payload.
    pub fn new(kind: impl Into<String>, payload: Value) -> Self {
        Self {
            kind: kind.into(),
            payload,
            ..Self::default()
        }
    }

    /// Sent as `threads.sync_custom_action` (JSON answer, allowed while a response streams).
    pub fn sync(mut self) -> Self {
        self.streaming = Some(false);
        self
    }

    /// Delivered to the page's `widgets.onAction` instead of the server.
    pub fn client(mut self) -> Self {
        self.handler = Some(HandledBy::Client);
        self
    }

    pub fn with_loading_behavior(mut self, behavior: LoadingBehavior) -> Self {
        self.loading_behavior = Some(behavior);
        self
    }

    pub fn handler(&self) -> HandledBy {
        self.handler.unwrap_or_default()
    }

    pub fn loading_behavior(&self) -> LoadingBehavior {
        self.loading_behavior.unwrap_or_default()
    }

    pub fn is_streaming(&self) -> bool {
        self.streaming.unwrap_or(true)
    }
}

wire_enum! {
    #[derive(Default)]
    pub enum HandledBy {
        #[default]
        Server = "server",
        Client = "client",
    }
}

wire_enum! {
    /// Which part of the widget shows a busy state while the action runs.
    #[derive(Default)]
    pub enum LoadingBehavior {
        #[default]
        Auto = "auto",
        None = "none",
        SelfOnly = "self",
        Container = "container",
    }
}

/// An action as the server receives it in `threads.custom_action` / `sync_custom_action`.
/// The payload is untrusted input of unknown shape: validate it before use.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Action {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub payload: Value,
}

/// The answer of `threads.sync_custom_action`: the item that replaces the sender, or `{}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncCustomActionResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_item: Option<ThreadItem>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn omitted_options_stay_omitted_and_read_as_defaults() {
        let action: ActionConfig =
            serde_json::from_value(json!({"type": "bet.lock_in", "payload": {"slip": 3}})).unwrap();
        assert_eq!(action.handler(), HandledBy::Server);
        assert_eq!(action.loading_behavior(), LoadingBehavior::Auto);
        assert!(action.is_streaming());
        assert_eq!(
            serde_json::to_value(&action).unwrap(),
            json!({"type": "bet.lock_in", "payload": {"slip": 3}})
        );
        let sync = ActionConfig::new("stake.plus", json!({"cents": 500}))
            .sync()
            .with_loading_behavior(LoadingBehavior::SelfOnly);
        assert_eq!(
            serde_json::to_value(&sync).unwrap(),
            json!({"type": "stake.plus", "payload": {"cents": 500}, "loadingBehavior": "self", "streaming": false})
        );
    }

    #[test]
    fn empty_sync_answer_is_two_bytes() {
        assert_eq!(
            serde_json::to_string(&SyncCustomActionResponse::default()).unwrap(),
            "{}"
        );
    }
}
