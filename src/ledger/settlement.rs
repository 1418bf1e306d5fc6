//! The settlement task: every `interval` it claims a batch of pending bets, reads final
//! scores (and, before a start, fresh closing quotes) from the odds provider, grades each leg,
//! settles a bet once every leg has a result, and writes it back through the claim.
//!
//! Grading rules (what a sportsbook's house rules say, where the text is silent):
//! - A leg is graded only on a final score of its own event (matched by id, else by teams and
//!   start day, because ESPN and The Odds API ids differ).
//! - A game reported postponed or cancelled is void; so is one with no final score
//!   `void_after` past its scheduled start (books void games not played within 24–48 h).
//! - The provider's clock is "now", so the demo dataset settles on its own (moved) clock.
//! - Idempotent: a bet is written only while pending and claimed by this pass; a second pass,
//!   or a second server process, finds nothing left to do.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::closing::closing_quote;
use crate::betting::Market;
use crate::domain::{
    basis_points, clv, grade, grade_three_way, line_quarters, settle, ticket_clv, BetStatus,
    DecimalOdds, FinalScore, Pick, Side,
};
use crate::providers::{
    normalize_name, GameScore, GameStatus, OddsBoard, OddsProvider, OddsQuery, ScoresQuery, Sport,
};
use crate::store::{
    BetSettlement, Grading, LedgerBet, LegGrade, LegRecord, LegUpdate, SharedStore,
};

#[derive(Debug, Clone, PartialEq)]
pub struct SettlementConfig {
    /// Time between passes.
    pub interval: Duration,
    /// Bets claimed per pass.
    pub batch: i64,
    /// How long a claim holds if its process dies mid-pass.
    pub lease: Duration,
    /// A game with no final score this long after its start is void.
    pub void_after: Duration,
    /// The bookmakers the closing quotes are read from (empty: the provider's default set).
    pub books: Vec<String>,
    /// The sharp book whose closing line is the fair price for closing-line value.
    pub sharp_book: Option<String>,
}

/// The deployment's `[ledger]` settings, read by the ledger (config depends on nothing).
impl From<&crate::config::LedgerConfig> for SettlementConfig {
    fn from(c: &crate::config::LedgerConfig) -> Self {
        Self {
            interval: Duration::from_secs(c.settle_interval_secs),
            batch: i64::from(c.settle_batch),
            lease: Duration::from_secs(c.settle_lease_secs),
            void_after: Duration::from_secs(c.void_after_hours * 3600),
            ..Self::default()
        }
    }
}

impl SettlementConfig {
    /// Closing quotes read from `books`, with fair prices anchored to `sharp_book`.
    pub fn quoting(self, books: Vec<String>, sharp_book: Option<String>) -> Self {
        Self {
            books,
            sharp_book,
            ..self
        }
    }
}

impl Default for SettlementConfig {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(300),
            batch: 200,
            lease: Duration::from_secs(120),
            void_after: Duration::from_secs(48 * 3600),
            books: Vec::new(),
            sharp_book: None,
        }
    }
}

/// What one pass did (for logs and tests).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettlementReport {
    pub claimed: usize,
    pub legs_graded: usize,
    pub bets_settled: usize,
    pub closing_updated: usize,
}

pub struct Settler {
    store: SharedStore,
    odds: Arc<dyn OddsProvider>,
    config: SettlementConfig,
    /// Only this user's bets (settling on demand); `None` settles everyone's.
    user_id: Option<String>,
}

/// The provider data one pass reads per sport.
#[derive(Default)]
struct SportData {
    scores: Vec<GameScore>,
    board: Option<OddsBoard>,
}

impl Settler {
    pub fn new(store: SharedStore, odds: Arc<dyn OddsProvider>, config: SettlementConfig) -> Self {
        Self {
            store,
            odds,
            config,
            user_id: None,
        }
    }

    /// A settler for one user's bets only.
    pub fn for_user(mut self, user_id: &str) -> Self {
        self.user_id = Some(user_id.to_owned());
        self
    }

