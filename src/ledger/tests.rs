//! Settlement over the demo dataset: every market type, pushes, Asian quarter lines, a void,
//! a parlay with one losing leg, closing-line value, idempotency, concurrent settlers on
//! Postgres, and a bet locked at the default demo clock that settles once the clock moves.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::closing::{closing_quote, parse_price};
use super::settlement::{SettlementConfig, Settler};
use crate::betting::Market;
use crate::domain::{basis_points, clv, AmericanOdds, BetStatus, DecimalOdds};
use crate::ids::{new_id, now, IdKind};
use crate::providers::{
    OddsBoard, OddsEvent, OddsProvider, OddsQuery, ProviderSet, ProvidersConfig, Sport,
};
use crate::store::{BetRecord, LedgerBet, LegRecord, SharedStore};
use crate::tools::testkit::{widget_text, Kit};

const LATER: &str = "2025-01-16T12:00:00Z";

fn later() -> DateTime<Utc> {
    LATER.parse().unwrap()
}

fn odds_at(clock: Option<DateTime<Utc>>) -> Arc<dyn OddsProvider> {
    ProviderSet::from_config(&ProvidersConfig {
        demo_clock: clock,
        ..Default::default()
    })
    .unwrap()
    .odds()
}

async fn sqlite() -> (SharedStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("ledger.db").display());
    (crate::store::connect(&url, 4).await.unwrap(), dir)
}

/// A leg on the demo board at the default clock, as lock-in would record it (DemoBook A).
fn demo_leg(
    board: &OddsBoard,
    sport: Sport,
    home: &str,
    market: Market,
    selection: &str,
) -> LegRecord {
    let event = board
        .events
        .iter()
        .find(|e| e.home_team == home)
        .unwrap_or_else(|| panic!("no {home} game"));
    let book = &event.bookmakers[0];
    let outcome = book
        .market(market)
        .unwrap()
        .outcomes
        .iter()
        .find(|o| o.name == selection)
        .unwrap_or_else(|| panic!("no {selection} in {market}"));
    let price = outcome.price.clone();
    let closing = closing_quote(
        board,
        &event.id,
        event.commence_time,
        market,
        selection,
        outcome.point,
        &book.key,
        sport,
        None,
    );
    LegRecord {
        bet_id: String::new(),
        leg_index: 0,
        user_id: String::new(),
        event_id: event.id.clone(),
        sport: sport.title().to_ascii_lowercase(),
        home_team: event.home_team.clone(),
        away_team: event.away_team.clone(),
        commence_time: event.commence_time,
        market,
        selection: selection.into(),
        line: outcome.point,
        price_decimal: price.clone(),
        price_american: i64::from(i32::from(price.to_american().unwrap())),
        book: book.key.clone(),
        book_quote_at: book.last_update,
        rule_scope: super::rule_scope(sport).into(),
        result: BetStatus::Pending,
        settled_at: None,
        home_score: None,
        away_score: None,
        closing_price: closing.as_ref().map(|c| c.price.clone()),
        closing_fair: closing.as_ref().and_then(|c| c.fair.clone()),
        closing_quote_at: closing.as_ref().map(|c| c.quote_at),
        clv_bp: None,
    }
}

/// Places a bet of `legs` for `user` with a $100 stake; returns its id.
async fn place(store: &SharedStore, user: &str, key: &str, legs: Vec<LegRecord>) -> String {
    let bet = BetRecord {
        id: new_id(IdKind::Bet),
        user_id: user.into(),
        thread_id: None,
        idempotency_key: key.into(),
        stake_cents: 10_000,
        payout_cents: 0,
        odds_american: 100,
        legs: "[]".into(),
        status: BetStatus::Pending,
        created_at: now(),
    };
    let legs: Vec<LegRecord> = legs
        .into_iter()
        .enumerate()
        .map(|(i, l)| LegRecord {
            bet_id: bet.id.clone(),
            leg_index: i as i64,
            user_id: user.into(),
            ..l
        })
        .collect();
    store.place_tracked_bet(&bet, true, &legs).await.unwrap();
    bet.id
}

