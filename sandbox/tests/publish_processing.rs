//! Processing: per-type times on the sandbox clock, the media URL markers that make it fail
//! with each documented subcode, expiry after 24 h, and the post and container quotas.

mod support;

use instagraph_sandbox::SandboxConfig;
use support::*;

/// (params of a container, the subcode its processing must end in)
fn marker_cases() -> Vec<(Vec<(&'static str, String)>, i64)> {
    let img = |url: &str| vec![("image_url", url.to_owned())];
    let reel = |url: &str| {
        vec![
            ("media_type", "REELS".to_owned()),
            ("video_url", url.to_owned()),
        ]
    };
    let story_video = |url: &str| {
        vec![
            ("media_type", "STORIES".to_owned()),
            ("video_url", url.to_owned()),
        ]
    };
    let item_video = |url: &str| {
        vec![
            ("media_type", "VIDEO".to_owned()),
            ("is_carousel_item", "true".to_owned()),
            ("video_url", url.to_owned()),
        ]
    };
    vec![
        (img("https://unreachable.invalid/a.jpg"), 2207052),
        (reel("https://unreachable.invalid/a.mp4"), 2207052),
        (img("https://img.example.com/a.png"), 2207005),
        (img("https://img.example.com/a.GIF"), 2207005),
        (img("https://img.example.com/bad-format/a.jpg"), 2207005),
        (reel("https://cdn.example.com/a.avi"), 2207026),
        (reel("https://cdn.example.com/a.mp4?x=bad-format"), 2207026),
        (item_video("https://cdn.example.com/a.gif"), 2207026),
        (reel("https://cdn.example.com/a.mp4?duration=2"), 2207026),
        (reel("https://cdn.example.com/a.mp4?duration=901"), 2207026),
        (reel("https://cdn.example.com/a.mp4?duration=long"), 2207026),
        (
            story_video("https://cdn.example.com/a.mp4?duration=61"),
            2207026,
        ),
        (
            item_video("https://cdn.example.com/a.mp4?duration=90"),
            2207026,
        ),
        (img("https://img.example.com/too-large.jpg"), 2207004),
        (reel("https://cdn.example.com/too-large.mp4"), 2207004),
        (img("https://img.example.com/aspect-ratio.jpg"), 2207009),
        (
            img("https://img.example.com/a.jpg?download-timeout=1"),
            2207003,
        ),
        (img("https://img.example.com/server-error.jpg"), 2207001),
        (img("https://img.example.com/create-failed.jpg"), 2207032),
        (reel("https://cdn.example.com/upload-error.mp4"), 2207053),
        (img("https://img.example.com/expired-media.jpg"), 2207020),
        (img("https://img.example.com/restricted.jpg"), 2207050),
        (story_video("https://cdn.example.com/spam.mp4"), 2207051),
    ]
}

#[tokio::test]
async fn every_marker_ends_in_its_subcode() {
    let ctx = Ctx::with_config(SandboxConfig {
        container_quota: 1000,
        ..instant()
    })
    .await;
    let t = ctx.alice();
    for (params, subcode) in marker_cases() {
        let p: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let c = ctx.container(IG_BAKERY, &t, &p).await;
        let s = ctx.status(&c, &t).await;
        assert_eq!(error_subcode_of(&s), Some(subcode), "{params:?} → {s}");
        assert!(s["status"]
            .as_str()
            .is_some_and(|x| x.contains(&subcode.to_string())));
        if p.iter().all(|(k, _)| *k != "is_carousel_item") {
            assert_graph_error(
                &ctx.publish(IG_BAKERY, &t, &c).await,
                400,
                9007,
                Some(2207027),
            );
        }
    }
    // Within the spec: no error.
    for url in [
        "https://cdn.example.com/ok.mp4?duration=3",
        "https://cdn.example.com/ok.mov?duration=900",
    ] {
        let c = ctx
            .container(
                IG_BAKERY,
                &t,
                &[("media_type", "REELS"), ("video_url", url)],
            )
            .await;
        assert_eq!(ctx.status_code(&c, &t).await, "FINISHED", "{url}");
    }
    // thumb_offset past the declared duration.
    let c = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "REELS"),
                ("video_url", "https://cdn.example.com/a.mp4?duration=10"),
                ("thumb_offset", "10000"),
            ],
        )
        .await;
    assert_eq!(error_subcode_of(&ctx.status(&c, &t).await), Some(2207057));
    assert_eq!(ctx.sb.published_count(IG_BAKERY), 0);
}

#[tokio::test]
async fn server_error_once_fails_only_the_first_container() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.alice();
    let url = [(
        "image_url",
        "https://img.example.com/server-error-once/1.jpg",
    )];
    let first = ctx.container(IG_BAKERY, &t, &url).await;
    assert_eq!(
        error_subcode_of(&ctx.status(&first, &t).await),
        Some(2207001)
    );
    let retry = ctx.container(IG_BAKERY, &t, &url).await;
    assert_eq!(ctx.status_code(&retry, &t).await, "FINISHED");
    ctx.published(IG_BAKERY, &t, &retry).await;
}

