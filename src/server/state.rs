//! The state every handler and server function sees.

use super::auth::Auth;
use super::limits::RateLimits;
use crate::config::Config;
use crate::engine::{AttachmentFiles, Engine};
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

/// Cloned for every request by axum's `State` extractor, so every field is a cheap handle.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: Arc<LeptosOptions>,
    pub config: Arc<Config>,
    pub engine: Engine,
    pub auth: Arc<Auth>,
    pub limits: RateLimits,
    pub attachment_files: AttachmentFiles,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        LeptosOptions::clone(&state.leptos_options)
    }
}

/// What the app is assembled from; tests swap the responder and actions.
pub struct StateParts {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub store: crate::store::SharedStore,
    pub secret_key: crate::config::Secret,
    pub responder: Arc<dyn crate::engine::Responder>,
    pub actions: crate::engine::ActionRegistry,
    /// Whether the server listens on loopback only (decides the cookie's `Secure` default).
    pub loopback: bool,
}

impl AppState {
    /// Wires the engine, auth and limits (starts the engine's writer task).
    pub fn build(parts: StateParts) -> Self {
        let config = parts.config;
        let auth = Arc::new(Auth::new(&config, &parts.secret_key, parts.loopback));
        let limits = &config.app.limits;
        let attachment_files = AttachmentFiles::new(&config.data_dir);
        let engine = Engine::new(crate::engine::EngineParts {
            store: parts.store,
            responder: parts.responder,
            actions: parts.actions,
            files: attachment_files.clone(),
            links: Arc::new(super::SignedLinks(auth.clone())),
            limits: crate::engine::EngineLimits {
                attachment_max_bytes: limits.attachment_max_bytes,
                attachment_mime_types: limits.attachment_mime_types.clone(),
            },
        });
        AppState {
            leptos_options: Arc::new(parts.leptos_options),
            limits: RateLimits::new(limits.turns_per_minute, limits.sessions_per_minute_per_ip),
            config,
            engine,
            auth,
            attachment_files,
        }
    }
}
