//! Job cases: idempotency, updates, listing, claiming with leases, isolation.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use super::{at, company, Fixture};
use crate::ids::{CompanyId, IgUserId, JobId};
use crate::store::{JobQuery, JobRecord, JobStatus, StoreError};

const LEASE: Duration = Duration::from_secs(300);

fn job(company: &CompanyId, id: &str, key: &str) -> JobRecord {
    let mut j = JobRecord::new(
        company.clone(),
        IgUserId::new("17841400000000001"),
        key,
        serde_json::json!({"kind": "image", "image_url": "https://cdn.example/a.jpg", "caption": "hi"}),
    );
    j.id = JobId::new(id);
    j.created_at = at(0);
    j.updated_at = at(0);
    j
}

fn scheduled(company: &CompanyId, id: &str, minutes: i64) -> JobRecord {
    job(company, id, &format!("key-{id}")).scheduled(at(minutes))
}

/// An inserted job reads back by id and by key.
pub async fn job_insert_and_get(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let j = job(&acme, "j1", "k1");
    let ins = b.insert_job(j.clone()).await.expect("insert");
    assert!(ins.is_inserted());
    assert_eq!(ins.record(), &j);
    assert_eq!(b.get_job(&acme, &j.id).await.expect("get"), Some(j.clone()));
    assert_eq!(b.find_job_by_key(&acme, "k1").await.expect("find"), Some(j));
    assert!(b
        .get_job(&acme, &JobId::new("nope"))
        .await
        .expect("get")
        .is_none());
    assert!(b
        .find_job_by_key(&acme, "nope")
        .await
        .expect("find")
        .is_none());
}

/// The same key returns the existing job, also under concurrency.
pub async fn job_idempotency_returns_existing(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let first = job(&acme, "j1", "same-key");
    b.insert_job(first.clone()).await.expect("insert");
    let mut second = job(&acme, "j2", "same-key");
    second.payload = serde_json::json!({"different": true});
    match b.insert_job(second).await.expect("insert again") {
        crate::store::JobInsert::Existing(existing) => assert_eq!(existing, first),
        other => panic!("expected Existing, got {other:?}"),
    }
    assert!(b
        .get_job(&acme, &JobId::new("j2"))
        .await
        .expect("get")
        .is_none());
    // A reused id under another key is a conflict.
    let err = b
        .insert_job(job(&acme, "j1", "other-key"))
        .await
        .expect_err("id reuse");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    // The same key in another company is another job.
    let ins = b
        .insert_job(job(&company("other"), "j1", "same-key"))
        .await
        .expect("other tenant");
    assert!(ins.is_inserted());
    // Concurrent inserts of one key: exactly one wins.
    let key_tasks: Vec<_> = (0..8)
        .map(|i| {
            let b = f.backend();
            let acme = acme.clone();
            tokio::spawn(async move {
                b.insert_job(job(&acme, &format!("race-{i}"), "race-key"))
                    .await
                    .expect("insert")
                    .is_inserted()
            })
        })
        .collect();
    let mut inserted = 0;
    for t in key_tasks {
        if t.await.expect("task") {
            inserted += 1;
        }
    }
    assert_eq!(inserted, 1);
}

