//! The stats answer: the provider's sentence, its table (game rows, then summary rows such as
//! "Average"), and where it came from.

use crate::betting::{StatsAnswer, StatsTable};
use crate::protocol::widgets::{
    Caption, Card, FontWeight, SmallSize, Table, TableCell, TableRow, Text, TextSize,
};
use crate::protocol::{WidgetComponent, WidgetRoot};

use super::common::{caption, card_status, header, source_lines};

/// Rows beyond this are left out of the widget (the caption says how many).
pub const MAX_TABLE_ROWS: usize = 15;

fn row(values: &[String], header: bool, bold: bool) -> TableRow {
    TableRow {
        children: values
            .iter()
            .map(|v| TableCell {
                children: vec![if header {
                    Caption {
                        value: v.clone(),
                        size: Some(SmallSize::Sm),
                        weight: Some(FontWeight::Semibold),
                        ..Default::default()
                    }
                    .into()
                } else {
                    Text {
                        value: v.clone(),
                        size: Some(TextSize::Sm),
                        weight: bold.then_some(FontWeight::Semibold),
                        ..Default::default()
                    }
                    .into()
                }],
                ..Default::default()
            })
            .collect(),
        header: header.then_some(true),
        ..Default::default()
    }
}

fn table(t: &StatsTable) -> Vec<WidgetComponent> {
    let mut rows = vec![row(&t.headers, true, false)];
    rows.extend(
        t.rows
            .iter()
            .take(MAX_TABLE_ROWS)
            .map(|r| row(r, false, false)),
    );
    rows.extend(t.summary_rows.iter().map(|r| row(r, false, true)));
    let mut out: Vec<WidgetComponent> = vec![Table {
        children: rows,
        ..Default::default()
    }
    .into()];
    if t.rows.len() > MAX_TABLE_ROWS {
        out.push(caption(format!(
            "Showing {MAX_TABLE_ROWS} of {} rows.",
            t.rows.len()
        )));
    }
    out
}

/// The answer card.
pub fn stats_answer(answer: &StatsAnswer) -> WidgetRoot {
    let demo = answer.provenance.demo;
    let mut children = vec![
        header("Stats", demo, vec![]),
        Text {
            value: answer.answer.clone(),
            weight: Some(FontWeight::Medium),
            ..Default::default()
        }
        .into(),
    ];
    if let Some(read_as) = &answer.interpreted_as {
        children.push(caption(format!("Read as: {read_as}")));
    }
    if let Some(t) = answer.table.as_ref().filter(|t| !t.headers.is_empty()) {
        children.extend(table(t));
    }
    if let Some(url) = &answer.source_url {
        children.push(caption(url.clone()));
    }
    children.extend(source_lines(
        &answer.provenance.source,
        answer.provenance.as_of,
        demo,
    ));
    Card {
        children,
        status: card_status(answer.question.clone(), "analytics"),
        ..Default::default()
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::golden::{assert_golden, sample_stats};

    #[test]
    fn golden_stats_answer() {
        let widget = stats_answer(&sample_stats());
        assert_golden("stats_answer", &widget);
        let json = serde_json::to_string(&widget).unwrap();
        assert!(json.contains("Table.Row") && json.contains("Average"));
        assert!(json.contains("DEMO DATA"));
    }
}
