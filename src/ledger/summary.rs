//! The ledger, summarised for `my_bets`: open and settled bets, profit/loss, ROI and average
//! closing-line value, in exact cents and whole basis points.
//!
//! Definitions (what a professional bettor tracks):
//! - Turnover counts the stakes of settled bets that had action; pushes and voids returned the
//!   stake and are left out, as books leave them out of turnover.
//! - Profit is Σ (what it paid − stake) over settled bets; ROI is profit ÷ turnover.
//! - Average CLV is the plain mean of each bet's CLV (`domain::settle::ticket_clv`) over the
//!   bets that have one, open bets included (the close is known before the result).

use chrono::{DateTime, Utc};

use crate::betting::{format_point, Market};
use crate::domain::{exact, BetStatus, BigRational, Cents};
use crate::store::{LedgerBet, LegRecord};
use crate::widgets::{LedgerRow, LedgerView};

/// `Orlando Magic ML`, `Draw`, `Crystal Palace +0.25`, `Over 2.5`.
pub fn pick_text(leg: &LegRecord) -> String {
    match (leg.market, leg.line) {
        (Market::H2h, _) if leg.selection == "Draw" => "Draw".to_owned(),
        (Market::H2h, _) => format!("{} ML", leg.selection),
        (market, Some(p)) => format!(
            "{} {}",
            leg.selection,
            format_point(p, market.signed_line())
        ),
        (_, None) => leg.selection.clone(),
    }
}

fn leg_detail(leg: &LegRecord) -> String {
    let score = match (leg.home_score, leg.away_score) {
        (Some(h), Some(a)) => format!(" ({}–{} {})", a, h, "final"),
        _ => String::new(),
    };
    format!(
        "{} {}{score}",
        pick_text(leg),
        leg.result.label().to_lowercase()
    )
}

fn row(bet: &LedgerBet) -> LedgerRow {
    let title = match bet.legs.as_slice() {
        [one] => pick_text(one),
        legs => format!("{}-leg parlay", legs.len()),
    };
    let detail = match bet.legs.as_slice() {
        [one] => format!(
            "{} @ {} · {}",
            one.away_team,
            one.home_team,
            leg_detail(one)
        ),
        legs => legs.iter().map(leg_detail).collect::<Vec<_>>().join(" · "),
    };
    LedgerRow {
        bet_id: bet.bet.id.clone(),
        title,
        detail,
        status: bet.bet.status,
        stake: Cents::new(bet.bet.stake_cents),
        payout: Cents::new(
            bet.payout_actual_cents
                .filter(|_| bet.bet.status.is_settled())
                .unwrap_or(bet.bet.payout_cents),
        ),
        clv_bp: bet.clv_bp,
        placed_at: bet.bet.created_at,
    }
}

/// `numer / denom` in whole basis points, rounded half away from zero.
fn ratio_bp(numer: i64, denom: i64) -> Option<i64> {
    use num_traits::ToPrimitive;
    (denom != 0).then(|| {
        let r = BigRational::new(
            (i128::from(numer) * 10_000).into(),
            i128::from(denom).into(),
        );
        exact::round_half_away(&r).to_i64().unwrap_or(0)
    })
}

/// The user's ledger (newest first, as the store lists it) as of `as_of`.
pub fn summarize(bets: &[LedgerBet], as_of: DateTime<Utc>) -> LedgerView {
    let mut view = LedgerView {
        open_count: 0,
        open_stake: Cents::ZERO,
        settled_count: 0,
        won: 0,
        lost: 0,
        returned: 0,
        turnover: Cents::ZERO,
        profit: Cents::ZERO,
        roi_bp: None,
        avg_clv_bp: None,
        clv_bets: 0,
        rows: bets.iter().map(row).collect(),
        demo: bets.iter().any(|b| b.demo),
        as_of,
    };
    let mut clv_sum = 0i64;
    for bet in bets {
        let stake = bet.bet.stake_cents;
        if let Some(c) = bet.clv_bp {
            clv_sum += c;
            view.clv_bets += 1;
        }
        match bet.bet.status {
            BetStatus::Pending => {
                view.open_count += 1;
                view.open_stake = Cents::new(view.open_stake.get() + stake);
                continue;
            }
            BetStatus::Won | BetStatus::HalfWon => view.won += 1,
            BetStatus::Lost | BetStatus::HalfLost => view.lost += 1,
            BetStatus::Push | BetStatus::Void => view.returned += 1,
        }
        view.settled_count += 1;
        if !matches!(bet.bet.status, BetStatus::Push | BetStatus::Void) {
            view.turnover = Cents::new(view.turnover.get() + stake);
        }
        let paid = bet.payout_actual_cents.unwrap_or(0);
        view.profit = Cents::new(view.profit.get() + paid - stake);
    }
    view.roi_bp = ratio_bp(view.profit.get(), view.turnover.get());
    view.avg_clv_bp = ratio_bp(clv_sum, view.clv_bets as i64 * 10_000);
    view
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::BetRecord;

    fn bet(status: BetStatus, stake: i64, paid: Option<i64>, clv: Option<i64>) -> LedgerBet {
        LedgerBet {
            bet: BetRecord {
                id: "b".into(),
                user_id: "u".into(),
                thread_id: None,
                idempotency_key: "k".into(),
                stake_cents: stake,
                payout_cents: stake * 2,
                odds_american: 100,
                legs: "[]".into(),
                status,
                created_at: Utc::now(),
            },
            demo: false,
            settled_at: None,
            payout_actual_cents: paid,
            clv_bp: clv,
            legs: vec![],
        }
    }

    #[test]
    fn profit_roi_and_clv_by_hand() {
        use BetStatus::*;
        let bets = [
            bet(Won, 10_000, Some(19_091), Some(-455)),
            bet(HalfLost, 10_000, Some(5_000), Some(300)),
            bet(Void, 5_000, Some(5_000), None),
            bet(Pending, 2_500, None, Some(120)),
        ];
        let v = summarize(&bets, Utc::now());
        assert_eq!((v.open_count, v.open_stake), (1, Cents::new(2_500)));
        assert_eq!((v.settled_count, v.won, v.lost, v.returned), (3, 1, 1, 1));
        // The void is not turnover; profit = +90.91 − 50.00 + 0 = +40.91.
        assert_eq!(v.turnover, Cents::new(20_000));
        assert_eq!(v.profit, Cents::new(4_091));
        // 40.91 / 200 = 20.455% → 2046 bp (half away from zero).
        assert_eq!(v.roi_bp, Some(2_046));
        // (−455 + 300 + 120) / 3 = −11.67 → −12 bp.
        assert_eq!((v.avg_clv_bp, v.clv_bets), (Some(-12), 3));
        assert_eq!(summarize(&[], Utc::now()).roi_bp, None);
    }
}
