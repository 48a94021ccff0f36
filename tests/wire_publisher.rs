//! Exact wire checks (wiremock) of the Publisher: every container kind with every parameter,
//! the carousel container, the resumable upload (headers, bytes, resume offset), delete and the
//! comment switch, the decoding of answers and errors, each validation rule (no request at
//! all), each publishing subcode mapped to its cause, the quota refusal, the lost-answer
//! recovery, idempotency, and the call count of an image publish.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use instagraph::api::publish::{TaggedProduct, UserTag};
use instagraph::config::DEFAULT_API_VERSION;
use instagraph::publisher::{
    MediaItem, MediaRef, MediaSource, Post, ProgressCallback, ProgressEvent, PublishFailure,
    PublishOptions, Publisher, PublisherConfig, WaitPolicy,
};
use instagraph::store::{
    AccountSource, LoginKind, NewAccount, NewToken, SealingKey, Store, TokenKind,
};
use instagraph::{
    AccessToken, AccountManager, Client, CompanyId, Error, ErrorClass, IgUserId, MediaId,
};
use serde_json::json;
use wiremock::matchers::{any, header, method, path, query_param};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

mod wire_support;
use wire_support::{form, ok, query_with_token, v, ExactQuery};

const TOKEN: &str = "EAAGpagetoken0000WXYZ";
const IG: &str = "17841400000000001";

fn client(server: &MockServer) -> Client {
    wire_support::client(server, 2)
}

fn fast_config() -> PublisherConfig {
    let fast = WaitPolicy {
        first_poll: Duration::from_millis(5),
        factor: 2.0,
        max_interval: Duration::from_millis(40),
        timeout: Duration::from_secs(5),
    };
    PublisherConfig {
        image_wait: fast.clone(),
        video_wait: fast,
        ..PublisherConfig::default()
    }
}

struct Setup {
    server: MockServer,
    publisher: Publisher,
    company: CompanyId,
    ig: IgUserId,
}

async fn setup_with(config: PublisherConfig) -> Setup {
    let server = MockServer::start().await;
    let client = client(&server);
    let store = Store::memory(SealingKey::generate());
    let company = CompanyId::new("acme");
    let token_id = store
        .save_token(
            &company,
            NewToken {
                kind: TokenKind::Page,
                login: LoginKind::Facebook,
                subject_id: "100000000000101".into(),
                token: AccessToken::new(TOKEN),
                scopes: vec!["instagram_content_publish".into()],
                expires_at: None,
                issued_at: chrono::Utc::now(),
            },
        )
        .await
        .unwrap();
    let mut account = NewAccount::new(IgUserId::new(IG), AccountSource::PageLinked);
    account.token_id = Some(token_id);
    store
        .backend()
        .upsert_accounts(&company, vec![account])
        .await
        .unwrap();
    let manager = AccountManager::new(client, store);
    Setup {
        server,
        publisher: Publisher::with_config(manager, config),
        company,
        ig: IgUserId::new(IG),
    }
}

async fn setup() -> Setup {
    setup_with(fast_config()).await
}

/// The query holds exactly these pairs plus `access_token` and `appsecret_proof`.
/// Exactly these query pairs plus `access_token` = `TOKEN` and its `appsecret_proof`.
fn query(list: &[(&str, &str)]) -> ExactQuery {
    query_with_token(TOKEN, list)
}

/// The raw body equals these bytes.
struct Body(Vec<u8>);

impl Match for Body {
    fn matches(&self, request: &Request) -> bool {
        request.body == self.0
    }
}

fn graph_error(status: u16, code: i64, subcode: Option<i64>, message: &str) -> ResponseTemplate {
    let mut error = json!({
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AxYz987",
    });
    if let Some(s) = subcode {
        error["error_subcode"] = json!(s);
    }
    ResponseTemplate::new(status).set_body_json(json!({ "error": error }))
}

fn recorder() -> (ProgressCallback, Arc<Mutex<Vec<ProgressEvent>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let cb: ProgressCallback = Arc::new(move |e| sink.lock().unwrap().push(e));
    (cb, events)
}

async fn mount_quota(s: &Setup, used: u64, total: u64) {
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/content_publishing_limit"))))
        .and(query(&[("fields", "quota_usage,config")]))
        .respond_with(ok(json!({"data":[{"quota_usage": used, "config": {"quota_total": total, "quota_duration": 86400}}]})))
        .mount(&s.server)
        .await;
}

async fn mount_status(s: &Setup, container: &str, code: &str, status: &str) {
    Mock::given(method("GET"))
        .and(path(v(container)))
        .and(query(&[("fields", "id,status,status_code")]))
        .respond_with(ok(
            json!({"id": container, "status_code": code, "status": status}),
        ))
        .mount(&s.server)
        .await;
}

async fn mount_publish(s: &Setup, container: &str, media: &str) {
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media_publish"))))
        .and(query(&[("creation_id", container)]))
        .respond_with(ok(json!({ "id": media })))
        .expect(1)
        .mount(&s.server)
        .await;
}

