//! The store's write path for turns: one task group-commits the writes of every turn waiting,
//! up to `MAX_BATCH_OPS` per transaction, instead of a transaction per event. With 64
//! concurrent turns on SQLite this is the difference between ~2,400 and ~10,000 turns/s.
//!
//! A write is durable when its acknowledgement says so; the turn holds back the event that
//! announces it until then (see `turn.rs`), so a client never sees a `done` a crash can undo.

use crate::store::{SharedStore, StoreError, WriteOp};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

const MAX_BATCH_OPS: usize = 256;

/// Why a submission was not written.
#[derive(Clone, Debug, thiserror::Error)]
pub enum WriteFailure {
    /// A write found no row of its user: the thread was deleted (or never was the user's).
    #[error("{0}")]
    NoRow(String),
    /// The database is out of reach; the client may retry later.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("{0}")]
    Failed(String),
}

impl From<StoreError> for WriteFailure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NoRow(what) => WriteFailure::NoRow(what),
            e if e.is_unavailable() => WriteFailure::Unavailable(e.to_string()),
            e => WriteFailure::Failed(e.to_string()),
        }
    }
}

pub type WriteResult = Result<(), WriteFailure>;

/// The outcome of one submission.
pub type WriteAck = oneshot::Receiver<WriteResult>;

/// One turn's writes, applied in order and refused after the first that fails: a turn never
/// saves an answer whose question (its first write) was not saved, so the turn can queue its
/// answer without waiting for its question's commit and both share one group commit.
#[derive(Clone, Default)]
pub struct WriteChain {
    broken: Arc<Mutex<Option<WriteFailure>>>,
}

impl WriteChain {
    fn failure(&self) -> Option<WriteFailure> {
        self.lock().clone()
    }

