//! The store conformance suite, run against every backend in this crate.

#![cfg_attr(not(feature = "sqlite"), allow(unused))]

mod memory {
    instagraph::store_conformance_tests!(async { instagraph::store::MemoryStore::new() });
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
