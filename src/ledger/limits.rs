//! Responsible-gambling limits, enforced by the server at Lock It In.
//!
//! Per user: a daily and a weekly stake cap, a weekly loss limit, a cool-off (24 h, 7 d or
//! 30 d) and self-exclusion. The rules a sportsbook's risk desk applies:
//! - Caps count the stake at lock-in (a bet that would cross a cap is refused whole); windows
//!   are rolling and in UTC: "daily" is the last 24 hours, "weekly" the last 7 days, so no
//!   midnight in any time zone resets a cap.
//! - The loss limit counts settled results, net (payouts minus stakes), over the last 7 days;
//!   once the net loss reaches the limit, no new bet until wins or time bring it back under.
//!   Open bets do not count against it (their stakes count against the caps).
//! - Tightening (a lower cap, a new cap) applies at once; loosening (a higher cap, or removing
//!   one) waits `loosen_delay` and then applies by itself — a cooling-down period against
//!   chasing losses. A cool-off or self-exclusion can be extended, never shortened.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::config::ResponsibleGamblingConfig;
use crate::domain::Cents;
use crate::store::{StoreError, UserLedger};

/// The limits a user can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    DailyStake,
    WeeklyStake,
    WeeklyLoss,
}

impl LimitKind {
    pub const ALL: [LimitKind; 3] = [Self::DailyStake, Self::WeeklyStake, Self::WeeklyLoss];

    pub fn label(self) -> &'static str {
        match self {
            Self::DailyStake => "Daily stake cap",
            Self::WeeklyStake => "Weekly stake cap",
            Self::WeeklyLoss => "Weekly loss limit",
        }
    }
}

/// One limit: what is in force, and a loosening waiting for its time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitSlot {
    /// Cents; `None` is no limit.
    pub current: Option<i64>,
    /// A requested looser value (`Some(None)` = remove the limit) and when it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<PendingChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingChange {
    pub value: Option<i64>,
    pub effective_at: DateTime<Utc>,
}

/// Everything the user set, as stored (JSON) per user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserLimits {
    pub daily_stake: LimitSlot,
    pub weekly_stake: LimitSlot,
    pub weekly_loss: LimitSlot,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cool_off_until: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_excluded_until: Option<DateTime<Utc>>,
}

/// What a limit request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitChange {
    /// In force now (tighter, or the same).
    Immediate,
    /// Looser: in force from this time.
    Scheduled(DateTime<Utc>),
}

/// Why a bet is refused; the message is shown to the user as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitRefusal {
    #[error("You are self-excluded until {0} UTC; no bets can be locked in until then.")]
    SelfExcluded(String),
    #[error("Your cool-off runs until {0} UTC; no bets can be locked in until then.")]
    CoolingOff(String),
    #[error(
        "This {stake} stake would take you past your {label} of {cap} ({used} already staked \
         in the last {window}); you can stake at most {left} more now."
    )]
    StakeCap {
        label: &'static str,
        stake: Cents,
        cap: Cents,
        used: Cents,
        left: Cents,
        window: &'static str,
    },
    #[error(
        "You have reached your weekly loss limit of {limit} (net {lost} lost over the last 7 \
         days); no new bets until that is back under the limit."
    )]
    LossLimit { limit: Cents, lost: Cents },
}

fn day_text(t: DateTime<Utc>) -> String {
    t.format("%a %b %-d, %H:%M").to_string()
}

/// How much the user has risked and lost in the windows the limits use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Exposure {
    pub staked_24h: i64,
    pub staked_7d: i64,
    /// Net result of bets settled in the last 7 days (negative for a net loss).
    pub settled_net_7d: i64,
}

/// One limit as the bettor sees it: the slot, what the window has used so far, and the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitUsage<'a> {
    pub kind: LimitKind,
    pub slot: &'a LimitSlot,
    /// Cents counted against the limit (never negative: a net win uses none of a loss limit).
    pub used: i64,
    pub window: &'static str,
}

impl UserLimits {
    /// Each limit with its usage, in the order they are shown (the chat widget and the page).
    pub fn usage(&self, exposure: Exposure) -> [LimitUsage<'_>; 3] {
        let usage = |kind, used: i64, window| LimitUsage {
            kind,
            slot: self.slot(kind),
            used: used.max(0),
            window,
        };
        [
            usage(LimitKind::DailyStake, exposure.staked_24h, "last 24 hours"),
            usage(LimitKind::WeeklyStake, exposure.staked_7d, "last 7 days"),
            usage(
                LimitKind::WeeklyLoss,
                -exposure.settled_net_7d,
                "last 7 days (net, settled)",
            ),
        ]
    }

