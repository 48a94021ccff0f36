//! [`Publisher`]: images, carousels, reels and stories, published exactly once.
//!
//! ```no_run
//! # async fn demo(accounts: instagraph::AccountManager) -> instagraph::Result<()> {
//! use instagraph::publisher::{progress_channel, MediaItem, Post, PublishOptions, Publisher};
//! use instagraph::{CompanyId, IgUserId};
//!
//! let publisher = Publisher::new(accounts);
//! let company = CompanyId::new("acme");
//! let account = IgUserId::new("17841400000000001");
//! let (progress, _events) = progress_channel();
//! let done = publisher
//!     .publish(
//!         &company,
//!         &account,
//!         Post::carousel([
//!             MediaItem::image("https://cdn.example.com/a.jpg"),
//!             MediaItem::video("https://cdn.example.com/b.mp4"),
//!         ])
//!         .caption("Two for one #bakery"),
//!         PublishOptions::new()
//!             .idempotency_key("post-2024-06-01-carousel")
//!             .progress(progress),
//!     )
//!     .await?;
//! println!("{:?} {:?}", done.media_id, done.permalink);
//! # Ok(()) }
//! ```
//!
//! # What a publish does
//!
//! 1. **Validate** the [`Post`] ([`Post::validate`]): caption length, hashtags and mentions,
//!    carousel size, tag coordinates, alternative text, URL schemes, product tags,
//!    collaborators and every unsupported combination, each error naming the field, the limit
//!    and the media (URL or carousel item index). No call is made when a check fails.
//! 2. **Persist the job** in the store's [`JobStore`](crate::store::JobStore) under its
//!    idempotency key (a UUID when the caller gives none), holding a lease
//!    (`lease_owner` = this call's name under [`Publisher::instance_id`], `lease_expires_at` = now +
//!    [`PublisherConfig::lease`]) so that scheduler workers leave it alone. A key already used:
//!    a `Published` job returns its stored result at once ([`PublishResult::replayed`]); a job
//!    in progress is resumed (after waiting for a live lease held elsewhere to end); a `Failed`
//!    job, which by construction published nothing, is started again on its stored post.
//! 3. **Check the quota**: `content_publishing_limit` is read once per account, then counted
//!    locally, or in the store with [`QuotaAccounting::Shared`] (see [`quota`]); over it, [`Error::QuotaExceeded`] with `frees_at`, before any
//!    container is created.
//! 4. **Create the containers**: carousel items concurrently, each id written into
//!    `JobRecord::container_ids` (position = item index, the carousel container last) as soon
//!    as it exists; local video files are uploaded through the rupload host ([`upload`]). Then
//!    the job is `ContainerCreated`. All of this happens before any wait or publish.
//! 5. **Wait** until the container is `FINISHED`: image posts skip the first look
//!    (`media_publish` itself is it; "not ready" starts polling); videos poll adaptively (first
//!    poll after [`WaitPolicy::first_poll`], then doubling, capped, bounded overall).
//!    `ERROR` maps the subcode in `status` to a [`PublishFailure`] naming the media (for a
//!    carousel, the failing item); `EXPIRED` and server-side failures re-create the containers
//!    (at most [`PublisherConfig::max_recreations`] times).
//! 6. **Publish**: the job is persisted as `Publishing`, then `media_publish` is sent once
//!    (never retried blindly by the pipeline).
//! 7. **On any failure or lost answer of `media_publish`, and whenever a job in `Publishing` is
//!    resumed**, the container's `status_code` is read first: `PUBLISHED` means the post
//!    exists: it is never published again, and its media id is recovered by matching the
//!    account's newest media (`/media`, or `/stories` for a story) on caption, media type and
//!    creation time, since Meta's container has no media-id field \[U\]; if no single media
//!    matches, the job is marked `Published` with `media_id: None` and says so in `error`.
//!    `FINISHED` publishes again (when the failure may pass), `IN_PROGRESS` waits, `ERROR` and
//!    `EXPIRED` re-create or fail.
//! 8. **Persist `Published`** with the media id and permalink (read with one call, unless
//!    [`PublisherConfig::fetch_permalink`] is off), release the lease, report
//!    [`ProgressEvent::Published`].
//!
//! A publisher that crashes anywhere leaves a job whose state says what is known: another
//! publisher on the same store resumes it by key ([`Publisher::publish`]) or through
//! [`Publisher::execute_job`] (the scheduler claims non-terminal jobs whose lease lapsed).
//! Whatever the interruption, the container's status is read before any second
//! `media_publish`, so a post appears once.
//!
//! # Calls
//!
//! An image whose container is ready at once: `POST /media`, `POST /media_publish`, and
//! `GET /{media}?fields=permalink` (3 calls; 2 with `fetch_permalink` off), plus one
//! `content_publishing_limit` read per account per [`PublisherConfig::quota_refresh`]. A
//! carousel of n images: n + 1 creations, one publish, one permalink read (n + 3), plus polls
//! only when the carousel is not ready at once. Reels: `log2(processing seconds) + 2` polls at
//! most while processing is shorter than about a minute, then one a minute.

