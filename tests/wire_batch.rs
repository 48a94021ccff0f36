//! Exact wire checks of batch requests (wiremock, and a small axum server for concurrency):
//! the request Meta documents, per-operation results and errors, `null` time-outs, splitting
//! past 50 operations, the concurrency bound and its slow-down under heavy usage, retries, and
//! media insights through batches.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use instagraph::api::insights::{MediaInsightKind, Metric};
use instagraph::api::models::IgUser;
use instagraph::api::BatchOp;
use instagraph::{AccessToken, Client, Error, ErrorClass, Hosts};
use serde_json::{json, Value};
use wiremock::matchers::{any, method, path};
use wiremock::{Match, Mock, MockServer, Request, Respond, ResponseTemplate};

mod wire_support;
use wire_support::{fast_retry, proof, SECRET};

const TOKEN: &str = "EAAGtestusertoken00WXYZ";
const V: &str = "v26.0";

fn client(base: &str) -> Client {
    Client::builder()
        .app("123", SECRET)
        .api_version(V)
        .hosts(Hosts::uniform(base))
        .retry(fast_retry(3))
        .build()
        .unwrap()
}

/// The query of every batch request: the token and its proof, nothing else.
struct TokenOnlyQuery;

impl Match for TokenOnlyQuery {
    fn matches(&self, request: &Request) -> bool {
        let mut got: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        got.sort();
        got == vec![
            ("access_token".to_owned(), TOKEN.to_owned()),
            ("appsecret_proof".to_owned(), proof(TOKEN)),
        ]
    }
}

/// The form body: `include_headers=false` and `batch` equal (as JSON) to the expected list.
struct BatchForm(Value);

impl Match for BatchForm {
    fn matches(&self, request: &Request) -> bool {
        let form: Vec<(String, String)> = url::form_urlencoded::parse(&request.body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let keys: Vec<&str> = form.iter().map(|(k, _)| k.as_str()).collect();
        if keys != ["include_headers", "batch"] || form[0].1 != "false" {
            return false;
        }
        serde_json::from_str::<Value>(&form[1].1).ok().as_ref() == Some(&self.0)
    }
}

fn ops_of(request: &Request) -> Vec<Value> {
    url::form_urlencoded::parse(&request.body)
        .find(|(k, _)| k == "batch")
        .and_then(|(_, v)| serde_json::from_str(&v).ok())
        .unwrap_or_default()
}

/// Answers each operation: `…fail…` with a Graph error, `…slow…` with `null`, else 200 with
/// the relative URL echoed in the body.
struct Echo {
    requests: Arc<AtomicUsize>,
    sizes: Arc<Mutex<Vec<usize>>>,
}

fn echo_answer(op: &Value) -> Value {
    let url = op["relative_url"].as_str().unwrap_or("");
    if url.contains("slow") {
        return Value::Null;
    }
    if url.contains("fail") {
        return json!({"code": 400, "headers": [], "body": json!({"error": {
            "message": "(#100) Tried accessing nonexisting field (fail)",
            "type": "OAuthException", "code": 100, "fbtrace_id": "Abc"}}).to_string()});
    }
    if url.contains("/insights") {
        let id = url.split('/').nth(1).unwrap_or("");
        // The operation's query is form-encoded, as a lone request's is (`,` as `%2C`).
        let query = url.split_once('?').map_or("", |(_, q)| q);
        let metrics: String = url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "metric")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let data: Vec<Value> = metrics
            .split(',')
            .map(|m| {
                json!({"name": m, "period": "lifetime", "values": [{"value": 7}],
                "id": format!("{id}/insights/{m}/lifetime")})
            })
            .collect();
        return json!({"code": 200, "body": json!({"data": data}).to_string()});
    }
    let id = url
        .split('/')
        .nth(1)
        .unwrap_or("")
        .split('?')
        .next()
        .unwrap_or("");
    json!({"code": 200, "headers": [{"name": "Content-Type", "value": "text/javascript; charset=UTF-8"}],
        "body": json!({"id": id, "url": url, "method": op["method"]}).to_string()})
}

