//! Attachments from the composer, through the server's two-phase upload: `attachments.create`
//! on the page's door answers a signed upload link, the browser posts the bytes there
//! (progress shown, a failure offers Retry), and the user message carries the ids. The page
//! checks type and size first to explain a refusal at once; the server checks both again.
//! Sent attachments are shown in their message, inertly: an image through its preview link,
//! anything else as a named chip.

use super::account::AccountError;
use super::wire::SentFile;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the page offers to attach: images and PDF (the API may accept more).
const PAGE_KINDS: [&str; 4] = ["image/png", "image/jpeg", "image/webp", "application/pdf"];

/// Most attachments one message carries (the server's own cap).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub const MAX_PER_MESSAGE: usize = 10;

/// The server's attachment limits, as far as the page's kinds go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachRules {
    pub max_bytes: u64,
    pub mime_types: Vec<String>,
}

impl Default for AttachRules {
    /// Until the server's rules arrive: the shipped defaults (the server decides anyway).
    fn default() -> Self {
        AttachRules {
            max_bytes: 10 * 1024 * 1024,
            mime_types: PAGE_KINDS.iter().map(|m| (*m).to_owned()).collect(),
        }
    }
}

impl AttachRules {
    /// The page's kinds that the server accepts.
    #[cfg_attr(not(feature = "ssr"), allow(dead_code))]
    pub fn from_server(max_bytes: u64, accepted: &[String]) -> Self {
        AttachRules {
            max_bytes,
            mime_types: PAGE_KINDS
                .iter()
                .filter(|kind| accepted.iter().any(|a| a == *kind))
                .map(|kind| (*kind).to_owned())
                .collect(),
        }
    }

    /// The file picker's `accept` attribute.
    pub fn accept(&self) -> String {
        self.mime_types.join(",")
    }

    /// Why this file cannot be attached, in the bettor's words; `None` when it can.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub fn refusal(&self, name: &str, size: u64, mime_type: &str) -> Option<String> {
        if !self.mime_types.iter().any(|m| m == mime_type) {
            return Some(format!(
                "{name} cannot be attached: only images (PNG, JPEG, WebP) and PDF files are accepted."
            ));
        }
        if size == 0 {
            return Some(format!("{name} is empty."));
        }
        if size > self.max_bytes {
            return Some(format!(
                "{name} is {}; files can be at most {}.",
                size_text(size),
                size_text(self.max_bytes)
            ));
        }
        None
    }
}

/// `512 B`, `48 KB`, `10 MB` (binary units, as the limit is configured).
pub fn size_text(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        let tenths = (bytes * 10 + MB / 2) / MB;
        if tenths.is_multiple_of(10) {
            format!("{} MB", tenths / 10)
        } else {
            format!("{}.{} MB", tenths / 10, tenths % 10)
        }
    } else if bytes >= KB {
        format!("{} KB", (bytes + KB / 2) / KB)
    } else {
        format!("{bytes} B")
    }
}

/// The server's attachment limits for the page's checks.
#[server(endpoint = "ui/attachment_rules")]
pub async fn attachment_rules() -> Result<AttachRules, AccountError> {
    let state = super::door::app_state().map_err(|e| AccountError::Unavailable(e.to_string()))?;
    let limits = &state.config.app.limits;
    Ok(AttachRules::from_server(
        limits.attachment_max_bytes,
        &limits.attachment_mime_types,
    ))
}

/// Where one chosen file is on its way to the message.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // uploads run in the browser only
#[derive(Clone, Debug, PartialEq)]
pub enum UploadState {
    /// Percent of the bytes sent.
    Uploading(u8),
    Failed(String),
    Ready,
}

/// A file in the composer, not sent yet.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    /// The page's own key for it (the attachment id comes later).
    pub key: u32,
    pub name: String,
    pub mime_type: String,
    pub size: u64,
    /// Once `attachments.create` answered.
    pub attachment_id: Option<String>,
    pub state: UploadState,
}