/// `update_job` is a compare-and-swap on the version: it replaces the mutable fields only and
/// moves the version on; a stale version changes nothing; a missing job is `NotFound`.
pub async fn job_update(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let original = job(&acme, "j1", "k1");
    b.insert_job(original.clone()).await.expect("insert");
    let mut j = original.clone();
    j.status = JobStatus::Published;
    j.container_ids = vec!["c1".into(), "c2".into()];
    j.media_id = Some("m1".into());
    j.permalink = Some("https://instagram.com/p/abc".into());
    j.error = Some("transient, retried".into());
    j.scheduled_at = Some(at(5));
    j.attempts = 3;
    j.payload = serde_json::json!({"kind": "carousel"});
    j.updated_at = at(9);
    // Fixed fields are ignored by update.
    j.idempotency_key = "changed".into();
    j.ig_user_id = IgUserId::new("changed");
    j.created_at = at(99);
    let stored = b
        .update_job(&j)
        .await
        .expect("update")
        .expect("the version matched");
    let got = b
        .get_job(&acme, &j.id)
        .await
        .expect("get")
        .expect("present");
    assert_eq!(stored, got, "update returns the job as stored");
    assert_eq!(got.version, 1);
    assert_eq!(got.status, JobStatus::Published);
    assert_eq!(got.container_ids, ["c1", "c2"]);
    assert_eq!(got.media_id.as_deref(), Some("m1"));
    assert_eq!(got.permalink, j.permalink);
    assert_eq!(got.error, j.error);
    assert_eq!(got.scheduled_at, Some(at(5)));
    assert_eq!(got.attempts, 3);
    assert_eq!(got.payload, j.payload);
    assert_eq!(got.updated_at, at(9));
    assert_eq!(got.idempotency_key, "k1");
    assert_eq!(got.ig_user_id, original.ig_user_id);
    assert_eq!(got.created_at, original.created_at);
    // A writer that read version 0 lost the race to the one above: nothing changes.
    let mut stale = original.clone();
    stale.status = JobStatus::Failed;
    assert_eq!(b.update_job(&stale).await.expect("stale update"), None);
    assert_eq!(
        b.get_job(&acme, &j.id).await.expect("get"),
        Some(got.clone())
    );
    // The next write from the current version goes through, once.
    let mut next = got.clone();
    next.error = None;
    let next = b.update_job(&next).await.expect("update").expect("current");
    assert_eq!(next.version, 2);
    assert_eq!(b.update_job(&got).await.expect("again"), None);
    // Concurrent writers from one version: exactly one wins.
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let b = f.backend();
            let mut j = next.clone();
            j.error = Some(format!("writer {i}"));
            tokio::spawn(async move { b.update_job(&j).await.expect("update").is_some() })
        })
        .collect();
    let mut won = 0;
    for t in tasks {
        if t.await.expect("task") {
            won += 1;
        }
    }
    assert_eq!(won, 1, "one compare-and-swap wins");
    // Insert stores version 0 whatever it is given.
    let mut fresh = job(&acme, "fresh", "k-fresh");
    fresh.version = 7;
    let ins = b.insert_job(fresh).await.expect("insert").into_record();
    assert_eq!(ins.version, 0);
    let missing = job(&acme, "missing", "k-missing");
    let err = b.update_job(&missing).await.expect_err("missing");
    assert!(
        matches!(err, StoreError::NotFound { what: "job", .. }),
        "{err:?}"
    );
}

