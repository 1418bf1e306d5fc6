//! The betting model, compiled for the server and the browser (`[both]`): what a bet is about
//! and what a slip is, in one place.
//!
//! Owns: the leagues ([`sport`]), the featured markets ([`market`]), the odds board's plain
//! data and provenance ([`board`]; providers build it), the other feeds' plain data
//! ([`feeds`]: stats, game logs, search results, injury reports), team names and lines as a
//! bettor reads them ([`names`]), line shopping and fair prices over a board ([`analysis`]),
//! the edge of a price ([`edge`]), and the parlay slip with the one payload its actions carry
//! ([`slip`]).
//!
//! May use: `domain` (exact odds, money, EV, Kelly, house rules), `serde`, `chrono` (no
//! clock). No I/O: providers fill the model, widgets show it, tools and actions decide with it.

pub mod analysis;
pub mod board;
pub mod edge;
pub mod feeds;
pub mod market;
pub mod names;
pub mod slip;
pub mod slip_action;
pub mod sport;

pub use analysis::{
    analyze_board, BestQuote, BoardAnalysis, GameAnalysis, MarketAnalysis, QuoteRules,
};
pub use board::{
    Bookmaker, GameScore, GameStatus, MarketOdds, OddsBoard, OddsEvent, OddsQuery, Outcome,
    Provenance, DEMO_LABEL, DEMO_SOURCE, FEATURED_MARKETS,
};
pub use edge::{Edge, StakeSizing};
pub use feeds::{
    GameLog, GamePoint, Injury, InjuryReport, InjuryStatus, SearchResult, SearchResults,
    StatsAnswer, StatsTable, SubjectKind,
};
pub use market::{Market, UnknownMarket};
pub use names::{format_point, normalize_name, short_team, team_matches};
pub use slip::{SlipLeg, SlipState};
pub use slip_action::SlipActionPayload;
pub use sport::Sport;

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The code of `dir`'s modules, without their test modules (tests may borrow fixtures).
    fn sources(dir: &str) -> Vec<(String, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&root).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap_or("").to_owned();
                out.push((path.display().to_string(), code));
            }
        }
        out
    }

    #[test]
    fn the_model_and_its_views_import_no_io() {
        // README "Architecture": providers build the model, widgets view it.
        for (file, code) in sources("widgets") {
            assert!(
                !code.contains("crate::providers"),
                "{file} imports providers"
            );
        }
        for (file, code) in sources("betting") {
            for layer in [
                "providers",
                "widgets",
                "tools",
                "actions",
                "store",
                "ledger",
            ] {
                let path = format!("crate::{layer}");
                assert!(!code.contains(&path), "{file} imports {layer}");
            }
        }
    }
}
