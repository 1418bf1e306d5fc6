//! Typed configuration: the environment (and `.env`) for deployment settings and secrets,
//! `Leptos.toml` for the app's runtime settings. A bad value or an unknown `PL_*` variable
//! stops start-up with a message naming it.

mod app;

pub use app::*;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// A secret from the environment. Its `Debug` never shows the value, so configs can be logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} bytes>)", self.0.len())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Who answers turns: the agent (default), or the scripted responder that exercises the
/// whole protocol without a model (conformance runs and benchmarks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponderKind {
    Agent,
    Scripted,
    /// The scripted answer streamed slowly, so a browser test can Stop it mid-turn. Only ever
    /// chosen by name (`PL_RESPONDER=scripted-slow`), and announced loudly at start-up.
    ScriptedSlow,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JwtConfig {
    pub secret: Secret,
    pub issuer: Option<String>,
    pub audience: Option<String>,
}

/// OpenAI-compatible chat completions; absent means the offline model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LlmConfig {
    pub api_key: Secret,
    pub base_url: String,
    pub model: Option<String>,
}

/// Data providers; every base URL can be pointed at a local mock server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderEnv {
    /// ESPN's public API needs no key, so it is opt-in (`ESPN_ENABLED=true`): a fresh install
    /// shows the labelled demo data rather than calling an undocumented API.
    pub espn_enabled: bool,
    pub odds_api_key: Option<Secret>,
    pub odds_api_base_url: Option<String>,
    pub espn_site_base_url: Option<String>,
    pub espn_web_base_url: Option<String>,
    pub statmuse_base_url: Option<String>,
    pub searxng_url: Option<String>,
    pub brave_api_key: Option<Secret>,
    pub brave_base_url: Option<String>,
    pub tavily_api_key: Option<Secret>,
    pub tavily_base_url: Option<String>,
    /// `PL_DEMO_CLOCK`: moves the demo dataset's "now" (RFC 3339); `None` keeps the default.
    pub demo_clock: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub db_max_connections: u32,
    /// Signs guest cookies and client secrets; generated into `data_dir` when not given.
    pub secret_key: Option<Secret>,
    pub jwt: Option<JwtConfig>,
    pub guests_allowed: bool,
    pub cookie_secure: Option<bool>,
    /// The origin clients reach the server at (`PL_PUBLIC_URL`), for attachment links; never
    /// taken from a request's `Host` header. `None`: `http://` + the listen address.
    pub public_url: Option<String>,
    /// `PL_METRICS_TOKEN`: a bearer token that opens `/metrics` to scrapers off this machine
    /// (without it, only loopback clients may read it).
    pub metrics_token: Option<Secret>,
    pub log_format: LogFormat,
    pub responder: ResponderKind,
    pub llm: Option<LlmConfig>,
    pub providers: ProviderEnv,
    pub app: AppConfig,
    /// Where `app` came from, for the start-up log.
    pub app_origin: String,
}

/// Every `PL_*` variable the app reads; any other `PL_*` is a typo and refused.
const PL_KEYS: &[&str] = &[
    "PL_CONFIG",
    "PL_SECRET_KEY",
    "PL_JWT_SECRET",
    "PL_JWT_ISSUER",
    "PL_JWT_AUDIENCE",
    "PL_GUESTS",
    "PL_COOKIE_SECURE",
    "PL_LOG_FORMAT",
    "PL_DB_MAX_CONNECTIONS",
    "PL_RESPONDER",
    "PL_PUBLIC_URL",
    "PL_DEMO_CLOCK",
    "PL_METRICS_TOKEN",
    // Read by the test suites only.
    "PL_TEST_DATABASE_URL",
];

/// Minimum length of signing secrets: HS256 with less than 32 bytes is brute-forceable.
pub const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

fn err(msg: impl Into<String>) -> ConfigError {
    ConfigError(msg.into())
}

