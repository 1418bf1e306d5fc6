//! `/professor-lock/bets`: the bettor's ledger (open and settled bets, results, profit/loss,
//! ROI, closing-line value), filtered by status and sport through the address (so a reload or
//! a link keeps the view), and the responsible-gambling limits panel.
//!
//! The ledger loads through a `Resource` (rendered on the server, then hydrated) keyed on the
//! filters; the limits panel loads the same way and shows what each change did.

use super::account::{
    my_bets, my_limits, set_limit, take_break, AccountError, BetLine, BetsSummary, BetsView,
    LimitLineView, LimitsPanelView, StatusFilter,
};
use super::header::{Header, Section};
use super::page::Disclaimer;
use crate::domain::{BetStatus, Cents};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `+$74.07`, `-$100.00`.
pub fn signed_money(cents: i64) -> String {
    if cents < 0 {
        format!("-{}", Cents::new(-cents))
    } else {
        format!("+{}", Cents::new(cents))
    }
}

/// `+4.55%`, `-0.45%` from basis points.
pub fn percent_bp(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "+" };
    let a = bp.unsigned_abs();
    format!("{sign}{}.{:02}%", a / 100, a % 100)
}

/// The address of the ledger with these filters (defaults left out).
pub fn bets_href(status: StatusFilter, sport: &str) -> String {
    let mut query = Vec::new();
    if status != StatusFilter::All {
        query.push(format!("status={}", status.key()));
    }
    if !sport.is_empty() {
        query.push(format!("sport={sport}"));
    }
    if query.is_empty() {
        "/professor-lock/bets".to_owned()
    } else {
        format!("/professor-lock/bets?{}", query.join("&"))
    }
}

#[component]
pub fn BetsPage() -> impl IntoView {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    view! {
        <div class="flex h-dvh flex-col overflow-hidden" data-hydrated=move || hydrated.get().to_string()>
            <Header section=Section::Bets/>
            <main id="bets-page" class="min-h-0 flex-1 overflow-y-auto overflow-x-hidden">
                <div class="mx-auto max-w-4xl space-y-8 p-3 md:p-6">
                    <Ledger/>
                    <LimitsPanel/>
                </div>
            </main>
            <Disclaimer/>
        </div>
    }
}

