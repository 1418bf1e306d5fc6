//! Two server processes (the real binary) on one fresh Postgres database, requests
//! alternating between them, behave as one server (issue [J]): a cookie and a client secret
//! minted by A work on B; a thread created on A is listed and continued on B; an attachment
//! uploaded through A is previewed through B; the per-user turn limit is shared; Stop sent to
//! B ends a turn running on A within a second; a periodic background task runs once per
//! interval, not once per process. Neither process is given `PL_SECRET_KEY`, and they share
//! no data directory.

#[path = "../durability/slow_model.rs"]
#[allow(dead_code)] // the durability test reads what this one does not
mod slow_model;

use serde_json::{json, Value};
use slow_model::SlowModel;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Built by cargo for this test target (with the test's features): never missing, never stale.
const SERVER_BIN: &str = env!("CARGO_BIN_EXE_professor_lock");

fn postgres_url() -> String {
    std::env::var("PL_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A database of its own on the test Postgres server, dropped when the test ends.
struct FreshDatabase {
    admin: sqlx::PgPool,
    name: String,
    url: String,
}

impl FreshDatabase {
    async fn create(tag: &str) -> FreshDatabase {
        let test_url = postgres_url();
        let (server, _) = test_url.rsplit_once('/').unwrap();
        let admin = sqlx::PgPool::connect(&format!("{server}/postgres"))
            .await
            .unwrap_or_else(|e| panic!("Postgres at {server} is required: {e}"));
        let name = format!("pl_cluster_{tag}_{}", std::process::id());
        let database = FreshDatabase {
            admin,
            url: format!("{server}/{name}"),
            name,
        };
        database.drop_database().await;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {}",
            database.name
        )))
        .execute(&database.admin)
        .await
        .unwrap();
        database
    }

    async fn drop_database(&self) {
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        )))
        .execute(&self.admin)
        .await
        .unwrap();
    }
}

/// Who answers turns in both processes.
enum Answering<'a> {
    Scripted,
    Model(&'a SlowModel),
}

