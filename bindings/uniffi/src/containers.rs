//! `Containers` (from [`AccountGraph::containers`]): the raw publishing steps of the Graph API
//! for an app that runs its own pipeline: create a media container, read or wait for its
//! status, publish it, read the publishing limit. [`Publisher`](crate::publisher::Publisher)
//! does all of it with quota, idempotency and retries.

use std::sync::Arc;
use std::time::Duration;

use instagraph::accounts::AccountAccess;
use instagraph::api::models::Container;
use instagraph::api::{
    ContainerMediaType, ContainerRequest, TaggedProduct, TrialParams, UserTag, WaitOptions,
};
use instagraph::ContainerId;

use crate::error::{required, sdk, Result};
use crate::graph::AccountGraph;
use crate::shopping::ProductTagSpec;

/// A container to create: Graph's parameters. Without `media_type` it is an image
/// (`image_url`); `REELS`, `STORIES` (`image_url` or `video_url`), `CAROUSEL` (`children`: item
/// containers), `VIDEO` (a carousel video item). The core checks it before any call and names
/// a bad field.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ContainerSpec {
    /// `REELS`, `STORIES`, `CAROUSEL` or `VIDEO` (none: an image).
    #[uniffi(default = None)]
    pub media_type: Option<ContainerMediaType>,
    /// A public JPEG URL.
    #[uniffi(default = None)]
    pub image_url: Option<String>,
    /// A public video URL.
    #[uniffi(default = None)]
    pub video_url: Option<String>,
    /// An item of a carousel.
    #[uniffi(default = false)]
    pub is_carousel_item: bool,
    /// A carousel's item containers, in order.
    #[uniffi(default = [])]
    pub children: Vec<String>,
    /// The caption.
    #[uniffi(default = None)]
    pub caption: Option<String>,
    /// An image's alt text.
    #[uniffi(default = None)]
    pub alt_text: Option<String>,
    /// A location page id.
    #[uniffi(default = None)]
    pub location_id: Option<String>,
    /// Accounts tagged on an image or reel.
    #[uniffi(default = [])]
    pub user_tags: Vec<UserTag>,
    /// Products tagged on an image (with `x`/`y`) or a reel (without).
    #[uniffi(default = [])]
    pub product_tags: Vec<ProductTagSpec>,
    /// Usernames to invite as collaborators.
    #[uniffi(default = [])]
    pub collaborators: Vec<String>,
    /// A reel: also show it in the feed.
    #[uniffi(default = None)]
    pub share_to_feed: Option<bool>,
    /// A reel's cover image URL.
    #[uniffi(default = None)]
    pub cover_url: Option<String>,
    /// A reel's cover frame, in milliseconds.
    #[uniffi(default = None)]
    pub thumb_offset_ms: Option<u64>,
    /// A reel's audio name.
    #[uniffi(default = None)]
    pub audio_name: Option<String>,
    /// A trial reel and how it graduates.
    #[uniffi(default = None)]
    pub trial_params: Option<TrialParams>,
}

impl From<ContainerSpec> for ContainerRequest {
    fn from(s: ContainerSpec) -> Self {
        ContainerRequest {
            media_type: s.media_type,
            image_url: s.image_url,
            video_url: s.video_url,
            resumable: false,
            is_carousel_item: s.is_carousel_item,
            children: s.children.into_iter().map(ContainerId::new).collect(),
            caption: s.caption,
            alt_text: s.alt_text,
            location_id: s.location_id,
            user_tags: s.user_tags,
            product_tags: s
                .product_tags
                .into_iter()
                .map(|t| TaggedProduct {
                    product_id: t.product_id,
                    x: t.x,
                    y: t.y,
                })
                .collect(),
            collaborators: s.collaborators,
            share_to_feed: s.share_to_feed,
            cover_url: s.cover_url,
            thumb_offset_ms: s.thumb_offset_ms,
            audio_name: s.audio_name,
            trial_params: s.trial_params,
        }
    }
}

/// A container's state.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ContainerState {
    /// The container id.
    pub id: String,
    /// `IN_PROGRESS`, `FINISHED`, `PUBLISHED`, `ERROR` or `EXPIRED`.
    pub status_code: Option<String>,
    /// Meta's text; on `ERROR` it carries the reason.
    pub status: Option<String>,
}

impl From<&Container> for ContainerState {
    fn from(c: &Container) -> Self {
        ContainerState {
            id: c.id.as_str().to_owned(),
            status_code: c.status_code.as_ref().map(|s| s.as_str().to_owned()),
            status: c.status.clone(),
        }
    }
}

/// The account's publishing limit as Meta counts it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PublishingLimit {
    /// Posts published in the current window.
    pub quota_usage: Option<u64>,
    /// Posts allowed per window.
    pub quota_total: Option<u64>,
    /// The window's length, in seconds.
    pub quota_duration_seconds: Option<u64>,
}

