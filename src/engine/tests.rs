//! Engine tests: exact event sequences per operation, persistence that follows the events,
//! hidden items, paging, retry, actions, attachments, per-user isolation for every operation,
//! disconnects and cancellation. They run on SQLite files (the store suite covers Postgres).

use super::*;
use serde_json::{json, Value};
use std::time::Duration;

use super::testing::{ctx, TestEngine};

type Fixture = TestEngine;

async fn fixture_with(responder: Arc<dyn Responder>, actions: ActionRegistry) -> Fixture {
    TestEngine::builder(responder)
        .actions(actions)
        .mime_types(&["image/png", "application/pdf"])
        .build()
        .await
}

async fn fixture() -> Fixture {
    let (responder, actions) = scripted_parts();
    fixture_with(responder, actions).await
}

impl TestEngine {
    /// The attachment's bytes arrived (as the upload door leaves it).
    async fn mark_uploaded(&self, user: &str, id: &str) {
        let mut record = self.store.get_attachment(user, id).await.unwrap().unwrap();
        self.engine.inner.files.write(id, b"\x89PNG").await.unwrap();
        record.uploaded = true;
        self.store.save_attachment(&record).await.unwrap();
    }

    async fn create(&self, user: &str, text: &str) -> (String, Vec<Value>) {
        let events = self.create_with(user, input(text)).await.unwrap();
        (
            events[0]["thread"]["id"].as_str().unwrap().to_owned(),
            events,
        )
    }

    /// `threads.create` with this message input (text, attachments, options).
    async fn create_with(&self, user: &str, message: Value) -> Result<Vec<Value>, AppError> {
        self.stream(
            user,
            json!({"type": "threads.create", "params": {"input": message}}),
        )
        .await
    }

    /// A PNG attachment of `user`'s, created and uploaded: ready to be sent.
    async fn uploaded_png(&self, user: &str) -> String {
        let created = self
            .json(user, json!({"type": "attachments.create", "params": {"name": "slip.png", "size": 4, "mime_type": "image/png"}}))
            .await
            .unwrap();
        let id = created["id"].as_str().unwrap().to_owned();
        self.mark_uploaded(user, &id).await;
        id
    }

    async fn items(&self, user: &str, thread_id: &str, order: &str) -> Vec<Value> {
        let page = self
            .json(user, json!({"type": "items.list", "params": {"thread_id": thread_id, "order": order, "limit": 100}}))
            .await
            .unwrap();
        page["data"].as_array().unwrap().clone()
    }
}

fn input(text: &str) -> Value {
    json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}})
}

fn types(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e["type"].as_str().unwrap() {
            "thread.item.updated" => format!("updated:{}", e["update"]["type"].as_str().unwrap()),
            "thread.item.added" | "thread.item.done" => {
                format!(
                    "{}:{}",
                    e["type"].as_str().unwrap(),
                    e["item"]["type"].as_str().unwrap()
                )
            }
            other => other.to_owned(),
        })
        .collect()
}

fn done_items(events: &[Value]) -> Vec<Value> {
    events
        .iter()
        .filter(|e| e["type"] == "thread.item.done" || e["type"] == "thread.item.replaced")
        .map(|e| e["item"].clone())
        .collect()
}

const SCRIPTED_ANSWER: &[&str] = &[
    "stream_options",
    "progress_update",
    "thread.item.added:assistant_message",
    "updated:assistant_message.content_part.added",
    "updated:assistant_message.content_part.text_delta",
    "updated:assistant_message.content_part.text_delta",
    "updated:assistant_message.content_part.text_delta",
    "updated:assistant_message.content_part.text_delta",
    "updated:assistant_message.content_part.done",
    "thread.item.done:assistant_message",
    "thread.item.added:widget",
    "updated:widget.streaming_text.value_delta",
    "updated:widget.streaming_text.value_delta",
    "updated:widget.root.updated",
    "thread.item.done:widget",
];

#[tokio::test]
async fn create_streams_the_exact_sequence_and_stores_what_it_streamed() {
    let f = fixture().await;
    let (thread_id, events) = f.create("u1", "Show me tonight's NBA odds").await;
    let mut expected = vec!["thread.created", "thread.item.done:user_message"];
    expected.extend_from_slice(SCRIPTED_ANSWER);
    expected.push("thread.updated");
    assert_eq!(types(&events), expected);
    assert_eq!(
        events[0]["thread"]["items"],
        json!({"data": [], "has_more": false})
    );
    assert_eq!(
        events[1]["item"]["content"][0]["text"],
        "Show me tonight's NBA odds"
    );
    assert_eq!(
        events.last().unwrap()["thread"]["title"],
        "Show me tonight's NBA odds"
    );
    let answer = events
        .iter()
        .find(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "assistant_message")
        .unwrap();
    assert_eq!(
        answer["item"]["content"][0]["text"],
        "You wrote 26 characters."
    );

    // The store holds exactly the done items, with the same content.
    let stored = f.items("u1", &thread_id, "asc").await;
    assert_eq!(stored, done_items(&events));
    let listed = f
        .json("u1", json!({"type": "threads.list", "params": {}}))
        .await
        .unwrap();
    assert_eq!(listed["data"][0]["title"], "Show me tonight's NBA odds");
}

