//! Exact wire checks (wiremock) of account discovery, IG user and media reads: every request's
//! method, versioned path and full query (token and `appsecret_proof` included), and the decoding
//! of the answers, error answers included.

use futures::TryStreamExt;
use instagraph::api::accounts::{DEFAULT_ME_ACCOUNTS_FIELDS, DEFAULT_ME_FIELDS};
use instagraph::api::ig_user::{DEFAULT_IG_LOGIN_USER_FIELDS, DEFAULT_IG_USER_FIELDS};
use instagraph::api::media::{DEFAULT_CHILD_FIELDS, DEFAULT_MEDIA_FIELDS};
use instagraph::api::models::MediaType;
use instagraph::api::{discover_accounts, email_or_fallback, fallback_email, DiscoverySource};
use instagraph::config::DEFAULT_API_VERSION;
use instagraph::{
    AccessToken, BusinessId, Client, Error, ErrorClass, Hosts, IgUserId, MediaId, PageId,
    RetryPolicy,
};
use serde_json::json;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod wire_support;
use wire_support::{ok, proof, query_with_token, v, ExactQuery, SECRET};

const TOKEN: &str = "EAAtestusertoken0000WXYZ";

fn fast_retry() -> RetryPolicy {
    wire_support::fast_retry(2)
}

fn hosts_at(base: &str) -> Hosts {
    Hosts::uniform(base)
}

fn client(server: &MockServer) -> Client {
    wire_support::client(server, 2)
}

/// Exactly these query pairs plus `access_token` = `TOKEN` and its `appsecret_proof`.
fn query(pairs: &[(&str, &str)]) -> ExactQuery {
    query_with_token(TOKEN, pairs)
}

fn graph_error(status: u16, code: i64, subcode: Option<i64>, message: &str) -> ResponseTemplate {
    let mut error = json!({
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AbCdEfG123",
    });
    if let Some(s) = subcode {
        error["error_subcode"] = json!(s);
    }
    ResponseTemplate::new(status).set_body_json(json!({ "error": error }))
}

#[tokio::test]
async fn me_pins_the_request_and_falls_back_for_a_missing_email() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("me")))
        .and(query(&[("fields", "id,name,email")]))
        .respond_with(ok(json!({"id": "10001", "name": "Ada"})))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(DEFAULT_ME_FIELDS, "id,name,email");
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let user = client.facebook(&token).me().send().await.unwrap();
    assert_eq!(user.id.as_str(), "10001");
    assert_eq!(user.name.as_deref(), Some("Ada"));
    assert_eq!(user.email, None);
    assert_eq!(fallback_email(&user), "10001@facebook.instagraph.local");
    assert_eq!(email_or_fallback(&user), "10001@facebook.instagraph.local");
}

