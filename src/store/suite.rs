//! The one store test suite, run against SQLite (a temp file) and Postgres
//! (`PL_TEST_DATABASE_URL`, default the machine's local `test` database). Each test works
//! under fresh random user ids, so runs never see each other's rows.

use super::*;
use crate::domain::BetStatus;
use crate::ids::{new_id, now, IdKind};

fn user() -> String {
    new_id(IdKind::Session)
}

fn thread(user_id: &str) -> ThreadRecord {
    ThreadRecord {
        id: new_id(IdKind::Thread),
        user_id: user_id.to_owned(),
        created_at: now(),
        title: None,
        status: r#"{"type":"active"}"#.into(),
        metadata: "{}".into(),
    }
}

fn item(t: &ThreadRecord, hidden: bool) -> ItemRecord {
    let id = new_id(IdKind::Message);
    ItemRecord {
        data: format!(r#"{{"id":"{id}","type":"assistant_message"}}"#),
        id,
        thread_id: t.id.clone(),
        user_id: t.user_id.clone(),
        created_at: now(),
        item_type: if hidden {
            "hidden_context_item"
        } else {
            "assistant_message"
        }
        .into(),
        hidden,
    }
}

fn ids<T>(rows: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
    rows.iter().map(|r| id(r).to_owned()).collect()
}

async fn walk_items(s: &dyn Store, t: &ThreadRecord, limit: u32, order: SortOrder) -> Vec<String> {
    let mut seen = Vec::new();
    let mut after = None;
    for _ in 0..100 {
        let page = s
            .list_items(
                &t.user_id,
                &t.id,
                &PageQuery::new(limit, order, after.clone()),
                false,
            )
            .await
            .unwrap();
        assert!(page.data.len() <= limit as usize);
        assert_eq!(
            page.has_more,
            page.after.is_some(),
            "after is set exactly when has_more"
        );
        seen.extend(ids(&page.data, |i| &i.id));
        if !page.has_more {
            return seen;
        }
        after = page.after;
    }
    panic!("paging did not end");
}

pub async fn thread_round_trip(s: SharedStore) {
    let u = user();
    let mut t = thread(&u);
    s.create_thread(&t).await.unwrap();
    assert_eq!(s.get_thread(&u, &t.id).await.unwrap().as_ref(), Some(&t));

    t.title = Some("NBA tonight".into());
    t.status = r#"{"type":"locked","reason":"settled"}"#.into();
    assert!(s.update_thread(&t).await.unwrap());
    assert_eq!(s.get_thread(&u, &t.id).await.unwrap(), Some(t.clone()));

    let i = item(&t, false);
    assert!(s.save_item(&i).await.unwrap());
    assert_eq!(s.get_item(&u, &t.id, &i.id).await.unwrap(), Some(i.clone()));
    s.add_feedback(&FeedbackRecord {
        user_id: u.clone(),
        thread_id: t.id.clone(),
        item_id: i.id.clone(),
        kind: "positive".into(),
        created_at: now(),
    })
    .await
    .unwrap();

    assert!(s.delete_thread(&u, &t.id).await.unwrap());
    assert_eq!(s.get_thread(&u, &t.id).await.unwrap(), None);
    assert_eq!(
        s.get_item(&u, &t.id, &i.id).await.unwrap(),
        None,
        "items cascade"
    );
    assert!(
        s.list_feedback(&u, &t.id).await.unwrap().is_empty(),
        "feedback cascades"
    );
    assert!(
        !s.delete_thread(&u, &t.id).await.unwrap(),
        "second delete finds nothing"
    );
}

pub async fn item_replace_and_delete(s: SharedStore) {
    let u = user();
    let t = thread(&u);
    s.create_thread(&t).await.unwrap();
    let mut i = item(&t, false);
    assert!(s.save_item(&i).await.unwrap());
    i.data = r#"{"replaced":true}"#.into();
    assert!(s.save_item(&i).await.unwrap(), "same id replaces");
    let page = s
        .list_items(&u, &t.id, &PageQuery::new(10, SortOrder::Asc, None), false)
        .await
        .unwrap();
    assert_eq!(page.data, vec![i.clone()]);
    assert!(s.delete_item(&u, &t.id, &i.id).await.unwrap());
    assert!(!s.delete_item(&u, &t.id, &i.id).await.unwrap());
}

pub async fn thread_paging(s: SharedStore) {
    let u = user();
    let mut created = Vec::new();
    for _ in 0..5 {
        let t = thread(&u);
        s.create_thread(&t).await.unwrap();
        created.push(t.id);
    }
    let all_asc = s
        .list_threads(&u, &PageQuery::new(100, SortOrder::Asc, None))
        .await
        .unwrap();
    assert_eq!(ids(&all_asc.data, |t| &t.id), created);
    assert!(!all_asc.has_more);
    assert_eq!(all_asc.after, None);

    let mut reversed = created.clone();
    reversed.reverse();
    for (order, expected) in [(SortOrder::Asc, &created), (SortOrder::Desc, &reversed)] {
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = s
                .list_threads(&u, &PageQuery::new(2, order, after))
                .await
                .unwrap();
            seen.extend(ids(&page.data, |t| &t.id));
            assert_eq!(page.has_more, page.after.is_some());
            if !page.has_more {
                break;
            }
            after = page.after;
        }
        assert_eq!(
            &seen, expected,
            "cursor walk reproduces the listing ({order:?})"
        );
    }

    // has_more is exact at the boundary: n-1 says more, n says no more.
    let four = s
        .list_threads(&u, &PageQuery::new(4, SortOrder::Desc, None))
        .await
        .unwrap();
    assert!(four.has_more);
    let five = s
        .list_threads(&u, &PageQuery::new(5, SortOrder::Desc, None))
        .await
        .unwrap();
    assert!(!five.has_more);
    assert_eq!(five.data.len(), 5);
}

