//! `BudgetStore` over a key-value store: one key per scope (`budgets/{scope}`) holding its
//! entries, changed with a compare-and-swap so that two processes counting the last slot of a
//! scope cannot both take it.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use super::{keys, Change, KvBackend};
use crate::store::budgets::{check_name, check_window, count_in, CountOutcome};
use crate::store::error::StoreResult;
use crate::store::traits::BudgetStore;
use crate::store::util::truncate_time;

/// A scope's entries: key → when it was counted.
type Entries = BTreeMap<String, DateTime<Utc>>;

/// The entries as they should be stored: deleted when empty.
fn store(entries: Entries) -> Change<Entries, ()> {
    if entries.is_empty() {
        Change::Delete(())
    } else {
        Change::Write(entries, ())
    }
}

#[async_trait]
impl BudgetStore for KvBackend {
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
        self.modify(
            &keys::budget(scope),
            "budget",
            |current: Option<Entries>| {
                let before = current.clone();
                let mut entries = current.unwrap_or_default();
                let outcome = count_in(&mut entries, key, now, window, limit);
                Ok(if before.as_ref() == Some(&entries) {
                    Change::Keep(outcome)
                } else if entries.is_empty() {
                    Change::Delete(outcome)
                } else {
                    Change::Write(entries, outcome)
                })
            },
        )
        .await
    }

    async fn uncount(&self, scope: &str, key: &str) -> StoreResult<bool> {
        let mut removed = false;
        self.modify(
            &keys::budget(scope),
            "budget",
            |current: Option<Entries>| {
                let Some(mut entries) = current else {
                    removed = false;
                    return Ok(Change::Keep(()));
                };
                removed = entries.remove(key).is_some();
                Ok(if removed {
                    store(entries)
                } else {
                    Change::Keep(())
                })
            },
        )
        .await?;
        Ok(removed)
    }

    async fn counted(
        &self,
        scope: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<(String, DateTime<Utc>)>> {
        let entries = self
            .read::<Entries>(&keys::budget(scope))
            .await?
            .map(|row| row.record)
            .unwrap_or_default();
        let mut out: Vec<(String, DateTime<Utc>)> =
            entries.into_iter().filter(|(_, at)| *at > since).collect();
        out.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        Ok(out)
    }

    async fn purge_counted(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let mut purged = 0u64;
        for row in self.scan::<Entries>(keys::BUDGETS).await? {
            let mut dropped = 0u64;
            self.modify(&row.key, "budget", |current: Option<Entries>| {
                let Some(mut entries) = current else {
                    dropped = 0;
                    return Ok(Change::Keep(()));
                };
                let n = entries.len();
                entries.retain(|_, at| *at > before);
                dropped = (n - entries.len()) as u64;
                Ok(if dropped == 0 {
                    Change::Keep(())
                } else {
                    store(entries)
                })
            })
            .await?;
            purged += dropped;
        }
        Ok(purged)
    }
}
