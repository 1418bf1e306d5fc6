//! ESPN public site API client (providers.md §2): scoreboard with embedded odds as the
//! fallback [`OddsProvider`] (one book, moneyline/spread/total, no props), scores, and the
//! entry point for game logs (see `espn_gamelog`).
//!
//! Owns: scoreboard requests and the embedded-odds parser. ESPN has no key and no published
//! rate limit; the caches in front keep us polite. ESPN's `dates=` buckets are US Eastern days.

use crate::domain::{AmericanOdds, DecimalOdds};
use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::cache::TtlCache;
use super::error::ProviderError;
use super::model::*;
use super::wire;
use super::{OddsProvider, ProviderResult};

pub const NAME: &str = "ESPN";
pub const DEFAULT_SITE_BASE_URL: &str = "https://site.api.espn.com";
pub const DEFAULT_WEB_BASE_URL: &str = "https://site.web.api.espn.com";

/// ESPN's scoreboard days are US Eastern days, whatever the league (events are then filtered
/// by their exact UTC start time).
fn scoreboard_day(at: DateTime<Utc>) -> NaiveDate {
    crate::domain::fan_time::FanZone::UsEastern.day(at)
}

/// Most scoreboard days fetched for one odds query (each day is one request).
const MAX_DAYS: i64 = 4;

pub struct EspnClient {
    pub(crate) http: reqwest::Client,
    pub(crate) site: Url,
    pub(crate) web: Url,
    /// Slow-changing documents (athlete search, game logs, team lists, schedules) by URL:
    /// one stats answer asks for several stats of the same game log.
    docs: TtlCache<String, String>,
}

/// How long game logs, team lists and schedules are reused.
const DOC_TTL: std::time::Duration = std::time::Duration::from_secs(600);

impl EspnClient {
    pub fn new(
        http: reqwest::Client,
        site_base_url: &str,
        web_base_url: &str,
    ) -> ProviderResult<Self> {
        Ok(Self {
            http,
            site: wire::base_url(NAME, site_base_url)?,
            web: wire::base_url(NAME, web_base_url)?,
            docs: TtlCache::new(DOC_TTL),
        })
    }

    /// Like [`Self::get`], reusing a recent response for the same URL (ESPN needs no key, so
    /// the URL is safe to use as a key).
    pub(crate) async fn get_cached(
        &self,
        url: Url,
        params: &[(&str, String)],
    ) -> ProviderResult<String> {
        let mut keyed = url.clone();
        keyed
            .query_pairs_mut()
            .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())));
        self.docs
            .get_or_fetch(keyed.to_string(), self.get(url, params))
            .await
    }

    pub(crate) async fn get(&self, url: Url, params: &[(&str, String)]) -> ProviderResult<String> {
        let body = wire::read(NAME, self.http.get(url).query(params)).await?;
        if body.status.is_success() {
            Ok(body.text)
        } else {
            Err(wire::status_error(NAME, &body))
        }
    }

    async fn scoreboard(
        &self,
        sport: Sport,
        day: Option<NaiveDate>,
        provenance: &Provenance,
    ) -> ProviderResult<Vec<ScoreboardGame>> {
        let (s, l) = sport.espn_path();
        let url = wire::endpoint(
            &self.site,
            &["apis", "site", "v2", "sports", s, l, "scoreboard"],
        );
        let mut params = vec![("limit", "100".to_owned())];
        if let Some(day) = day {
            params.push(("dates", day.format("%Y%m%d").to_string()));
        }
        let text = self.get(url, &params).await?;
        parse_scoreboard(sport, &text, provenance)
    }

    /// Fetches each Eastern day touching the window (or just "today" without one).
    async fn games(
        &self,
        sport: Sport,
        days: Vec<NaiveDate>,
        provenance: &Provenance,
    ) -> ProviderResult<Vec<ScoreboardGame>> {
        let mut by_id = BTreeMap::new();
        if days.is_empty() {
            for g in self.scoreboard(sport, None, provenance).await? {
                by_id.insert(g.event.id.clone(), g);
            }
        }
        for day in days {
            for g in self.scoreboard(sport, Some(day), provenance).await? {
                by_id.insert(g.event.id.clone(), g);
            }
        }
        Ok(by_id.into_values().collect())
    }
}

fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<NaiveDate> {
    let first = scoreboard_day(from);
    let last = scoreboard_day(to);
    let mut out = Vec::new();
    let mut d = first;
    while d <= last && (out.len() as i64) < MAX_DAYS {
        out.push(d);
        d += Duration::days(1);
    }
    out
}

