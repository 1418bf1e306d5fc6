//! Line shopping on an odds board: the best price per outcome across books, each book's hold,
//! and the no-vig fair price per outcome. The odds board widget shows this; `build_parlay`
//! picks legs from it; `get_odds_visual` returns it to the model.
//!
//! "Same outcome" means same market, same name and same line: Over 228.5 at one book and
//! Over 229 at another are different bets, so neither is "best" against the other. Fair
//! probabilities use the consensus line (the line most books hang), de-vigged per book with the
//! multiplicative method and averaged across those books, all in exact fractions — unless a
//! sharp book is configured and hangs a current, complete market: then its line and its no-vig
//! probabilities are the fair price (a sharp book's number is the market's best estimate; soft
//! books shade theirs).

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use num_traits::Zero;

use super::board::{Bookmaker, MarketOdds, OddsBoard, OddsEvent, Outcome};
use super::edge::{Edge, StakeSizing};
use super::market::Market;
use super::sport::Sport;
use crate::domain::{
    expected_value_per_unit, hold, remove_vig, BigRational, DecimalOdds, DevigMethod, Probability,
};

/// The board, analysed. Games keep the provider's order (start time).
#[derive(Debug, Clone, PartialEq)]
pub struct BoardAnalysis {
    pub sport: Sport,
    /// Market keys present on the board, in display order (spreads, totals, h2h, then others).
    pub markets: Vec<String>,
    pub games: Vec<GameAnalysis>,
    pub source: String,
    pub as_of: DateTime<Utc>,
    pub demo: bool,
    /// The newest bookmaker update on the board.
    pub last_update: Option<DateTime<Utc>>,
    /// How far behind the freshest book a quote counted (`QuoteRules`); picks use the same.
    pub stale_after_secs: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GameAnalysis {
    pub event_id: String,
    pub away: String,
    pub home: String,
    pub commence_time: DateTime<Utc>,
    pub books: Vec<BookRow>,
    /// One per market key the game has, in the board's market order.
    pub markets: Vec<MarketAnalysis>,
}

/// One bookmaker's prices for a game.
#[derive(Debug, Clone, PartialEq)]
pub struct BookRow {
    pub key: String,
    pub title: String,
    pub last_update: Option<DateTime<Utc>>,
    /// Per market key (board order); `None` when the book does not price that market.
    pub markets: Vec<(String, Option<BookMarket>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BookMarket {
    pub quotes: Vec<Quote>,
    /// `1 − 1/Σ implied` for this book's market; `None` for a one-sided market.
    pub hold: Option<BigRational>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub name: String,
    pub point: Option<f64>,
    pub price: DecimalOdds,
    /// Strictly better than at least one other book's price for the same outcome and line.
    pub best: bool,
}

/// A market at its consensus line (or the sharp book's).
#[derive(Debug, Clone, PartialEq)]
pub struct MarketAnalysis {
    pub key: String,
    pub outcomes: Vec<OutcomeAnalysis>,
    pub fair_from: FairFrom,
}

/// Whose prices the fair probabilities come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FairFrom {
    /// The average no-vig line of this many books at the consensus line.
    Consensus { books: usize },
    /// The configured sharp book's no-vig line (its title).
    Sharp { book_title: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeAnalysis {
    pub name: String,
    pub point: Option<f64>,
    /// No-vig probability, averaged over the books hanging the consensus line.
    pub fair_probability: BigRational,
    pub best: BestQuote,
}

impl OutcomeAnalysis {
    /// The exact fair (no-vig) price `1/p`; `None` for a probability of 0 or 1.
    pub fn fair_price(&self) -> Option<DecimalOdds> {
        DecimalOdds::from_probability(&self.fair_probability).ok()
    }

    /// EV per unit at the best price, `p·D − 1`, at the fair probability.
    pub fn ev_at_best(&self) -> Option<BigRational> {
        let p = Probability::from_ratio(self.fair_probability.clone()).ok()?;
        Some(expected_value_per_unit(&p, &self.best.price))
    }

    /// EV and the Kelly stake at the best price.
    pub fn edge(&self, sizing: &StakeSizing) -> Option<Edge> {
        let p = Probability::from_ratio(self.fair_probability.clone()).ok()?;
        Some(sizing.edge(&p, &self.best.price))
    }
}

/// Where the best price for an outcome is.
#[derive(Debug, Clone, PartialEq)]
pub struct BestQuote {
    pub price: DecimalOdds,
    pub book_key: String,
    pub book_title: String,
    pub last_update: Option<DateTime<Utc>>,
}

/// Display order of markets: the columns a bettor reads left to right.
fn market_rank(key: &str) -> usize {
    match Market::from_key(key) {
        Some(Market::Spreads) => 0,
        Some(Market::Totals) => 1,
        Some(Market::H2h) => 2,
        None => 3,
    }
}

/// Away before home (the board reads "Away @ Home"), Over before Under, the draw last.
fn outcome_rank(name: &str, event: &OddsEvent) -> usize {
    if name == event.away_team || name == "Over" {
        0
    } else if name == event.home_team || name == "Under" {
        1
    } else {
        2
    }
}

/// An outcome as one book prices it: name, line, exact price.
type Priced = (String, Option<f64>, DecimalOdds);

/// The outcomes of one book's market, sorted for display.
fn sorted_outcomes(market: &MarketOdds, event: &OddsEvent) -> Vec<Priced> {
    let mut outcomes: Vec<_> = market
        .outcomes
        .iter()
        .map(|o| (o.name.clone(), o.point, o.price.clone()))
        .collect();
    outcomes.sort_by_key(|(name, _, _)| outcome_rank(name, event));
    outcomes
}

/// The shipped `[betting] stale_quote_secs`: a book whose prices for a game are this much older
/// than the freshest book's is stale: its number may be gone, so it is never "best", never a
/// leg and never in the fair price.
pub const DEFAULT_STALE_AFTER_SECS: i64 = 900;

/// What makes a quote count: how far behind the freshest book a book may be, and the sharp
/// book whose line anchors fair prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteRules<'a> {
    pub sharp_book: Option<&'a str>,
    pub stale_after_secs: i64,
}

impl Default for QuoteRules<'_> {
    fn default() -> Self {
        Self {
            sharp_book: None,
            stale_after_secs: DEFAULT_STALE_AFTER_SECS,
        }
    }
}

impl<'a> QuoteRules<'a> {
    /// The default staleness with fair prices anchored to `sharp_book`.
    pub fn sharp(sharp_book: &'a str) -> Self {
        Self {
            sharp_book: Some(sharp_book),
            ..Self::default()
        }
    }
}

/// Whether `book`'s prices for `event` are current: at most `stale_after_secs` behind the
/// freshest book's (books that give no update time count as current; so does a lone book).
pub fn is_current(book: &Bookmaker, event: &OddsEvent, stale_after_secs: i64) -> bool {
    let newest = event.bookmakers.iter().filter_map(|b| b.last_update).max();
    match (book.last_update, newest) {
        (Some(at), Some(newest)) => (newest - at).num_seconds() <= stale_after_secs,
        _ => true,
    }
}

/// Same line: both without a point, or both at the same point.
pub fn same_line(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        (None, None) => true,
        _ => false,
    }
}

/// Every current quote (`is_current`) for `(market, name, point)` across the game's books.
/// The board's best prices and the slip's legs both come from here.
pub fn current_quotes<'a>(
    event: &'a OddsEvent,
    market: &'a str,
    name: &'a str,
    point: Option<f64>,
    stale_after_secs: i64,
) -> impl Iterator<Item = (&'a Bookmaker, &'a Outcome)> + 'a {
    event
        .bookmakers
        .iter()
        .filter(move |book| is_current(book, event, stale_after_secs))
        .flat_map(move |book| {
            book.markets
                .iter()
                .filter(move |m| m.key == market)
                .flat_map(|m| &m.outcomes)
                .filter(move |o| o.name == name && same_line(o.point, point))
                .map(move |o| (book, o))
        })
}

