//! A parlay slip's state: the legs with the exact prices the bettor saw, the stake, the
//! idempotency key, and where the prices came from.
//!
//! The state travels inside the slip's `parlay.lock_in` action payload, so the stored widget
//! item is the server's copy of the slip (actions read it back from there) and a client without
//! an item id can still send it. A payload from the browser is untrusted: [`SlipState::check`]
//! bounds every field before anything is priced, and lock-in re-quotes every leg anyway.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{
    price_parlay, AmericanOdds, Cents, DecimalOdds, LegKey, ParlayError, ParlayLeg, ParlayOptions,
    ParlayQuote,
};
use crate::protocol::widgets::BadgeColor;
use crate::providers::Sport;

use super::odds_board::short_team;

/// Markets a slip leg may come from (the featured markets of the board).
pub const SLIP_MARKETS: [&str; 3] = ["h2h", "spreads", "totals"];

/// Longest text field accepted from a payload; real names are far shorter.
const MAX_TEXT: usize = 120;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlipLeg {
    pub event_id: String,
    pub away: String,
    pub home: String,
    pub commence_time: DateTime<Utc>,
    /// `h2h`, `spreads` or `totals`.
    pub market: String,
    /// The outcome's name as the book lists it: a team, `Over`/`Under`, or `Draw`.
    pub selection: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point: Option<f64>,
    pub price_american: i32,
    /// Bookmaker key and title of the quoted price.
    pub book: String,
    pub book_title: String,
    /// No-vig win probability in basis points (0..=10000): the confidence badge.
    pub fair_bp: u32,
    /// Set when a re-quote moved the price: what the bettor saw before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_price_american: Option<i32>,
    /// Players on this leg's side expected to miss the game ("Luka Dončić (Out)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injury_note: Option<String>,
}

impl SlipLeg {
    /// The exact price (−110 → 21/11).
    pub fn decimal(&self) -> Result<DecimalOdds, String> {
        AmericanOdds::new(self.price_american)
            .map(AmericanOdds::to_decimal)
            .map_err(|e| e.to_string())
    }

    /// `Orlando Magic ML`, `Orlando Magic -1.5`, `Over 228.5`, `Draw`.
    pub fn pick(&self) -> String {
        match (self.market.as_str(), self.point) {
            ("h2h", _) if self.selection == "Draw" => "Draw".to_owned(),
            ("h2h", _) => format!("{} ML", self.selection),
            (market, Some(p)) => format!(
                "{} {}",
                self.selection,
                super::common::format_point(p, market != "totals")
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
        LegKey::new(&self.event_id, &self.market, &self.selection)
    }

    /// The confidence badge: the no-vig probability and a word for it.
    /// The badge beside the price: the market's own no-vig win probability. It is what the
    /// books imply, not our confidence in the pick, and says so.
    pub fn market_probability_badge(&self) -> (String, BadgeColor) {
        let pct = (self.fair_bp + 50) / 100;
        (format!("Market {pct}%"), BadgeColor::Secondary)
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
        if !SLIP_MARKETS.contains(&self.market.as_str()) {
            return Err(format!("leg {n} has an unknown market"));
        }
        if self
            .point
            .is_some_and(|p| !p.is_finite() || p.abs() > 1000.0)
        {
            return Err(format!("leg {n} has an invalid line"));
        }
        if self.fair_bp > 10_000 {
            return Err(format!("leg {n} has an invalid probability"));
        }
        self.decimal().map_err(|e| format!("leg {n}: {e}"))?;
        if let Some(old) = self.previous_price_american {
            AmericanOdds::new(old).map_err(|e| format!("leg {n}: {e}"))?;
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

    pub fn parlay_legs(&self) -> Result<Vec<ParlayLeg>, String> {
        self.legs
            .iter()
            .map(|leg| leg.decimal().map(ParlayLeg::pending))
            .collect()
    }

    /// True odds, paid half-up to the cent, from the exact leg prices.
    pub fn quote(&self) -> Result<ParlayQuote, ParlayError> {
        let legs = self.parlay_legs().unwrap_or_default();
        price_parlay(&legs, self.stake(), &ParlayOptions::default())
    }

    pub fn leg_keys(&self) -> Vec<LegKey> {
        self.legs.iter().map(SlipLeg::leg_key).collect()
    }

    /// Whether a re-quote moved any price (the slip then asks to confirm).
    pub fn has_moved_prices(&self) -> bool {
        self.legs
            .iter()
            .any(|l| l.previous_price_american.is_some())
    }

    /// Whether two legs share a game (the price is then an independence estimate).
    pub fn is_same_game(&self) -> bool {
        self.legs
            .iter()
            .enumerate()
            .any(|(i, a)| self.legs[..i].iter().any(|b| b.event_id == a.event_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::golden::sample_slip;

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
        let mut bad = good.clone();
        bad.legs[1].price_american = 50;
        assert!(bad.check(10).unwrap_err().contains("leg 2"));
        let mut bad = good.clone();
        bad.legs[0].market = "player_points".into();
        assert!(bad.check(10).is_err());
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
        assert_eq!(slip.legs[0].market_probability_badge().0, "Market 52%");
        assert!(!slip.is_same_game());
    }
}
