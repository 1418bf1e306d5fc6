//! What this engine shares with the other server processes on one Postgres database: Stop for
//! a turn another process runs, and claims on periodic background work. On SQLite there is one
//! process, so Stop stays in the running-turn map and every periodic run is this process's.
//!
//! Stop travels by `LISTEN/NOTIFY`: the process that took the Stop sends the user, thread and
//! a request id on `pl_stop`; each process cancels its matching turns (the same user-scoped
//! match as a local Stop) and, if it had any, answers the id on `pl_stopped`, so the caller
//! learns whether a turn was running. No table is written per turn.

use super::{Engine, Inner};
use crate::error::AppError;
use crate::store::cluster::Notifications;
use crate::store::Cluster;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

const STOP_CHANNEL: &str = "pl_stop";
const STOPPED_CHANNEL: &str = "pl_stopped";
/// How long a Stop waits for the process running the turn to confirm. A notification
/// arrives in milliseconds; the wait is only used up in full when no process runs a turn
/// of that thread (a Stop that came just too late).
const STOP_CONFIRM_WAIT: Duration = Duration::from_millis(750);
/// Between attempts to get the listener back after the database went away.
const RELISTEN_DELAY: Duration = Duration::from_secs(1);

#[derive(Serialize, Deserialize)]
struct StopRequest {
    id: String,
    user_id: String,
    thread_id: String,
}

/// Stop requests this process sent and waits to hear about, and the listener's state.
pub(super) struct StopBus {
    cluster: Cluster,
    waiting: Mutex<HashMap<String, oneshot::Sender<()>>>,
    /// Whether the listener is subscribed now (readiness reports it).
    listening: AtomicBool,
}

impl StopBus {
    pub(super) fn new(cluster: Cluster) -> Arc<Self> {
        Arc::new(StopBus {
            cluster,
            waiting: Mutex::new(HashMap::new()),
            listening: AtomicBool::new(false),
        })
    }

    pub(super) fn is_listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }

    fn waiting(&self) -> std::sync::MutexGuard<'_, HashMap<String, oneshot::Sender<()>>> {
        // A poisoned map only means a panic elsewhere; the map itself is still consistent.
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Asks the other processes to stop the user's turns on the thread; whether one did.
    pub(super) async fn stop_elsewhere(
        &self,
        user_id: &str,
        thread_id: &str,
    ) -> Result<bool, AppError> {
        let request = StopRequest {
            id: uuid::Uuid::now_v7().to_string(),
            user_id: user_id.to_owned(),
            thread_id: thread_id.to_owned(),
        };
        let payload = serde_json::to_string(&request).map_err(AppError::internal)?;
        let (confirm, confirmed) = oneshot::channel();
        self.waiting().insert(request.id.clone(), confirm);
        let sent = self.cluster.notify(STOP_CHANNEL, &payload).await;
        let stopped = match sent {
            Ok(()) => matches!(
                tokio::time::timeout(STOP_CONFIRM_WAIT, confirmed).await,
                Ok(Ok(()))
            ),
            Err(_) => false,
        };
        self.waiting().remove(&request.id);
        sent?;
        Ok(stopped)
    }

    /// One notification: a Stop to act on, or the confirmation of one this process sent.
    async fn take(&self, engine: &Engine, channel: &str, payload: &str) {
        match channel {
            STOP_CHANNEL => {
                let Ok(request) = serde_json::from_str::<StopRequest>(payload) else {
                    tracing::warn!(payload, "ignoring a malformed stop request");
                    return;
                };
                if engine.cancel_running(&request.user_id, &request.thread_id) {
                    tracing::info!(thread = %request.thread_id, "stopped a turn on another process's request");
                    if let Err(e) = self.cluster.notify(STOPPED_CHANNEL, &request.id).await {
                        tracing::warn!(error = %e, "could not confirm a stop");
                    }
                }
            }
            STOPPED_CHANNEL => {
                if let Some(confirm) = self.waiting().remove(payload) {
                    let _ = confirm.send(());
                }
            }
            _ => {}
        }
    }
}

/// Takes Stop requests for this process's turns until the engine is dropped (`shutdown`).
/// Holds the engine weakly, so the engine's lifetime stays its owners'.
pub(super) async fn listen(bus: Arc<StopBus>, engine: Weak<Inner>, shutdown: CancellationToken) {
    loop {
        let mut notifications = tokio::select! {
            _ = shutdown.cancelled() => return,
            subscribed = bus.cluster.listen(&[STOP_CHANNEL, STOPPED_CHANNEL]) => match subscribed {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for stop requests; retrying");
                    tokio::select! {
                        _ = shutdown.cancelled() => return,
                        _ = tokio::time::sleep(RELISTEN_DELAY) => continue,
                    }
                }
            },
        };
        bus.listening.store(true, Ordering::Release);
        let lost = receive(&bus, &engine, &shutdown, &mut notifications).await;
        bus.listening.store(false, Ordering::Release);
        match lost {
            None => return,
            Some(e) => {
                tracing::warn!(error = %e, "lost the stop listener; listening again");
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(RELISTEN_DELAY) => {}
                }
            }
        }
    }
}

