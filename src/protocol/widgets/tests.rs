use super::*;
use serde_json::{json, Value};

fn round_trip(widget: Value) -> WidgetRoot {
    let parsed: WidgetRoot = serde_json::from_value(widget.clone()).unwrap();
    assert_eq!(serde_json::to_value(&parsed).unwrap(), widget);
    parsed
}

#[test]
fn unknown_component_types_cannot_be_parsed() {
    let unknown_child = json!({"type": "Card", "children": [{"type": "Carousel", "children": []}]});
    let error = serde_json::from_value::<WidgetRoot>(unknown_child)
        .unwrap_err()
        .to_string();
    assert!(error.contains("unknown variant `Carousel`"), "{error}");
    let component_as_root = json!({"type": "Row", "children": []});
    assert!(serde_json::from_value::<WidgetRoot>(component_as_root).is_err());
    let root_as_child = json!({"type": "Card", "children": [{"type": "Card", "children": []}]});
    assert!(serde_json::from_value::<WidgetRoot>(root_as_child).is_err());
}

#[test]
fn builders_omit_unset_props() {
    let card: WidgetRoot = Card {
        children: vec![
            Text {
                id: Some("odds".into()),
                value: "Lakers -3.5".into(),
                streaming: Some(true),
                ..Default::default()
            }
            .into(),
            Button {
                label: Some("Lock it in".into()),
                on_click_action: Some(ActionConfig::new("bet.lock_in", json!({"slip": 7}))),
                style: Some(ButtonStyle::Primary),
                ..Default::default()
            }
            .into(),
        ],
        size: Some(CardSize::Md),
        ..Default::default()
    }
    .into();
    assert_eq!(
        serde_json::to_value(&card).unwrap(),
        json!({"type": "Card", "size": "md", "children": [
            {"type": "Text", "id": "odds", "value": "Lakers -3.5", "streaming": true},
            {"type": "Button", "label": "Lock it in", "style": "primary",
             "onClickAction": {"type": "bet.lock_in", "payload": {"slip": 7}}}
        ]})
    );
    assert!(card.validate().is_ok());
}

#[test]
fn table_round_trips_and_keeps_rows_and_cells_typed() {
    let table = json!({"type": "Card", "children": [{"type": "Table", "id": "board", "children": [
        {"type": "Table.Row", "header": true, "children": [
            {"type": "Table.Cell", "children": [{"type": "Text", "value": "Team"}]},
            {"type": "Table.Cell", "align": "end", "colSize": "sm", "children": [{"type": "Text", "value": "Odds"}]}
        ]},
        {"type": "Table.Row", "key": "lal", "children": [
            {"type": "Table.Cell", "width": 120, "padding": {"x": 2}, "children": [{"type": "Text", "value": "Lakers"}]},
            {"type": "Table.Cell", "colSpan": 1, "rowSpan": 2, "vAlign": "center", "children": [{"type": "Badge", "label": "-110"}]}
        ]}
    ]}]});
    let parsed = round_trip(table);
    assert!(parsed.validate().is_ok());
    let WidgetRoot::Card(card) = &parsed else {
        panic!("not a card")
    };
    let WidgetComponent::Table(table) = &card.children[0] else {
        panic!("not a table")
    };
    assert_eq!(table.children[0].header, Some(true));
    assert_eq!(table.children[1].children[0].width, Some(Scalar::Int(120)));

    let text_in_table = json!({"type": "Card", "children": [{"type": "Table", "children": [{"type": "Text", "value": "x"}]}]});
    let error = serde_json::from_value::<WidgetRoot>(text_in_table)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("expected `Table.Row`, found `Text`"),
        "{error}"
    );
}

