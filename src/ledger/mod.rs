//! The bet ledger: what a locked bet records for grading, the settlement task that grades
//! pending bets from final scores and captures closing prices, the ledger summary behind
//! `my_bets`, the responsible-gambling limits checked at lock-in, and the bankroll stake
//! suggestions are sized from.
//!
//! Owns the I/O around the pure math in `domain::settle`: it reads scores and odds through
//! the `OddsProvider` seam and rows through `LedgerStore`; it never builds widgets.
//!
//! A tracked bet is a record kept here, not a wager placed with a sportsbook.

pub mod bankroll;
pub mod closing;
pub mod limits;
pub mod record;
pub mod settlement;
pub mod summary;
#[cfg(test)]
mod tests;

pub use record::{leg_records, rule_scope};
pub use settlement::{SettlementConfig, SettlementReport, Settler};
