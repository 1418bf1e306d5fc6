//! The Odds API client against a mock replaying v4 responses and error bodies.

use std::sync::Arc;

use axum::Router;

use super::{dead_url, fixed, gzip_stored, http, sequence, MockServer};
use crate::domain::DecimalOdds;
use crate::providers::cache::{CacheTtls, CachedOdds};
use crate::providers::odds_api::{OddsApiClient, Quota};
use crate::providers::*;

const KEY: &str = "secret-test-key";
const ODDS: &str = include_str!("../testdata/odds_api/odds_nba.json");
const QUOTA: &[(&str, &str)] = &[
    ("x-requests-remaining", "498"),
    ("x-requests-used", "2"),
    ("x-requests-last", "3.0"),
];

fn client(server: &MockServer) -> OddsApiClient {
    OddsApiClient::new(http(), &server.url, KEY, "us").expect("client")
}

async fn odds_error(status: u16, body: &'static str) -> ProviderError {
    let router = Router::new().route("/v4/sports/basketball_nba/odds", fixed(status, &[], body));
    let server = MockServer::start(router).await;
    let err = client(&server)
        .odds(&OddsQuery::new(Sport::Nba))
        .await
        .expect_err("error");
    assert!(
        !err.to_string().contains(KEY),
        "message leaks the key: {err}"
    );
    err
}

#[tokio::test]
async fn odds_request_and_parse() {
    let router = Router::new().route("/v4/sports/basketball_nba/odds", fixed(200, QUOTA, ODDS));
    let server = MockServer::start(router).await;
    let api = client(&server);

    let board = api.odds(&OddsQuery::new(Sport::Nba)).await.expect("odds");
    let req = server.last();
    assert_eq!(req.param("apiKey").as_deref(), Some(KEY));
    assert_eq!(req.param("markets").as_deref(), Some("h2h,spreads,totals"));
    // Decimal, so a book's 1.87 arrives as the book's own number (American would round it).
    assert_eq!(req.param("oddsFormat").as_deref(), Some("decimal"));
    assert_eq!(req.param("regions").as_deref(), Some("us"));
    assert_eq!(req.param("dateFormat").as_deref(), Some("iso"));

    assert_eq!(board.events.len(), 2);
    assert_eq!(board.provenance.source, "The Odds API");
    assert!(!board.provenance.demo);
    let magic = &board.events[0];
    assert_eq!(
        (magic.home_team.as_str(), magic.away_team.as_str()),
        ("Orlando Magic", "Milwaukee Bucks")
    );
    assert_eq!(magic.provenance, board.provenance);
    let dk = &magic.bookmakers[0];
    assert_eq!(dk.title, "DraftKings");
    let spreads = dk
        .markets
        .iter()
        .find(|m| m.key == "spreads")
        .expect("spreads");
    assert_eq!(
        spreads.outcomes[1].price,
        DecimalOdds::from_ratio(191, 100).unwrap()
    );
    assert_eq!(spreads.outcomes[1].point, Some(-2.5));
    // A decimal 1.87 stays exactly 187/100: through American it would be −115 = 43/23.
    let magic_ml = &magic.bookmakers[1].markets[0].outcomes[1];
    assert_eq!(magic_ml.name, "Orlando Magic");
    assert_eq!(magic_ml.price, DecimalOdds::from_ratio(187, 100).unwrap());
    assert_ne!(
        magic_ml.price,
        crate::domain::AmericanOdds::new(-115).unwrap().to_decimal()
    );
    assert_eq!(magic.bookmakers[1].markets[0].last_update, None);

    assert_eq!(
        api.last_quota(),
        Some(Quota {
            remaining: Some(498.0),
            used: Some(2.0),
            last: Some(3.0)
        })
    );
}