    /// A new user's limits (the configured defaults; 0 = none).
    pub fn defaults(config: &ResponsibleGamblingConfig) -> Self {
        let slot = |c: i64| LimitSlot {
            current: (c > 0).then_some(c),
            pending: None,
        };
        Self {
            daily_stake: slot(config.default_daily_stake_cap_cents),
            weekly_stake: slot(config.default_weekly_stake_cap_cents),
            weekly_loss: slot(config.default_weekly_loss_limit_cents),
            cool_off_until: None,
            self_excluded_until: None,
        }
    }

    pub fn slot(&self, kind: LimitKind) -> &LimitSlot {
        match kind {
            LimitKind::DailyStake => &self.daily_stake,
            LimitKind::WeeklyStake => &self.weekly_stake,
            LimitKind::WeeklyLoss => &self.weekly_loss,
        }
    }

    fn slot_mut(&mut self, kind: LimitKind) -> &mut LimitSlot {
        match kind {
            LimitKind::DailyStake => &mut self.daily_stake,
            LimitKind::WeeklyStake => &mut self.weekly_stake,
            LimitKind::WeeklyLoss => &mut self.weekly_loss,
        }
    }

    /// Applies every loosening whose time has come; `true` if anything changed.
    pub fn apply_due(&mut self, now: DateTime<Utc>) -> bool {
        let mut changed = false;
        for kind in LimitKind::ALL {
            let slot = self.slot_mut(kind);
            if let Some(p) = slot.pending.clone().filter(|p| p.effective_at <= now) {
                slot.current = p.value;
                slot.pending = None;
                changed = true;
            }
        }
        changed
    }

    /// Sets a limit (`None` removes it): tighter at once, looser after `delay`.
    pub fn request(
        &mut self,
        kind: LimitKind,
        value: Option<i64>,
        now: DateTime<Utc>,
        delay: Duration,
    ) -> LimitChange {
        self.apply_due(now);
        let slot = self.slot_mut(kind);
        let tighter_or_same = match (slot.current, value) {
            (_, Some(new)) if slot.current.is_none_or(|c| new <= c) => true,
            (None, None) => true,
            _ => false,
        };
        if tighter_or_same {
            slot.current = value;
            // A tighter request also cancels any looser change still waiting.
            slot.pending = None;
            LimitChange::Immediate
        } else {
            let effective_at = now + delay;
            slot.pending = Some(PendingChange {
                value,
                effective_at,
            });
            LimitChange::Scheduled(effective_at)
        }
    }

    /// Starts (or extends) a cool-off; never shortens one already running.
    pub fn cool_off(&mut self, now: DateTime<Utc>, length: Duration) -> DateTime<Utc> {
        let until = now + length;
        let until = self.cool_off_until.map_or(until, |u| u.max(until));
        self.cool_off_until = Some(until);
        until
    }

    /// Self-excludes for `length`; never shortens an exclusion already running.
    pub fn self_exclude(&mut self, now: DateTime<Utc>, length: Duration) -> DateTime<Utc> {
        let until = now + length;
        let until = self.self_excluded_until.map_or(until, |u| u.max(until));
        self.self_excluded_until = Some(until);
        until
    }

    /// Whether a bet of `stake` may be locked in now, given the user's `exposure`.
    pub fn check(
        &self,
        now: DateTime<Utc>,
        stake: Cents,
        exposure: Exposure,
    ) -> Result<(), LimitRefusal> {
        let mut limits = self.clone();
        limits.apply_due(now);
        if let Some(until) = limits.self_excluded_until.filter(|u| *u > now) {
            return Err(LimitRefusal::SelfExcluded(day_text(until)));
        }
        if let Some(until) = limits.cool_off_until.filter(|u| *u > now) {
            return Err(LimitRefusal::CoolingOff(day_text(until)));
        }
        if let Some(limit) = limits.weekly_loss.current {
            let lost = -exposure.settled_net_7d;
            if lost >= limit {
                return Err(LimitRefusal::LossLimit {
                    limit: Cents::new(limit),
                    lost: Cents::new(lost),
                });
            }
        }
        let caps = [
            (
                &limits.daily_stake,
                exposure.staked_24h,
                LimitKind::DailyStake,
                "24 hours",
            ),
            (
                &limits.weekly_stake,
                exposure.staked_7d,
                LimitKind::WeeklyStake,
                "7 days",
            ),
        ];
        for (slot, used, kind, window) in caps {
            if let Some(cap) = slot.current {
                if used + stake.get() > cap {
                    return Err(LimitRefusal::StakeCap {
                        label: match kind {
                            LimitKind::DailyStake => "daily stake cap",
                            _ => "weekly stake cap",
                        },
                        stake,
                        cap: Cents::new(cap),
                        used: Cents::new(used),
                        left: Cents::new((cap - used).max(0)),
                        window,
                    });
                }
            }
        }
        Ok(())
    }
}