fn quotes_for<'a>(
    event: &'a OddsEvent,
    market: &'a str,
    name: &'a str,
    point: Option<f64>,
    stale_after_secs: i64,
) -> impl Iterator<Item = (&'a Bookmaker, &'a DecimalOdds)> + 'a {
    current_quotes(event, market, name, point, stale_after_secs).map(|(book, o)| (book, &o.price))
}

fn analyze_book(
    book: &Bookmaker,
    event: &OddsEvent,
    markets: &[String],
    stale_after_secs: i64,
) -> BookRow {
    let cells = markets
        .iter()
        .map(|key| {
            let market = book.markets.iter().find(|m| &m.key == key).map(|m| {
                let outcomes = sorted_outcomes(m, event);
                let quotes = outcomes
                    .iter()
                    .map(|(name, point, price)| {
                        let others: Vec<&DecimalOdds> =
                            quotes_for(event, key, name, *point, stale_after_secs)
                                .map(|(_, p)| p)
                                .collect();
                        let beats_one = others.iter().any(|p| price.cmp(p) == Ordering::Greater);
                        let best = beats_one
                            && is_current(book, event, stale_after_secs)
                            && others.iter().all(|p| price.cmp(p) != Ordering::Less);
                        Quote {
                            name: name.clone(),
                            point: *point,
                            price: price.clone(),
                            best,
                        }
                    })
                    .collect();
                let prices: Vec<DecimalOdds> = outcomes.iter().map(|(_, _, p)| p.clone()).collect();
                BookMarket {
                    quotes,
                    hold: hold(&prices).ok(),
                }
            });
            (key.clone(), market)
        })
        .collect();
    BookRow {
        key: book.key.clone(),
        title: book.title.clone(),
        last_update: book.last_update,
        markets: cells,
    }
}

