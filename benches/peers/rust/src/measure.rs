//! What every Rust client of the harness does the same way: read its arguments, warm up, make
//! N requests one after another (`seq`, tokio's current_thread runtime) or with 16 in flight
//! (`c16`, 16 tasks on a multi-thread runtime with 2 workers), and print one JSON line with the
//! wall time, the process's CPU time over the measured part (`getrusage(RUSAGE_SELF)`: every
//! thread) and its peak RSS.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use crate::CONCURRENCY;

/// How the N requests are issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One after another, on a current_thread runtime.
    Seq,
    /// 16 in flight, on a multi-thread runtime with 2 workers.
    C16,
}

impl Mode {
    /// `seq` or `c16`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "seq" => Ok(Self::Seq),
            "c16" => Ok(Self::C16),
            other => Err(format!("MODE must be seq or c16, not {other:?}")),
        }
    }

    /// The name run.sh and the JSON line use.
    pub fn label(self) -> &'static str {
        match self {
            Self::Seq => "seq",
            Self::C16 => "c16",
        }
    }

    /// The runtime the mode runs on.
    pub fn runtime(self) -> Result<tokio::runtime::Runtime, String> {
        let mut builder = match self {
            Self::Seq => tokio::runtime::Builder::new_current_thread(),
            Self::C16 => {
                let mut b = tokio::runtime::Builder::new_multi_thread();
                b.worker_threads(2);
                b
            }
        };
        builder
            .enable_all()
            .build()
            .map_err(|e| format!("tokio runtime: {e}"))
    }
}

/// The arguments of a measured run: `MODE N` on the command line, the server and the warm-up
/// from the environment (`PEERS_BASE_URL`, `PEERS_WARMUP`, default 50).
#[derive(Debug, Clone)]
pub struct Args {
    /// `seq` or `c16`.
    pub mode: Mode,
    /// Requests measured.
    pub requests: usize,
    /// Requests made before measuring (same mode).
    pub warmup: usize,
    /// nginx, e.g. `http://127.0.0.1:18080`.
    pub base_url: String,
}

impl Args {
    /// Reads `MODE N` from `argv[1..]` and the environment.
    pub fn from_env(argv: &[String]) -> Result<Self, String> {
        let [mode, requests] = argv else {
            return Err("usage: MODE N (MODE seq or c16)".into());
        };
        let requests = requests
            .parse()
            .map_err(|_| format!("N must be a number of requests, not {requests:?}"))?;
        Ok(Self {
            mode: Mode::parse(mode)?,
            requests,
            warmup: warmup()?,
            base_url: base_url()?,
        })
    }
}

/// `PEERS_BASE_URL`: where nginx listens.
pub fn base_url() -> Result<String, String> {
    std::env::var("PEERS_BASE_URL")
        .map(|url| url.trim_end_matches('/').to_owned())
        .map_err(|_| "PEERS_BASE_URL (nginx's base URL) is not set".to_owned())
}

fn warmup() -> Result<usize, String> {
    match std::env::var("PEERS_WARMUP") {
        Ok(text) => text
            .parse()
            .map_err(|_| format!("PEERS_WARMUP must be a number, not {text:?}")),
        Err(_) => Ok(50),
    }
}

/// One client's way of making the request: fetch the media page, decode it fully into the
/// client's own model, check it holds 25 media, and answer the sum of their `like_count`.
pub trait Fetch: Send + Sync + 'static {
    /// One request.
    fn one(&self) -> impl Future<Output = Result<u64, String>> + Send;
}

/// The process's CPU time so far and its peak RSS.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    /// User + system CPU seconds of every thread.
    pub cpu_s: f64,
    /// Peak resident set size, KiB.
    pub max_rss_kb: u64,
}

