//! One element type for static markup built at run time (Markdown, widget trees).
//!
//! Every distinct view type costs the WASM its own build, hydrate and update code; a renderer
//! that picks among a dozen tags would carry a dozen copies. Elements whose tag and class are
//! chosen at run time share this one type instead (`<p>`, `<li>`, `<strong>`, a widget's rows
//! and texts); only elements with their own attributes or handlers (links, buttons, inputs) keep
//! theirs.

use leptos::html::custom;
use leptos::prelude::*;

/// `<tag class=…>inner</tag>`; `class` is left out when empty. Never a void element (`br`,
/// `hr`, `input`): those have no closing tag to hydrate against.
pub fn element(tag: &'static str, class: &'static str, inner: AnyView) -> AnyView {
    let class = (!class.is_empty()).then_some(class);
    custom(tag).class(class).child(inner).into_any()
}