#[test]
fn chart_round_trips_with_null_labels_and_mixed_data() {
    let chart = json!({"type": "Card", "children": [{"type": "Chart", "height": 180, "aspectRatio": 1.5,
        "data": [{"day": "Mon", "units": 1.25, "bets": 3}, {"day": "Tue", "units": -0.5, "bets": 5}],
        "series": [
            {"type": "line", "dataKey": "units", "label": "Units", "curveType": "monotone", "color": {"light": "blue-500", "dark": "blue-300"}},
            {"type": "area", "dataKey": "bets", "label": null, "stack": "a"},
            {"type": "bar", "dataKey": "bets", "label": "Bets"}
        ],
        "xAxis": {"dataKey": "day", "hide": false, "labels": {"Mon": "Monday"}},
        "showYAxis": true, "barGap": 2}]});
    round_trip(chart);

    let series = Series::Bar(BarSeries {
        data_key: "bets".into(),
        ..Default::default()
    });
    assert_eq!(
        serde_json::to_value(series).unwrap(),
        json!({"type": "bar", "dataKey": "bets", "label": null})
    );
}

#[test]
fn editable_is_false_or_props() {
    let text = json!({"type": "Basic", "children": [
        {"type": "Text", "value": "a", "editable": false},
        {"type": "Text", "value": "b", "editable": {"name": "note", "autoFocus": true}}
    ]});
    round_trip(text);
    let editable_true =
        json!({"type": "Basic", "children": [{"type": "Text", "value": "a", "editable": true}]});
    assert!(serde_json::from_value::<WidgetRoot>(editable_true).is_err());
}

#[test]
fn transition_wraps_exactly_one_component() {
    let widget = json!({"type": "Card", "children": [
        {"type": "Transition", "children": {"type": "Markdown", "value": "**Locked.**"}}
    ]});
    round_trip(widget);
    let wrapped = Transition::new(Spacer::default());
    assert_eq!(
        serde_json::to_value(WidgetComponent::from(wrapped)).unwrap(),
        json!({"type": "Transition", "children": {"type": "Spacer"}})
    );
}

#[test]
fn validation_reports_misplaced_components_ids_and_icons() {
    let widget: WidgetRoot = serde_json::from_value(json!({"type": "Card",
    "status": {"text": "Slip", "icon": "ticket", "favicon": "https://x.example/f.ico"},
    "children": [
        {"type": "ListViewItem", "children": []},
        {"type": "Row", "children": [
            {"type": "Text", "id": "dup", "value": "a"},
            {"type": "Table.Cell", "children": [{"type": "Text", "id": "dup", "value": "b"}]}
        ]},
        {"type": "Icon", "name": "lucide:trophy"},
        {"type": "Button", "iconStart": "rocket"}
    ]}))
    .unwrap();
    let issues = widget.validate().unwrap_err();
    let lines: Vec<String> = issues.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "status: a status has an icon or a favicon, not both",
            "status: unknown icon `ticket`",
            "children[0]: ListViewItem is only allowed directly inside a ListView",
            "children[1].children[1]: Table.Cell is only allowed inside a Table.Row",
            "children[1].children[1].children[0]: duplicate component id `dup`",
            "children[3]: unknown icon `rocket`",
        ]
    );
}

#[test]
fn list_view_children_are_list_view_items() {
    let list = json!({"type": "ListView", "limit": "auto", "children": [
        {"type": "ListViewItem", "id": "g1", "onClickAction": {"type": "game.open", "payload": {"id": 1}},
         "children": [{"type": "Text", "value": "LAL @ BOS"}]}
    ]});
    let parsed = round_trip(list);
    assert!(parsed.validate().is_ok());
    let mut ids = Vec::new();
    parsed.walk(|node, path| ids.push((node.id().map(str::to_owned), path.to_owned())));
    assert_eq!(ids[0], (Some("g1".to_owned()), "children[0]".to_owned()));
    assert_eq!(ids[1].1, "children[0].children[0]");

    let row_in_list = json!({"type": "ListView", "children": [{"type": "Row", "children": []}]});
    assert!(serde_json::from_value::<WidgetRoot>(row_in_list).is_err());
}
