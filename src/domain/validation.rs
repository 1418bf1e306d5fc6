//! House rules for bets built from untrusted input (a model's tool call, a widget action, a
//! typed stake), checked the same way on the server and in the browser.
//!
//! Owns: [`BetLimits`], [`LegKey`] (what makes two legs "the same"), the checks, and
//! [`BetValidationError`] whose messages are written to be shown to the bettor as is.
//! Pricing lives in [`parlay`](super::parlay); this only says whether a slip may be placed.

use serde::{Deserialize, Serialize};

use super::money::Cents;

/// What to do with several legs from one event (a same-game parlay). Their outcomes are
/// correlated, so the independent product is not the book's price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SameGamePolicy {
    /// Allow it, and report the events so the price is labelled
    /// "estimate — sportsbook SGP price will differ".
    #[default]
    Estimate,
    /// Refuse it, as many books do for regular parlays.
    Refuse,
}

/// Configurable limits (providers.md §6.3). The defaults are the suggested ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BetLimits {
    /// Fewest legs a parlay may have (2: one leg is a straight bet).
    pub min_legs: usize,
    /// Most legs a parlay may have.
    pub max_legs: usize,
    /// Smallest stake accepted (above zero in any case).
    pub min_stake: Cents,
    /// Largest stake accepted.
    pub max_stake: Cents,
    /// Largest payout a ticket may promise; `None` for no cap.
    pub max_payout: Option<Cents>,
    pub same_game: SameGamePolicy,
}

impl Default for BetLimits {
    fn default() -> Self {
        Self {
            min_legs: 2,
            max_legs: 15,
            min_stake: Cents::new(1),
            max_stake: Cents::dollars(10_000),
            max_payout: Some(Cents::dollars(250_000)),
            same_game: SameGamePolicy::Estimate,
        }
    }
}

/// Identifies a selection so duplicates and conflicting legs can be found.
///
/// `market` must name one market *within the event*, including anything that splits it: the
/// player for props (`"player_points:Darius Garland"`). `selection` names the outcome within
/// that market (`"Over 20.5"`, `"Dallas Cowboys"`). Compared trimmed and case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LegKey {
    pub event_id: String,
    pub market: String,
    pub selection: String,
}

impl LegKey {
    pub fn new(
        event_id: impl Into<String>,
        market: impl Into<String>,
        selection: impl Into<String>,
    ) -> Self {
        Self {
            event_id: event_id.into(),
            market: market.into(),
            selection: selection.into(),
        }
    }

    fn normalised(&self) -> (String, String, String) {
        let norm = |s: &str| s.trim().to_lowercase();
        (
            norm(&self.event_id),
            norm(&self.market),
            norm(&self.selection),
        )
    }
}

/// Why a bet cannot be placed. Leg numbers in messages count from 1, as the bettor sees them;
/// the fields hold 0-based indices.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BetValidationError {
    #[error("stake must be more than $0.00, got {0}")]
    StakeNotPositive(Cents),
    #[error("stake {stake} is under the {min} minimum")]
    StakeBelowMin { stake: Cents, min: Cents },
    #[error("stake {stake} is over the {max} maximum")]
    StakeAboveMax { stake: Cents, max: Cents },
    #[error("a parlay needs at least {min} legs, this one has {count}")]
    TooFewLegs { count: usize, min: usize },
    #[error("a parlay can have at most {max} legs, this one has {count}")]
    TooManyLegs { count: usize, max: usize },
    #[error("legs {} and {} are the same selection", .first + 1, .second + 1)]
    DuplicateLeg { first: usize, second: usize },
    #[error("legs {} and {} are both sides of the same market", .first + 1, .second + 1)]
    BothSidesOfMarket { first: usize, second: usize },
    #[error(
        "legs {} and {} are from the same game; same-game parlays are not allowed here",
        .first + 1,
        .second + 1
    )]
    SameGameNotAllowed { first: usize, second: usize },
    #[error("payout {payout} is over the {max} maximum")]
    PayoutAboveMax { payout: Cents, max: Cents },
}

