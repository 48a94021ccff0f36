//! What `Scheduler` and `Worker` answer, as `#[napi(object)]` values (their TypeScript is
//! generated).

use chrono::{DateTime, Utc};
use instagraph::publisher::TickReport as RustTickReport;
use instagraph::store::{self, JobRecord};
use napi_derive::napi;

use crate::convert::{camel_keys, number};

/// Where a publish job is.
#[napi(string_enum = "camelCase")]
pub enum JobStatus {
    /// Stored, not started.
    Pending,
    /// Due at `publishAt`.
    Scheduled,
    /// Its containers exist; publishing is next.
    ContainerCreated,
    /// Being published right now.
    Publishing,
    /// Live.
    Published,
    /// Gave up (see `lastError`).
    Failed,
    /// Cancelled before it started publishing.
    Cancelled,
    /// Postponed (the publishing limit was reached; see `publishAt`).
    Deferred,
}

impl From<store::JobStatus> for JobStatus {
    fn from(status: store::JobStatus) -> Self {
        match status {
            store::JobStatus::Pending => JobStatus::Pending,
            store::JobStatus::Scheduled => JobStatus::Scheduled,
            store::JobStatus::ContainerCreated => JobStatus::ContainerCreated,
            store::JobStatus::Publishing => JobStatus::Publishing,
            store::JobStatus::Published => JobStatus::Published,
            store::JobStatus::Failed => JobStatus::Failed,
            store::JobStatus::Cancelled => JobStatus::Cancelled,
            store::JobStatus::Deferred => JobStatus::Deferred,
        }
    }
}

fn time(t: &Option<DateTime<Utc>>) -> Option<String> {
    t.as_ref().map(DateTime::to_rfc3339)
}

/// A scheduled (or any) publish job.
#[napi(object, use_nullable = true)]
pub struct Job {
    /// The job's id.
    pub id: String,
    /// The company it belongs to.
    pub company_id: String,
    /// The account it publishes to.
    pub ig_user_id: String,
    /// The key that makes it exactly-once.
    pub idempotency_key: String,
    /// Where it is.
    pub status: JobStatus,
    /// When it is due (scheduled and deferred jobs).
    pub publish_at: Option<String>,
    /// How many times a worker took it.
    pub attempts: u32,
    /// Why it failed or was deferred.
    pub last_error: Option<String>,
    /// The published media's id.
    pub media_id: Option<String>,
    /// Its permalink.
    pub permalink: Option<String>,
    /// The containers created for it.
    pub container_ids: Vec<String>,
    /// The worker holding it.
    pub lease_owner: Option<String>,
    /// Until when that worker holds it.
    pub lease_expires_at: Option<String>,
    /// When it was stored.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// The post as stored (camelCase keys).
    #[napi(ts_type = "Record<string, unknown>")]
    pub post: serde_json::Value,
}

impl From<&JobRecord> for Job {
    fn from(j: &JobRecord) -> Self {
        Self {
            id: j.id.as_str().to_owned(),
            company_id: j.company.as_str().to_owned(),
            ig_user_id: j.ig_user_id.as_str().to_owned(),
            idempotency_key: j.idempotency_key.clone(),
            status: j.status.into(),
            publish_at: time(&j.scheduled_at),
            attempts: j.attempts,
            last_error: j.error.clone(),
            media_id: j.media_id.clone(),
            permalink: j.permalink.clone(),
            container_ids: j.container_ids.clone(),
            lease_owner: j.lease_owner.clone(),
            lease_expires_at: time(&j.lease_expires_at),
            created_at: j.created_at.to_rfc3339(),
            updated_at: j.updated_at.to_rfc3339(),
            post: camel_keys(j.payload.clone()),
        }
    }
}

/// What one `Worker.runOnce` tick did.
#[napi(object)]
pub struct TickReport {
    /// Due jobs leased.
    pub claimed: i64,
    /// Jobs published.
    pub published: i64,
    /// Jobs postponed (the publishing limit).
    pub deferred: i64,
    /// Jobs that gave up.
    pub failed: i64,
    /// Jobs that will be tried again.
    pub retried: i64,
    /// Jobs handed back unfinished (the worker stopped).
    pub released: i64,
}

impl From<&RustTickReport> for TickReport {
    fn from(r: &RustTickReport) -> Self {
        Self {
            claimed: number(r.claimed),
            published: number(r.published),
            deferred: number(r.deferred),
            failed: number(r.failed),
            retried: number(r.retried),
            released: number(r.released),
        }
    }
}
