//! ESPN game logs for trend charts (providers.md §2.6): athlete game logs and team schedules.
//!
//! Owns: name → ESPN id resolution (athlete search, team list), the gamelog and schedule
//! parsers (shared with the demo dataset, which stores these exact formats), and stat-column
//! lookup by ESPN's stable `names` first, then `labels` (labels repeat in NFL logs: "YDS").

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::error::ProviderError;
use super::espn::{EspnClient, WireCompetitor, WireStatus, NAME};
use super::model::*;
use super::stats_vocab::{stat_alias, team_stat, TeamStat};
use super::wire;
use super::{GameLogProvider, ProviderResult};

#[async_trait]
impl GameLogProvider for EspnClient {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn game_log(&self, q: &GameLogQuery) -> ProviderResult<GameLog> {
        let (s, l) = q.sport.espn_path();
        match q.kind {
            SubjectKind::Player => {
                let (id, name) = self.find_athlete(q.sport, &q.name).await?;
                let url = wire::endpoint(
                    &self.web,
                    &[
                        "apis", "common", "v3", "sports", s, l, "athletes", &id, "gamelog",
                    ],
                );
                let text = self.get_cached(url, &[]).await?;
                parse_gamelog(q, &name, &text, Provenance::live(NAME, Utc::now()))
            }
            SubjectKind::Team => {
                let url =
                    wire::endpoint(&self.site, &["apis", "site", "v2", "sports", s, l, "teams"]);
                let teams = parse_teams(&self.get_cached(url, &[]).await?)?;
                let team = find_team(&teams, &q.name).ok_or_else(|| ProviderError::NotFound {
                    provider: NAME,
                    what: format!("team '{}'", q.name),
                })?;
                let url = wire::endpoint(
                    &self.site,
                    &[
                        "apis", "site", "v2", "sports", s, l, "teams", &team.id, "schedule",
                    ],
                );
                let text = self.get_cached(url, &[]).await?;
                parse_team_schedule(q, &team, &text, Provenance::live(NAME, Utc::now()))
            }
        }
    }
}

impl EspnClient {
    /// Athlete search (`/apis/search/v2`, shape seen in public clients — unverified by ESPN).
    async fn find_athlete(&self, sport: Sport, name: &str) -> ProviderResult<(String, String)> {
        let url = wire::endpoint(&self.web, &["apis", "search", "v2"]);
        let params = [("query", name.to_owned()), ("limit", "10".to_owned())];
        let text = self.get_cached(url, &params).await?;
        parse_athlete_search(sport, name, &text)?.ok_or_else(|| ProviderError::NotFound {
            provider: NAME,
            what: format!("player '{name}'"),
        })
    }
}

#[derive(Deserialize)]
struct WireSearch {
    #[serde(default)]
    results: Vec<WireSearchGroup>,
}

