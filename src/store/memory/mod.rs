//! The in-memory reference backend. Everything sits behind one mutex, which makes every call
//! trivially atomic; the lock is never held across an `.await`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::accounts::{AccountPage, AccountQuery, AccountRecord, NewAccount, UpsertOutcome};
use super::error::StoreResult;
use super::records::{JobRecord, LoginKind, OAuthStateRecord, TokenKind, TokenRecord};
use super::rules;
use super::traits::{AccountStore, OAuthStateStore, TokenStore};
use super::util::{self, truncate_time};
use crate::ids::{AgencyClientId, CompanyId, FacebookUserId, IgUserId, JobId, TokenId};

mod budgets;
mod jobs;

type Key2<A, B> = (A, B);

#[derive(Default)]
struct Inner {
    tokens: HashMap<Key2<CompanyId, TokenId>, TokenRecord>,
    accounts: BTreeMap<Key2<CompanyId, IgUserId>, AccountRecord>,
    states: HashMap<String, OAuthStateRecord>,
    jobs: HashMap<Key2<CompanyId, JobId>, JobRecord>,
    /// Budget entries: scope → key → when it was counted.
    budgets: HashMap<String, BTreeMap<String, DateTime<Utc>>>,
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

    /// A copy of the company's tokens.
    fn tokens_of(&self, company: &CompanyId) -> Vec<TokenRecord> {
        self.lock()
            .tokens
            .values()
            .filter(|t| &t.company == company)
            .cloned()
            .collect()
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
        let record = rules::new_token(record)?;
        let mut inner = self.lock();
        let existing = inner
            .tokens
            .values()
            .find(|t| rules::same_subject(t, &record));
        if let Some(existing) = existing {
            let stored = rules::upserted_token(existing, record);
            let id = stored.id.clone();
            inner
                .tokens
                .insert((stored.company.clone(), id.clone()), stored);
            return Ok(id);
        }
        let key = (record.company.clone(), record.id.clone());
        if inner.tokens.contains_key(&key) {
            return Err(rules::token_id_conflict(&record.id));
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
        Ok(rules::tokens_oldest_first(self.tokens_of(company)))
    }

    async fn tokens_expiring_before(
        &self,
        company: &CompanyId,
        before: DateTime<Utc>,
    ) -> StoreResult<Vec<TokenRecord>> {
        Ok(rules::tokens_expiring_before(
            self.tokens_of(company),
            before,
        ))
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
        let all: Vec<_> = self.lock().tokens.values().cloned().collect();
        rules::tokens_sealed_without_key(all, key_id, after, limit)
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
                    a.refresh(row, now);
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
        let rows: Vec<AccountRecord> = self
            .lock()
            .accounts
            .values()
            .filter(|a| &a.company == company)
            .cloned()
            .collect();
        query.page(rows)
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
        let record = rules::new_state(record)?;
        let mut inner = self.lock();
        if inner.states.contains_key(&record.state) {
            return Err(rules::state_conflict());
        }
        inner.states.insert(record.state.clone(), record.clone());
        for state in rules::states_to_evict(inner.states.values(), &record) {
            inner.states.remove(&state);
        }
        Ok(())
    }

    async fn take_state(&self, state: &str) -> StoreResult<Option<OAuthStateRecord>> {
        Ok(self.lock().states.remove(state))
    }

    async fn purge_expired_states(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let mut inner = self.lock();
        let before = inner.states.len();
        inner.states.retain(|_, s| !rules::state_expired(s, now));
        Ok((before - inner.states.len()) as u64)
    }
}
