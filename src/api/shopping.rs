//! Instagram Shopping, `ig_user(id).shopping()`: the catalogs an account can tag products from
//! (`GET /{ig-user-id}/available_catalogs`), product search in one
//! (`GET /{ig-user-id}/catalog_product_search?catalog_id&q`), appeals of rejected products
//! (`POST|GET /{ig-user-id}/product_appeal`) and whether the account may tag products at all
//! (the `shopping_product_tag_eligibility` field); and the product tags of a published media,
//! `media(id).product_tags()` (`GET|POST /{ig-media-id}/product_tags`).
//!
//! Instagram API with Facebook Login only; the account needs an approved Instagram Shop.

use serde::Deserialize;

use super::batch::single_call;
use super::comments::validate_id;
use super::ig_user::IgUserHandler;
use super::media::MediaHandler;
use super::models::{
    Catalog, CatalogProduct, ListResponse, ProductAppeal, ProductTag, SuccessResponse,
};
use super::publish::{validate_product_tag_items, TaggedProduct};
use super::{Graph, ListEdge};
use crate::error::{Error, Result};
use crate::http::GraphRequest;
use crate::ids::{IgUserId, MediaId};

/// Fields of a catalog read by default: every field Meta documents.
pub const DEFAULT_CATALOG_FIELDS: &str = "catalog_id,catalog_name,shop_name,product_count";

/// Fields of a found product read by default: every field Meta documents.
pub const DEFAULT_CATALOG_PRODUCT_FIELDS: &str = "product_id,merchant_id,product_name,image_url,retailer_id,review_status,is_checkout_flow,product_variants";

/// The most product tags on a reel (`updated_tags`); a feed post takes at most
/// [`MAX_FEED_PRODUCT_TAGS`]. The SDK does not know the media's kind before the call, so it
/// refuses only what no media takes and leaves the feed limit to Meta.
pub const MAX_REEL_PRODUCT_TAGS: usize = 30;

/// The most product tags on a feed post (`updated_tags`).
pub const MAX_FEED_PRODUCT_TAGS: usize = 20;

/// The longest search term sent, in characters (a bound of the SDK's: Meta documents none).
pub const MAX_PRODUCT_QUERY_CHARS: usize = 500;

/// The longest appeal reason sent, in characters (a bound of the SDK's: Meta documents none).
pub const MAX_APPEAL_REASON_CHARS: usize = 2000;

impl<'a> IgUserHandler<'a> {
    /// Instagram Shopping on this account: catalogs, product search, appeals, eligibility.
    pub fn shopping(&self) -> ShoppingHandler<'a> {
        ShoppingHandler {
            graph: self.graph,
            id: self.id.clone(),
        }
    }
}

/// Instagram Shopping of an IG user: `ig_user(id).shopping()`.
#[derive(Debug, Clone)]
pub struct ShoppingHandler<'a> {
    graph: Graph<'a>,
    id: IgUserId,
}

/// Checks a text parameter: not blank, no control characters, at most `max` characters.
fn validate_text(field: &'static str, value: &str, max: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "cannot be empty"));
    }
    let chars = value.chars().count();
    if chars > max {
        return Err(Error::invalid(
            field,
            format!("is {chars} characters long; the limit is {max} characters"),
        ));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::invalid(field, "holds control characters"));
    }
    Ok(())
}

impl<'a> ShoppingHandler<'a> {
    /// `GET /{ig-user-id}/available_catalogs`: the catalogs whose products the account can
    /// tag ([`DEFAULT_CATALOG_FIELDS`] by default).
    pub fn catalogs(&self) -> ListEdge<'a, Catalog> {
        ListEdge::new(
            self.graph,
            format!("{}/available_catalogs", self.id),
            DEFAULT_CATALOG_FIELDS,
        )
    }

    /// `GET /{ig-user-id}/catalog_product_search?catalog_id=…&q=…`: the tag-eligible products
    /// of `catalog_id` whose name or SKU matches `q` (every tag-eligible product when `q` is
    /// `None`). A bad `catalog_id` or `q` fails at `send()`, before any call.
    pub fn search_products(
        &self,
        catalog_id: &str,
        q: Option<&str>,
    ) -> Result<ListEdge<'a, CatalogProduct>> {
        validate_id("catalog_id", catalog_id)?;
        let mut edge = ListEdge::new(
            self.graph,
            format!("{}/catalog_product_search", self.id),
            DEFAULT_CATALOG_PRODUCT_FIELDS,
        )
        .with_query("catalog_id", catalog_id);
        if let Some(q) = q {
            validate_text("q", q, MAX_PRODUCT_QUERY_CHARS)?;
            edge = edge.with_query("q", q);
        }
        Ok(edge)
    }

    /// `POST /{ig-user-id}/product_appeal?product_id=…&appeal_reason=…`: appeals a rejected
    /// product. Meta's `success` says the appeal was taken, not how it ends.
    pub fn appeal(&self, product_id: &str, reason: &str) -> AppealProduct<'a> {
        AppealProduct {
            graph: self.graph,
            user: self.id.clone(),
            product_id: product_id.to_owned(),
            reason: reason.to_owned(),
        }
    }

    /// `GET /{ig-user-id}/product_appeal?product_id=…`: the appeal status of a product (`None`
    /// when Meta answers an empty list).
    pub async fn appeal_status(&self, product_id: &str) -> Result<Option<ProductAppeal>> {
        validate_id("product_id", product_id)?;
        let list: ListResponse<ProductAppeal> = self
            .graph
            .get(format!("{}/product_appeal", self.id))
            .query("product_id", product_id)
            .send()
            .await?;
        Ok(list.data.into_iter().next())
    }

    /// `GET /{ig-user-id}?fields=shopping_product_tag_eligibility`: whether the account may
    /// tag products (an approved shop, and a catalog). Absent from the answer reads as `false`.
    pub async fn product_tag_eligibility(&self) -> Result<bool> {
        #[derive(Deserialize)]
        struct Eligibility {
            #[serde(default)]
            shopping_product_tag_eligibility: Option<bool>,
        }
        validate_id("ig_user_id", self.id.as_str())?;
        let answer: Eligibility = self
            .graph
            .get(self.id.to_string())
            .query("fields", "shopping_product_tag_eligibility")
            .send()
            .await?;
        Ok(answer.shopping_product_tag_eligibility.unwrap_or(false))
    }
}

