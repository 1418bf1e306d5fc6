//! Sports and teams as people name them, for the offline model: which league a question is
//! about and which team it names. Nicknames map to the part of the name the odds feed uses.

use super::question::Question;

/// The sport asked about (named, or the team's, else NBA) and the team, if one is named.
pub fn sport_and_team(w: &Question) -> (&'static str, Option<String>) {
    let named = named_sport(w);
    let team = TEAMS
        .iter()
        .filter(|(_, _, sport)| named.is_none_or(|n| n == *sport))
        .find(|(alias, _, _)| w.has(alias));
    let sport = named.or(team.map(|t| t.2)).unwrap_or("nba");
    (sport, team.map(|t| t.1.to_owned()))
}

/// The league the question names ("NBA", "hockey", "premier league"), if any.
pub fn named_sport(w: &Question) -> Option<&'static str> {
    const SPORTS: &[(&str, &[&str])] = &[
        ("nba", &["nba", "basketball"]),
        ("nfl", &["nfl", "football", "super bowl"]),
        ("mlb", &["mlb", "baseball"]),
        ("nhl", &["nhl", "hockey"]),
        ("epl", &["epl", "premier league", "soccer"]),
    ];
    SPORTS.iter().find(|(_, words)| w.any(words)).map(|s| s.0)
}

