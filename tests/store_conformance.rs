//! The store conformance suite, run against every backend in this crate.

#![cfg_attr(not(feature = "sqlite"), allow(unused))]

mod memory {
    instagraph::store_conformance_tests!(async { instagraph::store::MemoryStore::new() });
}

/// The key-value backend over the reference key-value store.
mod kv_memory {
    instagraph::store_conformance_tests!(async {
        instagraph::store::kv::KvBackend::new(instagraph::store::kv::MemoryKv::new())
    });
}

#[cfg(feature = "sqlite")]
mod sqlite_file {
    use instagraph::store::conformance::Fixture;
    use instagraph::store::SqliteStore;

    async fn fresh() -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(dir.path().join("store.db"))
            .await
            .expect("open sqlite");
        Fixture::new(store).with_guard(dir)
    }

    instagraph::store_conformance_tests!(fresh());
}

#[cfg(feature = "sqlite")]
mod sqlite_memory {
    instagraph::store_conformance_tests!(async {
        instagraph::store::SqliteStore::in_memory()
            .await
            .expect("open in-memory sqlite")
    });
}

#[cfg(feature = "postgres")]
#[path = "pg_support/mod.rs"]
mod pg_support;

/// Every case on Postgres, each in a fresh schema; ignored (not passed) without a server.
#[cfg(feature = "postgres")]
mod postgres {
    instagraph::store_conformance_tests!(
        #[cfg_attr(not(instagraph_pg), ignore = "set INSTAGRAPH_TEST_POSTGRES_URL to run")];
        super::pg_support::fresh_fixture()
    );
}

/// The runtime list the bindings use (JavaScript, Python, Kotlin stores) holds every case and
/// reports a failing case instead of panicking.
mod runtime_list {
    use instagraph::store::conformance::{cases, run_case, Fixture};
    use instagraph::store::MemoryStore;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn every_case_runs_and_passes_on_memory() {
        let all = cases();
        assert_eq!(all.len(), 57, "the runtime list and the macro list differ");
        for case in all {
            let outcome = run_case(case, || async { Fixture::new(MemoryStore::new()) }).await;
            assert!(
                outcome.failure.is_none(),
                "{}: {:?}",
                outcome.name,
                outcome.failure
            );
        }
    }

    #[tokio::test]
    async fn a_failing_case_is_reported_not_raised() {
        let case = instagraph::store::conformance::Case {
            name: "demo::fails",
            run: |_| Box::pin(async { panic!("expected 3 rows, found 2") }),
        };
        let outcome = run_case(case, || async { Fixture::new(MemoryStore::new()) }).await;
        assert_eq!(outcome.failure.as_deref(), Some("expected 3 rows, found 2"));
    }
}
