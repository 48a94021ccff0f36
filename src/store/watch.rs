//! The backend as the [`Store`](super::Store) facade hands it out: every call forwarded, and
//! every write of a token or an account counted, so that what was read from them (an account's
//! opened token, kept by [`AccountManager`](crate::AccountManager) between calls) is known to be
//! stale as soon as one of them changes in this process.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::accounts::{AccountPage, AccountQuery, AccountRecord, NewAccount, UpsertOutcome};
use super::budgets::CountOutcome;
use super::crypto::SealedSecret;
use super::error::StoreResult;
use super::records::{
    JobInsert, JobQuery, JobRecord, LoginKind, OAuthStateRecord, TokenKind, TokenRecord,
};
use super::traits::{
    AccountStore, BudgetStore, JobStore, OAuthStateStore, StoreBackend, TokenStore,
};
use crate::ids::{AgencyClientId, CompanyId, FacebookUserId, IgUserId, JobId, TokenId};

/// How many writes of tokens and accounts went through one facade (and its clones).
///
/// A reader takes [`CredentialWrites::current`] *before* it reads the backend, and a writer
/// counts its write *after* the backend wrote: a value read while a write was under way is then
/// always tagged with a count older than the write's, never with the new one.
#[derive(Debug, Default)]
pub(crate) struct CredentialWrites(AtomicU64);

impl CredentialWrites {
    /// The count now.
    pub(crate) fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    fn count<T>(&self, outcome: T) -> T {
        // Counted whatever the outcome: a failed write (a timeout, say) may still have written.
        self.0.fetch_add(1, Ordering::AcqRel);
        outcome
    }
}

/// A backend whose token and account writes are counted in [`CredentialWrites`].
pub(crate) struct Watched {
    inner: Arc<dyn StoreBackend>,
    writes: Arc<CredentialWrites>,
}

impl Watched {
    pub(crate) fn new(inner: Arc<dyn StoreBackend>, writes: Arc<CredentialWrites>) -> Self {
        Self { inner, writes }
    }
}

#[async_trait]
impl TokenStore for Watched {
    async fn put_token(&self, record: TokenRecord) -> StoreResult<TokenId> {
        self.writes.count(self.inner.put_token(record).await)
    }

    async fn get_token(
        &self,
        company: &CompanyId,
        id: &TokenId,
    ) -> StoreResult<Option<TokenRecord>> {
        self.inner.get_token(company, id).await
    }

    async fn find_token(
        &self,
        company: &CompanyId,
        kind: TokenKind,
        login: LoginKind,
        subject_id: &str,
    ) -> StoreResult<Option<TokenRecord>> {
        self.inner
            .find_token(company, kind, login, subject_id)
            .await
    }

    async fn list_tokens(&self, company: &CompanyId) -> StoreResult<Vec<TokenRecord>> {
        self.inner.list_tokens(company).await
    }

    async fn tokens_expiring_before(
        &self,
        company: &CompanyId,
        before: DateTime<Utc>,
    ) -> StoreResult<Vec<TokenRecord>> {
        self.inner.tokens_expiring_before(company, before).await
    }

    async fn set_token_valid(
        &self,
        company: &CompanyId,
        id: &TokenId,
        valid: bool,
    ) -> StoreResult<bool> {
        let outcome = self.inner.set_token_valid(company, id, valid).await;
        self.writes.count(outcome)
    }

    async fn delete_token(&self, company: &CompanyId, id: &TokenId) -> StoreResult<bool> {
        self.writes
            .count(self.inner.delete_token(company, id).await)
    }

    async fn tokens_sealed_without_key(
        &self,
        key_id: &str,
        after: Option<(&CompanyId, &TokenId)>,
        limit: u64,
    ) -> StoreResult<Vec<TokenRecord>> {
        self.inner
            .tokens_sealed_without_key(key_id, after, limit)
            .await
    }

    async fn replace_sealed(
        &self,
        company: &CompanyId,
        id: &TokenId,
        expected: &SealedSecret,
        sealed: SealedSecret,
    ) -> StoreResult<bool> {
        let outcome = self
            .inner
            .replace_sealed(company, id, expected, sealed)
            .await;
        self.writes.count(outcome)
    }
}

#[async_trait]
impl AccountStore for Watched {
    async fn upsert_accounts(
        &self,
        company: &CompanyId,
        accounts: Vec<NewAccount>,
    ) -> StoreResult<UpsertOutcome> {
        self.writes
            .count(self.inner.upsert_accounts(company, accounts).await)
    }

