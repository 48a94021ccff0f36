//! A store over any key-value storage: implement the three methods of [`KeyValueStore`] over
//! whatever the host application has (a browser's IndexedDB, a mobile key-value store, Redis,
//! a table in the app's own database) and [`KvBackend`] turns it into a complete
//! [`StoreBackend`](super::StoreBackend) — tokens, accounts, OAuth states, jobs, shared budgets,
//! and key rotation
//! ([`Store::reseal_tokens`](super::Store::reseal_tokens)).
//!
//! # The contract of a key-value store
//!
//! - Keys and values are strings. Values are opaque to the store: JSON text of the records
//!   (token secrets in them are already sealed by the [`Store`](super::Store) facade), or a
//!   plain id for the backend's index keys.
//! - Each method is atomic on its own; nothing needs to be atomic across calls or keys. The
//!   backend makes every read-modify-write a [`KeyValueStore::compare_and_swap`] loop, so
//!   several processes may share one storage without any lock: job claims, leases, single-use
//!   OAuth states and idempotency keys stay exclusive.
//! - [`KeyValueStore::scan`] returns every entry whose key starts with the prefix, in any
//!   order (the backend sorts), and must not return other keys (the backend drops them anyway:
//!   tenant scoping is a security rule, so a scan of one company never reads another's rows).
//! - [`KeyValueStore::compare_and_swap`] replaces the value of `key` with `next` (`None`
//!   deletes the key) only if the current value is `expected` (`None` meaning "the key is
//!   absent"), and says whether it did.
//!
//! There is no unconditional put or delete: every write of the backend depends on what it
//! read, so a host implements three methods, not five.
//!
//! # Scale
//!
//! Listings scan: `query_accounts` reads all of a company's accounts, `list_jobs` all of its
//! jobs, and job claims, OAuth-state clean-up and re-sealing scan those rows across tenants.
//! That suits app and host storage (thousands of rows), not millions; use the SQLite or Postgres
//! backend for a large shared store.
//!
//! # Layout
//!
//! Every id in a key is escaped (`%` and `/` as `%25` and `%2F`), so a company id or an
//! idempotency key may contain anything and a company's prefix never matches another's keys:
//!
//! | key | value |
//! |---|---|
//! | `tokens/{company}/{kind}/{login}/{subject}` | the token record (one per subject) |
//! | `token-ids/{company}/{token id}` | the key of the token row holding that id |
//! | `accounts/{company}/{ig user id}` | the account record |
//! | `oauth-states/{state}` | the OAuth state record |
//! | `jobs/{company}/{job id}` | the job record |
//! | `job-keys/{company}/{idempotency key}` | the id of the job stored under that key |
//! | `budgets/{scope}` | a shared budget's entries (key → when counted), see [`super::budgets`] |
//!
//! A row counts only while its index key points at it (a job's idempotency key at its id, a
//! token's id at its row), and rows are deleted before their index, so a crash between two
//! writes leaves at most an index pointing at nothing (read as absent, reused by the next write)
//! or a row no index points at (never returned, replaced by the next write of that row): no row
//! is lost or duplicated.
//!
//! # Example
//!
//! ```
//! use std::collections::BTreeMap;
//! use std::sync::{Arc, Mutex};
//!
//! use instagraph::store::kv::{KeyValueStore, KvBackend};
//! use instagraph::store::{JobRecord, SealingKey, Store, StoreResult};
//! use instagraph::{CompanyId, IgUserId};
//!
//! /// The host's storage: here a map behind a mutex, which makes each call atomic.
//! #[derive(Default)]
//! struct HostStorage(Mutex<BTreeMap<String, String>>);
//!
//! #[async_trait::async_trait]
//! impl KeyValueStore for HostStorage {
//!     async fn get(&self, key: &str) -> StoreResult<Option<String>> {
//!         Ok(self.0.lock().unwrap().get(key).cloned())
//!     }
//!
//!     async fn scan(&self, prefix: &str) -> StoreResult<Vec<(String, String)>> {
//!         let map = self.0.lock().unwrap();
//!         let rows = map.range(prefix.to_owned()..).take_while(|(k, _)| k.starts_with(prefix));
//!         Ok(rows.map(|(k, v)| (k.clone(), v.clone())).collect())
//!     }
//!
//!     async fn compare_and_swap(
//!         &self,
//!         key: &str,
//!         expected: Option<&str>,
//!         next: Option<&str>,
//!     ) -> StoreResult<bool> {
//!         let mut map = self.0.lock().unwrap();
//!         if map.get(key).map(String::as_str) != expected {
//!             return Ok(false);
//!         }
//!         match next {
//!             Some(value) => map.insert(key.to_owned(), value.to_owned()),
//!             None => map.remove(key),
//!         };
//!         Ok(true)
//!     }
//! }
//!
//! # async fn demo() -> StoreResult<()> {
//! let store = Store::new(
//!     Arc::new(KvBackend::new(HostStorage::default())),
//!     SealingKey::generate(),
//! );
//! let job = JobRecord::new(
//!     CompanyId::new("acme"),
//!     IgUserId::new("1784"),
//!     "post-42",
//!     serde_json::json!({"caption": "hello"}),
//! );
//! let inserted = store.backend().insert_job(job.clone()).await?;
//! assert!(inserted.is_inserted());
//! // The same idempotency key again returns the stored job.
//! assert!(!store.backend().insert_job(job).await?.is_inserted());
//! # Ok(()) }
//! # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
//! ```

