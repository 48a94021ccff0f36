//! [`Scheduler`]: posts due later, kept in the [`JobStore`](crate::store::JobStore) and
//! published by any number of [`Worker`]s, in this process or others sharing the store, without
//! ever publishing one post twice.
//!
//! # How it stays exactly once
//!
//! - A scheduled post is a [`JobRecord`] in `Scheduled` status with its `scheduled_at`; its
//!   payload is the serialised [`Post`].
//! - A worker takes jobs with [`JobStore::claim_due_jobs`](crate::store::JobStore::claim_due_jobs),
//!   which leases them atomically: two workers never hold one job. While it works on a job the
//!   worker renews the lease (every third of its length), and stops working on the job at once if
//!   the lease was lost. The run itself is [`Publisher::execute_job`], which persists each
//!   container id before `media_publish` and checks the container's status before publishing
//!   again, so a job resumed after a crash is never published twice.
//! - A worker that dies keeps its leases until they lapse; then any worker claims the jobs,
//!   whatever step they had reached (`Pending`, `Scheduled`, `ContainerCreated`, `Publishing`),
//!   and resumes them. Nothing is lost and nothing is repeated.
//! - Cancel and reschedule take the job's lease themselves
//!   ([`JobStore::acquire_job`](crate::store::JobStore::acquire_job)) before changing it, so they
//!   never race a worker: a job that a worker holds is reported as in progress.
//!
//! # Outcomes of a run
//!
//! | What happened | The job becomes |
//! |---|---|
//! | published | `Published`, with `media_id` and `permalink` |
//! | the account's publishing quota is used up | `Deferred`, `scheduled_at` = when the quota frees, `error` = why; the attempt is given back |
//! | a retryable failure (transient, throttled, not ready, network, store hiccup) | due again after a backoff (`Scheduled`, or its `ContainerCreated`/`Publishing` step kept so it resumes), `error` = the failure; after [`WorkerOptions::max_attempts`] claims it is `Failed` |
//! | any failure while `Publishing` (a `media_publish` went out; its outcome is unknown) | stays `Publishing`, due again after a backoff, never `Failed` by the scheduler: the next run settles it from the container's status |
//! | any other failure (invalid post, permission, token, policy) | `Failed`, `error` = the failure (the publisher records most of these itself) |
//!
//! Every outcome releases the lease. `error` is readable in [`Scheduler::list`].
//!
//! # Leases
//!
//! A claim leases a job for [`WorkerOptions::lease`], and the worker renews it while the job
//! waits for a free slot; once the run starts, the publisher holds the lease for
//! [`PublisherConfig::lease`](super::PublisherConfig::lease) instead, renewing it as it goes. A
//! dead worker's jobs are therefore taken over after at most the longer of the two: keep them
//! equal.
//!
//! Every write of a job is a compare-and-swap on its version ([`JobRecord::version`]), and each
//! claim holds its jobs under a lease owner of its own (`<worker id>/<claim>`): a run that
//! stalled past its lease while another worker took the job over (even one started with the
//! same id) fails its next write, which always comes before `media_publish`, and leaves the job
//! to its new holder.

mod worker;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};

use super::{Post, Publisher};
use crate::error::{Error, Result};
use crate::ids::{CompanyId, IgUserId, JobId};
use crate::store::{truncate_time, JobQuery, JobRecord, JobStatus, StoreBackend};

pub use worker::{TickReport, Worker, WorkerOptions};

/// How long cancel and reschedule hold a job while they change it.
const EDIT_LEASE: Duration = Duration::from_secs(30);

/// The most jobs one [`Scheduler::list`] returns (the store's largest page).
pub const LIST_LIMIT: u64 = 500;

/// How far in the past a publish time may be (a year): older is a wrong year or unit, not "due
/// now".
const PUBLISH_AT_PAST_DAYS: i64 = 365;

/// How far ahead a post may be scheduled (two years).
const PUBLISH_AT_AHEAD_DAYS: i64 = 2 * 365;

/// Schedules posts, lists, cancels and reschedules them, and makes [`Worker`]s that publish them
/// when due. Cheap to clone; clones share one [`Publisher`].
#[derive(Clone)]
pub struct Scheduler {
    inner: Arc<Inner>,
}

struct Inner {
    publisher: Publisher,
    store: Arc<dyn StoreBackend>,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler").finish_non_exhaustive()
    }
}

impl Scheduler {
    /// A scheduler over `publisher` and the store of its account manager.
    pub fn new(publisher: Publisher) -> Self {
        let store = publisher.accounts().store().backend().clone();
        Self {
            inner: Arc::new(Inner { publisher, store }),
        }
    }

