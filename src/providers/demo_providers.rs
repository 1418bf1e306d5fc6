//! Demo implementations of every provider trait over [`DemoData`].
//!
//! Owns: the offline behaviour that mirrors the real providers (same filters, same parsers,
//! the fixed demo clock as `now()`), fuzzy name lookup for the few embedded players and teams,
//! canonical StatMuse-page matching with the template layer as backup, and keyword ranking
//! of the embedded news snippets. Every value carries demo provenance.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use url::Url;

use super::demo::{demo_clock, provenance, DemoData, SOURCE};
use super::error::ProviderError;
use super::espn_gamelog::{find_team, parse_gamelog, parse_team_schedule};
use super::model::*;
use super::stats_nl::TemplateStats;
use super::{odds_api, statmuse};
use super::{GameLogProvider, OddsProvider, ProviderResult, SearchProvider, StatsProvider};

fn not_found(what: String) -> ProviderError {
    ProviderError::NotFound {
        provider: SOURCE,
        what,
    }
}

pub struct DemoOdds {
    data: Arc<DemoData>,
}

impl DemoOdds {
    pub fn new(data: Arc<DemoData>) -> Self {
        Self { data }
    }
}

#[async_trait]
impl OddsProvider for DemoOdds {
    fn name(&self) -> &'static str {
        SOURCE
    }
    fn now(&self) -> DateTime<Utc> {
        self.data.clock
    }

    async fn sports(&self) -> ProviderResult<SportsList> {
        Ok(self.data.sports.clone())
    }

    async fn odds(&self, q: &OddsQuery) -> ProviderResult<OddsBoard> {
        // A finished game leaves the board, as it does at a real book.
        let events = self
            .data
            .odds
            .get(&q.sport)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| self.data.result_at_clock(&e.id).is_none())
            .collect();
        Ok(odds_api::board(q, events, self.data.provenance()))
    }

    async fn event_odds(&self, q: &EventOddsQuery) -> ProviderResult<OddsEvent> {
        let sport_key = q.sport.odds_api_key();
        let with_props = self
            .data
            .event_odds
            .iter()
            .find(|e| e.id == q.event_id && e.sport_key == sport_key);
        let featured = || {
            self.data
                .odds
                .get(&q.sport)?
                .iter()
                .find(|e| e.id == q.event_id)
        };
        let event = with_props
            .or_else(featured)
            .cloned()
            .ok_or_else(|| not_found(format!("event {}", q.event_id)))?;
        Ok(odds_api::select_markets(event, &q.markets, &[]))
    }

    async fn scores(&self, q: &ScoresQuery) -> ProviderResult<Scoreboard> {
        let clock = self.data.clock;
        let since = q
            .days_from
            .map(|d| clock - Duration::days(i64::from(d.clamp(1, 3))));
        let games = self
            .data
            .scores
            .get(&q.sport)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|g| self.game_at_clock(g))
            .filter(|g| match (g.status, since) {
                (GameStatus::Final, None) => false,
                (GameStatus::Final, Some(since)) => g.commence_time >= since,
                _ => true,
            })
            .collect();
        Ok(Scoreboard {
            sport: q.sport,
            games,
            provenance: self.data.provenance(),
        })
    }
}

impl DemoOdds {
    /// A game as the scores feed shows it at the demo clock: final (or cancelled) once its
    /// result's `final_at` has passed, live after its start, else as the file has it.
    fn game_at_clock(&self, mut g: GameScore) -> GameScore {
        let clock = self.data.clock;
        if let Some(r) = self.data.result_at_clock(&g.id) {
            g.status = if r.status == "postponed" {
                GameStatus::Cancelled
            } else {
                GameStatus::Final
            };
            g.home_score = r.home_score;
            g.away_score = r.away_score;
            g.last_update = Some(r.final_at);
        } else if g.status == GameStatus::Scheduled && g.commence_time <= clock {
            g.status = GameStatus::Live;
        }
        g
    }
}

pub struct DemoGameLogs {
    data: Arc<DemoData>,
}

impl DemoGameLogs {
    pub fn new(data: Arc<DemoData>) -> Self {
        Self { data }
    }
}

/// Words of `query` all appear in `name` ("lebron" → "LeBron James", "jokic" → "Nikola Jokić").
fn name_matches(query: &str, name: &str) -> bool {
    let q = normalize_name(query);
    let n = normalize_name(name);
    if q.is_empty() {
        return false;
    }
    let words: Vec<&str> = n.split(' ').collect();
    q == n || q.split(' ').all(|w| words.contains(&w))
}

