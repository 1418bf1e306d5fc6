//! The browser UI (Leptos components), rendered on the server and hydrated in the browser.
//! Compiles for both sides: never imports server-only crates.

pub mod account;
mod attach;
mod bets;
mod chat;
mod composer;
#[cfg(feature = "ssr")]
mod csp;
mod door;
mod element;
mod feedback;
mod header;
mod live_slip;
mod markdown;
mod page;
mod prices;
mod rich;
mod threads;
pub mod transcript;
mod widget_view;
pub mod wire;

#[cfg(feature = "ssr")]
pub use door::UiBackend;
pub use door::{cancel_turn, chatkit_call, chatkit_stream};

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute};

pub use bets::BetsPage;
pub use page::ProfessorLockPage;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    csp::set_page_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en" class="h-full">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, interactive-widget=resizes-content"/>
                <meta name="color-scheme" content="dark"/>
                <AutoReload options=options.clone()/>
                // The stylesheet's name, like the scripts', carries the build's hash when the
                // build hashed it (server::assets).
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="h-full bg-slate-950 text-slate-100 antialiased">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Every price on every page follows this (widgets and answers are written in American odds).
    let (odds_format, set_odds_format) = signal(crate::domain::OddsFormat::American);
    provide_context(prices::ChosenOddsFormat(odds_format));
    provide_context(header::OddsToggle(set_odds_format));
    view! {
        <Title text="Professor Lock"/>
        <Router>
            <Routes fallback=|| view! { <p class="p-8">"Page not found."</p> }>
                <Route path=path!("/") view=|| view! { <Redirect path="/professor-lock"/> }/>
                <Route path=path!("/professor-lock") view=ProfessorLockPage/>
                <Route path=path!("/professor-lock/bets") view={Lazy::<BetsRoute>::new()}/>
            </Routes>
        </Router>
    }
}

/// My bets, loaded on demand: `cargo leptos build --split` puts its code in a WASM file of its
/// own, fetched when the page is first shown, so the chat page does not download it. (Without
/// `--split`, as in `cargo leptos watch`, it is an ordinary route.)
#[derive(Debug)]
struct BetsRoute;

#[lazy_route]
impl LazyRoute for BetsRoute {
    fn data() -> Self {
        BetsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <BetsPage/> }.into_any()
    }
}
