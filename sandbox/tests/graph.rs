//! Graph API behaviour: tokens and proofs, scopes, discovery, fields, pagination, error shapes,
//! usage headers, throttling and faults.

mod support;

use instagraph_sandbox::{Faults, Login, SandboxConfig};
use serde_json::Value;
use support::*;

#[tokio::test]
async fn token_errors() {
    let ctx = Ctx::new().await;
    let r = ctx.get_raw(&ctx.fb("me"), &[]).await;
    assert_graph_error(&r, 400, 104, None);
    assert_eq!(
        r.body["error"]["message"],
        "An access token is required to request this resource."
    );
    let r = ctx.get(&ctx.fb("me"), "garbage", &[]).await;
    assert_graph_error(&r, 400, 190, None);
    assert_eq!(
        r.body["error"]["message"],
        "Invalid OAuth access token - Cannot parse access token"
    );
    // Tokens of one host are refused on the other.
    let ig = ctx.ig_user();
    assert_graph_error(&ctx.get(&ctx.fb("me"), &ig, &[]).await, 400, 190, None);
    let fb = ctx.alice();
    assert_graph_error(&ctx.get(&ctx.ig("me"), &fb, &[]).await, 400, 190, None);
    // Revoked through the control endpoint: 460.
    let r = ctx
        .control("revoke", serde_json::json!({ "access_token": fb }))
        .await;
    assert_eq!(r.body["success"], true);
    assert_graph_error(&ctx.get(&ctx.fb("me"), &fb, &[]).await, 400, 190, Some(460));
}

#[tokio::test]
async fn token_in_header_and_versionless_paths() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let proof = ctx.sb.appsecret_proof(&t);
    for scheme in ["Bearer", "OAuth"] {
        let r = ctx
            .send(
                ctx.http
                    .get(ctx.url("graph.facebook.com/me"))
                    .query(&[("appsecret_proof", &proof)])
                    .header("Authorization", format!("{scheme} {t}")),
            )
            .await;
        assert_eq!(r.body["id"], ALICE, "{scheme}: {:?}", r.body);
    }
    let r = ctx
        .send(
            ctx.http
                .post(ctx.url("graph.facebook.com/v19.0/me"))
                .form(&[("access_token", t.as_str()), ("appsecret_proof", &proof)]),
        )
        .await;
    // POST on a user node is unsupported, but the token in the form was read.
    assert_graph_error(&r, 400, 100, Some(33));
}

#[tokio::test]
async fn appsecret_proof_rules() {
    let ctx = Ctx::with_config(SandboxConfig {
        require_appsecret_proof: true,
        ..SandboxConfig::default()
    })
    .await;
    let t = ctx.alice();
    let r = ctx.get_raw(&ctx.fb("me"), &[("access_token", &t)]).await;
    assert_graph_error(&r, 400, 100, None);
    assert_eq!(r.body["error"]["type"], "GraphMethodException");
    assert_eq!(
        r.body["error"]["message"],
        "API calls from the server require an appsecret_proof argument"
    );
    let r = ctx
        .get_raw(
            &ctx.fb("me"),
            &[("access_token", &t), ("appsecret_proof", "00ff")],
        )
        .await;
    assert_graph_error(&r, 400, 100, None);
    assert_eq!(
        r.body["error"]["message"],
        "Invalid appsecret_proof provided in the API argument"
    );

    let ctx = Ctx::with_config(SandboxConfig {
        require_appsecret_proof: false,
        ..SandboxConfig::default()
    })
    .await;
    let t = ctx.alice();
    assert_eq!(
        ctx.get_raw(&ctx.fb("me"), &[("access_token", &t)])
            .await
            .status,
        200
    );
    // A wrong proof still fails.
    let r = ctx
        .get_raw(
            &ctx.fb("me"),
            &[("access_token", &t), ("appsecret_proof", "00ff")],
        )
        .await;
    assert_graph_error(&r, 400, 100, None);
}

