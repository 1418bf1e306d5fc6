//! `web_search_visual`: a web or news search whose card is on screen before the search starts
//! and grows as it runs: `thread.item.added` ("searching"), `widget.root.updated` for the
//! sources and then each result, `thread.item.done` with every result.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::offline_skill::{array_at, str_at, truncate};
use super::support::provider_failure;
use super::{priority, OfflineSkill, Question, Route};
use super::{ToolContext, ToolError, TypedTool};
use crate::ids::IdKind;
use crate::protocol::{ThreadItem, ThreadStreamEvent, WidgetItem};
use crate::providers::{SearchQuery, SearchTopic, ToolKind};
use crate::widgets::{search_progress, SearchStage};

/// Results asked for (enough for an answer, few enough to read).
const MAX_RESULTS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TopicArg {
    #[default]
    General,
    News,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct WebSearchArgs {
    /// What to search for, e.g. "Lakers injury report" or "weather in Denver".
    pub query: String,
    /// `general` (default) or `news` (recent articles).
    #[serde(default)]
    pub topic: TopicArg,
}

pub struct WebSearchVisual;

#[async_trait]
impl TypedTool for WebSearchVisual {
    type Args = WebSearchArgs;
    const NAME: &'static str = "web_search_visual";
    const DESCRIPTION: &'static str = "Search the web or the news (injuries, lineups, weather, \
        previews) and show the results with their sources as they come in. Returns titles, \
        URLs, snippets, the source and as-of time.";
    const INSTRUCTIONS: &'static str = "News, lineups and weather come from web_search_visual.";
    const OFFLINE: OfflineSkill = OfflineSkill {
        routes: &[
            Route {
                priority: priority::EXPLICIT_SEARCH,
                read: read_explicit,
            },
            Route {
                priority: priority::FALLBACK,
                read: read_news,
            },
        ],
        answer,
        doing: "run that search",
        examples: &[
            "Search for weather in Denver",
            "search: Chiefs odds movement",
            "Latest news on the Chiefs",
        ],
        shows: "for news and weather",
        widgets: &["search_searching", "search_showing_1", "search_done"],
    };

    async fn run(
        &self,
        ctx: &mut ToolContext<'_>,
        args: WebSearchArgs,
    ) -> Result<Value, ToolError> {
        let query_text = args.query.trim().to_owned();
        if query_text.is_empty() {
            return Err(ToolError::new("query must not be empty"));
        }
        if query_text.chars().count() > 300 {
            return Err(ToolError::new("query must be at most 300 characters"));
        }
        let news = args.topic == TopicArg::News;
        let demo = ctx.services.providers.is_demo(ToolKind::Search);
        let view =
            |stage: &SearchStage, results| search_progress(&query_text, news, demo, stage, results);

        let (id, created_at) = ctx.turn.next_item(IdKind::Message);
        let mut item = WidgetItem {
            id: id.clone(),
            thread_id: ctx.turn.thread().id.clone(),
            created_at,
            widget: view(&SearchStage::Searching, None),
            copy_text: None,
        };
        ctx.turn
            .emit(ThreadStreamEvent::item_added(ThreadItem::Widget(
                item.clone(),
            )));

        let query = SearchQuery {
            topic: if news {
                SearchTopic::News
            } else {
                SearchTopic::General
            },
            max_results: MAX_RESULTS,
            ..SearchQuery::new(query_text.clone())
        };
        let results = match ctx.services.providers.search().search(&query).await {
            Ok(results) => results,
            Err(e) => {
                let error = provider_failure("search results", e);
                // The card is finished either way: a pending item must not outlive the tool.
                item.widget = view(&SearchStage::Failed(error.0.clone()), None);
                ctx.turn
                    .emit(ThreadStreamEvent::item_done(ThreadItem::Widget(item)));
                return Err(error);
            }
        };

        let found = results.results.len();
        let mut stages = vec![SearchStage::SourcesFound];
        stages.extend((1..found).map(SearchStage::Showing));
        for stage in &stages {
            let widget = view(stage, Some(&results));
            ctx.turn
                .emit(ThreadStreamEvent::widget_root_updated(id.clone(), widget));
        }
        item.widget = view(&SearchStage::Done, Some(&results));
        item.copy_text = Some(
            results
                .results
                .iter()
                .map(|r| format!("{} — {}", r.title, r.url))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        ctx.turn
            .emit(ThreadStreamEvent::item_done(ThreadItem::Widget(item)));

        let list: Vec<Value> = results
            .results
            .iter()
            .map(|r| {
                json!({
                    "title": r.title,
                    "url": r.url,
                    "snippet": r.snippet,
                    "published": r.published,
                })
            })
            .collect();
        Ok(json!({
            "query": results.query,
            "topic": if news { "news" } else { "general" },
            "results": list,
            "answer": results.answer,
            "source": results.provenance.source,
            "as_of": results.provenance.as_of,
            "demo": results.provenance.demo,
            "widget_item_id": id,
        }))
    }
}

// The offline model: an explicit "search"/"look up" wins over any topic; news and weather words
// with no better tool search too. The answer lists the first results.

fn read_explicit(q: &Question) -> Option<Value> {
    q.any(&["search", "look up", "google"])
        .then(|| search_args(q))
}

fn read_news(q: &Question) -> Option<Value> {
    const CUES: &[&str] = &[
        "news", "injury", "injuries", "injured", "weather", "forecast", "latest",
    ];
    q.any(CUES).then(|| search_args(q))
}

fn search_args(q: &Question) -> Value {
    let text = q.text();
    let mut query = text;
    for prefix in [
        "search the web for",
        "search for",
        "search",
        "look up",
        "google",
    ] {
        // `get` so a multi-byte character at the cut reads as no match, not a panic.
        if text
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        {
            query = text[prefix.len()..].trim_start_matches([' ', ':', ',']);
            break;
        }
    }
    let query = query.trim_end_matches(['?', '.', '!', ' ']);
    let query = if query.is_empty() { text } else { query };
    const NEWS: &[&str] = &[
        "news",
        "injury",
        "injuries",
        "injured",
        "latest",
        "report",
        "headlines",
        "rumors",
        "trade",
    ];
    let topic = if q.any(NEWS) { "news" } else { "general" };
    json!({"query": query, "topic": topic})
}

fn answer(result: &Value, args: &Value) -> Option<String> {
    let results = array_at(result, &["results", "items", "sources"])?;
    let query = args["query"].as_str().unwrap_or("that");
    let mut text = match results.len() {
        0 => return Some(format!("I found nothing for “{query}”.")),
        1 => format!("I found 1 result for “{query}”:"),
        n => format!("I found {n} results for “{query}”:"),
    };
    if let Some(answer) = str_at(result, &["answer", "summary"]) {
        text = format!("{answer}\n\n{text}");
    }
    for item in results.iter().take(3) {
        let title = str_at(item, &["title", "name"]).unwrap_or("(untitled)");
        text.push_str(&format!("\n- **{title}**"));
        if let Some(snippet) = str_at(item, &["snippet", "content", "description"]) {
            text.push_str(&format!(": {}", truncate(snippet, 160)));
        }
    }
    Some(text)
}
