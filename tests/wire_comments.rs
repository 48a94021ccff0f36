//! Exact wire checks (wiremock) of the comment calls: listing a media's comments (paged, then
//! streamed), commenting, reading one comment, its replies, replying, hiding, deleting, and
//! the private reply; plus every check that refuses a call before any request.

use chrono::{TimeZone, Utc};
use futures::TryStreamExt;
use instagraph::api::comments::{
    DEFAULT_COMMENT_FIELDS, MAX_COMMENT_CHARS, MAX_PRIVATE_REPLY_BYTES,
};
use instagraph::api::models::Comment;
use instagraph::config::DEFAULT_API_VERSION;
use instagraph::{AccessToken, Client, CommentId, ErrorClass, IgUserId, MediaId};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

mod wire_support;
use wire_support::{invalid_field, ok, query_with_token, silent_server, v, ExactQuery};

const TOKEN: &str = "IGQVJcommentstoken00WXYZ";
const IG: &str = "17841400000000001";
const MEDIA: &str = "17900000000000011";
const COMMENT: &str = "17870000000000021";

fn client(server: &MockServer) -> Client {
    wire_support::client(server, 3)
}

/// Exactly these query pairs plus `access_token` = `TOKEN` and its `appsecret_proof`.
fn query(list: &[(&str, &str)]) -> ExactQuery {
    query_with_token(TOKEN, list)
}

/// Matches a request without a body.
struct NoBody;

impl Match for NoBody {
    fn matches(&self, request: &Request) -> bool {
        request.body.is_empty()
    }
}

fn graph_error(code: i64, subcode: Option<i64>, message: &str) -> ResponseTemplate {
    let mut error = json!({
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "CmT123",
    });
    if let Some(s) = subcode {
        error["error_subcode"] = json!(s);
    }
    ResponseTemplate::new(400).set_body_json(json!({ "error": error }))
}

