//! The page's door to the engine: two server functions that carry ChatKit requests, so the page
//! is one more ChatKit client of the same engine as `POST /chatkit` (no protocol logic here).
//! Streamed turns arrive as one event JSON per line.

use crate::protocol::ChatKitRequest;
use leptos::prelude::*;
use leptos::server_fn::codec::{Json, StreamingText, TextStream};

#[cfg(feature = "ssr")]
pub use backend::UiBackend;
#[cfg(feature = "ssr")]
pub(super) use backend::{app_state, caller};

/// A streaming request (`threads.create`, `threads.add_user_message`, `threads.custom_action`, …):
/// its events, one JSON object per line. The turn runs on the server: closing the page loses
/// nothing of it.
#[server(input = Json, output = StreamingText, endpoint = "ui/chatkit_stream")]
pub async fn chatkit_stream(request: ChatKitRequest) -> Result<TextStream, ServerFnError> {
    use futures::StreamExt;
    if !request.is_streaming() {
        return Err(backend::refuse(format!(
            "{} answers JSON: use chatkit_call",
            request.type_name()
        )));
    }
    match backend::dispatch(request).await? {
        crate::engine::Reply::Stream(events) => Ok(TextStream::new(
            events.map(|json| Ok::<_, ServerFnError>(format!("{json}\n"))),
        )),
        crate::engine::Reply::Json(_) => Err(ServerFnError::new("expected a stream")),
    }
}

/// A JSON request (`threads.list`, `items.list`, `threads.sync_custom_action`, …): its answer.
#[server(input = Json, endpoint = "ui/chatkit_call")]
pub async fn chatkit_call(request: ChatKitRequest) -> Result<String, ServerFnError> {
    if request.is_streaming() {
        return Err(backend::refuse(format!(
            "{} streams: use chatkit_stream",
            request.type_name()
        )));
    }
    match backend::dispatch(request).await? {
        crate::engine::Reply::Json(body) => Ok(body),
        crate::engine::Reply::Stream(_) => Err(ServerFnError::new("expected a JSON answer")),
    }
}

/// Stops the thread's running turn (the page's Stop button); what was said so far is kept.
/// `false` when no turn was running; another user's thread is not found.
#[server(endpoint = "ui/cancel_turn")]
pub async fn cancel_turn(thread_id: String) -> Result<bool, ServerFnError> {
    backend::cancel(thread_id).await
}

#[cfg(feature = "ssr")]
mod backend {
    use crate::engine::{Engine, Reply, RequestContext};
    use crate::error::AppError;
    use crate::protocol::ChatKitRequest;
    use crate::server::limits::Charge;
    use axum::http::request::Parts;
    use futures::future::BoxFuture;
    use leptos::prelude::*;
    use std::sync::Arc;

    /// Decides who calls from the request (credentials, client address), and whether a turn
    /// may start now.
    pub type Admit = Arc<
        dyn Fn(Parts, Charge) -> BoxFuture<'static, Result<RequestContext, AppError>> + Send + Sync,
    >;

    /// What the server hands the door (as Leptos context): the engine and its gatekeeper, the
    /// same auth and rate limits as `POST /chatkit`.
    #[derive(Clone)]
    pub struct UiBackend {
        pub engine: Engine,
        pub admit: Admit,
    }

    /// A request this door does not take: 400 with the reason.
    pub fn refuse(message: String) -> ServerFnError {
        refused(AppError::BadRequest(message))
    }

    pub async fn dispatch(request: ChatKitRequest) -> Result<Reply, ServerFnError> {
        let (backend, parts) = context()?;
        let result = async {
            let ctx = (backend.admit)(parts, Charge::of(&request)).await?;
            backend.engine.dispatch(&ctx, request).await
        }
        .await;
        result.map_err(refused)
    }

    pub async fn cancel(thread_id: String) -> Result<bool, ServerFnError> {
        let (backend, parts) = context()?;
        let result = async {
            let ctx = (backend.admit)(parts, Charge::Nothing).await?;
            backend.engine.cancel_turn(&ctx.user_id, &thread_id).await
        }
        .await;
        result.map_err(refused)
    }

    /// Who calls (the same credentials and rules as a chat request, without charging a turn),
    /// and the app's state, for the account server functions.
    pub async fn caller() -> Result<(String, crate::server::AppState), ServerFnError> {
        let (backend, parts) = context()?;
        let state = app_state()?;
        let ctx = (backend.admit)(parts, Charge::Nothing)
            .await
            .map_err(refused)?;
        Ok((ctx.user_id, state))
    }

    pub fn app_state() -> Result<crate::server::AppState, ServerFnError> {
        use_context::<crate::server::AppState>()
            .ok_or_else(|| ServerFnError::new("the app state is not configured"))
    }

    fn context() -> Result<(UiBackend, Parts), ServerFnError> {
        let backend = use_context::<UiBackend>()
            .ok_or_else(|| ServerFnError::new("the UI backend is not configured"))?;
        // leptos_axum hands every server function its request's parts.
        let parts = use_context::<Parts>()
            .ok_or_else(|| ServerFnError::new("the request is not available"))?;
        Ok((backend, parts))
    }

    /// The engine's refusal as the server function's error, with its HTTP status.
    fn refused(e: AppError) -> ServerFnError {
        if let AppError::Internal(cause) = &e {
            tracing::error!(%cause, "internal error on the page's door");
        }
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(e.status());
        }
        ServerFnError::new(e.to_string())
    }
}
