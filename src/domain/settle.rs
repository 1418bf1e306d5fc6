//! Grading and settling tracked bets from final scores, and closing-line value.
//!
//! Owns: [`BetStatus`] (what a stored bet or leg stands at), grading one pick against a final
//! score ([`grade`]), Asian quarter lines (half won / half lost), the payout of a settled
//! ticket to the cent ([`settle`]) and closing-line value ([`clv`], [`ticket_clv`]).
//!
//! Lines are handled in whole quarter points (`-0.75` is `-3`), so every comparison is exact
//! integer arithmetic. A quarter line is two half-stakes on the neighbouring lines (`-0.75` =
//! half on `-0.5`, half on `-1.0`); their results combine into won, half won, push (never, for
//! neighbours half a point apart), half lost or lost.
//!
//! Payout rules (providers.md §6.3 plus the usual Asian-handicap rule for parlays): a leg's
//! multiplier is its decimal price `d` when won, 0 when lost, 1 when pushed or void,
//! `(1 + d) / 2` when half won and `1/2` when half lost. The ticket pays stake × Π multipliers,
//! rounded half-up once, at the end.

use std::fmt;
use std::str::FromStr;

use num_rational::BigRational;
use num_traits::{One, Zero};
use serde::{Deserialize, Serialize};

use super::money::{payout_at, Cents, MoneyError, Rounding};
use super::odds::DecimalOdds;

/// Where a tracked bet, or one of its legs, stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BetStatus {
    #[default]
    Pending,
    Won,
    Lost,
    /// Landed exactly on the line: the stake (or the leg's share of a parlay) comes back.
    Push,
    /// No action: the game was postponed, cancelled or not played within the void window.
    Void,
    /// Quarter line: half the stake won, the other half pushed.
    HalfWon,
    /// Quarter line: half the stake lost, the other half pushed.
    HalfLost,
}

impl BetStatus {
    pub const ALL: [BetStatus; 7] = [
        Self::Pending,
        Self::Won,
        Self::Lost,
        Self::Push,
        Self::Void,
        Self::HalfWon,
        Self::HalfLost,
    ];

    /// The stored spelling (`half_won`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Won => "won",
            Self::Lost => "lost",
            Self::Push => "push",
            Self::Void => "void",
            Self::HalfWon => "half_won",
            Self::HalfLost => "half_lost",
        }
    }

    /// What a bettor reads ("Half won").
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Won => "Won",
            Self::Lost => "Lost",
            Self::Push => "Push",
            Self::Void => "Void",
            Self::HalfWon => "Half won",
            Self::HalfLost => "Half lost",
        }
    }

    pub fn is_settled(self) -> bool {
        self != Self::Pending
    }

    /// What one unit staked on a leg at `price` returns (see the module doc).
    pub fn multiplier(self, price: &DecimalOdds) -> Option<BigRational> {
        let one = BigRational::one();
        let half = BigRational::new(1.into(), 2.into());
        match self {
            Self::Pending => None,
            Self::Won => Some(price.as_ratio().clone()),
            Self::Lost => Some(BigRational::zero()),
            Self::Push | Self::Void => Some(one),
            Self::HalfWon => Some((one + price.as_ratio()) * half),
            Self::HalfLost => Some(half),
        }
    }
}

impl fmt::Display for BetStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BetStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("unknown bet status '{s}'"))
    }
}

/// Which team a moneyline or spread pick backs (or the draw of a 3-way moneyline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Home,
    Away,
    Draw,
}

/// A gradable pick. Lines are in quarter points and belong to the pick (`Away +0.25` is
/// `Spread { side: Away, line_quarters: 1 }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pick {
    Moneyline { side: Side },
    Spread { side: Side, line_quarters: i64 },
    Total { over: bool, line_quarters: i64 },
}

/// A line in quarter points; `None` unless it is a whole multiple of 0.25 (every line a book
/// hangs is, and quarter multiples are exact in binary floating point).
pub fn line_quarters(point: f64) -> Option<i64> {
    let q = point * 4.0;
    (q.is_finite() && q.fract() == 0.0 && q.abs() < 1e9).then_some(q as i64)
}

/// The final score the bet is graded on (the book's rule scope: full time for soccer,
/// including overtime for the US sports, as the providers report it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalScore {
    pub home: u32,
    pub away: u32,
}

/// Grades a whole or half line: `margin_quarters` is the pick's result in quarter points
/// (its team's margin, or total minus line) with the line already added.
fn by_sign(margin_quarters: i64) -> BetStatus {
    match margin_quarters.signum() {
        1 => BetStatus::Won,
        -1 => BetStatus::Lost,
        _ => BetStatus::Push,
    }
}

