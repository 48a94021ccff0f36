//! [`Worker`]: claims due jobs and runs them; what a failed run becomes.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::join_all;
use tokio::sync::{watch, Semaphore};

use super::Scheduler;
use crate::error::{Error, ErrorClass, Result};
use crate::ids::{CompanyId, JobId};
use crate::store::{truncate_time, JobRecord, JobStatus, StoreBackend};

/// When a quota refusal carries no time, how long a job is deferred before trying again.
const QUOTA_RECHECK: Duration = Duration::from_secs(15 * 60);

/// The most jobs one claim takes (the store's limit).
const MAX_BATCH: u64 = 500;

/// The longest lease a worker may take.
const MAX_LEASE: Duration = Duration::from_secs(24 * 3600);

/// The longest retry backoff.
const MAX_BACKOFF: Duration = Duration::from_secs(15 * 60);

/// How a [`Worker`] runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerOptions {
    /// How long a claim holds a job before another worker may take it over (default 2 min).
    /// The worker renews it every third of this while it works, so a long run never loses it;
    /// a dead worker's jobs wait this long before they are taken over (or the publisher's
    /// [`PublisherConfig::lease`](crate::publisher::PublisherConfig::lease), if longer, for jobs
    /// it had started: see [Leases](super#leases)).
    pub lease: Duration,
    /// How long an idle worker first waits between polls (default 1 s). While nothing is due it
    /// doubles the wait up to [`WorkerOptions::max_poll_interval`]; it polls again at once after
    /// a tick that found work.
    pub poll_interval: Duration,
    /// The longest idle wait between polls (default 10 s).
    pub max_poll_interval: Duration,
    /// Jobs claimed per tick (default 4, at most 500).
    pub batch: u64,
    /// Jobs run at the same time (default 4).
    pub concurrency: usize,
    /// Claims after which a job that keeps failing with retryable errors is marked `Failed`
    /// (default 5). Quota deferrals do not count.
    pub max_attempts: u32,
    /// The first retry backoff, doubled on each further attempt up to 15 minutes (default
    /// 30 s). A throttling error's own retry-after wins when it is longer.
    pub retry_backoff: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(120),
            poll_interval: Duration::from_secs(1),
            max_poll_interval: Duration::from_secs(10),
            batch: 4,
            concurrency: 4,
            max_attempts: 5,
            retry_backoff: Duration::from_secs(30),
        }
    }
}

impl WorkerOptions {
    fn validate(&self) -> Result<()> {
        if self.lease < Duration::from_millis(300) || self.lease > MAX_LEASE {
            return Err(Error::invalid("lease", "must be 300 ms to 24 hours"));
        }
        if self.poll_interval.is_zero() {
            return Err(Error::invalid("poll_interval", "must not be zero"));
        }
        if self.max_poll_interval < self.poll_interval {
            return Err(Error::invalid(
                "max_poll_interval",
                "must not be shorter than poll_interval",
            ));
        }
        if self.batch == 0 || self.batch > MAX_BATCH {
            return Err(Error::invalid(
                "batch",
                format!("must be 1 to {}", MAX_BATCH),
            ));
        }
        if self.concurrency == 0 {
            return Err(Error::invalid("concurrency", "must be at least 1"));
        }
        if self.max_attempts == 0 {
            return Err(Error::invalid("max_attempts", "must be at least 1"));
        }
        Ok(())
    }
}

/// What one [`Worker::run_once`] tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TickReport {
    /// Jobs claimed.
    pub claimed: u64,
    /// Jobs published.
    pub published: u64,
    /// Jobs deferred because the account's publishing quota is used up.
    pub deferred: u64,
    /// Jobs that failed for good.
    pub failed: u64,
    /// Jobs put back to be retried after a backoff.
    pub retried: u64,
    /// Jobs handed back unrun (shutdown) or left to another worker (the lease was lost, or the
    /// job was cancelled meanwhile).
    pub released: u64,
}

impl TickReport {
    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Published => self.published += 1,
            Outcome::Deferred => self.deferred += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::Retried => self.retried += 1,
            Outcome::Released => self.released += 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Published,
    Deferred,
    Failed,
    Retried,
    Released,
}

