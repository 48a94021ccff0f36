//! `Scheduler` and `Worker`: posts due later, kept in the store and published by workers
//! exactly once (see the crate's `publisher::scheduler` for how).
//!
//! Times come from JavaScript as a `Date`, an RFC 3339 string or epoch milliseconds; napi's
//! async methods cannot take a `Date` (a JS handle is not `Send`), so the methods with a time
//! read it synchronously and then spawn the future on napi's runtime.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use instagraph::publisher::{Scheduler as RustScheduler, WorkerOptions as RustOptions};
use instagraph::store::{JobQuery, JobStatus};
use instagraph::{CompanyId, IgUserId, JobId};
use napi::bindgen_prelude::*;
use napi::JsDate;
use napi_derive::napi;
use serde_json::Value;
use tokio::sync::{oneshot, OnceCell};

use crate::convert::required;
use crate::error::{binding_error, guard, guard_sync, sdk_error, type_error};
use crate::publisher::{core_publisher, post_from_js, Publisher};
use crate::scheduler_types::{Job, TickReport};
use crate::store::Lazy;

/// Reads a time argument (a `Date`, an RFC 3339 string or epoch milliseconds) now, on Node's
/// thread; the error is reported when the promise runs.
fn read_time(
    argument: &str,
    value: Either3<JsDate<'_>, String, f64>,
) -> napi::Result<DateTime<Utc>> {
    let millis = match value {
        Either3::A(date) => date.value_of()?,
        Either3::B(text) => {
            return DateTime::parse_from_rfc3339(text.trim())
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| {
                    type_error(
                        argument,
                        format!("must be a Date or an RFC 3339 time ({e})"),
                    )
                })
        }
        Either3::C(millis) => millis,
    };
    if !millis.is_finite() {
        return Err(type_error(argument, "is an invalid Date"));
    }
    // Whole milliseconds; the store keeps microseconds at most.
    DateTime::from_timestamp_millis(millis as i64)
        .ok_or_else(|| type_error(argument, "is out of the representable range"))
}

fn status_name(status: JobStatus) -> &'static str {
    match status {
        JobStatus::ContainerCreated => "containerCreated",
        other => other.as_str(),
    }
}

fn parse_status(text: &str) -> napi::Result<JobStatus> {
    JobStatus::ALL
        .iter()
        .copied()
        .find(|s| s.as_str() == text || status_name(*s) == text)
        .ok_or_else(|| {
            let names: Vec<&str> = JobStatus::ALL.iter().map(|s| status_name(*s)).collect();
            type_error(
                "options.status",
                format!("{text:?} is not one of {}", names.join(", ")),
            )
        })
}

/// The scheduler is built on first use, over the same publisher as the `Publisher` it came from.
struct Shared {
    lazy: Arc<Lazy>,
    publisher: Arc<OnceCell<instagraph::Publisher>>,
    config: instagraph::publisher::PublisherConfig,
    scheduler: OnceCell<RustScheduler>,
}

impl Shared {
    async fn get(&self, what: &str) -> napi::Result<&RustScheduler> {
        self.scheduler
            .get_or_try_init(|| async {
                let publisher =
                    core_publisher(&self.publisher, &self.lazy, &self.config, what).await?;
                Ok::<_, napi::Error>(RustScheduler::new(publisher.clone()))
            })
            .await
    }
}

/// Options of `schedule`.
#[napi(object)]
pub struct ScheduleOptions {
    /// Scheduling again under the same key returns the job stored the first time, unchanged.
    pub idempotency_key: Option<String>,
}

/// Options of `list`.
#[napi(object)]
pub struct ListJobsOptions {
    /// Only jobs in this status (`scheduled`, `deferred`, `published`, `containerCreated`, ...).
    #[napi(ts_type = "JobStatus")]
    pub status: Option<String>,
    /// Only jobs of this account.
    pub ig_user_id: Option<String>,
    /// At most this many jobs (1 to 500; default 500).
    pub limit: Option<u32>,
    /// The id of the last job of the previous page: the jobs created before it.
    pub after: Option<String>,
}

