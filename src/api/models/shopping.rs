//! Shopping: catalogs (`/{ig-user-id}/available_catalogs`), product search
//! (`/{ig-user-id}/catalog_product_search`) and appeals (`/{ig-user-id}/product_appeal`).
//! Product tags on media are [`ProductTag`](super::publish::ProductTag).

use serde::{Deserialize, Serialize};

/// A catalog the account can tag products from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    /// The catalog id.
    #[serde(
        default,
        deserialize_with = "super::de::opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub catalog_id: Option<String>,
    /// The catalog name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_name: Option<String>,
    /// The shop name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shop_name: Option<String>,
    /// Number of products.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub product_count: Option<u64>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A product found by `catalog_product_search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogProduct {
    /// The product id (sent as a number).
    #[serde(
        default,
        deserialize_with = "super::de::opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub product_id: Option<String>,
    /// The merchant id (sent as a number).
    #[serde(
        default,
        deserialize_with = "super::de::opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub merchant_id: Option<String>,
    /// Product name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    /// Product image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// The retailer's own id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retailer_id: Option<String>,
    /// Review state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_status: Option<String>,
    /// Whether the product can be bought in Instagram checkout.
    #[serde(
        default,
        deserialize_with = "super::de::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_checkout_flow: Option<bool>,
    /// Variants of the product.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub product_variants: Vec<ProductVariant>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A variant of a catalog product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductVariant {
    /// The variant's product id.
    #[serde(
        default,
        deserialize_with = "super::de::opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub product_id: Option<String>,
    /// The variant name (absent for the default variant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_name: Option<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The appeal status of a rejected product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductAppeal {
    /// The product id (sent as a number).
    #[serde(
        default,
        deserialize_with = "super::de::opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub product_id: Option<String>,
    /// Review state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_status: Option<String>,
    /// Whether a rejection can be appealed.
    #[serde(
        default,
        deserialize_with = "super::de::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub eligible_for_appeal: Option<bool>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}
