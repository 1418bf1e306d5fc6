//! The composer: a textarea that grows with the message. Enter sends, Shift+Enter breaks the
//! line, Escape (or Stop) ends a running turn.

use super::chat::Chat;
use leptos::prelude::*;

/// Most lines the composer grows to before it scrolls.
const MAX_ROWS: usize = 6;

#[component]
pub fn Composer(chat: Chat, draft: RwSignal<String>) -> impl IntoView {
    let busy = chat.busy;
    let send = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() || busy.get_untracked() {
            return;
        }
        draft.set(String::new());
        chat.send(text);
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
        <form id="composer" class="flex items-end gap-2 border-t border-slate-800 p-3 md:p-4"
            on:submit=move |ev| { ev.prevent_default(); send() }>
            <label for="composer-input" class="sr-only">"Message Professor Lock"</label>
            <textarea
                id="composer-input"
                class="max-h-48 min-w-0 flex-1 resize-none rounded-md border border-slate-700 bg-slate-900 px-3 py-2 text-base text-slate-100 placeholder:text-slate-500 focus:border-emerald-500 focus:outline-none md:text-sm"
                placeholder="Ask Professor Lock…"
                autocomplete="off"
                aria-keyshortcuts="Enter Shift+Enter Escape"
                rows=rows
                prop:value=move || draft.get()
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
                class="rounded-md bg-emerald-600 px-4 py-2 font-medium text-white hover:bg-emerald-500 disabled:opacity-40"
                disabled=move || busy.get() || draft.with(|d| d.trim().is_empty())
            >
                "Send"
            </button>
        </form>
    }
}
