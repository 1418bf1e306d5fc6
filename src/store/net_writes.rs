//! The net effect of a batch of writes, so a group commit can apply it with a few multi-row
//! statements instead of one statement (one round trip) per write.
//!
//! Later writes of the same row replace earlier ones; a thread created and then updated in one
//! batch is created with its latest values. Threads are applied before items, so an item never
//! misses a thread created in the same batch, and deletions come last. When the net effect
//! would depend on the order (one id written under two owners, which only a forged or buggy
//! write does, or a thread updated before it is created) there is none: the caller applies the
//! writes one by one.

use super::{ItemRecord, ThreadRecord, WriteOp};
use std::collections::hash_map::{Entry, HashMap};

/// The most rows one statement carries; statements come in power-of-two sizes up to this, so
/// a batch of any size needs at most `ROW_SIZES` statement texts per table, and each one stays
/// in the connection's prepared-statement cache.
pub const MAX_ROWS: usize = 256;
pub const ROW_SIZES: usize = MAX_ROWS.trailing_zeros() as usize + 1;

#[derive(Debug, PartialEq)]
pub struct ItemKey<'a> {
    pub user_id: &'a str,
    pub thread_id: &'a str,
    pub item_id: &'a str,
}

#[derive(Debug, Default, PartialEq)]
pub struct NetWrites<'a> {
    pub created_threads: Vec<&'a ThreadRecord>,
    pub updated_threads: Vec<&'a ThreadRecord>,
    pub saved_items: Vec<&'a ItemRecord>,
    pub deleted_items: Vec<ItemKey<'a>>,
}

enum ThreadWrite<'a> {
    Create(&'a ThreadRecord),
    Update(&'a ThreadRecord),
}

impl<'a> ThreadWrite<'a> {
    fn record(&self) -> &'a ThreadRecord {
        match self {
            ThreadWrite::Create(t) | ThreadWrite::Update(t) => t,
        }
    }

    /// The net write of `self` followed by `later`, if it does not depend on the order.
    fn then(&self, later: ThreadWrite<'a>) -> Option<ThreadWrite<'a>> {
        if self.record().user_id != later.record().user_id {
            return None;
        }
        match (self, later) {
            (ThreadWrite::Create(_), later) => Some(ThreadWrite::Create(later.record())),
            (ThreadWrite::Update(_), ThreadWrite::Update(t)) => Some(ThreadWrite::Update(t)),
            // Updating a thread before it exists fails on its own; only order tells.
            (ThreadWrite::Update(_), ThreadWrite::Create(_)) => None,
        }
    }
}

enum ItemWrite<'a> {
    Save(&'a ItemRecord),
    Delete(ItemKey<'a>),
}

impl<'a> ItemWrite<'a> {
    fn owner(&self) -> (&'a str, &'a str) {
        match self {
            ItemWrite::Save(i) => (i.user_id.as_str(), i.thread_id.as_str()),
            ItemWrite::Delete(k) => (k.user_id, k.thread_id),
        }
    }

    /// `later` replaces `self` unless it moves the row to another owner or thread.
    fn then(&self, later: ItemWrite<'a>) -> Option<ItemWrite<'a>> {
        (self.owner() == later.owner()).then_some(later)
    }
}

/// Rows in first-write order, each holding its latest write.
struct LatestWrites<'a, W> {
    rows: Vec<W>,
    slot: HashMap<&'a str, usize>,
}

impl<'a, W> LatestWrites<'a, W> {
    fn new() -> Self {
        LatestWrites {
            rows: Vec::new(),
            slot: HashMap::new(),
        }
    }

    /// Merges `write` into the row's latest (`then`); `None` when the merge has no net effect.
    fn record(&mut self, id: &'a str, write: W, then: impl Fn(&W, W) -> Option<W>) -> Option<()> {
        match self.slot.entry(id) {
            Entry::Occupied(slot) => {
                let earlier = &mut self.rows[*slot.get()];
                *earlier = then(earlier, write)?;
            }
            Entry::Vacant(slot) => {
                slot.insert(self.rows.len());
                self.rows.push(write);
            }
        }
        Some(())
    }
}

/// The batch's net effect, or `None` when it has to be applied write by write.
pub fn net_effect(ops: &[WriteOp]) -> Option<NetWrites<'_>> {
    let mut threads = LatestWrites::new();
    let mut items = LatestWrites::new();
    for op in ops {
        match op {
            WriteOp::CreateThread(t) => {
                threads.record(&t.id, ThreadWrite::Create(t), ThreadWrite::then)?
            }
            WriteOp::UpdateThread(t) => {
                threads.record(&t.id, ThreadWrite::Update(t), ThreadWrite::then)?
            }
            WriteOp::SaveItem(i) => items.record(&i.id, ItemWrite::Save(i), ItemWrite::then)?,
            WriteOp::DeleteItem {
                user_id,
                thread_id,
                item_id,
            } => items.record(
                item_id,
                ItemWrite::Delete(ItemKey {
                    user_id,
                    thread_id,
                    item_id,
                }),
                ItemWrite::then,
            )?,
        }
    }
    let mut net = NetWrites::default();
    for write in threads.rows {
        match write {
            ThreadWrite::Create(t) => net.created_threads.push(t),
            ThreadWrite::Update(t) => net.updated_threads.push(t),
        }
    }
    for write in items.rows {
        match write {
            ItemWrite::Save(item) => net.saved_items.push(item),
            ItemWrite::Delete(key) => net.deleted_items.push(key),
        }
    }
    Some(net)
}

/// Splits rows into power-of-two runs of at most `MAX_ROWS` (37 rows → 32, 4, 1).
pub fn power_of_two_runs<T>(rows: &[T]) -> impl Iterator<Item = &[T]> {
    let mut rest = rows;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let size = MAX_ROWS.min(1 << rest.len().ilog2());
        let (run, tail) = rest.split_at(size);
        rest = tail;
        Some(run)
    })
}

