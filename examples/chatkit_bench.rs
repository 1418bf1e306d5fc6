//! Load generator for `POST /chatkit`: full `threads.create` turns (the whole SSE stream read
//! to its end) at a fixed concurrency, reporting turns/s and the time to the first event.
//!
//!   cargo run --release --features ssr --example chatkit_bench -- \
//!       --url http://127.0.0.1:3000/chatkit [--session URL] [--concurrency 1,16,64] [--seconds 10]
//!
//! With `--session`, one client secret is minted and sent as a Bearer token (our server);
//! without it requests carry no credentials (the Python reference server).

use std::time::{Duration, Instant};

struct Args {
    url: String,
    session: Option<String>,
    concurrency: Vec<usize>,
    seconds: u64,
    label: String,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        url: String::new(),
        session: None,
        concurrency: vec![1, 16, 64],
        seconds: 10,
        label: "server".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => args.url = value()?,
            "--session" => args.session = Some(value()?),
            "--seconds" => {
                args.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?
            }
            "--label" => args.label = value()?,
            "--concurrency" => {
                args.concurrency = value()?
                    .split(',')
                    .map(|c| c.trim().parse().map_err(|e| format!("--concurrency: {e}")))
                    .collect::<Result<_, _>>()?
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if args.url.is_empty() {
        return Err("--url is required".into());
    }
    Ok(args)
}

const BODY: &str = r#"{"type":"threads.create","params":{"input":{"content":[{"type":"input_text","text":"hello there"}],"attachments":[],"inference_options":{}}}}"#;

struct Sample {
    first_event: Duration,
    events: usize,
}

async fn one_turn(
    client: &reqwest::Client,
    url: &str,
    secret: Option<&str>,
) -> Result<Sample, String> {
    let started = Instant::now();
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .body(BODY);
    if let Some(secret) = secret {
        request = request.bearer_auth(secret);
    }
    let mut response = request.send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()));
    }
    let mut first_event = None;
    let mut events = 0;
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        first_event.get_or_insert_with(|| started.elapsed());
        events += chunk.windows(6).filter(|w| w == b"data: ").count();
    }
    Ok(Sample {
        first_event: first_event.ok_or("empty stream")?,
        events,
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("chatkit_bench: {e}");
            std::process::exit(2);
        }
    };
    let secret = match &args.session {
        Some(url) => {
            let body: serde_json::Value = reqwest::Client::new()
                .post(url)
                .send()
                .await
                .and_then(|r| r.error_for_status())
                .expect("session endpoint")
                .json()
                .await
                .expect("session JSON");
            Some(
                body["client_secret"]
                    .as_str()
                    .expect("client_secret")
                    .to_owned(),
            )
        }
        None => None,
    };
    println!("| server | concurrency | turns | turns/s | events/turn | first event p50 | first event p99 | errors |");
    println!("|---|---|---|---|---|---|---|---|");
    for &concurrency in &args.concurrency {
        let deadline = Instant::now() + Duration::from_secs(args.seconds);
        let started = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..concurrency {
            let url = args.url.clone();
            let secret = secret.clone();
            workers.push(tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .tcp_nodelay(true)
                    .build()
                    .unwrap();
                let mut samples = Vec::new();
                let mut errors = 0usize;
                while Instant::now() < deadline {
                    match one_turn(&client, &url, secret.as_deref()).await {
                        Ok(s) => samples.push(s),
                        Err(_) => errors += 1,
                    }
                }
                (samples, errors)
            }));
        }
        let mut samples = Vec::new();
        let mut errors = 0;
        for w in workers {
            let (s, e) = w.await.unwrap();
            samples.extend(s);
            errors += e;
        }
        let elapsed = started.elapsed().as_secs_f64();
        let mut firsts: Vec<Duration> = samples.iter().map(|s| s.first_event).collect();
        firsts.sort();
        let events =
            samples.iter().map(|s| s.events).sum::<usize>() as f64 / samples.len().max(1) as f64;
        println!(
            "| {} | {} | {} | {:.0} | {:.1} | {:.2} ms | {:.2} ms | {} |",
            args.label,
            concurrency,
            samples.len(),
            samples.len() as f64 / elapsed,
            events,
            percentile(&firsts, 50.0).as_secs_f64() * 1000.0,
            percentile(&firsts, 99.0).as_secs_f64() * 1000.0,
            errors
        );
    }
}
