//! The odds board: one table per game (books × spread / total / moneyline), the best price per
//! outcome highlighted, each book's hold and as-of time, a no-vig "fair" row, and an "edge"
//! row: per outcome the best price, its EV at the fair probability and the fractional-Kelly
//! stake for the user's bankroll. A game that has started by the provider's clock is labelled
//! live and its pre-game prices get no edge row: no book takes them any more.

use chrono::{DateTime, Utc};

use crate::betting::analysis::{BoardAnalysis, BookMarket, FairFrom, GameAnalysis, MarketAnalysis};
use crate::betting::{short_team, Market, Sport, StakeSizing};
use crate::domain::{exact, format_odds, OddsFormat};
use crate::protocol::widgets::{
    BadgeColor, Card, CardSize, Col, Divider, Row, Spacer, Table, TableCell, TableRow,
};
use crate::protocol::{WidgetComponent, WidgetRoot};

use super::common::{
    badge, bold, caption, card_status, format_local_time, format_point, header, source_lines, text,
};

/// Column title of a market.
fn market_title(key: &str) -> String {
    match Market::from_key(key) {
        Some(market) => market.label().into(),
        None => key.replace('_', " "),
    }
}

/// `Heat +4`, `O 220`, `Lakers`, `Draw`: the outcome without its price.
pub(crate) fn outcome_label(market: &str, name: &str, point: Option<f64>, sport: Sport) -> String {
    let who = match name {
        "Over" => "O".to_owned(),
        "Under" => "U".to_owned(),
        "Draw" => "Draw".to_owned(),
        team => short_team(team, sport),
    };
    match point {
        Some(p) => format!("{who} {}", format_point(p, !Market::Totals.is(market))),
        None => who,
    }
}

fn cell(children: Vec<WidgetComponent>) -> TableCell {
    TableCell {
        children,
        ..Default::default()
    }
}

fn book_cell(
    market: &str,
    cell_market: Option<&BookMarket>,
    sport: Sport,
    f: OddsFormat,
) -> TableCell {
    let Some(m) = cell_market else {
        return cell(vec![caption("—")]);
    };
    let mut lines: Vec<WidgetComponent> = m
        .quotes
        .iter()
        .map(|q| {
            let line = format!(
                "{} {}",
                outcome_label(market, &q.name, q.point, sport),
                format_odds(&q.price, f)
            );
            if q.best {
                badge(line, BadgeColor::Success)
            } else {
                text(line)
            }
        })
        .collect();
    if let Some(h) = &m.hold {
        lines.push(caption(format!("hold {}", exact::format_percent(h, 1))));
    }
    cell(vec![Col {
        children: lines,
        gap: Some(1.into()),
        ..Default::default()
    }
    .into()])
}

fn fair_cell(market: Option<&MarketAnalysis>, sport: Sport, f: OddsFormat) -> TableCell {
    let Some(m) = market else {
        return cell(vec![caption("—")]);
    };
    let mut lines: Vec<WidgetComponent> = m
        .outcomes
        .iter()
        .map(|o| {
            let price = o
                .fair_price()
                .map_or_else(|| "—".to_owned(), |p| format_odds(&p, f));
            text(format!(
                "{} {price}",
                outcome_label(&m.key, &o.name, o.point, sport)
            ))
        })
        .collect();
    if let FairFrom::Sharp { book_title } = &m.fair_from {
        lines.push(caption(format!("{book_title} line")));
    }
    cell(vec![Col {
        children: lines,
        gap: Some(1.into()),
        ..Default::default()
    }
    .into()])
}

/// Per outcome: the best price, then its EV at the fair probability and the Kelly stake.
fn edge_cell(
    market: Option<&MarketAnalysis>,
    sport: Sport,
    f: OddsFormat,
    sizing: &StakeSizing,
) -> TableCell {
    let Some(m) = market else {
        return cell(vec![caption("—")]);
    };
    let lines = m
        .outcomes
        .iter()
        .flat_map(|o| {
            let best = text(format!(
                "{} {}",
                outcome_label(&m.key, &o.name, o.point, sport),
                format_odds(&o.best.price, f)
            ));
            let edge = o
                .edge(sizing)
                .map_or_else(|| "—".to_owned(), |e| e.summary());
            [best, caption(edge)]
        })
        .collect();
    cell(vec![Col {
        children: lines,
        gap: Some(1.into()),
        ..Default::default()
    }
    .into()])
}

