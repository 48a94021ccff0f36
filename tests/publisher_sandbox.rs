//! The Publisher against the sandbox: every media type end to end with progress events, the
//! call counts, a failing carousel item named, the quota refusal, idempotency, a lost
//! `media_publish` answer, a resumed upload, and a restart from SQLite.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use instagraph::publisher::{
    MediaItem, MediaRef, MediaSource, Post, ProgressCallback, ProgressEvent, PublishFailure,
    PublishOptions, Publisher, PublisherConfig, WaitPolicy,
};
use instagraph::store::{
    AccountSource, JobStatus, LoginKind, NewAccount, NewToken, SealingKey, Store, TokenKind,
};
use instagraph::{
    AccessToken, AccountManager, Client, CompanyId, Error, ErrorClass, IgUserId, RetryPolicy,
};
use instagraph_sandbox::{Faults, Login, Sandbox, SandboxConfig, TokenRequest};
use sha2::Digest;

const ALICE: &str = "100000000000011";
const PAGE_BAKERY: &str = "100000000000101";
const IG_BAKERY: &str = "17841400000000001";

fn sandbox_config() -> SandboxConfig {
    SandboxConfig {
        image_processing_ms: 0,
        video_processing_ms: 300,
        reel_processing_ms: 1_500,
        story_processing_ms: 300,
        carousel_processing_ms: 100,
        app_call_budget_per_hour: 0,
        business_call_budget_per_day: 0,
        ..SandboxConfig::default()
    }
}

fn fast_config() -> PublisherConfig {
    PublisherConfig {
        image_wait: WaitPolicy {
            first_poll: Duration::from_millis(50),
            factor: 2.0,
            max_interval: Duration::from_millis(500),
            timeout: Duration::from_secs(20),
        },
        video_wait: WaitPolicy {
            first_poll: Duration::from_millis(250),
            factor: 2.0,
            max_interval: Duration::from_secs(2),
            timeout: Duration::from_secs(30),
        },
        ..PublisherConfig::default()
    }
}

struct Env {
    sandbox: Sandbox,
    store: Store,
    client: Client,
    company: CompanyId,
    ig: IgUserId,
}

impl Env {
    async fn start(config: SandboxConfig) -> Env {
        Self::with_store(config, Store::memory(SealingKey::generate())).await
    }

    async fn with_store(config: SandboxConfig, store: Store) -> Env {
        let sandbox = Sandbox::builder()
            .config(config)
            .start()
            .await
            .expect("sandbox starts");
        let client = client(&sandbox);
        let company = CompanyId::new("acme");
        let issued = sandbox
            .issue_token(&TokenRequest {
                user_id: ALICE.into(),
                login: Login::Facebook,
                long_lived: true,
                scopes: None,
                page_id: Some(PAGE_BAKERY.into()),
            })
            .expect("page token");
        let token_id = store
            .save_token(
                &company,
                NewToken {
                    kind: TokenKind::Page,
                    login: LoginKind::Facebook,
                    subject_id: PAGE_BAKERY.into(),
                    token: AccessToken::new(issued.access_token),
                    scopes: Vec::new(),
                    expires_at: None,
                    issued_at: chrono::Utc::now(),
                },
            )
            .await
            .unwrap();
        let mut account = NewAccount::new(IgUserId::new(IG_BAKERY), AccountSource::PageLinked);
        account.token_id = Some(token_id);
        store
            .backend()
            .upsert_accounts(&company, vec![account])
            .await
            .unwrap();
        Env {
            sandbox,
            store,
            client,
            company,
            ig: IgUserId::new(IG_BAKERY),
        }
    }

    fn publisher(&self, config: PublisherConfig) -> Publisher {
        Publisher::with_config(
            AccountManager::new(self.client.clone(), self.store.clone()),
            config,
        )
    }

    fn count(&self, kind: &str) -> u64 {
        self.sandbox
            .call_counts()
            .get(kind)
            .copied()
            .unwrap_or_default()
    }

    fn total_calls(&self) -> u64 {
        self.sandbox.call_counts().values().sum()
    }
}

fn client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .app(sandbox.app_id(), sandbox.app_secret())
        .sandbox(sandbox.base_url())
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(50),
            ..RetryPolicy::default()
        })
        .build()
        .expect("client")
}

