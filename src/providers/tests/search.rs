//! SearXNG, Brave and Tavily clients against mocks replaying their JSON and errors.

use std::sync::Arc;

use axum::Router;

use super::{fixed, http, MockServer};
use crate::providers::cache::CachedSearch;
use crate::providers::search_brave::BraveClient;
use crate::providers::search_searxng::SearxngClient;
use crate::providers::search_tavily::TavilyClient;
use crate::providers::*;

const BRAVE_KEY: &str = "brave-secret";
const TAVILY_KEY: &str = "tvly-secret";

fn news(query: &str) -> SearchQuery {
    SearchQuery {
        query: query.into(),
        topic: SearchTopic::News,
        max_results: 5,
        time_range: Some(TimeRange::Day),
    }
}

#[tokio::test]
async fn searxng_results() {
    let body = include_str!("../testdata/searxng/results.json");
    let server = MockServer::start(Router::new().route("/search", fixed(200, &[], body))).await;
    let sx = SearxngClient::new(http(), &server.url).expect("client");
    let r = sx
        .search(&news("lebron james injury"))
        .await
        .expect("results");
    let req = server.last();
    assert_eq!(req.param("format").as_deref(), Some("json"));
    assert_eq!(req.param("categories").as_deref(), Some("news"));
    assert_eq!(req.param("time_range").as_deref(), Some("day"));
    assert_eq!(req.param("q").as_deref(), Some("lebron james injury"));

    assert_eq!(r.results.len(), 3, "duplicate URL dropped");
    let first = &r.results[0];
    assert_eq!(first.title, "LeBron James questionable with ankle soreness");
    assert_eq!(
        first.snippet,
        "Lakers list LeBron James as questionable & Anthony Davis as probable for Wednesday."
    );
    assert_eq!(first.engine, "bing");
    assert_eq!(first.published, "2025-01-15T14:02:11Z".parse().ok());
    assert_eq!(r.results[1].published, None);
    assert_eq!(r.provenance.source, "SearXNG");

    let limited = sx
        .search(&SearchQuery {
            max_results: 1,
            ..news("x")
        })
        .await
        .expect("results");
    assert_eq!(limited.results.len(), 1);
}

#[tokio::test]
async fn searxng_json_disabled_and_outage() {
    let router = Router::new().route("/search", fixed(403, &[], "<html>403 Forbidden</html>"));
    let server = MockServer::start(router).await;
    let err = SearxngClient::new(http(), &server.url)
        .unwrap()
        .search(&news("x"))
        .await
        .expect_err("403");
    assert!(matches!(err, ProviderError::Forbidden { .. }) && err.trips_breaker());
    assert!(err.to_string().contains("JSON output is disabled"));

    let outage = include_str!("../testdata/searxng/outage.json");
    // A base URL with a path prefix keeps it.
    let router = Router::new().route("/searx/search", fixed(200, &[], outage));
    let server = MockServer::start(router).await;
    let sx = SearxngClient::new(http(), &format!("{}/searx/", server.url)).unwrap();
    let err = sx
        .search(&news("denver weather"))
        .await
        .expect_err("outage");
    assert!(matches!(err, ProviderError::Upstream { .. }) && err.is_retryable());
}

#[tokio::test]
async fn brave_web_and_news() {
    let router = Router::new()
        .route(
            "/res/v1/web/search",
            fixed(200, &[], include_str!("../testdata/brave/web.json")),
        )
        .route(
            "/res/v1/news/search",
            fixed(200, &[], include_str!("../testdata/brave/news.json")),
        );
    let server = MockServer::start(router).await;
    let brave = BraveClient::new(http(), &server.url, BRAVE_KEY).expect("client");

    let q = SearchQuery {
        time_range: Some(TimeRange::Week),
        ..SearchQuery::new("denver nuggets injury report")
    };
    let r = brave.search(&q).await.expect("web");
    let req = server.last();
    assert_eq!(
        req.headers
            .get("x-subscription-token")
            .and_then(|v| v.to_str().ok()),
        Some(BRAVE_KEY)
    );
    assert_eq!(req.param("freshness").as_deref(), Some("pw"));
    assert_eq!(req.param("count").as_deref(), Some("5"));
    let accepts_gzip = req
        .headers
        .get("accept-encoding")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(accepts_gzip.contains("gzip"), "{accepts_gzip}");
    assert_eq!(r.results.len(), 2);
    assert_eq!(r.results[0].title, "Nuggets injury report: Murray probable");
    assert_eq!(
        r.results[0].snippet,
        "Denver lists Jamal Murray as probable 'hamstring' for Wednesday's game."
    );
    assert_eq!(r.results[0].published, "2025-01-15T13:22:41Z".parse().ok());
    assert_eq!(r.provenance.source, "Brave Search");

    let n = brave.search(&news("lakers news")).await.expect("news");
    assert_eq!(server.last().path, "/res/v1/news/search");
    assert_eq!(n.results[0].title, "Lakers beat 76ers behind LeBron");
}

