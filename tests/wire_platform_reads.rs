//! Exact wire checks (wiremock) of the platform reads around an account: business discovery
//! (the nested field expression, media paging, the unknown-user error), and the checks refused
//! before any call.

use instagraph::api::business_discovery::{
    DEFAULT_BUSINESS_DISCOVERY_FIELDS, DEFAULT_BUSINESS_DISCOVERY_MEDIA_FIELDS,
};
use instagraph::{Error, IgUserId};
use serde_json::json;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod wire_support;
use wire_support::{ok, query_with_token, v, ExactQuery};

const TOKEN: &str = "EAAtestusertoken0000WXYZ";
const ME: &str = "17841405309211844";

fn query(pairs: &[(&str, &str)]) -> ExactQuery {
    query_with_token(TOKEN, pairs)
}

fn token() -> instagraph::AccessToken {
    instagraph::AccessToken::new(TOKEN)
}

#[tokio::test]
async fn business_discovery_sends_the_nested_expression_and_reads_the_media_cursor() {
    let server = MockServer::start().await;
    let expected = format!(
        "business_discovery.username(bluebottle){{{DEFAULT_BUSINESS_DISCOVERY_FIELDS},media{{{DEFAULT_BUSINESS_DISCOVERY_MEDIA_FIELDS}}}}}"
    );
    Mock::given(method("GET"))
        .and(path(v(ME)))
        .and(query(&[("fields", expected.as_str())]))
        .respond_with(ok(json!({
            "business_discovery": {
                "id": "17841401441775531",
                "username": "bluebottle",
                "followers_count": 267793,
                "media_count": 1205,
                "media": {
                    "data": [
                        {"id": "17858843269216389", "like_count": 1097, "comments_count": 20},
                    ],
                    "paging": {"cursors": {"before": "QVFIUkJ", "after": "QVFIUmx1WTBpMGpRQ0"}}
                }
            },
            "id": ME
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = wire_support::client(&server, 2);
    let token = token();
    let found = client
        .facebook(&token)
        .ig_user(IgUserId::new(ME))
        .business_discovery("bluebottle")
        .send()
        .await
        .unwrap();
    assert_eq!(found.id.as_str(), ME);
    let account = &found.business_discovery;
    assert_eq!(account.id.as_str(), "17841401441775531");
    assert_eq!(
        (account.followers_count, account.media_count),
        (Some(267793), Some(1205))
    );
    assert_eq!(
        account.media.as_ref().unwrap().data[0].like_count,
        Some(1097)
    );
    assert_eq!(found.next_media_cursor(), Some("QVFIUmx1WTBpMGpRQ0"));
}

#[tokio::test]
async fn business_discovery_pages_media_with_after_and_limit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v(ME)))
        .and(query(&[(
            "fields",
            "business_discovery.username(bluebottle){followers_count,media.after(QVFIUmx1WTBpMGpRQ0).limit(5){id,like_count}}",
        )]))
        .respond_with(ok(json!({
            "business_discovery": {"id": "17841401441775531", "followers_count": 3, "media": {"data": []}},
            "id": ME
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = wire_support::client(&server, 2);
    let token = token();
    let found = client
        .facebook(&token)
        .ig_user(IgUserId::new(ME))
        .business_discovery("bluebottle")
        .fields(["followers_count"])
        .media_fields(["id", "like_count"])
        .media_after("QVFIUmx1WTBpMGpRQ0")
        .media_limit(5)
        .send()
        .await
        .unwrap();
    // An empty page ends the paging, whatever cursor it might carry.
    assert_eq!(found.next_media_cursor(), None);
}

#[tokio::test]
async fn business_discovery_without_media_and_an_unknown_user_is_not_found() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v(ME)))
        .and(query(&[(
            "fields",
            "business_discovery.username(nobody.here){id,username}",
        )]))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": {
                "message": "Invalid user id",
                "type": "OAuthException",
                "code": 110,
                "error_subcode": 2207013,
                "is_transient": false,
                "error_user_title": "Cannot find User",
                "error_user_msg": "The user with username: nobody.here cannot be found.",
                "fbtrace_id": "AbC"
            }
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = wire_support::client(&server, 2);
    let token = token();
    let err = client
        .facebook(&token)
        .ig_user(IgUserId::new(ME))
        .business_discovery("nobody.here")
        .fields(["id", "username"])
        .without_media()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotFound { what: "professional account", id } if id == "nobody.here"),
        "{err:?}"
    );
}

#[tokio::test]
async fn business_discovery_refuses_bad_arguments_before_any_call() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok(json!({})))
        .expect(0)
        .mount(&server)
        .await;
    let client = wire_support::client(&server, 2);
    let token = token();
    let fb = client.facebook(&token);
    let me = fb.ig_user(IgUserId::new(ME));
    let field = |e: Error| match e {
        Error::InvalidInput { field, .. } => field,
        other => panic!("expected InvalidInput, got {other:?}"),
    };
    let long = "x".repeat(31);
    for (username, expected) in [
        ("", "username"),
        ("@blue", "username"),
        (long.as_str(), "username"),
        ("a){id}", "username"),
    ] {
        let e = me.business_discovery(username).send().await.unwrap_err();
        assert_eq!(field(e), expected, "{username:?}");
    }
    let e = me
        .business_discovery("blue")
        .media_limit(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "media_limit");
    let e = me
        .business_discovery("blue")
        .media_after("abc){x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "media_after");
    let e = me
        .business_discovery("blue")
        .media_after("a")
        .media_before("b")
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "media_after");
    let e = me
        .business_discovery("blue")
        .fields(Vec::<String>::new())
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "fields");
    let e = me
        .business_discovery("blue")
        .media_fields([" "])
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "media_fields");
    // Instagram Login has no business discovery.
    let e = client
        .instagram(&token)
        .ig_user(IgUserId::new(ME))
        .business_discovery("blue")
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "business_discovery");
}
