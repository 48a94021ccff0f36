//! Hashtags: finding a hashtag's id (`GET /ig_hashtag_search?user_id&q`), reading it
//! (`GET /{ig-hashtag-id}`), and its `top_media` and `recent_media` edges; plus
//! [`HashtagBudget`], which keeps each account within Meta's 30 unique hashtags per rolling
//! 7 days and refuses the 31st before any call.
//!
//! ```no_run
//! # async fn demo(client: instagraph::Client, token: instagraph::AccessToken) -> instagraph::Result<()> {
//! use instagraph::api::HashtagBudget;
//! use instagraph::IgUserId;
//! let budget = HashtagBudget::new(); // one per app; clones share it
//! let fb = client.facebook(&token);
//! let me = IgUserId::new("17841400000000001");
//! let tag = fb.ig_user(me.clone()).hashtags().search("coffee", &budget).await?;
//! let top = fb.hashtag(tag).top_media(&me).limit(50).send().await?;
//! # let _ = top; Ok(()) }
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::comments::validate_id;
use super::ig_user::IgUserHandler;
use super::models::{Hashtag, ListResponse, Media};
use super::{join_fields, Graph, ListEdge};
use crate::error::{Error, Result};
use crate::ids::{HashtagId, IgUserId};

/// Default fields of hashtag media (`top_media`, `recent_media`): the fields those edges
/// support (no `username`, no `owner`).
pub const DEFAULT_HASHTAG_MEDIA_FIELDS: &str =
    "id,caption,media_type,media_url,permalink,timestamp,like_count,comments_count";

/// Default fields of a hashtag node.
pub const DEFAULT_HASHTAG_FIELDS: &str = "id,name";

/// The most media Meta returns per page of `top_media` / `recent_media`.
pub const MAX_HASHTAG_MEDIA_PER_PAGE: u32 = 50;

/// Unique hashtags an account may search per window.
pub const HASHTAG_BUDGET_LIMIT: u32 = 30;

/// The rolling window of the hashtag budget, in days.
pub const HASHTAG_BUDGET_WINDOW_DAYS: i64 = 7;

/// Checks a hashtag search term: not empty, without `#`, spaces or control characters.
pub fn validate_hashtag_query(q: &str) -> Result<()> {
    if q.is_empty() {
        return Err(Error::invalid("q", "the hashtag cannot be empty"));
    }
    if q.contains('#') {
        return Err(Error::invalid(
            "q",
            format!("{q:?}: search the hashtag without `#`"),
        ));
    }
    if q.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(
            "q",
            format!("{q:?}: a hashtag has no spaces or control characters"),
        ));
    }
    Ok(())
}

impl<'a> IgUserHandler<'a> {
    /// Hashtag search on behalf of this account.
    pub fn hashtags(&self) -> IgUserHashtagsHandler<'a> {
        IgUserHashtagsHandler {
            graph: self.graph,
            id: self.id.clone(),
        }
    }
}

/// Hashtag search on behalf of an IG user: `ig_user(id).hashtags()`.
#[derive(Debug, Clone)]
pub struct IgUserHashtagsHandler<'a> {
    pub(crate) graph: Graph<'a>,
    pub(crate) id: IgUserId,
}

impl IgUserHashtagsHandler<'_> {
    /// `GET /ig_hashtag_search?user_id={this account}&q=`: the id of a hashtag, on behalf of
    /// this account.
    ///
    /// A hashtag not searched by this account within the budget's window takes one of its
    /// slots; when none is left the search fails with [`Error::HashtagBudgetExceeded`] before
    /// any call. Searching a hashtag already counted is free. A failed search gives its slot
    /// back. Hashtags are compared case-insensitively, as Instagram does.
    pub async fn search(&self, q: &str, budget: &HashtagBudget) -> Result<HashtagId> {
        validate_hashtag_query(q)?;
        validate_id("user_id", self.id.as_str())?;
        let slot = budget.take(&self.id, q).await?;
        let found = self.find(q).await;
        slot.settle(found.is_ok()).await;
        found
    }

    /// `GET /ig_hashtag_search` itself.
    async fn find(&self, q: &str) -> Result<HashtagId> {
        let list: ListResponse<Hashtag> = self
            .graph
            .get("ig_hashtag_search")
            .query("user_id", self.id.as_str())
            .query("q", q)
            .send()
            .await?;
        match list.data.into_iter().next() {
            Some(found) => Ok(found.id),
            None => Err(Error::NotFound {
                what: "hashtag",
                id: q.to_owned(),
            }),
        }
    }
}

