//! Property tests for the invariants the rest of the app relies on: conversions round-trip,
//! vig removal gives a probability distribution with prices no shorter than the book's, parlay
//! pricing behaves under pushes, single legs and stake changes, and Kelly never says to bet
//! more than the bankroll or to bet without an edge.

use std::ops::RangeInclusive;

use num_traits::Signed;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use super::*;

/// Prices typical of parlay legs (to +5000 / 51.0), so that most generated tickets fit in
/// i64 cents; the rare overflow is skipped, since pricing reports it as an error by design.
fn parlay_leg_price() -> impl Strategy<Value = DecimalOdds> {
    prop_oneof![
        prop_oneof![100i32..=5_000, -5_000i32..=-100]
            .prop_map(|a| AmericanOdds::new(a).unwrap().to_decimal()),
        (1i64..=500_000).prop_map(|t| DecimalOdds::from_ratio(10_000 + t, 10_000).unwrap()),
    ]
}

/// The quote, or `None` (skip the case) when the payout does not fit in i64 cents.
fn priced(legs: &[ParlayLeg], stake: Cents) -> Option<ParlayQuote> {
    match price_parlay(legs, stake, &ParlayOptions::default()) {
        Ok(quote) => Some(quote),
        Err(ParlayError::Money(MoneyError::Overflow)) => None,
        Err(e) => panic!("unexpected pricing error: {e}"),
    }
}

fn american() -> impl Strategy<Value = AmericanOdds> {
    prop_oneof![100i32..=100_000, -100_000i32..=-100].prop_map(|a| AmericanOdds::new(a).unwrap())
}

/// Any decimal price a provider could send with two to four places, 1.0001 to 1000.
fn provider_decimal() -> impl Strategy<Value = DecimalOdds> {
    (1i64..=9_990_000).prop_map(|ten_thousandths| {
        DecimalOdds::from_ratio(10_000 + ten_thousandths, 10_000).unwrap()
    })
}

fn leg_price() -> impl Strategy<Value = DecimalOdds> {
    prop_oneof![american().prop_map(DecimalOdds::from), provider_decimal()]
}

/// A market of 2–12 outcomes (longshots up to 100 000 : 1 against the favourite) whose implied
/// probabilities are a true distribution scaled up by a margin of 0.1 %–25 %, built exactly so
/// the overround is exactly `1 + margin`.
fn vigged_market(outcomes: RangeInclusive<usize>) -> impl Strategy<Value = Vec<DecimalOdds>> {
    (
        prop::collection::vec(1i64..=100_000, outcomes),
        10i64..=2_500,
    )
        .prop_filter_map(
            "every implied probability below 1",
            |(weights, margin_bps)| {
                let total: i64 = weights.iter().sum();
                weights
                    .iter()
                    .map(|w| {
                        // q = w/total × (1 + margin); price = 1/q.
                        let q = exact::ratio(w * (10_000 + margin_bps), total * 10_000)?;
                        DecimalOdds::from_probability(&q).ok()
                    })
                    .collect()
            },
        )
}

fn counting_result() -> impl Strategy<Value = LegResult> {
    prop_oneof![Just(LegResult::Won), Just(LegResult::Pending)]
}

fn dropped_or_won() -> impl Strategy<Value = LegResult> {
    prop_oneof![
        Just(LegResult::Won),
        Just(LegResult::Push),
        Just(LegResult::Void)
    ]
}

fn any_result() -> impl Strategy<Value = LegResult> {
    prop_oneof![
        Just(LegResult::Pending),
        Just(LegResult::Won),
        Just(LegResult::Lost),
        Just(LegResult::Push),
        Just(LegResult::Void),
    ]
}

fn stake() -> impl Strategy<Value = Cents> {
    (0i64..=1_000_000).prop_map(Cents::new)
}

fn probability() -> impl Strategy<Value = Probability> {
    (0i64..=10_000)
        .prop_map(|bp| Probability::from_ratio(exact::ratio(bp, 10_000).unwrap()).unwrap())
}

