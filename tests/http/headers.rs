//! What every response carries: the page's nonce-based Content-Security-Policy and no framing,
//! locked-down headers on everything else, compression for pages and assets but never for
//! streams, hashed `/pkg` assets cached for good, and revalidation for pages and unhashed assets.

use crate::server::{TestServer, ASSET, HASHES};
use reqwest::header;
use serde_json::json;

/// A client that shows the wire as sent: no automatic decompression.
fn raw_client() -> reqwest::Client {
    reqwest::Client::builder().no_gzip().build().unwrap()
}

#[tokio::test]
async fn the_page_runs_only_its_own_nonced_scripts_and_cannot_be_framed() {
    let s = TestServer::start(|_| {}).await;
    let response = s.client.get(s.url("/professor-lock")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    let policy = headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("'strict-dynamic'"), "{policy}");
    assert!(
        !policy.contains("'unsafe-inline' 'unsafe-eval'"),
        "{policy}"
    );
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy")
        .to_owned();
    assert!(nonce.len() >= 16, "{nonce}");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let html = response.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries this response's nonce"
    );

    // Another load, another nonce.
    let again = s.client.get(s.url("/professor-lock")).send().await.unwrap();
    let policy_again = again.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(!policy_again.contains(&nonce));
}

#[tokio::test]
async fn api_answers_are_locked_down_too() {
    let s = TestServer::start(|_| {}).await;
    let response = s.client.get(s.url("/health")).send().await.unwrap();
    let headers = response.headers();
    assert_eq!(
        headers[header::CONTENT_SECURITY_POLICY],
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
    );
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

#[tokio::test]
async fn pages_and_assets_are_compressed_and_assets_revalidate() {
    let s = TestServer::start(|_| {}).await;
    let client = raw_client();
    for (encoding, path) in [
        ("br", "/pkg/professor_lock.wasm"),
        ("gzip", "/pkg/professor_lock.wasm"),
        ("br", "/pkg/professor_lock.css"),
        ("gzip", "/professor-lock"),
    ] {
        let response = client
            .get(s.url(path))
            .header(header::ACCEPT_ENCODING, encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()[header::CONTENT_ENCODING],
            encoding,
            "{path}"
        );
        if path.starts_with("/pkg/") {
            assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
        }
        let sent = response.bytes().await.unwrap().len();
        if path.ends_with(".wasm") {
            assert!(sent * 10 < ASSET.len() * 2048, "{encoding}: {sent} bytes");
        }
    }

    // Without Accept-Encoding the bytes go as they are; a revalidation is a 304.
    let plain = client
        .get(s.url("/pkg/professor_lock.wasm"))
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    let modified = plain.headers()[header::LAST_MODIFIED].clone();
    assert_eq!(plain.bytes().await.unwrap().len(), ASSET.len() * 2048);
    let revalidated = client
        .get(s.url("/pkg/professor_lock.wasm"))
        .header(header::IF_MODIFIED_SINCE, modified)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304);
}

#[tokio::test]
async fn streams_are_never_compressed() {
    let s = TestServer::start(|_| {}).await;
    let secret = s.session().await;
    let client = raw_client();
    let input = json!({"content": [{"type": "input_text", "text": "hi"}], "attachments": [], "inference_options": {}});
    let sse = client
        .post(s.url("/chatkit"))
        .bearer_auth(&secret)
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .json(&json!({"type": "threads.create", "params": {"input": input}}))
        .send()
        .await
        .unwrap();
    assert_eq!(sse.status(), 200);
    assert!(sse.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    assert!(sse.headers().get(header::CONTENT_ENCODING).is_none());
    assert!(sse.text().await.unwrap().contains("thread.created"));

    let cookie = s.guest_cookie().await;
    let page_stream = client
        .post(s.url("/api/ui/chatkit_stream"))
        .header("cookie", cookie)
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .json(&json!({"request": {"type": "threads.create", "params": {"input": input}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(page_stream.status(), 200);
    assert!(page_stream
        .headers()
        .get(header::CONTENT_ENCODING)
        .is_none());
    assert!(page_stream.text().await.unwrap().contains("thread.created"));
}

#[tokio::test]
async fn the_page_links_hashed_assets_cached_for_good_and_is_itself_revalidated() {
    let s = TestServer::start(|_| {}).await;
    let client = raw_client();
    let page = client
        .get(s.url("/professor-lock"))
        .header(header::ACCEPT_ENCODING, "identity")
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()[header::CACHE_CONTROL], "no-cache");
    let html = page.text().await.unwrap();
    for (ext, hash) in HASHES {
        let path = format!("/pkg/professor_lock.{hash}.{ext}");
        assert!(html.contains(&format!("\"{path}\"")), "{ext}: {html}");
        for encoding in ["br", "gzip"] {
            let response = client
                .get(s.url(&path))
                .header(header::ACCEPT_ENCODING, format!("{encoding}, identity"))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(
                response.headers()[header::CACHE_CONTROL],
                "public, max-age=31536000, immutable",
                "{path}"
            );
            assert_eq!(
                response.headers()[header::CONTENT_ENCODING],
                encoding,
                "{path}"
            );
        }
    }
    // Revalidated anyway (a forced reload), the 304 keeps the asset cached for good.
    let wasm = format!("/pkg/professor_lock.{}.wasm", HASHES[1].1);
    let first = client.get(s.url(&wasm)).send().await.unwrap();
    let modified = first.headers()[header::LAST_MODIFIED].clone();
    let revalidated = client
        .get(s.url(&wasm))
        .header(header::IF_MODIFIED_SINCE, modified)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304);
    assert_eq!(
        revalidated.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    // The unhashed names are gone from the page (a dev build's names are revalidated instead).
    assert!(!html.contains("/pkg/professor_lock.wasm"), "{html}");
    assert!(!html.contains("/pkg/professor_lock.css"), "{html}");
    // A hashed-looking name that does not exist is not cached for good.
    let missing = client
        .get(s.url("/pkg/professor_lock.MissingMissingMissing_.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_ne!(
        missing
            .headers()
            .get(header::CACHE_CONTROL)
            .map(|v| v.to_str().unwrap()),
        Some("public, max-age=31536000, immutable")
    );
}
