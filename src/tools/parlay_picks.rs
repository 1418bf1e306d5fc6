//! Turning an odds board into slip legs: the best N picks, a pick the model named, and the
//! re-quote of a leg at lock-in. Shared by `build_parlay` and the slip's actions.
//!
//! A leg is always priced at the best current quote on the board for its line, never at a
//! price from the caller: a price the model names is only compared and reported back.

use chrono::{DateTime, Utc};
use num_traits::ToPrimitive;
use schemars::JsonSchema;
use serde::Deserialize;

use super::ToolError;
use crate::betting::analysis::{complete_market_size, current_quotes as quotes, same_line};
use crate::betting::{BoardAnalysis, GameAnalysis, Market, SlipLeg};
use crate::domain::{
    exact, expected_value_per_unit, remove_vig, BigRational, DecimalOdds, DevigMethod, Probability,
};
use crate::providers::{team_matches, Bookmaker, OddsBoard, OddsEvent, Outcome};

/// A pick the model names explicitly.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct LegArg {
    /// The game's `event_id` from get_odds_visual.
    pub event_id: String,
    /// `h2h` (moneyline), `spreads` or `totals`.
    pub market: Market,
    /// The side: a team ("Orlando Magic", "Magic -1.5"), "Over 228.5", "Under", or "Draw".
    pub selection: String,
    /// The American price the model expects. Only compared: the leg is always priced at the
    /// best current price for its line, and a different price is reported back.
    #[serde(default)]
    pub price_american: Option<i32>,
}

/// A probability in basis points, rounded half-up.
fn bp(p: &BigRational) -> u32 {
    let scaled = p * BigRational::from_integer(10_000.into());
    exact::round_half_away(&scaled)
        .to_u32()
        .unwrap_or(0)
        .min(10_000)
}

/// The no-vig probability of `outcome` within one book's market.
fn book_fair(
    event: &OddsEvent,
    book: &Bookmaker,
    market: Market,
    outcome: &Outcome,
) -> Option<BigRational> {
    let m = book.market(market)?;
    if m.outcomes.len() < complete_market_size(market.as_str(), event) {
        return None;
    }
    let prices: Vec<_> = m.outcomes.iter().map(|o| o.price.clone()).collect();
    let line = remove_vig(&prices, DevigMethod::Multiplicative).ok()?;
    let index = m
        .outcomes
        .iter()
        .position(|o| o.name == outcome.name && same_line(o.point, outcome.point))?;
    line.exact?.get(index).cloned()
}

fn leg(
    event: &OddsEvent,
    market: Market,
    book: &Bookmaker,
    outcome: &Outcome,
    fair: &BigRational,
) -> SlipLeg {
    SlipLeg {
        event_id: event.id.clone(),
        away: event.away_team.clone(),
        home: event.home_team.clone(),
        commence_time: event.commence_time,
        market,
        selection: outcome.name.clone(),
        point: outcome.point,
        price: outcome.price.clone(),
        book: book.key.clone(),
        book_title: book.title.clone(),
        fair_bp: bp(fair),
        fair_probability: Some(fair.clone()),
        previous_price: None,
        injury_note: None,
    }
}

fn best<'a>(
    mut candidates: impl Iterator<Item = (&'a Bookmaker, &'a Outcome)>,
) -> Option<(&'a Bookmaker, &'a Outcome)> {
    let first = candidates.next()?;
    Some(candidates.fold(
        first,
        |acc, c| {
            if c.1.price > acc.1.price {
                c
            } else {
                acc
            }
        },
    ))
}

/// The side with the most expected value of each upcoming game (across its moneyline, spread
/// and total: EV at the best current price against the fair probability), then the `n`
/// games whose pick has the most EV. Ties go to the likelier side, then the earlier game, then
/// the board's order, so the same board always gives the same slip. Legs come out in start
/// order.
///
/// Ranking by EV, not by probability: the heaviest favourite is the likeliest winner but
/// usually the worst price; EV is what a bettor is paid for.
pub fn auto_picks(
    board: &OddsBoard,
    analysis: &BoardAnalysis,
    n: usize,
    now: DateTime<Utc>,
) -> Result<Vec<SlipLeg>, ToolError> {
    let mut candidates: Vec<Candidate> = Vec::new();
    for game in analysis.games.iter().filter(|g| g.commence_time > now) {
        let Some(event) = board.events.iter().find(|e| e.id == game.event_id) else {
            continue;
        };
        if let Some(pick) = best_side(event, game, analysis.stale_after_secs) {
            candidates.push(pick);
        }
    }
    if candidates.len() < n {
        return Err(ToolError::new(format!(
            "only {} upcoming {} games have odds; ask for at most {} legs",
            candidates.len(),
            analysis.sport.title(),
            candidates.len()
        )));
    }
    // A stable sort keeps the board's order among full ties.
    candidates.sort_by(|a, b| {
        b.rank(a)
            .then(a.leg.commence_time.cmp(&b.leg.commence_time))
    });
    let mut legs: Vec<SlipLeg> = candidates.into_iter().take(n).map(|c| c.leg).collect();
    legs.sort_by_key(|l| l.commence_time);
    Ok(legs)
}

