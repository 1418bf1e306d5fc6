//! Many slow streams at once: the server's memory with N turns open, each waiting on a slow
//! OpenAI-compatible model (the durability tests' `SlowModel`: one word per interval).
//!
//!   cargo run --release --features ssr --example streams_bench -- \
//!       --server target/release/professor_lock --port 3201 [--streams 1000] \
//!       [--interval-ms 200] [--words 150] [--log server.log]
//!
//! The bench starts the slow model in-process and the server binary as its child (the server
//! inherits this process's environment: `DATABASE_URL`, `DATA_DIR`, `PL_CONFIG` with the rate
//! limits lifted, ...; `scripts/bench-streams` sets them), mints one client secret, then opens
//! `--streams` `threads.create` turns, each on its own HTTP/1.1 connection. A stream counts as
//! open once its first assistant text delta arrived. It reports the server's VmRSS (idle, with
//! every stream open) and VmHWM (peak) from /proc, then reads every stream to its end.

#[path = "../tests/durability/slow_model.rs"]
mod slow_model;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use slow_model::SlowModel;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Args {
    server: String,
    port: u16,
    streams: usize,
    interval: Duration,
    words: usize,
    /// Where the server's output goes.
    log: String,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        server: String::new(),
        port: 3201,
        streams: 1000,
        interval: Duration::from_millis(200),
        words: 150,
        log: "/dev/null".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--server" => args.server = value()?,
            "--port" => args.port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--streams" => {
                args.streams = value()?.parse().map_err(|e| format!("--streams: {e}"))?
            }
            "--interval-ms" => {
                let ms = value()?
                    .parse()
                    .map_err(|e| format!("--interval-ms: {e}"))?;
                args.interval = Duration::from_millis(ms)
            }
            "--words" => args.words = value()?.parse().map_err(|e| format!("--words: {e}"))?,
            "--log" => args.log = value()?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if args.server.is_empty() {
        return Err("--server is required".into());
    }
    Ok(args)
}

/// The server's resident memory now and at its peak, in KiB (`/proc/<pid>/status`).
#[derive(Clone, Copy, Debug, Default)]
struct Memory {
    rss_kib: u64,
    hwm_kib: u64,
}

fn memory_of(pid: u32) -> Memory {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    Memory {
        rss_kib: field("VmRSS:"),
        hwm_kib: field("VmHWM:"),
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The server process, killed when the bench ends however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server(args: &Args, model: &SlowModel) -> Server {
    let log = std::fs::File::create(&args.log).expect("server log");
    let child = Command::new(&args.server)
        .env("OPENAI_API_KEY", "sk-streams-bench")
        .env("OPENAI_BASE_URL", &model.base_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", args.port))
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("server log"))
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", args.server));
    Server(child)
}

async fn wait_healthy(base: &str, server: &mut Server) {
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if let Ok(Some(status)) = server.0.try_wait() {
            panic!("the server exited during start-up: {status}");
        }
        if let Ok(r) = client.get(format!("{base}/health")).send().await {
            if r.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not answer /health within 60 s");
}

const BODY: &str = r#"{"type":"threads.create","params":{"input":{"content":[{"type":"input_text","text":"Talk me through tonight's slate, slowly."}],"attachments":[],"inference_options":{}}}}"#;

/// How far the streams got.
#[derive(Default)]
struct Progress {
    open: AtomicUsize,
    finished: AtomicUsize,
    failed: AtomicUsize,
}

/// One turn on its own connection: open once the answer starts streaming, then read to the end.
async fn one_stream(
    addr: String,
    authorization: Arc<str>,
    progress: Arc<Progress>,
) -> Result<(), String> {
    let tcp = tokio::net::TcpStream::connect(&addr)
        .await
        .map_err(|e| e.to_string())?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tcp))
            .await
            .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    let request = hyper::Request::post("/chatkit")
        .header(hyper::header::HOST, &addr)
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .header(hyper::header::AUTHORIZATION, &*authorization)
        .body(Full::new(Bytes::from_static(BODY.as_bytes())))
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()));
    }
    let mut body = response.into_body();
    let mut open = false;
    let mut errored = false;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| e.to_string())?;
        if let Some(chunk) = frame.data_ref() {
            let text = String::from_utf8_lossy(chunk);
            if !open && text.contains("text_delta") {
                open = true;
                progress.open.fetch_add(1, Ordering::SeqCst);
            }
            errored |= text.contains(r#""type":"error""#);
        }
    }
    if !open || errored {
        return Err("the stream ended without an answer".into());
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("streams_bench: {e}");
            std::process::exit(2);
        }
    };
    let model = SlowModel::start(args.interval, args.words).await;
    let mut server = start_server(&args, &model);
    let pid = server.0.id();
    let addr = format!("127.0.0.1:{}", args.port);
    let base = format!("http://{addr}");
    wait_healthy(&base, &mut server).await;
    let idle = memory_of(pid);

    let session: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/api/chatkit/session"))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("session endpoint")
        .json()
        .await
        .expect("session JSON");
    let authorization: Arc<str> = format!(
        "Bearer {}",
        session["client_secret"].as_str().expect("client_secret")
    )
    .into();

    let progress = Arc::new(Progress::default());
    let started = Instant::now();
    let streams: Vec<_> = (0..args.streams)
        .map(|_| {
            let (addr, authorization, progress) =
                (addr.clone(), authorization.clone(), progress.clone());
            tokio::spawn(async move {
                let result = one_stream(addr, authorization, progress.clone()).await;
                let counter = match result {
                    Ok(()) => &progress.finished,
                    Err(_) => &progress.failed,
                };
                counter.fetch_add(1, Ordering::SeqCst);
            })
        })
        .collect();

    // Every stream open (or the first one done: the answers are too short for this many).
    let mut all_open = None;
    let mut peak_open = Memory::default();
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let open = progress.open.load(Ordering::SeqCst);
        let ended =
            progress.finished.load(Ordering::SeqCst) + progress.failed.load(Ordering::SeqCst);
        if ended > 0 || open == args.streams {
            if ended == 0 {
                all_open = Some(started.elapsed());
                // Hold them open a moment so every turn is mid-answer, then measure.
                tokio::time::sleep(args.interval * 5).await;
                peak_open = memory_of(pid);
            }
            break;
        }
        if started.elapsed() > Duration::from_secs(300) {
            break;
        }
    }
    for s in streams {
        let _ = s.await;
    }
    let end = memory_of(pid);
    let finished = progress.finished.load(Ordering::SeqCst);
    let failed = progress.failed.load(Ordering::SeqCst);
    let Some(opened_in) = all_open else {
        eprintln!(
            "streams_bench: not all {} streams were open at once ({} open, {finished} finished, {failed} failed); give the model more --words",
            args.streams,
            progress.open.load(Ordering::SeqCst)
        );
        std::process::exit(1);
    };
    println!("| streams open at once | opened in | model answers begun | VmRSS idle | VmRSS, all open | VmHWM (peak) | VmRSS after | per stream | finished | failed |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {} | {:.1} s | {} | {:.1} MiB | {:.1} MiB | {:.1} MiB | {:.1} MiB | {:.1} KiB | {finished} | {failed} |",
        args.streams,
        opened_in.as_secs_f64(),
        model.completions_started(),
        mib(idle.rss_kib),
        mib(peak_open.rss_kib),
        mib(end.hwm_kib),
        mib(end.rss_kib),
        peak_open.rss_kib.saturating_sub(idle.rss_kib) as f64 / args.streams as f64,
    );
    if failed > 0 {
        std::process::exit(1);
    }
}
