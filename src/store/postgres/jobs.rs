//! [`JobStore`] for Postgres: claims with `FOR UPDATE SKIP LOCKED` and leases.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::types::Json;

use super::{backend, col, col_u32, parse_enum, PostgresStore};
use crate::ids::{CompanyId, IgUserId, JobId};
use crate::store::error::{StoreError, StoreResult};
use crate::store::records::{JobInsert, JobRecord, JobStatus};
use crate::store::traits::JobStore;
use crate::store::util::{self, to_i64, truncate_opt, truncate_time};

const COLUMNS: &str = "company, id, ig_user_id, idempotency_key, payload, status, container_ids, \
     media_id, permalink, error, scheduled_at, lease_owner, lease_expires_at, attempts, \
     created_at, updated_at";

/// The same columns qualified with the `jobs` alias `j`, for statements that join.
const J_COLUMNS: &str = "j.company, j.id, j.ig_user_id, j.idempotency_key, j.payload, j.status, \
     j.container_ids, j.media_id, j.permalink, j.error, j.scheduled_at, j.lease_owner, \
     j.lease_expires_at, j.attempts, j.created_at, j.updated_at";

fn job_from_row(row: &PgRow) -> StoreResult<JobRecord> {
    Ok(JobRecord {
        id: JobId::new(col::<String>(row, "id")?),
        company: CompanyId::new(col::<String>(row, "company")?),
        ig_user_id: IgUserId::new(col::<String>(row, "ig_user_id")?),
        idempotency_key: col(row, "idempotency_key")?,
        payload: col::<Json<serde_json::Value>>(row, "payload")?.0,
        status: parse_enum(&col::<String>(row, "status")?)?,
        container_ids: col(row, "container_ids")?,
        media_id: col(row, "media_id")?,
        permalink: col(row, "permalink")?,
        error: col(row, "error")?,
        scheduled_at: col(row, "scheduled_at")?,
        lease_owner: col(row, "lease_owner")?,
        lease_expires_at: col(row, "lease_expires_at")?,
        attempts: col_u32(row, "attempts")?,
        created_at: col(row, "created_at")?,
        updated_at: col(row, "updated_at")?,
    })
}

impl PostgresStore {
    async fn job_by_key(&self, company: &CompanyId, key: &str) -> StoreResult<Option<JobRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE company = $1 AND idempotency_key = $2");
        sqlx::query(&sql)
            .bind(company.as_str())
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
            .as_ref()
            .map(job_from_row)
            .transpose()
    }
}

#[async_trait]
impl JobStore for PostgresStore {
    async fn insert_job(&self, job: JobRecord) -> StoreResult<JobInsert> {
        util::require_non_empty("company", job.company.as_str())?;
        util::require_non_empty("id", job.id.as_str())?;
        util::require_non_empty("idempotency_key", &job.idempotency_key)?;
        let job = job.normalized();
        // The key is the arbiter: a row with the same key is left alone (and read below); a
        // reused id under another key still violates the primary key, a conflict.
        let sql = format!(
            "INSERT INTO jobs ({COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
             ON CONFLICT (company, idempotency_key) DO NOTHING"
        );
        let inserted = sqlx::query(&sql)
            .bind(job.company.as_str())
            .bind(job.id.as_str())
            .bind(job.ig_user_id.as_str())
            .bind(&job.idempotency_key)
            .bind(Json(&job.payload))
            .bind(job.status.as_str())
            .bind(&job.container_ids)
            .bind(job.media_id.as_deref())
            .bind(job.permalink.as_deref())
            .bind(job.error.as_deref())
            .bind(job.scheduled_at)
            .bind(job.lease_owner.as_deref())
            .bind(job.lease_expires_at)
            .bind(i64::from(job.attempts))
            .bind(job.created_at)
            .bind(job.updated_at)
            .execute(&self.pool)
            .await
            .map_err(|e| match backend(e) {
                StoreError::Conflict(_) => StoreError::Conflict(format!(
                    "job id {} is used by another idempotency key",
                    job.id
                )),
                other => other,
            })?
            .rows_affected();
        if inserted > 0 {
            return Ok(JobInsert::Inserted(job));
        }
        // The row that won is committed (ON CONFLICT waited for it), so this new statement sees
        // it. Only a delete in between could hide it, and jobs are never deleted.
        match self.job_by_key(&job.company, &job.idempotency_key).await? {
            Some(existing) => Ok(JobInsert::Existing(existing)),
            None => Err(StoreError::Conflict(format!(
                "job with idempotency key of job {} vanished during insert",
                job.id
            ))),
        }
    }

