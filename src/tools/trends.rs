//! `trends_chart`: one stat over a player's or team's last N games as a chart. Finds the
//! subject as a player first, then as a team, in the given league or (without one) in each
//! league in turn.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::offline_skill::{array_at, str_at};
use super::support::{provider_failure, SportArg};
use super::{priority, OfflineSkill, Question, Route};
use super::{ToolContext, ToolError, TypedTool};
use crate::protocol::{IconName, ThreadStreamEvent};
use crate::providers::{GameLog, GameLogQuery, ProviderError, Sport, SubjectKind};
use crate::widgets::{trend_chart, ChartKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SubjectArg {
    Player,
    Team,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChartArg {
    #[default]
    Bar,
    Line,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct TrendsArgs {
    /// Player or team, e.g. "LeBron James" or "Lakers".
    pub subject: String,
    /// Stat to chart (default "points"): "rebounds", "assists", "passing yards", "goals"...
    #[serde(default)]
    pub stat: Option<String>,
    /// How many recent games, 1 to 20 (default 10).
    #[serde(default)]
    pub last_n: Option<i64>,
    /// League: nba, nfl, mlb, nhl or epl. When absent every league is tried, NBA first.
    #[serde(default)]
    pub sport: Option<SportArg>,
    /// Whether the subject is a player or a team (default: try player, then team).
    #[serde(default)]
    pub kind: Option<SubjectArg>,
    /// `bar` (default) or `line`.
    #[serde(default)]
    pub chart: ChartArg,
}

pub struct TrendsChart;

async fn find_log(
    ctx: &ToolContext<'_>,
    sports: &[Sport],
    kinds: &[SubjectKind],
    name: &str,
    stat: &str,
    last_n: usize,
) -> Result<GameLog, ToolError> {
    let logs = ctx.services.providers.game_logs();
    for sport in sports {
        for kind in kinds {
            let query = GameLogQuery {
                sport: *sport,
                kind: *kind,
                name: name.to_owned(),
                stat: stat.to_owned(),
                last_n,
            };
            match logs.game_log(&query).await {
                Ok(log) if !log.games.is_empty() => return Ok(log),
                Ok(_) | Err(ProviderError::NotFound { .. }) => continue,
                Err(e) => return Err(provider_failure("the game log", e)),
            }
        }
    }
    Err(ToolError::new(format!(
        "no recent games found for {name:?} ({stat}); check the name, or give the sport"
    )))
}

#[async_trait]
impl TypedTool for TrendsChart {
    type Args = TrendsArgs;
    const NAME: &'static str = "trends_chart";
    const DESCRIPTION: &'static str = "Chart a player's or team's stat over their last N games \
        (default points, last 10). Returns each game's value, the average, high and low, the \
        source and as-of time.";
    const INSTRUCTIONS: &'static str =
        "Recent form (a stat over the last N games) comes from trends_chart.";
    const OFFLINE: OfflineSkill = OfflineSkill {
        routes: &[Route {
            priority: priority::CHART,
            read,
        }],
        answer,
        doing: "chart that trend",
        examples: &[
            "LeBron points over the last 10 games",
            "Show me Jokic's rebounds trend",
            "Celtics trend last 8 games",
        ],
        shows: "for a trend chart",
        widgets: &["trend_chart"],
    };

    async fn run(&self, ctx: &mut ToolContext<'_>, args: TrendsArgs) -> Result<Value, ToolError> {
        let subject = args.subject.trim().to_owned();
        if subject.is_empty() || subject.chars().count() > 80 {
            return Err(ToolError::new(
                "subject must be a player or team name (1 to 80 characters)",
            ));
        }
        let stat = args
            .stat
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "points".to_owned());
        if stat.chars().count() > 40 {
            return Err(ToolError::new("stat must be at most 40 characters"));
        }
        let last_n = args.last_n.unwrap_or(10);
        if !(1..=20).contains(&last_n) {
            return Err(ToolError::new(format!(
                "last_n must be 1 to 20, not {last_n}"
            )));
        }
        let sports: Vec<Sport> = match args.sport {
            Some(s) => vec![s.into()],
            None => Sport::ALL.to_vec(),
        };
        let kinds = match args.kind {
            Some(SubjectArg::Player) => vec![SubjectKind::Player],
            Some(SubjectArg::Team) => vec![SubjectKind::Team],
            None => vec![SubjectKind::Player, SubjectKind::Team],
        };
        ctx.turn.emit(ThreadStreamEvent::progress(
            format!("Charting {subject}'s {stat}…"),
            Some(IconName::new("chart")),
        ));
        let log = find_log(ctx, &sports, &kinds, &subject, &stat, last_n as usize).await?;
        let kind = match args.chart {
            ChartArg::Bar => ChartKind::Bar,
            ChartArg::Line => ChartKind::Line,
        };
        let average = log.average();
        let values = log.games.iter().map(|g| g.value);
        let high = values.clone().reduce(f64::max);
        let low = values.reduce(f64::min);
        let copy = format!(
            "{} {} last {} games: {}",
            log.subject,
            log.stat_name,
            log.games.len(),
            log.games
                .iter()
                .map(|g| g.value.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let item_id = ctx.turn.widget_done(trend_chart(&log, kind), Some(copy));
        let games: Vec<Value> = log
            .games
            .iter()
            .map(|g| json!({"game": g.label, "value": g.value, "result": g.result}))
            .collect();
        Ok(json!({
            "subject": log.subject,
            "kind": log.kind,
            "sport": log.sport.title(),
            "team": log.team,
            "stat": log.stat,
            "stat_name": log.stat_name,
            "games": games,
            "average": average.map(|a| (a * 10.0).round() / 10.0),
            "high": high,
            "low": low,
            "source": log.provenance.source,
            "as_of": log.provenance.as_of,
            "demo": log.provenance.demo,
            "widget_item_id": item_id,
        }))
    }
}

// The offline model: trend words or "last N games" chart a stat; the answer sums the series up.

fn read(q: &Question) -> Option<Value> {
    let games = q
        .number_after(&["last", "past"])
        .filter(|_| q.any(&["games", "game", "starts", "matches"]));
    if !q.any(&["trend", "trends", "trending", "chart", "graph"]) && games.is_none() {
        return None;
    }
    let subject = q
        .sport_and_team()
        .1
        .or_else(|| q.proper_name())
        .unwrap_or_else(|| q.text().to_owned());
    const STATS: &[(&str, &[&str])] = &[
        ("rebounds", &["rebounds", "rebound", "boards"]),
        ("assists", &["assists", "assist"]),
        ("threes", &["threes", "three pointers", "3 pointers"]),
        ("passing yards", &["passing yards", "passing"]),
        ("rushing yards", &["rushing yards", "rushing"]),
        ("receiving yards", &["receiving yards", "receiving"]),
        ("home runs", &["home runs", "homers"]),
        ("hits", &["hits"]),
        ("goals", &["goals"]),
        ("shots", &["shots"]),
    ];
    let stat = STATS
        .iter()
        .find(|(_, words)| q.any(words))
        .map_or("points", |(name, _)| name);
    Some(json!({"subject": subject, "stat": stat, "last_n": games.unwrap_or(10)}))
}

fn answer(result: &Value, args: &Value) -> Option<String> {
    let points = array_at(result, &["games", "points", "values", "series", "data"])?;
    let values: Vec<f64> = points
        .iter()
        .filter_map(|p| {
            p.as_f64()
                .or_else(|| p.get("value").and_then(Value::as_f64))
        })
        .collect();
    let subject = str_at(result, &["subject", "name"])
        .or_else(|| args["subject"].as_str())
        .unwrap_or("That subject");
    let stat = str_at(result, &["stat_name", "stat"])
        .or_else(|| args["stat"].as_str())
        .unwrap_or("points");
    if values.is_empty() {
        return Some(format!("I found no recent games for {subject}."));
    }
    let n = values.len();
    let average = values.iter().sum::<f64>() / n as f64;
    let high = values.iter().cloned().fold(f64::MIN, f64::max);
    let low = values.iter().cloned().fold(f64::MAX, f64::min);
    let last = values[n - 1];
    Some(format!(
        "{subject}, {stat} over the last {n} games: average {average:.1}, high {high}, low {low}; most recent {last}."
    ))
}
