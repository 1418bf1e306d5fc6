//! The slip's sync actions: `parlay.set_stake` (the stake form was submitted) and
//! `parlay.remove_leg`. Both recompute the slip from the stored copy and return it; the engine
//! saves it before answering. Nothing else is written, and an invalid payload changes nothing.

use std::sync::Arc;

use async_trait::async_trait;

use super::{payload, payload_key, payload_stake, stored_slip};
use crate::betting::SlipState;
use crate::domain::{validate_payout, validate_stake};
use crate::engine::{ActionError, SyncAction, SyncActionContext};
use crate::protocol::{Action, ThreadItem, WidgetItem};
use crate::tools::support::{bet_limits, display_format, stake_sizing};
use crate::tools::Services;
use crate::widgets::parlay_slip;

fn bad(message: impl Into<String>) -> ActionError {
    ActionError::rejected(message)
}

/// The sender, which must be the slip named by `payload.key`.
fn slip_of<'a>(
    action: &Action,
    sender: Option<&'a WidgetItem>,
) -> Result<(&'a WidgetItem, SlipState), ActionError> {
    let payload = payload(action).map_err(bad)?;
    let key = payload_key(&payload).map_err(bad)?;
    let sender = sender.ok_or_else(|| bad(format!("{} needs the slip's item_id", action.kind)))?;
    let slip = stored_slip(Some(sender), &key)
        .ok_or_else(|| bad("this slip can no longer be changed (it may be locked in already)"))?;
    Ok((sender, slip))
}

/// The updated sender, priced (stakes sized for the caller's bankroll); refuses a slip whose
/// payout breaks the house cap.
async fn render(
    ctx: &SyncActionContext<'_>,
    services: &Services,
    sender: &WidgetItem,
    slip: &SlipState,
) -> Result<ThreadItem, ActionError> {
    let quote = slip
        .quote()
        .map_err(|e| bad(format!("could not price the parlay: {e}")))?;
    validate_payout(quote.payout, &bet_limits(&services.betting))
        .map_err(|e| bad(e.to_string()))?;
    let sizing = stake_sizing(&ctx.ledger, &services.betting).await?;
    let mut item = sender.clone();
    item.widget = parlay_slip(slip, display_format(&services.betting), &sizing);
    Ok(ThreadItem::Widget(item))
}

pub struct SetStake {
    services: Arc<Services>,
}

impl SetStake {
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

#[async_trait]
impl SyncAction for SetStake {
    async fn run(
        &self,
        ctx: &SyncActionContext<'_>,
        action: &Action,
        sender: Option<&WidgetItem>,
    ) -> Result<Option<ThreadItem>, ActionError> {
        let (sender, mut slip) = slip_of(action, sender)?;
        let stake = payload_stake(&payload(action).map_err(bad)?)
            .map_err(bad)?
            .ok_or_else(|| bad("enter a stake"))?;
        validate_stake(stake, &bet_limits(&self.services.betting))
            .map_err(|e| bad(e.to_string()))?;
        slip.stake_cents = stake.get();
        render(ctx, &self.services, sender, &slip).await.map(Some)
    }
}

pub struct RemoveLeg {
    services: Arc<Services>,
}

impl RemoveLeg {
    pub fn new(services: Arc<Services>) -> Self {
        Self { services }
    }
}

#[async_trait]
impl SyncAction for RemoveLeg {
    async fn run(
        &self,
        ctx: &SyncActionContext<'_>,
        action: &Action,
        sender: Option<&WidgetItem>,
    ) -> Result<Option<ThreadItem>, ActionError> {
        let (sender, mut slip) = slip_of(action, sender)?;
        if slip.legs.len() <= 2 {
            return Err(bad(
                "a parlay needs at least 2 legs; ask for another pick instead",
            ));
        }
        let index = payload(action)
            .map_err(bad)?
            .leg
            .filter(|i| *i < slip.legs.len())
            .ok_or_else(|| {
                bad(format!(
                    "payload.leg must be a leg number from 0 to {}",
                    slip.legs.len().saturating_sub(1)
                ))
            })?;
        slip.legs.remove(index);
        render(ctx, &self.services, sender, &slip).await.map(Some)
    }
}
