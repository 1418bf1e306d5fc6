use super::*;
use crate::protocol::content::{FileSource, Source};
use crate::protocol::items::{AssistantMessageItem, GeneratedImageItem, WidgetItem, WorkflowItem};
use crate::protocol::tasks::{CustomTask, StatusIndicator, Workflow, WorkflowKind};
use crate::protocol::widgets::{Card, ListView, ListViewItem, Markdown, Row, Text};
use chrono::{DateTime, Utc};
use serde_json::json;

fn at() -> DateTime<Utc> {
    crate::protocol::time::parse("2025-06-01T09:30:01Z").unwrap()
}

fn annotation(index: usize) -> Annotation {
    Annotation {
        source: Source::File(FileSource {
            title: "Injury report".into(),
            filename: "injuries.md".into(),
            ..Default::default()
        }),
        index: Some(index),
    }
}

#[test]
fn assistant_message_is_built_by_its_updates() {
    let mut item: ThreadItem = AssistantMessageItem::new("msg_1", "thr_1", at()).into();
    let delta = ThreadItemUpdate::TextDelta {
        content_index: 0,
        delta: "Lakers".into(),
    };
    assert_eq!(
        item.apply_update(&delta),
        Err(UpdateError::ContentIndex(0)),
        "delta before added"
    );

    let added = ThreadItemUpdate::ContentPartAdded {
        content_index: 0,
        content: AssistantMessageContent::default(),
    };
    item.apply_update(&added).unwrap();
    item.apply_update(&delta).unwrap();
    item.apply_update(&ThreadItemUpdate::TextDelta {
        content_index: 0,
        delta: " cover.".into(),
    })
    .unwrap();
    let annotate = ThreadItemUpdate::AnnotationAdded {
        content_index: 0,
        annotation_index: 0,
        annotation: annotation(6),
    };
    item.apply_update(&annotate).unwrap();
    let too_far = ThreadItemUpdate::AnnotationAdded {
        content_index: 0,
        annotation_index: 5,
        annotation: annotation(0),
    };
    assert_eq!(
        item.apply_update(&too_far),
        Err(UpdateError::AnnotationIndex(5))
    );

    let ThreadItem::AssistantMessage(message) = &item else {
        unreachable!()
    };
    assert_eq!(message.text(), "Lakers cover.");
    assert_eq!(message.content[0].annotations, vec![annotation(6)]);

    let gap = ThreadItemUpdate::ContentPartAdded {
        content_index: 2,
        content: AssistantMessageContent::default(),
    };
    assert_eq!(item.apply_update(&gap), Err(UpdateError::ContentIndex(2)));
    let task = ThreadItemUpdate::TaskAdded {
        task_index: 0,
        task: Task::Custom(CustomTask::default()),
    };
    assert_eq!(
        item.apply_update(&task),
        Err(UpdateError::WrongItemType {
            expected: ItemKind::Workflow,
            found: ItemKind::AssistantMessage
        })
    );
}

#[test]
fn widget_text_deltas_and_component_replacement() {
    let card = Card {
        children: vec![Row {
            children: vec![
                Markdown {
                    id: Some("analysis".into()),
                    value: "Edge: ".into(),
                    ..Default::default()
                }
                .into(),
                Text {
                    id: Some("stake".into()),
                    value: "$10".into(),
                    ..Default::default()
                }
                .into(),
            ],
            ..Default::default()
        }
        .into()],
        ..Default::default()
    };
    let mut item = WidgetItem::sample(card.into());
    let delta = |id: &str| ThreadItemUpdate::WidgetTextDelta {
        component_id: id.into(),
        delta: "+4%".into(),
        done: false,
    };
    item.apply_update(&delta("analysis")).unwrap();
    assert_eq!(
        item.apply_update(&delta("ghost")),
        Err(UpdateError::ComponentNotFound("ghost".into()))
    );

    let replacement = Text {
        id: Some("stake".into()),
        value: "$25".into(),
        ..Default::default()
    };
    let replace = ThreadItemUpdate::WidgetComponentUpdated {
        component_id: "stake".into(),
        component: Box::new(replacement.into()),
    };
    item.apply_update(&replace).unwrap();
    let json = serde_json::to_value(&item).unwrap();
    assert_eq!(
        json["widget"]["children"][0]["children"][0]["value"],
        json!("Edge: +4%")
    );
    assert_eq!(
        json["widget"]["children"][0]["children"][1]["value"],
        json!("$25")
    );
}

