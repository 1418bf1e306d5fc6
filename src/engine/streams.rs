//! The streamed operations: validate everything that can fail before the first event (bad ids
//! are 4xx answers, not broken streams), then run the turn in a task the engine owns.

use super::attachments::to_wire;
use super::convert::{item_to_record, thread_to_record};
use super::json_ops::{action_target, load_item, load_thread};
use super::seams::{RegisteredAction, StreamedAction, TurnInput};
use super::turn::{durable, DurableAck, Turn, TurnError};
use super::writer::WriteFailure;
use super::{Engine, EventStream, RequestContext};
use crate::error::AppError;
use crate::ids::{new_id, now, IdKind};
use crate::protocol::{
    Action, AddClientToolOutputParams, AddStructuredInputParams, AddUserMessageParams,
    ClientToolCallStatus, CreateThreadParams, CustomActionParams, ErrorEvent, RetryAfterItemParams,
    StreamedRequest, StructuredInputStatus, ThreadItem, ThreadMetadata, ThreadStreamEvent,
    UserMessageInput, UserMessageItem, WidgetItem,
};
use crate::store::WriteOp;
use futures::FutureExt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc;

/// The longest title derived from a first message.
const TITLE_CHARS: usize = 60;

enum Prelude {
    None,
    /// A new user message, announced with `thread.item.done`.
    UserMessage(UserMessageItem),
    /// An item changed without an event (the completed client tool call).
    SaveSilently(ThreadItem),
    /// An item replaced after `stream_options` (the answered structured input).
    Replace(ThreadItem),
}

enum Work {
    Respond(Option<UserMessageItem>),
    Action {
        handler: Arc<dyn StreamedAction>,
        action: Action,
        sender: Option<WidgetItem>,
    },
}

struct Plan {
    op: &'static str,
    thread: ThreadMetadata,
    created: bool,
    prelude: Prelude,
    work: Work,
}

pub(super) async fn start(
    engine: &Engine,
    ctx: &RequestContext,
    request: StreamedRequest,
    slot: tokio::sync::OwnedSemaphorePermit,
) -> Result<EventStream, AppError> {
    let plan = plan(engine, ctx, request).await?;
    let (tx, rx) = mpsc::unbounded_channel();
    let cancel = tokio_util::sync::CancellationToken::new();
    let mut turn = Turn::new(
        ctx.user_id.clone(),
        plan.thread.clone(),
        engine.inner.store.clone(),
        engine.inner.writer.clone(),
        tx,
        cancel.clone(),
    );
    let prelude = queue_prelude(&mut turn, &plan);
    let running = engine.register_turn(&ctx.user_id, &plan.thread.id, cancel.clone());
    let thread_id = plan.thread.id.clone();
    let task_engine = engine.clone();
    let task_prelude = prelude.clone();
    tokio::spawn(async move {
        run(task_engine, turn, plan, task_prelude).await;
        drop(running);
        drop(slot);
    });
    // The turn runs meanwhile, so its first writes join the prelude's group commit: a turn
    // costs one awaited commit, not two. Its events wait for the prelude in the stream.
    if let Some(ack) = prelude {
        if let Err(failure) = durable(ack).await {
            cancel.cancel();
            return Err(refusal(&thread_id, failure));
        }
    }
    Ok(EventStream::new(rx))
}

/// Ack means durable: the new thread and the user's message (or the completed client tool
/// call) are queued as the turn's first writes, and the stream announces them only once they
/// are committed. Every later write of the turn is refused if they fail (`WriteChain`), and
/// the client gets a plain HTTP error with nothing announced.
fn queue_prelude(turn: &mut Turn, plan: &Plan) -> Option<DurableAck> {
    let user_id = turn.user_id().to_owned();
    let mut ops = Vec::with_capacity(2);
    if plan.created {
        ops.push(WriteOp::CreateThread(thread_to_record(
            &user_id,
            &plan.thread,
        )));
    }
    match &plan.prelude {
        Prelude::UserMessage(message) => ops.push(WriteOp::SaveItem(item_to_record(
            &user_id,
            &ThreadItem::UserMessage(message.clone()),
        ))),
        Prelude::SaveSilently(item) => ops.push(WriteOp::SaveItem(item_to_record(&user_id, item))),
        Prelude::Replace(_) | Prelude::None => {}
    }
    (!ops.is_empty()).then(|| turn.persist(ops))
}

/// The HTTP error for a turn whose prelude could not be committed.
fn refusal(thread_id: &str, failure: WriteFailure) -> AppError {
    match failure {
        // Deleted between the request's checks and the commit.
        WriteFailure::NoRow(_) => AppError::NotFound(format!("thread {thread_id} not found")),
        WriteFailure::Unavailable(cause) => {
            tracing::warn!(thread = %thread_id, %cause, "turn refused: database unavailable");
            AppError::database_unavailable()
        }
        WriteFailure::Failed(cause) => AppError::Internal(cause),
    }
}

