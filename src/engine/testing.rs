//! One builder for the engines the unit tests drive: a fresh SQLite file in a temporary
//! directory, plain attachment links, small attachment limits, and helpers that send a request
//! as a user and read the answer back as JSON.

use super::{
    ActionRegistry, AttachmentFiles, AttachmentLinks, Engine, EngineLimits, EngineParts, Reply,
    RequestContext, Responder,
};
use crate::error::AppError;
use crate::store::SharedStore;
use serde_json::Value;
use std::sync::Arc;

/// Links that name the attachment only: `{base}/upload/{id}`, `{base}/preview/{id}`.
struct PlainLinks;

impl AttachmentLinks for PlainLinks {
    fn upload_url(&self, base: &str, _user: &str, id: &str) -> String {
        format!("{base}/upload/{id}")
    }
    fn preview_url(&self, base: &str, _user: &str, id: &str) -> String {
        format!("{base}/preview/{id}")
    }
}

pub struct TestEngine {
    pub engine: Engine,
    /// The engine's store, for what a test checks behind the engine's back.
    pub store: SharedStore,
    _dir: tempfile::TempDir,
}

pub struct TestEngineBuilder {
    responder: Arc<dyn Responder>,
    actions: ActionRegistry,
    mime_types: Vec<String>,
    store: Option<SharedStore>,
    links: Arc<dyn AttachmentLinks>,
}

impl TestEngineBuilder {
    pub fn actions(mut self, actions: ActionRegistry) -> Self {
        self.actions = actions;
        self
    }

    /// The attachment types accepted (default: PNG only).
    pub fn mime_types(mut self, types: &[&str]) -> Self {
        self.mime_types = types.iter().map(|t| (*t).to_owned()).collect();
        self
    }

    /// On this store instead of a fresh SQLite file (e.g. a pool of its own on the test
    /// Postgres, to play another server process).
    pub fn store(mut self, store: SharedStore) -> Self {
        self.store = Some(store);
        self
    }

    /// Attachment links from these (default: plain links that only name the attachment).
    pub fn links(mut self, links: Arc<dyn AttachmentLinks>) -> Self {
        self.links = links;
        self
    }

    pub async fn build(self) -> TestEngine {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = match self.store {
            Some(store) => store,
            None => {
                let url = format!("sqlite://{}", dir.path().join("engine.db").display());
                crate::store::connect(&url, 4)
                    .await
                    .expect("a SQLite store")
            }
        };
        let engine = Engine::new(EngineParts {
            store: store.clone(),
            responder: self.responder,
            actions: self.actions,
            files: AttachmentFiles::new(dir.path()),
            links: self.links,
            limits: EngineLimits {
                attachment_max_bytes: 1000,
                attachment_mime_types: self.mime_types,
                ..EngineLimits::default()
            },
        });
        TestEngine {
            engine,
            store,
            _dir: dir,
        }
    }
}

/// The context of a request by `user` (base URL `http://test`).
pub fn ctx(user: &str) -> RequestContext {
    RequestContext {
        user_id: user.into(),
        base_url: "http://test".into(),
    }
}

impl TestEngine {
    /// An engine answering turns with `responder` and no actions.
    pub fn builder(responder: Arc<dyn Responder>) -> TestEngineBuilder {
        TestEngineBuilder {
            responder,
            actions: ActionRegistry::new(),
            mime_types: vec!["image/png".into()],
            store: None,
            links: Arc::new(PlainLinks),
        }
    }

    /// Sends a JSON operation as `user`; its answer.
    pub async fn json(&self, user: &str, body: Value) -> Result<Value, AppError> {
        match self
            .engine
            .handle(&ctx(user), body.to_string().as_bytes())
            .await?
        {
            Reply::Json(text) => Ok(serde_json::from_str(&text).expect("a JSON answer")),
            Reply::Stream(_) => panic!("expected JSON, got a stream"),
        }
    }

    /// Sends a streamed operation as `user`; every event of the turn.
    pub async fn stream(&self, user: &str, body: Value) -> Result<Vec<Value>, AppError> {
        match self
            .engine
            .handle(&ctx(user), body.to_string().as_bytes())
            .await?
        {
            Reply::Stream(events) => Ok(events
                .collect_all()
                .await
                .iter()
                .map(|e| serde_json::from_str(e).expect("a JSON event"))
                .collect()),
            Reply::Json(_) => panic!("expected a stream, got JSON"),
        }
    }
}