    /// Runs passes every `interval` until the task is aborted; the first pass runs at once.
    /// Processes sharing a Postgres database take turns: one pass per interval among them
    /// (each bet's claim keeps passes that overlap anyway from grading twice).
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(self.config.interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let cluster = self.store.cluster();
            loop {
                tick.tick().await;
                if let Some(cluster) = &cluster {
                    match cluster
                        .claim_periodic("settlement", self.config.interval)
                        .await
                    {
                        Ok(true) => {}
                        Ok(false) => continue,
                        Err(e) => {
                            tracing::warn!(error = %e, "settlement: cannot claim this pass");
                            continue;
                        }
                    }
                }
                metrics::counter!("pl_background_runs_total", "task" => "settlement").increment(1);
                match self.run_once().await {
                    Ok(r) if r.claimed > 0 => tracing::info!(
                        claimed = r.claimed,
                        legs_graded = r.legs_graded,
                        bets_settled = r.bets_settled,
                        closing_updated = r.closing_updated,
                        "settlement pass"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "settlement pass failed"),
                }
            }
        })
    }

    /// One pass over up to `batch` pending bets.
    pub async fn run_once(&self) -> Result<SettlementReport, String> {
        let now = self.odds.now();
        let claimer = uuid::Uuid::now_v7().to_string();
        let lease = chrono::Duration::from_std(self.config.lease).map_err(|e| e.to_string())?;
        let bets = self
            .store
            .claim_unsettled(
                &claimer,
                self.user_id.as_deref(),
                now,
                now + lease,
                self.config.batch,
            )
            .await
            .map_err(|e| e.to_string())?;
        let mut report = SettlementReport {
            claimed: bets.len(),
            ..Default::default()
        };
        let data = self.fetch(&bets, now).await;
        for bet in &bets {
            let grading = self.grade_bet(bet, now, &data, &mut report);
            let written = self
                .store
                .record_grading(&claimer, &grading)
                .await
                .map_err(|e| e.to_string())?;
            if written && grading.settlement.is_some() {
                report.bets_settled += 1;
            }
        }
        Ok(report)
    }

    /// Scores for every sport with a started leg; a board for every sport with a leg yet to
    /// start (its closing quote may still move). A provider error skips that sport this pass.
    async fn fetch(&self, bets: &[LedgerBet], now: DateTime<Utc>) -> HashMap<Sport, SportData> {
        let mut data: HashMap<Sport, SportData> = HashMap::new();
        let pending = bets
            .iter()
            .flat_map(|b| &b.legs)
            .filter(|l| l.result == BetStatus::Pending);
        let mut need_scores = Vec::new();
        let mut need_board = Vec::new();
        for leg in pending {
            let Some(sport) = Sport::from_key(&leg.sport) else {
                continue;
            };
            if leg.commence_time <= now {
                need_scores.push(sport);
            } else {
                need_board.push(sport);
            }
        }
        need_scores.sort();
        need_scores.dedup();
        need_board.sort();
        need_board.dedup();
        for sport in need_scores {
            let q = ScoresQuery {
                sport,
                days_from: Some(3),
            };
            match self.odds.scores(&q).await {
                Ok(board) => data.entry(sport).or_default().scores = board.games,
                Err(e) => tracing::warn!(%sport, error = %e, "settlement: scores unavailable"),
            }
        }
        for sport in need_board {
            let query = OddsQuery {
                bookmakers: self.config.books.clone(),
                ..OddsQuery::new(sport)
            };
            match self.odds.odds(&query).await {
                Ok(board) => data.entry(sport).or_default().board = Some(board),
                Err(e) => tracing::warn!(%sport, error = %e, "settlement: odds unavailable"),
            }
        }
        data
    }

    fn grade_bet(
        &self,
        bet: &LedgerBet,
        now: DateTime<Utc>,
        data: &HashMap<Sport, SportData>,
        report: &mut SettlementReport,
    ) -> Grading {
        let mut updates = Vec::new();
        // (result, taken price, closing fair) per leg after this pass.
        let mut legs_now: Vec<(BetStatus, DecimalOdds, Option<DecimalOdds>)> = Vec::new();
        for leg in &bet.legs {
            let sport = Sport::from_key(&leg.sport);
            let sport_data = sport.and_then(|s| data.get(&s));
            let mut update = LegUpdate {
                leg_index: leg.leg_index,
                closing: None,
                result: None,
                clv_bp: None,
            };
            let mut fair = leg.closing_fair.clone();
            if leg.result == BetStatus::Pending && leg.commence_time > now {
                if let (Some(board), Some(sport)) =
                    (sport_data.and_then(|d| d.board.as_ref()), sport)
                {
                    let quote = closing_quote(
                        board,
                        &leg.event_id,
                        leg.commence_time,
                        leg.market,
                        &leg.selection,
                        leg.line,
                        &leg.book,
                        sport,
                        self.config.sharp_book.as_deref(),
                    );
                    if let Some(q) =
                        quote.filter(|q| leg.closing_quote_at.is_none_or(|old| q.quote_at > old))
                    {
                        if let Some(f) = &q.fair {
                            fair = Some(f.clone());
                        }
                        update.closing = Some(q);
                        report.closing_updated += 1;
                    }
                }
            }
            let mut result = leg.result;
            if result == BetStatus::Pending && leg.commence_time <= now {
                let game = sport_data.and_then(|d| find_game(&d.scores, leg));
                if let Some(grade) = self.grade_leg(leg, game, now) {
                    result = grade.status;
                    update.result = Some(grade);
                    report.legs_graded += 1;
                }
            }
            let price = leg.price_decimal.clone();
            if let Some(f) = &fair {
                let bp = basis_points(&clv(&price, f));
                if leg.clv_bp != Some(bp) {
                    update.clv_bp = Some(bp);
                }
            }
            legs_now.push((result, price, fair));
            updates.push(update);
        }
        // Prices are exact types from the row: a stored price that does not read is refused
        // when the row is read (a corrupt row, named), not here.
        let settlement = {
            let results: Vec<(BetStatus, DecimalOdds)> =
                legs_now.iter().map(|(s, p, _)| (*s, p.clone())).collect();
            match settle(crate::domain::Cents::new(bet.bet.stake_cents), &results) {
                Ok(Some(s)) => Some(BetSettlement {
                    status: s.status,
                    payout_actual_cents: s.payout.get(),
                    clv_bp: ticket_clv(&legs_now).map(|c| basis_points(&c)),
                }),
                Ok(None) => None,
                Err(e) => {
                    tracing::warn!(bet_id = %bet.bet.id, error = %e, "settlement: payout failed");
                    None
                }
            }
        };
        Grading {
            user_id: bet.bet.user_id.clone(),
            bet_id: bet.bet.id.clone(),
            // When we settled it, by the wall clock (the loss limit's window), not the
            // provider's clock, which the demo moves.
            at: crate::ids::now(),
            legs: updates,
            settlement,
        }
    }

    /// The leg's grade from its game, or void past the window; `None` while undecided.
    fn grade_leg(
        &self,
        leg: &LegRecord,
        game: Option<&GameScore>,
        now: DateTime<Utc>,
    ) -> Option<LegGrade> {
        let void = || LegGrade {
            status: BetStatus::Void,
            home_score: None,
            away_score: None,
        };
        match game {
            Some(g) if g.status == GameStatus::Cancelled => return Some(void()),
            Some(g) if g.status == GameStatus::Final => {
                if let (Some(h), Some(a)) = (g.home_score, g.away_score) {
                    let score = FinalScore { home: h, away: a };
                    let status = grade_pick(leg, score)?;
                    return Some(LegGrade {
                        status,
                        home_score: Some(i64::from(h)),
                        away_score: Some(i64::from(a)),
                    });
                }
            }
            _ => {}
        }
        let window = chrono::Duration::from_std(self.config.void_after).ok()?;
        (now > leg.commence_time + window).then(void)
    }
}

