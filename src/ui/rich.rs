//! Answers (Markdown) and widgets are drawn by code the chat page fetches when it first needs
//! it: `cargo leptos build --split` puts [`draw`] and everything only it reaches (the widget
//! renderer, the live slip, Markdown and its parser) in a WASM file of its own. The page
//! hydrates without it and asks for it as soon as a conversation is coming ([`preload`]: the
//! composer gets the focus, a thread opens, a turn starts), so it is usually there before the
//! first answer streams.
//! Once fetched, drawing is synchronous: [`rich_view`] renders in the same tick.

use super::markdown::MarkdownText;
use super::widget_view::WidgetView;
use leptos::prelude::*;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};

/// What an item draws through the renderer.
#[derive(Clone)]
pub enum Rich {
    /// An assistant message's Markdown.
    Answer(String),
    /// A widget tree (spec §13), as JSON.
    Widget(Value),
}

/// The renderer's code could not be fetched (offline, or the site was redeployed under the
/// page). Not cached: the next item tries again.
pub struct RendererMissing;

impl From<leptos::wasm_split::SplitLoaderError> for RendererMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        RendererMissing
    }
}

/// The split point: everything reached only from here leaves the page's own WASM.
#[leptos::wasm_split::wasm_split(
    rich,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_renderer)
)]
fn draw(rich: Rich) -> Result<AnyView, RendererMissing> {
    Ok(match rich {
        Rich::Answer(text) => view! { <MarkdownText text/> }.into_any(),
        Rich::Widget(widget) => view! { <WidgetView widget/> }.into_any(),
    })
}

/// An answer or a widget. Until the renderer has arrived (the first time only) nothing is
/// shown; if it cannot arrive, an answer shows its text as written and a widget says so, with
/// a button that tries again (a parlay slip is worth more than its text).
pub fn rich_view(rich: Rich) -> impl IntoView {
    // Kept once for the fallback; `draw` takes its own copy per attempt (one per render: a
    // streamed answer is rendered again at every delta).
    let kept = StoredValue::new(rich);
    let attempt = RwSignal::new(0u32);
    move || {
        attempt.track();
        let rich = kept.get_value();
        Suspend::new(async move {
            draw(rich)
                .await
                .unwrap_or_else(|RendererMissing| kept.with_value(|rich| undrawn(rich, attempt)))
        })
    }
}

/// What an item shows when its renderer could not be fetched.
fn undrawn(rich: &Rich, attempt: RwSignal<u32>) -> AnyView {
    match rich {
        Rich::Answer(text) => {
            view! { <p class="whitespace-pre-wrap" data-renderer="missing">{text.clone()}</p> }
                .into_any()
        }
        Rich::Widget(_) => view! {
            <div role="alert" data-renderer="missing"
                class="flex flex-wrap items-center gap-3 rounded-md border border-amber-800 bg-amber-950 p-3 text-sm text-amber-200">
                <p class="min-w-0 flex-1">"This card could not be drawn: the page lost its connection."</p>
                <button type="button" data-renderer="retry"
                    class="rounded-md border border-amber-700 px-3 py-1 text-amber-100 hover:bg-amber-900"
                    on:click=move |_| attempt.update(|n| *n += 1)>
                    "Try again"
                </button>
            </div>
        }
        .into_any(),
    }
}

/// Starts fetching the renderer, if it is not here yet (a failed fetch is retried next time).
pub fn preload() {
    if FETCHED.load(Ordering::Relaxed) {
        return;
    }
    leptos::task::spawn_local(async {
        match preload_renderer().await {
            Ok(()) => FETCHED.store(true, Ordering::Relaxed),
            Err(_) => leptos::logging::warn!("could not fetch the answer renderer; will retry"),
        }
    });
}

/// Whether the renderer is here (then [`preload`] costs nothing: it is asked for at every
/// focus, thread and turn).
static FETCHED: AtomicBool = AtomicBool::new(false);

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use serde_json::json;

    /// Off the browser the split point is an ordinary call, so an item renders in one pass.
    fn html(rich: Rich) -> String {
        Owner::new().with(|| rich_view(rich).to_html())
    }

    #[test]
    fn answers_and_widgets_are_drawn_through_the_split_point() {
        let answer = html(Rich::Answer(
            "**Knicks ML** at -320 <b>not markup</b>".into(),
        ));
        assert!(answer.contains("<strong"), "{answer}");
        assert!(answer.contains("Knicks ML"), "{answer}");
        // Inline HTML stays text (the `<!>` are hydration markers between text nodes).
        assert!(answer.contains("&lt;b&gt;"), "{answer}");
        assert!(!answer.contains("<b>"), "{answer}");
        assert!(!answer.contains("data-renderer"), "{answer}");

        let card = html(Rich::Widget(json!({
            "type": "Card",
            "children": [{ "type": "Text", "value": "Parlay slip <script>x</script>" }],
        })));
        assert!(card.contains(r#"data-widget="Card""#), "{card}");
        assert!(card.contains("Parlay slip &lt;script&gt;"), "{card}");
        assert!(!card.contains("<script>"), "{card}");
    }
}