mod engine;
mod jobs;
mod media_arg;
mod options;
pub mod post;
pub mod progress;
pub mod quota;
pub mod scheduler;
pub mod upload;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

pub use crate::error::{MediaRef, PublishFailure};
pub use jobs::MAX_IDEMPOTENCY_KEY_LEN;
pub use media_arg::VIDEO_EXTENSIONS;
pub use options::{PublishOptions, PublishResult, PublisherConfig, QuotaAccounting, WaitPolicy};
pub use post::{MediaItem, MediaKind, MediaSource, Post, PostKind};
pub use progress::{progress_channel, ProgressCallback, ProgressEvent, ProgressStream};
pub use quota::QuotaStatus;
pub use scheduler::{Scheduler, TickReport, Worker, WorkerOptions};

use self::engine::{lease_chrono, map_publish_error, Run};
use self::jobs::failed;
pub(crate) use self::jobs::{check_key, holder_name};
use self::progress::Progress;
use self::quota::QuotaBook;
use crate::accounts::AccountManager;
use crate::error::{Error, ErrorClass, Result};
use crate::ids::{CompanyId, IgUserId, MediaId};
use crate::store::{JobInsert, JobRecord, JobStatus};

pub(crate) struct Inner {
    pub(crate) accounts: AccountManager,
    pub(crate) config: PublisherConfig,
    pub(crate) quota: QuotaBook,
    pub(crate) instance_id: String,
}

/// Publishes posts on a company's accounts, exactly once: see the [module docs](self).
///
/// Cheap to clone (an `Arc` inside); clones share the quota accounting and the instance id.
#[derive(Clone)]
pub struct Publisher {
    inner: Arc<Inner>,
}

impl fmt::Debug for Publisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Publisher")
            .field("instance_id", &self.inner.instance_id)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// Whether an error leaves a job worth resuming later (rather than failing it).
fn is_deferrable(e: &Error) -> bool {
    match e {
        Error::Http { .. } | Error::Store(_) | Error::LeaseLost { .. } => true,
        Error::QuotaExceeded { .. } => true,
        other => matches!(
            other.class(),
            ErrorClass::Transient
                | ErrorClass::Throttled { .. }
                | ErrorClass::NotReady
                | ErrorClass::QuotaExceeded
        ),
    }
}

impl Publisher {
    /// A publisher over `accounts` (which gives the client, the store and each account's
    /// token), with the default [`PublisherConfig`].
    pub fn new(accounts: AccountManager) -> Self {
        Self::with_config(accounts, PublisherConfig::default())
    }

    /// A publisher with its own settings.
    pub fn with_config(accounts: AccountManager, config: PublisherConfig) -> Self {
        let quota = match config.quota {
            QuotaAccounting::Local => QuotaBook::default(),
            QuotaAccounting::Shared => {
                QuotaBook::shared(accounts.store().budgets(), config.longest_publish())
            }
        };
        Self {
            inner: Arc::new(Inner {
                accounts,
                config,
                quota,
                instance_id: holder_name("publisher"),
            }),
        }
    }

    /// The prefix of the lease owner names of this publisher's immediate publishes (each call
    /// holds its job as `<instance_id>/<call>`).
    pub fn instance_id(&self) -> &str {
        &self.inner.instance_id
    }

    /// The settings.
    pub fn config(&self) -> &PublisherConfig {
        &self.inner.config
    }

    /// The account manager.
    pub fn accounts(&self) -> &AccountManager {
        &self.inner.accounts
    }

    fn jobs(&self) -> &std::sync::Arc<dyn crate::store::StoreBackend> {
        self.inner.accounts.store().backend()
    }

