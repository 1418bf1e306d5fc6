//! The betting tools the agent offers. Adding a tool = its file + one line here.

use super::build_parlay::BuildParlay;
use super::get_odds::GetOddsVisual;
use super::my_bets::MyBets;
use super::set_limits::SetLimits;
use super::statmuse::StatmuseQuery;
use super::trends::TrendsChart;
use super::web_search::WebSearchVisual;
use super::ToolRegistry;

pub fn standard_tools() -> ToolRegistry {
    ToolRegistry::new()
        .with(GetOddsVisual)
        .with(StatmuseQuery)
        .with(WebSearchVisual)
        .with(BuildParlay)
        .with(TrendsChart)
        .with(MyBets)
        .with(SetLimits)
}
