//! Every checked example of the ChatKit spec (each JSON block tagged `<!-- check: X -->`, and the
//! SSE transcripts of §7.1 and §7.6) parses into its type and writes back equal JSON.
//!
//! `testdata/spec_examples.json` is a copy of the examples made once from the spec, so the crate
//! stands alone; its counts are asserted so a lost example fails loudly.

use std::collections::{BTreeMap, HashMap};

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::Value;

use super::*;

const FIXTURE: &str = include_str!("testdata/spec_examples.json");

#[derive(Deserialize)]
struct Example {
    tag: String,
    section: String,
    json: Value,
}

/// Parses `json` as `T` and checks that writing it back gives the same JSON (`Value` equality, so
/// key order and whitespace do not matter). Timestamps are compared exactly: the JSON examples
/// already use our `...000000Z` form.
fn round_trip<T: Serialize + DeserializeOwned>(example: &Example) -> T {
    let parsed: T = serde_json::from_value(example.json.clone()).unwrap_or_else(|error| {
        panic!(
            "§{} {}: does not parse: {error}\n{}",
            example.section, example.tag, example.json
        )
    });
    let written = serde_json::to_value(&parsed).unwrap();
    assert_eq!(
        written, example.json,
        "§{} {}: re-serialised JSON differs",
        example.section, example.tag
    );
    parsed
}

fn assert_valid_widget(widget: &WidgetRoot, section: &str) {
    if let Err(issues) = widget.validate() {
        panic!("§{section}: widget example fails validation: {issues:?}");
    }
}

#[test]
fn every_spec_example_parses_and_round_trips() {
    let examples: Vec<Example> = serde_json::from_str(FIXTURE).unwrap();
    assert_eq!(examples.len(), 68, "the spec has 68 checked examples");

    let mut per_tag: BTreeMap<&str, usize> = BTreeMap::new();
    let mut sse_events = 0;
    for example in &examples {
        *per_tag.entry(example.tag.as_str()).or_default() += 1;
        match example.tag.as_str() {
            "request" => drop(round_trip::<ChatKitRequest>(example)),
            "event" => drop(round_trip::<ThreadStreamEvent>(example)),
            "update" => drop(round_trip::<ThreadItemUpdate>(example)),
            "item" => {
                if let ThreadItem::Widget(item) = round_trip::<ThreadItem>(example) {
                    assert_valid_widget(&item.widget, &example.section);
                }
            }
            "thread" => drop(round_trip::<Thread>(example)),
            "threads_page" => drop(round_trip::<Page<Thread>>(example)),
            "items_page" => drop(round_trip::<Page<ThreadItem>>(example)),
            "attachment" => drop(round_trip::<Attachment>(example)),
            "sync" => drop(round_trip::<SyncCustomActionResponse>(example)),
            "empty" => drop(round_trip::<Empty>(example)),
            "transcription" => drop(round_trip::<TranscriptionResult>(example)),
            "http_error" => drop(round_trip::<HttpErrorBody>(example)),
            "action" => drop(round_trip::<ActionConfig>(example)),
            "widget" => assert_valid_widget(&round_trip::<WidgetRoot>(example), &example.section),
            "sse" => sse_events += check_sse_transcript(example),
            other => panic!("§{}: no type for check tag `{other}`", example.section),
        }
    }

    let expected = [
        ("action", 1),
        ("attachment", 2),
        ("empty", 1),
        ("event", 13),
        ("http_error", 1),
        ("item", 9),
        ("items_page", 1),
        ("request", 17),
        ("sse", 2),
        ("sync", 2),
        ("thread", 4),
        ("threads_page", 1),
        ("transcription", 1),
        ("update", 10),
        ("widget", 3),
    ];
    assert_eq!(per_tag, BTreeMap::from(expected));
    assert_eq!(sse_events, 20, "§7.1 has 16 events and §7.6 has 4");
}

/// Splits a transcript into its `data:` frames, round-trips each event, and rebuilds every
/// streamed item from its updates to check it equals the item's `done`. Returns the event count.
///
/// The transcripts come from the SDK, which writes naive timestamps
/// (`2026-11-25T16:48:01.590736`); we write `...590736Z`. Timestamps are therefore compared after
/// normalising both sides to our form; everything else must be equal as written.
fn check_sse_transcript(example: &Example) -> usize {
    let text = example
        .json
        .as_str()
        .expect("SSE examples are stored as text");
    // The spec's block ends with the last data line; on the wire its blank line follows.
    let frames: Vec<&str> = text.split("\n\n").collect();
    let mut pending: HashMap<String, ThreadItem> = HashMap::new();
    for frame in &frames {
        let payload = frame
            .strip_prefix("data: ")
            .filter(|payload| !payload.contains('\n'))
            .unwrap_or_else(|| panic!("§{}: not one data line: {frame:?}", example.section));
        let original: Value = serde_json::from_str(payload).unwrap();
        let event: ThreadStreamEvent = serde_json::from_value(original.clone())
            .unwrap_or_else(|error| panic!("§{}: {error}\n{payload}", example.section));
        assert_eq!(
            normalise_timestamps(serde_json::to_value(&event).unwrap()),
            normalise_timestamps(original),
            "§{}: re-serialised event differs",
            example.section
        );
        let reframed = event.to_sse().unwrap();
        let reparsed: ThreadStreamEvent =
            serde_json::from_str(reframed.strip_prefix("data: ").unwrap().trim_end()).unwrap();
        assert_eq!(reparsed, event);

        match event {
            ThreadStreamEvent::ItemAdded { item } => {
                pending.insert(item.id().to_owned(), item);
            }
            ThreadStreamEvent::ItemUpdated { item_id, update } => {
                let item = pending.get_mut(&item_id).expect("update for an added item");
                item.apply_update(&update).unwrap();
            }
            ThreadStreamEvent::ItemDone { item } => {
                if let Some(built) = pending.remove(item.id()) {
                    assert_eq!(
                        built, item,
                        "§{}: updates do not build `done`",
                        example.section
                    );
                }
            }
            _ => {}
        }
    }
    assert!(pending.is_empty(), "every added item is done");
    frames.len()
}

fn normalise_timestamps(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| match (key.as_str(), &value) {
                    ("created_at", Value::String(text)) => {
                        let stamp = time::parse(text).expect("created_at is a timestamp");
                        (key, Value::String(time::format(&stamp)))
                    }
                    _ => (key, normalise_timestamps(value)),
                })
                .collect(),
        ),
        Value::Array(list) => Value::Array(list.into_iter().map(normalise_timestamps).collect()),
        other => other,
    }
}
