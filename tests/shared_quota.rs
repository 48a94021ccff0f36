//! The publishing quota shared through one store (`QuotaAccounting::Shared`): two publishers —
//! two handles on one SQLite file, as two processes have — racing for an account's last slot
//! against the sandbox; a crashed process's reservation recovered; a failed publish giving
//! its slot back.

use std::time::Duration;

use chrono::Utc;
use instagraph::publisher::{
    Post, PublishOptions, Publisher, PublisherConfig, QuotaAccounting, WaitPolicy,
};
use instagraph::store::{
    AccountSource, LoginKind, NewAccount, NewToken, SealingKey, Store, TokenKind,
};
use instagraph::{AccessToken, AccountManager, Client, CompanyId, Error, IgUserId, RetryPolicy};
use instagraph_sandbox::{Login, Sandbox, SandboxConfig, TokenRequest};

const ALICE: &str = "100000000000011";
const PAGE_BAKERY: &str = "100000000000101";
const IG_BAKERY: &str = "17841400000000001";
const SCOPE: &str = "publish-quota:17841400000000001";

fn config(quota: QuotaAccounting) -> PublisherConfig {
    let wait = WaitPolicy {
        first_poll: Duration::from_millis(50),
        factor: 2.0,
        max_interval: Duration::from_millis(500),
        timeout: Duration::from_secs(20),
    };
    PublisherConfig {
        image_wait: wait.clone(),
        video_wait: wait,
        fetch_permalink: false,
        quota,
        ..PublisherConfig::default()
    }
}

/// A sandbox allowing `quota` posts a day, and two "processes" on one SQLite file.
struct Env {
    sandbox: Sandbox,
    stores: [Store; 2],
    client: Client,
    company: CompanyId,
    ig: IgUserId,
    _dir: tempfile::TempDir,
}

impl Env {
    async fn start(quota: u32) -> Env {
        let sandbox = Sandbox::builder()
            .config(SandboxConfig {
                image_processing_ms: 0,
                app_call_budget_per_hour: 0,
                business_call_budget_per_day: 0,
                publishing_quota: quota,
                ..SandboxConfig::default()
            })
            .start()
            .await
            .expect("sandbox starts");
        let client = Client::builder()
            .app(sandbox.app_id(), sandbox.app_secret())
            .sandbox(sandbox.base_url())
            .retry(RetryPolicy {
                initial_backoff: Duration::from_millis(5),
                max_backoff: Duration::from_millis(50),
                ..RetryPolicy::default()
            })
            .build()
            .expect("client");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("agency.db");
        let key = SealingKey::generate().to_base64();
        let open = || async {
            Store::sqlite(&file, SealingKey::from_base64(&key).unwrap())
                .await
                .unwrap()
        };
        let stores = [open().await, open().await];
        let company = CompanyId::new("acme");
        let issued = sandbox
            .issue_token(&TokenRequest {
                user_id: ALICE.into(),
                login: Login::Facebook,
                long_lived: true,
                scopes: None,
                page_id: Some(PAGE_BAKERY.into()),
            })
            .expect("page token");
        let token_id = stores[0]
            .save_token(
                &company,
                NewToken {
                    kind: TokenKind::Page,
                    login: LoginKind::Facebook,
                    subject_id: PAGE_BAKERY.into(),
                    token: AccessToken::new(issued.access_token),
                    scopes: Vec::new(),
                    expires_at: None,
                    issued_at: Utc::now(),
                },
            )
            .await
            .unwrap();
        let mut account = NewAccount::new(IgUserId::new(IG_BAKERY), AccountSource::PageLinked);
        account.token_id = Some(token_id);
        stores[0]
            .backend()
            .upsert_accounts(&company, vec![account])
            .await
            .unwrap();
        Env {
            sandbox,
            stores,
            client,
            company,
            ig: IgUserId::new(IG_BAKERY),
            _dir: dir,
        }
    }

    fn publisher(&self, process: usize, quota: QuotaAccounting) -> Publisher {
        Publisher::with_config(
            AccountManager::new(self.client.clone(), self.stores[process].clone()),
            config(quota),
        )
    }

    fn containers_created(&self) -> u64 {
        self.sandbox
            .call_counts()
            .get("container_create")
            .copied()
            .unwrap_or_default()
    }

    async fn publish(&self, publisher: &Publisher, url: &str) -> instagraph::Result<()> {
        publisher
            .publish(
                &self.company,
                &self.ig,
                Post::image(url),
                PublishOptions::new(),
            )
            .await
            .map(|_| ())
    }