/// `list_jobs` filters by status and account, is newest first, pages with `before` and bounds
/// the limit.
pub async fn job_list(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    for (i, status) in [
        JobStatus::Pending,
        JobStatus::Published,
        JobStatus::Pending,
        JobStatus::Failed,
    ]
    .into_iter()
    .enumerate()
    {
        let mut j = job(&acme, &format!("j{i}"), &format!("k{i}"));
        j.status = status;
        j.created_at = at(10 - i as i64);
        if i == 1 {
            j.ig_user_id = IgUserId::new("17841400000000002");
        }
        b.insert_job(j).await.expect("insert");
    }
    let ids = |jobs: Vec<JobRecord>| -> Vec<String> {
        jobs.into_iter().map(|j| j.id.into_inner()).collect()
    };
    let list = |q: JobQuery| {
        let (b, acme) = (f.backend(), acme.clone());
        async move { b.list_jobs(&acme, &q).await.expect("list") }
    };
    assert_eq!(
        ids(list(JobQuery::new()).await),
        ["j0", "j1", "j2", "j3"],
        "newest first"
    );
    assert_eq!(
        ids(list(JobQuery::new().status(JobStatus::Pending).limit(10)).await),
        ["j0", "j2"]
    );
    assert_eq!(
        ids(list(JobQuery::new().account(IgUserId::new("17841400000000002"))).await),
        ["j1"]
    );
    assert_eq!(
        ids(list(JobQuery::new().account(IgUserId::new("17841400000000001"))).await),
        ["j0", "j2", "j3"]
    );
    let first = list(JobQuery::new().limit(2)).await;
    assert_eq!(first.len(), 2);
    // The next page starts strictly after the last job of this one.
    let last = first.last().expect("two").clone();
    assert_eq!(
        ids(list(JobQuery::new().after(&last).limit(10)).await),
        ["j2", "j3"]
    );
    // Equal creation times are ordered by id, and paging splits them without loss.
    for id in ["t-a", "t-b", "t-c"] {
        let mut j = job(&acme, id, &format!("k-{id}"));
        j.created_at = at(50);
        b.insert_job(j).await.expect("insert");
    }
    let tie = list(JobQuery::new().limit(2)).await;
    let tail = tie.last().expect("two").clone();
    assert_eq!(ids(tie), ["t-c", "t-b"]);
    assert_eq!(
        ids(list(JobQuery::new().after(&tail).limit(2)).await),
        ["t-a", "j0"]
    );
    assert!(list(JobQuery::new().status(JobStatus::Cancelled))
        .await
        .is_empty());
    let err = b
        .list_jobs(&acme, &JobQuery::new().limit(501))
        .await
        .expect_err("limit");
    assert!(
        matches!(err, StoreError::InvalidInput { field: "limit", .. }),
        "{err:?}"
    );
}

/// A job in `status`, due at `minutes`, with no lease.
fn in_status(company: &CompanyId, id: &str, status: JobStatus, minutes: i64) -> JobRecord {
    let mut j = scheduled(company, id, minutes);
    j.status = status;
    j
}

