//! Exact rational helpers shared by the betting math: reading decimal text and `f64`s into exact
//! fractions, rounding them, and printing them with a fixed number of places.
//!
//! Owns: how a number becomes exact (and back). Uses only `num-*`. Every other file in `domain`
//! builds on these, so rounding behaviour lives in exactly one place.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// Reads plain decimal text (`"1.91"`, `"101"`, `"-0.5"`, `".5"`) as an exact fraction.
///
/// No exponents, no grouping, no surrounding spaces: this is for text we already trimmed and
/// classified. `None` when it is not such a number.
pub fn parse_decimal(text: &str) -> Option<BigRational> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, frac) = match body.split_once('.') {
        Some((w, f)) => (w, f),
        None => (body, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !all_digits(whole) || !all_digits(frac) {
        return None;
    }
    let digits = format!("{whole}{frac}");
    let numer: BigInt = digits.parse().ok()?;
    let denom = BigInt::from(10u8).pow(u32::try_from(frac.len()).ok()?);
    let value = BigRational::new(numer, denom);
    Some(if negative { -value } else { value })
}

/// The exact fraction a person or provider *meant* by an `f64`: the shortest decimal that
/// round-trips to it (`1.91_f64` → 191/100), not its binary expansion
/// (1.9099999999999999200639…). `None` for NaN and infinities.
pub fn from_f64_shortest(value: f64) -> Option<BigRational> {
    if !value.is_finite() {
        return None;
    }
    // `Display` for f64 prints the shortest round-trip digits and never uses an exponent.
    parse_decimal(&value.to_string())
}

/// Nearest integer; halves go away from zero (the "half-up" of money: 0.5 → 1, −0.5 → −1).
pub fn round_half_away(value: &BigRational) -> BigInt {
    // num-rational documents `round` as half-away-from-zero; pinned by a test below.
    value.round().to_integer()
}

/// Drops the fraction toward zero (a book that truncates pays 715.909 as 715.90).
pub fn truncate(value: &BigRational) -> BigInt {
    value.trunc().to_integer()
}

/// Best `f64` for an exact fraction (for probabilities, charts and solvers; never for money).
pub fn to_f64(value: &BigRational) -> f64 {
    value.to_f64().unwrap_or(f64::NAN)
}

/// `value` printed with exactly `places` decimals, rounded half away from zero (`"7.16"`).
pub fn format_fixed(value: &BigRational, places: u32) -> String {
    let scale = BigInt::from(10u8).pow(places);
    let scaled = round_half_away(&(value * BigRational::from_integer(scale.clone())));
    let sign = if scaled.is_negative() { "-" } else { "" };
    let magnitude = scaled.abs();
    if places == 0 {
        return format!("{sign}{magnitude}");
    }
    let whole = &magnitude / &scale;
    let frac = &magnitude % &scale;
    let width = places as usize;
    format!("{sign}{whole}.{frac:0>width$}")
}

/// A probability or margin as a percentage with `places` decimals (`"52.381%"`).
pub fn format_percent(value: &BigRational, places: u32) -> String {
    let hundred = BigRational::from_integer(BigInt::from(100u8));
    format!("{}%", format_fixed(&(value * hundred), places))
}

/// `numer/denom` as an exact fraction; `None` when `denom` is zero.
pub fn ratio(numer: i64, denom: i64) -> Option<BigRational> {
    (denom != 0).then(|| BigRational::new(BigInt::from(numer), BigInt::from(denom)))
}

/// 1 as an exact fraction (reads better than `BigRational::one()` at call sites).
pub fn one() -> BigRational {
    BigRational::one()
}

/// 0 as an exact fraction.
pub fn zero() -> BigRational {
    BigRational::zero()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: i64, d: i64) -> BigRational {
        ratio(n, d).unwrap()
    }

    #[test]
    fn parses_plain_decimals_exactly() {
        assert_eq!(parse_decimal("1.91"), Some(r(191, 100)));
        assert_eq!(parse_decimal("101"), Some(r(101, 1)));
        assert_eq!(parse_decimal("2.50"), Some(r(5, 2)));
        assert_eq!(parse_decimal(".5"), Some(r(1, 2)));
        assert_eq!(parse_decimal("-0.25"), Some(r(-1, 4)));
        assert_eq!(parse_decimal("+3."), Some(r(3, 1)));
        for bad in ["", ".", "-", "1e3", "1.2.3", " 1", "1,000", "abc", "--1"] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn f64_reads_as_the_decimal_that_was_meant() {
        assert_eq!(from_f64_shortest(1.91), Some(r(191, 100)));
        assert_eq!(from_f64_shortest(0.55), Some(r(11, 20)));
        assert_eq!(from_f64_shortest(1e-7), Some(r(1, 10_000_000)));
        assert_eq!(from_f64_shortest(f64::NAN), None);
        assert_eq!(from_f64_shortest(f64::INFINITY), None);
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_half_away(&r(1, 2)), BigInt::from(1));
        assert_eq!(round_half_away(&r(-1, 2)), BigInt::from(-1));
        assert_eq!(round_half_away(&r(5, 2)), BigInt::from(3));
        assert_eq!(round_half_away(&r(249, 100)), BigInt::from(2));
        assert_eq!(truncate(&r(71_590_909, 100_000)), BigInt::from(715));
    }

    #[test]
    fn fixed_formatting() {
        assert_eq!(format_fixed(&r(315, 44), 2), "7.16");
        assert_eq!(format_fixed(&r(5, 2), 2), "2.50");
        assert_eq!(format_fixed(&r(-1, 22), 6), "-0.045455");
        assert_eq!(format_fixed(&r(-1, 1000), 2), "0.00");
        assert_eq!(format_fixed(&r(7, 2), 0), "4");
        assert_eq!(format_percent(&r(11, 21), 3), "52.381%");
    }
}