#[tokio::test]
async fn add_message_then_get_by_id_embeds_items_ascending() {
    let f = fixture().await;
    let (thread_id, _) = f.create("u1", "first").await;
    let events = f
        .stream("u1", json!({"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": input("second")}}))
        .await
        .unwrap();
    let mut expected = vec!["thread.item.done:user_message"];
    expected.extend_from_slice(SCRIPTED_ANSWER);
    assert_eq!(
        types(&events),
        expected,
        "no thread.created, title unchanged"
    );
    let thread = f
        .json(
            "u1",
            json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}}),
        )
        .await
        .unwrap();
    let embedded = thread["items"]["data"].as_array().unwrap();
    assert_eq!(embedded.len(), 6);
    assert_eq!(
        embedded.as_slice(),
        f.items("u1", &thread_id, "asc").await.as_slice()
    );
    let mut desc = f.items("u1", &thread_id, "desc").await;
    desc.reverse();
    assert_eq!(desc.as_slice(), embedded.as_slice());
}

#[tokio::test]
async fn hidden_context_is_stored_but_never_streamed_or_listed_and_never_shortens_pages() {
    let f = fixture().await;
    let (thread_id, events) = f.create("u1", "hello").await;
    let widget_id = events
        .iter()
        .rev()
        .find(|e| e["type"] == "thread.item.done")
        .unwrap()["item"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let events = f
        .stream(
            "u1",
            json!({"type": "threads.custom_action", "params": {"thread_id": thread_id, "item_id": widget_id,
                "action": {"type": CONFIRM_ACTION, "payload": {"choice": "yes"}}}}),
        )
        .await
        .unwrap();
    assert_eq!(
        types(&events)[..2],
        [
            "stream_options".to_string(),
            "thread.item.replaced".to_string()
        ]
    );
    assert!(events
        .iter()
        .all(|e| !e.to_string().contains("hidden_context")));
    let all = f
        .store
        .list_items(
            "u1",
            &thread_id,
            &crate::store::PageQuery::new(100, crate::store::SortOrder::Asc, None),
            true,
        )
        .await
        .unwrap();
    assert!(
        all.data
            .iter()
            .any(|i| i.item_type == "hidden_context_item"),
        "the model's note is stored"
    );
    let visible = f.items("u1", &thread_id, "asc").await;
    assert!(visible.iter().all(|i| i["type"] != "hidden_context_item"));
    assert_eq!(
        visible[2]["widget"]["children"][1]["label"], "Confirmed",
        "the replaced widget is stored"
    );
    // Walk with limit 1: full pages only, the hidden item never shows up or shortens a page.
    let mut after: Option<String> = None;
    let mut walked = Vec::new();
    loop {
        let mut params = json!({"thread_id": thread_id, "order": "asc", "limit": 1});
        if let Some(a) = &after {
            params["after"] = json!(a);
        }
        let page = f
            .json("u1", json!({"type": "items.list", "params": params}))
            .await
            .unwrap();
        assert_eq!(page["data"].as_array().unwrap().len(), 1);
        walked.push(page["data"][0].clone());
        if page["has_more"] != true {
            assert!(page.get("after").is_none());
            break;
        }
        after = page["after"].as_str().map(str::to_owned);
    }
    assert_eq!(walked, visible);
}

#[tokio::test]
async fn sync_action_replaces_the_sender_and_persists_before_answering() {
    let f = fixture().await;
    let (thread_id, events) = f.create("u1", "hi").await;
    let widget = done_items(&events).last().unwrap().clone();
    let answer = f
        .json(
            "u1",
            json!({"type": "threads.sync_custom_action", "params": {"thread_id": thread_id, "item_id": widget["id"],
                "action": {"type": COUNT_ACTION, "payload": {"count": 4}}}}),
        )
        .await
        .unwrap();
    let updated = &answer["updated_item"];
    assert_eq!(updated["id"], widget["id"]);
    assert_eq!(
        updated["widget"]["children"][1]["children"][1]["label"],
        "Count: 5"
    );
    let stored = f.items("u1", &thread_id, "asc").await;
    assert_eq!(stored.last().unwrap(), updated);
    let bad = f
        .json(
            "u1",
            json!({"type": "threads.sync_custom_action", "params": {"thread_id": thread_id, "item_id": widget["id"],
                "action": {"type": COUNT_ACTION, "payload": {"count": "lots"}}}}),
        )
        .await
        .unwrap_err();
    assert_eq!(bad.status(), 400);
    assert_eq!(
        f.items("u1", &thread_id, "asc").await.last().unwrap(),
        updated,
        "nothing saved"
    );
}

/// An action of one kind sent as the other is a 400 before anything is streamed or saved.
#[tokio::test]
async fn an_action_sent_the_wrong_way_is_refused_up_front() {
    let f = fixture().await;
    let (thread_id, events) = f.create("u1", "hi").await;
    let widget = done_items(&events).last().unwrap().clone();
    let before = f.items("u1", &thread_id, "asc").await;
    let streamed_as_sync = f
        .json(
            "u1",
            json!({"type": "threads.sync_custom_action", "params": {"thread_id": thread_id, "item_id": widget["id"],
                "action": {"type": CONFIRM_ACTION, "payload": {"choice": "yes"}}}}),
        )
        .await
        .unwrap_err();
    assert_eq!(streamed_as_sync.status(), 400);
    assert!(streamed_as_sync
        .to_string()
        .contains("threads.custom_action"));
    let sync_as_streamed = f
        .stream(
            "u1",
            json!({"type": "threads.custom_action", "params": {"thread_id": thread_id, "item_id": widget["id"],
                "action": {"type": COUNT_ACTION, "payload": {"count": 1}}}}),
        )
        .await
        .unwrap_err();
    assert_eq!(sync_as_streamed.status(), 400);
    assert!(sync_as_streamed
        .to_string()
        .contains("threads.sync_custom_action"));
    assert_eq!(f.items("u1", &thread_id, "asc").await, before);
}

#[tokio::test]
async fn retry_removes_later_items_and_answers_again() {
    let f = fixture().await;
    let (thread_id, first) = f.create("u1", "one").await;
    let user_message = first[1]["item"]["id"].as_str().unwrap().to_owned();
    f.stream("u1", json!({"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": input("two")}}))
        .await
        .unwrap();
    let events = f
        .stream("u1", json!({"type": "threads.retry_after_item", "params": {"thread_id": thread_id, "item_id": user_message}}))
        .await
        .unwrap();
    assert_eq!(
        types(&events),
        SCRIPTED_ANSWER,
        "no user message, no thread.created"
    );
    let stored = f.items("u1", &thread_id, "asc").await;
    assert_eq!(stored[0]["id"], json!(user_message));
    assert_eq!(&stored[1..], done_items(&events).as_slice());
    let not_user = stored[1]["id"].clone();
    let err = f
        .stream("u1", json!({"type": "threads.retry_after_item", "params": {"thread_id": thread_id, "item_id": not_user}}))
        .await
        .unwrap_err();
    assert_eq!(err.status(), 400);
}