    async fn entries(&self) -> Vec<(String, chrono::DateTime<Utc>)> {
        self.stores[1]
            .budgets()
            .counted(SCOPE, Utc::now() - chrono::Duration::days(1))
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn two_processes_race_for_the_last_slot_and_one_wins() {
    let env = Env::start(2).await;
    let (a, b) = (
        env.publisher(0, QuotaAccounting::Shared),
        env.publisher(1, QuotaAccounting::Shared),
    );
    env.publish(&a, "https://cdn.example.com/first.jpg")
        .await
        .unwrap();
    // Both read the quota (1 of 2 used) before the race, as two long-running processes have.
    assert_eq!(a.quota(&env.company, &env.ig).await.unwrap().used, 1);
    assert_eq!(b.quota(&env.company, &env.ig).await.unwrap().used, 1);
    let creates = env.containers_created();
    let (one, other) = tokio::join!(
        env.publish(&a, "https://cdn.example.com/a.jpg"),
        env.publish(&b, "https://cdn.example.com/b.jpg"),
    );
    let outcomes = [one, other];
    assert_eq!(
        outcomes.iter().filter(|o| o.is_ok()).count(),
        1,
        "{outcomes:?}"
    );
    let refused = outcomes.into_iter().find_map(Result::err).unwrap();
    assert!(
        matches!(
            refused,
            Error::QuotaExceeded {
                used: 2,
                total: 2,
                ..
            }
        ),
        "{refused:?}"
    );
    // The loser created no container: the refusal came from the shared book, not from Meta.
    assert_eq!(env.containers_created(), creates + 1);
    assert_eq!(env.sandbox.published_count(IG_BAKERY), 2);
    // The store holds the two posts and no reservation.
    let entries = env.entries().await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(entries.iter().all(|(k, _)| k.starts_with("published:")));
}

#[tokio::test]
async fn a_crashed_reservation_is_recovered_and_a_live_one_is_not() {
    let env = Env::start(1).await;
    let budgets = env.stores[0].budgets();
    let window = chrono::Duration::days(1);
    let publisher = env.publisher(1, QuotaAccounting::Shared);
    let stale_age = chrono::Duration::from_std(publisher.config().longest_publish()).unwrap();
    // A process holding the only slot now: the others are refused, before any container.
    budgets
        .count_once(SCOPE, "pending:live", Utc::now(), window, None)
        .await
        .unwrap();
    let err = env
        .publish(&publisher, "https://cdn.example.com/held.jpg")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::QuotaExceeded { .. }), "{err:?}");
    assert_eq!(env.containers_created(), 0);
    // It crashed long ago: its reservation is swept and the slot is taken.
    budgets.uncount(SCOPE, "pending:live").await.unwrap();
    let crashed_at = Utc::now() - stale_age - chrono::Duration::minutes(1);
    budgets
        .count_once(SCOPE, "pending:crashed", crashed_at, window, None)
        .await
        .unwrap();
    env.publish(&publisher, "https://cdn.example.com/after-crash.jpg")
        .await
        .unwrap();
    assert_eq!(env.sandbox.published_count(IG_BAKERY), 1);
    let keys: Vec<String> = env.entries().await.into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(keys[0].starts_with("published:"), "{keys:?}");
}

#[tokio::test]
async fn a_failed_publish_gives_its_slot_back() {
    let env = Env::start(1).await;
    let publisher = env.publisher(0, QuotaAccounting::Shared);
    // `spam` in the URL: the sandbox's container fails processing (2207051), nothing posted.
    let err = env
        .publish(&publisher, "https://cdn.example.com/spam.jpg")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Publish { .. }), "{err:?}");
    assert!(env.entries().await.is_empty());
    // The other process gets the slot.
    let other = env.publisher(1, QuotaAccounting::Shared);
    env.publish(&other, "https://cdn.example.com/fine.jpg")
        .await
        .unwrap();
    assert_eq!(env.sandbox.published_count(IG_BAKERY), 1);
}

#[tokio::test]
async fn local_accounting_keeps_no_entries_in_the_store() {
    let env = Env::start(5).await;
    let publisher = env.publisher(0, QuotaAccounting::Local);
    env.publish(&publisher, "https://cdn.example.com/local.jpg")
        .await
        .unwrap();
    assert!(env.entries().await.is_empty());
    assert_eq!(
        publisher.quota(&env.company, &env.ig).await.unwrap().used,
        1
    );
}
