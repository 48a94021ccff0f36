//! The store conformance suite of the Rust crate, runnable against a JS key-value store (under
//! the core's `KvBackend`): the very cases `MemoryStore`, `SqliteStore` and `PostgresStore`
//! pass, one at a time, each on a fresh store.

use instagraph::store::conformance::{cases, run_case, Fixture};
use instagraph::store::kv::KvBackend;
use napi::bindgen_prelude::{Env, Function, Object, PromiseRaw, Unknown};
use napi::ValueType;
use napi_derive::napi;

use super::JsKv;
use crate::error::{guard, guard_sync, type_error};

/// What one conformance case did.
#[napi(object)]
pub struct ConformanceOutcome {
    /// `module::case`, e.g. `tokens::token_put_and_get`.
    pub name: String,
    /// Whether every assertion of the case held.
    pub passed: bool,
    /// The failed assertion's message.
    pub failure: Option<String>,
}

/// The names of every store conformance case, in the suite's order.
#[napi]
pub fn store_conformance_cases() -> Vec<String> {
    cases().iter().map(|c| c.name.to_owned()).collect()
}

/// Runs one conformance case (`name` from `storeConformanceCases()`) against the store that
/// `makeStore()` returns (call it for a fresh, empty store). Resolves with the outcome; a
/// failed case does not reject.
#[napi(
    ts_args_type = "name: string, makeStore: () => JsKeyValueStore",
    ts_return_type = "Promise<ConformanceOutcome>"
)]
pub fn run_store_conformance_case<'env>(
    env: &'env Env,
    name: String,
    make_store: Function<'env, (), Unknown<'env>>,
) -> napi::Result<PromiseRaw<'env, ConformanceOutcome>> {
    const WHAT: &str = "runStoreConformanceCase";
    let (case, store) = guard_sync(WHAT, || {
        let case = cases()
            .into_iter()
            .find(|c| c.name == name)
            .ok_or_else(|| type_error("name", format!("{name:?} is not a conformance case")))?;
        let made = make_store.call(())?;
        if made.get_type()? != ValueType::Object {
            return Err(type_error("makeStore", "must return a store object"));
        }
        // SAFETY: checked to be an object just above.
        let object: Object<'_> = unsafe { made.cast()? };
        Ok((case, JsKv::from_object(&object, "makeStore()")?))
    })?;
    env.spawn_future(async move {
        guard(WHAT, async move {
            let outcome =
                run_case(case, || async move { Fixture::new(KvBackend::new(store)) }).await;
            Ok(ConformanceOutcome {
                name: outcome.name.to_owned(),
                passed: outcome.failure.is_none(),
                failure: outcome.failure,
            })
        })
        .await
    })
}
