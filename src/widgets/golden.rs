//! Test support: golden-JSON snapshots of widgets (`src/widgets/golden/*.json`), the catalogue
//! check every streamed widget must pass, and small fixed fixtures to build widgets from.
//!
//! `UPDATE_GOLDEN=1 cargo nextest run --features ssr widgets::` rewrites the snapshots; review
//! the diff before committing it.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::betting::*;
use crate::domain::{AmericanOdds, Cents, DecimalOdds};
use crate::protocol::WidgetRoot;

use super::receipt::{BetReceipt, LockedLeg};

/// What every widget we send must satisfy: the catalogue's structural rules, and a JSON form
/// that parses back (strictly, closed component set) to the same tree.
pub fn check_widget(widget: &WidgetRoot) {
    if let Err(issues) = widget.validate() {
        let list: Vec<String> = issues.iter().map(ToString::to_string).collect();
        panic!("widget fails validation: {}", list.join("; "));
    }
    let json = serde_json::to_value(widget).expect("widget serialises");
    let back: WidgetRoot = serde_json::from_value(json.clone()).expect("widget parses back");
    assert_eq!(
        serde_json::to_value(&back).unwrap(),
        json,
        "widget round trip"
    );
}

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("src/widgets/golden")
        .join(format!("{name}.json"))
}

/// Checks `widget` and compares it with its golden file (as JSON values, so formatting of the
/// file does not matter).
pub fn assert_golden(name: &str, widget: &WidgetRoot) {
    check_widget(widget);
    let actual = serde_json::to_value(widget).unwrap();
    let path = golden_path(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let text = serde_json::to_string_pretty(&actual).unwrap() + "\n";
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no golden file {}; create it with UPDATE_GOLDEN=1",
            path.display()
        )
    });
    let expected: Value = serde_json::from_str(&expected).unwrap();
    assert_eq!(
        actual,
        expected,
        "widget `{name}` differs from {}; if the change is intended, rerun with UPDATE_GOLDEN=1",
        path.display()
    );
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("fixture time")
}

/// The demo dataset's clock (`providers::demo::DEMO_CLOCK`).
fn demo_clock() -> DateTime<Utc> {
    at("2025-01-15T17:00:00Z")
}

fn demo_provenance() -> Provenance {
    Provenance::demo(demo_clock())
}

/// The exact price of an American quote (test data is written in American odds).
pub fn am(american: i32) -> DecimalOdds {
    AmericanOdds::new(american)
        .expect("a valid American price")
        .to_decimal()
}

fn outcome(name: &str, price: i32, point: Option<f64>) -> Outcome {
    Outcome {
        name: name.into(),
        price: am(price),
        point,
        description: None,
    }
}

fn market(key: Market, outcomes: Vec<Outcome>) -> MarketOdds {
    MarketOdds {
        key: key.as_str().into(),
        last_update: None,
        outcomes,
    }
}

fn book(key: &str, title: &str, updated: &str, markets: Vec<MarketOdds>) -> Bookmaker {
    Bookmaker {
        key: key.into(),
        title: title.into(),
        last_update: Some(at(updated)),
        markets,
    }
}

/// Two games: one priced by two books (different totals lines), one by one book (moneyline only).
pub fn sample_board() -> OddsBoard {
    let (heat, lakers) = ("Miami Heat", "Los Angeles Lakers");
    let game_1 = OddsEvent {
        id: "evt_heat_lakers".into(),
        sport_key: "basketball_nba".into(),
        sport_title: "NBA".into(),
        commence_time: at("2025-01-16T01:00:00Z"),
        home_team: lakers.into(),
        away_team: heat.into(),
        bookmakers: vec![
            book(
                "book_a",
                "DemoBook A (synthetic)",
                "2025-01-15T16:53:00Z",
                vec![
                    market(
                        Market::H2h,
                        vec![outcome(lakers, -150, None), outcome(heat, 130, None)],
                    ),
                    market(
                        Market::Spreads,
                        vec![
                            outcome(heat, -110, Some(4.0)),
                            outcome(lakers, -110, Some(-4.0)),
                        ],
                    ),
                    market(
                        Market::Totals,
                        vec![
                            outcome("Over", -110, Some(220.0)),
                            outcome("Under", -110, Some(220.0)),
                        ],
                    ),
                ],
            ),
            book(
                "book_b",
                "DemoBook B (synthetic)",
                "2025-01-15T16:58:00Z",
                vec![
                    market(
                        Market::H2h,
                        vec![outcome(heat, 140, None), outcome(lakers, -160, None)],
                    ),
                    market(
                        Market::Spreads,
                        vec![
                            outcome(heat, -105, Some(4.0)),
                            outcome(lakers, -115, Some(-4.0)),
                        ],
                    ),
                    market(
                        Market::Totals,
                        vec![
                            outcome("Over", -115, Some(220.5)),
                            outcome("Under", -105, Some(220.5)),
                        ],
                    ),
                ],
            ),
        ],
        provenance: demo_provenance(),
    };
    let game_2 = OddsEvent {
        id: "evt_celtics_thunder".into(),
        sport_key: "basketball_nba".into(),
        sport_title: "NBA".into(),
        commence_time: at("2025-01-16T03:30:00Z"),
        home_team: "Oklahoma City Thunder".into(),
        away_team: "Boston Celtics".into(),
        bookmakers: vec![book(
            "book_a",
            "DemoBook A (synthetic)",
            "2025-01-15T16:55:00Z",
            vec![market(
                Market::H2h,
                vec![
                    outcome("Boston Celtics", 155, None),
                    outcome("Oklahoma City Thunder", -185, None),
                ],
            )],
        )],
        provenance: demo_provenance(),
    };
    OddsBoard {
        sport: Sport::Nba,
        events: vec![game_1, game_2],
        provenance: demo_provenance(),
    }
}

