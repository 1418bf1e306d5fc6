//! `my_bets`: "How are my bets doing?" — the user's tracked bets from the ledger, open and
//! settled, with profit/loss, ROI and average closing-line value, as a ledger card. Settlement
//! itself runs in the server's settlement task; this only reads.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::offline_skill::str_at;
use super::{priority, OfflineSkill, Question, Route};
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
    const INSTRUCTIONS: &'static str = "The user's own bets, results, ROI and closing-line value come from my_bets; bets are tracked here, never placed with a sportsbook.";
    const OFFLINE: OfflineSkill = OfflineSkill {
        routes: &[Route {
            priority: priority::OWN_ACCOUNT,
            read,
        }],
        answer,
        doing: "read your ledger",
        examples: &[
            "How are my bets doing?",
            "What's my ROI?",
            "my betting history please",
        ],
        shows: "for your tracked bets",
        widgets: &["ledger"],
    };

    async fn run(&self, ctx: &mut ToolContext<'_>, args: MyBetsArgs) -> Result<Value, ToolError> {
        let limit = args.limit.unwrap_or(10);
        if !(1..=50).contains(&limit) {
            return Err(ToolError::new(format!(
                "limit must be 1 to 50, not {limit}"
            )));
        }
        let bets = ctx
            .turn
            .ledger()
            .bets()
            .await
            .map_err(|e| ToolError::new(format!("the ledger is unavailable: {e}")))?;
        let as_of = ctx.services.now();
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

// The offline model: questions about "my bets", ROI or record read the ledger.

fn read(q: &Question) -> Option<Value> {
    const CUES: &[&str] = &[
        "my bets",
        "my bet",
        "my ledger",
        "my parlays",
        "my parlay",
        "my wagers",
        "my tickets",
        "bet history",
        "betting history",
        "my profit",
        "my roi",
        "my clv",
        "my record",
    ];
    q.any(CUES).then(|| json!({}))
}

fn answer(result: &Value, _args: &Value) -> Option<String> {
    let open = result.get("open_bets")?.as_u64()?;
    let settled = result.get("settled_bets")?.as_u64()?;
    if open + settled == 0 {
        return Some(
            "You have no tracked bets yet. Lock in a slip and it shows up here, graded \
             automatically once its games are final."
                .into(),
        );
    }
    let mut text = format!(
        "You have {open} open bet{} ({} at stake) and {settled} settled: {} won, {} lost, {} \
         pushed or void.",
        if open == 1 { "" } else { "s" },
        str_at(result, &["open_stake"])?,
        result.get("won")?,
        result.get("lost")?,
        result.get("push_or_void")?,
    );
    if settled > 0 {
        text.push_str(&format!(
            " Profit/loss {}",
            str_at(result, &["profit_loss"])?
        ));
        if let Some(roi) = str_at(result, &["roi"]) {
            text.push_str(&format!(", ROI {roi}"));
        }
        text.push('.');
    }
    if let Some(clv) = str_at(result, &["average_clv"]) {
        text.push_str(&format!(
            " Average closing-line value {clv} over {} bets.",
            result.get("bets_with_clv")?
        ));
    }
    text.push_str(" These bets are tracked here, not placed with a sportsbook.");
    Some(text)
}
