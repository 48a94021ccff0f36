//! `Store`: where tokens, accounts, OAuth states and publish jobs live — built-in memory or
//! SQLite, or the app's own storage through [`ForeignStore`] — plus the conformance runner that
//! checks a foreign store with the SDK's own suite.

use std::sync::Arc;
use std::time::Duration;

use instagraph::store::conformance::{self, Fixture};
use instagraph::store::SealingKey;

use crate::error::{guard_sync, invalid, required, run, store as store_error, Result};
use crate::foreign::backend::ForeignBackend;
use crate::foreign::caller;
use crate::foreign::ForeignStore;

/// A new random sealing key (base64 of 32 bytes). Keep it in the Keychain / Keystore: it seals
/// every token before it reaches any storage.
#[uniffi::export]
pub fn generate_sealing_key() -> String {
    SealingKey::generate().to_base64()
}

fn key(sealing_key: &str) -> Result<SealingKey> {
    required("sealing_key", sealing_key)?;
    SealingKey::from_base64(sealing_key).map_err(|e| invalid("sealing_key", e))
}

/// A store: the SDK's `Store` facade (tokens sealed with AES-256-GCM) over a backend.
#[derive(uniffi::Object)]
pub struct Store {
    pub(crate) inner: instagraph::store::Store,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

#[uniffi::export]
impl Store {
    /// An in-memory store (gone with the process; for tests and previews).
    #[uniffi::constructor]
    pub fn memory(sealing_key: String) -> Result<Arc<Self>> {
        guard_sync("Store.memory", || {
            Ok(Arc::new(Self {
                inner: instagraph::store::Store::memory(key(&sealing_key)?),
            }))
        })
    }

    /// A store over the app's own storage: the app implements [`ForeignStore`].
    /// `store_timeout_ms` bounds each call into it (30 000 by default): a method that has not
    /// returned by then fails the SDK's operation with a store error naming the method.
    #[uniffi::constructor(default(store_timeout_ms = None))]
    pub fn foreign(
        store: Arc<dyn ForeignStore>,
        sealing_key: String,
        store_timeout_ms: Option<u64>,
    ) -> Result<Arc<Self>> {
        guard_sync("Store.foreign", || {
            let timeout = match store_timeout_ms {
                Some(0) => return Err(invalid("store_timeout_ms", "must be at least 1")),
                Some(ms) => Duration::from_millis(ms),
                None => caller::DEFAULT_TIMEOUT,
            };
            let backend = Arc::new(ForeignBackend::with_timeout(store, timeout));
            Ok(Arc::new(Self {
                inner: instagraph::store::Store::new(backend, key(&sealing_key)?),
            }))
        })
    }
}

/// Opens (creating and migrating) the SQLite store at `path`.
#[uniffi::export]
pub async fn open_sqlite_store(path: String, sealing_key: String) -> Result<Arc<Store>> {
    const WHAT: &str = "open_sqlite_store";
    run(WHAT, async move {
        required("path", &path)?;
        let key = key(&sealing_key)?;
        let inner = instagraph::store::Store::sqlite(&path, key)
            .await
            .map_err(|e| store_error(WHAT, e))?;
        Ok(Arc::new(Store { inner }))
    })
    .await
}

/// The names of the store conformance cases (`module::case`), in suite order.
#[uniffi::export]
pub fn store_conformance_cases() -> Vec<String> {
    conformance::cases()
        .iter()
        .map(|c| c.name.to_owned())
        .collect()
}

/// Runs one conformance case against `store` (give each case a fresh, empty store). Returns
/// `None` when the case passed, the failed assertion's message otherwise.
#[uniffi::export]
pub async fn run_store_conformance_case(
    name: String,
    store: Arc<dyn ForeignStore>,
) -> Result<Option<String>> {
    run("run_store_conformance_case", async move {
        let case = conformance::cases()
            .into_iter()
            .find(|c| c.name == name)
            .ok_or_else(|| invalid("name", format!("no conformance case {name:?}")))?;
        let outcome =
            conformance::run_case(
                case,
                || async move { Fixture::new(ForeignBackend::new(store)) },
            )
            .await;
        Ok(outcome.failure)
    })
    .await
}
