//! Tavily search client (providers.md §5.3).
//!
//! Owns: `POST /search` with a Bearer key and JSON body, the optional generated `answer`, and
//! the error mapping from Tavily's SDK: 401 bad key, 429 rate limit, 432/433 plan or
//! pay-as-you-go limit (quota), 403 forbidden, 400 bad request.

use async_trait::async_trait;
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use url::Url;

use super::error::{scrub, ProviderError};
use super::model::*;
use super::wire::{self, Body};
use super::{ProviderResult, SearchProvider};

pub const NAME: &str = "Tavily";
pub const DEFAULT_BASE_URL: &str = "https://api.tavily.com";

pub struct TavilyClient {
    http: reqwest::Client,
    base: Url,
    api_key: String,
}

impl TavilyClient {
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        api_key: impl Into<String>,
    ) -> ProviderResult<Self> {
        let api_key = api_key.into();
        if api_key.trim().is_empty() {
            return Err(ProviderError::InvalidKey { provider: NAME });
        }
        Ok(Self {
            http,
            base: wire::base_url(NAME, base_url)?,
            api_key,
        })
    }

    fn error(&self, body: &Body) -> ProviderError {
        let detail = serde_json::from_str::<serde_json::Value>(&body.text)
            .ok()
            .and_then(|v| {
                let d = v.get("detail")?;
                d.get("error")
                    .and_then(|e| e.as_str())
                    .or(d.as_str())
                    .map(str::to_owned)
            })
            .map(|d| scrub(&d, Some(&self.api_key)))
            .unwrap_or_default();
        let status = body.status.as_u16();
        tracing::warn!(provider = NAME, status, "tavily error");
        match status {
            401 => ProviderError::InvalidKey { provider: NAME },
            432 | 433 => ProviderError::OutOfCredits { provider: NAME },
            403 => ProviderError::Forbidden {
                provider: NAME,
                detail: if detail.is_empty() {
                    "HTTP 403".into()
                } else {
                    detail
                },
            },
            400 | 422 => wire::invalid_request(NAME, String::new(), status, detail),
            _ => wire::status_error(NAME, body),
        }
    }
}

#[async_trait]
impl SearchProvider for TavilyClient {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn search(&self, q: &SearchQuery) -> ProviderResult<SearchResults> {
        let mut body = json!({
            "query": q.query,
            "search_depth": "basic",
            "topic": match q.topic { SearchTopic::General => "general", SearchTopic::News => "news" },
            "max_results": q.limit(),
            "include_answer": true,
            "include_raw_content": false,
            "include_images": false,
        });
        if let Some(range) = q.time_range {
            body["time_range"] = json!(super::search_searxng::time_range(range));
        }
        let url = wire::endpoint(&self.base, &["search"]);
        let request = self.http.post(url).bearer_auth(&self.api_key).json(&body);
        let resp = wire::read(NAME, request).await?;
        if !resp.status.is_success() {
            return Err(self.error(&resp));
        }
        parse_response(
            &q.query,
            &resp.text,
            q.limit(),
            Provenance::live(NAME, Utc::now()),
        )
    }
}

#[derive(Deserialize)]
struct WireResponse {
    #[serde(default)]
    answer: Option<String>,
    #[serde(default)]
    results: Vec<WireResult>,
}

#[derive(Deserialize)]
struct WireResult {
    #[serde(default)]
    title: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    published_date: Option<String>,
}

fn parse_response(
    query: &str,
    text: &str,
    limit: usize,
    provenance: Provenance,
) -> ProviderResult<SearchResults> {
    let wire: WireResponse = wire::json(NAME, text)?;
    let results = wire.results.into_iter().map(|r| SearchResult {
        title: r.title,
        url: r.url,
        snippet: r.content,
        engine: "tavily".into(),
        published: r.published_date.as_deref().and_then(wire::parse_time),
    });
    Ok(SearchResults {
        query: query.to_owned(),
        results: wire::tidy_results(results, limit),
        answer: wire.answer.filter(|a| !a.trim().is_empty()),
        provenance,
    })
}
