//! Exact wire checks of both login flows (wiremock), and the OAuth state and callback rules
//! (no network).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use instagraph::auth::{
    parse_callback, AuthorizeRequest, CallbackParams, LongLivedToken, OAuthStates, ShortLivedToken,
    StateCheck, STATE_LEN,
};
use instagraph::store::{
    LoginKind, MemoryStore, OAuthStateRecord, OAuthStateStore, SealingKey, Store, StoreResult,
};
use instagraph::{
    AccessToken, AgencyClientId, AuthError, Client, CompanyId, Error, ErrorClass, Hosts,
    RetryPolicy,
};

mod wire_support;
use wire_support::proof;

const APP_ID: &str = "123";
const APP_SECRET: &str = wire_support::SECRET;
const REDIRECT: &str = "https://app.example/oauth/callback";
const ALT_REDIRECT: &str = "https://app.example/alt/callback";
const V: &str = "v26.0";

type AuthCheck = fn(&AuthError) -> bool;
type ErrorCheck = fn(&Error) -> bool;

// ---- helpers -------------------------------------------------------------------------------------

fn hosts(base: &str) -> Hosts {
    Hosts::uniform(base)
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

fn client_for(base: &str) -> Client {
    Client::builder()
        .app(APP_ID, APP_SECRET)
        .api_version(V)
        .hosts(hosts(base))
        .retry(fast_retry())
        .redirect_uri(REDIRECT)
        .allowed_redirect_uris([ALT_REDIRECT])
        .build()
        .unwrap()
}

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = client_for(&server.uri());
    (server, client)
}

fn pairs_of<'a>(
    iter: impl Iterator<Item = (std::borrow::Cow<'a, str>, std::borrow::Cow<'a, str>)>,
) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in iter {
        map.entry(k.into_owned()).or_default().push(v.into_owned());
    }
    map
}

fn expected(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in pairs {
        map.entry(k.to_string()).or_default().push(v.to_string());
    }
    map
}

/// Matches when the query string holds exactly these parameters (no more, no fewer).
fn exact_query(pairs: &[(&str, &str)]) -> impl Fn(&Request) -> bool + Send + Sync + 'static {
    let want = expected(pairs);
    move |req: &Request| pairs_of(req.url.query_pairs()) == want
}

/// Matches when the urlencoded body holds exactly these fields and the content type says so.
fn exact_form(pairs: &[(&str, &str)]) -> impl Fn(&Request) -> bool + Send + Sync + 'static {
    let want = expected(pairs);
    move |req: &Request| {
        let ct = req
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        ct.starts_with("application/x-www-form-urlencoded")
            && req.url.query().is_none()
            && pairs_of(url::form_urlencoded::parse(&req.body)) == want
    }
}

