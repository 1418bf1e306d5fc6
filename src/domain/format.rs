//! Showing and reading odds in the bettor's preferred format.
//!
//! Owns: [`OddsFormat`] (the user preference), [`format_odds`] (`"+150"`, `"-110"`, `"2.50"`,
//! `"3/2"`) and [`parse_odds`] (untrusted text in any format → exact [`DecimalOdds`]).
//! Rounding happens here and only here, for display; prices themselves stay exact.

use std::fmt;
use std::str::FromStr;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed};
use serde::{Deserialize, Serialize};

use super::exact;
use super::odds::{
    decimal_to_american_exact, is_even_word, odds_text, AmericanOdds, DecimalOdds, FractionalOdds,
    OddsError,
};

/// How a bettor wants prices shown. Serialises as `"american"`, `"decimal"`, `"fractional"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OddsFormat {
    /// US moneyline, the default for a US sports audience.
    #[default]
    American,
    Decimal,
    Fractional,
}

impl OddsFormat {
    pub const ALL: [OddsFormat; 3] = [Self::American, Self::Decimal, Self::Fractional];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::American => "american",
            Self::Decimal => "decimal",
            Self::Fractional => "fractional",
        }
    }
}

impl fmt::Display for OddsFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The preference name is not one of `american`, `decimal`, `fractional`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown odds format {0:?}; use american, decimal or fractional")]
pub struct UnknownOddsFormat(pub String);

impl FromStr for OddsFormat {
    type Err = UnknownOddsFormat;

    /// Case-insensitive; also accepts the regional names `us`, `eu` and `uk`.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        match input.trim().to_ascii_lowercase().as_str() {
            "american" | "us" | "moneyline" => Ok(Self::American),
            "decimal" | "eu" | "european" => Ok(Self::Decimal),
            "fractional" | "uk" => Ok(Self::Fractional),
            _ => Err(UnknownOddsFormat(super::odds::shorten(input))),
        }
    }
}

/// A price as the bettor wants to see it.
pub fn format_odds(price: &DecimalOdds, format: OddsFormat) -> String {
    match format {
        OddsFormat::American => format_american(price),
        OddsFormat::Decimal => format_decimal(price),
        OddsFormat::Fractional => format_fractional(price),
    }
}

/// Nearest whole moneyline with its sign (`"+616"`, `"-110"`, `"+100"`). Works for parlays far
/// beyond what [`AmericanOdds`] can hold.
pub fn format_american(price: &DecimalOdds) -> String {
    let rounded = exact::round_half_away(&decimal_to_american_exact(price));
    // −100 is printed the way even money is always printed.
    if rounded == BigInt::from(-100) {
        return AmericanOdds::EVEN.to_string();
    }
    let sign = if rounded.is_negative() { "" } else { "+" };
    format!("{sign}{rounded}")
}

/// Two decimals (`"2.50"`, `"1.91"`, `"7.16"`), with more only when two would print a price
/// of `1.00` (a very short favourite), which would read as "no payout".
pub fn format_decimal(price: &DecimalOdds) -> String {
    let one = BigRational::one();
    let mut places = 2;
    loop {
        let text = exact::format_fixed(price.as_ratio(), places);
        let shown = exact::parse_decimal(&text).unwrap_or_else(|| one.clone());
        if shown > one || places >= 8 {
            return text;
        }
        places += 1;
    }
}

/// Reduced `n/d` (`"3/2"`, `"10/11"`, `"1/1"`); exact, so no rounding at all.
pub fn format_fractional(price: &DecimalOdds) -> String {
    price.to_fractional().to_string()
}

