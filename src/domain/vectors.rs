//! Every exact test vector of providers.md §6 (the §6.5 tables, plus the worked examples in
//! §6.1–§6.3), each with its exact expected value. Tables are data so the row counts can be
//! asserted: a vector dropped from a table fails the count.
//!
//! Vector list (§6.5 unless noted) — 10 parlay rows, 14 conversions, 3 EV/Kelly rows, 8 extras:
//! - P1 −110,+150,−200: 315/44 = 7.1590909; $715.91 (truncation $715.90); profit $615.91;
//!   +615.91 → +616; fractional 271/44; implied 44/315 = 13.968 %
//! - P2 2×−110: 441/121 = 3.6446281; $364.46; $264.46; +264; pay table 13/5 → $360.00
//! - P3 3×−110: 9261/1331 = 6.9579264; $695.79; $595.79; +596; table 6/1 → $700.00
//! - P4 4×−110: 194481/14641 = 13.2833140; $1,328.33; $1,228.33; +1228
//! - P5 5×−110: 25.3590540; $2,535.91; $2,435.91; +2436
//! - P6 −110, +150 push, −200: 63/22 = 2.8636364; $286.36; $186.36; +186
//! - P7 −110, −110 push: 21/11; $190.91; $90.91; −110
//! - P8 a leg loses: $0.00; −$100.00
//! - P9 every leg push/void: 1; $100.00; $0.00
//! - P10 legs rounded to 1.91 × 2.50 × 1.50 = 7.1625 → $716.25 ≠ $715.91
//! - C1–C14 conversions: −110 → 1.909091, 10/11, 52.381 %; +150 → 2.5, 3/2, 40 %;
//!   −200 → 1.5, 1/2, 66.667 %; 2.0 → +100; 2.10 → +110; 1.50 → −200; 1.91 → −109.89 (−110);
//!   21/11 → −110; 1.01 → −10000; 101 → +10000; −100 → 2.0; +50 error; 0 error; 1.0 error
//! - E1–E3 EV/Kelly: 0.55@−110 → 1/20, +$5.00, 11/200; 0.45@+150 → 1/8, +$12.50, 1/12;
//!   0.50@−110 → −1/22, −$4.55, −1/20 (no bet)
//! - X1 (§6.1) evens = 1/1; −110 break-even 110/210 = 52.381 %
//! - X2 (§6.2) −110/−110: S = 22/21 (4.76 % vig), hold 1/22 (4.545 %), 0.5/0.5 every method
//! - X3 (§6.2) −150/+130: q 3/5, 10/23; S 119/115; hold 4/119 = 3.3613 %
//! - X4 (§6.2) multiplicative 69/119, 50/119, fair −138/+138 exactly
//! - X5 (§6.2) additive = Shin 67/115, 48/115, fair −139.58/+139.58, z ≈ 0.034815
//! - X6 (§6.2) power k ≈ 1.052970: 0.583983 / 0.416017
//! - X7 (§6.3) true odds of the −110 pay-table sizes: +264.46, +595.79, +1228.33, +2435.91;
//!   table 4 legs 10/1 → $1,100.00, 5 legs 20/1 → $2,100.00
//! - X8 (§6.3) $100 at −110 pays $190.91

use super::*;

const STAKE: Cents = Cents::dollars(100);

fn am(odds: i32) -> DecimalOdds {
    AmericanOdds::new(odds).unwrap().to_decimal()
}

fn r(n: i64, d: i64) -> BigRational {
    exact::ratio(n, d).unwrap()
}

fn legs(spec: &[(i32, LegResult)]) -> Vec<ParlayLeg> {
    spec.iter()
        .map(|&(odds, result)| ParlayLeg::new(am(odds), result))
        .collect()
}

fn quote(legs: &[ParlayLeg]) -> ParlayQuote {
    price_parlay(legs, STAKE, &ParlayOptions::default()).unwrap()
}

fn table_quote(legs: &[ParlayLeg]) -> ParlayQuote {
    let options = ParlayOptions {
        pay_table: Some(PayTable::standard_minus_110()),
        ..ParlayOptions::default()
    };
    price_parlay(legs, STAKE, &options).unwrap()
}

fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
    (actual - expected).abs() <= tolerance
}

// ------------------------------------------------------------------------------------------
// P1–P10: the parlay table

