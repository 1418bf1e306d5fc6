//! Renders a widget tree (spec §13), read as JSON (`wire`), as Leptos views. Every string from a
//! widget is rendered as text, never as HTML; a component the page does not draw shows its name. Actions go to the `WidgetActions` callback the transcript provides for
//! each widget item; inside a `Form` (or a card with `asForm`) they carry the form's values
//! (spec §10.2).

use super::account::HouseStakeRules;
use super::element::element;
use super::live_slip::{self, LiveSlip};
use super::markdown::MarkdownText;
use super::prices::{has_price, priced_text, show_prices, ChosenOddsFormat};
use super::wire::{action_at, children, flag, is_set, opt_str, str_at};
use crate::protocol::ActionConfig;
use leptos::prelude::*;
use serde_json::{Map, Value};

/// Where a widget's actions go: the action, its payload already merged with form values.
#[derive(Clone, Copy)]
pub struct WidgetActions(pub Callback<ActionConfig>);

/// A streamed turn is running: streamed actions (Lock It In) wait, so none is sent twice.
#[derive(Clone, Copy)]
pub struct TurnRunning(pub Signal<bool>);

/// The house's stake rules once loaded (the slip checks them as the bettor types).
#[derive(Clone, Copy)]
pub struct HouseRules(pub Signal<Option<HouseStakeRules>>);

/// The enclosing form's submit action, for a field that confirms itself (the slip's stake).
#[derive(Clone, Copy)]
struct FormSubmit {
    trigger: Trigger,
    action: StoredValue<Option<ActionConfig>>,
}

impl FormSubmit {
    fn fire(self) {
        self.action.with_value(|a| {
            if let Some(action) = a {
                self.trigger.fire(action)
            }
        });
    }
}

/// The current values of the named controls of the enclosing form.
#[derive(Clone, Copy)]
struct FormScope(RwSignal<Map<String, Value>>);

/// Fires actions from where a control is rendered: the widget's sink and enclosing form are
/// looked up while rendering, not when clicked (handlers run outside the component tree).
#[derive(Clone, Copy)]
struct Trigger {
    sink: Option<WidgetActions>,
    form: Option<FormScope>,
}

impl Trigger {
    fn here() -> Self {
        Trigger {
            sink: use_context::<WidgetActions>(),
            form: use_context::<FormScope>(),
        }
    }

    /// Sends the action with the form's values (a value never overwrites a payload key).
    fn fire(self, action: &ActionConfig) {
        let Some(WidgetActions(sink)) = self.sink else {
            return;
        };
        let mut action = action.clone();
        if let Some(FormScope(values)) = self.form {
            action.payload = merge_form_values(action.payload, &values.get_untracked());
        }
        sink.run(action);
    }
}

/// `payload` plus the form values; a dotted name nests (`"a.b"` → `payload.a.b`).
pub fn merge_form_values(payload: Value, values: &Map<String, Value>) -> Value {
    let mut payload = match payload {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => return other,
    };
    for (name, value) in values {
        let mut target = &mut payload;
        let mut parts = name.split('.').peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                target
                    .entry(part.to_owned())
                    .or_insert_with(|| value.clone());
                break;
            }
            let next = target
                .entry(part.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            match next {
                Value::Object(map) => target = map,
                _ => break,
            }
        }
    }
    Value::Object(payload)
}

