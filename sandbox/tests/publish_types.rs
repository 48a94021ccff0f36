//! Every media type: the happy path of each with its read-back shape (the validation errors
//! are in sandbox_publish_rules.rs).

mod support;

use support::*;

const FEED_FIELDS: &str = "id,caption,media_type,media_product_type,media_url,permalink,\
shortcode,timestamp,username,is_comment_enabled,is_shared_to_feed,alt_text,owner,thumbnail_url";

#[tokio::test]
async fn image_post_reads_back_every_field() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.alice();
    let c = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("image_url", "https://img.example.com/loaf.jpg"),
                ("caption", "Rye day #bread"),
                ("alt_text", "A rye loaf on a board"),
                ("location_id", "110843418940484"),
                (
                    "user_tags",
                    r#"[{"username":"bob.builds","x":0.1,"y":0.9}]"#,
                ),
                (
                    "product_tags",
                    r#"[{"product_id":"3231775643511089","x":0.5,"y":0.5}]"#,
                ),
                ("collaborators", r#"["bob.builds","client.studio"]"#),
            ],
        )
        .await;
    assert_eq!(ctx.status_code(&c, &t).await, "FINISHED");
    let id = ctx.published(IG_BAKERY, &t, &c).await;
    let m = ctx.media(&id, &t, FEED_FIELDS).await.body;
    assert_eq!(m["media_type"], "IMAGE");
    assert_eq!(m["media_product_type"], "FEED");
    assert_eq!(m["caption"], "Rye day #bread");
    assert_eq!(m["alt_text"], "A rye loaf on a board");
    assert_eq!(m["is_comment_enabled"], true);
    assert_eq!(m["username"], "alice.bakery");
    assert_eq!(m["owner"]["id"], IG_BAKERY);
    assert!(m.get("is_shared_to_feed").is_none());
    assert!(m.get("thumbnail_url").is_none());
    let shortcode = m["shortcode"].as_str().expect("shortcode");
    assert_eq!(
        m["permalink"],
        format!("https://www.instagram.com/p/{shortcode}/")
    );
    assert!(m["timestamp"]
        .as_str()
        .is_some_and(|t| t.ends_with("+0000")));
    assert_eq!(ctx.status_code(&c, &t).await, "PUBLISHED");
}

#[tokio::test]
async fn carousel_of_images_and_a_video() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.alice();
    let a = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("image_url", "https://img.example.com/a.jpg"),
                ("is_carousel_item", "true"),
                ("alt_text", "First"),
            ],
        )
        .await;
    let b = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("image_url", "https://img.example.com/b.jpg"),
                ("is_carousel_item", "true"),
                (
                    "user_tags",
                    r#"[{"username":"bob.builds","x":0.5,"y":0.5}]"#,
                ),
            ],
        )
        .await;
    let v = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("video_url", "https://cdn.example.com/clip.mp4"),
                ("media_type", "VIDEO"),
                ("is_carousel_item", "true"),
                ("thumb_offset", "1000"),
            ],
        )
        .await;
    // The video item reports video_status; the image items do not.
    let s = ctx.status(&v, &t).await;
    assert_eq!(s["video_status"]["processing_phase"]["status"], "complete");
    assert!(ctx.status(&a, &t).await.get("video_status").is_none());
    let children = format!("{a},{b},{v}");
    let parent = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "CAROUSEL"),
                ("children", &children),
                ("caption", "Three of a kind"),
                ("collaborators", r#"["bob.builds"]"#),
            ],
        )
        .await;
    // Children can also be a JSON list.
    let json_children = serde_json::json!([a, b]).to_string();
    ctx.container(
        IG_BAKERY,
        &t,
        &[("media_type", "CAROUSEL"), ("children", &json_children)],
    )
    .await;
    assert_eq!(ctx.status_code(&parent, &t).await, "FINISHED");
    let id = ctx.published(IG_BAKERY, &t, &parent).await;
    assert_eq!(
        ctx.sb.published_count(IG_BAKERY),
        1,
        "a carousel counts once"
    );
    for child in [&a, &b, &v] {
        assert_eq!(ctx.status_code(child, &t).await, "PUBLISHED");
    }
    let m = ctx
        .media(
            &id,
            &t,
            "id,media_type,media_product_type,caption,children{id,media_type,media_url,thumbnail_url,alt_text}",
        )
        .await
        .body;
    assert_eq!(m["media_type"], "CAROUSEL_ALBUM");
    assert_eq!(m["media_product_type"], "FEED");
    assert_eq!(m["caption"], "Three of a kind");
    let kids = m["children"]["data"].as_array().expect("children");
    assert_eq!(kids.len(), 3);
    let types: Vec<&str> = kids
        .iter()
        .map(|k| k["media_type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(types, ["IMAGE", "IMAGE", "VIDEO"]);
    assert_eq!(kids[0]["alt_text"], "First");
    assert!(kids[2]["thumbnail_url"].is_string());
    let child_id = kids[0]["id"].as_str().expect("child id");
    assert_ne!(child_id, id);
    // Each child is a media of its own, without caption; the edge lists them too.
    let child = ctx.media(child_id, &t, "id,media_type,caption").await;
    assert_eq!(child.status, 200);
    assert!(child.body.get("caption").is_none());
    assert_eq!(ctx.edge_ids(&format!("{id}/children"), &t).await.len(), 3);
    // The feed lists the album, not its children.
    let feed = ctx.edge_ids(&format!("{IG_BAKERY}/media"), &t).await;
    assert_eq!(feed[0], id);
    assert!(!feed.iter().any(|f| f == child_id));
}

#[tokio::test]
async fn reel_reads_back_as_video_reels() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.alice();
    let c = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "REELS"),
                ("video_url", "https://cdn.example.com/reel.mp4?duration=45"),
                ("caption", "Kneading, sped up"),
                ("share_to_feed", "false"),
                ("cover_url", "https://img.example.com/cover.jpg"),
                ("thumb_offset", "2500"),
                ("audio_name", "Original audio"),
                ("collaborators", r#"["bob.builds"]"#),
                (
                    "user_tags",
                    r#"[{"username":"bob.builds","x":0.2,"y":0.2}]"#,
                ),
            ],
        )
        .await;
    let s = ctx.status(&c, &t).await;
    assert_eq!(s["status_code"], "FINISHED");
    assert_eq!(s["video_status"]["uploading_phase"]["status"], "complete");
    let id = ctx.published(IG_BAKERY, &t, &c).await;
    let m = ctx.media(&id, &t, FEED_FIELDS).await.body;
    assert_eq!(m["media_type"], "VIDEO");
    assert_eq!(m["media_product_type"], "REELS");
    assert_eq!(m["is_shared_to_feed"], false);
    assert!(m["thumbnail_url"].is_string());
    assert!(m["media_url"].as_str().is_some_and(|u| u.ends_with(".mp4")));
    let shortcode = m["shortcode"].as_str().expect("shortcode");
    assert_eq!(
        m["permalink"],
        format!("https://www.instagram.com/reel/{shortcode}/")
    );
    // share_to_feed defaults to true.
    let c = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "REELS"),
                ("video_url", "https://cdn.example.com/r2.mov"),
            ],
        )
        .await;
    let id = ctx.published(IG_BAKERY, &t, &c).await;
    assert_eq!(
        ctx.media(&id, &t, "is_shared_to_feed").await.body["is_shared_to_feed"],
        true
    );
}

