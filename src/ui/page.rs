//! The `/professor-lock` chat page: the header, the thread list (a drawer on phones), the
//! transcript and the composer around one shared [`Chat`] state, and the responsible-gambling
//! disclaimer. The page fills the dynamic viewport (`h-dvh`), so the composer stays on screen
//! above a phone's keyboard and only the transcript scrolls.

use super::account::stake_rules;
use super::attach::SentAttachment;
use super::chat::{copy_text, run_action, Chat};
use super::composer::Composer;
use super::header::{Header, Section};
use super::rich::{rich_view, Rich};
use super::threads::ThreadPanel;
use super::transcript::Shown;
use super::widget_view::{HouseRules, TurnRunning, WidgetActions};
use crate::protocol::{ActionConfig, FeedbackKind, ItemKind};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ProfessorLockPage() -> impl IntoView {
    // Effects only run in the browser: this flips once the page is hydrated, which the
    // browser tests wait for before clicking.
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));

    let chat = Chat::new();
    let draft = RwSignal::new(String::new());
    provide_context(TurnRunning(chat.busy.into()));
    // The house's stake rules, for the slip's inline checks (loaded in the browser only: the
    // server checks every stake anyway).
    let rules = LocalResource::new(stake_rules);
    provide_context(HouseRules(Signal::derive(move || {
        rules.get().and_then(Result::ok)
    })));
    // The server's attachment limits, for the composer's checks (the server checks again).
    let attach_rules = LocalResource::new(super::attach::attachment_rules);
    Effect::new(move |_| {
        if let Some(Ok(rules)) = attach_rules.get() {
            chat.attachments.rules.set(rules);
        }
    });

    // Once live: the thread list, and the thread the address names (a reload or a shared link).
    let query = use_query_map();
    Effect::new(move |_| {
        chat.load_threads(false);
        if let Some(id) = query.with_untracked(|q| q.get("thread")) {
            chat.open(id);
        }
    });
    // Escape closes the phone's thread drawer (the listener goes with the page).
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && chat.drawer_open.get_untracked() {
            chat.drawer_open.set(false);
            focus_by_id("threads-button");
        }
    });
    on_cleanup(move || escape.remove());

    view! {
        <div class="flex h-dvh flex-col overflow-hidden" data-hydrated=move || hydrated.get().to_string()>
            <Header section=Section::Chat drawer_open=chat.drawer_open/>
            <div class="flex min-h-0 flex-1">
                <ThreadPanel chat/>
                <main class="flex min-w-0 flex-1 flex-col">
                    <TranscriptView chat/>
                    <Composer chat draft/>
                </main>
            </div>
            <Disclaimer/>
        </div>
    }
}

#[component]
pub fn Disclaimer() -> impl IntoView {
    view! {
        <footer id="disclaimer" class="border-t border-slate-800 px-3 py-1.5 text-center text-[11px] leading-snug text-slate-400 md:px-6 md:py-2 md:text-xs">
            "For entertainment and information only. Odds and stats may be delayed or wrong; bet responsibly, 21+. "
            "Problem gambling? Call 1-800-GAMBLER."
        </footer>
    }
}