/// Options of `scheduler.worker(id, options)`; every field has the crate's default.
#[napi(object)]
pub struct WorkerOptions {
    /// How long a claim holds a job (300 ms to 24 h; default 120000).
    pub lease_ms: Option<f64>,
    /// The first idle wait between polls (default 1000; not 0).
    pub poll_interval_ms: Option<f64>,
    /// The longest idle wait between polls (default 10000; at least `pollIntervalMs`).
    pub max_poll_interval_ms: Option<f64>,
    /// Jobs claimed per tick (1 to 500; default 4).
    pub batch: Option<u32>,
    /// Jobs run at the same time (at least 1; default 4).
    pub concurrency: Option<u32>,
    /// Claims after which a job failing with retryable errors is `failed` (at least 1; default 5).
    pub max_attempts: Option<u32>,
    /// The first retry backoff, doubled per attempt up to 15 minutes (default 30000).
    pub retry_backoff_ms: Option<f64>,
}

fn millis(argument: &str, value: Option<f64>, default: Duration) -> napi::Result<Duration> {
    match value {
        None => Ok(default),
        Some(ms) if (0.0..=1e12).contains(&ms) => Ok(Duration::from_millis(ms as u64)),
        Some(_) => Err(type_error(
            argument,
            "must be a finite, non-negative number of milliseconds",
        )),
    }
}

/// The options, checked as the crate checks them, but as TypeErrors naming the option.
fn worker_options(options: Option<WorkerOptions>) -> napi::Result<RustOptions> {
    let d = RustOptions::default();
    let Some(o) = options else { return Ok(d) };
    let out = RustOptions {
        lease: millis("options.leaseMs", o.lease_ms, d.lease)?,
        poll_interval: millis(
            "options.pollIntervalMs",
            o.poll_interval_ms,
            d.poll_interval,
        )?,
        max_poll_interval: millis(
            "options.maxPollIntervalMs",
            o.max_poll_interval_ms,
            d.max_poll_interval,
        )?,
        batch: o.batch.map_or(d.batch, u64::from),
        concurrency: o.concurrency.map_or(d.concurrency, |c| c as usize),
        max_attempts: o.max_attempts.unwrap_or(d.max_attempts),
        retry_backoff: millis(
            "options.retryBackoffMs",
            o.retry_backoff_ms,
            d.retry_backoff,
        )?,
    };
    if out.lease < Duration::from_millis(300) || out.lease > Duration::from_secs(24 * 3600) {
        return Err(type_error(
            "options.leaseMs",
            "must be 300 to 86400000 (300 ms to 24 hours)",
        ));
    }
    if out.poll_interval.is_zero() {
        return Err(type_error("options.pollIntervalMs", "must not be 0"));
    }
    if out.max_poll_interval < out.poll_interval {
        return Err(type_error(
            "options.maxPollIntervalMs",
            "must not be shorter than pollIntervalMs",
        ));
    }
    if !(1..=500).contains(&out.batch) {
        return Err(type_error("options.batch", "must be 1 to 500"));
    }
    if out.concurrency == 0 {
        return Err(type_error("options.concurrency", "must be at least 1"));
    }
    if out.max_attempts == 0 {
        return Err(type_error("options.maxAttempts", "must be at least 1"));
    }
    Ok(out)
}

/// Schedules posts for later and makes the workers that publish them.
#[napi]
pub struct Scheduler {
    shared: Arc<Shared>,
}

#[napi]
impl Scheduler {
    /// A scheduler over a `Publisher` (its accounts, store and publisher).
    #[napi(constructor)]
    pub fn new(publisher: &Publisher) -> Self {
        Self {
            shared: Arc::new(Shared {
                lazy: publisher.lazy.clone(),
                publisher: publisher.cell.clone(),
                config: publisher.config.clone(),
                scheduler: OnceCell::new(),
            }),
        }
    }