impl Respond for Echo {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let ops = ops_of(request);
        self.sizes.lock().unwrap().push(ops.len());
        let answers: Vec<Value> = ops.iter().map(echo_answer).collect();
        ResponseTemplate::new(200).set_body_json(answers)
    }
}

async fn echo_server() -> (MockServer, Arc<AtomicUsize>, Arc<Mutex<Vec<usize>>>) {
    let server = MockServer::start().await;
    let requests = Arc::new(AtomicUsize::new(0));
    let sizes = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("POST"))
        .and(path(format!("/{V}/")))
        .and(TokenOnlyQuery)
        .respond_with(Echo {
            requests: requests.clone(),
            sizes: sizes.clone(),
        })
        .mount(&server)
        .await;
    (server, requests, sizes)
}

#[tokio::test]
async fn a_batch_is_one_post_with_the_documented_form() {
    let server = MockServer::start().await;
    let expected = json!([
        {"method": "GET", "relative_url": "v26.0/17841400000000001?fields=id,username"},
        {"method": "POST", "relative_url": "v26.0/17900000000000001", "body": "comment_enabled=false"},
        {"method": "DELETE", "relative_url": "v26.0/17900000000000002"},
        {"method": "GET", "relative_url": "v25.0/me?fields=id"},
    ]);
    Mock::given(method("POST"))
        .and(path(format!("/{V}/")))
        .and(TokenOnlyQuery)
        .and(BatchForm(expected))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"code": 200, "headers": [], "body": "{\"id\":\"17841400000000001\",\"username\":\"acme\"}"},
            {"code": 200, "body": "{\"success\":true}"},
            {"code": 400, "body": "{\"error\":{\"message\":\"Carousel children cannot be deleted\",\"type\":\"OAuthException\",\"code\":100,\"error_subcode\":2207073,\"fbtrace_id\":\"Xyz\"}}"},
            null
        ])))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server.uri());
    let token = AccessToken::new(TOKEN);
    let mut batch = client.batch(&token);
    let user_slot = batch.add::<IgUser>(BatchOp::get("17841400000000001?fields=id,username"));
    let batch = batch
        .post("/17900000000000001", [("comment_enabled", "false")])
        .delete("17900000000000002")
        .get("v25.0/me?fields=id");
    assert_eq!(batch.len(), 4);
    let mut results = batch.send().await.unwrap();
    assert_eq!(results.len(), 4);

    let user = results.take(user_slot).unwrap();
    assert_eq!(user.id.as_str(), "17841400000000001");
    assert_eq!(user.username.as_deref(), Some("acme"));
    // A slot is taken once.
    assert!(matches!(
        results.take(user_slot),
        Err(Error::InvalidInput { field: "slot", .. })
    ));

    let updated = results.take_raw(1).unwrap().unwrap();
    assert_eq!(updated.code, 200);
    assert_eq!(updated.json::<Value>().unwrap(), json!({"success": true}));

    let deleted = results.take_raw(2).unwrap().unwrap_err();
    let graph = deleted.graph().expect("a Graph error");
    assert_eq!((graph.code, graph.error_subcode), (100, Some(2207073)));
    assert_eq!(deleted.class(), ErrorClass::InvalidInput);
    let context = deleted.context().unwrap();
    assert_eq!(context.method, "DELETE");
    assert!(
        context.path.contains("v26.0/17900000000000002"),
        "{context}"
    );

    let timed_out = results.take_raw(3).unwrap().unwrap_err();
    assert!(matches!(timed_out, Error::BatchTimedOut { index: 3, .. }));
    assert_eq!(timed_out.class(), ErrorClass::Transient);
    assert!(timed_out.to_string().contains("timed out"), "{timed_out}");
    assert!(!timed_out.to_string().contains(TOKEN));
}

