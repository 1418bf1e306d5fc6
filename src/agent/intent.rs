//! The offline model's reading of a question: which tool to call, with which arguments, from the
//! user's words alone. Deterministic by construction (no randomness, no clock).
//!
//! It knows no tool by name: every tool declares its routes (`tools::OfflineSkill`), and the
//! highest-priority route that reads the question wins (ties go to the first registered).

use crate::tools::{OfflineSkill, Question, ToolRegistry};
use serde_json::Value;

/// A tool call the offline model decided on.
#[derive(Clone, Debug, PartialEq)]
pub struct Intent {
    pub tool: &'static str,
    pub arguments: Value,
}

/// The offline skills of a set of tools, by tool name.
#[derive(Clone, Default)]
pub struct Skills {
    skills: Vec<(&'static str, OfflineSkill)>,
}

impl Skills {
    pub fn of(tools: &ToolRegistry) -> Self {
        Skills {
            skills: tools
                .iter()
                .filter_map(|tool| Some((tool.name(), tool.offline()?)))
                .collect(),
        }
    }

    pub fn get(&self, tool: &str) -> Option<&OfflineSkill> {
        self.skills.iter().find(|(n, _)| *n == tool).map(|(_, s)| s)
    }

    pub fn iter(&self) -> impl Iterator<Item = &(&'static str, OfflineSkill)> {
        self.skills.iter()
    }

    /// Decides the tool for a question; `None` when no tool fits (the model then explains
    /// itself).
    pub fn decide(&self, text: &str) -> Option<Intent> {
        let question = Question::new(text);
        let mut best: Option<(u8, Intent)> = None;
        for (tool, skill) in &self.skills {
            for route in skill.routes {
                if best.as_ref().is_some_and(|(p, _)| *p >= route.priority) {
                    continue;
                }
                if let Some(arguments) = (route.read)(&question) {
                    best = Some((route.priority, Intent { tool, arguments }));
                }
            }
        }
        best.map(|(_, intent)| intent)
    }
}

#[cfg(test)]
mod tests {
    //! The routing of the standard tools read together: each tool's own examples are asked in
    //! `tools::registry`; here, the arguments and which tool wins when cues overlap.
    use super::*;
    use crate::tools::{
        build_parlay::BuildParlay, get_odds::GetOddsVisual, injury_report::InjuryReportTool,
        my_bets::MyBets, set_limits::SetLimits, standard_tools, stats_question::StatmuseQuery,
        trends::TrendsChart, web_search::WebSearchVisual, TypedTool,
    };
    use serde_json::json;

    const ODDS: &str = GetOddsVisual::NAME;
    const PARLAY: &str = BuildParlay::NAME;
    const STATS: &str = StatmuseQuery::NAME;
    const SEARCH: &str = WebSearchVisual::NAME;
    const TRENDS: &str = TrendsChart::NAME;
    const MY_BETS: &str = MyBets::NAME;
    const LIMITS: &str = SetLimits::NAME;

    fn decide(text: &str) -> Option<Intent> {
        Skills::of(&standard_tools()).decide(text)
    }

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
    fn every_registered_tool_is_reached_by_each_of_its_examples() {
        let tools = standard_tools();
        let skills = Skills::of(&tools);
        for tool in tools.iter() {
            let skill = tool
                .offline()
                .unwrap_or_else(|| panic!("{} declares no offline skill", tool.name()));
            for example in skill.examples {
                let intent = skills
                    .decide(example)
                    .unwrap_or_else(|| panic!("{example:?} reaches no tool"));
                assert_eq!(intent.tool, tool.name(), "{example:?}");
                assert!(intent.arguments.is_object(), "{example:?}");
            }
        }
    }

    #[test]
    fn injury_questions_read_team_player_and_league() {
        const INJURIES: &str = InjuryReportTool::NAME;
        assert_eq!(
            call("Any injury news for the Lakers?"),
            (INJURIES, json!({"subject": "Lakers", "sport": "nba"}))
        );
        assert_eq!(
            call("Is Luka Dončić injured?"),
            (INJURIES, json!({"subject": "Luka Dončić"}))
        );
        assert_eq!(
            call("NFL injury report"),
            (INJURIES, json!({"sport": "nfl"}))
        );
        assert_eq!(
            call("Mbappé injury news"),
            (INJURIES, json!({"subject": "Mbappé"}))
        );
    }

    #[test]
    fn searches_and_news() {
        assert_eq!(
            call("Latest news on the Lakers?"),
            (
                SEARCH,
                json!({"query": "Latest news on the Lakers", "topic": "news"})
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

    #[test]
    fn odd_input_reads_without_panicking() {
        // Multi-byte characters where a prefix would be cut, and amounts beyond u64.
        assert_eq!(call("Mbappé: search for Mbappé").0, SEARCH);
        assert_eq!(call("éééééééééé look up Ødegaard").0, SEARCH);
        assert_eq!(
            call("parlay for $99999999999999999999999"),
            (PARLAY, json!({"legs_count": 3, "sport": "nba"}))
        );
    }

    #[test]
    fn prices_defer_limits_and_an_explicit_search_beats_topics() {
        assert_eq!(call("what's the limit on this spread").0, ODDS);
        assert_eq!(call("search for injury news on the Lakers").0, SEARCH);
        assert_eq!(call("3 picks on the spread").0, PARLAY);
        assert_eq!(call("total points line for the Lakers").0, ODDS);
    }
}