#[async_trait]
impl GameLogProvider for DemoGameLogs {
    fn name(&self) -> &'static str {
        SOURCE
    }
    fn now(&self) -> DateTime<Utc> {
        demo_clock()
    }

    async fn game_log(&self, q: &GameLogQuery) -> ProviderResult<GameLog> {
        match q.kind {
            SubjectKind::Player => {
                let athletes = self
                    .data
                    .athletes
                    .get(&q.sport)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let athlete = athletes
                    .iter()
                    .find(|a| name_matches(&q.name, &a.name))
                    .ok_or_else(|| not_found(format!("a demo game log for player '{}'", q.name)))?;
                parse_gamelog(q, &athlete.name, &athlete.gamelog, provenance())
            }
            SubjectKind::Team => {
                let teams = self
                    .data
                    .teams
                    .get(&q.sport)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let missing = || not_found(format!("a demo game log for team '{}'", q.name));
                let team = find_team(teams, &q.name).ok_or_else(missing)?;
                let doc = self
                    .data
                    .schedules
                    .get(&q.sport)
                    .and_then(|s| s.get(&team.id))
                    .ok_or_else(missing)?;
                parse_team_schedule(q, &team, doc, provenance())
            }
        }
    }
}

pub struct DemoStats {
    data: Arc<DemoData>,
    template: TemplateStats,
}

impl DemoStats {
    pub fn new(data: Arc<DemoData>) -> Self {
        let logs = Arc::new(DemoGameLogs::new(data.clone()));
        Self {
            data,
            template: TemplateStats::new(SOURCE, logs),
        }
    }
}

/// Words that do not change what a stats question asks.
#[rustfmt::skip]
const QUESTION_FILLER: &[&str] = &[
    "the", "a", "an", "in", "his", "her", "their", "of", "for", "what", "whats", "how", "many", "has",
    "have", "had", "is", "are", "was", "did", "does", "do", "me", "show", "tell", "statmuse",
];

fn question_words(q: &str) -> HashSet<String> {
    normalize_name(&q.replace('-', " "))
        .split(' ')
        .filter(|w| !w.is_empty() && !QUESTION_FILLER.contains(w))
        .map(str::to_owned)
        .collect()
}

#[async_trait]
impl StatsProvider for DemoStats {
    fn name(&self) -> &'static str {
        SOURCE
    }
    fn now(&self) -> DateTime<Utc> {
        demo_clock()
    }

    async fn ask(&self, q: &StatsQuery) -> ProviderResult<StatsAnswer> {
        // A canonical page answers when the question says exactly the same thing.
        let words = question_words(&q.question);
        let page = self
            .data
            .pages
            .iter()
            .filter(|p| q.sport.is_none_or(|s| s == p.sport))
            .find(|p| question_words(&p.question) == words);
        if let Some(page) = page {
            let base = Url::parse("https://demo.invalid/").expect("static URL");
            let url = base.join(&page.path).unwrap_or(base);
            return statmuse::parse_page(&q.question, &page.html, &url, provenance());
        }
        self.template.ask(q).await
    }
}

pub struct DemoSearch {
    data: Arc<DemoData>,
}

impl DemoSearch {
    pub fn new(data: Arc<DemoData>) -> Self {
        Self { data }
    }
}

#[rustfmt::skip]
const SEARCH_FILLER: &[&str] = &[
    "search", "for", "the", "a", "an", "in", "on", "of", "what", "whats", "is", "are", "how", "find",
    "me", "news", "latest", "about", "and", "to", "at", "vs", "with", "look", "up", "any", "s",
];

/// Same word, allowing simple inflections ("injuries"/"injury", "forecast"/"forecasts").
fn word_hit(q: &str, text_words: &[&str]) -> bool {
    text_words
        .iter()
        .any(|w| *w == q || (q.len() >= 5 && w.len() >= 5 && w[..5] == q[..5]))
}

#[async_trait]
impl SearchProvider for DemoSearch {
    fn name(&self) -> &'static str {
        SOURCE
    }
    fn now(&self) -> DateTime<Utc> {
        demo_clock()
    }

    async fn search(&self, q: &SearchQuery) -> ProviderResult<SearchResults> {
        let query = normalize_name(&q.query);
        let terms: Vec<&str> = query
            .split(' ')
            .filter(|w| !w.is_empty() && !SEARCH_FILLER.contains(w))
            .collect();
        let mut scored: Vec<(usize, usize, &SearchResult)> = self
            .data
            .search_pool
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let title = normalize_name(&r.title);
                let body = normalize_name(&r.snippet);
                let title_words: Vec<&str> = title.split(' ').collect();
                let body_words: Vec<&str> = body.split(' ').collect();
                let score: usize = terms
                    .iter()
                    .map(|t| {
                        if word_hit(t, &title_words) {
                            2
                        } else {
                            usize::from(word_hit(t, &body_words))
                        }
                    })
                    .sum();
                (score > 0).then_some((score, i, r))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let results = scored
            .into_iter()
            .take(q.limit())
            .map(|(_, _, r)| r.clone())
            .collect();
        Ok(SearchResults {
            query: q.query.clone(),
            results,
            answer: None,
            provenance: provenance(),
        })
    }
}
