//! The two login flows against a live sandbox: consent (shortcut and HTML form), code exchange
//! and its failures, long-lived tokens, refresh, debug_token and revocation.

mod support;

use instagraph_sandbox::{InstagramTokenShape, SandboxConfig};
use support::*;

async fn exchange(ctx: &Ctx, code: &str, redirect: &str, secret: &str) -> Resp {
    ctx.get_raw(
        &ctx.fb("oauth/access_token"),
        &[
            ("client_id", ctx.sb.app_id()),
            ("redirect_uri", redirect),
            ("client_secret", secret),
            ("code", code),
        ],
    )
    .await
}

#[tokio::test]
async fn facebook_shortcut_code_exchange_and_me() {
    let ctx = Ctx::new().await;
    let code = ctx.fb_code(ALICE).await;
    let r = exchange(&ctx, &code, REDIRECT, ctx.sb.app_secret()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["token_type"], "bearer");
    let expires = r.body["expires_in"].as_i64().expect("expires_in");
    assert!((3600..=7200).contains(&expires));
    let token = r.body["access_token"].as_str().expect("token").to_owned();
    assert!(token.starts_with("EAA"));
    let me = ctx
        .get(&ctx.fb("me"), &token, &[("fields", "id,name,email")])
        .await;
    assert_eq!(me.body["id"], ALICE);
    assert_eq!(me.body["email"], "alice@example.com");

    // Single use.
    let again = exchange(&ctx, &code, REDIRECT, ctx.sb.app_secret()).await;
    assert_graph_error(&again, 400, 100, Some(36009));
    assert_eq!(
        again.body["error"]["message"],
        "This authorization code has been used."
    );
}

#[tokio::test]
async fn facebook_consent_page_form_posts_back() {
    let ctx = Ctx::new().await;
    let page = ctx.send(ctx.fb_dialog(&[])).await;
    assert_eq!(page.status, 200);
    let html = page.body.as_str().expect("html").to_owned();
    assert!(html.contains("Approve") && html.contains("Deny"));
    assert!(html.contains("Alice Anderson") && html.contains("Bob Brown"));
    assert!(html.contains("instagram_content_publish"));
    let (action, hidden, users) = parse_form(&html);
    assert!(users.contains(&ALICE.to_owned()) && users.contains(&BOB.to_owned()));
    let mut form = hidden.clone();
    form.push(("sandbox_user".into(), BOB.into()));
    form.push(("sandbox_approve".into(), "1".into()));
    let r = ctx.send(ctx.http.post(ctx.url(&action)).form(&form)).await;
    assert_eq!(r.status, 302);
    let params = location_params(&r.header("location").expect("location"));
    assert_eq!(param(&params, "state"), Some("st4te"));
    let code = param(&params, "code").expect("code");
    let t = exchange(&ctx, code, REDIRECT, ctx.sb.app_secret()).await;
    let token = t.body["access_token"].as_str().expect("token");
    let me = ctx
        .get(&ctx.fb("me"), token, &[("fields", "id,name,email")])
        .await;
    assert_eq!(me.body["id"], BOB);
    assert!(
        me.body.get("email").is_none(),
        "Bob has no email: {:?}",
        me.body
    );

    // Deny through the form.
    let mut form = hidden;
    form.push(("sandbox_user".into(), ALICE.into()));
    form.push(("sandbox_approve".into(), "0".into()));
    let r = ctx.send(ctx.http.post(ctx.url(&action)).form(&form)).await;
    let loc = r.header("location").expect("location");
    assert!(loc.contains("error_description=Permissions+error"), "{loc}");
    let params = location_params(&loc);
    assert_eq!(param(&params, "error"), Some("access_denied"));
    assert_eq!(param(&params, "error_reason"), Some("user_denied"));
    assert_eq!(param(&params, "state"), Some("st4te"));
    assert!(param(&params, "code").is_none());
}

#[tokio::test]
async fn facebook_dialog_rejects_unknown_app_and_scopes() {
    let ctx = Ctx::new().await;
    let r = ctx
        .send(
            ctx.http
                .get(ctx.url("www.facebook.com/v24.0/dialog/oauth"))
                .query(&[("client_id", "42"), ("redirect_uri", REDIRECT)]),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r
        .body
        .as_str()
        .is_some_and(|h| h.contains("Invalid App ID")));
    let r = ctx
        .send(ctx.fb_dialog(&[("scope", "instagram_business_basic")]))
        .await;
    assert_eq!(r.status, 400);
    let r = ctx
        .send(ctx.fb_dialog(&[("sandbox_user", ALICE), ("sandbox_approve", "0")]))
        .await;
    assert_eq!(r.status, 302);
}