    fn note(&self, result: &WriteResult) {
        if let Err(e) = result {
            self.lock().get_or_insert_with(|| e.clone());
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<WriteFailure>> {
        // The slot is only ever filled once; a poisoned lock still holds a consistent value.
        self.broken.lock().unwrap_or_else(|p| p.into_inner())
    }
}

struct Job {
    ops: Vec<WriteOp>,
    chain: Option<WriteChain>,
    done: oneshot::Sender<WriteResult>,
}

/// A submission's place in the batch: its acknowledgement, its chain and its range of `batch`.
struct Waiting {
    done: oneshot::Sender<WriteResult>,
    chain: Option<WriteChain>,
    ops: std::ops::Range<usize>,
}

impl Waiting {
    fn settle(self, result: WriteResult) {
        if let Some(chain) = &self.chain {
            chain.note(&result);
        }
        let _ = self.done.send(result);
    }
}

#[derive(Clone)]
pub struct WriteQueue {
    tx: mpsc::UnboundedSender<Job>,
    /// Tests hold this to stop commits and watch what waits for them.
    #[cfg(test)]
    pub(super) gate: std::sync::Arc<tokio::sync::RwLock<()>>,
    /// Group commits so far (tests count what a turn costs).
    #[cfg(test)]
    pub(super) commits: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl WriteQueue {
    /// Starts the writer task; it ends when every queue handle is dropped.
    pub fn start(store: SharedStore) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        #[cfg(test)]
        let gate = std::sync::Arc::new(tokio::sync::RwLock::new(()));
        #[cfg(test)]
        let commits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        tokio::spawn(run_writer(
            store,
            rx,
            #[cfg(test)]
            (gate.clone(), commits.clone()),
        ));
        WriteQueue {
            tx,
            #[cfg(test)]
            gate,
            #[cfg(test)]
            commits,
        }
    }

    /// Queues writes to be applied in order, after everything queued before them.
    pub fn submit(&self, ops: Vec<WriteOp>) -> WriteAck {
        self.send(ops, None)
    }

    /// Queues writes as the next link of `chain`: refused if an earlier link failed.
    pub fn submit_in(&self, chain: &WriteChain, ops: Vec<WriteOp>) -> WriteAck {
        self.send(ops, Some(chain.clone()))
    }

    fn send(&self, ops: Vec<WriteOp>, chain: Option<WriteChain>) -> WriteAck {
        let (done, ack) = oneshot::channel();
        if let Err(mpsc::error::SendError(job)) = self.tx.send(Job { ops, chain, done }) {
            let _ = job
                .done
                .send(Err(WriteFailure::Failed("the writer has stopped".into())));
        }
        ack
    }

    /// Whether the writer task still takes writes (readiness).
    pub fn is_running(&self) -> bool {
        !self.tx.is_closed()
    }

    /// Waits until everything queued so far has been committed (or has failed).
    pub async fn flush(&self) {
        let _ = self.submit(Vec::new()).await;
    }
}

async fn run_writer(
    store: SharedStore,
    mut rx: mpsc::UnboundedReceiver<Job>,
    #[cfg(test)] (gate, commits): (
        std::sync::Arc<tokio::sync::RwLock<()>>,
        std::sync::Arc<std::sync::atomic::AtomicUsize>,
    ),
) {
    let mut waiting: Vec<Waiting> = Vec::new();
    // The writes are moved, not copied, into one batch; each submission keeps its range so a
    // failed batch can be retried submission by submission.
    let mut batch: Vec<WriteOp> = Vec::new();
    while let Some(first) = rx.recv().await {
        #[cfg(test)]
        let _open = gate.read().await;
        batch.clear();
        waiting.clear();
        let mut next = Some(first);
        while let Some(job) = next.take() {
            // Every earlier batch is settled, so a broken chain is known here.
            if let Some(failure) = job.chain.as_ref().and_then(WriteChain::failure) {
                let _ = job.done.send(Err(failure));
            } else {
                let start = batch.len();
                batch.extend(job.ops);
                waiting.push(Waiting {
                    done: job.done,
                    chain: job.chain,
                    ops: start..batch.len(),
                });
            }
            if batch.len() < MAX_BATCH_OPS {
                next = rx.try_recv().ok();
            }
        }
        if batch.is_empty() {
            // Only barriers (`flush`): everything before them is settled already.
            for w in waiting.drain(..) {
                w.settle(Ok(()));
            }
            continue;
        }
        metrics::histogram!("pl_writer_batch_ops").record(batch.len() as f64);
        #[cfg(test)]
        commits.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        match store.commit(&batch).await {
            Ok(()) => {
                for w in waiting.drain(..) {
                    w.settle(Ok(()));
                }
            }
            Err(batch_error) => {
                // Isolate the failing submission so one bad write (a thread deleted mid-turn)
                // does not fail its neighbours.
                tracing::warn!(error = %batch_error, jobs = waiting.len(), "group commit failed; retrying per turn");
                for w in waiting.drain(..) {
                    let result = match w.chain.as_ref().and_then(WriteChain::failure) {
                        Some(failure) => Err(failure),
                        None if w.ops.is_empty() => Ok(()),
                        None => store
                            .commit(&batch[w.ops.clone()])
                            .await
                            .map_err(WriteFailure::from),
                    };
                    w.settle(result);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ThreadRecord;

    fn thread(id: &str) -> ThreadRecord {
        ThreadRecord {
            id: id.into(),
            user_id: "u1".into(),
            created_at: crate::ids::now(),
            title: None,
            status: r#"{"type":"active"}"#.into(),
            metadata: "{}".into(),
        }
    }

    async fn settle(ack: WriteAck) -> WriteResult {
        ack.await.expect("the writer answers")
    }

    /// A chain's link after a failed one is refused, in the same batch or a later one, while
    /// writes of other chains go on.
    #[tokio::test]
    async fn a_chain_stops_at_its_first_failed_write() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("writer.db").display());
        let store = crate::store::connect(&url, 4).await.unwrap();
        let writer = WriteQueue::start(store.clone());
        let (broken, healthy) = (WriteChain::default(), WriteChain::default());

        let paused = writer.gate.write().await;
        // Updating a thread that does not exist fails on its own (NoRow).
        let first = writer.submit_in(&broken, vec![WriteOp::UpdateThread(thread("thr_gone"))]);
        let same_batch = writer.submit_in(&broken, vec![WriteOp::CreateThread(thread("thr_a"))]);
        let neighbour = writer.submit_in(&healthy, vec![WriteOp::CreateThread(thread("thr_b"))]);
        drop(paused);
        assert!(matches!(settle(first).await, Err(WriteFailure::NoRow(_))));
        assert!(matches!(
            settle(same_batch).await,
            Err(WriteFailure::NoRow(_))
        ));
        assert!(settle(neighbour).await.is_ok());
        let later = writer.submit_in(&broken, vec![WriteOp::CreateThread(thread("thr_c"))]);
        assert!(matches!(settle(later).await, Err(WriteFailure::NoRow(_))));

        for (id, kept) in [("thr_a", false), ("thr_b", true), ("thr_c", false)] {
            let found = store.get_thread("u1", id).await.unwrap().is_some();
            assert_eq!(found, kept, "{id}");
        }
    }
}
