//! [`JobStore`] for Postgres: claims with `FOR UPDATE SKIP LOCKED` and leases.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::types::Json;

use super::{backend, col, col_u32, parse_enum, PostgresStore};
use crate::ids::{CompanyId, IgUserId, JobId};
use crate::store::error::{StoreError, StoreResult};
use crate::store::records::{JobInsert, JobQuery, JobRecord, JobStatus};
use crate::store::traits::JobStore;
use crate::store::util::{self, to_i64, truncate_opt, truncate_time};

const COLUMNS: &str = "company, id, ig_user_id, idempotency_key, payload, status, container_ids, \
     media_id, permalink, error, scheduled_at, lease_owner, lease_expires_at, attempts, \
     created_at, updated_at, version";

/// The same columns qualified with the `jobs` alias `j`, for statements that join.
const J_COLUMNS: &str = "j.company, j.id, j.ig_user_id, j.idempotency_key, j.payload, j.status, \
     j.container_ids, j.media_id, j.permalink, j.error, j.scheduled_at, j.lease_owner, \
     j.lease_expires_at, j.attempts, j.created_at, j.updated_at, j.version";

/// The lease clock in SQL, given the caller's `now` bound as `$n` (NULL for the database's
/// clock; see [`super::LeaseClock`]).
fn clock(n: u8) -> String {
    format!("COALESCE(${n}::timestamptz, date_trunc('microseconds', now()))")
}

/// A lease duration as bound: whole microseconds (`$n::bigint * interval '1 microsecond'`).
fn lease_micros(lease: std::time::Duration) -> StoreResult<i64> {
    i64::try_from(lease.as_micros()).map_err(|_| StoreError::invalid("lease", "too long"))
}

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
        version: u64::try_from(col::<i64>(row, "version")?).unwrap_or(0),
    })
}

impl PostgresStore {
    /// The caller's `now`, or `None` when the database's clock times leases.
    fn caller_now(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self.lease_clock {
            super::LeaseClock::Caller => Some(truncate_time(now)),
            super::LeaseClock::Database => None,
        }
    }

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
        let job = JobRecord {
            version: 0,
            ..job.normalized()
        };
        // The key is the arbiter: a row with the same key is left alone (and read below); a
        // reused id under another key still violates the primary key, a conflict.
        let sql = format!(
            "INSERT INTO jobs ({COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 0)
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

    async fn update_job(&self, job: &JobRecord) -> StoreResult<Option<JobRecord>> {
        // The compare-and-swap is the WHERE on `version`: a concurrent writer of the row makes
        // this one wait, and the WHERE is then re-checked against what it committed.
        let sql = format!(
            "UPDATE jobs SET payload = $3, status = $4, container_ids = $5, media_id = $6,
                 permalink = $7, error = $8, scheduled_at = $9, lease_owner = $10,
                 lease_expires_at = $11, attempts = $12, updated_at = $13, version = version + 1
             WHERE company = $1 AND id = $2 AND version = $14
             RETURNING {COLUMNS}"
        );
        let row = sqlx::query(&sql)
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
            (Some(truncate_time(*t)), Some(id.as_str()))
        });
        let sql = format!(
            "SELECT {COLUMNS} FROM jobs
             WHERE company = $1 AND ($2::text IS NULL OR status = $2)
               AND ($3::text IS NULL OR ig_user_id = $3)
               AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5::text))
             ORDER BY created_at DESC, id DESC LIMIT $6"
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
        util::lease_until(now, lease)?;
        let now_sql = clock(3);
        // Choosing and leasing in one statement. The inner SELECT locks the rows it picks and
        // skips rows another claimer has locked, so concurrent claimers (in any process) never
        // wait for each other and never get the same job; a row whose lease another claimer
        // committed meanwhile is re-checked against the WHERE when locked, and dropped. The WHERE
        // repeats the `jobs_claimable` index predicate word for word.
        let sql = format!(
            "UPDATE jobs AS j SET lease_owner = $1,
                 lease_expires_at = {now_sql} + $2::bigint * interval '1 microsecond',
                 attempts = j.attempts + 1, updated_at = {now_sql}, version = j.version + 1
             FROM (
                 SELECT company, id FROM jobs
                 WHERE status NOT IN ('published', 'failed', 'cancelled')
                   AND (scheduled_at IS NULL OR scheduled_at <= {now_sql})
                   AND (lease_owner IS NULL OR lease_expires_at IS NULL
                        OR lease_expires_at <= {now_sql})
                 ORDER BY scheduled_at ASC NULLS FIRST, created_at, company, id
                 LIMIT $4
                 FOR UPDATE SKIP LOCKED) AS due
             WHERE j.company = due.company AND j.id = due.id
             RETURNING {J_COLUMNS}"
        );
        let rows = sqlx::query(&sql)
            .bind(worker)
            .bind(lease_micros(lease)?)
            .bind(self.caller_now(now))
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
        util::lease_until(now, lease)?;
        let now_sql = clock(5);
        // One UPDATE: a concurrent writer of the row makes this one wait, and the WHERE is then
        // re-checked against the row it committed.
        let sql = format!(
            "UPDATE jobs SET lease_owner = $3,
                 lease_expires_at = {now_sql} + $4::bigint * interval '1 microsecond',
                 updated_at = {now_sql}, version = version + 1
             WHERE company = $1 AND id = $2
               AND status NOT IN ('published', 'failed', 'cancelled')
               AND (lease_owner IS NULL OR lease_expires_at IS NULL
                    OR lease_expires_at <= {now_sql})
             RETURNING {COLUMNS}"
        );
        sqlx::query(&sql)
            .bind(company.as_str())
            .bind(id.as_str())
            .bind(worker)
            .bind(lease_micros(lease)?)
            .bind(self.caller_now(now))
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
        util::lease_until(now, lease)?;
        let now_sql = clock(4);
        let sql = format!(
            "UPDATE jobs SET lease_expires_at = {now_sql} + $5::bigint * interval '1 microsecond'
             WHERE company = $1 AND id = $2 AND version = $3 AND lease_owner IS NOT NULL
             RETURNING lease_expires_at"
        );
        let row = sqlx::query(&sql)
            .bind(job.company.as_str())
            .bind(job.id.as_str())
            .bind(to_i64("version", job.version)?)
            .bind(self.caller_now(now))
            .bind(lease_micros(lease)?)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.as_ref().map(|r| col(r, "lease_expires_at")).transpose()
    }

    async fn release_job(&self, job: &JobRecord) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL, version = version + 1
             WHERE company = $1 AND id = $2 AND version = $3 AND lease_owner IS NOT NULL",
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