fn json(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

fn graph_error(code: i64, subcode: Option<i64>, message: &str) -> serde_json::Value {
    let mut e = serde_json::json!({
        "message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf"
    });
    if let Some(s) = subcode {
        e["error_subcode"] = s.into();
    }
    serde_json::json!({ "error": e })
}

fn assert_expires_in(at: Option<DateTime<Utc>>, before: DateTime<Utc>, secs: i64) {
    let at = at.expect("an expiry");
    let after = Utc::now();
    assert!(
        at >= before + TimeDelta::seconds(secs) && at <= after + TimeDelta::seconds(secs),
        "{at}"
    );
}

fn url_params(url: &str) -> (url::Url, BTreeMap<String, Vec<String>>) {
    let parsed = url::Url::parse(url).unwrap();
    let params = pairs_of(parsed.query_pairs());
    (parsed, params)
}

// ---- authorize URLs (no network) -----------------------------------------------------------------

#[test]
fn facebook_authorize_url_has_every_parameter() {
    let client = client_for("http://127.0.0.1:9");
    let u = client
        .facebook_login()
        .authorize_url(AuthorizeRequest::new("st4te"))
        .unwrap();
    let (parsed, params) = url_params(&u.url);
    assert_eq!(parsed.path(), "/v26.0/dialog/oauth");
    let default_scope =
        "email,public_profile,pages_show_list,pages_read_engagement,business_management,\
         instagram_basic,instagram_content_publish,instagram_manage_comments,\
         instagram_manage_insights,instagram_manage_messages,instagram_manage_contents";
    assert_eq!(
        params,
        expected(&[
            ("client_id", APP_ID),
            ("redirect_uri", REDIRECT),
            ("state", "st4te"),
            ("scope", default_scope),
            ("response_type", "code"),
        ])
    );
    assert_eq!(
        (u.state.as_str(), u.redirect_uri.as_str()),
        ("st4te", REDIRECT)
    );
    assert_eq!(u.scopes.join(","), default_scope);

    // Custom scopes, rerequest, config_id and an allowed custom redirect.
    let u = client
        .facebook_login()
        .authorize_url(
            AuthorizeRequest::new("s2")
                .redirect_uri(ALT_REDIRECT)
                .scopes(["instagram_basic", "pages_show_list", "instagram_basic"])
                .rerequest(true)
                .config_id("987654"),
        )
        .unwrap();
    let (_, params) = url_params(&u.url);
    assert_eq!(
        params,
        expected(&[
            ("client_id", APP_ID),
            ("redirect_uri", ALT_REDIRECT),
            ("state", "s2"),
            ("scope", "instagram_basic,pages_show_list"),
            ("response_type", "code"),
            ("auth_type", "rerequest"),
            ("config_id", "987654"),
        ])
    );
    assert_eq!(u.scopes, vec!["instagram_basic", "pages_show_list"]);
}

#[test]
fn instagram_authorize_url_has_every_parameter() {
    let client = client_for("http://127.0.0.1:9");
    let u = client
        .instagram_login()
        .authorize_url(AuthorizeRequest::new("st4te"))
        .unwrap();
    let (parsed, params) = url_params(&u.url);
    assert_eq!(parsed.path(), "/oauth/authorize");
    let default_scope = "instagram_business_basic,instagram_business_content_publish,instagram_business_manage_comments,instagram_business_manage_messages,instagram_business_manage_insights";
    assert_eq!(
        params,
        expected(&[
            ("client_id", APP_ID),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", default_scope),
            ("state", "st4te"),
        ])
    );
    let u = client
        .instagram_login()
        .authorize_url(
            AuthorizeRequest::new("s2")
                .scopes(["instagram_business_basic"])
                .force_authentication(true)
                .enable_fb_login(false),
        )
        .unwrap();
    let (_, params) = url_params(&u.url);
    assert_eq!(
        params,
        expected(&[
            ("client_id", APP_ID),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", "instagram_business_basic"),
            ("state", "s2"),
            ("force_authentication", "1"),
            ("enable_fb_login", "0"),
        ])
    );
}

#[test]
fn authorize_url_refuses_bad_input() {
    let client = client_for("http://127.0.0.1:9");
    for flow_is_fb in [true, false] {
        let url = |r: AuthorizeRequest| {
            if flow_is_fb {
                client.facebook_login().authorize_url(r)
            } else {
                client.instagram_login().authorize_url(r)
            }
        };
        let e =
            url(AuthorizeRequest::new("s").redirect_uri("https://evil.example/cb")).unwrap_err();
        match &e {
            Error::InvalidInput { field, reason } => {
                assert_eq!(*field, "redirect_uri");
                assert!(
                    reason.contains(REDIRECT) && reason.contains(ALT_REDIRECT),
                    "{reason}"
                );
            }
            other => panic!("{other:?}"),
        }
        for bad in [vec![""], vec!["Email"], vec!["a,b"], vec!["a b"], vec![]] {
            let e = url(AuthorizeRequest::new("s").scopes(bad.clone())).unwrap_err();
            assert!(
                matches!(
                    e,
                    Error::InvalidInput {
                        field: "scopes",
                        ..
                    }
                ),
                "{bad:?}: {e:?}"
            );
        }
        let e = url(AuthorizeRequest::new("")).unwrap_err();
        assert!(
            matches!(e, Error::InvalidInput { field: "state", .. }),
            "{e:?}"
        );
        let e = url(AuthorizeRequest::new("has space")).unwrap_err();
        assert!(
            matches!(e, Error::InvalidInput { field: "state", .. }),
            "{e:?}"
        );
    }
    // Options of the other flow are refused rather than silently dropped.
    assert!(client
        .facebook_login()
        .authorize_url(AuthorizeRequest::new("s").force_authentication(true))
        .is_err());
    assert!(client
        .instagram_login()
        .authorize_url(AuthorizeRequest::new("s").rerequest(true))
        .is_err());
    // No redirect configured and none given.
    let bare = Client::builder().app(APP_ID, APP_SECRET).build().unwrap();
    let e = bare
        .facebook_login()
        .authorize_url(AuthorizeRequest::new("s"))
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Config {
                field: "redirect_uri",
                ..
            }
        ),
        "{e:?}"
    );
}

// ---- Facebook Login on the wire ------------------------------------------------------------------