async fn mount_permalink(s: &Setup, media: &str) {
    Mock::given(method("GET"))
        .and(path(v(media)))
        .and(query(&[("fields", "permalink")]))
        .respond_with(ok(
            json!({"id": media, "permalink": format!("https://www.instagram.com/p/{media}/")}),
        ))
        .mount(&s.server)
        .await;
}

async fn requests(s: &Setup) -> usize {
    s.server.received_requests().await.unwrap_or_default().len()
}

#[tokio::test]
async fn image_with_every_parameter_is_three_calls_after_the_quota_read() {
    let s = setup().await;
    mount_quota(&s, 3, 50).await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .and(query(&[]))
        .and(form(&[
            ("image_url", "https://cdn.example.com/a.jpg"),
            ("caption", "Fresh #bread @baker"),
            ("alt_text", "A loaf"),
            ("location_id", "110000000000001"),
            ("user_tags", r#"[{"username":"ann","x":0.5,"y":0.25}]"#),
            (
                "product_tags",
                r#"[{"product_id":"3231775643511089","x":0.1,"y":0.9}]"#,
            ),
            ("collaborators", r#"["baker.bob","chef.carla"]"#),
        ]))
        .respond_with(ok(json!({"id": "C1"})))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .and(form(&[("image_url", "https://cdn.example.com/b.jpg")]))
        .respond_with(ok(json!({"id": "C2"})))
        .expect(1)
        .mount(&s.server)
        .await;
    mount_publish(&s, "C1", "M1").await;
    mount_publish(&s, "C2", "M2").await;
    mount_permalink(&s, "M1").await;
    mount_permalink(&s, "M2").await;

    let (cb, events) = recorder();
    let post = Post::image("https://cdn.example.com/a.jpg")
        .caption("Fresh #bread @baker")
        .alt_text("A loaf")
        .location_id("110000000000001")
        .user_tag(UserTag::new("ann", 0.5, 0.25))
        .product_tag(TaggedProduct::at("3231775643511089", 0.1, 0.9))
        .collaborator("baker.bob")
        .collaborator("chef.carla");
    let done = s
        .publisher
        .publish(
            &s.company,
            &s.ig,
            post,
            PublishOptions::new().idempotency_key("k1").progress(cb),
        )
        .await
        .unwrap();
    assert_eq!(done.media_id, Some(MediaId::new("M1")));
    assert_eq!(
        done.permalink.as_deref(),
        Some("https://www.instagram.com/p/M1/")
    );
    assert_eq!(done.container_id.as_ref().map(|c| c.as_str()), Some("C1"));
    assert!(!done.replayed);
    // Quota read + create + publish + permalink; no status poll.
    assert_eq!(requests(&s).await, 4);
    let events = events.lock().unwrap().clone();
    assert!(
        matches!(&events[0], ProgressEvent::Created { container_id, .. } if container_id.as_str() == "C1")
    );
    assert!(
        matches!(events.last(), Some(ProgressEvent::Published { media_id: Some(m), .. }) if m.as_str() == "M1")
    );

    // The quota is known now: the next image is create + publish + permalink.
    let before = requests(&s).await;
    s.publisher
        .publish(
            &s.company,
            &s.ig,
            Post::image("https://cdn.example.com/b.jpg"),
            PublishOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(requests(&s).await - before, 3);
    let quota = s.publisher.quota(&s.company, &s.ig).await.unwrap();
    assert_eq!((quota.used, quota.total), (5, 50));
}

#[tokio::test]
async fn image_without_permalink_is_three_calls_with_the_quota_read() {
    let s = setup_with(PublisherConfig {
        fetch_permalink: false,
        ..fast_config()
    })
    .await;
    mount_quota(&s, 0, 50).await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .respond_with(ok(json!({"id": "C1"})))
        .expect(1)
        .mount(&s.server)
        .await;
    mount_publish(&s, "C1", "M1").await;
    let done = s
        .publisher
        .publish(
            &s.company,
            &s.ig,
            Post::image("https://cdn.example.com/a.jpg"),
            PublishOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(done.media_id, Some(MediaId::new("M1")));
    assert_eq!(done.permalink, None);
    assert_eq!(requests(&s).await, 3);
}

#[tokio::test]
async fn an_image_not_ready_at_once_is_polled_then_published() {
    let s = setup().await;
    mount_quota(&s, 0, 50).await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .respond_with(ok(json!({"id": "C1"})))
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media_publish"))))
        .respond_with(graph_error(
            400,
            9007,
            Some(2207027),
            "Media ID is not available",
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&s.server)
        .await;
    mount_publish(&s, "C1", "M1").await;
    mount_status(&s, "C1", "FINISHED", "Finished").await;
    mount_permalink(&s, "M1").await;
    let done = s
        .publisher
        .publish(
            &s.company,
            &s.ig,
            Post::image("https://cdn.example.com/a.jpg"),
            PublishOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(done.media_id, Some(MediaId::new("M1")));
}

#[tokio::test]
async fn carousel_items_then_the_carousel_with_every_parameter() {
    let s = setup().await;
    mount_quota(&s, 0, 50).await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .and(query(&[]))
        .and(form(&[
            ("image_url", "https://cdn.example.com/a.jpg"),
            ("is_carousel_item", "true"),
            ("alt_text", "First"),
            ("user_tags", r#"[{"username":"ann","x":0.1,"y":0.2}]"#),
            ("product_tags", r#"[{"product_id":"42","x":0.3,"y":0.4}]"#),
        ]))
        .respond_with(ok(json!({"id": "K0"})))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .and(form(&[
            ("media_type", "VIDEO"),
            ("video_url", "https://cdn.example.com/b.mp4"),
            ("is_carousel_item", "true"),
        ]))
        .respond_with(ok(json!({"id": "K1"})))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .and(form(&[
            ("media_type", "CAROUSEL"),
            ("children", "K0,K1"),
            ("caption", "Two #things"),
            ("location_id", "110000000000001"),
            ("collaborators", r#"["baker.bob"]"#),
        ]))
        .respond_with(ok(json!({"id": "CAR"})))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(v("CAR")))
        .respond_with(ok(
            json!({"id":"CAR","status_code":"IN_PROGRESS","status":"In Progress"}),
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    mount_status(&s, "CAR", "FINISHED", "Finished").await;
    mount_publish(&s, "CAR", "M9").await;
    mount_permalink(&s, "M9").await;

    let (cb, events) = recorder();
    let post = Post::carousel([
        MediaItem::image("https://cdn.example.com/a.jpg")
            .alt_text("First")
            .user_tag(UserTag::new("ann", 0.1, 0.2))
            .product_tag(TaggedProduct::at("42", 0.3, 0.4)),
        MediaItem::video("https://cdn.example.com/b.mp4"),
    ])
    .caption("Two #things")
    .location_id("110000000000001")
    .collaborator("baker.bob");
    let done = s
        .publisher
        .publish(&s.company, &s.ig, post, PublishOptions::new().progress(cb))
        .await
        .unwrap();
    assert_eq!(done.media_id, Some(MediaId::new("M9")));
    assert_eq!(
        done.item_containers
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        vec!["K0", "K1"]
    );
    // n = 2: quota + 2 items + carousel + publish + permalink = n + 4, plus 2 polls.
    assert_eq!(requests(&s).await, 2 + 4 + 2);
    let events = events.lock().unwrap().clone();
    let created: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            ProgressEvent::Created { media, .. } => Some(media.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(created.len(), 3);
    assert_eq!(created[2], MediaRef::Carousel);
    assert!(events
        .iter()
        .any(|e| matches!(e, ProgressEvent::Processing { .. })));
    assert!(events.iter().any(
        |e| matches!(e, ProgressEvent::Ready { container_id } if container_id.as_str() == "CAR")
    ));
}

#[tokio::test]
async fn reel_with_every_parameter_polls_until_finished() {
    let s = setup().await;
    mount_quota(&s, 0, 50).await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .and(form(&[
            ("media_type", "REELS"),
            ("video_url", "https://cdn.example.com/r.mp4"),
            ("caption", "Reel"),
            ("share_to_feed", "true"),
            ("cover_url", "https://cdn.example.com/cover.jpg"),
            ("audio_name", "Morning song"),
            ("location_id", "110000000000001"),
            ("user_tags", r#"[{"username":"ann","x":0.5,"y":0.5}]"#),
            ("product_tags", r#"[{"product_id":"42"}]"#),
            ("collaborators", r#"["baker.bob"]"#),
        ]))
        .respond_with(ok(json!({"id": "R1"})))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(v("R1")))
        .respond_with(ok(
            json!({"id":"R1","status_code":"IN_PROGRESS","status":"In Progress"}),
        ))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&s.server)
        .await;
    mount_status(&s, "R1", "FINISHED", "Finished").await;
    mount_publish(&s, "R1", "M5").await;
    mount_permalink(&s, "M5").await;
    let (cb, events) = recorder();
    let post = Post::reel("https://cdn.example.com/r.mp4")
        .caption("Reel")
        .share_to_feed(true)
        .cover_url("https://cdn.example.com/cover.jpg")
        .audio_name("Morning song")
        .location_id("110000000000001")
        .user_tag(UserTag::new("ann", 0.5, 0.5))
        .product_tag(TaggedProduct::new("42"))
        .collaborator("baker.bob");
    let done = s
        .publisher
        .publish(&s.company, &s.ig, post, PublishOptions::new().progress(cb))
        .await
        .unwrap();
    assert_eq!(done.media_id, Some(MediaId::new("M5")));
    let events = events.lock().unwrap().clone();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| match e {
            ProgressEvent::Created { .. } => "created",
            ProgressEvent::Processing { .. } => "processing",
            ProgressEvent::Ready { .. } => "ready",
            ProgressEvent::Published { .. } => "published",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        vec!["created", "processing", "processing", "ready", "published"]
    );
}

#[tokio::test]
async fn reel_thumb_offset_and_stories_of_both_kinds() {
    let s = setup().await;
    mount_quota(&s, 0, 50).await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .and(form(&[
            ("media_type", "REELS"),
            ("video_url", "https://cdn.example.com/r.mp4"),
            ("thumb_offset", "1500"),
            ("share_to_feed", "false"),
        ]))
        .respond_with(ok(json!({"id": "R2"})))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .and(form(&[
            ("media_type", "STORIES"),
            ("image_url", "https://cdn.example.com/s.jpg"),
            ("user_tags", r#"[{"username":"ann","x":0.5,"y":0.5}]"#),
        ]))
        .respond_with(ok(json!({"id": "S1"})))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .and(form(&[
            ("media_type", "STORIES"),
            ("video_url", "https://cdn.example.com/s.mp4"),
        ]))
        .respond_with(ok(json!({"id": "S2"})))
        .expect(1)
        .mount(&s.server)
        .await;
    for (c, m) in [("R2", "M1"), ("S1", "M2"), ("S2", "M3")] {
        mount_status(&s, c, "FINISHED", "Finished").await;
        mount_publish(&s, c, m).await;
        mount_permalink(&s, m).await;
    }
    let posts = [
        Post::reel("https://cdn.example.com/r.mp4")
            .thumb_offset_ms(1500)
            .share_to_feed(false),
        Post::story(
            MediaItem::image("https://cdn.example.com/s.jpg")
                .user_tag(UserTag::new("ann", 0.5, 0.5)),
        ),
        Post::story(MediaItem::video("https://cdn.example.com/s.mp4")),
    ];
    for (post, media) in posts.into_iter().zip(["M1", "M2", "M3"]) {
        let done = s
            .publisher
            .publish(&s.company, &s.ig, post, PublishOptions::new())
            .await
            .unwrap();
        assert_eq!(done.media_id, Some(MediaId::new(media)));
    }
}

#[tokio::test]
async fn local_video_is_uploaded_and_resumed_after_a_dropped_connection() {
    let s = setup().await;
    let bytes: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reel.mp4");
    std::fs::write(&file, &bytes).unwrap();
    mount_quota(&s, 0, 50).await;
    let uri = format!("{}/ig-api-upload/{DEFAULT_API_VERSION}/R7", s.server.uri());
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .and(form(&[
            ("media_type", "REELS"),
            ("upload_type", "resumable"),
            ("caption", "From disk"),
        ]))
        .respond_with(ok(json!({"id": "R7", "uri": uri})))
        .expect(1)
        .mount(&s.server)
        .await;
    let upload_path = format!("/ig-api-upload/{DEFAULT_API_VERSION}/R7");
    // The first attempt fails after the host kept 300 000 bytes.
    Mock::given(method("POST"))
        .and(path(upload_path.clone()))
        .and(header("authorization", format!("OAuth {TOKEN}").as_str()))
        .and(header("offset", "0"))
        .and(header("file_size", "700000"))
        .and(Body(bytes.clone()))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({
            "debug_info": {"retriable": true, "type": "TransientError", "message": "try again"}
        })))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(upload_path.clone()))
        .and(header("authorization", format!("OAuth {TOKEN}").as_str()))
        .respond_with(ok(json!({"offset": 300000})))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(upload_path.clone()))
        .and(header("offset", "300000"))
        .and(header("file_size", "700000"))
        .and(Body(bytes[300_000..].to_vec()))
        .respond_with(ok(
            json!({"success": true, "message": "Upload successful."}),
        ))
        .expect(1)
        .mount(&s.server)
        .await;
    mount_status(&s, "R7", "FINISHED", "Finished").await;
    mount_publish(&s, "R7", "M7").await;
    mount_permalink(&s, "M7").await;
    let (cb, events) = recorder();
    let done = s
        .publisher
        .publish(
            &s.company,
            &s.ig,
            Post::reel(MediaSource::file(&file)).caption("From disk"),
            PublishOptions::new().progress(cb),
        )
        .await
        .unwrap();
    assert_eq!(done.media_id, Some(MediaId::new("M7")));
    let uploads: Vec<(u64, u64)> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            ProgressEvent::Uploading { bytes, total, .. } => Some((*bytes, *total)),
            _ => None,
        })
        .collect();
    assert!(uploads.iter().all(|(_, t)| *t == 700_000));
    assert_eq!(uploads.last().map(|u| u.0), Some(700_000));
    // The resumed attempt reports from the host's offset on.
    assert!(uploads.iter().any(|(b, _)| *b > 300_000 && *b < 700_000));
}

#[tokio::test]
async fn a_non_retriable_upload_failure_is_typed() {
    let s = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("story.mov");
    std::fs::write(&file, vec![1u8; 1000]).unwrap();
    mount_quota(&s, 0, 50).await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .and(form(&[
            ("media_type", "STORIES"),
            ("upload_type", "resumable"),
        ]))
        .respond_with(ok(json!({"id": "S9"})))
        .mount(&s.server)
        .await;
    // No `uri` in the answer: the documented pattern is used.
    Mock::given(method("POST"))
        .and(path(format!("/ig-api-upload/{DEFAULT_API_VERSION}/S9")))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "debug_info": {"retriable": false, "type": "ProcessingFailedError", "message": "bad file"}
        })))
        .expect(1)
        .mount(&s.server)
        .await;
    let err = s
        .publisher
        .publish(
            &s.company,
            &s.ig,
            Post::story(MediaItem::video(MediaSource::file(&file))),
            PublishOptions::new(),
        )
        .await
        .unwrap_err();
    match &err {
        Error::Publish {
            cause: PublishFailure::UploadFailed { retriable: false },
            media: MediaRef::Media { url },
            ..
        } => assert!(url.ends_with("story.mov")),
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("ProcessingFailedError"));
    assert!(!err.to_string().contains(TOKEN));
}

#[tokio::test]
async fn delete_and_comment_switch() {
    let s = setup().await;
    Mock::given(method("DELETE"))
        .and(path(v("M1")))
        .and(query(&[]))
        .respond_with(ok(json!({"success": true, "deleted_id": "M1"})))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(v("K0")))
        .respond_with(graph_error(
            400,
            100,
            Some(2207073),
            "Carousel children cannot be deleted",
        ))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(v("M1")))
        .and(query(&[("comment_enabled", "false")]))
        .respond_with(ok(json!({"success": true})))
        .expect(1)
        .mount(&s.server)
        .await;
    s.publisher
        .delete_media(&s.company, &s.ig, &MediaId::new("M1"))
        .await
        .unwrap();
    let err = s
        .publisher
        .delete_media(&s.company, &s.ig, &MediaId::new("K0"))
        .await
        .unwrap_err();
    assert!(matches!(
        &err,
        Error::Publish { cause: PublishFailure::CarouselChildNotDeletable, media: MediaRef::Published { media_id }, .. } if media_id == "K0"
    ));
    s.publisher
        .set_comments_enabled(&s.company, &s.ig, &MediaId::new("M1"), false)
        .await
        .unwrap();
}

/// Each rule refuses before any request, naming the field, the limit and the media.
#[tokio::test]
async fn validation_refuses_before_any_request() {
    let s = setup().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&s.server)
        .await;
    let url = "https://cdn.example.com/a.jpg";
    let vid = "https://cdn.example.com/v.mp4";
    let two = || {
        vec![
            MediaItem::image("https://cdn.example.com/0.jpg"),
            MediaItem::image("https://cdn.example.com/1.jpg"),
        ]
    };
    let cases: Vec<(Post, &str, Vec<&str>)> = vec![
        (
            Post::image(url).caption("x".repeat(2201)),
            "caption",
            vec!["2201", "2200", url],
        ),
        (
            Post::image(url).caption((0..31).map(|i| format!("#t{i} ")).collect::<String>()),
            "caption",
            vec!["31 hashtags", "30", url],
        ),
        (
            Post::image(url).caption((0..21).map(|i| format!("@u{i} ")).collect::<String>()),
            "caption",
            vec!["21", "20", url],
        ),
        (
            Post::carousel([MediaItem::image(url)]),
            "children",
            vec!["1 items", "2 to 10", "carousel"],
        ),
        (
            Post::carousel((0..11).map(|i| MediaItem::image(format!("https://x.example/{i}.jpg")))),
            "children",
            vec!["11 items", "2 to 10"],
        ),
        (
            Post::carousel({
                let mut items = two();
                items[1] = MediaItem::image("https://cdn.example.com/1.jpg")
                    .user_tag(UserTag::new("ann", 0.5, 1.2));
                items
            }),
            "user_tags",
            vec![
                "y = 1.2",
                "0..=1",
                "carousel child 1 (https://cdn.example.com/1.jpg)",
            ],
        ),
        (
            Post::image(url).alt_text("a".repeat(1001)),
            "alt_text",
            vec!["1001", "1000", url],
        ),
        (
            Post::image("ftp://cdn.example.com/a.jpg"),
            "image_url",
            vec!["ftp", "ftp://cdn.example.com/a.jpg"],
        ),
        (
            Post::carousel([MediaItem::image(url), MediaItem::video("file:///tmp/x.mp4")]),
            "video_url",
            vec!["http(s)", "carousel child 1"],
        ),
        (
            Post::story(MediaItem::image(url)).collaborator("bob"),
            "collaborators",
            vec!["stories", url],
        ),
        (
            Post::image(url)
                .collaborator("a")
                .collaborator("b")
                .collaborator("c")
                .collaborator("d"),
            "collaborators",
            vec!["4", "3", url],
        ),
        (
            (0..6).fold(Post::image(url), |p, i| {
                p.product_tag(TaggedProduct::at(format!("{i}"), 0.5, 0.5))
            }),
            "product_tags",
            vec!["6", "5", url],
        ),
        (
            Post::image(url).share_to_feed(true),
            "share_to_feed",
            vec!["reels", url],
        ),
        (
            Post::reel(vid).alt_text("x"),
            "alt_text",
            vec!["images", vid],
        ),
        (
            Post::story(MediaItem::image(url)).caption("hi"),
            "caption",
            vec!["stories", url],
        ),
        (
            Post::carousel(two()).alt_text("x"),
            "alt_text",
            vec!["each image item", "carousel"],
        ),
        (
            Post::reel(vid)
                .cover_url("https://cdn.example.com/c.jpg")
                .thumb_offset_ms(10),
            "thumb_offset",
            vec!["cover_url", vid],
        ),
        (
            Post::reel(vid).product_tag(TaggedProduct::at("1", 0.5, 0.5)),
            "product_tags",
            vec!["reels", vid],
        ),
        (
            Post::carousel(vec![
                MediaItem::image(url),
                MediaItem::video(vid).product_tag(TaggedProduct::new("1")),
            ]),
            "product_tags",
            vec!["video", "carousel child 1"],
        ),
        (
            Post::carousel(vec![
                MediaItem::image(url),
                MediaItem::image("https://cdn.example.com/local.jpg"),
            ])
            .share_to_feed(false),
            "share_to_feed",
            vec!["reels"],
        ),
        (
            Post::story(MediaItem {
                source: MediaSource::file("/definitely/not/here.mp4"),
                ..MediaItem::video(vid)
            }),
            "video_file",
            vec!["cannot be read", "/definitely/not/here.mp4"],
        ),
    ];
    for (post, field, needles) in cases {
        let err = s
            .publisher
            .publish(&s.company, &s.ig, post.clone(), PublishOptions::new())
            .await
            .expect_err(field);
        match &err {
            Error::InvalidInput { field: f, reason } => {
                assert_eq!(*f, field, "{reason}");
                for n in &needles {
                    assert!(reason.contains(n), "{field}: {reason:?} lacks {n:?}");
                }
            }
            other => panic!("{field}: unexpected {other:?}"),
        }
        assert_eq!(err.class(), ErrorClass::InvalidInput);
    }
    let err = s
        .publisher
        .publish(
            &s.company,
            &s.ig,
            Post::image(url),
            PublishOptions::new().idempotency_key(" "),
        )
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidInput {
            field: "idempotency_key",
            ..
        }
    ));
}

