//! Fallback order, retries and the circuit breaker, with scripted providers and with real
//! clients against mocks.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use chrono::Utc;

use super::{fixed, sequence, MockServer};
use crate::providers::chain::Chain;
use crate::providers::*;

/// A search provider answering from a script of results (the last repeats).
struct Scripted {
    name: &'static str,
    script: Mutex<Vec<Result<(), ProviderError>>>,
    calls: AtomicUsize,
}

impl Scripted {
    fn new(name: &'static str, script: Vec<Result<(), ProviderError>>) -> Arc<Self> {
        Arc::new(Self {
            name,
            script: Mutex::new(script),
            calls: AtomicUsize::new(0),
        })
    }
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl SearchProvider for Scripted {
    fn name(&self) -> &'static str {
        self.name
    }
    async fn search(&self, q: &SearchQuery) -> ProviderResult<SearchResults> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let next = {
            let mut script = self.script.lock().unwrap();
            if script.len() > 1 {
                script.remove(0)
            } else {
                script[0].clone()
            }
        };
        next.map(|()| SearchResults {
            query: q.query.clone(),
            results: vec![],
            answer: None,
            provenance: Provenance::live(self.name, Utc::now()),
        })
    }
}

const BACKOFF: Duration = Duration::from_millis(5);

fn chain(links: &[&Arc<Scripted>]) -> Chain<dyn SearchProvider> {
    links.iter().fold(Chain::new("search", BACKOFF), |c, p| {
        c.push(p.name, (*p).clone())
    })
}

fn q() -> SearchQuery {
    SearchQuery::new("denver weather")
}

#[tokio::test]
async fn falls_back_in_order() {
    let a = Scripted::new(
        "A",
        vec![Err(ProviderError::NotFound {
            provider: "A",
            what: "x".into(),
        })],
    );
    let b = Scripted::new("B", vec![Ok(())]);
    let c = Scripted::new("C", vec![Ok(())]);
    let r = chain(&[&a, &b, &c]).search(&q()).await.expect("B answers");
    assert_eq!(r.provenance.source, "B");
    assert_eq!((a.calls(), b.calls(), c.calls()), (1, 1, 0));
}

#[tokio::test]
async fn retries_429_and_5xx_once_then_moves_on() {
    let limited = ProviderError::RateLimited {
        provider: "A",
        retry_after: None,
    };
    let a = Scripted::new("A", vec![Err(limited), Ok(())]);
    let b = Scripted::new("B", vec![Ok(())]);
    let r = chain(&[&a, &b]).search(&q()).await.expect("retry succeeds");
    assert_eq!(r.provenance.source, "A");
    assert_eq!((a.calls(), b.calls()), (2, 0));

    let down = ProviderError::Upstream {
        provider: "A",
        status: 503,
    };
    let a = Scripted::new("A", vec![Err(down)]);
    let b = Scripted::new("B", vec![Ok(())]);
    let ch = chain(&[&a, &b]);
    assert_eq!(ch.search(&q()).await.expect("B").provenance.source, "B");
    assert_eq!(
        (a.calls(), b.calls()),
        (2, 1),
        "one retry, then the next provider"
    );
    // A 5xx does not switch the provider off: the next call tries it again.
    ch.search(&q()).await.expect("B");
    assert_eq!(a.calls(), 4);
}

#[tokio::test]
async fn auth_and_quota_errors_trip_the_breaker() {
    let a = Scripted::new(
        "A",
        vec![Err(ProviderError::OutOfCredits { provider: "A" })],
    );
    let b = Scripted::new("B", vec![Ok(())]);
    let ch = chain(&[&a, &b]);
    ch.search(&q()).await.expect("B");
    ch.search(&q()).await.expect("B");
    assert_eq!(a.calls(), 1, "not retried, then skipped for the process");
    assert!(ch.is_tripped("A"));
    assert_eq!(ch.describe(), vec!["A (off)".to_owned(), "B".to_owned()]);
}

