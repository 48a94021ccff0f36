//! Mentions: `GET /{ig-user-id}?fields=mentioned_comment.comment_id(ID){…}` and
//! `mentioned_media.media_id(ID){…}`. Tagged media (`/{ig-user-id}/tags`) are plain
//! [`Media`] lists.

use serde::{Deserialize, Serialize};

use super::comments::Comment;
use super::media::Media;
use crate::ids::IgUserId;

/// The answer of a `mentioned_comment` read: the account's id and the comment that mentions it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MentionedComment {
    /// The mentioned account's id.
    pub id: IgUserId,
    /// The comment, with the requested fields.
    pub mentioned_comment: Comment,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The answer of a `mentioned_media` read: the account's id and the media whose caption
/// mentions it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MentionedMedia {
    /// The mentioned account's id.
    pub id: IgUserId,
    /// The media, with the requested fields.
    pub mentioned_media: Media,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}