#[derive(Deserialize)]
struct WireSearchGroup {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    contents: Vec<WireSearchHit>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSearchHit {
    #[serde(default)]
    uid: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    default_league_slug: String,
    #[serde(default)]
    sport: String,
}

/// Best athlete hit in the right league: exact name first, then the first hit.
fn parse_athlete_search(
    sport: Sport,
    name: &str,
    text: &str,
) -> ProviderResult<Option<(String, String)>> {
    let wire: WireSearch = wire::json(NAME, text)?;
    let (espn_sport, league) = sport.espn_path();
    let hits: Vec<(String, String)> = wire
        .results
        .into_iter()
        .filter(|g| g.kind == "player")
        .flat_map(|g| g.contents)
        .filter(|h| {
            h.default_league_slug.eq_ignore_ascii_case(league)
                || (h.default_league_slug.is_empty() && h.sport.eq_ignore_ascii_case(espn_sport))
        })
        .filter_map(|h| {
            let id = h
                .uid
                .split('~')
                .find_map(|part| part.strip_prefix("a:"))?
                .to_owned();
            Some((id, h.display_name))
        })
        .collect();
    let wanted = normalize_name(name);
    Ok(hits
        .iter()
        .find(|(_, n)| normalize_name(n) == wanted)
        .or(hits.first())
        .cloned())
}

// ---------------------------------------------------------------------------------------------
// Athlete gamelog

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireGameLog {
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    events: HashMap<String, WireLogEvent>,
    #[serde(default)]
    season_types: Vec<WireSeasonType>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireLogEvent {
    #[serde(default)]
    at_vs: String,
    game_date: String,
    #[serde(default)]
    home_team_score: Option<String>,
    #[serde(default)]
    away_team_score: Option<String>,
    #[serde(default)]
    game_result: Option<String>,
    #[serde(default)]
    opponent: Option<WireAbbr>,
    #[serde(default)]
    team: Option<WireAbbr>,
}

#[derive(Deserialize)]
struct WireAbbr {
    #[serde(default)]
    abbreviation: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSeasonType {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    categories: Vec<WireCategory>,
}

#[derive(Deserialize)]
struct WireCategory {
    #[serde(default)]
    events: Vec<WireLogRow>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireLogRow {
    event_id: String,
    #[serde(default)]
    stats: Vec<String>,
}

/// Finds the column for `stat`: ESPN `names` exactly, then `labels`, then our aliases.
pub(crate) fn stat_column(
    sport: Sport,
    stat: &str,
    names: &[String],
    labels: &[String],
) -> Option<usize> {
    let want = stat.trim();
    let by = |list: &[String], key: &str| list.iter().position(|x| x.eq_ignore_ascii_case(key));
    if let Some(i) = by(names, want).or_else(|| by(labels, want)) {
        return Some(i);
    }
    let alias = stat_alias(sport, want)?;
    alias
        .keys
        .iter()
        .find_map(|k| by(names, k).or_else(|| by(labels, k)))
}

/// `"12-24"` → 12 (made), `"36"` → 36, `"--"` → None (did not play).
fn stat_number(cell: &str) -> Option<f64> {
    let cell = cell.trim();
    let first = match cell.find('-') {
        Some(i) if i > 0 => &cell[..i],
        _ => cell,
    };
    first.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn chart_label(sport: Sport, date: DateTime<Utc>, home: bool, opponent: &str) -> String {
    // The calendar day its fans know (US Eastern, or UK time for the EPL).
    let local = date.with_timezone(&sport.fan_zone().offset(date));
    format!(
        "{} {} {}",
        local.format("%-m/%-d"),
        if home { "vs" } else { "@" },
        opponent
    )
}

pub(crate) fn parse_gamelog(
    q: &GameLogQuery,
    subject: &str,
    text: &str,
    provenance: Provenance,
) -> ProviderResult<GameLog> {
    let wire: WireGameLog = wire::json(NAME, text)?;
    let col = stat_column(q.sport, &q.stat, &wire.names, &wire.labels).ok_or_else(|| {
        ProviderError::NotFound {
            provider: NAME,
            what: format!("stat '{}' for {subject}", q.stat),
        }
    })?;
    let mut seen = HashSet::new();
    let mut games: Vec<(GamePoint, Option<String>)> = Vec::new();
    // Preseason games say nothing about current form.
    let counted = wire
        .season_types
        .iter()
        .filter(|s| !s.display_name.to_lowercase().contains("preseason"));
    for row in counted.flat_map(|s| &s.categories).flat_map(|c| &c.events) {
        if !seen.insert(row.event_id.clone()) {
            continue;
        }
        let (Some(ev), Some(value)) = (wire.events.get(&row.event_id), row.stats.get(col)) else {
            continue;
        };
        let (Some(value), Some(date)) = (stat_number(value), wire::parse_time(&ev.game_date))
        else {
            continue;
        };
        let home = ev.at_vs.trim() != "@";
        let opponent = ev
            .opponent
            .as_ref()
            .and_then(|o| o.abbreviation.clone())
            .unwrap_or_default();
        let (hs, aws) = (ev.home_team_score.clone(), ev.away_team_score.clone());
        let score = match (hs, aws) {
            (Some(h), Some(a)) if home => Some(format!("{h}-{a}")),
            (Some(h), Some(a)) => Some(format!("{a}-{h}")),
            _ => None,
        };
        games.push((
            GamePoint {
                game_id: row.event_id.clone(),
                date,
                label: chart_label(q.sport, date, home, &opponent),
                opponent,
                home,
                result: ev.game_result.clone().filter(|r| !r.is_empty()),
                score,
                value,
            },
            ev.team.as_ref().and_then(|t| t.abbreviation.clone()),
        ));
    }
    games.sort_by_key(|g| std::cmp::Reverse(g.0.date));
    let team = games.first().and_then(|(_, t)| t.clone());
    let mut points: Vec<GamePoint> = games
        .into_iter()
        .take(q.last_n.clamp(1, 50))
        .map(|(g, _)| g)
        .collect();
    points.reverse();
    Ok(GameLog {
        sport: q.sport,
        kind: SubjectKind::Player,
        subject: subject.to_owned(),
        team,
        stat: wire
            .labels
            .get(col)
            .cloned()
            .unwrap_or_else(|| q.stat.clone()),
        stat_name: wire
            .names
            .get(col)
            .cloned()
            .unwrap_or_else(|| q.stat.clone()),
        games: points,
        provenance,
    })
}

// ---------------------------------------------------------------------------------------------
// Teams and team schedules

#[derive(Debug, Clone)]
pub(crate) struct TeamRef {
    pub id: String,
    pub abbreviation: String,
    pub display_name: String,
    pub nickname: String,
}

#[derive(Deserialize)]
struct WireTeams {
    #[serde(default)]
    sports: Vec<WireTeamsSport>,
}

#[derive(Deserialize)]
struct WireTeamsSport {
    #[serde(default)]
    leagues: Vec<WireTeamsLeague>,
}

#[derive(Deserialize)]
struct WireTeamsLeague {
    #[serde(default)]
    teams: Vec<WireTeamEntry>,
}

#[derive(Deserialize)]
struct WireTeamEntry {
    team: WireTeamInfo,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireTeamInfo {
    id: String,
    #[serde(default)]
    abbreviation: String,
    display_name: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    nickname: Option<String>,
}

/// `/teams` response (`sports[].leagues[].teams[].team`).
pub(crate) fn parse_teams(text: &str) -> ProviderResult<Vec<TeamRef>> {
    let wire: WireTeams = wire::json(NAME, text)?;
    Ok(wire
        .sports
        .into_iter()
        .flat_map(|s| s.leagues)
        .flat_map(|l| l.teams)
        .map(|t| TeamRef {
            id: t.team.id,
            abbreviation: t.team.abbreviation,
            nickname: t.team.name.or(t.team.nickname).unwrap_or_default(),
            display_name: t.team.display_name,
        })
        .collect())
}

pub(crate) fn find_team(teams: &[TeamRef], query: &str) -> Option<TeamRef> {
    let q = query.trim();
    teams
        .iter()
        .find(|t| {
            t.abbreviation.eq_ignore_ascii_case(q)
                || normalize_name(&t.display_name) == normalize_name(q)
        })
        .or_else(|| teams.iter().find(|t| team_matches(q, &t.display_name)))
        .or_else(|| {
            teams
                .iter()
                .find(|t| !t.nickname.is_empty() && team_matches(q, &t.nickname))
        })
        .cloned()
}

#[derive(Deserialize)]
struct WireSchedule {
    #[serde(default)]
    events: Vec<WireScheduleEvent>,
}

#[derive(Deserialize)]
struct WireScheduleEvent {
    id: String,
    date: String,
    #[serde(default)]
    competitions: Vec<WireScheduleCompetition>,
}

#[derive(Deserialize)]
struct WireScheduleCompetition {
    #[serde(default)]
    status: Option<WireStatus>,
    #[serde(default)]
    competitors: Vec<WireCompetitor>,
}

pub(crate) fn parse_team_schedule(
    q: &GameLogQuery,
    team: &TeamRef,
    text: &str,
    provenance: Provenance,
) -> ProviderResult<GameLog> {
    let stat = team_stat(&q.stat).ok_or_else(|| ProviderError::NotFound {
        provider: NAME,
        what: format!(
            "team stat '{}' (try points, allowed, margin or total)",
            q.stat
        ),
    })?;
    let wire: WireSchedule = wire::json(NAME, text)?;
    let mut games = Vec::new();
    for e in wire.events {
        let Some(comp) = e.competitions.first() else {
            continue;
        };
        if comp.status.as_ref().map(WireStatus::game_status) != Some(GameStatus::Final) {
            continue;
        }
        let ours = comp
            .competitors
            .iter()
            .find(|c| c.team.id.as_deref() == Some(team.id.as_str()));
        let theirs = comp
            .competitors
            .iter()
            .find(|c| c.team.id.as_deref() != Some(team.id.as_str()));
        let (Some(ours), Some(theirs)) = (ours, theirs) else {
            continue;
        };
        let (Some(us), Some(them)) = (
            super::espn::score_value(&ours.score),
            super::espn::score_value(&theirs.score),
        ) else {
            continue;
        };
        let Some(date) = wire::parse_time(&e.date) else {
            continue;
        };
        let home = ours.home_away == "home";
        let opponent = theirs
            .team
            .abbreviation
            .clone()
            .unwrap_or_else(|| theirs.team.display_name.clone());
        let result = match us.cmp(&them) {
            std::cmp::Ordering::Greater => "W",
            std::cmp::Ordering::Less => "L",
            std::cmp::Ordering::Equal => "D",
        };
        let (us_f, them_f) = (f64::from(us), f64::from(them));
        games.push(GamePoint {
            game_id: e.id,
            date,
            label: chart_label(q.sport, date, home, &opponent),
            opponent,
            home,
            result: Some(result.to_owned()),
            score: Some(format!("{us}-{them}")),
            value: match stat {
                TeamStat::Scored => us_f,
                TeamStat::Allowed => them_f,
                TeamStat::Margin => us_f - them_f,
                TeamStat::Total => us_f + them_f,
            },
        });
    }
    games.sort_by_key(|g| std::cmp::Reverse(g.date));
    games.truncate(q.last_n.clamp(1, 50));
    games.reverse();
    Ok(GameLog {
        sport: q.sport,
        kind: SubjectKind::Team,
        subject: team.display_name.clone(),
        team: Some(team.abbreviation.clone()),
        stat: stat.label().to_owned(),
        stat_name: stat.name().to_owned(),
        games,
        provenance,
    })
}
