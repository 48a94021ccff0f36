//! [`OAuthStateStore`] for SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;

use super::{backend, col, from_json, parse_enum, time, to_json, SqliteStore};
use crate::ids::{AgencyClientId, CompanyId};
use crate::store::error::{StoreError, StoreResult};
use crate::store::records::OAuthStateRecord;
use crate::store::traits::{OAuthStateStore, MAX_OAUTH_STATES_PER_COMPANY};
use crate::store::util::{self, to_i64, to_micros};

fn state_from_row(row: &SqliteRow) -> StoreResult<OAuthStateRecord> {
    Ok(OAuthStateRecord {
        state: col(row, "state")?,
        company: CompanyId::new(col::<String>(row, "company")?),
        login: parse_enum(&col::<String>(row, "login")?)?,
        redirect_uri: col(row, "redirect_uri")?,
        scopes: from_json(&col::<String>(row, "scopes")?)?,
        client_id: col::<Option<String>>(row, "client_id")?.map(AgencyClientId::new),
        created_at: time(row, "created_at")?,
        expires_at: time(row, "expires_at")?,
    })
}

#[async_trait]
impl OAuthStateStore for SqliteStore {
    async fn put_state(&self, record: OAuthStateRecord) -> StoreResult<()> {
        util::require_non_empty("state", &record.state)?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO oauth_states (state, company, login, redirect_uri, scopes, client_id,
                 created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(&record.state)
        .bind(record.company.as_str())
        .bind(record.login.as_str())
        .bind(&record.redirect_uri)
        .bind(to_json(&record.scopes)?)
        .bind(record.client_id.as_ref().map(AgencyClientId::as_str))
        .bind(to_micros(record.created_at))
        .bind(to_micros(record.expires_at))
        .execute(&mut *tx)
        .await
        .map_err(|e| match backend(e) {
            StoreError::Conflict(_) => StoreError::Conflict("OAuth state already exists".into()),
            other => other,
        })?;
        sqlx::query("DELETE FROM oauth_states WHERE expires_at < ?1")
            .bind(to_micros(record.created_at))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        sqlx::query(
            "DELETE FROM oauth_states WHERE company = ?1 AND state NOT IN (
                 SELECT state FROM oauth_states WHERE company = ?1
                 ORDER BY created_at DESC, state DESC LIMIT ?2)",
        )
        .bind(record.company.as_str())
        .bind(to_i64("cap", MAX_OAUTH_STATES_PER_COMPANY)?)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    async fn take_state(&self, state: &str) -> StoreResult<Option<OAuthStateRecord>> {
        // One DELETE … RETURNING: the row goes to exactly one caller.
        sqlx::query(
            "DELETE FROM oauth_states WHERE state = ?1
             RETURNING state, company, login, redirect_uri, scopes, client_id, created_at,
                 expires_at",
        )
        .bind(state)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?
        .as_ref()
        .map(state_from_row)
        .transpose()
    }

    async fn purge_expired_states(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM oauth_states WHERE expires_at <= ?1")
            .bind(to_micros(now))
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected())
    }
}