    /// Schedules `post` for `publishAt` (a time in the past means due now) and resolves to the
    /// stored job (`scheduled`). The post is validated as `publish` would, and the account must
    /// be one of the company's, before anything is stored. A `publishAt` more than a year ago or
    /// more than two years ahead is refused (`InvalidInputError`, `field: 'publish_at'`).
    ///
    /// Core: Scheduler::schedule
    #[napi]
    pub fn schedule<'env>(
        &self,
        env: &'env Env,
        company_id: String,
        ig_user_id: String,
        #[napi(ts_arg_type = "Post")] post: Value,
        publish_at: Either3<JsDate<'env>, String, f64>,
        options: Option<ScheduleOptions>,
    ) -> Result<PromiseRaw<'env, Job>> {
        const WHAT: &str = "Scheduler.schedule";
        let at = guard_sync(WHAT, || Ok(read_time("publishAt", publish_at)));
        let shared = self.shared.clone();
        env.spawn_future(guard(WHAT, async move {
            required("companyId", &company_id)?;
            required("igUserId", &ig_user_id)?;
            let post = post_from_js(post)?;
            let at = at??;
            let key = match options.and_then(|o| o.idempotency_key) {
                Some(key) => {
                    required("options.idempotencyKey", &key)?;
                    Some(key)
                }
                None => None,
            };
            let scheduler = shared.get(WHAT).await?;
            let out = scheduler
                .schedule(
                    &CompanyId::new(company_id),
                    &IgUserId::new(ig_user_id),
                    post,
                    at,
                    key,
                )
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Job::from(&out))
        }))
    }

    /// The company's jobs, newest first (at most 500 a page), optionally of one status or
    /// account; `options.after` (a job id) reads the page after that job.
    ///
    /// Core: Scheduler::list_page
    #[napi]
    pub async fn list(
        &self,
        company_id: String,
        options: Option<ListJobsOptions>,
    ) -> Result<Vec<Job>> {
        const WHAT: &str = "Scheduler.list";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            let (status, account, limit, after) = match options {
                Some(o) => (o.status, o.ig_user_id, o.limit, o.after),
                None => (None, None, None, None),
            };
            let status = status.as_deref().map(parse_status).transpose()?;
            if let Some(id) = &account {
                required("options.igUserId", id)?;
            }
            if let Some(id) = &after {
                required("options.after", id)?;
            }
            let limit = match limit {
                None => 500,
                Some(n) if (1..=500).contains(&n) => u64::from(n),
                Some(_) => return Err(type_error("options.limit", "must be 1 to 500")),
            };
            let query = JobQuery {
                status,
                ig_user_id: account.map(IgUserId::new),
                limit,
                ..JobQuery::new()
            };
            let scheduler = self.shared.get(WHAT).await?;
            let jobs = scheduler
                .list_page(
                    &CompanyId::new(company_id),
                    query,
                    after.map(JobId::new).as_ref(),
                )
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(jobs.iter().map(Job::from).collect())
        })
        .await
    }

    /// One job of the company (`NotFoundError` when it has none by that id).
    ///
    /// Core: Scheduler::get
    #[napi]
    pub async fn get(&self, company_id: String, job_id: String) -> Result<Job> {
        const WHAT: &str = "Scheduler.get";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("jobId", &job_id)?;
            let scheduler = self.shared.get(WHAT).await?;
            let out = scheduler
                .get(&CompanyId::new(company_id), &JobId::new(job_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Job::from(&out))
        })
        .await
    }

    /// Cancels a job that has not started publishing and resolves to it (`cancelled`); a job
    /// publishing, published, failed or held by a worker right now is refused with an
    /// `InvalidInputError` naming its state.
    ///
    /// Core: Scheduler::cancel
    #[napi]
    pub async fn cancel(&self, company_id: String, job_id: String) -> Result<Job> {
        const WHAT: &str = "Scheduler.cancel";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("jobId", &job_id)?;
            let scheduler = self.shared.get(WHAT).await?;
            let out = scheduler
                .cancel(&CompanyId::new(company_id), &JobId::new(job_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Job::from(&out))
        })
        .await
    }

    /// Moves a `scheduled` or `deferred` job to `publishAt` and resolves to it (`scheduled`);
    /// `publishAt` is bounded as in `schedule`.
    ///
    /// Core: Scheduler::reschedule
    #[napi]
    pub fn reschedule<'env>(
        &self,
        env: &'env Env,
        company_id: String,
        job_id: String,
        publish_at: Either3<JsDate<'env>, String, f64>,
    ) -> Result<PromiseRaw<'env, Job>> {
        const WHAT: &str = "Scheduler.reschedule";
        let at = guard_sync(WHAT, || Ok(read_time("publishAt", publish_at)));
        let shared = self.shared.clone();
        env.spawn_future(guard(WHAT, async move {
            required("companyId", &company_id)?;
            required("jobId", &job_id)?;
            let at = at??;
            let scheduler = shared.get(WHAT).await?;
            let out = scheduler
                .reschedule(&CompanyId::new(company_id), &JobId::new(job_id), at)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Job::from(&out))
        }))
    }

    /// A worker named `workerId` (unique among the workers sharing the store: it is the lease
    /// owner). Bad options throw here, as TypeErrors naming the option.
    #[napi]
    pub fn worker(&self, worker_id: String, options: Option<WorkerOptions>) -> Result<Worker> {
        guard_sync("Scheduler.worker", || {
            required("workerId", &worker_id)?;
            Ok(Worker {
                shared: self.shared.clone(),
                id: worker_id,
                options: worker_options(options)?,
                running: Mutex::new(None),
            })
        })
    }
}