/// A game's pick with what it is ranked by.
struct Candidate {
    /// EV per unit at the leg's price, `p·D − 1`.
    ev: BigRational,
    fair: BigRational,
    leg: SlipLeg,
}

impl Candidate {
    /// More EV first, then the likelier side.
    fn rank(&self, other: &Candidate) -> std::cmp::Ordering {
        self.ev
            .cmp(&other.ev)
            .then_with(|| self.fair.cmp(&other.fair))
    }
}

fn best_side(event: &OddsEvent, game: &GameAnalysis, stale_after_secs: i64) -> Option<Candidate> {
    let mut top: Option<Candidate> = None;
    for (market, analysed) in game
        .markets
        .iter()
        .filter_map(|m| Some((Market::from_key(&m.key)?, m)))
    {
        for o in &analysed.outcomes {
            let current = quotes(event, market.as_str(), &o.name, o.point, stale_after_secs);
            let Some((book, outcome)) = best(current) else {
                continue;
            };
            let price = &outcome.price;
            let Ok(p) = Probability::from_ratio(o.fair_probability.clone()) else {
                continue;
            };
            let candidate = Candidate {
                ev: expected_value_per_unit(&p, price),
                fair: o.fair_probability.clone(),
                leg: leg(event, market, book, outcome, &o.fair_probability),
            };
            // Strictly better only: on a full tie the earlier market and outcome stay.
            if top
                .as_ref()
                .is_none_or(|t| candidate.rank(t) == std::cmp::Ordering::Greater)
            {
                top = Some(candidate);
            }
        }
    }
    top
}

/// "Magic -1.5" → ("Magic", Some(-1.5)); "Over" → ("Over", None); "Magic ML" → ("Magic", None).
fn split_selection(selection: &str) -> (String, Option<f64>) {
    let text = selection.trim();
    let text = text
        .strip_suffix(" ML")
        .or_else(|| text.strip_suffix(" ml"))
        .unwrap_or(text);
    if let Some((name, last)) = text.rsplit_once(' ') {
        let number = last.trim_start_matches('+').replace('\u{2212}', "-");
        if let Ok(point) = number.parse::<f64>() {
            if point.is_finite() {
                return (name.trim().to_owned(), Some(point));
            }
        }
        if last.eq_ignore_ascii_case("pk") {
            return (name.trim().to_owned(), Some(0.0));
        }
    }
    (text.to_owned(), None)
}

fn names_match(wanted: &str, outcome: &str) -> bool {
    wanted.eq_ignore_ascii_case(outcome) || team_matches(wanted, outcome)
}

/// A leg the model named, and what to tell it when the price it named is not the one used.
#[derive(Debug, Clone)]
pub struct ExplicitPick {
    pub leg: SlipLeg,
    pub note: Option<String>,
}

