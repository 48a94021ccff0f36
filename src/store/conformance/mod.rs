//! The conformance suite every store backend must pass, written once and instantiated per
//! backend with [`store_conformance_tests!`](crate::store_conformance_tests) (the pattern of
//! matrix-rust-sdk's `statestore_integration_tests!`).
//!
//! This module is test support: its case functions assert, and so panic on failure, by design.
//! It exists only with the `testing` feature (matrix-rust-sdk's `cfg(any(test, feature =
//! "testing"))`), so production builds do not carry it; it is public (and hidden from the docs)
//! so that your own backend, the Postgres backend and the backends written in JavaScript, Python
//! or Kotlin behind the bindings can run the very same cases.
//!
//! ```ignore
//! mod memory {
//!     instagraph::store_conformance_tests!(async { instagraph::store::MemoryStore::new() });
//! }
//! ```

use std::any::Any;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{
    AccountSource, LoginKind, NewAccount, SealedSecret, SealingKey, Store, StoreBackend, TokenKind,
    TokenRecord,
};
use crate::ids::{CompanyId, IgUserId, TokenId};

pub mod account_query;
pub mod accounts;
pub mod budgets;
pub mod jobs;
pub mod rotation;
pub mod states;
pub mod tokens;

/// A fresh backend for one case, plus whatever must outlive it (a temporary directory, a
/// database handle, ...).
pub struct Fixture {
    backend: Arc<dyn StoreBackend>,
    _guard: Option<Box<dyn Any + Send + Sync>>,
}

impl Fixture {
    /// Wraps a backend.
    pub fn new(backend: impl StoreBackend + 'static) -> Self {
        Self::from_arc(Arc::new(backend))
    }

    /// Wraps a shared backend.
    pub fn from_arc(backend: Arc<dyn StoreBackend>) -> Self {
        Self {
            backend,
            _guard: None,
        }
    }

    /// Keeps `guard` alive as long as the fixture (dropped after the backend).
    pub fn with_guard(mut self, guard: impl Any + Send + Sync) -> Self {
        self._guard = Some(Box::new(guard));
        self
    }

    /// The backend.
    pub fn backend(&self) -> Arc<dyn StoreBackend> {
        self.backend.clone()
    }

    /// A [`Store`] over the backend with the suite's fixed key.
    pub fn store(&self) -> Store {
        Store::new(self.backend.clone(), test_key())
    }

    /// A [`Store`] over the same backend with another key.
    pub fn store_with(&self, key: SealingKey) -> Store {
        Store::new(self.backend.clone(), key)
    }
}

impl<T: StoreBackend + 'static> From<T> for Fixture {
    fn from(backend: T) -> Self {
        Self::new(backend)
    }
}

impl From<Arc<dyn StoreBackend>> for Fixture {
    fn from(backend: Arc<dyn StoreBackend>) -> Self {
        Self::from_arc(backend)
    }
}

impl From<Store> for Fixture {
    fn from(store: Store) -> Self {
        Self::from_arc(store.backend().clone())
    }
}

/// The key [`Fixture::store`] seals with.
pub fn test_key() -> SealingKey {
    SealingKey::from_bytes([7; 32])
}

/// A tenant id.
pub fn company(name: &str) -> CompanyId {
    CompanyId::new(name)
}

/// A fixed instant the cases count from (already at microsecond precision).
pub fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 10, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

/// `base_time() + minutes`.
pub fn at(minutes: i64) -> DateTime<Utc> {
    base_time() + Duration::minutes(minutes)
}

/// A token row with a fake sealed value, for cases that exercise the backend directly.
pub fn token_record(company: &CompanyId, id: &str, kind: TokenKind, subject: &str) -> TokenRecord {
    TokenRecord {
        id: TokenId::new(id),
        company: company.clone(),
        kind,
        login: LoginKind::Facebook,
        subject_id: subject.to_owned(),
        sealed: SealedSecret::from_stored(format!("v1.testkey.sealed-{id}")),
        scopes: vec!["instagram_basic".into(), "pages_show_list".into()],
        expires_at: Some(at(60 * 24 * 60)),
        issued_at: base_time(),
        valid: true,
        created_at: base_time(),
        updated_at: base_time(),
    }
}

/// A discovered account with username `user_<id>` and name `Name <id>`.
pub fn new_account(id: &str) -> NewAccount {
    NewAccount {
        username: Some(format!("user_{id}")),
        name: Some(format!("Name {id}")),
        profile_picture_url: Some(format!("https://cdn.example/{id}.jpg")),
        followers_count: Some(100),
        account_type: Some("BUSINESS".into()),
        ..NewAccount::new(IgUserId::new(id), AccountSource::PageLinked)
    }
}

/// `IgUserId`s from string ids.
pub fn ig_ids(ids: &[&str]) -> Vec<IgUserId> {
    ids.iter().map(|s| IgUserId::new(*s)).collect()
}

