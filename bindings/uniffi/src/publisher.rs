//! `Publisher` (exactly-once publishing with progress) and `Scheduler` (posts for later).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use instagraph::api::TrialParams;
use instagraph::publisher::{MediaItem, Post, PostKind, PublishOptions, PublishResult};
use instagraph::publisher::{PublisherConfig, QuotaAccounting, QuotaStatus, TickReport};
use instagraph::store::{JobRecord, JobStatus};
use instagraph::{CompanyId, IgUserId, JobId};

use crate::accounts::AccountManager;
use crate::error::{required, sdk, Result};
use crate::graph::time;

/// One media of a post, by public URL (Meta downloads it).
#[derive(Debug, Clone, uniffi::Record)]
pub struct PostItem {
    /// A public http(s) URL.
    pub url: String,
    /// True for a video (MP4/MOV).
    #[uniffi(default = false)]
    pub video: bool,
    /// Alternative text (images).
    #[uniffi(default = None)]
    pub alt_text: Option<String>,
}

/// A post to publish or schedule.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PostSpec {
    /// What kind of post.
    pub kind: PostKind,
    /// Exactly one media (image, reel, story) or 2–10 (carousel).
    pub items: Vec<PostItem>,
    /// The caption (at most 2,200 characters, 30 hashtags, 20 mentions).
    #[uniffi(default = None)]
    pub caption: Option<String>,
    /// Reels: publish a trial reel (shown to non-followers first), graduating as it says.
    #[uniffi(default = None)]
    pub trial_params: Option<TrialParams>,
    /// Up to 3 accounts (usernames) invited as collaborators (not on stories).
    #[uniffi(default = None)]
    pub collaborators: Option<Vec<String>>,
}

/// One step of a publish, in the order they happen.
#[derive(Debug, Clone, uniffi::Enum)]
pub enum ProgressEvent {
    /// A container was created (each carousel item, then the carousel) and its id stored.
    Created {
        /// The media it holds.
        media: String,
        /// The container id.
        container_id: String,
    },
    /// Bytes of a local video sent to the upload host.
    Uploading {
        /// The media being uploaded.
        media: String,
        /// Bytes sent so far.
        bytes: u64,
        /// The file's size.
        total: u64,
    },
    /// A poll found the container still processing.
    Processing {
        /// The container.
        container_id: String,
        /// Its status code.
        status: String,
        /// How long the wait has lasted.
        elapsed_ms: u64,
    },
    /// The container is ready to publish.
    Ready {
        /// The container.
        container_id: String,
    },
    /// The post is published.
    Published {
        /// The new media id.
        media_id: Option<String>,
        /// Its permalink.
        permalink: Option<String>,
    },
}

/// Receives progress events; called from the SDK's threads, it should return quickly.
#[uniffi::export(with_foreign)]
pub trait ProgressListener: Send + Sync {
    /// One event.
    fn on_progress(&self, event: ProgressEvent);
}

/// What a publish produced.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PublishOutcome {
    /// The job in the store.
    pub job_id: String,
    /// Its idempotency key (publishing again with it returns this same outcome).
    pub idempotency_key: String,
    /// The new media id.
    pub media_id: Option<String>,
    /// Its permalink.
    pub permalink: Option<String>,
    /// The published container.
    pub container_id: Option<String>,
    /// The carousel items' containers, in order.
    pub item_containers: Vec<String>,
    /// True when this is the stored result of an earlier publish with the same key.
    pub replayed: bool,
}

