//! `Publisher`: exactly-once publishing with progress as a (non-blocking) JS callback.

use std::sync::Arc;

use instagraph::error::MediaRef;
use instagraph::publisher::{Post, ProgressEvent, PublishOptions as RustOptions, PublishResult};
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
pub type ProgressFn = ThreadsafeFunction<Value, Unknown<'static>, Value, Status, false>;

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

fn media_ref(m: &MediaRef) -> Value {
    serde_json::to_value(m).unwrap_or(Value::Null)
}

fn event(e: &ProgressEvent) -> Value {
    match e {
        ProgressEvent::Created {
            media,
            container_id,
        } => {
            json!({ "type": "created", "media": media_ref(media), "containerId": container_id.as_str() })
        }
        ProgressEvent::Uploading {
            media,
            bytes,
            total,
        } => {
            json!({ "type": "uploading", "media": media_ref(media), "bytes": bytes, "total": total })
        }
        ProgressEvent::Processing {
            container_id,
            status,
            elapsed,
        } => json!({
            "type": "processing",
            "containerId": container_id.as_str(),
            "status": format!("{status:?}"),
            "elapsedMs": u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        }),
        ProgressEvent::Ready { container_id } => {
            json!({ "type": "ready", "containerId": container_id.as_str() })
        }
        ProgressEvent::Published {
            media_id,
            permalink,
        } => json!({
            "type": "published",
            "mediaId": media_id.as_ref().map(|m| m.as_str()),
            "permalink": permalink,
        }),
        _ => json!({ "type": "other" }),
    }
}

fn result(r: &PublishResult) -> Value {
    json!({
        "jobId": r.job_id.as_str(),
        "idempotencyKey": r.idempotency_key,
        "mediaId": r.media_id.as_ref().map(|m| m.as_str()),
        "permalink": r.permalink,
        "containerId": r.container_id.as_ref().map(|c| c.as_str()),
        "itemContainers": r.item_containers.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "replayed": r.replayed,
    })
}

fn rust_options(key: Option<String>, on_progress: Option<ProgressFn>) -> napi::Result<RustOptions> {
    let mut opts = RustOptions::new();
    if let Some(key) = key {
        required("options.idempotencyKey", &key)?;
        opts = opts.idempotency_key(key);
    }
    if let Some(tsfn) = on_progress {
        let tsfn = Arc::new(tsfn);
        opts = opts.progress(Arc::new(move |e: ProgressEvent| {
            // NonBlocking: a publish never waits for JavaScript.
            tsfn.call(event(&e), ThreadsafeFunctionCallMode::NonBlocking);
        }));
    }
    Ok(opts)
}

/// Accepts the JS shape of a post: camelCase keys; each item's source as `url` / `file`
/// (or `source: { url }`); an image post may be `{ kind: "image", url, caption }`.
pub(crate) fn post_from_js(value: Value) -> napi::Result<Post> {
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

/// Publishes posts exactly once, with progress.
#[napi]
pub struct Publisher {
    pub(crate) lazy: Arc<Lazy>,
    pub(crate) cell: Arc<OnceCell<instagraph::Publisher>>,
}

impl Publisher {
    async fn get(&self, what: &str) -> napi::Result<&instagraph::Publisher> {
        self.cell
            .get_or_try_init(|| async {
                let manager = self.lazy.get(what).await?;
                Ok(instagraph::Publisher::new(manager.clone()))
            })
            .await
    }

    async fn run(
        &self,
        what: &str,
        company_id: String,
        ig_user_id: String,
        post: Post,
        opts: RustOptions,
    ) -> napi::Result<Value> {
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
        Ok(result(&out))
    }
}

#[napi]
impl Publisher {
    /// A publisher over an `AccountManager`'s accounts and store.
    #[napi(constructor)]
    pub fn new(accounts: &AccountManager) -> Self {
        Self {
            lazy: accounts.lazy.clone(),
            cell: Arc::new(OnceCell::new()),
        }
    }

    /// Publishes a post (`{ kind: "image" | "carousel" | "reel" | "story", items | url, caption,
    /// ... }`); resolves to `{ jobId, idempotencyKey, mediaId, permalink, containerId,
    /// itemContainers, replayed }`.
    #[napi(
        ts_args_type = "companyId: string, igUserId: string, post: Post, options?: PublishOptions | undefined | null",
        ts_return_type = "Promise<PublishResult>"
    )]
    pub async fn publish(
        &self,
        company_id: String,
        ig_user_id: String,
        post: Value,
        options: Option<PublishOptions>,
    ) -> Result<Value> {
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
    #[napi(ts_return_type = "Promise<PublishResult>")]
    pub async fn publish_image(
        &self,
        company_id: String,
        ig_user_id: String,
        image_url: String,
        options: Option<PublishImageOptions>,
    ) -> Result<Value> {
        const WHAT: &str = "Publisher.publishImage";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("igUserId", &ig_user_id)?;
            required("imageUrl", &image_url)?;
            let mut post = Post::image(image_url);
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
}
