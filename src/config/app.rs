//! `Leptos.toml`: the app's own runtime settings (persona, markets, limits). Parsed strictly:
//! an unknown key or a bad value names itself in the error.

use serde::Deserialize;

/// The defaults shipped in the binary, so a release bundle runs from an empty directory.
pub const EMBEDDED_LEPTOS_TOML: &str = include_str!("../../Leptos.toml");

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    pub agent: AgentConfig,
    pub betting: BettingConfig,
    pub limits: LimitsConfig,
    /// Optional in a custom file: the shipped defaults apply.
    #[serde(default)]
    pub ledger: LedgerConfig,
    #[serde(default)]
    pub responsible_gambling: ResponsibleGamblingConfig,
    #[serde(default)]
    pub shutdown: ShutdownConfig,
}

/// What SIGTERM (or Ctrl-C) does: stop accepting, let running turns finish for at most
/// `drain_secs`, then commit every queued write and exit.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ShutdownConfig {
    pub drain_secs: u64,
}

impl Default for ShutdownConfig {
    fn default() -> Self {
        Self { drain_secs: 20 }
    }
}

/// The settlement task (see `ledger::settlement`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LedgerConfig {
    pub settle_interval_secs: u64,
    pub settle_batch: u32,
    pub settle_lease_secs: u64,
    pub void_after_hours: u64,
}

impl Default for LedgerConfig {
    fn default() -> Self {
        Self {
            settle_interval_secs: 300,
            settle_batch: 200,
            settle_lease_secs: 120,
            void_after_hours: 48,
        }
    }
}

/// Responsible-gambling limits (see `ledger::limits`). Windows are UTC: "daily" is the last
/// 24 hours and "weekly" the last 7 days, rolling, so no midnight resets a cap.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ResponsibleGamblingConfig {
    /// A loosened (or removed) limit takes effect only after this delay; tightening is at once.
    pub loosen_delay_hours: u64,
    /// Limits a new user starts with (0 = none); the user can tighten them at once.
    pub default_daily_stake_cap_cents: i64,
    pub default_weekly_stake_cap_cents: i64,
    pub default_weekly_loss_limit_cents: i64,
    /// How long a self-exclusion lasts; it cannot be lifted early.
    pub self_exclusion_days: u64,
}

