//! Typed webhook events from the payload shapes of Meta's documentation (comments, mentions,
//! story insights, messages with attachments / echoes / deletions / replies, reactions, seen,
//! postbacks), unknown fields and fields kept, deduplication of redeliveries, and the
//! `subscribed_apps` calls on the wire.

use std::time::Duration;

use hmac::{Hmac, Mac};
use instagraph::api::models::MediaProductType;
use instagraph::webhooks::{self, Deduper, Event, WebhookError};
use instagraph::{AccessToken, Client, Error, Hosts, IgUserId, RetryPolicy};
use serde_json::json;
use sha2::Sha256;
use wiremock::matchers::{any, method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

const IG: &str = "17841405726653026";

fn parse(body: serde_json::Value) -> Vec<Event> {
    let payload = webhooks::parse(body.to_string().as_bytes()).unwrap();
    assert_eq!(payload.object, "instagram");
    payload.events
}

fn only(body: serde_json::Value) -> Event {
    let mut events = parse(body);
    assert_eq!(events.len(), 1, "{events:?}");
    events.remove(0)
}

fn change(field: &str, value: serde_json::Value) -> serde_json::Value {
    json!({"object": "instagram", "entry": [{"id": IG, "time": 1520622968,
        "changes": [{"field": field, "value": value}]}]})
}

fn messaging(item: serde_json::Value) -> serde_json::Value {
    json!({"object": "instagram", "entry": [{"id": IG, "time": 1569262486134_i64,
        "messaging": [item]}]})
}

#[test]
fn comments() {
    let event = only(change(
        "comments",
        json!({"from": {"id": "232323232", "username": "test", "self_ig_scoped_id": "99"},
               "media": {"id": "123123123", "media_product_type": "FEED", "ad_id": "1"},
               "id": "17865799348089039", "parent_id": "1231231234",
               "text": "This is an example.", "new_in_v27": {"a": 1}}),
    ));
    let Event::Comment(c) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(c.entry_id, IG);
    assert_eq!(c.time, Some(1520622968));
    assert_eq!(c.field, "comments");
    assert_eq!(c.id.as_deref(), Some("17865799348089039"));
    assert_eq!(c.parent_id.as_deref(), Some("1231231234"));
    assert_eq!(c.text.as_deref(), Some("This is an example."));
    let from = c.from.as_ref().unwrap();
    assert_eq!(
        (from.id.as_deref(), from.username.as_deref()),
        (Some("232323232"), Some("test"))
    );
    assert_eq!(from.extra["self_ig_scoped_id"], "99");
    let media = c.media.as_ref().unwrap();
    assert_eq!(media.id.as_deref(), Some("123123123"));
    assert_eq!(media.media_product_type, Some(MediaProductType::Feed));
    assert_eq!(media.extra["ad_id"], "1");
    // Unknown fields are kept.
    assert_eq!(c.extra["new_in_v27"], json!({"a": 1}));
    assert_eq!(event.field(), "comments");
    assert_eq!(event.entry_id(), IG);

    let live = only(change("live_comments", json!({"id": 5, "text": "live!"})));
    let Event::Comment(live) = live else { panic!() };
    assert_eq!(live.field, "live_comments");
    assert_eq!(live.id.as_deref(), Some("5"), "numeric ids read as strings");
}

#[test]
fn mentions_and_story_insights() {
    let Event::Mention(m) = only(change(
        "mentions",
        json!({"comment_id": "17894227972186120", "media_id": "17918195224117851"}),
    )) else {
        panic!()
    };
    assert_eq!(m.comment_id.as_deref(), Some("17894227972186120"));
    assert_eq!(m.media_id.as_deref(), Some("17918195224117851"));
    let Event::Mention(caption) = only(change("mentions", json!({"media_id": "1"}))) else {
        panic!()
    };
    assert_eq!(caption.comment_id, None);

    let Event::StoryInsights(s) = only(change(
        "story_insights",
        json!({"media_id": "17887498072083520", "exits": 1, "replies": 0, "reach": 44,
               "taps_forward": 7, "taps_back": 0, "impressions": 44, "navigation": 9}),
    )) else {
        panic!()
    };
    assert_eq!(s.media_id.as_deref(), Some("17887498072083520"));
    assert_eq!(
        (
            s.reach,
            s.impressions,
            s.taps_forward,
            s.taps_back,
            s.exits,
            s.replies
        ),
        (Some(44), Some(44), Some(7), Some(0), Some(1), Some(0))
    );
    assert_eq!(s.extra["navigation"], 9);
}

#[test]
fn messages_of_every_kind() {
    let Event::Message(text) = only(messaging(json!({
        "sender": {"id": "IGSID1"}, "recipient": {"id": IG}, "timestamp": 1569262485349_i64,
        "message": {"mid": "MID1", "text": "Hello", "quick_reply": {"payload": "YES"}},
        "referral": {"ref": "ad", "source": "ADS", "type": "OPEN_THREAD"}
    }))) else {
        panic!()
    };
    assert_eq!(text.sender_id.as_deref(), Some("IGSID1"));
    assert_eq!(text.recipient_id.as_deref(), Some(IG));
    assert_eq!(text.timestamp, Some(1569262485349));
    assert_eq!(text.time, Some(1569262486134));
    assert_eq!(text.mid.as_deref(), Some("MID1"));
    assert_eq!(text.text.as_deref(), Some("Hello"));
    assert_eq!(text.quick_reply_payload.as_deref(), Some("YES"));
    assert!(!text.is_echo && !text.is_deleted);
    assert_eq!(text.envelope_extra["referral"]["source"], "ADS");

    let Event::Message(media) = only(messaging(json!({
        "sender": {"id": "IGSID1"}, "recipient": {"id": IG}, "timestamp": 1,
        "message": {"mid": "MID2", "attachments": [
            {"type": "image", "payload": {"url": "https://cdn.example/a.jpg"}},
            {"type": "story_mention", "payload": {"url": "https://cdn.example/s.mp4"}},
            {"type": "ig_reel", "payload": {"reel_video_id": "123", "title": "t"}}
        ], "reply_to": {"story": {"url": "https://cdn.example/story", "id": "STORY1"}}}
    }))) else {
        panic!()
    };
    assert_eq!(media.attachments.len(), 3);
    assert_eq!(media.attachments[0].kind.as_deref(), Some("image"));
    assert_eq!(
        media.attachments[0].url(),
        Some("https://cdn.example/a.jpg")
    );
    assert_eq!(media.attachments[1].kind.as_deref(), Some("story_mention"));
    assert_eq!(media.attachments[2].url(), None);
    assert_eq!(media.attachments[2].payload["reel_video_id"], "123");
    let reply = media.reply_to.as_ref().unwrap();
    assert_eq!(reply.story_id.as_deref(), Some("STORY1"));
    assert_eq!(
        reply.story_url.as_deref(),
        Some("https://cdn.example/story")
    );

    let Event::Message(echo) = only(messaging(json!({
        "sender": {"id": IG}, "recipient": {"id": "IGSID1"}, "timestamp": 2,
        "message": {"mid": "MID3", "text": "Thanks!", "is_echo": true, "reply_to": {"mid": "MID1"}}
    }))) else {
        panic!()
    };
    assert!(echo.is_echo);
    assert_eq!(
        echo.reply_to.as_ref().and_then(|r| r.mid.as_deref()),
        Some("MID1")
    );

    let Event::Message(deleted) = only(messaging(json!({
        "sender": {"id": "IGSID1"}, "recipient": {"id": IG}, "timestamp": 3,
        "message": {"mid": "MID1", "is_deleted": true}
    }))) else {
        panic!()
    };
    assert!(deleted.is_deleted);

    // The `changes` form (Instagram Login test deliveries), with a string timestamp.
    let Event::Message(changed) = only(change(
        "messages",
        json!({"sender": {"id": "12334"}, "recipient": {"id": "23245"},
               "timestamp": "1527459824", "message": {"mid": "random_mid", "text": "random_text"}}),
    )) else {
        panic!()
    };
    assert_eq!(changed.timestamp, Some(1527459824));
    assert_eq!(changed.text.as_deref(), Some("random_text"));
}

#[test]
fn reactions_seen_and_postbacks() {
    let Event::Reaction(r) = only(messaging(json!({
        "sender": {"id": "IGSID1"}, "recipient": {"id": IG}, "timestamp": 4,
        "reaction": {"mid": "MID1", "action": "react", "reaction": "love", "emoji": "\u{2764}\u{FE0F}"}
    }))) else {
        panic!()
    };
    assert_eq!(r.mid.as_deref(), Some("MID1"));
    assert_eq!(r.action.as_deref(), Some("react"));
    assert_eq!(r.reaction.as_deref(), Some("love"));
    assert_eq!(r.emoji.as_deref(), Some("\u{2764}\u{FE0F}"));

    let Event::Reaction(changed) = only(change(
        "message_reactions",
        json!({"sender": {"id": "1"}, "recipient": {"id": "2"}, "timestamp": 5,
               "reaction": {"mid": "MID9", "action": "unreact"}}),
    )) else {
        panic!()
    };
    assert_eq!(changed.action.as_deref(), Some("unreact"));

    let Event::Seen(seen) = only(messaging(json!({
        "sender": {"id": "IGSID1"}, "recipient": {"id": IG}, "timestamp": 6,
        "read": {"mid": "MID3"}
    }))) else {
        panic!()
    };
    assert_eq!(seen.mid.as_deref(), Some("MID3"));
    assert_eq!(seen.timestamp, Some(6));

    let Event::Postback(p) = only(messaging(json!({
        "sender": {"id": "IGSID1"}, "recipient": {"id": IG}, "timestamp": 7,
        "postback": {"mid": "MID4", "title": "Get started", "payload": "START"}
    }))) else {
        panic!()
    };
    assert_eq!(
        (p.mid.as_deref(), p.title.as_deref(), p.payload.as_deref()),
        (Some("MID4"), Some("Get started"), Some("START"))
    );
    let seen = parse(change("messaging_seen", json!({"read": {"mid": "x"}})));
    let postbacks = parse(change(
        "messaging_postbacks",
        json!({"postback": {"payload": "p"}}),
    ));
    let kinds: Vec<&str> = seen.iter().chain(&postbacks).map(Event::field).collect();
    assert_eq!(kinds, ["messaging_seen", "messaging_postbacks"]);
}

#[test]
fn unknown_fields_and_shapes_are_kept_not_dropped() {
    let body = json!({"object": "instagram", "delivery_id": "d1", "entry": [
        {"id": IG, "time": 1, "changes": [
            {"field": "story_replies_v2", "value": {"x": 1}},
            {"field": "comments", "value": "not an object"},
            {"field": "comments", "value": {"id": "c1", "text": {"rich": true}}}
        ], "standby": [{"sender": {"id": "1"}}]},
        {"id": IG, "time": 2, "messaging": [{"sender": {"id": "1"}, "optin": {"ref": "r"}}]},
        "not an entry"
    ]});
    let payload = webhooks::parse(body.to_string().as_bytes()).unwrap();
    assert_eq!(payload.extra["delivery_id"], "d1");
    let e = &payload.events;
    assert_eq!(e.len(), 6, "{e:#?}");
    let Event::Unknown(u) = &e[0] else { panic!() };
    assert_eq!(
        (u.field.as_str(), &u.value),
        ("story_replies_v2", &json!({"x": 1}))
    );
    let Event::Unknown(u) = &e[1] else { panic!() };
    assert_eq!(u.value, json!("not an object"));
    // A known field of an unexpected type stays in `extra`.
    let Event::Comment(c) = &e[2] else { panic!() };
    assert_eq!(c.text, None);
    assert_eq!(c.extra["text"], json!({"rich": true}));
    // A standby item of no known kind is kept whole inside the standby event.
    let Event::Standby(s) = &e[3] else { panic!() };
    let Event::Unknown(u) = &*s.event else {
        panic!()
    };
    assert_eq!(u.value["sender"]["id"], "1");
    let Event::Optin(o) = &e[4] else { panic!() };
    assert_eq!((o.optin_ref.as_deref(), o.time), (Some("r"), Some(2)));
    let Event::Unknown(u) = &e[5] else { panic!() };
    assert_eq!(u.field, "entry");
}

#[test]
fn only_non_objects_are_refused() {
    for bad in [&b""[..], b"null", b"[]", b"\"x\"", b"{", b"\xff\xfe"] {
        let e = webhooks::parse(bad).unwrap_err();
        assert!(matches!(e, WebhookError::MalformedBody(_)), "{bad:?}");
        assert_eq!(e.http_status(), 400);
    }
    assert!(webhooks::parse(b"{}").unwrap().events.is_empty());
}

#[test]
fn redeliveries_are_dropped_and_distinct_updates_kept() {
    let body = json!({"object": "instagram", "entry": [
        {"id": IG, "time": 10, "changes": [
            {"field": "comments", "value": {"id": "c1", "text": "a"}},
            {"field": "mentions", "value": {"media_id": "m1", "comment_id": "c9"}},
            {"field": "story_insights", "value": {"media_id": "s1", "reach": 3}}
        ]},
        {"id": IG, "time": 11, "messaging": [
            {"sender": {"id": "u"}, "recipient": {"id": IG}, "timestamp": 1, "message": {"mid": "M1", "text": "hi"}},
            {"sender": {"id": "u"}, "recipient": {"id": IG}, "timestamp": 2, "message": {"mid": "M1", "is_deleted": true}},
            {"sender": {"id": "u"}, "recipient": {"id": IG}, "timestamp": 3, "read": {"mid": "M1"}},
            {"sender": {"id": "u"}, "recipient": {"id": IG}, "timestamp": 4, "reaction": {"mid": "M1", "action": "react", "reaction": "love"}},
            {"sender": {"id": "u"}, "recipient": {"id": IG}, "timestamp": 5, "reaction": {"mid": "M1", "action": "unreact"}}
        ]}
    ]})
    .to_string();
    let dedup = Deduper::new(1000, Duration::from_secs(3600));
    let first = dedup.retain_new(webhooks::parse(body.as_bytes()).unwrap().events);
    assert_eq!(first.len(), 8, "every update is new the first time");
    let keys: std::collections::BTreeSet<String> = first.iter().map(Event::dedup_key).collect();
    assert_eq!(
        keys.len(),
        8,
        "distinct updates have distinct keys: {keys:?}"
    );
    // Meta redelivers the same batch (even re-encoded): everything is dropped.
    let again = dedup.retain_new(webhooks::parse(body.as_bytes()).unwrap().events);
    assert!(again.is_empty(), "{again:?}");
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(&body).unwrap())
            .unwrap();
    assert!(dedup
        .retain_new(webhooks::parse(pretty.as_bytes()).unwrap().events)
        .is_empty());
    // A new comment in a later delivery passes.
    let later = only(change("comments", json!({"id": "c2", "text": "b"})));
    assert!(dedup.first_delivery(&later));
    assert!(!dedup.first_delivery(&later));
    assert_eq!(dedup.len(), 9);
}