/// Every non-terminal status is claimed when due and unleased, of any tenant, in due order;
/// terminal ones never are; a live lease is never taken.
pub async fn job_claim_due_only(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    let other = company("other");
    // An immediate job that lost its publisher: no schedule, no lease.
    let mut orphan = job(&acme, "pending-unscheduled", "k-orphan");
    orphan.created_at = at(-5);
    b.insert_job(orphan).await.expect("insert");
    let due = [
        ("pending", JobStatus::Pending, 1, &acme),
        ("scheduled", JobStatus::Scheduled, 2, &acme),
        ("due-other-tenant", JobStatus::Scheduled, 3, &other),
        ("container", JobStatus::ContainerCreated, 4, &acme),
        ("publishing", JobStatus::Publishing, 5, &acme),
        ("deferred", JobStatus::Deferred, 6, &acme),
        ("exactly-now", JobStatus::Scheduled, 10, &acme),
    ];
    for (id, status, minutes, tenant) in due {
        b.insert_job(in_status(tenant, id, status, minutes))
            .await
            .expect("insert");
    }
    for (id, status) in [
        ("published", JobStatus::Published),
        ("failed", JobStatus::Failed),
        ("cancelled", JobStatus::Cancelled),
    ] {
        b.insert_job(in_status(&acme, id, status, 0))
            .await
            .expect("insert");
    }
    // Live leases (a publisher or worker at work): not taken, whatever the status.
    for (id, status) in [
        ("live-pending", JobStatus::Pending),
        ("live-scheduled", JobStatus::Scheduled),
        ("live-container", JobStatus::ContainerCreated),
        ("live-publishing", JobStatus::Publishing),
    ] {
        let mut j = in_status(&acme, id, status, 0);
        j.lease_owner = Some("publisher-1".into());
        j.lease_expires_at = Some(at(11));
        b.insert_job(j).await.expect("insert");
    }
    // Not due yet, whatever the status.
    for (id, status) in [
        ("future-scheduled", JobStatus::Scheduled),
        ("future-deferred", JobStatus::Deferred),
        ("future-pending", JobStatus::Pending),
    ] {
        b.insert_job(in_status(&acme, id, status, 11))
            .await
            .expect("insert");
    }
    let claimed = b
        .claim_due_jobs("worker-1", at(10), LEASE, 100)
        .await
        .expect("claim");
    let got: Vec<_> = claimed.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(
        got,
        [
            "pending-unscheduled",
            "pending",
            "scheduled",
            "due-other-tenant",
            "container",
            "publishing",
            "deferred",
            "exactly-now"
        ],
        "due non-terminal jobs of every tenant, unscheduled first, then earliest"
    );
    let lease_end = at(10) + chrono::Duration::seconds(300);
    for j in &claimed {
        assert_eq!(j.lease_owner.as_deref(), Some("worker-1"));
        assert_eq!(j.lease_expires_at, Some(lease_end));
        assert_eq!(j.attempts, 1);
        assert_eq!(j.updated_at, at(10));
        assert!(j.status.is_claimable(), "claiming leaves the status alone");
        let stored = b
            .get_job(&j.company, &j.id)
            .await
            .expect("get")
            .expect("present");
        assert_eq!(&stored, j, "the returned record is what is stored");
    }
    for (id, status) in [
        ("pending", JobStatus::Pending),
        ("container", JobStatus::ContainerCreated),
        ("publishing", JobStatus::Publishing),
        ("deferred", JobStatus::Deferred),
    ] {
        let j = claimed
            .iter()
            .find(|j| j.id.as_str() == id)
            .expect("claimed");
        assert_eq!(j.status, status, "{id} keeps its status");
    }
    // The others once their lease lapses or their time comes: live leases end at(11), the
    // future jobs are due at(11).
    let later: Vec<_> = b
        .claim_due_jobs("worker-2", at(11), LEASE, 100)
        .await
        .expect("claim")
        .into_iter()
        .map(|j| j.id.into_inner())
        .collect();
    assert_eq!(
        later,
        [
            "live-container",
            "live-pending",
            "live-publishing",
            "live-scheduled",
            "future-deferred",
            "future-pending",
            "future-scheduled",
        ]
    );
    // Terminal jobs never, however late, with or without a lease.
    let much_later = b
        .claim_due_jobs("worker-3", at(100_000), LEASE, 100)
        .await
        .expect("claim");
    assert_eq!(much_later.len(), 15, "everything but the terminal jobs");
    assert!(much_later.iter().all(|j| !j.status.is_terminal()));
    for id in ["published", "failed", "cancelled"] {
        let j = b
            .get_job(&acme, &JobId::new(id))
            .await
            .expect("get")
            .expect("present");
        assert_eq!(j.lease_owner, None, "{id} was never claimed");
        assert_eq!(j.attempts, 0, "{id} was never claimed");
    }
}

/// A job scheduled later is not claimed before its time; a cancelled one never is.
pub async fn job_future_not_claimed(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    b.insert_job(scheduled(&acme, "later", 60))
        .await
        .expect("insert");
    b.insert_job(in_status(&acme, "deferred-later", JobStatus::Deferred, 90))
        .await
        .expect("insert");
    b.insert_job(in_status(&acme, "cancelled", JobStatus::Cancelled, 0))
        .await
        .expect("insert");
    // Cancelled while a worker held it, whose lease then lapsed: still never claimed.
    let mut cancelled_leased = in_status(&acme, "cancelled-leased", JobStatus::Cancelled, 0);
    cancelled_leased.lease_owner = Some("w0".into());
    cancelled_leased.lease_expires_at = Some(at(1));
    b.insert_job(cancelled_leased).await.expect("insert");
    assert!(b
        .claim_due_jobs("w", at(59), LEASE, 10)
        .await
        .expect("claim")
        .is_empty());
    // Leased for an hour, so that it stays out of the way below.
    let claimed = b
        .claim_due_jobs("w", at(60), Duration::from_secs(3600), 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].id.as_str(), "later");
    assert!(b
        .claim_due_jobs("w", at(89), LEASE, 10)
        .await
        .expect("claim")
        .is_empty());
    let claimed = b
        .claim_due_jobs("w", at(90), LEASE, 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].id.as_str(), "deferred-later");
    let late = b
        .claim_due_jobs("w2", at(100_000), LEASE, 10)
        .await
        .expect("claim");
    assert!(
        late.iter().all(|j| !j.id.as_str().starts_with("cancelled")),
        "{late:?}"
    );
    for id in ["cancelled", "cancelled-leased"] {
        let j = b
            .get_job(&acme, &JobId::new(id))
            .await
            .expect("get")
            .expect("present");
        assert_eq!(j.attempts, 0);
        assert_eq!(j.status, JobStatus::Cancelled);
    }
}

