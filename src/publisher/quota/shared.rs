//! The shared accounting (see [the module docs](super#shared-accounting)): the store's side of
//! reserving, committing and giving back slots.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{QuotaBook, QuotaStatus, Reservation};
use crate::api::Graph;
use crate::error::{Error, Result};
use crate::ids::IgUserId;
use crate::store::{BudgetStore, CountOutcome};

/// The key prefix of a reserved slot.
const PENDING: &str = "pending:";
/// The key prefix of a post made by a sharing publisher.
const PUBLISHED: &str = "published:";
/// A read younger than this is not repeated before a refusal.
const REREAD_AFTER: chrono::Duration = chrono::Duration::seconds(5);

/// The store scope of an account's quota.
fn scope(ig: &IgUserId) -> String {
    format!("publish-quota:{ig}")
}

fn chrono_window(window: Duration) -> chrono::Duration {
    chrono::Duration::from_std(window).unwrap_or_else(|_| chrono::Duration::days(1))
}

/// The store behind a shared [`QuotaBook`].
#[derive(Clone)]
pub(super) struct SharedBook {
    store: Arc<dyn BudgetStore>,
    stale_after: chrono::Duration,
}

impl fmt::Debug for SharedBook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedBook")
            .field("stale_after", &self.stale_after)
            .finish_non_exhaustive()
    }
}

/// The entries of an account's scope in the window.
pub(super) struct Counted(Vec<(String, DateTime<Utc>)>);

impl Counted {
    /// Slots taken: pending and published.
    pub(super) fn len(&self) -> u64 {
        self.0.len() as u64
    }

    fn published(&self) -> u64 {
        self.0
            .iter()
            .filter(|(k, _)| k.starts_with(PUBLISHED))
            .count() as u64
    }

    /// The posts of Meta's `quota_usage` that no sharing publisher made.
    pub(super) fn external(&self, read_usage: u64) -> u64 {
        read_usage.saturating_sub(self.published())
    }
}

impl SharedBook {
    pub(super) fn new(store: Arc<dyn BudgetStore>, stale_after: Duration) -> Self {
        Self {
            store,
            stale_after: chrono::Duration::from_std(stale_after)
                .unwrap_or_else(|_| chrono::Duration::days(1)),
        }
    }

    /// The account's entries in the window ending `now`.
    pub(super) async fn counted(
        &self,
        ig: &IgUserId,
        now: DateTime<Utc>,
        window: Duration,
    ) -> Result<Counted> {
        let since = now - chrono_window(window);
        Ok(Counted(self.store.counted(&scope(ig), since).await?))
    }

    /// `status` (from a fresh read) with `used` counted in the store.
    pub(super) async fn status(
        &self,
        ig: &IgUserId,
        status: QuotaStatus,
        external: u64,
    ) -> Result<QuotaStatus> {
        let counted = self.counted(ig, Utc::now(), status.window).await?;
        Ok(QuotaStatus {
            used: external + counted.len(),
            ..status
        })
    }

