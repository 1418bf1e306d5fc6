//! Pure betting math and rules, compiled for the server and the browser (`[both]`).
//!
//! Owns: odds formats and exact conversion ([`odds`], [`format`](mod@format)), money in cents
//! and payout rounding ([`money`]), the bookmaker's margin and its removal ([`vig`]), parlay
//! pricing and settlement ([`parlay`]), expected value ([`ev`]), Kelly sizing ([`kelly`]) and
//! the house rules for untrusted bets ([`validation`]), and the names of the slip's actions
//! ([`slip_actions`], shared by the server's handlers and the page's live slip). The formulas, rounding rules and test
//! vectors are those of `providers.md` §6.
//!
//! May use: `num-*` (exact fractions), `serde`, `thiserror`. Nothing async, no I/O, no clock:
//! everything here is a function of its arguments, so the browser shows the same numbers the
//! server settles with.
//!
//! Two rules hold throughout:
//! - Prices are exact fractions ([`DecimalOdds`]): −110 is 21/11, never 1.91.
//! - Money is whole [`Cents`], rounded once, half-up, from an exact amount. Floats appear only
//!   for probabilities that come out of a numeric solve (power and Shin vig removal).

pub mod ev;
pub mod exact;
pub mod fan_time;
pub mod format;
pub mod kelly;
pub mod money;
pub mod odds;
pub mod parlay;
pub mod settle;
pub mod slip_actions;
pub mod validation;
pub mod vig;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod vectors;

pub use ev::{
    edge, expected_value, expected_value_per_unit, has_positive_ev, Probability,
    ProbabilityOutOfRange,
};
pub use format::{
    format_american, format_decimal, format_fractional, format_odds, parse_odds, OddsFormat,
    UnknownOddsFormat,
};
pub use kelly::{kelly_criterion, kelly_fraction, kelly_stake, KellySizing, KellySizingError};
pub use money::{payout, profit, Cents, MoneyError, Rounding};
pub use odds::{
    american_to_decimal, decimal_to_american, decimal_to_american_exact, decimal_to_fractional,
    fractional_to_decimal, implied_probability, AmericanOdds, DecimalOdds, FractionalOdds,
    OddsError,
};
pub use parlay::{
    combined_price, price_parlay, LegResult, ParlayError, ParlayLeg, ParlayOptions, ParlayQuote,
    ParlaySlip, PayTable, TicketStatus,
};
pub use settle::{
    basis_points, clv, grade, grade_three_way, line_quarters, settle, ticket_clv, BetStatus,
    FinalScore, Pick, Settlement, Side,
};
pub use validation::{
    validate_legs, validate_parlay, validate_payout, validate_stake, BetLimits, BetValidationError,
    LegKey, SameGamePolicy, SlipReview,
};
pub use vig::{hold, margin, overround, remove_vig, DevigMethod, NoVigLine, VigError};

/// The exact fraction type used in this module's signatures, re-exported so callers need no
/// `num-*` import of their own. Helpers for it (printing, `f64`) are in [`exact`].
pub use num_rational::BigRational;
