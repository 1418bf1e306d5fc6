//! Rate limits (from `Leptos.toml`'s `[limits]`): turns per user, session minting per client
//! IP, guest creation per client IP, turns by guests per client IP (all guests behind one
//! address share it), and new attachments per user. A refused request gets 429 with
//! `Retry-After`. The cap on turns running at once is the engine's.
//!
//! On SQLite the budgets are counted in this process (`governor`); on Postgres in the
//! database (`store::cluster`, one GCRA cell per budget and key), so N processes behind a load
//! balancer allow what one would: one round trip per charged request.

use super::auth::Caller;
use crate::config::LimitsConfig;
use crate::error::AppError;
use crate::protocol::ChatKitRequest;
use crate::store::cluster::{Budget, Cluster};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

/// What a request costs from the budgets, decided from the request before it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charge {
    Nothing,
    /// A streamed operation: it starts a turn.
    Turn,
    /// `attachments.create`.
    NewAttachment,
}

impl Charge {
    pub fn of(request: &ChatKitRequest) -> Self {
        if request.is_streaming() {
            Charge::Turn
        } else if matches!(request, ChatKitRequest::CreateAttachment(_)) {
            Charge::NewAttachment
        } else {
            Charge::Nothing
        }
    }
}

/// The budgets, from `[limits]`.
#[derive(Clone, Copy, Debug)]
struct Budgets {
    turns: Budget,
    sessions: Budget,
    guests: Budget,
    guest_turns: Budget,
    attachments: Budget,
}

/// The budgets are counted in this process (SQLite: it is the only one) or in Postgres, where
/// every process sharing the database charges the same cells.
#[derive(Clone)]
enum Counters {
    InProcess(Arc<Governors>),
    Shared(Cluster),
}

struct Governors {
    turns: DefaultKeyedRateLimiter<String>,
    sessions: DefaultKeyedRateLimiter<IpAddr>,
    guests: DefaultKeyedRateLimiter<IpAddr>,
    guest_turns: DefaultKeyedRateLimiter<IpAddr>,
    attachments: DefaultKeyedRateLimiter<String>,
}

/// One budget to charge, named for both kinds of counter.
enum Key<'a> {
    Turn(&'a str),
    Session(IpAddr),
    Guest(IpAddr),
    GuestTurn(IpAddr),
    Attachment(&'a str),
}

impl Key<'_> {
    /// The shared cell's name.
    fn cell(&self) -> String {
        match self {
            Key::Turn(user) => format!("turn:{user}"),
            Key::Session(ip) => format!("session:{ip}"),
            Key::Guest(ip) => format!("guest:{ip}"),
            Key::GuestTurn(ip) => format!("guest_turn:{ip}"),
            Key::Attachment(user) => format!("attachment:{user}"),
        }
    }

    fn budget(&self, budgets: &Budgets) -> Budget {
        match self {
            Key::Turn(_) => budgets.turns,
            Key::Session(_) => budgets.sessions,
            Key::Guest(_) => budgets.guests,
            Key::GuestTurn(_) => budgets.guest_turns,
            Key::Attachment(_) => budgets.attachments,
        }
    }

    fn check_in(&self, governors: &Governors) -> Result<(), AppError> {
        match self {
            Key::Turn(user) => check(&governors.turns, &(*user).to_owned()),
            Key::Session(ip) => check(&governors.sessions, ip),
            Key::Guest(ip) => check(&governors.guests, ip),
            Key::GuestTurn(ip) => check(&governors.guest_turns, ip),
            Key::Attachment(user) => check(&governors.attachments, &(*user).to_owned()),
        }
    }
}

#[derive(Clone)]
pub struct RateLimits {
    budgets: Budgets,
    counters: Counters,
}

fn per_minute(n: u32) -> Budget {
    Budget {
        burst: n.max(1),
        period: Duration::from_secs(60),
    }
}

fn quota(budget: Budget) -> Quota {
    let burst = NonZeroU32::new(budget.burst).unwrap_or(NonZeroU32::MIN);
    let every = budget.period / burst.get();
    Quota::with_period(every)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
        .allow_burst(burst)
}

