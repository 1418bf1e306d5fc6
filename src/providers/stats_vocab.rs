//! The stats vocabulary: how people name stats, per sport, and which ESPN columns hold them.
//!
//! Owns: stat aliases (shared by the game-log parsers and the question templates), team-level
//! stats derived from final scores, and the filler words questions are stripped of. Tables are
//! kept one entry per line and unformatted so they read as data.

use super::model::Sport;

/// One stat: how people say it (`words`), and which ESPN `names`/`labels` hold it (`keys`,
/// first present wins).
pub struct StatAlias {
    pub name: &'static str,
    pub words: &'static [&'static str],
    pub keys: &'static [&'static str],
}

const fn stat(
    name: &'static str,
    words: &'static [&'static str],
    keys: &'static [&'static str],
) -> StatAlias {
    StatAlias { name, words, keys }
}

#[rustfmt::skip]
const NBA: &[StatAlias] = &[
    stat("points", &["points", "pts", "point", "scoring"], &["points", "PTS"]),
    stat("rebounds", &["rebounds", "rebound", "reb", "rebs", "boards"], &["totalRebounds", "rebounds", "REB"]),
    stat("assists", &["assists", "assist", "ast", "dimes"], &["assists", "AST"]),
    stat("threes", &["threes", "3s", "3pm", "3pt", "triples", "three pointers", "3-pointers", "three-pointers"],
         &["threePointFieldGoalsMade-threePointFieldGoalsAttempted", "3PT"]),
    stat("steals", &["steals", "steal", "stl"], &["steals", "STL"]),
    stat("blocks", &["blocks", "block", "blk"], &["blocks", "BLK"]),
    stat("turnovers", &["turnovers", "turnover", "tov"], &["turnovers", "TO"]),
    stat("minutes", &["minutes", "mins"], &["minutes", "MIN"]),
];

#[rustfmt::skip]
const NFL: &[StatAlias] = &[
    stat("passing yards", &["passing yards", "pass yards", "pass yds", "passing yds", "passing"], &["passingYards"]),
    stat("passing touchdowns", &["passing touchdowns", "passing tds", "pass tds", "touchdown passes", "td passes"],
         &["passingTouchdowns"]),
    stat("rushing yards", &["rushing yards", "rush yards", "rush yds", "rushing yds", "rushing"], &["rushingYards"]),
    stat("rushing touchdowns", &["rushing touchdowns", "rushing tds", "rush tds"], &["rushingTouchdowns"]),
    stat("receiving yards", &["receiving yards", "rec yards", "receiving yds", "receiving"], &["receivingYards"]),
    stat("receptions", &["receptions", "catches", "recs"], &["receptions"]),
    stat("completions", &["completions", "cmp"], &["completions"]),
    stat("interceptions", &["interceptions", "ints", "picks"], &["interceptions"]),
    stat("touchdowns", &["touchdowns", "tds", "touchdown"],
         &["passingTouchdowns", "rushingTouchdowns", "receivingTouchdowns"]),
    stat("yards", &["yards", "yds"], &["passingYards", "rushingYards", "receivingYards"]),
];

#[rustfmt::skip]
const MLB: &[StatAlias] = &[
    stat("home runs", &["home runs", "home run", "homers", "homer", "hr", "hrs"], &["homeRuns", "HR"]),
    stat("hits", &["hits", "hit"], &["hits", "H"]),
    stat("rbis", &["rbi", "rbis", "runs batted in"], &["RBIs", "RBI"]),
    stat("runs", &["runs", "runs scored"], &["runs", "R"]),
    stat("strikeouts", &["strikeouts", "strikeout", "ks"], &["strikeouts", "SO"]),
    stat("walks", &["walks", "walk", "bb"], &["walks", "BB"]),
    stat("stolen bases", &["stolen bases", "stolen base", "steals", "sb"], &["stolenBases", "SB"]),
    stat("at bats", &["at bats", "at-bats", "ab"], &["atBats", "AB"]),
];

#[rustfmt::skip]
const NHL: &[StatAlias] = &[
    stat("goals", &["goals", "goal"], &["goals", "G"]),
    stat("assists", &["assists", "assist"], &["assists", "A"]),
    stat("points", &["points", "pts", "point"], &["points", "PTS"]),
    stat("shots", &["shots on goal", "shots", "sog"], &["shotsTotal", "S"]),
    stat("plus-minus", &["plus minus", "plus-minus", "+/-"], &["plusMinus", "+/-"]),
    stat("penalty minutes", &["penalty minutes", "pim"], &["penaltyMinutes", "PIM"]),
];

