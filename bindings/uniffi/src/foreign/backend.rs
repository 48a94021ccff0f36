//! The SDK's store traits over a [`ForeignStore`]: the rules of the reference (memory) backend,
//! applied to rows read from and written back to the app's storage.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use instagraph::store::{
    truncate_time, AccountPage, AccountQuery, AccountRecord, AccountSortField, AccountStore,
    JobInsert, JobQuery, JobRecord, JobStore, LoginKind, NewAccount, OAuthStateRecord,
    OAuthStateStore, SealedSecret, StoreError, StoreResult, TokenKind, TokenRecord, TokenStore,
    UpsertOutcome, MAX_OAUTH_STATES_PER_COMPANY,
};
use instagraph::{AgencyClientId, CompanyId, FacebookUserId, IgUserId, JobId, TokenId};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::Mutex;

use super::caller::{self, HostCaller};
use super::rows::{decode, encode, key2, AccountRow, JobRow, StateRow, TokenRow};
use super::{ForeignStore, StoreCollection};

/// Upper bound of a claim or list batch (the core's `MAX_BATCH`).
const MAX_BATCH: u64 = 500;
/// Default batch for a limit of 0 (the core's `DEFAULT_BATCH`).
const DEFAULT_BATCH: u64 = 50;

/// A store backend over an app's [`ForeignStore`].
pub struct ForeignBackend {
    host: HostCaller,
    // One call at a time: every read-modify-write is atomic for this process (an app has one
    // process per store, so this is the whole of the atomicity the traits ask for).
    lock: Mutex<()>,
}

impl std::fmt::Debug for ForeignBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ForeignBackend")
    }
}

fn require_non_empty(field: &'static str, value: &str) -> StoreResult<()> {
    if value.trim().is_empty() {
        Err(StoreError::invalid(field, "must not be empty"))
    } else {
        Ok(())
    }
}

fn effective_limit(limit: u64) -> StoreResult<u64> {
    match limit {
        0 => Ok(DEFAULT_BATCH),
        n if n > MAX_BATCH => Err(StoreError::invalid(
            "limit",
            format!("{n} is above the maximum of {MAX_BATCH}"),
        )),
        n => Ok(n),
    }
}

fn lease_until(now: DateTime<Utc>, lease: std::time::Duration) -> StoreResult<DateTime<Utc>> {
    chrono::Duration::from_std(lease)
        .ok()
        .and_then(|d| now.checked_add_signed(d))
        .map(truncate_time)
        .ok_or_else(|| StoreError::invalid("lease", "duration out of range"))
}

fn now() -> DateTime<Utc> {
    truncate_time(Utc::now())
}

impl ForeignBackend {
    /// A backend over `store`, whose calls time out after [`caller::DEFAULT_TIMEOUT`].
    pub fn new(store: Arc<dyn ForeignStore>) -> Self {
        Self::with_timeout(store, caller::DEFAULT_TIMEOUT)
    }

    /// A backend over `store` whose calls fail with a `StoreError::Timeout` naming the method
    /// when the app has not answered within `timeout`.
    pub fn with_timeout(store: Arc<dyn ForeignStore>, timeout: Duration) -> Self {
        Self {
            host: HostCaller::new(store, timeout),
            lock: Mutex::new(()),
        }
    }

    fn list<R: DeserializeOwned>(&self, c: StoreCollection) -> StoreResult<Vec<R>> {
        let rows = self.host.call("list", c, move |s| s.list(c))?;
        rows.iter().map(|r| decode(c.name(), r)).collect()
    }

    fn get<R: DeserializeOwned>(&self, c: StoreCollection, key: &str) -> StoreResult<Option<R>> {
        let key = key.to_owned();
        match self.host.call("get", c, move |s| s.get(c, key))? {
            Some(text) => decode(c.name(), &text).map(Some),
            None => Ok(None),
        }
    }

    fn put<R: Serialize>(&self, c: StoreCollection, key: &str, row: &R) -> StoreResult<()> {
        let (key, text) = (key.to_owned(), encode(row)?);
        self.host.call("put", c, move |s| s.put(c, key, text))
    }

    fn delete(&self, c: StoreCollection, key: &str) -> StoreResult<bool> {
        let key = key.to_owned();
        self.host.call("delete", c, move |s| s.delete(c, key))
    }

    fn tokens(&self) -> StoreResult<Vec<TokenRecord>> {
        self.list::<TokenRow>(StoreCollection::Tokens)?
            .iter()
            .map(TokenRow::to_record)
            .collect()
    }