/// A container in ERROR: each subcode in its `status` maps to a cause naming the media.
#[tokio::test]
async fn container_error_subcodes_map_to_causes() {
    let cases = [
        (
            2207003,
            PublishFailure::DownloadTimeout,
            ErrorClass::Transient,
        ),
        (
            2207004,
            PublishFailure::ImageTooLarge,
            ErrorClass::InvalidInput,
        ),
        (
            2207005,
            PublishFailure::UnsupportedImageFormat,
            ErrorClass::InvalidInput,
        ),
        (
            2207009,
            PublishFailure::AspectRatio,
            ErrorClass::InvalidInput,
        ),
        (
            2207010,
            PublishFailure::CaptionTooLong,
            ErrorClass::InvalidInput,
        ),
        (
            2207026,
            PublishFailure::UnsupportedVideoFormat,
            ErrorClass::InvalidInput,
        ),
        (
            2207028,
            PublishFailure::CarouselSize,
            ErrorClass::InvalidInput,
        ),
        (
            2207040,
            PublishFailure::TooManyMentions,
            ErrorClass::InvalidInput,
        ),
        (
            2207050,
            PublishFailure::AccountRestricted,
            ErrorClass::PolicyBlocked,
        ),
        (2207051, PublishFailure::Spam, ErrorClass::PolicyBlocked),
        (
            2207052,
            PublishFailure::MediaUnreachable,
            ErrorClass::InvalidInput,
        ),
        (
            2207001,
            PublishFailure::ServerError { subcode: 2207001 },
            ErrorClass::Transient,
        ),
        (
            2207053,
            PublishFailure::ServerError { subcode: 2207053 },
            ErrorClass::Transient,
        ),
    ];
    for (subcode, cause, class) in cases {
        let s = setup_with(PublisherConfig {
            max_recreations: 0,
            ..fast_config()
        })
        .await;
        mount_quota(&s, 0, 50).await;
        Mock::given(method("POST"))
            .and(path(v(&format!("{IG}/media"))))
            .respond_with(ok(json!({"id": "R1"})))
            .expect(1)
            .mount(&s.server)
            .await;
        mount_status(
            &s,
            "R1",
            "ERROR",
            &format!("Error: Media upload has failed with error code {subcode}"),
        )
        .await;
        Mock::given(method("POST"))
            .and(path(v(&format!("{IG}/media_publish"))))
            .respond_with(ok(json!({"id": "never"})))
            .expect(0)
            .mount(&s.server)
            .await;
        let url = "https://cdn.example.com/r.mp4";
        let err = s
            .publisher
            .publish(&s.company, &s.ig, Post::reel(url), PublishOptions::new())
            .await
            .unwrap_err();
        match &err {
            Error::Publish {
                media,
                container_id,
                cause: got,
                ..
            } => {
                assert_eq!(got, &cause, "{subcode}");
                assert_eq!(media, &MediaRef::Media { url: url.into() });
                assert_eq!(container_id.as_ref().map(|c| c.as_str()), Some("R1"));
            }
            other => panic!("{subcode}: unexpected {other:?}"),
        }
        assert_eq!(err.class(), class, "{subcode}");
        assert!(err.to_string().contains(url));
        assert!(err.to_string().contains(&subcode.to_string()));
    }
}

