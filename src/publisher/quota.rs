//! Per-account accounting of the publishing quota (posts per rolling 24 hours).
//!
//! `content_publishing_limit` is read once per account (and again after
//! [`PublisherConfig::quota_refresh`](super::PublisherConfig::quota_refresh), or when the local
//! count says the quota is used up); in between, the publisher counts its own publishes
//! locally, so a publish costs no quota call. A publish reserves a slot before its containers
//! are created and gives it back if it fails, so concurrent publishes on one account cannot
//! overshoot together.
//!
//! Meta does not say when a slot frees up. When the quota is used up, `frees_at` is estimated
//! from the timestamps of the account's posts in the window (the oldest post leaves the window
//! `quota_duration` after it was published), read with one `GET /{ig-user-id}/media` call only
//! when a publish is refused; without any timestamp it is now + the window, an upper bound.
//!
//! With [`QuotaAccounting::Shared`](super::QuotaAccounting::Shared) the count between reads
//! lives in the store instead, so that several processes publishing on one account cannot
//! overshoot its quota together: see [`shared`](self#shared-accounting) below.
//!
//! # Shared accounting
//!
//! The store's [`BudgetStore`] holds, under the scope
//! `publish-quota:<ig-user-id>`, one entry per reserved slot (`pending:<uuid>`) and one per
//! post the sharing publishers made (`published:<uuid>`, at its publish time). Meta's
//! `quota_usage` counts published posts only, so at each read a publisher works out the
//! account's *external* usage, the posts made outside the sharing publishers:
//! `quota_usage − published entries in the window`. A reservation is then one atomic
//! `count_once` of a fresh pending key with the limit `quota_total − external`: of two
//! processes racing for the last slot, one gets it and the other
//! [`Error::QuotaExceeded`] before creating any container.
//!
//! - A publish counts its `published:` entry first and only then removes its pending key
//!   (counted twice for a moment: over, never under); a failed publish removes its pending key.
//! - A pending key older than the longest a publish may take (a crashed process) is removed
//!   when a reservation is refused; the quota is then read again (the crashed process may have
//!   published) and the reservation tried once more.
//! - Store failures come back as [`Error::Store`], never as a refusal.
//! - A post made outside the sharing publishers after a read is seen at the next read, as in
//!   the local accounting (and Meta's own refusal, 9/2207042, triggers that read).

mod shared;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};

use self::shared::SharedBook;
use crate::api::Graph;
use crate::error::{Error, Result};
use crate::ids::IgUserId;
use crate::store::BudgetStore;

/// Meta's window when `config.quota_duration` is not sent.
const DEFAULT_WINDOW: Duration = Duration::from_secs(86_400);
/// Meta's documented quota when `config.quota_total` is not sent.
const DEFAULT_TOTAL: u64 = 50;

/// What the publisher knows about one account's quota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaStatus {
    /// Posts counted in the window: the last read plus this publisher's publishes since, plus
    /// publishes in flight.
    pub used: u64,
    /// Posts allowed per window.
    pub total: u64,
    /// The window's length.
    pub window: Duration,
    /// When `content_publishing_limit` was last read.
    pub read_at: DateTime<Utc>,
}

impl QuotaStatus {
    /// Posts still allowed now, by this accounting.
    pub fn remaining(&self) -> u64 {
        self.total.saturating_sub(self.used)
    }
}

#[derive(Debug)]
struct Entry {
    read_usage: u64,
    total: u64,
    window: Duration,
    read_at: DateTime<Utc>,
    /// Publishes by this publisher since the read.
    local: Vec<DateTime<Utc>>,
    /// Publishes reserved and not finished yet.
    in_flight: u64,
    /// Shared accounting: the posts of `read_usage` the sharing publishers did not make.
    external: u64,
}

impl Entry {
    fn used(&self) -> u64 {
        self.read_usage + self.local.len() as u64 + self.in_flight
    }

    fn status(&self) -> QuotaStatus {
        QuotaStatus {
            used: self.used(),
            total: self.total,
            window: self.window,
            read_at: self.read_at,
        }
    }
}

/// The accounting of every account a publisher published on.
#[derive(Debug, Default, Clone)]
pub(crate) struct QuotaBook {
    accounts: Arc<Mutex<HashMap<IgUserId, Entry>>>,
    /// The store that counts between reads, when the accounting is shared.
    shared: Option<SharedBook>,
}

