//! The request pipeline on the wire (wiremock): retries and their limits, throttling that honours
//! the usage headers, `RateLimitStatus`, error decoding, and that no token leaks into errors.

use std::time::Duration;

use instagraph::config::DEFAULT_API_VERSION;
use instagraph::{AccessToken, Client, Error, ErrorClass, Hosts, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod wire_support;
use wire_support::v;

const TOKEN: &str = "EAApipelinetoken0000WXYZ";

fn me_path() -> String {
    v("me")
}

fn client_with(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder()
        .app("123", "secret")
        .hosts(Hosts::uniform(&server.uri()))
        .retry(retry)
        .build()
        .unwrap()
}

fn fast(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        max_throttle_wait: Duration::from_secs(60),
    }
}

fn graph_error(code: i64, subcode: Option<i64>, transient: bool) -> serde_json::Value {
    json!({"error": {
        "message": "An unexpected error has occurred.",
        "type": "OAuthException",
        "code": code,
        "error_subcode": subcode,
        "is_transient": transient,
        "fbtrace_id": "AbCdEf123"
    }})
}

fn me_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"id": "1001", "name": "Alice"}))
}

#[tokio::test]
async fn a_transient_error_is_retried_until_it_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(me_path()))
        .respond_with(ResponseTemplate::new(500).set_body_json(graph_error(2, None, true)))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(me_path()))
        .respond_with(me_ok())
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(&server, fast(4));
    let token = AccessToken::new(TOKEN);
    let me = client.facebook(&token).me().send().await.unwrap();
    assert_eq!(me.id.as_str(), "1001");
}

#[tokio::test]
async fn retries_stop_at_max_attempts_and_say_how_many() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(me_path()))
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>busy</html>"))
        .expect(3)
        .mount(&server)
        .await;
    let client = client_with(&server, fast(3));
    let token = AccessToken::new(TOKEN);
    let err = client.facebook(&token).me().send().await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::Transient);
    let context = err.context().unwrap();
    assert_eq!(context.attempts, 3);
    assert_eq!(context.method, "GET");
    assert_eq!(
        context.path,
        format!("graph.facebook.com/{DEFAULT_API_VERSION}/me")
    );
    let graph = err.graph().unwrap();
    assert!(graph.message.contains("HTTP 503"), "{graph:?}");
}

#[tokio::test]
async fn errors_that_retrying_cannot_fix_are_returned_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(me_path()))
        .respond_with(ResponseTemplate::new(400).set_body_json(graph_error(190, Some(463), false)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(&server, fast(4));
    let token = AccessToken::new(TOKEN);
    let err = client.facebook(&token).me().send().await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::ReauthRequired);
    let graph = err.graph().unwrap();
    assert_eq!((graph.code, graph.error_subcode), (190, Some(463)));
    assert_eq!(graph.fbtrace_id.as_deref(), Some("AbCdEf123"));
    assert_eq!(graph.kind.as_deref(), Some("OAuthException"));
}

#[tokio::test]
async fn usage_headers_fill_the_rate_limit_status() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(me_path()))
        .respond_with(
            me_ok()
                .insert_header("x-app-usage", r#"{"call_count":28,"total_cputime":25,"total_time":12}"#)
                .insert_header(
                    "x-business-use-case-usage",
                    r#"{"17841400000000001":[{"type":"instagram","call_count":71,"total_cputime":3,"total_time":4,"estimated_time_to_regain_access":0}]}"#,
                ),
        )
        .mount(&server)
        .await;
    let client = client_with(&server, fast(1));
    assert!(client.rate_limit_status().app.is_none());
    let token = AccessToken::new(TOKEN);
    client.facebook(&token).me().send().await.unwrap();
    let status = client.rate_limit_status();
    let app = status.app.unwrap();
    assert_eq!(
        (app.call_count, app.total_cputime, app.total_time),
        (28.0, 25.0, 12.0)
    );
    let ig = &status.business["17841400000000001"][0];
    assert_eq!((ig.kind.as_str(), ig.call_count), ("instagram", 71.0));
    assert_eq!(status.retry_after_for("17841400000000001"), None);
    assert_eq!(status.max_percent(), 71.0);
    assert!(status.updated_at.is_some());
}

