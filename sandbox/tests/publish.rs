//! Image publishing: container processing, media_publish (exactly once), caption rules, the
//! publishing quota and container expiry.

mod support;

use std::time::Duration;

use instagraph_sandbox::{Login, SandboxConfig};
use support::*;

async fn container_status(ctx: &Ctx, url: &str, token: &str) -> String {
    let r = ctx
        .get(url, token, &[("fields", "id,status,status_code")])
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["status_code"]
        .as_str()
        .expect("status_code")
        .to_owned()
}

#[tokio::test]
async fn image_container_lifecycle_and_publish_once() {
    // A long processing time that only the sandbox clock finishes: no wall-clock dependence.
    let ctx = Ctx::with_config(SandboxConfig {
        image_processing_ms: 3_600_000,
        ..SandboxConfig::default()
    })
    .await;
    let t = ctx.alice();
    let before = ctx.sb.media_count(IG_BAKERY);
    let r = ctx
        .post(
            &ctx.fb(&format!("{IG_BAKERY}/media")),
            &t,
            &[
                ("image_url", "https://img.example.com/photo.jpg"),
                ("caption", "Fresh bread #sourdough @bob.builds"),
                ("alt_text", "A loaf"),
                (
                    "user_tags",
                    r#"[{"username":"bob.builds","x":0.5,"y":0.5}]"#,
                ),
                ("collaborators", r#"["bob.builds"]"#),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let container = r.body["id"].as_str().expect("id").to_owned();
    let url = ctx.fb(&container);
    assert_eq!(container_status(&ctx, &url, &t).await, "IN_PROGRESS");

    let publish = |creation: String| {
        let ctx = &ctx;
        let t = t.clone();
        async move {
            ctx.post(
                &ctx.fb(&format!("{IG_BAKERY}/media_publish")),
                &t,
                &[("creation_id", &creation)],
            )
            .await
        }
    };
    let r = publish(container.clone()).await;
    assert_graph_error(&r, 400, 9007, Some(2207027));
    assert_eq!(r.body["error"]["message"], "Media ID is not available");

    ctx.advance(3601).await;
    let full = ctx
        .get(&url, &t, &[("fields", "id,status,status_code")])
        .await;
    assert_eq!(full.body["status_code"], "FINISHED");
    assert!(full.body["status"]
        .as_str()
        .is_some_and(|s| s.starts_with("Finished")));

    let r = publish(container.clone()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let media_id = r.body["id"].as_str().expect("media id").to_owned();
    assert_eq!(ctx.sb.media_count(IG_BAKERY), before + 1);
    assert_eq!(container_status(&ctx, &url, &t).await, "PUBLISHED");

    // Never a second post.
    let r = publish(container.clone()).await;
    assert_graph_error(&r, 400, 9007, None);
    assert!(r.body["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("already been published") && m.contains(&media_id)));
    assert_eq!(ctx.sb.media_count(IG_BAKERY), before + 1);

    // The new post is first in the feed.
    let feed = ctx
        .get(&ctx.fb(&format!("{IG_BAKERY}/media")), &t, &[("fields", "id,caption,media_type,media_product_type,permalink,shortcode,timestamp,alt_text"), ("limit", "1")])
        .await;
    let first = &feed.body["data"][0];
    assert_eq!(first["id"], media_id.as_str());
    assert_eq!(first["media_type"], "IMAGE");
    assert_eq!(first["media_product_type"], "FEED");
    assert_eq!(first["caption"], "Fresh bread #sourdough @bob.builds");
    let shortcode = first["shortcode"].as_str().expect("shortcode");
    assert_eq!(
        first["permalink"],
        format!("https://www.instagram.com/p/{shortcode}/")
    );

    let limit = ctx
        .get(
            &ctx.fb(&format!("{IG_BAKERY}/content_publishing_limit")),
            &t,
            &[("fields", "quota_usage,config")],
        )
        .await;
    assert_eq!(
        limit.body,
        serde_json::json!({ "data": [{ "quota_usage": 1, "config": { "quota_total": 100, "quota_duration": 86400 } }] })
    );
}

#[tokio::test]
async fn container_polling_with_real_time() {
    let ctx = Ctx::with_config(SandboxConfig {
        image_processing_ms: 50,
        ..SandboxConfig::default()
    })
    .await;
    let t = ctx.ig_user();
    let r = ctx
        .post(
            &ctx.ig("me/media"),
            &t,
            &[("image_url", "https://img.example.com/p.jpeg")],
        )
        .await;
    let id = r.body["id"].as_str().expect("id").to_owned();
    let mut status = String::new();
    for _ in 0..100 {
        status = container_status(&ctx, &ctx.ig(&id), &t).await;
        if status != "IN_PROGRESS" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(status, "FINISHED");
    let r = ctx
        .post(&ctx.ig("me/media_publish"), &t, &[("creation_id", &id)])
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(ctx.sb.published_count(IG_TRAVELS), 1);
}

#[tokio::test]
async fn bad_formats_and_caption_rules() {
    let ctx = Ctx::with_config(SandboxConfig {
        image_processing_ms: 0,
        ..SandboxConfig::default()
    })
    .await;
    let t = ctx.alice();
    let media = ctx.fb(&format!("{IG_BAKERY}/media"));
    let r = ctx
        .post(
            &media,
            &t,
            &[("image_url", "https://img.example.com/p.png")],
        )
        .await;
    let id = r.body["id"].as_str().expect("container").to_owned();
    let s = ctx
        .get(&ctx.fb(&id), &t, &[("fields", "status,status_code")])
        .await;
    assert_eq!(s.body["status_code"], "ERROR");
    assert!(s.body["status"]
        .as_str()
        .is_some_and(|x| x.contains("2207005")));
    let r = ctx
        .post(
            &ctx.fb(&format!("{IG_BAKERY}/media_publish")),
            &t,
            &[("creation_id", &id)],
        )
        .await;
    assert_graph_error(&r, 400, 9007, Some(2207027));

    let r = ctx
        .post(&media, &t, &[("image_url", "ftp://img.example.com/p.jpg")])
        .await;
    assert_graph_error(&r, 400, 9004, Some(2207052));
    let r = ctx.post(&media, &t, &[]).await;
    assert_graph_error(&r, 400, 100, None);

    let long = "a".repeat(2201);
    assert_graph_error(
        &ctx.post(
            &media,
            &t,
            &[
                ("image_url", "https://i.example.com/a.jpg"),
                ("caption", &long),
            ],
        )
        .await,
        400,
        36004,
        Some(2207010),
    );
    let tags: String = (0..31).map(|i| format!("#tag{i} ")).collect();
    assert_graph_error(
        &ctx.post(
            &media,
            &t,
            &[
                ("image_url", "https://i.example.com/a.jpg"),
                ("caption", &tags),
            ],
        )
        .await,
        400,
        36004,
        Some(2207010),
    );
    let mentions: String = (0..21).map(|i| format!("@user{i} ")).collect();
    assert_graph_error(
        &ctx.post(
            &media,
            &t,
            &[
                ("image_url", "https://i.example.com/a.jpg"),
                ("caption", &mentions),
            ],
        )
        .await,
        400,
        100,
        Some(2207040),
    );
    let ok_caption = "b".repeat(2200);
    assert_eq!(
        ctx.post(
            &media,
            &t,
            &[
                ("image_url", "https://i.example.com/a.jpg"),
                ("caption", &ok_caption)
            ]
        )
        .await
        .status,
        200
    );
    let r = ctx
        .post(
            &media,
            &t,
            &[
                ("image_url", "https://i.example.com/a.jpg"),
                ("user_tags", r#"[{"username":"x","x":2,"y":0}]"#),
            ],
        )
        .await;
    assert_graph_error(&r, 400, 100, None);

    // Someone else's container cannot be published here.
    let bob = ctx.token(BOB, Login::Facebook, true, None);
    let r = ctx
        .post(
            &ctx.fb(&format!("{IG_BOB}/media")),
            &bob,
            &[("image_url", "https://i.example.com/b.jpg")],
        )
        .await;
    let bobs = r.body["id"].as_str().expect("id").to_owned();
    let r = ctx
        .post(
            &ctx.fb(&format!("{IG_BAKERY}/media_publish")),
            &t,
            &[("creation_id", &bobs)],
        )
        .await;
    assert_eq!(r.status, 400);
    assert_graph_error(&ctx.get(&ctx.fb(&bobs), &t, &[]).await, 400, 100, Some(33));
}

#[tokio::test]
async fn quota_and_expiry() {
    let ctx = Ctx::with_config(SandboxConfig {
        image_processing_ms: 0,
        publishing_quota: 2,
        ..SandboxConfig::default()
    })
    .await;
    let t = ctx.alice();
    let media = ctx.fb(&format!("{IG_BAKERY}/media"));
    let publish = ctx.fb(&format!("{IG_BAKERY}/media_publish"));
    let mut containers = Vec::new();
    for i in 0..4 {
        let r = ctx
            .post(
                &media,
                &t,
                &[("image_url", &format!("https://i.example.com/{i}.jpg"))],
            )
            .await;
        containers.push(r.body["id"].as_str().expect("id").to_owned());
    }
    for c in &containers[..2] {
        assert_eq!(
            ctx.post(&publish, &t, &[("creation_id", c)]).await.status,
            200
        );
    }
    let r = ctx
        .post(&publish, &t, &[("creation_id", &containers[2])])
        .await;
    assert_graph_error(&r, 400, 9, Some(2207042));
    let limit = ctx
        .get(
            &ctx.fb(&format!("{IG_BAKERY}/content_publishing_limit")),
            &t,
            &[("fields", "quota_usage,config")],
        )
        .await;
    assert_eq!(limit.body["data"][0]["quota_usage"], 2);
    assert_eq!(limit.body["data"][0]["config"]["quota_total"], 2);

    // The quota is a rolling 24 h; containers expire after 24 h unpublished.
    ctx.advance(24 * 3600 + 1).await;
    let s = ctx
        .get(&ctx.fb(&containers[2]), &t, &[("fields", "status_code")])
        .await;
    assert_eq!(s.body["status_code"], "EXPIRED");
    let r = ctx
        .post(&publish, &t, &[("creation_id", &containers[3])])
        .await;
    assert_graph_error(&r, 400, -2, Some(2207020));
    let r = ctx
        .post(
            &media,
            &t,
            &[("image_url", "https://i.example.com/new.jpg")],
        )
        .await;
    let fresh = r.body["id"].as_str().expect("id").to_owned();
    assert_eq!(
        ctx.post(&publish, &t, &[("creation_id", &fresh)])
            .await
            .status,
        200
    );
    let limit = ctx
        .get(
            &ctx.fb(&format!("{IG_BAKERY}/content_publishing_limit")),
            &t,
            &[],
        )
        .await;
    assert_eq!(limit.body["data"][0]["quota_usage"], 1);
}
