//! A second cache level that every server process on one database shares (issue [J]), so a
//! metered provider (The Odds API spends credits per request) is asked once per lifetime of an
//! answer, not once per process. The providers only see this trait; the server hands them an
//! implementation over Postgres (`startup.rs`), and none on SQLite, where the process's own
//! cache is the only one.
//!
//! An answer can be up to two lifetimes old when a process copies a shared entry near its end
//! into its own cache; each answer keeps its `provenance.as_of`, so the age shown stays true.

use super::ProviderResult;
use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;

#[async_trait]
pub trait SharedCache: Send + Sync + 'static {
    /// The answer stored under `key`, unless it has expired. A cache that cannot answer
    /// (database away) says `None`: it only ever saves requests.
    async fn get(&self, key: &str) -> Option<String>;
    /// Keeps `value` under `key` for `ttl`; failures are only logged.
    async fn put(&self, key: &str, value: &str, ttl: Duration);
}

/// The shared entry for `key`, else `fetch`'s answer, shared for `ttl`. Errors are never kept.
pub(super) async fn through<V, F>(
    shared: Option<&Arc<dyn SharedCache>>,
    key: String,
    ttl: Duration,
    fetch: F,
) -> ProviderResult<V>
where
    V: Serialize + DeserializeOwned,
    F: std::future::Future<Output = ProviderResult<V>>,
{
    let Some(shared) = shared else {
        return fetch.await;
    };
    // An entry another version wrote in another shape is a miss, not an error.
    if let Some(hit) = shared
        .get(&key)
        .await
        .and_then(|json| serde_json::from_str(&json).ok())
    {
        return Ok(hit);
    }
    let value = fetch.await?;
    share(shared, &key, ttl, &value).await;
    Ok(value)
}

/// Shares an answer fetched regardless of the cache (a re-quote), for the other processes.
pub(super) async fn share<V: Serialize>(
    shared: &Arc<dyn SharedCache>,
    key: &str,
    ttl: Duration,
    value: &V,
) {
    if let Ok(json) = serde_json::to_string(value) {
        shared.put(key, &json, ttl).await;
    }
}

/// The shared key of a provider's answer to `query` (every parameter sent upstream).
pub(super) fn key<Q: Serialize>(provider: &str, method: &str, query: &Q) -> String {
    let query = serde_json::to_string(query).unwrap_or_default();
    format!("{provider}/{method}/{query}")
}
