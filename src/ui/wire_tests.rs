//! The page's reading of the JSON against the protocol's types: the same item and update, once
//! typed (as the server applies it) and once as JSON (as the page does), end the same.

use super::*;
use crate::protocol::widgets::{Badge, Card, ListView, ListViewItem, Markdown, Row, Text};
use crate::protocol::{
    Annotation, AssistantMessageContent, AssistantMessageItem, CustomTask, FileSource,
    GeneratedImage, GeneratedImageItem, Source, StatusIndicator, Task, ThreadItem,
    ThreadItemUpdate, WidgetComponent, WidgetItem, Workflow, WorkflowItem, WorkflowKind,
};
use serde_json::json;

fn at() -> chrono::DateTime<chrono::Utc> {
    crate::protocol::time::parse("2026-11-25T20:00:00Z").unwrap()
}

/// Applies each update to the typed item and to its JSON: both must succeed or fail together,
/// and end as the same JSON. Returns how many applied.
fn same_as_the_server(mut typed: ThreadItem, updates: &[ThreadItemUpdate]) -> usize {
    let mut page = Item::read(serde_json::to_value(&typed).unwrap()).unwrap();
    let mut applied = 0;
    for update in updates {
        let update_json = serde_json::to_value(update).unwrap();
        let server = typed.apply_update(update);
        let ours = page.apply_update(&update_json);
        assert_eq!(
            server.is_ok(),
            ours.is_ok(),
            "{update_json}: server {server:?}, page {ours:?}"
        );
        assert_eq!(
            page.json(),
            &serde_json::to_value(&typed).unwrap(),
            "after {update_json}"
        );
        applied += usize::from(server.is_ok());
    }
    applied
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
fn an_answer_streams_as_on_the_server() {
    use ThreadItemUpdate as U;
    let item = AssistantMessageItem::new("msg_1", "thr_1", at()).into();
    let part = |text: &str| AssistantMessageContent {
        text: text.into(),
        ..Default::default()
    };
    let delta = |delta: &str| U::TextDelta {
        content_index: 0,
        delta: delta.into(),
    };
    let applied = same_as_the_server(
        item,
        &[
            delta("too early"),
            U::ContentPartAdded {
                content_index: 0,
                content: part(""),
            },
            delta("Lakers "),
            delta("-3.5"),
            U::AnnotationAdded {
                content_index: 0,
                annotation_index: 0,
                annotation: annotation(6),
            },
            U::AnnotationAdded {
                content_index: 0,
                annotation_index: 5,
                annotation: annotation(1),
            },
            U::ContentPartAdded {
                content_index: 2,
                content: part("gap"),
            },
            U::ContentPartAdded {
                content_index: 1,
                content: part(" Take the points."),
            },
            U::ContentPartDone {
                content_index: 0,
                content: part("Lakers -3.5."),
            },
            U::WidgetRootUpdated {
                widget: Card::default().into(),
            },
        ],
    );
    assert_eq!(applied, 6);
}

#[test]
fn widget_updates_find_components_as_on_the_server() {
    use ThreadItemUpdate as U;
    let card = Card {
        children: vec![Row {
            children: vec![
                Markdown {
                    id: Some("analysis".into()),
                    value: "Edge: ".into(),
                    ..Default::default()
                }
                .into(),
                Badge {
                    id: Some("badge".into()),
                    label: "Live".into(),
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
    let delta = |id: &str| U::WidgetTextDelta {
        component_id: id.into(),
        delta: "+4%".into(),
        done: false,
    };
    let text = |id: &str, value: &str| {
        Box::new(
            Text {
                id: Some(id.into()),
                value: value.into(),
                ..Default::default()
            }
            .into(),
        )
    };
    let applied = same_as_the_server(
        WidgetItem::sample(card.into()),
        &[
            delta("analysis"),
            delta("stake"),
            delta("badge"),
            delta("ghost"),
            U::WidgetComponentUpdated {
                component_id: "stake".into(),
                component: text("stake", "$25"),
            },
            U::WidgetComponentUpdated {
                component_id: "badge".into(),
                component: text("badge", "Final"),
            },
            U::WidgetComponentUpdated {
                component_id: "ghost".into(),
                component: text("ghost", "x"),
            },
            U::TextDelta {
                content_index: 0,
                delta: "x".into(),
            },
            U::WidgetRootUpdated {
                widget: ListView::default().into(),
            },
        ],
    );
    assert_eq!(applied, 5);
}

#[test]
fn a_list_views_rows_are_replaced_only_by_rows() {
    use ThreadItemUpdate as U;
    let list = ListView {
        children: vec![ListViewItem {
            id: Some("g1".into()),
            children: vec![Text {
                id: Some("g1_text".into()),
                value: "Bucks".into(),
                ..Default::default()
            }
            .into()],
            ..Default::default()
        }],
        ..Default::default()
    };
    let text: Box<WidgetComponent> = Box::new(
        Text {
            value: "x".into(),
            ..Default::default()
        }
        .into(),
    );
    let row: Box<WidgetComponent> = Box::new(
        ListViewItem {
            id: Some("g1".into()),
            key: Some("new".into()),
            ..Default::default()
        }
        .into(),
    );
    let applied = same_as_the_server(
        WidgetItem::sample(list.into()),
        &[
            U::WidgetComponentUpdated {
                component_id: "g1".into(),
                component: text.clone(),
            },
            U::WidgetTextDelta {
                component_id: "g1_text".into(),
                delta: " ML".into(),
                done: true,
            },
            U::WidgetComponentUpdated {
                component_id: "g1_text".into(),
                component: text,
            },
            U::WidgetComponentUpdated {
                component_id: "g1".into(),
                component: row,
            },
        ],
    );
    assert_eq!(applied, 3);
}

#[test]
fn workflow_tasks_and_images_update_as_on_the_server() {
    use ThreadItemUpdate as U;
    let task = |title: &str, indicator| {
        Task::Custom(CustomTask {
            title: Some(title.into()),
            status_indicator: indicator,
            ..Default::default()
        })
    };
    let workflow = WorkflowItem {
        id: "wf_1".into(),
        thread_id: "thr_1".into(),
        created_at: at(),
        workflow: Workflow::new(WorkflowKind::Custom),
    };
    let applied = same_as_the_server(
        workflow.into(),
        &[
            U::TaskAdded {
                task_index: 1,
                task: task("gap", StatusIndicator::None),
            },
            U::TaskAdded {
                task_index: 0,
                task: task("Odds", StatusIndicator::Loading),
            },
            U::TaskUpdated {
                task_index: 0,
                task: task("Odds", StatusIndicator::Complete),
            },
            U::TaskUpdated {
                task_index: 1,
                task: task("x", StatusIndicator::None),
            },
        ],
    );
    assert_eq!(applied, 2);

    let image = GeneratedImageItem {
        id: "msg_i".into(),
        thread_id: "thr_1".into(),
        created_at: at(),
        image: None,
    };
    let frame = GeneratedImage {
        id: "ig_1".into(),
        url: "data:image/png;base64,AA==".into(),
    };
    let applied = same_as_the_server(
        image.into(),
        &[U::GeneratedImageUpdated {
            image: frame,
            progress: Some(0.5),
        }],
    );
    assert_eq!(applied, 1);
}

const T: &str = "2026-11-25T20:00:00Z";

#[test]
fn messages_read_their_text_and_files() {
    let user = Item::read(json!({"type": "user_message", "id": "msg_1", "thread_id": "thr_1",
        "created_at": T, "inference_options": {},
        "content": [{"type": "input_text", "text": "Odds for "},
                    {"type": "input_tag", "id": "t1", "text": "@Lakers", "data": {}, "interactive": false}],
        "attachments": [
            {"type": "image", "id": "atc_1", "name": "slip.png", "mime_type": "image/png",
             "preview_url": "https://x.test/p/atc_1"},
            {"type": "file", "id": "atc_2", "name": "<b>notes</b>.pdf", "mime_type": "application/pdf"}]}))
    .unwrap();
    assert!(user.is(ItemKind::UserMessage));
    assert_eq!(user.text(), "Odds for @Lakers");
    assert_eq!(user.thread_id(), "thr_1");
    assert_eq!(
        user.attachments(),
        [
            SentFile {
                name: "slip.png".into(),
                mime_type: "image/png".into(),
                preview_url: Some("https://x.test/p/atc_1".into()),
            },
            SentFile {
                name: "<b>notes</b>.pdf".into(),
                mime_type: "application/pdf".into(),
                preview_url: None,
            },
        ]
    );
    let hidden = Item::read(
        json!({"type": "sdk_hidden_context", "id": "h1", "thread_id": "thr_1",
        "created_at": T, "content": "model only"}),
    )
    .unwrap();
    assert!(hidden.is_hidden());
    assert!(Item::read(json!({"type": "widget"})).is_none(), "no id");
    assert!(Item::read(json!([1, 2])).is_none());
}

#[test]
fn events_read_as_the_page_acts_on_them() {
    let read = |v: Value| Event::read(&v.to_string());
    let thread = json!({"id": "thr_1", "title": "Lakers", "created_at": T,
        "status": {"type": "active"}, "metadata": {}, "items": {"data": [], "has_more": false}});
    assert_eq!(
        read(json!({"type": "thread.created", "thread": thread})),
        Ok(Event::Thread {
            thread: ThreadInfo {
                id: "thr_1".into(),
                title: Some("Lakers".into())
            },
            created: true
        })
    );
    assert!(matches!(
        read(json!({"type": "thread.updated", "thread": thread})),
        Ok(Event::Thread { created: false, .. })
    ));
    assert_eq!(
        read(json!({"type": "notice", "level": "info", "message": "Odds are 2 minutes old"})),
        Ok(Event::Status("Odds are 2 minutes old".into()))
    );
    assert_eq!(
        read(json!({"type": "error", "message": "Odds are down", "allow_retry": true})),
        Ok(Event::Error("Odds are down".into())),
        "custom is the default code"
    );
    assert!(matches!(
        read(json!({"type": "error", "code": "stream.error", "message": "internal detail"})),
        Ok(Event::Error(text)) if text.contains("try again")
    ));
    assert_eq!(
        read(json!({"type": "stream_options", "stream_options": {"allow_cancel": true}})),
        Ok(Event::Other)
    );
    assert_eq!(
        read(json!({"type": "thread.item.removed", "item_id": "msg_9"})),
        Ok(Event::ItemRemoved("msg_9".into()))
    );
    assert!(read(json!({"type": "thread.item.done", "item": {"type": "widget"}})).is_err());
    assert!(read(json!({"text": "no type"})).is_err());
    assert!(Event::read("{not json").is_err());
}

#[test]
fn pages_continue_only_when_there_are_more() {
    let page = json!({"data": [{"id": "thr_2", "title": null}, {"title": "no id"}, {"id": "thr_1"}],
        "has_more": true, "after": "thr_1"});
    let (threads, after) = read_page(&page, ThreadInfo::read);
    let ids: Vec<_> = threads.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["thr_2", "thr_1"]);
    assert_eq!(threads[0].title, None);
    assert_eq!(after.as_deref(), Some("thr_1"));
    let last = json!({"data": [], "has_more": false, "after": "thr_1"});
    assert_eq!(read_page(&last, ThreadInfo::read).1, None);
}
