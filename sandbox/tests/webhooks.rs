//! Webhooks on the sandbox: callback verification, events that change the world, signed
//! deliveries, redelivery, subscriptions.

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::Router;
use hmac::{Hmac, Mac};
use instagraph_sandbox::{Login, SandboxConfig};
use serde_json::{json, Value};
use sha2::Sha256;
use support::*;

const VERIFY: &str = "verify-me";

/// A delivery: its `X-Hub-Signature-256` header and raw body.
type Delivery = (Option<String>, Bytes);

#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<Delivery>>>);

impl Received {
    fn all(&self) -> Vec<Delivery> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

/// A receiver on 127.0.0.1:0 that echoes the challenge for `VERIFY` and records deliveries.
async fn receiver() -> (String, Received) {
    async fn verify(Query(q): Query<HashMap<String, String>>) -> (StatusCode, String) {
        match (
            q.get("hub.mode"),
            q.get("hub.verify_token"),
            q.get("hub.challenge"),
        ) {
            (Some(m), Some(t), Some(c)) if m == "subscribe" && t == VERIFY => {
                (StatusCode::OK, c.clone())
            }
            _ => (StatusCode::FORBIDDEN, "no".into()),
        }
    }
    async fn deliver(State(r): State<Received>, headers: HeaderMap, body: Bytes) -> StatusCode {
        let sig = headers
            .get("x-hub-signature-256")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if let Ok(mut v) = r.0.lock() {
            v.push((sig, body));
        }
        StatusCode::OK
    }
    let received = Received::default();
    let app = Router::new()
        .route("/hook", get(verify).post(deliver))
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/hook"), received)
}

fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("hmac key");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

async fn register(ctx: &Ctx, url: &str, token: &str) -> Resp {
    ctx.control(
        "webhooks",
        json!({ "callback_url": url, "verify_token": token }),
    )
    .await
}

async fn event(ctx: &Ctx, e: Value) -> Resp {
    ctx.control("events", e).await
}

#[tokio::test]
async fn registration_verifies_the_callback() {
    let ctx = Ctx::new().await;
    let (url, received) = receiver().await;
    let r = register(&ctx, &url, "wrong").await;
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert_eq!(r.body["error"]["status"], 403);
    assert!(ctx.sb.webhook_callback().is_none());
    let r = register(&ctx, "https://example.com/hook", VERIFY).await;
    assert_eq!(r.status, 400, "outside the machine: {:?}", r.body);
    let r = register(&ctx, &url, VERIFY).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(ctx.sb.webhook_callback().as_deref(), Some(url.as_str()));
    assert!(
        received.all().is_empty(),
        "verification is a GET, not a delivery"
    );
}

#[tokio::test]
async fn comment_event_changes_the_world_and_delivers_a_signed_body() {
    let ctx = Ctx::new().await;
    let (url, received) = receiver().await;
    assert_eq!(register(&ctx, &url, VERIFY).await.status, 200);
    let media = ctx.sb.seed().engagement.media_with_many_comments.clone();
    let before = ctx.sb.comment_count(&media);
    let r = event(&ctx, json!({ "type": "comment", "media_id": media, "text": "Is this vegan?", "from_username": "vera.v", "redeliver": 2 })).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["delivered"], true);
    assert_eq!(r.body["status"], 200);
    assert_eq!(r.body["statuses"], json!([200, 200, 200]));
    assert_eq!(ctx.sb.comment_count(&media), before + 1);
    let id = r.body["created"]["comment_id"]
        .as_str()
        .expect("comment id")
        .to_owned();
    let t = ctx.alice();
    let list = ctx
        .get(
            &ctx.fb(&format!("{media}/comments")),
            &t,
            &[("limit", "1"), ("fields", "id,text,username")],
        )
        .await;
    assert_eq!(list.body["data"][0]["id"], id.as_str());
    assert_eq!(list.body["data"][0]["username"], "vera.v");

