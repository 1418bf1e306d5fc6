//! The bankroll a user's Kelly stake suggestions are sized from: the one they set (stored per
//! user), else the configured default, else none (the board and slip then ask for one).
//!
//! A bankroll only sizes suggestions; it is not a limit and never refuses a bet (limits are
//! `ledger::limits`), so setting it takes effect at once.

use crate::config::{BettingConfig, MAX_BANKROLL_CENTS, MIN_BANKROLL_CENTS};
use crate::domain::Cents;
use crate::store::{StoreError, UserLedger};

/// Whose bankroll a suggestion uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bankroll {
    /// The user set it.
    Own(Cents),
    /// `betting.default_bankroll_cents`, for a user who has not set one.
    Default(Cents),
    None,
}

impl Bankroll {
    pub fn cents(self) -> Option<Cents> {
        match self {
            Bankroll::Own(c) | Bankroll::Default(c) => Some(c),
            Bankroll::None => None,
        }
    }
}

/// A bankroll a user may set, in cents ($1 to $10,000,000).
pub fn check(cents: i64) -> Result<Cents, String> {
    if (MIN_BANKROLL_CENTS..=MAX_BANKROLL_CENTS).contains(&cents) {
        Ok(Cents::new(cents))
    } else {
        Err(format!(
            "a bankroll is {} to {}, not {}",
            Cents::new(MIN_BANKROLL_CENTS),
            Cents::new(MAX_BANKROLL_CENTS),
            Cents::new(cents)
        ))
    }
}

pub async fn load(ledger: &UserLedger, config: &BettingConfig) -> Result<Bankroll, StoreError> {
    Ok(match ledger.bankroll_cents().await? {
        Some(cents) => Bankroll::Own(Cents::new(cents)),
        None => config
            .default_bankroll_cents
            .map_or(Bankroll::None, |c| Bankroll::Default(Cents::new(c))),
    })
}
