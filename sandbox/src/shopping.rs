//! Instagram Shopping: `GET /{ig-user}/available_catalogs`,
//! `GET /{ig-user}/catalog_product_search?catalog_id&q`, `POST|GET /{ig-user}/product_appeal`,
//! the `shopping_product_tag_eligibility` field, and `GET|POST /{ig-media}/product_tags`
//! (`updated_tags`, additive: a product tagged again moves).
//!
//! Seeded: alice.bakery has an approved shop with one catalog ("Alice's Breads", shop "Alice's
//! Bakery Shop") of four products: three approved, one rejected (appealable). The other accounts
//! have no shop: no catalogs, not eligible. Search returns the tag-eligible (approved) products
//! whose name or retailer id contains `q` (any case). Tags: at most 20 on a feed post, 30 on a
//! reel; stories take none; the product must be an approved product of the owner's catalogs;
//! `x`/`y` in 0..=1 (ignored on reels). Product tags set at container creation are the
//! published media's tags. The shopping permissions (`catalog_management`,
//! `instagram_shopping_tag_products`) are not checked [U]: the sandbox's tokens do not carry
//! them. Errors the documentation does not name are code 100 (the sandbox's choice).

use std::collections::{HashMap, HashSet};

use serde_json::{json, Map, Value};

use super::access::Caller;
use super::error::{GraphError, GraphResult};
use super::fields::Field;
use super::graph::{list, GraphReq};
use super::seed::ids;
use super::world::World;

const MAX_FEED_TAGS: usize = 20;
const MAX_REEL_TAGS: usize = 30;

/// A product of a catalog.
#[derive(Debug, Clone)]
pub(crate) struct Product {
    pub id: String,
    pub name: String,
    pub retailer_id: String,
    /// `approved`, `rejected` or `pending`.
    pub review_status: &'static str,
    pub price: &'static str,
    pub checkout: bool,
}

/// A product catalog of an account's shop.
#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    pub id: String,
    pub name: String,
    pub shop_name: String,
    pub owner: String,
    pub merchant_id: String,
    pub products: Vec<Product>,
}

/// A product tag on a published media.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tag {
    pub product: String,
    pub x: Option<f64>,
    pub y: Option<f64>,
}

/// The shops of the world.
#[derive(Debug)]
pub(crate) struct Shopping {
    pub catalogs: Vec<Catalog>,
    /// (account, product) pairs whose rejection was appealed, with the reason.
    pub appeals: HashMap<(String, String), String>,
    /// Product tags per media.
    pub tags: HashMap<String, Vec<Tag>>,
}

impl Default for Shopping {
    fn default() -> Self {
        let product = |id: &str, name: &str, sku: &str, status, price, checkout| Product {
            id: id.to_owned(),
            name: name.to_owned(),
            retailer_id: sku.to_owned(),
            review_status: status,
            price,
            checkout,
        };
        Self {
            catalogs: vec![Catalog {
                id: "960179311066902".to_owned(),
                name: "Alice's Breads".to_owned(),
                shop_name: "Alice's Bakery Shop".to_owned(),
                owner: ids::IG_BAKERY.to_owned(),
                merchant_id: "90010177253934".to_owned(),
                products: vec![
                    product(
                        "3859448974125379",
                        "Sourdough loaf",
                        "SD-001",
                        "approved",
                        "$7.50",
                        true,
                    ),
                    product(
                        "3859448974125380",
                        "Rye sourdough",
                        "SD-002",
                        "approved",
                        "$8.00",
                        true,
                    ),
                    product(
                        "3859448974125381",
                        "Butter croissant",
                        "CR-001",
                        "approved",
                        "$3.50",
                        false,
                    ),
                    product(
                        "4382881195057752",
                        "Bread knife",
                        "KN-001",
                        "rejected",
                        "$24.00",
                        false,
                    ),
                ],
            }],
            appeals: HashMap::new(),
            tags: HashMap::new(),
        }
    }
}