#[tokio::test]
async fn all_off_reports_the_reason() {
    let a = Scripted::new("A", vec![Err(ProviderError::InvalidKey { provider: "A" })]);
    let ch = chain(&[&a]);
    let first = ch.search(&q()).await.expect_err("bad key");
    let second = ch.search(&q()).await.expect_err("still off");
    assert_eq!(first, ProviderError::InvalidKey { provider: "A" });
    assert_eq!(second, first);
    assert_eq!(a.calls(), 1);

    let empty: Chain<dyn SearchProvider> = Chain::new("search", BACKOFF);
    assert_eq!(
        empty.search(&q()).await,
        Err(ProviderError::Unavailable { tool: "search" })
    );
}

#[tokio::test]
async fn real_failures_are_reported_over_unsupported() {
    let a = Scripted::new(
        "A",
        vec![Err(ProviderError::Unsupported {
            provider: "A",
            what: "x".into(),
        })],
    );
    let b = Scripted::new(
        "B",
        vec![Err(ProviderError::Network {
            provider: "B",
            detail: "down".into(),
        })],
    );
    let err = chain(&[&a, &b]).search(&q()).await.expect_err("both fail");
    assert!(matches!(err, ProviderError::Network { provider: "B", .. }));
}

#[tokio::test]
async fn provider_set_falls_back_from_odds_api_to_espn_over_http() {
    let odds_api = MockServer::start(Router::new().route(
        "/v4/sports/basketball_nba/odds",
        fixed(
            401,
            &[],
            include_str!("../testdata/odds_api/error_out_of_credits.json"),
        ),
    ))
    .await;
    let espn = MockServer::start(Router::new().route(
        "/apis/site/v2/sports/basketball/nba/scoreboard",
        fixed(
            200,
            &[],
            include_str!("../testdata/espn/scoreboard_nba.json"),
        ),
    ))
    .await;
    let cfg = ProvidersConfig {
        odds_api_key: Some("k".into()),
        odds_api_base_url: odds_api.url.clone(),
        espn_enabled: true,
        espn_site_base_url: espn.url.clone(),
        espn_web_base_url: espn.url.clone(),
        retry_backoff: BACKOFF,
        ..ProvidersConfig::default()
    };
    let set = ProviderSet::from_config(&cfg).expect("set");
    let board = set
        .odds()
        .odds(&OddsQuery::new(Sport::Nba))
        .await
        .expect("ESPN answers");
    assert_eq!(board.provenance.source, "ESPN");
    assert!(
        !board.provenance.demo,
        "never demo data behind real providers"
    );
    // A different request (no cache hit): The Odds API is skipped by the breaker.
    let h2h = OddsQuery {
        markets: vec!["h2h".into()],
        ..OddsQuery::new(Sport::Nba)
    };
    let board = set.odds().odds(&h2h).await.expect("ESPN answers");
    assert!(board
        .events
        .iter()
        .flat_map(|e| &e.bookmakers)
        .all(|b| b.markets.len() == 1));
    assert_eq!(odds_api.hits(), 1);
    assert_eq!(espn.hits(), 2);
    let odds = set
        .describe()
        .into_iter()
        .find(|t| t.tool == ToolKind::Odds)
        .unwrap();
    assert_eq!(odds.providers, vec!["The Odds API (off)", "ESPN"]);
}

#[tokio::test]
async fn search_chain_retries_searxng_then_uses_brave() {
    let searxng =
        MockServer::start(Router::new().route("/search", sequence(vec![(503, "busy")]))).await;
    let brave = MockServer::start(Router::new().route(
        "/res/v1/web/search",
        fixed(200, &[], include_str!("../testdata/brave/web.json")),
    ))
    .await;
    let cfg = ProvidersConfig {
        searxng_url: Some(searxng.url.clone()),
        brave_api_key: Some("b".into()),
        brave_base_url: brave.url.clone(),
        tavily_api_key: Some("  ".into()),
        retry_backoff: BACKOFF,
        ..ProvidersConfig::default()
    };
    let set = ProviderSet::from_config(&cfg).expect("set");
    let r = set
        .search()
        .search(&SearchQuery::new("nuggets injury report"))
        .await
        .expect("brave");
    assert_eq!(r.provenance.source, "Brave Search");
    assert_eq!(searxng.hits(), 2, "503 retried once");
    let search = set
        .describe()
        .into_iter()
        .find(|t| t.tool == ToolKind::Search)
        .unwrap();
    assert_eq!(
        search.providers,
        vec!["SearXNG", "Brave Search"],
        "blank Tavily key = not configured"
    );
    assert!(!search.demo);
}
