//! The cost of going through [`instagraph::Client`] instead of bare `reqwest` + `serde_json`.
//!
//! An in-process axum server (on its own multi-thread runtime, in a background thread, so the
//! measured runtime only runs the client) answers
//! `GET /graph.facebook.com/{version}/{ig-user-id}/media` with one fixed ~12 KB page of 25 media items shaped like Meta's, plus the `X-App-Usage` header
//! Meta sends. Both variants ask for the same fields, hit the same server and decode the page
//! into the same typed model (`ListResponse<Media>`):
//!
//! - `bare_reqwest`: one `reqwest::Client::new()` (no timeout), the query (`fields`, `access_token`,
//!   `appsecret_proof`, the proof computed once up front) added per call, the body read as bytes
//!   and decoded with `serde_json::from_slice`: the floor any SDK is measured against.
//! - `instagraph_client`: `client.facebook(&token).ig_user(id).media().list().fields(..).send()`,
//!   the whole pipeline: URL building, `appsecret_proof` per call, the client's 30 s request
//!   timeout, usage-header bookkeeping, the tracing span, retry policy and the `Page` wrapper.
//!
//! Groups:
//!
//! - `one_media_page`: one request per iteration on tokio's current_thread runtime (the setting
//!   of DESIGN.md's "Performance" figures; the goal is instagraph ≥ 0.95× bare reqwest).
//! - `one_media_page_16_concurrent`: 16 concurrent requests per iteration (`join_all`) on a
//!   multi-thread runtime with 2 workers.
//!
//! Throughput is reported in requests per second (elements). Run with:
//!
//! ```text
//! cargo bench --bench client_overhead
//! cargo bench --bench client_overhead -- one_media_page/   # the sequential group only
//! ```
//!
//! The ratio to report is `instagraph_client` throughput ÷ `bare_reqwest` throughput, per group
//! (criterion's medians are in `target/criterion/<group>/<variant>/new/estimates.json`). The two
//! variants run one after the other, so a change of machine load between them moves the ratio:
//! run on an otherwise idle machine and repeat before trusting a difference of a few percent.

use std::hint::black_box;
use std::net::SocketAddr;
use std::sync::mpsc;
use std::time::Duration;

use axum::http::header::{HeaderName, CONTENT_TYPE};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use futures::future::join_all;
use instagraph::api::models::{ListResponse, Media};
use instagraph::config::DEFAULT_API_VERSION;
use instagraph::{appsecret_proof, AccessToken, Client, Hosts};

#[path = "support/fixture.rs"]
mod support;

use support::{APP_ID, APP_SECRET, APP_USAGE, FIELDS, IG_USER_ID, ITEMS, TOKEN};

const CONCURRENCY: usize = 16;

/// One media page as Meta sends it (benches/support/fixture.rs, shared with benches/peers).
fn media_page() -> Bytes {
    Bytes::from(support::media_page())
}

/// Starts the server on 127.0.0.1:0 on a runtime of its own and returns its base URL.
fn start_server() -> String {
    let body = media_page();
    eprintln!("media page: {} bytes, {ITEMS} items", body.len());
    let route = format!("/graph.facebook.com/{DEFAULT_API_VERSION}/{{ig_user_id}}/media");
    let app = Router::new().route(
        &route,
        get(move || {
            let body = body.clone();
            async move {
                (
                    [
                        (CONTENT_TYPE, "application/json; charset=UTF-8"),
                        (HeaderName::from_static("x-app-usage"), APP_USAGE),
                    ],
                    body,
                )
            }
        }),
    );
    let (tx, rx) = mpsc::channel::<SocketAddr>();
    std::thread::Builder::new()
        .name("bench-server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind 127.0.0.1:0");
                tx.send(listener.local_addr().expect("local addr"))
                    .expect("report the address");
                axum::serve(listener, app).await.expect("serve");
            });
        })
        .expect("spawn the server thread");
    let addr = rx.recv().expect("the server starts");
    format!("http://{addr}")
}

/// The bare variant's state: what hand-written code would keep between calls.
struct Bare {
    http: reqwest::Client,
    url: String,
    fields: String,
    proof: String,
}

