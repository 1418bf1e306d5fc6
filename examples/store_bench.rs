//! Store scaling: how `items.list` and `threads.list` pages cost as a thread or a user's thread
//! list grows. Seeds one database (through the store's own group-commit path) with threads of
//! 100, 10k and 100k items and users with 100 and 10k threads, then times the listings the
//! engine asks for, straight on the `Store`:
//!
//!   cargo run --release --features ssr --example store_bench -- \
//!       --database sqlite:///tmp/store.db [--items 100,10000,100000] [--threads 100,10000] \
//!       [--samples 1000] [--label SQLite]
//!
//! Every listing lives in the same database, so a figure at 100 rows is measured with the
//! 100k-row thread beside it: what differs between rows of the table is only the listing's own
//! size. Pages are the engine's default size (20): the newest page (what opening a thread or the
//! thread list asks) and a page after a cursor in the middle (scrolling back). The cases are
//! timed round-robin, one call at a time.

use professor_lock::ids::{new_id, now, IdKind};
use professor_lock::store::{
    connect, ItemRecord, PageQuery, SharedStore, SortOrder, ThreadRecord, WriteOp,
    DEFAULT_PAGE_SIZE,
};
use std::time::{Duration, Instant};

/// Rows per seeding commit: the writer's own batch size.
const SEED_BATCH: usize = 256;

struct Args {
    database: String,
    items: Vec<usize>,
    threads: Vec<usize>,
    samples: usize,
    label: String,
}

fn parse_list(flag: &str, value: String) -> Result<Vec<usize>, String> {
    value
        .split(',')
        .map(|n| n.trim().parse().map_err(|e| format!("{flag}: {e}")))
        .collect()
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        database: String::new(),
        items: vec![100, 10_000, 100_000],
        threads: vec![100, 10_000],
        samples: 1000,
        label: "store".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--database" => args.database = value()?,
            "--items" => args.items = parse_list("--items", value()?)?,
            "--threads" => args.threads = parse_list("--threads", value()?)?,
            "--samples" => {
                args.samples = value()?.parse().map_err(|e| format!("--samples: {e}"))?
            }
            "--label" => args.label = value()?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if args.database.is_empty() {
        return Err("--database is required".into());
    }
    Ok(args)
}

fn thread(user_id: &str, title: &str) -> ThreadRecord {
    ThreadRecord {
        id: new_id(IdKind::Thread),
        user_id: user_id.to_owned(),
        created_at: now(),
        title: Some(title.to_owned()),
        status: r#"{"type":"active"}"#.into(),
        metadata: "{}".into(),
    }
}

/// An assistant answer of a typical size (~400 bytes of wire JSON); every tenth is hidden
/// context, as tool results are.
fn item(user_id: &str, thread_id: &str, n: usize) -> ItemRecord {
    let id = new_id(IdKind::Message);
    let created_at = now();
    let hidden = n % 10 == 9;
    let item_type = if hidden {
        "hidden_context_item"
    } else {
        "assistant_message"
    };
    let data = serde_json::json!({
        "type": item_type, "id": id, "thread_id": thread_id,
        "created_at": created_at.to_rfc3339(),
        "content": [{"type": "output_text", "annotations": [],
            "text": format!("Answer {n}: the Nuggets are -3.5 at -110 on DraftKings; the no-vig line makes them a 57% favourite, so the edge on the spread is thin tonight.")}]
    });
    ItemRecord {
        id,
        thread_id: thread_id.to_owned(),
        user_id: user_id.to_owned(),
        created_at,
        item_type: item_type.into(),
        hidden,
        data: data.to_string(),
    }
}

async fn commit_in_batches(store: &SharedStore, ops: Vec<WriteOp>) {
    for chunk in ops.chunks(SEED_BATCH) {
        store.commit(chunk).await.expect("seeding commit");
    }
}

/// A thread of `n` items; returns (user, thread, the id of its middle item).
async fn seed_thread(store: &SharedStore, n: usize) -> (String, String, String) {
    let user = format!("bench_items_{n}_{}", new_id(IdKind::Thread));
    let t = thread(&user, &format!("{n} items"));
    let thread_id = t.id.clone();
    store.commit(&[WriteOp::CreateThread(t)]).await.unwrap();
    let items: Vec<ItemRecord> = (0..n).map(|i| item(&user, &thread_id, i)).collect();
    let middle = items[n / 2].id.clone();
    commit_in_batches(store, items.into_iter().map(WriteOp::SaveItem).collect()).await;
    (user, thread_id, middle)
}