impl Default for ResponsibleGamblingConfig {
    fn default() -> Self {
        Self {
            loosen_delay_hours: 24,
            default_daily_stake_cap_cents: 0,
            default_weekly_stake_cap_cents: 0,
            default_weekly_loss_limit_cents: 0,
            self_exclusion_days: 180,
        }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    pub name: String,
    pub model: String,
    pub temperature: f32,
    pub max_tool_rounds: u32,
    pub request_timeout_secs: u64,
    /// The model's context window in tokens; each request is built to fit it (agent/context.rs).
    #[serde(default = "default_context_tokens")]
    pub context_tokens: usize,
    pub instructions: String,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum OddsFormat {
    American,
    Decimal,
    Fractional,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BettingConfig {
    pub sports: Vec<String>,
    pub books: Vec<String>,
    /// Bookmaker keys the provider added after this release's list (start-up accepts them).
    #[serde(default)]
    pub extra_book_keys: Vec<String>,
    pub odds_format: OddsFormat,
    pub region: String,
    pub max_stake_cents: i64,
    pub min_stake_cents: i64,
    pub max_legs: u32,
    pub default_stake_cents: i64,
    /// The most a ticket may promise to pay (stake included).
    #[serde(default = "default_max_payout_cents")]
    pub max_payout_cents: i64,
    /// Several legs from one game: `refuse` (their outcomes are correlated, so the product of
    /// independent prices is not a price any book would pay) or `estimate` (allowed, labelled).
    #[serde(default)]
    pub same_game: SameGame,
    /// Fractional Kelly: the share of full Kelly suggested as a stake (0.25 = quarter Kelly).
    #[serde(default = "default_kelly_fraction")]
    pub kelly_fraction: f64,
    /// The most of a bankroll one suggested stake may take (0.05 = 5 %).
    #[serde(default = "default_kelly_cap")]
    pub kelly_cap: f64,
    /// A sharp book (e.g. `pinnacle`) whose no-vig line is the fair price whenever it hangs a
    /// current, complete market; otherwise (and when unset) the books' consensus is.
    #[serde(default)]
    pub sharp_book: Option<String>,
    /// The oldest re-quote Lock It In accepts, by the provider's clock: the price a bet is
    /// saved at must come from the provider now, not from a snapshot or a cache.
    #[serde(default = "default_max_quote_age_secs")]
    pub max_quote_age_secs: u64,
    /// A book whose prices for a game are this many seconds behind the freshest book's is
    /// stale: never the best price, never a leg, never in the fair price.
    #[serde(default = "default_stale_quote_secs")]
    pub stale_quote_secs: i64,
    /// The bankroll Kelly stakes are sized from for a user who has not set one; none = the
    /// board and slip ask the user to set a bankroll.
    #[serde(default)]
    pub default_bankroll_cents: Option<i64>,
}

impl BettingConfig {
    /// The books to ask the odds provider for: the configured ones, plus the sharp book when a
    /// filter would otherwise leave out the line fair prices are anchored to (empty = every
    /// book of `region`).
    pub fn books_to_ask(&self) -> Vec<String> {
        let mut books = self.books.clone();
        if let Some(sharp) = &self.sharp_book {
            if !books.is_empty() && !books.contains(sharp) {
                books.push(sharp.clone());
            }
        }
        books
    }

    /// The Kelly multiplier and cap, exact (`check` has validated both).
    pub fn kelly_sizing(&self) -> crate::domain::KellySizing {
        crate::domain::KellySizing::new(self.kelly_fraction, Some(self.kelly_cap))
            .unwrap_or_default()
    }
}

fn default_stale_quote_secs() -> i64 {
    900
}

fn default_max_quote_age_secs() -> u64 {
    30
}

fn default_kelly_fraction() -> f64 {
    0.25
}

fn default_kelly_cap() -> f64 {
    0.05
}

fn default_request_timeout_secs() -> u64 {
    30
}

fn default_max_concurrent_uploads() -> usize {
    8
}

/// gpt-4o's window.
fn default_context_tokens() -> usize {
    128_000
}

fn default_max_payout_cents() -> i64 {
    25_000_000
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SameGame {
    #[default]
    Refuse,
    Estimate,
}

/// The bankroll a user or the default may set: $1 to $10,000,000.
pub const MIN_BANKROLL_CENTS: i64 = 100;
pub const MAX_BANKROLL_CENTS: i64 = 1_000_000_000;

/// The Odds API's bookmaker keys are lowercase words joined by `_` (`williamhill_us`).
fn is_book_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The Odds API's regions (`betting.region` is a comma list of them).
pub const ODDS_API_REGIONS: [&str; 5] = ["us", "us2", "uk", "eu", "au"];

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    pub max_body_bytes: usize,
    pub turns_per_minute: u32,
    pub sessions_per_minute_per_ip: u32,
    pub attachment_max_bytes: u64,
    pub attachment_mime_types: Vec<String>,
    pub session_ttl_secs: u64,
    /// How long a guest cookie stays valid without use; every use renews it (rolling).
    pub guest_cookie_ttl_secs: u64,
    /// Longest a request may take to get its answer's head (a slow upload, a stuck client);
    /// streams are not cut: their head goes out at once.
    #[serde(default = "default_request_timeout_secs")]
    pub request_timeout_secs: u64,
    /// New guest users per client address per hour (page views and sessions without a cookie).
    pub guests_per_hour_per_ip: u32,
    /// Turns started by guests per client address per minute, shared by all its guests.
    pub guest_turns_per_minute_per_ip: u32,
    /// Turns running at once on this server; beyond it a new turn is 429 with `Retry-After`.
    pub max_concurrent_turns: usize,
    /// Uploads receiving bytes at once on this server (each is held in memory up to
    /// `attachment_max_bytes`); beyond it an upload is 429 with `Retry-After`.
    #[serde(default = "default_max_concurrent_uploads")]
    pub max_concurrent_uploads: usize,
    /// `attachments.create` per user per minute.
    pub attachments_per_minute: u32,
    /// Attachments a user may hold, and their total announced bytes.
    pub attachments_per_user: u64,
    pub attachment_bytes_per_user: u64,
    /// Attachments no thread holds (never sent, or their thread was deleted) are removed,
    /// bytes and row, this long after they were created; the sweep runs this often.
    pub unclaimed_attachment_ttl_secs: u64,
    pub reclaim_interval_secs: u64,
    /// Reverse proxies (addresses or networks) whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<String>,
}

impl AppConfig {
    /// Parses and checks the file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, String> {
        let config: AppConfig = toml::from_str(text).map_err(|e| format!("{origin}: {e}"))?;
        config.check().map_err(|e| format!("{origin}: {e}"))?;
        Ok(config)
    }

    fn check(&self) -> Result<(), String> {
        let b = &self.betting;
        if self.agent.name.trim().is_empty() {
            return Err("agent.name must not be empty".into());
        }
        if !(0.0..=2.0).contains(&self.agent.temperature) {
            return Err(format!(
                "agent.temperature = {} is outside 0..=2",
                self.agent.temperature
            ));
        }
        if self.agent.model.trim().is_empty() || self.agent.model.contains(char::is_whitespace) {
            return Err(format!(
                "agent.model = {:?} must be a model name without spaces",
                self.agent.model
            ));
        }
        if self.agent.context_tokens < 1024 {
            return Err(format!(
                "agent.context_tokens = {} is too small: the instructions and tools need at least 1024",
                self.agent.context_tokens
            ));
        }
        if self.agent.max_tool_rounds == 0 || self.agent.max_tool_rounds > 16 {
            return Err("agent.max_tool_rounds must be between 1 and 16".into());
        }
        if b.min_stake_cents <= 0 || b.min_stake_cents > b.max_stake_cents {
            return Err(
                "betting.min_stake_cents must be > 0 and <= betting.max_stake_cents".into(),
            );
        }
        if !(b.min_stake_cents..=b.max_stake_cents).contains(&b.default_stake_cents) {
            return Err(
                "betting.default_stake_cents must lie between the min and max stake".into(),
            );
        }
        if b.max_payout_cents < b.max_stake_cents {
            return Err("betting.max_payout_cents must be at least betting.max_stake_cents".into());
        }
        if let Some(bad) = b
            .region
            .split(',')
            .map(str::trim)
            .find(|r| !ODDS_API_REGIONS.contains(r))
        {
            return Err(format!(
                "betting.region: unknown region {bad:?} (use a comma list of {})",
                ODDS_API_REGIONS.join(", ")
            ));
        }
        if let Some(bad) = b.extra_book_keys.iter().find(|k| !is_book_key(k)) {
            return Err(format!(
                "betting.extra_book_keys: {bad:?} is not a bookmaker key (lowercase letters, \
                 digits and _)"
            ));
        }
        if let Some(bad) = b.books.iter().find(|k| !is_book_key(k)) {
            return Err(format!(
                "betting.books: {bad:?} is not a bookmaker key (The Odds API keys are lowercase, \
                 e.g. draftkings, fanduel, williamhill_us)"
            ));
        }
        if let Err(e) = crate::domain::KellySizing::new(b.kelly_fraction, Some(b.kelly_cap)) {
            let key = match e {
                crate::domain::KellySizingError::Multiplier(_) => "betting.kelly_fraction",
                crate::domain::KellySizingError::Cap(_) => "betting.kelly_cap",
            };
            return Err(format!("{key}: {e}"));
        }
        if let Some(bad) = b.sharp_book.as_ref().filter(|k| !is_book_key(k)) {
            return Err(format!(
                "betting.sharp_book: {bad:?} is not a bookmaker key (The Odds API keys are \
                 lowercase, e.g. pinnacle)"
            ));
        }
        if let Some(bankroll) = b.default_bankroll_cents {
            if !(MIN_BANKROLL_CENTS..=MAX_BANKROLL_CENTS).contains(&bankroll) {
                return Err(format!(
                    "betting.default_bankroll_cents must be {MIN_BANKROLL_CENTS} to \
                     {MAX_BANKROLL_CENTS} (omit it for none), not {bankroll}"
                ));
            }
        }
        if !(30..=86_400).contains(&b.stale_quote_secs) {
            return Err(format!(
                "betting.stale_quote_secs must be 30 to 86400, not {}",
                b.stale_quote_secs
            ));
        }
        if !(1..=600).contains(&b.max_quote_age_secs) {
            return Err(format!(
                "betting.max_quote_age_secs must be 1 to 600, not {}",
                b.max_quote_age_secs
            ));
        }
        if b.max_legs < 2 || b.max_legs > 25 {
            return Err("betting.max_legs must be between 2 and 25".into());
        }
        if b.sports.is_empty() {
            return Err("betting.sports must name at least one sport".into());
        }
        let l = &self.limits;
        if l.max_body_bytes < 1024 {
            return Err("limits.max_body_bytes must be at least 1024".into());
        }
        if l.turns_per_minute == 0 || l.sessions_per_minute_per_ip == 0 {
            return Err(
                "limits.turns_per_minute and limits.sessions_per_minute_per_ip must be > 0".into(),
            );
        }
        if l.session_ttl_secs < 60 {
            return Err("limits.session_ttl_secs must be at least 60".into());
        }
        if l.guest_cookie_ttl_secs < 3600 {
            return Err("limits.guest_cookie_ttl_secs must be at least 3600".into());
        }
        let positive = [
            ("guests_per_hour_per_ip", l.guests_per_hour_per_ip as u64),
            (
                "guest_turns_per_minute_per_ip",
                l.guest_turns_per_minute_per_ip as u64,
            ),
            ("max_concurrent_turns", l.max_concurrent_turns as u64),
            ("max_concurrent_uploads", l.max_concurrent_uploads as u64),
            ("attachments_per_minute", l.attachments_per_minute as u64),
            ("attachments_per_user", l.attachments_per_user),
            (
                "unclaimed_attachment_ttl_secs",
                l.unclaimed_attachment_ttl_secs,
            ),
            ("reclaim_interval_secs", l.reclaim_interval_secs),
            ("request_timeout_secs", l.request_timeout_secs),
        ];
        if let Some((key, _)) = positive.iter().find(|(_, value)| *value == 0) {
            return Err(format!("limits.{key} must be > 0"));
        }
        if l.attachment_bytes_per_user < l.attachment_max_bytes {
            return Err(
                "limits.attachment_bytes_per_user must be at least limits.attachment_max_bytes"
                    .into(),
            );
        }
        for entry in &l.trusted_proxies {
            let entry = entry.trim();
            if entry.parse::<ipnet::IpNet>().is_err() && entry.parse::<std::net::IpAddr>().is_err()
            {
                return Err(format!(
                    "limits.trusted_proxies: {entry:?} is not an IP address or network (e.g. 10.0.0.0/8)"
                ));
            }
        }
        let g = &self.ledger;
        if g.settle_interval_secs == 0 || g.settle_batch == 0 || g.settle_lease_secs == 0 {
            return Err(
                "ledger.settle_interval_secs, settle_batch and settle_lease_secs must be > 0"
                    .into(),
            );
        }
        let r = &self.responsible_gambling;
        if [
            r.default_daily_stake_cap_cents,
            r.default_weekly_stake_cap_cents,
            r.default_weekly_loss_limit_cents,
        ]
        .iter()
        .any(|c| *c < 0)
        {
            return Err("responsible_gambling default limits must be >= 0 (0 = none)".into());
        }
        if r.self_exclusion_days == 0 {
            return Err("responsible_gambling.self_exclusion_days must be > 0".into());
        }
        if self.shutdown.drain_secs > 3600 {
            return Err("shutdown.drain_secs must be at most 3600".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_defaults_parse() {
        let config = AppConfig::parse(EMBEDDED_LEPTOS_TOML, "Leptos.toml").unwrap();
        assert_eq!(config.agent.name, "Professor Lock");
        assert_eq!(config.betting.odds_format, OddsFormat::American);
        assert!(config.betting.max_stake_cents >= config.betting.default_stake_cents);
    }

    #[test]
    fn ledger_and_limit_defaults_match_the_shipped_file() {
        let config = AppConfig::parse(EMBEDDED_LEPTOS_TOML, "Leptos.toml").unwrap();
        assert_eq!(config.ledger, LedgerConfig::default());
        assert_eq!(
            config.responsible_gambling,
            ResponsibleGamblingConfig::default()
        );
        assert_eq!(config.responsible_gambling.loosen_delay_hours, 24);
        assert_eq!(config.shutdown, ShutdownConfig::default());
        assert_eq!(config.shutdown.drain_secs, 20);
    }

    #[test]
    fn a_file_without_a_shutdown_section_drains_for_the_default() {
        let start = EMBEDDED_LEPTOS_TOML.find("[shutdown]").unwrap();
        let without = &EMBEDDED_LEPTOS_TOML[..start];
        let config = AppConfig::parse(without, "custom.toml").unwrap();
        assert_eq!(config.shutdown.drain_secs, 20);
        let text = EMBEDDED_LEPTOS_TOML.replace("drain_secs = 20", "drain_secs = 5");
        assert_eq!(AppConfig::parse(&text, "t").unwrap().shutdown.drain_secs, 5);
    }

    #[test]
    fn house_rules_regions_and_book_keys_are_checked() {
        let config = AppConfig::parse(EMBEDDED_LEPTOS_TOML, "Leptos.toml").unwrap();
        assert_eq!(config.betting.same_game, SameGame::Refuse);
        assert_eq!(config.betting.max_payout_cents, 25_000_000);
        assert!(config.betting.books.contains(&"williamhill_us".to_owned()));
        let text = EMBEDDED_LEPTOS_TOML.replace("region = \"us\"", "region = \"us,mars\"");
        let err = AppConfig::parse(&text, "Leptos.toml").unwrap_err();
        assert!(
            err.contains("betting.region") && err.contains("mars"),
            "{err}"
        );
        let text = EMBEDDED_LEPTOS_TOML.replace("\"williamhill_us\"", "\"Caesars Sportsbook\"");
        let err = AppConfig::parse(&text, "Leptos.toml").unwrap_err();
        assert!(err.contains("betting.books"), "{err}");
        let text =
            EMBEDDED_LEPTOS_TOML.replace("same_game = \"refuse\"", "same_game = \"estimate\"");
        let config = AppConfig::parse(&text, "Leptos.toml").unwrap();
        assert_eq!(config.betting.same_game, SameGame::Estimate);
        let text =
            EMBEDDED_LEPTOS_TOML.replace("max_payout_cents = 25000000", "max_payout_cents = 5");
        let err = AppConfig::parse(&text, "Leptos.toml").unwrap_err();
        assert!(err.contains("max_payout_cents"), "{err}");
    }

    #[test]
    fn the_context_window_and_model_name_are_checked() {
        let config = AppConfig::parse(EMBEDDED_LEPTOS_TOML, "Leptos.toml").unwrap();
        assert_eq!(config.agent.context_tokens, 128_000);
        let small =
            EMBEDDED_LEPTOS_TOML.replace("context_tokens = 128000", "context_tokens = 2048");
        assert_eq!(
            AppConfig::parse(&small, "x").unwrap().agent.context_tokens,
            2048
        );
        let tiny = EMBEDDED_LEPTOS_TOML.replace("context_tokens = 128000", "context_tokens = 512");
        let err = AppConfig::parse(&tiny, "x").unwrap_err();
        assert!(err.contains("agent.context_tokens = 512"), "{err}");
        // An older file without the key gets gpt-4o's window.
        let old = EMBEDDED_LEPTOS_TOML.replace("context_tokens = 128000\n", "");
        assert_eq!(
            AppConfig::parse(&old, "x").unwrap().agent.context_tokens,
            128_000
        );
        let spaced = EMBEDDED_LEPTOS_TOML.replace("model = \"gpt-4o\"", "model = \"gpt 4o\"");
        assert!(AppConfig::parse(&spaced, "x")
            .unwrap_err()
            .contains("agent.model"));
    }

    #[test]
    fn kelly_sizing_sharp_book_and_default_bankroll_are_checked() {
        let config = AppConfig::parse(EMBEDDED_LEPTOS_TOML, "Leptos.toml").unwrap();
        assert_eq!(config.betting.kelly_fraction, 0.25);
        assert_eq!(config.betting.kelly_cap, 0.05);
        assert_eq!(
            config.betting.kelly_sizing(),
            crate::domain::KellySizing::default()
        );
        assert_eq!(config.betting.sharp_book, None);
        assert_eq!(config.betting.default_bankroll_cents, None);
        // A file without the keys gets quarter Kelly capped at 5 %.
        let text = EMBEDDED_LEPTOS_TOML
            .replace("kelly_fraction = 0.25\n", "")
            .replace("kelly_cap = 0.05\n", "");
        assert!(!text.contains("kelly_"));
        let config = AppConfig::parse(&text, "custom.toml").unwrap();
        assert_eq!(
            config.betting.kelly_sizing(),
            crate::domain::KellySizing::default()
        );
        let with = |from: &str, to: &str| {
            assert!(EMBEDDED_LEPTOS_TOML.contains(from), "{from}");
            AppConfig::parse(&EMBEDDED_LEPTOS_TOML.replace(from, to), "Leptos.toml")
        };
        let config = with(
            "kelly_fraction = 0.25",
            "kelly_fraction = 0.5\nsharp_book = \"pinnacle\"\ndefault_bankroll_cents = 50000",
        )
        .unwrap();
        assert_eq!(config.betting.sharp_book.as_deref(), Some("pinnacle"));
        assert_eq!(config.betting.default_bankroll_cents, Some(50_000));
        assert_eq!(
            config.betting.kelly_sizing().multiplier(),
            &crate::domain::BigRational::new(1.into(), 2.into())
        );
        let err = with("kelly_fraction = 0.25", "kelly_fraction = 1.5").unwrap_err();
        assert!(err.contains("betting.kelly_fraction"), "{err}");
        let err = with("kelly_fraction = 0.25", "kelly_fraction = 0.0").unwrap_err();
        assert!(err.contains("betting.kelly_fraction"), "{err}");
        let err = with("kelly_cap = 0.05", "kelly_cap = 0.0").unwrap_err();
        assert!(err.contains("betting.kelly_cap"), "{err}");
        let err = with(
            "kelly_cap = 0.05",
            "kelly_cap = 0.05\nsharp_book = \"Pinnacle Sports\"",
        )
        .unwrap_err();
        assert!(err.contains("betting.sharp_book"), "{err}");
        let err = with(
            "kelly_cap = 0.05",
            "kelly_cap = 0.05\ndefault_bankroll_cents = 99",
        )
        .unwrap_err();
        assert!(err.contains("betting.default_bankroll_cents"), "{err}");
    }

    #[test]
    fn unknown_key_is_named() {
        let text = EMBEDDED_LEPTOS_TOML.replace("[limits]", "[limits]\nmax_bodyy_bytes = 3");
        let err = AppConfig::parse(&text, "Leptos.toml").unwrap_err();
        assert!(err.contains("max_bodyy_bytes"), "{err}");
    }

    #[test]
    fn bad_value_is_named() {
        let text =
            EMBEDDED_LEPTOS_TOML.replace("odds_format = \"american\"", "odds_format = \"roman\"");
        let err = AppConfig::parse(&text, "Leptos.toml").unwrap_err();
        assert!(
            err.contains("roman") || err.contains("odds_format"),
            "{err}"
        );
        let text = EMBEDDED_LEPTOS_TOML.replace(
            "trusted_proxies = []",
            "trusted_proxies = [\"10.0.0.0/33\"]",
        );
        let err = AppConfig::parse(&text, "Leptos.toml").unwrap_err();
        assert!(
            err.contains("trusted_proxies") && err.contains("10.0.0.0/33"),
            "{err}"
        );
        let text =
            EMBEDDED_LEPTOS_TOML.replace("max_concurrent_turns = 512", "max_concurrent_turns = 0");
        let err = AppConfig::parse(&text, "Leptos.toml").unwrap_err();
        assert!(err.contains("max_concurrent_turns"), "{err}");
        let text = EMBEDDED_LEPTOS_TOML.replace("max_legs = 10", "max_legs = 1");
        let err = AppConfig::parse(&text, "Leptos.toml").unwrap_err();
        assert!(err.contains("max_legs"), "{err}");
    }

    #[test]
    fn a_book_filter_always_asks_for_the_sharp_book_too() {
        let mut config = AppConfig::parse(EMBEDDED_LEPTOS_TOML, "Leptos.toml")
            .unwrap()
            .betting;
        assert_eq!(config.books_to_ask(), config.books);
        config.sharp_book = Some("pinnacle".into());
        let asked = config.books_to_ask();
        assert_eq!(asked.last().map(String::as_str), Some("pinnacle"));
        assert_eq!(asked.len(), config.books.len() + 1);
        // Already listed, or no filter at all (every book): nothing to add.
        config.books.push("pinnacle".into());
        assert_eq!(config.books_to_ask(), config.books);
        config.books.clear();
        assert!(config.books_to_ask().is_empty());
    }
}
