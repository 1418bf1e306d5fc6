//! Plain data types every provider returns, independent of any provider's wire format.
//!
//! Owns: the query types (hashable, so they double as cache keys), the result types, and
//! [`Provenance`], which every returned value carries so the UI can always say where a number
//! came from, how old it is and whether it is demo data.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// Where a value came from and when the provider produced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Human-readable source: "The Odds API", "ESPN", "StatMuse", "SearXNG", "Brave Search",
    /// "Tavily" or "DEMO DATA".
    pub source: String,
    /// When the data was fetched (or, for demo data, the fixed demo clock). Cached values keep
    /// the time of the original fetch, so staleness stays visible.
    pub as_of: DateTime<Utc>,
    /// True for the embedded synthetic dataset; the agent must say "demo data" when shown.
    pub demo: bool,
}

impl Provenance {
    pub fn live(source: &str, as_of: DateTime<Utc>) -> Self {
        Self {
            source: source.to_owned(),
            as_of,
            demo: false,
        }
    }
}

/// The sports this app knows how to map across providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sport {
    Nba,
    Nfl,
    Mlb,
    Nhl,
    Epl,
}

impl Sport {
    pub const ALL: [Sport; 5] = [Sport::Nba, Sport::Nfl, Sport::Mlb, Sport::Nhl, Sport::Epl];

    /// The clock its fans read game days in: UK time for the Premier League, US Eastern for the
    /// US leagues.
    pub fn fan_zone(self) -> crate::domain::fan_time::FanZone {
        use crate::domain::fan_time::FanZone;
        match self {
            Sport::Epl => FanZone::Uk,
            Sport::Nba | Sport::Nfl | Sport::Mlb | Sport::Nhl => FanZone::UsEastern,
        }
    }

    /// The Odds API sport key (also used as `sport_key` in every odds/scores value).
    pub fn odds_api_key(self) -> &'static str {
        match self {
            Sport::Nba => "basketball_nba",
            Sport::Nfl => "americanfootball_nfl",
            Sport::Mlb => "baseball_mlb",
            Sport::Nhl => "icehockey_nhl",
            Sport::Epl => "soccer_epl",
        }
    }

    /// Short display title ("NBA", "EPL").
    pub fn title(self) -> &'static str {
        match self {
            Sport::Nba => "NBA",
            Sport::Nfl => "NFL",
            Sport::Mlb => "MLB",
            Sport::Nhl => "NHL",
            Sport::Epl => "EPL",
        }
    }

    /// ESPN `{sport}/{league}` path segment pair.
    pub fn espn_path(self) -> (&'static str, &'static str) {
        match self {
            Sport::Nba => ("basketball", "nba"),
            Sport::Nfl => ("football", "nfl"),
            Sport::Mlb => ("baseball", "mlb"),
            Sport::Nhl => ("hockey", "nhl"),
            Sport::Epl => ("soccer", "eng.1"),
        }
    }

    /// StatMuse league segment (`/{league}/ask/...`).
    pub fn statmuse_league(self) -> &'static str {
        match self {
            Sport::Epl => "fc",
            other => other.espn_path().1,
        }
    }

    /// Parses our own names, Odds API keys, ESPN league slugs and a few common spellings.
    pub fn from_key(key: &str) -> Option<Sport> {
        let k = key.trim().to_ascii_lowercase();
        Sport::ALL
            .into_iter()
            .find(|s| {
                k == s.title().to_ascii_lowercase()
                    || k == s.odds_api_key()
                    || k == s.espn_path().1
                    || k == s.statmuse_league()
            })
            .or(match k.as_str() {
                "basketball" => Some(Sport::Nba),
                "football" | "american football" => Some(Sport::Nfl),
                "baseball" => Some(Sport::Mlb),
                "hockey" | "ice hockey" => Some(Sport::Nhl),
                "soccer" | "premier league" | "english premier league" => Some(Sport::Epl),
                _ => None,
            })
    }
}

impl fmt::Display for Sport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

impl FromStr for Sport {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Sport::from_key(s)
            .ok_or_else(|| format!("unknown sport '{s}' (try nba, nfl, mlb, nhl, epl)"))
    }
}

// ---------------------------------------------------------------------------------------------
// Odds

/// The three "featured" markets the odds board shows by default.
pub const FEATURED_MARKETS: [&str; 3] = ["h2h", "spreads", "totals"];

