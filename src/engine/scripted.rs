//! A scripted responder and its two actions: deterministic, model-free answers that exercise
//! the whole protocol (text deltas, a streamed widget with a server action and a sync action).
//! It serves the engine's tests and the conformance checker. Its slow variant streams a long
//! answer word by word, so the browser tests can press Stop in the middle of a turn.

use super::seams::{
    ActionError, Responder, StreamedAction, SyncAction, SyncActionContext, TurnInput,
};
use super::turn::{AssistantStream, Turn, TurnError};
use crate::ids::IdKind;
use crate::protocol::{Action, ThreadItem, ThreadStreamEvent, WidgetItem, WidgetRoot};
use async_trait::async_trait;
use serde_json::json;

pub const CONFIRM_ACTION: &str = "scripted.confirm";
pub const COUNT_ACTION: &str = "scripted.count";

pub struct ScriptedResponder;

fn card(summary: &str, streaming: bool, count: i64) -> WidgetRoot {
    serde_json::from_value(json!({
        "type": "Card",
        "children": [
            {"type": "Text", "id": "summary", "value": summary, "streaming": streaming},
            {"type": "Row", "gap": 2, "children": [
                {"type": "Button", "label": "Confirm",
                 "onClickAction": {"type": CONFIRM_ACTION, "payload": {"choice": "yes"}, "handler": "server", "loadingBehavior": "auto", "streaming": true}},
                {"type": "Button", "label": format!("Count: {count}"), "style": "secondary",
                 "onClickAction": {"type": COUNT_ACTION, "payload": {"count": count}, "handler": "server", "loadingBehavior": "self", "streaming": false}}
            ]}
        ]
    }))
    .expect("the scripted card is a valid widget")
}

#[async_trait]
impl Responder for ScriptedResponder {
    async fn respond(&self, turn: &mut Turn, input: TurnInput<'_>) -> Result<(), TurnError> {
        let said = match input {
            TurnInput::Message(message) => message.text(),
            TurnInput::Continue => String::new(),
        };
        turn.emit(ThreadStreamEvent::progress("Thinking", None));
        let mut message = AssistantStream::start(turn);
        for word in [
            "You ",
            "wrote ",
            &format!("{} ", said.chars().count()),
            "characters.",
        ] {
            message.push(turn, word);
        }
        message.finish(turn);

        let summary = format!("You wrote {} characters.", said.chars().count());
        let (id, created_at) = turn.next_item(IdKind::Message);
        let mut widget = WidgetItem {
            id: id.clone(),
            thread_id: turn.thread().id.clone(),
            created_at,
            widget: card("", true, 0),
            copy_text: Some(summary.clone()),
        };
        turn.emit(ThreadStreamEvent::item_added(ThreadItem::Widget(
            widget.clone(),
        )));
        let (head, tail) = summary.split_at(summary.len() / 2);
        for delta in [head, tail] {
            turn.emit(ThreadStreamEvent::widget_text_delta(
                id.clone(),
                "summary",
                delta,
                false,
            ));
        }
        widget.widget = card(&summary, false, 0);
        turn.emit(ThreadStreamEvent::widget_root_updated(
            id.clone(),
            widget.widget.clone(),
        ));
        turn.emit(ThreadStreamEvent::item_done(ThreadItem::Widget(widget)));
        Ok(())
    }
}

/// The slow scripted responder's answer: long enough that a turn is still running seconds
/// after its first words, with a last word a test can check was never reached.
pub const SLOW_ANSWER: &str =
    "Here is a long and deliberately slow answer, streamed one word at a time \
    so that a reader can press Stop halfway through it: the Nuggets cover at home, the Celtics \
    win by nine, the Lakers lose on the road, the Knicks go over, the Heat stay under, and the \
    last word of this answer is THE-END";

/// Streams [`SLOW_ANSWER`] one word per `word_delay` (`PL_RESPONDER=scripted-slow`, browser
/// tests only).
pub struct SlowScriptedResponder {
    pub word_delay: std::time::Duration,
}

#[async_trait]
impl Responder for SlowScriptedResponder {
    async fn respond(&self, turn: &mut Turn, _input: TurnInput<'_>) -> Result<(), TurnError> {
        let mut message = AssistantStream::start(turn);
        for word in SLOW_ANSWER.split_inclusive(' ') {
            // A Stop drops this future here; the engine keeps what was pushed.
            tokio::time::sleep(self.word_delay).await;
            message.push(turn, word);
        }
        message.finish(turn);
        Ok(())
    }
}

/// Confirms: replaces the card with its confirmed state, notes it for the model, answers.
pub struct ConfirmAction;

#[async_trait]
impl StreamedAction for ConfirmAction {
    async fn run(
        &self,
        turn: &mut Turn,
        action: &Action,
        sender: Option<&WidgetItem>,
    ) -> Result<(), ActionError> {
        let choice = action
            .payload
            .get("choice")
            .and_then(|c| c.as_str())
            .ok_or_else(|| ActionError::rejected("payload.choice must be a string"))?
            .to_owned();
        if let Some(sender) = sender {
            let mut confirmed = sender.clone();
            confirmed.widget = serde_json::from_value(json!({
                "type": "Card",
                "children": [
                    {"type": "Text", "id": "summary", "value": format!("Confirmed ({choice})."), "streaming": false},
                    {"type": "Badge", "label": "Confirmed", "color": "success"}
                ]
            }))
            .map_err(ActionError::internal)?;
            turn.emit(ThreadStreamEvent::item_replaced(ThreadItem::Widget(
                confirmed,
            )));
        }
        turn.add_hidden_context(json!({"event": "confirmed", "choice": choice}));
        turn.stream_assistant_text(["Confirmed: ", choice.as_str()]);
        Ok(())
    }
}

/// Counts: a sync action that returns the sender with its counter increased.
pub struct CountAction;

#[async_trait]
impl SyncAction for CountAction {
    async fn run(
        &self,
        _ctx: &SyncActionContext<'_>,
        action: &Action,
        sender: Option<&WidgetItem>,
    ) -> Result<Option<ThreadItem>, ActionError> {
        let count = action
            .payload
            .get("count")
            .and_then(|c| c.as_i64())
            .filter(|c| (0..1_000_000).contains(c))
            .ok_or_else(|| {
                ActionError::rejected("payload.count must be an integer in 0..1000000")
            })?;
        let Some(sender) = sender else {
            return Ok(None);
        };
        let mut updated = sender.clone();
        let summary = sender.copy_text.clone().unwrap_or_default();
        updated.widget = card(&summary, false, count + 1);
        Ok(Some(ThreadItem::Widget(updated)))
    }
}