#[tokio::test]
async fn team_and_date_filters() {
    let router = Router::new().route("/v4/sports/basketball_nba/odds", fixed(200, QUOTA, ODDS));
    let server = MockServer::start(router).await;
    let api = client(&server);

    let board = api
        .odds(&OddsQuery::new(Sport::Nba).team("Lakers"))
        .await
        .expect("odds");
    assert_eq!(board.events.len(), 1);
    assert_eq!(board.events[0].home_team, "Los Angeles Lakers");

    let et = chrono::FixedOffset::west_opt(5 * 3600).unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2025, 1, 15).unwrap();
    api.odds(&OddsQuery::new(Sport::Nba).on_local_day(day, et))
        .await
        .expect("odds");
    let req = server.last();
    assert_eq!(
        req.param("commenceTimeFrom").as_deref(),
        Some("2025-01-15T05:00:00Z")
    );
    assert_eq!(
        req.param("commenceTimeTo").as_deref(),
        Some("2025-01-16T04:59:59Z")
    );
}

#[tokio::test]
async fn event_odds_with_player_props() {
    let path = "/v4/sports/basketball_nba/events/4f0cd3b6ba9c1a2d3e9c51e1c9e7b8a2/odds";
    let body = include_str!("../testdata/odds_api/event_odds_props.json");
    let server = MockServer::start(Router::new().route(path, fixed(200, QUOTA, body))).await;
    let q = EventOddsQuery {
        sport: Sport::Nba,
        event_id: "4f0cd3b6ba9c1a2d3e9c51e1c9e7b8a2".into(),
        markets: vec!["player_points".into()],
    };
    let event = client(&server).event_odds(&q).await.expect("event odds");
    assert_eq!(
        server.last().param("markets").as_deref(),
        Some("player_points")
    );
    let market = &event.bookmakers[0].markets[0];
    assert_eq!(market.key, "player_points");
    assert_eq!(
        market.outcomes[0].description.as_deref(),
        Some("LeBron James")
    );
    assert_eq!(market.outcomes[0].point, Some(24.5));
    assert_eq!(
        market.outcomes[0].price,
        DecimalOdds::from_ratio(187, 100).unwrap()
    );
    assert_eq!(
        server.last().param("oddsFormat").as_deref(),
        Some("decimal")
    );
    assert_eq!(event.bookmakers[0].last_update, None);
    assert_eq!(event.provenance.source, "The Odds API");
}

#[tokio::test]
async fn event_id_cannot_escape_the_path() {
    let server = MockServer::start(Router::new()).await;
    let q = EventOddsQuery {
        sport: Sport::Nba,
        event_id: "../../sports?x=1".into(),
        markets: vec![],
    };
    let _ = client(&server).event_odds(&q).await;
    let req = server.last();
    assert!(
        req.path.starts_with("/v4/sports/basketball_nba/events/"),
        "{}",
        req.path
    );
    assert_eq!(req.param("x"), None);
}

#[tokio::test]
async fn scores_and_sports() {
    let router = Router::new()
        .route(
            "/v4/sports/basketball_nba/scores",
            fixed(
                200,
                QUOTA,
                include_str!("../testdata/odds_api/scores_nba.json"),
            ),
        )
        .route(
            "/v4/sports",
            fixed(200, &[], include_str!("../testdata/odds_api/sports.json")),
        );
    let server = MockServer::start(router).await;
    let api = client(&server);

    let board = api
        .scores(&ScoresQuery {
            sport: Sport::Nba,
            days_from: Some(1),
        })
        .await
        .expect("scores");
    assert_eq!(server.last().param("daysFrom").as_deref(), Some("1"));
    let statuses: Vec<GameStatus> = board.games.iter().map(|g| g.status).collect();
    assert_eq!(
        statuses,
        vec![GameStatus::Final, GameStatus::Live, GameStatus::Scheduled]
    );
    assert_eq!(
        (board.games[0].home_score, board.games[0].away_score),
        (Some(113), Some(103))
    );
    assert_eq!(board.games[2].home_score, None);
    assert_eq!(board.provenance.source, "The Odds API");

    let sports = api.sports().await.expect("sports");
    assert_eq!(sports.sports.len(), 3);
    assert!(sports.sports[2].has_outrights);
    assert_eq!(sports.provenance.source, "The Odds API");
}