/// (what people say, the name the odds feed uses part of, sport). Sports in NBA, NFL, MLB, NHL,
/// EPL order: a nickname two leagues share goes to the first unless the sport is named.
#[rustfmt::skip]
const TEAMS: &[(&str, &str, &str)] = &[
    ("hawks", "Hawks", "nba"), ("celtics", "Celtics", "nba"), ("nets", "Nets", "nba"), ("hornets", "Hornets", "nba"),
    ("bulls", "Bulls", "nba"), ("cavaliers", "Cavaliers", "nba"), ("cavs", "Cavaliers", "nba"), ("mavericks", "Mavericks", "nba"),
    ("mavs", "Mavericks", "nba"), ("nuggets", "Nuggets", "nba"), ("pistons", "Pistons", "nba"), ("warriors", "Warriors", "nba"),
    ("rockets", "Rockets", "nba"), ("pacers", "Pacers", "nba"), ("clippers", "Clippers", "nba"), ("lakers", "Lakers", "nba"),
    ("grizzlies", "Grizzlies", "nba"), ("heat", "Heat", "nba"), ("bucks", "Bucks", "nba"), ("timberwolves", "Timberwolves", "nba"),
    ("pelicans", "Pelicans", "nba"), ("knicks", "Knicks", "nba"), ("thunder", "Thunder", "nba"), ("magic", "Magic", "nba"),
    ("76ers", "76ers", "nba"), ("sixers", "76ers", "nba"), ("suns", "Suns", "nba"), ("trail blazers", "Trail Blazers", "nba"),
    ("blazers", "Trail Blazers", "nba"), ("kings", "Kings", "nba"), ("spurs", "Spurs", "nba"), ("raptors", "Raptors", "nba"),
    ("jazz", "Jazz", "nba"), ("wizards", "Wizards", "nba"),
    ("cardinals", "Cardinals", "nfl"), ("falcons", "Falcons", "nfl"), ("ravens", "Ravens", "nfl"), ("bills", "Bills", "nfl"),
    ("panthers", "Panthers", "nfl"), ("bears", "Bears", "nfl"), ("bengals", "Bengals", "nfl"), ("browns", "Browns", "nfl"),
    ("cowboys", "Cowboys", "nfl"), ("broncos", "Broncos", "nfl"), ("lions", "Lions", "nfl"), ("packers", "Packers", "nfl"),
    ("texans", "Texans", "nfl"), ("colts", "Colts", "nfl"), ("jaguars", "Jaguars", "nfl"), ("chiefs", "Chiefs", "nfl"),
    ("raiders", "Raiders", "nfl"), ("chargers", "Chargers", "nfl"), ("rams", "Rams", "nfl"), ("dolphins", "Dolphins", "nfl"),
    ("vikings", "Vikings", "nfl"), ("patriots", "Patriots", "nfl"), ("saints", "Saints", "nfl"), ("giants", "Giants", "nfl"),
    ("jets", "Jets", "nfl"), ("eagles", "Eagles", "nfl"), ("steelers", "Steelers", "nfl"), ("49ers", "49ers", "nfl"),
    ("niners", "49ers", "nfl"), ("seahawks", "Seahawks", "nfl"), ("buccaneers", "Buccaneers", "nfl"), ("bucs", "Buccaneers", "nfl"),
    ("titans", "Titans", "nfl"), ("commanders", "Commanders", "nfl"),
    ("diamondbacks", "Diamondbacks", "mlb"), ("braves", "Braves", "mlb"), ("orioles", "Orioles", "mlb"), ("red sox", "Red Sox", "mlb"),
    ("cubs", "Cubs", "mlb"), ("white sox", "White Sox", "mlb"), ("reds", "Reds", "mlb"), ("guardians", "Guardians", "mlb"),
    ("rockies", "Rockies", "mlb"), ("tigers", "Tigers", "mlb"), ("astros", "Astros", "mlb"), ("royals", "Royals", "mlb"),
    ("angels", "Angels", "mlb"), ("dodgers", "Dodgers", "mlb"), ("marlins", "Marlins", "mlb"), ("brewers", "Brewers", "mlb"),
    ("twins", "Twins", "mlb"), ("mets", "Mets", "mlb"), ("yankees", "Yankees", "mlb"), ("athletics", "Athletics", "mlb"),
    ("phillies", "Phillies", "mlb"), ("pirates", "Pirates", "mlb"), ("padres", "Padres", "mlb"), ("mariners", "Mariners", "mlb"),
    ("rays", "Rays", "mlb"), ("rangers", "Rangers", "mlb"), ("blue jays", "Blue Jays", "mlb"), ("nationals", "Nationals", "mlb"),
    ("ducks", "Ducks", "nhl"), ("bruins", "Bruins", "nhl"), ("sabres", "Sabres", "nhl"), ("flames", "Flames", "nhl"),
    ("hurricanes", "Hurricanes", "nhl"), ("blackhawks", "Blackhawks", "nhl"), ("avalanche", "Avalanche", "nhl"),
    ("blue jackets", "Blue Jackets", "nhl"), ("stars", "Stars", "nhl"), ("red wings", "Red Wings", "nhl"), ("oilers", "Oilers", "nhl"),
    ("wild", "Wild", "nhl"), ("canadiens", "Canadiens", "nhl"), ("predators", "Predators", "nhl"), ("devils", "Devils", "nhl"),
    ("islanders", "Islanders", "nhl"), ("senators", "Senators", "nhl"), ("flyers", "Flyers", "nhl"), ("penguins", "Penguins", "nhl"),
    ("sharks", "Sharks", "nhl"), ("kraken", "Kraken", "nhl"), ("blues", "Blues", "nhl"), ("lightning", "Lightning", "nhl"),
    ("maple leafs", "Maple Leafs", "nhl"), ("canucks", "Canucks", "nhl"), ("golden knights", "Golden Knights", "nhl"),
    ("capitals", "Capitals", "nhl"), ("panthers", "Panthers", "nhl"), ("kings", "Kings", "nhl"), ("jets", "Jets", "nhl"),
    ("rangers", "Rangers", "nhl"), ("cardinals", "Cardinals", "mlb"), ("giants", "Giants", "mlb"),
    ("arsenal", "Arsenal", "epl"), ("aston villa", "Aston Villa", "epl"), ("bournemouth", "Bournemouth", "epl"),
    ("brentford", "Brentford", "epl"), ("brighton", "Brighton", "epl"), ("chelsea", "Chelsea", "epl"),
    ("crystal palace", "Crystal Palace", "epl"), ("everton", "Everton", "epl"), ("fulham", "Fulham", "epl"),
    ("ipswich", "Ipswich", "epl"), ("leicester", "Leicester", "epl"), ("liverpool", "Liverpool", "epl"),
    ("man city", "Manchester City", "epl"), ("manchester city", "Manchester City", "epl"),
    ("man united", "Manchester United", "epl"), ("man utd", "Manchester United", "epl"),
    ("manchester united", "Manchester United", "epl"), ("newcastle", "Newcastle", "epl"),
    ("nottingham forest", "Nottingham Forest", "epl"), ("southampton", "Southampton", "epl"),
    ("tottenham", "Tottenham", "epl"), ("west ham", "West Ham", "epl"), ("wolves", "Wolverhampton", "epl"),
];
