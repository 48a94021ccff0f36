//! A small agency backend that runs as many processes as it needs: HTTP servers behind a load
//! balancer and scheduler workers, all sharing one store (a SQLite file on one machine, Postgres
//! for several). An OAuth connect started on one server finishes on any other, because the
//! single-use OAuth state lives in the store; a scheduled post is published exactly once however
//! many workers run, because workers lease jobs from the store.
//!
//! ```text
//! agency_server serve  [--listen 127.0.0.1:3000]
//! agency_server worker [--id NAME] [--lease-ms 120000] [--poll-ms 1000] [--max-poll-ms 10000]
//!                      [--batch 4] [--concurrency 4] [--retry-backoff-ms 30000] [--first-poll-ms 1000]
//! common:              [--store sqlite:PATH|postgres://…] [--sandbox-url URL] [--app-id ID]
//! ```
//!
//! Configuration comes from the environment, flags win: `INSTAGRAPH_STORE_URL` (`--store`),
//! `INSTAGRAPH_SEALING_KEY` (base64 of 32 bytes; every process needs the same one, and it stays
//! out of the command line, which other users of the machine can read; older keys after a
//! rotation in `INSTAGRAPH_PREVIOUS_SEALING_KEYS`), and the client's
//! variables (`INSTAGRAM_APP_ID`, `INSTAGRAM_APP_SECRET`, `INSTAGRAM_MODE=sandbox` with
//! `INSTAGRAM_SANDBOX_URL`, `INSTAGRAM_REDIRECT_URI`, see `Config::from_env`).
//!
//! Routes of `serve`:
//! - `GET /connect/start?company=acme[&login=instagram]` → `{"url","state","expiresAt"}`;
//! - `GET /connect/callback?code=…&state=…` (the redirect URI; Meta's query as is) →
//!   `{"companyId","tokenId","userId","accounts":[{"igUserId","username"}]}`;
//! - `GET /accounts?company=acme` → the company's stored accounts;
//! - `GET /healthz` → `ok`.
//!
//! `worker` publishes due scheduled posts until SIGTERM or Ctrl-C, then finishes the posts it is
//! publishing and hands the rest back.
//!
//! Try it on one machine with the sandbox:
//!
//! ```text
//! cargo run --bin instagraph-sandbox -- --port 4000 &
//! export INSTAGRAM_MODE=sandbox INSTAGRAM_SANDBOX_URL=http://127.0.0.1:4000 \
//!        INSTAGRAM_APP_ID=100000000000001 INSTAGRAM_APP_SECRET=… \
//!        INSTAGRAM_REDIRECT_URI=http://localhost:3000/connect/callback \
//!        INSTAGRAPH_STORE_URL=sqlite:/tmp/agency.db INSTAGRAPH_SEALING_KEY=…
//! cargo run --example agency_server -- serve --listen 127.0.0.1:3000 &
//! cargo run --example agency_server -- serve --listen 127.0.0.1:3001 &
//! cargo run --example agency_server -- worker --id worker-1 &
//! cargo run --example agency_server -- worker --id worker-2 &
//! ```

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Duration;

use axum::extract::{Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use instagraph::accounts::ConnectRequest;
use instagraph::publisher::{Publisher, PublisherConfig, Scheduler, WaitPolicy, WorkerOptions};
use instagraph::store::{AccountQuery, Sealer, Store};
use instagraph::{AccountManager, Client, CompanyId, Config, Error};
use serde_json::{json, Value};

/// The line `serve` prints once it accepts connections, followed by its base URL.
pub const LISTENING: &str = "agency_server listening on ";
/// The line `worker` prints once it polls for jobs, followed by its id.
pub const WORKING: &str = "agency_server worker running: ";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("agency_server: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the command line `args` (without the program name) to the end, on its own runtime.
pub fn run(args: Vec<String>) -> Result<(), BoxError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run_async(args))
}

/// Any error, as the command line reports it.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

