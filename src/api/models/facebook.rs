//! Facebook Login side: the user (`/me`), Pages (`/me/accounts`, `/{page-id}`), business
//! portfolios (`/me/businesses`, `/{business-id}`), token debugging (`/debug_token`) and apps.

use serde::{Deserialize, Serialize};

use super::common::parse_graph_time;
use super::ig_user::IgUser;
use crate::ids::{BusinessId, FacebookUserId, PageId};
use crate::AccessToken;

/// The Facebook user (`GET /me?fields=id,name,email`). `email` is absent when the user has none
/// or did not grant it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacebookUser {
    /// The app-scoped user id.
    pub id: FacebookUserId,
    /// Full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// E-mail address, when granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Short name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    /// Profile picture (`picture{data{url,…}}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<Picture>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A `picture` field: `{"data":{"url","width","height","is_silhouette"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Picture {
    /// The picture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<PictureData>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Picture {
    /// The picture's URL, if sent.
    pub fn url(&self) -> Option<&str> {
        self.data.as_ref()?.url.as_deref()
    }
}

/// `data` of a `picture` field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PictureData {
    /// URL of the image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Width in pixels.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub width: Option<u64>,
    /// Height in pixels.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub height: Option<u64>,
    /// Whether this is the default silhouette.
    #[serde(
        default,
        deserialize_with = "super::de::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_silhouette: Option<bool>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A Facebook Page (`/me/accounts`, `/{page-id}`, `/{business-id}/owned_pages`, `/pages/search`).
///
/// `access_token` (the Page token, present on `/me/accounts` when requested) is an
/// [`AccessToken`]: it never prints, and it is not serialised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// The Page id.
    pub id: PageId,
    /// The Page name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The Page's @username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Main category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// All categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_list: Option<Vec<PageCategory>>,
    /// What the user may do on the Page (`ANALYZE`, `ADVERTISE`, `MESSAGING`, `MODERATE`,
    /// `CREATE_CONTENT`, `MANAGE`); empty when not sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<String>,
    /// What the business may do on the Page (`/{business-id}/owned_pages` / `client_pages`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permitted_tasks: Option<Vec<String>>,
    /// The Page access token (`/me/accounts?fields=access_token`). Never serialised.
    #[serde(default, skip_serializing)]
    pub access_token: Option<AccessToken>,
    /// The linked Instagram professional account, with the requested fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instagram_business_account: Option<IgUser>,
    /// The connected Instagram account (may be a personal one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected_instagram_account: Option<IgUser>,
    /// Facebook URL of the Page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Number of likes.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub fan_count: Option<u64>,
    /// Profile picture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<Picture>,
    /// `blue_verified`, `not_verified`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_status: Option<String>,
    /// The Page's website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// The "about" text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One entry of a Page's `category_list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageCategory {
    /// Category id.
    #[serde(
        default,
        deserialize_with = "super::de::opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    /// Category name (localised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A business portfolio (Business Manager): `/me/businesses`, `/{business-id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Business {
    /// The business id.
    pub id: BusinessId,
    /// The business name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `verified`, `not_verified`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_status: Option<String>,
    /// Creation time, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<String>,
    /// Last update time, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_time: Option<String>,
    /// URL of the business.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Profile picture URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_picture_uri: Option<String>,
    /// What the user may do on the business, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permitted_tasks: Option<Vec<String>>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Business {
    /// [`Business::created_time`] parsed.
    pub fn created_time_parsed(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.created_time.as_deref().and_then(parse_graph_time)
    }
}

graph_enum! {
    /// `type` of a debugged token.
    pub enum TokenType {
        /// A user access token.
        User => "USER",
        /// A Page access token.
        Page => "PAGE",
        /// An app access token.
        App => "APP",
    }
}

/// The answer of `GET /debug_token`: `{"data":{…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DebugTokenResponse {
    /// What Meta knows about the token.
    pub data: DebugToken,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `data` of `/debug_token`. An invalid token comes back with `is_valid: false` and `error`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DebugToken {
    /// The app the token belongs to.
    #[serde(
        default,
        deserialize_with = "super::de::opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub app_id: Option<String>,
    /// `USER`, `PAGE` or `APP`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<TokenType>,
    /// The app's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    /// When data access expires (Unix seconds).
    #[serde(
        default,
        deserialize_with = "super::de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub data_access_expires_at: Option<i64>,
    /// When the token expires (Unix seconds; `0` = never).
    #[serde(
        default,
        deserialize_with = "super::de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires_at: Option<i64>,
    /// Whether the token is valid now.
    #[serde(default, deserialize_with = "de_bool")]
    pub is_valid: bool,
    /// When the token was issued (Unix seconds).
    #[serde(
        default,
        deserialize_with = "super::de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub issued_at: Option<i64>,
    /// Granted permissions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// Permissions limited to some objects (Pages, businesses, IG accounts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub granular_scopes: Vec<GranularScope>,
    /// The user the token acts for.
    #[serde(
        default,
        deserialize_with = "super::de::opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_id: Option<String>,
    /// The Page, for a Page token.
    #[serde(
        default,
        deserialize_with = "super::de::opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub profile_id: Option<String>,
    /// Why the token is invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<DebugTokenError>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn de_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    super::de::opt_bool(d).map(Option::unwrap_or_default)
}