#[tokio::test]
async fn update_delete_feedback_and_transcribe() {
    let f = fixture().await;
    let (thread_id, events) = f.create("u1", "hi").await;
    let renamed = f
        .json("u1", json!({"type": "threads.update", "params": {"thread_id": thread_id, "title": "NBA tonight"}}))
        .await
        .unwrap();
    assert_eq!(renamed["title"], "NBA tonight");
    assert_eq!(renamed["items"], json!({"data": [], "has_more": false}));
    let item_id = done_items(&events)[1]["id"].clone();
    let ok = f
        .json("u1", json!({"type": "items.feedback", "params": {"thread_id": thread_id, "item_ids": [item_id], "kind": "negative"}}))
        .await
        .unwrap();
    assert_eq!(ok, json!({}));
    let feedback = f.store.list_feedback("u1", &thread_id).await.unwrap();
    assert_eq!(feedback.len(), 1);
    assert_eq!(feedback[0].kind, "negative");
    let err = f
        .json("u1", json!({"type": "input.transcribe", "params": {"audio_base64": "AA==", "mime_type": "audio/webm"}}))
        .await
        .unwrap_err();
    assert_eq!(err.status(), 501);
    assert!(err.to_string().contains("not supported"));
    assert_eq!(
        f.json(
            "u1",
            json!({"type": "threads.delete", "params": {"thread_id": thread_id}})
        )
        .await
        .unwrap(),
        json!({})
    );
    let gone = f
        .json(
            "u1",
            json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}}),
        )
        .await
        .unwrap_err();
    assert_eq!(gone.status(), 404);
    let gone = f
        .json(
            "u1",
            json!({"type": "items.list", "params": {"thread_id": thread_id}}),
        )
        .await
        .unwrap_err();
    assert_eq!(gone.status(), 404);
}

#[tokio::test]
async fn attachments_are_limited_uploaded_and_deleted() {
    let f = fixture().await;
    let too_big = f
        .json("u1", json!({"type": "attachments.create", "params": {"name": "a.png", "size": 5000, "mime_type": "image/png"}}))
        .await
        .unwrap_err();
    assert_eq!(too_big.status(), 400);
    let bad_type = f
        .json("u1", json!({"type": "attachments.create", "params": {"name": "a.html", "size": 10, "mime_type": "text/html"}}))
        .await
        .unwrap_err();
    assert!(bad_type.to_string().contains("text/html"));
    let created = f
        .json("u1", json!({"type": "attachments.create", "params": {"name": "slip.png", "size": 4, "mime_type": "image/png"}}))
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["type"], "image");
    assert_eq!(
        created["upload_descriptor"]["url"],
        format!("http://test/upload/{id}")
    );
    assert_eq!(created["upload_descriptor"]["headers"], json!({}));
    assert!(created.get("metadata").is_none());

    // Not uploaded yet: a message cannot carry it.
    let mut message = input("look");
    message["attachments"] = json!([id]);
    let early = f
        .stream(
            "u1",
            json!({"type": "threads.create", "params": {"input": message.clone()}}),
        )
        .await
        .unwrap_err();
    assert_eq!(early.status(), 400);

    f.mark_uploaded("u1", &id).await;
    let events = f
        .stream(
            "u1",
            json!({"type": "threads.create", "params": {"input": message}}),
        )
        .await
        .unwrap();
    let attached = &events[1]["item"]["attachments"][0];
    assert_eq!(attached["id"], json!(id));
    assert_eq!(attached["thread_id"], events[0]["thread"]["id"]);
    assert!(attached.get("upload_descriptor").is_none());

    assert_eq!(
        f.json(
            "u1",
            json!({"type": "attachments.delete", "params": {"attachment_id": id}})
        )
        .await
        .unwrap(),
        json!({})
    );
    assert!(f.engine.inner.files.read(&id).await.is_err(), "bytes gone");
    let again = f
        .json(
            "u1",
            json!({"type": "attachments.delete", "params": {"attachment_id": id}}),
        )
        .await
        .unwrap_err();
    assert_eq!(again.status(), 404);
}

/// Links that carry when they were signed (a counter), as real signed links carry an expiry.
struct SignedLinks(std::sync::atomic::AtomicU64);

impl AttachmentLinks for SignedLinks {
    fn upload_url(&self, base: &str, _user: &str, id: &str) -> String {
        format!("{base}/upload/{id}")
    }
    fn preview_url(&self, base: &str, user: &str, id: &str) -> String {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        format!("{base}/preview/{id}?user={user}&signed={n}")
    }
}

