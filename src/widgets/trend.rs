//! The trend chart: one stat over a player's or team's recent games (bars or a line), with the
//! average drawn as a second series, a legend, per-game labels, and a one-line summary.

use std::collections::BTreeMap;

use crate::betting::{GameLog, SubjectKind};
use crate::protocol::widgets::{
    BarSeries, Card, Chart, CurveType, LineSeries, Scalar, Series, XAxis,
};
use crate::protocol::WidgetRoot;

use super::common::{caption, card_status, header, source_lines};

/// How the per-game values are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChartKind {
    #[default]
    Bar,
    Line,
}

/// Whole numbers stay integers on the wire; others are rounded to one decimal.
fn number(value: f64) -> Scalar {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        Scalar::Int(value as i64)
    } else {
        Scalar::Float((value * 10.0).round() / 10.0)
    }
}

/// `passingYards` → `passing yards` (sources name stats in camelCase).
fn humanize(stat: &str) -> String {
    if stat.chars().all(|c| !c.is_lowercase()) {
        return stat.to_owned(); // an abbreviation such as "PTS"
    }
    let mut out = String::with_capacity(stat.len() + 4);
    let mut after_lower = false;
    for c in stat.chars() {
        if c.is_uppercase() && after_lower {
            out.push(' ');
        }
        after_lower = c.is_lowercase();
        out.extend(c.to_lowercase());
    }
    out
}

fn one_decimal(value: f64) -> String {
    format!("{value:.1}")
}

/// The chart card for `log` (games oldest first, as providers return them).
pub fn trend_chart(log: &GameLog, kind: ChartKind) -> WidgetRoot {
    let demo = log.provenance.demo;
    let n = log.games.len();
    let average = log.average().unwrap_or(0.0);
    let data = log
        .games
        .iter()
        .map(|g| {
            BTreeMap::from([
                ("game".to_owned(), Scalar::Css(g.label.clone())),
                ("value".to_owned(), number(g.value)),
                ("avg".to_owned(), number(average)),
            ])
        })
        .collect();
    let stat = log.stat.clone();
    let main = match kind {
        ChartKind::Bar => Series::Bar(BarSeries {
            label: Some(stat.clone()),
            data_key: "value".into(),
            color: Some("blue".into()),
            ..Default::default()
        }),
        ChartKind::Line => Series::Line(LineSeries {
            label: Some(stat.clone()),
            data_key: "value".into(),
            color: Some("blue".into()),
            curve_type: Some(CurveType::Monotone),
        }),
    };
    let avg = Series::Line(LineSeries {
        label: Some(format!("Average ({})", one_decimal(average))),
        data_key: "avg".into(),
        color: Some("orange".into()),
        curve_type: Some(CurveType::Linear),
    });
    let chart = Chart {
        data,
        series: vec![main, avg],
        x_axis: XAxis::Key("game".into()),
        show_legend: Some(true),
        show_tooltip: Some(true),
        show_y_axis: Some(true),
        height: Some(200.into()),
        ..Default::default()
    };
    let who = match (&log.team, log.kind) {
        (Some(team), SubjectKind::Player) => format!("{} ({team})", log.subject),
        _ => log.subject.clone(),
    };
    let games = if n == 1 { "game" } else { "games" };
    let title = format!("{who} · {} · last {n} {games}", humanize(&log.stat_name));
    let mut summary = format!("Average {}", one_decimal(average));
    let values = log.games.iter().map(|g| g.value);
    if let (Some(high), Some(low)) = (values.clone().reduce(f64::max), values.reduce(f64::min)) {
        summary.push_str(&format!(
            " · high {} · low {}",
            one_decimal(high).trim_end_matches(".0"),
            one_decimal(low).trim_end_matches(".0")
        ));
    }
    let wins = log
        .games
        .iter()
        .filter(|g| g.result.as_deref() == Some("W"))
        .count();
    let losses = log
        .games
        .iter()
        .filter(|g| g.result.as_deref() == Some("L"))
        .count();
    if wins + losses > 0 {
        summary.push_str(&format!(" · {wins}-{losses} in these games"));
    }
    let mut children = vec![header(&title, demo, vec![]), chart.into(), caption(summary)];
    children.extend(source_lines(
        &log.provenance.source,
        log.provenance.as_of,
        demo,
    ));
    Card {
        children,
        status: card_status(format!("{} trend", log.sport.title()), "chart"),
        ..Default::default()
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::golden::{assert_golden, sample_game_log};

    #[test]
    fn golden_trend_chart() {
        let log = sample_game_log();
        let widget = trend_chart(&log, ChartKind::Bar);
        assert_golden("trend_chart", &widget);
        let json = serde_json::to_value(&widget).unwrap();
        let chart = &json["children"][1];
        assert_eq!(chart["type"], "Chart");
        assert_eq!(chart["series"][0]["type"], "bar");
        assert_eq!(chart["series"][1]["label"], "Average (26.0)");
        assert_eq!(chart["data"][0]["value"], 24);
        assert_eq!(humanize("passingYards"), "passing yards");
        assert_eq!(humanize("points"), "points");
        assert_eq!(humanize("PTS"), "PTS");
        let line = trend_chart(&log, ChartKind::Line);
        line.validate().unwrap();
        assert!(serde_json::to_string(&line)
            .unwrap()
            .contains("\"type\":\"line\""));
    }
}