/// What a valid slip still needs the bettor to know.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SlipReview {
    /// Events with more than one leg (as given, first spelling): the price of these legs is an
    /// independence estimate, not the book's same-game price.
    pub same_game_events: Vec<String>,
}

impl SlipReview {
    /// True when the quoted price must be labelled an estimate.
    pub fn is_estimate(&self) -> bool {
        !self.same_game_events.is_empty()
    }
}

/// Stake must be above zero and within the limits: the one stake rule of the server (tools
/// and actions) and the house rules the page checks as the bettor types.
pub fn validate_stake(stake: Cents, limits: &BetLimits) -> Result<(), BetValidationError> {
    if !stake.is_positive() {
        return Err(BetValidationError::StakeNotPositive(stake));
    }
    if stake < limits.min_stake {
        return Err(BetValidationError::StakeBelowMin {
            stake,
            min: limits.min_stake,
        });
    }
    if stake > limits.max_stake {
        return Err(BetValidationError::StakeAboveMax {
            stake,
            max: limits.max_stake,
        });
    }
    Ok(())
}

/// Leg count within limits; no selection twice; one selection per market; same-game legs
/// refused or reported per [`SameGamePolicy`].
pub fn validate_legs(
    legs: &[LegKey],
    limits: &BetLimits,
) -> Result<SlipReview, BetValidationError> {
    let count = legs.len();
    if count < limits.min_legs {
        return Err(BetValidationError::TooFewLegs {
            count,
            min: limits.min_legs,
        });
    }
    // Checked before the pairwise scan so a hostile leg list costs nothing.
    if count > limits.max_legs {
        return Err(BetValidationError::TooManyLegs {
            count,
            max: limits.max_legs,
        });
    }
    let keys: Vec<_> = legs.iter().map(LegKey::normalised).collect();
    let mut review = SlipReview::default();
    for (second, (event, market, selection)) in keys.iter().enumerate() {
        for (first, (event_1, market_1, selection_1)) in keys[..second].iter().enumerate() {
            if event != event_1 {
                continue;
            }
            if market != market_1 {
                if limits.same_game == SameGamePolicy::Refuse {
                    return Err(BetValidationError::SameGameNotAllowed { first, second });
                }
                let already = review
                    .same_game_events
                    .iter()
                    .any(|e| e.trim().to_lowercase() == *event);
                if !already {
                    review.same_game_events.push(legs[first].event_id.clone());
                }
            } else if selection == selection_1 {
                return Err(BetValidationError::DuplicateLeg { first, second });
            } else {
                return Err(BetValidationError::BothSidesOfMarket { first, second });
            }
        }
    }
    Ok(review)
}

/// The promised payout must not exceed the cap (run on the priced quote).
pub fn validate_payout(payout: Cents, limits: &BetLimits) -> Result<(), BetValidationError> {
    match limits.max_payout {
        Some(max) if payout > max => Err(BetValidationError::PayoutAboveMax { payout, max }),
        _ => Ok(()),
    }
}