    let got = received.all();
    assert_eq!(got.len(), 3, "delivered once and redelivered twice");
    assert!(
        got.iter().all(|(_, b)| *b == got[0].1),
        "the same bytes each time"
    );
    let (sig, raw) = &got[0];
    assert_eq!(
        sig.as_deref(),
        Some(sign(ctx.sb.app_secret(), raw).as_str())
    );
    let body: Value = serde_json::from_slice(raw).expect("JSON");
    assert_eq!(body["object"], "instagram");
    let entry = &body["entry"][0];
    assert_eq!(entry["id"], IG_BAKERY);
    assert!(entry["time"].as_i64().is_some());
    let change = &entry["changes"][0];
    assert_eq!(change["field"], "comments");
    assert_eq!(change["value"]["id"], id.as_str());
    assert_eq!(change["value"]["text"], "Is this vegan?");
    assert_eq!(change["value"]["from"]["username"], "vera.v");
    assert_eq!(change["value"]["media"]["id"], media.as_str());
    assert!(change["value"]["media"]["media_product_type"].is_string());
    assert_eq!(r.body["event"], body, "the answer shows the envelope");
}

#[tokio::test]
async fn message_event_opens_the_window() {
    let ctx = Ctx::new().await;
    let (url, received) = receiver().await;
    register(&ctx, &url, VERIFY).await;
    let closed = ctx
        .sb
        .seed()
        .engagement
        .conversations
        .iter()
        .find(|c| c.window == "closed")
        .cloned()
        .expect("a closed conversation");
    let page = ctx
        .sb
        .issue_token(&instagraph_sandbox::TokenRequest {
            user_id: ALICE.into(),
            login: Login::Facebook,
            long_lived: true,
            scopes: None,
            page_id: Some(PAGE_BAKERY.into()),
        })
        .expect("page token")
        .access_token;
    let proof = ctx.sb.appsecret_proof(&page);
    let send = || {
        ctx.http
            .post(ctx.fb("me/messages"))
            .query(&[("access_token", page.as_str()), ("appsecret_proof", proof.as_str())])
            .json(&json!({ "recipient": { "id": closed.user_id }, "message": { "text": "hi again" } }))
    };
    assert_graph_error(&ctx.send(send()).await, 400, 10, Some(2534022));
    let r = event(&ctx, json!({ "type": "message", "from_user_id": closed.user_id, "to_ig_id": closed.ig_id, "text": "are you open today?" })).await;
    assert_eq!(r.body["delivered"], true, "{:?}", r.body);
    assert_eq!(ctx.sb.message_count(&closed.id), closed.messages + 1);
    assert_eq!(
        ctx.send(send()).await.status,
        200,
        "the window is open again"
    );

    let got = received.all();
    let body: Value = serde_json::from_slice(&got[0].1).expect("JSON");
    let m = &body["entry"][0]["messaging"][0];
    assert_eq!(m["sender"]["id"], closed.user_id.as_str());
    assert_eq!(m["recipient"]["id"], closed.ig_id.as_str());
    assert!(
        m["timestamp"]
            .as_i64()
            .is_some_and(|t| t > 1_000_000_000_000),
        "milliseconds"
    );
    assert_eq!(m["message"]["text"], "are you open today?");
    assert_eq!(m["message"]["mid"], r.body["created"]["message_id"]);
}