impl From<&PublishResult> for PublishOutcome {
    fn from(r: &PublishResult) -> Self {
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

/// A stored publish job (scheduled or not).
#[derive(Debug, Clone, uniffi::Record)]
pub struct PublishJob {
    /// The job id.
    pub id: String,
    /// The account.
    pub ig_user_id: String,
    /// Where it stands.
    pub status: JobStatus,
    /// When it is due.
    pub scheduled_at: Option<SystemTime>,
    /// The published media id.
    pub media_id: Option<String>,
    /// The permalink.
    pub permalink: Option<String>,
    /// Why it failed or was deferred.
    pub error: Option<String>,
    /// How many times a worker ran it.
    pub attempts: u32,
}

impl From<&JobRecord> for PublishJob {
    fn from(j: &JobRecord) -> Self {
        Self {
            id: j.id.as_str().to_owned(),
            ig_user_id: j.ig_user_id.as_str().to_owned(),
            status: j.status,
            scheduled_at: j.scheduled_at.map(SystemTime::from),
            media_id: j.media_id.clone(),
            permalink: j.permalink.clone(),
            error: j.error.clone(),
            attempts: j.attempts,
        }
    }
}

/// The core's post; the core checks it (count and kinds of media, URLs, caption) when it is
/// published or scheduled.
fn post(spec: PostSpec) -> Post {
    let items = spec.items.into_iter().map(|i| {
        let media = if i.video {
            MediaItem::video(i.url)
        } else {
            MediaItem::image(i.url)
        };
        match i.alt_text {
            Some(alt) => media.alt_text(alt),
            None => media,
        }
    });
    let mut post = Post::new(spec.kind, items);
    post.caption = spec.caption;
    post.trial_params = spec.trial_params;
    post.collaborators = spec.collaborators.unwrap_or_default();
    post
}

fn event(e: &instagraph::publisher::ProgressEvent) -> Option<ProgressEvent> {
    use instagraph::publisher::ProgressEvent as E;
    Some(match e {
        E::Created {
            media,
            container_id,
        } => ProgressEvent::Created {
            media: media.to_string(),
            container_id: container_id.as_str().to_owned(),
        },
        E::Uploading {
            media,
            bytes,
            total,
        } => ProgressEvent::Uploading {
            media: media.to_string(),
            bytes: *bytes,
            total: *total,
        },
        E::Processing {
            container_id,
            status,
            elapsed,
        } => ProgressEvent::Processing {
            container_id: container_id.as_str().to_owned(),
            status: format!("{status:?}"),
            elapsed_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        },
        E::Ready { container_id } => ProgressEvent::Ready {
            container_id: container_id.as_str().to_owned(),
        },
        E::Published {
            media_id,
            permalink,
        } => ProgressEvent::Published {
            media_id: media_id.as_ref().map(|m| m.as_str().to_owned()),
            permalink: permalink.clone(),
        },
        _ => return None,
    })
}

/// An account's publishing quota as a publisher counts it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PublishQuota {
    /// Posts counted in the window: Meta's last reading, plus this publisher's publishes
    /// since, plus publishes in flight.
    pub used: u64,
    /// Posts allowed per window.
    pub total: u64,
    /// Posts still allowed now (`total - used`, at least 0).
    pub remaining: u64,
    /// The window's length.
    pub window: Duration,
    /// When Meta's count was last read.
    pub read_at: SystemTime,
}

impl From<&QuotaStatus> for PublishQuota {
    fn from(q: &QuotaStatus) -> Self {
        Self {
            used: q.used,
            total: q.total,
            remaining: q.remaining(),
            window: q.window,
            read_at: SystemTime::from(q.read_at),
        }
    }
}

/// Publishes posts exactly once, with progress.
#[derive(uniffi::Object)]
pub struct Publisher {
    pub(crate) inner: instagraph::Publisher,
}

#[uniffi::export(async_runtime = "tokio")]
impl Publisher {
    /// A publisher over an `AccountManager`'s accounts and store.
    #[uniffi::constructor]
    pub fn new(accounts: Arc<AccountManager>) -> Arc<Self> {
        Arc::new(Self {
            inner: instagraph::Publisher::new(accounts.inner.clone()),
        })
    }

    /// A publisher that counts the publishing quota as `quota` says: `Shared` counts it in the
    /// `AccountManager`'s store, with every other process on it.
    #[uniffi::constructor]
    pub fn with_quota(accounts: Arc<AccountManager>, quota: QuotaAccounting) -> Arc<Self> {
        let config = PublisherConfig {
            quota,
            ..PublisherConfig::default()
        };
        Arc::new(Self {
            inner: instagraph::Publisher::with_config(accounts.inner.clone(), config),
        })
    }

    /// Publishes `post` on an account of the company. With an `idempotency_key`, publishing
    /// again returns the first outcome (`replayed`). `progress` hears every step.
    ///
    /// Core: Publisher::publish
    pub async fn publish(
        &self,
        company_id: String,
        ig_user_id: String,
        post_spec: PostSpec,
        idempotency_key: Option<String>,
        progress: Option<Arc<dyn ProgressListener>>,
    ) -> Result<PublishOutcome> {
        const WHAT: &str = "Publisher.publish";
        let inner = &self.inner;
        required("company_id", &company_id)?;
        required("ig_user_id", &ig_user_id)?;
        let p = post(post_spec);
        let mut opts = PublishOptions::new();
        if let Some(key) = idempotency_key {
            required("idempotency_key", &key)?;
            opts = opts.idempotency_key(key);
        }
        if let Some(listener) = progress {
            opts = opts.progress(Arc::new(move |e| {
                if let Some(ev) = event(&e) {
                    // A listener that throws (uniffi turns that into a panic) must not stop
                    // the publish halfway: the event is dropped, the publish goes on.
                    let call = std::panic::AssertUnwindSafe(|| listener.on_progress(ev));
                    let _ = std::panic::catch_unwind(call);
                }
            }));
        }
        let out = inner
            .publish(
                &CompanyId::new(company_id),
                &IgUserId::new(ig_user_id),
                p,
                opts,
            )
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(PublishOutcome::from(&out))
    }