/// Claims honour the limit, in due order.
pub async fn job_claim_limit(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    for i in 0..5 {
        b.insert_job(scheduled(&acme, &format!("j{i}"), i))
            .await
            .expect("insert");
    }
    assert!(b
        .claim_due_jobs("w", at(10), LEASE, 0)
        .await
        .expect("zero")
        .is_empty());
    let err = b
        .claim_due_jobs("w", at(10), LEASE, 501)
        .await
        .expect_err("limit");
    assert!(
        matches!(err, StoreError::InvalidInput { field: "limit", .. }),
        "{err:?}"
    );
    let first: Vec<_> = b
        .claim_due_jobs("w", at(10), LEASE, 2)
        .await
        .expect("claim")
        .into_iter()
        .map(|j| j.id.into_inner())
        .collect();
    assert_eq!(first, ["j0", "j1"]);
    let rest: Vec<_> = b
        .claim_due_jobs("w", at(10), LEASE, 10)
        .await
        .expect("claim")
        .into_iter()
        .map(|j| j.id.into_inner())
        .collect();
    assert_eq!(rest, ["j2", "j3", "j4"]);
}

/// 8 concurrent claimers get disjoint sets that together are every due job.
pub async fn job_claim_exclusive_concurrent(f: &Fixture) {
    let b = f.backend();
    let companies = [company("acme"), company("globex")];
    for i in 0..40 {
        b.insert_job(scheduled(&companies[i % 2], &format!("j{i}"), 0))
            .await
            .expect("insert");
    }
    // Abandoned in-flight work joins the race too.
    for (i, status) in [
        JobStatus::Pending,
        JobStatus::ContainerCreated,
        JobStatus::Publishing,
        JobStatus::Deferred,
    ]
    .into_iter()
    .enumerate()
    {
        let mut j = in_status(&companies[i % 2], &format!("stale{i}"), status, 0);
        j.lease_owner = Some("crashed".into());
        j.lease_expires_at = Some(at(0));
        j.attempts = 0;
        b.insert_job(j).await.expect("insert");
    }
    let barrier = Arc::new(tokio::sync::Barrier::new(8));
    let tasks: Vec<_> = (0..8)
        .map(|w| {
            let (b, barrier) = (f.backend(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let mut mine = Vec::new();
                loop {
                    let got = b
                        .claim_due_jobs(&format!("worker-{w}"), at(1), LEASE, 3)
                        .await
                        .expect("claim");
                    if got.is_empty() {
                        break;
                    }
                    for j in got {
                        assert_eq!(
                            j.lease_owner.as_deref(),
                            Some(format!("worker-{w}").as_str())
                        );
                        mine.push((j.company, j.id));
                    }
                }
                mine
            })
        })
        .collect();
    let mut seen = HashSet::new();
    for t in tasks {
        for key in t.await.expect("task") {
            assert!(seen.insert(key.clone()), "{key:?} was claimed twice");
        }
    }
    assert_eq!(seen.len(), 44, "every due job claimed exactly once");
    for (c, id) in &seen {
        let j = b.get_job(c, id).await.expect("get").expect("present");
        assert_eq!(j.attempts, 1);
    }
}

