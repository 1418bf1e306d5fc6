//! Rate limits: turns per user, session minting per client IP (both per minute, from
//! `Leptos.toml`). A refused request gets 429 with `Retry-After`.

use crate::error::AppError;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

#[derive(Clone)]
pub struct RateLimits {
    turns: Arc<DefaultKeyedRateLimiter<String>>,
    sessions: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl RateLimits {
    pub fn new(turns_per_minute: u32, sessions_per_minute: u32) -> Self {
        let quota =
            |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        RateLimits {
            turns: Arc::new(RateLimiter::keyed(quota(turns_per_minute))),
            sessions: Arc::new(RateLimiter::keyed(quota(sessions_per_minute))),
        }
    }

    pub fn check_turn(&self, user_id: &str) -> Result<(), AppError> {
        self.turns
            .check_key(&user_id.to_owned())
            .map_err(|not_until| {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                AppError::RateLimited {
                    retry_after_secs: wait.as_secs() + 1,
                }
            })
    }

    pub fn check_session(&self, ip: IpAddr) -> Result<(), AppError> {
        self.sessions.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            AppError::RateLimited {
                retry_after_secs: wait.as_secs() + 1,
            }
        })
    }

    /// Forgets keys whose quota is full again, so idle users cost no memory.
    pub fn forget_idle(&self) {
        self.turns.retain_recent();
        self.sessions.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_are_limited_per_user() {
        let limits = RateLimits::new(2, 10);
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
    fn sessions_are_limited_per_ip() {
        let limits = RateLimits::new(10, 1);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(limits.check_session(ip).is_ok());
        assert!(limits.check_session(ip).is_err());
        assert!(limits.check_session("127.0.0.2".parse().unwrap()).is_ok());
    }
}