/// A reserved slot: given back when dropped (or by [`Reservation::release`]), unless
/// [`Reservation::commit`] counts it as a publish.
#[derive(Debug)]
pub(crate) struct Reservation {
    book: QuotaBook,
    ig: IgUserId,
    done: bool,
    /// The pending key in the store, when the accounting is shared.
    pending: Option<String>,
    window: Duration,
}

impl Reservation {
    /// Counts the reserved slot as a publish made at `at`.
    pub(crate) async fn commit(mut self, at: DateTime<Utc>) {
        self.done = true;
        match (&self.book.shared, &self.pending) {
            (Some(shared), Some(key)) => shared.commit(&self.ig, key, at, self.window).await,
            _ => {
                let mut map = self.book.lock();
                if let Some(e) = map.get_mut(&self.ig) {
                    e.in_flight = e.in_flight.saturating_sub(1);
                    e.local.push(at);
                }
            }
        }
    }

    /// Gives the slot back (the publish failed or never happened).
    pub(crate) async fn release(mut self) {
        if let (Some(shared), Some(key)) = (&self.book.shared, self.pending.take()) {
            self.done = true;
            shared.release(&self.ig, &key).await;
        }
        // The local slot goes back on drop.
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        match (&self.book.shared, self.pending.take()) {
            // Dropped without `release` (the publish was cancelled): give the slot back in
            // the background when a runtime is there, else it goes stale and is swept.
            (Some(shared), Some(key)) => shared.release_later(&self.ig, key),
            _ => {
                let mut map = self.book.lock();
                if let Some(e) = map.get_mut(&self.ig) {
                    e.in_flight = e.in_flight.saturating_sub(1);
                }
            }
        }
    }
}