    /// The publisher that runs the jobs.
    pub fn publisher(&self) -> &Publisher {
        &self.inner.publisher
    }

    fn store(&self) -> &dyn StoreBackend {
        self.inner.store.as_ref()
    }

    /// Schedules `post` on `ig_user_id` of `company` for `at` and returns the stored job
    /// (`Scheduled`). A time in the past is allowed and means "due now", as far back as a year;
    /// `at` more than a year ago or more than two years ahead is refused with an
    /// [`Error::InvalidInput`] naming `publish_at`.
    ///
    /// The post is validated as [`Publisher::publish`] would before anything is stored, and the
    /// account must be one of the company's ([`Error::NotFound`] otherwise). With an
    /// `idempotency_key`, scheduling again under the same key returns the job stored the first
    /// time, unchanged, whatever `post` and `at` say now; without one, every call schedules a
    /// new job.
    pub async fn schedule(
        &self,
        company: &CompanyId,
        ig_user_id: &IgUserId,
        post: Post,
        at: DateTime<Utc>,
        idempotency_key: Option<String>,
    ) -> Result<JobRecord> {
        check_publish_at(at, Utc::now())?;
        post.validate()?;
        let key = match idempotency_key {
            Some(key) => super::check_key(&key)?,
            None => format!("scheduled-{}", uuid::Uuid::new_v4()),
        };
        // The account must exist in this tenant (also refuses ids of other companies).
        self.inner
            .publisher
            .accounts()
            .account(company, ig_user_id)
            .await?;
        let job = JobRecord::new(company.clone(), ig_user_id.clone(), key, post.to_payload()?)
            .scheduled(at);
        Ok(self.store().insert_job(job).await?.into_record())
    }

    /// The company's newest jobs (scheduled or not), optionally only those in `status`, newest
    /// first; at most [`LIST_LIMIT`]. A deferred or failed job says why in `error`, and when it
    /// is due again in `scheduled_at`. [`Scheduler::list_page`] filters by account and reads
    /// further back.
    pub async fn list(
        &self,
        company: &CompanyId,
        status: Option<JobStatus>,
    ) -> Result<Vec<JobRecord>> {
        let query = JobQuery {
            status,
            limit: LIST_LIMIT,
            ..JobQuery::new()
        };
        self.list_page(company, query, None).await
    }

    /// One page of the company's jobs that `query` selects (status, account, page size: 0
    /// means 50, above [`LIST_LIMIT`] is an [`Error::InvalidInput`] naming `limit`), newest
    /// first. `after` continues a listing from the last job of the previous page
    /// ([`Error::NotFound`] when the company has no such job).
    pub async fn list_page(
        &self,
        company: &CompanyId,
        query: JobQuery,
        after: Option<&JobId>,
    ) -> Result<Vec<JobRecord>> {
        let query = match after {
            Some(id) => query.after(&self.get(company, id).await?),
            None => query,
        };
        Ok(self.store().list_jobs(company, &query).await?)
    }

    /// One job of the company ([`Error::NotFound`] when it has none by that id).
    pub async fn get(&self, company: &CompanyId, job_id: &JobId) -> Result<JobRecord> {
        self.store()
            .get_job(company, job_id)
            .await?
            .ok_or_else(|| job_not_found(job_id))
    }

    /// Cancels a job that has not started publishing, and returns it (`Cancelled`).
    ///
    /// Allowed for `Scheduled`, `Deferred` and `Pending` jobs, and for a `ContainerCreated`
    /// job, whose container exists but was never published: the publisher marks a job
    /// `Publishing` before it calls `media_publish`, so `ContainerCreated` means no publish was
    /// attempted (the container is left to expire). Refused, with an
    /// [`Error::InvalidInput`] naming the state, for a job that is `Publishing` (a publish was
    /// attempted and may have gone through), `Published` or `Failed`, and for a job a worker or
    /// publisher is working on right now (it holds the job's lease; try again shortly, by
    /// which time it is usually published). Cancelling a cancelled job returns it unchanged.
    pub async fn cancel(&self, company: &CompanyId, job_id: &JobId) -> Result<JobRecord> {
        let Some(mut job) = self.acquire(company, job_id).await? else {
            let job = self.get(company, job_id).await?;
            if job.status == JobStatus::Cancelled {
                return Ok(job);
            }
            return Err(refused("cancelled", &job));
        };
        match job.status {
            JobStatus::Scheduled
            | JobStatus::Deferred
            | JobStatus::Pending
            | JobStatus::ContainerCreated => {
                job.status = JobStatus::Cancelled;
                job.lease_owner = None;
                job.lease_expires_at = None;
                job.updated_at = truncate_time(Utc::now());
                self.write_edit(job).await
            }
            _ => {
                self.store().release_job(&job).await?;
                Err(refused("cancelled", &job))
            }
        }
    }

