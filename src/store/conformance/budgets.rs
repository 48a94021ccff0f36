//! Shared budget cases: counted once per window, the limit, expiry, giving a slot back, scopes
//! apart, the purge, and racing counts of the last slot.

use chrono::Duration;

use super::{at, Fixture};
use crate::store::{CountOutcome, StoreError};

fn hour() -> Duration {
    Duration::hours(1)
}

/// A key is counted once per window; counting it again changes nothing.
pub async fn budget_count_once_and_again(f: &Fixture) {
    let b = f.backend();
    let out = b.count_once("tags/1", "coffee", at(0), hour(), None).await;
    assert_eq!(out.expect("count"), CountOutcome::Counted);
    let again = b.count_once("tags/1", "coffee", at(10), hour(), None).await;
    assert_eq!(
        again.expect("count"),
        CountOutcome::AlreadyCounted { at: at(0) }
    );
    let listed = b.counted("tags/1", at(-1)).await.expect("counted");
    assert_eq!(listed, vec![("coffee".to_owned(), at(0))]);
    assert!(b
        .counted("tags/1", at(0))
        .await
        .expect("counted")
        .is_empty());
}

/// With a limit, a new key is refused once the scope is full; counted keys stay free.
pub async fn budget_limit_refuses_new_keys(f: &Fixture) {
    let b = f.backend();
    for (i, key) in ["a", "b"].iter().enumerate() {
        let out = b
            .count_once("posts/1", key, at(i as i64), hour(), Some(2))
            .await;
        assert_eq!(out.expect("count"), CountOutcome::Counted);
    }
    let full = b.count_once("posts/1", "c", at(5), hour(), Some(2)).await;
    assert_eq!(
        full.expect("count"),
        CountOutcome::Full {
            used: 2,
            oldest: at(0)
        }
    );
    let known = b.count_once("posts/1", "a", at(6), hour(), Some(2)).await;
    assert_eq!(
        known.expect("count"),
        CountOutcome::AlreadyCounted { at: at(0) }
    );
    let keys: Vec<String> = b
        .counted("posts/1", at(-60))
        .await
        .expect("counted")
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(keys, ["a", "b"]);
}

/// Entries leave the window `window` after they were counted: the key counts anew and frees
/// its slot.
pub async fn budget_window_expires(f: &Fixture) {
    let b = f.backend();
    b.count_once("tags/1", "a", at(0), hour(), Some(1))
        .await
        .expect("count");
    let full = b.count_once("tags/1", "b", at(59), hour(), Some(1)).await;
    assert!(matches!(full.expect("count"), CountOutcome::Full { .. }));
    let freed = b.count_once("tags/1", "b", at(60), hour(), Some(1)).await;
    assert_eq!(freed.expect("count"), CountOutcome::Counted);
    let again = b.count_once("tags/1", "a", at(61), hour(), Some(2)).await;
    assert_eq!(again.expect("count"), CountOutcome::Counted, "counted anew");
    let listed = b.counted("tags/1", at(-600)).await.expect("counted");
    assert_eq!(
        listed,
        vec![("b".to_owned(), at(60)), ("a".to_owned(), at(61))],
        "the expired entry was dropped"
    );
}

/// A slot given back can be taken by another key; giving back an unknown key is false.
pub async fn budget_uncount_gives_back(f: &Fixture) {
    let b = f.backend();
    b.count_once("tags/1", "a", at(0), hour(), Some(1))
        .await
        .expect("count");
    assert!(b.uncount("tags/1", "a").await.expect("uncount"));
    assert!(!b.uncount("tags/1", "a").await.expect("uncount"));
    assert!(!b.uncount("tags/none", "a").await.expect("uncount"));
    let taken = b.count_once("tags/1", "b", at(1), hour(), Some(1)).await;
    assert_eq!(taken.expect("count"), CountOutcome::Counted);
}

/// Scopes never see each other's keys.
pub async fn budget_scopes_are_apart(f: &Fixture) {
    let b = f.backend();
    b.count_once("tags/1", "a", at(0), hour(), Some(1))
        .await
        .expect("count");
    let other = b.count_once("tags/2", "a", at(0), hour(), Some(1)).await;
    assert_eq!(other.expect("count"), CountOutcome::Counted);
    // A scope that is a prefix of another, or holds the separators of the key-value layout.
    for scope in ["tags/", "tags/1/", "tags%2F1", "tags"] {
        let out = b.count_once(scope, "a", at(0), hour(), Some(1)).await;
        assert_eq!(out.expect("count"), CountOutcome::Counted, "{scope}");
    }
    assert_eq!(b.counted("tags/1", at(-1)).await.expect("counted").len(), 1);
}

/// The purge drops every entry counted at or before the time, in every scope.
pub async fn budget_purge_counted(f: &Fixture) {
    let b = f.backend();
    for (scope, key, minute) in [("s/1", "a", 0), ("s/1", "b", 10), ("s/2", "c", 5)] {
        b.count_once(scope, key, at(minute), Duration::days(1), None)
            .await
            .expect("count");
    }
    assert_eq!(b.purge_counted(at(5)).await.expect("purge"), 2);
    assert_eq!(
        b.counted("s/1", at(-60)).await.expect("counted"),
        vec![("b".to_owned(), at(10))]
    );
    assert!(b.counted("s/2", at(-60)).await.expect("counted").is_empty());
    assert_eq!(b.purge_counted(at(5)).await.expect("purge"), 0);
}

/// Processes racing for the last slots of a scope: exactly `limit` keys win.
pub async fn budget_concurrent_last_slots(f: &Fixture) {
    let b = f.backend();
    let mut tasks = Vec::new();
    for i in 0..12 {
        let b = b.clone();
        tasks.push(tokio::spawn(async move {
            b.count_once("race/1", &format!("k{i}"), at(0), hour(), Some(5))
                .await
        }));
    }
    let mut counted = 0;
    for t in tasks {
        match t.await.expect("task").expect("count") {
            CountOutcome::Counted => counted += 1,
            CountOutcome::Full { used, .. } => assert_eq!(used, 5),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(counted, 5);
    assert_eq!(b.counted("race/1", at(-1)).await.expect("counted").len(), 5);
}

/// Empty names and a window that is not positive are refused.
pub async fn budget_bad_input(f: &Fixture) {
    let b = f.backend();
    for (scope, key, window) in [
        ("", "a", hour()),
        ("s", "", hour()),
        ("s", "a", Duration::zero()),
    ] {
        let out = b.count_once(scope, key, at(0), window, None).await;
        assert!(
            matches!(out, Err(StoreError::InvalidInput { .. })),
            "{scope:?} {key:?} {window:?}: {out:?}"
        );
    }
    let long = "k".repeat(513);
    let out = b.count_once("s", &long, at(0), hour(), None).await;
    assert!(
        matches!(out, Err(StoreError::InvalidInput { .. })),
        "{out:?}"
    );
    // The refusals counted nothing; the longest name allowed counts.
    assert!(b.counted("s", at(-60)).await.expect("counted").is_empty());
    let longest = "k".repeat(512);
    let out = b.count_once("s", &longest, at(0), hour(), Some(1)).await;
    assert_eq!(out.expect("count"), CountOutcome::Counted);
}
