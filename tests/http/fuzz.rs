//! Property tests over the two doors (`POST /chatkit` and the page's `/api/ui/*`): whatever a
//! client sends — random bytes, random JSON, or ChatKit-shaped requests with hostile values,
//! real ids, other users' ids — the answer is never a 5xx, never a panic, and a streamed turn
//! never ends in an internal stream error. The server is the real one: offline agent, real
//! tools and actions over the demo data, SQLite.
//!
//! `PROPTEST_CASES` raises the number of cases per property (default 96, to keep CI short).

use super::server::TestServer;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};
use serde_json::{json, Map, Value};

/// The engine's request types, plus one it does not know.
fn wire_types() -> Vec<&'static str> {
    let mut types = professor_lock::protocol::ChatKitRequest::TYPES.to_vec();
    types.push("threads.nope");
    types
}

const PARAM_KEYS: &[&str] = &[
    "thread_id",
    "item_id",
    "item_ids",
    "input",
    "limit",
    "order",
    "after",
    "action",
    "title",
    "kind",
    "name",
    "size",
    "mime_type",
    "attachment_id",
    "result",
    "inputs",
    "metadata",
];

/// Ids the server knows (one thread of this user, one of another user) plus lookalikes.
struct Known {
    thread: String,
    item: String,
    others_thread: String,
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(96)
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,40}".prop_map(Value::from),
        Just(json!("x".repeat(20_000))),
        Just(json!(-1)),
        Just(json!(u64::MAX)),
        Just(json!("é👍\u{0}\u{202e}")),
    ]
}

fn any_json() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(".{0,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn input_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        ".{0,60}".prop_map(|text| json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}})),
        Just(json!({"content": [{"type": "input_text", "text": "Build me a parlay with 3 picks"}], "attachments": [], "inference_options": {}})),
        Just(json!({"content": [], "attachments": ["atc_missing"], "inference_options": {}})),
        Just(json!({"content": [{"type": "input_tag", "id": "t", "text": "x", "data": {}}]})),
        any_json(),
    ]
}

fn action_value() -> impl Strategy<Value = Value> {
    let kinds = prop::sample::select(vec![
        "parlay.lock_in",
        "parlay.stake",
        "parlay.confirm",
        "x",
        "",
    ]);
    (kinds, any_json()).prop_map(|(kind, payload)| json!({"type": kind, "payload": payload}))
}

/// A ChatKit-shaped request: a wire type, and params whose keys are real and values hostile,
/// valid, or ids the server knows (this user's and another user's).
fn shaped(known: &Known) -> impl Strategy<Value = Value> {
    let ids = vec![
        known.thread.clone(),
        known.item.clone(),
        known.others_thread.clone(),
        format!("{}x", known.thread),
        "thr_00000000000000000000000000".to_owned(),
        String::new(),
        "../../etc/passwd".to_owned(),
    ];
    let value = prop_oneof![
        3 => prop::sample::select(ids).prop_map(Value::from),
        2 => input_value(),
        1 => action_value(),
        2 => scalar(),
        1 => any_json(),
    ];
    let params = prop::collection::btree_map(prop::sample::select(PARAM_KEYS), value, 0..5);
    (prop::sample::select(wire_types()), params, any::<bool>()).prop_map(
        |(kind, params, with_params)| {
            let mut request = Map::new();
            request.insert("type".into(), json!(kind));
            if with_params {
                let params: Map<String, Value> =
                    params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
                request.insert("params".into(), Value::Object(params));
            }
            Value::Object(request)
        },
    )
}

struct Harness {
    runtime: tokio::runtime::Runtime,
    server: TestServer,
    secret: String,
    cookie: String,
}

