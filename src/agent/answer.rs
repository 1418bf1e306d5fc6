//! The offline model's answers: a few sentences written from the tools' results, with the
//! numbers taken from them, the source and as-of time when given, and "DEMO DATA" whenever a
//! result is demo data.
//!
//! Tools return compact JSON whose exact shape is theirs; this reads it defensively: a
//! top-level `summary`/`answer` sentence is used as is, and the usual fields (games and teams,
//! legs and prices, results and titles, per-game values) are looked up under common names.

use super::intent::{LIMITS, MY_BETS, ODDS, PARLAY, SEARCH, STATS, TRENDS};
use super::model::ToolCall;
use serde_json::Value;

/// One tool call of this turn and what it returned.
pub struct Outcome<'a> {
    pub call: &'a ToolCall,
    pub result: Value,
}

pub fn write(outcomes: &[Outcome<'_>]) -> String {
    let mut parts: Vec<String> = outcomes.iter().map(one).collect();
    if let Some(demo) = outcomes.iter().find(|o| is_demo(&o.result)) {
        let as_of = provenance_field(&demo.result, "as_of")
            .map_or(String::new(), |t| format!(", as of {}", readable_time(t)));
        parts.push(format!(
            "_DEMO DATA{as_of}: fictional samples, not for betting. \
             Configure real providers to see live data._"
        ));
    }
    if outcomes
        .iter()
        .any(|o| o.call.name == PARLAY && o.result.get("error").is_none())
    {
        parts.push("Stake only what you can afford to lose; no parlay is a lock.".into());
    }
    parts.join("\n\n")
}

fn one(outcome: &Outcome<'_>) -> String {
    let result = &outcome.result;
    let args: Value = serde_json::from_str(&outcome.call.arguments).unwrap_or(Value::Null);
    if let Some(error) = result.get("error") {
        let error = error
            .as_str()
            .map_or_else(|| error.to_string(), str::to_owned);
        return format!("I couldn't {}: {error}", doing(&outcome.call.name));
    }
    let mut text = match outcome.call.name.as_str() {
        ODDS => odds(result, &args),
        PARLAY => parlay(result),
        STATS => stats(result),
        SEARCH => search(result, &args),
        TRENDS => trend(result, &args),
        MY_BETS => my_bets(result),
        LIMITS => limits(result),
        _ => None,
    }
    .or_else(|| summary(result))
    .unwrap_or_else(|| generic(result, &outcome.call.name));
    // Demo data is labelled once, at the end; live data names its source here.
    if let (false, Some(source)) = (is_demo(result), provenance_field(result, "source")) {
        let as_of = provenance_field(result, "as_of")
            .map_or(String::new(), |t| format!(", as of {}", readable_time(t)));
        text.push_str(&format!("\n\n_Source: {source}{as_of}._"));
    }
    text
}

fn doing(tool: &str) -> &'static str {
    match tool {
        ODDS => "get the odds",
        PARLAY => "build that parlay",
        STATS => "look that stat up",
        SEARCH => "run that search",
        TRENDS => "chart that trend",
        MY_BETS => "read your ledger",
        LIMITS => "change your limits",
        _ => "finish that",
    }
}

fn str_at<'v>(value: &'v Value, keys: &[&str]) -> Option<&'v str> {
    keys.iter()
        .find_map(|k| value.get(*k).and_then(Value::as_str))
        .filter(|s| !s.trim().is_empty())
}

fn array_at<'v>(value: &'v Value, keys: &[&str]) -> Option<&'v Vec<Value>> {
    keys.iter()
        .find_map(|k| value.get(*k).and_then(Value::as_array))
}

fn summary(result: &Value) -> Option<String> {
    str_at(result, &["summary", "answer", "text", "message"]).map(str::to_owned)
}

/// An odds price or other number as people read it: American prices signed ("+115", "-135").
fn shown(value: &Value, key: &str) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => {
            let looks_american = key.contains("price") || key.contains("odds") || key == "american";
            match n.as_i64() {
                Some(i) if looks_american && i >= 100 => Some(format!("+{i}")),
                _ => Some(n.to_string()),
            }
        }
        Value::Bool(_) | Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