#[component]
fn Ledger() -> impl IntoView {
    let query = use_query_map();
    let status = Memo::new(move |_| {
        query.with(|q| StatusFilter::from_key(&q.get("status").unwrap_or_default()))
    });
    let sport = Memo::new(move |_| query.with(|q| q.get("sport").unwrap_or_default()));
    let bets = Resource::new(
        move || (status.get(), sport.get()),
        |(status, sport)| my_bets(status, sport),
    );
    view! {
        <section aria-labelledby="bets-title" class="space-y-4">
            <h2 id="bets-title" class="text-xl font-semibold">"My bets"</h2>
            <p class="text-xs text-slate-400">"Bets are tracked here, never placed with a sportsbook. Settled bets are graded from final scores; CLV compares your price with the closing line."</p>
            <Suspense fallback=|| view! { <p class="text-slate-400" role="status">"Loading your bets…"</p> }>
                {move || Suspend::new(async move {
                    match bets.await {
                        Ok(view) => view! {
                            {filters(view.sports.clone(), status, sport)}
                            {ledger_view(view)}
                        }.into_any(),
                        Err(e) => view! { <p role="alert" class="rounded-md border border-red-800 bg-red-950 p-3 text-sm text-red-200">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The filters as links (the address holds them, so a reload keeps them). Plain anchors: the
/// router still navigates them in place, and `A` would mark every chip of this path current.
fn filters(sports: Vec<String>, status: Memo<StatusFilter>, sport: Memo<String>) -> impl IntoView {
    let chip = "rounded-full border border-slate-700 px-3 py-1 text-sm text-slate-200 hover:bg-slate-800 aria-[current=page]:border-emerald-500 aria-[current=page]:bg-emerald-900/50";
    let status_links = StatusFilter::ALL
        .into_iter()
        .map(|f| {
            view! {
                <a href=move || bets_href(f, &sport.get()) class=chip data-status-filter=f.key()
                    aria-current=move || (status.get() == f).then_some("page")>{f.label()}</a>
            }
        })
        .collect_view();
    let mut choices = vec![(String::new(), "All sports".to_owned())];
    choices.extend(sports.into_iter().map(|s| {
        let label = s.to_uppercase();
        (s, label)
    }));
    let sport_links = choices
        .into_iter()
        .map(|(key, label)| {
            let current = key.clone();
            let data = key.clone();
            view! {
                <a href=move || bets_href(status.get(), &key) class=chip data-sport-filter=data
                    aria-current=move || (sport.get() == current).then_some("page")>{label}</a>
            }
        })
        .collect_view();
    view! {
        <div class="flex flex-wrap gap-x-6 gap-y-2">
            <nav class="flex flex-wrap gap-2" aria-label="Filter by status">{status_links}</nav>
            <nav class="flex flex-wrap gap-2" aria-label="Filter by sport">{sport_links}</nav>
        </div>
    }
}

fn ledger_view(view: BetsView) -> impl IntoView {
    if view.total_bets == 0 {
        return view! {
            <div id="bets-empty" class="rounded-lg border border-slate-800 bg-slate-900 p-6 text-center">
                <p class="font-medium text-slate-100">"No bets yet."</p>
                <p class="mt-1 text-sm text-slate-400">"Build a parlay in the chat and lock it in: it shows up here and settles itself from final scores."</p>
                <a href="/professor-lock" class="mt-3 inline-block rounded-md bg-emerald-700 px-4 py-2 text-sm font-medium text-white hover:bg-emerald-600">"Go to the chat"</a>
            </div>
        }
        .into_any();
    }
    let demo = view.demo.then(|| {
        view! { <span class="rounded-full bg-amber-900/70 px-2 py-0.5 text-xs text-amber-200">"DEMO DATA"</span> }
    });
    let rows = if view.rows.is_empty() {
        view! { <p id="bets-none-match" class="rounded-lg border border-slate-800 p-4 text-sm text-slate-400">"No bets match these filters."</p> }.into_any()
    } else {
        view! {
            <ul id="bet-list" class="space-y-2">
                {view.rows.into_iter().map(bet_row).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <div class="space-y-4">
            {demo}
            {summary_view(view.summary)}
            {rows}
        </div>
    }
    .into_any()
}

fn stat(label: &'static str, value: String, id: &'static str) -> impl IntoView {
    view! {
        <div class="rounded-lg border border-slate-800 bg-slate-900 p-3">
            <dt class="text-xs text-slate-400">{label}</dt>
            <dd class="mt-1 text-lg font-semibold text-slate-50" data-stat=id>{value}</dd>
        </div>
    }
}

fn summary_view(s: BetsSummary) -> impl IntoView {
    let record = format!("{}–{}–{}", s.won, s.lost, s.returned);
    view! {
        <dl id="bets-summary" class="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6">
            {stat("Open", format!("{} · {}", s.open_count, Cents::new(s.open_stake_cents)), "open")}
            {stat("Settled (W–L–P)", format!("{} · {record}", s.settled_count), "settled")}
            {stat("Profit/loss", signed_money(s.profit_cents), "profit")}
            {stat("Turnover", Cents::new(s.turnover_cents).to_string(), "turnover")}
            {stat("ROI", s.roi_bp.map_or_else(|| "—".to_owned(), percent_bp), "roi")}
            {stat("Avg CLV", s.avg_clv_bp.map_or_else(|| "—".to_owned(), percent_bp), "clv")}
        </dl>
    }
}

fn status_class(status: BetStatus) -> &'static str {
    match status {
        BetStatus::Pending => "bg-sky-900/70 text-sky-200",
        BetStatus::Won | BetStatus::HalfWon => "bg-emerald-900/70 text-emerald-200",
        BetStatus::Lost | BetStatus::HalfLost => "bg-red-900/70 text-red-200",
        BetStatus::Push | BetStatus::Void => "bg-slate-800 text-slate-200",
    }
}

fn bet_row(bet: BetLine) -> impl IntoView {
    let settled = bet.status != BetStatus::Pending;
    let payout_label = if settled { "Paid" } else { "To pay" };
    let sports = bet
        .sports
        .iter()
        .map(|s| s.to_uppercase())
        .collect::<Vec<_>>()
        .join(" · ");
    let profit = bet.profit_cents.map(|p| {
        view! { <span>"P/L " <span class="font-medium" class:text-emerald-300={p > 0} class:text-red-300={p < 0}>{signed_money(p)}</span></span> }
    });
    let clv = bet
        .clv_bp
        .map(|c| view! { <span>"CLV " {percent_bp(c)}</span> });
    view! {
        <li class="rounded-lg border border-slate-800 bg-slate-900 p-3" data-bet=bet.id.clone() data-status=bet.status.as_str()>
            <div class="flex flex-wrap items-center gap-2">
                <p class="min-w-0 flex-1 break-words font-medium text-slate-50">{bet.title}</p>
                <span class=format!("rounded-full px-2 py-0.5 text-xs {}", status_class(bet.status))>{bet.status.label()}</span>
            </div>
            <p class="mt-1 break-words text-sm text-slate-300">{bet.detail}</p>
            <p class="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-400">
                <span>{sports}</span>
                <span>"Stake " {Cents::new(bet.stake_cents).to_string()}</span>
                <span>{payout_label} " " {Cents::new(bet.payout_cents).to_string()}</span>
                {profit}
                {clv}
                <span>"Placed " {bet.placed}</span>
            </p>
        </li>
    }
}

/// The limits panel: each limit with what is used and any loosening waiting, a field to
/// change it, a cool-off and self-exclusion (each after a confirm).
#[component]
fn LimitsPanel() -> impl IntoView {
    let loaded = Resource::new(|| (), |_| my_limits());
    // What the last change returned, shown instead of the loaded panel.
    let latest = RwSignal::new(None::<LimitsPanelView>);
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let apply = move |result: Result<LimitsPanelView, AccountError>| {
        saving.set(false);
        match result {
            Ok(view) => {
                error.set(None);
                latest.set(Some(view));
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    let change = move |kind: String, dollars: String| {
        saving.set(true);
        leptos::task::spawn_local(async move { apply(set_limit(kind, dollars).await) });
    };
    let pause = move |length: String| {
        saving.set(true);
        leptos::task::spawn_local(async move { apply(take_break(length).await) });
    };
    view! {
        <section id="limits" aria-labelledby="limits-title" class="space-y-4">
            <h2 id="limits-title" class="text-xl font-semibold">"Limits"</h2>
            <Suspense fallback=|| view! { <p class="text-slate-400" role="status">"Loading your limits…"</p> }>
                {move || Suspend::new(async move {
                    let first = loaded.await;
                    move || {
                        let panel = latest.get().map(Ok).unwrap_or_else(|| first.clone());
                        match panel {
                            Ok(panel) => limits_view(panel, change, pause, saving).into_any(),
                            Err(e) => view! { <p role="alert" class="text-sm text-red-300">{e.to_string()}</p> }.into_any(),
                        }
                    }
                })}
            </Suspense>
            {move || error.get().map(|e| view! {
                <p id="limits-error" role="alert" class="rounded-md border border-red-800 bg-red-950 p-3 text-sm text-red-200">{e}</p>
            })}
        </section>
    }
}

fn limits_view(
    panel: LimitsPanelView,
    change: impl Fn(String, String) + Copy + Send + Sync + 'static,
    pause: impl Fn(String) + Copy + Send + Sync + 'static,
    saving: RwSignal<bool>,
) -> impl IntoView {
    let delay = panel.loosen_delay_hours;
    let message = panel.message.clone().map(|m| {
        view! { <p id="limits-message" role="status" class="rounded-md border border-emerald-800 bg-emerald-950 p-3 text-sm text-emerald-200">{m}</p> }
    });
    let blocked = [
        panel
            .self_excluded_until
            .as_ref()
            .map(|u| format!("Self-excluded until {u}: no bets can be locked in until then.")),
        panel
            .cool_off_until
            .as_ref()
            .map(|u| format!("Cool-off until {u}: no bets can be locked in until then.")),
    ]
    .into_iter()
    .flatten()
    .map(|text| view! { <p class="rounded-md border border-amber-800 bg-amber-950 p-3 text-sm text-amber-200" data-break="">{text}</p> })
    .collect_view();
    view! {
        <div class="space-y-4">
            {message}
            {blocked}
            <p class="text-sm text-slate-400">
                {format!("Tightening a limit applies at once; loosening or removing one takes effect after {delay} hours. Leave a field empty (or 0) to remove that limit.")}
            </p>
            <div class="grid gap-3 md:grid-cols-3">
                {panel.lines.into_iter().map(|line| limit_form(line, change, saving)).collect_view()}
            </div>
            {break_controls(pause, saving, panel.self_exclusion_days)}
        </div>
    }
}

fn limit_form(
    line: LimitLineView,
    change: impl Fn(String, String) + Copy + Send + Sync + 'static,
    saving: RwSignal<bool>,
) -> impl IntoView {
    let kind = line.kind.clone();
    let input_id = format!("limit-{}", line.kind);
    let value = RwSignal::new(
        line.current_cents
            .map(|c| Cents::new(c).to_plain_string())
            .unwrap_or_default(),
    );
    let current = line
        .current_cents
        .map_or_else(|| "No limit".to_owned(), |c| Cents::new(c).to_string());
    let pending = line.pending.clone().map(|(to, at)| {
        let to = to.map_or_else(|| "no limit".to_owned(), |c| Cents::new(c).to_string());
        view! { <p class="text-xs text-amber-300" data-pending="">{format!("Goes to {to} from {at}; the current limit holds until then.")}</p> }
    });
    view! {
        <form class="space-y-2 rounded-lg border border-slate-800 bg-slate-900 p-3" data-limit=line.kind.clone()
            on:submit=move |ev| { ev.prevent_default(); change(kind.clone(), value.get_untracked()) }>
            <label for=input_id.clone() class="block text-sm font-medium text-slate-100">{line.label.clone()}</label>
            <p class="text-xs text-slate-400" data-current="">{format!("Now: {current} · used {} ({})", Cents::new(line.used_cents), line.window)}</p>
            {pending}
            <div class="flex gap-2">
                <input id=input_id inputmode="decimal" autocomplete="off" placeholder="No limit"
                    class="min-w-0 flex-1 rounded-md border border-slate-600 bg-slate-950 px-2 py-1 text-sm text-slate-100"
                    prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
                <button type="submit" disabled=move || saving.get()
                    class="rounded-md border border-slate-600 px-3 py-1 text-sm hover:bg-slate-800 disabled:opacity-40">"Set"</button>
            </div>
        </form>
    }
}

fn break_controls(
    pause: impl Fn(String) + Copy + Send + Sync + 'static,
    saving: RwSignal<bool>,
    self_exclusion_days: u64,
) -> impl IntoView {
    // Which break waits for its confirm: `24h`, `7d`, `30d` or `self_exclude`.
    let confirming = RwSignal::new(None::<String>);
    let length = RwSignal::new("24h".to_owned());
    let confirm_text = move || {
        confirming.get().map(|c| match c.as_str() {
            "self_exclude" => format!("Self-exclude for {self_exclusion_days} days? No bets can be locked in until it ends, and it cannot be undone early."),
            other => format!("Start a {other} cool-off? No bets can be locked in until it ends, and it cannot be shortened."),
        })
    };
    view! {
        <div class="space-y-3 rounded-lg border border-slate-800 bg-slate-900 p-3">
            <div class="flex flex-wrap items-end gap-2">
                <label class="flex flex-col text-sm text-slate-100">
                    "Cool-off"
                    <select id="cool-off-length" class="mt-1 rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm"
                        on:change=move |ev| length.set(event_target_value(&ev))>
                        <option value="24h">"24 hours"</option>
                        <option value="7d">"7 days"</option>
                        <option value="30d">"30 days"</option>
                    </select>
                </label>
                <button type="button" id="start-cool-off" disabled=move || saving.get()
                    class="rounded-md border border-slate-600 px-3 py-1 text-sm hover:bg-slate-800 disabled:opacity-40"
                    on:click=move |_| confirming.set(Some(length.get_untracked()))>"Start cool-off"</button>
                <button type="button" id="self-exclude" disabled=move || saving.get()
                    class="ml-auto rounded-md border border-red-800 px-3 py-1 text-sm text-red-200 hover:bg-red-950 disabled:opacity-40"
                    on:click=move |_| confirming.set(Some("self_exclude".to_owned()))>
                    {format!("Self-exclude ({self_exclusion_days} days)")}
                </button>
            </div>
            {move || confirm_text().map(|text| view! {
                <div class="flex flex-wrap items-center gap-2 rounded-md bg-red-950/60 p-2" role="group" aria-label="Confirm break">
                    <p class="min-w-0 flex-1 text-sm text-red-100">{text}</p>
                    <button type="button" id="confirm-break" class="rounded-md bg-red-700 px-3 py-1 text-sm text-white hover:bg-red-600"
                        on:click=move |_| if let Some(c) = confirming.get_untracked() { confirming.set(None); pause(c) }>"Confirm"</button>
                    <button type="button" class="rounded-md px-3 py-1 text-sm text-slate-300 hover:bg-slate-800"
                        on:click=move |_| confirming.set(None)>"Cancel"</button>
                </div>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_live_in_the_address() {
        assert_eq!(bets_href(StatusFilter::All, ""), "/professor-lock/bets");
        assert_eq!(
            bets_href(StatusFilter::Settled, "nba"),
            "/professor-lock/bets?status=settled&sport=nba"
        );
        assert_eq!(
            bets_href(StatusFilter::All, "epl"),
            "/professor-lock/bets?sport=epl"
        );
    }

    #[test]
    fn money_and_percentages_read_as_a_bettor_expects() {
        assert_eq!(signed_money(7_407), "+$74.07");
        assert_eq!(signed_money(-10_000), "-$100.00");
        assert_eq!(signed_money(0), "+$0.00");
        assert_eq!(percent_bp(455), "+4.55%");
        assert_eq!(percent_bp(-45), "-0.45%");
    }
}
