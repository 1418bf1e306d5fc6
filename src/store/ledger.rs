//! The bet ledger's rows and store methods: each leg with what grading needs, each bet's
//! settlement, and the claims that let several server processes settle one database without
//! grading a bet twice.
//!
//! A settler claims a batch of pending bets (`claim_unsettled`: a lease with its own token;
//! Postgres skips rows another settler has locked), grades them without holding locks, then
//! writes the grades back with `record_grading`, which only applies while the bet is still
//! pending and still claimed by that token. So a second run, a second process or an expired
//! lease changes nothing that is already settled.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{BetRecord, StoreResult};
use crate::betting::Market;
use crate::domain::{BetStatus, DecimalOdds};

/// One leg of a tracked bet, as locked in, plus how it settled.
#[derive(Clone, Debug, PartialEq)]
pub struct LegRecord {
    pub bet_id: String,
    pub leg_index: i64,
    pub user_id: String,
    pub event_id: String,
    /// Our sport key (`nba`, `epl`).
    pub sport: String,
    pub home_team: String,
    pub away_team: String,
    pub commence_time: DateTime<Utc>,
    /// Stored as its key (`h2h`, `spreads` or `totals`) in a TEXT column.
    pub market: Market,
    /// Team name, `Draw`, `Over` or `Under`, as the book lists it.
    pub selection: String,
    pub line: Option<f64>,
    /// The exact decimal price taken (stored as `21/11`).
    pub price_decimal: DecimalOdds,
    pub price_american: i64,
    pub book: String,
    /// The book's own time for the quote taken (its `last_update`), when the provider gave one.
    pub book_quote_at: Option<DateTime<Utc>>,
    /// Which result the market settles on (`full_time` for soccer's 90 minutes plus stoppage,
    /// `including_overtime` for the US sports).
    pub rule_scope: String,
    pub result: BetStatus,
    pub settled_at: Option<DateTime<Utc>>,
    pub home_score: Option<i64>,
    pub away_score: Option<i64>,
    /// The leg's book's last quote before the start (exact decimal), else the best one.
    pub closing_price: Option<DecimalOdds>,
    /// The no-vig price of the selection from the closing quotes (exact decimal).
    pub closing_fair: Option<DecimalOdds>,
    /// The book time of the closing quote.
    pub closing_quote_at: Option<DateTime<Utc>>,
    pub clv_bp: Option<i64>,
}

/// A bet with its legs and settlement.
#[derive(Clone, Debug, PartialEq)]
pub struct LedgerBet {
    pub bet: BetRecord,
    /// Placed on the labelled demo dataset.
    pub demo: bool,
    pub settled_at: Option<DateTime<Utc>>,
    /// What it paid back (stake included) once settled; 0 for a loss.
    pub payout_actual_cents: Option<i64>,
    pub clv_bp: Option<i64>,
    pub legs: Vec<LegRecord>,
}

/// A leg's closing quote, captured before the start.
#[derive(Clone, Debug, PartialEq)]
pub struct ClosingQuote {
    pub price: DecimalOdds,
    pub fair: Option<DecimalOdds>,
    pub quote_at: DateTime<Utc>,
}

/// What one grading pass learnt about one leg.
#[derive(Clone, Debug, PartialEq)]
pub struct LegUpdate {
    pub leg_index: i64,
    /// A newer closing quote, if one was seen.
    pub closing: Option<ClosingQuote>,
    /// The leg's grade, once its game is final (or void).
    pub result: Option<LegGrade>,
    /// The leg's CLV, once its closing fair price is known.
    pub clv_bp: Option<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LegGrade {
    pub status: BetStatus,
    pub home_score: Option<i64>,
    pub away_score: Option<i64>,
}

/// A bet's settlement, written when its last leg is graded.
#[derive(Clone, Debug, PartialEq)]
pub struct BetSettlement {
    pub status: BetStatus,
    pub payout_actual_cents: i64,
    pub clv_bp: Option<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Grading {
    pub user_id: String,
    pub bet_id: String,
    pub at: DateTime<Utc>,
    pub legs: Vec<LegUpdate>,
    pub settlement: Option<BetSettlement>,
}

#[async_trait]
pub trait LedgerStore: Send + Sync {
    /// Saves the bet and its legs in one transaction unless the user already placed one with
    /// the same idempotency key; returns the stored bet and whether this call created it.
    async fn place_tracked_bet(
        &self,
        bet: &BetRecord,
        demo: bool,
        legs: &[LegRecord],
    ) -> StoreResult<(BetRecord, bool)>;

    /// The user's bets with legs and settlement, newest first.
    async fn list_ledger(&self, user_id: &str) -> StoreResult<Vec<LedgerBet>>;

    /// Claims up to `limit` pending bets that have legs and no live claim, for `claimer`
    /// until `until`; returns them with their legs. `user_id` limits the claim to one user's
    /// bets (settling on demand); `None` is every user's (the settlement task).
    async fn claim_unsettled(
        &self,
        claimer: &str,
        user_id: Option<&str>,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<LedgerBet>>;

    /// Writes one bet's grading and releases the claim, in one transaction, only if the bet
    /// is still pending and claimed by `claimer`; `false` (nothing written) otherwise.
    async fn record_grading(&self, claimer: &str, grading: &Grading) -> StoreResult<bool>;

    /// Stakes the user locked in at or after `since` (what stake caps count).
    async fn staked_since(&self, user_id: &str, since: DateTime<Utc>) -> StoreResult<i64>;

    /// Net result (payout − stake) of the user's bets settled at or after `since`; negative
    /// for a net loss (what the loss limit counts).
    async fn settled_net_since(&self, user_id: &str, since: DateTime<Utc>) -> StoreResult<i64>;

    /// The user's responsible-gambling limits as stored (JSON), if they ever set any.
    async fn get_limits(&self, user_id: &str) -> StoreResult<Option<String>>;

    /// Saves the user's limits (JSON), replacing what was there.
    async fn save_limits(&self, user_id: &str, data: &str, at: DateTime<Utc>) -> StoreResult<()>;

    /// The bankroll (cents) the user sizes stakes from, if they set one.
    async fn get_bankroll(&self, user_id: &str) -> StoreResult<Option<i64>>;

    /// Sets the user's bankroll (cents, > 0), or clears it with `None`.
    async fn set_bankroll(
        &self,
        user_id: &str,
        bankroll_cents: Option<i64>,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
}
