//! The raw escape hatch (`client.facebook(&token).get::<T>(path)` / `.post`): endpoints the SDK
//! has not modelled go through the same pipeline (token, proof, retries, typed errors), and
//! arguments that would leak the token or break the path are refused before any call.

use instagraph::{AccessToken, Error, ErrorClass};
use serde::Deserialize;
use serde_json::{json, Value};
use wiremock::matchers::{body_string, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod wire_support;
use wire_support::{client, ok, query_with_token, silent_server, v};

const TOKEN: &str = "EAAGtesttoken0000WXYZ";

#[derive(Debug, Deserialize, PartialEq)]
struct Tag {
    id: String,
    caption: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Tags {
    data: Vec<Tag>,
}

#[tokio::test]
async fn get_sends_the_query_with_the_token_and_proof_and_decodes_the_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("17841400000000001/tags")))
        .and(query_with_token(
            TOKEN,
            &[("fields", "id,caption"), ("limit", "5")],
        ))
        .respond_with(ok(json!({"data": [{"id": "1", "caption": "hi"}]})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, 3);
    let token = AccessToken::new(TOKEN);
    let tags: Tags = client
        .facebook(&token)
        .get("/17841400000000001/tags")
        .query("fields", "id,caption")
        .query("limit", "5")
        .send()
        .await
        .unwrap();
    assert_eq!(
        tags.data,
        vec![Tag {
            id: "1".into(),
            caption: Some("hi".into())
        }]
    );
}

#[tokio::test]
async fn get_is_retried_and_post_is_not_unless_marked_safe() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("me")))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v("me")))
        .respond_with(ok(json!({"id": "42"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(v("42/feed")))
        .and(body_string("message=hello+there"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, 3);
    let token = AccessToken::new(TOKEN);
    let ig = client.instagram(&token);
    let me: Value = ig.get("me").send().await.unwrap();
    assert_eq!(me["id"], "42");
    let err = ig
        .post::<Value>("42/feed")
        .form("message", "hello there")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::Transient);
}

#[tokio::test]
async fn bad_paths_and_reserved_keys_are_refused_before_any_call() {
    let server = silent_server().await;
    let client = client(&server, 3);
    let token = AccessToken::new(TOKEN);
    let fb = client.facebook(&token);
    let cases = [
        (fb.get::<Value>("https://evil.example/steal"), "path"),
        (fb.get::<Value>("me?fields=id"), "path"),
        (fb.get::<Value>("me/../../admin"), "path"),
        (fb.get::<Value>(""), "path"),
        (fb.get::<Value>("me").query("access_token", "other"), "key"),
        (
            fb.post::<Value>("me/feed").form("appsecret_proof", "x"),
            "key",
        ),
        (fb.get::<Value>("me").query(" ", "x"), "key"),
    ];
    for (request, field) in cases {
        let err = request.send().await.unwrap_err();
        match &err {
            Error::InvalidInput { field: f, .. } => assert_eq!(*f, field, "{err}"),
            other => panic!("expected InvalidInput on {field}, got {other:?}"),
        }
        assert!(!err.to_string().contains(TOKEN));
    }
}
