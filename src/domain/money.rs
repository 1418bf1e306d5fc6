//! Money: whole cents, the one rounding step from an exact amount to cents, and what a bet
//! returns.
//!
//! Owns: [`Cents`], [`Rounding`], [`payout`]/[`profit`] of a single price, reading a stake typed
//! by a person, and printing amounts. No floats: amounts are integers, and the only rounding is
//! from an exact fraction of cents to whole cents, half-up unless a book's mode says otherwise
//! (providers.md §6.3).

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive};
use serde::{Deserialize, Serialize};

use super::exact;
use super::odds::{shorten, DecimalOdds};

/// An amount of money in whole cents (US dollars). Negative for losses and negative EV.
///
/// Serialises as a plain integer of cents (`71591` is $715.91). `Display` prints `$715.91`.
/// The `+`/`-` operators panic on overflow, which needs amounts past ±$92 quadrillion;
/// use the `checked_` methods for anything not already bounded by validation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Cents(i64);

impl Cents {
    pub const ZERO: Cents = Cents(0);

    pub const fn new(cents: i64) -> Self {
        Self(cents)
    }

    /// Whole dollars, for literals and configuration (`Cents::dollars(100)` = $100.00).
    /// Panics past ±$92 quadrillion.
    pub const fn dollars(dollars: i64) -> Self {
        match dollars.checked_mul(100) {
            Some(cents) => Self(cents),
            None => panic!("dollar amount too large for Cents"),
        }
    }

    /// The amount in cents.
    pub const fn get(self) -> i64 {
        self.0
    }

    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Cents) -> Option<Cents> {
        self.0.checked_add(other.0).map(Cents)
    }

    pub fn checked_sub(self, other: Cents) -> Option<Cents> {
        self.0.checked_sub(other.0).map(Cents)
    }

    /// The amount as an exact fraction *of cents*.
    pub fn to_ratio(self) -> BigRational {
        BigRational::from_integer(BigInt::from(self.0))
    }

    /// Rounds an exact number of cents to whole cents. This is the only place money is rounded.
    pub fn from_ratio(cents: &BigRational, rounding: Rounding) -> Result<Cents, MoneyError> {
        let whole = match rounding {
            Rounding::HalfUp => exact::round_half_away(cents),
            Rounding::Down => exact::truncate(cents),
        };
        whole.to_i64().map(Cents).ok_or(MoneyError::Overflow)
    }

    /// Reads an amount a person typed: `100`, `100.5`, `$1,000.00`, `-25`. At most two
    /// decimals: a third is refused, not rounded, so nobody stakes an amount they did not see.
    pub fn parse_dollars(input: &str) -> Result<Cents, MoneyError> {
        let unreadable = || MoneyError::Unreadable(shorten(input));
        let text = input.trim();
        // A stake is never 40 characters long; refuse before doing any work on it.
        if text.len() > 40 {
            return Err(unreadable());
        }
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let text = text.strip_prefix('$').unwrap_or(text);
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let whole = ungroup(whole).ok_or_else(unreadable)?;
        if whole.is_empty() && frac.is_empty() {
            return Err(unreadable());
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) || text.ends_with('.') {
            return Err(unreadable());
        }
        if frac.len() > 2 {
            return Err(MoneyError::SubCent(shorten(input)));
        }
        let dollars: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| MoneyError::Overflow)?
        };
        let frac_cents: i64 = format!("{frac:0<2}").parse().map_err(|_| unreadable())?;
        let cents = dollars
            .checked_mul(100)
            .and_then(|c| c.checked_add(frac_cents))
            .ok_or(MoneyError::Overflow)?;
        Ok(Cents(if negative { -cents } else { cents }))
    }

    /// `715.91`, `-100.00`: no currency sign or grouping, for model-facing text and inputs.
    pub fn to_plain_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", magnitude / 100, magnitude % 100)
    }
}

/// Digits with optional thousands separators (`1,000,000`) → the digits; `None` if malformed.
fn ungroup(whole: &str) -> Option<String> {
    if !whole.contains(',') {
        return whole
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| whole.to_owned());
    }
    let mut groups = whole.split(',');
    let first = groups.next()?;
    let first_ok = (1..=3).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_digit());
    let mut digits = first.to_owned();
    for group in groups {
        if group.len() != 3 || !group.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.push_str(group);
    }
    first_ok.then_some(digits)
}

impl fmt::Display for Cents {
    /// `$1,328.33`, `-$100.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        let dollars = (magnitude / 100).to_string();
        let mut grouped = String::with_capacity(dollars.len() + dollars.len() / 3);
        for (i, digit) in dollars.chars().enumerate() {
            if i > 0 && (dollars.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        write!(f, "{sign}${grouped}.{:02}", magnitude % 100)
    }
}

impl Add for Cents {
    type Output = Cents;

    fn add(self, other: Cents) -> Cents {
        self.checked_add(other)
            .expect("money overflow in Cents + Cents")
    }
}

impl Sub for Cents {
    type Output = Cents;

    fn sub(self, other: Cents) -> Cents {
        self.checked_sub(other)
            .expect("money overflow in Cents - Cents")
    }
}

impl Neg for Cents {
    type Output = Cents;

    fn neg(self) -> Cents {
        Cents(self.0.checked_neg().expect("money overflow in -Cents"))
    }
}

impl Sum for Cents {
    fn sum<I: Iterator<Item = Cents>>(iter: I) -> Cents {
        iter.fold(Cents::ZERO, Add::add)
    }
}

/// How an exact amount becomes whole cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Nearest cent, halves away from zero: $715.909 → $715.91. What published books pay.
    #[default]
    HalfUp,
    /// Drop fractions of a cent: $715.909 → $715.90. Only to emulate a book that truncates.
    Down,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount is too large")]
    Overflow,
    #[error("stake cannot be negative, got {0}")]
    NegativeStake(Cents),
    #[error("could not read {0:?} as an amount of money")]
    Unreadable(String),
    #[error("{0:?} has fractions of a cent; use at most two decimals")]
    SubCent(String),
}

