//! Team names and lines as bettors and providers write them: matching across providers'
//! spellings, short names for the slip and board, and how a line prints.

use super::sport::Sport;

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

/// Nickname for a cell ("Los Angeles Lakers" → "Lakers"); soccer clubs keep their full name
/// ("Manchester City" would become "City").
pub fn short_team(name: &str, sport: Sport) -> String {
    const TWO_WORDS: &[&str] = &[
        "Trail Blazers",
        "Red Sox",
        "White Sox",
        "Blue Jays",
        "Maple Leafs",
        "Golden Knights",
        "Red Wings",
        "Blue Jackets",
    ];
    if sport == Sport::Epl {
        return name.to_owned();
    }
    if let Some(nick) = TWO_WORDS.iter().find(|n| name.ends_with(*n)) {
        return (*nick).to_owned();
    }
    name.rsplit(' ').next().unwrap_or(name).to_owned()
}

/// A spread (`signed`: `+1.5`, `-7.5`, `PK` for zero) or a total (`228.5`).
pub fn format_point(point: f64, signed: bool) -> String {
    if !signed {
        return point.to_string();
    }
    if point == 0.0 {
        "PK".to_owned()
    } else if point > 0.0 {
        format!("+{point}")
    } else {
        point.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
