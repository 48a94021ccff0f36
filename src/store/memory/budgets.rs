//! [`BudgetStore`] in memory: one map per scope, under the store's mutex.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use super::MemoryStore;
use crate::store::budgets::{check_name, check_window, count_in, CountOutcome};
use crate::store::error::StoreResult;
use crate::store::traits::BudgetStore;
use crate::store::util::truncate_time;

#[async_trait]
impl BudgetStore for MemoryStore {
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
        let mut inner = self.lock();
        let entries = inner.budgets.entry(scope.to_owned()).or_default();
        let outcome = count_in(entries, key, truncate_time(now), window, limit);
        if entries.is_empty() {
            inner.budgets.remove(scope);
        }
        Ok(outcome)
    }

    async fn uncount(&self, scope: &str, key: &str) -> StoreResult<bool> {
        let mut inner = self.lock();
        let Some(entries) = inner.budgets.get_mut(scope) else {
            return Ok(false);
        };
        let removed = entries.remove(key).is_some();
        if entries.is_empty() {
            inner.budgets.remove(scope);
        }
        Ok(removed)
    }

    async fn counted(
        &self,
        scope: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<(String, DateTime<Utc>)>> {
        let inner = self.lock();
        let mut out: Vec<(String, DateTime<Utc>)> = inner
            .budgets
            .get(scope)
            .map(|e| {
                e.iter()
                    .filter(|(_, at)| **at > since)
                    .map(|(k, at)| (k.clone(), *at))
                    .collect()
            })
            .unwrap_or_default();
        out.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        Ok(out)
    }

    async fn purge_counted(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let mut inner = self.lock();
        let mut dropped = 0u64;
        inner.budgets.retain(|_, entries| {
            let n = entries.len();
            entries.retain(|_, at| *at > before);
            dropped += (n - entries.len()) as u64;
            !entries.is_empty()
        });
        Ok(dropped)
    }
}
