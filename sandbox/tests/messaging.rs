//! Instagram messaging on the sandbox: conversations, the 20-newest rule, the Send API with
//! its 24 h / 7 day window, reactions and private replies.

mod support;

use instagraph_sandbox::{Login, SeedConversation, TokenRequest};
use serde_json::{json, Value};
use support::*;

fn conv<'a>(ctx: &'a Ctx, ig: &str, window: &str) -> &'a SeedConversation {
    ctx.sb
        .seed()
        .engagement
        .conversations
        .iter()
        .find(|c| c.ig_id == ig && c.window == window)
        .expect("seeded conversation")
}

fn page_token(ctx: &Ctx, page: &str) -> String {
    ctx.sb
        .issue_token(&TokenRequest {
            user_id: ALICE.into(),
            login: Login::Facebook,
            long_lived: true,
            scopes: None,
            page_id: Some(page.into()),
        })
        .expect("page token")
        .access_token
}

/// POST with a JSON body, the token and its proof in the query.
async fn post_json(ctx: &Ctx, url: &str, token: &str, body: Value) -> Resp {
    let proof = ctx.sb.appsecret_proof(token);
    ctx.send(
        ctx.http
            .post(url)
            .query(&[("access_token", token), ("appsecret_proof", proof.as_str())])
            .json(&body),
    )
    .await
}