impl RateLimits {
    /// Counters in `cluster` when processes share a Postgres database, else in this process.
    pub fn new(limits: &LimitsConfig, cluster: Option<Cluster>) -> Self {
        let budgets = Budgets {
            turns: per_minute(limits.turns_per_minute),
            sessions: per_minute(limits.sessions_per_minute_per_ip),
            guests: Budget {
                burst: limits.guests_per_hour_per_ip.max(1),
                period: Duration::from_secs(3600),
            },
            guest_turns: per_minute(limits.guest_turns_per_minute_per_ip),
            attachments: per_minute(limits.attachments_per_minute),
        };
        let counters = match cluster {
            Some(cluster) => Counters::Shared(cluster),
            None => Counters::InProcess(Arc::new(Governors {
                turns: RateLimiter::keyed(quota(budgets.turns)),
                sessions: RateLimiter::keyed(quota(budgets.sessions)),
                guests: RateLimiter::keyed(quota(budgets.guests)),
                guest_turns: RateLimiter::keyed(quota(budgets.guest_turns)),
                attachments: RateLimiter::keyed(quota(budgets.attachments)),
            })),
        };
        RateLimits { budgets, counters }
    }

    /// Whether the budgets are shared with other processes (Postgres).
    pub fn is_shared(&self) -> bool {
        matches!(self.counters, Counters::Shared(_))
    }

    /// Charges the request to the caller's budgets (and, for guests, their address's); both
    /// doors call this with the same arguments.
    pub async fn admit(&self, caller: &Caller, ip: IpAddr, charge: Charge) -> Result<(), AppError> {
        match charge {
            Charge::Nothing => Ok(()),
            Charge::Turn if caller.kind.is_guest() => {
                self.charge(&[Key::GuestTurn(ip), Key::Turn(&caller.user_id)])
                    .await
            }
            Charge::Turn => self.charge(&[Key::Turn(&caller.user_id)]).await,
            Charge::NewAttachment => self.charge(&[Key::Attachment(&caller.user_id)]).await,
        }
    }

    pub async fn check_turn(&self, user_id: &str) -> Result<(), AppError> {
        self.charge(&[Key::Turn(user_id)]).await
    }

    pub async fn check_session(&self, ip: IpAddr) -> Result<(), AppError> {
        self.charge(&[Key::Session(ip)]).await
    }

    /// A new guest user from this address.
    pub async fn check_new_guest(&self, ip: IpAddr) -> Result<(), AppError> {
        self.charge(&[Key::Guest(ip)]).await
    }

    /// A turn started by a guest from this address.
    pub async fn check_guest_turn(&self, ip: IpAddr) -> Result<(), AppError> {
        self.charge(&[Key::GuestTurn(ip)]).await
    }

    pub async fn check_new_attachment(&self, user_id: &str) -> Result<(), AppError> {
        self.charge(&[Key::Attachment(user_id)]).await
    }