#[tokio::test]
async fn brave_errors() {
    let router = Router::new()
        .route(
            "/res/v1/web/search",
            fixed(422, &[], include_str!("../testdata/brave/error_token.json")),
        )
        .route(
            "/res/v1/news/search",
            fixed(
                422,
                &[],
                include_str!("../testdata/brave/error_validation.json"),
            ),
        );
    let server = MockServer::start(router).await;
    let brave = BraveClient::new(http(), &server.url, BRAVE_KEY).expect("client");
    let err = brave
        .search(&SearchQuery::new("x"))
        .await
        .expect_err("token");
    assert_eq!(
        err,
        ProviderError::InvalidKey {
            provider: "Brave Search"
        },
        "422 token error is a key problem"
    );
    let err = brave.search(&news("x")).await.expect_err("validation");
    assert!(matches!(err, ProviderError::InvalidRequest { .. }) && !err.trips_breaker());

    let router = Router::new().route(
        "/res/v1/web/search",
        fixed(429, &[("retry-after", "1")], "{}"),
    );
    let server = MockServer::start(router).await;
    let err = BraveClient::new(http(), &server.url, BRAVE_KEY)
        .unwrap()
        .search(&SearchQuery::new("x"))
        .await;
    assert!(matches!(
        err,
        Err(ProviderError::RateLimited { retry_after: Some(d), .. }) if d == std::time::Duration::from_secs(1)
    ));
}

#[tokio::test]
async fn tavily_post_and_answer() {
    let body = include_str!("../testdata/tavily/search.json");
    let server = MockServer::start(Router::new().route("/search", fixed(200, &[], body))).await;
    let tavily = TavilyClient::new(http(), &server.url, TAVILY_KEY).expect("client");
    let r = tavily
        .search(&news("chiefs texans weather forecast"))
        .await
        .expect("results");
    let req = server.last();
    assert_eq!(req.method, "POST");
    let auth = req
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    assert_eq!(auth, Some(format!("Bearer {TAVILY_KEY}").as_str()));
    let sent: serde_json::Value = serde_json::from_str(&req.body).expect("json body");
    assert_eq!(sent["query"], "chiefs texans weather forecast");
    assert_eq!(sent["topic"], "news");
    assert_eq!(sent["max_results"], 5);
    assert_eq!(sent["time_range"], "day");
    assert!(
        sent.get("api_key").is_none(),
        "key travels in the header only"
    );

    assert!(r
        .answer
        .as_deref()
        .unwrap_or_default()
        .starts_with("Expect cold"));
    assert_eq!(r.results.len(), 2);
    assert_eq!(r.results[0].published, "2025-01-15T10:00:00Z".parse().ok());
    assert_eq!(r.results[0].engine, "tavily");
    assert_eq!(r.provenance.source, "Tavily");
}

#[tokio::test]
async fn tavily_errors() {
    for (status, body, check) in [
        (
            401,
            include_str!("../testdata/tavily/error_401.json"),
            ProviderError::InvalidKey { provider: "Tavily" },
        ),
        (
            432,
            include_str!("../testdata/tavily/error_432.json"),
            ProviderError::OutOfCredits { provider: "Tavily" },
        ),
    ] {
        let server =
            MockServer::start(Router::new().route("/search", fixed(status, &[], body))).await;
        let err = TavilyClient::new(http(), &server.url, TAVILY_KEY)
            .unwrap()
            .search(&news("x"))
            .await;
        assert_eq!(err, Err(check));
    }
    let server =
        MockServer::start(Router::new().route("/search", fixed(200, &[], "not json"))).await;
    let err = TavilyClient::new(http(), &server.url, TAVILY_KEY)
        .unwrap()
        .search(&news("x"))
        .await;
    assert!(matches!(err, Err(ProviderError::Malformed { .. })));
}

#[tokio::test]
async fn search_cache() {
    let body = include_str!("../testdata/searxng/results.json");
    let server = MockServer::start(Router::new().route("/search", fixed(200, &[], body))).await;
    let sx = Arc::new(SearxngClient::new(http(), &server.url).expect("client"));
    let cached = CachedSearch::new(sx, std::time::Duration::from_secs(300));
    cached.search(&news("lebron")).await.expect("first");
    cached.search(&news("lebron")).await.expect("second");
    assert_eq!(server.hits(), 1);
    cached
        .search(&SearchQuery {
            topic: SearchTopic::General,
            ..news("lebron")
        })
        .await
        .expect("third");
    assert_eq!(server.hits(), 2, "topic is part of the key");
}
