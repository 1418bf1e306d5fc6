//! The bookmaker's margin in a market, and removing it to get fair ("no-vig") probabilities
//! (providers.md §6.2).
//!
//! Owns: [`overround`], [`margin`], [`hold`] (exact), [`DevigMethod`] and [`remove_vig`].
//! Multiplicative and additive removal are closed-form and also returned exactly; power and
//! Shin need a one-dimensional root solve, done by bisection in `f64` (these are probabilities,
//! never money, so float precision is fine; bisection is used because it cannot diverge).

use std::fmt;
use std::str::FromStr;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed};
use serde::{Deserialize, Serialize};

use super::exact;
use super::odds::{shorten, DecimalOdds};

/// How to spread the margin back over the outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DevigMethod {
    /// `p_i = q_i / S` — proportional normalisation, the usual calculator default.
    #[default]
    Multiplicative,
    /// `p_i = q_i − (S − 1)/n` — equal margin per outcome; fails on big longshots in n-way
    /// markets (it would give them a negative chance).
    Additive,
    /// `p_i = q_i^k` with `Σ q_i^k = 1` — moves probability toward the favourite.
    Power,
    /// Shin's insider-trading model; equals additive for two-way markets.
    Shin,
}

impl DevigMethod {
    pub const ALL: [DevigMethod; 4] = [
        Self::Multiplicative,
        Self::Additive,
        Self::Power,
        Self::Shin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Multiplicative => "multiplicative",
            Self::Additive => "additive",
            Self::Power => "power",
            Self::Shin => "shin",
        }
    }
}

impl fmt::Display for DevigMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DevigMethod {
    type Err = VigError;

    /// Case-insensitive; `proportional` and `normalized` also mean multiplicative.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        match input.trim().to_ascii_lowercase().as_str() {
            "multiplicative" | "proportional" | "normalized" | "normalised" => {
                Ok(Self::Multiplicative)
            }
            "additive" => Ok(Self::Additive),
            "power" => Ok(Self::Power),
            "shin" => Ok(Self::Shin),
            _ => Err(VigError::UnknownMethod(shorten(input))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VigError {
    #[error("a market needs at least two outcomes to have a margin, got {0}")]
    TooFewOutcomes(usize),
    #[error(
        "additive vig removal leaves outcome {outcome} with no chance; use multiplicative or power"
    )]
    NonPositiveProbability { outcome: usize },
    #[error("Shin's method needs a bookmaker margin, but these prices sum to 100 % or less")]
    NoMargin,
    #[error("{0} vig removal did not converge")]
    DidNotConverge(DevigMethod),
    #[error("unknown vig removal method {0:?}; use multiplicative, additive, power or shin")]
    UnknownMethod(String),
}

/// Sum of implied probabilities `S = Σ 1/D_i` (−110/−110 → 22/21 ≈ 1.047619).
pub fn overround(prices: &[DecimalOdds]) -> Result<BigRational, VigError> {
    if prices.len() < 2 {
        return Err(VigError::TooFewOutcomes(prices.len()));
    }
    Ok(prices.iter().map(DecimalOdds::implied_probability).sum())
}

/// The "vig" as usually quoted, `S − 1` (−110/−110 → 1/21 ≈ 4.76 %).
pub fn margin(prices: &[DecimalOdds]) -> Result<BigRational, VigError> {
    Ok(overround(prices)? - BigRational::one())
}

/// The book's hold on a balanced book, `1 − 1/S` (−110/−110 → 1/22 ≈ 4.545 %).
/// Smaller than [`margin`]; say which one is shown.
pub fn hold(prices: &[DecimalOdds]) -> Result<BigRational, VigError> {
    Ok(BigRational::one() - overround(prices)?.recip())
}

/// Fair probabilities for one market, in the order the prices were given.
#[derive(Debug, Clone, PartialEq)]
pub struct NoVigLine {
    pub method: DevigMethod,
    /// One per outcome; sums to 1 within 1e-9.
    pub probabilities: Vec<f64>,
    /// The same probabilities exactly, for the closed-form methods (multiplicative, additive,
    /// and any method on a book with no margin); `None` for power and Shin.
    pub exact: Option<Vec<BigRational>>,
    /// The solved parameter: power's exponent `k` or Shin's `z`; `None` otherwise.
    pub parameter: Option<f64>,
}

