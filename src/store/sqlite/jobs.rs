//! [`JobStore`] for SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;

use super::{backend, col, from_json, opt_time, parse_enum, time, to_json, SqliteStore};
use crate::ids::{CompanyId, IgUserId, JobId};
use crate::store::error::{StoreError, StoreResult};
use crate::store::records::{JobInsert, JobQuery, JobRecord, JobStatus};
use crate::store::traits::JobStore;
use crate::store::util::{self, to_i64, to_micros};

const COLUMNS: &str = "company, id, ig_user_id, idempotency_key, payload, status, container_ids, \
     media_id, permalink, error, scheduled_at, lease_owner, lease_expires_at, attempts, \
     created_at, updated_at, version";

fn job_from_row(row: &SqliteRow) -> StoreResult<JobRecord> {
    let attempts: i64 = col(row, "attempts")?;
    Ok(JobRecord {
        id: JobId::new(col::<String>(row, "id")?),
        company: CompanyId::new(col::<String>(row, "company")?),
        ig_user_id: IgUserId::new(col::<String>(row, "ig_user_id")?),
        idempotency_key: col(row, "idempotency_key")?,
        payload: from_json(&col::<String>(row, "payload")?)?,
        status: parse_enum(&col::<String>(row, "status")?)?,
        container_ids: from_json(&col::<String>(row, "container_ids")?)?,
        media_id: col(row, "media_id")?,
        permalink: col(row, "permalink")?,
        error: col(row, "error")?,
        scheduled_at: opt_time(row, "scheduled_at")?,
        lease_owner: col(row, "lease_owner")?,
        lease_expires_at: opt_time(row, "lease_expires_at")?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
        version: u64::try_from(col::<i64>(row, "version")?).unwrap_or(0),
    })
}

impl SqliteStore {
    async fn job_by_key(
        &self,
        exec: impl sqlx::SqliteExecutor<'_>,
        company: &CompanyId,
        key: &str,
    ) -> StoreResult<Option<JobRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE company = ?1 AND idempotency_key = ?2");
        sqlx::query(&sql)
            .bind(company.as_str())
            .bind(key)
            .fetch_optional(exec)
            .await
            .map_err(backend)?
            .as_ref()
            .map(job_from_row)
            .transpose()
    }
}

#[async_trait]
impl JobStore for SqliteStore {
    async fn insert_job(&self, job: JobRecord) -> StoreResult<JobInsert> {
        util::require_non_empty("company", job.company.as_str())?;
        util::require_non_empty("id", job.id.as_str())?;
        util::require_non_empty("idempotency_key", &job.idempotency_key)?;
        let job = JobRecord {
            version: 0,
            ..job.normalized()
        };
        let mut tx = self.begin_write().await?;
        if let Some(existing) = self
            .job_by_key(&mut *tx, &job.company, &job.idempotency_key)
            .await?
        {
            tx.commit().await.map_err(backend)?;
            return Ok(JobInsert::Existing(existing));
        }
        let sql = format!(
            "INSERT INTO jobs ({COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 0)"
        );
        sqlx::query(&sql)
            .bind(job.company.as_str())
            .bind(job.id.as_str())
            .bind(job.ig_user_id.as_str())
            .bind(&job.idempotency_key)
            .bind(to_json(&job.payload)?)
            .bind(job.status.as_str())
            .bind(to_json(&job.container_ids)?)
            .bind(job.media_id.as_deref())
            .bind(job.permalink.as_deref())
            .bind(job.error.as_deref())
            .bind(job.scheduled_at.map(to_micros))
            .bind(job.lease_owner.as_deref())
            .bind(job.lease_expires_at.map(to_micros))
            .bind(i64::from(job.attempts))
            .bind(to_micros(job.created_at))
            .bind(to_micros(job.updated_at))
            .execute(&mut *tx)
            .await
            .map_err(|e| match backend(e) {
                StoreError::Conflict(_) => StoreError::Conflict(format!(
                    "job id {} is used by another idempotency key",
                    job.id
                )),
                other => other,
            })?;
        tx.commit().await.map_err(backend)?;
        Ok(JobInsert::Inserted(job))
    }

