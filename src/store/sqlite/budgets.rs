//! [`BudgetStore`] for SQLite: a count runs in one `BEGIN IMMEDIATE` transaction, so that two
//! processes counting the last slot of a scope are serialised by SQLite's write lock.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use super::{backend, col, time, SqliteStore};
use crate::store::budgets::{check_name, check_window, CountOutcome};
use crate::store::error::StoreResult;
use crate::store::traits::BudgetStore;
use crate::store::util::{to_micros, truncate_time};

#[async_trait]
impl BudgetStore for SqliteStore {
    async fn count_once(
        &self,
        scope: &str,
        key: &str,
        now: DateTime<Utc>,
        window: Duration,
        limit: Option<u64>,
    ) -> StoreResult<CountOutcome> {
        check_name("scope", scope)?;
        check_name("key", key)?;
        check_window(window)?;
        let now = truncate_time(now);
        let since = to_micros(now - window);
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM budget_entries WHERE scope = ?1 AND counted_at <= ?2")
            .bind(scope)
            .bind(since)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        let existing =
            sqlx::query("SELECT counted_at FROM budget_entries WHERE scope = ?1 AND key = ?2")
                .bind(scope)
                .bind(key)
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend)?;
        let outcome = if let Some(row) = existing {
            CountOutcome::AlreadyCounted {
                at: time(&row, "counted_at")?,
            }
        } else {
            let row = sqlx::query(
                "SELECT COUNT(*) AS used, MIN(counted_at) AS oldest FROM budget_entries
                 WHERE scope = ?1",
            )
            .bind(scope)
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?;
            let used = u64::try_from(col::<i64>(&row, "used")?).unwrap_or(0);
            if limit.is_some_and(|limit| used >= limit) {
                let oldest = match col::<Option<i64>>(&row, "oldest")? {
                    Some(us) => crate::store::util::from_micros(us)?,
                    None => now,
                };
                CountOutcome::Full { used, oldest }
            } else {
                sqlx::query(
                    "INSERT INTO budget_entries (scope, key, counted_at) VALUES (?1, ?2, ?3)",
                )
                .bind(scope)
                .bind(key)
                .bind(to_micros(now))
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
                CountOutcome::Counted
            }
        };
        tx.commit().await.map_err(backend)?;
        Ok(outcome)
    }

    async fn uncount(&self, scope: &str, key: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM budget_entries WHERE scope = ?1 AND key = ?2")
            .bind(scope)
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() > 0)
    }

    async fn counted(
        &self,
        scope: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<(String, DateTime<Utc>)>> {
        let rows = sqlx::query(
            "SELECT key, counted_at FROM budget_entries WHERE scope = ?1 AND counted_at > ?2
             ORDER BY counted_at, key",
        )
        .bind(scope)
        .bind(to_micros(since))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|row| Ok((col(row, "key")?, time(row, "counted_at")?)))
            .collect()
    }

    async fn purge_counted(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM budget_entries WHERE counted_at <= ?1")
            .bind(to_micros(before))
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected())
    }
}
