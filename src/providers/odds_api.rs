//! The Odds API v4 client (providers.md §1) and its wire-format parser.
//!
//! Owns: requests to `/v4/sports`, `/v4/sports/{sport}/odds`, `/events/{id}/odds` and
//! `/scores` (decimal odds, read exactly: 1.87 is 187/100; ISO dates), the mapping of its error bodies to
//! [`ProviderError`] (out-of-credits is a 401, told apart from a bad key by `error_code`), and
//! logging of the quota headers. The key travels as the `apiKey` query parameter, so URLs are
//! never logged. The parsers are `pub(crate)` because the demo dataset stores this exact format.

use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use url::Url;

use super::error::{scrub, ProviderError};
use super::model::*;
use super::wire::{self, Body};
use super::{OddsProvider, ProviderResult};
use crate::domain::{AmericanOdds, DecimalOdds};

pub const NAME: &str = "The Odds API";
pub const DEFAULT_BASE_URL: &str = "https://api.the-odds-api.com";

/// Quota as reported by the last response's `x-requests-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Quota {
    pub remaining: Option<f64>,
    pub used: Option<f64>,
    pub last: Option<f64>,
}

pub struct OddsApiClient {
    http: reqwest::Client,
    base: Url,
    api_key: String,
    regions: String,
    quota: Mutex<Option<Quota>>,
}

impl OddsApiClient {
    /// `regions` is The Odds API's comma list (`"us"`, `"us,us2"`, `"uk"`...).
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        api_key: impl Into<String>,
        regions: impl Into<String>,
    ) -> ProviderResult<Self> {
        let api_key = api_key.into();
        if api_key.trim().is_empty() {
            return Err(ProviderError::InvalidKey { provider: NAME });
        }
        Ok(Self {
            http,
            base: wire::base_url(NAME, base_url)?,
            api_key,
            regions: regions.into(),
            quota: Mutex::new(None),
        })
    }

    /// The quota seen on the most recent response, for status pages.
    pub fn last_quota(&self) -> Option<Quota> {
        self.quota.lock().ok().and_then(|q| *q)
    }

    async fn get(&self, segments: &[&str], params: &[(&str, String)]) -> ProviderResult<String> {
        let url = wire::endpoint(&self.base, segments);
        let request = self
            .http
            .get(url)
            .query(&[("apiKey", self.api_key.as_str())])
            .query(params);
        let body = wire::read(NAME, request).await?;
        self.record_quota(&body);
        if body.status.is_success() {
            Ok(body.text)
        } else {
            Err(self.error(&body))
        }
    }

    fn record_quota(&self, body: &Body) {
        let header = |name: &str| {
            body.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<f64>().ok())
        };
        let quota = Quota {
            remaining: header("x-requests-remaining"),
            used: header("x-requests-used"),
            last: header("x-requests-last"),
        };
        if quota == Quota::default() {
            return; // some error responses carry no quota headers
        }
        tracing::info!(
            provider = NAME,
            remaining = quota.remaining,
            used = quota.used,
            last = quota.last,
            "odds api quota"
        );
        if let Ok(mut q) = self.quota.lock() {
            *q = Some(quota);
        }
    }

    fn error(&self, body: &Body) -> ProviderError {
        #[derive(Deserialize)]
        struct ErrorBody {
            #[serde(default)]
            message: String,
            #[serde(default)]
            error_code: String,
        }
        let parsed: Option<ErrorBody> = serde_json::from_str(&body.text).ok();
        let (code, message) = parsed
            .map(|b| (b.error_code, scrub(&b.message, Some(&self.api_key))))
            .unwrap_or_default();
        let status = body.status.as_u16();
        tracing::warn!(provider = NAME, status, %code, "odds api error");
        match (status, code.as_str()) {
            (_, "OUT_OF_USAGE_CREDITS") => ProviderError::OutOfCredits { provider: NAME },
            (401, _) | (_, "MISSING_KEY" | "INVALID_KEY" | "DEACTIVATED_KEY") => {
                ProviderError::InvalidKey { provider: NAME }
            }
            (429, _) | (_, "EXCEEDED_FREQ_LIMIT") => ProviderError::RateLimited {
                provider: NAME,
                retry_after: wire::retry_after(&body.headers),
            },
            (404, _) | (_, "UNKNOWN_SPORT" | "EVENT_NOT_FOUND" | "INVALID_EVENT_ID") => {
                ProviderError::NotFound {
                    provider: NAME,
                    what: if message.is_empty() {
                        "that sport or event".into()
                    } else {
                        message
                    },
                }
            }
            (400..=499, _) => ProviderError::InvalidRequest {
                provider: NAME,
                code: if code.is_empty() {
                    status.to_string()
                } else {
                    code
                },
                message: if message.is_empty() {
                    format!("HTTP {status}")
                } else {
                    message
                },
            },
            _ => ProviderError::Upstream {
                provider: NAME,
                status,
            },
        }
    }

    fn provenance(&self) -> Provenance {
        Provenance::live(NAME, Utc::now())
    }
}

