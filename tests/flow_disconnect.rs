//! `AccountManager::disconnect` revokes the token at Meta and forgets it locally, and removes
//! only its own connection's accounts and tokens: not an account reconnected through Instagram
//! Login since (sandbox), and not one another Facebook user of the company still reaches
//! (wiremock: the sandbox's users share no Page).

mod flow_support;

use chrono::Utc;
use flow_support::Flow;
use instagraph::store::{
    AccountSource, LoginKind, NewAccount, NewToken, SealingKey, Store, TokenKind,
};
use instagraph::{
    AccessToken, AccountManager, Client, CompanyId, ErrorClass, FacebookUserId, Hosts, IgUserId,
    PageId, TokenId,
};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const IG_BAKERY: &str = "17841400000000001";
const IG_TRAVELS: &str = "17841400000000002";
const IG_CLIENT: &str = "17841400000000004";

#[tokio::test]
async fn an_account_reconnected_through_instagram_login_survives_the_facebook_disconnect() {
    let flow = Flow::start().await;
    let company = CompanyId::new("acme");
    let alice = flow
        .connect_facebook(&company, &flow.user_id("Alice"))
        .await;
    let instagram = flow.connect_instagram(&company, IG_TRAVELS).await;
    let travels = flow
        .manager
        .account(&company, &IgUserId::new(IG_TRAVELS))
        .await
        .unwrap();
    assert_eq!(travels.token_id.as_ref(), Some(&instagram.token_id));
    assert_eq!(
        travels.facebook_user_id.as_ref().map(|u| u.as_str()),
        Some(alice.user_id.as_str()),
        "the row still names the Facebook user who found it first"
    );

    let out = flow
        .manager
        .disconnect(&company, &alice.token_id)
        .await
        .unwrap();
    assert!(out.revoked);
    assert_eq!(
        out.accounts_removed, 2,
        "the bakery and the client: {out:?}"
    );
    // Alice's user token and the bakery's Page token; not the Instagram Login token.
    assert_eq!(out.tokens_deleted, 2, "{out:?}");
    for gone in [IG_BAKERY, IG_CLIENT] {
        assert!(flow
            .manager
            .account(&company, &IgUserId::new(gone))
            .await
            .is_err());
    }
    let access = flow
        .manager
        .access(&company, &IgUserId::new(IG_TRAVELS))
        .await
        .expect("the Instagram Login connection still serves the account");
    let me = access
        .graph(&flow.client)
        .ig_user(IgUserId::new(IG_TRAVELS))
        .get()
        .send()
        .await
        .unwrap();
    assert_eq!(me.id.as_str(), IG_TRAVELS);
}

const U1: &str = "10001";
const U2: &str = "10002";
const U1_TOKEN: &str = "EAAuser1token0000WXYZ";
const U2_TOKEN: &str = "EAAuser2token0000WXYZ";
const IG_SHARED: &str = "17841400000000101";
const IG_SOLO: &str = "17841400000000102";

async fn save(
    store: &Store,
    company: &CompanyId,
    kind: TokenKind,
    subject: &str,
    token: &str,
) -> TokenId {
    store
        .save_token(
            company,
            NewToken {
                kind,
                login: LoginKind::Facebook,
                subject_id: subject.to_owned(),
                token: AccessToken::new(token),
                scopes: vec!["pages_show_list".into()],
                expires_at: None,
                issued_at: Utc::now(),
            },
        )
        .await
        .unwrap()
}

fn page_linked(ig: &str, page: &str, token: &TokenId) -> NewAccount {
    let mut row = NewAccount::new(IgUserId::new(ig), AccountSource::PageLinked);
    row.facebook_user_id = Some(FacebookUserId::new(U1));
    row.page_id = Some(PageId::new(page));
    row.token_id = Some(token.clone());
    row
}

