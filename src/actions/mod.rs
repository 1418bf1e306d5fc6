//! Widget action handlers, keyed by action type (server only).
//!
//! Owns the parlay slip's three actions: `parlay.set_stake` and `parlay.remove_leg` (sync:
//! recompute and return the updated slip) and `parlay.lock_in` (streamed: re-quote, confirm
//! moved prices, save the bet once per idempotency key, replace the slip with a receipt, tell
//! the model). May use: `engine` seams, `store`, `tools` (providers and pricing helpers),
//! `widgets`, `betting` (the slip and its payload), `domain`, `protocol`.
//!
//! Trust: the browser's payload is untrusted. The slip itself is read from the stored sender
//! item (which only the server writes); the payload contributes the slip key (which must
//! match), the typed stake and the leg index — each validated. Only when there is no stored
//! slip (no `item_id`, or the slip was already replaced by its receipt) is the payload's slip
//! used, after bounds checks; lock-in re-quotes every leg from the odds provider regardless,
//! so a forged price can never be saved.

mod lock_in;
mod stake;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use serde_json::Value;

use crate::betting::slip::valid_key;
use crate::betting::{SlipActionPayload, SlipState};
use crate::domain::Cents;
use crate::engine::ActionRegistry;
use crate::protocol::{Action, WidgetItem, WidgetRoot};
use crate::tools::Services;
use crate::widgets::action_types::{LOCK_IN, REMOVE_LEG, SET_STAKE};

pub use lock_in::LockIn;
pub use stake::{RemoveLeg, SetStake};

/// The parlay slip's actions, sharing the app's providers and betting configuration.
pub fn standard_actions(services: Arc<Services>) -> ActionRegistry {
    ActionRegistry::new()
        .sync(SET_STAKE, SetStake::new(services.clone()))
        .sync(REMOVE_LEG, RemoveLeg::new(services.clone()))
        .streamed(LOCK_IN, LockIn::new(services))
}

/// The slip state a slip widget carries in its Lock It In payload; `None` for other widgets.
pub fn embedded_slip(widget: &WidgetRoot) -> Option<SlipState> {
    SlipActionPayload::read(&widget.button_action(LOCK_IN)?.payload)?.slip
}

/// The root card's `key`: the slip key on a slip and on the receipt that replaced it.
fn card_key(widget: &WidgetRoot) -> Option<&str> {
    match widget {
        WidgetRoot::Card(card) => card.key.as_deref(),
        _ => None,
    }
}

fn payload(action: &Action) -> Result<SlipActionPayload, String> {
    SlipActionPayload::read(&action.payload)
        .ok_or_else(|| format!("{} needs an object payload", action.kind))
}

/// `payload.key`: which slip the action is for.
fn payload_key(payload: &SlipActionPayload) -> Result<String, String> {
    if valid_key(&payload.key) {
        Ok(payload.key.clone())
    } else {
        Err("payload.key must be the slip's key".into())
    }
}

/// The stake the bettor typed (the form field), if any: text as typed, or a JSON number.
fn payload_stake(payload: &SlipActionPayload) -> Result<Option<Cents>, String> {
    let text = match &payload.stake {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => return Err("the stake must be an amount like 25 or 25.50".into()),
    };
    Cents::parse_dollars(&text)
        .map(Some)
        .map_err(|e| format!("stake: {e}"))
}

/// The slip stored in the sender, when the sender is that slip.
fn stored_slip(sender: Option<&WidgetItem>, key: &str) -> Option<SlipState> {
    sender
        .and_then(|s| embedded_slip(&s.widget))
        .filter(|slip| slip.key == key)
}

/// The slip an action is about: the stored one, else (no stored slip) the payload's, bounded.
fn resolve_slip(
    payload: &SlipActionPayload,
    sender: Option<&WidgetItem>,
    max_legs: usize,
) -> Result<SlipState, String> {
    let key = payload_key(payload)?;
    if let Some(slip) = stored_slip(sender, &key) {
        return Ok(slip);
    }
    let slip: SlipState = payload
        .slip
        .clone()
        .ok_or("payload.slip is missing or malformed")?;
    slip.check(max_legs)?;
    if slip.key != key {
        return Err("payload.slip belongs to another slip".into());
    }
    Ok(slip)
}
