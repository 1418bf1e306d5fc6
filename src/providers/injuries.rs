//! Injury reports (providers.md §2.5): who is out, doubtful or questionable, per league.
//!
//! Owns: the [`InjuryProvider`] trait (the injury types are the model's, `betting::feeds`), ESPN's league injuries endpoint
//! (`/apis/site/v2/sports/{sport}/{league}/injuries`, opt-in like every ESPN call) and the
//! labelled demo reports (`data/demo/espn/injuries_*.json`, stored in ESPN's format so the
//! same parser reads both).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::espn::{self, EspnClient};
use super::model::{Provenance, Sport};
use super::{demo, wire, ProviderResult};
#[cfg(test)]
use crate::betting::feeds::same_team;
pub use crate::betting::{Injury, InjuryReport, InjuryStatus};

/// League injury reports.
#[async_trait]
pub trait InjuryProvider: Send + Sync {
    fn name(&self) -> &'static str;
    async fn injuries(&self, sport: Sport) -> ProviderResult<InjuryReport>;
}

#[derive(Deserialize)]
struct Wire {
    #[serde(default)]
    injuries: Vec<WireTeam>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireTeam {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    injuries: Vec<WireInjury>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireInjury {
    #[serde(default)]
    status: String,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    short_comment: Option<String>,
    athlete: WireAthlete,
    #[serde(default)]
    details: Option<WireDetails>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireAthlete {
    display_name: String,
    #[serde(default)]
    position: Option<WireAbbreviation>,
}

#[derive(Deserialize)]
struct WireAbbreviation {
    #[serde(default)]
    abbreviation: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireDetails {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    detail: Option<String>,
    #[serde(default)]
    side: Option<String>,
    #[serde(default)]
    return_date: Option<String>,
}

/// Parses ESPN's league injuries document (§2.5). Entries without a player name are skipped.
pub fn parse_injuries(
    provider: &'static str,
    sport: Sport,
    text: &str,
    provenance: Provenance,
) -> ProviderResult<InjuryReport> {
    let wire: Wire = wire::json(provider, text)?;
    let mut injuries = Vec::new();
    for team in wire.injuries {
        for entry in team.injuries {
            let player = entry.athlete.display_name.trim().to_owned();
            if player.is_empty() {
                continue;
            }
            let details = entry.details.as_ref();
            let detail = [
                details.and_then(|d| d.side.clone()),
                details.and_then(|d| d.kind.clone()),
                details
                    .and_then(|d| d.detail.clone())
                    .filter(|d| Some(d) != details.and_then(|d| d.kind.as_ref())),
            ]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ");
            injuries.push(Injury {
                player,
                position: entry
                    .athlete
                    .position
                    .and_then(|p| p.abbreviation)
                    .filter(|p| !p.is_empty()),
                team: team.display_name.clone(),
                status: InjuryStatus::parse(&entry.status),
                status_text: entry.status.clone(),
                detail: capitalise(&detail.to_lowercase()),
                comment: entry.short_comment.filter(|c| !c.trim().is_empty()),
                updated: entry.date.as_deref().and_then(wire::parse_time),
                return_date: details
                    .and_then(|d| d.return_date.as_deref())
                    .and_then(|d| NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok()),
            });
        }
    }
    Ok(InjuryReport {
        sport,
        injuries,
        provenance,
    })
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[async_trait]
impl InjuryProvider for EspnClient {
    fn name(&self) -> &'static str {
        espn::NAME
    }

    async fn injuries(&self, sport: Sport) -> ProviderResult<InjuryReport> {
        let (s, l) = sport.espn_path();
        let url = wire::endpoint(
            &self.site,
            &["apis", "site", "v2", "sports", s, l, "injuries"],
        );
        let text = self.get_cached(url, &[]).await?;
        let provenance = Provenance {
            source: espn::NAME.to_owned(),
            as_of: Utc::now(),
            demo: false,
        };
        parse_injuries(espn::NAME, sport, &text, provenance)
    }
}

/// The labelled demo reports, as of the demo clock.
pub struct DemoInjuries {
    clock: DateTime<Utc>,
}

impl DemoInjuries {
    pub fn new(clock: DateTime<Utc>) -> Self {
        DemoInjuries { clock }
    }

    pub(crate) fn file(sport: Sport) -> &'static str {
        match sport {
            Sport::Nba => include_str!("../../data/demo/espn/injuries_nba.json"),
            Sport::Nfl => include_str!("../../data/demo/espn/injuries_nfl.json"),
            Sport::Mlb => include_str!("../../data/demo/espn/injuries_mlb.json"),
            Sport::Nhl => include_str!("../../data/demo/espn/injuries_nhl.json"),
            Sport::Epl => include_str!("../../data/demo/espn/injuries_epl.json"),
        }
    }
}

#[async_trait]
impl InjuryProvider for DemoInjuries {
    fn name(&self) -> &'static str {
        demo::SOURCE
    }

    async fn injuries(&self, sport: Sport) -> ProviderResult<InjuryReport> {
        parse_injuries(
            demo::SOURCE,
            sport,
            Self::file(sport),
            demo::provenance_at(self.clock),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn espn_documents_parse_with_every_status_spelling() {
        let text = r#"{"injuries":[{"id":"1","displayName":"Atlanta Hawks","injuries":[
            {"status":"Out","date":"2025-03-10T00:00Z","shortComment":"Young is out.",
             "athlete":{"id":"4277905","displayName":"Trae Young","position":{"abbreviation":"G"},
                        "team":{"abbreviation":"ATL"}},
             "details":{"type":"Knee","detail":"Sprain","side":"Left","returnDate":"2025-03-20"}},
            {"status":"Day-To-Day","athlete":{"displayName":"Clint Capela"}},
            {"status":"Suspension","athlete":{"displayName":"Someone Else"}},
            {"status":"Out","athlete":{"displayName":" "}}]}]}"#;
        let report = parse_injuries("ESPN", Sport::Nba, text, demo::provenance()).unwrap();
        assert_eq!(report.injuries.len(), 3, "the nameless entry is skipped");
        let young = &report.injuries[0];
        assert_eq!(
            (young.player.as_str(), young.team.as_str(), young.status),
            ("Trae Young", "Atlanta Hawks", InjuryStatus::Out)
        );
        assert_eq!(young.detail, "Left knee sprain");
        assert_eq!(young.position.as_deref(), Some("G"));
        assert_eq!(young.return_date, NaiveDate::from_ymd_opt(2025, 3, 20));
        assert_eq!(young.updated, Some("2025-03-10T00:00:00Z".parse().unwrap()));
        assert_eq!(report.injuries[1].status, InjuryStatus::DayToDay);
        assert_eq!(report.injuries[2].status, InjuryStatus::Suspended);
        assert!(parse_injuries("ESPN", Sport::Nba, "<html>", demo::provenance()).is_err());
    }

