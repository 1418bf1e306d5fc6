//! Data providers for odds, stats, game logs and web search (server only).
//!
//! Owns: one trait per provider kind, the real HTTP clients (The Odds API v4, ESPN, StatMuse,
//! SearXNG, Brave, Tavily), the embedded and clearly labelled demo dataset (`data/demo/`),
//! per-provider TTL caches, provider chains with a circuit breaker, and [`ProviderSet`], which
//! turns a [`ProvidersConfig`] into one ready-to-use provider per tool. Every value returned
//! carries a [`Provenance`] (source, as-of time, demo flag).
//!
//! May use: `domain` (nothing needed yet). Used by: `tools`.
//!
//! How a tool gets a provider: `set.odds()`, `set.stats()`, `set.game_logs()`,
//! `set.search()`, `set.injuries()` on the app's [`ProviderSet`]; each is an `Arc<dyn ...>` that already
//! includes caching, fallback order and (when nothing is configured) demo data.

pub mod cache;
pub mod chain;
pub mod demo;
pub mod demo_providers;
pub mod error;
pub mod espn;
pub mod espn_gamelog;
pub mod injuries;
pub mod model;
pub mod odds_api;
pub mod odds_api_books;
pub mod search_brave;
pub mod search_searxng;
pub mod search_tavily;
pub mod set;
pub mod shared_cache;
pub mod statmuse;
pub mod stats_nl;
pub mod stats_vocab;
pub mod wire;

#[cfg(test)]
mod tests;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use cache::CacheTtls;
pub use error::ProviderError;
pub use injuries::{Injury, InjuryProvider, InjuryReport, InjuryStatus};
pub use model::*;
pub use set::{ProviderSet, ProvidersConfig, SearchBackend, ToolKind, ToolProviders};
pub use shared_cache::SharedCache;

pub type ProviderResult<T> = Result<T, ProviderError>;

/// Odds and scores. Prices are American odds.
#[async_trait]
pub trait OddsProvider: Send + Sync {
    /// Provider name as shown in provenance ("The Odds API").
    fn name(&self) -> &'static str;

    /// The provider's notion of "now": the wall clock, or the fixed demo clock. Tools must use
    /// this, not `Utc::now()`, to work out "tonight" so demo data lines up.
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    /// Sports the provider has (in season).
    async fn sports(&self) -> ProviderResult<SportsList>;

    /// Upcoming and live events with odds for `h2h`, `spreads`, `totals` (featured markets).
    async fn odds(&self, query: &OddsQuery) -> ProviderResult<OddsBoard>;

    /// One event in any market, including player props (`player_points`, ...).
    async fn event_odds(&self, query: &EventOddsQuery) -> ProviderResult<OddsEvent>;

    /// Live, upcoming and (with `days_from`) recently completed scores.
    async fn scores(&self, query: &ScoresQuery) -> ProviderResult<Scoreboard>;
}

/// Natural-language stats questions ("LeBron James points last 5 games").
#[async_trait]
pub trait StatsProvider: Send + Sync {
    fn name(&self) -> &'static str;

    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    async fn ask(&self, query: &StatsQuery) -> ProviderResult<StatsAnswer>;
}

/// Per-game series for trend charts.
#[async_trait]
pub trait GameLogProvider: Send + Sync {
    fn name(&self) -> &'static str;

    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    async fn game_log(&self, query: &GameLogQuery) -> ProviderResult<GameLog>;
}

/// Web and news search.
#[async_trait]
pub trait SearchProvider: Send + Sync {
    fn name(&self) -> &'static str;

    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    async fn search(&self, query: &SearchQuery) -> ProviderResult<SearchResults>;
}
