//! Messaging automation end to end against the sandbox: ice breakers and the persistent menu
//! set, read back and deleted (with Instagram Login on graph.instagram.com and a Page token on
//! graph.facebook.com: one profile per account), the User Profile API and its consent rule,
//! and quick replies, generic templates and sender actions in an open conversation.

use instagraph::api::models::{
    Button, GenericElement, IceBreaker, IceBreakerLocale, PersistentMenu, QuickReply, SenderAction,
};
use instagraph::api::MessageContent;
use instagraph::{AccessToken, Client, Error};
use instagraph_sandbox::{Login, Sandbox, TokenRequest};
use serde_json::json;

const ALICE: &str = "100000000000011";
const PAGE_BAKERY: &str = "100000000000101";
const IG_BAKERY: &str = "17841400000000001";
const NEWCOMER: &str = "6900000000000091";
const LURKER: &str = "6900000000000092";

struct Env {
    sandbox: Sandbox,
    client: Client,
    ig_token: AccessToken,
    page_token: AccessToken,
}

impl Env {
    async fn start() -> Self {
        let sandbox = Sandbox::start().await.expect("sandbox starts");
        let client = Client::builder()
            .app(sandbox.app_id(), sandbox.app_secret())
            .sandbox(sandbox.base_url())
            .build()
            .expect("client");
        let token = |user: &str, login, page: Option<&str>| {
            AccessToken::new(
                sandbox
                    .issue_token(&TokenRequest {
                        user_id: user.into(),
                        login,
                        long_lived: true,
                        scopes: None,
                        page_id: page.map(str::to_owned),
                    })
                    .expect("token")
                    .access_token,
            )
        };
        let ig_token = token(IG_BAKERY, Login::Instagram, None);
        let page_token = token(ALICE, Login::Facebook, Some(PAGE_BAKERY));
        Self {
            sandbox,
            client,
            ig_token,
            page_token,
        }
    }

    /// `from` messages the bakery: a conversation with an open window, and consent.
    async fn message_from(&self, from: &str, text: &str) -> String {
        let out = self
            .sandbox
            .event(
                json!({"type": "message", "from_user_id": from, "to_ig_id": IG_BAKERY,
                "text": text, "from_username": "new.person"}),
            )
            .await
            .expect("message event");
        out["created"]["conversation_id"]
            .as_str()
            .expect("conversation")
            .to_owned()
    }
}

fn graph_code(e: &Error) -> Option<i64> {
    match e {
        Error::Graph { error, .. } => Some(error.code),
        _ => None,
    }
}

#[tokio::test]
async fn ice_breakers_round_trip_on_both_hosts() {
    let env = Env::start().await;
    let ig = env.client.instagram(&env.ig_token);
    let profile = ig.ig_user(IG_BAKERY).messages().profile();
    assert!(profile.ice_breakers().send().await.unwrap().is_empty());
    let breakers = vec![
        IceBreakerLocale {
            locale: "default".into(),
            call_to_actions: vec![
                IceBreaker {
                    question: "Are you open on Sunday?".into(),
                    payload: "SUNDAY".into(),
                },
                IceBreaker {
                    question: "Do you deliver?".into(),
                    payload: "DELIVERY".into(),
                },
            ],
        },
        IceBreakerLocale {
            locale: "de_DE".into(),
            call_to_actions: vec![IceBreaker {
                question: "Liefert ihr?".into(),
                payload: "DELIVERY".into(),
            }],
        },
    ];
    assert!(profile
        .set_ice_breakers(breakers.clone())
        .send()
        .await
        .unwrap());
    assert_eq!(profile.ice_breakers().send().await.unwrap(), breakers);
    // The same account's profile through the Page (Facebook Login): the same ice breakers.
    let via_page = env
        .client
        .facebook(&env.page_token)
        .ig_user(IG_BAKERY)
        .messages()
        .profile();
    assert_eq!(via_page.ice_breakers().send().await.unwrap(), breakers);
    assert!(via_page.delete_ice_breakers().send().await.unwrap());
    assert!(profile.ice_breakers().send().await.unwrap().is_empty());
}

#[tokio::test]
async fn persistent_menu_round_trip_and_limits() {
    let env = Env::start().await;
    let profile = env
        .client
        .facebook(&env.page_token)
        .ig_user(IG_BAKERY)
        .messages()
        .profile();
    let menu = vec![PersistentMenu {
        locale: "default".into(),
        call_to_actions: vec![
            Button::Postback {
                title: "Talk to a baker".into(),
                payload: "AGENT".into(),
            },
            Button::WebUrl {
                title: "Order online".into(),
                url: "https://bakery.example/order".into(),
            },
        ],
    }];
    assert!(profile
        .set_persistent_menu(menu.clone())
        .send()
        .await
        .unwrap());
    assert_eq!(profile.persistent_menu().send().await.unwrap(), menu);
    // Setting the menu leaves the ice breakers alone, and the other way round.
    assert!(profile.ice_breakers().send().await.unwrap().is_empty());
    assert!(profile.delete_persistent_menu().send().await.unwrap());
    assert!(profile.persistent_menu().send().await.unwrap().is_empty());
    let too_many = vec![PersistentMenu {
        locale: "default".into(),
        call_to_actions: vec![menu[0].call_to_actions[0].clone(); 21],
    }];
    let e = profile
        .set_persistent_menu(too_many)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        e,
        Error::InvalidInput {
            field: "persistent_menu.call_to_actions",
            ..
        }
    ));
}

