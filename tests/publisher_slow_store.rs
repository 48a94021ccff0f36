//! A store slower than the lease renewal: every write of a job takes longer than a third of the
//! lease, so a renewal always falls due while the run is writing. The run must still finish
//! (the renewal waits for the write, the write is not starved by the renewal) and publish once.
//!
//! This is the deadlock a loaded SQLite file showed in the multi-process test: the renewal
//! waited for the job record the run held across its write, while the run was not polled.

mod flow_support;

use std::sync::Arc;
use std::time::Duration;

use flow_support::{client_builder, Flow};
use instagraph::publisher::{Post, PublishOptions, Publisher, PublisherConfig, WaitPolicy};
use instagraph::store::kv::{KeyValueStore, KvBackend, MemoryKv};
use instagraph::store::{JobStatus, SealingKey, Store, StoreResult};
use instagraph::{AccountManager, CompanyId, IgUserId};
use instagraph_sandbox::Sandbox;

const LEASE: Duration = Duration::from_millis(600);
/// Longer than the renewal period (a third of the lease).
const JOB_WRITE: Duration = Duration::from_millis(450);

/// The reference key-value store, with every write of a job record slowed down.
struct SlowJobWrites(MemoryKv);

#[async_trait::async_trait]
impl KeyValueStore for SlowJobWrites {
    async fn get(&self, key: &str) -> StoreResult<Option<String>> {
        self.0.get(key).await
    }

    async fn scan(&self, prefix: &str) -> StoreResult<Vec<(String, String)>> {
        self.0.scan(prefix).await
    }

    async fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&str>,
        next: Option<&str>,
    ) -> StoreResult<bool> {
        if key.starts_with("jobs/") {
            tokio::time::sleep(JOB_WRITE).await;
        }
        self.0.compare_and_swap(key, expected, next).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_whose_writes_outlast_the_renewal_period_still_publishes_once() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let client = client_builder(&sandbox).build().expect("client");
    let store = Store::new(
        Arc::new(KvBackend::new(SlowJobWrites(MemoryKv::new()))),
        SealingKey::generate(),
    );
    let manager = AccountManager::new(client.clone(), store.clone());
    let flow = Flow {
        sandbox,
        client,
        store,
        manager,
    };
    let company = CompanyId::new("acme");
    let connection = flow
        .connect_facebook(&company, &flow.user_id("Alice"))
        .await;
    let account: IgUserId = connection.accounts[0].ig_user_id.clone();
    let before = flow.sandbox.published_count(account.as_str());

    let publisher = Publisher::with_config(
        flow.manager.clone(),
        PublisherConfig {
            lease: LEASE,
            image_wait: WaitPolicy {
                first_poll: Duration::from_millis(10),
                ..WaitPolicy::images()
            },
            ..PublisherConfig::default()
        },
    );
    let post = Post::image("https://images.example.com/slow-store.jpg").caption("slow store");
    let publish = publisher.publish(
        &company,
        &account,
        post,
        PublishOptions::new().idempotency_key("slow-store"),
    );
    // Not a speed limit: with the deadlock the run never ends; a working run takes seconds.
    let result = tokio::time::timeout(Duration::from_secs(120), publish)
        .await
        .expect("the run finishes (no deadlock between the run and its lease renewal)")
        .expect("published");
    assert!(result.media_id.is_some(), "{result:?}");
    assert_eq!(flow.sandbox.published_count(account.as_str()) - before, 1);
    let job = flow
        .store
        .backend()
        .find_job_by_key(&company, "slow-store")
        .await
        .expect("read the job")
        .expect("the job");
    assert_eq!(job.status, JobStatus::Published);
    assert_eq!(
        job.lease_owner, None,
        "the lease went back with the last write"
    );
}
