//! The one payload every slip action carries (`parlay.set_stake`, `parlay.remove_leg`,
//! `parlay.lock_in`): the slip widget writes it, the server's handlers read it, and the page
//! reads the slip's prices from it. Its JSON is the wire form of the stored widgets, so field
//! names and order never change.
//!
//! Reading is lenient field by field, as the handlers always were: a field of the wrong type
//! reads as absent and the handler says what it needed (a browser's payload is untrusted; the
//! slip is normally read from the server's own stored copy anyway).

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::slip::SlipState;
use crate::domain::{AmericanOdds, DecimalOdds};

pub use crate::domain::slip_actions::{LOCK_IN, REMOVE_LEG, SET_STAKE};

/// The form field of the stake, merged into the payload by the client when a form submits.
pub const STAKE_FIELD: &str = "stake";

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SlipActionPayload {
    /// Which slip (`slip_…`); empty when the payload had none.
    #[serde(default, deserialize_with = "lenient")]
    pub key: String,
    /// `parlay.remove_leg`: the leg to drop (0-based).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub leg: Option<usize>,
    /// `parlay.lock_in`: the whole slip, for a client without the stored item.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub slip: Option<SlipState>,
    /// The stake form's value as the client sent it (text as typed, or a number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stake: Option<Value>,
}

/// A value of the wrong type reads as the field's default.
fn lenient<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + serde::de::DeserializeOwned,
{
    let value = Value::deserialize(d)?;
    Ok(serde_json::from_value(value).unwrap_or_default())
}

impl SlipActionPayload {
    /// `parlay.set_stake`'s payload (the stake comes from the form).
    pub fn set_stake(slip: &SlipState) -> Self {
        Self {
            key: slip.key.clone(),
            ..Self::default()
        }
    }

    /// `parlay.remove_leg`'s payload for leg `index`.
    pub fn remove_leg(slip: &SlipState, index: usize) -> Self {
        Self {
            key: slip.key.clone(),
            leg: Some(index),
            ..Self::default()
        }
    }

    /// `parlay.lock_in`'s payload: the key and the whole slip.
    pub fn lock_in(slip: &SlipState) -> Self {
        Self {
            key: slip.key.clone(),
            slip: Some(slip.clone()),
            ..Self::default()
        }
    }

    /// The payload as JSON (infallible: every field is plain data).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Reads a payload; `None` when it is not a JSON object.
    pub fn read(payload: &Value) -> Option<Self> {
        payload
            .is_object()
            .then(|| serde_json::from_value(payload.clone()).ok())
            .flatten()
    }

    /// The exact leg prices of the slip a Lock It In payload carries, read without the rest of
    /// the slip (the page needs only these, and a full read would cost the browser bundle the
    /// slip's whole deserializer). Slips saved before prices were exact carry American integers.
    pub fn leg_prices(payload: &Value) -> Option<Vec<DecimalOdds>> {
        let legs = payload.get("slip")?.get("legs")?.as_array()?;
        legs.iter()
            .map(|leg| match (leg.get("price"), leg.get("price_american")) {
                (Some(Value::String(exact)), _) => {
                    serde_json::from_value(Value::String(exact.clone())).ok()
                }
                (None, Some(american)) => american
                    .as_i64()
                    .and_then(|a| AmericanOdds::try_from(a).ok())
                    .map(AmericanOdds::to_decimal),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::widgets::golden::sample_slip;

    #[test]
    fn payloads_are_byte_for_byte_what_the_slip_always_sent() {
        let slip = sample_slip();
        // What `widgets/parlay.rs` built by hand before the payload was a type.
        let cases = [
            (
                SlipActionPayload::set_stake(&slip),
                json!({"key": slip.key}),
            ),
            (
                SlipActionPayload::remove_leg(&slip, 1),
                json!({"key": slip.key, "leg": 1}),
            ),
            (
                SlipActionPayload::lock_in(&slip),
                json!({"key": slip.key, "slip": slip}),
            ),
        ];
        // The widget carries the payload as a JSON value (keys in order), so the bytes are
        // those of the value.
        for (typed, by_hand) in cases {
            assert_eq!(
                serde_json::to_string(&typed.to_value()).unwrap(),
                serde_json::to_string(&by_hand).unwrap()
            );
            assert_eq!(SlipActionPayload::read(&by_hand), Some(typed));
        }
    }

    #[test]
    fn a_client_payload_reads_field_by_field() {
        let slip = sample_slip();
        // The form merges the stake in, as text or a number.
        let sent = json!({"key": slip.key, "slip": slip, "stake": "25.50"});
        let read = SlipActionPayload::read(&sent).unwrap();
        assert_eq!(read.slip.as_ref(), Some(&slip));
        assert_eq!(read.stake, Some(json!("25.50")));
        // Wrong types read as absent, so the handler can say what it needed.
        let read = SlipActionPayload::read(&json!({"key": 7, "leg": -1, "slip": "x"})).unwrap();
        assert_eq!(read, SlipActionPayload::default());
        assert_eq!(SlipActionPayload::read(&json!(["key"])), None);
        // The page reads only the prices, exact, and legacy American integers still read.
        let prices = SlipActionPayload::leg_prices(&sent).unwrap();
        assert_eq!(
            prices,
            slip.legs
                .iter()
                .map(|l| l.price.clone())
                .collect::<Vec<_>>()
        );
        let legacy = json!({"slip": {"legs": [{"price_american": 150}]}});
        assert_eq!(
            SlipActionPayload::leg_prices(&legacy),
            Some(vec![DecimalOdds::from_ratio(5, 2).unwrap()])
        );
    }
}
