//! HTTP wiring: routes, middleware (request ids, tracing, body limits), app state, start-up
//! and graceful shutdown. No business logic lives here.

pub mod assets;
pub mod auth;
mod chatkit;
pub mod client_ip;
mod guest;
mod headers;
mod health;
pub mod limits;
pub mod metrics;
mod page_door;
mod session;
mod state;
mod uploads;

pub use state::{AppState, StateParts};
pub use uploads::SignedLinks;

use crate::engine::RequestContext;
use crate::ui::{shell, App, UiBackend};
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::time::Duration;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnFailure, TraceLayer};
use tracing::Level;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application router.
pub fn router(state: AppState) -> Router {
    metrics::recorder();
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let ui_backend = ui_backend(&state);
    let shell_options = LeptosOptions::clone(&state.leptos_options);
    let upload_limit = state.config.app.limits.attachment_max_bytes as usize + 64 * 1024;
    let [nosniff, no_framing, no_referrer, locked_down_csp] = headers::security_layers();
    let request_timeout_secs = state.config.app.limits.request_timeout_secs;
    let pkg_dir = std::path::Path::new(state.leptos_options.site_root.as_ref())
        .join(state.leptos_options.site_pkg_dir.as_ref());
    Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/metrics", get(metrics::render))
        .route("/chatkit", post(chatkit::chatkit))
        .route("/api/chatkit/session", post(session::create_session))
        .route(
            "/api/chatkit/attachments/{id}/upload",
            post(uploads::upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/api/chatkit/attachments/{id}/content",
            get(uploads::content),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(context_state.clone());
                provide_context(ui_backend.clone());
            },
            move || shell(shell_options.clone()),
        )
        // The built assets, with conditional requests (304) and any precompressed siblings.
        .nest_service(
            "/pkg",
            tower_http::services::ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(headers::cache_policy))
        .layer(axum::middleware::from_fn(metrics::track_requests))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            page_door::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guest::guest_cookie,
        ))
        .with_state(state)
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    let request_id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "http",
                        method = %request.method(),
                        path = %request.uri().path(),
                        request_id = %request_id,
                    )
                })
                .on_request(())
                .on_response(
                    |response: &axum::response::Response,
                     latency: Duration,
                     _span: &tracing::Span| {
                        tracing::info!(
                            status = response.status().as_u16(),
                            latency_ms = latency.as_secs_f64() * 1000.0,
                            "request done"
                        );
                    },
                )
                .on_failure(DefaultOnFailure::new().level(Level::WARN)),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(nosniff)
        .layer(no_framing)
        .layer(no_referrer)
        .layer(locked_down_csp)
        .layer(headers::compression())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(request_timeout_secs),
        ))
}

/// The page's door: the engine behind the same auth and turn limits as `POST /chatkit`.
fn ui_backend(state: &AppState) -> UiBackend {
    let admit_state = state.clone();
    UiBackend {
        engine: state.engine.clone(),
        admit: std::sync::Arc::new(move |mut parts, charge| {
            let state = admit_state.clone();
            Box::pin(async move {
                use axum::extract::FromRequestParts;
                let caller = auth::Caller::from_request_parts(&mut parts, &state).await?;
                let ip = state.proxies.client_ip(&parts.extensions, &parts.headers).0;
                state.limits.admit(&caller, ip, charge).await?;
                Ok(RequestContext {
                    user_id: caller.user_id,
                    base_url: state.public_url.to_string(),
                })
            })
        }),
    }
}

/// Serves until SIGTERM or Ctrl-C, then drains: no new connections or turns, in-flight
/// requests and running turns get up to `[shutdown] drain_secs` to finish, and every write the
/// turns queued is committed before this returns.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_until(listener, state, shutdown_signal()).await
}

/// `serve`, stopping when `stop` completes instead of on a signal.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    use std::future::IntoFuture;
    // Without TCP_NODELAY every SSE event waits on Nagle + delayed ACKs (~40 ms).
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!("TCP_NODELAY: {e}");
        }
    });
    tokio::spawn(forget_idle_budgets(state.clone()));
    tokio::spawn(reclaim_attachments(state.clone()));
    let engine = state.engine.clone();
    let drain = Duration::from_secs(state.config.app.shutdown.drain_secs);
    let stopping = tokio_util::sync::CancellationToken::new();
    let signalled = stopping.clone();
    tokio::spawn(async move {
        stop.await;
        signalled.cancel();
    });
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = axum::serve(listener, app)
        .with_graceful_shutdown(stopping.clone().cancelled_owned())
        .into_future();
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result,
        _ = stopping.cancelled() => {}
    }
    // Connections end as their streams end; turns whose clients left run on in the engine, so
    // both are waited for, under one deadline. New turns are refused from now on.
    let (connections, left) = tokio::join!(
        tokio::time::timeout(drain, &mut server),
        engine.drain(drain)
    );
    if left > 0 || connections.is_err() {
        tracing::warn!(
            turns_cut = left,
            drain_secs = drain.as_secs(),
            "drain time is up; stopping with work still running (its writes so far are committed)"
        );
    } else {
        tracing::info!("drained: every turn finished and was saved");
    }
    match connections {
        Ok(result) => result,
        Err(_) => Ok(()),
    }
}

/// Every minute, forgets rate-limit keys whose budget is full again (one process does it per
/// minute when they share Postgres).
async fn forget_idle_budgets(state: AppState) {
    let period = Duration::from_secs(60);
    let mut every_minute = tokio::time::interval(period);
    loop {
        every_minute.tick().await;
        let forgotten = async {
            if state
                .engine
                .claim_periodic("forget_idle_budgets", period)
                .await?
            {
                state.limits.forget_idle().await?;
            }
            Ok::<_, crate::error::AppError>(())
        };
        if let Err(e) = forgotten.await {
            tracing::warn!(error = %e, "forgetting idle rate-limit keys failed; retrying later");
        }
    }
}

/// The periodic sweep that removes attachments no thread holds once they are old enough; one
/// process sweeps per interval when several share Postgres.
async fn reclaim_attachments(state: AppState) {
    let limits = &state.config.app.limits;
    let ttl = Duration::from_secs(limits.unclaimed_attachment_ttl_secs);
    let interval = Duration::from_secs(limits.reclaim_interval_secs);
    let mut every = tokio::time::interval(interval);
    loop {
        every.tick().await;
        let swept = async {
            if !state
                .engine
                .claim_periodic("reclaim_attachments", interval)
                .await?
            {
                return Ok(0);
            }
            state.engine.reclaim_attachments(ttl).await
        };
        match swept.await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "reclaimed unclaimed attachments"),
            Err(e) => tracing::warn!(error = %e, "attachment reclamation failed; retrying later"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing in-flight requests");
}
