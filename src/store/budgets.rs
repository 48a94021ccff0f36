//! Shared budgets: what several processes count together — hashtags searched per account,
//! posts published per account, webhook deliveries seen — kept by [`BudgetStore`] as entries
//! `(scope, key) → counted_at` within a rolling window.
//!
//! One rule, `count_in`, decides a count on an in-process map (the memory and key-value
//! backends); the SQL backends apply the same rule in one transaction per scope, and the
//! conformance suite holds every backend to it.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use super::error::{StoreError, StoreResult};
use super::traits::StoreBackend;

pub use super::traits::BudgetStore;

/// The longest scope or key, in bytes.
pub const MAX_BUDGET_NAME_BYTES: usize = 512;

/// What [`BudgetStore::count_once`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountOutcome {
    /// The key was not counted within the window: it is now, at `now`.
    Counted,
    /// The key was already counted within the window, at `at`; nothing changed.
    AlreadyCounted {
        /// When it was counted.
        at: DateTime<Utc>,
    },
    /// The scope holds `limit` keys counted within the window: the key was not counted.
    Full {
        /// How many keys the scope holds in the window.
        used: u64,
        /// When the oldest of them was counted (it leaves the window `window` later).
        oldest: DateTime<Utc>,
    },
}

/// Checks a scope or key: not empty, at most [`MAX_BUDGET_NAME_BYTES`].
pub(crate) fn check_name(field: &'static str, value: &str) -> StoreResult<()> {
    if value.is_empty() {
        return Err(StoreError::invalid(field, "cannot be empty"));
    }
    if value.len() > MAX_BUDGET_NAME_BYTES {
        return Err(StoreError::invalid(
            field,
            format!(
                "is {} bytes long; the limit is {MAX_BUDGET_NAME_BYTES}",
                value.len()
            ),
        ));
    }
    Ok(())
}

/// Checks the window: positive.
pub(crate) fn check_window(window: Duration) -> StoreResult<()> {
    if window <= Duration::zero() {
        return Err(StoreError::invalid("window", "must be positive"));
    }
    Ok(())
}

/// The rule of [`BudgetStore::count_once`] on one scope's entries: drops the entries counted
/// at or before `now - window`, then counts `key` unless it is counted or the scope is full.
pub(crate) fn count_in(
    entries: &mut BTreeMap<String, DateTime<Utc>>,
    key: &str,
    now: DateTime<Utc>,
    window: Duration,
    limit: Option<u64>,
) -> CountOutcome {
    let since = now - window;
    entries.retain(|_, at| *at > since);
    if let Some(at) = entries.get(key) {
        return CountOutcome::AlreadyCounted { at: *at };
    }
    let used = entries.len() as u64;
    if limit.is_some_and(|limit| used >= limit) {
        let oldest = entries.values().min().copied().unwrap_or(now);
        return CountOutcome::Full { used, oldest };
    }
    entries.insert(key.to_owned(), now);
    CountOutcome::Counted
}

/// A whole backend seen as its [`BudgetStore`] (what [`super::Store::budgets`] hands out).
pub(crate) struct BackendBudgets(pub(crate) Arc<dyn StoreBackend>);

#[async_trait]
impl BudgetStore for BackendBudgets {
    async fn count_once(
        &self,
        scope: &str,
        key: &str,
        now: DateTime<Utc>,
        window: Duration,
        limit: Option<u64>,
    ) -> StoreResult<CountOutcome> {
        self.0.count_once(scope, key, now, window, limit).await
    }

    async fn uncount(&self, scope: &str, key: &str) -> StoreResult<bool> {
        self.0.uncount(scope, key).await
    }

    async fn counted(
        &self,
        scope: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<(String, DateTime<Utc>)>> {
        self.0.counted(scope, since).await
    }

    async fn purge_counted(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        self.0.purge_counted(before).await
    }
}