impl Config {
    /// Reads `.env` (if present) and the process environment.
    pub fn from_process_env() -> Result<Self, ConfigError> {
        // A missing .env is normal; a malformed one is an error worth stopping for.
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => return Err(err(format!(".env: {e}"))),
        }
        Self::from_vars(std::env::vars().collect())
    }

    pub fn from_vars(vars: BTreeMap<String, String>) -> Result<Self, ConfigError> {
        for key in vars.keys() {
            if key.starts_with("PL_") && !PL_KEYS.contains(&key.as_str()) {
                return Err(err(format!(
                    "unknown variable {key} (known: {})",
                    PL_KEYS.join(", ")
                )));
            }
        }
        let get = |key: &str| vars.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
        let get_owned = |key: &str| get(key).map(str::to_owned);
        let get_bool = |key: &str| -> Result<Option<bool>, ConfigError> {
            match get(key) {
                None => Ok(None),
                Some("1" | "true" | "yes" | "on") => Ok(Some(true)),
                Some("0" | "false" | "no" | "off") => Ok(Some(false)),
                Some(other) => Err(err(format!(
                    "{key}={other:?} is not a boolean (true/false)"
                ))),
            }
        };
        let secret = |key: &str| -> Result<Option<Secret>, ConfigError> {
            match get(key) {
                None => Ok(None),
                Some(v) if v.len() < MIN_SECRET_BYTES => Err(err(format!(
                    "{key} is too short to be safe: use at least {MIN_SECRET_BYTES} random bytes"
                ))),
                Some(v) => Ok(Some(Secret::new(v))),
            }
        };

        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or("./data"));
        let database_url = match get("DATABASE_URL") {
            None => format!("sqlite://{}", data_dir.join("professor_lock.db").display()),
            Some(url)
                if url.starts_with("sqlite:")
                    || url.starts_with("postgres://")
                    || url.starts_with("postgresql://") =>
            {
                url.to_owned()
            }
            Some(url) => {
                let scheme = url.split(':').next().unwrap_or_default();
                return Err(err(format!(
                    "DATABASE_URL has scheme {scheme:?}; use sqlite:PATH or postgres://USER@HOST/DB"
                )));
            }
        };
        let db_max_connections = match get("PL_DB_MAX_CONNECTIONS") {
            // SQLite has one writer and its readers share the machine's cores: 4 connections
            // serve as many turns/s as 16, and each one keeps its own page cache and prepared
            // statements (13 MiB less with 1,000 streams open; BENCHMARKS.md).
            None if database_url.starts_with("sqlite:") => 4,
            None => 16,
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=512).contains(n))
                .ok_or_else(|| {
                    err(format!(
                        "PL_DB_MAX_CONNECTIONS={v:?} must be a number in 1..=512"
                    ))
                })?,
        };

        let jwt = secret("PL_JWT_SECRET")?.map(|secret| JwtConfig {
            secret,
            issuer: get_owned("PL_JWT_ISSUER"),
            audience: get_owned("PL_JWT_AUDIENCE"),
        });
        if jwt.is_none() && (get("PL_JWT_ISSUER").is_some() || get("PL_JWT_AUDIENCE").is_some()) {
            return Err(err(
                "PL_JWT_ISSUER/PL_JWT_AUDIENCE are set but PL_JWT_SECRET is not",
            ));
        }
        let guests_allowed = get_bool("PL_GUESTS")?.unwrap_or(true);
        if !guests_allowed && jwt.is_none() {
            return Err(err(
                "PL_GUESTS=false needs PL_JWT_SECRET: otherwise nobody can sign in",
            ));
        }

        let log_format = match get("PL_LOG_FORMAT") {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(err(format!("PL_LOG_FORMAT={other:?} must be text or json")))
            }
        };

        let responder = match get("PL_RESPONDER") {
            None | Some("agent") => ResponderKind::Agent,
            Some("scripted") => ResponderKind::Scripted,
            Some("scripted-slow") => ResponderKind::ScriptedSlow,
            Some(other) => {
                return Err(err(format!(
                    "PL_RESPONDER={other:?} must be agent, scripted or scripted-slow"
                )))
            }
        };

        let llm = match get("OPENAI_API_KEY") {
            None => None,
            Some(key) => {
                let base_url = get("OPENAI_BASE_URL")
                    .unwrap_or("https://api.openai.com/v1")
                    .to_owned();
                check_url("OPENAI_BASE_URL", &base_url)?;
                if base_url.starts_with("http://") && !is_loopback_url(&base_url) {
                    return Err(err(
                        "OPENAI_BASE_URL is plain http to a remote host: the API key would travel in clear text; use https",
                    ));
                }
                // The key travels in a header: a stray space or newline from a copy-paste would
                // fail every request, so it fails here, without echoing the key.
                if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(err(
                        "OPENAI_API_KEY must be printable ASCII without spaces or line breaks",
                    ));
                }
                let model = get_owned("OPENAI_MODEL");
                if model
                    .as_deref()
                    .is_some_and(|m| m.contains(char::is_whitespace))
                {
                    return Err(err("OPENAI_MODEL must be a model name without spaces"));
                }
                Some(LlmConfig {
                    api_key: Secret::new(key),
                    base_url,
                    model,
                })
            }
        };

        let url = |key: &str| -> Result<Option<String>, ConfigError> {
            get(key)
                .map(|u| check_url(key, u).map(|_| u.trim_end_matches('/').to_owned()))
                .transpose()
        };
        let providers = ProviderEnv {
            espn_enabled: get_bool("ESPN_ENABLED")?.unwrap_or(false),
            demo_clock: match get("PL_DEMO_CLOCK") {
                None => None,
                Some(text) => Some(
                    chrono::DateTime::parse_from_rfc3339(text)
                        .map_err(|e| {
                            err(format!(
                                "PL_DEMO_CLOCK={text:?} must be an RFC 3339 time such as \
                                 2025-01-16T12:00:00Z: {e}"
                            ))
                        })?
                        .with_timezone(&chrono::Utc),
                ),
            },
            odds_api_key: get("ODDS_API_KEY").map(Secret::new),
            odds_api_base_url: url("ODDS_API_BASE_URL")?,
            espn_site_base_url: url("ESPN_SITE_BASE_URL")?,
            espn_web_base_url: url("ESPN_WEB_BASE_URL")?,
            statmuse_base_url: url("STATMUSE_BASE_URL")?,
            searxng_url: url("SEARXNG_URL")?,
            brave_api_key: get("BRAVE_API_KEY").map(Secret::new),
            brave_base_url: url("BRAVE_BASE_URL")?,
            tavily_api_key: get("TAVILY_API_KEY").map(Secret::new),
            tavily_base_url: url("TAVILY_BASE_URL")?,
        };

        let (app, app_origin) = match get("PL_CONFIG") {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| err(format!("PL_CONFIG={path}: cannot read it: {e}")))?;
                (AppConfig::parse(&text, path).map_err(err)?, path.to_owned())
            }
            None if std::path::Path::new("Leptos.toml").exists() => {
                let text = std::fs::read_to_string("Leptos.toml")
                    .map_err(|e| err(format!("Leptos.toml: cannot read it: {e}")))?;
                (
                    AppConfig::parse(&text, "Leptos.toml").map_err(err)?,
                    "Leptos.toml".to_owned(),
                )
            }
            None => (
                AppConfig::parse(EMBEDDED_LEPTOS_TOML, "embedded Leptos.toml").map_err(err)?,
                "embedded defaults".to_owned(),
            ),
        };

        Ok(Config {
            data_dir,
            database_url,
            db_max_connections,
            secret_key: secret("PL_SECRET_KEY")?,
            jwt,
            guests_allowed,
            cookie_secure: get_bool("PL_COOKIE_SECURE")?,
            public_url: url("PL_PUBLIC_URL")?,
            metrics_token: secret("PL_METRICS_TOKEN")?,
            log_format,
            responder,
            llm,
            providers,
            app,
            app_origin,
        })
    }

    /// The signing key: the configured one, else the one kept in the data directory (created
    /// with owner-only permissions on first start).
    pub fn resolve_secret_key(&self) -> Result<Secret, ConfigError> {
        if let Some(key) = &self.secret_key {
            return Ok(key.clone());
        }
        if let Some(existing) = self.data_dir_secret_key()? {
            return Ok(existing);
        }
        let path = self.data_dir.join("secret.key");
        std::fs::create_dir_all(&self.data_dir).map_err(|e| {
            err(format!(
                "DATA_DIR={}: cannot create it: {e}",
                self.data_dir.display()
            ))
        })?;
        let key = Self::generate_secret_key();
        write_private(&path, key.expose())
            .map_err(|e| err(format!("{}: cannot write it: {e}", path.display())))?;
        Ok(key)
    }

    /// The key a previous start generated into the data directory, if there is one.
    pub fn data_dir_secret_key(&self) -> Result<Option<Secret>, ConfigError> {
        let path = self.data_dir.join("secret.key");
        let Ok(existing) = std::fs::read_to_string(&path) else {
            return Ok(None);
        };
        let existing = existing.trim();
        if existing.len() < MIN_SECRET_BYTES {
            return Err(err(format!(
                "{} is shorter than {MIN_SECRET_BYTES} bytes",
                path.display()
            )));
        }
        Ok(Some(Secret::new(existing)))
    }

    /// A fresh random signing key (hex of 32 random bytes).
    pub fn generate_secret_key() -> Secret {
        Secret::new(hex::encode(rand::random::<[u8; 32]>()))
    }

    pub fn database_backend(&self) -> &'static str {
        if self.database_url.starts_with("sqlite:") {
            "sqlite"
        } else {
            "postgres"
        }
    }
}