fn slip_leg(
    event: &str,
    (away, home): (&str, &str),
    market: Market,
    selection: &str,
    point: Option<f64>,
    price: i32,
    fair_bp: u32,
) -> SlipLeg {
    SlipLeg {
        event_id: event.into(),
        away: away.into(),
        home: home.into(),
        commence_time: at("2025-01-16T01:00:00Z"),
        market,
        selection: selection.into(),
        point,
        price: am(price),
        book: "demobook_a".into(),
        book_title: "DemoBook A (synthetic)".into(),
        fair_bp,
        fair_probability: None,
        previous_price: None,
        injury_note: None,
    }
}

/// −110, +150, −200 on $100: providers.md §6.5 vector 1 ($715.91, +616).
pub fn sample_slip() -> SlipState {
    SlipState {
        key: "slip_0123456789abcdef".into(),
        sport: Sport::Nba,
        stake_cents: 10_000,
        legs: vec![
            slip_leg(
                "evt_1",
                ("Miami Heat", "Los Angeles Lakers"),
                Market::Spreads,
                "Los Angeles Lakers",
                Some(-4.0),
                -110,
                5_200,
            ),
            slip_leg(
                "evt_2",
                ("Boston Celtics", "Oklahoma City Thunder"),
                Market::H2h,
                "Boston Celtics",
                None,
                150,
                3_900,
            ),
            slip_leg(
                "evt_3",
                ("Charlotte Hornets", "Denver Nuggets"),
                Market::H2h,
                "Denver Nuggets",
                None,
                -200,
                6_500,
            ),
        ],
        source: DEMO_SOURCE.into(),
        as_of: demo_clock(),
        demo: true,
    }
}

pub fn sample_receipt() -> BetReceipt {
    let slip = sample_slip();
    let decimals = [(21, 11), (5, 2), (3, 2)];
    BetReceipt {
        bet_id: "bet_0123456789abcdef0123456789abcdef".into(),
        idempotency_key: slip.key.clone(),
        placed_at: at("2025-01-15T17:05:00Z"),
        sport: Sport::Nba,
        stake: Cents::dollars(100),
        payout: Cents::new(71_591),
        combined: DecimalOdds::from_ratio(315, 44).unwrap(),
        odds_american: 616,
        legs: slip
            .legs
            .into_iter()
            .zip(decimals)
            .map(|(leg, decimal)| LockedLeg {
                leg,
                sport: Sport::Nba,
                decimal: DecimalOdds::from_ratio(decimal.0, decimal.1).unwrap(),
                source: DEMO_SOURCE.into(),
                as_of: demo_clock(),
                demo: true,
            })
            .collect(),
    }
}

pub fn sample_search() -> SearchResults {
    let result = |title: &str, url: &str, snippet: &str| SearchResult {
        title: title.into(),
        url: url.into(),
        snippet: snippet.into(),
        engine: "demo".into(),
        published: Some(at("2025-01-15T12:00:00Z")),
    };
    SearchResults {
        query: "weather in Denver".into(),
        results: vec![
            result(
                "[DEMO] Denver, CO weather forecast",
                "https://demo.invalid/weather/denver",
                "Sunny, high of 41°F; light wind.",
            ),
            result(
                "[DEMO] Snow this weekend in Denver",
                "https://www.example.org/denver-snow",
                "A cold front brings light snow on Saturday.",
            ),
        ],
        answer: None,
        provenance: demo_provenance(),
    }
}

/// A small NBA injury report on demo provenance: one player out, one day-to-day.
pub fn sample_injuries() -> InjuryReport {
    let injury = |player: &str, team: &str, status: &str, detail: &str| Injury {
        player: player.into(),
        position: Some("G".into()),
        team: team.into(),
        status: InjuryStatus::parse(status),
        status_text: status.into(),
        detail: detail.into(),
        comment: None,
        updated: Some(at("2025-01-14T15:00:00Z")),
        return_date: chrono::NaiveDate::from_ymd_opt(2025, 2, 5),
    };
    InjuryReport {
        sport: Sport::Nba,
        injuries: vec![
            injury("Luka Dončić", "Dallas Mavericks", "Out", "Left calf strain"),
            injury(
                "Austin Reaves",
                "Los Angeles Lakers",
                "Day-To-Day",
                "Right ankle sprain",
            ),
        ],
        provenance: demo_provenance(),
    }
}