impl NoVigLine {
    /// The fair price of outcome `index`; `None` past the end. Exact where `exact` is.
    pub fn fair_price(&self, index: usize) -> Option<DecimalOdds> {
        match &self.exact {
            Some(exact) => DecimalOdds::from_probability(exact.get(index)?).ok(),
            None => {
                let p = exact::from_f64_shortest(*self.probabilities.get(index)?)?;
                DecimalOdds::from_probability(&p).ok()
            }
        }
    }

    /// Fair prices of every outcome, in order.
    pub fn fair_prices(&self) -> Vec<Option<DecimalOdds>> {
        (0..self.probabilities.len())
            .map(|i| self.fair_price(i))
            .collect()
    }
}

/// Removes the bookmaker's margin from one market's prices (all outcomes of that market, e.g.
/// both sides of a moneyline or the three of a soccer 1X2).
pub fn remove_vig(prices: &[DecimalOdds], method: DevigMethod) -> Result<NoVigLine, VigError> {
    let total = overround(prices)?;
    let implied: Vec<BigRational> = prices
        .iter()
        .map(DecimalOdds::implied_probability)
        .collect();
    if total == BigRational::one() {
        // Already fair: every method is the identity, and the solvers would only add noise.
        return Ok(exact_line(method, implied, None));
    }
    match method {
        DevigMethod::Multiplicative => {
            let fair = implied.iter().map(|q| q / &total).collect();
            Ok(exact_line(method, fair, None))
        }
        DevigMethod::Additive => {
            let n = BigRational::from_integer(BigInt::from(implied.len()));
            let share = (&total - BigRational::one()) / n;
            let fair: Vec<BigRational> = implied.iter().map(|q| q - &share).collect();
            if let Some(outcome) = fair.iter().position(|p| !p.is_positive()) {
                return Err(VigError::NonPositiveProbability { outcome });
            }
            Ok(exact_line(method, fair, None))
        }
        DevigMethod::Power => {
            let q = to_floats(&implied);
            let k = solve_power(&q).ok_or(VigError::DidNotConverge(method))?;
            let probabilities = q.iter().map(|qi| qi.powf(k)).collect();
            Ok(float_line(method, probabilities, k))
        }
        DevigMethod::Shin => {
            if total < BigRational::one() {
                return Err(VigError::NoMargin);
            }
            let q = to_floats(&implied);
            let s = exact::to_f64(&total);
            let z = solve_shin(&q, s).ok_or(VigError::DidNotConverge(method))?;
            let probabilities = q.iter().map(|&qi| shin_probability(qi, s, z)).collect();
            Ok(float_line(method, probabilities, z))
        }
    }
}

fn exact_line(method: DevigMethod, fair: Vec<BigRational>, parameter: Option<f64>) -> NoVigLine {
    NoVigLine {
        method,
        probabilities: to_floats(&fair),
        exact: Some(fair),
        parameter,
    }
}

fn float_line(method: DevigMethod, probabilities: Vec<f64>, parameter: f64) -> NoVigLine {
    NoVigLine {
        method,
        probabilities,
        exact: None,
        parameter: Some(parameter),
    }
}

fn to_floats(values: &[BigRational]) -> Vec<f64> {
    values.iter().map(exact::to_f64).collect()
}

/// `k` with `Σ q_i^k = 1`. The sum falls as `k` grows (every `q_i < 1`), so bisect: over
/// `[1, ∞)` when the book has a margin (k > 1), over `(0, 1]` when the prices sum below 1.
fn solve_power(q: &[f64]) -> Option<f64> {
    let excess = |k: f64| q.iter().map(|qi| qi.powf(k)).sum::<f64>() - 1.0;
    let (mut lo, mut hi) = if excess(1.0) > 0.0 {
        (1.0, 2.0)
    } else {
        (0.0, 1.0)
    };
    while excess(hi) > 0.0 {
        lo = hi;
        hi *= 2.0;
        if hi > 1e9 {
            return None;
        }
    }
    Some(bisect(excess, lo, hi))
}

/// Shin's fair probability of an outcome with implied `q` in a book summing to `s`, at
/// insider share `z`. Written as `2q²/(s·(√(z² + 4(1−z)q²/s) + z))`, which is the textbook
/// `(√(…) − z)/(2(1−z))` with the subtraction rationalised away, so it stays accurate for
/// every `z` in `[0, 1]`.
fn shin_probability(q: f64, s: f64, z: f64) -> f64 {
    let root = (z * z + 4.0 * (1.0 - z) * q * q / s).sqrt();
    2.0 * q * q / (s * (root + z))
}

