//! `instagraph publish` of every kind, now (no `--at`), against the sandbox: an image and a reel
//! by URL, a story by URL and from a local video file, a carousel of URLs and a local video.
//! Each exits 0, its `--json` result is parsed, and the post is read back from the sandbox.

mod common;

use common::{video_file, World};
use instagraph::api::models::MediaType;
use instagraph::MediaId;
use predicates::str::contains;
use serde_json::Value;

/// Publishes with `--json` and checks the result document: a media id and an https permalink,
/// not a replay.
fn publish(world: &World, args: &[&str]) -> (String, String) {
    let mut full = vec!["publish"];
    full.extend_from_slice(args);
    let result = world.json(&full);
    let media_id = result["media_id"].as_str().expect("media_id").to_owned();
    assert!(!media_id.is_empty(), "{result}");
    let permalink = result["permalink"].as_str().expect("permalink").to_owned();
    assert!(permalink.starts_with("https://"), "{result}");
    assert_eq!(result["replayed"], false, "{result}");
    assert!(result["job_id"].is_string(), "{result}");
    (media_id, permalink)
}

/// The published media as the Graph API serves it back.
async fn read_back(world: &World, media_id: &str) -> instagraph::api::models::Media {
    let (client, token) = world.graph_token();
    client
        .facebook(&token)
        .media(MediaId::new(media_id))
        .get()
        .send()
        .await
        .expect("the published media reads back")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_and_a_reel_by_url_are_published_now() {
    let world = World::start().await;
    world.connect();
    let account = world.account_with_media();
    let (published, media) = (
        world.sandbox.published_count(&account),
        world.sandbox.media_count(&account),
    );

    let (image_id, image_link) = publish(
        &world,
        &[
            "image",
            "https://cdn.example.com/croissants.jpg",
            "-a",
            &account,
            "--caption",
            "Fresh this morning #bakery",
            "--alt-text",
            "A tray of croissants",
        ],
    );
    let (reel_id, reel_link) = publish(
        &world,
        &[
            "reel",
            "https://cdn.example.com/oven.mp4",
            "-a",
            &account,
            "--caption",
            "The oven at 5am",
        ],
    );
    assert_ne!(image_id, reel_id);
    assert_eq!(world.sandbox.published_count(&account), published + 2);
    assert_eq!(world.sandbox.media_count(&account), media + 2);

    let image = read_back(&world, &image_id).await;
    assert_eq!(image.media_type, Some(MediaType::Image));
    assert_eq!(image.permalink.as_deref(), Some(image_link.as_str()));
    assert_eq!(image.caption.as_deref(), Some("Fresh this morning #bakery"));
    let reel = read_back(&world, &reel_id).await;
    assert_eq!(reel.media_type, Some(MediaType::Video));
    assert_eq!(reel.permalink.as_deref(), Some(reel_link.as_str()));

    // In text: the permalink on one line.
    let output = world
        .cli()
        .args([
            "publish",
            "image",
            "https://cdn.example.com/bread.jpg",
            "-a",
            &account,
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.starts_with("Published: https://"), "{stdout}");
    assert_eq!(world.sandbox.published_count(&account), published + 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stories_are_published_by_url_and_from_a_local_video() {
    let world = World::start().await;
    world.connect();
    let account = world.account_with_media();
    let stories = world.sandbox.story_count(&account);

    let (by_url, _) = publish(
        &world,
        &[
            "story",
            "https://cdn.example.com/today.jpg",
            "--account",
            &account,
        ],
    );
    assert_eq!(world.sandbox.story_count(&account), stories + 1);

    let video = video_file(world.dir.path(), 300_000);
    let video = video.to_str().unwrap();
    let args = ["--json", "publish", "story", video, "--account", &account];
    let output = world.cli().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let result = common::parse_success(&args, &output);
    let from_file = result["media_id"].as_str().unwrap().to_owned();
    assert_ne!(from_file, by_url);
    // The file was uploaded, then processed.
    assert!(
        stderr.contains(&format!(
            "uploading media {video}: 300000/300000 bytes (100%)"
        )),
        "{stderr}"
    );
    assert_eq!(world.sandbox.story_count(&account), stories + 2);

    // A story is not a feed post: it is not among the account's media, but it reads back.
    let story = read_back(&world, &from_file).await;
    assert_eq!(story.id.as_str(), from_file);

    // A story of a file that is not there: refused before any upload.
    world
        .cli()
        .args(["publish", "story", "missing.mp4", "-a", &account])
        .assert()
        .code(1)
        .stderr(contains("missing.mp4"));
    assert_eq!(world.sandbox.story_count(&account), stories + 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_carousel_of_urls_and_a_local_video_is_published_now() {
    let world = World::start().await;
    world.connect();
    let account = world.account_with_media();
    let media = world.sandbox.media_count(&account);
    let video = video_file(world.dir.path(), 200_000);
    let video = video.to_str().unwrap();

    let result = world.json(&[
        "publish",
        "carousel",
        "https://cdn.example.com/one.jpg",
        "https://cdn.example.com/two.mp4",
        video,
        "-a",
        &account,
        "--caption",
        "Three ways",
    ]);
    let items: Vec<&Value> = result["item_containers"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(items.len(), 3, "{result}");
    let media_id = result["media_id"].as_str().unwrap();
    assert!(result["permalink"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert_eq!(world.sandbox.media_count(&account), media + 1);

    let album = read_back(&world, media_id).await;
    assert_eq!(album.media_type, Some(MediaType::CarouselAlbum));
    assert_eq!(album.caption.as_deref(), Some("Three ways"));
    let (client, token) = world.graph_token();
    let children = client
        .facebook(&token)
        .media(MediaId::new(media_id))
        .children()
        .send()
        .await
        .unwrap();
    let kinds: Vec<_> = children
        .items
        .iter()
        .map(|c| c.media_type.clone())
        .collect();
    assert_eq!(
        kinds,
        vec![
            Some(MediaType::Image),
            Some(MediaType::Video),
            Some(MediaType::Video)
        ]
    );

    // Eleven items: the core's limit, before any call.
    let mut eleven = vec!["publish", "carousel"];
    eleven.extend(vec!["https://cdn.example.com/x.jpg"; 11]);
    eleven.extend(["-a", &account]);
    world
        .cli()
        .args(&eleven)
        .assert()
        .code(1)
        .stderr(contains("a carousel takes 2 to 10 items"));
    assert_eq!(world.sandbox.media_count(&account), media + 1);
}
