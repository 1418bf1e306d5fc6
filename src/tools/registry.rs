//! The betting tools the agent offers. Adding a tool = its file + one line here; the test
//! below holds every registered tool to what it declares.

use super::build_parlay::BuildParlay;
use super::get_odds::GetOddsVisual;
use super::injury_report::InjuryReportTool;
use super::my_bets::MyBets;
use super::set_limits::SetLimits;
use super::stats_question::StatmuseQuery;
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
        .with(InjuryReportTool)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::WidgetRoot;
    use crate::widgets::golden::check_widget;

    #[test]
    fn every_tool_declares_examples_instructions_and_widgets_with_golden_files() {
        let tools = standard_tools();
        assert!(tools.len() >= 8);
        for tool in tools.iter() {
            let name = tool.name();
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{name}: tool names are snake_case"
            );
            assert!(
                !tool.instructions().is_empty(),
                "{name} has no instructions"
            );
            let skill = tool
                .offline()
                .unwrap_or_else(|| panic!("{name} cannot be reached by the offline model"));
            assert!(!skill.routes.is_empty(), "{name} has no offline route");
            assert!(!skill.examples.is_empty(), "{name} has no example question");
            assert!(!skill.widgets.is_empty(), "{name} names no widget");
            for widget in skill.widgets {
                let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("src/widgets/golden")
                    .join(format!("{widget}.json"));
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|_| panic!("{name}: no golden widget {}", path.display()));
                let root: WidgetRoot = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("{name}: golden {widget} does not parse: {e}"));
                check_widget(&root);
            }
        }
    }
}
