//! The four seed prompts through `POST /chatkit` with the offline agent, the real tools and
//! the labelled demo data: the right widget streams, with its key numbers, and the answer
//! says the data is demo data.

use crate::server::TestServer;
use serde_json::Value;

fn widgets(events: &[Value]) -> Vec<&Value> {
    events
        .iter()
        .filter(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "widget")
        .map(|e| &e["item"]["widget"])
        .collect()
}

fn answer(events: &[Value]) -> String {
    events
        .iter()
        .filter(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "assistant_message")
        .map(|e| e["item"]["content"][0]["text"].as_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

async fn ask(s: &TestServer, secret: &str, prompt: &str) -> Vec<Value> {
    let (_, events) = s.create_thread(secret, prompt).await;
    assert!(
        events.iter().all(|e| e["type"] != "error"),
        "{prompt}: {events:#?}"
    );
    events
}

#[tokio::test]
async fn the_four_seed_prompts_stream_their_widgets() {
    let s = TestServer::start_with_agent().await;
    let secret = s.session().await;

    let odds = ask(&s, &secret, "Show me tonight's NBA odds").await;
    let board = widgets(&odds);
    assert_eq!(board.len(), 1);
    let status = board[0]["status"]["text"].as_str().unwrap();
    assert!(
        status.contains("NBA") && status.contains("6 games"),
        "{status}"
    );
    assert!(board[0].to_string().contains("DEMO DATA"));

    let parlay = ask(&s, &secret, "Build me a parlay with 3 picks").await;
    let slip = widgets(&parlay);
    assert_eq!(slip.len(), 1);
    assert_eq!(slip[0]["status"]["text"], "Parlay slip");
    let slip_text = slip[0].to_string();
    assert!(
        slip_text.contains("Lock It In") && slip_text.contains("parlay.lock_in"),
        "{slip_text}"
    );
    assert!(
        slip_text.contains("+3077") && slip_text.contains("$317.69"),
        "{slip_text}"
    );
    assert!(answer(&parlay).contains("$317.69"));
    assert!(answer(&parlay).contains("EV -7.1%"), "{}", answer(&parlay));

    let stats = ask(&s, &secret, "How many points is LeBron averaging?").await;
    let card = widgets(&stats);
    assert_eq!(card.len(), 1);
    assert!(card[0].to_string().contains("LeBron"), "{}", card[0]);
    assert!(answer(&stats).contains("LeBron"));

    let search = ask(&s, &secret, "Search for weather in Denver").await;
    let progress = search
        .iter()
        .filter(|e| {
            e["type"] == "thread.item.updated" && e["update"]["type"] == "widget.root.updated"
        })
        .count();
    assert!(
        progress >= 1,
        "search progress is streamed as widget updates"
    );
    let results = widgets(&search);
    assert_eq!(results.len(), 1);
    assert!(results[0].to_string().contains("Denver"));
    for events in [&odds, &parlay, &stats, &search] {
        assert!(answer(events).contains("DEMO DATA"), "{}", answer(events));
    }
}

#[tokio::test]
async fn injury_news_streams_the_injury_card_and_slips_note_who_is_out() {
    let s = TestServer::start_with_agent().await;
    let secret = s.session().await;

    let events = ask(&s, &secret, "Any injury news for the Lakers?").await;
    let card = widgets(&events);
    assert_eq!(card.len(), 1);
    assert_eq!(card[0]["status"]["text"], "Injury report: Lakers");
    let text = card[0].to_string();
    assert!(
        text.contains("Anthony Davis (F)") && text.contains("Day-To-Day"),
        "{text}"
    );
    assert!(text.contains("DEMO DATA"), "{text}");
    let said = answer(&events);
    assert!(said.contains("Injury report for Lakers"), "{said}");
    assert!(said.contains("DEMO DATA"), "{said}");

    // The seed parlay's 76ers leg: Joel Embiid is Out in the demo report.
    let events = ask(&s, &secret, "Build me a parlay with 3 picks").await;
    let slip = widgets(&events)[0].to_string();
    assert!(slip.contains("Injury: Joel Embiid (Out)"), "{slip}");
    assert!(answer(&events).contains("(injury: Joel Embiid (Out))"));
}

#[tokio::test]
async fn a_bankroll_set_in_words_sizes_kelly_stakes_on_the_board_and_the_slip() {
    let s = TestServer::start_with_agent().await;
    let secret = s.session().await;

    let before = ask(&s, &secret, "Show me tonight's NBA odds").await;
    let board = widgets(&before)[0].to_string();
    assert!(
        board.contains("Best · EV") && board.contains("Set a bankroll"),
        "{board}"
    );
    assert!(!board.contains("stake $"), "no stake without a bankroll");

    // The offline model routes this to set_limits, which stores it for this user.
    let set = ask(&s, &secret, "Set my bankroll to $500").await;
    let card = widgets(&set)[0].to_string();
    assert!(
        card.contains("Bankroll") && card.contains("$500.00"),
        "{card}"
    );
    assert!(
        answer(&set).contains("Bankroll set to $500.00"),
        "{}",
        answer(&set)
    );

    let after = ask(&s, &secret, "Show me tonight's NBA odds").await;
    let board = widgets(&after)[0].to_string();
    assert!(
        board.contains("Stake = ¼ Kelly of your $500.00 bankroll, at most 5% of it"),
        "{board}"
    );
    // Every side on the demo board is below zero EV at its best price: Kelly says no bet.
    assert!(board.contains("· no bet") && !board.contains("Set a bankroll"));

    let parlay = ask(&s, &secret, "Build me a parlay with 3 picks").await;
    let slip = widgets(&parlay)[0].to_string();
    assert!(
        slip.contains("Fair probability 2.9% (legs independent) · EV -7.1% · no bet"),
        "{slip}"
    );
    assert!(slip.contains("your $500.00 bankroll"), "{slip}");
}