    /// Publishes `post` on `ig_user_id` of `company` now, exactly once: see the
    /// [module docs](self) for the steps.
    ///
    /// Errors: [`Error::InvalidInput`] (validation, before any call),
    /// [`Error::QuotaExceeded`] (with `frees_at`), [`Error::Publish`] (naming the media, the
    /// container and the mapped cause), and the request errors of the calls. After an error
    /// that left nothing published, the job is marked `Failed` (publishing again with the same
    /// key starts it again, reusing its containers when they are still good); after an error
    /// whose outcome is unknown (the `media_publish` answer and the status read both lost),
    /// the job stays `Publishing`, and publishing again with the same key (or a scheduler)
    /// settles it from the container's status.
    pub async fn publish(
        &self,
        company: &CompanyId,
        ig_user_id: &IgUserId,
        post: Post,
        options: PublishOptions,
    ) -> Result<PublishResult> {
        post.validate()?;
        let key = match options.idempotency_key {
            Some(k) => check_key(&k)?,
            None => uuid::Uuid::new_v4().to_string(),
        };
        let progress = Progress::new(options.progress);
        // One owner name per call: two calls of this publisher with one key are two holders.
        let owner = format!(
            "{}/{}",
            self.inner.instance_id,
            uuid::Uuid::new_v4().simple()
        );
        let store = self.jobs();
        let existing = match store.find_job_by_key(company, &key).await? {
            Some(job) => job,
            None => {
                let mut job = JobRecord::new(
                    company.clone(),
                    ig_user_id.clone(),
                    key.clone(),
                    post.to_payload()?,
                );
                job.lease_owner = Some(owner.clone());
                job.lease_expires_at = Some(Utc::now() + lease_chrono(self.inner.config.lease));
                match store.insert_job(job).await? {
                    JobInsert::Inserted(job) => return self.run_publish(job, post, progress).await,
                    JobInsert::Existing(job) => job,
                }
            }
        };
        if existing.ig_user_id != *ig_user_id {
            return Err(Error::invalid(
                "idempotency_key",
                format!(
                    "is already used by job {} for account {}",
                    existing.id, existing.ig_user_id
                ),
            ));
        }
        match self.acquire(existing, &owner).await? {
            Acquired::Done(job) => match job.status {
                JobStatus::Published => Ok(PublishResult::from_job(&job, true)),
                _ => Err(Error::invalid(
                    "idempotency_key",
                    format!("job {} was cancelled", job.id),
                )),
            },
            Acquired::Owned(job) => {
                // The stored post is the one this key stands for.
                let stored = Post::from_payload(&job.payload).unwrap_or(post);
                self.run_publish(job, stored, progress).await
            }
        }
    }

    /// Takes over an existing job for `owner`, or returns it when it is finished (or once the
    /// live lease someone holds on it ends with the job finished).
    ///
    /// Every takeover is a compare-and-swap on the job's version: of concurrent `publish` calls
    /// with one key (in this process or others), exactly one gets the job; the others wait for
    /// its outcome.
    async fn acquire(&self, job: JobRecord, owner: &str) -> Result<Acquired> {
        let store = self.jobs();
        let lease = self.inner.config.lease;
        let patience = self.inner.config.video_wait.timeout + lease;
        let started = tokio::time::Instant::now();
        let mut job = job;
        let mut pause = Duration::from_millis(50);
        loop {
            let now = Utc::now();
            let live_lease =
                job.lease_owner.is_some() && job.lease_expires_at.is_some_and(|t| t > now);
            match job.status {
                JobStatus::Published | JobStatus::Cancelled => return Ok(Acquired::Done(job)),
                JobStatus::Failed => {
                    // Nothing was published: start it again, if nobody else did first.
                    let restarted = JobRecord {
                        status: JobStatus::Pending,
                        error: None,
                        lease_owner: Some(owner.to_owned()),
                        lease_expires_at: Some(now + lease_chrono(lease)),
                        updated_at: now,
                        ..job.clone()
                    };
                    if let Some(stored) = store.update_job(&restarted).await? {
                        return Ok(Acquired::Owned(stored));
                    }
                }
                _ if !live_lease => {
                    if let Some(leased) = store
                        .acquire_job(&job.company, &job.id, owner, now, lease)
                        .await?
                    {
                        return Ok(Acquired::Owned(leased));
                    }
                }
                _ => {}
            }
            if started.elapsed() > patience {
                return Err(Error::LeaseLost { job_id: job.id });
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(1));
            job = store
                .get_job(&job.company, &job.id)
                .await?
                .ok_or_else(|| Error::NotFound {
                    what: "publish job",
                    id: job.id.to_string(),
                })?;
        }
    }

