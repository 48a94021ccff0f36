//! The store traits, split by concern and object-safe so they can sit behind `Arc<dyn …>`.
//!
//! Every method is scoped to a tenant (`&CompanyId`) except the few that say why not. Times are
//! kept with microsecond precision by every backend.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::accounts::{AccountPage, AccountQuery, AccountRecord, NewAccount, UpsertOutcome};
use super::crypto::SealedSecret;
use super::error::StoreResult;
use super::records::{
    JobInsert, JobQuery, JobRecord, LoginKind, OAuthStateRecord, TokenKind, TokenRecord,
};
use crate::ids::{AgencyClientId, CompanyId, FacebookUserId, IgUserId, JobId, TokenId};

/// User, Page and Instagram tokens of each tenant. The backend sees only sealed secrets.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// Stores a token, upserting by `(company, kind, login, subject_id)`: when the subject
    /// already has a token of that kind, its row keeps its id and `created_at` and takes
    /// everything else from `record`. Returns the id actually stored. A `record.id` already used
    /// by another subject of the company is a [`super::StoreError::Conflict`].
    async fn put_token(&self, record: TokenRecord) -> StoreResult<TokenId>;

    /// One token by id.
    async fn get_token(
        &self,
        company: &CompanyId,
        id: &TokenId,
    ) -> StoreResult<Option<TokenRecord>>;

    /// The token of a subject.
    async fn find_token(
        &self,
        company: &CompanyId,
        kind: TokenKind,
        login: LoginKind,
        subject_id: &str,
    ) -> StoreResult<Option<TokenRecord>>;

    /// Every token of the company, oldest first.
    async fn list_tokens(&self, company: &CompanyId) -> StoreResult<Vec<TokenRecord>>;

    /// Tokens (valid or not) whose `expires_at` is strictly before `before`, soonest first;
    /// tokens without an expiry never appear.
    async fn tokens_expiring_before(
        &self,
        company: &CompanyId,
        before: DateTime<Utc>,
    ) -> StoreResult<Vec<TokenRecord>>;

    /// Marks a token valid or invalid. Returns false when the company has no such token.
    async fn set_token_valid(
        &self,
        company: &CompanyId,
        id: &TokenId,
        valid: bool,
    ) -> StoreResult<bool>;

    /// Deletes a token. Returns false when the company has no such token.
    async fn delete_token(&self, company: &CompanyId, id: &TokenId) -> StoreResult<bool>;

    /// For re-sealing after a key rotation: tokens of every tenant whose sealed secret does not
    /// start with `v1.<key_id>.` (sealed with another key, or malformed), ordered by
    /// `(company, id)` (byte order), only those strictly after the cursor `after` (the last
    /// row of the previous batch), at most `limit` (0 means 50; above 500 is an `InvalidInput`
    /// error). Cross-tenant by design, like claims: a maintenance task serves every company.
    ///
    /// Optional: the default returns [`super::StoreError::Unsupported`], and
    /// [`super::Store::reseal_tokens`] then cannot run on the backend.
    async fn tokens_sealed_without_key(
        &self,
        key_id: &str,
        after: Option<(&CompanyId, &TokenId)>,
        limit: u64,
    ) -> StoreResult<Vec<TokenRecord>> {
        let _ = (key_id, after, limit);
        Err(super::StoreError::Unsupported("tokens_sealed_without_key"))
    }

    /// Replaces a token's sealed secret with `sealed` if it is still `expected` (compare and
    /// swap), leaving every other field alone, `updated_at` included: a token saved meanwhile
    /// is never overwritten by the re-sealed old one. Returns whether it replaced it (false when
    /// the company has no such token or its secret changed).
    ///
    /// Optional: the default returns [`super::StoreError::Unsupported`].
    async fn replace_sealed(
        &self,
        company: &CompanyId,
        id: &TokenId,
        expected: &SealedSecret,
        sealed: SealedSecret,
    ) -> StoreResult<bool> {
        let _ = (company, id, expected, sealed);
        Err(super::StoreError::Unsupported("replace_sealed"))
    }
}

