//! Odds in the three formats bettors use, and exact conversion between them (providers.md §6.1).
//!
//! Owns: [`AmericanOdds`] (validated integers), [`DecimalOdds`] (the canonical exact price every
//! other calculation takes), [`FractionalOdds`], implied probability, and [`OddsError`].
//! American odds are integers by definition; decimal and fractional odds are exact fractions
//! derived from them, so −110 is 21/11 and never 1.91.

use std::fmt;
use std::str::FromStr;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use serde::{Deserialize, Serialize};

use super::exact;

/// Why a price was rejected. Messages are safe to show to a user: echoed input is shortened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OddsError {
    #[error(
        "American odds must be +100 or longer, or -100 or shorter; {0} is between -100 and +100"
    )]
    AmericanBetweenHundreds(i64),
    #[error("American odds {0} are too large")]
    AmericanOutOfRange(String),
    #[error("decimal odds must be greater than 1.00, got {0}")]
    DecimalNotAboveOne(String),
    #[error("fractional odds must be greater than 0, got {0}")]
    FractionalNotPositive(String),
    #[error("a probability must be strictly between 0 and 1 to have a price, got {0}")]
    ProbabilityOutOfRange(String),
    #[error("no odds given")]
    Empty,
    #[error("could not read {input:?} as {expected} odds")]
    Unreadable {
        input: String,
        expected: &'static str,
    },
}

impl OddsError {
    pub(crate) fn unreadable(input: &str, expected: &'static str) -> Self {
        Self::Unreadable {
            input: shorten(input),
            expected,
        }
    }
}

/// Longest odds text worth reading; anything longer is not a price (and parsing a megabyte of
/// digits into a big integer is work an attacker should not get for free).
const MAX_ODDS_TEXT: usize = 40;

/// Longest serialised exact ratio accepted back (a 25-leg parlay of odd prices is ~250 chars).
const MAX_RATIO_TEXT: usize = 4_096;

/// Trimmed odds text, refused when empty or too long to be a price.
pub(crate) fn odds_text(input: &str) -> Result<&str, OddsError> {
    let text = input.trim();
    if text.is_empty() {
        Err(OddsError::Empty)
    } else if text.len() > MAX_ODDS_TEXT {
        Err(OddsError::unreadable(input, "any"))
    } else {
        Ok(text)
    }
}

/// Untrusted text is echoed back in errors; keep it short so a pasted novel stays out of logs.
pub(crate) fn shorten(input: &str) -> String {
    const MAX: usize = 32;
    match input.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &input[..cut]),
        None => input.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// American

/// American (moneyline) odds: `+150` wins 150 per 100 staked, `-110` risks 110 to win 100.
///
/// Always `|odds| >= 100`. `-100` and `+100` are the same price, so `-100` is stored as `+100`
/// and the two compare equal. Serialises as a plain JSON integer (`-110`, `150`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i32")]
pub struct AmericanOdds(i32);

impl AmericanOdds {
    /// Even money (+100 = decimal 2.0 = fractional 1/1).
    pub const EVEN: AmericanOdds = AmericanOdds(100);

    /// Validates a moneyline; rejects the impossible range −99..=99.
    pub fn new(odds: i32) -> Result<Self, OddsError> {
        match odds {
            -100 => Ok(Self::EVEN),
            o if o.unsigned_abs() >= 100 => Ok(Self(o)),
            o => Err(OddsError::AmericanBetweenHundreds(o.into())),
        }
    }

    /// The moneyline as a signed integer (`+100` for even money).
    pub const fn value(self) -> i32 {
        self.0
    }

    /// Exact decimal odds: `+150` → 5/2, `-110` → 21/11.
    pub fn to_decimal(self) -> DecimalOdds {
        american_to_decimal(self)
    }

    /// Exact implied (break-even) probability: `-110` → 11/21, `+150` → 2/5.
    pub fn implied_probability(self) -> BigRational {
        implied_probability(&self.to_decimal())
    }
}

impl TryFrom<i64> for AmericanOdds {
    type Error = OddsError;