/// The ids a message may carry now: `None` while a file is still uploading or has failed (the
/// bettor retries or removes it first).
pub fn ready_ids(pending: &[Pending]) -> Option<Vec<String>> {
    pending
        .iter()
        .map(|p| match (&p.state, &p.attachment_id) {
            (UploadState::Ready, Some(id)) => Some(id.clone()),
            _ => None,
        })
        .collect()
}

/// The composer's attachments: chosen files, their uploads and the last refusal.
#[derive(Clone, Copy)]
pub struct Attachments {
    pub pending: RwSignal<Vec<Pending>>,
    /// Why the last chosen file was refused (shown until the next choice).
    pub notice: RwSignal<Option<String>>,
    pub rules: RwSignal<AttachRules>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    next_key: RwSignal<u32>,
}

impl Attachments {
    pub fn new() -> Self {
        Attachments {
            pending: RwSignal::new(Vec::new()),
            notice: RwSignal::new(None),
            rules: RwSignal::new(AttachRules::default()),
            next_key: RwSignal::new(1),
        }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn set_state(self, key: u32, state: UploadState) {
        self.pending.update(|list| {
            if let Some(p) = list.iter_mut().find(|p| p.key == key) {
                p.state = state;
            }
        });
    }

    /// Takes the ready ids for a message and empties the composer; `None` (and nothing
    /// changes) while an upload is unfinished.
    pub fn take_for_message(self) -> Option<Vec<String>> {
        let ids = self.pending.with_untracked(|p| ready_ids(p))?;
        self.pending.set(Vec::new());
        self.notice.set(None);
        browser::forget_all();
        Some(ids)
    }

    /// Drops a file from the composer; an attachment already created is deleted on the server.
    pub fn remove(self, key: u32) {
        let removed = self.pending.with_untracked(|list| {
            list.iter()
                .find(|p| p.key == key)
                .map(|p| p.attachment_id.clone())
        });
        let Some(attachment_id) = removed else {
            return;
        };
        self.pending.update(|list| list.retain(|p| p.key != key));
        browser::forget(key);
        if let Some(attachment_id) = attachment_id {
            delete_on_server(attachment_id);
        }
    }

    /// Starts a failed upload over (a new attachment: the old one may be half done).
    pub fn retry(self, key: u32) {
        let old = self.pending.with_untracked(|list| {
            list.iter()
                .find(|p| p.key == key)
                .map(|p| p.attachment_id.clone())
        });
        let Some(old) = old else {
            return;
        };
        if let Some(attachment_id) = old {
            delete_on_server(attachment_id);
        }
        self.pending.update(|list| {
            if let Some(p) = list.iter_mut().find(|p| p.key == key) {
                p.attachment_id = None;
                p.state = UploadState::Uploading(0);
            }
        });
        browser::upload(self, key);
    }
}

impl Default for Attachments {
    fn default() -> Self {
        Self::new()
    }
}

/// Deletes an attachment the bettor dropped (best effort: the server's sweep reclaims any
/// that no message holds).
fn delete_on_server(attachment_id: String) {
    use crate::protocol::{ChatKitRequest, DeleteAttachmentParams};
    leptos::task::spawn_local(async move {
        let request =
            ChatKitRequest::DeleteAttachment(DeleteAttachmentParams { attachment_id }.into());
        if let Err(e) = super::chat::call_json(request).await {
            leptos::logging::warn!("could not delete a dropped attachment: {e}");
        }
    });
}

/// The file picker's answer: each file checked, then uploaded.
#[cfg(feature = "hydrate")]
pub fn choose(attachments: Attachments, files: web_sys::FileList) {
    let rules = attachments.rules.get_untracked();
    attachments.notice.set(None);
    for i in 0..files.length() {
        let Some(file) = files.item(i) else { continue };
        let (name, mime_type, size) = (file.name(), file.type_(), file.size() as u64);
        if let Some(reason) = rules.refusal(&name, size, &mime_type) {
            attachments.notice.set(Some(reason));
            continue;
        }
        if attachments.pending.with_untracked(Vec::len) >= MAX_PER_MESSAGE {
            attachments.notice.set(Some(format!(
                "A message can carry at most {MAX_PER_MESSAGE} attachments."
            )));
            break;
        }
        let key = attachments.next_key.get_untracked();
        attachments.next_key.set(key + 1);
        attachments.pending.update(|list| {
            list.push(Pending {
                key,
                name,
                mime_type,
                size,
                attachment_id: None,
                state: UploadState::Uploading(0),
            })
        });
        browser::keep(key, file);
        browser::upload(attachments, key);
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{Attachments, UploadState};
    use crate::protocol::{ChatKitRequest, CreateAttachmentParams};
    use crate::ui::wire::str_at;
    use leptos::prelude::*;
    use std::cell::RefCell;
    use std::collections::HashMap;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::js_sys::{Function, Promise};
    use wasm_bindgen_futures::JsFuture;

    thread_local! {
        /// The chosen files, by the page's key, until sent or removed (a retry needs them).
        static FILES: RefCell<HashMap<u32, web_sys::File>> = RefCell::new(HashMap::new());
    }

    pub fn keep(key: u32, file: web_sys::File) {
        FILES.with(|files| files.borrow_mut().insert(key, file));
    }

    pub fn forget(key: u32) {
        FILES.with(|files| files.borrow_mut().remove(&key));
    }

    pub fn forget_all() {
        FILES.with(|files| files.borrow_mut().clear());
    }

    /// Creates the attachment, then posts its bytes to the signed link.
    pub fn upload(attachments: Attachments, key: u32) {
        let Some(file) = FILES.with(|files| files.borrow().get(&key).cloned()) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let outcome = async {
                let request = ChatKitRequest::CreateAttachment(
                    CreateAttachmentParams {
                        name: file.name(),
                        size: file.size() as u64,
                        mime_type: file.type_(),
                    }
                    .into(),
                );
                let created = super::super::chat::call_json(request).await?;
                let id = str_at(&created, "id").to_owned();
                attachments.pending.update(|list| {
                    if let Some(p) = list.iter_mut().find(|p| p.key == key) {
                        p.attachment_id = Some(id);
                    }
                });
                let url = created
                    .get("upload_descriptor")
                    .and_then(|d| d.get("url"))
                    .and_then(serde_json::Value::as_str)
                    .ok_or("the server gave no upload link")?
                    .to_owned();
                send_bytes(&url, &file, attachments, key).await
            }
            .await;
            // The file may have been removed meanwhile: then there is nothing to update.
            attachments.set_state(
                key,
                match outcome {
                    Ok(()) => UploadState::Ready,
                    Err(reason) => UploadState::Failed(reason),
                },
            );
        });
    }