fn iso(t: DateTime<Utc>) -> String {
    // The API rejects fractional seconds in commenceTime*.
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[async_trait]
impl OddsProvider for OddsApiClient {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn sports(&self) -> ProviderResult<SportsList> {
        let text = self.get(&["v4", "sports"], &[]).await?;
        parse_sports(&text, self.provenance())
    }

    async fn odds(&self, q: &OddsQuery) -> ProviderResult<OddsBoard> {
        let mut params = vec![
            ("markets", q.market_keys().join(",")),
            ("oddsFormat", "decimal".to_owned()),
            ("dateFormat", "iso".to_owned()),
        ];
        if q.bookmakers.is_empty() {
            params.push(("regions", self.regions.clone()));
        } else {
            params.push(("bookmakers", q.bookmakers.join(",")));
        }
        if let Some(from) = q.commence_from {
            params.push(("commenceTimeFrom", iso(from)));
        }
        if let Some(to) = q.commence_to {
            params.push(("commenceTimeTo", iso(to)));
        }
        let text = self
            .get(&["v4", "sports", q.sport.odds_api_key(), "odds"], &params)
            .await?;
        let provenance = self.provenance();
        let events = parse_events(&text, PriceFormat::Decimal, &provenance)?;
        Ok(board(q, events, provenance))
    }

    async fn event_odds(&self, q: &EventOddsQuery) -> ProviderResult<OddsEvent> {
        let mut params = vec![
            ("regions", self.regions.clone()),
            ("oddsFormat", "decimal".to_owned()),
            ("dateFormat", "iso".to_owned()),
        ];
        if !q.markets.is_empty() {
            params.push(("markets", q.markets.join(",")));
        }
        let segments = [
            "v4",
            "sports",
            q.sport.odds_api_key(),
            "events",
            q.event_id.as_str(),
            "odds",
        ];
        let text = self.get(&segments, &params).await?;
        parse_event(&text, PriceFormat::Decimal, &self.provenance())
    }

    async fn scores(&self, q: &ScoresQuery) -> ProviderResult<Scoreboard> {
        let mut params = vec![("dateFormat", "iso".to_owned())];
        if let Some(days) = q.days_from {
            params.push(("daysFrom", days.clamp(1, 3).to_string()));
        }
        let text = self
            .get(&["v4", "sports", q.sport.odds_api_key(), "scores"], &params)
            .await?;
        parse_scores(q.sport, &text, self.provenance())
    }
}

/// Applies the query's team/time/market/bookmaker filters and sorts by start time. Every
/// odds provider ends with this, so all of them filter the same way.
pub(crate) fn board(
    q: &OddsQuery,
    mut events: Vec<OddsEvent>,
    provenance: Provenance,
) -> OddsBoard {
    let markets = q.market_keys();
    events.retain(|e| q.accepts(&e.home_team, &e.away_team, e.commence_time));
    events = events
        .into_iter()
        .map(|e| select_markets(e, &markets, &q.bookmakers))
        .collect();
    events.sort_by(|a, b| a.commence_time.cmp(&b.commence_time).then(a.id.cmp(&b.id)));
    OddsBoard {
        sport: q.sport,
        events,
        provenance,
    }
}

/// The configured book list names The Odds API's keys; ESPN's one embedded book (`espn_…`, not
/// the provider's own `espnbet`) and the demo dataset's fictional books are never filtered out
/// by it (else an ESPN fallback would show games with no prices at all).
fn is_odds_api_key(key: &str) -> bool {
    !(key.starts_with("espn_") || key.starts_with("demobook"))
}

/// Keeps only the given markets (all when empty) and bookmakers (all when empty); drops
/// bookmakers left with no market.
pub(crate) fn select_markets(
    mut event: OddsEvent,
    markets: &[String],
    bookmakers: &[String],
) -> OddsEvent {
    event.bookmakers.retain(|b| {
        bookmakers.is_empty() || bookmakers.contains(&b.key) || !is_odds_api_key(&b.key)
    });
    for b in &mut event.bookmakers {
        b.markets
            .retain(|m| markets.is_empty() || markets.contains(&m.key));
    }
    event.bookmakers.retain(|b| !b.markets.is_empty());
    event
}

// ---------------------------------------------------------------------------------------------
// Wire format

#[derive(Deserialize)]
struct WireSport {
    key: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    active: bool,
    #[serde(default)]
    has_outrights: bool,
}

#[derive(Deserialize)]
struct WireEvent {
    id: String,
    sport_key: String,
    #[serde(default)]
    sport_title: String,
    commence_time: DateTime<Utc>,
    home_team: String,
    away_team: String,
    #[serde(default)]
    bookmakers: Vec<WireBookmaker>,
}

#[derive(Deserialize)]
struct WireBookmaker {
    key: String,
    title: String,
    #[serde(default)]
    last_update: Option<DateTime<Utc>>,
    #[serde(default)]
    markets: Vec<WireMarket>,
}

#[derive(Deserialize)]
struct WireMarket {
    key: String,
    #[serde(default)]
    last_update: Option<DateTime<Utc>>,
    #[serde(default)]
    outcomes: Vec<WireOutcome>,
}

/// How a response's prices are written: we ask The Odds API for decimal (`1.87`, read as
/// exactly 187/100, the price the book pays); the demo dataset stores American (`-110`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PriceFormat {
    Decimal,
    American,
}

