//! AccountManager against the sandbox: both login flows end to end, the typed failures of a
//! connection, and the account operations, all tenant-scoped.

mod flow_support;

use std::time::Duration;

use flow_support::{client_builder, Flow, REDIRECT};
use instagraph::accounts::ConnectRequest;
use instagraph::api::{ContainerRequest, WaitOptions};
use instagraph::store::{AccountQuery, AccountSortField, AccountSource, LoginKind, TokenKind};
use instagraph::{AgencyClientId, AuthError, CompanyId, Error, IgUserId};
use instagraph_sandbox::Sandbox;

const IG_BAKERY: &str = "17841400000000001";
const IG_TRAVELS: &str = "17841400000000002";
const IG_BOB: &str = "17841400000000003";
const IG_CLIENT: &str = "17841400000000004";

fn ids(list: &[&str]) -> Vec<IgUserId> {
    list.iter().map(|s| IgUserId::new(*s)).collect()
}

#[tokio::test]
async fn facebook_connect_discovers_pages_and_business_accounts_once_each() {
    let flow = Flow::start().await;
    let company = CompanyId::new("acme");
    let alice = flow.user_id("Alice");
    let connection = flow.connect_facebook(&company, &alice).await;

    assert_eq!(connection.login, LoginKind::Facebook);
    assert_eq!(connection.user_id, alice);
    assert_eq!(connection.email.as_deref(), Some("alice@example.com"));
    let mut found: Vec<_> = connection
        .accounts
        .iter()
        .map(|a| a.ig_user_id.as_str())
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![IG_BAKERY, IG_TRAVELS, IG_CLIENT],
        "each account exactly once"
    );
    assert_eq!(connection.inserted, 3);

    let bakery = connection
        .accounts
        .iter()
        .find(|a| a.ig_user_id.as_str() == IG_BAKERY)
        .unwrap();
    assert_eq!(
        bakery.source,
        AccountSource::PageLinked,
        "page-linked wins over the business"
    );
    assert!(
        bakery.business_id.is_some(),
        "the business it was also found in is kept"
    );
    let client_account = connection
        .accounts
        .iter()
        .find(|a| a.ig_user_id.as_str() == IG_CLIENT)
        .unwrap();
    assert_eq!(client_account.source, AccountSource::BusinessClient);
    assert!(!bakery.is_added);

    // The user token is stored long-lived and sealed; page-linked accounts use their Page token.
    let (user_token, _) = flow
        .store
        .load_token(&company, &connection.token_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user_token.kind, TokenKind::User);
    let days = (user_token.expires_at.unwrap() - chrono::Utc::now()).num_days();
    assert!((58..=61).contains(&days), "long-lived: {days} days");
    let page_token_id = bakery.token_id.clone().unwrap();
    assert_ne!(page_token_id, connection.token_id);
    let (page_token, _) = flow
        .store
        .load_token(&company, &page_token_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(page_token.kind, TokenKind::Page);
    assert_eq!(client_account.token_id.as_ref(), Some(&connection.token_id));

    // Connecting again adds nothing new.
    let again = flow.connect_facebook(&company, &alice).await;
    assert_eq!(again.inserted, 0);
    assert_eq!(
        again.token_id, connection.token_id,
        "the user's token row is updated in place"
    );
}

#[tokio::test]
async fn a_user_without_email_gets_the_fallback() {
    let flow = Flow::start().await;
    let bob = flow.user_id("Bob");
    let connection = flow.connect_facebook(&CompanyId::new("acme"), &bob).await;
    let email = connection.email.unwrap();
    assert!(
        email.starts_with(&bob) && email.ends_with("@facebook.instagraph.local"),
        "{email}"
    );
    assert_eq!(connection.accounts.len(), 1);
    assert_eq!(connection.accounts[0].ig_user_id.as_str(), IG_BOB);
}

#[tokio::test]
async fn instagram_login_connects_its_one_account() {
    let flow = Flow::start().await;
    let company = CompanyId::new("acme");
    let connection = flow.connect_instagram(&company, IG_TRAVELS).await;
    assert_eq!(connection.login, LoginKind::Instagram);
    assert_eq!(connection.user_id, IG_TRAVELS);
    assert_eq!(connection.accounts.len(), 1);
    let account = &connection.accounts[0];
    assert_eq!(account.source, AccountSource::InstagramLogin);
    assert_eq!(account.username.as_deref(), Some("alice.travels"));
    assert!(account.account_type.is_some());
    let access = flow
        .manager
        .access(&company, &account.ig_user_id)
        .await
        .unwrap();
    assert_eq!(access.host, instagraph::Host::GraphInstagram);
}