impl<'a> Graph<'a> {
    /// A hashtag node (its id from [`IgUserHashtagsHandler::search`]).
    pub fn hashtag(&self, id: impl Into<HashtagId>) -> HashtagHandler<'a> {
        HashtagHandler {
            graph: *self,
            id: id.into(),
        }
    }
}

/// One hashtag: `graph.hashtag(id)`.
#[derive(Debug, Clone)]
pub struct HashtagHandler<'a> {
    graph: Graph<'a>,
    id: HashtagId,
}

impl<'a> HashtagHandler<'a> {
    /// The hashtag id.
    pub fn id(&self) -> &HashtagId {
        &self.id
    }

    /// `GET /{ig-hashtag-id}?fields=` ([`DEFAULT_HASHTAG_FIELDS`] by default).
    pub async fn get(&self) -> Result<Hashtag> {
        self.get_fields([DEFAULT_HASHTAG_FIELDS]).await
    }

    /// `GET /{ig-hashtag-id}` with these fields.
    pub async fn get_fields<I, S>(&self, fields: I) -> Result<Hashtag>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let fields = join_fields(fields);
        if fields.is_empty() {
            return Err(Error::invalid("fields", "at least one field is required"));
        }
        validate_id("hashtag_id", self.id.as_str())?;
        self.graph
            .get(self.id.to_string())
            .query("fields", fields)
            .send()
            .await
    }

    /// `GET /{ig-hashtag-id}/top_media?user_id=`: the most popular media with the hashtag, read
    /// on behalf of `user` ([`DEFAULT_HASHTAG_MEDIA_FIELDS`] by default; `limit` at most
    /// [`MAX_HASHTAG_MEDIA_PER_PAGE`]).
    pub fn top_media(&self, user: &IgUserId) -> ListEdge<'a, Media> {
        self.media_edge("top_media", user)
    }

    /// `GET /{ig-hashtag-id}/recent_media?user_id=`: media with the hashtag from the last 24
    /// hours, newest first (same defaults as [`HashtagHandler::top_media`]).
    pub fn recent_media(&self, user: &IgUserId) -> ListEdge<'a, Media> {
        self.media_edge("recent_media", user)
    }

    fn media_edge(&self, edge: &str, user: &IgUserId) -> ListEdge<'a, Media> {
        ListEdge::new(
            self.graph,
            format!("{}/{edge}", self.id),
            DEFAULT_HASHTAG_MEDIA_FIELDS,
        )
        .max_limit(MAX_HASHTAG_MEDIA_PER_PAGE)
        .with_query("user_id", user.as_str())
    }
}

/// The clock a [`HashtagBudget`] reads.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Meta's hashtag budget, tracked per account: at most 30 unique hashtags per rolling 7 days.
///
/// A hashtag counts from its first search for 7 days; searching it again within those days
/// neither costs a slot nor restarts its 7 days. Cheap to clone: clones share the bookkeeping,
/// so keep one per app (beside the [`crate::Client`]) and pass it to every search. Persist it
/// with [`HashtagBudget::snapshot`] and [`HashtagBudget::restore`] to survive restarts, or keep
/// it in a store several processes share with [`HashtagBudget::shared`].
#[derive(Clone)]
pub struct HashtagBudget {
    inner: Arc<Mutex<Accounts>>,
    clock: Clock,
    limit: u32,
    window: Duration,
    /// The store that keeps the bookkeeping instead of `inner` (see `hashtag_shared`).
    pub(super) shared: Option<Arc<dyn crate::store::BudgetStore>>,
}

/// Per account, per lowercased hashtag: when it was first searched, whether a search of it
/// succeeded, and how many searches of it are in flight.
type Accounts = HashMap<IgUserId, BTreeMap<String, Slot>>;

