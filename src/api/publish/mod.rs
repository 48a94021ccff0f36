//! Publishing building blocks, `ig_user(id).publishing()`: containers
//! (`POST /{ig-user-id}/media`), `POST /{ig-user-id}/media_publish`, the publishing quota
//! (`GET /{ig-user-id}/content_publishing_limit`); a container's status (`GET /{container-id}`,
//! `graph.container(id)`); the checks Meta applies to a post (run before any call); and
//! [`publish_image`], which chains them for one image.
//!
//! These are deliberately low level: no idempotency store, no scheduling. A publisher that must
//! publish exactly once across restarts persists the [`ContainerId`] before calling
//! [`PublishingHandler::publish`] and checks [`ContainerHandler::status`] (`PUBLISHED`) before
//! publishing again.

use std::time::Duration;

use serde::Serialize;

use super::ig_user::IgUserHandler;
use super::models::{
    Container, ContainerCreated, ContainerStatus, ListResponse, Media, MediaPublished,
    PublishingLimit,
};
use super::Graph;
use crate::error::{Error, ErrorClass, GraphApiError, RequestContext, Result};
use crate::ids::{ContainerId, IgUserId, MediaId};

mod request;
mod trial;
mod validate;

pub use request::*;
pub use trial::*;
pub use validate::*;
/// Fields read when polling a container.
pub const CONTAINER_STATUS_FIELDS: &str = "id,status,status_code";

impl<'a> IgUserHandler<'a> {
    /// Publishing on this account: containers, publishing them, the quota.
    pub fn publishing(&self) -> PublishingHandler<'a> {
        PublishingHandler {
            graph: self.graph,
            ig_user: self.id.clone(),
        }
    }
}

/// Publishing on an IG user: `ig_user(id).publishing()`.
#[derive(Debug, Clone)]
pub struct PublishingHandler<'a> {
    graph: Graph<'a>,
    ig_user: IgUserId,
}

impl PublishingHandler<'_> {
    /// `POST /{ig-user-id}/media` with any container: validates `request` first
    /// ([`validate_container_request`]; no call when a check fails), then creates the container
    /// and returns Meta's answer (`id`, and `uri` for a resumable upload).
    ///
    /// `children`, when set, go comma-separated; `user_tags`, `product_tags` and
    /// `collaborators` as JSON text. Not retried by the pipeline (each attempt would create a
    /// container).
    pub async fn create_container(&self, request: &ContainerRequest) -> Result<ContainerCreated> {
        validate_container_request(request)?;
        let mut req = self
            .graph
            .post(format!("{}/media", self.ig_user))
            .retry_safe(false);
        if let Some(url) = request.media_url() {
            req = req.media_context(url);
        }
        for (key, value) in request.form_fields()? {
            req = req.form(key, value);
        }
        req.send().await
    }

    /// `POST /{ig-user-id}/media_publish?creation_id=…`: publishes a `FINISHED` container and
    /// returns the new media's id.
    ///
    /// Never retried by the pipeline: a repeat could publish twice. A container that is not
    /// ready fails with code 9007 / subcode 2207027 ([`ErrorClass::NotReady`]).
    pub async fn publish(&self, container: &ContainerId) -> Result<MediaId> {
        let published: MediaPublished = self
            .graph
            .post(format!("{}/media_publish", self.ig_user))
            .query("creation_id", container.as_str())
            .retry_safe(false)
            .container_context(container.as_str())
            .send()
            .await?;
        Ok(published.id)
    }

    /// `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config`: posts used and
    /// allowed in the current 24-hour window. An empty answer reads as zero usage.
    pub async fn limit(&self) -> Result<PublishingLimit> {
        let list: ListResponse<PublishingLimit> = self
            .graph
            .get(format!("{}/content_publishing_limit", self.ig_user))
            .query("fields", "quota_usage,config")
            .send()
            .await?;
        Ok(list
            .data
            .into_iter()
            .next()
            .unwrap_or_else(|| PublishingLimit {
                quota_usage: Some(0),
                config: None,
                extra: serde_json::Map::new(),
            }))
    }

    /// Publishes one image: see [`publish_image`].
    pub async fn publish_image(
        &self,
        image: ContainerRequest,
        wait: WaitOptions,
    ) -> Result<Published> {
        publish_image(self.graph, &self.ig_user, image, wait).await
    }
}

