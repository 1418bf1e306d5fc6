//! The ledger card behind "How are my bets doing?": open and settled bets, profit/loss, ROI
//! and average closing-line value, then the most recent bets with their results.
//!
//! A view over plain data ([`LedgerView`], built by `tools::my_bets` from the store's rows);
//! every amount is exact cents, every percentage whole basis points.

use chrono::{DateTime, Utc};

use crate::domain::{BetStatus, Cents};
use crate::protocol::widgets::{BadgeColor, Card, Col, Divider, Row, Spacer};
use crate::protocol::{WidgetComponent, WidgetRoot};

use super::common::{
    badge, bold, caption, card_status, format_local_datetime, header, label_value,
};

/// One bet as the ledger lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    pub bet_id: String,
    /// `Orlando Magic ML` or `3-leg parlay`.
    pub title: String,
    /// The picks and their results (`Magic ML won · Knicks -7.5 lost`).
    pub detail: String,
    pub status: BetStatus,
    pub stake: Cents,
    /// What it pays if it wins (open bets) or what it paid (settled bets).
    pub payout: Cents,
    pub clv_bp: Option<i64>,
    pub placed_at: DateTime<Utc>,
}

/// The user's ledger, summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerView {
    pub open_count: usize,
    pub open_stake: Cents,
    pub settled_count: usize,
    pub won: usize,
    pub lost: usize,
    /// Pushes and voids: the stake came back.
    pub returned: usize,
    /// Stakes of settled bets that had action (pushes and voids excluded).
    pub turnover: Cents,
    /// Net result of settled bets (negative for a loss).
    pub profit: Cents,
    /// Profit over turnover; `None` before any bet with action settled.
    pub roi_bp: Option<i64>,
    /// Mean closing-line value over bets with a closing price.
    pub avg_clv_bp: Option<i64>,
    pub clv_bets: usize,
    /// Newest first; the card shows the first few.
    pub rows: Vec<LedgerRow>,
    pub demo: bool,
    pub as_of: DateTime<Utc>,
}

/// Rows the card lists; the tool result carries the rest.
pub const LEDGER_ROWS_SHOWN: usize = 8;

/// `+4.55%`, `-0.45%`.
pub fn percent_bp(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "+" };
    let a = bp.unsigned_abs();
    format!("{sign}{}.{:02}%", a / 100, a % 100)
}

/// `+$74.07`, `-$100.00`.
pub fn signed_money(c: Cents) -> String {
    if c.is_negative() {
        format!("-{}", Cents::new(-c.get()))
    } else {
        format!("+{c}")
    }
}

fn status_color(status: BetStatus) -> BadgeColor {
    match status {
        BetStatus::Pending => BadgeColor::Info,
        BetStatus::Won | BetStatus::HalfWon => BadgeColor::Success,
        BetStatus::Lost | BetStatus::HalfLost => BadgeColor::Danger,
        BetStatus::Push | BetStatus::Void => BadgeColor::Secondary,
    }
}

fn bet_row(row: &LedgerRow) -> WidgetComponent {
    let money = if row.status.is_settled() {
        format!("{} staked · returned {}", row.stake, row.payout)
    } else {
        format!("{} staked · pays {}", row.stake, row.payout)
    };
    let clv = row
        .clv_bp
        .map(|bp| format!(" · CLV {}", percent_bp(bp)))
        .unwrap_or_default();
    Row {
        children: vec![
            Col {
                children: vec![
                    bold(row.title.clone()),
                    caption(row.detail.clone()),
                    caption(format!("{money}{clv}")),
                ],
                flex: Some(1.into()),
                ..Default::default()
            }
            .into(),
            Spacer::default().into(),
            badge(row.status.label(), status_color(row.status)),
        ],
        gap: Some(2.into()),
        ..Default::default()
    }
    .into()
}

/// The ledger card.
pub fn ledger_card(view: &LedgerView) -> WidgetRoot {
    let mut children = vec![header("My bets", view.demo, vec![])];
    children.push(label_value(
        "Open",
        bold(format!(
            "{} · {} at stake",
            view.open_count, view.open_stake
        )),
    ));
    children.push(label_value(
        "Settled",
        bold(format!(
            "{} · {} won, {} lost, {} returned",
            view.settled_count, view.won, view.lost, view.returned
        )),
    ));
    children.push(label_value(
        "Profit / loss",
        bold(signed_money(view.profit)),
    ));
    children.push(label_value(
        "ROI",
        bold(view.roi_bp.map(percent_bp).unwrap_or_else(|| "—".into())),
    ));
    children.push(label_value(
        "Average CLV",
        bold(
            view.avg_clv_bp
                .map(|bp| format!("{} over {} bets", percent_bp(bp), view.clv_bets))
                .unwrap_or_else(|| "—".into()),
        ),
    ));
    if !view.rows.is_empty() {
        children.push(Divider::default().into());
    }
    for row in view.rows.iter().take(LEDGER_ROWS_SHOWN) {
        children.push(bet_row(row));
    }
    if view.rows.len() > LEDGER_ROWS_SHOWN {
        children.push(caption(format!(
            "and {} older bets",
            view.rows.len() - LEDGER_ROWS_SHOWN
        )));
    }
    children.push(caption(format!(
        "Bets tracked here, not placed with a sportsbook · as of {}",
        format_local_datetime(view.as_of)
    )));
    children.push(caption(
        "CLV: your price over the closing no-vig price, minus 1; positive means you beat the close.",
    ));
    Card {
        key: Some("ledger".into()),
        children,
        status: card_status("Ledger", "book-open"),
        ..Default::default()
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::golden::{assert_golden, sample_ledger};

    #[test]
    fn golden_ledger() {
        let view = sample_ledger();
        let widget = ledger_card(&view);
        assert_golden("ledger", &widget);
        let json = serde_json::to_string(&widget).unwrap();
        assert!(json.contains("-$54.55") && json.contains("DEMO DATA"));
        assert!(json.contains("Half won") && json.contains("-27.28%") && json.contains("-8.79%"));
        assert!(json.contains("not placed with a sportsbook"));
    }

    #[test]
    fn percentages_and_money_carry_their_sign() {
        assert_eq!(percent_bp(455), "+4.55%");
        assert_eq!(percent_bp(-45), "-0.45%");
        assert_eq!(percent_bp(0), "+0.00%");
        assert_eq!(signed_money(Cents::new(-10_000)), "-$100.00");
        assert_eq!(signed_money(Cents::new(7_407)), "+$74.07");
    }
}
