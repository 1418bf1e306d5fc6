//! Expected value and edge of a bet at a price, given the bettor's (or a model's) win
//! probability (providers.md §6.4).
//!
//! Owns: [`Probability`] (a validated win chance) and the EV/edge formulas. Uses exact
//! fractions so the §6.5 vectors come out exactly (0.55 at −110 is an EV of exactly 1/20).

use std::fmt;

use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use serde::{Deserialize, Serialize};

use super::exact;
use super::money::{Cents, MoneyError, Rounding};
use super::odds::{shorten, DecimalOdds};

/// A chance of winning, exactly, in `[0, 1]`.
///
/// Built from an `f64` it takes the decimal the number prints as (`0.55` is exactly 11/20),
/// because these come from people and models who meant that decimal. Serialises as an `f64`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Probability(BigRational);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a probability must be between 0 and 1, got {0}")]
pub struct ProbabilityOutOfRange(pub String);

impl Probability {
    /// From a float such as `0.55`; NaN, infinities and values outside `[0, 1]` are refused.
    pub fn new(p: f64) -> Result<Self, ProbabilityOutOfRange> {
        let ratio =
            exact::from_f64_shortest(p).ok_or_else(|| ProbabilityOutOfRange(p.to_string()))?;
        Self::from_ratio(ratio)
    }

    /// From an exact fraction in `[0, 1]` (e.g. a no-vig probability from
    /// [`remove_vig`](super::vig::remove_vig)'s exact output).
    pub fn from_ratio(p: BigRational) -> Result<Self, ProbabilityOutOfRange> {
        if p.is_negative() || p > BigRational::one() {
            Err(ProbabilityOutOfRange(shorten(&p.to_string())))
        } else {
            Ok(Self(p))
        }
    }

    /// From a percentage a person typed, e.g. `55.0` for 55 %.
    pub fn from_percent(percent: f64) -> Result<Self, ProbabilityOutOfRange> {
        let ratio = exact::from_f64_shortest(percent)
            .ok_or_else(|| ProbabilityOutOfRange(format!("{percent}%")))?;
        Self::from_ratio(ratio / BigRational::from_integer(100.into()))
            .map_err(|_| ProbabilityOutOfRange(format!("{percent}%")))
    }

    pub fn as_ratio(&self) -> &BigRational {
        &self.0
    }

    pub fn to_f64(&self) -> f64 {
        exact::to_f64(&self.0)
    }

    /// The chance of losing, `1 − p`.
    pub fn complement(&self) -> Probability {
        Probability(BigRational::one() - &self.0)
    }
}

impl fmt::Display for Probability {
    /// `55.000%` style, three decimals (enough to tell 52.381 % from 52.4 %).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&exact::format_percent(&self.0, 3))
    }
}

impl Serialize for Probability {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.to_f64())
    }
}

impl<'de> Deserialize<'de> for Probability {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let p = f64::deserialize(deserializer)?;
        Probability::new(p).map_err(serde::de::Error::custom)
    }
}

/// Expected profit per unit staked, `p·D − 1` (negative when the bet loses on average).
pub fn expected_value_per_unit(p: &Probability, price: &DecimalOdds) -> BigRational {
    &p.0 * price.as_ratio() - BigRational::one()
}

/// Expected profit of `stake` in cents, rounded half away from zero (−$4.5454… → −$4.55).
pub fn expected_value(
    p: &Probability,
    price: &DecimalOdds,
    stake: Cents,
) -> Result<Cents, MoneyError> {
    if stake.is_negative() {
        return Err(MoneyError::NegativeStake(stake));
    }
    Cents::from_ratio(
        &(stake.to_ratio() * expected_value_per_unit(p, price)),
        Rounding::HalfUp,
    )
}

/// Edge over the price's implied probability, `p − 1/D` (positive = the bettor's side).
pub fn edge(p: &Probability, price: &DecimalOdds) -> BigRational {
    &p.0 - price.implied_probability()
}

/// Whether the bet is worth making at all: strictly positive expected value.
pub fn has_positive_ev(p: &Probability, price: &DecimalOdds) -> bool {
    expected_value_per_unit(p, price) > BigRational::zero()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::odds::AmericanOdds;

    fn price(american: i32) -> DecimalOdds {
        AmericanOdds::new(american).unwrap().to_decimal()
    }

    #[test]
    fn probability_validation() {
        assert!(Probability::new(-0.01).is_err());
        assert!(Probability::new(1.01).is_err());
        assert!(Probability::new(f64::NAN).is_err());
        assert_eq!(Probability::new(0.0).unwrap().as_ratio(), &exact::zero());
        assert_eq!(Probability::new(1.0).unwrap().as_ratio(), &exact::one());
        assert_eq!(
            Probability::from_percent(55.0).unwrap(),
            Probability::new(0.55).unwrap()
        );
        assert!(Probability::from_percent(120.0).is_err());
        assert_eq!(Probability::new(0.55).unwrap().to_string(), "55.000%");
        assert_eq!(
            Probability::new(0.55).unwrap().complement(),
            Probability::new(0.45).unwrap()
        );
    }

    #[test]
    fn probability_serde_is_a_number() {
        let p = Probability::new(0.55).unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "0.55");
        assert_eq!(serde_json::from_str::<Probability>("0.55").unwrap(), p);
        assert!(serde_json::from_str::<Probability>("1.5").is_err());
    }

    #[test]
    fn edge_and_sign() {
        let p = Probability::new(0.55).unwrap();
        // 0.55 − 11/21 = 11/420.
        assert_eq!(edge(&p, &price(-110)), exact::ratio(11, 420).unwrap());
        assert!(has_positive_ev(&p, &price(-110)));
        assert!(!has_positive_ev(
            &Probability::new(0.5).unwrap(),
            &price(-110)
        ));
        // Break-even exactly: no edge, no EV.
        let breakeven = Probability::from_ratio(exact::ratio(11, 21).unwrap()).unwrap();
        assert!(!has_positive_ev(&breakeven, &price(-110)));
        assert_eq!(
            expected_value(&breakeven, &price(-110), Cents::dollars(100)),
            Ok(Cents::ZERO)
        );
        assert!(expected_value(&p, &price(-110), Cents::new(-1)).is_err());
    }
}
