//! Comments and replies (`/{ig-media-id}/comments`, `/{ig-comment-id}`, `/{ig-comment-id}/replies`).

use serde::{Deserialize, Serialize};

use super::common::{parse_graph_time, ListResponse};
use super::ig_user::IgUserRef;
use super::media::MediaRef;
use crate::ids::CommentId;

/// A comment on a media object, or a reply to a comment.
///
/// Only `id` is always present: the API returns the fields the request asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    /// The comment id.
    pub id: CommentId,
    /// The text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Creation time as sent, e.g. `"2020-02-24T09:15:16+0000"`; see [`Comment::timestamp_parsed`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// Username of the author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The author (`from{id,username}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<IgUserRef>,
    /// The author as older versions sent it (`user{id}`, only for the account's own comments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<IgUserRef>,
    /// Number of likes.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub like_count: Option<u64>,
    /// Whether the comment is hidden.
    #[serde(
        default,
        deserialize_with = "super::de::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub hidden: Option<bool>,
    /// For a reply, the top-level comment it answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<CommentId>,
    /// The media commented on (`media{id}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<MediaRef>,
    /// Replies, when requested as a field expansion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replies: Option<ListResponse<Comment>>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Comment {
    /// [`Comment::timestamp`] parsed.
    pub fn timestamp_parsed(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.timestamp.as_deref().and_then(parse_graph_time)
    }

    /// The replies (empty when `replies` was not requested or there are none).
    pub fn replies(&self) -> &[Comment] {
        self.replies.as_ref().map_or(&[], |r| r.data.as_slice())
    }
}
