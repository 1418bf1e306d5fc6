#!/usr/bin/env python3
"""Generates the synthetic demo dataset in data/demo/ (run from anywhere; deterministic).

Everything here is FICTIONAL: odds come from made-up books ("DemoBook A (synthetic)"), stats
and scores are random draws around plausible averages, news snippets are invented. Real team
and player names are used so questions read naturally; every value is labelled demo data by
the app (provenance demo=true, source "DEMO DATA").

Files are written in the providers' exact wire formats (The Odds API v4, ESPN site API,
StatMuse HTML, SearXNG JSON) so the same parsers run online and offline. The demo clock is
2025-01-15T17:00:00Z. Regenerate with:  python3 data/demo/generate.py
"""

import hashlib
import json
import math
import os
import random
from datetime import datetime, timedelta, timezone

OUT = os.path.dirname(os.path.abspath(__file__))
CLOCK = datetime(2025, 1, 15, 17, 0, tzinfo=timezone.utc)
LABEL = "DEMO DATA - fictional odds and stats, not for betting"
rng = random.Random(20250115)
BOOKS = [("demobook_a", "DemoBook A (synthetic)"), ("demobook_b", "DemoBook B (synthetic)")]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def espn_date(t):
    return t.strftime("%Y-%m-%dT%H:%MZ")


def utc(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=timezone.utc)


def hexid(*parts):
    return hashlib.md5("|".join(map(str, parts)).encode()).hexdigest()


def dump(rel, obj):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    return rel