/// An expired lease can be claimed by another worker; the old one loses it.
pub async fn job_expired_lease_reclaimable(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    b.insert_job(scheduled(&acme, "j", 0))
        .await
        .expect("insert");
    let first = b
        .claim_due_jobs("w1", at(1), Duration::from_secs(60), 10)
        .await
        .expect("claim");
    assert_eq!(first.len(), 1);
    // Still leased one second before expiry.
    assert!(b
        .claim_due_jobs("w2", at(1) + chrono::Duration::seconds(59), LEASE, 10)
        .await
        .expect("claim")
        .is_empty());
    // Free at the expiry instant.
    let second = b
        .claim_due_jobs("w2", at(2), LEASE, 10)
        .await
        .expect("claim");
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].lease_owner.as_deref(), Some("w2"));
    assert_eq!(second[0].attempts, 2);
    assert_eq!(second[0].version, first[0].version + 1);
    // The first worker lost the lease: it can neither renew, release nor write the job.
    assert_eq!(
        b.renew_lease(&first[0], at(2), LEASE).await.expect("renew"),
        None
    );
    assert!(!b.release_job(&first[0]).await.expect("release"));
    let mut late = first[0].clone();
    late.status = JobStatus::Failed;
    assert_eq!(b.update_job(&late).await.expect("late write"), None);
    let stored = b
        .get_job(&acme, &second[0].id)
        .await
        .expect("get")
        .expect("present");
    assert_eq!(stored.lease_owner.as_deref(), Some("w2"), "w2 keeps it");
}

/// Work in flight when its worker or publisher crashed (lease lapsed, status `Pending`,
/// `ContainerCreated` or `Publishing`) is taken over with its progress intact; while the lease
/// lives, it is not.
pub async fn job_in_flight_takeover_after_lease_expiry(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    for (id, status, containers) in [
        ("p", JobStatus::Pending, vec![]),
        ("c", JobStatus::ContainerCreated, vec!["c1".to_owned()]),
        (
            "x",
            JobStatus::Publishing,
            vec!["c2".to_owned(), "c3".to_owned()],
        ),
    ] {
        // Immediate jobs: no schedule, leased by the publisher that was working on them.
        let mut j = job(&acme, id, &format!("k-{id}"));
        j.status = status;
        j.container_ids = containers;
        j.lease_owner = Some("publisher-1".into());
        j.lease_expires_at = Some(at(2));
        j.attempts = 1;
        b.insert_job(j).await.expect("insert");
    }
    assert!(
        b.claim_due_jobs("w", at(1), LEASE, 10)
            .await
            .expect("claim")
            .is_empty(),
        "live leases are not taken"
    );
    // The publisher renews: still not taken at the old expiry.
    for id in ["p", "c", "x"] {
        let held = b
            .get_job(&acme, &JobId::new(id))
            .await
            .expect("get")
            .expect("present");
        assert_eq!(
            b.renew_lease(&held, at(2), Duration::from_secs(60))
                .await
                .expect("renew"),
            Some(at(3))
        );
    }
    assert!(b
        .claim_due_jobs("w", at(2), LEASE, 10)
        .await
        .expect("claim")
        .is_empty());
    // It crashed: at the lapse, a worker takes everything over.
    let taken = b
        .claim_due_jobs("w", at(3), LEASE, 10)
        .await
        .expect("claim");
    let mut ids: Vec<_> = taken.iter().map(|j| j.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["c", "p", "x"]);
    for j in &taken {
        assert_eq!(j.lease_owner.as_deref(), Some("w"));
        assert_eq!(j.attempts, 2);
    }
    let x = taken.iter().find(|j| j.id.as_str() == "x").expect("x");
    assert_eq!(x.status, JobStatus::Publishing, "progress is kept");
    assert_eq!(x.container_ids, ["c2", "c3"]);
    let c = taken.iter().find(|j| j.id.as_str() == "c").expect("c");
    assert_eq!(c.status, JobStatus::ContainerCreated);
    assert_eq!(c.container_ids, ["c1"]);
    // The crashed publisher, were it to come back, can no longer renew (it last saw version 0).
    let mut crashed = job(&acme, "x", "k-x");
    crashed.lease_owner = Some("publisher-1".into());
    assert_eq!(
        b.renew_lease(&crashed, at(3), LEASE).await.expect("renew"),
        None
    );
}