#[tokio::test]
async fn more_than_fifty_operations_are_split_and_kept_in_order() {
    let (server, requests, sizes) = echo_server().await;
    let client = client(&server.uri());
    let token = AccessToken::new(TOKEN);
    let mut batch = client.batch(&token);
    let slots: Vec<_> = (0..123)
        .map(|i| batch.add::<Value>(BatchOp::get(format!("{}?fields=id", 1000 + i))))
        .collect();
    let mut results = batch.send().await.unwrap();
    assert_eq!(requests.load(Ordering::SeqCst), 3);
    let mut got = sizes.lock().unwrap().clone();
    got.sort();
    assert_eq!(got, vec![23, 50, 50]);
    for (i, slot) in slots.into_iter().enumerate() {
        let body = results.take(slot).unwrap();
        assert_eq!(
            body["id"],
            json!((1000 + i).to_string()),
            "result {i} out of order"
        );
    }
}

#[tokio::test]
async fn one_failing_operation_fails_alone() {
    let (server, _, _) = echo_server().await;
    let client = client(&server.uri());
    let token = AccessToken::new(TOKEN);
    let results = client
        .batch(&token)
        .get("1?fields=id")
        .get("2?fields=fail")
        .get("3?fields=slow")
        .get("4?fields=id")
        .send()
        .await
        .unwrap()
        .into_vec();
    assert_eq!(results.len(), 4);
    assert!(results[0].is_ok());
    assert_eq!(results[1].as_ref().unwrap_err().graph().unwrap().code, 100);
    assert!(matches!(
        results[2],
        Err(Error::BatchTimedOut { index: 2, .. })
    ));
    let fourth: Value = results[3].as_ref().unwrap().json().unwrap();
    assert_eq!(fourth["id"], "4");
}

#[tokio::test]
async fn bad_batches_are_refused_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let token = AccessToken::new(TOKEN);
    let cases = [
        (client.batch(&token).get("1").get(""), "relative_url"),
        (
            client.batch(&token).get("https://evil.example/me"),
            "relative_url",
        ),
        (
            client.batch(&token).get("me?fields=id, name"),
            "relative_url",
        ),
        (client.batch(&token).get("me").concurrency(0), "concurrency"),
        (
            client.batch(&token).get("me").concurrency(17),
            "concurrency",
        ),
    ];
    for (batch, field) in cases {
        match batch.send().await {
            Err(Error::InvalidInput { field: f, reason }) => {
                assert_eq!(f, field, "{reason}")
            }
            other => panic!("expected InvalidInput for {field}, got {other:?}"),
        }
    }
    let graph = client.facebook(&token);
    let removed = graph
        .media_insights_batch(
            [("179", MediaInsightKind::Feed)],
            Some(&[Metric::Other("impressions".into())]),
        )
        .await
        .unwrap_err();
    assert!(removed.to_string().contains("views"), "{removed}");
    let wrong_kind = graph
        .media_insights_batch(
            [("179", MediaInsightKind::Feed)],
            Some(&[Metric::IgReelsAvgWatchTime]),
        )
        .await
        .unwrap_err();
    assert!(matches!(
        wrong_kind,
        Error::InvalidInput {
            field: "metric",
            ..
        }
    ));
    let bad_id = graph
        .media_insights_batch([("179/../me", MediaInsightKind::Feed)], None)
        .await
        .unwrap_err();
    assert!(matches!(
        bad_id,
        Error::InvalidInput {
            field: "media_id",
            ..
        }
    ));
    // An empty batch sends nothing and answers nothing.
    assert!(client.batch(&token).send().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_read_only_batch_is_retried_and_a_writing_one_is_not() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{V}/")))
        .respond_with(ResponseTemplate::new(503))
        .expect(3 + 1)
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let token = AccessToken::new(TOKEN);
    let reads = client.batch(&token).get("me").send().await.unwrap_err();
    assert_eq!(reads.context().unwrap().attempts, 3);
    let writes = client
        .batch(&token)
        .get("me")
        .post("17900000000000001/comments", [("message", "hi")])
        .send()
        .await
        .unwrap_err();
    assert_eq!(writes.context().unwrap().attempts, 1);
}