#[tokio::test]
async fn discovery_pages_business_and_fields() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let me = ctx.get(&ctx.fb("me"), &t, &[("fields", "name")]).await;
    assert_eq!(
        me.body,
        serde_json::json!({ "id": ALICE, "name": "Alice Anderson" })
    );

    let fields = "id,name,access_token,instagram_business_account{id,username,name,profile_picture_url,followers_count}";
    let acc = ctx
        .get(&ctx.fb("me/accounts"), &t, &[("fields", fields)])
        .await;
    let data = acc.body["data"].as_array().expect("data").clone();
    assert_eq!(data.len(), 3, "Alice manages 3 Pages: {data:?}");
    let with_ig: Vec<&Value> = data
        .iter()
        .filter(|p| p["instagram_business_account"].is_object())
        .collect();
    assert_eq!(with_ig.len(), 2);
    let bakery = data
        .iter()
        .find(|p| p["id"] == PAGE_BAKERY)
        .expect("bakery page");
    assert_eq!(bakery["instagram_business_account"]["id"], IG_BAKERY);
    assert_eq!(
        bakery["instagram_business_account"]["username"],
        "alice.bakery"
    );
    assert!(bakery["instagram_business_account"]["followers_count"].is_u64());
    assert!(acc.body["paging"]["cursors"]["before"].is_string());
    assert!(acc.body["paging"].get("next").is_none());

    // The Page token works for that Page's IG account only.
    let page_token = bakery["access_token"].as_str().expect("page token");
    let ig = ctx
        .get(
            &ctx.fb(IG_BAKERY),
            page_token,
            &[("fields", "id,username,media_count")],
        )
        .await;
    assert_eq!(ig.body["username"], "alice.bakery");
    let other = ctx.get(&ctx.fb(IG_TRAVELS), page_token, &[]).await;
    assert_graph_error(&other, 400, 100, Some(33));
    assert!(
        other.body["error"]["message"].as_str().is_some_and(
            |m| m.contains("does not exist, cannot be loaded due to missing permissions")
        )
    );

    // Business portfolio: owned and client Pages / IG accounts.
    let biz = ctx.get(&ctx.fb("me/businesses"), &t, &[]).await;
    assert_eq!(biz.body["data"][0]["id"], BUSINESS);
    let client_pages = ctx
        .get(
            &ctx.fb(&format!("{BUSINESS}/client_pages")),
            &t,
            &[(
                "fields",
                "id,name,permitted_tasks,instagram_business_account",
            )],
        )
        .await;
    assert_eq!(client_pages.body["data"][0]["id"], PAGE_CLIENT);
    assert!(client_pages.body["data"][0]["permitted_tasks"].is_array());
    let owned_ig = ctx
        .get(
            &ctx.fb(&format!("{BUSINESS}/owned_instagram_accounts")),
            &t,
            &[("fields", "id,username")],
        )
        .await;
    assert_eq!(
        owned_ig.body["data"][0]["id"], IG_BAKERY,
        "reachable via both paths"
    );
    let client_ig = ctx
        .get(
            &ctx.fb(&format!("{BUSINESS}/client_instagram_accounts")),
            &t,
            &[("fields", "id,username")],
        )
        .await;
    assert_eq!(client_ig.body["data"][0]["id"], IG_CLIENT);
    let iba = ctx
        .get(
            &ctx.fb(&format!("{BUSINESS}/instagram_business_accounts")),
            &t,
            &[],
        )
        .await;
    assert!(iba.body["data"].is_array());
    // The client account is reachable through the business.
    let c = ctx
        .get(&ctx.fb(IG_CLIENT), &t, &[("fields", "username")])
        .await;
    assert_eq!(c.body["username"], "client.studio");

    // Bob sees none of Alice's things.
    let bob = ctx.token(BOB, Login::Facebook, true, None);
    let r = ctx.get(&ctx.fb(PAGE_BAKERY), &bob, &[]).await;
    assert_graph_error(&r, 400, 100, Some(33));
    let r = ctx.get(&ctx.fb("me/accounts"), &bob, &[]).await;
    assert_eq!(r.body["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        ctx.get(&ctx.fb("me/businesses"), &bob, &[]).await.body,
        serde_json::json!({ "data": [] })
    );

    // Unknown fields and edges.
    let r = ctx
        .get(&ctx.fb(IG_BAKERY), &t, &[("fields", "id,bogus")])
        .await;
    assert_graph_error(&r, 400, 100, None);
    let r = ctx
        .get(&ctx.fb(&format!("{IG_BAKERY}/bogus_edge")), &t, &[])
        .await;
    assert_graph_error(&r, 400, 2500, None);
    let r = ctx.get(&ctx.fb("me"), &t, &[("fields", "id,{")]).await;
    assert_graph_error(&r, 400, 100, None);
}