fn to_json<T: Serialize + ?Sized>(field: &'static str, value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::invalid(field, e.to_string()))
}

/// One media container: `graph.container(id)`.
#[derive(Debug, Clone)]
pub struct ContainerHandler<'a> {
    graph: Graph<'a>,
    id: ContainerId,
}

impl<'a> ContainerHandler<'a> {
    pub(crate) fn new(graph: Graph<'a>, id: ContainerId) -> Self {
        Self { graph, id }
    }

    /// The container id.
    pub fn id(&self) -> &ContainerId {
        &self.id
    }

    /// `GET /{container-id}?fields=id,status,status_code`.
    pub async fn status(&self) -> Result<Container> {
        self.graph
            .get(self.id.to_string())
            .query("fields", CONTAINER_STATUS_FIELDS)
            .container_context(self.id.as_str())
            .send()
            .await
    }

    /// Polls the container until it is `FINISHED` (or `PUBLISHED`) and returns its last status.
    ///
    /// Polling is adaptive: the first poll is immediate, then the interval starts at
    /// [`WaitOptions::initial_interval`] and grows by [`WaitOptions::factor`] up to
    /// [`WaitOptions::max_interval`]; the whole wait is bounded by [`WaitOptions::timeout`].
    ///
    /// Errors (all [`Error::Graph`] carrying the container id in their context):
    /// - `ERROR`: code 0, `error_subcode` taken from the container's `status` text when it holds
    ///   one (e.g. 2207026), the `status` text in the message;
    /// - `EXPIRED`: subcode 2207020 (media expired);
    /// - still in progress at the deadline: code 9007 / subcode 2207027, so
    ///   [`Error::class`] is [`ErrorClass::NotReady`] and the caller may wait more later.
    ///
    /// Any options are safe: a timeout beyond what the clock holds waits without end (until
    /// the container settles), and a pause that would grow past what a `Duration` holds is
    /// `max_interval`.
    pub async fn wait(&self, options: &WaitOptions) -> Result<Container> {
        let deadline = tokio::time::Instant::now().checked_add(options.timeout);
        let mut interval = options.initial_interval;
        loop {
            let container = self.status().await?;
            match &container.status_code {
                Some(ContainerStatus::Finished | ContainerStatus::Published) => {
                    return Ok(container)
                }
                Some(ContainerStatus::Error) => {
                    let status = container.status.as_deref().unwrap_or("");
                    return Err(self.error(
                        0,
                        status_subcode(status),
                        format!(
                            "container {} failed processing (status_code ERROR): {}",
                            self.id,
                            if status.is_empty() {
                                "no status given"
                            } else {
                                status
                            }
                        ),
                    ));
                }
                Some(ContainerStatus::Expired) => {
                    return Err(self.error(
                        0,
                        Some(2207020),
                        format!(
                            "container {} expired (not published within 24 hours); create a new one",
                            self.id
                        ),
                    ));
                }
                _ => {}
            }
            let now = tokio::time::Instant::now();
            if deadline.is_some_and(|deadline| now >= deadline) {
                let state = container
                    .status_code
                    .as_ref()
                    .map_or("no status_code", |s| s.as_str());
                return Err(self.error(
                    9007,
                    Some(2207027),
                    format!(
                        "container {} is not ready after {:?} ({state})",
                        self.id, options.timeout
                    ),
                ));
            }
            let pause = deadline.map_or(interval, |deadline| interval.min(deadline - now));
            tokio::time::sleep(pause).await;
            // `Duration::mul_f64` panics past `Duration::MAX` (a factor of 1e300, or infinite).
            interval =
                Duration::try_from_secs_f64(interval.as_secs_f64() * options.factor.max(1.0))
                    .unwrap_or(options.max_interval)
                    .min(options.max_interval);
        }
    }

    /// A Graph-shaped error about this container (not from an error response: `status` 200).
    fn error(&self, code: i64, subcode: Option<i64>, message: String) -> Error {
        let config = self.graph.client().config();
        Error::Graph {
            error: Box::new(GraphApiError {
                message,
                kind: Some("ContainerStatus".to_owned()),
                code,
                error_subcode: subcode,
                ..GraphApiError::default()
            }),
            status: 200,
            context: Box::new(RequestContext {
                method: "GET".to_owned(),
                path: format!(
                    "{}/{}/{}",
                    self.graph.host().label(),
                    config.api_version,
                    self.id
                ),
                container_id: Some(self.id.to_string()),
                media_url: None,
                attempts: 1,
            }),
            retry_after: None,
        }
    }
}

