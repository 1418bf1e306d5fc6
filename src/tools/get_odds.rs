//! `get_odds_visual`: the odds board for a league and day, with line shopping (best price per
//! outcome), no-vig fair odds and hold. Streams the board widget; returns the best and fair
//! prices per game for the model.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::support::{board_for_day, display_format, parse_date, MarketArg, SportArg};
use super::{ToolContext, ToolError, TypedTool};
use crate::domain::{exact, format_odds, OddsFormat};
use crate::protocol::{IconName, ThreadStreamEvent};
use crate::providers::{Sport, FEATURED_MARKETS};
use crate::widgets::{analyze_board, odds_board, price_text, BoardAnalysis};

/// Games beyond this are left off the widget (the result says how many there were).
pub const MAX_GAMES: usize = 12;

/// Which markets to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MarketChoice {
    H2h,
    Spreads,
    Totals,
    #[default]
    All,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GetOddsArgs {
    /// League: nba, nfl, mlb, nhl or epl.
    pub sport: SportArg,
    /// `h2h` (moneyline), `spreads`, `totals`, or `all` (default).
    #[serde(default)]
    pub market: MarketChoice,
    /// Only games of this team (nicknames work: "Lakers").
    #[serde(default)]
    pub team: Option<String>,
    /// Day of the games, `YYYY-MM-DD` (US Eastern). Default: today's games, or the next day
    /// with games.
    #[serde(default)]
    pub date: Option<String>,
}

pub struct GetOddsVisual;

fn market_keys(choice: MarketChoice) -> Vec<String> {
    match choice {
        MarketChoice::All => FEATURED_MARKETS.iter().map(|m| (*m).to_owned()).collect(),
        MarketChoice::H2h => vec![MarketArg::H2h.key().into()],
        MarketChoice::Spreads => vec![MarketArg::Spreads.key().into()],
        MarketChoice::Totals => vec![MarketArg::Totals.key().into()],
    }
}

/// Best and fair prices per game: what the model needs to talk about the board.
pub fn board_summary(board: &BoardAnalysis, format: OddsFormat) -> Value {
    let games: Vec<Value> = board
        .games
        .iter()
        .map(|g| {
            let markets: serde_json::Map<String, Value> = g
                .markets
                .iter()
                .map(|m| {
                    let outcomes: Vec<Value> = m
                        .outcomes
                        .iter()
                        .map(|o| {
                            json!({
                                "selection": o.name,
                                "point": o.point,
                                "best_price": price_text(o.best.price_american, format),
                                "best_book": o.best.book_title,
                                "fair_price": o.fair_price().map(|p| format_odds(&p, format)),
                                "fair_probability": exact::format_percent(&o.fair_probability, 1),
                            })
                        })
                        .collect();
                    (m.key.clone(), Value::Array(outcomes))
                })
                .collect();
            json!({
                "event_id": g.event_id,
                "game": format!("{} @ {}", g.away, g.home),
                "commence_time": g.commence_time,
                "books": g.books.iter().map(|b| b.title.clone()).collect::<Vec<_>>(),
                "markets": markets,
            })
        })
        .collect();
    json!({
        "sport": board.sport.title(),
        "game_count": board.games.len(),
        "games": games,
        "source": board.source,
        "as_of": board.as_of,
        "demo": board.demo,
    })
}

#[async_trait]
impl TypedTool for GetOddsVisual {
    type Args = GetOddsArgs;
    const NAME: &'static str = "get_odds_visual";
    const DESCRIPTION: &'static str = "Show the odds board for a league: every game with each \
        book's spread, total and moneyline, the best price per outcome highlighted, no-vig fair \
        odds and the book's hold. Defaults to today's games (US Eastern). Returns each game's \
        event_id (use it for build_parlay), best and fair prices, the source and as-of time.";

    async fn run(&self, ctx: &mut ToolContext<'_>, args: GetOddsArgs) -> Result<Value, ToolError> {
        let sport: Sport = args.sport.into();
        let team = args
            .team
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
        if team.as_ref().is_some_and(|t| t.len() > 60) {
            return Err(ToolError::new(
                "team must be a team name of at most 60 characters",
            ));
        }
        let date = args.date.as_deref().map(parse_date).transpose()?;
        ctx.turn.emit(ThreadStreamEvent::progress(
            format!("Fetching {} odds…", sport.title()),
            Some(IconName::new("chart")),
        ));
        let (board, day) = board_for_day(
            ctx.services,
            sport,
            market_keys(args.market),
            team.clone(),
            date,
        )
        .await?;
        let mut analysis = analyze_board(&board);
        let total = analysis.games.len();
        analysis.games.truncate(MAX_GAMES);
        let format = display_format(&ctx.services.betting);
        let mut title = format!("{} odds · {}", sport.title(), day.format("%a %b %-d"));
        if let Some(team) = &team {
            title.push_str(&format!(" · {team}"));
        }
        let widget = odds_board(&analysis, &title, format);
        let copy = format!(
            "{title}: {} games ({})",
            analysis.games.len(),
            analysis.source
        );
        let item_id = ctx.turn.widget_done(widget, Some(copy));
        let mut result = board_summary(&analysis, format);
        result["date"] = json!(day.to_string());
        result["widget_item_id"] = json!(item_id);
        if total > MAX_GAMES {
            result["note"] = json!(format!("showing the first {MAX_GAMES} of {total} games"));
        }
        if total == 0 {
            result["note"] = json!(match &team {
                Some(team) => format!("no {} games for {team} on {day}", sport.title()),
                None => format!("no {} games on {day}", sport.title()),
            });
        }
        Ok(result)
    }
}
