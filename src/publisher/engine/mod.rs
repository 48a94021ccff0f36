//! The engine: containers → wait → publish, exactly once, on a persisted job.
//!
//! See the [module docs](super) for the algorithm.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::join_all;
use tokio::sync::Mutex;

use super::post::{MediaSource, Post, PostKind};
use super::progress::{Progress, ProgressEvent};
use super::quota::Reservation;
use super::upload::{upload_url, Upload};
use super::{Inner, WaitPolicy};
use crate::api::models::{Container, ContainerStatus, Media, MediaProductType, MediaType};
use crate::api::publish::status_subcode;
use crate::api::Graph;
use crate::error::{Error, ErrorClass, GraphApiError, MediaRef, PublishFailure, Result};
use crate::ids::{ContainerId, IgUserId, MediaId};
use crate::store::{JobRecord, JobStatus};

mod containers;

/// How many of the account's newest media are read to find a post whose publish answer was
/// lost.
const RECOVERY_LIMIT: u32 = 10;
/// The most pages of newest media read back to the job's creation.
const RECOVERY_MAX_PAGES: usize = 50;
/// Clock skew tolerated between this host and Meta when matching a recovered post.
const RECOVERY_SKEW_SECS: i64 = 300;

/// What the engine ended with.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) media_id: Option<MediaId>,
    pub(crate) permalink: Option<String>,
}

/// One run of one job.
pub(crate) struct Run<'a> {
    pub(crate) inner: &'a Inner,
    pub(crate) graph: Graph<'a>,
    pub(crate) ig: IgUserId,
    pub(crate) post: Post,
    pub(crate) job: Mutex<JobRecord>,
    pub(crate) progress: Progress,
    /// Items whose local file was uploaded in this run.
    pub(crate) uploaded: Mutex<std::collections::HashSet<usize>>,
}

/// Where a container stands after a look at it.
enum Look {
    /// `FINISHED`.
    Ready,
    /// `PUBLISHED`.
    Published,
    /// Failed processing with a cause that may pass (server-side error, download timeout,
    /// expiry): create these slots again.
    Recreate(Vec<usize>, Error),
    /// Failed processing for good.
    Failed(Error),
}

/// What a look at a job in `Publishing` found.
enum Resolved {
    /// The post exists.
    Published(Outcome),
    /// It does not; the container's state when one was read.
    NotPublished(Option<ContainerStatus>),
}

