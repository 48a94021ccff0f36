//! The store behind an `AccountManager`: where it is (a URL or a JS key-value store), the
//! sealer with its previous keys, opening on first use, and re-sealing after a key rotation.
//! The URL, the keys and the environment are read by the core (`StoreUrl`, `Sealer`).

use std::sync::Arc;
use std::time::Duration;

use instagraph::accounts::{DEFAULT_ACCESS_CAPACITY, DEFAULT_ACCESS_TTL};
use instagraph::store::kv::KvBackend;
use instagraph::store::{
    Sealer, SealingKey, Store, StoreError, StoreUrl, PREVIOUS_SEALING_KEYS_ENV, SEALING_KEY_ENV,
};
use napi::bindgen_prelude::{Either, Object};
use napi_derive::napi;
use tokio::sync::OnceCell;

use crate::accounts::AccountManager;
use crate::error::{guard, sdk_error, type_error};
use crate::js_store::{self, JsKv};

/// Options of `new AccountManager(client, store, options)`.
#[napi(object)]
pub struct AccountManagerOptions {
    /// The base64 AES-256 key that seals tokens at rest (`AccountManager.generateSealingKey()`
    /// makes one). Required for `sqlite:`, `postgres://` and JS stores (they persist, so the
    /// key must too) unless `INSTAGRAPH_SEALING_KEY` is set; a `memory:` store generates one.
    pub sealing_key: Option<String>,
    /// Older base64 keys, after a rotation: tokens sealed with them still open, and
    /// `resealTokens()` seals them again with `sealingKey`. Without `sealingKey`, the keys come
    /// from `INSTAGRAPH_SEALING_KEY` and `INSTAGRAPH_PREVIOUS_SEALING_KEYS` (comma-separated).
    pub previous_sealing_keys: Option<Vec<String>>,
    /// For a JS store: how long one of its methods may take, in milliseconds, before the call
    /// fails with a `StoreError` naming the method (default 30 000). A Promise that never
    /// settles then fails the SDK call instead of hanging it.
    pub store_timeout_ms: Option<u32>,
    /// How long, in milliseconds, an account's opened token serves calls without a store read
    /// (default 15 000). A write of a token or an account through this manager ends it at
    /// once; this bounds how long a change made by another process sharing the store goes
    /// unseen. 0 reads the store on every call.
    pub access_cache_ttl_ms: Option<u32>,
    /// How many accounts' opened tokens are kept (default 1 000); 0 keeps none.
    pub access_cache_size: Option<u32>,
}

/// What `resealTokens` did.
#[napi(object)]
pub struct ResealReport {
    /// Tokens found sealed with another key than `sealingKey`.
    pub found: f64,
    /// Tokens now sealed with `sealingKey`.
    pub resealed: f64,
    /// Tokens saved again meanwhile (already sealed with `sealingKey`): left as they are.
    pub changed: f64,
    /// Tokens no configured key opens: left as they are. Non-zero means an old key is still
    /// needed in `previousSealingKeys`.
    pub unreadable: f64,
}

enum Location {
    Url(StoreUrl),
    /// A key-value store implemented in JavaScript (see `js-store.js`).
    Js(Arc<KvBackend>),
}

/// The manager is opened on first use (opening SQLite is async; a constructor cannot wait).
pub(crate) struct Lazy {
    client: instagraph::Client,
    location: Location,
    sealer: Sealer,
    access_cache: (Duration, usize),
    cell: OnceCell<instagraph::AccountManager>,
}

impl Lazy {
    /// Checks the store argument and the options; nothing is opened yet. Runs on the JS thread.
    pub(crate) fn new(
        client: instagraph::Client,
        store: Either<String, Object<'_>>,
        options: Option<AccountManagerOptions>,
    ) -> napi::Result<Self> {
        let options = options.unwrap_or(AccountManagerOptions {
            sealing_key: None,
            previous_sealing_keys: None,
            store_timeout_ms: None,
            access_cache_ttl_ms: None,
            access_cache_size: None,
        });
        let timeout = match options.store_timeout_ms {
            Some(0) => return Err(type_error("options.storeTimeoutMs", "must be at least 1")),
            Some(ms) => Duration::from_millis(u64::from(ms)),
            None => js_store::DEFAULT_TIMEOUT,
        };
        let location = match store {
            // A bad URL names `storeUrl` (the string given), a bad store object names `store`.
            Either::A(url) => Location::Url(StoreUrl::parse(&url).map_err(|e| match e {
                StoreError::InvalidInput { reason, .. } => type_error("storeUrl", reason),
                other => type_error("storeUrl", other),
            })?),
            Either::B(object) => Location::Js(Arc::new(KvBackend::new(
                JsKv::from_object(&object, "store")?.with_timeout(timeout),
            ))),
        };
        let persists = match &location {
            Location::Url(url) => url.persists(),
            Location::Js(_) => true,
        };
        let sealer = sealer(options.sealing_key, options.previous_sealing_keys, persists)?;
        let access_cache = (
            options
                .access_cache_ttl_ms
                .map_or(DEFAULT_ACCESS_TTL, |ms| {
                    Duration::from_millis(u64::from(ms))
                }),
            options
                .access_cache_size
                .map_or(DEFAULT_ACCESS_CAPACITY, |n| n as usize),
        );
        Ok(Self {
            client,
            location,
            sealer,
            access_cache,
            cell: OnceCell::new(),
        })
    }