pub fn sample_stats() -> StatsAnswer {
    let row = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
    StatsAnswer {
        question: "LeBron James points last 3 games".into(),
        answer: "LeBron James has averaged 26.0 points in his last 3 games.".into(),
        interpreted_as: None,
        table: Some(StatsTable {
            headers: row(&["DATE", "OPP", "PTS"]),
            rows: vec![
                row(&["1/10", "@ PHI", "24"]),
                row(&["1/12", "vs MIA", "30"]),
                row(&["1/14", "@ BOS", "24"]),
            ],
            summary_rows: vec![row(&["Average", "", "26.0"])],
        }),
        source_url: Some("https://demo.invalid/nba/ask/lebron-james-points-last-3-games".into()),
        provenance: demo_provenance(),
    }
}

pub fn sample_game_log() -> GameLog {
    let games = [24.0, 30.0, 18.0, 32.0, 26.0]
        .into_iter()
        .enumerate()
        .map(|(i, value)| GamePoint {
            game_id: format!("g{i}"),
            date: at("2025-01-05T00:00:00Z") + chrono::Duration::days(2 * i as i64),
            opponent: "PHI".into(),
            home: i % 2 == 0,
            label: format!(
                "1/{} {} PHI",
                5 + 2 * i,
                if i % 2 == 0 { "vs" } else { "@" }
            ),
            result: Some(if value > 25.0 { "W" } else { "L" }.into()),
            score: None,
            value,
        })
        .collect();
    GameLog {
        sport: Sport::Nba,
        kind: SubjectKind::Player,
        subject: "LeBron James".into(),
        team: Some("LAL".into()),
        stat: "PTS".into(),
        stat_name: "points".into(),
        games,
        provenance: demo_provenance(),
    }
}

/// A ledger with one open single, a half-won quarter line and a lost parlay.
pub fn sample_ledger() -> super::ledger::LedgerView {
    use super::ledger::{LedgerRow, LedgerView};
    use crate::domain::BetStatus;
    let at = demo_clock();
    LedgerView {
        open_count: 1,
        open_stake: Cents::new(2_500),
        settled_count: 2,
        won: 1,
        lost: 1,
        returned: 0,
        turnover: Cents::new(20_000),
        // +45.45 on the half win, −100.00 on the parlay; −54.55 / 200.00 = −27.28%.
        profit: Cents::new(-5_455),
        roi_bp: Some(-2_728),
        avg_clv_bp: Some(-879),
        clv_bets: 2,
        rows: vec![
            LedgerRow {
                bet_id: "bet_0123456789abcdef0123456789abcdef".into(),
                title: "Ipswich Town ML".into(),
                detail: "Brighton @ Ipswich · pending".into(),
                status: BetStatus::Pending,
                stake: Cents::new(2_500),
                payout: Cents::new(7_125),
                clv_bp: None,
                placed_at: at,
            },
            LedgerRow {
                bet_id: "bet_1123456789abcdef0123456789abcdef".into(),
                title: "Crystal Palace +0.25".into(),
                detail: "Palace @ Leicester · 1–1 · half won".into(),
                status: BetStatus::HalfWon,
                stake: Cents::new(10_000),
                payout: Cents::new(14_545),
                clv_bp: Some(-455),
                placed_at: at,
            },
            LedgerRow {
                bet_id: "bet_2123456789abcdef0123456789abcdef".into(),
                title: "3-leg parlay".into(),
                detail: "Magic -1.5 won · Knicks -7.5 won · Thunder -3.5 lost".into(),
                status: BetStatus::Lost,
                stake: Cents::new(10_000),
                payout: Cents::ZERO,
                clv_bp: Some(-1_303),
                placed_at: at,
            },
        ],
        demo: true,
        as_of: at,
    }
}

/// Limits with a daily cap being raised (waiting its 24 h) and a 7-day cool-off running.
pub fn sample_limits() -> super::limits::LimitsView {
    use super::limits::{LimitLine, LimitsView};
    let at = demo_clock();
    LimitsView {
        lines: vec![
            LimitLine {
                label: "Daily stake cap".into(),
                current: Some(Cents::new(10_000)),
                pending: Some((Some(Cents::new(50_000)), at + chrono::Duration::hours(24))),
                used: Cents::new(2_500),
                window: "last 24 hours".into(),
            },
            LimitLine {
                label: "Weekly stake cap".into(),
                current: None,
                pending: None,
                used: Cents::new(12_500),
                window: "last 7 days".into(),
            },
            LimitLine {
                label: "Weekly loss limit".into(),
                current: Some(Cents::new(20_000)),
                pending: None,
                used: Cents::new(5_455),
                window: "last 7 days (net, settled)".into(),
            },
        ],
        cool_off_until: Some(at + chrono::Duration::days(7)),
        self_excluded_until: None,
        loosen_delay_hours: 24,
        bankroll: Some(Cents::new(50_000)),
        bankroll_is_default: false,
        changes: vec!["Cool-off started: no bets until Wed Jan 22, 17:00 UTC.".into()],
    }
}
