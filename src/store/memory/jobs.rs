//! `JobStore` for [`MemoryStore`]: claims and leases under the one mutex.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::MemoryStore;
use crate::ids::{CompanyId, JobId};
use crate::store::error::{StoreError, StoreResult};
use crate::store::records::{JobInsert, JobQuery, JobRecord};
use crate::store::rules;
use crate::store::traits::JobStore;
use crate::store::util::{self, truncate_time};

#[async_trait]
impl JobStore for MemoryStore {
    async fn insert_job(&self, job: JobRecord) -> StoreResult<JobInsert> {
        let job = rules::new_job(job)?;
        let mut inner = self.lock();
        if let Some(existing) = inner
            .jobs
            .values()
            .find(|j| j.company == job.company && j.idempotency_key == job.idempotency_key)
        {
            return Ok(JobInsert::Existing(existing.clone()));
        }
        let key = (job.company.clone(), job.id.clone());
        if inner.jobs.contains_key(&key) {
            return Err(rules::job_id_conflict(&job));
        }
        inner.jobs.insert(key, job.clone());
        Ok(JobInsert::Inserted(job))
    }

    async fn get_job(&self, company: &CompanyId, id: &JobId) -> StoreResult<Option<JobRecord>> {
        Ok(self
            .lock()
            .jobs
            .get(&(company.clone(), id.clone()))
            .cloned())
    }

    async fn find_job_by_key(
        &self,
        company: &CompanyId,
        key: &str,
    ) -> StoreResult<Option<JobRecord>> {
        Ok(self
            .lock()
            .jobs
            .values()
            .find(|j| &j.company == company && j.idempotency_key == key)
            .cloned())
    }

    async fn update_job(&self, job: &JobRecord) -> StoreResult<Option<JobRecord>> {
        let mut inner = self.lock();
        let Some(row) = inner.jobs.get_mut(&(job.company.clone(), job.id.clone())) else {
            return Err(StoreError::not_found("job", &job.id));
        };
        if row.version != job.version {
            return Ok(None);
        }
        *row = rules::updated_job(row, job);
        Ok(Some(row.clone()))
    }

    async fn list_jobs(
        &self,
        company: &CompanyId,
        query: &JobQuery,
    ) -> StoreResult<Vec<JobRecord>> {
        let limit = util::effective_limit(query.limit)?;
        let mut out: Vec<_> = self
            .lock()
            .jobs
            .values()
            .filter(|j| &j.company == company && query.matches(j))
            .cloned()
            .collect();
        out.sort_by(JobQuery::order);
        out.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(out)
    }

    async fn claim_due_jobs(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: std::time::Duration,
        limit: u64,
    ) -> StoreResult<Vec<JobRecord>> {
        let Some(rules::ClaimWindow { limit, now, until }) =
            rules::claim_window(worker, now, lease, limit)?
        else {
            return Ok(Vec::new());
        };
        let mut inner = self.lock();
        let mut due: Vec<_> = inner
            .jobs
            .iter()
            .filter(|(_, j)| rules::is_due(j, now))
            .map(|(k, j)| (rules::claim_order(j), k.clone()))
            .collect();
        due.sort();
        let mut out = Vec::new();
        for (_, key) in due.into_iter().take(limit) {
            if let Some(j) = inner.jobs.get_mut(&key) {
                rules::lease(j, worker, now, until);
                j.attempts = j.attempts.saturating_add(1);
                out.push(j.clone());
            }
        }
        Ok(out)
    }

    async fn acquire_job(
        &self,
        company: &CompanyId,
        id: &JobId,
        worker: &str,
        now: DateTime<Utc>,
        lease: std::time::Duration,
    ) -> StoreResult<Option<JobRecord>> {
        util::require_non_empty("worker", worker)?;
        let now = truncate_time(now);
        let until = util::lease_until(now, lease)?;
        let mut inner = self.lock();
        let Some(j) = inner.jobs.get_mut(&(company.clone(), id.clone())) else {
            return Ok(None);
        };
        if j.status.is_terminal() || !rules::lease_is_free(j, now) {
            return Ok(None);
        }
        rules::lease(j, worker, now, until);
        Ok(Some(j.clone()))
    }

    async fn renew_lease(
        &self,
        job: &JobRecord,
        now: DateTime<Utc>,
        lease: std::time::Duration,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let until = util::lease_until(truncate_time(now), lease)?;
        let mut inner = self.lock();
        match inner.jobs.get_mut(&(job.company.clone(), job.id.clone())) {
            Some(j) if rules::still_held(j, job) => {
                j.lease_expires_at = Some(until);
                Ok(Some(until))
            }
            _ => Ok(None),
        }
    }

    async fn release_job(&self, job: &JobRecord) -> StoreResult<bool> {
        let mut inner = self.lock();
        match inner.jobs.get_mut(&(job.company.clone(), job.id.clone())) {
            Some(j) if rules::still_held(j, job) => {
                rules::release(j);
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}