pub async fn item_paging_skips_hidden(s: SharedStore) {
    let u = user();
    let t = thread(&u);
    s.create_thread(&t).await.unwrap();
    let mut visible = Vec::new();
    for n in 0..7 {
        let hidden = n % 3 == 1;
        let i = item(&t, hidden);
        s.save_item(&i).await.unwrap();
        if !hidden {
            visible.push(i.id);
        }
    }
    assert_eq!(visible.len(), 5);
    let mut reversed = visible.clone();
    reversed.reverse();
    for limit in [1, 2, 4, 5, 6] {
        assert_eq!(
            walk_items(s.as_ref(), &t, limit, SortOrder::Asc).await,
            visible
        );
        assert_eq!(
            walk_items(s.as_ref(), &t, limit, SortOrder::Desc).await,
            reversed
        );
    }
    // A page of 4 is full (no short page from hidden rows) and knows one more follows.
    let page = s
        .list_items(&u, &t.id, &PageQuery::new(4, SortOrder::Asc, None), false)
        .await
        .unwrap();
    assert_eq!(page.data.len(), 4);
    assert!(page.has_more);
    let with_hidden = s
        .list_items(&u, &t.id, &PageQuery::new(100, SortOrder::Asc, None), true)
        .await
        .unwrap();
    assert_eq!(with_hidden.data.len(), 7);
}

pub async fn unknown_cursor_is_an_error(s: SharedStore) {
    let u = user();
    let t = thread(&u);
    s.create_thread(&t).await.unwrap();
    let err = s
        .list_items(
            &u,
            &t.id,
            &PageQuery::new(5, SortOrder::Asc, Some("msg_nope".into())),
            false,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidCursor(c) if c == "msg_nope"));
    let err = s
        .list_threads(
            &u,
            &PageQuery::new(5, SortOrder::Asc, Some("thr_nope".into())),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidCursor(_)));
}

pub async fn delete_after_removes_later_items(s: SharedStore) {
    let u = user();
    let t = thread(&u);
    s.create_thread(&t).await.unwrap();
    let items: Vec<ItemRecord> = (0..5).map(|n| item(&t, n == 3)).collect();
    for i in &items {
        s.save_item(i).await.unwrap();
    }
    let removed = s.delete_items_after(&u, &t.id, &items[1].id).await.unwrap();
    assert_eq!(
        removed,
        ids(&items[2..], |i| &i.id),
        "hidden ones too, oldest first"
    );
    let left = s
        .list_items(&u, &t.id, &PageQuery::new(10, SortOrder::Asc, None), true)
        .await
        .unwrap();
    assert_eq!(ids(&left.data, |i| &i.id), ids(&items[..2], |i| &i.id));
}

pub async fn batched_commit(s: SharedStore) {
    let u = user();
    let t = thread(&u);
    let first = item(&t, false);
    let second = item(&t, false);
    let ops = vec![
        WriteOp::CreateThread(t.clone()),
        WriteOp::SaveItem(first.clone()),
        WriteOp::SaveItem(second.clone()),
        WriteOp::DeleteItem {
            user_id: u.clone(),
            thread_id: t.id.clone(),
            item_id: first.id.clone(),
        },
    ];
    s.commit(&ops).await.unwrap();
    assert_eq!(s.get_thread(&u, &t.id).await.unwrap(), Some(t.clone()));
    let left = s
        .list_items(&u, &t.id, &PageQuery::new(10, SortOrder::Asc, None), false)
        .await
        .unwrap();
    assert_eq!(left.data, vec![second]);
}

