//! The operations answered with a JSON body.

use super::attachments::{fresh_previews, to_wire};
use super::convert::{item_from_record, item_to_record, thread_from_record, thread_to_record};
use super::seams::{RegisteredAction, SyncActionContext};
use super::{Engine, RequestContext};
use crate::error::AppError;
use crate::ids::{new_id, now, IdKind};
use crate::protocol::{
    page_limit, CreateAttachmentParams, CustomActionParams, DeleteAttachmentParams, Empty,
    FeedbackKind, FeedbackParams, JsonRequest, ListItemsParams, ListThreadsParams, Page, SortOrder,
    SyncCustomActionResponse, Thread, ThreadIdParams, ThreadItem, ThreadMetadata,
    UpdateThreadParams, WidgetItem,
};
use crate::store::{
    self, AttachmentRecord, FeedbackRecord, PageQuery, UserLedger, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE,
};
use serde::Serialize;

/// `threads.get_by_id` embeds this many items, ascending (as the SDK does).
const EMBEDDED_ITEMS: u32 = 20;

fn json(value: &impl Serialize) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(AppError::internal)
}

fn store_order(order: SortOrder) -> store::SortOrder {
    match order {
        SortOrder::Asc => store::SortOrder::Asc,
        SortOrder::Desc => store::SortOrder::Desc,
    }
}

pub(super) async fn load_thread(
    engine: &Engine,
    user_id: &str,
    thread_id: &str,
) -> Result<ThreadMetadata, AppError> {
    let record = engine
        .inner
        .store
        .get_thread(user_id, thread_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("thread {thread_id} not found")))?;
    thread_from_record(record)
}

pub(super) async fn load_item(
    engine: &Engine,
    user_id: &str,
    thread_id: &str,
    item_id: &str,
) -> Result<ThreadItem, AppError> {
    let record = engine
        .inner
        .store
        .get_item(user_id, thread_id, item_id)
        .await?
        .filter(|r| !r.hidden)
        .ok_or_else(|| {
            AppError::NotFound(format!("item {item_id} not found in thread {thread_id}"))
        })?;
    item_from_record(&record)
}