#[tokio::test]
async fn media_comments_pin_default_fields_limit_and_follow_pages_in_a_stream() {
    let server = MockServer::start().await;
    assert_eq!(
        DEFAULT_COMMENT_FIELDS,
        "id,text,timestamp,username,from,like_count,hidden,parent_id,media"
    );
    let next = format!(
        "{}{}?fields=id%2Ctext&limit=2&after=QVFI2&access_token={TOKEN}",
        server.uri(),
        v(&format!("{MEDIA}/comments"))
    );
    Mock::given(method("GET"))
        .and(path(v(&format!("{MEDIA}/comments"))))
        .and(query(&[("fields", DEFAULT_COMMENT_FIELDS), ("limit", "2")]))
        .respond_with(ok(json!({
            "data": [
                {"id": "c1", "text": "first!", "timestamp": "2026-03-01T10:00:00+0000",
                 "username": "bob", "from": {"id": "902", "username": "bob"},
                 "like_count": "3", "hidden": false, "media": {"id": MEDIA}},
                {"id": "c2", "text": "nice", "hidden": "true"}
            ],
            "paging": {"cursors": {"before": "QVFI1", "after": "QVFI2"}, "next": next}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{MEDIA}/comments"))))
        .and(query(&[
            ("fields", "id,text"),
            ("limit", "2"),
            ("after", "QVFI2"),
        ]))
        .respond_with(ok(json!({
            "data": [{"id": "c3", "text": "last"}],
            "paging": {"cursors": {"before": "QVFI3", "after": "QVFI3"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let page = client
        .facebook(&token)
        .media(MediaId::new(MEDIA))
        .comments()
        .limit(2)
        .send()
        .await
        .unwrap();
    let first = &page.items[0];
    assert_eq!(first.like_count, Some(3));
    assert_eq!(first.from.as_ref().unwrap().id, IgUserId::new("902"));
    assert_eq!(
        first.timestamp_parsed(),
        Some(Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap())
    );
    assert_eq!(page.items[1].hidden, Some(true));
    let all: Vec<Comment> = page.into_stream().try_collect().await.unwrap();
    let ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["c1", "c2", "c3"]);
}

#[tokio::test]
async fn comment_pages_above_fifty_are_refused_before_any_request() {
    let server = silent_server().await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let fb = client.facebook(&token);
    let err = fb
        .media(MediaId::new(MEDIA))
        .comments()
        .limit(51)
        .send()
        .await
        .unwrap_err();
    let (field, reason) = invalid_field(err);
    assert_eq!(field, "limit");
    assert!(reason.contains("50"), "{reason}");
    let err = fb
        .comment(CommentId::new(COMMENT))
        .replies()
        .limit(500)
        .send()
        .await
        .unwrap_err();
    assert_eq!(invalid_field(err).0, "limit");
}

#[tokio::test]
async fn commenting_on_a_media_posts_the_message_once_and_returns_its_id() {
    let server = MockServer::start().await;
    let message = "Thanks for the love! 💛 #coffee & more?";
    Mock::given(method("POST"))
        .and(path(v(&format!("{MEDIA}/comments"))))
        .and(query(&[("message", message)]))
        .and(NoBody)
        .respond_with(ok(json!({"id": "17870000000000099"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let id = client
        .facebook(&token)
        .media(MediaId::new(MEDIA))
        .comment(message)
        .await
        .unwrap();
    assert_eq!(id, CommentId::new("17870000000000099"));
}

#[tokio::test]
async fn a_comment_that_meta_refuses_is_not_retried_and_keeps_the_graph_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{MEDIA}/comments"))))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": {
            "message": "An unknown error occurred", "type": "OAuthException",
            "code": 1, "is_transient": true, "fbtrace_id": "T1"
        }})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let err = client
        .facebook(&token)
        .media(MediaId::new(MEDIA))
        .comment("hello")
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::Transient);
    assert_eq!(err.context().unwrap().attempts, 1);
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn comment_texts_are_checked_before_any_request() {
    let server = silent_server().await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let fb = client.facebook(&token);
    let media = fb.media(MediaId::new(MEDIA));
    let comment = fb.comment(CommentId::new(COMMENT));
    for bad in ["", "   \n\t"] {
        assert_eq!(
            invalid_field(media.comment(bad).await.unwrap_err()).0,
            "message"
        );
        assert_eq!(
            invalid_field(comment.reply(bad).await.unwrap_err()).0,
            "message"
        );
    }
    let long = "é".repeat(MAX_COMMENT_CHARS + 1);
    let (field, reason) = invalid_field(media.comment(&long).await.unwrap_err());
    assert_eq!(field, "message");
    assert!(
        reason.contains("2201") && reason.contains("2200"),
        "{reason}"
    );
    assert_eq!(
        invalid_field(comment.reply(&long).await.unwrap_err()).0,
        "message"
    );
    // Ids that would change the path are refused too.
    let sneaky = fb.media(MediaId::new("1/../../me"));
    assert_eq!(
        invalid_field(sneaky.comment("hi").await.unwrap_err()).0,
        "media_id"
    );
    let sneaky = fb.comment(CommentId::new("1?hide=true"));
    assert_eq!(
        invalid_field(sneaky.hide(false).await.unwrap_err()).0,
        "comment_id"
    );
    assert_eq!(
        invalid_field(sneaky.delete().await.unwrap_err()).0,
        "comment_id"
    );
    assert_eq!(
        invalid_field(sneaky.get().send().await.unwrap_err()).0,
        "comment_id"
    );
    let empty_fields = fb.comment(CommentId::new(COMMENT)).get().fields([" "]);
    assert_eq!(
        invalid_field(empty_fields.send().await.unwrap_err()).0,
        "fields"
    );
}

#[tokio::test]
async fn a_comment_of_exactly_2200_characters_is_sent() {
    let server = MockServer::start().await;
    let message = "ü".repeat(MAX_COMMENT_CHARS);
    Mock::given(method("POST"))
        .and(path(v(&format!("{COMMENT}/replies"))))
        .and(query(&[("message", &message)]))
        .respond_with(ok(json!({"id": 17870000000000100u64})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let id = client
        .instagram(&token)
        .comment(CommentId::new(COMMENT))
        .reply(&message)
        .await
        .unwrap();
    assert_eq!(id.as_str(), "17870000000000100");
}

#[tokio::test]
async fn one_comment_and_its_replies_pin_their_requests() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v(COMMENT)))
        .and(query(&[("fields", DEFAULT_COMMENT_FIELDS)]))
        .respond_with(ok(json!({
            "id": COMMENT, "text": "hi", "username": "bob", "parent_id": null,
            "media": {"id": MEDIA, "media_product_type": "FEED"}, "new_field": 1
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v(COMMENT)))
        .and(query(&[("fields", "id,text,replies{id,text}")]))
        .respond_with(ok(json!({
            "id": COMMENT, "text": "hi",
            "replies": {"data": [{"id": "r1", "text": "hello back"}]}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{COMMENT}/replies"))))
        .and(query(&[
            ("fields", "id,text,parent_id"),
            ("limit", "50"),
            ("after", "CUR"),
        ]))
        .respond_with(ok(json!({
            "data": [{"id": "r1", "text": "hello back", "parent_id": COMMENT}],
            "paging": {"cursors": {"before": "A", "after": "B"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let fb = client.facebook(&token);
    let handler = fb.comment(CommentId::new(COMMENT));
    let c = handler.get().send().await.unwrap();
    assert_eq!(c.media.unwrap().id, MediaId::new(MEDIA));
    assert_eq!(c.extra["new_field"], 1);
    let c = handler
        .get()
        .fields(["id", "text", "replies{id,text}"])
        .send()
        .await
        .unwrap();
    assert_eq!(c.replies()[0].text.as_deref(), Some("hello back"));
    let replies = handler
        .replies()
        .fields(["id", "text", "parent_id"])
        .limit(50)
        .after("CUR")
        .send()
        .await
        .unwrap();
    assert_eq!(replies.items.len(), 1);
    assert_eq!(replies.items[0].parent_id, Some(CommentId::new(COMMENT)));
    assert!(!replies.has_next());
}

#[tokio::test]
async fn hide_show_and_delete_pin_method_path_and_query() {
    let server = MockServer::start().await;
    for value in ["true", "false"] {
        Mock::given(method("POST"))
            .and(path(v(COMMENT)))
            .and(query(&[("hide", value)]))
            .and(NoBody)
            .respond_with(ok(json!({"success": true})))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("DELETE"))
        .and(path(v(COMMENT)))
        .and(query(&[]))
        .respond_with(ok(json!({"success": true})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let fb = client.facebook(&token);
    let handler = fb.comment(CommentId::new(COMMENT));
    assert!(handler.hide(true).await.unwrap());
    assert!(handler.hide(false).await.unwrap());
    assert!(handler.delete().await.unwrap());
}

#[tokio::test]
async fn hiding_is_retried_on_a_transient_error_because_it_sets_a_state() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(v(COMMENT)))
        .and(query(&[("hide", "true")]))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(v(COMMENT)))
        .and(query(&[("hide", "true")]))
        .respond_with(ok(json!({"success": true})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let hidden = client
        .facebook(&token)
        .comment(CommentId::new(COMMENT))
        .hide(true)
        .await
        .unwrap();
    assert!(hidden);
}

#[tokio::test]
async fn replying_to_a_hidden_comment_surfaces_metas_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{COMMENT}/replies"))))
        .and(query(&[("message", "hello")]))
        .respond_with(graph_error(
            100,
            Some(2534001),
            "Cannot reply to a hidden comment",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let err = client
        .facebook(&token)
        .comment(CommentId::new(COMMENT))
        .reply("hello")
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::InvalidInput);
    let graph = err.graph().unwrap();
    assert_eq!((graph.code, graph.error_subcode), (100, Some(2534001)));
    assert_eq!(
        err.context().unwrap().path,
        format!("graph.facebook.com/{DEFAULT_API_VERSION}/{COMMENT}/replies")
    );
}

#[tokio::test]
async fn a_private_reply_posts_json_with_the_comment_as_recipient() {
    let server = MockServer::start().await;
    let text = "Hi! We sent you the details 👋";
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/messages"))))
        .and(query(&[]))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "recipient": {"comment_id": COMMENT},
            "message": {"text": text}
        })))
        .respond_with(ok(
            json!({"recipient_id": "6543210", "message_id": "aWdfZAG1"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let sent = client
        .instagram(&token)
        .ig_user(IgUserId::new(IG))
        .messages()
        .private_reply(&CommentId::new(COMMENT), text)
        .await
        .unwrap();
    assert_eq!(sent.recipient_id.as_deref(), Some("6543210"));
    assert_eq!(sent.message_id.unwrap().as_str(), "aWdfZAG1");
}

#[tokio::test]
async fn a_second_private_reply_is_refused_by_meta_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/messages"))))
        .respond_with(graph_error(
            10,
            Some(2534023),
            "This comment has already been replied to privately",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let err = client
        .facebook(&token)
        .ig_user(IgUserId::new(IG))
        .messages()
        .private_reply(&CommentId::new(COMMENT), "again")
        .await
        .unwrap_err();
    assert_eq!(err.graph().unwrap().error_subcode, Some(2534023));
}

#[tokio::test]
async fn private_replies_are_checked_before_any_request() {
    let server = silent_server().await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let fb = client.facebook(&token);
    let me = fb.ig_user(IgUserId::new(IG));
    let comment = CommentId::new(COMMENT);
    assert_eq!(
        invalid_field(
            me.messages()
                .private_reply(&comment, " ")
                .await
                .unwrap_err()
        )
        .0,
        "text"
    );
    // 1000 bytes is the limit, counted in UTF-8: 334 three-byte characters are 1002 bytes.
    let long = "€".repeat(334);
    let (field, reason) = invalid_field(
        me.messages()
            .private_reply(&comment, &long)
            .await
            .unwrap_err(),
    );
    assert_eq!(field, "text");
    assert!(
        reason.contains("1002") && reason.contains(&MAX_PRIVATE_REPLY_BYTES.to_string()),
        "{reason}"
    );
    let bad_id = CommentId::new("");
    assert_eq!(
        invalid_field(
            me.messages()
                .private_reply(&bad_id, "hi")
                .await
                .unwrap_err()
        )
        .0,
        "comment_id"
    );
    // A comment older than 7 days is refused with its deadline.
    let old: Comment = serde_json::from_value(json!({
        "id": COMMENT, "timestamp": "2026-03-01T10:00:00+0000"
    }))
    .unwrap();
    let now = Utc.with_ymd_and_hms(2026, 3, 8, 10, 0, 1).unwrap();
    let (field, reason) = invalid_field(
        me.messages()
            .private_reply_to(&old, "hi", now)
            .await
            .unwrap_err(),
    );
    assert_eq!(field, "comment");
    assert!(reason.contains("2026-03-08 10:00:00 UTC"), "{reason}");
}

#[tokio::test]
async fn a_private_reply_within_seven_days_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/messages"))))
        .and(body_json(json!({
            "recipient": {"comment_id": COMMENT},
            "message": {"text": "hi"}
        })))
        .respond_with(ok(json!({"recipient_id": "1", "message_id": "m1"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let recent: Comment = serde_json::from_value(json!({
        "id": COMMENT, "timestamp": "2026-03-01T10:00:00+0000"
    }))
    .unwrap();
    let now = Utc.with_ymd_and_hms(2026, 3, 8, 10, 0, 0).unwrap();
    client
        .facebook(&token)
        .ig_user(IgUserId::new(IG))
        .messages()
        .private_reply_to(&recent, "hi", now)
        .await
        .unwrap();
}
