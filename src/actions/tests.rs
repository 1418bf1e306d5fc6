//! The slip's actions through the real engine on the demo dataset: stake changes and leg
//! removal as sync actions, Lock It In (once per key, however often it is clicked), moved
//! prices and their confirmation, and untrusted payloads that must save nothing.

use serde_json::{json, Value};

use crate::store::{PageQuery, SortOrder};
use crate::tools::testkit::{final_widgets, widget_text, Kit, ToolRun};

/// The first action config of `kind` in a widget tree.
fn find_action(widget: &Value, kind: &str) -> Option<Value> {
    match widget {
        Value::Object(map) => {
            for key in ["onClickAction", "onSubmitAction"] {
                if map.get(key).is_some_and(|a| a["type"] == kind) {
                    return Some(map[key].clone());
                }
            }
            map.values().find_map(|v| find_action(v, kind))
        }
        Value::Array(list) => list.iter().find_map(|v| find_action(v, kind)),
        _ => None,
    }
}

/// The action as the browser sends it: type and payload (plus form fields).
fn sent(config: &Value, form: Value) -> Value {
    let mut payload = config["payload"].clone();
    if let (Some(p), Value::Object(extra)) = (payload.as_object_mut(), form) {
        p.extend(extra);
    }
    json!({"type": config["type"], "payload": payload})
}

/// A 3 × −110 slip on $100 (providers.md §6.5 vector 3: $695.79).
async fn three_leg_slip(kit: &Kit) -> (ToolRun, String, Value) {
    let board = kit
        .run_tool(
            "get_odds_visual",
            json!({"sport": "nba", "market": "spreads"}),
        )
        .await;
    let id = |home: &str| {
        board.result["games"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["game"].as_str().unwrap().ends_with(home))
            .unwrap()["event_id"]
            .clone()
    };
    let legs = json!([
        {"event_id": id("Orlando Magic"), "market": "spreads", "selection": "Orlando Magic"},
        {"event_id": id("New York Knicks"), "market": "spreads", "selection": "New York Knicks"},
        {"event_id": id("Oklahoma City Thunder"), "market": "spreads", "selection": "Oklahoma City Thunder"},
    ]);
    let run = kit
        .run_tool("build_parlay", json!({"legs": legs, "stake_cents": 10000}))
        .await;
    assert_eq!(run.result["payout"], "$695.79", "{}", run.result);
    let slip = run.widgets()[0].clone();
    let item_id = slip["id"].as_str().unwrap().to_owned();
    (run, item_id, slip["widget"].clone())
}

