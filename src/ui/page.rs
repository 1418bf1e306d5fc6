//! The `/professor-lock` page: header, thread list, transcript, composer and the
//! responsible-gambling disclaimer.

use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum OddsDisplay {
    American,
    Decimal,
}

#[component]
pub fn ProfessorLockPage() -> impl IntoView {
    // Effects only run in the browser: this flips once the page is hydrated, which the
    // browser tests wait for before clicking.
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));

    let (odds_display, set_odds_display) = signal(OddsDisplay::American);
    let toggle_odds = move |_| {
        set_odds_display.update(|d| {
            *d = match d {
                OddsDisplay::American => OddsDisplay::Decimal,
                OddsDisplay::Decimal => OddsDisplay::American,
            }
        })
    };
    let odds_label = move || match odds_display.get() {
        OddsDisplay::American => "Odds: American",
        OddsDisplay::Decimal => "Odds: Decimal",
    };
    let (draft, set_draft) = signal(String::new());

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
                    <ul id="thread-list" class="space-y-1 text-sm text-slate-300">
                        <li class="text-slate-500">"No conversations yet."</li>
                    </ul>
                </aside>
                <main class="flex min-w-0 flex-1 flex-col">
                    <section id="transcript" class="flex-1 space-y-4 overflow-y-auto p-6" aria-live="polite">
                        <div class="rounded-lg border border-slate-800 bg-slate-900 p-4 text-slate-300">
                            <p class="font-medium text-slate-100">"Ask me about tonight's games."</p>
                            <p class="mt-1 text-sm">
                                "Try “Show me tonight's NBA odds”, “Build me a parlay with 3 picks” or “How many points is LeBron averaging?”"
                            </p>
                        </div>
                    </section>
                    <form id="composer" class="flex gap-2 border-t border-slate-800 p-4" on:submit=|ev| ev.prevent_default()>
                        <input
                            id="composer-input"
                            class="flex-1 rounded-md border border-slate-700 bg-slate-900 px-3 py-2 text-slate-100 placeholder:text-slate-500 focus:border-emerald-500 focus:outline-none"
                            placeholder="Ask Professor Lock…"
                            autocomplete="off"
                            prop:value=draft
                            on:input=move |ev| set_draft.set(event_target_value(&ev))
                        />
                        <button
                            id="composer-send"
                            type="submit"
                            class="rounded-md bg-emerald-600 px-4 py-2 font-medium text-white hover:bg-emerald-500 disabled:opacity-40"
                            disabled=move || draft.with(|d| d.trim().is_empty())
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
