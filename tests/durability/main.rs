//! Durability of the real server binary: what a client was told is saved survives `kill -9`,
//! and SIGTERM lets running turns finish and saves them. On SQLite and on Postgres
//! (`PL_TEST_DATABASE_URL`).
//!
//! The server answers with the agent against an in-process OpenAI-compatible model that
//! streams a word every 100 ms, so every turn is still running when the server is killed. For
//! the kill, the database is also made slow to commit (another connection holds its write lock
//! for a moment): exactly when announcing a write before it is committed would show the client
//! something a crash then takes back.

mod slow_model;

use serde_json::{json, Value};
use slow_model::SlowModel;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Built by cargo for this test target (with the test's features): never missing, never stale.
const SERVER_BIN: &str = env!("CARGO_BIN_EXE_professor_lock");
const TURNS: usize = 20;

/// One server process over a data directory and a database that outlive it.
struct Server {
    child: Child,
    base: String,
    log: PathBuf,
}

struct Site {
    dir: tempfile::TempDir,
    database_url: String,
    model_url: String,
}

impl Site {
    fn new(database_url: Option<String>, model: &SlowModel) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let database_url = database_url
            .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("durability.db").display()));
        // The shipped limits would refuse 20 guests from one address at once.
        let mut config = professor_lock::config::EMBEDDED_LEPTOS_TOML.to_owned();
        for (key, value) in [
            ("sessions_per_minute_per_ip", "100000"),
            ("guests_per_hour_per_ip", "100000"),
            ("guest_turns_per_minute_per_ip", "100000"),
            ("drain_secs", "15"),
        ] {
            config = set_key(&config, key, value);
        }
        std::fs::write(dir.path().join("Leptos.toml"), config).unwrap();
        Site {
            dir,
            database_url,
            model_url: model.base_url.clone(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    async fn start(&self, run: &str) -> Server {
        assert!(
            Path::new(SERVER_BIN).is_file(),
            "the server binary {SERVER_BIN} is missing: build it with `cargo build --features ssr`"
        );
        let port = free_port();
        let log = self.path().join(format!("server-{run}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(SERVER_BIN)
            .env_clear()
            .env("DATA_DIR", self.path().join("data"))
            .env("DATABASE_URL", &self.database_url)
            .env("PL_CONFIG", self.path().join("Leptos.toml"))
            .env("OPENAI_API_KEY", "sk-durability-test")
            .env("OPENAI_BASE_URL", &self.model_url)
            .env("LEPTOS_OUTPUT_NAME", "professor_lock")
            // No built site here: unhashed names even if a dev build left a hash.txt beside the binary.
            .env("LEPTOS_HASH_FILES", "false")
            .env("LEPTOS_SITE_ROOT", self.path().join("site"))
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_ENV", "PROD")
            .env("RUST_LOG", "warn,professor_lock=info")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {SERVER_BIN}: {e}"));
        let mut server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        server.wait_healthy().await;
        server
    }
}

/// The shipped config with `key = value` instead of its shipped value.
fn set_key(config: &str, key: &str, value: &str) -> String {
    let prefix = format!("{key} = ");
    assert!(
        config.lines().any(|l| l.starts_with(&prefix)),
        "Leptos.toml has no {key}"
    );
    config
        .lines()
        .map(|l| {
            if l.starts_with(&prefix) {
                format!("{prefix}{value}")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    async fn wait_healthy(&mut self) {
        let client = reqwest::Client::new();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "the server exited ({status}) at start-up:\n{}",
                    self.log_text()
                );
            }
            let health = client.get(format!("{}/health", self.base)).send().await;
            if health.is_ok_and(|r| r.status() == 200) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not become healthy:\n{}", self.log_text());
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn kill_9(&mut self) {
        // `Child::kill` is SIGKILL on Unix: no drain, no flush, nothing of ours runs.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Waits for the process to exit by itself, at most `limit`.
    async fn exited_within(&mut self, limit: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }

    fn sigterm(&self) {
        let pid = self.child.id();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

/// A guest's client secret.
async fn session(client: &reqwest::Client, base: &str) -> String {
    let response = client
        .post(format!("{base}/api/chatkit/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["client_secret"].as_str().unwrap().to_owned()
}

/// What a client saw of its turn before the crash: the thread and its message, both announced.
struct Seen {
    secret: String,
    thread_id: String,
    message_id: String,
}

/// Starts a turn over SSE and reads until the thread and the user's message are announced;
/// returns them and the still-open response (the turn keeps running).
async fn start_turn(
    client: &reqwest::Client,
    base: &str,
    secret: String,
    text: String,
) -> (Seen, reqwest::Response) {
    let n = text.clone();
    let input = json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}});
    let mut response = client
        .post(format!("{base}/chatkit"))
        .bearer_auth(&secret)
        .json(&json!({"type": "threads.create", "params": {"input": input}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "turn {n} was refused");
    let mut buffer = String::new();
    let (mut thread_id, mut message_id) = (None, None);
    while thread_id.is_none() || message_id.is_none() {
        let chunk = tokio::time::timeout(Duration::from_secs(20), response.chunk())
            .await
            .unwrap_or_else(|_| panic!("turn {n}: no events"))
            .unwrap()
            .unwrap_or_else(|| panic!("turn {n}: the stream ended early: {buffer}"));
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            let Some(data) = frame.trim_end().strip_prefix("data: ") else {
                continue;
            };
            let event: Value = serde_json::from_str(data).unwrap();
            match event["type"].as_str() {
                Some("thread.created") => {
                    thread_id = event["thread"]["id"].as_str().map(str::to_owned)
                }
                Some("thread.item.done") if event["item"]["type"] == "user_message" => {
                    message_id = event["item"]["id"].as_str().map(str::to_owned)
                }
                _ => {}
            }
        }
    }
    let seen = Seen {
        secret,
        thread_id: thread_id.unwrap(),
        message_id: message_id.unwrap(),
    };
    (seen, response)
}

async fn call(client: &reqwest::Client, base: &str, secret: &str, body: Value) -> (u16, Value) {
    let response = client
        .post(format!("{base}/chatkit"))
        .bearer_auth(secret)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The thread's stored items (hidden ones left out), oldest first.
async fn items(client: &reqwest::Client, base: &str, seen: &Seen) -> Option<Vec<Value>> {
    let (status, thread) = call(
        client,
        base,
        &seen.secret,
        json!({"type": "threads.get_by_id", "params": {"thread_id": seen.thread_id}}),
    )
    .await;
    if status != 200 {
        return None;
    }
    Some(
        thread["items"]["data"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    )
}

/// Another writer holding the database's write lock for `hold`, so the server's commits wait:
/// returns once the lock is taken; the task ends when it is released.
async fn stall_commits(database_url: &str, hold: Duration) -> tokio::task::JoinHandle<()> {
    use sqlx::Connection;
    let (locked_tx, locked) = tokio::sync::oneshot::channel();
    let url = database_url.to_owned();
    let holder = tokio::spawn(async move {
        if url.starts_with("sqlite:") {
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query("BEGIN IMMEDIATE")
                .execute(&mut conn)
                .await
                .unwrap();
            locked_tx.send(()).unwrap();
            tokio::time::sleep(hold).await;
            sqlx::query("COMMIT").execute(&mut conn).await.unwrap();
        } else {
            let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
            let mut tx = conn.begin().await.unwrap();
            // Blocks inserts and updates, not reads.
            sqlx::query(
                "LOCK TABLE chatkit_threads, chatkit_thread_items IN SHARE ROW EXCLUSIVE MODE",
            )
            .execute(&mut *tx)
            .await
            .unwrap();
            locked_tx.send(()).unwrap();
            tokio::time::sleep(hold).await;
            tx.commit().await.unwrap();
        }
    });
    locked.await.expect("the lock was taken");
    holder
}

/// A database of its own on the test Postgres server (the stall must not slow other tests),
/// dropped on drop.
struct PrivatePostgres {
    admin: String,
    name: String,
    url: String,
}

impl PrivatePostgres {
    async fn create() -> PrivatePostgres {
        let test_url = postgres_url();
        let (server, _) = test_url.rsplit_once('/').unwrap();
        let admin = format!("{server}/postgres");
        let name = format!("pl_durability_{}", std::process::id());
        let pool = sqlx::PgPool::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("Postgres at {admin} is required: {e}"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&pool)
        .await
        .unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&pool)
            .await
            .unwrap();
        PrivatePostgres {
            url: format!("{server}/{name}"),
            admin,
            name,
        }
    }

    async fn drop_database(self) {
        let pool = sqlx::PgPool::connect(&self.admin).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        )))
        .execute(&pool)
        .await
        .unwrap();
    }
}

/// N concurrent turns while the database is slow to commit; once every client has seen its
/// thread and its message announced, kill -9; restart on the same database: none of them may
/// be missing.
async fn nothing_announced_is_lost_on_kill_9(database_url: Option<String>) {
    let model = SlowModel::start(Duration::from_millis(100), usize::MAX).await;
    let site = Site::new(database_url, &model);
    let mut server = site.start("before").await;
    let client = reqwest::Client::new();
    let mut secrets = Vec::new();
    for _ in 0..TURNS {
        secrets.push(session(&client, &server.base).await);
    }
    let stall = stall_commits(&site.database_url, Duration::from_millis(1500)).await;
    let turns = secrets
        .into_iter()
        .enumerate()
        .map(|(n, secret)| start_turn(&client, &server.base, secret, format!("Turn {n}")));
    let (seen, open): (Vec<Seen>, Vec<reqwest::Response>) =
        futures::future::join_all(turns).await.into_iter().unzip();
    server.kill_9();
    drop(open);
    stall.await.unwrap();

    let server = site.start("after").await;
    let mut lost_threads = 0;
    let mut lost_messages = 0;
    for s in &seen {
        match items(&client, &server.base, s).await {
            None => lost_threads += 1,
            Some(items) => {
                if !items.iter().any(|i| i["id"] == s.message_id) {
                    lost_messages += 1;
                }
            }
        }
    }
    println!(
        "kill -9 with {TURNS} turns running: {lost_threads} threads and {lost_messages} messages lost"
    );
    assert_eq!(
        (lost_threads, lost_messages),
        (0, 0),
        "announced, then lost on kill -9 (of {TURNS})"
    );
}

/// SIGTERM mid-turn: the server stops taking turns, lets the running ones finish (also those
/// whose clients went away, which outlast every connection) and exits 0; after a restart every
/// answer is there.
async fn sigterm_lets_running_turns_finish(database_url: Option<String>) {
    // Answers take 1 s, or 2 s for "[long]" ones, well inside the 15 s drain.
    const WORDS: usize = 10;
    let model = SlowModel::start(Duration::from_millis(100), WORDS).await;
    let site = Site::new(database_url, &model);
    let mut server = site.start("before").await;
    let client = reqwest::Client::new();
    let mut turns = Vec::new();
    for n in 0..4 {
        let secret = session(&client, &server.base).await;
        // Turns 2 and 3 are long, and their clients leave.
        let text = if n < 2 {
            format!("Turn {n}")
        } else {
            format!("Turn {n} [long]")
        };
        turns.push(start_turn(&client, &server.base, secret, text));
    }
    let (seen, mut open): (Vec<Seen>, Vec<reqwest::Response>) =
        futures::future::join_all(turns).await.into_iter().unzip();
    open.truncate(2);
    let waiting = Instant::now();
    while model.completions_started() < seen.len() {
        assert!(
            waiting.elapsed() < Duration::from_secs(10),
            "the turns never reached the model"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let signalled = Instant::now();
    server.sigterm();
    // The clients still connected read their streams to the end.
    let bodies = futures::future::join_all(open.into_iter().map(|r| r.text())).await;
    let status = server
        .exited_within(Duration::from_secs(20))
        .await
        .expect("the server exits within its drain time");
    assert!(status.success(), "{status}:\n{}", server.log_text());
    assert!(signalled.elapsed() < Duration::from_secs(15));
    for body in bodies {
        let body = body.unwrap();
        assert!(body.contains("\"assistant_message\""), "{body}");
        assert!(!body.contains("\"type\":\"error\""), "{body}");
    }

    let server = site.start("after").await;
    for (n, s) in seen.iter().enumerate() {
        let items = items(&client, &server.base, s)
            .await
            .expect("the thread is saved");
        let answer = items
            .iter()
            .find(|i| i["type"] == "assistant_message")
            .unwrap_or_else(|| panic!("turn {n}: the answer is saved"));
        let words = if n < 2 { WORDS } else { 2 * WORDS };
        assert_eq!(
            answer["content"][0]["text"],
            "word ".repeat(words).trim_end(),
            "turn {n}"
        );
    }
    drop(server);
}

fn postgres_url() -> String {
    std::env::var("PL_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

#[tokio::test]
async fn kill_9_loses_nothing_announced_on_sqlite() {
    nothing_announced_is_lost_on_kill_9(None).await;
}

#[tokio::test]
async fn kill_9_loses_nothing_announced_on_postgres() {
    let database = PrivatePostgres::create().await;
    nothing_announced_is_lost_on_kill_9(Some(database.url.clone())).await;
    database.drop_database().await;
}

#[tokio::test]
async fn sigterm_drains_running_turns_on_sqlite() {
    sigterm_lets_running_turns_finish(None).await;
}

#[tokio::test]
async fn sigterm_drains_running_turns_on_postgres() {
    sigterm_lets_running_turns_finish(Some(postgres_url())).await;
}

/// Start-up checks the configured bookmaker keys against the provider's: a brand name instead
/// of its key stops the server before it listens, naming the key and the one it meant.
#[tokio::test]
async fn an_unknown_bookmaker_key_stops_start_up_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let config = set_key(
        professor_lock::config::EMBEDDED_LEPTOS_TOML,
        "books",
        r#"["draftkings", "caesars"]"#,
    );
    std::fs::write(dir.path().join("Leptos.toml"), config).unwrap();
    let log = dir.path().join("start.log");
    let out = std::fs::File::create(&log).unwrap();
    let mut child = Command::new(SERVER_BIN)
        .env_clear()
        .env("DATA_DIR", dir.path().join("data"))
        .env("PL_CONFIG", dir.path().join("Leptos.toml"))
        .env("LEPTOS_OUTPUT_NAME", "professor_lock")
        .env("LEPTOS_SITE_ROOT", dir.path().join("site"))
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", free_port()))
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            child.kill().ok();
            panic!("start-up must fail at once, not serve");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(!status.success());
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(
        said.contains("\"caesars\"") && said.contains("williamhill_us"),
        "{said}"
    );
    assert!(
        !dir.path().join("data").exists(),
        "nothing is created before the check"
    );
}