#[tokio::test]
async fn scopes_are_enforced() {
    let ctx = Ctx::new().await;
    let t = ctx.token(
        ALICE,
        Login::Facebook,
        true,
        Some(&["public_profile", "pages_show_list"]),
    );
    let r = ctx.get(&ctx.fb("me/businesses"), &t, &[]).await;
    assert_graph_error(&r, 400, 200, None);
    let r = ctx.get(&ctx.fb(IG_BAKERY), &t, &[]).await;
    assert_graph_error(&r, 400, 10, None);
    // Without business_management the client account is out of reach.
    let r = ctx.get(&ctx.fb(IG_CLIENT), &t, &[]).await;
    assert_graph_error(&r, 400, 100, Some(33));
    // Nested IG fields degrade to the id without instagram_basic.
    let acc = ctx
        .get(
            &ctx.fb("me/accounts"),
            &t,
            &[("fields", "instagram_business_account{username}")],
        )
        .await;
    let first = acc.body["data"]
        .as_array()
        .and_then(|d| {
            d.iter()
                .find(|p| p["instagram_business_account"].is_object())
                .cloned()
        })
        .expect("page with ig");
    assert!(first["instagram_business_account"]
        .get("username")
        .is_none());
    let email_less = ctx.get(&ctx.fb("me"), &t, &[("fields", "id,email")]).await;
    assert!(email_less.body.get("email").is_none());
    let t = ctx.token(ALICE, Login::Facebook, true, Some(&["public_profile"]));
    assert_graph_error(
        &ctx.get(&ctx.fb("me/accounts"), &t, &[]).await,
        400,
        200,
        None,
    );
    let ig = ctx.token(
        IG_TRAVELS,
        Login::Instagram,
        true,
        Some(&["instagram_business_basic"]),
    );
    let r = ctx
        .post(
            &ctx.ig("me/media"),
            &ig,
            &[("image_url", "https://img.example.com/a.jpg")],
        )
        .await;
    assert_graph_error(&r, 400, 10, None);
}

