//! Helpers shared by the HTTP clients: building the `reqwest` client, joining URLs safely,
//! reading bodies, tolerant time parsing and HTML-to-text.
//!
//! Owns no provider knowledge; each client maps statuses and bodies itself.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use url::Url;

use super::error::ProviderError;

/// Identifies us to providers; StatMuse and ESPN ask for a descriptive agent.
pub const USER_AGENT: &str = concat!(
    "ProfessorLock/",
    env!("CARGO_PKG_VERSION"),
    " (self-hosted sports chat; low volume)"
);

/// The shared HTTP client: gzip on (The Odds API and Brave ask for it), bounded timeouts.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, ProviderError> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .build()
        .map_err(|e| ProviderError::Config {
            provider: "HTTP client",
            detail: e.without_url().to_string(),
        })
}

/// Validates a configured base URL (http or https, with a host).
pub(crate) fn base_url(provider: &'static str, raw: &str) -> Result<Url, ProviderError> {
    let url = Url::parse(raw.trim()).map_err(|e| ProviderError::Config {
        provider,
        detail: format!("base URL is not a valid URL ({e})"),
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ProviderError::Config {
            provider,
            detail: "base URL must be http(s)://host[/path]".into(),
        });
    }
    Ok(url)
}

/// `base` + path segments, each percent-encoded, so ids taken from user input cannot change
/// the path or smuggle in query parameters.
pub(crate) fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    url.set_query(None);
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty();
        path.extend(segments);
    }
    url
}

/// A response read to the end.
pub(crate) struct Body {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

pub(crate) async fn read(
    provider: &'static str,
    request: reqwest::RequestBuilder,
) -> Result<Body, ProviderError> {
    let resp = request
        .send()
        .await
        .map_err(|e| ProviderError::network(provider, e))?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp
        .text()
        .await
        .map_err(|e| ProviderError::network(provider, e))?;
    Ok(Body {
        status,
        headers,
        text,
    })
}

pub(crate) fn json<T: DeserializeOwned>(
    provider: &'static str,
    text: &str,
) -> Result<T, ProviderError> {
    serde_json::from_str(text).map_err(|e| ProviderError::malformed(provider, e))
}

/// `Retry-After` in seconds, when present.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

/// Default status mapping for providers without a documented error body.
/// A 400/422 from a provider: its own error code (or the status) and detail (or a generic text).
pub(crate) fn invalid_request(
    provider: &'static str,
    code: String,
    status: u16,
    detail: String,
) -> ProviderError {
    ProviderError::InvalidRequest {
        provider,
        code: if code.is_empty() {
            status.to_string()
        } else {
            code
        },
        message: if detail.is_empty() {
            "invalid request".into()
        } else {
            detail
        },
    }
}

pub(crate) fn status_error(provider: &'static str, body: &Body) -> ProviderError {
    let status = body.status.as_u16();
    match status {
        401 => ProviderError::InvalidKey { provider },
        402 => ProviderError::OutOfCredits { provider },
        403 => ProviderError::Forbidden {
            provider,
            detail: "HTTP 403".into(),
        },
        404 => ProviderError::NotFound {
            provider,
            what: "that request".into(),
        },
        429 => ProviderError::RateLimited {
            provider,
            retry_after: retry_after(&body.headers),
        },
        400..=499 => ProviderError::InvalidRequest {
            provider,
            code: status.to_string(),
            message: format!("HTTP {status}"),
        },
        _ => ProviderError::Upstream { provider, status },
    }
}

/// Parses the date/time spellings providers use: RFC 3339 with or without seconds
/// (ESPN's `2025-03-15T00:00Z`), naive ISO (Brave's `page_age`, taken as UTC), RFC 2822
/// (news feeds) and a bare date.
pub fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M%#z",
        "%Y-%m-%dT%H:%M:%S%.f%#z",
        "%Y-%m-%dT%H:%MZ",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.with_timezone(&Utc));
        }
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t.and_utc());
        }
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t.and_utc());
        }
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// Visible text of an HTML fragment (entities decoded, whitespace collapsed).
pub fn strip_html(fragment: &str) -> String {
    if !fragment.contains('<') && !fragment.contains('&') {
        return collapse_ws(fragment);
    }
    let doc = scraper::Html::parse_fragment(fragment);
    collapse_ws(&doc.root_element().text().collect::<String>())
}

pub(crate) fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Search results as every engine returns them to callers: HTML stripped, no empty URLs,
/// deduplicated by URL (first wins), at most `limit`.
pub(crate) fn tidy_results(
    results: impl IntoIterator<Item = super::model::SearchResult>,
    limit: usize,
) -> Vec<super::model::SearchResult> {
    let mut seen = std::collections::HashSet::new();
    results
        .into_iter()
        .filter(|r| !r.url.trim().is_empty())
        .filter(|r| seen.insert(r.url.trim_end_matches('/').to_owned()))
        .map(|mut r| {
            r.title = strip_html(&r.title);
            r.snippet = strip_html(&r.snippet);
            r
        })
        .take(limit)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_provider_time_formats() {
        let want: DateTime<Utc> = "2025-03-15T00:00:00Z".parse().unwrap();
        assert_eq!(parse_time("2025-03-15T00:00Z"), Some(want));
        assert_eq!(parse_time("2025-03-15T00:00:00Z"), Some(want));
        assert_eq!(parse_time("2025-03-15T00:00:00.000+00:00"), Some(want));
        assert_eq!(parse_time("2025-03-15T00:00:00"), Some(want));
        assert_eq!(parse_time("Sat, 15 Mar 2025 00:00:00 GMT"), Some(want));
        assert_eq!(parse_time("2025-03-15"), Some(want));
        assert_eq!(parse_time("2 hours ago"), None);
    }

    #[test]
    fn endpoint_encodes_segments() {
        let base = Url::parse("http://127.0.0.1:9/prefix/").unwrap();
        let url = endpoint(&base, &["v4", "sports", "a/b?x=1"]);
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:9/prefix/v4/sports/a%2Fb%3Fx=1"
        );
    }

    #[test]
    fn strips_html() {
        assert_eq!(
            strip_html("<strong>LeBron</strong> &amp; AD  scored"),
            "LeBron & AD scored"
        );
    }
}