type Events = Arc<Mutex<Vec<ProgressEvent>>>;

fn recorder() -> (ProgressCallback, Events) {
    let events: Events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let cb: ProgressCallback = Arc::new(move |e| sink.lock().unwrap().push(e));
    (cb, events)
}

fn kinds(events: &Events) -> Vec<&'static str> {
    events
        .lock()
        .unwrap()
        .iter()
        .map(|e| match e {
            ProgressEvent::Created { .. } => "created",
            ProgressEvent::Uploading { .. } => "uploading",
            ProgressEvent::Processing { .. } => "processing",
            ProgressEvent::Ready { .. } => "ready",
            ProgressEvent::Published { .. } => "published",
            _ => "other",
        })
        .collect()
}

#[tokio::test]
async fn image_end_to_end_in_three_calls() {
    let env = Env::start(sandbox_config()).await;
    let publisher = env.publisher(fast_config());
    let before = env.sandbox.published_count(IG_BAKERY);
    let (cb, events) = recorder();
    let done = publisher
        .publish(
            &env.company,
            &env.ig,
            Post::image("https://cdn.example.com/bread.jpg").caption("Fresh #bread"),
            PublishOptions::new().progress(cb),
        )
        .await
        .unwrap();
    assert!(done.media_id.is_some());
    assert!(done
        .permalink
        .as_deref()
        .is_some_and(|p| p.starts_with("https://www.instagram.com/")));
    assert_eq!(env.sandbox.published_count(IG_BAKERY), before + 1);
    assert_eq!(kinds(&events), vec!["created", "published"]);
    // First publish on the account: + one quota read.
    assert_eq!(env.count("container_status"), 0);
    assert_eq!(env.count("publishing_limit"), 1);
    assert_eq!(env.total_calls(), 4);

    env.sandbox.reset_call_counts();
    publisher
        .publish(
            &env.company,
            &env.ig,
            Post::image("https://cdn.example.com/bread2.jpg"),
            PublishOptions::new(),
        )
        .await
        .unwrap();
    assert!(env.total_calls() <= 3, "{:?}", env.sandbox.call_counts());

    let lean = env.publisher(PublisherConfig {
        fetch_permalink: false,
        ..fast_config()
    });
    env.sandbox.reset_call_counts();
    lean.publish(
        &env.company,
        &env.ig,
        Post::image("https://cdn.example.com/bread3.jpg"),
        PublishOptions::new(),
    )
    .await
    .unwrap();
    assert!(env.total_calls() <= 3, "{:?}", env.sandbox.call_counts());
}

#[tokio::test]
async fn carousel_of_images_and_a_video_end_to_end() {
    let env = Env::start(sandbox_config()).await;
    let publisher = env.publisher(fast_config());
    let (cb, events) = recorder();
    let n = 3;
    let post = Post::carousel([
        MediaItem::image("https://cdn.example.com/a.jpg").alt_text("A"),
        MediaItem::video("https://cdn.example.com/b.mp4"),
        MediaItem::image("https://cdn.example.com/c.jpg"),
    ])
    .caption("Three #things")
    .collaborator("baker.bob");
    let done = publisher
        .publish(
            &env.company,
            &env.ig,
            post,
            PublishOptions::new().progress(cb),
        )
        .await
        .unwrap();
    assert!(done.media_id.is_some());
    assert_eq!(done.item_containers.len(), n);
    let calls = env.sandbox.call_counts();
    let polls = env.count("container_status");
    assert_eq!(env.count("container_create"), n as u64 + 1);
    assert_eq!(env.count("media_publish"), 1);
    assert!(env.total_calls() - polls <= n as u64 + 4, "{calls:?}");
    let k = kinds(&events);
    assert_eq!(k.iter().filter(|e| **e == "created").count(), n + 1);
    assert_eq!(k.last(), Some(&"published"));
    assert!(k.contains(&"ready"));
}