#[tokio::test]
async fn a_listed_message_carries_freshly_signed_image_previews() {
    let (responder, actions) = scripted_parts();
    let f = TestEngine::builder(responder)
        .actions(actions)
        .links(Arc::new(SignedLinks(Default::default())))
        .build()
        .await;
    let id = f.uploaded_png("u1").await;
    let mut message = input("what is on this slip?");
    message["attachments"] = json!([id]);
    let events = f.create_with("u1", message).await.unwrap();
    let thread_id = events[0]["thread"]["id"].as_str().unwrap();
    let sent = events[1]["item"]["attachments"][0]["preview_url"]
        .as_str()
        .unwrap()
        .to_owned();

    let listed = f
        .json(
            "u1",
            json!({"type": "items.list", "params": {"thread_id": thread_id, "order": "asc"}}),
        )
        .await
        .unwrap();
    let relisted = &listed["data"][0]["attachments"][0]["preview_url"];
    let embedded = f
        .json(
            "u1",
            json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}}),
        )
        .await
        .unwrap();
    let reembedded = &embedded["items"]["data"][0]["attachments"][0]["preview_url"];
    for fresh in [relisted, reembedded] {
        let fresh = fresh.as_str().unwrap();
        assert_ne!(fresh, sent, "signed again when read");
        assert!(
            fresh.starts_with(&format!("http://test/preview/{id}?user=u1&signed=")),
            "{fresh}"
        );
    }
    // What is stored is what was sent: only what a reader gets is signed again.
    let stored = f
        .store
        .list_items(
            "u1",
            thread_id,
            &crate::store::PageQuery::new(10, crate::store::SortOrder::Asc, None),
            false,
        )
        .await
        .unwrap();
    assert!(stored.data[0].data.contains(&sent));
}

#[tokio::test]
async fn bad_requests_are_400_with_a_reason() {
    let f = fixture().await;
    for (body, needle) in [
        ("{", "not valid JSON"),
        ("", "empty"),
        ("[]", "JSON object"),
        (
            r#"{"type": "threads.explode", "params": {}}"#,
            "unknown request type",
        ),
        (r#"{"type": "threads.get_by_id"}"#, "threads.get_by_id"),
        (
            r#"{"type": "threads.get_by_id", "params": {"thread_id": 7}}"#,
            "threads.get_by_id",
        ),
    ] {
        let err = f
            .engine
            .handle(&ctx("u1"), body.as_bytes())
            .await
            .unwrap_err();
        assert_eq!(err.status(), 400, "{body}");
        assert!(err.to_string().contains(needle), "{body}: {err}");
    }
    let empty = f
        .stream(
            "u1",
            json!({"type": "threads.create", "params": {"input": input("   ")}}),
        )
        .await
        .unwrap_err();
    assert_eq!(empty.status(), 400);
    let cursor = f
        .json(
            "u1",
            json!({"type": "threads.list", "params": {"after": "thr_nope"}}),
        )
        .await
        .unwrap_err();
    assert_eq!(cursor.status(), 400);
}

/// For every operation that names a thread, item or attachment: user B gets 404 and A's data
/// is unchanged.
#[tokio::test]
async fn user_isolation_another_users_ids_are_absent_for_every_operation() {
    let f = fixture().await;
    let (thread_id, events) = f.create("alice", "my secret parlay").await;
    let items = done_items(&events);
    let user_message = items[0]["id"].clone();
    let widget = items.last().unwrap()["id"].clone();
    let attachment = f
        .json("alice", json!({"type": "attachments.create", "params": {"name": "a.pdf", "size": 3, "mime_type": "application/pdf"}}))
        .await
        .unwrap()["id"]
        .clone();
    let before_items = f.items("alice", &thread_id, "asc").await;
    let before_thread = f
        .json(
            "alice",
            json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}}),
        )
        .await
        .unwrap();

    let json_ops = [
        json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}}),
        json!({"type": "threads.update", "params": {"thread_id": thread_id, "title": "mine"}}),
        json!({"type": "threads.delete", "params": {"thread_id": thread_id}}),
        json!({"type": "items.list", "params": {"thread_id": thread_id}}),
        json!({"type": "items.feedback", "params": {"thread_id": thread_id, "item_ids": [widget], "kind": "positive"}}),
        json!({"type": "threads.sync_custom_action", "params": {"thread_id": thread_id, "item_id": widget, "action": {"type": COUNT_ACTION, "payload": {"count": 1}}}}),
        json!({"type": "attachments.delete", "params": {"attachment_id": attachment}}),
    ];
    for op in json_ops {
        let err = f.json("bob", op.clone()).await.unwrap_err();
        assert_eq!(err.status(), 404, "{op}");
    }
    let stream_ops = [
        json!({"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": input("hi")}}),
        json!({"type": "threads.retry_after_item", "params": {"thread_id": thread_id, "item_id": user_message}}),
        json!({"type": "threads.custom_action", "params": {"thread_id": thread_id, "item_id": widget, "action": {"type": CONFIRM_ACTION, "payload": {"choice": "yes"}}}}),
        json!({"type": "threads.add_client_tool_output", "params": {"thread_id": thread_id, "result": {}}}),
        json!({"type": "threads.add_structured_input", "params": {"thread_id": thread_id, "item_id": widget, "input": {"status": "answered", "answers": {}}}}),
    ];
    for op in stream_ops {
        let err = f.stream("bob", op.clone()).await.unwrap_err();
        assert_eq!(err.status(), 404, "{op}");
    }
    let mut with_foreign_attachment = input("steal");
    with_foreign_attachment["attachments"] = json!([attachment]);
    let err = f
        .create_with("bob", with_foreign_attachment)
        .await
        .unwrap_err();
    assert_eq!(err.status(), 404);
    let bobs = f
        .json("bob", json!({"type": "threads.list", "params": {}}))
        .await
        .unwrap();
    assert_eq!(bobs["data"], json!([]));

    assert_eq!(f.items("alice", &thread_id, "asc").await, before_items);
    assert_eq!(
        f.json(
            "alice",
            json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}})
        )
        .await
        .unwrap(),
        before_thread
    );
    assert!(f
        .store
        .list_feedback("alice", &thread_id)
        .await
        .unwrap()
        .is_empty());
    assert!(f
        .store
        .get_attachment("alice", attachment.as_str().unwrap())
        .await
        .unwrap()
        .is_some());
}