/// `z` in `[0, 1]` with `Σ p_i(z) = 1`. At `z = 0` the sum is `√S > 1`; at `z = 1` it is
/// `Σq²/S < 1`; so a root is bracketed and bisection finds it.
fn solve_shin(q: &[f64], s: f64) -> Option<f64> {
    let excess = |z: f64| q.iter().map(|&qi| shin_probability(qi, s, z)).sum::<f64>() - 1.0;
    (excess(0.0) >= 0.0 && excess(1.0) <= 0.0).then(|| bisect(excess, 0.0, 1.0))
}

/// Root of a decreasing function on `[lo, hi]`, to the last bit an `f64` can tell apart.
fn bisect(f: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64) -> f64 {
    for _ in 0..2_000 {
        let mid = lo + (hi - lo) / 2.0;
        if mid <= lo || mid >= hi {
            break;
        }
        if f(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo + (hi - lo) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::odds::AmericanOdds;

    fn prices(american: &[i32]) -> Vec<DecimalOdds> {
        american
            .iter()
            .map(|&a| AmericanOdds::new(a).unwrap().to_decimal())
            .collect()
    }

    #[test]
    fn needs_two_outcomes() {
        assert_eq!(
            overround(&prices(&[-110])),
            Err(VigError::TooFewOutcomes(1))
        );
        assert_eq!(
            remove_vig(&[], DevigMethod::Power),
            Err(VigError::TooFewOutcomes(0))
        );
    }

    #[test]
    fn additive_refuses_negative_longshots() {
        // Three-way market with a huge longshot: 1/1001 − (S − 1)/3 < 0.
        let market = prices(&[-500, 450, 100_000]);
        assert_eq!(
            remove_vig(&market, DevigMethod::Additive),
            Err(VigError::NonPositiveProbability { outcome: 2 })
        );
        for method in [
            DevigMethod::Multiplicative,
            DevigMethod::Power,
            DevigMethod::Shin,
        ] {
            let line = remove_vig(&market, method).unwrap();
            assert!(line.probabilities.iter().all(|&p| p > 0.0), "{method}");
        }
    }

    #[test]
    fn shin_needs_a_margin_but_others_handle_arbitrage_books() {
        // +110/+110 sums to 20/21 < 1 (prices from two different books, say).
        let market = prices(&[110, 110]);
        assert_eq!(
            remove_vig(&market, DevigMethod::Shin),
            Err(VigError::NoMargin)
        );
        for method in [
            DevigMethod::Multiplicative,
            DevigMethod::Additive,
            DevigMethod::Power,
        ] {
            let line = remove_vig(&market, method).unwrap();
            assert!((line.probabilities[0] - 0.5).abs() < 1e-12, "{method}");
        }
    }

    #[test]
    fn a_fair_book_is_left_alone() {
        let market = prices(&[100, -100]);
        for method in DevigMethod::ALL {
            let line = remove_vig(&market, method).unwrap();
            assert_eq!(line.exact, Some(vec![exact::ratio(1, 2).unwrap(); 2]));
            assert_eq!(line.fair_price(0), Some(DecimalOdds::even()));
            assert_eq!(line.fair_price(2), None);
        }
    }

    #[test]
    fn three_way_soccer_market() {
        // Home +150, draw +230, away +200.
        let market = prices(&[150, 230, 200]);
        for method in DevigMethod::ALL {
            let line = remove_vig(&market, method).unwrap();
            let sum: f64 = line.probabilities.iter().sum();
            assert!((sum - 1.0).abs() < 1e-9, "{method}: {sum}");
            let fair = line.fair_prices();
            for (fair, vigged) in fair.iter().zip(&market) {
                assert!(fair.as_ref().unwrap() > vigged, "{method}");
            }
        }
    }

    #[test]
    fn method_names() {
        for method in DevigMethod::ALL {
            assert_eq!(method.to_string().parse(), Ok(method));
        }
        assert_eq!("Proportional".parse(), Ok(DevigMethod::Multiplicative));
        assert!(matches!(
            "median".parse::<DevigMethod>(),
            Err(VigError::UnknownMethod(_))
        ));
        assert_eq!(
            serde_json::to_string(&DevigMethod::Shin).unwrap(),
            "\"shin\""
        );
        assert_eq!(DevigMethod::default(), DevigMethod::Multiplicative);
    }
}
