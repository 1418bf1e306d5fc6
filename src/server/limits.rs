//! Rate limits (from `Leptos.toml`'s `[limits]`): turns per user, session minting per client
//! IP, guest creation per client IP, turns by guests per client IP (all guests behind one
//! address share it), and new attachments per user. A refused request gets 429 with
//! `Retry-After`. The cap on turns running at once is the engine's.

use super::auth::Caller;
use crate::config::LimitsConfig;
use crate::error::AppError;
use crate::protocol::ChatKitRequest;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

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

#[derive(Clone)]
pub struct RateLimits {
    turns: Arc<DefaultKeyedRateLimiter<String>>,
    sessions: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    guests: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    guest_turns: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    attachments: Arc<DefaultKeyedRateLimiter<String>>,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

impl RateLimits {
    pub fn new(limits: &LimitsConfig) -> Self {
        let guests = Quota::per_hour(
            NonZeroU32::new(limits.guests_per_hour_per_ip).unwrap_or(NonZeroU32::MIN),
        );
        RateLimits {
            turns: Arc::new(RateLimiter::keyed(per_minute(limits.turns_per_minute))),
            sessions: Arc::new(RateLimiter::keyed(per_minute(
                limits.sessions_per_minute_per_ip,
            ))),
            guests: Arc::new(RateLimiter::keyed(guests)),
            guest_turns: Arc::new(RateLimiter::keyed(per_minute(
                limits.guest_turns_per_minute_per_ip,
            ))),
            attachments: Arc::new(RateLimiter::keyed(per_minute(
                limits.attachments_per_minute,
            ))),
        }
    }

    /// Charges the request to the caller's budgets (and, for guests, their address's); both
    /// doors call this with the same arguments.
    pub fn admit(&self, caller: &Caller, ip: IpAddr, charge: Charge) -> Result<(), AppError> {
        match charge {
            Charge::Nothing => Ok(()),
            Charge::Turn => {
                if caller.kind.is_guest() {
                    self.check_guest_turn(ip)?;
                }
                self.check_turn(&caller.user_id)
            }
            Charge::NewAttachment => self.check_new_attachment(&caller.user_id),
        }
    }

    pub fn check_turn(&self, user_id: &str) -> Result<(), AppError> {
        check(&self.turns, &user_id.to_owned())
    }

    pub fn check_session(&self, ip: IpAddr) -> Result<(), AppError> {
        check(&self.sessions, &ip)
    }

    /// A new guest user from this address.
    pub fn check_new_guest(&self, ip: IpAddr) -> Result<(), AppError> {
        check(&self.guests, &ip)
    }

    /// A turn started by a guest from this address.
    pub fn check_guest_turn(&self, ip: IpAddr) -> Result<(), AppError> {
        check(&self.guest_turns, &ip)
    }

    pub fn check_new_attachment(&self, user_id: &str) -> Result<(), AppError> {
        check(&self.attachments, &user_id.to_owned())
    }

    /// Forgets keys whose quota is full again, so idle users cost no memory.
    pub fn forget_idle(&self) {
        self.turns.retain_recent();
        self.sessions.retain_recent();
        self.guests.retain_recent();
        self.guest_turns.retain_recent();
        self.attachments.retain_recent();
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

    fn limits(tune: impl FnOnce(&mut LimitsConfig)) -> RateLimits {
        let mut config = AppConfig::parse(EMBEDDED_LEPTOS_TOML, "Leptos.toml")
            .unwrap()
            .limits;
        tune(&mut config);
        RateLimits::new(&config)
    }

    #[test]
    fn turns_are_limited_per_user() {
        let limits = limits(|l| l.turns_per_minute = 2);
        assert!(limits.check_turn("a").is_ok());
        assert!(limits.check_turn("a").is_ok());
        let err = limits.check_turn("a").unwrap_err();
        assert!(
            matches!(err, AppError::RateLimited { retry_after_secs } if (1..=61).contains(&retry_after_secs))
        );
        assert!(
            limits.check_turn("b").is_ok(),
            "another user has their own budget"
        );
    }

    #[test]
    fn sessions_guests_and_guest_turns_are_limited_per_ip() {
        let limits = limits(|l| {
            l.sessions_per_minute_per_ip = 1;
            l.guests_per_hour_per_ip = 2;
            l.guest_turns_per_minute_per_ip = 1;
        });
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let other: IpAddr = "127.0.0.2".parse().unwrap();
        assert!(limits.check_session(ip).is_ok());
        assert!(limits.check_session(ip).is_err());
        assert!(limits.check_session(other).is_ok());
        assert!(limits.check_new_guest(ip).is_ok());
        assert!(limits.check_new_guest(ip).is_ok());
        let err = limits.check_new_guest(ip).unwrap_err();
        assert!(
            matches!(err, AppError::RateLimited { retry_after_secs } if retry_after_secs > 60),
            "the guest budget refills per hour: {err:?}"
        );
        assert!(limits.check_guest_turn(ip).is_ok());
        assert!(limits.check_guest_turn(ip).is_err());
        assert!(limits.check_guest_turn(other).is_ok());
    }

    #[test]
    fn new_attachments_are_limited_per_user() {
        let limits = limits(|l| l.attachments_per_minute = 1);
        assert!(limits.check_new_attachment("a").is_ok());
        assert!(limits.check_new_attachment("a").is_err());
        assert!(limits.check_new_attachment("b").is_ok());
    }
}
