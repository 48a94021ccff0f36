//! `Store`: where tokens, accounts, OAuth states and publish jobs live — built-in memory,
//! SQLite or Postgres by URL, or the app's own storage through [`ForeignStore`] — with sealing
//! key rotation.

use std::sync::Arc;
use std::time::Duration;

use instagraph::store::{MemoryStore, ResealReport, Sealer, SealingKey};

use instagraph::store::kv::KvBackend;

use crate::error::{invalid, store as store_error, Result};

use crate::foreign::adapter::ForeignKv;
use crate::foreign::caller;
use crate::foreign::ForeignStore;

/// A new random sealing key (base64 of 32 bytes). Keep it in the Keychain / Keystore: it seals
/// every token before it reaches any storage.
#[uniffi::export]
pub fn generate_sealing_key() -> String {
    SealingKey::generate().to_base64()
}

/// The core's sealer: `sealing_key` seals, `previous_sealing_keys` (older keys, after a
/// rotation) only open.
fn sealer(what: &str, sealing_key: &str, previous_sealing_keys: &[String]) -> Result<Sealer> {
    let previous: Vec<&str> = previous_sealing_keys.iter().map(String::as_str).collect();
    Sealer::from_base64_keys(sealing_key, &previous).map_err(|e| store_error(what, e))
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

#[uniffi::export(async_runtime = "tokio")]
impl Store {
    /// An in-memory store (gone with the process; for tests and previews).
    #[uniffi::constructor]
    pub fn memory(sealing_key: String) -> Result<Arc<Self>> {
        let sealer = sealer("Store.memory", &sealing_key, &[])?;
        Ok(Arc::new(Self {
            inner: instagraph::store::Store::with_sealer(Arc::new(MemoryStore::new()), sealer),
        }))
    }

    /// A store over the app's own key-value storage: the app implements [`ForeignStore`] and
    /// the core's `KvBackend` keeps every rule of the store over it.
    /// `previous_sealing_keys` are older keys that still open tokens sealed before a rotation
    /// (see [`Store::reseal_tokens`]). `store_timeout_ms` bounds each call into the app's
    /// storage (30 000 by default): a method that has not returned by then fails the SDK's
    /// operation with a store error naming the method.
    #[uniffi::constructor(default(previous_sealing_keys = [], store_timeout_ms = None))]
    pub fn foreign(
        store: Arc<dyn ForeignStore>,
        sealing_key: String,
        previous_sealing_keys: Vec<String>,
        store_timeout_ms: Option<u64>,
    ) -> Result<Arc<Self>> {
        let timeout = match store_timeout_ms {
            Some(0) => return Err(invalid("store_timeout_ms", "must be at least 1")),
            Some(ms) => Duration::from_millis(ms),
            None => caller::DEFAULT_TIMEOUT,
        };
        let sealer = sealer("Store.foreign", &sealing_key, &previous_sealing_keys)?;
        let backend = Arc::new(KvBackend::new(ForeignKv::with_timeout(store, timeout)));
        Ok(Arc::new(Self {
            inner: instagraph::store::Store::with_sealer(backend, sealer),
        }))
    }

    /// Seals again with the current key every token sealed with a previous one, `batch` rows
    /// at a time (0: the SDK's default). Run it after a rotation; once the report's
    /// `unreadable` is 0, the previous keys can go.
    ///
    /// Core: Store::reseal_tokens
    #[uniffi::method(default(batch = 0))]
    pub async fn reseal_tokens(&self, batch: u64) -> Result<ResealReport> {
        self.inner
            .reseal_tokens(batch)
            .await
            .map_err(|e| store_error("Store.reseal_tokens", e))
    }
}

/// Opens the store at `url` — `memory:`, `sqlite:PATH` (created and migrated) or, in a library
/// built with the `postgres` feature (the Python wheel), `postgres://…` (migrated) — sealing
/// with `sealing_key`; `previous_sealing_keys` (older
/// keys, after a rotation) still open what they sealed.
///
/// Core: Store::open_url
#[uniffi::export(async_runtime = "tokio", default(previous_sealing_keys = []))]
pub async fn open_store(
    url: String,
    sealing_key: String,
    previous_sealing_keys: Vec<String>,
) -> Result<Arc<Store>> {
    const WHAT: &str = "open_store";
    let sealer = sealer(WHAT, &sealing_key, &previous_sealing_keys)?;
    let inner = instagraph::store::Store::open_url(&url, sealer)
        .await
        .map_err(|e| store_error(WHAT, e))?;
    Ok(Arc::new(Store { inner }))
}