#[derive(Debug, Clone, Copy)]
struct Slot {
    since: DateTime<Utc>,
    confirmed: bool,
    in_flight: u32,
}

impl fmt::Debug for HashtagBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HashtagBudget")
            .field("limit", &self.limit)
            .field("window", &self.window)
            .field("shared", &self.shared.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for HashtagBudget {
    fn default() -> Self {
        Self::new()
    }
}

/// Every hashtag counted against one account, as persisted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashtagBudgetSnapshot {
    /// Per account, the hashtags (lowercased) counted and when each was first searched.
    pub accounts: BTreeMap<IgUserId, BTreeMap<String, DateTime<Utc>>>,
}

impl HashtagBudget {
    /// Meta's budget (30 hashtags per 7 days) on the system clock.
    pub fn new() -> Self {
        Self::with_clock(Arc::new(Utc::now))
    }

    /// Meta's budget on the given clock (tests, simulations).
    pub fn with_clock(clock: Clock) -> Self {
        Self {
            inner: Arc::new(Mutex::new(HashMap::new())),
            clock,
            limit: HASHTAG_BUDGET_LIMIT,
            window: Duration::days(HASHTAG_BUDGET_WINDOW_DAYS),
            shared: None,
        }
    }

    /// Another limit or window (should Meta change them). Keeps the clock and the bookkeeping
    /// of `self` only if called before any search: it starts empty.
    pub fn with_limits(self, limit: u32, window: Duration) -> Self {
        Self {
            inner: Arc::new(Mutex::new(HashMap::new())),
            limit,
            window,
            ..self
        }
    }

    /// The time on the budget's clock.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    pub(super) fn window(&self) -> Duration {
        self.window
    }

    /// Unique hashtags allowed per account per window (30 unless [`HashtagBudget::with_limits`]
    /// set another).
    pub fn limit(&self) -> u32 {
        self.limit
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Accounts> {
        // A panic while holding the lock cannot leave the map half-written in a way that
        // matters more than refusing every later search.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn prune(&self, slots: &mut BTreeMap<String, Slot>, now: DateTime<Utc>) {
        let window = self.window;
        slots.retain(|_, s| s.in_flight > 0 || s.since + window > now);
    }

    /// Unique hashtags `account` has used in the current window.
    pub fn used(&self, account: &IgUserId) -> u32 {
        let now = (self.clock)();
        let mut all = self.lock();
        let Some(slots) = all.get_mut(account) else {
            return 0;
        };
        self.prune(slots, now);
        u32::try_from(slots.len()).unwrap_or(u32::MAX)
    }

    /// Slots left for new hashtags.
    pub fn remaining(&self, account: &IgUserId) -> u32 {
        self.limit.saturating_sub(self.used(account))
    }

    /// Whether searching `hashtag` now would cost nothing (already counted in the window).
    pub fn is_counted(&self, account: &IgUserId, hashtag: &str) -> bool {
        let now = (self.clock)();
        let key = hashtag.to_lowercase();
        let mut all = self.lock();
        all.get_mut(account).is_some_and(|slots| {
            self.prune(slots, now);
            slots.contains_key(&key)
        })
    }

    /// Takes a slot for `hashtag` (or finds it already counted). The slot is kept when the
    /// reservation is committed and given back when it is dropped uncommitted.
    pub(crate) fn reserve(&self, account: &IgUserId, hashtag: &str) -> Result<Reservation> {
        let now = (self.clock)();
        let key = hashtag.to_lowercase();
        let mut all = self.lock();
        let slots = all.entry(account.clone()).or_default();
        self.prune(slots, now);
        if let Some(slot) = slots.get_mut(&key) {
            if slot.confirmed {
                return Ok(Reservation { held: None });
            }
            // Another search of the same hashtag is in flight: share its slot, and keep it
            // if either search succeeds.
            slot.in_flight += 1;
            return Ok(Reservation {
                held: Some((self.clone(), account.clone(), key)),
            });
        }
        let used = u32::try_from(slots.len()).unwrap_or(u32::MAX);
        if used >= self.limit {
            let oldest = slots.values().map(|s| s.since).min().unwrap_or(now);
            return Err(Error::HashtagBudgetExceeded {
                account: account.clone(),
                used,
                limit: self.limit,
                frees_at: oldest + self.window,
            });
        }
        slots.insert(
            key.clone(),
            Slot {
                since: now,
                confirmed: false,
                in_flight: 1,
            },
        );
        Ok(Reservation {
            held: Some((self.clone(), account.clone(), key)),
        })
    }

    /// Every counted hashtag, for persisting (searches still in flight are left out).
    pub fn snapshot(&self) -> HashtagBudgetSnapshot {
        let now = (self.clock)();
        let mut all = self.lock();
        let mut accounts = BTreeMap::new();
        for (account, slots) in all.iter_mut() {
            self.prune(slots, now);
            let kept: BTreeMap<String, DateTime<Utc>> = slots
                .iter()
                .filter(|(_, s)| s.confirmed)
                .map(|(k, s)| (k.clone(), s.since))
                .collect();
            if !kept.is_empty() {
                accounts.insert(account.clone(), kept);
            }
        }
        HashtagBudgetSnapshot { accounts }
    }

    /// Adds a persisted snapshot to the bookkeeping. A hashtag known both ways keeps the
    /// earlier first-search time; hashtags already out of the window are dropped.
    pub fn restore(&self, snapshot: &HashtagBudgetSnapshot) {
        let now = (self.clock)();
        let mut all = self.lock();
        for (account, hashtags) in &snapshot.accounts {
            let slots = all.entry(account.clone()).or_default();
            for (tag, since) in hashtags {
                let slot = slots.entry(tag.to_lowercase()).or_insert(Slot {
                    since: *since,
                    confirmed: true,
                    in_flight: 0,
                });
                if *since < slot.since {
                    slot.since = *since;
                }
                slot.confirmed = true;
            }
            self.prune(slots, now);
        }
    }
}

