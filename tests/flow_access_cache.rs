//! `AccountManager::access` keeps an account's opened token between calls: repeated calls read
//! the store once, and every write of a token or an account through the store (a removal, a
//! disconnect, a token marked invalid, a reconnection with a new token) shows on the very next
//! call; the time to live bounds what another process changes.

mod flow_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use flow_support::{client_builder, Flow};
use instagraph::accounts::Connection;
use instagraph::store::kv::{KeyValueStore, KvBackend, MemoryKv};
use instagraph::store::{SealingKey, Store, StoreResult};
use instagraph::{AccountManager, AuthError, CompanyId, Error, IgUserId};
use instagraph_sandbox::Sandbox;

/// The reference key-value store, counting its reads.
#[derive(Clone, Default)]
struct CountingKv {
    kv: Arc<MemoryKv>,
    reads: Arc<AtomicUsize>,
}

impl CountingKv {
    fn reads(&self) -> usize {
        self.reads.load(Ordering::SeqCst)
    }
}

#[async_trait::async_trait]
impl KeyValueStore for CountingKv {
    async fn get(&self, key: &str) -> StoreResult<Option<String>> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.kv.get(key).await
    }

    async fn scan(&self, prefix: &str) -> StoreResult<Vec<(String, String)>> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.kv.scan(prefix).await
    }

    async fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&str>,
        next: Option<&str>,
    ) -> StoreResult<bool> {
        self.kv.compare_and_swap(key, expected, next).await
    }
}

/// A flow over `kv` whose manager keeps opened tokens for `ttl`, with Alice connected for
/// `acme`: the flow, the company and the connection.
async fn connected(kv: CountingKv, ttl: Duration) -> (Flow, CompanyId, Connection) {
    let flow = flow_with(kv, ttl).await;
    let company = CompanyId::new("acme");
    let connection = flow
        .connect_facebook(&company, &flow.user_id("Alice"))
        .await;
    (flow, company, connection)
}

async fn flow_with(kv: CountingKv, ttl: Duration) -> Flow {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let client = client_builder(&sandbox).build().expect("client");
    let store = Store::new(Arc::new(KvBackend::new(kv)), SealingKey::generate());
    let manager = AccountManager::new(client.clone(), store.clone()).access_cache(ttl, 100);
    Flow {
        sandbox,
        client,
        store,
        manager,
    }
}

#[tokio::test]
async fn repeated_calls_read_the_store_once_and_writes_show_on_the_next_call() {
    let kv = CountingKv::default();
    let (flow, company, connection) = connected(kv.clone(), Duration::from_secs(3600)).await;
    let first: IgUserId = connection.accounts[0].ig_user_id.clone();
    let second: IgUserId = connection.accounts[1].ig_user_id.clone();

    let opened = flow.manager.access(&company, &first).await.unwrap();
    let reads = kv.reads();
    for _ in 0..20 {
        let again = flow.manager.access(&company, &first).await.unwrap();
        assert_eq!(again.token, opened.token);
        assert_eq!(again.host, opened.host);
    }
    assert_eq!(kv.reads(), reads, "the opened token served every call");
    let clone = flow.manager.clone();
    clone.access(&company, &first).await.unwrap();
    assert_eq!(kv.reads(), reads, "clones share the cache");

    // Another company never gets the entry.
    let other = flow.manager.access(&CompanyId::new("other"), &first).await;
    assert!(matches!(other, Err(Error::NotFound { .. })), "{other:?}");

    // A token marked invalid (as a worker does when Meta refuses it) is refused next call.
    let token_id = flow
        .manager
        .account(&company, &first)
        .await
        .unwrap()
        .token_id
        .unwrap();
    flow.store
        .backend()
        .set_token_valid(&company, &token_id, false)
        .await
        .unwrap();
    let refused = flow.manager.access(&company, &first).await;
    assert!(
        matches!(
            refused,
            Err(Error::Auth(AuthError::ReconnectRequired { .. }))
        ),
        "{refused:?}"
    );

    // A removed account is gone at once.
    flow.manager.access(&company, &second).await.unwrap();
    flow.manager.remove(&company, &second).await.unwrap();
    let removed = flow.manager.access(&company, &second).await;
    assert!(
        matches!(removed, Err(Error::NotFound { .. })),
        "{removed:?}"
    );
}

#[tokio::test]
async fn a_disconnect_ends_the_kept_tokens() {
    let kv = CountingKv::default();
    let (flow, company, connection) = connected(kv, Duration::from_secs(3600)).await;
    let account = connection.accounts[0].ig_user_id.clone();
    flow.manager.access(&company, &account).await.unwrap();
    flow.manager
        .disconnect(&company, &connection.token_id)
        .await
        .unwrap();
    let after = flow.manager.access(&company, &account).await;
    assert!(matches!(after, Err(Error::NotFound { .. })), "{after:?}");
}

#[tokio::test]
async fn a_change_behind_the_store_facade_shows_after_the_time_to_live() {
    let kv = CountingKv::default();
    let (flow, company, connection) = connected(kv.clone(), Duration::from_millis(200)).await;
    let account = connection.accounts[0].ig_user_id.clone();
    flow.manager.access(&company, &account).await.unwrap();

    // Another process sharing the data removes the account: this process's store facade does
    // not see the write, so only the time to live ends the entry.
    let elsewhere = Store::new(Arc::new(KvBackend::new(kv.clone())), SealingKey::generate());
    assert!(elsewhere
        .backend()
        .remove_account(&company, &account)
        .await
        .unwrap());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = flow.manager.access(&company, &account).await;
    assert!(matches!(after, Err(Error::NotFound { .. })), "{after:?}");
}

#[tokio::test]
async fn a_zero_time_to_live_reads_the_store_every_call() {
    let kv = CountingKv::default();
    let (flow, company, connection) = connected(kv.clone(), Duration::ZERO).await;
    let account = connection.accounts[0].ig_user_id.clone();
    flow.manager.access(&company, &account).await.unwrap();
    let reads = kv.reads();
    flow.manager.access(&company, &account).await.unwrap();
    assert!(kv.reads() > reads);
}
