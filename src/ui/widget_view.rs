//! Renders a widget tree (spec §13) as Leptos views. Every string from a widget is rendered as
//! text, never as HTML. Actions go to the `WidgetActions` callback the transcript provides for
//! each widget item; inside a `Form` (or a card with `asForm`) they carry the form's values
//! (spec §10.2).

use super::account::HouseStakeRules;
use super::live_slip::{self, LiveSlip};
use super::markdown::MarkdownText;
use super::prices::{has_price, priced_text, show_prices, ChosenOddsFormat};
use crate::protocol::widgets::{
    Badge, BadgeColor, Button, ButtonColor, ButtonStyle, Chart, ListViewItem, Scalar, Series,
    TableRow, XAxis,
};
use crate::protocol::{ActionConfig, WidgetComponent, WidgetRoot};
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
pub fn WidgetView(widget: WidgetRoot) -> impl IntoView {
    // A parlay slip computes its payout as the bettor types (its rows and fields below).
    if let Some(prices) = live_slip::slip_prices(&widget) {
        let rules = use_context::<HouseRules>().map_or_else(|| Signal::derive(|| None), |r| r.0);
        provide_context(LiveSlip::new(prices, rules));
    }
    match widget {
        WidgetRoot::Card(card) => {
            let as_form = card.as_form == Some(true);
            // Rendered inside the form scope when the card is a form, so its fields join it.
            let card_view = move || {
                let trigger = Trigger::here();
                let status = card.status.as_ref().map(|s| s.text.clone());
                let footer = [card.confirm.clone(), card.cancel.clone()]
                    .into_iter()
                    .flatten()
                    .map(|footer| {
                        let action = footer.action;
                        view! {
                            <button type="button" class="rounded-md bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-600"
                                on:click=move |_| trigger.fire(&action)>{footer.label}</button>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="widget-card space-y-2 rounded-xl border border-slate-700 bg-slate-900 p-4" data-widget="Card">
                        {status.map(|s| view! { <p class="text-xs font-medium uppercase tracking-wide text-slate-400">{s}</p> })}
                        {children_view(card.children.clone())}
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
        WidgetRoot::ListView(list) => {
            let status = list.status.as_ref().map(|s| s.text.clone());
            view! {
                <div class="widget-list rounded-xl border border-slate-700 bg-slate-900 p-2" data-widget="ListView">
                    {status.map(|s| view! { <p class="px-2 text-xs font-medium uppercase tracking-wide text-slate-400">{s}</p> })}
                    {list.children.into_iter().map(list_item_view).collect_view()}
                </div>
            }
            .into_any()
        }
        WidgetRoot::Basic(basic) => view! {
            <div class="flex flex-col gap-2" data-widget="Basic">{children_view(basic.children)}</div>
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

fn children_view(children: Vec<WidgetComponent>) -> AnyView {
    children
        .into_iter()
        .map(component_view)
        .collect_view()
        .into_any()
}

fn list_item_view(item: ListViewItem) -> AnyView {
    let trigger = Trigger::here();
    let action = item.on_click_action.clone();
    let clickable = action.is_some();
    view! {
        <div class="flex items-center gap-2 rounded-lg px-2 py-1.5"
            class:cursor-pointer=clickable class:hover:bg-slate-800=clickable
            on:click=move |_| if let Some(a) = &action { trigger.fire(a) }>
            {children_view(item.children)}
        </div>
    }
    .into_any()
}

fn component_view(component: WidgetComponent) -> AnyView {
    use WidgetComponent as C;
    match component {
        C::Box(b) => view! { <div class="flex flex-col gap-2">{children_view(b.children)}</div> }.into_any(),
        C::Row(r) => match use_context::<LiveSlip>().and_then(|live| live_row(live, &r.children)) {
            Some(live) => live,
            None => view! { <div class="flex min-w-0 flex-wrap items-center gap-2">{children_view(r.children)}</div> }.into_any(),
        },
        C::Col(c) => {
            let grow = c.flex.is_some();
            view! { <div class="flex min-w-0 flex-col gap-0.5" class:flex-1=grow>{children_view(c.children)}</div> }.into_any()
        }
        C::Form(form) => view! { <FormBox>{form_view(form)}</FormBox> }.into_any(),
        C::ListViewItem(item) => list_item_view(item),
        C::Spacer(_) => view! { <div class="flex-1"></div> }.into_any(),
        C::Divider(_) => view! { <hr class="border-slate-700"/> }.into_any(),
        C::Transition(t) => component_view(*t.children),
        C::Text(t) => {
            let bold = t.weight.is_some();
            view! { <p class="whitespace-pre-wrap text-sm text-slate-100" class:font-semibold=bold>{priced_text(t.value)}</p> }.into_any()
        }
        C::Title(t) => view! { <h3 class="text-base font-semibold text-slate-50">{priced_text(t.value)}</h3> }.into_any(),
        C::Caption(c) => match use_context::<LiveSlip>().filter(|_| c.value.starts_with(live_slip::PROFIT_PREFIX)) {
            Some(live) => live_profit(live, c.value),
            None => view! { <p class="text-xs text-slate-400">{priced_text(c.value)}</p> }.into_any(),
        },
        C::Markdown(m) => view! { <div class="text-sm text-slate-100"><MarkdownText text=m.value/></div> }.into_any(),
        C::Badge(b) => badge_view(b),
        C::Icon(_) => ().into_any(),
        C::Image(image) => {
            let alt = image.alt.clone().unwrap_or_default();
            view! { <span class="text-xs text-slate-400">{alt}</span> }.into_any()
        }
        C::Chart(chart) => chart_view(chart),
        // Wide tables scroll inside their card, never the page (phones); the scroller takes
        // keyboard focus so arrow keys can scroll it too.
        C::Table(table) => view! {
            <div class="max-w-full overflow-x-auto" tabindex="0" role="region" aria-label="Table (scrolls sideways)">
                <table class="w-full text-left text-sm" data-widget="Table">
                    <tbody>{table.children.into_iter().map(table_row_view).collect_view()}</tbody>
                </table>
            </div>
        }
        .into_any(),
        C::TableRow(row) => table_row_view(row),
        C::TableCell(cell) => view! { <div>{children_view(cell.children)}</div> }.into_any(),
        C::Button(button) => button_view(button),
        C::Input(input) => {
            let name = input.name.clone();
            let initial = input.default_value.clone().unwrap_or_default();
            let scope = use_context::<FormScope>();
            if let Some(FormScope(values)) = scope {
                values.update(|v| {
                    v.insert(name.clone(), Value::String(initial.clone()));
                });
            }
            let live = use_context::<LiveSlip>().filter(|_| name == live_slip::STAKE_FIELD);
            if let Some(live) = live {
                return stake_input(live, scope, initial, input.placeholder.clone());
            }
            view! {
                <input class="w-28 rounded-md border border-slate-600 bg-slate-950 px-2 py-1 text-sm text-slate-100"
                    name=name.clone() value=initial placeholder=input.placeholder.clone().unwrap_or_default()
                    aria-label=name.clone()
                    on:input=move |ev| if let Some(FormScope(values)) = scope {
                        let value = event_target_value(&ev);
                        values.update(|v| { v.insert(name.clone(), Value::String(value)); });
                    }/>
            }
            .into_any()
        }
        C::Label(label) => view! { <label class="text-sm text-slate-300">{label.value}</label> }.into_any(),
        // Controls the app's widgets do not use yet are shown by name, never silently dropped.
        other => {
            let name = other.type_name();
            view! { <span class="text-xs text-slate-400">{name}</span> }.into_any()
        }
    }
}

/// A form's body, rendered inside its `FormBox` so submit and controls share its values.
fn form_view(form: crate::protocol::widgets::Form) -> AnyView {
    let trigger = Trigger::here();
    let submit = FormSubmit {
        trigger,
        action: StoredValue::new(form.on_submit_action.clone()),
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
        }>{children_view(form.children)}</form>
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
fn live_row(live: LiveSlip, children: &[WidgetComponent]) -> Option<AnyView> {
    let (label, value) = match children {
        [WidgetComponent::Text(label), WidgetComponent::Spacer(_), WidgetComponent::Text(value)] => {
            (label.value.clone(), value.value.clone())
        }
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

fn table_row_view(row: TableRow) -> AnyView {
    let header = row.header == Some(true);
    view! {
        <tr class="border-b border-slate-800" class:text-slate-400=header class:text-xs=header>
            {row.children.into_iter().map(|cell| view! { <td class="px-2 py-1">{children_view(cell.children)}</td> }).collect_view()}
        </tr>
    }
    .into_any()
}

fn badge_view(badge: Badge) -> AnyView {
    let class = match badge.color {
        Some(BadgeColor::Success) => {
            "rounded-full bg-emerald-900/70 px-2 py-0.5 text-xs text-emerald-200"
        }
        Some(BadgeColor::Danger) => "rounded-full bg-red-900/70 px-2 py-0.5 text-xs text-red-200",
        Some(BadgeColor::Warning) => {
            "rounded-full bg-amber-900/70 px-2 py-0.5 text-xs text-amber-200"
        }
        Some(BadgeColor::Info) => "rounded-full bg-sky-900/70 px-2 py-0.5 text-xs text-sky-200",
        Some(BadgeColor::Discovery) => {
            "rounded-full bg-violet-900/70 px-2 py-0.5 text-xs text-violet-200"
        }
        Some(BadgeColor::Secondary) | None => {
            "rounded-full bg-slate-800 px-2 py-0.5 text-xs text-slate-200"
        }
    };
    view! { <span class=class>{badge.label}</span> }.into_any()
}

fn button_view(button: Button) -> AnyView {
    let class = match (button.color, button.style) {
        (Some(ButtonColor::Success), _) => "rounded-md bg-emerald-700 px-3 py-1.5 text-sm disabled:cursor-not-allowed disabled:opacity-50 font-medium text-white hover:bg-emerald-600",
        (Some(ButtonColor::Danger), _) => "rounded-md bg-red-700 px-3 py-1.5 text-sm disabled:cursor-not-allowed disabled:opacity-50 font-medium text-white hover:bg-red-600",
        (Some(ButtonColor::Secondary), _) | (_, Some(ButtonStyle::Secondary)) => {
            "rounded-md border border-slate-600 px-3 py-1.5 text-sm disabled:cursor-not-allowed disabled:opacity-50 text-slate-200 hover:bg-slate-800"
        }
        _ => "rounded-md bg-sky-700 px-3 py-1.5 text-sm disabled:cursor-not-allowed disabled:opacity-50 font-medium text-white hover:bg-sky-600",
    };
    let trigger = Trigger::here();
    let label = button.label.clone().unwrap_or_default();
    let submit = button.submit == Some(true);
    let action = button.on_click_action.clone();
    let block = button.block == Some(true);
    let disabled = button.disabled == Some(true);
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

fn number(value: Option<&Scalar>) -> Option<f64> {
    match value? {
        Scalar::Int(i) => Some(*i as f64),
        Scalar::Float(f) => Some(*f),
        Scalar::Css(s) => s.parse().ok(),
    }
}

/// A small SVG chart: bars for bar series, a polyline for line and area series.
fn chart_view(chart: Chart) -> AnyView {
    const W: f64 = 320.0;
    const H: f64 = 120.0;
    let x_key = match &chart.x_axis {
        XAxis::Key(key) => key.clone(),
        XAxis::Config(config) => config.data_key.clone(),
    };
    let keys: Vec<(String, bool)> = chart
        .series
        .iter()
        .map(|s| match s {
            Series::Bar(b) => (b.data_key.clone(), true),
            Series::Area(a) => (a.data_key.clone(), false),
            Series::Line(l) => (l.data_key.clone(), false),
        })
        .collect();
    let max = chart
        .data
        .iter()
        .flat_map(|row| keys.iter().filter_map(|(k, _)| number(row.get(k))))
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let n = chart.data.len().max(1) as f64;
    let step = W / n;
    let shapes = keys
        .iter()
        .map(|(key, bars)| {
            let points: Vec<(f64, f64)> = chart
                .data
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
    let labels = chart
        .data
        .iter()
        .map(|row| match row.get(&x_key) {
            Some(Scalar::Css(s)) => s.clone(),
            Some(other) => number(Some(other))
                .map(|v| v.to_string())
                .unwrap_or_default(),
            None => String::new(),
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