impl Harness {
    fn start() -> (Harness, Known) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (server, secret, cookie, known) = runtime.block_on(async {
            let server = TestServer::start_tuned_with_agent(|c| {
                // Budgets are tested elsewhere; here every request must reach the dispatcher.
                let l = &mut c.app.limits;
                l.turns_per_minute = 1_000_000;
                l.guest_turns_per_minute_per_ip = 1_000_000;
                l.sessions_per_minute_per_ip = 1_000_000;
                l.guests_per_hour_per_ip = 1_000_000;
            })
            .await;
            let secret = server.session().await;
            let cookie = server.guest_cookie().await;
            let other = server.session().await;
            let (thread, events) = server
                .create_thread(&secret, "Build me a parlay with 3 picks")
                .await;
            let item = events
                .iter()
                .find(|e| e["type"] == "thread.item.done")
                .and_then(|e| e["item"]["id"].as_str())
                .unwrap()
                .to_owned();
            let (others_thread, _) = server.create_thread(&other, "Lakers odds").await;
            (
                server,
                secret,
                cookie,
                Known {
                    thread,
                    item,
                    others_thread,
                },
            )
        });
        (
            Harness {
                runtime,
                server,
                secret,
                cookie,
            },
            known,
        )
    }

    /// Sends `body` to the door and checks the answer; the whole body is read.
    fn check(&self, door: Door, body: Vec<u8>) -> Result<(), TestCaseError> {
        let (status, text) = self.runtime.block_on(async {
            let request = match door {
                Door::ChatKit => self
                    .server
                    .client
                    .post(self.server.url("/chatkit"))
                    .bearer_auth(&self.secret),
                Door::PageStream | Door::PageCall | Door::Cancel => {
                    let endpoint = match door {
                        Door::PageStream => "chatkit_stream",
                        Door::PageCall => "chatkit_call",
                        _ => "cancel_turn",
                    };
                    self.server
                        .client
                        .post(self.server.url(&format!("/api/ui/{endpoint}")))
                        .header("cookie", &self.cookie)
                }
            };
            let content_type = if door == Door::Cancel {
                "application/x-www-form-urlencoded"
            } else {
                "application/json"
            };
            let response = request
                .header("content-type", content_type)
                .body(body.clone())
                .send()
                .await
                .expect("the server answers");
            let status = response.status();
            (status, response.text().await.unwrap_or_default())
        });
        let shown = String::from_utf8_lossy(&body)
            .chars()
            .take(300)
            .collect::<String>();
        prop_assert!(
            !status.is_server_error(),
            "{door:?} {status} for {shown}: {text}"
        );
        prop_assert!(
            !text.contains("stream.error"),
            "{door:?} internal stream error for {shown}: {text}"
        );
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Door {
    ChatKit,
    PageStream,
    PageCall,
    /// The Stop button (a form).
    Cancel,
}

fn run<S: Strategy>(strategy: S, check: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let mut runner = TestRunner::new(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    if let Err(failure) = runner.run(&strategy, check) {
        panic!("{failure}");
    }
}

#[test]
fn random_bytes_never_get_a_5xx() {
    let (h, _) = Harness::start();
    run(prop::collection::vec(any::<u8>(), 0..2048), |bytes| {
        h.check(Door::ChatKit, bytes.clone())?;
        h.check(Door::Cancel, bytes.clone())?;
        h.check(Door::PageCall, bytes)
    });
}

#[test]
fn random_json_never_gets_a_5xx() {
    let (h, _) = Harness::start();
    run(any_json(), |value| {
        let body = value.to_string().into_bytes();
        h.check(Door::ChatKit, body.clone())?;
        h.check(
            Door::PageCall,
            json!({"request": value}).to_string().into_bytes(),
        )?;
        h.check(Door::PageStream, body)
    });
}

#[test]
fn shaped_requests_with_hostile_values_never_get_a_5xx() {
    let (h, known) = Harness::start();
    run(shaped(&known), |request| {
        h.check(Door::ChatKit, request.to_string().into_bytes())?;
        // The page sends streaming requests to one door and JSON ones to the other; a request
        // that does not parse is refused by either.
        let streams = professor_lock::engine::Engine::parse(request.to_string().as_bytes())
            .is_ok_and(|parsed| parsed.is_streaming());
        let door = if streams {
            Door::PageStream
        } else {
            Door::PageCall
        };
        h.check(door, json!({"request": request}).to_string().into_bytes())
    });
}
