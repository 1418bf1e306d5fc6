//! The page's door to the user's own account: the bet ledger (My bets), the
//! responsible-gambling limits and the house's stake rules the slip checks as you type.
//!
//! Plain data crosses the wire (cents, basis points, times already written out in UTC), so the
//! browser needs no ledger code; the rules themselves stay in `ledger::limits` on the server,
//! which every change goes through. Every call is scoped to the caller, admitted by the same
//! auth as the chat (`door::caller`).

use crate::domain::BetStatus;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Which bets the ledger lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    #[default]
    All,
    Open,
    Settled,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 3] = [Self::All, Self::Open, Self::Settled];

    /// The URL spelling (`?status=open`).
    pub fn key(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Open => "open",
            Self::Settled => "settled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::All => "All bets",
            Self::Open => "Open",
            Self::Settled => "Settled",
        }
    }

    /// Unknown spellings read as `All` (a hand-edited URL still shows the ledger).
    pub fn from_key(key: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|f| f.key() == key)
            .unwrap_or_default()
    }

    pub fn admits(self, status: BetStatus) -> bool {
        match self {
            Self::All => true,
            Self::Open => status == BetStatus::Pending,
            Self::Settled => status != BetStatus::Pending,
        }
    }
}

/// The totals over the bets shown (the server's `ledger::summary` rules).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BetsSummary {
    pub open_count: usize,
    pub open_stake_cents: i64,
    pub settled_count: usize,
    pub won: usize,
    pub lost: usize,
    /// Pushes and voids.
    pub returned: usize,
    pub turnover_cents: i64,
    pub profit_cents: i64,
    pub roi_bp: Option<i64>,
    pub avg_clv_bp: Option<i64>,
    pub clv_bets: usize,
}

/// One tracked bet as My bets lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BetLine {
    pub id: String,
    /// `Orlando Magic ML` or `3-leg parlay`.
    pub title: String,
    /// The picks and their results.
    pub detail: String,
    /// Sport keys of its legs (`nba`), each once.
    pub sports: Vec<String>,
    pub status: BetStatus,
    pub stake_cents: i64,
    /// What it pays if it wins (open) or what it paid (settled).
    pub payout_cents: i64,
    /// Settled bets only: what it paid minus the stake.
    pub profit_cents: Option<i64>,
    pub clv_bp: Option<i64>,
    /// When it was locked in, in UTC words.
    pub placed: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BetsView {
    pub summary: BetsSummary,
    /// The bets the filters admit, newest first.
    pub rows: Vec<BetLine>,
    /// Every sport the user has bet on (the sport filter's choices).
    pub sports: Vec<String>,
    /// All of the user's bets, before filters (0: the empty state).
    pub total_bets: usize,
    pub demo: bool,
}

/// One limit as the panel shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LimitLineView {
    /// `daily_stake`, `weekly_stake`, `weekly_loss`.
    pub kind: String,
    pub label: String,
    pub current_cents: Option<i64>,
    /// A loosening waiting for its time: the new value (`None` = no limit) and when.
    pub pending: Option<(Option<i64>, String)>,
    pub used_cents: i64,
    pub window: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LimitsPanelView {
    pub lines: Vec<LimitLineView>,
    pub cool_off_until: Option<String>,
    pub self_excluded_until: Option<String>,
    pub loosen_delay_hours: u64,
    pub self_exclusion_days: u64,
    /// What the last change did, in words (empty when just shown).
    pub message: Option<String>,
}

/// The house's stake rules, which the slip checks as the bettor types (the server checks them
/// again on every action).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseStakeRules {
    pub min_stake_cents: i64,
    pub max_stake_cents: i64,
    pub max_payout_cents: i64,
}