    fn accounts(&self, company: &CompanyId) -> StoreResult<Vec<AccountRecord>> {
        self.list::<AccountRow>(StoreCollection::Accounts)?
            .iter()
            .filter(|a| a.company == company.as_str())
            .map(AccountRow::to_record)
            .collect()
    }

    fn jobs(&self) -> StoreResult<Vec<JobRecord>> {
        self.list::<JobRow>(StoreCollection::Jobs)?
            .iter()
            .map(JobRow::to_record)
            .collect()
    }

    fn get_account_row(
        &self,
        company: &CompanyId,
        ig: &IgUserId,
    ) -> StoreResult<Option<AccountRecord>> {
        self.get::<AccountRow>(
            StoreCollection::Accounts,
            &key2(company.as_str(), ig.as_str()),
        )?
        .map(|r| r.to_record())
        .transpose()
    }

    fn put_account(&self, a: &AccountRecord) -> StoreResult<()> {
        let row = AccountRow::from_record(a);
        self.put(StoreCollection::Accounts, &row.key(), &row)
    }

    fn get_job_row(&self, company: &CompanyId, id: &JobId) -> StoreResult<Option<JobRecord>> {
        self.get::<JobRow>(StoreCollection::Jobs, &key2(company.as_str(), id.as_str()))?
            .map(|r| r.to_record())
            .transpose()
    }

    /// Writes a job and returns it as stored (times at microsecond precision).
    fn put_job(&self, j: &JobRecord) -> StoreResult<JobRecord> {
        let row = JobRow::from_record(j);
        self.put(StoreCollection::Jobs, &row.key(), &row)?;
        row.to_record()
    }
}

#[async_trait]
impl TokenStore for ForeignBackend {
    async fn put_token(&self, record: TokenRecord) -> StoreResult<TokenId> {
        require_non_empty("company", record.company.as_str())?;
        require_non_empty("id", record.id.as_str())?;
        require_non_empty("subject_id", &record.subject_id)?;
        let _guard = self.lock.lock().await;
        let all = self.tokens()?;
        let existing = all.iter().find(|t| {
            t.company == record.company
                && t.kind == record.kind
                && t.login == record.login
                && t.subject_id == record.subject_id
        });
        let stored = match existing {
            Some(existing) => TokenRecord {
                id: existing.id.clone(),
                created_at: existing.created_at,
                ..record
            },
            None => {
                if all
                    .iter()
                    .any(|t| t.company == record.company && t.id == record.id)
                {
                    return Err(StoreError::Conflict(format!(
                        "token id {} is used by another subject",
                        record.id
                    )));
                }
                record
            }
        };
        let row = TokenRow::from_record(&stored);
        self.put(StoreCollection::Tokens, &row.key(), &row)?;
        Ok(stored.id)
    }

    async fn get_token(
        &self,
        company: &CompanyId,
        id: &TokenId,
    ) -> StoreResult<Option<TokenRecord>> {
        let _guard = self.lock.lock().await;
        self.get::<TokenRow>(
            StoreCollection::Tokens,
            &key2(company.as_str(), id.as_str()),
        )?
        .map(|r| r.to_record())
        .transpose()
    }

    async fn find_token(
        &self,
        company: &CompanyId,
        kind: TokenKind,
        login: LoginKind,
        subject_id: &str,
    ) -> StoreResult<Option<TokenRecord>> {
        let _guard = self.lock.lock().await;
        Ok(self.tokens()?.into_iter().find(|t| {
            &t.company == company
                && t.kind == kind
                && t.login == login
                && t.subject_id == subject_id
        }))
    }

    async fn list_tokens(&self, company: &CompanyId) -> StoreResult<Vec<TokenRecord>> {
        let _guard = self.lock.lock().await;
        let mut out: Vec<_> = self
            .tokens()?
            .into_iter()
            .filter(|t| &t.company == company)
            .collect();
        out.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(out)
    }

    async fn tokens_expiring_before(
        &self,
        company: &CompanyId,
        before: DateTime<Utc>,
    ) -> StoreResult<Vec<TokenRecord>> {
        let before = truncate_time(before);
        let _guard = self.lock.lock().await;
        let mut out: Vec<_> = self
            .tokens()?
            .into_iter()
            .filter(|t| &t.company == company && t.expires_at.is_some_and(|e| e < before))
            .collect();
        out.sort_by(|a, b| (a.expires_at, &a.id).cmp(&(b.expires_at, &b.id)));
        Ok(out)
    }