#[tokio::test]
async fn conversations_on_both_logins() {
    let ctx = Ctx::new().await;
    let ig = ctx.ig_user();
    let r = ctx
        .get(
            &ctx.ig("me/conversations"),
            &ig,
            &[("platform", "instagram")],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let data = r.body["data"].as_array().expect("data").clone();
    assert_eq!(data.len(), 2);
    assert!(data
        .iter()
        .all(|c| c["id"].is_string() && c["updated_time"].is_string()));
    assert!(
        data[0]["updated_time"].as_str() >= data[1]["updated_time"].as_str(),
        "newest first"
    );
    let emma = conv(&ctx, IG_TRAVELS, "open");
    let r = ctx
        .get(
            &ctx.ig(&format!("{IG_TRAVELS}/conversations")),
            &ig,
            &[("platform", "instagram"), ("user_id", &emma.user_id)],
        )
        .await;
    assert_eq!(r.body["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(r.body["data"][0]["id"], emma.id.as_str());

    // Facebook Login: the Page edge with a Page token.
    let page = page_token(&ctx, PAGE_BAKERY);
    let r = ctx
        .get(
            &ctx.fb(&format!("{PAGE_BAKERY}/conversations")),
            &page,
            &[("platform", "instagram"), ("limit", "2")],
        )
        .await;
    assert_eq!(
        r.body["data"].as_array().map(Vec::len),
        Some(2),
        "{:?}",
        r.body
    );
    assert!(
        r.body["paging"]["next"].is_string(),
        "3 conversations, 2 a page"
    );
    // Without platform=instagram a Page lists Messenger threads: none.
    let r = ctx
        .get(&ctx.fb(&format!("{PAGE_BAKERY}/conversations")), &page, &[])
        .await;
    assert_eq!(r.body, json!({ "data": [] }));
    // A user token on the Page edge: 190, as Meta answers.
    let user = ctx.alice();
    let r = ctx
        .get(
            &ctx.fb(&format!("{PAGE_BAKERY}/conversations")),
            &user,
            &[("platform", "instagram")],
        )
        .await;
    assert_graph_error(&r, 400, 190, None);
    // Without the messaging scope: 10.
    let basic = ctx.token(
        IG_TRAVELS,
        Login::Instagram,
        true,
        Some(&["instagram_business_basic"]),
    );
    let r = ctx
        .get(
            &ctx.ig("me/conversations"),
            &basic,
            &[("platform", "instagram")],
        )
        .await;
    assert_graph_error(&r, 400, 10, None);
}

#[tokio::test]
async fn only_the_20_newest_messages_are_readable() {
    let ctx = Ctx::new().await;
    let page = page_token(&ctx, PAGE_BAKERY);
    let big = conv(&ctx, IG_BAKERY, "open");
    assert!(big.messages > 20);
    let r = ctx
        .get(&ctx.fb(&big.id), &page, &[("fields", "messages")])
        .await;
    assert_eq!(r.body["id"], big.id.as_str(), "{:?}", r.body);
    let msgs = r.body["messages"]["data"]
        .as_array()
        .expect("messages")
        .clone();
    assert!(msgs.len() > 20, "the list has more than 20 ids");
    assert!(msgs
        .iter()
        .all(|m| m["id"].is_string() && m["created_time"].is_string()));
    let fields = [("fields", "id,created_time,from,to,message,attachments")];
    let newest = msgs[0]["id"].as_str().expect("id");
    let r = ctx.get(&ctx.fb(newest), &page, &fields).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(r.body["from"]["id"].is_string() && r.body["to"]["data"][0]["id"].is_string());
    let twentieth = msgs[19]["id"].as_str().expect("id");
    assert_eq!(
        ctx.get(&ctx.fb(twentieth), &page, &fields).await.status,
        200
    );
    let older = msgs[20]["id"].as_str().expect("id");
    assert_graph_error(
        &ctx.get(&ctx.fb(older), &page, &fields).await,
        400,
        100,
        Some(33),
    );
}

#[tokio::test]
async fn send_within_the_window_and_refused_outside() {
    let ctx = Ctx::new().await;
    let ig = ctx.ig_user();
    let open = conv(&ctx, IG_TRAVELS, "open").clone();
    let before = ctx.sb.message_count(&open.id);
    let r = post_json(
        &ctx,
        &ctx.ig("me/messages"),
        &ig,
        json!({
            "recipient": { "id": open.user_id }, "message": { "text": "Hello from the sandbox" },
        }),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["recipient_id"], open.user_id.as_str());
    let mid = r.body["message_id"]
        .as_str()
        .expect("message_id")
        .to_owned();
    assert_eq!(ctx.sb.message_count(&open.id), before + 1);
    let m = ctx
        .get(&ctx.ig(&mid), &ig, &[("fields", "message,from")])
        .await;
    assert_eq!(m.body["message"], "Hello from the sandbox");
    assert_eq!(m.body["from"]["id"], IG_TRAVELS);

    // Form body with JSON-encoded objects, and an attachment.
    let recipient = json!({ "id": open.user_id }).to_string();
    let message = json!({ "attachment": { "type": "image", "payload": { "url": "https://example.com/a.jpg" } } }).to_string();
    let r = ctx
        .post(
            &ctx.ig(&format!("{IG_TRAVELS}/messages")),
            &ig,
            &[("recipient", &recipient), ("message", &message)],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let bad = json!({ "attachment": { "type": "sticker", "payload": { "url": "https://example.com/a.jpg" } } }).to_string();
    let r = ctx
        .post(
            &ctx.ig("me/messages"),
            &ig,
            &[("recipient", &recipient), ("message", &bad)],
        )
        .await;
    assert_graph_error(&r, 400, 100, None);

    // 1000 bytes pass, 1001 do not (UTF-8 bytes, not characters).
    let ok = "é".repeat(500);
    let r = post_json(
        &ctx,
        &ctx.ig("me/messages"),
        &ig,
        json!({ "recipient": { "id": open.user_id }, "message": { "text": ok } }),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let long = format!("{}x", "é".repeat(500));
    let r = post_json(
        &ctx,
        &ctx.ig("me/messages"),
        &ig,
        json!({ "recipient": { "id": open.user_id }, "message": { "text": long } }),
    )
    .await;
    assert_graph_error(&r, 400, 100, None);

    // 24 h later the window is closed; HUMAN_AGENT extends it to 7 days.
    ctx.advance(25 * 3600).await;
    let text = json!({ "recipient": { "id": open.user_id }, "message": { "text": "late" } });
    let r = post_json(&ctx, &ctx.ig("me/messages"), &ig, text.clone()).await;
    assert_graph_error(&r, 400, 10, Some(2534022));
    let mut tagged = text.clone();
    tagged["messaging_type"] = json!("MESSAGE_TAG");
    tagged["tag"] = json!("HUMAN_AGENT");
    let r = post_json(&ctx, &ctx.ig("me/messages"), &ig, tagged.clone()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    ctx.advance(7 * 86_400).await;
    let r = post_json(&ctx, &ctx.ig("me/messages"), &ig, tagged).await;
    assert_graph_error(&r, 400, 10, Some(2534022));

    // Nobody to talk to.
    let r = post_json(
        &ctx,
        &ctx.ig("me/messages"),
        &ig,
        json!({ "recipient": { "id": "123" }, "message": { "text": "hi" } }),
    )
    .await;
    assert_graph_error(&r, 400, 100, Some(2018001));
}

#[tokio::test]
async fn seeded_windows_and_page_token_send() {
    let ctx = Ctx::new().await;
    let page = page_token(&ctx, PAGE_BAKERY);
    for (window, plain, tagged) in [
        ("open", true, true),
        ("human_agent", false, true),
        ("closed", false, false),
    ] {
        let c = conv(&ctx, IG_BAKERY, window).clone();
        let body = json!({ "recipient": { "id": c.user_id }, "message": { "text": "hi" } });
        let r = post_json(&ctx, &ctx.fb("me/messages"), &page, body.clone()).await;
        assert_eq!(r.status == 200, plain, "{window}: {:?}", r.body);
        let mut t = body;
        t["tag"] = json!("HUMAN_AGENT");
        let r = post_json(&ctx, &ctx.fb(&format!("{PAGE_BAKERY}/messages")), &page, t).await;
        assert_eq!(r.status == 200, tagged, "{window} tagged: {:?}", r.body);
        if !tagged {
            assert_eq!(r.error_subcode(), Some(2534022));
        }
    }
}

#[tokio::test]
async fn reactions() {
    let ctx = Ctx::new().await;
    let ig = ctx.ig_user();
    let open = conv(&ctx, IG_TRAVELS, "open").clone();
    let r = ctx
        .get(&ctx.ig(&open.id), &ig, &[("fields", "messages")])
        .await;
    let mid = r.body["messages"]["data"][0]["id"]
        .as_str()
        .expect("mid")
        .to_owned();
    let react = |action: &str| {
        json!({
            "recipient": { "id": open.user_id }, "sender_action": action,
            "payload": { "message_id": mid, "reaction": "love" },
        })
    };
    let r = post_json(&ctx, &ctx.ig("me/messages"), &ig, react("react")).await;
    assert_eq!(r.body["message_id"], mid.as_str(), "{:?}", r.body);
    let m = ctx
        .get(&ctx.ig(&mid), &ig, &[("fields", "reactions")])
        .await;
    assert_eq!(
        m.body["reactions"]["data"][0]["reaction"], "love",
        "{:?}",
        m.body
    );
    post_json(&ctx, &ctx.ig("me/messages"), &ig, react("unreact")).await;
    let m = ctx
        .get(&ctx.ig(&mid), &ig, &[("fields", "reactions")])
        .await;
    assert!(m.body.get("reactions").is_none(), "{:?}", m.body);
}

#[tokio::test]
async fn private_replies_once_within_7_days() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let seed = ctx.sb.seed().engagement.clone();
    let reply = |comment: &str| json!({ "recipient": { "comment_id": comment }, "message": { "text": "We sent you a DM" } });
    let url = ctx.fb(&format!("{IG_BAKERY}/messages"));
    let r = post_json(&ctx, &url, &t, reply(&seed.recent_comment)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(r.body["recipient_id"].is_string() && r.body["message_id"].is_string());
    // The reply opened (or joined) a conversation with the commenter.
    let who = r.body["recipient_id"]
        .as_str()
        .expect("recipient")
        .to_owned();
    let page = page_token(&ctx, PAGE_BAKERY);
    let convs = ctx
        .get(
            &ctx.fb(&format!("{IG_BAKERY}/conversations")),
            &page,
            &[("platform", "instagram"), ("user_id", &who)],
        )
        .await;
    assert_eq!(
        convs.body["data"].as_array().map(Vec::len),
        Some(1),
        "{:?}",
        convs.body
    );

    let r = post_json(&ctx, &url, &t, reply(&seed.recent_comment)).await;
    assert_graph_error(&r, 400, 10900, None);
    let r = post_json(&ctx, &url, &t, reply(&seed.old_comment)).await;
    assert_graph_error(&r, 400, 10, Some(2534022));
    // Form body works too.
    let other = ctx
        .get(
            &ctx.fb(&format!("{}/comments", seed.media_with_many_comments)),
            &t,
            &[("limit", "3")],
        )
        .await;
    let fresh = other.body["data"][2]["id"].as_str().expect("id").to_owned();
    let recipient = json!({ "comment_id": fresh }).to_string();
    let r = ctx
        .post(
            &url,
            &t,
            &[
                ("recipient", &recipient),
                ("message", &json!({ "text": "hi" }).to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}