/// Streams slowly, so a test can disconnect or cancel in the middle.
struct SlowResponder;

#[async_trait::async_trait]
impl Responder for SlowResponder {
    async fn respond(&self, turn: &mut Turn, _input: TurnInput<'_>) -> Result<(), TurnError> {
        let mut message = AssistantStream::start(turn);
        for word in ["The ", "Nuggets ", "cover ", "tonight."] {
            tokio::time::sleep(Duration::from_millis(60)).await;
            message.push(turn, word);
        }
        message.finish(turn);
        Ok(())
    }
}

#[tokio::test]
async fn a_client_that_disconnects_after_the_first_event_loses_nothing() {
    let f = fixture_with(Arc::new(SlowResponder), ActionRegistry::new()).await;
    let body = json!({"type": "threads.create", "params": {"input": input("Nuggets?")}});
    let Reply::Stream(mut events) = f
        .engine
        .handle(&ctx("u1"), body.to_string().as_bytes())
        .await
        .unwrap()
    else {
        panic!("expected a stream")
    };
    use futures::StreamExt;
    let first: Value = serde_json::from_str(&events.next().await.unwrap()).unwrap();
    let thread_id = first["thread"]["id"].as_str().unwrap().to_owned();
    drop(events);
    // The turn runs on in the engine's task; poll until the answer is stored.
    let mut answer = None;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let items = f.items("u1", &thread_id, "asc").await;
        if let Some(a) = items.iter().find(|i| i["type"] == "assistant_message") {
            answer = Some(a.clone());
            break;
        }
    }
    let answer = answer.expect("the assistant message is listed after the client left");
    assert_eq!(answer["content"][0]["text"], "The Nuggets cover tonight.");
}

#[tokio::test]
async fn an_explicit_cancel_keeps_the_partial_answer_and_tells_the_model() {
    let f = fixture_with(Arc::new(SlowResponder), ActionRegistry::new()).await;
    let body = json!({"type": "threads.create", "params": {"input": input("Nuggets?")}});
    let Reply::Stream(mut events) = f
        .engine
        .handle(&ctx("u1"), body.to_string().as_bytes())
        .await
        .unwrap()
    else {
        panic!("expected a stream")
    };
    use futures::StreamExt;
    let mut seen = Vec::new();
    while let Some(event) = events.next().await {
        let event: Value = serde_json::from_str(&event).unwrap();
        let is_delta = event["update"]["type"] == "assistant_message.content_part.text_delta";
        seen.push(event);
        if is_delta {
            let thread_id = seen[0]["thread"]["id"].as_str().unwrap();
            assert!(f.engine.cancel_turn("u1", thread_id).await.unwrap());
            assert_eq!(
                f.engine
                    .cancel_turn("bob", thread_id)
                    .await
                    .unwrap_err()
                    .status(),
                404
            );
        }
    }
    let thread_id = seen[0]["thread"]["id"].as_str().unwrap().to_owned();
    let done = seen
        .iter()
        .find(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "assistant_message")
        .expect("the partial answer is completed");
    let partial = done["item"]["content"][0]["text"].as_str().unwrap();
    assert!(
        partial.starts_with("The") && partial != "The Nuggets cover tonight.",
        "{partial}"
    );
    let stored = f.items("u1", &thread_id, "asc").await;
    assert_eq!(stored.last().unwrap()["content"][0]["text"], json!(partial));
    let all = f
        .store
        .list_items(
            "u1",
            &thread_id,
            &crate::store::PageQuery::new(100, crate::store::SortOrder::Asc, None),
            true,
        )
        .await
        .unwrap();
    assert_eq!(all.data.last().unwrap().item_type, "sdk_hidden_context");
}

struct FailingResponder;

#[async_trait::async_trait]
impl Responder for FailingResponder {
    async fn respond(&self, turn: &mut Turn, _input: TurnInput<'_>) -> Result<(), TurnError> {
        let mut message = AssistantStream::start(turn);
        message.push(turn, "Partial ");
        Err(TurnError::Internal("model server hung up".into()))
    }
}

#[tokio::test]
async fn a_failing_responder_ends_with_one_error_event_and_keeps_what_was_said() {
    let f = fixture_with(Arc::new(FailingResponder), ActionRegistry::new()).await;
    let (thread_id, events) = f.create("u1", "hi").await;
    let kinds = types(&events);
    let error_at = kinds.iter().position(|k| k == "error").unwrap();
    assert_eq!(
        events[error_at],
        json!({"type": "error", "code": "stream.error", "allow_retry": true})
    );
    assert_eq!(kinds[error_at - 1], "thread.item.done:assistant_message");
    assert!(
        !events
            .to_vec()
            .iter()
            .any(|e| e.to_string().contains("hung up")),
        "causes stay in the log"
    );
    let stored = f.items("u1", &thread_id, "asc").await;
    assert_eq!(stored.last().unwrap()["content"][0]["text"], "Partial ");
}