async fn run_async(args: Vec<String>) -> Result<(), BoxError> {
    let (mode, flags) = parse_args(&args)?;
    let client = client(&flags)?;
    let store = open_store(&flags).await?;
    let manager = AccountManager::new(client, store);
    match mode.as_str() {
        "serve" => serve(manager, &flags).await,
        "worker" => work(manager, &flags).await,
        other => Err(format!("unknown mode {other:?}: use `serve` or `worker`").into()),
    }
}

/// `MODE --flag value …` → the mode and the flags (without their dashes).
fn parse_args(args: &[String]) -> Result<(String, HashMap<String, String>), BoxError> {
    let mut args = args.iter();
    let mode = args
        .next()
        .ok_or("usage: agency_server serve|worker [--flag value]…")?
        .clone();
    let mut flags = HashMap::new();
    while let Some(flag) = args.next() {
        let name = flag
            .strip_prefix("--")
            .ok_or_else(|| format!("expected a --flag, got {flag:?}"))?;
        let value = args
            .next()
            .ok_or_else(|| format!("--{name} needs a value"))?;
        flags.insert(name.to_owned(), value.clone());
    }
    Ok((mode, flags))
}

fn millis(flags: &HashMap<String, String>, name: &str, default: u64) -> Result<Duration, BoxError> {
    Ok(Duration::from_millis(number(flags, name, default)?))
}

fn number(flags: &HashMap<String, String>, name: &str, default: u64) -> Result<u64, BoxError> {
    match flags.get(name) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| format!("--{name}: {v:?} is not a whole number").into()),
    }
}

/// The client, from the environment with `--sandbox-url` and `--app-id` overriding it.
fn client(flags: &HashMap<String, String>) -> Result<Client, BoxError> {
    let config = Config::from_lookup(|key| {
        let flag = match key {
            "INSTAGRAM_APP_ID" => flags.get("app-id"),
            "INSTAGRAM_SANDBOX_URL" => flags.get("sandbox-url"),
            "INSTAGRAM_MODE" if flags.contains_key("sandbox-url") => {
                return Some("sandbox".to_owned())
            }
            _ => None,
        };
        flag.cloned().or_else(|| std::env::var(key).ok())
    })?;
    Ok(Client::with_config(config)?)
}

/// Opens the store named by `--store` or `INSTAGRAPH_STORE_URL`, sealing tokens with the key in
/// `INSTAGRAPH_SEALING_KEY` (and opening old ones with `INSTAGRAPH_PREVIOUS_SEALING_KEYS`).
async fn open_store(flags: &HashMap<String, String>) -> Result<Store, BoxError> {
    let url = match flags.get("store") {
        Some(url) => url.clone(),
        None => std::env::var("INSTAGRAPH_STORE_URL")
            .map_err(|_| "set INSTAGRAPH_STORE_URL or --store (sqlite:PATH or postgres://…)")?,
    };
    open_store_url(&url, Sealer::from_env()?).await
}

/// Opens the store at `url`: `sqlite:PATH` or `postgres://…` (a schema other than the
/// database's default goes in the URL: `?options[search_path]=agency`).
pub async fn open_store_url(url: &str, sealer: Sealer) -> Result<Store, BoxError> {
    Ok(Store::open_url(url, sealer).await?)
}

// ---- serve ----

async fn serve(manager: AccountManager, flags: &HashMap<String, String>) -> Result<(), BoxError> {
    let listen = flags.get("listen").map_or("127.0.0.1:3000", String::as_str);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("--listen {listen}: {e}"))?;
    let app = Router::new()
        .route("/connect/start", get(connect_start))
        .route("/connect/callback", get(connect_callback))
        .route("/accounts", get(accounts))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(manager);
    println!("{LISTENING}http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// An SDK error as an HTTP answer: the caller's fault → 400, Meta's or the network's → 502.
struct ApiError(Error);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self.0 {
            Error::InvalidInput { .. } | Error::Auth(_) => StatusCode::BAD_REQUEST,
            Error::NotFound { .. } => StatusCode::NOT_FOUND,
            Error::Store(_) | Error::Config { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_GATEWAY,
        };
        // The SDK's messages never carry a token, so they can go back to the caller.
        (status, Json(json!({ "error": self.0.to_string() }))).into_response()
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        Self(e)
    }
}

