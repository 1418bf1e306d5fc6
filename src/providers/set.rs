//! [`ProvidersConfig`] (what the operator configured) → [`ProviderSet`] (one ready provider
//! per tool).
//!
//! Owns the per-tool choice from providers.md §0:
//! - odds: The Odds API (key) → ESPN scoreboard odds (if ESPN is enabled);
//! - stats: StatMuse (opt-in base URL) → ESPN game logs + our question templates;
//! - game logs (trend charts): ESPN;
//! - search: SearXNG / Brave / Tavily in `search_order`, those configured;
//! - injuries: ESPN (if enabled).
//!
//! Each tool is a [`Chain`] of cached providers. Demo data is used for a tool only when
//! nothing is configured for it; it is never appended behind real providers. ESPN needs no
//! key, so it counts as configured only when `espn_enabled` is set: otherwise a fresh install
//! would silently call an undocumented API instead of showing the labelled demo.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::cache::{CacheTtls, CachedGameLogs, CachedOdds, CachedSearch, CachedStats};
use super::chain::Chain;
use super::demo::{DemoData, DemoGameLogs, DemoOdds, DemoSearch, DemoStats};
use super::espn::EspnClient;
use super::injuries::{DemoInjuries, InjuryProvider};
use super::odds_api::OddsApiClient;
use super::search_brave::BraveClient;
use super::search_searxng::SearxngClient;
use super::search_tavily::TavilyClient;
use super::statmuse::StatMuseClient;
use super::stats_nl::TemplateStats;
use super::{demo, espn, odds_api, search_brave, search_tavily, statmuse, wire};
use super::{GameLogProvider, OddsProvider, ProviderResult, SearchProvider, StatsProvider};

/// Web search engines, in the order the operator prefers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchBackend {
    Searxng,
    Brave,
    Tavily,
}

impl std::str::FromStr for SearchBackend {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "searxng" => Ok(SearchBackend::Searxng),
            "brave" => Ok(SearchBackend::Brave),
            "tavily" => Ok(SearchBackend::Tavily),
            other => Err(format!(
                "unknown search provider '{other}' (searxng, brave, tavily)"
            )),
        }
    }
}

/// Everything the providers need from configuration. Secrets are `Option<String>`; an empty
/// or blank value counts as unset. `Debug` never prints a key.
#[derive(Clone)]
pub struct ProvidersConfig {
    pub odds_api_key: Option<String>,
    pub odds_api_base_url: String,
    /// The Odds API `regions` (comma list): `us`, `us2`, `uk`, `eu`, `au`.
    pub odds_api_regions: String,
    /// Use ESPN's public API (no key) as odds fallback, for game logs and for stats.
    pub espn_enabled: bool,
    pub espn_site_base_url: String,
    pub espn_web_base_url: String,
    /// Opt-in: StatMuse's terms allow personal, non-commercial, low-volume use only.
    pub statmuse_base_url: Option<String>,
    /// Minimum gap between StatMuse requests.
    pub statmuse_min_interval: Duration,
    pub searxng_url: Option<String>,
    pub brave_api_key: Option<String>,
    pub brave_base_url: String,
    pub tavily_api_key: Option<String>,
    pub tavily_base_url: String,
    pub search_order: Vec<SearchBackend>,
    pub http_timeout: Duration,
    /// Wait before the single retry of a 429/5xx.
    pub retry_backoff: Duration,
    pub cache_ttls: CacheTtls,
    /// The demo dataset's "now" (`PL_DEMO_CLOCK`); `None` is `demo::DEMO_CLOCK`.
    pub demo_clock: Option<chrono::DateTime<chrono::Utc>>,
    /// A cache every server process shares (Postgres), in front of metered providers (The
    /// Odds API), so their credits are spent once, not once per process.
    pub shared_cache: Option<Arc<dyn super::SharedCache>>,
}

impl From<&crate::config::ProviderEnv> for ProvidersConfig {
    /// The deployment's provider settings; unset base URLs keep the public defaults.
    fn from(env: &crate::config::ProviderEnv) -> Self {
        let key = |k: &Option<crate::config::Secret>| k.as_ref().map(|s| s.expose().to_owned());
        let or = |v: &Option<String>, default: String| v.clone().unwrap_or(default);
        let defaults = ProvidersConfig::default();
        ProvidersConfig {
            odds_api_key: key(&env.odds_api_key),
            odds_api_base_url: or(&env.odds_api_base_url, defaults.odds_api_base_url.clone()),
            espn_enabled: env.espn_enabled,
            espn_site_base_url: or(&env.espn_site_base_url, defaults.espn_site_base_url.clone()),
            espn_web_base_url: or(&env.espn_web_base_url, defaults.espn_web_base_url.clone()),
            statmuse_base_url: env.statmuse_base_url.clone(),
            searxng_url: env.searxng_url.clone(),
            brave_api_key: key(&env.brave_api_key),
            brave_base_url: or(&env.brave_base_url, defaults.brave_base_url.clone()),
            tavily_api_key: key(&env.tavily_api_key),
            tavily_base_url: or(&env.tavily_base_url, defaults.tavily_base_url.clone()),
            demo_clock: env.demo_clock,
            ..defaults
        }
    }
}

