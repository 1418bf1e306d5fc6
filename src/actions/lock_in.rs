//! `parlay.lock_in`: place the slip as a bet.
//!
//! In order: validate the payload and stake (nothing is written if anything is wrong); if this
//! slip's key already has a bet, show that bet's receipt (a double click is one bet);
//! re-quote every leg from the odds provider — if any price moved, show the slip with
//! old → new prices and a confirm button instead of betting; otherwise save the bet with its
//! odds snapshot (`UserLedger::place`, idempotent by key), replace the slip with the receipt,
//! and leave hidden context so the model knows what happened.

use std::sync::Arc;

use async_trait::async_trait;
use num_traits::ToPrimitive;
use serde_json::json;

use super::{card_key, payload, payload_stake, resolve_slip};
use crate::betting::{Market, SlipState};
use crate::domain::{combined_price, exact, format_odds, validate_parlay, validate_payout, Cents};
use crate::engine::{ActionError, StreamedAction, Turn};
use crate::ids::{new_id, now, IdKind};
use crate::protocol::{Action, ThreadItem, ThreadStreamEvent, WidgetItem, WidgetRoot};
use crate::store::{BetRecord, UserLedger};
use crate::tools::parlay_picks::{requote, started};
use crate::tools::support::{bet_limits, display_format, fetch_current_board, stake_sizing};
use crate::tools::Services;
use crate::widgets::{bet_receipt, parlay_slip, BetReceipt, LockedLeg};

/// Lock-ins of one user are serialised from the limits check to the bet's insert, so two
/// slips clicked at once cannot both pass a cap that has room for one. Striped by user so the
/// memory is fixed; a stripe is held only for those two database steps. (Within one process:
/// several processes on one Postgres are issue [J].)
const LOCK_STRIPES: usize = 64;

pub struct LockIn {
    services: Arc<Services>,
    stripes: Vec<tokio::sync::Mutex<()>>,
}

impl LockIn {
    pub fn new(services: Arc<Services>) -> Self {
        Self {
            services,
            stripes: (0..LOCK_STRIPES)
                .map(|_| tokio::sync::Mutex::new(()))
                .collect(),
        }
    }

    fn stripe(&self, user_id: &str) -> &tokio::sync::Mutex<()> {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        user_id.hash(&mut hasher);
        &self.stripes[(hasher.finish() as usize) % LOCK_STRIPES]
    }

    /// The responsible-gambling limits for a new bet of `stake`, as a refusal the bettor reads.
    async fn check_limits(&self, ledger: &UserLedger, stake: Cents) -> Result<(), ActionError> {
        crate::ledger::limits::check_lock_in(ledger, stake, &self.services.gambling)
            .await?
            .map_err(|refusal| ActionError::rejected(refusal.to_string()))
    }
}

/// Replaces the sender when it is this slip (or its receipt); otherwise adds a new widget.
fn show(turn: &mut Turn, sender: Option<&WidgetItem>, key: &str, widget: WidgetRoot, copy: String) {
    match sender.filter(|s| card_key(&s.widget) == Some(key)) {
        Some(sender) => {
            let mut item = sender.clone();
            item.widget = widget;
            item.copy_text = Some(copy);
            turn.emit(ThreadStreamEvent::item_replaced(ThreadItem::Widget(item)));
        }
        None => {
            turn.widget_done(widget, Some(copy));
        }
    }
}

/// A stored bet, ready to show; `None` if its snapshot is unreadable.
pub fn receipt_from(bet: &BetRecord) -> Option<BetReceipt> {
    let legs: Vec<LockedLeg> = serde_json::from_str(&bet.legs).ok()?;
    let prices: Vec<_> = legs
        .iter()
        .map(|l| crate::domain::ParlayLeg::pending(l.leg.price.clone()))
        .collect();
    let combined = combined_price(&prices)?;
    Some(BetReceipt {
        bet_id: bet.id.clone(),
        idempotency_key: bet.idempotency_key.clone(),
        placed_at: bet.created_at,
        sport: legs.first()?.sport,
        stake: Cents::new(bet.stake_cents),
        payout: Cents::new(bet.payout_cents),
        combined,
        odds_american: bet.odds_american,
        legs,
    })
}

fn internal(e: impl std::fmt::Display) -> ActionError {
    ActionError::internal(e)
}

