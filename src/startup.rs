//! Boot sequence: env → config → tracing → store (+ migrations) → serve. Every failure is a
//! one-line message naming what is wrong, and a non-zero exit.

use crate::config::{Config, LogFormat, ResponderKind};
use crate::engine::{ActionRegistry, Responder};
use crate::providers::{ProviderSet, ProvidersConfig, SharedCache};
use crate::server::{self, AppState, StateParts};
use crate::store::{Cluster, SharedStore};
use crate::tools::Services;
use leptos::prelude::get_configuration;
use std::sync::Arc;

pub async fn run() -> Result<(), String> {
    let config = Config::from_process_env().map_err(|e| e.to_string())?;
    check_books(&config)?;
    init_tracing(config.log_format);
    let leptos = get_configuration(None).map_err(|e| format!("leptos configuration: {e}"))?;
    let mut leptos_options = leptos.leptos_options;
    server::assets::resolve(&mut leptos_options)?;
    let addr = leptos_options.site_addr;

    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        format!(
            "DATA_DIR={}: cannot create it: {e}",
            config.data_dir.display()
        )
    })?;
    let store = crate::store::connect(&config.database_url, config.db_max_connections)
        .await
        .map_err(|e| {
            format!(
                "cannot open the {} database: {e}",
                config.database_backend()
            )
        })?;
    let secret_key = signing_key(&config, &store).await?;
    tracing::info!(
        backend = store.backend(),
        config = %config.app_origin,
        model = if config.llm.is_some() { "openai-compatible" } else { "offline" },
        "store ready, migrations applied"
    );

    // Metrics from the first moment: the settlement task counts its first run at once.
    crate::server::metrics::recorder();
    let settlement = spawn_settlement(&config, store.clone())?;
    let (responder, actions) = answering_parts(&config, &store)?;
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

/// The configured bookmaker keys against the odds provider's (`providers::odds_api_books`).
pub fn check_books(config: &Config) -> Result<(), String> {
    let b = &config.app.betting;
    crate::providers::odds_api_books::check(
        &b.books,
        b.sharp_book.as_deref(),
        &b.region,
        &b.extra_book_keys,
    )
}

/// The shared secret's name in the database (`server_secrets`).
pub const SIGNING_KEY_NAME: &str = "signing_key";

/// The key that signs guest cookies, client secrets and attachment links: `PL_SECRET_KEY`,
/// else on SQLite the one kept in the data directory. On Postgres every process must hold the
/// same key, so the first to start stores one in the database and the others read it: the
/// data directory's key when this process has one from a single-process past (its cookies stay
/// valid), else a fresh one. Nothing is written to the data directory then.
pub async fn signing_key(
    config: &Config,
    store: &crate::store::SharedStore,
) -> Result<crate::config::Secret, String> {
    if let Some(key) = &config.secret_key {
        return Ok(key.clone());
    }
    let Some(cluster) = store.cluster() else {
        return config.resolve_secret_key().map_err(|e| e.to_string());
    };
    let kept = config.data_dir_secret_key().map_err(|e| e.to_string())?;
    let candidate = kept.clone().unwrap_or_else(Config::generate_secret_key);
    let shared = cluster
        .shared_secret(SIGNING_KEY_NAME, candidate.expose())
        .await
        .map_err(|e| {
            format!("cannot read the shared signing key from the database ({e}); set PL_SECRET_KEY to give every process the same key")
        })?;
    if shared.len() < crate::config::MIN_SECRET_BYTES {
        return Err(format!(
            "the signing key stored in the database (server_secrets) is shorter than {} bytes; set PL_SECRET_KEY",
            crate::config::MIN_SECRET_BYTES
        ));
    }
    if kept.is_some_and(|kept| kept.expose() != shared) {
        tracing::warn!(
            "DATA_DIR/secret.key differs from the signing key the processes share in the database; \
             cookies and client secrets signed with the file's key no longer verify"
        );
    }
    Ok(crate::config::Secret::new(shared))
}

