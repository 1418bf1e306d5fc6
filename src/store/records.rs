//! Row types the store reads and writes. Timestamps are UTC; JSON columns are kept as text.

use chrono::{DateTime, Utc};

use crate::domain::BetStatus;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SortOrder {
    Asc,
    #[default]
    Desc,
}

/// A cursor page request: `after` is the id of the last row of the previous page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageQuery {
    pub limit: u32,
    pub order: SortOrder,
    pub after: Option<String>,
}

impl PageQuery {
    pub fn new(limit: u32, order: SortOrder, after: Option<String>) -> Self {
        Self {
            limit,
            order,
            after,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub has_more: bool,
    /// The cursor for the next page; set exactly when `has_more`.
    pub after: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ThreadRecord {
    pub id: String,
    pub user_id: String,
    pub created_at: DateTime<Utc>,
    pub title: Option<String>,
    /// ThreadStatus as JSON text.
    pub status: String,
    /// Server-side metadata as JSON text; never sent to clients.
    pub metadata: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ItemRecord {
    pub id: String,
    pub thread_id: String,
    pub user_id: String,
    pub created_at: DateTime<Utc>,
    /// The item's `type` tag, indexed so hidden items can be filtered before paging.
    pub item_type: String,
    pub hidden: bool,
    /// The whole item as wire JSON.
    pub data: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AttachmentRecord {
    pub id: String,
    pub user_id: String,
    pub thread_id: Option<String>,
    pub name: String,
    pub mime_type: String,
    pub size_bytes: i64,
    pub uploaded: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FeedbackRecord {
    pub user_id: String,
    pub thread_id: String,
    pub item_id: String,
    /// "positive" or "negative".
    pub kind: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BetRecord {
    pub id: String,
    pub user_id: String,
    pub thread_id: Option<String>,
    pub idempotency_key: String,
    pub stake_cents: i64,
    pub payout_cents: i64,
    /// Combined price in American odds, as shown on the receipt.
    pub odds_american: i64,
    /// The legs and their prices at lock-in time, as JSON text.
    pub legs: String,
    pub status: BetStatus,
    pub created_at: DateTime<Utc>,
}
