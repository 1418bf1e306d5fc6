//! The bet receipt: the locked slip as it was saved — legs and prices, stake, combined odds,
//! payout, bet id and time. Built from the stored bet, so a repeated lock-in shows the bet that
//! was actually placed, not a recomputation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::betting::{SlipLeg, Sport};
use crate::domain::{format_odds, Cents, DecimalOdds, OddsFormat};
use crate::protocol::widgets::{BadgeColor, Card, Col, Divider, Row, Spacer};
use crate::protocol::{WidgetComponent, WidgetRoot};

use super::common::{
    badge, bold, caption, card_status, format_local_datetime, format_local_time, header,
    label_value, source_lines,
};

/// One leg as saved in the bet's odds snapshot (`BetRecord.legs` is a JSON array of these).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LockedLeg {
    #[serde(flatten)]
    pub leg: SlipLeg,
    pub sport: Sport,
    /// The exact decimal price used for the payout (`"21/11"` for −110 on the wire).
    pub decimal: DecimalOdds,
    pub source: String,
    pub as_of: DateTime<Utc>,
    pub demo: bool,
}

/// A saved bet, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct BetReceipt {
    pub bet_id: String,
    /// The slip's idempotency key (the card's `key`, so a repeated lock-in finds it).
    pub idempotency_key: String,
    pub placed_at: DateTime<Utc>,
    pub sport: Sport,
    pub stake: Cents,
    pub payout: Cents,
    /// The combined price as exact decimal odds (315/44), for display in any format.
    pub combined: DecimalOdds,
    pub odds_american: i64,
    pub legs: Vec<LockedLeg>,
}

impl BetReceipt {
    pub fn demo(&self) -> bool {
        self.legs.iter().any(|l| l.demo)
    }
}

fn combined_text(receipt: &BetReceipt, format: OddsFormat) -> String {
    format_odds(&receipt.combined, format)
}

fn leg_line(leg: &LockedLeg, sport: Sport, format: OddsFormat) -> WidgetComponent {
    let price = format_odds(&leg.leg.price, format);
    Row {
        children: vec![
            Col {
                children: vec![
                    bold(leg.leg.pick()),
                    caption(format!(
                        "{} · {} · {}",
                        leg.leg.game(sport),
                        format_local_time(leg.leg.commence_time),
                        leg.leg.book_title
                    )),
                ],
                flex: Some(1.into()),
                ..Default::default()
            }
            .into(),
            Spacer::default().into(),
            bold(price),
        ],
        gap: Some(2.into()),
        ..Default::default()
    }
    .into()
}

/// The receipt that replaces the slip once the bet is saved.
pub fn bet_receipt(receipt: &BetReceipt, format: OddsFormat) -> WidgetRoot {
    let demo = receipt.demo();
    let title = format!("{}-Leg Parlay locked in", receipt.legs.len());
    let mut children = vec![header(
        &title,
        demo,
        vec![badge("Locked", BadgeColor::Success)],
    )];
    for leg in &receipt.legs {
        children.push(leg_line(leg, receipt.sport, format));
    }
    children.push(Divider::default().into());
    children.push(label_value(
        "Combined odds",
        bold(combined_text(receipt, format)),
    ));
    children.push(label_value("Stake", bold(receipt.stake.to_string())));
    children.push(label_value("Payout", bold(receipt.payout.to_string())));
    children.push(caption(format!(
        "Bet {} · placed {}",
        receipt.bet_id,
        format_local_datetime(receipt.placed_at)
    )));
    // The app keeps a ledger; it never places a wager with a book.
    children.push(caption(
        "Tracked here in your ledger; not placed with a sportsbook.".to_owned(),
    ));
    if let Some(first) = receipt.legs.first() {
        children.extend(source_lines(&first.source, first.as_of, demo));
    }
    Card {
        key: Some(receipt.idempotency_key.clone()),
        children,
        status: card_status("Bet locked in", "check-circle-filled"),
        ..Default::default()
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::golden::{assert_golden, sample_receipt};

    #[test]
    fn golden_bet_receipt() {
        let receipt = sample_receipt();
        let widget = bet_receipt(&receipt, OddsFormat::American);
        assert_golden("bet_receipt", &widget);
        let json = serde_json::to_string(&widget).unwrap();
        assert!(json.contains("$715.91") && json.contains("+616"));
        assert!(json.contains("DEMO DATA"));
        assert!(json.contains("not placed with a sportsbook"));
        // The snapshot reads back exactly as saved.
        let text = serde_json::to_string(&receipt.legs).unwrap();
        assert_eq!(
            serde_json::from_str::<Vec<LockedLeg>>(&text).unwrap(),
            receipt.legs
        );
    }
}
