//! Exactly once under races, on every backend (memory, SQLite, Postgres): concurrent retries of
//! a failed job with one key, a worker that wakes up after its lease was taken over, and two
//! workers configured with the same id. Each counts the posts the sandbox holds.
//!
//! Postgres cases are ignored (not passed) unless `INSTAGRAPH_TEST_POSTGRES_URL` is set.

mod pg_support;
mod scheduler_support;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use instagraph::publisher::{PublishOptions, Publisher};
use instagraph::store::{JobRecord, JobStatus, Store, StoreBackend};
use instagraph::{CompanyId, Error};
use scheduler_support::{fast_options, ig, image, key, Process, IG_BAKERY};

const ROUNDS: usize = 100;

/// The store a case runs on, and whatever must live as long as it.
struct Backend {
    store: Store,
    _keep: Box<dyn std::any::Any + Send>,
}

async fn memory() -> Backend {
    Backend {
        store: Store::memory(key()),
        _keep: Box::new(()),
    }
}

async fn sqlite() -> Backend {
    let (dir, path) = scheduler_support::db_path();
    Backend {
        store: Store::sqlite(&path, key()).await.expect("sqlite"),
        _keep: Box::new(dir),
    }
}

async fn postgres() -> Backend {
    let (store, guard) = pg_support::fresh_store("races").await;
    Backend {
        store: Store::new(Arc::new(store), key()),
        _keep: Box::new(guard),
    }
}

/// A sandbox with room for every post of a case, and a process connected to it.
async fn setup(backend: &Backend) -> (instagraph_sandbox::Sandbox, Process, CompanyId) {
    let sandbox = scheduler_support::sandbox(10_000).await;
    let process = Process::over(&sandbox, backend.store.clone());
    let company = CompanyId::new("acme");
    process.connect_alice(&sandbox, &company).await;
    (sandbox, process, company)
}

fn jobs(process: &Process) -> &Arc<dyn StoreBackend> {
    process.store.backend()
}

/// 100 rounds: a job that failed (so nothing was published) is retried by two `publish` calls
/// with its key at once. Exactly one restarts it; both get the one post.
async fn concurrent_retries_of_a_failed_job(backend: Backend) {
    let (sandbox, process, company) = setup(&backend).await;
    let publisher: &Publisher = process.scheduler.publisher();
    let account = ig(IG_BAKERY);
    for round in 0..ROUNDS {
        let key = format!("failed-{round}");
        let mut failed = JobRecord::new(
            company.clone(),
            account.clone(),
            key.clone(),
            image(round).to_payload().expect("payload"),
        );
        failed.status = JobStatus::Failed;
        failed.error = Some("the token was revoked".into());
        jobs(&process).insert_job(failed).await.expect("insert");

        // Two tasks, so that on a multi-thread runtime the calls truly run at once.
        let publish = || {
            let (publisher, company, account) =
                (publisher.clone(), company.clone(), account.clone());
            let options = PublishOptions::new().idempotency_key(key.clone());
            tokio::spawn(async move {
                publisher
                    .publish(&company, &account, image(round), options)
                    .await
            })
        };
        let (a, b) = tokio::join!(publish(), publish());
        let (a, b) = (a.expect("task"), b.expect("task"));
        let (a, b) = (a.expect("first retry"), b.expect("second retry"));
        assert_eq!(a.media_id, b.media_id, "round {round}: one post for both");
        assert!(
            a.replayed != b.replayed,
            "round {round}: one call ran it, the other got its result"
        );
        assert_eq!(
            sandbox.published_count(IG_BAKERY),
            round + 1,
            "round {round}: exactly one post"
        );
    }
}