    async fn run_publish(
        &self,
        job: JobRecord,
        post: Post,
        progress: Progress,
    ) -> Result<PublishResult> {
        let access = match self
            .inner
            .accounts
            .access(&job.company, &job.ig_user_id)
            .await
        {
            Ok(a) => a,
            Err(e) => {
                self.fail(job, &e).await;
                return Err(e);
            }
        };
        let client = self.inner.accounts.client();
        let run = Run {
            inner: &self.inner,
            graph: access.graph(client),
            ig: job.ig_user_id.clone(),
            post,
            job: tokio::sync::Mutex::new(job),
            progress,
            uploaded: Default::default(),
        };
        match self.keep_lease(&run).await {
            Ok(_) => Ok(PublishResult::from_job(&run.snapshot().await, false)),
            Err(e) => {
                let job = run.snapshot().await;
                match (&e, job.status) {
                    (Error::LeaseLost { .. }, _) => {}
                    (_, JobStatus::Publishing) => {
                        // Unknown outcome: leave it for a resume to settle.
                        let _ = self.jobs().release_job(&job).await;
                    }
                    _ => self.fail(job, &e).await,
                }
                Err(e)
            }
        }
    }

    /// Drives the run while renewing its lease: once at the start (a worker's claim may have
    /// leased the job for a shorter time than [`PublisherConfig::lease`]), then every third of
    /// the lease.
    ///
    /// The renewals are a future of their own, polled beside the run: a renewal waits for the
    /// job record while the run holds it across a store write, and the run must go on being
    /// polled meanwhile, or neither finishes.
    async fn keep_lease(&self, run: &Run<'_>) -> Result<engine::Outcome> {
        let period = (self.inner.config.lease / 3).max(Duration::from_millis(200));
        run.renew().await?;
        let renewals = async {
            loop {
                tokio::time::sleep(period).await;
                run.renew().await?;
            }
        };
        tokio::select! {
            out = run.drive() => out,
            lost = renewals => lost,
        }
    }

    /// Marks a job `Failed` (nothing was published) and drops its lease, in one
    /// compare-and-swap: a run that lost the job changes nothing.
    async fn fail(&self, job: JobRecord, e: &Error) {
        let job_id = job.id.clone();
        match self.jobs().update_job(&failed(job, e)).await {
            Ok(Some(_)) => {}
            Ok(None) => {
                tracing::debug!(job_id = %job_id, "the job changed hands; not marked failed")
            }
            Err(err) => {
                tracing::warn!(job_id = %job_id, error = %err, "could not mark the job failed")
            }
        }
    }

    /// Runs or resumes a stored job exactly once, as `worker`, and returns it updated. The
    /// entry point of the scheduler.
    ///
    /// The job's `payload` is a [`Post`] ([`Post::to_payload`]). While working, the job's lease
    /// is held by `worker` (taken if the job has none) and renewed; every step is persisted.
    ///
    /// - `Ok(job)`: the job is terminal and stored: `Published` (with `media_id` and
    ///   `permalink`), or `Failed` with `error` (a permanent failure: invalid post or input,
    ///   missing permission or token, policy block), the lease released. A terminal job given
    ///   in is returned as it is.
    /// - `Err(e)`: the job is not finished and stays stored in a resumable state
    ///   (`Pending`, `ContainerCreated` or `Publishing`), still leased to `worker`: defer it.
    ///   [`Error::QuotaExceeded`] carries `frees_at`; throttling errors carry `retry_after`;
    ///   [`Error::LeaseLost`] means another worker owns the job now (leave it alone). Read the
    ///   stored job with `get_job` for its latest state.
    pub async fn execute_job(&self, job: JobRecord, worker: &str) -> Result<JobRecord> {
        if job.status.is_terminal() {
            return Ok(job);
        }
        let post = match Post::from_payload(&job.payload).and_then(|p| p.validate().map(|_| p)) {
            Ok(p) => p,
            Err(e) => return self.fail_job(job, &e).await,
        };
        let access = match self
            .inner
            .accounts
            .access(&job.company, &job.ig_user_id)
            .await
        {
            Ok(a) => a,
            Err(e) if is_deferrable(&e) => return Err(e),
            Err(e) => return self.fail_job(job, &e).await,
        };
        let mut job = job;
        if job.lease_owner.as_deref() != Some(worker) {
            // Not claimed by `worker` (a caller running a job directly): lease it first.
            match self
                .jobs()
                .acquire_job(
                    &job.company,
                    &job.id,
                    worker,
                    Utc::now(),
                    self.inner.config.lease,
                )
                .await?
            {
                Some(leased) => job = leased,
                None => return Err(Error::LeaseLost { job_id: job.id }),
            }
        }
        let client = self.inner.accounts.client();
        let run = Run {
            inner: &self.inner,
            graph: access.graph(client),
            ig: job.ig_user_id.clone(),
            post,
            job: tokio::sync::Mutex::new(job),
            progress: Progress::default(),
            uploaded: Default::default(),
        };
        match self.keep_lease(&run).await {
            Ok(_) => Ok(run.snapshot().await),
            Err(e) => {
                let job = run.snapshot().await;
                if is_deferrable(&e) || job.status == JobStatus::Publishing {
                    Err(e)
                } else {
                    self.fail_job(job, &e).await
                }
            }
        }
    }