/// Query for upcoming and live events with odds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OddsQuery {
    pub sport: Sport,
    /// Market keys; empty means [`FEATURED_MARKETS`].
    pub markets: Vec<String>,
    /// Keep only events where this team plays (case-insensitive, nicknames work: "Lakers").
    pub team: Option<String>,
    /// Keep only events starting at or after this instant.
    pub commence_from: Option<DateTime<Utc>>,
    /// Keep only events starting at or before this instant.
    pub commence_to: Option<DateTime<Utc>>,
    /// Restrict to these bookmaker keys; empty means the provider's default set.
    pub bookmakers: Vec<String>,
    /// Bypass caches: the answer must be the provider's current one (re-quotes at lock-in).
    #[serde(default)]
    pub fresh: bool,
}

impl OddsQuery {
    pub fn new(sport: Sport) -> Self {
        Self {
            sport,
            markets: Vec::new(),
            team: None,
            commence_from: None,
            commence_to: None,
            bookmakers: Vec::new(),
            fresh: false,
        }
    }

    pub fn team(mut self, team: impl Into<String>) -> Self {
        self.team = Some(team.into());
        self
    }

    /// Restricts to events starting on `date` as seen in the time zone `offset` (e.g. US
    /// Eastern `-05:00`), which is what "tonight's games" means to a bettor.
    pub fn on_local_day(mut self, date: NaiveDate, offset: FixedOffset) -> Self {
        let (from, to) = local_day_window(date, offset);
        self.commence_from = Some(from);
        self.commence_to = Some(to);
        self
    }

    /// The markets to ask for, with the featured default applied.
    pub fn market_keys(&self) -> Vec<String> {
        if self.markets.is_empty() {
            FEATURED_MARKETS.iter().map(|m| (*m).to_owned()).collect()
        } else {
            self.markets.clone()
        }
    }

    /// True when `event` passes the team and time filters (applied by every provider, because
    /// no provider filters by team server-side).
    pub fn accepts(&self, home: &str, away: &str, commence: DateTime<Utc>) -> bool {
        let team_ok = self
            .team
            .as_deref()
            .is_none_or(|t| team_matches(t, home) || team_matches(t, away));
        let from_ok = self.commence_from.is_none_or(|f| commence >= f);
        let to_ok = self.commence_to.is_none_or(|t| commence <= t);
        team_ok && from_ok && to_ok
    }
}

/// `[00:00, 24:00)` of a local calendar day, in UTC.
pub fn local_day_window(date: NaiveDate, offset: FixedOffset) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = offset
        .from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default()));
    (start, start + Duration::days(1) - Duration::seconds(1))
}