/// Total return of a winning bet, stake included: `stake × D`, rounded once to cents.
pub fn payout(stake: Cents, price: &DecimalOdds, rounding: Rounding) -> Result<Cents, MoneyError> {
    payout_at(stake, price.as_ratio(), rounding)
}

/// Profit of a winning bet: payout minus stake (so profit is exact once payout is rounded).
pub fn profit(stake: Cents, price: &DecimalOdds, rounding: Rounding) -> Result<Cents, MoneyError> {
    let paid = payout(stake, price, rounding)?;
    paid.checked_sub(stake).ok_or(MoneyError::Overflow)
}

/// `stake × multiplier` for any exact multiplier ≥ 1 (a parlay's product, or 1 for a refund).
pub(crate) fn payout_at(
    stake: Cents,
    multiplier: &BigRational,
    rounding: Rounding,
) -> Result<Cents, MoneyError> {
    if stake.is_negative() {
        return Err(MoneyError::NegativeStake(stake));
    }
    debug_assert!(!multiplier.is_negative());
    Cents::from_ratio(&(stake.to_ratio() * multiplier), rounding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::odds::AmericanOdds;

    fn price(american: i32) -> DecimalOdds {
        AmericanOdds::new(american).unwrap().to_decimal()
    }

    #[test]
    fn straight_bet_at_minus_110_pays_190_91() {
        // providers.md §6.3: "shows 1.91 but pays $190.91 on $100 at −110".
        let stake = Cents::dollars(100);
        assert_eq!(
            payout(stake, &price(-110), Rounding::HalfUp),
            Ok(Cents::new(19_091))
        );
        assert_eq!(
            profit(stake, &price(-110), Rounding::HalfUp),
            Ok(Cents::new(9_091))
        );
        assert_eq!(
            payout(stake, &price(-110), Rounding::Down),
            Ok(Cents::new(19_090))
        );
        assert_eq!(
            payout(Cents::ZERO, &price(-110), Rounding::HalfUp),
            Ok(Cents::ZERO)
        );
        assert_eq!(
            payout(Cents::new(-1), &price(-110), Rounding::HalfUp),
            Err(MoneyError::NegativeStake(Cents::new(-1)))
        );
        let absurd = DecimalOdds::from_ratio(i64::MAX, 1).unwrap();
        assert_eq!(
            payout(Cents::dollars(1_000), &absurd, Rounding::HalfUp),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn half_a_cent_rounds_up() {
        // $0.05 at 1.5 = 7.5 cents.
        let one_and_half = DecimalOdds::from_ratio(3, 2).unwrap();
        assert_eq!(
            payout(Cents::new(5), &one_and_half, Rounding::HalfUp),
            Ok(Cents::new(8))
        );
        assert_eq!(
            payout(Cents::new(5), &one_and_half, Rounding::Down),
            Ok(Cents::new(7))
        );
    }

    #[test]
    fn display_and_plain_text() {
        assert_eq!(Cents::new(132_833).to_string(), "$1,328.33");
        assert_eq!(Cents::new(-10_000).to_string(), "-$100.00");
        assert_eq!(Cents::new(5).to_string(), "$0.05");
        assert_eq!(Cents::new(100_000_000).to_string(), "$1,000,000.00");
        assert_eq!(
            Cents::new(i64::MIN).to_string(),
            "-$92,233,720,368,547,758.08"
        );
        assert_eq!(Cents::new(71_591).to_plain_string(), "715.91");
        assert_eq!(Cents::new(-7).to_plain_string(), "-0.07");
    }

    #[test]
    fn reads_typed_amounts() {
        let ok = [
            ("100", 10_000),
            ("100.5", 10_050),
            ("100.50", 10_050),
            ("$1,000.00", 100_000),
            (" 25 ", 2_500),
            (".75", 75),
            ("-$5", -500),
            ("1,234,567", 123_456_700),
            ("0", 0),
        ];
        for (text, cents) in ok {
            assert_eq!(Cents::parse_dollars(text), Ok(Cents::new(cents)), "{text}");
        }
        for bad in [
            "", "$", ".", "1.", "abc", "1,00", "12,3456", ",100", "1e3", "--1", "1.2.3",
        ] {
            assert!(
                matches!(Cents::parse_dollars(bad), Err(MoneyError::Unreadable(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            Cents::parse_dollars("1.005"),
            Err(MoneyError::SubCent(_))
        ));
        assert_eq!(
            Cents::parse_dollars("99999999999999999999"),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn arithmetic_and_serde() {
        assert_eq!(Cents::new(150) + Cents::new(-50), Cents::new(100));
        assert_eq!(Cents::new(150) - Cents::new(200), Cents::new(-50));
        assert_eq!(-Cents::new(5), Cents::new(-5));
        assert_eq!(
            [Cents::new(1), Cents::new(2)].into_iter().sum::<Cents>(),
            Cents::new(3)
        );
        assert_eq!(Cents::new(i64::MAX).checked_add(Cents::new(1)), None);
        assert_eq!(serde_json::to_string(&Cents::new(71_591)).unwrap(), "71591");
        assert_eq!(
            serde_json::from_str::<Cents>("-10000").unwrap(),
            Cents::new(-10_000)
        );
        assert_eq!(
            serde_json::to_string(&Rounding::HalfUp).unwrap(),
            "\"half_up\""
        );
    }
}