impl QuotaBook {
    /// A book shared through `store`: a pending key older than `stale_after` is taken for the
    /// reservation of a crashed process.
    pub(crate) fn shared(store: Arc<dyn BudgetStore>, stale_after: Duration) -> Self {
        Self {
            accounts: Arc::default(),
            shared: Some(SharedBook::new(store, stale_after)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IgUserId, Entry>> {
        self.accounts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The accounting of `ig`, reading the quota first if it is unknown or older than
    /// `refresh`.
    pub(crate) async fn status(
        &self,
        graph: Graph<'_>,
        ig: &IgUserId,
        refresh: Duration,
    ) -> Result<QuotaStatus> {
        let status = match self.fresh(ig, refresh) {
            Some(status) => status,
            None => return self.read(graph, ig).await,
        };
        match &self.shared {
            Some(shared) => shared.status(ig, status, self.external(ig)).await,
            None => Ok(status),
        }
    }

    fn external(&self, ig: &IgUserId) -> u64 {
        self.lock().get(ig).map_or(0, |e| e.external)
    }

    fn fresh(&self, ig: &IgUserId, refresh: Duration) -> Option<QuotaStatus> {
        let now = Utc::now();
        let map = self.lock();
        let e = map.get(ig)?;
        let age = (now - e.read_at).to_std().unwrap_or_default();
        (age < refresh).then(|| e.status())
    }

    /// Reads `content_publishing_limit` (one call) and restarts the local count from it.
    pub(crate) async fn read(&self, graph: Graph<'_>, ig: &IgUserId) -> Result<QuotaStatus> {
        let limit = graph.ig_user(ig.clone()).publishing().limit().await?;
        let now = Utc::now();
        let config = limit.config.as_ref();
        let total = config.and_then(|c| c.quota_total).unwrap_or(DEFAULT_TOTAL);
        let window = config
            .and_then(|c| c.quota_duration)
            .filter(|d| *d > 0)
            .map_or(DEFAULT_WINDOW, Duration::from_secs);
        let read_usage = limit.quota_usage.unwrap_or(0);
        let counted = match &self.shared {
            Some(shared) => Some(shared.counted(ig, now, window).await?),
            None => None,
        };
        let external = counted.as_ref().map_or(0, |c| c.external(read_usage));
        let mut map = self.lock();
        let in_flight = map.get(ig).map_or(0, |e| e.in_flight);
        let entry = Entry {
            read_usage,
            total,
            window,
            read_at: now,
            local: Vec::new(),
            in_flight,
            external,
        };
        let mut status = entry.status();
        if let Some(counted) = counted {
            status.used = external + counted.len();
        }
        map.insert(ig.clone(), entry);
        Ok(status)
    }

    /// Reserves one slot on `ig`, or refuses with [`Error::QuotaExceeded`].
    ///
    /// Calls: none when the accounting is fresh and has room; one quota read when it is stale or
    /// says "full" (to see whether slots freed up); and, when refusing, one media list to
    /// estimate `frees_at`.
    pub(crate) async fn reserve(
        &self,
        graph: Graph<'_>,
        ig: &IgUserId,
        refresh: Duration,
    ) -> Result<Reservation> {
        if let Some(shared) = &self.shared {
            return self.reserve_shared(shared, graph, ig, refresh).await;
        }
        let mut status = self.status(graph, ig, refresh).await?;
        if status.used >= status.total && status.read_at < Utc::now() - chrono::Duration::seconds(5)
        {
            // The local count may be stale (slots freed since): look again before refusing.
            status = self.read(graph, ig).await?;
        }
        {
            let mut map = self.lock();
            if let Some(e) = map.get_mut(ig) {
                if e.used() < e.total {
                    e.in_flight += 1;
                    return Ok(Reservation {
                        book: self.clone(),
                        ig: ig.clone(),
                        done: false,
                        pending: None,
                        window: e.window,
                    });
                }
                status = e.status();
            }
        }
        let frees_at = self.frees_at(graph, ig, &status).await;
        Err(Error::QuotaExceeded {
            used: status.used,
            total: status.total,
            frees_at,
        })
    }

    /// Counts a publish that did not go through a reservation (a recovered lost answer).
    pub(crate) async fn record(&self, ig: &IgUserId, at: DateTime<Utc>) {
        if let Some(shared) = &self.shared {
            let window = self.lock().get(ig).map_or(DEFAULT_WINDOW, |e| e.window);
            return shared.record(ig, at, window).await;
        }
        if let Some(e) = self.lock().get_mut(ig) {
            e.local.push(at);
        }
    }

    /// Marks the quota of `ig` as used up (Meta answered 9/2207042 although the local count had
    /// room) and returns the refusal.
    pub(crate) async fn exhausted(&self, graph: Graph<'_>, ig: &IgUserId) -> Error {
        let status = match self.read(graph, ig).await {
            Ok(s) => QuotaStatus {
                used: s.used.max(s.total),
                ..s
            },
            Err(_) => QuotaStatus {
                used: DEFAULT_TOTAL,
                total: DEFAULT_TOTAL,
                window: DEFAULT_WINDOW,
                read_at: Utc::now(),
            },
        };
        let frees_at = self.frees_at(graph, ig, &status).await;
        Error::QuotaExceeded {
            used: status.used,
            total: status.total,
            frees_at,
        }
    }

    /// When a slot frees: the `(used - total)`-th oldest publish in the window leaves it
    /// `window` after it was made. Timestamps come from this publisher's own publishes and from
    /// the account's recent media; with none, now + window.
    async fn frees_at(
        &self,
        graph: Graph<'_>,
        ig: &IgUserId,
        status: &QuotaStatus,
    ) -> DateTime<Utc> {
        let now = Utc::now();
        let window =
            chrono::Duration::from_std(status.window).unwrap_or_else(|_| chrono::Duration::days(1));
        let since = now - window;
        let mut times: Vec<DateTime<Utc>> = self
            .lock()
            .get(ig)
            .map(|e| e.local.iter().copied().filter(|t| *t > since).collect())
            .unwrap_or_default();
        if let Some(shared) = &self.shared {
            times.extend(shared.published_since(ig, since).await);
        }
        if let Ok(page) = graph
            .ig_user(ig.clone())
            .media()
            .list()
            .fields(["id", "timestamp"])
            .since(since)
            .limit(100)
            .send()
            .await
        {
            times.extend(
                page.items
                    .iter()
                    .filter_map(|m| m.timestamp_parsed())
                    .filter(|t| *t > since),
            );
        }
        times.sort();
        times.dedup();
        let excess = status.used.saturating_sub(status.total) as usize;
        times
            .get(excess.min(times.len().saturating_sub(1)))
            .map_or(now + window, |oldest| *oldest + window)
            .max(now)
    }
}
