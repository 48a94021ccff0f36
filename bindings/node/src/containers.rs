//! `Containers`: the raw publishing steps of the Graph API (create a media container, poll its
//! status, publish it, read the publishing limit), for a caller that runs its own pipeline.
//! `Publisher.publish` does all of it with quota, idempotency and retries.

use std::sync::Arc;
use std::time::Duration;

use instagraph::api::models::Container;
use instagraph::api::{
    ContainerMediaType, ContainerRequest, TaggedProduct, TrialParams, UserTag, WaitOptions,
};
use instagraph::ContainerId;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde::Deserialize;
use serde_json::Value;

use crate::account_graph::{open, to_js, Json};
use crate::accounts::AccountManager;
use crate::convert::{required, snake_keys};
use crate::error::{guard, sdk_error, type_error};
use crate::results::Created;
use crate::store::Lazy;

/// A container to create (`Containers.create`): Graph's parameters in camelCase. Without
/// `mediaType` it is an image (`imageUrl`); `REELS`, `STORIES` (`imageUrl` or `videoUrl`),
/// `CAROUSEL` (`children`: item container ids), `VIDEO` (a carousel video item). The core checks
/// it before any call and names a bad field.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ContainerInput {
    /// `REELS`, `STORIES`, `CAROUSEL` or `VIDEO` (none: an image).
    #[napi(ts_type = "'REELS' | 'STORIES' | 'CAROUSEL' | 'VIDEO'")]
    pub media_type: Option<String>,
    /// A public JPEG URL.
    pub image_url: Option<String>,
    /// A public video URL.
    pub video_url: Option<String>,
    /// An item of a carousel.
    pub is_carousel_item: Option<bool>,
    /// A carousel's item containers, in order.
    pub children: Option<Vec<String>>,
    /// The caption.
    pub caption: Option<String>,
    /// An image's alt text.
    pub alt_text: Option<String>,
    /// A location page id.
    pub location_id: Option<String>,
    /// Accounts tagged on an image or reel.
    pub user_tags: Option<Vec<crate::publisher::UserTagInput>>,
    /// Products tagged on an image or reel.
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
    /// A trial reel and how it graduates.
    pub trial_params: Option<crate::publisher::TrialParams>,
}

/// The same, as serde reads it from the JS object (snake_case keys).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContainerFields {
    media_type: Option<ContainerMediaType>,
    image_url: Option<String>,
    video_url: Option<String>,
    #[serde(default)]
    is_carousel_item: bool,
    #[serde(default)]
    children: Vec<String>,
    caption: Option<String>,
    alt_text: Option<String>,
    location_id: Option<String>,
    #[serde(default)]
    user_tags: Vec<UserTag>,
    #[serde(default)]
    product_tags: Vec<TaggedProduct>,
    #[serde(default)]
    collaborators: Vec<String>,
    share_to_feed: Option<bool>,
    cover_url: Option<String>,
    thumb_offset_ms: Option<u64>,
    audio_name: Option<String>,
    trial_params: Option<TrialParams>,
}

fn container_request(value: Value) -> napi::Result<ContainerRequest> {
    let f: ContainerFields =
        serde_json::from_value(snake_keys(value)).map_err(|e| type_error("request", e))?;
    Ok(ContainerRequest {
        media_type: f.media_type,
        image_url: f.image_url,
        video_url: f.video_url,
        resumable: false,
        is_carousel_item: f.is_carousel_item,
        children: f.children.into_iter().map(ContainerId::new).collect(),
        caption: f.caption,
        alt_text: f.alt_text,
        location_id: f.location_id,
        user_tags: f.user_tags,
        product_tags: f.product_tags,
        collaborators: f.collaborators,
        share_to_feed: f.share_to_feed,
        cover_url: f.cover_url,
        thumb_offset_ms: f.thumb_offset_ms,
        audio_name: f.audio_name,
        trial_params: f.trial_params,
    })
}

/// A container's state (`Containers.status` / `Containers.wait`).
#[napi(object, object_from_js = false)]
pub struct ContainerState {
    /// The container id.
    pub id: String,
    /// `IN_PROGRESS`, `FINISHED`, `PUBLISHED`, `ERROR` or `EXPIRED`.
    pub status_code: Option<String>,
    /// Meta's text; on `ERROR` it carries the reason.
    pub status: Option<String>,
}

/// The account's publishing limit (`Containers.limit`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct PublishingLimit {
    /// Posts published in the current window.
    pub quota_usage: Option<f64>,
    /// `{ quotaTotal, quotaDuration }` (posts per window, window in seconds).
    pub config: Option<Value>,
}

