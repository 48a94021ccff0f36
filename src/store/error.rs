//! The one error type of the storage layer.

/// What can go wrong in a store call.
///
/// No variant ever carries token material: driver messages are SQL errors, and sealing failures
/// say only that the key or the row is wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The backend (database driver, I/O) failed.
    #[error("store backend error: {0}")]
    Backend(String),
    /// A row that the call needs does not exist for this tenant.
    #[error("{what} not found: {id}")]
    NotFound {
        /// The kind of row (`"job"`, `"token"`, ...).
        what: &'static str,
        /// The id that was looked up.
        id: String,
    },
    /// The write would break a uniqueness rule (an existing OAuth state, a reused id, ...).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Sealing or unsealing a token failed: the key is wrong or unknown, or the row was
    /// tampered with or copied to another tenant or subject.
    #[error("token sealing failed: wrong key or tampered row")]
    Crypto,
    /// An argument is out of range or malformed.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The argument or field at fault.
        field: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// The schema could not be brought up to date.
    #[error("store migration failed: {0}")]
    Migration(String),
    /// A store implemented by the host application (a JavaScript store, an app's foreign
    /// store) did not answer a call in time: a Promise that never settles, a method that
    /// blocks. The call was abandoned; whatever it was doing may still happen later.
    #[error("store method {method} did not answer within {after:?}")]
    Timeout {
        /// The method called (e.g. `listTokens`, `get(accounts)`).
        method: String,
        /// The time it was given.
        after: std::time::Duration,
    },
    /// A read-modify-write on a key-value store (see [`super::kv`]) kept losing its
    /// compare-and-swap to other writers and gave up; the call changed nothing and may be
    /// retried.
    #[error("{what} changed under concurrent writers {attempts} times in a row; gave up")]
    Contended {
        /// What was being written (`"job"`, `"token"`, `"OAuth state"`, ...).
        what: &'static str,
        /// The attempts made.
        attempts: u32,
    },
    /// The backend does not implement this operation (an optional trait method it keeps the
    /// default of); the value names the operation.
    #[error("{0} is not supported by this store backend")]
    Unsupported(&'static str),
}

impl StoreError {
    /// Shorthand for [`StoreError::InvalidInput`].
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            field,
            reason: reason.into(),
        }
    }

    /// Shorthand for [`StoreError::NotFound`].
    pub fn not_found(what: &'static str, id: impl std::fmt::Display) -> Self {
        Self::NotFound {
            what,
            id: id.to_string(),
        }
    }
}

/// The result of every store call.
pub type StoreResult<T> = Result<T, StoreError>;
