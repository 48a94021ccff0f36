//! `JsStore`: a store backend implemented in JavaScript.
//!
//! A JS object with one method per store operation (see [`METHODS`] and the package's
//! `js-store.js`) becomes a [`instagraph::store::StoreBackend`]: each method is wrapped in a
//! weak napi `ThreadsafeFunction`, so any tokio thread can call it; the call runs on Node's
//! thread and its reply (a value or a Promise) comes back as JSON. Records cross as plain
//! camelCase objects (see [`records`]); token secrets arrive already sealed by the `Store`
//! facade, so JavaScript never sees a plaintext token.
//!
//! Everything that is not the storage itself stays in Rust, so that a JS store cannot get it
//! wrong: arguments are validated (empty ids, limits) and times computed (`now`, lease ends)
//! before the call, and the reply is parsed strictly. The expected outcomes are return values,
//! not exceptions (`putToken` returns `null` for an id conflict, `putState` `false` for a
//! duplicate, `insertJob` `null` for an id conflict, `updateJob` `false` for a missing job); a
//! throw or a rejection is a backend failure, reported as a `StoreError` naming the method.

mod backend;
pub mod conformance;
mod records;
mod value;

use std::collections::HashMap;
use std::time::Duration;

use instagraph::store::{StoreError, StoreResult};
use napi::bindgen_prelude::{Function, Object, Unknown};
use napi::threadsafe_function::ThreadsafeFunction;
use napi::{JsValue, Status, ValueType};
use serde_json::Value;

use crate::error::type_error;
use value::{JsArgs, Reply};

/// Every method a JS store implements, in the order of the Rust traits.
pub const METHODS: &[&str] = &[
    "putToken",
    "getToken",
    "findToken",
    "listTokens",
    "tokensExpiringBefore",
    "setTokenValid",
    "deleteToken",
    "upsertAccounts",
    "getAccount",
    "queryAccounts",
    "setAdded",
    "assignClient",
    "removeAccount",
    "removeAccountsOfUser",
    "putState",
    "takeState",
    "purgeExpiredStates",
    "insertJob",
    "getJob",
    "findJobByKey",
    "updateJob",
    "listJobs",
    "claimDueJobs",
    "acquireJob",
    "renewLease",
    "releaseJob",
];

/// Methods a JS store may leave out (key rotation); without them those operations are
/// `Unsupported`, as with a Rust backend that keeps the traits' defaults.
pub const OPTIONAL_METHODS: &[&str] = &["tokensSealedWithoutKey", "replaceSealed"];

/// One store method, callable from any thread. Weak: a store does not keep Node running.
type Method = ThreadsafeFunction<Vec<Value>, Reply, JsArgs, Status, false, true>;

/// How long a JS store method may take by default before the call fails.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A store backend whose methods are those of a JS object.
pub struct JsStore {
    methods: HashMap<&'static str, Method>,
    timeout: Duration,
}

impl std::fmt::Debug for JsStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsStore")
            .field("methods", &self.methods.len())
            .finish()
    }
}

impl JsStore {
    /// Wraps `store`, checking that it has every method of [`METHODS`]; a missing one is a
    /// `TypeError` naming `argument` and the method. Runs on the JS thread.
    pub fn from_object(store: &Object<'_>, argument: &str) -> napi::Result<Self> {
        let mut methods = HashMap::with_capacity(METHODS.len() + OPTIONAL_METHODS.len());
        let all = METHODS.iter().map(|m| (m, true));
        for (&name, needed) in all.chain(OPTIONAL_METHODS.iter().map(|m| (m, false))) {
            // `get` reads `undefined` as `None`.
            let property = store.get::<Unknown>(name)?;
            let kind = match &property {
                Some(p) => p.get_type()?,
                None => ValueType::Undefined,
            };
            let Some(property) = property.filter(|_| kind == ValueType::Function) else {
                if !needed && matches!(kind, ValueType::Undefined | ValueType::Null) {
                    continue;
                }
                return Err(type_error(
                    argument,
                    format!(
                        "the store object has no method `{name}` (a JS store implements: {})",
                        METHODS.join(", ")
                    ),
                ));
            };
            // SAFETY: checked to be a function just above.
            let function: Function<'_, JsArgs, Reply> = unsafe { property.cast()? };
            // `this` must be the store: the threadsafe function calls with `this` undefined.
            let bound = function.bind(store.to_unknown())?;
            let method = bound
                .build_threadsafe_function::<Vec<Value>>()
                .weak::<true>()
                .callee_handled::<false>()
                .build_callback(|ctx| Ok(JsArgs(ctx.value)))?;
            methods.insert(name, method);
        }
        Ok(Self {
            methods,
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// Sets how long a method may take (reply and Promise settled) before the call fails with
    /// a `StoreError::Timeout` naming the method ([`DEFAULT_TIMEOUT`] by default).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Whether the JS object implements `method` (for the optional ones).
    fn has(&self, method: &str) -> bool {
        self.methods.contains_key(method)
    }

    /// Calls `method` with positional `args` and waits for its reply, at most the timeout: a
    /// Promise that never settles (or a JS thread that never gets to the call) must not hang
    /// the SDK.
    async fn call(&self, method: &'static str, args: Vec<Value>) -> StoreResult<Value> {
        let function = self
            .methods
            .get(method)
            .ok_or_else(|| StoreError::Backend(format!("the JS store has no method {method}")))?;
        let answer = async {
            let reply = function
                .call_async_catch(args)
                .await
                .map_err(|e| failed(method, &e))?;
            reply.settle().await.map_err(|e| failed(method, &e))
        };
        tokio::time::timeout(self.timeout, answer)
            .await
            .map_err(|_| StoreError::Timeout {
                method: method.to_owned(),
                after: self.timeout,
            })?
    }

    /// Calls `method` and parses its reply with `parse`.
    async fn call_parse<T>(
        &self,
        method: &'static str,
        args: Vec<Value>,
        parse: impl FnOnce(Value) -> Result<T, String>,
    ) -> StoreResult<T> {
        let reply = self.call(method, args).await?;
        parse(reply).map_err(|reason| malformed(method, reason))
    }
}

/// A JS throw or rejection (or a reply that could not even be read).
fn failed(method: &str, error: &napi::Error) -> StoreError {
    let reason = if error.reason.is_empty() {
        "it threw or rejected without a message".to_owned()
    } else {
        error.reason.clone()
    };
    StoreError::Backend(format!("JS store method `{method}` failed: {reason}"))
}

/// A reply of the wrong shape.
fn malformed(method: &str, reason: String) -> StoreError {
    StoreError::Backend(format!(
        "JS store method `{method}` returned a malformed value: {reason}"
    ))
}
