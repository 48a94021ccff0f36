//! The rules of the store traits that backends without SQL apply in Rust — the memory store and
//! the key-value backend — written once so that the two cannot drift apart. (The SQL backends
//! state the same rules in SQL, and the conformance suite holds all of them to it.)

use chrono::{DateTime, Utc};

use super::crypto::sealed_prefix;
use super::error::{StoreError, StoreResult};
use super::records::{JobRecord, OAuthStateRecord, TokenRecord};
use super::traits::MAX_OAUTH_STATES_PER_COMPANY;
use super::util::{self, truncate_time};
use crate::ids::{CompanyId, TokenId};

/// Checks a token given to `put_token` and drops its sub-microsecond precision.
pub(crate) fn new_token(record: TokenRecord) -> StoreResult<TokenRecord> {
    util::require_non_empty("company", record.company.as_str())?;
    util::require_non_empty("id", record.id.as_str())?;
    util::require_non_empty("subject_id", &record.subject_id)?;
    Ok(record.normalized())
}

/// Whether two tokens are the same subject's: the upsert key of `put_token`.
pub(crate) fn same_subject(a: &TokenRecord, b: &TokenRecord) -> bool {
    a.company == b.company && a.kind == b.kind && a.login == b.login && a.subject_id == b.subject_id
}

/// What `put_token` stores over the subject's `existing` token: `record`, keeping the existing
/// id and `created_at`.
pub(crate) fn upserted_token(existing: &TokenRecord, record: TokenRecord) -> TokenRecord {
    TokenRecord {
        id: existing.id.clone(),
        created_at: existing.created_at,
        ..record
    }
}

/// The `Conflict` of a token id used by another subject.
pub(crate) fn token_id_conflict(id: &TokenId) -> StoreError {
    StoreError::Conflict(format!("token id {id} is used by another subject"))
}

/// A company's tokens in `list_tokens` order: oldest first, then by id.
pub(crate) fn tokens_oldest_first(mut tokens: Vec<TokenRecord>) -> Vec<TokenRecord> {
    tokens.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    tokens
}

/// The `tokens_expiring_before` selection of a company's tokens, soonest first.
pub(crate) fn tokens_expiring_before(
    tokens: impl IntoIterator<Item = TokenRecord>,
    before: DateTime<Utc>,
) -> Vec<TokenRecord> {
    let before = truncate_time(before);
    let mut out: Vec<_> = tokens
        .into_iter()
        .filter(|t| t.expires_at.is_some_and(|e| e < before))
        .collect();
    out.sort_by(|a, b| (a.expires_at, &a.id).cmp(&(b.expires_at, &b.id)));
    out
}

/// The `tokens_sealed_without_key` selection of every tenant's tokens: sealed with another
/// key, after the cursor, by `(company, id)`, at most the effective limit.
pub(crate) fn tokens_sealed_without_key(
    tokens: impl IntoIterator<Item = TokenRecord>,
    key_id: &str,
    after: Option<(&CompanyId, &TokenId)>,
    limit: u64,
) -> StoreResult<Vec<TokenRecord>> {
    let limit = util::effective_limit(limit)?;
    let prefix = sealed_prefix(key_id);
    let after = after.map(|(c, i)| (c.as_str(), i.as_str()));
    let mut out: Vec<_> = tokens
        .into_iter()
        .filter(|t| !t.sealed.as_str().starts_with(&prefix))
        .filter(|t| after.map_or(true, |a| (t.company.as_str(), t.id.as_str()) > a))
        .collect();
    out.sort_by(|a, b| {
        (a.company.as_str(), a.id.as_str()).cmp(&(b.company.as_str(), b.id.as_str()))
    });
    out.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(out)
}

/// Checks a state given to `put_state` and drops its sub-microsecond precision.
pub(crate) fn new_state(record: OAuthStateRecord) -> StoreResult<OAuthStateRecord> {
    util::require_non_empty("state", &record.state)?;
    Ok(record.normalized())
}

/// The `Conflict` of a state that already exists.
pub(crate) fn state_conflict() -> StoreError {
    StoreError::Conflict("OAuth state already exists".into())
}

/// The states `put_state` deletes once `new` is stored, given every stored state (`new`
/// included): those that expired before `new` was created (any tenant), then the oldest of
/// `new`'s company (by `created_at`, then `state`) beyond [`MAX_OAUTH_STATES_PER_COMPANY`].
pub(crate) fn states_to_evict<'a>(
    states: impl IntoIterator<Item = &'a OAuthStateRecord>,
    new: &OAuthStateRecord,
) -> Vec<String> {
    let now = new.created_at;
    let mut evict = Vec::new();
    let mut company = Vec::new();
    for s in states {
        if s.expires_at < now {
            evict.push(s.state.clone());
        } else if s.company == new.company {
            company.push((s.created_at, s.state.clone()));
        }
    }
    let cap = usize::try_from(MAX_OAUTH_STATES_PER_COMPANY).unwrap_or(usize::MAX);
    if company.len() > cap {
        company.sort();
        let excess = company.len() - cap;
        evict.extend(company.into_iter().take(excess).map(|(_, state)| state));
    }
    evict
}

