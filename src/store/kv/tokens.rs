//! `TokenStore` over a key-value store: one row per subject (the upsert key), and an index from
//! token id to that row, written before the row. A row is live only while the index of its id
//! points at it; an index pointing at no row, or at a row holding another id, reads as absent.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{contended, encode, keys, Change, KvBackend, Row, MAX_ATTEMPTS};
use crate::ids::{CompanyId, TokenId};
use crate::store::crypto::SealedSecret;
use crate::store::error::StoreResult;
use crate::store::records::{LoginKind, TokenKind, TokenRecord};
use crate::store::rules;
use crate::store::traits::TokenStore;
use crate::store::util::truncate_time;

fn row_key(t: &TokenRecord) -> String {
    keys::token(&t.company, t.kind, t.login, &t.subject_id)
}

impl KvBackend {
    /// Whether the index of `row`'s token id points at it.
    async fn token_is_live(&self, row: &Row<TokenRecord>) -> StoreResult<bool> {
        let index = keys::token_id(&row.record.company, &row.record.id);
        Ok(self.kv.get(&index).await?.as_deref() == Some(row.key.as_str()))
    }

    /// The live token `id` of `company`.
    async fn token_row(
        &self,
        company: &CompanyId,
        id: &TokenId,
    ) -> StoreResult<Option<Row<TokenRecord>>> {
        let Some(target) = self.kv.get(&keys::token_id(company, id)).await? else {
            return Ok(None);
        };
        if !target.starts_with(&keys::of_company(keys::TOKENS, company)) {
            return Ok(None);
        }
        let row = self.read::<TokenRecord>(&target).await?;
        Ok(row.filter(|r| &r.record.id == id && &r.record.company == company))
    }

    /// The live tokens under `rows` (a prefix of token rows) given the index under `index`.
    async fn live_tokens(&self, rows: &str, index: &str) -> StoreResult<Vec<TokenRecord>> {
        let index: HashMap<String, String> = self.scan_raw(index).await?.into_iter().collect();
        let rows = self.scan::<TokenRecord>(rows).await?;
        Ok(rows
            .into_iter()
            .filter(|r| {
                let id_key = keys::token_id(&r.record.company, &r.record.id);
                r.key == row_key(&r.record) && index.get(&id_key) == Some(&r.key)
            })
            .map(|r| r.record)
            .collect())
    }

    /// Points the index of `record`'s id at its row (at `row`), unless another subject's live
    /// row holds the id. An index left pointing at a deleted row, or at a row that now holds
    /// another id, is taken over.
    async fn claim_token_id(&self, record: &TokenRecord, row: &str) -> StoreResult<bool> {
        let index = keys::token_id(&record.company, &record.id);
        for _ in 0..MAX_ATTEMPTS {
            let current = self.kv.get(&index).await?;
            match current.as_deref() {
                Some(target) if target == row => return Ok(true),
                Some(target) => {
                    let holder = self.read::<TokenRecord>(target).await?;
                    if holder.is_some_and(|h| h.record.id == record.id) {
                        return Ok(false);
                    }
                }
                None => {}
            }
            if self.swap(&index, current.as_deref(), Some(row)).await? {
                return Ok(true);
            }
        }
        Err(contended("token id"))
    }
}

#[async_trait]
impl TokenStore for KvBackend {
    async fn put_token(&self, record: TokenRecord) -> StoreResult<TokenId> {
        let record = rules::new_token(record)?;
        let key = row_key(&record);
        let fresh = encode(&record)?;
        for _ in 0..MAX_ATTEMPTS {
            let current = self.read::<TokenRecord>(&key).await?;
            if let Some(existing) = &current {
                if self.token_is_live(existing).await? {
                    let stored = rules::upserted_token(&existing.record, record.clone());
                    let next = encode(&stored)?;
                    if self.swap(&key, Some(&existing.raw), Some(&next)).await? {
                        return Ok(stored.id);
                    }
                    continue;
                }
            }
            // A new subject, or a row no index points at (left by a crash, or by a put that
            // lost its id to another subject). The id's index first, then the row: a row is
            // live as soon as it is written, so a concurrent put of the subject upserts it.
            if !self.claim_token_id(&record, &key).await? {
                return Err(rules::token_id_conflict(&record.id));
            }
            let expected = current.as_ref().map(|r| r.raw.as_str());
            if !self.swap(&key, expected, Some(&fresh)).await? {
                continue;
            }
            // Another subject may have taken the id while this row was not yet written.
            let index = keys::token_id(&record.company, &record.id);
            if self.kv.get(&index).await?.as_deref() == Some(key.as_str()) {
                return Ok(record.id);
            }
            self.swap(&key, Some(&fresh), None).await?;
            return Err(rules::token_id_conflict(&record.id));
        }
        Err(contended("token"))
    }

