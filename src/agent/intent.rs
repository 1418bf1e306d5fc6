//! The offline model's reading of a question: which tool to call, with which arguments, from the
//! user's words alone. Deterministic by construction (no randomness, no clock).
//!
//! The tool names and argument shapes are a contract with src/tools/: keep them in step.

use super::teams::sport_and_team;
use serde_json::{json, Map, Value};

/// A tool call the offline model decided on.
#[derive(Clone, Debug, PartialEq)]
pub struct Intent {
    pub tool: &'static str,
    pub arguments: Value,
}

pub const ODDS: &str = "get_odds_visual";
pub const PARLAY: &str = "build_parlay";
pub const STATS: &str = "statmuse_query";
pub const SEARCH: &str = "web_search_visual";
pub const TRENDS: &str = "trends_chart";
pub const MY_BETS: &str = "my_bets";
pub const LIMITS: &str = "set_limits";

/// The question read as lowercase words ("tonight's" → "tonight", "s"; "$25" → "25").
pub(super) struct Words {
    words: Vec<String>,
    /// The words joined by single spaces and padded, for phrase lookups.
    padded: String,
}

impl Words {
    pub(super) fn new(text: &str) -> Self {
        let words: Vec<String> = text
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        let padded = format!(" {} ", words.join(" "));
        Words { words, padded }
    }

    /// Whether any of `phrases` (one or more words each) occurs.
    pub(super) fn any(&self, phrases: &[&str]) -> bool {
        phrases.iter().any(|p| self.has(p))
    }

    pub(super) fn has(&self, phrase: &str) -> bool {
        self.padded
            .contains(&format!(" {} ", Words::new(phrase).words.join(" ")))
    }

    /// The number right before one of `nouns` ("3 picks", "five legs").
    fn number_before(&self, nouns: &[&str]) -> Option<u64> {
        self.words
            .windows(2)
            .find(|pair| nouns.contains(&pair[1].as_str()))
            .and_then(|pair| number(&pair[0]))
    }

    /// The number right after one of `words` ("last 5", "past ten").
    fn number_after(&self, words: &[&str]) -> Option<u64> {
        self.words
            .windows(2)
            .find(|pair| words.contains(&pair[0].as_str()))
            .and_then(|pair| number(&pair[1]))
    }
}

fn number(word: &str) -> Option<u64> {
    const WORDS: [&str; 12] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    word.parse()
        .ok()
        .or_else(|| WORDS.iter().position(|w| *w == word).map(|i| i as u64 + 1))
}

/// The words that pick each tool, checked in the order of `decide`.
#[rustfmt::skip]
mod cue {
    pub const LIMITS: &[&str] = &["limit", "limits", "cap", "cool off", "cooling off", "cooloff", "take a break", "self exclude", "self exclusion", "exclude me", "responsible gambling", "gambling problem"];
    pub const MY_BETS: &[&str] = &["my bets", "my bet", "my ledger", "my parlays", "my parlay", "my wagers", "my tickets", "bet history", "betting history", "my profit", "my roi", "my clv", "my record"];
    pub const PARLAY: &[&str] = &["parlay", "parlays", "accumulator", "acca"];
    pub const LEG_NOUNS: &[&str] = &["picks", "pick", "legs", "leg", "team"];
    pub const TREND: &[&str] = &["trend", "trends", "trending", "chart", "graph"];
    pub const GAMES: &[&str] = &["games", "game", "starts", "matches"];
    pub const SEARCH: &[&str] = &["search", "look up", "google"];
    pub const ODDS: &[&str] = &["odds", "line", "lines", "spread", "spreads", "moneyline", "moneylines", "total", "totals", "over under"];
    pub const STATS: &[&str] = &["averaging", "average", "averages", "points", "stats", "stat", "how many", "rebounds", "assists", "ppg", "record"];
    pub const NEWS: &[&str] = &["news", "injury", "injuries", "injured", "weather", "forecast", "latest"];
    pub const NEWS_TOPIC: &[&str] = &["news", "injury", "injuries", "injured", "latest", "report", "headlines", "rumors", "trade"];
}