impl Run<'_> {
    fn slots(&self) -> usize {
        match self.post.kind {
            PostKind::Carousel => self.post.items.len() + 1,
            _ => 1,
        }
    }

    /// The slot of the container that is published (the carousel, or the only one).
    fn top(&self) -> usize {
        self.slots() - 1
    }

    fn slot_ref(&self, slot: usize) -> MediaRef {
        if self.post.kind == PostKind::Carousel && slot == self.top() {
            MediaRef::Carousel
        } else {
            self.post.item_ref(slot)
        }
    }

    async fn container_id(&self, slot: usize) -> Option<ContainerId> {
        let job = self.job.lock().await;
        job.container_ids
            .get(slot)
            .filter(|s| !s.is_empty())
            .map(|s| ContainerId::new(s.clone()))
    }

    async fn status(&self) -> JobStatus {
        self.job.lock().await.status
    }

    /// A snapshot of the job.
    pub(crate) async fn snapshot(&self) -> JobRecord {
        self.job.lock().await.clone()
    }

    /// Writes the job after `change`, as a compare-and-swap on the version this run last wrote
    /// or leased: a run that lost the job (to another worker, or to another run under the same
    /// name) finds out here and never overwrites the new holder's record.
    async fn persist(&self, change: impl FnOnce(&mut JobRecord)) -> Result<()> {
        let mut job = self.job.lock().await;
        change(&mut job);
        self.write_with_lease(&mut job, true).await
    }

    /// Writes `job` (the caller holds the lock) if nobody else wrote it since; keeps the lease or
    /// gives it back in the same write, so a finished job never carries a stale lease, even if
    /// the task stops right after.
    async fn write_with_lease(&self, job: &mut JobRecord, keep_lease: bool) -> Result<()> {
        let store = self.inner.accounts.store().backend();
        if !keep_lease {
            job.lease_owner = None;
            job.lease_expires_at = None;
        }
        job.updated_at = Utc::now();
        match store.update_job(job).await? {
            Some(stored) => {
                *job = stored;
                Ok(())
            }
            None => Err(Error::LeaseLost {
                job_id: job.id.clone(),
            }),
        }
    }

    /// Extends the lease (long waits and uploads, and right before `media_publish`), if the job
    /// is still as this run last wrote it.
    pub(crate) async fn renew(&self) -> Result<()> {
        let mut job = self.job.lock().await;
        let store = self.inner.accounts.store().backend();
        match store
            .renew_lease(&job, Utc::now(), self.inner.config.lease)
            .await?
        {
            Some(until) => {
                job.lease_expires_at = Some(until);
                Ok(())
            }
            None => Err(Error::LeaseLost {
                job_id: job.id.clone(),
            }),
        }
    }

    /// Runs the job to `Published`, or fails. The job is persisted at every step; a quota slot
    /// reserved and not used is given back.
    pub(crate) async fn drive(&self) -> Result<Outcome> {
        let mut reservation = None;
        let outcome = self.steps(&mut reservation).await;
        if let Some(unused) = reservation.take() {
            unused.release().await;
        }
        outcome
    }

    async fn steps(&self, reservation: &mut Option<Reservation>) -> Result<Outcome> {
        let slots = self.slots();
        self.persist(|job| {
            job.container_ids.resize(slots, String::new());
            let top_exists = job.container_ids.last().is_some_and(|c| !c.is_empty());
            job.status = match job.status {
                // Only `ContainerCreated` proves `media_publish` was never sent. Any other state
                // with a published-to-be container (a job deferred or rescheduled by a worker
                // after an unknown outcome, say) is settled from the container's status first.
                JobStatus::ContainerCreated => JobStatus::ContainerCreated,
                _ if top_exists => JobStatus::Publishing,
                _ => JobStatus::Pending,
            };
            job.error = None;
        })
        .await?;
        let config = &self.inner.config;
        let mut recreations = 0u32;
        let mut publish_attempts = 0u32;
        // Whether the next look at the top container may be skipped (fresh image containers
        // are usually FINISHED at once: `media_publish` itself is the first look).
        let mut skip_look = false;
        loop {
            // A job caught in `Publishing` (a crash or a lost answer) is resolved by the
            // container's status first: never publish blindly twice.
            if self.status().await == JobStatus::Publishing {
                match self.resolve().await? {
                    Resolved::Published(outcome) => {
                        return self.finish(outcome, reservation.take()).await
                    }
                    Resolved::NotPublished(_) => continue,
                }
            }
            if reservation.is_none() {
                *reservation = Some(
                    self.inner
                        .quota
                        .reserve(self.graph, &self.ig, config.quota_refresh)
                        .await?,
                );
            }
            let created_now = self.ensure_containers().await?;
            if created_now && self.post.images_only() {
                // Give the fresh containers the policy's first interval, then let
                // `media_publish` be the first look: when they are ready, no poll is spent.
                tokio::time::sleep(self.wait_policy().first_poll).await;
                skip_look = true;
            }
            if !skip_look {
                match self.wait_ready().await {
                    Ok(Look::Ready) => {}
                    Ok(Look::Published) => {
                        // Someone published the container (another publisher with the same
                        // job?): never again; recover the media.
                        self.persist(|job| job.status = JobStatus::Publishing)
                            .await?;
                        continue;
                    }
                    Ok(Look::Recreate(slots, err)) => {
                        recreations += 1;
                        if recreations > config.max_recreations {
                            return Err(err);
                        }
                        tracing::debug!(error = %err, "re-creating failed containers");
                        self.clear_slots(&slots).await?;
                        continue;
                    }
                    Ok(Look::Failed(err)) | Err(err) => return Err(err),
                }
            }
            skip_look = false;
            // Publish: persist the intent first.
            publish_attempts += 1;
            let Some(container) = self.container_id(self.top()).await else {
                continue;
            };
            // The intent is written (a compare-and-swap: a run that lost the job stops here) and
            // the lease renewed to its full length, so that no other run can take the job over
            // while this `media_publish` is in flight unless this one stalls for a whole lease.
            self.persist(|job| job.status = JobStatus::Publishing)
                .await?;
            self.renew().await?;
            match self
                .graph
                .ig_user(self.ig.clone())
                .publishing()
                .publish(&container)
                .await
            {
                Ok(media_id) => {
                    return self
                        .finish(
                            Outcome {
                                media_id: Some(media_id),
                                permalink: None,
                            },
                            reservation.take(),
                        )
                        .await
                }
                Err(e) => {
                    let graph = e.graph().cloned();
                    let subcode = graph.as_ref().and_then(|g| g.error_subcode);
                    let code = graph.as_ref().map(|g| g.code);
                    if subcode == Some(2207027) {
                        // Not ready: definitely not published. Wait, then try again.
                        self.persist(|job| job.status = JobStatus::ContainerCreated)
                            .await?;
                        if publish_attempts >= config.max_publish_attempts {
                            return Err(self.publish_error(self.top(), Some(container), &e));
                        }
                        continue;
                    }
                    if subcode == Some(2207042) || code == Some(9) {
                        self.persist(|job| job.status = JobStatus::ContainerCreated)
                            .await?;
                        if let Some(unused) = reservation.take() {
                            unused.release().await;
                        }
                        return Err(self.inner.quota.exhausted(self.graph, &self.ig).await);
                    }
                    // Anything else, including a lost answer: the container's status says
                    // whether the post exists.
                    tracing::debug!(error = %e, "media_publish failed; reading the container status");
                    match self.resolve().await {
                        Ok(Resolved::Published(outcome)) => {
                            return self.finish(outcome, reservation.take()).await
                        }
                        Ok(Resolved::NotPublished(state)) => {
                            // Not published. A failed or expired container is handled by the
                            // wait step (re-created or reported); otherwise publish again only
                            // when the failure may pass.
                            let container_failed = matches!(
                                state,
                                Some(ContainerStatus::Error | ContainerStatus::Expired)
                            );
                            let retry = e.class().is_retryable()
                                && publish_attempts < config.max_publish_attempts;
                            if !container_failed && !retry {
                                return Err(self.publish_error(self.top(), Some(container), &e));
                            }
                            continue;
                        }
                        Err(status_err) => {
                            tracing::debug!(error = %status_err, "reading the container status failed");
                            // Unknown outcome: the job stays `Publishing`, resolved on resume.
                            return Err(e);
                        }
                    }
                }
            }
        }
    }

    /// A job in `Publishing`: reads the top container's status. `Some` when the post exists;
    /// `None` when it does not (the job is set back to `ContainerCreated`, or its failed slots
    /// cleared for re-creation).
    async fn resolve(&self) -> Result<Resolved> {
        let top = self.top();
        let Some(container) = self.container_id(top).await else {
            self.persist(|job| job.status = JobStatus::Pending).await?;
            return Ok(Resolved::NotPublished(None));
        };
        let status = self.graph.container(container.clone()).status().await?;
        if status.status_code == Some(ContainerStatus::Published) {
            return Ok(Resolved::Published(self.recover_media().await));
        }
        // Not published (a failed or expired container is found again by the wait step).
        self.persist(|job| job.status = JobStatus::ContainerCreated)
            .await?;
        Ok(Resolved::NotPublished(status.status_code))
    }

    /// Finds the media a `PUBLISHED` container became, whose `media_publish` answer was lost.
    ///
    /// Meta's container has no media-id field, so the account's newest media (`/media`, or
    /// `/stories` for a story; pages of [`RECOVERY_LIMIT`], back to the job's creation, at most
    /// [`RECOVERY_MAX_PAGES`]) are matched on the caption, the media type and a timestamp not
    /// before the job's creation \[U\]. One match: that media.
    /// None, several, or a failed read: `media_id` stays unknown and the job is still marked
    /// published (the post exists; it is never published again).
    async fn recover_media(&self) -> Outcome {
        let created_at = self.job.lock().await.created_at;
        let user = self.graph.ig_user(self.ig.clone());
        let fields = [
            "id",
            "caption",
            "media_type",
            "media_product_type",
            "timestamp",
            "permalink",
        ];
        let list = if self.post.kind == PostKind::Story {
            user.media().stories()
        } else {
            user.media().list()
        };
        let mut candidates: Vec<Media> = Vec::new();
        let horizon = created_at - chrono::Duration::seconds(RECOVERY_SKEW_SECS);
        let mut page = list.fields(fields).limit(RECOVERY_LIMIT).send().await;
        let mut pages = 0;
        loop {
            let current = match page {
                Ok(p) => p,
                Err(e) => {
                    tracing::warn!(error = %e, "published, but the media list could not be read to recover the media id");
                    break;
                }
            };
            pages += 1;
            // Newest first: once an item is older than the job, older pages cannot hold it.
            let reached_older = current
                .items
                .iter()
                .any(|m| m.timestamp_parsed().is_some_and(|t| t < horizon));
            candidates.extend(
                current
                    .items
                    .iter()
                    .filter(|m| self.matches(m, created_at))
                    .cloned(),
            );
            if reached_older || pages >= RECOVERY_MAX_PAGES || current.items.is_empty() {
                break;
            }
            page = match current.next_page().await {
                Ok(Some(next)) => Ok(next),
                Ok(None) => break,
                Err(e) => Err(e),
            };
        }
        if candidates.len() == 1 {
            let m = candidates.into_iter().next();
            return Outcome {
                permalink: m.as_ref().and_then(|m| m.permalink.clone()),
                media_id: m.map(|m| m.id),
            };
        }
        tracing::warn!(
            candidates = candidates.len(),
            "published, but the media id could not be matched; the job is marked published without it"
        );
        Outcome {
            media_id: None,
            permalink: None,
        }
    }

    fn matches(&self, media: &Media, created_at: DateTime<Utc>) -> bool {
        let caption = self.post.caption.as_deref().unwrap_or("").trim();
        if media.caption.as_deref().unwrap_or("").trim() != caption {
            return false;
        }
        let type_ok = match (self.post.kind, &media.media_type, &media.media_product_type) {
            (PostKind::Carousel, Some(t), _) => *t == MediaType::CarouselAlbum,
            (PostKind::Image, Some(t), p) => {
                *t == MediaType::Image && p.as_ref().map_or(true, |p| *p == MediaProductType::Feed)
            }
            (PostKind::Reel, t, p) => {
                p.as_ref().map_or(true, |p| *p == MediaProductType::Reels)
                    && t.as_ref().map_or(true, |t| *t == MediaType::Video)
            }
            (PostKind::Story, _, p) => p.as_ref().map_or(true, |p| *p == MediaProductType::Story),
            (_, None, _) => true,
        };
        let time_ok = media.timestamp_parsed().map_or(true, |t| {
            t >= created_at - chrono::Duration::seconds(RECOVERY_SKEW_SECS)
        });
        type_ok && time_ok
    }

    /// Marks the job published (media id, permalink), counts the post in the quota, reports.
    async fn finish(
        &self,
        mut outcome: Outcome,
        reservation: Option<Reservation>,
    ) -> Result<Outcome> {
        if outcome.permalink.is_none() && self.inner.config.fetch_permalink {
            if let Some(id) = &outcome.media_id {
                match self
                    .graph
                    .media(id.clone())
                    .get()
                    .fields(["permalink"])
                    .send()
                    .await
                {
                    Ok(m) => outcome.permalink = m.permalink,
                    Err(e) => {
                        tracing::warn!(media_id = %id, error = %e, "published, but reading the permalink failed")
                    }
                }
            }
        }
        let now = Utc::now();
        match reservation {
            Some(r) => r.commit(now).await,
            None => self.inner.quota.record(&self.ig, now).await,
        }
        let media_id = outcome.media_id.clone();
        let permalink = outcome.permalink.clone();
        {
            let mut job = self.job.lock().await;
            job.status = JobStatus::Published;
            job.media_id = media_id.as_ref().map(|m| m.to_string());
            job.permalink = permalink.clone();
            job.error = media_id.is_none().then(|| {
                "published (the container is PUBLISHED), but the media id could not be recovered"
                    .to_owned()
            });
            // Done: the lease goes back in the same write.
            self.write_with_lease(&mut job, false).await?;
        }
        self.progress.emit(ProgressEvent::Published {
            media_id,
            permalink,
        });
        Ok(outcome)
    }

    /// Empties the slots to create again; the carousel container always goes with its items.
    async fn clear_slots(&self, slots: &[usize]) -> Result<()> {
        let top = self.top();
        self.persist(|job| {
            for s in slots {
                if let Some(id) = job.container_ids.get_mut(*s) {
                    id.clear();
                }
            }
            if let Some(id) = job.container_ids.get_mut(top) {
                id.clear();
            }
            job.status = JobStatus::Pending;
        })
        .await
    }

    /// A Graph error about `media` as a typed publishing error, when it carries a publishing
    /// subcode; other errors (transport, token, throttling) are kept as they are.
    fn map_error(&self, media: MediaRef, container: Option<ContainerId>, e: Error) -> Error {
        map_publish_error(media, container, e)
    }

    fn publish_error(&self, slot: usize, container: Option<ContainerId>, e: &Error) -> Error {
        match e.graph() {
            Some(g) => Error::Publish {
                media: self.slot_ref(slot),
                container_id: container,
                cause: PublishFailure::from_subcode(g.error_subcode),
                message: g.message.clone(),
                graph: Some(Box::new(g.clone())),
            },
            None => Error::Publish {
                media: self.slot_ref(slot),
                container_id: container,
                cause: PublishFailure::Other { subcode: None },
                message: e.to_string(),
                graph: None,
            },
        }
    }
}