/// Untrusted text in any odds format → an exact price.
///
/// Explicit shapes decide first: a leading `+`/`-` is American, a `/` is fractional, a `.` is
/// decimal, `even`/`evens`/`ev` is even money. A bare whole number is ambiguous (`150` is +150
/// American but also a legal decimal price), so it is read in `assume`, the bettor's preferred
/// format: American `150` → +150, decimal `3` → 3.00, fractional `4` → 4/1.
pub fn parse_odds(input: &str, assume: OddsFormat) -> Result<DecimalOdds, OddsError> {
    let text = odds_text(input)?;
    if is_even_word(text) {
        return Ok(DecimalOdds::even());
    }
    let format = if text.starts_with(['+', '-', '\u{2212}']) {
        OddsFormat::American
    } else if text.contains('/') {
        OddsFormat::Fractional
    } else if text.contains('.') {
        OddsFormat::Decimal
    } else {
        assume
    };
    match format {
        OddsFormat::American => text.parse::<AmericanOdds>().map(DecimalOdds::from),
        OddsFormat::Decimal => text.parse::<DecimalOdds>(),
        OddsFormat::Fractional => text.parse::<FractionalOdds>().map(DecimalOdds::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn am(odds: i32) -> DecimalOdds {
        AmericanOdds::new(odds).unwrap().to_decimal()
    }

    #[test]
    fn formats_in_each_preference() {
        let cases = [
            (150, "+150", "2.50", "3/2"),
            (-110, "-110", "1.91", "10/11"),
            (-200, "-200", "1.50", "1/2"),
            (100, "+100", "2.00", "1/1"),
            (-100, "+100", "2.00", "1/1"),
            (-10_000, "-10000", "1.01", "1/100"),
        ];
        for (odds, american, decimal, fractional) in cases {
            let price = am(odds);
            assert_eq!(format_odds(&price, OddsFormat::American), american);
            assert_eq!(format_odds(&price, OddsFormat::Decimal), decimal);
            assert_eq!(format_odds(&price, OddsFormat::Fractional), fractional);
        }
    }

    #[test]
    fn very_short_decimal_never_prints_as_one() {
        assert_eq!(format_decimal(&am(-100_000)), "1.001");
        assert_eq!(format_decimal(&am(-300)), "1.33");
    }

    #[test]
    fn american_display_handles_prices_beyond_i32() {
        let huge = DecimalOdds::from_ratio(i64::MAX, 1).unwrap();
        assert_eq!(
            format_american(&huge),
            format!("+{}", (i64::MAX as i128 - 1) * 100)
        );
        // Just short of even money rounds to −100, shown as +100.
        let nearly_even = DecimalOdds::from_ratio(1999, 1000).unwrap();
        assert_eq!(format_american(&nearly_even), "+100");
    }

    #[test]
    fn parses_explicit_shapes_regardless_of_preference() {
        for assume in OddsFormat::ALL {
            assert_eq!(parse_odds("+150", assume), Ok(am(150)));
            assert_eq!(parse_odds("-110", assume), Ok(am(-110)));
            assert_eq!(parse_odds("\u{2212}110", assume), Ok(am(-110)));
            assert_eq!(parse_odds("2.50", assume), Ok(am(150)));
            assert_eq!(parse_odds("3/2", assume), Ok(am(150)));
            assert_eq!(parse_odds(" EVEN ", assume), Ok(am(100)));
            assert_eq!(parse_odds("", assume), Err(OddsError::Empty));
            assert!(parse_odds("+50", assume).is_err());
            assert!(parse_odds("1.0", assume).is_err());
            assert!(parse_odds("-1.5", assume).is_err());
            assert!(parse_odds("lock", assume).is_err());
        }
    }

    #[test]
    fn bare_integers_follow_the_preference() {
        assert_eq!(parse_odds("150", OddsFormat::American), Ok(am(150)));
        assert!(parse_odds("3", OddsFormat::American).is_err());
        assert_eq!(
            parse_odds("3", OddsFormat::Decimal),
            Ok(DecimalOdds::from_ratio(3, 1).unwrap())
        );
        assert_eq!(
            parse_odds("101", OddsFormat::Decimal),
            Ok(DecimalOdds::from_ratio(101, 1).unwrap())
        );
        assert_eq!(parse_odds("4", OddsFormat::Fractional), Ok(am(400)));
    }

    #[test]
    fn preference_names() {
        assert_eq!("American".parse(), Ok(OddsFormat::American));
        assert_eq!("uk".parse(), Ok(OddsFormat::Fractional));
        assert_eq!("decimal".parse(), Ok(OddsFormat::Decimal));
        assert!("roman".parse::<OddsFormat>().is_err());
        assert_eq!(
            serde_json::to_string(&OddsFormat::Fractional).unwrap(),
            "\"fractional\""
        );
        assert_eq!(OddsFormat::default(), OddsFormat::American);
        for format in OddsFormat::ALL {
            assert_eq!(format.to_string().parse(), Ok(format));
        }
    }
}