#[tokio::test]
async fn user_profile_needs_the_persons_consent() {
    let env = Env::start().await;
    let ig = env.client.instagram(&env.ig_token);
    env.message_from(NEWCOMER, "hi there").await;
    let p = ig.user_profile(NEWCOMER).send().await.unwrap();
    assert_eq!(p.username.as_deref(), Some("new.person"));
    assert_eq!(p.id.as_deref(), Some(NEWCOMER));
    assert!(p.follower_count.is_some() && p.is_user_follow_business.is_some());
    // Someone who only commented never consented.
    let media = ig
        .ig_user(IG_BAKERY)
        .media()
        .list()
        .send()
        .await
        .unwrap()
        .items[0]
        .id
        .clone();
    env.sandbox
        .event(
            json!({"type": "comment", "media_id": media.as_str(), "text": "nice",
            "from_id": LURKER, "from_username": "lurker"}),
        )
        .await
        .expect("comment event");
    let e = ig.user_profile(LURKER).send().await.unwrap_err();
    assert_eq!(graph_code(&e), Some(230), "{e}");
    assert!(e.to_string().contains("consent"), "{e}");
}

#[tokio::test]
async fn quick_replies_templates_and_sender_actions_in_a_conversation() {
    let env = Env::start().await;
    let conversation = env.message_from(NEWCOMER, "what do you have?").await;
    let before = env.sandbox.message_count(&conversation);
    let msgs = env
        .client
        .instagram(&env.ig_token)
        .ig_user(IG_BAKERY)
        .messages();
    msgs.sender_action(NEWCOMER, SenderAction::MarkSeen)
        .await
        .unwrap();
    msgs.sender_action(NEWCOMER, SenderAction::TypingOn)
        .await
        .unwrap();
    let replies = ["Bread", "Cakes", "Coffee"]
        .iter()
        .map(|t| QuickReply {
            title: (*t).into(),
            payload: t.to_uppercase(),
        })
        .collect();
    let sent = msgs
        .send(NEWCOMER, MessageContent::text("Pick one"))
        .quick_replies(replies)
        .send()
        .await
        .unwrap();
    assert!(sent.message_id.is_some());
    let cards = (1..=10)
        .map(|i| GenericElement {
            title: format!("Loaf {i}"),
            subtitle: Some("Fresh today".into()),
            image_url: Some(format!("https://bakery.example/{i}.jpg")),
            default_action_url: None,
            buttons: vec![Button::Postback {
                title: "Reserve".into(),
                payload: format!("RESERVE_{i}"),
            }],
        })
        .collect();
    msgs.send(NEWCOMER, MessageContent::Template(cards))
        .send()
        .await
        .unwrap();
    // Sender actions add no message; the two sends do.
    assert_eq!(env.sandbox.message_count(&conversation), before + 2);
}

/// What the sandbox delivers when a person taps a quick reply, an ice breaker (a postback) or
/// comments on a live broadcast reads back typed.
#[tokio::test]
async fn quick_reply_postback_and_live_comment_webhooks_are_typed() {
    use instagraph::webhooks::{parse, Event};
    let env = Env::start().await;
    let delivered = |out: serde_json::Value| {
        parse(out["event"].to_string().as_bytes())
            .expect("parses")
            .events
    };
    let tapped = env
        .sandbox
        .event(
            json!({"type": "message", "from_user_id": NEWCOMER, "to_ig_id": IG_BAKERY,
            "text": "Bread", "quick_reply_payload": "BREAD"}),
        )
        .await
        .unwrap();
    let got = delivered(tapped);
    assert!(
        matches!(&got[0], Event::Message(m) if m.quick_reply_payload.as_deref() == Some("BREAD") && m.text.as_deref() == Some("Bread")),
        "{got:?}"
    );
    let postback = env
        .sandbox
        .event(
            json!({"type": "postback", "from_user_id": NEWCOMER, "to_ig_id": IG_BAKERY,
            "title": "Do you deliver?", "payload": "DELIVERY"}),
        )
        .await
        .unwrap();
    let got = delivered(postback);
    assert!(
        matches!(&got[0], Event::Postback(p) if p.payload.as_deref() == Some("DELIVERY") && p.title.as_deref() == Some("Do you deliver?") && p.mid.is_some()),
        "{got:?}"
    );
    let media = env
        .client
        .instagram(&env.ig_token)
        .ig_user(IG_BAKERY)
        .media()
        .list()
        .send()
        .await
        .unwrap()
        .items[0]
        .id
        .clone();
    let live = env
        .sandbox
        .event(json!({"type": "comment", "media_id": media.as_str(), "text": "🔥", "live": true}))
        .await
        .unwrap();
    let got = delivered(live);
    assert!(
        matches!(&got[0], Event::Comment(c) if c.field == "live_comments" && c.text.as_deref() == Some("🔥")),
        "{got:?}"
    );
}
