//! The SQL implementation of `Store`, written once and expanded for SQLite and Postgres.
//!
//! Both dialects accept the same statements here (`$n` parameters, row-value comparison,
//! `ON CONFLICT … DO UPDATE … WHERE`, booleans), so one macro body serves both pools; only the
//! migrations differ. Order is `(created_at, id)`; `created_at` is microseconds since the epoch.

use super::net_writes::{
    net_effect, power_of_two_runs, values_list, Placeholders, MAX_ROWS, ROW_SIZES,
};
use super::schema::{latest_version, Dialect, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
use super::*;
use crate::ids::micros_to_time;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::sync::LazyLock;
use std::time::Instant;

pub struct SqliteStore {
    pub(super) pool: SqlitePool,
}

pub struct PostgresStore {
    pub(super) pool: PgPool,
}

/// Opens the database the URL names, applies its migrations and returns the store.
/// `sqlite:` URLs (file created if missing) and `postgres://` / `postgresql://` URLs.
pub async fn connect(url: &str, max_connections: u32) -> StoreResult<SharedStore> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect(url)
            .await?;
        POSTGRES_MIGRATIONS.run(&pool).await?;
        Ok(Arc::new(PostgresStore { pool }))
    } else {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_with(options)
            .await?;
        SQLITE_MIGRATIONS.run(&pool).await?;
        Ok(Arc::new(SqliteStore { pool }))
    }
}

// Rows as the SELECTs name their columns (read by name, so a reordered SELECT cannot swap
// two fields of one type); timestamps are microseconds since the epoch.

#[derive(sqlx::FromRow)]
struct ThreadRow {
    id: String,
    user_id: String,
    created_at: i64,
    title: Option<String>,
    status: String,
    metadata: String,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: String,
    thread_id: String,
    user_id: String,
    created_at: i64,
    item_type: String,
    hidden: bool,
    data: String,
}