#[tokio::test]
async fn denied_consent_is_a_typed_error() {
    let flow = Flow::start().await;
    let start = flow
        .manager
        .start_connect(ConnectRequest::facebook("acme"))
        .await
        .unwrap();
    let query = flow
        .consent(&start.url, &flow.user_id("Alice"), false)
        .await;
    let err = flow.manager.finish_connect(&query).await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::ConsentDenied { ref reason, .. }) if reason == "user_denied"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_replayed_callback_is_refused() {
    let flow = Flow::start().await;
    let start = flow
        .manager
        .start_connect(ConnectRequest::facebook("acme"))
        .await
        .unwrap();
    let query = flow.consent(&start.url, &flow.user_id("Alice"), true).await;
    flow.manager.finish_connect(&query).await.unwrap();
    let err = flow.manager.finish_connect(&query).await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::StateUnknown)),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_expired_state_is_refused() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_builder(&sandbox)
        .state_ttl(Duration::ZERO)
        .build()
        .unwrap();
    let flow = Flow::with_client(sandbox, client);
    let start = flow
        .manager
        .start_connect(ConnectRequest::facebook("acme"))
        .await
        .unwrap();
    let query = flow.consent(&start.url, &flow.user_id("Alice"), true).await;
    let err = flow.manager.finish_connect(&query).await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::StateExpired { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_reused_code_is_refused() {
    let flow = Flow::start().await;
    let start = flow
        .manager
        .start_connect(ConnectRequest::facebook("acme"))
        .await
        .unwrap();
    let query = flow.consent(&start.url, &flow.user_id("Alice"), true).await;
    let callback = instagraph::auth::CallbackParams::from_query(&query).unwrap();
    let login = flow.client.facebook_login();
    login.exchange_code(&callback.code, REDIRECT).await.unwrap();
    let err = login
        .exchange_code(&callback.code, REDIRECT)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Auth(AuthError::CodeReused)), "{err:?}");
}