/// The deployment's providers (environment) with the regions the operator chose to quote
/// (`betting.region` in Leptos.toml), and on Postgres the answers cache every process shares.
pub fn providers_config(config: &Config, store: &SharedStore) -> ProvidersConfig {
    ProvidersConfig {
        odds_api_regions: config.app.betting.region.clone(),
        shared_cache: store
            .cluster()
            .map(|cluster| Arc::new(SharedAnswers(cluster)) as Arc<dyn SharedCache>),
        ..ProvidersConfig::from(&config.providers)
    }
}

/// The providers' shared cache over Postgres (`provider_cache`). Errors count as misses: the
/// cache only saves requests, and a provider answer must not fail because the cache did.
struct SharedAnswers(Cluster);

#[async_trait::async_trait]
impl SharedCache for SharedAnswers {
    async fn get(&self, key: &str) -> Option<String> {
        self.0
            .cached_answer(key)
            .await
            .inspect_err(|e| tracing::debug!(error = %e, "shared provider cache unavailable"))
            .ok()
            .flatten()
    }

    async fn put(&self, key: &str, value: &str, ttl: std::time::Duration) {
        if let Err(e) = self.0.cache_answer(key, value, ttl).await {
            tracing::debug!(error = %e, "could not share a provider answer");
        }
    }
}

/// On Postgres, forgets expired shared provider answers every minute (one process does it).
fn spawn_answer_cleanup(store: &SharedStore) {
    let Some(cluster) = store.cluster() else {
        return;
    };
    let period = std::time::Duration::from_secs(60);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(period);
        loop {
            every.tick().await;
            let cleaned = async {
                if cluster
                    .claim_periodic("forget_expired_answers", period)
                    .await?
                {
                    cluster.forget_expired_answers().await?;
                }
                Ok::<_, crate::store::StoreError>(())
            };
            if let Err(e) = cleaned.await {
                tracing::warn!(error = %e, "forgetting expired provider answers failed; retrying later");
            }
        }
    });
}

/// Starts the periodic settlement task over the configured odds provider (the demo data, at
/// `PL_DEMO_CLOCK`, when none is configured). Several processes may run it on one Postgres.
pub fn spawn_settlement(
    config: &Config,
    store: crate::store::SharedStore,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let providers = ProviderSet::from_config(&providers_config(config, &store))
        .map_err(|e| format!("data providers: {e}"))?;
    spawn_answer_cleanup(&store);
    // Configured books are real sportsbook keys; the demo dataset has only fictional ones.
    let books = if providers.is_demo(crate::providers::ToolKind::Odds) {
        Vec::new()
    } else {
        config.app.betting.books_to_ask()
    };
    let settlement = crate::ledger::SettlementConfig::from(&config.app.ledger)
        .quoting(books, config.app.betting.sharp_book.clone());
    tracing::info!(
        interval_secs = settlement.interval.as_secs(),
        "settlement task started"
    );
    Ok(crate::ledger::Settler::new(store, providers.odds(), settlement).spawn())
}

/// How long the slow scripted responder waits before each word (about 10 s per answer).
const SLOW_WORD_DELAY: std::time::Duration = std::time::Duration::from_millis(150);

