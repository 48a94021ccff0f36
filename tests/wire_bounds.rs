//! Nothing grows without bound: response bodies are capped (with and without `Content-Length`),
//! collecting a listing stops at a limit however many `next` links come, an insights range Meta
//! cannot serve is refused before any call, and `added` bounds its live reads (how many at once,
//! how many per call).
//!
//! wiremock cannot send a chunked body nor hold requests, so a few tests use a minimal HTTP/1.1
//! server of their own on 127.0.0.1.

use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use instagraph::api::insights::{Metric, MetricType, Period, MAX_HISTORY_DAYS};
use instagraph::store::{
    AccountQuery, AccountSource, LoginKind, NewAccount, NewToken, SealingKey, Store, TokenKind,
};
use instagraph::{
    AccessToken, AccountManager, Client, CompanyId, Error, FacebookUserId, Hosts, IgUserId,
};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod wire_support;
use wire_support::{fast_retry, silent_server, v};

const TOKEN: &str = "EAAboundstoken0000WXYZ";
const IG: &str = "17841400000000001";

fn client_at(base: &str, max_response_bytes: u64) -> Client {
    Client::builder()
        .app("123", wire_support::SECRET)
        .hosts(Hosts::uniform(base))
        .retry(fast_retry(3))
        .max_response_bytes(max_response_bytes)
        .build()
        .unwrap()
}

/// A JSON user object of exactly `size` bytes.
fn me_body(size: usize) -> String {
    let frame = r#"{"id":"1001","name":""}"#.len();
    format!(r#"{{"id":"1001","name":"{}"}}"#, "a".repeat(size - frame))
}

// ---- a minimal HTTP/1.1 server ------------------------------------------------------------

/// What the raw server answers.
enum Answer {
    /// A JSON body with its `Content-Length`.
    Json(String),
    /// `body` as a chunked body (no `Content-Length`), in chunks of `chunk` bytes.
    Chunked { body: String, chunk: usize },
}

/// Serves every request on `127.0.0.1` with `respond(target)` (the request target: path and
/// query), keeping connections alive; returns the base URL.
async fn raw_server<F, Fut>(respond: F) -> String
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Answer> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let respond = Arc::new(respond);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let respond = respond.clone();
            tokio::spawn(async move { serve_connection(stream, &*respond).await });
        }
    });
    base
}

async fn serve_connection<F, Fut>(mut stream: TcpStream, respond: &F)
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Answer>,
{
    let mut buffer = Vec::new();
    loop {
        // Requests here are GETs: a head without a body.
        let end = loop {
            if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
        buffer.drain(..end);
        let target = head.split(' ').nth(1).unwrap_or("/").to_owned();
        let written = match respond(target).await {
            Answer::Json(body) => {
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                stream.write_all(answer.as_bytes()).await
            }
            Answer::Chunked { body, chunk } => write_chunked(&mut stream, &body, chunk).await,
        };
        if written.is_err() {
            return;
        }
    }
}

async fn write_chunked(stream: &mut TcpStream, body: &str, chunk: usize) -> std::io::Result<()> {
    stream
        .write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
        )
        .await?;
    for part in body.as_bytes().chunks(chunk) {
        stream
            .write_all(format!("{:x}\r\n", part.len()).as_bytes())
            .await?;
        stream.write_all(part).await?;
        stream.write_all(b"\r\n").await?;
    }
    stream.write_all(b"0\r\n\r\n").await
}

// ---- response bodies ----------------------------------------------------------------------

fn assert_too_large(err: &Error, limit: u64) {
    match err {
        Error::ResponseTooLarge { limit: l, context } => {
            assert_eq!(*l, limit);
            assert_eq!(context.method, "GET");
            assert!(context.path.ends_with("/me"), "{}", context.path);
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains(&limit.to_string()), "{text}");
    assert!(
        !text.contains(TOKEN) && !text.contains("access_token"),
        "{text}"
    );
}

#[tokio::test]
async fn a_body_over_the_cap_with_a_content_length_is_refused_unread_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("me")))
        .respond_with(ResponseTemplate::new(200).set_body_string(me_body(1025)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_at(&server.uri(), 1024);
    let token = AccessToken::new(TOKEN);
    let err = client.facebook(&token).me().send().await.unwrap_err();
    assert_too_large(&err, 1024);
}

#[tokio::test]
async fn an_error_body_over_the_cap_is_refused_too() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("me")))
        .respond_with(ResponseTemplate::new(500).set_body_string("x".repeat(4096)))
        .expect(1)
        .mount(&server)
        .await;
    let err = client_at(&server.uri(), 1024)
        .facebook(&AccessToken::new(TOKEN))
        .me()
        .send()
        .await
        .unwrap_err();
    assert_too_large(&err, 1024);
}

