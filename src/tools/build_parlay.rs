//! `build_parlay`: a parlay slip from the legs the model names, or the best N picks on today's
//! board. Streams the slip (stake field, payout, Lock It In); returns the combined odds and
//! payout, computed exactly from the leg prices.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::offline_skill::{array_at, dollars, shown, str_at};
use super::parlay_picks::{auto_picks, explicit_pick, LegArg};
use super::support::{
    bet_limits, default_day, display_format, eastern_day, fetch_board, games_on, quote_rules,
    stake_sizing, SportArg,
};
use super::{priority, OfflineSkill, Question, Route};
use super::{Services, ToolContext, ToolError, TypedTool};
use crate::betting::{analyze_board, SlipLeg, SlipState};
use crate::domain::{
    exact, format_odds, validate_parlay, validate_payout, validate_stake, Cents, OddsFormat,
};
use crate::protocol::{IconName, ThreadStreamEvent};
use crate::providers::{Sport, FEATURED_MARKETS};
use crate::widgets::{parlay_slip, slip_edge_text};

#[derive(Debug, Deserialize, JsonSchema)]
pub struct BuildParlayArgs {
    /// How many legs to pick from the board (default 3; at least 2). Ignored when `legs` is
    /// given.
    #[serde(default)]
    pub legs_count: Option<i64>,
    /// League (default nba).
    #[serde(default)]
    pub sport: Option<SportArg>,
    /// Explicit picks; when absent, the picks with the most expected value on today's board
    /// (one per game, at the best price) are used.
    #[serde(default)]
    pub legs: Option<Vec<LegArg>>,
    /// Stake in cents (default from configuration).
    #[serde(default)]
    pub stake_cents: Option<i64>,
}

pub struct BuildParlay;

/// A new idempotency key: one per slip, so however often it is locked in, it is one bet.
pub fn new_slip_key() -> String {
    format!("slip_{}", uuid::Uuid::now_v7().simple())
}

/// What the model needs to describe a slip.
pub fn slip_summary(slip: &SlipState, format: OddsFormat) -> Value {
    let quote = slip.quote().ok();
    let legs: Vec<Value> = slip
        .legs
        .iter()
        .map(|l| {
            json!({
                "event_id": l.event_id,
                "game": format!("{} @ {}", l.away, l.home),
                "pick": l.pick(),
                "market": l.market,
                "selection": l.selection,
                "point": l.point,
                "price": format_odds(&l.price, format),
                "book": l.book_title,
                "fair_probability": format!("{:.1}%", f64::from(l.fair_bp) / 100.0),
                "ev": l.fair().map(|p| {
                    exact::format_percent(&crate::domain::expected_value_per_unit(&p, &l.price), 1)
                }),
                "injury_note": l.injury_note,
            })
        })
        .collect();
    json!({
        "slip_key": slip.key,
        "legs": legs,
        "combined_odds": quote.as_ref().and_then(|q| q.price.as_ref()).map(|p| format_odds(p, format)),
        "implied_probability": quote
            .as_ref()
            .and_then(|q| q.implied_probability())
            .map(|p| exact::format_percent(&p, 1)),
        "stake": slip.stake().to_string(),
        "payout": quote.as_ref().map(|q| q.payout.to_string()),
        "profit": quote.as_ref().map(|q| q.profit.to_string()),
        "same_game_estimate": slip.is_same_game(),
        "source": slip.source,
        "as_of": slip.as_of,
        "demo": slip.demo,
    })
}

#[async_trait]
impl TypedTool for BuildParlay {
    type Args = BuildParlayArgs;
    const NAME: &'static str = "build_parlay";
    const DESCRIPTION: &'static str = "Build a parlay slip the user can stake and lock in. \
        Give `legs` (event_id from get_odds_visual, market, selection) to use specific picks, or \
        just `legs_count` to take that many of today's games' best-EV sides (expected value at \
        the best price against the no-vig fair probability). Returns each leg's price, the combined odds and the payout for the stake.";
    const INSTRUCTIONS: &'static str = "Parlays come from build_parlay: automatic picks, or the legs the user names (event_id from get_odds_visual). The stake and Lock It In on the slip are the user's to press.";
    const OFFLINE: OfflineSkill = OfflineSkill {
        routes: &[Route {
            priority: priority::BUILD,
            read,
        }],
        answer,
        doing: "build that parlay",
        examples: &[
            "Build me a parlay with 3 picks",
            "Give me 4 picks for NFL, $25 on it",
            "a five leg MLB parlay",
        ],
        shows: "for a parlay slip",
        widgets: &["parlay_slip"],
    };