    async fn get_account(
        &self,
        company: &CompanyId,
        ig: &IgUserId,
    ) -> StoreResult<Option<AccountRecord>> {
        self.inner.get_account(company, ig).await
    }

    async fn query_accounts(
        &self,
        company: &CompanyId,
        query: &AccountQuery,
    ) -> StoreResult<AccountPage> {
        self.inner.query_accounts(company, query).await
    }

    async fn set_added(
        &self,
        company: &CompanyId,
        ids: &[IgUserId],
        added: bool,
    ) -> StoreResult<u64> {
        self.writes
            .count(self.inner.set_added(company, ids, added).await)
    }

    async fn assign_client(
        &self,
        company: &CompanyId,
        client: Option<&AgencyClientId>,
        ids: &[IgUserId],
    ) -> StoreResult<u64> {
        self.writes
            .count(self.inner.assign_client(company, client, ids).await)
    }

    async fn remove_account(&self, company: &CompanyId, ig: &IgUserId) -> StoreResult<bool> {
        self.writes
            .count(self.inner.remove_account(company, ig).await)
    }

    async fn remove_accounts_of_user(
        &self,
        company: &CompanyId,
        user: &FacebookUserId,
    ) -> StoreResult<u64> {
        self.writes
            .count(self.inner.remove_accounts_of_user(company, user).await)
    }
}

#[async_trait]
impl BudgetStore for Watched {
    async fn count_once(
        &self,
        scope: &str,
        key: &str,
        now: DateTime<Utc>,
        window: chrono::Duration,
        limit: Option<u64>,
    ) -> StoreResult<CountOutcome> {
        self.inner.count_once(scope, key, now, window, limit).await
    }

    async fn uncount(&self, scope: &str, key: &str) -> StoreResult<bool> {
        self.inner.uncount(scope, key).await
    }

    async fn counted(
        &self,
        scope: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<(String, DateTime<Utc>)>> {
        self.inner.counted(scope, since).await
    }

    async fn purge_counted(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        self.inner.purge_counted(before).await
    }
}

#[async_trait]
impl OAuthStateStore for Watched {
    async fn put_state(&self, record: OAuthStateRecord) -> StoreResult<()> {
        self.inner.put_state(record).await
    }

    async fn take_state(&self, state: &str) -> StoreResult<Option<OAuthStateRecord>> {
        self.inner.take_state(state).await
    }

    async fn purge_expired_states(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        self.inner.purge_expired_states(now).await
    }
}

#[async_trait]
impl JobStore for Watched {
    async fn insert_job(&self, job: JobRecord) -> StoreResult<JobInsert> {
        self.inner.insert_job(job).await
    }

    async fn get_job(&self, company: &CompanyId, id: &JobId) -> StoreResult<Option<JobRecord>> {
        self.inner.get_job(company, id).await
    }

    async fn find_job_by_key(
        &self,
        company: &CompanyId,
        key: &str,
    ) -> StoreResult<Option<JobRecord>> {
        self.inner.find_job_by_key(company, key).await
    }

    async fn update_job(&self, job: &JobRecord) -> StoreResult<Option<JobRecord>> {
        self.inner.update_job(job).await
    }

    async fn list_jobs(
        &self,
        company: &CompanyId,
        query: &JobQuery,
    ) -> StoreResult<Vec<JobRecord>> {
        self.inner.list_jobs(company, query).await
    }

    async fn claim_due_jobs(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: std::time::Duration,
        limit: u64,
    ) -> StoreResult<Vec<JobRecord>> {
        self.inner.claim_due_jobs(worker, now, lease, limit).await
    }

    async fn acquire_job(
        &self,
        company: &CompanyId,
        id: &JobId,
        worker: &str,
        now: DateTime<Utc>,
        lease: std::time::Duration,
    ) -> StoreResult<Option<JobRecord>> {
        self.inner
            .acquire_job(company, id, worker, now, lease)
            .await
    }

    async fn renew_lease(
        &self,
        job: &JobRecord,
        now: DateTime<Utc>,
        lease: std::time::Duration,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        self.inner.renew_lease(job, now, lease).await
    }

    async fn release_job(&self, job: &JobRecord) -> StoreResult<bool> {
        self.inner.release_job(job).await
    }
}
