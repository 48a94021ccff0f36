//! Helpers shared by the wiremock test crates (`tests/wire_*.rs`): the `appsecret_proof`
//! computed independently of the crate, the versioned path, a client pointed at a
//! `MockServer` with a fast retry policy, the exact-query matcher, the 200 answer and a server
//! that must not be called.

#![allow(dead_code)]

use std::time::Duration;

use hmac::{Hmac, Mac};
use instagraph::config::DEFAULT_API_VERSION;
use instagraph::{Client, Hosts, RetryPolicy};
use sha2::Sha256;
use wiremock::matchers::any;
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

/// The app secret of every test client.
pub const SECRET: &str = "secret";

/// appsecret_proof for `token` under `SECRET`, computed here, independently of the crate.
pub fn proof(token: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The versioned path `/{DEFAULT_API_VERSION}/{p}`.
pub fn v(p: &str) -> String {
    format!("/{DEFAULT_API_VERSION}/{p}")
}

/// Fast back-off (1 ms to 5 ms, throttle waits up to 1 s) with `max_attempts` attempts.
pub fn fast_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        max_throttle_wait: Duration::from_secs(1),
    }
}

/// A client (app `123`, `SECRET`) with every host at `server`, retrying per `fast_retry`.
pub fn client(server: &MockServer, max_attempts: u32) -> Client {
    Client::builder()
        .app("123", SECRET)
        .hosts(Hosts::uniform(&server.uri()))
        .retry(fast_retry(max_attempts))
        .build()
        .unwrap()
}

/// Matches when the query holds exactly these pairs (any order, no more, no fewer).
pub struct ExactQuery(pub Vec<(String, String)>);

/// Exactly these pairs plus `access_token` = `token` and its `appsecret_proof`.
pub fn query_with_token(token: &str, list: &[(&str, &str)]) -> ExactQuery {
    let mut all: Vec<(String, String)> = list
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    all.push(("access_token".into(), token.into()));
    all.push(("appsecret_proof".into(), proof(token)));
    all.sort();
    ExactQuery(all)
}

impl Match for ExactQuery {
    fn matches(&self, request: &Request) -> bool {
        let mut got: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        got.sort();
        got == self.0
    }
}

/// A 200 answer with this JSON body.
pub fn ok(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// A server that fails the test if any request reaches it.
pub async fn silent_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    server
}

/// Matches when the body is a form holding exactly these pairs (an empty list: no body).
pub struct ExactForm(Vec<(String, String)>);

/// A form body of exactly these pairs, in any order.
pub fn form(list: &[(&str, &str)]) -> ExactForm {
    let mut all: Vec<(String, String)> = list
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    all.sort();
    ExactForm(all)
}

impl Match for ExactForm {
    fn matches(&self, request: &Request) -> bool {
        let mut got: Vec<(String, String)> = url::form_urlencoded::parse(&request.body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        got.sort();
        got == self.0
    }
}

/// The field and reason of an `InvalidInput` error; panics on any other error.
pub fn invalid_field(err: instagraph::Error) -> (&'static str, String) {
    match err {
        instagraph::Error::InvalidInput { field, reason } => (field, reason),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}