async fn boards() -> (OddsBoard, OddsBoard, OddsBoard) {
    let odds = odds_at(None);
    let get = |s| {
        let odds = odds.clone();
        async move { odds.odds(&OddsQuery::new(s)).await.unwrap() }
    };
    (
        get(Sport::Nba).await,
        get(Sport::Epl).await,
        get(Sport::Nhl).await,
    )
}

fn by_key<'a>(ledger: &'a [LedgerBet], key: &str) -> &'a LedgerBet {
    ledger
        .iter()
        .find(|b| b.bet.idempotency_key == key)
        .unwrap_or_else(|| panic!("no bet {key}"))
}

#[tokio::test]
async fn demo_settlement_grades_every_market_push_quarter_lines_void_and_parlays() {
    let (store, _dir) = sqlite().await;
    let (nba, epl, nhl) = boards().await;
    let u = "bettor";
    let cases: Vec<(&str, Vec<LegRecord>)> = vec![
        // Magic 112–108 Bucks; Knicks 121–110; Thunder 109–115 Celtics; Nuggets 116–106.
        (
            "ml",
            vec![demo_leg(
                &nba,
                Sport::Nba,
                "Orlando Magic",
                Market::H2h,
                "Orlando Magic",
            )],
        ),
        (
            "spread",
            vec![demo_leg(
                &nba,
                Sport::Nba,
                "New York Knicks",
                Market::Spreads,
                "New York Knicks",
            )],
        ),
        (
            "total",
            vec![demo_leg(
                &nba,
                Sport::Nba,
                "New York Knicks",
                Market::Totals,
                "Under",
            )],
        ),
        (
            "spread_push",
            vec![demo_leg(
                &nba,
                Sport::Nba,
                "Denver Nuggets",
                Market::Spreads,
                "Denver Nuggets",
            )],
        ),
        (
            "total_push",
            vec![demo_leg(
                &nba,
                Sport::Nba,
                "Denver Nuggets",
                Market::Totals,
                "Over",
            )],
        ),
        // EPL: Leicester 1–1 Palace (±0.25), Arsenal 2–1 Spurs (±0.75), Newcastle 2–1 (−1).
        (
            "quarter_half_lost",
            vec![demo_leg(
                &epl,
                Sport::Epl,
                "Leicester City",
                Market::Spreads,
                "Leicester City",
            )],
        ),
        (
            "quarter_half_won",
            vec![demo_leg(
                &epl,
                Sport::Epl,
                "Leicester City",
                Market::Spreads,
                "Crystal Palace",
            )],
        ),
        (
            "three_quarter_half_won",
            vec![demo_leg(
                &epl,
                Sport::Epl,
                "Arsenal",
                Market::Spreads,
                "Arsenal",
            )],
        ),
        (
            "whole_goal_push",
            vec![demo_leg(
                &epl,
                Sport::Epl,
                "Newcastle United",
                Market::Spreads,
                "Newcastle United",
            )],
        ),
        (
            "draw",
            vec![demo_leg(
                &epl,
                Sport::Epl,
                "Leicester City",
                Market::H2h,
                "Draw",
            )],
        ),
        (
            "home_on_a_draw",
            vec![demo_leg(
                &epl,
                Sport::Epl,
                "Leicester City",
                Market::H2h,
                "Leicester City",
            )],
        ),
        // Rangers @ Vegas was postponed.
        (
            "void",
            vec![demo_leg(
                &nhl,
                Sport::Nhl,
                "Vegas Golden Knights",
                Market::H2h,
                "New York Rangers",
            )],
        ),
        (
            "parlay_one_loss",
            vec![
                demo_leg(
                    &nba,
                    Sport::Nba,
                    "Orlando Magic",
                    Market::H2h,
                    "Orlando Magic",
                ),
                demo_leg(
                    &nba,
                    Sport::Nba,
                    "New York Knicks",
                    Market::Spreads,
                    "New York Knicks",
                ),
                demo_leg(
                    &nba,
                    Sport::Nba,
                    "Oklahoma City Thunder",
                    Market::H2h,
                    "Oklahoma City Thunder",
                ),
            ],
        ),
        (
            "parlay_with_push",
            vec![
                demo_leg(
                    &nba,
                    Sport::Nba,
                    "Orlando Magic",
                    Market::Spreads,
                    "Orlando Magic",
                ),
                demo_leg(
                    &nba,
                    Sport::Nba,
                    "Denver Nuggets",
                    Market::Spreads,
                    "Denver Nuggets",
                ),
            ],
        ),
        // Ipswich v Brighton kicks off at 19:30 on Jan 16: still open at noon.
        (
            "open",
            vec![demo_leg(
                &epl,
                Sport::Epl,
                "Ipswich Town",
                Market::H2h,
                "Ipswich Town",
            )],
        ),
    ];
    for (key, legs) in cases {
        place(&store, u, key, legs).await;
    }

    // At the default clock nothing is final yet.
    let config = SettlementConfig::default();
    let early = Settler::new(store.clone(), odds_at(None), config.clone());
    assert_eq!(early.run_once().await.unwrap().bets_settled, 0);

    let settler = Settler::new(store.clone(), odds_at(Some(later())), config.clone());
    let report = settler.run_once().await.unwrap();
    assert_eq!(report.claimed, 15);
    assert_eq!(report.bets_settled, 14, "{report:?}");
    let ledger = store.list_ledger(u).await.unwrap();
    let got = |key| {
        let b = by_key(&ledger, key);
        (b.bet.status, b.payout_actual_cents)
    };
    use BetStatus::*;
    // Magic −135 on $100: 100 × 47/27 = 174.07.
    assert_eq!(got("ml"), (Won, Some(17_407)));
    // −110: 100 × 21/11 = 190.91.
    assert_eq!(got("spread"), (Won, Some(19_091)));
    assert_eq!(got("total"), (Lost, Some(0)));
    assert_eq!(got("spread_push"), (Push, Some(10_000)));
    assert_eq!(got("total_push"), (Push, Some(10_000)));
    // −0.25 on a draw: half pushed, half lost.
    assert_eq!(got("quarter_half_lost"), (HalfLost, Some(5_000)));
    // +0.25 on a draw at −110: 100 × (1 + 21/11)/2 = 145.45.
    assert_eq!(got("quarter_half_won"), (HalfWon, Some(14_545)));
    assert_eq!(got("three_quarter_half_won"), (HalfWon, Some(14_545)));
    assert_eq!(got("whole_goal_push"), (Push, Some(10_000)));
    let draw = by_key(&ledger, "draw");
    let draw_price = draw.legs[0].price_decimal.clone();
    let draw_payout = (draw_price.as_ratio()
        * crate::domain::BigRational::from_integer(10_000.into()))
    .round()
    .to_integer();
    assert_eq!(
        got("draw"),
        (Won, Some(i64::try_from(draw_payout).unwrap()))
    );
    assert_eq!(got("home_on_a_draw"), (Lost, Some(0)));
    assert_eq!(got("void"), (Void, Some(10_000)));
    assert_eq!(got("parlay_one_loss"), (Lost, Some(0)));
    let results: Vec<BetStatus> = by_key(&ledger, "parlay_one_loss")
        .legs
        .iter()
        .map(|l| l.result)
        .collect();
    assert_eq!(results, vec![Won, Won, Lost]);
    // The push leg drops to 1.0: Magic −1.5 at −110 alone pays 190.91.
    assert_eq!(got("parlay_with_push"), (Won, Some(19_091)));
    assert_eq!(got("open"), (Pending, None));

    // Scores are kept per leg; CLV per leg is taken price over closing fair price − 1.
    let ml = by_key(&ledger, "ml");
    assert_eq!(
        (ml.legs[0].home_score, ml.legs[0].away_score),
        (Some(112), Some(108))
    );
    assert!(
        ml.settled_at.is_some_and(|t| t > later()),
        "settled by the wall clock"
    );
    let leg = &ml.legs[0];
    let expected = basis_points(&clv(&leg.price_decimal, leg.closing_fair.as_ref().unwrap()));
    assert_eq!(leg.clv_bp, Some(expected));
    assert_eq!(ml.clv_bp, Some(expected), "a single's CLV is its leg's");
    // A void ticket has no CLV (nothing counted).
    assert_eq!(by_key(&ledger, "void").clv_bp, None);

    // Idempotent: another pass changes nothing.
    let again = settler.run_once().await.unwrap();
    assert_eq!(
        (again.claimed, again.bets_settled),
        (1, 0),
        "only the open bet is claimed"
    );
    assert_eq!(store.list_ledger(u).await.unwrap(), ledger);
}