/// `getrusage(RUSAGE_SELF)`.
pub fn usage() -> Usage {
    // SAFETY: getrusage only writes the struct it is given, which is plain data.
    let mut raw: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a rusage; RUSAGE_SELF is always a valid `who`.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut raw) };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Usage {
        cpu_s: seconds(raw.ru_utime) + seconds(raw.ru_stime),
        max_rss_kb: u64::try_from(raw.ru_maxrss).unwrap_or(0),
    }
}

/// The line a run prints (run.sh reads it).
#[derive(Debug, Clone)]
pub struct Report {
    /// The client's name in the table, e.g. `rust-bare`.
    pub client: String,
    /// `seq`, `c16` or `stream`.
    pub mode: String,
    /// Requests measured.
    pub requests: usize,
    /// Wall seconds of the measured part.
    pub wall_s: f64,
    /// CPU seconds of the measured part.
    pub cpu_s: f64,
    /// Peak RSS of the process, KiB.
    pub max_rss_kb: u64,
    /// The sum of `like_count` over every media received in the measured part.
    pub checksum: u64,
    /// Media received, for the stream.
    pub items: Option<u64>,
}

impl Report {
    /// The report as one line of JSON.
    pub fn json_line(&self) -> String {
        let mut line = serde_json::json!({
            "client": self.client,
            "mode": self.mode,
            "requests": self.requests,
            "wall_s": self.wall_s,
            "cpu_s": self.cpu_s,
            "max_rss_kb": self.max_rss_kb,
            "checksum": self.checksum,
        });
        if let Some(items) = self.items {
            line["items"] = items.into();
        }
        line.to_string()
    }
}

/// Builds the client with `make` (inside the runtime), warms up, measures `args.requests`
/// requests in `args.mode` and reports.
pub fn run<F, M>(client: &str, args: &Args, make: M) -> Result<Report, String>
where
    F: Fetch,
    M: FnOnce(&str) -> Result<F, String>,
{
    let runtime = args.mode.runtime()?;
    runtime.block_on(async {
        let fetch = Arc::new(make(&args.base_url)?);
        let issue = |n| issue(args.mode, Arc::clone(&fetch), n);
        issue(args.warmup).await?;
        let before = usage();
        let started = Instant::now();
        let checksum = issue(args.requests).await?;
        let wall_s = started.elapsed().as_secs_f64();
        let after = usage();
        Ok(Report {
            client: client.to_owned(),
            mode: args.mode.label().to_owned(),
            requests: args.requests,
            wall_s,
            cpu_s: after.cpu_s - before.cpu_s,
            max_rss_kb: after.max_rss_kb,
            checksum,
            items: None,
        })
    })
}

/// `n` requests in `mode`; the sum of their checksums.
async fn issue<F: Fetch>(mode: Mode, fetch: Arc<F>, n: usize) -> Result<u64, String> {
    match mode {
        Mode::Seq => {
            let mut sum = 0;
            for _ in 0..n {
                sum += fetch.one().await?;
            }
            Ok(sum)
        }
        Mode::C16 => {
            // 16 tasks (as 16 request handlers of a service would be) taking requests from one
            // counter: 16 in flight until the last ones.
            let taken = Arc::new(AtomicUsize::new(0));
            let workers: Vec<_> = (0..CONCURRENCY)
                .map(|_| {
                    let (fetch, taken) = (Arc::clone(&fetch), Arc::clone(&taken));
                    tokio::spawn(async move {
                        let mut sum = 0;
                        while taken.fetch_add(1, Ordering::Relaxed) < n {
                            sum += fetch.one().await?;
                        }
                        Ok::<u64, String>(sum)
                    })
                })
                .collect();
            let mut sum = 0;
            for worker in workers {
                sum += worker.await.map_err(|e| format!("worker task: {e}"))??;
            }
            Ok(sum)
        }
    }
}

/// Runs `main`, prints its report or its error (exit status 1).
pub fn exit_with(result: Result<Report, String>) -> std::process::ExitCode {
    match result {
        Ok(report) => {
            println!("{}", report.json_line());
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