    async fn get_job(&self, company: &CompanyId, id: &JobId) -> StoreResult<Option<JobRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE company = $1 AND id = $2");
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
        self.job_by_key(company, key).await
    }

    async fn update_job(&self, job: &JobRecord) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE jobs SET payload = $3, status = $4, container_ids = $5, media_id = $6,
                 permalink = $7, error = $8, scheduled_at = $9, lease_owner = $10,
                 lease_expires_at = $11, attempts = $12, updated_at = $13
             WHERE company = $1 AND id = $2",
        )
        .bind(job.company.as_str())
        .bind(job.id.as_str())
        .bind(Json(&job.payload))
        .bind(job.status.as_str())
        .bind(&job.container_ids)
        .bind(job.media_id.as_deref())
        .bind(job.permalink.as_deref())
        .bind(job.error.as_deref())
        .bind(truncate_opt(job.scheduled_at))
        .bind(job.lease_owner.as_deref())
        .bind(truncate_opt(job.lease_expires_at))
        .bind(i64::from(job.attempts))
        .bind(truncate_time(job.updated_at))
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("job", &job.id));
        }
        Ok(())
    }

    async fn list_jobs(
        &self,
        company: &CompanyId,
        status: Option<JobStatus>,
        limit: u64,
    ) -> StoreResult<Vec<JobRecord>> {
        let limit = to_i64("limit", util::effective_limit(limit)?)?;
        let sql = format!(
            "SELECT {COLUMNS} FROM jobs
             WHERE company = $1 AND ($2::text IS NULL OR status = $2)
             ORDER BY created_at, id LIMIT $3"
        );
        sqlx::query(&sql)
            .bind(company.as_str())
            .bind(status.map(JobStatus::as_str))
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
        let now = truncate_time(now);
        let until = util::lease_until(now, lease)?;
        // Choosing and leasing in one statement. The inner SELECT locks the rows it picks and
        // skips rows another claimer has locked, so concurrent claimers (in any process) never
        // wait for each other and never get the same job; a row whose lease another claimer
        // committed meanwhile is re-checked against the WHERE when locked, and dropped. The WHERE
        // repeats the `jobs_claimable` index predicate word for word.
        let sql = format!(
            "UPDATE jobs AS j SET lease_owner = $1, lease_expires_at = $2,
                 attempts = j.attempts + 1, updated_at = $3
             FROM (
                 SELECT company, id FROM jobs
                 WHERE status NOT IN ('published', 'failed', 'cancelled')
                   AND (scheduled_at IS NULL OR scheduled_at <= $3)
                   AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= $3)
                 ORDER BY scheduled_at ASC NULLS FIRST, created_at, company, id
                 LIMIT $4
                 FOR UPDATE SKIP LOCKED) AS due
             WHERE j.company = due.company AND j.id = due.id
             RETURNING {J_COLUMNS}"
        );
        let rows = sqlx::query(&sql)
            .bind(worker)
            .bind(until)
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
        let now = truncate_time(now);
        let until = util::lease_until(now, lease)?;
        // One UPDATE: a concurrent writer of the row makes this one wait, and the WHERE is then
        // re-checked against the row it committed.
        let sql = format!(
            "UPDATE jobs SET lease_owner = $3, lease_expires_at = $4, updated_at = $5
             WHERE company = $1 AND id = $2
               AND status NOT IN ('published', 'failed', 'cancelled')
               AND (lease_owner IS NULL OR lease_owner = $3 OR lease_expires_at IS NULL
                    OR lease_expires_at <= $5)
             RETURNING {COLUMNS}"
        );
        sqlx::query(&sql)
            .bind(company.as_str())
            .bind(id.as_str())
            .bind(worker)
            .bind(until)
            .bind(now)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
            .as_ref()
            .map(job_from_row)
            .transpose()
    }

    async fn renew_lease(
        &self,
        company: &CompanyId,
        id: &JobId,
        worker: &str,
        until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET lease_expires_at = $4
             WHERE company = $1 AND id = $2 AND lease_owner = $3",
        )
        .bind(company.as_str())
        .bind(id.as_str())
        .bind(worker)
        .bind(truncate_time(until))
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() > 0)
    }

    async fn release_job(
        &self,
        company: &CompanyId,
        id: &JobId,
        worker: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL
             WHERE company = $1 AND id = $2 AND lease_owner = $3",
        )
        .bind(company.as_str())
        .bind(id.as_str())
        .bind(worker)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() > 0)
    }
}
