//! Media insights of 500 media, with and without batch requests, against the embedded sandbox.
//!
//! Setup: a sandbox without call budgets, 500 images published on @alice.bakery through the
//! SDK. Then, for each simulated network latency (the sandbox's `slow_ms` fault delays every
//! HTTP request; operations inside a batch are not delayed, as they run inside Meta), three ways
//! to read the insights of the 500 media:
//!
//! - `one by one`: `graph.media_insights(id, kind).send()`, sequentially;
//! - `4 concurrent`: the same, 4 requests in flight;
//! - `batch`: `graph.media_insights_batch(..)`: 10 requests of 50 operations, 4 in flight.
//!
//! HTTP requests are counted by a counting reverse proxy in front of the sandbox (a separate,
//! untimed pass); times are the median of 3 timed runs straight against the sandbox.
//!
//! Run with `cargo bench --bench batch_insights` (prints a table).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures::stream::{self, StreamExt, TryStreamExt};
use instagraph::api::insights::MediaInsightKind;
use instagraph::api::{ContainerRequest, WaitOptions};
use instagraph::{AccessToken, Client, Hosts, IgUserId, MediaId};
use instagraph_sandbox::{Faults, Login, Sandbox, SandboxConfig, TokenRequest};

const MEDIA: usize = 500;
const RUNS: usize = 3;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Clone, Copy, PartialEq)]
enum Way {
    OneByOne,
    Concurrent4,
    Batch,
}

impl Way {
    fn label(self) -> &'static str {
        match self {
            Way::OneByOne => "one by one",
            Way::Concurrent4 => "4 concurrent",
            Way::Batch => "batch (50/request, 4 in flight)",
        }
    }
}

async fn read_insights(
    client: &Client,
    token: &AccessToken,
    media: &[MediaId],
    way: Way,
) -> Result<usize, BoxError> {
    let graph = client.facebook(token);
    let kind = MediaInsightKind::Feed;
    let ok = match way {
        Way::OneByOne => {
            let mut n = 0;
            for id in media {
                let insights = graph.media_insights(id.clone(), kind).send().await?;
                n += usize::from(!insights.metrics.is_empty());
            }
            n
        }
        Way::Concurrent4 => {
            let all: Vec<_> = stream::iter(media.iter().cloned())
                .map(|id| async move { graph.media_insights(id, kind).send().await })
                .buffered(4)
                .try_collect()
                .await?;
            all.iter().filter(|i| !i.metrics.is_empty()).count()
        }
        Way::Batch => {
            let results = graph
                .media_insights_batch(media.iter().cloned().map(|id| (id, kind)), None)
                .await?;
            let mut n = 0;
            for (_, r) in results {
                n += usize::from(!r?.metrics.is_empty());
            }
            n
        }
    };
    Ok(ok)
}

