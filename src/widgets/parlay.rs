//! The parlay slip: legs (pick, game, book, market probability, EV at the price, price,
//! remove), combined odds, the parlay's EV and fractional-Kelly stake for the user's bankroll,
//! a stake field inside a form, the payout, and "Lock It In".
//!
//! Actions (handled in `actions`): the form submits `parlay.set_stake` (sync), each leg's
//! remove button sends `parlay.remove_leg` (sync), and "Lock It In" sends `parlay.lock_in`
//! (streamed) carrying the whole slip. Being inside the form, "Lock It In" also receives the
//! stake field, so a typed stake counts even if the bettor never pressed Update.

use crate::betting::{SlipActionPayload, SlipLeg, SlipState, StakeSizing};
use crate::domain::{exact, format_odds, OddsFormat, ParlayQuote};
use crate::protocol::widgets::{
    BadgeColor, Button, ButtonColor, ButtonStyle, Card, Col, ControlSize, ControlVariant, Divider,
    FontWeight, Form, Input, Label, Row, Spacer, Text,
};
use crate::protocol::{ActionConfig, IconName, LoadingBehavior, WidgetComponent, WidgetRoot};

use super::action_types::{LOCK_IN, REMOVE_LEG, SET_STAKE};
use super::common::{
    badge, bold, caption, card_status, format_local_time, header, label_value, source_lines,
};

/// The form field that carries the stake (dollars, as typed).
pub use crate::betting::slip_action::STAKE_FIELD;

fn price_view(leg: &SlipLeg, format: OddsFormat) -> WidgetComponent {
    let now = format_odds(&leg.price, format);
    match &leg.previous_price {
        Some(old) if *old != leg.price => Row {
            children: vec![
                Text {
                    value: format_odds(old, format),
                    line_through: Some(true),
                    color: Some("secondary".into()),
                    ..Default::default()
                }
                .into(),
                Text {
                    value: format!("→ {now}"),
                    weight: Some(FontWeight::Semibold),
                    color: Some("warning".into()),
                    ..Default::default()
                }
                .into(),
            ],
            gap: Some(1.into()),
            ..Default::default()
        }
        .into(),
        _ => bold(now),
    }
}

fn leg_row(
    slip: &SlipState,
    index: usize,
    format: OddsFormat,
    sizing: &StakeSizing,
) -> WidgetComponent {
    let leg = &slip.legs[index];
    let (probability, color) = (leg.market_probability_text(), BadgeColor::Secondary);
    let mut about = vec![
        bold(leg.pick()),
        caption(format!(
            "{} · {} · {}",
            leg.game(slip.sport),
            format_local_time(leg.commence_time),
            leg.book_title
        )),
    ];
    if let Some(p) = leg.fair() {
        about.push(caption(format!(
            "{} at this price",
            sizing.edge(&p, &leg.price).ev_text()
        )));
    }
    if let Some(note) = &leg.injury_note {
        about.push(badge(format!("Injury: {note}"), BadgeColor::Danger));
    }
    let mut children = vec![
        Col {
            children: about,
            flex: Some(1.into()),
            ..Default::default()
        }
        .into(),
        badge(probability, color),
        price_view(leg, format),
    ];
    // A parlay needs two legs, so the last two cannot be removed.
    if slip.legs.len() > 2 {
        children.push(
            Button {
                label: Some("Remove".into()),
                variant: Some(ControlVariant::Ghost),
                color: Some(ButtonColor::Secondary),
                size: Some(ControlSize::Sm),
                on_click_action: Some(
                    ActionConfig::new(
                        REMOVE_LEG,
                        SlipActionPayload::remove_leg(slip, index).to_value(),
                    )
                    .sync()
                    .with_loading_behavior(LoadingBehavior::SelfOnly),
                ),
                ..Default::default()
            }
            .into(),
        );
    }
    Row {
        key: Some(format!("leg-{index}")),
        children,
        gap: Some(2.into()),
        align: Some(crate::protocol::widgets::Alignment::Center),
        ..Default::default()
    }
    .into()
}