/// The Instagram accounts each tenant connected (the old `MetaSocialAccount` table).
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Saves discovered accounts, processed in order. An account new for the company is inserted
    /// (not added, unassigned). One that already exists, or repeats earlier in the same batch, is
    /// counted as ignored, like Sequelize's `ignoreDuplicates` — but its profile metadata
    /// (`username`, `name`, `profile_picture_url`, `followers_count`, `account_type`) and its
    /// `token_id` are refreshed from the new value, where that value is `Some`. Ownership fields
    /// (`is_added`, assignment, source, page, business, Facebook user, client) are left alone.
    async fn upsert_accounts(
        &self,
        company: &CompanyId,
        accounts: Vec<NewAccount>,
    ) -> StoreResult<UpsertOutcome>;

    /// One account.
    async fn get_account(
        &self,
        company: &CompanyId,
        ig: &IgUserId,
    ) -> StoreResult<Option<AccountRecord>>;

    /// A filtered, searched, sorted page of accounts. See [`AccountQuery`].
    async fn query_accounts(
        &self,
        company: &CompanyId,
        query: &AccountQuery,
    ) -> StoreResult<AccountPage>;

    /// Sets the added flag. Returns how many rows actually changed (ids already in that state,
    /// unknown ids and repeated ids do not count).
    async fn set_added(
        &self,
        company: &CompanyId,
        ids: &[IgUserId],
        added: bool,
    ) -> StoreResult<u64>;

    /// Assigns accounts to a client, or unassigns them with `None`. Returns how many rows
    /// actually changed.
    async fn assign_client(
        &self,
        company: &CompanyId,
        client: Option<&AgencyClientId>,
        ids: &[IgUserId],
    ) -> StoreResult<u64>;

    /// Deletes one account. Returns false when the company has no such account.
    async fn remove_account(&self, company: &CompanyId, ig: &IgUserId) -> StoreResult<bool>;

    /// Deletes the accounts of a Facebook user's connection (on disconnect): the company's rows
    /// whose `facebook_user_id` is `user`, except those whose `token_id` names a token of the
    /// company held by another connection ([`TokenRecord::belongs_to_other_connection`]): an
    /// Instagram Login token (the account was reconnected through Instagram Login since) or
    /// another Facebook user's user token (the account is shared with that user). A row whose
    /// token is unset, the user's own, a Page token or missing is deleted. Returns how many.
    async fn remove_accounts_of_user(
        &self,
        company: &CompanyId,
        user: &FacebookUserId,
    ) -> StoreResult<u64>;
}

/// The most live OAuth states one company holds; [`OAuthStateStore::put_state`] drops the
/// oldest beyond it. A person completes a login within minutes, so 1,000 pending logins per
/// company is far above real use.
pub const MAX_OAUTH_STATES_PER_COMPANY: u64 = 1_000;

/// Single-use OAuth states between the redirect to Meta and the callback.
#[async_trait]
pub trait OAuthStateStore: Send + Sync {
    /// Stores a new state; [`super::StoreError::Conflict`] if it already exists.
    ///
    /// Nothing grows without bound: in the same call, every state that expired before the new
    /// one's `created_at` (`expires_at < created_at`) is deleted (across tenants), and when the company then holds more than
    /// [`MAX_OAUTH_STATES_PER_COMPANY`] states, its oldest ones (by `created_at`, then `state`)
    /// go, so that a client asking for authorize URLs in a loop cannot fill the store.
    async fn put_state(&self, record: OAuthStateRecord) -> StoreResult<()>;

    /// Removes and returns a state, atomically: of any number of concurrent callers, one gets
    /// it. Not tenant-scoped, because the callback learns the company from the state; the
    /// caller checks `expires_at` and the company.
    async fn take_state(&self, state: &str) -> StoreResult<Option<OAuthStateRecord>>;

