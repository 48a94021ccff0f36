//! Instagram Shopping against the sandbox: alice.bakery's catalog, a product search, a tag on
//! a published post (read back, moved), the appeal of a rejected product, and an account
//! without a shop.

use std::time::Duration;

use instagraph::api::{ContainerRequest, TaggedProduct, WaitOptions};
use instagraph::{AccessToken, Client, ErrorClass};
use instagraph_sandbox::{Login, Sandbox, SandboxConfig, TokenRequest};

const ALICE: &str = "100000000000011";
const IG_BAKERY: &str = "17841400000000001";
const IG_TRAVELS: &str = "17841400000000002";

async fn start() -> (Sandbox, Client, AccessToken) {
    let sandbox = Sandbox::builder()
        .config(SandboxConfig {
            image_processing_ms: 0,
            ..SandboxConfig::default()
        })
        .start()
        .await
        .expect("sandbox starts");
    let client = Client::builder()
        .app(sandbox.app_id(), sandbox.app_secret())
        .sandbox(sandbox.base_url())
        .build()
        .expect("client");
    let token = sandbox
        .issue_token(&TokenRequest {
            user_id: ALICE.into(),
            login: Login::Facebook,
            long_lived: true,
            scopes: None,
            page_id: None,
        })
        .expect("token")
        .access_token;
    (sandbox, client, AccessToken::new(token))
}

#[tokio::test]
async fn catalog_search_tag_and_appeal() {
    let (_sandbox, client, token) = start().await;
    let fb = client.facebook(&token);
    let shopping = fb.ig_user(IG_BAKERY).shopping();
    assert!(shopping.product_tag_eligibility().await.unwrap());
    let catalogs = shopping.catalogs().send().await.unwrap().items;
    assert_eq!(catalogs.len(), 1);
    let catalog = catalogs[0].catalog_id.clone().unwrap();
    assert_eq!(catalogs[0].product_count, Some(4));

    // Search finds tag-eligible products by name or SKU; the rejected one is not offered.
    let sourdough = shopping
        .search_products(&catalog, Some("sourdough"))
        .unwrap()
        .send()
        .await
        .unwrap()
        .items;
    assert_eq!(sourdough.len(), 2);
    let all = shopping
        .search_products(&catalog, None)
        .unwrap()
        .send()
        .await
        .unwrap()
        .items;
    assert_eq!(all.len(), 3);
    let product = sourdough[0].product_id.clone().unwrap();

    // A post tagged at creation shows the tag; an update moves it and adds another.
    let image = ContainerRequest::image("https://cdn.example.com/loaf.jpg")
        .product_tag(TaggedProduct::at(product.clone(), 0.2, 0.3));
    let published = fb
        .ig_user(IG_BAKERY)
        .publishing()
        .publish_image(image, WaitOptions::with_timeout(Duration::from_secs(20)))
        .await
        .unwrap();
    let tags = fb.media(published.media_id.clone()).product_tags();
    let read = tags.list().await.unwrap();
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].product_id.as_deref(), Some(product.as_str()));
    assert_eq!((read[0].x, read[0].y), (Some(0.2), Some(0.3)));
    let other = sourdough[1].product_id.clone().unwrap();
    assert!(tags
        .update([
            TaggedProduct::at(product.clone(), 0.6, 0.7),
            TaggedProduct::at(other, 0.1, 0.1),
        ])
        .await
        .unwrap());
    let read = tags.list().await.unwrap();
    assert_eq!(read.len(), 2);
    assert_eq!((read[0].x, read[0].y), (Some(0.6), Some(0.7)));

    // The rejected product: appealable once, then no longer eligible for appeal.
    let knife = "4382881195057752";
    let before = shopping.appeal_status(knife).await.unwrap().unwrap();
    assert_eq!(before.review_status.as_deref(), Some("rejected"));
    assert_eq!(before.eligible_for_appeal, Some(true));
    assert!(shopping.appeal(knife, "It is a bread knife").await.unwrap());
    let after = shopping.appeal_status(knife).await.unwrap().unwrap();
    assert_eq!(after.eligible_for_appeal, Some(false));
    let again = shopping.appeal(knife, "Please").await.unwrap_err();
    assert_eq!(again.class(), ErrorClass::InvalidInput, "{again}");
    // A rejected product cannot be tagged.
    let refused = tags
        .update([TaggedProduct::at(knife, 0.5, 0.5)])
        .await
        .unwrap_err();
    assert_eq!(refused.class(), ErrorClass::InvalidInput, "{refused}");
}

#[tokio::test]
async fn an_account_without_a_shop() {
    let (_sandbox, client, token) = start().await;
    let shopping = client.facebook(&token).ig_user(IG_TRAVELS).shopping();
    assert!(!shopping.product_tag_eligibility().await.unwrap());
    assert!(shopping.catalogs().send().await.unwrap().items.is_empty());
    let err = shopping
        .search_products("960179311066902", Some("bread"))
        .unwrap()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::InvalidInput, "{err}");
}
