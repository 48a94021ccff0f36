//! The token endpoints as OAuth 2 clients call them (RFC 6749: POST, a form or JSON body, the
//! client credentials in HTTP Basic), and Facebook Login's other `response_type`s.

use reqwest::header::AUTHORIZATION;
use serde_json::{json, Value};

use super::support::*;
use super::{basic, SandboxConfig};

/// The code exchange and `fb_exchange_token` on graph.facebook.com take GET or POST, a form or
/// JSON body, and the client credentials in HTTP Basic (RFC 6749 §2.3.1); a wrong Basic secret
/// is refused in Meta's error shape.
#[tokio::test]
async fn facebook_token_endpoint_takes_post_json_and_basic_auth() {
    let ctx = Ctx::new().await;
    let url = ctx.fb("oauth/access_token");
    let auth = basic(ctx.sb.app_id(), ctx.sb.app_secret());
    let code = ctx.fb_code(ALICE).await;
    let r = ctx
        .send(
            ctx.http
                .post(&url)
                .header(AUTHORIZATION, &auth)
                .form(&[("redirect_uri", REDIRECT), ("code", &code)]),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let short = r.body["access_token"].as_str().expect("token").to_owned();
    assert_eq!(ctx.get(&ctx.fb("me"), &short, &[]).await.body["id"], ALICE);

    let code = ctx.fb_code(ALICE).await;
    let r = ctx
        .send(ctx.http.post(&url).json(&json!({
            "client_id": ctx.sb.app_id(),
            "client_secret": ctx.sb.app_secret(),
            "redirect_uri": REDIRECT,
            "code": code,
        })))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    let r = ctx
        .send(ctx.http.post(&url).header(AUTHORIZATION, &auth).form(&[
            ("grant_type", "fb_exchange_token"),
            ("fb_exchange_token", &short),
        ]))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body["expires_in"].as_i64(),
        Some(SandboxConfig::default().long_lived_seconds)
    );

    let code = ctx.fb_code(ALICE).await;
    let r = ctx
        .send(
            ctx.http
                .post(&url)
                .header(AUTHORIZATION, basic(ctx.sb.app_id(), "not-the-secret"))
                .form(&[("redirect_uri", REDIRECT), ("code", &code)]),
        )
        .await;
    assert_graph_error(&r, 400, 1, None);
    assert_eq!(r.body["error"]["type"], "OAuthException");
    assert_eq!(
        r.body["error"]["message"],
        "Error validating client secret."
    );
}

/// `api.instagram.com/oauth/access_token` takes the client credentials in HTTP Basic, a JSON
/// body, or a GET query; a wrong Basic secret gets Instagram's OAuth error shape.
#[tokio::test]
async fn instagram_code_exchange_takes_basic_auth_json_and_get() {
    let ctx = Ctx::new().await;
    let url = ctx.url("api.instagram.com/oauth/access_token");
    let grant = |code: String| {
        vec![
            ("grant_type", "authorization_code".to_owned()),
            ("redirect_uri", REDIRECT.to_owned()),
            ("code", code),
        ]
    };
    let exchanged = |r: Resp| {
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["user_id"], IG_TRAVELS);
        r.body["access_token"].as_str().expect("token").to_owned()
    };
    let auth = basic(ctx.sb.app_id(), ctx.sb.app_secret());
    let code = ctx.ig_code(IG_TRAVELS).await;
    let basic_form = ctx
        .http
        .post(&url)
        .header(AUTHORIZATION, &auth)
        .form(&grant(code));
    let short = exchanged(ctx.send(basic_form).await);
    assert!(short.starts_with("IGAA"));

    let code = ctx.ig_code(IG_TRAVELS).await;
    let mut body: serde_json::Map<String, Value> = grant(code)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), json!(v)))
        .collect();
    body.insert("client_id".into(), json!(ctx.sb.app_id()));
    body.insert("client_secret".into(), json!(ctx.sb.app_secret()));
    exchanged(ctx.send(ctx.http.post(&url).json(&body)).await);

    let code = ctx.ig_code(IG_TRAVELS).await;
    let get = ctx
        .http
        .get(&url)
        .header(AUTHORIZATION, &auth)
        .query(&grant(code));
    exchanged(ctx.send(get).await);

    let code = ctx.ig_code(IG_TRAVELS).await;
    let wrong = ctx
        .http
        .post(&url)
        .header(AUTHORIZATION, basic(ctx.sb.app_id(), "not-the-secret"))
        .form(&grant(code));
    let r = ctx.send(wrong).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body,
        json!({"error_type": "OAuthException", "code": 400, "error_message": "Error validating client secret."})
    );
}

