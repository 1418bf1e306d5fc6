//! A real server on 127.0.0.1:0 over a temp SQLite store, with the scripted responder.

use professor_lock::config::{Config, Secret};
use professor_lock::engine::{ActionRegistry, Responder};
use professor_lock::server::{self, AppState, StateParts};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

enum Answering {
    Scripted,
    Agent,
    With(Arc<dyn Responder>),
}

/// The stand-in WASM's repeated content (compressible, as real WASM is).
pub const ASSET: &[u8] = b"\0asm\x01\0\0\0professor lock stand-in ";
/// The stand-in build's asset hashes (22 base64url characters, as cargo-leptos writes them).
pub const HASHES: [(&str, &str); 3] = [
    ("js", "JsJsJsJsJsJsJsJsJsJs_-"),
    ("wasm", "WasmWasmWasmWasmWasm_-"),
    ("css", "CssCssCssCssCssCssCs_-"),
];

pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server with the scripted responder; `tune` adjusts the config first.
    pub async fn start(tune: impl FnOnce(&mut Config)) -> Self {
        Self::start_answering(tune, Answering::Scripted).await
    }

    /// Starts a server answering with the agent (offline model, no keys: demo data).
    pub async fn start_with_agent() -> Self {
        Self::start_answering(|_| {}, Answering::Agent).await
    }

    /// The agent (offline model, demo data) with a tuned config.
    pub async fn start_tuned_with_agent(tune: impl FnOnce(&mut Config)) -> Self {
        Self::start_answering(tune, Answering::Agent).await
    }

    /// Starts a server answering with the given responder (and no actions).
    pub async fn start_with_responder(responder: Arc<dyn Responder>) -> Self {
        Self::start_answering(|_| {}, Answering::With(responder)).await
    }

    /// Both: a tuned config and the given responder.
    pub async fn start_tuned_with_responder(
        tune: impl FnOnce(&mut Config),
        responder: Arc<dyn Responder>,
    ) -> Self {
        Self::start_answering(tune, Answering::With(responder)).await
    }

    /// The server's `DATA_DIR`.
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    async fn start_answering(tune: impl FnOnce(&mut Config), answering: Answering) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let vars = BTreeMap::from([("DATA_DIR".to_owned(), dir.path().display().to_string())]);
        let mut config = Config::from_vars(vars).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        // Links are built from the configured public URL: by default, this server's address.
        config.public_url = Some(base.clone());
        tune(&mut config);
        let store = professor_lock::store::connect(&config.database_url, 4)
            .await
            .unwrap();
        let (responder, actions) = match answering {
            Answering::Scripted => professor_lock::engine::scripted_parts(),
            Answering::Agent => professor_lock::startup::answering_parts(&config, &store).unwrap(),
            Answering::With(responder) => (responder, ActionRegistry::default()),
        };
        // A site folder with stand-ins for the built assets, so static serving is tested too.
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("pkg")).unwrap();
        std::fs::write(site.join("pkg/professor_lock.wasm"), ASSET.repeat(2048)).unwrap();
        std::fs::write(
            site.join("pkg/professor_lock.css"),
            "body{margin:0}\n".repeat(512),
        )
        .unwrap();
        // And the hashed names a release build links (cargo-leptos `hash-files`), with their
        // hash file; Leptos joins its path to the binary's folder, so an absolute one wins.
        std::fs::write(
            site.join("pkg/professor_lock.js"),
            "export default function init() {}\n".repeat(256),
        )
        .unwrap();
        for (ext, hash) in HASHES {
            std::fs::copy(
                site.join(format!("pkg/professor_lock.{ext}")),
                site.join(format!("pkg/professor_lock.{hash}.{ext}")),
            )
            .unwrap();
        }
        let hash_file = dir.path().join("hash.txt");
        let hashes: String = HASHES
            .iter()
            .map(|(ext, h)| format!("{ext}: {h}\n"))
            .collect();
        std::fs::write(&hash_file, hashes).unwrap();
        let leptos_options = leptos::prelude::LeptosOptions::builder()
            .output_name("professor_lock")
            .site_root(site.display().to_string())
            .hash_files(true)
            .hash_file(hash_file.display().to_string().into())
            .build();
        let state = AppState::build(StateParts {
            leptos_options,
            config: Arc::new(config),
            store,
            secret_key: Secret::new("t".repeat(48)),
            responder,
            actions,
            loopback: true,
        });
        tokio::spawn(async move {
            let _ = server::serve(listener, state).await;
        });
        TestServer {
            base,
            client: reqwest::Client::new(),
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A fresh guest user's client secret.
    pub async fn session(&self) -> String {
        let response = self
            .client
            .post(self.url("/api/chatkit/session"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["client_secret"].as_str().unwrap().to_owned()
    }

    /// A fresh guest's cookie pair (`pl_guest=…`), as a browser would hold it.
    pub async fn guest_cookie(&self) -> String {
        let response = self
            .client
            .post(self.url("/api/chatkit/session"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let cookie = response.headers()["set-cookie"].to_str().unwrap();
        cookie.split(';').next().unwrap().to_owned()
    }

    pub async fn post(&self, secret: &str, body: Value) -> reqwest::Response {
        self.client
            .post(self.url("/chatkit"))
            .bearer_auth(secret)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Creates a thread and reads its whole stream; returns the thread id and the events.
    pub async fn create_thread(&self, secret: &str, text: &str) -> (String, Vec<Value>) {
        let input = json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}});
        let response = self
            .post(
                secret,
                json!({"type": "threads.create", "params": {"input": input}}),
            )
            .await;
        assert_eq!(response.status(), 200);
        let events: Vec<Value> = response
            .text()
            .await
            .unwrap()
            .split("\n\n")
            .filter_map(|f| f.strip_prefix("data: "))
            .map(|f| serde_json::from_str(f).unwrap())
            .collect();
        (
            events[0]["thread"]["id"].as_str().unwrap().to_owned(),
            events,
        )
    }
}

/// A database of its own on the test Postgres server (`PL_TEST_DATABASE_URL`'s server), for
/// tests that take the database away.
pub struct PrivateDatabase {
    admin: sqlx::PgPool,
    pub name: String,
    /// The test database's URL, whose server and user this one shares.
    pub test_url: String,
}

impl PrivateDatabase {
    pub async fn create(prefix: &str) -> PrivateDatabase {
        let test_url = std::env::var("PL_TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let (server_url, _) = test_url.rsplit_once('/').unwrap();
        let admin = sqlx::PgPool::connect(&format!("{server_url}/postgres"))
            .await
            .unwrap_or_else(|e| panic!("Postgres at {server_url} is required: {e}"));
        let database = PrivateDatabase {
            admin,
            name: format!("{prefix}_{}", std::process::id()),
            test_url: test_url.clone(),
        };
        database.drop_database().await;
        database
            .run(&format!("CREATE DATABASE {}", database.name))
            .await;
        database
    }

    pub fn url(&self) -> String {
        let (server_url, _) = self.test_url.rsplit_once('/').unwrap();
        format!("{server_url}/{}", self.name)
    }

    pub async fn drop_database(&self) {
        self.run(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .await;
    }

    async fn run(&self, sql: &str) {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&self.admin)
            .await
            .unwrap();
    }
}