#[test]
fn demo_closing_fair_of_a_known_market() {
    // Knicks −7.5 at −110/−110 at both demo books → fair 2/1 → CLV = 21/11 ÷ 2 − 1 = −1/22
    // = −4.55% (−455 bp): the vig is the price of no edge.
    let taken = AmericanOdds::new(-110).unwrap().to_decimal();
    let fair = parse_price("2/1").unwrap();
    assert_eq!(basis_points(&clv(&taken, &fair)), -455);
}

/// The closing fair price of the home moneyline of `event`, anchored to `sharp` when given.
fn home_fair(board: &OddsBoard, event: &OddsEvent, sharp: Option<&str>) -> Option<DecimalOdds> {
    closing_quote(
        board,
        &event.id,
        event.commence_time,
        Market::H2h,
        &event.home_team,
        None,
        "any",
        Sport::Nba,
        sharp,
    )
    .and_then(|q| q.fair)
}

/// With a sharp book configured, the settlement pass records that book's closing no-vig price
/// as the fair price (not the consensus), and the leg's CLV against it.
#[tokio::test]
async fn closing_line_value_is_measured_against_the_sharp_books_close() {
    let (store, _dir) = sqlite().await;
    let (nba, _, _) = boards().await;
    // A game whose two demo books disagree, so the sharp close differs from the consensus.
    let (event, sharp, sharp_fair) = nba
        .events
        .iter()
        .find_map(|e| {
            let second = e.bookmakers.get(1)?.key.clone();
            let anchored = home_fair(&nba, e, Some(&second))?;
            (Some(&anchored) != home_fair(&nba, e, None).as_ref()).then_some((e, second, anchored))
        })
        .expect("a demo NBA game whose books disagree on the moneyline");
    let mut leg = demo_leg(
        &nba,
        Sport::Nba,
        &event.home_team,
        Market::H2h,
        &event.home_team,
    );
    // As if locked before any close was seen: the pass reads it from the board.
    leg.closing_price = None;
    leg.closing_fair = None;
    leg.closing_quote_at = None;
    place(&store, "sharp-user", "sharp", vec![leg.clone()]).await;
    let config = SettlementConfig::default().quoting(Vec::new(), Some(sharp));
    let report = Settler::new(store.clone(), odds_at(None), config)
        .run_once()
        .await
        .unwrap();
    assert_eq!(report.closing_updated, 1);
    let stored = &store.list_ledger("sharp-user").await.unwrap()[0].legs[0];
    assert_eq!(stored.closing_fair.as_ref(), Some(&sharp_fair));
    let expected = basis_points(&clv(&leg.price_decimal, &sharp_fair));
    assert_eq!(stored.clv_bp, Some(expected));
}