#[tokio::test]
async fn other_event_types() {
    let ctx = Ctx::new().await;
    let (url, received) = receiver().await;
    register(&ctx, &url, VERIFY).await;
    let seed = ctx.sb.seed().engagement.clone();
    let open = seed
        .conversations
        .iter()
        .find(|c| c.window == "open")
        .cloned()
        .expect("open");
    let cases = [
        (
            json!({ "type": "reaction", "from_user_id": open.user_id, "to_ig_id": open.ig_id, "reaction": "love" }),
            "reaction",
        ),
        (
            json!({ "type": "seen", "from_user_id": open.user_id, "to_ig_id": open.ig_id }),
            "read",
        ),
        (
            json!({ "type": "postback", "from_user_id": open.user_id, "to_ig_id": open.ig_id, "title": "Yes", "payload": "YES" }),
            "postback",
        ),
    ];
    for (e, key) in cases {
        let r = event(&ctx, e).await;
        assert_eq!(r.body["delivered"], true, "{key}: {:?}", r.body);
        assert!(
            r.body["event"]["entry"][0]["messaging"][0][key].is_object(),
            "{key}: {:?}",
            r.body
        );
    }
    let r = event(&ctx, json!({ "type": "mention", "ig_id": IG_BAKERY, "from_username": "maya.eats", "text": "great bread" })).await;
    let change = &r.body["event"]["entry"][0]["changes"][0];
    assert_eq!(change["field"], "mentions");
    let media = change["value"]["media_id"]
        .as_str()
        .expect("media")
        .to_owned();
    let t = ctx.alice();
    let f = format!("mentioned_media.media_id({media}){{caption}}");
    let got = ctx.get(&ctx.fb(IG_BAKERY), &t, &[("fields", &f)]).await;
    assert!(
        got.body["mentioned_media"]["caption"]
            .as_str()
            .unwrap_or("")
            .contains("@alice.bakery"),
        "{:?}",
        got.body
    );

    let r = event(
        &ctx,
        json!({ "type": "story_insights", "media_id": seed.story_many_viewers }),
    )
    .await;
    let change = &r.body["event"]["entry"][0]["changes"][0];
    assert_eq!(change["field"], "story_insights");
    assert_eq!(change["value"]["reach"], 120);
    assert_eq!(received.all().len(), 5);

    let r = event(&ctx, json!({ "type": "nonsense" })).await;
    assert_eq!(r.status, 400);
    let r = event(
        &ctx,
        json!({ "type": "comment", "media_id": seed.media_comments_disabled, "text": "x" }),
    )
    .await;
    assert_eq!(r.status, 400, "comments are disabled there: {:?}", r.body);
}

#[tokio::test]
async fn subscriptions_and_undelivered_events() {
    let ctx = Ctx::with_config(SandboxConfig {
        webhooks_require_subscription: true,
        ..SandboxConfig::default()
    })
    .await;
    let media = ctx.sb.seed().engagement.media_with_many_comments.clone();
    let comment = json!({ "type": "comment", "media_id": media, "text": "hello" });
    // No callback: the comment still happens.
    let before = ctx.sb.comment_count(&media);
    let r = event(&ctx, comment.clone()).await;
    assert_eq!(r.body["delivered"], false);
    assert_eq!(ctx.sb.comment_count(&media), before + 1);

    let (url, received) = receiver().await;
    register(&ctx, &url, VERIFY).await;
    let r = event(&ctx, comment.clone()).await;
    assert_eq!(r.body["delivered"], false, "not subscribed: {:?}", r.body);
    assert!(received.all().is_empty());

    let t = ctx.alice();
    let sub = ctx.fb(&format!("{IG_BAKERY}/subscribed_apps"));
    let r = ctx
        .post(&sub, &t, &[("subscribed_fields", "comments,messages")])
        .await;
    assert_eq!(r.body, json!({ "success": true }));
    let r = ctx.get(&sub, &t, &[]).await;
    assert_eq!(
        r.body["data"][0]["subscribed_fields"],
        json!(["comments", "messages"])
    );
    let r = ctx
        .post(&sub, &t, &[("subscribed_fields", "comments,bogus")])
        .await;
    assert_graph_error(&r, 400, 100, None);

    let r = event(&ctx, comment).await;
    assert_eq!(r.body["delivered"], true, "{:?}", r.body);
    assert_eq!(received.all().len(), 1);
}