    async fn fail_job(&self, job: JobRecord, e: &Error) -> Result<JobRecord> {
        let job_id = job.id.clone();
        self.jobs()
            .update_job(&failed(job, e))
            .await?
            .ok_or(Error::LeaseLost { job_id })
    }

    /// The job stored under an idempotency key.
    pub async fn job(
        &self,
        company: &CompanyId,
        idempotency_key: &str,
    ) -> Result<Option<JobRecord>> {
        Ok(self
            .jobs()
            .find_job_by_key(company, idempotency_key)
            .await?)
    }

    /// The publishing quota of an account as this publisher counts it (reading
    /// `content_publishing_limit` when it has no fresh reading).
    pub async fn quota(&self, company: &CompanyId, ig_user_id: &IgUserId) -> Result<QuotaStatus> {
        let access = self.inner.accounts.access(company, ig_user_id).await?;
        let graph = access.graph(self.inner.accounts.client());
        self.inner
            .quota
            .status(graph, ig_user_id, self.inner.config.quota_refresh)
            .await
    }

    /// Reads `content_publishing_limit` now (one call) and restarts the local count from it.
    pub async fn refresh_quota(
        &self,
        company: &CompanyId,
        ig_user_id: &IgUserId,
    ) -> Result<QuotaStatus> {
        let access = self.inner.accounts.access(company, ig_user_id).await?;
        let graph = access.graph(self.inner.accounts.client());
        self.inner.quota.read(graph, ig_user_id).await
    }

    /// Deletes a published media (`DELETE /{media-id}`; Facebook Login with
    /// `instagram_manage_contents`).
    ///
    /// A carousel item cannot be deleted on its own: that comes back as [`Error::Publish`] with
    /// [`PublishFailure::CarouselChildNotDeletable`] (delete the carousel instead).
    pub async fn delete_media(
        &self,
        company: &CompanyId,
        ig_user_id: &IgUserId,
        media_id: &MediaId,
    ) -> Result<()> {
        let access = self.inner.accounts.access(company, ig_user_id).await?;
        let graph = access.graph(self.inner.accounts.client());
        let media = MediaRef::Published {
            media_id: media_id.to_string(),
        };
        let answer = graph
            .media(media_id.clone())
            .delete()
            .await
            .map_err(|e| map_publish_error(media.clone(), None, e))?;
        if answer.success {
            Ok(())
        } else {
            Err(Error::Publish {
                media,
                container_id: None,
                cause: PublishFailure::Other { subcode: None },
                message: "Meta answered success: false".to_owned(),
                graph: None,
            })
        }
    }

    /// Turns comments on a published media on or off (`POST /{media-id}?comment_enabled=`).
    pub async fn set_comments_enabled(
        &self,
        company: &CompanyId,
        ig_user_id: &IgUserId,
        media_id: &MediaId,
        enabled: bool,
    ) -> Result<()> {
        let access = self.inner.accounts.access(company, ig_user_id).await?;
        let graph = access.graph(self.inner.accounts.client());
        graph
            .media(media_id.clone())
            .set_comments_enabled(enabled)
            .await?;
        Ok(())
    }
}

enum Acquired {
    /// Finished: its result stands.
    Done(JobRecord),
    /// Leased to us: run it.
    Owned(JobRecord),
}