#[tokio::test]
async fn expired_and_retryable_containers_are_created_again() {
    let s = setup().await;
    mount_quota(&s, 0, 50).await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .respond_with(ok(json!({"id": "R1"})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .respond_with(ok(json!({"id": "R2"})))
        .mount(&s.server)
        .await;
    mount_status(&s, "R1", "EXPIRED", "Expired").await;
    mount_status(&s, "R2", "FINISHED", "Finished").await;
    mount_publish(&s, "R2", "M2").await;
    mount_permalink(&s, "M2").await;
    let done = s
        .publisher
        .publish(
            &s.company,
            &s.ig,
            Post::reel("https://cdn.example.com/r.mp4"),
            PublishOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(done.container_id.as_ref().map(|c| c.as_str()), Some("R2"));
}

#[tokio::test]
async fn creation_errors_name_the_media() {
    let s = setup().await;
    mount_quota(&s, 0, 50).await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .and(form(&[("image_url", "https://unreachable.invalid/a.jpg")]))
        .respond_with(graph_error(
            400,
            9004,
            Some(2207052),
            "The media could not be fetched from this uri",
        ))
        .expect(1)
        .mount(&s.server)
        .await;
    let err = s
        .publisher
        .publish(
            &s.company,
            &s.ig,
            Post::image("https://unreachable.invalid/a.jpg"),
            PublishOptions::new().idempotency_key("bad-url"),
        )
        .await
        .unwrap_err();
    match &err {
        Error::Publish {
            cause,
            media,
            graph,
            ..
        } => {
            assert_eq!(*cause, PublishFailure::MediaUnreachable);
            assert_eq!(
                media,
                &MediaRef::Media {
                    url: "https://unreachable.invalid/a.jpg".into()
                }
            );
            assert_eq!(graph.as_ref().map(|g| g.code), Some(9004));
        }
        other => panic!("unexpected {other:?}"),
    }
    // The job failed (nothing published) and says why.
    let job = s
        .publisher
        .job(&s.company, "bad-url")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.status, instagraph::store::JobStatus::Failed);
    assert!(job.error.unwrap().contains("unreachable.invalid"));
}

#[tokio::test]
async fn a_failing_carousel_item_is_named() {
    let s = setup_with(PublisherConfig {
        max_recreations: 0,
        ..fast_config()
    })
    .await;
    mount_quota(&s, 0, 50).await;
    for (i, id) in ["K0", "K1", "K2"].iter().enumerate() {
        Mock::given(method("POST"))
            .and(path(v(&format!("{IG}/media"))))
            .and(form(&[
                (
                    "image_url",
                    format!("https://cdn.example.com/{i}.jpg").as_str(),
                ),
                ("is_carousel_item", "true"),
            ]))
            .respond_with(ok(json!({ "id": id })))
            .mount(&s.server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .and(form(&[
            ("media_type", "CAROUSEL"),
            ("children", "K0,K1,K2"),
        ]))
        .respond_with(ok(json!({"id": "CAR"})))
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media_publish"))))
        .respond_with(graph_error(400, 9007, Some(2207027), "not ready"))
        .mount(&s.server)
        .await;
    mount_status(&s, "CAR", "ERROR", "Error: child failed").await;
    mount_status(&s, "K0", "FINISHED", "Finished").await;
    mount_status(&s, "K1", "ERROR", "Error: 2207005").await;
    mount_status(&s, "K2", "FINISHED", "Finished").await;
    let post = Post::carousel(
        (0..3).map(|i| MediaItem::image(format!("https://cdn.example.com/{i}.jpg"))),
    );
    let err = s
        .publisher
        .publish(&s.company, &s.ig, post, PublishOptions::new())
        .await
        .unwrap_err();
    match &err {
        Error::Publish {
            media,
            cause,
            container_id,
            ..
        } => {
            assert_eq!(
                media,
                &MediaRef::Child {
                    index: 1,
                    url: "https://cdn.example.com/1.jpg".into()
                }
            );
            assert_eq!(*cause, PublishFailure::UnsupportedImageFormat);
            assert_eq!(container_id.as_ref().map(|c| c.as_str()), Some("K1"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err
        .to_string()
        .contains("carousel child 1 (https://cdn.example.com/1.jpg)"));
}

#[tokio::test]
async fn over_quota_is_refused_before_any_container_with_frees_at() {
    let s = setup().await;
    mount_quota(&s, 50, 50).await;
    let oldest = chrono::Utc::now() - chrono::Duration::hours(20);
    let newer = chrono::Utc::now() - chrono::Duration::hours(2);
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%S+0000").to_string();
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/media"))))
        .and(query_param("fields", "id,timestamp"))
        .respond_with(ok(json!({"data": [
            {"id": "A", "timestamp": fmt(newer)},
            {"id": "B", "timestamp": fmt(oldest)},
        ]})))
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ok(json!({"id": "never"})))
        .expect(0)
        .mount(&s.server)
        .await;
    let err = s
        .publisher
        .publish(
            &s.company,
            &s.ig,
            Post::image("https://cdn.example.com/a.jpg"),
            PublishOptions::new(),
        )
        .await
        .unwrap_err();
    match &err {
        Error::QuotaExceeded {
            used,
            total,
            frees_at,
        } => {
            assert_eq!((*used, *total), (50, 50));
            let expected = oldest + chrono::Duration::days(1);
            assert!(
                (*frees_at - expected).num_seconds().abs() <= 1,
                "{frees_at} vs {expected}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(err.class(), ErrorClass::QuotaExceeded);
}

#[tokio::test]
async fn a_lost_publish_answer_is_recovered_without_publishing_again() {
    let s = setup().await;
    mount_quota(&s, 0, 50).await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .respond_with(ok(json!({"id": "C1"})))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media_publish"))))
        .respond_with(graph_error(
            500,
            2,
            None,
            "An unexpected error has occurred",
        ))
        .expect(1)
        .mount(&s.server)
        .await;
    mount_status(&s, "C1", "PUBLISHED", "Published").await;
    let now = chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S+0000")
        .to_string();
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/media"))))
        .and(query(&[
            (
                "fields",
                "id,caption,media_type,media_product_type,timestamp,permalink",
            ),
            ("limit", "10"),
        ]))
        .respond_with(ok(json!({"data": [
            {"id": "OTHER", "caption": "Something else", "media_type": "IMAGE", "media_product_type": "FEED", "timestamp": now},
            {"id": "M1", "caption": "Lost", "media_type": "IMAGE", "media_product_type": "FEED", "timestamp": now, "permalink": "https://www.instagram.com/p/M1/"},
        ]})))
        .expect(1)
        .mount(&s.server)
        .await;
    let done = s
        .publisher
        .publish(
            &s.company,
            &s.ig,
            Post::image("https://cdn.example.com/a.jpg").caption("Lost"),
            PublishOptions::new().idempotency_key("lost"),
        )
        .await
        .unwrap();
    assert_eq!(done.media_id, Some(MediaId::new("M1")));
    assert_eq!(
        done.permalink.as_deref(),
        Some("https://www.instagram.com/p/M1/")
    );
    // Same key again: the stored result, no call at all.
    let before = requests(&s).await;
    let again = s
        .publisher
        .publish(
            &s.company,
            &s.ig,
            Post::image("https://cdn.example.com/a.jpg").caption("Lost"),
            PublishOptions::new().idempotency_key("lost"),
        )
        .await
        .unwrap();
    assert!(again.replayed);
    assert_eq!(again.media_id, done.media_id);
    assert_eq!(requests(&s).await, before);
}

#[tokio::test]
async fn an_unmatched_published_container_is_published_without_id() {
    let s = setup().await;
    mount_quota(&s, 0, 50).await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .respond_with(ok(json!({"id": "C1"})))
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media_publish"))))
        .respond_with(graph_error(500, 2, None, "lost"))
        .expect(1)
        .mount(&s.server)
        .await;
    mount_status(&s, "C1", "PUBLISHED", "Published").await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/media"))))
        .respond_with(ok(json!({"data": []})))
        .mount(&s.server)
        .await;
    let done = s
        .publisher
        .publish(
            &s.company,
            &s.ig,
            Post::image("https://cdn.example.com/a.jpg"),
            PublishOptions::new().idempotency_key("nomatch"),
        )
        .await
        .unwrap();
    assert_eq!(done.media_id, None);
    let job = s
        .publisher
        .job(&s.company, "nomatch")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.status, instagraph::store::JobStatus::Published);
    assert!(job.error.unwrap().contains("could not be recovered"));
}

#[tokio::test]
async fn a_publish_error_that_is_final_fails_the_job_once() {
    let s = setup().await;
    mount_quota(&s, 0, 50).await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .respond_with(ok(json!({"id": "C1"})))
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media_publish"))))
        .respond_with(graph_error(400, 368, None, "blocked"))
        .expect(1)
        .mount(&s.server)
        .await;
    mount_status(&s, "C1", "FINISHED", "Finished").await;
    let err = s
        .publisher
        .publish(
            &s.company,
            &s.ig,
            Post::image("https://cdn.example.com/a.jpg"),
            PublishOptions::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::PolicyBlocked);
    assert!(matches!(err, Error::Publish { .. }));
}