    async fn set_token_valid(
        &self,
        company: &CompanyId,
        id: &TokenId,
        valid: bool,
    ) -> StoreResult<bool> {
        let _guard = self.lock.lock().await;
        let key = key2(company.as_str(), id.as_str());
        let Some(mut row) = self.get::<TokenRow>(StoreCollection::Tokens, &key)? else {
            return Ok(false);
        };
        row.valid = valid;
        row.updated_at = now().timestamp_micros();
        self.put(StoreCollection::Tokens, &key, &row)?;
        Ok(true)
    }

    async fn delete_token(&self, company: &CompanyId, id: &TokenId) -> StoreResult<bool> {
        let _guard = self.lock.lock().await;
        self.delete(
            StoreCollection::Tokens,
            &key2(company.as_str(), id.as_str()),
        )
    }

    async fn tokens_sealed_without_key(
        &self,
        key_id: &str,
        after: Option<(&CompanyId, &TokenId)>,
        limit: u64,
    ) -> StoreResult<Vec<TokenRecord>> {
        let limit = effective_limit(limit)?;
        let prefix = format!("v1.{key_id}.");
        let _guard = self.lock.lock().await;
        let mut out: Vec<_> = self
            .tokens()?
            .into_iter()
            .filter(|t| !t.sealed.as_str().starts_with(&prefix))
            .filter(|t| {
                after.map_or(true, |(c, i)| {
                    (t.company.as_str(), t.id.as_str()) > (c.as_str(), i.as_str())
                })
            })
            .collect();
        out.sort_by(|a, b| {
            (a.company.as_str(), a.id.as_str()).cmp(&(b.company.as_str(), b.id.as_str()))
        });
        out.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(out)
    }