impl Shopping {
    fn catalogs_of<'s>(&'s self, ig: &'s str) -> impl Iterator<Item = &'s Catalog> + 's {
        self.catalogs.iter().filter(move |c| c.owner == ig)
    }

    /// A product of `ig`'s catalogs, with its catalog.
    fn product_of(&self, ig: &str, product: &str) -> Option<(&Catalog, &Product)> {
        self.catalogs
            .iter()
            .filter(|c| c.owner == ig)
            .find_map(|c| c.products.iter().find(|p| p.id == product).map(|p| (c, p)))
    }

    /// The `shopping_product_tag_eligibility` of an account: it has a catalog.
    pub fn eligible(&self, ig: &str) -> bool {
        self.catalogs_of(ig).next().is_some()
    }
}

fn required(req: &GraphReq<'_>, name: &str) -> GraphResult<String> {
    req.param(name)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| GraphError::param_required(name))
}

fn unknown_field(name: &str, node: &str) -> GraphError {
    GraphError::invalid_param(format!(
        "(#100) Tried accessing nonexisting field ({name}) on node type ({node})"
    ))
}

/// Renders the requested `fields` of `all`, an object of every field.
fn select(all: Value, fields: &[Field], node: &str) -> GraphResult<Value> {
    let Value::Object(all) = all else {
        return Ok(all);
    };
    let mut out = Map::new();
    for f in fields {
        match all.get(&f.name) {
            Some(Value::Null) => {}
            Some(v) => {
                out.insert(f.name.clone(), v.clone());
            }
            None => return Err(unknown_field(&f.name, node)),
        }
    }
    Ok(Value::Object(out))
}

/// `GET /{ig-user}/available_catalogs`.
pub(crate) fn catalogs(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    ig: &str,
) -> GraphResult<Value> {
    caller.require(caller.basic_scope(), 10)?;
    let ids: Vec<String> = w
        .engage
        .shopping
        .catalogs_of(ig)
        .map(|c| c.id.clone())
        .collect();
    list(
        w,
        req,
        ids,
        "catalog_id,catalog_name,shop_name,product_count",
        |w, id, f| {
            let c = w.engage.shopping.catalogs.iter().find(|c| c.id == id);
            let all = c.map_or(Value::Null, |c| {
                json!({
                    "catalog_id": c.id,
                    "catalog_name": c.name,
                    "shop_name": c.shop_name,
                    "product_count": c.products.len(),
                })
            });
            select(all, f, "ProductCatalog")
        },
    )
}

/// `GET /{ig-user}/catalog_product_search?catalog_id&q`.
pub(crate) fn search(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    ig: &str,
) -> GraphResult<Value> {
    caller.require(caller.basic_scope(), 10)?;
    let catalog_id = required(req, "catalog_id")?;
    let q = req.param("q").map(|q| q.trim().to_lowercase());
    let catalog = w
        .engage
        .shopping
        .catalogs_of(ig)
        .find(|c| c.id == catalog_id)
        .cloned()
        .ok_or_else(|| {
            GraphError::invalid_param(format!(
                "Param catalog_id {catalog_id} is not a catalog this account can tag products from"
            ))
        })?;
    let ids: Vec<String> = catalog
        .products
        .iter()
        .filter(|p| p.review_status == "approved")
        .filter(|p| {
            q.as_deref().map_or(true, |q| {
                p.name.to_lowercase().contains(q) || p.retailer_id.to_lowercase().contains(q)
            })
        })
        .map(|p| p.id.clone())
        .collect();
    let default = "product_id,merchant_id,product_name,image_url,retailer_id,review_status,is_checkout_flow,product_variants";
    list(w, req, ids, default, |_, id, f| {
        let all = catalog
            .products
            .iter()
            .find(|p| p.id == id)
            .map_or(Value::Null, |p| {
                json!({
                    "product_id": p.id.parse::<u64>().map_or(json!(p.id), |n| json!(n)),
                    "merchant_id": catalog.merchant_id.parse::<u64>().map_or(json!(catalog.merchant_id), |n| json!(n)),
                    "product_name": p.name,
                    "image_url": format!("https://scontent.sandbox.instagraph.test/product/{}.jpg", p.id),
                    "retailer_id": p.retailer_id,
                    "review_status": p.review_status,
                    "is_checkout_flow": p.checkout,
                    "product_variants": [{ "product_id": p.id.parse::<u64>().unwrap_or(0) }],
                })
            });
        select(all, f, "CatalogProductSearchResult")
    })
}