#[tokio::test]
async fn concurrent_turns_are_all_saved_through_the_group_writer() {
    let f = fixture().await;
    let mut handles = Vec::new();
    for n in 0..24 {
        let engine = f.engine.clone();
        handles.push(tokio::spawn(async move {
            let body =
                json!({"type": "threads.create", "params": {"input": input(&format!("turn {n}"))}});
            match engine
                .handle(&ctx("many"), body.to_string().as_bytes())
                .await
                .unwrap()
            {
                Reply::Stream(s) => s.collect_all().await.len(),
                Reply::Json(_) => 0,
            }
        }));
    }
    for h in handles {
        assert_eq!(h.await.unwrap(), SCRIPTED_ANSWER.len() + 3);
    }
    let threads = f
        .json(
            "many",
            json!({"type": "threads.list", "params": {"limit": 100}}),
        )
        .await
        .unwrap();
    assert_eq!(threads["data"].as_array().unwrap().len(), 24);
    for t in threads["data"].as_array().unwrap() {
        let items = f.items("many", t["id"].as_str().unwrap(), "asc").await;
        assert_eq!(items.len(), 3, "user message, answer, widget");
    }
}

impl EventStream {
    async fn collect_all_values(self) -> Vec<Value> {
        self.collect_all()
            .await
            .iter()
            .map(|e| serde_json::from_str(e).unwrap())
            .collect()
    }
}

/// Streams a message in two steps the test releases: "one " (a delta, no write), then the
/// message's `done`, a second message and its `done`.
struct SteppedResponder {
    steps: Arc<tokio::sync::Semaphore>,
}

impl SteppedResponder {
    async fn step(&self) {
        self.steps.acquire().await.unwrap().forget();
    }
}

#[async_trait::async_trait]
impl Responder for SteppedResponder {
    async fn respond(&self, turn: &mut Turn, _input: TurnInput<'_>) -> Result<(), TurnError> {
        self.step().await;
        let mut first = AssistantStream::start(turn);
        first.push(turn, "one ");
        self.step().await;
        first.finish(turn);
        turn.stream_assistant_text(["two"]);
        Ok(())
    }
}

async fn next_event(events: &mut EventStream) -> Option<Value> {
    use futures::StreamExt;
    tokio::time::timeout(Duration::from_millis(300), events.next())
        .await
        .ok()
        .flatten()
        .map(|e| serde_json::from_str(&e).unwrap())
}

async fn stored_text(f: &Fixture, thread_id: &str) -> Vec<String> {
    f.items("u1", thread_id, "asc")
        .await
        .iter()
        .filter(|i| i["type"] == "assistant_message")
        .map(|i| i["content"][0]["text"].as_str().unwrap().to_owned())
        .collect()
}

/// Acknowledged means durable: while the writer cannot commit, a turn does not start (its
/// thread and message are committed before `thread.created`), deltas still flow, and a
/// `done` waits for its write, holding back what follows it.
#[tokio::test]
async fn every_announced_write_is_committed_before_the_client_sees_it() {
    let steps = Arc::new(tokio::sync::Semaphore::new(0));
    let f = fixture_with(
        Arc::new(SteppedResponder {
            steps: steps.clone(),
        }),
        ActionRegistry::new(),
    )
    .await;
    let gate = f.engine.inner.writer.gate.clone();

    let paused = gate.write().await;
    let engine = f.engine.clone();
    let body = json!({"type": "threads.create", "params": {"input": input("Nuggets?")}});
    let mut start = tokio::spawn(async move {
        engine
            .handle(&ctx("u1"), body.to_string().as_bytes())
            .await
            .unwrap()
    });
    assert!(
        tokio::time::timeout(Duration::from_millis(300), &mut start)
            .await
            .is_err(),
        "the turn waits for its thread and message to be committed"
    );
    drop(paused);
    let Reply::Stream(mut events) = start.await.unwrap() else {
        panic!("expected a stream")
    };
    let created = next_event(&mut events).await.unwrap();
    assert_eq!(created["type"], "thread.created");
    let thread_id = created["thread"]["id"].as_str().unwrap().to_owned();
    let message = next_event(&mut events).await.unwrap();
    assert_eq!(message["item"]["type"], "user_message");
    let stored = f.items("u1", &thread_id, "asc").await;
    assert_eq!(
        stored,
        vec![message["item"].clone()],
        "committed when announced"
    );
    assert_eq!(
        next_event(&mut events).await.unwrap()["type"],
        "stream_options"
    );

    let paused = gate.write().await;
    steps.add_permits(1);
    let flowing: Vec<Value> = [
        next_event(&mut events).await,
        next_event(&mut events).await,
        next_event(&mut events).await,
    ]
    .into_iter()
    .map(|e| e.expect("deltas flow while the writer is paused"))
    .collect();
    assert_eq!(
        types(&flowing),
        [
            "thread.item.added:assistant_message",
            "updated:assistant_message.content_part.added",
            "updated:assistant_message.content_part.text_delta",
        ]
    );
    steps.add_permits(1);
    let part_done = next_event(&mut events).await.unwrap();
    assert_eq!(
        types(&[part_done]),
        ["updated:assistant_message.content_part.done"]
    );
    assert_eq!(
        next_event(&mut events).await,
        None,
        "the done (and what follows it) waits for its write"
    );
    assert!(stored_text(&f, &thread_id).await.is_empty());
    drop(paused);
    let done = next_event(&mut events).await.unwrap();
    assert_eq!(
        types(std::slice::from_ref(&done)),
        ["thread.item.done:assistant_message"]
    );
    assert_eq!(stored_text(&f, &thread_id).await[0], "one ");
    let rest: Vec<String> = types(&events.collect_all_values().await);
    assert!(
        rest.contains(&"thread.item.done:assistant_message".to_owned()),
        "{rest:?}"
    );
    assert_eq!(stored_text(&f, &thread_id).await, ["one ", "two"]);
}