/// The leg's game on the scoreboard: same id, else same teams starting within a day.
fn find_game<'a>(games: &'a [GameScore], leg: &LegRecord) -> Option<&'a GameScore> {
    games.iter().find(|g| g.id == leg.event_id).or_else(|| {
        games.iter().find(|g| {
            normalize_name(&g.home_team) == normalize_name(&leg.home_team)
                && normalize_name(&g.away_team) == normalize_name(&leg.away_team)
                && (g.commence_time - leg.commence_time).num_hours().abs() < 24
        })
    })
}

/// Grades a stored leg; `None` if its market, selection or line cannot be graded (it then
/// stays pending and voids after the window, like a game without a result).
pub fn grade_pick(leg: &LegRecord, score: FinalScore) -> Option<BetStatus> {
    let side = if leg.selection == leg.home_team {
        Some(Side::Home)
    } else if leg.selection == leg.away_team {
        Some(Side::Away)
    } else if leg.selection == "Draw" {
        Some(Side::Draw)
    } else {
        None
    };
    let quarters = || leg.line.and_then(line_quarters);
    let pick = match leg.market {
        Market::H2h => {
            let side = side?;
            // Soccer moneylines are 3-way: a draw loses both teams.
            if leg.sport == "epl" {
                return Some(grade_three_way(side, score));
            }
            Pick::Moneyline { side }
        }
        Market::Spreads => Pick::Spread {
            side: side.filter(|s| *s != Side::Draw)?,
            line_quarters: quarters()?,
        },
        Market::Totals => Pick::Total {
            over: match leg.selection.as_str() {
                "Over" => true,
                "Under" => false,
                _ => return None,
            },
            line_quarters: quarters()?,
        },
    };
    Some(grade(pick, score))
}
