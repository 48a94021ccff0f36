//! Stores implemented by the app, in its own storage (Keychain, Keystore, Room, Core Data, a
//! file): the [`ForeignStore`] trait, and [`backend::ForeignBackend`], which gives the SDK's
//! four store traits on top of it.
//!
//! The foreign side implements a small keyed collection interface (get, put, delete, list) and
//! the SDK keeps every rule (upserts, queries, leases, single-use states) in Rust, under one
//! lock: an app writes a few lines over its storage and cannot get the semantics wrong. Rows
//! are JSON text; a token's secret in them is already sealed with the app's sealing key.

pub mod backend;
pub(crate) mod caller;
pub(crate) mod rows;

/// Which kind of row a call is about. An app may keep each in a different place, e.g.
/// `Tokens` in the Keychain / Keystore-backed storage and the others in a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum StoreCollection {
    /// User, Page and Instagram tokens (sealed).
    Tokens,
    /// Connected Instagram accounts.
    Accounts,
    /// Pending OAuth states (single use, short-lived).
    OauthStates,
    /// Publish jobs.
    Jobs,
}

impl StoreCollection {
    /// A name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Tokens => "tokens",
            Self::Accounts => "accounts",
            Self::OauthStates => "oauth_states",
            Self::Jobs => "jobs",
        }
    }
}

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

/// Storage provided by the app: string rows under string keys, in four collections.
///
/// Each method must be atomic on its own; the SDK serialises its calls (one at a time per
/// `Store.foreign(..)` object: make one per storage and share it) and keeps every other rule
/// itself. Calls come from a thread of the store's own. A call that has not returned after the
/// store's timeout (30 s unless `Store.foreign(..)` is given another) fails the SDK's operation
/// with a store error naming the method; its thread is left to finish in the app.
#[uniffi::export(with_foreign)]
pub trait ForeignStore: Send + Sync {
    /// The row under `key`, if any.
    fn get(
        &self,
        collection: StoreCollection,
        key: String,
    ) -> Result<Option<String>, ForeignStoreError>;

    /// Stores `value` under `key`, replacing any row there.
    fn put(
        &self,
        collection: StoreCollection,
        key: String,
        value: String,
    ) -> Result<(), ForeignStoreError>;

    /// Deletes the row under `key`; returns whether there was one.
    fn delete(&self, collection: StoreCollection, key: String) -> Result<bool, ForeignStoreError>;

    /// Every row of the collection, in any order.
    fn list(&self, collection: StoreCollection) -> Result<Vec<String>, ForeignStoreError>;
}
