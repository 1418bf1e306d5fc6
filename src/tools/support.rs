//! What the betting tools share: argument enums the model sees in the schema, reading the odds
//! board for a sport and day, the bettor's display format and house limits from configuration,
//! and provider errors in words the model can act on.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::Deserialize;

use super::{Services, ToolError};
use crate::betting::StakeSizing;
use crate::config::{BettingConfig, OddsFormat as ConfigOddsFormat, SameGame};
use crate::domain::{BetLimits, Cents, OddsFormat, SameGamePolicy};
use crate::providers::{OddsBoard, OddsQuery, ProviderError, Sport, ToolKind};
use crate::store::{StoreError, UserLedger};
use crate::widgets::eastern_offset;

/// A league the app covers. The schema lists the five short names; reading is lenient
/// ("NBA", "basketball_nba", "premier league"), because a model's spelling is not a reason to
/// fail a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SportArg {
    Nba,
    Nfl,
    Mlb,
    Nhl,
    Epl,
}

impl<'de> Deserialize<'de> for SportArg {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        match Sport::from_key(&text) {
            Some(Sport::Nba) => Ok(SportArg::Nba),
            Some(Sport::Nfl) => Ok(SportArg::Nfl),
            Some(Sport::Mlb) => Ok(SportArg::Mlb),
            Some(Sport::Nhl) => Ok(SportArg::Nhl),
            Some(Sport::Epl) => Ok(SportArg::Epl),
            None => Err(serde::de::Error::custom(format!(
                "unknown sport {text:?}; use nba, nfl, mlb, nhl or epl"
            ))),
        }
    }
}

impl From<SportArg> for Sport {
    fn from(arg: SportArg) -> Sport {
        match arg {
            SportArg::Nba => Sport::Nba,
            SportArg::Nfl => Sport::Nfl,
            SportArg::Mlb => Sport::Mlb,
            SportArg::Nhl => Sport::Nhl,
            SportArg::Epl => Sport::Epl,
        }
    }
}

/// How the bettor wants prices shown (from `Leptos.toml`).
pub fn display_format(config: &BettingConfig) -> OddsFormat {
    match config.odds_format {
        ConfigOddsFormat::American => OddsFormat::American,
        ConfigOddsFormat::Decimal => OddsFormat::Decimal,
        ConfigOddsFormat::Fractional => OddsFormat::Fractional,
    }
}

/// The house rules from configuration, in the domain's terms (stakes are checked only by
/// `domain::validate_stake` against these).
pub fn bet_limits(config: &BettingConfig) -> BetLimits {
    BetLimits {
        max_legs: config.max_legs as usize,
        min_stake: Cents::new(config.min_stake_cents),
        max_stake: Cents::new(config.max_stake_cents),
        max_payout: Some(Cents::new(config.max_payout_cents)),
        same_game: match config.same_game {
            SameGame::Refuse => SameGamePolicy::Refuse,
            SameGame::Estimate => SameGamePolicy::Estimate,
        },
        ..BetLimits::default()
    }
}

/// How the user's stakes are sized: the configured fractional Kelly and their bankroll (their
/// own, else the configured default, else none).
pub async fn stake_sizing(
    ledger: &UserLedger,
    config: &BettingConfig,
) -> Result<StakeSizing, StoreError> {
    let bankroll = crate::ledger::bankroll::load(ledger, config).await?;
    Ok(StakeSizing::new(config.kelly_sizing(), bankroll.cents()))
}

/// When a quote counts (`[betting] stale_quote_secs`) and the sharp book fair prices are
/// anchored to, if configured.
pub fn quote_rules(config: &BettingConfig) -> crate::betting::analysis::QuoteRules<'_> {
    crate::betting::analysis::QuoteRules {
        sharp_book: config.sharp_book.as_deref(),
        stale_after_secs: config.stale_quote_secs,
    }
}

/// A provider failure in words the model can pass on or act on.
pub fn provider_failure(what: &str, error: ProviderError) -> ToolError {
    ToolError::new(format!("could not get {what}: {error}"))
}

/// `YYYY-MM-DD`, or an error naming the expected form.
pub fn parse_date(text: &str) -> Result<NaiveDate, ToolError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| ToolError::new(format!("date {text:?} is not a YYYY-MM-DD date")))
}

/// The US Eastern calendar day of an instant ("tonight" to a US bettor).
pub fn eastern_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&eastern_offset(at)).date_naive()
}

/// The odds board for `sport` (upcoming and live games), optionally one team's games and one
/// Eastern day.
pub async fn fetch_board(
    services: &Services,
    sport: Sport,
    markets: Vec<String>,
    team: Option<String>,
    date: Option<NaiveDate>,
) -> Result<OddsBoard, ToolError> {
    query_board(services, sport, markets, team, date, false).await
}

/// The board as the provider has it now, past every cache: what a lock-in re-quotes against
/// (one provider request per lock-in).
pub async fn fetch_current_board(
    services: &Services,
    sport: Sport,
    markets: Vec<String>,
) -> Result<OddsBoard, ToolError> {
    query_board(services, sport, markets, None, None, true).await
}

async fn query_board(
    services: &Services,
    sport: Sport,
    markets: Vec<String>,
    team: Option<String>,
    date: Option<NaiveDate>,
    fresh: bool,
) -> Result<OddsBoard, ToolError> {
    // Configured books are real sportsbook keys; the demo dataset only has fictional ones.
    let bookmakers = if services.providers.is_demo(ToolKind::Odds) {
        Vec::new()
    } else {
        services.betting.books_to_ask()
    };
    let mut query = OddsQuery {
        markets,
        team,
        bookmakers,
        fresh,
        ..OddsQuery::new(sport)
    };
    if let Some(day) = date {
        let noon = day.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc();
        query = query.on_local_day(day, eastern_offset(noon));
    }
    services
        .providers
        .odds()
        .odds(&query)
        .await
        .map_err(|e| provider_failure(&format!("{} odds", sport.title()), e))
}

/// The Eastern day a board is "for" when no date is given: today by the provider's clock
/// (fixed for the demo dataset) if any game is on it, else the next day with games.
pub fn default_day(board: &OddsBoard, today: NaiveDate) -> NaiveDate {
    let days: Vec<NaiveDate> = board
        .events
        .iter()
        .map(|e| eastern_day(e.commence_time))
        .filter(|d| *d >= today)
        .collect();
    if days.contains(&today) {
        today
    } else {
        days.into_iter().min().unwrap_or(today)
    }
}

/// The games of `board` on one Eastern day.
pub fn games_on(board: &OddsBoard, day: NaiveDate) -> OddsBoard {
    let mut board = board.clone();
    board.events.retain(|e| eastern_day(e.commence_time) == day);
    board
}

/// Odds for `sport` on one Eastern day: `date`, or else [`default_day`].
pub async fn board_for_day(
    services: &Services,
    sport: Sport,
    markets: Vec<String>,
    team: Option<String>,
    date: Option<NaiveDate>,
) -> Result<(OddsBoard, NaiveDate), ToolError> {
    let board = fetch_board(services, sport, markets, team, date).await?;
    let today = eastern_day(services.now());
    let day = date.unwrap_or_else(|| default_day(&board, today));
    Ok((games_on(&board, day), day))
}
