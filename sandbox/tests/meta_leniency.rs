//! The sandbox is never stricter than Meta: each test is written from what Meta documents
//! (parameters anywhere, OAuth 2 client authentication, images ready at creation, Require App
//! Secret being opt-in, and the smaller tolerances of the Graph API).

mod support;

#[path = "meta_leniency/processing.rs"]
mod processing;
#[path = "meta_leniency/tokens.rs"]
mod tokens;

use base64::Engine;
use instagraph_sandbox::SandboxConfig;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::json;
use support::*;

const JPEG: &str = "https://img.example.com/x.jpg";
const MP4: &str = "https://cdn.example.com/x.mp4";

/// `Authorization: Basic` as RFC 6749 §2.3.1 builds it: each part form-urlencoded, then base64.
fn basic(id: &str, secret: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let pair = format!("{}:{}", enc(id), enc(secret));
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// A `multipart/form-data` body of text fields, as `curl -F` sends it: (content type, body).
fn multipart(fields: &[(&str, &str)]) -> (String, String) {
    let boundary = "------------------------sbx7MA4YWxkTrZu0gW";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn id_of(r: &Resp) -> String {
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["id"].as_str().expect("id").to_owned()
}

// ---- 1. parameters anywhere -------------------------------------------------------------------

/// Meta reads parameters from the query string, a form body or a JSON body, on GET and POST
/// alike, and the token from `Authorization: Bearer|OAuth` too; a body value wins over the
/// query's.
#[tokio::test]
async fn graph_parameters_come_from_query_form_or_json_on_any_method() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let name_of = |r: Resp| {
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body["name"].as_str().expect("name").to_owned()
    };
    let json_get = ctx.http.get(ctx.fb("me")).json(&json!({
        "access_token": t, "fields": "id,name",
    }));
    assert_eq!(name_of(ctx.send(json_get).await), "Alice Anderson");
    let form_get = ctx
        .http
        .get(ctx.fb("me"))
        .form(&[("access_token", t.as_str()), ("fields", "id,name")]);
    assert_eq!(name_of(ctx.send(form_get).await), "Alice Anderson");
    let oauth_header = ctx
        .http
        .get(ctx.fb("me"))
        .header(AUTHORIZATION, format!("OAuth {t}"))
        .query(&[("fields", "id,name")]);
    assert_eq!(name_of(ctx.send(oauth_header).await), "Alice Anderson");
    // Query and body both: the body wins.
    let both = ctx
        .http
        .get(ctx.fb("me"))
        .query(&[("fields", "id")])
        .header(AUTHORIZATION, format!("Bearer {t}"))
        .json(&json!({ "fields": "id,name" }));
    assert_eq!(name_of(ctx.send(both).await), "Alice Anderson");

    // A POST with everything in the query (Meta's own publishing examples) or in a JSON body.
    let media = ctx.fb(&format!("{IG_BAKERY}/media"));
    let bearer = format!("Bearer {t}");
    let query_post = ctx
        .http
        .post(&media)
        .header(AUTHORIZATION, &bearer)
        .query(&[("image_url", JPEG), ("caption", "from the query")]);
    id_of(&ctx.send(query_post).await);
    let json_post = ctx
        .http
        .post(&media)
        .header(AUTHORIZATION, &bearer)
        .json(&json!({ "image_url": JPEG, "is_carousel_item": true, "alt_text": null }));
    id_of(&ctx.send(json_post).await);

    // graph.instagram.com reads the same way.
    let ig = ctx.ig_user();
    let r = ctx
        .send(
            ctx.http
                .get(ctx.ig("me"))
                .header(AUTHORIZATION, format!("Bearer {ig}"))
                .json(&json!({ "fields": "user_id,username" })),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["username"], "alice.travels");
}

/// `curl -F` sends `multipart/form-data`, as Meta's own examples do (the batch example of
/// "Securing Graph API Requests"); a body without a known content type is read too.
#[tokio::test]
async fn multipart_and_untyped_bodies_are_read() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let proof = ctx.sb.appsecret_proof(&t);
    let batch = r#"[{"method":"GET","relative_url":"me"},{"method":"GET","relative_url":"me/accounts?limit=2"}]"#;
    let (content_type, body) = multipart(&[
        ("access_token", &t),
        ("appsecret_proof", &proof),
        ("batch", batch),
    ]);
    let r = ctx
        .send(
            ctx.http
                .post(format!("{}/graph.facebook.com", ctx.sb.base_url()))
                .header(CONTENT_TYPE, content_type)
                .body(body),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let ops = r.body.as_array().expect("an array of results");
    assert_eq!(ops.len(), 2);
    assert!(ops.iter().all(|op| op["code"] == 200), "{ops:?}");

    let (content_type, body) = multipart(&[("access_token", &t), ("image_url", JPEG)]);
    let media = ctx.fb(&format!("{IG_BAKERY}/media"));
    let r = ctx
        .send(
            ctx.http
                .post(&media)
                .header(CONTENT_TYPE, content_type)
                .body(body),
        )
        .await;
    id_of(&r);
    let untyped = json!({ "access_token": t, "image_url": JPEG }).to_string();
    let r = ctx
        .send(
            ctx.http
                .post(&media)
                .header(CONTENT_TYPE, "text/plain")
                .body(untyped),
        )
        .await;
    id_of(&r);
}

/// `paging.next` repeats the request's parameters wherever they came from (Meta's links
/// carry the fields and the token).
#[tokio::test]
async fn paging_links_repeat_body_parameters() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let r = ctx
        .send(
            ctx.http
                .get(ctx.fb(&format!("{IG_BAKERY}/media")))
                .header(AUTHORIZATION, format!("Bearer {t}"))
                .json(&json!({ "fields": "id,caption", "limit": 2 })),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["data"].as_array().map(Vec::len), Some(2));
    let next = r.body["paging"]["next"].as_str().expect("next").to_owned();
    let pairs = location_params(&next);
    assert_eq!(param(&pairs, "fields"), Some("id,caption"));
    assert_eq!(param(&pairs, "access_token"), Some(t.as_str()));
    let page2 = ctx.send(ctx.http.get(&next)).await;
    assert_eq!(page2.status, 200, "{:?}", page2.body);
    assert!(page2.body["data"][0]["caption"].is_string());
}