#[tokio::test]
async fn reel_polls_adaptively_within_the_bound() {
    let mut config = sandbox_config();
    config.reel_processing_ms = 4_000;
    let env = Env::start(config).await;
    let publisher = env.publisher(PublisherConfig {
        video_wait: WaitPolicy::videos(),
        ..fast_config()
    });
    let (cb, events) = recorder();
    let done = publisher
        .publish(
            &env.company,
            &env.ig,
            Post::reel("https://cdn.example.com/reel.mp4")
                .caption("Reel")
                .share_to_feed(true)
                .audio_name("Song"),
            PublishOptions::new().progress(cb),
        )
        .await
        .unwrap();
    assert!(done.media_id.is_some());
    let polls = env.count("container_status") as f64;
    assert!(polls <= 4f64.log2() + 3.0, "{polls} polls");
    let k = kinds(&events);
    assert_eq!(k.first(), Some(&"created"));
    assert!(k.contains(&"processing"));
    assert_eq!(&k[k.len() - 2..], &["ready", "published"]);
}

#[tokio::test]
async fn stories_of_both_kinds() {
    let env = Env::start(sandbox_config()).await;
    let publisher = env.publisher(fast_config());
    for media in [
        MediaItem::image("https://cdn.example.com/s.jpg"),
        MediaItem::video("https://cdn.example.com/s.mp4"),
    ] {
        let done = publisher
            .publish(
                &env.company,
                &env.ig,
                Post::story(media),
                PublishOptions::new(),
            )
            .await
            .unwrap();
        assert!(done.media_id.is_some());
    }
    assert_eq!(env.sandbox.story_count(IG_BAKERY), 2);
}