/// Decides the tool for a question; `None` when no tool fits (the model then explains itself).
/// An explicit parlay or trend wins over the words inside it ("3 picks on the spread"), an
/// explicit "search" over any topic, odds words over stats words ("total points line").
pub fn decide(text: &str) -> Option<Intent> {
    let w = Words::new(text);
    let parlay_count = w.number_before(cue::LEG_NOUNS);
    let trend_games = w
        .number_after(&["last", "past"])
        .filter(|_| w.any(cue::GAMES));

    // Limits and breaks come first: "stop me betting" must never build a parlay.
    if w.any(cue::LIMITS) && !w.any(cue::ODDS) {
        Some(limits(text, &w))
    } else if w.any(cue::MY_BETS) {
        Some(Intent {
            tool: MY_BETS,
            arguments: json!({}),
        })
    } else if w.any(cue::PARLAY) || parlay_count.is_some() {
        Some(parlay(text, &w, parlay_count))
    } else if w.any(cue::TREND) || trend_games.is_some() {
        Some(trends(text, &w, trend_games))
    } else if w.any(cue::SEARCH) {
        Some(search(text, &w))
    } else if w.any(cue::ODDS) {
        Some(odds(&w))
    } else if w.any(cue::STATS) {
        Some(Intent {
            tool: STATS,
            arguments: json!({"question": text.trim()}),
        })
    } else if w.any(cue::NEWS) {
        Some(search(text, &w))
    } else {
        None
    }
}

/// `set_limits` arguments from words: a cool-off period, self-exclusion, or a cap with its
/// amount ("daily limit of $100", "weekly loss limit $200"); nothing more shows the limits.
fn limits(text: &str, w: &Words) -> Intent {
    let mut args = Map::new();
    if w.any(&["self exclude", "self exclusion", "exclude me"]) {
        args.insert("self_exclude".into(), json!(true));
    } else if w.any(&["cool off", "cooling off", "cooloff", "take a break"]) {
        let period = if w.any(&["30 days", "month", "30 day"]) {
            "30d"
        } else if w.any(&["7 days", "week", "7 day", "a week"]) {
            "7d"
        } else {
            "24h"
        };
        args.insert("cool_off".into(), json!(period));
    } else if let Some(cents) = stake_cents(text) {
        let key = if w.any(&["loss", "losses", "lose"]) {
            "weekly_loss_limit_cents"
        } else if w.any(&["weekly", "week"]) {
            "weekly_stake_cap_cents"
        } else {
            "daily_stake_cap_cents"
        };
        args.insert(key.into(), json!(cents));
    }
    Intent {
        tool: LIMITS,
        arguments: Value::Object(args),
    }
}

fn odds(w: &Words) -> Intent {
    let (sport, team) = sport_and_team(w);
    let markets = [
        (
            "h2h",
            w.any(&["moneyline", "moneylines", "ml", "h2h", "to win"]),
        ),
        ("spreads", w.any(&["spread", "spreads", "handicap", "ats"])),
        ("totals", w.any(&["total", "totals", "over under", "o u"])),
    ];
    let asked: Vec<&str> = markets.iter().filter(|m| m.1).map(|m| m.0).collect();
    let market = if asked.len() == 1 { asked[0] } else { "all" };
    let mut args = Map::new();
    args.insert("sport".into(), json!(sport));
    args.insert("market".into(), json!(market));
    if let Some(team) = team {
        args.insert("team".into(), json!(team));
    }
    Intent {
        tool: ODDS,
        arguments: Value::Object(args),
    }
}

fn parlay(text: &str, w: &Words, count: Option<u64>) -> Intent {
    let (sport, _) = sport_and_team(w);
    let mut args = Map::new();
    args.insert("legs_count".into(), json!(count.unwrap_or(3)));
    args.insert("sport".into(), json!(sport));
    if let Some(cents) = stake_cents(text) {
        args.insert("stake_cents".into(), json!(cents));
    }
    Intent {
        tool: PARLAY,
        arguments: Value::Object(args),
    }
}

