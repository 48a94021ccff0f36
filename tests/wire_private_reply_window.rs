//! Exact wire checks (wiremock) of `private_reply_in_window`: the comment's time is read with
//! only the fields the check needs, then the private reply is sent; a comment older than 7
//! days, or a bad argument, is refused before the send.

use chrono::{Duration, Utc};
use instagraph::{AccessToken, Client, CommentId, IgUserId};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer};

mod wire_support;
use wire_support::{invalid_field, ok, query_with_token, silent_server, v, ExactQuery};

const TOKEN: &str = "IGQVJwindowtoken00WXYZ";
const IG: &str = "17841400000000001";
const COMMENT: &str = "17870000000000021";

fn client(server: &MockServer) -> Client {
    wire_support::client(server, 3)
}

/// Exactly these query pairs plus `access_token` = `TOKEN` and its `appsecret_proof`.
fn query(list: &[(&str, &str)]) -> ExactQuery {
    query_with_token(TOKEN, list)
}

/// Answers the comment read with a comment posted `age` ago, once.
async fn mount_comment(server: &MockServer, age: Duration) {
    let posted = (Utc::now() - age)
        .format("%Y-%m-%dT%H:%M:%S+0000")
        .to_string();
    Mock::given(method("GET"))
        .and(path(v(COMMENT)))
        .and(query(&[("fields", "id,timestamp")]))
        .respond_with(ok(json!({ "id": COMMENT, "timestamp": posted })))
        .expect(1)
        .mount(server)
        .await;
}

/// The private reply, expected `times` times.
async fn mount_send(server: &MockServer, times: u64) {
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/messages"))))
        .and(query(&[]))
        .and(body_json(json!({
            "recipient": { "comment_id": COMMENT },
            "message": { "text": "Sent you the menu" },
        })))
        .respond_with(ok(json!({ "recipient_id": "5500", "message_id": "m_1" })))
        .expect(times)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_comment_within_seven_days_is_read_then_answered() {
    let server = MockServer::start().await;
    mount_comment(&server, Duration::days(6)).await;
    mount_send(&server, 1).await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let sent = client
        .facebook(&token)
        .ig_user(IgUserId::new(IG))
        .messages()
        .private_reply_in_window(&CommentId::new(COMMENT), "Sent you the menu")
        .await
        .unwrap();
    assert_eq!(sent.recipient_id.as_deref(), Some("5500"));
    assert_eq!(
        sent.message_id.map(|m| m.as_str().to_owned()).as_deref(),
        Some("m_1")
    );
    // The read, then the send: nothing else.
    let requests = server.received_requests().await.unwrap();
    let calls: Vec<_> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(calls, ["GET", "POST"]);
}

#[tokio::test]
async fn a_comment_older_than_seven_days_is_refused_before_the_send() {
    let server = MockServer::start().await;
    mount_comment(&server, Duration::days(8)).await;
    mount_send(&server, 0).await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let err = client
        .facebook(&token)
        .ig_user(IgUserId::new(IG))
        .messages()
        .private_reply_in_window(&CommentId::new(COMMENT), "Sent you the menu")
        .await
        .unwrap_err();
    let (field, reason) = invalid_field(err);
    assert_eq!(field, "comment");
    assert!(
        reason.contains(COMMENT) && reason.contains("7 days"),
        "{reason}"
    );
}

#[tokio::test]
async fn bad_arguments_are_refused_before_the_read() {
    let server = silent_server().await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let token_graph = client.facebook(&token);
    let messages = token_graph.ig_user(IgUserId::new(IG)).messages();
    let long = "x".repeat(1001);
    for (comment, text, expected) in [
        ("", "hi", "comment_id"),
        ("17870000000000021/x", "hi", "comment_id"),
        (COMMENT, " ", "text"),
        (COMMENT, long.as_str(), "text"),
    ] {
        let err = messages
            .private_reply_in_window(&CommentId::new(comment), text)
            .await
            .unwrap_err();
        assert_eq!(invalid_field(err).0, expected, "{comment:?} {text:?}");
    }
}
