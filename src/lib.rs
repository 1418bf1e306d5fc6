//! Professor Lock: a self-hosted, ChatKit-compatible AI chat app for sports bettors.
//! Module map and dependency rules: README.md ("Architecture"). `[both]` modules compile for
//! the server and the browser; server-only modules are gated here as a whole.
// The page's view is one nested type (Leptos's static views); its layout query goes past
// rustc's default depth of 128.
#![recursion_limit = "256"]

pub mod betting;
pub mod domain;
pub mod protocol;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod actions;
#[cfg(feature = "ssr")]
pub mod agent;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod engine;
#[cfg(feature = "ssr")]
pub mod error;
#[cfg(feature = "ssr")]
pub mod ids;
#[cfg(feature = "ssr")]
pub mod ledger;
#[cfg(feature = "ssr")]
pub mod providers;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod startup;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod tools;
#[cfg(feature = "ssr")]
pub mod widgets;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy routes (My bets) hydrate asynchronously, once their code has arrived.
    leptos::mount::hydrate_lazy(ui::App);
}
