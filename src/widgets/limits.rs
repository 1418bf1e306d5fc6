//! The responsible-gambling card: the user's limits as in force, any loosening still waiting,
//! what has been used in each window, a running cool-off or self-exclusion, the bankroll Kelly
//! stakes are sized from, and the rules.
//! A view over plain data ([`LimitsView`], built by `tools::set_limits`).

use chrono::{DateTime, Utc};

use crate::domain::Cents;
use crate::protocol::widgets::{BadgeColor, Card, Col, Divider};
use crate::protocol::WidgetRoot;

use super::common::{badge, bold, caption, card_status, header, label_value};

/// One limit line.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitLine {
    pub label: String,
    /// `None` is no limit.
    pub current: Option<Cents>,
    /// A looser value waiting (`Some(None)` = removal) and when it applies.
    pub pending: Option<(Option<Cents>, DateTime<Utc>)>,
    /// Used in the window (staked, or net lost).
    pub used: Cents,
    pub window: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LimitsView {
    pub lines: Vec<LimitLine>,
    pub cool_off_until: Option<DateTime<Utc>>,
    pub self_excluded_until: Option<DateTime<Utc>>,
    pub loosen_delay_hours: u64,
    /// The bankroll stake suggestions are sized from; `None` = not set.
    pub bankroll: Option<Cents>,
    /// The bankroll is the configured default, not one the user set.
    pub bankroll_is_default: bool,
    /// What the last request did, in words.
    pub changes: Vec<String>,
}

/// `Thu Jan 16, 17:00 UTC`.
pub fn utc_text(t: DateTime<Utc>) -> String {
    t.format("%a %b %-d, %H:%M UTC").to_string()
}

fn amount(c: Option<Cents>) -> String {
    c.map_or_else(|| "No limit".to_owned(), |c| c.to_string())
}

pub fn limits_card(view: &LimitsView) -> WidgetRoot {
    let blocked = view.self_excluded_until.is_some() || view.cool_off_until.is_some();
    let state = if view.self_excluded_until.is_some() {
        badge("Self-excluded", BadgeColor::Danger)
    } else if view.cool_off_until.is_some() {
        badge("Cooling off", BadgeColor::Warning)
    } else {
        badge("Betting allowed", BadgeColor::Success)
    };
    let mut children = vec![header("Your limits", false, vec![state])];
    for line in &view.lines {
        let mut col = vec![label_value(&line.label, bold(amount(line.current)))];
        col.push(caption(format!(
            "{} used in the {}",
            line.used, line.window
        )));
        if let Some((value, at)) = &line.pending {
            col.push(caption(format!(
                "Changing to {} from {} (loosening waits {} h)",
                amount(*value),
                utc_text(*at),
                view.loosen_delay_hours
            )));
        }
        children.push(
            Col {
                children: col,
                ..Default::default()
            }
            .into(),
        );
    }
    children.push(Divider::default().into());
    if let Some(until) = view.self_excluded_until {
        children.push(label_value(
            "Self-exclusion",
            bold(format!("until {}", utc_text(until))),
        ));
    }
    if let Some(until) = view.cool_off_until {
        children.push(label_value(
            "Cool-off",
            bold(format!("until {}", utc_text(until))),
        ));
    }
    if !blocked {
        children.push(caption(
            "Take a break any time: a cool-off of 24 hours, 7 days or 30 days, or self-exclusion.",
        ));
    }
    let bankroll = match (view.bankroll, view.bankroll_is_default) {
        (Some(c), false) => c.to_string(),
        (Some(c), true) => format!("{c} (default)"),
        (None, _) => "Not set".to_owned(),
    };
    children.push(label_value("Bankroll", bold(bankroll)));
    children.push(caption(
        "Kelly stakes on the odds board and slip are sized from your bankroll; it never limits \
         a bet. Change it any time (\"Set my bankroll to $500\").",
    ));
    for change in &view.changes {
        children.push(caption(change.clone()));
    }
    children.push(caption(format!(
        "Limits apply to your stake at Lock It In over rolling UTC windows. Tightening is \
         immediate; loosening takes effect after {} hours. Cool-offs and self-exclusion cannot \
         be shortened.",
        view.loosen_delay_hours
    )));
    Card {
        key: Some("limits".into()),
        children,
        status: card_status("Responsible gambling", "lifesaver"),
        ..Default::default()
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::golden::{assert_golden, sample_limits};

    #[test]
    fn golden_limits() {
        let widget = limits_card(&sample_limits());
        assert_golden("limits", &widget);
        let json = serde_json::to_string(&widget).unwrap();
        assert!(json.contains("$100.00") && json.contains("Cooling off"));
        assert!(json.contains("Changing to $500.00 from Thu Jan 16, 17:00 UTC"));
        assert!(json.contains("Bankroll") && json.contains("$500.00\""));
        let unset = LimitsView {
            bankroll: None,
            ..sample_limits()
        };
        let json = serde_json::to_string(&limits_card(&unset)).unwrap();
        assert!(json.contains("Not set"));
    }
}
