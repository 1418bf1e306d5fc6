//! The odds board's plain data: what every odds provider returns, independent of any
//! provider's wire format (providers build these; analysis, slips and widgets read them).
//!
//! Owns: [`Provenance`], which every value carries so the UI can always say where a number
//! came from, how old it is and whether it is demo data; the odds and scores queries
//! (hashable, so they double as cache keys) and their results.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::market::Market;
use super::names::team_matches;
use super::sport::Sport;

/// Provenance source for every demo value.
pub const DEMO_SOURCE: &str = "DEMO DATA";
/// Shown wherever demo data is displayed.
pub const DEMO_LABEL: &str = "DEMO DATA – fictional odds and stats, not for betting";

/// Where a value came from and when the provider produced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Human-readable source: "The Odds API", "ESPN", "StatMuse", "SearXNG", "Brave Search",
    /// "Tavily" or "DEMO DATA".
    pub source: String,
    /// When the data was fetched (or, for demo data, the fixed demo clock). Cached values keep
    /// the time of the original fetch, so staleness stays visible.
    pub as_of: DateTime<Utc>,
    /// True for the embedded synthetic dataset; the agent must say "demo data" when shown.
    pub demo: bool,
}

impl Provenance {
    pub fn live(source: &str, as_of: DateTime<Utc>) -> Self {
        Self {
            source: source.to_owned(),
            as_of,
            demo: false,
        }
    }

    /// The labelled demo dataset's provenance, as of its clock.
    pub fn demo(as_of: DateTime<Utc>) -> Self {
        Self {
            source: DEMO_SOURCE.to_owned(),
            as_of,
            demo: true,
        }
    }
}

/// The three "featured" markets the odds board shows by default.
pub const FEATURED_MARKETS: [Market; 3] = Market::ALL;

/// Query for upcoming and live events with odds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OddsQuery {
    pub sport: Sport,
    /// Market keys; empty means [`FEATURED_MARKETS`].
    pub markets: Vec<String>,
    /// Keep only events where this team plays (case-insensitive, nicknames work: "Lakers").
    pub team: Option<String>,
    /// Keep only events starting at or after this instant.
    pub commence_from: Option<DateTime<Utc>>,
    /// Keep only events starting at or before this instant.
    pub commence_to: Option<DateTime<Utc>>,
    /// Restrict to these bookmaker keys; empty means the provider's default set.
    pub bookmakers: Vec<String>,
    /// Bypass caches: the answer must be the provider's current one (re-quotes at lock-in).
    #[serde(default)]
    pub fresh: bool,
}

impl OddsQuery {
    pub fn new(sport: Sport) -> Self {
        Self {
            sport,
            markets: Vec::new(),
            team: None,
            commence_from: None,
            commence_to: None,
            bookmakers: Vec::new(),
            fresh: false,
        }
    }

    pub fn team(mut self, team: impl Into<String>) -> Self {
        self.team = Some(team.into());
        self
    }

    /// Restricts to events starting on `date` as seen in the time zone `offset` (e.g. US
    /// Eastern `-05:00`), which is what "tonight's games" means to a bettor.
    pub fn on_local_day(mut self, date: NaiveDate, offset: FixedOffset) -> Self {
        let (from, to) = local_day_window(date, offset);
        self.commence_from = Some(from);
        self.commence_to = Some(to);
        self
    }

    /// The markets to ask for, with the featured default applied.
    pub fn market_keys(&self) -> Vec<String> {
        if self.markets.is_empty() {
            FEATURED_MARKETS.map(|m| m.as_str().to_owned()).to_vec()
        } else {
            self.markets.clone()
        }
    }

    /// True when `event` passes the team and time filters (applied by every provider, because
    /// no provider filters by team server-side).
    pub fn accepts(&self, home: &str, away: &str, commence: DateTime<Utc>) -> bool {
        let team_ok = self
            .team
            .as_deref()
            .is_none_or(|t| team_matches(t, home) || team_matches(t, away));
        let from_ok = self.commence_from.is_none_or(|f| commence >= f);
        let to_ok = self.commence_to.is_none_or(|t| commence <= t);
        team_ok && from_ok && to_ok
    }
}

