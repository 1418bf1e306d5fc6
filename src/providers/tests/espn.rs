//! ESPN client against a mock replaying scoreboard, search, gamelog, teams and schedule JSON.

use axum::Router;

use super::{fixed, http, MockServer};
use crate::providers::espn::EspnClient;
use crate::providers::stats_nl::TemplateStats;
use crate::providers::*;

/// ESPN quotes American odds; the model holds the exact price each stands for.
fn am(american: i32) -> crate::domain::DecimalOdds {
    crate::domain::AmericanOdds::new(american)
        .unwrap()
        .to_decimal()
}

const SCOREBOARD: &str = include_str!("../testdata/espn/scoreboard_nba.json");
const SEARCH: &str = include_str!("../testdata/espn/search_lebron.json");
const GAMELOG: &str = include_str!("../testdata/espn/gamelog_lebron.json");
const TEAMS: &str = include_str!("../testdata/espn/teams_nba.json");
const SCHEDULE: &str = include_str!("../testdata/espn/schedule_lal.json");

const SCOREBOARD_PATH: &str = "/apis/site/v2/sports/basketball/nba/scoreboard";
const GAMELOG_PATH: &str = "/apis/common/v3/sports/basketball/nba/athletes/1966/gamelog";

async fn espn() -> (MockServer, EspnClient) {
    let router = Router::new()
        .route(SCOREBOARD_PATH, fixed(200, &[], SCOREBOARD))
        .route("/apis/search/v2", fixed(200, &[], SEARCH))
        .route(GAMELOG_PATH, fixed(200, &[], GAMELOG))
        .route(
            "/apis/site/v2/sports/basketball/nba/teams",
            fixed(200, &[], TEAMS),
        )
        .route(
            "/apis/site/v2/sports/basketball/nba/teams/13/schedule",
            fixed(200, &[], SCHEDULE),
        );
    let server = MockServer::start(router).await;
    // One mock plays both ESPN hosts.
    let client = EspnClient::new(http(), &server.url, &server.url).expect("client");
    (server, client)
}

fn log_query(kind: SubjectKind, name: &str, stat: &str, last_n: usize) -> GameLogQuery {
    GameLogQuery {
        sport: Sport::Nba,
        kind,
        name: name.into(),
        stat: stat.into(),
        last_n,
    }
}

#[tokio::test]
async fn scoreboard_odds_as_one_book() {
    let (server, espn) = espn().await;
    let board = espn.odds(&OddsQuery::new(Sport::Nba)).await.expect("odds");
    assert_eq!(
        server.last().param("dates"),
        None,
        "no window: today's scoreboard"
    );
    assert_eq!(board.provenance.source, "ESPN");
    // The final game is not offered for betting.
    assert_eq!(board.events.len(), 2);

    let det = &board.events[0];
    assert_eq!(det.sport_key, "basketball_nba");
    assert_eq!(det.bookmakers.len(), 1, "the lowest-priority provider only");
    let book = &det.bookmakers[0];
    assert_eq!(book.title, "DraftKings (via ESPN)");
    let market = |k: &str| book.markets.iter().find(|m| m.key == k).expect(k);
    let h2h = market("h2h");
    assert_eq!(
        (h2h.outcomes[0].name.as_str(), h2h.outcomes[0].price.clone()),
        ("Detroit Pistons", am(-440))
    );
    assert_eq!(h2h.outcomes[1].price, am(340));
    let spreads = market("spreads");
    assert_eq!(
        (spreads.outcomes[0].point, spreads.outcomes[0].price.clone()),
        (Some(-10.5), am(-105))
    );
    assert_eq!(
        (spreads.outcomes[1].point, spreads.outcomes[1].price.clone()),
        (Some(10.5), am(-115))
    );
    let totals = market("totals");
    assert_eq!(
        (totals.outcomes[0].name.as_str(), totals.outcomes[0].point),
        ("Over", Some(233.5))
    );
    assert_eq!(totals.outcomes[1].price, am(-115));

    // Older flat shape: numbers only, spread from the home side (BOS away, favourite).
    let lac = &board.events[1];
    assert_eq!(lac.home_team, "LA Clippers");
    let book = &lac.bookmakers[0];
    assert_eq!(book.key, "espn_espn_bet");
    let spreads = book
        .markets
        .iter()
        .find(|m| m.key == "spreads")
        .expect("spreads");
    assert_eq!(spreads.outcomes[0].point, Some(3.5));
    assert_eq!(spreads.outcomes[1].point, Some(-3.5));

    // Team filter bridges "Los Angeles Clippers" (Odds API) and "LA Clippers" (ESPN).
    let clips = espn
        .odds(&OddsQuery::new(Sport::Nba).team("Los Angeles Clippers"))
        .await
        .expect("odds");
    assert_eq!(clips.events.len(), 1);
}