    /// Moves a `Scheduled` or `Deferred` job to `at` and returns it (`Scheduled`, due at `at`;
    /// a time in the past means due now). `at` is bounded as in [`Scheduler::schedule`]. Any
    /// other state, or a job a worker is running right now, is refused with an
    /// [`Error::InvalidInput`] naming the state.
    pub async fn reschedule(
        &self,
        company: &CompanyId,
        job_id: &JobId,
        at: DateTime<Utc>,
    ) -> Result<JobRecord> {
        check_publish_at(at, Utc::now())?;
        let Some(mut job) = self.acquire(company, job_id).await? else {
            let job = self.get(company, job_id).await?;
            return Err(refused("rescheduled", &job));
        };
        match job.status {
            JobStatus::Scheduled | JobStatus::Deferred => {
                job.status = JobStatus::Scheduled;
                job.scheduled_at = Some(truncate_time(at));
                job.error = None;
                job.lease_owner = None;
                job.lease_expires_at = None;
                job.updated_at = truncate_time(Utc::now());
                self.write_edit(job).await
            }
            _ => {
                self.store().release_job(&job).await?;
                Err(refused("rescheduled", &job))
            }
        }
    }

    /// A worker named `worker_id` with the default [`WorkerOptions`]. The id names the worker in
    /// logs and in the jobs' `lease_owner` (`<worker_id>/claim-<host>-<pid>-<random>`): every
    /// claim gets a lease owner of its own, so two workers given the same id by mistake (say
    /// `worker-1` in every container) still never hold one job together.
    pub fn worker(&self, worker_id: impl Into<String>) -> Worker {
        Worker::new(self.clone(), worker_id.into())
    }

    /// Writes an edited job leased by [`Scheduler::acquire`]; the edit lease is short, so a
    /// write that finds the job changed means the edit stalled past it and someone else took
    /// the job: [`Error::LeaseLost`].
    async fn write_edit(&self, job: JobRecord) -> Result<JobRecord> {
        let job_id = job.id.clone();
        self.store()
            .update_job(&job)
            .await?
            .ok_or(Error::LeaseLost { job_id })
    }

    /// Leases the job for an edit under a fresh holder name. `None` when it is terminal, leased
    /// by someone else, or missing.
    async fn acquire(&self, company: &CompanyId, job_id: &JobId) -> Result<Option<JobRecord>> {
        let holder = format!("scheduler-edit-{}", uuid::Uuid::new_v4().simple());
        Ok(self
            .store()
            .acquire_job(company, job_id, &holder, Utc::now(), EDIT_LEASE)
            .await?)
    }
}

/// Refuses a publish time more than a year before `now` or more than two years after it, before
/// it reaches the store.
fn check_publish_at(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    let earliest = now - TimeDelta::days(PUBLISH_AT_PAST_DAYS);
    let latest = now + TimeDelta::days(PUBLISH_AT_AHEAD_DAYS);
    if at < earliest || at > latest {
        let show = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        return Err(Error::invalid(
            "publish_at",
            format!(
                "{} is out of range: a post is scheduled from a year ago ({}) to two years \
                 ahead ({})",
                show(at),
                show(earliest),
                show(latest)
            ),
        ));
    }
    Ok(())
}

fn job_not_found(id: &JobId) -> Error {
    Error::NotFound {
        what: "job",
        id: id.as_str().to_owned(),
    }
}

/// The error for a cancel or reschedule that the job's state does not allow.
fn refused(verb: &str, job: &JobRecord) -> Error {
    let now = Utc::now();
    let reason = match (job.status, &job.lease_owner, job.lease_expires_at) {
        (status, Some(owner), Some(until)) if !status.is_terminal() && until > now => format!(
            "job {} is in progress ({status}, held by {owner} until {until}) and cannot be \
             {verb} now",
            job.id
        ),
        (JobStatus::Published, ..) => format!(
            "job {} is already published (media id {}) and cannot be {verb}",
            job.id,
            job.media_id.as_deref().unwrap_or("unknown")
        ),
        (JobStatus::Publishing, ..) => format!(
            "job {} is publishing: a publish was attempted and may have gone through, so it \
             cannot be {verb}",
            job.id
        ),
        (status, ..) => format!("job {} is {status} and cannot be {verb}", job.id),
    };
    Error::invalid("job_id", reason)
}
