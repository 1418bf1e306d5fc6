//! A parlay slip's state: the legs with the exact prices the bettor saw, the stake, the
//! idempotency key, and where the prices came from.
//!
//! The state travels inside the slip's `parlay.lock_in` action payload, so the stored widget
//! item is the server's copy of the slip (actions read it back from there) and a client without
//! an item id can still send it. A payload from the browser is untrusted: [`SlipState::check`]
//! bounds every field before anything is priced, and lock-in re-quotes every leg anyway.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use num_traits::{One, Signed};

use super::market::Market;
use super::names::{format_point, short_team};
use super::sport::Sport;
use crate::domain::{
    price_parlay, BigRational, Cents, DecimalOdds, LegKey, ParlayError, ParlayLeg, ParlayOptions,
    ParlayQuote, Probability,
};

/// Longest text field accepted from a payload; real names are far shorter.
const MAX_TEXT: usize = 120;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlipLeg {
    pub event_id: String,
    pub away: String,
    pub home: String,
    pub commence_time: DateTime<Utc>,
    /// `h2h`, `spreads` or `totals` on the wire (an unknown key does not read).
    pub market: Market,
    /// The outcome's name as the book lists it: a team, `Over`/`Under`, or `Draw`.
    pub selection: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point: Option<f64>,
    /// The exact price the bettor saw (`"21/11"` for −110; a decimal 1.87 is `"187/100"`).
    #[serde(alias = "price_american", deserialize_with = "legacy::price")]
    pub price: DecimalOdds,
    /// Bookmaker key and title of the quoted price.
    pub book: String,
    pub book_title: String,
    /// No-vig win probability in basis points (0..=10000): the market-probability badge.
    pub fair_bp: u32,
    /// The exact no-vig win probability EV and Kelly use, `"n/d"` on the wire (a float would
    /// not carry 69/119 back). Slips from before it existed fall back to `fair_bp`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "exact_probability"
    )]
    pub fair_probability: Option<BigRational>,
    /// Set when a re-quote moved the price: what the bettor saw before.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "previous_price_american",
        deserialize_with = "legacy::previous_price"
    )]
    pub previous_price: Option<DecimalOdds>,
    /// Players on this leg's side expected to miss the game ("Luka Dončić (Out)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injury_note: Option<String>,
}

impl SlipLeg {
    /// `Orlando Magic ML`, `Orlando Magic -1.5`, `Over 228.5`, `Draw`.
    pub fn pick(&self) -> String {
        match (self.market, self.point) {
            (Market::H2h, _) if self.selection == "Draw" => "Draw".to_owned(),
            (Market::H2h, _) => format!("{} ML", self.selection),
            (market, Some(p)) => format!(
                "{} {}",
                self.selection,
                format_point(p, market.signed_line())
            ),
            (_, None) => self.selection.clone(),
        }
    }

    /// `Bucks @ Magic`.
    pub fn game(&self, sport: Sport) -> String {
        format!(
            "{} @ {}",
            short_team(&self.away, sport),
            short_team(&self.home, sport)
        )
    }

    /// What makes two legs the same bet (for duplicate and both-sides checks).
    pub fn leg_key(&self) -> LegKey {
        LegKey::new(&self.event_id, self.market.as_str(), &self.selection)
    }

    /// The text of the badge beside the price: the market's own no-vig win probability. It
    /// is what the books imply, not our confidence in the pick, and says so.
    pub fn market_probability_text(&self) -> String {
        let pct = (self.fair_bp + 50) / 100;
        format!("Market prob. {pct}%")
    }

    /// The fair win probability: exact when the slip carries it, else from `fair_bp`;
    /// `None` when out of range (an unchecked payload).
    pub fn fair(&self) -> Option<Probability> {
        let p = self
            .fair_probability
            .clone()
            .unwrap_or_else(|| BigRational::new(self.fair_bp.into(), 10_000.into()));
        Probability::from_ratio(p).ok()
    }