struct ParlayRow {
    id: &'static str,
    legs: &'static [(i32, LegResult)],
    /// Exact combined decimal, when the row gives one.
    decimal: Option<(i64, i64)>,
    /// The row's printed decimal (7 places), when given.
    decimal_text: Option<&'static str>,
    status: TicketStatus,
    payout: i64,
    profit: i64,
    american: Option<&'static str>,
}

use LegResult::{Lost, Pending, Push, Void, Won};

const M110: i32 = -110;

const PARLAY_ROWS: [ParlayRow; 9] = [
    ParlayRow {
        id: "P1",
        legs: &[(M110, Pending), (150, Pending), (-200, Pending)],
        decimal: Some((315, 44)),
        decimal_text: Some("7.1590909"),
        status: TicketStatus::Pending,
        payout: 71_591,
        profit: 61_591,
        american: Some("+616"),
    },
    ParlayRow {
        id: "P2",
        legs: &[(M110, Pending), (M110, Pending)],
        decimal: Some((441, 121)),
        decimal_text: Some("3.6446281"),
        status: TicketStatus::Pending,
        payout: 36_446,
        profit: 26_446,
        american: Some("+264"),
    },
    ParlayRow {
        id: "P3",
        legs: &[(M110, Pending), (M110, Pending), (M110, Pending)],
        decimal: Some((9261, 1331)),
        decimal_text: Some("6.9579264"),
        status: TicketStatus::Pending,
        payout: 69_579,
        profit: 59_579,
        american: Some("+596"),
    },
    ParlayRow {
        id: "P4",
        legs: &[(M110, Won), (M110, Won), (M110, Won), (M110, Won)],
        decimal: Some((194_481, 14_641)),
        decimal_text: Some("13.2833140"),
        status: TicketStatus::Won,
        payout: 132_833,
        profit: 122_833,
        american: Some("+1228"),
    },
    ParlayRow {
        id: "P5",
        legs: &[
            (M110, Won),
            (M110, Won),
            (M110, Won),
            (M110, Won),
            (M110, Won),
        ],
        decimal: None,
        decimal_text: Some("25.3590540"),
        status: TicketStatus::Won,
        payout: 253_591,
        profit: 243_591,
        american: Some("+2436"),
    },
    ParlayRow {
        id: "P6",
        legs: &[(M110, Won), (150, Push), (-200, Won)],
        decimal: Some((63, 22)),
        decimal_text: Some("2.8636364"),
        status: TicketStatus::Won,
        payout: 28_636,
        profit: 18_636,
        american: Some("+186"),
    },
    ParlayRow {
        id: "P7",
        legs: &[(M110, Won), (M110, Push)],
        decimal: Some((21, 11)),
        decimal_text: None,
        status: TicketStatus::Won,
        payout: 19_091,
        profit: 9_091,
        american: Some("-110"),
    },
    ParlayRow {
        id: "P8",
        legs: &[(M110, Won), (150, Lost), (-200, Won)],
        decimal: None,
        decimal_text: None,
        status: TicketStatus::Lost,
        payout: 0,
        profit: -10_000,
        american: None,
    },
    ParlayRow {
        id: "P9",
        legs: &[(M110, Push), (150, Void), (-200, Push)],
        decimal: Some((1, 1)),
        decimal_text: None,
        status: TicketStatus::Refunded,
        payout: 10_000,
        profit: 0,
        american: None,
    },
];

#[test]
fn p1_to_p9_parlay_table_rows() {
    // P10 is the rounding-trap row, tested on its own below: 9 + 1 = 10 rows.
    assert_eq!(PARLAY_ROWS.len() + 1, 10);
    for row in &PARLAY_ROWS {
        let q = quote(&legs(row.legs));
        let id = row.id;
        if let Some((n, d)) = row.decimal {
            assert_eq!(q.combined_decimal(), r(n, d), "{id} exact decimal");
        }
        if let Some(text) = row.decimal_text {
            assert_eq!(
                exact::format_fixed(&q.combined_decimal(), 7),
                text,
                "{id} decimal"
            );
        }
        assert_eq!(q.status, row.status, "{id} status");
        assert_eq!(q.payout, Cents::new(row.payout), "{id} payout");
        assert_eq!(q.profit, Cents::new(row.profit), "{id} profit");
        if let Some(american) = row.american {
            assert_eq!(
                q.display_odds(OddsFormat::American).as_deref(),
                Some(american),
                "{id}"
            );
            let rounded = q.price.as_ref().unwrap().to_american().unwrap();
            assert_eq!(rounded.to_string(), american, "{id} AmericanOdds");
        }
    }
}

