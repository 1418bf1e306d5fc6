//! The injury report card: one row per player (name and position, team, what and since when,
//! expected return) with a status badge, then where it came from.

use crate::betting::{Injury, InjuryReport, InjuryStatus};
use crate::protocol::widgets::{BadgeColor, Card, Col, Row, Spacer};
use crate::protocol::{WidgetComponent, WidgetRoot};

use super::common::{
    badge, bold, caption, card_status, format_local_datetime, header, source_lines, text,
};

/// Players beyond this are left off the card (a caption says how many more there are).
pub const MAX_INJURY_ROWS: usize = 12;

fn status_color(status: InjuryStatus) -> BadgeColor {
    match status {
        InjuryStatus::Out | InjuryStatus::Suspended => BadgeColor::Danger,
        InjuryStatus::Doubtful => BadgeColor::Warning,
        InjuryStatus::Questionable | InjuryStatus::DayToDay => BadgeColor::Info,
        InjuryStatus::Active | InjuryStatus::Other => BadgeColor::Secondary,
    }
}

fn player_row(injury: &Injury) -> WidgetComponent {
    let name = match &injury.position {
        Some(position) => format!("{} ({position})", injury.player),
        None => injury.player.clone(),
    };
    let mut lines = vec![bold(name), caption(injury.team.clone())];
    let mut facts = Vec::new();
    if !injury.detail.is_empty() {
        facts.push(injury.detail.clone());
    }
    if let Some(back) = injury.return_date {
        facts.push(format!("expected back {}", back.format("%b %-d")));
    }
    if !facts.is_empty() {
        lines.push(text(facts.join(" · ")));
    }
    if let Some(updated) = injury.updated {
        lines.push(caption(format!(
            "Updated {}",
            format_local_datetime(updated)
        )));
    }
    Row {
        children: vec![
            Col {
                children: lines,
                flex: Some(1.into()),
                ..Default::default()
            }
            .into(),
            Spacer::default().into(),
            badge(injury.status_text.clone(), status_color(injury.status)),
        ],
        gap: Some(2.into()),
        ..Default::default()
    }
    .into()
}

/// The card for `injuries` picked from `report` (`subject`: what was asked, e.g. "Lakers").
pub fn injury_card(report: &InjuryReport, subject: &str, injuries: &[&Injury]) -> WidgetRoot {
    let demo = report.provenance.demo;
    let title = format!("Injuries · {}", report.sport.title());
    let mut children = vec![header(&title, demo, vec![])];
    if injuries.is_empty() {
        children.push(text(format!("No injuries reported for {subject}.")));
    }
    children.extend(injuries.iter().take(MAX_INJURY_ROWS).map(|i| player_row(i)));
    if injuries.len() > MAX_INJURY_ROWS {
        children.push(caption(format!(
            "{} more not shown.",
            injuries.len() - MAX_INJURY_ROWS
        )));
    }
    children.extend(source_lines(
        &report.provenance.source,
        report.provenance.as_of,
        demo,
    ));
    Card {
        children,
        status: card_status(format!("Injury report: {subject}"), "info"),
        ..Default::default()
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::golden::{assert_golden, sample_injuries};

    #[test]
    fn golden_injury_report() {
        let report = sample_injuries();
        let all: Vec<&Injury> = report.injuries.iter().collect();
        let widget = injury_card(&report, "NBA", &all);
        assert_golden("injury_report", &widget);
        let json = serde_json::to_string(&widget).unwrap();
        assert!(json.contains("Luka Dončić (G)") && json.contains("Left calf strain"));
        assert!(json.contains("DEMO DATA"));
    }

    #[test]
    fn an_empty_report_says_so() {
        let report = sample_injuries();
        let widget = injury_card(&report, "Utah Jazz", &[]);
        crate::widgets::golden::check_widget(&widget);
        let json = serde_json::to_string(&widget).unwrap();
        assert!(json.contains("No injuries reported for Utah Jazz."));
    }
}
