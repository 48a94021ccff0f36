//! Dropping redelivered updates: Meta retries a delivery it thinks failed for up to 36 hours,
//! and may deliver the same update twice even when it did not fail.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Event;

/// Remembers the [`Event::dedup_key`]s seen recently, to drop redeliveries.
///
/// Bounded both ways: at most `capacity` keys (the oldest are forgotten first) and none older
/// than `window`. Shared by reference between request handlers (a mutex inside); one per process
/// (several processes behind a load balancer share a [`SharedDeduper`](super::SharedDeduper)).
#[derive(Debug)]
pub struct Deduper {
    capacity: usize,
    window: Duration,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    /// Key → when it was first seen.
    at: HashMap<String, Instant>,
    /// Keys in the order first seen, for eviction.
    order: VecDeque<(String, Instant)>,
}

impl Default for Deduper {
    /// 100,000 keys for 36 hours: Meta's retry period.
    fn default() -> Self {
        Self::new(100_000, Duration::from_secs(36 * 3600))
    }
}

impl Deduper {
    /// Remembers up to `capacity` keys (at least 1) for `window` each.
    pub fn new(capacity: usize, window: Duration) -> Self {
        Self {
            capacity: capacity.max(1),
            window,
            seen: Mutex::new(Seen::default()),
        }
    }

    /// True the first time `event` is seen within the window; false for a redelivery.
    pub fn first_delivery(&self, event: &Event) -> bool {
        self.first_seen_at(&event.dedup_key(), Instant::now())
    }

    /// True the first time `key` is seen within the window (for keys of your own).
    pub fn first_seen(&self, key: &str) -> bool {
        self.first_seen_at(key, Instant::now())
    }

    /// [`Deduper::first_seen`] at a given instant (tests, replays).
    pub fn first_seen_at(&self, key: &str, now: Instant) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        // Forget what fell out of the window.
        while let Some((k, at)) = seen.order.front() {
            if now.saturating_duration_since(*at) < self.window {
                break;
            }
            let k = k.clone();
            seen.order.pop_front();
            seen.at.remove(&k);
        }
        if seen.at.contains_key(key) {
            return false;
        }
        while seen.order.len() >= self.capacity {
            match seen.order.pop_front() {
                Some((k, _)) => {
                    seen.at.remove(&k);
                }
                None => break,
            }
        }
        seen.at.insert(key.to_owned(), now);
        seen.order.push_back((key.to_owned(), now));
        true
    }

    /// Keeps the events seen for the first time, in order.
    pub fn retain_new(&self, events: Vec<Event>) -> Vec<Event> {
        events
            .into_iter()
            .filter(|e| self.first_delivery(e))
            .collect()
    }

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).at.len()
    }

    /// True when no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_and_capacity_bound_memory() {
        let d = Deduper::new(2, Duration::from_secs(10));
        let t0 = Instant::now();
        assert!(d.first_seen_at("a", t0));
        assert!(!d.first_seen_at("a", t0 + Duration::from_secs(9)));
        // Past the window, "a" is forgotten.
        assert!(d.first_seen_at("a", t0 + Duration::from_secs(11)));
        assert!(d.first_seen_at("b", t0 + Duration::from_secs(11)));
        assert!(d.first_seen_at("c", t0 + Duration::from_secs(11)));
        // Capacity 2: "a" (oldest) was evicted to make room for "c".
        assert_eq!(d.len(), 2);
        assert!(d.first_seen_at("a", t0 + Duration::from_secs(12)));
        assert!(!d.first_seen_at("c", t0 + Duration::from_secs(12)));
    }
}
