//! The validation errors Meta answers at container creation, and the carousel rules.

mod support;

use instagraph_sandbox::{Login, SandboxConfig};
use support::*;

#[tokio::test]
async fn creation_errors() {
    // Parameters a type does not take are refused here (by default they are ignored).
    let ctx = Ctx::with_config(SandboxConfig {
        reject_inapplicable_params: true,
        ..SandboxConfig::default()
    })
    .await;
    let t = ctx.alice();
    let err = |params: Vec<(&'static str, String)>, code: i64, sub: Option<i64>| {
        let ctx = &ctx;
        let t = t.clone();
        async move {
            let p: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = ctx.create(IG_BAKERY, &t, &p).await;
            assert_graph_error(&r, 400, code, sub);
            r
        }
    };
    let s = |v: &str| v.to_owned();
    let img = || ("image_url", s("https://img.example.com/x.jpg"));
    let vid = || ("video_url", s("https://cdn.example.com/x.mp4"));

    // VIDEO is only a carousel item now.
    let r = err(vec![("media_type", s("VIDEO")), vid()], 100, Some(2207023)).await;
    assert!(r.body["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("REELS")));
    err(vec![("media_type", s("GIF")), img()], 100, Some(2207023)).await;
    err(vec![vid()], 100, None).await;
    err(vec![("media_type", s("REELS"))], 100, None).await;
    err(vec![("media_type", s("REELS")), img()], 100, None).await;
    err(vec![("media_type", s("STORIES"))], 100, None).await;
    err(
        vec![
            ("media_type", s("REELS")),
            ("is_carousel_item", s("true")),
            vid(),
        ],
        100,
        None,
    )
    .await;
    err(vec![img(), ("is_carousel_item", s("maybe"))], 100, None).await;
    // Captions are not allowed on carousel items.
    err(
        vec![img(), ("is_carousel_item", s("true")), ("caption", s("hi"))],
        100,
        None,
    )
    .await;
    // alt_text: images only, at most 1000 characters.
    err(vec![img(), ("alt_text", "a".repeat(1001))], 100, None).await;
    err(
        vec![("media_type", s("REELS")), vid(), ("alt_text", s("no"))],
        100,
        None,
    )
    .await;
    let ok = ctx
        .create(
            IG_BAKERY,
            &t,
            &[img_pair(), ("alt_text", &"a".repeat(1000))],
        )
        .await;
    assert_eq!(ok.status, 200, "{:?}", ok.body);
    // Tags.
    err(
        vec![
            img(),
            ("user_tags", s(r#"[{"username":"x","x":0.5,"y":-0.1}]"#)),
        ],
        100,
        None,
    )
    .await;
    err(
        vec![img(), ("user_tags", s(r#"{"username":"x"}"#))],
        100,
        None,
    )
    .await;
    let six: Vec<String> = (0..6)
        .map(|i| format!(r#"{{"product_id":"{i}","x":0.5,"y":0.5}}"#))
        .collect();
    err(
        vec![img(), ("product_tags", format!("[{}]", six.join(",")))],
        100,
        None,
    )
    .await;
    err(
        vec![img(), ("collaborators", s(r#"["a","b","c","d"]"#))],
        100,
        None,
    )
    .await;
    // Stories take no collaborators; reel-only parameters stay on reels.
    err(
        vec![
            ("media_type", s("STORIES")),
            img(),
            ("collaborators", s(r#"["bob.builds"]"#)),
        ],
        100,
        None,
    )
    .await;
    err(vec![img(), ("share_to_feed", s("true"))], 100, None).await;
    err(vec![img(), ("audio_name", s("x"))], 100, None).await;
    err(
        vec![("media_type", s("REELS")), vid(), ("thumb_offset", s("-5"))],
        100,
        None,
    )
    .await;
    err(
        vec![
            ("media_type", s("REELS")),
            vid(),
            ("upload_type", s("chunked")),
        ],
        100,
        None,
    )
    .await;
    err(vec![img(), ("upload_type", s("resumable"))], 100, None).await;
    err(
        vec![
            ("media_type", s("REELS")),
            ("video_url", s("file:///tmp/x.mp4")),
        ],
        9004,
        Some(2207052),
    )
    .await;
    // Captions keep their codes on every type.
    err(
        vec![
            ("media_type", s("REELS")),
            vid(),
            ("caption", "a".repeat(2201)),
        ],
        36004,
        Some(2207010),
    )
    .await;
    let mentions: String = (0..21).map(|i| format!("@u{i} ")).collect();
    err(
        vec![("media_type", s("REELS")), vid(), ("caption", mentions)],
        100,
        Some(2207040),
    )
    .await;
    // Lists may also come as a JSON body.
    let r = ctx
        .send(
            ctx.http
                .post(ctx.fb(&format!("{IG_BAKERY}/media")))
                .query(&[
                    ("access_token", t.as_str()),
                    ("appsecret_proof", &ctx.sb.appsecret_proof(&t)),
                ])
                .json(&serde_json::json!({
                    "image_url": "https://img.example.com/j.jpg",
                    "user_tags": [{"username": "bob.builds", "x": 0.5, "y": 0.5}],
                })),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // Publishing needs the publish scope.
    let basic = ctx.token(
        ALICE,
        Login::Facebook,
        true,
        Some(&["instagram_basic", "pages_show_list"]),
    );
    assert_graph_error(
        &ctx.create(IG_BAKERY, &basic, &[img_pair()]).await,
        400,
        10,
        None,
    );
}

fn img_pair() -> (&'static str, &'static str) {
    ("image_url", "https://img.example.com/x.jpg")
}

#[tokio::test]
async fn carousel_rules() {
    // The parent's media URL is refused here (by default it is ignored).
    let ctx = Ctx::with_config(SandboxConfig {
        reject_inapplicable_params: true,
        ..instant()
    })
    .await;
    let t = ctx.alice();
    let item = |n: usize| {
        let ctx = &ctx;
        let t = t.clone();
        async move {
            ctx.container(
                IG_BAKERY,
                &t,
                &[
                    ("image_url", &format!("https://img.example.com/{n}.jpg")),
                    ("is_carousel_item", "true"),
                ],
            )
            .await
        }
    };
    let mut items = Vec::new();
    for n in 0..11 {
        items.push(item(n).await);
    }
    let carousel = |children: String| {
        let ctx = &ctx;
        let t = t.clone();
        async move {
            ctx.create(
                IG_BAKERY,
                &t,
                &[("media_type", "CAROUSEL"), ("children", &children)],
            )
            .await
        }
    };
    assert_graph_error(&carousel(items[0].clone()).await, 400, 100, Some(2207028));
    assert_graph_error(&carousel(items.join(",")).await, 400, 100, Some(2207028));
    assert_eq!(carousel(items[..10].join(",")).await.status, 200);
    assert_eq!(carousel(items[..2].join(",")).await.status, 200);
    assert_graph_error(
        &ctx.create(IG_BAKERY, &t, &[("media_type", "CAROUSEL")])
            .await,
        400,
        100,
        None,
    );
    // Not a carousel item.
    let plain = ctx
        .container(
            IG_BAKERY,
            &t,
            &[("image_url", "https://img.example.com/p.jpg")],
        )
        .await;
    assert_graph_error(
        &carousel(format!("{},{plain}", items[0])).await,
        400,
        100,
        None,
    );
    // Repeated, unknown, or another account's child.
    assert_graph_error(
        &carousel(format!("{},{}", items[0], items[0])).await,
        400,
        100,
        None,
    );
    assert_graph_error(&carousel(format!("{},999", items[0])).await, 400, 100, None);
    let bob = ctx.token(BOB, Login::Facebook, true, None);
    let bobs = ctx
        .container(
            IG_BOB,
            &bob,
            &[
                ("image_url", "https://img.example.com/bob.jpg"),
                ("is_carousel_item", "true"),
            ],
        )
        .await;
    assert_graph_error(
        &carousel(format!("{},{bobs}", items[0])).await,
        400,
        100,
        None,
    );
    // A carousel item cannot be published alone; a carousel cannot be an item.
    assert_graph_error(&ctx.publish(IG_BAKERY, &t, &items[0]).await, 400, 100, None);
    assert_graph_error(
        &ctx.create(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "CAROUSEL"),
                ("is_carousel_item", "true"),
                ("children", &items[..2].join(",")),
            ],
        )
        .await,
        400,
        100,
        None,
    );
    // Media URLs belong on the children, not the parent.
    assert_graph_error(
        &ctx.create(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "CAROUSEL"),
                ("children", &items[..2].join(",")),
                ("image_url", "https://img.example.com/p.jpg"),
            ],
        )
        .await,
        400,
        100,
        None,
    );
}