/// Who answers turns and actions: the agent with the betting tools over the configured data
/// providers (demo data for whatever has none), or the scripted responder.
pub fn answering_parts(
    config: &Config,
    store: &SharedStore,
) -> Result<(Arc<dyn Responder>, ActionRegistry), String> {
    match config.responder {
        ResponderKind::Scripted => {
            tracing::info!("answering with the scripted responder (PL_RESPONDER=scripted)");
            return Ok(crate::engine::scripted_parts());
        }
        ResponderKind::ScriptedSlow => {
            tracing::warn!(
                word_delay_ms = SLOW_WORD_DELAY.as_millis() as u64,
                "answering with the SLOW scripted responder (PL_RESPONDER=scripted-slow): \
                 for browser tests only, never in production"
            );
            let (_, actions) = crate::engine::scripted_parts();
            let slow = crate::engine::SlowScriptedResponder {
                word_delay: SLOW_WORD_DELAY,
            };
            return Ok((Arc::new(slow), actions));
        }
        ResponderKind::Agent => {}
    }
    let providers = ProviderSet::from_config(&providers_config(config, store))
        .map_err(|e| format!("data providers: {e}"))?;
    for tool in providers.describe() {
        tracing::info!(tool = ?tool.tool, providers = ?tool.providers, demo = tool.demo, "data providers");
    }
    // One handle for the agent's tools and the widget actions.
    let services = Arc::new(Services {
        providers,
        betting: config.app.betting.clone(),
        gambling: config.app.responsible_gambling.clone(),
    });
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn config(data_dir: &std::path::Path, database_url: &str, secret: Option<&str>) -> Config {
        let mut vars = BTreeMap::from([
            ("DATA_DIR".to_owned(), data_dir.display().to_string()),
            ("DATABASE_URL".to_owned(), database_url.to_owned()),
        ]);
        if let Some(secret) = secret {
            vars.insert("PL_SECRET_KEY".to_owned(), secret.to_owned());
        }
        Config::from_vars(vars).unwrap()
    }

    #[tokio::test]
    async fn processes_on_one_postgres_share_one_signing_key_and_keep_no_file() {
        let url = crate::store::postgres_test_url();
        let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let store = crate::store::connect(&url, 2).await.unwrap();
        let (config_one, config_two) = (
            config(one.path(), &url, None),
            config(two.path(), &url, None),
        );
        let (first, second) = tokio::join!(
            signing_key(&config_one, &store),
            signing_key(&config_two, &store)
        );
        let (first, second) = (first.unwrap(), second.unwrap());
        assert_eq!(first, second, "every process signs with the same key");
        assert!(first.expose().len() >= crate::config::MIN_SECRET_BYTES);
        assert!(!one.path().join("secret.key").exists());
        assert!(!two.path().join("secret.key").exists());
        let configured = "k".repeat(40);
        let chosen = signing_key(&config(one.path(), &url, Some(&configured)), &store)
            .await
            .unwrap();
        assert_eq!(chosen.expose(), configured, "PL_SECRET_KEY wins");
    }

    #[tokio::test]
    async fn metered_providers_share_their_answers_only_on_postgres() {
        let dir = tempfile::tempdir().unwrap();
        let url = crate::store::postgres_test_url();
        let postgres = crate::store::connect(&url, 1).await.unwrap();
        let shared = providers_config(&config(dir.path(), &url, None), &postgres).shared_cache;
        let shared = shared.expect("a shared cache on Postgres");
        let key = format!("test/{}", crate::ids::new_id(crate::ids::IdKind::Message));
        assert_eq!(shared.get(&key).await, None);
        shared
            .put(&key, "[1]", std::time::Duration::from_secs(60))
            .await;
        assert_eq!(shared.get(&key).await.as_deref(), Some("[1]"));

        let sqlite_url = format!("sqlite://{}", dir.path().join("db.sqlite").display());
        let sqlite = crate::store::connect(&sqlite_url, 1).await.unwrap();
        let config = config(dir.path(), &sqlite_url, None);
        assert!(providers_config(&config, &sqlite).shared_cache.is_none());
    }

    #[tokio::test]
    async fn on_sqlite_the_key_stays_in_the_data_directory() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("db.sqlite").display());
        let store = crate::store::connect(&url, 1).await.unwrap();
        let key = signing_key(&config(dir.path(), &url, None), &store)
            .await
            .unwrap();
        let kept = std::fs::read_to_string(dir.path().join("secret.key")).unwrap();
        assert_eq!(kept.trim(), key.expose());
    }
}
