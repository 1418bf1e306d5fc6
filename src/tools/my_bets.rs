//! `my_bets`: "How are my bets doing?" — the user's tracked bets from the ledger, open and
//! settled, with profit/loss, ROI and average closing-line value, as a ledger card. Settlement
//! itself runs in the server's settlement task; this only reads.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{ToolContext, ToolError, TypedTool};
use crate::ledger::summary::summarize;
use crate::widgets::{ledger::percent_bp, ledger::signed_money, ledger_card};

#[derive(Debug, Deserialize, JsonSchema)]
pub struct MyBetsArgs {
    /// How many recent bets to list in the result, 1 to 50 (default 10).
    #[serde(default)]
    pub limit: Option<i64>,
}

pub struct MyBets;

#[async_trait]
impl TypedTool for MyBets {
    type Args = MyBetsArgs;
    const NAME: &'static str = "my_bets";
    const DESCRIPTION: &'static str = "The user's tracked bets (locked in here, never placed \
        with a sportsbook): open and settled bets with results, profit/loss, ROI and average \
        closing-line value (CLV). Use for \"how are my bets doing?\" or \"show my bets\".";

    async fn run(&self, ctx: &mut ToolContext<'_>, args: MyBetsArgs) -> Result<Value, ToolError> {
        let limit = args.limit.unwrap_or(10);
        if !(1..=50).contains(&limit) {
            return Err(ToolError::new(format!(
                "limit must be 1 to 50, not {limit}"
            )));
        }
        let store = ctx.turn.store().clone();
        let bets = store
            .list_ledger(ctx.turn.user_id())
            .await
            .map_err(|e| ToolError::new(format!("the ledger is unavailable: {e}")))?;
        let as_of = ctx.services.providers.odds().now();
        let view = summarize(&bets, as_of);
        let copy = format!(
            "{} open, {} settled, profit/loss {}",
            view.open_count,
            view.settled_count,
            signed_money(view.profit)
        );
        let item_id = ctx.turn.widget_done(ledger_card(&view), Some(copy));
        let recent: Vec<Value> = view
            .rows
            .iter()
            .take(limit as usize)
            .map(|r| {
                json!({
                    "bet_id": r.bet_id,
                    "bet": r.title,
                    "detail": r.detail,
                    "status": r.status,
                    "stake": r.stake.to_string(),
                    "payout": r.payout.to_string(),
                    "clv": r.clv_bp.map(percent_bp),
                    "placed_at": r.placed_at,
                })
            })
            .collect();
        Ok(json!({
            "open_bets": view.open_count,
            "open_stake": view.open_stake.to_string(),
            "settled_bets": view.settled_count,
            "won": view.won,
            "lost": view.lost,
            "push_or_void": view.returned,
            "turnover": view.turnover.to_string(),
            "profit_loss": signed_money(view.profit),
            "roi": view.roi_bp.map(percent_bp),
            "average_clv": view.avg_clv_bp.map(percent_bp),
            "bets_with_clv": view.clv_bets,
            "recent": recent,
            "demo": view.demo,
            "note": "Bets are tracked here, not placed with a sportsbook.",
            "widget_item_id": item_id,
        }))
    }
}
