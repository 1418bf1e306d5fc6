//! The tools driven through the real engine on the demo dataset: one test per seed prompt and
//! per tool, checking the widget type and its key numbers, argument errors, and that every
//! streamed widget passes the catalogue check (done by the test kit on every event).

use serde_json::{json, Value};

use super::standard_tools;
use super::testkit::{widget_text, Kit};

fn no_widgets(events: &[Value]) -> bool {
    events.iter().all(|e| e["item"]["type"] != "widget")
}

#[test]
fn registry_offers_the_tools_with_their_contract_arguments() {
    let tools = standard_tools();
    // Which tools exist is the registry's business (its own test holds each one to what it
    // declares); here, the argument contracts the model relies on.
    let schema = |name: &str| tools.get(name).unwrap().parameters();
    let odds = schema("get_odds_visual");
    assert_eq!(odds["required"], json!(["sport"]));
    let text = odds.to_string();
    for word in [
        "nba", "nfl", "mlb", "nhl", "epl", "h2h", "spreads", "totals", "all", "team", "date",
    ] {
        assert!(
            text.contains(&format!("\"{word}\"")),
            "get_odds_visual schema lacks {word}"
        );
    }
    assert_eq!(schema("statmuse_query")["required"], json!(["question"]));
    assert_eq!(schema("web_search_visual")["required"], json!(["query"]));
    assert!(schema("web_search_visual").to_string().contains("\"news\""));
    assert_eq!(schema("trends_chart")["required"], json!(["subject"]));
    let parlay = schema("build_parlay");
    assert!(parlay.get("required").is_none_or(|r| r == &json!([])));
    let text = parlay.to_string();
    for word in [
        "legs_count",
        "sport",
        "legs",
        "stake_cents",
        "event_id",
        "market",
        "selection",
        "price_american",
    ] {
        assert!(
            text.contains(&format!("\"{word}\"")),
            "build_parlay schema lacks {word}"
        );
    }
}

#[tokio::test]
async fn seed_show_me_tonights_nba_odds() {
    let kit = Kit::new().await;
    let run = kit
        .run_tool("get_odds_visual", json!({"sport": "nba"}))
        .await;
    let r = &run.result;
    assert_eq!(r["game_count"], 6, "{r}");
    assert_eq!(
        r["date"], "2025-01-15",
        "tonight by the demo clock, US Eastern"
    );
    assert_eq!(
        (r["source"].as_str(), r["demo"].as_bool()),
        (Some("DEMO DATA"), Some(true))
    );
    let magic = r["games"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["game"] == "Milwaukee Bucks @ Orlando Magic")
        .unwrap();
    let ml = &magic["markets"]["h2h"];
    // Line shopping: Bucks +115 (A) / +120 (B) → +120; Magic −135 (A) / −145 (B) → −135.
    assert_eq!(
        (ml[0]["selection"].as_str(), ml[0]["best_price"].as_str()),
        (Some("Milwaukee Bucks"), Some("+120"))
    );
    assert_eq!(ml[1]["best_price"], "-135");
    // No-vig, averaged over both books: p(Bucks) = 0.44090 → fair +127 / −127.
    assert_eq!(
        (ml[0]["fair_price"].as_str(), ml[1]["fair_price"].as_str()),
        (Some("+127"), Some("-127"))
    );
    assert_eq!(ml[0]["fair_probability"], "44.1%");

    let widgets = run.widgets();
    assert_eq!(widgets.len(), 1);
    let board = &widgets[0]["widget"];
    assert_eq!(board["type"], "Card");
    let text = widget_text(board);
    assert!(text.contains("NBA odds · Wed Jan 15"));
    assert!(text.contains("6 games · last update 11:58 AM ET"), "{text}");
    assert!(text.contains("DEMO DATA"));
    assert!(text.contains("Bucks +120") && text.contains("Fair (no-vig)"));
    let tables = board["children"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "Table")
        .count();
    assert_eq!(tables, 6);
    // The stored item is the streamed one.
    let items = kit.items(&run.thread_id).await;
    assert!(items.iter().any(|i| i == &widgets[0]));
}

#[tokio::test]
async fn odds_for_one_team_and_market_and_bad_arguments() {
    let kit = Kit::new().await;
    let run = kit
        .run_tool(
            "get_odds_visual",
            json!({"sport": "NBA", "market": "h2h", "team": "Lakers"}),
        )
        .await;
    assert_eq!(run.result["game_count"], 1);
    let markets = run.result["games"][0]["markets"].as_object().unwrap();
    assert_eq!(markets.keys().collect::<Vec<_>>(), vec!["h2h"]);

    for (args, needle) in [
        (json!({"sport": "curling"}), "invalid arguments"),
        (json!({"sport": "nba", "date": "15/01/2025"}), "YYYY-MM-DD"),
        (
            json!({"sport": "nba", "market": "props"}),
            "invalid arguments",
        ),
    ] {
        let run = kit.run_tool("get_odds_visual", args).await;
        let error = run.result["error"].as_str().unwrap_or_default();
        assert!(error.contains(needle), "{error}");
        assert!(no_widgets(&run.events));
    }
    let off_day = kit
        .run_tool(
            "get_odds_visual",
            json!({"sport": "nba", "date": "2025-02-01"}),
        )
        .await;
    assert_eq!(off_day.result["game_count"], 0);
    assert!(off_day.result["note"]
        .as_str()
        .unwrap()
        .contains("no NBA games"));
}

