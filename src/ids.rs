//! Ids and the clock: protocol-prefixed, time-ordered ids and strictly increasing timestamps.
//!
//! Items of a thread are ordered by `(created_at, id)`; giving every timestamp taken in this
//! process its own microsecond keeps that order equal to the order events were produced,
//! even when a turn emits several items within one microsecond.

use chrono::{DateTime, TimeZone, Utc};
use std::sync::atomic::{AtomicI64, Ordering};

/// The protocol's id prefixes (chatkit-protocol.md §2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    Thread,
    Message,
    ToolCall,
    Workflow,
    Task,
    Attachment,
    HiddenContext,
    Bet,
    Session,
}

impl IdKind {
    pub const fn prefix(self) -> &'static str {
        match self {
            IdKind::Thread => "thr",
            IdKind::Message => "msg",
            IdKind::ToolCall => "tc",
            IdKind::Workflow => "wf",
            IdKind::Task => "tsk",
            IdKind::Attachment => "atc",
            IdKind::HiddenContext => "shcx",
            IdKind::Bet => "bet",
            IdKind::Session => "ses",
        }
    }
}

/// A new id: the prefix and a UUIDv7 in simple hex (48 bits of time, 74 random bits).
pub fn new_id(kind: IdKind) -> String {
    let uuid = uuid::Uuid::now_v7();
    let mut out = String::with_capacity(kind.prefix().len() + 33);
    out.push_str(kind.prefix());
    out.push('_');
    out.push_str(uuid.simple().encode_lower(&mut uuid::Uuid::encode_buffer()));
    out
}

static LAST_MICROS: AtomicI64 = AtomicI64::new(0);

/// Now, in UTC, never equal to or before an earlier call in this process.
pub fn now() -> DateTime<Utc> {
    let wall = Utc::now().timestamp_micros();
    let mut last = LAST_MICROS.load(Ordering::Relaxed);
    loop {
        let next = wall.max(last + 1);
        match LAST_MICROS.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return micros_to_time(next),
            Err(seen) => last = seen,
        }
    }
}

pub fn micros_to_time(micros: i64) -> DateTime<Utc> {
    Utc.timestamp_micros(micros)
        .single()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_their_prefix_and_32_hex_chars() {
        let id = new_id(IdKind::Thread);
        let (prefix, body) = id.split_once('_').unwrap();
        assert_eq!(prefix, "thr");
        assert_eq!(body.len(), 32);
        assert!(body.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(new_id(IdKind::Thread), id);
    }

    #[test]
    fn ids_of_one_kind_sort_by_creation() {
        let ids: Vec<String> = (0..200).map(|_| new_id(IdKind::Message)).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn now_is_strictly_increasing() {
        let times: Vec<_> = (0..1000).map(|_| now()).collect();
        assert!(times.windows(2).all(|w| w[0] < w[1]));
    }
}
