//! `injury_report`: who is out, doubtful or questionable, for a team, a player or a whole
//! league, as a compact card (player, status, detail, updated, source and as-of). ESPN's
//! injuries feed when ESPN is enabled, the labelled demo reports otherwise.
//!
//! Everything the app needs to know about this tool is in this file: arguments, the system
//! prompt line, how the offline model recognises a question and answers from the result.
//! The rest is its provider (`providers/injuries.rs`), its card (`widgets/injuries.rs`) and
//! its demo data (`data/demo/espn/injuries_*.json`).

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::offline_skill::{array_at, str_at};
use super::support::{provider_failure, SportArg};
use super::{priority, OfflineSkill, Question, Route};
use super::{ToolContext, ToolError, TypedTool};
use crate::protocol::{IconName, ThreadStreamEvent};
use crate::providers::{Injury, InjuryReport, Sport};
use crate::widgets::injury_card;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct InjuryReportArgs {
    /// A team ("Lakers", "Dallas Mavericks") or a player ("Luka Dončić"). Leave out for the
    /// whole league.
    #[serde(default)]
    pub subject: Option<String>,
    /// League: nba, nfl, mlb, nhl or epl. When absent with a subject, every league is searched,
    /// NBA first; with neither, the NBA report is shown.
    #[serde(default)]
    pub sport: Option<SportArg>,
}

pub struct InjuryReportTool;

/// Players listed in the result for the model (the card shows up to its own limit).
const MAX_RESULT_ROWS: usize = 10;

#[async_trait]
impl TypedTool for InjuryReportTool {
    type Args = InjuryReportArgs;
    const NAME: &'static str = "injury_report";
    const DESCRIPTION: &'static str = "Injury report for a team, a player or a whole league: \
        each player's status (Out, Doubtful, Questionable, Day-To-Day), the injury, the expected \
        return, when it was updated, the source and as-of time.";
    const INSTRUCTIONS: &'static str = "Injury news and who is out come from injury_report \
        (by team, player or league); check it before recommending a leg on a team.";
    const OFFLINE: OfflineSkill = OfflineSkill {
        routes: &[Route {
            priority: priority::REPORT,
            read,
        }],
        answer,
        doing: "get the injury report",
        examples: &[
            "Any injury news for the Lakers?",
            "Who is out for the Mavericks tonight?",
            "NFL injury report",
            "Is Luka Dončić injured?",
        ],
        shows: "for the injury report",
        widgets: &["injury_report"],
    };

    async fn run(
        &self,
        ctx: &mut ToolContext<'_>,
        args: InjuryReportArgs,
    ) -> Result<Value, ToolError> {
        let subject = args
            .subject
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        if subject.as_ref().is_some_and(|s| s.chars().count() > 80) {
            return Err(ToolError::new("subject must be at most 80 characters"));
        }
        let sports: Vec<Sport> = match (args.sport, &subject) {
            (Some(sport), _) => vec![sport.into()],
            (None, Some(_)) => Sport::ALL.to_vec(),
            (None, None) => vec![Sport::Nba],
        };
        let label = subject
            .clone()
            .unwrap_or_else(|| sports[0].title().to_owned());
        ctx.turn.emit(ThreadStreamEvent::progress(
            format!("Checking injuries: {label}…"),
            Some(IconName::new("info")),
        ));
        let (report, rows) = find(ctx, &sports, subject.as_deref()).await?;
        let copy = rows
            .iter()
            .map(|i| format!("{} ({}): {}", i.player, i.team, i.status_text))
            .collect::<Vec<_>>()
            .join("\n");
        let shown: Vec<&Injury> = rows.iter().collect();
        let item_id = ctx
            .turn
            .widget_done(injury_card(&report, &label, &shown), Some(copy));
        let injuries: Vec<Value> = rows
            .iter()
            .take(MAX_RESULT_ROWS)
            .map(|i| {
                json!({
                    "player": i.player,
                    "team": i.team,
                    "status": i.status_text,
                    "misses_game": i.status.misses_game(),
                    "detail": i.detail,
                    "return_date": i.return_date,
                    "updated": i.updated,
                })
            })
            .collect();
        Ok(json!({
            "sport": report.sport.title(),
            "subject": label,
            "count": rows.len(),
            "injuries": injuries,
            "source": report.provenance.source,
            "as_of": report.provenance.as_of,
            "demo": report.provenance.demo,
            "widget_item_id": item_id,
        }))
    }
}

/// The report and the rows for `subject` in the first league that has it (the whole report
/// without a subject). A subject no league knows gives the first league's empty answer.
async fn find(
    ctx: &ToolContext<'_>,
    sports: &[Sport],
    subject: Option<&str>,
) -> Result<(InjuryReport, Vec<Injury>), ToolError> {
    let provider = ctx.services.providers.injuries();
    let mut first: Option<InjuryReport> = None;
    for sport in sports {
        let report = provider
            .injuries(*sport)
            .await
            .map_err(|e| provider_failure("the injury report", e))?;
        let rows: Vec<Injury> = match subject {
            Some(name) => report.matching(name).into_iter().cloned().collect(),
            None => report.injuries.clone(),
        };
        if !rows.is_empty() {
            return Ok((report, rows));
        }
        first.get_or_insert(report);
    }
    let report = first.ok_or_else(|| ToolError::new("no league to search"))?;
    Ok((report, Vec::new()))
}

// The offline model: injury words ask for the report of the team or player named.

fn read(q: &Question) -> Option<Value> {
    const CUES: &[&str] = &[
        "injury",
        "injuries",
        "injured",
        "hurt",
        "who is out",
        "who s out",
        "ruled out",
        "questionable",
        "doubtful",
    ];
    if !q.any(CUES) {
        return None;
    }
    let (_, team) = q.sport_and_team();
    let mut args = json!({});
    match team {
        Some(team) => {
            args["subject"] = json!(team);
            args["sport"] = json!(q.sport_and_team().0);
        }
        None => {
            if let Some(sport) = q.named_sport() {
                args["sport"] = json!(sport);
            }
            if let Some(player) = q.proper_name() {
                args["subject"] = json!(player);
            }
        }
    }
    Some(args)
}

fn answer(result: &Value, _args: &Value) -> Option<String> {
    let rows = array_at(result, &["injuries"])?;
    let subject = str_at(result, &["subject"]).unwrap_or("that team");
    if rows.is_empty() {
        return Some(format!("No injuries are reported for {subject}."));
    }
    let mut text = format!("Injury report for {subject}:");
    for row in rows.iter().take(5) {
        let player = str_at(row, &["player"]).unwrap_or("A player");
        let status = str_at(row, &["status"]).unwrap_or("listed");
        text.push_str(&format!("\n- **{player}**: {status}"));
        if let Some(detail) = str_at(row, &["detail"]) {
            text.push_str(&format!(" ({})", detail.to_lowercase()));
        }
        if let Some(team) = str_at(row, &["team"]) {
            text.push_str(&format!(", {team}"));
        }
    }
    if rows.len() > 5 {
        text.push_str(&format!("\n\n{} more on the card above.", rows.len() - 5));
    }
    Some(text)
}