#[tokio::test]
async fn out_of_credits_is_not_a_bad_key() {
    let credits = odds_error(
        401,
        include_str!("../testdata/odds_api/error_out_of_credits.json"),
    )
    .await;
    assert_eq!(
        credits,
        ProviderError::OutOfCredits {
            provider: "The Odds API"
        }
    );
    assert!(credits.trips_breaker());

    let bad_key = odds_error(
        401,
        include_str!("../testdata/odds_api/error_invalid_key.json"),
    )
    .await;
    assert_eq!(
        bad_key,
        ProviderError::InvalidKey {
            provider: "The Odds API"
        }
    );

    // A bare 401 without body or quota headers (seen in the wild) is still a key problem.
    let bare = odds_error(401, "").await;
    assert_eq!(
        bare,
        ProviderError::InvalidKey {
            provider: "The Odds API"
        }
    );
}

#[tokio::test]
async fn invalid_market_rate_limit_server_error_and_garbage() {
    let invalid = odds_error(
        422,
        include_str!("../testdata/odds_api/error_invalid_market.json"),
    )
    .await;
    match &invalid {
        ProviderError::InvalidRequest { code, message, .. } => {
            assert_eq!(code, "INVALID_MARKET");
            assert!(message.contains("player_points"));
            assert!(
                message.contains("[redacted]"),
                "key echoed in the body must be scrubbed: {message}"
            );
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert!(!invalid.trips_breaker() && !invalid.is_retryable());

    let limited = odds_error(
        429,
        include_str!("../testdata/odds_api/error_rate_limit.json"),
    )
    .await;
    assert!(matches!(limited, ProviderError::RateLimited { .. }));
    assert!(limited.is_retryable());

    let down = odds_error(503, "<html>Service Unavailable</html>").await;
    assert_eq!(
        down,
        ProviderError::Upstream {
            provider: "The Odds API",
            status: 503
        }
    );

    let garbage = odds_error(200, "{\"not\": \"an array\"").await;
    assert!(matches!(garbage, ProviderError::Malformed { .. }));
    assert_eq!(
        garbage.to_string(),
        "The Odds API sent a response that could not be read"
    );
}

#[tokio::test]
async fn network_errors_hide_the_url() {
    let api = OddsApiClient::new(http(), &dead_url().await, KEY, "us").expect("client");
    let err = api.sports().await.expect_err("nothing listens");
    assert!(matches!(err, ProviderError::Network { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains(KEY));
    assert!(OddsApiClient::new(http(), "http://127.0.0.1:1", "  ", "us").is_err());
}

#[tokio::test]
async fn cache_serves_repeats_and_skips_errors() {
    let router = Router::new()
        .route("/v4/sports/basketball_nba/odds", fixed(200, QUOTA, ODDS))
        .route(
            "/v4/sports/icehockey_nhl/odds",
            sequence(vec![(500, "oops"), (200, "[]")]),
        );
    let server = MockServer::start(router).await;
    let cached = CachedOdds::new(Arc::new(client(&server)), &CacheTtls::default());

    let first = cached
        .odds(&OddsQuery::new(Sport::Nba))
        .await
        .expect("odds");
    let second = cached
        .odds(&OddsQuery::new(Sport::Nba))
        .await
        .expect("odds");
    assert_eq!(first, second, "same value, same as-of time");
    assert_eq!(server.hits(), 1, "second call must not reach the provider");

    // The team filter is applied to the cached board: no new request, filtered result.
    let magic = cached
        .odds(&OddsQuery::new(Sport::Nba).team("Magic"))
        .await
        .expect("odds");
    assert_eq!(server.hits(), 1);
    assert_eq!(magic.events.len(), 1);
    assert_eq!(magic.provenance, first.provenance);

    // Any differing upstream parameter is a different entry.
    let h2h = OddsQuery {
        markets: vec!["h2h".into()],
        ..OddsQuery::new(Sport::Nba)
    };
    cached.odds(&h2h).await.expect("odds");
    assert_eq!(server.hits(), 2);
    assert_eq!(server.last().param("markets").as_deref(), Some("h2h"));

    // A re-quote goes to the provider whatever is cached, and refreshes the entry.
    let fresh = OddsQuery {
        fresh: true,
        ..OddsQuery::new(Sport::Nba)
    };
    cached.odds(&fresh).await.expect("odds");
    assert_eq!(server.hits(), 3, "a fresh query must reach the provider");
    cached
        .odds(&OddsQuery::new(Sport::Nba))
        .await
        .expect("odds");
    assert_eq!(
        server.hits(),
        3,
        "the refreshed board serves the next reader"
    );

    // Errors are not cached.
    assert!(cached.odds(&OddsQuery::new(Sport::Nhl)).await.is_err());
    assert!(cached.odds(&OddsQuery::new(Sport::Nhl)).await.is_ok());
    assert_eq!(server.hits_on("/v4/sports/icehockey_nhl/odds"), 2);
}

#[tokio::test]
async fn gzip_bodies_are_decoded() {
    let body = gzip_stored(ODDS.as_bytes());
    let route = axum::routing::get(move || {
        let body = body.clone();
        async move {
            let mut resp = axum::response::Response::new(axum::body::Body::from(body));
            let headers = resp.headers_mut();
            headers.insert(
                "content-encoding",
                axum::http::HeaderValue::from_static("gzip"),
            );
            headers.insert(
                "content-type",
                axum::http::HeaderValue::from_static("application/json"),
            );
            resp
        }
    });
    let server =
        MockServer::start(Router::new().route("/v4/sports/basketball_nba/odds", route)).await;
    let board = client(&server)
        .odds(&OddsQuery::new(Sport::Nba))
        .await
        .expect("gzip odds");
    assert_eq!(board.events.len(), 2);
    let asked = server.last().headers.get("accept-encoding").cloned();
    assert!(asked.is_some_and(|v| v.to_str().unwrap_or_default().contains("gzip")));
}

/// What Postgres is to the server processes: one cache they all read and fill.
#[derive(Default)]
struct MemoryShared(std::sync::Mutex<std::collections::HashMap<String, String>>);

#[async_trait::async_trait]
impl crate::providers::SharedCache for MemoryShared {
    async fn get(&self, key: &str) -> Option<String> {
        self.0.lock().unwrap().get(key).cloned()
    }
    async fn put(&self, key: &str, value: &str, _ttl: std::time::Duration) {
        self.0
            .lock()
            .unwrap()
            .insert(key.to_owned(), value.to_owned());
    }
}

#[tokio::test]
async fn processes_sharing_a_cache_spend_one_request_per_answer() {
    let router = Router::new().route("/v4/sports/basketball_nba/odds", fixed(200, QUOTA, ODDS));
    let server = MockServer::start(router).await;
    let shared: Arc<dyn crate::providers::SharedCache> = Arc::new(MemoryShared::default());
    // Two processes: each its own client and its own cache, one shared cache.
    let process = || {
        CachedOdds::new(Arc::new(client(&server)), &CacheTtls::default())
            .sharing(Some(shared.clone()))
    };
    let (a, b) = (process(), process());
    let on_a = a.odds(&OddsQuery::new(Sport::Nba)).await.expect("odds");
    let on_b = b.odds(&OddsQuery::new(Sport::Nba)).await.expect("odds");
    assert_eq!(on_a, on_b, "the same answer, with its as-of time");
    assert_eq!(server.hits(), 1, "B is served from what A fetched");

    // A re-quote reaches the provider and refreshes what the others read.
    let fresh = OddsQuery {
        fresh: true,
        ..OddsQuery::new(Sport::Nba)
    };
    b.odds(&fresh).await.expect("odds");
    assert_eq!(server.hits(), 2);
    let alone = CachedOdds::new(Arc::new(client(&server)), &CacheTtls::default());
    alone.odds(&OddsQuery::new(Sport::Nba)).await.expect("odds");
    assert_eq!(
        server.hits(),
        3,
        "without the shared cache a process asks for itself"
    );
}