#[tokio::test]
async fn facebook_exchange_code_request_and_answer() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/{V}/oauth/access_token")))
        .and(exact_query(&[
            ("client_id", APP_ID),
            ("redirect_uri", REDIRECT),
            ("client_secret", APP_SECRET),
            ("code", "AQDcode"),
        ]))
        .respond_with(json(
            200,
            serde_json::json!({"access_token":"EAAGshortTOKEN0001","token_type":"bearer","expires_in":5183944}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let before = Utc::now();
    let t = client
        .facebook_login()
        .exchange_code("AQDcode#_", REDIRECT)
        .await
        .unwrap();
    assert_eq!(t.access_token.expose(), "EAAGshortTOKEN0001");
    assert_eq!(t.token_type.as_deref(), Some("bearer"));
    assert_eq!(t.expires_in, Some(5183944));
    assert_expires_in(t.expires_at, before, 5183944);
    assert!(t.user_id.is_none() && t.permissions.is_empty());
}

#[tokio::test]
async fn facebook_exchange_code_errors_are_typed_and_never_retried() {
    let cases: [(Option<i64>, AuthCheck); 4] = [
        (Some(36009), |e| matches!(e, AuthError::CodeReused)),
        (Some(36007), |e| matches!(e, AuthError::CodeInvalid(_))),
        (
            Some(36008),
            |e| matches!(e, AuthError::CodeInvalid(m) if m.contains("36008")),
        ),
        (None, |e| matches!(e, AuthError::CodeInvalid(_))),
    ];
    for (subcode, check) in cases {
        let (server, client) = setup().await;
        Mock::given(method("GET"))
            .and(path(format!("/{V}/oauth/access_token")))
            .respond_with(json(
                400,
                graph_error(100, subcode, "This authorization code has been used."),
            ))
            .expect(1)
            .mount(&server)
            .await;
        match client
            .facebook_login()
            .exchange_code("AQDcode", REDIRECT)
            .await
            .unwrap_err()
        {
            Error::Auth(e) => assert!(check(&e), "{subcode:?}: {e:?}"),
            other => panic!("{subcode:?}: {other:?}"),
        }
    }
    // A transient 500 is not retried on the code exchange.
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/{V}/oauth/access_token")))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let e = client
        .facebook_login()
        .exchange_code("AQDcode", REDIRECT)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Graph { status: 500, .. }), "{e:?}");
    assert!(!format!("{e:?}").contains("AQDcode"));
}

