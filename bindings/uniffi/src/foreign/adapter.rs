//! The app's [`ForeignStore`] as the core's [`KeyValueStore`]: converts and forwards each call
//! through the [`HostCaller`] (its own thread, a time limit).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use instagraph::store::kv::KeyValueStore;
use instagraph::store::StoreResult;

use super::caller::{HostCaller, DEFAULT_TIMEOUT};
use super::ForeignStore;

/// The app's key-value store, under the core's `KvBackend`.
pub struct ForeignKv {
    host: HostCaller,
}

impl std::fmt::Debug for ForeignKv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ForeignKv")
    }
}

impl ForeignKv {
    /// Over `store`, each call bounded by the default timeout (30 s).
    pub fn new(store: Arc<dyn ForeignStore>) -> Self {
        Self::with_timeout(store, DEFAULT_TIMEOUT)
    }

    /// Over `store`, each call bounded by `timeout`.
    pub fn with_timeout(store: Arc<dyn ForeignStore>, timeout: Duration) -> Self {
        Self {
            host: HostCaller::new(store, timeout),
        }
    }
}

#[async_trait]
impl KeyValueStore for ForeignKv {
    async fn get(&self, key: &str) -> StoreResult<Option<String>> {
        let key = key.to_owned();
        self.host.call("get", move |store| store.get(key))
    }

    async fn scan(&self, prefix: &str) -> StoreResult<Vec<(String, String)>> {
        let prefix = prefix.to_owned();
        let entries = self.host.call("scan", move |store| store.scan(prefix))?;
        Ok(entries.into_iter().map(|e| (e.key, e.value)).collect())
    }

    async fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&str>,
        next: Option<&str>,
    ) -> StoreResult<bool> {
        let (key, expected, next) = (
            key.to_owned(),
            expected.map(str::to_owned),
            next.map(str::to_owned),
        );
        self.host.call("compare_and_swap", move |store| {
            store.compare_and_swap(key, expected, next)
        })
    }
}
