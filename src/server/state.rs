//! The state every handler and server function sees.

use super::auth::Auth;
use super::client_ip::TrustedProxies;
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
    /// The origin clients reach the server at, for attachment links (`PL_PUBLIC_URL`).
    pub public_url: Arc<str>,
    pub proxies: Arc<TrustedProxies>,
    /// One permit per upload receiving bytes (`limits.max_concurrent_uploads`): uploads are
    /// held in memory, so their number bounds what they can take.
    pub uploads: Arc<tokio::sync::Semaphore>,
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
        let auth = Arc::new(Auth::new(
            &config,
            &parts.secret_key,
            parts.loopback,
            parts.store.clone(),
        ));
        // Never the request's Host header: links must not point wherever a client says.
        let public_url: Arc<str> = match &config.public_url {
            Some(url) => url.as_str().into(),
            None => format!("http://{}", parts.leptos_options.site_addr).into(),
        };
        let limits = &config.app.limits;
        let rate_limits = RateLimits::new(limits, parts.store.cluster());
        // Attachment bytes go here on SQLite; on Postgres the engine keeps them in the database.
        let attachment_files = AttachmentFiles::new(&config.data_dir);
        let engine = Engine::new(crate::engine::EngineParts {
            store: parts.store,
            responder: parts.responder,
            actions: parts.actions,
            files: attachment_files,
            links: Arc::new(super::SignedLinks(auth.clone())),
            limits: crate::engine::EngineLimits {
                attachment_max_bytes: limits.attachment_max_bytes,
                attachment_mime_types: limits.attachment_mime_types.clone(),
                max_concurrent_turns: limits.max_concurrent_turns,
                attachments_per_user: limits.attachments_per_user,
                attachment_bytes_per_user: limits.attachment_bytes_per_user,
            },
        });
        AppState {
            leptos_options: Arc::new(parts.leptos_options),
            limits: rate_limits,
            // The config check has validated every entry.
            proxies: Arc::new(TrustedProxies::parse(&limits.trusted_proxies).unwrap_or_default()),
            uploads: Arc::new(tokio::sync::Semaphore::new(limits.max_concurrent_uploads)),
            config,
            engine,
            auth,
            public_url,
        }
    }
}
