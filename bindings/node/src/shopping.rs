//! `Shopping`: Instagram Shopping of an account (catalogs, product search, appeals, tag
//! eligibility) and the product tags of its media.

use std::sync::Arc;

use instagraph::api::TaggedProduct;
use instagraph::MediaId;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::account_graph::{self, limit, open, to_js, Json};
use crate::accounts::AccountManager;
use crate::convert::required;
use crate::error::{guard, sdk_error};
use crate::results::{Paging, Success};
use crate::store::Lazy;

/// A catalog the account can tag products from.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct Catalog {
    /// The catalog id.
    pub catalog_id: Option<String>,
    /// Its name.
    pub catalog_name: Option<String>,
    /// The shop's name.
    pub shop_name: Option<String>,
    /// How many products it holds.
    pub product_count: Option<f64>,
}

/// One page of catalogs (`Shopping.catalogs`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CatalogPage {
    /// The catalogs of this page.
    pub data: Vec<Catalog>,
    /// Where the page is.
    pub paging: Paging,
}

/// A product found by `Shopping.searchProducts` (the fields Meta sent).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CatalogProduct {
    /// The product id (the one to tag).
    pub product_id: Option<String>,
    /// The merchant id.
    pub merchant_id: Option<String>,
    /// The product's name.
    pub product_name: Option<String>,
    /// Its image.
    pub image_url: Option<String>,
    /// The retailer's own id (SKU).
    pub retailer_id: Option<String>,
    /// `approved`, `rejected`, `pending`, ...
    pub review_status: Option<String>,
}

/// One page of products (`Shopping.searchProducts`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CatalogProductPage {
    /// The products of this page.
    pub data: Vec<CatalogProduct>,
    /// Where the page is.
    pub paging: Paging,
}

/// A product tag to set on a media: a product, at (`x`, `y`) on an image (none on reels).
#[napi(object)]
pub struct ProductTagInput {
    /// The catalog product id.
    pub product_id: String,
    /// Horizontal position, 0..1 (images).
    pub x: Option<f64>,
    /// Vertical position, 0..1 (images).
    pub y: Option<f64>,
}

/// Options of `Shopping.searchProducts`.
#[napi(object)]
pub struct ProductSearchOptions {
    /// Items per page.
    pub limit: Option<u32>,
    /// The cursor of the previous page's `paging.after`.
    pub after: Option<String>,
}

/// Instagram Shopping of the accounts of an `AccountManager`.
#[napi]
pub struct Shopping {
    lazy: Arc<Lazy>,
}

#[napi]
impl Shopping {
    /// Shopping of the accounts of `accounts`.
    #[napi(constructor)]
    pub fn new(accounts: &AccountManager) -> Self {
        Self {
            lazy: accounts.lazy.clone(),
        }
    }

    /// The catalogs the account can tag products from (one page): `{ data, paging }`.
    ///
    /// Core: ShoppingHandler::catalogs
    #[napi(ts_return_type = "Promise<CatalogPage>")]
    pub async fn catalogs(&self, company_id: String, ig_user_id: String) -> Result<Json> {
        const WHAT: &str = "Shopping.catalogs";
        guard(WHAT, async {
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let page = account
                .graph()
                .ig_user(account.ig().clone())
                .shopping()
                .catalogs()
                .send()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(account_graph::page(&page))
        })
        .await
        .map(Json::from)
    }

    /// The tag-eligible products of `catalogId` whose name or SKU holds `q` (all of them
    /// without `q`), one page: `{ data, paging }`.
    ///
    /// Core: ShoppingHandler::search_products
    #[napi(ts_return_type = "Promise<CatalogProductPage>")]
    pub async fn search_products(
        &self,
        company_id: String,
        ig_user_id: String,
        catalog_id: String,
        q: Option<String>,
        options: Option<ProductSearchOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Shopping.searchProducts";
        guard(WHAT, async {
            required("catalogId", &catalog_id)?;
            let (per_page, after) = options.map_or((None, None), |o| (o.limit, o.after));
            let per_page = limit("options.limit", per_page)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let mut req = account
                .graph()
                .ig_user(account.ig().clone())
                .shopping()
                .search_products(&catalog_id, q.as_deref())
                .map_err(|e| sdk_error(WHAT, e))?;
            if let Some(l) = per_page {
                req = req.limit(l);
            }
            if let Some(a) = after {
                req = req.after(a);
            }
            let page = req.send().await.map_err(|e| sdk_error(WHAT, e))?;
            Ok(account_graph::page(&page))
        })
        .await
        .map(Json::from)
    }

