//! The header every page shares: the name, the way between the chat and My bets, and the odds
//! format toggle. One line at 390 px: the tagline and the word "Odds:" appear only where
//! there is room; on phones the chat page adds the button that opens the thread drawer.

use super::prices::ChosenOddsFormat;
use crate::domain::OddsFormat;
use leptos::prelude::*;
use leptos_router::components::A;

/// Which page the header sits on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Chat,
    Bets,
}

/// The page-wide odds format, with its toggle (provided by `App`).
#[derive(Clone, Copy)]
pub struct OddsToggle(pub WriteSignal<OddsFormat>);

#[component]
pub fn Header(
    section: Section,
    /// The thread drawer's state (chat page only): the header holds its phone button.
    #[prop(optional)]
    drawer_open: Option<RwSignal<bool>>,
) -> impl IntoView {
    let format = use_context::<ChosenOddsFormat>().map(|f| f.0);
    let toggle = use_context::<OddsToggle>();
    let next_format = move |_| {
        if let Some(OddsToggle(set)) = toggle {
            set.update(|f| {
                let next = OddsFormat::ALL
                    .iter()
                    .position(|x| x == f)
                    .map_or(0, |i| i + 1);
                *f = OddsFormat::ALL[next % OddsFormat::ALL.len()];
            })
        }
    };
    let odds_name = move || match format.map(|f| f.get()).unwrap_or(OddsFormat::American) {
        OddsFormat::American => "American",
        OddsFormat::Decimal => "Decimal",
        OddsFormat::Fractional => "Fractional",
    };
    let menu = drawer_open.map(|open| {
        view! {
            <button id="threads-button" type="button"
                class="-ml-1 rounded-md p-1.5 text-slate-300 hover:bg-slate-800 md:hidden"
                aria-label="Open threads" aria-controls="thread-drawer"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.set(true)>
                <svg class="h-6 w-6" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"
                    stroke-linecap="round" aria-hidden="true">
                    <path d="M4 6h16M4 12h16M4 18h16"></path>
                </svg>
            </button>
        }
    });
    let (link_href, link_text) = match section {
        Section::Chat => ("/professor-lock/bets", "My bets"),
        Section::Bets => ("/professor-lock", "Chat"),
    };
    view! {
        <header id="page-header" class="flex items-center gap-2 border-b border-slate-800 px-3 py-2 md:gap-3 md:px-6 md:py-3">
            {menu}
            <svg class="h-6 w-6 shrink-0 text-emerald-400 md:h-7 md:w-7" viewBox="0 0 24 24" fill="none" stroke="currentColor"
                stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
                <rect x="4" y="11" width="16" height="10" rx="2"></rect>
                <path d="M8 11V7a4 4 0 0 1 8 0v4"></path>
            </svg>
            <h1 class="min-w-0 truncate whitespace-nowrap text-base font-semibold tracking-tight md:text-xl">"Professor Lock"</h1>
            <span class="hidden whitespace-nowrap rounded-full bg-emerald-900/60 px-2 py-0.5 text-xs text-emerald-300 lg:inline">
                "AI betting analyst"
            </span>
            <nav class="ml-auto flex shrink-0 items-center gap-2" aria-label="Pages">
                <A href=link_href attr:id="nav-link"
                    attr:class="whitespace-nowrap rounded-md border border-slate-700 px-2 py-1 text-sm hover:bg-slate-800 md:px-3">
                    {link_text}
                </A>
                <button
                    id="odds-format-toggle"
                    type="button"
                    class="whitespace-nowrap rounded-md border border-slate-700 px-2 py-1 text-sm hover:bg-slate-800 md:px-3"
                    aria-label=move || format!("Odds: {}, switch the odds format", odds_name())
                    on:click=next_format
                >
                    <span class="hidden sm:inline">"Odds: "</span>{odds_name}
                </button>
            </nav>
        </header>
    }
}
