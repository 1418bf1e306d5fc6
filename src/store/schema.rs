//! The migrations compiled into the binary, one set per dialect, and the check readiness
//! makes that the database still carries all of them (a database restored from an old backup
//! or recreated empty under a running server does not).

use super::cluster::Cluster;
use sqlx::migrate::Migrator;
use sqlx::{PgPool, SqlitePool};

pub static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
pub static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// What differs between the two pools beyond SQL: their migrations, and whether other
/// processes may share the database (only Postgres: a SQLite file has one server process).
pub(super) trait Dialect {
    fn migrations() -> &'static Migrator;
    fn cluster(&self) -> Option<Cluster>;
}

impl Dialect for SqlitePool {
    fn migrations() -> &'static Migrator {
        &SQLITE_MIGRATIONS
    }

    fn cluster(&self) -> Option<Cluster> {
        None
    }
}

impl Dialect for PgPool {
    fn migrations() -> &'static Migrator {
        &POSTGRES_MIGRATIONS
    }

    fn cluster(&self) -> Option<Cluster> {
        Some(Cluster::new(self.clone()))
    }
}

/// The newest migration this binary carries.
pub(super) fn latest_version(migrator: &Migrator) -> i64 {
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use crate::store::connect;

    #[tokio::test]
    async fn a_database_missing_this_versions_migrations_is_not_current() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("s.db").display());
        let store = connect(&url, 1).await.unwrap();
        assert!(store.schema_is_current().await.unwrap());
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)")
            .execute(&pool)
            .await
            .unwrap();
        assert!(!store.schema_is_current().await.unwrap());
    }

    #[tokio::test]
    async fn the_test_postgres_is_current() {
        let url = crate::store::postgres_test_url();
        let store = connect(&url, 1)
            .await
            .unwrap_or_else(|e| panic!("Postgres at {url} is required: {e}"));
        assert!(store.schema_is_current().await.unwrap());
    }
}
