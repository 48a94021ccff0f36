//! `AccountStore` over a key-value store: one row per `(company, ig user id)`.

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::Utc;

use super::{keys, Change, KvBackend};
use crate::ids::{AgencyClientId, CompanyId, FacebookUserId, IgUserId};
use crate::store::accounts::{AccountPage, AccountQuery, AccountRecord, NewAccount, UpsertOutcome};
use crate::store::error::StoreResult;
use crate::store::traits::{AccountStore, TokenStore};
use crate::store::util::{self, truncate_time};

impl KvBackend {
    /// Applies `change` to each distinct account of `ids` that exists; counts the rows it
    /// changed (`change` returns false for a row already as wanted).
    async fn change_accounts(
        &self,
        company: &CompanyId,
        ids: &[IgUserId],
        change: impl Fn(&mut AccountRecord) -> bool + Send + Sync,
    ) -> StoreResult<u64> {
        let now = truncate_time(Utc::now());
        let unique: HashSet<&IgUserId> = ids.iter().collect();
        let mut changed = 0;
        for id in unique {
            let key = keys::account(company, id);
            let did = self
                .modify(&key, "account", |current: Option<AccountRecord>| {
                    let Some(mut row) = current else {
                        return Ok(Change::Keep(false));
                    };
                    Ok(if change(&mut row) {
                        row.updated_at = now;
                        Change::Write(row, true)
                    } else {
                        Change::Keep(false)
                    })
                })
                .await?;
            changed += u64::from(did);
        }
        Ok(changed)
    }
}

#[async_trait]
impl AccountStore for KvBackend {
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
        for account in accounts {
            let key = keys::account(company, &account.ig_user_id);
            let inserted = self
                .modify(&key, "account", |current: Option<AccountRecord>| {
                    let account = account.clone();
                    Ok(match current {
                        Some(mut row) => {
                            account.refresh(&mut row, now);
                            Change::Write(row, false)
                        }
                        None => Change::Write(account.into_record(company.clone(), now), true),
                    })
                })
                .await?;
            if inserted {
                out.inserted += 1;
            } else {
                out.ignored += 1;
            }
        }
        Ok(out)
    }

    async fn get_account(
        &self,
        company: &CompanyId,
        ig: &IgUserId,
    ) -> StoreResult<Option<AccountRecord>> {
        let row = self
            .read::<AccountRecord>(&keys::account(company, ig))
            .await?;
        Ok(row.map(|r| r.record).filter(|a| &a.company == company))
    }

    async fn query_accounts(
        &self,
        company: &CompanyId,
        query: &AccountQuery,
    ) -> StoreResult<AccountPage> {
        query.effective_limit()?;
        let rows = self.scan::<AccountRecord>(&keys::accounts(company)).await?;
        query.page(
            rows.into_iter()
                .map(|r| r.record)
                .filter(|a| &a.company == company),
        )
    }

    async fn set_added(
        &self,
        company: &CompanyId,
        ids: &[IgUserId],
        added: bool,
    ) -> StoreResult<u64> {
        self.change_accounts(company, ids, |row| {
            let differs = row.is_added != added;
            row.is_added = added;
            differs
        })
        .await
    }

    async fn assign_client(
        &self,
        company: &CompanyId,
        client: Option<&AgencyClientId>,
        ids: &[IgUserId],
    ) -> StoreResult<u64> {
        self.change_accounts(company, ids, |row| {
            let differs = row.assigned_client_id.as_ref() != client;
            row.assigned_client_id = client.cloned();
            differs
        })
        .await
    }

    async fn remove_account(&self, company: &CompanyId, ig: &IgUserId) -> StoreResult<bool> {
        self.modify(
            &keys::account(company, ig),
            "account",
            |current: Option<AccountRecord>| {
                Ok(match current {
                    Some(_) => Change::Delete(true),
                    None => Change::Keep(false),
                })
            },
        )
        .await
    }

    async fn remove_accounts_of_user(
        &self,
        company: &CompanyId,
        user: &FacebookUserId,
    ) -> StoreResult<u64> {
        let rows = self.scan::<AccountRecord>(&keys::accounts(company)).await?;
        let mut removed = 0;
        for row in rows {
            let account = &row.record;
            if &account.company != company || account.facebook_user_id.as_ref() != Some(user) {
                continue;
            }
            if let Some(token) = &account.token_id {
                let token = self.get_token(company, token).await?;
                if token.is_some_and(|t| t.belongs_to_other_connection(user)) {
                    continue;
                }
            }
            // Deleted only as read: a row reconnected meanwhile (new token or user) stays.
            if self.swap(&row.key, Some(&row.raw), None).await? {
                removed += 1;
            }
        }
        Ok(removed)
    }
}
