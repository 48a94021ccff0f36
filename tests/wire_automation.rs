//! Exact wire checks (wiremock) of messaging automation: the Messenger Profile (ice breakers
//! and persistent menu: GET, POST, DELETE with `platform=instagram`), the User Profile API,
//! quick replies, generic templates and sender actions on the Send API, and the limits that
//! refuse a request before any call.

use instagraph::api::models::{
    Button, GenericElement, IceBreaker, IceBreakerLocale, PersistentMenu, QuickReply, SenderAction,
};
use instagraph::api::MessageContent;
use instagraph::{AccessToken, Client, Error};
use serde_json::json;
use wiremock::matchers::{any, body_json, method, path};
use wiremock::{Mock, MockServer};

mod wire_support;
use wire_support::{ok, query_with_token, v, ExactQuery};

const TOKEN: &str = "IGQWtestautomationtoken0XYZ";
const IG: &str = "17841400000000001";
const USER: &str = "6020000000000001";

fn client(server: &MockServer) -> Client {
    wire_support::client(server, 3)
}

fn query(list: &[(&str, &str)]) -> ExactQuery {
    query_with_token(TOKEN, list)
}

fn ice_breakers() -> Vec<IceBreakerLocale> {
    vec![IceBreakerLocale {
        locale: "default".into(),
        call_to_actions: vec![IceBreaker {
            question: "Opening hours?".into(),
            payload: "HOURS".into(),
        }],
    }]
}