/// How many prices make a market whole enough to de-vig: soccer's moneyline is three-way, and
/// two prices without the draw would read as a phantom edge.
pub fn complete_market_size(key: &str, event: &OddsEvent) -> usize {
    if Market::H2h.is(key) && event.sport_key.starts_with("soccer") {
        3
    } else {
        2
    }
}

/// The consensus line of a market and its fair probabilities (the sharp book's line when it
/// hangs a current, complete market); `None` if no book prices it whole.
fn analyze_market(event: &OddsEvent, key: &str, rules: QuoteRules<'_>) -> Option<MarketAnalysis> {
    let sharp_book = rules.sharp_book;
    // Each book's outcomes for this market, as (line signature, outcomes).
    let lines: Vec<(&Bookmaker, Vec<Priced>)> = event
        .bookmakers
        .iter()
        .filter(|b| is_current(b, event, rules.stale_after_secs))
        .filter_map(|b| {
            let m = b.markets.iter().find(|m| m.key == key)?;
            let outcomes = sorted_outcomes(m, event);
            (outcomes.len() >= complete_market_size(key, event)).then_some((b, outcomes))
        })
        .collect();
    let signature = |o: &[Priced]| -> Vec<(String, Option<u64>)> {
        o.iter()
            .map(|(n, p, _)| (n.clone(), p.map(f64::to_bits)))
            .collect()
    };
    let sharp = sharp_book.and_then(|key| lines.iter().find(|(b, _)| b.key == key));
    let on_line: Vec<&(&Bookmaker, Vec<Priced>)> = match sharp {
        Some(line) => vec![line],
        None => {
            // Most books win; on a tie, the first book listed.
            let consensus = lines.iter().map(|(_, o)| signature(o)).max_by_key(|sig| {
                let count = lines.iter().filter(|(_, o)| &signature(o) == sig).count();
                let first = lines.iter().position(|(_, o)| &signature(o) == sig);
                (count, std::cmp::Reverse(first))
            })?;
            lines
                .iter()
                .filter(|(_, o)| signature(o) == consensus)
                .collect()
        }
    };
    let consensus = signature(&on_line.first()?.1);
    let fair_from = match sharp {
        Some((book, _)) => FairFrom::Sharp {
            book_title: book.title.clone(),
        },
        None => FairFrom::Consensus {
            books: on_line.len(),
        },
    };
    let mut sums = vec![BigRational::zero(); consensus.len()];
    for (_, outcomes) in &on_line {
        let prices: Vec<DecimalOdds> = outcomes.iter().map(|(_, _, p)| p.clone()).collect();
        let exact = remove_vig(&prices, DevigMethod::Multiplicative)
            .ok()
            .and_then(|line| line.exact)?;
        for (sum, p) in sums.iter_mut().zip(exact) {
            *sum += p;
        }
    }
    let books = BigRational::from_integer(on_line.len().into());
    let (_, template) = on_line.first()?;
    let outcomes = template
        .iter()
        .zip(sums)
        .filter_map(|((name, point, _), sum)| {
            let (book, price) = quotes_for(event, key, name, *point, rules.stale_after_secs)
                .max_by(|a, b| a.1.cmp(b.1))?;
            Some(OutcomeAnalysis {
                name: name.clone(),
                point: *point,
                fair_probability: sum / books.clone(),
                best: BestQuote {
                    price: price.clone(),
                    book_key: book.key.clone(),
                    book_title: book.title.clone(),
                    last_update: book.last_update,
                },
            })
        })
        .collect();
    Some(MarketAnalysis {
        key: key.to_owned(),
        outcomes,
        fair_from,
    })
}