/// `[00:00, 24:00)` of a local calendar day, in UTC.
pub fn local_day_window(date: NaiveDate, offset: FixedOffset) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = offset
        .from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default()));
    (start, start + Duration::days(1) - Duration::seconds(1))
}

/// Query for one event's odds in any market, including player props.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EventOddsQuery {
    pub sport: Sport,
    pub event_id: String,
    /// e.g. `player_points`, `player_pass_yds`, `batter_hits`, `player_shots_on_goal`.
    pub markets: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SportsList {
    pub sports: Vec<SportInfo>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SportInfo {
    pub key: String,
    pub group: String,
    pub title: String,
    pub description: String,
    pub active: bool,
    pub has_outrights: bool,
}

/// The result of an odds query: events in start order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OddsBoard {
    pub sport: Sport,
    pub events: Vec<OddsEvent>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OddsEvent {
    pub id: String,
    pub sport_key: String,
    pub sport_title: String,
    pub commence_time: DateTime<Utc>,
    pub home_team: String,
    pub away_team: String,
    pub bookmakers: Vec<Bookmaker>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bookmaker {
    pub key: String,
    pub title: String,
    pub last_update: Option<DateTime<Utc>>,
    pub markets: Vec<MarketOdds>,
}

/// One book's prices in one market.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketOdds {
    /// `h2h`, `spreads`, `totals` ([`Market`]'s keys), or a prop key such as `player_points`.
    pub key: String,
    pub last_update: Option<DateTime<Utc>>,
    pub outcomes: Vec<Outcome>,
}

impl MarketOdds {
    /// The featured market this is, `None` for a prop.
    pub fn market(&self) -> Option<Market> {
        Market::from_key(&self.key)
    }
}

impl Bookmaker {
    /// This book's prices in `market`, if it hangs it.
    pub fn market(&self, market: Market) -> Option<&MarketOdds> {
        self.markets.iter().find(|m| market.is(&m.key))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Team name, "Draw", "Over"/"Under", or "Yes"/"No" for scorer props.
    pub name: String,
    /// The exact price as the provider quoted it: a decimal 1.87 is 187/100 and −110 is 21/11
    /// (never a decimal rounded through American odds, or the reverse).
    pub price: crate::domain::DecimalOdds,
    /// Spread or total line; signed for spreads.
    pub point: Option<f64>,
    /// The player for player props.
    pub description: Option<String>,
}

/// Live/recent scores query. `days_from` (1..=3) adds games completed in the last N days;
/// without it only live and upcoming games are returned (same as The Odds API).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ScoresQuery {
    pub sport: Sport,
    pub days_from: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scoreboard {
    pub sport: Sport,
    pub games: Vec<GameScore>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GameStatus {
    Scheduled,
    Live,
    Final,
    /// Postponed, cancelled or abandoned: bets on it are void.
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GameScore {
    pub id: String,
    pub sport_key: String,
    pub commence_time: DateTime<Utc>,
    pub home_team: String,
    pub away_team: String,
    pub home_score: Option<u32>,
    pub away_score: Option<u32>,
    pub status: GameStatus,
    pub last_update: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_day_window_covers_us_evening() {
        let et = FixedOffset::west_opt(5 * 3600).unwrap();
        let day = NaiveDate::from_ymd_opt(2025, 1, 15).unwrap();
        let q = OddsQuery::new(Sport::Nba).on_local_day(day, et);
        let late_tip = "2025-01-16T03:30:00Z".parse().unwrap();
        let next_day = "2025-01-16T17:00:00Z".parse().unwrap();
        assert!(q.accepts("Los Angeles Lakers", "Miami Heat", late_tip));
        assert!(!q.accepts("Los Angeles Lakers", "Miami Heat", next_day));
    }
}