#[tokio::test]
async fn a_body_at_the_cap_passes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("me")))
        .respond_with(ResponseTemplate::new(200).set_body_string(me_body(1024)))
        .mount(&server)
        .await;
    let me = client_at(&server.uri(), 1024)
        .facebook(&AccessToken::new(TOKEN))
        .me()
        .send()
        .await
        .unwrap();
    assert_eq!(me.id.as_str(), "1001");
}

#[tokio::test]
async fn a_chunked_body_over_the_cap_is_refused_while_streaming() {
    // 16 MiB announced by no header: the client must count as it reads and stop at 64 KiB.
    let base = raw_server(|_| async {
        Answer::Chunked {
            body: me_body(16 << 20),
            chunk: 8192,
        }
    })
    .await;
    let err = client_at(&base, 64 << 10)
        .facebook(&AccessToken::new(TOKEN))
        .me()
        .send()
        .await
        .unwrap_err();
    assert_too_large(&err, 64 << 10);
}

#[tokio::test]
async fn a_chunked_body_at_the_cap_passes() {
    let base = raw_server(|_| async {
        Answer::Chunked {
            body: me_body(64 << 10),
            chunk: 1000,
        }
    })
    .await;
    let me = client_at(&base, 64 << 10)
        .facebook(&AccessToken::new(TOKEN))
        .me()
        .send()
        .await
        .unwrap();
    assert_eq!(me.name.map(|n| n.len()), Some((64 << 10) - 23));
}

#[tokio::test]
async fn the_upload_hosts_answer_is_capped_too() {
    use instagraph::publisher::{MediaItem, MediaSource, Post, PublishOptions, Publisher};
    let server = MockServer::start().await;
    let (store, company) = company_with_accounts(1).await;
    let ig = IgUserId::new("17841400000000000");
    let client = client_at(&server.uri(), 1024);
    let publisher = Publisher::new(AccountManager::new(client, store));
    Mock::given(method("GET"))
        .and(path(v(&format!("{ig}/content_publishing_limit"))))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"quota_usage": 0, "config": {"quota_total": 50, "quota_duration": 86400}}
        ]})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{ig}/media"))))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "S9"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/ig-api-upload/v26.0/S9"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(4096)))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("story.mov");
    std::fs::write(&file, vec![1u8; 1000]).unwrap();
    let err = publisher
        .publish(
            &company,
            &ig,
            Post::story(MediaItem::video(MediaSource::file(&file))),
            PublishOptions::new(),
        )
        .await
        .unwrap_err();
    match &err {
        Error::ResponseTooLarge { limit, context } => {
            assert_eq!(*limit, 1024);
            assert_eq!(context.method, "POST");
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    assert!(!err.to_string().contains(TOKEN));
}

// ---- collecting a listing -----------------------------------------------------------------

/// A media page of `n` items whose `next` link points at the same edge again.
fn endless_page(server: &MockServer, n: usize) -> ResponseTemplate {
    let data: Vec<_> = (0..n).map(|i| json!({"id": format!("m{i}")})).collect();
    ResponseTemplate::new(200).set_body_json(json!({
        "data": data,
        "paging": {"next": format!("{}{}?after=again", server.uri(), v(&format!("{IG}/media")))}
    }))
}

/// A server whose media edge links to a next page 50 times before it ends.
async fn fifty_linked_pages(per_page: usize) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/media"))))
        .respond_with(endless_page(&server, per_page))
        .up_to_n_times(50)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/media"))))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn collecting_stops_at_the_limit_with_a_typed_error() {
    let server = fifty_linked_pages(2).await;
    let token = AccessToken::new(TOKEN);
    let client = client_at(&server.uri(), 1 << 20);
    let first = client
        .facebook(&token)
        .ig_user(IgUserId::new(IG))
        .media()
        .list()
        .send()
        .await
        .unwrap();
    let err = first.collect_all_with_limit(5).await.unwrap_err();
    match &err {
        Error::TooManyItems { limit, context } => {
            assert_eq!(*limit, 5);
            assert!(context.path.ends_with(&format!("{IG}/media")), "{context}");
        }
        other => panic!("expected TooManyItems, got {other:?}"),
    }
    assert!(!err.to_string().contains(TOKEN));
    // Two pages of two were read, the third went past the limit: no more requests.
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn collect_all_has_a_default_limit() {
    let server = fifty_linked_pages(250).await;
    let token = AccessToken::new(TOKEN);
    let first = client_at(&server.uri(), 1 << 20)
        .facebook(&token)
        .ig_user(IgUserId::new(IG))
        .media()
        .list()
        .send()
        .await
        .unwrap();
    let err = first.collect_all().await.unwrap_err();
    assert!(
        matches!(err, Error::TooManyItems { limit, .. } if limit == instagraph::DEFAULT_COLLECT_LIMIT),
        "{err:?}"
    );
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        instagraph::DEFAULT_COLLECT_LIMIT / 250 + 1
    );
}