    /// Whether the account may tag products (`shopping_product_tag_eligibility`).
    ///
    /// Core: ShoppingHandler::product_tag_eligibility
    #[napi]
    pub async fn product_tag_eligibility(
        &self,
        company_id: String,
        ig_user_id: String,
    ) -> Result<bool> {
        const WHAT: &str = "Shopping.productTagEligibility";
        guard(WHAT, async {
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            account
                .graph()
                .ig_user(account.ig().clone())
                .shopping()
                .product_tag_eligibility()
                .await
                .map_err(|e| sdk_error(WHAT, e))
        })
        .await
    }

    /// Appeals the rejection of `productId`: `{ success }` (the appeal was taken, not its
    /// outcome).
    ///
    /// Core: ShoppingHandler::appeal
    #[napi]
    pub async fn appeal(
        &self,
        company_id: String,
        ig_user_id: String,
        product_id: String,
        reason: String,
    ) -> Result<Success> {
        const WHAT: &str = "Shopping.appeal";
        guard(WHAT, async {
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let success = account
                .graph()
                .ig_user(account.ig().clone())
                .shopping()
                .appeal(&product_id, &reason)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Success { success })
        })
        .await
    }

    /// The appeal status of `productId`: `{ productId, reviewStatus, eligibleForAppeal }`, or
    /// null when Meta has none.
    ///
    /// Core: ShoppingHandler::appeal_status
    #[napi(
        ts_return_type = "Promise<{ productId?: string, reviewStatus?: string, eligibleForAppeal?: boolean } | null>"
    )]
    pub async fn appeal_status(
        &self,
        company_id: String,
        ig_user_id: String,
        product_id: String,
    ) -> Result<Json> {
        const WHAT: &str = "Shopping.appealStatus";
        guard(WHAT, async {
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let status = account
                .graph()
                .ig_user(account.ig().clone())
                .shopping()
                .appeal_status(&product_id)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(to_js(&status))
        })
        .await
        .map(Json::from)
    }

    /// The product tags of a media of the account: `[{ productId, name, x, y, ... }]`.
    ///
    /// Core: MediaProductTagsHandler::list
    #[napi(
        ts_return_type = "Promise<Array<{ productId?: string, name?: string, x?: number, y?: number, reviewStatus?: string }>>"
    )]
    pub async fn product_tags(
        &self,
        company_id: String,
        ig_user_id: String,
        media_id: String,
    ) -> Result<Json> {
        const WHAT: &str = "Shopping.productTags";
        guard(WHAT, async {
            required("mediaId", &media_id)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let tags = account
                .graph()
                .media(MediaId::new(media_id))
                .product_tags()
                .list()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(to_js(&tags))
        })
        .await
        .map(Json::from)
    }

    /// Adds product tags to a media of the account (a product tagged again moves): `{ success }`.
    ///
    /// Core: MediaProductTagsHandler::update
    #[napi]
    pub async fn update_product_tags(
        &self,
        company_id: String,
        ig_user_id: String,
        media_id: String,
        tags: Vec<ProductTagInput>,
    ) -> Result<Success> {
        const WHAT: &str = "Shopping.updateProductTags";
        guard(WHAT, async {
            required("mediaId", &media_id)?;
            let tags: Vec<TaggedProduct> = tags
                .into_iter()
                .map(|t| TaggedProduct {
                    product_id: t.product_id,
                    x: t.x,
                    y: t.y,
                })
                .collect();
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let success = account
                .graph()
                .media(MediaId::new(media_id))
                .product_tags()
                .update(tags)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Success { success })
        })
        .await
    }
}
