//! Instagram professional accounts (the IG user node) and business discovery.

use serde::{Deserialize, Serialize};

use super::common::ListResponse;
use super::media::Media;
use crate::ids::IgUserId;

/// An Instagram professional account (`/{ig-user-id}`, `/me` with Instagram Login, a Page's
/// `instagram_business_account`, a business's `owned_instagram_accounts`, business discovery).
///
/// Only `id` is always present: the API returns the fields the request asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IgUser {
    /// The IG user id used in Graph paths.
    pub id: IgUserId,
    /// The legacy Instagram account id (older versions sent a number, newer a string).
    #[serde(
        default,
        deserialize_with = "super::de::opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub ig_id: Option<String>,
    /// The Instagram-scoped user id (Instagram Login's `/me` sends it beside `id`).
    #[serde(
        default,
        deserialize_with = "super::de::opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_id: Option<String>,
    /// The handle, without `@`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The profile name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The profile text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biography: Option<String>,
    /// The profile's website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// URL of the profile picture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_picture_url: Option<String>,
    /// Number of followers.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub followers_count: Option<u64>,
    /// Number of accounts this one follows.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub follows_count: Option<u64>,
    /// Number of published media.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub media_count: Option<u64>,
    /// `BUSINESS`, `MEDIA_CREATOR`, … (Instagram Login).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_type: Option<String>,
    /// Tasks the business may perform on this account (`/{business-id}/owned_instagram_accounts`
    /// and `client_instagram_accounts` nodes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permitted_tasks: Option<Vec<String>>,
    /// The `media` edge, when requested as a field expansion (e.g. business discovery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<ListResponse<Media>>,
    /// The `stories` edge, when requested as a field expansion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stories: Option<ListResponse<Media>>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A reference to an Instagram user, as in a media's `owner{id}` or a comment's
/// `from{id,username}` / `user{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IgUserRef {
    /// The user's Instagram-scoped id.
    pub id: IgUserId,
    /// The handle, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The answer of `GET /{ig-user-id}?fields=business_discovery.username(NAME){…}`: the asking
/// account's id and the discovered account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BusinessDiscovery {
    /// The asking account's id.
    pub id: IgUserId,
    /// The discovered account, with the requested fields (and `media{…}` if asked).
    pub business_discovery: IgUser,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}
