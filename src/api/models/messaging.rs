//! Messaging: conversations (`/{ig-id|page-id}/conversations`, `/{conversation-id}`), messages
//! (`/{message-id}`) and the Send API answer.

use serde::{Deserialize, Serialize};

use super::common::{parse_graph_time, ListResponse};
use crate::ids::{ConversationId, MessageId};

/// A conversation (thread).
///
/// Only `id` is always present: the API returns the fields the request asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    /// The conversation id (`t_…` on Pages).
    pub id: ConversationId,
    /// Time of the last message, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_time: Option<String>,
    /// Messages, when requested (`fields=messages`); only the 20 newest are readable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<ListResponse<Message>>,
    /// The people in the conversation, when requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants: Option<ListResponse<Participant>>,
    /// Number of messages (Page inbox).
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub message_count: Option<u64>,
    /// Number of unread messages (Page inbox).
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub unread_count: Option<u64>,
    /// Text of the last message (Page inbox).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// Inbox path (Page inbox).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Conversation {
    /// [`Conversation::updated_time`] parsed.
    pub fn updated_time_parsed(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.updated_time.as_deref().and_then(parse_graph_time)
    }
}

/// A message (`GET /{message-id}?fields=id,created_time,from,to,message`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// The message id (`m_…` / `aWdf…`).
    pub id: MessageId,
    /// Creation time as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<String>,
    /// The sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Participant>,
    /// The recipients (`{"data":[…]}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<ListResponse<Participant>>,
    /// The text (absent or empty for attachment-only messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Attachments, when requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<ListResponse<Attachment>>,
    /// Labels such as `inbox`, `source:mobile` (Page inbox).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<ListResponse<MessageTag>>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Message {
    /// [`Message::created_time`] parsed.
    pub fn created_time_parsed(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.created_time.as_deref().and_then(parse_graph_time)
    }
}

/// A sender or recipient: `{id, username}` on Instagram, `{id, name, email}` on a Page inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Participant {
    /// The scoped id of the person or account.
    #[serde(deserialize_with = "crate::ids::string_or_number")]
    pub id: String,
    /// Instagram handle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Display name (Page inbox).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Proxy e-mail address (Page inbox).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A label on a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageTag {
    /// The label.
    #[serde(default)]
    pub name: String,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// An attachment of a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    /// The attachment id.
    #[serde(
        default,
        deserialize_with = "super::de::opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    /// MIME type, e.g. `image/jpeg`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// File name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Size in bytes.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub size: Option<u64>,
    /// Details of an image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_data: Option<ImageData>,
    /// Details of a video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_data: Option<VideoData>,
    /// URL of a file attachment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_url: Option<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `image_data` of an attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageData {
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
    /// Largest width available.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_width: Option<u64>,
    /// Largest height available.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_height: Option<u64>,
    /// Full-size URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Preview URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_url: Option<String>,
    /// Image kind code.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub image_type: Option<u64>,
    /// Whether the image is a sticker.
    #[serde(
        default,
        deserialize_with = "super::de::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub render_as_sticker: Option<bool>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `video_data` of an attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoData {
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
    /// Length in seconds.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub length: Option<u64>,
    /// Video kind code.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub video_type: Option<u64>,
    /// Video URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Preview image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_url: Option<String>,
    /// Rotation in degrees.
    #[serde(
        default,
        deserialize_with = "super::de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub rotation: Option<i64>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The answer of the Send API (`POST /{ig-id|me}/messages`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendMessageResponse {
    /// The recipient's scoped id.
    #[serde(
        default,
        deserialize_with = "super::de::opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub recipient_id: Option<String>,
    /// The new message's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<MessageId>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}