    async fn replace_sealed(
        &self,
        company: &CompanyId,
        id: &TokenId,
        expected: &SealedSecret,
        sealed: SealedSecret,
    ) -> StoreResult<bool> {
        let _guard = self.lock.lock().await;
        let key = key2(company.as_str(), id.as_str());
        match self.get::<TokenRow>(StoreCollection::Tokens, &key)? {
            Some(mut row) if row.sealed == expected.as_str() => {
                row.sealed = sealed.into_inner();
                self.put(StoreCollection::Tokens, &key, &row)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

/// The row a discovered account becomes when first inserted.
fn new_record(a: NewAccount, company: &CompanyId, now: DateTime<Utc>) -> AccountRecord {
    AccountRecord {
        company: company.clone(),
        ig_user_id: a.ig_user_id,
        client_id: a.client_id,
        facebook_user_id: a.facebook_user_id,
        token_id: a.token_id,
        page_id: a.page_id,
        business_id: a.business_id,
        source: a.source,
        is_added: false,
        assigned_client_id: None,
        username: a.username,
        name: a.name,
        profile_picture_url: a.profile_picture_url,
        followers_count: a.followers_count,
        account_type: a.account_type,
        created_at: now,
        updated_at: now,
    }
}

/// The refresh rule of `upsert_accounts` for an existing row.
fn refresh(row: &mut AccountRecord, new: NewAccount, now: DateTime<Utc>) {
    fn take<T>(slot: &mut Option<T>, new: Option<T>) {
        if new.is_some() {
            *slot = new;
        }
    }
    take(&mut row.username, new.username);
    take(&mut row.name, new.name);
    take(&mut row.profile_picture_url, new.profile_picture_url);
    take(&mut row.followers_count, new.followers_count);
    take(&mut row.account_type, new.account_type);
    take(&mut row.token_id, new.token_id);
    row.updated_at = now;
}

fn fold(s: &str) -> String {
    s.to_lowercase()
}

fn matches(a: &AccountRecord, q: &AccountQuery, search: Option<&str>) -> bool {
    if let Some(s) = search {
        let hit = |v: &Option<String>| v.as_deref().is_some_and(|v| fold(v).contains(s));
        if !hit(&a.username) && !hit(&a.name) {
            return false;
        }
    }
    q.is_added.map_or(true, |x| a.is_added == x)
        && q.assigned
            .map_or(true, |x| a.assigned_client_id.is_some() == x)
        && q.client
            .as_ref()
            .map_or(true, |c| a.assigned_client_id.as_ref() == Some(c))
        && q.facebook_user
            .as_ref()
            .map_or(true, |u| a.facebook_user_id.as_ref() == Some(u))
}

fn compare(a: &AccountRecord, b: &AccountRecord, field: AccountSortField) -> std::cmp::Ordering {
    let f = |v: &Option<String>| v.as_deref().map(fold);
    match field {
        AccountSortField::Username => f(&a.username).cmp(&f(&b.username)),
        AccountSortField::Name => f(&a.name).cmp(&f(&b.name)),
        AccountSortField::Followers => a.followers_count.cmp(&b.followers_count),
        AccountSortField::UpdatedAt => a.updated_at.cmp(&b.updated_at),
        _ => a.created_at.cmp(&b.created_at),
    }
}

#[async_trait]
impl AccountStore for ForeignBackend {
    async fn upsert_accounts(
        &self,
        company: &CompanyId,
        accounts: Vec<NewAccount>,
    ) -> StoreResult<UpsertOutcome> {
        require_non_empty("company", company.as_str())?;
        for a in &accounts {
            require_non_empty("ig_user_id", a.ig_user_id.as_str())?;
        }
        let now = now();
        let mut out = UpsertOutcome::default();
        let _guard = self.lock.lock().await;
        let mut rows: std::collections::BTreeMap<IgUserId, AccountRecord> = self
            .accounts(company)?
            .into_iter()
            .map(|a| (a.ig_user_id.clone(), a))
            .collect();
        let mut touched = Vec::new();
        for a in accounts {
            let id = a.ig_user_id.clone();
            match rows.get_mut(&id) {
                Some(row) => {
                    refresh(row, a, now);
                    out.ignored += 1;
                }
                None => {
                    rows.insert(id.clone(), new_record(a, company, now));
                    out.inserted += 1;
                }
            }
            touched.push(id);
        }
        let mut written = HashSet::new();
        for id in touched {
            if written.insert(id.clone()) {
                if let Some(row) = rows.get(&id) {
                    self.put_account(row)?;
                }
            }
        }
        Ok(out)
    }

    async fn get_account(
        &self,
        company: &CompanyId,
        ig: &IgUserId,
    ) -> StoreResult<Option<AccountRecord>> {
        let _guard = self.lock.lock().await;
        self.get_account_row(company, ig)
    }

    async fn query_accounts(
        &self,
        company: &CompanyId,
        query: &AccountQuery,
    ) -> StoreResult<AccountPage> {
        let limit = effective_limit(query.limit)?;
        let search = query
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(fold);
        let _guard = self.lock.lock().await;
        let mut rows: Vec<AccountRecord> = self
            .accounts(company)?
            .into_iter()
            .filter(|a| matches(a, query, search.as_deref()))
            .collect();
        let sort = query.sort;
        rows.sort_by(|a, b| {
            let primary = compare(a, b, sort.field);
            let primary = if sort.descending {
                primary.reverse()
            } else {
                primary
            };
            primary.then_with(|| a.ig_user_id.cmp(&b.ig_user_id))
        });
        let total = rows.len() as u64;
        let items = rows
            .into_iter()
            .skip(usize::try_from(query.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .collect();
        Ok(AccountPage {
            items,
            total,
            offset: query.offset,
            limit,
        })
    }

    async fn set_added(
        &self,
        company: &CompanyId,
        ids: &[IgUserId],
        added: bool,
    ) -> StoreResult<u64> {
        let now = now();
        let unique: HashSet<&IgUserId> = ids.iter().collect();
        let _guard = self.lock.lock().await;
        let mut changed = 0;
        for id in unique {
            if let Some(mut row) = self.get_account_row(company, id)? {
                if row.is_added != added {
                    row.is_added = added;
                    row.updated_at = now;
                    self.put_account(&row)?;
                    changed += 1;
                }
            }
        }
        Ok(changed)
    }

    async fn assign_client(
        &self,
        company: &CompanyId,
        client: Option<&AgencyClientId>,
        ids: &[IgUserId],
    ) -> StoreResult<u64> {
        let now = now();
        let unique: HashSet<&IgUserId> = ids.iter().collect();
        let _guard = self.lock.lock().await;
        let mut changed = 0;
        for id in unique {
            if let Some(mut row) = self.get_account_row(company, id)? {
                if row.assigned_client_id.as_ref() != client {
                    row.assigned_client_id = client.cloned();
                    row.updated_at = now;
                    self.put_account(&row)?;
                    changed += 1;
                }
            }
        }
        Ok(changed)
    }

    async fn remove_account(&self, company: &CompanyId, ig: &IgUserId) -> StoreResult<bool> {
        let _guard = self.lock.lock().await;
        self.delete(
            StoreCollection::Accounts,
            &key2(company.as_str(), ig.as_str()),
        )
    }

    async fn remove_accounts_of_user(
        &self,
        company: &CompanyId,
        user: &FacebookUserId,
    ) -> StoreResult<u64> {
        let _guard = self.lock.lock().await;
        let elsewhere: HashSet<TokenId> = self
            .tokens()?
            .into_iter()
            .filter(|t| &t.company == company && t.belongs_to_other_connection(user))
            .map(|t| t.id)
            .collect();
        let mut removed = 0;
        for a in self.accounts(company)? {
            if a.facebook_user_id.as_ref() == Some(user)
                && !a.token_id.as_ref().is_some_and(|t| elsewhere.contains(t))
                && self.delete(
                    StoreCollection::Accounts,
                    &key2(company.as_str(), a.ig_user_id.as_str()),
                )?
            {
                removed += 1;
            }
        }
        Ok(removed)
    }
}

#[async_trait]
impl OAuthStateStore for ForeignBackend {
    async fn put_state(&self, record: OAuthStateRecord) -> StoreResult<()> {
        require_non_empty("state", &record.state)?;
        let _guard = self.lock.lock().await;
        if self
            .get::<StateRow>(StoreCollection::OauthStates, &record.state)?
            .is_some()
        {
            return Err(StoreError::Conflict("OAuth state already exists".into()));
        }
        self.put(
            StoreCollection::OauthStates,
            &record.state,
            &StateRow::from_record(&record),
        )?;
        // The bounds of `put_state`: expired states go, and the company keeps its newest.
        let now = truncate_time(record.created_at).timestamp_micros();
        let mut mine = Vec::new();
        for s in self.list::<StateRow>(StoreCollection::OauthStates)? {
            if s.expires_at < now {
                self.delete(StoreCollection::OauthStates, &s.state)?;
            } else if s.company == record.company.as_str() {
                mine.push((s.created_at, s.state));
            }
        }
        let cap = usize::try_from(MAX_OAUTH_STATES_PER_COMPANY).unwrap_or(usize::MAX);
        if mine.len() > cap {
            mine.sort();
            for (_, state) in &mine[..mine.len() - cap] {
                self.delete(StoreCollection::OauthStates, state)?;
            }
        }
        Ok(())
    }

    async fn take_state(&self, state: &str) -> StoreResult<Option<OAuthStateRecord>> {
        let _guard = self.lock.lock().await;
        let Some(row) = self.get::<StateRow>(StoreCollection::OauthStates, state)? else {
            return Ok(None);
        };
        if !self.delete(StoreCollection::OauthStates, state)? {
            return Ok(None);
        }
        row.to_record().map(Some)
    }

    async fn purge_expired_states(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let now = truncate_time(now).timestamp_micros();
        let _guard = self.lock.lock().await;
        let mut purged = 0;
        for s in self.list::<StateRow>(StoreCollection::OauthStates)? {
            if s.expires_at <= now && self.delete(StoreCollection::OauthStates, &s.state)? {
                purged += 1;
            }
        }
        Ok(purged)
    }
}

/// The claim rule: not terminal, due, and not under a live lease.
fn is_due(j: &JobRecord, now: DateTime<Utc>) -> bool {
    j.status.is_claimable()
        && j.scheduled_at.map_or(true, |t| t <= now)
        && (j.lease_owner.is_none() || j.lease_expires_at.map_or(true, |t| t <= now))
}

#[async_trait]
impl JobStore for ForeignBackend {
    async fn insert_job(&self, job: JobRecord) -> StoreResult<JobInsert> {
        require_non_empty("company", job.company.as_str())?;
        require_non_empty("id", job.id.as_str())?;
        require_non_empty("idempotency_key", &job.idempotency_key)?;
        let _guard = self.lock.lock().await;
        let all = self.jobs()?;
        if let Some(existing) = all
            .iter()
            .find(|j| j.company == job.company && j.idempotency_key == job.idempotency_key)
        {
            return Ok(JobInsert::Existing(existing.clone()));
        }
        if all
            .iter()
            .any(|j| j.company == job.company && j.id == job.id)
        {
            return Err(StoreError::Conflict(format!(
                "job id {} is used by another idempotency key",
                job.id
            )));
        }
        self.put_job(&JobRecord { version: 0, ..job })
            .map(JobInsert::Inserted)
    }

    async fn get_job(&self, company: &CompanyId, id: &JobId) -> StoreResult<Option<JobRecord>> {
        let _guard = self.lock.lock().await;
        self.get_job_row(company, id)
    }

    async fn find_job_by_key(
        &self,
        company: &CompanyId,
        key: &str,
    ) -> StoreResult<Option<JobRecord>> {
        let _guard = self.lock.lock().await;
        Ok(self
            .jobs()?
            .into_iter()
            .find(|j| &j.company == company && j.idempotency_key == key))
    }

    async fn update_job(&self, job: &JobRecord) -> StoreResult<Option<JobRecord>> {
        let _guard = self.lock.lock().await;
        let Some(row) = self.get_job_row(&job.company, &job.id)? else {
            return Err(StoreError::not_found("job", &job.id));
        };
        if row.version != job.version {
            return Ok(None);
        }
        let updated = JobRecord {
            company: row.company,
            id: row.id,
            ig_user_id: row.ig_user_id,
            idempotency_key: row.idempotency_key,
            created_at: row.created_at,
            version: row.version + 1,
            ..job.clone()
        };
        self.put_job(&updated).map(Some)
    }

    async fn list_jobs(
        &self,
        company: &CompanyId,
        query: &JobQuery,
    ) -> StoreResult<Vec<JobRecord>> {
        let limit = effective_limit(query.limit)?;
        let _guard = self.lock.lock().await;
        let mut out: Vec<_> = self
            .jobs()?
            .into_iter()
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
        require_non_empty("worker", worker)?;
        if limit > MAX_BATCH {
            return Err(StoreError::invalid("limit", "above the maximum of 500"));
        }
        if limit == 0 {
            return Ok(Vec::new());
        }
        let now = truncate_time(now);
        let until = lease_until(now, lease)?;
        let _guard = self.lock.lock().await;
        let mut due: Vec<JobRecord> = self
            .jobs()?
            .into_iter()
            .filter(|j| is_due(j, now))
            .collect();
        // `None` sorts first, matching SQL's NULLS FIRST for an unset schedule.
        due.sort_by(|a, b| {
            (
                a.scheduled_at,
                a.created_at,
                a.company.as_str(),
                a.id.as_str(),
            )
                .cmp(&(
                    b.scheduled_at,
                    b.created_at,
                    b.company.as_str(),
                    b.id.as_str(),
                ))
        });
        let mut out = Vec::new();
        for mut j in due
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
        {
            j.lease_owner = Some(worker.to_owned());
            j.lease_expires_at = Some(until);
            j.attempts = j.attempts.saturating_add(1);
            j.updated_at = now;
            j.version += 1;
            out.push(self.put_job(&j)?);
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
        require_non_empty("worker", worker)?;
        let now = truncate_time(now);
        let until = lease_until(now, lease)?;
        let _guard = self.lock.lock().await;
        let Some(mut j) = self.get_job_row(company, id)? else {
            return Ok(None);
        };
        let free = j.lease_owner.is_none() || j.lease_expires_at.map_or(true, |t| t <= now);
        if j.status.is_terminal() || !free {
            return Ok(None);
        }
        j.lease_owner = Some(worker.to_owned());
        j.lease_expires_at = Some(until);
        j.updated_at = now;
        j.version += 1;
        self.put_job(&j).map(Some)
    }

    async fn renew_lease(
        &self,
        job: &JobRecord,
        now: DateTime<Utc>,
        lease: std::time::Duration,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let until = lease_until(truncate_time(now), lease)?;
        let _guard = self.lock.lock().await;
        match self.get_job_row(&job.company, &job.id)? {
            Some(mut j) if j.version == job.version && j.lease_owner.is_some() => {
                j.lease_expires_at = Some(until);
                self.put_job(&j)?;
                Ok(Some(until))
            }
            _ => Ok(None),
        }
    }

    async fn release_job(&self, job: &JobRecord) -> StoreResult<bool> {
        let _guard = self.lock.lock().await;
        match self.get_job_row(&job.company, &job.id)? {
            Some(mut j) if j.version == job.version && j.lease_owner.is_some() => {
                j.lease_owner = None;
                j.lease_expires_at = None;
                j.version += 1;
                self.put_job(&j)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}