#[tokio::test]
async fn media_insights_of_many_media_go_through_batches() {
    let (server, requests, _) = echo_server().await;
    let client = client(&server.uri());
    let token = AccessToken::new(TOKEN);
    let media: Vec<(String, MediaInsightKind)> = (0..120)
        .map(|i| {
            let kind = if i % 3 == 0 {
                MediaInsightKind::Reel
            } else {
                MediaInsightKind::Feed
            };
            (format!("1790000000000{i:04}"), kind)
        })
        .collect();
    let out = client
        .facebook(&token)
        .media_insights_batch(media.clone(), None)
        .await
        .unwrap();
    assert_eq!(
        requests.load(Ordering::SeqCst),
        3,
        "120 media = 3 batch requests"
    );
    assert_eq!(out.len(), 120);
    for ((id, kind), (got_id, insights)) in media.iter().zip(&out) {
        assert_eq!(got_id.as_str(), id);
        let insights = insights.as_ref().unwrap();
        assert_eq!(insights.kind, *kind);
        let names: Vec<&str> = insights.metrics.iter().map(|m| m.name.as_str()).collect();
        let expected: Vec<&str> = kind.metrics().iter().map(Metric::as_str).collect();
        assert_eq!(names, expected);
        assert_eq!(insights.number(&Metric::Reach), Some(7.0));
        assert!(insights.metrics[0]
            .id
            .as_deref()
            .unwrap()
            .starts_with(id.as_str()));
    }
}

// ---- concurrency, against a small axum server that measures requests in flight --------------

#[derive(Default)]
struct Flight {
    now: AtomicUsize,
    max: AtomicUsize,
    arrivals: AtomicUsize,
    /// The most requests in flight seen at the arrival of the 5th and later requests.
    max_after_first_wave: AtomicUsize,
}

async fn flight_server(usage_percent: u32) -> (String, Arc<Flight>) {
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::response::IntoResponse;

    let flight = Arc::new(Flight::default());
    async fn handle(
        State((flight, usage_percent)): State<(Arc<Flight>, u32)>,
        body: Bytes,
    ) -> impl IntoResponse {
        let arrival = flight.arrivals.fetch_add(1, Ordering::SeqCst) + 1;
        let now = flight.now.fetch_add(1, Ordering::SeqCst) + 1;
        flight.max.fetch_max(now, Ordering::SeqCst);
        if arrival > 4 {
            flight.max_after_first_wave.fetch_max(now, Ordering::SeqCst);
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
        let ops: Vec<Value> = url::form_urlencoded::parse(&body)
            .find(|(k, _)| k == "batch")
            .and_then(|(_, v)| serde_json::from_str(&v).ok())
            .unwrap_or_default();
        let answers: Vec<Value> = ops.iter().map(echo_answer).collect();
        flight.now.fetch_sub(1, Ordering::SeqCst);
        (
            [
                ("content-type", "application/json".to_owned()),
                (
                    "x-app-usage",
                    format!(
                        "{{\"call_count\":{usage_percent},\"total_cputime\":1,\"total_time\":1}}"
                    ),
                ),
            ],
            serde_json::to_string(&answers).unwrap(),
        )
    }
    let app = axum::Router::new()
        .route(&format!("/{V}/"), axum::routing::post(handle))
        .with_state((flight.clone(), usage_percent));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, flight)
}

async fn run_500(base: &str, concurrency: Option<usize>) {
    let client = client(base);
    let token = AccessToken::new(TOKEN);
    let mut batch = client.batch(&token);
    if let Some(n) = concurrency {
        batch = batch.concurrency(n);
    }
    for i in 0..500 {
        batch.push(BatchOp::get(format!("{i}?fields=id")));
    }
    let results = batch.send().await.unwrap().into_vec();
    assert_eq!(results.len(), 500);
    assert!(results.iter().all(Result::is_ok));
}

