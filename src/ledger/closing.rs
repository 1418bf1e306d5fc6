//! Closing quotes: the last prices before the start, and the no-vig fair price of a
//! selection from them (the reference for closing-line value, see `domain::settle::clv`).
//!
//! A quote counts only if its book time (`last_update`, else the board's as-of) is at or
//! before the event's start. The fair price is the sharp book's multiplicative no-vig
//! probability when one is configured and it closed the same line with every outcome of the
//! market (3-way soccer moneylines need all three): its closing line is the market's best
//! estimate, which is what closing-line value measures against. Otherwise it averages that
//! probability over every book hanging the complete line, exactly.

use chrono::{DateTime, Utc};
use num_traits::Zero;

use crate::betting::{Bookmaker, Market, OddsBoard, Outcome, Sport};
use crate::domain::{remove_vig, BigRational, DecimalOdds, DevigMethod};
use crate::store::ClosingQuote;

/// An exact price as stored (`21/11`); the store converts at its row boundary, tests compare
/// with it.
#[cfg(test)]
pub fn price_text(price: &DecimalOdds) -> String {
    let r = price.as_ratio();
    format!("{}/{}", r.numer(), r.denom())
}

/// Reads a stored exact price back.
#[cfg(test)]
pub fn parse_price(text: &str) -> Option<DecimalOdds> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

/// The outcomes of one book's market that form the selection's line (both sides of a spread
/// at ±line, both sides of a total at the line, every moneyline outcome).
fn line_outcomes<'a>(
    book: &'a Bookmaker,
    market: Market,
    selection: &str,
    line: Option<f64>,
) -> Option<Vec<&'a Outcome>> {
    let m = book.market(market)?;
    let picked: Vec<&Outcome> = match (market, line) {
        (Market::Spreads, Some(l)) => m
            .outcomes
            .iter()
            .filter(|o| {
                o.point
                    .is_some_and(|p| if o.name == selection { p == l } else { p == -l })
            })
            .collect(),
        (Market::Totals, Some(l)) => m.outcomes.iter().filter(|o| o.point == Some(l)).collect(),
        _ => m.outcomes.iter().collect(),
    };
    picked.iter().any(|o| o.name == selection).then_some(picked)
}

