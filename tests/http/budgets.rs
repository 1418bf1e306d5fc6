//! Abuse budgets over real HTTP: guests and guest turns per client address (with and without a
//! trusted proxy), the cap on turns running at once, attachment quotas and their rate limit,
//! and the sweep that reclaims attachments no thread holds.

use crate::input;
use crate::server::TestServer;
use professor_lock::engine::{AssistantStream, Responder, Turn, TurnError, TurnInput};
use reqwest::header;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

async fn mint(s: &TestServer, forwarded_for: Option<&str>) -> reqwest::Response {
    let mut request = s.client.post(s.url("/api/chatkit/session"));
    if let Some(xff) = forwarded_for {
        request = request.header("x-forwarded-for", xff);
    }
    request.send().await.unwrap()
}

async fn secret_of(response: reqwest::Response) -> String {
    let body: Value = response.json().await.unwrap();
    body["client_secret"].as_str().unwrap().to_owned()
}

fn create(text: &str) -> Value {
    json!({"type": "threads.create", "params": {"input": input(text)}})
}

#[tokio::test]
async fn forty_fresh_guests_from_one_address_get_429_beyond_the_budget() {
    let s = TestServer::start(|c| c.app.limits.guests_per_hour_per_ip = 10).await;
    let (mut admitted, mut refused) = (0, 0);
    for _ in 0..40 {
        let response = mint(&s, None).await;
        match response.status().as_u16() {
            200 => {
                let secret = secret_of(response).await;
                let turn = s.post(&secret, create("Lakers tonight?")).await;
                assert_eq!(turn.status(), 200);
                turn.text().await.unwrap();
                admitted += 1;
            }
            429 => {
                let wait: u64 = response.headers()[header::RETRY_AFTER]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!(wait > 60, "the budget refills per hour: {wait}");
                refused += 1;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!((admitted, refused), (10, 30));
    // A page view without a cookie would make a guest too: refused the same way.
    let page = s.client.get(s.url("/professor-lock")).send().await.unwrap();
    assert_eq!(page.status(), 429);
    assert!(!page.headers().contains_key(header::SET_COOKIE));
}

#[tokio::test]
async fn turns_by_guests_share_one_budget_per_address() {
    let s = TestServer::start(|c| {
        c.app.limits.guests_per_hour_per_ip = 100;
        c.app.limits.guest_turns_per_minute_per_ip = 5;
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..10 {
        let secret = s.session().await;
        let turn = s.post(&secret, create("Chiefs spread?")).await;
        statuses.push(turn.status().as_u16());
        if turn.status() == 429 {
            assert!(turn.headers().contains_key(header::RETRY_AFTER));
        }
        turn.text().await.unwrap();
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        5,
        "{statuses:?}"
    );
    // Reading is not a turn.
    let secret = s.session().await;
    let list = s
        .post(&secret, json!({"type": "threads.list", "params": {}}))
        .await;
    assert_eq!(list.status(), 200);
}

#[tokio::test]
async fn forwarded_for_counts_only_from_a_trusted_proxy() {
    let direct = TestServer::start(|c| c.app.limits.guests_per_hour_per_ip = 2).await;
    assert_eq!(mint(&direct, Some("203.0.113.1")).await.status(), 200);
    assert_eq!(mint(&direct, Some("203.0.113.2")).await.status(), 200);
    assert_eq!(
        mint(&direct, Some("203.0.113.3")).await.status(),
        429,
        "a client cannot pick its own address"
    );

    let proxied = TestServer::start(|c| {
        c.app.limits.guests_per_hour_per_ip = 2;
        c.app.limits.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    assert_eq!(mint(&proxied, Some("203.0.113.1")).await.status(), 200);
    assert_eq!(mint(&proxied, Some("203.0.113.1")).await.status(), 200);
    assert_eq!(mint(&proxied, Some("203.0.113.1")).await.status(), 429);
    assert_eq!(
        mint(&proxied, Some("203.0.113.2")).await.status(),
        200,
        "another client behind the proxy has its own budget"
    );
    assert_eq!(
        mint(&proxied, Some("1.2.3.4, 203.0.113.1")).await.status(),
        429,
        "a forged first hop does not escape the budget"
    );
}

/// Answers only when the test lets it: turns stay running for as long as the test wants.
struct Gate(Arc<tokio::sync::Semaphore>);

#[async_trait::async_trait]
impl Responder for Gate {
    async fn respond(&self, turn: &mut Turn, _input: TurnInput<'_>) -> Result<(), TurnError> {
        let mut message = AssistantStream::start(turn);
        message.push(turn, "Thinking");
        if let Ok(permit) = self.0.acquire().await {
            permit.forget();
        }
        message.finish(turn);
        Ok(())
    }
}

#[tokio::test]
async fn turns_beyond_the_concurrency_cap_are_429_not_queued() {
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let s = TestServer::start_tuned_with_responder(
        |c| c.app.limits.max_concurrent_turns = 2,
        Arc::new(Gate(gate.clone())),
    )
    .await;
    let mut running = Vec::new();
    for _ in 0..2 {
        let secret = s.session().await;
        let mut stream = s.post(&secret, create("Hold on")).await;
        assert_eq!(stream.status(), 200);
        let mut seen = String::new();
        while !seen.contains("Thinking") {
            seen.push_str(&String::from_utf8_lossy(
                &stream.chunk().await.unwrap().unwrap(),
            ));
        }
        running.push(stream);
    }
    let secret = s.session().await;
    let started = std::time::Instant::now();
    let busy = s.post(&secret, create("And me?")).await;
    assert_eq!(busy.status(), 429);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "refused at once"
    );
    assert!(busy.headers().contains_key(header::RETRY_AFTER));

    // A client that went away still holds its slot until its turn ends.
    drop(running.pop());
    assert_eq!(s.post(&secret, create("Now?")).await.status(), 429);
    gate.add_permits(2);
    for stream in running {
        stream.text().await.unwrap();
    }
    let mut admitted = false;
    for _ in 0..50 {
        let response = s.post(&secret, create("Now?")).await;
        if response.status() == 200 {
            admitted = true;
            gate.add_permits(1);
            response.text().await.unwrap();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(admitted, "slots come back when turns end");
}

async fn create_attachment(s: &TestServer, secret: &str, size: u64) -> reqwest::Response {
    s.post(
        secret,
        json!({"type": "attachments.create", "params": {"name": "slip.png", "size": size, "mime_type": "image/png"}}),
    )
    .await
}

#[tokio::test]
async fn attachments_have_count_and_byte_quotas_and_a_rate_limit() {
    let s = TestServer::start(|c| {
        c.app.limits.attachments_per_user = 2;
        c.app.limits.attachment_max_bytes = 1000;
        c.app.limits.attachment_bytes_per_user = 1500;
    })
    .await;
    let secret = s.session().await;
    assert_eq!(create_attachment(&s, &secret, 1000).await.status(), 200);
    let too_big = create_attachment(&s, &secret, 600).await;
    assert_eq!(too_big.status(), 403);
    let body: Value = too_big.json().await.unwrap();
    assert!(
        body["error"]["message"].as_str().unwrap().contains("quota"),
        "{body}"
    );
    assert_eq!(create_attachment(&s, &secret, 500).await.status(), 200);
    assert_eq!(
        create_attachment(&s, &secret, 1).await.status(),
        403,
        "count quota"
    );
    let other = s.session().await;
    assert_eq!(
        create_attachment(&s, &other, 1000).await.status(),
        200,
        "quotas are per user"
    );

    let s = TestServer::start(|c| c.app.limits.attachments_per_minute = 3).await;
    let secret = s.session().await;
    for _ in 0..3 {
        assert_eq!(create_attachment(&s, &secret, 8).await.status(), 200);
    }
    let limited = create_attachment(&s, &secret, 8).await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key(header::RETRY_AFTER));
}

async fn uploaded_attachment(s: &TestServer, secret: &str) -> (String, String) {
    let created: Value = create_attachment(s, secret, 8).await.json().await.unwrap();
    let upload = created["upload_descriptor"]["url"].as_str().unwrap();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"\x89PNG\r\n\x1a\n".to_vec()),
    );
    let response = s.client.post(upload).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 200);
    (
        created["id"].as_str().unwrap().to_owned(),
        created["preview_url"].as_str().unwrap().to_owned(),
    )
}

async fn thread_with(s: &TestServer, secret: &str, attachment_id: &str) -> String {
    let mut message = input("what is on this slip?");
    message["attachments"] = json!([attachment_id]);
    let text = s
        .post(
            secret,
            json!({"type": "threads.create", "params": {"input": message}}),
        )
        .await
        .text()
        .await
        .unwrap();
    let first: Value = serde_json::from_str(
        text.split("\n\n")
            .next()
            .unwrap()
            .trim_start_matches("data: "),
    )
    .unwrap();
    first["thread"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn unclaimed_attachments_and_those_of_deleted_threads_are_reclaimed() {
    let s = TestServer::start(|c| {
        c.app.limits.unclaimed_attachment_ttl_secs = 3;
        c.app.limits.reclaim_interval_secs = 1;
    })
    .await;
    let secret = s.session().await;
    // Each is sent right after its upload, well within the time to live.
    let (kept, kept_preview) = uploaded_attachment(&s, &secret).await;
    thread_with(&s, &secret, &kept).await;
    let (dropped, dropped_preview) = uploaded_attachment(&s, &secret).await;
    let doomed = thread_with(&s, &secret, &dropped).await;
    let (unsent, unsent_preview) = uploaded_attachment(&s, &secret).await;
    let deleted = s
        .post(
            &secret,
            json!({"type": "threads.delete", "params": {"thread_id": doomed}}),
        )
        .await;
    assert_eq!(deleted.status(), 200);

    let files = s.data_dir().join("attachments");
    let on_disk = || {
        let mut names: Vec<String> = std::fs::read_dir(&files)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while on_disk().len() > 1 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        on_disk(),
        vec![kept.clone()],
        "unsent {unsent}, dropped {dropped}"
    );
    for gone in [unsent_preview, dropped_preview] {
        assert_eq!(s.client.get(&gone).send().await.unwrap().status(), 404);
    }
    assert_eq!(
        s.client.get(&kept_preview).send().await.unwrap().status(),
        200
    );
    let again = create_attachment(&s, &secret, 8).await;
    assert_eq!(again.status(), 200, "the reclaimed ones no longer count");
}

/// Uploads are buffered whole, so how many receive bytes at once is capped: one beyond the cap
/// is 429 with `Retry-After` (never queued), and a slot frees when its upload ends.
#[tokio::test]
async fn uploads_beyond_the_concurrent_cap_are_refused_not_queued() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = TestServer::start(|c| c.app.limits.max_concurrent_uploads = 1).await;
    let secret = s.session().await;
    let png = b"\x89PNG\r\n\x1a\n";
    let mut urls = Vec::new();
    for name in ["held.png", "second.png"] {
        let created: Value = s
            .post(&secret, json!({"type": "attachments.create", "params": {"name": name, "size": png.len(), "mime_type": "image/png"}}))
            .await
            .json()
            .await
            .unwrap();
        urls.push(
            created["upload_descriptor"]["url"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let upload = |url: String| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(png.to_vec())
                .file_name("a.png")
                .mime_str("image/png")
                .unwrap(),
        );
        s.client.post(url).multipart(form).send()
    };

    // The first upload sends its head with `Expect: 100-continue`: hyper answers "100
    // Continue" once the handler reads the body, i.e. once it holds the only slot.
    let url = reqwest::Url::parse(&urls[0]).unwrap();
    let mut held = tokio::net::TcpStream::connect((url.host_str().unwrap(), url.port().unwrap()))
        .await
        .unwrap();
    let body = [
        &b"--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"[..],
        png,
        b"\r\n--b0undary--\r\n",
    ]
    .concat();
    let head = format!(
        "POST {}?{} HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary=b0undary\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        url.path(),
        url.query().unwrap(),
        url.authority(),
        body.len()
    );
    held.write_all(head.as_bytes()).await.unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 512];
    while !String::from_utf8_lossy(&seen).contains("100 Continue") {
        let n = tokio::time::timeout(Duration::from_secs(10), held.read(&mut buf))
            .await
            .expect("the server asks for the body")
            .unwrap();
        assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }

    let refused = upload(urls[1].clone()).await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key(header::RETRY_AFTER));

    held.write_all(&body).await.unwrap();
    let mut answer = Vec::new();
    while !String::from_utf8_lossy(&answer).contains("\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(10), held.read(&mut buf))
            .await
            .expect("the held upload is answered")
            .unwrap();
        assert!(n > 0);
        answer.extend_from_slice(&buf[..n]);
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Its slot is free again: the refused upload now goes through.
    assert_eq!(upload(urls[1].clone()).await.unwrap().status(), 200);
}
