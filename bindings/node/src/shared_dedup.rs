//! `SharedDeduper`: drops redelivered webhook updates across every process sharing the
//! `AccountManager`'s store (the `Deduper` of `webhooks.rs` remembers within one process).

use std::sync::Arc;
use std::time::Duration;

use instagraph::webhooks::SharedDeduper as RustSharedDeduper;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;
use tokio::sync::OnceCell;

use crate::accounts::AccountManager;
use crate::error::{guard, guard_sync, sdk_error, type_error};
use crate::store::Lazy;
use crate::webhooks::key_of;

/// Drops redelivered webhook updates (Meta retries for up to 36 hours), remembering the keys
/// in the `AccountManager`'s store: a delivery handled by one process is a redelivery for every
/// other process on the same store.
#[napi]
pub struct SharedDeduper {
    lazy: Arc<Lazy>,
    window: Option<Duration>,
    cell: OnceCell<RustSharedDeduper>,
}

impl SharedDeduper {
    async fn get(&self, what: &str) -> napi::Result<&RustSharedDeduper> {
        self.cell
            .get_or_try_init(|| async {
                let budgets = self.lazy.get(what).await?.store().budgets();
                match self.window {
                    None => Ok(RustSharedDeduper::new(budgets)),
                    Some(w) => {
                        RustSharedDeduper::with_window(budgets, w).map_err(|e| sdk_error(what, e))
                    }
                }
            })
            .await
    }
}

#[napi]
impl SharedDeduper {
    /// Keys remembered in the store of `accounts` for `windowSeconds` each (default 36 hours,
    /// at least 1).
    #[napi(constructor)]
    pub fn new(accounts: &AccountManager, window_seconds: Option<f64>) -> Result<Self> {
        guard_sync("new SharedDeduper", || {
            let window = match window_seconds {
                None => None,
                Some(s) if (1.0..=1e9).contains(&s) => Some(Duration::from_secs_f64(s)),
                Some(_) => return Err(type_error("windowSeconds", "must be 1 to 1e9 seconds")),
            };
            Ok(Self {
                lazy: accounts.lazy.clone(),
                window,
                cell: OnceCell::new(),
            })
        })
    }

    /// True the first time an event (or a key) is seen within the window by any process on
    /// the store; false for a redelivery.
    ///
    /// Core: SharedDeduper::first_seen
    #[napi]
    pub async fn first_delivery(
        &self,
        #[napi(ts_arg_type = "WebhookEvent | string")] event: Value,
    ) -> Result<bool> {
        const WHAT: &str = "SharedDeduper.firstDelivery";
        guard(WHAT, async {
            let key = key_of("event", &event)?;
            self.get(WHAT)
                .await?
                .first_seen(&key)
                .await
                .map_err(|e| sdk_error(WHAT, e))
        })
        .await
    }

    /// The events no process on the store saw before, in order.
    ///
    /// Core: SharedDeduper::first_seen
    #[napi(ts_return_type = "Promise<WebhookEvent[]>")]
    pub async fn retain_new(
        &self,
        #[napi(ts_arg_type = "WebhookEvent[]")] events: Vec<Value>,
    ) -> Result<Vec<Value>> {
        const WHAT: &str = "SharedDeduper.retainNew";
        guard(WHAT, async {
            // Every key is checked before any is remembered, so a bad element changes nothing.
            let keys = events
                .iter()
                .enumerate()
                .map(|(i, e)| key_of(&format!("events[{i}]"), e))
                .collect::<napi::Result<Vec<_>>>()?;
            let deduper = self.get(WHAT).await?;
            let mut out = Vec::with_capacity(events.len());
            for (event, key) in events.into_iter().zip(keys) {
                if deduper
                    .first_seen(&key)
                    .await
                    .map_err(|e| sdk_error(WHAT, e))?
                {
                    out.push(event);
                }
            }
            Ok(out)
        })
        .await
    }
}