/// Analyses every game of a board under `rules`: stale books are never best nor fair, and the
/// sharp book (a bookmaker key) anchors fair prices where it hangs a current, complete market.
pub fn analyze_board(board: &OddsBoard, rules: QuoteRules<'_>) -> BoardAnalysis {
    let mut markets: Vec<String> = Vec::new();
    for m in board
        .events
        .iter()
        .flat_map(|e| &e.bookmakers)
        .flat_map(|b| &b.markets)
    {
        if !markets.contains(&m.key) {
            markets.push(m.key.clone());
        }
    }
    markets.sort_by_key(|k| market_rank(k));
    let games = board
        .events
        .iter()
        .map(|event| GameAnalysis {
            event_id: event.id.clone(),
            away: event.away_team.clone(),
            home: event.home_team.clone(),
            commence_time: event.commence_time,
            books: event
                .bookmakers
                .iter()
                .map(|b| analyze_book(b, event, &markets, rules.stale_after_secs))
                .collect(),
            markets: markets
                .iter()
                .filter_map(|key| analyze_market(event, key, rules))
                .collect(),
        })
        .collect();
    let last_update = board
        .events
        .iter()
        .flat_map(|e| &e.bookmakers)
        .filter_map(|b| b.last_update)
        .max();
    BoardAnalysis {
        sport: board.sport,
        markets,
        games,
        source: board.provenance.source.clone(),
        as_of: board.provenance.as_of,
        demo: board.provenance.demo,
        last_update,
        stale_after_secs: rules.stale_after_secs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::golden::{am, sample_board};

    #[test]
    fn best_prices_fair_odds_and_hold() {
        let analysis = analyze_board(&sample_board(), QuoteRules::default());
        assert_eq!(analysis.markets, vec!["spreads", "totals", "h2h"]);
        let game = &analysis.games[0];
        // Moneyline −150 / +130 at book A, −160 / +140 at book B.
        let h2h = game.markets.iter().find(|m| m.key == Market::H2h).unwrap();
        let away = &h2h.outcomes[0];
        assert_eq!(away.name, "Miami Heat");
        assert_eq!(away.best.price, am(140));
        assert_eq!(away.best.book_key, "book_b");
        let home = &h2h.outcomes[1];
        assert_eq!(home.best.price, am(-150));
        // Book A alone: 69/119 for the favourite (providers.md §6.2); averaged with book B.
        let a = BigRational::new(69.into(), 119.into());
        // Book B −160 / +140: q = 8/13, 5/12; S = 161/156; p = (8/13)/(161/156) = 96/161.
        let b = BigRational::new(96.into(), 161.into());
        assert_eq!(
            home.fair_probability,
            (a + b) / BigRational::from_integer(2.into())
        );
        let book_a = &game.books[0];
        let (_, ml) = &book_a.markets[2];
        let ml = ml.as_ref().unwrap();
        assert_eq!(ml.hold, Some(BigRational::new(4.into(), 119.into())));
        assert!(ml.quotes[1].best && !ml.quotes[0].best);
        // Totals hang different lines, so neither book's total is "best" against the other.
        let (_, totals) = &book_a.markets[1];
        assert!(totals.as_ref().unwrap().quotes.iter().all(|q| !q.best));
        assert_eq!(
            analysis.last_update,
            Some("2025-01-15T16:58:00Z".parse().unwrap())
        );
    }

    #[test]
    fn a_soccer_moneyline_without_the_draw_is_not_devigged_as_two_way() {
        let mut board = sample_board();
        let event = &mut board.events[0];
        event.sport_key = "soccer_epl".into();
        // Two books hang only home and away (no draw): no fair probability from them.
        let analysis = analyze_board(&board, QuoteRules::default());
        let h2h = analysis.games[0]
            .markets
            .iter()
            .find(|m| m.key == Market::H2h);
        assert!(h2h.is_none(), "{h2h:?}");
        // Add the draw at one book: that book alone makes the market (three prices).
        let book = &mut board.events[0].bookmakers[0];
        let market = book
            .markets
            .iter_mut()
            .find(|m| m.key == Market::H2h)
            .unwrap();
        market.outcomes.push(crate::betting::Outcome {
            name: "Draw".into(),
            price: am(250),
            point: None,
            description: None,
        });
        let analysis = analyze_board(&board, QuoteRules::default());
        let h2h = analysis.games[0]
            .markets
            .iter()
            .find(|m| m.key == Market::H2h)
            .unwrap();
        assert_eq!(h2h.outcomes.len(), 3);
        let total: BigRational = h2h
            .outcomes
            .iter()
            .map(|o| o.fair_probability.clone())
            .sum();
        assert_eq!(total, BigRational::from_integer(1.into()));
    }

    #[test]
    fn a_sharp_book_anchors_the_fair_price_when_it_hangs_a_current_whole_market() {
        let board = sample_board();
        let h2h = |analysis: &BoardAnalysis| {
            analysis.games[0]
                .markets
                .iter()
                .find(|m| m.key == Market::H2h)
                .unwrap()
                .clone()
        };
        let consensus = h2h(&analyze_board(&board, QuoteRules::default()));
        assert_eq!(consensus.fair_from, FairFrom::Consensus { books: 2 });
        // Book B as the sharp book: its −160 / +140 alone, 96/161 for the favourite.
        let sharp = h2h(&analyze_board(&board, QuoteRules::sharp("book_b")));
        assert_eq!(
            sharp.fair_from,
            FairFrom::Sharp {
                book_title: "DemoBook B (synthetic)".into()
            }
        );
        assert_eq!(
            sharp.outcomes[1].fair_probability,
            BigRational::new(96.into(), 161.into())
        );
        assert_ne!(
            sharp.outcomes[1].fair_probability,
            consensus.outcomes[1].fair_probability
        );
        // Best prices are still shopped across every current book.
        assert_eq!(sharp.outcomes[0].best.book_key, "book_b");
        assert_eq!(sharp.outcomes[1].best.book_key, "book_a");
        // The sharp book's total hangs its own line (book A's differs): the fair total is at
        // the sharp line.
        let totals = |analysis: &BoardAnalysis| {
            analysis.games[0]
                .markets
                .iter()
                .find(|m| m.key == Market::Totals)
                .unwrap()
                .outcomes[0]
                .point
        };
        let book_b_total = board.events[0].bookmakers[1]
            .markets
            .iter()
            .find(|m| m.key == Market::Totals)
            .unwrap()
            .outcomes[0]
            .point;
        assert_eq!(
            totals(&analyze_board(&board, QuoteRules::sharp("book_b"))),
            book_b_total
        );
        // A stale sharp book, or one missing the market, falls back to the consensus.
        let mut stale = board.clone();
        let newest = stale.events[0].bookmakers[0].last_update.unwrap();
        stale.events[0].bookmakers[1].last_update = Some(newest - chrono::Duration::hours(1));
        let fallback = h2h(&analyze_board(&stale, QuoteRules::sharp("book_b")));
        assert_eq!(fallback.fair_from, FairFrom::Consensus { books: 1 });
        assert_eq!(
            h2h(&analyze_board(&board, QuoteRules::sharp("pinnacle"))),
            consensus,
            "a sharp book absent from the board changes nothing"
        );
    }

    /// The first game's moneyline analysis.
    fn first_moneyline(analysis: &BoardAnalysis) -> &MarketAnalysis {
        analysis.games[0]
            .markets
            .iter()
            .find(|m| m.key == Market::H2h)
            .unwrap()
    }

    #[test]
    fn a_stale_book_is_never_best_and_never_in_the_fair_price() {
        let mut board = sample_board();
        // Book B (the better moneyline dog, +140) last moved an hour before book A.
        let newest = board.events[0].bookmakers[0].last_update.unwrap();
        board.events[0].bookmakers[1].last_update = Some(newest - chrono::Duration::hours(1));
        let analysis = analyze_board(&board, QuoteRules::default());
        let h2h = first_moneyline(&analysis);
        assert_eq!(h2h.outcomes[0].best.book_key, "book_a");
        assert_eq!(h2h.outcomes[0].best.price, am(130));
        // Book A alone: 69/119 for the favourite.
        assert_eq!(
            h2h.outcomes[1].fair_probability,
            BigRational::new(69.into(), 119.into())
        );
        let (_, stale_ml) = &analysis.games[0].books[1].markets[2];
        assert!(stale_ml.as_ref().unwrap().quotes.iter().all(|q| !q.best));
        // Ten minutes behind is within the window: book B's +140 is best again.
        let mut board = sample_board();
        board.events[0].bookmakers[1].last_update = Some(newest - chrono::Duration::minutes(10));
        let analysis = analyze_board(&board, QuoteRules::default());
        let h2h = first_moneyline(&analysis);
        assert_eq!(h2h.outcomes[0].best.book_key, "book_b");
        // The window is the deployment's (`stale_quote_secs`): at five minutes, ten behind is
        // stale, and book A is best again.
        let strict = QuoteRules {
            stale_after_secs: 300,
            ..QuoteRules::default()
        };
        let analysis = analyze_board(&board, strict);
        assert_eq!(analysis.stale_after_secs, 300);
        let h2h = first_moneyline(&analysis);
        assert_eq!(h2h.outcomes[0].best.book_key, "book_a");
    }
}