/// A group commit's batch holds the same rows written several times, more rows than one
/// statement carries, and deletes; the store ends as if the writes ran one by one.
pub async fn batched_commit_net_effect(s: SharedStore) {
    let u = user();
    let mut t = thread(&u);
    let mut ops = vec![WriteOp::CreateThread(t.clone())];
    let items: Vec<ItemRecord> = (0..300).map(|_| item(&t, false)).collect();
    ops.extend(items.iter().cloned().map(WriteOp::SaveItem));
    let mut edited = items[7].clone();
    edited.data = r#"{"edited":true}"#.into();
    ops.push(WriteOp::SaveItem(edited.clone()));
    let delete = |i: &ItemRecord| WriteOp::DeleteItem {
        user_id: u.clone(),
        thread_id: t.id.clone(),
        item_id: i.id.clone(),
    };
    ops.push(delete(&items[0]));
    ops.push(delete(&items[1]));
    ops.push(WriteOp::SaveItem(items[1].clone()));
    t.title = Some("renamed in the same batch".into());
    ops.push(WriteOp::UpdateThread(t.clone()));
    s.commit(&ops).await.unwrap();

    assert_eq!(s.get_thread(&u, &t.id).await.unwrap(), Some(t.clone()));
    let mut left = Vec::new();
    let mut after = None;
    loop {
        let page = s
            .list_items(
                &u,
                &t.id,
                &PageQuery::new(100, SortOrder::Asc, after),
                false,
            )
            .await
            .unwrap();
        left.extend(page.data);
        after = page.after;
        if !page.has_more {
            break;
        }
    }
    let mut expected = items[1..].to_vec();
    expected[6] = edited;
    assert_eq!(left.len(), 299);
    assert_eq!(left, expected);
}

/// A batch where one id is written under two owners has no net effect and is applied write by
/// write: the forged write finds no row of its user, so the batch fails as a whole and nothing
/// of it lands. The writer then retries turn by turn, and the owner's own writes land alone.
pub async fn batched_commit_with_forged_owner(s: SharedStore) {
    let (a, b) = (user(), user());
    let t = thread(&a);
    let kept = item(&t, false);
    let mut forged_thread = t.clone();
    forged_thread.user_id = b.clone();
    forged_thread.title = Some("taken".into());
    let owners = vec![
        WriteOp::CreateThread(t.clone()),
        WriteOp::SaveItem(kept.clone()),
    ];
    let mut ops = owners.clone();
    ops.push(WriteOp::UpdateThread(forged_thread));
    let err = s.commit(&ops).await.unwrap_err();
    assert!(matches!(err, StoreError::NoRow(_)), "{err}");
    assert_eq!(
        s.get_thread(&a, &t.id).await.unwrap(),
        None,
        "all or nothing"
    );

    s.commit(&owners).await.unwrap();
    // Another user's delete of the owner's item is a no-op, not a failure.
    s.commit(&[WriteOp::DeleteItem {
        user_id: b.clone(),
        thread_id: t.id.clone(),
        item_id: kept.id.clone(),
    }])
    .await
    .unwrap();
    assert_eq!(s.get_thread(&a, &t.id).await.unwrap(), Some(t.clone()));
    assert_eq!(s.get_thread(&b, &t.id).await.unwrap(), None);
    assert_eq!(s.get_item(&a, &t.id, &kept.id).await.unwrap(), Some(kept));
}

/// Clicking thumbs up, down, up on one answer leaves one vote: the last.
pub async fn feedback_is_one_vote_per_item_and_the_latest_wins(s: SharedStore) {
    let u = user();
    let t = thread(&u);
    s.create_thread(&t).await.unwrap();
    let (a, b) = (item(&t, false), item(&t, false));
    assert!(s.save_item(&a).await.unwrap() && s.save_item(&b).await.unwrap());
    let vote = |item_id: &str, kind: &str| FeedbackRecord {
        user_id: u.clone(),
        thread_id: t.id.clone(),
        item_id: item_id.to_owned(),
        kind: kind.into(),
        created_at: now(),
    };
    for kind in ["positive", "negative", "positive", "negative"] {
        s.add_feedback(&vote(&a.id, kind)).await.unwrap();
    }
    s.add_feedback(&vote(&b.id, "positive")).await.unwrap();
    let votes = s.list_feedback(&u, &t.id).await.unwrap();
    let on_a: Vec<&str> = votes
        .iter()
        .filter(|f| f.item_id == a.id)
        .map(|f| f.kind.as_str())
        .collect();
    assert_eq!(on_a, vec!["negative"]);
    assert_eq!(votes.len(), 2);
}

