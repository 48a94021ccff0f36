//! The in-memory reference backend. Everything sits behind one mutex, which makes every call
//! trivially atomic; the lock is never held across an `.await`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::accounts::{
    AccountPage, AccountQuery, AccountRecord, AccountSortField, NewAccount, UpsertOutcome,
};
use super::error::{StoreError, StoreResult};
use super::records::{JobRecord, LoginKind, OAuthStateRecord, TokenKind, TokenRecord};
use super::traits::{AccountStore, OAuthStateStore, TokenStore};
use super::util::{self, truncate_time};
use crate::ids::{AgencyClientId, CompanyId, FacebookUserId, IgUserId, JobId, TokenId};

mod jobs;

type Key2<A, B> = (A, B);

#[derive(Default)]
struct Inner {
    tokens: HashMap<Key2<CompanyId, TokenId>, TokenRecord>,
    accounts: BTreeMap<Key2<CompanyId, IgUserId>, AccountRecord>,
    states: HashMap<String, OAuthStateRecord>,
    jobs: HashMap<Key2<CompanyId, JobId>, JobRecord>,
}

/// The reference backend: fast, complete, and gone when dropped. Clones share the same data.
#[derive(Clone, Default)]
pub struct MemoryStore {
    inner: Arc<Mutex<Inner>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-written row (every mutation is a
        // single insert/remove or field store), so the data behind a poisoned lock is usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.lock();
        f.debug_struct("MemoryStore")
            .field("tokens", &inner.tokens.len())
            .field("accounts", &inner.accounts.len())
            .field("states", &inner.states.len())
            .field("jobs", &inner.jobs.len())
            .finish()
    }
}

#[async_trait]
impl TokenStore for MemoryStore {
    async fn put_token(&self, record: TokenRecord) -> StoreResult<TokenId> {
        util::require_non_empty("company", record.company.as_str())?;
        util::require_non_empty("id", record.id.as_str())?;
        util::require_non_empty("subject_id", &record.subject_id)?;
        let record = record.normalized();
        let mut inner = self.lock();
        let existing = inner.tokens.values().find(|t| {
            t.company == record.company
                && t.kind == record.kind
                && t.login == record.login
                && t.subject_id == record.subject_id
        });
        if let Some(existing) = existing {
            let key = (existing.company.clone(), existing.id.clone());
            let id = existing.id.clone();
            let created_at = existing.created_at;
            inner.tokens.insert(
                key,
                TokenRecord {
                    id: id.clone(),
                    created_at,
                    ..record
                },
            );
            return Ok(id);
        }
        let key = (record.company.clone(), record.id.clone());
        if inner.tokens.contains_key(&key) {
            return Err(StoreError::Conflict(format!(
                "token id {} is used by another subject",
                record.id
            )));
        }
        let id = record.id.clone();
        inner.tokens.insert(key, record);
        Ok(id)
    }

    async fn get_token(
        &self,
        company: &CompanyId,
        id: &TokenId,
    ) -> StoreResult<Option<TokenRecord>> {
        Ok(self
            .lock()
            .tokens
            .get(&(company.clone(), id.clone()))
            .cloned())
    }

    async fn find_token(
        &self,
        company: &CompanyId,
        kind: TokenKind,
        login: LoginKind,
        subject_id: &str,
    ) -> StoreResult<Option<TokenRecord>> {
        Ok(self
            .lock()
            .tokens
            .values()
            .find(|t| {
                &t.company == company
                    && t.kind == kind
                    && t.login == login
                    && t.subject_id == subject_id
            })
            .cloned())
    }

    async fn list_tokens(&self, company: &CompanyId) -> StoreResult<Vec<TokenRecord>> {
        let mut out: Vec<_> = self
            .lock()
            .tokens
            .values()
            .filter(|t| &t.company == company)
            .cloned()
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
        let mut out: Vec<_> = self
            .lock()
            .tokens
            .values()
            .filter(|t| &t.company == company && t.expires_at.is_some_and(|e| e < before))
            .cloned()
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
        let mut inner = self.lock();
        match inner.tokens.get_mut(&(company.clone(), id.clone())) {
            Some(t) => {
                t.valid = valid;
                t.updated_at = truncate_time(Utc::now());
                Ok(true)
            }
            None => Ok(false),
        }
    }

    async fn delete_token(&self, company: &CompanyId, id: &TokenId) -> StoreResult<bool> {
        Ok(self
            .lock()
            .tokens
            .remove(&(company.clone(), id.clone()))
            .is_some())
    }