#[tokio::test]
async fn stories_live_on_their_own_edge_for_24_hours() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.alice();
    let feed_before = ctx.sb.media_count(IG_BAKERY);
    let img = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "STORIES"),
                ("image_url", "https://img.example.com/story.jpg"),
                ("caption", "ignored on stories"),
            ],
        )
        .await;
    let vid = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "STORIES"),
                ("video_url", "https://cdn.example.com/story.mp4?duration=12"),
            ],
        )
        .await;
    let img_id = ctx.published(IG_BAKERY, &t, &img).await;
    let vid_id = ctx.published(IG_BAKERY, &t, &vid).await;
    assert_eq!(
        ctx.sb.media_count(IG_BAKERY),
        feed_before,
        "stories stay out of /media"
    );
    assert_eq!(ctx.sb.story_count(IG_BAKERY), 2);
    assert_eq!(
        ctx.edge_ids(&format!("{IG_BAKERY}/stories"), &t).await,
        vec![vid_id.clone(), img_id.clone()]
    );
    assert!(!ctx
        .edge_ids(&format!("{IG_BAKERY}/media"), &t)
        .await
        .contains(&img_id));
    let m = ctx
        .media(
            &img_id,
            &t,
            "media_type,media_product_type,caption,permalink,ig_id",
        )
        .await
        .body;
    assert_eq!(m["media_type"], "IMAGE");
    assert_eq!(m["media_product_type"], "STORY");
    assert!(m.get("caption").is_none());
    assert_eq!(
        m["permalink"],
        format!(
            "https://www.instagram.com/stories/alice.bakery/{}/",
            m["ig_id"].as_str().expect("ig_id")
        )
    );
    let v = ctx
        .media(&vid_id, &t, "media_type,media_product_type")
        .await
        .body;
    assert_eq!(v["media_type"], "VIDEO");
    assert_eq!(v["media_product_type"], "STORY");
    assert_eq!(
        ctx.sb.published_count(IG_BAKERY),
        2,
        "stories count toward the quota"
    );

    ctx.advance(24 * 3600).await;
    assert!(ctx
        .edge_ids(&format!("{IG_BAKERY}/stories"), &t)
        .await
        .is_empty());
    assert_graph_error(&ctx.media(&img_id, &t, "id").await, 400, 100, Some(33));
    assert_eq!(ctx.sb.story_count(IG_BAKERY), 0);
}

#[tokio::test]
async fn instagram_login_publishes_every_type_too() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.ig_user();
    let reel = ctx
        .post(
            &ctx.ig("me/media"),
            &t,
            &[
                ("media_type", "REELS"),
                ("video_url", "https://cdn.example.com/r.mp4"),
            ],
        )
        .await;
    let id = reel.body["id"].as_str().expect("id").to_owned();
    let r = ctx
        .post(&ctx.ig("me/media_publish"), &t, &[("creation_id", &id)])
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let m = ctx
        .get(
            &ctx.ig(r.body["id"].as_str().expect("media")),
            &t,
            &[("fields", "media_type,media_product_type")],
        )
        .await;
    assert_eq!(m.body["media_product_type"], "REELS");
}