/// Two settlers racing over the same bets grade each one exactly once.
async fn concurrent_settlers_grade_each_bet_once(store: SharedStore) {
    let (nba, _, _) = boards().await;
    let u = new_id(IdKind::Session);
    let mut ids = Vec::new();
    for i in 0..12 {
        let leg = demo_leg(
            &nba,
            Sport::Nba,
            "Orlando Magic",
            Market::H2h,
            "Orlando Magic",
        );
        ids.push(place(&store, &u, &format!("race-{i}"), vec![leg]).await);
    }
    let config = SettlementConfig {
        batch: 5,
        ..Default::default()
    };
    let a = Settler::new(store.clone(), odds_at(Some(later())), config.clone()).for_user(&u);
    let b = Settler::new(store.clone(), odds_at(Some(later())), config.clone()).for_user(&u);
    let mut settled = 0;
    for _ in 0..4 {
        let (ra, rb) = tokio::join!(a.run_once(), b.run_once());
        settled += ra.unwrap().bets_settled + rb.unwrap().bets_settled;
    }
    assert_eq!(settled, 12, "each bet settled exactly once");
    let ledger = store.list_ledger(&u).await.unwrap();
    assert!(ledger
        .iter()
        .all(|b| b.bet.status == BetStatus::Won && b.payout_actual_cents == Some(17_407)));
}