/// The subcode in a container's `status` text (`"Error: 2207026"`, `"… (2207052)"`): the first
/// run of 7 digits, else the first run of at least 4.
pub(crate) fn status_subcode(status: &str) -> Option<i64> {
    let runs: Vec<&str> = status
        .split(|c: char| !c.is_ascii_digit())
        .filter(|r| r.len() >= 4)
        .collect();
    runs.iter()
        .find(|r| r.len() == 7)
        .or_else(|| runs.first())
        .and_then(|r| r.parse().ok())
}

/// How [`ContainerHandler::wait`] and [`publish_image`] poll a container.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitOptions {
    /// The longest the whole wait may take (5 minutes by default, as Meta suggests).
    pub timeout: Duration,
    /// The first pause between polls (250 ms by default).
    pub initial_interval: Duration,
    /// The longest pause between polls (5 s by default).
    pub max_interval: Duration,
    /// How much each pause grows (1.5 by default; values below 1 count as 1).
    pub factor: f64,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(300),
            initial_interval: Duration::from_millis(250),
            max_interval: Duration::from_secs(5),
            factor: 1.5,
        }
    }
}

impl WaitOptions {
    /// The default polling with another overall timeout.
    pub fn with_timeout(timeout: Duration) -> Self {
        Self {
            timeout,
            ..Self::default()
        }
    }
}

/// What [`publish_image`] published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The new media's id.
    pub media_id: MediaId,
    /// The container it was published from.
    pub container_id: ContainerId,
    /// The post's permalink; `None` when reading it back failed (the post is published anyway).
    pub permalink: Option<String>,
}

/// Publishes one image on `ig_user` (a [`ContainerRequest::image`]): validates it, creates the
/// container, waits until it is `FINISHED` ([`ContainerHandler::wait`] with `wait`), publishes
/// it, and reads the permalink back (`GET /{media-id}?fields=permalink`). For the other kinds
/// of post (carousels, reels, stories, uploads), and for exactly once across restarts, use
/// [`Publisher`](crate::publisher::Publisher).
///
/// If publishing answers "not ready" (9007 / 2207027) the container is waited for again and
/// publishing retried, at most 3 times in all, within the same overall timeout. A failure to
/// read the permalink after publishing is not an error (the post exists): `permalink` is `None`.
pub async fn publish_image(
    graph: Graph<'_>,
    ig_user: &IgUserId,
    image: ContainerRequest,
    wait: WaitOptions,
) -> Result<Published> {
    validate_container_request(&image)?;
    if image.image_url.is_none() || image.media_type.is_some() || image.is_carousel_item {
        return Err(Error::invalid(
            "image",
            "publish_image publishes a feed image (ContainerRequest::image); use the Publisher for other posts",
        ));
    }
    let publishing = graph.ig_user(ig_user.clone()).publishing();
    let container_id = publishing.create_container(&image).await?.id;
    let container = graph.container(container_id.clone());
    let started = tokio::time::Instant::now();
    let mut attempts = 0;
    let media_id = loop {
        attempts += 1;
        let remaining = wait.timeout.saturating_sub(started.elapsed());
        let status = container
            .wait(&WaitOptions {
                timeout: remaining,
                ..wait.clone()
            })
            .await?;
        if status.status_code == Some(ContainerStatus::Published) {
            return Err(container.error(
                506,
                None,
                format!("container {container_id} is already published"),
            ));
        }
        match publishing.publish(&container_id).await {
            Err(e) if e.class() == ErrorClass::NotReady && attempts < 3 => continue,
            other => break other?,
        }
    };
    let permalink = match graph
        .media(media_id.clone())
        .get()
        .fields(["permalink"])
        .send()
        .await
    {
        Ok(Media { permalink, .. }) => permalink,
        Err(e) => {
            tracing::warn!(media_id = %media_id, error = %e, "published, but reading the permalink failed");
            None
        }
    };
    Ok(Published {
        media_id,
        container_id,
        permalink,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subcode_from_status() {
        assert_eq!(status_subcode("Error: 2207026"), Some(2207026));
        assert_eq!(status_subcode("failed (9004) see 2207052"), Some(2207052));
        assert_eq!(status_subcode("code 9004"), Some(9004));
        assert_eq!(status_subcode("Error"), None);
    }
}