#[tokio::test]
async fn ice_breakers_are_set_read_and_deleted() {
    let server = MockServer::start().await;
    let profile = v(&format!("{IG}/messenger_profile"));
    Mock::given(method("POST"))
        .and(path(profile.clone()))
        .and(query(&[]))
        .and(body_json(json!({
            "platform": "instagram",
            "ice_breakers": [{"locale": "default", "call_to_actions": [
                {"question": "Opening hours?", "payload": "HOURS"}]}]
        })))
        .respond_with(ok(json!({"result": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(profile.clone()))
        .and(query(&[
            ("fields", "ice_breakers"),
            ("platform", "instagram"),
        ]))
        .respond_with(ok(json!({"data": [{"call_to_actions": [
            {"question": "Opening hours?", "payload": "HOURS"}], "locale": "default"}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(profile))
        .and(query(&[]))
        .and(body_json(
            json!({"platform": "instagram", "fields": ["ice_breakers"]}),
        ))
        .respond_with(ok(json!({"result": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let profile = c.instagram(&token).ig_user(IG).messages().profile();
    assert!(profile
        .set_ice_breakers(ice_breakers())
        .send()
        .await
        .unwrap());
    assert_eq!(profile.ice_breakers().send().await.unwrap(), ice_breakers());
    assert!(profile.delete_ice_breakers().send().await.unwrap());
}

#[tokio::test]
async fn persistent_menu_is_set_read_and_deleted_with_a_page_token() {
    let server = MockServer::start().await;
    let profile = v(&format!("{IG}/messenger_profile"));
    let menu = vec![PersistentMenu {
        locale: "default".into(),
        call_to_actions: vec![
            Button::Postback {
                title: "Talk to an agent".into(),
                payload: "CARE_HELP".into(),
            },
            Button::WebUrl {
                title: "Shop now".into(),
                url: "https://shop.example/".into(),
            },
        ],
    }];
    let wire = json!([{"locale": "default", "call_to_actions": [
        {"type": "postback", "title": "Talk to an agent", "payload": "CARE_HELP"},
        {"type": "web_url", "title": "Shop now", "url": "https://shop.example/"}]}]);
    Mock::given(method("POST"))
        .and(path(profile.clone()))
        .and(query(&[]))
        .and(body_json(
            json!({"platform": "instagram", "persistent_menu": wire}),
        ))
        .respond_with(ok(json!({"result": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(profile.clone()))
        .and(query(&[
            ("fields", "persistent_menu"),
            ("platform", "instagram"),
        ]))
        .respond_with(ok(json!({"data": [{"persistent_menu": wire}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(profile))
        .and(body_json(
            json!({"platform": "instagram", "fields": ["persistent_menu"]}),
        ))
        .respond_with(ok(json!({"result": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let profile = c.facebook(&token).ig_user(IG).messages().profile();
    assert!(profile
        .set_persistent_menu(menu.clone())
        .send()
        .await
        .unwrap());
    assert_eq!(profile.persistent_menu().send().await.unwrap(), menu);
    assert!(profile.delete_persistent_menu().send().await.unwrap());
}

#[tokio::test]
async fn user_profile_reads_the_documented_fields() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v(USER)))
        .and(query(&[(
            "fields",
            "name,username,profile_pic,follower_count,is_user_follow_business,is_business_follow_user",
        )]))
        .respond_with(ok(json!({"name": "Peter", "username": "peter", "profile_pic": "https://x/p.jpg",
            "follower_count": "1234", "is_user_follow_business": true, "is_business_follow_user": false,
            "id": USER})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let p = c.instagram(&token).user_profile(USER).send().await.unwrap();
    assert_eq!(p.username.as_deref(), Some("peter"));
    assert_eq!(p.follower_count, Some(1234));
    assert_eq!(p.is_user_follow_business, Some(true));
    assert_eq!(p.id.as_deref(), Some(USER));
}

#[tokio::test]
async fn quick_replies_templates_and_sender_actions_go_on_the_send_api() {
    let server = MockServer::start().await;
    let messages = v(&format!("{IG}/messages"));
    Mock::given(method("POST"))
        .and(path(messages.clone()))
        .and(query(&[]))
        .and(body_json(json!({
            "recipient": {"id": USER},
            "message": {"text": "Pick one", "quick_replies": [
                {"content_type": "text", "title": "Yes", "payload": "Y"},
                {"content_type": "text", "title": "No", "payload": "N"}]}
        })))
        .respond_with(ok(json!({"recipient_id": USER, "message_id": "m1"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(messages.clone()))
        .and(body_json(json!({
            "recipient": {"id": USER},
            "message": {"attachment": {"type": "template", "payload": {
                "template_type": "generic",
                "elements": [{"title": "Shoe", "subtitle": "Red", "image_url": "https://x/s.jpg",
                    "default_action": {"type": "web_url", "url": "https://x/shoe"},
                    "buttons": [{"type": "web_url", "title": "Buy", "url": "https://x/buy"},
                                {"type": "postback", "title": "More", "payload": "MORE"}]}]
            }}}
        })))
        .respond_with(ok(json!({"recipient_id": USER, "message_id": "m2"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(messages))
        .and(body_json(
            json!({"recipient": {"id": USER}, "sender_action": "typing_on"}),
        ))
        .respond_with(ok(json!({"recipient_id": USER})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let msgs = c.instagram(&token).ig_user(IG).messages();
    let qr = |t: &str, p: &str| QuickReply {
        title: t.into(),
        payload: p.into(),
    };
    let sent = msgs
        .send(USER, MessageContent::text("Pick one"))
        .quick_replies(vec![qr("Yes", "Y"), qr("No", "N")])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.message_id.unwrap().as_str(), "m1");
    let card = GenericElement {
        title: "Shoe".into(),
        subtitle: Some("Red".into()),
        image_url: Some("https://x/s.jpg".into()),
        default_action_url: Some("https://x/shoe".into()),
        buttons: vec![
            Button::WebUrl {
                title: "Buy".into(),
                url: "https://x/buy".into(),
            },
            Button::Postback {
                title: "More".into(),
                payload: "MORE".into(),
            },
        ],
    };
    msgs.send(USER, MessageContent::Template(vec![card]))
        .send()
        .await
        .unwrap();
    msgs.sender_action(USER, SenderAction::TypingOn)
        .await
        .unwrap();
}

#[tokio::test]
async fn limits_are_refused_before_any_call() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok(json!({})))
        .expect(0)
        .mount(&server)
        .await;
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let msgs = c.instagram(&token).ig_user(IG).messages();
    let field = |e: Error| match e {
        Error::InvalidInput { field, .. } => field,
        other => panic!("expected InvalidInput, got {other:?}"),
    };
    let mut five = ice_breakers();
    five[0].call_to_actions = vec![five[0].call_to_actions[0].clone(); 5];
    let e = msgs
        .profile()
        .set_ice_breakers(five)
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "ice_breakers.call_to_actions");
    let mut no_default = ice_breakers();
    no_default[0].locale = "en_GB".into();
    let e = msgs
        .profile()
        .set_ice_breakers(no_default)
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "ice_breakers");
    let long_menu = vec![PersistentMenu {
        locale: "default".into(),
        call_to_actions: vec![Button::Postback {
            title: "x".repeat(31),
            payload: "P".into(),
        }],
    }];
    let e = msgs
        .profile()
        .set_persistent_menu(long_menu)
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "persistent_menu.title");
    let replies = vec![
        QuickReply {
            title: "a".into(),
            payload: "p".into()
        };
        14
    ];
    let e = msgs
        .send(USER, MessageContent::text("hi"))
        .quick_replies(replies)
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "quick_replies");
    let e = msgs
        .send(USER, MessageContent::Template(Vec::new()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "template.elements");
    let e = c
        .instagram(&token)
        .user_profile(" ")
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "igsid");
}

#[tokio::test]
async fn unsubscribe_deletes_the_apps_subscription() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(v(&format!("{IG}/subscribed_apps"))))
        .and(query(&[]))
        .respond_with(ok(json!({"success": true})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    assert!(c
        .instagram(&token)
        .ig_user(IG)
        .webhooks()
        .unsubscribe()
        .await
        .unwrap());
}
