//! Messaging automation on the sandbox, at the wire: the Messenger Profile (ice breakers in
//! both documented forms, the persistent menu, per account; code 100 past Meta's limits; form
//! bodies as well as JSON), rich messages (quick replies, generic templates: Meta's limits,
//! its tolerance of long quick reply titles) and the User Profile API's consent rule.

mod support;

use serde_json::{json, Value};
use support::*;

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

async fn delete_json(ctx: &Ctx, url: &str, token: &str, body: Value) -> Resp {
    let proof = ctx.sb.appsecret_proof(token);
    ctx.send(
        ctx.http
            .delete(url)
            .query(&[("access_token", token), ("appsecret_proof", proof.as_str())])
            .json(&body),
    )
    .await
}

fn questions(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"question": format!("Q{i}?"), "payload": format!("P{i}")}))
        .collect()
}

#[tokio::test]
async fn ice_breakers_both_forms_limits_and_delete() {
    let ctx = Ctx::new().await;
    let token = ctx.ig_user();
    let url = ctx.ig(&format!("{IG_TRAVELS}/messenger_profile"));
    let get = || {
        ctx.get(
            &url,
            &token,
            &[("fields", "ice_breakers"), ("platform", "instagram")],
        )
    };
    assert_eq!(get().await.body, json!({"data": []}));

    let localized = json!([{"call_to_actions": questions(4), "locale": "default"},
                           {"call_to_actions": questions(1), "locale": "fr_FR"}]);
    let r = post_json(
        &ctx,
        &url,
        &token,
        json!({"platform": "instagram", "ice_breakers": localized}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body, json!({"result": "success"}));
    assert_eq!(get().await.body["data"], localized);

    // The older form, as a form body (JSON text), also works and replaces the localized one.
    let legacy = Value::Array(questions(2));
    let r = ctx
        .post(
            &url,
            &token,
            &[
                ("platform", "instagram"),
                ("ice_breakers", &legacy.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(get().await.body["data"], legacy);

    for bad in [
        json!([{"call_to_actions": questions(5), "locale": "default"}]),
        json!([{"call_to_actions": questions(1), "locale": "en_GB"}]),
        Value::Array(questions(5)),
        json!([{"call_to_actions": questions(1), "locale": "default"}, {"question": "Q", "payload": "P"}]),
    ] {
        let r = post_json(
            &ctx,
            &url,
            &token,
            json!({"platform": "instagram", "ice_breakers": bad}),
        )
        .await;
        assert_graph_error(&r, 400, 100, None);
    }
    assert_eq!(
        get().await.body["data"],
        legacy,
        "a refused request changes nothing"
    );

    let r = delete_json(
        &ctx,
        &url,
        &token,
        json!({"platform": "instagram", "fields": ["ice_breakers"]}),
    )
    .await;
    assert_eq!(r.body, json!({"result": "success"}));
    assert_eq!(get().await.body, json!({"data": []}));
    let r = ctx.get(&url, &token, &[("platform", "instagram")]).await;
    assert_graph_error(&r, 400, 100, None);
}

#[tokio::test]
async fn persistent_menu_limits_and_accounts_apart() {
    let ctx = Ctx::new().await;
    let token = ctx.ig_user();
    let url = ctx.ig(&format!("{IG_TRAVELS}/messenger_profile"));
    let item = |title: &str| json!({"type": "postback", "title": title, "payload": "P"});
    let menu = json!([{"locale": "default", "call_to_actions": [item("Talk to us"),
        {"type": "web_url", "title": "Shop", "url": "https://shop.example/"}]}]);
    let r = post_json(
        &ctx,
        &url,
        &token,
        json!({"platform": "instagram", "persistent_menu": menu}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let got = ctx
        .get(
            &url,
            &token,
            &[("fields", "persistent_menu"), ("platform", "instagram")],
        )
        .await;
    assert_eq!(got.body["data"][0]["persistent_menu"], menu);

    let twenty_one: Vec<Value> = (0..21).map(|_| item("x")).collect();
    for bad in [
        json!([{"locale": "default", "call_to_actions": twenty_one}]),
        json!([{"locale": "default", "call_to_actions": [item(&"t".repeat(31))]}]),
        json!([{"locale": "default", "call_to_actions": [{"type": "phone_number", "title": "Call", "payload": "+1"}]}]),
        json!([{"locale": "default", "call_to_actions": [{"type": "web_url", "title": "Shop", "url": "ftp://x"}]}]),
        json!([{"locale": "de_DE", "call_to_actions": [item("Hallo")]}]),
    ] {
        let r = post_json(
            &ctx,
            &url,
            &token,
            json!({"platform": "instagram", "persistent_menu": bad}),
        )
        .await;
        assert_graph_error(&r, 400, 100, None);
    }
    // Another account's profile is its own.
    let bakery = ctx.token(IG_BAKERY, instagraph_sandbox::Login::Instagram, true, None);
    let other = ctx
        .get(
            &ctx.ig(&format!("{IG_BAKERY}/messenger_profile")),
            &bakery,
            &[("fields", "persistent_menu"), ("platform", "instagram")],
        )
        .await;
    assert_eq!(other.body, json!({"data": []}));
    // And an account the token does not reach is not found.
    let r = ctx
        .get(
            &ctx.ig(&format!("{IG_BAKERY}/messenger_profile")),
            &token,
            &[("fields", "persistent_menu")],
        )
        .await;
    assert_eq!(r.error_code(), Some(100), "{:?}", r.body);
}

#[tokio::test]
async fn quick_replies_templates_and_the_profile_consent() {
    let ctx = Ctx::new().await;
    let token = ctx.ig_user();
    let person = "6900000000000123";
    ctx.sb
        .event(
            json!({"type": "message", "from_user_id": person, "to_ig_id": IG_TRAVELS, "text": "hi",
            "from_username": "pat"}),
        )
        .await
        .expect("message");
    let send = ctx.ig(&format!("{IG_TRAVELS}/messages"));
    let qr = |title: String| json!({"content_type": "text", "title": title, "payload": "P"});
    // Meta truncates long quick reply titles rather than refusing them.
    let r = post_json(
        &ctx,
        &send,
        &token,
        json!({"recipient": {"id": person},
        "message": {"text": "Pick", "quick_replies": [qr("x".repeat(40))]}}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let fourteen: Vec<Value> = (0..14).map(|i| qr(format!("{i}"))).collect();
    let r = post_json(
        &ctx,
        &send,
        &token,
        json!({"recipient": {"id": person},
        "message": {"text": "Pick", "quick_replies": fourteen}}),
    )
    .await;
    assert_graph_error(&r, 400, 100, None);

    let card = |title: String, buttons: usize| {
        json!({"title": title, "subtitle": "S",
        "buttons": vec![json!({"type": "postback", "title": "B", "payload": "P"}); buttons]})
    };
    let template = |elements: Vec<Value>| {
        json!({"recipient": {"id": person}, "message": {"attachment":
        {"type": "template", "payload": {"template_type": "generic", "elements": elements}}}})
    };
    let r = post_json(&ctx, &send, &token, template(vec![card("Loaf".into(), 3)])).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(r.body["message_id"].is_string());
    for bad in [
        template(vec![card("Loaf".into(), 4)]),
        template(vec![card("t".repeat(81), 0)]),
        template((0..11).map(|_| card("Loaf".into(), 0)).collect()),
        template(vec![]),
    ] {
        let r = post_json(&ctx, &send, &token, bad).await;
        assert_graph_error(&r, 400, 100, None);
    }

    let r = ctx
        .get(
            &ctx.ig(person),
            &token,
            &[(
                "fields",
                "name,username,follower_count,is_user_follow_business",
            )],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["username"], "pat");
    assert_eq!(r.body["id"], person);
    // Someone who only commented has not consented.
    let media = ctx.sb.seed().engagement.media_with_many_comments.clone();
    let lurker = "6900000000000124";
    ctx.sb
        .event(json!({"type": "comment", "media_id": media, "text": "nice", "from_id": lurker}))
        .await
        .expect("comment");
    let bakery = ctx.token(IG_BAKERY, instagraph_sandbox::Login::Instagram, true, None);
    let r = ctx.get(&ctx.ig(lurker), &bakery, &[]).await;
    assert_graph_error(&r, 400, 230, None);
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("consent"));
    // Nobody at all: the usual "unsupported get".
    let r = ctx.get(&ctx.ig("6900000000009999"), &token, &[]).await;
    assert_graph_error(&r, 400, 100, Some(33));
}
