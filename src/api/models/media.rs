//! Instagram media objects (`/{ig-media-id}`, `/{ig-user-id}/media`, children, tags, hashtag
//! and business-discovery media).

use serde::{Deserialize, Serialize};

use super::comments::Comment;
use super::common::{parse_graph_time, ListResponse};
use super::ig_user::IgUserRef;
use super::insights::Insight;
use crate::ids::MediaId;

graph_enum! {
    /// `media_type` of a media object.
    pub enum MediaType {
        /// A photo.
        Image => "IMAGE",
        /// A video (a published reel also reads back as `VIDEO`).
        Video => "VIDEO",
        /// A carousel; its items are under `children`.
        CarouselAlbum => "CAROUSEL_ALBUM",
        /// A live broadcast (`/{ig-user-id}/live_media`).
        Broadcast => "BROADCAST",
    }
}

graph_enum! {
    /// `media_product_type`: where a media object was published.
    pub enum MediaProductType {
        /// An ad.
        Ad => "AD",
        /// A feed post.
        Feed => "FEED",
        /// A story.
        Story => "STORY",
        /// A reel.
        Reels => "REELS",
        /// A live broadcast (`/{ig-user-id}/live_media`).
        Live => "LIVE",
    }
}

/// An Instagram media object: a post, a carousel (or one of its children), a reel or a story.
///
/// Only `id` is always present: the API returns the fields the request asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Media {
    /// The media id.
    pub id: MediaId,
    /// The caption (absent when the post has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// `IMAGE`, `VIDEO` or `CAROUSEL_ALBUM` (live broadcasts send `BROADCAST`, kept as `Other`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<MediaType>,
    /// `AD`, `FEED`, `STORY` or `REELS` (live broadcasts send `LIVE`, kept as `Other`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_product_type: Option<MediaProductType>,
    /// URL of the image or video (absent for copyright-flagged media).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_url: Option<String>,
    /// Permanent URL of the post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permalink: Option<String>,
    /// The shortcode in the permalink.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shortcode: Option<String>,
    /// Thumbnail of a video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
    /// Publication time as sent, e.g. `"2019-09-26T22:36:43+0000"`; see [`Media::timestamp_parsed`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// Username of the owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Number of likes (hidden like counts read as absent or 0).
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub like_count: Option<u64>,
    /// Number of comments.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub comments_count: Option<u64>,
    /// Whether comments are enabled.
    #[serde(
        default,
        deserialize_with = "super::de::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_comment_enabled: Option<bool>,
    /// Whether a reel is also shown in the feed.
    #[serde(
        default,
        deserialize_with = "super::de::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_shared_to_feed: Option<bool>,
    /// Alternative text of an image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_text: Option<String>,
    /// The legacy Instagram media id (deprecated by Meta; older versions sent it).
    #[serde(
        default,
        deserialize_with = "super::de::opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub ig_id: Option<String>,
    /// The owner (`owner{id}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<IgUserRef>,
    /// Items of a carousel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children: Option<ListResponse<Media>>,
    /// Comments, when requested as a field expansion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<ListResponse<Comment>>,
    /// Insights, when requested as a field expansion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insights: Option<ListResponse<Insight>>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Media {
    /// [`Media::timestamp`] parsed, accepting `"2019-09-26T22:36:43+0000"` and RFC 3339.
    pub fn timestamp_parsed(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.timestamp.as_deref().and_then(parse_graph_time)
    }

    /// The items of a carousel (empty for other media or when `children` was not requested).
    pub fn children(&self) -> &[Media] {
        self.children.as_ref().map_or(&[], |c| c.data.as_slice())
    }
}

/// A reference to a media object, as in a comment's `media{id}` or a webhook's
/// `media{id,media_product_type}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaRef {
    /// The media id.
    pub id: MediaId,
    /// Where it was published, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_product_type: Option<MediaProductType>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The answer of `DELETE /{ig-media-id}`: `{"success":true,"deleted_id":…}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaDeleted {
    /// Whether the media was deleted.
    #[serde(default)]
    pub success: bool,
    /// The id of the deleted media, when sent.
    #[serde(
        default,
        deserialize_with = "super::de::opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub deleted_id: Option<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_in_graph_and_rfc3339_forms() {
        let m: Media =
            serde_json::from_str(r#"{"id":"1","timestamp":"2019-09-26T22:36:43+0000"}"#).unwrap();
        let t = m.timestamp_parsed().unwrap();
        assert_eq!(t.to_rfc3339(), "2019-09-26T22:36:43+00:00");
        assert_eq!(parse_graph_time("2019-09-26T22:36:43Z"), Some(t));
        assert_eq!(parse_graph_time("2019-09-26T23:36:43+01:00"), Some(t));
        assert_eq!(parse_graph_time("yesterday"), None);
    }

    #[test]
    fn enums_keep_unknown_values() {
        let m: Media = serde_json::from_str(
            r#"{"id":"1","media_type":"HOLOGRAM","media_product_type":"REELS","like_count":"7"}"#,
        )
        .unwrap();
        assert_eq!(m.media_type, Some(MediaType::Other("HOLOGRAM".into())));
        assert_eq!(MediaType::from("BROADCAST"), MediaType::Broadcast);
        assert_eq!(m.media_product_type, Some(MediaProductType::Reels));
        assert_eq!(m.like_count, Some(7));
        let back = serde_json::to_value(&m).unwrap();
        assert_eq!(back["media_type"], "HOLOGRAM");
        assert_eq!(back["like_count"], 7);
        assert!(
            back.get("caption").is_none(),
            "absent fields are not serialised as null"
        );
    }
}
