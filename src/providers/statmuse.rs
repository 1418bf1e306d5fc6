//! StatMuse client (providers.md §3): asks a question, reads the answer sentence and the first
//! table out of the HTML.
//!
//! Owns: question → URL slugs, a polite rate limit (one request per `min_interval`),
//! detection of the sign-up/paywall redirect (a distinct error so the chain switches StatMuse
//! off), and the page parser, which the demo dataset reuses on its embedded pages.
//! Opt-in only: StatMuse's terms allow personal, non-commercial, low-volume use.

use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use scraper::{ElementRef, Html, Selector};
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use super::error::ProviderError;
use super::model::*;
use super::wire;
use super::{ProviderResult, StatsProvider};

pub const NAME: &str = "StatMuse";
pub const DEFAULT_BASE_URL: &str = "https://www.statmuse.com";

/// The site's default description, shown when there is no answer.
const DEFAULT_DESCRIPTION_PREFIX: &str = "Instant answers to your";

pub struct StatMuseClient {
    http: reqwest::Client,
    base: Url,
    min_interval: Duration,
    last_request: Mutex<Option<Instant>>,
}

impl StatMuseClient {
    /// Builds its own HTTP client: redirects into `/auth/signup` must be stopped and seen,
    /// not followed.
    pub fn new(base_url: &str, timeout: Duration, min_interval: Duration) -> ProviderResult<Self> {
        let policy = reqwest::redirect::Policy::custom(|attempt| {
            if is_signup(attempt.url()) {
                attempt.stop()
            } else if attempt.previous().len() >= 5 {
                attempt.error("too many redirects")
            } else {
                attempt.follow()
            }
        });
        let http = reqwest::Client::builder()
            .user_agent(wire::USER_AGENT)
            .timeout(timeout)
            .redirect(policy)
            .build()
            .map_err(|e| ProviderError::Config {
                provider: NAME,
                detail: e.without_url().to_string(),
            })?;
        Ok(Self {
            http,
            base: wire::base_url(NAME, base_url)?,
            min_interval,
            last_request: Mutex::new(None),
        })
    }

    fn url_for(&self, q: &StatsQuery) -> Url {
        match q.sport {
            Some(sport) => wire::endpoint(
                &self.base,
                &[sport.statmuse_league(), "ask", &slugify(&q.question)],
            ),
            None => {
                let mut url = wire::endpoint(&self.base, &["ask"]);
                url.query_pairs_mut().append_pair("q", q.question.trim());
                url
            }
        }
    }

    /// Waits until `min_interval` has passed since the previous request.
    async fn pace(&self) {
        let mut last = self.last_request.lock().await;
        if let Some(prev) = *last {
            let next = prev + self.min_interval;
            if next > Instant::now() {
                tokio::time::sleep_until(next).await;
            }
        }
        *last = Some(Instant::now());
    }
}

fn is_signup(url: &Url) -> bool {
    let path = url.path();
    path.starts_with("/auth/signup")
        || path.starts_with("/auth/login")
        || path.starts_with("/subscribe")
}

/// Lowercase, keep `[a-z0-9 +-]`, spaces to hyphens (as the site's own links do).
pub fn slugify(question: &str) -> String {
    let kept: String = question
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '+' | '-'))
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join("-")
}

#[async_trait]
impl StatsProvider for StatMuseClient {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn ask(&self, q: &StatsQuery) -> ProviderResult<StatsAnswer> {
        if slugify(&q.question).is_empty() {
            return Err(ProviderError::NoAnswer {
                provider: NAME,
                detail: "empty question".into(),
            });
        }
        self.pace().await;
        let resp = self
            .http
            .get(self.url_for(q))
            .header(reqwest::header::ACCEPT, "text/html")
            .send()
            .await
            .map_err(|e| ProviderError::network(NAME, e))?;
        let status = resp.status();
        let final_url = resp.url().clone();
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|l| final_url.join(l).ok());
        if is_signup(&final_url) || location.as_ref().is_some_and(is_signup) {
            tracing::warn!(provider = NAME, "free asks used up (sign-up redirect)");
            return Err(ProviderError::SignUpRequired { provider: NAME });
        }
        let headers = resp.headers().clone();
        let text = resp
            .text()
            .await
            .map_err(|e| ProviderError::network(NAME, e))?;
        match status.as_u16() {
            200..=299 => parse_page(
                &q.question,
                &text,
                &final_url,
                Provenance::live(NAME, Utc::now()),
            ),
            404 => Err(ProviderError::NoAnswer {
                provider: NAME,
                detail: "no page for that question".into(),
            }),
            422 => {
                let hero = first_text(&Html::parse_document(&text), "h1").unwrap_or_default();
                let detail = if hero.is_empty() {
                    "question not understood".into()
                } else {
                    hero
                };
                Err(ProviderError::NoAnswer {
                    provider: NAME,
                    detail: super::error::scrub(&detail, None),
                })
            }
            300..=399 => Err(ProviderError::NoAnswer {
                provider: NAME,
                detail: "unexpected redirect".into(),
            }),
            _ => Err(wire::status_error(
                NAME,
                &wire::Body {
                    status,
                    headers,
                    text: String::new(),
                },
            )),
        }
    }
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("static selector")
}

