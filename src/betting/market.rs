//! The three markets a slip is built from, with their wire keys (The Odds API's `markets`
//! keys, also what the store's TEXT column and every slip payload carry).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A featured market: moneyline (`h2h`), point spread or total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Market {
    H2h,
    Spreads,
    Totals,
}

/// A market key that is not one of [`Market`]'s (a prop such as `player_points`, or garbage).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown market {0:?} (expected h2h, spreads or totals)")]
pub struct UnknownMarket(pub String);

impl Market {
    /// The board's featured markets, in the order they are asked for.
    pub const ALL: [Market; 3] = [Market::H2h, Market::Spreads, Market::Totals];

    /// The wire key: `h2h`, `spreads`, `totals`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Market::H2h => "h2h",
            Market::Spreads => "spreads",
            Market::Totals => "totals",
        }
    }

    /// The market a provider key names, if it is one of ours (props are not).
    pub fn from_key(key: &str) -> Option<Market> {
        Market::ALL.into_iter().find(|m| m.as_str() == key)
    }

    /// Whether a provider key is this market.
    pub fn is(self, key: &str) -> bool {
        self.as_str() == key
    }

    /// What a bettor calls it.
    pub fn label(self) -> &'static str {
        match self {
            Market::H2h => "Moneyline",
            Market::Spreads => "Spread",
            Market::Totals => "Total",
        }
    }

    /// Whether its lines are signed per side (a spread) rather than shared (a total).
    pub fn signed_line(self) -> bool {
        self != Market::Totals
    }
}

impl fmt::Display for Market {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Market {
    type Err = UnknownMarket;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Market::from_key(s).ok_or_else(|| UnknownMarket(s.to_owned()))
    }
}

impl PartialEq<Market> for &str {
    fn eq(&self, other: &Market) -> bool {
        other.is(self)
    }
}

impl PartialEq<Market> for String {
    fn eq(&self, other: &Market) -> bool {
        other.is(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn market_keys_round_trip_through_text_and_serde() {
        for m in Market::ALL {
            assert_eq!(m.as_str().parse::<Market>(), Ok(m));
            assert_eq!(m.to_string(), m.as_str());
            let json = serde_json::to_value(m).unwrap();
            assert_eq!(json, m.as_str());
            assert_eq!(serde_json::from_value::<Market>(json).unwrap(), m);
        }
        assert_eq!(
            Market::ALL.map(Market::as_str),
            ["h2h", "spreads", "totals"],
            "The Odds API's keys"
        );
    }

    #[test]
    fn unknown_markets_are_refused_by_name() {
        let err = "player_points".parse::<Market>().unwrap_err();
        assert_eq!(err, UnknownMarket("player_points".into()));
        assert!(err.to_string().contains("\"player_points\""), "{err}");
        assert!("H2H".parse::<Market>().is_err(), "keys are exact");
        assert!(serde_json::from_str::<Market>("\"moneyline\"").is_err());
        assert_eq!(Market::from_key("totals"), Some(Market::Totals));
        let key = String::from("spreads");
        assert!("h2h" == Market::H2h && key == Market::Spreads && key != Market::Totals);
    }
}