#[test]
fn p1_extras_truncation_fraction_and_implied() {
    let ticket = legs(&[(M110, Pending), (150, Pending), (-200, Pending)]);
    let q = quote(&ticket);
    let price = q.price.clone().unwrap();
    assert_eq!(q.payout.to_string(), "$715.91");
    assert_eq!(q.profit.to_string(), "$615.91");
    assert_eq!(exact::format_fixed(&price.american_exact(), 2), "615.91");
    assert_eq!(price.to_fractional().to_string(), "271/44");
    assert_eq!(
        q.display_odds(OddsFormat::Fractional).as_deref(),
        Some("271/44")
    );
    assert_eq!(q.display_odds(OddsFormat::Decimal).as_deref(), Some("7.16"));
    assert_eq!(q.implied_probability(), Some(r(44, 315)));
    assert_eq!(exact::format_percent(&r(44, 315), 3), "13.968%");
    // A book that truncates pays a cent less.
    let truncating = ParlayOptions {
        rounding: Rounding::Down,
        ..ParlayOptions::default()
    };
    let q = price_parlay(&ticket, STAKE, &truncating).unwrap();
    assert_eq!(q.payout, Cents::new(71_590));
}

#[test]
fn p2_p3_pay_tables() {
    let q = table_quote(&legs(&[(M110, Pending), (M110, Pending)]));
    assert!(q.pay_table_applied);
    assert_eq!(q.payout, Cents::dollars(360));
    let q = table_quote(&legs(&[(M110, Pending), (M110, Pending), (M110, Pending)]));
    assert_eq!(q.payout, Cents::dollars(700));
}

#[test]
fn p5_exact_decimal() {
    let q = quote(&legs(&[(M110, Won); 5]));
    // 21^5 / 11^5
    assert_eq!(q.combined_decimal(), r(4_084_101, 161_051));
}

#[test]
fn p10_rounding_trap() {
    let rounded_legs: Vec<ParlayLeg> = ["1.91", "2.50", "1.50"]
        .iter()
        .map(|text| ParlayLeg::pending(text.parse::<DecimalOdds>().unwrap()))
        .collect();
    let q = quote(&rounded_legs);
    assert_eq!(q.combined_decimal(), r(71_625, 10_000));
    assert_eq!(q.payout, Cents::new(71_625));
    let exact_legs = legs(&[(M110, Pending), (150, Pending), (-200, Pending)]);
    assert_ne!(q.payout, quote(&exact_legs).payout);
}

// ------------------------------------------------------------------------------------------
// C1–C14: conversions

#[test]
fn c1_to_c3_american_to_decimal_fraction_and_probability() {
    // (american, exact decimal, decimal to 6 places, fractional, implied %)
    let rows = [
        (-110, (21, 11), "1.909091", "10/11", "52.381%"),
        (150, (5, 2), "2.500000", "3/2", "40.000%"),
        (-200, (3, 2), "1.500000", "1/2", "66.667%"),
    ];
    assert_eq!(rows.len(), 3);
    for (american, (n, d), decimal, fractional, implied) in rows {
        let odds = AmericanOdds::new(american).unwrap();
        let price = american_to_decimal(odds);
        assert_eq!(price.as_ratio(), &r(n, d), "{american}");
        assert_eq!(exact::format_fixed(price.as_ratio(), 6), decimal);
        assert_eq!(decimal_to_fractional(&price).to_string(), fractional);
        assert_eq!(
            exact::format_percent(&odds.implied_probability(), 3),
            implied
        );
        assert_eq!(fractional_to_decimal(&price.to_fractional()), price);
    }
}