/// Only the holder of the current version renews or releases (even against a holder of the
/// same name); renewing keeps the version, releasing moves it on; released jobs are claimable
/// again.
pub async fn job_renew_and_release(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    b.insert_job(scheduled(&acme, "j", 0))
        .await
        .expect("insert");
    let id = JobId::new("j");
    let claimed = b
        .claim_due_jobs("w1", at(1), Duration::from_secs(60), 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    let held = claimed[0].clone();
    assert_eq!(
        b.renew_lease(&held, at(29), Duration::from_secs(60))
            .await
            .expect("renew"),
        Some(at(30))
    );
    let j = b.get_job(&acme, &id).await.expect("get").expect("present");
    assert_eq!(j.lease_expires_at, Some(at(30)));
    assert_eq!(j.version, held.version, "a renewal keeps the version");
    // Renewed: not claimable at the original expiry.
    assert!(b
        .claim_due_jobs("w2", at(5), LEASE, 10)
        .await
        .expect("claim")
        .is_empty());
    // An older view of the job (same holder name, earlier version) renews and releases nothing.
    let mut older = held.clone();
    older.version -= 1;
    assert_eq!(
        b.renew_lease(&older, at(6), LEASE).await.expect("renew"),
        None
    );
    assert!(!b.release_job(&older).await.expect("release"));
    assert!(b.release_job(&held).await.expect("release"));
    let j = b.get_job(&acme, &id).await.expect("get").expect("present");
    assert_eq!(j.lease_owner, None);
    assert_eq!(j.lease_expires_at, None);
    assert_eq!(
        j.version,
        held.version + 1,
        "a release moves the version on"
    );
    assert!(!b.release_job(&held).await.expect("release again"));
    assert!(!b.release_job(&j).await.expect("release an unleased job"));
    assert_eq!(
        b.renew_lease(&j, at(6), LEASE).await.expect("renew"),
        None,
        "an unleased job is not renewed"
    );
    // Released and still scheduled: claimable again at once, even by the same name; the
    // earlier claim's view is stale.
    let again = b
        .claim_due_jobs("w1", at(5), LEASE, 10)
        .await
        .expect("claim");
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
    assert_eq!(
        b.renew_lease(&held, at(6), LEASE).await.expect("renew"),
        None
    );
    // Done: a published job is never claimed again, even with its lease gone.
    let mut done = again[0].clone();
    done.status = JobStatus::Published;
    done.lease_owner = None;
    done.lease_expires_at = None;
    b.update_job(&done)
        .await
        .expect("update")
        .expect("current version");
    assert!(b
        .claim_due_jobs("w3", at(100), LEASE, 10)
        .await
        .expect("claim")
        .is_empty());
}

/// Company B can neither read nor change company A's jobs.
pub async fn job_tenant_isolation(f: &Fixture) {
    let b = f.backend();
    let (a, other) = (company("a"), company("b"));
    b.insert_job(scheduled(&a, "j", 0)).await.expect("insert");
    let claimed = b
        .claim_due_jobs("w", at(1), LEASE, 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    let snapshot = b
        .get_job(&a, &JobId::new("j"))
        .await
        .expect("get")
        .expect("present");

    assert!(b
        .get_job(&other, &JobId::new("j"))
        .await
        .expect("get")
        .is_none());
    assert!(b
        .find_job_by_key(&other, "key-j")
        .await
        .expect("find")
        .is_none());
    assert!(b
        .list_jobs(&other, &JobQuery::new())
        .await
        .expect("list")
        .is_empty());
    let mut hijack = snapshot.clone();
    hijack.company = other.clone();
    hijack.status = JobStatus::Cancelled;
    let err = b.update_job(&hijack).await.expect_err("update in B");
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    assert_eq!(
        b.renew_lease(&hijack, at(2), LEASE).await.expect("renew"),
        None
    );
    assert!(!b.release_job(&hijack).await.expect("release"));
    // B reusing A's idempotency key and job id gets its own job.
    let ins = b
        .insert_job(scheduled(&other, "j", 0))
        .await
        .expect("insert b");
    assert!(ins.is_inserted());
    let after = b
        .get_job(&a, &JobId::new("j"))
        .await
        .expect("get")
        .expect("present");
    assert_eq!(after, snapshot, "A's job is untouched");
}

/// `acquire_job` leases one given job whatever its schedule, unless it is terminal or a lease on
/// it is live (even the caller's own name's); it moves the version on, leaves `attempts` alone
/// and excludes claimers while held.
pub async fn job_acquire_targeted(f: &Fixture) {
    let b = f.backend();
    let acme = company("acme");
    b.insert_job(scheduled(&acme, "a-future", 600))
        .await
        .expect("insert");
    b.insert_job(in_status(&acme, "a-due", JobStatus::Scheduled, 0))
        .await
        .expect("insert");
    b.insert_job(in_status(&acme, "a-published", JobStatus::Published, 0))
        .await
        .expect("insert");
    let future = JobId::new("a-future");
    let got = b
        .acquire_job(&acme, &future, "canceller", at(1), Duration::from_secs(60))
        .await
        .expect("acquire")
        .expect("free job");
    assert_eq!(got.lease_owner.as_deref(), Some("canceller"));
    assert_eq!(got.lease_expires_at, Some(at(2)));
    assert_eq!(got.attempts, 0, "acquiring is not an attempt");
    assert_eq!(got.version, 1, "acquiring moves the version on");
    assert_eq!(got.status, JobStatus::Scheduled);
    assert_eq!(
        b.get_job(&acme, &future).await.expect("get"),
        Some(got.clone())
    );
    // Held: nobody acquires it, even a second before expiry, not even under the holder's name
    // (that is another task of the same holder, which must not run the job a second time).
    for name in ["other", "canceller"] {
        assert!(b
            .acquire_job(
                &acme,
                &future,
                name,
                at(2) - chrono::Duration::seconds(1),
                LEASE
            )
            .await
            .expect("acquire")
            .is_none());
    }
    // At the expiry instant it is free again, and the version moves on once more.
    let again = b
        .acquire_job(&acme, &future, "canceller", at(2), Duration::from_secs(60))
        .await
        .expect("acquire")
        .expect("lapsed");
    assert_eq!(again.lease_expires_at, Some(at(3)));
    assert_eq!(again.version, 2);
    // A due job that is acquired is not claimed; one claimed by a worker cannot be acquired
    // while the claim lives.
    b.insert_job(in_status(&acme, "a-held", JobStatus::Deferred, 0))
        .await
        .expect("insert");
    assert!(b
        .acquire_job(&acme, &JobId::new("a-held"), "canceller", at(1), LEASE)
        .await
        .expect("acquire")
        .is_some());
    let claimed = b
        .claim_due_jobs("worker", at(1), Duration::from_secs(60), 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].id.as_str(), "a-due");
    assert!(b
        .acquire_job(&acme, &JobId::new("a-due"), "canceller", at(1), LEASE)
        .await
        .expect("acquire")
        .is_none());
    // Once the lease lapses, anyone may acquire.
    assert!(b
        .acquire_job(&acme, &JobId::new("a-due"), "canceller", at(3), LEASE)
        .await
        .expect("acquire")
        .is_some());
    // Terminal, unknown, or another tenant's: never.
    assert!(b
        .acquire_job(&acme, &JobId::new("a-published"), "c", at(1), LEASE)
        .await
        .expect("acquire")
        .is_none());
    assert!(b
        .acquire_job(&acme, &JobId::new("nope"), "c", at(1), LEASE)
        .await
        .expect("acquire")
        .is_none());
    assert!(b
        .acquire_job(&company("other"), &future, "c", at(100), LEASE)
        .await
        .expect("acquire")
        .is_none());
    let published = b
        .get_job(&acme, &JobId::new("a-published"))
        .await
        .expect("get")
        .expect("present");
    assert_eq!(published.lease_owner, None);
}