mod accounts;
mod budgets;
mod jobs;
mod keys;
mod memory;
mod states;
#[cfg(test)]
mod tests;
mod tokens;

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::{StoreError, StoreResult};

pub use memory::MemoryKv;

/// Key-value storage the host application provides. See the [module docs](self) for the
/// contract: each method atomic on its own, `scan` in any order, `compare_and_swap` with
/// `None` meaning "absent".
#[async_trait]
pub trait KeyValueStore: Send + Sync {
    /// The value of `key`, or `None` when the key is absent.
    async fn get(&self, key: &str) -> StoreResult<Option<String>>;

    /// Every `(key, value)` whose key starts with `prefix`, in any order.
    async fn scan(&self, prefix: &str) -> StoreResult<Vec<(String, String)>>;

    /// Sets `key` to `next` (deletes it when `next` is `None`) if its current value is
    /// `expected` (`None`: the key is absent), atomically. Returns whether it did.
    async fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&str>,
        next: Option<&str>,
    ) -> StoreResult<bool>;
}

/// How many times a read-modify-write is tried before it fails with
/// [`StoreError::Contended`]: enough for any real contention, and a bound on a store whose
/// `compare_and_swap` never succeeds.
pub const MAX_ATTEMPTS: u32 = 64;

/// Every store trait over a [`KeyValueStore`]. Cheap to clone; clones share the storage.
#[derive(Clone)]
pub struct KvBackend {
    kv: Arc<dyn KeyValueStore>,
}

impl fmt::Debug for KvBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KvBackend").finish_non_exhaustive()
    }
}

/// What a read-modify-write does with the value it read.
enum Change<T, R> {
    /// Leave it; the call returns `R`.
    Keep(R),
    /// Replace it (or create it) with `T`.
    Write(T, R),
    /// Delete it.
    Delete(R),
}

/// One stored row: its key, its raw value (what a compare-and-swap expects) and the record.
struct Row<T> {
    key: String,
    raw: String,
    record: T,
}

impl KvBackend {
    /// A backend over `kv`.
    pub fn new(kv: impl KeyValueStore + 'static) -> Self {
        Self::from_arc(Arc::new(kv))
    }

    /// A backend over a shared `kv`.
    pub fn from_arc(kv: Arc<dyn KeyValueStore>) -> Self {
        Self { kv }
    }

    /// The record at `key`, if any.
    async fn read<T: DeserializeOwned>(&self, key: &str) -> StoreResult<Option<Row<T>>> {
        match self.kv.get(key).await? {
            Some(raw) => Ok(Some(Row {
                key: key.to_owned(),
                record: decode(key, &raw)?,
                raw,
            })),
            None => Ok(None),
        }
    }

    /// Every raw entry under `prefix`, dropping whatever a faulty store returns outside it.
    async fn scan_raw(&self, prefix: &str) -> StoreResult<Vec<(String, String)>> {
        let mut rows = self.kv.scan(prefix).await?;
        rows.retain(|(key, _)| key.starts_with(prefix));
        Ok(rows)
    }

    /// Every record under `prefix`.
    async fn scan<T: DeserializeOwned>(&self, prefix: &str) -> StoreResult<Vec<Row<T>>> {
        self.scan_raw(prefix)
            .await?
            .into_iter()
            .map(|(key, raw)| {
                Ok(Row {
                    record: decode(&key, &raw)?,
                    key,
                    raw,
                })
            })
            .collect()
    }

    async fn swap(
        &self,
        key: &str,
        expected: Option<&str>,
        next: Option<&str>,
    ) -> StoreResult<bool> {
        self.kv.compare_and_swap(key, expected, next).await
    }

    /// Reads `key`, lets `decide` choose what becomes of it, and writes that with a
    /// compare-and-swap on the value read, again from the read when another writer came in
    /// between.
    async fn modify<T, R>(
        &self,
        key: &str,
        what: &'static str,
        mut decide: impl FnMut(Option<T>) -> StoreResult<Change<T, R>> + Send,
    ) -> StoreResult<R>
    where
        T: Serialize + DeserializeOwned + Send,
        R: Send,
    {
        for _ in 0..MAX_ATTEMPTS {
            let raw = self.kv.get(key).await?;
            let current = raw.as_deref().map(|r| decode(key, r)).transpose()?;
            let (next, result) = match decide(current)? {
                Change::Keep(result) => return Ok(result),
                Change::Write(value, result) => (Some(encode(&value)?), result),
                Change::Delete(result) => (None, result),
            };
            if self.swap(key, raw.as_deref(), next.as_deref()).await? {
                return Ok(result);
            }
        }
        Err(contended(what))
    }
}

/// The error of a read-modify-write that kept losing.
fn contended(what: &'static str) -> StoreError {
    StoreError::Contended {
        what,
        attempts: MAX_ATTEMPTS,
    }
}

fn encode<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(format!("cannot encode row: {e}")))
}

/// Parses a stored value. The error names the key and the position, never the value's text
/// (it may hold a sealed token).
fn decode<T: DeserializeOwned>(key: &str, raw: &str) -> StoreResult<T> {
    serde_json::from_str(raw).map_err(|e| {
        StoreError::Backend(format!(
            "malformed value at key {key:?}: {:?} error at line {} column {}",
            e.classify(),
            e.line(),
            e.column()
        ))
    })
}