#[test]
fn c4_to_c10_decimal_to_american() {
    // (decimal text, exact American to 2 places, nearest whole American)
    let rows = [
        ("2.0", "100.00", 100),
        ("2.10", "110.00", 110),
        ("1.50", "-200.00", -200),
        ("1.91", "-109.89", -110),
        ("21/11", "-110.00", -110),
        ("1.01", "-10000.00", -10_000),
        ("101", "10000.00", 10_000),
    ];
    assert_eq!(rows.len(), 7);
    for (text, exact_american, american) in rows {
        let price = match text.split_once('/') {
            // 21/11 here is the exact decimal ratio, not fractional odds.
            Some((n, d)) => DecimalOdds::from_ratio(n.parse().unwrap(), d.parse().unwrap()),
            None => text.parse::<DecimalOdds>(),
        }
        .unwrap();
        assert_eq!(
            exact::format_fixed(&decimal_to_american_exact(&price), 2),
            exact_american
        );
        assert_eq!(
            decimal_to_american(&price),
            AmericanOdds::new(american),
            "{text}"
        );
    }
    // C8 is exact, not merely rounded.
    let c8 = DecimalOdds::from_ratio(21, 11).unwrap();
    assert_eq!(c8.american_exact(), r(-110, 1));
}

#[test]
fn c11_to_c14_even_money_and_errors() {
    assert_eq!(
        AmericanOdds::new(-100).unwrap().to_decimal().as_ratio(),
        &r(2, 1)
    );
    assert_eq!(
        AmericanOdds::new(50),
        Err(OddsError::AmericanBetweenHundreds(50))
    );
    assert_eq!(
        "+50".parse::<AmericanOdds>(),
        Err(OddsError::AmericanBetweenHundreds(50))
    );
    assert_eq!(
        AmericanOdds::new(0),
        Err(OddsError::AmericanBetweenHundreds(0))
    );
    assert!(matches!(
        "1.0".parse::<DecimalOdds>(),
        Err(OddsError::DecimalNotAboveOne(_))
    ));
    assert!(DecimalOdds::from_f64(1.0).is_err());
}

// ------------------------------------------------------------------------------------------
// E1–E3: EV and Kelly

#[test]
fn e1_to_e3_ev_and_kelly() {
    // (p, american, EV per $1, EV on $100 in cents, full Kelly, Kelly shown)
    let rows = [
        (0.55, -110, (1, 20), 500, (11, 200), "5.500%"),
        (0.45, 150, (1, 8), 1_250, (1, 12), "8.333%"),
        (0.50, -110, (-1, 22), -455, (-1, 20), "-5.000%"),
    ];
    assert_eq!(rows.len(), 3);
    for (p, american, (en, ed), ev_cents, (kn, kd), kelly_text) in rows {
        let p = Probability::new(p).unwrap();
        let price = am(american);
        assert_eq!(expected_value_per_unit(&p, &price), r(en, ed));
        assert_eq!(expected_value(&p, &price, STAKE), Ok(Cents::new(ev_cents)));
        let full = kelly_criterion(&p, &price);
        assert_eq!(full, r(kn, kd));
        assert_eq!(exact::format_percent(&full, 3), kelly_text);
    }
    // E1–E3 printed forms.
    assert_eq!(exact::format_fixed(&r(-1, 22), 6), "-0.045455");
    assert_eq!(exact::format_fixed(&r(1, 12), 5), "0.08333");
    assert_eq!(Cents::new(-455).to_string(), "-$4.55");
    // E3: a negative Kelly is no bet.
    let no_bet = kelly_fraction(
        &Probability::new(0.5).unwrap(),
        &am(-110),
        &KellySizing::full(),
    );
    assert_eq!(no_bet, exact::zero());
}

// ------------------------------------------------------------------------------------------
// X1–X8: worked examples in §6.1–§6.3

#[test]
fn x1_evens_and_break_even() {
    assert_eq!(
        parse_odds("evens", OddsFormat::Fractional)
            .unwrap()
            .to_fractional()
            .to_string(),
        "1/1"
    );
    assert_eq!(format_fractional(&am(100)), "1/1");
    let break_even = AmericanOdds::new(-110).unwrap().implied_probability();
    assert_eq!(break_even, r(110, 210));
    assert_eq!(exact::format_percent(&break_even, 3), "52.381%");
}

