//! Provider chains: try the configured providers of one tool in order.
//!
//! Owns the fallback policy from providers.md §0:
//! - a provider answering with an auth or quota error (see
//!   [`ProviderError::trips_breaker`]) is switched off for the rest of the process;
//! - a 429 or 5xx is retried once after a short backoff (honouring `Retry-After` up to a cap),
//!   then the chain moves on for this call;
//! - any other error moves on to the next provider;
//! - demo data is never part of a chain: a real provider failing must not silently turn into
//!   fictional numbers. [`super::ProviderSet`] uses demo data only when nothing is configured.

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::error::ProviderError;
use super::model::*;
use super::{GameLogProvider, OddsProvider, ProviderResult, SearchProvider, StatsProvider};

/// Longest wait we accept from a `Retry-After` header before giving up on the retry.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(5);

struct Link<P: ?Sized> {
    provider: Arc<P>,
    name: &'static str,
    /// Set once, when the provider returned an error that trips the breaker.
    tripped: OnceLock<ProviderError>,
}

/// An ordered list of providers of one kind; implements the same trait as its members.
pub struct Chain<P: ?Sized> {
    tool: &'static str,
    links: Vec<Link<P>>,
    backoff: Duration,
}

impl<P: ?Sized + Send + Sync> Chain<P> {
    /// `tool` names the chain in errors ("odds", "search"); `backoff` is the wait before the
    /// single retry of a 429/5xx.
    pub fn new(tool: &'static str, backoff: Duration) -> Self {
        Self {
            tool,
            links: Vec::new(),
            backoff,
        }
    }

    pub fn push(mut self, name: &'static str, provider: Arc<P>) -> Self {
        self.links.push(Link {
            provider,
            name,
            tripped: OnceLock::new(),
        });
        self
    }

    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }

    /// Names in order, with `(off)` after providers the breaker switched off.
    pub fn describe(&self) -> Vec<String> {
        self.links
            .iter()
            .map(|l| match l.tripped.get() {
                Some(_) => format!("{} (off)", l.name),
                None => l.name.to_owned(),
            })
            .collect()
    }

    /// True when the breaker has switched this provider off.
    pub fn is_tripped(&self, name: &str) -> bool {
        self.links
            .iter()
            .any(|l| l.name == name && l.tripped.get().is_some())
    }

    async fn run<T, F, Fut>(&self, call: F) -> ProviderResult<T>
    where
        F: Fn(Arc<P>) -> Fut + Send + Sync,
        Fut: Future<Output = ProviderResult<T>> + Send,
        T: Send,
    {
        let mut first_error: Option<ProviderError> = None;
        let mut breaker_error: Option<ProviderError> = None;
        for link in &self.links {
            if let Some(reason) = link.tripped.get() {
                breaker_error.get_or_insert_with(|| reason.clone());
                continue;
            }
            let mut result = timed(link.name, call(link.provider.clone())).await;
            if let Err(e) = &result {
                if e.is_retryable() {
                    let wait = match e {
                        ProviderError::RateLimited {
                            retry_after: Some(w),
                            ..
                        } => *w,
                        _ => self.backoff,
                    };
                    if wait <= MAX_RETRY_WAIT {
                        tracing::info!(provider = link.name, error = %e, ?wait, "retrying once");
                        tokio::time::sleep(wait).await;
                        result = timed(link.name, call(link.provider.clone())).await;
                    }
                }
            }
            match result {
                Ok(v) => return Ok(v),
                Err(e) => {
                    if e.trips_breaker() {
                        tracing::warn!(
                            provider = link.name,
                            error = %e,
                            "provider switched off for this process"
                        );
                        let _ = link.tripped.set(e.clone());
                    } else {
                        tracing::warn!(provider = link.name, error = %e, "provider failed; trying next");
                    }
                    // Prefer reporting a real failure over "this provider can't do that".
                    let replace = match &first_error {
                        None => true,
                        Some(ProviderError::Unsupported { .. }) => {
                            !matches!(e, ProviderError::Unsupported { .. })
                        }
                        Some(_) => false,
                    };
                    if replace {
                        first_error = Some(e);
                    }
                }
            }
        }
        Err(first_error
            .or(breaker_error)
            .unwrap_or(ProviderError::Unavailable { tool: self.tool }))
    }

    fn first_now(&self, now: impl Fn(&P) -> DateTime<Utc>) -> DateTime<Utc> {
        self.links
            .first()
            .map(|l| now(&l.provider))
            .unwrap_or_else(Utc::now)
    }
}

/// One provider call, with its latency and any failure recorded for /metrics.
async fn timed<T>(
    provider: &'static str,
    call: impl Future<Output = ProviderResult<T>>,
) -> ProviderResult<T> {
    let started = std::time::Instant::now();
    let result = call.await;
    metrics::histogram!("pl_provider_request_duration_seconds", "provider" => provider)
        .record(started.elapsed().as_secs_f64());
    if let Err(e) = &result {
        metrics::counter!("pl_provider_errors_total", "provider" => provider, "kind" => e.kind())
            .increment(1);
    }
    result
}

#[async_trait]
impl OddsProvider for Chain<dyn OddsProvider> {
    fn name(&self) -> &'static str {
        self.links.first().map(|l| l.name).unwrap_or("none")
    }
    fn now(&self) -> DateTime<Utc> {
        self.first_now(|p| p.now())
    }
    async fn sports(&self) -> ProviderResult<SportsList> {
        self.run(|p| async move { p.sports().await }).await
    }
    async fn odds(&self, query: &OddsQuery) -> ProviderResult<OddsBoard> {
        self.run(|p| async move { p.odds(query).await }).await
    }
    async fn event_odds(&self, query: &EventOddsQuery) -> ProviderResult<OddsEvent> {
        self.run(|p| async move { p.event_odds(query).await }).await
    }
    async fn scores(&self, query: &ScoresQuery) -> ProviderResult<Scoreboard> {
        self.run(|p| async move { p.scores(query).await }).await
    }
}

#[async_trait]
impl StatsProvider for Chain<dyn StatsProvider> {
    fn name(&self) -> &'static str {
        self.links.first().map(|l| l.name).unwrap_or("none")
    }
    fn now(&self) -> DateTime<Utc> {
        self.first_now(|p| p.now())
    }
    async fn ask(&self, query: &StatsQuery) -> ProviderResult<StatsAnswer> {
        self.run(|p| async move { p.ask(query).await }).await
    }
}

#[async_trait]
impl GameLogProvider for Chain<dyn GameLogProvider> {
    fn name(&self) -> &'static str {
        self.links.first().map(|l| l.name).unwrap_or("none")
    }
    fn now(&self) -> DateTime<Utc> {
        self.first_now(|p| p.now())
    }
    async fn game_log(&self, query: &GameLogQuery) -> ProviderResult<GameLog> {
        self.run(|p| async move { p.game_log(query).await }).await
    }
}

#[async_trait]
impl SearchProvider for Chain<dyn SearchProvider> {
    fn name(&self) -> &'static str {
        self.links.first().map(|l| l.name).unwrap_or("none")
    }
    fn now(&self) -> DateTime<Utc> {
        self.first_now(|p| p.now())
    }
    async fn search(&self, query: &SearchQuery) -> ProviderResult<SearchResults> {
        self.run(|p| async move { p.search(query).await }).await
    }
}