/// Reads the user's limits (defaults when none are stored), applying due loosenings.
pub async fn load(
    ledger: &UserLedger,
    config: &ResponsibleGamblingConfig,
    now: DateTime<Utc>,
) -> Result<UserLimits, StoreError> {
    let mut limits = match ledger.limits_json().await? {
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("stored limits: {e}")))?,
        None => UserLimits::defaults(config),
    };
    limits.apply_due(now);
    Ok(limits)
}

pub async fn save(ledger: &UserLedger, limits: &UserLimits) -> Result<(), StoreError> {
    let text =
        serde_json::to_string(limits).map_err(|e| StoreError::Corrupt(format!("limits: {e}")))?;
    ledger.save_limits_json(&text, crate::ids::now()).await
}

/// What the limits count, as of `now`: stakes in the last day and week, net result of the
/// last week.
pub async fn exposure(ledger: &UserLedger, now: DateTime<Utc>) -> Result<Exposure, StoreError> {
    Ok(Exposure {
        staked_24h: ledger.staked_since(now - Duration::hours(24)).await?,
        staked_7d: ledger.staked_since(now - Duration::days(7)).await?,
        settled_net_7d: ledger.settled_net_since(now - Duration::days(7)).await?,
    })
}

/// The lock-in gate: `Err` with the message to show when a limit refuses this stake.
pub async fn check_lock_in(
    ledger: &UserLedger,
    stake: Cents,
    config: &ResponsibleGamblingConfig,
) -> Result<Result<(), LimitRefusal>, StoreError> {
    let now = crate::ids::now();
    let limits = load(ledger, config, now).await?;
    let exposure = exposure(ledger, now).await?;
    Ok(limits.check(now, stake, exposure))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }
    const NOW: &str = "2025-01-15T17:00:00Z";
    fn day() -> Duration {
        Duration::hours(24)
    }

    /// Every view shows the three limits in one order, and a net win uses none of the loss
    /// limit.
    #[test]
    fn usage_lists_each_limit_with_its_window() {
        let limits = UserLimits::default();
        let usage = limits.usage(Exposure {
            staked_24h: 500,
            staked_7d: 2_000,
            settled_net_7d: 700,
        });
        let shown: Vec<_> = usage.iter().map(|u| (u.kind, u.used, u.window)).collect();
        assert_eq!(
            shown,
            [
                (LimitKind::DailyStake, 500, "last 24 hours"),
                (LimitKind::WeeklyStake, 2_000, "last 7 days"),
                (LimitKind::WeeklyLoss, 0, "last 7 days (net, settled)"),
            ]
        );
        let losing = limits.usage(Exposure {
            settled_net_7d: -1_250,
            ..Exposure::default()
        });
        assert_eq!(losing[2].used, 1_250);
    }

    #[test]
    fn tightening_is_immediate_loosening_waits_the_delay() {
        let now = t(NOW);
        let mut l = UserLimits::default();
        // A first cap is a tightening.
        assert_eq!(
            l.request(LimitKind::DailyStake, Some(10_000), now, day()),
            LimitChange::Immediate
        );
        assert_eq!(l.daily_stake.current, Some(10_000));
        // Lower: at once.
        assert_eq!(
            l.request(LimitKind::DailyStake, Some(5_000), now, day()),
            LimitChange::Immediate
        );
        // Higher: only after 24 h; the lower cap holds meanwhile.
        let at = now + day();
        assert_eq!(
            l.request(LimitKind::DailyStake, Some(50_000), now, day()),
            LimitChange::Scheduled(at)
        );
        assert_eq!(l.daily_stake.current, Some(5_000));
        let e = Exposure::default();
        assert!(l.check(now, Cents::new(6_000), e).is_err());
        assert!(l
            .check(at - Duration::seconds(1), Cents::new(6_000), e)
            .is_err());
        assert_eq!(l.check(at, Cents::new(6_000), e), Ok(()));
        // Removing a cap is a loosening too.
        let mut l2 = l.clone();
        l2.apply_due(at);
        assert_eq!(
            l2.request(LimitKind::DailyStake, None, at, day()),
            LimitChange::Scheduled(at + day())
        );
        assert_eq!(l2.daily_stake.current, Some(50_000));
        // A tighter request cancels a pending loosening.
        let mut l3 = UserLimits::default();
        l3.request(LimitKind::WeeklyLoss, Some(1_000), now, day());
        l3.request(LimitKind::WeeklyLoss, Some(9_000), now, day());
        l3.request(LimitKind::WeeklyLoss, Some(800), now, day());
        assert_eq!(
            l3.weekly_loss,
            LimitSlot {
                current: Some(800),
                pending: None
            }
        );
    }

    #[test]
    fn caps_count_the_stake_in_rolling_windows() {
        let now = t(NOW);
        let mut l = UserLimits::default();
        l.request(LimitKind::DailyStake, Some(10_000), now, day());
        l.request(LimitKind::WeeklyStake, Some(30_000), now, day());
        let e = Exposure {
            staked_24h: 8_000,
            staked_7d: 25_000,
            settled_net_7d: 0,
        };
        assert_eq!(
            l.check(now, Cents::new(2_000), e),
            Ok(()),
            "exactly at the cap"
        );
        let err = l.check(now, Cents::new(2_001), e).unwrap_err();
        assert!(
            err.to_string().contains("daily stake cap of $100.00"),
            "{err}"
        );
        assert!(err.to_string().contains("at most $20.00 more"), "{err}");
        let e = Exposure {
            staked_24h: 0,
            staked_7d: 29_000,
            settled_net_7d: 0,
        };
        let err = l.check(now, Cents::new(2_000), e).unwrap_err();
        assert!(err.to_string().contains("weekly stake cap"), "{err}");
    }

    #[test]
    fn the_loss_limit_counts_settled_net_losses() {
        let now = t(NOW);
        let mut l = UserLimits::default();
        l.request(LimitKind::WeeklyLoss, Some(5_000), now, day());
        let e = |net| Exposure {
            settled_net_7d: net,
            ..Default::default()
        };
        assert_eq!(l.check(now, Cents::new(100), e(-4_999)), Ok(()));
        assert!(matches!(
            l.check(now, Cents::new(100), e(-5_000)),
            Err(LimitRefusal::LossLimit { .. })
        ));
        // Net of wins.
        assert_eq!(l.check(now, Cents::new(100), e(2_000)), Ok(()));
    }

    #[test]
    fn cool_off_and_self_exclusion_refuse_until_they_end_and_never_shorten() {
        let now = t(NOW);
        let e = Exposure::default();
        let mut l = UserLimits::default();
        let until = l.cool_off(now, Duration::days(7));
        assert_eq!(until, t("2025-01-22T17:00:00Z"));
        // Asking for 24 h during a 7-day cool-off does not shorten it.
        assert_eq!(l.cool_off(now, Duration::hours(24)), until);
        let err = l
            .check(now + Duration::days(6), Cents::new(100), e)
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("cool-off runs until Wed Jan 22, 17:00"),
            "{err}"
        );
        assert_eq!(l.check(until, Cents::new(100), e), Ok(()));

        let mut x = UserLimits::default();
        let until = x.self_exclude(now, Duration::days(180));
        assert!(matches!(
            x.check(now + Duration::days(179), Cents::new(100), e),
            Err(LimitRefusal::SelfExcluded(_))
        ));
        assert_eq!(x.self_exclude(now, Duration::days(1)), until);
        assert_eq!(x.check(until, Cents::new(100), e), Ok(()));
    }

    #[test]
    fn defaults_come_from_config_with_zero_as_none() {
        let config = ResponsibleGamblingConfig {
            default_daily_stake_cap_cents: 20_000,
            ..Default::default()
        };
        let l = UserLimits::defaults(&config);
        assert_eq!(l.daily_stake.current, Some(20_000));
        assert_eq!(l.weekly_stake.current, None);
    }
}