#[tokio::test]
async fn seed_how_many_points_is_lebron_averaging() {
    let kit = Kit::new().await;
    let run = kit
        .run_tool(
            "statmuse_query",
            json!({"question": "How many points is LeBron averaging?"}),
        )
        .await;
    let r = &run.result;
    let answer = r["answer"].as_str().unwrap();
    assert!(
        answer.contains("LeBron James") && answer.contains("points"),
        "{answer}"
    );
    assert_eq!(r["demo"], true);
    let widgets = run.widgets();
    assert_eq!(widgets.len(), 1);
    let text = widget_text(&widgets[0]["widget"]);
    assert!(
        text.contains(answer) && text.contains("DEMO DATA") && text.contains("Source: DEMO DATA")
    );

    let empty = kit
        .run_tool("statmuse_query", json!({"question": "  "}))
        .await;
    assert!(empty.result["error"].as_str().unwrap().contains("empty"));
    assert!(no_widgets(&empty.events));
}

#[tokio::test]
async fn seed_search_for_weather_in_denver_streams_progress() {
    let kit = Kit::new().await;
    let run = kit
        .run_tool("web_search_visual", json!({"query": "weather in Denver"}))
        .await;
    let results = run.result["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results[0]["title"].as_str().unwrap().contains("Denver"));
    // added ("searching") → root updates as results come in → done with every result.
    let widget_events: Vec<String> = run
        .events
        .iter()
        .filter(|e| e["item"]["type"] == "widget" || e["update"]["type"] == "widget.root.updated")
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    let mut expected = vec!["thread.item.added".to_owned()];
    expected.extend((0..results.len()).map(|_| "thread.item.updated".to_owned()));
    expected.push("thread.item.done".to_owned());
    assert_eq!(widget_events, expected);
    let added = run
        .events
        .iter()
        .find(|e| e["type"] == "thread.item.added")
        .unwrap();
    assert_eq!(added["item"]["widget"]["status"]["text"], "Searching…");
    let done = &run.widgets()[0]["widget"];
    assert_eq!(done["status"]["text"], format!("{} results", results.len()));
    let text = widget_text(done);
    assert!(text.contains("demo.invalid") && text.contains("DEMO DATA"));
}

#[tokio::test]
async fn trend_charts_for_a_player_and_a_team() {
    let kit = Kit::new().await;
    let run = kit
        .run_tool("trends_chart", json!({"subject": "LeBron James"}))
        .await;
    let r = &run.result;
    assert_eq!(
        (r["subject"].as_str(), r["stat"].as_str()),
        (Some("LeBron James"), Some("PTS")),
        "{r}"
    );
    let values: Vec<f64> = r["games"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values.len(), 10);
    let mean = values.iter().sum::<f64>() / 10.0;
    assert_eq!(r["average"].as_f64().unwrap(), (mean * 10.0).round() / 10.0);
    let card = &run.widgets()[0]["widget"];
    let chart = card["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Chart")
        .unwrap();
    assert_eq!(chart["data"].as_array().unwrap().len(), 10);
    assert_eq!(chart["data"][0]["value"].as_f64().unwrap(), values[0]);
    assert_eq!(chart["series"][0]["type"], "bar");
    assert_eq!(chart["showLegend"], true);
    assert!(widget_text(card).contains("DEMO DATA"));

    let team = kit
        .run_tool(
            "trends_chart",
            json!({"subject": "Lakers", "sport": "nba", "last_n": 5, "chart": "line"}),
        )
        .await;
    assert_eq!(team.result["kind"], "team", "{}", team.result);
    assert_eq!(team.result["games"].as_array().unwrap().len(), 5);

    for (args, needle) in [
        (json!({"subject": "Nobody McNoname"}), "no recent games"),
        (json!({"subject": "LeBron James", "last_n": 25}), "1 to 20"),
        (json!({"subject": ""}), "subject"),
    ] {
        let run = kit.run_tool("trends_chart", args).await;
        assert!(
            run.result["error"].as_str().unwrap().contains(needle),
            "{}",
            run.result
        );
        assert!(no_widgets(&run.events));
    }
}

#[tokio::test]
async fn injury_report_by_team_player_and_league_on_demo_data() {
    let kit = Kit::new().await;
    let run = kit
        .run_tool("injury_report", json!({"subject": "Mavericks"}))
        .await;
    let r = &run.result;
    assert_eq!(
        (
            r["sport"].as_str(),
            r["count"].as_u64(),
            r["demo"].as_bool()
        ),
        (Some("NBA"), Some(1), Some(true)),
        "{r}"
    );
    assert_eq!(r["injuries"][0]["player"], "Luka Dončić");
    assert_eq!(r["injuries"][0]["status"], "Out");
    assert_eq!(r["injuries"][0]["misses_game"], true);
    assert_eq!(r["source"], "DEMO DATA");
    let card = widget_text(&run.widgets()[0]["widget"]);
    assert!(
        card.contains("Luka Dončić (G)") && card.contains("Left calf strain"),
        "{card}"
    );

    // A player with no sport given is found in whichever league lists him.
    let cole = kit
        .run_tool("injury_report", json!({"subject": "gerrit cole"}))
        .await;
    assert_eq!(cole.result["sport"], "MLB", "{}", cole.result);

    // The whole league, and a team with nobody listed.
    let nfl = kit.run_tool("injury_report", json!({"sport": "nfl"})).await;
    assert_eq!(nfl.result["count"], 4, "{}", nfl.result);
    let jazz = kit
        .run_tool("injury_report", json!({"subject": "Jazz", "sport": "nba"}))
        .await;
    assert_eq!(jazz.result["count"], 0);
    assert!(widget_text(&jazz.widgets()[0]["widget"]).contains("No injuries reported for Jazz."));

    let long = kit
        .run_tool("injury_report", json!({"subject": "x".repeat(81)}))
        .await;
    assert!(long.result["error"]
        .as_str()
        .unwrap()
        .contains("80 characters"));
    assert!(no_widgets(&long.events));
}
