//! Parlay pricing and settlement (providers.md §6.3).
//!
//! Owns: [`ParlayLeg`] and its [`LegResult`], [`ParlaySlip`], [`price_parlay`] and its
//! [`ParlayQuote`], and the book-specific options ([`PayTable`], [`Rounding`] mode).
//! Leg prices stay exact (−110 is 21/11, not 1.91); the product is exact; the payout is rounded
//! once, at the end. A pushed or void leg drops out (counts as 1.0); any lost leg loses the
//! ticket; if every leg drops out the stake comes back.

use num_rational::BigRational;
use num_traits::One;
use serde::{Deserialize, Serialize};

use super::format::{format_odds, OddsFormat};
use super::money::{payout_at, Cents, MoneyError, Rounding};
use super::odds::{DecimalOdds, FractionalOdds};

/// Where a leg stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LegResult {
    /// Not settled yet; priced as if it will win.
    #[default]
    Pending,
    Won,
    Lost,
    /// Landed exactly on the line: the leg drops out.
    Push,
    /// No action (postponed, scratched, dead heat we do not model): the leg drops out.
    Void,
}

impl LegResult {
    /// Push and void legs leave the parlay, which "reverts to the next lower number of legs".
    pub fn drops_out(self) -> bool {
        matches!(self, Self::Push | Self::Void)
    }
}

/// One selection in a parlay: its exact price and how it settled.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ParlayLeg {
    pub odds: DecimalOdds,
    #[serde(default)]
    pub result: LegResult,
}

impl ParlayLeg {
    pub fn new(odds: impl Into<DecimalOdds>, result: LegResult) -> Self {
        Self {
            odds: odds.into(),
            result,
        }
    }

    /// An unsettled leg (`ParlayLeg::pending(AmericanOdds::new(-110)?)`).
    pub fn pending(odds: impl Into<DecimalOdds>) -> Self {
        Self::new(odds, LegResult::Pending)
    }
}

/// Where the whole ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TicketStatus {
    /// No leg lost and at least one is still open; payout is what it pays if they all win.
    Pending,
    /// Every leg that counts won.
    Won,
    /// At least one leg lost.
    Lost,
    /// Every leg pushed or was void: the stake is returned.
    Refunded,
}

/// A fixed pay table some books use instead of true odds when every leg is at one standard
/// price (−110 spreads and totals). A book-specific option; the default is true odds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayTable {
    leg_price: DecimalOdds,
    /// (number of counting legs, the table's fractional odds)
    entries: Vec<(usize, FractionalOdds)>,
}

impl PayTable {
    /// A table that applies when every counting leg is priced exactly `leg_price`.
    pub fn new(
        leg_price: DecimalOdds,
        entries: impl IntoIterator<Item = (usize, FractionalOdds)>,
    ) -> Self {
        Self {
            leg_price,
            entries: entries.into_iter().collect(),
        }
    }

    /// The common −110 table: 2 legs 13/5, 3 legs 6/1, 4 legs 10/1, 5 legs 20/1.
    pub fn standard_minus_110() -> Self {
        let entries = [(2, 13, 5), (3, 6, 1), (4, 10, 1), (5, 20, 1)]
            .into_iter()
            .filter_map(|(legs, n, d)| Some((legs, FractionalOdds::new(n, d).ok()?)));
        let minus_110 = DecimalOdds::from_ratio(21, 11).unwrap_or_else(|_| DecimalOdds::even());
        Self::new(minus_110, entries)
    }

    /// The table's price for these counting legs, if the table covers them.
    fn price_for(&self, counting: &[&ParlayLeg]) -> Option<DecimalOdds> {
        if !counting.iter().all(|leg| leg.odds == self.leg_price) {
            return None;
        }
        self.entries
            .iter()
            .find(|(legs, _)| *legs == counting.len())
            .map(|(_, odds)| odds.to_decimal())
    }
}

/// Book-specific pricing choices. The default is true odds, paid half-up to the cent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParlayOptions {
    pub rounding: Rounding,
    pub pay_table: Option<PayTable>,
}

