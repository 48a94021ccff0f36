//! A small agency backend that runs as many processes as it needs: HTTP servers behind a load
//! balancer and scheduler workers, all sharing one store (a SQLite file on one machine, Postgres
//! for several). An OAuth connect started on one server finishes on any other, because the
//! single-use OAuth state lives in the store; a scheduled post is published exactly once however
//! many workers run, because workers lease jobs from the store.
//!
//! ```text
//! agency_server serve  [--listen 127.0.0.1:3000] [--api-keys acme:KEY,…]
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
//! - `GET /connect/start[?company=acme&login=instagram]` → `{"url","state","expiresAt"}`;
//! - `GET /connect/callback?code=…&state=…` (the redirect URI; Meta's query as is) →
//!   `{"companyId","tokenId","userId","accounts":[{"igUserId","username"}]}`;
//! - `GET /accounts[?company=acme]` → the company's stored accounts;
//! - `GET /healthz` → `ok`.
//!
//! Authentication, as in the node-backend: each company has API keys, and every route but the
//! callback (the user's browser, authenticated by the single-use OAuth state, which names the
//! company that started the connect) and `/healthz` needs one, as `x-api-key: KEY` or
//! `Authorization: Bearer KEY` (401 without a known key). The key decides the company; a
//! `company` parameter, if given, must be the key's (403 otherwise). `serve` takes the keys from
//! `COMPANY_API_KEYS` or `--api-keys` (`acme:key1,globex:key2,acme:key3`; at least 8
//! characters, each key one company's; the environment keeps them out of the command line) and
//! refuses to start without any.
//!
//! `worker` publishes due scheduled posts until SIGTERM or Ctrl-C, then finishes the posts it is
//! publishing and hands the rest back.
//!
//! Try it on one machine with the sandbox:
//!
//! ```text
//! cargo run -p instagraph-sandbox -- --port 4000 &
//! export INSTAGRAM_MODE=sandbox INSTAGRAM_SANDBOX_URL=http://127.0.0.1:4000 \
//!        INSTAGRAM_APP_ID=100000000000001 INSTAGRAM_APP_SECRET=… \
//!        INSTAGRAM_REDIRECT_URI=http://localhost:3000/connect/callback \
//!        INSTAGRAPH_STORE_URL=sqlite:/tmp/agency.db INSTAGRAPH_SEALING_KEY=… \
//!        COMPANY_API_KEYS=acme:a-long-random-key
//! cargo run --example agency_server -- serve --listen 127.0.0.1:3000 &
//! cargo run --example agency_server -- serve --listen 127.0.0.1:3001 &
//! cargo run --example agency_server -- worker --id worker-1 &
//! cargo run --example agency_server -- worker --id worker-2 &
//! ```

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use instagraph::accounts::ConnectRequest;
use instagraph::publisher::{Publisher, PublisherConfig, Scheduler, WaitPolicy, WorkerOptions};
use instagraph::store::{AccountQuery, Sealer, Store};
use instagraph::{AccountManager, AuthError, Client, CompanyId, Config, Error};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

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

/// The shortest API key accepted.
const MIN_KEY_LEN: usize = 8;

/// The companies' API keys. Only their SHA-256 digests are kept, and a key is looked up by
/// comparing it with every digest in constant time, so that timing says nothing about them.
#[derive(Clone)]
pub struct ApiKeys {
    digests: Arc<Vec<([u8; 32], CompanyId)>>,
}

impl ApiKeys {
    /// Reads `acme:key1,globex:key2,acme:key3` (commas or blanks between entries). Errors name
    /// the entry by its position, never by its text: a malformed entry may still be a key.
    pub fn parse(text: &str) -> Result<Self, BoxError> {
        let mut digests: Vec<([u8; 32], CompanyId)> = Vec::new();
        let entries = text.split(|c: char| c == ',' || c.is_whitespace());
        for (n, entry) in entries.filter(|e| !e.is_empty()).enumerate() {
            let n = n + 1;
            let (company, key) = entry
                .split_once(':')
                .filter(|(c, k)| !c.is_empty() && !k.is_empty())
                .ok_or_else(|| format!("API keys: entry {n} is not company:key"))?;
            if key.chars().count() < MIN_KEY_LEN {
                return Err(format!(
                    "API keys: the key of entry {n} is shorter than {MIN_KEY_LEN} characters"
                )
                .into());
            }
            let digest: [u8; 32] = Sha256::digest(key.as_bytes()).into();
            if let Some((_, owner)) = digests.iter().find(|(d, _)| *d == digest) {
                if owner.as_str() != company {
                    return Err(format!(
                        "API keys: the key of entry {n} is also given to {owner}; a key belongs \
                         to one company"
                    )
                    .into());
                }
                continue;
            }
            digests.push((digest, CompanyId::new(company)));
        }
        if digests.is_empty() {
            return Err("API keys: none given (company:key, …)".into());
        }
        Ok(Self {
            digests: Arc::new(digests),
        })
    }

