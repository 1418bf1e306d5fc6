//! The embedded demo dataset: it loads, it is labelled, and the demo questions work.

use chrono::{FixedOffset, NaiveDate};

use crate::providers::demo::{self, demo_clock};
use crate::providers::*;

fn set() -> ProviderSet {
    ProviderSet::demo().expect("demo set")
}

fn assert_demo(p: &Provenance) {
    assert_eq!(p.source, "DEMO DATA");
    assert!(p.demo);
    assert_eq!(p.as_of, demo_clock());
}

#[test]
fn dataset_is_labelled_small_and_complete() {
    let m = demo::manifest().expect("manifest");
    assert!(m.synthetic);
    assert!(m.label.starts_with("DEMO DATA"));
    assert_eq!(m.demo_clock, demo::DEMO_CLOCK);
    assert_eq!(m.files.len(), 35);
    let bytes = demo::embedded_bytes();
    assert!(bytes < 1_000_000, "demo data is {bytes} bytes");
    assert_eq!(demo_clock().to_rfc3339(), "2025-01-15T17:00:00+00:00");
}

#[tokio::test]
async fn every_sport_has_odds_from_fictional_books_only() {
    let odds = set().odds();
    assert_eq!(odds.now(), demo_clock());
    let sports = odds.sports().await.expect("sports");
    assert_demo(&sports.provenance);
    assert_eq!(sports.sports.len(), 5);
    for sport in Sport::ALL {
        let board = odds.odds(&OddsQuery::new(sport)).await.expect("odds");
        assert_demo(&board.provenance);
        assert!(
            board.events.len() >= 4,
            "{sport}: {} events",
            board.events.len()
        );
        for e in &board.events {
            assert_demo(&e.provenance);
            assert!(e.bookmakers.len() >= 2);
            for b in &e.bookmakers {
                assert!(
                    b.key.starts_with("demobook_") && b.title.ends_with("(synthetic)"),
                    "{}",
                    b.title
                );
                let keys: Vec<&str> = b.markets.iter().map(|m| m.key.as_str()).collect();
                assert_eq!(keys, vec!["h2h", "spreads", "totals"]);
                for o in b.markets.iter().flat_map(|m| &m.outcomes) {
                    // The dataset is written in whole American odds, read as such.
                    assert!(o.price.american_exact().is_integer(), "{o:?}");
                }
            }
        }
    }
}

#[tokio::test]
async fn tonights_nba_odds() {
    let odds = set().odds();
    let et = FixedOffset::west_opt(5 * 3600).unwrap();
    let today = odds.now().with_timezone(&et).date_naive();
    assert_eq!(today, NaiveDate::from_ymd_opt(2025, 1, 15).unwrap());
    let board = odds
        .odds(&OddsQuery::new(Sport::Nba).on_local_day(today, et))
        .await
        .expect("odds");
    assert!(board.events.len() >= 4);
    assert!(board
        .events
        .windows(2)
        .all(|w| w[0].commence_time <= w[1].commence_time));

    let h2h_only = OddsQuery {
        markets: vec!["h2h".into()],
        ..OddsQuery::new(Sport::Nba).team("Lakers")
    };
    let lakers = odds.odds(&h2h_only).await.expect("odds");
    assert_eq!(lakers.events.len(), 1);
    assert!(lakers.events[0]
        .bookmakers
        .iter()
        .all(|b| b.markets.len() == 1));
}

#[tokio::test]
async fn player_props_for_the_lakers_game() {
    let odds = set().odds();
    let board = odds
        .odds(&OddsQuery::new(Sport::Nba).team("Lakers"))
        .await
        .expect("odds");
    let q = EventOddsQuery {
        sport: Sport::Nba,
        event_id: board.events[0].id.clone(),
        markets: vec!["player_points".into()],
    };
    let event = odds.event_odds(&q).await.expect("props");
    assert_demo(&event.provenance);
    let outcomes: Vec<&Outcome> = event
        .bookmakers
        .iter()
        .flat_map(|b| &b.markets)
        .flat_map(|m| &m.outcomes)
        .collect();
    assert!(event
        .bookmakers
        .iter()
        .flat_map(|b| &b.markets)
        .all(|m| m.key == "player_points"));
    assert!(outcomes
        .iter()
        .any(|o| o.description.as_deref() == Some("LeBron James") && o.point.is_some()));

    let missing = EventOddsQuery {
        event_id: "nope".into(),
        ..q
    };
    assert!(matches!(
        odds.event_odds(&missing).await,
        Err(ProviderError::NotFound { .. })
    ));
}

#[tokio::test]
async fn scores_follow_the_odds_api_rules() {
    let odds = set().odds();
    let upcoming = odds
        .scores(&ScoresQuery {
            sport: Sport::Nba,
            days_from: None,
        })
        .await
        .expect("scores");
    assert_demo(&upcoming.provenance);
    assert!(upcoming.games.iter().all(|g| g.status != GameStatus::Final));
    let recent = odds
        .scores(&ScoresQuery {
            sport: Sport::Nba,
            days_from: Some(1),
        })
        .await
        .expect("scores");
    assert!(recent
        .games
        .iter()
        .any(|g| g.status == GameStatus::Final && g.home_score.is_some()));
    let epl = odds
        .scores(&ScoresQuery {
            sport: Sport::Epl,
            days_from: Some(1),
        })
        .await
        .expect("scores");
    assert!(epl.games.iter().any(|g| g.status == GameStatus::Live));
}

