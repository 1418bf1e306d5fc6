//! The leagues this app covers, and their keys at each provider.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The sports this app knows how to map across providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sport {
    Nba,
    Nfl,
    Mlb,
    Nhl,
    Epl,
}

impl Sport {
    pub const ALL: [Sport; 5] = [Sport::Nba, Sport::Nfl, Sport::Mlb, Sport::Nhl, Sport::Epl];

    /// The clock its fans read game days in: UK time for the Premier League, US Eastern for the
    /// US leagues.
    pub fn fan_zone(self) -> crate::domain::fan_time::FanZone {
        use crate::domain::fan_time::FanZone;
        match self {
            Sport::Epl => FanZone::Uk,
            Sport::Nba | Sport::Nfl | Sport::Mlb | Sport::Nhl => FanZone::UsEastern,
        }
    }

    /// The Odds API sport key (also used as `sport_key` in every odds/scores value).
    pub fn odds_api_key(self) -> &'static str {
        match self {
            Sport::Nba => "basketball_nba",
            Sport::Nfl => "americanfootball_nfl",
            Sport::Mlb => "baseball_mlb",
            Sport::Nhl => "icehockey_nhl",
            Sport::Epl => "soccer_epl",
        }
    }

    /// Short display title ("NBA", "EPL").
    pub fn title(self) -> &'static str {
        match self {
            Sport::Nba => "NBA",
            Sport::Nfl => "NFL",
            Sport::Mlb => "MLB",
            Sport::Nhl => "NHL",
            Sport::Epl => "EPL",
        }
    }

    /// ESPN `{sport}/{league}` path segment pair.
    pub fn espn_path(self) -> (&'static str, &'static str) {
        match self {
            Sport::Nba => ("basketball", "nba"),
            Sport::Nfl => ("football", "nfl"),
            Sport::Mlb => ("baseball", "mlb"),
            Sport::Nhl => ("hockey", "nhl"),
            Sport::Epl => ("soccer", "eng.1"),
        }
    }

    /// StatMuse league segment (`/{league}/ask/...`).
    pub fn statmuse_league(self) -> &'static str {
        match self {
            Sport::Epl => "fc",
            other => other.espn_path().1,
        }
    }

    /// Parses our own names, Odds API keys, ESPN league slugs and a few common spellings.
    pub fn from_key(key: &str) -> Option<Sport> {
        let k = key.trim().to_ascii_lowercase();
        Sport::ALL
            .into_iter()
            .find(|s| {
                k == s.title().to_ascii_lowercase()
                    || k == s.odds_api_key()
                    || k == s.espn_path().1
                    || k == s.statmuse_league()
            })
            .or(match k.as_str() {
                "basketball" => Some(Sport::Nba),
                "football" | "american football" => Some(Sport::Nfl),
                "baseball" => Some(Sport::Mlb),
                "hockey" | "ice hockey" => Some(Sport::Nhl),
                "soccer" | "premier league" | "english premier league" => Some(Sport::Epl),
                _ => None,
            })
    }
}

impl fmt::Display for Sport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

impl FromStr for Sport {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Sport::from_key(s)
            .ok_or_else(|| format!("unknown sport '{s}' (try nba, nfl, mlb, nhl, epl)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sport_keys_round_trip() {
        for s in Sport::ALL {
            assert_eq!(Sport::from_key(s.odds_api_key()), Some(s));
            assert_eq!(Sport::from_key(s.title()), Some(s));
        }
        assert_eq!("premier league".parse::<Sport>(), Ok(Sport::Epl));
        assert!("curling".parse::<Sport>().is_err());
    }
}
