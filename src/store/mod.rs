//! Persistence: threads, items, attachments, feedback and bets behind one `Store` trait, with a
//! SQLite and a Postgres implementation generated from one body (`sql_store.rs`), and one test
//! suite (`suite.rs`) run against both.
//!
//! The store knows rows, not protocol types: items are kept as their wire JSON with indexed
//! columns beside it, so the engine decides what an item is and the store only keeps order,
//! ownership and paging exact. Every method takes the caller's user id and treats another
//! user's rows exactly like absent ones.

pub mod cluster;
mod ledger;
mod ledger_sql;
mod net_writes;
mod records;
mod schema;
mod sql_store;
#[cfg(test)]
mod suite;
mod user_ledger;

pub use cluster::Cluster;
pub use ledger::*;
pub use records::*;
pub use sql_store::{connect, PostgresStore, SqliteStore};
pub use user_ledger::UserLedger;

use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

pub type SharedStore = Arc<dyn Store>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cursor {0} does not name an item of this listing")]
    InvalidCursor(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// A write found nothing to write to: the thread is gone (deleted during the turn) or is
    /// another user's. Never reported as success, so no write is "done" that did not happen.
    #[error("no row to write: {0}")]
    NoRow(String),
}

impl StoreError {
    /// Whether the database itself is out of reach (down, restarting, pool exhausted) rather
    /// than the request being wrong: callers answer 503 and the client may retry.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(e) => match e {
                sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed => true,
                // Postgres: admin shutdown, crash shutdown, cannot connect now, database
                // dropped (class 57 operator intervention, 08 connection exception).
                sqlx::Error::Database(db) => db
                    .code()
                    .is_some_and(|c| c.starts_with("57") || c.starts_with("08") || c == "3D000"),
                _ => false,
            },
            _ => false,
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// One write of a turn. Turns hand their writes to the store in batches so concurrent turns can
/// share a transaction (group commit) instead of paying one commit per event.
///
/// Every write but a delete must change exactly one row, or the batch fails with
/// `StoreError::NoRow` (and nothing of it is applied).
#[derive(Clone, Debug)]
pub enum WriteOp {
    /// A new thread. Writing it again for the same owner is harmless; another user's id is
    /// `NoRow`.
    CreateThread(ThreadRecord),
    /// Title, status and metadata of an existing thread. A missing thread is `NoRow`: a thread
    /// deleted during a turn is never re-created by the turn's last save.
    UpdateThread(ThreadRecord),
    /// Inserts or replaces an item; an item whose thread is missing or not the user's is
    /// `NoRow`.
    SaveItem(ItemRecord),
    /// Deleting an item that is not there is an explicit no-op: a turn withdraws items it
    /// streamed but never saved (a cancelled widget), and a deleted thread took its items.
    DeleteItem {
        user_id: String,
        thread_id: String,
        item_id: String,
    },
}

