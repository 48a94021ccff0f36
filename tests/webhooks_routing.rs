//! Typed webhook events for how a conversation starts and who answers it: `messaging_referral`,
//! `messaging_optins`, `messaging_handover` (on the `messaging` array and as `changes`), and
//! the `standby` channel; `live_comments` as a comment; unknown parts kept.

use instagraph::webhooks::{parse, Event, HandoverAction};
use serde_json::json;

fn events(body: serde_json::Value) -> Vec<Event> {
    parse(body.to_string().as_bytes()).expect("parses").events
}

fn item(key: &str, value: serde_json::Value) -> serde_json::Value {
    let mut it = json!({"sender": {"id": "6900000000000001"}, "recipient": {"id": "17841400000000001"},
        "timestamp": 1_700_000_000_123_i64});
    it[key] = value;
    it
}

fn entry(messaging: Vec<serde_json::Value>) -> serde_json::Value {
    json!({"object": "instagram", "entry": [{"id": "17841400000000001", "time": 1_700_000_000,
        "messaging": messaging}]})
}

#[test]
fn referral_from_an_ig_me_link() {
    let got = events(entry(vec![item(
        "referral",
        json!({"ref": "summer-sale", "source": "SHORTLINK", "type": "OPEN_THREAD", "ads_context_data": {"ad_title": "x"}}),
    )]));
    let Event::Referral(r) = &got[0] else {
        panic!("{got:?}")
    };
    assert_eq!(r.referral_ref.as_deref(), Some("summer-sale"));
    assert_eq!(r.source.as_deref(), Some("SHORTLINK"));
    assert_eq!(r.kind.as_deref(), Some("OPEN_THREAD"));
    assert_eq!(r.sender_id.as_deref(), Some("6900000000000001"));
    assert!(r.extra.contains_key("ads_context_data"));
    assert_eq!(got[0].field(), "messaging_referral");
}

#[test]
fn optin_to_notification_messages() {
    let got = events(entry(vec![item(
        "optin",
        json!({"type": "notification_messages", "payload": "DAILY", "notification_messages_token": "tok",
            "user_token_status": "active", "notification_messages_frequency": "DAILY"}),
    )]));
    let Event::Optin(o) = &got[0] else {
        panic!("{got:?}")
    };
    assert_eq!(o.kind.as_deref(), Some("notification_messages"));
    assert_eq!(o.payload.as_deref(), Some("DAILY"));
    assert_eq!(o.notification_messages_token.as_deref(), Some("tok"));
    assert_eq!(o.user_token_status.as_deref(), Some("active"));
    assert!(o.extra.contains_key("notification_messages_frequency"));
    assert_eq!(got[0].field(), "messaging_optins");
}

