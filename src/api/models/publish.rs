//! Content publishing: containers, `media_publish`, `content_publishing_limit`, resumable upload
//! answers, and product tags.

use serde::{Deserialize, Serialize};

use crate::ids::{ContainerId, MediaId};

graph_enum! {
    /// `status_code` of a media container.
    pub enum ContainerStatus {
        /// Not published within 24 hours; create a new container.
        Expired => "EXPIRED",
        /// Processing failed; `status` holds the reason (with the subcode).
        Error => "ERROR",
        /// Ready to publish.
        Finished => "FINISHED",
        /// Still processing.
        InProgress => "IN_PROGRESS",
        /// Already published.
        Published => "PUBLISHED",
    }
}

impl ContainerStatus {
    /// True when the container will not change state any more by waiting
    /// (`FINISHED`, `PUBLISHED`, `ERROR`, `EXPIRED`).
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Finished | Self::Published | Self::Error | Self::Expired
        )
    }
}

/// A media container (`GET /{container-id}?fields=id,status,status_code,video_status`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Container {
    /// The container id.
    pub id: ContainerId,
    /// Human-readable status; on `ERROR` it carries the reason and subcode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The machine-readable state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<ContainerStatus>,
    /// Upload/processing phases of a video container. Its shape is not documented consistently,
    /// so it is kept as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_status: Option<serde_json::Value>,
    /// Upload URI of a resumable (`upload_type=resumable`) container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The answer of `POST /{ig-user-id}/media`: `{"id"}`, plus `uri` for a resumable upload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContainerCreated {
    /// The new container's id.
    pub id: ContainerId,
    /// Where to send the bytes (`https://rupload.facebook.com/ig-api-upload/vXX/<id>`), for
    /// `upload_type=resumable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The answer of `POST /{ig-user-id}/media_publish`: the published media's id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaPublished {
    /// The id of the published media.
    pub id: MediaId,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The answer of a resumable upload `POST` to rupload: `{"success":true,"message":…}` or
/// `{"debug_info":{…}}` on failure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadResponse {
    /// Whether the upload was accepted.
    #[serde(
        default,
        deserialize_with = "super::de::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub success: Option<bool>,
    /// `"Upload successful."` and the like.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Why the upload failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debug_info: Option<UploadDebugInfo>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `debug_info` of a failed resumable upload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadDebugInfo {
    /// Whether retrying the same upload can succeed.
    #[serde(
        default,
        deserialize_with = "super::de::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub retriable: Option<bool>,
    /// E.g. `ProcessingFailedError`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    /// What went wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One item of `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config`
/// (the answer is a [`ListResponse`](super::common::ListResponse) of one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishingLimit {
    /// Posts published in the current window.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub quota_usage: Option<u64>,
    /// The quota, when `config` was requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<PublishingLimitConfig>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl PublishingLimit {
    /// Posts still allowed in the current window, when both usage and total are known.
    pub fn remaining(&self) -> Option<u64> {
        let total = self.config.as_ref()?.quota_total?;
        Some(total.saturating_sub(self.quota_usage?))
    }
}

/// `config` of the publishing limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishingLimitConfig {
    /// Posts allowed per window (25, 50 or 100 depending on the API version and account).
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub quota_total: Option<u64>,
    /// Window length in seconds (86400).
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub quota_duration: Option<u64>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A product tag on a media object (`GET /{ig-media-id}/product_tags`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductTag {
    /// The catalog product id (sent as a number).
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
    pub name: Option<String>,
    /// Price as displayed, e.g. `"$3.50"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_string: Option<String>,
    /// Price without currency formatting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripped_price_string: Option<String>,
    /// Sale price without currency formatting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripped_sale_price_string: Option<String>,
    /// Product image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// `approved`, `rejected`, `pending`, `outdated`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_status: Option<String>,
    /// Whether the product can be bought in Instagram checkout.
    #[serde(
        default,
        deserialize_with = "super::de::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_checkout: Option<bool>,
    /// Horizontal position of the tag, 0..1 (absent on reels).
    #[serde(
        default,
        deserialize_with = "super::de::opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub x: Option<f64>,
    /// Vertical position of the tag, 0..1.
    #[serde(
        default,
        deserialize_with = "super::de::opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub y: Option<f64>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}
