//! Load generator for `POST /chatkit`: full `threads.create` turns (the whole SSE stream read
//! to its end) at a fixed concurrency, reporting turns/s and the time to the first event.
//!
//!   cargo run --release --features ssr --example chatkit_bench -- \
//!       --url http://127.0.0.1:3000/chatkit [--session URL] [--concurrency 1,16,64] [--seconds 10]
//!
//! With `--session`, one client secret is minted and sent as a Bearer token (our server);
//! without it requests carry no credentials (the Python reference server). `--url` may name
//! several server processes sharing one Postgres (`URL,URL`): connections alternate between
//! them, all with the secret the `--session` URL's process minted.
//!
//! Each worker holds one HTTP/1.1 keep-alive connection driven by hyper's connection-level
//! client: no pool, no redirects, no header defaults. The generator shares the machine's cores
//! with the server, so the less it spends per turn, the more the figures describe the server.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
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

/// Where requests go: the socket address to dial and the request target.
#[derive(Clone)]
struct Target {
    authority: String,
    path: String,
    authorization: Option<String>,
}

impl Target {
    fn parse(url: &str, secret: Option<&str>) -> Result<Target, String> {
        let uri: hyper::Uri = url.parse().map_err(|e| format!("--url: {e}"))?;
        if uri.scheme_str() != Some("http") {
            return Err("--url must be http://".into());
        }
        Ok(Target {
            authority: uri.authority().ok_or("--url needs a host")?.to_string(),
            path: uri.path_and_query().map_or("/".into(), |p| p.to_string()),
            authorization: secret.map(|s| format!("Bearer {s}")),
        })
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, String> {
        let tcp = tokio::net::TcpStream::connect(&self.authority)
            .await
            .map_err(|e| e.to_string())?;
        tcp.set_nodelay(true).map_err(|e| e.to_string())?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
            .await
            .map_err(|e| e.to_string())?;
        tokio::spawn(connection);
        Ok(sender)
    }

    fn request(&self) -> hyper::Request<Full<Bytes>> {
        let mut request = hyper::Request::post(&self.path)
            .header(hyper::header::HOST, &self.authority)
            .header(hyper::header::CONTENT_TYPE, "application/json");
        if let Some(authorization) = &self.authorization {
            request = request.header(hyper::header::AUTHORIZATION, authorization);
        }
        request
            .body(Full::new(Bytes::from_static(BODY.as_bytes())))
            .expect("a valid request")
    }
}

/// One whole turn: the request, then every event of its stream up to the end.
async fn one_turn(
    sender: &mut SendRequest<Full<Bytes>>,
    target: &Target,
) -> Result<Sample, String> {
    sender.ready().await.map_err(|e| e.to_string())?;
    let started = Instant::now();
    let response = sender
        .send_request(target.request())
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()));
    }
    let mut body = response.into_body();
    let mut first_event = None;
    let mut events = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| e.to_string())?;
        if let Some(chunk) = frame.data_ref() {
            first_event.get_or_insert_with(|| started.elapsed());
            events += chunk.windows(6).filter(|w| w == b"data: ").count();
        }
    }
    Ok(Sample {
        first_event: first_event.ok_or("empty stream")?,
        events,
    })
}

/// Runs turns back to back on one connection until the deadline; reconnects after an error.
async fn worker(target: Target, deadline: Instant) -> (Vec<Sample>, usize) {
    let mut samples = Vec::new();
    let mut errors = 0usize;
    let mut connection = None;
    while Instant::now() < deadline {
        let sender = match &mut connection {
            Some(sender) => sender,
            None => match target.connect().await {
                Ok(sender) => connection.insert(sender),
                Err(_) => {
                    errors += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        match one_turn(sender, &target).await {
            Ok(sample) => samples.push(sample),
            Err(_) => {
                errors += 1;
                connection = None;
            }
        }
    }
    (samples, errors)
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
    // Several URLs (comma-separated): server processes sharing one database; connections are
    // spread over them round-robin, all with the one client secret the first minted.
    let targets: Vec<Target> = match args
        .url
        .split(',')
        .map(|url| Target::parse(url.trim(), secret.as_deref()))
        .collect()
    {
        Ok(t) => t,
        Err(e) => {
            eprintln!("chatkit_bench: {e}");
            std::process::exit(2);
        }
    };
    println!("| server | concurrency | turns | turns/s | events/turn | first event p50 | first event p99 | errors |");
    println!("|---|---|---|---|---|---|---|---|");
    for &concurrency in &args.concurrency {
        let deadline = Instant::now() + Duration::from_secs(args.seconds);
        let started = Instant::now();
        let workers: Vec<_> = (0..concurrency)
            .map(|n| tokio::spawn(worker(targets[n % targets.len()].clone(), deadline)))
            .collect();
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