/// Expands to one `#[tokio::test]` per conformance case, each calling `$ctor` for a fresh
/// backend. `$ctor` is an expression evaluating to a future whose output converts into a
/// [`Fixture`] (any `StoreBackend`, an `Arc<dyn StoreBackend>`, a `Store`, or a `Fixture`).
///
/// Attributes before a `;` go on every generated test, e.g. to skip a backend whose server is
/// not available (reported as ignored, not as passed):
///
/// ```ignore
/// instagraph::store_conformance_tests!(
///     #[cfg_attr(not(instagraph_pg), ignore = "set INSTAGRAPH_TEST_POSTGRES_URL to run")];
///     fresh_pg()
/// );
/// ```
#[macro_export]
macro_rules! store_conformance_tests {
    ($(#[$attr:meta])* ; $ctor:expr) => {
        $crate::__store_conformance_list!(
            [$crate::__store_conformance_cases] [$(#[$attr])*] $ctor
        );
    };
    ($ctor:expr) => {
        $crate::__store_conformance_list!([$crate::__store_conformance_cases] [] $ctor);
    };
}

/// The one list of conformance cases: expands to `callback!(args; module::case, ...)`.
#[doc(hidden)]
#[macro_export]
macro_rules! __store_conformance_list {
    ([$($callback:tt)*] $($args:tt)*) => {
        $($callback)*! { $($args)*;
        tokens::token_put_and_get,
        tokens::token_find_by_subject,
        tokens::token_upsert_keeps_id,
        tokens::token_id_conflict,
        tokens::token_list_ordered,
        tokens::token_expiring_before,
        tokens::token_set_valid,
        tokens::token_delete,
        tokens::token_sealed_never_plaintext,
        tokens::token_wrong_key_fails,
        tokens::token_copied_row_fails_to_open,
        tokens::token_save_rejects_blank,
        tokens::token_tenant_isolation,
        accounts::account_upsert_counts,
        accounts::account_upsert_duplicates_in_batch,
        accounts::account_upsert_refreshes_metadata,
        accounts::account_get,
        accounts::account_set_added_counts,
        accounts::account_assign_and_unassign,
        accounts::account_remove,
        accounts::account_remove_of_user,
        accounts::account_remove_of_user_keeps_other_connections,
        accounts::account_tenant_isolation,
        accounts::account_concurrent_upserts,
        account_query::query_search_case_insensitive,
        account_query::query_filters,
        account_query::query_sort_each_field,
        account_query::query_pagination_stable,
        account_query::query_limit_bounds,
        states::state_put_take_single_use,
        states::state_duplicate_put_conflicts,
        states::state_purge_expired,
        states::state_concurrent_take,
        states::state_put_bounds_live_states,
        jobs::job_insert_and_get,
        jobs::job_idempotency_returns_existing,
        jobs::job_update,
        jobs::job_list,
        jobs::job_claim_due_only,
        jobs::job_future_not_claimed,
        jobs::job_claim_limit,
        jobs::job_claim_exclusive_concurrent,
        jobs::job_expired_lease_reclaimable,
        jobs::job_in_flight_takeover_after_lease_expiry,
        jobs::job_renew_and_release,
        jobs::job_acquire_targeted,
        jobs::job_tenant_isolation,
        rotation::rotation_listing_and_replace,
        rotation::rotation_reseal_end_to_end,
        budgets::budget_count_once_and_again,
        budgets::budget_limit_refuses_new_keys,
        budgets::budget_window_expires,
        budgets::budget_uncount_gives_back,
        budgets::budget_scopes_are_apart,
        budgets::budget_purge_counted,
        budgets::budget_concurrent_last_slots,
        budgets::budget_bad_input,
        }
    };
}

/// Implementation detail of [`store_conformance_tests!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __store_conformance_cases {
    ($attrs:tt $ctor:expr; $($module:ident :: $case:ident),+ $(,)?) => {
        $(
            $crate::__store_conformance_case!($attrs $ctor; $module :: $case);
        )+
    };
}

/// Implementation detail of [`store_conformance_tests!`]: one test. The attributes travel as one
/// bracketed token tree so that they can be repeated once per case.
#[doc(hidden)]
#[macro_export]
macro_rules! __store_conformance_case {
    ([$(#[$attr:meta])*] $ctor:expr; $module:ident :: $case:ident) => {
        #[::tokio::test(flavor = "multi_thread", worker_threads = 4)]
        $(#[$attr])*
        async fn $case() {
            let fixture: $crate::store::conformance::Fixture =
                ::core::convert::Into::into($ctor.await);
            $crate::store::conformance::$module::$case(&fixture).await;
        }
    };
}

/// One conformance case, runnable without the test harness (the bindings run the suite
/// against stores written in JavaScript, Python or Kotlin).
#[derive(Clone, Copy)]
pub struct Case {
    /// `module::case`, e.g. `tokens::token_put_and_get`.
    pub name: &'static str,
    /// Runs the case; it panics on a failed assertion (run it under `catch_unwind`).
    pub run: for<'a> fn(&'a Fixture) -> futures::future::BoxFuture<'a, ()>,
}

impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Case").field("name", &self.name).finish()
    }
}

macro_rules! __case_list {
    (; $($module:ident :: $case:ident),+ $(,)?) => {
        vec![$(Case {
            name: concat!(stringify!($module), "::", stringify!($case)),
            run: |f| Box::pin($module::$case(f)),
        }),+]
    };
}

/// Every case of the suite, in the order [`store_conformance_tests!`] declares them.
pub fn cases() -> Vec<Case> {
    crate::__store_conformance_list!([__case_list])
}

/// What one case did: `None` when it passed, the assertion's message when it failed.
#[derive(Debug, Clone)]
pub struct CaseOutcome {
    /// The case's name.
    pub name: &'static str,
    /// The failure message, if it failed.
    pub failure: Option<String>,
}

/// Runs `case` on a fixture from `make`, catching its panic into a [`CaseOutcome`].
pub async fn run_case<F, Fut>(case: Case, make: F) -> CaseOutcome
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Fixture>,
{
    use futures::FutureExt;
    let fixture = make().await;
    let outcome = std::panic::AssertUnwindSafe((case.run)(&fixture))
        .catch_unwind()
        .await;
    let failure = outcome.err().map(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "the case panicked".to_owned())
    });
    CaseOutcome {
        name: case.name,
        failure,
    }
}