/// How `Containers.wait` polls (defaults: 300 s in all, first pause 250 ms growing 1.5 times up
/// to 5 s).
#[napi(object)]
pub struct WaitInput {
    /// The longest the whole wait may take, in milliseconds.
    pub timeout_ms: Option<u32>,
    /// The first pause between polls, in milliseconds.
    pub initial_interval_ms: Option<u32>,
    /// The longest pause between polls, in milliseconds.
    pub max_interval_ms: Option<u32>,
    /// How much each pause grows.
    pub factor: Option<f64>,
}

fn wait_options(input: Option<WaitInput>) -> WaitOptions {
    let mut options = WaitOptions::default();
    if let Some(w) = input {
        let ms = |v: u32| Duration::from_millis(u64::from(v));
        if let Some(v) = w.timeout_ms {
            options.timeout = ms(v);
        }
        if let Some(v) = w.initial_interval_ms {
            options.initial_interval = ms(v);
        }
        if let Some(v) = w.max_interval_ms {
            options.max_interval = ms(v);
        }
        if let Some(v) = w.factor {
            options.factor = v;
        }
    }
    options
}

/// The raw publishing steps for the accounts of an `AccountManager`.
#[napi]
pub struct Containers {
    lazy: Arc<Lazy>,
}

#[napi]
impl Containers {
    /// Raw publishing on the accounts of `accounts`.
    #[napi(constructor)]
    pub fn new(accounts: &AccountManager) -> Self {
        Self {
            lazy: accounts.lazy.clone(),
        }
    }

    /// Creates a media container (`POST /{ig-user-id}/media`, checked first): `{ id }`.
    /// Not retried: each attempt would create a container.
    ///
    /// Core: PublishingHandler::create_container
    #[napi]
    pub async fn create(
        &self,
        company_id: String,
        ig_user_id: String,
        #[napi(ts_arg_type = "ContainerInput")] request: Value,
    ) -> Result<Created> {
        const WHAT: &str = "Containers.create";
        guard(WHAT, async {
            let request = container_request(request)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let created = account
                .graph()
                .ig_user(account.ig().clone())
                .publishing()
                .create_container(&request)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Created {
                id: created.id.as_str().to_owned(),
            })
        })
        .await
    }

    /// A container's state now (`GET /{container-id}`).
    ///
    /// Core: ContainerHandler::status
    #[napi]
    pub async fn status(
        &self,
        company_id: String,
        ig_user_id: String,
        container_id: String,
    ) -> Result<ContainerState> {
        const WHAT: &str = "Containers.status";
        guard(WHAT, async {
            required("containerId", &container_id)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let container = account
                .graph()
                .container(ContainerId::new(container_id))
                .status()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(state(&container))
        })
        .await
    }

    /// Polls a container until it is `FINISHED` (or `PUBLISHED`); a failed or expired one, or
    /// one still in progress at the timeout (`NotReadyError`), rejects.
    ///
    /// Core: ContainerHandler::wait
    #[napi]
    pub async fn wait(
        &self,
        company_id: String,
        ig_user_id: String,
        container_id: String,
        options: Option<WaitInput>,
    ) -> Result<ContainerState> {
        const WHAT: &str = "Containers.wait";
        guard(WHAT, async {
            required("containerId", &container_id)?;
            let options = wait_options(options);
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let container = account
                .graph()
                .container(ContainerId::new(container_id))
                .wait(&options)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(state(&container))
        })
        .await
    }

    /// Publishes a finished container (`POST /{ig-user-id}/media_publish`): `{ id }` of the
    /// new media. Never retried: a repeat could publish twice.
    ///
    /// Core: PublishingHandler::publish
    #[napi]
    pub async fn publish(
        &self,
        company_id: String,
        ig_user_id: String,
        container_id: String,
    ) -> Result<Created> {
        const WHAT: &str = "Containers.publish";
        guard(WHAT, async {
            required("containerId", &container_id)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let media = account
                .graph()
                .ig_user(account.ig().clone())
                .publishing()
                .publish(&ContainerId::new(container_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Created {
                id: media.as_str().to_owned(),
            })
        })
        .await
    }

    /// Meta's publishing limit of the account now (`content_publishing_limit`).
    ///
    /// Core: PublishingHandler::limit
    #[napi(ts_return_type = "Promise<PublishingLimit>")]
    pub async fn limit(&self, company_id: String, ig_user_id: String) -> Result<Json> {
        const WHAT: &str = "Containers.limit";
        guard(WHAT, async {
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let limit = account
                .graph()
                .ig_user(account.ig().clone())
                .publishing()
                .limit()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(to_js(&limit))
        })
        .await
        .map(Json::from)
    }
}

fn state(container: &Container) -> ContainerState {
    let status_code = container
        .status_code
        .as_ref()
        .and_then(|c| serde_json::to_value(c).ok())
        .and_then(|v| v.as_str().map(str::to_owned));
    ContainerState {
        id: container.id.as_str().to_owned(),
        status_code,
        status: container.status.clone(),
    }
}