    pub(crate) async fn get(&self, what: &str) -> napi::Result<&instagraph::AccountManager> {
        self.cell
            .get_or_try_init(|| async {
                let store = match &self.location {
                    Location::Url(url) => Store::open(url, self.sealer.clone())
                        .await
                        .map_err(|e| sdk_error(what, instagraph::Error::Store(e)))?,
                    Location::Js(backend) => {
                        Store::with_sealer(backend.clone(), self.sealer.clone())
                    }
                };
                let (ttl, capacity) = self.access_cache;
                Ok(instagraph::AccountManager::new(self.client.clone(), store)
                    .access_cache(ttl, capacity))
            })
            .await
    }
}

/// The sealer from the options, else from the environment, else (for a store that does not
/// persist) a fresh key.
fn sealer(
    key: Option<String>,
    previous: Option<Vec<String>>,
    persists: bool,
) -> napi::Result<Sealer> {
    let named = |current: &str, older: &str| {
        let (current, older) = (current.to_owned(), older.to_owned());
        move |e: StoreError| match e {
            StoreError::InvalidInput {
                field: "previous_sealing_keys",
                reason,
            } => type_error(&older, reason),
            StoreError::InvalidInput { reason, .. } => type_error(&current, reason),
            other => type_error(&current, other),
        }
    };
    match (key, previous) {
        (Some(key), previous) => {
            let previous: Vec<&str> = previous.iter().flatten().map(String::as_str).collect();
            Sealer::from_base64_keys(&key, &previous)
                .map_err(named("options.sealingKey", "options.previousSealingKeys"))
        }
        (None, Some(_)) => Err(type_error(
            "options.previousSealingKeys",
            "needs options.sealingKey, the key that seals from now on",
        )),
        (None, None) if std::env::var_os(SEALING_KEY_ENV).is_some() => {
            Sealer::from_env().map_err(named(SEALING_KEY_ENV, PREVIOUS_SEALING_KEYS_ENV))
        }
        (None, None) if !persists => Ok(Sealer::new(SealingKey::generate())),
        // A persistent store with a throwaway key would keep tokens nobody can open.
        (None, None) => Err(type_error(
            "options.sealingKey",
            "is required for a sqlite, postgres or JS store (or set INSTAGRAPH_SEALING_KEY)",
        )),
    }
}

#[napi]
impl AccountManager {
    /// After a key rotation (`sealingKey` new, the old one in `previousSealingKeys`): seals
    /// again with `sealingKey` every token of every company sealed with another key, `batch`
    /// rows at a time (default 50, at most 500). Reads keep working meanwhile; safe to run
    /// from several processes, and again after a failure. Once `unreadable` is 0 and `found`
    /// equals `resealed` + `changed`, the old keys can be dropped.
    ///
    /// Core: Store::reseal_tokens, Store::open
    #[napi]
    pub async fn reseal_tokens(&self, batch: Option<u32>) -> napi::Result<ResealReport> {
        const WHAT: &str = "AccountManager.resealTokens";
        guard(WHAT, async {
            let manager = self.lazy.get(WHAT).await?;
            let report = manager
                .store()
                .reseal_tokens(u64::from(batch.unwrap_or(0)))
                .await
                .map_err(|e| sdk_error(WHAT, instagraph::Error::Store(e)))?;
            #[allow(clippy::cast_precision_loss)] // counts of rows, far below 2^53
            Ok(ResealReport {
                found: report.found as f64,
                resealed: report.resealed as f64,
                changed: report.changed as f64,
                unreadable: report.unreadable as f64,
            })
        })
        .await
    }
}