/// Query for one event's odds in any market, including player props.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EventOddsQuery {
    pub sport: Sport,
    pub event_id: String,
    /// e.g. `player_points`, `player_pass_yds`, `batter_hits`, `player_shots_on_goal`.
    pub markets: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SportsList {
    pub sports: Vec<SportInfo>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SportInfo {
    pub key: String,
    pub group: String,
    pub title: String,
    pub description: String,
    pub active: bool,
    pub has_outrights: bool,
}

/// The result of an odds query: events in start order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OddsBoard {
    pub sport: Sport,
    pub events: Vec<OddsEvent>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OddsEvent {
    pub id: String,
    pub sport_key: String,
    pub sport_title: String,
    pub commence_time: DateTime<Utc>,
    pub home_team: String,
    pub away_team: String,
    pub bookmakers: Vec<Bookmaker>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bookmaker {
    pub key: String,
    pub title: String,
    pub last_update: Option<DateTime<Utc>>,
    pub markets: Vec<Market>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Market {
    /// `h2h`, `spreads`, `totals`, or a prop key such as `player_points`.
    pub key: String,
    pub last_update: Option<DateTime<Utc>>,
    pub outcomes: Vec<Outcome>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Team name, "Draw", "Over"/"Under", or "Yes"/"No" for scorer props.
    pub name: String,
    /// The exact price as the provider quoted it: a decimal 1.87 is 187/100 and −110 is 21/11
    /// (never a decimal rounded through American odds, or the reverse).
    pub price: crate::domain::DecimalOdds,
    /// Spread or total line; signed for spreads.
    pub point: Option<f64>,
    /// The player for player props.
    pub description: Option<String>,
}

/// Live/recent scores query. `days_from` (1..=3) adds games completed in the last N days;
/// without it only live and upcoming games are returned (same as The Odds API).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ScoresQuery {
    pub sport: Sport,
    pub days_from: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scoreboard {
    pub sport: Sport,
    pub games: Vec<GameScore>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GameStatus {
    Scheduled,
    Live,
    Final,
    /// Postponed, cancelled or abandoned: bets on it are void.
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GameScore {
    pub id: String,
    pub sport_key: String,
    pub commence_time: DateTime<Utc>,
    pub home_team: String,
    pub away_team: String,
    pub home_score: Option<u32>,
    pub away_score: Option<u32>,
    pub status: GameStatus,
    pub last_update: Option<DateTime<Utc>>,
}

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

    pub(crate) fn limit(&self) -> usize {
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
// Name matching shared by providers

/// Lowercase, ASCII letters/digits only, single spaces; "LA" expanded to "los angeles" so ESPN
/// and The Odds API spellings meet ("LA Clippers" vs "Los Angeles Clippers").
pub fn normalize_name(s: &str) -> String {
    let folded: String = s
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'É' => 'e',
            'á' | 'à' | 'â' => 'a',
            'ó' | 'ö' | 'ô' => 'o',
            'ü' | 'ú' => 'u',
            'í' | 'ï' => 'i',
            'ć' | 'č' => 'c',
            c => c,
        })
        .collect();
    let cleaned: String = folded
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let mut out: Vec<&str> = Vec::with_capacity(words.len() + 1);
    for (i, w) in words.iter().enumerate() {
        if i == 0 && *w == "la" {
            out.extend(["los", "angeles"]);
        } else {
            out.push(w);
        }
    }
    out.join(" ")
}

/// Nicknames fans use that are not words of the official name.
#[rustfmt::skip]
const TEAM_NICKNAMES: &[(&str, &[&str])] = &[
    ("man city", &["manchester city"]),
    ("man utd", &["manchester united"]),
    ("man united", &["manchester united"]),
    ("spurs", &["tottenham hotspur", "san antonio spurs"]),
    ("wolves", &["wolverhampton wanderers", "minnesota timberwolves"]),
    ("gunners", &["arsenal"]),
    ("toffees", &["everton"]),
    ("magpies", &["newcastle united"]),
    ("hammers", &["west ham united"]),
    ("sixers", &["philadelphia 76ers"]),
    ("cavs", &["cleveland cavaliers"]),
    ("mavs", &["dallas mavericks"]),
    ("niners", &["san francisco 49ers"]),
    ("bucs", &["tampa bay buccaneers"]),
    ("pats", &["new england patriots"]),
    ("habs", &["montreal canadiens"]),
    ("caps", &["washington capitals"]),
    ("yanks", &["new york yankees"]),
];

/// True when the user's `query` names `team`: the whole name, every query word being a word of
/// the team name ("lakers", "golden state"), or a known nickname ("man city", "sixers").
pub fn team_matches(query: &str, team: &str) -> bool {
    let q = normalize_name(query);
    let t = normalize_name(team);
    if q.is_empty() {
        return false;
    }
    if q == t {
        return true;
    }
    let team_words: Vec<&str> = t.split(' ').collect();
    if q.split(' ').all(|w| team_words.contains(&w)) {
        return true;
    }
    TEAM_NICKNAMES
        .iter()
        .filter(|(nick, _)| *nick == q)
        .any(|(_, names)| names.contains(&t.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sport_keys_round_trip() {
        for s in Sport::ALL {
            assert_eq!(Sport::from_key(s.odds_api_key()), Some(s));
            assert_eq!(Sport::from_key(s.title()), Some(s));
        }
        assert_eq!("premier league".parse::<Sport>(), Ok(Sport::Epl));
        assert!("curling".parse::<Sport>().is_err());
    }

    #[test]
    fn team_names_match_across_providers() {
        assert!(team_matches("Lakers", "Los Angeles Lakers"));
        assert!(team_matches("LA Clippers", "Los Angeles Clippers"));
        assert!(team_matches("montreal canadiens", "Montréal Canadiens"));
        assert!(!team_matches("Clippers", "Los Angeles Lakers"));
        assert!(!team_matches("", "Los Angeles Lakers"));
        assert!(team_matches("Man City", "Manchester City"));
        assert!(team_matches("wolves", "Minnesota Timberwolves"));
        assert!(!team_matches("man city", "Manchester United"));
    }

    #[test]
    fn local_day_window_covers_us_evening() {
        let et = FixedOffset::west_opt(5 * 3600).unwrap();
        let day = NaiveDate::from_ymd_opt(2025, 1, 15).unwrap();
        let q = OddsQuery::new(Sport::Nba).on_local_day(day, et);
        let late_tip = "2025-01-16T03:30:00Z".parse().unwrap();
        let next_day = "2025-01-16T17:00:00Z".parse().unwrap();
        assert!(q.accepts("Los Angeles Lakers", "Miami Heat", late_tip));
        assert!(!q.accepts("Los Angeles Lakers", "Miami Heat", next_day));
    }
}