fn is_no_row(result: StoreResult<()>) -> bool {
    matches!(result, Err(StoreError::NoRow(_)))
}

/// No write is reported done that did not happen: an item for a missing thread, an update of a
/// missing thread, and a batch holding either of them are `NoRow`, and nothing of such a batch
/// is applied. Deleting an absent item is the one explicit no-op.
pub async fn writes_that_change_nothing_are_no_row(s: SharedStore) {
    let u = user();
    let missing = thread(&u);
    assert!(is_no_row(
        s.commit(&[WriteOp::SaveItem(item(&missing, false))]).await
    ));
    assert!(is_no_row(
        s.commit(&[WriteOp::UpdateThread(missing.clone())]).await
    ));
    assert_eq!(
        s.get_thread(&u, &missing.id).await.unwrap(),
        None,
        "an update never creates"
    );

    // In a batch with good writes (the net-effect path): the whole batch fails.
    let good = thread(&u);
    let batch = vec![
        WriteOp::CreateThread(good.clone()),
        WriteOp::SaveItem(item(&good, false)),
        WriteOp::SaveItem(item(&good, false)),
        WriteOp::SaveItem(item(&missing, false)),
    ];
    assert!(is_no_row(s.commit(&batch).await));
    assert_eq!(s.get_thread(&u, &good.id).await.unwrap(), None);
    let batch = vec![
        WriteOp::CreateThread(good.clone()),
        WriteOp::UpdateThread(missing.clone()),
    ];
    assert!(is_no_row(s.commit(&batch).await));
    assert_eq!(s.get_thread(&u, &good.id).await.unwrap(), None);

    s.commit(&batch[..1]).await.unwrap();
    s.commit(&[WriteOp::DeleteItem {
        user_id: u.clone(),
        thread_id: good.id.clone(),
        item_id: "msg_never_saved".into(),
    }])
    .await
    .expect("deleting an absent item is a no-op");
}

/// A thread deleted while its first turn runs stays deleted: the turn's title update and its
/// later items are `NoRow`, alone or batched with other turns' writes.
pub async fn a_deleted_thread_stays_deleted(s: SharedStore) {
    let u = user();
    let mut t = thread(&u);
    s.commit(&[
        WriteOp::CreateThread(t.clone()),
        WriteOp::SaveItem(item(&t, false)),
    ])
    .await
    .unwrap();
    assert!(s.delete_thread(&u, &t.id).await.unwrap());

    t.title = Some("Saved at the end of the turn".into());
    assert!(is_no_row(
        s.commit(&[WriteOp::UpdateThread(t.clone())]).await
    ));
    assert!(is_no_row(
        s.commit(&[WriteOp::SaveItem(item(&t, false))]).await
    ));
    let neighbour = thread(&u);
    let batch = vec![
        WriteOp::CreateThread(neighbour.clone()),
        WriteOp::UpdateThread(t.clone()),
        WriteOp::SaveItem(item(&t, false)),
    ];
    assert!(is_no_row(s.commit(&batch).await));
    assert_eq!(s.get_thread(&u, &t.id).await.unwrap(), None);
    assert!(s
        .list_items(&u, &t.id, &PageQuery::new(10, SortOrder::Asc, None), true)
        .await
        .unwrap()
        .data
        .is_empty());
    assert!(s
        .list_threads(&u, &PageQuery::new(10, SortOrder::Desc, None))
        .await
        .unwrap()
        .data
        .is_empty());
}