    /// An account's publishing quota as this publisher counts it (Meta's count is read when
    /// there is no fresh reading). A [`Scheduler`] built on this publisher counts with it.
    ///
    /// Core: Publisher::quota
    pub async fn quota(&self, company_id: String, ig_user_id: String) -> Result<PublishQuota> {
        const WHAT: &str = "Publisher.quota";
        required("company_id", &company_id)?;
        required("ig_user_id", &ig_user_id)?;
        let quota = self
            .inner
            .quota(&CompanyId::new(company_id), &IgUserId::new(ig_user_id))
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(PublishQuota::from(&quota))
    }

    /// Reads Meta's `content_publishing_limit` now (one call) and restarts the count from it.
    ///
    /// Core: Publisher::refresh_quota
    pub async fn refresh_quota(
        &self,
        company_id: String,
        ig_user_id: String,
    ) -> Result<PublishQuota> {
        const WHAT: &str = "Publisher.refresh_quota";
        required("company_id", &company_id)?;
        required("ig_user_id", &ig_user_id)?;
        let quota = self
            .inner
            .refresh_quota(&CompanyId::new(company_id), &IgUserId::new(ig_user_id))
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(PublishQuota::from(&quota))
    }
}

/// Keeps posts for later and runs them when due.
#[derive(uniffi::Object)]
pub struct Scheduler {
    pub(crate) inner: instagraph::publisher::Scheduler,
}

#[uniffi::export(async_runtime = "tokio")]
impl Scheduler {
    /// A scheduler whose jobs go out through `publisher`: the app's one publisher, so that its
    /// publishes and the scheduled ones count against one view of each account's quota.
    #[uniffi::constructor]
    pub fn new(publisher: Arc<Publisher>) -> Arc<Self> {
        Arc::new(Self {
            inner: instagraph::publisher::Scheduler::new(publisher.inner.clone()),
        })
    }

    /// Schedules `post` for `at` (a past time means due now); returns the stored job.
    ///
    /// Core: Scheduler::schedule
    pub async fn schedule(
        &self,
        company_id: String,
        ig_user_id: String,
        post_spec: PostSpec,
        at: SystemTime,
        idempotency_key: Option<String>,
    ) -> Result<PublishJob> {
        const WHAT: &str = "Scheduler.schedule";
        let inner = &self.inner;
        required("company_id", &company_id)?;
        required("ig_user_id", &ig_user_id)?;
        if let Some(key) = &idempotency_key {
            required("idempotency_key", key)?;
        }
        let p = post(post_spec);
        let at = time("at", at)?;
        let job = inner
            .schedule(
                &CompanyId::new(company_id),
                &IgUserId::new(ig_user_id),
                p,
                at,
                idempotency_key,
            )
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(PublishJob::from(&job))
    }

    /// The company's jobs, newest first (at most 500).
    ///
    /// Core: Scheduler::list
    pub async fn jobs(&self, company_id: String) -> Result<Vec<PublishJob>> {
        const WHAT: &str = "Scheduler.jobs";
        let inner = &self.inner;
        required("company_id", &company_id)?;
        let jobs = inner
            .list(&CompanyId::new(company_id), None)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(jobs.iter().map(PublishJob::from).collect())
    }

    /// One job of the company.
    ///
    /// Core: Scheduler::get
    pub async fn job(&self, company_id: String, job_id: String) -> Result<PublishJob> {
        const WHAT: &str = "Scheduler.job";
        required("company_id", &company_id)?;
        required("job_id", &job_id)?;
        let job = self
            .inner
            .get(&CompanyId::new(company_id), &JobId::new(job_id))
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(PublishJob::from(&job))
    }

    /// Moves a job that is not published yet to `at`.
    ///
    /// Core: Scheduler::reschedule
    pub async fn reschedule(
        &self,
        company_id: String,
        job_id: String,
        at: SystemTime,
    ) -> Result<PublishJob> {
        const WHAT: &str = "Scheduler.reschedule";
        required("company_id", &company_id)?;
        required("job_id", &job_id)?;
        let at = time("at", at)?;
        let job = self
            .inner
            .reschedule(&CompanyId::new(company_id), &JobId::new(job_id), at)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(PublishJob::from(&job))
    }

    /// Cancels a job that is not published yet.
    ///
    /// Core: Scheduler::cancel
    pub async fn cancel(&self, company_id: String, job_id: String) -> Result<PublishJob> {
        const WHAT: &str = "Scheduler.cancel";
        let inner = &self.inner;
        required("company_id", &company_id)?;
        required("job_id", &job_id)?;
        let job = inner
            .cancel(&CompanyId::new(company_id), &JobId::new(job_id))
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(PublishJob::from(&job))
    }

    /// Runs the due jobs once, as worker `worker_id` (call it from a background task / a
    /// WorkManager job / a BGTask).
    ///
    /// Core: Worker::run_once
    pub async fn run_due(&self, worker_id: String) -> Result<TickReport> {
        const WHAT: &str = "Scheduler.run_due";
        let inner = &self.inner;
        required("worker_id", &worker_id)?;
        inner
            .worker(worker_id)
            .run_once()
            .await
            .map_err(|e| sdk(WHAT, e))
    }
}