/// A reverse proxy that counts the HTTP requests it forwards.
async fn counting_proxy(target: String) -> Result<(String, Arc<AtomicUsize>), BoxError> {
    let count = Arc::new(AtomicUsize::new(0));
    let http = reqwest::Client::new();
    async fn forward(
        State((target, http, count)): State<(String, reqwest::Client, Arc<AtomicUsize>)>,
        request: Request,
    ) -> Response {
        count.fetch_add(1, Ordering::SeqCst);
        let (parts, body) = request.into_parts();
        let Ok(body) = axum::body::to_bytes(body, 16 << 20).await else {
            return StatusCode::BAD_REQUEST.into_response();
        };
        let url = format!(
            "{target}{}",
            parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/")
        );
        let mut out = http.request(parts.method, url).body(body);
        if let Some(ct) = parts.headers.get("content-type") {
            out = out.header("content-type", ct);
        }
        match out.send().await {
            Ok(r) => {
                let status = r.status();
                let headers = r.headers().clone();
                let bytes = r.bytes().await.unwrap_or_else(|_| Bytes::new());
                let mut response = (status, bytes).into_response();
                for name in ["content-type", "x-app-usage", "x-business-use-case-usage"] {
                    if let Some(v) = headers.get(name) {
                        response.headers_mut().insert(name, v.clone());
                    }
                }
                response
            }
            Err(_) => StatusCode::BAD_GATEWAY.into_response(),
        }
    }
    let app = axum::Router::new()
        .fallback(forward)
        .with_state((target, http, count.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((base, count))
}

fn client_for(sandbox: &Sandbox, base: &str) -> Result<Client, BoxError> {
    Ok(Client::builder()
        .app(sandbox.app_id(), sandbox.app_secret())
        .hosts(Hosts::sandbox(base))
        .build()?)
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let sandbox = Sandbox::builder()
        .config(SandboxConfig {
            app_call_budget_per_hour: 0,
            business_call_budget_per_day: 0,
            image_processing_ms: 0,
            publishing_quota: 1_000,
            container_quota: 2_000,
            ..SandboxConfig::default()
        })
        .start()
        .await?;
    let client = client_for(&sandbox, sandbox.base_url())?;
    let alice = sandbox.seed().user("Alice").ok_or("no Alice")?;
    let token = AccessToken::new(
        sandbox
            .issue_token(&TokenRequest {
                user_id: alice.id.clone(),
                login: Login::Facebook,
                long_lived: true,
                scopes: None,
                page_id: None,
            })?
            .access_token,
    );
    let account = sandbox
        .seed()
        .instagram_accounts
        .iter()
        .find(|a| a.username == "alice.bakery")
        .or_else(|| sandbox.seed().instagram_accounts.first())
        .ok_or("no IG account")?
        .id
        .clone();

    // 500 media, published through the SDK (16 at a time).
    let started = Instant::now();
    let graph = client.facebook(&token);
    let wait = WaitOptions {
        timeout: Duration::from_secs(30),
        initial_interval: Duration::from_millis(1),
        max_interval: Duration::from_millis(20),
        factor: 1.5,
    };
    let media: Vec<MediaId> = stream::iter(0..MEDIA)
        .map(|i| {
            let publishing = graph.ig_user(IgUserId::new(account.clone())).publishing();
            let wait = wait.clone();
            async move {
                publishing
                    .publish_image(
                        ContainerRequest::image(format!(
                            "https://images.example.com/bench-{i}.jpg"
                        )),
                        wait,
                    )
                    .await
                    .map(|p| p.media_id)
            }
        })
        .buffered(16)
        .try_collect()
        .await?;
    println!(
        "published {} media on {account} in {:.1} s\n",
        media.len(),
        started.elapsed().as_secs_f64()
    );

    let (proxy, proxied) = counting_proxy(sandbox.base_url().to_owned()).await?;
    let counting_client = client_for(&sandbox, &proxy)?;

    println!(
        "| latency per request | way | HTTP requests | Graph operations | time (median of {RUNS}) |"
    );
    println!("|---|---|---|---|---|");
    for latency_ms in [0u64, 10] {
        sandbox.set_faults(Faults {
            slow_ms: latency_ms,
            ..Faults::default()
        });
        for way in [Way::OneByOne, Way::Concurrent4, Way::Batch] {
            proxied.store(0, Ordering::SeqCst);
            sandbox.reset_call_counts();
            let n = read_insights(&counting_client, &token, &media, way).await?;
            assert_eq!(n, MEDIA, "every media has insights");
            let requests = proxied.load(Ordering::SeqCst);
            // The sandbox counts every operation, inside a batch or not, plus each batch POST.
            let sandbox_calls: u64 = sandbox.call_counts().values().sum();
            let operations = match way {
                Way::Batch => sandbox_calls.saturating_sub(requests as u64),
                _ => sandbox_calls,
            };
            let mut times = Vec::with_capacity(RUNS);
            for _ in 0..RUNS {
                let t = Instant::now();
                read_insights(&client, &token, &media, way).await?;
                times.push(t.elapsed());
            }
            times.sort();
            let median = times.get(RUNS / 2).copied().unwrap_or_default();
            println!(
                "| {latency_ms} ms | {} | {requests} | {operations} | {:.0} ms |",
                way.label(),
                median.as_secs_f64() * 1000.0
            );
        }
    }
    sandbox.shutdown().await;
    Ok(())
}