/// A slot taken for a search in flight.
#[must_use]
pub(crate) struct Reservation {
    held: Option<(HashtagBudget, IgUserId, String)>,
}

impl Reservation {
    /// The search succeeded: the slot stays counted.
    pub(crate) fn commit(mut self) {
        self.release(true);
    }

    fn release(&mut self, succeeded: bool) {
        let Some((budget, account, key)) = self.held.take() else {
            return;
        };
        let mut all = budget.lock();
        let Some(slots) = all.get_mut(&account) else {
            return;
        };
        let Some(slot) = slots.get_mut(&key) else {
            return;
        };
        slot.in_flight = slot.in_flight.saturating_sub(1);
        slot.confirmed |= succeeded;
        if !slot.confirmed && slot.in_flight == 0 {
            slots.remove(&key);
        }
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.release(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// A budget on a clock the test moves.
    fn budget_at(start: DateTime<Utc>) -> (HashtagBudget, Arc<Mutex<DateTime<Utc>>>) {
        let now = Arc::new(Mutex::new(start));
        let clock = now.clone();
        let budget = HashtagBudget::with_clock(Arc::new(move || *clock.lock().unwrap()));
        (budget, now)
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap()
    }

    #[test]
    fn thirty_new_hashtags_pass_the_thirty_first_is_refused_with_when_it_frees() {
        let (budget, now) = budget_at(t0());
        let me = IgUserId::new("1");
        for i in 0..30 {
            budget.reserve(&me, &format!("tag{i}")).unwrap().commit();
            *now.lock().unwrap() += Duration::minutes(1);
        }
        assert_eq!((budget.used(&me), budget.remaining(&me)), (30, 0));
        match budget.reserve(&me, "tag30") {
            Err(Error::HashtagBudgetExceeded {
                account,
                used,
                limit,
                frees_at,
            }) => {
                assert_eq!((account, used, limit), (me.clone(), 30, 30));
                assert_eq!(frees_at, t0() + Duration::days(7));
            }
            other => panic!(
                "expected HashtagBudgetExceeded, got {:?}",
                other.map(|_| ())
            ),
        }
        // Counted hashtags stay free, whatever their case.
        budget.reserve(&me, "TAG7").unwrap().commit();
        assert_eq!(budget.used(&me), 30);
        // Another account has its own budget.
        budget
            .reserve(&IgUserId::new("2"), "tag30")
            .unwrap()
            .commit();
    }

    #[test]
    fn the_window_slides_from_each_first_search_and_repeats_do_not_restart_it() {
        let (budget, now) = budget_at(t0());
        let me = IgUserId::new("1");
        budget.reserve(&me, "old").unwrap().commit();
        *now.lock().unwrap() = t0() + Duration::days(1);
        for i in 0..29 {
            budget.reserve(&me, &format!("t{i}")).unwrap().commit();
        }
        // Searching `old` again six days later is free and does not restart its 7 days.
        *now.lock().unwrap() = t0() + Duration::days(6);
        budget.reserve(&me, "old").unwrap().commit();
        assert!(budget.reserve(&me, "new").is_err());
        *now.lock().unwrap() = t0() + Duration::days(7) - Duration::seconds(1);
        assert!(budget.reserve(&me, "new").is_err());
        *now.lock().unwrap() = t0() + Duration::days(7);
        assert!(!budget.is_counted(&me, "old"));
        budget.reserve(&me, "new").unwrap().commit();
        assert!(budget.reserve(&me, "newer").is_err());
    }

    #[test]
    fn a_failed_search_gives_its_slot_back_and_in_flight_searches_count() {
        let (budget, _) = budget_at(t0());
        let me = IgUserId::new("1");
        for i in 0..29 {
            budget.reserve(&me, &format!("t{i}")).unwrap().commit();
        }
        let failed = budget.reserve(&me, "x").unwrap();
        // While `x` is in flight, no other new hashtag may take the last slot...
        assert!(budget.reserve(&me, "y").is_err());
        // ...but a concurrent search of `x` itself shares it.
        let twin = budget.reserve(&me, "x").unwrap();
        drop(failed);
        assert_eq!(budget.used(&me), 30);
        drop(twin);
        assert_eq!(budget.used(&me), 29);
        budget.reserve(&me, "y").unwrap().commit();
        assert!(budget.is_counted(&me, "Y"));
    }

    #[test]
    fn clones_share_and_snapshots_restore() {
        let (budget, now) = budget_at(t0());
        let me = IgUserId::new("1");
        let clone = budget.clone();
        clone.reserve(&me, "Coffee").unwrap().commit();
        let in_flight = budget.reserve(&me, "tea").unwrap();
        assert_eq!(budget.used(&me), 2);
        let snap = budget.snapshot();
        drop(in_flight);
        assert_eq!(
            snap.accounts[&me].iter().collect::<Vec<_>>(),
            [(&"coffee".to_owned(), &t0())]
        );
        let json = serde_json::to_string(&snap).unwrap();
        let back: HashtagBudgetSnapshot = serde_json::from_str(&json).unwrap();
        let clock = now.clone();
        let fresh = HashtagBudget::with_clock(Arc::new(move || *clock.lock().unwrap()));
        fresh.restore(&back);
        assert!(fresh.is_counted(&me, "coffee"));
        assert_eq!(fresh.used(&me), 1);
        // Restoring a later time for a known hashtag keeps the earlier one.
        let mut later = back.clone();
        later
            .accounts
            .get_mut(&me)
            .unwrap()
            .insert("coffee".into(), t0() + Duration::days(3));
        fresh.restore(&later);
        *now.lock().unwrap() = t0() + Duration::days(7);
        assert_eq!(fresh.used(&me), 0);
    }

    #[test]
    fn hashtag_queries_are_checked() {
        for bad in [
            "",
            "#coffee",
            "cold brew",
            "tab\tbed",
            "new\nline",
            "nbsp\u{a0}x",
        ] {
            assert!(
                matches!(
                    validate_hashtag_query(bad),
                    Err(Error::InvalidInput { field: "q", .. })
                ),
                "{bad:?}"
            );
        }
        validate_hashtag_query("café_2026").unwrap();
    }
}