/// `margin` (quarters, before the line) against `line` (quarters), splitting quarter lines.
fn grade_line(margin: i64, line: i64) -> BetStatus {
    if line % 2 == 0 {
        return by_sign(margin + line);
    }
    // A quarter line: half on the line a quarter below, half a quarter above.
    match (by_sign(margin + line - 1), by_sign(margin + line + 1)) {
        (BetStatus::Won, BetStatus::Won) => BetStatus::Won,
        (BetStatus::Lost, BetStatus::Lost) => BetStatus::Lost,
        (BetStatus::Won, _) | (_, BetStatus::Won) => BetStatus::HalfWon,
        _ => BetStatus::HalfLost,
    }
}

/// Grades `pick` on a final score: won, lost, push, half won or half lost.
///
/// A 2-way moneyline that ends level (an NFL tie) is a push; a 3-way moneyline has the draw
/// as an outcome, so a level score loses both teams.
pub fn grade(pick: Pick, score: FinalScore) -> BetStatus {
    let (home, away) = (i64::from(score.home), i64::from(score.away));
    let margin_for = |side: Side| match side {
        Side::Home => home - away,
        Side::Away | Side::Draw => away - home,
    };
    match pick {
        Pick::Moneyline { side: Side::Draw } => {
            if home == away {
                BetStatus::Won
            } else {
                BetStatus::Lost
            }
        }
        Pick::Moneyline { side } => by_sign(margin_for(side)),
        Pick::Spread {
            side,
            line_quarters,
        } => grade_line(4 * margin_for(side), line_quarters),
        Pick::Total {
            over,
            line_quarters,
        } => {
            let total = 4 * (home + away);
            if over {
                grade_line(total, -line_quarters)
            } else {
                grade_line(-total, line_quarters)
            }
        }
    }
}

/// Moneyline on a 3-way market: a draw loses both teams instead of pushing.
pub fn grade_three_way(side: Side, score: FinalScore) -> BetStatus {
    match (side, score.home == score.away) {
        (Side::Draw, true) => BetStatus::Won,
        (Side::Draw, false) | (_, true) => BetStatus::Lost,
        (side, false) => grade(Pick::Moneyline { side }, score),
    }
}

/// A settled ticket: its status and what it pays back (stake included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub status: BetStatus,
    pub payout: Cents,
}

impl Settlement {
    /// Profit (negative for a loss).
    pub fn profit(&self, stake: Cents) -> Cents {
        Cents::new(self.payout.get() - stake.get())
    }
}

/// Settles a ticket once every leg is graded; `Ok(None)` while any leg is pending.
///
/// Status: lost if any leg lost; void if every leg was void; push if every leg pushed or was
/// void; otherwise half lost if a leg half lost, half won if a leg half won, else won. The
/// payout always follows the exact multipliers, whatever the label.
pub fn settle(
    stake: Cents,
    legs: &[(BetStatus, DecimalOdds)],
) -> Result<Option<Settlement>, MoneyError> {
    if legs.is_empty() || legs.iter().any(|(s, _)| !s.is_settled()) {
        return Ok(None);
    }
    let has = |st: BetStatus| legs.iter().any(|(s, _)| *s == st);
    let status = if has(BetStatus::Lost) {
        BetStatus::Lost
    } else if legs.iter().all(|(s, _)| *s == BetStatus::Void) {
        BetStatus::Void
    } else if legs
        .iter()
        .all(|(s, _)| matches!(s, BetStatus::Push | BetStatus::Void))
    {
        BetStatus::Push
    } else if has(BetStatus::HalfLost) {
        BetStatus::HalfLost
    } else if has(BetStatus::HalfWon) {
        BetStatus::HalfWon
    } else {
        BetStatus::Won
    };
    let multiplier = legs
        .iter()
        .filter_map(|(s, price)| s.multiplier(price))
        .fold(BigRational::one(), |acc, m| acc * m);
    let payout = payout_at(stake, &multiplier, Rounding::HalfUp)?;
    Ok(Some(Settlement { status, payout }))
}

/// Closing-line value of one price: `taken / closing_fair − 1`, where `taken` is the decimal
/// price the bet was locked at and `closing_fair` is the no-vig (fair) decimal price of the
/// same selection at the same line in the last quotes before the start. Equivalently the
/// expected return per unit at the closing fair probability: +0.05 means the bet was taken 5%
/// above the market's final estimate. Exact.
pub fn clv(taken: &DecimalOdds, closing_fair: &DecimalOdds) -> BigRational {
    taken.as_ratio() / closing_fair.as_ratio() - BigRational::one()
}