    fn try_from(odds: i64) -> Result<Self, Self::Error> {
        if (-99..=99).contains(&odds) {
            return Err(OddsError::AmericanBetweenHundreds(odds));
        }
        let odds =
            i32::try_from(odds).map_err(|_| OddsError::AmericanOutOfRange(odds.to_string()))?;
        Self::new(odds)
    }
}

impl TryFrom<i32> for AmericanOdds {
    type Error = OddsError;

    fn try_from(odds: i32) -> Result<Self, Self::Error> {
        Self::new(odds)
    }
}

impl From<AmericanOdds> for i32 {
    fn from(odds: AmericanOdds) -> Self {
        odds.0
    }
}

impl fmt::Display for AmericanOdds {
    /// `+150`, `-110`, `+100`: the sign is always shown, as books print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:+}", self.0)
    }
}

impl FromStr for AmericanOdds {
    type Err = OddsError;

    /// Reads `+150`, `150`, `-110` and `even`/`evens`/`ev` (any case).
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let text = odds_text(input)?;
        if is_even_word(text) {
            return Ok(Self::EVEN);
        }
        // Typeset sources (and language models) write the Unicode minus sign.
        let text = text.replace('\u{2212}', "-");
        let (negative, unsigned) = match (text.strip_prefix('+'), text.strip_prefix('-')) {
            (Some(rest), _) => (false, rest),
            (_, Some(rest)) => (true, rest),
            _ => (false, text.as_str()),
        };
        if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OddsError::unreadable(input, "American"));
        }
        match unsigned.parse::<i64>() {
            Ok(odds) => Self::try_from(if negative { -odds } else { odds }),
            Err(_) => Err(OddsError::AmericanOutOfRange(shorten(&text))),
        }
    }
}

/// "even", "evens", "ev", "evs" (any case) all mean +100 / 2.0 / 1/1.
pub(crate) fn is_even_word(text: &str) -> bool {
    ["even", "evens", "ev", "evs"]
        .iter()
        .any(|word| text.eq_ignore_ascii_case(word))
}

// ---------------------------------------------------------------------------------------------
// Decimal

/// Decimal (European) odds as an exact fraction greater than 1: the total return per unit
/// staked, stake included. This is the canonical price: parlays, payouts, EV and Kelly take it.
///
/// Ordered by price: a *greater* `DecimalOdds` is a longer price (pays more).
///
/// Serialises as the exact ratio in a string, `"21/11"` for −110 (this is the decimal-odds
/// ratio 1.909…, *not* fractional odds). Reads back that form, a decimal string (`"1.91"`) or a
/// JSON number (`1.91`, read as the decimal it prints as), so provider JSON can be read as is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DecimalOdds(BigRational);

impl DecimalOdds {
    /// Validates an exact decimal price (must be > 1).
    pub fn new(ratio: BigRational) -> Result<Self, OddsError> {
        if ratio > BigRational::one() {
            Ok(Self(ratio))
        } else {
            Err(OddsError::DecimalNotAboveOne(shorten(&ratio.to_string())))
        }
    }

    /// `numer/denom`, e.g. `from_ratio(21, 11)` for −110.
    pub fn from_ratio(numer: i64, denom: i64) -> Result<Self, OddsError> {
        let ratio = exact::ratio(numer, denom)
            .ok_or_else(|| OddsError::DecimalNotAboveOne(format!("{numer}/{denom}")))?;
        Self::new(ratio)
    }

    /// A provider's float (`1.91`) read as the decimal it prints as, i.e. exactly 191/100,
    /// not the nearby binary value.
    pub fn from_f64(decimal: f64) -> Result<Self, OddsError> {
        let ratio = exact::from_f64_shortest(decimal)
            .ok_or_else(|| OddsError::DecimalNotAboveOne(decimal.to_string()))?;
        Self::new(ratio)
    }

    /// The exact fair price of an outcome with probability `p` (0 < p < 1): `1/p`.
    pub fn from_probability(p: &BigRational) -> Result<Self, OddsError> {
        if p.is_positive() && *p < BigRational::one() {
            Ok(Self(p.recip()))
        } else {
            Err(OddsError::ProbabilityOutOfRange(shorten(&p.to_string())))
        }
    }

