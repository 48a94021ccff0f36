//! Exact wire checks (wiremock) of messaging: conversations (IG user and Page paths, the
//! `user_id` filter, paging), a conversation's messages (ids first, then at most the 20 newest
//! read one by one), one message, the Send API's JSON bodies (text, attachment, HUMAN_AGENT tag,
//! private reply, reactions), the outside-window error as a typed error, and the checks that
//! refuse a message before any call.

use std::time::Duration;

use instagraph::api::{AttachmentKind, MessageContent, MessagingTag, Reaction};
use instagraph::{AccessToken, Client, CommentId, Error, ErrorClass, MessageId};
use serde_json::json;
use wiremock::matchers::{any, body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod wire_support;
use wire_support::{ok, proof, query_with_token, v, ExactQuery};

const TOKEN: &str = "EAAGtestmessagingtoken0QRST";
const IG: &str = "17841400000000001";
const PAGE: &str = "100000000000001";
const USER: &str = "6020000000000001";

fn client(server: &MockServer) -> Client {
    wire_support::client(server, 3)
}

/// Exactly these query pairs plus `access_token` = `TOKEN` and its `appsecret_proof`.
fn query(list: &[(&str, &str)]) -> ExactQuery {
    query_with_token(TOKEN, list)
}

/// A POST of `body` (JSON) to `/{IG}/messages`, answering `answer`.
fn send_mock(body: serde_json::Value, answer: ResponseTemplate) -> Mock {
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/messages"))))
        .and(query(&[]))
        .and(header("content-type", "application/json"))
        .and(body_json(body))
        .respond_with(answer)
}

#[tokio::test]
async fn conversations_are_listed_filtered_and_paged() {
    let server = MockServer::start().await;
    let next = format!(
        "{}{}?platform=instagram&fields=id,updated_time&after=QVFI&access_token=LEAKED",
        server.uri(),
        v(&format!("{IG}/conversations"))
    );
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/conversations"))))
        .and(query(&[
            ("platform", "instagram"),
            ("fields", "id,updated_time"),
            ("user_id", USER),
            ("limit", "1"),
        ]))
        .respond_with(ok(
            json!({"data": [{"id": "aWdfdAGc1", "updated_time": "2026-01-05T10:00:00+0000"}],
            "paging": {"cursors": {"after": "QVFI"}, "next": next}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/conversations"))))
        .and(query(&[
            ("platform", "instagram"),
            ("fields", "id,updated_time"),
            ("after", "QVFI"),
        ]))
        .respond_with(ok(json!({"data": [{"id": "aWdfdAGc2"}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{PAGE}/conversations"))))
        .and(query(&[
            ("platform", "instagram"),
            ("fields", "id,updated_time"),
        ]))
        .respond_with(ok(
            json!({"data": [{"id": "t_10001", "updated_time": "2026-01-04T09:00:00+0000"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let fb = c.facebook(&token);
    let first = fb
        .ig_user(IG)
        .messages()
        .conversations()
        .user_id(USER)
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(first.items[0].id.as_str(), "aWdfdAGc1");
    assert_eq!(
        first.items[0].updated_time_parsed().unwrap().to_rfc3339(),
        "2026-01-05T10:00:00+00:00"
    );
    let second = first.next_page().await.unwrap().unwrap();
    assert_eq!(second.items[0].id.as_str(), "aWdfdAGc2");
    assert!(!second.has_next());

    let page = fb.page_conversations(PAGE).send().await.unwrap();
    assert_eq!(page.items[0].id.as_str(), "t_10001");
}

#[tokio::test]
async fn messages_reads_ids_then_at_most_the_20_newest() {
    let server = MockServer::start().await;
    let ids: Vec<String> = (0..22).map(|i| format!("aWdfm{i:02}")).collect();
    Mock::given(method("GET"))
        .and(path(v("aWdfdAGc1")))
        .and(query(&[("fields", "messages")]))
        .respond_with(ok(json!({"id": "aWdfdAGc1", "messages": {"data":
            ids.iter().map(|id| json!({"id": id, "created_time": "2026-01-05T10:00:00+0000"})).collect::<Vec<_>>()}})))
        .expect(1)
        .mount(&server)
        .await;
    for (i, id) in ids.iter().enumerate() {
        let mut body = json!({"id": id, "created_time": "2026-01-05T10:00:00+0000",
            "from": {"id": USER, "username": "alice"},
            "to": {"data": [{"id": IG, "username": "brand"}]},
            "message": format!("message {i}")});
        if i == 1 {
            body["message"] = json!("");
            body["attachments"] = json!({"data": [{"image_data": {"url": "https://cdn.example/a.jpg", "width": 640, "height": 480}}]});
        }
        Mock::given(method("GET"))
            .and(path(v(id)))
            .and(query(&[(
                "fields",
                "id,created_time,from,to,message,attachments",
            )]))
            // Later answers arrive first: the order must still be the conversation's.
            .respond_with(ok(body).set_delay(Duration::from_millis(40 - 2 * i as u64 % 40)))
            .expect(if i < 20 { 1 } else { 0 })
            .mount(&server)
            .await;
    }
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let messages = c
        .facebook(&token)
        .conversation("aWdfdAGc1")
        .messages()
        .send()
        .await
        .unwrap();
    assert_eq!(messages.len(), 20);
    let got: Vec<&str> = messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        got,
        ids[..20].iter().map(String::as_str).collect::<Vec<_>>()
    );
    let first = &messages[0];
    assert_eq!(first.message.as_deref(), Some("message 0"));
    assert_eq!(
        first.from.as_ref().unwrap().username.as_deref(),
        Some("alice")
    );
    assert_eq!(first.to.as_ref().unwrap().data[0].id, IG);
    let image = messages[1].attachments.as_ref().unwrap().data[0]
        .image_data
        .as_ref()
        .unwrap();
    assert_eq!(image.url.as_deref(), Some("https://cdn.example/a.jpg"));
}

#[tokio::test]
async fn one_message_and_a_short_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("aWdfm99")))
        .and(query(&[(
            "fields",
            "id,created_time,from,to,message,attachments",
        )]))
        .respond_with(ok(json!({"id": "aWdfm99", "message": "hello",
            "from": {"id": USER}, "created_time": "2026-01-05T10:00:00+0000"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v("aWdfdAGc7")))
        .and(query(&[("fields", "messages")]))
        .respond_with(ok(json!({"id": "aWdfdAGc7", "messages": {"data": [
            {"id": "aWdfm98"}, {"id": "aWdfm97"}]}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v("aWdfm98")))
        .and(query(&[("fields", "id,message")]))
        .respond_with(ok(json!({"id": "aWdfm98", "message": "newest"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let g = c.instagram(&token);
    let m = g.message(MessageId::new("aWdfm99")).get().await.unwrap();
    assert_eq!(m.message.as_deref(), Some("hello"));
    assert!(m.created_time_parsed().is_some());
    let newest = g
        .conversation("aWdfdAGc7")
        .messages()
        .fields(["id", "message"])
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(newest.len(), 1);
    assert_eq!(newest[0].message.as_deref(), Some("newest"));
}

#[tokio::test]
async fn send_api_bodies_are_exact() {
    let server = MockServer::start().await;
    let answer = |mid: &str| ok(json!({"recipient_id": USER, "message_id": mid}));
    send_mock(
        json!({"recipient": {"id": USER}, "message": {"text": "Hi there €"}}),
        answer("m_text"),
    )
    .expect(1)
    .mount(&server)
    .await;
    send_mock(
        json!({"recipient": {"id": USER}, "message": {"text": "A person here"},
            "messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}),
        answer("m_tag"),
    )
    .expect(1)
    .mount(&server)
    .await;
    send_mock(
        json!({"recipient": {"id": USER}, "message": {"attachment": {"type": "image",
            "payload": {"url": "https://cdn.example/p.jpg"}}}}),
        answer("m_image"),
    )
    .expect(1)
    .mount(&server)
    .await;
    send_mock(
        json!({"recipient": {"comment_id": "17900000000000009"},
            "message": {"text": "Thanks, check your DMs"}}),
        ok(json!({"recipient_id": USER, "message_id": "m_private"})),
    )
    .expect(1)
    .mount(&server)
    .await;
    send_mock(
        json!({"recipient": {"id": USER}, "sender_action": "react",
            "payload": {"message_id": "m_text", "reaction": "love"}}),
        ok(json!({"recipient_id": USER})),
    )
    .expect(1)
    .mount(&server)
    .await;
    send_mock(
        json!({"recipient": {"id": USER}, "sender_action": "unreact",
            "payload": {"message_id": "m_text"}}),
        ok(json!({"recipient_id": USER})),
    )
    .expect(1)
    .mount(&server)
    .await;
    // Exactly the limit: 1000 bytes of UTF-8 (333 three-byte characters and one byte).
    let at_limit = format!("{}a", "€".repeat(333));
    send_mock(
        json!({"recipient": {"id": USER}, "message": {"text": at_limit}}),
        answer("m_limit"),
    )
    .expect(1)
    .mount(&server)
    .await;
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let fb = c.facebook(&token);
    let me = fb.ig_user(IG);
    assert_eq!(at_limit.len(), 1000);
    me.messages()
        .send(USER, MessageContent::Text(at_limit))
        .send()
        .await
        .unwrap();
    let sent = me
        .messages()
        .send(USER, MessageContent::text("Hi there €"))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.message_id.unwrap().as_str(), "m_text");
    assert_eq!(sent.recipient_id.as_deref(), Some(USER));
    let tagged = me
        .messages()
        .send(USER, MessageContent::text("A person here"))
        .tag(MessagingTag::HumanAgent)
        .send()
        .await
        .unwrap();
    assert_eq!(tagged.message_id.unwrap().as_str(), "m_tag");
    me.messages()
        .send(
            USER,
            MessageContent::attachment(AttachmentKind::Image, "https://cdn.example/p.jpg"),
        )
        .send()
        .await
        .unwrap();
    let private = me
        .messages()
        .send(
            CommentId::new("17900000000000009"),
            MessageContent::text("Thanks, check your DMs"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(private.message_id.unwrap().as_str(), "m_private");
    let mid = MessageId::new("m_text");
    me.messages()
        .react(USER, &mid, Reaction::Love)
        .await
        .unwrap();
    me.messages().unreact(USER, &mid).await.unwrap();
}

#[tokio::test]
async fn outside_the_window_is_a_typed_policy_error_and_never_retried() {
    let server = MockServer::start().await;
    send_mock(
        json!({"recipient": {"id": USER}, "message": {"text": "late"},
            "messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}),
        ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "(#10) This message is sent outside of allowed window.",
            "type": "OAuthException", "code": 10, "error_subcode": 2534022,
            "fbtrace_id": "AwIndow1"}})),
    )
    .expect(1)
    .mount(&server)
    .await;
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let err = c
        .facebook(&token)
        .ig_user(IG)
        .messages()
        .send(USER, MessageContent::text("late"))
        .tag(MessagingTag::HumanAgent)
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::OutsideMessagingWindow {
            recipient,
            human_agent,
            error,
            context,
        } => {
            assert_eq!(recipient, USER);
            assert!(*human_agent);
            assert_eq!((error.code, error.error_subcode), (10, Some(2534022)));
            assert_eq!(context.method, "POST");
            assert!(context.path.ends_with(&format!("{IG}/messages")));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.class(), ErrorClass::PolicyBlocked);
    assert_eq!(err.graph().unwrap().fbtrace_id.as_deref(), Some("AwIndow1"));
    assert!(err.context().is_some());
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(!shown.contains(&proof(TOKEN)));
}

#[tokio::test]
async fn other_send_errors_stay_graph_errors() {
    let server = MockServer::start().await;
    send_mock(
        json!({"recipient": {"id": USER}, "message": {"text": "hi"}}),
        ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "(#100) No matching user found", "type": "OAuthException",
            "code": 100, "error_subcode": 2018001}})),
    )
    .expect(1)
    .mount(&server)
    .await;
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let err = c
        .facebook(&token)
        .ig_user(IG)
        .messages()
        .send(USER, MessageContent::text("hi"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Graph { .. }), "{err:?}");
    assert_eq!(err.class(), ErrorClass::InvalidInput);
}

/// The field and reason of an `InvalidInput` error.
fn field<T: std::fmt::Debug>(r: Result<T, Error>) -> (&'static str, String) {
    match r {
        Err(Error::InvalidInput { field, reason }) => (field, reason),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn bad_messages_are_refused_before_any_call() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok(json!({})))
        .expect(0)
        .mount(&server)
        .await;
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let fb = c.facebook(&token);
    let me = fb.ig_user(IG);
    // 1001 ASCII bytes, then 334 three-byte characters (1002 bytes, 334 chars).
    for text in ["a".repeat(1001), "€".repeat(334)] {
        let (f, reason) = field(
            me.messages()
                .send(USER, MessageContent::Text(text))
                .send()
                .await,
        );
        assert_eq!(f, "text");
        assert!(reason.contains("1000"), "{reason}");
    }
    let (f, _) = field(
        me.messages()
            .send(USER, MessageContent::text("  "))
            .send()
            .await,
    );
    assert_eq!(f, "text");
    let (f, _) = field(
        me.messages()
            .send(
                USER,
                MessageContent::attachment(AttachmentKind::Video, "not a url"),
            )
            .send()
            .await,
    );
    assert_eq!(f, "url");
    let (f, _) = field(
        me.messages()
            .send(
                USER,
                MessageContent::attachment(AttachmentKind::File, "ftp://x.example/f.pdf"),
            )
            .send()
            .await,
    );
    assert_eq!(f, "url");
    let (f, _) = field(
        me.messages()
            .send("", MessageContent::text("hi"))
            .send()
            .await,
    );
    assert_eq!(f, "recipient");
    let (f, _) = field(
        me.messages()
            .react("", &MessageId::new("m1"), Reaction::Love)
            .await,
    );
    assert_eq!(f, "recipient");
    let (f, _) = field(me.messages().unreact(USER, &MessageId::new("")).await);
    assert_eq!(f, "message_id");
    let (f, reason) = field(fb.conversation("c1").messages().limit(21).send().await);
    assert_eq!(f, "limit");
    assert!(reason.contains("20"), "{reason}");
    let (f, _) = field(fb.conversation("c1").messages().limit(0).send().await);
    assert_eq!(f, "limit");
    let (f, _) = field(fb.conversation("c1").messages().concurrency(0).send().await);
    assert_eq!(f, "concurrency");
    let (f, _) = field(
        me.messages()
            .conversations()
            .user_id(" ")
            .send()
            .await
            .map(|p| p.items),
    );
    assert_eq!(f, "user_id");
}
