//! The `/professor-lock` page: header, thread list, transcript, composer and the
//! responsible-gambling disclaimer.

use super::door::{cancel_turn, chatkit_call, chatkit_stream};
use super::markdown::MarkdownText;
use super::prices::ChosenOddsFormat;
use super::transcript::{remember, EventLines, Shown, Transcript};
use super::widget_view::{WidgetActions, WidgetView};
use crate::domain::OddsFormat;
use crate::protocol::{
    Action, ActionConfig, AddUserMessageParams, ChatKitRequest, CreateThreadParams,
    CustomActionParams, HandledBy, ListItemsParams, ListThreadsParams, Page, SortOrder,
    SyncCustomActionResponse, Thread, ThreadItem, ThreadStreamEvent, UserMessageContent,
    UserMessageInput,
};
use leptos::prelude::*;

/// The page's chat state, shared by the composer, the transcript and the thread list.
#[derive(Clone, Copy)]
struct Chat {
    transcript: RwSignal<Transcript>,
    /// A turn is streaming: the composer waits.
    busy: RwSignal<bool>,
    /// The user's threads, newest first.
    threads: RwSignal<Vec<Thread>>,
}

/// How many threads the list shows, and how many items an opened thread loads.
const THREADS_SHOWN: u32 = 30;
const ITEMS_LOADED: u32 = 100;