// ---- subscribed_apps on the wire ---------------------------------------------------------------

const TOKEN: &str = "EAAGpagetoken00QRST";
const SECRET: &str = "secret";

struct ExactQuery(Vec<(String, String)>);

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

fn query(extra: &[(&str, &str)]) -> ExactQuery {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(TOKEN.as_bytes());
    let proof = hex::encode(mac.finalize().into_bytes());
    let mut all: Vec<(String, String)> = extra
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    all.push(("access_token".into(), TOKEN.into()));
    all.push(("appsecret_proof".into(), proof));
    all.sort();
    ExactQuery(all)
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .app("123", SECRET)
        .api_version("v26.0")
        .hosts(Hosts::uniform(&server.uri()))
        .retry(RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            max_throttle_wait: Duration::from_secs(1),
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn subscribe_app_and_list_subscriptions() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v26.0/{IG}/subscribed_apps")))
        .and(query(&[(
            "subscribed_fields",
            "comments,messages,mentions",
        )]))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v26.0/{IG}/subscribed_apps")))
        .and(query(&[]))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": 123, "name": "Agency tool", "link": "https://app.example",
             "subscribed_fields": ["comments", "messages", "mentions"]}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let account = client.facebook(&token).ig_user(IgUserId::new(IG));
    assert!(account
        .webhooks()
        .subscribe(["comments", "messages", "mentions"])
        .await
        .unwrap());
    let apps = account.webhooks().subscribed_apps().await.unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].id.as_deref(), Some("123"));
    assert_eq!(apps[0].name.as_deref(), Some("Agency tool"));
    assert_eq!(
        apps[0].subscribed_fields,
        ["comments", "messages", "mentions"]
    );
    assert_eq!(apps[0].extra["link"], "https://app.example");
}

#[tokio::test]
async fn bad_subscription_fields_are_refused_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let account = client.facebook(&token).ig_user(IgUserId::new(IG));
    for fields in [
        vec![],
        vec!["comments,messages"],
        vec!["comments", ""],
        vec!["Comments"],
    ] {
        let e = account
            .webhooks()
            .subscribe(fields.clone())
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                Error::InvalidInput {
                    field: "subscribed_fields",
                    ..
                }
            ),
            "{fields:?}: {e}"
        );
    }
}
