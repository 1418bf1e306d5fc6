//! The offline model's answers: a few sentences written from the tools' results, with the
//! numbers taken from them, the source and as-of time when given, and "DEMO DATA" whenever a
//! result is demo data.
//!
//! Each tool writes its own answer from its own result (`OfflineSkill::answer`, in the tool's
//! file); this adds what every answer shares: errors in words, a top-level `summary`/`answer`
//! sentence or the result's scalar facts when the tool has nothing to say, the source of live
//! data, and the demo label.

use super::intent::Skills;
use super::model::ToolCall;
use crate::tools::offline_skill::{readable_time, scalar_facts, str_at};
use serde_json::Value;

/// One tool call of this turn and what it returned.
pub struct Outcome<'a> {
    pub call: &'a ToolCall,
    pub result: Value,
}

pub fn write(skills: &Skills, outcomes: &[Outcome<'_>]) -> String {
    let mut parts: Vec<String> = outcomes.iter().map(|o| one(skills, o)).collect();
    if let Some(demo) = outcomes.iter().find(|o| is_demo(&o.result)) {
        let as_of = provenance_field(&demo.result, "as_of")
            .map_or(String::new(), |t| format!(", as of {}", readable_time(t)));
        parts.push(format!(
            "_DEMO DATA{as_of}: fictional samples, not for betting. \
             Configure real providers to see live data._"
        ));
    }
    parts.join("\n\n")
}

fn one(skills: &Skills, outcome: &Outcome<'_>) -> String {
    let result = &outcome.result;
    let args: Value = serde_json::from_str(&outcome.call.arguments).unwrap_or(Value::Null);
    let skill = skills.get(&outcome.call.name);
    if let Some(error) = result.get("error") {
        let error = error
            .as_str()
            .map_or_else(|| error.to_string(), str::to_owned);
        let doing = skill.map_or("finish that", |s| s.doing);
        return format!("I couldn't {doing}: {error}");
    }
    let mut text = skill
        .and_then(|s| (s.answer)(result, &args))
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

fn summary(result: &Value) -> Option<String> {
    str_at(result, &["summary", "answer", "text", "message"]).map(str::to_owned)
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
