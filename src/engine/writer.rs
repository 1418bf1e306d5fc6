//! The store's write path for turns: one task group-commits the writes of every turn waiting,
//! up to `MAX_BATCH_OPS` per transaction, instead of a transaction per event. With 64
//! concurrent turns on SQLite this is the difference between ~2,400 and ~10,000 turns/s.
//!
//! A write is durable when its acknowledgement says so; the turn holds back the event that
//! announces it until then (see `turn.rs`), so a client never sees a `done` a crash can undo.

use crate::store::{SharedStore, StoreError, WriteOp};
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

/// Waits for an acknowledgement; a writer that went away is a failure.
pub async fn settled(ack: WriteAck) -> WriteResult {
    ack.await
        .unwrap_or_else(|_| Err(WriteFailure::Failed("the writer stopped".into())))
}

struct Job {
    ops: Vec<WriteOp>,
    done: oneshot::Sender<WriteResult>,
}

/// A submission's place in the batch: its acknowledgement and its range of `batch`.
struct Waiting {
    done: oneshot::Sender<WriteResult>,
    ops: std::ops::Range<usize>,
}

#[derive(Clone)]
pub struct WriteQueue {
    tx: mpsc::UnboundedSender<Job>,
    /// Tests hold this to stop commits and watch what waits for them.
    #[cfg(test)]
    pub(super) gate: std::sync::Arc<tokio::sync::RwLock<()>>,
}

impl WriteQueue {
    /// Starts the writer task; it ends when every queue handle is dropped.
    pub fn start(store: SharedStore) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        #[cfg(test)]
        let gate = std::sync::Arc::new(tokio::sync::RwLock::new(()));
        tokio::spawn(run_writer(
            store,
            rx,
            #[cfg(test)]
            gate.clone(),
        ));
        WriteQueue {
            tx,
            #[cfg(test)]
            gate,
        }
    }

    /// Queues writes to be applied in order, after everything queued before them.
    pub fn submit(&self, ops: Vec<WriteOp>) -> WriteAck {
        let (done, ack) = oneshot::channel();
        if let Err(mpsc::error::SendError(job)) = self.tx.send(Job { ops, done }) {
            let _ = job
                .done
                .send(Err(WriteFailure::Failed("the writer has stopped".into())));
        }
        ack
    }

    /// Waits until everything queued so far has been committed (or has failed).
    pub async fn flush(&self) {
        let _ = self.submit(Vec::new()).await;
    }
}

async fn run_writer(
    store: SharedStore,
    mut rx: mpsc::UnboundedReceiver<Job>,
    #[cfg(test)] gate: std::sync::Arc<tokio::sync::RwLock<()>>,
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
            let start = batch.len();
            batch.extend(job.ops);
            waiting.push(Waiting {
                done: job.done,
                ops: start..batch.len(),
            });
            if batch.len() < MAX_BATCH_OPS {
                next = rx.try_recv().ok();
            }
        }
        if batch.is_empty() {
            // Only barriers (`flush`): everything before them is settled already.
            for w in waiting.drain(..) {
                let _ = w.done.send(Ok(()));
            }
            continue;
        }
        metrics::histogram!("pl_writer_batch_ops").record(batch.len() as f64);
        match store.commit(&batch).await {
            Ok(()) => {
                for w in waiting.drain(..) {
                    let _ = w.done.send(Ok(()));
                }
            }
            Err(batch_error) => {
                // Isolate the failing submission so one bad write (a thread deleted mid-turn)
                // does not fail its neighbours.
                tracing::warn!(error = %batch_error, jobs = waiting.len(), "group commit failed; retrying per turn");
                for w in waiting.drain(..) {
                    let result = if w.ops.is_empty() {
                        Ok(())
                    } else {
                        store
                            .commit(&batch[w.ops])
                            .await
                            .map_err(WriteFailure::from)
                    };
                    let _ = w.done.send(result);
                }
            }
        }
    }
}