    async fn run(
        &self,
        ctx: &mut ToolContext<'_>,
        args: BuildParlayArgs,
    ) -> Result<Value, ToolError> {
        let config = &ctx.services.betting;
        let max_legs = config.max_legs as usize;
        let stake = Cents::new(args.stake_cents.unwrap_or(config.default_stake_cents));
        validate_stake(stake, &bet_limits(config)).map_err(|e| ToolError::new(e.to_string()))?;
        let sport: Sport = args.sport.map_or(Sport::Nba, Into::into);
        let explicit = args.legs.filter(|legs| !legs.is_empty());
        let count = match &explicit {
            Some(legs) => legs.len() as i64,
            None => args.legs_count.unwrap_or(3),
        };
        if count < 2 || count > max_legs as i64 {
            return Err(ToolError::new(format!(
                "a parlay has 2 to {max_legs} legs, not {count}"
            )));
        }
        ctx.turn.emit(ThreadStreamEvent::progress(
            format!("Building a {count}-leg {} parlay…", sport.title()),
            Some(IconName::new("notebook-pencil")),
        ));
        let markets: Vec<String> = FEATURED_MARKETS
            .iter()
            .map(|m| m.as_str().to_owned())
            .collect();
        let mut notes: Vec<String> = Vec::new();
        let (board, legs) = match &explicit {
            Some(picks) => {
                let board = fetch_board(ctx.services, sport, markets, None, None).await?;
                let analysis = analyze_board(&board, quote_rules(config));
                let now = ctx.services.now();
                let picked = picks
                    .iter()
                    .map(|p| explicit_pick(&board, &analysis, p, now))
                    .collect::<Result<Vec<_>, _>>()?;
                let legs = picked
                    .into_iter()
                    .map(|p| {
                        notes.extend(p.note);
                        p.leg
                    })
                    .collect();
                (board, legs)
            }
            None => {
                // Today's slate first; a league with too few games today (an NFL Wednesday)
                // picks from every upcoming game instead.
                let board = fetch_board(ctx.services, sport, markets, None, None).await?;
                let now = ctx.services.now();
                let today = games_on(&board, default_day(&board, eastern_day(now)));
                let rules = quote_rules(config);
                let picks = auto_picks(&today, &analyze_board(&today, rules), count as usize, now);
                let legs = match picks {
                    Ok(legs) => legs,
                    Err(_) => {
                        auto_picks(&board, &analyze_board(&board, rules), count as usize, now)?
                    }
                };
                (board, legs)
            }
        };
        let mut legs = legs;
        note_injuries(ctx.services, sport, &mut legs).await;
        let slip = SlipState {
            key: new_slip_key(),
            sport,
            stake_cents: stake.get(),
            legs,
            source: board.provenance.source.clone(),
            as_of: board.provenance.as_of,
            demo: board.provenance.demo,
        };
        let limits = bet_limits(config);
        validate_parlay(&slip.leg_keys(), stake, &limits)
            .map_err(|e| ToolError::new(e.to_string()))?;
        let quote = slip
            .quote()
            .map_err(|e| ToolError::new(format!("could not price the parlay: {e}")))?;
        validate_payout(quote.payout, &limits).map_err(|e| ToolError::new(e.to_string()))?;

        let format = display_format(config);
        let mut result = slip_summary(&slip, format);
        let copy = slip
            .legs
            .iter()
            .map(|l| format!("{} {}", l.pick(), format_odds(&l.price, format)))
            .collect::<Vec<_>>()
            .join("\n");
        let sizing = stake_sizing(&ctx.turn.ledger(), config)
            .await
            .map_err(|e| ToolError::new(format!("your bankroll is unavailable: {e}")))?;
        result["ev_and_stake"] = json!(slip_edge_text(&slip, &sizing));
        if !notes.is_empty() {
            result["price_notes"] = json!(notes);
        }
        let item_id = ctx
            .turn
            .widget_done(parlay_slip(&slip, format, &sizing), Some(copy));
        result["widget_item_id"] = json!(item_id);
        Ok(result)
    }
}