#[tokio::test]
async fn me_with_custom_fields_and_an_email() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("me")))
        .and(query(&[("fields", "id,email,first_name")]))
        .respond_with(ok(
            json!({"id": "10001", "email": "ada@example.com", "first_name": "Ada"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let user = client
        .facebook(&token)
        .me()
        .fields(["id", "email", "first_name"])
        .send()
        .await
        .unwrap();
    assert_eq!(email_or_fallback(&user), "ada@example.com");
    assert_eq!(user.first_name.as_deref(), Some("Ada"));
}

#[tokio::test]
async fn a_graph_error_is_decoded_whole_without_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("me")))
        .and(query(&[("fields", "id,name,email")]))
        .respond_with(graph_error(
            400,
            190,
            Some(463),
            "Error validating access token: Session has expired",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let err = client.facebook(&token).me().send().await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::ReauthRequired);
    let Error::Graph {
        error,
        status,
        context,
        ..
    } = &err
    else {
        panic!("expected a Graph error, got {err:?}");
    };
    assert_eq!(*status, 400);
    assert_eq!(error.code, 190);
    assert_eq!(error.error_subcode, Some(463));
    assert_eq!(error.kind.as_deref(), Some("OAuthException"));
    assert_eq!(error.fbtrace_id.as_deref(), Some("AbCdEfG123"));
    assert_eq!(context.method, "GET");
    assert_eq!(
        context.path,
        format!("graph.facebook.com/{DEFAULT_API_VERSION}/me")
    );
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(!shown.contains(&proof(TOKEN)), "{shown}");
}

#[tokio::test]
async fn me_accounts_sends_default_fields_limit_and_cursor() {
    let server = MockServer::start().await;
    assert_eq!(
        DEFAULT_ME_ACCOUNTS_FIELDS,
        "id,name,access_token,category,tasks,instagram_business_account{id,username,name,profile_picture_url,followers_count}"
    );
    Mock::given(method("GET"))
        .and(path(v("me/accounts")))
        .and(query(&[
            ("fields", DEFAULT_ME_ACCOUNTS_FIELDS),
            ("limit", "50"),
            ("after", "QVFIUcursor"),
        ]))
        .respond_with(ok(json!({
            "data": [{
                "id": "111",
                "name": "Cafe Page",
                "access_token": "EAApagetoken111111111",
                "category": "Cafe",
                "tasks": ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"],
                "instagram_business_account": {
                    "id": "17841400000000001",
                    "username": "cafe",
                    "name": "The Cafe",
                    "profile_picture_url": "https://cdn.example/p.jpg",
                    "followers_count": 1200
                }
            }, {
                "id": "112",
                "name": "No IG Page",
                "access_token": "EAApagetoken112222222",
                "tasks": ["ANALYZE"]
            }],
            "paging": {"cursors": {"before": "B1", "after": "A1"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let page = client
        .facebook(&token)
        .me_accounts()
        .limit(50)
        .after("QVFIUcursor")
        .send()
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    assert!(!page.has_next());
    assert_eq!(page.after_cursor(), Some("A1"));
    let first = &page.items[0];
    assert_eq!(first.id, PageId::new("111"));
    assert_eq!(
        first.access_token.as_ref().map(AccessToken::expose),
        Some("EAApagetoken111111111")
    );
    assert_eq!(first.tasks.len(), 5);
    let ig = first.instagram_business_account.as_ref().unwrap();
    assert_eq!(ig.id, IgUserId::new("17841400000000001"));
    assert_eq!(ig.followers_count, Some(1200));
    assert!(page.items[1].instagram_business_account.is_none());
    assert!(page.next_page().await.unwrap().is_none());
}

#[tokio::test]
async fn business_edges_pin_their_paths_and_fields() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("me/businesses")))
        .and(query(&[("fields", "id,name,verification_status")]))
        .respond_with(ok(json!({"data": [{"id": "900", "name": "Agency", "verification_status": "verified"}], "paging": {}})))
        .expect(1)
        .mount(&server)
        .await;
    let page_fields = "id,name,category,instagram_business_account{id,username,name,profile_picture_url,followers_count}";
    let ig_fields = "id,username,name,profile_picture_url,followers_count";
    for (edge, fields, body) in [
        (
            "owned_pages",
            page_fields,
            json!({"data": [{"id": "111", "name": "Owned"}]}),
        ),
        (
            "client_pages",
            page_fields,
            json!({"data": [{"id": "222", "name": "Client", "permitted_tasks": ["MANAGE"]}]}),
        ),
        (
            "owned_instagram_accounts",
            ig_fields,
            json!({"data": [{"id": "178", "username": "owned"}]}),
        ),
        (
            "client_instagram_accounts",
            ig_fields,
            json!({"data": [{"id": "179", "username": "client", "permitted_tasks": ["CONTENT"]}]}),
        ),
        (
            "instagram_business_accounts",
            ig_fields,
            json!({"data": [{"id": "180", "username": "iba"}]}),
        ),
    ] {
        Mock::given(method("GET"))
            .and(path(v(&format!("900/{edge}"))))
            .and(query(&[("fields", fields)]))
            .respond_with(ok(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let fb = client.facebook(&token);
    let businesses = fb.businesses().send().await.unwrap();
    assert_eq!(businesses.items[0].id, BusinessId::new("900"));
    assert_eq!(
        businesses.items[0].verification_status.as_deref(),
        Some("verified")
    );
    let b = fb.business("900");
    assert_eq!(
        b.owned_pages().send().await.unwrap().items[0].id,
        PageId::new("111")
    );
    let client_pages = b.client_pages().send().await.unwrap();
    assert_eq!(
        client_pages.items[0].permitted_tasks.as_deref(),
        Some(&["MANAGE".to_owned()][..])
    );
    let owned = b.owned_instagram_accounts().send().await.unwrap();
    assert_eq!(owned.items[0].username.as_deref(), Some("owned"));
    let clients = b.client_instagram_accounts().send().await.unwrap();
    assert_eq!(
        clients.items[0].permitted_tasks.as_deref(),
        Some(&["CONTENT".to_owned()][..])
    );
    let iba = b.instagram_business_accounts().send().await.unwrap();
    assert_eq!(iba.items[0].id, IgUserId::new("180"));
}

/// Mounts `/me` and a two-page `/me/accounts` whose `next` points at the mock server (with a
/// stale token inside, which must be replaced by the caller's).
async fn mount_me_and_two_pages(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(v("me")))
        .and(query(&[("fields", "id,name,email")]))
        .respond_with(ok(
            json!({"id": "10001", "name": "Ada", "email": "ada@example.com"}),
        ))
        .expect(1)
        .mount(server)
        .await;
    let next = format!(
        "{}{}?fields=id%2Cname&limit=1&after=CURSOR1&access_token=STALE_TOKEN&appsecret_proof=stale",
        server.uri(),
        v("me/accounts")
    );
    Mock::given(method("GET"))
        .and(path(v("me/accounts")))
        .and(query(&[("fields", DEFAULT_ME_ACCOUNTS_FIELDS)]))
        .respond_with(ok(json!({
            "data": [{
                "id": "111",
                "name": "Cafe Page",
                "access_token": "EAApagetoken111111111",
                "instagram_business_account": {"id": "17841400000000001", "username": "cafe"}
            }],
            "paging": {"cursors": {"before": "B0", "after": "CURSOR1"}, "next": next}
        })))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(v("me/accounts")))
        .and(query(&[("fields", "id,name"), ("limit", "1"), ("after", "CURSOR1")]))
        .respond_with(ok(json!({
            "data": [{
                "id": "112",
                "name": "Shop Page",
                "access_token": "EAApagetoken112222222",
                "instagram_business_account": {"id": "17841400000000002", "username": "shop", "followers_count": 7}
            }],
            "paging": {"cursors": {"before": "B1", "after": "CURSOR2"}}
        })))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn discover_accounts_walks_every_page_and_deduplicates() {
    let server = MockServer::start().await;
    mount_me_and_two_pages(&server).await;
    Mock::given(method("GET"))
        .and(path(v("me/businesses")))
        .and(query(&[("fields", "id,name,verification_status")]))
        .respond_with(ok(json!({"data": [{"id": "900", "name": "Agency"}]})))
        .expect(1)
        .mount(&server)
        .await;
    let page_fields = "id,name,category,instagram_business_account{id,username,name,profile_picture_url,followers_count}";
    let ig_fields = "id,username,name,profile_picture_url,followers_count";
    // An owned Page whose IG account is also page-linked (17841400000000002), one only found here.
    Mock::given(method("GET"))
        .and(path(v("900/owned_pages")))
        .and(query(&[("fields", page_fields)]))
        .respond_with(ok(json!({"data": [
            {"id": "112", "name": "Shop Page", "instagram_business_account": {"id": "17841400000000002", "username": "shop", "name": "The Shop"}},
            {"id": "113", "name": "Bakery Page", "instagram_business_account": {"id": "17841400000000003", "username": "bakery"}}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v("900/client_pages")))
        .and(query(&[("fields", page_fields)]))
        .respond_with(ok(json!({"data": []})))
        .expect(1)
        .mount(&server)
        .await;
    // The page-linked cafe again, and one only owned by the business.
    Mock::given(method("GET"))
        .and(path(v("900/owned_instagram_accounts")))
        .and(query(&[("fields", ig_fields)]))
        .respond_with(ok(json!({"data": [
            {"id": "17841400000000001", "username": "cafe", "followers_count": 1200},
            {"id": "17841400000000004", "username": "studio"}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    // No permission on the client edge: skipped, not fatal.
    Mock::given(method("GET"))
        .and(path(v("900/client_instagram_accounts")))
        .and(query(&[("fields", ig_fields)]))
        .respond_with(graph_error(
            403,
            200,
            None,
            "(#200) Requires business_management permission to manage the object",
        ))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let found = discover_accounts(&client, &token).await.unwrap();

    assert_eq!(found.user.email.as_deref(), Some("ada@example.com"));
    let page_ids: Vec<&str> = found.pages.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        page_ids,
        ["111", "112", "113"],
        "both pages of /me/accounts, then business-only"
    );
    assert_eq!(found.businesses.len(), 1);
    let ids: Vec<&str> = found
        .accounts
        .iter()
        .map(|a| a.ig_user_id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "17841400000000001",
            "17841400000000002",
            "17841400000000003",
            "17841400000000004"
        ]
    );
    let cafe = &found.accounts[0];
    assert_eq!(cafe.source, DiscoverySource::PageLinked);
    assert_eq!(cafe.page_id, Some(PageId::new("111")));
    assert_eq!(
        cafe.page_token.as_ref().map(AccessToken::expose),
        Some("EAApagetoken111111111")
    );
    assert_eq!(cafe.business_id, Some(BusinessId::new("900")));
    assert_eq!(
        cafe.followers_count,
        Some(1200),
        "merged from the business entry"
    );
    let shop = &found.accounts[1];
    assert_eq!(shop.source, DiscoverySource::PageLinked, "page-linked wins");
    assert_eq!(
        shop.page_token.as_ref().map(AccessToken::expose),
        Some("EAApagetoken112222222"),
        "fetched from the second page of /me/accounts"
    );
    assert_eq!(shop.business_id, Some(BusinessId::new("900")));
    assert_eq!(shop.name.as_deref(), Some("The Shop"));
    assert_eq!(shop.followers_count, Some(7));
    let bakery = &found.accounts[2];
    assert_eq!(bakery.source, DiscoverySource::BusinessOwned);
    assert_eq!(bakery.page_id, Some(PageId::new("113")));
    assert!(bakery.page_token.is_none());
    let studio = &found.accounts[3];
    assert_eq!(studio.source, DiscoverySource::BusinessOwned);
    assert_eq!(studio.page_id, None);
    assert_eq!(found.skipped.len(), 1);
    assert_eq!(found.skipped[0].edge, "900/client_instagram_accounts");
    assert_eq!(found.skipped[0].code, 200);
    // The Page token never prints.
    assert!(!format!("{found:?}").contains("EAApagetoken"));
}

#[tokio::test]
async fn discovery_without_business_management_keeps_the_pages() {
    let server = MockServer::start().await;
    mount_me_and_two_pages(&server).await;
    Mock::given(method("GET"))
        .and(path(v("me/businesses")))
        .respond_with(graph_error(
            403,
            100,
            None,
            "(#100) Missing Permission: business_management",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let found = client.facebook(&token).discover_accounts().await.unwrap();
    assert_eq!(found.accounts.len(), 2);
    assert!(found
        .accounts
        .iter()
        .all(|a| a.source == DiscoverySource::PageLinked && a.page_token.is_some()));
    assert!(found.businesses.is_empty());
    assert_eq!(found.skipped.len(), 1);
    assert_eq!(found.skipped[0].edge, "me/businesses");
}

#[tokio::test]
async fn discovery_stops_on_an_error_that_is_not_about_permissions() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("me")))
        .respond_with(ok(json!({"id": "10001"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v("me/accounts")))
        .respond_with(graph_error(400, 190, Some(460), "password changed"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v("me/businesses")))
        .respond_with(ok(json!({"data": []})))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let err = discover_accounts(&client, &token).await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::ReauthRequired);
    assert_eq!(err.graph().unwrap().error_subcode, Some(460));
}

#[tokio::test]
async fn a_next_url_on_a_foreign_host_is_refused() {
    let server = MockServer::start().await;
    let evil = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok(json!({"data": []})))
        .expect(0)
        .mount(&evil)
        .await;
    let next = format!("{}{}?after=X", evil.uri(), v("me/accounts"));
    Mock::given(method("GET"))
        .and(path(v("me/accounts")))
        .and(query(&[("fields", DEFAULT_ME_ACCOUNTS_FIELDS)]))
        .respond_with(ok(json!({
            "data": [{"id": "111", "name": "P"}],
            "paging": {"next": next}
        })))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let fb = client.facebook(&token);

    let page = fb.me_accounts().send().await.unwrap();
    assert!(page.has_next());
    let err = page.next_page().await.unwrap_err();
    match &err {
        Error::InvalidInput { field, .. } => assert_eq!(*field, "paging.next"),
        other => panic!("expected InvalidInput, got {other:?}"),
    }

    // The stream yields the first page's items, then the same refusal.
    let stream = fb.me_accounts().send().await.unwrap().into_stream();
    let err = stream.try_collect::<Vec<_>>().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidInput {
                field: "paging.next",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(evil.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn ig_user_get_uses_the_default_fields_of_each_host() {
    let server = MockServer::start().await;
    let base = server.uri();
    let hosts = Hosts {
        graph_facebook: format!("{base}/fb"),
        graph_instagram: format!("{base}/ig"),
        ..hosts_at(&base)
    };
    let client = Client::builder()
        .app("123", SECRET)
        .hosts(hosts)
        .retry(fast_retry())
        .build()
        .unwrap();
    assert_eq!(
        DEFAULT_IG_USER_FIELDS,
        "id,ig_id,username,name,biography,website,profile_picture_url,followers_count,follows_count,media_count"
    );
    assert_eq!(
        DEFAULT_IG_LOGIN_USER_FIELDS,
        "user_id,username,name,account_type,profile_picture_url,followers_count,follows_count,media_count"
    );
    Mock::given(method("GET"))
        .and(path(format!("/fb{}", v("17841400000000001"))))
        .and(query(&[("fields", DEFAULT_IG_USER_FIELDS)]))
        .respond_with(ok(json!({
            "id": "17841400000000001", "ig_id": 7482719771u64, "username": "cafe",
            "biography": "Coffee", "followers_count": "1200", "media_count": 42
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/ig{}", v("17841400000000001"))))
        .and(query(&[("fields", DEFAULT_IG_LOGIN_USER_FIELDS)]))
        .respond_with(ok(json!({
            "id": "17841400000000001", "user_id": "9000", "username": "cafe", "account_type": "BUSINESS"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/ig{}", v("me"))))
        .and(query(&[("fields", "id,username")]))
        .respond_with(ok(json!({"id": "17841400000000001", "username": "cafe"})))
        .expect(1)
        .mount(&server)
        .await;
    let token = AccessToken::new(TOKEN);
    let fb_user = client
        .facebook(&token)
        .ig_user("17841400000000001")
        .get()
        .send()
        .await
        .unwrap();
    assert_eq!(fb_user.ig_id.as_deref(), Some("7482719771"));
    assert_eq!(fb_user.followers_count, Some(1200));
    assert_eq!(fb_user.media_count, Some(42));
    let ig_user = client
        .instagram(&token)
        .ig_user(IgUserId::new("17841400000000001"))
        .get()
        .send()
        .await
        .unwrap();
    assert_eq!(ig_user.user_id.as_deref(), Some("9000"));
    assert_eq!(ig_user.account_type.as_deref(), Some("BUSINESS"));
    let me = client
        .instagram(&token)
        .me()
        .fields(["id", "username"])
        .send()
        .await
        .unwrap();
    assert_eq!(me.username.as_deref(), Some("cafe"));
}

#[tokio::test]
async fn media_list_get_and_children_pin_their_requests() {
    let server = MockServer::start().await;
    let since = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    let until = chrono::DateTime::from_timestamp(1_700_086_400, 0).unwrap();
    Mock::given(method("GET"))
        .and(path(v("17841400000000001/media")))
        .and(query(&[
            ("fields", "id,caption,media_type,timestamp"),
            ("limit", "25"),
            ("since", "1700000000"),
            ("until", "1700086400"),
        ]))
        .respond_with(ok(json!({
            "data": [
                {"id": "180001", "caption": "Hello #coffee", "media_type": "IMAGE", "timestamp": "2023-11-14T22:13:20+0000"},
                {"id": "180002", "media_type": "CAROUSEL_ALBUM", "timestamp": "2023-11-15T10:00:00+0000"}
            ],
            "paging": {"cursors": {"before": "B", "after": "A"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v("180002")))
        .and(query(&[("fields", DEFAULT_MEDIA_FIELDS)]))
        .respond_with(ok(json!({
            "id": "180002", "media_type": "CAROUSEL_ALBUM", "media_product_type": "FEED",
            "permalink": "https://www.instagram.com/p/abc/", "like_count": 3, "comments_count": "1"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v("180002/children")))
        .and(query(&[("fields", DEFAULT_CHILD_FIELDS)]))
        .respond_with(ok(json!({"data": [
            {"id": "180003", "media_type": "IMAGE"}, {"id": "180004", "media_type": "VIDEO"}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let fb = client.facebook(&token);
    let page = fb
        .ig_user("17841400000000001")
        .media()
        .list()
        .fields(["id", "caption", "media_type", "timestamp"])
        .limit(25)
        .since(since)
        .until(until)
        .send()
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].media_type, Some(MediaType::Image));
    assert_eq!(page.items[0].timestamp_parsed(), Some(since));
    assert!(!page.has_next(), "cursors without next: the last page");
    let media = fb.media(MediaId::new("180002")).get().send().await.unwrap();
    assert_eq!(media.comments_count, Some(1));
    assert_eq!(
        media.permalink.as_deref(),
        Some("https://www.instagram.com/p/abc/")
    );
    let children = fb
        .media("180002")
        .children()
        .send()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(children.len(), 2);
    assert_eq!(children[1].media_type, Some(MediaType::Video));
}

#[tokio::test]
async fn bad_list_arguments_are_refused_before_any_call() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok(json!({"data": []})))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let fb = client.facebook(&token);
    let e = fb.me_accounts().limit(0).send().await.unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { field: "limit", .. }),
        "{e:?}"
    );
    let e = fb
        .me()
        .fields(Vec::<String>::new())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::InvalidInput {
                field: "fields",
                ..
            }
        ),
        "{e:?}"
    );
    let since = chrono::DateTime::from_timestamp(2_000, 0).unwrap();
    let until = chrono::DateTime::from_timestamp(1_000, 0).unwrap();
    let e = fb
        .ig_user("1")
        .media()
        .list()
        .since(since)
        .until(until)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { field: "since", .. }),
        "{e:?}"
    );
}

/// A `next` URL that merely starts with the configured base (`http://127.0.0.1:PORT@evil…`, or a
/// port that extends the base's) is on another host: it must be refused too.
#[tokio::test]
async fn a_next_url_that_only_shares_the_prefix_is_refused() {
    let server = MockServer::start().await;
    let evil = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok(json!({"data": []})))
        .expect(0)
        .mount(&evil)
        .await;
    // http://127.0.0.1:P1@127.0.0.1:P2/… has user "127.0.0.1", password "P1" and host P2.
    let next = format!(
        "{}@{}{}?after=X",
        server.uri(),
        evil.address(),
        v("me/accounts")
    );
    Mock::given(method("GET"))
        .and(path(v("me/accounts")))
        .respond_with(ok(json!({"data": [], "paging": {"next": next}})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let page = client.facebook(&token).me_accounts().send().await.unwrap();
    let err = page.next_page().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidInput {
                field: "paging.next",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(evil.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_stories_edge_pins_its_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("17841400000000001/stories")))
        .and(query(&[("fields", "id,media_type,media_product_type,timestamp"), ("limit", "10")]))
        .respond_with(ok(json!({
            "data": [
                {"id": "181001", "media_type": "IMAGE", "media_product_type": "STORY", "timestamp": "2026-11-26T08:00:00+0000"}
            ],
            "paging": {"cursors": {"before": "B", "after": "A"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let page = client
        .facebook(&token)
        .ig_user("17841400000000001")
        .media()
        .stories()
        .fields(["id", "media_type", "media_product_type", "timestamp"])
        .limit(10)
        .send()
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id.as_str(), "181001");
    assert_eq!(
        page.items[0].media_product_type,
        Some(instagraph::api::models::MediaProductType::Story)
    );
    assert!(!page.has_next());
}