#[derive(sqlx::FromRow)]
struct AttachmentRow {
    id: String,
    user_id: String,
    thread_id: Option<String>,
    name: String,
    mime_type: String,
    size_bytes: i64,
    uploaded: bool,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct BetRow {
    id: String,
    user_id: String,
    thread_id: Option<String>,
    idempotency_key: String,
    stake_cents: i64,
    payout_cents: i64,
    odds_american: i64,
    legs: String,
    status: String,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct FeedbackRow {
    user_id: String,
    thread_id: String,
    item_id: String,
    kind: String,
    created_at: i64,
}

fn thread_from_row(row: ThreadRow) -> ThreadRecord {
    ThreadRecord {
        id: row.id,
        user_id: row.user_id,
        created_at: micros_to_time(row.created_at),
        title: row.title,
        status: row.status,
        metadata: row.metadata,
    }
}

fn item_from_row(row: ItemRow) -> ItemRecord {
    ItemRecord {
        id: row.id,
        thread_id: row.thread_id,
        user_id: row.user_id,
        created_at: micros_to_time(row.created_at),
        item_type: row.item_type,
        hidden: row.hidden,
        data: row.data,
    }
}

fn attachment_from_row(row: AttachmentRow) -> AttachmentRecord {
    AttachmentRecord {
        id: row.id,
        user_id: row.user_id,
        thread_id: row.thread_id,
        name: row.name,
        mime_type: row.mime_type,
        size_bytes: row.size_bytes,
        uploaded: row.uploaded,
        created_at: micros_to_time(row.created_at),
    }
}

fn bet_from_row(row: BetRow) -> StoreResult<BetRecord> {
    Ok(BetRecord {
        id: row.id,
        user_id: row.user_id,
        thread_id: row.thread_id,
        idempotency_key: row.idempotency_key,
        stake_cents: row.stake_cents,
        payout_cents: row.payout_cents,
        odds_american: row.odds_american,
        legs: row.legs,
        status: row.status.parse().map_err(StoreError::Corrupt)?,
        created_at: micros_to_time(row.created_at),
    })
}

fn feedback_from_row(row: FeedbackRow) -> FeedbackRecord {
    FeedbackRecord {
        user_id: row.user_id,
        thread_id: row.thread_id,
        item_id: row.item_id,
        kind: row.kind,
        created_at: micros_to_time(row.created_at),
    }
}

/// Turns `limit + 1` fetched rows into a page with an exact `has_more`.
fn into_page<T>(mut rows: Vec<T>, limit: u32, id_of: impl Fn(&T) -> &str) -> Page<T> {
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let after = if has_more {
        rows.last().map(|r| id_of(r).to_owned())
    } else {
        None
    };
    Page {
        data: rows,
        has_more,
        after,
    }
}

// Listing statements by (order, has cursor). The cursor row's position is passed as two
// parameters so an unknown cursor is reported instead of silently yielding an empty page.
const LIST_THREADS: [[&str; 2]; 2] = [
    [
        "SELECT id, user_id, created_at, title, status, metadata FROM chatkit_threads \
         WHERE user_id = $1 ORDER BY created_at ASC, id ASC LIMIT $2",
        "SELECT id, user_id, created_at, title, status, metadata FROM chatkit_threads \
         WHERE user_id = $1 AND (created_at, id) > ($3, $4) ORDER BY created_at ASC, id ASC LIMIT $2",
    ],
    [
        "SELECT id, user_id, created_at, title, status, metadata FROM chatkit_threads \
         WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        "SELECT id, user_id, created_at, title, status, metadata FROM chatkit_threads \
         WHERE user_id = $1 AND (created_at, id) < ($3, $4) ORDER BY created_at DESC, id DESC LIMIT $2",
    ],
];

const LIST_ITEMS: [[&str; 2]; 2] = [
    [
        "SELECT id, thread_id, user_id, created_at, item_type, hidden, data FROM chatkit_thread_items \
         WHERE thread_id = $1 AND user_id = $2 AND (NOT hidden OR $3) \
         ORDER BY created_at ASC, id ASC LIMIT $4",
        "SELECT id, thread_id, user_id, created_at, item_type, hidden, data FROM chatkit_thread_items \
         WHERE thread_id = $1 AND user_id = $2 AND (NOT hidden OR $3) AND (created_at, id) > ($5, $6) \
         ORDER BY created_at ASC, id ASC LIMIT $4",
    ],
    [
        "SELECT id, thread_id, user_id, created_at, item_type, hidden, data FROM chatkit_thread_items \
         WHERE thread_id = $1 AND user_id = $2 AND (NOT hidden OR $3) \
         ORDER BY created_at DESC, id DESC LIMIT $4",
        "SELECT id, thread_id, user_id, created_at, item_type, hidden, data FROM chatkit_thread_items \
         WHERE thread_id = $1 AND user_id = $2 AND (NOT hidden OR $3) AND (created_at, id) < ($5, $6) \
         ORDER BY created_at DESC, id DESC LIMIT $4",
    ],
];

fn order_index(order: SortOrder) -> usize {
    match order {
        SortOrder::Asc => 0,
        SortOrder::Desc => 1,
    }
}

/// Upserts `rows` threads; another user's thread with the same id is left alone.
fn upsert_threads_sql(rows: usize, style: Placeholders) -> String {
    format!(
        "INSERT INTO chatkit_threads (id, user_id, created_at, title, status, metadata) VALUES {} \
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, status = excluded.status, metadata = excluded.metadata \
         WHERE chatkit_threads.user_id = excluded.user_id",
        values_list(rows, 6, style)
    )
}

/// Upserts `rows` items, each only into a thread its user owns, never moving an item between
/// threads or owners. `VALUES` columns are named column1… in both dialects.
fn upsert_items_sql(rows: usize, style: Placeholders) -> String {
    format!(
        "INSERT INTO chatkit_thread_items (id, thread_id, user_id, created_at, item_type, hidden, data) \
         SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7 FROM (VALUES {}) AS v \
         WHERE EXISTS (SELECT 1 FROM chatkit_threads t WHERE t.id = v.column2 AND t.user_id = v.column3) \
         ON CONFLICT (id) DO UPDATE SET item_type = excluded.item_type, hidden = excluded.hidden, data = excluded.data \
         WHERE chatkit_thread_items.user_id = excluded.user_id AND chatkit_thread_items.thread_id = excluded.thread_id",
        values_list(rows, 7, style)
    )
}

/// Updates `rows` existing threads of their owners; a missing one is simply not counted (and
/// the caller reports it). Never inserts: a thread deleted mid-turn stays deleted.
fn update_threads_sql(rows: usize, style: Placeholders) -> String {
    format!(
        "UPDATE chatkit_threads SET title = v.column3, status = v.column4, metadata = v.column5 \
         FROM (VALUES {}) AS v WHERE chatkit_threads.id = v.column1 AND chatkit_threads.user_id = v.column2",
        values_list(rows, 5, style)
    )
}

/// A dialect's multi-row writes, one per power-of-two run size.
struct RowStatements {
    threads: [String; ROW_SIZES],
    thread_updates: [String; ROW_SIZES],
    items: [String; ROW_SIZES],
}

impl RowStatements {
    fn new(style: Placeholders) -> Self {
        RowStatements {
            threads: std::array::from_fn(|log2| upsert_threads_sql(1 << log2, style)),
            thread_updates: std::array::from_fn(|log2| update_threads_sql(1 << log2, style)),
            items: std::array::from_fn(|log2| upsert_items_sql(1 << log2, style)),
        }
    }
}

/// `NoRow` unless a write meant for `expected` rows changed all of them.
fn expect_rows(what: &str, expected: usize, affected: u64) -> StoreResult<()> {
    if affected == expected as u64 {
        Ok(())
    } else {
        Err(StoreError::NoRow(format!(
            "{what}: {} of {expected} matched no thread of their user",
            expected as u64 - affected.min(expected as u64)
        )))
    }
}

/// The statement for a run of `rows` rows (a power of two, see `power_of_two_runs`).
fn sql_for_run(texts: &[String; ROW_SIZES], rows: usize) -> &str {
    debug_assert!(rows.is_power_of_two() && rows <= MAX_ROWS);
    &texts[rows.trailing_zeros() as usize]
}

static SQLITE_ROWS: LazyLock<RowStatements> =
    LazyLock::new(|| RowStatements::new(Placeholders::Anonymous));
static POSTGRES_ROWS: LazyLock<RowStatements> =
    LazyLock::new(|| RowStatements::new(Placeholders::Numbered));

const DELETE_ITEM: &str =
    "DELETE FROM chatkit_thread_items WHERE id = $1 AND thread_id = $2 AND user_id = $3";

macro_rules! sql_store {
    ($store:ident, $backend:literal, $db:ty, $rows:ident) => {
        impl $store {
            /// Upserts threads, one statement per power-of-two run; returns the rows changed.
            async fn upsert_threads(
                conn: &mut <$db as sqlx::Database>::Connection,
                threads: &[&ThreadRecord],
            ) -> StoreResult<u64> {
                let mut affected = 0;
                for run in power_of_two_runs(threads) {
                    let mut query = sqlx::query(sql_for_run(&$rows.threads, run.len()));
                    for t in run {
                        query = query
                            .bind(&t.id)
                            .bind(&t.user_id)
                            .bind(t.created_at.timestamp_micros())
                            .bind(&t.title)
                            .bind(&t.status)
                            .bind(&t.metadata);
                    }
                    affected += query.execute(&mut *conn).await?.rows_affected();
                }
                Ok(affected)
            }

            /// Upserts items, one statement per power-of-two run; returns the rows changed.
            async fn upsert_items(
                conn: &mut <$db as sqlx::Database>::Connection,
                items: &[&ItemRecord],
            ) -> StoreResult<u64> {
                let mut affected = 0;
                for run in power_of_two_runs(items) {
                    let mut query = sqlx::query(sql_for_run(&$rows.items, run.len()));
                    for i in run {
                        query = query
                            .bind(&i.id)
                            .bind(&i.thread_id)
                            .bind(&i.user_id)
                            .bind(i.created_at.timestamp_micros())
                            .bind(&i.item_type)
                            .bind(i.hidden)
                            .bind(&i.data);
                    }
                    affected += query.execute(&mut *conn).await?.rows_affected();
                }
                Ok(affected)
            }

            /// Updates existing threads, one statement per power-of-two run; returns the rows
            /// changed.
            async fn update_threads(
                conn: &mut <$db as sqlx::Database>::Connection,
                threads: &[&ThreadRecord],
            ) -> StoreResult<u64> {
                let mut affected = 0;
                for run in power_of_two_runs(threads) {
                    let mut query = sqlx::query(sql_for_run(&$rows.thread_updates, run.len()));
                    for t in run {
                        query = query
                            .bind(&t.id)
                            .bind(&t.user_id)
                            .bind(&t.title)
                            .bind(&t.status)
                            .bind(&t.metadata);
                    }
                    affected += query.execute(&mut *conn).await?.rows_affected();
                }
                Ok(affected)
            }

            async fn delete_one_item(
                conn: &mut <$db as sqlx::Database>::Connection,
                user_id: &str,
                thread_id: &str,
                item_id: &str,
            ) -> StoreResult<u64> {
                Ok(sqlx::query(DELETE_ITEM)
                    .bind(item_id)
                    .bind(thread_id)
                    .bind(user_id)
                    .execute(&mut *conn)
                    .await?
                    .rows_affected())
            }

            /// Applies a batch: its net effect in a few statements, or write by write when the
            /// batch has none (see `net_writes`). Any write but a delete that changes no row
            /// fails the batch with `NoRow`.
            async fn apply(
                conn: &mut <$db as sqlx::Database>::Connection,
                ops: &[WriteOp],
            ) -> StoreResult<()> {
                let Some(net) = net_effect(ops) else {
                    for op in ops {
                        match op {
                            WriteOp::CreateThread(t) => {
                                expect_rows("new threads", 1, Self::upsert_threads(conn, &[t]).await?)?
                            }
                            WriteOp::UpdateThread(t) => {
                                expect_rows("thread updates", 1, Self::update_threads(conn, &[t]).await?)?
                            }
                            WriteOp::SaveItem(i) => {
                                expect_rows("items", 1, Self::upsert_items(conn, &[i]).await?)?
                            }
                            WriteOp::DeleteItem { user_id, thread_id, item_id } => {
                                Self::delete_one_item(conn, user_id, thread_id, item_id).await?;
                            }
                        };
                    }
                    return Ok(());
                };
                let created = Self::upsert_threads(conn, &net.created_threads).await?;
                expect_rows("new threads", net.created_threads.len(), created)?;
                let updated = Self::update_threads(conn, &net.updated_threads).await?;
                expect_rows("thread updates", net.updated_threads.len(), updated)?;
                let saved = Self::upsert_items(conn, &net.saved_items).await?;
                expect_rows("items", net.saved_items.len(), saved)?;
                for key in &net.deleted_items {
                    Self::delete_one_item(conn, key.user_id, key.thread_id, key.item_id).await?;
                }
                Ok(())
            }

            async fn thread_position(&self, user_id: &str, thread_id: &str) -> StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar::<_, i64>(
                    "SELECT created_at FROM chatkit_threads WHERE id = $1 AND user_id = $2",
                )
                .bind(thread_id)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn item_position(
                &self,
                user_id: &str,
                thread_id: &str,
                item_id: &str,
            ) -> StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar::<_, i64>(
                    "SELECT created_at FROM chatkit_thread_items WHERE id = $1 AND thread_id = $2 AND user_id = $3",
                )
                .bind(item_id)
                .bind(thread_id)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?)
            }
        }

        #[async_trait]
        impl Store for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            async fn ping(&self) -> StoreResult<Duration> {
                let started = Instant::now();
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(started.elapsed())
            }

            async fn schema_is_current(&self) -> StoreResult<bool> {
                let applied: Option<i64> = sqlx::query_scalar(
                    "SELECT MAX(version) FROM _sqlx_migrations WHERE success",
                )
                .fetch_one(&self.pool)
                .await?;
                let latest = latest_version(<sqlx::Pool<$db> as Dialect>::migrations());
                Ok(applied.unwrap_or(0) >= latest)
            }

            fn cluster(&self) -> Option<Cluster> {
                self.pool.cluster()
            }

            async fn create_thread(&self, thread: &ThreadRecord) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO chatkit_threads (id, user_id, created_at, title, status, metadata) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&thread.id)
                .bind(&thread.user_id)
                .bind(thread.created_at.timestamp_micros())
                .bind(&thread.title)
                .bind(&thread.status)
                .bind(&thread.metadata)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn get_thread(&self, user_id: &str, thread_id: &str) -> StoreResult<Option<ThreadRecord>> {
                let row: Option<ThreadRow> = sqlx::query_as(
                    "SELECT id, user_id, created_at, title, status, metadata FROM chatkit_threads \
                     WHERE id = $1 AND user_id = $2",
                )
                .bind(thread_id)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(thread_from_row))
            }

            async fn update_thread(&self, thread: &ThreadRecord) -> StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE chatkit_threads SET title = $1, status = $2, metadata = $3 \
                     WHERE id = $4 AND user_id = $5",
                )
                .bind(&thread.title)
                .bind(&thread.status)
                .bind(&thread.metadata)
                .bind(&thread.id)
                .bind(&thread.user_id)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn delete_thread(&self, user_id: &str, thread_id: &str) -> StoreResult<bool> {
                // Items and feedback go with the thread (ON DELETE CASCADE).
                let done = sqlx::query("DELETE FROM chatkit_threads WHERE id = $1 AND user_id = $2")
                    .bind(thread_id)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn list_threads(&self, user_id: &str, query: &PageQuery) -> StoreResult<Page<ThreadRecord>> {
                let fetch = i64::from(query.limit) + 1;
                let order = order_index(query.order);
                let rows: Vec<ThreadRow> = match &query.after {
                    None => {
                        sqlx::query_as(LIST_THREADS[order][0])
                            .bind(user_id)
                            .bind(fetch)
                            .fetch_all(&self.pool)
                            .await?
                    }
                    Some(cursor) => {
                        let at = self
                            .thread_position(user_id, cursor)
                            .await?
                            .ok_or_else(|| StoreError::InvalidCursor(cursor.clone()))?;
                        sqlx::query_as(LIST_THREADS[order][1])
                            .bind(user_id)
                            .bind(fetch)
                            .bind(at)
                            .bind(cursor)
                            .fetch_all(&self.pool)
                            .await?
                    }
                };
                Ok(into_page(
                    rows.into_iter().map(thread_from_row).collect(),
                    query.limit,
                    |t| &t.id,
                ))
            }

            async fn save_item(&self, item: &ItemRecord) -> StoreResult<bool> {
                let mut conn = self.pool.acquire().await?;
                Ok(Self::upsert_items(&mut conn, &[item]).await? == 1)
            }

            async fn get_item(
                &self,
                user_id: &str,
                thread_id: &str,
                item_id: &str,
            ) -> StoreResult<Option<ItemRecord>> {
                let row: Option<ItemRow> = sqlx::query_as(
                    "SELECT id, thread_id, user_id, created_at, item_type, hidden, data \
                     FROM chatkit_thread_items WHERE id = $1 AND thread_id = $2 AND user_id = $3",
                )
                .bind(item_id)
                .bind(thread_id)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(item_from_row))
            }

            async fn delete_item(&self, user_id: &str, thread_id: &str, item_id: &str) -> StoreResult<bool> {
                let done = sqlx::query(DELETE_ITEM)
                    .bind(item_id)
                    .bind(thread_id)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn list_items(
                &self,
                user_id: &str,
                thread_id: &str,
                query: &PageQuery,
                include_hidden: bool,
            ) -> StoreResult<Page<ItemRecord>> {
                let fetch = i64::from(query.limit) + 1;
                let order = order_index(query.order);
                let rows: Vec<ItemRow> = match &query.after {
                    None => {
                        sqlx::query_as(LIST_ITEMS[order][0])
                            .bind(thread_id)
                            .bind(user_id)
                            .bind(include_hidden)
                            .bind(fetch)
                            .fetch_all(&self.pool)
                            .await?
                    }
                    Some(cursor) => {
                        let at = self
                            .item_position(user_id, thread_id, cursor)
                            .await?
                            .ok_or_else(|| StoreError::InvalidCursor(cursor.clone()))?;
                        sqlx::query_as(LIST_ITEMS[order][1])
                            .bind(thread_id)
                            .bind(user_id)
                            .bind(include_hidden)
                            .bind(fetch)
                            .bind(at)
                            .bind(cursor)
                            .fetch_all(&self.pool)
                            .await?
                    }
                };
                Ok(into_page(
                    rows.into_iter().map(item_from_row).collect(),
                    query.limit,
                    |i| &i.id,
                ))
            }

            async fn delete_items_after(
                &self,
                user_id: &str,
                thread_id: &str,
                item_id: &str,
            ) -> StoreResult<Vec<String>> {
                let mut tx = self.pool.begin().await?;
                let at: Option<i64> = sqlx::query_scalar(
                    "SELECT created_at FROM chatkit_thread_items WHERE id = $1 AND thread_id = $2 AND user_id = $3",
                )
                .bind(item_id)
                .bind(thread_id)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(at) = at else {
                    return Ok(Vec::new());
                };
                let ids: Vec<String> = sqlx::query_scalar(
                    "SELECT id FROM chatkit_thread_items WHERE thread_id = $1 AND user_id = $2 \
                     AND (created_at, id) > ($3, $4) ORDER BY created_at ASC, id ASC",
                )
                .bind(thread_id)
                .bind(user_id)
                .bind(at)
                .bind(item_id)
                .fetch_all(&mut *tx)
                .await?;
                sqlx::query(
                    "DELETE FROM chatkit_thread_items WHERE thread_id = $1 AND user_id = $2 \
                     AND (created_at, id) > ($3, $4)",
                )
                .bind(thread_id)
                .bind(user_id)
                .bind(at)
                .bind(item_id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(ids)
            }

            async fn commit(&self, ops: &[WriteOp]) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                Self::apply(&mut tx, ops).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn save_attachment(&self, a: &AttachmentRecord) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO chatkit_attachments \
                     (id, user_id, thread_id, name, mime_type, size_bytes, uploaded, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (id) DO UPDATE SET thread_id = excluded.thread_id, uploaded = excluded.uploaded \
                     WHERE chatkit_attachments.user_id = excluded.user_id",
                )
                .bind(&a.id)
                .bind(&a.user_id)
                .bind(&a.thread_id)
                .bind(&a.name)
                .bind(&a.mime_type)
                .bind(a.size_bytes)
                .bind(a.uploaded)
                .bind(a.created_at.timestamp_micros())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn get_attachment(&self, user_id: &str, id: &str) -> StoreResult<Option<AttachmentRecord>> {
                let row: Option<AttachmentRow> = sqlx::query_as(
                    "SELECT id, user_id, thread_id, name, mime_type, size_bytes, uploaded, created_at \
                     FROM chatkit_attachments WHERE id = $1 AND user_id = $2",
                )
                .bind(id)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(attachment_from_row))
            }

            async fn delete_attachment(&self, user_id: &str, id: &str) -> StoreResult<bool> {
                let done = sqlx::query("DELETE FROM chatkit_attachments WHERE id = $1 AND user_id = $2")
                    .bind(id)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn add_feedback(&self, f: &FeedbackRecord) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO chatkit_feedback (user_id, thread_id, item_id, kind, created_at) \
                     VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (user_id, thread_id, item_id) \
                     DO UPDATE SET kind = excluded.kind, created_at = excluded.created_at",
                )
                .bind(&f.user_id)
                .bind(&f.thread_id)
                .bind(&f.item_id)
                .bind(&f.kind)
                .bind(f.created_at.timestamp_micros())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn list_feedback(&self, user_id: &str, thread_id: &str) -> StoreResult<Vec<FeedbackRecord>> {
                let rows: Vec<FeedbackRow> = sqlx::query_as(
                    "SELECT user_id, thread_id, item_id, kind, created_at FROM chatkit_feedback \
                     WHERE user_id = $1 AND thread_id = $2 ORDER BY created_at ASC, item_id ASC",
                )
                .bind(user_id)
                .bind(thread_id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(feedback_from_row).collect())
            }

            async fn place_bet(&self, bet: &BetRecord) -> StoreResult<(BetRecord, bool)> {
                let inserted = sqlx::query(
                    "INSERT INTO bets (id, user_id, thread_id, idempotency_key, stake_cents, payout_cents, \
                     odds_american, legs, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                     ON CONFLICT (user_id, idempotency_key) DO NOTHING",
                )
                .bind(&bet.id)
                .bind(&bet.user_id)
                .bind(&bet.thread_id)
                .bind(&bet.idempotency_key)
                .bind(bet.stake_cents)
                .bind(bet.payout_cents)
                .bind(bet.odds_american)
                .bind(&bet.legs)
                .bind(bet.status.as_str())
                .bind(bet.created_at.timestamp_micros())
                .execute(&self.pool)
                .await?
                .rows_affected()
                    == 1;
                let stored = self
                    .get_bet_by_key(&bet.user_id, &bet.idempotency_key)
                    .await?
                    .ok_or_else(|| StoreError::Corrupt("a bet vanished right after it was placed".into()))?;
                Ok((stored, inserted))
            }

            async fn get_bet_by_key(&self, user_id: &str, idempotency_key: &str) -> StoreResult<Option<BetRecord>> {
                let row: Option<BetRow> = sqlx::query_as(
                    "SELECT id, user_id, thread_id, idempotency_key, stake_cents, payout_cents, odds_american, \
                     legs, status, created_at FROM bets WHERE user_id = $1 AND idempotency_key = $2",
                )
                .bind(user_id)
                .bind(idempotency_key)
                .fetch_optional(&self.pool)
                .await?;
                row.map(bet_from_row).transpose()
            }

            async fn list_bets(&self, user_id: &str) -> StoreResult<Vec<BetRecord>> {
                let rows: Vec<BetRow> = sqlx::query_as(
                    "SELECT id, user_id, thread_id, idempotency_key, stake_cents, payout_cents, odds_american, \
                     legs, status, created_at FROM bets WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
                )
                .bind(user_id)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(bet_from_row).collect()
            }

            async fn guest_generation(&self, user_id: &str) -> StoreResult<i64> {
                let row: Option<(i64,)> =
                    sqlx::query_as("SELECT generation FROM guest_generations WHERE user_id = $1")
                        .bind(user_id)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map_or(0, |r| r.0))
            }

            async fn revoke_guest(&self, user_id: &str) -> StoreResult<i64> {
                let (generation,): (i64,) = sqlx::query_as(
                    "INSERT INTO guest_generations (user_id, generation) VALUES ($1, 1) \
                     ON CONFLICT (user_id) DO UPDATE SET generation = guest_generations.generation + 1 \
                     RETURNING generation",
                )
                .bind(user_id)
                .fetch_one(&self.pool)
                .await?;
                Ok(generation)
            }

            async fn attachment_usage(&self, user_id: &str) -> StoreResult<AttachmentUsage> {
                // SUM is NUMERIC on Postgres: cast it back to a 64-bit integer on both.
                let (count, bytes): (i64, i64) = sqlx::query_as(
                    "SELECT COUNT(*), CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) \
                     FROM chatkit_attachments WHERE user_id = $1",
                )
                .bind(user_id)
                .fetch_one(&self.pool)
                .await?;
                Ok(AttachmentUsage {
                    count: u64::try_from(count).unwrap_or_default(),
                    bytes: u64::try_from(bytes).unwrap_or_default(),
                })
            }

            async fn mark_attachment_uploaded(&self, user_id: &str, id: &str) -> StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE chatkit_attachments SET uploaded = TRUE \
                     WHERE id = $1 AND user_id = $2 AND NOT uploaded",
                )
                .bind(id)
                .bind(user_id)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn unclaimed_attachments(
                &self,
                created_before: chrono::DateTime<chrono::Utc>,
                limit: u32,
            ) -> StoreResult<Vec<AttachmentRecord>> {
                let rows: Vec<AttachmentRow> = sqlx::query_as(
                    "SELECT id, user_id, thread_id, name, mime_type, size_bytes, uploaded, created_at \
                     FROM chatkit_attachments WHERE thread_id IS NULL AND created_at < $1 \
                     ORDER BY created_at ASC LIMIT $2",
                )
                .bind(created_before.timestamp_micros())
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(attachment_from_row).collect())
            }
        }
    };
}

sql_store!(SqliteStore, "sqlite", sqlx::Sqlite, SQLITE_ROWS);
sql_store!(PostgresStore, "postgres", sqlx::Postgres, POSTGRES_ROWS);