    async fn get_job(&self, company: &CompanyId, id: &JobId) -> StoreResult<Option<JobRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE company = ?1 AND id = ?2");
        sqlx::query(&sql)
            .bind(company.as_str())
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
            .as_ref()
            .map(job_from_row)
            .transpose()
    }

    async fn find_job_by_key(
        &self,
        company: &CompanyId,
        key: &str,
    ) -> StoreResult<Option<JobRecord>> {
        self.job_by_key(&self.pool, company, key).await
    }

    async fn update_job(&self, job: &JobRecord) -> StoreResult<Option<JobRecord>> {
        // The compare-and-swap is the WHERE on `version`: one statement under the write lock.
        let sql = format!(
            "UPDATE jobs SET payload = ?3, status = ?4, container_ids = ?5, media_id = ?6,
                 permalink = ?7, error = ?8, scheduled_at = ?9, lease_owner = ?10,
                 lease_expires_at = ?11, attempts = ?12, updated_at = ?13, version = version + 1
             WHERE company = ?1 AND id = ?2 AND version = ?14
             RETURNING {COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(job.company.as_str())
            .bind(job.id.as_str())
            .bind(to_json(&job.payload)?)
            .bind(job.status.as_str())
            .bind(to_json(&job.container_ids)?)
            .bind(job.media_id.as_deref())
            .bind(job.permalink.as_deref())
            .bind(job.error.as_deref())
            .bind(job.scheduled_at.map(to_micros))
            .bind(job.lease_owner.as_deref())
            .bind(job.lease_expires_at.map(to_micros))
            .bind(i64::from(job.attempts))
            .bind(to_micros(job.updated_at))
            .bind(to_i64("version", job.version)?)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        match row {
            Some(row) => job_from_row(&row).map(Some),
            None if self.get_job(&job.company, &job.id).await?.is_some() => Ok(None),
            None => Err(StoreError::not_found("job", &job.id)),
        }
    }

    async fn list_jobs(
        &self,
        company: &CompanyId,
        query: &JobQuery,
    ) -> StoreResult<Vec<JobRecord>> {
        let limit = to_i64("limit", util::effective_limit(query.limit)?)?;
        let (before_at, before_id) = query.before.as_ref().map_or((None, None), |(t, id)| {
            (Some(to_micros(*t)), Some(id.as_str()))
        });
        let sql = format!(
            "SELECT {COLUMNS} FROM jobs WHERE company = ?1 AND (?2 IS NULL OR status = ?2)
               AND (?3 IS NULL OR ig_user_id = ?3)
               AND (?4 IS NULL OR created_at < ?4 OR (created_at = ?4 AND id < ?5))
             ORDER BY created_at DESC, id DESC LIMIT ?6"
        );
        sqlx::query(&sql)
            .bind(company.as_str())
            .bind(query.status.map(JobStatus::as_str))
            .bind(query.ig_user_id.as_ref().map(IgUserId::as_str))
            .bind(before_at)
            .bind(before_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
            .iter()
            .map(job_from_row)
            .collect()
    }

    async fn claim_due_jobs(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: std::time::Duration,
        limit: u64,
    ) -> StoreResult<Vec<JobRecord>> {
        util::require_non_empty("worker", worker)?;
        if limit > util::MAX_BATCH {
            return Err(StoreError::invalid("limit", "above the maximum of 500"));
        }
        if limit == 0 {
            return Ok(Vec::new());
        }
        let until = util::lease_until(now, lease)?;
        let now = to_micros(now);
        // One UPDATE … RETURNING: choosing and leasing happen under the same write lock, so two
        // workers (or two processes on one file) can never lease the same row. Every status but
        // the terminal ones is claimable (`JobStatus::is_claimable`): in-flight jobs whose lease
        // lapsed are how a crashed worker's work is taken over.
        let sql = format!(
            "UPDATE jobs SET lease_owner = ?1, lease_expires_at = ?2, attempts = attempts + 1,
                 updated_at = ?3, version = version + 1
             WHERE rowid IN (
                 SELECT rowid FROM jobs
                 WHERE status NOT IN ('published', 'failed', 'cancelled')
                   AND (scheduled_at IS NULL OR scheduled_at <= ?3)
                   AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= ?3)
                 ORDER BY scheduled_at ASC NULLS FIRST, created_at, company, id
                 LIMIT ?4)
             RETURNING {COLUMNS}"
        );
        let rows = sqlx::query(&sql)
            .bind(worker)
            .bind(to_micros(until))
            .bind(now)
            .bind(to_i64("limit", limit)?)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        let mut jobs = rows
            .iter()
            .map(job_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        // RETURNING gives rows in no defined order; hand them out in due order.
        jobs.sort_by(|a, b| {
            (a.scheduled_at, a.created_at, &a.company, &a.id).cmp(&(
                b.scheduled_at,
                b.created_at,
                &b.company,
                &b.id,
            ))
        });
        Ok(jobs)
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
        let until = util::lease_until(now, lease)?;
        // One statement: the check and the lease happen under the same write lock.
        let sql = format!(
            "UPDATE jobs SET lease_owner = ?3, lease_expires_at = ?4, updated_at = ?5,
                 version = version + 1
             WHERE company = ?1 AND id = ?2
               AND status NOT IN ('published', 'failed', 'cancelled')
               AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= ?5)
             RETURNING {COLUMNS}"
        );
        sqlx::query(&sql)
            .bind(company.as_str())
            .bind(id.as_str())
            .bind(worker)
            .bind(to_micros(until))
            .bind(to_micros(now))
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
            .as_ref()
            .map(job_from_row)
            .transpose()
    }

    async fn renew_lease(
        &self,
        job: &JobRecord,
        now: DateTime<Utc>,
        lease: std::time::Duration,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let until = util::lease_until(now, lease)?;
        let done = sqlx::query(
            "UPDATE jobs SET lease_expires_at = ?4
             WHERE company = ?1 AND id = ?2 AND version = ?3 AND lease_owner IS NOT NULL",
        )
        .bind(job.company.as_str())
        .bind(job.id.as_str())
        .bind(to_i64("version", job.version)?)
        .bind(to_micros(until))
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok((done.rows_affected() > 0).then_some(until))
    }

    async fn release_job(&self, job: &JobRecord) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL, version = version + 1
             WHERE company = ?1 AND id = ?2 AND version = ?3 AND lease_owner IS NOT NULL",
        )
        .bind(job.company.as_str())
        .bind(job.id.as_str())
        .bind(to_i64("version", job.version)?)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() > 0)
    }
}
