//! Accounts' opened tokens kept between calls, so that a call on an account costs no store read
//! and no unsealing while nothing about the account changed.
//!
//! An entry serves only while both hold:
//! - no token or account was written through the manager's store (or a clone of it) since the
//!   entry was read: the store counts those writes ([`Store::credential_writes`]), so a
//!   disconnect, a removal, a new token or a token marked invalid in this process takes effect
//!   on the next call;
//! - it is younger than the time to live: the bound on how long a change made by another
//!   process sharing the database (or written to a host store behind the SDK's back) can go
//!   unseen.
//!
//! The cache holds at most its capacity; the tokens it drops are wiped from memory
//! ([`AccessToken`](crate::AccessToken) zeroizes on drop).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::AccountAccess;
use crate::ids::{CompanyId, IgUserId};
use crate::store::Store;

/// How long an account's opened token serves calls by default before the store is read again.
pub const DEFAULT_ACCESS_TTL: Duration = Duration::from_secs(15);

/// How many accounts' opened tokens an [`AccountManager`](super::AccountManager) keeps by
/// default.
pub const DEFAULT_ACCESS_CAPACITY: usize = 1_000;

struct Entry {
    access: AccountAccess,
    /// The store's count of credential writes taken before the entry was read.
    writes: u64,
    read_at: Instant,
}

/// The cache; shared by the clones of one manager.
pub(super) struct AccessCache {
    entries: Mutex<HashMap<(CompanyId, IgUserId), Entry>>,
    ttl: Duration,
    capacity: usize,
}

impl AccessCache {
    pub(super) fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            ttl,
            capacity,
        }
    }

    fn enabled(&self) -> bool {
        !self.ttl.is_zero() && self.capacity > 0
    }

    /// The account's access when an entry still serves.
    pub(super) fn get(
        &self,
        store: &Store,
        company: &CompanyId,
        id: &IgUserId,
    ) -> Option<AccountAccess> {
        if !self.enabled() {
            return None;
        }
        let writes = store.credential_writes();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let key = (company.clone(), id.clone());
        match entries.get(&key) {
            Some(entry) if entry.writes == writes && entry.read_at.elapsed() < self.ttl => {
                Some(entry.access.clone())
            }
            Some(_) => {
                entries.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Keeps `access`, read from the store after the store's count of credential writes was
    /// `writes` (taken before the read, so that a write racing the read makes it stale).
    pub(super) fn put(&self, company: &CompanyId, access: &AccountAccess, writes: u64) {
        if !self.enabled() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity {
            let ttl = self.ttl;
            entries.retain(|_, entry| entry.writes == writes && entry.read_at.elapsed() < ttl);
        }
        if entries.len() >= self.capacity {
            // Still full of live entries: the oldest goes.
            if let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, entry)| entry.read_at)
                .map(|(key, _)| key.clone())
            {
                entries.remove(&oldest);
            }
        }
        entries.insert(
            (company.clone(), access.ig_user_id.clone()),
            Entry {
                access: access.clone(),
                writes,
                read_at: Instant::now(),
            },
        );
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Host;
    use crate::store::SealingKey;
    use crate::AccessToken;

    fn access(id: &str) -> AccountAccess {
        AccountAccess {
            ig_user_id: IgUserId::new(id),
            host: Host::GraphFacebook,
            token: AccessToken::new(format!("EAAG-token-of-{id}")),
        }
    }

    #[test]
    fn holds_at_most_its_capacity() {
        let store = Store::memory(SealingKey::generate());
        let cache = AccessCache::new(Duration::from_secs(60), 3);
        let company = CompanyId::new("co");
        for i in 0..10 {
            cache.put(
                &company,
                &access(&format!("ig{i}")),
                store.credential_writes(),
            );
            assert!(cache.len() <= 3);
        }
        assert!(cache.get(&store, &company, &IgUserId::new("ig9")).is_some());
        assert!(cache.get(&store, &company, &IgUserId::new("ig0")).is_none());
    }

    #[test]
    fn serves_only_its_own_company() {
        let store = Store::memory(SealingKey::generate());
        let cache = AccessCache::new(Duration::from_secs(60), 10);
        cache.put(
            &CompanyId::new("a"),
            &access("ig1"),
            store.credential_writes(),
        );
        let other = cache.get(&store, &CompanyId::new("b"), &IgUserId::new("ig1"));
        assert!(other.is_none());
    }

    #[test]
    fn a_zero_ttl_keeps_nothing() {
        let store = Store::memory(SealingKey::generate());
        let cache = AccessCache::new(Duration::ZERO, 10);
        let company = CompanyId::new("co");
        cache.put(&company, &access("ig1"), store.credential_writes());
        assert_eq!(cache.len(), 0);
    }
}
