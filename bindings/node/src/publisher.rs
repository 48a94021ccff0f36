//! `Publisher`: exactly-once publishing with progress as a (non-blocking) JS callback.

use std::sync::Arc;

use instagraph::error::MediaRef as RustMediaRef;
use instagraph::publisher::{
    Post as RustPost, ProgressEvent as RustEvent, PublishOptions as RustOptions,
    PublishResult as RustResult, PublisherConfig, QuotaAccounting as RustQuotaAccounting,
    QuotaStatus,
};
use instagraph::{CompanyId, IgUserId};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use serde_json::{json, Map, Value};
use tokio::sync::OnceCell;

use crate::accounts::AccountManager;
use crate::convert::{required, snake_keys};
use crate::error::{guard, sdk_error, type_error};
use crate::store::Lazy;

/// The progress callback: called with each event object, on Node's thread, without blocking
/// the publish (`(event) => void`).
pub type ProgressFn =
    ThreadsafeFunction<ProgressEvent, Unknown<'static>, ProgressEvent, Status, false>;

/// Options of `publish` / `publishImage`.
#[napi(object, object_to_js = false)]
pub struct PublishOptions {
    /// Publishing again with the same key returns the first result (exactly once).
    pub idempotency_key: Option<String>,
    /// Called with every progress event (`{ type: "created" | "uploading" | "processing" |
    /// "ready" | "published", ... }`).
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressFn>,
}

/// Extra fields of `publishImage`.
#[napi(object, object_to_js = false)]
pub struct PublishImageOptions {
    /// The caption.
    pub caption: Option<String>,
    /// The image's alt text.
    pub alt_text: Option<String>,
    /// See `PublishOptions.idempotencyKey`.
    pub idempotency_key: Option<String>,
    /// See `PublishOptions.onProgress`.
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressFn>,
}

/// Which media a progress event or a publish error is about.
#[napi(discriminant = "kind", discriminant_case = "lowercase")]
pub enum MediaRef {
    /// The media of a single-media post (image, reel, story): its URL or local file path.
    Media {
        /// The media URL (or the local file path of an uploaded video).
        url: String,
    },
    /// One item of a carousel.
    Child {
        /// Its index in the carousel (from 0).
        index: u32,
        /// Its URL (or local file path).
        url: String,
    },
    /// The carousel container itself.
    Carousel,
    /// A published media object.
    Published {
        /// The media id.
        #[napi(js_name = "media_id")]
        media_id: String,
    },
}

impl From<&RustMediaRef> for MediaRef {
    fn from(m: &RustMediaRef) -> Self {
        match m {
            RustMediaRef::Media { url } => MediaRef::Media { url: url.clone() },
            RustMediaRef::Child { index, url } => MediaRef::Child {
                index: u32::try_from(*index).unwrap_or(u32::MAX),
                url: url.clone(),
            },
            RustMediaRef::Carousel => MediaRef::Carousel,
            RustMediaRef::Published { media_id } => MediaRef::Published {
                media_id: media_id.clone(),
            },
        }
    }
}

/// One step of a publish, in order.
#[napi(
    discriminant = "type",
    discriminant_case = "lowercase",
    use_nullable = true
)]
pub enum ProgressEvent {
    /// A media container was created.
    Created {
        /// The media it holds.
        media: MediaRef,
        /// The container's id.
        container_id: String,
    },
    /// A local video is being uploaded.
    Uploading {
        /// The media being uploaded.
        media: MediaRef,
        /// Bytes sent so far.
        bytes: i64,
        /// Bytes in all.
        total: i64,
    },
    /// Meta is processing a container.
    Processing {
        /// The container.
        container_id: String,
        /// Meta's status code of it (`IN_PROGRESS`, ...).
        status: String,
        /// Milliseconds since the container was created.
        elapsed_ms: i64,
    },
    /// A container is ready to publish.
    Ready {
        /// The container.
        container_id: String,
    },
    /// The post is live.
    Published {
        /// The published media's id.
        media_id: Option<String>,
        /// Its permalink.
        permalink: Option<String>,
    },
}