#[tokio::test]
async fn facebook_exchange_long_lived_sends_no_access_token_and_retries_a_500() {
    let (server, client) = setup().await;
    let query = [
        ("grant_type", "fb_exchange_token"),
        ("client_id", APP_ID),
        ("client_secret", APP_SECRET),
        ("fb_exchange_token", "EAAGshortTOKEN0001"),
    ];
    Mock::given(method("GET"))
        .and(path(format!("/{V}/oauth/access_token")))
        .and(exact_query(&query))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/{V}/oauth/access_token")))
        .and(exact_query(&query))
        .respond_with(json(
            200,
            serde_json::json!({"access_token":"EAAGlongTOKEN00002","token_type":"bearer","expires_in":"5184000"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let before = Utc::now();
    let t = client
        .facebook_login()
        .exchange_long_lived(&AccessToken::new("EAAGshortTOKEN0001"))
        .await
        .unwrap();
    assert_eq!(t.access_token.expose(), "EAAGlongTOKEN00002");
    assert_eq!(t.expires_in, Some(5184000));
    assert_expires_in(t.expires_at, before, 5184000);

    // A long-lived token without expiry (never expires).
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/{V}/oauth/access_token")))
        .respond_with(json(
            200,
            serde_json::json!({"access_token":"EAAGlongTOKEN00003","token_type":"bearer"}),
        ))
        .mount(&server)
        .await;
    let t = client
        .facebook_login()
        .exchange_long_lived(&AccessToken::new("EAAGshortTOKEN0001"))
        .await
        .unwrap();
    assert_eq!((t.expires_in, t.expires_at), (None, None));
}

// ---- Instagram Login on the wire -----------------------------------------------------------------

#[tokio::test]
async fn instagram_exchange_code_posts_the_form_and_reads_both_shapes() {
    let answers = [
        serde_json::json!({"data":[{"access_token":"IGAAshortTOKEN0001","user_id":"17841400000000001","permissions":"instagram_business_basic,instagram_business_content_publish"}]}),
        serde_json::json!({"access_token":"IGAAshortTOKEN0001","user_id":17841400000000001u64,"permissions":["instagram_business_basic","instagram_business_content_publish"]}),
    ];
    for answer in answers {
        let (server, client) = setup().await;
        Mock::given(method("POST"))
            .and(path("/oauth/access_token"))
            .and(exact_form(&[
                ("client_id", APP_ID),
                ("client_secret", APP_SECRET),
                ("grant_type", "authorization_code"),
                ("redirect_uri", ALT_REDIRECT),
                ("code", "AQBxcode"),
            ]))
            .respond_with(json(200, answer))
            .expect(1)
            .mount(&server)
            .await;
        let t = client
            .instagram_login()
            .exchange_code("AQBxcode#_", ALT_REDIRECT)
            .await
            .unwrap();
        assert_eq!(t.access_token.expose(), "IGAAshortTOKEN0001");
        assert_eq!(t.user_id.as_deref(), Some("17841400000000001"));
        assert_eq!(
            t.permissions,
            vec![
                "instagram_business_basic",
                "instagram_business_content_publish"
            ]
        );
        assert!(t.expires_at.is_none());
    }
}

#[tokio::test]
async fn instagram_exchange_code_errors_are_typed_and_never_retried() {
    let cases: [(u16, serde_json::Value, ErrorCheck); 4] = [
        (
            400,
            serde_json::json!({"error_type":"OAuthException","code":400,"error_message":"Matching code was not found or was already used"}),
            |e| matches!(e, Error::Auth(AuthError::CodeReused)),
        ),
        (
            400,
            serde_json::json!({"error_type":"OAuthException","code":400,"error_message":"Invalid authorization code"}),
            |e| matches!(e, Error::Auth(AuthError::CodeInvalid(_))),
        ),
        (
            400,
            serde_json::json!({"error_type":"OAuthException","code":400,"error_message":"Error validating verification code. Please make sure your redirect_uri is identical"}),
            |e| matches!(e, Error::Auth(AuthError::CodeInvalid(_))),
        ),
        // A transient 500 is not retried.
        (500, serde_json::json!({}), |e| {
            matches!(e, Error::Graph { status: 500, .. })
        }),
    ];
    for (status, body, check) in cases {
        let (server, client) = setup().await;
        Mock::given(method("POST"))
            .and(path("/oauth/access_token"))
            .respond_with(json(status, body.clone()))
            .expect(1)
            .mount(&server)
            .await;
        let e = client
            .instagram_login()
            .exchange_code("AQBxcode", REDIRECT)
            .await
            .unwrap_err();
        assert!(check(&e), "{body}: {e:?}");
    }
}

#[tokio::test]
async fn instagram_exchange_long_lived_sends_the_token_and_proof_unversioned() {
    let (server, client) = setup().await;
    let short = "IGAAshortTOKEN0001";
    let query = [
        ("grant_type", "ig_exchange_token"),
        ("client_secret", APP_SECRET),
        ("access_token", short),
    ];
    let p = proof(short);
    let mut with_proof = query.to_vec();
    with_proof.push(("appsecret_proof", &p));
    Mock::given(method("GET"))
        .and(path("/access_token"))
        .and(exact_query(&with_proof))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/access_token"))
        .and(exact_query(&with_proof))
        .respond_with(json(
            200,
            serde_json::json!({"access_token":"IGAAlongTOKEN00002","token_type":"bearer","expires_in":5183944}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let before = Utc::now();
    let t = client
        .instagram_login()
        .exchange_long_lived(&AccessToken::new(short))
        .await
        .unwrap();
    assert_eq!(t.access_token.expose(), "IGAAlongTOKEN00002");
    assert_eq!(t.token_type.as_deref(), Some("bearer"));
    assert_expires_in(t.expires_at, before, 5183944);
}

#[tokio::test]
async fn instagram_refresh_request_and_answer() {
    let (server, client) = setup().await;
    let long = "IGAAlongTOKEN00002";
    let p = proof(long);
    Mock::given(method("GET"))
        .and(path("/refresh_access_token"))
        .and(exact_query(&[
            ("grant_type", "ig_refresh_token"),
            ("access_token", long),
            ("appsecret_proof", &p),
        ]))
        .respond_with(json(
            200,
            serde_json::json!({"access_token":"IGAArefreshed00003","token_type":"bearer","expires_in":5184000,"permissions":"instagram_business_basic"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let t = client
        .instagram_login()
        .refresh(&AccessToken::new(long))
        .await
        .unwrap();
    assert_eq!(t.access_token.expose(), "IGAArefreshed00003");
    assert_eq!(t.expires_in, Some(5184000));
    assert_eq!(t.permissions, vec!["instagram_business_basic"]);

    // 190 on refresh: a Graph error classed ReauthRequired, not retried.
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/refresh_access_token"))
        .respond_with(json(
            400,
            graph_error(190, Some(463), "Session has expired"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let e = client
        .instagram_login()
        .refresh(&AccessToken::new(long))
        .await
        .unwrap_err();
    assert_eq!(e.class(), ErrorClass::ReauthRequired);
    assert!(!format!("{e:?} {e}").contains(long));
}

// ---- debug_token and revoke ----------------------------------------------------------------------

#[tokio::test]
async fn debug_token_request_and_full_answer() {
    let (server, client) = setup().await;
    let app_token = format!("{APP_ID}|{APP_SECRET}");
    let p = proof(&app_token);
    Mock::given(method("GET"))
        .and(path(format!("/{V}/debug_token")))
        .and(exact_query(&[
            ("input_token", "EAAGuserTOKEN00001"),
            ("access_token", &app_token),
            ("appsecret_proof", &p),
        ]))
        .respond_with(json(
            200,
            serde_json::json!({"data":{
                "app_id":"123","type":"USER","application":"Agency Tool",
                "data_access_expires_at":1767225600,"expires_at":0,"is_valid":true,
                "issued_at":1759449600,
                "scopes":["instagram_basic","pages_show_list"],
                "granular_scopes":[{"scope":"pages_show_list","target_ids":["1111","2222"]},{"scope":"instagram_basic"}],
                "user_id":"10001"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let info = client
        .facebook_login()
        .debug_token(&AccessToken::new("EAAGuserTOKEN00001"))
        .await
        .unwrap();
    assert_eq!(info.app_id.as_deref(), Some("123"));
    assert_eq!(info.kind.as_deref(), Some("USER"));
    assert_eq!(info.application.as_deref(), Some("Agency Tool"));
    assert_eq!(info.expires_at, None, "0 means never");
    assert_eq!(
        info.data_access_expires_at,
        DateTime::from_timestamp(1767225600, 0)
    );
    assert_eq!(info.issued_at, DateTime::from_timestamp(1759449600, 0));
    assert!(info.is_valid && info.has_scope("pages_show_list"));
    assert_eq!(info.granular_scopes.len(), 2);
    assert_eq!(info.granular_scopes[0].target_ids, vec!["1111", "2222"]);
    assert!(info.granular_scopes[1].target_ids.is_empty());
    assert_eq!(info.user_id.as_deref(), Some("10001"));
    assert!(info.error.is_none());
    assert!(info.is_usable_at(Utc::now()));
}

#[tokio::test]
async fn debug_token_invalid_token_and_bad_app_token() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/{V}/debug_token")))
        .respond_with(json(
            200,
            serde_json::json!({"data":{"app_id":"123","type":"USER","is_valid":false,"expires_at":1700000000,
                "scopes":[],"error":{"code":190,"message":"Error validating access token: Session has expired","subcode":463}}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let info = client
        .instagram_login()
        .debug_token(&AccessToken::new("IGAAoldTOKEN000001"))
        .await
        .unwrap();
    assert!(!info.is_valid && !info.is_usable_at(Utc::now()));
    let err = info.error.unwrap();
    assert_eq!((err.code, err.subcode), (190, Some(463)));
    assert_eq!(info.expires_at, DateTime::from_timestamp(1700000000, 0));

    // The app token itself refused: a 190 Graph error, not retried.
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/{V}/debug_token")))
        .respond_with(json(
            400,
            graph_error(190, None, "Invalid OAuth access token signature."),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let e = client
        .facebook_login()
        .debug_token(&AccessToken::new("EAAGuserTOKEN00001"))
        .await
        .unwrap_err();
    assert_eq!(e.graph().map(|g| g.code), Some(190));
    assert_eq!(e.class(), ErrorClass::ReauthRequired);
    let shown = format!("{e} {e:?}");
    assert!(
        !shown.contains("EAAGuserTOKEN00001") && !shown.contains("123|secret"),
        "{shown}"
    );
}

#[tokio::test]
async fn revoke_deletes_me_permissions_on_each_host() {
    for is_fb in [true, false] {
        let (server, client) = setup().await;
        let token = "EAAGuserTOKEN00001";
        let p = proof(token);
        Mock::given(method("DELETE"))
            .and(path(format!("/{V}/me/permissions")))
            .and(exact_query(&[
                ("access_token", token),
                ("appsecret_proof", &p),
            ]))
            .respond_with(json(200, serde_json::json!({"success":true})))
            .expect(1)
            .mount(&server)
            .await;
        let t = AccessToken::new(token);
        if is_fb {
            client.facebook_login().revoke(&t).await.unwrap();
        } else {
            client.instagram_login().revoke(&t).await.unwrap();
        }
    }
    let (server, client) = setup().await;
    Mock::given(method("DELETE"))
        .respond_with(json(200, serde_json::json!({"success":false})))
        .mount(&server)
        .await;
    assert!(client
        .facebook_login()
        .revoke(&AccessToken::new("EAAGuserTOKEN00001"))
        .await
        .is_err());
}

#[tokio::test]
async fn a_missing_app_secret_is_a_config_error_before_any_request() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .app_id(APP_ID)
        .hosts(hosts(&server.uri()))
        .redirect_uri(REDIRECT)
        .build()
        .unwrap();
    let t = AccessToken::new("EAAGuserTOKEN00001");
    let fb = client.facebook_login();
    let ig = client.instagram_login();
    let errors = vec![
        fb.exchange_code("c", REDIRECT).await.unwrap_err(),
        fb.exchange_long_lived(&t).await.unwrap_err(),
        fb.debug_token(&t).await.unwrap_err(),
        ig.exchange_code("c", REDIRECT).await.unwrap_err(),
        ig.exchange_long_lived(&t).await.unwrap_err(),
        ig.debug_token(&t).await.unwrap_err(),
    ];
    for e in errors {
        assert!(
            matches!(
                e,
                Error::Config {
                    field: "app_secret",
                    ..
                }
            ),
            "{e:?}"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
    // The authorize URL needs no secret.
    assert!(fb.authorize_url(AuthorizeRequest::new("s")).is_ok());
}

// ---- OAuth state (no network) --------------------------------------------------------------------

/// A memory store that counts calls, to prove malformed states never reach it.
#[derive(Default)]
struct CountingStore {
    inner: MemoryStore,
    takes: AtomicUsize,
}

#[async_trait]
impl OAuthStateStore for CountingStore {
    async fn put_state(&self, record: OAuthStateRecord) -> StoreResult<()> {
        self.inner.put_state(record).await
    }
    async fn take_state(&self, state: &str) -> StoreResult<Option<OAuthStateRecord>> {
        self.takes.fetch_add(1, Ordering::SeqCst);
        self.inner.take_state(state).await
    }
    async fn purge_expired_states(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        self.inner.purge_expired_states(now).await
    }
}

#[tokio::test]
async fn state_is_issued_bound_and_single_use() {
    let client = client_for("http://127.0.0.1:9");
    let store = Store::memory(SealingKey::generate());
    let states = client.oauth_states();
    assert_eq!(states.ttl(), Duration::from_secs(30 * 60));
    let company = CompanyId::new("acme");
    let agency_client = AgencyClientId::new("client-7");
    let scopes = vec!["instagram_basic".to_string()];
    let before = Utc::now();
    let record = states
        .issue_state(
            store.backend().as_ref(),
            &company,
            LoginKind::Facebook,
            REDIRECT,
            &scopes,
            Some(&agency_client),
        )
        .await
        .unwrap();
    assert_eq!(record.state.len(), STATE_LEN);
    assert!(record
        .state
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(
        record.expires_at - record.created_at,
        TimeDelta::minutes(30)
    );
    assert!(record.created_at >= before - TimeDelta::milliseconds(1));

    let got = states
        .consume_state(store.backend().as_ref(), &record.state, Utc::now())
        .await
        .unwrap();
    assert_eq!(got, record);
    assert_eq!(got.client_id, Some(agency_client));
    OAuthStates::check(
        &got,
        &StateCheck {
            company: Some(&company),
            login: Some(LoginKind::Facebook),
            redirect_uri: Some(REDIRECT),
        },
    )
    .unwrap();
    // Single use: a replay finds nothing.
    let e = states
        .consume_state(store.backend().as_ref(), &record.state, Utc::now())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Auth(AuthError::StateUnknown)), "{e:?}");
    // Never issued.
    let e = states
        .consume_state(
            store.backend().as_ref(),
            &OAuthStates::generate(),
            Utc::now(),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Auth(AuthError::StateUnknown)), "{e:?}");
}

#[tokio::test]
async fn expired_state_is_refused_and_consumed() {
    let store = MemoryStore::new();
    let states = OAuthStates::new(Duration::from_secs(60));
    let company = CompanyId::new("acme");
    let issued_at = Utc::now() - TimeDelta::minutes(5);
    let record = states
        .issue_state_with(
            &store,
            OAuthStates::generate(),
            &company,
            LoginKind::Instagram,
            REDIRECT,
            &[],
            None,
            issued_at,
        )
        .await
        .unwrap();
    let now = Utc::now();
    let e = states
        .consume_state(&store, &record.state, now)
        .await
        .unwrap_err();
    match e {
        Error::Auth(AuthError::StateExpired { expired_secs_ago }) => {
            assert!(
                (239..=241).contains(&expired_secs_ago),
                "{expired_secs_ago}"
            )
        }
        other => panic!("{other:?}"),
    }
    let e = states
        .consume_state(&store, &record.state, now)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Auth(AuthError::StateUnknown)), "{e:?}");

    // The configured lifetime applies: a 1 ms state is stale a few ms later.
    let client = Client::builder()
        .app(APP_ID, APP_SECRET)
        .state_ttl(Duration::from_millis(1))
        .build()
        .unwrap();
    let r = client
        .oauth_states()
        .issue_state(&store, &company, LoginKind::Facebook, REDIRECT, &[], None)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    let e = client
        .oauth_states()
        .consume_state(&store, &r.state, Utc::now())
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Auth(AuthError::StateExpired { .. })),
        "{e:?}"
    );
}

#[tokio::test]
async fn malformed_state_never_reaches_the_store() {
    let store = CountingStore::default();
    let states = OAuthStates::new(Duration::from_secs(60));
    let too_long = "a".repeat(STATE_LEN + 1);
    let bad_chars = format!("{}+/", "a".repeat(STATE_LEN - 2));
    for bad in ["", "short", too_long.as_str(), bad_chars.as_str()] {
        let e = states
            .consume_state(&store, bad, Utc::now())
            .await
            .unwrap_err();
        assert!(
            matches!(e, Error::Auth(AuthError::StateMalformed(_))),
            "{bad:?}: {e:?}"
        );
    }
    assert_eq!(store.takes.load(Ordering::SeqCst), 0);
    let ok = states
        .consume_state(&store, &OAuthStates::generate(), Utc::now())
        .await;
    assert!(matches!(ok, Err(Error::Auth(AuthError::StateUnknown))));
    assert_eq!(store.takes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn state_mismatch_names_what_differs() {
    let store = MemoryStore::new();
    let states = OAuthStates::new(Duration::from_secs(60));
    let record = states
        .issue_state(
            &store,
            &CompanyId::new("acme"),
            LoginKind::Facebook,
            REDIRECT,
            &[],
            None,
        )
        .await
        .unwrap();
    let other = CompanyId::new("globex");
    let check = |c: StateCheck<'_>| OAuthStates::check(&record, &c).unwrap_err();
    assert_eq!(
        check(StateCheck {
            company: Some(&other),
            ..Default::default()
        }),
        AuthError::StateMismatch("company")
    );
    assert_eq!(
        check(StateCheck {
            login: Some(LoginKind::Instagram),
            ..Default::default()
        }),
        AuthError::StateMismatch("login flow")
    );
    assert_eq!(
        check(StateCheck {
            redirect_uri: Some(ALT_REDIRECT),
            ..Default::default()
        }),
        AuthError::StateMismatch("redirect URI")
    );
    OAuthStates::check(&record, &StateCheck::default()).unwrap();
}

// ---- callbacks -----------------------------------------------------------------------------------

#[test]
fn callbacks_denied_missing_code_and_instagram_suffix() {
    let e = parse_callback(
        "?error=access_denied&error_reason=user_denied&error_description=Permissions+error&state=abc",
    )
    .unwrap_err();
    match e {
        Error::Auth(AuthError::ConsentDenied {
            reason,
            description,
        }) => {
            assert_eq!(reason, "user_denied");
            assert_eq!(description, "Permissions error");
        }
        other => panic!("{other:?}"),
    }
    let e = parse_callback("state=abc").unwrap_err();
    assert!(matches!(e, Error::Auth(AuthError::MissingCode)), "{e:?}");
    let e = parse_callback("code=abc").unwrap_err();
    assert!(
        matches!(e, Error::Auth(AuthError::StateMalformed(_))),
        "{e:?}"
    );
    let p = parse_callback("code=AQBx-9_z#_&state=xyz").unwrap();
    assert_eq!((p.code.as_str(), p.state.as_str()), ("AQBx-9_z", "xyz"));
    let p = CallbackParams::from_pairs([("code", "AQBx%#_"), ("state", "xyz")]).unwrap();
    assert_eq!(p.code, "AQBx%");
    let p = parse_callback("https://app.example/oauth/callback?code=C&state=S#_").unwrap();
    assert_eq!((p.code.as_str(), p.state.as_str()), ("C", "S"));
}

// ---- begin / finish end to end -------------------------------------------------------------------

#[tokio::test]
async fn begin_and_finish_run_the_facebook_flow_once() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/{V}/oauth/access_token")))
        .and(exact_query(&[
            ("client_id", APP_ID),
            ("redirect_uri", ALT_REDIRECT),
            ("client_secret", APP_SECRET),
            ("code", "AQDcode"),
        ]))
        .respond_with(json(
            200,
            serde_json::json!({"access_token":"EAAGshortTOKEN0001","token_type":"bearer","expires_in":3600}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let store = Store::memory(SealingKey::generate());
    let backend = store.backend().as_ref();
    let company = CompanyId::new("acme");
    let start = client
        .facebook_login()
        .begin(
            backend,
            &company,
            None,
            AuthorizeRequest::default()
                .redirect_uri(ALT_REDIRECT)
                .scopes(["instagram_basic"]),
        )
        .await
        .unwrap();
    let (_, params) = url_params(&start.authorize.url);
    assert_eq!(params["state"], vec![start.state.state.clone()]);
    assert_eq!(start.state.redirect_uri, ALT_REDIRECT);
    assert_eq!(start.state.scopes, vec!["instagram_basic"]);
    assert_eq!(start.state.login, LoginKind::Facebook);

    let callback = parse_callback(&format!("code=AQDcode&state={}", start.state.state)).unwrap();
    let done = client
        .facebook_login()
        .finish(backend, &callback, Some(&company))
        .await
        .unwrap();
    assert_eq!(done.token.access_token.expose(), "EAAGshortTOKEN0001");
    assert_eq!(done.state.company, company);
    let e = client
        .facebook_login()
        .finish(backend, &callback, Some(&company))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Auth(AuthError::StateUnknown)), "{e:?}");

    // A state issued by Facebook Login is refused by Instagram Login, without any exchange.
    let start = client
        .facebook_login()
        .begin(backend, &company, None, AuthorizeRequest::default())
        .await
        .unwrap();
    let callback = parse_callback(&format!("code=AQDcode&state={}", start.state.state)).unwrap();
    let e = client
        .instagram_login()
        .finish(backend, &callback, None)
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Auth(AuthError::StateMismatch("login flow"))),
        "{e:?}"
    );

    // An invalid request stores nothing and a caller-provided state is refused.
    let e = client
        .instagram_login()
        .begin(
            backend,
            &company,
            None,
            AuthorizeRequest::default().redirect_uri("https://evil.example/"),
        )
        .await
        .unwrap_err();
    assert!(matches!(
        e,
        Error::InvalidInput {
            field: "redirect_uri",
            ..
        }
    ));
    let e = client
        .instagram_login()
        .begin(backend, &company, None, AuthorizeRequest::new("mine"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput { field: "state", .. }));
    assert_eq!(
        backend
            .purge_expired_states(Utc::now() + TimeDelta::hours(1))
            .await
            .unwrap(),
        0
    );
}

// ---- nothing secret in Debug ---------------------------------------------------------------------

#[test]
fn debug_of_every_token_type_hides_the_token() {
    let secret = "EAAGverySECRETtokenVALUE1234";
    let short = ShortLivedToken {
        access_token: AccessToken::new(secret),
        token_type: Some("bearer".into()),
        expires_in: Some(3600),
        expires_at: None,
        user_id: Some("1".into()),
        permissions: vec!["a".into()],
    };
    let long = LongLivedToken {
        access_token: AccessToken::new(secret),
        token_type: None,
        expires_in: None,
        expires_at: None,
        user_id: None,
        permissions: vec![],
    };
    let finish = instagraph::auth::LoginFinish {
        state: OAuthStateRecord {
            state: OAuthStates::generate(),
            company: CompanyId::new("acme"),
            login: LoginKind::Facebook,
            redirect_uri: REDIRECT.into(),
            scopes: vec![],
            client_id: None,
            created_at: Utc::now(),
            expires_at: Utc::now(),
        },
        token: short.clone(),
    };
    let callback = CallbackParams {
        code: secret.into(),
        state: "s".into(),
    };
    for shown in [
        format!("{short:?}"),
        format!("{long:?}"),
        format!("{finish:?}"),
        format!("{callback:?}"),
        format!("{:?}", AccessToken::new(secret)),
        AccessToken::new(secret).to_string(),
    ] {
        assert!(!shown.contains("SECRET"), "{shown}");
    }
    assert!(format!("{short:?}").contains("****1234"));
    let client = Client::builder()
        .app(APP_ID, "APPSECRETVALUE")
        .build()
        .unwrap();
    assert!(!format!(
        "{client:?} {:?} {:?}",
        client.facebook_login(),
        client.instagram_login()
    )
    .contains("APPSECRETVALUE"));
}

#[tokio::test]
async fn errors_never_carry_the_secret_or_the_tokens() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .app(APP_ID, "APPSECRETVALUE")
        .hosts(hosts(&server.uri()))
        .retry(fast_retry())
        .redirect_uri(REDIRECT)
        .build()
        .unwrap();
    // Garbage where the token answer should be: a Decode error that quotes nothing.
    Mock::given(method("GET"))
        .respond_with(json(
            200,
            serde_json::json!({"access_token": 12, "expires_in": "EAAGleakTOKEN"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(json(400, serde_json::json!({"error_type":"OAuthException","code":400,"error_message":"Invalid authorization code"})))
        .mount(&server)
        .await;
    let t = AccessToken::new("EAAGshortLEAKtoken01");
    let errors = vec![
        client
            .facebook_login()
            .exchange_code("AQDleakCODE", REDIRECT)
            .await
            .unwrap_err(),
        client
            .facebook_login()
            .exchange_long_lived(&t)
            .await
            .unwrap_err(),
        client
            .instagram_login()
            .exchange_long_lived(&t)
            .await
            .unwrap_err(),
        client.instagram_login().refresh(&t).await.unwrap_err(),
        client
            .instagram_login()
            .exchange_code("AQDleakCODE", REDIRECT)
            .await
            .unwrap_err(),
    ];
    for e in errors {
        let shown = format!("{e} | {e:?}");
        for leak in ["APPSECRETVALUE", "LEAK", "leak", "EAAGleakTOKEN"] {
            assert!(!shown.contains(leak), "{leak} in {shown}");
        }
    }
}