/// The leg the model named, at its line (the consensus line when it gave none) and the best
/// current price for it. A `price_american` the model names never picks the book: line
/// shopping does, and a named price that differs is reported in `note`.
pub fn explicit_pick(
    board: &OddsBoard,
    analysis: &BoardAnalysis,
    arg: &LegArg,
    now: DateTime<Utc>,
) -> Result<ExplicitPick, ToolError> {
    let event = board
        .events
        .iter()
        .find(|e| e.id == arg.event_id.trim())
        .ok_or_else(|| {
            ToolError::new(format!(
                "no upcoming {} game has event_id {:?}; call get_odds_visual for the event ids",
                board.sport.title(),
                arg.event_id
            ))
        })?;
    // A pre-game price on a game in play is a free option for the bettor: no book takes it.
    if let Some(refusal) = started(&event.away_team, &event.home_team, event.commence_time, now) {
        return Err(ToolError::new(refusal));
    }
    let market = arg.market;
    let (wanted, point) = split_selection(&arg.selection);
    let game = analysis.games.iter().find(|g| g.event_id == event.id);
    let consensus = game
        .and_then(|g| g.markets.iter().find(|m| m.key == market))
        .and_then(|m| m.outcomes.iter().find(|o| names_match(&wanted, &o.name)));
    let name = match consensus {
        Some(o) => o.name.clone(),
        None => event
            .bookmakers
            .iter()
            .flat_map(|b| &b.markets)
            .filter(|m| m.key == market)
            .flat_map(|m| &m.outcomes)
            .find(|o| names_match(&wanted, &o.name))
            .map(|o| o.name.clone())
            .ok_or_else(|| {
                ToolError::new(format!(
                    "{:?} is not a side of the {market} market in {} @ {}",
                    arg.selection, event.away_team, event.home_team
                ))
            })?,
    };
    let point = point.or(consensus.and_then(|o| o.point));
    let current = quotes(
        event,
        market.as_str(),
        &name,
        point,
        analysis.stale_after_secs,
    );
    let (book, outcome) = best(current).ok_or_else(|| {
        ToolError::new(format!(
            "no book hangs {:?} in {} @ {}",
            arg.selection, event.away_team, event.home_team
        ))
    })?;
    // The model names American odds; its price "is" the quote when the exact price rounds to it.
    let note = arg.price_american.and_then(|named| {
        let used = outcome.price.to_american().ok().map(i32::from);
        (used != Some(named)).then(|| {
            format!(
                "{}: you named {named:+}; the best current price is {} at {}",
                arg.selection,
                used.map_or_else(|| outcome.price.to_string(), |a| format!("{a:+}")),
                book.title
            )
        })
    });
    let fair = consensus
        .filter(|o| same_line(o.point, outcome.point))
        .map(|o| o.fair_probability.clone())
        .or_else(|| book_fair(event, book, market, outcome))
        .unwrap_or_else(|| outcome_implied(outcome));
    Ok(ExplicitPick {
        leg: leg(event, market, book, outcome, &fair),
        note,
    })
}