/// Moves the keyboard focus to the element with this id (when the browser has it).
fn focus_by_id(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = document()
            .get_element_by_id(id)
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// The conversation: the start screen's prompts, the items, the running turn's status line,
/// and a failed turn's error with Retry.
#[component]
fn TranscriptView(chat: Chat) -> impl IntoView {
    let transcript = chat.transcript;
    // The transcript follows a streaming answer down, unless the reader has scrolled up.
    let transcript_box = NodeRef::<leptos::html::Section>::new();
    let (follow, set_follow) = signal(true);
    Effect::new(move |_| {
        transcript.track();
        if let (true, Some(section)) = (follow.get_untracked(), transcript_box.get()) {
            section.set_scroll_top(section.scroll_height());
        }
    });
    let on_scroll = move |_| {
        if let Some(section) = transcript_box.get_untracked() {
            let from_bottom =
                section.scroll_height() - section.scroll_top() - section.client_height();
            set_follow.set(from_bottom < 80);
        }
    };
    view! {
        <section id="transcript" class="min-w-0 flex-1 space-y-4 overflow-y-auto overflow-x-hidden p-3 md:p-6"
            aria-label="Conversation" node_ref=transcript_box on:scroll=on_scroll>
            <Show when=move || transcript.with(|t| t.items.is_empty())>
                <div class="rounded-lg border border-slate-800 bg-slate-900 p-4 text-slate-300">
                    <p class="font-medium text-slate-100">"Ask me about tonight's games."</p>
                    <PromptChips busy=chat.busy on_pick=Callback::new(move |text| chat.send(text))/>
                </div>
            </Show>
            // Answers are announced as they finish, not token by token.
            <div class="space-y-4" aria-live="polite" aria-relevant="additions">
                <For
                    each=move || transcript.with(|t| t.items.clone())
                    key=|shown| (shown.item.id().to_owned(), shown.revision)
                    children=move |shown| item_view(shown, chat)
                />
            </div>
            {move || transcript.with(|t| t.progress.clone()).map(|p| view! {
                <p id="progress" role="status" class="text-sm italic text-slate-400">{p}</p>
            })}
            {move || transcript.with(|t| t.error.clone()).map(|e| view! {
                <div id="turn-error" role="alert" class="flex flex-wrap items-center gap-3 rounded-md border border-red-800 bg-red-950 p-3 text-sm text-red-200">
                    <p class="min-w-0 flex-1 break-words">{e}</p>
                    <Show when=move || transcript.with(|t| t.can_retry()) && !chat.busy.get()>
                        <button id="retry-turn" type="button"
                            class="rounded-md border border-red-700 px-3 py-1 text-red-100 hover:bg-red-900"
                            on:click=move |_| chat.retry()>
                            "Retry"
                        </button>
                    </Show>
                </div>
            })}
        </section>
    }
}

/// The start screen's prompts, one tap each: the four things the app is for, and the ledger.
const START_PROMPTS: [&str; 5] = [
    "Show me tonight's NBA odds",
    "Build me a parlay with 3 picks",
    "How many points is LeBron averaging?",
    "Search for weather in Denver",
    "How are my bets doing?",
];

/// The start screen's prompts as buttons that send themselves.
#[component]
fn PromptChips(busy: RwSignal<bool>, on_pick: Callback<String>) -> impl IntoView {
    view! {
        <div id="prompt-chips" class="mt-3 flex flex-wrap gap-2" role="group" aria-label="Try asking">
            {START_PROMPTS.iter().map(|prompt| view! {
                <button type="button" data-prompt=*prompt
                    class="rounded-full border border-slate-700 px-3 py-1 text-left text-sm text-slate-200 hover:bg-slate-800 disabled:opacity-40"
                    disabled=move || busy.get()
                    on:click=move |_| on_pick.run((*prompt).to_owned())>
                    {*prompt}
                </button>
            }).collect_view()}
        </div>
    }
}

/// One transcript item: user and assistant messages as text, widgets through the renderer.
fn item_view(shown: Shown, chat: Chat) -> AnyView {
    let item = shown.item;
    if item.is(ItemKind::UserMessage) {
        let text = item.text();
        let attachments = item.attachments();
        return view! {
            <div class="flex flex-col items-end gap-2" data-item="user_message">
                {(!attachments.is_empty()).then(|| view! {
                    <div class="flex max-w-[85%] flex-wrap justify-end gap-2" data-attachments="">
                        {attachments.into_iter().map(|a| view! { <SentAttachment attachment=a/> }).collect_view()}
                    </div>
                })}
                {(!text.is_empty()).then(|| view! {
                    <p class="max-w-[85%] whitespace-pre-wrap break-words rounded-2xl bg-emerald-800/60 px-4 py-2 text-slate-50">{text}</p>
                })}
            </div>
        }
        .into_any();
    }
    if item.is(ItemKind::AssistantMessage) {
        let id = item.id().to_owned();
        let text = item.text();
        return view! {
            <div class="min-w-0 break-words text-slate-100" data-item="assistant_message">
                {rich_view(Rich::Answer(text.clone()))}
                <AnswerTools chat item_id=id text/>
            </div>
        }
        .into_any();
    }
    match item.widget() {
        Some(widget) if item.is(ItemKind::Widget) => {
            let item_id = item.id().to_owned();
            let thread_id = item.thread_id().to_owned();
            provide_context(WidgetActions(Callback::new(move |config: ActionConfig| {
                run_action(config, thread_id.clone(), item_id.clone(), chat)
            })));
            view! { <div class="min-w-0" data-item="widget">{rich_view(Rich::Widget(widget.clone()))}</div> }.into_any()
        }
        _ => ().into_any(),
    }
}

const THUMB_UP: &str = "M14 9V5a3 3 0 0 0-3-3l-4 9v11h11.28a2 2 0 0 0 2-1.7l1.38-9a2 2 0 0 0-2-2.3zM7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3";
const THUMB_DOWN: &str = "M10 15v4a3 3 0 0 0 3 3l4-9V2H5.72a2 2 0 0 0-2 1.7l-1.38 9a2 2 0 0 0 2 2.3zm7-13h2.67A2.31 2.31 0 0 1 22 4v7a2.31 2.31 0 0 1-2.33 2H17";

/// Copy, thumbs up and thumbs down under an answer.
#[component]
fn AnswerTools(chat: Chat, item_id: String, text: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let text = StoredValue::new(text);
    let id = StoredValue::new(item_id);
    let given = move || chat.feedback.with(|f| f.get(&id.get_value()).copied());
    // Drawn, not emoji: a system without an emoji font would show empty boxes.
    let thumb = move |kind: FeedbackKind, label: &'static str, glyph: &'static str| {
        view! {
            <button type="button" aria-label=label data-feedback=kind.as_str()
                class="rounded-md px-2 py-0.5 hover:bg-slate-800 aria-pressed:bg-slate-700 aria-pressed:text-slate-100"
                aria-pressed=move || (given() == Some(kind)).to_string()
                on:click=move |_| chat.give_feedback(id.get_value(), kind)>
                <svg class="h-4 w-4" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"
                    stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
                    <path d=glyph></path>
                </svg>
            </button>
        }
    };
    view! {
        <div class="mt-1 flex items-center gap-1 text-xs text-slate-400" role="group" aria-label="Answer tools">
            <button type="button" data-copy="" class="rounded-md px-2 py-0.5 hover:bg-slate-800"
                aria-label="Copy answer"
                on:click=move |_| {
                    let text = text.get_value();
                    leptos::task::spawn_local(async move { copied.set(copy_text(text).await) });
                }>
                {move || if copied.get() { "Copied" } else { "Copy" }}
            </button>
            {thumb(FeedbackKind::Positive, "Good answer", THUMB_UP)}
            {thumb(FeedbackKind::Negative, "Bad answer", THUMB_DOWN)}
        </div>
    }
}
