//! Postgres test support: the server URL from `INSTAGRAPH_TEST_POSTGRES_URL` (set by `.ci/run`,
//! which starts a server for the run) and a fresh schema per test, dropped afterwards.
//!
//! Tests that need the server carry
//! `#[cfg_attr(not(instagraph_pg), ignore = "set INSTAGRAPH_TEST_POSTGRES_URL to run")]`:
//! `build.rs` sets `cfg(instagraph_pg)` when the variable is set, so without a server they are
//! reported as ignored, never as passed.

#![allow(dead_code)]

use instagraph::store::conformance::Fixture;
use instagraph::store::{LeaseClock, PostgresOptions, PostgresStore};

/// The test server's URL. Only called by tests that are ignored when it is unset.
pub fn url() -> String {
    std::env::var("INSTAGRAPH_TEST_POSTGRES_URL")
        .expect("INSTAGRAPH_TEST_POSTGRES_URL is set (the test is ignored otherwise)")
}

/// A schema name nobody else uses.
pub fn fresh_schema(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}

/// Drops its schema (and every table in it) when dropped. Needs a multi-thread runtime.
pub struct SchemaGuard {
    pub url: String,
    pub schema: String,
}

impl Drop for SchemaGuard {
    fn drop(&mut self) {
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (url, schema) = (self.url.clone(), self.schema.clone());
        tokio::task::block_in_place(|| {
            handle.block_on(async move {
                if let Ok(pool) = sqlx::PgPool::connect(&url).await {
                    let sql = format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
                    let _ = sqlx::Executor::execute(&pool, sqlx::raw_sql(&sql)).await;
                    pool.close().await;
                }
            })
        });
    }
}

/// A store in a fresh schema of the test database (leases on the database's clock, the
/// default), and the guard that drops the schema.
pub async fn fresh_store(prefix: &str) -> (PostgresStore, SchemaGuard) {
    fresh_store_with(prefix, LeaseClock::Database).await
}

/// [`fresh_store`] with leases timed by `clock`.
pub async fn fresh_store_with(prefix: &str, clock: LeaseClock) -> (PostgresStore, SchemaGuard) {
    let url = url();
    let schema = fresh_schema(prefix);
    let store = PostgresStore::connect_with(
        &url,
        PostgresOptions::default()
            .schema(schema.clone())
            .max_connections(8)
            .lease_clock(clock),
    )
    .await
    .expect("connect to the test Postgres");
    (store, SchemaGuard { url, schema })
}

/// A conformance fixture over a fresh schema: cases run concurrently, each in its own. The
/// cases play with time through the `now` they pass, so leases follow the caller's clock here;
/// `store_postgres.rs` checks the database clock.
pub async fn fresh_fixture() -> Fixture {
    let (store, guard) = fresh_store_with("conf", LeaseClock::Caller).await;
    Fixture::new(store).with_guard(guard)
}