fn check_url(key: &str, value: &str) -> Result<(), ConfigError> {
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(()),
        _ => Err(err(format!(
            "{key}={value:?} must be an http:// or https:// URL with a host"
        ))),
    }
}

fn is_loopback_url(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or_default()
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    matches!(host, "127.0.0.1" | "localhost" | "[")
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_need_nothing() {
        let config = Config::from_vars(vars(&[("DATA_DIR", "/tmp/pl")])).unwrap();
        assert_eq!(config.database_url, "sqlite:///tmp/pl/professor_lock.db");
        assert_eq!(config.database_backend(), "sqlite");
        assert!(config.llm.is_none(), "no key → offline model");
        assert!(config.guests_allowed);
    }

    #[test]
    fn postgres_url_is_honoured_and_bad_schemes_named() {
        let config = Config::from_vars(vars(&[(
            "DATABASE_URL",
            "postgres://postgres@127.0.0.1/test",
        )]))
        .unwrap();
        assert_eq!(config.database_backend(), "postgres");
        let e = Config::from_vars(vars(&[("DATABASE_URL", "mysql://x")])).unwrap_err();
        assert!(e.to_string().contains("DATABASE_URL"), "{e}");
    }

    #[test]
    fn the_slow_responder_is_chosen_only_by_its_exact_name() {
        let pick =
            |value: &str| Config::from_vars(vars(&[("PL_RESPONDER", value)])).map(|c| c.responder);
        assert_eq!(
            Config::from_vars(vars(&[])).unwrap().responder,
            ResponderKind::Agent
        );
        assert_eq!(pick("scripted").unwrap(), ResponderKind::Scripted);
        assert_eq!(pick("scripted-slow").unwrap(), ResponderKind::ScriptedSlow);
        for near_miss in ["slow", "Scripted-Slow", "scripted_slow", "scripted-slower"] {
            let e = pick(near_miss).unwrap_err();
            assert!(e.to_string().contains("PL_RESPONDER"), "{near_miss}: {e}");
        }
    }

    #[test]
    fn unknown_pl_variable_is_refused_by_name() {
        let e = Config::from_vars(vars(&[("PL_JWT_SECRT", "x")])).unwrap_err();
        assert!(e.to_string().contains("PL_JWT_SECRT"), "{e}");
    }

    #[test]
    fn unsafe_configs_are_refused() {
        let e = Config::from_vars(vars(&[("PL_JWT_SECRET", "short")])).unwrap_err();
        assert!(e.to_string().contains("PL_JWT_SECRET"), "{e}");
        let e = Config::from_vars(vars(&[("PL_GUESTS", "false")])).unwrap_err();
        assert!(e.to_string().contains("PL_GUESTS"), "{e}");
        let e = Config::from_vars(vars(&[
            ("OPENAI_API_KEY", "sk-test"),
            ("OPENAI_BASE_URL", "http://llm.example.com/v1"),
        ]))
        .unwrap_err();
        assert!(e.to_string().contains("OPENAI_BASE_URL"), "{e}");
        let e = Config::from_vars(vars(&[("PL_GUESTS", "maybe")])).unwrap_err();
        assert!(e.to_string().contains("PL_GUESTS"), "{e}");
    }

    #[test]
    fn an_unusable_model_configuration_fails_start_up_by_name() {
        for (pairs, named) in [
            (vec![("OPENAI_API_KEY", "sk-one\nsk-two")], "OPENAI_API_KEY"),
            (vec![("OPENAI_API_KEY", "sk test")], "OPENAI_API_KEY"),
            (
                vec![
                    ("OPENAI_API_KEY", "sk-test"),
                    ("OPENAI_BASE_URL", "https://"),
                ],
                "OPENAI_BASE_URL",
            ),
            (
                vec![
                    ("OPENAI_API_KEY", "sk-test"),
                    ("OPENAI_BASE_URL", "api.openai.com/v1"),
                ],
                "OPENAI_BASE_URL",
            ),
            (
                vec![("OPENAI_API_KEY", "sk-test"), ("OPENAI_MODEL", "gpt 4o")],
                "OPENAI_MODEL",
            ),
        ] {
            let e = Config::from_vars(vars(&pairs)).unwrap_err().to_string();
            assert!(e.contains(named), "{pairs:?}: {e}");
            assert!(!e.contains("sk-"), "the key is never echoed: {e}");
        }
    }

    #[test]
    fn loopback_http_llm_is_fine_and_key_never_debug_printed() {
        let config = Config::from_vars(vars(&[
            ("OPENAI_API_KEY", "sk-very-secret-value"),
            ("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1"),
        ]))
        .unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("sk-very-secret-value"));
    }

    #[test]
    fn public_url_is_checked_and_trimmed() {
        let config =
            Config::from_vars(vars(&[("PL_PUBLIC_URL", "https://bets.example.com/")])).unwrap();
        assert_eq!(
            config.public_url.as_deref(),
            Some("https://bets.example.com")
        );
        let e = Config::from_vars(vars(&[("PL_PUBLIC_URL", "bets.example.com")])).unwrap_err();
        assert!(e.to_string().contains("PL_PUBLIC_URL"), "{e}");
    }

    #[test]
    fn secret_key_is_generated_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let config =
            Config::from_vars(vars(&[("DATA_DIR", dir.path().to_str().unwrap())])).unwrap();
        let first = config.resolve_secret_key().unwrap();
        let second = config.resolve_secret_key().unwrap();
        assert_eq!(first, second);
        assert!(first.expose().len() >= MIN_SECRET_BYTES);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secret.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