    /// Posts the file (multipart field `file`) with progress; XHR, as fetch reports none.
    async fn send_bytes(
        url: &str,
        file: &web_sys::File,
        attachments: Attachments,
        key: u32,
    ) -> Result<(), String> {
        let js = |e: wasm_bindgen::JsValue| format!("{e:?}");
        let xhr = web_sys::XmlHttpRequest::new().map_err(js)?;
        xhr.open_with_async("POST", url, true).map_err(js)?;
        let form = web_sys::FormData::new().map_err(js)?;
        form.append_with_blob_and_filename("file", file, &file.name())
            .map_err(js)?;
        let progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
                if ev.length_computable() && ev.total() > 0.0 {
                    let percent = (ev.loaded() / ev.total() * 100.0).clamp(0.0, 100.0) as u8;
                    attachments.set_state(key, UploadState::Uploading(percent));
                }
            });
        let upload = xhr.upload().map_err(js)?;
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
        let finished = Promise::new(&mut |resolve: Function, reject: Function| {
            xhr.set_onload(Some(&resolve));
            xhr.set_onerror(Some(&reject));
            xhr.set_onabort(Some(&reject));
            xhr.set_ontimeout(Some(&reject));
        });
        xhr.send_with_opt_form_data(Some(&form)).map_err(js)?;
        let done = JsFuture::from(finished).await;
        upload.set_onprogress(None);
        drop(progress);
        if done.is_err() {
            return Err("the upload did not get through; check the connection".into());
        }
        let status = xhr.status().map_err(js)?;
        if status == 200 {
            return Ok(());
        }
        let body = xhr.response_text().ok().flatten().unwrap_or_default();
        Err(super::refusal_text(status, &body))
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    use super::Attachments;
    pub fn forget(_key: u32) {}
    pub fn forget_all() {}
    pub fn upload(_attachments: Attachments, _key: u32) {}
}