/// One server process with a data directory of its own.
struct Server {
    child: Child,
    base: String,
    dir: tempfile::TempDir,
    client: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The shipped config with each `key = value` replaced.
fn tuned_config(keys: &[(&str, &str)]) -> String {
    let mut config = professor_lock::config::EMBEDDED_LEPTOS_TOML.to_owned();
    for (key, value) in keys {
        let prefix = format!("{key} = ");
        assert!(
            config.lines().any(|l| l.starts_with(&prefix)),
            "Leptos.toml has no {key}"
        );
        config = config
            .lines()
            .map(|l| {
                if l.starts_with(&prefix) {
                    format!("{prefix}{value}")
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
    }
    config
}

impl Server {
    fn spawn(database_url: &str, answering: &Answering<'_>, config: &str) -> Server {
        assert!(
            Path::new(SERVER_BIN).is_file(),
            "the server binary {SERVER_BIN} is missing: build it with `cargo build --features ssr`"
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Leptos.toml"), config).unwrap();
        let port = free_port();
        let out = std::fs::File::create(dir.path().join("server.log")).unwrap();
        let mut command = Command::new(SERVER_BIN);
        command
            .env_clear()
            .env("DATA_DIR", dir.path().join("data"))
            .env("DATABASE_URL", database_url)
            .env("PL_CONFIG", dir.path().join("Leptos.toml"))
            .env("LEPTOS_OUTPUT_NAME", "professor_lock")
            // No built site here: unhashed names even if a dev build left a hash.txt beside the binary.
            .env("LEPTOS_HASH_FILES", "false")
            .env("LEPTOS_SITE_ROOT", dir.path().join("site"))
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_ENV", "PROD")
            .env("RUST_LOG", "warn,professor_lock=info");
        match answering {
            Answering::Scripted => {
                command.env("PL_RESPONDER", "scripted");
            }
            Answering::Model(model) => {
                command
                    .env("OPENAI_API_KEY", "sk-cluster-test")
                    .env("OPENAI_BASE_URL", &model.base_url);
            }
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {SERVER_BIN}: {e}"));
        Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            dir,
            client: reqwest::Client::new(),
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Waits until the process says it is ready for traffic (`/ready`).
    async fn wait_ready(&mut self) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "the server exited ({status}) at start-up:\n{}",
                    self.log_text()
                );
            }
            let ready = self.client.get(self.url("/ready")).send().await;
            if ready.is_ok_and(|r| r.status() == 200) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not become ready:\n{}", self.log_text());
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A new guest: its cookie (`pl_guest=…`) and a client secret minted from it.
    async fn new_guest(&self) -> (String, String) {
        let response = self
            .client
            .post(self.url("/api/chatkit/session"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", self.log_text());
        let cookie = response.headers()["set-cookie"].to_str().unwrap();
        let cookie = cookie.split(';').next().unwrap().to_owned();
        let body: Value = response.json().await.unwrap();
        (cookie, body["client_secret"].as_str().unwrap().to_owned())
    }

    async fn chatkit(&self, secret: &str, body: Value) -> reqwest::Response {
        self.client
            .post(self.url("/chatkit"))
            .bearer_auth(secret)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    async fn json(&self, secret: &str, body: Value) -> Value {
        let response = self.chatkit(secret, body).await;
        assert_eq!(response.status(), 200, "{}", self.base);
        response.json().await.unwrap()
    }

    /// A turn's whole stream: its events.
    async fn turn(&self, secret: &str, body: Value) -> Vec<Value> {
        let response = self.chatkit(secret, body).await;
        assert_eq!(response.status(), 200, "{}", self.base);
        response
            .text()
            .await
            .unwrap()
            .split("\n\n")
            .filter_map(|f| f.strip_prefix("data: "))
            .map(|f| serde_json::from_str(f).unwrap())
            .collect()
    }

    /// The sum of a counter's samples with this label set in `/metrics`.
    async fn counter(&self, name: &str, label: &str) -> f64 {
        let text = self
            .client
            .get(self.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .filter(|l| l.starts_with(name) && l.contains(label))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }
}

/// Two processes on one database, started at the same moment (they race for the shared key).
async fn pair(
    database: &FreshDatabase,
    answering: Answering<'_>,
    config: &str,
) -> (Server, Server) {
    let mut a = Server::spawn(&database.url, &answering, config);
    let mut b = Server::spawn(&database.url, &answering, config);
    a.wait_ready().await;
    b.wait_ready().await;
    (a, b)
}

fn input(text: &str) -> Value {
    json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}})
}

fn create(text: &str) -> Value {
    json!({"type": "threads.create", "params": {"input": input(text)}})
}

fn thread_ids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn identity_threads_attachments_and_limits_are_shared() {
    let database = FreshDatabase::create("shared").await;
    let config = tuned_config(&[("turns_per_minute", "30"), ("reclaim_interval_secs", "1")]);
    let (a, b) = pair(&database, Answering::Scripted, &config).await;
    for server in [&a, &b] {
        assert!(
            !server.data_dir().join("secret.key").exists(),
            "on Postgres the signing key lives in the database, not in a data directory"
        );
    }

    // One identity: a client secret and a cookie minted by A work on B.
    let (cookie, secret) = a.new_guest().await;
    let listed = b
        .chatkit(&secret, json!({"type": "threads.list", "params": {}}))
        .await;
    assert_eq!(listed.status(), 200, "A's client secret works on B");
    let from_cookie = b
        .client
        .post(b.url("/api/chatkit/session"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(from_cookie.status(), 200, "A's guest cookie works on B");
    let secret_from_b: Value = from_cookie.json().await.unwrap();
    let secret_from_b = secret_from_b["client_secret"].as_str().unwrap().to_owned();

    // A thread created on A is listed and continued on B, as the same user.
    let events = a.turn(&secret, create("Lakers tonight?")).await;
    let thread_id = events[0]["thread"]["id"].as_str().unwrap().to_owned();
    let on_b = b
        .json(
            &secret_from_b,
            json!({"type": "threads.list", "params": {}}),
        )
        .await;
    assert_eq!(thread_ids(&on_b), vec![thread_id.clone()]);
    let more = b
        .turn(
            &secret,
            json!({"type": "threads.add_user_message",
                   "params": {"thread_id": thread_id, "input": input("And the Celtics?")}}),
        )
        .await;
    assert!(
        more.iter().any(|e| e["type"] == "thread.item.done"),
        "the turn on B ran: {more:?}"
    );
    let items = a
        .json(
            &secret,
            json!({"type": "items.list", "params": {"thread_id": thread_id, "order": "asc"}}),
        )
        .await;
    let users: Vec<&Value> = items["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["type"] == "user_message")
        .collect();
    assert_eq!(users.len(), 2, "A sees the message B took: {items}");

    // An attachment uploaded through A is previewed through B.
    let attachment = a
        .json(
            &secret,
            json!({"type": "attachments.create",
                   "params": {"name": "slip.png", "size": 8, "mime_type": "image/png"}}),
        )
        .await;
    let upload_url = attachment["upload_descriptor"]["url"].as_str().unwrap();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"\x89PNG\r\n\x1a\n".to_vec()).file_name("slip.png"),
    );
    let uploaded = a
        .client
        .post(upload_url)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 200);
    let uploaded: Value = uploaded.json().await.unwrap();
    let preview = uploaded["preview_url"].as_str().unwrap();
    let path = &preview[preview.find("/api/").unwrap()..];
    let through_b = b.client.get(b.url(path)).send().await.unwrap();
    assert_eq!(through_b.status(), 200, "B serves what A took");
    assert_eq!(through_b.headers()["content-type"], "image/png");
    assert_eq!(
        through_b.bytes().await.unwrap().as_ref(),
        b"\x89PNG\r\n\x1a\n"
    );
    let again = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(b"x".to_vec()));
    let twice = b
        .client
        .post(b.url(&upload_url[upload_url.find("/api/").unwrap()..]))
        .multipart(again)
        .send()
        .await
        .unwrap();
    assert_eq!(
        twice.status(),
        409,
        "uploaded once, whichever process is asked"
    );

    // The per-user turn limit is shared: 30 turns a minute in all, alternating processes.
    let (_, limited) = a.new_guest().await;
    for n in 0..30 {
        let server = if n % 2 == 0 { &a } else { &b };
        let response = server.chatkit(&limited, create("Odds?")).await;
        assert_eq!(response.status(), 200, "turn {} on {}", n + 1, server.base);
        let _ = response.text().await;
    }
    for server in [&a, &b] {
        let refused = server.chatkit(&limited, create("One more")).await;
        assert_eq!(
            refused.status(),
            429,
            "the 31st turn is refused on {}",
            server.base
        );
        assert!(refused.headers().contains_key("retry-after"));
    }

    // The settlement task's first pass (at start-up, then every 5 minutes) ran once, on
    // whichever process claimed it.
    let settled = r#"task="settlement""#;
    let passes = a.counter("pl_background_runs_total", settled).await
        + b.counter("pl_background_runs_total", settled).await;
    assert_eq!(passes, 1.0, "one settlement pass between two processes");

    // The reclamation sweep (every second here) runs once per interval among both.
    let label = r#"task="reclaim_attachments""#;
    let before = a.counter("pl_background_runs_total", label).await
        + b.counter("pl_background_runs_total", label).await;
    let window = Duration::from_secs(5);
    tokio::time::sleep(window).await;
    let runs = a.counter("pl_background_runs_total", label).await
        + b.counter("pl_background_runs_total", label).await
        - before;
    assert!(
        (3.0..=7.0).contains(&runs),
        "{runs} sweeps in {window:?} at one per second among two processes (each alone would make ~5)"
    );
    drop((a, b));
    database.drop_database().await;
}

#[tokio::test]
async fn stop_sent_to_one_process_ends_a_turn_running_on_the_other() {
    let model = SlowModel::start(Duration::from_millis(100), 200).await;
    let database = FreshDatabase::create("stop").await;
    let config = tuned_config(&[]);
    let (a, b) = pair(&database, Answering::Model(&model), &config).await;
    let (cookie, secret) = a.new_guest().await;

    let mut stream = a.chatkit(&secret, create("Lakers -4?")).await;
    assert_eq!(stream.status(), 200);
    let mut seen = String::new();
    while !seen.contains("assistant_message.content_part.text_delta") {
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
            .await
            .expect("the first words arrive")
            .unwrap()
            .expect("the stream is still open");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    let first = seen
        .split("\n\n")
        .find_map(|frame| frame.strip_prefix("data: "))
        .unwrap();
    let first: Value = serde_json::from_str(first).unwrap();
    let thread_id = first["thread"]["id"].as_str().unwrap().to_owned();

    let stop = |server: &Server, cookie: &str| {
        server
            .client
            .post(server.url("/api/ui/cancel_turn"))
            .header("cookie", cookie.to_owned())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("thread_id={thread_id}"))
            .send()
    };
    // Another user cannot stop it through either process.
    let (stranger, _) = b.new_guest().await;
    assert_eq!(stop(&b, &stranger).await.unwrap().status(), 404);

    let asked = Instant::now();
    let stopped = stop(&b, &cookie).await.unwrap();
    assert_eq!(stopped.status(), 200);
    assert!(
        stopped.json::<bool>().await.unwrap(),
        "B reports that a turn was running (on A)"
    );
    let rest = tokio::time::timeout(Duration::from_secs(1), stream.text())
        .await
        .expect("A's stream ends within a second of the Stop sent to B")
        .unwrap();
    let took = asked.elapsed();
    assert!(took < Duration::from_secs(1), "{took:?}");
    // Read by hand for BENCHMARKS.md (`--no-capture`).
    eprintln!("Stop via B to the end of A's stream: {took:?}");
    assert!(
        rest.contains("thread.item.done"),
        "the partial answer is kept: {rest}"
    );

    // Nothing runs any more, on either process.
    let again = stop(&b, &cookie).await.unwrap();
    assert!(!again.json::<bool>().await.unwrap());
    let items = b
        .json(
            &secret,
            json!({"type": "items.list", "params": {"thread_id": thread_id, "order": "asc"}}),
        )
        .await;
    let answer = &items["data"][1];
    assert_eq!(answer["type"], "assistant_message", "{items}");
    assert!(answer["content"][0]["text"]
        .as_str()
        .unwrap()
        .starts_with("word"));
    drop((a, b));
    database.drop_database().await;
}