/// Request builder of `POST /{ig-user-id}/product_appeal`: `.await` it (or `.send()`), or add
/// it to a [`Batch`](super::Batch). Answers Meta's `success`.
#[derive(Debug)]
#[must_use = "a request builder does nothing until awaited or `.send()`"]
pub struct AppealProduct<'a> {
    graph: Graph<'a>,
    user: IgUserId,
    product_id: String,
    reason: String,
}

impl<'a> AppealProduct<'a> {
    fn into_request(self) -> Result<GraphRequest<'a>> {
        validate_id("product_id", &self.product_id)?;
        validate_text("appeal_reason", &self.reason, MAX_APPEAL_REASON_CHARS)?;
        Ok(self
            .graph
            .post(format!("{}/product_appeal", self.user))
            .form("product_id", self.product_id)
            .form("appeal_reason", self.reason))
    }
}

single_call!(
    AppealProduct,
    bool,
    SuccessResponse,
    |answer: SuccessResponse| Ok(answer.success)
);

impl<'a> MediaHandler<'a> {
    /// The product tags of this published media.
    pub fn product_tags(&self) -> MediaProductTagsHandler<'a> {
        MediaProductTagsHandler {
            graph: self.graph,
            id: self.id.clone(),
        }
    }
}

/// Product tags of a media: `media(id).product_tags()`.
#[derive(Debug, Clone)]
pub struct MediaProductTagsHandler<'a> {
    graph: Graph<'a>,
    id: MediaId,
}

impl<'a> MediaProductTagsHandler<'a> {
    /// `GET /{ig-media-id}/product_tags`: the media's product tags.
    pub async fn list(&self) -> Result<Vec<ProductTag>> {
        validate_id("media_id", self.id.as_str())?;
        let list: ListResponse<ProductTag> = self
            .graph
            .get(format!("{}/product_tags", self.id))
            .send()
            .await?;
        Ok(list.data)
    }

    /// `POST /{ig-media-id}/product_tags?updated_tags=[…]`: adds these tags (a product already
    /// tagged moves to its new position). Refused before any call: no tag, more than
    /// [`MAX_REEL_PRODUCT_TAGS`], a product twice, a position outside `0.0..=1.0`.
    pub fn update(&self, tags: impl IntoIterator<Item = TaggedProduct>) -> UpdateProductTags<'a> {
        UpdateProductTags {
            graph: self.graph,
            media: self.id.clone(),
            tags: tags.into_iter().collect(),
        }
    }
}

/// Request builder of `POST /{ig-media-id}/product_tags`: `.await` it (or `.send()`), or add
/// it to a [`Batch`](super::Batch). Answers Meta's `success`.
#[derive(Debug)]
#[must_use = "a request builder does nothing until awaited or `.send()`"]
pub struct UpdateProductTags<'a> {
    graph: Graph<'a>,
    media: MediaId,
    tags: Vec<TaggedProduct>,
}

impl<'a> UpdateProductTags<'a> {
    fn into_request(self) -> Result<GraphRequest<'a>> {
        validate_id("media_id", self.media.as_str())?;
        if self.tags.is_empty() {
            return Err(Error::invalid("updated_tags", "needs at least one tag"));
        }
        if self.tags.len() > MAX_REEL_PRODUCT_TAGS {
            return Err(Error::invalid(
                "updated_tags",
                format!(
                    "has {} tags; a media takes at most {MAX_REEL_PRODUCT_TAGS} product tags \
                     ({MAX_FEED_PRODUCT_TAGS} on a feed post)",
                    self.tags.len()
                ),
            ));
        }
        validate_product_tag_items("updated_tags", &self.tags)?;
        for (i, tag) in self.tags.iter().enumerate() {
            if self.tags[..i]
                .iter()
                .any(|t| t.product_id.trim() == tag.product_id.trim())
            {
                return Err(Error::invalid(
                    "updated_tags",
                    format!("tag {i} repeats product {}", tag.product_id),
                ));
            }
        }
        let json = serde_json::to_string(&self.tags)
            .map_err(|e| Error::invalid("updated_tags", e.to_string()))?;
        // Setting the same tags again changes nothing: safe to retry.
        Ok(self
            .graph
            .post(format!("{}/product_tags", self.media))
            .form("updated_tags", json)
            .retry_safe(true))
    }
}

single_call!(
    UpdateProductTags,
    bool,
    SuccessResponse,
    |answer: SuccessResponse| Ok(answer.success)
);
