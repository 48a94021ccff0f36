//! OAuth state cases: single use, conflicts, expiry, concurrent takes.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::{at, base_time, company, Fixture};
use crate::ids::AgencyClientId;
use crate::store::{LoginKind, OAuthStateRecord, StoreError, MAX_OAUTH_STATES_PER_COMPANY};

fn state(id: &str, expires_in_minutes: i64) -> OAuthStateRecord {
    OAuthStateRecord {
        state: id.into(),
        company: company("acme"),
        login: LoginKind::Instagram,
        redirect_uri: "https://app.example/instagram/oauth2callback".into(),
        scopes: vec!["instagram_business_basic".into()],
        client_id: Some(AgencyClientId::new("client-1")),
        created_at: base_time(),
        expires_at: at(expires_in_minutes),
    }
}

/// A state is taken once, then gone.
pub async fn state_put_take_single_use(f: &Fixture) {
    let b = f.backend();
    let rec = state("s-1", 30);
    b.put_state(rec.clone()).await.expect("put");
    let got = b.take_state("s-1").await.expect("take").expect("present");
    assert_eq!(got, rec);
    assert!(
        b.take_state("s-1").await.expect("take again").is_none(),
        "single use"
    );
    assert!(b.take_state("unknown").await.expect("take").is_none());
    // A state with no client and no scopes round-trips too.
    let mut bare = state("s-2", 30);
    bare.client_id = None;
    bare.scopes.clear();
    bare.login = LoginKind::Facebook;
    b.put_state(bare.clone()).await.expect("put");
    assert_eq!(b.take_state("s-2").await.expect("take"), Some(bare));
}

/// Putting an existing state is a `Conflict` and keeps the first.
pub async fn state_duplicate_put_conflicts(f: &Fixture) {
    let b = f.backend();
    b.put_state(state("dup", 30)).await.expect("put");
    let mut other = state("dup", 60);
    other.company = company("someone-else");
    let err = b.put_state(other).await.expect_err("duplicate");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let kept = b.take_state("dup").await.expect("take").expect("present");
    assert_eq!(kept.company, company("acme"), "the first state is kept");
    assert_eq!(kept.expires_at, at(30));
    let err = b.put_state(state("", 30)).await.expect_err("empty state");
    assert!(matches!(err, StoreError::InvalidInput { .. }), "{err:?}");
}

/// Purging removes states with `expires_at <= now`, across tenants.
pub async fn state_purge_expired(f: &Fixture) {
    let b = f.backend();
    for (id, minutes) in [("old", 5), ("edge", 10), ("fresh", 30)] {
        b.put_state(state(id, minutes)).await.expect("put");
    }
    let mut other_tenant = state("other", 1);
    other_tenant.company = company("other");
    b.put_state(other_tenant).await.expect("put");
    assert_eq!(b.purge_expired_states(at(10)).await.expect("purge"), 3);
    assert_eq!(
        b.purge_expired_states(at(10)).await.expect("purge again"),
        0
    );
    assert!(b.take_state("old").await.expect("take").is_none());
    assert!(
        b.take_state("edge").await.expect("take").is_none(),
        "expires_at <= now"
    );
    assert!(b.take_state("other").await.expect("take").is_none());
    assert!(b.take_state("fresh").await.expect("take").is_some());
}

/// 8 concurrent takers of one state: exactly one wins.
pub async fn state_concurrent_take(f: &Fixture) {
    for round in 0..5 {
        let id = format!("race-{round}");
        f.backend().put_state(state(&id, 30)).await.expect("put");
        let wins = Arc::new(AtomicUsize::new(0));
        let barrier = Arc::new(tokio::sync::Barrier::new(8));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (b, wins, barrier, id) = (f.backend(), wins.clone(), barrier.clone(), id.clone());
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                if b.take_state(&id).await.expect("take").is_some() {
                    wins.fetch_add(1, Ordering::SeqCst);
                }
            }));
        }
        for t in tasks {
            t.await.expect("task");
        }
        assert_eq!(wins.load(Ordering::SeqCst), 1, "exactly one taker wins");
    }
}

/// `put_state` keeps the store bounded: expired states of every tenant go, and a company keeps
/// only its newest [`MAX_OAUTH_STATES_PER_COMPANY`] states (other companies are untouched).
pub async fn state_put_bounds_live_states(f: &Fixture) {
    let b = f.backend();
    let mut stale = state("stale-other", 1);
    stale.company = company("other");
    b.put_state(stale).await.expect("put");
    let mut kept = state("acme-kept", 6000);
    kept.created_at = at(2);
    b.put_state(kept).await.expect("put");
    assert!(
        b.take_state("stale-other").await.expect("take").is_none(),
        "an expired state is purged by the next put"
    );
    let cap = MAX_OAUTH_STATES_PER_COMPANY as i64;
    for i in 0..cap + 5 {
        let mut s = state(&format!("flood-{i}"), 6000);
        s.company = company("flood");
        s.created_at = at(10) + chrono::Duration::seconds(i);
        b.put_state(s).await.expect("put");
    }
    for i in 0..5 {
        assert!(
            b.take_state(&format!("flood-{i}"))
                .await
                .expect("take")
                .is_none(),
            "the oldest beyond the bound are gone"
        );
    }
    for i in [5, cap + 4] {
        assert!(b
            .take_state(&format!("flood-{i}"))
            .await
            .expect("take")
            .is_some());
    }
    assert!(
        b.take_state("acme-kept").await.expect("take").is_some(),
        "another company's states stay"
    );
}
