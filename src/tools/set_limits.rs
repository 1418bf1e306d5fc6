//! `set_limits`: the user's responsible-gambling limits — show them, set stake caps and a
//! loss limit, start a cool-off or self-exclude. The rules live in `ledger::limits`; this tool
//! reads the request, applies it, stores the result and shows the limits card.

use async_trait::async_trait;
use chrono::Duration;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::offline_skill::array_at;
use super::{priority, OfflineSkill, Question, Route};
use super::{ToolContext, ToolError, TypedTool};
use crate::domain::Cents;
use crate::ledger::bankroll::{self, Bankroll};
use crate::ledger::limits::{self, Exposure, LimitChange, LimitKind, UserLimits};
use crate::widgets::{limits::utc_text, limits_card, LimitLine, LimitsView};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum CoolOffArg {
    #[serde(rename = "24h")]
    Day,
    #[serde(rename = "7d")]
    Week,
    #[serde(rename = "30d")]
    Month,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct SetLimitsArgs {
    /// Cap on stakes locked in over the last 24 hours, in cents; 0 removes the cap.
    #[serde(default)]
    pub daily_stake_cap_cents: Option<i64>,
    /// Cap on stakes locked in over the last 7 days, in cents; 0 removes the cap.
    #[serde(default)]
    pub weekly_stake_cap_cents: Option<i64>,
    /// Limit on net settled losses over the last 7 days, in cents; 0 removes the limit.
    #[serde(default)]
    pub weekly_loss_limit_cents: Option<i64>,
    /// Start a cool-off: no bets for 24h, 7d or 30d.
    #[serde(default)]
    pub cool_off: Option<CoolOffArg>,
    /// Self-exclude for the configured period (cannot be undone); only when the user asked.
    #[serde(default)]
    pub self_exclude: bool,
    /// The user's bankroll in cents, which Kelly stake suggestions are sized from (not a
    /// limit: it applies at once); 0 clears it.
    #[serde(default)]
    pub bankroll_cents: Option<i64>,
}

pub struct SetLimits;

/// Largest cap accepted: $1,000,000.
const MAX_LIMIT_CENTS: i64 = 100_000_000;

fn cents_arg(name: &str, value: Option<i64>) -> Result<Option<Option<i64>>, ToolError> {
    match value {
        None => Ok(None),
        Some(0) => Ok(Some(None)),
        Some(c) if (1..=MAX_LIMIT_CENTS).contains(&c) => Ok(Some(Some(c))),
        Some(c) => Err(ToolError::new(format!(
            "{name} must be 0 (no limit) to {MAX_LIMIT_CENTS} cents, not {c}"
        ))),
    }
}

fn view(
    limits: &UserLimits,
    exposure: Exposure,
    delay_hours: u64,
    bankroll: Bankroll,
    changes: Vec<String>,
) -> LimitsView {
    let now = crate::ids::now();
    LimitsView {
        lines: limits
            .usage(exposure)
            .into_iter()
            .map(|u| LimitLine {
                label: u.kind.label().into(),
                current: u.slot.current.map(Cents::new),
                pending: u
                    .slot
                    .pending
                    .as_ref()
                    .map(|p| (p.value.map(Cents::new), p.effective_at)),
                used: Cents::new(u.used),
                window: u.window.into(),
            })
            .collect(),
        cool_off_until: limits.cool_off_until.filter(|u| *u > now),
        self_excluded_until: limits.self_excluded_until.filter(|u| *u > now),
        loosen_delay_hours: delay_hours,
        bankroll: bankroll.cents(),
        bankroll_is_default: matches!(bankroll, Bankroll::Default(_)),
        changes,
    }
}

#[async_trait]
impl TypedTool for SetLimits {
    type Args = SetLimitsArgs;
    const NAME: &'static str = "set_limits";
    const DESCRIPTION: &'static str = "Responsible gambling and bankroll: show the user's \
        limits and bankroll, or set a daily or weekly stake cap or a weekly loss limit (cents; \
        0 removes), start a cool-off (24h, 7d, 30d), self-exclude, or set the bankroll Kelly \
        stakes are sized from (cents; 0 clears). Tightening applies at once, loosening after a \
        delay; Lock It In is refused while a limit would be crossed. Call with no arguments to \
        show.";
    const INSTRUCTIONS: &'static str = "Stake caps, loss limits, cool-offs, self-exclusion and the user's bankroll go through set_limits; never talk a user out of a limit.";
    const OFFLINE: OfflineSkill = OfflineSkill {
        routes: &[Route {
            priority: priority::SAFETY,
            read,
        }],
        answer,
        doing: "change your limits",
        examples: &[
            "Show my limits",
            "Set a daily limit of $100",
            "I need to cool off for a week",
            "Please self exclude me",
            "Set my bankroll to $500",
        ],
        shows: "for your limits",
        widgets: &["limits"],
    };

    async fn run(
        &self,
        ctx: &mut ToolContext<'_>,
        args: SetLimitsArgs,
    ) -> Result<Value, ToolError> {
        let requests = [
            (
                LimitKind::DailyStake,
                cents_arg("daily_stake_cap_cents", args.daily_stake_cap_cents)?,
            ),
            (
                LimitKind::WeeklyStake,
                cents_arg("weekly_stake_cap_cents", args.weekly_stake_cap_cents)?,
            ),
            (
                LimitKind::WeeklyLoss,
                cents_arg("weekly_loss_limit_cents", args.weekly_loss_limit_cents)?,
            ),
        ];
        let config = ctx.services.gambling.clone();
        let ledger = ctx.turn.ledger();
        let fail =
            |e: crate::store::StoreError| ToolError::new(format!("limits are unavailable: {e}"));
        let now = crate::ids::now();
        let mut current = limits::load(&ledger, &config, now).await.map_err(fail)?;
        let delay = Duration::hours(config.loosen_delay_hours as i64);
        let mut changes = Vec::new();
        for (kind, request) in requests {
            let Some(value) = request else { continue };
            let shown = value.map_or_else(|| "no limit".to_owned(), |c| Cents::new(c).to_string());
            match current.request(kind, value, now, delay) {
                LimitChange::Immediate => {
                    changes.push(format!("{} set to {shown}, in force now.", kind.label()))
                }
                LimitChange::Scheduled(at) => changes.push(format!(
                    "{} goes to {shown} from {} (loosening waits {} hours); the current limit holds until then.",
                    kind.label(),
                    utc_text(at),
                    config.loosen_delay_hours
                )),
            }
        }
        if let Some(period) = args.cool_off {
            let length = match period {
                CoolOffArg::Day => Duration::hours(24),
                CoolOffArg::Week => Duration::days(7),
                CoolOffArg::Month => Duration::days(30),
            };
            let until = current.cool_off(now, length);
            changes.push(format!("Cool-off: no bets until {}.", utc_text(until)));
        }
        if args.self_exclude {
            let until =
                current.self_exclude(now, Duration::days(config.self_exclusion_days as i64));
            changes.push(format!(
                "Self-excluded: no bets until {}. This cannot be undone early.",
                utc_text(until)
            ));
        }
        let limits_changed = !changes.is_empty();
        if let Some(cents) = args.bankroll_cents {
            let value = match cents {
                0 => None,
                c => Some(bankroll::check(c).map_err(ToolError::new)?.get()),
            };
            ledger.set_bankroll(value, now).await.map_err(fail)?;
            changes.push(match value {
                Some(c) => format!(
                    "Bankroll set to {}: Kelly stakes are sized from it, starting now.",
                    Cents::new(c)
                ),
                None => "Bankroll cleared.".to_owned(),
            });
        }
        if limits_changed {
            limits::save(&ledger, &current).await.map_err(fail)?;
        }
        let bankroll = bankroll::load(&ledger, &ctx.services.betting)
            .await
            .map_err(fail)?;
        let exposure = limits::exposure(&ledger, now).await.map_err(fail)?;
        let shown = view(
            &current,
            exposure,
            config.loosen_delay_hours,
            bankroll,
            changes.clone(),
        );
        let copy = if changes.is_empty() {
            "Your limits".to_owned()
        } else {
            changes.join(" ")
        };
        let item_id = ctx.turn.widget_done(limits_card(&shown), Some(copy));
        let limit_json = |l: &LimitLine| {
            json!({
                "limit": l.label,
                "current": l.current.map(|c| c.to_string()),
                "pending": l.pending.as_ref().map(|(v, at)| json!({
                    "value": v.map(|c| c.to_string()),
                    "effective_at": at,
                })),
                "used": l.used.to_string(),
                "window": l.window,
            })
        };
        Ok(json!({
            "limits": shown.lines.iter().map(limit_json).collect::<Vec<_>>(),
            "cool_off_until": shown.cool_off_until,
            "self_excluded_until": shown.self_excluded_until,
            "changes": changes,
            "loosen_delay_hours": config.loosen_delay_hours,
            "bankroll": shown.bankroll.map(|c| c.to_string()),
            "widget_item_id": item_id,
        }))
    }
}

// The offline model: limit, cool-off and self-exclusion words come first (unless the question
// talks prices: "the spread's limit"); amounts read as caps.

fn read(q: &Question) -> Option<Value> {
    const CUES: &[&str] = &[
        "limit",
        "limits",
        "cap",
        "cool off",
        "cooling off",
        "cooloff",
        "take a break",
        "self exclude",
        "self exclusion",
        "exclude me",
        "responsible gambling",
        "gambling problem",
        "bankroll",
    ];
    if !q.any(CUES) || super::get_odds::mentions_prices(q) {
        return None;
    }
    let mut args = serde_json::Map::new();
    if q.has("bankroll") {
        // "Set my bankroll to $500"; "clear my bankroll"; "what's my bankroll" just shows.
        if q.any(&["clear", "remove", "reset", "delete"]) {
            args.insert("bankroll_cents".into(), json!(0));
        } else if let Some(cents) = q.stake_cents() {
            args.insert("bankroll_cents".into(), json!(cents));
        }
    } else if q.any(&["self exclude", "self exclusion", "exclude me"]) {
        args.insert("self_exclude".into(), json!(true));
    } else if q.any(&["cool off", "cooling off", "cooloff", "take a break"]) {
        let period = if q.any(&["30 days", "month", "30 day"]) {
            "30d"
        } else if q.any(&["7 days", "week", "7 day", "a week"]) {
            "7d"
        } else {
            "24h"
        };
        args.insert("cool_off".into(), json!(period));
    } else if let Some(cents) = q.stake_cents() {
        let key = if q.any(&["loss", "losses", "lose"]) {
            "weekly_loss_limit_cents"
        } else if q.any(&["weekly", "week"]) {
            "weekly_stake_cap_cents"
        } else {
            "daily_stake_cap_cents"
        };
        args.insert(key.into(), json!(cents));
    }
    Some(Value::Object(args))
}

fn answer(result: &Value, _args: &Value) -> Option<String> {
    let changes: Vec<&str> = array_at(result, &["changes"])?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut text = if changes.is_empty() {
        "Here are your limits.".to_owned()
    } else {
        changes.join(" ")
    };
    text.push_str(
        " Tightening a limit is immediate; loosening one waits before it applies. If betting \
         stops being fun, a cool-off or self-exclusion is one message away.",
    );
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bankroll_words_set_clear_or_show_it() {
        let read = |text: &str| read(&Question::new(text));
        assert_eq!(
            read("Set my bankroll to $500"),
            Some(json!({"bankroll_cents": 50_000}))
        );
        assert_eq!(
            read("my bankroll is $1,250.50"),
            Some(json!({"bankroll_cents": 125_050}))
        );
        assert_eq!(
            read("clear my bankroll"),
            Some(json!({"bankroll_cents": 0}))
        );
        assert_eq!(read("what's my bankroll?"), Some(json!({})));
        // A bankroll is not a limit: the amount never becomes a stake cap.
        assert_eq!(
            read("Set a daily limit of $100"),
            Some(json!({"daily_stake_cap_cents": 10_000}))
        );
    }
}