/// What a parlay costs, pays and stands at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParlayQuote {
    pub status: TicketStatus,
    pub stake: Cents,
    /// Legs on the ticket, including pushed and void ones.
    pub legs: usize,
    /// Legs still in the price (not pushed or void).
    pub counting_legs: usize,
    /// The combined price of the counting legs (the pay table's price when one applied);
    /// `None` when every leg dropped out.
    pub price: Option<DecimalOdds>,
    /// Whether a pay table, not true odds, set the price.
    pub pay_table_applied: bool,
    /// Total return including stake: settled when won/lost/refunded, potential when pending.
    pub payout: Cents,
    /// `payout − stake` (−stake for a lost ticket).
    pub profit: Cents,
}

impl ParlayQuote {
    /// The exact multiplier on the stake: the price, or 1 when everything dropped out.
    pub fn combined_decimal(&self) -> BigRational {
        self.price
            .as_ref()
            .map_or_else(BigRational::one, |price| price.as_ratio().clone())
    }

    /// The parlay's odds for display (`"+616"`, `"7.16"`, `"271/44"`); `None` when refunded.
    pub fn display_odds(&self, format: OddsFormat) -> Option<String> {
        self.price.as_ref().map(|price| format_odds(price, format))
    }

    /// The implied probability `1/D_p` of the combined price.
    pub fn implied_probability(&self) -> Option<BigRational> {
        self.price.as_ref().map(DecimalOdds::implied_probability)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParlayError {
    #[error("a parlay needs at least one leg")]
    NoLegs,
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// The exact product of the legs that count (everything but push/void); `None` if none do.
pub fn combined_price(legs: &[ParlayLeg]) -> Option<DecimalOdds> {
    legs.iter()
        .filter(|leg| !leg.result.drops_out())
        .map(|leg| leg.odds.clone())
        .reduce(|acc, odds| acc.combine(&odds))
}

/// Prices (and, once legs settle, settles) a parlay for `stake`.
///
/// Limits (minimum legs, maximum stake and payout) are policy, checked in
/// [`validation`](super::validation); this prices any non-empty slip, one leg included.
pub fn price_parlay(
    legs: &[ParlayLeg],
    stake: Cents,
    options: &ParlayOptions,
) -> Result<ParlayQuote, ParlayError> {
    if legs.is_empty() {
        return Err(ParlayError::NoLegs);
    }
    if stake.is_negative() {
        return Err(MoneyError::NegativeStake(stake).into());
    }
    let counting: Vec<&ParlayLeg> = legs.iter().filter(|leg| !leg.result.drops_out()).collect();
    let table_price = options
        .pay_table
        .as_ref()
        .and_then(|table| table.price_for(&counting));
    let pay_table_applied = table_price.is_some();
    let price = table_price.or_else(|| combined_price(legs));

    let status = if counting.iter().any(|leg| leg.result == LegResult::Lost) {
        TicketStatus::Lost
    } else if counting.is_empty() {
        TicketStatus::Refunded
    } else if counting.iter().any(|leg| leg.result == LegResult::Pending) {
        TicketStatus::Pending
    } else {
        TicketStatus::Won
    };
    let payout = match (&status, &price) {
        (TicketStatus::Lost, _) => Cents::ZERO,
        (_, Some(price)) => payout_at(stake, price.as_ratio(), options.rounding)?,
        (_, None) => stake,
    };
    let profit = payout.checked_sub(stake).ok_or(MoneyError::Overflow)?;
    Ok(ParlayQuote {
        status,
        stake,
        legs: legs.len(),
        counting_legs: counting.len(),
        price,
        pay_table_applied,
        payout,
        profit,
    })
}

/// A bettor's parlay ticket: the legs and the stake, as stored and edited by actions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ParlaySlip {
    pub legs: Vec<ParlayLeg>,
    pub stake: Cents,
}

impl ParlaySlip {
    pub fn quote(&self, options: &ParlayOptions) -> Result<ParlayQuote, ParlayError> {
        price_parlay(&self.legs, self.stake, options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::odds::AmericanOdds;

    fn leg(american: i32, result: LegResult) -> ParlayLeg {
        ParlayLeg::new(AmericanOdds::new(american).unwrap(), result)
    }

    fn quote(legs: &[ParlayLeg]) -> ParlayQuote {
        price_parlay(legs, Cents::dollars(100), &ParlayOptions::default()).unwrap()
    }

    #[test]
    fn settlement_status() {
        use LegResult::*;
        let q = quote(&[leg(-110, Won), leg(150, Pending)]);
        assert_eq!(q.status, TicketStatus::Pending);
        assert_eq!(q.payout, Cents::new(47_727)); // 100 × 21/11 × 5/2 = 477.2727…
        let q = quote(&[leg(-110, Won), leg(150, Won)]);
        assert_eq!(q.status, TicketStatus::Won);
        assert_eq!(q.payout, Cents::new(47_727));
        let q = quote(&[leg(-110, Lost), leg(150, Pending), leg(-200, Push)]);
        assert_eq!(
            (q.status, q.payout, q.profit),
            (TicketStatus::Lost, Cents::ZERO, Cents::dollars(-100))
        );
        assert_eq!(q.counting_legs, 2);
        let q = quote(&[leg(-110, Won), leg(150, Push)]);
        assert_eq!(
            (q.status, q.payout),
            (TicketStatus::Won, Cents::new(19_091))
        );
        let q = quote(&[leg(-110, Void), leg(150, Push)]);
        assert_eq!(q.status, TicketStatus::Refunded);
        assert_eq!(q.display_odds(OddsFormat::American), None);
        assert_eq!(q.implied_probability(), None);
    }

    #[test]
    fn rejects_empty_slips_and_negative_stakes() {
        let options = ParlayOptions::default();
        assert_eq!(
            price_parlay(&[], Cents::dollars(10), &options),
            Err(ParlayError::NoLegs)
        );
        assert_eq!(
            price_parlay(&[leg(-110, LegResult::Pending)], Cents::new(-1), &options),
            Err(ParlayError::Money(MoneyError::NegativeStake(Cents::new(
                -1
            ))))
        );
    }

    #[test]
    fn overflowing_payouts_are_errors_not_wraps() {
        let legs = vec![leg(100_000, LegResult::Pending); 6];
        let result = price_parlay(&legs, Cents::dollars(10_000), &ParlayOptions::default());
        assert_eq!(result, Err(ParlayError::Money(MoneyError::Overflow)));
    }

    #[test]
    fn pay_table_only_when_every_counting_leg_is_at_the_table_price() {
        let options = ParlayOptions {
            pay_table: Some(PayTable::standard_minus_110()),
            ..ParlayOptions::default()
        };
        let stake = Cents::dollars(100);
        let mixed = [leg(-110, LegResult::Pending), leg(-115, LegResult::Pending)];
        let q = price_parlay(&mixed, stake, &options).unwrap();
        assert!(!q.pay_table_applied);
        // A push turns a 3-leg table ticket into a 2-leg one (13/5 → $360).
        let pushed = [
            leg(-110, LegResult::Pending),
            leg(-110, LegResult::Push),
            leg(-110, LegResult::Pending),
        ];
        let q = price_parlay(&pushed, stake, &options).unwrap();
        assert!(q.pay_table_applied);
        assert_eq!(q.payout, Cents::dollars(360));
        // Six legs is off the table: true odds.
        let six = vec![leg(-110, LegResult::Pending); 6];
        let q = price_parlay(&six, stake, &options).unwrap();
        assert!(!q.pay_table_applied);
    }

    #[test]
    fn slip_serde_round_trip() {
        let slip = ParlaySlip {
            legs: vec![leg(-110, LegResult::Won), leg(150, LegResult::Pending)],
            stake: Cents::dollars(25),
        };
        let json = serde_json::to_string(&slip).unwrap();
        assert_eq!(
            json,
            concat!(
                r#"{"legs":[{"odds":"21/11","result":"won"},"#,
                r#"{"odds":"5/2","result":"pending"}],"stake":2500}"#
            )
        );
        assert_eq!(serde_json::from_str::<ParlaySlip>(&json).unwrap(), slip);
        let provider_shaped: ParlayLeg = serde_json::from_str(r#"{"odds":1.91}"#).unwrap();
        assert_eq!(provider_shaped.result, LegResult::Pending);
        let quote = slip.quote(&ParlayOptions::default()).unwrap();
        let json = serde_json::to_value(&quote).unwrap();
        assert_eq!(json["status"], "pending");
        assert_eq!(json["payout"], 11_932); // 25 × 21/11 × 5/2 = 119.318…
    }
}
