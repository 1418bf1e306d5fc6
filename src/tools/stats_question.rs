//! `statmuse_query`: a natural-language stats question ("How many points is LeBron averaging?")
//! answered by the stats provider. Streams the stats answer widget; returns the sentence and
//! table for the model.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::offline_skill::str_at;
use super::support::{provider_failure, SportArg};
use super::{priority, OfflineSkill, Question, Route};
use super::{ToolContext, ToolError, TypedTool};
use crate::protocol::{IconName, ThreadStreamEvent};
use crate::providers::StatsQuery;
use crate::widgets::stats_answer;

/// Rows sent back to the model (the widget shows more).
const MODEL_ROWS: usize = 10;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct StatmuseArgs {
    /// The question in plain words, e.g. "LeBron James points last 5 games".
    pub question: String,
    /// The league, when known (helps the provider read the question).
    #[serde(default)]
    pub sport: Option<SportArg>,
}

pub struct StatmuseQuery;

#[async_trait]
impl TypedTool for StatmuseQuery {
    type Args = StatmuseArgs;
    const NAME: &'static str = "statmuse_query";
    const DESCRIPTION: &'static str = "Answer a sports stats question in plain words (player or \
        team averages, last N games, records). Shows the answer with its table; returns the \
        sentence, the table, the source and as-of time.";
    const INSTRUCTIONS: &'static str =
        "Player and team stats come from statmuse_query: ask it the question in plain words.";
    const OFFLINE: OfflineSkill = OfflineSkill {
        routes: &[Route {
            priority: priority::STATS,
            read,
        }],
        answer,
        doing: "look that stat up",
        examples: &[
            "How many points is LeBron averaging?",
            "Jokic rebounds per game?",
            "What's the Celtics record this season",
        ],
        shows: "for stats",
        widgets: &["stats_answer"],
    };

    async fn run(&self, ctx: &mut ToolContext<'_>, args: StatmuseArgs) -> Result<Value, ToolError> {
        let question = args.question.trim().to_owned();
        if question.is_empty() {
            return Err(ToolError::new("question must not be empty"));
        }
        if question.chars().count() > 300 {
            return Err(ToolError::new("question must be at most 300 characters"));
        }
        ctx.turn.emit(ThreadStreamEvent::progress(
            "Looking up stats…",
            Some(IconName::new("analytics")),
        ));
        let query = StatsQuery {
            sport: args.sport.map(Into::into),
            question,
        };
        let answer = ctx
            .services
            .providers
            .stats()
            .ask(&query)
            .await
            .map_err(|e| provider_failure("an answer", e))?;
        let item_id = ctx
            .turn
            .widget_done(stats_answer(&answer), Some(answer.answer.clone()));
        let table = answer.table.as_ref().map(|t| {
            json!({
                "headers": t.headers,
                "rows": t.rows.iter().take(MODEL_ROWS).collect::<Vec<_>>(),
                "summary_rows": t.summary_rows,
                "row_count": t.rows.len(),
            })
        });
        Ok(json!({
            "question": answer.question,
            "answer": answer.answer,
            "interpreted_as": answer.interpreted_as,
            "table": table,
            "source": answer.provenance.source,
            "source_url": answer.source_url,
            "as_of": answer.provenance.as_of,
            "demo": answer.provenance.demo,
            "widget_item_id": item_id,
        }))
    }
}

// The offline model: stats words ask the question as typed; the answer is the tool's sentence.

fn read(q: &Question) -> Option<Value> {
    const CUES: &[&str] = &[
        "averaging",
        "average",
        "averages",
        "points",
        "stats",
        "stat",
        "how many",
        "rebounds",
        "assists",
        "ppg",
        "record",
    ];
    q.any(CUES).then(|| json!({"question": q.text()}))
}

fn answer(result: &Value, _args: &Value) -> Option<String> {
    str_at(result, &["answer", "summary", "text"]).map(str::to_owned)
}
