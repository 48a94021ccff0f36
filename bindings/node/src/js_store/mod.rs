//! `JsKv`: a key-value store implemented in JavaScript, under the core's
//! [`KvBackend`](instagraph::store::kv::KvBackend).
//!
//! A JS object with the methods of [`METHODS`] (see the package's `js-store.js`) becomes an
//! [`instagraph::store::kv::KeyValueStore`]: each method is wrapped in a weak napi
//! `ThreadsafeFunction`, so any tokio thread can call it; the call runs on Node's thread and its
//! reply (a value or a Promise) comes back as JSON. Every rule of the store (what a row holds,
//! compare-and-swap loops, tenant prefixes) is the core's; JavaScript only stores strings. A
//! throw or a rejection is a backend failure, reported as a `StoreError` naming the method.

pub mod conformance;
mod value;

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use instagraph::store::kv::KeyValueStore;
use instagraph::store::{StoreError, StoreResult};
use napi::bindgen_prelude::{Function, Object, Unknown};
use napi::threadsafe_function::ThreadsafeFunction;
use napi::{JsValue, Status, ValueType};
use serde_json::Value;

use crate::error::type_error;
use value::{JsArgs, Reply};

/// Every method a JS key-value store implements.
pub const METHODS: &[&str] = &["get", "scan", "compareAndSwap"];

/// One store method, callable from any thread. Weak: a store does not keep Node running.
type Method = ThreadsafeFunction<Vec<Value>, Reply, JsArgs, Status, false, true>;

/// How long a JS store method may take by default before the call fails.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A key-value store whose methods are those of a JS object.
pub struct JsKv {
    methods: HashMap<&'static str, Method>,
    timeout: Duration,
}

impl std::fmt::Debug for JsKv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsKv")
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl JsKv {
    /// Wraps `store`, checking that it has every method of [`METHODS`]; a missing one is a
    /// `TypeError` naming `argument` and the method. Runs on the JS thread.
    pub fn from_object(store: &Object<'_>, argument: &str) -> napi::Result<Self> {
        let mut methods = HashMap::with_capacity(METHODS.len());
        for &name in METHODS {
            // `get` reads `undefined` as `None`.
            let property = store
                .get::<Unknown>(name)?
                .filter(|p| p.get_type().ok() == Some(ValueType::Function))
                .ok_or_else(|| {
                    type_error(
                        argument,
                        format!(
                            "the store object has no method `{name}` (a JS store implements: {})",
                            METHODS.join(", ")
                        ),
                    )
                })?;
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
}

fn text(value: Option<&str>) -> Value {
    value.map_or(Value::Null, |v| Value::String(v.to_owned()))
}

#[async_trait]
impl KeyValueStore for JsKv {
    async fn get(&self, key: &str) -> StoreResult<Option<String>> {
        match self.call("get", vec![text(Some(key))]).await? {
            Value::Null => Ok(None),
            Value::String(value) => Ok(Some(value)),
            other => Err(malformed("get", "a string, null or undefined", &other)),
        }
    }

    async fn scan(&self, prefix: &str) -> StoreResult<Vec<(String, String)>> {
        const SHAPE: &str = "an array of [key, value] string pairs";
        let Value::Array(entries) = self.call("scan", vec![text(Some(prefix))]).await? else {
            return Err(StoreError::Backend(format!(
                "JS store method `scan` returned a malformed value: expected {SHAPE}"
            )));
        };
        entries
            .into_iter()
            .map(|entry| match &entry {
                Value::Array(pair) => match pair.as_slice() {
                    [Value::String(key), Value::String(value)] => Ok((key.clone(), value.clone())),
                    _ => Err(malformed("scan", SHAPE, &entry)),
                },
                other => Err(malformed("scan", SHAPE, other)),
            })
            .collect()
    }

    async fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&str>,
        next: Option<&str>,
    ) -> StoreResult<bool> {
        let args = vec![text(Some(key)), text(expected), text(next)];
        match self.call("compareAndSwap", args).await? {
            Value::Bool(swapped) => Ok(swapped),
            other => Err(malformed("compareAndSwap", "a boolean", &other)),
        }
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

/// A reply of the wrong shape. Names the JSON type only: the value may hold a sealed token.
fn malformed(method: &str, expected: &str, got: &Value) -> StoreError {
    let kind = match got {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    StoreError::Backend(format!(
        "JS store method `{method}` returned a malformed value: expected {expected}, got {kind}"
    ))
}
