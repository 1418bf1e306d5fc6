//! `get_odds_visual`: the odds board for a league and day, with line shopping (best price per
//! outcome), no-vig fair odds and hold. Streams the board widget; returns the best and fair
//! prices per game for the model.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::offline_skill::{array_at, scalar_facts, shown, str_at};
use super::support::{
    board_for_day, display_format, parse_date, quote_rules, stake_sizing, SportArg,
};
use super::{priority, OfflineSkill, Question, Route};
use super::{ToolContext, ToolError, TypedTool};
use crate::betting::{analyze_board, BoardAnalysis, Market};
use crate::domain::{exact, format_odds, OddsFormat};
use crate::protocol::{IconName, ThreadStreamEvent};
use crate::providers::{Sport, FEATURED_MARKETS};
use crate::widgets::odds_board;

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
        MarketChoice::All => FEATURED_MARKETS
            .iter()
            .map(|m| m.as_str().to_owned())
            .collect(),
        MarketChoice::H2h => vec![Market::H2h.as_str().into()],
        MarketChoice::Spreads => vec![Market::Spreads.as_str().into()],
        MarketChoice::Totals => vec![Market::Totals.as_str().into()],
    }
}

/// Best and fair prices per game: what the model needs to talk about the board.
/// `started` marks games under way by `now` (the provider's clock): their prices are pre-game
/// and cannot be bet.
pub fn board_summary(board: &BoardAnalysis, format: OddsFormat, now: DateTime<Utc>) -> Value {
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
                                "best_price": format_odds(&o.best.price, format),
                                "best_book": o.best.book_title,
                                "fair_price": o.fair_price().map(|p| format_odds(&p, format)),
                                "fair_probability": exact::format_percent(&o.fair_probability, 1),
                                "ev_at_best": o.ev_at_best().map(|ev| exact::format_percent(&ev, 1)),
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
                "started": g.commence_time <= now,
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
    const INSTRUCTIONS: &'static str = "Odds and lines come from get_odds_visual: quote its best prices with their source and as-of time, never a price from memory.";
    const OFFLINE: OfflineSkill = OfflineSkill {
        routes: &[Route {
            priority: priority::PRICES,
            read,
        }],
        answer,
        doing: "get the odds",
        examples: &[
            "Show me tonight's NBA odds",
            "What's the spread on the Lakers game?",
            "Chiefs moneyline",
            "hockey totals tonight",
        ],
        shows: "for the odds board",
        widgets: &["odds_board"],
    };

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
        let mut analysis = analyze_board(&board, quote_rules(&ctx.services.betting));
        let total = analysis.games.len();
        analysis.games.truncate(MAX_GAMES);
        let format = display_format(&ctx.services.betting);
        let mut title = format!("{} odds · {}", sport.title(), day.format("%a %b %-d"));
        if let Some(team) = &team {
            title.push_str(&format!(" · {team}"));
        }
        let sizing = stake_sizing(&ctx.turn.ledger(), &ctx.services.betting)
            .await
            .map_err(|e| ToolError::new(format!("your bankroll is unavailable: {e}")))?;
        let now = ctx.services.now();
        let widget = odds_board(&analysis, &title, format, &sizing, now);
        let copy = format!(
            "{title}: {} games ({})",
            analysis.games.len(),
            analysis.source
        );
        let item_id = ctx.turn.widget_done(widget, Some(copy));
        let mut result = board_summary(&analysis, format, now);
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

// The offline model: odds words ask for the board; the answer names each game's best prices.

const CUES: &[&str] = &[
    "odds",
    "line",
    "lines",
    "spread",
    "spreads",
    "moneyline",
    "moneylines",
    "total",
    "totals",
    "over under",
];

/// Whether a question talks prices (other tools' routes defer to it: "limit" in "the line's
/// limit" is not a responsible-gambling request).
pub fn mentions_prices(q: &Question) -> bool {
    q.any(CUES)
}

fn read(q: &Question) -> Option<Value> {
    if !mentions_prices(q) {
        return None;
    }
    let (sport, team) = q.sport_and_team();
    let markets = [
        (
            Market::H2h,
            q.any(&["moneyline", "moneylines", "ml", "h2h", "to win"]),
        ),
        (
            Market::Spreads,
            q.any(&["spread", "spreads", "handicap", "ats"]),
        ),
        (
            Market::Totals,
            q.any(&["total", "totals", "over under", "o u"]),
        ),
    ];
    let asked: Vec<&str> = markets
        .iter()
        .filter(|m| m.1)
        .map(|m| m.0.as_str())
        .collect();
    let market = if asked.len() == 1 { asked[0] } else { "all" };
    let mut args = json!({"sport": sport, "market": market});
    if let Some(team) = team {
        args["team"] = json!(team);
    }
    Some(args)
}

fn answer(result: &Value, args: &Value) -> Option<String> {
    let games = array_at(result, &["games", "events", "board", "rows"])?;
    let sport = str_at(result, &["sport"])
        .or_else(|| args["sport"].as_str())
        .unwrap_or("nba")
        .to_uppercase();
    let day = str_at(result, &["date"]).map_or(String::new(), |d| format!(" for {d}"));
    let mut text = match games.len() {
        0 => format!("I found no {sport} games on the board{day}."),
        1 => format!("Here is the {sport} board{day}: 1 game. Best prices across the books:"),
        n => format!("Here is the {sport} board{day}: {n} games. Best prices across the books:"),
    };
    if let Some(note) = str_at(result, &["note"]) {
        text.push_str(&format!(" ({note})"));
    }
    for game in games.iter().take(4) {
        let matchup = match (
            str_at(game, &["away_team", "away"]),
            str_at(game, &["home_team", "home"]),
        ) {
            (Some(away), Some(home)) => format!("{away} @ {home}"),
            _ => str_at(game, &["game", "matchup", "name", "title"])
                .unwrap_or("Game")
                .to_owned(),
        };
        let prices = game_prices(game);
        text.push_str(&format!("\n- **{matchup}**"));
        if !prices.is_empty() {
            text.push_str(&format!(": {prices}"));
        }
    }
    if games.len() > 4 {
        text.push_str(&format!(
            "\n\n{} more on the board above, with every book's price.",
            games.len() - 4
        ));
    }
    Some(text)
}

/// A game's prices: the best price per outcome when the result has them by market, else the
/// first book's prices when it carries raw books, else its own scalar fields.
fn game_prices(game: &Value) -> String {
    if let Some(markets) = game.get("markets").and_then(Value::as_object) {
        let sides = |key: &str| -> Vec<&Value> {
            markets
                .get(key)
                .and_then(Value::as_array)
                .map(|o| o.iter().collect())
                .unwrap_or_default()
        };
        let price = |o: &Value| {
            ["best_price", "price"]
                .iter()
                .find_map(|k| o.get(*k).and_then(|p| shown(p, k)))
        };
        let mut parts = Vec::new();
        let moneyline: Vec<String> = sides(Market::H2h.as_str())
            .iter()
            .filter_map(|o| {
                Some(format!(
                    "{} {}",
                    str_at(o, &["selection", "name"])?,
                    price(o)?
                ))
            })
            .collect();
        if !moneyline.is_empty() {
            parts.push(moneyline.join(" / "));
        }
        // The spread as its favourite's line, the total as its number.
        let spreads = sides(Market::Spreads.as_str());
        let favourite = spreads
            .iter()
            .find(|o| {
                o.get("point")
                    .and_then(Value::as_f64)
                    .is_some_and(|p| p < 0.0)
            })
            .or(spreads.first());
        if let Some(o) = favourite {
            if let (Some(name), Some(point)) = (
                str_at(o, &["selection", "name"]),
                o.get("point").and_then(Value::as_f64),
            ) {
                let price = price(o).map_or(String::new(), |p| format!(" ({p})"));
                parts.push(format!("{name} {point:+}{price}"));
            }
        }
        if let Some(point) = sides(Market::Totals.as_str())
            .iter()
            .find_map(|o| o.get("point").and_then(Value::as_f64))
        {
            parts.push(format!("O/U {point}"));
        }
        return parts.join(" · ");
    }
    if let Some(book) = array_at(game, &["bookmakers", "books"]).and_then(|b| b.first()) {
        let markets = array_at(book, &["markets"]).cloned().unwrap_or_default();
        return markets
            .iter()
            .filter_map(|market| {
                let key = str_at(market, &["key"])?;
                let outcomes = array_at(market, &["outcomes"])?
                    .iter()
                    .filter_map(|o| {
                        let name = str_at(o, &["name"])?;
                        let price = o
                            .get("price")
                            .or_else(|| o.get("price_american"))
                            .and_then(|p| shown(p, "price"))?;
                        Some(match o.get("point").and_then(Value::as_f64) {
                            Some(point) if Market::Spreads.is(key) => {
                                format!("{name} {point:+} ({price})")
                            }
                            Some(point) => format!("{name} {point} ({price})"),
                            None => format!("{name} {price}"),
                        })
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                Some(format!("{} {outcomes}", market_label(key)))
            })
            .collect::<Vec<_>>()
            .join("; ");
    }
    scalar_facts(
        game,
        4,
        &[
            "away_team",
            "home_team",
            "away",
            "home",
            "game",
            "matchup",
            "name",
            "title",
        ],
    )
}

fn market_label(key: &str) -> &str {
    match Market::from_key(key) {
        Some(Market::H2h) => "moneyline",
        Some(Market::Spreads) => "spread",
        Some(Market::Totals) => "total",
        None => key,
    }
}