#[tokio::test]
async fn a_listing_within_the_limit_is_collected_whole() {
    let server = fifty_linked_pages(2).await;
    let token = AccessToken::new(TOKEN);
    let first = client_at(&server.uri(), 1 << 20)
        .facebook(&token)
        .ig_user(IgUserId::new(IG))
        .media()
        .list()
        .send()
        .await
        .unwrap();
    assert_eq!(first.collect_all_with_limit(100).await.unwrap().len(), 100);
}

// ---- insights ranges ----------------------------------------------------------------------

async fn insights_error(
    since: chrono::DateTime<Utc>,
    until: chrono::DateTime<Utc>,
) -> (&'static str, String) {
    let server = silent_server().await;
    let token = AccessToken::new(TOKEN);
    let err = client_at(&server.uri(), 1 << 20)
        .facebook(&token)
        .ig_user(IgUserId::new(IG))
        .insights()
        .metrics([Metric::Reach])
        .period(Period::Day)
        .metric_type(MetricType::TimeSeries)
        .since(since)
        .until(until)
        .send()
        .await
        .unwrap_err();
    match err {
        Error::InvalidInput { field, reason } => (field, reason),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[tokio::test]
async fn an_insights_range_older_than_meta_keeps_is_refused_before_any_call() {
    let now = Utc::now();
    let (field, reason) = insights_error(now - TimeDelta::days(10 * 365), now).await;
    assert_eq!(field, "since");
    assert!(reason.contains(&MAX_HISTORY_DAYS.to_string()), "{reason}");
}

#[tokio::test]
async fn an_insights_range_ending_in_the_future_is_refused_before_any_call() {
    let now = Utc::now();
    let (field, reason) = insights_error(now - TimeDelta::days(7), now + TimeDelta::days(3)).await;
    assert_eq!(field, "until");
    assert!(reason.contains("future"), "{reason}");
}

#[tokio::test]
async fn a_backwards_insights_range_is_refused_before_any_call() {
    let now = Utc::now();
    let (field, _) = insights_error(now - TimeDelta::days(2), now - TimeDelta::days(5)).await;
    assert_eq!(field, "since");
}

// ---- live details of added accounts ---------------------------------------------------------

/// A memory store where `company` has one Facebook user token and `n` added business accounts
/// reached with it.
async fn company_with_accounts(n: usize) -> (Store, CompanyId) {
    let store = Store::memory(SealingKey::generate());
    let company = CompanyId::new("acme");
    let token = store
        .save_token(
            &company,
            NewToken {
                kind: TokenKind::User,
                login: LoginKind::Facebook,
                subject_id: "10001".into(),
                token: AccessToken::new(TOKEN),
                scopes: Vec::new(),
                expires_at: None,
                issued_at: Utc::now(),
            },
        )
        .await
        .unwrap();
    let ids: Vec<IgUserId> = (0..n)
        .map(|i| IgUserId::new(format!("178414000000{i:05}")))
        .collect();
    let rows = ids
        .iter()
        .map(|id| {
            let mut row = NewAccount::new(id.clone(), AccountSource::BusinessOwned);
            row.facebook_user_id = Some(FacebookUserId::new("10001"));
            row.token_id = Some(token.clone());
            row
        })
        .collect();
    let backend = store.backend();
    backend.upsert_accounts(&company, rows).await.unwrap();
    backend.set_added(&company, &ids, true).await.unwrap();
    (store, company)
}

#[derive(Clone, Copy, Default)]
struct Flight {
    in_flight: usize,
    most: usize,
    arrived: usize,
    /// Requests let through so far, in order of arrival.
    released: usize,
}

#[tokio::test]
async fn live_reads_run_at_most_the_configured_number_at_once() {
    const ACCOUNTS: usize = 20;
    const AT_ONCE: usize = 3;
    let (flight, _) = watch::channel(Flight::default());
    let flight = Arc::new(flight);
    let server_flight = flight.clone();
    // Requests are held until AT_ONCE are in flight (or every account has been asked for),
    // then, a moment later, all let through: a client that sends more at once is seen doing it.
    // A correct client passes however slow or fast the machine (the pause only gives a wrong
    // one time to show itself).
    let base = raw_server(move |target| {
        let flight = server_flight.clone();
        async move {
            let (mut ticket, mut full) = (0, false);
            flight.send_modify(|f| {
                f.in_flight += 1;
                f.arrived += 1;
                f.most = f.most.max(f.in_flight);
                ticket = f.arrived;
                full = f.in_flight >= AT_ONCE || f.arrived == ACCOUNTS;
            });
            if full {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                flight.send_modify(|f| f.released = f.arrived);
            }
            let mut seen = flight.subscribe();
            let _ = seen.wait_for(|f| f.released >= ticket).await;
            // Counted out before the answer leaves, so the client never runs ahead of the count.
            flight.send_modify(|f| f.in_flight -= 1);
            let id = target
                .split(['/', '?'])
                .nth(2)
                .unwrap_or_default()
                .to_owned();
            Answer::Json(json!({"id": id, "username": format!("u{id}")}).to_string())
        }
    })
    .await;
    let (store, company) = company_with_accounts(ACCOUNTS).await;
    let manager = AccountManager::new(client_at(&base, 1 << 20), store).live_concurrency(AT_ONCE);
    let added = manager.added(&company, AccountQuery::new()).await.unwrap();
    assert_eq!(added.items.len(), ACCOUNTS);
    assert!(
        added.items.iter().all(|a| a.live.is_some()),
        "every live read answered"
    );
    let flight = *flight.borrow();
    assert_eq!(flight.arrived, ACCOUNTS);
    assert_eq!(flight.most, AT_ONCE, "live reads in flight at once");
}

#[tokio::test]
async fn a_page_larger_than_the_live_limit_is_refused_before_any_call() {
    let server = silent_server().await;
    let (store, company) = company_with_accounts(3).await;
    let manager = AccountManager::new(client_at(&server.uri(), 1 << 20), store);
    let err = manager
        .added(&company, AccountQuery::new().limit(101))
        .await
        .unwrap_err();
    match err {
        Error::InvalidInput { field, reason } => {
            assert_eq!(field, "limit");
            assert!(reason.contains("100"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[tokio::test]
async fn the_default_page_shrinks_to_a_smaller_live_limit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": IG})))
        .expect(2)
        .mount(&server)
        .await;
    let (store, company) = company_with_accounts(3).await;
    let manager =
        AccountManager::new(client_at(&server.uri(), 1 << 20), store).max_live_accounts(2);
    let added = manager.added(&company, AccountQuery::new()).await.unwrap();
    assert_eq!((added.items.len(), added.total), (2, 3));
    let err = manager
        .added(&company, AccountQuery::new().limit(3))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidInput { field: "limit", .. }),
        "{err:?}"
    );
}