#[async_trait]
impl OddsProvider for EspnClient {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn sports(&self) -> ProviderResult<SportsList> {
        let sports = Sport::ALL
            .into_iter()
            .map(|s| SportInfo {
                key: s.odds_api_key().to_owned(),
                group: s.espn_path().0.to_owned(),
                title: s.title().to_owned(),
                description: format!("{} via ESPN scoreboard", s.title()),
                active: true,
                has_outrights: false,
            })
            .collect();
        Ok(SportsList {
            sports,
            provenance: Provenance::live(NAME, Utc::now()),
        })
    }

    async fn odds(&self, q: &OddsQuery) -> ProviderResult<OddsBoard> {
        let days = match (q.commence_from, q.commence_to) {
            (None, None) => Vec::new(),
            (from, to) => {
                let from = from.unwrap_or_else(Utc::now);
                days_between(from, to.unwrap_or(from + Duration::days(1)))
            }
        };
        let provenance = Provenance::live(NAME, Utc::now());
        let games = self.games(q.sport, days, &provenance).await?;
        let events = games
            .into_iter()
            .filter(|g| g.status != GameStatus::Final)
            .map(|g| g.event)
            .collect();
        Ok(super::odds_api::board(q, events, provenance))
    }

    async fn event_odds(&self, _q: &EventOddsQuery) -> ProviderResult<OddsEvent> {
        Err(ProviderError::Unsupported {
            provider: NAME,
            what: "player props or per-event markets".into(),
        })
    }