/// The progress event of a core event (`None` for kinds this binding does not know yet).
fn event(e: &RustEvent) -> Option<ProgressEvent> {
    Some(match e {
        RustEvent::Created {
            media,
            container_id,
        } => ProgressEvent::Created {
            media: media.into(),
            container_id: container_id.as_str().to_owned(),
        },
        RustEvent::Uploading {
            media,
            bytes,
            total,
        } => ProgressEvent::Uploading {
            media: media.into(),
            bytes: crate::convert::number(*bytes),
            total: crate::convert::number(*total),
        },
        RustEvent::Processing {
            container_id,
            status,
            elapsed,
        } => ProgressEvent::Processing {
            container_id: container_id.as_str().to_owned(),
            status: format!("{status:?}"),
            elapsed_ms: i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX),
        },
        RustEvent::Ready { container_id } => ProgressEvent::Ready {
            container_id: container_id.as_str().to_owned(),
        },
        RustEvent::Published {
            media_id,
            permalink,
        } => ProgressEvent::Published {
            media_id: media_id.as_ref().map(|m| m.as_str().to_owned()),
            permalink: permalink.clone(),
        },
        _ => return None,
    })
}

/// The result of a publish.
#[napi(object, use_nullable = true)]
pub struct PublishResult {
    /// The publish job (one per idempotency key).
    pub job_id: String,
    /// The key that makes the publish exactly-once.
    pub idempotency_key: String,
    /// The published media's id.
    pub media_id: Option<String>,
    /// Its permalink.
    pub permalink: Option<String>,
    /// The container that was published.
    pub container_id: Option<String>,
    /// The containers of a carousel's items.
    pub item_containers: Vec<String>,
    /// Whether this is the first publish's result, returned again for the same key.
    pub replayed: bool,
}

impl From<&RustResult> for PublishResult {
    fn from(r: &RustResult) -> Self {
        Self {
            job_id: r.job_id.as_str().to_owned(),
            idempotency_key: r.idempotency_key.clone(),
            media_id: r.media_id.as_ref().map(|m| m.as_str().to_owned()),
            permalink: r.permalink.clone(),
            container_id: r.container_id.as_ref().map(|c| c.as_str().to_owned()),
            item_containers: r
                .item_containers
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
            replayed: r.replayed,
        }
    }
}

/// One item of a post.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct PostItem {
    /// What it is.
    #[napi(ts_type = "'image' | 'video'")]
    pub kind: String,
    /// Its public URL.
    pub url: Option<String>,
    /// A local video file, uploaded resumably.
    pub file: Option<String>,
    /// An image's alt text.
    pub alt_text: Option<String>,
}

/// A post: `{ kind, url, caption }` for one image, or `{ kind, items: [{ kind, url | file,
/// altText }], ... }` (checked and converted by the Rust side, which names a bad field).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct Post {
    /// What it is.
    #[napi(ts_type = "'image' | 'carousel' | 'reel' | 'story'")]
    pub kind: String,
    /// The single media's URL (instead of `items`).
    pub url: Option<String>,
    /// The single video's local file (instead of `items`).
    pub file: Option<String>,
    /// The media, in order (a carousel has 2 to 10).
    pub items: Option<Vec<PostItem>>,
    /// The caption.
    pub caption: Option<String>,
    /// The single image's alt text.
    pub alt_text: Option<String>,
    /// A location page id.
    pub location_id: Option<String>,
    /// Accounts tagged on an image or reel (not on a carousel or story).
    pub user_tags: Option<Vec<UserTagInput>>,
    /// Catalog products tagged on an image or reel (not on a carousel or story).
    pub product_tags: Option<Vec<crate::shopping::ProductTagInput>>,
    /// Usernames to invite as collaborators.
    pub collaborators: Option<Vec<String>>,
    /// A reel: also show it in the feed.
    pub share_to_feed: Option<bool>,
    /// A reel's cover image URL.
    pub cover_url: Option<String>,
    /// A reel's cover frame, in milliseconds.
    pub thumb_offset_ms: Option<f64>,
    /// A reel's audio name.
    pub audio_name: Option<String>,
    /// A trial reel (shown to non-followers first) and how it graduates.
    pub trial_params: Option<TrialParams>,
}

/// An account tagged on a media: its username (without `@`) at (`x`, `y`), each 0..1.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct UserTagInput {
    /// The tagged account's username.
    pub username: String,
    /// Horizontal position, 0..1.
    pub x: f64,
    /// Vertical position, 0..1.
    pub y: f64,
}

/// `trialParams` of a reel.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct TrialParams {
    /// `MANUAL` (graduated in the Instagram app) or `SS_PERFORMANCE` (graduated when it
    /// performs well with non-followers).
    #[napi(ts_type = "'MANUAL' | 'SS_PERFORMANCE'")]
    pub graduation_strategy: String,
}

