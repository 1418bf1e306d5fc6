//! SearXNG client (providers.md §5.1): self-hosted metasearch, no key.
//!
//! Owns: `GET {SEARXNG_URL}/search?format=json` and its result parser (reused by the demo
//! dataset, stored in this format). A 403 means JSON output is disabled in the instance's
//! `settings.yml`; empty results with unresponsive engines is an upstream outage, not "no
//! results", so the chain can move on to Brave/Tavily.

use async_trait::async_trait;
use chrono::Utc;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::error::ProviderError;
use super::model::*;
use super::wire;
use super::{ProviderResult, SearchProvider};

pub const NAME: &str = "SearXNG";

pub struct SearxngClient {
    http: reqwest::Client,
    base: Url,
}

impl SearxngClient {
    pub fn new(http: reqwest::Client, base_url: &str) -> ProviderResult<Self> {
        Ok(Self {
            http,
            base: wire::base_url(NAME, base_url)?,
        })
    }
}

#[async_trait]
impl SearchProvider for SearxngClient {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn search(&self, q: &SearchQuery) -> ProviderResult<SearchResults> {
        let mut params = vec![
            ("q", q.query.clone()),
            ("format", "json".to_owned()),
            (
                "categories",
                match q.topic {
                    SearchTopic::General => "general",
                    SearchTopic::News => "news",
                }
                .to_owned(),
            ),
        ];
        if let Some(range) = q.time_range {
            params.push(("time_range", time_range(range).to_owned()));
        }
        let url = wire::endpoint(&self.base, &["search"]);
        let body = wire::read(NAME, self.http.get(url).query(&params)).await?;
        if body.status.as_u16() == 403 {
            return Err(ProviderError::Forbidden {
                provider: NAME,
                detail:
                    "JSON output is disabled on this instance (enable `json` under search.formats)"
                        .into(),
            });
        }
        if !body.status.is_success() {
            return Err(wire::status_error(NAME, &body));
        }
        parse_response(&body.text, q.limit(), Provenance::live(NAME, Utc::now()))
    }
}

pub(crate) fn time_range(r: TimeRange) -> &'static str {
    match r {
        TimeRange::Day => "day",
        TimeRange::Week => "week",
        TimeRange::Month => "month",
        TimeRange::Year => "year",
    }
}

#[derive(Deserialize)]
struct WireResponse {
    #[serde(default)]
    query: String,
    #[serde(default)]
    results: Vec<WireResult>,
    #[serde(default)]
    answers: Vec<Value>,
    #[serde(default)]
    unresponsive_engines: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireResult {
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub engine: String,
    #[serde(default)]
    pub published_date: Option<String>,
}

impl WireResult {
    pub(crate) fn into_result(self) -> SearchResult {
        SearchResult {
            title: self.title,
            url: self.url,
            snippet: self.content,
            engine: if self.engine.is_empty() {
                NAME.to_lowercase()
            } else {
                self.engine
            },
            published: self.published_date.as_deref().and_then(wire::parse_time),
        }
    }
}

pub(crate) fn parse_response(
    text: &str,
    limit: usize,
    provenance: Provenance,
) -> ProviderResult<SearchResults> {
    let wire: WireResponse = wire::json(NAME, text)?;
    if wire.results.is_empty() && !wire.unresponsive_engines.is_empty() {
        tracing::warn!(provider = NAME, engines = ?wire.unresponsive_engines, "all engines unresponsive");
        return Err(ProviderError::Upstream {
            provider: NAME,
            status: 503,
        });
    }
    // Answers are either strings or `{ "answer": "..." }` objects depending on the version.
    let answer = wire.answers.iter().find_map(|a| match a {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("answer").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    });
    Ok(SearchResults {
        query: wire.query,
        results: wire::tidy_results(wire.results.into_iter().map(WireResult::into_result), limit),
        answer: answer.map(|a| wire::strip_html(&a)),
        provenance,
    })
}