impl LockIn {
    fn show_receipt(
        &self,
        turn: &mut Turn,
        sender: Option<&WidgetItem>,
        bet: &BetRecord,
        duplicate: bool,
    ) -> Result<(), ActionError> {
        let receipt = receipt_from(bet).ok_or_else(|| internal("a saved bet is unreadable"))?;
        let format = display_format(&self.services.betting);
        let odds = format_odds(&receipt.combined, format);
        let picks: Vec<String> = receipt
            .legs
            .iter()
            .map(|l| format!("{} {}", l.leg.pick(), format_odds(&l.leg.price, format)))
            .collect();
        let copy = format!(
            "Bet {}: {} on {} at {odds}, pays {}",
            bet.id,
            receipt.stake,
            picks.join(", "),
            receipt.payout
        );
        show(
            turn,
            sender,
            &bet.idempotency_key,
            bet_receipt(&receipt, format),
            copy,
        );
        turn.add_hidden_context(json!({
            "type": "parlay_locked_in",
            "bet_id": bet.id,
            "duplicate_click": duplicate,
            "stake": receipt.stake.to_string(),
            "payout": receipt.payout.to_string(),
            "odds": odds,
            "legs": picks,
            "demo": receipt.demo(),
        }));
        let text = if duplicate {
            format!(
                "That slip is already locked in (bet {}); nothing new was placed.",
                bet.id
            )
        } else {
            format!(
                "Locked in: {} on a {}-leg parlay at {odds}. It pays {} if every leg wins. \
                 It is tracked in your ledger here, not placed with a sportsbook.",
                receipt.stake,
                receipt.legs.len(),
                receipt.payout
            )
        };
        turn.stream_assistant_text([text.as_str()]);
        Ok(())
    }

    /// Shows the re-quoted slip and asks the bettor to confirm the new prices.
    async fn ask_to_confirm(
        &self,
        turn: &mut Turn,
        sender: Option<&WidgetItem>,
        slip: &SlipState,
    ) -> Result<(), ActionError> {
        let sizing = stake_sizing(&turn.ledger(), &self.services.betting).await?;
        let format = display_format(&self.services.betting);
        let changes: Vec<String> = slip
            .legs
            .iter()
            .filter_map(|l| {
                let old = l.previous_price.as_ref()?;
                let text = format!(
                    "{}: {} → {}",
                    l.pick(),
                    format_odds(old, format),
                    format_odds(&l.price, format)
                );
                // The same price elsewhere: say where.
                Some(if *old == l.price {
                    format!("{text} (now at {})", l.book_title)
                } else {
                    text
                })
            })
            .collect();
        show(
            turn,
            sender,
            &slip.key,
            parlay_slip(slip, format, &sizing),
            changes.join("\n"),
        );
        turn.add_hidden_context(json!({
            "type": "parlay_prices_moved",
            "slip_key": slip.key,
            "changes": changes,
            "note": "No bet was placed; the slip now shows the new prices and asks to confirm.",
        }));
        let text = format!(
            "Prices moved before I could lock it in ({}). Check the new prices and confirm.",
            changes.join("; ")
        );
        turn.stream_assistant_text([text.as_str()]);
        Ok(())
    }
}

