//! Kelly stake sizing, full and fractional, with a bankroll cap (providers.md §6.4).
//!
//! Owns: [`kelly_criterion`] (the raw formula), [`KellySizing`] (multiplier and cap) and the
//! sized fraction/stake. Exact fractions throughout; the stake is rounded *down* to the cent so
//! a suggestion never exceeds what the formula allows.

use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use super::ev::{expected_value_per_unit, Probability};
use super::exact;
use super::money::{Cents, MoneyError, Rounding};
use super::odds::DecimalOdds;

/// The Kelly fraction of bankroll, `f* = (p·D − 1)/(D − 1)`, unclamped: zero or negative
/// means "no bet" (−0.05 for 50 % at −110). Never above 1 for `p ≤ 1`.
pub fn kelly_criterion(p: &Probability, price: &DecimalOdds) -> BigRational {
    expected_value_per_unit(p, price) / price.profit_per_unit()
}

/// How much of full Kelly to bet, and the most of the bankroll any one bet may take.
///
/// Full Kelly is aggressive and assumes `p` is right; bettors use ¼–½ Kelly and a cap
/// (e.g. 5 % of bankroll) because their `p` is an estimate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KellySizing {
    multiplier: BigRational,
    cap: Option<BigRational>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KellySizingError {
    #[error("Kelly multiplier must be greater than 0 and at most 1, got {0}")]
    Multiplier(String),
    #[error("bankroll cap must be greater than 0 and at most 1, got {0}")]
    Cap(String),
}

impl KellySizing {
    /// `multiplier` in (0, 1] (0.25 = quarter Kelly); `cap` in (0, 1] as a share of bankroll.
    /// Floats are read as the decimals they print as (0.25 is exactly 1/4).
    pub fn new(multiplier: f64, cap: Option<f64>) -> Result<Self, KellySizingError> {
        let unit = |x: f64| {
            exact::from_f64_shortest(x).filter(|r| r.is_positive() && *r <= BigRational::one())
        };
        let multiplier =
            unit(multiplier).ok_or_else(|| KellySizingError::Multiplier(multiplier.to_string()))?;
        let cap = match cap {
            Some(c) => Some(unit(c).ok_or_else(|| KellySizingError::Cap(c.to_string()))?),
            None => None,
        };
        Ok(Self { multiplier, cap })
    }

    /// Full Kelly, no cap.
    pub fn full() -> Self {
        Self {
            multiplier: BigRational::one(),
            cap: None,
        }
    }

    /// Half Kelly, no cap.
    pub fn half() -> Self {
        Self {
            multiplier: exact::ratio(1, 2).unwrap_or_else(exact::one),
            cap: None,
        }
    }

    /// Quarter Kelly, no cap.
    pub fn quarter() -> Self {
        Self {
            multiplier: exact::ratio(1, 4).unwrap_or_else(exact::one),
            cap: None,
        }
    }

    pub fn multiplier(&self) -> &BigRational {
        &self.multiplier
    }

    pub fn cap(&self) -> Option<&BigRational> {
        self.cap.as_ref()
    }
}

impl Default for KellySizing {
    /// Quarter Kelly capped at 5 % of bankroll: the conservative end of providers.md §6.4.
    fn default() -> Self {
        Self {
            multiplier: exact::ratio(1, 4).unwrap_or_else(exact::one),
            cap: exact::ratio(1, 20),
        }
    }
}

/// The share of bankroll to stake, in `[0, 1]`: zero when there is no edge, otherwise full
/// Kelly × multiplier, then held to the cap.
pub fn kelly_fraction(p: &Probability, price: &DecimalOdds, sizing: &KellySizing) -> BigRational {
    let full = kelly_criterion(p, price);
    if !full.is_positive() {
        return BigRational::zero();
    }
    let sized = full * &sizing.multiplier;
    match &sizing.cap {
        Some(cap) if sized > *cap => cap.clone(),
        _ => sized,
    }
}

/// The suggested stake from a bankroll, rounded down to the cent (zero = no bet).
pub fn kelly_stake(
    bankroll: Cents,
    p: &Probability,
    price: &DecimalOdds,
    sizing: &KellySizing,
) -> Result<Cents, MoneyError> {
    if bankroll.is_negative() {
        return Err(MoneyError::NegativeStake(bankroll));
    }
    let fraction = kelly_fraction(p, price, sizing);
    Cents::from_ratio(&(bankroll.to_ratio() * fraction), Rounding::Down)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::odds::AmericanOdds;

    fn price(american: i32) -> DecimalOdds {
        AmericanOdds::new(american).unwrap().to_decimal()
    }

    fn p(x: f64) -> Probability {
        Probability::new(x).unwrap()
    }

    fn r(n: i64, d: i64) -> BigRational {
        exact::ratio(n, d).unwrap()
    }

    #[test]
    fn sizing_applies_multiplier_then_cap() {
        // Full Kelly at 0.55/−110 is 11/200 = 5.5 %.
        assert_eq!(
            kelly_fraction(&p(0.55), &price(-110), &KellySizing::full()),
            r(11, 200)
        );
        assert_eq!(
            kelly_fraction(&p(0.55), &price(-110), &KellySizing::half()),
            r(11, 400)
        );
        assert_eq!(
            kelly_fraction(&p(0.55), &price(-110), &KellySizing::quarter()),
            r(11, 800)
        );
        let capped = KellySizing::new(1.0, Some(0.05)).unwrap();
        assert_eq!(kelly_fraction(&p(0.55), &price(-110), &capped), r(1, 20));
        // Default is quarter Kelly capped at 5 %: 1/12 × 1/4 = 1/48 (under the cap).
        assert_eq!(
            kelly_fraction(&p(0.45), &price(150), &KellySizing::default()),
            r(1, 48)
        );
    }

    #[test]
    fn stake_rounds_down_to_the_cent() {
        // $1,000 × 11/200 = $55.00; × 1/12 = $83.333… → $83.33.
        let bankroll = Cents::dollars(1_000);
        let full = KellySizing::full();
        assert_eq!(
            kelly_stake(bankroll, &p(0.55), &price(-110), &full),
            Ok(Cents::new(5_500))
        );
        assert_eq!(
            kelly_stake(bankroll, &p(0.45), &price(150), &full),
            Ok(Cents::new(8_333))
        );
        assert_eq!(
            kelly_stake(bankroll, &p(0.5), &price(-110), &full),
            Ok(Cents::ZERO)
        );
        assert!(kelly_stake(Cents::new(-1), &p(0.5), &price(-110), &full).is_err());
    }

    #[test]
    fn sizing_validation() {
        assert!(KellySizing::new(0.0, None).is_err());
        assert!(KellySizing::new(1.5, None).is_err());
        assert!(KellySizing::new(f64::NAN, None).is_err());
        assert!(KellySizing::new(0.5, Some(0.0)).is_err());
        assert!(KellySizing::new(0.5, Some(2.0)).is_err());
        let sizing = KellySizing::new(0.25, Some(0.05)).unwrap();
        assert_eq!(sizing, KellySizing::default());
        assert_eq!(sizing.multiplier(), &r(1, 4));
        assert_eq!(sizing.cap(), Some(&r(1, 20)));
    }

    #[test]
    fn certain_win_bets_everything_at_full_kelly() {
        assert_eq!(kelly_criterion(&p(1.0), &price(-110)), exact::one());
        assert_eq!(
            kelly_fraction(&p(0.0), &price(500), &KellySizing::full()),
            exact::zero()
        );
    }
}
