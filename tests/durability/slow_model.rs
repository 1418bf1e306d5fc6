//! An OpenAI-compatible chat-completions server that answers slowly: one word per interval,
//! `words` times (twice as many when the conversation says "[long]"), so turns are reliably
//! mid-answer when the test strikes. Title requests are answered at once.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use futures::StreamExt;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub struct SlowModel {
    pub base_url: String,
    mock: Arc<Mock>,
}

struct Mock {
    interval: Duration,
    words: usize,
    started: AtomicUsize,
}

impl SlowModel {
    pub async fn start(interval: Duration, words: usize) -> SlowModel {
        let mock = Arc::new(Mock {
            interval,
            words,
            started: AtomicUsize::new(0),
        });
        let app = Router::new()
            .route("/v1/chat/completions", post(complete))
            .with_state(mock.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        SlowModel {
            base_url: format!("http://{addr}/v1"),
            mock,
        }
    }

    /// Answers begun (title requests left out).
    pub fn completions_started(&self) -> usize {
        self.mock.started.load(Ordering::SeqCst)
    }
}

fn chunk(delta: Value, finish: Option<&str>) -> Bytes {
    let data = json!({
        "id": "chatcmpl-slow", "object": "chat.completion.chunk", "created": 1, "model": "slow",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]
    });
    Bytes::from(format!("data: {data}\n\n"))
}

async fn complete(State(mock): State<Arc<Mock>>, Json(request): Json<Value>) -> Response {
    let title = request["messages"][0]["content"]
        .as_str()
        .is_some_and(|c| c.starts_with("Write a title"));
    let frames: Vec<Bytes> = if title {
        vec![
            chunk(
                json!({"role": "assistant", "content": "Slow answers"}),
                None,
            ),
            chunk(json!({}), Some("stop")),
            Bytes::from("data: [DONE]\n\n"),
        ]
    } else {
        mock.started.fetch_add(1, Ordering::SeqCst);
        Vec::new()
    };
    let body = if title {
        Body::from_stream(futures::stream::iter(
            frames.into_iter().map(Ok::<_, std::io::Error>),
        ))
    } else {
        let interval = mock.interval;
        let words = if request.to_string().contains("[long]") {
            mock.words.saturating_mul(2)
        } else {
            mock.words
        };
        let head = futures::stream::once(async {
            chunk(json!({"role": "assistant", "content": ""}), None)
        });
        let body = futures::stream::iter(0..words).then(move |n| async move {
            tokio::time::sleep(interval).await;
            // The last word has no trailing space, so the saved answer is exact.
            let word = if n + 1 == words { "word" } else { "word " };
            chunk(json!({"content": word}), None)
        });
        let tail = futures::stream::iter([
            chunk(json!({}), Some("stop")),
            Bytes::from("data: [DONE]\n\n"),
        ]);
        Body::from_stream(head.chain(body).chain(tail).map(Ok::<_, std::io::Error>))
    };
    ([("content-type", "text/event-stream")], body).into_response()
}