fn trends(text: &str, w: &Words, games: Option<u64>) -> Intent {
    let subject = sport_and_team(w)
        .1
        .or_else(|| proper_name(text))
        .unwrap_or_else(|| text.trim().to_owned());
    const STATS: &[(&str, &[&str])] = &[
        ("rebounds", &["rebounds", "rebound", "boards"]),
        ("assists", &["assists", "assist"]),
        ("threes", &["threes", "three pointers", "3 pointers"]),
        ("passing yards", &["passing yards", "passing"]),
        ("rushing yards", &["rushing yards", "rushing"]),
        ("receiving yards", &["receiving yards", "receiving"]),
        ("home runs", &["home runs", "homers"]),
        ("hits", &["hits"]),
        ("goals", &["goals"]),
        ("shots", &["shots"]),
    ];
    let stat = STATS
        .iter()
        .find(|(_, words)| w.any(words))
        .map_or("points", |(name, _)| name);
    Intent {
        tool: TRENDS,
        arguments: json!({"subject": subject, "stat": stat, "last_n": games.unwrap_or(10)}),
    }
}

fn search(text: &str, w: &Words) -> Intent {
    let mut query = text.trim();
    for prefix in [
        "search the web for",
        "search for",
        "search",
        "look up",
        "google",
    ] {
        if query.len() >= prefix.len() && query[..prefix.len()].eq_ignore_ascii_case(prefix) {
            query = query[prefix.len()..].trim_start_matches([' ', ':', ',']);
            break;
        }
    }
    let query = query.trim_end_matches(['?', '.', '!', ' ']);
    let query = if query.is_empty() { text.trim() } else { query };
    let news = w.any(cue::NEWS_TOPIC);
    Intent {
        tool: SEARCH,
        arguments: json!({"query": query, "topic": if news { "news" } else { "general" }}),
    }
}

/// "$25", "$12.50", "25 dollars", "25 bucks" → cents.
fn stake_cents(text: &str) -> Option<u64> {
    let to_cents = |amount: &str| -> Option<u64> {
        let (whole, frac) = amount.split_once('.').unwrap_or((amount, ""));
        let whole: u64 = whole.replace(',', "").parse().ok()?;
        let frac: u64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<u64>().ok()? * 10,
            _ => frac[..2].parse().ok()?,
        };
        Some(whole * 100 + frac)
    };
    let amount_at = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
            .collect::<String>()
            .trim_end_matches(['.', ','])
            .to_owned()
    };
    if let Some(at) = text.find('$') {
        return to_cents(&amount_at(&text[at + 1..]));
    }
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    words
        .windows(2)
        .find(|pair| {
            matches!(
                pair[1].trim_end_matches(['.', ',', '?']),
                "dollars" | "bucks"
            )
        })
        .and_then(|pair| to_cents(&amount_at(pair[0])))
}