#[tokio::test]
async fn the_app_usage_follows_every_change_of_the_header() {
    // The client skips parsing a header equal to the last one it read: a change, a change back
    // and a malformed header in between must all still show.
    let headers = [
        r#"{"call_count":10,"total_cputime":1,"total_time":1}"#,
        r#"{"call_count":10,"total_cputime":1,"total_time":1}"#,
        r#"{"call_count":20,"total_cputime":1,"total_time":1}"#,
        "not json",
        r#"{"call_count":10,"total_cputime":1,"total_time":1}"#,
        "not json",
        r#"{"call_count":30,"total_cputime":1,"total_time":1}"#,
    ];
    let expected = [10.0, 10.0, 20.0, 20.0, 10.0, 10.0, 30.0];
    let server = MockServer::start().await;
    let client = client_with(&server, fast(1));
    let token = AccessToken::new(TOKEN);
    for (header, calls) in headers.iter().zip(expected) {
        server.reset().await;
        Mock::given(method("GET"))
            .and(path(me_path()))
            .respond_with(me_ok().insert_header("x-app-usage", *header))
            .mount(&server)
            .await;
        client.facebook(&token).me().send().await.unwrap();
        let app = client.rate_limit_status().app.unwrap();
        assert_eq!(app.call_count, calls, "after the header {header}");
    }
}

#[tokio::test]
async fn throttling_longer_than_the_policy_accepts_is_returned_with_its_wait() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(me_path()))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(graph_error(80002, None, false))
                .insert_header(
                    "x-business-use-case-usage",
                    r#"{"17841400000000001":[{"type":"instagram","call_count":100,"total_cputime":10,"total_time":10,"estimated_time_to_regain_access":5}]}"#,
                ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(&server, fast(4));
    let token = AccessToken::new(TOKEN);
    let err = client.facebook(&token).me().send().await.unwrap_err();
    assert_eq!(
        err.class(),
        ErrorClass::Throttled {
            retry_after: Some(Duration::from_secs(300))
        }
    );
    assert_eq!(
        client
            .rate_limit_status()
            .retry_after_for("17841400000000001"),
        Some(Duration::from_secs(300))
    );
}

#[tokio::test]
async fn throttling_without_an_estimate_is_retried_with_backoff() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(me_path()))
        .respond_with(ResponseTemplate::new(400).set_body_json(graph_error(17, None, false)))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(me_path()))
        .respond_with(me_ok())
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(&server, fast(3));
    let token = AccessToken::new(TOKEN);
    client.facebook(&token).me().send().await.unwrap();
}

#[tokio::test]
async fn no_proof_is_sent_without_an_app_secret() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(me_path()))
        .and(query_param("access_token", TOKEN))
        .and(query_param_is_missing("appsecret_proof"))
        .respond_with(me_ok())
        .expect(1)
        .mount(&server)
        .await;
    let base = server.uri();
    let client = Client::builder()
        .app_id("123")
        .hosts(Hosts {
            graph_facebook: base.clone(),
            ..Hosts::sandbox(&base)
        })
        .build()
        .unwrap();
    let token = AccessToken::new(TOKEN);
    client.facebook(&token).me().send().await.unwrap();
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_is_a_decode_error_without_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(me_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": TOKEN})))
        .mount(&server)
        .await;
    let client = client_with(&server, fast(1));
    let token = AccessToken::new(TOKEN);
    let err = client.facebook(&token).me().send().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(!err.to_string().contains(TOKEN), "{err}");
}

#[tokio::test]
async fn no_error_carries_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(me_path()))
        .respond_with(ResponseTemplate::new(400).set_body_json(graph_error(100, Some(33), false)))
        .mount(&server)
        .await;
    let token = AccessToken::new(TOKEN);
    let graph_err = client_with(&server, fast(1))
        .facebook(&token)
        .me()
        .send()
        .await
        .unwrap_err();

    // Nothing listens on port 9: a transport error, whose URL would hold the token.
    let closed = Client::builder()
        .app("123", "secret")
        .sandbox("http://127.0.0.1:9")
        .retry(fast(2))
        .build()
        .unwrap();
    let http_err = closed.facebook(&token).me().send().await.unwrap_err();
    assert!(matches!(http_err, Error::Http { .. }), "{http_err:?}");
    assert_eq!(http_err.class(), ErrorClass::Transient);
    assert_eq!(
        http_err.context().unwrap().attempts,
        2,
        "connection failures are retried"
    );

    for err in [graph_err, http_err] {
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains(TOKEN), "token leaked: {text}");
            assert!(!text.contains("access_token"), "query leaked: {text}");
            assert!(!text.contains("appsecret_proof"), "query leaked: {text}");
        }
    }
}
