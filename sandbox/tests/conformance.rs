//! The sandbox's JSON has the shapes of the recorded real responses in the workspace's
//! tests/fixtures/graph:
//! same keys (for the fields requested) and the same JSON types.

mod support;

use std::path::PathBuf;

use serde_json::Value;
use support::*;

/// (recorded file, Graph path, query, keys the sandbox may add or omit).
type Case<'a> = (&'a str, String, Vec<(&'a str, &'a str)>, &'a [&'a str]);

fn recorded(rel: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        // The workspace's recorded responses (shared with the SDK's conformance walk).
        .join("../tests/fixtures/graph")
        .join(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("recorded response {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Compares shapes: every key of one side exists on the other with the same JSON type,
/// recursively (arrays by their first element). `extra_ok` lists keys the sandbox may add or
/// omit (paging links that depend on the data).
fn same_shape(
    path: &str,
    sandbox: &Value,
    real: &Value,
    extra_ok: &[&str],
    errors: &mut Vec<String>,
) {
    if kind(sandbox) != kind(real) {
        errors.push(format!(
            "{path}: sandbox {} vs recorded {}",
            kind(sandbox),
            kind(real)
        ));
        return;
    }
    match (sandbox, real) {
        (Value::Object(s), Value::Object(r)) => {
            for (k, rv) in r {
                match s.get(k) {
                    Some(sv) => same_shape(&format!("{path}.{k}"), sv, rv, extra_ok, errors),
                    None if extra_ok.contains(&k.as_str()) => {}
                    None => errors.push(format!("{path}.{k}: missing in sandbox")),
                }
            }
            for k in s.keys() {
                if !r.contains_key(k) && !extra_ok.contains(&k.as_str()) {
                    errors.push(format!("{path}.{k}: not in the recording"));
                }
            }
        }
        (Value::Array(s), Value::Array(r)) => {
            if let (Some(sv), Some(rv)) = (s.first(), r.first()) {
                same_shape(&format!("{path}[0]"), sv, rv, extra_ok, errors);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn responses_match_recorded_shapes() {
    let ctx = Ctx::with_config(sandbox_config()).await;
    let t = ctx.alice();
    let album = ctx
        .get(
            &ctx.fb(&format!("{IG_BAKERY}/media")),
            &t,
            &[("fields", "id,media_type")],
        )
        .await
        .body["data"]
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
    let container = ctx
        .post(
            &ctx.fb(&format!("{IG_BAKERY}/media")),
            &t,
            &[("image_url", "https://i.example.com/a.jpg")],
        )
        .await
        .body["id"]
        .as_str()
        .expect("container")
        .to_owned();
    ctx.advance(5).await;

    let cases: Vec<Case> = vec![
        (
            "instagram/apidata/users/medias_p1.json",
            format!("{IG_BAKERY}/media"),
            vec![("fields", "id,comments_count,like_count,media_type,media_url,permalink,timestamp"), ("limit", "2")],
            &["previous"],
        ),
        ("instagram/apidata/publish/container_info.json", container.clone(), vec![("fields", "id,status,status_code")], &[]),
        ("instagram/models/ig_container.json", container.clone(), vec![("fields", "status_code")], &[]),
        (
            "instagram/apidata/users/content_publish_limit.json",
            format!("{IG_BAKERY}/content_publishing_limit"),
            vec![("fields", "config,quota_usage")],
            &[],
        ),
        (
            "instagram/models/ig_user.json",
            IG_BAKERY.to_owned(),
            vec![("fields", "id,ig_id,biography,name,username,followers_count,follows_count,media_count,profile_picture_url")],
            &[],
        ),
        (
            "instagram/apidata/users/user_fields.json",
            IG_BAKERY.to_owned(),
            vec![("fields", "id,biography,name,username,profile_picture_url,followers_count,media_count")],
            &[],
        ),
        (
            "instagram/apidata/medias/children.json",
            format!("{album}/children"),
            vec![("fields", "id,media_type,media_url,permalink,shortcode,timestamp")],
            &["paging"],
        ),
        (
            "instagram/models/ig_media.json",
            album.clone(),
            vec![("fields", "id,media_type,timestamp,caption,comments_count,is_comment_enabled,ig_id,like_count,media_url,owner,permalink,shortcode,username,children{id,ig_id,media_type,media_url,owner,permalink,shortcode,timestamp,username,thumbnail_url}")],
            // The recording's first child is an IMAGE; a VIDEO child adds thumbnail_url.
            &["thumbnail_url"],
        ),
        ("facebook/users/user_accounts_p1.json", "me/accounts".to_owned(), vec![], &["next", "summary"]),
        (
            "facebook/users/user_businesses.json",
            "me/businesses".to_owned(),
            vec![("fields", "id,name,link,created_time,updated_time,verification_status,profile_picture_uri")],
            &[],
        ),
        (
            "facebook/business/business_info.json",
            BUSINESS.to_owned(),
            vec![("fields", "id,name,link,created_time,updated_time,verification_status,profile_picture_uri")],
            &[],
        ),
    ];
    let mut errors = Vec::new();
    for (file, path, params, extra) in cases {
        let real = recorded(file);
        let got = ctx.get(&ctx.fb(&path), &t, &params).await;
        assert_eq!(got.status, 200, "{file}: {:?}", got.body);
        same_shape(file, &got.body, &real, extra, &mut errors);
    }
    assert!(
        errors.is_empty(),
        "shape differences:\n{}",
        errors.join("\n")
    );
}

fn sandbox_config() -> instagraph_sandbox::SandboxConfig {
    instagraph_sandbox::SandboxConfig {
        image_processing_ms: 0,
        ..Default::default()
    }
}