#[tokio::test]
async fn facebook_code_failures() {
    let ctx = Ctx::new().await;
    let code = ctx.fb_code(ALICE).await;
    let r = exchange(&ctx, &code, REDIRECT, "wrong-secret").await;
    assert_graph_error(&r, 400, 1, None);
    assert_eq!(r.body["error"]["type"], "OAuthException");
    assert_eq!(
        r.body["error"]["message"],
        "Error validating client secret."
    );
    let r = exchange(
        &ctx,
        &code,
        "https://evil.example.com/cb",
        ctx.sb.app_secret(),
    )
    .await;
    assert_graph_error(&r, 400, 100, Some(36008));
    let r = exchange(&ctx, "AQnotacode", REDIRECT, ctx.sb.app_secret()).await;
    assert_graph_error(&r, 400, 100, None);
    // Codes live 10 minutes.
    ctx.advance(601).await;
    let r = exchange(&ctx, &code, REDIRECT, ctx.sb.app_secret()).await;
    assert_graph_error(&r, 400, 100, Some(36007));
}

#[tokio::test]
async fn facebook_long_lived_debug_token_and_disconnect() {
    let ctx = Ctx::new().await;
    let code = ctx.fb_code(ALICE).await;
    let short = exchange(&ctx, &code, REDIRECT, ctx.sb.app_secret())
        .await
        .body["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let r = ctx
        .get_raw(
            &ctx.fb("oauth/access_token"),
            &[
                ("grant_type", "fb_exchange_token"),
                ("client_id", ctx.sb.app_id()),
                ("client_secret", ctx.sb.app_secret()),
                ("fb_exchange_token", &short),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["expires_in"], 5_183_944);
    let long = r.body["access_token"].as_str().expect("token").to_owned();

    let app_token = format!("{}|{}", ctx.sb.app_id(), ctx.sb.app_secret());
    let dbg = ctx
        .get_raw(
            &ctx.fb("debug_token"),
            &[("input_token", &long), ("access_token", &app_token)],
        )
        .await;
    let d = &dbg.body["data"];
    assert_eq!(d["is_valid"], true, "{d:?}");
    assert_eq!(d["app_id"], ctx.sb.app_id());
    assert_eq!(d["type"], "USER");
    assert_eq!(d["user_id"], ALICE);
    assert!(d["scopes"]
        .as_array()
        .is_some_and(|s| s.iter().any(|x| x == "instagram_basic")));
    assert!(d["granular_scopes"].is_array());
    for k in [
        "application",
        "data_access_expires_at",
        "expires_at",
        "issued_at",
    ] {
        assert!(!d[k].is_null(), "{k} missing in {d:?}");
    }
    let bad = ctx
        .get_raw(
            &ctx.fb("debug_token"),
            &[("input_token", "garbage"), ("access_token", &app_token)],
        )
        .await;
    assert_eq!(bad.body["data"]["is_valid"], false);
    assert_eq!(bad.body["data"]["error"]["code"], 190);

    // The short-lived token expires after ~2 h by the sandbox clock; the long-lived one doesn't.
    ctx.advance(7201).await;
    let r = ctx.get(&ctx.fb("me"), &short, &[]).await;
    assert_graph_error(&r, 400, 190, Some(463));
    let dbg = ctx
        .get_raw(
            &ctx.fb("debug_token"),
            &[("input_token", &short), ("access_token", &app_token)],
        )
        .await;
    assert_eq!(dbg.body["data"]["is_valid"], false);
    assert_eq!(dbg.body["data"]["error"]["subcode"], 463);
    assert_eq!(ctx.get(&ctx.fb("me"), &long, &[]).await.status, 200);

    // Disconnect: every token of the user stops working.
    let proof = ctx.sb.appsecret_proof(&long);
    let del = ctx
        .send(
            ctx.http
                .delete(ctx.fb("me/permissions"))
                .query(&[("access_token", long.as_str()), ("appsecret_proof", &proof)]),
        )
        .await;
    assert_eq!(del.body, serde_json::json!({ "success": true }));
    let r = ctx.get(&ctx.fb("me"), &long, &[]).await;
    assert_graph_error(&r, 400, 190, Some(458));
}

async fn ig_exchange(ctx: &Ctx, code: &str) -> Resp {
    ctx.send(
        ctx.http
            .post(ctx.url("api.instagram.com/oauth/access_token"))
            .form(&[
                ("client_id", ctx.sb.app_id()),
                ("client_secret", ctx.sb.app_secret()),
                ("grant_type", "authorization_code"),
                ("redirect_uri", REDIRECT),
                ("code", code),
            ]),
    )
    .await
}

#[tokio::test]
async fn instagram_login_flat_shape_exchange_and_refresh() {
    let ctx = Ctx::new().await;
    let code = ctx.ig_code(IG_TRAVELS).await;
    let r = ig_exchange(&ctx, &code).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["user_id"], IG_TRAVELS);
    assert_eq!(
        r.body["permissions"],
        "instagram_business_basic,instagram_business_content_publish"
    );
    let short = r.body["access_token"].as_str().expect("token").to_owned();
    assert!(short.starts_with("IGAA"));

    let reuse = ig_exchange(&ctx, &code).await;
    assert_eq!(reuse.status, 400);
    assert_eq!(
        reuse.body,
        serde_json::json!({"error_type": "OAuthException", "code": 400, "error_message": "Matching code was not found or was already used"})
    );

    let me = ctx
        .get(
            &ctx.ig("me"),
            &short,
            &[("fields", "user_id,username,account_type,name")],
        )
        .await;
    assert_eq!(me.status, 200, "{:?}", me.body);
    assert_eq!(me.body["user_id"], IG_TRAVELS);
    assert_eq!(me.body["username"], "alice.travels");
    assert_eq!(me.body["account_type"], "MEDIA_CREATOR");

    let ll = ctx
        .get_raw(
            &ctx.ig("access_token"),
            &[
                ("grant_type", "ig_exchange_token"),
                ("client_secret", ctx.sb.app_secret()),
                ("access_token", &short),
            ],
        )
        .await;
    assert_eq!(ll.status, 200, "{:?}", ll.body);
    assert_eq!(ll.body["token_type"], "bearer");
    assert_eq!(ll.body["expires_in"], 5_183_944);
    let long = ll.body["access_token"].as_str().expect("token").to_owned();

    let refresh = |t: String| {
        let ctx = &ctx;
        async move {
            ctx.get_raw(
                &ctx.ig("refresh_access_token"),
                &[("grant_type", "ig_refresh_token"), ("access_token", &t)],
            )
            .await
        }
    };
    // Too young, and short-lived tokens can't be refreshed.
    assert_graph_error(&refresh(long.clone()).await, 400, 100, None);
    assert_graph_error(&refresh(short.clone()).await, 400, 100, None);
    ctx.advance(25 * 3600).await;
    // The short-lived token (1 h) is expired by now.
    assert_graph_error(
        &ctx.get(&ctx.ig("me"), &short, &[]).await,
        400,
        190,
        Some(463),
    );
    let r = refresh(long.clone()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["expires_in"], 5_183_944);
    let fresh = r.body["access_token"].as_str().expect("token").to_owned();
    assert_ne!(fresh, long);
    assert_eq!(ctx.get(&ctx.ig("me"), &fresh, &[]).await.status, 200);
    // Expired long-lived tokens can't be refreshed.
    ctx.advance(61 * 86400).await;
    assert_graph_error(&refresh(fresh).await, 400, 190, Some(463));
}

#[tokio::test]
async fn instagram_login_nested_shape_numeric_id_and_errors() {
    let config = SandboxConfig {
        instagram_token_shape: InstagramTokenShape::Nested,
        instagram_user_id_as_number: true,
        ..SandboxConfig::default()
    };
    let ctx = Ctx::with_config(config).await;
    let code = ctx.ig_code("alice.travels").await;
    let r = ig_exchange(&ctx, &code).await;
    let item = &r.body["data"][0];
    assert!(item["access_token"].is_string(), "{:?}", r.body);
    assert!(item["user_id"].is_u64());
    assert!(item["permissions"].is_string());

    let bad = ctx
        .send(
            ctx.http
                .post(ctx.url("api.instagram.com/oauth/access_token"))
                .form(&[
                    ("client_id", ctx.sb.app_id()),
                    ("client_secret", "nope"),
                    ("grant_type", "authorization_code"),
                    ("redirect_uri", REDIRECT),
                    ("code", "x"),
                ]),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["error_type"], "OAuthException");
    assert_eq!(bad.body["code"], 400);
    assert!(bad.body["error_message"].is_string());
    // Only Instagram-Login-capable accounts can sign in.
    let r = ctx
        .send(
            ctx.http
                .get(ctx.url("www.instagram.com/oauth/authorize"))
                .query(&[
                    ("client_id", ctx.sb.app_id()),
                    ("redirect_uri", REDIRECT),
                    ("scope", "instagram_business_basic"),
                    ("sandbox_user", IG_BOB),
                    ("sandbox_approve", "1"),
                ]),
        )
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn instagram_consent_page_and_deny() {
    let ctx = Ctx::new().await;
    let q = [
        ("client_id", ctx.sb.app_id()),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", "instagram_business_basic"),
        ("state", "s"),
    ];
    let page = ctx
        .send(
            ctx.http
                .get(ctx.url("www.instagram.com/oauth/authorize"))
                .query(&q),
        )
        .await;
    assert_eq!(page.status, 200);
    let html = page.body.as_str().expect("html").to_owned();
    assert!(html.contains("@alice.travels"));
    let (action, hidden, users) = parse_form(&html);
    assert_eq!(users, vec![IG_TRAVELS.to_owned()]);
    let mut form = hidden.clone();
    form.push(("sandbox_user".into(), IG_TRAVELS.into()));
    form.push(("sandbox_approve".into(), "1".into()));
    let r = ctx.send(ctx.http.post(ctx.url(&action)).form(&form)).await;
    let loc = r.header("location").expect("location");
    let code = param(&location_params(&loc), "code")
        .expect("code")
        .to_owned();
    let t = ig_exchange(&ctx, &code).await;
    assert!(t.body["access_token"].is_string(), "{:?}", t.body);

    let mut form = hidden;
    form.push(("sandbox_approve".into(), "0".into()));
    let r = ctx.send(ctx.http.post(ctx.url(&action)).form(&form)).await;
    let params = location_params(&r.header("location").expect("location"));
    assert_eq!(param(&params, "error"), Some("access_denied"));
    assert_eq!(param(&params, "error_reason"), Some("user_denied"));
    assert!(param(&params, "error_description").is_some());
}