#[async_trait]
impl StreamedAction for LockIn {
    async fn run(
        &self,
        turn: &mut Turn,
        action: &Action,
        sender: Option<&WidgetItem>,
    ) -> Result<(), ActionError> {
        let config = &self.services.betting;
        let payload = payload(action).map_err(ActionError::rejected)?;
        let mut slip = resolve_slip(&payload, sender, config.max_legs as usize)
            .map_err(ActionError::rejected)?;
        let stake = payload_stake(&payload)
            .map_err(ActionError::rejected)?
            .unwrap_or_else(|| slip.stake());
        let limits = bet_limits(config);
        validate_parlay(&slip.leg_keys(), stake, &limits)
            .map_err(|e| ActionError::rejected(e.to_string()))?;
        slip.stake_cents = stake.get();

        let ledger = turn.ledger();
        let placed = ledger.bet_by_key(&slip.key).await?;
        if let Some(bet) = &placed {
            return self.show_receipt(turn, sender, bet, true);
        }
        // Responsible-gambling limits, enforced here (a new bet only; a double click above
        // shows the bet already placed): early, so a refused bet costs no provider request,
        // and again under the user's lock right before the insert.
        self.check_limits(&ledger, stake).await?;

        let mut markets: Vec<Market> = slip.legs.iter().map(|l| l.market).collect();
        markets.sort();
        markets.dedup();
        let markets: Vec<String> = markets.iter().map(|m| m.as_str().to_owned()).collect();
        // Every leg, whatever built the slip: no bet on a game that has started.
        let clock = self.services.now();
        for leg in &slip.legs {
            if let Some(refusal) = started(&leg.away, &leg.home, leg.commence_time, clock) {
                return Err(ActionError::rejected(format!(
                    "{}: {refusal}. Remove the leg or build a new slip.",
                    leg.pick()
                )));
            }
        }
        let board = fetch_current_board(&self.services, slip.sport, markets)
            .await
            .map_err(|e| ActionError::rejected(e.0))?;
        // The provider was asked past every cache; an answer older than this is a snapshot
        // (a cache in between, or a provider lagging), and a bet is never saved at one.
        let age = self.services.now() - board.provenance.as_of;
        if age.num_seconds() > config.max_quote_age_secs as i64 {
            return Err(ActionError::rejected(format!(
                "The latest prices from {} are {} s old, and a bet needs prices quoted in the \
                 last {} s. Nothing was placed; try Lock It In again in a moment.",
                board.provenance.source,
                age.num_seconds(),
                config.max_quote_age_secs
            )));
        }
        let mut moved = false;
        for leg in &mut slip.legs {
            let (price, book, title) =
                requote(&board, leg, config.stale_quote_secs).ok_or_else(|| {
                    ActionError::rejected(format!(
                        "{} ({} @ {}) is no longer offered; build a new slip",
                        leg.pick(),
                        leg.away,
                        leg.home
                    ))
                })?;
            if price == leg.price && book == leg.book {
                leg.previous_price = None;
            } else {
                // A new price, or the same price now only at another book: the ticket would
                // name a book the bettor did not choose, so they confirm either way.
                leg.previous_price = Some(std::mem::replace(&mut leg.price, price));
                leg.book = book;
                leg.book_title = title;
                moved = true;
            }
        }
        slip.as_of = board.provenance.as_of;
        if moved {
            return self.ask_to_confirm(turn, sender, &slip).await;
        }

        let quote = slip
            .quote()
            .map_err(|e| ActionError::rejected(format!("could not price the parlay: {e}")))?;
        validate_payout(quote.payout, &limits).map_err(|e| ActionError::rejected(e.to_string()))?;
        let price = quote
            .price
            .as_ref()
            .ok_or_else(|| internal("a priced parlay has no price"))?;
        let legs: Vec<LockedLeg> = slip
            .legs
            .iter()
            .map(|leg| {
                Ok(LockedLeg {
                    leg: leg.clone(),
                    sport: slip.sport,
                    decimal: leg.price.clone(),
                    source: board.provenance.source.clone(),
                    as_of: board.provenance.as_of,
                    demo: board.provenance.demo,
                })
            })
            .collect::<Result<_, ActionError>>()?;
        let bet = BetRecord {
            id: new_id(IdKind::Bet),
            user_id: turn.user_id().to_owned(),
            thread_id: Some(turn.thread().id.clone()),
            idempotency_key: slip.key.clone(),
            stake_cents: stake.get(),
            payout_cents: quote.payout.get(),
            odds_american: exact::round_half_away(&price.american_exact())
                .to_i64()
                .unwrap_or(i64::MAX),
            legs: serde_json::to_string(&legs).map_err(internal)?,
            status: crate::domain::BetStatus::Pending,
            created_at: now(),
        };
        // The ledger rows (what grading needs per leg) are written with the bet, atomically.
        let ledger_legs = crate::ledger::leg_records(
            &bet.id,
            &bet.user_id,
            &slip,
            &board,
            self.services.betting.sharp_book.as_deref(),
        )
        .map_err(internal)?;
        let serialised = self.stripe(turn.user_id()).lock().await;
        if ledger.bet_by_key(&slip.key).await?.is_none() {
            self.check_limits(&ledger, stake).await?;
        }
        let (saved, created) = ledger
            .place(&bet, board.provenance.demo, &ledger_legs)
            .await?;
        drop(serialised);
        self.show_receipt(turn, sender, &saved, !created)
    }
}