/// The closing quote of a selection on `board`, if any book quoted it before the start:
/// `leg_book`'s price when it did, else the best price; the fair price when at least one book
/// hangs the complete market at that line (`sharp_book`'s alone when it does).
#[allow(clippy::too_many_arguments)]
pub fn closing_quote(
    board: &OddsBoard,
    event_id: &str,
    commence: DateTime<Utc>,
    market: Market,
    selection: &str,
    line: Option<f64>,
    leg_book: &str,
    sport: Sport,
    sharp_book: Option<&str>,
) -> Option<ClosingQuote> {
    let event = board.events.iter().find(|e| e.id == event_id)?;
    let outcomes_needed = if market == Market::H2h && sport == Sport::Epl {
        3
    } else {
        2
    };
    let mut best: Option<(bool, DecimalOdds, DateTime<Utc>)> = None;
    let mut fair_sum = BigRational::zero();
    let mut fair_books = 0i64;
    let mut sharp_fair = None;
    for book in &event.bookmakers {
        let at = book.last_update.unwrap_or(board.provenance.as_of);
        if at > commence {
            continue;
        }
        let Some(outcomes) = line_outcomes(book, market, selection, line) else {
            continue;
        };
        let Some(price) = outcomes
            .iter()
            .find(|o| o.name == selection)
            .map(|o| o.price.clone())
        else {
            continue;
        };
        let mine = book.key == leg_book;
        let better = match &best {
            None => true,
            Some((best_mine, best_price, _)) => {
                !*best_mine && (mine || price.as_ratio() > best_price.as_ratio())
            }
        };
        if better {
            best = Some((mine, price, at));
        }
        if outcomes.len() == outcomes_needed {
            let prices: Vec<DecimalOdds> = outcomes.iter().map(|o| o.price.clone()).collect();
            if let Some(index) = outcomes.iter().position(|o| o.name == selection) {
                if let Ok(line) = remove_vig(&prices, DevigMethod::Multiplicative) {
                    if let Some(p) = line.exact.as_ref().and_then(|e| e.get(index)) {
                        if sharp_book == Some(book.key.as_str()) {
                            sharp_fair = Some(p.clone());
                        }
                        fair_sum += p;
                        fair_books += 1;
                    }
                }
            }
        }
    }
    let (_, price, quote_at) = best?;
    let fair = sharp_fair
        .or_else(|| {
            (fair_books > 0).then(|| fair_sum / BigRational::from_integer(fair_books.into()))
        })
        .and_then(|p| DecimalOdds::from_probability(&p).ok());
    Some(ClosingQuote {
        price,
        fair,
        quote_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::betting::{MarketOdds, OddsEvent, Provenance};

    fn book(key: &str, at: &str, outcomes: &[(&str, i32, Option<f64>)]) -> Bookmaker {
        Bookmaker {
            key: key.into(),
            title: key.into(),
            last_update: Some(at.parse().unwrap()),
            markets: vec![MarketOdds {
                key: Market::Spreads.as_str().into(),
                last_update: None,
                outcomes: outcomes
                    .iter()
                    .map(|(n, p, pt)| Outcome {
                        name: (*n).into(),
                        price: crate::domain::AmericanOdds::new(*p).unwrap().to_decimal(),
                        point: *pt,
                        description: None,
                    })
                    .collect(),
            }],
        }
    }

    fn board(books: Vec<Bookmaker>) -> OddsBoard {
        let prov = Provenance::live("test", "2025-01-15T17:00:00Z".parse().unwrap());
        OddsBoard {
            sport: Sport::Nba,
            events: vec![OddsEvent {
                id: "e1".into(),
                sport_key: "basketball_nba".into(),
                sport_title: "NBA".into(),
                commence_time: "2025-01-16T00:00:00Z".parse().unwrap(),
                home_team: "Home".into(),
                away_team: "Away".into(),
                bookmakers: books,
                provenance: prov.clone(),
            }],
            provenance: prov,
        }
    }

    #[test]
    fn fair_price_averages_books_at_the_line_and_ignores_post_start_quotes() {
        let b = board(vec![
            // −110/−110: fair 1/2 each.
            book(
                "a",
                "2025-01-15T23:50:00Z",
                &[("Home", -110, Some(-4.0)), ("Away", -110, Some(4.0))],
            ),
            // +100/−120 (2 and 11/6): Home's no-vig p = (1/2) / (1/2 + 6/11) = 11/23.
            book(
                "b",
                "2025-01-15T23:55:00Z",
                &[("Home", 100, Some(-4.0)), ("Away", -120, Some(4.0))],
            ),
            // A different line does not count, nor does a quote after the start.
            book(
                "c",
                "2025-01-15T23:55:00Z",
                &[("Home", 150, Some(-4.5)), ("Away", -180, Some(4.5))],
            ),
            book(
                "d",
                "2025-01-16T00:05:00Z",
                &[("Home", 300, Some(-4.0)), ("Away", -400, Some(4.0))],
            ),
        ]);
        let start = "2025-01-16T00:00:00Z".parse().unwrap();
        let c = closing_quote(
            &b,
            "e1",
            start,
            Market::Spreads,
            "Home",
            Some(-4.0),
            "a",
            Sport::Nba,
            None,
        )
        .unwrap();
        // The leg's own book's price is the closing price.
        assert_eq!(price_text(&c.price), "21/11");
        assert_eq!(
            c.quote_at,
            "2025-01-15T23:50:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        // Fair p = (1/2 + 11/23)/2 = 45/92 → fair price 92/45.
        assert_eq!(c.fair.as_ref().map(price_text).as_deref(), Some("92/45"));
        // A book that is not on the board falls back to the best pre-start price (+100).
        let c = closing_quote(
            &b,
            "e1",
            start,
            Market::Spreads,
            "Home",
            Some(-4.0),
            "zz",
            Sport::Nba,
            None,
        )
        .unwrap();
        assert_eq!(price_text(&c.price), "2/1");
        assert!(closing_quote(
            &b,
            "e2",
            start,
            Market::Spreads,
            "Home",
            Some(-4.0),
            "a",
            Sport::Nba,
            None
        )
        .is_none());
    }

    #[test]
    fn the_sharp_books_closing_line_is_the_fair_price_when_it_hangs_the_complete_line() {
        let start: DateTime<Utc> = "2025-01-16T00:00:00Z".parse().unwrap();
        let soft = book(
            "soft",
            "2025-01-15T23:50:00Z",
            &[("Home", -110, Some(-4.0)), ("Away", -110, Some(4.0))],
        );
        // +100/−120 (2 and 11/6): Home's no-vig p = 11/23, so the fair price is 23/11.
        let sharp = book(
            "pinnacle",
            "2025-01-15T23:55:00Z",
            &[("Home", 100, Some(-4.0)), ("Away", -120, Some(4.0))],
        );
        let quote = |b: &OddsBoard, sharp_book| {
            closing_quote(
                b,
                "e1",
                start,
                Market::Spreads,
                "Home",
                Some(-4.0),
                "soft",
                Sport::Nba,
                sharp_book,
            )
            .unwrap()
            .fair
            .as_ref()
            .map(price_text)
        };
        let both = board(vec![soft.clone(), sharp.clone()]);
        assert_eq!(quote(&both, Some("pinnacle")).as_deref(), Some("23/11"));
        // Without a sharp book the consensus of both: (1/2 + 11/23)/2 = 45/92.
        assert_eq!(quote(&both, None).as_deref(), Some("92/45"));
        // A sharp book that did not close this line (another line, or quoted after the start)
        // leaves the consensus of the books that did.
        let mut moved = sharp.clone();
        moved.last_update = Some("2025-01-16T00:01:00Z".parse().unwrap());
        let after = board(vec![soft.clone(), moved]);
        assert_eq!(quote(&after, Some("pinnacle")).as_deref(), Some("2/1"));
        let other_line = book(
            "pinnacle",
            "2025-01-15T23:55:00Z",
            &[("Home", 120, Some(-4.5)), ("Away", -140, Some(4.5))],
        );
        let elsewhere = board(vec![soft, other_line]);
        assert_eq!(quote(&elsewhere, Some("pinnacle")).as_deref(), Some("2/1"));
    }
}