fn rust_options(key: Option<String>, on_progress: Option<ProgressFn>) -> napi::Result<RustOptions> {
    let mut opts = RustOptions::new();
    if let Some(key) = key {
        required("options.idempotencyKey", &key)?;
        opts = opts.idempotency_key(key);
    }
    if let Some(tsfn) = on_progress {
        let tsfn = Arc::new(tsfn);
        opts = opts.progress(Arc::new(move |e: RustEvent| {
            // NonBlocking: a publish never waits for JavaScript.
            if let Some(event) = event(&e) {
                tsfn.call(event, ThreadsafeFunctionCallMode::NonBlocking);
            }
        }));
    }
    Ok(opts)
}

/// Accepts the JS shape of a post: camelCase keys; each item's source as `url` / `file`
/// (or `source: { url }`); an image post may be `{ kind: "image", url, caption }`.
pub(crate) fn post_from_js(value: Value) -> napi::Result<RustPost> {
    let Value::Object(mut map) = snake_keys(value) else {
        return Err(type_error("post", "must be an object"));
    };
    if !map.contains_key("items") {
        let mut item = Map::new();
        for key in ["url", "file", "source", "alt_text"] {
            if let Some(v) = map.remove(key) {
                item.insert(key.to_owned(), v);
            }
        }
        let kind = match map.get("kind").and_then(Value::as_str) {
            Some("reel") => "video",
            Some("story") | Some("image") | None => "image",
            Some(_) => "image",
        };
        item.entry("kind").or_insert_with(|| json!(kind));
        map.insert("items".into(), Value::Array(vec![Value::Object(item)]));
    }
    if let Some(Value::Array(items)) = map.get_mut("items") {
        for (i, item) in items.iter_mut().enumerate() {
            let Value::Object(item) = item else {
                return Err(type_error(&format!("post.items[{i}]"), "must be an object"));
            };
            if !item.contains_key("source") {
                if let Some(url) = item.remove("url") {
                    item.insert("source".into(), json!({ "url": url }));
                } else if let Some(file) = item.remove("file") {
                    item.insert("source".into(), json!({ "file": file }));
                } else {
                    return Err(type_error(
                        &format!("post.items[{i}]"),
                        "needs `url` (or `file` for a local video)",
                    ));
                }
            }
        }
    }
    serde_json::from_value(Value::Object(map)).map_err(|e| type_error("post", e))
}

/// An account's publishing quota (posts per rolling window).
#[napi(object)]
pub struct PublishQuota {
    /// Posts counted in the window, publishes in flight included.
    pub used: f64,
    /// Posts allowed per window.
    pub total: f64,
    /// Posts still allowed now.
    pub remaining: f64,
    /// The window's length, in seconds.
    pub window_seconds: f64,
    /// When Meta's count was last read (ISO 8601).
    pub read_at: String,
}

impl From<&QuotaStatus> for PublishQuota {
    #[allow(clippy::cast_precision_loss)] // post counts and a window in seconds, far below 2^53
    fn from(q: &QuotaStatus) -> Self {
        Self {
            used: q.used as f64,
            total: q.total as f64,
            remaining: q.remaining() as f64,
            window_seconds: q.window.as_secs() as f64,
            read_at: q.read_at.to_rfc3339(),
        }
    }
}

/// Where the publishing quota is counted between reads of Meta's
/// `content_publishing_limit`.
#[napi(string_enum = "lowercase")]
pub enum QuotaAccounting {
    /// In this process (the default).
    Local,
    /// In the `AccountManager`'s store, shared by every process on it (SQLite file, Postgres,
    /// JS store): processes publishing on one account cannot overshoot its quota together.
    Shared,
}

/// Options of `new Publisher(accounts, options)`.
#[napi(object)]
pub struct PublisherOptions {
    /// Where the publishing quota is counted (`'local'` by default).
    pub quota: Option<QuotaAccounting>,
}

/// Publishes posts exactly once, with progress.
#[napi]
pub struct Publisher {
    pub(crate) lazy: Arc<Lazy>,
    pub(crate) cell: Arc<OnceCell<instagraph::Publisher>>,
    pub(crate) config: PublisherConfig,
}

/// The core publisher over `lazy`'s accounts, built on first use (by the `Publisher` or by a
/// `Scheduler` made from it).
pub(crate) async fn core_publisher<'a>(
    cell: &'a OnceCell<instagraph::Publisher>,
    lazy: &Lazy,
    config: &PublisherConfig,
    what: &str,
) -> napi::Result<&'a instagraph::Publisher> {
    cell.get_or_try_init(|| async {
        let manager = lazy.get(what).await?;
        Ok(instagraph::Publisher::with_config(
            manager.clone(),
            config.clone(),
        ))
    })
    .await
}