/// Whether the prelude is known to have failed (settled with an error).
fn prelude_failed(prelude: &Option<DurableAck>) -> bool {
    prelude
        .as_ref()
        .and_then(|ack| ack.peek())
        .is_some_and(|result| !matches!(result, Ok(Ok(()))))
}

/// Checks a streamed operation and plans its turn: one function per operation.
async fn plan(
    engine: &Engine,
    ctx: &RequestContext,
    request: StreamedRequest,
) -> Result<Plan, AppError> {
    let op = request.type_name();
    let (thread, created, prelude, work) = match request {
        StreamedRequest::CreateThread(p) => create_thread(engine, ctx, p).await?,
        StreamedRequest::AddUserMessage(p) => add_user_message(engine, ctx, p).await?,
        StreamedRequest::AddClientToolOutput(p) => add_client_tool_output(engine, ctx, p).await?,
        StreamedRequest::AddStructuredInput(p) => add_structured_input(engine, ctx, p).await?,
        StreamedRequest::RetryAfterItem(p) => retry_after_item(engine, ctx, p).await?,
        StreamedRequest::CustomAction(p) => custom_action(engine, ctx, p).await?,
    };
    Ok(Plan {
        op,
        thread,
        created,
        prelude,
        work,
    })
}

/// A plan without its operation name: the thread, whether it is new, the prelude and the work.
type Planned = (ThreadMetadata, bool, Prelude, Work);

async fn create_thread(
    engine: &Engine,
    ctx: &RequestContext,
    p: CreateThreadParams,
) -> Result<Planned, AppError> {
    let thread = ThreadMetadata::new(new_id(IdKind::Thread), now());
    let message = user_message(engine, ctx, &thread, p.input).await?;
    Ok((
        thread,
        true,
        Prelude::UserMessage(message.clone()),
        Work::Respond(Some(message)),
    ))
}

async fn add_user_message(
    engine: &Engine,
    ctx: &RequestContext,
    p: AddUserMessageParams,
) -> Result<Planned, AppError> {
    let thread = load_thread(engine, &ctx.user_id, &p.thread_id).await?;
    if !thread.is_active() {
        return Err(AppError::BadRequest(format!(
            "thread {} is not active",
            thread.id
        )));
    }
    let message = user_message(engine, ctx, &thread, p.input).await?;
    Ok((
        thread,
        false,
        Prelude::UserMessage(message.clone()),
        Work::Respond(Some(message)),
    ))
}

async fn add_client_tool_output(
    engine: &Engine,
    ctx: &RequestContext,
    p: AddClientToolOutputParams,
) -> Result<Planned, AppError> {
    let user = ctx.user_id.as_str();
    let thread = load_thread(engine, user, &p.thread_id).await?;
    let newest = engine
        .inner
        .store
        .list_items(
            user,
            &thread.id,
            &crate::store::PageQuery::new(1, crate::store::SortOrder::Desc, None),
            false,
        )
        .await?;
    let pending = newest
        .data
        .first()
        .map(super::convert::item_from_record)
        .transpose()?
        .and_then(|item| match item {
            ThreadItem::ClientToolCall(call) if call.status == ClientToolCallStatus::Pending => {
                Some(call)
            }
            _ => None,
        })
        .ok_or_else(|| AppError::BadRequest("the thread has no pending client tool call".into()))?;
    let mut completed = pending;
    completed.status = ClientToolCallStatus::Completed;
    completed.output = Some(p.result);
    Ok((
        thread,
        false,
        Prelude::SaveSilently(ThreadItem::ClientToolCall(completed)),
        Work::Respond(None),
    ))
}

async fn add_structured_input(
    engine: &Engine,
    ctx: &RequestContext,
    p: AddStructuredInputParams,
) -> Result<Planned, AppError> {
    let user = ctx.user_id.as_str();
    let thread = load_thread(engine, user, &p.thread_id).await?;
    let answered = match load_item(engine, user, &thread.id, &p.item_id).await? {
        ThreadItem::StructuredInput(item) if item.status == StructuredInputStatus::Pending => {
            p.input.apply_to(&item).ok_or_else(|| {
                AppError::BadRequest(format!("item {} cannot take this answer", p.item_id))
            })?
        }
        _ => {
            return Err(AppError::BadRequest(format!(
                "item {} is not a pending structured input",
                p.item_id
            )))
        }
    };
    Ok((
        thread,
        false,
        Prelude::Replace(ThreadItem::StructuredInput(answered)),
        Work::Respond(None),
    ))
}