#[component]
pub fn WidgetView(widget: Value) -> impl IntoView {
    // A parlay slip computes its payout as the bettor types (its rows and fields below).
    if let Some(prices) = live_slip::slip_prices(&widget) {
        let rules = use_context::<HouseRules>().map_or_else(|| Signal::derive(|| None), |r| r.0);
        provide_context(LiveSlip::new(prices, rules));
    }
    let status = widget.get("status").and_then(|s| opt_str(s, "text"));
    match str_at(&widget, "type") {
        "Card" => {
            let as_form = flag(&widget, "asForm");
            // Rendered inside the form scope when the card is a form, so its fields join it.
            let card_view = move || {
                let trigger = Trigger::here();
                let footer = ["confirm", "cancel"]
                    .into_iter()
                    .filter_map(|key| {
                        let footer = widget.get(key)?;
                        Some((opt_str(footer, "label").unwrap_or_default(), action_at(footer, "action")?))
                    })
                    .map(|(label, action)| {
                        view! {
                            <button type="button" class="rounded-md bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-600"
                                on:click=move |_| trigger.fire(&action)>{label}</button>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="widget-card space-y-2 rounded-xl border border-slate-700 bg-slate-900 p-4" data-widget="Card">
                        {status.clone().map(|s| view! { <p class="text-xs font-medium uppercase tracking-wide text-slate-400">{s}</p> })}
                        {children_view(children(&widget))}
                        <div class="flex gap-2">{footer}</div>
                    </div>
                }
            };
            if as_form {
                view! { <FormBox>{card_view()}</FormBox> }.into_any()
            } else {
                card_view().into_any()
            }
        }
        "ListView" => view! {
            <div class="widget-list rounded-xl border border-slate-700 bg-slate-900 p-2" data-widget="ListView">
                {status.map(|s| view! { <p class="px-2 text-xs font-medium uppercase tracking-wide text-slate-400">{s}</p> })}
                {children(&widget).into_iter().map(list_item_view).collect_view()}
            </div>
        }
        .into_any(),
        _ => view! {
            <div class="flex flex-col gap-2" data-widget="Basic">{children_view(children(&widget))}</div>
        }
        .into_any(),
    }
}

/// A scope for form values around its children.
#[component]
fn FormBox(children: Children) -> impl IntoView {
    provide_context(FormScope(RwSignal::new(Map::new())));
    children()
}

fn children_view(children: Vec<Value>) -> AnyView {
    children
        .into_iter()
        .map(component_view)
        .collect_view()
        .into_any()
}

fn list_item_view(item: Value) -> AnyView {
    let trigger = Trigger::here();
    let action = action_at(&item, "onClickAction");
    let clickable = action.is_some();
    view! {
        <div class="flex items-center gap-2 rounded-lg px-2 py-1.5"
            class:cursor-pointer=clickable class:hover:bg-slate-800=clickable
            on:click=move |_| if let Some(a) = &action { trigger.fire(a) }>
            {children_view(children(&item))}
        </div>
    }
    .into_any()
}

/// A component's `value` prop (its text).
fn value_of(node: &Value) -> String {
    str_at(node, "value").to_owned()
}

fn component_view(node: Value) -> AnyView {
    match str_at(&node, "type") {
        "Box" => element("div", "flex flex-col gap-2", children_view(children(&node))),
        "Row" => {
            let kids = children(&node);
            match use_context::<LiveSlip>().and_then(|live| live_row(live, &kids)) {
                Some(live) => live,
                None => element("div", "flex min-w-0 flex-wrap items-center gap-2", children_view(kids)),
            }
        }
        "Col" => {
            let class = if is_set(&node, "flex") {
                "flex min-w-0 flex-col gap-0.5 flex-1"
            } else {
                "flex min-w-0 flex-col gap-0.5"
            };
            element("div", class, children_view(children(&node)))
        }
        "Form" => view! { <FormBox>{form_view(node)}</FormBox> }.into_any(),
        "ListViewItem" => list_item_view(node),
        "Spacer" => element("div", "flex-1", ().into_any()),
        "Divider" => view! { <hr class="border-slate-700"/> }.into_any(),
        "Transition" => children_view(children(&node)),
        "Text" => {
            let class = if is_set(&node, "weight") {
                "whitespace-pre-wrap text-sm text-slate-100 font-semibold"
            } else {
                "whitespace-pre-wrap text-sm text-slate-100"
            };
            element("p", class, priced_text(value_of(&node)))
        }
        "Title" => element("h3", "text-base font-semibold text-slate-50", priced_text(value_of(&node))),
        "Caption" => {
            let value = value_of(&node);
            match use_context::<LiveSlip>().filter(|_| value.starts_with(live_slip::PROFIT_PREFIX)) {
                Some(live) => live_profit(live, value),
                None => element("p", "text-xs text-slate-400", priced_text(value)),
            }
        }
        "Markdown" => view! { <div class="text-sm text-slate-100"><MarkdownText text=value_of(&node)/></div> }.into_any(),
        "Badge" => badge_view(&node),
        "Icon" => ().into_any(),
        "Image" => {
            let alt = opt_str(&node, "alt").unwrap_or_default();
            element("span", "text-xs text-slate-400", alt.into_any())
        }
        "Chart" => chart_view(&node),
        // Wide tables scroll inside their card, never the page (phones); the scroller takes
        // keyboard focus so arrow keys can scroll it too.
        "Table" => view! {
            <div class="max-w-full overflow-x-auto" tabindex="0" role="region" aria-label="Table (scrolls sideways)">
                <table class="w-full text-left text-sm" data-widget="Table">
                    <tbody>{children(&node).into_iter().map(table_row_view).collect_view()}</tbody>
                </table>
            </div>
        }
        .into_any(),
        "Table.Row" => table_row_view(node),
        "Table.Cell" => element("div", "", children_view(children(&node))),
        "Button" => button_view(&node),
        "Input" => {
            let name = str_at(&node, "name").to_owned();
            let initial = opt_str(&node, "defaultValue").unwrap_or_default();
            let placeholder = opt_str(&node, "placeholder");
            let scope = use_context::<FormScope>();
            if let Some(FormScope(values)) = scope {
                values.update(|v| {
                    v.insert(name.clone(), Value::String(initial.clone()));
                });
            }
            let live = use_context::<LiveSlip>().filter(|_| name == live_slip::STAKE_FIELD);
            if let Some(live) = live {
                return stake_input(live, scope, initial, placeholder);
            }
            view! {
                <input class="w-28 rounded-md border border-slate-600 bg-slate-950 px-2 py-1 text-sm text-slate-100"
                    name=name.clone() value=initial placeholder=placeholder.unwrap_or_default()
                    aria-label=name.clone()
                    on:input=move |ev| if let Some(FormScope(values)) = scope {
                        let value = event_target_value(&ev);
                        values.update(|v| { v.insert(name.clone(), Value::String(value)); });
                    }/>
            }
            .into_any()
        }
        "Label" => element("label", "text-sm text-slate-300", value_of(&node).into_any()),
        // Controls the app's widgets do not use yet are shown by name, never silently dropped.
        other => {
            element("span", "text-xs text-slate-400", other.to_owned().into_any())
        }
    }
}

/// A form's body, rendered inside its `FormBox` so submit and controls share its values.
fn form_view(form: Value) -> AnyView {
    let trigger = Trigger::here();
    let submit = FormSubmit {
        trigger,
        action: StoredValue::new(action_at(&form, "onSubmitAction")),
    };
    provide_context(submit);
    let live = use_context::<LiveSlip>();
    view! {
        <form class="flex flex-col gap-2" on:submit=move |ev| {
            ev.prevent_default();
            // A stake the slip already explained inline is not sent.
            if live.is_none_or(|l| l.quote.with_untracked(Result::is_ok)) {
                submit.fire();
            }
        }>{children_view(children(&form))}</form>
    }
    .into_any()
}

/// The slip's stake field: every keystroke reprices the slip; a stake that breaks a rule says
/// why beside the field; leaving the field confirms the stake with the server (its sync action).
fn stake_input(
    live: LiveSlip,
    scope: Option<FormScope>,
    initial: String,
    placeholder: Option<String>,
) -> AnyView {
    live.stake.set(initial.clone());
    let submit = use_context::<FormSubmit>();
    let error_id = format!("stake-error-{}", next_id());
    let error = move || live.typed.get().then(|| live.quote.get().err()).flatten();
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if let Some(FormScope(values)) = scope {
            values.update(|v| {
                v.insert(
                    live_slip::STAKE_FIELD.to_owned(),
                    Value::String(value.clone()),
                );
            });
        }
        live.stake.set(value);
        live.typed.set(true);
    };
    let on_change = move |_: leptos::ev::Event| {
        if live.quote.with_untracked(Result::is_ok) {
            if let Some(submit) = submit {
                submit.fire();
            }
        }
    };
    view! {
        <span class="flex flex-col gap-1">
            <input class="w-28 rounded-md border border-slate-600 bg-slate-950 px-2 py-1 text-sm text-slate-100 aria-[invalid=true]:border-red-500"
                name=live_slip::STAKE_FIELD value=initial inputmode="decimal" autocomplete="off"
                placeholder=placeholder.unwrap_or_default()
                aria-label="Stake in dollars"
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=error_id.clone()
                on:input=on_input on:change=on_change/>
            <span id=error_id class="max-w-56 text-xs text-red-300" data-stake-error="" aria-live="polite">{error}</span>
        </span>
    }
    .into_any()
}

/// A page-unique number for element ids (labels and descriptions).
fn next_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The slip's payout and combined-odds rows, computed live once the bettor types; until then
/// the server's figures (checked against ours).
fn live_row(live: LiveSlip, children: &[Value]) -> Option<AnyView> {
    let kinds: Vec<&str> = children.iter().map(|c| str_at(c, "type")).collect();
    let (label, value) = match (kinds.as_slice(), children) {
        (["Text", "Spacer", "Text"], [label, _, value]) => (value_of(label), value_of(value)),
        _ => return None,
    };
    let format = use_context::<ChosenOddsFormat>();
    let shown: Box<dyn Fn() -> String + Send + Sync> = match label.as_str() {
        live_slip::PAYOUT_LABEL => {
            live.check_server_payout(&live.stake.get_untracked(), &value);
            let server = value.clone();
            Box::new(move || match (live.typed.get(), live.quote.get()) {
                (true, Ok(q)) => q.payout.to_string(),
                (true, Err(_)) => "—".to_owned(),
                (false, _) => server.clone(),
            })
        }
        live_slip::COMBINED_LABEL => {
            let server = value.clone();
            Box::new(move || match (live.typed.get(), live.quote.get()) {
                (true, Ok(q)) => q.price.as_ref().map_or_else(
                    || "—".to_owned(),
                    |p| {
                        let chosen =
                            format.map_or(crate::domain::OddsFormat::American, |f| f.0.get());
                        crate::domain::format_odds(p, chosen)
                    },
                ),
                _ => server.clone(),
            })
        }
        _ => return None,
    };
    // The server's text is American; it follows the odds toggle like every price.
    let typed = live.typed;
    let value_view = move || {
        let text = shown();
        match format {
            Some(ChosenOddsFormat(f)) if !typed.get() && has_price(&text) => {
                show_prices(&text, f.get())
            }
            _ => text,
        }
    };
    let key = label.to_lowercase().replace(' ', "-");
    Some(
        view! {
            <div class="flex min-w-0 flex-wrap items-center gap-2" data-live=key>
                <p class="whitespace-pre-wrap text-sm text-slate-100">{label}</p>
                <div class="flex-1"></div>
                <p class="text-sm font-semibold text-slate-100" aria-live="polite">{value_view}</p>
            </div>
        }
        .into_any(),
    )
}

/// `Profit $X if every leg wins; …`, with the profit as typed.
fn live_profit(live: LiveSlip, server: String) -> AnyView {
    let rest = server
        .split_once(';')
        .map(|(_, rest)| format!(";{rest}"))
        .unwrap_or_default();
    let text = move || match (live.typed.get(), live.quote.get()) {
        (true, Ok(q)) => format!(
            "{}{} if every leg wins{rest}",
            live_slip::PROFIT_PREFIX,
            q.profit
        ),
        (true, Err(_)) => String::new(),
        (false, _) => server.clone(),
    };
    view! { <p class="text-xs text-slate-400" data-live="profit">{text}</p> }.into_any()
}

fn table_row_view(row: Value) -> AnyView {
    let header = flag(&row, "header");
    view! {
        <tr class="border-b border-slate-800" class:text-slate-400=header class:text-xs=header>
            {children(&row).into_iter().map(|cell| element("td", "px-2 py-1", children_view(children(&cell)))).collect_view()}
        </tr>
    }
    .into_any()
}

fn badge_view(badge: &Value) -> AnyView {
    let class = match str_at(badge, "color") {
        "success" => "rounded-full bg-emerald-900/70 px-2 py-0.5 text-xs text-emerald-200",
        "danger" => "rounded-full bg-red-900/70 px-2 py-0.5 text-xs text-red-200",
        "warning" => "rounded-full bg-amber-900/70 px-2 py-0.5 text-xs text-amber-200",
        "info" => "rounded-full bg-sky-900/70 px-2 py-0.5 text-xs text-sky-200",
        "discovery" => "rounded-full bg-violet-900/70 px-2 py-0.5 text-xs text-violet-200",
        _ => "rounded-full bg-slate-800 px-2 py-0.5 text-xs text-slate-200",
    };
    element("span", class, str_at(badge, "label").to_owned().into_any())
}

fn button_view(button: &Value) -> AnyView {
    let class = match (str_at(button, "color"), str_at(button, "style")) {
        ("success", _) => "rounded-md bg-emerald-700 px-3 py-1.5 text-sm disabled:cursor-not-allowed disabled:opacity-50 font-medium text-white hover:bg-emerald-600",
        ("danger", _) => "rounded-md bg-red-700 px-3 py-1.5 text-sm disabled:cursor-not-allowed disabled:opacity-50 font-medium text-white hover:bg-red-600",
        ("secondary", _) | (_, "secondary") => {
            "rounded-md border border-slate-600 px-3 py-1.5 text-sm disabled:cursor-not-allowed disabled:opacity-50 text-slate-200 hover:bg-slate-800"
        }
        _ => "rounded-md bg-sky-700 px-3 py-1.5 text-sm disabled:cursor-not-allowed disabled:opacity-50 font-medium text-white hover:bg-sky-600",
    };
    let trigger = Trigger::here();
    let label = opt_str(button, "label").unwrap_or_default();
    let submit = flag(button, "submit");
    let action = action_at(button, "onClickAction");
    let block = flag(button, "block");
    let disabled = flag(button, "disabled");
    // A streamed action (Lock It In) runs as a turn: while any turn runs it cannot be sent,
    // and the button that sent it says it is working.
    let streamed = action.as_ref().is_some_and(ActionConfig::is_streaming);
    let running = use_context::<TurnRunning>()
        .filter(|_| streamed)
        .map_or_else(|| Signal::derive(|| false), |r| r.0);
    let pressed = RwSignal::new(false);
    Effect::new(move |_| {
        if !running.get() {
            pressed.set(false);
        }
    });
    let loading = move || pressed.get() && running.get();
    // In a slip, Lock It In waits for a stake the slip can price.
    let live = use_context::<LiveSlip>().filter(|_| streamed);
    let unpriceable = move || live.is_some_and(|l| l.typed.get() && l.quote.with(Result::is_err));
    let working = if action
        .as_ref()
        .is_some_and(|a| a.kind == live_slip::LOCK_IN)
    {
        "Locking in…"
    } else {
        "Working…"
    };
    view! {
        <button type=if submit { "submit" } else { "button" } class=class class:w-full=block
            disabled=move || disabled || running.get() || unpriceable()
            aria-busy=move || loading().to_string()
            on:click=move |_| if let Some(a) = &action {
                if streamed {
                    if running.get_untracked() { return; }
                    pressed.set(true);
                }
                trigger.fire(a)
            }>
            {move || if loading() { working.to_owned() } else { label.clone() }}
        </button>
    }
    .into_any()
}

/// A chart value: a number, or a string that reads as one.
fn number(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A small SVG chart: bars for bar series, a polyline for line and area series.
fn chart_view(chart: &Value) -> AnyView {
    const W: f64 = 320.0;
    const H: f64 = 120.0;
    // `xAxis` is a data key, or a config with one.
    let x_key = match chart.get("xAxis") {
        Some(Value::String(key)) => key.clone(),
        Some(config) => str_at(config, "dataKey").to_owned(),
        None => String::new(),
    };
    let keys: Vec<(String, bool)> = match chart.get("series") {
        Some(Value::Array(series)) => series
            .iter()
            .map(|s| (str_at(s, "dataKey").to_owned(), str_at(s, "type") == "bar"))
            .collect(),
        _ => Vec::new(),
    };
    let data: Vec<Value> = match chart.get("data") {
        Some(Value::Array(rows)) => rows.clone(),
        _ => Vec::new(),
    };
    let max = data
        .iter()
        .flat_map(|row| keys.iter().filter_map(|(k, _)| number(row.get(k))))
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let n = data.len().max(1) as f64;
    let step = W / n;
    let shapes = keys
        .iter()
        .map(|(key, bars)| {
            let points: Vec<(f64, f64)> = data
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    let v = number(row.get(key)).unwrap_or(0.0).max(0.0);
                    (step * (i as f64 + 0.5), H - v / max * (H - 8.0))
                })
                .collect();
            if *bars {
                points
                    .iter()
                    .map(|(x, y)| view! { <rect x=x - step * 0.3 y=*y width=step * 0.6 height=H - y class="fill-sky-500/70"></rect> })
                    .collect_view()
                    .into_any()
            } else {
                let path = points
                    .iter()
                    .map(|(x, y)| format!("{x:.1},{y:.1}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                view! { <polyline points=path fill="none" class="stroke-emerald-400" stroke-width="2"></polyline> }.into_any()
            }
        })
        .collect_view();
    let labels = data
        .iter()
        .map(|row| match row.get(&x_key) {
            Some(Value::String(s)) => s.clone(),
            other => number(other).map(|v| v.to_string()).unwrap_or_default(),
        })
        .map(|label| view! { <span class="flex-1 text-center">{label}</span> })
        .collect_view();
    view! {
        <div data-widget="Chart">
            <svg viewBox=format!("0 0 {W} {H}") class="h-32 w-full" role="img">{shapes}</svg>
            <div class="flex text-[10px] text-slate-400">{labels}</div>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::merge_form_values;
    use serde_json::json;

    #[test]
    fn form_values_join_the_payload_without_overwriting_it() {
        let values = json!({"stake": "25.00", "key": "forged", "bet.note": "x"});
        let merged = merge_form_values(json!({"key": "slip_1"}), values.as_object().unwrap());
        assert_eq!(
            merged,
            json!({"key": "slip_1", "stake": "25.00", "bet": {"note": "x"}})
        );
        assert_eq!(
            merge_form_values(serde_json::Value::Null, values.as_object().unwrap())["stake"],
            "25.00"
        );
    }
}