/// Maps a Graph error carrying a publishing subcode (2207xxx, or codes 9/9004/9007/36004) to
/// [`Error::Publish`] naming `media`; other errors are returned unchanged.
pub(crate) fn map_publish_error(
    media: MediaRef,
    container: Option<ContainerId>,
    e: Error,
) -> Error {
    let Error::Graph { error, .. } = &e else {
        return e;
    };
    let publishing = error
        .error_subcode
        .is_some_and(|s| (2_207_000..2_208_000).contains(&s))
        || matches!(error.code, 9 | 9004 | 9007 | 36004);
    if !publishing {
        return e;
    }
    let cause = match (error.code, error.error_subcode) {
        (9004, None) => PublishFailure::MediaUnreachable,
        (9, None) => PublishFailure::QuotaReached,
        (_, sub) => PublishFailure::from_subcode(sub),
    };
    let graph: GraphApiError = (**error).clone();
    Error::Publish {
        media,
        container_id: container.or_else(|| {
            e.context()
                .and_then(|c| c.container_id.clone())
                .map(ContainerId::new)
        }),
        cause,
        message: graph.message.clone(),
        graph: Some(Box::new(graph)),
    }
}

pub(crate) fn lease_chrono(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or_else(|_| chrono::Duration::minutes(5))
}