fn dollars(cents: i64) -> String {
    format!("${}.{:02}", cents / 100, cents % 100)
}

fn odds(result: &Value, args: &Value) -> Option<String> {
    let games = array_at(result, &["games", "events", "board", "rows"])?;
    let sport = str_at(result, &["sport"])
        .or_else(|| args["sport"].as_str())
        .unwrap_or("nba")
        .to_uppercase();
    let day = str_at(result, &["date"]).map_or(String::new(), |d| format!(" for {d}"));
    let mut text = match games.len() {
        0 => format!("I found no {sport} games on the board{day}."),
        1 => format!("Here is the {sport} board{day}: 1 game. Best prices across the books:"),
        n => format!("Here is the {sport} board{day}: {n} games. Best prices across the books:"),
    };
    if let Some(note) = str_at(result, &["note"]) {
        text.push_str(&format!(" ({note})"));
    }
    for game in games.iter().take(4) {
        let matchup = match (
            str_at(game, &["away_team", "away"]),
            str_at(game, &["home_team", "home"]),
        ) {
            (Some(away), Some(home)) => format!("{away} @ {home}"),
            _ => str_at(game, &["game", "matchup", "name", "title"])
                .unwrap_or("Game")
                .to_owned(),
        };
        let prices = game_prices(game);
        text.push_str(&format!("\n- **{matchup}**"));
        if !prices.is_empty() {
            text.push_str(&format!(": {prices}"));
        }
    }
    if games.len() > 4 {
        text.push_str(&format!(
            "\n\n{} more on the board above, with every book's price.",
            games.len() - 4
        ));
    }
    Some(text)
}