// ---- 4. Require App Secret is opt-in ---------------------------------------------------------

/// Meta's "Require App Secret" is an app setting that is off until switched on: without it a
/// call without `appsecret_proof` works; a wrong proof fails either way. Meta's time-bound
/// variant (`appsecret_time`, HMAC of `token|time`) is accepted.
#[tokio::test]
async fn appsecret_proof_is_required_only_when_configured() {
    let wrong_proof = |r: &Resp| {
        assert_graph_error(r, 400, 100, None);
        assert_eq!(
            r.body["error"]["message"],
            "Invalid appsecret_proof provided in the API argument"
        );
    };
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let me = ctx.fb("me");
    assert_eq!(ctx.get_raw(&me, &[("access_token", &t)]).await.status, 200);
    let bad = [("access_token", t.as_str()), ("appsecret_proof", "00ff")];
    wrong_proof(&ctx.get_raw(&me, &bad).await);
    let time = "1700000000";
    let timed = ctx.sb.appsecret_proof(&format!("{t}|{time}"));
    let r = ctx
        .get_raw(
            &me,
            &[
                ("access_token", &t),
                ("appsecret_proof", &timed),
                ("appsecret_time", time),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    let ctx = Ctx::with_config(SandboxConfig {
        require_appsecret_proof: true,
        ..SandboxConfig::default()
    })
    .await;
    let t = ctx.alice();
    let me = ctx.fb("me");
    let r = ctx.get_raw(&me, &[("access_token", &t)]).await;
    assert_graph_error(&r, 400, 100, None);
    assert_eq!(
        r.body["error"]["message"],
        "API calls from the server require an appsecret_proof argument"
    );
    assert_eq!(ctx.get(&me, &t, &[]).await.status, 200);
    let bad = [("access_token", t.as_str()), ("appsecret_proof", "00ff")];
    wrong_proof(&ctx.get_raw(&me, &bad).await);
}

// ---- 5. the smaller tolerances ---------------------------------------------------------------

/// Booleans in any case or as 1/0, batches on any endpoint (Meta's example posts to
/// `/me?batch=`), dates for `since`/`until` ("a Unix timestamp or strtotime data value"), and
/// a `limit` the edge cannot use answered with a page rather than an error.
#[tokio::test]
async fn booleans_batches_dates_and_limits_read_like_meta() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let image = ctx
        .container(IG_BAKERY, &t, &[("image_url", JPEG), ("caption", "hi")])
        .await;
    let media = ctx.published(IG_BAKERY, &t, &image).await;
    for (value, enabled) in [("False", false), ("TRUE", true), ("0", false)] {
        let r = ctx
            .post(&ctx.fb(&media), &t, &[("comment_enabled", value)])
            .await;
        assert_eq!(r.status, 200, "{value}: {:?}", r.body);
        let read = ctx.media(&media, &t, "is_comment_enabled").await;
        assert_eq!(read.body["is_comment_enabled"], enabled, "{value}");
    }
    let item = [("image_url", JPEG), ("is_carousel_item", "True")];
    ctx.container(IG_BAKERY, &t, &item).await;

    let batch = r#"[{"method":"GET","relative_url":"me?fields=id"}]"#;
    let r = ctx
        .post(
            &ctx.fb("me"),
            &t,
            &[("batch", batch), ("include_headers", "False")],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body[0]["code"], 200, "{:?}", r.body);
    assert!(r.body[0].get("headers").is_none(), "{:?}", r.body);

    let edge = ctx.fb(&format!("{IG_BAKERY}/media"));
    let all = ctx.get(&edge, &t, &[("fields", "id")]).await;
    let dated = ctx
        .get(
            &edge,
            &t,
            &[
                ("fields", "id"),
                ("since", "2000-01-01"),
                ("until", "2999-12-31T00:00:00+00:00"),
            ],
        )
        .await;
    assert_eq!(dated.status, 200, "{:?}", dated.body);
    assert_eq!(dated.body["data"], all.body["data"]);
    let r = ctx.get(&edge, &t, &[("limit", "abc")]).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["data"], all.body["data"]);

    // A trailing slash, or no version segment, reaches the same node.
    let unversioned = format!(
        "{}/graph.facebook.com/{IG_BAKERY}/media/",
        ctx.sb.base_url()
    );
    for url in [format!("{edge}/"), unversioned] {
        let r = ctx.get(&url, &t, &[("fields", "id")]).await;
        assert_eq!(r.body["data"], all.body["data"], "{url}");
    }
}

/// Meta's reference lists the parameters of each container type without saying others are
/// refused: by default they are ignored; `reject_inapplicable_params` refuses them.
#[tokio::test]
async fn inapplicable_container_parameters_are_ignored_unless_configured() {
    let cases: [&[(&str, &str)]; 4] = [
        &[
            ("image_url", JPEG),
            ("is_carousel_item", "true"),
            ("caption", "hi"),
        ],
        &[
            ("media_type", "REELS"),
            ("video_url", MP4),
            ("alt_text", "a reel"),
        ],
        &[("image_url", JPEG), ("share_to_feed", "maybe")],
        &[
            ("media_type", "STORIES"),
            ("image_url", JPEG),
            ("collaborators", "bob.builds"),
        ],
    ];
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    for params in cases {
        id_of(&ctx.create(IG_BAKERY, &t, params).await);
    }
    let strict = Ctx::with_config(SandboxConfig {
        reject_inapplicable_params: true,
        ..SandboxConfig::default()
    })
    .await;
    let t = strict.alice();
    for params in cases {
        let r = strict.create(IG_BAKERY, &t, params).await;
        assert_graph_error(&r, 400, 100, None);
    }
}