impl Default for ProvidersConfig {
    fn default() -> Self {
        Self {
            odds_api_key: None,
            odds_api_base_url: odds_api::DEFAULT_BASE_URL.into(),
            odds_api_regions: "us".into(),
            espn_enabled: false,
            espn_site_base_url: espn::DEFAULT_SITE_BASE_URL.into(),
            espn_web_base_url: espn::DEFAULT_WEB_BASE_URL.into(),
            statmuse_base_url: None,
            statmuse_min_interval: Duration::from_secs(2),
            searxng_url: None,
            brave_api_key: None,
            brave_base_url: search_brave::DEFAULT_BASE_URL.into(),
            tavily_api_key: None,
            tavily_base_url: search_tavily::DEFAULT_BASE_URL.into(),
            search_order: vec![
                SearchBackend::Searxng,
                SearchBackend::Brave,
                SearchBackend::Tavily,
            ],
            http_timeout: Duration::from_secs(10),
            retry_backoff: Duration::from_secs(1),
            cache_ttls: CacheTtls::default(),
            demo_clock: None,
            shared_cache: None,
        }
    }
}

impl fmt::Debug for ProvidersConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |k: &Option<String>| {
            if present(k).is_some() {
                "<set>"
            } else {
                "<unset>"
            }
        };
        f.debug_struct("ProvidersConfig")
            .field("odds_api_key", &secret(&self.odds_api_key))
            .field("odds_api_base_url", &self.odds_api_base_url)
            .field("odds_api_regions", &self.odds_api_regions)
            .field("espn_enabled", &self.espn_enabled)
            .field("espn_site_base_url", &self.espn_site_base_url)
            .field("espn_web_base_url", &self.espn_web_base_url)
            .field("statmuse_base_url", &self.statmuse_base_url)
            .field("searxng_url", &self.searxng_url)
            .field("brave_api_key", &secret(&self.brave_api_key))
            .field("brave_base_url", &self.brave_base_url)
            .field("tavily_api_key", &secret(&self.tavily_api_key))
            .field("tavily_base_url", &self.tavily_base_url)
            .field("search_order", &self.search_order)
            .field("http_timeout", &self.http_timeout)
            .finish_non_exhaustive()
    }
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The four provider-backed tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolKind {
    Odds,
    Stats,
    GameLogs,
    Search,
    Injuries,
}

/// Which providers serve a tool, in order; `(off)` marks ones the circuit breaker stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolProviders {
    pub tool: ToolKind,
    pub providers: Vec<String>,
    /// True when the tool runs on the embedded demo dataset.
    pub demo: bool,
}

/// One provider per tool, shared by every request (cheap to clone).
#[derive(Clone)]
pub struct ProviderSet {
    odds: Arc<Chain<dyn OddsProvider>>,
    stats: Arc<Chain<dyn StatsProvider>>,
    game_logs: Arc<Chain<dyn GameLogProvider>>,
    search: Arc<Chain<dyn SearchProvider>>,
    injuries: Arc<dyn InjuryProvider>,
}