/// Closing-line value of a ticket: the product of the taken prices over the product of the
/// closing fair prices, minus 1, over the legs that count (pushed and void legs drop out, like
/// their prices do). `None` when a counting leg has no closing price or none counts.
pub fn ticket_clv(legs: &[(BetStatus, DecimalOdds, Option<DecimalOdds>)]) -> Option<BigRational> {
    let counting: Vec<_> = legs
        .iter()
        .filter(|(s, _, _)| !matches!(s, BetStatus::Push | BetStatus::Void))
        .collect();
    if counting.is_empty() {
        return None;
    }
    let mut taken = BigRational::one();
    let mut fair = BigRational::one();
    for (_, price, closing) in counting {
        taken *= price.as_ratio();
        fair *= closing.as_ref()?.as_ratio();
    }
    Some(taken / fair - BigRational::one())
}

/// A ratio in whole basis points, rounded half away from zero (+0.04762 → 476).
pub fn basis_points(ratio: &BigRational) -> i64 {
    use num_traits::ToPrimitive;
    super::exact::round_half_away(&(ratio * BigRational::from_integer(10_000.into())))
        .to_i64()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AmericanOdds;

    fn score(home: u32, away: u32) -> FinalScore {
        FinalScore { home, away }
    }
    fn spread(side: Side, point: f64) -> Pick {
        Pick::Spread {
            side,
            line_quarters: line_quarters(point).unwrap(),
        }
    }
    fn total(over: bool, point: f64) -> Pick {
        Pick::Total {
            over,
            line_quarters: line_quarters(point).unwrap(),
        }
    }
    fn am(p: i32) -> DecimalOdds {
        AmericanOdds::new(p).unwrap().to_decimal()
    }
    use BetStatus::*;

    #[test]
    fn status_round_trips_and_rejects_unknown() {
        for s in BetStatus::ALL {
            assert_eq!(s.as_str().parse::<BetStatus>(), Ok(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert!("settled".parse::<BetStatus>().is_err());
    }

    #[test]
    fn lines_are_whole_quarters_only() {
        assert_eq!(line_quarters(-0.75), Some(-3));
        assert_eq!(line_quarters(228.5), Some(914));
        assert_eq!(line_quarters(0.3), None);
        assert_eq!(line_quarters(f64::NAN), None);
    }

    #[test]
    fn moneyline_two_and_three_way() {
        assert_eq!(
            grade(Pick::Moneyline { side: Side::Home }, score(3, 2)),
            Won
        );
        assert_eq!(
            grade(Pick::Moneyline { side: Side::Away }, score(3, 2)),
            Lost
        );
        // A 2-way moneyline that ends level (NFL tie) pushes.
        assert_eq!(
            grade(Pick::Moneyline { side: Side::Away }, score(20, 20)),
            Push
        );
        // 3-way: the draw is an outcome, so both teams lose a level game.
        assert_eq!(grade_three_way(Side::Home, score(1, 1)), Lost);
        assert_eq!(grade_three_way(Side::Draw, score(1, 1)), Won);
        assert_eq!(grade_three_way(Side::Draw, score(2, 1)), Lost);
        assert_eq!(grade_three_way(Side::Away, score(0, 2)), Won);
    }

    #[test]
    fn spreads_and_totals_whole_and_half_lines() {
        assert_eq!(grade(spread(Side::Home, -1.5), score(112, 108)), Won);
        assert_eq!(grade(spread(Side::Away, 1.5), score(112, 108)), Lost);
        // Margin 10 on −10: push.
        assert_eq!(grade(spread(Side::Home, -10.0), score(116, 106)), Push);
        assert_eq!(grade(spread(Side::Away, 10.0), score(116, 106)), Push);
        assert_eq!(grade(total(true, 222.0), score(116, 106)), Push);
        assert_eq!(grade(total(true, 228.5), score(121, 110)), Won);
        assert_eq!(grade(total(false, 228.5), score(121, 110)), Lost);
    }

    #[test]
    fn asian_quarter_lines_split_the_stake() {
        // Hand-computed: −0.25 = half on 0 (draw → push), half on −0.5 (draw → lost).
        assert_eq!(grade(spread(Side::Home, -0.25), score(1, 1)), HalfLost);
        assert_eq!(grade(spread(Side::Away, 0.25), score(1, 1)), HalfWon);
        assert_eq!(grade(spread(Side::Home, -0.25), score(2, 1)), Won);
        // −0.75 winning by one: half on −0.5 wins, half on −1.0 pushes.
        assert_eq!(grade(spread(Side::Home, -0.75), score(2, 1)), HalfWon);
        assert_eq!(grade(spread(Side::Away, 0.75), score(2, 1)), HalfLost);
        assert_eq!(grade(spread(Side::Home, -0.75), score(3, 1)), Won);
        // −1.25 winning by one: half on −1.0 pushes, half on −1.5 loses.
        assert_eq!(grade(spread(Side::Home, -1.25), score(1, 0)), HalfLost);
        // Totals 2.25 / 2.75.
        assert_eq!(grade(total(true, 2.25), score(1, 1)), HalfLost);
        assert_eq!(grade(total(false, 2.25), score(1, 1)), HalfWon);
        assert_eq!(grade(total(true, 2.75), score(2, 1)), HalfWon);
        assert_eq!(grade(total(false, 2.75), score(2, 1)), HalfLost);
    }

    #[test]
    fn single_bets_pay_to_the_cent() {
        let stake = Cents::dollars(100);
        // −110 won: 100 × 21/11 = 190.909… → $190.91.
        let s = settle(stake, &[(Won, am(-110))]).unwrap().unwrap();
        assert_eq!((s.status, s.payout), (Won, Cents::new(19_091)));
        // Half won at −110: 100 × (1 + 21/11)/2 = 145.4545… → $145.45.
        let s = settle(stake, &[(HalfWon, am(-110))]).unwrap().unwrap();
        assert_eq!((s.status, s.payout), (HalfWon, Cents::new(14_545)));
        // Half lost: $50.00 back.
        let s = settle(stake, &[(HalfLost, am(-110))]).unwrap().unwrap();
        assert_eq!((s.status, s.payout), (HalfLost, Cents::new(5_000)));
        let s = settle(stake, &[(Push, am(-110))]).unwrap().unwrap();
        assert_eq!((s.status, s.payout), (Push, stake));
        let s = settle(stake, &[(Void, am(150))]).unwrap().unwrap();
        assert_eq!((s.status, s.payout), (Void, stake));
        assert_eq!(settle(stake, &[(Pending, am(150))]).unwrap(), None);
    }

    #[test]
    fn parlays_lose_on_any_loss_and_drop_pushes() {
        let stake = Cents::new(1_000);
        let s = settle(stake, &[(Won, am(-110)), (Lost, am(150)), (Won, am(200))])
            .unwrap()
            .unwrap();
        assert_eq!((s.status, s.payout), (Lost, Cents::ZERO));
        // Push drops to 1.0: $10 × 21/11 × 5/2 = 47.727… → $47.73.
        let s = settle(stake, &[(Won, am(-110)), (Push, am(-110)), (Won, am(150))])
            .unwrap()
            .unwrap();
        assert_eq!((s.status, s.payout), (Won, Cents::new(4_773)));
        // A half-won leg: $10 × (1 + 21/11)/2 × 5/2 = 36.3636… → $36.36.
        let s = settle(stake, &[(HalfWon, am(-110)), (Won, am(150))])
            .unwrap()
            .unwrap();
        assert_eq!((s.status, s.payout), (HalfWon, Cents::new(3_636)));
        // Not settled while a leg is open, even if another already won.
        assert_eq!(
            settle(stake, &[(Won, am(-110)), (Pending, am(150))]).unwrap(),
            None
        );
    }

    #[test]
    fn clv_against_a_known_closing_price() {
        // Took +110 (2.10); the market closed at a fair 2.00: CLV = 2.1/2 − 1 = +5% = 500 bp.
        let taken = am(110);
        let closing = DecimalOdds::from_ratio(2, 1).unwrap();
        assert_eq!(clv(&taken, &closing), BigRational::new(1.into(), 20.into()));
        assert_eq!(basis_points(&clv(&taken, &closing)), 500);
        // Took −110 (21/11); closed fair at −120's 11/6: 21/11 ÷ 11/6 − 1 = 5/121 ≈ 413 bp.
        let c = clv(&am(-110), &am(-120));
        assert_eq!(c, BigRational::new(5.into(), 121.into()));
        assert_eq!(basis_points(&c), 413);
        // Ticket: (21/10 × 21/11) / (2 × 2) − 1 = 441/440 − 1 ≈ 23 bp; a push leg drops out.
        let t = ticket_clv(&[
            (Won, am(110), Some(DecimalOdds::from_ratio(2, 1).unwrap())),
            (Lost, am(-110), Some(DecimalOdds::from_ratio(2, 1).unwrap())),
            (Push, am(300), None),
        ])
        .unwrap();
        assert_eq!(t, BigRational::new(1.into(), 440.into()));
        assert_eq!(basis_points(&t), 23);
        assert_eq!(ticket_clv(&[(Won, am(110), None)]), None);
    }
}
