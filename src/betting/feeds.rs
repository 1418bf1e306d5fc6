//! The plain data of the other feeds: stats answers, game logs (trend charts), web search
//! results and injury reports. Providers build them; widgets show them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::board::Provenance;
use super::sport::Sport;

// ---------------------------------------------------------------------------------------------
// Stats

/// A natural-language stats question ("LeBron James points last 5 games").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StatsQuery {
    /// The league, when known; providers that can guess will try without it.
    pub sport: Option<Sport>,
    pub question: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsAnswer {
    pub question: String,
    /// One plain-text sentence.
    pub answer: String,
    /// How the provider read the question, when it rewrote it.
    pub interpreted_as: Option<String>,
    pub table: Option<StatsTable>,
    /// Link to the page the answer came from, when there is one.
    pub source_url: Option<String>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsTable {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Aggregate rows such as "Average" or "Total", kept apart from game rows.
    pub summary_rows: Vec<Vec<String>>,
}

// ---------------------------------------------------------------------------------------------
// Game logs (trend charts)

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectKind {
    Player,
    Team,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GameLogQuery {
    pub sport: Sport,
    pub kind: SubjectKind,
    /// Player or team name as the user wrote it ("LeBron", "Lakers").
    pub name: String,
    /// Stat label or word: players "PTS"/"points", "REB", "passing yards", "HR", "SOG"...;
    /// teams "points" (scored), "allowed", "margin", "total".
    pub stat: String,
    /// How many most recent games (clamped to 1..=50).
    pub last_n: usize,
}

/// One stat over a subject's most recent games, oldest first (ready for a chart).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GameLog {
    pub sport: Sport,
    pub kind: SubjectKind,
    /// Resolved display name ("LeBron James", "Los Angeles Lakers").
    pub subject: String,
    /// Team abbreviation for players (their team in the latest game), or the team's own.
    pub team: Option<String>,
    /// Short stat label as the source shows it ("PTS").
    pub stat: String,
    /// Long stat name ("points").
    pub stat_name: String,
    pub games: Vec<GamePoint>,
    pub provenance: Provenance,
}

impl GameLog {
    /// Mean of the values, `None` for an empty log.
    pub fn average(&self) -> Option<f64> {
        if self.games.is_empty() {
            return None;
        }
        Some(self.games.iter().map(|g| g.value).sum::<f64>() / self.games.len() as f64)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GamePoint {
    pub game_id: String,
    pub date: DateTime<Utc>,
    /// Opponent abbreviation ("PHI").
    pub opponent: String,
    pub home: bool,
    /// Chart label, e.g. "1/12 @ PHI" or "1/14 vs MIA".
    pub label: String,
    /// "W", "L" or "D" from the subject's side, when known.
    pub result: Option<String>,
    /// Final score from the subject's side ("118-110"), when known.
    pub score: Option<String>,
    pub value: f64,
}

// ---------------------------------------------------------------------------------------------
// Search

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchTopic {
    General,
    News,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeRange {
    Day,
    Week,
    Month,
    Year,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SearchQuery {
    pub query: String,
    pub topic: SearchTopic,
    /// Upper bound on results (clamped to 1..=20).
    pub max_results: usize,
    pub time_range: Option<TimeRange>,
}

impl SearchQuery {
    pub fn new(query: impl Into<String>) -> Self {
        Self {
            query: query.into(),
            topic: SearchTopic::General,
            max_results: 5,
            time_range: None,
        }
    }

    /// The result count to ask for, clamped to 1..=20.
    pub fn limit(&self) -> usize {
        self.max_results.clamp(1, 20)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub query: String,
    pub results: Vec<SearchResult>,
    /// A short generated answer, when the engine offers one (Tavily).
    pub answer: Option<String>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
    pub title: String,
    pub url: String,
    /// Plain text (HTML stripped).
    pub snippet: String,
    /// Which engine found it ("bing", "brave", "tavily", "demo").
    pub engine: String,
    pub published: Option<DateTime<Utc>>,
}

// ---------------------------------------------------------------------------------------------
// Injury reports

/// A player's availability as the report gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InjuryStatus {
    Out,
    Doubtful,
    Questionable,
    DayToDay,
    Suspended,
    Active,
    Other,
}

impl InjuryStatus {
    /// ESPN's spellings ("Out", "Day-To-Day", "Suspension", …); anything new is `Other`.
    pub fn parse(raw: &str) -> Self {
        let key: String = raw
            .chars()
            .filter(char::is_ascii_alphabetic)
            .collect::<String>()
            .to_ascii_lowercase();
        match key.as_str() {
            "out" | "injuredreserve" | "ir" => InjuryStatus::Out,
            "doubtful" => InjuryStatus::Doubtful,
            "questionable" => InjuryStatus::Questionable,
            "daytoday" | "dtd" | "probable" => InjuryStatus::DayToDay,
            "suspension" | "suspended" => InjuryStatus::Suspended,
            "active" => InjuryStatus::Active,
            _ => InjuryStatus::Other,
        }
    }

    /// Whether the player is expected to miss the game: what a bettor must know before a leg.
    pub fn misses_game(self) -> bool {
        matches!(
            self,
            InjuryStatus::Out | InjuryStatus::Doubtful | InjuryStatus::Suspended
        )
    }
}

/// One player on a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Injury {
    pub player: String,
    pub position: Option<String>,
    /// The team's full name ("Dallas Mavericks").
    pub team: String,
    pub status: InjuryStatus,
    /// The status as the source wrote it ("Day-To-Day").
    pub status_text: String,
    /// "Left calf strain".
    pub detail: String,
    pub comment: Option<String>,
    pub updated: Option<DateTime<Utc>>,
    pub return_date: Option<NaiveDate>,
}

/// A league's injury report.
#[derive(Debug, Clone, PartialEq)]
pub struct InjuryReport {
    pub sport: Sport,
    pub injuries: Vec<Injury>,
    pub provenance: Provenance,
}

impl InjuryReport {
    /// Entries whose team or player contains `name` (case-insensitive: "Lakers", "luka").
    pub fn matching(&self, name: &str) -> Vec<&Injury> {
        let needle = name.trim().to_lowercase();
        self.injuries
            .iter()
            .filter(|i| {
                i.team.to_lowercase().contains(&needle) || i.player.to_lowercase().contains(&needle)
            })
            .collect()
    }

    /// Players of `team` (a full name as the odds feed spells it) expected to miss the game.
    pub fn missing_for(&self, team: &str) -> Vec<&Injury> {
        self.injuries
            .iter()
            .filter(|i| i.status.misses_game() && same_team(&i.team, team))
            .collect()
    }
}

/// ESPN and the odds feed spell a few teams differently ("LA Clippers" / "Los Angeles
/// Clippers"); the nickname at the end is the same.
pub(crate) fn same_team(a: &str, b: &str) -> bool {
    let last = |s: &str| s.rsplit(' ').next().unwrap_or("").to_lowercase();
    a.eq_ignore_ascii_case(b) || (!last(a).is_empty() && last(a) == last(b))
}