fn game_section(
    game: &GameAnalysis,
    board: &BoardAnalysis,
    f: OddsFormat,
    sizing: &StakeSizing,
    now: DateTime<Utc>,
) -> Vec<WidgetComponent> {
    let sport = board.sport;
    let live = game.commence_time <= now;
    let mut head = vec![cell(vec![caption("Book")])];
    head.extend(
        board
            .markets
            .iter()
            .map(|m| cell(vec![caption(market_title(m))])),
    );
    head.push(cell(vec![caption("Updated")]));
    let mut rows = vec![TableRow {
        children: head,
        header: Some(true),
        ..Default::default()
    }];
    for book in &game.books {
        let mut cells = vec![cell(vec![text(&book.title)])];
        cells.extend(
            book.markets
                .iter()
                .map(|(key, m)| book_cell(key, m.as_ref(), sport, f)),
        );
        let updated = book
            .last_update
            .map_or_else(|| "—".to_owned(), format_local_time);
        cells.push(cell(vec![caption(updated)]));
        rows.push(TableRow {
            children: cells,
            ..Default::default()
        });
    }
    let mut fair = vec![cell(vec![bold("Fair (no-vig)")])];
    fair.extend(board.markets.iter().map(|key| {
        let market = game.markets.iter().find(|m| &m.key == key);
        fair_cell(market, sport, f)
    }));
    fair.push(cell(vec![]));
    rows.push(TableRow {
        children: fair,
        ..Default::default()
    });
    let mut edge = vec![cell(vec![bold("Best · EV")])];
    edge.extend(board.markets.iter().map(|key| {
        if live {
            return cell(vec![caption("Started: not bettable")]);
        }
        let market = game.markets.iter().find(|m| &m.key == key);
        edge_cell(market, sport, f, sizing)
    }));
    edge.push(cell(vec![]));
    rows.push(TableRow {
        children: edge,
        ..Default::default()
    });
    let mut heading = vec![bold(format!("{} @ {}", game.away, game.home))];
    if live {
        heading.push(badge("Live · pre-game prices", BadgeColor::Danger));
    }
    heading.push(Spacer::default().into());
    heading.push(caption(format_local_time(game.commence_time)));
    vec![
        Row {
            children: heading,
            ..Default::default()
        }
        .into(),
        Table {
            key: Some(game.event_id.clone()),
            children: rows,
            ..Default::default()
        }
        .into(),
    ]
}

