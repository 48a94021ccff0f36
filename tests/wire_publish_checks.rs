//! The checks that refuse a post before any request (wiremock answers nothing): each names the
//! field and the limit, for container creation and `publish_image` alike; and the limits
//! themselves pass.

use std::time::Duration;

use instagraph::api::{
    validate_container_request, ContainerMediaType, ContainerRequest, TaggedProduct, UserTag,
    WaitOptions,
};
use instagraph::{AccessToken, Error, ErrorClass};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

mod wire_support;
use wire_support::ok;

const TOKEN: &str = "IGQVJtestpagetoken00ABCD";
const IG: &str = "17841400000000001";

fn fast_wait(timeout_ms: u64) -> WaitOptions {
    WaitOptions {
        timeout: Duration::from_millis(timeout_ms),
        initial_interval: Duration::from_millis(5),
        max_interval: Duration::from_millis(20),
        factor: 1.5,
    }
}

/// Every check refuses the post before any request reaches the server.
#[tokio::test]
async fn validation_names_the_field_and_the_limit_and_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok(json!({"id": "1"})))
        .expect(0)
        .mount(&server)
        .await;
    let client = wire_support::client(&server, 3);
    let token = AccessToken::new(TOKEN);
    let user = client.facebook(&token).ig_user(IG);
    let base = || ContainerRequest::image("https://cdn.example.com/a.jpg");

    let cases: Vec<(&str, ContainerRequest, &str, &str)> = vec![
        (
            "ftp url",
            ContainerRequest::image("ftp://cdn.example.com/a.jpg"),
            "image_url",
            "http(s)",
        ),
        (
            "not a url",
            ContainerRequest::image("a.jpg"),
            "image_url",
            "http(s)",
        ),
        (
            "empty url",
            ContainerRequest::image(""),
            "image_url",
            "http(s)",
        ),
        (
            "long caption",
            base().caption("a".repeat(2201)),
            "caption",
            "2200",
        ),
        (
            "31 hashtags",
            base().caption(
                (0..31)
                    .map(|i| format!("#t{i}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            "caption",
            "30 hashtags",
        ),
        (
            "21 mentions",
            base().caption(
                (0..21)
                    .map(|i| format!("@u{i}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            "caption",
            "20 mentions",
        ),
        (
            "long alt text",
            base().alt_text("b".repeat(1001)),
            "alt_text",
            "1000",
        ),
        (
            "tag x > 1",
            base().user_tag(UserTag::new("u", 1.5, 0.5)),
            "user_tags",
            "0..=1",
        ),
        (
            "tag y < 0",
            base().user_tag(UserTag::new("u", 0.5, -0.1)),
            "user_tags",
            "0..=1",
        ),
        (
            "tag NaN",
            base().user_tag(UserTag::new("u", f64::NAN, 0.5)),
            "user_tags",
            "0..=1",
        ),
        (
            "empty tag",
            base().user_tag(UserTag::new("", 0.5, 0.5)),
            "user_tags",
            "empty",
        ),
        (
            "4 collaborators",
            base()
                .collaborator("a")
                .collaborator("b")
                .collaborator("c")
                .collaborator("d"),
            "collaborators",
            "3 collaborators",
        ),
        (
            "caption on a carousel item",
            ContainerRequest::image_item("https://cdn.example.com/a.jpg").caption("hi"),
            "caption",
            "carousel",
        ),
        (
            "21 user tags",
            (0..21).fold(base(), |r, i| {
                r.user_tag(UserTag::new(format!("u{i}"), 0.5, 0.5))
            }),
            "user_tags",
            "20 user tags",
        ),
        (
            "reel setting on an image",
            base().share_to_feed(true),
            "share_to_feed",
            "reels only",
        ),
        (
            "location on a story",
            ContainerRequest::story_image("https://cdn.example.com/a.jpg").location_id("1"),
            "location_id",
            "stories",
        ),
        (
            "product tag with a position on a reel",
            ContainerRequest::reel("https://cdn.example.com/v.mp4")
                .product_tag(TaggedProduct::at("1", 0.5, 0.5)),
            "product_tags",
            "reels",
        ),
        (
            "alt text on a video",
            ContainerRequest::reel("https://cdn.example.com/v.mp4").alt_text("x"),
            "alt_text",
            "images only",
        ),
        (
            "a reel as a carousel item",
            ContainerRequest {
                is_carousel_item: true,
                ..ContainerRequest::reel("https://cdn.example.com/v.mp4")
            },
            "is_carousel_item",
            "VIDEO",
        ),
    ];
    for (name, image, want_field, want_limit) in cases {
        let err = user
            .publishing()
            .create_container(&image)
            .await
            .unwrap_err();
        match &err {
            Error::InvalidInput { field, reason } => {
                assert_eq!(*field, want_field, "{name}: {err}");
                assert!(reason.contains(want_limit), "{name}: {reason}");
            }
            other => panic!("{name}: expected InvalidInput, got {other:?}"),
        }
        assert!(err.to_string().contains(want_field), "{name}: {err}");
        assert_eq!(err.class(), ErrorClass::InvalidInput);
        // publish_image refuses it the same way.
        let err = user
            .publishing()
            .publish_image(image, fast_wait(1_000))
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { field, .. } if field == want_field),
            "{name}"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn the_limits_themselves_are_accepted() {
    let caption = format!(
        "{} {} {}",
        (0..30)
            .map(|i| format!("#t{i}"))
            .collect::<Vec<_>>()
            .join(" "),
        (0..20)
            .map(|i| format!("@u{i}"))
            .collect::<Vec<_>>()
            .join(" "),
        "write to hello@example.com ## "
    );
    let padded = format!("{caption}{}", "x".repeat(2200 - caption.chars().count()));
    assert_eq!(padded.chars().count(), 2200);
    let image = ContainerRequest::image("https://cdn.example.com/a.jpg")
        .caption(padded)
        .alt_text("é".repeat(1000))
        .user_tag(UserTag::new("a", 0.0, 1.0))
        .user_tag(UserTag::new("b", 1.0, 0.0))
        .collaborator("a")
        .collaborator("b")
        .collaborator("c");
    validate_container_request(&image).unwrap();
    let tagged = (0..20).fold(
        ContainerRequest::image("https://cdn.example.com/a.jpg"),
        |r, i| r.user_tag(UserTag::new(format!("u{i}"), 0.5, 0.5)),
    );
    validate_container_request(&tagged).unwrap();
    let reel = ContainerRequest::reel("https://cdn.example.com/v.mp4")
        .share_to_feed(true)
        .audio_name("Original audio")
        .product_tag(TaggedProduct::new("1"));
    validate_container_request(&reel).unwrap();
    assert_eq!(reel.media_type, Some(ContainerMediaType::Reels));
}