/// Why an account call failed, typed so the page can tell the bettor's mistake (with the
/// reason to correct it) from an outage or a lost connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AccountError {
    /// The request cannot be done as asked (a bad amount, an unknown limit, no session).
    #[error("{0}")]
    Refused(String),
    /// The ledger or the limits could not be read or written; try again later.
    #[error("{0}")]
    Unavailable(String),
    /// The request did not get through (or its answer could not be read).
    #[error("could not reach the server ({0}); check the connection and try again")]
    Transport(String),
}

impl FromServerFnError for AccountError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::ServerError(message) => AccountError::Refused(message),
            other => AccountError::Transport(other.to_string()),
        }
    }
}

/// The caller's ledger, filtered by status and sport (`""` = every sport).
#[server(endpoint = "ui/my_bets")]
pub async fn my_bets(status: StatusFilter, sport: String) -> Result<BetsView, AccountError> {
    let (user, state) = backend::caller().await?;
    let bets = state
        .engine
        .ledger(&user)
        .bets()
        .await
        .map_err(|e| backend::unavailable("the ledger", e))?;
    Ok(backend::bets_view(&bets, status, &sport))
}

/// The caller's limits, with what has been staked and lost in their windows.
#[server(endpoint = "ui/my_limits")]
pub async fn my_limits() -> Result<LimitsPanelView, AccountError> {
    let (user, state) = backend::caller().await?;
    backend::limits_panel(&state, &user, None).await
}

/// Sets one limit from dollars as typed (`""` or `0` removes it): tighter at once, looser
/// only after the configured delay.
#[server(endpoint = "ui/set_limit")]
pub async fn set_limit(kind: String, dollars: String) -> Result<LimitsPanelView, AccountError> {
    let (user, state) = backend::caller().await?;
    backend::set_limit(&state, &user, &kind, &dollars).await
}

/// Starts (or extends) a cool-off of `24h`, `7d` or `30d`, or self-excludes (`self_exclude`).
/// Neither can be shortened.
#[server(endpoint = "ui/take_break")]
pub async fn take_break(length: String) -> Result<LimitsPanelView, AccountError> {
    let (user, state) = backend::caller().await?;
    backend::take_break(&state, &user, &length).await
}

#[server(endpoint = "ui/stake_rules")]
pub async fn stake_rules() -> Result<HouseStakeRules, AccountError> {
    let state = super::door::app_state().map_err(|e| AccountError::Unavailable(e.to_string()))?;
    let betting = &state.config.app.betting;
    Ok(HouseStakeRules {
        min_stake_cents: betting.min_stake_cents,
        max_stake_cents: betting.max_stake_cents,
        max_payout_cents: betting.max_payout_cents,
    })
}

#[cfg(feature = "ssr")]
mod backend {
    use super::*;
    use crate::domain::Cents;
    use crate::ledger::limits::{self, Exposure, LimitChange, LimitKind, UserLimits};
    use crate::ledger::summary::summarize;
    use crate::server::AppState;
    use crate::store::{LedgerBet, StoreError};
    use crate::widgets::limits::utc_text;
    use chrono::Duration;

    /// Largest limit accepted from the page: $1,000,000 (as the `set_limits` tool).
    const MAX_LIMIT_CENTS: i64 = 100_000_000;

    pub fn unavailable(what: &str, e: StoreError) -> AccountError {
        tracing::error!(error = %e, "{what} is unavailable");
        status(axum::http::StatusCode::SERVICE_UNAVAILABLE);
        AccountError::Unavailable(format!(
            "{what} is unavailable right now; try again shortly"
        ))
    }

