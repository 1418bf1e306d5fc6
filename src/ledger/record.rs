//! The ledger rows a locked slip becomes: one per leg, with what grading needs and the
//! closing quote as first seen (the lock-in board is the latest pre-start quote so far).

use chrono::{DateTime, Utc};

use super::closing::closing_quote;
use crate::betting::SlipState;
use crate::providers::{OddsBoard, Sport};
use crate::store::{LegRecord, StoreResult};

/// Which result a market settles on: soccer's 90 minutes plus stoppage time; the US sports
/// including overtime or extra innings (The Odds API and ESPN report those scores).
pub fn rule_scope(sport: Sport) -> &'static str {
    match sport {
        Sport::Epl => "full_time",
        _ => "including_overtime",
    }
}

/// The book's own time for its quote on `event_id`, from the board the price came from.
fn book_quote_at(board: &OddsBoard, event_id: &str, book: &str) -> Option<DateTime<Utc>> {
    let event = board.events.iter().find(|e| e.id == event_id)?;
    let b = event.bookmakers.iter().find(|b| b.key == book)?;
    b.last_update
}

/// Ledger legs for `slip` as locked in `bet_id` from `board` (the re-quote), with closing
/// fair prices anchored to `sharp_book` when it quotes the line.
pub fn leg_records(
    bet_id: &str,
    user_id: &str,
    slip: &SlipState,
    board: &OddsBoard,
    sharp_book: Option<&str>,
) -> StoreResult<Vec<LegRecord>> {
    slip.legs
        .iter()
        .enumerate()
        .map(|(i, leg)| {
            let decimal = &leg.price;
            // The exact price is `price_decimal`; the American column is its nearest whole
            // number, for display.
            let american = decimal
                .to_american()
                .map_err(|e| crate::store::StoreError::Corrupt(format!("leg price: {e}")))?;
            let closing = closing_quote(
                board,
                &leg.event_id,
                leg.commence_time,
                leg.market,
                &leg.selection,
                leg.point,
                &leg.book,
                slip.sport,
                sharp_book,
            );
            Ok(LegRecord {
                bet_id: bet_id.to_owned(),
                leg_index: i as i64,
                user_id: user_id.to_owned(),
                event_id: leg.event_id.clone(),
                sport: slip.sport.title().to_ascii_lowercase(),
                home_team: leg.home.clone(),
                away_team: leg.away.clone(),
                commence_time: leg.commence_time,
                market: leg.market,
                selection: leg.selection.clone(),
                line: leg.point,
                price_decimal: decimal.clone(),
                price_american: i64::from(i32::from(american)),
                book: leg.book.clone(),
                book_quote_at: book_quote_at(board, &leg.event_id, &leg.book),
                rule_scope: rule_scope(slip.sport).to_owned(),
                result: crate::domain::BetStatus::Pending,
                settled_at: None,
                home_score: None,
                away_score: None,
                closing_price: closing.as_ref().map(|c| c.price.clone()),
                closing_fair: closing.as_ref().and_then(|c| c.fair.clone()),
                closing_quote_at: closing.as_ref().map(|c| c.quote_at),
                clv_bp: None,
            })
        })
        .collect()
}
