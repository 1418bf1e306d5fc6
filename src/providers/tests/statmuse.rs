//! StatMuse client against a mock serving answer pages, redirects and error pages.

use std::time::{Duration, Instant};

use axum::Router;

use super::{fixed, MockServer};
use crate::providers::statmuse::StatMuseClient;
use crate::providers::*;

const PAGE: &str = include_str!("../testdata/statmuse/lebron_points.html");
const ASK_PATH: &str = "/nba/ask/lebron-james-points-last-5-games";

fn client(server: &MockServer, min_interval: Duration) -> StatMuseClient {
    StatMuseClient::new(&server.url, Duration::from_secs(5), min_interval).expect("client")
}

fn nba(question: &str) -> StatsQuery {
    StatsQuery {
        sport: Some(Sport::Nba),
        question: question.into(),
    }
}

#[tokio::test]
async fn answer_sentence_and_first_table() {
    let server = MockServer::start(Router::new().route(ASK_PATH, fixed(200, &[], PAGE))).await;
    let a = client(&server, Duration::ZERO)
        .ask(&nba("LeBron James points last 5 games?"))
        .await
        .expect("answer");
    let req = server.last();
    assert_eq!(req.path, ASK_PATH);
    let agent = req
        .headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(agent.starts_with("ProfessorLock/"), "{agent}");

    assert_eq!(
        a.answer,
        "LeBron James has averaged 27.2 points in his last 5 games."
    );
    assert_eq!(
        a.interpreted_as.as_deref(),
        Some("LeBron James points in his last 5 games")
    );
    assert_eq!(
        a.source_url.as_deref(),
        Some(format!("{}{ASK_PATH}", server.url).as_str())
    );
    let t = a.table.expect("table");
    assert_eq!(
        t.headers,
        vec!["NAME", "DATE", "TM", "OPP", "PTS"],
        "rank column dropped"
    );
    assert_eq!(t.rows.len(), 5);
    assert_eq!(
        t.rows[0],
        vec!["LeBron James", "1/13/2025", "LAL", "@ PHI", "32"]
    );
    assert_eq!(t.summary_rows, vec![vec!["Average", "", "", "", "27.2"]]);
    assert_eq!(a.provenance.source, "StatMuse");
    assert!(!a.provenance.demo);
}

#[tokio::test]
async fn follows_redirect_to_the_canonical_question() {
    let router = Router::new()
        .route("/ask", fixed(302, &[("location", ASK_PATH)], ""))
        .route(ASK_PATH, fixed(200, &[], PAGE));
    let server = MockServer::start(router).await;
    let q = StatsQuery {
        sport: None,
        question: "lebron points last 5".into(),
    };
    let a = client(&server, Duration::ZERO)
        .ask(&q)
        .await
        .expect("answer");
    assert_eq!(
        server.seen()[0].param("q").as_deref(),
        Some("lebron points last 5")
    );
    assert_eq!(server.hits_on(ASK_PATH), 1);
    assert!(a.answer.contains("27.2"));
}

#[tokio::test]
async fn signup_redirect_is_a_distinct_error() {
    let router = Router::new()
        .route(
            ASK_PATH,
            fixed(302, &[("location", "/auth/signup?limit")], ""),
        )
        .route(
            "/auth/signup",
            fixed(200, &[], "<html><h1>Sign up</h1></html>"),
        );
    let server = MockServer::start(router).await;
    let err = client(&server, Duration::ZERO)
        .ask(&nba("lebron james points last 5 games"))
        .await
        .expect_err("paywall");
    assert_eq!(
        err,
        ProviderError::SignUpRequired {
            provider: "StatMuse"
        }
    );
    assert!(err.trips_breaker());
    assert_eq!(
        server.hits_on("/auth/signup"),
        0,
        "the sign-up page is not fetched"
    );
}

#[tokio::test]
async fn not_understood_and_no_answer_pages() {
    let router = Router::new()
        .route(
            "/nba/ask/asdf-qwerty",
            fixed(
                422,
                &[],
                include_str!("../testdata/statmuse/not_understood.html"),
            ),
        )
        .route(
            "/nba/ask/who-will-win",
            fixed(
                200,
                &[],
                include_str!("../testdata/statmuse/no_answer.html"),
            ),
        )
        .route(
            "/nba/ask/blocked",
            fixed(403, &[], "<html>Forbidden</html>"),
        );
    let server = MockServer::start(router).await;
    let sm = client(&server, Duration::ZERO);

    match sm.ask(&nba("asdf qwerty")).await.expect_err("422") {
        ProviderError::NoAnswer { detail, .. } => {
            assert!(detail.contains("didn't understand"), "{detail}")
        }
        other => panic!("expected NoAnswer, got {other:?}"),
    }
    let err = sm
        .ask(&nba("who will win"))
        .await
        .expect_err("default description");
    assert!(matches!(err, ProviderError::NoAnswer { .. }));
    let err = sm.ask(&nba("blocked")).await.expect_err("403");
    assert!(matches!(err, ProviderError::Forbidden { .. }) && err.trips_breaker());
}

#[tokio::test]
async fn polite_rate_limit_spaces_requests() {
    let server = MockServer::start(Router::new().route(ASK_PATH, fixed(200, &[], PAGE))).await;
    let sm = client(&server, Duration::from_millis(300));
    let start = Instant::now();
    sm.ask(&nba("lebron james points last 5 games"))
        .await
        .expect("first");
    sm.ask(&nba("lebron james points last 5 games"))
        .await
        .expect("second");
    assert!(
        start.elapsed() >= Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(server.hits(), 2);
}
