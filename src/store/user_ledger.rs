//! One user's ledger: the bets, limits and bankroll of the user a turn or request acts for.
//!
//! Tools, actions and the page read and write the ledger through this handle, never through
//! the store: the user is fixed when the handle is made (from the authenticated caller), so
//! no call site can pass another user's id by mistake.

use chrono::{DateTime, Utc};
use std::sync::Arc;

use super::{BetRecord, LedgerBet, LegRecord, SharedStore, StoreError, StoreResult};

#[derive(Clone)]
pub struct UserLedger {
    store: SharedStore,
    user_id: Arc<str>,
}

impl UserLedger {
    pub fn new(store: SharedStore, user_id: &str) -> Self {
        UserLedger {
            store,
            user_id: Arc::from(user_id),
        }
    }

    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The bet placed from the slip with this idempotency key, if any.
    pub async fn bet_by_key(&self, key: &str) -> StoreResult<Option<BetRecord>> {
        self.store.get_bet_by_key(&self.user_id, key).await
    }

    /// Saves a bet and its legs unless one with the same key exists; the stored bet and
    /// whether this call created it. A bet or leg of another user is refused.
    pub async fn place(
        &self,
        bet: &BetRecord,
        demo: bool,
        legs: &[LegRecord],
    ) -> StoreResult<(BetRecord, bool)> {
        let foreign = bet.user_id != *self.user_id
            || legs
                .iter()
                .any(|l| l.user_id != *self.user_id || l.bet_id != bet.id);
        if foreign {
            return Err(StoreError::NoRow(format!(
                "bet {} does not belong to this ledger",
                bet.id
            )));
        }
        self.store.place_tracked_bet(bet, demo, legs).await
    }

    /// The user's bets with their legs and settlement, newest first.
    pub async fn bets(&self) -> StoreResult<Vec<LedgerBet>> {
        self.store.list_ledger(&self.user_id).await
    }

    /// Stakes locked in at or after `since`.
    pub async fn staked_since(&self, since: DateTime<Utc>) -> StoreResult<i64> {
        self.store.staked_since(&self.user_id, since).await
    }

    /// Net result of the bets settled at or after `since` (negative for a loss).
    pub async fn settled_net_since(&self, since: DateTime<Utc>) -> StoreResult<i64> {
        self.store.settled_net_since(&self.user_id, since).await
    }

    /// The stored limits (JSON), if the user ever set any.
    pub async fn limits_json(&self) -> StoreResult<Option<String>> {
        self.store.get_limits(&self.user_id).await
    }

    pub async fn save_limits_json(&self, data: &str, at: DateTime<Utc>) -> StoreResult<()> {
        self.store.save_limits(&self.user_id, data, at).await
    }

    /// The bankroll (cents) the user set, if any.
    pub async fn bankroll_cents(&self) -> StoreResult<Option<i64>> {
        self.store.get_bankroll(&self.user_id).await
    }

    /// Sets (cents, > 0) or clears the bankroll.
    pub async fn set_bankroll(&self, cents: Option<i64>, at: DateTime<Utc>) -> StoreResult<()> {
        self.store.set_bankroll(&self.user_id, cents, at).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::BetStatus;

    fn bet(id: &str, user: &str, key: &str) -> BetRecord {
        BetRecord {
            id: id.into(),
            user_id: user.into(),
            thread_id: None,
            idempotency_key: key.into(),
            stake_cents: 1000,
            payout_cents: 2500,
            odds_american: 150,
            legs: "[]".into(),
            status: BetStatus::Pending,
            created_at: crate::ids::now(),
        }
    }

    /// The handle writes and reads only its own user's bets, whatever the record says.
    #[tokio::test]
    async fn a_ledger_holds_one_users_bets_only() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("ledger.db").display());
        let store = crate::store::connect(&url, 1).await.unwrap();
        let alice = UserLedger::new(store.clone(), "alice");
        let bob = UserLedger::new(store.clone(), "bob");

        let refused = alice.place(&bet("bet_1", "bob", "k1"), true, &[]).await;
        assert!(matches!(refused, Err(StoreError::NoRow(_))), "{refused:?}");
        assert!(
            bob.bet_by_key("k1").await.unwrap().is_none(),
            "nothing saved"
        );

        let (saved, created) = alice
            .place(&bet("bet_2", "alice", "k2"), true, &[])
            .await
            .unwrap();
        assert!(created);
        assert_eq!(saved.user_id, "alice");
        assert_eq!(alice.bet_by_key("k2").await.unwrap().unwrap().id, "bet_2");
        assert!(bob.bet_by_key("k2").await.unwrap().is_none());
        assert_eq!(alice.staked_since(saved.created_at).await.unwrap(), 1000);
        assert_eq!(bob.staked_since(saved.created_at).await.unwrap(), 0);
        assert_eq!(alice.bets().await.unwrap().len(), 1);
        assert!(bob.bets().await.unwrap().is_empty());
    }
}
