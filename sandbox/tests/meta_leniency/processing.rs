//! Image containers are `FINISHED` at creation (Meta fetches the image while it creates the
//! container); videos keep their processing times.

use super::support::*;
use super::{SandboxConfig, JPEG, MP4};

/// Meta fetches an image while it creates the container: feed images, image stories, carousel
/// image items and image-only carousels are `FINISHED` on the first read and publish at once.
/// Videos keep their processing times.
#[tokio::test]
async fn image_containers_are_finished_at_creation_by_default() {
    // Video times no wall clock reaches in a test; the image time is the default.
    let ctx = Ctx::with_config(SandboxConfig {
        video_processing_ms: 20_000,
        reel_processing_ms: 30_000,
        story_processing_ms: 40_000,
        carousel_processing_ms: 50_000,
        ..SandboxConfig::default()
    })
    .await;
    let t = ctx.alice();
    let image = ctx.container(IG_BAKERY, &t, &[("image_url", JPEG)]).await;
    assert_eq!(ctx.status_code(&image, &t).await, "FINISHED");
    ctx.published(IG_BAKERY, &t, &image).await;
    let story = ctx
        .container(
            IG_BAKERY,
            &t,
            &[("media_type", "STORIES"), ("image_url", JPEG)],
        )
        .await;
    assert_eq!(ctx.status_code(&story, &t).await, "FINISHED");
    ctx.published(IG_BAKERY, &t, &story).await;
    let item = [("image_url", JPEG), ("is_carousel_item", "true")];
    let a = ctx.container(IG_BAKERY, &t, &item).await;
    let b = ctx.container(IG_BAKERY, &t, &item).await;
    let children = format!("{a},{b}");
    let carousel = ctx
        .container(
            IG_BAKERY,
            &t,
            &[("media_type", "CAROUSEL"), ("children", &children)],
        )
        .await;
    assert_eq!(ctx.status_code(&carousel, &t).await, "FINISHED");
    ctx.published(IG_BAKERY, &t, &carousel).await;

    let reel = ctx
        .container(
            IG_BAKERY,
            &t,
            &[("media_type", "REELS"), ("video_url", MP4)],
        )
        .await;
    let video_story = ctx
        .container(
            IG_BAKERY,
            &t,
            &[("media_type", "STORIES"), ("video_url", MP4)],
        )
        .await;
    let video_item = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "VIDEO"),
                ("video_url", MP4),
                ("is_carousel_item", "true"),
            ],
        )
        .await;
    for id in [&reel, &video_story, &video_item] {
        assert_eq!(ctx.status_code(id, &t).await, "IN_PROGRESS", "{id}");
    }
    ctx.advance(21).await;
    let image_item = ctx.container(IG_BAKERY, &t, &item).await;
    let mixed = format!("{image_item},{video_item}");
    let carousel = ctx
        .container(
            IG_BAKERY,
            &t,
            &[("media_type", "CAROUSEL"), ("children", &mixed)],
        )
        .await;
    // A carousel with a video item still takes carousel_processing_ms.
    assert_eq!(ctx.status_code(&carousel, &t).await, "IN_PROGRESS");
    ctx.advance(51).await;
    assert_eq!(ctx.status_code(&carousel, &t).await, "FINISHED");
}

/// `image_processing_ms` still delays images (and so image-only carousels, which take no time
/// of their own), and image stories follow it rather than the video story time.
#[tokio::test]
async fn image_processing_ms_delays_images_stories_and_their_carousels() {
    let ctx = Ctx::with_config(SandboxConfig {
        image_processing_ms: 10_000,
        story_processing_ms: 0,
        ..SandboxConfig::default()
    })
    .await;
    let t = ctx.alice();
    let image = ctx.container(IG_BAKERY, &t, &[("image_url", JPEG)]).await;
    let story = ctx
        .container(
            IG_BAKERY,
            &t,
            &[("media_type", "STORIES"), ("image_url", JPEG)],
        )
        .await;
    let video_story = ctx
        .container(
            IG_BAKERY,
            &t,
            &[("media_type", "STORIES"), ("video_url", MP4)],
        )
        .await;
    let item = [("image_url", JPEG), ("is_carousel_item", "true")];
    let children = format!(
        "{},{}",
        ctx.container(IG_BAKERY, &t, &item).await,
        ctx.container(IG_BAKERY, &t, &item).await
    );
    let carousel = ctx
        .container(
            IG_BAKERY,
            &t,
            &[("media_type", "CAROUSEL"), ("children", &children)],
        )
        .await;
    assert_eq!(ctx.status_code(&video_story, &t).await, "FINISHED");
    for id in [&image, &story, &carousel] {
        assert_eq!(ctx.status_code(id, &t).await, "IN_PROGRESS", "{id}");
    }
    assert_graph_error(
        &ctx.publish(IG_BAKERY, &t, &image).await,
        400,
        9007,
        Some(2207027),
    );
    ctx.advance(10).await;
    for id in [&image, &story, &carousel] {
        assert_eq!(ctx.status_code(id, &t).await, "FINISHED", "{id}");
    }
}