#[tokio::test]
async fn concurrent_settlers_on_postgres() {
    let store = crate::store::connect(&crate::store::postgres_test_url(), 8)
        .await
        .expect("PL_TEST_DATABASE_URL must name a reachable Postgres");
    concurrent_settlers_grade_each_bet_once(store).await;
}

#[tokio::test]
async fn concurrent_settlers_on_sqlite() {
    let (store, _dir) = sqlite().await;
    concurrent_settlers_grade_each_bet_once(store).await;
}

/// The first action config of `kind` in a widget tree.
fn find_action(widget: &Value, kind: &str) -> Option<Value> {
    match widget {
        Value::Object(map) => {
            if map.get("onClickAction").is_some_and(|a| a["type"] == kind) {
                return Some(map["onClickAction"].clone());
            }
            map.values().find_map(|v| find_action(v, kind))
        }
        Value::Array(list) => list.iter().find_map(|v| find_action(v, kind)),
        _ => None,
    }
}

/// A 3-leg NBA spread slip (Magic, Knicks, Thunder) for `stake_cents`, built through the
/// engine: its thread, item id and the Lock It In action as the browser sends it.
async fn nba_slip(kit: &Kit, stake_cents: i64) -> (String, String, Value) {
    let board = kit
        .run_tool(
            "get_odds_visual",
            json!({"sport": "nba", "market": "spreads"}),
        )
        .await;
    let id = |home: &str| {
        board.result["games"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["game"].as_str().unwrap().ends_with(home))
            .unwrap()["event_id"]
            .clone()
    };
    let legs = json!([
        {"event_id": id("Orlando Magic"), "market": "spreads", "selection": "Orlando Magic"},
        {"event_id": id("New York Knicks"), "market": "spreads", "selection": "New York Knicks"},
        {"event_id": id("Oklahoma City Thunder"), "market": "spreads", "selection": "Oklahoma City Thunder"},
    ]);
    let run = kit
        .run_tool(
            "build_parlay",
            json!({"legs": legs, "stake_cents": stake_cents}),
        )
        .await;
    let slip = run.widgets()[0].clone();
    let item_id = slip["id"].as_str().unwrap().to_owned();
    let config = find_action(&slip["widget"], "parlay.lock_in").unwrap();
    let action = json!({"type": config["type"], "payload": config["payload"]});
    (run.thread_id.clone(), item_id, action)
}

