//! Tokens do what they say: client secrets come only from a guest cookie or the identity
//! provider's JWT, guest secrets die with `PL_GUESTS=false`, an upload link uploads once and a
//! preview link never uploads, links use the configured public URL, the guest cookie expires.

use crate::server::TestServer;
use professor_lock::config::{JwtConfig, Secret};
use reqwest::header;
use serde_json::{json, Value};

const IDP_SECRET: &str = "an-identity-provider-secret-long-enough-42";

fn guests_off(c: &mut professor_lock::config::Config) {
    c.guests_allowed = false;
    c.jwt = Some(JwtConfig {
        secret: Secret::new(IDP_SECRET),
        issuer: None,
        audience: None,
    });
}

#[tokio::test]
async fn a_client_secret_cannot_mint_another() {
    let s = TestServer::start(|_| {}).await;
    let secret = s.session().await;
    let again = s
        .client
        .post(s.url("/api/chatkit/session"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 403);
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["error"]["code"], "forbidden");
    assert!(
        again_headers_set_no_cookie(&s, &secret).await,
        "and no new guest is made for it"
    );
}

async fn again_headers_set_no_cookie(s: &TestServer, secret: &str) -> bool {
    let response = s
        .client
        .post(s.url("/api/chatkit/session"))
        .bearer_auth(secret)
        .send()
        .await
        .unwrap();
    !response.headers().contains_key(header::SET_COOKIE)
}

#[tokio::test]
async fn guest_secrets_and_cookies_stop_working_when_guests_are_off() {
    // Both servers share the test signing key: as one server restarted with PL_GUESTS=false.
    let open = TestServer::start(|_| {}).await;
    let secret = open.session().await;
    let cookie = open.guest_cookie().await;
    let closed = TestServer::start(guests_off).await;
    let list = json!({"type": "threads.list", "params": {}});
    assert_eq!(closed.post(&secret, list.clone()).await.status(), 401);
    let by_cookie = closed
        .client
        .post(closed.url("/chatkit"))
        .header(header::COOKIE, &cookie)
        .json(&list)
        .send()
        .await
        .unwrap();
    assert_eq!(by_cookie.status(), 401);
    let minted = closed
        .client
        .post(closed.url("/api/chatkit/session"))
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(minted.status(), 401);
}

#[tokio::test]
async fn the_guest_cookie_expires_and_is_not_the_user_id() {
    let s = TestServer::start(|_| {}).await;
    let response = s
        .client
        .post(s.url("/api/chatkit/session"))
        .send()
        .await
        .unwrap();
    let set_cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set_cookie.contains("Max-Age=2592000"), "{set_cookie}");
    let value = set_cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("pl_guest=");
    assert!(
        value.matches('.').count() >= 2,
        "user id, generation and issue time: {value}"
    );
}

async fn create_attachment(s: &TestServer, secret: &str) -> Value {
    let response = s
        .post(
            secret,
            json!({"type": "attachments.create", "params": {"name": "slip.png", "size": 8, "mime_type": "image/png"}}),
        )
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn png() -> reqwest::multipart::Form {
    reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"\x89PNG\r\n\x1a\n".to_vec()),
    )
}

#[tokio::test]
async fn an_upload_link_works_once_and_a_preview_link_never_uploads() {
    let s = TestServer::start(|_| {}).await;
    let secret = s.session().await;
    let created = create_attachment(&s, &secret).await;
    let id = created["id"].as_str().unwrap();
    let upload_url = created["upload_descriptor"]["url"].as_str().unwrap();
    let preview_url = created["preview_url"].as_str().unwrap();
    let preview_token = preview_url.split("token=").nth(1).unwrap();
    let with_preview_token = format!(
        "{}/api/chatkit/attachments/{id}/upload?token={preview_token}",
        s.base
    );
    let refused = s
        .client
        .post(&with_preview_token)
        .multipart(png())
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401, "a preview token is no upload token");

    let first = s
        .client
        .post(upload_url)
        .multipart(png())
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    let second = s
        .client
        .post(upload_url)
        .multipart(png())
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 409);
    let body: Value = second.json().await.unwrap();
    assert_eq!(body["error"]["code"], "conflict");

    let upload_token = upload_url.split("token=").nth(1).unwrap();
    let preview_with_upload_token = format!(
        "{}/api/chatkit/attachments/{id}/content?token={upload_token}",
        s.base
    );
    let refused = s
        .client
        .get(&preview_with_upload_token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401, "an upload token is no preview token");
    let content = s.client.get(preview_url).send().await.unwrap();
    assert_eq!(content.status(), 200);
}

#[tokio::test]
async fn links_use_the_configured_public_url_never_the_host_header() {
    let s = TestServer::start(|c| c.public_url = Some("https://bets.example.com".into())).await;
    let secret = s.session().await;
    let response = s
        .client
        .post(s.url("/chatkit"))
        .bearer_auth(&secret)
        .header(header::HOST, "evil.example")
        .header("x-forwarded-proto", "http")
        .json(&json!({"type": "attachments.create", "params": {"name": "slip.png", "size": 8, "mime_type": "image/png"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let created: Value = response.json().await.unwrap();
    for url in [
        created["upload_descriptor"]["url"].as_str().unwrap(),
        created["preview_url"].as_str().unwrap(),
    ] {
        assert!(
            url.starts_with("https://bets.example.com/api/chatkit/attachments/"),
            "{url}"
        );
    }
}
