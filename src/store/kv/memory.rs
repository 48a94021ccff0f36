//! [`MemoryKv`]: the reference [`KeyValueStore`].

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;

use super::KeyValueStore;
use crate::store::error::StoreResult;

/// A [`KeyValueStore`] in a `HashMap` behind a mutex: the reference the conformance suite
/// runs [`super::KvBackend`] on, and a model for a host's own implementation.
#[derive(Debug, Default)]
pub struct MemoryKv {
    map: Mutex<HashMap<String, String>>,
}

impl MemoryKv {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, String>> {
        // Every write is one insert or remove, so a poisoned map is still consistent.
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl KeyValueStore for MemoryKv {
    async fn get(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(self.lock().get(key).cloned())
    }

    async fn scan(&self, prefix: &str) -> StoreResult<Vec<(String, String)>> {
        Ok(self
            .lock()
            .iter()
            .filter(|(key, _)| key.starts_with(prefix))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect())
    }

    async fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&str>,
        next: Option<&str>,
    ) -> StoreResult<bool> {
        let mut map = self.lock();
        if map.get(key).map(String::as_str) != expected {
            return Ok(false);
        }
        match next {
            Some(value) => map.insert(key.to_owned(), value.to_owned()),
            None => map.remove(key),
        };
        Ok(true)
    }
}
