//! Start-up only: config, tracing, store and migrations, then serve.

// A turn allocates many short-lived strings (events, rows) across threads; mimalloc spends
// about a third of what glibc malloc does on them (BENCHMARKS.md).
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    match professor_lock::startup::run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("professor_lock: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "ssr"))]
pub fn main() {}