    /// Deletes every state with `expires_at <= now`, across tenants. Returns how many.
    async fn purge_expired_states(&self, now: DateTime<Utc>) -> StoreResult<u64>;
}

/// Publish jobs: idempotency, schedules, and leases for workers.
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Inserts a job, or returns the one already stored under the same
    /// `(company, idempotency_key)` untouched. A `job.id` already used in the company by another
    /// key is a [`super::StoreError::Conflict`].
    async fn insert_job(&self, job: JobRecord) -> StoreResult<JobInsert>;

    /// One job.
    async fn get_job(&self, company: &CompanyId, id: &JobId) -> StoreResult<Option<JobRecord>>;

    /// The job stored under an idempotency key.
    async fn find_job_by_key(
        &self,
        company: &CompanyId,
        key: &str,
    ) -> StoreResult<Option<JobRecord>>;

    /// Writes a job back if nobody wrote it since it was read: a compare-and-swap on
    /// [`JobRecord::version`], scoped by `job.company` and `job.id`.
    ///
    /// When the stored version equals `job.version`, everything but `company`, `id`,
    /// `ig_user_id`, `idempotency_key` and `created_at` is replaced, the version becomes
    /// `job.version + 1`, and the job as stored is returned. When it differs (an update, a claim,
    /// an acquire or a release came in between), nothing changes and `Ok(None)` says so: the
    /// caller lost the job and must re-read it before doing anything else.
    /// [`super::StoreError::NotFound`] when the company has no such job.
    async fn update_job(&self, job: &JobRecord) -> StoreResult<Option<JobRecord>>;

    /// The company's jobs that `query` selects ([`JobQuery`]: status, account, and a position
    /// to continue from), newest first (`created_at`, then `id`, both descending), at most
    /// `query.limit` (0 means 50; above 500 is an `InvalidInput` error).
    async fn list_jobs(&self, company: &CompanyId, query: &JobQuery)
        -> StoreResult<Vec<JobRecord>>;

    /// Leases up to `limit` due jobs to `worker` for `lease` and returns them (`limit` 0 returns
    /// none; above 500 is an error). Cross-tenant by design: workers serve every company.
    ///
    /// Due means all of:
    /// - a status that is not terminal ([`JobStatus::is_claimable`](super::JobStatus::is_claimable)): `Scheduled` and
    ///   `Deferred` jobs waiting for their time, and also `Pending`, `ContainerCreated` and
    ///   `Publishing` jobs, so that the work of a crashed worker or publisher is taken over once
    ///   its lease lapses (whoever resumes such a job must check the container's status before
    ///   publishing again);
    /// - `scheduled_at` unset or `<= now` (a job scheduled later is never claimed early);
    /// - no lease, or one that expired by `now` (`lease_expires_at <= now`); a live lease is
    ///   never taken.
    ///
    /// `Published`, `Failed` and `Cancelled` jobs are never claimed. Jobs come earliest
    /// `scheduled_at` first (unset first), then oldest. Claiming sets `lease_owner`,
    /// `lease_expires_at = now + lease`, `updated_at = now`, adds one to `attempts` and to
    /// `version`, in one atomic step: concurrent claimers, in this process or others sharing the
    /// backend, never get the same job, and the previous holder's writes fail from then on. The
    /// status is left unchanged.
    ///
    /// `now` is the caller's clock. A backend shared by many hosts may time leases by its own
    /// clock instead (Postgres does by default: see its `LeaseClock`), so that hosts whose
    /// clocks disagree still agree on when a lease lapses.
    async fn claim_due_jobs(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: std::time::Duration,
        limit: u64,
    ) -> StoreResult<Vec<JobRecord>>;

    /// Leases one given job to `worker` for `lease`, whatever its schedule, if it is not
    /// terminal and nobody holds a live lease on it (not even `worker` itself: a live lease held
    /// under the same name is another task's, which must keep the job). Sets `lease_owner`,
    /// `lease_expires_at = now + lease` and `updated_at = now` and adds one to `version` in one
    /// atomic step, like [`JobStore::claim_due_jobs`], but leaves `attempts` alone: this is how a
    /// caller (cancel, reschedule, a resumed publish) gets exclusive use of a job without running
    /// it. Returns the leased job, or `None` when the company has no such job, it is terminal,
    /// or a lease on it is live (read the job to tell which).
    async fn acquire_job(
        &self,
        company: &CompanyId,
        id: &JobId,
        worker: &str,
        now: DateTime<Utc>,
        lease: std::time::Duration,
    ) -> StoreResult<Option<JobRecord>>;

    /// Extends the lease of a job its holder last saw as `job` (company, id and `version`) to
    /// `now + lease`, if the stored version is still `job.version` (a lapsed lease that nobody
    /// took since is still held). Returns the new `lease_expires_at`, or `None` when the job was
    /// taken over, released, updated by someone else, or does not exist: the caller must stop
    /// working on it. The version does not change. `now` as in
    /// [`JobStore::claim_due_jobs`].
    async fn renew_lease(
        &self,
        job: &JobRecord,
        now: DateTime<Utc>,
        lease: std::time::Duration,
    ) -> StoreResult<Option<DateTime<Utc>>>;

    /// Drops the lease of a job its holder last saw as `job` (`lease_owner` and
    /// `lease_expires_at` become unset, the version goes up by one), if the stored version is
    /// still `job.version`, so that the job is claimable again at once if due. Returns whether
    /// it did; a caller that lost the job changes nothing.
    async fn release_job(&self, job: &JobRecord) -> StoreResult<bool>;
}