impl Bare {
    fn new(base_url: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            url: format!("{base_url}/graph.facebook.com/{DEFAULT_API_VERSION}/{IG_USER_ID}/media"),
            fields: FIELDS.join(","),
            proof: appsecret_proof(APP_SECRET, TOKEN),
        }
    }

    async fn one(&self) -> ListResponse<Media> {
        let bytes = self
            .http
            .get(&self.url)
            .query(&[
                ("fields", self.fields.as_str()),
                ("access_token", TOKEN),
                ("appsecret_proof", self.proof.as_str()),
            ])
            .send()
            .await
            .expect("bare request")
            .bytes()
            .await
            .expect("bare body");
        serde_json::from_slice::<ListResponse<Media>>(&bytes).expect("bare decode")
    }
}

/// The instagraph variant's state.
struct Sdk {
    client: Client,
    token: AccessToken,
}

impl Sdk {
    fn new(base_url: &str) -> Self {
        Self {
            client: Client::builder()
                .app(APP_ID, APP_SECRET)
                .hosts(Hosts::sandbox(base_url))
                .build()
                .expect("instagraph client"),
            token: AccessToken::new(TOKEN),
        }
    }

    async fn one(&self) -> instagraph::Page<Media> {
        self.client
            .facebook(&self.token)
            .ig_user(IG_USER_ID)
            .media()
            .list()
            .fields(FIELDS)
            .send()
            .await
            .expect("instagraph request")
    }
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("current_thread runtime")
}

fn multi_thread_2() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("multi-thread runtime")
}

/// Both variants must fetch and decode the same page before anything is timed.
fn check(rt: &tokio::runtime::Runtime, bare: &Bare, sdk: &Sdk) {
    rt.block_on(async {
        let list = bare.one().await;
        let page = sdk.one().await;
        assert_eq!(list.data.len(), ITEMS);
        assert_eq!(page.items, list.data);
        assert_eq!(page.paging, list.paging);
        assert!(page.items.iter().any(|m| m.thumbnail_url.is_some()));
        let usage = sdk.client.rate_limit_status();
        assert_eq!(usage.app.map(|a| a.call_count), Some(1.0));
    });
}

fn client_overhead(c: &mut Criterion) {
    let base_url = start_server();

    // Sequential, current_thread runtime.
    {
        let rt = current_thread();
        let bare = Bare::new(&base_url);
        let sdk = rt.block_on(async { Sdk::new(&base_url) });
        check(&rt, &bare, &sdk);

        let mut group = c.benchmark_group("one_media_page");
        group
            .throughput(Throughput::Elements(1))
            .warm_up_time(Duration::from_secs(2))
            .measurement_time(Duration::from_secs(5))
            .sample_size(50);
        group.bench_function("bare_reqwest", |b| {
            b.to_async(&rt)
                .iter(|| async { black_box(bare.one().await) })
        });
        group.bench_function("instagraph_client", |b| {
            b.to_async(&rt)
                .iter(|| async { black_box(sdk.one().await) })
        });
        group.finish();
    }

    // 16 concurrent, multi-thread runtime with 2 workers.
    {
        let rt = multi_thread_2();
        let bare = Bare::new(&base_url);
        let sdk = rt.block_on(async { Sdk::new(&base_url) });
        check(&rt, &bare, &sdk);

        let mut group = c.benchmark_group("one_media_page_16_concurrent");
        group
            .throughput(Throughput::Elements(CONCURRENCY as u64))
            .warm_up_time(Duration::from_secs(2))
            .measurement_time(Duration::from_secs(5))
            .sample_size(50);
        group.bench_function("bare_reqwest", |b| {
            b.to_async(&rt)
                .iter(|| async { black_box(join_all((0..CONCURRENCY).map(|_| bare.one())).await) })
        });
        group.bench_function("instagraph_client", |b| {
            b.to_async(&rt)
                .iter(|| async { black_box(join_all((0..CONCURRENCY).map(|_| sdk.one())).await) })
        });
        group.finish();
    }
}

criterion_group!(benches, client_overhead);
criterion_main!(benches);
