//! TTL caches in front of real providers (moka, async).
//!
//! Owns: [`CacheTtls`] and one caching wrapper per provider trait. The key of every entry is
//! the full query value (every parameter sent upstream), so two requests differing in any
//! parameter never share an entry; the odds team filter, applied locally by every provider,
//! is the one field left out of the key. Only successes are stored: moka's `try_get_with` does not cache errors, and it
//! coalesces concurrent misses for the same key into one upstream request (saves quota).
//! Cached values keep their original `provenance.as_of`, so the UI shows the true age.

use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::error::ProviderError;
use super::model::*;
use super::shared_cache::{self, SharedCache};
use super::{GameLogProvider, OddsProvider, ProviderResult, SearchProvider, StatsProvider};

/// How long each kind of answer stays fresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheTtls {
    pub sports: Duration,
    pub odds: Duration,
    pub event_odds: Duration,
    pub scores: Duration,
    pub stats: Duration,
    /// StatMuse limits free asks, and its terms ask for low volume: keep answers a day.
    pub statmuse: Duration,
    pub game_logs: Duration,
    pub search: Duration,
}

impl Default for CacheTtls {
    fn default() -> Self {
        Self {
            sports: Duration::from_secs(3600),
            odds: Duration::from_secs(60),
            event_odds: Duration::from_secs(60),
            scores: Duration::from_secs(30),
            stats: Duration::from_secs(600),
            statmuse: Duration::from_secs(24 * 3600),
            game_logs: Duration::from_secs(600),
            search: Duration::from_secs(300),
        }
    }
}

const MAX_ENTRIES: u64 = 2_000;

/// A moka cache whose loader errors pass through uncached.
pub struct TtlCache<K, V> {
    inner: moka::future::Cache<K, V>,
}

impl<K, V> TtlCache<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub fn new(ttl: Duration) -> Self {
        Self {
            inner: moka::future::Cache::builder()
                .max_capacity(MAX_ENTRIES)
                .time_to_live(ttl)
                .build(),
        }
    }

    /// Fetches now, whatever is cached, and keeps the answer for the next reader.
    pub async fn refresh<F>(&self, key: K, fetch: F) -> ProviderResult<V>
    where
        F: std::future::Future<Output = ProviderResult<V>>,
    {
        let value = fetch.await?;
        self.inner.insert(key, value.clone()).await;
        Ok(value)
    }

    pub async fn get_or_fetch<F>(&self, key: K, fetch: F) -> ProviderResult<V>
    where
        F: std::future::Future<Output = ProviderResult<V>>,
    {
        self.inner
            .try_get_with(key, fetch)
            .await
            .map_err(|e: Arc<ProviderError>| (*e).clone())
    }
}

/// Caches every [`OddsProvider`] method separately; behind this process's cache, optionally
/// one shared by every process on the database (`sharing`).
pub struct CachedOdds {
    inner: Arc<dyn OddsProvider>,
    sports: TtlCache<(), SportsList>,
    odds: TtlCache<OddsQuery, OddsBoard>,
    event_odds: TtlCache<EventOddsQuery, OddsEvent>,
    scores: TtlCache<ScoresQuery, Scoreboard>,
    ttls: CacheTtls,
    shared: Option<Arc<dyn SharedCache>>,
}

impl CachedOdds {
    pub fn new(inner: Arc<dyn OddsProvider>, ttls: &CacheTtls) -> Self {
        Self {
            inner,
            sports: TtlCache::new(ttls.sports),
            odds: TtlCache::new(ttls.odds),
            event_odds: TtlCache::new(ttls.event_odds),
            scores: TtlCache::new(ttls.scores),
            ttls: ttls.clone(),
            shared: None,
        }
    }

    /// Misses of this process's cache look in `shared` before asking the provider.
    pub fn sharing(mut self, shared: Option<Arc<dyn SharedCache>>) -> Self {
        self.shared = shared;
        self
    }

    /// The shared key of this provider's answer to `query`.
    fn key<Q: serde::Serialize>(&self, method: &str, query: &Q) -> String {
        shared_cache::key(self.inner.name(), method, query)
    }
}