/// Stake and legs together, in the order a bettor would fix them.
pub fn validate_parlay(
    legs: &[LegKey],
    stake: Cents,
    limits: &BetLimits,
) -> Result<SlipReview, BetValidationError> {
    validate_stake(stake, limits)?;
    validate_legs(legs, limits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(event: &str, market: &str, selection: &str) -> LegKey {
        LegKey::new(event, market, selection)
    }

    #[test]
    fn stake_bounds() {
        let limits = BetLimits::default();
        assert_eq!(
            validate_stake(Cents::ZERO, &limits),
            Err(BetValidationError::StakeNotPositive(Cents::ZERO))
        );
        assert!(validate_stake(Cents::new(-500), &limits).is_err());
        assert_eq!(validate_stake(Cents::new(1), &limits), Ok(()));
        assert_eq!(validate_stake(limits.max_stake, &limits), Ok(()));
        let over = Cents::new(limits.max_stake.get() + 1);
        assert_eq!(
            validate_stake(over, &limits),
            Err(BetValidationError::StakeAboveMax {
                stake: over,
                max: limits.max_stake
            })
        );
        assert_eq!(
            validate_stake(over, &limits).unwrap_err().to_string(),
            "stake $10,000.01 is over the $10,000.00 maximum"
        );
        let limits = BetLimits {
            min_stake: Cents::dollars(1),
            ..limits
        };
        assert_eq!(
            validate_stake(Cents::new(99), &limits)
                .unwrap_err()
                .to_string(),
            "stake $0.99 is under the $1.00 minimum"
        );
        assert_eq!(validate_stake(Cents::dollars(1), &limits), Ok(()));
    }

    #[test]
    fn leg_counts() {
        let limits = BetLimits::default();
        let one = [key("e1", "h2h", "A")];
        assert_eq!(
            validate_legs(&one, &limits),
            Err(BetValidationError::TooFewLegs { count: 1, min: 2 })
        );
        let many: Vec<_> = (0..16).map(|i| key(&format!("e{i}"), "h2h", "A")).collect();
        assert_eq!(
            validate_legs(&many, &limits),
            Err(BetValidationError::TooManyLegs { count: 16, max: 15 })
        );
        assert_eq!(
            validate_legs(&many[..15], &limits),
            Ok(SlipReview::default())
        );
    }

    #[test]
    fn duplicates_and_both_sides() {
        let limits = BetLimits::default();
        let dup = [
            key("e1", "h2h", "Dallas Cowboys"),
            key("e2", "totals", "Over 48.5"),
            key(" E1 ", "H2H", "dallas cowboys "),
        ];
        let err = validate_legs(&dup, &limits).unwrap_err();
        assert_eq!(
            err,
            BetValidationError::DuplicateLeg {
                first: 0,
                second: 2
            }
        );
        assert_eq!(err.to_string(), "legs 1 and 3 are the same selection");
        let sides = [
            key("e1", "h2h", "Dallas Cowboys"),
            key("e1", "h2h", "Tampa Bay Buccaneers"),
        ];
        assert_eq!(
            validate_legs(&sides, &limits),
            Err(BetValidationError::BothSidesOfMarket {
                first: 0,
                second: 1
            })
        );
        // Two different players' props in one game are different markets: a same-game parlay.
        let props = [
            key("e1", "player_points:Darius Garland", "Over 20.5"),
            key("e1", "player_points:Evan Mobley", "Over 15.5"),
            key("e2", "h2h", "Boston Celtics"),
        ];
        let review = validate_legs(&props, &limits).unwrap();
        assert_eq!(review.same_game_events, vec!["e1".to_owned()]);
        assert!(review.is_estimate());
        let refuse = BetLimits {
            same_game: SameGamePolicy::Refuse,
            ..BetLimits::default()
        };
        assert_eq!(
            validate_legs(&props, &refuse),
            Err(BetValidationError::SameGameNotAllowed {
                first: 0,
                second: 1
            })
        );
    }

    #[test]
    fn same_game_events_are_listed_once() {
        let legs = [
            key("e1", "h2h", "A"),
            key("e1", "spreads", "A -3.5"),
            key("E1", "totals", "Over 200.5"),
        ];
        let review = validate_legs(&legs, &BetLimits::default()).unwrap();
        assert_eq!(review.same_game_events, vec!["e1".to_owned()]);
    }

    #[test]
    fn payout_cap_and_combined_check() {
        let limits = BetLimits::default();
        assert_eq!(validate_payout(Cents::dollars(250_000), &limits), Ok(()));
        assert!(matches!(
            validate_payout(Cents::new(25_000_001), &limits),
            Err(BetValidationError::PayoutAboveMax { .. })
        ));
        let uncapped = BetLimits {
            max_payout: None,
            ..BetLimits::default()
        };
        assert_eq!(validate_payout(Cents::new(i64::MAX), &uncapped), Ok(()));
        let legs = [key("e1", "h2h", "A"), key("e2", "h2h", "B")];
        assert!(validate_parlay(&legs, Cents::ZERO, &limits).is_err());
        assert!(validate_parlay(&legs, Cents::dollars(10), &limits).is_ok());
    }
}