    fn check(&self, n: usize) -> Result<(), String> {
        let text_ok = |s: &str| !s.trim().is_empty() && s.len() <= MAX_TEXT;
        let fields = [
            &self.event_id,
            &self.away,
            &self.home,
            &self.selection,
            &self.book,
            &self.book_title,
        ];
        if !fields.iter().all(|s| text_ok(s)) {
            return Err(format!("leg {n} has an empty or overlong field"));
        }
        if self
            .point
            .is_some_and(|p| !p.is_finite() || p.abs() > 1000.0)
        {
            return Err(format!("leg {n} has an invalid line"));
        }
        let fair_ok = self
            .fair_probability
            .as_ref()
            .is_none_or(|p| !p.is_negative() && *p <= BigRational::one());
        if self.fair_bp > 10_000 || !fair_ok {
            return Err(format!("leg {n} has an invalid probability"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlipState {
    /// Idempotency key: every lock-in of this slip is the same bet.
    pub key: String,
    pub sport: Sport,
    pub stake_cents: i64,
    pub legs: Vec<SlipLeg>,
    /// Provenance of the prices.
    pub source: String,
    pub as_of: DateTime<Utc>,
    pub demo: bool,
}

/// `slip_` + letters, digits, `_` or `-`, at most 64 characters.
pub fn valid_key(key: &str) -> bool {
    (6..=64).contains(&key.len())
        && key.starts_with("slip_")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl SlipState {
    /// Bounds every field of a slip that came from outside; `max_legs` from configuration.
    /// House rules (stake limits, duplicate legs) are checked separately by the domain.
    pub fn check(&self, max_legs: usize) -> Result<(), String> {
        if !valid_key(&self.key) {
            return Err("the slip's key is malformed".into());
        }
        if self.legs.is_empty() || self.legs.len() > max_legs {
            return Err(format!("a slip has 1 to {max_legs} legs"));
        }
        if self.source.trim().is_empty() || self.source.len() > MAX_TEXT {
            return Err("the slip's source is malformed".into());
        }
        for (i, leg) in self.legs.iter().enumerate() {
            leg.check(i + 1)?;
        }
        Ok(())
    }

    pub fn stake(&self) -> Cents {
        Cents::new(self.stake_cents)
    }

    pub fn parlay_legs(&self) -> Vec<ParlayLeg> {
        self.legs
            .iter()
            .map(|leg| ParlayLeg::pending(leg.price.clone()))
            .collect()
    }

    /// True odds, paid half-up to the cent, from the exact leg prices.
    pub fn quote(&self) -> Result<ParlayQuote, ParlayError> {
        price_parlay(&self.parlay_legs(), self.stake(), &ParlayOptions::default())
    }

    pub fn leg_keys(&self) -> Vec<LegKey> {
        self.legs.iter().map(SlipLeg::leg_key).collect()
    }

    /// Whether a re-quote moved any price (the slip then asks to confirm).
    pub fn has_moved_prices(&self) -> bool {
        self.legs.iter().any(|l| l.previous_price.is_some())
    }

    /// The parlay's fair win probability if its legs are independent, `Π p_i` (`None` for a
    /// same-game slip: its legs are correlated, so the product is not its probability).
    pub fn joint_fair(&self) -> Option<Probability> {
        if self.is_same_game() {
            return None;
        }
        let mut p = BigRational::one();
        for leg in &self.legs {
            p *= leg.fair()?.as_ratio();
        }
        Probability::from_ratio(p).ok()
    }

    /// Whether two legs share a game (the price is then an independence estimate).
    pub fn is_same_game(&self) -> bool {
        self.legs
            .iter()
            .enumerate()
            .any(|(i, a)| self.legs[..i].iter().any(|b| b.event_id == a.event_id))
    }
}

/// Slips and bets saved before prices were exact carry American integers
/// (`"price_american": -110`); we write exact ratios (`"price": "21/11"`), so an integer can
/// only be such a legacy price and reads as the exact price it stands for.
mod legacy {
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    use crate::domain::{AmericanOdds, DecimalOdds};

    fn read<E: serde::de::Error>(value: Value) -> Result<DecimalOdds, E> {
        match value {
            Value::Number(n) if n.is_i64() => {
                let american = n.as_i64().unwrap_or_default();
                AmericanOdds::try_from(american)
                    .map(AmericanOdds::to_decimal)
                    .map_err(E::custom)
            }
            other => DecimalOdds::deserialize(other).map_err(E::custom),
        }
    }

    pub fn price<'de, D: Deserializer<'de>>(d: D) -> Result<DecimalOdds, D::Error> {
        read(Value::deserialize(d)?)
    }

    pub fn previous_price<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DecimalOdds>, D::Error> {
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(value) => read(value).map(Some),
        }
    }
}

/// `Option<BigRational>` as `"n/d"`, bounded when read (the payload may come from a browser).
mod exact_probability {
    use num_bigint::BigInt;
    use serde::{Deserialize, Deserializer, Serializer};

    use super::BigRational;

    /// Far longer than any no-vig probability of a real market needs.
    const MAX_LEN: usize = 80;

    pub fn serialize<S: Serializer>(p: &Option<BigRational>, s: S) -> Result<S::Ok, S::Error> {
        match p {
            Some(p) => s.collect_str(&format_args!("{}/{}", p.numer(), p.denom())),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<BigRational>, D::Error> {
        let Some(text) = Option::<String>::deserialize(d)? else {
            return Ok(None);
        };
        let bad = || serde::de::Error::custom(format!("{text:?} is not an exact fraction n/d"));
        let digits = |s: &str| {
            (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<BigInt>().ok())
                .flatten()
        };
        if text.len() > MAX_LEN {
            return Err(bad());
        }
        let (n, d) = text.split_once('/').ok_or_else(bad)?;
        match (digits(n), digits(d)) {
            (Some(n), Some(d)) if d != BigInt::from(0) => Ok(Some(BigRational::new(n, d))),
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::golden::sample_slip;

    #[test]
    fn prices_are_exact_and_legacy_american_slips_still_read() {
        // A decimal 1.87 from the provider stays 187/100 (not −115, which is 43/23).
        let mut slip = sample_slip();
        slip.legs.truncate(2);
        slip.legs[0].price = DecimalOdds::from_ratio(187, 100).unwrap();
        let json = serde_json::to_value(&slip).unwrap();
        assert_eq!(json["legs"][0]["price"], "187/100");
        let back: SlipState = serde_json::from_value(json).unwrap();
        assert_eq!(back, slip);
        // 187/100 × 5/2 on $100 = $467.50 exactly; through −115 it would be $467.39.
        assert_eq!(back.quote().unwrap().payout, Cents::new(46_750));
        // A slip saved with American integers reads as the exact prices they stand for.
        let mut old = serde_json::to_value(sample_slip()).unwrap();
        let leg = old["legs"][1].as_object_mut().unwrap();
        leg.remove("price");
        leg.insert("price_american".into(), serde_json::json!(150));
        leg.insert("previous_price_american".into(), serde_json::json!(160));
        let old: SlipState = serde_json::from_value(old).unwrap();
        assert_eq!(old.legs[1].price, DecimalOdds::from_ratio(5, 2).unwrap());
        assert_eq!(
            old.legs[1].previous_price,
            Some(DecimalOdds::from_ratio(13, 5).unwrap())
        );
        assert_eq!(old.quote().unwrap().payout, Cents::new(71_591));
    }

    #[test]
    fn the_exact_fair_probability_round_trips_and_is_bounded() {
        let mut slip = sample_slip();
        slip.legs[0].fair_probability = Some(BigRational::new(69.into(), 119.into()));
        let json = serde_json::to_value(&slip).unwrap();
        assert_eq!(json["legs"][0]["fair_probability"], "69/119");
        let back: SlipState = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, slip);
        assert_eq!(
            back.legs[0].fair().unwrap().as_ratio(),
            &BigRational::new(69.into(), 119.into())
        );
        // Without it, the badge's basis points stand in.
        assert_eq!(
            back.legs[1].fair().unwrap().as_ratio(),
            &BigRational::new(back.legs[1].fair_bp.into(), 10_000.into())
        );
        for bad in ["0.58", "-1/2", "1/0", &"9".repeat(90)] {
            let mut json = json.clone();
            json["legs"][0]["fair_probability"] = serde_json::json!(format!("{bad}"));
            assert!(serde_json::from_value::<SlipState>(json).is_err(), "{bad}");
        }
        slip.legs[0].fair_probability = Some(BigRational::new(3.into(), 2.into()));
        assert!(slip.check(10).unwrap_err().contains("probability"));
    }

    #[test]
    fn the_joint_fair_probability_is_the_product_unless_legs_share_a_game() {
        let mut slip = sample_slip();
        let product = slip.legs.iter().fold(BigRational::one(), |acc, l| {
            acc * l.fair().unwrap().as_ratio()
        });
        assert_eq!(slip.joint_fair().unwrap().as_ratio(), &product);
        slip.legs[1].event_id = slip.legs[0].event_id.clone();
        assert_eq!(slip.joint_fair(), None);
    }

    #[test]
    fn quote_matches_vector_1_to_the_cent() {
        // providers.md §6.5 #1: −110, +150, −200 on $100 pays $715.91 (+616).
        let slip = sample_slip();
        let quote = slip.quote().unwrap();
        assert_eq!(quote.payout, Cents::new(71_591));
        assert_eq!(quote.profit, Cents::new(61_591));
        assert_eq!(
            quote
                .display_odds(crate::domain::OddsFormat::American)
                .unwrap(),
            "+616"
        );
    }

    #[test]
    fn untrusted_slips_are_bounded() {
        let good = sample_slip();
        assert_eq!(good.check(10), Ok(()));
        let mut bad = good.clone();
        bad.key = "slip_<script>".into();
        assert!(bad.check(10).is_err());
        let mut json = serde_json::to_value(&good).unwrap();
        json["legs"][1]["price"] = serde_json::json!("1/2");
        assert!(
            serde_json::from_value::<SlipState>(json).is_err(),
            "a price at or below 1 pays nothing"
        );
        let mut json = serde_json::to_value(&good).unwrap();
        json["legs"][0]["market"] = serde_json::json!("player_points");
        assert!(
            serde_json::from_value::<SlipState>(json).is_err(),
            "a leg of an unknown market does not read"
        );
        let mut bad = good.clone();
        bad.legs[0].fair_bp = 10_001;
        assert!(bad.check(10).is_err());
        assert!(good.check(2).is_err(), "three legs over a two-leg limit");
        let mut bad = good;
        bad.legs[0].selection = "x".repeat(500);
        assert!(bad.check(10).is_err());
    }

    #[test]
    fn picks_and_confidence_read_naturally() {
        let slip = sample_slip();
        assert_eq!(slip.legs[0].pick(), "Los Angeles Lakers -4");
        assert_eq!(slip.legs[1].pick(), "Boston Celtics ML");
        assert_eq!(slip.legs[2].pick(), "Denver Nuggets ML");
        assert_eq!(slip.legs[0].market_probability_text(), "Market prob. 52%");
        assert!(!slip.is_same_game());
    }
}