fn stake_form(
    slip: &SlipState,
    lock_in: WidgetComponent,
    after: Vec<WidgetComponent>,
) -> WidgetComponent {
    let stake_row = Row {
        children: vec![
            Label {
                value: "Stake ($)".into(),
                field_name: STAKE_FIELD.into(),
                ..Default::default()
            }
            .into(),
            Spacer::default().into(),
            Input {
                name: STAKE_FIELD.into(),
                default_value: Some(slip.stake().to_plain_string()),
                placeholder: Some("10.00".into()),
                required: Some(true),
                ..Default::default()
            }
            .into(),
            Button {
                label: Some("Update".into()),
                submit: Some(true),
                style: Some(ButtonStyle::Secondary),
                ..Default::default()
            }
            .into(),
        ],
        gap: Some(2.into()),
        align: Some(crate::protocol::widgets::Alignment::Center),
        ..Default::default()
    };
    let mut children = vec![stake_row.into()];
    children.extend(after);
    children.push(lock_in);
    Form {
        children,
        gap: Some(2.into()),
        on_submit_action: Some(
            ActionConfig::new(SET_STAKE, SlipActionPayload::set_stake(slip).to_value()).sync(),
        ),
        ..Default::default()
    }
    .into()
}

/// The slip's fair probability, EV and Kelly stake in words, as the slip shows them.
pub fn slip_edge_text(slip: &SlipState, sizing: &StakeSizing) -> String {
    parlay_edge(slip, slip.quote().ok().as_ref(), sizing)
}

/// The parlay's fair probability, EV and Kelly stake, or why there are none.
fn parlay_edge(slip: &SlipState, quote: Option<&ParlayQuote>, sizing: &StakeSizing) -> String {
    let (Some(p), Some(price)) = (slip.joint_fair(), quote.and_then(|q| q.price.as_ref())) else {
        return "Legs from one game are correlated: no fair probability, EV or Kelly stake."
            .to_owned();
    };
    let edge = sizing.edge(&p, price);
    format!(
        "Fair probability {} (legs independent) · {}",
        exact::format_percent(p.as_ratio(), 1),
        edge.summary()
    )
}