/// A worker claims a job and stalls before it runs it; its lease lapses and another worker
/// (with the same id, as containers that all run `worker-1` would have) claims the job. When the
/// first wakes up the two run at once: only the current holder publishes, the stalled one finds
/// out before it acts and never overwrites the job.
async fn stalled_worker_cannot_publish_after_a_takeover(backend: Backend) {
    let (sandbox, process, company) = setup(&backend).await;
    let publisher = process.scheduler.publisher();
    for round in 0..10 {
        let job = JobRecord::new(
            company.clone(),
            ig(IG_BAKERY),
            format!("stalled-{round}"),
            image(round).to_payload().expect("payload"),
        )
        .scheduled(Utc::now() - chrono::Duration::minutes(1));
        jobs(&process).insert_job(job).await.expect("insert");
        // The first claim's lease is over as soon as it is taken: the claimer "stalled".
        let stalled = jobs(&process)
            .claim_due_jobs("worker-1", Utc::now(), Duration::from_millis(1), 1)
            .await
            .expect("claim")
            .pop()
            .expect("due job");
        tokio::time::sleep(Duration::from_millis(20)).await;
        let current = jobs(&process)
            .claim_due_jobs("worker-1", Utc::now(), Duration::from_secs(60), 1)
            .await
            .expect("claim")
            .pop()
            .expect("the lapsed job is claimed again");
        assert_eq!(current.id, stalled.id);

        let (late, live) = tokio::join!(
            publisher.execute_job(stalled, "worker-1"),
            publisher.execute_job(current, "worker-1"),
        );
        let live = live.expect("the current holder publishes");
        assert_eq!(live.status, JobStatus::Published);
        assert!(
            matches!(late, Err(Error::LeaseLost { .. })),
            "round {round}: the stalled run must stop: {late:?}"
        );
        let stored = jobs(&process)
            .get_job(&company, &live.id)
            .await
            .expect("get")
            .expect("present");
        assert_eq!(stored.status, JobStatus::Published);
        assert_eq!(stored.media_id, live.media_id, "never overwritten");
        assert_eq!(
            sandbox.published_count(IG_BAKERY),
            round + 1,
            "round {round}: one post"
        );
    }
}

/// Two workers configured with the same id share the work and publish every job once.
async fn two_workers_with_one_id(backend: Backend) {
    let (sandbox, process, company) = setup(&backend).await;
    const JOBS: usize = 40;
    for i in 0..JOBS {
        process
            .scheduler
            .schedule(&company, &ig(IG_BAKERY), image(i), Utc::now(), None)
            .await
            .expect("schedule");
    }
    let workers: Vec<_> = (0..2)
        .map(|_| {
            process
                .scheduler
                .worker("worker-1")
                .with_options(fast_options())
        })
        .collect();
    let run = |w: instagraph::publisher::Worker| async move {
        let mut published = 0;
        for _ in 0..200 {
            let report = w.run_once().await.expect("tick");
            published += report.published;
            if report.claimed == 0 {
                break;
            }
        }
        published
    };
    let mut it = workers.into_iter();
    let (a, b) = tokio::join!(run(it.next().unwrap()), run(it.next().unwrap()));
    assert_eq!(a + b, JOBS as u64);
    assert_eq!(sandbox.published_count(IG_BAKERY), JOBS);
    let listed = process
        .scheduler
        .list(&company, Some(JobStatus::Published))
        .await
        .expect("list");
    assert_eq!(listed.len(), JOBS);
}

macro_rules! on_every_backend {
    ($($case:ident),+ $(,)?) => {
        mod memory_store {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case(super::memory().await).await
                }
            )+
        }
        mod sqlite_store {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case(super::sqlite().await).await
                }
            )+
        }
        mod postgres_store {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(not(instagraph_pg), ignore = "set INSTAGRAPH_TEST_POSTGRES_URL to run")]
                async fn $case() {
                    super::$case(super::postgres().await).await
                }
            )+
        }
    };
}

on_every_backend!(
    concurrent_retries_of_a_failed_job,
    stalled_worker_cannot_publish_after_a_takeover,
    two_workers_with_one_id,
);
