//! `SharedDeduper`: drops redelivered webhook updates across every process sharing a
//! [`Store`] (Meta retries a delivery for up to 36 hours, and any instance behind the load
//! balancer may get the retry).

use std::sync::Arc;
use std::time::Duration;

use instagraph::webhooks;

use crate::error::{required, sdk, Result};
use crate::store::Store;
use crate::webhooks::{refused, WebhookEvent};

/// Remembers the updates seen within a window in a store's budgets (built-in memory or SQLite,
/// or the app's own storage through `Store.foreign`): a delivery handled by one process is a
/// redelivery for every other process on the same store.
#[derive(uniffi::Object)]
pub struct SharedDeduper {
    inner: webhooks::SharedDeduper,
}

impl std::fmt::Debug for SharedDeduper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl SharedDeduper {
    /// Keys remembered in `store` for `window_seconds` each (Meta's 36 hours when `None`; at
    /// least 1).
    #[uniffi::constructor(default(window_seconds = None))]
    pub fn new(store: Arc<Store>, window_seconds: Option<u64>) -> Result<Arc<Self>> {
        let budgets = store.inner.budgets();
        let inner = match window_seconds {
            None => webhooks::SharedDeduper::new(budgets),
            Some(seconds) => {
                webhooks::SharedDeduper::with_window(budgets, Duration::from_secs(seconds))
                    .map_err(|e| sdk("SharedDeduper.new", e))?
            }
        };
        Ok(Arc::new(Self { inner }))
    }

    /// True the first time `key` is seen within the window by any process on the store;
    /// false for a repeat.
    ///
    /// Core: SharedDeduper::first_seen
    pub async fn first_seen(&self, key: String) -> Result<bool> {
        const WHAT: &str = "SharedDeduper.first_seen";
        required("key", &key)?;
        self.inner.first_seen(&key).await.map_err(|e| sdk(WHAT, e))
    }

    /// True the first time an event of [`webhook_parse`](crate::webhooks::webhook_parse) is
    /// seen within the window by any process on the store (keyed by its `dedup_key`); false
    /// for a redelivery.
    ///
    /// Core: SharedDeduper::first_seen
    pub async fn first_delivery(&self, event: WebhookEvent) -> Result<bool> {
        const WHAT: &str = "SharedDeduper.first_delivery";
        required("event.dedup_key", &event.dedup_key)?;
        self.inner
            .first_seen(&event.dedup_key)
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// Reads a delivery's body (as `webhook_parse`) and returns its events that no process on
    /// the store saw before, in order; they are remembered from then on.
    ///
    /// Core: SharedDeduper::retain_new
    pub async fn new_events(&self, body: Vec<u8>) -> Result<Vec<WebhookEvent>> {
        const WHAT: &str = "SharedDeduper.new_events";
        let payload = webhooks::parse(&body).map_err(|e| refused(WHAT, e))?;
        let events = self
            .inner
            .retain_new(payload.events)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(events.iter().map(WebhookEvent::from).collect())
    }
}