impl DebugToken {
    /// The expiry time; `None` when the token never expires (`expires_at: 0`) or it was not sent.
    pub fn expires_at_utc(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        match self.expires_at? {
            0 => None,
            t => chrono::DateTime::from_timestamp(t, 0),
        }
    }

    /// True when `expires_at` is `0`.
    pub fn never_expires(&self) -> bool {
        self.expires_at == Some(0)
    }

    /// True when `scope` was granted.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// One granular scope: a permission and the objects it is limited to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GranularScope {
    /// The permission, e.g. `instagram_basic`.
    #[serde(default)]
    pub scope: String,
    /// The object ids it covers (absent = all objects).
    #[serde(
        default,
        deserialize_with = "super::de::vec_string_or_number",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub target_ids: Vec<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `error` of an invalid token in `/debug_token`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DebugTokenError {
    /// Graph error code (190 for tokens).
    #[serde(
        default,
        deserialize_with = "super::de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub code: Option<i64>,
    /// What is wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Subcode (463 expired, 460 password changed, …).
    #[serde(
        default,
        deserialize_with = "super::de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub subcode: Option<i64>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// An app (`GET /{app-id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    /// The app id.
    #[serde(deserialize_with = "crate::ids::string_or_number")]
    pub id: String,
    /// The app name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The app category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The app's link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A test user of an app (`GET /{app-id}/accounts`). The token never prints and is not serialised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppTestUser {
    /// The test user's id.
    pub id: FacebookUserId,
    /// URL that logs in as the test user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_url: Option<String>,
    /// The test user's access token. Never serialised.
    #[serde(default, skip_serializing)]
    pub access_token: Option<AccessToken>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_token_reads_the_documented_shape() {
        let r: DebugTokenResponse = serde_json::from_str(
            r#"{"data":{"app_id":"138483919580948","type":"USER","application":"Social Cafe",
            "data_access_expires_at":1700000000,"expires_at":0,"is_valid":true,"issued_at":1690000000,
            "scopes":["instagram_basic","pages_show_list"],
            "granular_scopes":[{"scope":"instagram_basic","target_ids":["17841400000000000",123]},{"scope":"pages_show_list"}],
            "user_id":"10000"}}"#,
        )
        .unwrap();
        let d = r.data;
        assert_eq!(d.token_type, Some(TokenType::User));
        assert!(d.is_valid && d.never_expires() && d.expires_at_utc().is_none());
        assert!(d.has_scope("pages_show_list"));
        assert_eq!(
            d.granular_scopes[0].target_ids,
            ["17841400000000000", "123"]
        );
        assert!(d.granular_scopes[1].target_ids.is_empty());
        assert!(d.extra.is_empty());

        let bad: DebugTokenResponse = serde_json::from_str(
            r#"{"data":{"app_id":1,"type":"PAGE","is_valid":false,"expires_at":1600000000,
            "error":{"code":190,"message":"Session has expired","subcode":463},"scopes":[]}}"#,
        )
        .unwrap();
        assert_eq!(bad.data.error.as_ref().unwrap().subcode, Some(463));
        assert_eq!(
            bad.data.expires_at_utc().unwrap().timestamp(),
            1_600_000_000
        );
    }

    #[test]
    fn page_token_never_prints_nor_serialises() {
        let p: Page = serde_json::from_str(
            r#"{"id":"1","name":"P","access_token":"EAAsecretsecretsecretWXYZ","tasks":["MANAGE"]}"#,
        )
        .unwrap();
        assert_eq!(
            p.access_token.as_ref().unwrap().expose(),
            "EAAsecretsecretsecretWXYZ"
        );
        let dbg = format!("{p:?}");
        assert!(!dbg.contains("secret"), "{dbg}");
        let json = serde_json::to_string(&p).unwrap();
        assert!(
            !json.contains("secret") && !json.contains("access_token"),
            "{json}"
        );
    }
}