    /// Even money, 2.0.
    pub fn even() -> Self {
        Self(BigRational::from_integer(BigInt::from(2u8)))
    }

    /// The exact ratio (always > 1).
    pub fn as_ratio(&self) -> &BigRational {
        &self.0
    }

    pub fn into_ratio(self) -> BigRational {
        self.0
    }

    /// For charts and solvers only; money never goes through floats.
    pub fn to_f64(&self) -> f64 {
        exact::to_f64(&self.0)
    }

    /// Exact implied probability `1/D`.
    pub fn implied_probability(&self) -> BigRational {
        implied_probability(self)
    }

    /// Nearest whole American odds (see [`decimal_to_american`]).
    pub fn to_american(&self) -> Result<AmericanOdds, OddsError> {
        decimal_to_american(self)
    }

    /// The exact American value, which need not be an integer (1.91 → −10000/91 ≈ −109.89).
    pub fn american_exact(&self) -> BigRational {
        decimal_to_american_exact(self)
    }

    pub fn to_fractional(&self) -> FractionalOdds {
        decimal_to_fractional(self)
    }

    /// The price of both bets combined (a parlay of the two): the exact product.
    pub fn combine(&self, other: &DecimalOdds) -> DecimalOdds {
        // A product of two numbers above 1 is above 1, so no re-validation is needed.
        DecimalOdds(&self.0 * &other.0)
    }

    /// Profit per unit staked, `D − 1` (the fractional-odds value).
    pub fn profit_per_unit(&self) -> BigRational {
        &self.0 - BigRational::one()
    }
}

impl fmt::Display for DecimalOdds {
    /// Two decimals, as books print it (`2.50`, `1.91`); the exact value is [`Self::as_ratio`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&super::format::format_decimal(self))
    }
}

impl From<AmericanOdds> for DecimalOdds {
    fn from(odds: AmericanOdds) -> Self {
        american_to_decimal(odds)
    }
}

impl From<FractionalOdds> for DecimalOdds {
    fn from(odds: FractionalOdds) -> Self {
        fractional_to_decimal(&odds)
    }
}

impl FromStr for DecimalOdds {
    type Err = OddsError;

    /// Reads decimal text only (`"2.50"`, `"1.91"`, `"101"`); see
    /// [`parse_odds`](super::format::parse_odds) for any format.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let text = odds_text(input)?;
        let ratio =
            exact::parse_decimal(text).ok_or_else(|| OddsError::unreadable(input, "decimal"))?;
        Self::new(ratio).map_err(|_| OddsError::DecimalNotAboveOne(shorten(text)))
    }
}

impl Serialize for DecimalOdds {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{}/{}", self.0.numer(), self.0.denom()))
    }
}

impl<'de> Deserialize<'de> for DecimalOdds {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DecimalOddsVisitor)
    }
}

struct DecimalOddsVisitor;

