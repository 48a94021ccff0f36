//! [`TokenStore`] for SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;

use super::{backend, col, from_json, opt_time, parse_enum, time, to_json, SqliteStore};
use crate::ids::{CompanyId, TokenId};
use crate::store::crypto::SealedSecret;
use crate::store::error::{StoreError, StoreResult};
use crate::store::records::{LoginKind, TokenKind, TokenRecord};
use crate::store::traits::TokenStore;
use crate::store::util::{self, to_micros};

const COLUMNS: &str = "company, id, kind, login, subject_id, sealed, scopes, expires_at, \
                       issued_at, valid, created_at, updated_at";

fn token_from_row(row: &SqliteRow) -> StoreResult<TokenRecord> {
    Ok(TokenRecord {
        id: TokenId::new(col::<String>(row, "id")?),
        company: CompanyId::new(col::<String>(row, "company")?),
        kind: parse_enum(&col::<String>(row, "kind")?)?,
        login: parse_enum(&col::<String>(row, "login")?)?,
        subject_id: col(row, "subject_id")?,
        sealed: SealedSecret::from_stored(col(row, "sealed")?),
        scopes: from_json(&col::<String>(row, "scopes")?)?,
        expires_at: opt_time(row, "expires_at")?,
        issued_at: time(row, "issued_at")?,
        valid: col(row, "valid")?,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

#[async_trait]
impl TokenStore for SqliteStore {
    async fn put_token(&self, record: TokenRecord) -> StoreResult<TokenId> {
        util::require_non_empty("company", record.company.as_str())?;
        util::require_non_empty("id", record.id.as_str())?;
        util::require_non_empty("subject_id", &record.subject_id)?;
        let sql = format!(
            "INSERT INTO tokens ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (company, kind, login, subject_id) DO UPDATE SET
                 sealed = excluded.sealed, scopes = excluded.scopes,
                 expires_at = excluded.expires_at, issued_at = excluded.issued_at,
                 valid = excluded.valid, updated_at = excluded.updated_at
             RETURNING id"
        );
        let row = sqlx::query(&sql)
            .bind(record.company.as_str())
            .bind(record.id.as_str())
            .bind(record.kind.as_str())
            .bind(record.login.as_str())
            .bind(&record.subject_id)
            .bind(record.sealed.as_str())
            .bind(to_json(&record.scopes)?)
            .bind(record.expires_at.map(to_micros))
            .bind(to_micros(record.issued_at))
            .bind(record.valid)
            .bind(to_micros(record.created_at))
            .bind(to_micros(record.updated_at))
            .fetch_one(&self.pool)
            .await
            .map_err(|e| match backend(e) {
                StoreError::Conflict(_) => StoreError::Conflict(format!(
                    "token id {} is used by another subject",
                    record.id
                )),
                other => other,
            })?;
        Ok(TokenId::new(col::<String>(&row, "id")?))
    }

    async fn get_token(
        &self,
        company: &CompanyId,
        id: &TokenId,
    ) -> StoreResult<Option<TokenRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM tokens WHERE company = ?1 AND id = ?2");
        sqlx::query(&sql)
            .bind(company.as_str())
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
            .as_ref()
            .map(token_from_row)
            .transpose()
    }

    async fn find_token(
        &self,
        company: &CompanyId,
        kind: TokenKind,
        login: LoginKind,
        subject_id: &str,
    ) -> StoreResult<Option<TokenRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM tokens
             WHERE company = ?1 AND kind = ?2 AND login = ?3 AND subject_id = ?4"
        );
        sqlx::query(&sql)
            .bind(company.as_str())
            .bind(kind.as_str())
            .bind(login.as_str())
            .bind(subject_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
            .as_ref()
            .map(token_from_row)
            .transpose()
    }

    async fn list_tokens(&self, company: &CompanyId) -> StoreResult<Vec<TokenRecord>> {
        let sql =
            format!("SELECT {COLUMNS} FROM tokens WHERE company = ?1 ORDER BY created_at, id");
        sqlx::query(&sql)
            .bind(company.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
            .iter()
            .map(token_from_row)
            .collect()
    }

    async fn tokens_expiring_before(
        &self,
        company: &CompanyId,
        before: DateTime<Utc>,
    ) -> StoreResult<Vec<TokenRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM tokens
             WHERE company = ?1 AND expires_at IS NOT NULL AND expires_at < ?2
             ORDER BY expires_at, id"
        );
        sqlx::query(&sql)
            .bind(company.as_str())
            .bind(to_micros(before))
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
            .iter()
            .map(token_from_row)
            .collect()
    }

    async fn set_token_valid(
        &self,
        company: &CompanyId,
        id: &TokenId,
        valid: bool,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE tokens SET valid = ?3, updated_at = ?4 WHERE company = ?1 AND id = ?2",
        )
        .bind(company.as_str())
        .bind(id.as_str())
        .bind(valid)
        .bind(to_micros(Utc::now()))
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_token(&self, company: &CompanyId, id: &TokenId) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM tokens WHERE company = ?1 AND id = ?2")
            .bind(company.as_str())
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() > 0)
    }

    async fn tokens_sealed_without_key(
        &self,
        key_id: &str,
        after: Option<(&CompanyId, &TokenId)>,
        limit: u64,
    ) -> StoreResult<Vec<TokenRecord>> {
        let limit = util::to_i64("limit", util::effective_limit(limit)?)?;
        let prefix = crate::store::crypto::sealed_prefix(key_id);
        // substr() rather than LIKE: the prefix is compared byte for byte, case included.
        let sql = format!(
            "SELECT {COLUMNS} FROM tokens
             WHERE substr(sealed, 1, length(?1)) != ?1
               AND (?2 IS NULL OR company > ?2 OR (company = ?2 AND id > ?3))
             ORDER BY company, id LIMIT ?4"
        );
        sqlx::query(&sql)
            .bind(&prefix)
            .bind(after.map(|(c, _)| c.as_str()))
            .bind(after.map(|(_, i)| i.as_str()))
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
            .iter()
            .map(token_from_row)
            .collect()
    }

    async fn replace_sealed(
        &self,
        company: &CompanyId,
        id: &TokenId,
        expected: &SealedSecret,
        sealed: SealedSecret,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE tokens SET sealed = ?4 WHERE company = ?1 AND id = ?2 AND sealed = ?3",
        )
        .bind(company.as_str())
        .bind(id.as_str())
        .bind(expected.as_str())
        .bind(sealed.as_str())
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() > 0)
    }
}