impl PriceFormat {
    /// The exact price, or `None` for a price no book could pay (dropped, like a bad row).
    fn read(self, price: f64) -> Option<DecimalOdds> {
        match self {
            PriceFormat::Decimal => DecimalOdds::from_f64(price).ok(),
            PriceFormat::American => {
                // American prices are integers, but accept `240.0` too.
                let rounded = price.round();
                let valid = rounded.is_finite() && rounded.abs() >= 100.0 && rounded.abs() < 1e7;
                valid
                    .then(|| AmericanOdds::new(rounded as i32).ok())
                    .flatten()
                    .map(AmericanOdds::to_decimal)
            }
        }
    }
}

#[derive(Deserialize)]
struct WireOutcome {
    name: String,
    price: f64,
    #[serde(default)]
    point: Option<f64>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
struct WireScore {
    id: String,
    sport_key: String,
    commence_time: DateTime<Utc>,
    #[serde(default)]
    completed: bool,
    home_team: String,
    away_team: String,
    #[serde(default)]
    scores: Option<Vec<WireTeamScore>>,
    #[serde(default)]
    last_update: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct WireTeamScore {
    name: String,
    score: String,
}

pub(crate) fn parse_sports(text: &str, provenance: Provenance) -> ProviderResult<SportsList> {
    let wire: Vec<WireSport> = wire::json(NAME, text)?;
    let sports = wire
        .into_iter()
        .map(|s| SportInfo {
            key: s.key,
            group: s.group,
            title: s.title,
            description: s.description,
            active: s.active,
            has_outrights: s.has_outrights,
        })
        .collect();
    Ok(SportsList { sports, provenance })
}

/// `/odds` response: an array of events.
pub(crate) fn parse_events(
    text: &str,
    prices: PriceFormat,
    provenance: &Provenance,
) -> ProviderResult<Vec<OddsEvent>> {
    let wire: Vec<WireEvent> = wire::json(NAME, text)?;
    wire.into_iter()
        .map(|e| convert_event(e, prices, provenance))
        .collect()
}

/// `/events/{id}/odds` response: a single event object.
pub(crate) fn parse_event(
    text: &str,
    prices: PriceFormat,
    provenance: &Provenance,
) -> ProviderResult<OddsEvent> {
    let wire: WireEvent = wire::json(NAME, text)?;
    convert_event(wire, prices, provenance)
}

fn convert_event(
    e: WireEvent,
    prices: PriceFormat,
    provenance: &Provenance,
) -> ProviderResult<OddsEvent> {
    let bookmakers = e
        .bookmakers
        .into_iter()
        .map(|b| Bookmaker {
            key: b.key,
            title: b.title,
            last_update: b.last_update,
            markets: b
                .markets
                .into_iter()
                .map(|m| MarketOdds {
                    key: m.key,
                    last_update: m.last_update,
                    outcomes: m
                        .outcomes
                        .into_iter()
                        .filter_map(|o| {
                            let price = prices.read(o.price)?;
                            Some(Outcome {
                                name: o.name,
                                price,
                                point: o.point,
                                description: o.description,
                            })
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    Ok(OddsEvent {
        id: e.id,
        sport_title: if e.sport_title.is_empty() {
            e.sport_key.clone()
        } else {
            e.sport_title
        },
        sport_key: e.sport_key,
        commence_time: e.commence_time,
        home_team: e.home_team,
        away_team: e.away_team,
        bookmakers,
        provenance: provenance.clone(),
    })
}

pub(crate) fn parse_scores(
    sport: Sport,
    text: &str,
    provenance: Provenance,
) -> ProviderResult<Scoreboard> {
    let wire: Vec<WireScore> = wire::json(NAME, text)?;
    let games = wire
        .into_iter()
        .map(|g| {
            let score_of = |team: &str| {
                g.scores
                    .as_ref()?
                    .iter()
                    .find(|s| s.name == team)
                    .and_then(|s| s.score.trim().parse::<u32>().ok())
            };
            let home_score = score_of(&g.home_team);
            let away_score = score_of(&g.away_team);
            let status = if g.completed {
                GameStatus::Final
            } else if g.scores.is_some() {
                GameStatus::Live
            } else {
                GameStatus::Scheduled
            };
            GameScore {
                id: g.id,
                sport_key: g.sport_key,
                commence_time: g.commence_time,
                home_team: g.home_team,
                away_team: g.away_team,
                home_score,
                away_score,
                status,
                last_update: g.last_update,
            }
        })
        .collect();
    Ok(Scoreboard {
        sport,
        games,
        provenance,
    })
}