#[tokio::test]
async fn media_pagination_follows_next() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let expected = ctx
        .sb
        .seed()
        .instagram_account("alice.bakery")
        .expect("seeded")
        .media
        .clone();
    assert!(expected.len() >= 3);
    let first = ctx
        .get(&ctx.fb(&format!("{IG_BAKERY}/media")), &t, &[("fields", "id,caption,media_type,media_product_type,permalink,shortcode,timestamp,like_count,comments_count,children{id,media_type}"), ("limit", "2")])
        .await;
    assert_eq!(first.status, 200, "{:?}", first.body);
    let mut seen: Vec<String> = Vec::new();
    let mut page = first.body;
    let mut pages = 0;
    loop {
        pages += 1;
        let data = page["data"].as_array().expect("data").clone();
        assert!(data.len() <= 2);
        for m in &data {
            seen.push(m["id"].as_str().expect("id").to_owned());
            let ts = m["timestamp"].as_str().expect("timestamp");
            assert!(ts.ends_with("+0000") && ts.len() == 24, "{ts}");
            assert!(m["permalink"]
                .as_str()
                .is_some_and(|p| p.starts_with("https://www.instagram.com/")));
            if m["media_type"] == "CAROUSEL_ALBUM" {
                assert!(m["children"]["data"]
                    .as_array()
                    .is_some_and(|c| c.len() >= 2));
            } else {
                assert!(m.get("children").is_none());
            }
            if m["media_type"] == "VIDEO" {
                assert_eq!(m["media_product_type"], "REELS");
            }
        }
        assert!(page["paging"]["cursors"]["after"].is_string());
        let Some(next) = page["paging"]["next"].as_str() else {
            break;
        };
        assert!(next.starts_with(&ctx.fb("")), "same host prefix: {next}");
        assert!(next.contains("access_token="));
        page = ctx.send(ctx.http.get(next)).await.body;
        assert!(pages < 10);
    }
    assert_eq!(seen, expected);
    assert_eq!(pages, expected.len().div_ceil(2));

    // before cursor goes back.
    let p1 = ctx
        .get(
            &ctx.fb(&format!("{IG_BAKERY}/media")),
            &t,
            &[("limit", "2")],
        )
        .await;
    let after = p1.body["paging"]["cursors"]["after"]
        .as_str()
        .expect("after")
        .to_owned();
    let p2 = ctx
        .get(
            &ctx.fb(&format!("{IG_BAKERY}/media")),
            &t,
            &[("limit", "2"), ("after", &after)],
        )
        .await;
    let before = p2.body["paging"]["cursors"]["before"]
        .as_str()
        .expect("before")
        .to_owned();
    assert!(p2.body["paging"]["previous"].is_string());
    let back = ctx
        .get(
            &ctx.fb(&format!("{IG_BAKERY}/media")),
            &t,
            &[("limit", "2"), ("before", &before)],
        )
        .await;
    assert_eq!(back.body["data"], p1.body["data"]);

    // Media node, children edge, IG node fields.
    let carousel = seen.iter().find(|id| {
        ctx.sb
            .seed()
            .instagram_accounts
            .iter()
            .any(|a| a.media.contains(id))
    });
    assert!(carousel.is_some());
    let album = ctx
        .get(
            &ctx.fb(&format!("{IG_BAKERY}/media")),
            &t,
            &[("fields", "id,media_type")],
        )
        .await;
    let album_id = album.body["data"]
        .as_array()
        .and_then(|d| {
            d.iter()
                .find(|m| m["media_type"] == "CAROUSEL_ALBUM")
                .cloned()
        })
        .expect("album")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let kids = ctx
        .get(
            &ctx.fb(&format!("{album_id}/children")),
            &t,
            &[("fields", "id,media_type,media_url")],
        )
        .await;
    assert_eq!(kids.body["data"].as_array().map(Vec::len), Some(3));
    let node = ctx
        .get(
            &ctx.fb(&album_id),
            &t,
            &[("fields", "id,owner,username,media_type")],
        )
        .await;
    assert_eq!(node.body["owner"]["id"], IG_BAKERY);
    assert_eq!(node.body["username"], "alice.bakery");
    let user = ctx
        .get(&ctx.fb(IG_BAKERY), &t, &[("fields", "id,ig_id,username,name,biography,website,profile_picture_url,followers_count,follows_count,media_count")])
        .await;
    for k in [
        "ig_id",
        "username",
        "name",
        "biography",
        "website",
        "profile_picture_url",
        "followers_count",
        "follows_count",
        "media_count",
    ] {
        assert!(!user.body[k].is_null(), "{k} missing: {:?}", user.body);
    }
    assert!(
        user.body.get("account_type").is_none(),
        "account_type is Instagram Login only"
    );
    let multi = ctx
        .get(
            &ctx.fb(""),
            &t,
            &[
                ("ids", &format!("{IG_BAKERY},{IG_TRAVELS}")),
                ("fields", "username"),
            ],
        )
        .await;
    assert_eq!(multi.body[IG_TRAVELS]["username"], "alice.travels");
}