/// How [`Containers::wait_finished`] polls; an absent field keeps the core's default (300 s
/// in all, first pause 250 ms growing 1.5 times up to 5 s).
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct ContainerWait {
    /// The longest the whole wait may take, in milliseconds.
    #[uniffi(default = None)]
    pub timeout_ms: Option<u64>,
    /// The first pause between polls, in milliseconds.
    #[uniffi(default = None)]
    pub initial_interval_ms: Option<u64>,
    /// The longest pause between polls, in milliseconds.
    #[uniffi(default = None)]
    pub max_interval_ms: Option<u64>,
    /// How much each pause grows (below 1 counts as 1).
    #[uniffi(default = None)]
    pub factor: Option<f64>,
}

impl From<ContainerWait> for WaitOptions {
    fn from(w: ContainerWait) -> Self {
        let defaults = WaitOptions::default();
        WaitOptions {
            timeout: w.timeout_ms.map_or(defaults.timeout, Duration::from_millis),
            initial_interval: w
                .initial_interval_ms
                .map_or(defaults.initial_interval, Duration::from_millis),
            max_interval: w
                .max_interval_ms
                .map_or(defaults.max_interval, Duration::from_millis),
            factor: w.factor.unwrap_or(defaults.factor),
        }
    }
}

/// The raw publishing steps of one account.
#[derive(uniffi::Object)]
pub struct Containers {
    client: instagraph::Client,
    access: AccountAccess,
}

#[uniffi::export]
impl AccountGraph {
    /// The raw publishing steps of this account (containers, publish, limit).
    pub fn containers(&self) -> Arc<Containers> {
        let (client, access) = self.parts();
        Arc::new(Containers {
            client: client.clone(),
            access: access.clone(),
        })
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Containers {
    /// Creates a media container (`POST /{ig-user-id}/media`, checked first); returns its id.
    /// Not retried: each attempt would create a container.
    ///
    /// Core: PublishingHandler::create_container
    pub async fn create(&self, spec: ContainerSpec) -> Result<String> {
        const WHAT: &str = "Containers.create";
        let request = ContainerRequest::from(spec);
        let created = self
            .access
            .graph(&self.client)
            .ig_user(self.access.ig_user_id.clone())
            .publishing()
            .create_container(&request)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(created.id.as_str().to_owned())
    }

    /// A container's state now (`GET /{container-id}`).
    ///
    /// Core: ContainerHandler::status
    pub async fn status(&self, container_id: String) -> Result<ContainerState> {
        const WHAT: &str = "Containers.status";
        required("container_id", &container_id)?;
        let container = self
            .access
            .graph(&self.client)
            .container(ContainerId::new(container_id))
            .status()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(ContainerState::from(&container))
    }

    /// Polls a container until it is `FINISHED` (or `PUBLISHED`); a failed or expired one, or
    /// one still in progress at the timeout (error class `NOT_READY`), fails.
    ///
    /// Core: ContainerHandler::wait
    #[uniffi::method(default(options = None))]
    pub async fn wait_finished(
        &self,
        container_id: String,
        options: Option<ContainerWait>,
    ) -> Result<ContainerState> {
        const WHAT: &str = "Containers.wait_finished";
        required("container_id", &container_id)?;
        let options = WaitOptions::from(options.unwrap_or_default());
        let container = self
            .access
            .graph(&self.client)
            .container(ContainerId::new(container_id))
            .wait(&options)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(ContainerState::from(&container))
    }

    /// Publishes a finished container (`POST /{ig-user-id}/media_publish`); returns the new
    /// media's id. Never retried: a repeat could publish twice.
    ///
    /// Core: PublishingHandler::publish
    pub async fn publish(&self, container_id: String) -> Result<String> {
        const WHAT: &str = "Containers.publish";
        required("container_id", &container_id)?;
        let media = self
            .access
            .graph(&self.client)
            .ig_user(self.access.ig_user_id.clone())
            .publishing()
            .publish(&ContainerId::new(container_id))
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(media.as_str().to_owned())
    }

    /// Meta's publishing limit of the account now (`content_publishing_limit`).
    ///
    /// Core: PublishingHandler::limit
    pub async fn limit(&self) -> Result<PublishingLimit> {
        const WHAT: &str = "Containers.limit";
        let limit = self
            .access
            .graph(&self.client)
            .ig_user(self.access.ig_user_id.clone())
            .publishing()
            .limit()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        let config = limit.config.as_ref();
        Ok(PublishingLimit {
            quota_usage: limit.quota_usage,
            quota_total: config.and_then(|c| c.quota_total),
            quota_duration_seconds: config.and_then(|c| c.quota_duration),
        })
    }
}