/// What the bettor reads for a refused upload: the server's own message when it gave one.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub fn refusal_text(status: u16, body: &str) -> String {
    let message = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.pointer("/error/message")
                .or_else(|| v.get("message"))
                .or_else(|| v.get("error"))
                .and_then(|m| m.as_str().map(str::to_owned))
        });
    match (status, message) {
        (429, _) => "the server is busy with other uploads; try again in a moment".into(),
        (_, Some(message)) => message,
        (413, None) => "the file is larger than the server accepts".into(),
        (status, None) => format!("the upload failed (HTTP {status})"),
    }
}

/// The composer's row of chosen files: name, progress or failure (with Retry), Remove.
#[component]
pub fn PendingAttachments(attachments: Attachments) -> impl IntoView {
    view! {
        <Show when=move || attachments.pending.with(|p| !p.is_empty())>
            <ul id="composer-attachments" class="flex flex-wrap gap-2 px-3 pt-2 md:px-4" aria-label="Attachments to send">
                <For each=move || attachments.pending.get() key=|p| (p.key, format!("{:?}", p.state))
                    children=move |p| pending_view(p, attachments)/>
            </ul>
        </Show>
        {move || attachments.notice.get().map(|notice| view! {
            <p id="attach-notice" role="alert" class="px-3 pt-2 text-sm text-amber-300 md:px-4">{notice}</p>
        })}
    }
}

fn pending_view(p: Pending, attachments: Attachments) -> impl IntoView {
    let key = p.key;
    let name = p.name.clone();
    let status = match &p.state {
        UploadState::Uploading(percent) => view! {
            <progress class="h-1.5 w-16" max="100" value=*percent
                aria-label=format!("Uploading {name}")></progress>
        }
        .into_any(),
        UploadState::Failed(reason) => view! {
            <span class="text-red-300" data-upload="failed">{format!("Failed: {reason}")}</span>
            <button type="button" class="rounded px-1.5 text-emerald-300 underline hover:text-emerald-200"
                aria-label=format!("Retry uploading {name}")
                on:click=move |_| attachments.retry(key)>"Retry"</button>
        }
        .into_any(),
        UploadState::Ready => view! { <span class="text-emerald-300" data-upload="ready">"Ready"</span> }.into_any(),
    };
    let state = match p.state {
        UploadState::Uploading(_) => "uploading",
        UploadState::Failed(_) => "failed",
        UploadState::Ready => "ready",
    };
    view! {
        <li class="flex max-w-full items-center gap-2 rounded-md border border-slate-700 bg-slate-900 px-2 py-1 text-xs text-slate-200"
            data-pending=state>
            <span class="max-w-[12rem] truncate" title=p.name.clone()>{p.name.clone()}</span>
            <span class="text-slate-400">{size_text(p.size)}</span>
            {status}
            <button type="button" class="rounded px-1.5 text-slate-300 hover:bg-slate-800"
                aria-label=format!("Remove {}", p.name)
                on:click=move |_| attachments.remove(key)>"×"</button>
        </li>
    }
}

