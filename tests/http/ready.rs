//! `/ready` for load balancers, beside the cheap `/health`: 200 when this process should get
//! traffic, else 503 with a machine-readable reason (migrations missing, database gone).

use super::server::{PrivateDatabase, TestServer};
use serde_json::Value;
use std::time::{Duration, Instant};

async fn get(s: &TestServer, path: &str) -> (u16, Value) {
    let response = s.client.get(s.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Polls `/ready` until it answers `status` (the Postgres stop listener subscribes just after
/// start-up), at most a few seconds.
async fn ready_becomes(s: &TestServer, status: u16) -> Value {
    let started = Instant::now();
    loop {
        let (got, body) = get(s, "/ready").await;
        if got == status || started.elapsed() > Duration::from_secs(10) {
            assert_eq!(got, status, "{body}");
            return body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn ready_on_sqlite() {
    let s = TestServer::start(|_| {}).await;
    let body = ready_becomes(&s, 200).await;
    assert_eq!(body["status"], "ready");
}

#[tokio::test]
async fn ready_on_postgres_until_the_migrations_or_the_database_go() {
    let database = PrivateDatabase::create("pl_ready").await;
    let url = database.url();
    let s = TestServer::start(|c| c.database_url = url.clone()).await;
    ready_becomes(&s, 200).await;

    // A database that lost this version's migrations (restored from an old backup, say):
    // alive, but not ready.
    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    )
    .execute(&admin)
    .await
    .unwrap();
    let body = ready_becomes(&s, 503).await;
    assert_eq!(body["reason"], "migrations_missing", "{body}");
    assert!(body["message"].as_str().unwrap().contains("migrations"));
    let (health, _) = get(&s, "/health").await;
    assert_eq!(health, 200, "liveness does not depend on migrations");
    admin.close().await;

    // The database gone: neither live nor ready.
    database.drop_database().await;
    let body = ready_becomes(&s, 503).await;
    assert_eq!(body["reason"], "database_unreachable", "{body}");
    let (health, body) = get(&s, "/health").await;
    assert_eq!(health, 503, "{body}");
}