fn error_message(events: &[Value]) -> Option<String> {
    let last = events.last()?;
    (last["type"] == "error").then(|| last["message"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn lock_in_twice_is_one_bet_with_its_odds_snapshot() {
    let kit = Kit::new().await;
    let (run, item_id, slip) = three_leg_slip(&kit).await;
    let lock_in = sent(
        &find_action(&slip, "parlay.lock_in").unwrap(),
        json!({"stake": "100.00"}),
    );

    let first = kit
        .action(&run.thread_id, Some(&item_id), lock_in.clone())
        .await
        .unwrap();
    assert_eq!(error_message(&first), None);
    let replaced = first
        .iter()
        .find(|e| e["type"] == "thread.item.replaced")
        .unwrap();
    assert_eq!(replaced["item"]["id"], item_id.as_str());
    let receipt = widget_text(&replaced["item"]["widget"]);
    assert!(
        receipt.contains("locked in") && receipt.contains("$695.79") && receipt.contains("+596")
    );
    assert!(receipt.contains("DEMO DATA"));

    // A double click: the sender is now the receipt, the key is the same → still one bet.
    let second = kit
        .action(&run.thread_id, Some(&item_id), lock_in.clone())
        .await
        .unwrap();
    assert_eq!(error_message(&second), None);
    // And again without an item id (a page sending the action itself).
    kit.action(&run.thread_id, None, lock_in).await.unwrap();

    let bets = kit.bets("u1").await;
    assert_eq!(bets.len(), 1);
    let bet = &bets[0];
    assert_eq!(
        (bet.stake_cents, bet.payout_cents, bet.odds_american),
        (10_000, 69_579, 596)
    );
    assert_eq!(bet.thread_id.as_deref(), Some(run.thread_id.as_str()));
    let legs: Vec<Value> = serde_json::from_str(&bet.legs).unwrap();
    assert_eq!(legs.len(), 3);
    assert!(legs
        .iter()
        .all(|l| l["decimal"] == "21/11" && l["price"] == "21/11"));
    assert!(legs
        .iter()
        .all(|l| l["source"] == "DEMO DATA" && l["demo"] == true));
    let again = final_widgets(&second);
    assert!(widget_text(&again[0]["widget"]).contains(&bet.id));

    // The store holds the receipt in the slip's place, and the model was told (hidden).
    let items = kit.items(&run.thread_id).await;
    let stored = items.iter().find(|i| i["id"] == item_id.as_str()).unwrap();
    assert_eq!(stored["widget"], replaced["item"]["widget"]);
    let all = kit
        .store
        .list_items(
            "u1",
            &run.thread_id,
            &PageQuery::new(100, SortOrder::Asc, None),
            true,
        )
        .await
        .unwrap();
    let hidden: Vec<&str> = all
        .data
        .iter()
        .filter(|i| i.hidden)
        .map(|i| i.data.as_str())
        .collect();
    assert_eq!(
        hidden
            .iter()
            .filter(|d| d.contains("parlay_locked_in"))
            .count(),
        3
    );
    assert!(hidden
        .iter()
        .any(|d| d.contains("\"duplicate_click\":true")));
}

#[tokio::test]
async fn a_stake_change_sizes_the_kelly_line_from_the_bankroll_set_since() {
    let kit = Kit::new().await;
    let (run, item_id, slip) = three_leg_slip(&kit).await;
    assert!(widget_text(&slip).contains("Set a bankroll"));
    // The bankroll is read when the slip is drawn again, not frozen into the slip.
    let set = kit
        .run_tool("set_limits", json!({"bankroll_cents": 80_000}))
        .await;
    assert_eq!(set.result["bankroll"], "$800.00", "{}", set.result);
    let set_stake = find_action(&slip, "parlay.set_stake").unwrap();
    let answer = kit
        .sync_action(
            &run.thread_id,
            &item_id,
            sent(&set_stake, json!({"stake": "25"})),
        )
        .await
        .unwrap();
    let text = widget_text(&answer["updated_item"]["widget"]);
    assert!(
        text.contains("Stake = ¼ Kelly of your $800.00 bankroll"),
        "{text}"
    );
    // Three home −110 spreads, each fair at 933/1846 (book A 1/2, book B −115/−105
    // 943/1846, averaged): EV = (933/1846)³ × 9261/1331 − 1 = −10.17 % → no bet.
    assert!(text.contains("EV -10.2% · no bet"), "{text}");

    // Out of range is an error the model can correct; 0 clears it.
    let bad = kit
        .run_tool("set_limits", json!({"bankroll_cents": 50}))
        .await;
    let error = bad.result["error"].as_str().unwrap_or_default();
    assert!(error.contains("a bankroll is $1.00 to"), "{}", bad.result);
    let cleared = kit
        .run_tool("set_limits", json!({"bankroll_cents": 0}))
        .await;
    assert_eq!(
        cleared.result["bankroll"],
        Value::Null,
        "{}",
        cleared.result
    );
    assert!(widget_text(&cleared.widgets()[0]["widget"]).contains("Not set"));
}

#[tokio::test]
async fn stake_changes_and_leg_removal_recompute_the_slip() {
    let kit = Kit::new().await;
    let (run, item_id, slip) = three_leg_slip(&kit).await;
    let set_stake = find_action(&slip, "parlay.set_stake").unwrap();
    assert_eq!(set_stake["streaming"], false);

    // 25 × 9261/1331 = 173.948… → $173.95.
    let answer = kit
        .sync_action(
            &run.thread_id,
            &item_id,
            sent(&set_stake, json!({"stake": "25"})),
        )
        .await
        .unwrap();
    let updated = &answer["updated_item"];
    let text = widget_text(&updated["widget"]);
    assert!(text.contains("$173.95"), "{text}");
    let stored = kit.items(&run.thread_id).await;
    assert_eq!(
        stored.iter().find(|i| i["id"] == item_id.as_str()).unwrap(),
        updated
    );
    // The new stake is in the slip that Lock It In will send.
    let lock_in = find_action(&updated["widget"], "parlay.lock_in").unwrap();
    assert_eq!(lock_in["payload"]["slip"]["stake_cents"], 2500);

    let remove = find_action(&updated["widget"], "parlay.remove_leg").unwrap();
    let mut action = sent(&remove, json!({}));
    action["payload"]["leg"] = json!(2);
    let answer = kit
        .sync_action(&run.thread_id, &item_id, action.clone())
        .await
        .unwrap();
    let two = &answer["updated_item"]["widget"];
    let text = widget_text(two);
    // 2 × −110 on $25: 25 × 441/121 = 91.115… → $91.12.
    assert!(
        text.contains("2-Leg Parlay") && text.contains("$91.12"),
        "{text}"
    );
    assert!(
        find_action(two, "parlay.remove_leg").is_none(),
        "two legs cannot shrink further"
    );
    let refused = kit
        .sync_action(&run.thread_id, &item_id, action)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("at least 2 legs"), "{refused}");
}

#[tokio::test]
async fn invalid_sync_payloads_change_nothing() {
    let kit = Kit::new().await;
    let (run, item_id, slip) = three_leg_slip(&kit).await;
    let set_stake = find_action(&slip, "parlay.set_stake").unwrap();
    let before = kit.items(&run.thread_id).await;
    let cases = [
        (sent(&set_stake, json!({"stake": "abc"})), "could not read"),
        (sent(&set_stake, json!({"stake": "0"})), "more than $0.00"),
        (
            sent(&set_stake, json!({"stake": "1000.01"})),
            "over the $1,000.00 maximum",
        ),
        (
            sent(&set_stake, json!({"stake": "10.005"})),
            "fractions of a cent",
        ),
        (sent(&set_stake, json!({"stake": {"$gt": 1}})), "amount"),
        (sent(&set_stake, json!({})), "enter a stake"),
        (
            json!({"type": "parlay.set_stake", "payload": {"key": "slip_other", "stake": "5"}}),
            "no longer be changed",
        ),
        (
            json!({"type": "parlay.set_stake", "payload": "stake=5"}),
            "object payload",
        ),
        (
            json!({"type": "parlay.remove_leg", "payload": {"key": set_stake["payload"]["key"], "leg": 9}}),
            "payload.leg",
        ),
        (
            json!({"type": "parlay.remove_leg", "payload": {"key": set_stake["payload"]["key"], "leg": -1}}),
            "payload.leg",
        ),
    ];
    for (action, needle) in cases {
        let error = kit
            .sync_action(&run.thread_id, &item_id, action.clone())
            .await
            .unwrap_err();
        assert_eq!(error.status(), 400, "{action}");
        assert!(error.to_string().contains(needle), "{action} → {error}");
    }
    assert_eq!(kit.items(&run.thread_id).await, before);
}

#[tokio::test]
async fn invalid_lock_in_payloads_save_nothing() {
    let kit = Kit::new().await;
    let (run, item_id, slip) = three_leg_slip(&kit).await;
    let lock_in = find_action(&slip, "parlay.lock_in").unwrap();
    let mut duplicate_legs = lock_in["payload"].clone();
    duplicate_legs["slip"]["legs"][1] = duplicate_legs["slip"]["legs"][0].clone();
    let mut bad_price = lock_in["payload"].clone();
    bad_price["slip"]["legs"][0]["price"] = json!("1/2");
    let mut gone = lock_in["payload"].clone();
    gone["slip"]["legs"][0]["event_id"] = json!("no_such_event");
    // A slip built before tip-off, clicked after it: the demo clock is 17:00 UTC.
    let mut started = lock_in["payload"].clone();
    started["slip"]["legs"][1]["commence_time"] = json!("2025-01-15T16:59:00Z");
    let cases = [
        (
            sent(&lock_in, json!({"stake": "0"})),
            Some(item_id.as_str()),
            "more than $0.00",
        ),
        (
            sent(&lock_in, json!({"stake": "1000.01"})),
            Some(&item_id),
            "over the $1,000.00 maximum",
        ),
        (
            sent(&lock_in, json!({"stake": "-5"})),
            Some(&item_id),
            "more than $0.00",
        ),
        (
            sent(&lock_in, json!({"stake": "lots"})),
            Some(&item_id),
            "could not read",
        ),
        (
            json!({"type": "parlay.lock_in", "payload": [1, 2]}),
            Some(&item_id),
            "object payload",
        ),
        (
            json!({"type": "parlay.lock_in", "payload": {"key": "slip_forged"}}),
            None,
            "payload.slip",
        ),
        (
            json!({"type": "parlay.lock_in", "payload": duplicate_legs}),
            None,
            "same selection",
        ),
        (
            json!({"type": "parlay.lock_in", "payload": bad_price}),
            None,
            "malformed",
        ),
        (
            json!({"type": "parlay.lock_in", "payload": gone}),
            None,
            "no longer offered",
        ),
        (
            json!({"type": "parlay.lock_in", "payload": started}),
            None,
            "can no longer be bet",
        ),
    ];
    for (action, item, needle) in cases {
        let events = kit
            .action(&run.thread_id, item, action.clone())
            .await
            .unwrap();
        let message = error_message(&events).unwrap_or_else(|| panic!("{action} did not fail"));
        assert!(message.contains(needle), "{action} → {message}");
        assert!(events.iter().all(|e| e["type"] != "thread.item.replaced"));
    }
    assert!(kit.bets("u1").await.is_empty());
    let stored = kit.items(&run.thread_id).await;
    assert_eq!(
        stored.iter().find(|i| i["id"] == item_id.as_str()).unwrap()["widget"],
        slip
    );
}

#[tokio::test]
async fn a_moved_price_asks_to_confirm_and_the_confirmation_bets_at_the_new_price() {
    let kit = Kit::new().await;
    let (run, _item_id, slip) = three_leg_slip(&kit).await;
    let lock_in = find_action(&slip, "parlay.lock_in").unwrap();
    // A slip whose first leg was quoted at −105 (41/21; the book now hangs −110), sent without an
    // item id: the forged price is re-quoted, not trusted.
    let mut payload = lock_in["payload"].clone();
    payload["slip"]["legs"][0]["price"] = json!("41/21");
    let events = kit
        .action(
            &run.thread_id,
            None,
            json!({"type": "parlay.lock_in", "payload": payload}),
        )
        .await
        .unwrap();
    assert_eq!(error_message(&events), None);
    assert!(
        kit.bets("u1").await.is_empty(),
        "no bet until the new price is confirmed"
    );
    let moved = final_widgets(&events).pop().unwrap();
    let text = widget_text(&moved["widget"]);
    assert!(
        text.contains("-105") && text.contains("→ -110") && text.contains("Confirm new prices"),
        "{text}"
    );

    let confirm = find_action(&moved["widget"], "parlay.lock_in").unwrap();
    let moved_id = moved["id"].as_str().unwrap();
    let events = kit
        .action(
            &run.thread_id,
            Some(moved_id),
            sent(&confirm, json!({"stake": "100"})),
        )
        .await
        .unwrap();
    assert_eq!(error_message(&events), None);
    let bets = kit.bets("u1").await;
    assert_eq!(bets.len(), 1);
    assert_eq!(
        bets[0].payout_cents, 69_579,
        "paid at the confirmed −110, to the cent"
    );

    // The locked slip cannot be edited any more.
    let set_stake = find_action(
        &confirm_widget(&kit, &run.thread_id, moved_id).await,
        "parlay.set_stake",
    );
    assert!(set_stake.is_none());
    let refused = kit
        .sync_action(
            &run.thread_id,
            moved_id,
            json!({"type": "parlay.set_stake", "payload": {"key": confirm["payload"]["key"], "stake": "5"}}),
        )
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("no longer be changed"),
        "{refused}"
    );
}

async fn confirm_widget(kit: &Kit, thread_id: &str, item_id: &str) -> Value {
    let items = kit.items(thread_id).await;
    items.into_iter().find(|i| i["id"] == item_id).unwrap()["widget"].clone()
}

#[tokio::test]
async fn the_same_price_at_another_book_is_confirmed_not_silently_swapped() {
    let kit = Kit::new().await;
    let (run, _item_id, slip) = three_leg_slip(&kit).await;
    let lock_in = find_action(&slip, "parlay.lock_in").unwrap();
    // The slip says its first leg is at a book that no longer hangs it; the price is the same.
    let mut payload = lock_in["payload"].clone();
    payload["slip"]["legs"][0]["book"] = json!("demobook_gone");
    payload["slip"]["legs"][0]["book_title"] = json!("Gone Book");
    let events = kit
        .action(
            &run.thread_id,
            None,
            json!({"type": "parlay.lock_in", "payload": payload}),
        )
        .await
        .unwrap();
    assert_eq!(error_message(&events), None);
    assert!(
        kit.bets("u1").await.is_empty(),
        "no bet at a book not chosen"
    );
    let answer: String = events
        .iter()
        .filter(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "assistant_message")
        .map(|e| e["item"]["content"][0]["text"].as_str().unwrap().to_owned())
        .collect();
    assert!(answer.contains("(now at DemoBook"), "{answer}");
}

/// The demo odds, served as a snapshot `lag` old: what a cache between the provider and a
/// lock-in would hand out.
struct LaggingOdds {
    inner: std::sync::Arc<dyn crate::providers::OddsProvider>,
    lag: chrono::Duration,
}

#[async_trait::async_trait]
impl crate::providers::OddsProvider for LaggingOdds {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.now()
    }
    async fn sports(&self) -> crate::providers::ProviderResult<crate::providers::SportsList> {
        self.inner.sports().await
    }
    async fn odds(
        &self,
        query: &crate::providers::OddsQuery,
    ) -> crate::providers::ProviderResult<crate::providers::OddsBoard> {
        let mut board = self.inner.odds(query).await?;
        board.provenance.as_of -= self.lag;
        Ok(board)
    }
    async fn event_odds(
        &self,
        query: &crate::providers::EventOddsQuery,
    ) -> crate::providers::ProviderResult<crate::providers::OddsEvent> {
        self.inner.event_odds(query).await
    }
    async fn scores(
        &self,
        query: &crate::providers::ScoresQuery,
    ) -> crate::providers::ProviderResult<crate::providers::Scoreboard> {
        self.inner.scores(query).await
    }
}

