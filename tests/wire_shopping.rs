//! Exact wire checks (wiremock) of Instagram Shopping: available catalogs, catalog product
//! search, product appeals, the tag eligibility field, and a media's product tags (read and
//! update); plus every check that refuses a call before any request.

use instagraph::api::{
    TaggedProduct, DEFAULT_CATALOG_FIELDS, DEFAULT_CATALOG_PRODUCT_FIELDS, MAX_REEL_PRODUCT_TAGS,
};
use instagraph::{AccessToken, Client};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

mod wire_support;
use wire_support::{form, invalid_field, ok, query_with_token, silent_server, v, ExactQuery};

const TOKEN: &str = "EAAGshoppingtoken00LMNOP";
const IG: &str = "90010177253934";
const CATALOG: &str = "960179311066902";
const PRODUCT: &str = "3859448974125379";
const MEDIA: &str = "90010778325754";

fn client(server: &MockServer) -> Client {
    wire_support::client(server, 3)
}

fn query(list: &[(&str, &str)]) -> ExactQuery {
    query_with_token(TOKEN, list)
}

#[tokio::test]
async fn catalogs_and_product_search() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/available_catalogs"))))
        .and(query(&[("fields", DEFAULT_CATALOG_FIELDS)]))
        .respond_with(ok(json!({"data": [{
            "catalog_id": "960179311066902", "catalog_name": "Jay's Favorite Snacks",
            "shop_name": "Jay's Bespoke", "product_count": 11
        }]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/catalog_product_search"))))
        .and(query(&[
            ("fields", DEFAULT_CATALOG_PRODUCT_FIELDS),
            ("catalog_id", CATALOG),
            ("q", "gummy"),
            ("limit", "5"),
        ]))
        .respond_with(ok(json!({"data": [{
            "product_id": 3231775643511089u64, "merchant_id": 90010177253934u64,
            "product_name": "Gummy Wombats", "image_url": "https://cdn.example.com/w.jpg",
            "retailer_id": "oh59p9vzei", "review_status": "approved", "is_checkout_flow": true,
            "product_variants": [{"product_id": 5209223099160494u64},
                                 {"product_id": 7478222675582505u64, "variant_name": "Green Gummy Wombats"}]
        }]})))
        .expect(1)
        .mount(&server)
        .await;
    let token = AccessToken::new(TOKEN);
    let client = client(&server);
    let shopping = client.facebook(&token).ig_user(IG).shopping();
    let catalogs = shopping.catalogs().send().await.unwrap();
    assert_eq!(catalogs.items[0].catalog_id.as_deref(), Some(CATALOG));
    assert_eq!(catalogs.items[0].product_count, Some(11));
    let found = shopping
        .search_products(CATALOG, Some("gummy"))
        .unwrap()
        .limit(5)
        .send()
        .await
        .unwrap();
    let product = &found.items[0];
    assert_eq!(product.product_id.as_deref(), Some("3231775643511089"));
    assert_eq!(product.is_checkout_flow, Some(true));
    assert_eq!(product.product_variants.len(), 2);
    assert_eq!(
        product.product_variants[1].variant_name.as_deref(),
        Some("Green Gummy Wombats")
    );
}

#[tokio::test]
async fn appeals_and_eligibility() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/product_appeal"))))
        .and(query(&[]))
        .and(form(&[
            ("product_id", "4382881195057752"),
            ("appeal_reason", "product is a toy and not a real weapon"),
        ]))
        .respond_with(ok(json!({"success": true})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/product_appeal"))))
        .and(query(&[("product_id", "4382881195057752")]))
        .respond_with(ok(json!({"data": [{
            "product_id": 4382881195057752u64, "review_status": "approved", "eligible_for_appeal": false
        }]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v(IG)))
        .and(query(&[("fields", "shopping_product_tag_eligibility")]))
        .respond_with(ok(
            json!({"shopping_product_tag_eligibility": true, "id": IG}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let token = AccessToken::new(TOKEN);
    let client = client(&server);
    let shopping = client.facebook(&token).ig_user(IG).shopping();
    assert!(shopping
        .appeal("4382881195057752", "product is a toy and not a real weapon")
        .await
        .unwrap());
    let status = shopping
        .appeal_status("4382881195057752")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.review_status.as_deref(), Some("approved"));
    assert_eq!(status.eligible_for_appeal, Some(false));
    assert!(shopping.product_tag_eligibility().await.unwrap());
}

#[tokio::test]
async fn media_product_tags_are_read_and_updated() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{MEDIA}/product_tags"))))
        .and(query(&[]))
        .respond_with(ok(json!({"data": [{
            "product_id": 3859448974125379u64, "merchant_id": 90010177253934u64,
            "name": "Gummy Bears", "price_string": "$3.50", "image_url": "https://cdn.example.com/g.jpg",
            "review_status": "approved", "is_checkout": true, "stripped_price_string": "3.50",
            "x": 0.5, "y": 0.8
        }]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{MEDIA}/product_tags"))))
        .and(query(&[]))
        .and(form(&[(
            "updated_tags",
            r#"[{"product_id":"3859448974125379","x":0.5,"y":0.8},{"product_id":"3859448974125380"}]"#,
        )]))
        .respond_with(ok(json!({"success": true})))
        .expect(1)
        .mount(&server)
        .await;
    let token = AccessToken::new(TOKEN);
    let client = client(&server);
    let tags = client.facebook(&token).media(MEDIA).product_tags();
    let read = tags.list().await.unwrap();
    assert_eq!(read[0].product_id.as_deref(), Some(PRODUCT));
    assert_eq!(read[0].x, Some(0.5));
    assert!(tags
        .update([
            TaggedProduct::at(PRODUCT, 0.5, 0.8),
            TaggedProduct::new("3859448974125380"),
        ])
        .await
        .unwrap());
}

#[tokio::test]
async fn bad_input_is_refused_before_any_call() {
    let server = silent_server().await;
    let token = AccessToken::new(TOKEN);
    let client = client(&server);
    let fb = client.facebook(&token);
    let shopping = fb.ig_user(IG).shopping();
    assert_eq!(
        invalid_field(shopping.search_products("", None).unwrap_err()).0,
        "catalog_id"
    );
    assert_eq!(
        invalid_field(shopping.search_products("12/34", Some("x")).unwrap_err()).0,
        "catalog_id"
    );
    assert_eq!(
        invalid_field(shopping.search_products(CATALOG, Some("  ")).unwrap_err()).0,
        "q"
    );
    let long = "q".repeat(501);
    assert_eq!(
        invalid_field(shopping.search_products(CATALOG, Some(&long)).unwrap_err()).0,
        "q"
    );
    assert_eq!(
        invalid_field(shopping.appeal(PRODUCT, " ").await.unwrap_err()).0,
        "appeal_reason"
    );
    assert_eq!(
        invalid_field(shopping.appeal("", "why").await.unwrap_err()).0,
        "product_id"
    );
    assert_eq!(
        invalid_field(shopping.appeal_status("a b").await.unwrap_err()).0,
        "product_id"
    );

    let tags = fb.media(MEDIA).product_tags();
    let none: Vec<TaggedProduct> = Vec::new();
    assert_eq!(
        invalid_field(tags.update(none).await.unwrap_err()).0,
        "updated_tags"
    );
    let many = (0..=MAX_REEL_PRODUCT_TAGS).map(|i| TaggedProduct::new(format!("{i}")));
    let (field, reason) = invalid_field(tags.update(many).await.unwrap_err());
    assert_eq!(field, "updated_tags");
    assert!(reason.contains("at most 30"), "{reason}");
    let twice = [
        TaggedProduct::new(PRODUCT),
        TaggedProduct::at(PRODUCT, 0.1, 0.1),
    ];
    let (_, reason) = invalid_field(tags.update(twice).await.unwrap_err());
    assert!(reason.contains("repeats"), "{reason}");
    let off = [TaggedProduct::at(PRODUCT, 1.5, 0.1)];
    assert_eq!(
        invalid_field(tags.update(off).await.unwrap_err()).0,
        "updated_tags"
    );
    let blank = [TaggedProduct::new(" ")];
    assert_eq!(
        invalid_field(tags.update(blank).await.unwrap_err()).0,
        "updated_tags"
    );
}
