//! Instagram Shopping of the account ([`AccountGraph`]): catalogs, product search, appeals,
//! tag eligibility, and the product tags of its media.

use instagraph::api::TaggedProduct;
use instagraph::MediaId;

use crate::error::{required, sdk, Result};
use crate::graph::AccountGraph;

/// A catalog the account can tag products from.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CatalogSummary {
    /// The catalog id.
    pub catalog_id: Option<String>,
    /// Its name.
    pub catalog_name: Option<String>,
    /// The shop's name.
    pub shop_name: Option<String>,
    /// How many products it holds.
    pub product_count: Option<u64>,
}

/// The appeal status of a rejected product.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ProductAppeal {
    /// The product.
    pub product_id: Option<String>,
    /// Meta's review status of the appeal.
    pub review_status: Option<String>,
    /// Whether the product can be appealed.
    pub eligible_for_appeal: Option<bool>,
}

/// A product found in a catalog.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ProductSummary {
    /// The product id (the one to tag).
    pub product_id: Option<String>,
    /// Its name.
    pub product_name: Option<String>,
    /// The retailer's own id (SKU).
    pub retailer_id: Option<String>,
    /// `approved`, `rejected`, `pending`, ...
    pub review_status: Option<String>,
}

/// A product tag: on a media as read, or one to set (`x`/`y` on images only, 0..1).
#[derive(Debug, Clone, uniffi::Record)]
pub struct ProductTagSpec {
    /// The catalog product id.
    pub product_id: String,
    /// Horizontal position.
    #[uniffi(default = None)]
    pub x: Option<f64>,
    /// Vertical position.
    #[uniffi(default = None)]
    pub y: Option<f64>,
}

#[uniffi::export(async_runtime = "tokio")]
impl AccountGraph {
    /// The catalogs the account can tag products from (one page).
    ///
    /// Core: ShoppingHandler::catalogs
    pub async fn catalogs(&self) -> Result<Vec<CatalogSummary>> {
        const WHAT: &str = "AccountGraph.catalogs";
        let (client, access) = self.parts();
        let page = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .shopping()
            .catalogs()
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(page
            .items
            .into_iter()
            .map(|c| CatalogSummary {
                catalog_id: c.catalog_id,
                catalog_name: c.catalog_name,
                shop_name: c.shop_name,
                product_count: c.product_count,
            })
            .collect())
    }

    /// The tag-eligible products of `catalog_id` whose name or SKU holds `q` (all without it;
    /// one page).
    ///
    /// Core: ShoppingHandler::search_products
    pub async fn search_products(
        &self,
        catalog_id: String,
        q: Option<String>,
    ) -> Result<Vec<ProductSummary>> {
        const WHAT: &str = "AccountGraph.search_products";
        let (client, access) = self.parts();
        let page = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .shopping()
            .search_products(&catalog_id, q.as_deref())
            .map_err(|e| sdk(WHAT, e))?
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(page
            .items
            .into_iter()
            .map(|p| ProductSummary {
                product_id: p.product_id,
                product_name: p.product_name,
                retailer_id: p.retailer_id,
                review_status: p.review_status,
            })
            .collect())
    }

    /// Whether the account may tag products.
    ///
    /// Core: ShoppingHandler::product_tag_eligibility
    pub async fn product_tag_eligibility(&self) -> Result<bool> {
        let (client, access) = self.parts();
        access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .shopping()
            .product_tag_eligibility()
            .await
            .map_err(|e| sdk("AccountGraph.product_tag_eligibility", e))
    }

    /// Appeals the rejection of `product_id`; Meta's `success` (the appeal was taken).
    ///
    /// Core: ShoppingHandler::appeal
    pub async fn appeal_product(&self, product_id: String, reason: String) -> Result<bool> {
        let (client, access) = self.parts();
        access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .shopping()
            .appeal(&product_id, &reason)
            .await
            .map_err(|e| sdk("AccountGraph.appeal_product", e))
    }

    /// The product tags of a media of the account.
    ///
    /// Core: MediaProductTagsHandler::list
    pub async fn media_product_tags(&self, media_id: String) -> Result<Vec<ProductTagSpec>> {
        const WHAT: &str = "AccountGraph.media_product_tags";
        required("media_id", &media_id)?;
        let (client, access) = self.parts();
        let tags = access
            .graph(client)
            .media(MediaId::new(media_id))
            .product_tags()
            .list()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(tags
            .into_iter()
            .filter_map(|t| {
                Some(ProductTagSpec {
                    product_id: t.product_id?,
                    x: t.x,
                    y: t.y,
                })
            })
            .collect())
    }

    /// Adds product tags to a media of the account (a product tagged again moves); Meta's
    /// `success`.
    ///
    /// Core: MediaProductTagsHandler::update
    pub async fn update_media_product_tags(
        &self,
        media_id: String,
        tags: Vec<ProductTagSpec>,
    ) -> Result<bool> {
        const WHAT: &str = "AccountGraph.update_media_product_tags";
        required("media_id", &media_id)?;
        let (client, access) = self.parts();
        let tags = tags.into_iter().map(|t| TaggedProduct {
            product_id: t.product_id,
            x: t.x,
            y: t.y,
        });
        access
            .graph(client)
            .media(MediaId::new(media_id))
            .product_tags()
            .update(tags)
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// The appeal status of a product (`None` when Meta has none).
    ///
    /// Core: ShoppingHandler::appeal_status
    pub async fn product_appeal_status(&self, product_id: String) -> Result<Option<ProductAppeal>> {
        const WHAT: &str = "AccountGraph.product_appeal_status";
        let (client, access) = self.parts();
        let appeal = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .shopping()
            .appeal_status(&product_id)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(appeal.map(|a| ProductAppeal {
            product_id: a.product_id,
            review_status: a.review_status,
            eligible_for_appeal: a.eligible_for_appeal,
        }))
    }
}