    fn status(code: axum::http::StatusCode) {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(code);
        }
    }

    /// The caller, admitted as a chat request is (a refusal keeps its reason).
    pub async fn caller() -> Result<(String, AppState), AccountError> {
        super::super::door::caller().await.map_err(|e| match e {
            ServerFnError::ServerError(message) => AccountError::Refused(message),
            other => AccountError::Unavailable(other.to_string()),
        })
    }

    fn sports_of(bet: &LedgerBet) -> Vec<String> {
        let mut sports: Vec<String> = Vec::new();
        for leg in &bet.legs {
            if !sports.contains(&leg.sport) {
                sports.push(leg.sport.clone());
            }
        }
        sports
    }

    /// The ledger as My bets shows it: the summary is over the bets the filters admit.
    pub fn bets_view(bets: &[LedgerBet], status: StatusFilter, sport: &str) -> BetsView {
        let mut sports: Vec<String> = bets.iter().flat_map(sports_of).collect();
        sports.sort();
        sports.dedup();
        let shown: Vec<LedgerBet> = bets
            .iter()
            .filter(|b| status.admits(b.bet.status))
            .filter(|b| sport.is_empty() || b.legs.iter().any(|l| l.sport == sport))
            .cloned()
            .collect();
        let view = summarize(&shown, crate::ids::now());
        let rows = view
            .rows
            .iter()
            .zip(&shown)
            .map(|(row, bet)| BetLine {
                id: row.bet_id.clone(),
                title: row.title.clone(),
                detail: row.detail.clone(),
                sports: sports_of(bet),
                status: row.status,
                stake_cents: row.stake.get(),
                payout_cents: row.payout.get(),
                profit_cents: row
                    .status
                    .is_settled()
                    .then(|| bet.payout_actual_cents.unwrap_or(0) - row.stake.get()),
                clv_bp: row.clv_bp,
                placed: utc_text(row.placed_at),
            })
            .collect();
        BetsView {
            summary: BetsSummary {
                open_count: view.open_count,
                open_stake_cents: view.open_stake.get(),
                settled_count: view.settled_count,
                won: view.won,
                lost: view.lost,
                returned: view.returned,
                turnover_cents: view.turnover.get(),
                profit_cents: view.profit.get(),
                roi_bp: view.roi_bp,
                avg_clv_bp: view.avg_clv_bp,
                clv_bets: view.clv_bets,
            },
            rows,
            sports,
            total_bets: bets.len(),
            demo: view.demo,
        }
    }

    fn kind_key(kind: LimitKind) -> &'static str {
        match kind {
            LimitKind::DailyStake => "daily_stake",
            LimitKind::WeeklyStake => "weekly_stake",
            LimitKind::WeeklyLoss => "weekly_loss",
        }
    }

    pub fn panel(
        limits: &UserLimits,
        exposure: Exposure,
        state: &AppState,
        message: Option<String>,
    ) -> LimitsPanelView {
        let config = &state.config.app.responsible_gambling;
        let now = crate::ids::now();
        LimitsPanelView {
            lines: limits
                .usage(exposure)
                .into_iter()
                .map(|u| LimitLineView {
                    kind: kind_key(u.kind).into(),
                    label: u.kind.label().into(),
                    current_cents: u.slot.current,
                    pending: u
                        .slot
                        .pending
                        .as_ref()
                        .map(|p| (p.value, utc_text(p.effective_at))),
                    used_cents: u.used,
                    window: u.window.into(),
                })
                .collect(),
            cool_off_until: limits.cool_off_until.filter(|u| *u > now).map(utc_text),
            self_excluded_until: limits
                .self_excluded_until
                .filter(|u| *u > now)
                .map(utc_text),
            loosen_delay_hours: config.loosen_delay_hours,
            self_exclusion_days: config.self_exclusion_days,
            message,
        }
    }

    async fn exposure(state: &AppState, user: &str) -> Result<Exposure, StoreError> {
        limits::exposure(&state.engine.ledger(user), crate::ids::now()).await
    }

    pub async fn limits_panel(
        state: &AppState,
        user: &str,
        message: Option<String>,
    ) -> Result<LimitsPanelView, AccountError> {
        let config = &state.config.app.responsible_gambling;
        let fail = |e| unavailable("your limits", e);
        let limits = limits::load(&state.engine.ledger(user), config, crate::ids::now())
            .await
            .map_err(fail)?;
        let exposure = exposure(state, user).await.map_err(fail)?;
        Ok(panel(&limits, exposure, state, message))
    }

    /// A refusal the bettor can correct: 400 with the reason.
    fn refuse(message: impl Into<String>) -> AccountError {
        status(axum::http::StatusCode::BAD_REQUEST);
        AccountError::Refused(message.into())
    }

    /// `""`/`0` → no limit; else whole cents within bounds.
    pub fn limit_value(dollars: &str) -> Result<Option<i64>, String> {
        let text = dollars.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let cents = Cents::parse_dollars(text).map_err(|e| format!("{e}"))?;
        match cents.get() {
            0 => Ok(None),
            c if (1..=MAX_LIMIT_CENTS).contains(&c) => Ok(Some(c)),
            _ => Err(format!(
                "a limit is $0.01 to {} (empty or 0 removes it)",
                Cents::new(MAX_LIMIT_CENTS)
            )),
        }
    }

    pub async fn set_limit(
        state: &AppState,
        user: &str,
        kind: &str,
        dollars: &str,
    ) -> Result<LimitsPanelView, AccountError> {
        let kind = LimitKind::ALL
            .into_iter()
            .find(|k| kind_key(*k) == kind)
            .ok_or_else(|| refuse(format!("unknown limit {kind:?}")))?;
        let value = limit_value(dollars).map_err(refuse)?;
        let config = &state.config.app.responsible_gambling;
        let ledger = state.engine.ledger(user);
        let fail = |e| unavailable("your limits", e);
        let now = crate::ids::now();
        let mut current = limits::load(&ledger, config, now).await.map_err(fail)?;
        let shown = value.map_or_else(|| "no limit".to_owned(), |c| Cents::new(c).to_string());
        let delay = Duration::hours(config.loosen_delay_hours as i64);
        let message = match current.request(kind, value, now, delay) {
            LimitChange::Immediate => format!("{} set to {shown}, in force now.", kind.label()),
            LimitChange::Scheduled(at) => format!(
                "{} goes to {shown} from {} (loosening waits {} hours); the current limit holds until then.",
                kind.label(),
                utc_text(at),
                config.loosen_delay_hours
            ),
        };
        limits::save(&ledger, &current).await.map_err(fail)?;
        limits_panel(state, user, Some(message)).await
    }

    pub async fn take_break(
        state: &AppState,
        user: &str,
        length: &str,
    ) -> Result<LimitsPanelView, AccountError> {
        let config = &state.config.app.responsible_gambling;
        let ledger = state.engine.ledger(user);
        let fail = |e| unavailable("your limits", e);
        let now = crate::ids::now();
        let mut current = limits::load(&ledger, config, now).await.map_err(fail)?;
        let message = match length {
            "24h" | "7d" | "30d" => {
                let length = match length {
                    "24h" => Duration::hours(24),
                    "7d" => Duration::days(7),
                    _ => Duration::days(30),
                };
                let until = current.cool_off(now, length);
                format!("Cool-off: no bets until {}.", utc_text(until))
            }
            "self_exclude" => {
                let until =
                    current.self_exclude(now, Duration::days(config.self_exclusion_days as i64));
                format!(
                    "Self-excluded: no bets until {}. This cannot be undone early.",
                    utc_text(until)
                )
            }
            other => return Err(refuse(format!("unknown break {other:?}"))),
        };
        limits::save(&ledger, &current).await.map_err(fail)?;
        limits_panel(state, user, Some(message)).await
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn limits_read_as_typed_and_empty_removes() {
            assert_eq!(limit_value(""), Ok(None));
            assert_eq!(limit_value(" 0 "), Ok(None));
            assert_eq!(limit_value("50"), Ok(Some(5_000)));
            assert_eq!(limit_value("$1,000.50"), Ok(Some(100_050)));
            assert!(limit_value("-5").is_err());
            assert!(limit_value("abc").is_err());
            assert!(limit_value("2000000").is_err());
        }

        fn leg(sport: &str, status: BetStatus) -> crate::store::LegRecord {
            let t = chrono::Utc::now();
            crate::store::LegRecord {
                bet_id: "b".into(),
                leg_index: 0,
                user_id: "u".into(),
                event_id: "e".into(),
                sport: sport.into(),
                home_team: "Orlando Magic".into(),
                away_team: "Milwaukee Bucks".into(),
                commence_time: t,
                market: crate::betting::Market::H2h,
                selection: "Orlando Magic".into(),
                line: None,
                price_decimal: crate::domain::DecimalOdds::from_ratio(2, 1).unwrap(),
                price_american: 100,
                book: "demo".into(),
                book_quote_at: None,
                rule_scope: "including_overtime".into(),
                result: status,
                settled_at: None,
                home_score: None,
                away_score: None,
                closing_price: None,
                closing_fair: None,
                closing_quote_at: None,
                clv_bp: None,
            }
        }

        fn bet(id: &str, sport: &str, status: BetStatus, paid: Option<i64>) -> LedgerBet {
            LedgerBet {
                bet: crate::store::BetRecord {
                    id: id.into(),
                    user_id: "u".into(),
                    thread_id: None,
                    idempotency_key: id.into(),
                    stake_cents: 10_000,
                    payout_cents: 20_000,
                    odds_american: 100,
                    legs: "[]".into(),
                    status,
                    created_at: "2025-01-15T17:00:00Z".parse().unwrap(),
                },
                demo: true,
                settled_at: None,
                payout_actual_cents: paid,
                clv_bp: Some(250),
                legs: vec![leg(sport, status)],
            }
        }

        #[test]
        fn my_bets_filters_then_sums_what_it_shows() {
            let bets = [
                bet("b1", "nba", BetStatus::Pending, None),
                bet("b2", "nba", BetStatus::Won, Some(20_000)),
                bet("b3", "epl", BetStatus::Lost, Some(0)),
            ];
            let all = bets_view(&bets, StatusFilter::All, "");
            assert_eq!(all.total_bets, 3);
            assert_eq!(all.sports, ["epl", "nba"]);
            assert_eq!(all.rows.len(), 3);
            // Won +$100, lost −$100: flat on $200 of turnover.
            assert_eq!(all.summary.profit_cents, 0);
            assert_eq!(all.summary.roi_bp, Some(0));
            assert_eq!(
                all.rows[0].profit_cents, None,
                "an open bet has no result yet"
            );
            assert_eq!(all.rows[1].profit_cents, Some(10_000));
            assert_eq!(all.rows[2].profit_cents, Some(-10_000));
            assert_eq!(all.rows[1].placed, "Wed Jan 15, 17:00 UTC");

            let nba_settled = bets_view(&bets, StatusFilter::Settled, "nba");
            assert_eq!(nba_settled.rows.len(), 1);
            assert_eq!(nba_settled.rows[0].id, "b2");
            assert_eq!(
                nba_settled.summary.roi_bp,
                Some(10_000),
                "+100% on the one NBA win"
            );
            assert_eq!(
                nba_settled.total_bets, 3,
                "the empty state counts every bet"
            );

            let open = bets_view(&bets, StatusFilter::Open, "epl");
            assert!(open.rows.is_empty());
            assert_eq!(open.summary.roi_bp, None);
        }

        #[test]
        fn status_filters_split_open_from_settled() {
            assert!(StatusFilter::Open.admits(BetStatus::Pending));
            assert!(!StatusFilter::Open.admits(BetStatus::Won));
            assert!(StatusFilter::Settled.admits(BetStatus::Push));
            assert!(!StatusFilter::Settled.admits(BetStatus::Pending));
            assert_eq!(StatusFilter::from_key("settled"), StatusFilter::Settled);
            assert_eq!(StatusFilter::from_key("bogus"), StatusFilter::All);
        }
    }
}
