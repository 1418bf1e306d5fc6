//! What a tool declares so the offline model (no API key) can use it: which questions it
//! answers (routes over a [`Question`]), how it writes an answer from its own result, the
//! example questions it must answer (tested, and shown in the offline help), and the golden
//! files of the widgets it streams (tested to exist and to pass the catalogue).
//!
//! The offline model knows no tool by name: it asks every registered tool's routes, the
//! highest [`priority`] that reads the question wins.

use serde_json::Value;

use super::question::Question;

/// How the offline model recognises and answers one tool.
#[derive(Clone, Copy)]
pub struct OfflineSkill {
    /// Ways a question can reach this tool; each reads its arguments from the question.
    pub routes: &'static [Route],
    /// The answer from this tool's result and the arguments it was called with; `None` falls
    /// back to the result's own `summary`/`answer` sentence or its scalar facts.
    pub answer: fn(result: &Value, args: &Value) -> Option<String>,
    /// What the tool does, for "I couldn't {doing}: …" (e.g. "get the odds").
    pub doing: &'static str,
    /// Questions the offline model must route here (the test in `registry.rs` asks each one).
    /// The first is shown in the offline help.
    pub examples: &'static [&'static str],
    /// What the first example shows, for the help line (e.g. "for the odds board").
    pub shows: &'static str,
    /// Golden files (`src/widgets/golden/{name}.json`) of the widgets this tool streams.
    pub widgets: &'static [&'static str],
}

/// One way in: when `read` finds its cues it returns the tool's arguments.
#[derive(Clone, Copy)]
pub struct Route {
    pub priority: u8,
    pub read: fn(&Question) -> Option<Value>,
}

/// Which reading wins when several tools' cues occur in one question. Higher first; the
/// order says what a bettor means: "stop me betting" is never a parlay, "3 picks on the
/// spread" is a parlay, an explicit "search" beats any topic, odds words beat stats words
/// ("total points line").
pub mod priority {
    /// Limits, cool-offs and self-exclusion.
    pub const SAFETY: u8 = 100;
    /// The user's own bets.
    pub const OWN_ACCOUNT: u8 = 90;
    /// Building something explicit (a parlay of N picks).
    pub const BUILD: u8 = 80;
    /// Charts over recent games.
    pub const CHART: u8 = 70;
    /// "search …", "look up …".
    pub const EXPLICIT_SEARCH: u8 = 60;
    /// A dedicated report on a topic (injuries).
    pub const REPORT: u8 = 55;
    /// Prices.
    pub const PRICES: u8 = 50;
    /// Stats questions.
    pub const STATS: u8 = 40;
    /// Anything newsy with no better tool.
    pub const FALLBACK: u8 = 10;
}

/// The first non-blank string under one of `keys`.
pub fn str_at<'v>(value: &'v Value, keys: &[&str]) -> Option<&'v str> {
    keys.iter()
        .find_map(|k| value.get(*k).and_then(Value::as_str))
        .filter(|s| !s.trim().is_empty())
}

/// The first array under one of `keys`.
pub fn array_at<'v>(value: &'v Value, keys: &[&str]) -> Option<&'v Vec<Value>> {
    keys.iter()
        .find_map(|k| value.get(*k).and_then(Value::as_array))
}

/// An odds price or other number as people read it: American prices signed ("+115", "-135").
pub fn shown(value: &Value, key: &str) -> Option<String> {
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

/// Integer cents as "$12.50".
pub fn dollars(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}${}.{:02}", cents / 100, cents % 100)
}

/// Up to `max` short "key value" facts from an object's scalar fields.
pub fn scalar_facts(value: &Value, max: usize, skip: &[&str]) -> String {
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

/// "2025-01-15T17:00:00Z" → "2025-01-15 17:00 UTC"; other text as is.
pub fn readable_time(time: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(time).map_or_else(
        |_| time.to_owned(),
        |t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        },
    )
}

/// At most `max` characters, cut at a character boundary, with "…" when cut.
pub fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}