/// The first run of capitalised words that is not a sentence opener or a league ("LeBron James",
/// "Jokic"), without a trailing possessive.
fn proper_name(text: &str) -> Option<String> {
    #[rustfmt::skip]
    const SKIP: &[&str] = &[
        "Show", "Me", "How", "What", "What's", "Whats", "Is", "Are", "Has", "Have", "Did", "Does",
        "The", "Last", "Past", "Games", "Game", "Trend", "Trends", "Chart", "Graph", "Plot", "Give",
        "I", "NBA", "NFL", "MLB", "NHL", "EPL", "Over", "In", "For", "Points", "Tonight",
        "Tonight's", "Can", "You", "Please", "Make",
    ];
    let mut run: Vec<&str> = Vec::new();
    for raw in text.split_whitespace() {
        let word =
            raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '.' && c != '-');
        let word = word.trim_end_matches('.');
        let capitalised = word.chars().next().is_some_and(char::is_uppercase);
        if capitalised && !SKIP.contains(&word) {
            run.push(word);
            if raw.ends_with([',', '?', '!']) {
                break;
            }
        } else if !run.is_empty() {
            break;
        }
    }
    let name = run.join(" ");
    let name = name
        .strip_suffix("'s")
        .or_else(|| name.strip_suffix("’s"))
        .unwrap_or(&name);
    (!name.is_empty()).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(text: &str) -> (&'static str, Value) {
        let intent = decide(text).unwrap_or_else(|| panic!("no tool for {text:?}"));
        (intent.tool, intent.arguments)
    }

    #[test]
    fn the_four_seed_prompts() {
        assert_eq!(
            call("Show me tonight's NBA odds"),
            (ODDS, json!({"sport": "nba", "market": "all"}))
        );
        assert_eq!(
            call("Build me a parlay with 3 picks"),
            (PARLAY, json!({"legs_count": 3, "sport": "nba"}))
        );
        assert_eq!(
            call("How many points is LeBron averaging?"),
            (
                STATS,
                json!({"question": "How many points is LeBron averaging?"})
            )
        );
        assert_eq!(
            call("Search for weather in Denver"),
            (
                SEARCH,
                json!({"query": "weather in Denver", "topic": "general"})
            )
        );
    }

    #[test]
    fn questions_about_my_own_bets_read_the_ledger() {
        for q in [
            "How are my bets doing?",
            "Show my bets",
            "how are my parlays doing",
            "What's my ROI?",
            "my betting history please",
        ] {
            assert_eq!(call(q), (MY_BETS, json!({})), "{q}");
        }
        // Building a parlay is still a parlay.
        assert_eq!(call("Build me a parlay with 3 picks").0, PARLAY);
    }

    #[test]
    fn limits_and_breaks_read_the_request() {
        assert_eq!(call("Show my limits"), (LIMITS, json!({})));
        assert_eq!(
            call("Set a daily limit of $100"),
            (LIMITS, json!({"daily_stake_cap_cents": 10000}))
        );
        assert_eq!(
            call("weekly loss limit $250"),
            (LIMITS, json!({"weekly_loss_limit_cents": 25000}))
        );
        assert_eq!(
            call("I need to cool off for a week"),
            (LIMITS, json!({"cool_off": "7d"}))
        );
        assert_eq!(
            call("Please self exclude me"),
            (LIMITS, json!({"self_exclude": true}))
        );
    }

    #[test]
    fn odds_read_sport_market_and_team() {
        assert_eq!(
            call("What's the spread on the Lakers game?"),
            (
                ODDS,
                json!({"sport": "nba", "market": "spreads", "team": "Lakers"})
            )
        );
        assert_eq!(
            call("Chiefs moneyline"),
            (
                ODDS,
                json!({"sport": "nfl", "market": "h2h", "team": "Chiefs"})
            )
        );
        assert_eq!(
            call("hockey totals tonight"),
            (ODDS, json!({"sport": "nhl", "market": "totals"}))
        );
        assert_eq!(
            call("Premier League odds for Man City"),
            (
                ODDS,
                json!({"sport": "epl", "market": "all", "team": "Manchester City"})
            )
        );
        assert_eq!(
            call("NHL line for the Panthers"),
            (
                ODDS,
                json!({"sport": "nhl", "market": "all", "team": "Panthers"})
            )
        );
    }

    #[test]
    fn parlays_read_legs_sport_and_stake() {
        assert_eq!(
            call("Give me 4 picks for NFL, $25 on it"),
            (
                PARLAY,
                json!({"legs_count": 4, "sport": "nfl", "stake_cents": 2500})
            )
        );
        assert_eq!(
            call("a five leg MLB parlay for 12.50 dollars"),
            (
                PARLAY,
                json!({"legs_count": 5, "sport": "mlb", "stake_cents": 1250})
            )
        );
        assert_eq!(
            call("parlay please"),
            (PARLAY, json!({"legs_count": 3, "sport": "nba"}))
        );
    }

    #[test]
    fn trends_read_subject_stat_and_games() {
        assert_eq!(
            call("LeBron James points over the last 5 games"),
            (
                TRENDS,
                json!({"subject": "LeBron James", "stat": "points", "last_n": 5})
            )
        );
        assert_eq!(
            call("Show me Jokic's rebounds trend"),
            (
                TRENDS,
                json!({"subject": "Jokic", "stat": "rebounds", "last_n": 10})
            )
        );
        assert_eq!(
            call("Celtics trend last 8 games"),
            (
                TRENDS,
                json!({"subject": "Celtics", "stat": "points", "last_n": 8})
            )
        );
    }

    #[test]
    fn searches_and_news() {
        assert_eq!(
            call("Any injury news on the Lakers?"),
            (
                SEARCH,
                json!({"query": "Any injury news on the Lakers", "topic": "news"})
            )
        );
        assert_eq!(
            call("search: Chiefs odds movement"),
            (
                SEARCH,
                json!({"query": "Chiefs odds movement", "topic": "general"})
            )
        );
    }

    #[test]
    fn stats_questions_go_to_statmuse_and_small_talk_to_no_tool() {
        assert_eq!(call("Jokic rebounds per game?").0, STATS);
        assert_eq!(call("What's the Celtics record this season").0, STATS);
        assert_eq!(decide("hello there"), None);
        assert_eq!(decide(""), None);
    }
}
