//! Test tools (feature `testing`, off in an app's build): the store conformance runner that
//! checks an app's [`ForeignStore`] with the SDK's own suite. The in-process sandbox is
//! [`crate::sandbox`], behind the same feature.

use std::sync::Arc;

use instagraph::store::conformance::{self, Fixture};
use instagraph::store::kv::KvBackend;

use crate::error::{invalid, Result};
use crate::foreign::adapter::ForeignKv;
use crate::foreign::ForeignStore;

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
#[uniffi::export(async_runtime = "tokio")]
pub async fn run_store_conformance_case(
    name: String,
    store: Arc<dyn ForeignStore>,
) -> Result<Option<String>> {
    let case = conformance::cases()
        .into_iter()
        .find(|c| c.name == name)
        .ok_or_else(|| invalid("name", format!("no conformance case {name:?}")))?;
    let outcome = conformance::run_case(case, || async move {
        Fixture::new(KvBackend::new(ForeignKv::new(store)))
    })
    .await;
    Ok(outcome.failure)
}
