//! `build_parlay`: a parlay slip from the legs the model names, or the best N picks on today's
//! board. Streams the slip (stake field, payout, Lock It In); returns the combined odds and
//! payout, computed exactly from the leg prices.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::parlay_picks::{auto_picks, explicit_pick, LegArg};
use super::support::{
    bet_limits, check_stake, default_day, display_format, eastern_day, fetch_board, games_on,
    SportArg,
};
use super::{ToolContext, ToolError, TypedTool};
use crate::domain::{exact, format_odds, validate_parlay, validate_payout, Cents, OddsFormat};
use crate::protocol::{IconName, ThreadStreamEvent};
use crate::providers::{Sport, FEATURED_MARKETS};
use crate::widgets::{analyze_board, parlay_slip, price_text, SlipState};

#[derive(Debug, Deserialize, JsonSchema)]
pub struct BuildParlayArgs {
    /// How many legs to pick from the board (default 3; at least 2). Ignored when `legs` is
    /// given.
    #[serde(default)]
    pub legs_count: Option<i64>,
    /// League (default nba).
    #[serde(default)]
    pub sport: Option<SportArg>,
    /// Explicit picks; when absent, the most likely side of each of today's games is used.
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
                "price": price_text(l.price_american, format),
                "book": l.book_title,
                "fair_probability": format!("{:.1}%", f64::from(l.fair_bp) / 100.0),
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
        just `legs_count` to take the most likely side of that many of today's games at the \
        best price. Returns each leg's price, the combined odds and the payout for the stake.";

    async fn run(
        &self,
        ctx: &mut ToolContext<'_>,
        args: BuildParlayArgs,
    ) -> Result<Value, ToolError> {
        let config = &ctx.services.betting;
        let max_legs = config.max_legs as usize;
        let stake = Cents::new(args.stake_cents.unwrap_or(config.default_stake_cents));
        check_stake(stake, config).map_err(ToolError::new)?;
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
        let markets: Vec<String> = FEATURED_MARKETS.iter().map(|m| (*m).to_owned()).collect();
        let (board, legs) = match &explicit {
            Some(picks) => {
                let board = fetch_board(ctx.services, sport, markets, None, None).await?;
                let analysis = analyze_board(&board);
                let legs = picks
                    .iter()
                    .map(|p| explicit_pick(&board, &analysis, p))
                    .collect::<Result<Vec<_>, _>>()?;
                (board, legs)
            }
            None => {
                // Today's slate first; a league with too few games today (an NFL Wednesday)
                // picks from every upcoming game instead.
                let board = fetch_board(ctx.services, sport, markets, None, None).await?;
                let now = ctx.services.providers.odds().now();
                let today = games_on(&board, default_day(&board, eastern_day(now)));
                let picks = auto_picks(&today, &analyze_board(&today), count as usize, now);
                let legs = match picks {
                    Ok(legs) => legs,
                    Err(_) => auto_picks(&board, &analyze_board(&board), count as usize, now)?,
                };
                (board, legs)
            }
        };
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
            .map(|l| format!("{} {}", l.pick(), price_text(l.price_american, format)))
            .collect::<Vec<_>>()
            .join("\n");
        let item_id = ctx.turn.widget_done(parlay_slip(&slip, format), Some(copy));
        result["widget_item_id"] = json!(item_id);
        Ok(result)
    }
}
