//! `JobStore` over a key-value store: one row per job, and an index from idempotency key to job
//! id. The row is written first; it is live once the index of its key points at it. Every
//! change of a job is a compare-and-swap on its row, which is what makes claims, leases and the
//! version check exclusive.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{contended, encode, keys, Change, KvBackend, Row, MAX_ATTEMPTS};
use crate::ids::{CompanyId, JobId};
use crate::store::error::{StoreError, StoreResult};
use crate::store::records::{JobInsert, JobQuery, JobRecord};
use crate::store::rules;
use crate::store::traits::JobStore;
use crate::store::util::{self, truncate_time};

impl KvBackend {
    /// Whether the index of `job`'s idempotency key points at it.
    async fn job_is_live(&self, job: &JobRecord) -> StoreResult<bool> {
        let index = keys::job_key(&job.company, &job.idempotency_key);
        Ok(self.kv.get(&index).await?.as_deref() == Some(job.id.as_str()))
    }

    /// The live job stored under `key`.
    async fn job_by_key(&self, company: &CompanyId, key: &str) -> StoreResult<Option<JobRecord>> {
        let Some(id) = self.kv.get(&keys::job_key(company, key)).await? else {
            return Ok(None);
        };
        let row = self
            .read::<JobRecord>(&keys::job(company, &JobId::new(id)))
            .await?;
        Ok(row
            .map(|r| r.record)
            .filter(|j| &j.company == company && j.idempotency_key == key))
    }

    /// The live jobs under `rows` (a prefix of job rows) given the index under `index`.
    async fn live_jobs(&self, rows: &str, index: &str) -> StoreResult<Vec<Row<JobRecord>>> {
        let index: HashMap<String, String> = self.scan_raw(index).await?.into_iter().collect();
        let rows = self.scan::<JobRecord>(rows).await?;
        Ok(rows
            .into_iter()
            .filter(|r| {
                let job = &r.record;
                let key = keys::job_key(&job.company, &job.idempotency_key);
                r.key == keys::job(&job.company, &job.id)
                    && index.get(&key).map(String::as_str) == Some(job.id.as_str())
            })
            .collect())
    }

    /// Points the index of `job`'s idempotency key at it, unless another live job holds the
    /// key; an index pointing at a job that does not exist (or has another key) is taken over.
    async fn claim_job_key(&self, job: &JobRecord) -> StoreResult<bool> {
        let index = keys::job_key(&job.company, &job.idempotency_key);
        for _ in 0..MAX_ATTEMPTS {
            let current = self.kv.get(&index).await?;
            match current.as_deref() {
                Some(id) if id == job.id.as_str() => return Ok(true),
                Some(id) => {
                    let holder = self
                        .read::<JobRecord>(&keys::job(&job.company, &JobId::new(id)))
                        .await?;
                    if holder.is_some_and(|h| h.record.idempotency_key == job.idempotency_key) {
                        return Ok(false);
                    }
                }
                None => {}
            }
            if self
                .swap(&index, current.as_deref(), Some(job.id.as_str()))
                .await?
            {
                return Ok(true);
            }
        }
        Err(contended("idempotency key"))
    }

    /// A change of the live job `id` of `company`; `None` when there is none.
    async fn change_job<R: Send>(
        &self,
        company: &CompanyId,
        id: &JobId,
        decide: impl FnMut(Option<JobRecord>) -> StoreResult<Change<JobRecord, R>> + Send,
    ) -> StoreResult<Option<R>> {
        if self.get_job(company, id).await?.is_none() {
            return Ok(None);
        }
        let result = self.modify(&keys::job(company, id), "job", decide).await?;
        Ok(Some(result))
    }
}

#[async_trait]
impl JobStore for KvBackend {
    async fn insert_job(&self, job: JobRecord) -> StoreResult<JobInsert> {
        let job = rules::new_job(job)?;
        let key = keys::job(&job.company, &job.id);
        let fresh = encode(&job)?;
        for _ in 0..MAX_ATTEMPTS {
            if let Some(existing) = self.job_by_key(&job.company, &job.idempotency_key).await? {
                return Ok(JobInsert::Existing(existing));
            }
            let current = self.read::<JobRecord>(&key).await?;
            if let Some(row) = &current {
                if row.record.idempotency_key != job.idempotency_key
                    && self.job_is_live(&row.record).await?
                {
                    return Err(rules::job_id_conflict(&job));
                }
            }
            // The row first (over a row no index points at, left by a crashed insert).
            let expected = current.as_ref().map(|r| r.raw.as_str());
            if !self.swap(&key, expected, Some(&fresh)).await? {
                continue;
            }
            if self.claim_job_key(&job).await? {
                return Ok(JobInsert::Inserted(job));
            }
            // Another insert of the key won: drop this row, and return that job next round.
            self.swap(&key, Some(&fresh), None).await?;
        }
        Err(contended("job"))
    }