#[async_trait]
pub trait Store: LedgerStore + Send + Sync + 'static {
    /// "sqlite" or "postgres".
    fn backend(&self) -> &'static str;
    /// Round trip to the database; the latency is reported by /health.
    async fn ping(&self) -> StoreResult<Duration>;
    /// Whether the database carries this binary's migrations (readiness).
    async fn schema_is_current(&self) -> StoreResult<bool>;
    /// What processes sharing the database coordinate through: Postgres only (a SQLite file
    /// has one server process).
    fn cluster(&self) -> Option<Cluster>;

    async fn create_thread(&self, thread: &ThreadRecord) -> StoreResult<()>;
    async fn get_thread(&self, user_id: &str, thread_id: &str)
        -> StoreResult<Option<ThreadRecord>>;
    /// Saves title, status and metadata; `false` when the thread is not the user's.
    async fn update_thread(&self, thread: &ThreadRecord) -> StoreResult<bool>;
    /// Deletes the thread, its items and feedback; `false` when the thread is not the user's.
    async fn delete_thread(&self, user_id: &str, thread_id: &str) -> StoreResult<bool>;
    async fn list_threads(
        &self,
        user_id: &str,
        query: &PageQuery,
    ) -> StoreResult<Page<ThreadRecord>>;

    /// Inserts or replaces (same id) an item; `false` when the thread is not the user's.
    async fn save_item(&self, item: &ItemRecord) -> StoreResult<bool>;
    async fn get_item(
        &self,
        user_id: &str,
        thread_id: &str,
        item_id: &str,
    ) -> StoreResult<Option<ItemRecord>>;
    async fn delete_item(&self, user_id: &str, thread_id: &str, item_id: &str)
        -> StoreResult<bool>;
    /// Visible items only, unless `include_hidden` (the model's view of a thread).
    async fn list_items(
        &self,
        user_id: &str,
        thread_id: &str,
        query: &PageQuery,
        include_hidden: bool,
    ) -> StoreResult<Page<ItemRecord>>;
    /// Deletes every item after `item_id` (hidden ones too); returns the deleted ids, oldest first.
    async fn delete_items_after(
        &self,
        user_id: &str,
        thread_id: &str,
        item_id: &str,
    ) -> StoreResult<Vec<String>>;

    /// Applies the writes in one transaction, in order.
    async fn commit(&self, ops: &[WriteOp]) -> StoreResult<()>;

    async fn save_attachment(&self, attachment: &AttachmentRecord) -> StoreResult<()>;
    async fn get_attachment(
        &self,
        user_id: &str,
        attachment_id: &str,
    ) -> StoreResult<Option<AttachmentRecord>>;
    async fn delete_attachment(&self, user_id: &str, attachment_id: &str) -> StoreResult<bool>;

    async fn add_feedback(&self, feedback: &FeedbackRecord) -> StoreResult<()>;
    async fn list_feedback(
        &self,
        user_id: &str,
        thread_id: &str,
    ) -> StoreResult<Vec<FeedbackRecord>>;

    /// Saves the bet unless the user already placed one with the same idempotency key; returns
    /// the stored bet and whether this call created it.
    async fn place_bet(&self, bet: &BetRecord) -> StoreResult<(BetRecord, bool)>;
    async fn list_bets(&self, user_id: &str) -> StoreResult<Vec<BetRecord>>;
    /// The user's bet placed with this idempotency key, if any.
    async fn get_bet_by_key(
        &self,
        user_id: &str,
        idempotency_key: &str,
    ) -> StoreResult<Option<BetRecord>>;

    /// The user's guest credential generation (0 when never revoked).
    async fn guest_generation(&self, user_id: &str) -> StoreResult<i64>;
    /// Revokes every guest cookie and guest client secret issued to the user so far; returns
    /// the new generation.
    async fn revoke_guest(&self, user_id: &str) -> StoreResult<i64>;
    /// How many attachments the user holds and their announced bytes (the quota's measure).
    async fn attachment_usage(&self, user_id: &str) -> StoreResult<AttachmentUsage>;
    /// Marks the attachment uploaded; `false` when it is not the user's or already uploaded.
    async fn mark_attachment_uploaded(
        &self,
        user_id: &str,
        attachment_id: &str,
    ) -> StoreResult<bool>;
    /// Maintenance (the reclamation sweep), across users: attachments no thread holds that
    /// were created before `created_before`, oldest first. Each record names its owner, so
    /// the sweep deletes through the user-scoped `delete_attachment`.
    async fn unclaimed_attachments(
        &self,
        created_before: chrono::DateTime<chrono::Utc>,
        limit: u32,
    ) -> StoreResult<Vec<AttachmentRecord>>;
}

/// A user's attachments, counted for the quota.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AttachmentUsage {
    pub count: u64,
    pub bytes: u64,
}

/// The Postgres database the test suites use (`PL_TEST_DATABASE_URL`).
#[cfg(test)]
pub fn postgres_test_url() -> String {
    suite::postgres_url()
}

/// Default and maximum page sizes (chatkit-protocol.md §14: 0 or absent → 20, cap at 100).
pub const DEFAULT_PAGE_SIZE: u32 = 20;
pub const MAX_PAGE_SIZE: u32 = 100;

/// Retry policy for connecting at start-up: a database that is still booting gets a few
/// seconds, an unreachable one a clear error soon after.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