fn error_message(events: &[Value]) -> Option<String> {
    let last = events.last()?;
    (last["type"] == "error").then(|| last["message"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn a_bet_locked_at_the_default_demo_clock_settles_when_the_clock_moves() {
    // Lock a 3-leg NBA spread parlay through the real engine at the default demo clock.
    let kit = Kit::new().await;
    let (thread_id, item_id, action) = nba_slip(&kit, 10_000).await;
    let events = kit
        .action(&thread_id, Some(&item_id), action)
        .await
        .unwrap();
    let receipt = events
        .iter()
        .find(|e| e["type"] == "thread.item.replaced")
        .expect("a receipt");
    assert!(widget_text(&receipt["item"]["widget"]).contains("not placed with a sportsbook"));

    let store = kit.store.clone();
    let ledger = store.list_ledger("u1").await.unwrap();
    assert_eq!(ledger.len(), 1);
    let legs = &ledger[0].legs;
    assert_eq!(legs.len(), 3);
    assert!(ledger[0].demo);
    assert!(legs.iter().all(|l| l.market == Market::Spreads
        && l.book_quote_at.is_some()
        && l.closing_fair.is_some()
        && l.rule_scope == "including_overtime"));

    // Same store, the server restarted with PL_DEMO_CLOCK=2025-01-16T12:00:00Z.
    let config = SettlementConfig::default();
    Settler::new(store.clone(), odds_at(None), config.clone())
        .run_once()
        .await
        .unwrap();
    assert_eq!(
        store.list_ledger("u1").await.unwrap()[0].bet.status,
        BetStatus::Pending
    );
    let report = Settler::new(store.clone(), odds_at(Some(later())), config)
        .run_once()
        .await
        .unwrap();
    assert_eq!(report.bets_settled, 1);
    let bet = &store.list_ledger("u1").await.unwrap()[0];
    // Magic −1.5 (112–108) won, Knicks −7.5 (121–110) won, Thunder −3.5 (109–115) lost.
    let results: Vec<BetStatus> = bet.legs.iter().map(|l| l.result).collect();
    assert_eq!(
        results,
        vec![BetStatus::Won, BetStatus::Won, BetStatus::Lost]
    );
    assert_eq!(
        (bet.bet.status, bet.payout_actual_cents),
        (BetStatus::Lost, Some(0))
    );
    // The ticket's CLV is the product of taken over closing fair prices, minus 1.
    let legs_now: Vec<_> = bet
        .legs
        .iter()
        .map(|l| (l.result, l.price_decimal.clone(), l.closing_fair.clone()))
        .collect();
    let expected = crate::domain::ticket_clv(&legs_now).map(|c| basis_points(&c));
    assert!(expected.is_some());
    assert_eq!(bet.clv_bp, expected);
}

#[tokio::test]
async fn lock_in_is_refused_past_a_stake_cap_and_a_raise_waits_its_delay() {
    let kit = Kit::new().await;
    let set = kit
        .run_tool("set_limits", json!({"daily_stake_cap_cents": 5_000}))
        .await;
    assert!(
        set.result["changes"][0]
            .as_str()
            .unwrap()
            .contains("in force now"),
        "{}",
        set.result
    );
    let (thread_id, item_id, action) = nba_slip(&kit, 10_000).await;
    let events = kit
        .action(&thread_id, Some(&item_id), action.clone())
        .await
        .unwrap();
    let refused = error_message(&events).expect("refused");
    assert!(refused.contains("daily stake cap of $50.00"), "{refused}");
    assert!(kit.bets("u1").await.is_empty(), "nothing placed");

    // Raising the cap is a loosening: it waits 24 h and the $50 cap still holds.
    let raise = kit
        .run_tool("set_limits", json!({"daily_stake_cap_cents": 50_000}))
        .await;
    assert!(
        raise.result["changes"][0]
            .as_str()
            .unwrap()
            .contains("waits 24 hours"),
        "{}",
        raise.result
    );
    let events = kit
        .action(&thread_id, Some(&item_id), action.clone())
        .await
        .unwrap();
    assert!(error_message(&events).is_some_and(|m| m.contains("$50.00")));

    // Within the cap the bet goes through, and then counts against it.
    let (thread_id, item_id, small) = nba_slip(&kit, 3_000).await;
    let events = kit.action(&thread_id, Some(&item_id), small).await.unwrap();
    assert_eq!(error_message(&events), None);
    assert_eq!(kit.bets("u1").await.len(), 1);
    let (thread_id, item_id, more) = nba_slip(&kit, 2_500).await;
    let events = kit.action(&thread_id, Some(&item_id), more).await.unwrap();
    let refused = error_message(&events).expect("refused");
    assert!(
        refused.contains("$30.00 already staked") && refused.contains("at most $20.00"),
        "{refused}"
    );
}

#[tokio::test]
async fn cool_off_and_self_exclusion_refuse_every_bet() {
    let kit = Kit::new().await;
    let run = kit.run_tool("set_limits", json!({"cool_off": "7d"})).await;
    assert!(run.result["cool_off_until"].is_string(), "{}", run.result);
    let (thread_id, item_id, action) = nba_slip(&kit, 1_000).await;
    let events = kit
        .action(&thread_id, Some(&item_id), action)
        .await
        .unwrap();
    assert!(error_message(&events).is_some_and(|m| m.contains("cool-off runs until")));

    let kit = Kit::new().await;
    kit.run_tool("set_limits", json!({"self_exclude": true}))
        .await;
    // Asking for a short cool-off cannot end a self-exclusion.
    kit.run_tool("set_limits", json!({"cool_off": "24h"})).await;
    let (thread_id, item_id, action) = nba_slip(&kit, 1_000).await;
    let events = kit
        .action(&thread_id, Some(&item_id), action)
        .await
        .unwrap();
    assert!(error_message(&events).is_some_and(|m| m.contains("self-excluded")));
    assert!(kit.bets("u1").await.is_empty());
}

#[tokio::test]
async fn my_bets_reports_the_ledger_and_its_card() {
    let kit = Kit::new().await;
    let empty = kit.run_tool("my_bets", json!({})).await;
    assert_eq!(empty.result["open_bets"], 0, "{}", empty.result);
    let (thread_id, item_id, action) = nba_slip(&kit, 10_000).await;
    kit.action(&thread_id, Some(&item_id), action)
        .await
        .unwrap();
    // Settle it at the moved clock, on the kit's store.
    let store = kit.store.clone();
    Settler::new(store, odds_at(Some(later())), SettlementConfig::default())
        .run_once()
        .await
        .unwrap();
    let run = kit.run_tool("my_bets", json!({})).await;
    let r = &run.result;
    assert_eq!(
        (r["open_bets"].as_u64(), r["settled_bets"].as_u64()),
        (Some(0), Some(1)),
        "{r}"
    );
    assert_eq!(r["lost"], 1);
    assert_eq!(r["profit_loss"], "-$100.00");
    assert_eq!(r["roi"], "-100.00%");
    assert!(r["average_clv"].is_string());
    assert_eq!(r["recent"][0]["bet"], "3-leg parlay");
    let card = widget_text(&run.widgets()[0]["widget"]);
    assert!(
        card.contains("My bets") && card.contains("-$100.00") && card.contains("Lost"),
        "{card}"
    );
}

#[tokio::test]
async fn two_slips_clicked_at_once_cannot_both_pass_a_cap_with_room_for_one() {
    let kit = Kit::new().await;
    kit.run_tool("set_limits", json!({"daily_stake_cap_cents": 5_000}))
        .await;
    let (thread_a, item_a, action_a) = nba_slip(&kit, 3_000).await;
    let (thread_b, item_b, action_b) = nba_slip(&kit, 3_000).await;
    let (a, b) = tokio::join!(
        kit.action(&thread_a, Some(&item_a), action_a),
        kit.action(&thread_b, Some(&item_b), action_b),
    );
    let refusals: Vec<String> = [a.unwrap(), b.unwrap()]
        .iter()
        .filter_map(|events| error_message(events))
        .collect();
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert!(refusals[0].contains("daily stake cap"), "{refusals:?}");
    assert_eq!(
        kit.bets("u1").await.len(),
        1,
        "$60 never stands against a $50 cap"
    );
}