/// Notes on each leg the players its side is expected to miss (both sides for a total or a
/// draw). Advice, not a condition: when the injury feed fails the slip goes out without notes.
async fn note_injuries(services: &Services, sport: Sport, legs: &mut [SlipLeg]) {
    let report = match services.providers.injuries().injuries(sport).await {
        Ok(report) => report,
        Err(error) => {
            tracing::warn!(%error, "no injury notes on the slip");
            return;
        }
    };
    for leg in legs {
        let sides: Vec<&str> = if leg.selection == leg.home || leg.selection == leg.away {
            vec![&leg.selection]
        } else {
            vec![&leg.away, &leg.home]
        };
        let missing: Vec<String> = sides
            .iter()
            .flat_map(|team| report.missing_for(team))
            .map(|i| format!("{} ({})", i.player, i.status_text))
            .collect();
        if !missing.is_empty() {
            leg.injury_note = Some(missing.join(", "));
        }
    }
}

// The offline model: "parlay" or a number of picks builds one; the answer lists the legs.

const LEG_NOUNS: &[&str] = &["picks", "pick", "legs", "leg", "team"];

fn read(q: &Question) -> Option<Value> {
    let count = q.number_before(LEG_NOUNS);
    if !q.any(&["parlay", "parlays", "accumulator", "acca"]) && count.is_none() {
        return None;
    }
    let (sport, _) = q.sport_and_team();
    let mut args = json!({"legs_count": count.unwrap_or(3), "sport": sport});
    if let Some(cents) = q.stake_cents() {
        args["stake_cents"] = json!(cents);
    }
    Some(args)
}

fn answer(result: &Value, _args: &Value) -> Option<String> {
    let legs = array_at(result, &["legs", "picks"])?;
    let mut text = format!("Here is a {}-leg parlay:", legs.len());
    for leg in legs {
        let pick = str_at(
            leg,
            &["pick", "selection", "label", "name", "outcome", "team"],
        )
        .unwrap_or("leg");
        let price = ["price", "odds", "price_american", "american"]
            .iter()
            .find_map(|k| leg.get(*k).and_then(|v| shown(v, k)));
        let game = str_at(leg, &["game", "matchup", "event"]);
        text.push_str(&format!("\n- **{pick}**"));
        if let Some(price) = price {
            text.push_str(&format!(" ({price})"));
        }
        if let Some(game) = game {
            text.push_str(&format!(", {game}"));
        }
        if let Some(note) = str_at(leg, &["injury_note"]) {
            text.push_str(&format!(" (injury: {note})"));
        }
    }
    let combined = [
        "combined_odds",
        "combined",
        "odds",
        "price",
        "combined_american",
    ]
    .iter()
    .find_map(|k| result.get(*k).and_then(|v| shown(v, "odds")));
    // Amounts as integer cents, or already written ("$10.00").
    let amount = |cents: &str, written: &str| {
        result
            .get(cents)
            .and_then(Value::as_i64)
            .map(dollars)
            .or_else(|| str_at(result, &[written]).map(str::to_owned))
    };
    let stake = amount("stake_cents", "stake");
    let payout = amount("payout_cents", "payout");
    match (combined, stake, payout) {
        (Some(odds), Some(stake), Some(payout)) => text.push_str(&format!(
            "\n\nCombined odds {odds}: a {stake} stake pays {payout} in total."
        )),
        (Some(odds), _, _) => text.push_str(&format!("\n\nCombined odds {odds}.")),
        (None, Some(stake), Some(payout)) => {
            text.push_str(&format!("\n\nA {stake} stake pays {payout} in total."))
        }
        _ => {}
    }
    if let Some(edge) = str_at(result, &["ev_and_stake"]) {
        text.push_str(&format!("\n{edge}."));
    }
    text.push_str("\nChange the stake on the slip, then Lock It In when you're ready.");
    text.push_str("\n\nStake only what you can afford to lose; no parlay is a lock.");
    Some(text)
}