/// A user with `n` threads; returns (user, the id of the middle thread).
async fn seed_threads(store: &SharedStore, n: usize) -> (String, String) {
    let user = format!("bench_threads_{n}_{}", new_id(IdKind::Thread));
    let threads: Vec<ThreadRecord> = (0..n)
        .map(|i| thread(&user, &format!("thread {i}")))
        .collect();
    let middle = threads[n / 2].id.clone();
    commit_in_batches(
        store,
        threads.into_iter().map(WriteOp::CreateThread).collect(),
    )
    .await;
    (user, middle)
}

/// One listing the engine asks for.
enum Listing {
    Items {
        user: String,
        thread_id: String,
        query: PageQuery,
    },
    Threads {
        user: String,
        query: PageQuery,
    },
}

impl Listing {
    /// Lists one page; returns its rows.
    async fn run(&self, store: &SharedStore) -> usize {
        let rows = match self {
            Listing::Items {
                user,
                thread_id,
                query,
            } => store
                .list_items(user, thread_id, query, false)
                .await
                .map(|p| p.data.len()),
            Listing::Threads { user, query } => {
                store.list_threads(user, query).await.map(|p| p.data.len())
            }
        };
        let rows = rows.expect("listing");
        assert!(rows > 0, "an empty page measures nothing");
        rows
    }
}

struct Case {
    name: &'static str,
    rows: usize,
    page: &'static str,
    listing: Listing,
    took: Vec<Duration>,
}

/// Times every case `samples` times, round-robin, so a noisy moment of a shared machine
/// weighs on every case alike rather than on whichever ran then.
async fn time_all(store: &SharedStore, cases: &mut [Case], samples: usize) {
    for case in cases.iter() {
        for _ in 0..50 {
            case.listing.run(store).await;
        }
    }
    for _ in 0..samples {
        for case in cases.iter_mut() {
            let started = Instant::now();
            case.listing.run(store).await;
            case.took.push(started.elapsed());
        }
    }
}

fn report(label: &str, case: &mut Case) {
    case.took.sort();
    let took = &case.took;
    let at = |p: f64| took[((p / 100.0) * (took.len() - 1) as f64).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "| {label} | {} | {} | {} | {} | {:.3} ms | {:.3} ms | {:.3} ms |",
        case.name,
        case.rows,
        case.page,
        took.len(),
        ms(at(50.0)),
        ms(at(99.0)),
        ms(took[took.len() - 1])
    );
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("store_bench: {e}");
            std::process::exit(2);
        }
    };
    let store = connect(&args.database, 4).await.expect("database");
    let seeding = Instant::now();
    let mut threads_of_items = Vec::new();
    for &n in &args.items {
        threads_of_items.push((n, seed_thread(&store, n).await));
    }
    let mut users_of_threads = Vec::new();
    for &n in &args.threads {
        users_of_threads.push((n, seed_threads(&store, n).await));
    }
    eprintln!(
        "store_bench: seeded {} items and {} threads in {:.1} s",
        args.items.iter().sum::<usize>(),
        args.threads.iter().sum::<usize>(),
        seeding.elapsed().as_secs_f64()
    );

    let newest = PageQuery::new(DEFAULT_PAGE_SIZE, SortOrder::Desc, None);
    let mut cases = Vec::new();
    for (rows, (user, thread_id, middle)) in threads_of_items {
        let after_middle = PageQuery::new(DEFAULT_PAGE_SIZE, SortOrder::Asc, Some(middle));
        for (page, query) in [
            ("newest", newest.clone()),
            ("after the middle", after_middle),
        ] {
            cases.push(Case {
                name: "items.list",
                rows,
                page,
                listing: Listing::Items {
                    user: user.clone(),
                    thread_id: thread_id.clone(),
                    query,
                },
                took: Vec::with_capacity(args.samples),
            });
        }
    }
    for (rows, (user, middle)) in users_of_threads {
        let after_middle = PageQuery::new(DEFAULT_PAGE_SIZE, SortOrder::Desc, Some(middle));
        for (page, query) in [
            ("newest", newest.clone()),
            ("after the middle", after_middle),
        ] {
            cases.push(Case {
                name: "threads.list",
                rows,
                page,
                listing: Listing::Threads {
                    user: user.clone(),
                    query,
                },
                took: Vec::with_capacity(args.samples),
            });
        }
    }
    time_all(&store, &mut cases, args.samples).await;

    println!("| database | listing | rows in the listing | page | samples | p50 | p99 | max |");
    println!("|---|---|---|---|---|---|---|---|");
    for case in &mut cases {
        report(&args.label, case);
    }
}