#[component]
pub fn ProfessorLockPage() -> impl IntoView {
    // Effects only run in the browser: this flips once the page is hydrated, which the
    // browser tests wait for before clicking.
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));

    // Every price on the page follows this (widgets and answers are written in American odds).
    let (odds_format, set_odds_format) = signal(OddsFormat::American);
    provide_context(ChosenOddsFormat(odds_format));
    let toggle_odds = move |_| {
        set_odds_format.update(|f| {
            let next = OddsFormat::ALL
                .iter()
                .position(|x| x == f)
                .map_or(0, |i| i + 1);
            *f = OddsFormat::ALL[next % OddsFormat::ALL.len()];
        })
    };
    let odds_label = move || match odds_format.get() {
        OddsFormat::American => "Odds: American",
        OddsFormat::Decimal => "Odds: Decimal",
        OddsFormat::Fractional => "Odds: Fractional",
    };
    let (draft, set_draft) = signal(String::new());
    let chat = Chat {
        transcript: RwSignal::new(Transcript::default()),
        busy: RwSignal::new(false),
        threads: RwSignal::new(Vec::new()),
    };
    let Chat {
        transcript, busy, ..
    } = chat;
    Effect::new(move |_| load_threads(chat));
    // The transcript follows a streaming answer down, unless the reader has scrolled up.
    let transcript_box = NodeRef::<leptos::html::Section>::new();
    let (follow, set_follow) = signal(true);
    Effect::new(move |_| {
        transcript.track();
        if let (true, Some(section)) = (follow.get_untracked(), transcript_box.get()) {
            section.set_scroll_top(section.scroll_height());
        }
    });
    let on_transcript_scroll = move |_| {
        if let Some(section) = transcript_box.get_untracked() {
            let from_bottom =
                section.scroll_height() - section.scroll_top() - section.client_height();
            set_follow.set(from_bottom < 80);
        }
    };
    // Sends `text` as the next message (the composer's submit and the start screen's chips).
    let send_text = move |text: String| {
        let text = text.trim().to_owned();
        if text.is_empty() || busy.get_untracked() {
            return;
        }
        set_draft.set(String::new());
        let input = UserMessageInput {
            content: vec![UserMessageContent::text(text)],
            attachments: Vec::new(),
            quoted_text: None,
            inference_options: Default::default(),
        };
        let request = match transcript.with_untracked(|t| t.thread_id.clone()) {
            None => ChatKitRequest::CreateThread(CreateThreadParams { input }.into()),
            Some(thread_id) => {
                ChatKitRequest::AddUserMessage(AddUserMessageParams { thread_id, input }.into())
            }
        };
        run_turn(request, chat);
    };
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send_text(draft.get_untracked());
    };

    view! {
        <div class="flex h-full min-h-screen flex-col" data-hydrated=move || hydrated.get().to_string()>
            <header class="flex items-center justify-between border-b border-slate-800 px-6 py-3">
                <div class="flex items-center gap-3">
                    <svg class="h-7 w-7 text-emerald-400" viewBox="0 0 24 24" fill="none" stroke="currentColor"
                        stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
                        <rect x="4" y="11" width="16" height="10" rx="2"></rect>
                        <path d="M8 11V7a4 4 0 0 1 8 0v4"></path>
                    </svg>
                    <h1 class="text-xl font-semibold tracking-tight">"Professor Lock"</h1>
                    <span class="rounded-full bg-emerald-900/60 px-2 py-0.5 text-xs text-emerald-300">
                        "AI betting analyst"
                    </span>
                </div>
                <button
                    id="odds-format-toggle"
                    class="rounded-md border border-slate-700 px-3 py-1 text-sm hover:bg-slate-800"
                    on:click=toggle_odds
                >
                    {odds_label}
                </button>
            </header>
            <div class="flex min-h-0 flex-1">
                <aside class="hidden w-64 shrink-0 border-r border-slate-800 p-4 md:block" aria-label="Threads">
                    <h2 class="mb-2 text-xs font-semibold uppercase tracking-wider text-slate-400">"Threads"</h2>
                    <button id="new-chat" type="button"
                        class="mb-3 w-full rounded-md border border-slate-700 px-3 py-1.5 text-sm hover:bg-slate-800 disabled:opacity-40"
                        disabled=move || busy.get()
                        on:click=move |_| transcript.set(Transcript::default())>
                        "New chat"
                    </button>
                    <ul id="thread-list" class="space-y-1 text-sm text-slate-300">
                        <Show when=move || chat.threads.with(Vec::is_empty)>
                            <li class="text-slate-500">"No conversations yet."</li>
                        </Show>
                        <For
                            each=move || chat.threads.get()
                            key=|t| (t.id.clone(), t.title.clone())
                            children=move |thread| {
                                let id = thread.id.clone();
                                let current = move || transcript.with(|t| t.thread_id.as_deref() == Some(id.as_str()));
                                let title = thread.title.clone().unwrap_or_else(|| "New conversation".into());
                                view! {
                                    <li>
                                        <button type="button" data-thread=thread.id.clone()
                                            class="w-full truncate rounded-md px-2 py-1 text-left hover:bg-slate-800"
                                            class:bg-slate-800=current
                                            on:click=move |_| open_thread(thread.clone(), chat)>
                                            {title}
                                        </button>
                                    </li>
                                }
                            }
                        />
                    </ul>
                </aside>
                <main class="flex min-w-0 flex-1 flex-col">
                    <section id="transcript" class="flex-1 space-y-4 overflow-y-auto p-6" aria-live="polite"
                        node_ref=transcript_box on:scroll=on_transcript_scroll>
                        <Show when=move || transcript.with(|t| t.items.is_empty())>
                            <div class="rounded-lg border border-slate-800 bg-slate-900 p-4 text-slate-300">
                                <p class="font-medium text-slate-100">"Ask me about tonight's games."</p>
                                <PromptChips busy=busy on_pick=Callback::new(send_text)/>
                            </div>
                        </Show>
                        <For
                            each=move || transcript.with(|t| t.items.clone())
                            key=|shown| (shown.item.id().to_owned(), shown.revision)
                            children=move |shown| item_view(shown, chat)
                        />
                        {move || transcript.with(|t| t.progress.clone()).map(|p| view! {
                            <p id="progress" class="text-sm italic text-slate-400">{p}</p>
                        })}
                        {move || transcript.with(|t| t.error.clone()).map(|e| view! {
                            <p id="turn-error" role="alert" class="rounded-md border border-red-800 bg-red-950 p-3 text-sm text-red-200">{e}</p>
                        })}
                    </section>
                    <form id="composer" class="flex gap-2 border-t border-slate-800 p-4" on:submit=send>
                        <input
                            id="composer-input"
                            class="flex-1 rounded-md border border-slate-700 bg-slate-900 px-3 py-2 text-slate-100 placeholder:text-slate-500 focus:border-emerald-500 focus:outline-none"
                            placeholder="Ask Professor Lock…"
                            autocomplete="off"
                            prop:value=draft
                            on:input=move |ev| set_draft.set(event_target_value(&ev))
                        />
                        <Show when=move || busy.get() && transcript.with(|t| t.thread_id.is_some())>
                            <button id="composer-stop" type="button"
                                class="rounded-md border border-slate-600 px-4 py-2 text-slate-200 hover:bg-slate-800"
                                on:click=move |_| stop_turn(chat)>
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
                </main>
            </div>
            <footer id="disclaimer" class="border-t border-slate-800 px-6 py-2 text-center text-xs text-slate-500">
                "For entertainment and information only. Odds and stats may be delayed or wrong; bet responsibly, 21+. "
                "Problem gambling? Call 1-800-GAMBLER."
            </footer>
        </div>
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

/// The start screen's prompts as buttons that send themselves (a component of its own: it
/// keeps the page's view type within the compiler's depth limit).
#[component]
fn PromptChips(busy: RwSignal<bool>, on_pick: Callback<String>) -> impl IntoView {
    view! {
        <div id="prompt-chips" class="mt-3 flex flex-wrap gap-2" aria-label="Try asking">
            {START_PROMPTS.iter().map(|prompt| view! {
                <button type="button" data-prompt=*prompt
                    class="rounded-full border border-slate-700 px-3 py-1 text-sm text-slate-200 hover:bg-slate-800 disabled:opacity-40"
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
    match shown.item {
        ThreadItem::UserMessage(message) => view! {
            <div class="flex justify-end" data-item="user_message">
                <p class="max-w-[80%] whitespace-pre-wrap rounded-2xl bg-emerald-800/60 px-4 py-2 text-slate-50">{message.text()}</p>
            </div>
        }
        .into_any(),
        ThreadItem::AssistantMessage(message) => view! {
            <div class="text-slate-100" data-item="assistant_message"><MarkdownText text=message.text()/></div>
        }
        .into_any(),
        ThreadItem::Widget(widget) => {
            let item_id = widget.id.clone();
            let thread_id = widget.thread_id.clone();
            provide_context(WidgetActions(Callback::new(move |config: ActionConfig| {
                run_action(config, thread_id.clone(), item_id.clone(), chat)
            })));
            view! { <div data-item="widget"><WidgetView widget=widget.widget/></div> }.into_any()
        }
        _ => ().into_any(),
    }
}

/// A widget action: streamed ones run as a turn, sync ones replace their widget in place.
fn run_action(config: ActionConfig, thread_id: String, item_id: String, chat: Chat) {
    if config.handler() == HandledBy::Client {
        return;
    }
    let streaming = config.is_streaming();
    let params = CustomActionParams {
        thread_id,
        item_id: Some(item_id),
        action: Action {
            kind: config.kind,
            payload: config.payload,
        },
    };
    if streaming {
        if !chat.busy.get_untracked() {
            run_turn(ChatKitRequest::CustomAction(params.into()), chat);
        }
        return;
    }
    leptos::task::spawn_local(async move {
        let parsed: Result<SyncCustomActionResponse, String> =
            call_json(ChatKitRequest::SyncCustomAction(params.into())).await;
        chat.transcript.update(|t| match parsed {
            Ok(response) => {
                t.error = None;
                if let Some(item) = response.updated_item {
                    t.upsert(item);
                }
            }
            Err(e) => t.error = Some(e),
        });
    });
}

/// Streams a turn into the transcript; the composer stays disabled until it ends.
fn run_turn(request: ChatKitRequest, chat: Chat) {
    let Chat {
        transcript,
        busy,
        threads,
    } = chat;
    busy.set(true);
    transcript.update(Transcript::start_turn);
    leptos::task::spawn_local(async move {
        use futures::StreamExt;
        let apply = |line: &str| match serde_json::from_str::<ThreadStreamEvent>(line) {
            Ok(event) => {
                if let ThreadStreamEvent::ThreadCreated { thread }
                | ThreadStreamEvent::ThreadUpdated { thread } = &event
                {
                    threads.update(|list| remember(list, thread.clone()));
                }
                transcript.update(|t| t.apply(event))
            }
            Err(e) => leptos::logging::warn!("unreadable event: {e}"),
        };
        match chatkit_stream(request).await {
            Ok(stream) => {
                let mut stream = stream.into_inner();
                let mut lines = EventLines::default();
                while let Some(chunk) = stream.next().await {
                    match chunk {
                        Ok(text) => lines.push(&text).iter().for_each(|l| apply(l)),
                        Err(e) => {
                            transcript.update(|t| t.error = Some(e.to_string()));
                            break;
                        }
                    }
                }
                if let Some(last) = lines.finish() {
                    apply(&last);
                }
            }
            Err(e) => transcript.update(|t| t.error = Some(e.to_string())),
        }
        transcript.update(Transcript::end_turn);
        busy.set(false);
    });
}

/// Asks the server to stop the running turn; its stream then ends with what was said.
fn stop_turn(chat: Chat) {
    let Some(thread_id) = chat.transcript.with_untracked(|t| t.thread_id.clone()) else {
        return;
    };
    leptos::task::spawn_local(async move {
        if let Err(e) = cancel_turn(thread_id).await {
            chat.transcript.update(|t| t.error = Some(e.to_string()));
        }
    });
}

/// Fills the thread list (newest first) once the page is live.
fn load_threads(chat: Chat) {
    leptos::task::spawn_local(async move {
        let request = ChatKitRequest::ListThreads(
            ListThreadsParams {
                limit: Some(THREADS_SHOWN),
                order: SortOrder::Desc,
                after: None,
            }
            .into(),
        );
        match call_json::<Page<Thread>>(request).await {
            Ok(page) => chat.threads.set(page.data),
            Err(e) => chat.transcript.update(|t| t.error = Some(e)),
        }
    });
}

/// Shows a stored thread: its latest items, oldest first.
fn open_thread(thread: Thread, chat: Chat) {
    if chat.busy.get_untracked() {
        return;
    }
    leptos::task::spawn_local(async move {
        let request = ChatKitRequest::ListItems(
            ListItemsParams {
                thread_id: thread.id.clone(),
                limit: Some(ITEMS_LOADED),
                order: SortOrder::Desc,
                after: None,
            }
            .into(),
        );
        match call_json::<Page<ThreadItem>>(request).await {
            Ok(page) => {
                let mut items = page.data;
                items.reverse();
                chat.transcript.set(Transcript::opened(&thread, items));
            }
            Err(e) => chat.transcript.update(|t| t.error = Some(e)),
        }
    });
}

/// A JSON request through the page's door, its answer parsed.
async fn call_json<T: serde::de::DeserializeOwned>(request: ChatKitRequest) -> Result<T, String> {
    let body = chatkit_call(request).await.map_err(|e| e.to_string())?;
    serde_json::from_str(&body).map_err(|e| e.to_string())
}