    async fn scores(&self, q: &ScoresQuery) -> ProviderResult<Scoreboard> {
        let today = scoreboard_day(Utc::now());
        let back = i64::from(q.days_from.unwrap_or(0).min(3));
        let days = (0..=back)
            .rev()
            .map(|n| today - Duration::days(n))
            .collect();
        let provenance = Provenance::live(NAME, Utc::now());
        let mut games: Vec<GameScore> = self
            .games(q.sport, days, &provenance)
            .await?
            .into_iter()
            .filter(|g| q.days_from.is_some() || g.status != GameStatus::Final)
            .map(|g| g.score)
            .collect();
        games.sort_by_key(|g| g.commence_time);
        Ok(Scoreboard {
            sport: q.sport,
            games,
            provenance,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Scoreboard wire format

#[derive(Deserialize)]
struct WireScoreboard {
    #[serde(default)]
    events: Vec<WireEvent>,
}

#[derive(Deserialize)]
struct WireEvent {
    id: String,
    date: String,
    #[serde(default)]
    status: Option<WireStatus>,
    #[serde(default)]
    competitions: Vec<WireCompetition>,
}

#[derive(Deserialize)]
pub(crate) struct WireStatus {
    #[serde(rename = "type")]
    pub kind: WireStatusType,
}

#[derive(Deserialize)]
pub(crate) struct WireStatusType {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub completed: bool,
    /// `STATUS_FINAL`, `STATUS_POSTPONED`, `STATUS_CANCELED`…
    #[serde(default)]
    pub name: String,
}

impl WireStatus {
    pub(crate) fn game_status(&self) -> GameStatus {
        // ESPN marks a postponed game "post" but not completed: it has no result to grade.
        if matches!(
            self.kind.name.as_str(),
            "STATUS_POSTPONED" | "STATUS_CANCELED" | "STATUS_ABANDONED"
        ) {
            return GameStatus::Cancelled;
        }
        match (self.kind.completed, self.kind.state.as_str()) {
            (true, _) | (_, "post") => GameStatus::Final,
            (_, "in") => GameStatus::Live,
            _ => GameStatus::Scheduled,
        }
    }
}

#[derive(Deserialize)]
struct WireCompetition {
    #[serde(default)]
    status: Option<WireStatus>,
    #[serde(default)]
    competitors: Vec<WireCompetitor>,
    #[serde(default)]
    odds: Vec<WireOdds>,
}

#[derive(Deserialize)]
pub(crate) struct WireCompetitor {
    #[serde(rename = "homeAway")]
    pub home_away: String,
    /// A string on the scoreboard, an object `{value, displayValue}` on team schedules.
    #[serde(default)]
    pub score: Option<Value>,
    pub team: WireTeam,
}

#[derive(Deserialize)]
pub(crate) struct WireTeam {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub abbreviation: Option<String>,
    #[serde(rename = "displayName")]
    pub display_name: String,
}

pub(crate) fn score_value(v: &Option<Value>) -> Option<u32> {
    let n = match v.as_ref()? {
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        Value::Number(n) => n.as_f64()?,
        Value::Object(o) => o
            .get("value")
            .and_then(Value::as_f64)
            .or_else(|| o.get("displayValue")?.as_str()?.trim().parse().ok())?,
        _ => return None,
    };
    (n >= 0.0).then_some(n.round() as u32)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireOdds {
    #[serde(default)]
    provider: Option<WireOddsProvider>,
    #[serde(default)]
    over_under: Option<Value>,
    #[serde(default)]
    spread: Option<Value>,
    #[serde(default)]
    over_odds: Option<Value>,
    #[serde(default)]
    under_odds: Option<Value>,
    #[serde(default)]
    home_team_odds: Option<WireTeamOdds>,
    #[serde(default)]
    away_team_odds: Option<WireTeamOdds>,
    #[serde(default)]
    draw_odds: Option<WireTeamOdds>,
    #[serde(default)]
    moneyline: Option<WireSides>,
    #[serde(default)]
    point_spread: Option<WireSides>,
    #[serde(default)]
    total: Option<WireSides>,
}

#[derive(Deserialize)]
struct WireOddsProvider {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    priority: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireTeamOdds {
    #[serde(default)]
    money_line: Option<Value>,
    #[serde(default)]
    spread_odds: Option<Value>,
}

/// `{home|away|over|under: {open, close}}`.
#[derive(Deserialize)]
struct WireSides {
    #[serde(default)]
    home: Option<WireOpenClose>,
    #[serde(default)]
    away: Option<WireOpenClose>,
    #[serde(default)]
    over: Option<WireOpenClose>,
    #[serde(default)]
    under: Option<WireOpenClose>,
}

#[derive(Deserialize)]
struct WireOpenClose {
    #[serde(default)]
    open: Option<WireLine>,
    #[serde(default)]
    close: Option<WireLine>,
}

#[derive(Deserialize, Clone)]
struct WireLine {
    #[serde(default)]
    odds: Option<Value>,
    #[serde(default)]
    line: Option<Value>,
}

impl WireOpenClose {
    /// The closing (current) line when it has a price, else the opening one.
    fn current(&self) -> Option<&WireLine> {
        let has_price = |l: &&WireLine| l.odds.as_ref().and_then(american).is_some();
        self.close
            .as_ref()
            .filter(has_price)
            .or(self.open.as_ref().filter(has_price))
    }
}

/// ESPN prices: `-440`, `"+340"`, `"EVEN"`.
/// ESPN quotes American odds only; they become the exact price they stand for.
fn american(v: &Value) -> Option<DecimalOdds> {
    let n = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => {
            let s = s.trim();
            if s.eq_ignore_ascii_case("even") || s.eq_ignore_ascii_case("ev") {
                100.0
            } else {
                s.trim_start_matches('+').parse().ok()?
            }
        }
        _ => return None,
    };
    if !(n.is_finite() && n.abs() >= 100.0 && n.abs() < 1e7) {
        return None;
    }
    AmericanOdds::new(n.round() as i32)
        .ok()
        .map(AmericanOdds::to_decimal)
}

/// Lines: `-10.5`, `"+7.5"`, `"o233.5"`, `"u233.5"`.
fn line(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s
            .trim()
            .trim_start_matches(['o', 'u', 'O', 'U', '+'])
            .parse()
            .ok(),
        _ => None,
    }
}

pub(crate) struct ScoreboardGame {
    pub event: OddsEvent,
    pub score: GameScore,
    pub status: GameStatus,
}

pub(crate) fn parse_scoreboard(
    sport: Sport,
    text: &str,
    provenance: &Provenance,
) -> ProviderResult<Vec<ScoreboardGame>> {
    let wire: WireScoreboard = wire::json(NAME, text)?;
    let mut out = Vec::new();
    for e in wire.events {
        let Some(comp) = e.competitions.into_iter().next() else {
            continue;
        };
        let home = comp.competitors.iter().find(|c| c.home_away == "home");
        let away = comp.competitors.iter().find(|c| c.home_away == "away");
        let (Some(home), Some(away)) = (home, away) else {
            continue;
        };
        let Some(commence) = wire::parse_time(&e.date) else {
            return Err(ProviderError::malformed(
                NAME,
                format!("bad event date {:?}", e.date),
            ));
        };
        let status = e
            .status
            .as_ref()
            .or(comp.status.as_ref())
            .map(WireStatus::game_status);
        let status = status.unwrap_or(GameStatus::Scheduled);
        let home_team = home.team.display_name.clone();
        let away_team = away.team.display_name.clone();
        let book = comp
            .odds
            .iter()
            .min_by_key(|o| {
                o.provider
                    .as_ref()
                    .and_then(|p| p.priority)
                    .unwrap_or(i64::MAX)
            })
            .and_then(|o| bookmaker(sport, o, &home_team, &away_team));
        let started = status != GameStatus::Scheduled;
        out.push(ScoreboardGame {
            event: OddsEvent {
                id: e.id.clone(),
                sport_key: sport.odds_api_key().to_owned(),
                sport_title: sport.title().to_owned(),
                commence_time: commence,
                home_team: home_team.clone(),
                away_team: away_team.clone(),
                bookmakers: book.into_iter().collect(),
                provenance: provenance.clone(),
            },
            score: GameScore {
                id: e.id,
                sport_key: sport.odds_api_key().to_owned(),
                commence_time: commence,
                home_team,
                away_team,
                home_score: if started {
                    score_value(&home.score)
                } else {
                    None
                },
                away_score: if started {
                    score_value(&away.score)
                } else {
                    None
                },
                status,
                last_update: Some(provenance.as_of),
            },
            status,
        });
    }
    Ok(out)
}

fn bookmaker(sport: Sport, o: &WireOdds, home: &str, away: &str) -> Option<Bookmaker> {
    let book_name = o
        .provider
        .as_ref()
        .and_then(|p| p.name.clone())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "ESPN".to_owned());
    let mut markets = Vec::new();
    let side = |s: &Option<WireSides>, pick: fn(&WireSides) -> &Option<WireOpenClose>| {
        s.as_ref()
            .and_then(|s| pick(s).as_ref())
            .and_then(|oc| oc.current().cloned())
    };
    let price = |l: &Option<WireLine>| l.as_ref().and_then(|l| l.odds.as_ref()).and_then(american);
    let point = |l: &Option<WireLine>| l.as_ref().and_then(|l| l.line.as_ref()).and_then(line);
    let team_odds = |t: &Option<WireTeamOdds>, f: fn(&WireTeamOdds) -> &Option<Value>| {
        t.as_ref().and_then(|t| f(t).as_ref()).and_then(american)
    };

    // Moneyline: structured close/open first, then the flat numbers older feeds carry.
    let ml_home =
        price(&side(&o.moneyline, |s| &s.home)).or(team_odds(&o.home_team_odds, |t| &t.money_line));
    let ml_away =
        price(&side(&o.moneyline, |s| &s.away)).or(team_odds(&o.away_team_odds, |t| &t.money_line));
    if let (Some(h), Some(a)) = (ml_home, ml_away) {
        let mut outcomes = vec![outcome(home, h, None), outcome(away, a, None)];
        if sport == Sport::Epl {
            if let Some(d) = team_odds(&o.draw_odds, |t| &t.money_line) {
                outcomes.push(outcome("Draw", d, None));
            }
        }
        markets.push(MarketOdds {
            key: Market::H2h.as_str().into(),
            last_update: None,
            outcomes,
        });
    }

    // Spread: `spread` is from the home side's perspective.
    let sp_home = side(&o.point_spread, |s| &s.home);
    let sp_away = side(&o.point_spread, |s| &s.away);
    let home_line = point(&sp_home).or(o.spread.as_ref().and_then(line));
    let away_line = point(&sp_away).or(home_line.map(|h| -h));
    let home_price = price(&sp_home).or(team_odds(&o.home_team_odds, |t| &t.spread_odds));
    let away_price = price(&sp_away).or(team_odds(&o.away_team_odds, |t| &t.spread_odds));
    if let (Some(hl), Some(al), Some(hp), Some(ap)) = (home_line, away_line, home_price, away_price)
    {
        markets.push(MarketOdds {
            key: Market::Spreads.as_str().into(),
            last_update: None,
            outcomes: vec![outcome(home, hp, Some(hl)), outcome(away, ap, Some(al))],
        });
    }

    let over = side(&o.total, |s| &s.over);
    let under = side(&o.total, |s| &s.under);
    let total = point(&over)
        .or(point(&under))
        .or(o.over_under.as_ref().and_then(line));
    let over_price = price(&over).or(o.over_odds.as_ref().and_then(american));
    let under_price = price(&under).or(o.under_odds.as_ref().and_then(american));
    if let (Some(t), Some(op), Some(up)) = (total, over_price, under_price) {
        markets.push(MarketOdds {
            key: Market::Totals.as_str().into(),
            last_update: None,
            outcomes: vec![outcome("Over", op, Some(t)), outcome("Under", up, Some(t))],
        });
    }

    if markets.is_empty() {
        return None;
    }
    let slug: String = book_name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    Some(Bookmaker {
        key: format!("espn_{slug}"),
        title: format!("{book_name} (via ESPN)"),
        last_update: None,
        markets,
    })
}

fn outcome(name: &str, price: DecimalOdds, point: Option<f64>) -> Outcome {
    Outcome {
        name: name.to_owned(),
        price,
        point,
        description: None,
    }
}