    #[test]
    fn who_misses_the_game_and_name_matching() {
        assert!(InjuryStatus::parse("Doubtful").misses_game());
        assert!(!InjuryStatus::parse("Questionable").misses_game());
        assert!(!InjuryStatus::parse("Day-To-Day").misses_game());
        assert_eq!(
            InjuryStatus::parse("Game Time Decision"),
            InjuryStatus::Other
        );
        assert!(same_team("LA Clippers", "Los Angeles Clippers"));
        assert!(!same_team("Los Angeles Lakers", "Los Angeles Clippers"));
    }

    #[tokio::test]
    async fn every_league_has_a_labelled_demo_report() {
        let demo = DemoInjuries::new(demo::demo_clock());
        for sport in Sport::ALL {
            let report = demo.injuries(sport).await.unwrap();
            assert!(!report.injuries.is_empty(), "{sport:?}");
            assert!(report.provenance.demo);
            assert!(
                report.injuries.iter().any(|i| i.status.misses_game()),
                "{sport:?} has someone out"
            );
        }
        let nba = demo.injuries(Sport::Nba).await.unwrap();
        let dallas = nba.missing_for("Dallas Mavericks");
        assert_eq!(dallas.len(), 1);
        assert_eq!(dallas[0].player, "Luka Dončić");
        assert_eq!(nba.matching("lakers").len(), 1);
    }
}
