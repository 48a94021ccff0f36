//! Shared setup of the scheduler tests: a sandbox, and "processes" (a client, a store handle on
//! one SQLite file, an account manager, a publisher and a scheduler each) sharing it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use instagraph::accounts::ConnectRequest;
use instagraph::publisher::{
    Post, Publisher, PublisherConfig, Scheduler, WaitPolicy, WorkerOptions,
};
use instagraph::store::{JobRecord, JobStatus, SealingKey, Store};
use instagraph::{AccountManager, Client, CompanyId, IgUserId, RetryPolicy};
use instagraph_sandbox::{Sandbox, SandboxConfig};

pub const REDIRECT: &str = "http://localhost:3000/instagram/oauth2callback";
pub const IG_BAKERY: &str = "17841400000000001";
pub const IG_TRAVELS: &str = "17841400000000002";
pub const IG_CLIENT: &str = "17841400000000004";
/// The accounts Alice's Facebook Login connects.
pub const ALICE_ACCOUNTS: [&str; 3] = [IG_BAKERY, IG_TRAVELS, IG_CLIENT];

/// The lease the tests use, short so that a takeover happens quickly.
pub const SHORT_LEASE: Duration = Duration::from_secs(2);

/// A sandbox configured for fast, unthrottled publishing.
pub async fn sandbox(publishing_quota: u32) -> Sandbox {
    Sandbox::builder()
        .config(SandboxConfig {
            app_call_budget_per_hour: 0,
            business_call_budget_per_day: 0,
            publishing_quota,
            image_processing_ms: 0,
            carousel_processing_ms: 0,
            ..SandboxConfig::default()
        })
        .start()
        .await
        .expect("sandbox starts")
}

/// The key every process seals tokens with (they share the store).
pub fn key() -> SealingKey {
    SealingKey::from_bytes([42; 32])
}

pub fn client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .app(sandbox.app_id(), sandbox.app_secret())
        .sandbox(sandbox.base_url())
        .redirect_uri(REDIRECT)
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .expect("client")
}

/// One process: its own client, store handle, account manager, publisher and scheduler.
pub struct Process {
    pub store: Store,
    pub manager: AccountManager,
    pub scheduler: Scheduler,
}

impl Process {
    /// A process over the SQLite file at `path`, or over `store` when given.
    pub async fn open(sandbox: &Sandbox, path: &Path) -> Self {
        let store = Store::sqlite(path, key()).await.expect("open sqlite");
        Self::over(sandbox, store)
    }

    pub fn over(sandbox: &Sandbox, store: Store) -> Self {
        let manager = AccountManager::new(client(sandbox), store.clone());
        let publisher = Publisher::with_config(
            manager.clone(),
            PublisherConfig {
                lease: SHORT_LEASE,
                // The sandbox processes images at once: no need to give them time.
                image_wait: WaitPolicy {
                    first_poll: Duration::from_millis(10),
                    ..WaitPolicy::images()
                },
                ..PublisherConfig::default()
            },
        );
        Self {
            store,
            manager,
            scheduler: Scheduler::new(publisher),
        }
    }

    /// Connects Alice (three accounts) for `company` through Facebook Login.
    pub async fn connect_alice(&self, sandbox: &Sandbox, company: &CompanyId) {
        let start = self
            .manager
            .start_connect(ConnectRequest::facebook(company.clone()))
            .await
            .expect("start");
        let alice = sandbox.seed().user("Alice").expect("Alice").id.clone();
        let location = sandbox
            .consent(&start.url, &alice, true)
            .await
            .expect("consent redirects");
        let query = location.split_once('?').expect("a query").1.to_owned();
        let connection = self.manager.finish_connect(&query).await.expect("finish");
        assert_eq!(connection.accounts.len(), 3);
    }
}

/// A temporary directory and the database path inside it.
pub fn db_path() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("jobs.db");
    (dir, path)
}

/// Worker options for tests: a short lease and quick polling.
pub fn fast_options() -> WorkerOptions {
    WorkerOptions {
        lease: SHORT_LEASE,
        poll_interval: Duration::from_millis(20),
        max_poll_interval: Duration::from_millis(200),
        retry_backoff: Duration::from_millis(200),
        ..WorkerOptions::default()
    }
}

pub fn ig(id: &str) -> IgUserId {
    IgUserId::new(id)
}

pub fn image(i: usize) -> Post {
    Post::image(format!("https://img.example.com/scheduled/{i}.jpg"))
        .caption(format!("Scheduled post number {i} #bakery"))
}

/// Every job of the company in `status`.
pub async fn in_status(s: &Scheduler, company: &CompanyId, status: JobStatus) -> Vec<JobRecord> {
    s.list(company, Some(status)).await.expect("list")
}

/// Total posts published through the API on Alice's accounts.
pub fn published_total(sandbox: &Sandbox) -> usize {
    ALICE_ACCOUNTS
        .iter()
        .map(|a| sandbox.published_count(a))
        .sum()
}
