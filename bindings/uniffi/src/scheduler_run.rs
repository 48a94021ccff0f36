//! [`Scheduler`] beyond one job: listing jobs page by page, and a worker that runs until told
//! to stop.

use std::time::Duration;

use instagraph::publisher::WorkerOptions;
use instagraph::store::{JobQuery, JobStatus};
use instagraph::{CompanyId, IgUserId, JobId};
use tokio::sync::watch;

use crate::error::{required, sdk, Result};
use crate::publisher::{PublishJob, Scheduler};

/// Tells a running worker (`Scheduler::run_worker_until`) to stop. Stopping it before the
/// worker starts makes the worker return at once.
#[derive(uniffi::Object)]
pub struct WorkerStop {
    sender: watch::Sender<bool>,
}

#[uniffi::export]
impl WorkerStop {
    /// A signal not given yet.
    #[uniffi::constructor]
    pub fn new() -> std::sync::Arc<Self> {
        std::sync::Arc::new(Self {
            sender: watch::Sender::new(false),
        })
    }

    /// Asks the workers waiting on this signal to stop: they claim nothing more, finish the
    /// jobs already running and hand back the claimed ones not started.
    pub fn stop(&self) {
        self.sender.send_replace(true);
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Scheduler {
    /// One page of the company's jobs, newest first: of one `status` and one account when
    /// given, `limit` a page (0 means 50; the SDK refuses more than 500), after the job
    /// `after` (the last job of the previous page).
    ///
    /// Core: Scheduler::list_page
    pub async fn jobs_page(
        &self,
        company_id: String,
        status: Option<JobStatus>,
        ig_user_id: Option<String>,
        limit: u64,
        after: Option<String>,
    ) -> Result<Vec<PublishJob>> {
        const WHAT: &str = "Scheduler.jobs_page";
        required("company_id", &company_id)?;
        if let Some(id) = &ig_user_id {
            required("ig_user_id", id)?;
        }
        if let Some(id) = &after {
            required("after", id)?;
        }
        let query = JobQuery {
            status,
            ig_user_id: ig_user_id.map(IgUserId::new),
            limit,
            ..JobQuery::new()
        };
        let after = after.map(JobId::new);
        let jobs = self
            .inner
            .list_page(&CompanyId::new(company_id), query, after.as_ref())
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(jobs.iter().map(PublishJob::from).collect())
    }

    /// Runs worker `worker_id` until `stop` is given: polls for due jobs every
    /// `poll_interval_ms` (the SDK's default when `None`, backing off while nothing is due)
    /// and publishes them. Returns once the worker has finished its running jobs; fails only
    /// for invalid options (a failing store is logged and retried).
    ///
    /// Core: Worker::run_until
    pub async fn run_worker_until(
        &self,
        worker_id: String,
        poll_interval_ms: Option<u64>,
        stop: std::sync::Arc<WorkerStop>,
    ) -> Result<()> {
        const WHAT: &str = "Scheduler.run_worker_until";
        required("worker_id", &worker_id)?;
        let mut options = WorkerOptions::default();
        if let Some(ms) = poll_interval_ms {
            options.poll_interval = Duration::from_millis(ms);
        }
        let mut stopped = stop.sender.subscribe();
        self.inner
            .worker(worker_id)
            .with_options(options)
            .run_until(async move {
                // A closed channel cannot happen while `stop` is borrowed; either way, stop.
                let _ = stopped.wait_for(|given| *given).await;
            })
            .await
            .map_err(|e| sdk(WHAT, e))
    }
}
