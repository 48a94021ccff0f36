//! [`OAuthStateStore`] for Postgres.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;

use super::{backend, col, parse_enum, PostgresStore};
use crate::ids::{AgencyClientId, CompanyId};
use crate::store::error::{StoreError, StoreResult};
use crate::store::records::OAuthStateRecord;
use crate::store::traits::{OAuthStateStore, MAX_OAUTH_STATES_PER_COMPANY};
use crate::store::util::{self, to_i64, truncate_time};

fn state_from_row(row: &PgRow) -> StoreResult<OAuthStateRecord> {
    Ok(OAuthStateRecord {
        state: col(row, "state")?,
        company: CompanyId::new(col::<String>(row, "company")?),
        login: parse_enum(&col::<String>(row, "login")?)?,
        redirect_uri: col(row, "redirect_uri")?,
        scopes: col(row, "scopes")?,
        client_id: col::<Option<String>>(row, "client_id")?.map(AgencyClientId::new),
        created_at: col(row, "created_at")?,
        expires_at: col(row, "expires_at")?,
    })
}

#[async_trait]
impl OAuthStateStore for PostgresStore {
    async fn put_state(&self, record: OAuthStateRecord) -> StoreResult<()> {
        util::require_non_empty("state", &record.state)?;
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query(
            "INSERT INTO oauth_states (state, company, login, redirect_uri, scopes, client_id,
                 created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&record.state)
        .bind(record.company.as_str())
        .bind(record.login.as_str())
        .bind(&record.redirect_uri)
        .bind(&record.scopes)
        .bind(record.client_id.as_ref().map(AgencyClientId::as_str))
        .bind(truncate_time(record.created_at))
        .bind(truncate_time(record.expires_at))
        .execute(&mut *tx)
        .await
        .map_err(|e| match backend(e) {
            StoreError::Conflict(_) => StoreError::Conflict("OAuth state already exists".into()),
            other => other,
        })?;
        sqlx::query("DELETE FROM oauth_states WHERE expires_at < $1")
            .bind(truncate_time(record.created_at))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        // Concurrent puts of one company may each keep a few too many for a moment; the next
        // put trims them. The bound holds within a handful of states.
        sqlx::query(
            "DELETE FROM oauth_states WHERE company = $1 AND state NOT IN (
                 SELECT state FROM oauth_states WHERE company = $1
                 ORDER BY created_at DESC, state DESC LIMIT $2)",
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
        // One DELETE … RETURNING: of concurrent callers, the one whose delete wins the row lock
        // gets it; the others find the row gone.
        sqlx::query(
            "DELETE FROM oauth_states WHERE state = $1
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
        let done = sqlx::query("DELETE FROM oauth_states WHERE expires_at <= $1")
            .bind(truncate_time(now))
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected())
    }
}