def poisson(lam):
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def phi(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def american(q):
    """Implied probability (with vig) -> American price rounded to 5 (|A| >= 100)."""
    a = -100 * q / (1 - q) if q >= 0.5 else 100 * (1 - q) / q
    a = int(5 * round(a / 5))
    if -100 < a < 100:
        a = -100 if q >= 0.5 else 100
    return a


# ---------------------------------------------------------------------------------------------
# Leagues: (abbreviation, display name, nickname). Odds API names differ for a few (LA Clippers).

LEAGUES = {
    "nba": {
        "key": "basketball_nba", "title": "NBA", "group": "Basketball", "desc": "US Basketball",
        "espn": ("basketball", "nba", "National Basketball Association"), "season": 2025,
        "season_name": "2024-25 Regular Season",
        "teams": [
            ("ATL", "Atlanta Hawks", "Hawks"), ("BOS", "Boston Celtics", "Celtics"),
            ("BKN", "Brooklyn Nets", "Nets"), ("CHA", "Charlotte Hornets", "Hornets"),
            ("CHI", "Chicago Bulls", "Bulls"), ("CLE", "Cleveland Cavaliers", "Cavaliers"),
            ("DAL", "Dallas Mavericks", "Mavericks"), ("DEN", "Denver Nuggets", "Nuggets"),
            ("DET", "Detroit Pistons", "Pistons"), ("GS", "Golden State Warriors", "Warriors"),
            ("HOU", "Houston Rockets", "Rockets"), ("IND", "Indiana Pacers", "Pacers"),
            ("LAC", "LA Clippers", "Clippers"), ("LAL", "Los Angeles Lakers", "Lakers"),
            ("MEM", "Memphis Grizzlies", "Grizzlies"), ("MIA", "Miami Heat", "Heat"),
            ("MIL", "Milwaukee Bucks", "Bucks"), ("MIN", "Minnesota Timberwolves", "Timberwolves"),
            ("NO", "New Orleans Pelicans", "Pelicans"), ("NY", "New York Knicks", "Knicks"),
            ("OKC", "Oklahoma City Thunder", "Thunder"), ("ORL", "Orlando Magic", "Magic"),
            ("PHI", "Philadelphia 76ers", "76ers"), ("PHX", "Phoenix Suns", "Suns"),
            ("POR", "Portland Trail Blazers", "Trail Blazers"), ("SAC", "Sacramento Kings", "Kings"),
            ("SA", "San Antonio Spurs", "Spurs"), ("TOR", "Toronto Raptors", "Raptors"),
            ("UTAH", "Utah Jazz", "Jazz"), ("WSH", "Washington Wizards", "Wizards"),
        ],
    },
    "nfl": {
        "key": "americanfootball_nfl", "title": "NFL", "group": "American Football", "desc": "US Football",
        "espn": ("football", "nfl", "National Football League"), "season": 2024,
        "season_name": "2024 Regular Season",
        "teams": [
            ("ARI", "Arizona Cardinals", "Cardinals"), ("ATL", "Atlanta Falcons", "Falcons"),
            ("BAL", "Baltimore Ravens", "Ravens"), ("BUF", "Buffalo Bills", "Bills"),
            ("CAR", "Carolina Panthers", "Panthers"), ("CHI", "Chicago Bears", "Bears"),
            ("CIN", "Cincinnati Bengals", "Bengals"), ("CLE", "Cleveland Browns", "Browns"),
            ("DAL", "Dallas Cowboys", "Cowboys"), ("DEN", "Denver Broncos", "Broncos"),
            ("DET", "Detroit Lions", "Lions"), ("GB", "Green Bay Packers", "Packers"),
            ("HOU", "Houston Texans", "Texans"), ("IND", "Indianapolis Colts", "Colts"),
            ("JAX", "Jacksonville Jaguars", "Jaguars"), ("KC", "Kansas City Chiefs", "Chiefs"),
            ("LV", "Las Vegas Raiders", "Raiders"), ("LAC", "Los Angeles Chargers", "Chargers"),
            ("LAR", "Los Angeles Rams", "Rams"), ("MIA", "Miami Dolphins", "Dolphins"),
            ("MIN", "Minnesota Vikings", "Vikings"), ("NE", "New England Patriots", "Patriots"),
            ("NO", "New Orleans Saints", "Saints"), ("NYG", "New York Giants", "Giants"),
            ("NYJ", "New York Jets", "Jets"), ("PHI", "Philadelphia Eagles", "Eagles"),
            ("PIT", "Pittsburgh Steelers", "Steelers"), ("SF", "San Francisco 49ers", "49ers"),
            ("SEA", "Seattle Seahawks", "Seahawks"), ("TB", "Tampa Bay Buccaneers", "Buccaneers"),
            ("TEN", "Tennessee Titans", "Titans"), ("WSH", "Washington Commanders", "Commanders"),
        ],
    },
    "mlb": {
        "key": "baseball_mlb", "title": "MLB", "group": "Baseball", "desc": "Major League Baseball",
        "espn": ("baseball", "mlb", "Major League Baseball"), "season": 2024,
        "season_name": "2024 Regular Season",
        "teams": [
            ("ARI", "Arizona Diamondbacks", "Diamondbacks"), ("ATL", "Atlanta Braves", "Braves"),
            ("BAL", "Baltimore Orioles", "Orioles"), ("BOS", "Boston Red Sox", "Red Sox"),
            ("CHC", "Chicago Cubs", "Cubs"), ("CHW", "Chicago White Sox", "White Sox"),
            ("CIN", "Cincinnati Reds", "Reds"), ("CLE", "Cleveland Guardians", "Guardians"),
            ("COL", "Colorado Rockies", "Rockies"), ("DET", "Detroit Tigers", "Tigers"),
            ("HOU", "Houston Astros", "Astros"), ("KC", "Kansas City Royals", "Royals"),
            ("LAA", "Los Angeles Angels", "Angels"), ("LAD", "Los Angeles Dodgers", "Dodgers"),
            ("MIA", "Miami Marlins", "Marlins"), ("MIL", "Milwaukee Brewers", "Brewers"),
            ("MIN", "Minnesota Twins", "Twins"), ("NYM", "New York Mets", "Mets"),
            ("NYY", "New York Yankees", "Yankees"), ("OAK", "Oakland Athletics", "Athletics"),
            ("PHI", "Philadelphia Phillies", "Phillies"), ("PIT", "Pittsburgh Pirates", "Pirates"),
            ("SD", "San Diego Padres", "Padres"), ("SF", "San Francisco Giants", "Giants"),
            ("SEA", "Seattle Mariners", "Mariners"), ("STL", "St. Louis Cardinals", "Cardinals"),
            ("TB", "Tampa Bay Rays", "Rays"), ("TEX", "Texas Rangers", "Rangers"),
            ("TOR", "Toronto Blue Jays", "Blue Jays"), ("WSH", "Washington Nationals", "Nationals"),
        ],
    },
    "nhl": {
        "key": "icehockey_nhl", "title": "NHL", "group": "Ice Hockey", "desc": "US Ice Hockey",
        "espn": ("hockey", "nhl", "National Hockey League"), "season": 2025,
        "season_name": "2024-25 Regular Season",
        "teams": [
            ("ANA", "Anaheim Ducks", "Ducks"), ("BOS", "Boston Bruins", "Bruins"),
            ("BUF", "Buffalo Sabres", "Sabres"), ("CGY", "Calgary Flames", "Flames"),
            ("CAR", "Carolina Hurricanes", "Hurricanes"), ("CHI", "Chicago Blackhawks", "Blackhawks"),
            ("COL", "Colorado Avalanche", "Avalanche"), ("CBJ", "Columbus Blue Jackets", "Blue Jackets"),
            ("DAL", "Dallas Stars", "Stars"), ("DET", "Detroit Red Wings", "Red Wings"),
            ("EDM", "Edmonton Oilers", "Oilers"), ("FLA", "Florida Panthers", "Panthers"),
            ("LA", "Los Angeles Kings", "Kings"), ("MIN", "Minnesota Wild", "Wild"),
            ("MTL", "Montréal Canadiens", "Canadiens"), ("NSH", "Nashville Predators", "Predators"),
            ("NJ", "New Jersey Devils", "Devils"), ("NYI", "New York Islanders", "Islanders"),
            ("NYR", "New York Rangers", "Rangers"), ("OTT", "Ottawa Senators", "Senators"),
            ("PHI", "Philadelphia Flyers", "Flyers"), ("PIT", "Pittsburgh Penguins", "Penguins"),
            ("SJ", "San Jose Sharks", "Sharks"), ("SEA", "Seattle Kraken", "Kraken"),
            ("STL", "St Louis Blues", "Blues"), ("TB", "Tampa Bay Lightning", "Lightning"),
            ("TOR", "Toronto Maple Leafs", "Maple Leafs"), ("UTAH", "Utah Hockey Club", "Hockey Club"),
            ("VAN", "Vancouver Canucks", "Canucks"), ("VGK", "Vegas Golden Knights", "Golden Knights"),
            ("WSH", "Washington Capitals", "Capitals"), ("WPG", "Winnipeg Jets", "Jets"),
        ],
    },
    "epl": {
        "key": "soccer_epl", "title": "EPL", "group": "Soccer", "desc": "Premier League",
        "espn": ("soccer", "eng.1", "English Premier League"), "season": 2024,
        "season_name": "2024-25 English Premier League",
        "teams": [
            ("ARS", "Arsenal", "Arsenal"), ("AVL", "Aston Villa", "Aston Villa"),
            ("BOU", "Bournemouth", "Bournemouth"), ("BRE", "Brentford", "Brentford"),
            ("BHA", "Brighton and Hove Albion", "Brighton"), ("CHE", "Chelsea", "Chelsea"),
            ("CRY", "Crystal Palace", "Crystal Palace"), ("EVE", "Everton", "Everton"),
            ("FUL", "Fulham", "Fulham"), ("IPS", "Ipswich Town", "Ipswich"),
            ("LEI", "Leicester City", "Leicester"), ("LIV", "Liverpool", "Liverpool"),
            ("MNC", "Manchester City", "Man City"), ("MAN", "Manchester United", "Man United"),
            ("NEW", "Newcastle United", "Newcastle"), ("NFO", "Nottingham Forest", "Forest"),
            ("SOU", "Southampton", "Southampton"), ("TOT", "Tottenham Hotspur", "Tottenham"),
            ("WHU", "West Ham United", "West Ham"), ("WOL", "Wolverhampton Wanderers", "Wolves"),
        ],
    },
}

# The Odds API spells a few teams differently from ESPN.
ODDS_NAME = {"LA Clippers": "Los Angeles Clippers"}

# Rough team strength (so favourites look plausible); unlisted teams get a random rating.
RATINGS = {
    "nba": {"OKC": 2.0, "CLE": 1.8, "BOS": 1.6, "HOU": 1.0, "MEM": 1.0, "DEN": 1.0, "NY": 1.0, "LAL": 0.5,
            "DAL": 0.5, "MIL": 0.5, "GS": 0.2, "ORL": 0.2, "MIA": 0.0, "SAC": 0.0, "PHI": -0.6, "CHA": -1.5,
            "WSH": -2.0, "UTAH": -1.6, "NO": -1.6},
    "nfl": {"DET": 1.8, "PHI": 1.6, "KC": 1.5, "BUF": 1.5, "BAL": 1.5, "WSH": 0.6, "LAR": 0.5, "HOU": 0.3,
            "MIN": 1.0, "GB": 0.9, "PIT": 0.4, "LAC": 0.6, "DEN": 0.5, "TB": 0.6, "TEN": -1.5, "CLE": -1.5},
    "mlb": {"LAD": 1.2, "NYY": 1.0, "BAL": 0.6, "CLE": 0.6, "MIL": 0.6, "KC": 0.4, "DET": 0.3, "TEX": 0.0,
            "BOS": 0.0, "TOR": -0.2, "CHW": -2.0, "COL": -1.5},
    "nhl": {"WSH": 1.0, "VGK": 1.0, "EDM": 1.0, "TOR": 0.8, "COL": 0.8, "TB": 0.8, "DAL": 0.8, "WPG": 1.2,
            "NYR": 0.0, "BOS": 0.0, "SEA": -0.5, "SJ": -1.8, "CHI": -1.5},
    "epl": {"LIV": 2.0, "ARS": 1.5, "CHE": 1.2, "MNC": 1.0, "NFO": 0.8, "NEW": 0.8, "AVL": 0.6, "BOU": 0.5,
            "BHA": 0.4, "FUL": 0.4, "TOT": 0.3, "BRE": 0.3, "MAN": 0.0, "WHU": -0.2, "CRY": -0.3, "EVE": -0.6,
            "WOL": -0.8, "IPS": -1.2, "LEI": -1.2, "SOU": -2.0},
}

for code, lg in LEAGUES.items():
    base = 331 if code == "epl" else 1
    lg["ids"] = {abbr: str(base + i) for i, (abbr, _, _) in enumerate(lg["teams"])}
    lg["names"] = {abbr: name for abbr, name, _ in lg["teams"]}
    lg["rating"] = {abbr: RATINGS[code].get(abbr, rng.gauss(0, 0.7)) for abbr, _, _ in lg["teams"]}

event_counter = [401700000]


def next_event_id():
    event_counter[0] += rng.randint(1, 40)
    return str(event_counter[0])


# ---------------------------------------------------------------------------------------------
# Schedules: completed games before the clock, consistent across teams.

def game_score(league, home, away):
    lg = LEAGUES[league]
    d = lg["rating"][home] - lg["rating"][away]
    if league == "nba":
        h, a = round(rng.gauss(113 + 2.5 * d + 1.5, 11)), round(rng.gauss(111 - 2.5 * d, 11))
        while h == a:
            h, a = h + rng.randint(3, 12), a + rng.randint(3, 12)
    elif league == "nfl":
        h, a = max(0, round(rng.gauss(23 + 3 * d + 1, 9))), max(0, round(rng.gauss(21 - 3 * d, 9)))
        if h == a:
            h += 3
    elif league == "nhl":
        h, a = poisson(max(1.0, 3.1 + 0.3 * d)), poisson(max(1.0, 2.9 - 0.3 * d))
        if h == a:  # overtime / shootout winner
            if rng.random() < 0.5:
                h += 1
            else:
                a += 1
    elif league == "mlb":
        h, a = poisson(max(1.5, 4.6 + 0.4 * d)), poisson(max(1.5, 4.4 - 0.4 * d))
        if h == a:  # extra innings
            if rng.random() < 0.5:
                h += 1
            else:
                a += 1
    else:
        h, a = poisson(max(0.3, 1.5 + 0.35 * d)), poisson(max(0.3, 1.2 - 0.35 * d))
    return h, a


def make_game(league, home, away, when, season_type=2):
    h, a = game_score(league, home, away)
    return {"id": next_event_id(), "league": league, "home": home, "away": away, "date": when,
            "home_score": h, "away_score": a, "season_type": season_type}


def daily_schedule(league, start, days, hours, play_prob, first_day_fixed=None):
    """Each day a random subset of teams plays; evening ET games start the next UTC day."""
    lg = LEAGUES[league]
    teams = [t[0] for t in lg["teams"]]
    games = []
    played_yesterday = set()
    for n in range(days):
        day = start + timedelta(days=n)
        # Back-to-backs happen but are rarer than rest days.
        playing = [t for t in teams if rng.random() < (play_prob * 0.3 if t in played_yesterday else play_prob)]
        played_yesterday = set(playing)
        rng.shuffle(playing)
        for i in range(0, len(playing) - 1, 2):
            when = day + timedelta(days=1, hours=rng.choice(hours))
            games.append(make_game(league, playing[i], playing[i + 1], when))
    return games


def round_robin_rounds(league, dates, fixed_last=None):
    lg = LEAGUES[league]
    teams = [t[0] for t in lg["teams"]]
    games = []
    for when in dates:
        t = teams[:]
        rng.shuffle(t)
        for i in range(0, len(t), 2):
            games.append(make_game(league, t[i], t[i + 1], when + timedelta(hours=rng.choice([0, 0, 2.5]))))
    return games


SCHEDULES = {
    "nba": daily_schedule("nba", utc(2024, 12, 16), 30, [0, 0.5, 1, 2, 3], 0.6),
    "nhl": daily_schedule("nhl", utc(2024, 12, 14), 32, [0, 0.5, 1, 2, 2.5], 0.6),
    "mlb": daily_schedule("mlb", utc(2024, 9, 14), 16, [17, 23, 23.1, 2, 0], 0.93),
    "nfl": round_robin_rounds("nfl", [utc(2024, 11, 3, 18), utc(2024, 11, 10, 18), utc(2024, 11, 17, 18),
                                      utc(2024, 11, 24, 18), utc(2024, 12, 1, 18), utc(2024, 12, 8, 18),
                                      utc(2024, 12, 15, 18), utc(2024, 12, 22, 18), utc(2024, 12, 29, 18),
                                      utc(2025, 1, 5, 18)]),
    "epl": round_robin_rounds("epl", [utc(2024, 11, 9, 15), utc(2024, 11, 23, 15), utc(2024, 11, 30, 15),
                                      utc(2024, 12, 4, 19, 30), utc(2024, 12, 8, 14), utc(2024, 12, 14, 15),
                                      utc(2024, 12, 21, 15), utc(2024, 12, 26, 15), utc(2024, 12, 29, 15),
                                      utc(2025, 1, 4, 15)]),
}
# MLB's 2024 regular season ended 2024-09-30 (UTC); drop games past that.
SCHEDULES["mlb"] = [g for g in SCHEDULES["mlb"] if g["date"] < utc(2024, 9, 30, 12)]
# NFL wild-card round (postseason, seasontype 3); KC and DET had byes.
for home, away, when in [("HOU", "LAC", utc(2025, 1, 11, 21, 30)), ("BAL", "PIT", utc(2025, 1, 12, 1)),
                         ("BUF", "DEN", utc(2025, 1, 12, 18)), ("PHI", "GB", utc(2025, 1, 12, 21, 30)),
                         ("TB", "WSH", utc(2025, 1, 13, 1)), ("LAR", "MIN", utc(2025, 1, 14, 1))]:
    g = make_game("nfl", home, away, when, season_type=3)
    # The home side advanced in this dataset (they play the divisional round).
    if g["home_score"] <= g["away_score"] and home != "TB":
        g["home_score"], g["away_score"] = g["away_score"] + 3, g["home_score"]
    if home == "TB" and g["away_score"] <= g["home_score"]:
        g["home_score"], g["away_score"] = g["away_score"], g["home_score"] + 3
    SCHEDULES["nfl"].append(g)
# EPL: four matches on 2025-01-14 (completed before the clock).
for home, away in [("BRE", "MNC"), ("CHE", "BOU"), ("WHU", "FUL"), ("NFO", "LIV")]:
    SCHEDULES["epl"].append(make_game("epl", home, away, utc(2025, 1, 14, 19, 30)))

for games in SCHEDULES.values():
    games.sort(key=lambda g: g["date"])


def team_games(league, abbr):
    return [g for g in SCHEDULES[league] if abbr in (g["home"], g["away"])]


# ---------------------------------------------------------------------------------------------
# Upcoming (and one live) events with odds: (home, away, commence).

UPCOMING = {
    "nba": [("ORL", "MIL", utc(2025, 1, 16, 0)), ("NY", "PHI", utc(2025, 1, 16, 0, 30)),
            ("OKC", "BOS", utc(2025, 1, 16, 1)), ("DEN", "CHA", utc(2025, 1, 16, 2)),
            ("SAC", "DAL", utc(2025, 1, 16, 3)), ("LAL", "MIA", utc(2025, 1, 16, 3, 30))],
    "nfl": [("KC", "HOU", utc(2025, 1, 18, 21, 30)), ("DET", "WSH", utc(2025, 1, 19, 1)),
            ("PHI", "LAR", utc(2025, 1, 19, 20)), ("BUF", "BAL", utc(2025, 1, 19, 23, 30))],
    "mlb": [("NYY", "MIL", utc(2025, 3, 27, 17, 5)), ("TOR", "BAL", utc(2025, 3, 27, 19, 7)),
            ("KC", "CLE", utc(2025, 3, 27, 20, 10)), ("TEX", "BOS", utc(2025, 3, 28, 0, 5)),
            ("LAD", "DET", utc(2025, 3, 28, 2, 10))],
    "nhl": [("TOR", "EDM", utc(2025, 1, 16, 0)), ("BOS", "WSH", utc(2025, 1, 16, 0)),
            ("COL", "TB", utc(2025, 1, 16, 2)), ("VGK", "NYR", utc(2025, 1, 16, 3)),
            ("SEA", "DAL", utc(2025, 1, 16, 3))],
    "epl": [("EVE", "AVL", utc(2025, 1, 15, 16, 30)), ("LEI", "CRY", utc(2025, 1, 15, 19, 30)),
            ("NEW", "WOL", utc(2025, 1, 15, 19, 30)), ("ARS", "TOT", utc(2025, 1, 15, 20)),
            ("IPS", "BHA", utc(2025, 1, 16, 19, 30)), ("MAN", "SOU", utc(2025, 1, 16, 20))],
}
LIVE = {("epl", "EVE", "AVL"): (1, 0)}  # in play at the demo clock

# Spread/total scale per league: (sd of margin, home edge, base total, total sd, rounding step)
SHAPE = {"nba": (12.0, 2.5, 224, 7, 0.5), "nfl": (13.5, 1.5, 46, 4, 0.5),
         "nhl": (2.4, 0.2, 6.0, 0.4, 0.5), "mlb": (4.2, 0.2, 8.5, 0.7, 0.5),
         "epl": (1.6, 0.3, 2.6, 0.3, 0.25)}


def odds_name(league, abbr):
    name = LEAGUES[league]["names"][abbr]
    return ODDS_NAME.get(name, name)


def featured_markets(league, home, away, book_i, updated, total):
    lg = LEAGUES[league]
    sd, edge, base_total, total_sd, step = SHAPE[league]
    d = lg["rating"][home] - lg["rating"][away]
    exp_margin = {"nba": 3.0, "nfl": 4, "nhl": 0.35, "mlb": 0.4, "epl": 0.45}[league] * d + edge
    hn, an = odds_name(league, home), odds_name(league, away)
    # Books disagree a little: DemoBook B shades the favourite.
    jitter = 0.0 if book_i == 0 else 0.012
    margin = 0.045 if book_i == 0 else 0.05
    markets = []
    if league == "epl":
        p_home = min(0.8, max(0.12, 0.40 + 0.16 * exp_margin))
        p_draw = 0.27 - 0.04 * abs(exp_margin)
        p_away = 1 - p_home - p_draw
        ml = [(hn, p_home + jitter), (an, p_away), ("Draw", p_draw - jitter)]
        m3 = 0.06 if book_i == 0 else 0.07
        markets.append({"key": "h2h", "last_update": updated,
                        "outcomes": [{"name": n, "price": american(p * (1 + m3))} for n, p in ml]})
    else:
        p_home = phi(exp_margin / sd) + jitter
        markets.append({"key": "h2h", "last_update": updated, "outcomes": [
            {"name": an, "price": american((1 - p_home) * (1 + margin))},
            {"name": hn, "price": american(p_home * (1 + margin))}]})
    # Spreads: NHL/MLB use the +-1.5 puck/run line; soccer an Asian-handicap style line.
    if league in ("nhl", "mlb"):
        line = -1.5 if exp_margin > 0 else 1.5
        p_cover = phi((exp_margin + line) / sd)
    else:
        line = -round(exp_margin / step) * step or -step
        p_cover = 0.5
    sp_h = american(p_cover * (1 + margin) + (0.01 if book_i else 0))
    sp_a = american((1 - p_cover) * (1 + margin) - (0.01 if book_i else 0))
    markets.append({"key": "spreads", "last_update": updated, "outcomes": [
        {"name": an, "price": sp_a, "point": -line},
        {"name": hn, "price": sp_h, "point": line}]})
    if book_i and league in ("nba", "nfl"):
        total += 0.5  # DemoBook B hangs a slightly higher number
    over = 0.5 + (0.01 if book_i else 0)
    markets.append({"key": "totals", "last_update": updated, "outcomes": [
        {"name": "Over", "price": american(over * (1 + margin)), "point": total},
        {"name": "Under", "price": american((1 - over) * (1 + margin)), "point": total}]})
    return markets


def build_odds(league):
    lg = LEAGUES[league]
    events = []
    for home, away, when in UPCOMING[league]:
        live = (league, home, away) in LIVE
        updated = iso(CLOCK - timedelta(minutes=rng.randint(1, 9) if not live else 0))
        _, _, base_total, total_sd, _ = SHAPE[league]
        total = round((base_total + rng.gauss(0, total_sd)) / 0.5) * 0.5
        if league == "epl":
            total = 2.5
        elif league == "nhl":
            total = rng.choice([5.5, 6.0, 6.5])
        books = []
        for i, (key, title) in enumerate(BOOKS):
            markets = featured_markets(league, home, away, i, updated, total)
            books.append({"key": key, "title": title, "last_update": updated, "markets": markets})
        events.append({"id": hexid(league, home, away, iso(when)), "sport_key": lg["key"],
                       "sport_title": lg["title"], "commence_time": iso(when),
                       "home_team": odds_name(league, home), "away_team": odds_name(league, away),
                       "bookmakers": books})
    return events


# ---------------------------------------------------------------------------------------------
# Players and ESPN-format game logs.

NBA_LABELS = ["MIN", "FG", "FG%", "3PT", "3P%", "FT", "FT%", "REB", "AST", "BLK", "STL", "PF", "TO", "PTS"]
NBA_NAMES = ["minutes", "fieldGoalsMade-fieldGoalsAttempted", "fieldGoalPct",
             "threePointFieldGoalsMade-threePointFieldGoalsAttempted", "threePointFieldGoalPct",
             "freeThrowsMade-freeThrowsAttempted", "freeThrowPct", "totalRebounds", "assists", "blocks",
             "steals", "fouls", "turnovers", "points"]
QB_LABELS = ["CMP", "ATT", "YDS", "CMP%", "AVG", "TD", "INT", "LNG", "SACK", "RTG", "QBR", "CAR", "YDS", "AVG",
             "TD", "LNG"]
QB_NAMES = ["completions", "passingAttempts", "passingYards", "completionPct", "yardsPerPassAttempt",
            "passingTouchdowns", "interceptions", "longPassing", "sacks", "QBRating", "adjQBR", "rushingAttempts",
            "rushingYards", "yardsPerRushAttempt", "rushingTouchdowns", "longRushing"]
RB_LABELS = ["CAR", "YDS", "AVG", "TD", "LNG", "REC", "TGTS", "YDS", "AVG", "TD", "LNG", "FUM", "LST"]
RB_NAMES = ["rushingAttempts", "rushingYards", "yardsPerRushAttempt", "rushingTouchdowns", "longRushing",
            "receptions", "receivingTargets", "receivingYards", "yardsPerReception", "receivingTouchdowns",
            "longReception", "fumbles", "fumblesLost"]
MLB_LABELS = ["AB", "R", "H", "2B", "3B", "HR", "RBI", "BB", "HBP", "SO", "SB", "CS", "AVG", "OBP", "SLG", "OPS"]
MLB_NAMES = ["atBats", "runs", "hits", "doubles", "triples", "homeRuns", "RBIs", "walks", "hitByPitch",
             "strikeouts", "stolenBases", "caughtStealing", "avg", "onBasePct", "slugAvg", "OPS"]
NHL_LABELS = ["G", "A", "PTS", "+/-", "PIM", "S", "S%", "PPG", "PPA", "SHG", "SHA", "GWG", "TOI"]
NHL_NAMES = ["goals", "assists", "points", "plusMinus", "penaltyMinutes", "shotsTotal", "shootingPct",
             "powerPlayGoals", "powerPlayAssists", "shortHandedGoals", "shortHandedAssists", "gameWinningGoals",
             "timeOnIcePerGame"]
EPL_LABELS = ["STRT", "G", "A", "SH", "ST", "FC", "FA", "OF", "YC", "RC"]
EPL_NAMES = ["starts", "totalGoals", "goalAssists", "totalShots", "shotsOnTarget", "foulsCommitted",
             "foulsSuffered", "offsides", "yellowCards", "redCards"]

PLAYERS = {
    "nba": [("LeBron James", "1966", "LAL", "F", dict(pts=24.6, reb=7.8, ast=8.7, tpm=2.1, stl=1.0, blk=0.6, to=3.8, min=35)),
            ("Anthony Davis", "6583", "LAL", "F", dict(pts=25.8, reb=11.9, ast=3.4, tpm=0.6, stl=1.2, blk=2.1, to=2.2, min=35)),
            ("Nikola Jokić", "3112335", "DEN", "C", dict(pts=30.5, reb=12.9, ast=10.2, tpm=2.0, stl=1.8, blk=0.7, to=3.2, min=37)),
            ("Jamal Murray", "3936299", "DEN", "G", dict(pts=20.1, reb=3.9, ast=6.0, tpm=2.6, stl=1.1, blk=0.5, to=2.2, min=35)),
            ("Jayson Tatum", "4065648", "BOS", "F", dict(pts=27.0, reb=8.7, ast=5.8, tpm=3.5, stl=1.1, blk=0.5, to=2.9, min=36)),
            ("Shai Gilgeous-Alexander", "4278073", "OKC", "G", dict(pts=31.5, reb=5.3, ast=6.2, tpm=2.0, stl=2.0, blk=1.0, to=2.5, min=34)),
            ("Tyler Herro", "4395725", "MIA", "G", dict(pts=23.7, reb=5.2, ast=5.4, tpm=3.4, stl=0.8, blk=0.2, to=2.7, min=35)),
            ("Luka Dončić", "3945274", "DAL", "G", dict(pts=28.1, reb=8.3, ast=7.8, tpm=3.5, stl=2.0, blk=0.5, to=4.0, min=36))],
    "nfl": [("Patrick Mahomes", "3139477", "KC", "QB", dict(yds=245, td=1.7, int=0.7, rush=20)),
            ("C.J. Stroud", "4432577", "HOU", "QB", dict(yds=235, td=1.2, int=0.7, rush=12)),
            ("Josh Allen", "3918298", "BUF", "QB", dict(yds=240, td=1.7, int=0.4, rush=32)),
            ("Lamar Jackson", "3916387", "BAL", "QB", dict(yds=250, td=2.4, int=0.3, rush=55)),
            ("Jared Goff", "3046779", "DET", "QB", dict(yds=265, td=2.1, int=0.7, rush=3)),
            ("Jalen Hurts", "4040715", "PHI", "QB", dict(yds=190, td=1.1, int=0.3, rush=38)),
            ("Saquon Barkley", "3929630", "PHI", "RB", dict(ypc=5.8, car=21, td=0.8, rec=2.0)),
            ("Jahmyr Gibbs", "4429795", "DET", "RB", dict(ypc=5.6, car=15, td=0.9, rec=3.1))],
    "mlb": [("Aaron Judge", "33192", "NYY", "RF", dict(avg=0.322, hr=0.36, bb=0.85, so=1.1, sb=0.05)),
            ("Juan Soto", "36969", "NYY", "LF", dict(avg=0.288, hr=0.26, bb=0.80, so=0.75, sb=0.04)),
            ("Shohei Ohtani", "39832", "LAD", "DH", dict(avg=0.310, hr=0.34, bb=0.5, so=1.0, sb=0.36)),
            ("Mookie Betts", "33039", "LAD", "SS", dict(avg=0.289, hr=0.16, bb=0.5, so=0.5, sb=0.1)),
            ("Bobby Witt Jr.", "42403", "KC", "SS", dict(avg=0.332, hr=0.2, bb=0.3, so=0.7, sb=0.19)),
            ("Gunnar Henderson", "4683371", "BAL", "SS", dict(avg=0.281, hr=0.23, bb=0.5, so=1.0, sb=0.13))],
    "nhl": [("Connor McDavid", "3895074", "EDM", "C", dict(g=0.45, a=1.0, s=3.4, toi=22)),
            ("Leon Draisaitl", "3114727", "EDM", "C", dict(g=0.62, a=0.62, s=3.5, toi=21.5)),
            ("Auston Matthews", "4024123", "TOR", "C", dict(g=0.5, a=0.55, s=4.0, toi=20.5)),
            ("Nathan MacKinnon", "3041969", "COL", "C", dict(g=0.36, a=1.03, s=3.8, toi=22.5)),
            ("Nikita Kucherov", "2563060", "TB", "RW", dict(g=0.45, a=1.05, s=3.0, toi=20)),
            ("David Pastrnak", "3114778", "BOS", "RW", dict(g=0.46, a=0.6, s=3.9, toi=20))],
    "epl": [("Mohamed Salah", "158655", "LIV", "F", dict(g=0.75, a=0.55, sh=3.4)),
            ("Erling Haaland", "253989", "MNC", "F", dict(g=0.8, a=0.1, sh=3.6)),
            ("Bukayo Saka", "243560", "ARS", "F", dict(g=0.35, a=0.5, sh=2.8)),
            ("Cole Palmer", "245324", "CHE", "M", dict(g=0.6, a=0.35, sh=3.3)),
            ("Alexander Isak", "212580", "NEW", "F", dict(g=0.65, a=0.2, sh=2.7)),
            ("Son Heung-Min", "149945", "TOT", "F", dict(g=0.35, a=0.35, sh=2.4))],
}
GAMES_PER_LOG = 10


def pct(m, a):
    return f"{(100.0 * m / a):.1f}" if a else "0.0"


def nba_line(p):
    tpm = poisson(p["tpm"])
    ftm = poisson(p["pts"] * 0.17)
    target = max(0, rng.gauss(p["pts"], p["pts"] * 0.22))
    fg2 = max(0, round((target - 3 * tpm - ftm) / 2))
    pts = 2 * fg2 + 3 * tpm + ftm
    fgm = fg2 + tpm
    fga = max(fgm, round(fgm / rng.uniform(0.44, 0.6)) if fgm else rng.randint(3, 8))
    tpa = max(tpm, round(tpm / rng.uniform(0.3, 0.45)) if tpm else rng.randint(1, 5))
    fta = ftm + poisson(1.0)
    reb, ast = poisson(p["reb"]), poisson(p["ast"])
    stats = {
        "MIN": str(max(20, round(rng.gauss(p["min"], 3)))), "FG": f"{fgm}-{fga}", "FG%": pct(fgm, fga),
        "3PT": f"{tpm}-{tpa}", "3P%": pct(tpm, tpa), "FT": f"{ftm}-{fta}", "FT%": pct(ftm, fta),
        "REB": str(reb), "AST": str(ast), "BLK": str(poisson(p["blk"])), "STL": str(poisson(p["stl"])),
        "PF": str(poisson(2.0)), "TO": str(poisson(p["to"])), "PTS": str(pts)}
    return [stats[label] for label in NBA_LABELS], {"points": pts, "rebounds": reb, "assists": ast, "threes": tpm}


def qb_line(p):
    att = max(18, round(rng.gauss(34, 5)))
    yds = max(60, round(rng.gauss(p["yds"], 60)))
    cmp_ = min(att, max(8, round(att * rng.uniform(0.58, 0.74))))
    td, it = poisson(p["td"]), poisson(p["int"])
    rtg = min(158.3, max(0.0, 100 * (((cmp_ / att - 0.3) * 5 + (yds / att - 3) * 0.25 + td / att * 20
                                       + 2.375 - it / att * 25) / 6)))
    car = poisson(2 + p["rush"] / 12)
    ryds = max(-3, round(rng.gauss(p["rush"], p["rush"] * 0.5 + 3))) if car else 0
    rtd = poisson(0.15 + p["rush"] / 300)
    row = [cmp_, att, yds, pct(cmp_, att), f"{yds / att:.1f}", td, it, rng.randint(18, 64), poisson(2.0),
           f"{rtg:.1f}", f"{rng.uniform(35, 88):.1f}", car, ryds, f"{(ryds / car if car else 0):.1f}", rtd,
           max(0, min(ryds, rng.randint(3, 25)))]
    return [str(x) for x in row], {"passing yards": yds, "passing touchdowns": td, "rushing yards": ryds}


def rb_line(p):
    car = max(6, round(rng.gauss(p["car"], 4)))
    yds = max(0, round(car * rng.gauss(p["ypc"], 1.6)))
    td = poisson(p["td"])
    rec = poisson(p["rec"])
    ryd = round(rec * rng.uniform(5, 11))
    row = [car, yds, f"{yds / car:.1f}", td, min(yds, rng.randint(8, 68)), rec, rec + poisson(1), ryd,
           f"{(ryd / rec if rec else 0):.1f}", poisson(0.15), min(ryd, rng.randint(4, 30)) if rec else 0, 0, 0]
    return [str(x) for x in row], {"rushing yards": yds, "receptions": rec, "receiving yards": ryd}


def mlb_line(p, totals):
    ab = rng.choice([3, 4, 4, 4, 5])
    h = sum(rng.random() < p["avg"] for _ in range(ab))
    hr = min(h, poisson(p["hr"]))
    d2 = min(h - hr, poisson(0.2))
    bb, so = poisson(p["bb"] * 0.8), min(ab - h, poisson(p["so"]))
    rbi = hr + poisson(0.35 * (h - hr) + 0.1)
    r = max(hr, poisson(0.55))
    for k, v in (("ab", ab), ("h", h), ("bb", bb), ("tb", h + d2 + 3 * hr)):
        totals[k] = totals.get(k, 0) + v
    avg = totals["h"] / totals["ab"]
    obp = (totals["h"] + totals["bb"]) / (totals["ab"] + totals["bb"])
    slg = totals["tb"] / totals["ab"]
    row = [ab, r, h, d2, 0, hr, rbi, bb, 0, so, poisson(p["sb"]), 0, f"{avg:.3f}".lstrip("0"),
           f"{obp:.3f}".lstrip("0"), f"{slg:.3f}".lstrip("0"), f"{obp + slg:.3f}".lstrip("0")]
    return [str(x) for x in row], {"hits": h, "home runs": hr, "rbis": rbi}


def nhl_line(p, won):
    g, a = poisson(p["g"]), poisson(p["a"])
    s = max(g, poisson(p["s"]))
    toi = rng.gauss(p["toi"], 1.5)
    row = [g, a, g + a, rng.randint(-2, 3), rng.choice([0, 0, 0, 2]), s, pct(g, s), min(g, poisson(0.15)),
           min(a, poisson(0.3)), 0, 0, 1 if (won and g and rng.random() < 0.3) else 0,
           f"{int(toi)}:{int((toi % 1) * 60):02d}"]
    return [str(x) for x in row], {"goals": g, "assists": a, "points": g + a}


def epl_line(p):
    g, a = poisson(p["g"]), poisson(p["a"])
    sh = max(g, poisson(p["sh"]))
    st = max(g, min(sh, round(sh * rng.uniform(0.3, 0.6))))
    row = [1, g, a, sh, st, poisson(0.8), poisson(1.4), poisson(0.4), 1 if rng.random() < 0.1 else 0, 0]
    return [str(x) for x in row], {"goals": g, "assists": a, "shots": sh}


def gamelog(league, player):
    name, pid, team, pos, p = player
    lg = LEAGUES[league]
    labels, names = {"nba": (NBA_LABELS, NBA_NAMES), "mlb": (MLB_LABELS, MLB_NAMES),
                     "nhl": (NHL_LABELS, NHL_NAMES), "epl": (EPL_LABELS, EPL_NAMES)}.get(
        league, (QB_LABELS, QB_NAMES) if pos == "QB" else (RB_LABELS, RB_NAMES))
    games = team_games(league, team)[-GAMES_PER_LOG:]
    events, by_type, simple = {}, {}, []
    totals = {}
    for g in games:
        home = g["home"] == team
        opp = g["away"] if home else g["home"]
        us, them = (g["home_score"], g["away_score"]) if home else (g["away_score"], g["home_score"])
        result = "W" if us > them else ("L" if us < them else "D")
        if league == "nba":
            stats, key = nba_line(p)
        elif league == "nfl":
            stats, key = qb_line(p) if pos == "QB" else rb_line(p)
        elif league == "mlb":
            stats, key = mlb_line(p, totals)
        elif league == "nhl":
            stats, key = nhl_line(p, result == "W")
        else:
            stats, key = epl_line(p)
        hi, ai = lg["ids"][g["home"]], lg["ids"][g["away"]]
        events[g["id"]] = {
            "id": g["id"], "atVs": "vs" if home else "@",
            "gameDate": g["date"].strftime("%Y-%m-%dT%H:%M:%S.000+00:00"),
            "score": f"{max(us, them)}-{min(us, them)}", "homeTeamId": hi, "awayTeamId": ai,
            "homeTeamScore": str(g["home_score"]), "awayTeamScore": str(g["away_score"]), "gameResult": result,
            "opponent": {"id": lg["ids"][opp], "abbreviation": opp, "displayName": lg["names"][opp]},
            "team": {"id": lg["ids"][team], "abbreviation": team}}
        month = g["date"] - timedelta(hours=5)
        st = "postseason" if g["season_type"] == 3 else "regular"
        by_type.setdefault(st, {}).setdefault(month.strftime("%B").lower(), []).append(
            {"eventId": g["id"], "stats": stats})
        simple.append({"id": g["id"], "date": g["date"], "opp": opp, "home": home, "result": result,
                       "us": us, "them": them, **key})
    season_types = []
    year = lg["season"]
    for st in ("postseason", "regular"):
        if st not in by_type:
            continue
        label = lg["season_name"] if st == "regular" else f"{year} Postseason"
        cats = [{"displayName": m, "splitType": m, "events": list(reversed(evs))}
                for m, evs in reversed(list(by_type[st].items()))]
        season_types.append({"displayName": label, "categories": cats})
    doc = {"labels": labels, "names": names, "events": events, "seasonTypes": season_types}
    return doc, simple


def schedule_doc(league, abbr):
    lg = LEAGUES[league]
    events = []
    for g in team_games(league, abbr)[-GAMES_PER_LOG:]:
        comps = []
        for side in ("home", "away"):
            t = g[side]
            s = g[f"{side}_score"]
            o = g["away_score" if side == "home" else "home_score"]
            comps.append({"id": lg["ids"][t], "homeAway": side, "winner": s > o,
                          "team": {"id": lg["ids"][t], "abbreviation": t, "displayName": lg["names"][t]},
                          "score": {"value": float(s), "displayValue": str(s)}})
        events.append({"id": g["id"], "date": espn_date(g["date"]),
                       "name": f"{lg['names'][g['away']]} at {lg['names'][g['home']]}",
                       "shortName": f"{g['away']} @ {g['home']}",
                       "competitions": [{"id": g["id"], "date": espn_date(g["date"]), "competitors": comps,
                                         "status": {"type": {"id": "3", "name": "STATUS_FINAL", "state": "post",
                                                             "completed": True, "shortDetail": "Final"}}}]})
    return {"team": {"id": lg["ids"][abbr], "abbreviation": abbr, "displayName": lg["names"][abbr]},
            "season": {"year": lg["season"], "type": 2}, "events": events}


def teams_doc(league):
    lg = LEAGUES[league]
    sport, slug, lname = lg["espn"]
    teams = [{"team": {"id": lg["ids"][a], "abbreviation": a, "displayName": n, "name": nick,
                       "location": n[: -len(nick)].strip() or n}}
             for a, n, nick in lg["teams"]]
    return {"sports": [{"name": sport.title(), "slug": sport,
                        "leagues": [{"abbreviation": lg["title"], "name": lname, "slug": slug, "teams": teams}]}]}


# ---------------------------------------------------------------------------------------------
# Props (event-odds format) lined up with each player's log.

def prop_market(key, rows, updated):
    outcomes = []
    for player, line, over_p in rows:
        if line is None:  # yes/no markets (anytime scorer)
            outcomes.append({"name": "Yes", "description": player, "price": american(over_p * 1.06)})
            continue
        outcomes.append({"name": "Over", "description": player, "price": american(over_p * 1.045), "point": line})
        outcomes.append({"name": "Under", "description": player, "price": american((1 - over_p) * 1.045),
                         "point": line})
    return {"key": key, "last_update": updated, "outcomes": outcomes}


def half_line(avg):
    return math.floor(avg) + 0.5


# ---------------------------------------------------------------------------------------------
# StatMuse-format pages (generated from the same logs so numbers agree).

def sm_page(league, slug, question, answer, headers, rows, summary):
    title = " ".join(w.capitalize() for w in question.split()) + " | StatMuse"
    th = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr><td>" + str(i + 1) + "</td>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>"
                   for i, r in enumerate(rows))
    summ = "".join("<tr><td></td>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in summary)
    return (f'<!DOCTYPE html><html><head><title>{title}</title>'
            f'<meta name="description" content="{answer}">'
            f'<meta property="og:description" content="{answer}">'
            f'<link rel="canonical" href="/{league}/ask/{slug}"></head><body>'
            f'<div class="demo-banner">DEMO DATA (synthetic)</div>'
            f'<h1 class="font-semibold text-xl leading-snug my-auto text-pretty"><p>{answer}</p></h1>'
            f'<astro-island><table class="whitespace-nowrap w-full"><thead><tr><th class="pl-3"></th>{th}'
            f'</tr></thead><tbody>{body}</tbody><tbody>{summ}</tbody></table></astro-island></body></html>')


def md(d, league):
    # US leagues show Eastern dates, the EPL UK dates.
    t = d if league == "epl" else d - timedelta(hours=5)
    return f"{t.month}/{t.day}/{t.year}"


def fmt1(x):
    return f"{x:.1f}"


def player_question(league, name, team, log, stats, n, question):
    games = log[-n:]
    avgs = [sum(g[s] for g in games) / len(games) for s in stats]
    parts = [f"{fmt1(a)} {s}" for a, s in zip(avgs, stats)]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    answer = f"{name} has averaged {joined} in his last {len(games)} games."
    labels = {"points": "PTS", "rebounds": "REB", "assists": "AST", "threes": "3PM", "passing yards": "PYDS",
              "passing touchdowns": "PTD", "rushing yards": "RYDS", "receptions": "REC", "receiving yards": "RECYDS",
              "hits": "H", "home runs": "HR", "rbis": "RBI", "goals": "G", "shots": "SH"}
    headers = ["NAME", "DATE", "TM", "OPP", "RESULT"] + [labels[s] for s in stats]
    rows = [[name, md(g["date"], league), team, ("vs " if g["home"] else "@ ") + g["opp"],
             f"{g['result']} {g['us']}-{g['them']}"] + [str(g[s]) for s in stats] for g in reversed(games)]
    summary = [["Average", "", "", "", ""] + [fmt1(a) for a in avgs]]
    return answer, headers, rows, summary


def team_question(league, abbr, n):
    lg = LEAGUES[league]
    games = team_games(league, abbr)[-n:]
    w = d = l = 0
    rows = []
    for g in reversed(games):
        home = g["home"] == abbr
        us, them = (g["home_score"], g["away_score"]) if home else (g["away_score"], g["home_score"])
        r = "W" if us > them else ("L" if us < them else "D")
        w, d, l = w + (r == "W"), d + (r == "D"), l + (r == "L")
        opp = g["away"] if home else g["home"]
        rows.append([lg["names"][abbr], md(g["date"], league), ("vs " if home else "@ ") + opp, f"{r} {us}-{them}",
                     str(us), str(them)])
    rec = f"{w}-{d}-{l}" if league == "epl" else f"{w}-{l}"
    name = lg["names"][abbr]
    answer = (f"{name} have a record of {rec} in their last {len(games)} matches." if league == "epl"
              else f"The {name} are {rec} in their last {len(games)} games.")
    return answer, ["TEAM", "DATE", "OPP", "RESULT", "PTS", "OPP PTS"], rows, [["Record", "", "", rec, "", ""]]


# ---------------------------------------------------------------------------------------------

# Injury reports (ESPN league injuries format, providers.md §2.5): a few fictional entries per
# league for teams playing on the demo boards. At least one key player is Out on a team with a
# game tonight so the parlay slip's injury note shows. Own seeded generator: adding this file
# changes nothing else.
INJURIES = {
    "nba": [("DAL", "Luka Dončić", "G", "Out", "Calf", "Strain", "Left", 21),
            ("PHI", "Joel Embiid", "C", "Out", "Knee", "Soreness", "Left", 4),
            ("LAL", "Anthony Davis", "F", "Day-To-Day", "Ankle", "Sprain", "Right", 1),
            ("MIL", "Khris Middleton", "F", "Questionable", "Ankle", "Surgery", "Left", 2),
            ("BOS", "Kristaps Porziņģis", "C", "Doubtful", "Illness", "Illness", None, 1),
            ("DEN", "Aaron Gordon", "F", "Out", "Calf", "Strain", "Right", 7)],
    "nfl": [("KC", "Isiah Pacheco", "RB", "Questionable", "Ankle", "Sprain", "Left", 0),
            ("HOU", "Tank Dell", "WR", "Out", "Knee", "Dislocation", "Left", 120),
            ("BAL", "Zay Flowers", "WR", "Out", "Knee", "Sprain", "Left", 7),
            ("PHI", "Dallas Goedert", "TE", "Questionable", "Knee", "Sprain", "Right", 0)],
    "mlb": [("NYY", "Gerrit Cole", "SP", "Out", "Elbow", "Surgery", "Right", 300),
            ("LAD", "Tony Gonsolin", "SP", "Out", "Elbow", "Surgery", "Right", 60),
            ("BOS", "Triston Casas", "1B", "Day-To-Day", "Ribs", "Strain", "Left", 3)],
    "nhl": [("EDM", "Evander Kane", "LW", "Out", "Abdomen", "Surgery", None, 40),
            ("TB", "Brandon Hagel", "LW", "Day-To-Day", "Upper Body", "Undisclosed", None, 1),
            ("COL", "Gabriel Landeskog", "LW", "Out", "Knee", "Surgery", "Right", 90)],
    "epl": [("AVL", "Tyrone Mings", "D", "Out", "Knee", "Ligament", "Right", 30),
            ("CRY", "Eberechi Eze", "M", "Questionable", "Hamstring", "Strain", "Left", 3),
            ("LEI", "Abdul Fatawu", "F", "Out", "Knee", "Ligament", "Left", 150)],
}


def injuries_doc(league):
    irng = random.Random(f"injuries-{league}")
    lg = LEAGUES[league]
    groups = {}
    for abbr, name, pos, status, kind, detail, side, days_out in INJURIES[league]:
        updated = CLOCK - timedelta(hours=irng.randint(2, 60))
        back = (CLOCK + timedelta(days=days_out)).strftime("%Y-%m-%d")
        details = {"type": kind, "detail": detail, "returnDate": back}
        if side:
            details["side"] = side
        comment = f"{name} ({kind.lower()}) is {status.lower()}; expected back around {back}. (DEMO DATA)"
        groups.setdefault(abbr, []).append({
            "id": hexid("injury", league, name), "status": status, "date": espn_date(updated),
            "shortComment": comment, "longComment": comment,
            "athlete": {"id": hexid("athlete", league, name)[:8], "displayName": name,
                        "position": {"abbreviation": pos}, "team": {"abbreviation": abbr}},
            "details": details})
    return {"synthetic": True, "injuries": [
        {"id": lg["ids"][abbr], "displayName": lg["names"][abbr], "injuries": entries}
        for abbr, entries in sorted(groups.items())]}


def main():
    files = []
    sports = [{"key": lg["key"], "group": lg["group"], "title": lg["title"], "description": lg["desc"],
               "active": True, "has_outrights": False} for lg in LEAGUES.values()]
    files.append(dump("odds_api/sports.json", sports))

    all_odds, logs, simple_logs = {}, {}, {}
    for league in LEAGUES:
        all_odds[league] = build_odds(league)
        files.append(dump(f"odds_api/odds_{league}.json", all_odds[league]))
        athletes, simple_logs[league] = [], {}
        for player in PLAYERS[league]:
            doc, simple = gamelog(league, player)
            athletes.append({"id": player[1], "displayName": player[0], "team": player[2],
                             "position": player[3], "gamelog": doc})
            simple_logs[league][player[0]] = simple
        files.append(dump(f"espn/athletes_{league}.json", {"synthetic": True, "athletes": athletes}))
        files.append(dump(f"espn/teams_{league}.json", teams_doc(league)))
        interesting = sorted({t for h, a, _ in UPCOMING[league] for t in (h, a)} | {p[2] for p in PLAYERS[league]})
        schedules = {LEAGUES[league]["ids"][t]: schedule_doc(league, t) for t in interesting}
        files.append(dump(f"espn/schedules_{league}.json", {"synthetic": True, "schedules": schedules}))

        # Scores: recently completed (last ~3 days), live, then upcoming.
        lg = LEAGUES[league]
        scores = []
        recent = [g for g in SCHEDULES[league] if CLOCK - timedelta(days=3) <= g["date"] < CLOCK][-5:]
        for g in recent:
            hn, an = odds_name(league, g["home"]), odds_name(league, g["away"])
            scores.append({"id": hexid(league, "final", g["id"]), "sport_key": lg["key"], "sport_title": lg["title"],
                           "commence_time": iso(g["date"]), "completed": True, "home_team": hn, "away_team": an,
                           "scores": [{"name": hn, "score": str(g["home_score"])},
                                      {"name": an, "score": str(g["away_score"])}],
                           "last_update": iso(g["date"] + timedelta(hours=3))})
        for ev in all_odds[league]:
            key = (league, next(a for a, n, _ in lg["teams"] if odds_name(league, a) == ev["home_team"]),
                   next(a for a, n, _ in lg["teams"] if odds_name(league, a) == ev["away_team"]))
            live = LIVE.get(key)
            scores.append({"id": ev["id"], "sport_key": lg["key"], "sport_title": lg["title"],
                           "commence_time": ev["commence_time"], "completed": False,
                           "home_team": ev["home_team"], "away_team": ev["away_team"],
                           "scores": None if not live else [{"name": ev["home_team"], "score": str(live[0])},
                                                           {"name": ev["away_team"], "score": str(live[1])}],
                           "last_update": iso(CLOCK) if live else None})
        files.append(dump(f"odds_api/scores_{league}.json", scores))

    # Player props for one or two events per sport, lines near each player's average.
    def avg(league, player, stat):
        g = simple_logs[league][player]
        return sum(x[stat] for x in g) / len(g)

    def find_event(league, home):
        home_name = odds_name(league, home)
        return next(e for e in all_odds[league] if e["home_team"] == home_name)

    prop_specs = [
        ("nba", "LAL", [("player_points", [("LeBron James", "points"), ("Anthony Davis", "points"),
                                           ("Tyler Herro", "points")]),
                        ("player_rebounds", [("LeBron James", "rebounds"), ("Anthony Davis", "rebounds")]),
                        ("player_assists", [("LeBron James", "assists"), ("Tyler Herro", "assists")])]),
        ("nba", "DEN", [("player_points", [("Nikola Jokić", "points"), ("Jamal Murray", "points")]),
                        ("player_rebounds", [("Nikola Jokić", "rebounds")]),
                        ("player_assists", [("Nikola Jokić", "assists")])]),
        ("nfl", "KC", [("player_pass_yds", [("Patrick Mahomes", "passing yards"), ("C.J. Stroud", "passing yards")]),
                       ("player_anytime_td", [("Patrick Mahomes", None)])]),
        ("nfl", "BUF", [("player_pass_yds", [("Josh Allen", "passing yards"), ("Lamar Jackson", "passing yards")]),
                        ("player_rush_yds", [("Josh Allen", "rushing yards"), ("Lamar Jackson", "rushing yards")])]),
        ("mlb", "NYY", [("batter_hits", [("Aaron Judge", "hits"), ("Juan Soto", "hits")]),
                        ("batter_home_runs", [("Aaron Judge", "home runs")])]),
        ("nhl", "TOR", [("player_shots_on_goal", [("Connor McDavid", None), ("Auston Matthews", None)]),
                        ("player_points", [("Connor McDavid", "points"), ("Leon Draisaitl", "points")])]),
        ("epl", "ARS", [("player_goal_scorer_anytime", [("Bukayo Saka", None), ("Son Heung-Min", None)])]),
    ]
    event_odds = []
    for league, home, markets in prop_specs:
        ev = find_event(league, home)
        updated = iso(CLOCK - timedelta(minutes=4))
        books = []
        for bi, (key, title) in enumerate(BOOKS):
            mk = []
            for mkey, players in markets:
                rows = []
                for player, stat in players:
                    if mkey == "player_shots_on_goal":
                        line = 2.5 if player == "Auston Matthews" else 3.5
                        rows.append((player, line, 0.5 + (0.02 if bi else 0)))
                    elif stat is None:
                        rows.append((player, None, 0.42 if mkey == "player_anytime_td" else 0.36))
                    else:
                        a = avg(league, player, stat)
                        line = half_line(a) if a >= 1 else 0.5
                        if bi == 1 and a >= 10:
                            line += 1.0
                        rows.append((player, line, 0.5 + (0.015 if bi else 0)))
                mk.append(prop_market(mkey, rows, updated))
            books.append({"key": key, "title": title, "markets": mk})
        event_odds.append({k: ev[k] for k in ("id", "sport_key", "sport_title", "commence_time", "home_team",
                                              "away_team")} | {"bookmakers": books})
    files.append(dump("odds_api/event_odds.json", event_odds))

    # StatMuse-style canonical questions.
    pages = []

    def add_player(league, name, stats, n, q):
        team = next(p[2] for p in PLAYERS[league] if p[0] == name)
        slug = q.replace(" ", "-")
        answer, headers, rows, summary = player_question(league, name, team, simple_logs[league][name], stats, n, q)
        pages.append({"league": league, "question": q, "path": f"/{sm_league(league)}/ask/{slug}",
                      "html": sm_page(sm_league(league), slug, q, answer, headers, rows, summary)})

    def add_team(league, abbr, n, q):
        slug = q.replace(" ", "-")
        answer, headers, rows, summary = team_question(league, abbr, n)
        pages.append({"league": league, "question": q, "path": f"/{sm_league(league)}/ask/{slug}",
                      "html": sm_page(sm_league(league), slug, q, answer, headers, rows, summary)})

    add_player("nba", "LeBron James", ["points"], 5, "lebron james points last 5 games")
    add_player("nba", "LeBron James", ["points", "rebounds", "assists"], 10, "lebron james stats last 10 games")
    add_player("nba", "Anthony Davis", ["points", "rebounds"], 5, "anthony davis points and rebounds last 5 games")
    add_player("nba", "Nikola Jokić", ["points", "rebounds", "assists"], 5, "nikola jokic stats last 5 games")
    add_player("nba", "Jamal Murray", ["points"], 5, "jamal murray points last 5 games")
    add_player("nba", "Shai Gilgeous-Alexander", ["points"], 10, "shai gilgeous-alexander points last 10 games")
    add_player("nba", "Jayson Tatum", ["points", "threes"], 5, "jayson tatum points and threes last 5 games")
    add_team("nba", "LAL", 10, "lakers record last 10 games")
    add_team("nba", "DEN", 10, "nuggets record last 10 games")
    add_team("nba", "BOS", 10, "celtics record last 10 games")
    add_player("nfl", "Patrick Mahomes", ["passing yards", "passing touchdowns"], 5,
               "patrick mahomes passing yards last 5 games")
    add_player("nfl", "Josh Allen", ["passing yards", "rushing yards"], 5, "josh allen stats last 5 games")
    add_player("nfl", "Saquon Barkley", ["rushing yards"], 5, "saquon barkley rushing yards last 5 games")
    add_team("nfl", "KC", 10, "chiefs record last 10 games")
    add_player("mlb", "Aaron Judge", ["home runs", "hits"], 10, "aaron judge home runs last 10 games")
    add_player("mlb", "Shohei Ohtani", ["hits", "home runs", "rbis"], 10, "shohei ohtani stats last 10 games")
    add_player("nhl", "Connor McDavid", ["points", "goals", "assists"], 10, "connor mcdavid points last 10 games")
    add_player("nhl", "Auston Matthews", ["goals"], 10, "auston matthews goals last 10 games")
    add_team("nhl", "EDM", 10, "oilers record last 10 games")
    add_player("epl", "Mohamed Salah", ["goals", "assists"], 5, "mohamed salah goals last 5 games")
    add_player("epl", "Erling Haaland", ["goals", "shots"], 5, "erling haaland goals last 5 games")
    add_team("epl", "ARS", 10, "arsenal record last 10 games")
    files.append(dump("statmuse/pages.json", {"synthetic": True, "pages": pages}))

    # News/weather snippets in SearXNG's JSON format.
    lebron = simple_logs["nba"]["LeBron James"][-1]
    jokic = simple_logs["nba"]["Nikola Jokić"][-1]
    mcd = simple_logs["nhl"]["Connor McDavid"][-1]
    news = [
        ("weather/denver-co-2025-01-15", "Denver, CO weather forecast for Wednesday, Jan. 15",
         "Mostly sunny and cold in Denver today: high 38°F, low 19°F, light west winds 5-10 mph, 0% chance of "
         "snow. Tonight clear and 17°F. (Ball Arena is indoors: Nuggets vs. Hornets tips 7:00 p.m. MT.)",
         "2025-01-15T12:00:00Z", "general"),
        ("weather/denver-weekend-snow", "Cold front to bring light snow to Denver this weekend",
         "A cold front arrives Friday night; 1-3 inches of snow are possible in Denver on Saturday with highs "
         "only in the low 20s. Roads may be slick Saturday morning before drying out Sunday.",
         "2025-01-15T09:30:00Z", "news"),
        ("weather/kansas-city-divisional", "Kansas City forecast for Texans-Chiefs: cold and dry at Arrowhead",
         "Saturday's divisional game in Kansas City looks cold but calm: kickoff temperature near 28°F, wind "
         "8 mph, no precipitation expected.", "2025-01-15T10:00:00Z", "news"),
        ("weather/buffalo-ravens-bills", "Buffalo weather for Ravens-Bills: snow showers possible Sunday night",
         "Lake-effect snow showers could reach Orchard Park Sunday evening; temperatures in the low 20s with "
         "gusts to 20 mph at kickoff.", "2025-01-15T10:15:00Z", "news"),
        ("nba/nuggets-injury-report", "Nuggets injury report: Jamal Murray probable vs. Hornets",
         "Denver lists Jamal Murray as probable (hamstring tightness) for Wednesday's home game against "
         f"Charlotte. Nikola Jokić had {jokic['points']} points, {jokic['rebounds']} rebounds and "
         f"{jokic['assists']} assists in the last game.", "2025-01-15T15:00:00Z", "news"),
        ("nba/lakers-heat-preview", "Lakers injury report: Anthony Davis questionable (ankle) vs. Heat",
         "Anthony Davis is questionable with a sore left ankle for Wednesday's game against Miami. LeBron "
         f"James had {lebron['points']} points, {lebron['rebounds']} rebounds and {lebron['assists']} assists "
         f"in the Lakers' {'win' if lebron['result'] == 'W' else 'loss'} against {lebron['opp']}.",
         "2025-01-15T14:00:00Z", "news"),
        ("nba/lebron-james-season-form", "LeBron James keeps rolling in his 22nd season",
         "LeBron James continues to fill the box score for the Lakers; see his game log for points, rebounds "
         "and assists over the last 10 games.", "2025-01-14T18:00:00Z", "news"),
        ("nba/thunder-celtics-preview", "Celtics at Thunder: Shai Gilgeous-Alexander vs. Jayson Tatum",
         "Oklahoma City hosts Boston in a matchup of conference leaders; both teams list no new injuries.",
         "2025-01-15T13:00:00Z", "news"),
        ("nfl/chiefs-injury-report", "Chiefs injury report: Patrick Mahomes a full participant",
         "Patrick Mahomes practiced fully on Wednesday and is expected to start against Houston in the "
         "divisional round.", "2025-01-15T16:00:00Z", "news"),
        ("nhl/oilers-maple-leafs-preview", "Oilers at Maple Leafs: McDavid and Matthews meet again",
         f"Connor McDavid had {mcd['goals']} goals and {mcd['assists']} assists in Edmonton's last game; "
         "Auston Matthews is expected to play for Toronto.", "2025-01-15T14:30:00Z", "news"),
        ("epl/arsenal-tottenham-team-news", "Arsenal vs Tottenham team news: Saka still sidelined",
         "Bukayo Saka remains out with a hamstring injury for the north London derby; Tottenham are without "
         "several defenders.", "2025-01-15T11:00:00Z", "news"),
        ("mlb/opening-day-2025", "MLB Opening Day 2025: Brewers visit Yankees on March 27",
         "Opening Day features Milwaukee at New York, Detroit at Los Angeles and Baltimore at Toronto; early "
         "lines are posted at the demo books.", "2025-01-10T12:00:00Z", "general"),
    ]
    results = []
    for i, (path, title, content, published, category) in enumerate(news):
        url = f"https://demo.invalid/{path}"
        results.append({"url": url, "title": f"[DEMO] {title}", "content": f"Synthetic demo data. {content}",
                        "engine": "demo", "engines": ["demo"], "score": round(1.0 - i * 0.02, 2),
                        "category": category, "publishedDate": published,
                        "parsed_url": ["https", "demo.invalid", "/" + path, "", "", ""], "positions": [i + 1]})
    files.append(dump("searxng/results.json", {"query": "demo pool", "number_of_results": 0, "results": results,
                                               "answers": [], "corrections": [], "infoboxes": [],
                                               "suggestions": [], "unresponsive_engines": []}))

    # Final scores for every game on the odds boards, revealed by the demo odds provider once
    # its clock passes `final_at` (PL_DEMO_CLOCK). Hand-picked so settlement meets every case:
    # a spread and a total push (Nuggets -10 / 222), Asian quarter lines half won and half lost
    # (Leicester 1-1 on -0.25, Arsenal by one on -0.75), a whole-goal push (Newcastle -1) and a
    # postponed game (Rangers @ Vegas: bets on it are void).
    final = {
        "Orlando Magic": (112, 108), "New York Knicks": (121, 110), "Oklahoma City Thunder": (109, 115),
        "Denver Nuggets": (116, 106), "Sacramento Kings": (120, 114), "Los Angeles Lakers": (110, 102),
        "Toronto Maple Leafs": (3, 2), "Boston Bruins": (1, 4), "Colorado Avalanche": (5, 2),
        "Vegas Golden Knights": None, "Seattle Kraken": (2, 3),
        "Everton": (1, 0), "Leicester City": (1, 1), "Newcastle United": (2, 1), "Arsenal": (2, 1),
        "Ipswich Town": (0, 2), "Manchester United": (3, 0),
        "Kansas City Chiefs": (27, 20), "Detroit Lions": (24, 31), "Philadelphia Eagles": (28, 22),
        "Buffalo Bills": (30, 27), "New York Yankees": (5, 3), "Toronto Blue Jays": (4, 6),
        "Kansas City Royals": (2, 1), "Texas Rangers": (8, 7), "Los Angeles Dodgers": (6, 2),
    }
    game_hours = {"nba": 2.75, "nhl": 2.75, "epl": 2.0, "nfl": 3.5, "mlb": 3.25}
    results = []
    for league in ["nba", "nfl", "mlb", "nhl", "epl"]:
        for ev in all_odds[league]:
            score = final[ev["home_team"]]
            start = datetime.fromisoformat(ev["commence_time"].replace("Z", "+00:00"))
            item = {"id": ev["id"], "sport_key": ev["sport_key"], "home_team": ev["home_team"],
                    "away_team": ev["away_team"], "commence_time": ev["commence_time"],
                    "final_at": iso(start + timedelta(hours=game_hours[league]))}
            if score is None:
                item["status"] = "postponed"
            else:
                item.update({"status": "final", "home_score": score[0], "away_score": score[1]})
            results.append(item)
    files.append(dump("odds_api/results.json", results))
    for league in LEAGUES:
        files.append(dump(f"espn/injuries_{league}.json", injuries_doc(league)))

    manifest = {"synthetic": True, "label": LABEL, "demo_clock": iso(CLOCK),
                "bookmakers": [{"key": k, "title": t} for k, t in BOOKS],
                "sports": [lg["key"] for lg in LEAGUES.values()],
                "generator": "data/demo/generate.py (seeded; deterministic)",
                "files": sorted(files)}
    dump("MANIFEST.json", manifest)


def sm_league(league):
    return {"epl": "fc"}.get(league, league)


if __name__ == "__main__":
    main()
