//! What server processes sharing one Postgres database coordinate through (issue [J]): the
//! signing key, shared rate limits, attachment bytes, claims on periodic background tasks, and
//! notifications between processes (Stop). Only Postgres has a `Cluster`; on SQLite one process
//! owns the file and keeps all of this in memory or on disk.
//!
//! Every query on user data is scoped by the user id, like the rest of the store.

use super::StoreResult;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{PgPool, Row};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

/// This process among the others (diagnostics: who claimed a task).
static PROCESS: LazyLock<Arc<str>> = LazyLock::new(|| {
    format!(
        "pid{}-{}",
        std::process::id(),
        hex::encode(rand::random::<[u8; 4]>())
    )
    .into()
});

/// The database's clock in microseconds: every process measures rate windows and task
/// intervals against one clock, whatever its own says.
macro_rules! db_now {
    () => {
        "(EXTRACT(EPOCH FROM statement_timestamp()) * 1000000)::BIGINT"
    };
}
const DB_NOW: &str = db_now!();

/// A cheap handle over the shared pool.
#[derive(Clone)]
pub struct Cluster {
    pool: PgPool,
}

/// A rate-limited request that was refused, and when the budget allows the next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refused {
    pub retry_after: Duration,
}

/// A budget: `burst` requests at once, refilled evenly over `period`.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    pub burst: u32,
    pub period: Duration,
}

impl Budget {
    /// The GCRA emission interval and the whole window, in microseconds.
    fn micros(self) -> (i64, i64) {
        let period = i64::try_from(self.period.as_micros()).unwrap_or(i64::MAX);
        let interval = (period / i64::from(self.burst.max(1))).max(1);
        (interval, period)
    }
}

impl Cluster {
    pub(super) fn new(pool: PgPool) -> Self {
        Cluster { pool }
    }

    /// This process's name in claims.
    pub fn process(&self) -> &str {
        &PROCESS
    }