#[tokio::test]
async fn an_account_another_user_still_reaches_is_kept_on_that_users_token() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .app("123", "secret")
        .hosts(Hosts::uniform(&server.uri()))
        .build()
        .unwrap();
    let store = Store::memory(SealingKey::generate());
    let manager = AccountManager::new(client, store.clone());
    let company = CompanyId::new("acme");
    // U1 connected first and found both Pages' accounts; U2, of the same company, manages the
    // shared Page too (its connection refreshed the shared Page token's row).
    let u1 = save(&store, &company, TokenKind::User, U1, U1_TOKEN).await;
    let u2 = save(&store, &company, TokenKind::User, U2, U2_TOKEN).await;
    let shared_page = save(&store, &company, TokenKind::Page, "201", "EAApage1").await;
    let solo_page = save(&store, &company, TokenKind::Page, "202", "EAApage2").await;
    store
        .backend()
        .upsert_accounts(
            &company,
            vec![
                page_linked(IG_SHARED, "201", &shared_page),
                page_linked(IG_SOLO, "202", &solo_page),
            ],
        )
        .await
        .unwrap();
    manager
        .add(&company, &[IgUserId::new(IG_SHARED)])
        .await
        .unwrap();

    // Discovery with U2's token finds the shared Page's account only.
    let as_u2 = || query_param("access_token", U2_TOKEN);
    Mock::given(method("GET"))
        .and(path("/v26.0/me"))
        .and(as_u2())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": U2, "name": "Bo"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v26.0/me/accounts"))
        .and(as_u2())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{
            "id": "201",
            "name": "Shared",
            "access_token": "EAApage1fromu2",
            "instagram_business_account": {"id": IG_SHARED}
        }]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v26.0/me/businesses"))
        .and(as_u2())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v26.0/me/permissions"))
        .and(query_param("access_token", U1_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .expect(1)
        .mount(&server)
        .await;

    let out = manager.disconnect(&company, &u1).await.unwrap();
    assert!(out.revoked);
    assert_eq!(
        out.accounts_removed, 1,
        "only the solo Page's account: {out:?}"
    );
    // U1's token and both Page tokens: no remaining row uses them.
    assert_eq!(out.tokens_deleted, 3, "{out:?}");
    let shared = manager
        .account(&company, &IgUserId::new(IG_SHARED))
        .await
        .expect("the shared account stays");
    assert_eq!(
        shared.token_id.as_ref(),
        Some(&u2),
        "now on U2's connection"
    );
    assert!(shared.is_added, "and it stays added");
    assert!(manager
        .account(&company, &IgUserId::new(IG_SOLO))
        .await
        .is_err());
    let access = manager
        .access(&company, &IgUserId::new(IG_SHARED))
        .await
        .unwrap();
    assert_eq!(access.token.expose(), U2_TOKEN);
    assert!(store.load_token(&company, &u2).await.unwrap().is_some());
}

#[tokio::test]
async fn disconnect_revokes_at_meta_and_forgets_locally() {
    let flow = Flow::start().await;
    let company = CompanyId::new("acme");
    let connection = flow
        .connect_facebook(&company, &flow.user_id("Alice"))
        .await;
    let status = flow
        .manager
        .connection_status(&company, &connection.token_id)
        .await
        .unwrap();
    assert!(status.valid);
    assert!(status.scopes.iter().any(|s| s == "instagram_basic"));
    let (_, token) = flow
        .store
        .load_token(&company, &connection.token_id)
        .await
        .unwrap()
        .unwrap();

    let out = flow
        .manager
        .disconnect(&company, &connection.token_id)
        .await
        .unwrap();
    assert!(out.revoked);
    assert_eq!(out.accounts_removed, 3);
    assert!(out.tokens_deleted >= 2, "user and page tokens: {out:?}");
    assert!(flow
        .store
        .load_token(&company, &connection.token_id)
        .await
        .unwrap()
        .is_none());
    // Meta no longer accepts the token.
    let err = flow.client.facebook(&token).me().send().await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::ReauthRequired, "{err}");
}