/// Claims due jobs and runs them. Make one with [`Scheduler::worker`]; run it with
/// [`Worker::run_until`] (or tick by tick with [`Worker::run_once`]). Any number of workers, in
/// any number of processes, may share one store.
#[derive(Debug, Clone)]
pub struct Worker {
    scheduler: Scheduler,
    id: String,
    options: WorkerOptions,
}

/// What to do with a job whose run failed.
enum Disposition {
    Defer {
        until: DateTime<Utc>,
        reason: String,
    },
    Retry {
        after: Duration,
        reason: String,
    },
    Fail {
        reason: String,
    },
}

impl Worker {
    pub(super) fn new(scheduler: Scheduler, id: String) -> Self {
        Self {
            scheduler,
            id,
            options: WorkerOptions::default(),
        }
    }

    /// Replaces the options.
    pub fn with_options(mut self, options: WorkerOptions) -> Self {
        self.options = options;
        self
    }

    /// The worker's id (the lease owner it writes).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The options.
    pub fn options(&self) -> &WorkerOptions {
        &self.options
    }

    fn validate(&self) -> Result<()> {
        if self.id.trim().is_empty() {
            return Err(Error::invalid("worker_id", "must not be empty"));
        }
        self.options.validate()
    }

    /// One tick: claims up to [`WorkerOptions::batch`] due jobs and runs them,
    /// [`WorkerOptions::concurrency`] at a time, then reports. Errors only when the options are
    /// invalid or the claim itself fails; a job's failure is recorded on the job.
    pub async fn run_once(&self) -> Result<TickReport> {
        self.validate()?;
        let (_tx, stop) = watch::channel(false);
        self.tick(&stop).await
    }

    /// Runs until `shutdown` completes: polls, claims and runs due jobs, idling with a backoff
    /// (from [`WorkerOptions::poll_interval`] up to [`WorkerOptions::max_poll_interval`]) while
    /// nothing is due. At shutdown it claims nothing more, finishes the jobs already running and
    /// releases the claimed ones it had not started, then returns. A failing store does not stop
    /// it (it logs and backs off); it returns an error only for invalid options.
    pub async fn run_until(&self, shutdown: impl Future<Output = ()>) -> Result<()> {
        self.validate()?;
        let (tx, stop) = watch::channel(false);
        let run = self.run_loop(stop);
        tokio::pin!(run);
        tokio::pin!(shutdown);
        tokio::select! {
            result = &mut run => return result,
            () = &mut shutdown => {
                // Only fails when the loop is gone, and then it has returned already.
                let _ = tx.send(true);
            }
        }
        run.await
    }

