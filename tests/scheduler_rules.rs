//! The Scheduler against the sandbox: schedule, list, cancel and reschedule rules; a due job is
//! published once and a future one is not; quota deferral with a visible status; retries and
//! failures; a crashed worker's job is taken over after its lease; graceful shutdown.

mod scheduler_support;

use std::time::Duration;

use chrono::Utc;
use instagraph::publisher::{Post, TickReport};
use instagraph::store::JobStatus;
use instagraph::{CompanyId, Error, JobId};
use instagraph_sandbox::Faults;
use scheduler_support::*;

async fn setup(
    quota: u32,
) -> (
    instagraph_sandbox::Sandbox,
    Process,
    CompanyId,
    tempfile::TempDir,
) {
    let sandbox = sandbox(quota).await;
    let (dir, path) = db_path();
    let p = Process::open(&sandbox, &path).await;
    let company = CompanyId::new("acme");
    p.connect_alice(&sandbox, &company).await;
    (sandbox, p, company, dir)
}

fn invalid_reason(e: &Error) -> String {
    match e {
        Error::InvalidInput { reason, .. } => reason.clone(),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[tokio::test]
async fn schedule_validates_stores_and_is_idempotent() {
    let (_sb, p, company, _dir) = setup(100).await;
    let s = &p.scheduler;
    let at = Utc::now() + chrono::Duration::hours(2);

    // Same validation as publish: nothing is stored.
    let too_long = Post::image("https://img.example.com/a.jpg").caption("x".repeat(2201));
    let err = s
        .schedule(&company, &ig(IG_BAKERY), too_long, at, None)
        .await
        .expect_err("caption too long");
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    let carousel_of_one = Post::carousel([instagraph::publisher::MediaItem::image(
        "https://img.example.com/a.jpg",
    )]);
    assert!(s
        .schedule(&company, &ig(IG_BAKERY), carousel_of_one, at, None)
        .await
        .is_err());
    let err = s
        .schedule(&company, &ig("999"), image(1), at, None)
        .await
        .expect_err("unknown account");
    assert!(
        matches!(
            err,
            Error::NotFound {
                what: "account",
                ..
            }
        ),
        "{err:?}"
    );
    let err = s
        .schedule(&company, &ig(IG_BAKERY), image(1), at, Some("  ".into()))
        .await
        .expect_err("blank key");
    assert!(
        matches!(
            err,
            Error::InvalidInput {
                field: "idempotency_key",
                ..
            }
        ),
        "{err:?}"
    );
    // Another tenant cannot schedule on acme's accounts.
    let err = s
        .schedule(
            &CompanyId::new("globex"),
            &ig(IG_BAKERY),
            image(1),
            at,
            None,
        )
        .await
        .expect_err("other tenant");
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(s.list(&company, None).await.expect("list").is_empty());

    let job = s
        .schedule(
            &company,
            &ig(IG_BAKERY),
            image(1),
            at,
            Some("launch".into()),
        )
        .await
        .expect("schedule");
    assert_eq!(job.status, JobStatus::Scheduled);
    assert_eq!(job.idempotency_key, "launch");
    assert_eq!(job.scheduled_at, Some(instagraph::store::truncate_time(at)));
    assert_eq!(job.attempts, 0);
    assert_eq!(job.lease_owner, None);
    assert_eq!(Post::from_payload(&job.payload).expect("post"), image(1));
    // The same key again: the first job, unchanged.
    let again = s
        .schedule(
            &company,
            &ig(IG_BAKERY),
            image(2),
            at + chrono::Duration::hours(1),
            Some("launch".into()),
        )
        .await
        .expect("again");
    assert_eq!(again, job);
    // Without a key, every call is a new job.
    let a = s
        .schedule(&company, &ig(IG_TRAVELS), image(3), at, None)
        .await
        .expect("a");
    let b = s
        .schedule(&company, &ig(IG_TRAVELS), image(3), at, None)
        .await
        .expect("b");
    assert_ne!(a.id, b.id);
    assert_eq!(s.list(&company, None).await.expect("list").len(), 3);
    assert_eq!(s.get(&company, &job.id).await.expect("get"), job);
}

#[tokio::test]
async fn list_filters_by_status_and_tenant() {
    let (sb, p, company, _dir) = setup(100).await;
    let s = &p.scheduler;
    let later = Utc::now() + chrono::Duration::hours(1);
    let j1 = s
        .schedule(&company, &ig(IG_BAKERY), image(1), later, None)
        .await
        .expect("j1");
    let j2 = s
        .schedule(&company, &ig(IG_BAKERY), image(2), later, None)
        .await
        .expect("j2");
    s.cancel(&company, &j2.id).await.expect("cancel");
    let globex = CompanyId::new("globex");
    p.connect_alice(&sb, &globex).await;
    s.schedule(&globex, &ig(IG_BAKERY), image(3), later, None)
        .await
        .expect("globex");

    let all: Vec<_> = s
        .list(&company, None)
        .await
        .expect("list")
        .into_iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(
        all,
        vec![j2.id.clone(), j1.id.clone()],
        "newest first, acme only"
    );
    let scheduled = in_status(s, &company, JobStatus::Scheduled).await;
    assert_eq!(scheduled.len(), 1);
    assert_eq!(scheduled[0].id, j1.id);
    let cancelled = in_status(s, &company, JobStatus::Cancelled).await;
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0].id, j2.id);
    assert!(in_status(s, &company, JobStatus::Published)
        .await
        .is_empty());
    assert_eq!(s.list(&globex, None).await.expect("list").len(), 1);
    let err = s.get(&globex, &j1.id).await.expect_err("other tenant");
    assert!(
        matches!(err, Error::NotFound { what: "job", .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn cancel_rules() {
    let (_sb, p, company, _dir) = setup(100).await;
    let s = &p.scheduler;
    let store = p.store.backend().clone();
    let later = Utc::now() + chrono::Duration::hours(1);
    let bakery = ig(IG_BAKERY);
    let sched = |i| s.schedule(&company, &bakery, image(i), later, None);

    // Scheduled: cancelled, and never claimed afterwards, even when due.
    let j = sched(1).await.expect("schedule");
    let c = s.cancel(&company, &j.id).await.expect("cancel");
    assert_eq!(c.status, JobStatus::Cancelled);
    assert_eq!(c.lease_owner, None);
    assert_eq!(s.get(&company, &j.id).await.expect("get"), c);
    assert_eq!(
        s.cancel(&company, &j.id).await.expect("cancel again"),
        c,
        "cancelling twice is harmless"
    );
    let err = s
        .reschedule(&company, &j.id, Utc::now())
        .await
        .expect_err("cancelled cannot be rescheduled");
    assert!(invalid_reason(&err).contains("cancelled"), "{err}");
    assert!(store
        .claim_due_jobs(
            "probe",
            Utc::now() + chrono::Duration::days(2),
            SHORT_LEASE,
            10
        )
        .await
        .expect("claim")
        .iter()
        .all(|x| x.id != j.id));

    // Deferred: cancellable.
    let j = sched(2).await.expect("schedule");
    let mut d = j.clone();
    d.status = JobStatus::Deferred;
    store.update_job(&d).await.expect("update");
    assert_eq!(
        s.cancel(&company, &j.id).await.expect("cancel").status,
        JobStatus::Cancelled
    );

    // ContainerCreated, no publish attempted, nobody holding it: cancellable.
    let j = sched(3).await.expect("schedule");
    let mut cc = j.clone();
    cc.status = JobStatus::ContainerCreated;
    cc.container_ids = vec!["17900000000000001".into()];
    store.update_job(&cc).await.expect("update");
    assert_eq!(
        s.cancel(&company, &j.id).await.expect("cancel").status,
        JobStatus::Cancelled
    );

    // Publishing: a publish was attempted: refused, naming the state.
    let j = sched(4).await.expect("schedule");
    let mut pb = j.clone();
    pb.status = JobStatus::Publishing;
    store.update_job(&pb).await.expect("update");
    let err = s.cancel(&company, &j.id).await.expect_err("publishing");
    assert!(invalid_reason(&err).contains("publishing"), "{err}");
    let after = s.get(&company, &j.id).await.expect("get");
    assert_eq!(after.status, JobStatus::Publishing);
    assert_eq!(
        after.lease_owner, None,
        "the refusal leaves no lease behind"
    );

    // Held by a worker right now: refused as in progress, the worker keeps it.
    let j = s
        .schedule(&company, &ig(IG_BAKERY), image(5), Utc::now(), None)
        .await
        .expect("schedule");
    let claimed = store
        .claim_due_jobs("worker-x", Utc::now(), Duration::from_secs(60), 10)
        .await
        .expect("claim");
    assert!(claimed.iter().any(|x| x.id == j.id));
    let err = s.cancel(&company, &j.id).await.expect_err("in progress");
    let reason = invalid_reason(&err);
    assert!(
        reason.contains("in progress") && reason.contains("worker-x"),
        "{reason}"
    );
    let held = s.get(&company, &j.id).await.expect("get");
    assert_eq!(held.lease_owner.as_deref(), Some("worker-x"));
    assert_eq!(held.status, JobStatus::Scheduled);

    // Published: refused, naming the state.
    let j = sched(6).await.expect("schedule");
    let mut done = j.clone();
    done.status = JobStatus::Published;
    done.media_id = Some("18000000000000001".into());
    store.update_job(&done).await.expect("update");
    let err = s.cancel(&company, &j.id).await.expect_err("published");
    let reason = invalid_reason(&err);
    assert!(
        reason.contains("published") && reason.contains("18000000000000001"),
        "{reason}"
    );

    // Unknown, or another tenant's: not found.
    let err = s
        .cancel(&company, &JobId::new("nope"))
        .await
        .expect_err("unknown");
    assert!(
        matches!(err, Error::NotFound { what: "job", .. }),
        "{err:?}"
    );
    let err = s
        .cancel(&CompanyId::new("globex"), &j.id)
        .await
        .expect_err("other tenant");
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn reschedule_rules() {
    let (sb, p, company, _dir) = setup(100).await;
    let s = &p.scheduler;
    let store = p.store.backend().clone();
    let later = Utc::now() + chrono::Duration::hours(1);
    let j = s
        .schedule(&company, &ig(IG_BAKERY), image(1), later, None)
        .await
        .expect("schedule");

    // Further into the future: still not due.
    let much_later = later + chrono::Duration::hours(5);
    let r = s
        .reschedule(&company, &j.id, much_later)
        .await
        .expect("reschedule");
    assert_eq!(r.status, JobStatus::Scheduled);
    assert_eq!(
        r.scheduled_at,
        Some(instagraph::store::truncate_time(much_later))
    );
    assert_eq!(r.lease_owner, None);
    let worker = p.scheduler.worker("w1").with_options(fast_options());
    assert_eq!(worker.run_once().await.expect("tick").claimed, 0);

    // A deferred job rescheduled is Scheduled again, its error cleared.
    let mut d = r.clone();
    d.status = JobStatus::Deferred;
    d.error = Some("quota".into());
    store.update_job(&d).await.expect("update");
    // Into the past: due now, and published by the next tick.
    let r = s
        .reschedule(&company, &j.id, Utc::now() - chrono::Duration::minutes(1))
        .await
        .expect("reschedule");
    assert_eq!(r.status, JobStatus::Scheduled);
    assert_eq!(r.error, None);
    let before = sb.published_count(IG_BAKERY);
    let report = worker.run_once().await.expect("tick");
    assert_eq!(report.claimed, 1);
    assert_eq!(report.published, 1);
    assert_eq!(sb.published_count(IG_BAKERY), before + 1);

    // Published, Pending, Publishing, ContainerCreated: refused, naming the state.
    let err = s
        .reschedule(&company, &j.id, later)
        .await
        .expect_err("published");
    assert!(invalid_reason(&err).contains("published"), "{err}");
    for status in [
        JobStatus::Pending,
        JobStatus::Publishing,
        JobStatus::ContainerCreated,
    ] {
        let k = s
            .schedule(&company, &ig(IG_BAKERY), image(2), later, None)
            .await
            .expect("schedule");
        let mut x = k.clone();
        x.status = status;
        store.update_job(&x).await.expect("update");
        let err = s
            .reschedule(&company, &k.id, Utc::now())
            .await
            .expect_err("refused");
        assert!(invalid_reason(&err).contains(status.as_str()), "{err}");
        assert_eq!(s.get(&company, &k.id).await.expect("get").status, status);
    }
    let err = s
        .reschedule(&company, &JobId::new("nope"), later)
        .await
        .expect_err("unknown");
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn a_due_job_is_published_once_and_a_future_one_is_not() {
    let (sb, p, company, _dir) = setup(100).await;
    let s = &p.scheduler;
    let due = s
        .schedule(
            &company,
            &ig(IG_BAKERY),
            image(1),
            Utc::now() - chrono::Duration::seconds(5),
            None,
        )
        .await
        .expect("due");
    let future = s
        .schedule(
            &company,
            &ig(IG_BAKERY),
            image(2),
            Utc::now() + chrono::Duration::hours(1),
            None,
        )
        .await
        .expect("future");
    let before = sb.published_count(IG_BAKERY);
    let worker = s.worker("w1").with_options(fast_options());
    let report = worker.run_once().await.expect("tick");
    assert_eq!(
        report,
        TickReport {
            claimed: 1,
            published: 1,
            ..TickReport::default()
        }
    );
    let done = s.get(&company, &due.id).await.expect("get");
    assert_eq!(done.status, JobStatus::Published);
    assert!(done.media_id.is_some());
    assert!(done.permalink.is_some());
    assert_eq!(done.lease_owner, None);
    assert_eq!(done.attempts, 1);
    assert_eq!(sb.published_count(IG_BAKERY), before + 1);

    // Nothing more: the published one is not claimed again, the future one not yet.
    let another = s.worker("w2").with_options(fast_options());
    for w in [&worker, &another] {
        assert_eq!(w.run_once().await.expect("tick"), TickReport::default());
    }
    assert_eq!(sb.published_count(IG_BAKERY), before + 1);
    let still = s.get(&company, &future.id).await.expect("get");
    assert_eq!(still.status, JobStatus::Scheduled);
    assert_eq!(still.attempts, 0);
}

#[tokio::test]
async fn over_quota_jobs_are_deferred_with_a_visible_reason() {
    let (sb, p, company, _dir) = setup(2).await;
    let s = &p.scheduler;
    let now = Utc::now();
    for i in 0..3 {
        s.schedule(&company, &ig(IG_BAKERY), image(i), now, None)
            .await
            .expect("schedule");
    }
    let worker = s.worker("w1").with_options(fast_options());
    let report = worker.run_once().await.expect("tick");
    assert_eq!(report.claimed, 3);
    assert_eq!(report.published, 2);
    assert_eq!(report.deferred, 1);
    assert_eq!(sb.published_count(IG_BAKERY), 2);

    let deferred = in_status(s, &company, JobStatus::Deferred).await;
    assert_eq!(deferred.len(), 1);
    let d = &deferred[0];
    let reason = d.error.as_deref().expect("a reason");
    assert!(reason.contains("quota"), "{reason}");
    assert!(reason.contains(IG_BAKERY), "{reason}");
    let frees_at = d.scheduled_at.expect("due again when the quota frees");
    let hours = (frees_at - now).num_minutes() as f64 / 60.0;
    assert!((23.0..=24.5).contains(&hours), "frees in {hours} h");
    assert_eq!(d.lease_owner, None, "released");
    assert_eq!(d.attempts, 0, "a deferral gives the attempt back");

    // Not retried before then.
    assert_eq!(worker.run_once().await.expect("tick").claimed, 0);
    // Rescheduling it does not beat the quota: deferred again.
    s.reschedule(&company, &d.id, Utc::now())
        .await
        .expect("reschedule");
    let report = worker.run_once().await.expect("tick");
    assert_eq!((report.claimed, report.deferred), (1, 1));
    assert_eq!(sb.published_count(IG_BAKERY), 2);
}

#[tokio::test]
async fn retryable_failures_back_off_and_permanent_ones_fail() {
    let (sb, p, company, _dir) = setup(100).await;
    let s = &p.scheduler;
    // A format Meta refuses: permanent.
    let bad = s
        .schedule(
            &company,
            &ig(IG_BAKERY),
            Post::image("https://img.example.com/bad-format.jpg").caption("bad"),
            Utc::now(),
            None,
        )
        .await
        .expect("schedule");
    let worker = s.worker("w1").with_options(fast_options());
    let report = worker.run_once().await.expect("tick");
    assert_eq!((report.claimed, report.failed), (1, 1), "{report:?}");
    let failed = s.get(&company, &bad.id).await.expect("get");
    assert_eq!(failed.status, JobStatus::Failed);
    assert!(failed.error.is_some());
    assert_eq!(failed.lease_owner, None);

    // Every Graph call fails transiently: retried with a backoff, then failed after the
    // bounded attempts.
    sb.set_faults(Faults {
        transient_rate: 1.0,
        seed: Some(7),
        ..Faults::default()
    });
    let flaky = s
        .schedule(&company, &ig(IG_TRAVELS), image(1), Utc::now(), None)
        .await
        .expect("schedule");
    let options = instagraph::publisher::WorkerOptions {
        max_attempts: 2,
        retry_backoff: Duration::from_millis(300),
        ..fast_options()
    };
    let worker = s.worker("w2").with_options(options);
    let report = worker.run_once().await.expect("tick");
    assert_eq!((report.claimed, report.retried), (1, 1), "{report:?}");
    let j = s.get(&company, &flaky.id).await.expect("get");
    assert_eq!(j.status, JobStatus::Scheduled);
    assert!(
        j.error
            .as_deref()
            .is_some_and(|e| e.contains("attempt 1 of 2")),
        "{:?}",
        j.error
    );
    assert!(j.scheduled_at.expect("backoff") > Utc::now());
    assert_eq!(j.lease_owner, None);
    assert_eq!(
        worker.run_once().await.expect("tick").claimed,
        0,
        "backing off"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let report = worker.run_once().await.expect("tick");
    assert_eq!((report.claimed, report.failed), (1, 1), "{report:?}");
    let j = s.get(&company, &flaky.id).await.expect("get");
    assert_eq!(j.status, JobStatus::Failed);
    assert!(
        j.error
            .as_deref()
            .is_some_and(|e| e.contains("gave up after 2")),
        "{:?}",
        j.error
    );
    assert_eq!(sb.published_count(IG_TRAVELS), 0);
}

#[tokio::test]
async fn a_crashed_workers_job_is_taken_over_after_its_lease() {
    let (sb, p, company, _dir) = setup(100).await;
    let s = &p.scheduler;
    let store = p.store.backend().clone();
    let j = s
        .schedule(&company, &ig(IG_BAKERY), image(1), Utc::now(), None)
        .await
        .expect("schedule");
    // A worker claims it and dies before doing anything.
    let claimed = store
        .claim_due_jobs("dead-worker", Utc::now(), SHORT_LEASE, 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    let worker = s.worker("alive").with_options(fast_options());
    assert_eq!(
        worker.run_once().await.expect("tick").claimed,
        0,
        "live lease"
    );
    tokio::time::sleep(SHORT_LEASE + Duration::from_millis(100)).await;
    let report = worker.run_once().await.expect("tick");
    assert_eq!((report.claimed, report.published), (1, 1), "{report:?}");
    let done = s.get(&company, &j.id).await.expect("get");
    assert_eq!(done.status, JobStatus::Published);
    assert_eq!(done.attempts, 2);
    assert_eq!(sb.published_count(IG_BAKERY), 1);
}

#[tokio::test]
async fn run_until_publishes_due_jobs_and_stops_at_shutdown() {
    let (sb, p, company, _dir) = setup(100).await;
    let s = p.scheduler.clone();
    let worker = s.worker("looper").with_options(fast_options());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        worker
            .run_until(async {
                let _ = rx.await;
            })
            .await
    });
    let soon = Utc::now() + chrono::Duration::milliseconds(300);
    let mut ids = Vec::new();
    for i in 0..6 {
        let account = ALICE_ACCOUNTS[i % 3];
        ids.push(
            s.schedule(&company, &ig(account), image(i), soon, None)
                .await
                .expect("schedule")
                .id,
        );
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while in_status(&s, &company, JobStatus::Published).await.len() < 6 {
        assert!(tokio::time::Instant::now() < deadline, "not all published");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(published_total(&sb), 6);
    tx.send(()).expect("worker alive");
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("stops promptly")
        .expect("task")
        .expect("run_until");
    // A job due after the shutdown stays for another worker.
    let late = s
        .schedule(&company, &ig(IG_BAKERY), image(9), Utc::now(), None)
        .await
        .expect("schedule");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        s.get(&company, &late.id).await.expect("get").status,
        JobStatus::Scheduled
    );
}

#[tokio::test]
async fn invalid_worker_options_are_refused() {
    let (_sb, p, _company, _dir) = setup(100).await;
    for (options, field) in [
        (
            instagraph::publisher::WorkerOptions {
                batch: 0,
                ..fast_options()
            },
            "batch",
        ),
        (
            instagraph::publisher::WorkerOptions {
                concurrency: 0,
                ..fast_options()
            },
            "concurrency",
        ),
        (
            instagraph::publisher::WorkerOptions {
                lease: Duration::ZERO,
                ..fast_options()
            },
            "lease",
        ),
    ] {
        let w = p.scheduler.worker("w").with_options(options);
        match w.run_once().await {
            Err(Error::InvalidInput { field: f, .. }) => assert_eq!(f, field),
            other => panic!("expected InvalidInput {field}, got {other:?}"),
        }
    }
    let nameless = p.scheduler.worker(" ");
    match nameless.run_until(async {}).await {
        Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "worker_id"),
        other => panic!("expected InvalidInput worker_id, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_longer_than_the_lease_keeps_it() {
    let (sb, p, company, _dir) = setup(100).await;
    let s = p.scheduler.clone();
    let j = s
        .schedule(&company, &ig(IG_BAKERY), image(1), Utc::now(), None)
        .await
        .expect("schedule");
    // Warm the publisher's quota reading, then make every Graph call outlast the lease.
    s.publisher()
        .quota(&company, &ig(IG_BAKERY))
        .await
        .expect("quota");
    // Seconds, not milliseconds: the renewals (every lease/3) must keep the lease on a machine
    // loaded many times over; the test checks the rule, not the speed.
    let lease = Duration::from_secs(3);
    sb.set_faults(Faults {
        slow_ms: 4_000,
        ..Faults::default()
    });
    let options = instagraph::publisher::WorkerOptions {
        lease,
        ..fast_options()
    };
    let slow = s.worker("slow").with_options(options.clone());
    let run = tokio::spawn(async move { slow.run_once().await });
    let started = tokio::time::Instant::now();
    while s
        .get(&company, &j.id)
        .await
        .expect("get")
        .lease_owner
        .map_or(true, |owner| !owner.starts_with("slow/"))
    {
        assert!(started.elapsed() < Duration::from_secs(60), "never claimed");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Meanwhile another worker keeps trying to take the job.
    let rival = s.worker("rival").with_options(options);
    while !run.is_finished() {
        assert_eq!(
            rival.run_once().await.expect("tick").claimed,
            0,
            "lease kept"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let report = run.await.expect("task").expect("tick");
    assert!(started.elapsed() > lease * 2, "the run outlasted the lease");
    assert_eq!((report.claimed, report.published), (1, 1), "{report:?}");
    let done = s.get(&company, &j.id).await.expect("get");
    assert_eq!(done.status, JobStatus::Published);
    assert_eq!(done.attempts, 1);
    assert_eq!(sb.published_count(IG_BAKERY), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_running_jobs_and_releases_the_rest() {
    let (sb, p, company, _dir) = setup(100).await;
    let s = p.scheduler.clone();
    for i in 0..4 {
        s.schedule(&company, &ig(IG_BAKERY), image(i), Utc::now(), None)
            .await
            .expect("schedule");
    }
    sb.set_faults(Faults {
        slow_ms: 150,
        ..Faults::default()
    });
    let options = instagraph::publisher::WorkerOptions {
        batch: 4,
        concurrency: 1,
        ..fast_options()
    };
    let worker = s.worker("one-at-a-time").with_options(options);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        worker
            .run_until(async {
                let _ = rx.await;
            })
            .await
    });
    // Wait until it holds all four, then ask it to stop.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let held = s
            .list(&company, None)
            .await
            .expect("list")
            .iter()
            .filter(|j| {
                j.lease_owner
                    .as_deref()
                    .is_some_and(|o| o.starts_with("one-at-a-time/"))
            })
            .count();
        if held == 4 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never claimed");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tx.send(()).expect("alive");
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("stops")
        .expect("task")
        .expect("run_until");
    let jobs = s.list(&company, None).await.expect("list");
    let published = jobs
        .iter()
        .filter(|j| j.status == JobStatus::Published)
        .count();
    assert_eq!(
        published, 1,
        "the running job was finished, no other started"
    );
    assert_eq!(sb.published_count(IG_BAKERY), 1);
    for j in jobs.iter().filter(|j| j.status != JobStatus::Published) {
        assert_eq!(j.status, JobStatus::Scheduled);
        assert_eq!(j.lease_owner, None, "released at shutdown");
    }
    // Another worker takes them at once.
    sb.set_faults(Faults::default());
    let next = s.worker("next").with_options(fast_options());
    let report = next.run_once().await.expect("tick");
    assert_eq!((report.claimed, report.published), (3, 3), "{report:?}");
}
