//! The [`HashtagBudget`] kept in a [`BudgetStore`] several processes share: each search of a
//! hashtag new to the account's window counts it in the store (scope `hashtags/{ig-user-id}`,
//! at most the budget's limit), and a failed search gives the slot back.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::hashtags::{HashtagBudget, Reservation};
use crate::error::{Error, Result};
use crate::ids::IgUserId;
use crate::store::{BudgetStore, CountOutcome};

/// The store scope of an account's hashtags.
fn scope(account: &IgUserId) -> String {
    format!("hashtags/{account}")
}

impl HashtagBudget {
    /// Meta's budget (30 hashtags per 7 days) kept in `store`, on the system clock: every
    /// process searching with a budget over the same store (the same database, or the same
    /// host key-value storage) counts against one budget per account, and the bookkeeping
    /// survives restarts. Two processes taking the last slot at once: one gets it, the other
    /// [`Error::HashtagBudgetExceeded`].
    pub fn shared(store: Arc<dyn BudgetStore>) -> Self {
        let mut budget = Self::new();
        budget.shared = Some(store);
        budget
    }

    /// Unique hashtags `account` has used in the current window, read from the store of a
    /// [shared](HashtagBudget::shared) budget (this process's bookkeeping otherwise, as
    /// [`HashtagBudget::used`]).
    pub async fn used_now(&self, account: &IgUserId) -> Result<u32> {
        let Some(store) = &self.shared else {
            return Ok(self.used(account));
        };
        let since = self.now() - self.window();
        let counted = store.counted(&scope(account), since).await?;
        Ok(u32::try_from(counted.len()).unwrap_or(u32::MAX))
    }

    /// Takes a slot for `hashtag` (or finds it already counted), from the store when the
    /// budget is shared, else from this process's bookkeeping.
    pub(crate) async fn take(&self, account: &IgUserId, hashtag: &str) -> Result<SearchSlot> {
        let Some(store) = &self.shared else {
            return Ok(SearchSlot::Local(self.reserve(account, hashtag)?));
        };
        let scope = scope(account);
        let key = hashtag.to_lowercase();
        let outcome = store
            .count_once(
                &scope,
                &key,
                self.now(),
                self.window(),
                Some(self.limit().into()),
            )
            .await?;
        match outcome {
            CountOutcome::Counted => Ok(SearchSlot::Shared {
                store: store.clone(),
                scope,
                key,
            }),
            CountOutcome::AlreadyCounted { .. } => Ok(SearchSlot::Free),
            CountOutcome::Full { used, oldest } => Err(Error::HashtagBudgetExceeded {
                account: account.clone(),
                used: u32::try_from(used).unwrap_or(u32::MAX),
                limit: self.limit(),
                frees_at: frees_at(oldest, self),
            }),
        }
    }
}

fn frees_at(oldest: DateTime<Utc>, budget: &HashtagBudget) -> DateTime<Utc> {
    oldest + budget.window()
}

/// A slot taken for a search in flight.
#[must_use]
pub(crate) enum SearchSlot {
    /// In this process's bookkeeping.
    Local(Reservation),
    /// Counted in the store by this search.
    Shared {
        store: Arc<dyn BudgetStore>,
        scope: String,
        key: String,
    },
    /// Already counted: the search costs nothing.
    Free,
}

impl SearchSlot {
    /// The search is over: a slot of a failed search is given back.
    pub(crate) async fn settle(self, succeeded: bool) {
        match self {
            SearchSlot::Local(reservation) if succeeded => reservation.commit(),
            // Dropping an uncommitted reservation gives its slot back.
            SearchSlot::Local(_) | SearchSlot::Free => {}
            SearchSlot::Shared { .. } if succeeded => {}
            SearchSlot::Shared { store, scope, key } => {
                if let Err(e) = store.uncount(&scope, &key).await {
                    // The slot stays taken until it leaves the window: the budget errs on the
                    // side of Meta's limit.
                    tracing::warn!(scope = %scope, error = %e, "could not give a hashtag slot back");
                }
            }
        }
    }
}