#[tokio::test]
async fn at_most_four_batch_requests_are_in_flight_by_default() {
    let (base, flight) = flight_server(10).await;
    run_500(&base, None).await;
    assert_eq!(flight.arrivals.load(Ordering::SeqCst), 10);
    let max = flight.max.load(Ordering::SeqCst);
    assert!(max <= 4, "{max} requests in flight");
    assert!(max >= 2, "the batches were not sent concurrently ({max})");

    let (base, flight) = flight_server(10).await;
    run_500(&base, Some(1)).await;
    assert_eq!(flight.max.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn heavy_usage_slows_batches_to_one_at_a_time() {
    let (base, flight) = flight_server(92).await;
    run_500(&base, None).await;
    assert_eq!(flight.arrivals.load(Ordering::SeqCst), 10);
    // The first wave went out before any usage was known; once Meta reported 92 %, one at a
    // time.
    assert_eq!(flight.max_after_first_wave.load(Ordering::SeqCst), 1);
}

// ---- against the sandbox -----------------------------------------------------------------------

async fn sandbox_and_token(
    config: instagraph_sandbox::SandboxConfig,
) -> (instagraph_sandbox::Sandbox, Client, AccessToken) {
    use instagraph_sandbox::{Login, Sandbox, TokenRequest};
    let sandbox = Sandbox::builder().config(config).start().await.unwrap();
    let client = Client::builder()
        .app(sandbox.app_id(), sandbox.app_secret())
        .sandbox(sandbox.base_url())
        .build()
        .unwrap();
    let alice = sandbox.seed().user("Alice").unwrap().id.clone();
    let token = sandbox
        .issue_token(&TokenRequest {
            user_id: alice,
            login: Login::Facebook,
            long_lived: true,
            scopes: None,
            page_id: None,
        })
        .unwrap();
    (sandbox, client, AccessToken::new(token.access_token))
}

#[tokio::test]
async fn batched_insights_equal_one_by_one_insights_on_the_sandbox() {
    let (sandbox, client, token) = sandbox_and_token(Default::default()).await;
    let graph = client.facebook(&token);
    let mut media = Vec::new();
    for id in &sandbox.seed().instagram_accounts[0].media {
        media.push((
            id.clone(),
            graph.media_insight_kind(id.clone()).await.unwrap(),
        ));
    }
    assert!(media.len() >= 2, "seeded media: {media:?}");
    sandbox.reset_call_counts();
    let batched = graph
        .media_insights_batch(media.clone(), None)
        .await
        .unwrap();
    assert_eq!(batched.len(), media.len());
    for ((id, kind), (got_id, got)) in media.iter().zip(&batched) {
        assert_eq!(got_id.as_str(), id);
        let alone = graph
            .media_insights(id.clone(), *kind)
            .send()
            .await
            .unwrap();
        assert_eq!(got.as_ref().unwrap(), &alone, "media {id}");
        assert!(alone.number(&Metric::Reach).is_some());
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn sandbox_time_outs_and_errors_stay_in_their_slots() {
    let (sandbox, client, token) = sandbox_and_token(instagraph_sandbox::SandboxConfig {
        batch_timeout_ops: vec!["slow-op".into()],
        ..Default::default()
    })
    .await;
    let ig = sandbox.seed().instagram_accounts[0].id.clone();
    let results = client
        .batch(&token)
        .get(format!("{ig}?fields=id,username"))
        .get(format!("{ig}?fields=id&slow-op=1"))
        .get("17999999999999999?fields=id")
        .send()
        .await
        .unwrap()
        .into_vec();
    let user: IgUser = results[0].as_ref().unwrap().json().unwrap();
    assert_eq!(user.id.as_str(), ig);
    assert!(matches!(
        results[1],
        Err(Error::BatchTimedOut { index: 1, .. })
    ));
    let missing = results[2].as_ref().unwrap_err();
    assert!(missing.graph().is_some(), "{missing}");
    sandbox.shutdown().await;
}
