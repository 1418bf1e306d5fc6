//! Brave Search API client (providers.md §5.2).
//!
//! Owns: web (`/res/v1/web/search`) and news (`/res/v1/news/search`) requests with the
//! `X-Subscription-Token` header, HTML-stripped snippets, and the error mapping: Brave reports
//! a bad token as 422 `SUBSCRIPTION_TOKEN_INVALID` (not 401), which must trip the breaker
//! rather than read as a bad query.

use async_trait::async_trait;
use chrono::Utc;
use serde::Deserialize;
use url::Url;

use super::error::{scrub, ProviderError};
use super::model::*;
use super::wire::{self, Body};
use super::{ProviderResult, SearchProvider};

pub const NAME: &str = "Brave Search";
pub const DEFAULT_BASE_URL: &str = "https://api.search.brave.com";

pub struct BraveClient {
    http: reqwest::Client,
    base: Url,
    api_key: String,
}

impl BraveClient {
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
        #[derive(Deserialize)]
        struct ErrorBody {
            error: ErrorInner,
        }
        #[derive(Deserialize)]
        struct ErrorInner {
            #[serde(default)]
            code: String,
            #[serde(default)]
            detail: String,
        }
        let parsed: Option<ErrorBody> = serde_json::from_str(&body.text).ok();
        let (code, detail) = parsed
            .map(|b| (b.error.code, scrub(&b.error.detail, Some(&self.api_key))))
            .unwrap_or_default();
        tracing::warn!(provider = NAME, status = body.status.as_u16(), %code, "brave error");
        match code.as_str() {
            c if c.starts_with("SUBSCRIPTION_TOKEN") || c.contains("UNAUTHORIZED") => {
                ProviderError::InvalidKey { provider: NAME }
            }
            c if c.contains("CREDIT") || c.contains("QUOTA") || c.contains("PLAN") => {
                ProviderError::OutOfCredits { provider: NAME }
            }
            "RATE_LIMITED" => ProviderError::RateLimited {
                provider: NAME,
                retry_after: wire::retry_after(&body.headers),
            },
            _ if body.status.as_u16() == 422 || body.status.as_u16() == 400 => {
                wire::invalid_request(NAME, code, body.status.as_u16(), detail)
            }
            _ => wire::status_error(NAME, body),
        }
    }
}

#[async_trait]
impl SearchProvider for BraveClient {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn search(&self, q: &SearchQuery) -> ProviderResult<SearchResults> {
        let kind = match q.topic {
            SearchTopic::General => "web",
            SearchTopic::News => "news",
        };
        let mut params = vec![("q", q.query.clone()), ("count", q.limit().to_string())];
        if let Some(range) = q.time_range {
            let f = match range {
                TimeRange::Day => "pd",
                TimeRange::Week => "pw",
                TimeRange::Month => "pm",
                TimeRange::Year => "py",
            };
            params.push(("freshness", f.to_owned()));
        }
        let url = wire::endpoint(&self.base, &["res", "v1", kind, "search"]);
        let request = self
            .http
            .get(url)
            .header("X-Subscription-Token", &self.api_key)
            .header(reqwest::header::ACCEPT, "application/json")
            .query(&params);
        let body = wire::read(NAME, request).await?;
        if !body.status.is_success() {
            return Err(self.error(&body));
        }
        parse_response(
            &q.query,
            &body.text,
            q.limit(),
            Provenance::live(NAME, Utc::now()),
        )
    }
}

#[derive(Deserialize)]
struct WireResponse {
    #[serde(default)]
    web: Option<WireResults>,
    /// The news endpoint puts results at the top level.
    #[serde(default)]
    results: Vec<WireResult>,
    #[serde(default)]
    news: Option<WireResults>,
}

#[derive(Deserialize)]
struct WireResults {
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
    description: String,
    #[serde(default)]
    page_age: Option<String>,
}

fn parse_response(
    query: &str,
    text: &str,
    limit: usize,
    provenance: Provenance,
) -> ProviderResult<SearchResults> {
    let wire: WireResponse = wire::json(NAME, text)?;
    let all = wire
        .web
        .map(|w| w.results)
        .unwrap_or_default()
        .into_iter()
        .chain(wire.results)
        .chain(wire.news.map(|n| n.results).unwrap_or_default())
        .map(|r| SearchResult {
            title: r.title,
            url: r.url,
            snippet: r.description,
            engine: "brave".into(),
            published: r.page_age.as_deref().and_then(wire::parse_time),
        });
    Ok(SearchResults {
        query: query.to_owned(),
        results: wire::tidy_results(all, limit),
        answer: None,
        provenance,
    })
}
