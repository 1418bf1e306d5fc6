//! Typed builders that turn the betting model into widget trees (server only): views, no
//! decisions.
//!
//! Owns: the betting widgets — odds board ([`odds_board`]), search progress
//! ([`search_progress`]), stats answer ([`stats_answer`]), parlay slip ([`parlay_slip`]), trend
//! chart ([`trend_chart`]), bet receipt ([`bet_receipt`]), the ledger ([`ledger_card`]), the
//! limits card ([`limits_card`]) and the injury report ([`injury_card`]). The board analysis
//! and the slip's state they show are the model's (`betting::analysis`, `betting::slip`).
//!
//! May use: `protocol` (widget tree), `domain` and `betting` (all money and odds text goes
//! through the exact math and formatting; the plain data and its provenance). Never
//! `providers`. No I/O: every builder is a function of its arguments, so each one has a
//! golden-JSON snapshot (`golden/`).
//!
//! Every widget built from demo provenance shows "DEMO DATA"; every widget shows its source and
//! as-of time.

mod common;
mod injuries;
pub mod ledger;
pub mod limits;
mod odds_board;
mod parlay;
mod receipt;
mod search;
mod stats;
mod trend;

#[cfg(test)]
pub(crate) mod golden;

pub use common::{eastern_offset, format_local_datetime, format_local_time, format_point};
pub use injuries::injury_card;
pub use ledger::{ledger_card, LedgerRow, LedgerView};
pub use limits::{limits_card, LimitLine, LimitsView};
pub use odds_board::odds_board;
pub use parlay::{parlay_slip, slip_edge_text, STAKE_FIELD};
pub use receipt::{bet_receipt, BetReceipt, LockedLeg};
pub use search::{search_progress, SearchStage};
pub use stats::stats_answer;
pub use trend::{trend_chart, ChartKind};

/// Action types the parlay slip sends (handled in `actions`).
pub use crate::domain::slip_actions as action_types;