/// Budgets several processes share (see [`super::budgets`]): keys counted per scope within a
/// rolling window, at most once each, optionally at most `limit` per scope. Not tenant-scoped:
/// the caller namespaces scopes (`hashtags/<ig-user-id>`). Every call on one scope is atomic
/// across processes sharing the backend (two racing counts of the last slot: one wins).
///
/// Bounded: a count drops the scope's entries older than its window, and
/// [`BudgetStore::purge_counted`] drops every old entry.
///
/// Optional for a backend of your own: the defaults return [`super::StoreError::Unsupported`].
#[async_trait]
pub trait BudgetStore: Send + Sync {
    /// Counts `key` in `scope` at `now` unless it was counted after `now - window`; with a
    /// `limit`, refuses a new key when the scope already holds `limit` keys in the window.
    /// Entries of the scope counted at or before `now - window` are dropped first.
    async fn count_once(
        &self,
        scope: &str,
        key: &str,
        now: DateTime<Utc>,
        window: chrono::Duration,
        limit: Option<u64>,
    ) -> StoreResult<super::budgets::CountOutcome> {
        let _ = (scope, key, now, window, limit);
        Err(super::StoreError::Unsupported("count_once"))
    }

    /// Removes `key` from `scope` (a slot given back after a failed call). Returns whether it
    /// was counted.
    async fn uncount(&self, scope: &str, key: &str) -> StoreResult<bool> {
        let _ = (scope, key);
        Err(super::StoreError::Unsupported("uncount"))
    }

    /// The keys of `scope` counted after `since`, oldest first (ties by key).
    async fn counted(
        &self,
        scope: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<(String, DateTime<Utc>)>> {
        let _ = (scope, since);
        Err(super::StoreError::Unsupported("counted"))
    }

    /// Drops every entry, of every scope, counted at or before `before`. Returns how many.
    async fn purge_counted(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let _ = before;
        Err(super::StoreError::Unsupported("purge_counted"))
    }
}

/// Everything a backend provides; implemented for every type that implements the five stores.
pub trait StoreBackend:
    TokenStore + AccountStore + OAuthStateStore + JobStore + BudgetStore
{
}

impl<T> StoreBackend for T where
    T: TokenStore + AccountStore + OAuthStateStore + JobStore + BudgetStore + ?Sized
{
}
