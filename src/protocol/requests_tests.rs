use super::*;
use crate::protocol::items::ChoiceOption;
use crate::protocol::items::{FreeformInput, MultipleChoiceInput};
use serde_json::json;

fn parse(value: Value) -> Result<ChatKitRequest, serde_json::Error> {
    ChatKitRequest::from_slice(value.to_string().as_bytes())
}

#[test]
fn unknown_type_is_rejected() {
    let error = parse(json!({"type": "threads.archive", "params": {"thread_id": "thr_1"}}))
        .unwrap_err()
        .to_string();
    assert!(error.contains("unknown variant"), "{error}");
    assert!(parse(json!({"params": {"thread_id": "thr_1"}})).is_err());
}

#[test]
fn missing_params_or_required_fields_are_rejected() {
    assert!(parse(json!({"type": "threads.get_by_id"})).is_err());
    assert!(parse(json!({"type": "threads.get_by_id", "params": {}})).is_err());
    assert!(parse(json!({"type": "threads.get_by_id", "params": {"thread_id": 7}})).is_err());
    assert!(
        parse(json!({"type": "threads.create", "params": {"input": {"content": []}}})).is_err()
    );
    assert!(
        parse(json!({"type": "threads.add_client_tool_output", "params": {"thread_id": "t"}}))
            .is_err()
    );
    assert!(parse(json!({"type": "items.feedback",
                         "params": {"thread_id": "t", "item_ids": [], "kind": "meh"}}))
    .is_err());
    assert!(ChatKitRequest::from_slice(b"not json").is_err());
    assert!(ChatKitRequest::from_slice(b"[1]").is_err());
}

#[test]
fn unknown_fields_are_ignored_and_metadata_kept() {
    let request = parse(json!({
        "type": "threads.get_by_id",
        "params": {"thread_id": "thr_1", "include_everything": true},
        "metadata": {"tenant": "acme"},
        "trace": "abc"
    }))
    .unwrap();
    assert_eq!(request.thread_id(), Some("thr_1"));
    assert_eq!(request.metadata()["tenant"], json!("acme"));
    assert!(!request.is_streaming());
    assert_eq!(request.type_name(), "threads.get_by_id");
}

#[test]
fn list_defaults_to_newest_first() {
    let ChatKitRequest::ListThreads(envelope) =
        parse(json!({"type": "threads.list", "params": {}})).unwrap()
    else {
        panic!("wrong variant")
    };
    assert_eq!(envelope.params.order, SortOrder::Desc);
    assert_eq!(page_limit(envelope.params.limit, 20, 100), 20);
    assert_eq!(page_limit(Some(0), 20, 100), 20);
    assert_eq!(page_limit(Some(500), 20, 100), 100);
}

#[test]
fn streaming_and_thread_accessors_match_the_spec_table() {
    let create = parse(json!({"type": "threads.create", "params": {"input": {
        "content": [{"type": "input_text", "text": "hi"}], "attachments": [], "inference_options": {}}}}))
    .unwrap();
    assert!(create.is_streaming());
    assert_eq!(create.thread_id(), None);
    let action = parse(json!({"type": "threads.sync_custom_action", "params": {
        "thread_id": "thr_1", "action": {"type": "bet.stake"}}}))
    .unwrap();
    assert!(!action.is_streaming());
    assert_eq!(
        (action.thread_id(), action.item_id()),
        (Some("thr_1"), None)
    );
    let ChatKitRequest::SyncCustomAction(envelope) = &action else {
        panic!("wrong variant")
    };
    assert!(envelope.params.action.payload.is_null());
    assert_eq!(
        serde_json::to_value(&action).unwrap(),
        json!({"type": "threads.sync_custom_action", "params": {"thread_id": "thr_1", "action": {"type": "bet.stake"}}})
    );
}