#[async_trait]
impl OddsProvider for CachedOdds {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }
    async fn sports(&self) -> ProviderResult<SportsList> {
        let fetch = shared_cache::through(
            self.shared.as_ref(),
            self.key("sports", &()),
            self.ttls.sports,
            self.inner.sports(),
        );
        self.sports.get_or_fetch((), fetch).await
    }
    async fn odds(&self, query: &OddsQuery) -> ProviderResult<OddsBoard> {
        // No provider filters by team server-side, so one cached board per request serves
        // every team filter: asking for the Lakers, then the Celtics, costs one request.
        let upstream = OddsQuery {
            team: None,
            fresh: false,
            ..query.clone()
        };
        // A re-quote at lock-in must see the market now, not the snapshot the slip came from.
        let key = self.key("odds", &upstream);
        let board = if query.fresh {
            let board = self
                .odds
                .refresh(upstream.clone(), self.inner.odds(&upstream))
                .await?;
            if let Some(shared) = &self.shared {
                shared_cache::share(shared, &key, self.ttls.odds, &board).await;
            }
            board
        } else {
            let fetch = shared_cache::through(
                self.shared.as_ref(),
                key,
                self.ttls.odds,
                self.inner.odds(&upstream),
            );
            self.odds.get_or_fetch(upstream.clone(), fetch).await?
        };
        Ok(super::odds_api::board(
            query,
            board.events,
            board.provenance,
        ))
    }
    async fn event_odds(&self, query: &EventOddsQuery) -> ProviderResult<OddsEvent> {
        let fetch = shared_cache::through(
            self.shared.as_ref(),
            self.key("event_odds", query),
            self.ttls.event_odds,
            self.inner.event_odds(query),
        );
        self.event_odds.get_or_fetch(query.clone(), fetch).await
    }
    async fn scores(&self, query: &ScoresQuery) -> ProviderResult<Scoreboard> {
        let fetch = shared_cache::through(
            self.shared.as_ref(),
            self.key("scores", query),
            self.ttls.scores,
            self.inner.scores(query),
        );
        self.scores.get_or_fetch(query.clone(), fetch).await
    }
}

pub struct CachedStats {
    inner: Arc<dyn StatsProvider>,
    answers: TtlCache<StatsQuery, StatsAnswer>,
}

impl CachedStats {
    pub fn new(inner: Arc<dyn StatsProvider>, ttl: Duration) -> Self {
        Self {
            inner,
            answers: TtlCache::new(ttl),
        }
    }
}

#[async_trait]
impl StatsProvider for CachedStats {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }
    async fn ask(&self, query: &StatsQuery) -> ProviderResult<StatsAnswer> {
        self.answers
            .get_or_fetch(query.clone(), self.inner.ask(query))
            .await
    }
}

pub struct CachedGameLogs {
    inner: Arc<dyn GameLogProvider>,
    logs: TtlCache<GameLogQuery, GameLog>,
}

impl CachedGameLogs {
    pub fn new(inner: Arc<dyn GameLogProvider>, ttl: Duration) -> Self {
        Self {
            inner,
            logs: TtlCache::new(ttl),
        }
    }
}

#[async_trait]
impl GameLogProvider for CachedGameLogs {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }
    async fn game_log(&self, query: &GameLogQuery) -> ProviderResult<GameLog> {
        self.logs
            .get_or_fetch(query.clone(), self.inner.game_log(query))
            .await
    }
}

pub struct CachedSearch {
    inner: Arc<dyn SearchProvider>,
    results: TtlCache<SearchQuery, SearchResults>,
}

impl CachedSearch {
    pub fn new(inner: Arc<dyn SearchProvider>, ttl: Duration) -> Self {
        Self {
            inner,
            results: TtlCache::new(ttl),
        }
    }
}

#[async_trait]
impl SearchProvider for CachedSearch {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }
    async fn search(&self, query: &SearchQuery) -> ProviderResult<SearchResults> {
        self.results
            .get_or_fetch(query.clone(), self.inner.search(query))
            .await
    }
}