#[tokio::test]
async fn the_config_lists_the_markers() {
    let ctx = Ctx::new().await;
    let r = ctx.send(ctx.http.get(ctx.url("__sandbox/config"))).await;
    let markers = r.body["media_url_markers"].as_array().expect("markers");
    let names: Vec<&str> = markers
        .iter()
        .map(|m| m["marker"].as_str().unwrap_or(""))
        .collect();
    for m in [
        "too-large",
        "aspect-ratio",
        "download-timeout",
        "server-error",
        "expired-media",
        "restricted",
        "spam",
    ] {
        assert!(names.contains(&m), "{m} missing from {names:?}");
    }
    assert!(markers.iter().all(|m| m["video_subcode"].is_i64()));
}

#[tokio::test]
async fn each_type_processes_for_its_configured_time() {
    let ctx = Ctx::with_config(slow()).await;
    let t = ctx.alice();
    let image = ctx
        .container(
            IG_BAKERY,
            &t,
            &[("image_url", "https://img.example.com/i.jpg")],
        )
        .await;
    let item_video = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "VIDEO"),
                ("is_carousel_item", "true"),
                ("video_url", "https://cdn.example.com/v.mp4"),
            ],
        )
        .await;
    let item_image = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("image_url", "https://img.example.com/c.jpg"),
                ("is_carousel_item", "true"),
            ],
        )
        .await;
    let reel = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "REELS"),
                ("video_url", "https://cdn.example.com/r.mp4"),
            ],
        )
        .await;
    let story = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "STORIES"),
                ("video_url", "https://cdn.example.com/s.mp4"),
            ],
        )
        .await;
    let carousel = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "CAROUSEL"),
                ("children", &format!("{item_image},{item_video}")),
            ],
        )
        .await;
    let reel_status = ctx.status(&reel, &t).await;
    assert_eq!(reel_status["status_code"], "IN_PROGRESS");
    assert_eq!(
        reel_status["video_status"]["processing_phase"]["status"],
        "in_progress"
    );
    // Processing times: image 10 s, carousel video 20 s, reel 30 s, video story 40 s, and the
    // carousel 50 s after its last child (the video, at 20 s) → 70 s.
    let ids = [&image, &item_video, &reel, &story, &carousel];
    let steps: [(i64, [&str; 5]); 6] = [
        (0, ["IN_PROGRESS"; 5]),
        (
            10,
            [
                "FINISHED",
                "IN_PROGRESS",
                "IN_PROGRESS",
                "IN_PROGRESS",
                "IN_PROGRESS",
            ],
        ),
        (
            10,
            [
                "FINISHED",
                "FINISHED",
                "IN_PROGRESS",
                "IN_PROGRESS",
                "IN_PROGRESS",
            ],
        ),
        (
            10,
            [
                "FINISHED",
                "FINISHED",
                "FINISHED",
                "IN_PROGRESS",
                "IN_PROGRESS",
            ],
        ),
        (
            10,
            [
                "FINISHED",
                "FINISHED",
                "FINISHED",
                "FINISHED",
                "IN_PROGRESS",
            ],
        ),
        (30, ["FINISHED"; 5]),
    ];
    for (advance, expected) in steps {
        ctx.advance(advance).await;
        for (id, want) in ids.iter().zip(expected) {
            assert_eq!(
                ctx.status_code(id, &t).await,
                want,
                "{id} after +{advance}s"
            );
        }
        if expected[4] == "IN_PROGRESS" {
            assert_graph_error(
                &ctx.publish(IG_BAKERY, &t, &carousel).await,
                400,
                9007,
                Some(2207027),
            );
        }
    }
    ctx.published(IG_BAKERY, &t, &carousel).await;
    assert_eq!(ctx.sb.container_status(&carousel), Some("PUBLISHED"));
}

#[tokio::test]
async fn a_failing_child_fails_its_carousel() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.alice();
    let good = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("image_url", "https://img.example.com/g.jpg"),
                ("is_carousel_item", "true"),
            ],
        )
        .await;
    let bad = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("image_url", "https://img.example.com/g.png"),
                ("is_carousel_item", "true"),
            ],
        )
        .await;
    let parent = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "CAROUSEL"),
                ("children", &format!("{good},{bad}")),
            ],
        )
        .await;
    assert_eq!(
        error_subcode_of(&ctx.status(&parent, &t).await),
        Some(2207005)
    );
    assert_graph_error(
        &ctx.publish(IG_BAKERY, &t, &parent).await,
        400,
        9007,
        Some(2207027),
    );
}