#[test]
fn structured_submission_follows_the_sdk_rules() {
    let item = StructuredInputItem {
        id: "msg_q".into(),
        thread_id: "thr_1".into(),
        created_at: crate::protocol::time::parse("2025-06-01T09:33:00Z").unwrap(),
        status: StructuredInputStatus::Pending,
        inputs: vec![
            StructuredInput::MultipleChoice(MultipleChoiceInput {
                id: "priority".into(),
                question: "Which?".into(),
                options: vec![
                    ChoiceOption {
                        value: "Low".into(),
                    },
                    ChoiceOption {
                        value: "High".into(),
                    },
                ],
                ..Default::default()
            }),
            StructuredInput::Freeform(FreeformInput {
                id: "notes".into(),
                question: "Anything else?".into(),
                ..Default::default()
            }),
        ],
    };
    let submission: StructuredInputSubmission = serde_json::from_value(json!({
        "answers": {"priority": {"values": ["High", "Low"]}, "notes": {"values": []}, "ghost": {"values": ["x"]}}
    }))
    .unwrap();
    let answered = submission.apply_to(&item).unwrap();
    assert_eq!(answered.status, StructuredInputStatus::Answered);
    assert_eq!(
        answered.inputs[0].answer().unwrap().values,
        vec!["High".to_owned()]
    );
    assert_eq!(
        answered.inputs[1].answer(),
        Some(&StructuredInputAnswer::skipped())
    );
    assert!(
        submission.apply_to(&answered).is_none(),
        "only pending items take answers"
    );

    let skip = StructuredInputSubmission {
        status: SubmissionStatus::Skipped,
        ..submission
    };
    let skipped = skip.apply_to(&item).unwrap();
    assert_eq!(skipped.status, StructuredInputStatus::Skipped);
    assert!(skipped
        .inputs
        .iter()
        .all(|input| input.answer().unwrap().skipped));
}

#[test]
fn transcribe_media_type_drops_parameters() {
    let params = TranscribeParams {
        audio_base64: String::new(),
        mime_type: "audio/webm;codecs=opus".into(),
    };
    assert_eq!(params.media_type(), "audio/webm");
}

/// The request table is the only list of operations: every wire type parses to a request of
/// that type (or fails on its params, never as unknown), and the split by answer kind agrees
/// with `is_streaming`.
#[test]
fn every_wire_type_is_one_operation_of_one_kind() {
    let input = json!({"content": [{"type": "input_text", "text": "hi"}], "attachments": [], "inference_options": {}});
    let action = json!({"type": "x"});
    let minimal: Vec<(&str, Value)> = vec![
        ("threads.create", json!({"input": input})),
        (
            "threads.add_user_message",
            json!({"thread_id": "t", "input": input}),
        ),
        (
            "threads.add_client_tool_output",
            json!({"thread_id": "t", "result": null}),
        ),
        (
            "threads.add_structured_input",
            json!({"thread_id": "t", "item_id": "i", "input": {}}),
        ),
        (
            "threads.retry_after_item",
            json!({"thread_id": "t", "item_id": "i"}),
        ),
        (
            "threads.custom_action",
            json!({"thread_id": "t", "action": action}),
        ),
        (
            "threads.sync_custom_action",
            json!({"thread_id": "t", "action": action}),
        ),
        ("threads.get_by_id", json!({"thread_id": "t"})),
        ("threads.list", json!({})),
        ("threads.update", json!({"thread_id": "t", "title": "x"})),
        ("threads.delete", json!({"thread_id": "t"})),
        ("items.list", json!({"thread_id": "t"})),
        (
            "items.feedback",
            json!({"thread_id": "t", "item_ids": ["i"], "kind": "positive"}),
        ),
        (
            "attachments.create",
            json!({"name": "a.png", "size": 1, "mime_type": "image/png"}),
        ),
        ("attachments.delete", json!({"attachment_id": "a"})),
        (
            "input.transcribe",
            json!({"audio_base64": "", "mime_type": "audio/webm"}),
        ),
    ];
    assert_eq!(ChatKitRequest::TYPES.len(), 16);
    let mut unique = ChatKitRequest::TYPES.to_vec();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 16, "no wire type twice");
    for (kind, params) in &minimal {
        let request = parse(json!({"type": kind, "params": params}))
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(request.type_name(), *kind);
        let streaming = request.is_streaming();
        match request.into_operation() {
            Operation::Streamed(op) => {
                assert!(streaming, "{kind}");
                assert_eq!(op.type_name(), *kind);
            }
            Operation::Json(op) => {
                assert!(!streaming, "{kind}");
                assert_eq!(op.type_name(), *kind);
            }
        }
    }
    let listed: Vec<&str> = minimal.iter().map(|(k, _)| *k).collect();
    assert_eq!(listed, ChatKitRequest::TYPES);
}
