//! An in-process OpenAI-compatible server for the agent's tests: it replays scripted replies
//! (SSE chunk streams, error statuses, streams that break or stall) and records each request.
//! Title requests are answered on the side, so scripts only hold the turn's own rounds.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use futures::StreamExt;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// The title every mock title request gets.
pub const TITLE: &str = "Mock title";

pub enum Reply {
    /// Frames (`data: ...\n\n` each) sent in order, then the body ends.
    Sse(Vec<String>),
    /// An error status with this body.
    Status(u16, String),
    /// Frames, then the connection is cut mid-body.
    Cut(Vec<String>),
    /// Frames, then nothing ever again.
    Stall(Vec<String>),
}

#[derive(Default)]
struct Mock {
    /// Like llama.cpp's `-c`: a request longer than this many tokens (a byte-per-four count of
    /// its JSON, about what real tokenizers give for English and JSON) is refused with 400.
    n_ctx: Option<usize>,
    replies: Mutex<VecDeque<Reply>>,
    requests: Mutex<Vec<Value>>,
    authorizations: Mutex<Vec<String>>,
}

pub struct MockServer {
    pub base_url: String,
    mock: Arc<Mock>,
}

impl MockServer {
    pub async fn start(replies: Vec<Reply>) -> MockServer {
        Self::serve(Mock {
            replies: Mutex::new(replies.into()),
            ..Mock::default()
        })
        .await
    }

    /// A server with a context window of `n_ctx` tokens, refusing longer requests as
    /// llama.cpp's server does.
    pub async fn with_context(replies: Vec<Reply>, n_ctx: usize) -> MockServer {
        Self::serve(Mock {
            n_ctx: Some(n_ctx),
            replies: Mutex::new(replies.into()),
            ..Mock::default()
        })
        .await
    }

    async fn serve(mock: Mock) -> MockServer {
        let mock = Arc::new(mock);
        let app = Router::new()
            .route("/v1/chat/completions", post(complete))
            .with_state(mock.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockServer {
            base_url: format!("http://{addr}/v1"),
            mock,
        }
    }

    /// The turn's requests (title requests left out), in order.
    pub fn requests(&self) -> Vec<Value> {
        self.mock
            .requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| !is_title_request(r))
            .cloned()
            .collect()
    }

    pub fn title_requests(&self) -> usize {
        self.mock
            .requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| is_title_request(r))
            .count()
    }

    pub fn authorizations(&self) -> Vec<String> {
        self.mock.authorizations.lock().unwrap().clone()
    }
}

fn is_title_request(request: &Value) -> bool {
    request["messages"][0]["content"]
        .as_str()
        .is_some_and(|c| c.starts_with("Write a title"))
}

async fn complete(
    State(mock): State<Arc<Mock>>,
    headers: HeaderMap,
    Json(request): Json<Value>,
) -> Response {
    if let Some(auth) = headers.get("authorization").and_then(|v| v.to_str().ok()) {
        mock.authorizations.lock().unwrap().push(auth.to_owned());
    }
    let title = is_title_request(&request);
    let tokens = request.to_string().len() / 4;
    mock.requests.lock().unwrap().push(request);
    if let Some(n_ctx) = mock.n_ctx.filter(|n_ctx| tokens > *n_ctx) {
        // llama.cpp's answer, word for word.
        let body = json!({"error": {
            "code": 400,
            "message": "the request exceeds the available context size, try increasing it",
            "type": "exceed_context_size_error",
            "n_prompt_tokens": tokens,
            "n_ctx": n_ctx
        }});
        return (StatusCode::BAD_REQUEST, body.to_string()).into_response();
    }
    if title {
        return sse(vec![text(TITLE), finish("stop"), done()]);
    }
    let reply = mock.replies.lock().unwrap().pop_front();
    match reply {
        Some(Reply::Sse(frames)) => sse(frames),
        Some(Reply::Status(status, body)) => {
            (StatusCode::from_u16(status).unwrap(), body).into_response()
        }
        Some(Reply::Cut(frames)) => {
            let cut = futures::stream::iter(frames.into_iter().map(|f| Ok(Bytes::from(f)))).chain(
                futures::stream::once(async {
                    // Let the frames reach the client first: hyper drops unsent bytes on abort.
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    Err(std::io::Error::other("connection cut"))
                }),
            );
            stream_response(Body::from_stream(cut))
        }
        Some(Reply::Stall(frames)) => {
            let stall = futures::stream::iter(
                frames
                    .into_iter()
                    .map(|f| Ok::<_, std::io::Error>(Bytes::from(f))),
            )
            .chain(futures::stream::pending());
            stream_response(Body::from_stream(stall))
        }
        None => (StatusCode::INTERNAL_SERVER_ERROR, "no scripted reply left").into_response(),
    }
}

fn sse(frames: Vec<String>) -> Response {
    let body = futures::stream::iter(
        frames
            .into_iter()
            .map(|f| Ok::<_, std::io::Error>(Bytes::from(f))),
    );
    stream_response(Body::from_stream(body))
}

fn stream_response(body: Body) -> Response {
    ([("content-type", "text/event-stream")], body).into_response()
}

/// One SSE frame carrying a chunk with `choices[0]` = `choice`.
pub fn chunk(choice: Value) -> String {
    frame(json!({
        "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "mock",
        "choices": [choice]
    }))
}

pub fn frame(data: Value) -> String {
    format!("data: {data}\n\n")
}

pub fn role() -> String {
    chunk(json!({"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}))
}

pub fn text(content: &str) -> String {
    chunk(json!({"index": 0, "delta": {"content": content}, "finish_reason": null}))
}

/// A tool-call fragment; `None` fields are left out, as servers do after the first chunk.
pub fn tool(index: u32, id: Option<&str>, name: Option<&str>, arguments: &str) -> String {
    let mut call = json!({"index": index, "function": {"arguments": arguments}});
    if let Some(id) = id {
        call["id"] = json!(id);
        call["type"] = json!("function");
    }
    if let Some(name) = name {
        call["function"]["name"] = json!(name);
    }
    chunk(json!({"index": 0, "delta": {"tool_calls": [call]}, "finish_reason": null}))
}

pub fn finish(reason: &str) -> String {
    chunk(json!({"index": 0, "delta": {}, "finish_reason": reason}))
}

pub fn usage() -> String {
    frame(json!({
        "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "mock",
        "choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}
    }))
}

pub fn done() -> String {
    "data: [DONE]\n\n".into()
}
