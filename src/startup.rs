//! Boot sequence: env → config → tracing → store (+ migrations) → serve. Every failure is a
//! one-line message naming what is wrong, and a non-zero exit.

use crate::config::{Config, LogFormat, ResponderKind};
use crate::engine::{ActionRegistry, Responder};
use crate::providers::{ProviderSet, ProvidersConfig};
use crate::server::{self, AppState, StateParts};
use crate::tools::ToolServices;
use leptos::prelude::get_configuration;
use std::sync::Arc;

pub async fn run() -> Result<(), String> {
    let config = Config::from_process_env().map_err(|e| e.to_string())?;
    init_tracing(config.log_format);
    let leptos = get_configuration(None).map_err(|e| format!("leptos configuration: {e}"))?;
    let leptos_options = leptos.leptos_options;
    let addr = leptos_options.site_addr;

    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        format!(
            "DATA_DIR={}: cannot create it: {e}",
            config.data_dir.display()
        )
    })?;
    let secret_key = config.resolve_secret_key().map_err(|e| e.to_string())?;
    let store = crate::store::connect(&config.database_url, config.db_max_connections)
        .await
        .map_err(|e| {
            format!(
                "cannot open the {} database: {e}",
                config.database_backend()
            )
        })?;
    tracing::info!(
        backend = store.backend(),
        config = %config.app_origin,
        model = if config.llm.is_some() { "openai-compatible" } else { "offline" },
        "store ready, migrations applied"
    );

    let settlement = spawn_settlement(&config, store.clone())?;
    let (responder, actions) = answering_parts(&config)?;
    let state = AppState::build(StateParts {
        leptos_options,
        config: Arc::new(config),
        store,
        secret_key,
        responder,
        actions,
        loopback: addr.ip().is_loopback(),
    });
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!("listening on http://{addr}/professor-lock");
    server::serve(listener, state)
        .await
        .map_err(|e| format!("server error: {e}"))?;
    settlement.abort();
    tracing::info!("stopped");
    Ok(())
}

/// The deployment's providers (environment) with the regions the operator chose to quote
/// (`betting.region` in Leptos.toml).
pub fn providers_config(config: &Config) -> ProvidersConfig {
    ProvidersConfig {
        odds_api_regions: config.app.betting.region.clone(),
        ..ProvidersConfig::from(&config.providers)
    }
}

/// Starts the periodic settlement task over the configured odds provider (the demo data, at
/// `PL_DEMO_CLOCK`, when none is configured). Several processes may run it on one Postgres.
pub fn spawn_settlement(
    config: &Config,
    store: crate::store::SharedStore,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let providers = ProviderSet::from_config(&providers_config(config))
        .map_err(|e| format!("data providers: {e}"))?;
    let settlement = crate::ledger::SettlementConfig::from(&config.app.ledger);
    tracing::info!(
        interval_secs = settlement.interval.as_secs(),
        "settlement task started"
    );
    Ok(crate::ledger::Settler::new(store, providers.odds(), settlement).spawn())
}

/// Who answers turns and actions: the agent with the betting tools over the configured data
/// providers (demo data for whatever has none), or the scripted responder.
pub fn answering_parts(config: &Config) -> Result<(Arc<dyn Responder>, ActionRegistry), String> {
    if config.responder == ResponderKind::Scripted {
        tracing::info!("answering with the scripted responder (PL_RESPONDER=scripted)");
        return Ok(crate::engine::scripted_parts());
    }
    let providers = ProviderSet::from_config(&providers_config(config))
        .map_err(|e| format!("data providers: {e}"))?;
    for tool in providers.describe() {
        tracing::info!(tool = ?tool.tool, providers = ?tool.providers, demo = tool.demo, "data providers");
    }
    let services = ToolServices {
        providers,
        betting: config.app.betting.clone(),
        gambling: config.app.responsible_gambling.clone(),
    };
    let actions = crate::actions::standard_actions(services.clone());
    let responder = crate::agent::build(config, services, crate::tools::standard_tools())
        .map_err(|e| format!("the OpenAI-compatible model (OPENAI_*): {e}"))?;
    Ok((responder, actions))
}

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