#[test]
fn x2_standard_two_way_line() {
    let market = [am(-110), am(-110)];
    assert_eq!(overround(&market), Ok(r(22, 21)));
    assert_eq!(
        exact::format_fixed(&overround(&market).unwrap(), 6),
        "1.047619"
    );
    assert_eq!(exact::format_percent(&margin(&market).unwrap(), 2), "4.76%");
    assert_eq!(hold(&market), Ok(r(1, 22)));
    assert_eq!(exact::format_percent(&hold(&market).unwrap(), 3), "4.545%");
    for method in DevigMethod::ALL {
        let line = remove_vig(&market, method).unwrap();
        for p in &line.probabilities {
            assert!(close(*p, 0.5, 1e-12), "{method}: {p}");
        }
        let fair = line.fair_price(0).unwrap();
        assert_eq!(format_american(&fair), "+100", "{method}");
    }
}

fn lopsided() -> [DecimalOdds; 2] {
    [am(-150), am(130)]
}

#[test]
fn x3_lopsided_margin() {
    let market = lopsided();
    assert_eq!(market[0].implied_probability(), r(3, 5));
    assert_eq!(market[1].implied_probability(), r(10, 23));
    assert_eq!(exact::format_fixed(&r(10, 23), 6), "0.434783");
    assert_eq!(overround(&market), Ok(r(119, 115)));
    assert_eq!(exact::format_fixed(&r(119, 115), 6), "1.034783");
    assert_eq!(hold(&market), Ok(r(4, 119)));
    assert_eq!(exact::format_percent(&r(4, 119), 4), "3.3613%");
}

#[test]
fn x4_multiplicative() {
    let line = remove_vig(&lopsided(), DevigMethod::Multiplicative).unwrap();
    assert_eq!(line.exact, Some(vec![r(69, 119), r(50, 119)]));
    assert_eq!(exact::format_fixed(&r(69, 119), 6), "0.579832");
    assert_eq!(exact::format_fixed(&r(50, 119), 6), "0.420168");
    assert_eq!(line.fair_price(0).unwrap().american_exact(), r(-138, 1));
    assert_eq!(line.fair_price(1).unwrap().american_exact(), r(138, 1));
}

#[test]
fn x5_additive_equals_shin_on_two_way() {
    let additive = remove_vig(&lopsided(), DevigMethod::Additive).unwrap();
    assert_eq!(additive.exact, Some(vec![r(67, 115), r(48, 115)]));
    assert_eq!(exact::format_fixed(&r(67, 115), 6), "0.582609");
    assert_eq!(exact::format_fixed(&r(48, 115), 6), "0.417391");
    let fav = additive.fair_price(0).unwrap().american_exact();
    let dog = additive.fair_price(1).unwrap().american_exact();
    assert_eq!(exact::format_fixed(&fav, 2), "-139.58");
    assert_eq!(exact::format_fixed(&dog, 2), "139.58");

    let shin = remove_vig(&lopsided(), DevigMethod::Shin).unwrap();
    assert!(
        close(shin.parameter.unwrap(), 0.034815, 5e-7),
        "{:?}",
        shin.parameter
    );
    assert!(close(shin.probabilities[0], 67.0 / 115.0, 1e-12));
    assert!(close(shin.probabilities[1], 48.0 / 115.0, 1e-12));
}

#[test]
fn x6_power() {
    let line = remove_vig(&lopsided(), DevigMethod::Power).unwrap();
    assert!(
        close(line.parameter.unwrap(), 1.052970, 5e-7),
        "{:?}",
        line.parameter
    );
    assert!(close(line.probabilities[0], 0.583983, 5e-7));
    assert!(close(line.probabilities[1], 0.416017, 5e-7));
    assert!(line.exact.is_none());
}

#[test]
fn x7_pay_table_versus_true_odds() {
    let true_odds = ["264.46", "595.79", "1228.33", "2435.91"];
    for (n, expected) in (2..=5).zip(true_odds) {
        let q = quote(&legs(&vec![(M110, Pending); n]));
        let american = q.price.unwrap().american_exact();
        assert_eq!(exact::format_fixed(&american, 2), expected, "{n} legs");
    }
    let q = table_quote(&legs(&[(M110, Pending); 4]));
    assert_eq!(q.payout, Cents::dollars(1_100));
    let q = table_quote(&legs(&[(M110, Pending); 5]));
    assert_eq!(q.payout, Cents::dollars(2_100));
}

#[test]
fn x8_straight_bet_at_minus_110() {
    assert_eq!(
        payout(STAKE, &am(-110), Rounding::HalfUp),
        Ok(Cents::new(19_091))
    );
    assert_eq!(format_decimal(&am(-110)), "1.91");
}