#[test]
fn handover_pass_take_and_request() {
    let got = events(entry(vec![
        item(
            "pass_thread_control",
            json!({"new_owner_app_id": 123456789, "previous_owner_app_id": null, "metadata": "to agents"}),
        ),
        item(
            "take_thread_control",
            json!({"previous_owner_app_id": "123456789", "new_owner_app_id": "987"}),
        ),
        item(
            "request_thread_control",
            json!({"requested_owner_app_id": "555", "metadata": "please"}),
        ),
    ]));
    let actions: Vec<_> = got
        .iter()
        .map(|e| match e {
            Event::Handover(h) => h.action,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        actions,
        [
            HandoverAction::PassThreadControl,
            HandoverAction::TakeThreadControl,
            HandoverAction::RequestThreadControl
        ]
    );
    let Event::Handover(pass) = &got[0] else {
        unreachable!()
    };
    assert_eq!(pass.new_owner_app_id.as_deref(), Some("123456789"));
    assert_eq!(pass.previous_owner_app_id, None);
    assert_eq!(pass.metadata.as_deref(), Some("to agents"));
    assert_eq!(got[0].field(), "messaging_handover");
}

#[test]
fn handover_as_a_change_and_a_malformed_one_is_kept() {
    let body = json!({"object": "instagram", "entry": [{"id": "1", "time": 1, "changes": [
        {"field": "messaging_handover", "value": item("pass_thread_control", json!({"new_owner_app_id": "9"}))},
        {"field": "messaging_handover", "value": {"sender": {"id": "2"}}},
        {"field": "messaging_referral", "value": item("referral", json!({"ref": "r"}))}
    ]}]});
    let got = events(body);
    assert!(matches!(&got[0], Event::Handover(h) if h.new_owner_app_id.as_deref() == Some("9")));
    assert!(matches!(&got[1], Event::Unknown(u) if u.field == "messaging_handover"));
    assert!(matches!(&got[2], Event::Referral(r) if r.referral_ref.as_deref() == Some("r")));
}

#[test]
fn standby_items_are_typed_inside() {
    let body = json!({"object": "instagram", "entry": [{"id": "17841400000000001", "time": 5,
        "standby": [item("message", json!({"mid": "m1", "text": "hi"})), item("read", json!({"mid": "m1"})), 7]}]});
    let got = events(body);
    assert_eq!(got.len(), 3);
    let Event::Standby(s) = &got[0] else {
        panic!("{got:?}")
    };
    assert_eq!(s.entry_id, "17841400000000001");
    assert!(matches!(&*s.event, Event::Message(m) if m.text.as_deref() == Some("hi")));
    assert!(matches!(&got[1], Event::Standby(s) if matches!(&*s.event, Event::Seen(_))));
    assert!(matches!(&got[2], Event::Standby(s) if matches!(&*s.event, Event::Unknown(_))));
    assert_eq!(got[0].field(), "standby");
    // Standby copies of one message dedupe as one update, apart from the messaging one.
    assert_ne!(got[0].dedup_key(), got[1].dedup_key());
}

#[test]
fn live_comments_are_comments() {
    let body = json!({"object": "instagram", "entry": [{"id": "1", "time": 1, "changes": [
        {"field": "live_comments", "value": {"id": "c1", "text": "🔥", "from": {"id": "u", "username": "fan"},
            "media": {"id": "m", "media_product_type": "LIVE"}}}]}]});
    let got = events(body);
    assert!(
        matches!(&got[0], Event::Comment(c) if c.field == "live_comments" && c.text.as_deref() == Some("🔥"))
    );
    assert_eq!(got[0].field(), "live_comments");
}

/// The sandbox's referral, optin and handover events parse into the typed events.
#[tokio::test]
async fn sandbox_routing_events_parse_typed() {
    let sandbox = instagraph_sandbox::Sandbox::start().await.expect("sandbox");
    let base = json!({"from_user_id": "6900000000000001", "to_ig_id": "17841400000000001"});
    let with = |extra: serde_json::Value| {
        let mut e = base.clone();
        for (k, v) in extra.as_object().unwrap() {
            e[k] = v.clone();
        }
        e
    };
    let mut got = Vec::new();
    for e in [
        with(json!({"type": "referral", "ref": "bio-link"})),
        with(json!({"type": "optin", "payload": "WEEKLY", "token": "nmt"})),
        with(
            json!({"type": "handover", "action": "pass_thread_control", "new_owner_app_id": "263902037430900", "metadata": "agent"}),
        ),
    ] {
        let out = sandbox.event(e).await.expect("event applies");
        got.extend(events(out["event"].clone()));
    }
    assert!(
        matches!(&got[0], Event::Referral(r) if r.referral_ref.as_deref() == Some("bio-link") && r.kind.as_deref() == Some("OPEN_THREAD"))
    );
    assert!(
        matches!(&got[1], Event::Optin(o) if o.payload.as_deref() == Some("WEEKLY") && o.notification_messages_token.as_deref() == Some("nmt"))
    );
    assert!(
        matches!(&got[2], Event::Handover(h) if h.action == HandoverAction::PassThreadControl && h.new_owner_app_id.as_deref() == Some("263902037430900"))
    );
    let bad = sandbox
        .event(with(
            json!({"type": "handover", "action": "steal_thread_control"}),
        ))
        .await;
    assert!(bad.is_err());
    sandbox.shutdown().await;
}