#[tokio::test]
async fn local_reel_is_uploaded_and_resumed_after_a_cut() {
    let env = Env::start(sandbox_config()).await;
    env.sandbox.set_faults(Faults {
        upload_drop_after_bytes: Some(400_000),
        ..Faults::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reel.mp4");
    let bytes: Vec<u8> = (0..1_000_000u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(&file, &bytes).unwrap();
    let publisher = env.publisher(fast_config());
    let (cb, events) = recorder();
    let done = publisher
        .publish(
            &env.company,
            &env.ig,
            Post::reel(MediaSource::file(&file)).caption("From disk"),
            PublishOptions::new().progress(cb),
        )
        .await
        .unwrap();
    assert!(done.media_id.is_some());
    let container = done.container_id.unwrap();
    let state = env.sandbox.upload_state(container.as_str()).unwrap();
    assert!(state.complete);
    assert_eq!(state.offset, 1_000_000);
    assert_eq!(
        state.sha256.as_deref(),
        Some(hex::encode(sha2::Sha256::digest(&bytes)).as_str())
    );
    assert!(env.count("upload_status") >= 1, "resumed from the offset");
    let uploads: Vec<u64> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            ProgressEvent::Uploading { bytes, .. } => Some(*bytes),
            _ => None,
        })
        .collect();
    assert_eq!(uploads.last(), Some(&1_000_000));
}

#[tokio::test]
async fn a_failing_carousel_item_is_named() {
    let env = Env::start(sandbox_config()).await;
    let publisher = env.publisher(PublisherConfig {
        max_recreations: 0,
        ..fast_config()
    });
    let post = Post::carousel([
        MediaItem::image("https://cdn.example.com/ok.jpg"),
        MediaItem::image("https://cdn.example.com/bad.png"),
    ]);
    let err = publisher
        .publish(&env.company, &env.ig, post, PublishOptions::new())
        .await
        .unwrap_err();
    match &err {
        Error::Publish { media, cause, .. } => {
            assert_eq!(
                media,
                &MediaRef::Child {
                    index: 1,
                    url: "https://cdn.example.com/bad.png".into()
                }
            );
            assert_eq!(*cause, PublishFailure::UnsupportedImageFormat);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(env.sandbox.published_count(IG_BAKERY), 0);
}

#[tokio::test]
async fn a_server_error_once_is_recreated() {
    let env = Env::start(sandbox_config()).await;
    let publisher = env.publisher(fast_config());
    let done = publisher
        .publish(
            &env.company,
            &env.ig,
            Post::image("https://cdn.example.com/server-error-once.jpg"),
            PublishOptions::new(),
        )
        .await
        .unwrap();
    assert!(done.media_id.is_some());
    assert_eq!(env.count("container_create"), 2);
}

#[tokio::test]
async fn quota_refusal_carries_frees_at() {
    let mut config = sandbox_config();
    config.publishing_quota = 1;
    let env = Env::start(config).await;
    let publisher = env.publisher(fast_config());
    let before = chrono::Utc::now();
    publisher
        .publish(
            &env.company,
            &env.ig,
            Post::image("https://cdn.example.com/1.jpg"),
            PublishOptions::new(),
        )
        .await
        .unwrap();
    let creates = env.count("container_create");
    let err = publisher
        .publish(
            &env.company,
            &env.ig,
            Post::image("https://cdn.example.com/2.jpg"),
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
            assert_eq!(*total, 1);
            assert!(*used >= 1);
            let earliest = before + chrono::Duration::hours(24) - chrono::Duration::seconds(5);
            let latest = chrono::Utc::now() + chrono::Duration::hours(24);
            assert!(*frees_at >= earliest && *frees_at <= latest, "{frees_at}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(err.class(), ErrorClass::QuotaExceeded);
    assert_eq!(env.count("container_create"), creates, "no container");
    assert_eq!(env.sandbox.published_count(IG_BAKERY), 1);
}

#[tokio::test]
async fn the_same_key_returns_the_first_result() {
    let env = Env::start(sandbox_config()).await;
    let publisher = env.publisher(fast_config());
    let post = Post::image("https://cdn.example.com/k.jpg").caption("Once");
    let first = publisher
        .publish(
            &env.company,
            &env.ig,
            post.clone(),
            PublishOptions::new().idempotency_key("order-42"),
        )
        .await
        .unwrap();
    env.sandbox.reset_call_counts();
    let second = publisher
        .publish(
            &env.company,
            &env.ig,
            post,
            PublishOptions::new().idempotency_key("order-42"),
        )
        .await
        .unwrap();
    assert!(second.replayed);
    assert_eq!(second.media_id, first.media_id);
    assert_eq!(second.permalink, first.permalink);
    assert_eq!(env.total_calls(), 0);
    assert_eq!(env.sandbox.published_count(IG_BAKERY), 1);
}

#[tokio::test]
async fn concurrent_publishes_with_one_key_post_once() {
    let env = Env::start(sandbox_config()).await;
    let publisher = env.publisher(fast_config());
    let post = Post::reel("https://cdn.example.com/c.mp4").caption("Concurrent");
    let opts = || PublishOptions::new().idempotency_key("same");
    let (a, b) = tokio::join!(
        publisher.publish(&env.company, &env.ig, post.clone(), opts()),
        publisher.publish(&env.company, &env.ig, post.clone(), opts()),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.media_id, b.media_id);
    assert!(a.replayed ^ b.replayed);
    assert_eq!(env.sandbox.published_count(IG_BAKERY), 1);
    assert_eq!(env.count("container_create"), 1);
}

#[tokio::test]
async fn a_lost_publish_answer_is_recovered() {
    for mode in [
        instagraph_sandbox::LostPublishMode::Drop,
        instagraph_sandbox::LostPublishMode::Error,
    ] {
        let env = Env::start(sandbox_config()).await;
        env.sandbox.set_faults(Faults {
            lost_publish_rate: 1.0,
            lost_publish_mode: mode,
            ..Faults::default()
        });
        let publisher = env.publisher(fast_config());
        let done = publisher
            .publish(
                &env.company,
                &env.ig,
                Post::image("https://cdn.example.com/lost.jpg").caption("Lost and found"),
                PublishOptions::new().idempotency_key("lost"),
            )
            .await
            .unwrap();
        assert!(done.media_id.is_some(), "{mode:?}");
        assert_eq!(env.sandbox.published_count(IG_BAKERY), 1, "{mode:?}");
        let job = publisher.job(&env.company, "lost").await.unwrap().unwrap();
        assert_eq!(job.status, JobStatus::Published);
        assert_eq!(job.media_id, done.media_id.map(|m| m.to_string()));
    }
}

/// Kills the publishing task between container creation and publishing, then a new
/// publisher on the same SQLite file resumes the job (by key, and through `execute_job`).
#[tokio::test]
async fn restart_from_sqlite_posts_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("jobs.db");
    let key = SealingKey::generate();
    let store = Store::sqlite(&db, key.clone()).await.unwrap();
    let mut config = sandbox_config();
    config.reel_processing_ms = 2_000;
    let env = Env::with_store(config, store).await;
    let pub_config = PublisherConfig {
        lease: Duration::from_secs(1),
        ..fast_config()
    };

    for via_execute_job in [false, true] {
        let before = env.sandbox.published_count(IG_BAKERY);
        let idem = format!("restart-{via_execute_job}");
        let first = env.publisher(pub_config.clone());
        let (created_tx, created_rx) = tokio::sync::oneshot::channel::<()>();
        let created_tx = Mutex::new(Some(created_tx));
        let cb: ProgressCallback = Arc::new(move |e| {
            // By key: killed right after the container id was persisted; through
            // `execute_job`: killed while waiting for processing.
            let kill_point = if via_execute_job {
                matches!(e, ProgressEvent::Processing { .. })
            } else {
                matches!(e, ProgressEvent::Created { .. })
            };
            if kill_point {
                if let Some(tx) = created_tx.lock().unwrap().take() {
                    let _ = tx.send(());
                }
            }
        });
        let task = {
            let company = env.company.clone();
            let ig = env.ig.clone();
            let idem = idem.clone();
            tokio::spawn(async move {
                first
                    .publish(
                        &company,
                        &ig,
                        Post::reel("https://cdn.example.com/restart.mp4")
                            .caption(format!("Restart {idem}")),
                        PublishOptions::new().idempotency_key(idem).progress(cb),
                    )
                    .await
            })
        };
        created_rx.await.unwrap();
        task.abort();
        let _ = task.await;

        // A new process: a new store handle on the same file, a new publisher.
        let store = Store::sqlite(&db, key.clone()).await.unwrap();
        let second = Publisher::with_config(
            AccountManager::new(env.client.clone(), store.clone()),
            pub_config.clone(),
        );
        let job = second.job(&env.company, &idem).await.unwrap().unwrap();
        // Killed before `media_publish`: the container exists, the post does not.
        assert!(
            matches!(job.status, JobStatus::Pending | JobStatus::ContainerCreated),
            "{:?}",
            job.status
        );
        assert_eq!(env.sandbox.published_count(IG_BAKERY), before);
        assert_eq!(job.container_ids.len(), 1);
        assert!(
            !job.container_ids[0].is_empty(),
            "the container id is persisted"
        );
        let media_id = if via_execute_job {
            tokio::time::sleep(Duration::from_millis(1_100)).await;
            let done = second.execute_job(job, "worker-1").await.unwrap();
            assert_eq!(done.status, JobStatus::Published);
            done.media_id
        } else {
            let done = second
                .publish(
                    &env.company,
                    &env.ig,
                    Post::reel("https://cdn.example.com/restart.mp4")
                        .caption(format!("Restart {idem}")),
                    PublishOptions::new().idempotency_key(idem.clone()),
                )
                .await
                .unwrap();
            assert_eq!(
                done.container_id.map(|c| c.to_string()),
                Some(job.container_ids[0].clone()),
                "the first container was reused"
            );
            done.media_id.map(|m| m.to_string())
        };
        assert!(media_id.is_some());
        assert_eq!(env.sandbox.published_count(IG_BAKERY), before + 1);
    }
}

#[tokio::test]
async fn execute_job_defers_on_quota_and_fails_bad_payloads() {
    let mut config = sandbox_config();
    config.publishing_quota = 0;
    let env = Env::start(config).await;
    let publisher = env.publisher(fast_config());
    let backend = env.store.backend();
    let job = instagraph::store::JobRecord::new(
        env.company.clone(),
        env.ig.clone(),
        "sched-1",
        Post::image("https://cdn.example.com/q.jpg")
            .to_payload()
            .unwrap(),
    );
    let job = match backend.insert_job(job).await.unwrap() {
        instagraph::store::JobInsert::Inserted(j) => j,
        other => panic!("{other:?}"),
    };
    let err = publisher.execute_job(job.clone(), "w1").await.unwrap_err();
    assert!(matches!(err, Error::QuotaExceeded { .. }), "{err:?}");
    let stored = backend
        .get_job(&env.company, &job.id)
        .await
        .unwrap()
        .unwrap();
    assert!(!stored.status.is_terminal());
    assert!(stored.container_ids.iter().all(|c| c.is_empty()));

    let bad = instagraph::store::JobRecord::new(
        env.company.clone(),
        env.ig.clone(),
        "sched-2",
        serde_json::json!({"kind": "image", "items": []}),
    );
    let bad = match backend.insert_job(bad).await.unwrap() {
        instagraph::store::JobInsert::Inserted(j) => j,
        other => panic!("{other:?}"),
    };
    let failed = publisher.execute_job(bad, "w1").await.unwrap();
    assert_eq!(failed.status, JobStatus::Failed);
    assert!(failed.error.unwrap().contains("items"));
}

#[tokio::test]
async fn delete_and_comments_on_published_media() {
    let env = Env::start(sandbox_config()).await;
    let publisher = env.publisher(fast_config());
    let done = publisher
        .publish(
            &env.company,
            &env.ig,
            Post::image("https://cdn.example.com/del.jpg"),
            PublishOptions::new(),
        )
        .await
        .unwrap();
    let media = done.media_id.unwrap();
    publisher
        .set_comments_enabled(&env.company, &env.ig, &media, false)
        .await
        .unwrap();
    publisher
        .delete_media(&env.company, &env.ig, &media)
        .await
        .unwrap();

    let carousel = publisher
        .publish(
            &env.company,
            &env.ig,
            Post::carousel([
                MediaItem::image("https://cdn.example.com/c1.jpg"),
                MediaItem::image("https://cdn.example.com/c2.jpg"),
            ]),
            PublishOptions::new(),
        )
        .await
        .unwrap();
    let graph_children = env
        .client
        .facebook(&AccessToken::new(
            env.sandbox
                .issue_token(&TokenRequest {
                    user_id: ALICE.into(),
                    login: Login::Facebook,
                    long_lived: true,
                    scopes: None,
                    page_id: Some(PAGE_BAKERY.into()),
                })
                .unwrap()
                .access_token,
        ))
        .media(carousel.media_id.clone().unwrap())
        .children()
        .send()
        .await
        .unwrap();
    let child = graph_children.items[0].id.clone();
    let err = publisher
        .delete_media(&env.company, &env.ig, &child)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Publish {
                cause: PublishFailure::CarouselChildNotDeletable,
                ..
            }
        ),
        "{err:?}"
    );
}

/// A crash after `media_publish` went out but before `Published` was stored: the job is left
/// `Publishing`. The next publisher reads the container (`PUBLISHED`), recovers the media id
/// and never publishes again.
#[tokio::test]
async fn a_job_left_publishing_is_settled_from_the_container_status() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("jobs.db");
    let key = SealingKey::generate();
    let store = Store::sqlite(&db, key.clone()).await.unwrap();
    let env = Env::with_store(sandbox_config(), store).await;
    for kind in ["image", "story", "carousel"] {
        let first = env.publisher(fast_config());
        let post = match kind {
            "image" => Post::image("https://cdn.example.com/p.jpg").caption("Crash after publish"),
            "story" => Post::story(MediaItem::image("https://cdn.example.com/st.jpg")),
            _ => Post::carousel([
                MediaItem::image("https://cdn.example.com/c1.jpg"),
                MediaItem::image("https://cdn.example.com/c2.jpg"),
            ])
            .caption("Crash carousel"),
        };
        let idem = format!("crash-{kind}");
        let done = first
            .publish(
                &env.company,
                &env.ig,
                post.clone(),
                PublishOptions::new().idempotency_key(idem.clone()),
            )
            .await
            .unwrap();
        let published = env.sandbox.published_count(IG_BAKERY) + env.sandbox.story_count(IG_BAKERY);
        // Rewind the stored job to what a crash right after `media_publish` leaves.
        let mut job = first.job(&env.company, &idem).await.unwrap().unwrap();
        job.status = JobStatus::Publishing;
        job.media_id = None;
        job.permalink = None;
        env.store.backend().update_job(&job).await.unwrap();

        let store = Store::sqlite(&db, key.clone()).await.unwrap();
        let second = Publisher::with_config(
            AccountManager::new(env.client.clone(), store),
            fast_config(),
        );
        env.sandbox.reset_call_counts();
        let again = second
            .publish(
                &env.company,
                &env.ig,
                post,
                PublishOptions::new().idempotency_key(idem.clone()),
            )
            .await
            .unwrap();
        assert_eq!(again.media_id, done.media_id, "{kind}");
        assert_eq!(env.count("media_publish"), 0, "{kind}");
        assert_eq!(
            env.sandbox.published_count(IG_BAKERY) + env.sandbox.story_count(IG_BAKERY),
            published,
            "{kind}"
        );
    }
}