/// The odds board for `board` under `title` (e.g. "NBA odds · Wed Jan 15"), prices in `format`,
/// stakes sized by `sizing`; games started by `now` (the provider's clock) are labelled live.
pub fn odds_board(
    board: &BoardAnalysis,
    title: &str,
    format: OddsFormat,
    sizing: &StakeSizing,
    now: DateTime<Utc>,
) -> WidgetRoot {
    let count = board.games.len();
    let games = if count == 1 { "game" } else { "games" };
    let mut summary = format!("{count} {games}");
    if let Some(at) = board.last_update {
        summary.push_str(&format!(" · last update {}", format_local_time(at)));
    }
    let mut children = vec![header(title, board.demo, vec![]), caption(summary)];
    if board.games.is_empty() {
        children.push(text("No games on the board for this search."));
    }
    for (i, game) in board.games.iter().enumerate() {
        if i > 0 {
            children.push(Divider::default().into());
        }
        children.extend(game_section(game, board, format, sizing, now));
    }
    children.push(Divider::default().into());
    children.push(caption(
        "Green = best price for that outcome and line across books. Fair = no-vig price \
         (multiplicative, averaged over the books at the consensus line, or the sharp book's \
         line where named). Hold = 1 − 1/Σ implied probability.",
    ));
    children.push(caption(sizing.note()));
    children.extend(source_lines(&board.source, board.as_of, board.demo));
    Card {
        children,
        size: Some(CardSize::Lg),
        status: card_status(
            format!("{} · {count} {games}", board.sport.title()),
            "chart",
        ),
        ..Default::default()
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::betting::analyze_board;
    use crate::betting::QuoteRules;
    use crate::domain::BigRational;
    use crate::widgets::golden::{am, assert_golden, sample_board};

    fn sizing(bankroll: Option<i64>) -> StakeSizing {
        StakeSizing::new(
            crate::domain::KellySizing::default(),
            bankroll.map(crate::domain::Cents::new),
        )
    }

    #[test]
    fn the_edge_row_shows_ev_at_the_best_price_and_the_kelly_stake() {
        use crate::domain::{kelly_stake, Cents, KellySizing, Probability};
        // Book A hangs the Heat at +160: the best price, above both books' fair line.
        let mut board = sample_board();
        let book_a = &mut board.events[0].bookmakers[0];
        let h2h = book_a
            .markets
            .iter_mut()
            .find(|m| m.key == Market::H2h)
            .unwrap();
        h2h.outcomes[1].price = am(160);
        let analysis = analyze_board(&board, QuoteRules::default());
        let heat = &analysis.games[0].markets[2].outcomes[0];
        assert_eq!(
            (heat.name.as_str(), &heat.best.price),
            ("Miami Heat", &am(160))
        );
        // Fair: book A −150/+160 → 25/64; book B −160/+140 → 65/161; averaged.
        let p = (BigRational::new(25.into(), 64.into()) + BigRational::new(65.into(), 161.into()))
            / BigRational::from_integer(2.into());
        assert_eq!(heat.fair_probability, p);
        // EV = p × 13/5 − 1 (+3.3 %); ¼ Kelly of $500, rounded down.
        let ev = &p * BigRational::new(13.into(), 5.into()) - BigRational::from_integer(1.into());
        assert_eq!(heat.ev_at_best(), Some(ev.clone()));
        let stake = kelly_stake(
            Cents::new(50_000),
            &Probability::from_ratio(p).unwrap(),
            &crate::domain::DecimalOdds::from_ratio(13, 5).unwrap(),
            &KellySizing::default(),
        )
        .unwrap();
        assert!(stake.is_positive());
        let widget = odds_board(
            &analysis,
            "t",
            OddsFormat::American,
            &sizing(Some(50_000)),
            before(),
        );
        let json = serde_json::to_string(&widget).unwrap();
        let shown = format!("EV +{} · stake {stake}", exact::format_percent(&ev, 1));
        assert!(json.contains(&shown), "{shown} in {json}");
        assert!(json.contains("Stake = ¼ Kelly of your $500.00 bankroll"));
        assert!(
            json.contains("EV -4.5% · no bet"),
            "−110/−110 totals have no edge"
        );
        let widget = odds_board(
            &analysis,
            "t",
            OddsFormat::American,
            &sizing(None),
            before(),
        );
        let json = serde_json::to_string(&widget).unwrap();
        let shown = format!("EV +{}", exact::format_percent(&ev, 1));
        assert!(json.contains(&shown) && json.contains("Set a bankroll"));
        assert!(!json.contains("stake $"), "no stake without a bankroll");
        // A sharp book's line is named under the fair prices it anchors.
        let sharp = analyze_board(&board, QuoteRules::sharp("book_b"));
        let json = serde_json::to_string(&odds_board(
            &sharp,
            "t",
            OddsFormat::American,
            &sizing(None),
            before(),
        ))
        .unwrap();
        assert!(json.contains("DemoBook B (synthetic) line"), "{json}");
    }

    /// The demo clock: before the sample board's games.
    fn before() -> DateTime<Utc> {
        "2025-01-15T17:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_started_game_is_labelled_live_with_no_edge_on_its_pre_game_prices() {
        let analysis = analyze_board(&sample_board(), QuoteRules::default());
        let first = analysis
            .games
            .iter()
            .map(|g| g.commence_time)
            .min()
            .unwrap();
        let last = analysis
            .games
            .iter()
            .map(|g| g.commence_time)
            .max()
            .unwrap();
        let json = |now| {
            serde_json::to_string(&odds_board(
                &analysis,
                "t",
                OddsFormat::American,
                &sizing(Some(50_000)),
                now,
            ))
            .unwrap()
        };
        let upcoming = json(first - chrono::Duration::seconds(1));
        assert!(!upcoming.contains("Live") && upcoming.contains("EV "));
        let live = json(last);
        assert_eq!(
            live.matches("Live · pre-game prices").count(),
            analysis.games.len()
        );
        assert!(live.contains("Started: not bettable"));
        assert!(
            !live.contains("EV +") && !live.contains("EV -"),
            "no edge is offered on a started game: {live}"
        );
    }

    #[test]
    fn golden_odds_board() {
        let analysis = analyze_board(&sample_board(), QuoteRules::default());
        let widget = odds_board(
            &analysis,
            "NBA odds · Wed Jan 15",
            OddsFormat::American,
            &sizing(Some(50_000)),
            before(),
        );
        assert_golden("odds_board", &widget);
        let json = serde_json::to_string(&widget).unwrap();
        assert!(json.contains("DEMO DATA"));
        assert!(json.contains("hold 3.4%"), "−150/+130 holds 4/119 = 3.36 %");
        assert!(json.contains("Fair (no-vig)"));
    }

    #[test]
    fn names_shorten_like_a_ticker() {
        assert_eq!(
            short_team("Portland Trail Blazers", Sport::Nba),
            "Trail Blazers"
        );
        assert_eq!(short_team("Los Angeles Lakers", Sport::Nba), "Lakers");
        assert_eq!(short_team("Manchester City", Sport::Epl), "Manchester City");
        assert_eq!(
            outcome_label(Market::Totals.as_str(), "Over", Some(220.5), Sport::Nba),
            "O 220.5"
        );
        assert_eq!(
            outcome_label(
                Market::Spreads.as_str(),
                "Miami Heat",
                Some(4.0),
                Sport::Nba
            ),
            "Heat +4"
        );
    }
}