impl serde::de::Visitor<'_> for DecimalOddsVisitor {
    type Value = DecimalOdds;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("decimal odds above 1 as \"n/d\", a decimal string or a number")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
        let digits = |s: &str| {
            let plain = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            plain.then(|| s.parse::<BigInt>().ok()).flatten()
        };
        // Our own "n/d" output of a long parlay runs to hundreds of digits, so this form gets a
        // roomier bound than typed odds do.
        let parsed = match text.split_once('/') {
            _ if text.len() > MAX_RATIO_TEXT => Err(OddsError::unreadable(text, "decimal")),
            Some((n, d)) => match (digits(n), digits(d)) {
                (Some(n), Some(d)) if !d.is_zero() => DecimalOdds::new(BigRational::new(n, d)),
                _ => Err(OddsError::unreadable(text, "decimal")),
            },
            None => text.parse(),
        };
        parsed.map_err(E::custom)
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Self::Value, E> {
        DecimalOdds::from_f64(value).map_err(E::custom)
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Self::Value, E> {
        DecimalOdds::new(BigRational::from_integer(value.into())).map_err(E::custom)
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Self::Value, E> {
        DecimalOdds::new(BigRational::from_integer(value.into())).map_err(E::custom)
    }
}

// ---------------------------------------------------------------------------------------------
// Fractional

/// Fractional (UK) odds `n/d`: profit per unit staked, kept reduced (`+150` → 3/2, evens → 1/1).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FractionalOdds(BigRational);

impl FractionalOdds {
    /// `numer/denom`, reduced; both must be positive.
    pub fn new(numer: u64, denom: u64) -> Result<Self, OddsError> {
        if numer == 0 || denom == 0 {
            return Err(OddsError::FractionalNotPositive(format!("{numer}/{denom}")));
        }
        Ok(Self(BigRational::new(numer.into(), denom.into())))
    }

    /// From an exact positive fraction.
    pub fn from_ratio(ratio: BigRational) -> Result<Self, OddsError> {
        if ratio.is_positive() {
            Ok(Self(ratio))
        } else {
            Err(OddsError::FractionalNotPositive(shorten(
                &ratio.to_string(),
            )))
        }
    }

    /// Evens, 1/1.
    pub fn evens() -> Self {
        Self(BigRational::one())
    }

    pub fn numer(&self) -> &BigInt {
        self.0.numer()
    }

    pub fn denom(&self) -> &BigInt {
        self.0.denom()
    }

    pub fn as_ratio(&self) -> &BigRational {
        &self.0
    }

    pub fn to_decimal(&self) -> DecimalOdds {
        fractional_to_decimal(self)
    }
}

impl fmt::Display for FractionalOdds {
    /// Always `n/d`, evens included (`1/1`), so the format is recognisable on its own.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.0.numer(), self.0.denom())
    }
}

impl FromStr for FractionalOdds {
    type Err = OddsError;