#[rustfmt::skip]
const EPL: &[StatAlias] = &[
    stat("goals", &["goals", "goal"], &["totalGoals", "G"]),
    stat("assists", &["assists", "assist"], &["goalAssists", "A"]),
    stat("shots on target", &["shots on target", "sot"], &["shotsOnTarget", "ST"]),
    stat("shots", &["shots", "shot"], &["totalShots", "SH"]),
];

pub fn stat_aliases(sport: Sport) -> &'static [StatAlias] {
    match sport {
        Sport::Nba => NBA,
        Sport::Nfl => NFL,
        Sport::Mlb => MLB,
        Sport::Nhl => NHL,
        Sport::Epl => EPL,
    }
}

/// The alias a user's stat word refers to ("pts", "Passing Yards", "HR").
pub fn stat_alias(sport: Sport, word: &str) -> Option<&'static StatAlias> {
    let w = word.trim().to_lowercase();
    stat_aliases(sport).iter().find(|a| {
        a.name == w
            || a.words.contains(&w.as_str())
            || a.keys.iter().any(|k| k.eq_ignore_ascii_case(&w))
    })
}

/// Stats shown for "stats last N games": the first three the player's log has.
#[rustfmt::skip]
pub fn default_stats(sport: Sport) -> &'static [&'static str] {
    match sport {
        Sport::Nba => &["points", "rebounds", "assists"],
        Sport::Nfl => &["passing yards", "passing touchdowns", "rushing yards", "receptions", "receiving yards"],
        Sport::Mlb => &["hits", "home runs", "rbis"],
        Sport::Nhl => &["goals", "assists", "points"],
        Sport::Epl => &["goals", "assists", "shots"],
    }
}

/// Team-level series derived from final scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamStat {
    Scored,
    Allowed,
    Margin,
    Total,
}

impl TeamStat {
    pub fn label(self) -> &'static str {
        match self {
            TeamStat::Scored => "PTS",
            TeamStat::Allowed => "OPP",
            TeamStat::Margin => "DIFF",
            TeamStat::Total => "TOTAL",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TeamStat::Scored => "points scored",
            TeamStat::Allowed => "points allowed",
            TeamStat::Margin => "margin",
            TeamStat::Total => "combined score",
        }
    }
}

/// "points allowed" → Allowed, "record" → Margin (results), "total" → Total, "points" → Scored.
pub fn team_stat(word: &str) -> Option<TeamStat> {
    let w = word.trim().to_lowercase();
    let has = |keys: &[&str]| keys.iter().any(|k| w.contains(k));
    if has(&["allowed", "against", "conceded", "opp"]) {
        Some(TeamStat::Allowed)
    } else if has(&["margin", "diff", "record", "result", "spread"]) {
        Some(TeamStat::Margin)
    } else if has(&["total", "combined"]) {
        Some(TeamStat::Total)
    } else if has(&["point", "pts", "score", "runs", "goals"]) {
        Some(TeamStat::Scored)
    } else {
        None
    }
}

/// Words that never name a player or team in a stats question.
#[rustfmt::skip]
pub const FILLER: &[&str] = &[
    "how", "many", "much", "what", "whats", "what's", "who", "whos", "is", "are", "was", "were", "did",
    "does", "do", "has", "have", "had", "having", "can", "you", "me", "show", "tell", "give", "please",
    "the", "a", "an", "in", "his", "her", "their", "its", "it", "of", "for", "per", "to", "at", "from",
    "by", "on", "with", "and", "so", "far", "been", "he", "she", "they", "over", "last", "recent",
    "recently", "past", "lately", "currently", "now", "tonight", "today", "into", "up", "put",
    "putting", "going", "get", "gets", "got", "game", "games", "match", "matches", "outings", "starts",
    "appearances", "this", "season", "averaging", "average", "averages", "avg", "averaged", "stats",
    "stat", "statistics", "statline", "line", "lines", "numbers", "record", "records", "recorded",
    "total", "totals", "scored", "score", "nba", "nfl", "mlb", "nhl", "epl", "premier", "league",
    "team", "player", "s",
];

#[rustfmt::skip]
pub const NUMBER_WORDS: &[&str] = &[
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
];