    /// When the sharing publishers' posts in the window were made (empty when the store
    /// cannot say: the estimate then rests on the account's media).
    pub(super) async fn published_since(
        &self,
        ig: &IgUserId,
        since: DateTime<Utc>,
    ) -> Vec<DateTime<Utc>> {
        match self.store.counted(&scope(ig), since).await {
            Ok(entries) => entries
                .into_iter()
                .filter(|(k, _)| k.starts_with(PUBLISHED))
                .map(|(_, at)| at)
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Counts a post made at `at` (never refused: it exists).
    async fn count_published(
        &self,
        ig: &IgUserId,
        at: DateTime<Utc>,
        window: Duration,
    ) -> Result<()> {
        let key = format!("{PUBLISHED}{}", uuid::Uuid::new_v4().simple());
        self.store
            .count_once(&scope(ig), &key, at, chrono_window(window), None)
            .await?;
        Ok(())
    }

    /// Counts a post made without a reservation (a recovered lost answer).
    pub(super) async fn record(&self, ig: &IgUserId, at: DateTime<Utc>, window: Duration) {
        if let Err(e) = self.count_published(ig, at, window).await {
            // Meta's count holds the post: the next read sees it.
            tracing::warn!(account = %ig, error = %e, "could not count a recovered publish in the shared quota");
        }
    }

    /// Turns the pending slot `key` into a post made at `at`: the post is counted first, so
    /// the slot is never free in between.
    pub(super) async fn commit(
        &self,
        ig: &IgUserId,
        key: &str,
        at: DateTime<Utc>,
        window: Duration,
    ) {
        match self.count_published(ig, at, window).await {
            Ok(()) => self.release(ig, key).await,
            // The pending key keeps the slot until it is swept as stale; the quota read
            // after the sweep sees the post.
            Err(e) => {
                tracing::warn!(account = %ig, error = %e, "could not count a publish in the shared quota")
            }
        }
    }

    /// Gives the pending slot `key` back.
    pub(super) async fn release(&self, ig: &IgUserId, key: &str) {
        if let Err(e) = self.store.uncount(&scope(ig), key).await {
            // Taken until swept as stale: the accounting errs on the side of the quota.
            tracing::warn!(account = %ig, error = %e, "could not give a quota slot back");
        }
    }

    /// [`SharedBook::release`] from a destructor: on the current runtime, if there is one.
    pub(super) fn release_later(&self, ig: &IgUserId, key: String) {
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let (book, ig) = (self.clone(), ig.clone());
            runtime.spawn(async move { book.release(&ig, &key).await });
        }
    }

    /// Removes the pending keys older than `stale_after` (reservations of crashed processes).
    /// Returns how many.
    async fn sweep_stale(
        &self,
        ig: &IgUserId,
        now: DateTime<Utc>,
        window: Duration,
    ) -> Result<u64> {
        let scope = scope(ig);
        let cutoff = now - self.stale_after;
        let mut swept = 0;
        for (key, at) in self.counted(ig, now, window).await?.0 {
            if key.starts_with(PENDING) && at <= cutoff && self.store.uncount(&scope, &key).await? {
                swept += 1;
            }
        }
        Ok(swept)
    }
}

impl QuotaBook {
    /// Reserves one slot on `ig` in the store, or refuses with [`Error::QuotaExceeded`].
    ///
    /// Calls: as the local accounting; store operations: one count, plus on a refusal one
    /// listing (the stale sweep) and at most one more count.
    pub(super) async fn reserve_shared(
        &self,
        shared: &SharedBook,
        graph: Graph<'_>,
        ig: &IgUserId,
        refresh: Duration,
    ) -> Result<Reservation> {
        let key = format!("{PENDING}{}", uuid::Uuid::new_v4().simple());
        let scope = scope(ig);
        let mut status = match self.fresh(ig, refresh) {
            Some(status) => status,
            None => self.read(graph, ig).await?,
        };
        let mut retried = false;
        loop {
            let external = self.external(ig);
            let now = Utc::now();
            let limit = status.total.saturating_sub(external);
            let outcome = shared
                .store
                .count_once(&scope, &key, now, chrono_window(status.window), Some(limit))
                .await?;
            match outcome {
                CountOutcome::Counted | CountOutcome::AlreadyCounted { .. } => {
                    return Ok(Reservation {
                        book: self.clone(),
                        ig: ig.clone(),
                        done: false,
                        pending: Some(key),
                        window: status.window,
                    })
                }
                CountOutcome::Full { used, .. } => {
                    if !retried {
                        retried = true;
                        let swept = shared.sweep_stale(ig, now, status.window).await?;
                        // After a sweep the crashed process may have published (Meta's count
                        // says); an old read may miss slots freed since.
                        if swept > 0 || status.read_at < now - REREAD_AFTER {
                            status = self.read(graph, ig).await?;
                            continue;
                        }
                    }
                    let refused = QuotaStatus {
                        used: external + used,
                        ..status
                    };
                    let frees_at = self.frees_at(graph, ig, &refused).await;
                    return Err(Error::QuotaExceeded {
                        used: refused.used,
                        total: refused.total,
                        frees_at,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    const DAY: Duration = Duration::from_secs(86_400);

    fn book() -> (SharedBook, Arc<dyn BudgetStore>) {
        let store: Arc<dyn BudgetStore> = Arc::new(MemoryStore::new());
        (
            SharedBook::new(store.clone(), Duration::from_secs(600)),
            store,
        )
    }

    async fn keys(store: &Arc<dyn BudgetStore>, ig: &IgUserId) -> Vec<String> {
        let since = Utc::now() - chrono::Duration::days(2);
        let mut keys: Vec<String> = store
            .counted(&scope(ig), since)
            .await
            .unwrap()
            .into_iter()
            .map(|(k, _)| k.split(':').next().unwrap().to_owned())
            .collect();
        keys.sort();
        keys
    }

    #[tokio::test]
    async fn external_usage_is_what_the_sharing_publishers_did_not_post() {
        let (book, store) = book();
        let ig = IgUserId::new("1");
        let now = Utc::now();
        for key in ["published:a", "published:b", "pending:c"] {
            store
                .count_once(&scope(&ig), key, now, chrono::Duration::days(1), None)
                .await
                .unwrap();
        }
        let counted = book.counted(&ig, now, DAY).await.unwrap();
        assert_eq!(counted.len(), 3);
        // Meta counts 5 posts: 2 are ours (the pending one has not posted yet).
        assert_eq!(counted.external(5), 3);
        // A read taken before our publishes reached Meta never goes below zero.
        assert_eq!(counted.external(1), 0);
    }

    #[tokio::test]
    async fn a_commit_counts_the_post_and_frees_the_reservation() {
        let (book, store) = book();
        let ig = IgUserId::new("1");
        store
            .count_once(
                &scope(&ig),
                "pending:x",
                Utc::now(),
                chrono::Duration::days(1),
                None,
            )
            .await
            .unwrap();
        book.commit(&ig, "pending:x", Utc::now(), DAY).await;
        assert_eq!(keys(&store, &ig).await, ["published"]);
        book.record(&ig, Utc::now(), DAY).await;
        assert_eq!(keys(&store, &ig).await, ["published", "published"]);
    }

    #[tokio::test]
    async fn only_stale_reservations_are_swept() {
        let (book, store) = book();
        let ig = IgUserId::new("1");
        let now = Utc::now();
        let old = now - chrono::Duration::minutes(11);
        let day = chrono::Duration::days(1);
        for (key, at) in [
            ("pending:old", old),
            ("pending:new", now),
            ("published:old", old),
        ] {
            store
                .count_once(&scope(&ig), key, at, day, None)
                .await
                .unwrap();
        }
        assert_eq!(book.sweep_stale(&ig, now, DAY).await.unwrap(), 1);
        assert_eq!(keys(&store, &ig).await, ["pending", "published"]);
        assert_eq!(book.sweep_stale(&ig, now, DAY).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn store_failures_are_store_errors() {
        struct Unsupported;
        #[async_trait::async_trait]
        impl BudgetStore for Unsupported {}
        let book = SharedBook::new(Arc::new(Unsupported), Duration::from_secs(1));
        let err = book
            .counted(&IgUserId::new("1"), Utc::now(), DAY)
            .await
            .err()
            .unwrap();
        assert!(matches!(err, Error::Store(_)), "{err:?}");
    }
}
