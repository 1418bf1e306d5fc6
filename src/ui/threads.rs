//! The thread list: a side column on desktops, a drawer on phones (the header's button opens
//! it; Escape, a tap outside or picking a thread closes it). Each thread opens, renames inline
//! and deletes after a confirm; "Load more" pages past the first threads.

use super::chat::Chat;
use super::wire::ThreadInfo;
use leptos::prelude::*;

#[component]
pub fn ThreadPanel(chat: Chat) -> impl IntoView {
    let open = chat.drawer_open;
    let busy = chat.busy;
    // An opened drawer takes the keyboard focus (its first control), as a dialog would.
    let first = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |was_open: Option<bool>| {
        let now_open = open.get();
        if now_open && was_open == Some(false) {
            if let Some(button) = first.get_untracked() {
                let _ = button.focus();
            }
        }
        now_open
    });
    view! {
        // The backdrop of the phone drawer: a tap outside the drawer closes it.
        <div id="drawer-backdrop" class="fixed inset-0 z-30 bg-black/60 md:hidden"
            class:hidden=move || !open.get() aria-hidden="true"
            on:click=move |_| open.set(false)></div>
        <aside id="thread-drawer" aria-label="Threads"
            class="fixed inset-y-0 left-0 z-40 w-72 max-w-[85vw] shrink-0 overflow-y-auto border-r border-slate-800 bg-slate-950 p-4 md:static md:z-auto md:block md:w-64 md:max-w-none"
            class:hidden=move || !open.get()>
            <div class="mb-2 flex items-center justify-between">
                <h2 class="text-xs font-semibold uppercase tracking-wider text-slate-400">"Threads"</h2>
                <button type="button" id="close-drawer" aria-label="Close threads" node_ref=first
                    class="rounded-md px-2 py-1 text-slate-400 hover:bg-slate-800 md:hidden"
                    on:click=move |_| open.set(false)>"✕"</button>
            </div>
            <button id="new-chat" type="button"
                class="mb-3 w-full rounded-md border border-slate-700 px-3 py-1.5 text-sm hover:bg-slate-800 disabled:opacity-40"
                disabled=move || busy.get()
                on:click=move |_| chat.new_chat()>
                "New chat"
            </button>
            <ul id="thread-list" class="space-y-1 text-sm text-slate-300">
                <Show when=move || chat.threads.with(Vec::is_empty)>
                    <li class="text-slate-400">"No conversations yet."</li>
                </Show>
                <For
                    each=move || chat.threads.get()
                    key=|t| (t.id.clone(), t.title.clone())
                    children=move |thread| view! { <ThreadRow thread chat/> }
                />
            </ul>
            <Show when=move || chat.more_threads.with(Option::is_some)>
                <button id="more-threads" type="button"
                    class="mt-3 w-full rounded-md px-3 py-1.5 text-sm text-slate-300 hover:bg-slate-800"
                    on:click=move |_| chat.load_threads(true)>
                    "Load more"
                </button>
            </Show>
        </aside>
    }
}

/// What a thread's row is doing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RowMode {
    Shown,
    Renaming,
    ConfirmingDelete,
}

#[component]
fn ThreadRow(thread: ThreadInfo, chat: Chat) -> impl IntoView {
    let mode = RwSignal::new(RowMode::Shown);
    let id = StoredValue::new(thread.id.clone());
    let title = thread
        .title
        .clone()
        .unwrap_or_else(|| "New conversation".into());
    let current = move || {
        chat.transcript
            .with(|t| t.thread_id.as_deref() == Some(id.get_value().as_str()))
    };
    let draft = RwSignal::new(title.clone());
    let save = move || {
        mode.set(RowMode::Shown);
        let new_title = draft.get_untracked();
        if !new_title.trim().is_empty() {
            chat.rename(id.get_value(), new_title);
        }
    };
    let title_for_labels = title.clone();
    let row = move || {
        match mode.get() {
        RowMode::Shown => {
            let title = title.clone();
            // A rename starts from the current name.
            let reset = title.clone();
            let rename_label = format!("Rename {title_for_labels}");
            let delete_label = format!("Delete {title_for_labels}");
            view! {
                <div class="group flex items-center gap-1">
                    <button type="button" data-thread=id.get_value()
                        class="min-w-0 flex-1 truncate rounded-md px-2 py-1 text-left hover:bg-slate-800"
                        class:bg-slate-800=current
                        aria-current=move || current().then_some("page")
                        on:click=move |_| chat.open(id.get_value())>
                        {title}
                    </button>
                    <button type="button" aria-label=rename_label data-rename=""
                        class="rounded-md px-1.5 py-1 text-slate-400 hover:bg-slate-800 hover:text-slate-100"
                        on:click=move |_| { draft.set(reset.clone()); mode.set(RowMode::Renaming) }>
                        <svg class="h-4 w-4" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
                            <path d="M12 20h9M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z"></path>
                        </svg>
                    </button>
                    <button type="button" aria-label=delete_label data-delete=""
                        class="rounded-md px-1.5 py-1 text-slate-400 hover:bg-slate-800 hover:text-red-300"
                        on:click=move |_| mode.set(RowMode::ConfirmingDelete)>
                        <svg class="h-4 w-4" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
                            <path d="M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6"></path>
                        </svg>
                    </button>
                </div>
            }
            .into_any()
        }
        RowMode::Renaming => {
            let input = NodeRef::<leptos::html::Input>::new();
            Effect::new(move |_| {
                if let Some(el) = input.get() {
                    let _ = el.focus();
                    el.select();
                }
            });
            view! {
            <form class="flex items-center gap-1" on:submit=move |ev| { ev.prevent_default(); save() }>
                <input class="min-w-0 flex-1 rounded-md border border-slate-600 bg-slate-900 px-2 py-1 text-sm text-slate-100"
                    aria-label="Thread title" data-rename-input="" maxlength="200"
                    prop:value=draft node_ref=input
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Escape" {
                        // Cancels the rename only (not the drawer).
                        ev.stop_propagation();
                        mode.set(RowMode::Shown);
                    }/>
                <button type="submit" class="rounded-md px-2 py-1 text-xs text-emerald-300 hover:bg-slate-800">"Save"</button>
            </form>
            }
            .into_any()
        }
        RowMode::ConfirmingDelete => view! {
            <div class="flex items-center gap-1 rounded-md bg-red-950/60 px-2 py-1" role="group" aria-label="Confirm delete">
                <span class="min-w-0 flex-1 truncate text-xs text-red-200">"Delete this chat?"</span>
                <button type="button" data-confirm-delete=""
                    class="rounded-md bg-red-700 px-2 py-0.5 text-xs text-white hover:bg-red-600"
                    on:click=move |_| { mode.set(RowMode::Shown); chat.delete(id.get_value()) }>"Delete"</button>
                <button type="button" class="rounded-md px-2 py-0.5 text-xs text-slate-300 hover:bg-slate-800"
                    on:click=move |_| mode.set(RowMode::Shown)>"Cancel"</button>
            </div>
        }
        .into_any(),
    }
    };
    view! { <li>{row}</li> }
}
