//! What `/health` (liveness) and `/ready` (readiness) report about the engine, so the door
//! needs no store of its own: the database round trip, and whether this process should get
//! traffic now (database reachable, migrations applied, writer alive, stop listener
//! subscribed, not draining).

use super::Engine;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Longest a single check may take before it counts as failed.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// The database check `/health` shows.
#[derive(Debug)]
pub struct DatabaseCheck {
    /// "sqlite" or "postgres".
    pub backend: &'static str,
    /// The round trip's latency, or why there was none (words fit for a probe's log).
    pub latency: Result<Duration, &'static str>,
}

/// Why this process should not get traffic now (each a stable, machine-readable reason).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotReady {
    Draining,
    DatabaseUnreachable,
    MigrationsMissing,
    WriterStopped,
    StopListenerDown,
}

impl NotReady {
    pub fn reason(self) -> &'static str {
        match self {
            NotReady::Draining => "draining",
            NotReady::DatabaseUnreachable => "database_unreachable",
            NotReady::MigrationsMissing => "migrations_missing",
            NotReady::WriterStopped => "writer_stopped",
            NotReady::StopListenerDown => "stop_listener_down",
        }
    }

    /// A sentence for the operator reading the probe.
    pub fn message(self) -> &'static str {
        match self {
            NotReady::Draining => "the server is shutting down and takes no new turns",
            NotReady::DatabaseUnreachable => "the database does not answer",
            NotReady::MigrationsMissing => {
                "the database lacks this version's migrations (restored or recreated under a running server?)"
            }
            NotReady::WriterStopped => "the write queue does not commit",
            NotReady::StopListenerDown => {
                "not subscribed to stop requests from the other processes (LISTEN pl_stop)"
            }
        }
    }
}

impl Engine {
    /// One round trip to the database (liveness shows it; it never decides liveness).
    pub async fn check_database(&self) -> DatabaseCheck {
        let store = &self.inner.store;
        let latency = match tokio::time::timeout(CHECK_TIMEOUT, store.ping()).await {
            Ok(Ok(latency)) => Ok(latency),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "health: database check failed");
                Err("database unreachable")
            }
            Err(_) => Err("database check timed out"),
        };
        DatabaseCheck {
            backend: store.backend(),
            latency,
        }
    }

    /// Whether a load balancer should send this process requests now; the first reason not.
    pub async fn readiness(&self) -> Result<(), NotReady> {
        if self.inner.draining.load(Ordering::Acquire) {
            return Err(NotReady::Draining);
        }
        if self.check_database().await.latency.is_err() {
            return Err(NotReady::DatabaseUnreachable);
        }
        match tokio::time::timeout(CHECK_TIMEOUT, self.inner.store.schema_is_current()).await {
            Ok(Ok(true)) => {}
            Ok(Ok(false)) => return Err(NotReady::MigrationsMissing),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "ready: migration check failed");
                return Err(NotReady::MigrationsMissing);
            }
            Err(_) => return Err(NotReady::DatabaseUnreachable),
        }
        // A barrier through the write queue: it comes back only if the writer task runs.
        if tokio::time::timeout(CHECK_TIMEOUT, self.inner.writer.flush())
            .await
            .is_err()
            || !self.inner.writer.is_running()
        {
            return Err(NotReady::WriterStopped);
        }
        if let Some(bus) = &self.inner.stop_bus {
            if !bus.is_listening() {
                return Err(NotReady::StopListenerDown);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{scripted_parts, AttachmentFiles, EngineLimits, EngineParts};

    async fn engine(dir: &std::path::Path) -> Engine {
        let url = format!("sqlite://{}", dir.join("engine.db").display());
        let store = crate::store::connect(&url, 2).await.unwrap();
        let (responder, actions) = scripted_parts();
        Engine::new(EngineParts {
            store,
            responder,
            actions,
            files: AttachmentFiles::new(dir),
            links: std::sync::Arc::new(NoLinks),
            limits: EngineLimits::default(),
        })
    }

    struct NoLinks;
    impl crate::engine::AttachmentLinks for NoLinks {
        fn upload_url(&self, base: &str, _: &str, id: &str) -> String {
            format!("{base}/upload/{id}")
        }
        fn preview_url(&self, base: &str, _: &str, id: &str) -> String {
            format!("{base}/preview/{id}")
        }
    }

    #[tokio::test]
    async fn ready_until_draining() {
        let dir = tempfile::tempdir().unwrap();
        let engine = engine(dir.path()).await;
        assert_eq!(engine.readiness().await, Ok(()));
        let check = engine.check_database().await;
        assert_eq!(check.backend, "sqlite");
        assert!(check.latency.is_ok());
        engine.drain(Duration::from_millis(10)).await;
        assert_eq!(engine.readiness().await, Err(NotReady::Draining));
        assert_eq!(NotReady::Draining.reason(), "draining");
    }
}