/// Handles notifications until shutdown (`None`) or an error the listener did not recover
/// from by itself.
async fn receive(
    bus: &StopBus,
    engine: &Weak<Inner>,
    shutdown: &CancellationToken,
    notifications: &mut Notifications,
) -> Option<crate::store::StoreError> {
    loop {
        let next = tokio::select! {
            _ = shutdown.cancelled() => return None,
            next = notifications.recv() => next,
        };
        let (channel, payload) = match next {
            Ok(notification) => notification,
            Err(e) => return Some(e),
        };
        // The engine is gone: as good as shutdown.
        let inner = engine.upgrade()?;
        bus.take(&Engine { inner }, &channel, &payload).await;
    }
}

impl Engine {
    /// Claims this interval's run of a periodic background task (attachment reclamation,
    /// forgetting idle rate-limit cells): on Postgres one process among all those sharing the
    /// database gets it; on SQLite this process always does. Counted in
    /// `pl_background_runs_total`.
    pub async fn claim_periodic(&self, task: &str, interval: Duration) -> Result<bool, AppError> {
        let claimed = match &self.inner.cluster {
            Some(cluster) => cluster.claim_periodic(task, interval).await?,
            None => true,
        };
        if claimed {
            metrics::counter!("pl_background_runs_total", "task" => task.to_owned()).increment(1);
        }
        Ok(claimed)
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::testing::TestEngine;
    use crate::engine::{
        AssistantStream, Engine, Reply, RequestContext, Responder, Turn, TurnError, TurnInput,
    };
    use futures::StreamExt;
    use serde_json::{json, Value};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    /// Says a few words, then thinks until it is stopped.
    struct SlowResponder;

    #[async_trait::async_trait]
    impl Responder for SlowResponder {
        async fn respond(&self, turn: &mut Turn, _input: TurnInput<'_>) -> Result<(), TurnError> {
            let mut message = AssistantStream::start(turn);
            message.push(turn, "The Lakers cover because");
            tokio::time::sleep(Duration::from_secs(60)).await;
            message.finish(turn);
            Ok(())
        }
    }

    /// An engine with a pool of its own on the test Postgres: another process, as far as the
    /// database can tell.
    async fn process() -> TestEngine {
        let url = crate::store::postgres_test_url();
        let store = crate::store::connect(&url, 4)
            .await
            .unwrap_or_else(|e| panic!("Postgres at {url} is required: {e}"));
        TestEngine::builder(Arc::new(SlowResponder))
            .store(store)
            .build()
            .await
    }

    async fn listening(engine: &Engine) {
        let started = Instant::now();
        while !engine.inner.stop_bus.as_ref().unwrap().is_listening() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "never subscribed"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    #[tokio::test]
    async fn user_isolation_stop_reaches_the_process_running_the_turn_and_only_for_its_user() {
        let (a, b) = (process().await, process().await);
        let (a, b) = (&a.engine, &b.engine);
        listening(a).await;
        listening(b).await;
        let user = crate::ids::new_id(crate::ids::IdKind::Message);
        let ctx = RequestContext {
            user_id: user.clone(),
            base_url: "http://test".into(),
        };
        let input = json!({"content": [{"type": "input_text", "text": "Lakers -4?"}],
                           "attachments": [], "inference_options": {}});
        let body = json!({"type": "threads.create", "params": {"input": input}}).to_string();
        let Reply::Stream(mut events) = a.handle(&ctx, body.as_bytes()).await.unwrap() else {
            panic!("a turn streams");
        };
        let mut thread_id = None;
        loop {
            let event: Value = serde_json::from_str(&events.next().await.unwrap()).unwrap();
            if event["type"] == "thread.created" {
                thread_id = event["thread"]["id"].as_str().map(str::to_owned);
            }
            if event["type"] == "thread.item.updated" {
                break;
            }
        }
        let thread_id = thread_id.unwrap();

        // Another user's Stop is a 404 on B and stops nothing on A.
        assert!(b.cancel_turn("mallory", &thread_id).await.is_err());
        assert_eq!(a.running_turns(), 1);

        let asked = Instant::now();
        assert!(
            b.cancel_turn(&user, &thread_id).await.unwrap(),
            "B learns that A stopped a turn"
        );
        let rest = tokio::time::timeout(Duration::from_secs(1), events.collect_all())
            .await
            .expect("A's turn ends within a second of the Stop sent to B");
        assert!(asked.elapsed() < Duration::from_secs(1));
        assert!(rest.iter().any(|e| e.contains("thread.item.done")));
        assert_eq!(a.running_turns(), 0);
        assert!(
            !b.cancel_turn(&user, &thread_id).await.unwrap(),
            "nothing runs any more"
        );
    }

    #[tokio::test]
    async fn a_periodic_task_runs_on_one_process_per_interval() {
        let (a, b) = (process().await, process().await);
        let (a, b) = (&a.engine, &b.engine);
        let task = format!("test_{}", crate::ids::new_id(crate::ids::IdKind::Message));
        let interval = Duration::from_secs(60);
        let (x, y) = tokio::join!(
            a.claim_periodic(&task, interval),
            b.claim_periodic(&task, interval)
        );
        assert!(x.unwrap() ^ y.unwrap());
    }
}