/// `POST /{ig-user}/product_appeal?product_id&appeal_reason`: appeals a rejected product.
pub(crate) fn appeal(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    ig: &str,
) -> GraphResult<Value> {
    caller.require(caller.basic_scope(), 10)?;
    let product = required(req, "product_id")?;
    let reason = required(req, "appeal_reason")?;
    let (_, p) = w.engage.shopping.product_of(ig, &product).ok_or_else(|| {
        GraphError::invalid_param(format!(
            "Product {product} is not in this account's catalogs"
        ))
    })?;
    if p.review_status != "rejected" {
        return Err(GraphError::invalid_param(format!(
            "Product {product} is {}: only a rejected product can be appealed",
            p.review_status
        )));
    }
    let key = (ig.to_owned(), product.clone());
    if w.engage.shopping.appeals.contains_key(&key) {
        return Err(GraphError::invalid_param(format!(
            "Product {product} was already appealed"
        )));
    }
    w.engage.shopping.appeals.insert(key, reason);
    Ok(json!({ "success": true }))
}

/// `GET /{ig-user}/product_appeal?product_id`.
pub(crate) fn appeal_status(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    ig: &str,
) -> GraphResult<Value> {
    caller.require(caller.basic_scope(), 10)?;
    let product = required(req, "product_id")?;
    let (_, p) = w.engage.shopping.product_of(ig, &product).ok_or_else(|| {
        GraphError::invalid_param(format!(
            "Product {product} is not in this account's catalogs"
        ))
    })?;
    let appealed = w
        .engage
        .shopping
        .appeals
        .contains_key(&(ig.to_owned(), product.clone()));
    Ok(json!({ "data": [{
        "product_id": product.parse::<u64>().map_or(json!(product), |n| json!(n)),
        "review_status": p.review_status,
        "eligible_for_appeal": p.review_status == "rejected" && !appealed,
    }] }))
}

/// `GET /{ig-media}/product_tags`.
pub(crate) fn media_tags(w: &World, caller: &Caller, media: &str) -> GraphResult<Value> {
    caller.require(caller.basic_scope(), 10)?;
    let owner = w
        .media
        .get(media)
        .map(|m| m.owner.clone())
        .unwrap_or_default();
    let tags = w
        .engage
        .shopping
        .tags
        .get(media)
        .cloned()
        .unwrap_or_default();
    let data: Vec<Value> = tags
        .iter()
        .filter_map(|t| {
            let (c, p) = w.engage.shopping.product_of(&owner, &t.product)?;
            let mut tag = json!({
                "product_id": p.id.parse::<u64>().map_or(json!(p.id), |n| json!(n)),
                "merchant_id": c.merchant_id.parse::<u64>().map_or(json!(c.merchant_id), |n| json!(n)),
                "name": p.name,
                "price_string": p.price,
                "stripped_price_string": p.price.trim_start_matches('$'),
                "image_url": format!("https://scontent.sandbox.instagraph.test/product/{}.jpg", p.id),
                "review_status": p.review_status,
                "is_checkout": p.checkout,
            });
            if let (Some(x), Some(y)) = (t.x, t.y) {
                tag["x"] = json!(x);
                tag["y"] = json!(y);
            }
            Some(tag)
        })
        .collect();
    Ok(json!({ "data": data }))
}

/// Parses `updated_tags` (or a container's `product_tags`): `[{product_id, x?, y?}]`.
fn parse_tags(name: &str, raw: &Value) -> GraphResult<Vec<Tag>> {
    let bad = || {
        GraphError::invalid_param(format!(
            "Param {name} must be an array of {{product_id, x, y}} with x and y in 0..1"
        ))
    };
    let items = raw.as_array().ok_or_else(bad)?;
    let mut out: Vec<Tag> = Vec::with_capacity(items.len());
    for item in items {
        let product = match item.get("product_id") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(bad()),
        };
        let coord = |k: &str| -> GraphResult<Option<f64>> {
            match item.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v
                    .as_f64()
                    .filter(|f| (0.0..=1.0).contains(f))
                    .map(Some)
                    .ok_or_else(bad),
            }
        };
        let tag = Tag {
            product,
            x: coord("x")?,
            y: coord("y")?,
        };
        if out.iter().any(|t| t.product == tag.product) {
            return Err(GraphError::invalid_param(format!(
                "Param {name} tags product {} twice: tags and product ids must be unique",
                tag.product
            )));
        }
        out.push(tag);
    }
    Ok(out)
}

