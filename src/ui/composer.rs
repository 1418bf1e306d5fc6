//! The composer: a textarea that grows with the message, and an attach button for images and
//! PDFs (uploaded as soon as chosen, sent with the message). Enter sends, Shift+Enter breaks
//! the line, Escape (or Stop) ends a running turn.

use super::attach::PendingAttachments;
use super::chat::Chat;
use leptos::prelude::*;

const PAPERCLIP: &str = "m21.44 11.05-9.19 9.19a6 6 0 0 1-8.49-8.49l8.57-8.57A4 4 0 1 1 18 8.84l-8.59 8.57a2 2 0 0 1-2.83-2.83l8.49-8.48";

/// Most lines the composer grows to before it scrolls.
const MAX_ROWS: usize = 6;

#[component]
pub fn Composer(chat: Chat, draft: RwSignal<String>) -> impl IntoView {
    let busy = chat.busy;
    let attachments = chat.attachments;
    let send = move || {
        let text = draft.get_untracked();
        if !untrack(|| chat.can_send(&text)) {
            return;
        }
        draft.set(String::new());
        chat.send(text);
    };
    let file_input = NodeRef::<leptos::html::Input>::new();
    let on_files = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        if let Some(input) = file_input.get_untracked() {
            if let Some(files) = input.files() {
                super::attach::choose(attachments, files);
            }
            // The same file can be chosen again (after a removal).
            input.set_value("");
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        // Enter sends unless Shift is held or an input method is composing a character.
        "Enter" if !ev.shift_key() && !ev.is_composing() => {
            ev.prevent_default();
            send();
        }
        "Escape" if busy.get_untracked() => {
            ev.prevent_default();
            chat.stop();
        }
        _ => {}
    };
    let rows = move || draft.with(|d| d.split('\n').count().clamp(1, MAX_ROWS));
    view! {
        <div class="border-t border-slate-800">
        <PendingAttachments attachments/>
        <form id="composer" class="flex items-end gap-2 p-3 md:p-4"
            on:submit=move |ev| { ev.prevent_default(); send() }>
            <input id="attach-input" type="file" multiple class="hidden" tabindex="-1" aria-hidden="true"
                accept=move || attachments.rules.with(|r| r.accept())
                node_ref=file_input on:change=on_files/>
            <button id="attach-button" type="button" aria-label="Attach an image or PDF"
                title="Attach an image or PDF"
                class="rounded-md border border-slate-700 px-2.5 py-2 text-slate-200 hover:bg-slate-800 disabled:opacity-40"
                disabled=move || busy.get()
                on:click=move |_| {
                    if let Some(input) = file_input.get_untracked() {
                        input.click();
                    }
                }>
                <svg class="h-5 w-5" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"
                    stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
                    <path d=PAPERCLIP></path>
                </svg>
            </button>
            <label for="composer-input" class="sr-only">"Message Professor Lock"</label>
            <textarea
                id="composer-input"
                class="max-h-48 min-w-0 flex-1 resize-none rounded-md border border-slate-700 bg-slate-900 px-3 py-2 text-base text-slate-100 placeholder:text-slate-400 focus:border-emerald-500 focus:outline-none md:text-sm"
                placeholder="Ask Professor Lock…"
                autocomplete="off"
                aria-keyshortcuts="Enter Shift+Enter Escape"
                rows=rows
                prop:value=move || draft.get()
                // The bettor is about to write: fetch the answer renderer meanwhile.
                on:focus=move |_| super::rich::preload()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:keydown=on_keydown
            ></textarea>
            <Show when=move || busy.get() && chat.transcript.with(|t| t.thread_id.is_some())>
                <button id="composer-stop" type="button"
                    class="rounded-md border border-slate-600 px-4 py-2 text-slate-200 hover:bg-slate-800"
                    on:click=move |_| chat.stop()>
                    "Stop"
                </button>
            </Show>
            <button
                id="composer-send"
                type="submit"
                class="rounded-md bg-emerald-700 px-4 py-2 font-medium text-white hover:bg-emerald-600 disabled:opacity-40"
                disabled=move || draft.with(|d| !chat.can_send(d))
            >
                "Send"
            </button>
        </form>
        </div>
    }
}