impl ProviderSet {
    /// Builds the clients for everything configured; demo data for tools with nothing.
    /// Fails only on unusable configuration (e.g. a malformed base URL).
    pub fn from_config(cfg: &ProvidersConfig) -> ProviderResult<Self> {
        let http = wire::http_client(cfg.http_timeout)?;
        let ttl = &cfg.cache_ttls;
        let backoff = cfg.retry_backoff;

        let mut odds: Chain<dyn OddsProvider> = Chain::new("odds", backoff);
        let mut stats: Chain<dyn StatsProvider> = Chain::new("stats", backoff);
        let mut game_logs: Chain<dyn GameLogProvider> = Chain::new("game log", backoff);
        let mut search: Chain<dyn SearchProvider> = Chain::new("search", backoff);
        let mut injuries: Option<Arc<dyn InjuryProvider>> = None;

        if let Some(key) = present(&cfg.odds_api_key) {
            let client = OddsApiClient::new(
                http.clone(),
                &cfg.odds_api_base_url,
                key,
                cfg.odds_api_regions.clone(),
            )?;
            odds = odds.push(
                odds_api::NAME,
                Arc::new(CachedOdds::new(Arc::new(client), ttl).sharing(cfg.shared_cache.clone())),
            );
        }
        if let Some(base) = present(&cfg.statmuse_base_url) {
            let client = StatMuseClient::new(base, cfg.http_timeout, cfg.statmuse_min_interval)?;
            stats = stats.push(
                statmuse::NAME,
                Arc::new(CachedStats::new(Arc::new(client), ttl.statmuse)),
            );
        }
        if cfg.espn_enabled {
            let client = Arc::new(EspnClient::new(
                http.clone(),
                &cfg.espn_site_base_url,
                &cfg.espn_web_base_url,
            )?);
            let logs: Arc<dyn GameLogProvider> =
                Arc::new(CachedGameLogs::new(client.clone(), ttl.game_logs));
            odds = odds.push(espn::NAME, Arc::new(CachedOdds::new(client.clone(), ttl)));
            let template = TemplateStats::new(espn::NAME, logs.clone());
            stats = stats.push(
                espn::NAME,
                Arc::new(CachedStats::new(Arc::new(template), ttl.stats)),
            );
            game_logs = game_logs.push(espn::NAME, logs);
            injuries = Some(client);
        }
        for backend in &cfg.search_order {
            let engine: Option<(&'static str, Arc<dyn SearchProvider>)> = match backend {
                SearchBackend::Searxng => match present(&cfg.searxng_url) {
                    Some(url) => Some((
                        super::search_searxng::NAME,
                        Arc::new(SearxngClient::new(http.clone(), url)?),
                    )),
                    None => None,
                },
                SearchBackend::Brave => match present(&cfg.brave_api_key) {
                    Some(key) => Some((
                        search_brave::NAME,
                        Arc::new(BraveClient::new(http.clone(), &cfg.brave_base_url, key)?),
                    )),
                    None => None,
                },
                SearchBackend::Tavily => match present(&cfg.tavily_api_key) {
                    Some(key) => Some((
                        search_tavily::NAME,
                        Arc::new(TavilyClient::new(http.clone(), &cfg.tavily_base_url, key)?),
                    )),
                    None => None,
                },
            };
            if let Some((name, engine)) = engine {
                search = search.push(name, Arc::new(CachedSearch::new(engine, ttl.search)));
            }
        }

        let clock = cfg.demo_clock.unwrap_or_else(demo::demo_clock);
        let injuries = injuries.unwrap_or_else(|| Arc::new(DemoInjuries::new(clock)));
        let needs_demo =
            odds.is_empty() || stats.is_empty() || game_logs.is_empty() || search.is_empty();
        if needs_demo {
            let data = Arc::new(DemoData::load_at(clock)?);
            if odds.is_empty() {
                odds = odds.push(demo::SOURCE, Arc::new(DemoOdds::new(data.clone())));
            }
            if stats.is_empty() {
                stats = stats.push(demo::SOURCE, Arc::new(DemoStats::new(data.clone())));
            }
            if game_logs.is_empty() {
                game_logs = game_logs.push(demo::SOURCE, Arc::new(DemoGameLogs::new(data.clone())));
            }
            if search.is_empty() {
                search = search.push(demo::SOURCE, Arc::new(DemoSearch::new(data)));
            }
        }
        let set = Self {
            odds: Arc::new(odds),
            stats: Arc::new(stats),
            game_logs: Arc::new(game_logs),
            search: Arc::new(search),
            injuries,
        };
        for t in set.describe() {
            tracing::info!(tool = ?t.tool, providers = ?t.providers, demo = t.demo, "providers");
        }
        Ok(set)
    }

    /// The same set with `odds` as its only odds provider (tests that need an odds provider
    /// to misbehave in a way no HTTP fake can, e.g. serve an old snapshot).
    #[cfg(test)]
    pub(crate) fn with_odds(mut self, odds: Arc<dyn OddsProvider>) -> Self {
        let chain: Chain<dyn OddsProvider> = Chain::new("odds", Duration::ZERO);
        self.odds = Arc::new(chain.push("test odds", odds));
        self
    }

    /// Everything on the embedded demo dataset (tests, offline demos).
    pub fn demo() -> ProviderResult<Self> {
        Self::from_config(&ProvidersConfig::default())
    }

    /// For `get_odds` and `build_parlay` prices.
    pub fn odds(&self) -> Arc<dyn OddsProvider> {
        self.odds.clone()
    }

    /// For `statmuse_query`.
    pub fn stats(&self) -> Arc<dyn StatsProvider> {
        self.stats.clone()
    }

    /// For trend charts.
    pub fn game_logs(&self) -> Arc<dyn GameLogProvider> {
        self.game_logs.clone()
    }

    /// For `web_search`.
    pub fn search(&self) -> Arc<dyn SearchProvider> {
        self.search.clone()
    }

    /// For `injury_report` and the parlay slip's injury notes.
    pub fn injuries(&self) -> Arc<dyn InjuryProvider> {
        self.injuries.clone()
    }

    /// Current providers per tool (for logs, `/health`, an "about data" footer).
    pub fn describe(&self) -> Vec<ToolProviders> {
        let entry = |tool, providers: Vec<String>| ToolProviders {
            tool,
            demo: providers.iter().any(|p| p == demo::SOURCE),
            providers,
        };
        vec![
            entry(ToolKind::Odds, self.odds.describe()),
            entry(ToolKind::Stats, self.stats.describe()),
            entry(ToolKind::GameLogs, self.game_logs.describe()),
            entry(ToolKind::Search, self.search.describe()),
            entry(ToolKind::Injuries, vec![self.injuries.name().to_owned()]),
        ]
    }

    pub fn is_demo(&self, tool: ToolKind) -> bool {
        self.describe()
            .into_iter()
            .any(|t| t.tool == tool && t.demo)
    }
}