/// A worker started in the background. Dropping it (the JS object collected, or `stop`)
/// drops `stop`, which ends `run_until`: the task never outlives its handle for long.
struct Running {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
    /// The encoded error the run returned, if any (reported by `stop`).
    failure: Arc<Mutex<Option<String>>>,
}

/// Claims due jobs and publishes them: tick by tick with `runOnce()`, or in the background
/// with `start()` / `stop()`. Keep a reference while it runs: a collected worker stops.
#[napi]
pub struct Worker {
    shared: Arc<Shared>,
    id: String,
    options: RustOptions,
    running: Mutex<Option<Running>>,
}

impl Worker {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Running>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[napi]
impl Worker {
    /// The worker's id (the lease owner it writes).
    #[napi(getter)]
    pub fn id(&self) -> String {
        self.id.clone()
    }

    /// True while a `start()`ed run is going.
    #[napi(getter)]
    pub fn running(&self) -> bool {
        self.slot().as_ref().is_some_and(|r| !r.task.is_finished())
    }

    /// One tick: claims up to `batch` due jobs, runs them and resolves to what happened
    /// (`{ claimed, published, deferred, failed, retried, released }`).
    ///
    /// Core: Worker::run_once
    #[napi]
    pub async fn run_once(&self) -> Result<TickReport> {
        const WHAT: &str = "Worker.runOnce";
        guard(WHAT, async {
            let scheduler = self.shared.get(WHAT).await?;
            let out = scheduler
                .worker(self.id.clone())
                .with_options(self.options.clone())
                .run_once()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(TickReport::from(&out))
        })
        .await
    }

    /// Starts polling in the background (napi's runtime; Node's event loop is not blocked).
    /// Returns false, changing nothing, when already running.
    ///
    /// Core: Worker::run_until
    #[napi]
    pub fn start(&self) -> Result<bool> {
        const WHAT: &str = "Worker.start";
        guard_sync(WHAT, || {
            let mut slot = self.slot();
            if slot.as_ref().is_some_and(|r| !r.task.is_finished()) {
                return Ok(false);
            }
            let (stop, stopped) = oneshot::channel::<()>();
            let failure = Arc::new(Mutex::new(None));
            let report = failure.clone();
            let shared = self.shared.clone();
            let (id, options) = (self.id.clone(), self.options.clone());
            let task = napi::bindgen_prelude::spawn(async move {
                let run = guard(WHAT, async {
                    let scheduler = shared.get(WHAT).await?;
                    scheduler
                        .worker(id)
                        .with_options(options)
                        // A send or a dropped sender both end the run.
                        .run_until(async move {
                            let _ = stopped.await;
                        })
                        .await
                        .map_err(|e| sdk_error(WHAT, e))
                })
                .await;
                if let Err(e) = run {
                    *report.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.reason);
                }
            });
            *slot = Some(Running {
                stop,
                task,
                failure,
            });
            Ok(true)
        })
    }

    /// Stops a `start()`ed run: claims nothing more, finishes the jobs already running, hands
    /// back the claimed ones not started, and resolves once the worker has returned (at once
    /// when it was not running). Rejects with the run's error if it ended on one.
    #[napi]
    pub async fn stop(&self) -> Result<()> {
        const WHAT: &str = "Worker.stop";
        guard(WHAT, async {
            let taken = self.slot().take();
            let Some(running) = taken else {
                return Ok(());
            };
            let _ = running.stop.send(());
            running.task.await.map_err(|e| {
                binding_error(WHAT, format!("the worker task ended abnormally: {e}"))
            })?;
            let failure = running
                .failure
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take();
            match failure {
                Some(reason) => Err(napi::Error::new(Status::GenericFailure, reason)),
                None => Ok(()),
            }
        })
        .await
    }
}