/// graph.instagram.com's `access_token` and `refresh_access_token` take POST, a JSON body and
/// the client secret in HTTP Basic.
#[tokio::test]
async fn instagram_long_lived_exchange_and_refresh_take_post_and_basic_auth() {
    let ctx = Ctx::new().await;
    let short = ctx.token(
        IG_TRAVELS,
        instagraph_sandbox::Login::Instagram,
        false,
        None,
    );
    let r = ctx
        .send(
            ctx.http
                .post(ctx.ig("access_token"))
                .header(AUTHORIZATION, basic(ctx.sb.app_id(), ctx.sb.app_secret()))
                .form(&[
                    ("grant_type", "ig_exchange_token"),
                    ("access_token", &short),
                ]),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let long = r.body["access_token"].as_str().expect("token").to_owned();
    ctx.advance(25 * 3600).await;
    let r = ctx
        .send(ctx.http.post(ctx.ig("refresh_access_token")).json(&json!({
            "grant_type": "ig_refresh_token",
            "access_token": long,
        })))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

/// RFC 6749 §2.3.1: the client id and secret are form-urlencoded before base64, so a secret
/// with `:`, `+`, `/`, `%` or a space survives.
#[tokio::test]
async fn basic_credentials_are_url_decoded() {
    let secret = "s3cr:t+/x y%";
    let ctx = Ctx::with_config(SandboxConfig {
        app_secret: Some(secret.to_owned()),
        ..SandboxConfig::default()
    })
    .await;
    let code = ctx.fb_code(ALICE).await;
    let r = ctx
        .send(
            ctx.http
                .post(ctx.fb("oauth/access_token"))
                .header(AUTHORIZATION, basic(ctx.sb.app_id(), secret))
                .form(&[("redirect_uri", REDIRECT), ("code", &code)]),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

/// Facebook Login's manual flow documents `response_type=token` (the token in the fragment)
/// and `granted_scopes`; Instagram Login takes `code` only.
#[tokio::test]
async fn facebook_dialog_answers_response_type_token_and_granted_scopes() {
    let ctx = Ctx::new().await;
    let approve = [("sandbox_user", ALICE), ("sandbox_approve", "1")];
    let mut extra = approve.to_vec();
    extra.push(("response_type", "token,granted_scopes"));
    let r = ctx.send(ctx.fb_dialog(&extra)).await;
    assert_eq!(r.status, 302, "{:?}", r.body);
    let location = r.header("location").expect("location");
    let (_, fragment) = location.split_once('#').expect("a fragment");
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(fragment.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(param(&pairs, "state"), Some("st4te"));
    assert!(param(&pairs, "expires_in").is_some() && param(&pairs, "code").is_none());
    assert!(param(&pairs, "granted_scopes").is_some_and(|s| s.contains("instagram_basic")));
    let token = param(&pairs, "access_token").expect("access_token");
    assert_eq!(ctx.get(&ctx.fb("me"), token, &[]).await.body["id"], ALICE);

    let mut extra = approve.to_vec();
    extra.push(("response_type", "code granted_scopes"));
    let r = ctx.send(ctx.fb_dialog(&extra)).await;
    let pairs = location_params(&r.header("location").expect("location"));
    assert!(param(&pairs, "code").is_some() && param(&pairs, "granted_scopes").is_some());

    let r = ctx
        .send(
            ctx.http
                .get(ctx.url("www.instagram.com/oauth/authorize"))
                .query(&[
                    ("client_id", ctx.sb.app_id()),
                    ("redirect_uri", REDIRECT),
                    ("response_type", "token"),
                    ("scope", "instagram_business_basic"),
                ]),
        )
        .await;
    assert_eq!(r.status, 400);
}