/// A page of a thread's visible items as the client gets them (previews signed again).
async fn list_items(
    engine: &Engine,
    ctx: &RequestContext,
    thread_id: &str,
    query: &PageQuery,
) -> Result<Page<ThreadItem>, AppError> {
    let page = engine
        .inner
        .store
        .list_items(&ctx.user_id, thread_id, query, false)
        .await?;
    let data = page
        .data
        .iter()
        .map(|record| {
            let mut item = item_from_record(record)?;
            fresh_previews(
                &mut item,
                engine.inner.links.as_ref(),
                &ctx.base_url,
                &ctx.user_id,
            );
            Ok(item)
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(Page {
        data,
        has_more: page.has_more,
        after: page.after,
    })
}

/// The handler for an action and the widget it came from (if any), or the 4xx that explains
/// why there is none.
pub(super) async fn action_target(
    engine: &Engine,
    user_id: &str,
    thread_id: &str,
    params: &CustomActionParams,
) -> Result<(RegisteredAction, Option<WidgetItem>), AppError> {
    let sender = match &params.item_id {
        Some(item_id) => match load_item(engine, user_id, thread_id, item_id).await? {
            ThreadItem::Widget(widget) => Some(widget),
            _ => {
                return Err(AppError::BadRequest(format!(
                    "item {item_id} is not a widget"
                )))
            }
        },
        None => None,
    };
    let handler = engine
        .inner
        .actions
        .get(&params.action.kind)
        .cloned()
        .ok_or_else(|| {
            AppError::BadRequest(format!("unknown action type {:?}", params.action.kind))
        })?;
    Ok((handler, sender))
}

/// Answers a JSON operation: one function per operation.
pub(super) async fn answer(
    engine: &Engine,
    ctx: &RequestContext,
    request: JsonRequest,
) -> Result<String, AppError> {
    let user = ctx.user_id.as_str();
    match request {
        JsonRequest::GetThread(p) => get_thread(engine, ctx, p).await,
        JsonRequest::ListThreads(p) => list_threads(engine, user, p).await,
        JsonRequest::UpdateThread(p) => update_thread(engine, user, p).await,
        JsonRequest::DeleteThread(p) => delete_thread(engine, user, p).await,
        JsonRequest::ListItems(p) => list_items_page(engine, ctx, p).await,
        JsonRequest::Feedback(p) => feedback(engine, user, p).await,
        JsonRequest::SyncCustomAction(p) => sync_action(engine, ctx, p).await,
        JsonRequest::CreateAttachment(p) => create_attachment(engine, ctx, p).await,
        JsonRequest::DeleteAttachment(p) => delete_attachment(engine, user, p).await,
        JsonRequest::Transcribe(_) => Err(AppError::NotImplemented(
            "input.transcribe is not supported by this server: dictation is off".into(),
        )),
    }
}

async fn get_thread(
    engine: &Engine,
    ctx: &RequestContext,
    p: ThreadIdParams,
) -> Result<String, AppError> {
    let thread = load_thread(engine, &ctx.user_id, &p.thread_id).await?;
    let query = PageQuery::new(EMBEDDED_ITEMS, store::SortOrder::Asc, None);
    let items = list_items(engine, ctx, &thread.id, &query).await?;
    json(&thread.to_thread_with_items(items))
}

async fn list_threads(
    engine: &Engine,
    user: &str,
    p: ListThreadsParams,
) -> Result<String, AppError> {
    let query = PageQuery::new(
        page_limit(p.limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
        store_order(p.order),
        p.after,
    );
    let page = engine.inner.store.list_threads(user, &query).await?;
    let data = page
        .data
        .into_iter()
        .map(|r| thread_from_record(r).map(|t| t.to_thread()))
        .collect::<Result<Vec<Thread>, _>>()?;
    json(&Page {
        data,
        has_more: page.has_more,
        after: page.after,
    })
}

async fn update_thread(
    engine: &Engine,
    user: &str,
    p: UpdateThreadParams,
) -> Result<String, AppError> {
    let title = p.title.trim();
    if title.chars().count() > 200 {
        return Err(AppError::BadRequest(
            "title must be at most 200 characters".into(),
        ));
    }
    let mut thread = load_thread(engine, user, &p.thread_id).await?;
    thread.title = (!title.is_empty()).then(|| title.to_owned());
    if !engine
        .inner
        .store
        .update_thread(&thread_to_record(user, &thread))
        .await?
    {
        return Err(AppError::NotFound(format!(
            "thread {} not found",
            thread.id
        )));
    }
    json(&thread.to_thread())
}

async fn delete_thread(engine: &Engine, user: &str, p: ThreadIdParams) -> Result<String, AppError> {
    if !engine.inner.store.delete_thread(user, &p.thread_id).await? {
        return Err(AppError::NotFound(format!(
            "thread {} not found",
            p.thread_id
        )));
    }
    // A deleted thread's turns stop answering (their last writes find no row).
    engine.cancel_running(user, &p.thread_id);
    json(&Empty)
}

async fn list_items_page(
    engine: &Engine,
    ctx: &RequestContext,
    p: ListItemsParams,
) -> Result<String, AppError> {
    // An unknown (or foreign) thread is a 404, not an empty page.
    load_thread(engine, &ctx.user_id, &p.thread_id).await?;
    let query = PageQuery::new(
        page_limit(p.limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
        store_order(p.order),
        p.after,
    );
    json(&list_items(engine, ctx, &p.thread_id, &query).await?)
}

async fn feedback(engine: &Engine, user: &str, p: FeedbackParams) -> Result<String, AppError> {
    load_thread(engine, user, &p.thread_id).await?;
    if p.item_ids.is_empty() || p.item_ids.len() > 100 {
        return Err(AppError::BadRequest(
            "item_ids must name 1 to 100 items".into(),
        ));
    }
    for item_id in &p.item_ids {
        load_item(engine, user, &p.thread_id, item_id).await?;
    }
    let kind = match p.kind {
        FeedbackKind::Positive => "positive",
        FeedbackKind::Negative => "negative",
    };
    for item_id in p.item_ids {
        engine
            .inner
            .store
            .add_feedback(&FeedbackRecord {
                user_id: user.to_owned(),
                thread_id: p.thread_id.clone(),
                item_id,
                kind: kind.into(),
                created_at: now(),
            })
            .await?;
    }
    json(&Empty)
}

async fn create_attachment(
    engine: &Engine,
    ctx: &RequestContext,
    p: CreateAttachmentParams,
) -> Result<String, AppError> {
    let user = ctx.user_id.as_str();
    let limits = &engine.inner.limits;
    let name = p.name.trim();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(AppError::BadRequest(
            "name must be 1 to 255 characters".into(),
        ));
    }
    if p.size == 0 || p.size > limits.attachment_max_bytes {
        return Err(AppError::BadRequest(format!(
            "size must be between 1 and {} bytes",
            limits.attachment_max_bytes
        )));
    }
    let mime = p
        .mime_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if !limits.attachment_mime_types.contains(&mime) {
        return Err(AppError::BadRequest(format!(
            "mime_type {mime:?} is not accepted (accepted: {})",
            limits.attachment_mime_types.join(", ")
        )));
    }
    super::attachments::check_quota(engine, user, p.size).await?;
    let record = AttachmentRecord {
        id: new_id(IdKind::Attachment),
        user_id: user.to_owned(),
        thread_id: None,
        name: name.to_owned(),
        mime_type: mime,
        size_bytes: i64::try_from(p.size).map_err(AppError::internal)?,
        uploaded: false,
        created_at: now(),
    };
    engine.inner.store.save_attachment(&record).await?;
    json(&to_wire(
        &record,
        engine.inner.links.as_ref(),
        &ctx.base_url,
    ))
}

async fn delete_attachment(
    engine: &Engine,
    user: &str,
    p: DeleteAttachmentParams,
) -> Result<String, AppError> {
    let id = &p.attachment_id;
    if engine.inner.store.get_attachment(user, id).await?.is_none() {
        return Err(AppError::NotFound(format!("attachment {id} not found")));
    }
    // The ownership check comes first: the bytes are deleted by id.
    if !engine.delete_attachment(user, id).await? {
        return Err(AppError::NotFound(format!("attachment {id} not found")));
    }
    json(&Empty)
}

async fn sync_action(
    engine: &Engine,
    ctx: &RequestContext,
    params: CustomActionParams,
) -> Result<String, AppError> {
    let user = ctx.user_id.as_str();
    let thread = load_thread(engine, user, &params.thread_id).await?;
    let (handler, sender) = action_target(engine, user, &thread.id, &params).await?;
    let RegisteredAction::Sync(handler) = handler else {
        return Err(AppError::BadRequest(format!(
            "action {} is answered with a stream; send it with threads.custom_action",
            params.action.kind
        )));
    };
    let context = SyncActionContext {
        user_id: user,
        thread: &thread,
        ledger: UserLedger::new(engine.inner.store.clone(), user),
    };
    let updated = handler
        .run(&context, &params.action, sender.as_ref())
        .await?;
    if let Some(item) = &updated {
        let same_sender =
            sender.as_ref().is_some_and(|s| s.id == item.id()) && item.thread_id() == thread.id;
        if !same_sender {
            return Err(AppError::internal(
                "a sync action may only replace its sender",
            ));
        }
        // Persist before answering, or a reload would show the old widget.
        if !engine
            .inner
            .store
            .save_item(&item_to_record(user, item))
            .await?
        {
            return Err(AppError::NotFound(format!(
                "thread {} not found",
                thread.id
            )));
        }
    }
    json(&SyncCustomActionResponse {
        updated_item: updated,
    })
}