async fn lock_in_with_quotes_aged(lag: chrono::Duration) -> (Kit, Vec<Value>) {
    let demo = crate::providers::ProviderSet::demo().unwrap();
    let lagging = LaggingOdds {
        inner: demo.odds(),
        lag,
    };
    let kit = Kit::with_providers(demo.with_odds(std::sync::Arc::new(lagging))).await;
    let (run, item_id, slip) = three_leg_slip(&kit).await;
    let lock_in = find_action(&slip, "parlay.lock_in").unwrap();
    let events = kit
        .action(&run.thread_id, Some(&item_id), sent(&lock_in, json!({})))
        .await
        .unwrap();
    (kit, events)
}

#[tokio::test]
async fn a_re_quote_older_than_the_configured_age_places_nothing() {
    // The shipped limit is 30 s: a 31 s old answer is a snapshot, not a quote.
    let (kit, events) = lock_in_with_quotes_aged(chrono::Duration::seconds(31)).await;
    let message = error_message(&events).expect("refused");
    assert!(
        message.contains("31 s old") && message.contains("last 30 s"),
        "{message}"
    );
    assert!(kit.bets("u1").await.is_empty());
    // Within the limit the same slip is placed.
    let (kit, events) = lock_in_with_quotes_aged(chrono::Duration::seconds(20)).await;
    assert_eq!(error_message(&events), None);
    assert_eq!(kit.bets("u1").await.len(), 1);
}