#[test]
fn list_view_items_are_replaced_only_by_list_view_items() {
    let list = ListView {
        children: vec![ListViewItem {
            id: Some("g1".into()),
            ..Default::default()
        }],
        ..Default::default()
    };
    let mut item = WidgetItem::sample(list.into());
    let badge = ThreadItemUpdate::WidgetComponentUpdated {
        component_id: "g1".into(),
        component: Box::new(
            Text {
                value: "x".into(),
                ..Default::default()
            }
            .into(),
        ),
    };
    assert!(matches!(
        item.apply_update(&badge),
        Err(UpdateError::ComponentTypeMismatch { found: "Text", .. })
    ));
    let not_text = ThreadItemUpdate::WidgetTextDelta {
        component_id: "g1".into(),
        delta: "x".into(),
        done: true,
    };
    assert_eq!(
        item.apply_update(&not_text),
        Err(UpdateError::NotStreamingText("g1".into()))
    );
    let row = ListViewItem {
        id: Some("g1".into()),
        key: Some("new".into()),
        ..Default::default()
    };
    let replace = ThreadItemUpdate::WidgetComponentUpdated {
        component_id: "g1".into(),
        component: Box::new(row.into()),
    };
    item.apply_update(&replace).unwrap();
    assert_eq!(
        serde_json::to_value(&item).unwrap()["widget"]["children"][0]["key"],
        json!("new")
    );
}

#[test]
fn workflow_tasks_are_added_and_updated_by_index() {
    let mut item: ThreadItem = WorkflowItem {
        id: "wf_1".into(),
        thread_id: "thr_1".into(),
        created_at: at(),
        workflow: Workflow::new(WorkflowKind::Custom),
    }
    .into();
    let task = |title: &str, indicator| {
        Task::Custom(CustomTask {
            title: Some(title.into()),
            status_indicator: indicator,
            ..Default::default()
        })
    };
    item.apply_update(&ThreadItemUpdate::TaskAdded {
        task_index: 0,
        task: task("Odds", StatusIndicator::Loading),
    })
    .unwrap();
    item.apply_update(&ThreadItemUpdate::TaskUpdated {
        task_index: 0,
        task: task("Odds", StatusIndicator::Complete),
    })
    .unwrap();
    let past_end = ThreadItemUpdate::TaskUpdated {
        task_index: 1,
        task: task("x", StatusIndicator::None),
    };
    assert_eq!(item.apply_update(&past_end), Err(UpdateError::TaskIndex(1)));
    let ThreadItem::Workflow(workflow) = &item else {
        unreachable!()
    };
    assert_eq!(
        workflow.workflow.tasks[0].status_indicator(),
        StatusIndicator::Complete
    );
}

#[test]
fn generated_image_takes_the_latest_frame() {
    let mut item: ThreadItem = GeneratedImageItem {
        id: "msg_i".into(),
        thread_id: "thr_1".into(),
        created_at: at(),
        image: None,
    }
    .into();
    let frame = GeneratedImage {
        id: "ig_1".into(),
        url: "data:image/png;base64,AA==".into(),
    };
    let update = ThreadItemUpdate::GeneratedImageUpdated {
        image: frame.clone(),
        progress: Some(0.5),
    };
    item.apply_update(&update).unwrap();
    let ThreadItem::GeneratedImage(image) = &item else {
        unreachable!()
    };
    assert_eq!(image.image.as_ref(), Some(&frame));
    assert_eq!(
        serde_json::to_value(ThreadItemUpdate::GeneratedImageUpdated {
            image: frame,
            progress: None
        })
        .unwrap(),
        json!({"type": "generated_image.updated", "image": {"id": "ig_1", "url": "data:image/png;base64,AA=="}})
    );
}