    async fn get_token(
        &self,
        company: &CompanyId,
        id: &TokenId,
    ) -> StoreResult<Option<TokenRecord>> {
        Ok(self.token_row(company, id).await?.map(|r| r.record))
    }

    async fn find_token(
        &self,
        company: &CompanyId,
        kind: TokenKind,
        login: LoginKind,
        subject_id: &str,
    ) -> StoreResult<Option<TokenRecord>> {
        let key = keys::token(company, kind, login, subject_id);
        match self.read::<TokenRecord>(&key).await? {
            Some(row) if self.token_is_live(&row).await? => Ok(Some(row.record)),
            _ => Ok(None),
        }
    }

    async fn list_tokens(&self, company: &CompanyId) -> StoreResult<Vec<TokenRecord>> {
        let rows = keys::of_company(keys::TOKENS, company);
        let index = keys::of_company(keys::TOKEN_IDS, company);
        let mut tokens = self.live_tokens(&rows, &index).await?;
        tokens.retain(|t| &t.company == company);
        Ok(rules::tokens_oldest_first(tokens))
    }

    async fn tokens_expiring_before(
        &self,
        company: &CompanyId,
        before: DateTime<Utc>,
    ) -> StoreResult<Vec<TokenRecord>> {
        let tokens = self.list_tokens(company).await?;
        Ok(rules::tokens_expiring_before(tokens, before))
    }

    async fn set_token_valid(
        &self,
        company: &CompanyId,
        id: &TokenId,
        valid: bool,
    ) -> StoreResult<bool> {
        let Some(row) = self.token_row(company, id).await? else {
            return Ok(false);
        };
        let now = truncate_time(Utc::now());
        self.modify(&row.key, "token", |current: Option<TokenRecord>| {
            Ok(match current {
                Some(mut t) if &t.id == id => {
                    t.valid = valid;
                    t.updated_at = now;
                    Change::Write(t, true)
                }
                _ => Change::Keep(false),
            })
        })
        .await
    }

    async fn delete_token(&self, company: &CompanyId, id: &TokenId) -> StoreResult<bool> {
        let Some(row) = self.token_row(company, id).await? else {
            return Ok(false);
        };
        let deleted = self
            .modify(&row.key, "token", |current: Option<TokenRecord>| {
                Ok(match current {
                    Some(t) if &t.id == id => Change::Delete(true),
                    _ => Change::Keep(false),
                })
            })
            .await?;
        if deleted {
            // The row is gone: an index left behind by a crash here reads as absent.
            let index = keys::token_id(company, id);
            self.swap(&index, Some(&row.key), None).await?;
        }
        Ok(deleted)
    }

    async fn tokens_sealed_without_key(
        &self,
        key_id: &str,
        after: Option<(&CompanyId, &TokenId)>,
        limit: u64,
    ) -> StoreResult<Vec<TokenRecord>> {
        let tokens = self.live_tokens(keys::TOKENS, keys::TOKEN_IDS).await?;
        rules::tokens_sealed_without_key(tokens, key_id, after, limit)
    }

    async fn replace_sealed(
        &self,
        company: &CompanyId,
        id: &TokenId,
        expected: &SealedSecret,
        sealed: SealedSecret,
    ) -> StoreResult<bool> {
        let Some(row) = self.token_row(company, id).await? else {
            return Ok(false);
        };
        self.modify(&row.key, "token", |current: Option<TokenRecord>| {
            Ok(match current {
                Some(mut t) if &t.id == id && &t.sealed == expected => {
                    t.sealed = sealed.clone();
                    Change::Write(t, true)
                }
                _ => Change::Keep(false),
            })
        })
        .await
    }
}
