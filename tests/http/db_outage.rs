//! Postgres going away under load, as a restart looks to the server: every open connection is
//! cut and new ones are refused for a while, then it is back. Requests in the gap fail cleanly
//! (503 with Retry-After, or a stream that ends with a retryable error), never 500 or a broken
//! stream, and the same server process serves again once the database is back.
//!
//! The restart is played by a TCP proxy between the server and Postgres, so other tests on
//! the same Postgres are not disturbed.

use super::input;
use super::server::{PrivateDatabase, TestServer};
use reqwest::header;
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// Forwards to Postgres while up; `restart` cuts every connection and refuses new ones.
struct PostgresProxy {
    address: String,
    up: Arc<AtomicBool>,
    connections: Arc<Mutex<CancellationToken>>,
}

impl PostgresProxy {
    async fn start(upstream: String) -> PostgresProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let up = Arc::new(AtomicBool::new(true));
        let connections = Arc::new(Mutex::new(CancellationToken::new()));
        let (accepting, current) = (up.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !accepting.load(Ordering::SeqCst) {
                    continue; // dropped: the client sees the connection closed at once
                }
                let cut = current.lock().unwrap().clone();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.cancelled() => {}
                    }
                });
            }
        });
        PostgresProxy {
            address,
            up,
            connections,
        }
    }

    fn go_down(&self) {
        self.up.store(false, Ordering::SeqCst);
        let mut current = self.connections.lock().unwrap();
        current.cancel();
        *current = CancellationToken::new();
    }

    fn come_back(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[derive(Default, Debug)]
struct Tally {
    ok: usize,
    unavailable: usize,
    /// Streams that began and then ended with a retryable error event.
    stream_errors: usize,
    bad: Vec<String>,
}

/// One create-and-list round; records how it went.
async fn round(s: &TestServer, secret: &str, tally: &Mutex<Tally>) {
    let create = json!({"type": "threads.create", "params": {"input": input("Lakers tonight?")}});
    let list = json!({"type": "threads.list", "params": {"limit": 5}});
    for body in [create, list] {
        let response = s.post(secret, body).await;
        let status = response.status();
        let retry_after = response.headers().contains_key(header::RETRY_AFTER);
        let text = response.text().await.unwrap_or_default();
        let mut tally = tally.lock().unwrap();
        match status.as_u16() {
            200 if text.contains("\"type\":\"error\"") => {
                if text.contains("stream.error") || !text.contains("\"allow_retry\":true") {
                    tally.bad.push(format!("stream ended badly: {text}"));
                } else {
                    tally.stream_errors += 1;
                }
            }
            200 => tally.ok += 1,
            503 if retry_after => tally.unavailable += 1,
            other => tally
                .bad
                .push(format!("{other} (Retry-After: {retry_after}): {text}")),
        }
    }
}

#[tokio::test]
async fn a_postgres_restart_under_load_fails_cleanly_and_recovers_without_a_server_restart() {
    let database = PrivateDatabase::create("pl_outage").await;
    let (test_url, name) = (&database.test_url, &database.name);
    let host = url::Url::parse(test_url).unwrap();
    let upstream = format!(
        "{}:{}",
        host.host_str().unwrap(),
        host.port().unwrap_or(5432)
    );
    let proxy = PostgresProxy::start(upstream).await;
    let user = &test_url[..test_url.find('@').unwrap()];
    let through_proxy = format!("{user}@{}/{name}", proxy.address);

    let s = Arc::new(
        TestServer::start(|c| {
            c.database_url = through_proxy.clone();
            let l = &mut c.app.limits;
            l.turns_per_minute = 1_000_000;
            l.guest_turns_per_minute_per_ip = 1_000_000;
        })
        .await,
    );
    let secret = s.session().await;
    let (before, _) = s.create_thread(&secret, "Before the restart").await;

    let tally = Arc::new(Mutex::new(Tally::default()));
    let stop = CancellationToken::new();
    let loaders: Vec<_> = (0..4)
        .map(|_| {
            let (s, secret, tally, stop) = (s.clone(), secret.clone(), tally.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.is_cancelled() {
                    round(&s, &secret, &tally).await;
                }
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_millis(500)).await;
    proxy.go_down();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let health = s.client.get(s.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 503, "health tells the load balancer");
    proxy.come_back();

    // Back within a few seconds, without restarting the server.
    let mut recovered = false;
    for _ in 0..50 {
        let response = s
            .post(
                &secret,
                json!({"type": "threads.get_by_id", "params": {"thread_id": before}}),
            )
            .await;
        if response.status() == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(recovered, "the server serves again once Postgres is back");
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.cancel();
    for loader in loaders {
        loader.await.unwrap();
    }

    let tally = std::mem::take(&mut *tally.lock().unwrap());
    eprintln!("under the restart: {tally:?}");
    assert!(tally.bad.is_empty(), "{:#?}", tally.bad);
    assert!(
        tally.unavailable + tally.stream_errors > 0,
        "the outage was felt: {tally:?}"
    );
    assert!(tally.ok > 0, "{tally:?}");
    let (after, events) = s.create_thread(&secret, "After the restart").await;
    assert!(!events.iter().any(|e| e["type"] == "error"), "{events:?}");
    for thread in [&before, &after] {
        let found = s
            .post(
                &secret,
                json!({"type": "threads.get_by_id", "params": {"thread_id": thread}}),
            )
            .await;
        assert_eq!(found.status(), 200, "{thread} is kept");
    }
    assert_eq!(
        s.client
            .get(s.url("/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    database.drop_database().await;
}