    async fn run_loop(&self, mut stop: watch::Receiver<bool>) -> Result<()> {
        let mut idle = self.options.poll_interval;
        loop {
            if *stop.borrow() {
                return Ok(());
            }
            let wait = match self.tick(&stop).await {
                Ok(report) if report.claimed > 0 => {
                    idle = self.options.poll_interval;
                    continue;
                }
                Ok(_) => {
                    let wait = idle;
                    idle = idle.saturating_mul(2).min(self.options.max_poll_interval);
                    wait
                }
                Err(e) => {
                    tracing::warn!(worker = %self.id, error = %e, "claiming jobs failed");
                    let wait = idle;
                    idle = idle.saturating_mul(2).min(self.options.max_poll_interval);
                    wait
                }
            };
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                _ = stop.changed() => {}
            }
        }
    }

    async fn tick(&self, stop: &watch::Receiver<bool>) -> Result<TickReport> {
        // A lease owner of its own per claim: a job this worker claims again (its run stalled
        // past the lease) is another holder, and so is a job of another worker configured with
        // the same id by mistake.
        let owner = format!("{}/{}", self.id, crate::publisher::holder_name("claim"));
        let jobs = self
            .store()
            .claim_due_jobs(&owner, Utc::now(), self.options.lease, self.options.batch)
            .await?;
        let mut report = TickReport {
            claimed: jobs.len() as u64,
            ..TickReport::default()
        };
        if jobs.is_empty() {
            return Ok(report);
        }
        tracing::debug!(worker = %self.id, claimed = jobs.len(), "claimed due jobs");
        let permits = Semaphore::new(self.options.concurrency);
        let outcomes = join_all(
            jobs.into_iter()
                .map(|job| self.run_job(job, &owner, &permits, stop)),
        )
        .await;
        for outcome in outcomes {
            report.count(outcome);
        }
        Ok(report)
    }

    fn store(&self) -> &dyn StoreBackend {
        self.scheduler.store()
    }

    /// Runs one claimed job. While it waits for a free slot the worker keeps the claim's lease
    /// alive; once it runs, the publisher holds and renews the lease itself (every write of the
    /// run moves the job's version on, so a second renewer would only get in the way).
    async fn run_job(
        &self,
        job: JobRecord,
        owner: &str,
        permits: &Semaphore,
        stop: &watch::Receiver<bool>,
    ) -> Outcome {
        let (company, id) = (job.company.clone(), job.id.clone());
        let permit = tokio::select! {
            permit = permits.acquire() => permit.ok(),
            () = self.keep_lease(&job) => {
                tracing::warn!(worker = %self.id, job = %id, "lost the lease; leaving the job");
                return Outcome::Released;
            }
        };
        if permit.is_none() || *stop.borrow() {
            if let Err(e) = self.store().release_job(&job).await {
                tracing::warn!(worker = %self.id, job = %id, error = %e, "release failed");
            }
            return Outcome::Released;
        }
        let result = self.scheduler.inner.publisher.execute_job(job, owner).await;
        self.settle(&company, &id, owner, result).await
    }

    /// Renews the lease of a claimed job every third of its length; returns only when it is
    /// lost (taken over, or not renewed before it lapsed).
    async fn keep_lease(&self, job: &JobRecord) {
        let lease = self.options.lease;
        let every = lease / 3;
        let mut held_until = tokio::time::Instant::now() + lease;
        loop {
            tokio::time::sleep(every).await;
            let sent = tokio::time::Instant::now();
            match self.store().renew_lease(job, Utc::now(), lease).await {
                Ok(Some(_)) => held_until = sent + lease,
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!(worker = %self.id, job = %job.id, error = %e, "lease renewal failed");
                    if tokio::time::Instant::now() + every >= held_until {
                        return;
                    }
                }
            }
        }
    }

    /// Records how a run ended, and releases the lease.
    async fn settle(
        &self,
        company: &CompanyId,
        id: &JobId,
        owner: &str,
        result: Result<JobRecord>,
    ) -> Outcome {
        let err = match result {
            Ok(job) => {
                if job.lease_owner.as_deref() == Some(owner) {
                    if let Err(e) = self.store().release_job(&job).await {
                        tracing::warn!(worker = %self.id, job = %id, error = %e, "release failed");
                    }
                }
                return match job.status {
                    JobStatus::Published => Outcome::Published,
                    JobStatus::Failed => Outcome::Failed,
                    JobStatus::Deferred => Outcome::Deferred,
                    JobStatus::Cancelled => Outcome::Released,
                    _ => Outcome::Retried,
                };
            }
            Err(Error::LeaseLost { .. }) => return Outcome::Released,
            Err(err) => err,
        };
        match self.record_failure(company, id, owner, &err).await {
            Ok(outcome) => outcome,
            Err(e) => {
                // The lease lapses on its own and another worker resumes the job.
                tracing::warn!(worker = %self.id, job = %id, error = %e, run_error = %err,
                    "could not record a failed run");
                Outcome::Released
            }
        }
    }

    /// Records a failed run on the job, if `owner` (this claim) still holds it: the read and
    /// the write are a compare-and-swap on the job's version.
    async fn record_failure(
        &self,
        company: &CompanyId,
        id: &JobId,
        owner: &str,
        err: &Error,
    ) -> Result<Outcome> {
        let Some(mut job) = self.store().get_job(company, id).await? else {
            return Ok(Outcome::Released);
        };
        if job.lease_owner.as_deref() != Some(owner) {
            return Ok(Outcome::Released);
        }
        if job.status.is_terminal() {
            self.store().release_job(&job).await?;
            return Ok(match job.status {
                JobStatus::Published => Outcome::Published,
                JobStatus::Failed => Outcome::Failed,
                _ => Outcome::Released,
            });
        }
        let now = truncate_time(Utc::now());
        let outcome = match self.disposition(err, &job, now) {
            Disposition::Defer { until, reason } => {
                job.status = JobStatus::Deferred;
                job.scheduled_at = Some(truncate_time(until));
                job.error = Some(reason);
                job.attempts = job.attempts.saturating_sub(1);
                Outcome::Deferred
            }
            Disposition::Retry { after, reason } => {
                job.status = match job.status {
                    // Keep the step reached, so the job resumes from it.
                    s @ (JobStatus::ContainerCreated | JobStatus::Publishing) => s,
                    _ => JobStatus::Scheduled,
                };
                job.scheduled_at = Some(truncate_time(time_after(now, after)));
                job.error = Some(reason);
                Outcome::Retried
            }
            Disposition::Fail { reason } => {
                job.status = JobStatus::Failed;
                job.error = Some(reason);
                Outcome::Failed
            }
        };
        job.lease_owner = None;
        job.lease_expires_at = None;
        job.updated_at = now;
        if self.store().update_job(&job).await?.is_none() {
            return Ok(Outcome::Released);
        }
        tracing::info!(worker = %self.id, job = %id, status = %job.status,
            error = job.error.as_deref().unwrap_or(""), "job run failed");
        Ok(outcome)
    }

    fn disposition(&self, err: &Error, job: &JobRecord, now: DateTime<Utc>) -> Disposition {
        let account = &job.ig_user_id;
        if let Error::QuotaExceeded { frees_at, .. } = err {
            // Never sooner than one backoff: a slot estimated free already may not be yet.
            return Disposition::Defer {
                until: (*frees_at).max(time_after(now, self.options.retry_backoff)),
                reason: format!(
                    "deferred until {frees_at}: the publishing quota of account {account} is                      used up ({err})"
                ),
            };
        }
        let class = err.class();
        if class == ErrorClass::QuotaExceeded {
            // Meta refused for quota without saying when it frees: look again later; the
            // publisher's own accounting then gives the time.
            let until = time_after(now, QUOTA_RECHECK);
            return Disposition::Defer {
                until,
                reason: format!(
                    "deferred until {until}: the publishing quota of account {account} is used                      up ({err})"
                ),
            };
        }
        let (retryable, retry_after) = match (err, class) {
            (Error::Http { .. } | Error::Store(_), _) => (true, None),
            (_, ErrorClass::Transient | ErrorClass::NotReady) => (true, None),
            (_, ErrorClass::Throttled { retry_after }) => (true, retry_after),
            _ => (false, None),
        };
        // A publish was attempted and its outcome is unknown: never failed (a failed job is one
        // that published nothing), retried until the container's status settles it.
        let unsettled = job.status == JobStatus::Publishing;
        if !unsettled && !retryable {
            return Disposition::Fail {
                reason: err.to_string(),
            };
        }
        if !unsettled && job.attempts >= self.options.max_attempts {
            return Disposition::Fail {
                reason: format!("gave up after {} attempts: {err}", job.attempts),
            };
        }
        let exp = job.attempts.saturating_sub(1).min(16);
        let backoff = self
            .options
            .retry_backoff
            .saturating_mul(1 << exp)
            .min(MAX_BACKOFF);
        let after = retry_after.map_or(backoff, |r| r.max(backoff));
        let reason = if unsettled {
            format!(
                "attempt {} failed while publishing; the outcome is settled from the                  container's status in {}s: {err}",
                job.attempts,
                after.as_secs()
            )
        } else {
            format!(
                "attempt {} of {} failed, retrying in {}s: {err}",
                job.attempts,
                self.options.max_attempts,
                after.as_secs()
            )
        };
        Disposition::Retry { after, reason }
    }
}

/// `now + d`, saturating at the far future.
fn time_after(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(d)
        .ok()
        .and_then(|d| now.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}
