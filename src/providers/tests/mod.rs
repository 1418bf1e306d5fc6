//! Tests of the providers module that need a server: each real client runs against a local
//! axum mock (bound to 127.0.0.1:0) replaying fixtures in the provider's exact format
//! (`../testdata/`). No test reaches anything but 127.0.0.1.

mod chain;
mod demo;
mod espn;
mod odds_api;
mod search;
mod set;
mod statmuse;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{any, MethodRouter};
use axum::Router;

/// One request the mock received.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: HeaderMap,
    pub body: String,
}

impl Seen {
    /// The decoded value of query parameter `name`.
    pub fn param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

pub(crate) struct MockServer {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

async fn record(State(seen): State<Arc<Mutex<Vec<Seen>>>>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    seen.lock().expect("lock").push(Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: parts.headers.clone(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    });
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

impl MockServer {
    pub async fn start(router: Router) -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let app = router.layer(middleware::from_fn_with_state(seen.clone(), record));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            url: format!("http://{addr}"),
            seen,
            task,
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    pub fn hits(&self) -> usize {
        self.seen.lock().expect("lock").len()
    }

    pub fn hits_on(&self, path: &str) -> usize {
        self.seen
            .lock()
            .expect("lock")
            .iter()
            .filter(|s| s.path == path)
            .count()
    }

    pub fn last(&self) -> Seen {
        self.seen().pop().expect("at least one request")
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub(crate) fn respond(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
    let mut resp = Response::new(Body::from(body.to_owned()));
    *resp.status_mut() = StatusCode::from_u16(status).expect("status");
    let content_type = if body.trim_start().starts_with('<') {
        "text/html"
    } else {
        "application/json"
    };
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static(content_type));
    for (k, v) in headers {
        resp.headers_mut().insert(
            HeaderName::from_bytes(k.as_bytes()).expect("header name"),
            HeaderValue::from_str(v).expect("header value"),
        );
    }
    resp
}

/// Always the same response, for any method.
pub(crate) fn fixed(
    status: u16,
    headers: &'static [(&'static str, &'static str)],
    body: &'static str,
) -> MethodRouter {
    any(move || async move { respond(status, headers, body) })
}

/// Responses in order; the last one repeats.
pub(crate) fn sequence(responses: Vec<(u16, &'static str)>) -> MethodRouter {
    let n = Arc::new(AtomicUsize::new(0));
    any(move || {
        let i = n.fetch_add(1, Ordering::SeqCst);
        let (status, body) = responses[i.min(responses.len() - 1)];
        async move { respond(status, &[], body) }
    })
}

pub(crate) fn http() -> reqwest::Client {
    super::wire::http_client(Duration::from_secs(5)).expect("client")
}

/// A URL on 127.0.0.1 where nothing listens.
pub(crate) async fn dead_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

/// A gzip stream of `data` in stored (uncompressed) deflate blocks: enough to check that
/// clients decode `Content-Encoding: gzip` without pulling in a compressor.
pub(crate) fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let chunks: Vec<&[u8]> = if data.is_empty() {
        vec![&[]]
    } else {
        data.chunks(0xffff).collect()
    };
    for (i, chunk) in chunks.iter().enumerate() {
        out.push(u8::from(i + 1 == chunks.len()));
        let len = chunk.len() as u16;
        out.extend(len.to_le_bytes());
        out.extend((!len).to_le_bytes());
        out.extend(*chunk);
    }
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    out.extend((!crc).to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out
}
