//! Pieces every betting widget shares: the DEMO DATA badge, the source/as-of caption, the
//! header row, and how lines and times are printed (prices print through `domain::format_odds`).
//!
//! Times are shown in US Eastern time: the audience is US bettors and the books post US
//! slates by ET (`domain::fan_time` holds the daylight-saving rule).

use chrono::{DateTime, Utc};

use crate::betting::DEMO_LABEL;
use crate::protocol::widgets::WidgetStatus;
use crate::protocol::widgets::{
    Badge, BadgeColor, BadgeVariant, Caption, Row, SmallSize, Spacer, Text, Title, TitleSize,
};
use crate::protocol::{IconName, WidgetComponent};

/// The header line of a card: what it shows, with an icon of the built-in set.
pub fn card_status(text: impl Into<String>, icon: &str) -> Option<WidgetStatus> {
    Some(WidgetStatus {
        text: text.into(),
        icon: Some(IconName::new(icon)),
        ..Default::default()
    })
}

pub use crate::betting::format_point;

/// US Eastern offset at `at` (the rule lives in `domain::fan_time`).
pub use crate::domain::fan_time::us_eastern_offset as eastern_offset;

/// `7:00 PM ET`.
pub fn format_local_time(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&eastern_offset(at));
    format!("{} ET", local.format("%-I:%M %p"))
}

/// `Wed Jan 15, 7:00 PM ET`.
pub fn format_local_datetime(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&eastern_offset(at));
    format!("{} ET", local.format("%a %b %-d, %-I:%M %p"))
}

/// The badge every widget built from the demo dataset carries.
pub fn demo_badge() -> WidgetComponent {
    Badge {
        label: "DEMO DATA".into(),
        color: Some(BadgeColor::Warning),
        variant: Some(BadgeVariant::Solid),
        pill: Some(true),
        ..Default::default()
    }
    .into()
}

/// Title on the left; the DEMO DATA badge (when `demo`) and any `extra` badges on the right.
pub fn header(title: &str, demo: bool, extra: Vec<WidgetComponent>) -> WidgetComponent {
    let mut children: Vec<WidgetComponent> = vec![
        Title {
            value: title.to_owned(),
            size: Some(TitleSize::Sm),
            ..Default::default()
        }
        .into(),
        Spacer::default().into(),
    ];
    children.extend(extra);
    if demo {
        children.push(demo_badge());
    }
    Row {
        children,
        align: Some(crate::protocol::widgets::Alignment::Center),
        gap: Some(2.into()),
        ..Default::default()
    }
    .into()
}

/// `Source: The Odds API · as of Wed Jan 15, 12:00 PM ET`, plus the demo label line.
pub fn source_lines(source: &str, as_of: DateTime<Utc>, demo: bool) -> Vec<WidgetComponent> {
    let mut lines = vec![caption(format!(
        "Source: {source} · as of {}",
        format_local_datetime(as_of)
    ))];
    if demo {
        lines.push(caption(DEMO_LABEL));
    }
    lines
}

pub fn caption(value: impl Into<String>) -> WidgetComponent {
    Caption {
        value: value.into(),
        size: Some(SmallSize::Sm),
        ..Default::default()
    }
    .into()
}

pub fn text(value: impl Into<String>) -> WidgetComponent {
    Text {
        value: value.into(),
        ..Default::default()
    }
    .into()
}

pub fn bold(value: impl Into<String>) -> WidgetComponent {
    Text {
        value: value.into(),
        weight: Some(crate::protocol::widgets::FontWeight::Semibold),
        ..Default::default()
    }
    .into()
}

pub fn badge(label: impl Into<String>, color: BadgeColor) -> WidgetComponent {
    Badge {
        label: label.into(),
        color: Some(color),
        variant: Some(BadgeVariant::Soft),
        ..Default::default()
    }
    .into()
}

/// A horizontal row: label on the left, value on the right.
pub fn label_value(label: &str, value: WidgetComponent) -> WidgetComponent {
    Row {
        children: vec![text(label), Spacer::default().into(), value],
        ..Default::default()
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn eastern_time_follows_us_daylight_saving() {
        assert_eq!(format_local_time(at("2025-01-16T00:00:00Z")), "7:00 PM ET");
        assert_eq!(format_local_time(at("2025-07-04T23:05:00Z")), "7:05 PM ET");
        // 2025: DST from Mar 9 07:00 UTC to Nov 2 06:00 UTC.
        assert_eq!(
            eastern_offset(at("2025-03-09T06:59:59Z")).utc_minus_local(),
            5 * 3600
        );
        assert_eq!(
            eastern_offset(at("2025-03-09T07:00:00Z")).utc_minus_local(),
            4 * 3600
        );
        assert_eq!(
            eastern_offset(at("2025-11-02T05:59:59Z")).utc_minus_local(),
            4 * 3600
        );
        assert_eq!(
            eastern_offset(at("2025-11-02T06:00:00Z")).utc_minus_local(),
            5 * 3600
        );
        assert_eq!(
            format_local_datetime(at("2025-01-15T17:00:00Z")),
            "Wed Jan 15, 12:00 PM ET"
        );
    }

    #[test]
    fn lines_print_like_a_book() {
        assert_eq!(format_point(1.5, true), "+1.5");
        assert_eq!(format_point(-7.5, true), "-7.5");
        assert_eq!(format_point(0.0, true), "PK");
        assert_eq!(format_point(228.5, false), "228.5");
        assert_eq!(format_point(10.0, true), "+10");
    }
}