/// A game's prices: the best price per outcome when the result has them by market, else the
/// first book's prices when it carries raw books, else its own scalar fields.
fn game_prices(game: &Value) -> String {
    if let Some(markets) = game.get("markets").and_then(Value::as_object) {
        let sides = |key: &str| -> Vec<&Value> {
            markets
                .get(key)
                .and_then(Value::as_array)
                .map(|o| o.iter().collect())
                .unwrap_or_default()
        };
        let price = |o: &Value| {
            ["best_price", "price"]
                .iter()
                .find_map(|k| o.get(*k).and_then(|p| shown(p, k)))
        };
        let mut parts = Vec::new();
        let moneyline: Vec<String> = sides("h2h")
            .iter()
            .filter_map(|o| {
                Some(format!(
                    "{} {}",
                    str_at(o, &["selection", "name"])?,
                    price(o)?
                ))
            })
            .collect();
        if !moneyline.is_empty() {
            parts.push(moneyline.join(" / "));
        }
        // The spread as its favourite's line, the total as its number.
        let spreads = sides("spreads");
        let favourite = spreads
            .iter()
            .find(|o| {
                o.get("point")
                    .and_then(Value::as_f64)
                    .is_some_and(|p| p < 0.0)
            })
            .or(spreads.first());
        if let Some(o) = favourite {
            if let (Some(name), Some(point)) = (
                str_at(o, &["selection", "name"]),
                o.get("point").and_then(Value::as_f64),
            ) {
                let price = price(o).map_or(String::new(), |p| format!(" ({p})"));
                parts.push(format!("{name} {point:+}{price}"));
            }
        }
        if let Some(point) = sides("totals")
            .iter()
            .find_map(|o| o.get("point").and_then(Value::as_f64))
        {
            parts.push(format!("O/U {point}"));
        }
        return parts.join(" · ");
    }
    if let Some(book) = array_at(game, &["bookmakers", "books"]).and_then(|b| b.first()) {
        let markets = array_at(book, &["markets"]).cloned().unwrap_or_default();
        return markets
            .iter()
            .filter_map(|market| {
                let key = str_at(market, &["key"])?;
                let outcomes = array_at(market, &["outcomes"])?
                    .iter()
                    .filter_map(|o| {
                        let name = str_at(o, &["name"])?;
                        let price = o
                            .get("price")
                            .or_else(|| o.get("price_american"))
                            .and_then(|p| shown(p, "price"))?;
                        Some(match o.get("point").and_then(Value::as_f64) {
                            Some(point) if key == "spreads" => {
                                format!("{name} {point:+} ({price})")
                            }
                            Some(point) => format!("{name} {point} ({price})"),
                            None => format!("{name} {price}"),
                        })
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                Some(format!("{} {outcomes}", market_label(key)))
            })
            .collect::<Vec<_>>()
            .join("; ");
    }
    scalar_facts(
        game,
        4,
        &[
            "away_team",
            "home_team",
            "away",
            "home",
            "game",
            "matchup",
            "name",
            "title",
        ],
    )
}

fn market_label(key: &str) -> &str {
    match key {
        "h2h" => "moneyline",
        "spreads" => "spread",
        "totals" => "total",
        other => other,
    }
}

fn parlay(result: &Value) -> Option<String> {
    let legs = array_at(result, &["legs", "picks"])?;
    let mut text = format!("Here is a {}-leg parlay:", legs.len());
    for leg in legs {
        let pick = str_at(
            leg,
            &["pick", "selection", "label", "name", "outcome", "team"],
        )
        .unwrap_or("leg");
        let price = ["price", "odds", "price_american", "american"]
            .iter()
            .find_map(|k| leg.get(*k).and_then(|v| shown(v, k)));
        let game = str_at(leg, &["game", "matchup", "event"]);
        text.push_str(&format!("\n- **{pick}**"));
        if let Some(price) = price {
            text.push_str(&format!(" ({price})"));
        }
        if let Some(game) = game {
            text.push_str(&format!(", {game}"));
        }
    }
    let combined = [
        "combined_odds",
        "combined",
        "odds",
        "price",
        "combined_american",
    ]
    .iter()
    .find_map(|k| result.get(*k).and_then(|v| shown(v, "odds")));
    // Amounts as integer cents, or already written ("$10.00").
    let amount = |cents: &str, written: &str| {
        result
            .get(cents)
            .and_then(Value::as_i64)
            .map(dollars)
            .or_else(|| str_at(result, &[written]).map(str::to_owned))
    };
    let stake = amount("stake_cents", "stake");
    let payout = amount("payout_cents", "payout");
    match (combined, stake, payout) {
        (Some(odds), Some(stake), Some(payout)) => text.push_str(&format!(
            "\n\nCombined odds {odds}: a {stake} stake pays {payout} in total."
        )),
        (Some(odds), _, _) => text.push_str(&format!("\n\nCombined odds {odds}.")),
        (None, Some(stake), Some(payout)) => {
            text.push_str(&format!("\n\nA {stake} stake pays {payout} in total."))
        }
        _ => {}
    }
    text.push_str("\nChange the stake on the slip, then Lock It In when you're ready.");
    Some(text)
}

fn stats(result: &Value) -> Option<String> {
    let answer = str_at(result, &["answer", "summary", "text"])?;
    Some(answer.to_owned())
}

fn search(result: &Value, args: &Value) -> Option<String> {
    let results = array_at(result, &["results", "items", "sources"])?;
    let query = args["query"].as_str().unwrap_or("that");
    let mut text = match results.len() {
        0 => return Some(format!("I found nothing for “{query}”.")),
        1 => format!("I found 1 result for “{query}”:"),
        n => format!("I found {n} results for “{query}”:"),
    };
    if let Some(answer) = str_at(result, &["answer", "summary"]) {
        text = format!("{answer}\n\n{text}");
    }
    for item in results.iter().take(3) {
        let title = str_at(item, &["title", "name"]).unwrap_or("(untitled)");
        text.push_str(&format!("\n- **{title}**"));
        if let Some(snippet) = str_at(item, &["snippet", "content", "description"]) {
            text.push_str(&format!(": {}", super::messages::truncate(snippet, 160)));
        }
    }
    Some(text)
}

fn trend(result: &Value, args: &Value) -> Option<String> {
    let points = array_at(result, &["games", "points", "values", "series", "data"])?;
    let values: Vec<f64> = points
        .iter()
        .filter_map(|p| {
            p.as_f64()
                .or_else(|| p.get("value").and_then(Value::as_f64))
        })
        .collect();
    let subject = str_at(result, &["subject", "name"])
        .or_else(|| args["subject"].as_str())
        .unwrap_or("That subject");
    let stat = str_at(result, &["stat_name", "stat"])
        .or_else(|| args["stat"].as_str())
        .unwrap_or("points");
    if values.is_empty() {
        return Some(format!("I found no recent games for {subject}."));
    }
    let n = values.len();
    let average = values.iter().sum::<f64>() / n as f64;
    let high = values.iter().cloned().fold(f64::MIN, f64::max);
    let low = values.iter().cloned().fold(f64::MAX, f64::min);
    let last = values[n - 1];
    Some(format!(
        "{subject}, {stat} over the last {n} games: average {average:.1}, high {high}, low {low}; most recent {last}."
    ))
}

/// Up to `max` short "key value" facts from an object's scalar fields.
fn scalar_facts(value: &Value, max: usize, skip: &[&str]) -> String {
    let Some(map) = value.as_object() else {
        return String::new();
    };
    map.iter()
        .filter(|(k, _)| {
            !skip.contains(&k.as_str())
                && !k.ends_with("id")
                && !k.contains("url")
                && !k.contains("time")
                && !matches!(k.as_str(), "source" | "as_of" | "demo" | "provenance")
        })
        .filter_map(|(k, v)| shown(v, k).map(|s| format!("{} {s}", k.replace('_', " "))))
        .filter(|fact| fact.len() <= 80)
        .take(max)
        .collect::<Vec<_>>()
        .join(", ")
}

fn my_bets(result: &Value) -> Option<String> {
    let open = result.get("open_bets")?.as_u64()?;
    let settled = result.get("settled_bets")?.as_u64()?;
    if open + settled == 0 {
        return Some(
            "You have no tracked bets yet. Lock in a slip and it shows up here, graded \
             automatically once its games are final."
                .into(),
        );
    }
    let mut text = format!(
        "You have {open} open bet{} ({} at stake) and {settled} settled: {} won, {} lost, {} \
         pushed or void.",
        if open == 1 { "" } else { "s" },
        str_at(result, &["open_stake"])?,
        result.get("won")?,
        result.get("lost")?,
        result.get("push_or_void")?,
    );
    if settled > 0 {
        text.push_str(&format!(
            " Profit/loss {}",
            str_at(result, &["profit_loss"])?
        ));
        if let Some(roi) = str_at(result, &["roi"]) {
            text.push_str(&format!(", ROI {roi}"));
        }
        text.push('.');
    }
    if let Some(clv) = str_at(result, &["average_clv"]) {
        text.push_str(&format!(
            " Average closing-line value {clv} over {} bets.",
            result.get("bets_with_clv")?
        ));
    }
    text.push_str(" These bets are tracked here, not placed with a sportsbook.");
    Some(text)
}

fn limits(result: &Value) -> Option<String> {
    let changes: Vec<&str> = array_at(result, &["changes"])?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut text = if changes.is_empty() {
        "Here are your limits.".to_owned()
    } else {
        changes.join(" ")
    };
    text.push_str(
        " Tightening a limit is immediate; loosening one waits before it applies. If betting \
         stops being fun, a cool-off or self-exclusion is one message away.",
    );
    Some(text)
}

fn generic(result: &Value, tool: &str) -> String {
    let facts = scalar_facts(result, 4, &[]);
    if facts.is_empty() {
        format!("Done: the {tool} results are shown above.")
    } else {
        format!("From {tool}: {facts}.")
    }
}

/// A provenance field, at the top level or under `provenance`.
fn provenance_field<'v>(result: &'v Value, key: &str) -> Option<&'v str> {
    str_at(result, &[key]).or_else(|| str_at(result.get("provenance")?, &[key]))
}

/// "2025-01-15T17:00:00Z" → "2025-01-15 17:00 UTC"; other text as is.
fn readable_time(time: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(time).map_or_else(
        |_| time.to_owned(),
        |t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        },
    )
}

/// Whether any part of a result is marked as demo data.
pub fn is_demo(value: &Value) -> bool {
    match value {
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| (k == "demo" && v.as_bool() == Some(true)) || is_demo(v)),
        Value::Array(items) => items.iter().any(is_demo),
        Value::String(s) => s.contains("DEMO DATA"),
        _ => false,
    }
}