/// User B sees none of A's rows and changes none of them.
pub async fn user_isolation_other_users_rows_are_absent(s: SharedStore) {
    let (a, b) = (user(), user());
    let mut t = thread(&a);
    t.title = Some("A's thread".into());
    s.create_thread(&t).await.unwrap();
    let i = item(&t, false);
    s.save_item(&i).await.unwrap();
    let att = AttachmentRecord {
        id: new_id(IdKind::Attachment),
        user_id: a.clone(),
        thread_id: None,
        name: "slip.png".into(),
        mime_type: "image/png".into(),
        size_bytes: 10,
        uploaded: true,
        created_at: now(),
    };
    s.save_attachment(&att).await.unwrap();

    assert_eq!(s.get_thread(&b, &t.id).await.unwrap(), None);
    assert!(s
        .list_threads(&b, &PageQuery::new(10, SortOrder::Desc, None))
        .await
        .unwrap()
        .data
        .is_empty());
    let mut stolen = t.clone();
    stolen.user_id = b.clone();
    stolen.title = Some("mine now".into());
    assert!(!s.update_thread(&stolen).await.unwrap());
    // Writes by B with A's thread id must not take the row over either, and say so.
    assert!(is_no_row(
        s.commit(&[WriteOp::CreateThread(stolen.clone())]).await
    ));
    assert!(is_no_row(
        s.commit(&[WriteOp::UpdateThread(stolen.clone())]).await
    ));
    assert!(!s.delete_thread(&b, &t.id).await.unwrap());
    assert_eq!(s.get_item(&b, &t.id, &i.id).await.unwrap(), None);
    assert!(s
        .list_items(&b, &t.id, &PageQuery::new(10, SortOrder::Asc, None), true)
        .await
        .unwrap()
        .data
        .is_empty());
    let mut forged = item(&t, false);
    forged.user_id = b.clone();
    assert!(
        !s.save_item(&forged).await.unwrap(),
        "B cannot add items to A's thread"
    );
    let mut overwrite = i.clone();
    overwrite.user_id = b.clone();
    overwrite.data = "{}".into();
    assert!(
        !s.save_item(&overwrite).await.unwrap(),
        "B cannot replace A's item"
    );
    assert!(!s.delete_item(&b, &t.id, &i.id).await.unwrap());
    assert!(s
        .delete_items_after(&b, &t.id, &i.id)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(s.get_attachment(&b, &att.id).await.unwrap(), None);
    assert!(!s.delete_attachment(&b, &att.id).await.unwrap());

    // A's data is unchanged.
    assert_eq!(s.get_thread(&a, &t.id).await.unwrap(), Some(t.clone()));
    assert_eq!(s.get_item(&a, &t.id, &i.id).await.unwrap(), Some(i));
    assert_eq!(s.get_attachment(&a, &att.id).await.unwrap(), Some(att));
}

pub async fn attachments_round_trip(s: SharedStore) {
    let u = user();
    let t = thread(&u);
    s.create_thread(&t).await.unwrap();
    let mut att = AttachmentRecord {
        id: new_id(IdKind::Attachment),
        user_id: u.clone(),
        thread_id: None,
        name: "ticket.pdf".into(),
        mime_type: "application/pdf".into(),
        size_bytes: 4096,
        uploaded: false,
        created_at: now(),
    };
    s.save_attachment(&att).await.unwrap();
    att.uploaded = true;
    att.thread_id = Some(t.id.clone());
    s.save_attachment(&att).await.unwrap();
    assert_eq!(
        s.get_attachment(&u, &att.id).await.unwrap(),
        Some(att.clone())
    );
    assert!(s.delete_attachment(&u, &att.id).await.unwrap());
    assert_eq!(s.get_attachment(&u, &att.id).await.unwrap(), None);
}

pub async fn guest_generations_only_grow_per_user(s: SharedStore) {
    let (a, b) = (user(), user());
    assert_eq!(s.guest_generation(&a).await.unwrap(), 0);
    assert_eq!(s.revoke_guest(&a).await.unwrap(), 1);
    assert_eq!(s.revoke_guest(&a).await.unwrap(), 2);
    assert_eq!(s.guest_generation(&a).await.unwrap(), 2);
    assert_eq!(
        s.guest_generation(&b).await.unwrap(),
        0,
        "another user is untouched"
    );
}

pub async fn attachment_quota_upload_once_and_unclaimed_sweep(s: SharedStore) {
    let (u, other) = (user(), user());
    let t = thread(&u);
    s.create_thread(&t).await.unwrap();
    let attachment =
        |owner: &str, size: i64, age_secs: i64, thread_id: Option<String>| AttachmentRecord {
            id: new_id(IdKind::Attachment),
            user_id: owner.to_owned(),
            thread_id,
            name: "slip.png".into(),
            mime_type: "image/png".into(),
            size_bytes: size,
            uploaded: false,
            created_at: now() - chrono::Duration::seconds(age_secs),
        };
    let old_unsent = attachment(&u, 100, 7200, None);
    let old_in_thread = attachment(&u, 200, 7200, Some(t.id.clone()));
    let fresh_unsent = attachment(&u, 300, 0, None);
    let someone_elses = attachment(&other, 5_000_000_000, 7200, None);
    for a in [&old_unsent, &old_in_thread, &fresh_unsent, &someone_elses] {
        s.save_attachment(a).await.unwrap();
    }
    assert_eq!(
        s.attachment_usage(&u).await.unwrap(),
        AttachmentUsage {
            count: 3,
            bytes: 600
        }
    );
    assert_eq!(
        s.attachment_usage(&user()).await.unwrap(),
        AttachmentUsage::default()
    );

    assert!(s
        .mark_attachment_uploaded(&u, &fresh_unsent.id)
        .await
        .unwrap());
    assert!(
        !s.mark_attachment_uploaded(&u, &fresh_unsent.id)
            .await
            .unwrap(),
        "an upload happens once"
    );
    assert!(
        !s.mark_attachment_uploaded(&other, &old_unsent.id)
            .await
            .unwrap(),
        "another user's attachment is absent"
    );

    let cutoff = now() - chrono::Duration::seconds(3600);
    let mut swept: Vec<String> = s
        .unclaimed_attachments(cutoff, 1_000_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.user_id == u || a.user_id == other)
        .map(|a| a.id)
        .collect();
    swept.sort();
    let mut expected = vec![old_unsent.id.clone(), someone_elses.id.clone()];
    expected.sort();
    assert_eq!(swept, expected, "only old attachments no thread holds");

    // Deleting the thread lets go of its attachments: they become unclaimed.
    assert!(s.delete_thread(&u, &t.id).await.unwrap());
    let swept = s.unclaimed_attachments(cutoff, 1_000_000).await.unwrap();
    assert!(swept.iter().any(|a| a.id == old_in_thread.id));
}

pub async fn bets_are_idempotent(s: SharedStore) {
    let u = user();
    let bet = BetRecord {
        id: new_id(IdKind::Bet),
        user_id: u.clone(),
        thread_id: None,
        idempotency_key: "slip-1".into(),
        stake_cents: 1000,
        payout_cents: 2640,
        odds_american: 164,
        legs: "[]".into(),
        status: BetStatus::Pending,
        created_at: now(),
    };
    let (stored, created) = s.place_bet(&bet).await.unwrap();
    assert!(created);
    assert_eq!(stored, bet);
    let again = BetRecord {
        id: new_id(IdKind::Bet),
        ..bet.clone()
    };
    let (stored, created) = s.place_bet(&again).await.unwrap();
    assert!(!created, "same key, no second bet");
    assert_eq!(stored.id, bet.id);
    assert_eq!(s.list_bets(&u).await.unwrap().len(), 1);
    assert!(s.list_bets(&user()).await.unwrap().is_empty());
    assert_eq!(
        s.get_bet_by_key(&u, "slip-1").await.unwrap().map(|b| b.id),
        Some(bet.id.clone())
    );
    assert_eq!(s.get_bet_by_key(&u, "slip-2").await.unwrap(), None);
    assert_eq!(
        s.get_bet_by_key(&user(), "slip-1").await.unwrap(),
        None,
        "scoped by user"
    );
}

pub fn tracked_bet(u: &str, key: &str, stake_cents: i64) -> (BetRecord, Vec<LegRecord>) {
    let bet = BetRecord {
        id: new_id(IdKind::Bet),
        user_id: u.to_owned(),
        thread_id: None,
        idempotency_key: key.into(),
        stake_cents,
        payout_cents: stake_cents * 2,
        odds_american: 100,
        legs: "[]".into(),
        status: BetStatus::Pending,
        created_at: now(),
    };
    let leg = |i: i64, selection: &str, line: Option<f64>| LegRecord {
        bet_id: bet.id.clone(),
        leg_index: i,
        user_id: u.to_owned(),
        event_id: format!("event-{i}"),
        sport: "epl".into(),
        home_team: "Arsenal".into(),
        away_team: "Tottenham Hotspur".into(),
        commence_time: now(),
        market: crate::betting::Market::Spreads,
        selection: selection.into(),
        line,
        price_decimal: crate::domain::DecimalOdds::from_ratio(21, 11).unwrap(),
        price_american: -110,
        book: "demobook_a".into(),
        book_quote_at: Some(now()),
        rule_scope: "full_time".into(),
        result: BetStatus::Pending,
        settled_at: None,
        home_score: None,
        away_score: None,
        closing_price: Some(crate::domain::DecimalOdds::from_ratio(21, 11).unwrap()),
        closing_fair: Some(crate::domain::DecimalOdds::from_ratio(2, 1).unwrap()),
        closing_quote_at: Some(now()),
        clv_bp: None,
    };
    let legs = vec![
        leg(0, "Arsenal", Some(-0.75)),
        leg(1, "Tottenham Hotspur", Some(0.25)),
    ];
    (bet, legs)
}

pub async fn ledger_round_trip(s: SharedStore) {
    let u = user();
    let (bet, legs) = tracked_bet(&u, "slip-ledger", 1000);
    let (stored, created) = s.place_tracked_bet(&bet, true, &legs).await.unwrap();
    assert!(created);
    assert_eq!(stored, bet);
    let again = BetRecord {
        id: new_id(IdKind::Bet),
        ..bet.clone()
    };
    let (_, created) = s.place_tracked_bet(&again, true, &legs).await.unwrap();
    assert!(!created, "same key, no second bet and no second legs");
    let ledger = s.list_ledger(&u).await.unwrap();
    assert_eq!(ledger.len(), 1);
    assert!(ledger[0].demo);
    assert_eq!(ledger[0].legs, legs);
    assert_eq!(ledger[0].payout_actual_cents, None);
    assert!(
        s.list_ledger(&user()).await.unwrap().is_empty(),
        "scoped by user"
    );
    assert_eq!(s.staked_since(&u, bet.created_at).await.unwrap(), 1000);
    assert_eq!(s.staked_since(&user(), bet.created_at).await.unwrap(), 0);
}

pub async fn settlement_claims_are_exclusive_and_idempotent(s: SharedStore) {
    let u = user();
    let (bet, legs) = tracked_bet(&u, "slip-claim", 1000);
    s.place_tracked_bet(&bet, false, &legs).await.unwrap();
    let t = now();
    let lease = t + chrono::Duration::seconds(60);
    let mine = |v: Vec<LedgerBet>| v.into_iter().filter(|b| b.bet.user_id == u).count();
    assert_eq!(
        mine(
            s.claim_unsettled("a", Some(&u), t, lease, 10_000)
                .await
                .unwrap()
        ),
        1
    );
    assert_eq!(
        mine(
            s.claim_unsettled("b", Some(&u), t, lease, 10_000)
                .await
                .unwrap()
        ),
        0,
        "a live claim is not taken twice"
    );
    let grading = Grading {
        user_id: u.clone(),
        bet_id: bet.id.clone(),
        at: t,
        legs: vec![
            LegUpdate {
                leg_index: 0,
                closing: None,
                result: Some(LegGrade {
                    status: BetStatus::HalfWon,
                    home_score: Some(2),
                    away_score: Some(1),
                }),
                clv_bp: Some(-455),
            },
            LegUpdate {
                leg_index: 1,
                closing: None,
                result: Some(LegGrade {
                    status: BetStatus::Lost,
                    home_score: Some(2),
                    away_score: Some(1),
                }),
                clv_bp: Some(-455),
            },
        ],
        settlement: Some(BetSettlement {
            status: BetStatus::Lost,
            payout_actual_cents: 0,
            clv_bp: Some(-889),
        }),
    };
    assert!(
        !s.record_grading("b", &grading).await.unwrap(),
        "not b's claim"
    );
    let forged = Grading {
        user_id: user(),
        ..grading.clone()
    };
    assert!(
        !s.record_grading("a", &forged).await.unwrap(),
        "scoped by user"
    );
    assert!(s.record_grading("a", &grading).await.unwrap());
    assert!(
        !s.record_grading("a", &grading).await.unwrap(),
        "a settled bet is never written again"
    );
    // An expired lease on a settled bet claims nothing.
    let later = t + chrono::Duration::seconds(3600);
    assert_eq!(
        mine(
            s.claim_unsettled("c", Some(&u), later, later, 10_000)
                .await
                .unwrap()
        ),
        0
    );
    let ledger = s.list_ledger(&u).await.unwrap();
    let b = &ledger[0];
    assert_eq!(b.bet.status, BetStatus::Lost);
    assert_eq!(b.payout_actual_cents, Some(0));
    assert_eq!(b.clv_bp, Some(-889));
    assert_eq!(b.settled_at, Some(t));
    assert_eq!(b.legs[0].result, BetStatus::HalfWon);
    assert_eq!(b.legs[0].home_score, Some(2));
    assert_eq!(b.legs[1].clv_bp, Some(-455));
    assert_eq!(s.settled_net_since(&u, t).await.unwrap(), -1000);
    assert_eq!(s.settled_net_since(&u, later).await.unwrap(), 0);
}

pub async fn expired_claims_can_be_retaken(s: SharedStore) {
    let u = user();
    let (bet, legs) = tracked_bet(&u, "slip-lease", 500);
    s.place_tracked_bet(&bet, false, &legs).await.unwrap();
    let t = now();
    let mine = |v: Vec<LedgerBet>| v.into_iter().filter(|b| b.bet.user_id == u).count();
    let short = t + chrono::Duration::seconds(1);
    assert_eq!(
        mine(
            s.claim_unsettled("dead", Some(&u), t, short, 10_000)
                .await
                .unwrap()
        ),
        1
    );
    let after = t + chrono::Duration::seconds(5);
    let lease = after + chrono::Duration::seconds(60);
    assert_eq!(
        mine(
            s.claim_unsettled("alive", Some(&u), after, lease, 10_000)
                .await
                .unwrap()
        ),
        1
    );
    let grading = Grading {
        user_id: u.clone(),
        bet_id: bet.id.clone(),
        at: after,
        legs: vec![],
        settlement: None,
    };
    assert!(
        !s.record_grading("dead", &grading).await.unwrap(),
        "the lease moved on"
    );
    assert!(s.record_grading("alive", &grading).await.unwrap());
}

pub async fn limits_round_trip(s: SharedStore) {
    let u = user();
    assert_eq!(s.get_limits(&u).await.unwrap(), None);
    s.save_limits(&u, r#"{"a":1}"#, now()).await.unwrap();
    s.save_limits(&u, r#"{"a":2}"#, now()).await.unwrap();
    assert_eq!(
        s.get_limits(&u).await.unwrap().as_deref(),
        Some(r#"{"a":2}"#)
    );
    assert_eq!(s.get_limits(&user()).await.unwrap(), None, "scoped by user");
}

pub async fn bankroll_set_replace_clear_and_user_isolation(s: SharedStore) {
    let (u, other) = (user(), user());
    assert_eq!(s.get_bankroll(&u).await.unwrap(), None);
    s.set_bankroll(&u, Some(50_000), now()).await.unwrap();
    s.set_bankroll(&u, Some(75_000), now()).await.unwrap();
    s.set_bankroll(&other, Some(1_000), now()).await.unwrap();
    assert_eq!(s.get_bankroll(&u).await.unwrap(), Some(75_000));
    assert_eq!(s.get_bankroll(&other).await.unwrap(), Some(1_000));
    s.set_bankroll(&u, None, now()).await.unwrap();
    assert_eq!(s.get_bankroll(&u).await.unwrap(), None);
    assert_eq!(
        s.get_bankroll(&other).await.unwrap(),
        Some(1_000),
        "clearing one user's bankroll leaves another's"
    );
    // A bankroll is positive: the database refuses zero too.
    assert!(s.set_bankroll(&u, Some(0), now()).await.is_err());
}

pub async fn ping_reports_latency(s: SharedStore) {
    let latency = s.ping().await.unwrap();
    assert!(latency < Duration::from_secs(5));
}

pub fn postgres_url() -> String {
    std::env::var("PL_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

macro_rules! run_suite {
    ($backend:ident, $open:expr) => {
        mod $backend {
            use super::*;
            macro_rules! case {
                ($name:ident) => {
                    #[tokio::test]
                    async fn $name() {
                        let (store, _guard) = $open.await;
                        super::$name(store).await;
                    }
                };
            }
            case!(thread_round_trip);
            case!(item_replace_and_delete);
            case!(thread_paging);
            case!(item_paging_skips_hidden);
            case!(unknown_cursor_is_an_error);
            case!(delete_after_removes_later_items);
            case!(batched_commit);
            case!(batched_commit_net_effect);
            case!(batched_commit_with_forged_owner);
            case!(feedback_is_one_vote_per_item_and_the_latest_wins);
            case!(writes_that_change_nothing_are_no_row);
            case!(a_deleted_thread_stays_deleted);
            case!(user_isolation_other_users_rows_are_absent);
            case!(attachments_round_trip);
            case!(bets_are_idempotent);
            case!(ping_reports_latency);
            case!(guest_generations_only_grow_per_user);
            case!(attachment_quota_upload_once_and_unclaimed_sweep);
            case!(ledger_round_trip);
            case!(settlement_claims_are_exclusive_and_idempotent);
            case!(expired_claims_can_be_retaken);
            case!(limits_round_trip);
            case!(bankroll_set_replace_clear_and_user_isolation);
        }
    };
}

async fn open_sqlite() -> (SharedStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("store.db").display());
    let store = connect(&url, 4).await.unwrap();
    // Migrating again is a no-op.
    connect(&url, 4).await.unwrap();
    (store, dir)
}

async fn open_postgres() -> (SharedStore, ()) {
    let store = connect(&postgres_url(), 4).await.unwrap_or_else(|e| {
        panic!(
            "Postgres at {} is required for the store suite: {e}",
            postgres_url()
        )
    });
    (store, ())
}

run_suite!(on_sqlite, open_sqlite());
run_suite!(on_postgres, open_postgres());

#[tokio::test]
async fn unreachable_database_is_a_clear_error() {
    let err = connect("postgres://postgres@127.0.0.1:1/none", 1)
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("database error"), "{err}");
}