/// How a dialect spells bind parameters in the statements built here.
#[derive(Clone, Copy, Debug)]
pub enum Placeholders {
    /// `$1, $2, …` (Postgres).
    Numbered,
    /// `?, ?, …` (SQLite: numbered ones cost the driver a name lookup per parameter, which is
    /// quadratic in a statement of hundreds of them).
    Anonymous,
}

/// `($1, $2), ($3, $4)` (or `(?, ?), (?, ?)`) for `rows` rows of `columns` placeholders.
pub fn values_list(rows: usize, columns: usize, style: Placeholders) -> String {
    let mut out = String::with_capacity(rows * columns * 5);
    for row in 0..rows {
        if row > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for column in 0..columns {
            if column > 0 {
                out.push_str(", ");
            }
            match style {
                Placeholders::Numbered => {
                    out.push('$');
                    out.push_str(&(row * columns + column + 1).to_string());
                }
                Placeholders::Anonymous => out.push('?'),
            }
        }
        out.push(')');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::now;

    fn thread(id: &str, user: &str, title: &str) -> ThreadRecord {
        ThreadRecord {
            id: id.into(),
            user_id: user.into(),
            created_at: now(),
            title: Some(title.into()),
            status: r#"{"type":"active"}"#.into(),
            metadata: "{}".into(),
        }
    }

    fn item(id: &str, thread: &str, user: &str, data: &str) -> ItemRecord {
        ItemRecord {
            id: id.into(),
            thread_id: thread.into(),
            user_id: user.into(),
            created_at: now(),
            item_type: "assistant_message".into(),
            hidden: false,
            data: data.into(),
        }
    }

    fn delete(id: &str, thread: &str, user: &str) -> WriteOp {
        WriteOp::DeleteItem {
            user_id: user.into(),
            thread_id: thread.into(),
            item_id: id.into(),
        }
    }

    #[test]
    fn later_writes_of_a_row_replace_earlier_ones() {
        let ops = vec![
            WriteOp::CreateThread(thread("t", "u", "first")),
            WriteOp::SaveItem(item("a", "t", "u", "a1")),
            WriteOp::SaveItem(item("b", "t", "u", "b1")),
            WriteOp::SaveItem(item("a", "t", "u", "a2")),
            WriteOp::UpdateThread(thread("t", "u", "second")),
            WriteOp::UpdateThread(thread("old", "u", "renamed")),
            WriteOp::UpdateThread(thread("old", "u", "renamed again")),
        ];
        let net = net_effect(&ops).unwrap();
        // Created, then renamed in the same batch: created with the new title.
        assert_eq!(net.created_threads.len(), 1);
        assert_eq!(net.created_threads[0].title.as_deref(), Some("second"));
        let updated: Vec<_> = net
            .updated_threads
            .iter()
            .map(|t| t.title.as_deref())
            .collect();
        assert_eq!(updated, [Some("renamed again")]);
        let saved: Vec<_> = net
            .saved_items
            .iter()
            .map(|i| (i.id.as_str(), i.data.as_str()))
            .collect();
        assert_eq!(saved, [("a", "a2"), ("b", "b1")]);
        assert!(net.deleted_items.is_empty());
    }

    #[test]
    fn the_last_of_save_and_delete_wins() {
        let saved_then_deleted = vec![
            WriteOp::SaveItem(item("a", "t", "u", "a1")),
            delete("a", "t", "u"),
        ];
        let net = net_effect(&saved_then_deleted).unwrap();
        assert!(net.saved_items.is_empty());
        assert_eq!(
            net.deleted_items,
            [ItemKey {
                user_id: "u",
                thread_id: "t",
                item_id: "a"
            }]
        );

        let deleted_then_saved = vec![
            delete("a", "t", "u"),
            WriteOp::SaveItem(item("a", "t", "u", "a2")),
        ];
        let net = net_effect(&deleted_then_saved).unwrap();
        assert_eq!(net.saved_items.len(), 1);
        assert!(net.deleted_items.is_empty());
    }

    #[test]
    fn one_id_under_two_owners_has_no_net_effect() {
        let stolen_thread = vec![
            WriteOp::CreateThread(thread("t", "alice", "mine")),
            WriteOp::UpdateThread(thread("t", "mallory", "mine now")),
        ];
        assert_eq!(net_effect(&stolen_thread), None);
        // Another user's delete must not cancel the owner's save.
        let foreign_delete = vec![
            WriteOp::SaveItem(item("a", "t", "alice", "a1")),
            delete("a", "t", "mallory"),
        ];
        assert_eq!(net_effect(&foreign_delete), None);
        let other_thread = vec![
            delete("a", "t", "u"),
            WriteOp::SaveItem(item("a", "t2", "u", "x")),
        ];
        assert_eq!(net_effect(&other_thread), None);
    }

    #[test]
    fn an_update_before_the_create_has_no_net_effect() {
        // Applied one by one the update fails (no row yet); a net create would hide that.
        let ops = vec![
            WriteOp::UpdateThread(thread("t", "u", "early")),
            WriteOp::CreateThread(thread("t", "u", "first")),
        ];
        assert_eq!(net_effect(&ops), None);
    }

    #[test]
    fn runs_are_powers_of_two_and_cover_every_row() {
        let rows: Vec<usize> = (0..(MAX_ROWS * 2 + 37)).collect();
        let runs: Vec<&[usize]> = power_of_two_runs(&rows).collect();
        let sizes: Vec<usize> = runs.iter().map(|r| r.len()).collect();
        assert_eq!(sizes, [256, 256, 32, 4, 1]);
        assert_eq!(runs.concat(), rows);
        assert_eq!(power_of_two_runs::<u8>(&[]).count(), 0);
    }

    #[test]
    fn values_lists_number_placeholders_row_by_row() {
        assert_eq!(values_list(1, 2, Placeholders::Numbered), "($1, $2)");
        assert_eq!(
            values_list(2, 3, Placeholders::Numbered),
            "($1, $2, $3), ($4, $5, $6)"
        );
        assert_eq!(values_list(2, 2, Placeholders::Anonymous), "(?, ?), (?, ?)");
    }
}