    async fn get_job(&self, company: &CompanyId, id: &JobId) -> StoreResult<Option<JobRecord>> {
        let Some(row) = self.read::<JobRecord>(&keys::job(company, id)).await? else {
            return Ok(None);
        };
        if &row.record.company != company || !self.job_is_live(&row.record).await? {
            return Ok(None);
        }
        Ok(Some(row.record))
    }

    async fn find_job_by_key(
        &self,
        company: &CompanyId,
        key: &str,
    ) -> StoreResult<Option<JobRecord>> {
        self.job_by_key(company, key).await
    }

    async fn update_job(&self, job: &JobRecord) -> StoreResult<Option<JobRecord>> {
        let changed = self
            .change_job(&job.company, &job.id, |current| {
                Ok(match current {
                    Some(row) if row.version == job.version => {
                        let next = rules::updated_job(&row, job);
                        Change::Write(next.clone(), Some(next))
                    }
                    _ => Change::Keep(None),
                })
            })
            .await?;
        changed.ok_or_else(|| StoreError::not_found("job", &job.id))
    }

    async fn list_jobs(
        &self,
        company: &CompanyId,
        query: &JobQuery,
    ) -> StoreResult<Vec<JobRecord>> {
        let limit = util::effective_limit(query.limit)?;
        let rows = keys::of_company(keys::JOBS, company);
        let index = keys::of_company(keys::JOB_KEYS, company);
        let mut out: Vec<_> = self
            .live_jobs(&rows, &index)
            .await?
            .into_iter()
            .map(|r| r.record)
            .filter(|j| &j.company == company && query.matches(j))
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
        let mut due: Vec<_> = self
            .live_jobs(keys::JOBS, keys::JOB_KEYS)
            .await?
            .into_iter()
            .filter(|r| rules::is_due(&r.record, now))
            .collect();
        due.sort_by(|a, b| {
            (rules::claim_order(&a.record), &a.key).cmp(&(rules::claim_order(&b.record), &b.key))
        });
        let mut out = Vec::new();
        for row in due {
            if out.len() == limit {
                break;
            }
            // Another claimer may have taken it since the scan: the check runs again on
            // every read.
            let claimed = self
                .modify(&row.key, "job", |current: Option<JobRecord>| {
                    Ok(match current {
                        Some(mut j) if rules::is_due(&j, now) => {
                            rules::lease(&mut j, worker, now, until);
                            j.attempts = j.attempts.saturating_add(1);
                            Change::Write(j.clone(), Some(j))
                        }
                        _ => Change::Keep(None),
                    })
                })
                .await?;
            out.extend(claimed);
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
        let acquired = self
            .change_job(company, id, |current| {
                Ok(match current {
                    Some(mut j) if !j.status.is_terminal() && rules::lease_is_free(&j, now) => {
                        rules::lease(&mut j, worker, now, until);
                        Change::Write(j.clone(), Some(j))
                    }
                    _ => Change::Keep(None),
                })
            })
            .await?;
        Ok(acquired.flatten())
    }

    async fn renew_lease(
        &self,
        job: &JobRecord,
        now: DateTime<Utc>,
        lease: std::time::Duration,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let until = util::lease_until(truncate_time(now), lease)?;
        let renewed = self
            .change_job(&job.company, &job.id, |current| {
                Ok(match current {
                    Some(mut j) if rules::still_held(&j, job) => {
                        j.lease_expires_at = Some(until);
                        Change::Write(j, Some(until))
                    }
                    _ => Change::Keep(None),
                })
            })
            .await?;
        Ok(renewed.flatten())
    }

    async fn release_job(&self, job: &JobRecord) -> StoreResult<bool> {
        let released = self
            .change_job(&job.company, &job.id, |current| {
                Ok(match current {
                    Some(mut j) if rules::still_held(&j, job) => {
                        rules::release(&mut j);
                        Change::Write(j, true)
                    }
                    _ => Change::Keep(false),
                })
            })
            .await?;
        Ok(released.unwrap_or(false))
    }
}