fn company_param(params: &HashMap<String, String>) -> Result<CompanyId, ApiError> {
    match params.get("company").map(|c| c.trim()) {
        Some(c) if !c.is_empty() => Ok(CompanyId::new(c)),
        _ => Err(ApiError(Error::InvalidInput {
            field: "company",
            reason: "the query parameter is missing or empty".into(),
        })),
    }
}

async fn connect_start(
    State(manager): State<AccountManager>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let company = company_param(&params)?;
    let request = match params.get("login").map(String::as_str) {
        None | Some("facebook") => ConnectRequest::facebook(company),
        Some("instagram") => ConnectRequest::instagram(company),
        Some(other) => {
            return Err(ApiError(Error::InvalidInput {
                field: "login",
                reason: format!("{other:?} is neither facebook nor instagram"),
            }))
        }
    };
    let start = manager.start_connect(request).await?;
    Ok(Json(json!({
        "url": start.url,
        "state": start.state,
        "expiresAt": start.expires_at,
    })))
}

async fn connect_callback(
    State(manager): State<AccountManager>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let connection = manager
        .finish_connect(query.as_deref().unwrap_or_default())
        .await?;
    let accounts: Vec<Value> = connection
        .accounts
        .iter()
        .map(|a| json!({ "igUserId": a.ig_user_id.as_str(), "username": a.username }))
        .collect();
    Ok(Json(json!({
        "companyId": connection.company.as_str(),
        "tokenId": connection.token_id.as_str(),
        "userId": connection.user_id,
        "accounts": accounts,
    })))
}

async fn accounts(
    State(manager): State<AccountManager>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let company = company_param(&params)?;
    let page = manager
        .store()
        .backend()
        .query_accounts(&company, &AccountQuery::default())
        .await
        .map_err(Error::from)?;
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|a| {
            json!({
                "igUserId": a.ig_user_id.as_str(),
                "username": a.username,
                "tokenId": a.token_id.as_ref().map(|t| t.as_str()),
            })
        })
        .collect();
    Ok(Json(json!({ "total": page.total, "items": items })))
}

// ---- worker ----

async fn work(manager: AccountManager, flags: &HashMap<String, String>) -> Result<(), BoxError> {
    let id = match flags.get("id") {
        Some(id) => id.clone(),
        // Unique among the workers sharing the store: it is the lease owner.
        None => format!("worker-{}", std::process::id()),
    };
    let options = WorkerOptions {
        lease: millis(flags, "lease-ms", 120_000)?,
        poll_interval: millis(flags, "poll-ms", 1_000)?,
        max_poll_interval: millis(flags, "max-poll-ms", 10_000)?,
        batch: number(flags, "batch", 4)?,
        concurrency: usize::try_from(number(flags, "concurrency", 4)?)?,
        retry_backoff: millis(flags, "retry-backoff-ms", 30_000)?,
        ..WorkerOptions::default()
    };
    let publisher = Publisher::with_config(
        manager,
        PublisherConfig {
            // The same lease as the worker's, so a dead worker's jobs are taken over as soon
            // as either lapses.
            lease: options.lease,
            image_wait: WaitPolicy {
                first_poll: millis(flags, "first-poll-ms", 1_000)?,
                ..WaitPolicy::images()
            },
            ..PublisherConfig::default()
        },
    );
    let worker = Scheduler::new(publisher).worker(id).with_options(options);
    println!("{WORKING}{}", worker.id());
    worker.run_until(shutdown_signal()).await?;
    println!("agency_server worker stopped: {}", worker.id());
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM (what a process manager sends to stop a process).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            // No Ctrl-C handler: rely on SIGTERM alone.
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