/// Whether `purge_expired_states(now)` deletes `state`.
pub(crate) fn state_expired(state: &OAuthStateRecord, now: DateTime<Utc>) -> bool {
    state.expires_at <= truncate_time(now)
}

/// Checks a job given to `insert_job`; the stored job starts at version 0.
pub(crate) fn new_job(job: JobRecord) -> StoreResult<JobRecord> {
    util::require_non_empty("company", job.company.as_str())?;
    util::require_non_empty("id", job.id.as_str())?;
    util::require_non_empty("idempotency_key", &job.idempotency_key)?;
    Ok(JobRecord {
        version: 0,
        ..job.normalized()
    })
}

/// The `Conflict` of a job id used by another idempotency key.
pub(crate) fn job_id_conflict(job: &JobRecord) -> StoreError {
    StoreError::Conflict(format!(
        "job id {} is used by another idempotency key",
        job.id
    ))
}

/// What `update_job` stores over `row` when the versions match: `job`, except the fields that
/// never change, and the next version.
pub(crate) fn updated_job(row: &JobRecord, job: &JobRecord) -> JobRecord {
    JobRecord {
        company: row.company.clone(),
        id: row.id.clone(),
        ig_user_id: row.ig_user_id.clone(),
        idempotency_key: row.idempotency_key.clone(),
        created_at: row.created_at,
        version: row.version + 1,
        ..job.clone().normalized()
    }
}

/// Whether nobody holds a live lease on `job` at `now`.
pub(crate) fn lease_is_free(job: &JobRecord, now: DateTime<Utc>) -> bool {
    job.lease_owner.is_none() || job.lease_expires_at.map_or(true, |t| t <= now)
}

/// The claim rule of `claim_due_jobs`: not terminal, due, and not under a live lease.
pub(crate) fn is_due(job: &JobRecord, now: DateTime<Utc>) -> bool {
    job.status.is_claimable()
        && job.scheduled_at.map_or(true, |t| t <= now)
        && lease_is_free(job, now)
}

/// The order claims take due jobs in: earliest `scheduled_at` first (unset first, as SQL's
/// NULLS FIRST), then oldest.
pub(crate) fn claim_order(job: &JobRecord) -> (Option<DateTime<Utc>>, DateTime<Utc>) {
    (job.scheduled_at, job.created_at)
}

/// What one `claim_due_jobs` call may do, from its arguments: `None` when it takes nothing
/// (`limit` 0), else how many jobs, `now` at store precision and the lease's end. A blank worker
/// or a limit above the batch maximum is an error.
pub(crate) fn claim_window(
    worker: &str,
    now: DateTime<Utc>,
    lease: std::time::Duration,
    limit: u64,
) -> StoreResult<Option<ClaimWindow>> {
    util::require_non_empty("worker", worker)?;
    if limit > util::MAX_BATCH {
        return Err(StoreError::invalid(
            "limit",
            format!("{limit} is above the maximum of {}", util::MAX_BATCH),
        ));
    }
    if limit == 0 {
        return Ok(None);
    }
    let now = truncate_time(now);
    Ok(Some(ClaimWindow {
        limit: usize::try_from(limit).unwrap_or(usize::MAX),
        now,
        until: util::lease_until(now, lease)?,
    }))
}

/// See [`claim_window`].
pub(crate) struct ClaimWindow {
    pub(crate) limit: usize,
    pub(crate) now: DateTime<Utc>,
    pub(crate) until: DateTime<Utc>,
}

/// Leases `job` to `worker` until `until` (a claim also counts an attempt).
pub(crate) fn lease(job: &mut JobRecord, worker: &str, now: DateTime<Utc>, until: DateTime<Utc>) {
    job.lease_owner = Some(worker.to_owned());
    job.lease_expires_at = Some(until);
    job.updated_at = now;
    job.version += 1;
}

/// Whether the holder that last saw `seen` still holds the stored `row` (for renew and
/// release).
pub(crate) fn still_held(row: &JobRecord, seen: &JobRecord) -> bool {
    row.version == seen.version && row.lease_owner.is_some()
}

/// Drops the lease of `job`.
pub(crate) fn release(job: &mut JobRecord) {
    job.lease_owner = None;
    job.lease_expires_at = None;
    job.version += 1;
}
