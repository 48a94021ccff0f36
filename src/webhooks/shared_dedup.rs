//! Dropping redeliveries across processes: the [`Deduper`](super::Deduper) kept in a
//! [`BudgetStore`] that every process behind the load balancer shares.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use super::Event;
use crate::error::{Error, Result};
use crate::store::{BudgetStore, CountOutcome};

/// The store scope of webhook deliveries.
const SCOPE: &str = "webhooks/deliveries";

/// Remembers the [`Event::dedup_key`]s seen within `window` in a shared [`BudgetStore`]: a
/// delivery handled by one process is a redelivery for every other. Bounded by the window (a
/// count drops the keys older than it; [`BudgetStore::purge_counted`] drops them all). Cheap to
/// clone.
#[derive(Clone)]
pub struct SharedDeduper {
    store: Arc<dyn BudgetStore>,
    window: chrono::Duration,
}

impl fmt::Debug for SharedDeduper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedDeduper")
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl SharedDeduper {
    /// Meta's window: deliveries are retried for up to 36 hours.
    pub fn new(store: Arc<dyn BudgetStore>) -> Self {
        Self {
            store,
            window: chrono::Duration::hours(36),
        }
    }

    /// Another window (at least one second).
    pub fn with_window(store: Arc<dyn BudgetStore>, window: Duration) -> Result<Self> {
        let window = chrono::Duration::from_std(window)
            .ok()
            .filter(|w| *w >= chrono::Duration::seconds(1))
            .ok_or_else(|| Error::invalid("window", "must be from one second to ~292 years"))?;
        Ok(Self { store, window })
    }

    /// Whether this is the first delivery of `event` within the window, in any process.
    pub async fn first_delivery(&self, event: &Event) -> Result<bool> {
        self.first_seen(&event.dedup_key()).await
    }

    /// Whether `key` is seen for the first time within the window, in any process.
    pub async fn first_seen(&self, key: &str) -> Result<bool> {
        let outcome = self
            .store
            .count_once(SCOPE, key, Utc::now(), self.window, None)
            .await?;
        Ok(outcome == CountOutcome::Counted)
    }

    /// The events of `events` not delivered before, in order.
    pub async fn retain_new(&self, events: Vec<Event>) -> Result<Vec<Event>> {
        let mut out = Vec::with_capacity(events.len());
        for event in events {
            if self.first_delivery(&event).await? {
                out.push(event);
            }
        }
        Ok(out)
    }
}
