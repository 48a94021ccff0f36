//! Stores implemented by the app, in its own storage (Keychain, Keystore, Room, Core Data, a
//! file): the [`ForeignStore`] trait, a key-value store of three methods, and
//! [`adapter::ForeignKv`], which makes it the core's
//! [`KeyValueStore`](instagraph::store::kv::KeyValueStore) so that the core's
//! [`KvBackend`](instagraph::store::kv::KvBackend) keeps every rule of the store over it.

pub mod adapter;
pub(crate) mod caller;

/// What a foreign store's method throws when its storage fails.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum ForeignStoreError {
    /// The storage failed; `reason` is passed on in the SDK's store error.
    #[error("{reason}")]
    Failed {
        /// Why (never put a token here).
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for ForeignStoreError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Failed { reason: e.reason }
    }
}

/// One entry of a [`ForeignStore::scan`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct KeyValue {
    /// The entry's key.
    pub key: String,
    /// Its value.
    pub value: String,
}

/// Key-value storage provided by the app: string values under string keys.
///
/// Each method must be atomic on its own (one lock around the map is enough); nothing needs to
/// be atomic across calls, so several processes may share one storage. The SDK writes only
/// through [`ForeignStore::compare_and_swap`] and keeps every other rule itself. Calls come
/// from a thread of the store's own. A call that has not returned after the store's timeout
/// (30 s unless `Store.foreign(..)` is given another) fails the SDK's operation with a store
/// error naming the method; its thread is left to finish in the app.
#[uniffi::export(with_foreign)]
pub trait ForeignStore: Send + Sync {
    /// The value under `key`, or `None` when the key is absent.
    fn get(&self, key: String) -> Result<Option<String>, ForeignStoreError>;

    /// Every entry whose key starts with `prefix`, in any order.
    fn scan(&self, prefix: String) -> Result<Vec<KeyValue>, ForeignStoreError>;

    /// Sets `key` to `next` (deletes it when `next` is `None`) if its current value is
    /// `expected` (`None`: the key is absent), atomically. Returns whether it did.
    fn compare_and_swap(
        &self,
        key: String,
        expected: Option<String>,
        next: Option<String>,
    ) -> Result<bool, ForeignStoreError>;
}
