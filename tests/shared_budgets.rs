//! Budgets several processes share through one store: the hashtag budget (two "processes" —
//! two handles on one SQLite file — count against one budget per account, a failed search
//! gives its slot back, racing searches never overshoot) and the webhook deduper.

use std::sync::Arc;

use futures::future::join_all;
use instagraph::api::HashtagBudget;
use instagraph::store::{BudgetStore, MemoryStore, SealingKey, SqliteStore, Store};
use instagraph::webhooks::SharedDeduper;
use instagraph::{AccessToken, Error, IgUserId};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod wire_support;
use wire_support::{ok, v};

const TOKEN: &str = "EAAGsharedbudgettoken00QRS";
const IG: &str = "17841400000000001";

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("ig_hashtag_search")))
        .and(query_param("q", "broken"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "Invalid parameter", "type": "OAuthException", "code": 100, "fbtrace_id": "x"
        }})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v("ig_hashtag_search")))
        .respond_with(ok(json!({"data": [{"id": "17843853986012965"}]})))
        .mount(&server)
        .await;
    server
}

async fn two_processes() -> (
    tempfile::TempDir,
    Arc<dyn BudgetStore>,
    Arc<dyn BudgetStore>,
) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("budgets.db");
    let a = SqliteStore::open(&file).await.unwrap();
    let b = SqliteStore::open(&file).await.unwrap();
    (dir, Arc::new(a), Arc::new(b))
}

async fn searches(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn two_processes_share_one_hashtag_budget() {
    let server = server().await;
    let client = wire_support::client(&server, 1);
    let token = AccessToken::new(TOKEN);
    let hashtags = client.facebook(&token).ig_user(IG).hashtags();
    let (_dir, a, b) = two_processes().await;
    let (first, second) = (HashtagBudget::shared(a), HashtagBudget::shared(b));
    let me = IgUserId::new(IG);
    for i in 0..30 {
        hashtags.search(&format!("tag{i}"), &first).await.unwrap();
    }
    assert_eq!(second.used_now(&me).await.unwrap(), 30);
    // The other process is refused the 31st before any call...
    let refused = hashtags.search("tag30", &second).await.unwrap_err();
    assert!(
        matches!(
            refused,
            Error::HashtagBudgetExceeded {
                used: 30,
                limit: 30,
                ..
            }
        ),
        "{refused:?}"
    );
    assert_eq!(searches(&server).await, 30);
    // ...but may search a hashtag the first one counted, at no cost (any case).
    hashtags.search("TAG7", &second).await.unwrap();
    assert_eq!(second.used_now(&me).await.unwrap(), 30);
    // Another account has its own budget.
    assert_eq!(second.used_now(&IgUserId::new("2")).await.unwrap(), 0);
}

#[tokio::test]
async fn a_failed_search_gives_its_slot_back() {
    let server = server().await;
    let client = wire_support::client(&server, 1);
    let token = AccessToken::new(TOKEN);
    let hashtags = client.facebook(&token).ig_user(IG).hashtags();
    // The facade's budgets: what an app holding a `Store` passes.
    let store = Store::memory(SealingKey::generate());
    let budget = HashtagBudget::shared(store.budgets());
    let me = IgUserId::new(IG);
    hashtags.search("coffee", &budget).await.unwrap();
    assert!(hashtags.search("broken", &budget).await.is_err());
    assert_eq!(budget.used_now(&me).await.unwrap(), 1);
}

#[tokio::test]
async fn racing_processes_never_overshoot() {
    let server = server().await;
    let client = wire_support::client(&server, 1);
    let token = AccessToken::new(TOKEN);
    let fb = client.facebook(&token);
    let (_dir, a, b) = two_processes().await;
    let budgets = [HashtagBudget::shared(a), HashtagBudget::shared(b)];
    let runs = (0..40).map(|i| {
        let budget = budgets[i % 2].clone();
        let hashtags = fb.ig_user(IG).hashtags();
        async move { hashtags.search(&format!("race{i}"), &budget).await }
    });
    let outcomes = join_all(runs).await;
    let won = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(won, 30);
    assert!(outcomes
        .iter()
        .filter_map(|o| o.as_ref().err())
        .all(|e| matches!(e, Error::HashtagBudgetExceeded { .. })));
    assert_eq!(searches(&server).await, 30);
}

#[tokio::test]
async fn a_delivery_seen_by_one_process_is_a_redelivery_for_the_other() {
    let (_dir, a, b) = two_processes().await;
    let (first, second) = (SharedDeduper::new(a), SharedDeduper::new(b));
    assert!(first.first_seen("entry-1/comments/42").await.unwrap());
    assert!(!second.first_seen("entry-1/comments/42").await.unwrap());
    assert!(second.first_seen("entry-1/comments/43").await.unwrap());
    assert!(!first.first_seen("entry-1/comments/43").await.unwrap());
    let store: Arc<dyn BudgetStore> = Arc::new(MemoryStore::new());
    let bad = SharedDeduper::with_window(store, std::time::Duration::from_millis(10));
    assert!(matches!(
        bad,
        Err(Error::InvalidInput {
            field: "window",
            ..
        })
    ));
}