#[tokio::test]
async fn windowed_odds_ask_per_eastern_day_and_props_are_unsupported() {
    let (server, espn) = espn().await;
    let et = chrono::FixedOffset::west_opt(5 * 3600).unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2025, 1, 15).unwrap();
    espn.odds(&OddsQuery::new(Sport::Nba).on_local_day(day, et))
        .await
        .expect("odds");
    assert_eq!(server.last().param("dates").as_deref(), Some("20250115"));

    let q = EventOddsQuery {
        sport: Sport::Nba,
        event_id: "401705101".into(),
        markets: vec!["player_points".into()],
    };
    let err = espn.event_odds(&q).await.expect_err("no props");
    assert!(matches!(err, ProviderError::Unsupported { .. }));
}

#[tokio::test]
async fn scores_from_scoreboard() {
    let (_server, espn) = espn().await;
    let upcoming = espn
        .scores(&ScoresQuery {
            sport: Sport::Nba,
            days_from: None,
        })
        .await
        .expect("scores");
    assert!(upcoming
        .games
        .iter()
        .all(|g| g.status == GameStatus::Scheduled));
    let with_recent = espn
        .scores(&ScoresQuery {
            sport: Sport::Nba,
            days_from: Some(1),
        })
        .await
        .expect("scores");
    let final_game = with_recent
        .games
        .iter()
        .find(|g| g.status == GameStatus::Final)
        .expect("final");
    assert_eq!(
        (final_game.home_score, final_game.away_score),
        (Some(121), Some(115))
    );
    assert_eq!(with_recent.provenance.source, "ESPN");
}

#[tokio::test]
async fn player_game_log() {
    let (server, espn) = espn().await;
    let log = espn
        .game_log(&log_query(SubjectKind::Player, "LeBron", "points", 3))
        .await
        .expect("log");
    let search = server
        .seen()
        .into_iter()
        .find(|s| s.path == "/apis/search/v2")
        .expect("searched");
    assert_eq!(search.param("query").as_deref(), Some("LeBron"));
    assert_eq!(log.subject, "LeBron James", "the NFL namesake is skipped");
    assert_eq!(log.team.as_deref(), Some("LAL"));
    assert_eq!(
        (log.stat.as_str(), log.stat_name.as_str()),
        ("PTS", "points")
    );
    let values: Vec<f64> = log.games.iter().map(|g| g.value).collect();
    assert_eq!(values, vec![28.0, 23.0, 32.0], "oldest first");
    let last = log.games.last().unwrap();
    assert_eq!(last.label, "1/13 @ PHI");
    assert_eq!(
        (last.result.as_deref(), last.score.as_deref()),
        (Some("W"), Some("118-110"))
    );
    assert_eq!(log.games[1].label, "1/11 vs SA");
    assert_eq!(log.provenance.source, "ESPN");

    // DNP rows ("--") and preseason games are skipped.
    let all = espn
        .game_log(&log_query(SubjectKind::Player, "LeBron James", "REB", 10))
        .await
        .expect("log");
    assert_eq!(all.games.len(), 3);
    // Made-attempted cells count the made number.
    let threes = espn
        .game_log(&log_query(SubjectKind::Player, "LeBron", "threes", 1))
        .await
        .expect("log");
    assert_eq!(threes.games[0].value, 4.0);
    // The gamelog document is fetched once and reused for other stats.
    assert_eq!(server.hits_on(GAMELOG_PATH), 1);

    let err = espn
        .game_log(&log_query(SubjectKind::Player, "LeBron", "touchdowns", 3))
        .await
        .expect_err("stat");
    assert!(matches!(err, ProviderError::NotFound { .. }));
}

#[tokio::test]
async fn team_game_log_from_schedule() {
    let (_server, espn) = espn().await;
    let log = espn
        .game_log(&log_query(SubjectKind::Team, "Lakers", "margin", 5))
        .await
        .expect("log");
    assert_eq!(log.subject, "Los Angeles Lakers");
    let values: Vec<f64> = log.games.iter().map(|g| g.value).collect();
    assert_eq!(values, vec![19.0, 8.0], "finals only, oldest first");
    assert_eq!(log.games[1].label, "1/13 @ PHI");

    let scored = espn
        .game_log(&log_query(SubjectKind::Team, "LAL", "points", 5))
        .await
        .expect("log");
    assert_eq!(
        scored.games.iter().map(|g| g.value).collect::<Vec<_>>(),
        vec![120.0, 118.0]
    );

    let err = espn
        .game_log(&log_query(SubjectKind::Team, "Celtics", "points", 5))
        .await
        .expect_err("missing");
    assert!(matches!(err, ProviderError::NotFound { .. }));
}