    /// Reads `3/2`, `10/11`, `4` (= 4/1) and `evens`.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let text = odds_text(input)?;
        if is_even_word(text) {
            return Ok(Self::evens());
        }
        let (n, d) = text.split_once('/').unwrap_or((text, "1"));
        let read = |s: &str| -> Option<BigInt> {
            let s = s.trim();
            (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        match (read(n), read(d)) {
            (Some(n), Some(d)) if !d.is_zero() => Self::from_ratio(BigRational::new(n, d)),
            (Some(_), Some(_)) => Err(OddsError::FractionalNotPositive(shorten(text))),
            _ => Err(OddsError::unreadable(input, "fractional")),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Conversions (providers.md §6.1)

/// `+A` → `1 + A/100`; `−A` → `1 + 100/A`. Exact.
pub fn american_to_decimal(odds: AmericanOdds) -> DecimalOdds {
    let a = BigInt::from(odds.value());
    let hundred = BigInt::from(100u8);
    let ratio = if a.is_positive() {
        BigRational::new(&a + &hundred, hundred)
    } else {
        let risk = -a;
        BigRational::new(&risk + hundred, risk)
    };
    DecimalOdds(ratio)
}

/// Exact American value of a decimal price: `D ≥ 2` → `100·(D−1)`; `D < 2` → `−100/(D−1)`.
/// Not necessarily an integer: 1.91 → −10000/91.
pub fn decimal_to_american_exact(odds: &DecimalOdds) -> BigRational {
    let hundred = BigRational::from_integer(BigInt::from(100u8));
    let profit = odds.profit_per_unit();
    if profit >= BigRational::one() {
        hundred * profit
    } else {
        -(hundred / profit)
    }
}

/// The nearest whole American odds, halves away from zero (1.91 → −109.89 → `-110`;
/// 21/11 → `-110` exactly). Results of −100 become `+100`. Errs only when the price is
/// too long to fit (beyond ±2,147,483,647); use the formatter for such parlays.
pub fn decimal_to_american(odds: &DecimalOdds) -> Result<AmericanOdds, OddsError> {
    let rounded = exact::round_half_away(&decimal_to_american_exact(odds));
    let value = rounded
        .to_i32()
        .ok_or_else(|| OddsError::AmericanOutOfRange(shorten(&rounded.to_string())))?;
    // Rounding never lands strictly between −100 and +100: D < 2 gives A < −100.
    AmericanOdds::new(value)
}

/// `n/d` → `1 + n/d`.
pub fn fractional_to_decimal(odds: &FractionalOdds) -> DecimalOdds {
    DecimalOdds(&odds.0 + BigRational::one())
}

/// `D − 1`, reduced (−110 → 10/11, −200 → 1/2).
pub fn decimal_to_fractional(odds: &DecimalOdds) -> FractionalOdds {
    FractionalOdds(odds.profit_per_unit())
}

/// Implied (break-even) probability `1/D`, exact (−110 → 11/21 ≈ 52.381 %).
pub fn implied_probability(odds: &DecimalOdds) -> BigRational {
    odds.0.recip()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn am(odds: i32) -> AmericanOdds {
        AmericanOdds::new(odds).unwrap()
    }

    fn r(n: i64, d: i64) -> BigRational {
        exact::ratio(n, d).unwrap()
    }

    #[test]
    fn american_validation_rejects_the_dead_zone() {
        for bad in [-99, -50, -1, 0, 1, 50, 99] {
            assert_eq!(
                AmericanOdds::new(bad),
                Err(OddsError::AmericanBetweenHundreds(bad.into()))
            );
        }
        assert_eq!(am(-100), AmericanOdds::EVEN);
        assert_eq!(am(-100).value(), 100);
        assert_eq!(am(100).value(), 100);
        assert_eq!(am(i32::MIN).value(), i32::MIN);
        assert!(AmericanOdds::try_from(3_000_000_000_i64).is_err());
    }

    #[test]
    fn american_text() {
        assert_eq!("+150".parse(), Ok(am(150)));
        assert_eq!("150".parse(), Ok(am(150)));
        assert_eq!(" -110 ".parse(), Ok(am(-110)));
        assert_eq!("\u{2212}110".parse(), Ok(am(-110)));
        assert_eq!("EVEN".parse(), Ok(AmericanOdds::EVEN));
        assert_eq!("Ev".parse(), Ok(AmericanOdds::EVEN));
        assert_eq!(
            "+50".parse::<AmericanOdds>(),
            Err(OddsError::AmericanBetweenHundreds(50))
        );
        for bad in ["", "+", "-", "1.5", "+-110", "abc", "1 10"] {
            assert!(bad.parse::<AmericanOdds>().is_err(), "{bad:?}");
        }
        assert!(matches!(
            "99999999999999999999999".parse::<AmericanOdds>(),
            Err(OddsError::AmericanOutOfRange(_))
        ));
        assert_eq!(am(150).to_string(), "+150");
        assert_eq!(am(-110).to_string(), "-110");
    }

    #[test]
    fn american_serde_is_a_plain_integer() {
        assert_eq!(serde_json::to_string(&am(-110)).unwrap(), "-110");
        assert_eq!(
            serde_json::from_str::<AmericanOdds>("240").unwrap(),
            am(240)
        );
        assert!(serde_json::from_str::<AmericanOdds>("50").is_err());
        assert!(serde_json::from_str::<AmericanOdds>("9999999999").is_err());
    }

    #[test]
    fn decimal_validation_and_text() {
        assert_eq!(
            DecimalOdds::from_ratio(1, 1),
            Err(OddsError::DecimalNotAboveOne("1".into()))
        );
        assert!(DecimalOdds::from_ratio(1, 2).is_err());
        assert!(DecimalOdds::from_ratio(3, 0).is_err());
        assert!(DecimalOdds::from_f64(f64::NAN).is_err());
        assert_eq!("2.50".parse::<DecimalOdds>().unwrap().as_ratio(), &r(5, 2));
        assert!("1.00".parse::<DecimalOdds>().is_err());
        assert!("0.5".parse::<DecimalOdds>().is_err());
        assert!("x".parse::<DecimalOdds>().is_err());
        assert!("".parse::<DecimalOdds>().is_err());
    }

    #[test]
    fn decimal_serde_is_exact_and_reads_provider_numbers() {
        let minus_110 = am(-110).to_decimal();
        let json = serde_json::to_string(&minus_110).unwrap();
        assert_eq!(json, "\"21/11\"");
        assert_eq!(
            serde_json::from_str::<DecimalOdds>(&json).unwrap(),
            minus_110
        );
        let from_number: DecimalOdds = serde_json::from_str("1.91").unwrap();
        assert_eq!(from_number.as_ratio(), &r(191, 100));
        let from_text: DecimalOdds = serde_json::from_str("\"2.5\"").unwrap();
        assert_eq!(from_text.as_ratio(), &r(5, 2));
        let from_int: DecimalOdds = serde_json::from_str("3").unwrap();
        assert_eq!(from_int.as_ratio(), &r(3, 1));
        for bad in [
            "1",
            "\"1/2\"",
            "\"3/0\"",
            "\"a/b\"",
            "\"-3/-2\"",
            "0.9",
            "-2",
            "true",
        ] {
            assert!(serde_json::from_str::<DecimalOdds>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fractional_text() {
        assert_eq!(
            "3/2".parse::<FractionalOdds>().unwrap().as_ratio(),
            &r(3, 2)
        );
        assert_eq!("6/4".parse::<FractionalOdds>().unwrap().to_string(), "3/2");
        assert_eq!("4".parse::<FractionalOdds>().unwrap().to_string(), "4/1");
        assert_eq!(
            "Evens".parse::<FractionalOdds>().unwrap(),
            FractionalOdds::evens()
        );
        assert!("0/1".parse::<FractionalOdds>().is_err());
        assert!("1/0".parse::<FractionalOdds>().is_err());
        assert!("-1/2".parse::<FractionalOdds>().is_err());
        assert!("1.5/1".parse::<FractionalOdds>().is_err());
        assert!(FractionalOdds::new(0, 3).is_err());
        assert!(FractionalOdds::from_ratio(r(-1, 3)).is_err());
    }

    #[test]
    fn probability_to_price() {
        assert_eq!(
            DecimalOdds::from_probability(&r(11, 21)).unwrap(),
            am(-110).to_decimal()
        );
        assert!(DecimalOdds::from_probability(&r(1, 1)).is_err());
        assert!(DecimalOdds::from_probability(&r(0, 1)).is_err());
    }

    #[test]
    fn american_rounding_halves_go_away_from_zero() {
        // 2.005 → +100.5 → +101; 1 + 200/301 → −150.5 → −151.
        assert_eq!(
            DecimalOdds::from_ratio(401, 200).unwrap().to_american(),
            Ok(am(101))
        );
        assert_eq!(
            DecimalOdds::from_ratio(501, 301).unwrap().to_american(),
            Ok(am(-151))
        );
        // Just short of even rounds to −100, which is +100.
        assert_eq!(
            DecimalOdds::from_ratio(1999, 1000).unwrap().to_american(),
            Ok(AmericanOdds::EVEN)
        );
        let huge = DecimalOdds::from_ratio(i64::MAX, 1).unwrap();
        assert!(matches!(
            huge.to_american(),
            Err(OddsError::AmericanOutOfRange(_))
        ));
    }

    #[test]
    fn long_input_is_refused_and_shortened_in_errors() {
        let long = "x".repeat(500);
        let message = long.parse::<DecimalOdds>().unwrap_err().to_string();
        assert!(message.len() < 80, "{message}");
        let digits = format!("1.{}", "1".repeat(100_000));
        assert!(digits.parse::<DecimalOdds>().is_err());
        assert!(format!("+{digits}").parse::<AmericanOdds>().is_err());
        assert!(serde_json::from_str::<DecimalOdds>(&format!("\"{digits}\"")).is_err());
        let ratio = format!("\"{}/1\"", "9".repeat(5_000));
        assert!(serde_json::from_str::<DecimalOdds>(&ratio).is_err());
    }

    #[test]
    fn long_parlay_prices_survive_serde() {
        let leg = am(-10_007).to_decimal();
        let parlay = (1..25).fold(leg.clone(), |acc, _| acc.combine(&leg));
        let json = serde_json::to_string(&parlay).unwrap();
        assert!(json.len() > 40, "{json}");
        assert_eq!(serde_json::from_str::<DecimalOdds>(&json).unwrap(), parlay);
    }

    #[test]
    fn decimal_display_is_two_places() {
        assert_eq!(am(-110).to_decimal().to_string(), "1.91");
        assert_eq!(am(150).to_decimal().to_string(), "2.50");
    }
}