/// Why a leg on this game can no longer be bet, if it has started by the provider's clock.
pub fn started(
    away: &str,
    home: &str,
    commence_time: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<String> {
    (commence_time <= now).then(|| {
        format!(
            "{away} @ {home} started at {} UTC; its pre-game prices can no longer be bet",
            commence_time.format("%Y-%m-%d %H:%M")
        )
    })
}

fn outcome_implied(outcome: &Outcome) -> BigRational {
    outcome.price.implied_probability()
}

/// The leg's price now: at its book if the book still hangs that line, else the best price
/// for the line across books. `None` when nobody hangs it any more.
pub fn requote(
    board: &OddsBoard,
    leg: &SlipLeg,
    stale_after_secs: i64,
) -> Option<(DecimalOdds, String, String)> {
    let event = board.events.iter().find(|e| e.id == leg.event_id)?;
    let key = leg.market.as_str();
    let same_book = quotes(event, key, &leg.selection, leg.point, stale_after_secs)
        .find(|(b, _)| b.key == leg.book);
    let (book, outcome) = same_book.or_else(|| {
        best(quotes(
            event,
            key,
            &leg.selection,
            leg.point,
            stale_after_secs,
        ))
    })?;
    Some((outcome.price.clone(), book.key.clone(), book.title.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::betting::QuoteRules;

    #[test]
    fn selections_split_into_name_and_line() {
        assert_eq!(split_selection("Magic -1.5"), ("Magic".into(), Some(-1.5)));
        assert_eq!(split_selection("Over 228.5"), ("Over".into(), Some(228.5)));
        assert_eq!(split_selection("Bucks +1.5"), ("Bucks".into(), Some(1.5)));
        assert_eq!(
            split_selection("Orlando Magic ML"),
            ("Orlando Magic".into(), None)
        );
        assert_eq!(split_selection("Under"), ("Under".into(), None));
        assert_eq!(
            split_selection("Philadelphia 76ers"),
            ("Philadelphia 76ers".into(), None)
        );
    }

    #[test]
    fn auto_picks_take_the_most_ev_not_the_heaviest_favourite() {
        use crate::betting::analyze_board;
        use crate::widgets::golden::{am, sample_board};
        let now = "2025-01-15T17:00:00Z".parse().unwrap();
        // Book A hangs the Heat at +160, above both books' fair line (EV +3.3 %); the Thunder
        // (−185, 62 % to win) are the likeliest side on the board but below zero EV.
        let mut board = sample_board();
        let book_a = &mut board.events[0].bookmakers[0];
        let h2h = book_a
            .markets
            .iter_mut()
            .find(|m| m.key == Market::H2h)
            .unwrap();
        h2h.outcomes[1].price = am(160);
        let legs = auto_picks(
            &board,
            &analyze_board(&board, QuoteRules::default()),
            1,
            now,
        )
        .unwrap();
        assert_eq!(
            (legs[0].selection.as_str(), &legs[0].price),
            ("Miami Heat", &am(160))
        );
        // The leg carries the exact fair probability its EV was ranked by.
        let fair = BigRational::new(25.into(), 64.into()) + BigRational::new(65.into(), 161.into());
        assert_eq!(
            legs[0].fair_probability,
            Some(fair / BigRational::from_integer(2.into()))
        );
    }

    #[test]
    fn auto_pick_ties_go_to_the_earlier_game_whatever_the_board_order() {
        use crate::betting::analyze_board;
        use crate::widgets::golden::sample_board;
        let now = "2025-01-15T17:00:00Z".parse().unwrap();
        // The same game twice (same prices, so the same EV and probability), listed second
        // but starting an hour earlier.
        let mut board = sample_board();
        board.events.truncate(1);
        let mut twin = board.events[0].clone();
        twin.id = "evt_twin".into();
        twin.commence_time -= chrono::Duration::hours(1);
        board.events.push(twin);
        let pick = |board: &OddsBoard| {
            auto_picks(board, &analyze_board(board, QuoteRules::default()), 1, now).unwrap()[0]
                .event_id
                .clone()
        };
        assert_eq!(pick(&board), "evt_twin");
        board.events[1].commence_time += chrono::Duration::hours(2);
        assert_eq!(pick(&board), "evt_heat_lakers");
    }

    #[test]
    fn a_stale_book_never_prices_a_leg() {
        use crate::betting::analyze_board;
        use crate::widgets::golden::{am, sample_board};
        let arg = LegArg {
            event_id: "evt_heat_lakers".into(),
            market: Market::H2h,
            selection: "Miami Heat".into(),
            price_american: None,
        };
        let now = "2025-01-15T17:00:00Z".parse().unwrap();
        let priced = |board: &crate::betting::OddsBoard, arg: &LegArg| {
            let leg = explicit_pick(
                board,
                &analyze_board(board, QuoteRules::default()),
                arg,
                now,
            )
            .unwrap()
            .leg;
            (leg.book, leg.price)
        };
        assert_eq!(priced(&sample_board(), &arg), ("book_b".into(), am(140)));

        let mut board = sample_board();
        let newest = board.events[0].bookmakers[0].last_update.unwrap();
        board.events[0].bookmakers[1].last_update = Some(newest - chrono::Duration::hours(2));
        assert_eq!(priced(&board, &arg), ("book_a".into(), am(130)));
        // Asking for the stale book's exact price does not bring it back.
        let arg = LegArg {
            price_american: Some(140),
            ..arg
        };
        assert_eq!(priced(&board, &arg).1, am(130));
    }

    #[test]
    fn a_named_price_never_beats_line_shopping() {
        use crate::betting::analyze_board;
        use crate::widgets::golden::{am, sample_board};
        let now = "2025-01-15T17:00:00Z".parse().unwrap();
        let board = sample_board();
        let analysis = analyze_board(&board, QuoteRules::default());
        // Book A hangs the Heat at +130 and book B at +140: naming +130 must not pick book A.
        let arg = LegArg {
            event_id: "evt_heat_lakers".into(),
            market: Market::H2h,
            selection: "Miami Heat".into(),
            price_american: Some(130),
        };
        let pick = explicit_pick(&board, &analysis, &arg, now).unwrap();
        assert_eq!(
            (pick.leg.book.as_str(), &pick.leg.price),
            ("book_b", &am(140))
        );
        let note = pick.note.expect("a named price that differs is reported");
        assert!(note.contains("+130") && note.contains("+140"), "{note}");
        // Naming the best price itself says nothing.
        let arg = LegArg {
            price_american: Some(140),
            ..arg
        };
        assert_eq!(
            explicit_pick(&board, &analysis, &arg, now).unwrap().note,
            None
        );
    }
}