#[tokio::test]
async fn template_stats_over_espn_logs() {
    let (_server, espn) = espn().await;
    let stats = TemplateStats::new("ESPN", std::sync::Arc::new(espn));
    let q = StatsQuery {
        sport: Some(Sport::Nba),
        question: "How many points is LeBron averaging?".into(),
    };
    let a = stats.ask(&q).await.expect("answer");
    assert_eq!(
        a.answer,
        "LeBron James has averaged 27.7 points in his last 3 games."
    );
    let table = a.table.expect("table");
    assert_eq!(table.headers, vec!["DATE", "OPP", "RESULT", "PTS"]);
    assert_eq!(table.rows[0], vec!["1/13/2025", "@ PHI", "W 118-110", "32"]);
    assert_eq!(table.summary_rows[0][3], "27.7");
    assert_eq!(a.provenance.source, "ESPN");

    let record = StatsQuery {
        sport: Some(Sport::Nba),
        question: "Lakers record last 10 games".into(),
    };
    let a = stats.ask(&record).await.expect("answer");
    assert_eq!(
        a.answer,
        "The Los Angeles Lakers are 2-0 in their last 2 games."
    );
}

#[tokio::test]
async fn espn_errors() {
    let router = Router::new().route(SCOREBOARD_PATH, fixed(502, &[], "bad gateway"));
    let server = MockServer::start(router).await;
    let espn = EspnClient::new(http(), &server.url, &server.url).expect("client");
    let err = espn
        .odds(&OddsQuery::new(Sport::Nba))
        .await
        .expect_err("502");
    assert_eq!(
        err,
        ProviderError::Upstream {
            provider: "ESPN",
            status: 502
        }
    );

    let router = Router::new().route(
        SCOREBOARD_PATH,
        fixed(200, &[], "{\"events\": [ {\"id\": 1 ]"),
    );
    let server = MockServer::start(router).await;
    let espn = EspnClient::new(http(), &server.url, &server.url).expect("client");
    let err = espn
        .odds(&OddsQuery::new(Sport::Nba))
        .await
        .expect_err("garbage");
    assert!(matches!(err, ProviderError::Malformed { .. }));
}

#[test]
fn the_configured_book_list_never_hides_espns_own_book() {
    use crate::providers::odds_api::select_markets;
    let book = |key: &str| Bookmaker {
        key: key.into(),
        title: key.into(),
        last_update: None,
        markets: vec![MarketOdds {
            key: "h2h".into(),
            last_update: None,
            outcomes: vec![],
        }],
    };
    let event = OddsEvent {
        id: "e".into(),
        sport_key: "basketball_nba".into(),
        sport_title: "NBA".into(),
        commence_time: "2025-01-16T00:00:00Z".parse().unwrap(),
        home_team: "Orlando Magic".into(),
        away_team: "Milwaukee Bucks".into(),
        bookmakers: vec![
            book("espn_bet"),
            book("fanduel"),
            book("espnbet"),
            book("draftkings"),
        ],
        provenance: crate::providers::demo::provenance(),
    };
    let kept = select_markets(event, &["h2h".into()], &["draftkings".into()]);
    let keys: Vec<&str> = kept.bookmakers.iter().map(|b| b.key.as_str()).collect();
    assert_eq!(keys, vec!["espn_bet", "draftkings"]);
}

#[tokio::test]
async fn league_injuries_are_fetched_parsed_and_reused() {
    use crate::providers::injuries::InjuryProvider;
    const INJURIES: &str = r#"{"injuries":[{"id":"1","displayName":"Atlanta Hawks","injuries":[
        {"status":"Out","date":"2025-03-10T00:00Z","shortComment":"Young will miss the game.",
         "athlete":{"id":"4277905","displayName":"Trae Young","position":{"abbreviation":"G"}},
         "details":{"type":"Knee","detail":"Sprain","side":"Left","returnDate":"2025-03-20"}}]}]}"#;
    let router = Router::new().route(
        "/apis/site/v2/sports/basketball/nba/injuries",
        fixed(200, &[], INJURIES),
    );
    let server = MockServer::start(router).await;
    let espn = EspnClient::new(http(), &server.url, &server.url).expect("client");
    let report = espn.injuries(Sport::Nba).await.expect("injuries");
    assert_eq!(report.provenance.source, "ESPN");
    assert!(!report.provenance.demo);
    assert_eq!(report.injuries.len(), 1);
    assert_eq!(report.injuries[0].player, "Trae Young");
    assert_eq!(report.missing_for("Atlanta Hawks").len(), 1);
    espn.injuries(Sport::Nba).await.expect("injuries");
    assert_eq!(
        server.hits(),
        1,
        "the report is reused, not fetched per question"
    );
    // Another league is another document; a league ESPN does not answer is an error.
    assert!(espn.injuries(Sport::Nhl).await.is_err());
}
