//! The browser UI (Leptos components), rendered on the server and hydrated in the browser.
//! Compiles for both sides: never imports server-only crates.

#[cfg(feature = "ssr")]
mod csp;
mod door;
mod markdown;
mod page;
mod prices;
pub mod transcript;
mod widget_view;

#[cfg(feature = "ssr")]
pub use door::UiBackend;
pub use door::{cancel_turn, chatkit_call, chatkit_stream};

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

pub use page::ProfessorLockPage;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    csp::set_page_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en" class="h-full">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="dark"/>
                <AutoReload options=options.clone()/>
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
    view! {
        <Stylesheet id="leptos" href="/pkg/professor_lock.css"/>
        <Title text="Professor Lock"/>
        <Router>
            <Routes fallback=|| view! { <p class="p-8">"Page not found."</p> }>
                <Route path=path!("/") view=|| view! { <Redirect path="/professor-lock"/> }/>
                <Route path=path!("/professor-lock") view=ProfessorLockPage/>
            </Routes>
        </Router>
    }
}
