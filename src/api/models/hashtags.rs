//! Hashtags (`/ig_hashtag_search`, `/{ig-hashtag-id}`, `/{ig-user-id}/recently_searched_hashtags`).
//! Their `top_media` and `recent_media` edges are lists of [`Media`](super::media::Media).

use serde::{Deserialize, Serialize};

use crate::ids::HashtagId;

/// A hashtag node. `ig_hashtag_search` answers with `id` only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hashtag {
    /// The hashtag id used with `top_media` / `recent_media`.
    pub id: HashtagId,
    /// The hashtag without `#`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}