#[tokio::test]
async fn bad_input_fails_before_any_network_call() {
    // Nothing listens on this port: a network call would be an Http error, not these.
    let client = instagraph::Client::builder()
        .app("100000000000001", "secret")
        .sandbox("http://127.0.0.1:9")
        .redirect_uri(REDIRECT)
        .build()
        .unwrap();
    let manager = instagraph::AccountManager::new(
        client,
        instagraph::store::Store::memory(instagraph::store::SealingKey::generate()),
    );
    let err = manager
        .start_connect(ConnectRequest::facebook("acme").redirect_uri("https://evil.example/cb"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidInput {
                field: "redirect_uri",
                ..
            }
        ),
        "{err:?}"
    );
    let err = manager
        .finish_connect("code=abc&state=not-ours")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::StateMalformed(_))),
        "{err:?}"
    );
    let err = manager
        .added(&CompanyId::new("nobody"), AccountQuery::new())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotFound {
                what: "company",
                ..
            }
        ),
        "{err:?}"
    );
    let err = manager
        .add(&CompanyId::new("nobody"), &ids(&[IG_BAKERY]))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotFound {
                what: "company",
                ..
            }
        ),
        "{err:?}"
    );
    let err = instagraph::Client::builder()
        .app("", "s")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Config {
                field: "app_id",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn add_assign_list_and_remove() {
    let flow = Flow::start().await;
    let company = CompanyId::new("acme");
    flow.connect_facebook(&company, &flow.user_id("Alice"))
        .await;
    let m = &flow.manager;

    let added = m
        .add(&company, &ids(&[IG_BAKERY, IG_TRAVELS, "999"]))
        .await
        .unwrap();
    assert_eq!(added.updated, 2);
    assert_eq!(added.unknown, ids(&["999"]));
    assert_eq!(
        m.add(&company, &ids(&[IG_BAKERY])).await.unwrap().updated,
        0,
        "already added"
    );

    let client = AgencyClientId::new("client-1");
    let assigned = m
        .assign(&company, &client, &ids(&[IG_BAKERY]))
        .await
        .unwrap();
    assert_eq!(assigned.updated, 1);
    let assignments = m.assignments(&company).await.unwrap();
    assert_eq!(assignments.len(), 1);
    assert_eq!(assignments[0].client_id, client);
    assert_eq!(assignments[0].username.as_deref(), Some("alice.bakery"));

    let list = m
        .added(
            &company,
            AccountQuery::new().sort_by(AccountSortField::Username, false),
        )
        .await
        .unwrap();
    assert_eq!(list.total, 2);
    let names: Vec<_> = list.items.iter().map(|a| a.username().unwrap()).collect();
    assert_eq!(names, vec!["alice.bakery", "alice.travels"]);
    let bakery = &list.items[0];
    assert!(
        bakery.live.is_some(),
        "live details read: {:?}",
        bakery.live_error
    );
    assert!(bakery.followers().unwrap() > 0);
    assert_eq!(bakery.assigned_client(), Some(&client));
    assert!(list.items[1].assigned_client().is_none());

    let only_assigned = m
        .added(&company, AccountQuery::new().assigned(true))
        .await
        .unwrap();
    assert_eq!(only_assigned.total, 1);
    let searched = m
        .added(&company, AccountQuery::new().search("TRAVEL"))
        .await
        .unwrap();
    assert_eq!(searched.items[0].account.ig_user_id.as_str(), IG_TRAVELS);
    let paged = m
        .added(&company, AccountQuery::new().limit(1).offset(1))
        .await
        .unwrap();
    assert_eq!((paged.items.len(), paged.total), (1, 2));

    m.unassign(&company, &ids(&[IG_BAKERY])).await.unwrap();
    assert!(m.assignments(&company).await.unwrap().is_empty());
    m.remove(&company, &IgUserId::new(IG_TRAVELS))
        .await
        .unwrap();
    let err = m
        .remove(&company, &IgUserId::new(IG_TRAVELS))
        .await
        .unwrap_err();
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
    assert_eq!(
        m.added(&company, AccountQuery::new()).await.unwrap().total,
        1
    );
}

#[tokio::test]
async fn companies_never_see_each_others_accounts() {
    let flow = Flow::start().await;
    let acme = CompanyId::new("acme");
    let globex = CompanyId::new("globex");
    flow.connect_facebook(&acme, &flow.user_id("Alice")).await;
    let bob = flow.connect_facebook(&globex, &flow.user_id("Bob")).await;
    let m = &flow.manager;

    let out = m.add(&acme, &ids(&[IG_BOB])).await.unwrap();
    assert_eq!(
        (out.updated, out.unknown.len()),
        (0, 1),
        "globex's account is unknown to acme"
    );
    let out = m
        .assign(&acme, &AgencyClientId::new("c"), &ids(&[IG_BOB]))
        .await
        .unwrap();
    assert_eq!(out.updated, 0);
    assert!(matches!(
        m.remove(&acme, &IgUserId::new(IG_BOB)).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        m.access(&acme, &IgUserId::new(IG_BOB)).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        m.disconnect(&acme, &bob.token_id).await,
        Err(Error::NotFound { what: "token", .. })
    ));
    m.add(&globex, &ids(&[IG_BOB])).await.unwrap();
    assert_eq!(m.added(&acme, AccountQuery::new()).await.unwrap().total, 0);
    assert_eq!(
        m.added(&globex, AccountQuery::new()).await.unwrap().total,
        1
    );
}

#[tokio::test]
async fn connection_status_notices_a_revoked_token() {
    let flow = Flow::start().await;
    let company = CompanyId::new("acme");
    let connection = flow
        .connect_facebook(&company, &flow.user_id("Alice"))
        .await;
    let (_, token) = flow
        .store
        .load_token(&company, &connection.token_id)
        .await
        .unwrap()
        .unwrap();
    flow.client.facebook_login().revoke(&token).await.unwrap();
    let status = flow
        .manager
        .connection_status(&company, &connection.token_id)
        .await
        .unwrap();
    assert!(!status.valid);
    assert!(
        !status.expiring,
        "an invalid token is to reconnect, not to renew"
    );
    let (record, _) = flow
        .store
        .load_token(&company, &connection.token_id)
        .await
        .unwrap()
        .unwrap();
    assert!(!record.valid, "the store records it");
    let sweep = flow
        .manager
        .sweep_tokens(&company, Duration::from_secs(3600))
        .await
        .unwrap();
    let reconnect = sweep
        .reconnect
        .iter()
        .find(|r| r.token_id == connection.token_id)
        .unwrap();
    assert!(
        reconnect.accounts.contains(&IgUserId::new(IG_CLIENT)),
        "{reconnect:?}"
    );
}

#[tokio::test]
async fn the_sweep_refreshes_instagram_tokens_and_lists_facebook_ones() {
    let flow = Flow::start().await;
    let company = CompanyId::new("acme");
    let fb = flow
        .connect_facebook(&company, &flow.user_id("Alice"))
        .await;
    let ig = flow.connect_instagram(&company, IG_TRAVELS).await;
    let (_, old_ig_token) = flow
        .store
        .load_token(&company, &ig.token_id)
        .await
        .unwrap()
        .unwrap();

    // 25 hours later, both tokens expire within the 60-day window.
    flow.sandbox.advance_clock(Duration::from_secs(25 * 3600));
    let later = chrono::Utc::now() + chrono::TimeDelta::hours(25);
    let report = flow
        .manager
        .sweep_tokens_at(&company, Duration::from_secs(60 * 86400), later)
        .await
        .unwrap();
    let refreshed: Vec<_> = report.refreshed.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(refreshed, vec![ig.token_id.clone()]);
    let (record, new_ig_token) = flow
        .store
        .load_token(&company, &ig.token_id)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(
        new_ig_token, old_ig_token,
        "a new token is stored under the same id"
    );
    assert!(record.valid);
    let fb_entry = report
        .reconnect
        .iter()
        .find(|r| r.token_id == fb.token_id)
        .unwrap();
    assert_eq!(fb_entry.login, LoginKind::Facebook);
    assert!(fb_entry.accounts.contains(&IgUserId::new(IG_CLIENT)));
    // The refreshed token works.
    flow.client
        .instagram(&new_ig_token)
        .me()
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_added_account_publishes_an_image() {
    let flow = Flow::start().await;
    let company = CompanyId::new("acme");
    flow.connect_facebook(&company, &flow.user_id("Alice"))
        .await;
    let bakery = IgUserId::new(IG_BAKERY);
    flow.manager
        .add(&company, std::slice::from_ref(&bakery))
        .await
        .unwrap();
    let before = flow.sandbox.published_count(IG_BAKERY);
    let access = flow.manager.access(&company, &bakery).await.unwrap();
    let published = access
        .graph(&flow.client)
        .ig_user(bakery.clone())
        .publishing()
        .publish_image(
            ContainerRequest::image("https://images.example.com/a.jpg").caption("Hello #bread"),
            WaitOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(flow.sandbox.published_count(IG_BAKERY), before + 1);
    assert!(published
        .permalink
        .unwrap()
        .starts_with("https://www.instagram.com/p/"));
    let media = access
        .graph(&flow.client)
        .media(published.media_id)
        .get()
        .send()
        .await
        .unwrap();
    assert_eq!(media.caption.as_deref(), Some("Hello #bread"));
}

#[tokio::test]
async fn discovery_walks_every_page_of_every_edge() {
    let flow = Flow::start().await;
    let mut config = flow.sandbox.config();
    config.default_page_size = 1;
    flow.sandbox.set_config(config);
    let connection = flow
        .connect_facebook(&CompanyId::new("acme"), &flow.user_id("Alice"))
        .await;
    let mut found: Vec<_> = connection
        .accounts
        .iter()
        .map(|a| a.ig_user_id.as_str())
        .collect();
    found.sort();
    assert_eq!(found, vec![IG_BAKERY, IG_TRAVELS, IG_CLIENT]);
}

#[tokio::test]
async fn live_details_survive_transient_faults() {
    let flow = Flow::start().await;
    let company = CompanyId::new("acme");
    flow.connect_facebook(&company, &flow.user_id("Alice"))
        .await;
    flow.manager
        .add(&company, &ids(&[IG_BAKERY, IG_TRAVELS, IG_CLIENT]))
        .await
        .unwrap();
    flow.sandbox.set_faults(instagraph_sandbox::Faults {
        transient_rate: 0.3,
        seed: Some(7),
        ..Default::default()
    });
    for _ in 0..5 {
        let list = flow
            .manager
            .added(&company, AccountQuery::new())
            .await
            .unwrap();
        for item in &list.items {
            assert!(
                item.live.is_some(),
                "retried through the faults: {:?}",
                item.live_error
            );
        }
    }
}