async fn retry_after_item(
    engine: &Engine,
    ctx: &RequestContext,
    p: RetryAfterItemParams,
) -> Result<Planned, AppError> {
    let user = ctx.user_id.as_str();
    let thread = load_thread(engine, user, &p.thread_id).await?;
    let message = match load_item(engine, user, &thread.id, &p.item_id).await? {
        ThreadItem::UserMessage(message) => message,
        _ => {
            return Err(AppError::BadRequest(format!(
                "item {} is not a user message",
                p.item_id
            )))
        }
    };
    // The client drops the later items itself; the SDK sends no removed events either.
    engine
        .inner
        .store
        .delete_items_after(user, &thread.id, &message.id)
        .await?;
    Ok((thread, false, Prelude::None, Work::Respond(Some(message))))
}

async fn custom_action(
    engine: &Engine,
    ctx: &RequestContext,
    p: CustomActionParams,
) -> Result<Planned, AppError> {
    let thread = load_thread(engine, &ctx.user_id, &p.thread_id).await?;
    let (handler, sender) = action_target(engine, &ctx.user_id, &thread.id, &p).await?;
    let RegisteredAction::Streamed(handler) = handler else {
        return Err(AppError::BadRequest(format!(
            "action {} is answered synchronously; send it with threads.sync_custom_action",
            p.action.kind
        )));
    };
    let work = Work::Action {
        handler,
        action: p.action,
        sender,
    };
    Ok((thread, false, Prelude::None, work))
}

/// The stored user message for client input: attachments resolved (and claimed by the thread).
async fn user_message(
    engine: &Engine,
    ctx: &RequestContext,
    thread: &ThreadMetadata,
    input: UserMessageInput,
) -> Result<UserMessageItem, AppError> {
    let has_text = input
        .content
        .iter()
        .any(|c| !c.plain_text().trim().is_empty());
    if !has_text && input.attachments.is_empty() {
        return Err(AppError::BadRequest("the message is empty".into()));
    }
    if input.attachments.len() > 10 {
        return Err(AppError::BadRequest(
            "at most 10 attachments per message".into(),
        ));
    }
    let mut attachments = Vec::with_capacity(input.attachments.len());
    for id in &input.attachments {
        let mut record = engine
            .inner
            .store
            .get_attachment(&ctx.user_id, id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("attachment {id} not found")))?;
        if !record.uploaded {
            return Err(AppError::BadRequest(format!(
                "attachment {id} has not been uploaded yet"
            )));
        }
        // The thread row does not exist yet on create; the link is written with the message.
        record.thread_id = Some(thread.id.clone());
        attachments.push(to_wire(&record, engine.inner.links.as_ref(), &ctx.base_url));
    }
    Ok(UserMessageItem::from_input(
        new_id(IdKind::Message),
        thread.id.clone(),
        now(),
        input,
        attachments,
    ))
}

enum Outcome {
    Finished(Result<(), TurnError>),
    Cancelled,
}