/// Adds `tags` to `media` (owned by `owner`): each an approved product of the owner's
/// catalogs; a product already tagged moves; at most 20 (feed) or 30 (reels) in all.
fn apply_tags(w: &mut World, owner: &str, media: &str, tags: Vec<Tag>) -> GraphResult<()> {
    let product_type = w
        .media
        .get(media)
        .map(|m| m.media_product_type.clone())
        .unwrap_or_default();
    if product_type == "STORY" {
        return Err(GraphError::invalid_param(
            "Stories cannot have product tags",
        ));
    }
    let reel = product_type == "REELS";
    for t in &tags {
        match w.engage.shopping.product_of(owner, &t.product) {
            Some((_, p)) if p.review_status == "approved" => {}
            Some((_, p)) => {
                return Err(GraphError::invalid_param(format!(
                    "Product {} is {} and cannot be tagged",
                    t.product, p.review_status
                )))
            }
            None => {
                return Err(GraphError::invalid_param(format!(
                    "Product {} is not in a catalog of the media owner's shop",
                    t.product
                )))
            }
        }
    }
    let mut current = w
        .engage
        .shopping
        .tags
        .get(media)
        .cloned()
        .unwrap_or_default();
    for mut t in tags {
        if reel {
            (t.x, t.y) = (None, None);
        }
        match current.iter_mut().find(|c| c.product == t.product) {
            Some(c) => *c = t,
            None => current.push(t),
        }
    }
    let limit = if reel { MAX_REEL_TAGS } else { MAX_FEED_TAGS };
    if current.len() > limit {
        return Err(GraphError::invalid_param(format!(
            "A {} takes at most {limit} product tags",
            if reel { "reel" } else { "feed post" }
        )));
    }
    w.engage.shopping.tags.insert(media.to_owned(), current);
    Ok(())
}

/// `POST /{ig-media}/product_tags?updated_tags=[…]`.
pub(crate) fn update_media_tags(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    media: &str,
) -> GraphResult<Value> {
    caller.require(caller.basic_scope(), 10)?;
    let owner = w
        .media
        .get(media)
        .map(|m| m.owner.clone())
        .unwrap_or_default();
    if !caller.ig_accounts(w).contains(&owner) {
        return Err(GraphError::invalid_param(
            "Only the media owner can tag products on it",
        ));
    }
    let raw = required(req, "updated_tags")?;
    let value: Value = serde_json::from_str(&raw)
        .map_err(|_| GraphError::invalid_param("Param updated_tags must be a JSON array"))?;
    let tags = parse_tags("updated_tags", &value)?;
    if tags.is_empty() {
        return Err(GraphError::invalid_param(
            "Param updated_tags must not be empty",
        ));
    }
    apply_tags(w, &owner, media, tags)?;
    Ok(json!({ "success": true }))
}

/// The tags a container carried become the published media's (not checked again: creation
/// checked their shape; products outside the owner's catalogs are dropped).
pub(crate) fn tag_published(w: &mut World, owner: &str, media: &str, product_tags: Option<&Value>) {
    let Some(tags) = product_tags.and_then(|v| parse_tags("product_tags", v).ok()) else {
        return;
    };
    let known: HashSet<String> = tags
        .iter()
        .filter(|t| w.engage.shopping.product_of(owner, &t.product).is_some())
        .map(|t| t.product.clone())
        .collect();
    let kept: Vec<Tag> = tags
        .into_iter()
        .filter(|t| known.contains(&t.product))
        .collect();
    if !kept.is_empty() {
        w.engage.shopping.tags.insert(media.to_owned(), kept);
    }
}
