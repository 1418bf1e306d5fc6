//! A small natural-language template layer: answers common stats questions from game logs.
//!
//! Owns: question parsing ("<player> <stat> last N games", "how many <stat> is <player>
//! averaging", "<team> record last N"), the answer sentences and tables, and
//! [`TemplateStats`], a [`StatsProvider`] over any [`GameLogProvider`]. This is how stats
//! questions work without StatMuse: over ESPN logs, or over the demo dataset. The vocabulary
//! lives in `stats_vocab`.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::error::ProviderError;
use super::model::*;
use super::stats_vocab::{
    default_stats, stat_alias, stat_aliases, team_stat, StatAlias, FILLER, NUMBER_WORDS,
};
use super::{GameLogProvider, ProviderResult, StatsProvider};

/// What a question asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedQuestion {
    /// Words left after removing stat words, numbers and filler: the player or team name.
    pub subject: String,
    /// Stat alias names in the order asked; empty with `record == false` means "stats".
    pub stats: Vec<&'static str>,
    pub last_n: Option<usize>,
    pub record: bool,
    /// "vs X" / "against X": head-to-head filters this layer cannot answer.
    pub head_to_head: bool,
}

fn tokens(question: &str) -> Vec<String> {
    question
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '+' | '/' | '\'') {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .map(|t| t.trim_matches(|c| c == '\'' || c == '-').to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}

fn number(token: &str) -> Option<usize> {
    token
        .parse()
        .ok()
        .or_else(|| NUMBER_WORDS.iter().position(|w| *w == token))
}

pub fn parse_question(sport: Sport, question: &str) -> ParsedQuestion {
    let toks = tokens(question);
    let mut used = vec![false; toks.len()];

    // "last 5 (games)", "past ten", "last game"
    let mut last_n = None;
    for i in 0..toks.len() {
        if matches!(toks[i].as_str(), "last" | "past" | "previous") {
            match toks.get(i + 1).and_then(|t| number(t)) {
                Some(n) => {
                    last_n = Some(n);
                    used[i + 1] = true;
                }
                None if toks.get(i + 1).is_some_and(|t| t == "game" || t == "match") => {
                    last_n = Some(1)
                }
                None => {}
            }
        }
    }

    // Stat phrases, longest first, so "passing yards" wins over "yards".
    let mut phrases: Vec<(&'static StatAlias, Vec<&str>)> = stat_aliases(sport)
        .iter()
        .flat_map(|a| {
            a.words
                .iter()
                .map(move |w| (a, w.split(' ').collect::<Vec<_>>()))
        })
        .collect();
    phrases.sort_by_key(|(_, p)| std::cmp::Reverse(p.len()));
    let mut found: Vec<(usize, &'static str)> = Vec::new();
    for (alias, phrase) in &phrases {
        let n = phrase.len();
        for start in 0..toks.len().saturating_sub(n - 1) {
            let hit = (0..n).all(|k| !used[start + k] && toks[start + k] == phrase[k]);
            if hit {
                (start..start + n).for_each(|k| used[k] = true);
                if !found.iter().any(|(_, name)| *name == alias.name) {
                    found.push((start, alias.name));
                }
            }
        }
    }
    found.sort_by_key(|(pos, _)| *pos);

    let record = toks
        .iter()
        .any(|t| matches!(t.as_str(), "record" | "wins" | "losses" | "w-l"));
    let h2h_at = toks
        .iter()
        .position(|t| matches!(t.as_str(), "vs" | "versus" | "against" | "v"));
    let subject: Vec<&str> = toks
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            !used[*i] && h2h_at.is_none_or(|h| *i < h) && !FILLER.contains(&t.as_str())
        })
        .filter(|(_, t)| number(t).is_none())
        .map(|(_, t)| t.as_str())
        .collect();
    ParsedQuestion {
        subject: subject.join(" "),
        stats: found.into_iter().map(|(_, n)| n).collect(),
        last_n,
        record,
        head_to_head: h2h_at.is_some(),
    }
}

/// Sports to try, in order: the given one, else those whose vocabulary has the question's
/// stat words (NBA first as the most asked-about).
fn candidate_sports(sport: Option<Sport>, question: &str) -> Vec<Sport> {
    if let Some(s) = sport {
        return vec![s];
    }
    let order = [Sport::Nba, Sport::Nfl, Sport::Nhl, Sport::Mlb, Sport::Epl];
    let with_stats: Vec<Sport> = order
        .into_iter()
        .filter(|s| !parse_question(*s, question).stats.is_empty())
        .collect();
    if with_stats.is_empty() {
        order.to_vec()
    } else {
        with_stats
    }
}

/// Answers stats questions from a [`GameLogProvider`].
pub struct TemplateStats {
    logs: Arc<dyn GameLogProvider>,
    name: &'static str,
}

impl TemplateStats {
    pub fn new(name: &'static str, logs: Arc<dyn GameLogProvider>) -> Self {
        Self { logs, name }
    }

    async fn log(
        &self,
        sport: Sport,
        kind: SubjectKind,
        subject: &str,
        stat: &str,
        n: usize,
    ) -> ProviderResult<GameLog> {
        let q = GameLogQuery {
            sport,
            kind,
            name: subject.to_owned(),
            stat: stat.to_owned(),
            last_n: n,
        };
        self.logs.game_log(&q).await
    }

    async fn answer_in(
        &self,
        sport: Sport,
        q: &StatsQuery,
        p: &ParsedQuestion,
    ) -> ProviderResult<StatsAnswer> {
        let n = p.last_n.unwrap_or(50).clamp(1, 50);
        if p.record {
            let log = self
                .log(
                    sport,
                    SubjectKind::Team,
                    &p.subject,
                    "margin",
                    p.last_n.unwrap_or(10),
                )
                .await?;
            return Ok(team_record_answer(&q.question, &log));
        }
        let wanted: Vec<&str> = if p.stats.is_empty() {
            default_stats(sport).to_vec()
        } else {
            p.stats.clone()
        };
        let mut logs = Vec::new();
        let mut last_err = None;
        for stat in &wanted {
            match self
                .log(sport, SubjectKind::Player, &p.subject, stat, n)
                .await
            {
                Ok(log) => logs.push(log),
                Err(e @ ProviderError::NotFound { .. }) => last_err = Some(e),
                Err(e) => return Err(e),
            }
            if p.stats.is_empty() && logs.len() == 3 {
                break;
            }
        }
        if logs.is_empty() {
            // Not a player (or not that stat): try the name as a team, for stats teams have.
            let not_found = |e: Option<ProviderError>| {
                e.unwrap_or(ProviderError::NotFound {
                    provider: self.name,
                    what: format!("'{}'", p.subject),
                })
            };
            let stat = p.stats.first().copied().unwrap_or("points");
            if team_stat(stat).is_none() {
                return Err(not_found(last_err));
            }
            return match self
                .log(sport, SubjectKind::Team, &p.subject, stat, n)
                .await
            {
                Ok(log) => Ok(team_stat_answer(&q.question, &log)),
                Err(_) => Err(not_found(last_err)),
            };
        }
        Ok(player_answer(&q.question, &logs))
    }
}

#[async_trait]
impl StatsProvider for TemplateStats {
    fn name(&self) -> &'static str {
        self.name
    }

    fn now(&self) -> DateTime<Utc> {
        self.logs.now()
    }

    async fn ask(&self, q: &StatsQuery) -> ProviderResult<StatsAnswer> {
        let no_answer = |detail: &str| ProviderError::NoAnswer {
            provider: self.name,
            detail: detail.to_owned(),
        };
        let mut first_err = None;
        for sport in candidate_sports(q.sport, &q.question) {
            let parsed = parse_question(sport, &q.question);
            if parsed.head_to_head {
                return Err(no_answer("head-to-head questions need StatMuse"));
            }
            if parsed.subject.is_empty() {
                return Err(no_answer("name a player or team"));
            }
            match self.answer_in(sport, q, &parsed).await {
                Ok(a) => return Ok(a),
                Err(e @ ProviderError::NotFound { .. }) => {
                    first_err.get_or_insert(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(first_err.unwrap_or_else(|| no_answer("no matching player or team")))
    }
}

fn fmt1(v: f64) -> String {
    format!("{v:.1}")
}

fn fmt_value(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        fmt1(v)
    }
}

fn date_cell(log: &GameLog, g: &GamePoint) -> String {
    log.sport
        .fan_zone()
        .day(g.date)
        .format("%-m/%-d/%Y")
        .to_string()
}

fn opp_cell(g: &GamePoint) -> String {
    format!("{} {}", if g.home { "vs" } else { "@" }, g.opponent)
}

fn result_cell(g: &GamePoint) -> String {
    match (&g.result, &g.score) {
        (Some(r), Some(s)) => format!("{r} {s}"),
        (Some(r), None) => r.clone(),
        (None, Some(s)) => s.clone(),
        (None, None) => String::new(),
    }
}

fn join_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn player_answer(question: &str, logs: &[GameLog]) -> StatsAnswer {
    let first = &logs[0];
    let n = first.games.len();
    let parts: Vec<String> = logs
        .iter()
        .map(|l| format!("{} {}", fmt1(l.average().unwrap_or(0.0)), alias_name(l)))
        .collect();
    let answer = format!(
        "{} has averaged {} in his last {n} game{}.",
        first.subject,
        join_list(&parts),
        if n == 1 { "" } else { "s" }
    );
    let mut headers = vec!["DATE".to_owned(), "OPP".to_owned(), "RESULT".to_owned()];
    headers.extend(logs.iter().map(|l| l.stat.clone()));
    let rows = first
        .games
        .iter()
        .rev()
        .map(|g| {
            let mut row = vec![date_cell(first, g), opp_cell(g), result_cell(g)];
            for l in logs {
                let v = l
                    .games
                    .iter()
                    .find(|x| x.game_id == g.game_id)
                    .map(|x| fmt_value(x.value));
                row.push(v.unwrap_or_default());
            }
            row
        })
        .collect();
    let mut avg = vec!["Average".to_owned(), String::new(), String::new()];
    avg.extend(logs.iter().map(|l| fmt1(l.average().unwrap_or(0.0))));
    let stat_names: Vec<String> = logs.iter().map(alias_name).collect();
    StatsAnswer {
        question: question.to_owned(),
        answer,
        interpreted_as: Some(format!(
            "{} {}, last {n} games",
            first.subject,
            stat_names.join(", ")
        )),
        table: Some(StatsTable {
            headers,
            rows,
            summary_rows: vec![avg],
        }),
        source_url: None,
        provenance: first.provenance.clone(),
    }
}

/// Our alias name for a log's stat ("points"), falling back to ESPN's name.
fn alias_name(log: &GameLog) -> String {
    stat_alias(log.sport, &log.stat_name)
        .or_else(|| stat_alias(log.sport, &log.stat))
        .map(|a| a.name.to_owned())
        .unwrap_or_else(|| log.stat_name.clone())
}

fn record_of(log: &GameLog) -> (usize, usize, usize) {
    let count = |r: &str| {
        log.games
            .iter()
            .filter(|g| g.result.as_deref() == Some(r))
            .count()
    };
    (count("W"), count("D"), count("L"))
}

fn team_record_answer(question: &str, log: &GameLog) -> StatsAnswer {
    let (w, d, l) = record_of(log);
    let n = log.games.len();
    let record = if log.sport == Sport::Epl {
        format!("{w}-{d}-{l}")
    } else {
        format!("{w}-{l}")
    };
    let answer = format!("The {} are {record} in their last {n} games.", log.subject);
    let rows = log
        .games
        .iter()
        .rev()
        .map(|g| vec![date_cell(log, g), opp_cell(g), result_cell(g)])
        .collect();
    StatsAnswer {
        question: question.to_owned(),
        answer,
        interpreted_as: Some(format!("{} record, last {n} games", log.subject)),
        table: Some(StatsTable {
            headers: vec!["DATE".into(), "OPP".into(), "RESULT".into()],
            rows,
            summary_rows: vec![vec!["Record".into(), String::new(), record]],
        }),
        source_url: None,
        provenance: log.provenance.clone(),
    }
}

fn team_stat_answer(question: &str, log: &GameLog) -> StatsAnswer {
    let n = log.games.len();
    let avg = fmt1(log.average().unwrap_or(0.0));
    let unit = match log.sport {
        Sport::Mlb => "runs",
        Sport::Nhl | Sport::Epl => "goals",
        _ => "points",
    };
    let what = log.stat_name.replace("points", unit);
    let answer = format!(
        "The {} have averaged {avg} {what} in their last {n} games.",
        log.subject
    );
    let rows = log
        .games
        .iter()
        .rev()
        .map(|g| {
            vec![
                date_cell(log, g),
                opp_cell(g),
                result_cell(g),
                fmt_value(g.value),
            ]
        })
        .collect();
    StatsAnswer {
        question: question.to_owned(),
        answer,
        interpreted_as: Some(format!("{} {what}, last {n} games", log.subject)),
        table: Some(StatsTable {
            headers: vec![
                "DATE".into(),
                "OPP".into(),
                "RESULT".into(),
                log.stat.clone(),
            ],
            rows,
            summary_rows: vec![vec!["Average".into(), String::new(), String::new(), avg]],
        }),
        source_url: None,
        provenance: log.provenance.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_questions() {
        let p = parse_question(Sport::Nba, "How many points is LeBron averaging?");
        assert_eq!(p.subject, "lebron");
        assert_eq!(p.stats, vec!["points"]);
        assert_eq!(p.last_n, None);

        let p = parse_question(
            Sport::Nba,
            "Nikola Jokic points, rebounds and assists last five games",
        );
        assert_eq!(p.subject, "nikola jokic");
        assert_eq!(p.stats, vec!["points", "rebounds", "assists"]);
        assert_eq!(p.last_n, Some(5));

        let p = parse_question(Sport::Nfl, "Patrick Mahomes passing yards last 5 games");
        assert_eq!(
            (p.subject.as_str(), p.stats.clone()),
            ("patrick mahomes", vec!["passing yards"])
        );

        let p = parse_question(Sport::Nba, "Lakers record last 10 games");
        assert!(p.record);
        assert_eq!(p.subject, "lakers");

        let p = parse_question(Sport::Nba, "Shai Gilgeous-Alexander pts vs Celtics");
        assert!(p.head_to_head);
        assert_eq!(p.subject, "shai gilgeous-alexander");
    }

    #[test]
    fn stat_aliases_resolve() {
        use crate::providers::stats_vocab::TeamStat;
        assert_eq!(
            stat_alias(Sport::Nba, "PTS").map(|a| a.name),
            Some("points")
        );
        assert_eq!(
            stat_alias(Sport::Nfl, "Passing Yards").map(|a| a.name),
            Some("passing yards")
        );
        assert_eq!(
            stat_alias(Sport::Mlb, "homers").map(|a| a.name),
            Some("home runs")
        );
        assert_eq!(team_stat("points allowed"), Some(TeamStat::Allowed));
        assert_eq!(team_stat("record"), Some(TeamStat::Margin));
        assert_eq!(team_stat("points"), Some(TeamStat::Scored));
    }

    #[test]
    fn sport_guessed_from_stat_words() {
        assert_eq!(
            candidate_sports(None, "Mahomes passing yards last 3"),
            vec![Sport::Nfl]
        );
        assert_eq!(candidate_sports(None, "Judge home runs")[0], Sport::Mlb);
    }
}