#[tokio::test]
async fn containers_expire_after_24_hours() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.alice();
    let reel = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "REELS"),
                ("video_url", "https://cdn.example.com/r.mp4"),
            ],
        )
        .await;
    let item = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("image_url", "https://img.example.com/a.jpg"),
                ("is_carousel_item", "true"),
            ],
        )
        .await;
    let published = ctx
        .container(
            IG_BAKERY,
            &t,
            &[("image_url", "https://img.example.com/p.jpg")],
        )
        .await;
    ctx.published(IG_BAKERY, &t, &published).await;
    ctx.advance(23 * 3600).await;
    assert_eq!(ctx.status_code(&reel, &t).await, "FINISHED");
    // A carousel made late from an item about to expire.
    let item2 = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("image_url", "https://img.example.com/b.jpg"),
                ("is_carousel_item", "true"),
            ],
        )
        .await;
    let parent = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "CAROUSEL"),
                ("children", &format!("{item},{item2}")),
            ],
        )
        .await;
    assert_eq!(ctx.status_code(&parent, &t).await, "FINISHED");
    ctx.advance(3600).await;
    let s = ctx.status(&reel, &t).await;
    assert_eq!(s["status_code"], "EXPIRED");
    assert!(s["status"]
        .as_str()
        .is_some_and(|x| x.starts_with("Expired")));
    assert_graph_error(
        &ctx.publish(IG_BAKERY, &t, &reel).await,
        400,
        -2,
        Some(2207020),
    );
    // The expired child fails its (unexpired) parent with 2207020.
    assert_eq!(
        error_subcode_of(&ctx.status(&parent, &t).await),
        Some(2207020)
    );
    // A published container keeps reading PUBLISHED.
    assert_eq!(ctx.status_code(&published, &t).await, "PUBLISHED");
}

#[tokio::test]
async fn post_quota_counts_a_carousel_once() {
    let ctx = Ctx::with_config(SandboxConfig {
        publishing_quota: 2,
        ..instant()
    })
    .await;
    let t = ctx.alice();
    let mut items = Vec::new();
    for n in 0..3 {
        items.push(
            ctx.container(
                IG_BAKERY,
                &t,
                &[
                    ("image_url", &format!("https://img.example.com/{n}.jpg")),
                    ("is_carousel_item", "true"),
                ],
            )
            .await,
        );
    }
    let carousel = ctx
        .container(
            IG_BAKERY,
            &t,
            &[("media_type", "CAROUSEL"), ("children", &items.join(","))],
        )
        .await;
    ctx.published(IG_BAKERY, &t, &carousel).await;
    let limit = ctx
        .get(
            &ctx.fb(&format!("{IG_BAKERY}/content_publishing_limit")),
            &t,
            &[("fields", "quota_usage,config")],
        )
        .await;
    assert_eq!(limit.body["data"][0]["quota_usage"], 1);
    let reel = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "REELS"),
                ("video_url", "https://cdn.example.com/r.mp4"),
            ],
        )
        .await;
    ctx.published(IG_BAKERY, &t, &reel).await;
    let story = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "STORIES"),
                ("image_url", "https://img.example.com/s.jpg"),
            ],
        )
        .await;
    assert_graph_error(
        &ctx.publish(IG_BAKERY, &t, &story).await,
        400,
        9,
        Some(2207042),
    );
    assert_eq!(ctx.sb.published_count(IG_BAKERY), 2);
    // Another account has its own quota.
    let other = ctx
        .container(
            IG_CLIENT,
            &t,
            &[("image_url", "https://img.example.com/o.jpg")],
        )
        .await;
    ctx.published(IG_CLIENT, &t, &other).await;
}

#[tokio::test]
async fn container_quota_answers_code_4_until_the_window_rolls() {
    let ctx = Ctx::with_config(SandboxConfig {
        container_quota: 3,
        ..instant()
    })
    .await;
    let t = ctx.alice();
    for n in 0..3 {
        ctx.container(
            IG_BAKERY,
            &t,
            &[("image_url", &format!("https://img.example.com/{n}.jpg"))],
        )
        .await;
    }
    let r = ctx
        .create(
            IG_BAKERY,
            &t,
            &[("image_url", "https://img.example.com/x.jpg")],
        )
        .await;
    assert_graph_error(&r, 400, 4, None);
    let usage: serde_json::Value =
        serde_json::from_str(&r.header("x-business-use-case-usage").expect("usage header"))
            .expect("json");
    let entry = &usage[IG_BAKERY][0];
    assert_eq!(entry["call_count"], 100);
    assert!(entry["estimated_time_to_regain_access"]
        .as_u64()
        .is_some_and(|m| m >= 1));
    let app: serde_json::Value =
        serde_json::from_str(&r.header("x-app-usage").expect("app usage")).expect("json");
    assert!(app["call_count"].as_u64().is_some_and(|c| c < 100), "{app}");
    // Invalid requests do not use the quota; other accounts have their own.
    ctx.container(
        IG_CLIENT,
        &t,
        &[("image_url", "https://img.example.com/c.jpg")],
    )
    .await;
    ctx.advance(24 * 3600).await;
    ctx.container(
        IG_BAKERY,
        &t,
        &[("image_url", "https://img.example.com/y.jpg")],
    )
    .await;
}