proptest! {
    // Failing cases are saved beside this file (proptests.regressions), inside the module.
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    })]

    // ---- conversions --------------------------------------------------------------------

    #[test]
    fn american_to_decimal_to_american_is_identity(odds in american()) {
        let price = american_to_decimal(odds);
        prop_assert_eq!(decimal_to_american(&price), Ok(odds));
        let whole = BigRational::from_integer(odds.value().into());
        prop_assert_eq!(decimal_to_american_exact(&price), whole);
        // The displayed moneyline reads back as the same exact price.
        prop_assert_eq!(parse_odds(&format_american(&price), OddsFormat::American), Ok(price));
    }

    #[test]
    fn fractional_round_trip(n in 1u64..=100_000, d in 1u64..=100_000) {
        let fractional = FractionalOdds::new(n, d).unwrap();
        let price = fractional_to_decimal(&fractional);
        prop_assert_eq!(decimal_to_fractional(&price), fractional.clone());
        // Text round trip, in whichever form it is written.
        prop_assert_eq!(fractional.to_string().parse::<FractionalOdds>(), Ok(fractional.clone()));
        prop_assert_eq!(parse_odds(&format_fractional(&price), OddsFormat::American), Ok(price));
    }

    #[test]
    fn decimal_to_fractional_to_decimal_is_identity(price in leg_price()) {
        prop_assert_eq!(fractional_to_decimal(&decimal_to_fractional(&price)), price);
    }

    #[test]
    fn rounded_american_is_within_half_a_point(price in provider_decimal()) {
        let rounded = decimal_to_american(&price).unwrap();
        let whole = BigRational::from_integer(rounded.value().into());
        let gap = decimal_to_american_exact(&price) - whole;
        let half = exact::ratio(1, 2).unwrap();
        // −100.4 rounds to −100, stored as +100: compare against the price's own side of even.
        if rounded != AmericanOdds::EVEN {
            prop_assert!(gap.abs() <= half, "{}", gap);
        }
        prop_assert!(rounded.value().unsigned_abs() >= 100);
    }

    #[test]
    fn decimal_serde_round_trip(price in leg_price()) {
        let json = serde_json::to_string(&price).unwrap();
        prop_assert_eq!(serde_json::from_str::<DecimalOdds>(&json).unwrap(), price);
    }

    #[test]
    fn implied_probability_inverts_price(price in leg_price()) {
        let q = implied_probability(&price);
        prop_assert_eq!(DecimalOdds::from_probability(&q), Ok(price));
    }

    // ---- vig -----------------------------------------------------------------------------

    #[test]
    fn no_vig_probabilities_sum_to_one(market in vigged_market(2..=12)) {
        for method in DevigMethod::ALL {
            match remove_vig(&market, method) {
                Ok(line) => {
                    let sum: f64 = line.probabilities.iter().sum();
                    prop_assert!((sum - 1.0).abs() < 1e-9, "{}: {}", method, sum);
                    prop_assert!(line.probabilities.iter().all(|p| (0.0..=1.0).contains(p)));
                    if let Some(exact) = &line.exact {
                        prop_assert_eq!(exact.iter().sum::<BigRational>(), exact::one());
                    }
                }
                // Only additive may refuse, and only by leaving an outcome no chance.
                Err(VigError::NonPositiveProbability { .. })
                    if method == DevigMethod::Additive => {}
                Err(e) => prop_assert!(false, "{}: {}", method, e),
            }
        }
    }

    #[test]
    fn fair_prices_are_longer_than_vigged(market in vigged_market(2..=12)) {
        for method in DevigMethod::ALL {
            let Ok(line) = remove_vig(&market, method) else { continue };
            for (i, vigged) in market.iter().enumerate() {
                let fair = line.fair_price(i).unwrap();
                prop_assert!(&fair > vigged, "{} #{}: {:?} vs {:?}", method, i, fair, vigged);
            }
        }
    }

    #[test]
    fn shin_equals_additive_on_two_way_markets(market in vigged_market(2..=2)) {
        let additive = remove_vig(&market, DevigMethod::Additive);
        let shin = remove_vig(&market, DevigMethod::Shin).unwrap();
        if let Ok(additive) = additive {
            for (a, s) in additive.probabilities.iter().zip(&shin.probabilities) {
                prop_assert!((a - s).abs() < 1e-9, "{} vs {}", a, s);
            }
        }
    }

    // ---- parlays -------------------------------------------------------------------------

    #[test]
    fn parlay_of_one_leg_is_the_leg(
        price in leg_price(),
        result in counting_result(),
        stake in stake(),
    ) {
        let leg = [ParlayLeg::new(price.clone(), result)];
        let q = price_parlay(&leg, stake, &ParlayOptions::default()).unwrap();
        prop_assert_eq!(q.price.as_ref(), Some(&price));
        prop_assert_eq!(q.payout, payout(stake, &price, Rounding::HalfUp).unwrap());
        prop_assert_eq!(q.profit, profit(stake, &price, Rounding::HalfUp).unwrap());
    }

    #[test]
    fn pushes_never_pay_more_than_all_win(
        legs in prop::collection::vec(
            (parlay_leg_price(), dropped_or_won()),
            1..=8,
        ),
        stake in stake(),
    ) {
        let settled: Vec<ParlayLeg> =
            legs.iter().map(|(odds, result)| ParlayLeg::new(odds.clone(), *result)).collect();
        let all_win: Vec<ParlayLeg> =
            legs.iter().map(|(odds, _)| ParlayLeg::new(odds.clone(), LegResult::Won)).collect();
        let best = priced(&all_win, stake);
        prop_assume!(best.is_some());
        let with_pushes = priced(&settled, stake).unwrap();
        prop_assert!(with_pushes.payout <= best.unwrap().payout);
        // A ticket with no losing leg returns at least the stake.
        prop_assert!(with_pushes.payout >= stake);
    }

    #[test]
    fn payout_is_monotone_in_stake(
        prices in prop::collection::vec(parlay_leg_price(), 1..=6),
        a in stake(),
        b in stake(),
        result in any_result(),
    ) {
        let legs: Vec<ParlayLeg> = prices.into_iter().map(|p| ParlayLeg::new(p, result)).collect();
        let (low, high) = if a <= b { (a, b) } else { (b, a) };
        let qh = priced(&legs, high);
        prop_assume!(qh.is_some());
        let ql = priced(&legs, low).unwrap();
        prop_assert!(ql.payout <= qh.unwrap().payout);
    }

    #[test]
    fn payout_is_within_half_a_cent_of_exact(
        prices in prop::collection::vec(parlay_leg_price(), 1..=5),
        stake in stake(),
    ) {
        let legs: Vec<ParlayLeg> = prices.into_iter().map(ParlayLeg::pending).collect();
        let q = priced(&legs, stake);
        prop_assume!(q.is_some());
        let q = q.unwrap();
        let exact_cents = stake.to_ratio() * q.combined_decimal();
        let gap = exact_cents - q.payout.to_ratio();
        prop_assert!(gap.abs() <= exact::ratio(1, 2).unwrap());
        prop_assert_eq!(q.profit, q.payout - stake);
    }

    #[test]
    fn leg_order_does_not_matter(
        prices in prop::collection::vec(parlay_leg_price(), 1..=6),
        stake in stake(),
    ) {
        let legs: Vec<ParlayLeg> = prices.into_iter().map(ParlayLeg::pending).collect();
        let mut reversed = legs.clone();
        reversed.reverse();
        prop_assert_eq!(priced(&legs, stake), priced(&reversed, stake));
    }

    // ---- EV and Kelly --------------------------------------------------------------------

    #[test]
    fn kelly_is_at_most_one_and_zero_without_edge(p in probability(), price in leg_price()) {
        let raw = kelly_criterion(&p, &price);
        prop_assert!(raw <= exact::one());
        let sized = kelly_fraction(&p, &price, &KellySizing::full());
        prop_assert!(sized >= exact::zero() && sized <= exact::one());
        if expected_value_per_unit(&p, &price) <= exact::zero() {
            prop_assert_eq!(sized.clone(), exact::zero());
        } else {
            prop_assert_eq!(sized.clone(), raw);
        }
        let capped = KellySizing::new(0.5, Some(0.05)).unwrap();
        prop_assert!(kelly_fraction(&p, &price, &capped) <= sized);
        prop_assert!(kelly_fraction(&p, &price, &capped) <= exact::ratio(1, 20).unwrap());
    }

    #[test]
    fn kelly_stake_never_exceeds_bankroll(
        p in probability(),
        price in leg_price(),
        bankroll in stake(),
    ) {
        let bet = kelly_stake(bankroll, &p, &price, &KellySizing::full()).unwrap();
        prop_assert!(bet >= Cents::ZERO && bet <= bankroll);
    }

    // ---- money ---------------------------------------------------------------------------

    #[test]
    fn cents_text_round_trip(cents in any::<i64>().prop_filter("negatable", |c| *c != i64::MIN)) {
        let amount = Cents::new(cents);
        prop_assert_eq!(Cents::parse_dollars(&amount.to_string()), Ok(amount));
        prop_assert_eq!(Cents::parse_dollars(&amount.to_plain_string()), Ok(amount));
    }
}