/// A turn's answer joins its thread and message in one group commit: the responder runs while
/// they wait for the writer, so a whole scripted turn costs one commit, not two.
#[tokio::test]
async fn a_turn_commits_its_question_and_its_answer_together() {
    let f = fixture().await;
    let writer = f.engine.inner.writer.clone();
    let paused = writer.gate.write().await;
    let engine = f.engine.clone();
    let body = json!({"type": "threads.create", "params": {"input": input("hello")}});
    let start = tokio::spawn(async move {
        engine
            .handle(&ctx("u1"), body.to_string().as_bytes())
            .await
            .unwrap()
    });
    // The scripted answer is queued behind the thread and message by now.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = writer.commits.load(std::sync::atomic::Ordering::SeqCst);
    drop(paused);
    let Reply::Stream(events) = start.await.unwrap() else {
        panic!("expected a stream")
    };
    let events = events.collect_all_values().await;
    assert_eq!(events[0]["type"], "thread.created");
    assert_eq!(events.len(), 18, "{:?}", types(&events));
    let thread_id = events[0]["thread"]["id"].as_str().unwrap();
    assert_eq!(f.items("u1", thread_id, "asc").await.len(), 3);
    assert_eq!(
        writer.commits.load(std::sync::atomic::Ordering::SeqCst) - before,
        1,
        "one group commit for the whole turn"
    );
}

/// Answers "slow" messages over about two seconds, anything else at once.
struct SlowOrFast;

#[async_trait::async_trait]
impl Responder for SlowOrFast {
    async fn respond(&self, turn: &mut Turn, input: TurnInput<'_>) -> Result<(), TurnError> {
        let slow = matches!(input, TurnInput::Message(m) if m.text().contains("slow"));
        let mut message = AssistantStream::start(turn);
        for _ in 0..if slow { 40 } else { 1 } {
            if slow {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            message.push(turn, "word ");
        }
        message.finish(turn);
        Ok(())
    }
}

/// Waits (briefly) until `n` turns are running: a turn leaves the map just after its stream ends.
async fn running_turns_become(f: &Fixture, n: usize) {
    for _ in 0..50 {
        if f.engine.running_turns() == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(f.engine.running_turns(), n);
}

/// Two turns on one thread: when the short one ends, Stop still reaches the long one.
#[tokio::test]
async fn stop_reaches_every_running_turn_of_the_thread() {
    let f = fixture_with(Arc::new(SlowOrFast), ActionRegistry::new()).await;
    let body = json!({"type": "threads.create", "params": {"input": input("slow answer please")}});
    let Reply::Stream(mut slow) = f
        .engine
        .handle(&ctx("u1"), body.to_string().as_bytes())
        .await
        .unwrap()
    else {
        panic!("expected a stream")
    };
    let created = next_event(&mut slow).await.unwrap();
    let thread_id = created["thread"]["id"].as_str().unwrap().to_owned();
    // The slow turn has said something before the fast one starts.
    while let Some(event) = next_event(&mut slow).await {
        if event["update"]["type"] == "assistant_message.content_part.text_delta" {
            break;
        }
    }
    let fast = f
        .stream(
            "u1",
            json!({"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": input("quick")}}),
        )
        .await
        .unwrap();
    assert!(types(&fast).contains(&"thread.item.done:assistant_message".to_owned()));
    running_turns_become(&f, 1).await;

    assert!(f.engine.cancel_turn("u1", &thread_id).await.unwrap());
    let rest = tokio::time::timeout(Duration::from_secs(1), slow.collect_all_values())
        .await
        .expect("the slow turn stops at once");
    let partial = rest
        .iter()
        .find(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "assistant_message")
        .expect("its partial answer is kept");
    assert_ne!(partial["item"]["content"][0]["text"], "word ".repeat(40));
    running_turns_become(&f, 0).await;
    assert!(!f.engine.cancel_turn("u1", &thread_id).await.unwrap());
}

/// A thread deleted while its first turn runs stays deleted: the turn's last writes (its
/// answer, its title) find no row, nothing announces them, and the turn ends without an error.
#[tokio::test]
async fn a_thread_deleted_during_its_first_turn_stays_deleted() {
    let f = fixture_with(Arc::new(SlowOrFast), ActionRegistry::new()).await;
    let body = json!({"type": "threads.create", "params": {"input": input("slow one")}});
    let Reply::Stream(mut events) = f
        .engine
        .handle(&ctx("u1"), body.to_string().as_bytes())
        .await
        .unwrap()
    else {
        panic!("expected a stream")
    };
    let created = next_event(&mut events).await.unwrap();
    let thread_id = created["thread"]["id"].as_str().unwrap().to_owned();
    f.json(
        "u1",
        json!({"type": "threads.delete", "params": {"thread_id": thread_id}}),
    )
    .await
    .unwrap();
    let rest = types(&events.collect_all_values().await);
    assert!(!rest.iter().any(|t| t == "error"), "{rest:?}");
    assert!(!rest.iter().any(|t| t == "thread.updated"), "{rest:?}");
    assert!(
        !rest.contains(&"thread.item.done:assistant_message".to_owned()),
        "an answer that was not saved is not announced: {rest:?}"
    );
    let gone = f
        .json(
            "u1",
            json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}}),
        )
        .await
        .unwrap_err();
    assert_eq!(gone.status(), 404);
    let listed = f
        .json("u1", json!({"type": "threads.list", "params": {}}))
        .await
        .unwrap();
    assert_eq!(listed["data"], json!([]));
}