#[tokio::test]
async fn default_page_size_and_limit_clamp() {
    let ctx = Ctx::with_config(SandboxConfig {
        default_page_size: 1,
        ..SandboxConfig::default()
    })
    .await;
    let t = ctx.alice();
    let r = ctx.get(&ctx.fb("me/accounts"), &t, &[]).await;
    assert_eq!(r.body["data"].as_array().map(Vec::len), Some(1));
    assert!(r.body["paging"]["next"].is_string());
    let r = ctx
        .get(&ctx.fb("me/accounts"), &t, &[("limit", "1000")])
        .await;
    assert_eq!(r.body["data"].as_array().map(Vec::len), Some(3));
    // A limit that is not a number reads as none (the default page size), not as an error.
    let r = ctx
        .get(&ctx.fb("me/accounts"), &t, &[("limit", "abc")])
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["data"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn usage_headers_and_budgets() {
    let ctx = Ctx::with_config(SandboxConfig {
        app_call_budget_per_hour: 10,
        business_call_budget_per_day: 4,
        ..SandboxConfig::default()
    })
    .await;
    let t = ctx.alice();
    let r = ctx.get(&ctx.fb("me"), &t, &[]).await;
    let app: Value =
        serde_json::from_str(&r.header("x-app-usage").expect("x-app-usage")).expect("json");
    assert_eq!(app["call_count"], 10);
    assert!(app["total_cputime"].is_u64() && app["total_time"].is_u64());
    assert!(r.header("x-business-use-case-usage").is_none());

    let r = ctx.get(&ctx.fb(IG_BAKERY), &t, &[]).await;
    let buc: Value =
        serde_json::from_str(&r.header("x-business-use-case-usage").expect("buc")).expect("json");
    let entry = &buc[IG_BAKERY][0];
    assert_eq!(entry["type"], "instagram");
    assert_eq!(entry["call_count"], 25);
    assert_eq!(entry["estimated_time_to_regain_access"], 0);
    // Errors carry the headers too.
    let r = ctx.get(&ctx.fb("me"), "garbage", &[]).await;
    assert!(r.header("x-app-usage").is_some());

    // The IG account's budget (4 a day) runs out first: 80002.
    for _ in 0..3 {
        ctx.get(&ctx.fb(IG_BAKERY), &t, &[]).await;
    }
    let r = ctx.get(&ctx.fb(IG_BAKERY), &t, &[]).await;
    assert_graph_error(&r, 400, 80002, None);
    assert_eq!(r.body["error"]["is_transient"], true);
    let buc: Value =
        serde_json::from_str(&r.header("x-business-use-case-usage").expect("buc")).expect("json");
    assert!(buc[IG_BAKERY][0]["estimated_time_to_regain_access"]
        .as_u64()
        .is_some_and(|m| m >= 1));
    // Then the app's hourly budget: code 4.
    let mut last = None;
    for _ in 0..10 {
        last = Some(ctx.get(&ctx.fb("me"), &t, &[]).await);
    }
    let r = last.expect("responses");
    assert_graph_error(&r, 400, 4, None);
    let app: Value =
        serde_json::from_str(&r.header("x-app-usage").expect("x-app-usage")).expect("json");
    assert!(app["call_count"].as_u64().is_some_and(|c| c >= 100));
    // An hour later the budget is back.
    ctx.advance(3601).await;
    assert_eq!(ctx.get(&ctx.fb("me"), &t, &[]).await.status, 200);
}

#[tokio::test]
async fn faults_are_seeded_and_clearable() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let r = ctx
        .control(
            "faults",
            serde_json::json!({ "transient_rate": 1.0, "seed": 42 }),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = ctx.get(&ctx.fb("me"), &t, &[]).await;
    assert!(r.status == 500 || r.status == 503, "{}", r.status);
    assert_eq!(r.body["error"]["is_transient"], true);
    assert!(matches!(r.error_code(), Some(1) | Some(2)));

    // Same seed, same sequence.
    let mut runs = Vec::new();
    for _ in 0..2 {
        ctx.control(
            "faults",
            serde_json::json!({ "transient_rate": 0.5, "seed": 7 }),
        )
        .await;
        let mut seq = Vec::new();
        for _ in 0..12 {
            seq.push(ctx.get(&ctx.fb("me"), &t, &[]).await.status);
        }
        runs.push(seq);
    }
    assert_eq!(runs[0], runs[1]);
    assert!(runs[0].contains(&200) && runs[0].iter().any(|s| *s >= 500));

    ctx.control(
        "faults",
        serde_json::json!({ "throttle_rate": 1.0, "throttle_code": 80002 }),
    )
    .await;
    let r = ctx.get(&ctx.fb(IG_BAKERY), &t, &[]).await;
    assert_graph_error(&r, 400, 80002, None);
    let buc: Value =
        serde_json::from_str(&r.header("x-business-use-case-usage").expect("buc")).expect("json");
    assert!(buc[IG_BAKERY][0]["call_count"]
        .as_u64()
        .is_some_and(|c| c >= 100));

    ctx.control("faults", serde_json::json!({ "drop_connection_rate": 1.0 }))
        .await;
    let err = ctx
        .http
        .get(ctx.fb("me"))
        .query(&[("access_token", t.as_str())])
        .send()
        .await;
    assert!(err.is_err(), "the connection is dropped");

    let r = ctx.control("faults", serde_json::json!({})).await;
    assert_eq!(r.body["transient_rate"], 0.0);
    assert_eq!(ctx.get(&ctx.fb("me"), &t, &[]).await.status, 200);

    ctx.sb.set_faults(Faults {
        slow_ms: 150,
        ..Faults::default()
    });
    let started = std::time::Instant::now();
    assert_eq!(ctx.get(&ctx.fb("me"), &t, &[]).await.status, 200);
    assert!(started.elapsed() >= std::time::Duration::from_millis(150));
}