    /// The company whose key `given` is.
    fn company(&self, given: &str) -> Option<CompanyId> {
        let digest = Sha256::digest(given.as_bytes());
        let mut found = None;
        // Every digest is compared, found or not.
        for (known, company) in self.digests.iter() {
            if bool::from(known[..].ct_eq(&digest[..])) {
                found = Some(company.clone());
            }
        }
        found
    }
}

/// The keys of `--api-keys`, or else of `COMPANY_API_KEYS`.
fn api_keys(flags: &HashMap<String, String>) -> Result<ApiKeys, BoxError> {
    match flags.get("api-keys") {
        Some(text) => ApiKeys::parse(text),
        None => ApiKeys::parse(&std::env::var("COMPANY_API_KEYS").map_err(|_| {
            "set COMPANY_API_KEYS or --api-keys (company:key,…): every route but the callback \
             needs a company's API key"
        })?),
    }
}

/// What the handlers share.
#[derive(Clone)]
struct AppState {
    manager: AccountManager,
    keys: ApiKeys,
}

async fn serve(manager: AccountManager, flags: &HashMap<String, String>) -> Result<(), BoxError> {
    let keys = api_keys(flags)?;
    let listen = flags.get("listen").map_or("127.0.0.1:3000", String::as_str);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("--listen {listen}: {e}"))?;
    println!("{LISTENING}http://{}", listener.local_addr()?);
    axum::serve(listener, app(manager, keys))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// The routes of `serve`, over `manager`, authenticated with `keys`.
pub fn app(manager: AccountManager, keys: ApiKeys) -> Router {
    Router::new()
        .route("/connect/start", get(connect_start))
        .route("/connect/callback", get(connect_callback))
        .route("/accounts", get(accounts))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(AppState { manager, keys })
}

/// A refused request, or an SDK error as an HTTP answer: the caller's fault → 4xx with the
/// SDK's message; the service's (store, configuration) → 500 and Meta's or the network's → 502,
/// both with a fixed message (the detail goes to stderr).
enum ApiError {
    Unauthenticated(&'static str),
    Forbidden(&'static str),
    Sdk(Error),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            Self::Unauthenticated(why) => (StatusCode::UNAUTHORIZED, why.to_owned()),
            Self::Forbidden(why) => (StatusCode::FORBIDDEN, why.to_owned()),
            // Its description is the query's (Meta's, or whoever crafted the link): not echoed.
            Self::Sdk(Error::Auth(AuthError::ConsentDenied { .. })) => (
                StatusCode::BAD_REQUEST,
                "the connection was refused at Meta's consent screen".to_owned(),
            ),
            Self::Sdk(e @ (Error::InvalidInput { .. } | Error::Auth(_))) => {
                // The SDK's messages never carry a token, so they can go back to the caller.
                (StatusCode::BAD_REQUEST, e.to_string())
            }
            Self::Sdk(e @ Error::NotFound { .. }) => (StatusCode::NOT_FOUND, e.to_string()),
            Self::Sdk(e) => {
                // The detail (a driver's words, a transport error, a setting) is the
                // operator's: the log.
                eprintln!("agency_server: {e}");
                match e {
                    Error::Store(_) | Error::Config { .. } => (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "the service failed; the error was logged".to_owned(),
                    ),
                    _ => (
                        StatusCode::BAD_GATEWAY,
                        "Instagram failed or could not be reached; try again shortly".to_owned(),
                    ),
                }
            }
        };
        (status, Json(json!({ "error": message }))).into_response()
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        Self::Sdk(e)
    }
}

/// The company of the request's API key (`x-api-key` or `Authorization: Bearer`); a `company`
/// parameter must be that company.
fn authenticate(
    keys: &ApiKeys,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Result<CompanyId, ApiError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim());
    let key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .or(bearer)
        .filter(|k| !k.is_empty())
        .ok_or(ApiError::Unauthenticated(
            "send your API key in `x-api-key` or `Authorization: Bearer`",
        ))?;
    let company = keys
        .company(key)
        .ok_or(ApiError::Unauthenticated("unknown API key"))?;
    match params.get("company").map(|c| c.trim()) {
        Some(given) if !given.is_empty() && given != company.as_str() => Err(ApiError::Forbidden(
            "`company` is not the company of this API key",
        )),
        _ => Ok(company),
    }
}

async fn connect_start(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let company = authenticate(&state.keys, &headers, &params)?;
    let request = match params.get("login").map(String::as_str) {
        None | Some("facebook") => ConnectRequest::facebook(company),
        Some("instagram") => ConnectRequest::instagram(company),
        Some(other) => {
            return Err(ApiError::Sdk(Error::InvalidInput {
                field: "login",
                reason: format!("{other:?} is neither facebook nor instagram"),
            }))
        }
    };
    let start = state.manager.start_connect(request).await?;
    Ok(Json(json!({
        "url": start.url,
        "state": start.state,
        "expiresAt": start.expires_at,
    })))
}

async fn connect_callback(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let connection = state
        .manager
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
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let company = authenticate(&state.keys, &headers, &params)?;
    let page = state
        .manager
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