    async fn tokens_sealed_without_key(
        &self,
        key_id: &str,
        after: Option<(&CompanyId, &TokenId)>,
        limit: u64,
    ) -> StoreResult<Vec<TokenRecord>> {
        let limit = util::effective_limit(limit)?;
        let prefix = super::crypto::sealed_prefix(key_id);
        let after = after.map(|(c, i)| (c.as_str(), i.as_str()));
        let mut out: Vec<_> = self
            .lock()
            .tokens
            .values()
            .filter(|t| !t.sealed.as_str().starts_with(&prefix))
            .filter(|t| after.map_or(true, |a| (t.company.as_str(), t.id.as_str()) > a))
            .cloned()
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
        expected: &super::SealedSecret,
        sealed: super::SealedSecret,
    ) -> StoreResult<bool> {
        let mut inner = self.lock();
        match inner.tokens.get_mut(&(company.clone(), id.clone())) {
            Some(t) if &t.sealed == expected => {
                t.sealed = sealed;
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

/// Applies the refresh rule of [`AccountStore::upsert_accounts`] to an existing row.
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

fn matches(a: &AccountRecord, q: &AccountQuery, search: Option<&str>) -> bool {
    if let Some(s) = search {
        let hit = |v: &Option<String>| v.as_deref().is_some_and(|v| util::fold_case(v).contains(s));
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
    let fold = |v: &Option<String>| v.as_deref().map(util::fold_case);
    match field {
        AccountSortField::Username => fold(&a.username).cmp(&fold(&b.username)),
        AccountSortField::Name => fold(&a.name).cmp(&fold(&b.name)),
        AccountSortField::Followers => a.followers_count.cmp(&b.followers_count),
        AccountSortField::CreatedAt => a.created_at.cmp(&b.created_at),
        AccountSortField::UpdatedAt => a.updated_at.cmp(&b.updated_at),
    }
}

#[async_trait]
impl AccountStore for MemoryStore {
    async fn upsert_accounts(
        &self,
        company: &CompanyId,
        accounts: Vec<NewAccount>,
    ) -> StoreResult<UpsertOutcome> {
        util::require_non_empty("company", company.as_str())?;
        for a in &accounts {
            util::require_non_empty("ig_user_id", a.ig_user_id.as_str())?;
        }
        let now = truncate_time(Utc::now());
        let mut out = UpsertOutcome::default();
        let mut inner = self.lock();
        for a in accounts {
            let key = (company.clone(), a.ig_user_id.clone());
            match inner.accounts.get_mut(&key) {
                Some(row) => {
                    refresh(row, a, now);
                    out.ignored += 1;
                }
                None => {
                    inner
                        .accounts
                        .insert(key, a.into_record(company.clone(), now));
                    out.inserted += 1;
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
        Ok(self
            .lock()
            .accounts
            .get(&(company.clone(), ig.clone()))
            .cloned())
    }

    async fn query_accounts(
        &self,
        company: &CompanyId,
        query: &AccountQuery,
    ) -> StoreResult<AccountPage> {
        let limit = query.effective_limit()?;
        let search = query.folded_search();
        let mut rows: Vec<AccountRecord> = self
            .lock()
            .accounts
            .values()
            .filter(|a| &a.company == company && matches(a, query, search.as_deref()))
            .cloned()
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
        let now = truncate_time(Utc::now());
        let unique: HashSet<&IgUserId> = ids.iter().collect();
        let mut inner = self.lock();
        let mut changed = 0;
        for id in unique {
            if let Some(row) = inner.accounts.get_mut(&(company.clone(), id.clone())) {
                if row.is_added != added {
                    row.is_added = added;
                    row.updated_at = now;
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
        let now = truncate_time(Utc::now());
        let unique: HashSet<&IgUserId> = ids.iter().collect();
        let mut inner = self.lock();
        let mut changed = 0;
        for id in unique {
            if let Some(row) = inner.accounts.get_mut(&(company.clone(), id.clone())) {
                if row.assigned_client_id.as_ref() != client {
                    row.assigned_client_id = client.cloned();
                    row.updated_at = now;
                    changed += 1;
                }
            }
        }
        Ok(changed)
    }

    async fn remove_account(&self, company: &CompanyId, ig: &IgUserId) -> StoreResult<bool> {
        Ok(self
            .lock()
            .accounts
            .remove(&(company.clone(), ig.clone()))
            .is_some())
    }

    async fn remove_accounts_of_user(
        &self,
        company: &CompanyId,
        user: &FacebookUserId,
    ) -> StoreResult<u64> {
        let mut inner = self.lock();
        let Inner {
            tokens, accounts, ..
        } = &mut *inner;
        let before = accounts.len();
        accounts.retain(|_, a| {
            let of_user = &a.company == company && a.facebook_user_id.as_ref() == Some(user);
            let elsewhere = || {
                a.token_id
                    .as_ref()
                    .and_then(|id| tokens.get(&(company.clone(), id.clone())))
                    .is_some_and(|t| t.belongs_to_other_connection(user))
            };
            !of_user || elsewhere()
        });
        Ok((before - accounts.len()) as u64)
    }
}

#[async_trait]
impl OAuthStateStore for MemoryStore {
    async fn put_state(&self, record: OAuthStateRecord) -> StoreResult<()> {
        util::require_non_empty("state", &record.state)?;
        let record = record.normalized();
        let mut inner = self.lock();
        if inner.states.contains_key(&record.state) {
            return Err(StoreError::Conflict("OAuth state already exists".into()));
        }
        let (company, now) = (record.company.clone(), record.created_at);
        inner.states.insert(record.state.clone(), record);
        inner.states.retain(|_, s| s.expires_at >= now);
        let mut mine: Vec<_> = inner
            .states
            .values()
            .filter(|s| s.company == company)
            .map(|s| (s.created_at, s.state.clone()))
            .collect();
        let cap =
            usize::try_from(super::traits::MAX_OAUTH_STATES_PER_COMPANY).unwrap_or(usize::MAX);
        if mine.len() > cap {
            mine.sort();
            for (_, state) in &mine[..mine.len() - cap] {
                inner.states.remove(state);
            }
        }
        Ok(())
    }

    async fn take_state(&self, state: &str) -> StoreResult<Option<OAuthStateRecord>> {
        Ok(self.lock().states.remove(state))
    }

    async fn purge_expired_states(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let now = truncate_time(now);
        let mut inner = self.lock();
        let before = inner.states.len();
        inner.states.retain(|_, s| s.expires_at > now);
        Ok((before - inner.states.len()) as u64)
    }
}