    /// Charges every key, in order (one database round trip for all of them when shared); the
    /// first refusal is the answer.
    async fn charge(&self, keys: &[Key<'_>]) -> Result<(), AppError> {
        match &self.counters {
            Counters::InProcess(governors) => {
                keys.iter().try_for_each(|key| key.check_in(governors))
            }
            Counters::Shared(cluster) => {
                let cells: Vec<(String, Budget)> = keys
                    .iter()
                    .map(|key| (key.cell(), key.budget(&self.budgets)))
                    .collect();
                let started = std::time::Instant::now();
                let admitted = cluster.admit(&cells).await;
                metrics::histogram!("pl_shared_rate_limit_seconds")
                    .record(started.elapsed().as_secs_f64());
                admitted?.map_err(|refused| AppError::RateLimited {
                    retry_after_secs: refused.retry_after.as_secs() + 1,
                })
            }
        }
    }

    /// Forgets keys whose quota is full again, so idle users cost no memory (or rows).
    pub async fn forget_idle(&self) -> Result<(), AppError> {
        match &self.counters {
            Counters::InProcess(g) => {
                g.turns.retain_recent();
                g.sessions.retain_recent();
                g.guests.retain_recent();
                g.guest_turns.retain_recent();
                g.attachments.retain_recent();
            }
            Counters::Shared(cluster) => {
                cluster.forget_idle_budgets().await?;
            }
        }
        Ok(())
    }
}

fn check<K: Clone + Hash + Eq>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
) -> Result<(), AppError> {
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        AppError::RateLimited {
            retry_after_secs: wait.as_secs() + 1,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{AppConfig, EMBEDDED_LEPTOS_TOML};

    /// The same tests run on both counters: this process's and Postgres's.
    #[derive(Clone, Copy)]
    enum Where {
        InProcess,
        Shared,
    }

    async fn limits(at: Where, tune: impl FnOnce(&mut LimitsConfig)) -> RateLimits {
        let mut config = AppConfig::parse(EMBEDDED_LEPTOS_TOML, "Leptos.toml")
            .unwrap()
            .limits;
        tune(&mut config);
        let cluster = match at {
            Where::InProcess => None,
            Where::Shared => {
                let url = crate::store::postgres_test_url();
                let store = crate::store::connect(&url, 2)
                    .await
                    .unwrap_or_else(|e| panic!("Postgres at {url} is required: {e}"));
                store.cluster()
            }
        };
        RateLimits::new(&config, cluster)
    }

    /// Keys of their own per run: the test database outlives the run, and its budgets too.
    fn user() -> String {
        crate::ids::new_id(crate::ids::IdKind::Message)
    }

    fn ip() -> IpAddr {
        IpAddr::V6(std::net::Ipv6Addr::from(rand::random::<u128>()))
    }

    async fn turns_are_limited_per_user(at: Where) {
        let limits = limits(at, |l| l.turns_per_minute = 2).await;
        let (a, b) = (user(), user());
        assert!(limits.check_turn(&a).await.is_ok());
        assert!(limits.check_turn(&a).await.is_ok());
        let err = limits.check_turn(&a).await.unwrap_err();
        assert!(
            matches!(err, AppError::RateLimited { retry_after_secs } if (1..=61).contains(&retry_after_secs)),
            "{err:?}"
        );
        assert!(
            limits.check_turn(&b).await.is_ok(),
            "another user has their own budget"
        );
    }

    async fn sessions_guests_and_guest_turns_are_limited_per_ip(at: Where) {
        let limits = limits(at, |l| {
            l.sessions_per_minute_per_ip = 1;
            l.guests_per_hour_per_ip = 2;
            l.guest_turns_per_minute_per_ip = 1;
        })
        .await;
        let (ip, other) = (ip(), ip());
        assert!(limits.check_session(ip).await.is_ok());
        assert!(limits.check_session(ip).await.is_err());
        assert!(limits.check_session(other).await.is_ok());
        assert!(limits.check_new_guest(ip).await.is_ok());
        assert!(limits.check_new_guest(ip).await.is_ok());
        let err = limits.check_new_guest(ip).await.unwrap_err();
        assert!(
            matches!(err, AppError::RateLimited { retry_after_secs } if retry_after_secs > 60),
            "the guest budget refills per hour: {err:?}"
        );
        assert!(limits.check_guest_turn(ip).await.is_ok());
        assert!(limits.check_guest_turn(ip).await.is_err());
        assert!(limits.check_guest_turn(other).await.is_ok());
    }

    async fn new_attachments_are_limited_per_user(at: Where) {
        let limits = limits(at, |l| l.attachments_per_minute = 1).await;
        let (a, b) = (user(), user());
        assert!(limits.check_new_attachment(&a).await.is_ok());
        assert!(limits.check_new_attachment(&a).await.is_err());
        assert!(limits.check_new_attachment(&b).await.is_ok());
        limits.forget_idle().await.unwrap();
    }

    async fn a_guest_turn_charges_the_address_and_the_user(at: Where) {
        use crate::server::auth::{Caller, CallerKind};
        let limits = limits(at, |l| {
            l.turns_per_minute = 5;
            l.guest_turns_per_minute_per_ip = 2;
        })
        .await;
        let ip = ip();
        let guest = |user_id: String| Caller {
            user_id,
            kind: CallerKind::Guest,
            generation: 0,
        };
        let (first, second, third) = (guest(user()), guest(user()), guest(user()));
        assert!(limits.admit(&first, ip, Charge::Turn).await.is_ok());
        assert!(limits.admit(&second, ip, Charge::Turn).await.is_ok());
        assert!(
            limits.admit(&third, ip, Charge::Turn).await.is_err(),
            "every guest behind one address shares its budget"
        );
        assert!(limits.admit(&third, ip, Charge::Nothing).await.is_ok());
    }

    macro_rules! on_both {
        ($($name:ident),*) => {
            mod in_process {
                $(#[tokio::test]
                async fn $name() {
                    super::$name(super::Where::InProcess).await;
                })*
            }
            mod shared_on_postgres {
                $(#[tokio::test]
                async fn $name() {
                    super::$name(super::Where::Shared).await;
                })*
            }
        };
    }

    on_both!(
        turns_are_limited_per_user,
        sessions_guests_and_guest_turns_are_limited_per_ip,
        new_attachments_are_limited_per_user,
        a_guest_turn_charges_the_address_and_the_user
    );

    #[tokio::test]
    async fn processes_on_one_postgres_share_the_budgets() {
        let a = limits(Where::Shared, |l| l.turns_per_minute = 3).await;
        let b = limits(Where::Shared, |l| l.turns_per_minute = 3).await;
        assert!(a.is_shared() && b.is_shared());
        let user = user();
        assert!(a.check_turn(&user).await.is_ok());
        assert!(b.check_turn(&user).await.is_ok());
        assert!(a.check_turn(&user).await.is_ok());
        assert!(
            b.check_turn(&user).await.is_err(),
            "the fourth turn is refused whichever process gets it"
        );
    }
}