/// The slip as the bettor sees it, prices in `format`, stakes sized by `sizing`.
pub fn parlay_slip(slip: &SlipState, format: OddsFormat, sizing: &StakeSizing) -> WidgetRoot {
    let quote = slip.quote().ok();
    let moved = slip.has_moved_prices();
    let mut extra = Vec::new();
    if slip.is_same_game() {
        extra.push(badge("SGP estimate", BadgeColor::Warning));
    }
    let title = format!("{}-Leg Parlay", slip.legs.len());
    let mut children = vec![header(&title, slip.demo, extra)];
    for i in 0..slip.legs.len() {
        if i > 0 {
            children.push(Divider::default().into());
        }
        children.push(leg_row(slip, i, format, sizing));
    }
    children.push(Divider::default().into());
    let combined = quote
        .as_ref()
        .and_then(|q| q.price.as_ref())
        .map_or_else(|| "—".to_owned(), |p| format_odds(p, format));
    children.push(label_value("Combined odds", bold(combined)));
    if let Some(p) = quote.as_ref().and_then(|q| q.implied_probability()) {
        children.push(caption(format!(
            "Implied probability {} (the book's price, vig included)",
            exact::format_percent(&p, 1)
        )));
    }
    children.push(caption(parlay_edge(slip, quote.as_ref(), sizing)));
    children.push(caption(sizing.note()));

    let mut after = Vec::new();
    let payout = quote
        .as_ref()
        .map_or_else(|| "—".to_owned(), |q| q.payout.to_string());
    after.push(label_value("Payout", bold(payout)));
    if let Some(q) = &quote {
        after.push(caption(format!(
            "Profit {} if every leg wins; pushes drop a leg.",
            q.profit
        )));
    }
    if slip.is_same_game() {
        after.push(caption(
            "Legs from the same game: estimate — sportsbook SGP price will differ.",
        ));
    }
    if moved {
        after.push(caption(
            "Prices moved since this slip was built. Review the new prices, then confirm.",
        ));
    }
    if slip.legs.len() < 2 {
        after.push(caption("A parlay needs at least 2 legs."));
    }
    let label = if moved {
        "Confirm new prices & Lock It In"
    } else {
        "Lock It In"
    };
    let lock_in = Button {
        label: Some(label.into()),
        style: Some(ButtonStyle::Primary),
        color: Some(ButtonColor::Success),
        block: Some(true),
        icon_start: Some(IconName::new("check-circle")),
        disabled: (slip.legs.len() < 2).then_some(true),
        on_click_action: Some(
            ActionConfig::new(LOCK_IN, SlipActionPayload::lock_in(slip).to_value())
                .with_loading_behavior(LoadingBehavior::SelfOnly),
        ),
        ..Default::default()
    }
    .into();
    children.push(stake_form(slip, lock_in, after));
    children.extend(source_lines(&slip.source, slip.as_of, slip.demo));
    Card {
        // Identifies the slip for its actions (and the receipt that replaces it).
        key: Some(slip.key.clone()),
        children,
        status: card_status(
            if moved { "Prices moved" } else { "Parlay slip" },
            "notebook-pencil",
        ),
        ..Default::default()
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::golden::{assert_golden, sample_slip};

    fn sizing(bankroll: Option<i64>) -> StakeSizing {
        StakeSizing::new(
            crate::domain::KellySizing::default(),
            bankroll.map(crate::domain::Cents::new),
        )
    }

    #[test]
    fn the_slip_shows_each_legs_ev_and_the_parlays_kelly_stake() {
        use crate::domain::{BigRational, Cents, DecimalOdds, KellySizing, Probability};
        // Two legs with a real edge: 11/20 at −110 and 9/20 at +150 (§6.5's EV vectors).
        let mut slip = sample_slip();
        slip.legs.truncate(2);
        slip.legs[0].fair_probability = Some(BigRational::new(11.into(), 20.into()));
        slip.legs[1].fair_probability = Some(BigRational::new(9.into(), 20.into()));
        let widget = parlay_slip(&slip, OddsFormat::American, &sizing(Some(100_000)));
        let json = serde_json::to_string(&widget).unwrap();
        assert!(json.contains("EV +5.0% at this price"), "{json}");
        assert!(json.contains("EV +12.5% at this price"));
        // Joint 99/400 at 105/22: EV = 99/400 × 105/22 − 1 = 29/160 = +18.1 %; full Kelly
        // (29/160)/(83/22) = 319/6640; ¼ of it on $1,000 = $12.0105… → $12.01 (cap $50).
        let p = Probability::from_ratio(BigRational::new(99.into(), 400.into())).unwrap();
        let price = DecimalOdds::from_ratio(105, 22).unwrap();
        let stake =
            crate::domain::kelly_stake(Cents::new(100_000), &p, &price, &KellySizing::default());
        assert_eq!(stake, Ok(Cents::new(1_201)));
        assert!(
            json.contains("Fair probability 24.8% (legs independent) · EV +18.1% · stake $12.01"),
            "{json}"
        );
        let json = serde_json::to_string(&parlay_slip(&slip, OddsFormat::American, &sizing(None)))
            .unwrap();
        assert!(json.contains("· EV +18.1%\"") && json.contains("Set a bankroll"));
        slip.legs[1].event_id = slip.legs[0].event_id.clone();
        let json = serde_json::to_string(&parlay_slip(&slip, OddsFormat::American, &sizing(None)))
            .unwrap();
        assert!(json.contains("correlated: no fair probability"));
    }

    #[test]
    fn golden_parlay_slip() {
        let widget = parlay_slip(&sample_slip(), OddsFormat::American, &sizing(Some(50_000)));
        assert_golden("parlay_slip", &widget);
        let json = serde_json::to_string(&widget).unwrap();
        assert!(json.contains("$715.91"), "§6.5 #1 payout on $100");
        assert!(json.contains("+616"));
        assert!(json.contains("DEMO DATA"));
    }

    #[test]
    fn golden_parlay_slip_with_moved_prices() {
        let mut slip = sample_slip();
        slip.legs[1].previous_price = Some(crate::widgets::golden::am(160));
        let widget = parlay_slip(&slip, OddsFormat::American, &sizing(None));
        assert_golden("parlay_slip_moved", &widget);
        let json = serde_json::to_string(&widget).unwrap();
        assert!(json.contains("Confirm new prices"));
        assert!(json.contains("→ +150"));
    }
}