impl Publisher {
    pub(crate) async fn get(&self, what: &str) -> napi::Result<&instagraph::Publisher> {
        core_publisher(&self.cell, &self.lazy, &self.config, what).await
    }

    async fn run(
        &self,
        what: &str,
        company_id: String,
        ig_user_id: String,
        post: RustPost,
        opts: RustOptions,
    ) -> napi::Result<PublishResult> {
        let publisher = self.get(what).await?;
        let out = publisher
            .publish(
                &CompanyId::new(company_id),
                &IgUserId::new(ig_user_id),
                post,
                opts,
            )
            .await
            .map_err(|e| sdk_error(what, e))?;
        Ok(PublishResult::from(&out))
    }
}

#[napi]
impl Publisher {
    /// A publisher over an `AccountManager`'s accounts and store; `options.quota: 'shared'`
    /// counts the publishing quota in that store, with every other process on it.
    #[napi(constructor)]
    pub fn new(accounts: &AccountManager, options: Option<PublisherOptions>) -> Self {
        let quota = match options.and_then(|o| o.quota) {
            Some(QuotaAccounting::Shared) => RustQuotaAccounting::Shared,
            Some(QuotaAccounting::Local) | None => RustQuotaAccounting::Local,
        };
        Self {
            lazy: accounts.lazy.clone(),
            cell: Arc::new(OnceCell::new()),
            config: PublisherConfig {
                quota,
                ..PublisherConfig::default()
            },
        }
    }

    /// Publishes a post (`{ kind: "image" | "carousel" | "reel" | "story", items | url, caption,
    /// ... }`); resolves to `{ jobId, idempotencyKey, mediaId, permalink, containerId,
    /// itemContainers, replayed }`.
    ///
    /// Core: Publisher::publish
    #[napi]
    pub async fn publish(
        &self,
        company_id: String,
        ig_user_id: String,
        #[napi(ts_arg_type = "Post")] post: Value,
        options: Option<PublishOptions>,
    ) -> Result<PublishResult> {
        const WHAT: &str = "Publisher.publish";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("igUserId", &ig_user_id)?;
            let post = post_from_js(post)?;
            let (key, progress) = options
                .map(|o| (o.idempotency_key, o.on_progress))
                .unwrap_or((None, None));
            let opts = rust_options(key, progress)?;
            self.run(WHAT, company_id, ig_user_id, post, opts).await
        })
        .await
    }

    /// Publishes one image by URL.
    ///
    /// Core: Publisher::publish
    #[napi]
    pub async fn publish_image(
        &self,
        company_id: String,
        ig_user_id: String,
        image_url: String,
        options: Option<PublishImageOptions>,
    ) -> Result<PublishResult> {
        const WHAT: &str = "Publisher.publishImage";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("igUserId", &ig_user_id)?;
            required("imageUrl", &image_url)?;
            let mut post = RustPost::image(image_url);
            let (mut key, mut progress) = (None, None);
            if let Some(o) = options {
                if let Some(caption) = o.caption {
                    post = post.caption(caption);
                }
                if let Some(alt) = o.alt_text {
                    post = post.alt_text(alt);
                }
                key = o.idempotency_key;
                progress = o.on_progress;
            }
            let opts = rust_options(key, progress)?;
            self.run(WHAT, company_id, ig_user_id, post, opts).await
        })
        .await
    }

    /// An account's publishing quota as this publisher counts it (Meta's count is read when
    /// there is no fresh reading).
    ///
    /// Core: Publisher::quota
    #[napi]
    pub async fn quota(&self, company_id: String, ig_user_id: String) -> Result<PublishQuota> {
        const WHAT: &str = "Publisher.quota";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("igUserId", &ig_user_id)?;
            let publisher = self.get(WHAT).await?;
            let quota = publisher
                .quota(&CompanyId::new(company_id), &IgUserId::new(ig_user_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(PublishQuota::from(&quota))
        })
        .await
    }

    /// Reads Meta's `content_publishing_limit` now (one call) and restarts the count from it.
    ///
    /// Core: Publisher::refresh_quota
    #[napi]
    pub async fn refresh_quota(
        &self,
        company_id: String,
        ig_user_id: String,
    ) -> Result<PublishQuota> {
        const WHAT: &str = "Publisher.refreshQuota";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("igUserId", &ig_user_id)?;
            let publisher = self.get(WHAT).await?;
            let quota = publisher
                .refresh_quota(&CompanyId::new(company_id), &IgUserId::new(ig_user_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(PublishQuota::from(&quota))
        })
        .await
    }
}