/// A sent attachment in its message: an image's thumbnail (a named chip if it cannot load), or
/// a named chip. Names are text, links are the server's signed preview links.
#[component]
pub fn SentAttachment(attachment: SentFile) -> impl IntoView {
    let name = attachment.name.clone();
    let broken = RwSignal::new(false);
    let chip = {
        let name = name.clone();
        let label = if attachment.mime_type == "application/pdf" {
            "PDF"
        } else {
            "File"
        };
        move || {
            view! {
                <span data-attachment="file" class="inline-flex max-w-full items-center gap-1.5 rounded-md border border-slate-600 bg-slate-900 px-2 py-1 text-xs text-slate-200">
                    <span class="rounded bg-slate-700 px-1 font-semibold text-slate-100">{label}</span>
                    <span class="truncate">{name.clone()}</span>
                </span>
            }
        }
    };
    match attachment.preview_url {
        Some(preview_url) => view! {
            <Show when=move || !broken.get() fallback=chip.clone()>
                <img data-attachment="image" src=preview_url.clone() alt=name.clone() loading="lazy"
                    class="max-h-48 max-w-full rounded-lg border border-slate-700 object-contain"
                    on:error=move |_| broken.set(true)/>
            </Show>
        }
        .into_any(),
        None => chip().into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_explains_a_file_it_will_not_send() {
        let rules = AttachRules::from_server(
            10 * 1024 * 1024,
            &[
                "image/png".into(),
                "application/pdf".into(),
                "text/plain".into(),
            ],
        );
        assert_eq!(
            rules.accept(),
            "image/png,application/pdf",
            "text is API only"
        );
        assert_eq!(rules.refusal("slip.png", 2048, "image/png"), None);
        assert_eq!(
            rules.refusal("terms.pdf", 10 * 1024 * 1024, "application/pdf"),
            None
        );
        let too_big = rules
            .refusal("big.pdf", 10 * 1024 * 1024 + 1, "application/pdf")
            .unwrap();
        assert_eq!(too_big, "big.pdf is 10 MB; files can be at most 10 MB.");
        assert!(rules
            .refusal("photo.webp", 10, "image/webp")
            .unwrap()
            .contains("only images"));
        assert!(rules
            .refusal("run.html", 10, "text/html")
            .unwrap()
            .contains("run.html cannot be attached"));
        assert_eq!(
            rules.refusal("empty.png", 0, "image/png").as_deref(),
            Some("empty.png is empty.")
        );
        assert_eq!(size_text(900), "900 B");
        assert_eq!(size_text(48 * 1024), "48 KB");
        assert_eq!(size_text(1536 * 1024), "1.5 MB");
    }

    fn pending(key: u32, id: Option<&str>, state: UploadState) -> Pending {
        Pending {
            key,
            name: format!("f{key}"),
            mime_type: "image/png".into(),
            size: 1,
            attachment_id: id.map(str::to_owned),
            state,
        }
    }

    #[test]
    fn a_message_waits_for_every_upload() {
        assert_eq!(ready_ids(&[]), Some(vec![]));
        let ready = pending(1, Some("atc_1"), UploadState::Ready);
        assert_eq!(
            ready_ids(std::slice::from_ref(&ready)),
            Some(vec!["atc_1".into()])
        );
        for unfinished in [
            pending(2, Some("atc_2"), UploadState::Uploading(50)),
            pending(3, None, UploadState::Uploading(0)),
            pending(4, Some("atc_4"), UploadState::Failed("HTTP 500".into())),
        ] {
            assert_eq!(ready_ids(&[ready.clone(), unfinished]), None);
        }
    }

    #[test]
    fn a_refused_upload_reads_as_the_server_said() {
        assert_eq!(
            refusal_text(
                400,
                r#"{"error":{"message":"the file has 9 bytes but 3 were announced"}}"#
            ),
            "the file has 9 bytes but 3 were announced"
        );
        assert_eq!(
            refusal_text(413, ""),
            "the file is larger than the server accepts"
        );
        assert!(refusal_text(429, "{}").contains("busy"));
        assert_eq!(refusal_text(502, "<html>"), "the upload failed (HTTP 502)");
    }
}