fn text_of(el: ElementRef<'_>) -> String {
    wire::collapse_ws(&el.text().collect::<String>())
}

fn first_text(doc: &Html, css: &str) -> Option<String> {
    doc.select(&selector(css))
        .map(text_of)
        .find(|t| !t.is_empty())
}

/// Parses an answer page: meta description → hero `<h1>` → `.nlg-answer`; the first table.
pub(crate) fn parse_page(
    question: &str,
    html: &str,
    page_url: &Url,
    provenance: Provenance,
) -> ProviderResult<StatsAnswer> {
    let doc = Html::parse_document(html);
    let meta = doc
        .select(&selector(r#"meta[name="description"]"#))
        .filter_map(|m| m.value().attr("content"))
        .map(wire::collapse_ws)
        .find(|c| !c.is_empty());
    let answer = match meta {
        Some(d) if !d.starts_with(DEFAULT_DESCRIPTION_PREFIX) => Some(d),
        Some(_) => None, // the site default: no answer on this page
        None => first_text(&doc, "h1").or_else(|| first_text(&doc, ".nlg-answer")),
    };
    let Some(answer) = answer else {
        return Err(ProviderError::NoAnswer {
            provider: NAME,
            detail: "no answer on the page".into(),
        });
    };
    let interpreted_as = doc
        .select(&selector("h5"))
        .find(|h| text_of(*h).to_lowercase().starts_with("interpreted as"))
        .and_then(|h| h.parent().and_then(ElementRef::wrap))
        .map(|p| {
            let all = text_of(p);
            all.split_once(':')
                .map(|(_, rest)| rest.trim().to_owned())
                .unwrap_or(all)
        })
        .filter(|s| !s.is_empty());
    let canonical = doc
        .select(&selector(r#"link[rel="canonical"]"#))
        .filter_map(|l| l.value().attr("href"))
        .find_map(|href| page_url.join(href).ok())
        .unwrap_or_else(|| page_url.clone());
    Ok(StatsAnswer {
        question: question.to_owned(),
        answer,
        interpreted_as,
        table: doc.select(&selector("table")).next().map(parse_table),
        source_url: Some(canonical.to_string()),
        provenance,
    })
}

/// Header texts from `thead th`; rows from each `tbody tr`. A leading rank column (empty
/// header) is dropped; rows with an empty rank cell are aggregates ("Average", "Total").
fn parse_table(table: ElementRef<'_>) -> StatsTable {
    let mut headers: Vec<String> = table.select(&selector("thead th")).map(text_of).collect();
    let has_rank = headers.first().is_some_and(|h| h.is_empty());
    if has_rank {
        headers.remove(0);
    }
    let mut rows = Vec::new();
    let mut summary_rows = Vec::new();
    for tr in table.select(&selector("tbody tr")) {
        let mut cells: Vec<String> = tr.select(&selector("td, th")).map(text_of).collect();
        if cells.is_empty() {
            continue;
        }
        let aggregate = has_rank && cells[0].is_empty();
        if has_rank {
            cells.remove(0);
        }
        if aggregate {
            summary_rows.push(cells);
        } else {
            rows.push(cells);
        }
    }
    StatsTable {
        headers,
        rows,
        summary_rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_match_the_sites_links() {
        assert_eq!(
            slugify("LeBron James points last 5 games?"),
            "lebron-james-points-last-5-games"
        );
        assert_eq!(
            slugify("  Shai Gilgeous-Alexander  +/- "),
            "shai-gilgeous-alexander-+-"
        );
    }
}