async fn run(engine: Engine, mut turn: Turn, plan: Plan, prelude: Option<DurableAck>) {
    let started = Instant::now();
    let thread_id = plan.thread.id.clone();
    let user_id = turn.user_id().to_owned();
    let cancel = turn.cancellation();

    // The thread and the user's message are announced once committed (`queue_prelude`).
    if plan.created {
        turn.send_after(
            &ThreadStreamEvent::thread_created(plan.thread.to_thread()),
            prelude.clone(),
        );
    }
    let first_message = match &plan.prelude {
        Prelude::UserMessage(message) => Some(message.text()),
        _ => None,
    };
    let replace_after_options = match plan.prelude {
        Prelude::UserMessage(message) => {
            // The attachment row points at the thread row: claim it once that is committed.
            let committed = match (&prelude, message.attachments.is_empty()) {
                (Some(ack), false) => durable(ack.clone()).await.is_ok(),
                _ => false,
            };
            if committed {
                for attachment in &message.attachments {
                    claim_attachment(&engine, &user_id, &thread_id, &attachment.id).await;
                }
            }
            turn.note_item_written();
            turn.send_after(
                &ThreadStreamEvent::item_done(ThreadItem::UserMessage(message)),
                prelude.clone(),
            );
            None
        }
        Prelude::SaveSilently(_) | Prelude::None => None,
        Prelude::Replace(item) => Some(item),
    };
    turn.send(&ThreadStreamEvent::stream_options(true));
    if let Some(item) = replace_after_options {
        turn.emit(ThreadStreamEvent::item_replaced(item));
    }

    let work = async {
        match &plan.work {
            Work::Respond(message) => {
                let input = match message {
                    Some(m) => TurnInput::Message(m),
                    None => TurnInput::Continue,
                };
                engine.inner.responder.respond(&mut turn, input).await
            }
            Work::Action {
                handler,
                action,
                sender,
            } => handler
                .run(&mut turn, action, sender.as_ref())
                .await
                .map_err(TurnError::from),
        }
    };
    let outcome = tokio::select! {
        biased;
        _ = cancel.cancelled() => Outcome::Cancelled,
        result = AssertUnwindSafe(work).catch_unwind() => Outcome::Finished(
            result.unwrap_or_else(|_| Err(TurnError::Internal("the responder panicked".into())))
        ),
    };

    let outcome_label = match outcome {
        Outcome::Finished(Ok(())) => "done",
        Outcome::Finished(Err(error)) => {
            turn.settle_pending();
            let event = match &error {
                TurnError::Custom {
                    message,
                    allow_retry,
                } => ErrorEvent::custom(message.clone(), *allow_retry),
                // A responder that waited for the refused prelude (`Turn::flush`) says so.
                TurnError::Internal(_) if prelude_failed(&prelude) => ErrorEvent::stream_error(),
                TurnError::Internal(cause) => {
                    tracing::error!(thread = %thread_id, %cause, "turn failed");
                    ErrorEvent::stream_error()
                }
            };
            turn.send(&ThreadStreamEvent::from(event));
            "error"
        }
        Outcome::Cancelled => {
            turn.settle_pending();
            turn.note_cancelled();
            "cancelled"
        }
    };

    if turn.thread().title.is_none() {
        if let Some(text) = first_message.filter(|t| !t.trim().is_empty()) {
            turn.set_title(title_from(&text));
        }
    }
    turn.announce_thread();
    let saved = turn.settle_writes().await;
    if prelude_failed(&prelude) {
        // `start` answered the client with the error; nothing of this turn was written.
        tracing::debug!(thread = %thread_id, "turn dropped: its prelude was not committed");
        return;
    }
    let outcome_label = match saved {
        Ok(()) => outcome_label,
        // The user deleted the thread while it answered: nothing to save, nothing to say.
        Err(WriteFailure::NoRow(cause)) => {
            tracing::info!(thread = %thread_id, %cause, "thread deleted during the turn; its last writes were dropped");
            "thread_deleted"
        }
        Err(failure) => {
            tracing::error!(thread = %thread_id, cause = %failure, "turn could not be saved");
            let message = match failure {
                WriteFailure::Unavailable(_) => {
                    "The database is unavailable, so this answer was not saved. Please try again in a moment."
                }
                _ => "This answer could not be saved. Please try again.",
            };
            turn.send(&ThreadStreamEvent::from(ErrorEvent::custom(message, true)));
            "unsaved"
        }
    };
    metrics::counter!("pl_turns_total", "op" => plan.op, "outcome" => outcome_label).increment(1);
    metrics::histogram!("pl_turn_duration_seconds").record(started.elapsed().as_secs_f64());
    tracing::info!(
        op = plan.op,
        thread = %thread_id,
        user = %user_id,
        outcome = outcome_label,
        items = turn.items_written(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        "turn finished"
    );
}

/// Links an uploaded attachment to the thread its message was posted in.
async fn claim_attachment(engine: &Engine, user_id: &str, thread_id: &str, attachment_id: &str) {
    let store = &engine.inner.store;
    if let Ok(Some(mut record)) = store.get_attachment(user_id, attachment_id).await {
        // The thread row is committed (`queue_prelude`), so the foreign key holds.
        record.thread_id = Some(thread_id.to_owned());
        if let Err(e) = store.save_attachment(&record).await {
            tracing::warn!(attachment = attachment_id, error = %e, "could not link attachment to thread");
        }
    }
}

/// A thread title from the first message: its first line, at most `TITLE_CHARS` characters.
fn title_from(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(text)
        .trim();
    if line.chars().count() <= TITLE_CHARS {
        return line.to_owned();
    }
    let cut: String = line.chars().take(TITLE_CHARS - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > TITLE_CHARS / 2 => cut[..space].to_owned(),
        _ => cut,
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::title_from;

    #[test]
    fn titles_are_short_first_lines() {
        assert_eq!(
            title_from("Show me tonight's NBA odds"),
            "Show me tonight's NBA odds"
        );
        assert_eq!(title_from("\n  line one \nline two"), "line one");
        let long = "Build me a parlay with three picks from tonight's games and tell me the payout for fifty dollars";
        let title = title_from(long);
        assert!(title.chars().count() <= 60, "{title}");
        assert!(title.ends_with('…'));
    }
}