/// Shutdown: new turns are refused with 503 while the running ones finish and are saved;
/// a turn longer than the limit is counted as cut.
#[tokio::test]
async fn drain_refuses_new_turns_and_waits_for_running_ones() {
    let f = fixture_with(Arc::new(SlowOrFast), ActionRegistry::new()).await;
    let body = json!({"type": "threads.create", "params": {"input": input("slow please")}});
    let Reply::Stream(mut events) = f
        .engine
        .handle(&ctx("u1"), body.to_string().as_bytes())
        .await
        .unwrap()
    else {
        panic!("expected a stream")
    };
    let thread_id = next_event(&mut events).await.unwrap()["thread"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let engine = f.engine.clone();
    let drain = tokio::spawn(async move { engine.drain(Duration::from_secs(10)).await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let refused = f
        .stream(
            "u1",
            json!({"type": "threads.create", "params": {"input": input("another")}}),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.status(), 503);
    assert_eq!(drain.await.unwrap(), 0, "the running turn finished in time");
    assert_eq!(stored_text(&f, &thread_id).await, ["word ".repeat(40)]);

    let g = fixture_with(Arc::new(SlowOrFast), ActionRegistry::new()).await;
    let Reply::Stream(_events) = g
        .engine
        .handle(&ctx("u1"), body.to_string().as_bytes())
        .await
        .unwrap()
    else {
        panic!("expected a stream")
    };
    assert_eq!(g.engine.drain(Duration::from_millis(100)).await, 1);
}

/// Sends a widget as done, then tries to change it.
struct LateUpdater;

#[async_trait::async_trait]
impl Responder for LateUpdater {
    async fn respond(&self, turn: &mut Turn, _input: TurnInput<'_>) -> Result<(), TurnError> {
        use crate::protocol::widgets::{Card, Text};
        let card = |value: &str| -> crate::protocol::WidgetRoot {
            Card {
                children: vec![Text {
                    value: value.into(),
                    ..Default::default()
                }
                .into()],
                ..Default::default()
            }
            .into()
        };
        let id = turn.widget_done(card("as sent"), None);
        turn.emit(crate::protocol::ThreadStreamEvent::widget_root_updated(
            id,
            card("changed later"),
        ));
        Ok(())
    }
}

#[tokio::test]
async fn an_update_after_done_is_refused_not_sent_and_the_saved_item_stays() {
    let f = fixture_with(Arc::new(LateUpdater), ActionRegistry::new()).await;
    let (thread_id, events) = f.create("u1", "card please").await;
    assert!(
        !types(&events)
            .iter()
            .any(|k| k.starts_with("thread.item.updated")),
        "{:?}",
        types(&events)
    );
    assert!(!events
        .iter()
        .any(|e| e.to_string().contains("changed later")));
    let stored = f.items("u1", &thread_id, "asc").await;
    let widget = stored.iter().find(|i| i["type"] == "widget").unwrap();
    assert!(widget.to_string().contains("as sent"), "{widget}");
    assert!(!widget.to_string().contains("changed later"));
}

#[tokio::test]
async fn the_slow_scripted_responder_streams_its_answer_word_by_word() {
    let slow = super::SlowScriptedResponder {
        word_delay: Duration::from_millis(1),
    };
    let f = fixture_with(Arc::new(slow), ActionRegistry::new()).await;
    let body = json!({"type": "threads.create", "params": {"input": input("Stop me")}});
    let Reply::Stream(events) = f
        .engine
        .handle(&ctx("u1"), body.to_string().as_bytes())
        .await
        .unwrap()
    else {
        panic!("expected a stream")
    };
    use futures::StreamExt;
    let events: Vec<Value> = events
        .map(|e| serde_json::from_str(&e).unwrap())
        .collect()
        .await;
    let deltas = events
        .iter()
        .filter(|e| e["update"]["type"] == "assistant_message.content_part.text_delta")
        .count();
    assert_eq!(
        deltas,
        super::SLOW_ANSWER.split(' ').count(),
        "one delta per word"
    );
    let thread_id = events[0]["thread"]["id"].as_str().unwrap();
    let stored = f.items("u1", thread_id, "asc").await;
    assert_eq!(
        stored.last().unwrap()["content"][0]["text"],
        json!(super::SLOW_ANSWER)
    );
}

#[tokio::test]
async fn thumbs_are_read_back_latest_first_and_only_by_their_user() {
    let f = fixture().await;
    let (thread_id, events) = f.create("u1", "hi").await;
    let item_id = done_items(&events)[1]["id"].clone();
    for kind in ["positive", "negative"] {
        f.json("u1", json!({"type": "items.feedback", "params": {"thread_id": thread_id, "item_ids": [item_id], "kind": kind}}))
            .await
            .unwrap();
    }
    let read = f.engine.thread_feedback("u1", &thread_id).await.unwrap();
    assert_eq!(read.len(), 1, "one rating per item, the latest");
    assert_eq!(
        (json!(read[0].item_id), read[0].kind.as_str()),
        (item_id, "negative")
    );
    assert!(f
        .engine
        .thread_feedback("bob", &thread_id)
        .await
        .unwrap()
        .is_empty());
}