    /// The shared secret named `name`: the stored one, or `candidate` when this is the first
    /// process to ask (insert-if-absent, so racing processes all end with the winner's).
    pub async fn shared_secret(&self, name: &str, candidate: &str) -> StoreResult<String> {
        // Two statements, not one: the read must see a row a racing process committed while
        // this insert waited on it, which a single statement's snapshot would not.
        sqlx::query(concat!(
            "INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, ",
            db_now!(),
            ") ON CONFLICT (name) DO NOTHING"
        ))
        .bind(name)
        .bind(candidate)
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1")
                .bind(name)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Charges one request to each budget cell `(key, budget)` in one round trip (one
    /// statement); a second round trip only to tell a refused caller how long to wait.
    /// Like the in-process counters, a cell charged before another refuses stays charged.
    pub async fn admit(&self, cells: &[(String, Budget)]) -> StoreResult<Result<(), Refused>> {
        if cells.is_empty() {
            return Ok(Ok(()));
        }
        // One data-modifying CTE per cell (each runs exactly once), and a row of counts saying
        // which were admitted. A cell is admitted when, after this request, its theoretical
        // arrival time is at most one period ahead of now (GCRA).
        let charges: Vec<String> = (0..cells.len())
            .map(|i| {
                let (key, interval, period) = (3 * i + 1, 3 * i + 2, 3 * i + 3);
                format!(
                    "c{i} AS (INSERT INTO rate_limits AS r (key, tat) VALUES (${key}, {DB_NOW} + ${interval}) \
                     ON CONFLICT (key) DO UPDATE SET tat = GREATEST(r.tat, {DB_NOW}) + ${interval} \
                     WHERE GREATEST(r.tat, {DB_NOW}) + ${interval} - {DB_NOW} <= ${period} \
                     RETURNING 1)"
                )
            })
            .collect();
        let counts: Vec<String> = (0..cells.len())
            .map(|i| format!("(SELECT COUNT(*) FROM c{i})"))
            .collect();
        let sql = format!("WITH {} SELECT {}", charges.join(", "), counts.join(", "));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (key, budget) in cells {
            let (interval, period) = budget.micros();
            query = query.bind(key).bind(interval).bind(period);
        }
        let row = query.fetch_one(&self.pool).await?;
        let refused = (0..cells.len()).find(|&i| row.try_get::<i64, _>(i).unwrap_or(0) == 0);
        let Some(refused) = refused else {
            return Ok(Ok(()));
        };
        let (key, budget) = &cells[refused];
        let (interval, period) = budget.micros();
        let wait: Option<i64> = sqlx::query_scalar(concat!(
            "SELECT tat + $2 - $3 - ",
            db_now!(),
            " FROM rate_limits WHERE key = $1"
        ))
        .bind(key)
        .bind(interval)
        .bind(period)
        .fetch_optional(&self.pool)
        .await?;
        let micros = u64::try_from(wait.unwrap_or(0)).unwrap_or(0);
        Ok(Err(Refused {
            retry_after: Duration::from_micros(micros),
        }))
    }

    /// Forgets budget cells that are full again (an absent cell is a full budget).
    pub async fn forget_idle_budgets(&self) -> StoreResult<u64> {
        Ok(
            sqlx::query(concat!("DELETE FROM rate_limits WHERE tat < ", db_now!()))
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }

    /// A provider's answer other processes shared, unless it has expired.
    pub async fn cached_answer(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar(concat!(
            "SELECT value FROM provider_cache WHERE key = $1 AND expires_at > ",
            db_now!()
        ))
        .bind(key)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Shares a provider's answer with the other processes for `ttl`.
    pub async fn cache_answer(&self, key: &str, value: &str, ttl: Duration) -> StoreResult<()> {
        let ttl = i64::try_from(ttl.as_micros()).unwrap_or(i64::MAX);
        sqlx::query(concat!(
            "INSERT INTO provider_cache (key, value, expires_at) VALUES ($1, $2, ",
            db_now!(),
            " + $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at"
        ))
        .bind(key)
        .bind(value)
        .bind(ttl)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets expired provider answers.
    pub async fn forget_expired_answers(&self) -> StoreResult<u64> {
        Ok(sqlx::query(concat!(
            "DELETE FROM provider_cache WHERE expires_at <= ",
            db_now!()
        ))
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// Claims the next run of a periodic task: `true` for exactly one of the processes that
    /// ask within one `interval`. The claim ends a little before the interval does, so the
    /// claimant's own next tick (never exactly on time) finds it free again.
    pub async fn claim_periodic(&self, task: &str, interval: Duration) -> StoreResult<bool> {
        let interval = i64::try_from(interval.as_micros()).unwrap_or(i64::MAX);
        let slack = (interval / 10).min(1_000_000);
        let claimed: Option<String> = sqlx::query_scalar(concat!(
            "INSERT INTO background_tasks AS t (task, next_run_at, claimed_by) VALUES ($1, ",
            db_now!(),
            " + $2, $3) ON CONFLICT (task) DO UPDATE SET next_run_at = ",
            db_now!(),
            " + $2, claimed_by = $3 WHERE t.next_run_at <= ",
            db_now!(),
            " RETURNING task"
        ))
        .bind(task)
        .bind(interval - slack)
        .bind(self.process())
        .fetch_optional(&self.pool)
        .await?;
        Ok(claimed.is_some())
    }

    /// Stores an attachment's bytes and marks it uploaded, in one transaction: `false` (and
    /// nothing written) when it is not the user's or was uploaded already.
    pub async fn put_attachment_bytes(
        &self,
        user_id: &str,
        attachment_id: &str,
        bytes: &[u8],
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let marked = sqlx::query(
            "UPDATE chatkit_attachments SET uploaded = TRUE \
             WHERE id = $1 AND user_id = $2 AND NOT uploaded",
        )
        .bind(attachment_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if marked != 1 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO chatkit_attachment_blobs (attachment_id, user_id, bytes) VALUES ($1, $2, $3)",
        )
        .bind(attachment_id)
        .bind(user_id)
        .bind(bytes)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The bytes of the user's attachment, if it has any.
    pub async fn attachment_bytes(
        &self,
        user_id: &str,
        attachment_id: &str,
    ) -> StoreResult<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar(
            "SELECT bytes FROM chatkit_attachment_blobs WHERE attachment_id = $1 AND user_id = $2",
        )
        .bind(attachment_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Sends `payload` to every process listening on `channel` (this one included).
    pub async fn notify(&self, channel: &str, payload: &str) -> StoreResult<()> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(payload)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Listens on `channels` over a connection of its own, outside the pool so it takes no
    /// connection from requests (reconnected on loss; what was sent while it was away is
    /// missed).
    pub async fn listen(&self, channels: &[&str]) -> StoreResult<Notifications> {
        let options = PgConnectOptions::clone(&self.pool.connect_options());
        let own = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(super::CONNECT_TIMEOUT)
            .max_lifetime(None)
            .idle_timeout(None)
            .connect_lazy_with(options);
        let mut listener = PgListener::connect_with(&own).await?;
        listener.listen_all(channels.iter().copied()).await?;
        Ok(Notifications { listener })
    }
}

/// Notifications from other processes (and this one).
pub struct Notifications {
    listener: PgListener,
}

impl Notifications {
    /// The next notification as (channel, payload).
    pub async fn recv(&mut self) -> StoreResult<(String, String)> {
        let notification = self.listener.recv().await?;
        Ok((
            notification.channel().to_owned(),
            notification.payload().to_owned(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{connect, AttachmentRecord, SharedStore};

    async fn cluster() -> (SharedStore, Cluster) {
        let url = crate::store::postgres_test_url();
        let store = connect(&url, 4)
            .await
            .unwrap_or_else(|e| panic!("Postgres at {url} is required: {e}"));
        let cluster = store.cluster().expect("Postgres has a cluster");
        (store, cluster)
    }

    fn unique(prefix: &str) -> String {
        format!(
            "{prefix}_{}",
            crate::ids::new_id(crate::ids::IdKind::Message)
        )
    }

    #[tokio::test]
    async fn sqlite_has_no_cluster() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("s.db").display());
        assert!(connect(&url, 1).await.unwrap().cluster().is_none());
    }

    #[tokio::test]
    async fn the_first_secret_stored_wins_for_every_process() {
        let (_store, a) = cluster().await;
        // A second pool is a second process as far as the database can tell.
        let (_other, b) = cluster().await;
        let name = unique("test_key");
        let (first, second) = tokio::join!(
            a.shared_secret(&name, "candidate-a"),
            b.shared_secret(&name, "candidate-b")
        );
        let (first, second) = (first.unwrap(), second.unwrap());
        assert_eq!(first, second, "racing processes agree");
        assert!(first == "candidate-a" || first == "candidate-b");
        assert_eq!(a.shared_secret(&name, "later").await.unwrap(), first);
    }

    #[tokio::test]
    async fn budgets_are_shared_and_refill() {
        let (_store, a) = cluster().await;
        let (_other, b) = cluster().await;
        let key = unique("turn");
        let budget = Budget {
            burst: 3,
            period: Duration::from_secs(60),
        };
        assert_eq!(a.admit(&[(key.clone(), budget)]).await.unwrap(), Ok(()));
        assert_eq!(b.admit(&[(key.clone(), budget)]).await.unwrap(), Ok(()));
        assert_eq!(a.admit(&[(key.clone(), budget)]).await.unwrap(), Ok(()));
        let refused = b
            .admit(&[(key.clone(), budget)])
            .await
            .unwrap()
            .unwrap_err();
        // One request refills every 20 s.
        assert!(
            refused.retry_after > Duration::from_secs(18)
                && refused.retry_after <= Duration::from_secs(20),
            "{refused:?}"
        );
        assert!(
            a.admit(&[(unique("turn"), budget)]).await.unwrap().is_ok(),
            "another key has its own budget"
        );

        let fast = Budget {
            burst: 1,
            period: Duration::from_millis(200),
        };
        let key = unique("fast");
        assert!(a.admit(&[(key.clone(), fast)]).await.unwrap().is_ok());
        assert!(b.admit(&[(key.clone(), fast)]).await.unwrap().is_err());
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert!(
            b.admit(&[(key.clone(), fast)]).await.unwrap().is_ok(),
            "refilled"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
        a.forget_idle_budgets().await.unwrap();
        let left: Option<i64> = sqlx::query_scalar("SELECT tat FROM rate_limits WHERE key = $1")
            .bind(&key)
            .fetch_optional(&a.pool)
            .await
            .unwrap();
        assert_eq!(left, None, "a full budget is forgotten");
    }

    #[tokio::test]
    async fn a_periodic_task_is_claimed_once_per_interval() {
        let (_store, a) = cluster().await;
        let (_other, b) = cluster().await;
        let task = unique("task");
        let interval = Duration::from_millis(500);
        let (first, second) = tokio::join!(
            a.claim_periodic(&task, interval),
            b.claim_periodic(&task, interval)
        );
        assert!(
            first.unwrap() ^ second.unwrap(),
            "exactly one process claims the run"
        );
        assert!(!a.claim_periodic(&task, interval).await.unwrap());
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert!(b.claim_periodic(&task, interval).await.unwrap(), "next run");
    }

    #[tokio::test]
    async fn user_isolation_attachment_bytes_are_the_owners_and_go_with_the_attachment() {
        let (store, cluster) = cluster().await;
        let id = crate::ids::new_id(crate::ids::IdKind::Attachment);
        let record = AttachmentRecord {
            id: id.clone(),
            user_id: "alice".into(),
            thread_id: None,
            name: "slip.png".into(),
            mime_type: "image/png".into(),
            size_bytes: 4,
            uploaded: false,
            created_at: crate::ids::now(),
        };
        store.save_attachment(&record).await.unwrap();
        assert!(!cluster
            .put_attachment_bytes("mallory", &id, b"evil")
            .await
            .unwrap());
        assert!(cluster
            .put_attachment_bytes("alice", &id, b"slip")
            .await
            .unwrap());
        assert!(
            !cluster
                .put_attachment_bytes("alice", &id, b"again")
                .await
                .unwrap(),
            "uploaded once"
        );
        assert_eq!(
            cluster.attachment_bytes("alice", &id).await.unwrap(),
            Some(b"slip".to_vec())
        );
        assert_eq!(
            cluster.attachment_bytes("mallory", &id).await.unwrap(),
            None
        );
        assert!(
            store
                .get_attachment("alice", &id)
                .await
                .unwrap()
                .unwrap()
                .uploaded
        );
        assert!(store.delete_attachment("alice", &id).await.unwrap());
        assert_eq!(cluster.attachment_bytes("alice", &id).await.unwrap(), None);
    }

    #[tokio::test]
    async fn provider_answers_are_shared_until_they_expire() {
        let (_store, a) = cluster().await;
        let (_other, b) = cluster().await;
        let key = unique("odds_api/odds");
        assert_eq!(b.cached_answer(&key).await.unwrap(), None);
        a.cache_answer(&key, "{\"events\":[]}", Duration::from_millis(300))
            .await
            .unwrap();
        assert_eq!(
            b.cached_answer(&key).await.unwrap().as_deref(),
            Some("{\"events\":[]}")
        );
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(b.cached_answer(&key).await.unwrap(), None, "expired");
        a.forget_expired_answers().await.unwrap();
        let left: Option<String> =
            sqlx::query_scalar("SELECT key FROM provider_cache WHERE key = $1")
                .bind(&key)
                .fetch_optional(&a.pool)
                .await
                .unwrap();
        assert_eq!(left, None, "expired answers are forgotten");
    }

    #[tokio::test]
    async fn notifications_reach_every_listener() {
        let (_store, a) = cluster().await;
        let (_other, b) = cluster().await;
        let channel = unique("pl_test").to_ascii_lowercase();
        let mut listening = b.listen(&[&channel]).await.unwrap();
        a.notify(&channel, "stop thr_1").await.unwrap();
        let (got_channel, payload) = tokio::time::timeout(Duration::from_secs(5), listening.recv())
            .await
            .expect("delivered")
            .unwrap();
        assert_eq!(
            (got_channel.as_str(), payload.as_str()),
            (channel.as_str(), "stop thr_1")
        );
    }
}