#[tokio::test]
async fn how_many_points_is_lebron_averaging() {
    let set = set();
    let log = set
        .game_logs()
        .game_log(&GameLogQuery {
            sport: Sport::Nba,
            kind: SubjectKind::Player,
            name: "LeBron".into(),
            stat: "points".into(),
            last_n: 50,
        })
        .await
        .expect("log");
    assert_demo(&log.provenance);
    assert_eq!(log.subject, "LeBron James");
    assert_eq!(log.games.len(), 10);
    let expected = format!("{:.1}", log.average().unwrap());

    let q = StatsQuery {
        sport: None,
        question: "How many points is LeBron averaging?".into(),
    };
    let a = set.stats().ask(&q).await.expect("answer");
    assert_demo(&a.provenance);
    assert_eq!(
        a.answer,
        format!("LeBron James has averaged {expected} points in his last 10 games.")
    );
    let table = a.table.expect("table");
    assert_eq!(table.rows.len(), 10);
    assert_eq!(table.summary_rows[0].last(), Some(&expected));
}

#[tokio::test]
async fn canonical_pages_agree_with_the_game_logs() {
    let set = set();
    let log = set
        .game_logs()
        .game_log(&GameLogQuery {
            sport: Sport::Nba,
            kind: SubjectKind::Player,
            name: "LeBron James".into(),
            stat: "PTS".into(),
            last_n: 5,
        })
        .await
        .expect("log");
    let avg = format!("{:.1}", log.average().unwrap());
    let q = StatsQuery {
        sport: Some(Sport::Nba),
        question: "LeBron James points last 5 games".into(),
    };
    let a = set.stats().ask(&q).await.expect("answer");
    assert_eq!(
        a.answer,
        format!("LeBron James has averaged {avg} points in his last 5 games.")
    );
    assert!(a
        .source_url
        .as_deref()
        .unwrap_or_default()
        .starts_with("https://demo.invalid/nba/ask/"));
    let t = a.table.expect("table");
    assert_eq!(t.headers[..4], ["NAME", "DATE", "TM", "OPP"]);
    let newest = log.games.last().unwrap().value;
    assert_eq!(
        t.rows[0].last().map(String::as_str),
        Some(format!("{newest}").as_str())
    );

    // Accents and sport are optional; team questions and other leagues work too.
    for question in [
        "Nikola Jokić stats last 5 games",
        "Connor McDavid points last 10 games",
        "Lakers record last 10 games",
        "Patrick Mahomes passing yards last 3 games",
        "Nuggets points last 5 games",
        "Mohamed Salah goals last 5 games",
        "Aaron Judge home runs last 10 games",
    ] {
        let a = set
            .stats()
            .ask(&StatsQuery {
                sport: None,
                question: question.into(),
            })
            .await;
        let a = a.unwrap_or_else(|e| panic!("{question}: {e}"));
        assert_demo(&a.provenance);
        assert!(a.table.is_some_and(|t| !t.rows.is_empty()), "{question}");
    }

    let unknown = StatsQuery {
        sport: Some(Sport::Nba),
        question: "Michael Jordan points last 5 games".into(),
    };
    let err = set
        .stats()
        .ask(&unknown)
        .await
        .expect_err("not in the demo");
    assert!(matches!(err, ProviderError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn team_game_logs_for_trend_charts() {
    let log = set()
        .game_logs()
        .game_log(&GameLogQuery {
            sport: Sport::Nhl,
            kind: SubjectKind::Team,
            name: "Oilers".into(),
            stat: "total".into(),
            last_n: 5,
        })
        .await
        .expect("log");
    assert_demo(&log.provenance);
    assert_eq!(log.subject, "Edmonton Oilers");
    assert_eq!(log.games.len(), 5);
    assert!(log.games.windows(2).all(|w| w[0].date < w[1].date));
    assert!(log
        .games
        .iter()
        .all(|g| g.label.contains(" vs ") || g.label.contains(" @ ")));
}

#[tokio::test]
async fn search_for_weather_in_denver() {
    let search = set().search();
    let r = search
        .search(&SearchQuery::new("Search for weather in Denver"))
        .await
        .expect("results");
    assert_demo(&r.provenance);
    assert!(!r.results.is_empty());
    let top = r.results[0].title.to_lowercase();
    assert!(top.contains("denver") && top.contains("weather"), "{top}");
    assert!(r
        .results
        .iter()
        .all(|x| x.url.starts_with("https://demo.invalid/") && x.title.starts_with("[DEMO]")));

    let injuries = search
        .search(&SearchQuery::new("Lakers injury news"))
        .await
        .expect("results");
    assert!(injuries.results[0].title.contains("Lakers"));
    let nothing = search
        .search(&SearchQuery::new("curling world cup"))
        .await
        .expect("results");
    assert!(nothing.results.is_empty());
}
